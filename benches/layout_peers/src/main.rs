//! Lays the same flowcharts out with runbook's layout and with two maintained layered-layout
//! crates (dugong, a port of dagre with edge-label placement; rust-sugiyama), giving every engine
//! the same box and label sizes, then measures each drawing the same way: crossings, bends, area,
//! and the defects a reader could be misled by (edges on one line, edges through boxes, labels on
//! boxes, labels or other edges).
//!
//! Charts: the sample procedure, the real-shaped fixture procedure, and 300 random procedures.

use std::path::Path;

use runbook::render::flowchart::{Chart, ChartEdge, ChartNode, NodeKind, layout};

type Rect = (f64, f64, f64, f64);

/// A drawing in engine-neutral terms.
struct Picture {
    boxes: Vec<Rect>,
    edges: Vec<Vec<(f64, f64)>>,
    /// Label rectangles with the edge they belong to.
    labels: Vec<(Rect, usize)>,
}

#[derive(Default, Clone, Copy)]
struct Score {
    crossings: usize,
    bends: usize,
    area: f64,
    shared: usize,
    through_box: usize,
    label_on_box: usize,
    label_on_label: usize,
    label_on_edge: usize,
    charts_with_defects: usize,
}

fn cross(o: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
}

/// Proper crossing of two segments (not at an end of either).
fn crosses(a: ((f64, f64), (f64, f64)), b: ((f64, f64), (f64, f64))) -> bool {
    let d1 = cross(b.0, b.1, a.0);
    let d2 = cross(b.0, b.1, a.1);
    let d3 = cross(a.0, a.1, b.0);
    let d4 = cross(a.0, a.1, b.1);
    d1 * d2 < -1e-6 && d3 * d4 < -1e-6
}

/// Two segments on one line, overlapping over more than a pixel.
fn shared(a: ((f64, f64), (f64, f64)), b: ((f64, f64), (f64, f64))) -> bool {
    let length = ((a.1.0 - a.0.0).powi(2) + (a.1.1 - a.0.1).powi(2)).sqrt();
    if length < 1e-9 {
        return false;
    }
    let distance = |p: (f64, f64)| cross(a.0, a.1, p).abs() / length;
    if distance(b.0) > 2.0 || distance(b.1) > 2.0 {
        return false;
    }
    let dir = ((a.1.0 - a.0.0) / length, (a.1.1 - a.0.1) / length);
    let project = |p: (f64, f64)| (p.0 - a.0.0) * dir.0 + (p.1 - a.0.1) * dir.1;
    let (b1, b2) = (project(b.0), project(b.1));
    let overlap = length.min(b1.max(b2)) - 0.0_f64.max(b1.min(b2));
    overlap > 1.0
}

