//! `book.toml` → [`Config`].
//!
//! The file is mdBook's: its `[book]` keys (title, authors, description, language, src) are
//! read, and runbook's own settings live in `[output.runbook]`, the table mdBook keeps for a
//! backend, so that `mdbook build` at the project root runs runbook (`crate::mdbook`). mdBook's
//! other tables (`[build]`, `[output.html]`, ...) are left to mdBook; unknown keys inside
//! `[output.runbook]` are errors with their location, and a `[runbook]` table of earlier
//! versions is an error saying where it moved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceMap, Span};

/// The name of the configuration file at the project root.
pub const CONFIG_FILE: &str = "book.toml";

/// What to do when a text or page has no translation in a locale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fallback {
    /// Show the source-locale text, marked with its language (the default).
    #[default]
    Source,
    /// Refuse to build: every text must exist in every locale.
    Error,
}

/// Whether `path`, with every symbolic link resolved, is inside the project `root`. A path that
/// does not resolve (missing, or a symbolic link loop) is not.
pub fn is_inside(root: &Path, path: &Path) -> bool {
    match (std::fs::canonicalize(root), std::fs::canonicalize(path)) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        _ => false,
    }
}

/// What `check` and `build` accept as raw HTML inside Markdown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RawHtml {
    /// Elements and attributes of `safety::RAW_HTML_TAGS` and `RAW_HTML_ATTRIBUTES` (`<kbd>`,
    /// `<details>`, …); anything else is an error (the default).
    #[default]
    AllowList,
    /// No raw HTML at all: every tag is an error.
    Refuse,
}

/// Where a page's "last updated" date comes from (`[output.runbook] dates`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dates {
    /// A page's front matter: `date`, else `ms.date` (the default). Procedures have none.
    #[default]
    FrontMatter,
    /// The commit that last changed the page's or procedure's file (`git log`).
    Git,
    /// No dates.
    None,
}

/// The paper printed checklists and runbooks are laid out for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// ISO A4, 210 × 297 mm (the default).
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// The CSS `@page size` keyword and typst paper name.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        }
    }

    /// The CSS page size keyword.
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

/// The project's configuration, resolved and checked.
#[derive(Clone, Debug)]
pub struct Config {
    /// The project root (the directory holding `book.toml`).
    pub root: PathBuf,
    /// The guide's title in the source locale (`[book] title`).
    pub title: String,
    /// Authors (`[book] authors`), shown in generated mdBook sources.
    pub authors: Vec<String>,
    /// One-sentence description (`[book] description`).
    pub description: Option<String>,
    /// Locales: the source locale (listed first in `book.toml`), then the translations sorted by
    /// tag.
    pub locales: Vec<String>,
    /// Site title per locale; a locale without one uses `title`.
    pub titles: BTreeMap<String, String>,
    /// The output directory, relative to the root unless absolute.
    pub output_dir: PathBuf,
    /// The fallback policy for missing translations.
    pub fallback: Fallback,
    /// Paper size of printed checklists and runbooks.
    pub paper: Paper,
    /// The record fields at the top of a checklist: built-in keys (`customer`, `ticket`, `date`,
    /// `engineer`) take the locale's words; any other text is printed as written.
    pub record_fields: Vec<String>,
    /// Where the HTML site is published, so that printed cross-links can show full URLs.
    pub site_url: Option<String>,
    /// The date printed on checklists: `[output.runbook] build-date`, else `SOURCE_DATE_EPOCH`, else none
    /// (never the clock, so that builds stay reproducible).
    pub build_date: Option<String>,
    /// Whether `build` writes PDFs (`[output.runbook] pdf`, or `--pdf`).
    pub pdf: bool,
    /// Where pages' "last updated" dates come from (`[output.runbook] dates`).
    pub dates: Dates,
    /// Font files for PDFs, relative to the root, tried before the shipped IPAex Gothic.
    pub fonts: Vec<PathBuf>,
    /// What raw HTML inside Markdown is accepted (`[output.runbook] raw-html`).
    pub raw_html: RawHtml,
    /// Content files left out of the build (`[output.runbook] exclude`, globs relative to `content/`).
    pub exclude: globset::GlobSet,
    /// Directory names whose Markdown files are include files, pulled into pages and never
    /// built as pages of their own (`[output.runbook] include-folders`, default `includes`).
    pub include_folders: Vec<String>,
    /// Where site-root links (`/azure/x`) lead (`[output.runbook.root-links]`), longest prefix first.
    pub root_links: Vec<RootLink>,
    /// Link targets known to exist outside the built content (`[output.runbook] outside`, globs over
    /// site-root paths and content-relative paths): accepted without a check.
    pub outside: globset::GlobSet,
    /// The project's level of each diagnostic code it names (`[output.runbook.lints]`).
    pub lints: crate::lints::Lints,
    /// The baseline of known findings, relative to the root (`[output.runbook] baseline`,
    /// default `runbook-baseline.json`).
    pub baseline: PathBuf,
    /// Which runbooks are bound (`[output.runbook] runbooks`: `all`, `products`, `sections`);
    /// `None`: the default, which binds `all` or `sections` by the number of procedures.
    pub runbooks: Option<Vec<String>>,
    /// Which Markdown pages are procedures (`[output.runbook.procedure-pages]`); a page's own
    /// `procedure:` front matter key overrides it.
    pub procedure_pages: ProcedurePages,
}

