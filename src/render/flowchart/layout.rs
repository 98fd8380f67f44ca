//! Layered layout with orthogonal edge routing: a [`Chart`] in, a [`Drawing`] out.
//!
//! The drawing is correct by construction rather than by luck:
//! - every edge is one path from its own port on its source to its own port on its target;
//! - paths turn only in the channels between layers, each turning edge on a track (a height) of
//!   its own, so no two edges share a horizontal segment, and vertical segments stand at distinct
//!   ports, waypoint columns or loop lanes, so no two share a vertical one;
//! - nothing runs through a layer except at a port, a waypoint column (kept clear of boxes) or a
//!   loop lane (right of everything);
//! - a decision is wide enough to set each answer's label beside its own port, in a band under
//!   the decision that only those ports cross.
//!
//! Stages: back edges (loops) found by depth-first search from the first step, in the authors'
//! order; longest-path layers; waypoints for edges that skip layers; barycentre sweeps keeping
//! the order with the fewest crossings; ports; x by the priority method per layer, which lines
//! long edges and then each node's main edge up straight where the order allows, so the first
//! answer's path runs straight down; ports slid to straighten small jogs and to keep arriving
//! lines out of the columns of leaving ones; tracks ordered to avoid crossings; y.
//! Each stage is linear in nodes and edges, except track ordering, quadratic in the edges
//! turning in one channel (a handful).

use crate::metrics;

use super::{Chart, NodeKind};

/// Font size of step text, in px.
pub const FONT_SIZE: f32 = 13.0;
/// Line height of step text.
pub const LINE_HEIGHT: f32 = 17.0;
/// Font size of answer labels, in px (never below 12: readable on a phone without zoom).
pub const LABEL_FONT_SIZE: f32 = 12.0;
/// Line height of answer labels.
pub const LABEL_LINE_HEIGHT: f32 = 15.0;
const MAX_TEXT_WIDTH: f32 = 200.0;
const MAX_LABEL_WIDTH: f32 = 120.0;
const PADDING_X: f32 = 12.0;
const PADDING_Y: f32 = 9.0;
/// Horizontal gap between two boxes of a layer.
const GAP_BOXES: f32 = 36.0;
/// Gap between a box and a waypoint column.
const GAP_WAYPOINT: f32 = 18.0;
/// Gap between two waypoint columns, and between loop lanes.
const GAP_COLUMNS: f32 = 14.0;
/// Least distance between two ports of one side of a box, and from a port to a corner.
const PORT_SPACING: f32 = 14.0;
/// Vertical distance between tracks of a channel.
const TRACK_SPACING: f32 = 9.0;
/// Least height of a channel between layers.
const MIN_CHANNEL: f32 = 28.0;
/// Space between a port's line and its label.
const LABEL_GAP: f32 = 4.0;
/// Space after a label before the next port.
const LABEL_AFTER: f32 = 14.0;
/// Label padding inside its background.
const LABEL_PAD: f32 = 3.0;
/// Margin around the drawing.
pub const MARGIN: f32 = 16.0;

/// An axis-aligned rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

impl Rect {
    /// Bottom edge.
    pub fn bottom(&self) -> f32 {
        self.y + self.height
    }
}

/// A node of the chart, placed.
#[derive(Clone, Debug)]
pub struct PlacedNode {
    /// Its box.
    pub rect: Rect,
    /// Its text, wrapped.
    pub lines: Vec<String>,
}

/// An answer's label, placed beside its edge.
#[derive(Clone, Debug)]
pub struct PlacedLabel {
    /// Its background.
    pub rect: Rect,
    /// Its text, wrapped.
    pub lines: Vec<String>,
}

/// An edge of the chart, routed.
#[derive(Clone, Debug)]
pub struct PlacedEdge {
    /// Corner points from the source's port to the target's port (orthogonal segments).
    pub points: Vec<(f32, f32)>,
    /// The answer's label, for a decision's edge.
    pub label: Option<PlacedLabel>,
}

/// A laid-out chart: the nodes and edges of the [`Chart`] in its order, with geometry.
#[derive(Clone, Debug)]
pub struct Drawing {
    /// Width of the drawing.
    pub width: f32,
    /// Height of the drawing.
    pub height: f32,
    /// One per chart node.
    pub nodes: Vec<PlacedNode>,
    /// One per chart edge.
    pub edges: Vec<PlacedEdge>,
    /// Heights at which the drawing may be cut into pages: under each layer's label band, where
    /// only vertical lines cross.
    pub cuts: Vec<f32>,
}

