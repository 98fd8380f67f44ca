//! `runbook`: localized escalation guides and printable checklists from YAML procedures and
//! Markdown pages.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! book.toml ─ config ─▶ Config
//! content/  ─ load ───▶ Site ─ validate ─▶ Vec<Diagnostic>
//!                       Site ─ render ───▶ OutputFile stream (one Renderer per format)
//!                                          each file ─ verify ─▶ (every link resolves)
//!                                          each file ─ write ──▶ staging directory ─▶ output
//! ```
//!
//! ```no_run
//! let options = runbook::BuildOptions::new("path/to/project");
//! match runbook::build(&options) {
//!     Ok(report) => println!("{}", report.summary()),
//!     Err(error) => eprintln!("{error}"),
//! }
//! ```

#![warn(missing_docs)]
// No `unwrap`, `expect` or `panic!` outside tests: user input never panics (`diagnostic`).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod config;
pub mod diagnostic;
pub mod dialect;
pub mod fingerprint;
#[doc(hidden)]
pub mod fuzz;
pub mod i18n;
pub mod import;
pub mod init;
pub mod load;
pub mod markup;
pub mod metrics;
pub mod model;
pub mod output;
pub mod paths;
pub mod record;
pub mod render;
pub mod safety;
pub mod schema;
pub mod serve;
pub mod source;
pub mod ui;
pub mod validate;
pub mod verify;
pub mod view;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, has_errors};
use crate::model::Site;
use crate::output::{Collect, OutputFile, OutputKind, Sink, Under};
use crate::output::{MANIFEST, WriteError};
use crate::render::html::HtmlRenderer;
use crate::render::markdown::MarkdownRenderer;
use crate::render::print::PrintRenderer;
use crate::render::review::ReviewRenderer;
use crate::render::{RenderContext, RenderError, Renderer, Templates};
use crate::source::SourceMap;

/// What `build` is asked to do.
#[derive(Clone)]
pub struct BuildOptions {
    /// The project root (holding `book.toml`).
    pub root: PathBuf,
    /// The output directory; default: `[runbook] output-dir` under the root.
    pub out: Option<PathBuf>,
    /// Also write PDFs, whatever `[runbook] pdf` says.
    pub pdf: bool,
    /// Replace an output directory holding files runbook did not write (never the project root,
    /// a parent of it, `content/` or `templates/`).
    pub force: bool,
    /// Told of each stage and each file written, from any thread (a progress bar).
    pub progress: Option<Arc<dyn Fn(Progress) + Send + Sync>>,
}

/// How far a build has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// A stage begins.
    Stage(&'static str),
    /// One more output file is written.
    File,
}

impl std::fmt::Debug for BuildOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildOptions")
            .field("root", &self.root)
            .field("out", &self.out)
            .field("pdf", &self.pdf)
            .field("force", &self.force)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl BuildOptions {
    /// Build the project at `root` into its configured output directory.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            out: None,
            pdf: false,
            force: false,
            progress: None,
        }
    }
}

/// A sink telling the build's progress callback of each file before handing it on.
struct Counting<'s> {
    inner: &'s dyn Sink,
    progress: &'s (dyn Fn(Progress) + Send + Sync),
}

impl Sink for Counting<'_> {
    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        self.inner.put(file)?;
        (self.progress)(Progress::File);
        Ok(())
    }
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The content or configuration has errors; nothing was written.
    #[error("{}", diagnostic::summary(.diagnostics))]
    Content {
        /// The files the diagnostics point into.
        sources: SourceMap,
        /// Every problem found (errors and warnings).
        diagnostics: Vec<Diagnostic>,
    },
    /// A template failed; nothing was written.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The rendered site links something it does not contain, or holds script: a template bug;
    /// nothing was written.
    #[error(
        "the rendered site has {} problem(s), which points at a template (or a runbook bug):\n{}",
        .0.len(),
        verify_list(.0)
    )]
    Verify(Vec<verify::OutputProblem>),
    /// Writing failed; the previous output is unchanged.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// PDFs were asked for, but this binary was built without the `pdf` feature.
    #[error(
        "PDF output was asked for (`--pdf` or `[runbook] pdf = true`), but this runbook was built without the `pdf` feature; rebuild it with default features"
    )]
    NoPdf,
    /// `serve` could not listen or watch.
    #[error("{0}")]
    Serve(String),
}

