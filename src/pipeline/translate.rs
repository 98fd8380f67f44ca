//! The translation commands (`runbook i18n status|export|import|confirm|import-bilingual`): the
//! project loaded, the translation stage run, edits written back in place.

use super::Error;
use super::project::{Checked, load_project};
use crate::i18n::segments::segments;
use crate::i18n::status::{StatusReport, file_of};
use crate::i18n::{bilingual, po, status};

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, has_errors};
use crate::source::SourceMap;

use crate::model::lock::{LOCK_FILE, Lock};

/// Translation status of the project at `root`, for every locale or those in `only`: of every
/// file that loads. The files that do not are in the returned project's diagnostics (errors),
/// so that one broken page hides no other page's status; the caller reports them.
///
/// # Errors
/// A configuration that does not load, or an unknown locale.
pub fn status(root: &Path, only: &[String]) -> Result<(StatusReport, Checked), Error> {
    let project = super::project::load_leniently(root)?;
    check_locales(&project, only)?;
    let found = segments(&project.site, &project.config);
    let report = status::report(
        &found.segments,
        &project.config,
        project.site.lock.as_ref(),
        only,
    );
    Ok((report, project))
}

/// The PO catalog of `locale` for the project at `root`: of every file that loads, as
/// [`status`]; the files that do not are in the returned project's diagnostics.
///
/// # Errors
/// A configuration that does not load, or a locale that is not a translated one.
pub fn export(root: &Path, locale: &str) -> Result<(String, Checked), Error> {
    let project = super::project::load_leniently(root)?;
    check_locales(&project, &[locale.to_string()])?;
    let found = segments(&project.site, &project.config);
    let catalog = po::export(
        &found.segments,
        &project.config,
        project.site.lock.as_ref(),
        &project.sources,
        locale,
    );
    drop(found);
    Ok((catalog, project))
}

/// What an import did.
pub struct ImportReport {
    /// The locale imported.
    pub locale: String,
    /// The plan carried out (counts, files written, warnings).
    pub plan: po::ImportPlan,
    /// The files the warnings point into.
    pub sources: SourceMap,
}

/// Imports the PO file at `po_path` into the project at `root`: translations are written into
/// the content files and confirmed in the lock file. `locale` overrides the file's `Language`.
///
/// # Errors
/// A project that does not load, a file that is not PO, an unknown locale, or a write failure
/// (then no file is changed).
pub fn import(root: &Path, po_path: &Path, locale: Option<&str>) -> Result<ImportReport, Error> {
    let mut project = load_project(root)?;
    let text = std::fs::read_to_string(po_path).map_err(|error| Error::Content {
        sources: SourceMap::new(),
        diagnostics: vec![Diagnostic::error(
            "unreadable-file",
            format!("cannot read `{}`: {error}", po_path.display()),
        )],
    })?;
    let file = project
        .sources
        .add(po_path.to_string_lossy().replace('\\', "/"), text);
    let catalog = match po::read(&project.sources.file(file).text, file) {
        Ok(catalog) => catalog,
        Err(diagnostic) => return Err(content_error(project.sources, vec![diagnostic])),
    };
    let locale = match locale.map(str::to_string).or(catalog.language.clone()) {
        Some(locale) => match_locale(&project, &locale).ok_or_else(|| Error::Content {
            diagnostics: vec![unknown_locale(&project, &locale)],
            sources: SourceMap::new(),
        })?,
        None => {
            return Err(content_error(
                SourceMap::new(),
                vec![
                    Diagnostic::error(
                        "po-language",
                        format!("`{}` has no `Language` header", po_path.display()),
                    )
                    .help("add `\"Language: ja\\n\"` to its header, or pass `--locale`"),
                ],
            ));
        }
    };
    let plan = plan_import(&project, &catalog.entries, &locale);
    if has_errors(&plan.diagnostics) {
        return Err(content_error(project.sources, plan.diagnostics));
    }
    let mut files = plan.files.clone();
    if project.site.lock.as_ref() != Some(&plan.lock) && plan.lock != Lock::default() {
        files.insert(LOCK_FILE.to_string(), plan.lock.to_text());
    }
    crate::write::write_in_place(&project.config.root, &files)?;
    Ok(ImportReport {
        locale,
        plan,
        sources: std::mem::take(&mut project.sources),
    })
}

/// Plans importing `entries` into `locale` of the loaded `project`: the files to change and the
/// new lock, nothing written.
pub fn plan_import(project: &Checked, entries: &[po::Entry], locale: &str) -> po::ImportPlan {
    let found = segments(&project.site, &project.config);
    po::plan(
        &found.segments,
        &project.config,
        project.site.lock.as_ref(),
        &project.sources,
        entries,
        locale,
    )
}

/// What a confirmation did.
pub struct ConfirmReport {
    /// Translations now confirmed that were not.
    pub confirmed: Vec<String>,
    /// Lock entries dropped because their segment or translation is gone.
    pub forgotten: usize,
}

