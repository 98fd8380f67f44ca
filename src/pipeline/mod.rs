//! The orchestration layer: each command's sequence of stages (load, validate, render, verify,
//! write), above the stages and below the command line. [`build`] runs one sequence into a
//! directory or into memory; [`project`] loads and checks; [`record`] checks and renders run
//! records; [`translate`] runs the translation commands; [`report`] says what a build did.

pub mod incremental;
pub mod manifest;
pub mod project;
pub mod record;
pub mod report;
pub mod shard;
pub mod translate;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostic::{Diagnostic, has_errors};
use crate::output::WriteError;
use crate::output::{Collect, Noting, OutputFile, Sink, Under};
use crate::render::html::HtmlRenderer;
use crate::render::markdown::MarkdownRenderer;
use crate::render::print::PrintRenderer;
use crate::render::review::ReviewRenderer;
use crate::render::{RenderContext, RenderError, Renderer, Templates};
use crate::source::SourceMap;
use crate::{diagnostic, render, verify, write};

use crate::i18n::segments::segments;
use manifest::{Manifest, ShardInfo};
pub use project::{BaselineUse, Checked, check, check_with, load_project};
use project::{read_project, settle, validate_project};
pub use report::BuildReport;

/// What `build` is asked to do.
#[derive(Clone)]
pub struct BuildOptions {
    /// The project root (holding `book.toml`).
    pub root: PathBuf,
    /// The output directory; default: `[output.runbook] output-dir` under the root.
    pub out: Option<PathBuf>,
    /// Also write PDFs, whatever `[output.runbook] pdf` says.
    pub pdf: bool,
    /// Build only these locales' files, as one shard of a build split across machines (joined
    /// by [`merge`]); empty: every locale.
    pub locales: Vec<String>,
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
            .field("locales", &self.locales)
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
            locales: Vec::new(),
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

    fn keep(&self, file: OutputFile) -> Result<(), WriteError> {
        self.inner.keep(file)?;
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
        "PDF output was asked for (`--pdf` or `[output.runbook] pdf = true`), but this runbook was built without the `pdf` feature; rebuild it with default features"
    )]
    NoPdf,
    /// `serve` could not listen or watch.
    #[error("{0}")]
    Serve(String),
    /// A shard build was asked for a locale the project does not have, or shards cannot be
    /// merged; nothing was written.
    #[error("{0}")]
    Shard(String),
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

/// Where a build puts its files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The output directory, replaced all at once when every file is written and verified.
    Directory,
    /// Memory, without PDFs (what `serve` serves); nothing is written.
    Memory,
}

/// Builds the project: load, validate, render every format, then replace the output directory.
///
/// # Errors
/// Content errors (nothing written), a failing template, or a write failure (the previous output
/// is left as it was).
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    build_to(options, Target::Directory).map(|built| built.report)
}

/// A build held in memory: what `serve` serves.
pub struct MemoryBuild {
    /// Every output file (no PDF), sorted by path.
    pub files: Vec<OutputFile>,
    /// Warnings (a successful build has no errors).
    pub warnings: Vec<Diagnostic>,
    /// The files the warnings point into.
    pub sources: SourceMap,
    /// How many units were kept from the previous build and rendered.
    pub memo: render::memo::MemoStats,
}

/// Loads, validates, renders and verifies the project at `root` in memory, without PDF. Writes
/// nothing.
///
/// # Errors
/// As [`build`], but never a write error.
pub fn build_in_memory(root: &Path) -> Result<MemoryBuild, Error> {
    build_in_memory_keeping(root, &mut incremental::Cache::default())
}

/// [`build_in_memory`], keeping from `cache` (what the last such build left there) the files
/// whose inputs are unchanged, and leaving this build's records in it for the next (what
/// `serve` does on every change). A build refused for its content leaves `cache` as it was.
///
/// # Errors
/// As [`build_in_memory`].
pub fn build_in_memory_keeping(
    root: &Path,
    cache: &mut incremental::Cache,
) -> Result<MemoryBuild, Error> {
    let options = BuildOptions::new(root);
    let built = match build_once(&options, Target::Memory, Previous::Given(cache)) {
        Err(Error::Write(WriteError::Forgotten { .. })) => {
            let fresh = &mut incremental::Cache::default();
            build_once(&options, Target::Memory, Previous::Given(fresh))
        }
        built => built,
    }?;
    *cache = built.cache;
    Ok(MemoryBuild {
        files: built.files,
        warnings: built.report.warnings,
        sources: built.report.sources,
        memo: built.report.memo,
    })
}

/// What [`build_to`] did, and for [`Target::Memory`] the files it made (sorted by path).
pub struct Built {
    /// What the build did.
    pub report: BuildReport,
    /// Every output file in memory; empty for [`Target::Directory`].
    pub files: Vec<OutputFile>,
    /// What a build in memory leaves for the next ([`build_in_memory_keeping`]); a build into
    /// a directory stores it beside the output instead.
    pub cache: incremental::Cache,
}