/// The first output problems, one per line, and how many more there are.
fn verify_list(broken: &[verify::OutputProblem]) -> String {
    const SHOWN: usize = 20;
    let mut lines: Vec<String> = broken
        .iter()
        .take(SHOWN)
        .map(|b| format!("  {b}"))
        .collect();
    if broken.len() > SHOWN {
        lines.push(format!("  ... and {} more", broken.len() - SHOWN));
    }
    lines.join("\n")
}

/// The project loaded and validated, with every diagnostic.
pub struct Checked {
    /// The configuration.
    pub config: Config,
    /// The content.
    pub site: Site,
    /// The files read.
    pub sources: SourceMap,
    /// Every problem found; the site is only usable when none is an error.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads and validates the project at `root` without writing anything.
///
/// # Errors
/// Only a configuration that cannot be read ([`Error::Content`]); content problems are in
/// [`Checked::diagnostics`].
pub fn check(root: &Path) -> Result<Checked, Error> {
    check_for(root, false)
}

/// [`check`], as for a build that also writes PDFs when `pdf` (text the PDF font lacks is then
/// reported too).
fn check_for(root: &Path, pdf: bool) -> Result<Checked, Error> {
    let mut checked = read_project(root, pdf)?;
    // Relations are checked even when some file did not parse: links and references to a file
    // that could not be read are not reported again (`Site::unreadable`), so one broken file
    // hides no other file's problems.
    let found = validate::validate(&checked.site, &checked.config, &checked.sources);
    checked.diagnostics.extend(found);
    // Template overrides are read as the build reads them, so a broken one fails `check` too.
    if let Err(error) = render::check_templates(&checked.config.templates_dir()) {
        let text = error.to_string();
        let mut lines = text.lines();
        let message = lines.next().unwrap_or_default().trim().to_string();
        // Tera names the place as `--> NAME:LINE:COLUMN`: shown in the override's own text.
        let place = lines.find_map(|l| l.trim().strip_prefix("--> ").map(str::to_string));
        let mut diagnostic = Diagnostic::error("template-syntax", message)
            .help("fix the template in templates/, or remove it to use the built-in one");
        if let Some(place) = place {
            let mut parts = place.rsplitn(3, ':');
            let column: usize = parts.next().and_then(|c| c.parse().ok()).unwrap_or(1);
            let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(1);
            let name = parts.next().unwrap_or_default();
            let path = checked.config.templates_dir().join(name);
            if let Ok(template) = std::fs::read_to_string(&path) {
                let start = template
                    .split_inclusive('\n')
                    .take(line.saturating_sub(1))
                    .map(str::len)
                    .sum::<usize>();
                let offset = template
                    .get(start..)
                    .and_then(|rest| rest.char_indices().nth(column.saturating_sub(1)))
                    .map_or(start, |(i, _)| start + i);
                let file = checked.sources.add(format!("templates/{name}"), template);
                diagnostic = diagnostic.at(source::Span::new(file, offset..offset + 1));
            }
        }
        checked.diagnostics.push(diagnostic);
    }
    Ok(checked)
}

/// A run record read and checked against a project (`runbook record check`).
pub struct RecordChecked {
    /// The record, when it could be read.
    pub record: Option<record::RunRecord>,
    /// The project (its diagnostics are the record's).
    pub project: Checked,
}

/// Reads the run record at `path` and checks it against the project at `root`: its shape, then
/// what it says (see [`record::check`]). The record's problems are in `project.diagnostics`,
/// pointing into the record.
///
/// # Errors
/// A project that does not load ([`Error::Content`]).
pub fn check_record(root: &Path, path: &Path) -> Result<RecordChecked, Error> {
    let mut project = load_project(root)?;
    project.diagnostics.clear();
    let shown_path = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            project.diagnostics.push(
                Diagnostic::error(
                    "run-record-unreadable",
                    format!("cannot read the run record `{shown_path}`: {error}"),
                )
                .help("give the path of a JSON file downloaded from the guide's run mode"),
            );
            return Ok(RecordChecked {
                record: None,
                project,
            });
        }
    };
    let file = project.sources.add(shown_path, text);
    let read = record::read(&project.sources.file(file).text);
    let record = match read {
        Ok(record) => {
            let found = record::check::check(
                &record,
                file,
                &project.sources,
                &project.site,
                &project.config,
            );
            project.diagnostics.extend(found);
            Some(record)
        }
        Err(error) => {
            let message = if error.pointer.is_empty() {
                error.message
            } else {
                format!("`{}`: {}", error.pointer, error.message)
            };
            project.diagnostics.push(
                Diagnostic::error("run-record", message)
                    .at(source::Span::new(file, error.range))
                    .help("the format is documented by `runbook schema run-record` and docs/run-mode.md"),
            );
            None
        }
    };
    Ok(RecordChecked { record, project })
}

