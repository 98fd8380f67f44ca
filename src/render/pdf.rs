//! PDF checklists and runbooks, typeset in-process with typst (the `pdf` cargo feature).
//!
//! For each locale: `pdf/LOCALE/ID.pdf` per procedure and `pdf/LOCALE/runbook.pdf` (plus
//! `runbook-PRODUCT.pdf` per product). The renderer writes typst markup from the locale's view of
//! the content, compiles it against an in-memory world that holds only that markup, the flowchart
//! SVGs and the shipped IPAex Gothic font (so Japanese renders on any machine and the font is
//! embedded), and exports the PDF. Checkboxes are drawn boxes, not glyphs. The runbook has a table
//! of contents with page numbers.

use std::fmt::Write as _;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::fingerprint::of_text as fingerprint;
use crate::markup;
use crate::metrics::FONT;
use crate::model::Procedure;
use crate::output::{OutputFile, OutputKind, Sink};
use crate::paths::CATEGORIES_PATH;
use crate::paths::resolve_md_link;
use crate::render::flowchart;
use crate::render::print::{Filled, Outline, outline, paper_note, runbook_title, runbooks};
use crate::render::{RenderContext, RenderError, Renderer};
use crate::source::SourceMap;
use crate::ui::UiKey;
use crate::view::{LocaleView, ProcedureView, Shown};

/// Renders checklists and runbooks as PDF.
pub struct PdfRenderer<'t> {
    sources: &'t SourceMap,
}

impl<'t> PdfRenderer<'t> {
    /// A renderer; `sources` gives procedure files for fingerprints.
    pub fn new(sources: &'t SourceMap) -> Self {
        Self { sources }
    }
}

impl Renderer for PdfRenderer<'_> {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn render(&self, cx: &RenderContext<'_>, sink: &dyn Sink) -> Result<(), RenderError> {
        let fonts = Fonts::new(&cx.site.fonts);
        let mut jobs: Vec<Job> = Vec::new();
        for locale in &cx.locales {
            let view = cx.view(locale);
            let doc = Typst {
                view: &view,
                sources: self.sources,
                families: &fonts.families,
                images: Default::default(),
            };
            for procedure in cx.site.all_procedures() {
                let (markup, charts) = doc.checklist(procedure);
                jobs.push(Job {
                    path: format!(
                        "{locale}/{}.pdf",
                        crate::paths::procedure_stem(&procedure.path)
                    ),
                    source: Some(self.sources.file(procedure.file).path.clone()),
                    markup,
                    charts,
                });
            }
            for book in runbooks(cx.site, cx.config) {
                let (markup, charts) = doc.runbook(&book.scope, &book.procedures);
                jobs.push(Job {
                    path: format!("{locale}/{}.pdf", book.stem()),
                    source: None,
                    markup,
                    charts,
                });
            }
        }
        // Typesetting is the slow part: one document per core at a time.
        use rayon::prelude::*;
        let date = cx.config.build_date.clone();
        jobs.into_par_iter().try_for_each(
            |Job {
                 path,
                 source,
                 markup,
                 charts,
             }| {
                // A document is kept when what typst would read is the same: its markup and
                // charts (fonts and the date are build-wide inputs).
                let mut inputs: Vec<&[u8]> = vec![b"pdf", path.as_bytes(), markup.as_bytes()];
                for (name, chart) in &charts {
                    inputs.push(name.as_bytes());
                    inputs.push(chart);
                }
                cx.memo.unit(sink, &inputs, |sink| {
                    let bytes = typeset(&fonts, &markup, charts.clone(), date.as_deref()).map_err(
                        |message| RenderError::Template {
                            template: "PDF".to_string(),
                            page: format!("pdf/{path}"),
                            message,
                        },
                    )?;
                    let locale = path.split('/').next().map(str::to_string);
                    let kind = if path.contains("/runbook") {
                        OutputKind::Runbook
                    } else {
                        OutputKind::Checklist
                    };
                    sink.put(OutputFile {
                        copy_of: None,
                        path: path.clone(),
                        locale,
                        kind,
                        source: source.clone(),
                        bytes,
                    })?;
                    Ok(())
                })
            },
        )
    }
}

