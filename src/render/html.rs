//! The HTML site: per locale a home page, a page per procedure and per Markdown page, and the
//! escalation categories; a root page offering the languages; the stylesheet. Readable without
//! JavaScript. Text is converted here (markup) and laid out by the Tera templates.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use serde_json::{Value, json};

mod contents;

use crate::fingerprint;
use crate::markup::{self, Anchors, Flavor};
use crate::model::{Page, PageVersion, Procedure};
use crate::output::{OutputFile, OutputKind, Sink};
use crate::paths::directory_of;
use crate::paths::to_locale_root;
use crate::paths::{
    CATEGORIES_PATH, CONTENTS_PATH, CONTENTS_SCRIPT_PATH, INDEX_PATH, relative_url,
};
use crate::render::{RenderContext, RenderError, Renderer, Shared, Templates};
use crate::render::{flowchart, search};
use crate::source::SourceMap;
use crate::ui::UiKey;
use crate::view::{BlockPlace, Destination, LocaleView, NavEntry, Shown, TocNode, TocTarget};

/// Directory of the HTML output inside the output directory.
pub const DIR: &str = "html";
/// The stylesheet's path inside the HTML output.
const STYLESHEET_PATH: &str = "assets/runbook.css";
/// The site script's path inside the HTML output.
const SCRIPT_PATH: &str = "assets/site.js";
/// The page for addresses that have none, at the root (and, as `LOCALE/404.html`, in each
/// locale's directory: content path [`crate::paths::NOT_FOUND_PATH`]).
pub const NOT_FOUND_PATH: &str = "404.html";
/// The sitemap's path inside the HTML output (written with `site-url`).
pub const SITEMAP_PATH: &str = "sitemap.xml";
/// `robots.txt`'s path inside the HTML output (written with `site-url`).
pub const ROBOTS_PATH: &str = "robots.txt";
/// The project's icon: the first of these files at the top of `content/`, with its media type.
const FAVICONS: [(&str, &str); 3] = [
    ("favicon.svg", "image/svg+xml"),
    ("favicon.png", "image/png"),
    ("favicon.ico", "image/x-icon"),
];
/// The project's logo, shown before the site title: the first of these at the top of `content/`.
const LOGOS: [&str; 2] = ["logo.svg", "logo.png"];

/// The longest `<meta name="description">` taken from a procedure's introduction, in
/// characters (what search results show).
const DESCRIPTION_CHARS: usize = 160;

/// Renders the static HTML site and its search indexes.
pub struct HtmlRenderer<'t> {
    templates: &'t Templates,
    sources: &'t SourceMap,
    /// What the last render's search indexes hold and cost, and the pages they read.
    search: Mutex<(search::Stats, search::PageRecords)>,
}

impl<'t> HtmlRenderer<'t> {
    /// A renderer using `templates`; `sources` names the files pages came from.
    pub fn new(templates: &'t Templates, sources: &'t SourceMap) -> Self {
        Self {
            templates,
            sources,
            search: Mutex::default(),
        }
    }

    /// What the search indexes of the last render hold and cost.
    pub fn search_stats(&self) -> search::Stats {
        self.search
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .clone()
    }

    /// Every guide page as the last render's search read it, for the next build.
    pub fn take_search_pages(&self) -> search::PageRecords {
        std::mem::take(&mut self.search.lock().unwrap_or_else(PoisonError::into_inner).1)
    }
}

impl Renderer for HtmlRenderer<'_> {
    fn name(&self) -> &'static str {
        DIR
    }

    fn render(&self, cx: &RenderContext<'_>, sink: &dyn Sink) -> Result<(), RenderError> {
        let previous = std::mem::take(
            &mut *cx
                .search_pages
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let indexer = search::Indexer::new(sink, previous);
        self.render_pages(cx, &indexer)?;
        let (stats, records) = indexer.finish(cx)?;
        *self.search.lock().unwrap_or_else(PoisonError::into_inner) = (stats, records);
        Ok(())
    }
}

