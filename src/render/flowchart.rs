//! The flowchart of a procedure as SVG: steps, decisions with labelled branches, escalations and
//! the end, laid out in layers (a small Sugiyama-style layout) with text measured in the shipped
//! font. Pure: a [`ProcedureView`] in, an SVG string out, the same for the same input.
//!
//! Layout: back edges (loops) are found by depth-first search and set aside; every other step goes
//! one layer below the lowest step leading to it; edges that skip layers get invisible waypoints;
//! a few barycentre sweeps order each layer to avoid crossings; boxes are placed left to right
//! with gaps, so no two boxes overlap by construction. Loops run back up along the right margin.

use std::fmt::Write as _;

use crate::markup;
use crate::render::metrics::{self, FONT_FAMILY};
use crate::render::view::{Destination, LocaleView, ProcedureView};
use crate::ui::UiKey;

const FONT_SIZE: f32 = 13.0;
const LINE_HEIGHT: f32 = 17.0;
const MAX_TEXT_WIDTH: f32 = 200.0;
const PADDING_X: f32 = 12.0;
const PADDING_Y: f32 = 9.0;
const GAP_X: f32 = 36.0;
const GAP_Y: f32 = 32.0;
const MARGIN: f32 = 16.0;
const LANE: f32 = 14.0;

/// What a node of the chart stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Action,
    Decision,
    Escalation,
    End,
    Procedure,
    /// An invisible waypoint of an edge that crosses layers.
    Waypoint,
}

struct Node {
    kind: Kind,
    /// Anchor in the page (step id), if any.
    id: Option<String>,
    lines: Vec<String>,
    width: f32,
    height: f32,
    layer: usize,
    x: f32,
    y: f32,
}

struct Edge {
    from: usize,
    to: usize,
    label: Option<String>,
    /// Leads back up (a loop).
    back: bool,
}

/// A laid-out box, for tests and for callers that need the geometry.
#[derive(Clone, Debug, PartialEq)]
pub struct Box2 {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// Words the chart needs in the page's language.
pub struct Words<'a> {
    /// The label of the end node.
    pub end: &'a str,
    /// The accessible title: "Flowchart: …".
    pub title: String,
    /// Makes the chart's own element ids unique in a page holding several charts.
    pub id_prefix: String,
    /// Put before a step id to make the page's anchor of the step (steps link to it).
    pub step_prefix: String,
}

/// The SVG of a procedure's flowchart.
pub fn svg(procedure: &ProcedureView<'_>, words: &Words<'_>) -> String {
    let (nodes, edges) = layout(procedure, words);
    draw(&nodes, &edges, words)
}

/// The flowchart of a procedure as one locale shows it: the end node and the accessible title in
/// the locale's words. `id_prefix` keeps the chart's own ids unique on a page; `step_prefix` is
/// put before step ids to make the page's step anchors.
pub fn for_procedure(
    view: &LocaleView<'_>,
    procedure: &ProcedureView<'_>,
    id_prefix: &str,
    step_prefix: &str,
) -> String {
    svg(
        procedure,
        &Words {
            end: view.ui.get(UiKey::ToEnd),
            title: format!(
                "{}: {}",
                view.ui.get(UiKey::Flowchart),
                markup::plain_text(procedure.title.markdown)
            ),
            id_prefix: id_prefix.to_string(),
            step_prefix: step_prefix.to_string(),
        },
    )
}

/// The boxes of the visible nodes, after layout (for tests).
pub fn boxes(procedure: &ProcedureView<'_>, words: &Words<'_>) -> Vec<Box2> {
    let (nodes, _) = layout(procedure, words);
    nodes
        .iter()
        .filter(|n| n.kind != Kind::Waypoint)
        .map(|n| Box2 {
            x: n.x,
            y: n.y,
            width: n.width,
            height: n.height,
        })
        .collect()
}

fn text_node(kind: Kind, id: Option<String>, text: &str) -> Node {
    let lines = metrics::wrap(text, FONT_SIZE, MAX_TEXT_WIDTH);
    let text_width = lines
        .iter()
        .map(|l| metrics::text_width(l, FONT_SIZE))
        .fold(0.0_f32, f32::max);
    // Decisions are drawn with pointed ends: give the text room inside them.
    let extra = if kind == Kind::Decision {
        2.0 * PADDING_X
    } else {
        0.0
    };
    Node {
        width: (text_width + 2.0 * PADDING_X + extra).ceil().max(60.0),
        height: (lines.len().max(1) as f32 * LINE_HEIGHT + 2.0 * PADDING_Y).ceil(),
        kind,
        id,
        lines,
        layer: 0,
        x: 0.0,
        y: 0.0,
    }
}

