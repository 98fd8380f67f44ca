//! Links in every text field and page body, checked in every locale as that locale shows them:
//! the target page, procedure or file exists (exact case, not a directory, inside `content/`), the
//! `#anchor` exists in the target as rendered in that locale, a translated text does not lead a
//! reader into an untranslated page without a warning, and external links are well formed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::markup;
use crate::model::Site;
use crate::model::fields::text_fields;
use crate::model::shown_in;
use crate::paths::resolve;
use crate::paths::{CATEGORIES_PATH, INDEX_PATH, relative_url};
use crate::source::{FileId, SourceMap, Span};
use crate::validate::Base;
use crate::view::LocaleView;

/// A link as written in the content, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct WrittenLink {
    /// The destination as written.
    pub destination: String,
    /// The destination's place in its file.
    pub span: Span,
}

/// Markdown shown in one locale, with what is needed to place and resolve its links.
struct LinkSource<'a> {
    file: FileId,
    /// Content path relative links are resolved from.
    from: &'a str,
    /// The locale whose site shows this text.
    locale: &'a str,
    /// Whether the text is the source-locale text shown for lack of a translation.
    fallback: bool,
    markdown: &'a str,
    /// Where `markdown` is in the file: exactly at an offset (page bodies), or somewhere after
    /// one (YAML scalars, whose escapes and folding move characters).
    base: Base,
    /// Whether problems get "did you mean" hints (not when rendering, which only asks whether a
    /// link resolves).
    hints: bool,
}

/// Every Markdown text and page body as each locale shows it.
fn link_sources<'a>(site: &'a Site, config: &'a Config) -> Vec<LinkSource<'a>> {
    let source_locale = config.source_locale();
    let mut sources = Vec::new();
    for locale in &config.locales {
        for field in text_fields(site) {
            if let Some((markdown, start, fallback)) = field.text.shown_in(locale, source_locale) {
                sources.push(LinkSource {
                    file: field.file,
                    from: field.from,
                    locale,
                    fallback,
                    markdown,
                    base: Base::After(start),
                    hints: true,
                });
            }
        }
        for page in &site.pages {
            if let Some((version, fallback)) = shown_in(&page.versions, locale, source_locale) {
                sources.push(LinkSource {
                    file: version.file,
                    from: &page.path,
                    locale,
                    fallback,
                    markdown: &version.body,
                    base: Base::Exact(version.body_offset),
                    hints: true,
                });
            }
        }
        // An include file's links are resolved from the include file, as DocFX does, and checked
        // once per locale it is shown in.
        for include in &site.includes {
            if let Some((version, fallback)) = shown_in(&include.versions, locale, source_locale) {
                sources.push(LinkSource {
                    file: version.file,
                    from: include.path.strip_suffix(".md").unwrap_or(&include.path),
                    locale,
                    fallback,
                    markdown: &version.body,
                    base: Base::Exact(version.body_offset),
                    hints: true,
                });
            }
        }
    }
    sources
}

/// Where a link's destination is in its file.
fn destination_span(source: &LinkSource<'_>, link: &markup::Link, sources: &SourceMap) -> Span {
    source.base.span(
        source.file,
        sources,
        source.markdown,
        link.range.clone(),
        &link.destination,
    )
}

/// What the link checker knows about the output: which content paths become pages, which
/// directories exist, which files are copied, and the element ids of every page per locale.
struct Targets<'a> {
    site: &'a Site,
    config: &'a Config,
    pages: BTreeSet<String>,
    directories: HashSet<String>,
    assets: BTreeSet<&'a str>,
    views: HashMap<&'a str, LocaleView<'a>>,
    /// The element ids of every page in every locale, computed once, in parallel.
    ids: HashMap<String, HashMap<String, PageIds>>,
}

/// The element ids of one page in one locale.
struct PageIds {
    set: HashSet<String>,
    /// Ids that occur more than once, in page order.
    repeated: Vec<String>,
}

