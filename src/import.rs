//! `runbook import docfx`: a runbook project made from a DocFX docs folder (the layout of
//! Microsoft Learn repositories) and its localized checkouts.
//!
//! The pages, include files, tables of contents and media are copied as they are (runbook reads
//! the dialect itself); each localized checkout's pages go to `content/LOCALE/` under the same
//! paths; `book.toml` gets the locales and `[output.runbook.root-links]` for the site-root links the
//! pages use. Whatever is not copied is listed with the reason, never dropped silently.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The docs folder (the one holding `docfx.json`, or the docset's folder).
    pub source: PathBuf,
    /// The project to create; must not exist, or be empty.
    pub out: PathBuf,
    /// The source locale's tag.
    pub source_locale: String,
    /// Localized checkouts: locale tag → the folder matching `source` in that checkout.
    pub locales: Vec<(String, PathBuf)>,
    /// The published site, for site-root links that lead outside the docset (`{locale}` is
    /// replaced by the page's locale).
    pub published_at: String,
}

/// Why a page of a translation's checkout is not imported.
const NOT_IN_SOURCE: &str = "no page at this path in the source folder";

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Files written, relative to the project.
    pub written: Vec<String>,
    /// Files not copied, with the reason.
    pub skipped: Vec<(String, String)>,
    /// The site's title, and where it was taken from (`docfx.json's _appTitle`, ...).
    pub title: (String, String),
    /// The redirection files read (`.openpublishing.redirection.json`), as found.
    pub redirections: Vec<String>,
}

/// Pages links may name that the import does not make pages of, declared `outside`.
struct Outside {
    /// Pages only a translation's checkout has.
    translation_only: std::collections::BTreeSet<String>,
    /// Pages the docs platform redirects (from its redirection files).
    redirected: std::collections::BTreeSet<String>,
}

/// The pages under `folder` that the repository's redirection files
/// (`.openpublishing.redirection*.json`, in the folder or, when the folder is not a
/// repository's root, in its parent: where docs repositories keep them) redirect, as paths
/// relative to `folder`, and the files read.
fn redirected_pages(folder: &Path) -> (std::collections::BTreeSet<String>, Vec<String>) {
    let mut pages = std::collections::BTreeSet::new();
    let mut read = Vec::new();
    let Ok(folder) = folder.canonicalize() else {
        return (pages, read);
    };
    for dir in folder.ancestors().take(2) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            break;
        };
        let mut names: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name().map(|n| n.to_string_lossy()).is_some_and(|n| {
                    n.starts_with(".openpublishing.redirection") && n.ends_with(".json")
                })
            })
            .collect();
        names.sort();
        let below = folder
            .strip_prefix(dir)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        for file in names {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            read.push(file.display().to_string());
            let entries = json["redirections"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            for entry in entries {
                let Some(source) = entry["source_path"].as_str() else {
                    continue;
                };
                let source = source.trim_start_matches('/');
                let relative = if below.is_empty() {
                    Some(source)
                } else {
                    source
                        .strip_prefix(below.as_str())
                        .and_then(|rest| rest.strip_prefix('/'))
                };
                if let Some(relative) =
                    relative.filter(|r| r.ends_with(".md") && crate::load::is_link_safe(r))
                {
                    pages.insert(relative.to_string());
                }
            }
        }
        // The repository's root is as far up as its redirections can be.
        if dir.join(".git").exists() {
            break;
        }
    }
    (pages, read)
}

