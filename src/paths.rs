//! Paths and the names the layout takes. Content paths are `/`-separated, relative to
//! `content/` (or to an output directory), never absolute. Every rule about them lives here, for
//! every stage: resolving a link written in one file (inside `content/`, or lexically with `../`
//! kept above it), a Markdown link's `.html` twin, the relative URL from one file to another, the
//! way up to a locale's root; and the paths and element ids the renderers generate themselves,
//! which content may not take.

/// Resolves a relative link path written in the file at content path `from` to a content path
/// (extension kept); `None` when it leaves the content root.
pub fn resolve(from: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// A link's target as a path from `content/`, climbing above it with `../` where the link does.
pub fn lexical_path(from: &str, path: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    let mut above = 0;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    above += 1;
                }
            }
            other => parts.push(other),
        }
    }
    format!("{}{}", "../".repeat(above), parts.join("/"))
}

/// A path to `to` relative to the directory of `from` (both relative to the same root,
/// `/`-separated): `en/a/b.html` → `ja/c.html` is `../../ja/c.html`.
pub fn relative_url(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len() - 1);
    let mut url = "../".repeat(from_dirs.len() - common);
    url.push_str(&to_parts[common..].join("/"));
    url
}

/// The absolute URL of `path` (relative to the HTML output's root) on the site published at
/// `site_url` (`[output.runbook] site-url`, ending in `/`), percent-encoded as URLs are.
pub fn absolute_url(site_url: &str, path: &str) -> String {
    match url::Url::parse(site_url).and_then(|base| base.join(path)) {
        Ok(url) => url.to_string(),
        Err(_) => format!("{site_url}{path}"),
    }
}

/// Resolves a relative link path (without fragment) written in the file at content path `from`
/// (e.g. `guides/a`) to a content path (`guides/b.md` → `guides/b`). `None` when it leaves the
/// content root or is not a `.md` link.
pub fn resolve_md_link(from: &str, link: &str) -> Option<String> {
    resolve(from, link)?.strip_suffix(".md").map(str::to_string)
}

/// `x.md#a` → `x.html#a` for relative links; every other destination unchanged.
pub fn md_link_to_html(destination: &str) -> String {
    if !is_relative(destination) {
        return destination.to_string();
    }
    let (path, fragment) = match destination.find(['#', '?']) {
        Some(i) => destination.split_at(i),
        None => (destination, ""),
    };
    match path.strip_suffix(".md") {
        Some(stem) => format!("{stem}.html{fragment}"),
        None => destination.to_string(),
    }
}

