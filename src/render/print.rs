//! Printable documents, per locale: a checklist per procedure (`html/LOCALE/checklists/ID.html`)
//! and a runbook binding every procedure's checklist, the escalation categories and the linked
//! pages (`html/LOCALE/runbook.html`, and `runbook-PRODUCT.html` per product). They live in the
//! site's directory so the site can link them; the print stylesheet (`html/assets/print.css`) lays
//! them out for paper (A4 or Letter), with page numbers and a footer naming the procedure, its
//! content fingerprint and the build date.
//!
//! On paper a link cannot be followed, so every cross-link is followed by where it leads: the
//! target's title and full URL (with `[output.runbook] site-url`), or its section in the runbook.

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::config::Config;
use crate::markup::{self, Anchors, Flavor, LinkRewrite};
use crate::model::{Page, Procedure, Site};
use crate::output::{OutputFile, OutputKind, Sink};
use crate::paths::resolve_md_link;
use crate::paths::{CATEGORIES_PATH, relative_url};
use crate::render::flowchart;
use crate::render::{RenderContext, RenderError, Renderer, Shared, Templates};
use crate::safety;
use crate::source::SourceMap;
use crate::ui::UiKey;
use crate::view::{Destination, LocaleView, ProcedureView, Shown};

/// The mark after a translation needing review on paper; a footnote says what it means.
pub const STALE_MARK: &str = "†";

/// The print stylesheet's path inside the HTML output.
pub const PRINT_STYLESHEET: &str = "assets/print.css";

/// Renders checklists and runbooks as HTML made for print.
pub struct PrintRenderer<'t> {
    templates: &'t Templates,
    sources: &'t SourceMap,
}

impl<'t> PrintRenderer<'t> {
    /// A renderer using `templates`; `sources` gives procedure files for fingerprints.
    pub fn new(templates: &'t Templates, sources: &'t SourceMap) -> Self {
        Self { templates, sources }
    }
}

/// The output path of a procedure's checklist in a locale (relative to the HTML directory).
pub fn checklist_path(locale: &str, procedure_path: &str) -> String {
    let stem = crate::paths::procedure_stem(procedure_path);
    format!("{locale}/checklists/{stem}.html")
}

impl Renderer for PrintRenderer<'_> {
    fn name(&self) -> &'static str {
        "html"
    }

    fn render(&self, cx: &RenderContext<'_>, sink: &dyn Sink) -> Result<(), RenderError> {
        sink.put(OutputFile {
            copy_of: None,
            path: PRINT_STYLESHEET.to_string(),
            locale: None,
            kind: OutputKind::Asset,
            source: None,
            bytes: self
                .templates
                .render(
                    "print.css",
                    &json!({ "paper": cx.config.paper.css() }),
                    PRINT_STYLESHEET,
                )?
                .into_bytes(),
        })?;
        for locale in &cx.locales {
            let view = cx.view(locale);
            let print = Print {
                renderer: self,
                view: &view,
                ui: Shared::new(&view.ui.for_templates())?,
                alert_labels: view.ui.alert_labels(),
            };
            let procedures: Vec<&Procedure> = cx.site.all_procedures().collect();
            procedures.par_iter().try_for_each(|procedure| {
                cx.procedure_unit(sink, "print", locale, procedure, |sink| {
                    Ok(sink.put(print.checklist(procedure)?)?)
                })
            })?;
            runbooks(cx.site, cx.config)
                .par_iter()
                .try_for_each(|book| {
                    let unit = format!("print {}", book.stem());
                    // A runbook binds the pages its procedures link as appendices.
                    let appendices = match cx.memo.is_on() {
                        true => linked_pages(&view, &book.procedures),
                        false => Vec::new(),
                    };
                    let read = (book.procedures.as_slice(), appendices.as_slice());
                    cx.many_unit(sink, &unit, locale, read, |sink| {
                        Ok(sink.put(print.runbook(book)?)?)
                    })
                })?;
        }
        Ok(())
    }
}

/// The most procedures a runbook of every procedure binds by default: above it (a docset whose
/// how-to pages are procedures), runbooks are bound per section instead, unless
/// `[output.runbook] runbooks` asks for `all`.
pub const ALL_IN_ONE_LIMIT: usize = 200;