/// Creates the project.
///
/// # Errors
/// The output exists and is not empty, a folder cannot be read, or a file cannot be written
/// (what was written is removed again).
pub fn import_docfx(options: &ImportOptions) -> Result<ImportReport, String> {
    if options
        .out
        .read_dir()
        .is_ok_and(|mut entries| entries.next().is_some())
    {
        return Err(format!(
            "`{}` is not empty; import into a new folder",
            options.out.display()
        ));
    }
    if !options.source.is_dir() {
        return Err(format!("`{}` is not a folder", options.source.display()));
    }
    let mut report = ImportReport::default();
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    let source_files = walk(&options.source, &mut report.skipped, "")?;
    for (relative, path) in &source_files {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        if name.eq_ignore_ascii_case("docfx.json") {
            report
                .skipped
                .push((relative.clone(), "DocFX's project file: not needed".into()));
            continue;
        }
        files.insert(format!("content/{relative}"), path.clone());
    }
    for (locale, folder) in &options.locales {
        for (relative, path) in walk(folder, &mut report.skipped, &format!("{locale}/"))? {
            let lower = relative.to_ascii_lowercase();
            let text = lower.ends_with(".md") || lower.ends_with("toc.yml");
            if !source_files.contains_key(&relative) {
                report.skipped.push((
                    format!("{locale}/{relative}"),
                    if text {
                        NOT_IN_SOURCE.into()
                    } else {
                        format!(
                            "a file of the `{locale}` checkout only; pages use the source's media"
                        )
                    },
                ));
                continue;
            }
            if text {
                files.insert(format!("content/{locale}/{relative}"), path);
            }
        }
    }
    report.title = docset_title(&options.source);
    // Pages only a translation has are not built (a page needs its source), but its pages
    // link them: declared outside, so those links lead to the published site or show as text.
    let translation_only: std::collections::BTreeSet<String> = report
        .skipped
        .iter()
        .filter(|(_, reason)| reason == NOT_IN_SOURCE)
        .filter_map(|(path, _)| path.split_once('/').map(|(_, rest)| rest.to_string()))
        .filter(|path| path.ends_with(".md"))
        .collect();
    // Pages the docs platform redirects elsewhere: links to them work on the published site.
    let mut redirected = std::collections::BTreeSet::new();
    for folder in std::iter::once(&options.source).chain(options.locales.iter().map(|(_, f)| f)) {
        let (pages, read) = redirected_pages(folder);
        redirected.extend(
            pages
                .into_iter()
                .filter(|p| !files.contains_key(&format!("content/{p}"))),
        );
        report.redirections.extend(read);
    }
    report.redirections.sort();
    report.redirections.dedup();
    let outside = Outside {
        translation_only,
        redirected,
    };
    let book = book_toml(options, &files, &report.title.0, &outside);
    let result = write_all(&options.out, &files, &book, &mut report.written);
    if let Err(message) = result {
        // Nothing half-made stays behind.
        let _ = std::fs::remove_dir_all(&options.out);
        return Err(message);
    }
    Ok(report)
}

/// Every file under `folder`, relative path → full path, in name order; hidden files and
/// folders (`.git`, `.openpublishing.*`) and names that cannot be links are listed as skipped.
fn walk(
    folder: &Path,
    skipped: &mut Vec<(String, String)>,
    shown_prefix: &str,
) -> Result<BTreeMap<String, PathBuf>, String> {
    let mut files = BTreeMap::new();
    let walker = walkdir::WalkDir::new(folder)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", folder.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(folder) else {
            continue;
        };
        let relative = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if !crate::load::is_link_safe(&relative) {
            skipped.push((
                format!("{shown_prefix}{relative}"),
                "a name that cannot be used in links (spaces, `#`, `%`): rename it".into(),
            ));
            continue;
        }
        files.insert(relative, entry.path().to_path_buf());
    }
    Ok(files)
}

/// `text` as a TOML string, quoted and escaped (a title may hold quotes, backslashes or line
/// breaks).
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The docset's title, and where it was found: `docfx.json`'s `_appTitle` (or `title`) in its
/// global metadata, else the first entry of the root table of contents, else the landing page's
/// title (`index.yml`, `index.md`), else the folder's name.
fn docset_title(source: &Path) -> (String, String) {
    let read = |name: &str| std::fs::read_to_string(source.join(name)).ok();
    if let Some(text) = read("docfx.json")
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(&text)
    {
        let metadata = &json["build"]["globalMetadata"];
        for key in ["_appTitle", "title"] {
            if let Some(title) = metadata[key]
                .as_str()
                .map(str::trim)
                .filter(|t| !t.is_empty())
            {
                return (title.to_string(), format!("docfx.json's `{key}`"));
            }
        }
    }
    for name in ["toc.yml", "TOC.yml", "toc.yaml"] {
        let Some(text) = read(name) else { continue };
        let items: Option<Vec<crate::model::TocItem>> =
            serde_saphyr::from_str::<Vec<crate::model::TocItem>>(&text)
                .ok()
                .or_else(|| {
                    serde_saphyr::from_str::<crate::model::TocMap>(&text)
                        .ok()
                        .map(|map| map.items)
                });
        let first = items
            .as_deref()
            .and_then(|items| items.first())
            .and_then(|item| item.name.as_ref())
            .map(|name| name.value.trim().to_string())
            .filter(|name| !name.is_empty());
        if let Some(title) = first {
            return (title, format!("the first entry of `{name}`"));
        }
    }
    for name in ["index.yml", "index.md"] {
        let Some(text) = read(name) else { continue };
        let title = text.lines().find_map(|line| {
            let value = line
                .strip_prefix("title:")?
                .trim()
                .trim_matches(['"', '\'']);
            (!value.is_empty()).then(|| value.to_string())
        });
        if let Some(title) = title {
            return (title, format!("the title of `{name}`"));
        }
    }
    let folder = source
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "docs".into());
    (
        folder,
        "the folder's name (no title in docfx.json, the root toc or the landing page)".to_string(),
    )
}