/// A procedure's checklist with a run written in (`runbook record render --format pdf`), typeset
/// as the build typesets checklists.
///
/// # Errors
/// typst's errors, joined.
pub fn filled_checklist(
    sources: &SourceMap,
    site: &crate::model::Site,
    view: &LocaleView<'_>,
    procedure: &Procedure,
    fill: &Filled,
) -> Result<Vec<u8>, String> {
    let fonts = Fonts::new(&site.fonts);
    let doc = Typst {
        view,
        sources,
        families: &fonts.families,
        images: Default::default(),
    };
    let shown = view.procedure(procedure);
    let title = markup::plain_text(shown.title.markdown);
    let mut t = doc.setup(
        &view.ui.fill(UiKey::RunRecordTitle, &[("title", &title)]),
        &doc.footer(&procedure.path, Some(&fill.version)),
    );
    let (chart, mut files) = doc.chart(&shown, "chart-1");
    t.push_str(&doc.checklist_body(&shown, &chart, None, None, Some(fill)));
    files.extend(doc.take_images());
    typeset(&fonts, &t, files, view.config.build_date.as_deref())
}

/// The width in pixels of a PNG image, from its header.
fn png_width(bytes: &[u8]) -> Option<u32> {
    let header = bytes.get(..24)?;
    if &header[..8] != b"\x89PNG\r\n\x1a\n" || &header[12..16] != b"IHDR" {
        return None;
    }
    Some(u32::from_be_bytes(header[16..20].try_into().ok()?))
}

/// One PDF to typeset: its output path, the content file it comes from, its typst markup and
/// the flowchart SVG files the markup includes.
struct Job {
    path: String,
    source: Option<String>,
    markup: String,
    charts: Vec<(String, Vec<u8>)>,
}

/// Typst markup for one locale's documents.
struct Typst<'v, 'a> {
    view: &'v LocaleView<'a>,
    sources: &'v SourceMap,
    /// Font families in order of preference.
    families: &'v [String],
    /// The content images the document being written shows: asset path → file name in the
    /// document. Cleared as each document starts (documents are written one at a time).
    images: std::cell::RefCell<std::collections::BTreeMap<String, String>>,
}

/// A typst string literal (shown as text, never interpreted as markup).
fn lit(text: &str) -> String {
    format!("#{}", markup::typst_string(text))
}

/// A typst string expression (for arguments).
fn string(text: &str) -> String {
    markup::typst_string(text)
}

const PREAMBLE: &str = r#"#let cb = box(width: 3.2mm, height: 3.2mm, stroke: 0.35mm + black, radius: 0.3mm, baseline: 0.2mm)
#let cbx = box(width: 3.2mm, height: 3.2mm, stroke: 0.35mm + black, radius: 0.3mm, baseline: 0.2mm, align(center + horizon, text(size: 8pt, weight: "bold")[✓]))
#let muted(body) = text(fill: luma(90), body)
#let note(label, body, strong-border: false) = block(width: 100%, inset: (left: 3mm, y: 1mm), stroke: (left: 1.2mm + if strong-border { black } else { luma(150) }), fill: if strong-border { luma(238) } else { none })[#strong(label) #linebreak() #body]
"#;

impl Typst<'_, '_> {
    fn ui(&self, key: UiKey) -> &str {
        self.view.ui.get(key)
    }