fn layout(procedure: &ProcedureView<'_>, words: &Words<'_>) -> (Vec<Node>, Vec<Edge>) {
    let count = procedure.steps.len();
    let mut nodes: Vec<Node> = procedure
        .steps
        .iter()
        .map(|step| {
            let kind = if !step.branches.is_empty() {
                Kind::Decision
            } else if step.escalation.is_some() {
                Kind::Escalation
            } else {
                Kind::Action
            };
            let text = format!(
                "{}. {}",
                step.number,
                markup::plain_text(step.title.markdown)
            );
            text_node(kind, Some(step.id.to_string()), &text)
        })
        .collect();
    let end = nodes.len();
    nodes.push(text_node(Kind::End, None, words.end));
    let mut edges = Vec::new();
    let mut procedures: Vec<String> = Vec::new();
    let mut target = |nodes: &mut Vec<Node>, to: &Destination<'_>| match to {
        Destination::Step { number, .. } => number - 1,
        Destination::End => end,
        Destination::Procedure { link, title } => match procedures.iter().position(|l| l == link) {
            Some(i) => end + 1 + i,
            None => {
                procedures.push((*link).to_string());
                nodes.push(text_node(
                    Kind::Procedure,
                    None,
                    &markup::plain_text(title.markdown),
                ));
                nodes.len() - 1
            }
        },
    };
    for (i, step) in procedure.steps.iter().enumerate() {
        if !step.branches.is_empty() {
            for branch in &step.branches {
                let to = target(&mut nodes, &branch.to);
                let label = Some(markup::plain_text(branch.label.markdown));
                edges.push(Edge {
                    from: i,
                    to,
                    label,
                    back: false,
                });
            }
        } else {
            let to = match &step.then {
                Some(destination) => target(&mut nodes, destination),
                None if i + 1 < count => i + 1,
                None => end,
            };
            edges.push(Edge {
                from: i,
                to,
                label: None,
                back: false,
            });
        }
    }
    mark_back_edges(nodes.len(), &mut edges);
    assign_layers(&mut nodes, &edges);
    let layers = add_waypoints(&mut nodes, &mut edges);
    let layers = order_layers(&nodes, &edges, layers);
    place(&mut nodes, &layers);
    (nodes, edges)
}

/// Marks edges that close a loop (they lead to a node on the current depth-first path).
fn mark_back_edges(count: usize, edges: &mut [Edge]) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; count];
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, edge) in edges.iter().enumerate() {
        outgoing[edge.from].push(index);
    }
    // Iterative DFS from the first step, then from anything unvisited, in node order.
    for root in 0..count {
        if state[root] != State::New {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = State::Open;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&e) = outgoing[node].get(*next) {
                *next += 1;
                let to = edges[e].to;
                match state[to] {
                    State::Open => edges[e].back = true,
                    State::New => {
                        state[to] = State::Open;
                        stack.push((to, 0));
                    }
                    State::Done => {}
                }
            } else {
                state[node] = State::Done;
                stack.pop();
            }
        }
    }
}

/// Longest-path layering over the forward edges (a DAG once back edges are marked), in
/// topological order, so it takes time linear in nodes and edges.
fn assign_layers(nodes: &mut [Node], edges: &[Edge]) {
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut incoming = vec![0_usize; nodes.len()];
    for edge in edges.iter().filter(|e| !e.back) {
        outgoing[edge.from].push(edge.to);
        incoming[edge.to] += 1;
    }
    let mut ready: Vec<usize> = (0..nodes.len()).filter(|&n| incoming[n] == 0).collect();
    while let Some(node) = ready.pop() {
        for &to in &outgoing[node] {
            let wanted = nodes[node].layer + 1;
            if nodes[to].layer < wanted {
                nodes[to].layer = wanted;
            }
            incoming[to] -= 1;
            if incoming[to] == 0 {
                ready.push(to);
            }
        }
    }
}

/// Splits forward edges that skip layers with invisible waypoints; returns nodes per layer.
fn add_waypoints(nodes: &mut Vec<Node>, edges: &mut Vec<Edge>) -> Vec<Vec<usize>> {
    let mut index = 0;
    while index < edges.len() {
        let (from, to) = (edges[index].from, edges[index].to);
        if !edges[index].back && nodes[to].layer > nodes[from].layer + 1 {
            let waypoint = nodes.len();
            nodes.push(Node {
                kind: Kind::Waypoint,
                id: None,
                lines: Vec::new(),
                width: 2.0,
                height: 2.0,
                layer: nodes[from].layer + 1,
                x: 0.0,
                y: 0.0,
            });
            let label = edges[index].label.take();
            edges[index].to = waypoint;
            edges[index].label = label;
            edges.push(Edge {
                from: waypoint,
                to,
                label: None,
                back: false,
            });
        }
        index += 1;
    }
    let depth = nodes.iter().map(|n| n.layer).max().unwrap_or(0) + 1;
    let mut layers = vec![Vec::new(); depth];
    for (i, node) in nodes.iter().enumerate() {
        layers[node.layer].push(i);
    }
    layers
}

