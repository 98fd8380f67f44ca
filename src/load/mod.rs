//! Load: `content/` → [`Site`].
//!
//! Walks the content tree (walkdir, sorted, so every run sees files in the same order), reads each
//! file into the [`SourceMap`] and parses it by kind: YAML definitions in [`yaml`], Markdown pages
//! in [`pages`]. A file that fails to parse becomes a [`Diagnostic`] and loading goes on, so one
//! run reports every broken file. Loading checks the shape of each file; relations between files
//! (references, duplicates) are `validate`'s job.

pub mod dates;
mod pages;
pub mod procedure_pages;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, is_locale_tag};
use crate::diagnostic::Diagnostic;
use crate::model::lock::{LOCK_FILE, Lock};
use crate::model::{
    Asset, CategoriesFile, Include, IncludeVersion, Page, PageVersion, Procedure, ProductsFile,
    Site, UiFile,
};
use crate::source::{FileId, SourceMap, Span};

/// Files of documentation repositories that are configuration, not content (DocFX's project and
/// navigation files, their publishing settings): skipped with a note.
const NOT_CONTENT: &[&str] = &[
    "docfx.json",
    "toc.md",
    "breadcrumb.yml",
    "zone-pivot-groups.yml",
    "redirects.json",
];

/// The file at the top of `content/` that mdBook reads when `[book] src = "content"`: mdBook
/// needs one to run runbook as its backend; runbook does not read it.
pub const MDBOOK_SUMMARY: &str = "SUMMARY.md";

/// Files that are not procedures although they are YAML.
const PRODUCTS_FILE: &str = "products.yaml";
const CATEGORIES_FILE: &str = "categories.yaml";
const UI_FILE: &str = "ui.yaml";