/// What a bound runbook holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Every procedure (`runbook.html`).
    All,
    /// The procedures that apply to a product (`runbook-PRODUCT.html`).
    Product(&'a str),
    /// The procedures of a top-level section of the table of contents, else of a top-level
    /// folder (`runbook-section-KEY.html`): its place among the sections, its key and its title
    /// in the source locale.
    Section {
        /// Its place among the top-level sections.
        index: usize,
        /// How many top-level sections the source locale's table of contents has.
        of: usize,
        /// Its key in the file name.
        key: String,
        /// Its title in the source locale.
        title: String,
    },
}

/// A runbook to bind: what it holds, and its procedures in order.
pub struct Runbook<'a> {
    /// What it holds.
    pub scope: Scope<'a>,
    /// Its procedures.
    pub procedures: Vec<&'a Procedure>,
}

impl Runbook<'_> {
    /// Its file name without extension: `runbook`, `runbook-PRODUCT`, `runbook-section-KEY`.
    pub fn stem(&self) -> String {
        match &self.scope {
            Scope::All => "runbook".to_string(),
            Scope::Product(product) => format!("runbook-{product}"),
            Scope::Section { key, .. } => format!("runbook-section-{key}"),
        }
    }
}

/// The runbooks to bind, as `[output.runbook] runbooks` says (`all`, `products`, `sections`).
/// By default: one of every procedure while there are at most [`ALL_IN_ONE_LIMIT`], else one per
/// top-level section; and one per product when procedures declare products (a product's
/// runbook holds the procedures that apply to it).
pub fn runbooks<'a>(site: &'a Site, config: &Config) -> Vec<Runbook<'a>> {
    let all: Vec<&Procedure> = site.all_procedures().collect();
    let asked = |kind: &str| {
        config
            .runbooks
            .as_ref()
            .map(|kinds| kinds.iter().any(|k| k == kind))
    };
    let mut books = Vec::new();
    if asked("all").unwrap_or(all.len() <= ALL_IN_ONE_LIMIT) && !all.is_empty() {
        books.push(Runbook {
            scope: Scope::All,
            procedures: all.clone(),
        });
    }
    if asked("products").unwrap_or(true) {
        for product in &site.products {
            let procedures: Vec<&Procedure> = all
                .iter()
                .copied()
                .filter(|p| p.applies_to.iter().any(|id| id.value == product.id.value))
                .collect();
            if !procedures.is_empty() {
                books.push(Runbook {
                    scope: Scope::Product(product.id.as_str()),
                    procedures,
                });
            }
        }
    }
    if asked("sections").unwrap_or(all.len() > ALL_IN_ONE_LIMIT) {
        books.extend(section_runbooks(site, config, &all));
    }
    books
}

/// One runbook per top-level section: the entries of the root table of contents (below a
/// single root entry, its children), else the top-level folders of `content/` (the root's own
/// procedures in one more). A procedure goes in the first section that lists its page.
fn section_runbooks<'a>(
    site: &'a Site,
    config: &Config,
    all: &[&'a Procedure],
) -> Vec<Runbook<'a>> {
    let view = LocaleView::new(site, config, config.source_locale());
    let page_of = |p: &Procedure| p.guide_address().0.to_string();
    let mut sections: Vec<(String, Vec<&'a Procedure>)> = Vec::new();
    let mut of = 0;
    if let Some(mut nodes) = view.toc() {
        while nodes.len() == 1 && !nodes[0].children.is_empty() {
            nodes = std::mem::take(&mut nodes[0].children);
        }
        of = nodes.len();
        let mut placed = std::collections::HashSet::new();
        for node in &nodes {
            let mut paths = Vec::new();
            node.content_paths(&mut paths);
            let paths: std::collections::HashSet<&str> = paths.into_iter().collect();
            let procedures: Vec<&Procedure> = all
                .iter()
                .copied()
                .filter(|p| paths.contains(page_of(p).as_str()) && placed.insert(p.path.clone()))
                .collect();
            sections.push((node.title.clone(), procedures));
        }
        let rest: Vec<&Procedure> = all
            .iter()
            .copied()
            .filter(|p| !placed.contains(&p.path))
            .collect();
        sections.push((config.title_in(config.source_locale()).to_string(), rest));
    } else {
        let mut folders: std::collections::BTreeMap<String, Vec<&Procedure>> = Default::default();
        for procedure in all {
            let page = page_of(procedure);
            let folder = page
                .split_once('/')
                .map_or("", |(folder, _)| folder)
                .to_string();
            folders.entry(folder).or_default().push(procedure);
        }
        for (folder, procedures) in folders {
            let title = match folder.as_str() {
                "" => config.title_in(config.source_locale()).to_string(),
                _ => folder,
            };
            sections.push((title, procedures));
        }
    }
    let mut keys = std::collections::HashSet::new();
    sections
        .into_iter()
        .enumerate()
        .filter(|(_, (_, procedures))| !procedures.is_empty())
        .map(|(index, (title, procedures))| {
            let base = match markup::slugify(&title) {
                slug if slug.is_empty() || !slug.is_ascii() => (index + 1).to_string(),
                slug => slug,
            };
            let mut key = base.clone();
            let mut n = 1;
            while !keys.insert(key.clone()) {
                n += 1;
                key = format!("{base}-{n}");
            }
            Runbook {
                scope: Scope::Section {
                    index,
                    of,
                    key,
                    title,
                },
                procedures,
            }
        })
        .collect()
}

