//! `runbook mdbook-backend`: runbook as an mdBook backend.
//!
//! `book.toml`'s `[output.runbook]` table holds runbook's settings, and its `command` key names
//! `runbook mdbook-backend`, so `mdbook build` and `mdbook serve` at the project root run runbook
//! with mdBook's render context on standard input. runbook reads the project root from it and
//! builds the whole project, as `runbook build` does; mdBook's parsed book is not used (its `src`
//! only has to hold a `SUMMARY.md`, `content/SUMMARY.md` in a project from `init`).

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The mdBook versions whose render context this module was tested with.
pub const TESTED_MDBOOK: &str = "0.5";

/// The part of mdBook's render context that runbook reads.
#[derive(Debug, Deserialize)]
pub struct RenderContext {
    /// The mdBook version that ran the backend.
    pub version: String,
    /// The book's root: the directory holding `book.toml`.
    pub root: PathBuf,
    /// Where mdBook asks the backend to write (`[build] build-dir`), made by mdBook beforehand.
    pub destination: PathBuf,
}

/// Why mdBook's render context could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    /// Standard input could not be read.
    #[error("cannot read mdBook's render context from standard input: {0}")]
    Read(#[from] std::io::Error),
    /// Standard input is not mdBook's render context.
    #[error(
        "standard input is not mdBook's render context ({0}); `runbook mdbook-backend` is run by `mdbook build`, see `[output.runbook]` in book.toml"
    )]
    Json(#[from] serde_json::Error),
}

impl RenderContext {
    /// Reads the render context mdBook writes to the backend's standard input.
    ///
    /// # Errors
    /// [`ContextError`] when `input` cannot be read or is not a render context.
    pub fn read(mut input: impl Read) -> Result<Self, ContextError> {
        let mut text = String::new();
        input.read_to_string(&mut text)?;
        Ok(serde_json::from_str(&text)?)
    }

    /// Whether the mdBook that ran the backend is a version runbook was tested with.
    pub fn is_tested_version(&self) -> bool {
        self.version
            .strip_prefix(TESTED_MDBOOK)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    }
}

/// Removes the empty directories mdBook made for its destination before running the backend
/// (`destination`, then each parent up to, not including, `root`, while it is empty), so that
/// an output directory holding only them is not mistaken for someone else's files. Nothing but
/// empty directories is ever removed.
pub fn remove_empty_destination(root: &Path, destination: &Path) {
    let mut dir = Some(destination);
    while let Some(current) = dir {
        if current == root || !current.starts_with(root) || std::fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_context_and_ignores_the_book() {
        let text = r#"{"version":"0.5.4","root":"/p","book":{"items":[]},"config":{"book":{}},"destination":"/p/build/html"}"#;
        let context = RenderContext::read(text.as_bytes()).unwrap();
        assert_eq!(context.root, PathBuf::from("/p"));
        assert_eq!(context.destination, PathBuf::from("/p/build/html"));
        assert!(context.is_tested_version());
        let other = RenderContext {
            version: "0.50.1".into(),
            ..context
        };
        assert!(!other.is_tested_version());
        assert!(RenderContext::read("not json".as_bytes()).is_err());
    }

    #[test]
    fn removes_only_empty_directories_inside_the_root() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        std::fs::create_dir_all(root.join("build/html")).unwrap();
        remove_empty_destination(root, &root.join("build/html"));
        assert!(!root.join("build").exists());
        assert!(root.exists());

        std::fs::create_dir_all(root.join("build/html")).unwrap();
        std::fs::write(root.join("build/manifest.json"), "{}").unwrap();
        remove_empty_destination(root, &root.join("build/html"));
        assert!(!root.join("build/html").exists());
        assert!(root.join("build/manifest.json").is_file());

        std::fs::create_dir_all(root.join("build/html")).unwrap();
        std::fs::write(root.join("build/html/index.html"), "x").unwrap();
        remove_empty_destination(root, &root.join("build/html"));
        assert!(root.join("build/html/index.html").is_file());
    }
}
