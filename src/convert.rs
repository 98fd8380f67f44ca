//! `runbook convert PAGE.md`: a procedure page turned into YAML procedures, to add decisions and
//! escalations, holding every locale's text.
//!
//! A page with one list of steps is replaced by `PAGE.yaml` at the same content path, so links
//! to the page lead to the procedure: its title, the text above the list as the introduction, one
//! step per item (alerts in an item become the step's notes and warnings), the step ids the page
//! gave (`step-N`). Text below the list, which a procedure cannot hold, goes to a page beside it
//! (`PAGE-more.md`) that the introduction links. A page with several lists keeps its text and
//! its address; each list becomes `PAGE-HEADING.yaml` and the page links it where the list was.
//! What is moved or left out is listed, never dropped silently.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::load::procedure_pages::{heading_ids, list_names, list_title, step_lists};
use crate::markup::{self, OrderedList};
use crate::model::{Page, PageVersion};

/// What a conversion writes and removes, relative to the project root.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to write, with their text.
    pub writes: Vec<(String, String)>,
    /// Files to remove.
    pub removes: Vec<String>,
    /// What moved where, and what the procedure model could not hold.
    pub notes: Vec<String>,
}

/// Plans the conversion of the page at `page` (a path as given on the command line: relative
/// to the project root or else to the current directory, or absolute) in the project at `root`.
///
/// # Errors
/// A path that is not a page of the project's `content/`, a project that does not load, a page
/// without an ordered list of two or more items, a translation whose lists do not pair with the
/// source's, or a file the conversion would write that already exists; nothing is changed.
pub fn plan(root: &Path, page: &Path) -> Result<Plan, String> {
    let relative = content_relative(root, page)?;
    // Other files' known problems do not stop a conversion; the page's own errors do.
    let project = crate::pipeline::project::load_leniently(root).map_err(|error| {
        format!("the project does not load ({error}); run `runbook check` and fix its errors first")
    })?;
    let source = project.config.source_locale().to_string();
    let found = project.site.pages.iter().find(|p| {
        p.versions
            .values()
            .any(|v| project.sources.file(v.file).path == relative)
    });
    let Some(found) = found else {
        return Err(format!(
            "`{relative}` is not a page of this project (it is excluded, an include file, or not Markdown)"
        ));
    };
    let page_errors: Vec<String> = project
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .filter(|d| {
            d.span
                .as_ref()
                .is_some_and(|span| found.versions.values().any(|v| v.file == span.file))
        })
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    if !page_errors.is_empty() {
        return Err(format!(
            "`{}` has errors to fix first (`runbook check` shows where): {}",
            found.path,
            page_errors.join("; ")
        ));
    }
    let Some(own) = found.versions.get(&source) else {
        return Err(format!(
            "`{}` has no `{source}` version to convert from",
            found.path
        ));
    };
    let lists = step_lists(own);
    if lists.is_empty() {
        return Err(format!(
            "`{relative}` has no numbered list of two or more steps to convert (lists under a `{}` marker are left out)",
            markup::NOT_STEPS_MARKER
        ));
    }
    // Every translation's lists pair with the source's, item for item.
    let mut translations: Vec<(&str, &PageVersion, Vec<OrderedList>)> = Vec::new();
    for (locale, version) in found.versions.iter().filter(|(l, _)| **l != source) {
        let theirs = step_lists(version);
        let pairs = theirs.len() == lists.len()
            && theirs
                .iter()
                .zip(&lists)
                .all(|(a, b)| a.items.len() == b.items.len());
        if !pairs {
            return Err(format!(
                "the `{locale}` page ({}) has other lists of steps than the source: fix the `translation-structure` warnings `runbook check` shows for it, then convert",
                project.sources.file(version.file).path
            ));
        }
        translations.push((locale, version, theirs));
    }
    let mut versions: Vec<(&str, &PageVersion, Vec<OrderedList>)> =
        vec![(source.as_str(), own, lists)];
    versions.extend(translations);
    let file_of = |version: &PageVersion| project.sources.file(version.file).path.clone();
    let mut plan = Plan::default();
    let dropped: Vec<&str> = own
        .front
        .metadata
        .keys()
        .map(String::as_str)
        .chain(own.front.description.as_ref().map(|_| "description"))
        .collect();
    let several = versions[0].2.len() > 1;
    if several {
        let text_of = |version: &PageVersion| project.sources.file(version.file).text.clone();
        plan_lists(found, &versions, &file_of, &text_of, &mut plan)?;
    } else {
        plan_page(found, &versions, &file_of, &mut plan)?;
        if !dropped.is_empty() {
            plan.notes.push(format!(
                "front matter the procedure format has no place for, not kept: {}",
                dropped.join(", ")
            ));
        }
    }
    for (path, _) in &plan.writes {
        let replaced =
            plan.removes.contains(path) || versions.iter().any(|(_, v, _)| &file_of(v) == path);
        if !replaced && root.join(path).exists() {
            return Err(format!(
                "`{path}` already exists: move it away, or convert into another name by renaming the page first"
            ));
        }
    }
    Ok(plan)
}