/// The address of a procedure in the guide, from the file at `here`: its page, with the list's
/// anchor for a page procedure on a page with several.
pub fn guide_url(here: &str, view: &LocaleView<'_>, procedure: &Procedure) -> String {
    let locale = view.locale;
    let (page, fragment) = procedure.guide_address();
    // The list's section is on the page only when the version shown has that list.
    let fragment = fragment.filter(|_| shows_list(view, procedure));
    let url = relative_url(here, &format!("{locale}/{page}.html"));
    match fragment {
        Some(fragment) => format!("{url}#{fragment}"),
        None => url,
    }
}

/// Whether the page a page procedure is read from shows its list in `view`'s locale (the
/// translation has it, or the page falls back to the source's); always for a YAML procedure.
pub fn shows_list(view: &LocaleView<'_>, procedure: &Procedure) -> bool {
    let Some(origin) = &procedure.page else {
        return true;
    };
    let shown = view
        .site
        .page(&origin.page)
        .and_then(|page| view.page_version(page));
    shown.is_some_and(|(_, fallback)| {
        origin
            .ordinals
            .contains_key(fallback.unwrap_or(view.locale))
    })
}

/// A run written into a checklist (`runbook record render`): the record fields' values and what
/// was done at each step; a step without an entry was skipped.
#[derive(Debug, Default)]
pub struct Filled {
    /// Label and value of each record field, in order.
    pub fields: Vec<(String, String)>,
    /// What was done at each step, by step id.
    pub steps: std::collections::BTreeMap<String, StepDone>,
    /// The steps skipped, by id.
    pub skipped: std::collections::BTreeSet<String>,
    /// When the run began and ended, in a line.
    pub times: String,
    /// The procedure's fingerprint the run followed (the footer's version).
    pub version: String,
    /// Says that the procedure has changed since the run (and which steps), when it has.
    pub changed: Option<String>,
}

/// What was done at one step of a run (more than once in a loop).
#[derive(Debug, Default)]
pub struct StepDone {
    /// When it was ticked, each time (`14:05`).
    pub times: Vec<String>,
    /// The answers taken, by index.
    pub answers: std::collections::BTreeSet<usize>,
    /// The categories ticked, by id.
    pub categories: std::collections::BTreeSet<String>,
    /// The support request numbers recorded.
    pub requests: Vec<String>,
    /// The reader's notes.
    pub notes: Vec<String>,
}

struct Print<'r, 'a> {
    renderer: &'r PrintRenderer<'r>,
    view: &'r LocaleView<'a>,
    /// The locale's UI strings, for every document.
    ui: Shared,
    /// The words heading alerts, in this locale.
    alert_labels: markup::AlertLabels,
}

/// A procedure's checklist in `view`'s locale with a run written in (ticks, answers, skipped
/// steps struck, record fields and times), as one self-contained HTML file.
///
/// # Errors
/// A template that fails to render.
pub fn filled_checklist(
    templates: &Templates,
    sources: &SourceMap,
    view: &LocaleView<'_>,
    procedure: &Procedure,
    fill: &Filled,
) -> Result<String, RenderError> {
    let renderer = PrintRenderer::new(templates, sources);
    let print = Print {
        renderer: &renderer,
        view,
        ui: Shared::new(&view.ui.for_templates())?,
        alert_labels: view.ui.alert_labels(),
    };
    print.filled_checklist(procedure, fill)
}

