//! `book.toml` → [`Config`].
//!
//! The file keeps mdBook's `[book]` keys (title, authors, description, language, src), so an mdBook
//! user recognises it and `mdbook build` at the project root reads the generated Markdown, and adds
//! a `[runbook]` table for everything this tool needs. Tables other than `[book]` and `[runbook]`
//! (mdBook's `[build]`, `[output.*]`, ...) are left to mdBook; unknown keys inside `[runbook]` are
//! errors with their location.

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
    /// Locales in order; the first is the source locale.
    pub locales: Vec<String>,
    /// Site title per locale; a locale without one uses `title`.
    pub titles: BTreeMap<String, String>,
    /// The output directory, relative to the root unless absolute.
    pub output_dir: PathBuf,
    /// The fallback policy for missing translations.
    pub fallback: Fallback,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RunbookTable {
    locales: Option<toml::Spanned<Vec<toml::Spanned<String>>>>,
    #[serde(default)]
    titles: BTreeMap<toml::Spanned<String>, String>,
    output_dir: Option<String>,
    #[serde(default)]
    fallback: Fallback,
}

/// Reads and checks `ROOT/book.toml`. The file is added to `sources` so that diagnostics can quote
/// it.
///
/// # Errors
/// A missing or unreadable file, a TOML syntax error, an unknown key in `[runbook]`, a wrong type
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
    let runbook = raw.runbook.unwrap_or(RunbookTable {
        locales: None,
        titles: BTreeMap::new(),
        output_dir: None,
        fallback: Fallback::default(),
    });
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
    })
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
            "[book]\ntitle = \"Guide\"\nlanguage = \"en\"\n[runbook]\nlocales = [\"en\", \"ja\"]\n[runbook.titles]\nja = \"ガイド\"\n",
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
        let text = "[runbook]\nlocales = [\"en\"]\noutput_dir = \"x\"\n";
        let Err((_, diagnostics)) = load_text(text) else {
            panic!("expected an error")
        };
        let span = diagnostics[0].span.clone().unwrap();
        assert_eq!(&text[span.range], "output_dir");
        assert!(diagnostics[0].message.contains("unknown field"));
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
        assert!(load_text("[runbook]\nlocales = [\"en\", \"日本\"]\n").is_err());
    }
}