/// What `runbook record render` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordFormat {
    /// Markdown for a ticket: the same text as the guide's "Copy as Markdown".
    Markdown,
    /// The checklist filled in, as one self-contained HTML file for print.
    Html,
    /// The checklist filled in, as PDF.
    Pdf,
}

/// A run record rendered: its bytes, and the record's warnings.
pub struct RecordRendered {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// The project, whose diagnostics are the record's warnings and notes.
    pub project: Checked,
}

/// Renders the run record at `path` against the project at `root`, in the record's language.
///
/// # Errors
/// A record with errors or a project that does not load ([`Error::Content`]), a template that
/// fails, or PDF asked of a runbook built without it.
pub fn render_record(
    root: &Path,
    path: &Path,
    format: RecordFormat,
) -> Result<RecordRendered, Error> {
    let RecordChecked { record, project } = check_record(root, path)?;
    let Some(record) = record.filter(|_| !has_errors(&project.diagnostics)) else {
        return Err(Error::Content {
            sources: project.sources,
            diagnostics: project.diagnostics,
        });
    };
    let Some(procedure) = project.site.procedure(&record.procedure) else {
        return Err(Error::Content {
            sources: project.sources,
            diagnostics: project.diagnostics,
        });
    };
    let view = view::LocaleView::new(&project.site, &project.config, &record.locale);
    let version = fingerprint::of_text(&project.sources.file(procedure.file).text);
    let bytes = match format {
        RecordFormat::Markdown => record::markdown(&record, &view, procedure).into_bytes(),
        RecordFormat::Html => {
            let templates = Templates::load(&project.config.templates_dir())?;
            let fill = record::filled(&record, &view, procedure, &version);
            render::print::filled_checklist(&templates, &project.sources, &view, procedure, &fill)?
                .into_bytes()
        }
        #[cfg(feature = "pdf")]
        RecordFormat::Pdf => {
            let fill = record::filled(&record, &view, procedure, &version);
            render::pdf::filled_checklist(&project.sources, &project.site, &view, procedure, &fill)
                .map_err(|message| RenderError::Template {
                    template: "PDF".to_string(),
                    page: record.procedure.clone(),
                    message,
                })?
        }
        #[cfg(not(feature = "pdf"))]
        RecordFormat::Pdf => return Err(Error::NoPdf),
    };
    Ok(RecordRendered { bytes, project })
}

/// Loads the project at `root` without validating relations between files: what the
/// translation commands need.
///
/// # Errors
/// A configuration or content file that cannot be read or parsed ([`Error::Content`]).
pub fn load_project(root: &Path) -> Result<Checked, Error> {
    let checked = read_project(root, false)?;
    if has_errors(&checked.diagnostics) {
        return Err(Error::Content {
            sources: checked.sources,
            diagnostics: checked.diagnostics,
        });
    }
    Ok(checked)
}