/// What the loader made of the content tree.
#[derive(Debug)]
pub struct Loaded {
    /// The model (partial when `diagnostics` has errors).
    pub site: Site,
    /// Problems found while reading and parsing.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads every file under `content/` into `sources` and parses it into the model.
///
/// Never fails: unreadable files, syntax errors, unknown fields and wrong types become
/// diagnostics.
pub fn load(config: &Config, sources: &mut SourceMap) -> Loaded {
    let mut site = Site::default();
    let mut diagnostics = Vec::new();
    let content_dir = config.content_dir();
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(
                "missing-content",
                format!("no `content/` directory in `{}`", config.root.display()),
            )
            .help("put procedures (*.yaml) and pages (*.md) under content/, or run `runbook init`"),
        );
        return Loaded { site, diagnostics };
    }
    if !crate::config::is_inside(&config.root, &content_dir) {
        diagnostics.push(
            Diagnostic::error(
                "link-outside",
                "`content/` is a symbolic link to a directory outside the project",
            )
            .help("move the content into the project"),
        );
        return Loaded { site, diagnostics };
    }
    let entries = walk(config, &content_dir, &mut diagnostics);
    // Reading and parsing run on every core; results are put together in walk order, so the
    // model and the diagnostics do not depend on scheduling.
    let read: Vec<(Entry, std::io::Result<Read>)> = entries
        .into_par_iter()
        .map(|entry| {
            let read = if let FileKind::Skipped(_) = entry.kind {
                Ok(Read::Skipped)
            } else if entry.kind == FileKind::Asset {
                std::fs::read(&entry.absolute).map(|bytes| {
                    let hold = Asset::is_read(&entry.relative);
                    Read::Asset(asset(
                        entry.relative.clone(),
                        entry.absolute.clone(),
                        bytes,
                        hold,
                    ))
                })
            } else if let Ok(meta) = std::fs::metadata(&entry.absolute)
                && meta.len() > crate::source::MAX_TEXT_BYTES
            {
                Ok(Read::TooLarge(meta.len()))
            } else {
                read_text(&entry.absolute).map(|text| match text {
                    Ok(text) => Read::Text(text),
                    Err((lossy, bad_byte)) => Read::NotUtf8(lossy, bad_byte),
                })
            };
            (entry, read)
        })
        .collect();
    let mut to_parse: Vec<(FileKind, FileId)> = Vec::new();
    let mut skipped: Vec<(String, &'static str)> = Vec::new();
    for (entry, read) in read {
        let display_path = format!("content/{}", entry.relative);
        if !matches!(
            read,
            Ok(Read::Text(_)) | Ok(Read::Asset(_)) | Ok(Read::Skipped)
        ) {
            site.unreadable.insert(unreadable_path(&entry.relative));
        }
        match read {
            Ok(Read::Skipped) => {
                if let FileKind::Skipped(reason) = entry.kind {
                    site.skipped.insert(without_locale_folder(&entry.relative, config));
                    skipped.push((display_path, reason));
                }
            }
            Ok(Read::Asset(asset)) => site.assets.push(asset),
            Ok(Read::Text(text)) => to_parse.push((entry.kind, sources.add(display_path, text))),
            Ok(Read::NotUtf8(lossy, bad_byte)) => {
                // Keep a readable copy so the diagnostic can show the line with the bad byte.
                let file = sources.add(display_path, lossy);
                diagnostics.push(
                    Diagnostic::error("invalid-utf8", "the file is not valid UTF-8")
                        .at(Span::new(file, bad_byte..bad_byte + 1))
                        .help("save the file as UTF-8"),
                );
            }
            Ok(Read::TooLarge(size)) => diagnostics.push(
                Diagnostic::error(
                    "file-too-large",
                    format!(
                        "`{display_path}` is {:.1} MiB; YAML and Markdown files are read up to {} MiB",
                        size as f64 / 1_048_576.0,
                        crate::source::MAX_TEXT_BYTES / 1_048_576
                    ),
                )
                .help("split it into several pages or procedures; put large downloads under another name (an asset)"),
            ),
            Err(error) => diagnostics.push(Diagnostic::error(
                "unreadable-file",
                format!("cannot read `{display_path}`: {error}"),
            )),
        }
    }
    let shared: &SourceMap = sources;
    let parsed: Vec<(FileKind, FileId, Parsed, Vec<Diagnostic>)> = to_parse
        .into_par_iter()
        .map(|(kind, file)| {
            let mut found = Vec::new();
            let parsed = parse(&kind, shared.file(file).text.as_str(), file, &mut found);
            (kind, file, parsed, found)
        })
        .collect();
    let mut pages: BTreeMap<String, Page> = BTreeMap::new();
    let mut includes: BTreeMap<String, Include> = BTreeMap::new();
    for (kind, file, parsed, found) in parsed {
        if found
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
        {
            site.unreadable.insert(unreadable_path(
                sources.file(file).path.trim_start_matches("content/"),
            ));
        }
        diagnostics.extend(found);
        let text = sources.file(file).text.as_str();
        let first_line = Span::new(file, 0..text.find(['\r', '\n']).unwrap_or(text.len()));
        match (kind, parsed) {
            (FileKind::Products, parsed) => {
                site.products_file = Some(file);
                if let Parsed::Products(products) = parsed {
                    site.products = products.products;
                }
            }
            (FileKind::Categories, parsed) => {
                site.categories_file = Some(file);
                if let Parsed::Categories(categories) = parsed {
                    site.categories = categories.categories;
                }
            }
            (FileKind::Ui, Parsed::Ui(ui)) => site.ui = ui.0,
            (FileKind::Procedure { .. }, Parsed::Procedure(procedure)) => {
                site.procedures.push(*procedure);
            }
            (FileKind::Page { path, locale }, Parsed::Page(version)) => {
                let locale = locale.unwrap_or_else(|| config.source_locale().to_string());
                let page = pages.entry(path.clone()).or_insert_with(|| Page {
                    path,
                    versions: BTreeMap::new(),
                });
                if let Some(first) = page.versions.get(&locale) {
                    let what = format!("`{}`", page.path);
                    diagnostics.push(duplicate(
                        sources, first.file, file, &locale, &what, first_line,
                    ));
                } else {
                    page.versions.insert(locale, *version);
                }
            }
            (FileKind::Include { path, locale }, Parsed::Include(version)) => {
                let locale = locale.unwrap_or_else(|| config.source_locale().to_string());
                let include = includes.entry(path.clone()).or_insert_with(|| Include {
                    path,
                    versions: BTreeMap::new(),
                });
                if let Some(first) = include.versions.get(&locale) {
                    let what = format!("the include `{}`", include.path);
                    diagnostics.push(duplicate(
                        sources, first.file, file, &locale, &what, first_line,
                    ));
                } else {
                    include.versions.insert(locale, version);
                }
            }
            (FileKind::Toc { path, locale }, Parsed::Toc(items)) => {
                site.tocs.push(crate::model::Toc {
                    path,
                    locale: locale.unwrap_or_else(|| config.source_locale().to_string()),
                    file,
                    items,
                })
            }
            (FileKind::Procedure { .. }, Parsed::OtherYaml) => {
                let relative = sources
                    .file(file)
                    .path
                    .trim_start_matches("content/")
                    .to_string();
                site.skipped
                    .insert(without_locale_folder(&relative, config));
                skipped.push((
                    sources.file(file).path.clone(),
                    "YAML of another tool (`### YamlMime:`)",
                ));
            }
            (FileKind::UnknownLocalePage { locale }, _) => diagnostics.push(
                Diagnostic::error(
                    "unknown-locale",
                    format!(
                        "`{}` is a translation into `{locale}`, which is not a configured locale",
                        sources.file(file).path
                    ),
                )
                .at(first_line)
                .help(format!(
                    "add `{locale}` to `[output.runbook] locales` in book.toml, or rename the file"
                )),
            ),
            _ => {}
        }
    }
    // A page whose source-locale file did not load is left out with its translations: they
    // would be pages no other locale has (links to it are shown as text when tolerated).
    let source = config.source_locale();
    pages.retain(|path, page| {
        page.versions.contains_key(source) || !site.unreadable.contains(path.as_str())
    });
    site.pages = pages.into_values().collect();
    site.includes = includes.into_values().collect();
    site.tocs.sort_by(|a, b| {
        (a.path.as_str(), a.locale.as_str()).cmp(&(b.path.as_str(), b.locale.as_str()))
    });
    site.procedures.sort_by(|a, b| a.path.cmp(&b.path));
    expand_pages(&mut site, config, &mut diagnostics);
    procedure_pages::read(&mut site, config, sources, &mut diagnostics);
    if !skipped.is_empty() {
        skipped.sort();
        let mut reasons: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (path, reason) in &skipped {
            reasons.entry(reason).or_default().push(path);
        }
        let listed: Vec<String> = reasons
            .iter()
            .map(|(reason, paths)| format!("{} ({reason})", shorten(paths)))
            .collect();
        diagnostics.push(
            Diagnostic::note(
                "skipped-file",
                format!(
                    "{} not content, left out: {}",
                    if skipped.len() == 1 {
                        "1 file is".to_string()
                    } else {
                        format!("{} files are", skipped.len())
                    },
                    listed.join("; ")
                ),
            )
            .help("list more in `[output.runbook] exclude`; a procedure is any other *.yaml"),
        );
    }
    for font in &config.fonts {
        let file = config.root.join(font);
        match std::fs::read(&file) {
            Ok(bytes) => site.fonts.push(asset(
                font.to_string_lossy().replace('\\', "/"),
                file,
                bytes,
                true,
            )),
            Err(error) => diagnostics.push(Diagnostic::error(
                "unreadable-file",
                format!("cannot read the font `{}`: {error}", font.display()),
            )),
        }
    }
    read_lock(config, sources, &mut site, &mut diagnostics);
    site.updated = dates::updated(&site, config, sources, &mut diagnostics);
    Loaded { site, diagnostics }
}