impl<'a> Targets<'a> {
    fn new(site: &'a Site, config: &'a Config) -> Self {
        let mut pages: BTreeSet<String> = site
            .procedures
            .iter()
            .map(|p| p.path.clone())
            .chain(site.pages.iter().map(|p| p.path.clone()))
            .collect();
        pages.insert(INDEX_PATH.to_string());
        if !site.categories.is_empty() {
            pages.insert(CATEGORIES_PATH.to_string());
        }
        let assets: BTreeSet<&str> = site.assets.iter().map(|a| a.path.as_str()).collect();
        let mut directories = HashSet::new();
        for path in pages
            .iter()
            .map(String::as_str)
            .chain(assets.iter().copied())
        {
            let mut rest = path;
            while let Some(i) = rest.rfind('/') {
                rest = &rest[..i];
                directories.insert(rest.to_string());
            }
        }
        let views: HashMap<&str, LocaleView<'_>> = config
            .locales
            .iter()
            .map(|l| (l.as_str(), LocaleView::new(site, config, l)))
            .collect();
        let pairs: Vec<(&str, &str)> = config
            .locales
            .iter()
            .flat_map(|l| pages.iter().map(move |p| (l.as_str(), p.as_str())))
            .collect();
        let computed: Vec<(&str, &str, PageIds)> = pairs
            .into_par_iter()
            .filter_map(|(locale, path)| {
                let all = views.get(locale)?.page_ids(path)?;
                let mut set = HashSet::with_capacity(all.len());
                let mut repeated = Vec::new();
                for id in all {
                    if !set.insert(id.clone()) {
                        repeated.push(id);
                    }
                }
                Some((locale, path, PageIds { set, repeated }))
            })
            .collect();
        let mut ids: HashMap<String, HashMap<String, PageIds>> = HashMap::new();
        for (locale, path, page_ids) in computed {
            ids.entry(locale.to_string())
                .or_default()
                .insert(path.to_string(), page_ids);
        }
        Self {
            site,
            config,
            pages,
            directories,
            assets,
            views,
            ids,
        }
    }

    /// The ids of `path`'s page in `locale`.
    fn ids(&self, locale: &str, path: &str) -> Option<&PageIds> {
        self.ids.get(locale)?.get(path)
    }
}

/// A problem with one link, before it is merged across locales.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    span_start: usize,
    file: FileId,
    span_end: usize,
    code: &'static str,
    message: String,
    help: Option<String>,
    warning: bool,
}

/// The codes of a link or image that leads nowhere in the output: when a project lowers or
/// baselines one, the renderers show the link's text (an image's alt text) instead.
pub const UNRESOLVED_CODES: &[&str] = &[
    "absolute-link",
    "broken-anchor",
    "broken-link",
    "invalid-url",
    "link-case",
    "link-directory",
];

/// What links can lead to in the output (pages, files, directories, every page's element ids
/// in every locale), computed once per run: the link check reads it, and rendering asks it
/// whether a link resolves (the same rules, one owner), so a link `check` reported (and the
/// project tolerated) is rendered as text, and every other link is kept.
pub struct LinkResolver<'a> {
    targets: Targets<'a>,
}

impl<'a> LinkResolver<'a> {
    /// The targets of a loaded site.
    pub fn new(site: &'a Site, config: &'a Config) -> Self {
        Self {
            targets: Targets::new(site, config),
        }
    }

    /// Whether `destination`, written in the expanded text of the page at content path `from`
    /// as shown in `locale`, leads to a page, anchor or file of the output (external links do).
    pub fn resolves(
        &self,
        sources: &SourceMap,
        locale: &str,
        from: &str,
        destination: &str,
    ) -> bool {
        let source = LinkSource {
            file: FileId::default(),
            from,
            locale,
            fallback: true,
            markdown: "",
            base: Base::Exact(0),
            hints: false,
        };
        // A page that did not load is not written, whatever `check` says of links to it.
        let path = destination.split(['#', '?']).next().unwrap_or(destination);
        if crate::paths::is_relative(destination)
            && !path.is_empty()
            && resolve(from, path).is_some_and(|resolved| {
                let target = resolved.strip_suffix(".md").unwrap_or(&resolved);
                self.targets.site.unreadable.contains(target)
                    && !self.targets.pages.contains(target)
            })
        {
            return false;
        }
        check_link(&source, destination, &self.targets, sources)
            .iter()
            .all(|(code, ..)| !UNRESOLVED_CODES.contains(code))
    }
}

