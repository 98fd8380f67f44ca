//! Reads a flowchart SVG back, as a reader's eye would, and checks what the reader relies on:
//! nothing overlaps, nothing leaves the picture, no two edges share or touch a line (crossing
//! one is allowed), and each label sits
//! beside exactly one edge, which leads from the label's decision to one box. It also counts what
//! layout quality is measured by: crossings, bends and area.
//!
//! It reads only the SVG (boxes, edge paths, label backgrounds and their text), never the layout's
//! own data, so it judges any drawing, including ones made by other layout engines.

use html5gum::{Token, Tokenizer};

/// An axis-aligned rectangle: left, top, width, height.
pub type Rect = (f32, f32, f32, f32);

/// An edge as the picture shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowedEdge {
    /// The box (`data-node`) the edge leaves, if its start lies on one.
    pub from: Option<usize>,
    /// The box the edge's arrow points into, if its end lies on one.
    pub to: Option<usize>,
    /// The text of the label beside the edge, whitespace removed.
    pub label: Option<String>,
}

/// What an audit found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Everything a reader could misread, in words; empty for a good drawing.
    pub problems: Vec<String>,
    /// Every edge, followed from its start to its arrow.
    pub edges: Vec<FollowedEdge>,
    /// Points where two edges cross.
    pub crossings: usize,
    /// Corners along the edges.
    pub bends: usize,
    /// Area of the view box.
    pub area: f32,
}

/// A straight piece of an edge.
#[derive(Clone, Copy, Debug)]
struct Line {
    a: (f32, f32),
    b: (f32, f32),
}

impl Line {
    fn vertical(&self) -> bool {
        (self.a.0 - self.b.0).abs() < 0.01
    }
    fn horizontal(&self) -> bool {
        (self.a.1 - self.b.1).abs() < 0.01
    }
    fn xs(&self) -> (f32, f32) {
        (self.a.0.min(self.b.0), self.a.0.max(self.b.0))
    }
    fn ys(&self) -> (f32, f32) {
        (self.a.1.min(self.b.1), self.a.1.max(self.b.1))
    }
    /// Whether the line enters the inside of `rect` shrunk by `inset`.
    fn enters(&self, rect: Rect, inset: f32) -> bool {
        let (left, top) = (rect.0 + inset, rect.1 + inset);
        let (right, bottom) = (rect.0 + rect.2 - inset, rect.1 + rect.3 - inset);
        let (x1, x2) = self.xs();
        let (y1, y2) = self.ys();
        x2 > left && x1 < right && y2 > top && y1 < bottom
    }
    /// Distance from the line to a rectangle (0 when they touch).
    fn distance(&self, rect: Rect) -> f32 {
        let (x1, x2) = self.xs();
        let (y1, y2) = self.ys();
        let dx = (rect.0 - x2).max(x1 - (rect.0 + rect.2)).max(0.0);
        let dy = (rect.1 - y2).max(y1 - (rect.1 + rect.3)).max(0.0);
        (dx * dx + dy * dy).sqrt()
    }
}

/// What the SVG holds.
#[derive(Default)]
struct Picture {
    view: Rect,
    boxes: Vec<(usize, Rect)>,
    paths: Vec<Vec<(f32, f32)>>,
    labels: Vec<(Rect, String)>,
}

fn read(svg: &str) -> Result<Picture, String> {
    let mut picture = Picture::default();
    let mut in_label = false;
    let mut seen_svg = false;
    for Ok(token) in Tokenizer::new(svg) {
        match token {
            Token::StartTag(tag) => {
                let attr = |name: &str| {
                    tag.attributes
                        .get(name.as_bytes())
                        .map(|v| String::from_utf8_lossy(&v.value).into_owned())
                };
                let number = |name: &str| -> Result<f32, String> {
                    attr(name)
                        .and_then(|v| v.parse::<f32>().ok())
                        .ok_or_else(|| format!("a {} without a number {name}", tag_name(&tag.name)))
                };
                let class = attr("class").unwrap_or_default();
                match tag.name.as_slice() {
                    b"svg" if !seen_svg => {
                        seen_svg = true;
                        let view: Vec<f32> = attr("viewbox")
                            .unwrap_or_default()
                            .split_whitespace()
                            .filter_map(|n| n.parse().ok())
                            .collect();
                        if view.len() != 4 {
                            return Err("the SVG has no view box".into());
                        }
                        picture.view = (view[0], view[1], view[2], view[3]);
                    }
                    b"rect" if class == "box" => {
                        let node = attr("data-node")
                            .and_then(|n| n.parse().ok())
                            .ok_or("a box without data-node")?;
                        let rect = (
                            number("x")?,
                            number("y")?,
                            number("width")?,
                            number("height")?,
                        );
                        picture.boxes.push((node, rect));
                    }
                    b"rect" if class == "label" => {
                        let rect = (
                            number("x")?,
                            number("y")?,
                            number("width")?,
                            number("height")?,
                        );
                        picture.labels.push((rect, String::new()));
                        in_label = true;
                    }
                    b"path" if class == "edge" => {
                        picture
                            .paths
                            .push(parse_path(&attr("d").unwrap_or_default())?);
                    }
                    _ => {}
                }
            }
            Token::String(text) if in_label => {
                if let Some(label) = picture.labels.last_mut() {
                    label.1.extend(
                        String::from_utf8_lossy(&text)
                            .chars()
                            .filter(|c| !c.is_whitespace()),
                    );
                }
            }
            Token::EndTag(tag) if tag.name.as_slice() == b"g" => in_label = false,
            _ => {}
        }
    }
    if !seen_svg {
        return Err("no SVG element".into());
    }
    Ok(picture)
}