/// `[output.runbook.procedure-pages]`: the Markdown pages whose ordered lists are steps.
#[derive(Clone, Debug, Default)]
pub struct ProcedurePages {
    /// Pages matched by content path (globs relative to `content/`).
    pub paths: Option<globset::GlobSet>,
    /// Pages whose front matter key holds one of these values (`"ms.topic" = ["how-to"]`).
    pub metadata: BTreeMap<String, Vec<String>>,
}

impl ProcedurePages {
    /// Whether a page at `relative` (its source file's content path) with this front matter
    /// metadata is a procedure page by the project's rule.
    pub fn matches(&self, relative: &str, metadata: &BTreeMap<String, serde_json::Value>) -> bool {
        let by_path = self
            .paths
            .as_ref()
            .is_some_and(|set| set.is_match(relative));
        let by_metadata = self.metadata.iter().any(|(key, values)| {
            metadata
                .get(key)
                .and_then(serde_json::Value::as_str)
                .is_some_and(|value| values.iter().any(|v| v.eq_ignore_ascii_case(value.trim())))
        });
        by_path || by_metadata
    }
}

/// Where the site-root links under one prefix lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootLink {
    /// The path prefix, starting and ending with `/` (`/partner-center/`).
    pub prefix: String,
    /// What the rest of the path is resolved against.
    pub target: RootTarget,
}

/// The two things a site-root prefix can stand for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootTarget {
    /// A directory of `content/` (`""` for the root): the link is checked and rendered like a
    /// relative one.
    Content(String),
    /// A published site: the link becomes an external link to this base URL; `{locale}` in it is
    /// replaced by the page's locale.
    Url(String),
}

impl Config {
    /// How a site-root link (`/x/y`) is to be read: the mapping that holds it and the path after
    /// its prefix, or `None` when no mapping does.
    pub fn root_link<'l>(&self, destination: &'l str) -> Option<(&RootLink, &'l str)> {
        self.root_links.iter().find_map(|link| {
            destination
                .strip_prefix(link.prefix.as_str())
                .or_else(|| (destination == link.prefix.trim_end_matches('/')).then_some(""))
                .map(|rest| (link, rest))
        })
    }

    /// Whether a content path is left out by `[output.runbook] exclude`.
    pub fn is_excluded(&self, relative: &str) -> bool {
        self.exclude.is_match(relative)
    }

    /// Whether a content path lies in an include folder.
    pub fn is_include(&self, relative: &str) -> bool {
        let mut parts: Vec<&str> = relative.split('/').collect();
        parts.pop();
        parts
            .iter()
            .any(|part| self.include_folders.iter().any(|f| f == part))
    }
}