impl HtmlRenderer<'_> {
    /// Every file of the site but the search indexes.
    fn render_pages(&self, cx: &RenderContext<'_>, sink: &dyn Sink) -> Result<(), RenderError> {
        let views: Vec<LocaleView<'_>> = cx
            .config
            .locales
            .iter()
            .map(|locale| cx.view(locale))
            .collect();
        let icons = SiteIcons::of(cx.site);
        sink.put(self.languages(&views, icons, false)?)?;
        sink.put(self.languages(&views, icons, true)?)?;
        // Browsers ask the site's root for its icon too.
        if let Some((name, _, asset)) = icons.favicon {
            sink.put(super::asset_file(asset, name.to_string(), None))?;
        }
        if let Some(site_url) = cx.config.site_url.as_deref() {
            for (path, text) in sitemaps(&views, site_url) {
                sink.put(crawl_file(&path, text))?;
            }
            sink.put(crawl_file(
                ROBOTS_PATH,
                format!(
                    "User-agent: *\nAllow: /\nSitemap: {}\n",
                    crate::paths::absolute_url(site_url, SITEMAP_PATH)
                ),
            ))?;
        }
        sink.put(OutputFile {
            copy_of: None,
            path: STYLESHEET_PATH.to_string(),
            locale: None,
            kind: OutputKind::Asset,
            source: None,
            bytes: self.templates.stylesheet().as_bytes().to_vec(),
        })?;
        sink.put(OutputFile {
            copy_of: None,
            path: SCRIPT_PATH.to_string(),
            locale: None,
            kind: OutputKind::Asset,
            source: None,
            bytes: self.templates.script().as_bytes().to_vec(),
        })?;
        for view in views.iter().filter(|view| cx.renders(view.locale)) {
            let locale_pages = LocalePages {
                renderer: self,
                view,
                all: &views,
                navigation: Navigation::new(view)?,
                ui: Shared::new(&view.ui.for_templates())?,
                alert_labels: view.ui.alert_labels(),
                run_strings: run_strings(view),
                toc: view.toc().map(|toc| {
                    let left_out = toc_left_out(view, &toc);
                    contents::Contents::new(toc, left_out, view.ui.get(UiKey::Pages))
                }),
                icons,
            };
            sink.put(locale_pages.home()?)?;
            sink.put(locale_pages.not_found()?)?;
            for file in locale_pages.contents()? {
                sink.put(file)?;
            }
            // Pages are independent of each other: render them on every core.
            cx.site.procedures.par_iter().try_for_each(|procedure| {
                cx.procedure_unit(sink, DIR, view.locale, procedure, |sink| {
                    Ok(sink.put(locale_pages.procedure(procedure)?)?)
                })
            })?;
            cx.site
                .pages
                .par_iter()
                .filter(|p| p.path != INDEX_PATH)
                .try_for_each(|page| {
                    cx.page_unit(sink, DIR, view.locale, page, |sink| {
                        match locale_pages.page(page)? {
                            Some(file) => Ok(sink.put(file)?),
                            None => Ok(()),
                        }
                    })
                })?;
            if !cx.site.categories.is_empty() {
                sink.put(locale_pages.categories()?)?;
            }
            for asset in super::copy_assets(cx.site, view.locale, view.locale) {
                sink.put(asset)?;
            }
        }
        Ok(())
    }

    /// The root `index.html`: one link per locale, each in its own language; with `not_found`,
    /// the root `404.html`, which says so in every language above the same links.
    fn languages(
        &self,
        views: &[LocaleView<'_>],
        icons: SiteIcons<'_>,
        not_found: bool,
    ) -> Result<OutputFile, RenderError> {
        let path = if not_found {
            NOT_FOUND_PATH
        } else {
            "index.html"
        };
        let source = &views[0];
        let site_url = source.config.site_url.as_deref();
        let languages: Vec<Value> = views
            .iter()
            .map(|v| {
                json!({
                    "lang": v.locale,
                    "name": v.ui.get(UiKey::LanguageName),
                    "title": v.config.title_in(v.locale),
                    "choose": v.ui.get(if not_found { UiKey::NotFound } else { UiKey::ChooseLanguage }),
                    "url": format!("{}/index.html", v.locale),
                    "absolute_url": site_url.map(|site| crate::paths::absolute_url(site, &format!("{}/index.html", v.locale))),
                })
            })
            .collect();
        let base_url = site_url
            .filter(|_| not_found)
            .map(|site| crate::paths::absolute_url(site, path));
        let context = json!({
            "lang": source.locale,
            "site_title": source.config.title_in(source.locale),
            "stylesheet_url": STYLESHEET_PATH,
            "script_url": SCRIPT_PATH,
            "languages": languages,
            "not_found": not_found,
            "base_url": base_url,
            "favicon": icons.favicon.map(|(name, media, _)| json!({ "url": name, "type": media })),
            "content_security_policy": not_found_policy(base_url.as_deref()),
            "canonical_url": site_url.filter(|_| !not_found).map(|site| crate::paths::absolute_url(site, path)),
        });
        let html = self.templates.render("languages.html", &context, path)?;
        Ok(OutputFile {
            copy_of: None,
            path: path.to_string(),
            locale: None,
            kind: if not_found {
                OutputKind::NotFound
            } else {
                OutputKind::Languages
            },
            source: None,
            bytes: html.into_bytes(),
        })
    }
}

/// The Content-Security-Policy of a page, allowing a `<base>` element for `base_url` (the
/// pages for addresses that have none: a host shows them at any address, where their relative
/// links would lead nowhere without it). The policy names the base's origin only, which no
/// character of a URL's path can break out of.
fn not_found_policy(base_url: Option<&str>) -> String {
    let policy = crate::safety::content_security_policy(&[]);
    let origin = base_url
        .and_then(|url| url::Url::parse(url).ok())
        .map(|url| url.origin().ascii_serialization())
        .filter(|origin| origin != "null");
    match origin {
        Some(origin) => policy.replacen("base-uri 'none'", &format!("base-uri {origin}"), 1),
        None => policy,
    }
}

/// The project's icon and logo, looked up among the content's files once per render.
#[derive(Clone, Copy)]
struct SiteIcons<'a> {
    /// `content/favicon.*`: its file name, media type and asset.
    favicon: Option<(&'static str, &'static str, &'a crate::model::Asset)>,
    /// `content/logo.*`: its file name.
    logo: Option<&'static str>,
}

impl<'a> SiteIcons<'a> {
    fn of(site: &'a crate::model::Site) -> Self {
        let asset = |name: &str| site.assets.iter().find(|a| a.path == name);
        Self {
            favicon: FAVICONS
                .into_iter()
                .find_map(|(name, media)| asset(name).map(|a| (name, media, a))),
            logo: LOGOS.into_iter().find(|name| asset(name).is_some()),
        }
    }
}