/// Reads the configuration and content; the diagnostics are the loader's.
fn read_project(root: &Path, pdf: bool) -> Result<Checked, Error> {
    let mut sources = SourceMap::new();
    let mut config = match config::load(root, &mut sources) {
        Ok(config) => config,
        Err(diagnostics) => {
            return Err(Error::Content {
                sources,
                diagnostics,
            });
        }
    };
    config.pdf |= pdf;
    let loaded = load::load(&config, &mut sources);
    Ok(Checked {
        config,
        site: loaded.site,
        sources,
        diagnostics: loaded.diagnostics,
    })
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// The output directory written.
    pub out: PathBuf,
    /// Warnings (a successful build has no errors).
    pub warnings: Vec<Diagnostic>,
    /// The files the warnings point into.
    pub sources: SourceMap,
    /// HTML pages written per locale, in locale order.
    pub pages_per_locale: Vec<(String, usize)>,
    /// Segments shown in the source locale for want of a translation, per translated locale.
    pub fallbacks: Vec<(String, usize)>,
    /// Per locale, the translated segments marked as needing review (none are left out).
    pub needing_review: Vec<(String, usize)>,
    /// Files in the output in all.
    pub files: usize,
    /// Of those, files identical to the previous output and left as they were.
    pub unchanged: usize,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Wall time of each stage, in order: load and validate, render and write (into a staging
    /// directory), verify links, swap in.
    pub stages: Vec<(&'static str, Duration)>,
    /// What the search indexes hold and cost.
    pub search: render::search::Stats,
}

impl BuildReport {
    /// The summary: pages per locale, files and time, then the search indexes' size and cost.
    pub fn summary(&self) -> String {
        let locales: Vec<String> = self
            .pages_per_locale
            .iter()
            .map(|(locale, n)| format!("{locale}: {n}"))
            .collect();
        let fallbacks = counts_per_locale(
            "; untranslated text shown in the source language",
            &self.fallbacks,
        );
        let review =
            counts_per_locale("; translations needing review marked", &self.needing_review);
        let unchanged = if self.unchanged == 0 {
            String::new()
        } else {
            format!(" ({} unchanged)", self.unchanged)
        };
        let indexes: Vec<String> = self
            .search
            .indexes
            .iter()
            .map(|index| {
                format!(
                    "{}: {} in {} sections",
                    index.locale,
                    kib(index.bytes),
                    index.sections
                )
            })
            .collect();
        format!(
            "built {} pages per locale ({}), {} files{unchanged} in `{}`, in {:.2} s{fallbacks}{review}\n\
             search index {} ({}), indexing took {:.3} s of processor time",
            self.pages_per_locale.first().map_or(0, |(_, n)| *n),
            locales.join(", "),
            self.files,
            self.out.display(),
            self.elapsed.as_secs_f64(),
            kib(self.search.bytes()),
            indexes.join(", "),
            self.search.time.as_secs_f64(),
        )
    }
}

/// "`label` (en: 1, ja: 2)", or nothing when there are no counts.
fn counts_per_locale(label: &str, counts: &[(String, usize)]) -> String {
    if counts.is_empty() {
        return String::new();
    }
    let counts: Vec<String> = counts
        .iter()
        .map(|(locale, n)| format!("{locale}: {n}"))
        .collect();
    format!("{label} ({})", counts.join(", "))
}

/// A byte count in KiB, to one decimal.
fn kib(bytes: usize) -> String {
    // Sizes of generated files are far below 2^52 bytes, where f64 stops being exact.
    #[allow(clippy::cast_precision_loss)]
    let kib = bytes as f64 / 1024.0;
    format!("{kib:.1} KiB")
}

/// Builds the project: load, validate, render every format, then replace the output directory.
///
/// # Errors
/// Content errors (nothing written), a failing template, or a write failure (the previous output
/// is left as it was).
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let mut stages = Vec::new();
    let mut lap = started;
    let progress = options.progress.clone().unwrap_or_else(|| Arc::new(|_| {}));
    progress(Progress::Stage("loading"));
    let mut stage = |name: &'static str| {
        let now = Instant::now();
        stages.push((name, now - lap));
        lap = now;
    };
    let Checked {
        config,
        site,
        sources,
        diagnostics,
    } = check_for(&options.root, options.pdf)?;
    stage("load and validate");
    if has_errors(&diagnostics) {
        return Err(Error::Content {
            sources,
            diagnostics,
        });
    }
    let out = match &options.out {
        Some(out) => out.clone(),
        None => config.root.join(&config.output_dir),
    };
    write::check_output_dir(&config.root, &out, options.force)?;
    let pdf = config.pdf;
    if pdf && !cfg!(feature = "pdf") {
        return Err(Error::NoPdf);
    }
    let cx = RenderContext::new(&site, &config);
    // Files stream from the renderers through the verifier into the staging directory; the
    // staging directory replaces the output only when all is well (dropped, it is removed).
    let staging = write::Staging::new(&out)?;
    let counting = Counting {
        inner: &staging,
        progress: progress.as_ref(),
    };
    let verifier = verify::Verifier::new(&counting);
    progress(Progress::Stage("rendering"));
    let Rendered { files, search } = match render_all(&cx, &sources, pdf, &verifier) {
        Ok(rendered) => rendered,
        Err(RenderError::Write(error)) => return Err(Error::Write(error)),
        Err(error) => return Err(error.into()),
    };
    stage("render and write");
    let broken = verifier.finish();
    stage("verify links");
    if !broken.is_empty() {
        return Err(Error::Verify(broken));
    }
    let pages_per_locale = config
        .locales
        .iter()
        .map(|locale| {
            let pages = files
                .iter()
                .filter(|f| {
                    f.path.starts_with(render::html::DIR) && f.locale.as_deref() == Some(locale)
                })
                .filter(|f| f.kind.is_guide_page())
                .count();
            (locale.clone(), pages)
        })
        .collect();
    let written = staging.finish()?;
    stage("swap in");
    let fallbacks = cx.marks.fallbacks.clone().into_iter().collect();
    let needing_review = cx.marks.stale.clone().into_iter().collect();
    Ok(BuildReport {
        fallbacks,
        needing_review,
        out,
        warnings: diagnostics,
        sources,
        pages_per_locale,
        files: files.len(),
        unchanged: written.unchanged,
        elapsed: started.elapsed(),
        stages,
        search,
    })
}

