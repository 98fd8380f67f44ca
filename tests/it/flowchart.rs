//! Flowcharts as a reader meets them: on the built site of a procedure shaped like a real one
//! (13 steps, a three-answer decision with long answers, two loops back, an escalation, the end
//! reached from two places), each edge is followed from its label to its step by reading the SVG
//! back; on paper the chart keeps a legible scale and a tall chart is cut into lettered parts;
//! the Markdown book shows it as an image file beside the chapter.

use runbook::render::flowchart::audit::{FollowedEdge, audit};

use crate::util::Project;

/// The `<svg class="flowchart">…</svg>` elements of an HTML page.
fn charts(html: &str) -> Vec<&str> {
    html.match_indices("<svg class=\"flowchart\"")
        .map(|(start, _)| {
            let end = html[start..]
                .find("</svg>")
                .map_or(html.len(), |e| start + e + 6);
            &html[start..end]
        })
        .collect()
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The flowchart fixture's edges as its YAML writes them: (from step, answer, to step), steps
/// numbered from 1, 14 for the end.
/// An answer in English and Japanese.
type Answer = Option<(&'static str, &'static str)>;

const OUTAGE_EDGES: &[(usize, Answer, usize)] = &[
    (1, None, 2),
    (2, None, 3),
    (3, Some(("Yes", "はい")), 4),
    (3, Some(("No", "いいえ")), 5),
    (4, None, 14),
    (5, None, 6),
    (
        6,
        Some((
            "A setting in the customer's tenant",
            "お客様のテナントの設定",
        )),
        7,
    ),
    (
        6,
        Some((
            "No, and it is not the tenant: the service itself fails",
            "いいえ、テナントではなくサービス自体の障害",
        )),
        9,
    ),
    (
        6,
        Some((
            "Unclear: the symptoms come and go, gather more reports first",
            "不明: 症状が断続的なので、まず報告を集める",
        )),
        1,
    ),
    (7, None, 8),
    (8, Some(("Yes", "はい")), 12),
    (8, Some(("No", "いいえ")), 5),
    (9, None, 10),
    (10, None, 11),
    (11, None, 12),
    (12, None, 13),
    (13, None, 14),
];

#[test]
fn every_edge_of_a_real_shaped_procedure_leads_where_its_answer_says() {
    let project = Project::fixture("flowchart");
    project.run(&["build"]).expect(0);
    for (locale, english) in [("en", true), ("ja", false)] {
        let html = project.read(&format!("build/html/{locale}/tenant-outage.html"));
        let svgs = charts(&html);
        assert_eq!(svgs.len(), 1, "{locale}");
        let report = audit(svgs[0]);
        assert!(
            report.problems.is_empty(),
            "{locale}: {:#?}",
            report.problems
        );
        let mut drawn = report.edges.clone();
        let mut wanted: Vec<FollowedEdge> = OUTAGE_EDGES
            .iter()
            .map(|&(from, label, to)| FollowedEdge {
                from: Some(from - 1),
                to: Some(to - 1),
                label: label.map(|(en, ja)| squash(if english { en } else { ja })),
            })
            .collect();
        let key = |e: &FollowedEdge| (e.from, e.to, e.label.clone());
        drawn.sort_by_key(key);
        wanted.sort_by_key(key);
        assert_eq!(drawn, wanted, "{locale}");
        // Readable on a phone: nothing is scaled down, and the chart scrolls sideways instead.
        assert!(svgs[0].contains(r#"font-size="12""#), "labels at 12 px");
        assert!(!svgs[0].contains("font-size=\"11"), "no text under 12 px");
        assert!(html.contains(r#"<div class="flowchart-scroll" tabindex="0" role="region""#));
        // Boxes link to their steps; the figure links to the text equivalent.
        assert!(svgs[0].contains(r##"<a href="#what-kind">"##));
        assert!(html.contains(r##"<a href="#rb-steps">"##));
    }
}

/// The print renderer's chart parts on a page: (width in mm, height in mm, view box width, view
/// box height, connector letters).
fn printed_parts(html: &str) -> Vec<(f32, f32, f32, f32, Vec<String>)> {
    charts(html)
        .into_iter()
        .map(|svg| {
            let attr = |name: &str| {
                let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                let end = svg[start..].find('"').unwrap() + start;
                svg[start..end].to_string()
            };
            let mm = |v: String| v.trim_end_matches("mm").parse::<f32>().unwrap();
            let view: Vec<f32> = attr("viewBox")
                .split(' ')
                .map(|n| n.parse().unwrap())
                .collect();
            let letters = svg
                .match_indices("<g class=\"connector\">")
                .map(|(at, _)| {
                    let text = &svg[at..];
                    let start = text.find("</text>").unwrap();
                    let open = text[..start].rfind('>').unwrap();
                    text[open + 1..start].to_string()
                })
                .collect();
            (
                mm(attr("width")),
                mm(attr("height")),
                view[2],
                view[3],
                letters,
            )
        })
        .collect()
}

#[test]
fn on_paper_the_chart_keeps_a_legible_scale_and_a_tall_one_is_cut_into_lettered_parts() {
    let project = Project::fixture("flowchart");
    // A second procedure: forty steps in a line, far taller than a page.
    let mut tall = String::from("title:\n  en: A long procedure\n  ja: 長い手順\nsteps:\n");
    for n in 1..=40 {
        tall.push_str(&format!(
            "  - id: step-{n}\n    title:\n      en: Do part {n} of the work\n      ja: 作業の {n} 番目を行う\n"
        ));
    }
    project.write("content/long.yaml", &tall);
    project.run(&["build"]).expect(0);
    let px_to_mm = 25.4 / 96.0;
    let outage = printed_parts(&project.read("build/html/en/checklists/tenant-outage.html"));
    assert_eq!(outage.len(), 1, "the outage chart fits one page");
    let long = printed_parts(&project.read("build/html/en/checklists/long.html"));
    assert!(long.len() >= 3, "{} parts", long.len());
    for (width, height, view_width, view_height, _) in outage.iter().chain(&long) {
        // 12 px labels at 0.8 are 7.2 pt: never smaller.
        assert!(
            (width / (view_width * px_to_mm) - 0.8).abs() < 0.01,
            "{width}"
        );
        assert!(
            (height / (view_height * px_to_mm) - 0.8).abs() < 0.01,
            "{height}"
        );
        assert!(*height <= 225.0, "a part fits a page: {height} mm");
    }
    // Each box is printed once, in one part, and each part names its own arrowhead.
    let html = project.read("build/html/en/checklists/long.html");
    assert_eq!(
        html.matches(r#"<rect class="box""#).count(),
        41,
        "40 steps and the end"
    );
    let markers: std::collections::BTreeSet<&str> = html
        .match_indices("<marker id=\"")
        .map(|(at, _)| &html[at + 12..at + 12 + html[at + 12..].find('"').unwrap()])
        .collect();
    assert_eq!(markers.len(), long.len(), "{markers:?}");
    // Each cut is named by letters that the part above ends with and the part below starts
    // from: every letter appears in exactly two neighbouring parts.
    let mut seen: std::collections::BTreeMap<&String, Vec<usize>> = Default::default();
    for (index, part) in long.iter().enumerate() {
        for letter in &part.4 {
            seen.entry(letter).or_default().push(index);
        }
    }
    assert!(!seen.is_empty());
    for (letter, parts) in &seen {
        assert!(
            parts.len() == 2 && parts[1] == parts[0] + 1,
            "{letter} in parts {parts:?}"
        );
    }
}

#[test]
fn the_markdown_book_shows_the_chart_as_an_image_beside_the_chapter() {
    let project = Project::fixture("flowchart");
    project.run(&["build"]).expect(0);
    for (locale, title) in [
        ("en", "Flowchart: Handle a tenant outage"),
        ("ja", "フローチャート: テナントの障害に対応する"),
    ] {
        let chapter = project.read(&format!("build/markdown/{locale}/src/tenant-outage.md"));
        assert!(
            chapter.contains(&format!("![{title}](tenant-outage.flowchart.svg)")),
            "{chapter}"
        );
        let svg = project.read(&format!(
            "build/markdown/{locale}/src/tenant-outage.flowchart.svg"
        ));
        assert!(svg.starts_with("<?xml"), "a file of its own");
        assert!(svg.contains(&format!("<title>{title}</title>")), "{svg}");
        assert!(!svg.contains("<a "), "an image follows no links");
        assert!(audit(&svg).problems.is_empty());
    }
}

#[test]
fn the_sample_chart_is_stable() {
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    let html = project.read("build/html/en/escalate-problems-to-microsoft.html");
    let svg = charts(&html)[0];
    assert!(audit(svg).problems.is_empty());
    // One element a line, so a change reads as a diff of what moved.
    insta::assert_snapshot!(svg.replace("><", ">\n<"));
}