/// A file for search engines at the root of the site.
fn crawl_file(path: &str, text: String) -> OutputFile {
    OutputFile {
        copy_of: None,
        path: path.to_string(),
        locale: None,
        kind: OutputKind::Crawl,
        source: None,
        bytes: text.into_bytes(),
    }
}

/// Every guide page of `view`'s locale, in navigation order, as its content path and the file
/// it shows (whose date is its `lastmod`): the home page, the procedures, the pages shown in
/// the locale, the categories.
fn guide_pages<'a>(view: &LocaleView<'a>) -> Vec<(&'a str, Option<crate::source::FileId>)> {
    let home = view
        .home()
        .and_then(|p| view.page_version(p))
        .map(|(v, _)| v.file);
    let mut paths = vec![(INDEX_PATH, home)];
    paths.extend(
        view.site
            .procedures
            .iter()
            .map(|p| (p.path.as_str(), Some(p.file))),
    );
    paths.extend(
        view.site
            .pages
            .iter()
            .filter(|p| p.path != INDEX_PATH)
            .filter_map(|p| {
                view.page_version(p)
                    .map(|(version, _)| (p.path.as_str(), Some(version.file)))
            }),
    );
    if !view.site.categories.is_empty() {
        paths.push((CATEGORIES_PATH, None));
    }
    paths
}

/// The most addresses one sitemap file may list (the sitemaps protocol's limit).
const SITEMAP_URLS: usize = 50_000;

