//! The table of contents of a locale (`toc.yml`), written once per locale instead of into every
//! page, so that the site's size grows with its pages, not with their square:
//!
//! - each page carries its own branch: the top-level entries, and the entries under each entry
//!   on the way down to the page. That is the sidebar without JavaScript;
//! - `LOCALE/toc.js` holds the whole table as data. The site's script unfolds it in the sidebar,
//!   every branch folded but the current page's;
//! - `LOCALE/contents.html` lists the whole table, for readers without the script (each page's
//!   sidebar links to it).

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::markup;
use crate::paths::{CONTENTS_PATH, directory_of, to_locale_root};
use crate::view::{TocNode, TocTarget};

/// The global the locale's `toc.js` sets, read by the site's script.
const SCRIPT_GLOBAL: &str = "runbookToc";

/// A locale's table of contents, with where each page sits in it.
pub(super) struct Contents {
    /// The entries of `toc.yml`, then a group of the pages and procedures it leaves out.
    nodes: Vec<TocNode>,
    /// For each content path the table leads to, the indexes of the entries from the top down to
    /// its first entry.
    places: HashMap<String, Vec<usize>>,
}

impl Contents {
    /// The table of `nodes`, with `left_out` (pages the table does not list) in a group named
    /// `left_out_title` at its end, folder by folder when they are in several folders.
    pub(super) fn new(
        mut nodes: Vec<TocNode>,
        left_out: Vec<TocNode>,
        left_out_title: &str,
    ) -> Self {
        if !left_out.is_empty() {
            nodes.push(TocNode {
                title: left_out_title.to_string(),
                fallback_locale: None,
                target: None,
                children: by_folder(left_out),
            });
        }
        let mut places = HashMap::new();
        let mut trail = Vec::new();
        place(&nodes, &mut trail, &mut places);
        Self { nodes, places }
    }

    /// The sidebar's list on the page at `current` (a content path): the page's branch, shown
    /// whole by the site's script from `toc.js`. `toggle` names a branch's fold button, with
    /// `{title}` for the entry's title.
    pub(super) fn branch_html(&self, current: &str, toggle: &str) -> String {
        let to_root = to_locale_root(current);
        let trail = self.places.get(current).map_or(&[][..], Vec::as_slice);
        let mut html = format!(
            "<ul class=\"toc\" data-root=\"{to_root}\" data-current=\"{}\" data-toggle=\"{}\">\n",
            markup::escape_html(&page_href(current)),
            markup::escape_html(toggle),
        );
        branch(&self.nodes, trail, &to_root, current, &mut html);
        html.push_str("</ul>\n");
        html
    }

    /// Every entry as nested lists, for the contents page.
    pub(super) fn full_html(&self) -> String {
        let to_root = to_locale_root(CONTENTS_PATH);
        let mut html = String::from("<ul class=\"toc toc-full\">\n");
        full(&self.nodes, &to_root, &mut html);
        html.push_str("</ul>\n");
        html
    }

    /// `toc.js`: a script that sets the table as data, `{t: title, h: address, l: language,
    /// c: entries under it}`; an address is relative to the locale's directory unless `x` says
    /// it is a web address.
    pub(super) fn script(&self) -> String {
        let data = Value::Array(self.nodes.iter().map(data).collect());
        format!("self.{SCRIPT_GLOBAL} = {data};\n")
    }
}

/// The address of a page from its locale's directory.
fn page_href(content_path: &str) -> String {
    format!("{content_path}.html")
}

/// Pages grouped by folder when they are in more than one, each folder a group named by its
/// path; pages at the content root stay first, ungrouped.
fn by_folder(pages: Vec<TocNode>) -> Vec<TocNode> {
    let folder = |node: &TocNode| match &node.target {
        Some(TocTarget::Content(path)) => directory_of(path).to_string(),
        _ => String::new(),
    };
    let mut folders: Vec<String> = pages.iter().map(folder).collect();
    folders.sort();
    folders.dedup();
    if folders.len() < 2 {
        return pages;
    }
    let mut grouped: Vec<TocNode> = Vec::new();
    let mut groups: std::collections::BTreeMap<String, Vec<TocNode>> = Default::default();
    for page in pages {
        match folder(&page) {
            dir if dir.is_empty() => grouped.push(page),
            dir => groups.entry(dir).or_default().push(page),
        }
    }
    grouped.extend(groups.into_iter().map(|(dir, children)| TocNode {
        title: dir,
        fallback_locale: None,
        target: None,
        children,
    }));
    grouped
}

/// Records, for each content path under `nodes`, the first trail of entry indexes to it.
fn place(nodes: &[TocNode], trail: &mut Vec<usize>, places: &mut HashMap<String, Vec<usize>>) {
    for (index, node) in nodes.iter().enumerate() {
        trail.push(index);
        if let Some(TocTarget::Content(path)) = &node.target {
            places.entry(path.clone()).or_insert_with(|| trail.clone());
        }
        place(&node.children, trail, places);
        trail.pop();
    }
}

