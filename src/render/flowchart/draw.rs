//! SVG from a [`Drawing`]: whole for a screen, or cut into page-sized parts for paper, where each
//! edge crossing a cut ends in a lettered connector that the next part starts from.

use std::fmt::Write as _;

use crate::markup;
use crate::metrics::FONT_FAMILY;

use super::layout::{
    Drawing, FONT_SIZE, LABEL_FONT_SIZE, LABEL_LINE_HEIGHT, LINE_HEIGHT, PlacedNode,
};
use super::{Chart, NodeKind};

/// Millimetres per CSS pixel.
const MM_PER_PX: f32 = 25.4 / 96.0;
/// The scale on paper: 12 px labels at 7.2 pt.
const MIN_PRINT_SCALE: f32 = 0.8;
/// Room for a chart on a portrait page (any supported paper), width and height in mm.
const PORTRAIT: (f32, f32) = (180.0, 225.0);
/// Height of the room for a chart on a landscape page, in mm.
const LANDSCAPE_HEIGHT: f32 = 150.0;
/// Radius of a connector circle.
const CONNECTOR_RADIUS: f32 = 9.0;
/// Height of the strip a part gives its connectors (two staggered rows).
const CONNECTOR_ZONE: f32 = 48.0;

/// The SVG of a chart for a screen, at its natural size (1 unit = 1 CSS px).
pub fn svg(chart: &Chart, drawing: &Drawing) -> String {
    let mut out = String::new();
    let arrow = format!("{}arrow", chart.id_prefix);
    open(
        &mut out,
        chart,
        (0.0, drawing.height),
        drawing.width,
        &format!(r#"width="{}" height="{}""#, drawing.width, drawing.height),
        &arrow,
    );
    body(&mut out, chart, drawing, Band::ALL, &arrow, Links::ToSteps);
    out.push_str("</svg>");
    out
}

/// The SVG of a chart as a file of its own (an image beside a Markdown page): its title as the
/// document's `<title>`, its colours written out, and no links (an image cannot follow them).
pub fn standalone_svg(chart: &Chart, drawing: &Drawing) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let arrow = format!("{}arrow", chart.id_prefix);
    open(
        &mut out,
        chart,
        (0.0, drawing.height),
        drawing.width,
        &format!(r#"width="{}" height="{}""#, drawing.width, drawing.height),
        &arrow,
    );
    let _ = write!(
        out,
        "<title>{}</title><style>svg {{ color: #111; background: #fff; }}</style>",
        escape(&chart.title)
    );
    body(&mut out, chart, drawing, Band::ALL, &arrow, Links::None);
    out.push_str("</svg>");
    out
}

/// A chart made ready for paper.
#[derive(Clone, Debug)]
pub struct PrintedChart {
    /// One SVG per part, sized in millimetres; each part fits a page.
    pub parts: Vec<String>,
    /// Whether the chart needs a landscape page to keep its labels legible.
    pub landscape: bool,
    /// Width of every part, in mm.
    pub width_mm: f32,
}

/// The chart for paper: at [`MIN_PRINT_SCALE`] (answer labels 7.2 pt), on a landscape page when
/// it is too wide for portrait at that scale, and cut between layers into parts that each fit a
/// page.
pub fn print(chart: &Chart, drawing: &Drawing) -> PrintedChart {
    let natural = drawing.width * MM_PER_PX;
    let landscape = natural * MIN_PRINT_SCALE > PORTRAIT.0;
    let room_height = if landscape {
        LANDSCAPE_HEIGHT
    } else {
        PORTRAIT.1
    };
    // The text of the sheet around it is 9.5 pt: the chart's 13 px step text at this scale is
    // 7.8 pt, its labels 7.2 pt, which keeps it compact and legible.
    let scale = MIN_PRINT_SCALE;
    let max_height = room_height / (MM_PER_PX * scale);
    let bounds = part_bounds(drawing, max_height);
    let width_mm = drawing.width * MM_PER_PX * scale;
    let mut letters = Letters::default();
    let mut connectors_above: Vec<(f32, String)> = Vec::new();
    let mut parts = Vec::with_capacity(bounds.len());
    for (index, &(top, bottom)) in bounds.iter().enumerate() {
        let last = index + 1 == bounds.len();
        let view_top = if index == 0 {
            0.0
        } else {
            top - CONNECTOR_ZONE
        };
        let view_bottom = if last {
            drawing.height
        } else {
            bottom + CONNECTOR_ZONE
        };
        let size = format!(
            r#"width="{:.1}mm" height="{:.1}mm""#,
            width_mm,
            (view_bottom - view_top) * MM_PER_PX * scale
        );
        let mut out = String::new();
        let arrow = format!("{}arrow-{}", chart.id_prefix, index + 1);
        open(
            &mut out,
            chart,
            (view_top, view_bottom - view_top),
            drawing.width,
            &size,
            &arrow,
        );
        // Only what lies between the cuts: each box, label and line is printed once.
        body(
            &mut out,
            chart,
            drawing,
            Band(top, bottom),
            &arrow,
            Links::ToSteps,
        );
        // Connectors where the part begins: the ones the previous part ended with.
        for (i, (x, letter)) in connectors_above.iter().enumerate() {
            let row = (i % 2) as f32;
            let cy = top - 11.0 - row * 22.0;
            connector(&mut out, *x, cy, letter, (cy + CONNECTOR_RADIUS, top));
        }
        connectors_above.clear();
        if !last {
            for (i, x) in crossings(drawing, bottom).into_iter().enumerate() {
                let letter = letters.next();
                let row = (i % 2) as f32;
                let cy = bottom + 11.0 + row * 22.0;
                connector(&mut out, x, cy, &letter, (bottom, cy - CONNECTOR_RADIUS));
                connectors_above.push((x, letter));
            }
        }
        out.push_str("</svg>");
        parts.push(out);
    }
    PrintedChart {
        parts,
        landscape,
        width_mm,
    }
}

/// Where to cut a drawing: at its cut heights, each part at most `max_height` tall with its
/// connector strips (a single layer taller than that is kept whole).
fn part_bounds(drawing: &Drawing, max_height: f32) -> Vec<(f32, f32)> {
    let mut bounds = Vec::new();
    let mut top = 0.0_f32;
    loop {
        let zone_above = if bounds.is_empty() {
            0.0
        } else {
            CONNECTOR_ZONE
        };
        if drawing.height - top + zone_above <= max_height {
            break;
        }
        let candidates = drawing.cuts.iter().copied().filter(|&c| c > top + 1.0);
        let fitting = candidates
            .clone()
            .rfind(|&c| c - top + zone_above + CONNECTOR_ZONE <= max_height);
        match fitting.or_else(|| candidates.clone().next()) {
            Some(cut) => {
                bounds.push((top, cut));
                top = cut;
            }
            None => break,
        }
    }
    bounds.push((top, drawing.height));
    bounds
}

/// The xs where edges cross the height `y`, left to right.
fn crossings(drawing: &Drawing, y: f32) -> Vec<f32> {
    let mut xs: Vec<f32> = Vec::new();
    for edge in &drawing.edges {
        for pair in edge.points.windows(2) {
            let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
            if x1 == x2 && y1.min(y2) < y && y < y1.max(y2) {
                xs.push(x1);
            }
        }
    }
    xs.sort_by(f32::total_cmp);
    xs
}

/// Connector names: A … Z, then AA, AB, ….
#[derive(Default)]
struct Letters(usize);

impl Letters {
    fn next(&mut self) -> String {
        let mut n = self.0;
        self.0 += 1;
        let mut name = String::new();
        loop {
            name.insert(0, char::from(b'A' + (n % 26) as u8));
            if n < 26 {
                break;
            }
            n = n / 26 - 1;
        }
        name
    }
}

fn connector(out: &mut String, x: f32, cy: f32, letter: &str, stub: (f32, f32)) {
    let _ = write!(
        out,
        r##"<g class="connector"><path d="M{x},{} V{}" fill="none" stroke="currentColor"/><circle cx="{x}" cy="{cy}" r="{CONNECTOR_RADIUS}" fill="#fff" stroke="currentColor"/><text x="{x}" y="{}" text-anchor="middle" font-size="{LABEL_FONT_SIZE}">{}</text></g>"##,
        stub.0,
        stub.1,
        cy + LABEL_FONT_SIZE / 2.0 - 2.0,
        letter
    );
}

fn escape(text: &str) -> String {
    markup::escape_html(text)
}

/// The opening tag and definitions; `view` is the (top, height) of the view box.
fn open(out: &mut String, chart: &Chart, view: (f32, f32), width: f32, size: &str, arrow: &str) {
    let _ = write!(
        out,
        r#"<svg class="flowchart" xmlns="http://www.w3.org/2000/svg" viewBox="0 {} {width} {}" {size} role="group" aria-label="{}" font-family="{FONT_FAMILY}, 'Noto Sans CJK JP', 'Hiragino Sans', sans-serif" font-size="{FONT_SIZE}">"#,
        view.0,
        view.1,
        escape(&chart.title)
    );
    let _ = write!(
        out,
        r#"<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>"#
    );
}

/// The heights between which a part of a drawing lies.
#[derive(Clone, Copy)]
struct Band(f32, f32);

impl Band {
    /// The whole drawing.
    const ALL: Band = Band(f32::NEG_INFINITY, f32::INFINITY);
}

/// Whether boxes link to their steps on the page.
#[derive(Clone, Copy, PartialEq)]
enum Links {
    ToSteps,
    None,
}

/// Edges, labels and nodes lying within `band` (lines cut at its edges).
fn body(out: &mut String, chart: &Chart, drawing: &Drawing, band: Band, arrow: &str, links: Links) {
    let within = |top: f32, bottom: f32| top >= band.0 - 0.5 && bottom <= band.1 + 0.5;
    for edge in &drawing.edges {
        let last = edge.points.len().saturating_sub(1);
        for piece in clip(&edge.points, (band.0, band.1)) {
            let mut d = String::new();
            let mut previous: Option<(f32, f32)> = None;
            for &(x, y) in &piece {
                match previous {
                    None => {
                        let _ = write!(d, "M{x},{y}");
                    }
                    Some((px, _)) if px == x => {
                        let _ = write!(d, " V{y}");
                    }
                    Some(_) => {
                        let _ = write!(d, " H{x}");
                    }
                }
                previous = Some((x, y));
            }
            // The arrowhead only where the line enters its box.
            let marker = if piece.last() == edge.points.get(last) {
                format!(r#" marker-end="url(#{arrow})""#)
            } else {
                String::new()
            };
            let _ = write!(
                out,
                r#"<path class="edge" d="{d}" fill="none" stroke="currentColor"{marker}/>"#
            );
        }
    }
    for edge in &drawing.edges {
        let Some(label) = &edge.label else { continue };
        let r = label.rect;
        if !within(r.y, r.bottom()) {
            continue;
        }
        let _ = write!(
            out,
            r##"<g class="edge-label"><rect class="label" x="{}" y="{}" width="{}" height="{}" rx="3" fill="#fff"/><text x="{}" y="{}" font-size="{LABEL_FONT_SIZE}">"##,
            r.x,
            r.y,
            r.width,
            r.height,
            r.x + 3.0,
            r.y + LABEL_FONT_SIZE
        );
        for (i, line) in label.lines.iter().enumerate() {
            let dy = if i == 0 { 0.0 } else { LABEL_LINE_HEIGHT };
            let _ = write!(
                out,
                r#"<tspan x="{}" dy="{dy}">{}</tspan>"#,
                r.x + 3.0,
                escape(line)
            );
        }
        out.push_str("</text></g>");
    }
    for (index, (node, placed)) in chart.nodes.iter().zip(&drawing.nodes).enumerate() {
        if within(placed.rect.y, placed.rect.bottom()) {
            let anchor = node.anchor.as_deref().filter(|_| links == Links::ToSteps);
            node_svg(out, chart, index, node.kind, anchor, placed);
        }
    }
}

/// The pieces of an orthogonal line that lie between two heights.
fn clip(points: &[(f32, f32)], band: (f32, f32)) -> Vec<Vec<(f32, f32)>> {
    let mut pieces: Vec<Vec<(f32, f32)>> = Vec::new();
    let mut current: Vec<(f32, f32)> = Vec::new();
    for pair in points.windows(2) {
        let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
        let (low, high) = (y1.min(y2), y1.max(y2));
        let inside = if y1 == y2 {
            y1 >= band.0 && y1 <= band.1
        } else {
            high > band.0 && low < band.1
        };
        if !inside {
            if current.len() >= 2 {
                pieces.push(std::mem::take(&mut current));
            }
            current.clear();
            continue;
        }
        let a = (x1, y1.clamp(band.0, band.1));
        let b = (x2, y2.clamp(band.0, band.1));
        if current.last() != Some(&a) {
            if current.len() >= 2 {
                pieces.push(std::mem::take(&mut current));
            }
            current = vec![a];
        }
        current.push(b);
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

fn node_svg(
    out: &mut String,
    chart: &Chart,
    index: usize,
    kind: NodeKind,
    anchor: Option<&str>,
    placed: &PlacedNode,
) {
    let r = placed.rect;
    let (x, y, w, h) = (r.x, r.y, r.width, r.height);
    let class = match kind {
        NodeKind::Action => "action",
        NodeKind::Decision => "decision",
        NodeKind::Escalation => "escalation",
        NodeKind::End => "end",
        NodeKind::Procedure => "procedure",
    };
    let _ = write!(out, r#"<g class="node {class}">"#);
    match kind {
        NodeKind::Decision => {
            let tip = 12.0;
            let _ = write!(
                out,
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
        NodeKind::End => {
            let _ = write!(
                out,
                r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{}" fill="#e6e6e6" stroke="#111"/>"##,
                h / 2.0
            );
        }
        _ => {
            let (width, dash) = match kind {
                NodeKind::Escalation => (2.5, ""),
                NodeKind::Procedure => (1.0, r#" stroke-dasharray="4 3""#),
                _ => (1.0, ""),
            };
            let _ = write!(
                out,
                r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="#fff" stroke="#111" stroke-width="{width}"{dash}/>"##
            );
        }
    }
    // The invisible box tests and tools read the geometry from.
    let _ = write!(
        out,
        r#"<rect class="box" data-node="{index}" x="{x}" y="{y}" width="{w}" height="{h}" fill="none" stroke="none"/>"#
    );
    let text_x = x + w / 2.0;
    let first_y = y + 9.0 + FONT_SIZE - 1.0;
    if let Some(id) = anchor {
        let _ = write!(out, r##"<a href="#{}{}">"##, chart.step_prefix, escape(id));
    }
    let _ = write!(
        out,
        r#"<text x="{text_x}" y="{first_y}" text-anchor="middle">"#
    );
    for (i, line) in placed.lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { LINE_HEIGHT };
        let _ = write!(
            out,
            r#"<tspan x="{text_x}" dy="{dy}">{}</tspan>"#,
            escape(line)
        );
    }
    out.push_str("</text>");
    if anchor.is_some() {
        out.push_str("</a>");
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::flowchart::{ChartEdge, ChartNode, layout};

    fn node(kind: NodeKind, text: &str) -> ChartNode {
        ChartNode {
            kind,
            text: text.into(),
            anchor: None,
        }
    }

    #[test]
    fn a_chart_too_wide_for_portrait_goes_on_a_landscape_page_at_the_same_scale() {
        // One decision with five long answers, each to a step of its own: five boxes side by side.
        let mut nodes = vec![node(
            NodeKind::Decision,
            "1. Which of the five cases is it?",
        )];
        let mut edges = Vec::new();
        for n in 2..=6 {
            nodes.push(node(
                NodeKind::Action,
                &format!("{n}. Handle case {n} as its page says"),
            ));
            edges.push(ChartEdge {
                from: 0,
                to: n - 1,
                label: Some(format!("Case {n}, which needs the customer's admin first")),
            });
        }
        nodes.push(node(NodeKind::End, "end"));
        for n in 1..=5 {
            edges.push(ChartEdge {
                from: n,
                to: 6,
                label: None,
            });
        }
        let chart = Chart {
            nodes,
            edges,
            title: "Flowchart: wide".into(),
            id_prefix: String::new(),
            step_prefix: String::new(),
        };
        let drawing = layout(&chart);
        let printed = print(&chart, &drawing);
        assert!(printed.landscape, "{} px wide", drawing.width);
        let scale = printed.width_mm / (drawing.width * MM_PER_PX);
        assert!((scale - MIN_PRINT_SCALE).abs() < 0.001, "{scale}");
        // A chart that fits stays on a portrait page.
        let small = Chart {
            nodes: vec![node(NodeKind::End, "end")],
            edges: Vec::new(),
            ..chart
        };
        assert!(!print(&small, &layout(&small)).landscape);
    }
}