/// A node of the layout: a chart node or a waypoint of an edge that skips layers.
struct Item {
    /// The chart node, or `None` for a waypoint.
    node: Option<usize>,
    width: f32,
    height: f32,
    layer: usize,
    x: f32,
    /// Edge ends on the top side, left to right (indices into `segments`, or back edges).
    ins: Vec<End>,
    /// Edge ends on the bottom side, left to right.
    outs: Vec<End>,
    /// Offsets from the left of the box of the ports in `ins` and `outs`.
    in_ports: Vec<f32>,
    out_ports: Vec<f32>,
    /// Whether its bottom side carries answer labels (its ports then stay where they are).
    labelled: bool,
}

impl Item {
    /// The offset from the item's left of the port of `end`, on the bottom side (`out`) or the
    /// top side.
    fn port(&self, end: End, out: bool) -> f32 {
        let (ends, ports) = if out {
            (&self.outs, &self.out_ports)
        } else {
            (&self.ins, &self.in_ports)
        };
        let slot = ends.iter().position(|&e| e == end).unwrap_or(0);
        ports.get(slot).copied().unwrap_or(self.width / 2.0)
    }
}

/// One end of a piece of an edge at an item.
#[derive(Clone, Copy, PartialEq, Debug)]
enum End {
    /// A forward segment between adjacent layers.
    Segment(usize),
    /// A back edge (a loop), by chart edge index.
    Back(usize),
}

/// A forward piece of an edge between adjacent layers.
struct Segment {
    edge: usize,
    upper: usize,
    lower: usize,
}

fn measure(text: &str, size: f32, max: f32) -> (Vec<String>, f32) {
    let lines = metrics::wrap(text, size, max);
    let width = lines
        .iter()
        .map(|l| metrics::text_width(l, size))
        .fold(0.0_f32, f32::max);
    (lines, width)
}