impl Config {
    /// The source locale: the one every text is written in first.
    pub fn source_locale(&self) -> &str {
        &self.locales[0]
    }

    /// The site title in `locale`.
    pub fn title_in(&self, locale: &str) -> &str {
        self.titles.get(locale).unwrap_or(&self.title)
    }

    /// The directory holding the content files.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    /// The directory holding template overrides.
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }

    /// Whether `locale` is one of the configured locales.
    pub fn has_locale(&self, locale: &str) -> bool {
        self.locales.iter().any(|l| l == locale)
    }
}

#[derive(Deserialize)]
struct BookToml {
    #[serde(default)]
    book: BookTable,
    /// The table of earlier versions, now `[output.runbook]`: an error that says how to move it.
    runbook: Option<toml::Spanned<toml::Table>>,
    #[serde(default)]
    output: OutputTables,
}

/// mdBook's `[output.*]` tables: runbook reads its own and leaves the others to mdBook.
#[derive(Default, Deserialize)]
struct OutputTables {
    runbook: Option<RunbookTable>,
}

/// mdBook's `[book]` table: only the keys runbook reads; mdBook's others are allowed.
#[derive(Default, Deserialize)]
struct BookTable {
    title: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    description: Option<String>,
    language: Option<toml::Spanned<String>>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RunbookTable {
    /// mdBook's: the backend's command line (`runbook mdbook-backend`); runbook does not use it.
    #[serde(rename = "command")]
    _command: Option<String>,
    /// mdBook's: whether a missing backend command is only a warning; runbook does not use it.
    #[serde(rename = "optional")]
    _optional: Option<bool>,
    locales: Option<toml::Spanned<Vec<toml::Spanned<String>>>>,
    #[serde(default)]
    titles: BTreeMap<toml::Spanned<String>, String>,
    output_dir: Option<String>,
    #[serde(default)]
    fallback: Fallback,
    #[serde(default)]
    paper: Paper,
    record_fields: Option<Vec<String>>,
    site_url: Option<toml::Spanned<String>>,
    build_date: Option<toml::Spanned<String>>,
    #[serde(default)]
    pdf: bool,
    #[serde(default)]
    dates: Dates,
    #[serde(default)]
    fonts: Vec<toml::Spanned<String>>,
    #[serde(default)]
    raw_html: RawHtml,
    #[serde(default)]
    exclude: Vec<toml::Spanned<String>>,
    include_folders: Option<Vec<String>>,
    #[serde(default)]
    root_links: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    #[serde(default)]
    outside: Vec<toml::Spanned<String>>,
    #[serde(default)]
    lints: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    baseline: Option<toml::Spanned<String>>,
    #[serde(default)]
    procedure_pages: ProcedurePagesTable,
    runbooks: Option<Vec<toml::Spanned<String>>>,
}

/// `[output.runbook.procedure-pages]` as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcedurePagesTable {
    paths: Option<Vec<toml::Spanned<String>>>,
    #[serde(default)]
    metadata: BTreeMap<String, Vec<String>>,
}

/// Reads and checks `ROOT/book.toml`. The file is added to `sources` so that diagnostics can quote
/// it.
///
/// # Errors
/// A missing or unreadable file, a TOML syntax error, an unknown key in `[output.runbook]`, a wrong type
/// or an invalid locale: diagnostics with the location in `book.toml`.
pub fn load(root: &Path, sources: &mut SourceMap) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            return Err(vec![
                Diagnostic::error(
                    "missing-config",
                    format!("cannot read `{}`: {error}", path.display()),
                )
                .help("run `runbook init DIR` to start a project, or pass `--root DIR`"),
            ]);
        }
    };
    let file = sources.add(CONFIG_FILE, text);
    parse(root, &sources.file(file).text, file)
}

/// [`parse`], for unit tests of other modules.
#[cfg(test)]
pub(crate) fn parse_for_tests(
    root: &Path,
    text: &str,
    file: FileId,
) -> Result<Config, Vec<Diagnostic>> {
    parse(root, text, file)
}