pub(super) fn check(links: &LinkResolver<'_>, sources: &SourceMap, out: &mut Vec<Diagnostic>) {
    let targets = &links.targets;
    let (site, config) = (targets.site, targets.config);
    duplicate_ids(targets, sources, out);
    tables_of_contents(targets, sources, out);
    // Findings by (place, problem) → the locales in which the problem shows.
    let mut findings: BTreeMap<Finding, BTreeSet<&str>> = BTreeMap::new();
    // Links by place → the locales that show them (a source text shows wherever it falls back).
    let mut shown: HashMap<Span, BTreeSet<&str>> = HashMap::new();
    // Each text is checked on its own (in parallel); the results are merged in a fixed order.
    let checked: Vec<(&str, Vec<CheckedLink>)> = link_sources(site, config)
        .into_par_iter()
        .map(|source| {
            let links = crate::dialect::links(source.markdown)
                .into_iter()
                .map(|link| {
                    let span = destination_span(&source, &link, sources);
                    (
                        span,
                        check_link(&source, &link.destination, targets, sources),
                    )
                })
                .collect();
            (source.locale, links)
        })
        .collect();
    for (locale, links) in checked {
        for (span, problems) in links {
            shown.entry(span.clone()).or_default().insert(locale);
            for (code, message, help, warning) in problems {
                let finding = Finding {
                    span_start: span.range.start,
                    file: span.file,
                    span_end: span.range.end,
                    code,
                    message,
                    help,
                    warning,
                };
                findings.entry(finding).or_default().insert(locale);
            }
        }
    }
    for (finding, locales) in findings {
        let span = Span::new(finding.file, finding.span_start..finding.span_end);
        let mut message = finding.message;
        if shown
            .get(&span)
            .is_some_and(|all| all.len() > locales.len())
        {
            let list: Vec<String> = locales.iter().map(|l| format!("`{l}`")).collect();
            message.push_str(&format!(" (in the {} version)", list.join(", ")));
        }
        let diagnostic = if finding.warning {
            Diagnostic::warning(finding.code, message)
        } else {
            Diagnostic::error(finding.code, message)
        };
        let diagnostic = diagnostic.at(span);
        out.push(match finding.help {
            Some(help) => diagnostic.help(help),
            None => diagnostic,
        });
    }
}

/// Every `href` of every table of contents, checked like a link written in the `toc.yml` file
/// (in its locale): pages and anchors, nested tables of contents, site-root and web addresses.
fn tables_of_contents(targets: &Targets<'_>, sources: &SourceMap, out: &mut Vec<Diagnostic>) {
    fn walk<'s>(
        items: &'s [crate::model::TocItem],
        source: &LinkSource<'s>,
        targets: &Targets<'_>,
        sources: &SourceMap,
        out: &mut Vec<Diagnostic>,
    ) {
        for item in items {
            if let Some(href) = &item.href {
                let span = href.span(source.file, 0);
                let written = href.value.trim();
                let problems = if crate::view::is_toc_file(written) {
                    let path = resolve(source.from, written);
                    let found = path
                        .as_ref()
                        .is_some_and(|path| targets.site.tocs.iter().any(|t| &t.path == path));
                    if path.as_deref() == Some(source.from) {
                        vec![error(
                            "broken-link",
                            format!("`{written}` is this table of contents itself"),
                            Some("link another table of contents, or list the entries here".into()),
                        )]
                    } else if !found {
                        vec![error(
                            "broken-link",
                            format!("no table of contents `{written}` in content/"),
                            Some("name a `toc.yml` by its path from this one".into()),
                        )]
                    } else {
                        Vec::new()
                    }
                } else {
                    check_link(source, written, targets, sources)
                };
                for (code, message, help, warning) in problems {
                    let diagnostic = if warning {
                        Diagnostic::warning(code, message)
                    } else {
                        Diagnostic::error(code, message)
                    };
                    let diagnostic = diagnostic.at(span.clone());
                    out.push(match help {
                        Some(help) => diagnostic.help(help),
                        None => diagnostic,
                    });
                }
            }
            walk(&item.items, source, targets, sources, out);
        }
    }
    for toc in &targets.site.tocs {
        let from = toc.path.as_str();
        let source = LinkSource {
            file: toc.file,
            from,
            locale: &toc.locale,
            fallback: false,
            markdown: "",
            base: Base::Exact(0),
            hints: true,
        };
        walk(&toc.items, &source, targets, sources, out);
    }
}