fn tag_name(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// Reads an SVG path made of `M x,y`, `L x,y`, `H x` and `V y` commands (absolute).
fn parse_path(d: &str) -> Result<Vec<(f32, f32)>, String> {
    let mut points: Vec<(f32, f32)> = Vec::new();
    let spaced = d.replace(',', " ");
    let mut words = spaced.split_whitespace().peekable();
    let mut command = ' ';
    let number = |w: Option<&str>| -> Result<f32, String> {
        w.and_then(|w| w.parse().ok())
            .ok_or_else(|| format!("a path that cannot be read: {d}"))
    };
    while let Some(word) = words.next() {
        let (letter, rest) = match word.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => (c, &word[1..]),
            _ => (command, word),
        };
        command = letter;
        let first = if rest.is_empty() {
            words.next()
        } else {
            Some(rest)
        };
        let last = points.last().copied().unwrap_or((0.0, 0.0));
        let point = match letter {
            'M' | 'L' => (number(first)?, number(words.next())?),
            'H' => (number(first)?, last.1),
            'V' => (last.0, number(first)?),
            other => return Err(format!("a path command {other} the audit does not read")),
        };
        points.push(point);
    }
    if points.len() < 2 {
        return Err(format!("a path with fewer than two points: {d}"));
    }
    Ok(points)
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

/// Whether a point lies on the border of a rectangle.
fn on_border(point: (f32, f32), rect: Rect) -> bool {
    let (x, y) = point;
    let within_x = x >= rect.0 - 0.5 && x <= rect.0 + rect.2 + 0.5;
    let within_y = y >= rect.1 - 0.5 && y <= rect.1 + rect.3 + 0.5;
    let on_x = (x - rect.0).abs() < 0.5 || (x - rect.0 - rect.2).abs() < 0.5;
    let on_y = (y - rect.1).abs() < 0.5 || (y - rect.1 - rect.3).abs() < 0.5;
    (within_x && on_y) || (within_y && on_x)
}

/// How far a label may sit from its edge, and how much nearer it must be to it than to any other.
const LABEL_REACH: f32 = 8.0;
const LABEL_MARGIN: f32 = 6.0;

/// Audits one flowchart SVG.
pub fn audit(svg: &str) -> Report {
    let picture = match read(svg) {
        Ok(picture) => picture,
        Err(problem) => {
            return Report {
                problems: vec![problem],
                ..Report::default()
            };
        }
    };
    let mut problems = Vec::new();
    let lines: Vec<Vec<Line>> = picture
        .paths
        .iter()
        .map(|points| {
            points
                .windows(2)
                .map(|p| Line { a: p[0], b: p[1] })
                .collect()
        })
        .collect();
    for (path, pieces) in lines.iter().enumerate() {
        if pieces.iter().any(|l| !l.vertical() && !l.horizontal()) {
            problems.push(format!("edge {path} has a slanted line"));
        }
    }
    // Inside the view box.
    let view = picture.view;
    let inside = |r: Rect| {
        r.0 >= view.0 - 0.01
            && r.1 >= view.1 - 0.01
            && r.0 + r.2 <= view.0 + view.2 + 0.01
            && r.1 + r.3 <= view.1 + view.3 + 0.01
    };
    for &(node, rect) in &picture.boxes {
        if !inside(rect) {
            problems.push(format!("box {node} reaches outside the picture"));
        }
    }
    for (rect, text) in &picture.labels {
        if !inside(*rect) {
            problems.push(format!("label {text:?} reaches outside the picture"));
        }
    }
    for (path, points) in picture.paths.iter().enumerate() {
        if points.iter().any(|&(x, y)| !inside((x, y, 0.0, 0.0))) {
            problems.push(format!("edge {path} reaches outside the picture"));
        }
    }
    // Overlaps among boxes and labels.
    for (i, &(a, ra)) in picture.boxes.iter().enumerate() {
        for &(b, rb) in &picture.boxes[i + 1..] {
            if overlap(ra, rb) {
                problems.push(format!("boxes {a} and {b} overlap"));
            }
        }
        for (rl, text) in &picture.labels {
            if overlap(ra, *rl) {
                problems.push(format!("label {text:?} overlaps box {a}"));
            }
        }
    }
    for (i, (ra, ta)) in picture.labels.iter().enumerate() {
        for (rb, tb) in &picture.labels[i + 1..] {
            if overlap(*ra, *rb) {
                problems.push(format!("labels {ta:?} and {tb:?} overlap"));
            }
        }
    }
    // Edges through boxes and labels.
    for (path, pieces) in lines.iter().enumerate() {
        for line in pieces {
            for &(node, rect) in &picture.boxes {
                if line.enters(rect, 1.0) {
                    problems.push(format!("edge {path} runs through box {node}"));
                }
            }
            for (rect, text) in &picture.labels {
                if line.enters(*rect, 0.0) {
                    problems.push(format!("edge {path} runs through label {text:?}"));
                }
            }
        }
    }
    // Shared lines and crossings between different edges.
    let mut crossings = 0;
    for (i, a_lines) in lines.iter().enumerate() {
        for (j, b_lines) in lines.iter().enumerate().skip(i + 1) {
            for a in a_lines {
                for b in b_lines {
                    let shared = if a.vertical() && b.vertical() {
                        let (a1, a2) = a.ys();
                        let (b1, b2) = b.ys();
                        (a.a.0 - b.a.0).abs() < 3.0 && a2.min(b2) - a1.max(b1) > 0.5
                    } else if a.horizontal() && b.horizontal() {
                        let (a1, a2) = a.xs();
                        let (b1, b2) = b.xs();
                        (a.a.1 - b.a.1).abs() < 3.0 && a2.min(b2) - a1.max(b1) > 0.5
                    } else {
                        false
                    };
                    if shared {
                        problems.push(format!("edges {i} and {j} run along the same line"));
                    } else if a.vertical() != b.vertical() {
                        let (v, h) = if a.vertical() { (a, b) } else { (b, a) };
                        let (hx1, hx2) = h.xs();
                        let (vy1, vy2) = v.ys();
                        if v.a.0 > hx1 && v.a.0 < hx2 && h.a.1 > vy1 && h.a.1 < vy2 {
                            crossings += 1;
                        }
                    }
                }
            }
        }
    }
    // An edge's corner or end on another edge's line reads as the two joining.
    for (i, points) in picture.paths.iter().enumerate() {
        for (j, other) in lines.iter().enumerate() {
            if i == j {
                continue;
            }
            let touches = points
                .iter()
                .any(|&p| other.iter().any(|l| l.distance((p.0, p.1, 0.0, 0.0)) < 2.0));
            if touches {
                problems.push(format!("edge {i} touches edge {j}"));
            }
        }
    }
    // Arrowheads apart.
    for (i, a) in picture.paths.iter().enumerate() {
        for (j, b) in picture.paths.iter().enumerate().skip(i + 1) {
            if let (Some(&(ax, ay)), Some(&(bx, by))) = (a.last(), b.last())
                && (ax - bx).hypot(ay - by) < 8.0
            {
                problems.push(format!("the arrowheads of edges {i} and {j} coincide"));
            }
        }
    }
    // Follow every edge, and give every label to the one edge beside it.
    let box_at = |point: (f32, f32)| {
        picture
            .boxes
            .iter()
            .find(|(_, rect)| on_border(point, *rect))
            .map(|(node, _)| *node)
    };
    let mut edges: Vec<FollowedEdge> = picture
        .paths
        .iter()
        .enumerate()
        .map(|(path, points)| {
            let from = points.first().and_then(|&p| box_at(p));
            let to = points.last().and_then(|&p| box_at(p));
            if from.is_none() {
                problems.push(format!("edge {path} starts on no box"));
            }
            if to.is_none() {
                problems.push(format!("edge {path} ends on no box"));
            }
            FollowedEdge {
                from,
                to,
                label: None,
            }
        })
        .collect();
    for (rect, text) in &picture.labels {
        let mut distances: Vec<(f32, usize)> = lines
            .iter()
            .enumerate()
            .map(|(path, pieces)| {
                let near = pieces
                    .iter()
                    .map(|l| l.distance(*rect))
                    .fold(f32::INFINITY, f32::min);
                (near, path)
            })
            .collect();
        distances.sort_by(|a, b| a.0.total_cmp(&b.0));
        match distances.as_slice() {
            [] => problems.push(format!("label {text:?} has no edge")),
            [(near, path), rest @ ..] => {
                let next = rest.first().map_or(f32::INFINITY, |r| r.0);
                if *near > LABEL_REACH {
                    problems.push(format!("label {text:?} sits away from every edge"));
                } else if next < near + LABEL_MARGIN {
                    problems.push(format!(
                        "label {text:?} sits as near to edge {} as to its own",
                        rest[0].1
                    ));
                } else if edges[*path].label.is_some() {
                    problems.push(format!("edge {path} has two labels"));
                } else {
                    edges[*path].label = Some(text.clone());
                }
            }
        }
    }
    let bends = picture
        .paths
        .iter()
        .map(|p| p.len().saturating_sub(2))
        .sum();
    Report {
        problems,
        edges,
        crossings,
        bends,
        area: view.2 * view.3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(inner: &str) -> String {
        format!(r#"<svg class="flowchart" viewBox="0 0 300 300">{inner}</svg>"#)
    }

    const TWO_BOXES: &str = r#"<rect class="box" data-node="0" x="100" y="10" width="80" height="30"/><rect class="box" data-node="1" x="20" y="100" width="80" height="30"/><rect class="box" data-node="2" x="160" y="100" width="80" height="30"/>"#;

    #[test]
    fn a_good_drawing_passes_and_is_followed() {
        let report = audit(&svg(&format!(
            r#"{TWO_BOXES}<path class="edge" d="M120,40 V60 H60 V100"/><path class="edge" d="M160,40 V70 H200 V100"/><g class="edge-label"><rect class="label" x="124" y="42" width="20" height="14"/><text><tspan>Yes</tspan></text></g>"#
        )));
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.edges[0].from, Some(0));
        assert_eq!(report.edges[0].to, Some(1));
        assert_eq!(report.edges[0].label.as_deref(), Some("Yes"));
        assert_eq!(report.edges[1].to, Some(2));
        assert_eq!(report.bends, 4);
        assert_eq!(report.crossings, 0);
    }

    #[test]
    fn a_broken_drawing_fails_on_every_count() {
        // Two edges joining on one line into the wrong box, a label over a box and between two
        // edges, a path through a box, a box outside the picture, and coinciding arrowheads.
        let report = audit(&svg(
            r#"<rect class="box" data-node="0" x="100" y="10" width="80" height="30"/><rect class="box" data-node="1" x="20" y="100" width="80" height="30"/><rect class="box" data-node="2" x="250" y="100" width="80" height="30"/><path class="edge" d="M120,40 V70 H60 V100"/><path class="edge" d="M160,40 V70 H60 V100"/><path class="edge" d="M30,40 V150"/><g class="edge-label"><rect class="label" x="110" y="30" width="40" height="14"/><text>No</text></g>"#,
        ));
        let all = report.problems.join("\n");
        for expected in [
            "run along the same line",
            "reaches outside the picture",
            "overlaps box 0",
            "runs through label",
            "coincide",
            "runs through box 1",
        ] {
            assert!(all.contains(expected), "{expected} not in:\n{all}");
        }
        let joining = audit(&svg(&format!(
            r#"{TWO_BOXES}<path class="edge" d="M120,40 V100"/><path class="edge" d="M160,40 V70 H120"/>"#
        )));
        assert!(
            joining
                .problems
                .iter()
                .any(|p| p.contains("edge 1 touches edge 0")),
            "{:?}",
            joining.problems
        );
        let crossing = audit(&svg(&format!(
            r#"{TWO_BOXES}<path class="edge" d="M120,40 V60 H200 V100"/><path class="edge" d="M160,40 V70 H60 V100"/>"#
        )));
        assert_eq!(crossing.crossings, 1, "{:?}", crossing.problems);
    }

    #[test]
    fn an_ambiguous_label_is_reported() {
        let report = audit(&svg(&format!(
            r#"{TWO_BOXES}<path class="edge" d="M120,40 V60 H60 V100"/><path class="edge" d="M160,40 V70 H200 V100"/><g class="edge-label"><rect class="label" x="125" y="42" width="30" height="14"/><text>Yes</text></g>"#
        )));
        assert!(
            report.problems.iter().any(|p| p.contains("as near")),
            "{:?}",
            report.problems
        );
    }
}