/// Parses the text of `book.toml` (file `file` in the source map) for the project at `root`.
fn parse(root: &Path, text: &str, file: FileId) -> Result<Config, Vec<Diagnostic>> {
    let raw: BookToml = toml::from_str(text).map_err(|error| {
        let span = error.span().unwrap_or(0..0);
        vec![
            Diagnostic::error("invalid-config", error.message().trim().to_string())
                .at(Span::new(file, span)),
        ]
    })?;
    resolve(root, file, raw)
}

fn resolve(root: &Path, file: FileId, raw: BookToml) -> Result<Config, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    if let Some(old) = &raw.runbook {
        return Err(vec![
            Diagnostic::error(
                "moved-config",
                "runbook's settings are now in `[output.runbook]`, not `[runbook]`",
            )
            .at(Span::new(file, old.span()))
            .help(format!(
                "rename the table headers: `[runbook]` to `[output.runbook]`{}, and add `command = \"runbook mdbook-backend\"` to it so that `mdbook build` at the root builds the site",
                old.get_ref()
                    .iter()
                    .filter(|(_, value)| value.is_table())
                    .map(|(key, _)| format!(", `[runbook.{key}]` to `[output.runbook.{key}]`"))
                    .collect::<String>()
            )),
        ]);
    }
    let mut runbook = raw.output.runbook.unwrap_or_default();
    let book_language = raw.book.language.as_ref().map(|l| l.get_ref().clone());
    let locales: Vec<String> = match &runbook.locales {
        Some(list) => {
            if list.get_ref().is_empty() {
                diagnostics.push(
                    Diagnostic::error("invalid-config", "`locales` is empty")
                        .at(Span::new(file, list.span()))
                        .help("list at least the source locale, e.g. `locales = [\"en\", \"ja\"]`"),
                );
            }
            let mut seen = Vec::new();
            for locale in list.get_ref() {
                if !is_locale_tag(locale.get_ref()) {
                    diagnostics.push(
                        Diagnostic::error(
                            "invalid-locale",
                            format!("`{}` is not a language tag", locale.get_ref()),
                        )
                        .at(Span::new(file, locale.span()))
                        .help("use a BCP 47 tag such as `en`, `ja` or `pt-BR`"),
                    );
                } else if seen.contains(locale.get_ref()) {
                    diagnostics.push(
                        Diagnostic::error(
                            "duplicate-locale",
                            format!("locale `{}` is listed twice", locale.get_ref()),
                        )
                        .at(Span::new(file, locale.span())),
                    );
                }
                seen.push(locale.get_ref().clone());
            }
            // The translations in one order whatever order they are listed in, so that the
            // output (language menus, summaries) does not depend on how the list was written.
            if seen.len() > 2 {
                seen[1..].sort();
            }
            seen
        }
        None => vec![book_language.unwrap_or_else(|| "en".to_string())],
    };
    if let (Some(language), Some(first)) = (&raw.book.language, locales.first())
        && language.get_ref() != first
    {
        diagnostics.push(
            Diagnostic::error(
                "invalid-config",
                format!(
                    "`[book] language` is `{}` but the source locale (first of `locales`) is `{first}`",
                    language.get_ref()
                ),
            )
            .at(Span::new(file, language.span()))
            .help("the book's language is the source locale: make them the same"),
        );
    }
    let mut titles = BTreeMap::new();
    for (locale, title) in runbook.titles {
        if !locales.contains(locale.get_ref()) {
            diagnostics.push(
                Diagnostic::error(
                    "unknown-locale",
                    format!(
                        "`{}` is not one of the configured locales",
                        locale.get_ref()
                    ),
                )
                .at(Span::new(file, locale.span()))
                .suggest(locale.get_ref(), locales.iter().map(String::as_str)),
            );
        }
        titles.insert(locale.into_inner(), title);
    }
    if let Some(url) = &runbook.site_url
        && !matches!(url::Url::parse(url.get_ref()), Ok(u) if matches!(u.scheme(), "http" | "https"))
    {
        diagnostics.push(
            Diagnostic::error("invalid-config", format!("`{}` is not an http(s) URL", url.get_ref()))
                .at(Span::new(file, url.span()))
                .help("write the address the HTML site is published at, e.g. `https://docs.example.com/guide/`"),
        );
    }
    let build_date = match &runbook.build_date {
        Some(date) if is_iso_date(date.get_ref()) => Some(date.get_ref().clone()),
        Some(date) => {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-config",
                    format!("`{}` is not a date", date.get_ref()),
                )
                .at(Span::new(file, date.span()))
                .help("write it as YYYY-MM-DD"),
            );
            None
        }
        None => source_date_epoch(),
    };
    for font in &runbook.fonts {
        let path = Path::new(font.get_ref());
        let inside = path.is_relative()
            && path
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside || !root.join(path).is_file() || !is_inside(root, &root.join(path)) {
            diagnostics.push(
                Diagnostic::error("invalid-config", format!("no font file `{}` in the project", font.get_ref()))
                    .at(Span::new(file, font.span()))
                    .help("name a .ttf or .otf file by its path relative to book.toml, e.g. `fonts/NotoSansJP.ttf`"),
            );
        }
    }
    let exclude = glob_set(&runbook.exclude, file, "exclude", &mut diagnostics);
    let outside = glob_set(&runbook.outside, file, "outside", &mut diagnostics);
    let root_links = root_links(&runbook.root_links, file, &mut diagnostics);
    let procedure_pages = ProcedurePages {
        paths: runbook
            .procedure_pages
            .paths
            .as_ref()
            .map(|paths| glob_set(paths, file, "procedure-pages.paths", &mut diagnostics)),
        metadata: std::mem::take(&mut runbook.procedure_pages.metadata),
    };
    for kind in runbook.runbooks.iter().flatten() {
        if !["all", "products", "sections"].contains(&kind.get_ref().as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-config",
                    format!("`{}` is not a kind of runbook", kind.get_ref()),
                )
                .at(Span::new(file, kind.span()))
                .help("list `all` (every procedure), `products` (one per product) and `sections` (one per top-level section of the table of contents), e.g. `runbooks = [\"products\", \"sections\"]`"),
            );
        }
    }
    let mut lints = crate::lints::Lints::default();
    for (code, level) in &runbook.lints {
        if let Err(error) = lints.set(code.get_ref(), level.get_ref()) {
            let span = if error.at_level {
                level.span()
            } else {
                code.span()
            };
            let diagnostic =
                Diagnostic::error("invalid-config", error.message).at(Span::new(file, span));
            diagnostics.push(match error.help {
                Some(help) => diagnostic.help(help),
                None => diagnostic,
            });
        }
    }
    let baseline = match &runbook.baseline {
        Some(path) => {
            let relative = Path::new(path.get_ref());
            let inside = !path.get_ref().is_empty()
                && relative
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                diagnostics.push(
                    Diagnostic::error(
                        "invalid-config",
                        format!("`{}` is not a path inside the project", path.get_ref()),
                    )
                    .at(Span::new(file, path.span()))
                    .help("name the baseline by its path relative to book.toml, e.g. `baseline = \"ci/runbook-baseline.json\"`"),
                );
            }
            PathBuf::from(path.get_ref())
        }
        None => PathBuf::from(crate::baseline::DEFAULT_FILE),
    };
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(Config {
        root: root.to_path_buf(),
        title: raw.book.title.unwrap_or_else(|| "Runbook".to_string()),
        authors: raw.book.authors,
        description: raw.book.description,
        locales,
        titles,
        output_dir: PathBuf::from(runbook.output_dir.unwrap_or_else(|| "build".to_string())),
        fallback: runbook.fallback,
        paper: runbook.paper,
        record_fields: runbook.record_fields.unwrap_or_else(|| {
            ["customer", "ticket", "date", "engineer"]
                .map(String::from)
                .to_vec()
        }),
        site_url: runbook.site_url.map(|u| {
            let url = u.into_inner();
            if url.ends_with('/') {
                url
            } else {
                format!("{url}/")
            }
        }),
        build_date,
        pdf: runbook.pdf,
        dates: runbook.dates,
        fonts: runbook
            .fonts
            .into_iter()
            .map(|f| PathBuf::from(f.into_inner()))
            .collect(),
        raw_html: runbook.raw_html,
        exclude,
        include_folders: runbook
            .include_folders
            .unwrap_or_else(|| vec!["includes".to_string()]),
        root_links,
        outside,
        lints,
        baseline,
        procedure_pages,
        runbooks: runbook
            .runbooks
            .map(|kinds| kinds.into_iter().map(toml::Spanned::into_inner).collect()),
    })
}