/// Two files that are the same locale's version of one page or include file (`x.ja.md` and
/// `ja/x.md`).
fn duplicate(
    sources: &SourceMap,
    first: FileId,
    second: FileId,
    locale: &str,
    what: &str,
    at: Span,
) -> Diagnostic {
    Diagnostic::error(
        "duplicate-page",
        format!(
            "`{}` and `{}` are both the `{locale}` version of {what}",
            sources.file(first).path,
            sources.file(second).path,
        ),
    )
    .at(at)
    .help("remove or rename one of them")
}

/// The first few of a list of paths, and how many more.
fn shorten(paths: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut text: Vec<String> = paths.iter().take(SHOWN).map(|p| format!("`{p}`")).collect();
    if paths.len() > SHOWN {
        text.push(format!("and {} more", paths.len() - SHOWN));
    }
    text.join(", ")
}

/// A content path with a leading translation folder (`ja/`) removed: the path links name the
/// file by.
fn without_locale_folder(relative: &str, config: &Config) -> String {
    match relative.split_once('/') {
        Some((first, rest)) if first != config.source_locale() && config.has_locale(first) => {
            rest.to_string()
        }
        _ => relative.to_string(),
    }
}

/// The content path a link names a file by, for [`Site::unreadable`]: pages and procedures
/// without extension or locale, other files as they are.
fn unreadable_path(relative: &str) -> String {
    for extension in [".md", ".yaml", ".yml"] {
        if let Some(stem) = relative.strip_suffix(extension) {
            return match stem.rsplit_once('.') {
                Some((base, suffix)) if is_locale_tag(suffix) => base.to_string(),
                _ => stem.to_string(),
            };
        }
    }
    relative.to_string()
}