/// Carries out a plan: every file written, then the replaced ones removed; then the baseline's
/// known problems of the removed files are moved to the files their text went to. Returns what
/// it says about the baseline, if anything.
///
/// # Errors
/// A file that cannot be written or removed.
pub fn apply(root: &Path, plan: &Plan) -> Result<Option<String>, String> {
    for (path, text) in &plan.writes {
        crate::write::write_file_creating_dirs(&root.join(path), text.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    for path in &plan.removes {
        crate::write::remove_file(&root.join(path)).map_err(|e| e.to_string())?;
    }
    carry_baseline(root, plan)
}

/// Moves the baseline's entries of the removed files to the files written: a known problem
/// that moved with its text (same code, same message) stays known; the others are dropped.
fn carry_baseline(root: &Path, plan: &Plan) -> Result<Option<String>, String> {
    use crate::baseline::Baseline;
    let mut sources = crate::source::SourceMap::new();
    let Ok(config) = crate::config::load(root, &mut sources) else {
        return Ok(None);
    };
    let path = root.join(&config.baseline);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let file = sources.add(config.baseline.to_string_lossy().into_owned(), text.clone());
    let Ok(mut baseline) = Baseline::parse(&text, file) else {
        return Ok(None);
    };
    let moved: Vec<&crate::baseline::Entry> = baseline
        .findings
        .iter()
        .filter(|e| e.file.as_ref().is_some_and(|f| plan.removes.contains(f)))
        .collect();
    if moved.is_empty() {
        return Ok(None);
    }
    let mut known: std::collections::HashMap<(String, String), u32> = Default::default();
    for entry in &moved {
        *known
            .entry((entry.code.clone(), entry.message.clone()))
            .or_default() += entry.count.max(1);
    }
    let checked =
        crate::pipeline::project::check_with(root, crate::pipeline::project::BaselineUse::Ignore)
            .map_err(|e| {
            format!("the converted project could not be checked to move its baseline entries: {e}")
        })?;
    let written: std::collections::HashSet<&str> =
        plan.writes.iter().map(|(p, _)| p.as_str()).collect();
    let carried: Vec<crate::diagnostic::Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| {
            d.span
                .as_ref()
                .is_some_and(|span| written.contains(checked.sources.file(span.file).path.as_str()))
        })
        .filter(
            |d| match known.get_mut(&(d.code.to_string(), d.message.clone())) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    true
                }
                _ => false,
            },
        )
        .cloned()
        .collect();
    let before = moved.len();
    baseline
        .findings
        .retain(|e| !e.file.as_ref().is_some_and(|f| plan.removes.contains(f)));
    let added = Baseline::of(&carried, &checked.sources).findings;
    let count = carried.len();
    baseline.findings.extend(added);
    baseline.findings.sort();
    crate::write::write_file(&path, baseline.to_json().as_bytes()).map_err(|e| e.to_string())?;
    Ok(Some(format!(
        "{}: {count} known problem(s) of the page moved with its text ({before} entr(ies) of the removed files replaced)",
        config.baseline.display()
    )))
}