/// `sitemap.xml`: every guide page of every locale at its absolute URL, with its versions in
/// the other locales and the language choice (`x-default`) as alternates. Past
/// [`SITEMAP_URLS`] addresses, `sitemap-N.xml` files list them and `sitemap.xml` is their
/// index. Returns each file's path and text.
fn sitemaps(views: &[LocaleView<'_>], site_url: &str) -> Vec<(String, String)> {
    use std::fmt::Write as _;
    let pages: Vec<_> = views.iter().map(guide_pages).collect();
    let in_locale: Vec<(&str, std::collections::HashSet<&str>)> = views
        .iter()
        .zip(&pages)
        .map(|(v, pages)| (v.locale, pages.iter().map(|(path, _)| *path).collect()))
        .collect();
    let url = |path: &str| markup::escape_html(&crate::paths::absolute_url(site_url, path));
    let mut entries = Vec::new();
    for (view, pages) in views.iter().zip(&pages) {
        for &(path, file) in pages {
            let mut entry = format!(
                "<url>\n<loc>{}</loc>\n",
                url(&format!("{}/{path}.html", view.locale))
            );
            if let Some(date) = file.and_then(|file| view.site.updated.get(&file)) {
                let _ = writeln!(entry, "<lastmod>{date}</lastmod>");
            }
            for (locale, paths) in &in_locale {
                if paths.contains(path) {
                    let _ = writeln!(
                        entry,
                        "<xhtml:link rel=\"alternate\" hreflang=\"{locale}\" href=\"{}\"/>",
                        url(&format!("{locale}/{path}.html"))
                    );
                }
            }
            let _ = writeln!(
                entry,
                "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n</url>",
                url("index.html")
            );
            entries.push(entry);
        }
    }
    sitemap_files(&entries, site_url, SITEMAP_URLS)
}

/// The sitemap files holding `entries` (`<url>` elements), at most `limit` to a file: one
/// `sitemap.xml`, or `sitemap-1.xml`, `sitemap-2.xml`, … and `sitemap.xml` indexing them.
fn sitemap_files(entries: &[String], site_url: &str, limit: usize) -> Vec<(String, String)> {
    const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    let urlset = |entries: &[String]| {
        format!(
            "{HEADER}<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n{}</urlset>\n",
            entries.concat()
        )
    };
    if entries.len() <= limit {
        return vec![(SITEMAP_PATH.to_string(), urlset(entries))];
    }
    let mut files = Vec::new();
    let mut index =
        format!("{HEADER}<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (i, chunk) in entries.chunks(limit.max(1)).enumerate() {
        let path = format!("sitemap-{}.xml", i + 1);
        index.push_str(&format!(
            "<sitemap>\n<loc>{}</loc>\n</sitemap>\n",
            markup::escape_html(&crate::paths::absolute_url(site_url, &path))
        ));
        files.push((path, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, (SITEMAP_PATH.to_string(), index));
    files
}

/// The UI strings of run mode in `view`'s locale, as JSON for the run panel's `data-strings`
/// (the site's script reads them there, as no inline script may carry them).
fn run_strings(view: &LocaleView<'_>) -> String {
    let strings: BTreeMap<&str, &str> = UiKey::ALL
        .iter()
        .filter(|key| {
            key.name().starts_with("run-")
                || key.name().starts_with("runs-")
                || matches!(key, UiKey::Step | UiKey::Version | UiKey::ListSeparator)
        })
        .map(|key| (key.name(), view.ui.get(*key)))
        .collect();
    serde_json::to_string(&strings).unwrap_or_default()
}

/// Renders the files of one locale.
struct LocalePages<'r, 'a> {
    renderer: &'r HtmlRenderer<'r>,
    view: &'r LocaleView<'a>,
    all: &'r [LocaleView<'a>],
    navigation: Navigation,
    /// The locale's UI strings, for every page.
    ui: Shared,
    /// The words heading alerts, in this locale.
    alert_labels: markup::AlertLabels,
    /// Run mode's words, as the JSON of the run panel's `data-strings`.
    run_strings: String,
    /// The table of contents (`toc.yml`) with the pages and procedures it leaves out, when the
    /// project has one: it makes the sidebar.
    toc: Option<contents::Contents>,
    /// The project's icon and logo.
    icons: SiteIcons<'a>,
}

/// The sidebar of one locale, built once and shared by every page.
///
/// Entries are grouped by the directory of their content path. A page's sidebar lists the
/// entries at the content root and those of its own directory; other directories are reached
/// through the home page, which lists them all. So a page's size does not grow with the site,
/// and every page of a directory shares one sidebar (the page marks itself as current).
struct Navigation {
    /// The sidebar of the pages of each directory (`""` is the content root).
    sidebars: BTreeMap<String, Shared>,
    /// Every directory below the root with its entries, for the home page.
    home_sections: Shared,
}

impl Navigation {
    fn new(view: &LocaleView<'_>) -> Result<Self, RenderError> {
        // Entries as template data: content path, URL from the locale's root, title as HTML.
        let item = |entry: NavEntry<'_>| {
            let title = if entry.markdown {
                inline(entry.title)
            } else {
                lang_marked(
                    markup::escape_html(entry.title.markdown),
                    entry.title.fallback_locale,
                    Flavor::Inline,
                )
            };
            json!({ "path": entry.path, "url": format!("{}.html", entry.path), "title": title })
        };
        let mut sections: BTreeMap<&str, (Vec<Value>, Vec<Value>)> = BTreeMap::new();
        sections.entry("").or_default();
        for entry in view.nav_procedures() {
            let dir = directory_of(entry.path);
            sections.entry(dir).or_default().0.push(item(entry));
        }
        for entry in view.nav_pages() {
            let dir = directory_of(entry.path);
            sections.entry(dir).or_default().1.push(item(entry));
        }
        let categories = (!view.site.categories.is_empty()).then(|| {
            json!({
                "path": CATEGORIES_PATH,
                "url": format!("{CATEGORIES_PATH}.html"),
                "title": view.ui.get(UiKey::Categories),
            })
        });
        let section = |dir: &str, (procedures, pages): &(Vec<Value>, Vec<Value>)| {
            json!({
                "id": section_id(dir),
                "name": dir,
                "url": format!("{INDEX_PATH}.html#{}", section_id(dir)),
                "procedures": procedures,
                "pages": pages,
            })
        };
        let (root_procedures, root_pages) = &sections[""];
        let mut sidebars = BTreeMap::new();
        for (dir, entries) in &sections {
            let sidebar = json!({
                "procedures": root_procedures,
                "pages": root_pages,
                "categories": categories,
                "section": (!dir.is_empty()).then(|| section(dir, entries)),
            });
            sidebars.insert((*dir).to_string(), Shared::new(&sidebar)?);
        }
        let home_sections: Vec<Value> = sections
            .iter()
            .filter(|(dir, _)| !dir.is_empty())
            .map(|(dir, entries)| section(dir, entries))
            .collect();
        Ok(Self {
            sidebars,
            home_sections: Shared::new(&home_sections)?,
        })
    }

    /// The sidebar of the pages in `content_path`'s directory.
    fn sidebar(&self, content_path: &str) -> &Shared {
        &self.sidebars[directory_of(content_path)]
    }
}

/// The run record fields of a run panel: key, label in the locale's words, input type.
fn record_fields(view: &LocaleView<'_>) -> Vec<Value> {
    view.config
        .record_fields
        .iter()
        .map(|field| {
            json!({
                "key": field,
                "label": view.record_field_label(field),
                "type": if field == "date" { "date" } else { "text" },
            })
        })
        .collect()
}

/// Converts shown text to HTML, marking text in another language with `lang`.
fn to_html(
    shown: Shown<'_>,
    flavor: Flavor,
    anchors: &mut Anchors,
    labels: &markup::AlertLabels,
) -> String {
    to_html_steps(shown, flavor, anchors, labels, &[])
}

/// Converts shown text to HTML like [`to_html`], the ordered lists `steps` names shown as steps
/// (a procedure page's).
fn to_html_steps(
    shown: Shown<'_>,
    flavor: Flavor,
    anchors: &mut Anchors,
    labels: &markup::AlertLabels,
    steps: &[markup::StepsHtml],
) -> String {
    let html = markup::to_html_steps(
        shown.markdown,
        flavor,
        anchors,
        &|destination| markup::LinkRewrite {
            destination: crate::paths::md_link_to_html(destination),
            note: None,
        },
        labels,
        steps,
    );
    let html = lang_marked(html, shown.fallback_locale, flavor);
    match (shown.stale, flavor) {
        (false, _) => html,
        (true, Flavor::Inline) => format!(r#"<span class="stale">{html}</span>"#),
        (true, Flavor::Block) => format!("<div class=\"stale\">\n{html}</div>\n"),
    }
}

/// The pages and procedures a table of contents leaves out (and the categories page), so that
/// the sidebar still reaches them; computed once per locale.
fn toc_left_out(view: &LocaleView<'_>, nodes: &[TocNode]) -> Vec<TocNode> {
    let mut listed = Vec::new();
    for node in nodes {
        node.content_paths(&mut listed);
    }
    let listed: std::collections::HashSet<&str> = listed.into_iter().collect();
    let mut left_out: Vec<TocNode> = view
        .nav_procedures()
        .into_iter()
        .chain(view.nav_pages())
        .filter(|entry| !listed.contains(entry.path))
        .map(|entry| TocNode {
            title: if entry.markdown {
                markup::plain_text(entry.title.markdown)
            } else {
                entry.title.markdown.to_string()
            },
            fallback_locale: entry.title.fallback_locale.map(str::to_string),
            target: Some(TocTarget::Content(entry.path.to_string())),
            children: Vec::new(),
        })
        .collect();
    if !view.site.categories.is_empty() && !listed.contains(CATEGORIES_PATH) {
        left_out.push(TocNode {
            title: view.ui.get(UiKey::Categories).to_string(),
            fallback_locale: None,
            target: Some(TocTarget::Content(CATEGORIES_PATH.to_string())),
            children: Vec::new(),
        });
    }
    left_out
}

/// HTML wrapped in an element with `lang` when it is in another locale than the page.
fn lang_marked(html: String, fallback_locale: Option<&str>, flavor: Flavor) -> String {
    match (fallback_locale, flavor) {
        (None, _) => html,
        (Some(lang), Flavor::Inline) => format!(r#"<span lang="{lang}">{html}</span>"#),
        (Some(lang), Flavor::Block) => format!("<div lang=\"{lang}\">\n{html}</div>\n"),
    }
}

/// Inline Markdown as HTML.
fn inline(shown: Shown<'_>) -> String {
    to_html(
        shown,
        Flavor::Inline,
        &mut Anchors::new(),
        &markup::AlertLabels::english(),
    )
}

/// The home page's element id for the list of a directory's entries.
fn section_id(dir: &str) -> String {
    format!("section-{}", dir.replace('/', "-"))
}

impl<'a> LocalePages<'_, 'a> {
    fn output_path(&self, content_path: &str) -> String {
        format!("{}/{content_path}.html", self.view.locale)
    }

    /// The context every page template shares: site, languages, navigation.
    fn common(&self, content_path: &str, title: &str, fallback: Option<&str>) -> Value {
        let here = self.output_path(content_path);
        let view = self.view;
        let languages: Vec<Value> = self
            .all
            .iter()
            .map(|other| {
                json!({
                    "lang": other.locale,
                    "name": other.ui.get(UiKey::LanguageName),
                    "url": relative_url(&here, &format!("{}/{content_path}.html", other.locale)),
                    "current": other.locale == view.locale,
                })
            })
            .collect();
        let fallback_notice = fallback.map(|source| view.fallback_notice(source));
        // With `site-url`: the page's absolute URL, and its versions in every locale (and the
        // language choice for readers of none of them) as search engines want them.
        let site_url = view.config.site_url.as_deref();
        let absolute = |path: &str| site_url.map(|site| crate::paths::absolute_url(site, path));
        let alternates: Vec<Value> = match site_url {
            Some(_) => self
                .all
                .iter()
                .map(|other| {
                    (
                        other.locale,
                        format!("{}/{content_path}.html", other.locale),
                    )
                })
                .chain([("x-default", "index.html".to_string())])
                .map(|(lang, path)| json!({ "lang": lang, "url": absolute(&path) }))
                .collect(),
            None => Vec::new(),
        };
        json!({
            "lang": view.locale,
            "canonical_url": absolute(&here),
            "alternates": alternates,
            "og_locale": view.locale.replace('-', "_"),
            "og_alternate_locales": self.all.iter().filter(|o| o.locale != view.locale).map(|o| o.locale.replace('-', "_")).collect::<Vec<_>>(),
            "site_title": view.config.title_in(view.locale),
            "page_title": title,
            "stylesheet_url": relative_url(&here, STYLESHEET_PATH),
            "script_url": relative_url(&here, SCRIPT_PATH),
            "search_index_url": relative_url(&here, &search::index_path(view.locale)),
            "home_url": relative_url(&here, &self.output_path(INDEX_PATH)),
            "to_root": to_locale_root(content_path),
            "current_path": content_path,
            "languages": languages,
            "fallback_notice": fallback_notice,
            "review_notice": view.needs_review(content_path).then(|| view.needs_review_notice()),
            "fallback_lang": fallback,
            "meta_description": Value::Null,
            "base_url": Value::Null,
            "not_found": false,
            "updated": Value::Null,
            "favicon": self.icons.favicon.map(|(name, media, _)| json!({
                "url": relative_url(&here, &format!("{}/{name}", view.locale)),
                "type": media,
            })),
            "logo_url": self.icons.logo.map(|name| relative_url(&here, &format!("{}/{name}", view.locale))),
            "toc": self.toc_html(content_path),
            "toc_script_url": self.toc.as_ref().map(|_| relative_url(&here, &format!("{}/{CONTENTS_SCRIPT_PATH}", view.locale))),
        })
    }

    /// The sidebar's table of contents on the page at `current`, when the project has one: the
    /// page's branch of it (the whole table is in `toc.js`), and a link to the contents page.
    fn toc_html(&self, current: &str) -> Option<String> {
        let toc = self.toc.as_ref()?;
        let ui = &self.view.ui;
        let mut html = toc.branch_html(current, ui.get(UiKey::ContentsToggle));
        html.push_str(&format!(
            "<p class=\"toc-all\"><a href=\"{}\">{}</a></p>\n",
            relative_url(&self.output_path(current), &self.output_path(CONTENTS_PATH)),
            markup::escape_html(ui.get(UiKey::AllContents)),
        ));
        Some(html)
    }

    /// With a table of contents: the locale's `toc.js`, which the site's script unfolds in the
    /// sidebar, and the contents page, which lists it whole for readers without the script.
    fn contents(&self) -> Result<Vec<OutputFile>, RenderError> {
        let Some(toc) = &self.toc else {
            return Ok(Vec::new());
        };
        let view = self.view;
        let title = view.ui.get(UiKey::AllContents);
        let mut context = self.common(CONTENTS_PATH, title, None);
        context["page"] =
            json!({ "title": title, "body": toc.full_html(), "title_id": Value::Null });
        let html = self.render("page.html", &context, CONTENTS_PATH)?;
        Ok(vec![
            OutputFile {
                copy_of: None,
                path: format!("{}/{CONTENTS_SCRIPT_PATH}", view.locale),
                locale: Some(view.locale.to_string()),
                kind: OutputKind::Navigation,
                source: None,
                bytes: toc.script().into_bytes(),
            },
            self.file(CONTENTS_PATH, OutputKind::Navigation, None, html),
        ])
    }

    fn file(
        &self,
        content_path: &str,
        kind: OutputKind,
        source: Option<String>,
        html: String,
    ) -> OutputFile {
        OutputFile {
            copy_of: None,
            path: self.output_path(content_path),
            locale: Some(self.view.locale.to_string()),
            kind,
            source,
            bytes: html.into_bytes(),
        }
    }

    fn render(
        &self,
        template: &str,
        context: &Value,
        content_path: &str,
    ) -> Result<String, RenderError> {
        let page = format!("{DIR}/{}", self.output_path(content_path));
        let shared = [
            ("ui", &self.ui),
            ("nav", self.navigation.sidebar(content_path)),
            ("sections", &self.navigation.home_sections),
        ];
        self.renderer
            .templates
            .render_with(template, context, &shared, &page)
    }

    fn home(&self) -> Result<OutputFile, RenderError> {
        let view = self.view;
        let version = view.home().and_then(|p| view.page_version(p));
        self.markdown_page(INDEX_PATH, version, "home.html", OutputKind::Index)
    }

    /// The "last updated" line of the page made from `file`, when the file has a date.
    fn updated(&self, file: Option<crate::source::FileId>) -> Value {
        let view = self.view;
        match file.and_then(|file| view.site.updated.get(&file)) {
            Some(date) => json!({
                "iso": date,
                "text": view.ui.fill(UiKey::LastUpdated, &[("date", &view.ui.date(date))]),
            }),
            None => Value::Null,
        }
    }

    /// `LOCALE/404.html`: the page a host shows for an address under the locale that has
    /// none, with the site's header (search included) and a link home. With `site-url` it
    /// carries a `<base>`, so that its links work at whatever address it is shown.
    fn not_found(&self) -> Result<OutputFile, RenderError> {
        let view = self.view;
        let content_path = crate::paths::NOT_FOUND_PATH;
        let mut context = self.common(content_path, view.ui.get(UiKey::NotFound), None);
        let base_url = view
            .config
            .site_url
            .as_deref()
            .map(|site| crate::paths::absolute_url(site, &self.output_path(content_path)));
        context["content_security_policy"] = json!(not_found_policy(base_url.as_deref()));
        context["base_url"] = json!(base_url);
        context["not_found"] = json!(true);
        context["canonical_url"] = Value::Null;
        context["alternates"] = json!([]);
        let html = self.render("not-found.html", &context, content_path)?;
        Ok(self.file(content_path, OutputKind::NotFound, None, html))
    }

    fn page(&self, page: &Page) -> Result<Option<OutputFile>, RenderError> {
        let Some(version) = self.view.page_version(page) else {
            return Ok(None);
        };
        self.markdown_page(&page.path, Some(version), "page.html", OutputKind::Page)
            .map(Some)
    }

    /// A page written in Markdown (the home page when `version` is `None` has no body and the
    /// site title).
    fn markdown_page(
        &self,
        content_path: &str,
        version: Option<(&PageVersion, Option<&str>)>,
        template: &str,
        kind: OutputKind,
    ) -> Result<OutputFile, RenderError> {
        let (title, head_title, description, body, fallback, source, title_id) = match version {
            Some((version, fallback)) => {
                let shown = Shown::in_locale(self.view.page_text(content_path, version), fallback);
                let (mut anchors, title_id) = crate::view::page_anchors(version);
                let written_in = fallback.unwrap_or(self.view.locale);
                let steps = self.page_steps(content_path, written_in)?;
                (
                    version.title(),
                    version.front.title.value.as_str(),
                    version.front.description.as_ref().map(|d| d.value.as_str()),
                    to_html_steps(
                        shown,
                        Flavor::Block,
                        &mut anchors,
                        &self.alert_labels,
                        &steps,
                    ),
                    fallback,
                    Some(self.renderer.sources.file(version.file).path.clone()),
                    title_id,
                )
            }
            None => (
                self.view.config.title_in(self.view.locale),
                self.view.config.title_in(self.view.locale),
                None,
                String::new(),
                None,
                None,
                None,
            ),
        };
        // The browser's tab shows the front matter's title; the page shows its own `h1`.
        let mut context = self.common(content_path, head_title, fallback);
        // The home page without a description of its own takes the book's, in its language.
        let book_description = self.view.config.description.as_deref().filter(|_| {
            kind == OutputKind::Index && self.view.locale == self.view.config.source_locale()
        });
        let meta_description = description.or(book_description);
        context["meta_description"] = json!(meta_description);
        context["updated"] = self.updated(version.map(|(v, _)| v.file));
        context["page"] = json!({ "title": title, "title_id": title_id, "description": description, "body": body });
        if kind == OutputKind::Index {
            context["run_strings"] = json!(self.run_strings);
        }
        let html = self.render(template, &context, content_path)?;
        Ok(self.file(content_path, kind, source, html))
    }

    /// How the ordered lists of a procedure page, in the text of `written_in`, are shown: as
    /// steps with their anchors and versions, each list in a section with its checklist link and
    /// run panel. Empty for other pages.
    fn page_steps(
        &self,
        content_path: &str,
        written_in: &str,
    ) -> Result<Vec<markup::StepsHtml>, RenderError> {
        let view = self.view;
        let procedures = view.site.procedures_of_page(content_path);
        let here = self.output_path(content_path);
        let step_word = markup::escape_html(view.ui.get(UiKey::Step));
        let mut decorated = Vec::new();
        for procedure in procedures {
            let Some(origin) = &procedure.page else {
                continue;
            };
            let Some((ordinal, continued_by)) = origin.ordinals.get(written_in) else {
                continue;
            };
            let shown = view.procedure(procedure);
            let as_shown = procedure.as_shown_in(view.locale);
            let steps = &as_shown.steps;
            let suffix = if origin.index == 0 {
                String::new()
            } else {
                format!("-{}", origin.index + 1)
            };
            // On a page of several lists, each panel says which list it runs, and each list's
            // section has its anchor.
            let anchor = procedure.guide_address().1;
            let context = json!({
                "suffix": suffix,
                "run_title": anchor.map(|_| markup::plain_text(shown.title.markdown)),
                "run_strings": self.run_strings,
                "procedure": { "record_fields": record_fields(view) },
            });
            let panel = self.renderer.templates.render_with(
                "run-panel.html",
                &context,
                &[("ui", &self.ui)],
                &format!("{DIR}/{here}"),
            )?;
            let checklist_url = relative_url(
                &here,
                &crate::render::print::checklist_path(view.locale, &procedure.path),
            );
            let id = anchor.map_or(String::new(), |anchor| {
                format!(" id=\"{}\"", markup::escape_html(anchor))
            });
            let open = format!(
                "<section class=\"procedure page-procedure\"{id} data-procedure=\"{}\" data-version=\"{}\" data-title=\"{}\">\n<p class=\"print-link\" data-search-ignore><a href=\"{}\">{}</a></p>\n{panel}<ol class=\"steps\">\n",
                markup::escape_html(&procedure.path),
                fingerprint::of_text(&self.renderer.sources.file(procedure.file).text),
                markup::escape_html(&markup::plain_text(shown.title.markdown)),
                markup::escape_html(&checklist_url),
                markup::escape_html(view.ui.get(UiKey::PrintableChecklist)),
            );
            let items = steps
                .iter()
                .enumerate()
                .map(|(i, step)| {
                    let next = steps.get(i + 1).map_or("", |s| s.id.value.as_str());
                    format!(
                        "<li class=\"step action\" id=\"{}\" data-version=\"{}\" data-next=\"{}\">\n<h3><span class=\"step-number\">{step_word} {}.</span> ",
                        markup::escape_html(&step.id.value),
                        fingerprint::of_step(&as_shown, i),
                        markup::escape_html(next),
                        i + 1
                    )
                })
                .collect();
            decorated.push(markup::StepsHtml {
                ordinal: *ordinal,
                continued_by: continued_by.clone(),
                open,
                close: "</ol>\n</section>\n".to_string(),
                items,
                title_close: "</h3>\n".to_string(),
            });
        }
        Ok(decorated)
    }

    /// Block texts converted to HTML in the order given (the order their headings take ids in),
    /// keyed by where each goes.
    fn convert_blocks(
        &self,
        blocks: Vec<(BlockPlace, Shown<'_>)>,
        mut anchors: Anchors,
    ) -> BTreeMap<BlockPlace, String> {
        blocks
            .into_iter()
            .map(|(place, text)| {
                let html = to_html(text, Flavor::Block, &mut anchors, &self.alert_labels);
                (place, html)
            })
            .collect()
    }

    fn procedure(&self, procedure: &Procedure) -> Result<OutputFile, RenderError> {
        let view = self.view;
        let shown = view.procedure(procedure);
        // Block texts are converted in the one order their headings take ids in
        // (`ProcedureView::blocks`, which `LocaleView::page_ids` follows too), then placed.
        let blocks = self.convert_blocks(shown.blocks(), view.procedure_anchors(procedure));
        let block = |place: BlockPlace| blocks.get(&place);
        let introduction = block(BlockPlace::Introduction);
        let categories_url = format!("{}{CATEGORIES_PATH}.html", to_locale_root(&procedure.path));
        let steps: Vec<Value> = shown
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                // The sentence is link text, so titles go in as plain text (a title may itself
                // hold a link, and links do not nest); the template escapes it.
                let destination = |to: &Destination<'_>| {
                    let (url, title) = match to {
                        Destination::Step { id, title, .. } => (Some(format!("#{id}")), markup::plain_text(title.markdown)),
                        Destination::Procedure { link, title } => {
                            (Some(crate::paths::md_link_to_html(link)), markup::plain_text(title.markdown))
                        }
                        Destination::End => (None, String::new()),
                    };
                    json!({ "url": url, "text": view.destination_sentence(to, &title) })
                };
                // Where a run goes after the step: the next step's id, or nothing where the
                // procedure ends (at its end or in another procedure).
                let run_target = |to: Option<&Destination<'_>>| match to {
                    Some(Destination::Step { id, .. }) => (*id).to_string(),
                    Some(_) => String::new(),
                    None => procedure.steps.get(step.number).map_or(String::new(), |s| s.id.value.clone()),
                };
                json!({
                    "number": step.number,
                    "id": step.id,
                    "version": fingerprint::of_step(procedure, step.number - 1),
                    "run_next": if step.branches.is_empty() { run_target(step.then.as_ref()) } else { String::new() },
                    "kind": if !step.branches.is_empty() { "decision" } else if step.escalation.is_some() { "escalation" } else { "action" },
                    "title": inline(step.title),
                    "text": block(BlockPlace::Text(i)),
                    "notes": (0..step.notes.len()).map(|j| block(BlockPlace::Note(i, j))).collect::<Vec<_>>(),
                    "warnings": (0..step.warnings.len()).map(|j| block(BlockPlace::Warning(i, j))).collect::<Vec<_>>(),
                    "branches": step.branches.iter().map(|b| json!({
                        "label": inline(b.label),
                        "to": destination(&b.to),
                        "run_next": run_target(Some(&b.to)),
                    })).collect::<Vec<_>>(),
                    "escalation": step.escalation.as_ref().map(|e| json!({
                        "categories": e.categories.iter().map(|(id, title)| json!({
                            "id": id,
                            "url": format!("{categories_url}#{id}"),
                            "title": inline(*title),
                        })).collect::<Vec<_>>(),
                        "submit": block(BlockPlace::Submit(i)),
                    })),
                    "then": step.then.as_ref().map(destination),
                })
            })
            .collect();
        let title_text = markup::plain_text(shown.title.markdown);
        let mut context = self.common(&procedure.path, &title_text, None);
        context["updated"] = self.updated(Some(procedure.file));
        context["meta_description"] = json!(
            shown
                .introduction
                .map(|intro| markup::summary(intro.markdown, DESCRIPTION_CHARS))
        );
        context["procedure"] = json!({
            "title": inline(shown.title),
            "applies_to": shown.applies_to.iter().map(|p| inline(*p)).collect::<Vec<_>>(),
            "introduction": introduction,
            "checklist_url": relative_url(
                &self.output_path(&procedure.path),
                &crate::render::print::checklist_path(view.locale, &procedure.path),
            ),
            "flowchart": flowchart::for_procedure(view, &shown, "chart-", ""),
            "steps": steps,
            "id": procedure.path,
            "version": fingerprint::of_text(&self.renderer.sources.file(procedure.file).text),
            "record_fields": record_fields(view),
        });
        context["run_strings"] = json!(self.run_strings);
        let html = self.render("procedure.html", &context, &procedure.path)?;
        let source = Some(self.renderer.sources.file(procedure.file).path.clone());
        Ok(self.file(&procedure.path, OutputKind::Procedure, source, html))
    }

    fn categories(&self) -> Result<OutputFile, RenderError> {
        let view = self.view;
        // As for procedures: converted in the order headings take ids in, then placed.
        let blocks = self.convert_blocks(view.categories_blocks(), view.categories_anchors());
        let block = |place: BlockPlace| blocks.get(&place);
        let categories: Vec<Value> = view
            .site
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let severity = c.severity.map(|s| {
                    let key = s.ui_key();
                    json!({ "level": s.name(), "name": view.ui.get(key) })
                });
                json!({
                    "id": c.id.as_str(),
                    "title": inline(view.text(&c.title)),
                    "description": block(BlockPlace::Description(i)),
                    "examples": c.examples.iter().map(|t| inline(view.text(t))).collect::<Vec<_>>(),
                    "escalate_to": block(BlockPlace::EscalateTo(i)),
                    "severity": severity,
                })
            })
            .collect();
        let title = view.ui.get(UiKey::Categories);
        let mut context = self.common(CATEGORIES_PATH, title, None);
        context["categories"] = json!(categories);
        let html = self.render("categories.html", &context, CATEGORIES_PATH)?;
        let source = view
            .site
            .categories_file
            .map(|f| self.renderer.sources.file(f).path.clone());
        Ok(self.file(CATEGORIES_PATH, OutputKind::Categories, source, html))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_past_the_limit_becomes_an_index_of_sitemaps() {
        let entries: Vec<String> = (0..5)
            .map(|i| format!("<url><loc>u{i}</loc></url>\n"))
            .collect();
        let site = "https://docs.example.com/guide/";
        let one = sitemap_files(&entries, site, 5);
        assert_eq!(one.len(), 1);
        assert!(one[0].1.contains("<urlset") && one[0].1.matches("<url>").count() == 5);
        let split = sitemap_files(&entries, site, 2);
        let paths: Vec<&str> = split.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        assert!(split[0].1.contains("<sitemapindex"));
        assert!(
            split[0]
                .1
                .contains("<loc>https://docs.example.com/guide/sitemap-3.xml</loc>")
        );
        let counts: Vec<usize> = split[1..]
            .iter()
            .map(|(_, t)| t.matches("<url>").count())
            .collect();
        assert_eq!(counts, [2, 2, 1]);
    }
}
