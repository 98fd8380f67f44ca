//! Procedure pages: Markdown pages whose top-level ordered lists are procedures. Each list of two
//! or more items becomes a [`Procedure`] (item → step), paired across locales list by list and
//! item by item, so that checklists, runbooks, run mode and records cover it as they cover a YAML
//! procedure. The page keeps its address and its text; the HTML renderer decorates its lists.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::markup::{self, OrderedList};
use crate::model::{Page, PageList, PageVersion, Procedure, Site, Step, Text};
use crate::source::{Located, SourceMap, Span};

/// The lists of a page version that are steps: top-level ordered lists of two or more items
/// without the not-steps marker, whose items are not mere labels.
pub fn step_lists(version: &PageVersion) -> Vec<OrderedList> {
    markup::ordered_lists(&version.expanded)
        .into_iter()
        .filter(|list| !list.kept_out && list.items.len() >= 2 && !list.reads_as_labels())
        .collect()
}

/// Whether a page is a procedure page: its source version's `procedure:` front matter, else
/// `[output.runbook.procedure-pages]`.
pub fn is_procedure_page(version: &PageVersion, relative: &str, config: &Config) -> bool {
    match &version.front.procedure {
        Some(flag) => flag.value,
        None => config
            .procedure_pages
            .matches(relative, &version.front.metadata),
    }
}

/// Reads the procedures of every procedure page into `site.page_procedures`.
pub fn read(
    site: &mut Site,
    config: &Config,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let source = config.source_locale();
    let mut procedures = Vec::new();
    for page in &site.pages {
        let Some(version) = page.versions.get(source) else {
            continue;
        };
        let path = &sources.file(version.file).path;
        let relative = path.strip_prefix("content/").unwrap_or(path);
        if !is_procedure_page(version, relative, config) {
            continue;
        }
        procedures.extend(page_procedures(page, source, sources, diagnostics));
    }
    procedures.sort_by(|a, b| a.path.cmp(&b.path));
    site.page_procedures = procedures;
}

/// One locale's lists of a page, with the ids of the page's headings.
struct LocaleLists<'p> {
    version: &'p PageVersion,
    lists: Vec<OrderedList>,
    heading_ids: Vec<String>,
}

impl<'p> LocaleLists<'p> {
    fn of(version: &'p PageVersion) -> Self {
        Self {
            version,
            lists: step_lists(version),
            heading_ids: heading_ids(version),
        }
    }

    /// The name of list `index` (see [`list_title`]).
    fn title(&self, index: usize) -> String {
        list_title(self.version, &self.lists, index)
    }
}