/// The page's path relative to the root (`content/...`), when it is a file inside `content/`.
fn content_relative(root: &Path, page: &Path) -> Result<String, String> {
    let outside = || {
        format!(
            "`{}` is not a page inside this project's content/: name a Markdown page such as `content/how-to.md`",
            page.display()
        )
    };
    let content = root.join("content").canonicalize().map_err(|_| outside())?;
    // A relative path is read from the project root, else from the current directory.
    let from_root = root.join(page);
    let page_path = if page.is_relative() && from_root.exists() {
        from_root.as_path()
    } else {
        page
    };
    let file = page_path.canonicalize().map_err(|_| outside())?;
    let inside = file.strip_prefix(&content).map_err(|_| outside())?;
    let root = root.canonicalize().map_err(|_| outside())?;
    let relative: PathBuf = file
        .strip_prefix(&root)
        .map_err(|_| outside())?
        .to_path_buf();
    if inside.extension().is_none_or(|e| e != "md") {
        return Err(outside());
    }
    Ok(relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/"))
}

/// A one-list page replaced by a YAML procedure at its path, with the text below the list in a
/// page beside it.
fn plan_page(
    page: &Page,
    versions: &[(&str, &PageVersion, Vec<OrderedList>)],
    file_of: &dyn Fn(&PageVersion) -> String,
    plan: &mut Plan,
) -> Result<(), String> {
    let source_file = file_of(versions[0].1);
    let yaml_path = replace_stem(
        &source_file,
        &stem(&page.path),
        ".yaml",
        versions[0].0,
        versions[0].0,
    );
    let mut title = Localized::default();
    let mut introduction = Localized::default();
    let mut rest_pages = Vec::new();
    for (locale, version, lists) in versions {
        let list = &lists[0];
        title.push(locale, markup::escape_markdown(version.title()));
        let text = &version.expanded;
        let above = text
            .get(..list.range.start)
            .unwrap_or("")
            .trim()
            .to_string();
        let below = text.get(list.range.end..).unwrap_or("").trim().to_string();
        let mut intro = above;
        if !below.is_empty() {
            let more_stem = format!("{}-more", stem(&page.path));
            let file = file_of(version);
            let more_path = replace_stem(&file, &more_stem, ".md", locale, versions[0].0);
            let (more_title, body) = leading_heading(&below)
                .unwrap_or_else(|| (format!("{} (2)", version.title()), below.clone()));
            let link = format!("[{}]({more_stem}.md)", markup::escape_markdown(&more_title));
            intro = if intro.is_empty() {
                link
            } else {
                format!("{intro}\n\n{link}")
            };
            rest_pages.push((
                more_path,
                format!(
                    "---\ntitle: {}\n---\n\n{}\n",
                    yaml_string(&more_title),
                    body.trim()
                ),
            ));
        }
        if !intro.is_empty() {
            introduction.push(locale, format!("{intro}\n"));
        }
    }
    let procedure = ProcedureYaml {
        title,
        introduction: (!introduction.0.is_empty()).then_some(introduction),
        steps: steps(versions, 0, ""),
    };
    plan.writes.push((yaml_path.clone(), to_yaml(&procedure)?));
    // YAML texts are Markdown without DocFX's constructs: they are written out expanded.
    for (locale, version, _) in versions {
        let written = crate::dialect::directives(&version.body);
        if !written.is_empty() {
            let includes = written
                .iter()
                .filter(|d| matches!(d.kind, crate::dialect::Kind::Include { .. }))
                .count();
            plan.notes.push(format!(
                "{} ({locale}): {} DocFX construct(s) written out as Markdown, {includes} of them include file(s) whose text is now copied in",
                file_of(version),
                written.len()
            ));
        }
    }
    for (path, text) in rest_pages {
        plan.notes.push(format!(
            "the text below the list moved to {path}, linked from the introduction"
        ));
        plan.writes.push((path, text));
    }
    for (_, version, _) in versions {
        plan.removes.push(file_of(version));
    }
    plan.notes.insert(
        0,
        format!(
            "{yaml_path}: {} steps in {}",
            procedure.steps.len(),
            versions
                .iter()
                .map(|(l, _, _)| *l)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    Ok(())
}

/// A several-list page kept, each list replaced by a link to the YAML procedure made of it.
fn plan_lists(
    page: &Page,
    versions: &[(&str, &PageVersion, Vec<OrderedList>)],
    file_of: &dyn Fn(&PageVersion) -> String,
    text_of: &dyn Fn(&PageVersion) -> String,
    plan: &mut Plan,
) -> Result<(), String> {
    let (source, own, lists) = &versions[0];
    let names = list_names(lists, &heading_ids(own));
    let source_file = file_of(own);
    for (index, name) in names.iter().enumerate() {
        let procedure_stem = format!("{}-{name}", stem(&page.path));
        let path = replace_stem(&source_file, &procedure_stem, ".yaml", source, source);
        let mut title = Localized::default();
        for (locale, version, lists) in versions {
            title.push(locale, list_title(version, lists, index));
        }
        let procedure = ProcedureYaml {
            title,
            introduction: None,
            steps: steps(versions, index, &format!("{name}-")),
        };
        plan.notes
            .push(format!("{path}: {} steps", procedure.steps.len()));
        plan.writes.push((path, to_yaml(&procedure)?));
    }
    // The page keeps its text, each list replaced by a link, and is no longer a procedure page.
    for (_, version, expanded_lists) in versions {
        // The lists as written pair with those read from the expanded text when they are the
        // same lists: as many, each with as many items.
        let written = step_lists_of(&version.body);
        let same = written.len() == expanded_lists.len()
            && written
                .iter()
                .zip(expanded_lists)
                .all(|(w, e)| w.items.len() == e.items.len());
        let placed: Option<Vec<&OrderedList>> = same.then(|| written.iter().collect());
        let Some(placed) = placed else {
            return Err(format!(
                "a list of {} comes from an include file or a directive, so convert cannot replace it in the page; move the list into the page first",
                file_of(version)
            ));
        };
        let mut body = version.body.clone();
        let mut order: Vec<(usize, &OrderedList)> = placed.into_iter().enumerate().collect();
        order.sort_by_key(|(_, list)| std::cmp::Reverse(list.range.start));
        for (index, list) in order {
            let title = markup::plain_text(&list_title(version, expanded_lists, index));
            let link = format!(
                "[{}]({}-{}.md)\n\n",
                markup::escape_markdown(&title),
                stem(&page.path),
                names[index]
            );
            if body.get(list.range.clone()).is_none() {
                return Err(format!(
                    "the lists of {} overlap; convert cannot replace them",
                    file_of(version)
                ));
            }
            body.replace_range(list.range.clone(), &link);
        }
        let file = file_of(version);
        let whole = text_of(version);
        let front = opt_out(version, whole.get(..version.body_offset).unwrap_or(""));
        let text = front + &body;
        plan.writes.push((file, text));
    }
    plan.notes.push("the page keeps its text and links each procedure where its list was; it is no longer a procedure page (`procedure: false`)".to_string());
    Ok(())
}

/// The front matter as written (`front`: the file's text before the body), saying
/// `procedure: false`.
fn opt_out(version: &PageVersion, front: &str) -> String {
    let mut front = front.to_string();
    match &version.front.procedure {
        Some(flag) => {
            let range =
                version.front_offset + flag.range.start..version.front_offset + flag.range.end;
            if front.get(range.clone()).is_some() {
                front.replace_range(range, "false");
            }
        }
        None => {
            if let Some(end) = front.rfind("---") {
                front.insert_str(end, "procedure: false\n");
            }
        }
    }
    front
}

/// The lists of steps of a written body (not expanded).
fn step_lists_of(body: &str) -> Vec<OrderedList> {
    markup::ordered_lists(body)
        .into_iter()
        .filter(|l| !l.kept_out && l.items.len() >= 2 && !l.reads_as_labels())
        .collect()
}

/// The steps of list `index` in every locale, alerts taken out as notes and warnings when every
/// locale has the same ones.
fn steps(
    versions: &[(&str, &PageVersion, Vec<OrderedList>)],
    index: usize,
    prefix: &str,
) -> Vec<StepYaml> {
    let count = versions[0].2[index].items.len();
    (0..count)
        .map(|n| {
            let mut step = StepYaml {
                id: format!("{prefix}step-{}", n + 1),
                ..StepYaml::default()
            };
            let parts: Vec<ItemParts<'_>> = versions
                .iter()
                .map(|(locale, _, lists)| {
                    let item = &lists[index].items[n];
                    (*locale, item, markup::take_alerts(&item.body))
                })
                .collect();
            let kinds =
                |alerts: &[markup::Alert]| alerts.iter().map(|a| a.warning).collect::<Vec<_>>();
            let same_alerts = parts
                .iter()
                .all(|(_, _, (_, a))| kinds(a) == kinds(&parts[0].2.1));
            for (locale, item, (rest, _)) in &parts {
                step.title.push(locale, item.title.clone());
                let text = if same_alerts { rest } else { &item.body };
                if !text.trim().is_empty() {
                    step.text
                        .get_or_insert_with(Localized::default)
                        .push(locale, text.clone());
                }
            }
            if same_alerts {
                for (i, alert) in parts[0].2.1.iter().enumerate() {
                    let mut text = Localized::default();
                    for (locale, _, (_, alerts)) in &parts {
                        text.push(locale, alerts[i].text.clone());
                    }
                    if alert.warning {
                        step.warnings.push(text);
                    } else {
                        step.notes.push(text);
                    }
                }
            }
            step
        })
        .collect()
}

/// An item in one locale: the locale, the item, and its text split from its alerts.
type ItemParts<'a> = (&'a str, &'a markup::ListItem, (String, Vec<markup::Alert>));

/// A content path's last part (`guides/reset` → `reset`).
fn stem(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_string()
}

/// `file` (a project-relative path) with its file name's stem replaced by `stem` and its
/// extension by `extension`, keeping a `.LOCALE` suffix of a translation written beside its
/// source.
fn replace_stem(file: &str, stem: &str, extension: &str, locale: &str, source: &str) -> String {
    let (dir, name) = file.rsplit_once('/').map_or(("", file), |(d, n)| (d, n));
    let suffix = if locale != source && name.ends_with(&format!(".{locale}.md")) {
        format!(".{locale}")
    } else {
        String::new()
    };
    let name = format!("{stem}{suffix}{extension}");
    if dir.is_empty() {
        name
    } else {
        format!("{dir}/{name}")
    }
}

/// The text of a leading heading of a block and the text after it.
fn leading_heading(text: &str) -> Option<(String, String)> {
    let first = text.lines().next()?;
    let heading = first.trim_start_matches('#');
    if heading.len() == first.len() || !heading.starts_with(' ') {
        return None;
    }
    let rest = text[first.len()..].trim().to_string();
    Some((markup::plain_text(heading.trim()), rest))
}

/// A string as a YAML scalar on one line.
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// Localized text as written in YAML: locale → text, in the source locale's order first.
#[derive(Debug, Default)]
struct Localized(Vec<(String, String)>);

impl Localized {
    fn push(&mut self, locale: &str, text: String) {
        self.0.push((locale.to_string(), text));
    }
}

impl Serialize for Localized {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (locale, text) in &self.0 {
            if text.contains('\n') {
                map.serialize_entry(locale, &serde_saphyr::LitStr(text))?;
            } else {
                map.serialize_entry(locale, text)?;
            }
        }
        map.end()
    }
}

/// A procedure file as `convert` writes it.
#[derive(Serialize)]
struct ProcedureYaml {
    title: Localized,
    #[serde(skip_serializing_if = "Option::is_none")]
    introduction: Option<Localized>,
    steps: Vec<StepYaml>,
}

/// A step as `convert` writes it.
#[derive(Default, Serialize)]
struct StepYaml {
    id: String,
    title: Localized,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<Localized>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<Localized>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Localized>,
}

/// The YAML of a procedure file.
fn to_yaml(procedure: &ProcedureYaml) -> Result<String, String> {
    serde_saphyr::to_string(procedure)
        .map_err(|e| format!("the procedure could not be written as YAML: {e}"))
}