/// Whether a segment enters a rectangle's inside, shrunk by `inset` (Liang–Barsky).
fn enters(s: ((f64, f64), (f64, f64)), r: Rect, inset: f64) -> bool {
    let (x0, y0, x1, y1) = (
        r.0 + inset,
        r.1 + inset,
        r.0 + r.2 - inset,
        r.1 + r.3 - inset,
    );
    if x1 <= x0 || y1 <= y0 {
        return false;
    }
    let (dx, dy) = (s.1.0 - s.0.0, s.1.1 - s.0.1);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (p, q) in [
        (-dx, s.0.0 - x0),
        (dx, x1 - s.0.0),
        (-dy, s.0.1 - y0),
        (dy, y1 - s.0.1),
    ] {
        if p.abs() < 1e-12 {
            if q <= 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t1 - t0 > 1e-6
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

fn segments(points: &[(f64, f64)]) -> Vec<((f64, f64), (f64, f64))> {
    points.windows(2).map(|w| (w[0], w[1])).collect()
}

fn score(picture: &Picture) -> Score {
    let mut s = Score::default();
    let lines: Vec<_> = picture.edges.iter().map(|e| segments(e)).collect();
    for (i, a) in lines.iter().enumerate() {
        for b in &lines[i + 1..] {
            for &x in a {
                for &y in b {
                    if shared(x, y) {
                        s.shared += 1;
                    } else if crosses(x, y) {
                        s.crossings += 1;
                    }
                }
            }
        }
    }
    for line in lines.iter().flatten() {
        s.through_box += picture
            .boxes
            .iter()
            .filter(|&&b| enters(*line, b, 1.0))
            .count();
    }
    for (i, &(label, edge)) in picture.labels.iter().enumerate() {
        s.label_on_box += picture.boxes.iter().filter(|&&b| overlap(label, b)).count();
        s.label_on_label += picture.labels[i + 1..]
            .iter()
            .filter(|(other, _)| overlap(label, *other))
            .count();
        s.label_on_edge += lines
            .iter()
            .enumerate()
            .filter(|(e, _)| *e != edge)
            .filter(|(_, l)| l.iter().any(|&x| enters(x, label, 0.0)))
            .count();
    }
    s.bends = picture
        .edges
        .iter()
        .map(|e| e.len().saturating_sub(2))
        .sum();
    let (mut left, mut top, mut right, mut bottom) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut grow = |x: f64, y: f64| {
        left = left.min(x);
        top = top.min(y);
        right = right.max(x);
        bottom = bottom.max(y);
    };
    for b in &picture.boxes {
        grow(b.0, b.1);
        grow(b.0 + b.2, b.1 + b.3);
    }
    for (l, _) in &picture.labels {
        grow(l.0, l.1);
        grow(l.0 + l.2, l.1 + l.3);
    }
    for &(x, y) in picture.edges.iter().flatten() {
        grow(x, y);
    }
    s.area = (right - left) * (bottom - top);
    let defects = s.shared + s.through_box + s.label_on_box + s.label_on_label + s.label_on_edge;
    s.charts_with_defects = usize::from(defects > 0);
    s
}

/// runbook's own layout.
fn ours(chart: &Chart) -> Picture {
    let drawing = layout(chart);
    let rect = |r: runbook::render::flowchart::layout::Rect| {
        (r.x as f64, r.y as f64, r.width as f64, r.height as f64)
    };
    Picture {
        boxes: drawing.nodes.iter().map(|n| rect(n.rect)).collect(),
        edges: drawing
            .edges
            .iter()
            .map(|e| {
                e.points
                    .iter()
                    .map(|&(x, y)| (x as f64, y as f64))
                    .collect()
            })
            .collect(),
        labels: drawing
            .edges
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.label.as_ref().map(|l| (rect(l.rect), i)))
            .collect(),
    }
}

/// Box and label sizes as runbook measures them, for the other engines.
fn sizes(chart: &Chart) -> (Vec<(f64, f64)>, Vec<Option<(f64, f64)>>) {
    let drawing = layout(chart);
    (
        drawing
            .nodes
            .iter()
            .map(|n| (n.rect.width as f64, n.rect.height as f64))
            .collect(),
        drawing
            .edges
            .iter()
            .map(|e| {
                e.label
                    .as_ref()
                    .map(|l| (l.rect.width as f64, l.rect.height as f64))
            })
            .collect(),
    )
}

/// dugong: dagre's pipeline, which also places edge labels.
fn dagre(chart: &Chart) -> Picture {
    use dugong::graphlib::{Graph, GraphOptions};
    use dugong::{EdgeLabel, GraphLabel, NodeLabel};
    let (boxes, labels) = sizes(chart);
    let mut g: Graph<NodeLabel, EdgeLabel, GraphLabel> = Graph::new(GraphOptions {
        multigraph: true,
        compound: false,
        directed: true,
    });
    g.set_graph(GraphLabel {
        nodesep: 36.0,
        ranksep: 32.0,
        edgesep: 14.0,
        ..GraphLabel::default()
    });
    for (i, &(width, height)) in boxes.iter().enumerate() {
        g.set_node(
            format!("n{i}"),
            NodeLabel {
                width,
                height,
                ..NodeLabel::default()
            },
        );
    }
    for (k, edge) in chart.edges.iter().enumerate() {
        let (width, height) = labels[k].unwrap_or((0.0, 0.0));
        g.set_edge_named(
            format!("n{}", edge.from),
            format!("n{}", edge.to),
            Some(format!("e{k}")),
            Some(EdgeLabel {
                width,
                height,
                ..EdgeLabel::default()
            }),
        );
    }
    dugong::layout_dagreish(&mut g);
    let placed: Vec<Rect> = boxes
        .iter()
        .enumerate()
        .map(|(i, &(w, h))| {
            let n = g.node(&format!("n{i}")).expect("node laid out");
            (
                n.x.unwrap_or(0.0) - w / 2.0,
                n.y.unwrap_or(0.0) - h / 2.0,
                w,
                h,
            )
        })
        .collect();
    let mut edges = Vec::new();
    let mut label_rects = Vec::new();
    for (k, edge) in chart.edges.iter().enumerate() {
        let e = g
            .edge(
                &format!("n{}", edge.from),
                &format!("n{}", edge.to),
                Some(&format!("e{k}")),
            )
            .expect("edge laid out");
        edges.push(e.points.iter().map(|p| (p.x, p.y)).collect());
        if let (Some((w, h)), Some(x), Some(y)) = (labels[k], e.x, e.y) {
            label_rects.push(((x - w / 2.0, y - h / 2.0, w, h), k));
        }
    }
    Picture {
        boxes: placed,
        edges,
        labels: label_rects,
    }
}

/// rust-sugiyama: node positions only; edges drawn straight from the source's bottom to the
/// target's top, labels left out (it places none).
fn sugiyama(chart: &Chart) -> Picture {
    let (boxes, _) = sizes(chart);
    let vertices: Vec<(u32, (f64, f64))> = boxes
        .iter()
        .enumerate()
        .map(|(i, &size)| (i as u32, size))
        .collect();
    let edges: Vec<(u32, u32)> = chart
        .edges
        .iter()
        .map(|e| (e.from as u32, e.to as u32))
        .collect();
    let config = rust_sugiyama::configure::Config {
        vertex_spacing: 36.0,
        ..Default::default()
    };
    let layouts = rust_sugiyama::from_vertices_and_edges(&vertices, &edges, &config);
    let mut centre = vec![(0.0, 0.0); boxes.len()];
    let mut offset = 0.0;
    for (coordinates, width, _) in &layouts {
        for &(v, (x, y)) in coordinates {
            centre[v] = (x + offset, y);
        }
        offset += width + 36.0;
    }
    // Layers come out `vertex_spacing` apart: spread them so the tallest boxes fit.
    let tallest = boxes.iter().map(|b| b.1).fold(0.0, f64::max);
    let placed: Vec<Rect> = boxes
        .iter()
        .enumerate()
        .map(|(i, &(w, h))| {
            let (x, y) = centre[i];
            let y = y / 36.0 * (tallest + 32.0);
            (x - w / 2.0, y - h / 2.0, w, h)
        })
        .collect();
    let lines = chart
        .edges
        .iter()
        .map(|e| {
            let (a, b) = (placed[e.from], placed[e.to]);
            vec![(a.0 + a.2 / 2.0, a.1 + a.3), (b.0 + b.2 / 2.0, b.1)]
        })
        .collect();
    Picture {
        boxes: placed,
        edges: lines,
        labels: Vec::new(),
    }
}

fn random_chart(rng: &mut fastrand::Rng) -> Chart {
    let count = rng.usize(3..16);
    let mut nodes: Vec<ChartNode> = (0..count)
        .map(|i| ChartNode {
            kind: NodeKind::Action,
            text: format!("{}. Step number {} of the procedure", i + 1, i + 1),
            anchor: None,
        })
        .collect();
    let end = count;
    nodes.push(ChartNode {
        kind: NodeKind::End,
        text: "end".into(),
        anchor: None,
    });
    let answers = [
        "Yes",
        "No",
        "No, and it is urgent for the customer",
        "Not sure yet",
    ];
    let mut edges = Vec::new();
    for i in 0..count {
        let target = |rng: &mut fastrand::Rng| match rng.u8(0..8) {
            0 => end,
            1 if i > 0 => rng.usize(0..i),
            _ => (i + rng.usize(1..4)).min(end),
        };
        if rng.u8(0..5) < 2 {
            nodes[i].kind = NodeKind::Decision;
            for _ in 0..rng.usize(2..4) {
                let to = target(rng);
                edges.push(ChartEdge {
                    from: i,
                    to,
                    label: Some(answers[rng.usize(0..answers.len())].into()),
                });
            }
        } else {
            edges.push(ChartEdge {
                from: i,
                to: (i + 1).min(end),
                label: None,
            });
        }
    }
    Chart {
        nodes,
        edges,
        title: "random".into(),
        id_prefix: String::new(),
        step_prefix: String::new(),
    }
}

fn project_chart(root: &Path) -> Chart {
    let checked = runbook::check(root).expect("the project checks");
    let view = runbook::view::LocaleView::new(&checked.site, &checked.config, "en");
    let procedure = &checked.site.procedures[0];
    Chart::of(&view, &view.procedure(procedure), "", "")
}

fn add(total: &mut Score, s: Score) {
    total.crossings += s.crossings;
    total.bends += s.bends;
    total.area += s.area;
    total.shared += s.shared;
    total.through_box += s.through_box;
    total.label_on_box += s.label_on_box;
    total.label_on_label += s.label_on_label;
    total.label_on_edge += s.label_on_edge;
    total.charts_with_defects += s.charts_with_defects;
}

fn row(set: &str, engine: &str, s: Score, charts: usize) {
    println!(
        "| {set} | {engine} | {} | {} | {:.0} | {} | {} | {} | {} | {} | {} of {charts} |",
        s.crossings,
        s.bends,
        s.area / 1000.0,
        s.shared,
        s.through_box,
        s.label_on_box,
        s.label_on_label,
        s.label_on_edge,
        s.charts_with_defects
    );
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sample = project_chart(&root);
    let fixture = project_chart(&root.join("tests/fixtures/flowchart"));
    let mut rng = fastrand::Rng::with_seed(16);
    let random: Vec<Chart> = (0..300).map(|_| random_chart(&mut rng)).collect();
    println!(
        "| charts | engine | crossings | bends | area (k px²) | edges on one line | edges through boxes | labels on boxes | labels on labels | labels on other edges | charts with a defect |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    type Engine = fn(&Chart) -> Picture;
    let engines: [(&str, Engine); 3] = [
        ("runbook", ours),
        ("dugong 0.4 (dagre)", dagre),
        ("rust-sugiyama 0.4", sugiyama),
    ];
    for (set, charts) in [
        ("sample", std::slice::from_ref(&sample)),
        ("fixture", std::slice::from_ref(&fixture)),
        ("300 random", random.as_slice()),
    ] {
        for (name, engine) in engines {
            let mut total = Score::default();
            let mut unfinished = 0;
            for chart in charts {
                // An engine gets ten seconds a chart; one that loops is counted, not waited for.
                let (send, receive) = std::sync::mpsc::channel();
                let chart = chart.clone();
                std::thread::spawn(move || {
                    let _ = send.send(score(&engine(&chart)));
                });
                match receive.recv_timeout(std::time::Duration::from_secs(10)) {
                    Ok(s) => add(&mut total, s),
                    Err(_) => unfinished += 1,
                }
            }
            row(set, name, total, charts.len() - unfinished);
            if unfinished > 0 {
                println!(
                    "|  | ({name}: {unfinished} charts unfinished after 10 s each, left out) |"
                );
            }
        }
    }
    // Threads still looping end with the process.
    std::process::exit(0);
}
