//! DocFX-flavoured Markdown, the dialect of Microsoft Learn and of most vendor documentation
//! repositories: its directives found with their places (for `validate`), and a page turned into
//! the CommonMark with GitHub alerts that every renderer reads (for `load`).
//!
//! | written | becomes |
//! | --- | --- |
//! | `[!INCLUDE [title](path.md)]` | the include file's text, its links rebased to the page |
//! | `:::image type="content" source="x.png" alt-text="A":::` | `![A](x.png)` (`complex`: and its description) |
//! | `# [Linux](#tab/linux)` … `---` | a tab group: `<div class="tabs">` holding a `<section id="tab/linux">` per tab |
//! | `> [!div class="nextstepaction"]` | the quote's links as a call to action |
//! | `::: zone pivot="x"` … `::: zone-end` | a labelled `<section class="zone">` |
//! | `:::row:::`, `:::column:::` | nothing (layout only) |
//! | `> [!VIDEO url]` | a link to the video |
//! | `<a name="x"></a>` | `<a id="x"></a>`, dropped when the next heading has that id anyway |
//! | `/prefix/path` links | what `[output.runbook.root-links]` maps them to |
//!
//! Alerts (`> [!NOTE]`) are left as they are: pulldown-cmark reads them (GitHub's syntax), so each
//! renderer draws them its own way. Anything else written as a directive is `Unsupported`, which
//! `check` reports, so no reader ever sees literal directive syntax.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::config::{Config, RootTarget};
use crate::markup;
use crate::paths::{lexical_path, relative_url, resolve};

/// What a directive is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `[!INCLUDE [title](path)]`: alone on its line (`inline: false`) or inside text.
    Include {
        /// The path as written.
        path: String,
        /// Whether it sits inside a paragraph.
        inline: bool,
    },
    /// `:::image ...:::` (and, for `type="complex"`, its description up to `:::image-end:::`).
    Image {
        /// `source`, as written.
        source: String,
        /// `alt-text`, when given.
        alt: Option<String>,
        /// `content` (default), `icon` or `complex`.
        image_type: String,
        /// The long description of a complex image.
        description: Option<String>,
    },
    /// `# [Title](#tab/id)`: the start of a tab.
    Tab {
        /// The tab's title.
        title: String,
        /// Its id, without `tab/`.
        id: String,
    },
    /// `---` after a tab group: its end.
    TabsEnd,
    /// `> [!div class="..."]` and the rest of its quote.
    Div {
        /// The class written (`nextstepaction`).
        class: String,
        /// The rest of the quote, unquoted.
        body: String,
    },
    /// `::: zone pivot="x"` (or `target="x"`).
    Zone {
        /// The pivot or target named.
        pivot: String,
    },
    /// `::: zone-end`.
    ZoneEnd,
    /// `> [!VIDEO url]`.
    Video {
        /// The video's address.
        url: String,
    },
    /// `:::row:::`, `:::column:::` and their ends.
    Layout,
    /// Any other directive: `check` refuses it.
    Unsupported {
        /// Its name (`:::code`, `[!button]`).
        name: String,
    },
}

/// A directive found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// What it is.
    pub kind: Kind,
    /// Its bytes in the text: whole lines, without the last line break, for block directives.
    pub range: Range<usize>,
    /// Where its path or source is written, when it has one.
    pub target: Option<Range<usize>>,
    /// The container prefix of its line (`> `, list indentation), kept on inserted lines.
    pub prefix: String,
}

/// A regular expression written in this file. The patterns are constants, each used by the
/// unit tests below, so building one cannot fail at run time.
#[allow(clippy::expect_used)]
fn pattern(source: &str) -> Regex {
    Regex::new(source).expect("the dialect's patterns are valid")
}

static BLOCK_INCLUDE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)^\[!INCLUDE\s*\[([^\]]*)\]\(\s*<?([^)\s>]+)>?\s*\)\s*\]\s*$"));
static INLINE_INCLUDE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\[!INCLUDE\s*\[([^\]]*)\]\(\s*<?([^)\s>]+)>?\s*\)\s*\]"));
static INLINE_IMAGE: LazyLock<Regex> = LazyLock::new(|| pattern(r":::\s*image\s+(.*?):::"));
static COLONS: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^:::\s*([A-Za-z][\w-]*)(.*?)(:::)?\s*$"));
static ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r#"([A-Za-z][\w-]*)\s*=\s*"([^"]*)""#));
static TAB: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^#{1,6}\s+\[([^\]]+)\]\(#tab/([^)\s]+)\)\s*#*\s*$"));
static BANG: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^\[!([A-Za-z][\w-]*)\b\s*([^\]]*)\]\s*$"));
static ANCHOR: LazyLock<Regex> =
    LazyLock::new(|| pattern(r#"(?i)<a\s+(?:name|id)\s*=\s*["']([^"']+)["']\s*/?>\s*(?:</a>)?"#));
static SIDE_BY_SIDE_SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r#"<span class="sxs-lookup">\s*<span data-stu-id="[^"]*">.*?</span>\s*</span>"#)
});
static SIDE_BY_SIDE_TARGET: LazyLock<Regex> =
    LazyLock::new(|| pattern(r#"<span data-ttu-id="[^"]*">(.*?)</span>"#));
static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| pattern(r"^(?:[-*+]|[0-9]{1,9}[.)])[ \t]+"));
static CONTAINER: LazyLock<Regex> = LazyLock::new(|| pattern(r"^[ \t]*(?:>[ \t]?)*[ \t]*"));

/// GitHub's alert kinds, which pulldown-cmark reads itself.
const ALERTS: &[&str] = &["note", "tip", "important", "warning", "caution"];

/// Whether a text can hold a directive at all (most texts skip the scan).
fn may_hold_directive(text: &str) -> bool {
    text.contains("[!") || text.contains(":::") || text.contains("#tab/")
}

/// The lines of a text outside fenced code blocks: (offset, line without its line break).
fn lines_outside_code(text: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();
        let inner = &line[CONTAINER.find(line).map_or(0, |m| m.end())..];
        let marker = inner.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = marker {
            let run = inner.chars().take_while(|x| *x == c).count();
            if run >= 3 {
                match fence {
                    None => fence = Some((c, run)),
                    Some((open, len))
                        if open == c && run >= len && inner.trim_end().len() == run =>
                    {
                        fence = None
                    }
                    _ => {}
                }
                continue;
            }
        }
        if fence.is_none() {
            lines.push((start, line));
        }
    }
    lines
}

