//! `runbook record check`: a run record against the current content. The record's shape is
//! checked by [`super::read`]; here, what it says: the procedure and its steps exist, the path
//! follows the flow (each answer leads to the next step recorded, a finished run ends at an end
//! or an escalation), times are times, and which steps changed since the run began.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::fingerprint;
use crate::model::{Procedure, Site};
use crate::source::{FileId, SourceMap, Span};
use crate::view::LocaleView;

use super::{RunRecord, locate, next_step, parse_time};

/// Every problem of `record` (read from `file`, whose text is in `sources`) against the content.
pub fn check(
    record: &RunRecord,
    file: FileId,
    sources: &SourceMap,
    site: &Site,
    config: &Config,
) -> Vec<Diagnostic> {
    let text = &sources.file(file).text;
    let at = |pointer: &str| Span::new(file, locate(text, pointer).unwrap_or(0..0));
    let mut found = Vec::new();
    let locale = if config.locales.contains(&record.locale) {
        record.locale.as_str()
    } else {
        found.push(
            Diagnostic::error(
                "run-unknown-locale",
                format!(
                    "`/locale`: `{}` is not a locale of this project",
                    record.locale
                ),
            )
            .at(at("/locale"))
            .help(format!(
                "the project's locales: {}",
                config.locales.join(", ")
            )),
        );
        config.locales.first().map_or("en", String::as_str)
    };
    for (pointer, time) in std::iter::once(("/started".to_string(), Some(&record.started)))
        .chain(std::iter::once((
            "/finished".to_string(),
            record.finished.as_ref(),
        )))
        .chain(
            record
                .path
                .iter()
                .enumerate()
                .map(|(i, e)| (format!("/path/{i}/at"), Some(&e.at))),
        )
    {
        if let Some(time) = time
            && parse_time(time).is_none()
        {
            found.push(
                Diagnostic::error(
                    "run-time",
                    format!("`{pointer}`: `{time}` is not a date and time"),
                )
                .at(at(&pointer))
                .help("write an RFC 3339 time with its offset, e.g. `2026-12-02T14:05:00+09:00`"),
            );
        }
    }
    let Some(procedure) = site.runnable(&record.procedure) else {
        found.push(
            Diagnostic::error(
                "run-unknown-procedure",
                format!(
                    "`/procedure`: there is no procedure `{}` in this project",
                    record.procedure
                ),
            )
            .at(at("/procedure"))
            .suggest(
                &record.procedure,
                site.all_procedures().map(|p| p.path.as_str()),
            )
            .or_help(
                "check --root: the record must be checked against the project it was made from",
            ),
        );
        return found;
    };
    let view = LocaleView::new(site, config, locale);
    // A run follows the steps its locale showed (a translation's own, for some page lists).
    let procedure = procedure.as_shown_in(locale);
    path_problems(record, &procedure, &view, &at, &mut found);
    changed_steps(record, &procedure, sources, &at, &mut found);
    found
}

/// "step 3 (`troubleshoot`)".
fn step_name(procedure: &Procedure, index: usize) -> String {
    format!("step {} (`{}`)", index + 1, procedure.steps[index].id.value)
}