/// The procedures of one procedure page; a warning when it has no list of steps, and one per
/// translation whose lists do not pair with the source's.
fn page_procedures(
    page: &Page,
    source: &str,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Procedure> {
    let Some(source_version) = page.versions.get(source) else {
        return Vec::new();
    };
    let own = LocaleLists::of(source_version);
    if own.lists.is_empty() {
        let span = source_version
            .front
            .procedure
            .as_ref()
            .map_or(source_version.front.title.range.clone(), |flag| {
                flag.range.clone()
            });
        diagnostics.push(
            Diagnostic::warning(
                "procedure-without-steps",
                "this procedure page has no ordered list of two or more steps",
            )
            .at(Span::new(source_version.file, offset(source_version, span)))
            .help("write the steps as a numbered list (`1. ...`), or mark the page `procedure: false`"),
        );
        return Vec::new();
    }
    let translations: Vec<(&str, LocaleLists<'_>)> = page
        .versions
        .iter()
        .filter(|(locale, _)| locale.as_str() != source)
        .map(|(locale, version)| (locale.as_str(), LocaleLists::of(version)))
        .collect();
    for (locale, theirs) in &translations {
        structure_warnings(page, &own, theirs, locale, sources, diagnostics);
    }
    let several = own.lists.len() > 1;
    let names = list_names(&own.lists, &own.heading_ids);
    // Ids the page already has in any locale: headings and raw HTML anchors.
    let html_ids: Vec<String> = page
        .versions
        .values()
        .flat_map(|v| markup::html_ids(&v.expanded))
        .collect();
    let page_ids: std::collections::HashSet<&str> = own
        .heading_ids
        .iter()
        .chain(translations.iter().flat_map(|(_, t)| &t.heading_ids))
        .chain(&html_ids)
        .map(String::as_str)
        .collect();
    (0..own.lists.len())
        .map(|index| {
            let list = &own.lists[index];
            // The list's section is `steps-NAME` in every locale (headings' ids differ
            // between languages); steps are `NAME-step-N`.
            let heading_id = names[index].clone();
            let mut anchor = format!("steps-{heading_id}");
            if page_ids.contains(anchor.as_str()) {
                anchor = format!("rb-steps-{}", index + 1);
            }
            let mut prefix = if several {
                format!("{heading_id}-")
            } else {
                String::new()
            };
            if (1..=list.items.len())
                .any(|n| page_ids.contains(format!("{prefix}step-{n}").as_str()))
            {
                // A heading already takes such an id: step ids go under the templates' prefix.
                prefix = format!("rb-{}-", index + 1);
            }
            let step_id = |n: usize| format!("{prefix}step-{n}");
            let path = if several {
                format!("{}#{anchor}", page.path)
            } else {
                page.path.clone()
            };
            let mut titles = BTreeMap::from([(source.to_string(), own.title(index))]);
            let mut ordinals = BTreeMap::from([(
                source.to_string(),
                (list.ordinal, list.continued_by.clone()),
            )]);
            let mut step_texts: Vec<Vec<(&str, &markup::ListItem)>> =
                list.items.iter().map(|item| vec![(source, item)]).collect();
            let mut own_steps = BTreeMap::new();
            for (locale, theirs) in &translations {
                let Some(their_list) = theirs.lists.get(index) else {
                    continue;
                };
                titles.insert(locale.to_string(), theirs.title(index));
                ordinals.insert(
                    locale.to_string(),
                    (their_list.ordinal, their_list.continued_by.clone()),
                );
                if their_list.items.len() == list.items.len()
                    && theirs.lists.len() == own.lists.len()
                {
                    for (texts, item) in step_texts.iter_mut().zip(&their_list.items) {
                        texts.push((locale, item));
                    }
                } else {
                    let steps = their_list
                        .items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| step(step_id(i + 1), &[(locale, item)]))
                        .collect();
                    own_steps.insert(locale.to_string(), steps);
                }
            }
            let steps = step_texts
                .iter()
                .enumerate()
                .map(|(i, texts)| step(step_id(i + 1), texts))
                .collect();
            let mut procedure = Procedure::new(
                path,
                source_version.file,
                located(Text::Localized(
                    titles
                        .into_iter()
                        .map(|(locale, title)| (locale, located(title)))
                        .collect(),
                )),
                Vec::new(),
                None,
                steps,
            );
            procedure.page = Some(PageList {
                page: page.path.clone(),
                anchor,
                index,
                ordinals,
                own_steps,
            });
            procedure
        })
        .collect()
}

/// The name of each list of a page, unique on the page: its heading's id, with its tab's label
/// when it sits in a tab (`add-a-user`, `install-linux`), else its place (`1`); a second list
/// under the same heading gets `-2`. What its section, step ids and a converted file are named
/// after.
pub fn list_names(lists: &[OrderedList], heading_ids: &[String]) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    lists
        .iter()
        .enumerate()
        .map(|(index, list)| {
            let heading = list.heading_index.and_then(|h| heading_ids.get(h).cloned());
            let tab = list.tab.as_deref().map(markup::slugify);
            let name = match (heading, tab) {
                (Some(heading), Some(tab)) => format!("{heading}-{tab}"),
                (Some(id), None) | (None, Some(id)) => id,
                (None, None) => (index + 1).to_string(),
            };
            // A name becomes a file name (a checklist's): an explicit `{#id}` with a path in it
            // is slugified.
            let name = match name.contains(['/', '\\']) || name.starts_with('.') {
                true => markup::slugify(&name.replace(['/', '\\', '.'], " ")),
                false => name,
            };
            let name = if name.is_empty() {
                (index + 1).to_string()
            } else {
                name
            };
            let mut unique = name.clone();
            let mut n = 1;
            while !taken.insert(unique.clone()) {
                n += 1;
                unique = format!("{name}-{n}");
            }
            unique
        })
        .collect()
}