/// Barycentre sweeps: each node moves toward the average position of its neighbours in the
/// layer above (downward sweep) or below (upward sweep). Ties keep the current order.
fn order_layers(nodes: &[Node], edges: &[Edge], mut layers: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    // Each node's forward neighbours above and below, and each node's place in its layer.
    let mut above: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut below: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for edge in edges.iter().filter(|e| !e.back) {
        above[edge.to].push(edge.from);
        below[edge.from].push(edge.to);
    }
    let mut place = vec![0_usize; nodes.len()];
    for layer in &layers {
        for (i, &node) in layer.iter().enumerate() {
            place[node] = i;
        }
    }
    for sweep in 0..4 {
        let down = sweep % 2 == 0;
        let range: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for layer in range {
            let neighbour_layer = if down { layer - 1 } else { layer + 1 };
            let mut keyed: Vec<(f32, usize, usize)> = layers[layer]
                .iter()
                .enumerate()
                .map(|(current, &node)| {
                    let neighbours: Vec<usize> = if down { &above[node] } else { &below[node] }
                        .iter()
                        .filter(|&&other| nodes[other].layer == neighbour_layer)
                        .map(|&other| place[other])
                        .collect();
                    let key = if neighbours.is_empty() {
                        current as f32
                    } else {
                        neighbours.iter().sum::<usize>() as f32 / neighbours.len() as f32
                    };
                    (key, current, node)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[layer] = keyed.into_iter().map(|(_, _, node)| node).collect();
            for (i, &node) in layers[layer].iter().enumerate() {
                place[node] = i;
            }
        }
    }
    layers
}

/// Coordinates: layers top to bottom, nodes left to right with gaps, each layer centred.
fn place(nodes: &mut [Node], layers: &[Vec<usize>]) {
    let widths: Vec<f32> = layers
        .iter()
        .map(|layer| {
            layer.iter().map(|&n| nodes[n].width).sum::<f32>()
                + GAP_X * layer.len().saturating_sub(1) as f32
        })
        .collect();
    let widest = widths.iter().copied().fold(0.0_f32, f32::max);
    let mut y = MARGIN;
    for (layer, width) in layers.iter().zip(&widths) {
        let mut x = MARGIN + (widest - width) / 2.0;
        let height = layer
            .iter()
            .map(|&n| nodes[n].height)
            .fold(0.0_f32, f32::max);
        for &n in layer {
            nodes[n].x = x.round();
            nodes[n].y = (y + (height - nodes[n].height) / 2.0).round();
            x += nodes[n].width + GAP_X;
        }
        y += height + GAP_Y;
    }
}

fn escape(text: &str) -> String {
    markup::escape_html(text)
}

fn draw(nodes: &[Node], edges: &[Edge], words: &Words<'_>) -> String {
    let title = words.title.as_str();
    let arrow = format!("{}arrow", words.id_prefix);
    let step_prefix = words.step_prefix.as_str();
    let visible = || nodes.iter().filter(|n| n.kind != Kind::Waypoint);
    let right = visible().map(|n| n.x + n.width).fold(0.0_f32, f32::max);
    let bottom = visible().map(|n| n.y + n.height).fold(0.0_f32, f32::max);
    let back_count = edges.iter().filter(|e| e.back).count() as f32;
    let width = (right + MARGIN + LANE * (back_count + 1.0)).ceil();
    let height = (bottom + MARGIN).ceil();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="flowchart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="group" aria-label="{}" font-family="{FONT_FAMILY}, 'Noto Sans CJK JP', 'Hiragino Sans', sans-serif" font-size="{FONT_SIZE}">"#,
        escape(title)
    );
    let _ = write!(
        svg,
        r#"<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>"#
    );
    // Edges under boxes; decision branches leave from ports spread along the box bottom.
    let mut lane = 0.0;
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (index, edge) in edges.iter().enumerate() {
        outgoing[edge.from].push(index);
    }
    for (index, edge) in edges.iter().enumerate() {
        let from = &nodes[edge.from];
        let to = &nodes[edge.to];
        let siblings = &outgoing[edge.from];
        let slot = siblings.iter().position(|&e| e == index).unwrap_or(0) as f32;
        let start_x = if from.kind == Kind::Waypoint {
            from.x + 1.0
        } else {
            from.x + from.width * (slot + 1.0) / (siblings.len() as f32 + 1.0)
        };
        let start_y = from.y + from.height;
        let ends_at_waypoint = to.kind == Kind::Waypoint;
        let path = if edge.back {
            lane += 1.0;
            let lane_x = right + LANE * lane;
            let end_y = to.y + to.height / 2.0;
            format!(
                "M{start_x},{start_y} V{} H{lane_x} V{end_y} H{}",
                start_y + GAP_Y / 4.0,
                to.x + to.width
            )
        } else {
            let end_x = to.x + to.width / 2.0;
            let end_y = if ends_at_waypoint { to.y + 1.0 } else { to.y };
            let mid_y = start_y + GAP_Y / 2.0;
            format!("M{start_x},{start_y} V{mid_y} H{end_x} V{end_y}")
        };
        let marker = if ends_at_waypoint {
            String::new()
        } else {
            format!(r#" marker-end="url(#{arrow})""#)
        };
        let _ = write!(
            svg,
            r#"<path class="edge" d="{path}" fill="none" stroke="currentColor"{marker}/>"#
        );
        if let Some(label) = &edge.label {
            let label_width = metrics::text_width(label, FONT_SIZE - 2.0) + 6.0;
            let x = start_x + 3.0;
            let y = start_y + 3.0;
            let _ = write!(
                svg,
                r##"<g class="edge-label"><rect x="{x}" y="{y}" width="{label_width}" height="{}" rx="3" fill="#fff"/><text x="{}" y="{}" font-size="{}">{}</text></g>"##,
                FONT_SIZE + 2.0,
                x + 3.0,
                y + FONT_SIZE - 1.0,
                FONT_SIZE - 2.0,
                escape(label)
            );
        }
    }
    for (index, node) in nodes.iter().enumerate() {
        if node.kind == Kind::Waypoint {
            continue;
        }
        let (x, y, w, h) = (node.x, node.y, node.width, node.height);
        let class = match node.kind {
            Kind::Action => "action",
            Kind::Decision => "decision",
            Kind::Escalation => "escalation",
            Kind::End => "end",
            Kind::Procedure => "procedure",
            Kind::Waypoint => "",
        };
        let _ = write!(svg, r#"<g class="node {class}">"#);
        match node.kind {
            Kind::Decision => {
                let tip = PADDING_X;
                let _ = write!(
                    svg,
                    r##"<polygon points="{},{y} {},{y} {},{} {},{} {},{} {x},{}" fill="#f2f2f2" stroke="#111"/>"##,
                    x + tip,
                    x + w - tip,
                    x + w,
                    y + h / 2.0,
                    x + w - tip,
                    y + h,
                    x + tip,
                    y + h,
                    y + h / 2.0
                );
            }
            Kind::End => {
                let _ = write!(
                    svg,
                    r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{}" fill="#e6e6e6" stroke="#111"/>"##,
                    h / 2.0
                );
            }
            _ => {
                let (width, dash) = match node.kind {
                    Kind::Escalation => (2.5, ""),
                    Kind::Procedure => (1.0, r#" stroke-dasharray="4 3""#),
                    _ => (1.0, ""),
                };
                let _ = write!(
                    svg,
                    r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="#fff" stroke="#111" stroke-width="{width}"{dash}/>"##
                );
            }
        }
        // The invisible box tests and tools read the geometry from.
        let _ = write!(
            svg,
            r#"<rect class="box" data-node="{index}" x="{x}" y="{y}" width="{w}" height="{h}" fill="none" stroke="none"/>"#
        );
        let text_x = x + w / 2.0;
        let first_y = y + PADDING_Y + FONT_SIZE - 1.0;
        // A step's label links to the step on the page.
        if let Some(id) = &node.id {
            let _ = write!(svg, r##"<a href="#{step_prefix}{}">"##, escape(id));
        }
        let _ = write!(
            svg,
            r#"<text x="{text_x}" y="{first_y}" text-anchor="middle">"#
        );
        for (i, line) in node.lines.iter().enumerate() {
            let dy = if i == 0 { 0.0 } else { LINE_HEIGHT };
            let _ = write!(
                svg,
                r#"<tspan x="{text_x}" dy="{dy}">{}</tspan>"#,
                escape(line)
            );
        }
        svg.push_str("</text>");
        if node.id.is_some() {
            svg.push_str("</a>");
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}