/// A glob set from a list of patterns, each bad pattern an error at its place.
fn glob_set(
    patterns: &[toml::Spanned<String>],
    file: FileId,
    key: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> globset::GlobSet {
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        let glob = globset::GlobBuilder::new(pattern.get_ref().trim_start_matches("./"))
            .literal_separator(true)
            .build();
        match glob {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(error) => diagnostics.push(
                Diagnostic::error(
                    "invalid-config",
                    format!("`{}` in `{key}` is not a glob: {}", pattern.get_ref(), error.kind()),
                )
                .at(Span::new(file, pattern.span()))
                .help("write globs like `archive/**` or `**/toc.yml` (`*` stays inside one folder, `**` crosses folders)"),
            ),
        }
    }
    builder
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty())
}

/// `[output.runbook.root-links]`: prefix → `"content"`, `"content/DIR"` or a base URL, longest prefix
/// first.
fn root_links(
    table: &BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    file: FileId,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<RootLink> {
    let mut links = Vec::new();
    for (prefix, target) in table {
        if !prefix.get_ref().starts_with('/') {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-config",
                    format!("`{}` is not a site-root path", prefix.get_ref()),
                )
                .at(Span::new(file, prefix.span()))
                .help("root-links keys start with `/`, e.g. `\"/partner-center/\" = \"content\"`"),
            );
            continue;
        }
        let mut key = prefix.get_ref().clone();
        if !key.ends_with('/') {
            key.push('/');
        }
        let value = target.get_ref();
        let target = if value == "content" {
            RootTarget::Content(String::new())
        } else if let Some(dir) = value.strip_prefix("content/") {
            RootTarget::Content(dir.trim_matches('/').to_string())
        } else if matches!(url::Url::parse(&value.replace("{locale}", "en")), Ok(u) if matches!(u.scheme(), "http" | "https"))
        {
            let mut url = value.clone();
            if !url.ends_with('/') {
                url.push('/');
            }
            RootTarget::Url(url)
        } else {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-config",
                    format!("`{value}` is neither `content`, `content/DIR` nor an http(s) URL"),
                )
                .at(Span::new(file, target.span()))
                .help("map a prefix to the published site (`\"https://learn.microsoft.com/{locale}/\"`) or into content/ (`\"content\"`)"),
            );
            continue;
        };
        links.push(RootLink {
            prefix: key,
            target,
        });
    }
    links.sort_by(|a, b| {
        b.prefix
            .len()
            .cmp(&a.prefix.len())
            .then(a.prefix.cmp(&b.prefix))
    });
    links
}