/// Explicit heading ids (`{#id}`) that repeat an id of their page: a link could only reach one.
fn duplicate_ids(targets: &Targets<'_>, sources: &SourceMap, out: &mut Vec<Diagnostic>) {
    let mut reported = BTreeSet::new();
    for locale in targets.config.locales.iter().map(String::as_str) {
        let Some(view) = targets.views.get(locale) else {
            continue;
        };
        for path in &targets.pages {
            let Some(ids) = targets.ids(locale, path) else {
                continue;
            };
            for id in &ids.repeated {
                if !reported.insert((path.clone(), id.clone())) {
                    continue;
                }
                let file = defining_file(targets.site, view, path);
                // Where the author wrote the id: `{#id}`, or an HTML `id` or `name`.
                let span = file.and_then(|file| {
                    let text = &sources.file(file).text;
                    [
                        format!("{{#{id}}}"),
                        format!("id=\"{id}\""),
                        format!("name=\"{id}\""),
                    ]
                    .iter()
                    .find_map(|written| {
                        let start = text.rfind(written.as_str())?;
                        Some(Span::new(file, start..start + written.len()))
                    })
                });
                let diagnostic = Diagnostic::error(
                    "duplicate-anchor",
                    format!("the page of `{path}` has the id `{id}` twice"),
                )
                .help(format!("give each heading its own `{{#id}}` and each HTML anchor its own id; step, category and template ids ({}) are taken too", crate::paths::TEMPLATE_IDS.join(", ")));
                out.push(match span {
                    Some(span) => diagnostic.at(span),
                    None => diagnostic,
                });
            }
        }
    }
}

/// The file whose texts make the page of `path` in a view's locale.
fn defining_file(site: &Site, view: &LocaleView<'_>, path: &str) -> Option<FileId> {
    if let Some(procedure) = site.procedure(path) {
        return Some(procedure.file);
    }
    if path == CATEGORIES_PATH && !site.categories.is_empty() {
        return site.categories_file;
    }
    site.page(path)
        .and_then(|p| view.page_version(p))
        .map(|(v, _)| v.file)
}