/// Lays a chart out.
pub fn layout(chart: &Chart) -> Drawing {
    let node_count = chart.nodes.len();
    // Text of nodes and labels.
    let mut nodes: Vec<PlacedNode> = Vec::with_capacity(node_count);
    let mut items: Vec<Item> = Vec::with_capacity(node_count);
    for (index, node) in chart.nodes.iter().enumerate() {
        let (lines, text_width) = measure(&node.text, FONT_SIZE, MAX_TEXT_WIDTH);
        let pointed = if node.kind == NodeKind::Decision {
            2.0 * PADDING_X
        } else {
            0.0
        };
        let width = (text_width + 2.0 * PADDING_X + pointed).ceil().max(60.0);
        let height = (lines.len().max(1) as f32 * LINE_HEIGHT + 2.0 * PADDING_Y).ceil();
        nodes.push(PlacedNode {
            rect: Rect {
                x: 0.0,
                y: 0.0,
                width,
                height,
            },
            lines,
        });
        items.push(Item {
            node: Some(index),
            width,
            height,
            layer: 0,
            x: 0.0,
            ins: Vec::new(),
            outs: Vec::new(),
            in_ports: Vec::new(),
            out_ports: Vec::new(),
            labelled: false,
        });
    }
    let labels: Vec<Option<(Vec<String>, f32)>> = chart
        .edges
        .iter()
        .map(|e| {
            e.label.as_ref().map(|text| {
                let (lines, width) = measure(text, LABEL_FONT_SIZE, MAX_LABEL_WIDTH);
                (lines, (width + 2.0 * LABEL_PAD).ceil())
            })
        })
        .collect();
    // The first edge out of each node is its main one (the first answer, or the plain flow).
    let mut main = vec![false; chart.edges.len()];
    let mut seen = vec![false; node_count];
    for (index, edge) in chart.edges.iter().enumerate() {
        if !seen[edge.from] {
            seen[edge.from] = true;
            main[index] = true;
        }
    }

    let back = back_edges(chart);
    layers(chart, &back, &mut items);
    let (segments, chains) = split_long_edges(chart, &back, &mut items);
    let depth = items.iter().map(|i| i.layer).max().unwrap_or(0) + 1;
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (index, item) in items.iter().enumerate() {
        order[item.layer].push(index);
    }
    let order = reduce_crossings(&items, &segments, order);
    let mut position = vec![0_usize; items.len()];
    for layer in &order {
        for (i, &item) in layer.iter().enumerate() {
            position[item] = i;
        }
    }
    let lanes = assign_lanes(chart, &back, &items);
    assign_ports(
        chart, &back, &segments, &position, &lanes, &labels, &mut items,
    );
    place_x(&mut items, &order, &segments, &main);
    straighten(&mut items, &segments);
    separate_columns(&mut items);

    // Loop lanes right of everything.
    let right = items.iter().map(|i| i.x + i.width).fold(MARGIN, f32::max);
    let lane_x: Vec<f32> = (0..lanes.count)
        .map(|lane| right + GAP_COLUMNS * (lane as f32 + 1.0))
        .collect();

    // Label bands and tracks per channel. Channel `c + 1` lies under layer `c`; channel 0 above
    // layer 0.
    let port_x = |items: &[Item], item: usize, end: End, out: bool| -> f32 {
        items[item].x + items[item].port(end, out)
    };
    let mut band = vec![0.0_f32; depth + 1];
    for (index, edge) in chart.edges.iter().enumerate() {
        if let Some((lines, _)) = &labels[index] {
            let layer = items[edge.from].layer;
            let height = lines.len() as f32 * LABEL_LINE_HEIGHT + 2.0;
            band[layer + 1] = band[layer + 1].max(height + 6.0);
        }
    }
    // Every piece that turns in a channel: (channel, kind).
    let mut turns: Vec<Vec<Turn>> = vec![Vec::new(); depth + 1];
    for (index, segment) in segments.iter().enumerate() {
        let top = port_x(&items, segment.upper, End::Segment(index), true);
        let bottom = port_x(&items, segment.lower, End::Segment(index), false);
        if (top - bottom).abs() > 0.01 {
            turns[items[segment.upper].layer + 1].push(Turn {
                piece: Piece::Segment(index),
                upper: vec![top],
                lower: vec![bottom],
                span: (top.min(bottom), top.max(bottom)),
                track: 0,
            });
        }
    }
    for (index, edge) in chart.edges.iter().enumerate() {
        if !back[index] {
            continue;
        }
        let lane = lane_x[lanes.of_edge[index]];
        let start = port_x(&items, edge.from, End::Back(index), true);
        let end = port_x(&items, edge.to, End::Back(index), false);
        turns[items[edge.from].layer + 1].push(Turn {
            piece: Piece::LoopOut(index),
            upper: vec![start, lane],
            lower: Vec::new(),
            span: (start, lane),
            track: 0,
        });
        turns[items[edge.to].layer].push(Turn {
            piece: Piece::LoopIn(index),
            upper: Vec::new(),
            lower: vec![end, lane],
            span: (end, lane),
            track: 0,
        });
    }
    for channel in &mut turns {
        order_tracks(channel);
    }

    // Heights: channel, layer, channel, layer, …, channel.
    let mut layer_top = vec![0.0_f32; depth];
    let mut channel_top = vec![0.0_f32; depth + 1];
    let mut y = MARGIN;
    let channel_height = |c: usize| -> f32 {
        let tracks = turns[c].len() as f32;
        let needed = band[c] + (tracks + 1.0) * TRACK_SPACING;
        if c == 0 {
            if turns[c].is_empty() { 0.0 } else { needed }
        } else if c == depth {
            if turns[c].is_empty() && band[c] == 0.0 {
                0.0
            } else {
                needed
            }
        } else {
            needed.max(MIN_CHANNEL)
        }
    };
    let mut layer_height = vec![0.0_f32; depth];
    for item in &items {
        layer_height[item.layer] = layer_height[item.layer].max(item.height);
    }
    for layer in 0..depth {
        channel_top[layer] = y;
        y += channel_height(layer);
        layer_top[layer] = y;
        y += layer_height[layer];
    }
    channel_top[depth] = y;
    y += channel_height(depth);
    let height = (y + MARGIN).ceil();
    let track_y = |channel: usize, track: usize| -> f32 {
        channel_top[channel] + band[channel] + TRACK_SPACING * (track as f32 + 1.0)
    };
    let mut track_of = std::collections::HashMap::new();
    for (c, channel) in turns.iter().enumerate() {
        for turn in channel {
            track_of.insert(turn.piece, track_y(c, turn.track));
        }
    }

    // Boxes.
    for item in &items {
        if let Some(node) = item.node {
            nodes[node].rect.x = item.x;
            nodes[node].rect.y = layer_top[item.layer];
            nodes[node].rect.width = item.width;
        }
    }
    let bottom_of = |item: usize| -> f32 {
        let it = &items[item];
        match it.node {
            Some(_) => layer_top[it.layer] + it.height,
            None => layer_top[it.layer] + layer_height[it.layer],
        }
    };

    // Paths.
    let mut edges: Vec<PlacedEdge> = Vec::with_capacity(chart.edges.len());
    for (index, edge) in chart.edges.iter().enumerate() {
        let mut points: Vec<(f32, f32)> = Vec::new();
        if back[index] {
            let start = port_x(&items, edge.from, End::Back(index), true);
            let end = port_x(&items, edge.to, End::Back(index), false);
            let lane = lane_x[lanes.of_edge[index]];
            let out_y = track_of[&Piece::LoopOut(index)];
            let in_y = track_of[&Piece::LoopIn(index)];
            points.extend([
                (start, bottom_of(edge.from)),
                (start, out_y),
                (lane, out_y),
                (lane, in_y),
                (end, in_y),
                (end, layer_top[items[edge.to].layer]),
            ]);
        } else {
            let chain = &chains[index];
            for &s in chain {
                let segment = &segments[s];
                let top = port_x(&items, segment.upper, End::Segment(s), true);
                let bottom = port_x(&items, segment.lower, End::Segment(s), false);
                if points.is_empty() {
                    points.push((top, bottom_of(segment.upper)));
                }
                if let Some(&y) = track_of.get(&Piece::Segment(s)) {
                    points.push((top, y));
                    points.push((bottom, y));
                }
                let lower = &items[segment.lower];
                points.push((bottom, layer_top[lower.layer]));
            }
        }
        let label = labels[index].as_ref().map(|(lines, width)| {
            let (x, y) = points[0];
            let layer = items[edge.from].layer;
            PlacedLabel {
                rect: Rect {
                    x: x + LABEL_GAP,
                    y: (layer_top[layer] + layer_height[layer]).max(y) + 2.0,
                    width: *width,
                    height: lines.len() as f32 * LABEL_LINE_HEIGHT + 2.0,
                },
                lines: lines.clone(),
            }
        });
        edges.push(PlacedEdge {
            points: simplify(points),
            label,
        });
    }
    let width = (lane_x.last().copied().unwrap_or(right) + MARGIN).ceil();
    // A cut where a loop leaves would cross that loop twice: not there.
    let cuts = (1..depth)
        .filter(|&c| {
            !turns[c]
                .iter()
                .any(|t| matches!(t.piece, Piece::LoopOut(_)))
        })
        .map(|layer| channel_top[layer] + band[layer] + 1.0)
        .collect();
    Drawing {
        width,
        height,
        nodes,
        edges,
        cuts,
    }
}