/// Where a build finds what the previous one left.
enum Previous<'c> {
    /// The cache beside the output directory.
    Disk,
    /// A cache held in memory (taken once the content is valid).
    Given(&'c mut incremental::Cache),
    /// None: every unit is rendered.
    Nothing,
}

/// Where the files of a build in progress go.
enum Destination {
    Directory(write::Staging),
    Memory(Collect),
}

impl Destination {
    fn sink(&self) -> &dyn Sink {
        match self {
            Destination::Directory(staging) => staging,
            Destination::Memory(collect) => collect,
        }
    }
}

/// The one build sequence: load, cut the translation segments, validate, render every format
/// through the link verifier into `target`, and (for a directory) swap the output in.
///
/// # Errors
/// As [`build`].
pub fn build_to(options: &BuildOptions, target: Target) -> Result<Built, Error> {
    let previous = || match target {
        Target::Directory => Previous::Disk,
        Target::Memory => Previous::Nothing,
    };
    match build_once(options, target, previous()) {
        // The cache named a file the output or the records do not hold: not to be trusted.
        Err(Error::Write(WriteError::Forgotten { .. })) => {
            build_once(options, target, Previous::Nothing)
        }
        built => built,
    }
}

/// [`build_to`], keeping what `previous` says is unchanged.
fn build_once(options: &BuildOptions, target: Target, previous: Previous) -> Result<Built, Error> {
    let started = Instant::now();
    let mut stages = Vec::new();
    let mut lap = started;
    let progress = options.progress.clone().unwrap_or_else(|| Arc::new(|_| {}));
    progress(Progress::Stage("loading"));
    let mut stage = |name: &'static str| {
        let now = Instant::now();
        stages.push(report::Stage {
            name,
            time: now - lap,
            peak_memory: report::peak_memory(),
        });
        lap = now;
    };
    let Checked {
        config,
        site,
        mut sources,
        mut diagnostics,
        ..
    } = read_project(&options.root, options.pdf)?;
    let found = segments(&site, &config);
    let links = crate::validate::links::LinkResolver::new(&site, &config);
    diagnostics.extend(validate_project(
        &site,
        &config,
        &mut sources,
        &found,
        &links,
    ));
    // Links to nothing that the project tolerates (lowered or baselined) become text when
    // rendered; with none reported, every link resolves and no page needs looking at again.
    // (Links to a file that did not load are not reported again, but lead nowhere too.)
    let unresolved = !site.unreadable.is_empty()
        || diagnostics
            .iter()
            .any(|d| crate::validate::links::UNRESOLVED_CODES.contains(&d.code));
    let baselined = settle(&config, &mut sources, &mut diagnostics, BaselineUse::Read);
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
    if config.pdf && !cfg!(feature = "pdf") {
        return Err(Error::NoPdf);
    }
    let sharded = !options.locales.is_empty();
    if let Some(unknown) = options
        .locales
        .iter()
        .find(|locale| !config.locales.contains(locale))
    {
        return Err(Error::Shard(format!(
            "`--locale {unknown}`: the project's locales are {} (`[output.runbook] locales` in book.toml)",
            config.locales.join(", ")
        )));
    }
    // Files stream from the renderers through the verifier into the staging directory (or
    // memory); the staging directory replaces the output only when all is well (dropped, it is
    // removed).
    let destination = match target {
        Target::Directory => {
            write::check_output_dir(&config.root, &out, options.force)?;
            Destination::Directory(write::Staging::new(&out)?)
        }
        Target::Memory => Destination::Memory(Collect::default()),
    };
    let mut cx = RenderContext::new(&site, &config, &sources, found.segments);
    cx.pdf &= target == Target::Directory;
    if unresolved {
        cx.unlinked = render::unlinked_texts(&links, &site, &config, &sources);
        stage("links to nothing shown as text");
    }
    // The link targets (every page's ids) are not held through rendering.
    drop(links);
    if sharded {
        cx.locales = config
            .locales
            .iter()
            .filter(|locale| options.locales.contains(locale))
            .cloned()
            .collect();
    }
    let counting = Counting {
        inner: destination.sink(),
        progress: progress.as_ref(),
    };
    // A build keeps what it rendered and read for the next one, and keeps what the previous
    // one left, when that matches the output as it is.
    let in_memory = target == Target::Memory;
    let remembering = !matches!(previous, Previous::Nothing) || !in_memory;
    let previous = match previous {
        Previous::Disk => incremental::read(&config.root, &out).unwrap_or_default(),
        Previous::Given(cache) => std::mem::take(cache),
        Previous::Nothing => incremental::Cache::default(),
    };
    let mut verifier = verify::Verifier::new(&counting);
    if remembering {
        let flags = format!(
            "{:?} pdf={} sharded={sharded} memory={in_memory} unlinked={}",
            cx.locales,
            cx.pdf,
            cx.unlinked.fingerprint()
        );
        let global = incremental::global_key(&config, &site, &sources, &flags);
        cx.memo = render::Memo::new(global, previous.units, in_memory);
        cx.search_pages = std::sync::Mutex::new(previous.pages);
        verifier = verify::Verifier::remembering(&counting, previous.links);
    }
    stage("read the build cache");
    progress(Progress::Stage("rendering"));
    let Rendered {
        files,
        search,
        search_pages,
    } = match render_all(&cx, &verifier) {
        Ok(rendered) => rendered,
        Err(RenderError::Write(error)) => return Err(Error::Write(error)),
        Err(error) => return Err(error.into()),
    };
    stage("render and write");
    let (broken, deferred, links) = verifier.finish_and_remember(sharded);
    stage("verify links");
    if !broken.is_empty() {
        return Err(Error::Verify(broken));
    }
    let mut manifest = Manifest::of_build(&files, &site, &sources);
    if sharded {
        manifest.shard = Some(ShardInfo {
            locales: cx.locales.clone(),
            project_locales: config.locales.clone(),
            sources: manifest::sources_fingerprint(&sources),
            runbook: env!("CARGO_PKG_VERSION").to_string(),
            links: deferred,
        });
    }
    let manifest_file = manifest.to_file();
    let manifest_bytes = manifest_file.bytes.clone();
    counting.put(manifest_file)?;
    let pages_per_locale = cx
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
    let memo = cx.memo.stats();
    let mut cache = incremental::Cache {
        units: std::mem::take(&mut cx.memo).into_units(),
        links,
        pages: search_pages,
    };
    let (stats, in_memory) = match destination {
        Destination::Directory(staging) => {
            incremental::forget(&config.root, &out)?;
            let stats = staging.finish()?;
            stage("swap in");
            // A cache that cannot be written only makes the next build a full one.
            let _ = incremental::save(
                &config.root,
                &out,
                &manifest_bytes,
                std::mem::take(&mut cache),
            );
            stage("write the build cache");
            (stats, Vec::new())
        }
        Destination::Memory(collect) => (write::WriteStats::default(), collect.into_sorted()),
    };
    let built = |counts: &std::collections::BTreeMap<String, usize>| -> Vec<(String, usize)> {
        counts
            .iter()
            .filter(|(locale, _)| cx.renders(locale))
            .map(|(locale, n)| (locale.clone(), *n))
            .collect()
    };
    let fallbacks = built(&cx.marks.fallbacks);
    let needing_review = built(&cx.marks.stale);
    drop(cx);
    Ok(Built {
        report: BuildReport {
            fallbacks,
            needing_review,
            out,
            warnings: diagnostics,
            baselined: baselined.len(),
            sources,
            pages_per_locale,
            files: files.len(),
            unchanged: stats.unchanged,
            shared: stats.shared,
            elapsed: started.elapsed(),
            stages,
            search,
            memo,
        },
        files: in_memory,
        cache,
    })
}