/// The path against the flow: steps exist, each is where the one before leads, answers and
/// categories belong to their step, and a finished run ends where the procedure can end.
fn path_problems(
    record: &RunRecord,
    procedure: &Procedure,
    view: &LocaleView<'_>,
    at: &dyn Fn(&str) -> Span,
    found: &mut Vec<Diagnostic>,
) {
    let shown = view.procedure(procedure);
    // Where the run stands: `Some(index)` of the step due next, `None` once it has ended.
    let mut due = Some(0);
    let mut last: Option<usize> = None;
    for (i, entry) in record.path.iter().enumerate() {
        let pointer = format!("/path/{i}");
        let Some(index) = procedure.step_index(&entry.step) else {
            found.push(
                Diagnostic::error(
                    "run-unknown-step",
                    format!(
                        "`{pointer}/step`: the procedure has no step `{}`",
                        entry.step
                    ),
                )
                .at(at(&format!("{pointer}/step")))
                .suggest(
                    &entry.step,
                    procedure.steps.iter().map(|s| s.id.value.as_str()),
                ),
            );
            return;
        };
        match due {
            Some(expected) if expected != index => {
                let after = match (i, last) {
                    (0, _) | (_, None) => "a run begins at".to_string(),
                    (_, Some(previous)) => {
                        let answer = record.path[i - 1]
                            .answer
                            .and_then(|a| {
                                procedure.steps[previous].decision.as_ref()?.branches.get(a)
                            })
                            .map(|b| {
                                format!(
                                    " answered “{}”",
                                    crate::markup::plain_text(view.text(&b.label).markdown)
                                )
                            })
                            .unwrap_or_default();
                        format!(
                            "after {}{answer} the run goes to",
                            step_name(procedure, previous)
                        )
                    }
                };
                found.push(
                    Diagnostic::error(
                        "run-off-path",
                        format!(
                            "`{pointer}/step`: {after} {}, not {}",
                            step_name(procedure, expected),
                            step_name(procedure, index)
                        ),
                    )
                    .at(at(&format!("{pointer}/step")))
                    .help("a run follows the procedure's flow: record every step done, in the order it was done"),
                );
                return;
            }
            None => {
                found.push(
                    Diagnostic::error(
                        "run-off-path",
                        format!(
                            "`{pointer}`: the run had already ended at `/path/{}`, so {} cannot follow",
                            i - 1,
                            step_name(procedure, index)
                        ),
                    )
                    .at(at(&pointer))
                    .help("remove the steps after the end, or start a new run"),
                );
                return;
            }
            Some(_) => {}
        }
        let step = &procedure.steps[index];
        let name = step_name(procedure, index);
        let branches = step.decision.as_ref().map(|d| d.branches.len());
        match (branches, entry.answer) {
            (Some(_), None) => found.push(
                Diagnostic::error(
                    "run-answer",
                    format!("`{pointer}`: {name} is a decision, but the record has no answer"),
                )
                .at(at(&pointer))
                .help("add `\"answer\": N`, the 0-based index of the answer chosen"),
            ),
            (Some(count), Some(answer)) if answer >= count => found.push(
                Diagnostic::error(
                    "run-answer",
                    format!("`{pointer}/answer`: {name} has {count} answers, so there is no answer {answer} (answers count from 0)"),
                )
                .at(at(&format!("{pointer}/answer"))),
            ),
            (None, Some(_)) => found.push(
                Diagnostic::error(
                    "run-answer",
                    format!("`{pointer}/answer`: {name} is not a decision"),
                )
                .at(at(&format!("{pointer}/answer")))
                .help("remove the answer"),
            ),
            _ => {}
        }
        let categories: Vec<&str> = step
            .escalation
            .iter()
            .flat_map(|e| &e.categories)
            .map(|c| c.value.as_str())
            .collect();
        for (j, category) in entry.categories.iter().enumerate() {
            if !categories.contains(&category.as_str()) {
                let message = if step.escalation.is_none() {
                    format!(
                        "`{pointer}/categories/{j}`: {name} is not an escalation, so no category can be ticked"
                    )
                } else {
                    format!("`{pointer}/categories/{j}`: `{category}` is not a category of {name}")
                };
                found.push(
                    Diagnostic::error("run-categories", message)
                        .at(at(&format!("{pointer}/categories/{j}")))
                        .suggest(category, categories.iter().copied()),
                );
            }
        }
        if entry.request.is_some() && step.escalation.is_none() {
            found.push(
                Diagnostic::error(
                    "run-categories",
                    format!("`{pointer}/request`: {name} is not an escalation, so it has no support request"),
                )
                .at(at(&format!("{pointer}/request"))),
            );
        }
        due = next_step(&shown, index, entry.answer);
        last = Some(index);
    }
    if record.finished.is_some() {
        let ends =
            due.is_none() || last.is_some_and(|index| procedure.steps[index].escalation.is_some());
        if !ends {
            let message = match (last, due) {
                (Some(last), Some(due)) => format!(
                    "`/finished`: the run is finished, but {} leads on to {}",
                    step_name(procedure, last),
                    step_name(procedure, due)
                ),
                _ => "`/finished`: the run is finished, but no step was done".to_string(),
            };
            found.push(
                Diagnostic::error("run-not-ended", message)
                    .at(at("/finished"))
                    .help("a run ends at the procedure's end or at an escalation; record the steps up to there, or remove `finished`"),
            );
        }
    } else {
        found.push(
            Diagnostic::note("run-unfinished", "the run is not finished (no `/finished`)")
                .at(at("/")),
        );
    }
}

/// Warns when the procedure changed since the run began, naming the steps that changed.
fn changed_steps(
    record: &RunRecord,
    procedure: &Procedure,
    sources: &SourceMap,
    at: &dyn Fn(&str) -> Span,
    found: &mut Vec<Diagnostic>,
) {
    let now = fingerprint::of_text(&sources.file(procedure.file).text);
    if now == record.version {
        return;
    }
    let mut changed: Vec<String> = Vec::new();
    for (id, version) in &record.step_versions {
        match procedure.step_index(id) {
            Some(index) if fingerprint::of_step(procedure, index) != *version => {
                changed.push(step_name(procedure, index));
            }
            Some(_) => {}
            None => changed.push(format!("`{id}` (removed)")),
        }
    }
    for (index, step) in procedure.steps.iter().enumerate() {
        if !record.step_versions.is_empty() && !record.step_versions.contains_key(&step.id.value) {
            changed.push(format!("{} (new)", step_name(procedure, index)));
        }
    }
    let message = if changed.is_empty() {
        format!(
            "`/version`: the procedure has changed since the run began (version {}, now {now}), but none of its steps did",
            record.version
        )
    } else {
        format!(
            "`/version`: the procedure has changed since the run began (version {}, now {now}); changed: {}",
            record.version,
            changed.join(", ")
        )
    };
    found.push(
        Diagnostic::warning("run-procedure-changed", message)
            .at(at("/version"))
            .help("read the changed steps again: the run followed their earlier text"),
    );
}
