//! `runbook init`: a new project that builds at once (book.toml, one procedure in English and
//! Japanese, a home page, the JSON Schemas the YAML files point editors at, and a
//! `translations.lock` confirming the Japanese).

use std::path::Path;

use crate::schema;

/// `content/SUMMARY.md`, which mdBook needs to run runbook as its backend (`crate::mdbook`).
pub const MDBOOK_SUMMARY_TEXT: &str = include_str!("init/SUMMARY.md");

/// Files of a new project, path → text.
const FILES: &[(&str, &str)] = &[
    ("book.toml", include_str!("init/book.toml")),
    ("content/products.yaml", include_str!("init/products.yaml")),
    (
        "content/categories.yaml",
        include_str!("init/categories.yaml"),
    ),
    (
        "content/first-procedure.yaml",
        include_str!("init/first-procedure.yaml"),
    ),
    ("content/index.md", include_str!("init/index.md")),
    ("content/SUMMARY.md", MDBOOK_SUMMARY_TEXT),
    ("content/index.ja.md", include_str!("init/index.ja.md")),
    (".gitignore", "/build/\n/.runbook/\n"),
];

/// Scaffolds a project in `dir` (created if missing) and returns the files written.
///
/// # Errors
/// `dir` already holds a `book.toml` or `content/` (nothing is overwritten), or a file cannot be
/// written.
pub fn init(dir: &Path) -> Result<Vec<String>, String> {
    for existing in ["book.toml", "content"] {
        if dir.join(existing).exists() {
            return Err(format!(
                "`{}` already exists; `runbook init` only writes into a new or empty project",
                dir.join(existing).display()
            ));
        }
    }
    let mut written = Vec::new();
    let schemas = schema::KINDS.iter().filter_map(|kind| {
        schema::schema(kind).map(|s| {
            (
                format!("schemas/{}", schema::file_name(kind)),
                schema::to_json(&s),
            )
        })
    });
    let files = FILES
        .iter()
        .map(|(path, text)| ((*path).to_string(), (*text).to_string()))
        .chain(schemas);
    for (path, text) in files {
        crate::write::write_file_creating_dirs(&dir.join(&path), text.as_bytes())
            .map_err(|e| e.to_string())?;
        written.push(path);
    }
    // Track translations from the start: the scaffold's translations are confirmed as written.
    let project = crate::load_project(dir).map_err(|e| e.to_string())?;
    let source = project.config.source_locale().to_string();
    for locale in project.config.locales.iter().filter(|l| **l != source) {
        crate::pipeline::translate::confirm(dir, locale, &[]).map_err(|e| e.to_string())?;
    }
    if dir.join(crate::model::lock::LOCK_FILE).is_file() {
        written.push(crate::model::lock::LOCK_FILE.to_string());
    }
    Ok(written)
}