type Problem = (&'static str, String, Option<String>, bool);

/// A link's place and its problems in one locale.
type CheckedLink = (Span, Vec<Problem>);

fn error(code: &'static str, message: String, help: Option<String>) -> Problem {
    (code, message, help, false)
}

/// The problems of one link in one locale.
fn check_link(
    source: &LinkSource<'_>,
    destination: &str,
    targets: &Targets<'_>,
    sources: &SourceMap,
) -> Vec<Problem> {
    if destination.trim().is_empty() {
        return vec![error(
            "broken-link",
            "empty link".into(),
            Some("write the target between the parentheses: `[text](page.md)`".into()),
        )];
    }
    if let Some(scheme) = scheme(destination) {
        return check_external(&scheme, destination).into_iter().collect();
    }
    if destination.starts_with("//") {
        return vec![error(
            "absolute-link",
            format!("`{destination}` has no scheme"),
            Some("write the full address: `https:` then the rest".into()),
        )];
    }
    if destination.starts_with('/') {
        return site_root_link(source, destination, targets, sources);
    }
    let (path, fragment) = match destination.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (destination, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let Ok(path) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return vec![error(
            "broken-link",
            format!("`{destination}` is not valid percent-encoded UTF-8"),
            None,
        )];
    };
    let fragment = match fragment.map(|f| percent_encoding::percent_decode_str(f).decode_utf8()) {
        Some(Ok(f)) => Some(f.into_owned()),
        Some(Err(_)) => {
            return vec![error(
                "broken-anchor",
                format!("`{destination}` has an anchor that is not valid UTF-8"),
                None,
            )];
        }
        None => None,
    };
    if path.is_empty() {
        // `#anchor` on the page the text is shown on.
        return match fragment {
            Some(fragment) if targets.pages.contains(source.from) => {
                anchor(source, source.from, &fragment, destination, targets)
            }
            _ => Vec::new(),
        };
    }
    let Some(resolved) = resolve(source.from, &path) else {
        if is_declared_outside(targets.config, source.from, &path) {
            return Vec::new();
        }
        return vec![error(
            "link-outside",
            format!("`{destination}` leads outside `content/`"),
            Some("links can only reach pages, procedures and files inside content/; list targets that exist elsewhere in `[output.runbook] outside`".into()),
        )];
    };
    if targets
        .site
        .unreadable
        .contains(resolved.strip_suffix(".md").unwrap_or(&resolved))
        || targets.site.skipped.contains(&resolved)
        || targets.config.outside.is_match(&resolved)
    {
        return Vec::new();
    }
    if path.ends_with('/') || targets.directories.contains(&resolved) {
        let index = format!("{resolved}/{INDEX_PATH}");
        let help = targets.pages.contains(&index).then(|| {
            format!(
                "link the directory's page: `{}/{INDEX_PATH}.md`",
                path.trim_end_matches('/')
            )
        });
        return vec![error(
            "link-directory",
            format!("`{destination}` links a directory"),
            help.or_else(|| Some("link a page (`name.md`) or a file".into())),
        )];
    }
    match resolved.strip_suffix(".md") {
        Some(target) => {
            if targets.site.include(&resolved).is_some() {
                return vec![error(
                    "broken-link",
                    format!("`{destination}` links an include file, which is not a page"),
                    Some(format!(
                        "pull it in with `[!INCLUDE [title]({path})]`, or move it out of {}",
                        targets.config.include_folders.join(", ")
                    )),
                )];
            }
            if !targets.pages.contains(target) {
                return vec![missing_target(
                    source,
                    target,
                    destination,
                    targets.pages.iter().map(String::as_str),
                    ".md",
                    source.hints,
                )];
            }
            let mut problems = Vec::new();
            if let Some(fragment) = &fragment {
                problems.extend(anchor(source, target, fragment, destination, targets));
            }
            if let Some(problem) =
                untranslated_target(source, target, destination, targets, sources)
            {
                problems.push(problem);
            }
            problems
        }
        None => {
            if targets.assets.contains(resolved.as_str()) {
                return Vec::new();
            }
            let stem = resolved.strip_suffix(".html").unwrap_or(&resolved);
            if targets.pages.contains(stem) {
                return vec![error(
                    "broken-link",
                    format!("`{destination}` links the output, not the source"),
                    Some(format!(
                        "link `{}.md`: each output turns it into its own file",
                        relative_url(source.from, stem)
                    )),
                )];
            }
            // Files left out as not content (a DocFX FAQ page) count too: a link that differs
            // from one only in case is a case error, not a missing file.
            vec![missing_target(
                source,
                &resolved,
                destination,
                targets
                    .assets
                    .iter()
                    .copied()
                    .chain(targets.site.skipped.iter().map(String::as_str)),
                "",
                source.hints,
            )]
        }
    }
}

/// A site-root link (`/azure/x`): read with `[output.runbook.root-links]`, else declared outside, else an
/// error whose help names both settings.
fn site_root_link(
    source: &LinkSource<'_>,
    destination: &str,
    targets: &Targets<'_>,
    sources: &SourceMap,
) -> Vec<Problem> {
    let config = targets.config;
    let path = destination.split(['#', '?']).next().unwrap_or(destination);
    if config.outside.is_match(path) || config.outside.is_match(path.trim_start_matches('/')) {
        return Vec::new();
    }
    match crate::dialect::root_link(config, destination, source.locale) {
        crate::dialect::RootLink::External(url) => {
            check_external("https", &url).into_iter().collect()
        }
        crate::dialect::RootLink::Content(path) => {
            // Checked as the relative link it stands for, written at the content root.
            let root = LinkSource {
                from: "index",
                ..*source
            };
            check_link(&root, &path, targets, sources)
                .into_iter()
                .map(|(code, message, help, warning)| {
                    (
                        code,
                        format!("{message} (`{destination}` read as `{path}`)"),
                        help,
                        warning,
                    )
                })
                .collect()
        }
        crate::dialect::RootLink::Unmapped => {
            let prefix = match path.trim_start_matches('/').split_once('/') {
                Some((first, _)) if !first.is_empty() => format!("/{first}/"),
                _ => "/".to_string(),
            };
            vec![error(
                "absolute-link",
                format!(
                    "`{destination}` is a site-root link, and no `[output.runbook.root-links]` mapping reads it"
                ),
                Some(format!(
                    "map its prefix in book.toml: `[output.runbook.root-links]` `\"{prefix}\" = \"https://your.site/{{locale}}{prefix}\"` (or `= \"content\"` when the pages are here), or declare it with `[output.runbook] outside = [\"{prefix}**\"]`; a relative link (`page.md`) works everywhere"
                )),
            )]
        }
    }
}

/// Whether a relative link that climbs out of `content/` names a target declared in
/// `[output.runbook] outside` (matched as the path from the content root, `../` kept).
fn is_declared_outside(config: &Config, from: &str, path: &str) -> bool {
    config
        .outside
        .is_match(crate::paths::lexical_path(from, path))
}

/// A missing page or file: a case-only difference, a likely typo, or simply absent.
fn missing_target<'k>(
    source: &LinkSource<'_>,
    target: &str,
    destination: &str,
    known: impl Iterator<Item = &'k str> + Clone,
    extension: &str,
    hints: bool,
) -> Problem {
    if !hints {
        return error("broken-link", String::new(), None);
    }
    let lower = target.to_lowercase();
    if let Some(same) = known.clone().find(|k| k.to_lowercase() == lower) {
        return error(
            "link-case",
            format!("`{destination}` differs only in case from `{same}{extension}`"),
            Some(format!(
                "write `{}{extension}`: the site must work on hosts where names are case-sensitive",
                relative_url(source.from, same)
            )),
        );
    }
    let help = did_you_mean(target, known.clone())
        .map(|k| {
            format!(
                "did you mean `{}{extension}`?",
                relative_url(source.from, k)
            )
        })
        .or_else(|| moved_to(target, known, extension, source.from));
    let what = if extension.is_empty() {
        "file"
    } else {
        "page or procedure"
    };
    error(
        "broken-link",
        format!("no {what} `{destination}` in content/"),
        help,
    )
}