    fn setup(&self, title: &str, footer_left: &str) -> String {
        let view = self.view;
        let mut page_of = String::new();
        let mut rest = self.ui(UiKey::PageOf);
        while let Some(start) = rest.find('{') {
            let (text, after) = rest.split_at(start);
            let Some(end) = after.find('}') else { break };
            page_of.push_str(&lit(text));
            page_of.push_str(match &after[1..end] {
                "page" => "#counter(page).display()",
                _ => "#counter(page).final().first()",
            });
            rest = &after[end + 1..];
        }
        page_of.push_str(&lit(rest));
        format!(
            "#set document(title: {title})\n#set page(paper: \"{paper}\", margin: (x: 14mm, top: 13mm, bottom: 17mm), footer: context text(size: 7.5pt, fill: luma(80))[{left} #h(1fr) {page_of}])\n#set text(font: ({families}), size: 9.5pt, lang: \"{lang}\")\n#set par(leading: 0.6em, spacing: 0.9em)\n{PREAMBLE}",
            title = string(title),
            paper = view.config.paper.name(),
            left = lit(footer_left),
            lang = view.locale.split('-').next().unwrap_or("en"),
            families = self
                .families
                .iter()
                .map(|f| string(f) + ",")
                .collect::<String>(),
        )
    }

    /// Markdown as typst markup; links get the note `note_for` gives them.
    /// Fallback text is set in its own language; a translation needing review gets a footnote
    /// saying so.
    fn text(&self, from: &str, shown: Shown<'_>, sections: Option<&[(String, usize)]>) -> String {
        let mut typst = markup::to_typst(
            shown.markdown,
            &|destination| self.note(from, destination, sections),
            &self.view.ui.alert_labels(),
            &|destination| self.image(from, destination),
        );
        if shown.stale {
            typst = format!(
                "{}#footnote[{}]",
                typst.trim_end(),
                lit(&self.view.needs_review_notice())
            );
        }
        match shown.fallback_locale {
            Some(lang) => format!("#text(lang: {})[{typst}]", string(lang)),
            None => typst,
        }
    }

    /// Inline text shown as plain text (a name, a title), set in its own language when it is a
    /// fallback.
    fn plain(&self, shown: Shown<'_>) -> String {
        let text = lit(&markup::plain_text(shown.markdown));
        match shown.fallback_locale {
            Some(lang) => format!("#text(lang: {})[{text}]", string(lang)),
            None => text,
        }
    }

    /// The typst call drawing an image the content shows, when it is a content file typst can
    /// draw: at its natural size (96 pixels to the inch) up to the text's width, an icon as tall
    /// as the text.
    fn image(&self, from: &str, destination: &str) -> Option<String> {
        if !crate::paths::is_relative(destination) {
            return None;
        }
        let path = crate::paths::resolve(from, destination.split(['#', '?']).next()?)?;
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        if !matches!(
            extension.as_str(),
            "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp"
        ) {
            return None;
        }
        let asset = self.view.site.assets.iter().find(|a| a.path == path)?;
        let pixels = asset.read().and_then(|bytes| png_width(&bytes));
        let mut images = self.images.borrow_mut();
        let next = images.len() + 1;
        let file = images
            .entry(path)
            .or_insert_with(|| format!("image-{next}.{extension}"))
            .clone();
        let file = markup::typst_string(&file);
        Some(match pixels {
            Some(width) if width <= 32 => format!("box(image({file}, height: 1em))"),
            Some(width) => format!(
                "box(image({file}, width: {:.1}mm))",
                (f64::from(width) * 25.4 / 96.0).min(150.0)
            ),
            None => format!("box(image({file}, width: 70%))"),
        })
    }

    /// The files of the images the document shows, and a clean list for the next document.
    fn take_images(&self) -> Vec<(String, Vec<u8>)> {
        let images = std::mem::take(&mut *self.images.borrow_mut());
        images
            .into_iter()
            .filter_map(|(path, name)| {
                let asset = self.view.site.assets.iter().find(|a| a.path == path)?;
                Some((name, asset.read()?.into_owned()))
            })
            .collect()
    }