/// Whether `text` is a `YYYY-MM-DD` date.
fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&d.parse::<u32>().unwrap_or(0)))
}

/// The date of `SOURCE_DATE_EPOCH` (the reproducible-builds convention), as `YYYY-MM-DD` (UTC).
fn source_date_epoch() -> Option<String> {
    let seconds: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(civil_date(seconds.div_euclid(86_400)))
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Whether `tag` has the shape of a BCP 47 language tag: a 2–3 letter language, then subtags of
/// 1–8 letters or digits.
pub fn is_locale_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("");
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Config, (SourceMap, Vec<Diagnostic>)> {
        let mut sources = SourceMap::new();
        let file = sources.add(CONFIG_FILE, text);
        parse(Path::new("."), text, file).map_err(|d| (sources, d))
    }

    #[test]
    fn reads_locales_titles_and_defaults() {
        let config = load_text(
            "[book]\ntitle = \"Guide\"\nlanguage = \"en\"\n[output.runbook]\nlocales = [\"en\", \"ja\"]\n[output.runbook.titles]\nja = \"ガイド\"\n",
        )
        .unwrap();
        assert_eq!(config.locales, ["en", "ja"]);
        assert_eq!(config.source_locale(), "en");
        assert_eq!(config.title_in("ja"), "ガイド");
        assert_eq!(config.title_in("en"), "Guide");
        assert_eq!(config.output_dir, PathBuf::from("build"));
        assert_eq!(config.fallback, Fallback::Source);
    }

    #[test]
    fn unknown_runbook_key_is_an_error_at_the_key() {
        let text = "[output.runbook]\nlocales = [\"en\"]\noutput_dir = \"x\"\n";
        let Err((_, diagnostics)) = load_text(text) else {
            panic!("expected an error")
        };
        let span = diagnostics[0].span.clone().unwrap();
        assert_eq!(&text[span.range], "output_dir");
        assert!(diagnostics[0].message.contains("unknown field"));
    }

    #[test]
    fn an_old_runbook_table_says_where_it_moved() {
        let text = "[book]\ntitle = \"Guide\"\n\n[runbook]\nlocales = [\"en\", \"ja\"]\n\n[runbook.titles]\nja = \"ガイド\"\n";
        let Err((_, diagnostics)) = load_text(text) else {
            panic!("expected an error")
        };
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "moved-config");
        let help = diagnostics[0].help.as_deref().unwrap_or("");
        assert!(help.contains("`[runbook]` to `[output.runbook]`"), "{help}");
        assert!(
            help.contains("`[runbook.titles]` to `[output.runbook.titles]`"),
            "{help}"
        );
        let span = diagnostics[0].span.clone().unwrap();
        assert!(text[span.range].starts_with("[runbook]"));
    }

    #[test]
    fn mdbook_keys_are_accepted_in_the_runbook_table() {
        let config = load_text(
            "[book]\nsrc = \"content\"\n[build]\nbuild-dir = \"build/html\"\n[output.html]\nfold = { enable = true }\n[output.runbook]\ncommand = \"runbook mdbook-backend\"\noptional = true\nlocales = [\"en\"]\n",
        )
        .unwrap();
        assert_eq!(config.locales, ["en"]);
    }

    #[test]
    fn dates_come_from_source_date_epoch_arithmetic() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_418), "2025-11-26");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert!(is_iso_date("2026-11-26"));
        assert!(!is_iso_date("2026-13-01"));
        assert!(!is_iso_date("26-11-2026"));
    }

    #[test]
    fn print_settings_are_read_and_checked() {
        let config = load_text("[output.runbook]\npaper = \"letter\"\nsite-url = \"https://docs.example.com/guide\"\nbuild-date = \"2026-01-02\"\nrecord-fields = [\"ticket\", \"Region\"]\n").unwrap();
        assert_eq!(config.paper, Paper::Letter);
        assert_eq!(
            config.site_url.as_deref(),
            Some("https://docs.example.com/guide/")
        );
        assert_eq!(config.build_date.as_deref(), Some("2026-01-02"));
        assert_eq!(config.record_fields, ["ticket", "Region"]);
        assert!(load_text("[output.runbook]\nsite-url = \"docs\"\n").is_err());
        assert!(load_text("[output.runbook]\nfonts = [\"no/such.ttf\"]\n").is_err());
        assert!(load_text("[output.runbook]\nfonts = [\"../outside.ttf\"]\n").is_err());
        assert!(load_text("[output.runbook]\nbuild-date = \"soon\"\n").is_err());
    }

    #[test]
    fn invalid_locale_tags_are_refused() {
        assert!(is_locale_tag("en"));
        assert!(is_locale_tag("pt-BR"));
        assert!(is_locale_tag("zh-Hant-TW"));
        assert!(!is_locale_tag("EN"));
        assert!(!is_locale_tag("english"));
        assert!(!is_locale_tag("en_US"));
        assert!(!is_locale_tag(""));
        assert!(load_text("[output.runbook]\nlocales = [\"en\", \"日本\"]\n").is_err());
    }
}