/// The one file of the same name elsewhere in `content/` (`images/a.png` linked, `media/a.png`
/// there: a folder renamed or a file moved), as a help; none when no file or several have it.
fn moved_to<'k>(
    target: &str,
    known: impl Iterator<Item = &'k str>,
    extension: &str,
    from: &str,
) -> Option<String> {
    let name = target.rsplit('/').next().unwrap_or(target);
    let mut same = known.filter(|k| k.rsplit('/').next() == Some(name) && *k != target);
    let found = same.next()?;
    if same.next().is_some() {
        return None;
    }
    Some(format!(
        "a {} of that name is at `{}{extension}`: link it there if it was moved",
        if extension.is_empty() { "file" } else { "page" },
        relative_url(from, found)
    ))
}

/// A `#fragment` that the target page does not have in this locale.
fn anchor(
    source: &LinkSource<'_>,
    target: &str,
    fragment: &str,
    destination: &str,
    targets: &Targets<'_>,
) -> Vec<Problem> {
    let Some(ids) = targets.ids(source.locale, target) else {
        return Vec::new();
    };
    if ids.set.contains(fragment) {
        return Vec::new();
    }
    if let Some(single) = fragment.strip_prefix('#') {
        let found = ids.set.contains(single.trim_start_matches('#'));
        return vec![error(
            "broken-anchor",
            format!("`{destination}` has `#` twice before its anchor"),
            Some(if found {
                format!("write one `#`: `#{}`", single.trim_start_matches('#'))
            } else {
                "write one `#` before the anchor".to_string()
            }),
        )];
    }
    if !source.hints {
        return vec![error("broken-anchor", String::new(), None)];
    }
    let close = did_you_mean(fragment, ids.set.iter().map(String::as_str));
    // The source page has the anchor and the translation does not: the translation is behind
    // (a heading added or renamed since), and the link is right. The fix is in the translation.
    let source_locale = targets.config.source_locale();
    if source.fallback
        && source.locale != source_locale
        && targets
            .ids(source_locale, target)
            .is_some_and(|source_ids| source_ids.set.contains(fragment))
    {
        let page = destination.split('#').next().unwrap_or(destination);
        let shown = if page.is_empty() { "this page" } else { page };
        let mut help = format!(
            "the link is right in `{source_locale}`; the `{}` translation of the page lacks the id (its headings have their own slugs, or it predates the heading): update the translation, or give the heading the explicit id `{{#{fragment}}}` in both",
            source.locale
        );
        if let Some(id) = close {
            help.push_str(&format!(" (its nearest id is `#{id}`)"));
        }
        return vec![error(
            "broken-anchor",
            format!(
                "no anchor `#{fragment}` in the `{}` version of `{shown}`",
                source.locale
            ),
            Some(help),
        )];
    }
    let help = close
        .map(|id| format!("did you mean `#{id}`?"))
        .or_else(|| Some("anchors are heading slugs (`## Where to look` → `#where-to-look`), step ids and category ids".into()));
    let page = destination.split('#').next().unwrap_or(destination);
    let message = if page.is_empty() {
        format!("no anchor `#{fragment}` on this page")
    } else {
        format!("no anchor `#{fragment}` in `{page}`")
    };
    vec![error("broken-anchor", message, help)]
}