/// A line with the inside of its inline code spans (`` `...` ``) replaced by spaces of the same
/// byte length.
fn without_inline_code(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('`') {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('`') {
        let run = rest[open..].chars().take_while(|c| *c == '`').count();
        let fence = &rest[open..open + run];
        let after = &rest[open + run..];
        match after.find(fence) {
            Some(close) => {
                out.push_str(&rest[..open + run]);
                out.extend(std::iter::repeat_n(' ', after[..close].len()));
                out.push_str(fence);
                rest = &after[close + run..];
            }
            None => {
                out.push_str(&rest[..open + run]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Every directive of a text, in order.
pub fn directives(text: &str) -> Vec<Directive> {
    if !may_hold_directive(text) {
        return Vec::new();
    }
    let lines = lines_outside_code(text);
    let mut found = Vec::new();
    let mut in_tabs = false;
    let mut index = 0;
    while index < lines.len() {
        let (start, original) = lines[index];
        index += 1;
        // Inline code shows directives as text: matched against a copy with code blanked out
        // (same byte offsets, so every range stays valid in the original).
        let masked = without_inline_code(original);
        let line = masked.as_ref();
        let prefix_len = CONTAINER.find(line).map_or(0, |m| m.end());
        let prefix = &line[..prefix_len];
        let inner = &line[prefix_len..];
        let quoted = prefix.contains('>');
        let whole = start..start + line.len();
        let at =
            |range: Range<usize>| start + prefix_len + range.start..start + prefix_len + range.end;
        let directive = |kind: Kind, target: Option<Range<usize>>| Directive {
            kind,
            range: whole.clone(),
            target,
            prefix: prefix.to_string(),
        };
        // `- [!INCLUDE ...]`: a block include as a list item's content, continued under the item.
        if let Some(marker) = LIST_MARKER.find(inner)
            && let Some(caps) = BLOCK_INCLUDE.captures(&inner[marker.end()..])
        {
            let offset = prefix_len + marker.end();
            let path = caps.get(2).map_or(0..0, |m| m.range());
            found.push(Directive {
                kind: Kind::Include {
                    path: inner[marker.end()..][path.clone()].to_string(),
                    inline: false,
                },
                range: start + offset..start + line.len(),
                target: Some(start + offset + path.start..start + offset + path.end),
                prefix: format!("{prefix}{}", " ".repeat(marker.as_str().chars().count())),
            });
            continue;
        }
        if let Some(caps) = BLOCK_INCLUDE.captures(inner) {
            let path = caps.get(2).map_or(0..0, |m| m.range());
            found.push(directive(
                Kind::Include {
                    path: inner[path.clone()].to_string(),
                    inline: false,
                },
                Some(at(path)),
            ));
            continue;
        }
        for caps in INLINE_INCLUDE.captures_iter(inner) {
            let (Some(all), Some(path)) = (caps.get(0), caps.get(2)) else {
                continue;
            };
            found.push(Directive {
                kind: Kind::Include {
                    path: path.as_str().to_string(),
                    inline: true,
                },
                range: at(all.range()),
                target: Some(at(path.range())),
                prefix: prefix.to_string(),
            });
        }
        if !inner.starts_with(":::") {
            for caps in INLINE_IMAGE.captures_iter(inner) {
                let (Some(all), Some(body)) = (caps.get(0), caps.get(1)) else {
                    continue;
                };
                let attributes = attributes_of(body.as_str(), body.start());
                let attribute = |key: &str| attributes.iter().find(|(k, _, _)| k == key);
                let source = attribute("source");
                found.push(Directive {
                    kind: Kind::Image {
                        source: source.map_or(String::new(), |a| a.1.clone()),
                        alt: attribute("alt-text").map(|a| a.1.clone()),
                        image_type: attribute("type")
                            .map_or("content".to_string(), |a| a.1.to_ascii_lowercase()),
                        description: None,
                    },
                    range: at(all.range()),
                    target: source.map(|a| at(a.2.clone())),
                    prefix: String::new(),
                });
            }
        }
        if let Some(caps) = TAB.captures(inner) {
            in_tabs = true;
            found.push(directive(
                Kind::Tab {
                    title: caps[1].trim().to_string(),
                    id: caps[2].to_string(),
                },
                None,
            ));
            continue;
        }
        if in_tabs && inner.trim() == "---" && prefix.trim().is_empty() {
            in_tabs = false;
            found.push(directive(Kind::TabsEnd, None));
            continue;
        }
        if let Some(caps) = COLONS.captures(inner) {
            let name = caps[1].to_ascii_lowercase();
            let rest = caps.get(2).map_or("", |m| m.as_str());
            let attributes = attributes_of(rest, caps.get(2).map_or(0, |m| m.start()));
            let attribute = |key: &str| attributes.iter().find(|(k, _, _)| k == key);
            match name.as_str() {
                "image" => {
                    let image_type = attribute("type")
                        .map_or("content".to_string(), |a| a.1.to_ascii_lowercase());
                    let source = attribute("source");
                    let mut range = whole.clone();
                    let mut description = None;
                    let has_end = lines[index..].iter().any(|(_, next)| {
                        let next_inner = &next[CONTAINER.find(next).map_or(0, |m| m.end())..];
                        COLONS
                            .captures(next_inner)
                            .is_some_and(|c| c[1].eq_ignore_ascii_case("image-end"))
                    });
                    // Without its `:::image-end:::`, a complex image is a plain one: the rest of
                    // the page is not taken for its description.
                    if image_type == "complex" && has_end {
                        let mut text_lines = Vec::new();
                        while index < lines.len() {
                            let (next_start, next) = lines[index];
                            index += 1;
                            range.end = next_start + next.len();
                            let next_inner = &next[CONTAINER.find(next).map_or(0, |m| m.end())..];
                            if COLONS
                                .captures(next_inner)
                                .is_some_and(|c| c[1].eq_ignore_ascii_case("image-end"))
                            {
                                break;
                            }
                            text_lines.push(next_inner);
                        }
                        description = Some(text_lines.join("\n").trim().to_string());
                    }
                    found.push(Directive {
                        kind: Kind::Image {
                            source: source.map_or(String::new(), |a| a.1.clone()),
                            alt: attribute("alt-text").map(|a| a.1.clone()),
                            image_type,
                            description,
                        },
                        range,
                        target: source.map(|a| at(a.2.clone())),
                        prefix: prefix.to_string(),
                    });
                }
                "zone" => {
                    let pivot = attribute("pivot").or_else(|| attribute("target"));
                    found.push(directive(
                        Kind::Zone {
                            pivot: pivot.map_or(String::new(), |a| a.1.clone()),
                        },
                        None,
                    ));
                }
                "zone-end" => found.push(directive(Kind::ZoneEnd, None)),
                "row" | "row-end" | "column" | "column-end" => {
                    found.push(directive(Kind::Layout, None))
                }
                other => found.push(directive(
                    Kind::Unsupported {
                        name: format!(":::{other}"),
                    },
                    None,
                )),
            }
            continue;
        }
        if quoted && let Some(caps) = BANG.captures(inner) {
            let name = caps[1].to_ascii_lowercase();
            let argument = caps[2].trim().to_string();
            match name.as_str() {
                n if ALERTS.contains(&n) => {}
                "include" => {}
                "div" => {
                    let class = ATTRIBUTE
                        .captures(&argument)
                        .map_or(String::new(), |a| a[2].to_string());
                    // The rest of the quote belongs to the div.
                    let mut range = whole.clone();
                    let mut body = Vec::new();
                    while index < lines.len() {
                        let (next_start, next) = lines[index];
                        let next_prefix = CONTAINER.find(next).map_or(0, |m| m.end());
                        if !next[..next_prefix].contains('>')
                            || next[next_prefix..].trim().is_empty()
                        {
                            break;
                        }
                        index += 1;
                        range.end = next_start + next.len();
                        body.push(&next[next_prefix..]);
                    }
                    found.push(Directive {
                        kind: Kind::Div {
                            class,
                            body: body.join("\n"),
                        },
                        range,
                        target: None,
                        prefix: prefix.replacen('>', "", 1).trim_end().to_string(),
                    });
                }
                "video" => found.push(directive(Kind::Video { url: argument }, None)),
                other => found.push(directive(
                    Kind::Unsupported {
                        name: format!("[!{}]", other.to_ascii_uppercase()),
                    },
                    None,
                )),
            }
        }
    }
    found
}

/// The `key="value"` attributes of a directive: lowercased key, value, and the value's range
/// (shifted by `offset`).
fn attributes_of(text: &str, offset: usize) -> Vec<(String, String, Range<usize>)> {
    ATTRIBUTE
        .captures_iter(text)
        .filter_map(|a| {
            let value = a.get(2)?;
            Some((
                a[1].to_ascii_lowercase(),
                value.as_str().to_string(),
                offset + value.start()..offset + value.end(),
            ))
        })
        .collect()
}

/// The links and images of a text as `check` follows them: Markdown's, except the paths of
/// include directives (checked as includes), plus the sources of `:::image` directives and the
/// `src` of raw HTML images.
pub fn links(text: &str) -> Vec<markup::Link> {
    let found = directives(text);
    let includes: Vec<Range<usize>> = found
        .iter()
        .filter(|d| matches!(d.kind, Kind::Include { .. }))
        .map(|d| d.range.clone())
        .collect();
    let mut links: Vec<markup::Link> = markup::links(text)
        .into_iter()
        .filter(|link| {
            !includes
                .iter()
                .any(|r| r.start <= link.range.start && link.range.end <= r.end)
        })
        .collect();
    for directive in found {
        // A video named by an id of the docs platform (`> [!VIDEO 0f1e…]`) has no address to
        // check or link: `check` reports it as unsupported instead.
        if let Kind::Video { url } = &directive.kind
            && crate::paths::has_scheme(url)
        {
            let start = text[directive.range.clone()]
                .find(url.as_str())
                .map_or(directive.range.start, |i| directive.range.start + i);
            links.push(markup::Link {
                destination: url.clone(),
                range: start..start + url.len(),
                image: false,
            });
        }
        if let (Kind::Image { source, .. }, Some(target)) = (&directive.kind, &directive.target) {
            links.push(markup::Link {
                destination: source.clone(),
                range: target.clone(),
                image: true,
            });
        }
    }
    links.extend(markup::raw_html_links(text));
    links.sort_by_key(|l| l.range.start);
    links
}

/// Finds an include file's text by content path: the text, and its locale when that is not the
/// page's.
pub type IncludeLookup<'a> = dyn Fn(&str) -> Option<(&'a str, Option<&'a str>)> + 'a;

/// What a text needs from its surroundings to be expanded.
pub struct Context<'a> {
    /// The content path of the file the text is in, without extension (`guides/a`).
    pub path: &'a str,
    /// The locale the text is shown in.
    pub locale: &'a str,
    /// The configuration (site-root links).
    pub config: &'a Config,
    /// An include file's text (front matter removed) by content path with extension, and the
    /// locale it is written in when that is not the page's (an untranslated include).
    pub include: &'a IncludeLookup<'a>,
    /// Content paths of files left out as not content (`Site::skipped`): links to them lead to
    /// their published address, or become text.
    pub skipped: &'a std::collections::BTreeSet<String>,
}

/// The deepest include nesting followed; deeper (or circular) includes are left out, and
/// `check` reports them.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// The text as plain CommonMark with GitHub alerts: includes pulled in, directives turned into
/// Markdown or the few HTML elements the renderers style, HTML anchors as ids, and site-root links
/// mapped by `[output.runbook.root-links]`.
pub fn expand(text: &str, cx: &Context<'_>) -> String {
    expand_bounded(text, cx).0
}

/// The most text includes may add to one page (the size of the largest page file read): a page
/// whose includes include others many times over cannot make a build run out of memory.
pub const MAX_INCLUDED_BYTES: usize = crate::source::MAX_TEXT_BYTES as usize;

/// [`expand`], and whether includes were left out because they would have added more than
/// [`MAX_INCLUDED_BYTES`].
pub fn expand_bounded(text: &str, cx: &Context<'_>) -> (String, bool) {
    let mut budget = MAX_INCLUDED_BYTES;
    let expanded = expand_in(text, cx, cx.path, &mut Vec::new(), &mut budget);
    let cut = budget == 0;
    (expand_links(expanded, cx), cut)
}

/// The expanded text's anchors, side-by-side spans and links, the last step of [`expand`].
fn expand_links(expanded: String, cx: &Context<'_>) -> String {
    let anchored = anchors_as_ids(&without_side_by_side(&expanded));
    let config = cx.config;
    if config.root_links.is_empty() && config.outside.is_empty() && cx.skipped.is_empty() {
        return anchored;
    }
    let rebased = markup::rebase_links(&anchored, &|destination| rebase(cx, destination));
    // Raw HTML links (`<a href>` in tables) follow the same rules.
    markup::rebase_raw_hrefs(&rebased, &|destination| rebase(cx, destination))
}

/// What the expanded page does with a link: site-root links as `[output.runbook.root-links]` maps them,
/// links declared `[output.runbook] outside` to their published address or to their text.
fn rebase(cx: &Context<'_>, destination: &str) -> markup::Rebase {
    let config = cx.config;
    if destination.starts_with('/') && !destination.starts_with("//") {
        // Declared outside: its published address if the root-links give one, else its text
        // (as `check`, which accepts it without looking further).
        let path = destination.split(['#', '?']).next().unwrap_or(destination);
        if config.outside.is_match(path) || config.outside.is_match(path.trim_start_matches('/')) {
            return match root_link(config, destination, cx.locale) {
                RootLink::External(url) => markup::Rebase::To(url),
                _ => markup::Rebase::Unlink,
            };
        }
        return match root_link(config, destination, cx.locale) {
            RootLink::Content(path) => markup::Rebase::To(relative_url(cx.path, &path)),
            RootLink::External(url) => markup::Rebase::To(url),
            // Declared outside, with no address to go to: its text alone.
            RootLink::Unmapped
                if config
                    .outside
                    .is_match(destination.split(['#', '?']).next().unwrap_or(destination)) =>
            {
                markup::Rebase::Unlink
            }
            RootLink::Unmapped => markup::Rebase::Keep,
        };
    }
    if !crate::paths::is_relative(destination)
        || (config.outside.is_empty() && cx.skipped.is_empty())
    {
        return markup::Rebase::Keep;
    }
    // A link declared to lead outside the built pages: to its published address when the
    // root-links say where this content is published, else its text alone (the build never
    // writes a link to a page it does not have).
    let (path, fragment) = match destination.find('#') {
        Some(i) => destination.split_at(i),
        None => (destination, ""),
    };
    let path = path.split('?').next().unwrap_or(path);
    let lexical = lexical_path(cx.path, path);
    if resolve(cx.path, path)
        .is_some_and(|p| !config.outside.is_match(&p) && !cx.skipped.contains(&p))
        && !config.outside.is_match(&lexical)
    {
        return markup::Rebase::Keep;
    }
    match published_url(config, &lexical, cx.locale) {
        Some(url) => markup::Rebase::To(format!("{url}{fragment}")),
        None => markup::Rebase::Unlink,
    }
}

/// The published address of a content path, when `[output.runbook.root-links]` says both where the
/// content is published (a prefix mapped to `"content"`) and where that prefix leads outside
/// (a shorter prefix mapped to a URL): `x.md` under `"/partner-center/" = "content"` and
/// `"/" = "https://learn.microsoft.com/{locale}/"` is `.../partner-center/x`.
pub fn published_url(config: &Config, lexical: &str, locale: &str) -> Option<String> {
    // DocFX publishes `x.md` and a `x.yml` landing page at `x`, and `index` at its folder.
    let page = lexical
        .strip_suffix(".md")
        .or_else(|| lexical.strip_suffix(".yml"))
        .unwrap_or(lexical);
    let page = if page == "index" {
        ""
    } else {
        page.strip_suffix("/index")
            .map_or(page, |p| &page[..p.len() + 1])
    };
    config.root_links.iter().find_map(|mapping| {
        let RootTarget::Content(dir) = &mapping.target else {
            return None;
        };
        let rest = if dir.is_empty() {
            page
        } else {
            page.strip_prefix(dir.as_str())?.strip_prefix('/')?
        };
        if rest.starts_with("../") {
            return None;
        }
        let site_path = format!("{}{rest}", mapping.prefix);
        config
            .root_links
            .iter()
            .filter(|other| matches!(other.target, RootTarget::Url(_)))
            .find_map(|other| {
                let tail = site_path.strip_prefix(other.prefix.as_str())?;
                let RootTarget::Url(base) = &other.target else {
                    return None;
                };
                Some(format!("{}{tail}", base.replace("{locale}", locale)))
            })
    })
}

fn expand_in(
    text: &str,
    cx: &Context<'_>,
    path: &str,
    stack: &mut Vec<String>,
    budget: &mut usize,
) -> String {
    let found = directives(text);
    if found.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut tab_ids: Vec<String> = Vec::new();
    let mut in_tabs = false;
    for directive in found {
        if directive.range.start < done {
            continue;
        }
        out.push_str(&text[done..directive.range.start]);
        done = directive.range.end;
        let prefix = directive.prefix.as_str();
        // A directive after a list marker continues the item's first line: no prefix there.
        let first = if directive.range.start == 0 || text[..directive.range.start].ends_with('\n') {
            prefix
        } else {
            ""
        };
        let block = |lines: &str| -> String {
            lines
                .lines()
                .enumerate()
                .map(|(i, line)| {
                    if i == 0 {
                        line.to_string()
                    } else if line.is_empty() {
                        prefix.trim_end().to_string()
                    } else {
                        format!("{prefix}{line}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let replacement = match &directive.kind {
            Kind::Include {
                path: written,
                inline,
            } => {
                let (included, fallback) = included(written, cx, path, stack, budget);
                // The prefix repeated on every line counts against the budget too.
                let repeated = prefix.len().saturating_mul(included.lines().count());
                let (included, fallback) = if *inline || repeated <= *budget {
                    *budget -= if *inline { 0 } else { repeated };
                    (included, fallback)
                } else {
                    *budget = 0;
                    (String::new(), None)
                };
                // Text shown in another language than the page's says so, as fallback text
                // does everywhere.
                match (inline, fallback) {
                    (true, None) => included.trim().replace(['\n', '\r'], " "),
                    (true, Some(lang)) => format!(
                        "<span lang=\"{lang}\">{}</span>",
                        included.trim().replace(['\n', '\r'], " ")
                    ),
                    (false, None) => format!("{first}{}", block(included.trim_end())),
                    (false, Some(lang)) => format!(
                        "{first}<div lang=\"{lang}\">\n{p}\n{prefix}{}\n{p}\n{prefix}</div>",
                        block(included.trim_end()),
                        p = prefix.trim_end()
                    ),
                }
            }
            Kind::Image {
                source,
                alt,
                image_type,
                description,
            } => {
                let alt = if image_type == "icon" {
                    String::new()
                } else {
                    alt.clone().unwrap_or_default()
                };
                let source = if source.contains([' ', '(', ')']) {
                    format!("<{source}>")
                } else {
                    source.clone()
                };
                let image = format!("{prefix}![{}]({source})", escape_brackets(&alt));
                match description {
                    Some(text) if !text.is_empty() => format!(
                        "{image}\n{p}\n{prefix}<details class=\"image-description\">\n{p}\n{prefix}<summary>{}</summary>\n{p}\n{prefix}{}\n{p}\n{prefix}</details>",
                        markup::escape_html(&alt),
                        block(text),
                        p = prefix.trim_end()
                    ),
                    _ => image,
                }
            }
            Kind::Tab { title, id } => {
                let close = if in_tabs {
                    "</section>\n\n"
                } else {
                    "<div class=\"tabs\">\n\n"
                };
                in_tabs = true;
                let id_attribute = if tab_ids.contains(id) {
                    String::new()
                } else {
                    tab_ids.push(id.clone());
                    format!(" id=\"tab/{}\"", markup::escape_html(id))
                };
                format!(
                    "{close}<section class=\"tab-panel\"{id_attribute} data-tab=\"{}\">\n\n<p class=\"tab-title\">{}</p>\n",
                    markup::escape_html(id),
                    markup::escape_html(&markup::plain_text(title))
                )
            }
            Kind::TabsEnd => {
                in_tabs = false;
                "</section>\n\n</div>".to_string()
            }
            Kind::Div { class, body } => format!(
                "{prefix}<div class=\"{}\">\n\n{prefix}{}\n\n{prefix}</div>",
                markup::escape_html(&class.replace("nextstepaction", "next-step-action")),
                block(body)
            ),
            Kind::Zone { pivot } => format!(
                "<section class=\"zone\" data-pivot=\"{0}\">\n\n<p class=\"zone-label\">{0}</p>\n",
                markup::escape_html(pivot)
            ),
            Kind::ZoneEnd => "</section>".to_string(),
            Kind::Video { url } if crate::paths::has_scheme(url) => {
                let destination = if url.contains([' ', '(', ')']) {
                    format!("<{url}>")
                } else {
                    url.clone()
                };
                format!("{prefix}[{}]({destination})", escape_brackets(url))
            }
            Kind::Video { url } => format!("{prefix}{}", escape_brackets(url)),
            Kind::Layout => String::new(),
            Kind::Unsupported { .. } => text[directive.range.clone()].to_string(),
        };
        out.push_str(&replacement);
    }
    out.push_str(&text[done..]);
    if in_tabs {
        out.push_str("\n\n</section>\n\n</div>\n");
    }
    out
}

/// An include's text, expanded and with its links rebased from the include file to `path`.
fn included<'c>(
    written: &str,
    cx: &Context<'c>,
    path: &str,
    stack: &mut Vec<String>,
    budget: &mut usize,
) -> (String, Option<&'c str>) {
    let Some(target) = resolve(path, written) else {
        return (String::new(), None);
    };
    if stack.len() >= MAX_INCLUDE_DEPTH || stack.contains(&target) {
        return (String::new(), None);
    }
    let Some((text, fallback)) = (cx.include)(&target) else {
        return (String::new(), None);
    };
    // Inside an include that is itself shown in another language, the mark is already made.
    let fallback = fallback.filter(|_| stack.is_empty());
    if text.len() > *budget {
        *budget = 0;
        return (String::new(), None);
    }
    *budget -= text.len();
    let include_path = target.strip_suffix(".md").unwrap_or(&target).to_string();
    stack.push(target);
    let expanded = expand_in(text, cx, &include_path, stack, budget);
    stack.pop();
    if include_path.rsplit_once('/').map(|(d, _)| d) == path.rsplit_once('/').map(|(d, _)| d) {
        return (expanded, fallback);
    }
    let rebased = markup::rebase_links(&expanded, &|destination| {
        if !crate::paths::is_relative(destination) {
            return markup::Rebase::Keep;
        }
        let (link_path, fragment) = match destination.find(['#', '?']) {
            Some(i) => destination.split_at(i),
            None => (destination, ""),
        };
        match resolve(&include_path, link_path) {
            Some(resolved) => {
                markup::Rebase::To(format!("{}{fragment}", relative_url(path, &resolved)))
            }
            None => markup::Rebase::Keep,
        }
    });
    (rebased, fallback)
}

/// A side-by-side translation (Microsoft's localization format: each translated sentence in a
/// `<span data-ttu-id>`, its source beside it in a hidden `<span class="sxs-lookup">`) reduced to
/// the translation, so readers and search see one language.
fn without_side_by_side(text: &str) -> String {
    if !text.contains("data-ttu-id") {
        return text.to_string();
    }
    let without_source = SIDE_BY_SIDE_SOURCE.replace_all(text, "");
    SIDE_BY_SIDE_TARGET
        .replace_all(&without_source, "$1")
        .into_owned()
}

/// `]` and `[` escaped for link text.
fn escape_brackets(text: &str) -> String {
    // An attribute's value is plain text: nothing in it may read as Markdown or HTML.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '[' | ']' | '<' | '`' | '*' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `<a name="x"></a>` written as `<a id="x"></a>`, and dropped when the next heading gets the id
/// `x` anyway (DocFX writes both).
fn anchors_as_ids(text: &str) -> String {
    if !text.contains("<a ") && !text.contains("<A ") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for caps in ANCHOR.captures_iter(text) {
        let (Some(all), Some(id)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        out.push_str(&text[done..all.start()]);
        done = all.end();
        let after = &text[all.end()..];
        let next_heading = after
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .filter(|l| l.starts_with('#'))
            .map(|l| markup::slugify(&markup::plain_text(l.trim_start_matches('#'))));
        if next_heading.as_deref() == Some(id.as_str()) {
            continue;
        }
        out.push_str(&format!(
            "<a id=\"{}\"></a>",
            markup::escape_html(id.as_str())
        ));
    }
    out.push_str(&text[done..]);
    out
}

/// What a site-root link (`/x/y`) is under `[output.runbook.root-links]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootLink {
    /// A content path with extension and any `#fragment` (`guides/x.md#a`).
    Content(String),
    /// An external address.
    External(String),
    /// No mapping holds it.
    Unmapped,
}

/// Reads a site-root link with the configuration's mappings, for a page in `locale`.
pub fn root_link(config: &Config, destination: &str, locale: &str) -> RootLink {
    let Some((mapping, rest)) = config.root_link(destination) else {
        return RootLink::Unmapped;
    };
    match &mapping.target {
        RootTarget::Url(base) => {
            RootLink::External(format!("{}{rest}", base.replace("{locale}", locale)))
        }
        RootTarget::Content(dir) => {
            let (path, fragment) = match rest.find('#') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            let path = path.split('?').next().unwrap_or(path).trim_end_matches('/');
            let joined = match (dir.is_empty(), path.is_empty()) {
                (true, _) => path.to_string(),
                (false, true) => dir.clone(),
                (false, false) => format!("{dir}/{path}"),
            };
            let file = if joined.is_empty() {
                "index.md".to_string()
            } else if joined
                .rsplit('/')
                .next()
                .is_some_and(|name| name.contains('.'))
            {
                joined
            } else if rest
                .split(['#', '?'])
                .next()
                .is_some_and(|p| p.ends_with('/'))
            {
                format!("{joined}/index.md")
            } else {
                format!("{joined}.md")
            };
            RootLink::Content(format!("{file}{fragment}"))
        }
    }
}

/// The page's first heading when it is an `h1` before any other block: its plain text, and the
/// text without it (the page title then comes from it, so a page never shows two `h1`s).
pub fn leading_title(text: &str) -> Option<(String, String)> {
    let range = markup::leading_h1(text)?;
    let title = markup::plain_text(&text[range.clone()]);
    let mut rest = String::with_capacity(text.len());
    rest.push_str(&text[..range.start]);
    rest.push_str(&text[range.end..]);
    Some((title.trim().to_string(), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        directives(text).into_iter().map(|d| d.kind).collect()
    }

    /// No file skipped.
    static NOTHING_SKIPPED: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();

    /// The context of a page at `path` in `locale`.
    fn context<'a>(
        config: &'a Config,
        path: &'a str,
        locale: &'a str,
        include: &'a IncludeLookup<'a>,
    ) -> Context<'a> {
        Context {
            path,
            locale,
            config,
            include,
            skipped: &NOTHING_SKIPPED,
        }
    }

    fn config(root_links: &str) -> Config {
        let mut sources = crate::source::SourceMap::new();
        let dir = std::env::temp_dir();
        let text = format!("[output.runbook]\nlocales = [\"en\", \"ja\"]\n{root_links}");
        let file = sources.add("book.toml", text.clone());
        crate::config::parse_for_tests(&dir, &text, file).expect("config")
    }

    #[test]
    fn includes_are_found_block_and_inline_but_not_in_code() {
        let text = "[!INCLUDE [note](../includes/a.md)]\n\nSee [!include[x](b.md)] here.\n\n```\n[!INCLUDE [n](c.md)]\n```\n";
        let found = directives(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0].kind,
            Kind::Include {
                path: "../includes/a.md".into(),
                inline: false
            }
        );
        assert_eq!(&text[found[0].target.clone().unwrap()], "../includes/a.md");
        assert_eq!(
            found[1].kind,
            Kind::Include {
                path: "b.md".into(),
                inline: true
            }
        );
        assert_eq!(&text[found[1].range.clone()], "[!include[x](b.md)]");
    }

    #[test]
    fn images_tabs_divs_zones_and_unknowns_are_told_apart() {
        let text = "1. Step\n\n   :::image type=\"content\" source=\"media/a.png\" alt-text=\"The form\":::\n\n# [Linux](#tab/linux)\n\nA\n\n# [Windows](#tab/windows)\n\nB\n\n---\n\n> [!div class=\"nextstepaction\"]\n> [Next](next.md)\n\n::: zone pivot=\"cli\"\n\nC\n\n::: zone-end\n\n:::code language=\"json\" source=\"x.json\":::\n\n> [!NOTE]\n> Fine.\n";
        let found = kinds(text);
        assert!(
            matches!(&found[0], Kind::Image { source, alt: Some(alt), .. } if source == "media/a.png" && alt == "The form")
        );
        assert_eq!(
            found[1],
            Kind::Tab {
                title: "Linux".into(),
                id: "linux".into()
            }
        );
        assert_eq!(
            found[2],
            Kind::Tab {
                title: "Windows".into(),
                id: "windows".into()
            }
        );
        assert_eq!(found[3], Kind::TabsEnd);
        assert_eq!(
            found[4],
            Kind::Div {
                class: "nextstepaction".into(),
                body: "[Next](next.md)".into()
            }
        );
        assert_eq!(
            found[5],
            Kind::Zone {
                pivot: "cli".into()
            }
        );
        assert_eq!(found[6], Kind::ZoneEnd);
        assert_eq!(
            found[7],
            Kind::Unsupported {
                name: ":::code".into()
            }
        );
        assert_eq!(found.len(), 8, "alerts are not directives: {found:?}");
        let inline = directives("Choose :::image type=\"icon\" source=\"i.png\"::: **Help**.\n");
        assert!(
            matches!(&inline[0].kind, Kind::Image { source, image_type, .. } if source == "i.png" && image_type == "icon")
        );
    }

    #[test]
    fn a_block_include_can_be_a_list_item() {
        let config = config("");
        let include = |_: &str| Some(("One.\n\nTwo.\n", None));
        let cx = context(&config, "p", "en", &include);
        assert_eq!(
            expand("- [!INCLUDE [x](includes/x.md)]\n- Next\n", &cx),
            "- One.\n\n  Two.\n- Next\n"
        );
        // A video is a link, and a complex image without its end is a plain image.
        let found = directives("> [!VIDEO https://v.example.com/1]\n");
        assert_eq!(
            found[0].kind,
            Kind::Video {
                url: "https://v.example.com/1".into()
            }
        );
        assert_eq!(
            links("> [!VIDEO javascript:x]\n")[0].destination,
            "javascript:x"
        );
        let found = directives(
            ":::image type=\"complex\" source=\"a.png\" alt-text=\"A\":::\nRest of the page.\n",
        );
        assert!(matches!(
            &found[0].kind,
            Kind::Image {
                description: None,
                ..
            }
        ));
        assert_eq!(found[0].range, 0..54, "the first line only");
    }

    #[test]
    fn directives_inside_inline_code_stay_text() {
        let text = "Write `[!INCLUDE [t](x.md)]` or ``:::image source=\"a.png\":::`` to show one. [!INCLUDE [real](y.md)]\n";
        let found = directives(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&text[found[0].range.clone()], "[!INCLUDE [real](y.md)]");
    }

    #[test]
    fn complex_images_keep_their_description() {
        let text = ":::image type=\"complex\" source=\"a.png\" alt-text=\"Chart\":::\nLong words.\n:::image-end:::\nAfter.\n";
        let found = directives(text);
        assert_eq!(found.len(), 1);
        assert!(
            matches!(&found[0].kind, Kind::Image { description: Some(d), .. } if d == "Long words.")
        );
        assert_eq!(
            &text[found[0].range.clone()],
            ":::image type=\"complex\" source=\"a.png\" alt-text=\"Chart\":::\nLong words.\n:::image-end:::"
        );
    }

    #[test]
    fn expansion_pulls_includes_in_with_rebased_links() {
        let config = config("");
        let include = |path: &str| match path {
            "includes/a.md" => Some((
                "See [health](../guides/health.md#now) and ![i](media/i.png).\n",
                None,
            )),
            "includes/loop.md" => Some(("[!INCLUDE [again](loop.md)]\n", None)),
            "includes/en.md" => Some(("Only in English.\n", Some("en"))),
            _ => None,
        };
        let cx = context(&config, "guides/page", "en", &include);
        let out = expand(
            "Intro.\n\n[!INCLUDE [a](../includes/a.md)]\n\nEnd [!INCLUDE [a](../includes/a.md)].\n\n[!INCLUDE [l](../includes/loop.md)]\n",
            &cx,
        );
        assert!(
            out.contains("See [health](health.md#now) and ![i](../includes/media/i.png)."),
            "{out}"
        );
        assert!(out.contains("End See [health]"), "{out}");
        assert!(!out.contains("[!INCLUDE"), "{out}");
        // An include shown in another language than the page's is marked with its language.
        let out = expand(
            "[!INCLUDE [e](../includes/en.md)]\n\nSee [!INCLUDE [e](../includes/en.md)]\n",
            &cx,
        );
        assert_eq!(
            out,
            "<div lang=\"en\">\n\nOnly in English.\n\n</div>\n\nSee <span lang=\"en\">Only in English.</span>\n"
        );
    }

    #[test]
    fn includes_that_multiply_stop_at_the_budget() {
        let config = config("");
        // Each level includes the next ten times: 10^8 copies without a budget.
        let levels: Vec<String> = (0..9)
            .map(|i| {
                if i == 8 {
                    "x".repeat(1000)
                } else {
                    format!("[!INCLUDE [n](l{}.md)]\n\n", i + 1).repeat(10)
                }
            })
            .collect();
        let include = |path: &str| {
            let i: usize = path
                .strip_prefix("includes/l")?
                .strip_suffix(".md")?
                .parse()
                .ok()?;
            levels.get(i).map(|t| (t.as_str(), None))
        };
        let cx = context(&config, "p", "en", &include);
        let (text, cut) = expand_bounded("[!INCLUDE [top](includes/l1.md)]\n", &cx);
        assert!(cut);
        assert!(text.len() <= 2 * MAX_INCLUDED_BYTES, "{}", text.len());
    }

    #[test]
    fn expansion_writes_tabs_images_and_anchors() {
        let config = config("");
        let cx = context(&config, "p", "en", &|_| None);
        let out = expand(
            "<a name=\"setup\"></a>\n## Setup\n\n<a name=\"other\"></a>\n\n# [Linux](#tab/linux)\n\nA\n\n# [Windows](#tab/windows)\n\nB\n\n---\n\n:::image type=\"content\" source=\"a.png\" alt-text=\"A form\":::\n",
            &cx,
        );
        assert!(!out.contains("name=\"setup\""), "{out}");
        assert!(out.contains("<a id=\"other\"></a>"), "{out}");
        assert!(out.contains("<div class=\"tabs\">\n\n<section class=\"tab-panel\" id=\"tab/linux\" data-tab=\"linux\">"), "{out}");
        assert!(
            out.contains("</section>\n\n<section class=\"tab-panel\" id=\"tab/windows\""),
            "{out}"
        );
        assert!(out.contains("</section>\n\n</div>"), "{out}");
        assert!(out.contains("![A form](a.png)"), "{out}");
    }

    #[test]
    fn site_root_links_follow_the_mappings() {
        let config = config(
            "[output.runbook.root-links]\n\"/partner-center/\" = \"content\"\n\"/\" = \"https://learn.microsoft.com/{locale}/\"\n",
        );
        assert_eq!(
            root_link(&config, "/partner-center/report-problems#a", "en"),
            RootLink::Content("report-problems.md#a".into())
        );
        assert_eq!(
            root_link(&config, "/partner-center/", "en"),
            RootLink::Content("index.md".into())
        );
        assert_eq!(
            root_link(&config, "/azure/x", "ja"),
            RootLink::External("https://learn.microsoft.com/ja/azure/x".into())
        );
        let cx = context(&config, "g/p", "en", &|_| None);
        let out = expand("[a](/partner-center/x) [b](/azure/y)\n", &cx);
        assert_eq!(
            out,
            "[a](../x.md) [b](https://learn.microsoft.com/en/azure/y)\n"
        );
        assert_eq!(
            root_link(&crate::dialect::tests::config(""), "/x", "en"),
            RootLink::Unmapped
        );
    }

    #[test]
    fn side_by_side_pages_keep_the_translation_only() {
        let text = "# <a name=\"x\"></a><span data-ttu-id=\"a-1\">見出し</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-1\">Heading</span></span>\n\n<span data-ttu-id=\"a-2\">**役割**: 管理者</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-2\">**Roles**: admin</span></span>\n";
        let out = without_side_by_side(text);
        assert_eq!(out, "# <a name=\"x\"></a>見出し\n\n**役割**: 管理者\n");
    }

    #[test]
    fn links_declared_outside_lead_to_the_published_site_or_become_text() {
        let config = config(
            "outside = [\"other.md\", \"../elsewhere/**\", \"/azure/**\"]\n[output.runbook.root-links]\n\"/partner-center/\" = \"content\"\n\"/\" = \"https://learn.microsoft.com/{locale}/\"\n",
        );
        let cx = context(&config, "page", "ja", &|_| None);
        let out = expand("[a](other.md#x) [b](../elsewhere/y.md) [c](here.md)\n", &cx);
        assert_eq!(
            out,
            "[a](https://learn.microsoft.com/ja/partner-center/other#x) b [c](here.md)\n"
        );
        let unpublished = self::config("outside = [\"other.md\", \"/azure/**\"]\n");
        let cx = context(&unpublished, "page", "en", &|_| None);
        assert_eq!(expand("[a](other.md) [z](/azure/z)\n", &cx), "a z\n");
    }

    #[test]
    fn a_leading_h1_is_the_title() {
        let (title, rest) = leading_title("\n# Escalate *now*\n\nBody.\n").unwrap();
        assert_eq!(title, "Escalate now");
        assert_eq!(rest, "\n\nBody.\n");
        assert!(leading_title("Intro.\n\n# Later\n").is_none());
        assert!(leading_title("## Two\n").is_none());
    }

    #[test]
    fn a_video_named_by_an_id_is_no_link() {
        assert!(links("> [!VIDEO d1ef4f9e-02dc-481e-8a95-a4bb624e1f74]\n").is_empty());
        assert_eq!(
            links("> [!VIDEO https://v.example.com/a_b]\n")[0].destination,
            "https://v.example.com/a_b"
        );
    }

    #[test]
    fn image_attributes_are_text() {
        let config = config("");
        let include = |_: &str| None;
        let expanded = expand(
            ":::image type=\"content\" source=\"media/a.png\" alt-text=\"<alt> *x* [y]\":::\n",
            &context(&config, "p", "en", &include),
        );
        assert!(
            expanded.contains(r"![\<alt> \*x\* \[y\]](media/a.png)"),
            "{expanded}"
        );
    }
}