/// Sets each page version's expanded body and title ([`crate::dialect`]): includes are taken in
/// the page's locale, else in the source locale.
fn expand_pages(site: &mut Site, config: &Config, diagnostics: &mut Vec<Diagnostic>) {
    let source = config.source_locale();
    let includes = &site.includes;
    let skipped = &site.skipped;
    let find = |path: &str| {
        includes
            .binary_search_by(|i| i.path.as_str().cmp(path))
            .ok()
    };
    let expanded: Vec<Vec<(String, Option<String>, bool)>> = site
        .pages
        .par_iter()
        .map(|page| {
            page.versions
                .iter()
                .map(|(locale, version)| {
                    let include = |path: &str| -> Option<(&str, Option<&str>)> {
                        let include = &includes[find(path)?];
                        match include.versions.get(locale) {
                            Some(own) => Some((own.body.as_str(), None)),
                            None => include
                                .versions
                                .get(source)
                                .map(|v| (v.body.as_str(), Some(source))),
                        }
                    };
                    let cx = crate::dialect::Context {
                        path: &page.path,
                        locale,
                        config,
                        include: &include,
                        skipped,
                    };
                    let (text, cut) = crate::dialect::expand_bounded(&version.body, &cx);
                    match crate::dialect::leading_title(&text) {
                        Some((title, rest)) => (rest, Some(title), cut),
                        None => (text, None, cut),
                    }
                })
                .collect()
        })
        .collect();
    for (page, texts) in site.pages.iter_mut().zip(expanded) {
        for (version, (text, heading, cut)) in page.versions.values_mut().zip(texts) {
            if cut {
                diagnostics.push(
                    Diagnostic::error(
                        "include-too-large",
                        format!(
                            "its includes would add more than {} MiB to this page",
                            crate::dialect::MAX_INCLUDED_BYTES / 1_048_576
                        ),
                    )
                    .at(Span::new(version.file, 0..0))
                    .help(
                        "an include file includes others many times over: include each text once",
                    ),
                );
            }
            version.expanded = text;
            version.heading = heading;
        }
    }
}