/// One entry's link (or a group's name), without its children.
fn entry_html(node: &TocNode, to_root: &str, current: &str, html: &mut String) {
    let title = markup::escape_html(&node.title);
    let lang = node
        .fallback_locale
        .as_ref()
        .map_or(String::new(), |l| format!(" lang=\"{l}\""));
    match &node.target {
        Some(TocTarget::Content(path)) => {
            let here = if path == current {
                " aria-current=\"page\""
            } else {
                ""
            };
            let href = page_href(path);
            let _ = write!(html, "<a href=\"{to_root}{href}\"{here}{lang}>{title}</a>");
        }
        Some(TocTarget::External(url)) => {
            let url = markup::escape_html(url);
            let _ = write!(html, "<a href=\"{url}\"{lang}>{title}</a>");
        }
        None => {
            let _ = write!(html, "<span class=\"toc-group\"{lang}>{title}</span>");
        }
    }
}

/// The entries of `nodes`, and under the one `trail` starts with, its entries in turn.
fn branch(nodes: &[TocNode], trail: &[usize], to_root: &str, current: &str, html: &mut String) {
    for (index, node) in nodes.iter().enumerate() {
        html.push_str("<li>");
        entry_html(node, to_root, current, html);
        if trail.first() == Some(&index) && !node.children.is_empty() {
            html.push_str("\n<ul>\n");
            branch(&node.children, &trail[1..], to_root, current, html);
            html.push_str("</ul>\n");
        }
        html.push_str("</li>\n");
    }
}

/// Every entry of `nodes`, nested.
fn full(nodes: &[TocNode], to_root: &str, html: &mut String) {
    for node in nodes {
        html.push_str("<li>");
        entry_html(node, to_root, CONTENTS_PATH, html);
        if !node.children.is_empty() {
            html.push_str("\n<ul>\n");
            full(&node.children, to_root, html);
            html.push_str("</ul>\n");
        }
        html.push_str("</li>\n");
    }
}

/// An entry as `toc.js` data.
fn data(node: &TocNode) -> Value {
    let mut entry = serde_json::Map::new();
    entry.insert("t".into(), json!(node.title));
    match &node.target {
        Some(TocTarget::Content(path)) => {
            entry.insert("h".into(), json!(page_href(path)));
        }
        Some(TocTarget::External(url)) => {
            entry.insert("h".into(), json!(url));
            entry.insert("x".into(), json!(1));
        }
        None => {}
    }
    if let Some(lang) = &node.fallback_locale {
        entry.insert("l".into(), json!(lang));
    }
    if !node.children.is_empty() {
        entry.insert("c".into(), node.children.iter().map(data).collect());
    }
    Value::Object(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str, path: &str) -> TocNode {
        TocNode {
            title: title.to_string(),
            fallback_locale: None,
            target: Some(TocTarget::Content(path.to_string())),
            children: Vec::new(),
        }
    }

    fn group(title: &str, children: Vec<TocNode>) -> TocNode {
        TocNode {
            title: title.to_string(),
            fallback_locale: None,
            target: None,
            children,
        }
    }

    fn sample() -> Contents {
        Contents::new(
            vec![
                page("Overview", "index"),
                group(
                    "Billing",
                    vec![
                        page("Invoices", "billing/invoices"),
                        group("Refunds", vec![page("Ask", "billing/refunds/ask")]),
                    ],
                ),
                group("Users", vec![page("Add", "users/add")]),
            ],
            vec![page("Loose", "loose"), page("Old", "archive/old")],
            "Pages",
        )
    }

    #[test]
    fn a_page_carries_its_own_branch_and_the_top_level_only() {
        let html = sample().branch_html("billing/refunds/ask", "Under {title}");
        assert!(html.contains("data-root=\"../../\""), "{html}");
        assert!(html.contains("data-current=\"billing/refunds/ask.html\""));
        assert!(html.contains(">Invoices<"), "the branch's siblings: {html}");
        assert!(
            html.contains("href=\"../../billing/refunds/ask.html\" aria-current=\"page\">Ask<")
        );
        assert!(html.contains(">Users<"), "other top-level entries: {html}");
        assert!(
            !html.contains(">Add<"),
            "other branches stay folded: {html}"
        );
        assert!(!html.contains(">Loose<"), "{html}");
    }

    #[test]
    fn pages_the_table_leaves_out_are_grouped_by_folder_at_its_end() {
        let contents = sample();
        let html = contents.branch_html("archive/old", "{title}");
        assert!(html.contains(">Pages<"), "{html}");
        assert!(html.contains(">Loose<"), "{html}");
        assert!(
            html.contains("<span class=\"toc-group\">archive</span>"),
            "{html}"
        );
        assert!(html.contains("aria-current=\"page\">Old<"), "{html}");
        let full = contents.full_html();
        for title in ["Invoices", "Ask", "Add", "Loose", "Old"] {
            assert!(full.contains(&format!(">{title}<")), "{title} in {full}");
        }
        assert!(!full.contains("aria-current"), "{full}");
    }

    #[test]
    fn the_script_holds_every_entry_as_data() {
        let script = sample().script();
        assert!(script.starts_with("self.runbookToc = ["), "{script}");
        let json = script
            .trim_start_matches("self.runbookToc = ")
            .trim_end()
            .trim_end_matches(';');
        let data: Value = serde_json::from_str(json).unwrap();
        assert_eq!(data[1]["t"], "Billing");
        assert_eq!(data[1]["c"][1]["c"][0]["h"], "billing/refunds/ask.html");
        assert_eq!(data[3]["c"][1]["c"][0]["t"], "Old");
    }
}