/// What [`render_all`] made.
pub struct Rendered {
    /// The manifest's entries (files without their bytes), sorted by path.
    pub files: Vec<OutputFile>,
    /// What the search indexes hold and cost.
    pub search: render::search::Stats,
    /// Each guide page as search read it, for the next build.
    pub search_pages: render::search::PageRecords,
}

/// Renders every format into `sink`, and lists what it put (with `manifest.json`, which the
/// caller puts: see [`Manifest`]).
///
/// # Errors
/// A template that fails to load or render, two files at one path, or the sink failing.
pub fn render_all(cx: &RenderContext<'_>, sink: &dyn Sink) -> Result<Rendered, RenderError> {
    let sources = cx.sources;
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
    if cx.pdf {
        renderers.push(&pdf_renderer);
    }
    let listing = Noting::new(sink, false);
    for renderer in renderers {
        let under = Under {
            dir: renderer.name(),
            inner: &listing,
        };
        renderer.render(cx, &under)?;
    }
    let mut entries = listing.into_files();
    entries.push(Manifest::entry());
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(pair) = entries.windows(2).find(|pair| pair[0].path == pair[1].path) {
        return Err(RenderError::DuplicateOutput {
            path: pair[0].path.clone(),
        });
    }
    Ok(Rendered {
        files: entries,
        search: html.search_stats(),
        search_pages: html.take_search_pages(),
    })
}

/// Every output file of every format in memory, sorted by path, with `manifest.json`.
///
/// # Errors
/// As [`render_all`].
pub fn render_to_memory(cx: &RenderContext<'_>) -> Result<Vec<OutputFile>, RenderError> {
    let collect = Collect::default();
    let rendered = render_all(cx, &collect)?;
    collect.put(Manifest::of_build(&rendered.files, cx.site, cx.sources).to_file())?;
    Ok(collect.into_sorted())
}