/// The title of list `index` of a page version's lists of steps, as inline Markdown: the
/// page's title when it is the only list; else its lead-in when another list shares its heading
/// or it has none; else its heading (with its tab's label), or the page's title and its place.
pub fn list_title(version: &PageVersion, lists: &[OrderedList], index: usize) -> String {
    let page_title = markup::escape_markdown(version.title());
    let Some(list) = lists.get(index) else {
        return page_title;
    };
    if lists.len() == 1 {
        return page_title;
    }
    let shares_heading = lists
        .iter()
        .enumerate()
        .any(|(i, other)| i != index && other.heading_index == list.heading_index);
    if let Some(lead_in) = list
        .lead_in
        .as_ref()
        .filter(|_| shares_heading || list.heading.is_none())
    {
        return markup::escape_markdown(lead_in);
    }
    match (&list.heading, &list.tab) {
        (Some(heading), Some(tab)) => markup::escape_markdown(&format!("{heading}: {tab}")),
        (Some(heading), None) => markup::escape_markdown(heading),
        (None, Some(tab)) => format!("{page_title}: {}", markup::escape_markdown(tab)),
        (None, None) => format!("{page_title} ({})", index + 1),
    }
}

/// The ids of a page version's headings, in order, as the HTML renderer gives them.
pub fn heading_ids(version: &PageVersion) -> Vec<String> {
    let (mut anchors, _) = crate::view::page_anchors(version);
    markup::headings(&version.expanded, &mut anchors)
        .into_iter()
        .map(|h| h.id)
        .collect()
}

/// A step from an item in each locale that writes it.
fn step(id: String, texts: &[(&str, &markup::ListItem)]) -> Step {
    let localized = |part: &dyn Fn(&markup::ListItem) -> &str| {
        Text::Localized(
            texts
                .iter()
                .map(|(locale, item)| (locale.to_string(), located(part(item).to_string())))
                .collect(),
        )
    };
    let has_body = texts.iter().any(|(_, item)| !item.body.is_empty());
    Step {
        id: located(id),
        title: located(localized(&|item| item.title.as_str())),
        text: has_body.then(|| located(localized(&|item| item.body.as_str()))),
        notes: Vec::new(),
        warnings: Vec::new(),
        next: None,
        decision: None,
        escalation: None,
    }
}

/// A value with no place of its own in a file (page procedures are checked as page text).
fn located<T>(value: T) -> Located<T> {
    Located { value, range: 0..0 }
}

/// A front matter range as a range in the file.
fn offset(version: &PageVersion, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    version.front_offset + range.start..version.front_offset + range.end
}

/// `translation-structure` warnings: a translation with another number of lists, or a list
/// with another number of items, than the source.
fn structure_warnings(
    page: &Page,
    own: &LocaleLists<'_>,
    theirs: &LocaleLists<'_>,
    locale: &str,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let at = |list: Option<&OrderedList>| {
        let version = theirs.version;
        // The list's first item as written, found in the file's body; else the body's start.
        let found = list
            .and_then(|l| l.items.first())
            .and_then(|item| version.body.find(item.title.as_str()))
            .unwrap_or(0);
        Span::new(
            version.file,
            version.body_offset + found..version.body_offset + found,
        )
    };
    let name = |index: usize| match (&own.lists[index].heading, &own.lists[index].tab) {
        (_, Some(tab)) => format!("the list in the tab \"{tab}\""),
        (Some(heading), None) => format!("the list under \"{heading}\""),
        (None, None) => format!("list {}", index + 1),
    };
    let file = &sources.file(theirs.version.file).path;
    if theirs.lists.len() != own.lists.len() {
        diagnostics.push(
            Diagnostic::warning(
                "translation-structure",
                format!(
                    "`{locale}` has {} list(s) of steps where the source page `{}` has {}",
                    theirs.lists.len(),
                    page.path,
                    own.lists.len()
                ),
            )
            .at(at(theirs.lists.first()))
            .help(format!(
                "give {file} the source's numbered lists in the same order; until then each list is paired by its place, and a list the translation lacks is shown in the source language"
            )),
        );
    }
    for (index, (mine, their_list)) in own.lists.iter().zip(&theirs.lists).enumerate() {
        if mine.items.len() != their_list.items.len() {
            diagnostics.push(
                Diagnostic::warning(
                    "translation-structure",
                    format!(
                        "{} has {} steps in `{locale}` and {} in the source",
                        name(index),
                        their_list.items.len(),
                        mine.items.len()
                    ),
                )
                .at(at(Some(their_list)))
                .help("translate the steps one item for one item; until then this locale's checklist shows the translation's own steps"),
            );
        }
    }
}
