//! The flowchart of a procedure as SVG: steps, decisions with labelled answers, escalations, links
//! to other procedures and the end. Pure: a [`Chart`] in, SVG out, the same for the same input.
//!
//! - [`Chart`] is the procedure as a graph (built by [`Chart::of`]), in the page's words;
//! - [`layout`] lays it out in layers and routes every edge on its own orthogonal path;
//! - [`draw`] writes the SVG, whole for screens or cut into page-sized parts for paper;
//! - [`audit`] reads an SVG back and checks what a reader relies on (tests and benchmarks use it).

pub mod audit;
mod draw;
pub mod layout;

use crate::markup;
use crate::ui::UiKey;
use crate::view::{Destination, LocaleView, ProcedureView};

pub use draw::{PrintedChart, print, standalone_svg, svg};
pub use layout::{Drawing, layout};

/// What a node of the chart stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A step to carry out.
    Action,
    /// A question with answers.
    Decision,
    /// A step that escalates to the vendor.
    Escalation,
    /// The end of the procedure.
    End,
    /// Another procedure the flow continues in.
    Procedure,
}

/// A node of a chart.
#[derive(Clone, Debug)]
pub struct ChartNode {
    /// What it stands for.
    pub kind: NodeKind,
    /// Its text, plain.
    pub text: String,
    /// The id of the step on the page, which the node links to.
    pub anchor: Option<String>,
}

/// An edge of a chart: the flow from one node to the next, or a decision's answer.
#[derive(Clone, Debug)]
pub struct ChartEdge {
    /// Source node.
    pub from: usize,
    /// Target node.
    pub to: usize,
    /// The answer, for a decision.
    pub label: Option<String>,
}

/// A procedure as a graph, in one locale's words.
#[derive(Clone, Debug)]
pub struct Chart {
    /// Steps in order, then the end, then linked procedures in order of first mention.
    pub nodes: Vec<ChartNode>,
    /// Per step in order: its answers in order, or its one onward edge.
    pub edges: Vec<ChartEdge>,
    /// The accessible name: "Flowchart: …".
    pub title: String,
    /// Makes the chart's own element ids unique in a page holding several charts.
    pub id_prefix: String,
    /// Put before a step's anchor to make its link target on the page.
    pub step_prefix: String,
}

impl Chart {
    /// The chart of a procedure as one locale shows it. `id_prefix` keeps the chart's own ids
    /// unique on a page; `step_prefix` is put before step ids to make the page's step anchors.
    pub fn of(
        view: &LocaleView<'_>,
        procedure: &ProcedureView<'_>,
        id_prefix: &str,
        step_prefix: &str,
    ) -> Chart {
        let count = procedure.steps.len();
        let mut nodes: Vec<ChartNode> = procedure
            .steps
            .iter()
            .map(|step| ChartNode {
                kind: if !step.branches.is_empty() {
                    NodeKind::Decision
                } else if step.escalation.is_some() {
                    NodeKind::Escalation
                } else {
                    NodeKind::Action
                },
                text: format!(
                    "{}. {}",
                    step.number,
                    markup::plain_text(step.title.markdown)
                ),
                anchor: Some(step.id.to_string()),
            })
            .collect();
        let end = nodes.len();
        nodes.push(ChartNode {
            kind: NodeKind::End,
            text: view.ui.get(UiKey::ToEnd).to_string(),
            anchor: None,
        });
        let mut procedures: Vec<String> = Vec::new();
        let mut target = |nodes: &mut Vec<ChartNode>, to: &Destination<'_>| match to {
            Destination::Step { number, .. } => number - 1,
            Destination::End => end,
            Destination::Procedure { link, title } => {
                match procedures.iter().position(|l| l == link) {
                    Some(i) => end + 1 + i,
                    None => {
                        procedures.push((*link).to_string());
                        nodes.push(ChartNode {
                            kind: NodeKind::Procedure,
                            text: markup::plain_text(title.markdown),
                            anchor: None,
                        });
                        nodes.len() - 1
                    }
                }
            }
        };
        let mut edges = Vec::new();
        for (i, step) in procedure.steps.iter().enumerate() {
            if step.branches.is_empty() {
                let to = match &step.then {
                    Some(destination) => target(&mut nodes, destination),
                    None if i + 1 < count => i + 1,
                    None => end,
                };
                edges.push(ChartEdge {
                    from: i,
                    to,
                    label: None,
                });
            }
            for branch in &step.branches {
                let to = target(&mut nodes, &branch.to);
                edges.push(ChartEdge {
                    from: i,
                    to,
                    label: Some(markup::plain_text(branch.label.markdown)),
                });
            }
        }
        Chart {
            nodes,
            edges,
            title: format!(
                "{}: {}",
                view.ui.get(UiKey::Flowchart),
                markup::plain_text(procedure.title.markdown)
            ),
            id_prefix: id_prefix.to_string(),
            step_prefix: step_prefix.to_string(),
        }
    }
}