/// A build held in memory: what `serve` serves.
pub struct MemoryBuild {
    /// Every output file (no PDF), sorted by path.
    pub files: Vec<OutputFile>,
    /// Warnings (a successful build has no errors).
    pub warnings: Vec<Diagnostic>,
    /// The files the warnings point into.
    pub sources: SourceMap,
}

/// Loads, validates, renders and verifies the project at `root` in memory, without PDF. Writes
/// nothing.
///
/// # Errors
/// As [`build`], but never a write error.
pub fn build_in_memory(root: &Path) -> Result<MemoryBuild, Error> {
    let Checked {
        config,
        site,
        sources,
        diagnostics,
    } = check_for(root, false)?;
    if has_errors(&diagnostics) {
        return Err(Error::Content {
            sources,
            diagnostics,
        });
    }
    let cx = RenderContext::new(&site, &config);
    let collect = Collect::default();
    let verifier = verify::Verifier::new(&collect);
    render_all(&cx, &sources, false, &verifier)?;
    let broken = verifier.finish();
    if !broken.is_empty() {
        return Err(Error::Verify(broken));
    }
    Ok(MemoryBuild {
        files: collect.into_sorted(),
        warnings: diagnostics,
        sources,
    })
}

/// What [`render_all`] made.
pub struct Rendered {
    /// The manifest's entries (files without their bytes), sorted by path.
    pub files: Vec<OutputFile>,
    /// What the search indexes hold and cost.
    pub search: render::search::Stats,
}