/// Reads `translations.lock` beside `book.toml`, when there is one.
fn read_lock(
    config: &Config,
    sources: &mut SourceMap,
    site: &mut Site,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let path = config.root.join(LOCK_FILE);
    if !path.is_file() {
        return;
    }
    match read_text(&path) {
        Ok(Ok(text)) => {
            let file = sources.add(LOCK_FILE, text);
            site.lock_file = Some(file);
            match Lock::parse(&sources.file(file).text, file) {
                Ok(lock) => site.lock = Some(lock),
                Err(diagnostic) => diagnostics.push(diagnostic),
            }
        }
        Ok(Err((lossy, bad_byte))) => {
            let file = sources.add(LOCK_FILE, lossy);
            diagnostics.push(
                Diagnostic::error("invalid-utf8", "the file is not valid UTF-8")
                    .at(Span::new(file, bad_byte..bad_byte + 1))
                    .help("restore the file from version control"),
            );
        }
        Err(error) => diagnostics.push(Diagnostic::error(
            "unreadable-file",
            format!("cannot read `{LOCK_FILE}`: {error}"),
        )),
    }
}

/// A content file found by the walk.
struct Entry {
    relative: String,
    absolute: PathBuf,
    kind: FileKind,
}

/// An asset read from `file`, its bytes kept when `hold`.
fn asset(path: String, file: std::path::PathBuf, bytes: Vec<u8>, hold: bool) -> Asset {
    Asset {
        path,
        file,
        fingerprint: crate::fingerprint::of_bytes(&bytes),
        bytes: hold.then_some(bytes),
    }
}

/// What reading a file gave.
enum Read {
    /// An asset: its fingerprint, and its bytes when runbook reads them.
    Asset(Asset),
    Text(String),
    NotUtf8(String, usize),
    /// A YAML or Markdown file over [`MAX_TEXT_BYTES`](crate::source::MAX_TEXT_BYTES), not read.
    TooLarge(u64),
    /// Not content: not read.
    Skipped,
}

/// What parsing a file gave (`Failed` when its diagnostics say why).
enum Parsed {
    Products(ProductsFile),
    Categories(CategoriesFile),
    Ui(UiFile),
    Procedure(Box<Procedure>),
    Page(Box<PageVersion>),
    Include(IncludeVersion),
    Toc(Vec<crate::model::TocItem>),
    /// YAML of another tool (a DocFX landing page, `### YamlMime:Landing`): skipped.
    OtherYaml,
    Failed,
}