/// Where the links of a printed document lead.
enum LinkMode<'s> {
    /// A standalone checklist at `here` (output path): links to the site, with title and URL.
    Standalone { here: String },
    /// A file kept outside the site (a filled-in run record), written as if at `here`: links
    /// lead to the published site when `[output.runbook] site-url` says where it is.
    Detached { here: String },
    /// The runbook: links to bound documents become their section.
    Runbook {
        here: String,
        sections: &'s [(String, usize)],
    },
}

impl<'a> Print<'_, 'a> {
    fn ui(&self, key: UiKey) -> &str {
        self.view.ui.get(key)
    }

    /// Renders `template` with `context` and the locale's UI strings, for output file `page`.
    fn render(&self, template: &str, context: &Value, page: &str) -> Result<String, RenderError> {
        self.renderer
            .templates
            .render_with(template, context, &[("ui", &self.ui)], page)
    }

    /// Where a link written in the file at content path `from` leads on paper.
    fn rewrite(&self, from: &str, destination: &str, mode: &LinkMode<'_>) -> LinkRewrite {
        let here = match mode {
            LinkMode::Standalone { here }
            | LinkMode::Detached { here }
            | LinkMode::Runbook { here, .. } => here,
        };
        // From a detached file, the site is only reachable at its published address.
        let site = match mode {
            LinkMode::Detached { .. } => self.view.config.site_url.as_deref(),
            _ => None,
        };
        let reach = |site_path: &str| match site {
            Some(site) => format!("{site}{site_path}"),
            None => relative_url(here, site_path),
        };
        let (path, fragment) = destination
            .split_once('#')
            .map_or((destination, ""), |(p, f)| (p, f));
        // A query (`?context=...`, the docs platform's) does not change the page on paper.
        let path = path.split('?').next().unwrap_or(path);
        // A page procedure's step may link its own page's anchors (`#section`): on paper they
        // lead to the page.
        let own_page = from.split('#').next().unwrap_or(from);
        let on_own_page =
            path.is_empty() && !fragment.is_empty() && self.view.site.page(own_page).is_some();
        if !on_own_page && (!crate::paths::is_relative(destination) || path.is_empty()) {
            return LinkRewrite {
                destination: destination.to_string(),
                note: None,
            };
        }
        let target = match on_own_page {
            true => Some(own_page.to_string()),
            false => resolve_md_link(from, path),
        };
        let Some(target) = target else {
            // A file (image, download): keep it reachable from this document's folder.
            let file = crate::paths::resolve(from, path).unwrap_or_default();
            return LinkRewrite {
                destination: reach(&format!("{}/{file}", self.view.locale)),
                note: None,
            };
        };
        let sections = match mode {
            LinkMode::Runbook { sections, .. } => Some(*sections),
            LinkMode::Standalone { .. } | LinkMode::Detached { .. } => None,
        };
        let (note, section) = paper_note(self.view, &target, fragment, sections);
        if let Some(number) = section {
            return LinkRewrite {
                destination: format!("#section-{number}"),
                note: Some(note),
            };
        }
        let site_page = format!("{}/{target}.html", self.view.locale);
        let with_fragment = |url: String| {
            if fragment.is_empty() {
                url
            } else {
                format!("{url}#{fragment}")
            }
        };
        LinkRewrite {
            destination: with_fragment(reach(&site_page)),
            note: Some(note),
        }
    }

    fn html(
        &self,
        from: &str,
        shown: Shown<'_>,
        flavor: Flavor,
        anchors: &mut Anchors,
        mode: &LinkMode<'_>,
    ) -> String {
        let html = markup::to_html_labeled(
            shown.markdown,
            flavor,
            anchors,
            &|d| self.rewrite(from, d, mode),
            &self.alert_labels,
        );
        // A translation needing review: marked, with the sheet's footnote saying why.
        let html = match (shown.stale, flavor) {
            (false, _) => html,
            (true, Flavor::Inline) => {
                format!(
                    r#"<span class="stale">{html}</span><sup class="stale-mark">{STALE_MARK}</sup>"#
                )
            }
            (true, Flavor::Block) => format!(
                "<div class=\"stale\"><p class=\"stale-mark\">{STALE_MARK}</p>\n{html}</div>\n"
            ),
        };
        match (shown.fallback_locale, flavor) {
            (None, _) => html,
            (Some(lang), Flavor::Inline) => format!(r#"<span lang="{lang}">{html}</span>"#),
            (Some(lang), Flavor::Block) => format!("<div lang=\"{lang}\">\n{html}</div>\n"),
        }
    }

    /// The body of a procedure's checklist (shared by the standalone sheet and the runbook).
    /// `prefix` keeps element ids unique when several checklists share a page.
    fn checklist_body(
        &self,
        shown: &ProcedureView<'_>,
        prefix: &str,
        mode: &LinkMode<'_>,
        fill: Option<&Filled>,
    ) -> Result<String, RenderError> {
        let procedure = shown.procedure;
        let from = procedure.path.as_str();
        let mut anchors = Anchors::new();
        let to_words = |to: &Destination<'_>| self.view.destination_words(to);
        let steps: Vec<Value> = shown
            .steps
            .iter()
            .map(|step| {
                let kind = if !step.branches.is_empty() {
                    "decision"
                } else if step.escalation.is_some() {
                    "escalation"
                } else {
                    "action"
                };
                let done = fill.and_then(|f| f.steps.get(step.id));
                json!({
                    "number": step.number,
                    "id": format!("{prefix}{}", step.id),
                    "kind": kind,
                    "done": done.is_some(),
                    "skipped": fill.is_some_and(|f| f.skipped.contains(step.id)),
                    "done_times": done.map(|d| d.times.join(", ")),
                    "requests": done.map(|d| d.requests.join(", ")).filter(|r| !r.is_empty()),
                    "run_notes": done.map(|d| d.notes.clone()).unwrap_or_default(),
                    "title": self.html(from, step.title, Flavor::Inline, &mut Anchors::new(), mode),
                    "text": step.text.map(|t| self.html(from, t, Flavor::Block, &mut anchors, mode)),
                    "notes": step.notes.iter().map(|t| self.html(from, *t, Flavor::Block, &mut anchors, mode)).collect::<Vec<_>>(),
                    "warnings": step.warnings.iter().map(|t| self.html(from, *t, Flavor::Block, &mut anchors, mode)).collect::<Vec<_>>(),
                    "choices": step.branches.iter().enumerate().map(|(i, b)| json!({
                        "label": self.html(from, b.label, Flavor::Inline, &mut Anchors::new(), mode),
                        "to": to_words(&b.to),
                        "chosen": done.is_some_and(|d| d.answers.contains(&i)),
                    })).collect::<Vec<_>>(),
                    "escalation": step.escalation.as_ref().map(|e| json!({
                        "categories": e.categories.iter().map(|(id, title)| json!({
                            "title": self.html(from, *title, Flavor::Inline, &mut Anchors::new(), mode),
                            "ticked": done.is_some_and(|d| d.categories.contains(*id)),
                        })).collect::<Vec<_>>(),
                        "submit": e.submit.map(|t| self.html(from, t, Flavor::Block, &mut anchors, mode)),
                    })),
                    "then": step.then.as_ref().map(|to| format!("→ {}", to_words(to))),
                })
            })
            .collect();
        let fields: Vec<Value> = match fill {
            Some(fill) => fill
                .fields
                .iter()
                .map(|(label, value)| json!({ "label": label, "value": value }))
                .collect(),
            None => self
                .view
                .config
                .record_fields
                .iter()
                .map(|field| json!({ "label": self.view.record_field_label(field), "value": "" }))
                .collect(),
        };
        let (parts, landscape) = match procedure.draws_flowchart() {
            true => {
                let chart =
                    flowchart::Chart::of(self.view, shown, &format!("{prefix}chart-"), prefix);
                let printed = flowchart::print(&chart, &flowchart::layout(&chart));
                (printed.parts, printed.landscape)
            }
            false => (Vec::new(), false),
        };
        // A standalone checklist's title is its page's one `<h1>`; in the runbook, under the
        // cover's, a part's title is an `<h2>`.
        let heading = match mode {
            LinkMode::Standalone { .. } | LinkMode::Detached { .. } => "h1",
            LinkMode::Runbook { .. } => "h2",
        };
        let context = json!({
            "lang": self.view.locale,
            "prefix": prefix,
            "heading": heading,
            "procedure": {
                "id": procedure.path,
                "title": self.html(from, shown.title, Flavor::Inline, &mut Anchors::new(), mode),
                "applies_to": shown.applies_to.iter().map(|p| self.html(from, *p, Flavor::Inline, &mut Anchors::new(), mode)).collect::<Vec<_>>(),
                "steps": steps,
                "version": crate::fingerprint::of_text(&self.renderer.sources.file(procedure.file).text),
                "flowchart": {"parts": parts, "landscape": landscape},
            },
            // Two fields a row: the record box stays short.
            "fields": fields.chunks(2).collect::<Vec<_>>(),
            "built": self.view.build_date(),
            "run": fill.map(|f| json!({ "times": f.times, "changed": f.changed })),
            "stale_note": shown.has_stale().then(|| format!("{STALE_MARK} {}", self.view.needs_review_notice())),
        });
        self.render("checklist-body.html", &context, &procedure.path)
    }

    fn checklist(&self, procedure: &Procedure) -> Result<OutputFile, RenderError> {
        let here = checklist_path(self.view.locale, &procedure.path);
        let shown = self.view.procedure(procedure);
        let body = self.checklist_body(
            &shown,
            "",
            &LinkMode::Standalone { here: here.clone() },
            None,
        )?;
        let title = markup::plain_text(shown.title.markdown);
        let version = crate::fingerprint::of_text(&self.renderer.sources.file(procedure.file).text);
        let page_css = self.page_css(&procedure.path, Some(&version));
        let context = json!({
            "lang": self.view.locale,
            "title": format!("{} · {}", title, self.ui(UiKey::Checklist)),
            "stylesheet_url": relative_url(&here, PRINT_STYLESHEET),
            "guide_url": guide_url(&here, self.view, procedure),
            "content_security_policy": safety::content_security_policy(&[&page_css]),
            "page_css": page_css,
            "body": body,
        });
        let html = self.render("checklist.html", &context, &here)?;
        Ok(OutputFile {
            copy_of: None,
            path: here,
            locale: Some(self.view.locale.to_string()),
            kind: OutputKind::Checklist,
            source: Some(self.renderer.sources.file(procedure.file).path.clone()),
            bytes: html.into_bytes(),
        })
    }

    /// A procedure's checklist with a run written in, as one HTML file that needs no other:
    /// the print stylesheet is inlined.
    fn filled_checklist(
        &self,
        procedure: &Procedure,
        fill: &Filled,
    ) -> Result<String, RenderError> {
        let here = checklist_path(self.view.locale, &procedure.path);
        let shown = self.view.procedure(procedure);
        let body = self.checklist_body(&shown, "", &LinkMode::Detached { here }, Some(fill))?;
        let title = markup::plain_text(shown.title.markdown);
        let stylesheet = self.renderer.templates.render(
            "print.css",
            &json!({ "paper": self.view.config.paper.css() }),
            PRINT_STYLESHEET,
        )?;
        let page_css = format!(
            "{stylesheet}\n{}",
            self.page_css(&procedure.path, Some(&fill.version))
        );
        let context = json!({
            "lang": self.view.locale,
            "title": self.view.ui.fill(UiKey::RunRecordTitle, &[("title", &title)]),
            "content_security_policy": safety::content_security_policy(&[&page_css]),
            "page_css": page_css,
            "body": body,
        });
        self.render("checklist.html", &context, &procedure.path)
    }

    /// The page margins' running footer, as CSS: document id, content fingerprint and build
    /// date on the left, "page X of Y" on the right.
    fn page_css(&self, id: &str, version: Option<&str>) -> String {
        let mut left = id.to_string();
        if let Some(version) = version {
            left.push_str(&format!(" · {} {version}", self.ui(UiKey::Version)));
        }
        if let Some(date) = self.view.build_date() {
            left.push_str(&format!(" · {} {date}", self.ui(UiKey::Built)));
        }
        // "Page {page} of {pages}" → "Page " counter(page) " of " counter(pages)
        let mut right = String::new();
        let mut rest = self.ui(UiKey::PageOf);
        while let Some(start) = rest.find('{') {
            let (text, after) = rest.split_at(start);
            let Some(end) = after.find('}') else { break };
            if !text.is_empty() {
                right.push_str(&css_string(text));
                right.push(' ');
            }
            right.push_str(&format!("counter({}) ", &after[1..end]));
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            right.push_str(&css_string(rest));
        }
        format!(
            "@page {{ @bottom-left {{ content: {}; font-size: 8pt; color: #555; }} @bottom-right {{ content: {}; font-size: 8pt; color: #555; }} }}",
            css_string(&left),
            right.trim_end()
        )
    }

    fn runbook(&self, book: &Runbook<'_>) -> Result<OutputFile, RenderError> {
        let view = self.view;
        let procedures = book.procedures.as_slice();
        let here = format!("{}/{}.html", view.locale, book.stem());
        let Outline {
            sections,
            has_categories,
            appendices,
        } = outline(view, procedures);
        let mode = LinkMode::Runbook {
            here: here.clone(),
            sections: &sections,
        };
        let parts: Vec<Value> = procedures
            .par_iter()
            .enumerate()
            .map(|(index, procedure)| {
                let shown = view.procedure(procedure);
                Ok(json!({
                    "number": index + 1,
                    "title": markup::plain_text(shown.title.markdown),
                    "body": self.checklist_body(&shown, &format!("s{}-", index + 1), &mode, None)?,
                }))
            })
            .collect::<Result<_, RenderError>>()?;
        let mut anchors = Anchors::new();
        let categories = has_categories.then(|| {
            json!({
                "number": procedures.len() + 1,
                "title": self.ui(UiKey::Categories),
                "items": view.site.categories.iter().map(|c| json!({
                    "title": self.html(CATEGORIES_PATH, view.text(&c.title), Flavor::Inline, &mut Anchors::new(), &mode),
                    "severity": c.severity.map(|s| view.ui.get(s.ui_key())),
                    "description": c.description.as_ref().map(|t| self.html(CATEGORIES_PATH, view.text(t), Flavor::Block, &mut anchors, &mode)),
                    "escalate_to": self.html(CATEGORIES_PATH, view.text(&c.escalate_to), Flavor::Block, &mut anchors, &mode),
                })).collect::<Vec<_>>(),
            })
        });
        let first_appendix = procedures.len() + usize::from(has_categories) + 1;
        let appendix_parts: Vec<Value> = appendices
            .iter()
            .enumerate()
            .filter_map(|(i, page)| {
                let (version, fallback) = view.page_version(page)?;
                let shown = Shown::in_locale(view.page_text(&page.path, version), fallback);
                // The title keeps its id, as on the site, so that the page's links to it work.
                let title_id = crate::view::title_id(version, &mut anchors);
                Some(json!({
                    "number": first_appendix + i,
                    "title": version.title(),
                    "title_id": title_id,
                    "body": self.html(&page.path, shown, Flavor::Block, &mut anchors, &mode),
                }))
            })
            .collect();
        let title = runbook_title(view, &book.scope);
        let page_css = self.page_css(&title, None);
        let context = json!({
            "lang": view.locale,
            "title": title,
            "site_title": view.config.title_in(view.locale),
            "stylesheet_url": relative_url(&here, PRINT_STYLESHEET),
            "content_security_policy": safety::content_security_policy(&[&page_css]),
            "page_css": page_css,
            "procedures": parts,
            "categories": categories,
            "appendices": appendix_parts,
            "built": view.build_date(),
        });
        let html = self.render("runbook.html", &context, &here)?;
        Ok(OutputFile {
            copy_of: None,
            path: here,
            locale: Some(view.locale.to_string()),
            kind: OutputKind::Runbook,
            source: None,
            bytes: html.into_bytes(),
        })
    }
}