/// Confirms the `locale` translations of the segments named by `targets` (segment ids, or
/// content files such as `check-service-health.md`; all when empty) against their current
/// source text, and writes the lock file.
///
/// # Errors
/// A project that does not load, a target that names nothing, or a write failure.
pub fn confirm(root: &Path, locale: &str, targets: &[String]) -> Result<ConfirmReport, Error> {
    let project = load_project(root)?;
    check_locales(&project, &[locale.to_string()])?;
    let found = segments(&project.site, &project.config);
    let mut lock = project.site.lock.clone().unwrap_or_default();
    let before = lock.clone();
    let wanted = |id: &str| {
        targets.is_empty()
            || targets.iter().any(|t| {
                let t = t.strip_prefix("content/").unwrap_or(t);
                t == id || t == file_of(id)
            })
    };
    for target in targets {
        let t = target.strip_prefix("content/").unwrap_or(target);
        if !found
            .segments
            .iter()
            .any(|s| s.id == t || file_of(&s.id) == t)
        {
            let known = found.segments.iter().map(|s| s.id.as_str());
            return Err(content_error(
                SourceMap::new(),
                vec![Diagnostic::error("unknown-segment", format!("no segment or file `{target}`"))
                    .suggest(t, known)
                    .or_help("`runbook check` names the segments that need confirming; `runbook i18n export` lists them all")],
            ));
        }
    }
    let mut confirmed = Vec::new();
    for segment in &found.segments {
        if !wanted(&segment.id) {
            continue;
        }
        if segment.translation(locale).is_some() {
            let print = crate::fingerprint::of_source_text(&segment.source.text);
            if lock.get(locale, &segment.id) != Some(print.as_str()) {
                confirmed.push(segment.id.clone());
            }
            lock.confirm(locale, &segment.id, &print);
        } else {
            lock.forget(locale, &segment.id);
        }
    }
    // Confirming everything also drops entries of segments that no longer exist.
    let mut forgotten = 0;
    if targets.is_empty() {
        let live: std::collections::HashSet<&str> =
            found.segments.iter().map(|s| s.id.as_str()).collect();
        if let Some(ids) = lock.locales.get_mut(locale) {
            let before_len = ids.len();
            ids.retain(|id, _| live.contains(id.as_str()));
            forgotten = before_len - ids.len();
        }
    }
    if lock != before || project.site.lock.is_none() {
        let files = BTreeMap::from([(LOCK_FILE.to_string(), lock.to_text())]);
        crate::write::write_in_place(&project.config.root, &files)?;
    }
    Ok(ConfirmReport {
        confirmed,
        forgotten,
    })
}

/// A configured translated locale matching `wanted` (`ja`, or `ja_JP` / `ja-JP` for `ja`).
fn match_locale(project: &Checked, wanted: &str) -> Option<String> {
    let source = project.config.source_locale();
    let normalized = wanted.replace('_', "-");
    let candidates = project
        .config
        .locales
        .iter()
        .filter(|l| l.as_str() != source);
    let exact = candidates
        .clone()
        .find(|l| l.eq_ignore_ascii_case(&normalized));
    exact
        .or_else(|| {
            let language = normalized.split('-').next().unwrap_or_default();
            candidates
                .clone()
                .find(|l| l.eq_ignore_ascii_case(language))
        })
        .cloned()
}

/// The error for a locale that is not a translated one.
fn unknown_locale(project: &Checked, locale: &str) -> Diagnostic {
    let source = project.config.source_locale();
    let translated: Vec<&str> = project
        .config
        .locales
        .iter()
        .map(String::as_str)
        .filter(|l| *l != source)
        .collect();
    Diagnostic::error(
        "unknown-locale",
        format!("`{locale}` is not a translated locale of this project"),
    )
    .help(format!(
        "the translated locales are: {} (`{source}` is the source); add others to `[output.runbook] locales` in book.toml",
        if translated.is_empty() { "none".to_string() } else { translated.join(", ") }
    ))
}

/// Fails unless every locale in `locales` is a translated one.
fn check_locales(project: &Checked, locales: &[String]) -> Result<(), Error> {
    let source = project.config.source_locale();
    let bad: Vec<Diagnostic> = locales
        .iter()
        .filter(|l| l.as_str() == source || !project.config.locales.contains(l))
        .map(|l| unknown_locale(project, l))
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(content_error(SourceMap::new(), bad))
    }
}

fn content_error(sources: SourceMap, diagnostics: Vec<Diagnostic>) -> Error {
    Error::Content {
        sources,
        diagnostics,
    }
}

/// The PO catalog (a translation memory) of a page in the bilingual side-by-side format.
///
/// # Errors
/// A file that cannot be read, or that holds no `data-ttu-id` / `sxs-lookup` pairs.
pub fn import_bilingual(path: &Path) -> Result<String, Error> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        content_error(
            SourceMap::new(),
            vec![Diagnostic::error(
                "unreadable-file",
                format!("cannot read `{}`: {error}", path.display()),
            )],
        )
    })?;
    let page = bilingual::read(&text);
    if page.pairs.is_empty() {
        return Err(content_error(
            SourceMap::new(),
            vec![Diagnostic::error(
                "not-bilingual",
                format!("`{}` has no `data-ttu-id` / `sxs-lookup` span pairs", path.display()),
            )
            .help("import-bilingual reads pages whose sentences are written as <span data-ttu-id=\"ID\">translation</span><span class=\"sxs-lookup\"><span data-stu-id=\"ID\">source</span></span>")],
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(bilingual::to_po(&page, &name))
}