fn parse(kind: &FileKind, text: &str, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> Parsed {
    let parsed = match kind {
        FileKind::Products => yaml::parse(text, file, 0, diagnostics).map(Parsed::Products),
        FileKind::Categories => yaml::parse(text, file, 0, diagnostics).map(Parsed::Categories),
        FileKind::Ui => yaml::parse(text, file, 0, diagnostics).map(Parsed::Ui),
        FileKind::Procedure { .. } if text.trim_start().starts_with("### YamlMime:") => {
            Some(Parsed::OtherYaml)
        }
        FileKind::Procedure { path } => {
            yaml::parse_procedure(text, file, path.clone(), diagnostics)
                .map(|p| Parsed::Procedure(Box::new(p)))
        }
        FileKind::Include { .. } => Some(Parsed::Include(pages::parse_include(text, file))),
        FileKind::Toc { .. } => {
            // DocFX writes a table of contents as a list, or as a map holding `items:`.
            let is_map = text
                .lines()
                .map(str::trim_start)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .is_some_and(|l| !l.starts_with('-'));
            if is_map {
                yaml::parse::<crate::model::TocMap>(text, file, 0, diagnostics)
                    .map(|m| Parsed::Toc(m.items))
            } else {
                yaml::parse(text, file, 0, diagnostics).map(Parsed::Toc)
            }
        }
        FileKind::Page { .. } => {
            pages::parse_page(text, file, diagnostics).map(|p| Parsed::Page(Box::new(p)))
        }
        FileKind::UnknownLocalePage { .. } | FileKind::Skipped(_) | FileKind::Asset => None,
    };
    parsed.unwrap_or(Parsed::Failed)
}

/// The content files in walk order (sorted by name), with names that cannot work reported.
fn walk(config: &Config, content_dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let mut entries = Vec::new();
    // Symbolic links are followed only inside the project; walkdir reports loops.
    let mut outside = Vec::new();
    let mut dangling = Vec::new();
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 || is_ignored(entry.file_name()) {
                return entry.depth() == 0;
            }
            // mdBook's entry point for `mdbook build` at the root (see `crate::mdbook`).
            if entry.depth() == 1 && entry.file_name() == MDBOOK_SUMMARY {
                return false;
            }
            if entry.path_is_symlink() && !crate::config::is_inside(&config.root, entry.path()) {
                outside.push(entry.path().to_path_buf());
                return false;
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                if let Some(path) = error.path() {
                    // Ignored names (editor lock files are dangling links) stay ignored; a link
                    // to nothing is reported like one leading outside.
                    if path.file_name().is_some_and(is_ignored) {
                        continue;
                    }
                    if path.is_symlink() && error.loop_ancestor().is_none() {
                        dangling.push(path.to_path_buf());
                        continue;
                    }
                }
                let place = error
                    .path()
                    .and_then(|path| relative_path(content_dir, path))
                    .map_or_else(String::new, |p| format!("`content/{p}`: "));
                let (message, help) = if error.loop_ancestor().is_some() {
                    (
                        format!("{place}a symbolic link that leads back into its own directory"),
                        "remove the link, or point it at a file",
                    )
                } else {
                    (
                        format!(
                            "{place}cannot be read: {}",
                            error
                                .io_error()
                                .map_or_else(|| error.to_string(), ToString::to_string)
                        ),
                        "check the file's permissions, or remove a link whose target is missing",
                    )
                };
                diagnostics.push(Diagnostic::error("unreadable-file", message).help(help));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(relative) = relative_path(content_dir, entry.path()) else {
            diagnostics.push(Diagnostic::error(
                "invalid-file-name",
                format!("`{}` is not a UTF-8 file name", entry.path().display()),
            ));
            continue;
        };
        if !is_link_safe(&relative) {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-file-name",
                    format!("`content/{relative}`: the name cannot be used in links as it is"),
                )
                .help("use letters, digits, `-`, `_` and `.` only (no spaces or `#`, `?`, `%`)"),
            );
            continue;
        }
        entries.push(Entry {
            kind: FileKind::of(&relative, config),
            absolute: entry.path().to_path_buf(),
            relative,
        });
    }
    outside.append(&mut dangling);
    outside.sort();
    for path in outside {
        let shown = relative_path(content_dir, &path).unwrap_or_default();
        let target =
            std::fs::read_link(&path).map_or_else(|_| "?".to_string(), |t| t.display().to_string());
        diagnostics.push(
            Diagnostic::error(
                "link-outside",
                format!("`content/{shown}` is a symbolic link to `{target}`, outside the project (or to nothing)"),
            )
            .help("copy the file into content/, or point the link at a file inside the project"),
        );
    }
    entries
}