/// What a cross-link to content path `target` says on paper: "see “Title”, section N" when a
/// runbook binds the target (the section number is returned too), "see “Title”, URL" with
/// `[output.runbook] site-url`, else the title alone.
pub fn paper_note(
    view: &LocaleView<'_>,
    target: &str,
    fragment: &str,
    sections: Option<&[(String, usize)]>,
) -> (String, Option<usize>) {
    let title = view.title_of(target);
    if let Some((_, number)) = sections.and_then(|s| s.iter().find(|(p, _)| p == target)) {
        let section = view.ui.fill(UiKey::Section, &[("n", &number.to_string())]);
        let note = view
            .ui
            .fill(UiKey::SeeOnPaper, &[("title", &title), ("where", &section)]);
        return (note, Some(*number));
    }
    let note = match &view.config.site_url {
        Some(site) => {
            let mut url = format!("{site}{}/{target}.html", view.locale);
            if !fragment.is_empty() {
                url.push('#');
                url.push_str(fragment);
            }
            view.ui
                .fill(UiKey::SeeOnPaper, &[("title", &title), ("where", &url)])
        }
        None => format!("“{title}”"),
    };
    (note, None)
}

/// A CSS string literal.
fn css_string(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '\n' => quoted.push_str("\\a "),
            '<' => quoted.push_str("\\3c "),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// The parts of a runbook, numbered: its procedures, then the categories (when there are any),
/// then every page the procedures link, as appendices.
pub struct Outline<'a> {
    /// Content path and section number of each part, in order.
    pub sections: Vec<(String, usize)>,
    /// Whether the categories make a section.
    pub has_categories: bool,
    /// The linked pages, in order.
    pub appendices: Vec<&'a Page>,
}