/// A translated text linking a page that has no translation in its locale: the reader leaves
/// their language without being told.
fn untranslated_target(
    source: &LinkSource<'_>,
    target: &str,
    destination: &str,
    targets: &Targets<'_>,
    sources: &SourceMap,
) -> Option<Problem> {
    if source.fallback || source.locale == targets.config.source_locale() {
        return None;
    }
    let page = targets.site.page(target)?;
    if page.versions.contains_key(source.locale) {
        return None;
    }
    let shown = page.versions.get(targets.config.source_locale())?;
    Some((
        "untranslated-target",
        format!(
            "`{}` links `{destination}`, which has no `{}` version: readers get `{}` instead",
            sources.file(source.file).path,
            source.locale,
            sources.file(shown.file).path
        ),
        Some(format!(
            "translate it as `{}.{}.md`, or accept the fallback",
            target.rsplit('/').next().unwrap_or(target),
            source.locale
        )),
        true,
    ))
}

/// The scheme of an absolute URL (`https`, `mailto`), lowercased.
fn scheme(destination: &str) -> Option<String> {
    let colon = destination.find(':')?;
    let scheme = &destination[..colon];
    (!scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// Syntax of an external link (no network): http(s) with a host, mailto with an address; script
/// and data URLs refused.
fn check_external(scheme: &str, destination: &str) -> Option<Problem> {
    match scheme {
        "file" => Some(error(
            "link-outside",
            format!("`{destination}` points at a file on the reader's own disk"),
            Some("copy the file into content/ and link it relatively".into()),
        )),
        drive if drive.len() == 1 => Some(error(
            "absolute-link",
            format!("`{destination}` is an absolute path on a disk"),
            Some("link files inside content/ relatively (`images/x.png`)".into()),
        )),
        "javascript" | "vbscript" | "data" => Some(error(
            "unsafe-link",
            format!("`{scheme}:` links are refused"),
            Some("link a page or a web address (https://...)".into()),
        )),
        "http" | "https" => match url::Url::parse(destination) {
            Ok(url) if url.host_str().is_some_and(|h| !h.is_empty()) => None,
            Ok(_) => Some(error(
                "invalid-url",
                format!("`{destination}` has no host"),
                None,
            )),
            Err(e) => Some(error(
                "invalid-url",
                format!("`{destination}` is not a valid URL: {e}"),
                None,
            )),
        },
        "mailto" => {
            let address = &destination["mailto:".len()..];
            let address = address.split('?').next().unwrap_or(address);
            let valid = address.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !host.ends_with('.')
            });
            (!valid).then(|| {
                error(
                    "invalid-url",
                    format!("`{destination}` is not an e-mail address"),
                    None,
                )
            })
        }
        "tel" => None,
        other => Some((
            "unknown-scheme",
            format!("`{other}:` links are neither web nor e-mail links"),
            Some("use https://, http:// or mailto:".into()),
            true,
        )),
    }
}