/// The SVG of a procedure's flowchart for a screen: one drawing at its natural size.
pub fn for_procedure(
    view: &LocaleView<'_>,
    procedure: &ProcedureView<'_>,
    id_prefix: &str,
    step_prefix: &str,
) -> String {
    let chart = Chart::of(view, procedure, id_prefix, step_prefix);
    svg(&chart, &layout(&chart))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A random procedure's chart: `steps` steps, some of them decisions with up to four answers
    /// (long ones among them) to later steps, earlier steps (loops), themselves, the end or
    /// another procedure.
    pub(crate) fn random_chart(shape: &[(u8, Vec<(u8, u8)>)]) -> Chart {
        let count = shape.len();
        let mut nodes: Vec<ChartNode> = (0..count)
            .map(|i| ChartNode {
                kind: if shape[i].1.is_empty() {
                    NodeKind::Action
                } else {
                    NodeKind::Decision
                },
                text: format!("{}. Step number {} of the procedure", i + 1, i + 1),
                anchor: Some(format!("s{}", i + 1)),
            })
            .collect();
        let end = nodes.len();
        nodes.push(ChartNode {
            kind: NodeKind::End,
            text: "end".into(),
            anchor: None,
        });
        let other = nodes.len();
        nodes.push(ChartNode {
            kind: NodeKind::Procedure,
            text: "Another procedure".into(),
            anchor: None,
        });
        let answers = [
            "Yes",
            "No",
            "No, and it is urgent for the customer",
            "はい",
            "Not sure yet, ask the customer first",
        ];
        let mut edges = Vec::new();
        for (i, (next, branches)) in shape.iter().enumerate() {
            let to = |pick: u8| match pick % 8 {
                0 => end,
                1 if i > 0 => (i + 1 + usize::from(pick)) % i,
                2 => other,
                7 => i,
                _ => (i + 1 + usize::from(pick) % 3).min(end),
            };
            if branches.is_empty() {
                edges.push(ChartEdge {
                    from: i,
                    to: if *next % 5 == 0 {
                        to(*next)
                    } else {
                        (i + 1).min(end)
                    },
                    label: None,
                });
            }
            for (pick, word) in branches {
                edges.push(ChartEdge {
                    from: i,
                    to: to(*pick),
                    label: Some(answers[usize::from(*word) % answers.len()].to_string()),
                });
            }
        }
        Chart {
            nodes,
            edges,
            title: "Flowchart: random".into(),
            id_prefix: String::new(),
            step_prefix: String::new(),
        }
    }

    /// Audits a chart's SVG, then checks each edge of the chart is drawn once, from its source
    /// to its target, with its own label beside it.
    pub(crate) fn assert_readable(chart: &Chart) {
        let drawing = layout(chart);
        // On paper: every box printed once, every connector letter at both ends of its cut.
        let printed = print(chart, &drawing);
        let parts = printed.parts.join("");
        assert_eq!(
            parts.matches(r#"<rect class="box""#).count(),
            chart.nodes.len(),
            "{parts}"
        );
        let mut letters = std::collections::BTreeMap::<&str, usize>::new();
        for (at, _) in parts.match_indices(r#"<g class="connector">"#) {
            let text = &parts[at..];
            let end = text.find("</text>").unwrap_or(0);
            let start = text[..end].rfind('>').map_or(0, |s| s + 1);
            *letters.entry(&text[start..end]).or_default() += 1;
        }
        assert!(letters.values().all(|&n| n == 2), "{letters:?}");
        let svg = svg(chart, &drawing);
        let report = audit::audit(&svg);
        assert!(report.problems.is_empty(), "{:#?}\n{svg}", report.problems);
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let mut wanted: Vec<(Option<usize>, Option<usize>, Option<String>)> = chart
            .edges
            .iter()
            .map(|e| (Some(e.from), Some(e.to), e.label.as_deref().map(squash)))
            .collect();
        let mut drawn: Vec<(Option<usize>, Option<usize>, Option<String>)> = report
            .edges
            .iter()
            .map(|e| (e.from, e.to, e.label.clone()))
            .collect();
        wanted.sort();
        drawn.sort();
        assert_eq!(wanted, drawn, "{svg}");
    }

    fn shapes() -> impl Strategy<Value = Vec<(u8, Vec<(u8, u8)>)>> {
        prop::collection::vec(
            (
                any::<u8>(),
                prop_oneof![
                    3 => Just(Vec::new()),
                    2 => prop::collection::vec((any::<u8>(), any::<u8>()), 1..5),
                ],
            ),
            1..28,
        )
    }

    proptest! {
        // 2,000 cases from a fixed seed, the same every run; a deeper search on request:
        // `RUNBOOK_FLOWCHART_CASES=20000 RUNBOOK_FLOWCHART_SEED=random cargo test random_procedures`
        // (cases it finds are kept in proptest-regressions/ and replayed first).
        #![proptest_config(ProptestConfig {
            cases: std::env::var("RUNBOOK_FLOWCHART_CASES")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(2000),
            rng_seed: match std::env::var("RUNBOOK_FLOWCHART_SEED").as_deref() {
                Ok("random") => proptest::test_runner::RngSeed::Random,
                Ok(seed) => proptest::test_runner::RngSeed::Fixed(seed.parse().unwrap_or(16)),
                Err(_) => proptest::test_runner::RngSeed::Fixed(16),
            },
            ..ProptestConfig::default()
        })]
        #[test]
        fn random_procedures_draw_readably(shape in shapes()) {
            assert_readable(&random_chart(&shape));
        }
    }
}