/// The outline of a runbook binding `procedures`.
pub fn outline<'a>(view: &LocaleView<'a>, procedures: &[&'a Procedure]) -> Outline<'a> {
    let mut sections: Vec<(String, usize)> = procedures
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.clone(), i + 1))
        .collect();
    let has_categories = !view.site.categories.is_empty();
    if has_categories {
        sections.push((CATEGORIES_PATH.to_string(), sections.len() + 1));
    }
    let mut appendices = linked_pages(view, procedures);
    // With a table of contents, appendices come in its order (pages it leaves out last, in
    // first-link order).
    if let Some(toc) = view.toc() {
        let mut order = Vec::new();
        for node in &toc {
            node.content_paths(&mut order);
        }
        appendices.sort_by_key(|page| {
            order
                .iter()
                .position(|path| *path == page.path)
                .unwrap_or(usize::MAX)
        });
    }
    for page in &appendices {
        sections.push((page.path.clone(), sections.len() + 1));
    }
    Outline {
        sections,
        has_categories,
        appendices,
    }
}

/// The title of a runbook: "Runbook", or "Runbook — PRODUCT".
pub fn runbook_title(view: &LocaleView<'_>, scope: &Scope<'_>) -> String {
    let runbook = view.ui.get(UiKey::Runbook);
    match scope {
        Scope::All => runbook.to_string(),
        Scope::Product(id) => match view.site.product(id) {
            Some(product) => format!(
                "{runbook} — {}",
                markup::plain_text(view.text(&product.name).markdown)
            ),
            None => runbook.to_string(),
        },
        // The section's title in this locale's table of contents when it has the same
        // sections, else in the source locale's.
        Scope::Section {
            index, of, title, ..
        } => {
            let own = view.toc().and_then(|mut nodes| {
                while nodes.len() == 1 && !nodes[0].children.is_empty() {
                    nodes = std::mem::take(&mut nodes[0].children);
                }
                // Only a table of contents with the same sections names them the same way.
                (nodes.len() == *of)
                    .then(|| nodes.get(*index).map(|node| node.title.clone()))
                    .flatten()
            });
            format!("{runbook} — {}", own.unwrap_or_else(|| title.clone()))
        }
    }
}

/// The pages the procedures link, in first-link order, once each.
pub fn linked_pages<'a>(view: &LocaleView<'a>, procedures: &[&'a Procedure]) -> Vec<&'a Page> {
    let mut pages: Vec<&Page> = Vec::new();
    for procedure in procedures {
        let shown = view.procedure(procedure);
        let texts = std::iter::once(shown.title)
            .chain(shown.introduction)
            .chain(shown.steps.iter().flat_map(|s| {
                std::iter::once(s.title)
                    .chain(s.text)
                    .chain(s.notes.iter().copied())
                    .chain(s.warnings.iter().copied())
                    .chain(s.escalation.iter().filter_map(|e| e.submit))
            }));
        for text in texts {
            for link in markup::links(text.markdown) {
                let path = link.destination.split('#').next().unwrap_or("");
                if !crate::paths::is_relative(&link.destination) {
                    continue;
                }
                if let Some(page) =
                    resolve_md_link(&procedure.path, path).and_then(|p| view.site.page(&p))
                    && !pages.iter().any(|known| known.path == page.path)
                {
                    pages.push(page);
                }
            }
        }
    }
    pages
}