/// Drops points that continue a straight line.
fn simplify(points: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    let mut out: Vec<(f32, f32)> = Vec::with_capacity(points.len());
    for point in points {
        if out.last() == Some(&point) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let vertical = a.0 == b.0 && b.0 == point.0;
            let horizontal = a.1 == b.1 && b.1 == point.1;
            if vertical || horizontal {
                out.pop();
            }
        }
        out.push(point);
    }
    out
}

/// Marks the edges that close a loop: those leading to a node on the current path of a
/// depth-first search from the first step, taking each node's edges in the authors' order.
fn back_edges(chart: &Chart) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let count = chart.nodes.len();
    let mut back = vec![false; chart.edges.len()];
    let mut state = vec![State::New; count];
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, edge) in chart.edges.iter().enumerate() {
        outgoing[edge.from].push(index);
    }
    for root in 0..count {
        if state[root] != State::New {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = State::Open;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&e) = outgoing[node].get(*next) {
                *next += 1;
                let to = chart.edges[e].to;
                match state[to] {
                    State::Open => back[e] = true,
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
    back
}

/// Longest-path layers over the forward edges, in topological order.
fn layers(chart: &Chart, back: &[bool], items: &mut [Item]) {
    let count = chart.nodes.len();
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut incoming = vec![0_usize; count];
    for (index, edge) in chart.edges.iter().enumerate() {
        if !back[index] {
            outgoing[edge.from].push(edge.to);
            incoming[edge.to] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..count).rev().filter(|&n| incoming[n] == 0).collect();
    while let Some(node) = ready.pop() {
        for &to in &outgoing[node] {
            let wanted = items[node].layer + 1;
            if items[to].layer < wanted {
                items[to].layer = wanted;
            }
            incoming[to] -= 1;
            if incoming[to] == 0 {
                ready.push(to);
            }
        }
    }
}

/// Cuts every forward edge into segments between adjacent layers, with a waypoint item in each
/// layer it skips. Returns the segments and, per chart edge, its segments top to bottom.
fn split_long_edges(
    chart: &Chart,
    back: &[bool],
    items: &mut Vec<Item>,
) -> (Vec<Segment>, Vec<Vec<usize>>) {
    let mut segments = Vec::new();
    let mut chains = vec![Vec::new(); chart.edges.len()];
    for (index, edge) in chart.edges.iter().enumerate() {
        if back[index] {
            continue;
        }
        let mut upper = edge.from;
        let target_layer = items[edge.to].layer;
        while items[upper].layer + 1 < target_layer {
            let waypoint = items.len();
            items.push(Item {
                node: None,
                width: 0.0,
                height: 0.0,
                layer: items[upper].layer + 1,
                x: 0.0,
                ins: Vec::new(),
                outs: Vec::new(),
                in_ports: Vec::new(),
                out_ports: Vec::new(),
                labelled: false,
            });
            chains[index].push(segments.len());
            segments.push(Segment {
                edge: index,
                upper,
                lower: waypoint,
            });
            upper = waypoint;
        }
        chains[index].push(segments.len());
        segments.push(Segment {
            edge: index,
            upper,
            lower: edge.to,
        });
    }
    (segments, chains)
}

/// Crossings between two adjacent layers, by counting inversions of segment ends.
fn crossings_between(pairs: &mut [(usize, usize)]) -> usize {
    pairs.sort_unstable();
    let mut count = 0;
    let lowers: Vec<usize> = pairs.iter().map(|p| p.1).collect();
    // Fenwick tree over lower positions.
    let size = lowers.iter().copied().max().map_or(0, |m| m + 1);
    let mut tree = vec![0_usize; size + 1];
    for (seen, &lower) in lowers.iter().enumerate() {
        // Earlier segments with a larger lower position cross this one.
        let mut at_most = 0;
        let mut i = lower + 1;
        while i > 0 {
            at_most += tree[i];
            i -= i & i.wrapping_neg();
        }
        count += seen - at_most;
        let mut i = lower + 1;
        while i <= size {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    count
}

fn total_crossings(segments: &[Segment], position: &[usize], layer_of: &[usize]) -> usize {
    let depth = layer_of.iter().copied().max().unwrap_or(0) + 1;
    let mut by_layer: Vec<Vec<(usize, usize)>> = vec![Vec::new(); depth];
    for segment in segments {
        by_layer[layer_of[segment.upper]].push((position[segment.upper], position[segment.lower]));
    }
    by_layer
        .iter_mut()
        .map(|pairs| crossings_between(pairs))
        .sum()
}

/// Barycentre sweeps down and up; keeps the order with the fewest crossings seen.
fn reduce_crossings(
    items: &[Item],
    segments: &[Segment],
    mut order: Vec<Vec<usize>>,
) -> Vec<Vec<usize>> {
    let mut above: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut below: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for segment in segments {
        above[segment.lower].push(segment.upper);
        below[segment.upper].push(segment.lower);
    }
    let layer_of: Vec<usize> = items.iter().map(|i| i.layer).collect();
    let mut position = vec![0_usize; items.len()];
    let set_positions = |order: &[Vec<usize>], position: &mut [usize]| {
        for layer in order {
            for (i, &item) in layer.iter().enumerate() {
                position[item] = i;
            }
        }
    };
    set_positions(&order, &mut position);
    let mut best = order.clone();
    let mut best_count = total_crossings(segments, &position, &layer_of);
    for sweep in 0..8 {
        if best_count == 0 {
            break;
        }
        let down = sweep % 2 == 0;
        let layers: Vec<usize> = if down {
            (1..order.len()).collect()
        } else {
            (0..order.len().saturating_sub(1)).rev().collect()
        };
        for layer in layers {
            let mut keyed: Vec<(f32, usize, usize)> = order[layer]
                .iter()
                .enumerate()
                .map(|(current, &item)| {
                    let neighbours = if down { &above[item] } else { &below[item] };
                    let key = if neighbours.is_empty() {
                        current as f32
                    } else {
                        neighbours.iter().map(|&n| position[n]).sum::<usize>() as f32
                            / neighbours.len() as f32
                    };
                    (key, current, item)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            order[layer] = keyed.into_iter().map(|(_, _, item)| item).collect();
            for (i, &item) in order[layer].iter().enumerate() {
                position[item] = i;
            }
        }
        let count = total_crossings(segments, &position, &layer_of);
        if count < best_count {
            best_count = count;
            best = order.clone();
        }
    }
    best
}

/// Loop lanes right of the drawing: the loop spanning fewer layers runs nearer.
struct Lanes {
    count: usize,
    /// Lane of each back edge (0 for others).
    of_edge: Vec<usize>,
}

fn assign_lanes(chart: &Chart, back: &[bool], items: &[Item]) -> Lanes {
    let mut loops: Vec<(usize, usize)> = chart
        .edges
        .iter()
        .enumerate()
        .filter(|(i, _)| back[*i])
        .map(|(i, e)| (items[e.from].layer - items[e.to].layer, i))
        .collect();
    loops.sort_unstable();
    let mut of_edge = vec![0; chart.edges.len()];
    for (lane, &(_, edge)) in loops.iter().enumerate() {
        of_edge[edge] = lane;
    }
    Lanes {
        count: loops.len(),
        of_edge,
    }
}

/// Orders the ends on each side of each item (to avoid crossings next to it) and sets port
/// offsets; widens boxes that need room for their ports or their answers' labels.
fn assign_ports(
    chart: &Chart,
    back: &[bool],
    segments: &[Segment],
    position: &[usize],
    lanes: &Lanes,
    labels: &[Option<(Vec<String>, f32)>],
    items: &mut [Item],
) {
    // Sort keys: forward ends by the position of the other end; loops after them, the outer
    // lane first (so loops nest instead of crossing).
    let mut outs: Vec<Vec<(usize, usize, End)>> = vec![Vec::new(); items.len()];
    let mut ins: Vec<Vec<(usize, usize, End)>> = vec![Vec::new(); items.len()];
    let far = usize::MAX / 2;
    for (index, segment) in segments.iter().enumerate() {
        outs[segment.upper].push((position[segment.lower], index, End::Segment(index)));
        ins[segment.lower].push((position[segment.upper], index, End::Segment(index)));
    }
    for (index, edge) in chart.edges.iter().enumerate() {
        if back[index] {
            let key = far - lanes.of_edge[index];
            outs[edge.from].push((key, index, End::Back(index)));
            ins[edge.to].push((key, index, End::Back(index)));
        }
    }
    let edge_of = |end: End| match end {
        End::Segment(s) => segments[s].edge,
        End::Back(e) => e,
    };
    for (index, item) in items.iter_mut().enumerate() {
        outs[index].sort_unstable_by_key(|&(key, i, _)| (key, i));
        ins[index].sort_unstable_by_key(|&(key, i, _)| (key, i));
        item.outs = outs[index].iter().map(|&(_, _, end)| end).collect();
        item.ins = ins[index].iter().map(|&(_, _, end)| end).collect();
        if item.node.is_none() {
            item.out_ports = vec![0.0];
            item.in_ports = vec![0.0];
            continue;
        }
        // Out ports: labelled ends take their label's width.
        let slots: Vec<f32> = item
            .outs
            .iter()
            .map(|&end| match &labels[edge_of(end)] {
                Some((_, width)) => LABEL_GAP + width + LABEL_AFTER,
                None => PORT_SPACING,
            })
            .collect();
        let labelled = item.outs.iter().any(|&end| labels[edge_of(end)].is_some());
        item.labelled = labelled;
        let need_out = if labelled {
            slots.iter().sum::<f32>() + 2.0 * PORT_SPACING
        } else {
            PORT_SPACING * (item.outs.len() as f32 + 1.0)
        };
        let need_in = PORT_SPACING * (item.ins.len() as f32 + 1.0);
        item.width = item.width.max(need_out.ceil()).max(need_in.ceil());
        item.out_ports = if labelled {
            let total: f32 = slots.iter().sum();
            let mut x = ((item.width - total) / 2.0).max(PORT_SPACING).floor();
            let mut ports = Vec::with_capacity(slots.len());
            for slot in &slots {
                ports.push(x);
                x += slot.ceil();
            }
            ports
        } else {
            spread(item.width, item.outs.len())
        };
        item.in_ports = spread(item.width, item.ins.len());
    }
}

/// Offsets of `count` ports spread evenly along a side of `width`.
fn spread(width: f32, count: usize) -> Vec<f32> {
    (0..count)
        .map(|i| (width * (i as f32 + 1.0) / (count as f32 + 1.0)).round())
        .collect()
}

/// How strongly an item wants to line up with the other end of a segment.
fn weight(segment: &Segment, items: &[Item], main: &[bool]) -> f32 {
    let waypoint = items[segment.upper].node.is_none() || items[segment.lower].node.is_none();
    let mut weight = if main[segment.edge] { 4.0 } else { 1.0 };
    if waypoint {
        weight += 2.0;
    }
    weight
}

/// Horizontal positions, by the priority method: per layer, each item wants its port lined up
/// with the port at the other end of its strongest segment (a waypoint's, then a main edge's);
/// items are placed strongest first, each as near its wish as the items already placed allow
/// (keeping the order and its gaps, with room left for the items still to place). So the long
/// edges and the main path run straight wherever the order permits. Sweeps down and up, then
/// down again.
fn place_x(items: &mut [Item], order: &[Vec<usize>], segments: &[Segment], main: &[bool]) {
    let gap = |a: &Item, b: &Item| match (a.node.is_some(), b.node.is_some()) {
        (true, true) => GAP_BOXES,
        (false, false) => GAP_COLUMNS,
        _ => GAP_WAYPOINT,
    };
    // Start packed left to right.
    for layer in order {
        let mut x = 0.0;
        for (i, &item) in layer.iter().enumerate() {
            if i > 0 {
                x += gap(&items[layer[i - 1]], &items[item]);
            }
            items[item].x = x;
            x += items[item].width;
        }
    }
    let mut ups: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut downs: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for (index, segment) in segments.iter().enumerate() {
        ups[segment.lower].push(index);
        downs[segment.upper].push(index);
    }
    let passes = [true, false, true, false, true];
    for down in passes {
        let layers: Vec<usize> = if down {
            (1..order.len()).collect()
        } else {
            (0..order.len().saturating_sub(1)).rev().collect()
        };
        for layer in layers {
            let row = &order[layer];
            let mut wishes = Vec::with_capacity(row.len());
            for &item in row {
                let links = if down { &ups[item] } else { &downs[item] };
                let best = links.iter().copied().max_by(|&a, &b| {
                    weight(&segments[a], items, main)
                        .total_cmp(&weight(&segments[b], items, main))
                        .then(b.cmp(&a))
                });
                wishes.push(match best {
                    Some(s) => {
                        let segment = &segments[s];
                        let (other, own_out) = if down {
                            (segment.upper, false)
                        } else {
                            (segment.lower, true)
                        };
                        let other_port =
                            items[other].x + items[other].port(End::Segment(s), !own_out);
                        let own_port = items[item].port(End::Segment(s), own_out);
                        (other_port - own_port, weight(segment, items, main))
                    }
                    None => (items[item].x, 0.0),
                });
            }
            let xs = place_row(row, items, &wishes, &gap);
            for (&item, x) in row.iter().zip(xs) {
                items[item].x = x;
            }
        }
    }
    // Integral coordinates, gaps kept, the drawing starting at the margin.
    let left = items.iter().map(|i| i.x).fold(f32::INFINITY, f32::min);
    let shift = if left.is_finite() { MARGIN - left } else { 0.0 };
    for layer in order {
        let mut previous: Option<usize> = None;
        for &item in layer {
            let mut x = (items[item].x + shift).round();
            if let Some(p) = previous {
                let least = items[p].x + items[p].width + gap(&items[p], &items[item]);
                x = x.max(least.ceil());
            }
            items[item].x = x;
            previous = Some(item);
        }
    }
}

/// Where placement left a segment a small jog, slides the lone port at one end along its side
/// to meet the other end: a port that is the only one on its side can sit anywhere on it.
fn straighten(items: &mut [Item], segments: &[Segment]) {
    for (index, segment) in segments.iter().enumerate() {
        let end = End::Segment(index);
        let top = items[segment.upper].x + items[segment.upper].port(end, true);
        let bottom = items[segment.lower].x + items[segment.lower].port(end, false);
        if top == bottom || (top - bottom).abs() > 3.0 * PORT_SPACING {
            continue;
        }
        let lower = &mut items[segment.lower];
        if lower.node.is_some() && lower.ins.len() == 1 {
            let offset = top - lower.x;
            if offset >= PORT_SPACING && offset <= lower.width - PORT_SPACING {
                lower.in_ports[0] = offset;
                continue;
            }
        }
        let upper = &mut items[segment.upper];
        if upper.node.is_some() && upper.outs.len() == 1 && !upper.labelled {
            let offset = bottom - upper.x;
            if offset >= PORT_SPACING && offset <= upper.width - PORT_SPACING {
                upper.out_ports[0] = offset;
            }
        }
    }
}

/// Least distance between a line leaving one row and a line arriving at the next one.
const COLUMN_CLEARANCE: f32 = 4.0;

/// Where a line arriving at a box stands (almost) in the column of another edge's line leaving
/// the row above, the two could only be kept apart by the order of their tracks, which a pair of
/// edges swapping columns makes impossible. Slides the arriving port along its side instead,
/// keeping it on the box and apart from the box's other ports.
fn separate_columns(items: &mut [Item]) {
    let depth = items.iter().map(|i| i.layer).max().unwrap_or(0) + 1;
    // Per layer: the xs of every line leaving it downwards, with the piece it belongs to.
    let mut leaving: Vec<Vec<(f32, End)>> = vec![Vec::new(); depth];
    for item in items.iter() {
        for (slot, &end) in item.outs.iter().enumerate() {
            let offset = item
                .out_ports
                .get(slot)
                .copied()
                .unwrap_or(item.width / 2.0);
            leaving[item.layer].push((item.x + offset, end));
        }
    }
    for item in items.iter_mut() {
        if item.node.is_none() || item.layer == 0 {
            continue;
        }
        let above = &leaving[item.layer - 1];
        for slot in 0..item.ins.len() {
            let end = item.ins[slot];
            let clashes = |x: f32| {
                above
                    .iter()
                    .any(|&(other, owner)| owner != end && (other - x).abs() < COLUMN_CLEARANCE)
            };
            let current = item.in_ports[slot];
            if !clashes(item.x + current) {
                continue;
            }
            let fits = |offset: f32| {
                offset >= PORT_SPACING / 2.0
                    && offset <= item.width - PORT_SPACING / 2.0
                    && item
                        .in_ports
                        .iter()
                        .enumerate()
                        .all(|(i, &p)| i == slot || (p - offset).abs() >= PORT_SPACING / 2.0)
            };
            let moved = [6.0, -6.0, 9.0, -9.0, 12.0, -12.0]
                .into_iter()
                .map(|delta| current + delta)
                .find(|&offset| fits(offset) && !clashes(item.x + offset));
            if let Some(offset) = moved {
                item.in_ports[slot] = offset;
            }
        }
    }
}

/// Places one row: items by falling weight (ties left first), each at its wished x clamped to
/// what the placed items around it leave, counting the room the unplaced items between need.
fn place_row(
    row: &[usize],
    items: &[Item],
    wishes: &[(f32, f32)],
    gap: &dyn Fn(&Item, &Item) -> f32,
) -> Vec<f32> {
    // offsets[i]: the least distance from the left of the first item to the left of item i.
    let mut offsets = Vec::with_capacity(row.len());
    let mut offset = 0.0;
    for (i, &item) in row.iter().enumerate() {
        if i > 0 {
            let previous = &items[row[i - 1]];
            offset += previous.width + gap(previous, &items[item]);
        }
        offsets.push(offset);
    }
    let mut by_weight: Vec<usize> = (0..row.len()).collect();
    by_weight.sort_by(|&a, &b| wishes[b].1.total_cmp(&wishes[a].1).then(a.cmp(&b)));
    let mut placed: Vec<Option<f32>> = vec![None; row.len()];
    for i in by_weight {
        let left = (0..i)
            .rev()
            .find_map(|j| placed[j].map(|x| x + offsets[i] - offsets[j]));
        let right =
            (i + 1..row.len()).find_map(|j| placed[j].map(|x| x - (offsets[j] - offsets[i])));
        let mut x = wishes[i].0;
        if let Some(left) = left {
            x = x.max(left);
        }
        if let Some(right) = right {
            x = x.min(right);
        }
        placed[i] = Some(x);
    }
    placed.into_iter().map(|x| x.unwrap_or(0.0)).collect()
}

/// A piece of an edge that turns in a channel.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Piece {
    Segment(usize),
    LoopOut(usize),
    LoopIn(usize),
}

/// A turning piece in a channel: vertical lines it draws above and below its track, the span of
/// its horizontal line, and the track it gets.
#[derive(Clone, Debug)]
struct Turn {
    piece: Piece,
    /// Xs of its vertical lines from the channel's top down to its track.
    upper: Vec<f32>,
    /// Xs of its vertical lines from its track down to the channel's bottom.
    lower: Vec<f32>,
    span: (f32, f32),
    track: usize,
}

/// Orders the turns of one channel top to bottom: a turn whose line from above meets another's
/// horizontal goes above it, one whose line from below meets it goes below; lines at the same x
/// (or nearly) are ordered so they never overlap. Cycles are broken at the lowest index, which
/// costs a crossing at a point, never a shared line.
fn order_tracks(turns: &mut [Turn]) {
    let n = turns.len();
    if n == 0 {
        return;
    }
    let near = |a: f32, b: f32| (a - b).abs() < 4.0;
    let inside = |x: f32, span: (f32, f32)| x > span.0 - 4.0 && x < span.1 + 4.0;
    // above[a] contains b when a must be above b.
    let mut above: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut blocked = vec![0_usize; n];
    let mut hard = vec![vec![false; n]; n];
    for a in 0..n {
        for b in 0..n {
            if a == b {
                continue;
            }
            // a's line from above meets b's horizontal: a above b.
            let up = turns[a].upper.iter().any(|&x| inside(x, turns[b].span));
            // a's line from below meets b's horizontal: a below b.
            let down = turns[a].lower.iter().any(|&x| inside(x, turns[b].span));
            // Lines in the same column must not overlap: the one from above ends first.
            let column = turns[a]
                .upper
                .iter()
                .any(|&x| turns[b].lower.iter().any(|&y| near(x, y)));
            if column {
                hard[a][b] = true;
            }
            if column || (up && !down) {
                above[a].push(b);
            } else if down && !up {
                above[b].push(a);
            }
        }
    }
    for list in &above {
        for &b in list {
            blocked[b] += 1;
        }
    }
    // Kahn's algorithm; on a cycle, release the lowest-index remaining turn whose constraints
    // are softest.
    let mut done = vec![false; n];
    let mut result = Vec::with_capacity(n);
    while result.len() < n {
        let next = (0..n).find(|&i| !done[i] && blocked[i] == 0).or_else(|| {
            (0..n)
                .filter(|&i| !done[i])
                .min_by_key(|&i| (0..n).filter(|&a| !done[a] && hard[a][i]).count())
        });
        let Some(next) = next else { break };
        done[next] = true;
        result.push(next);
        for &b in &above[next] {
            blocked[b] = blocked[b].saturating_sub(1);
        }
    }
    for (track, &turn) in result.iter().enumerate() {
        turns[turn].track = track;
    }
}