    /// What a link says on paper: its section in the runbook, or its title and URL.
    fn note(
        &self,
        from: &str,
        destination: &str,
        sections: Option<&[(String, usize)]>,
    ) -> Option<String> {
        let (path, fragment) = destination.split_once('#').unwrap_or((destination, ""));
        if !crate::paths::is_relative(destination) {
            return (!destination.starts_with("mailto:")).then(|| destination.to_string());
        }
        let target = resolve_md_link(from, path)?;
        Some(paper_note(self.view, &target, fragment, sections).0)
    }

    /// The checklist of one procedure: body markup and its flowchart files.
    fn checklist_body(
        &self,
        shown: &ProcedureView<'_>,
        chart: &ChartFiles,
        sections: Option<&[(String, usize)]>,
        heading: Option<usize>,
        fill: Option<&Filled>,
    ) -> String {
        let view = self.view;
        let from = shown.procedure.path.as_str();
        let mut t = String::new();
        let title = self.text(from, shown.title, sections);
        match heading {
            Some(_) => {
                let _ = writeln!(t, "= {title}\n");
            }
            None => {
                let _ = writeln!(t, "#text(size: 16pt, weight: \"bold\")[{title}]\n");
            }
        }
        if !shown.applies_to.is_empty() {
            let names: Vec<String> = shown.applies_to.iter().map(|p| self.plain(*p)).collect();
            let _ = writeln!(
                t,
                "#muted[#strong[{}:] {}]\n",
                lit(self.ui(UiKey::AppliesTo)),
                names.join(" · ")
            );
        }
        let fields: Vec<(String, String)> = match fill {
            Some(fill) => fill.fields.clone(),
            None => view
                .config
                .record_fields
                .iter()
                .map(|field| (view.record_field_label(field).to_string(), String::new()))
                .collect(),
        };
        if let Some(fill) = fill {
            let _ = writeln!(t, "{}\n", lit(&fill.times));
            if let Some(changed) = &fill.changed {
                let _ = writeln!(t, "#strong[{}]\n", lit(changed));
            }
        }
        if !fields.is_empty() {
            let cells: Vec<String> = fields
                .iter()
                .map(|(label, value)| format!("[{}], [{}]", lit(label), lit(value)))
                .collect();
            let _ = writeln!(
                t,
                "#strong[{}]\n#table(columns: (22%, 28%, 22%, 28%), stroke: 0.3mm + luma(130), inset: (x: 1.8mm, y: 2.4mm), {})\n",
                lit(self.ui(UiKey::Record)),
                cells.join(", ")
            );
        }
        for step in &shown.steps {
            let done = fill.and_then(|f| f.steps.get(step.id));
            let skipped = fill.is_some_and(|f| f.skipped.contains(step.id));
            let mut inner = String::new();
            if let Some(text) = step.text {
                let _ = writeln!(inner, "{}\n", self.text(from, text, sections));
            }
            for note in &step.notes {
                let _ = writeln!(
                    inner,
                    "#note({}, [{}])\n",
                    string(self.ui(UiKey::Note)),
                    self.text(from, *note, sections)
                );
            }
            for warning in &step.warnings {
                let _ = writeln!(
                    inner,
                    "#note({}, [{}], strong-border: true)\n",
                    string(self.ui(UiKey::Warning)),
                    self.text(from, *warning, sections)
                );
            }
            if !step.branches.is_empty() {
                let choices: Vec<String> = step
                    .branches
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let chosen = done.is_some_and(|d| d.answers.contains(&i));
                        format!(
                            "#box[#{} #h(1mm) {} → {}]",
                            if chosen { "cbx" } else { "cb" },
                            self.text(from, b.label, sections),
                            lit(&self.view.destination_words(&b.to))
                        )
                    })
                    .collect();
                let _ = writeln!(
                    inner,
                    "#strong[{}:] #h(2mm) {}\n",
                    lit(self.ui(UiKey::TickOne)),
                    choices.join(" #h(7mm) ")
                );
            }
            if let Some(escalation) = &step.escalation {
                let _ = writeln!(inner, "#strong[{}:]\n", lit(self.ui(UiKey::TickAll)));
                for (id, title) in &escalation.categories {
                    let ticked = done.is_some_and(|d| d.categories.contains(*id));
                    let _ = writeln!(
                        inner,
                        "#{} #h(1mm) {} \\",
                        if ticked { "cbx" } else { "cb" },
                        self.plain(*title)
                    );
                }
                inner.push('\n');
                if let Some(submit) = escalation.submit {
                    let _ = writeln!(
                        inner,
                        "#strong[{}:]\n\n{}\n",
                        lit(self.ui(UiKey::WhatToSubmit)),
                        self.text(from, submit, sections)
                    );
                }
            }
            if let Some(done) = done {
                if !done.requests.is_empty() {
                    let _ = writeln!(
                        inner,
                        "#strong[{}:] {}\n",
                        lit(self.ui(UiKey::RunRequest)),
                        lit(&done.requests.join(", "))
                    );
                }
                for note in &done.notes {
                    let _ = writeln!(
                        inner,
                        "#strong[{}:] {}\n",
                        lit(self.ui(UiKey::RunNote)),
                        lit(note)
                    );
                }
            }
            if let Some(then) = &step.then {
                let _ = writeln!(
                    inner,
                    "#muted[→ {}]\n",
                    lit(&self.view.destination_words(then))
                );
            }
            let mut head = format!("{}. {}", step.number, self.text(from, step.title, sections));
            if skipped {
                head = format!(
                    "#strike[{head}] #h(2mm) #muted[{}]",
                    lit(self.ui(UiKey::RunSkipped))
                );
                inner.clear();
            } else if let Some(done) = done {
                head = format!("{head} #h(2mm) #muted[{}]", lit(&done.times.join(", ")));
            }
            let _ = writeln!(
                t,
                "#block(breakable: false, width: 100%, stroke: (top: 0.3mm + luma(130)), inset: (y: 1.6mm), spacing: 0pt)[#grid(columns: (6mm, 1fr), gutter: 0mm, {}, strong[{head}])\n#pad(left: 6mm)[{}]]",
                if done.is_some() { "cbx" } else { "cb" },
                inner.trim_end()
            );
        }
        let _ = writeln!(
            t,
            "#v(3mm)\n#block(breakable: false)[#strong[{}]\n#v(7mm)\n#grid(columns: (1fr, 1fr), gutter: 10mm, [#line(length: 100%, stroke: 0.3mm) #muted[{}]], [#line(length: 100%, stroke: 0.3mm) #muted[{}]])]\n",
            lit(self.ui(UiKey::SignOff)),
            lit(self.ui(UiKey::Signature)),
            lit(self.ui(UiKey::FieldDate))
        );
        // The chart at a legible size: its parts each on a page, a wide chart on a landscape one.
        let mut figure = String::new();
        for (index, name) in chart.names.iter().enumerate() {
            let caption = if index == 0 {
                format!("#strong[{}]\n", lit(self.ui(UiKey::Flowchart)))
            } else {
                String::new()
            };
            let _ = writeln!(
                figure,
                "#block(breakable: false)[{caption}#align(center, image({}, width: {:.1}mm))]",
                string(name),
                chart.width_mm
            );
        }
        if chart.landscape {
            let _ = writeln!(t, "#page(flipped: true)[\n{figure}]\n");
        } else {
            let _ = writeln!(t, "{figure}");
        }
        t
    }

    /// The flowchart of a procedure for paper, as files named `STEM-N.svg`.
    fn chart(&self, shown: &ProcedureView<'_>, stem: &str) -> (ChartFiles, Vec<(String, Vec<u8>)>) {
        if !shown.procedure.draws_flowchart() {
            let none = ChartFiles {
                names: Vec::new(),
                landscape: false,
                width_mm: 0.0,
            };
            return (none, Vec::new());
        }
        let chart = flowchart::Chart::of(self.view, shown, "", "");
        let printed = flowchart::print(&chart, &flowchart::layout(&chart));
        let files: Vec<(String, Vec<u8>)> = printed
            .parts
            .into_iter()
            .enumerate()
            .map(|(i, svg)| (format!("{stem}-{}.svg", i + 1), svg.into_bytes()))
            .collect();
        let names = files.iter().map(|(name, _)| name.clone()).collect();
        (
            ChartFiles {
                names,
                landscape: printed.landscape,
                width_mm: printed.width_mm,
            },
            files,
        )
    }

    fn footer(&self, id: &str, version: Option<&str>) -> String {
        let mut left = id.to_string();
        if let Some(version) = version {
            left.push_str(&format!(" · {} {version}", self.ui(UiKey::Version)));
        }
        if let Some(date) = self.view.build_date() {
            left.push_str(&format!(" · {} {date}", self.ui(UiKey::Built)));
        }
        left
    }

    fn checklist(&self, procedure: &Procedure) -> (String, Vec<(String, Vec<u8>)>) {
        self.images.borrow_mut().clear();
        let shown = self.view.procedure(procedure);
        let version = fingerprint(&self.sources.file(procedure.file).text);
        let title = markup::plain_text(shown.title.markdown);
        let mut t = self.setup(
            &format!("{title} · {}", self.ui(UiKey::Checklist)),
            &self.footer(&procedure.path, Some(&version)),
        );
        let (chart, mut files) = self.chart(&shown, "chart-1");
        t.push_str(&self.checklist_body(&shown, &chart, None, None, None));
        files.extend(self.take_images());
        (t, files)
    }

    fn runbook(
        &self,
        scope: &super::print::Scope<'_>,
        procedures: &[&Procedure],
    ) -> (String, Vec<(String, Vec<u8>)>) {
        self.images.borrow_mut().clear();
        let view = self.view;
        let Outline {
            sections,
            has_categories,
            appendices,
        } = outline(view, procedures);
        let title = runbook_title(view, scope);
        let mut t = self.setup(
            &title,
            &format!("{} · {}", view.config.title_in(view.locale), title),
        );
        let _ = writeln!(
            t,
            "#set heading(numbering: \"1.\")\n#show heading.where(level: 1): it => {{ pagebreak(weak: true); block(below: 4mm, text(size: 15pt, it)) }}\n#page(footer: none)[#v(1fr)\n#muted[{}]\n#text(size: 26pt, weight: \"bold\")[{}]\n{}\n#v(2fr)]\n#outline(title: {}, depth: 1)\n",
            lit(view.config.title_in(view.locale)),
            lit(&title),
            view.build_date().map_or(String::new(), |d| format!(
                "#muted[{} {}]",
                lit(self.ui(UiKey::Built)),
                lit(&d)
            )),
            string(self.ui(UiKey::Contents)),
        );
        let mut charts = Vec::new();
        for (index, procedure) in procedures.iter().enumerate() {
            let shown = view.procedure(procedure);
            let (chart, files) = self.chart(&shown, &format!("chart-{}", index + 1));
            t.push_str(&self.checklist_body(
                &shown,
                &chart,
                Some(&sections),
                Some(index + 1),
                None,
            ));
            charts.extend(files);
        }
        if has_categories {
            let _ = writeln!(t, "= {}\n", lit(self.ui(UiKey::Categories)));
            for category in &view.site.categories {
                let _ = writeln!(t, "#strong[{}]\n", self.plain(view.text(&category.title)));
                if let Some(severity) = category.severity {
                    let _ = writeln!(
                        t,
                        "{}: {}\n",
                        lit(self.ui(UiKey::SeverityLabel)),
                        lit(view.ui.get(severity.ui_key()))
                    );
                }
                if let Some(description) = &category.description {
                    let _ = writeln!(
                        t,
                        "{}\n",
                        self.text(CATEGORIES_PATH, view.text(description), Some(&sections))
                    );
                }
                let _ = writeln!(
                    t,
                    "#strong[{}:] {}\n",
                    lit(self.ui(UiKey::EscalateTo)),
                    self.text(
                        CATEGORIES_PATH,
                        view.text(&category.escalate_to),
                        Some(&sections)
                    )
                );
            }
        }
        for page in &appendices {
            if let Some((version, fallback)) = view.page_version(page) {
                let _ = writeln!(t, "= {}\n", lit(version.title()));
                let shown = Shown::in_locale(view.page_text(&page.path, version), fallback);
                let _ = writeln!(t, "{}\n", self.text(&page.path, shown, Some(&sections)));
            }
        }
        charts.extend(self.take_images());
        (t, charts)
    }
}

