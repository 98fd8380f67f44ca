//! Micro-benchmarks of the pipeline's hot stages on a synthetic project (examples/corpus.rs):
//! load, check (load and validate), render (HTML, print and Markdown, in memory) and build (the
//! whole pipeline into a directory), and the PDF typesetting engine's cost for one page.
//!
//! ```sh
//! cargo bench --bench stages
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use runbook::render::RenderContext;

#[allow(dead_code)]
#[path = "../examples/corpus.rs"]
mod corpus;

/// Procedures in the benchmark project (and as many pages, in two locales).
const N: usize = 200;

fn main() {
    divan::main();
}

/// The project, generated once into `target/bench-corpus`.
fn project() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-corpus-{N}"));
        if !root.join("book.toml").exists() {
            corpus::generate(N, &root, 1).expect("the corpus is written");
        }
        root
    })
}

#[divan::bench(sample_count = 20)]
fn load() -> runbook::Checked {
    runbook::load_project(project()).expect("the corpus loads")
}

#[divan::bench(sample_count = 20)]
fn check() -> runbook::Checked {
    runbook::check(project()).expect("the corpus checks")
}

#[divan::bench(sample_count = 10)]
fn render(bencher: divan::Bencher) {
    let checked = runbook::check(project()).expect("the corpus checks");
    bencher.bench(|| {
        let segments = runbook::i18n::segments::segments(&checked.site, &checked.config).segments;
        let cx = RenderContext::new(&checked.site, &checked.config, &checked.sources, segments);
        runbook::render_to_memory(&cx).expect("the corpus renders")
    });
}

#[divan::bench(sample_count = 10)]
fn build(bencher: divan::Bencher) {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-build");
    let mut options = runbook::BuildOptions::new(project());
    options.out = Some(out);
    bencher.bench(|| runbook::build(&options).expect("the corpus builds"));
}

/// The typesetting engine alone: one A4 page of a heading and a dozen checkbox lines, about what
/// a checklist holds. typst memoizes compilations, so its caches are emptied before every run.
#[cfg(feature = "pdf")]
#[divan::bench(sample_count = 10)]
fn typeset_one_page(bencher: divan::Bencher) {
    let mut markup = String::from("#set page(paper: \"a4\")\n= Handle a service outage\n");
    for step in 1..=12 {
        markup.push_str(&format!(
            "- [ ] Step {step}: check the service health dashboard and note the incident id.\n"
        ));
    }
    bencher
        .with_inputs(|| typst::comemo::evict(0))
        .bench_local_values(|()| {
            runbook::render::pdf::typeset_document(&markup).expect("typesets")
        });
}

/// A procedure shaped like the real ones, `steps` long: every fourth step a decision whose first
/// answer goes on, second skips ahead two steps and, every third decision, third loops back
/// five; an escalation every ten steps.
fn procedure_chart(steps: usize) -> runbook::render::flowchart::Chart {
    use runbook::render::flowchart::{Chart, ChartEdge, ChartNode, NodeKind};
    let end = steps;
    let mut nodes: Vec<ChartNode> = (0..steps)
        .map(|i| ChartNode {
            kind: if i % 4 == 3 {
                NodeKind::Decision
            } else if i % 10 == 9 {
                NodeKind::Escalation
            } else {
                NodeKind::Action
            },
            text: format!(
                "{}. Check the part of the service that step {} names",
                i + 1,
                i + 1
            ),
            anchor: Some(format!("step-{}", i + 1)),
        })
        .collect();
    nodes.push(ChartNode {
        kind: NodeKind::End,
        text: "end".into(),
        anchor: None,
    });
    let mut edges = Vec::new();
    for i in 0..steps {
        let next = (i + 1).min(end);
        if i % 4 == 3 {
            edges.push(ChartEdge {
                from: i,
                to: next,
                label: Some("Yes".into()),
            });
            edges.push(ChartEdge {
                from: i,
                to: (i + 3).min(end),
                label: Some("No, and the customer is still affected".into()),
            });
            if i % 12 == 11 {
                edges.push(ChartEdge {
                    from: i,
                    to: i - 5,
                    label: Some("Not sure: check again".into()),
                });
            }
        } else {
            edges.push(ChartEdge {
                from: i,
                to: next,
                label: None,
            });
        }
    }
    Chart {
        nodes,
        edges,
        title: "Flowchart: benchmark".into(),
        id_prefix: String::new(),
        step_prefix: String::new(),
    }
}

/// Flowchart layout and SVG: time should grow linearly with the steps (compare 500 with 2,000).
#[divan::bench(args = [50, 500, 2000], sample_count = 10)]
fn flowchart(bencher: divan::Bencher, steps: usize) {
    let chart = procedure_chart(steps);
    bencher.bench(|| {
        let drawing = runbook::render::flowchart::layout(&chart);
        runbook::render::flowchart::svg(&chart, &drawing)
    });
}