/// The kind of a content file, from its path.
#[derive(Debug, PartialEq, Eq)]
enum FileKind {
    Products,
    Categories,
    Ui,
    Procedure {
        path: String,
    },
    Page {
        path: String,
        locale: Option<String>,
    },
    UnknownLocalePage {
        locale: String,
    },
    /// A Markdown file in an include folder, in a locale (`None`: the source locale).
    Include {
        path: String,
        locale: Option<String>,
    },
    /// A table of contents (`toc.yml`), in a locale (`None`: the source locale).
    Toc {
        path: String,
        locale: Option<String>,
    },
    /// A file that is not content: left out, with the reason, in one note.
    Skipped(&'static str),
    Asset,
}

impl FileKind {
    /// The kind of a content file. A file under `LOCALE/` (a configured translation) is that
    /// locale's version of the file at the rest of the path: the parallel-tree layout of
    /// localized documentation repositories.
    fn of(relative: &str, config: &Config) -> FileKind {
        // `exclude` globs match a locale tree's files as written (`ja/x.md`) as well as by the
        // path they stand for (`x.md` leaves out every locale's version).
        if config.is_excluded(relative) {
            return FileKind::Skipped("excluded by `[output.runbook] exclude`");
        }
        if let Some((first, rest)) = relative.split_once('/')
            && first != config.source_locale()
            && config.has_locale(first)
        {
            return match FileKind::of_in_tree(rest, config) {
                FileKind::Page { path, .. } => FileKind::Page {
                    path,
                    locale: Some(first.to_string()),
                },
                FileKind::Include { path, .. } => FileKind::Include {
                    path,
                    locale: Some(first.to_string()),
                },
                FileKind::Toc { path, .. } => FileKind::Toc {
                    path,
                    locale: Some(first.to_string()),
                },
                FileKind::Asset => FileKind::Asset,
                FileKind::Skipped(reason) => FileKind::Skipped(reason),
                _ => FileKind::Skipped(
                    "YAML in a translation folder (procedures hold their translations inside)",
                ),
            };
        }
        FileKind::of_in_tree(relative, config)
    }

    fn of_in_tree(relative: &str, config: &Config) -> FileKind {
        match relative {
            PRODUCTS_FILE => return FileKind::Products,
            CATEGORIES_FILE => return FileKind::Categories,
            UI_FILE => return FileKind::Ui,
            _ => {}
        }
        if config.is_excluded(relative) {
            return FileKind::Skipped("excluded by `[output.runbook] exclude`");
        }
        let name = relative.rsplit('/').next().unwrap_or(relative);
        if NOT_CONTENT.iter().any(|n| name.eq_ignore_ascii_case(n)) {
            return FileKind::Skipped("docs-repository configuration");
        }
        if matches!(name.to_ascii_lowercase().as_str(), "toc.yml" | "toc.yaml") {
            return FileKind::Toc {
                path: relative.to_string(),
                locale: None,
            };
        }
        if let Some(stem) = relative
            .strip_suffix(".yaml")
            .or_else(|| relative.strip_suffix(".yml"))
        {
            return FileKind::Procedure {
                path: stem.to_string(),
            };
        }
        let Some(stem) = relative.strip_suffix(".md") else {
            return FileKind::Asset;
        };
        let (dir, name) = match stem.rfind('/') {
            Some(i) => (&stem[..=i], &stem[i + 1..]),
            None => ("", stem),
        };
        let include = config.is_include(relative);
        if let Some((base, suffix)) = name.rsplit_once('.')
            && is_locale_tag(suffix)
        {
            if !config.has_locale(suffix) {
                return FileKind::UnknownLocalePage {
                    locale: suffix.to_string(),
                };
            }
            let locale = (suffix != config.source_locale()).then(|| suffix.to_string());
            let path = format!("{dir}{base}");
            return if include {
                FileKind::Include {
                    path: format!("{path}.md"),
                    locale,
                }
            } else {
                FileKind::Page { path, locale }
            };
        }
        if include {
            return FileKind::Include {
                path: relative.to_string(),
                locale: None,
            };
        }
        FileKind::Page {
            path: stem.to_string(),
            locale: None,
        }
    }
}

/// Whether every part of a content path is letters, digits (any script), `-`, `_` or `.`: names
/// that work unchanged as URLs and in mdBook's SUMMARY.md.
pub fn is_link_safe(relative: &str) -> bool {
    relative.split('/').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    })
}