/// The fonts of a project's PDFs: its own font files first, then the shipped IPAex Gothic.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Family names in order of preference, for `set text(font: ...)`.
    families: Vec<String>,
}

impl Fonts {
    fn new(extra: &[crate::model::Asset]) -> Self {
        let mut fonts: Vec<Font> = extra
            .iter()
            .flat_map(|asset| Font::iter(Bytes::new(asset.bytes.clone().unwrap_or_default())))
            .collect();
        fonts.extend(Font::iter(Bytes::new(FONT)));
        let mut families: Vec<String> = Vec::new();
        for font in &fonts {
            let family = font.info().family.clone();
            if !families.contains(&family) {
                families.push(family);
            }
        }
        Self {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            families,
        }
    }
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

/// An in-memory typst world: one main file, some SVG files, the shipped font.
struct DocumentWorld<'f> {
    fonts: &'f Fonts,
    main: Source,
    files: Vec<(FileId, Bytes)>,
    today: Option<Datetime>,
}

#[allow(clippy::expect_used, reason = "the fallback is a constant, valid path")]
fn file_id(path: &str) -> FileId {
    let path = VirtualPath::new(path)
        .unwrap_or_else(|_| VirtualPath::new("/main.typ").expect("a valid path"));
    RootedPath::new(VirtualRoot::Project, path).intern()
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .iter()
            .find(|(file, _)| *file == id)
            .map(|(_, bytes)| bytes.clone())
            .ok_or_else(|| FileError::NotFound(std::path::PathBuf::from("(not in the document)")))
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }
    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

