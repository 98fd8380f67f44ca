//! `translations.lock`: for each locale and segment, the fingerprint of the source text the
//! translation was last confirmed against.
//!
//! A lock file beside `book.toml` rather than fields in the content: translators and authors edit
//! YAML and Markdown without bookkeeping noise, the fingerprints are written by `runbook` only
//! (`i18n confirm`, `i18n import`), and one sorted key per line keeps merges line-local.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The lock file's name, in the project root.
pub const LOCK_FILE: &str = "translations.lock";

/// What the lock file says: locale → segment id → source fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Lock {
    /// Fingerprints by locale, then by segment id.
    pub locales: BTreeMap<String, BTreeMap<String, String>>,
}

impl Lock {
    /// Reads the lock file's text; `file` is its id, for the error's position.
    ///
    /// # Errors
    /// Text that is not a table of tables of strings.
    pub fn parse(text: &str, file: FileId) -> Result<Lock, Diagnostic> {
        toml::from_str(text).map_err(|error| {
            let mut diagnostic = Diagnostic::error(
                "lock-syntax",
                format!("`{LOCK_FILE}` cannot be read: {}", error.message()),
            )
            .help(
                "this file is written by `runbook i18n confirm`; restore it from version control, or delete it and run `runbook i18n confirm` for each locale",
            );
            if let Some(range) = error.span() {
                diagnostic = diagnostic.at(Span::new(file, range));
            }
            diagnostic
        })
    }

    /// The fingerprint recorded for a segment in a locale.
    pub fn get(&self, locale: &str, id: &str) -> Option<&str> {
        self.locales.get(locale)?.get(id).map(String::as_str)
    }

    /// Records that the `locale` translation of segment `id` matches the source with this
    /// fingerprint.
    pub fn confirm(&mut self, locale: &str, id: &str, fingerprint: &str) {
        self.locales
            .entry(locale.to_string())
            .or_default()
            .insert(id.to_string(), fingerprint.to_string());
    }

    /// Forgets a segment in a locale.
    pub fn forget(&mut self, locale: &str, id: &str) {
        if let Some(ids) = self.locales.get_mut(locale) {
            ids.remove(id);
        }
    }

    /// The file's text: a comment saying what it is, then one table per locale, keys sorted.
    pub fn to_text(&self) -> String {
        let mut text = String::from(
            "# The source text each translation was confirmed against (a fingerprint per segment).\n\
             # Written by `runbook i18n confirm` and `runbook i18n import`; commit it with the content.\n",
        );
        for (locale, ids) in &self.locales {
            if ids.is_empty() {
                continue;
            }
            text.push_str(&format!("\n[{}]\n", toml_key(locale)));
            for (id, fingerprint) in ids {
                text.push_str(&format!("{} = \"{fingerprint}\"\n", toml_key(id)));
            }
        }
        text
    }
}

/// A TOML key: bare when it can be, else a basic string.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        key.to_string()
    } else {
        // A JSON string is a valid TOML basic string.
        serde_json::to_string(key).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    #[test]
    fn the_text_reads_back_to_the_same_lock() {
        let mut lock = Lock::default();
        lock.confirm("ja", "a.md#where-to-look/2", "0123456789abcdef");
        lock.confirm("ja", "b.yaml:steps.x.title", "fedcba9876543210");
        lock.confirm("pt-BR", "quote\"d", "00");
        let mut sources = SourceMap::new();
        let file = sources.add(LOCK_FILE, lock.to_text());
        assert_eq!(Lock::parse(&lock.to_text(), file).unwrap(), lock);
        assert_eq!(
            lock.get("ja", "a.md#where-to-look/2"),
            Some("0123456789abcdef")
        );
    }

    #[test]
    fn a_damaged_lock_is_an_error_with_a_position() {
        let mut sources = SourceMap::new();
        let text = "[ja]\n\"a\" = 3\n";
        let file = sources.add(LOCK_FILE, text);
        let error = Lock::parse(text, file).unwrap_err();
        assert_eq!(error.code, "lock-syntax");
        assert!(error.location(&sources).unwrap().contains(":2:"));
    }
}