/// Renders every format into `sink`, then `manifest.json` listing every file.
///
/// # Errors
/// A template that fails to load or render, two files at one path, or the sink failing.
pub fn render_all(
    cx: &RenderContext<'_>,
    sources: &SourceMap,
    pdf: bool,
    sink: &dyn Sink,
) -> Result<Rendered, RenderError> {
    let templates = Templates::load(&cx.config.templates_dir())?;
    let html = HtmlRenderer::new(&templates, sources);
    let print = PrintRenderer::new(&templates, sources);
    let markdown = MarkdownRenderer::new(sources);
    let review = ReviewRenderer::new(&templates);
    #[allow(unused_mut)]
    let mut renderers: Vec<&dyn Renderer> = vec![&html, &print, &markdown, &review];
    #[cfg(feature = "pdf")]
    let pdf_renderer = render::pdf::PdfRenderer::new(sources);
    #[cfg(feature = "pdf")]
    if pdf {
        renderers.push(&pdf_renderer);
    }
    #[cfg(not(feature = "pdf"))]
    let _ = pdf;
    let listing = Listing {
        inner: sink,
        entries: Mutex::new(Vec::new()),
    };
    for renderer in renderers {
        let under = Under {
            dir: renderer.name(),
            inner: &listing,
        };
        renderer.render(cx, &under)?;
    }
    let mut entries = listing
        .entries
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let manifest = manifest(&entries, cx.site, sources);
    entries.push(OutputFile {
        bytes: Vec::new(),
        ..manifest.clone()
    });
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(pair) = entries.windows(2).find(|pair| pair[0].path == pair[1].path) {
        return Err(RenderError::DuplicateOutput {
            path: pair[0].path.clone(),
        });
    }
    sink.put(manifest)?;
    Ok(Rendered {
        files: entries,
        search: html.search_stats(),
    })
}

/// Every output file of every format in memory, sorted by path, with `manifest.json`.
///
/// # Errors
/// As [`render_all`].
pub fn render_to_memory(
    cx: &RenderContext<'_>,
    sources: &SourceMap,
    pdf: bool,
) -> Result<Vec<OutputFile>, RenderError> {
    let collect = Collect::default();
    render_all(cx, sources, pdf, &collect)?;
    Ok(collect.into_sorted())
}

/// A sink noting every file (without its bytes) for the manifest before handing it on.
struct Listing<'s> {
    inner: &'s dyn Sink,
    entries: Mutex<Vec<OutputFile>>,
}

impl Sink for Listing<'_> {
    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        let entry = OutputFile {
            path: file.path.clone(),
            locale: file.locale.clone(),
            kind: file.kind,
            source: file.source.clone(),
            bytes: Vec::new(),
        };
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
        self.inner.put(file)
    }
}

/// `manifest.json`: every output file's path, locale, kind and source, itself included; and
/// every page's front matter (title, description and any other metadata, such as DocFX's
/// `ms.date` or `author`), per source file.
fn manifest(files: &[OutputFile], site: &model::Site, sources: &SourceMap) -> OutputFile {
    #[derive(Serialize)]
    struct Manifest<'a> {
        files: Vec<&'a OutputFile>,
        pages: Vec<PageEntry<'a>>,
    }
    #[derive(Serialize)]
    struct PageEntry<'a> {
        source: &'a str,
        locale: &'a str,
        title: &'a str,
        description: Option<&'a str>,
        metadata: &'a std::collections::BTreeMap<String, serde_json::Value>,
    }
    let pages = site
        .pages
        .iter()
        .flat_map(|page| page.versions.iter())
        .map(|(locale, version)| PageEntry {
            source: sources.file(version.file).path.as_str(),
            locale,
            title: version.title(),
            description: version.front.description.as_ref().map(|d| d.value.as_str()),
            metadata: &version.front.metadata,
        })
        .collect();
    let entry = OutputFile {
        path: MANIFEST.to_string(),
        locale: None,
        kind: OutputKind::Manifest,
        source: None,
        bytes: Vec::new(),
    };
    let mut listed: Vec<&OutputFile> = files.iter().chain(std::iter::once(&entry)).collect();
    listed.sort_by(|a, b| a.path.cmp(&b.path));
    let mut bytes = serde_json::to_vec_pretty(&Manifest {
        files: listed,
        pages,
    })
    .unwrap_or_default();
    bytes.push(b'\n');
    OutputFile { bytes, ..entry }
}