/// `book.toml` for the imported project: the locales, and site-root links read as the docset
/// (`/FOLDER/` into the content, when the pages link their own folder's name so) or as the
/// published site.
fn book_toml(
    options: &ImportOptions,
    files: &BTreeMap<String, PathBuf>,
    title: &str,
    outside: &Outside,
) -> String {
    let folder = options
        .source
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "docs".into());
    let mut first_segments: BTreeMap<String, usize> = BTreeMap::new();
    for (path, full) in files {
        if !path.ends_with(".md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(full) else {
            continue;
        };
        for link in crate::markup::links(&text) {
            if let Some(rest) = link.destination.strip_prefix('/')
                && let Some((first, _)) = rest.split_once('/')
            {
                *first_segments.entry(first.to_string()).or_default() += 1;
            }
        }
    }
    let mut locales = vec![options.source_locale.clone()];
    locales.extend(options.locales.iter().map(|(l, _)| l.clone()));
    let quoted: Vec<String> = locales.iter().map(|l| format!("\"{l}\"")).collect();
    let mut toml = format!(
        "# Imported from a DocFX docs folder by `runbook import docfx`.\n[book]\ntitle = {}\nlanguage = \"{}\"\nsrc = \"content\"\n\n# `mdbook build` and `mdbook serve` here run runbook (`command` below).\n[build]\nbuild-dir = \"build/html\"\ncreate-missing = false\n\n[output.runbook]\ncommand = \"runbook mdbook-backend\"\nlocales = [{}]\n",
        toml_string(title),
        options.source_locale,
        quoted.join(", ")
    );
    if outside.translation_only.is_empty() && outside.redirected.is_empty() {
        toml.push_str(
            "# Pages of the repository that are not imported, which links may name:\n# outside = [\"../other-docset/**\"]\n",
        );
    } else {
        let list = |paths: &std::collections::BTreeSet<String>| -> String {
            paths
                .iter()
                .map(|path| format!("  {},\n", toml_string(&globset::escape(path))))
                .collect()
        };
        let mut listed = String::new();
        if !outside.translation_only.is_empty() {
            listed.push_str(
                "  # pages only a translation has (not built: a page needs its source):\n",
            );
            listed.push_str(&list(&outside.translation_only));
        }
        if !outside.redirected.is_empty() {
            listed.push_str("  # pages the docs platform redirects (its redirection files):\n");
            listed.push_str(&list(&outside.redirected));
        }
        toml.push_str(&format!(
            "# Pages links name that are not built here: links to them lead to the published site\n# (with a root-link for the content) or show as text.\noutside = [\n{listed}]\n"
        ));
    }
    toml.push_str(
        "\n# How-to pages are procedures: each numbered list of steps becomes a checklist, a run and\n# a record (`<!-- runbook: not-steps -->` above a list keeps it out; `procedure: false` a page).\n[output.runbook.procedure-pages]\nmetadata = { \"ms.topic\" = [\"how-to\"] }\n",
    );
    toml.push_str("\n[output.runbook.root-links]\n");
    if first_segments.contains_key(&folder) {
        toml.push_str(&format!(
            "# The pages link each other by their published paths: /{folder}/page is content/page.md.\n\"/{folder}/\" = \"content\"\n"
        ));
    }
    toml.push_str(&format!(
        "# Every other site-root link leads to the published site.\n\"/\" = \"{}\"\n",
        options.published_at.replace('"', "")
    ));
    toml
}

fn write_all(
    out: &Path,
    files: &BTreeMap<String, PathBuf>,
    book: &str,
    written: &mut Vec<String>,
) -> Result<(), String> {
    let write = |relative: &str, bytes: &[u8]| -> Result<(), String> {
        crate::write::write_file_creating_dirs(&out.join(relative), bytes)
            .map_err(|e| e.to_string())
    };
    write("book.toml", book.as_bytes())?;
    written.push("book.toml".into());
    write(".gitignore", b"/build/\n/.runbook/\n")?;
    written.push(".gitignore".into());
    let summary = format!("content/{}", crate::load::MDBOOK_SUMMARY);
    if !files.contains_key(&summary) {
        write(&summary, crate::init::MDBOOK_SUMMARY_TEXT.as_bytes())?;
        written.push(summary);
    }
    for (relative, source) in files {
        let bytes = std::fs::read(source)
            .map_err(|e| format!("cannot read `{}`: {e}", source.display()))?;
        write(relative, &bytes)?;
        written.push(relative.clone());
    }
    Ok(())
}