/// `../` repeated once per directory of a content path: from the file back to the locale root.
pub fn to_locale_root(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The directory part of a content path (`""` at the root).
pub fn directory_of(content_path: &str) -> &str {
    content_path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Whether a link destination is relative to the current file (no scheme, not absolute, not a
/// bare `#fragment`).
pub fn is_relative(destination: &str) -> bool {
    !(destination.is_empty()
        || destination.starts_with('/')
        || destination.starts_with('#')
        || has_scheme(destination))
}

/// Whether a link destination starts with a URL scheme (`https:`, `mailto:`), as RFC 3986 spells
/// one.
pub fn has_scheme(destination: &str) -> bool {
    match destination.find(':') {
        Some(colon) => {
            let scheme = &destination[..colon];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Content path of each locale's home page (`index.md` in content, `index.html` in output).
pub const INDEX_PATH: &str = "index";
/// Content path of the generated escalation categories page.
pub const CATEGORIES_PATH: &str = "categories";
/// Content path of each locale's page listing the whole table of contents (with a `toc.yml`,
/// which reserves it).
pub const CONTENTS_PATH: &str = "contents";
/// Output path of each locale's table of contents as a script, from the locale's directory
/// (with a `toc.yml`).
pub const CONTENTS_SCRIPT_PATH: &str = "toc.js";
/// Content path of each locale's page for addresses that have none (`LOCALE/404.html`).
pub const NOT_FOUND_PATH: &str = "404";

/// Content paths no page or procedure may take: the renderers generate files of these names
/// (`index` is the home page, which a page may provide; [`CONTENTS_PATH`] is reserved too when
/// the project has a table of contents).
pub const RESERVED_PATHS: &[&str] = &[CATEGORIES_PATH, NOT_FOUND_PATH, "SUMMARY"];

/// Whether an output path is an HTML page, the only kind of file whose `#fragment` names an
/// element (a fragment on an image or a PDF is left to the viewer, in `check` and `verify` alike).
pub fn is_page_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.ends_with(".html") || name.ends_with(".htm")
}

/// The stem of a procedure's own output files (checklists, PDFs): its path, with a page
/// procedure's `#ANCHOR` as one more folder (`page#add-a-user` → `page/add-a-user`).
pub fn procedure_stem(path: &str) -> std::borrow::Cow<'_, str> {
    match path.split_once('#') {
        Some((page, anchor)) => format!("{page}/{anchor}").into(),
        None => path.into(),
    }
}

/// Element ids the default templates use themselves, all under the `rb-` prefix, which no step or
/// category id and no heading of a page is likely to produce, so that a page's `## Steps` or
/// `<a name="search"></a>` keeps its own id; a heading that does slugify to one gets `-1`.
pub const TEMPLATE_IDS: &[&str] = &[
    "rb-main",
    "rb-applies-to",
    "rb-steps",
    "rb-home-procedures",
    "rb-search",
    "rb-search-input",
    "rb-search-status",
    "rb-search-results",
    "rb-run",
    "rb-run-heading",
    "rb-run-status",
    "rb-home-runs",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_are_percent_encoded_under_the_site_path() {
        assert_eq!(
            absolute_url("https://docs.example.com/guide/", "ja/手順/確認.html"),
            "https://docs.example.com/guide/ja/%E6%89%8B%E9%A0%86/%E7%A2%BA%E8%AA%8D.html"
        );
        assert_eq!(
            absolute_url("https://docs.example.com/", "index.html"),
            "https://docs.example.com/index.html"
        );
    }

    #[test]
    fn md_links_resolve_relative_to_the_file() {
        assert_eq!(resolve_md_link("a", "b.md").as_deref(), Some("b"));
        assert_eq!(resolve_md_link("g/a", "b.md").as_deref(), Some("g/b"));
        assert_eq!(resolve_md_link("g/a", "../b.md").as_deref(), Some("b"));
        assert_eq!(resolve_md_link("g/a", "./h/b.md").as_deref(), Some("g/h/b"));
        assert_eq!(resolve_md_link("a", "../b.md"), None);
        assert_eq!(resolve_md_link("a", "b.png"), None);
    }

    #[test]
    fn md_links_become_html_links() {
        assert_eq!(md_link_to_html("a/b.md?x#y"), "a/b.html?x#y");
        assert_eq!(md_link_to_html("img.png"), "img.png");
    }

    #[test]
    fn relative_urls_climb_and_descend() {
        assert_eq!(relative_url("en/a.html", "en/b.html"), "b.html");
        assert_eq!(
            relative_url("en/g/a.html", "ja/g/a.html"),
            "../../ja/g/a.html"
        );
        assert_eq!(relative_url("en/a.html", "assets/x.css"), "../assets/x.css");
        assert_eq!(relative_url("index.html", "en/index.html"), "en/index.html");
        assert_eq!(relative_url("en/a.html", "en/g/b.html"), "g/b.html");
    }

    #[test]
    fn relative_links_are_told_apart() {
        assert!(is_relative("x.md"));
        assert!(is_relative("../dir/x.md#a"));
        assert!(!is_relative("#a"));
        assert!(!is_relative("https://example.com"));
        assert!(!is_relative("mailto:a@example.com"));
        assert!(!is_relative("/abs.md"));
    }

    mod properties {
        use proptest::prelude::*;

        use crate::paths::resolve;

        fn path() -> impl Strategy<Value = String> {
            proptest::collection::vec(prop_oneof!["a", "b", "c-d", "日本", "..", ".", ""], 0..8)
                .prop_map(|parts| parts.join("/"))
        }

        fn file() -> impl Strategy<Value = String> {
            proptest::collection::vec(prop_oneof!["a", "b", "g"], 1..4)
                .prop_map(|parts| parts.join("/"))
        }

        proptest! {
            /// A resolved link is a clean content path: no `.`, `..` or empty segment, so it
            /// can never name anything outside `content/`.
            #[test]
            fn resolved_links_are_clean_and_inside(from in file(), link in path()) {
                if let Some(resolved) = resolve(&from, &link) {
                    prop_assert!(resolved.split('/').all(|p| p.is_empty() || (p != ".." && p != ".")));
                    prop_assert!(!resolved.starts_with('/') && !resolved.contains("//"));
                }
            }

            /// A link that climbs more levels than the file is deep is refused.
            #[test]
            fn climbing_above_the_root_is_refused(from in file(), extra in 1_usize..4) {
                let depth = from.matches('/').count();
                let link = "../".repeat(depth + extra) + "x.md";
                prop_assert_eq!(resolve(&from, &link), None);
            }

            /// Resolving is relative to the file's directory and stable: the resolved path,
            /// linked from a file at the root, resolves to itself.
            #[test]
            fn resolving_twice_changes_nothing(from in file(), link in path()) {
                if let Some(resolved) = resolve(&from, &link) {
                    prop_assert_eq!(resolve("index", &resolved), Some(resolved.clone()));
                    if !link.split('/').any(|p| p == "..") {
                        let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
                        prop_assert!(resolved.starts_with(dir));
                    }
                }
            }
        }
    }
}