/// Every external link (with a scheme) in the content, once each, in file order.
pub fn external_links(site: &Site, config: &Config, sources: &SourceMap) -> Vec<WrittenLink> {
    let mut found = BTreeSet::new();
    for source in link_sources(site, config) {
        for link in markup::links(source.markdown) {
            if scheme(&link.destination).is_some() {
                let span = destination_span(&source, &link, sources);
                found.insert(WrittenLink {
                    destination: link.destination.clone(),
                    span,
                });
            }
        }
    }
    let mut found: Vec<WrittenLink> = found.into_iter().collect();
    found.sort_by(|a, b| a.span.cmp(&b.span));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_and_stay_inside() {
        assert_eq!(resolve("a", "b.md").as_deref(), Some("b.md"));
        assert_eq!(resolve("g/a", "../b.png").as_deref(), Some("b.png"));
        assert_eq!(resolve("a", "../../etc/passwd"), None);
    }

    #[test]
    fn a_file_of_the_same_name_elsewhere_is_named() {
        let known = [
            "media/azure/plan.png",
            "media/other.png",
            "a/dup.png",
            "b/dup.png",
        ];
        assert_eq!(
            moved_to("images/azure/plan.png", known.into_iter(), "", "guide"),
            Some(
                "a file of that name is at `media/azure/plan.png`: link it there if it was moved"
                    .into()
            )
        );
        // Two candidates: no guess.
        assert_eq!(moved_to("c/dup.png", known.into_iter(), "", "guide"), None);
        assert_eq!(
            moved_to("images/none.png", known.into_iter(), "", "guide"),
            None
        );
    }

    #[test]
    fn external_syntax() {
        assert!(check_external("https", "https://example.com/a").is_none());
        assert!(check_external("https", "https://").is_some());
        assert!(check_external("mailto", "mailto:help@example.com").is_none());
        assert!(check_external("mailto", "mailto:help").is_some());
        assert_eq!(
            check_external("javascript", "javascript:alert(1)")
                .unwrap()
                .0,
            "unsafe-link"
        );
        assert!(
            check_external("ftp", "ftp://x").unwrap().3,
            "unknown schemes are warnings"
        );
        assert_eq!(scheme("HTTPS://x").as_deref(), Some("https"));
        assert_eq!(scheme("page.md#a:b"), None);
    }
}
