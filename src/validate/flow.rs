//! Procedure flow: steps no path from the first step reaches, steps from which the procedure can
//! never finish (cycles with no way out), decisions whose answers all lead to the same place, and
//! procedures that never reach an end or an escalation.
//!
//! Each step leads to the steps its decision branches name, or to its `next`, or to the following
//! step; the last step without `next` ends the procedure. Leading to `end` or to another procedure
//! finishes it.

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::model::{Procedure, Site, Target};

/// Where a step can go.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Exit {
    /// To the step at this index.
    Step(usize),
    /// Out of the procedure (`end` or another procedure).
    Out(String),
}

fn exits(procedure: &Procedure, index: usize) -> Vec<Exit> {
    let step = &procedure.steps[index];
    let target = |target: &Target| match target {
        Target::Step(id) => procedure
            .step_index(id)
            .map_or(Exit::Out(String::new()), Exit::Step),
        Target::End => Exit::Out("end".into()),
        Target::Procedure(link) => Exit::Out(link.clone()),
    };
    if let Some(decision) = &step.decision {
        return decision
            .branches
            .iter()
            .map(|b| target(&b.goto.value))
            .collect();
    }
    match &step.next {
        Some(next) => vec![target(&next.value)],
        None if index + 1 < procedure.steps.len() => vec![Exit::Step(index + 1)],
        None => vec![Exit::Out("end".into())],
    }
}

pub(super) fn check(site: &Site, out: &mut Vec<Diagnostic>) {
    for procedure in &site.procedures {
        check_procedure(procedure, out);
    }
}

fn check_procedure(procedure: &Procedure, out: &mut Vec<Diagnostic>) {
    let count = procedure.steps.len();
    if count == 0 {
        return;
    }
    let file = procedure.file;
    let edges: Vec<Vec<Exit>> = (0..count).map(|i| exits(procedure, i)).collect();

    // Forward: what the first step reaches.
    let mut reached = vec![false; count];
    let mut stack = vec![0];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        stack.extend(edges[i].iter().filter_map(|e| match e {
            Exit::Step(j) => Some(*j),
            Exit::Out(_) => None,
        }));
    }
    // Backward: which steps can finish (lead out, or reach a step that can), spread from the
    // steps that lead out along reversed edges, so it takes time linear in steps and exits.
    let mut finishes: Vec<bool> = edges
        .iter()
        .map(|e| e.iter().any(|x| matches!(x, Exit::Out(_))))
        .collect();
    let mut leads_to: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, exits) in edges.iter().enumerate() {
        for exit in exits {
            if let Exit::Step(j) = exit {
                leads_to[*j].push(i);
            }
        }
    }
    let mut pending: Vec<usize> = (0..count).filter(|&i| finishes[i]).collect();
    while let Some(j) = pending.pop() {
        for &i in &leads_to[j] {
            if !finishes[i] {
                finishes[i] = true;
                pending.push(i);
            }
        }
    }

    for (i, step) in procedure.steps.iter().enumerate() {
        if !reached[i] {
            out.push(
                Diagnostic::error(
                    "unreachable-step",
                    format!(
                        "no path from the first step reaches step {} `{}`",
                        i + 1,
                        step.id.value
                    ),
                )
                .at(step.id.span(file, 0))
                .help("point a `next:` or a decision branch at it, or remove it"),
            );
        } else if !finishes[i] {
            out.push(
                Diagnostic::error(
                    "no-way-out",
                    format!(
                        "from step {} `{}` the procedure can never finish: every path loops",
                        i + 1,
                        step.id.value
                    ),
                )
                .at(step.id.span(file, 0))
                .help("give the loop an exit: a branch to a later step, to `end`, or to another procedure"),
            );
        }
        if let Some(decision) = &step.decision {
            let places: BTreeSet<&Exit> = edges[i].iter().collect();
            if decision.branches.len() > 1 && places.len() == 1 {
                out.push(
                    Diagnostic::warning(
                        "pointless-decision",
                        format!(
                            "every answer of decision `{}` leads to the same place",
                            step.id.value
                        ),
                    )
                    .at(step.id.span(file, 0))
                    .help("make the answers lead to different steps, or make it an ordinary step"),
                );
            }
        }
    }

    let reaches_end =
        (0..count).any(|i| reached[i] && edges[i].iter().any(|e| matches!(e, Exit::Out(_))));
    let reaches_escalation =
        (0..count).any(|i| reached[i] && procedure.steps[i].escalation.is_some());
    if !reaches_end && !reaches_escalation {
        out.push(
            Diagnostic::error(
                "never-ends",
                format!(
                    "procedure `{}` never reaches an end or an escalation",
                    procedure.path
                ),
            )
            .at(procedure.title.span(file, 0))
            .help("let a step lead to `end`, to another procedure, or to an escalation"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn diagnose(steps: &str) -> Vec<&'static str> {
        let text = format!("title: T\nsteps:\n{steps}");
        let mut sources = SourceMap::new();
        let file = sources.add("p.yaml", text.clone());
        let mut diagnostics = Vec::new();
        let procedure =
            crate::load::yaml::parse_procedure(&text, file, "p".into(), &mut diagnostics).unwrap();
        let mut out = Vec::new();
        check_procedure(&procedure, &mut out);
        out.iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_straight_procedure_is_clean() {
        assert!(diagnose("  - {id: a, title: A}\n  - {id: b, title: B}\n").is_empty());
    }

    #[test]
    fn unreachable_steps_are_found() {
        let codes = diagnose("  - {id: a, title: A, next: end}\n  - {id: b, title: B}\n");
        assert_eq!(codes, ["unreachable-step"]);
    }

    #[test]
    fn loops_without_exit_are_found() {
        let codes = diagnose("  - {id: a, title: A}\n  - {id: b, title: B, next: a}\n");
        assert_eq!(codes, ["no-way-out", "no-way-out", "never-ends"]);
        // A loop with an exit is fine.
        let steps = "  - {id: a, title: A}\n  - id: b\n    title: B\n    decision:\n      branches:\n        - {label: Again, goto: a}\n        - {label: Done, goto: end}\n";
        assert!(diagnose(steps).is_empty());
    }

    #[test]
    fn decisions_leading_to_one_place_are_pointless() {
        let steps = "  - id: a\n    title: A\n    decision:\n      branches:\n        - {label: Left, goto: b}\n        - {label: Right, goto: b}\n  - {id: b, title: B}\n";
        assert_eq!(diagnose(steps), ["pointless-decision"]);
    }

    #[test]
    fn an_escalation_counts_as_an_outcome() {
        let steps = "  - id: a\n    title: A\n    escalation: {categories: [x]}\n    next: a\n";
        assert_eq!(diagnose(steps), ["no-way-out"]);
    }
}