/// Hidden files and `_drafts`-style names are not content.
fn is_ignored(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_none_or(|name| name.starts_with('.') || name.starts_with('_'))
}

fn relative_path(base: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(base).ok()?;
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    Some(parts?.join("/"))
}

/// Reads a text file as UTF-8, with a leading byte-order mark dropped and CRLF kept as written.
/// Invalid UTF-8 gives a lossy copy and the byte offset of the first bad byte.
fn read_text(path: &Path) -> std::io::Result<Result<String, (String, usize)>> {
    let mut bytes = std::fs::read(path)?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    Ok(String::from_utf8(bytes).map_err(|e| {
        let bad_byte = e.utf8_error().valid_up_to();
        (String::from_utf8_lossy(e.as_bytes()).into_owned(), bad_byte)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Fallback;

    fn config() -> Config {
        Config {
            root: ".".into(),
            title: "T".into(),
            authors: vec![],
            description: None,
            locales: vec!["en".into(), "ja".into()],
            titles: BTreeMap::new(),
            output_dir: "build".into(),
            fallback: Fallback::Source,
            paper: crate::config::Paper::A4,
            record_fields: vec![],
            site_url: None,
            build_date: None,
            pdf: false,
            dates: crate::config::Dates::default(),
            fonts: vec![],
            raw_html: crate::config::RawHtml::default(),
            exclude: globset::GlobSet::empty(),
            include_folders: vec!["includes".into()],
            root_links: vec![],
            outside: globset::GlobSet::empty(),
            lints: crate::lints::Lints::default(),
            baseline: "runbook-baseline.json".into(),
            procedure_pages: Default::default(),
            runbooks: None,
        }
    }

    #[test]
    fn file_names_must_work_in_links() {
        assert!(is_link_safe("guides/check-service-health.md"));
        assert!(is_link_safe("手順/確認.ja.md"));
        assert!(!is_link_safe("my glossary.md"));
        assert!(!is_link_safe("a#b.md"));
        assert!(!is_link_safe("50%.md"));
    }

    #[test]
    fn file_kinds_follow_names() {
        let c = config();
        assert_eq!(FileKind::of("products.yaml", &c), FileKind::Products);
        assert_eq!(
            FileKind::of("guides/x.yml", &c),
            FileKind::Procedure {
                path: "guides/x".into()
            }
        );
        assert_eq!(
            FileKind::of("a/page.ja.md", &c),
            FileKind::Page {
                path: "a/page".into(),
                locale: Some("ja".into())
            }
        );
        assert_eq!(
            FileKind::of("page.en.md", &c),
            FileKind::Page {
                path: "page".into(),
                locale: None
            }
        );
        assert_eq!(
            FileKind::of("page.fr.md", &c),
            FileKind::UnknownLocalePage {
                locale: "fr".into()
            }
        );
        assert_eq!(
            FileKind::of("v1.2.md", &c),
            FileKind::Page {
                path: "v1.2".into(),
                locale: None
            }
        );
        assert_eq!(FileKind::of("img/a.png", &c), FileKind::Asset);
        assert_eq!(
            FileKind::of("ja/guides/page.md", &c),
            FileKind::Page {
                path: "guides/page".into(),
                locale: Some("ja".into())
            }
        );
        assert_eq!(
            FileKind::of("ja/includes/x.md", &c),
            FileKind::Include {
                path: "includes/x.md".into(),
                locale: Some("ja".into())
            }
        );
        assert_eq!(
            FileKind::of("includes/x.md", &c),
            FileKind::Include {
                path: "includes/x.md".into(),
                locale: None
            }
        );
        assert!(matches!(
            FileKind::of("docfx.json", &c),
            FileKind::Skipped(_)
        ));
        assert_eq!(
            FileKind::of("ja/a/TOC.yml", &c),
            FileKind::Toc {
                path: "a/TOC.yml".into(),
                locale: Some("ja".into())
            }
        );
    }
}