/// Compiles typst markup (with its SVG files) to PDF bytes. Deterministic: the document carries
/// no timestamp and its identifier derives from its content.
/// Typesets one typst document with the embedded fonts, as every PDF is typeset: the engine's
/// own cost, measured beside whole checklists by `benches/stages.rs`.
///
/// # Errors
/// typst's errors, joined.
pub fn typeset_document(markup: &str) -> Result<Vec<u8>, String> {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    typeset(
        FONTS.get_or_init(|| Fonts::new(&[])),
        markup,
        Vec::new(),
        None,
    )
}

fn typeset(
    fonts: &Fonts,
    markup: &str,
    files: Vec<(String, Vec<u8>)>,
    date: Option<&str>,
) -> Result<Vec<u8>, String> {
    let today = date.and_then(|d| {
        let mut parts = d.split('-').map(|p| p.parse::<i32>().ok());
        let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
        Datetime::from_ymd(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
    });
    let world = DocumentWorld {
        fonts,
        main: Source::new(file_id("/main.typ"), markup.to_string()),
        files: files
            .into_iter()
            .map(|(path, bytes)| (file_id(&format!("/{path}")), Bytes::new(bytes)))
            .collect(),
        today,
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| {
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(fingerprint(markup)),
        timestamp: None,
        ..Default::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// A procedure's flowchart as the typeset document includes it.
struct ChartFiles {
    /// The file of each part, top to bottom.
    names: Vec<String>,
    /// Whether it goes on a landscape page.
    landscape: bool,
    /// Width of every part, in mm.
    width_mm: f32,
}
