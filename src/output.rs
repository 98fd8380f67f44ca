//! Output files and where they go: what a renderer makes ([`OutputFile`], [`OutputKind`]), the
//! [`Sink`] it puts each file into as soon as it is made (the output directory, the link
//! verifier, memory), and why a file could not be kept ([`WriteError`]). Shared by `render`,
//! `verify`, `write` and the build, so none of them needs another's module for these words.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

/// The file whose presence marks a directory as runbook output.
pub const MANIFEST: &str = "manifest.json";

/// Writing the output failed; the previous output is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A filesystem operation failed.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file kept from an earlier build that the build's records do not hold, or that the
    /// output no longer has: the records cannot be trusted, so the build starts again without
    /// them.
    #[error("the record of `{path}` from the previous build is missing; rebuilding in full")]
    Forgotten {
        /// The output file.
        path: String,
    },
    /// The output directory is one runbook must not replace.
    #[error("refusing to use `{path}` as the output directory: {reason}")]
    Refused {
        /// The output directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Where rendered files go as soon as each is made (the output directory, the verifier, memory),
/// so a build never holds the whole site. Called from any thread, in any order.
pub trait Sink: Sync {
    /// Takes one file.
    ///
    /// # Errors
    /// The file could not be kept (a write error).
    fn put(&self, file: OutputFile) -> Result<(), WriteError>;

    /// Takes a file an earlier build made from the same inputs, which the output already holds
    /// (an incremental build, [`crate::render::Memo`]): `file.bytes` is empty unless the build is
    /// held in memory. A sink that reads files looks up what it learnt of this one last time.
    ///
    /// # Errors
    /// The file could not be kept.
    fn keep(&self, file: OutputFile) -> Result<(), WriteError>;
}

/// A sink keeping every file in memory.
#[derive(Default)]
pub struct Collect(Mutex<Vec<OutputFile>>);

impl Collect {
    /// The files put, sorted by path.
    pub fn into_sorted(self) -> Vec<OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_else(PoisonError::into_inner);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Collect {
    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(file);
        Ok(())
    }

    fn keep(&self, file: OutputFile) -> Result<(), WriteError> {
        self.put(file)
    }
}

/// A sink placing each file under `dir/` of another sink.
pub struct Under<'s> {
    /// The directory prefix, without a trailing slash.
    pub dir: &'static str,
    /// Where the files go.
    pub inner: &'s dyn Sink,
}

impl Sink for Under<'_> {
    fn put(&self, mut file: OutputFile) -> Result<(), WriteError> {
        file.path = format!("{}/{}", self.dir, file.path);
        self.inner.put(file)
    }

    fn keep(&self, mut file: OutputFile) -> Result<(), WriteError> {
        file.path = format!("{}/{}", self.dir, file.path);
        self.inner.keep(file)
    }
}

/// A sink noting each file it is given (without its bytes, unless asked to keep them) before
/// handing it on: the manifest's list of a build, the files of one memo unit.
pub struct Noting<'s> {
    inner: &'s dyn Sink,
    with_bytes: bool,
    files: Mutex<Vec<OutputFile>>,
}

impl<'s> Noting<'s> {
    /// Notes files on their way to `inner`; `with_bytes`: the notes keep the bytes too.
    pub fn new(inner: &'s dyn Sink, with_bytes: bool) -> Self {
        Self {
            inner,
            with_bytes,
            files: Mutex::new(Vec::new()),
        }
    }

    /// The files noted, in the order they came.
    pub fn into_files(self) -> Vec<OutputFile> {
        self.files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn note(&self, file: &OutputFile) {
        let noted = OutputFile {
            copy_of: file.copy_of.clone(),
            path: file.path.clone(),
            locale: file.locale.clone(),
            kind: file.kind,
            source: file.source.clone(),
            bytes: match self.with_bytes {
                true => file.bytes.clone(),
                false => Vec::new(),
            },
        };
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(noted);
    }
}

impl Sink for Noting<'_> {
    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        self.note(&file);
        self.inner.put(file)
    }

    fn keep(&self, file: OutputFile) -> Result<(), WriteError> {
        self.note(&file);
        self.inner.keep(file)
    }
}

/// A file to write, with what the manifest says about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFile {
    /// Path relative to the output directory, `/`-separated.
    pub path: String,
    /// The locale it belongs to, if any.
    pub locale: Option<String>,
    /// What kind of file it is.
    pub kind: OutputKind,
    /// The content file it was rendered from (relative to the project root), if one.
    pub source: Option<String>,
    /// The bytes (none when `copy_of` is set).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// A file copied as it is (an image of the content): writing the output copies it, so its
    /// bytes are never held in memory.
    #[serde(skip)]
    pub copy_of: Option<std::path::PathBuf>,
}

/// What an output file is, as listed in `manifest.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputKind {
    /// The root page offering the languages.
    Languages,
    /// A locale's home page.
    Index,
    /// A Markdown page.
    Page,
    /// A procedure.
    Procedure,
    /// The escalation categories page.
    Categories,
    /// A printable checklist (HTML for print, Markdown task list, PDF).
    Checklist,
    /// A runbook binding checklists, categories and pages.
    Runbook,
    /// A side-by-side translation review.
    Review,
    /// The page a host shows for an address that has none (`404.html`), at the root and per
    /// locale.
    NotFound,
    /// What search engines read: `sitemap.xml` and `robots.txt` (with `site-url`).
    Crawl,
    /// A stylesheet, the site's script or a copied content file.
    Asset,
    /// A locale's whole table of contents: `toc.js`, which the site's script unfolds in the
    /// sidebar, and the contents page listing it.
    Navigation,
    /// A locale's search index (a script the site's script loads).
    SearchIndex,
    /// mdBook's `book.toml` or `SUMMARY.md`.
    BookConfig,
    /// `manifest.json` itself.
    Manifest,
}

impl OutputKind {
    /// Whether this is a page of a locale's guide a reader browses to (home, page, procedure,
    /// categories): what the build counts and search indexes.
    pub fn is_guide_page(self) -> bool {
        matches!(
            self,
            OutputKind::Index | OutputKind::Page | OutputKind::Procedure | OutputKind::Categories
        )
    }
}
