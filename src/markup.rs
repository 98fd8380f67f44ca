//! Markdown, through pulldown-cmark: one set of parser options, the heading slug function, heading
//! and link extraction, and HTML rendering with cross-links rewritten.
//!
//! This module is the only one that knows pulldown-cmark. The slug function is shared by the HTML
//! renderer and by validation, so an anchor that checks is an anchor that exists; it follows
//! mdBook's rule, so anchors also work in the generated mdBook sources.

mod steps;

pub use steps::{
    Alert, ListItem, NOT_STEPS_MARKER, OrderedList, StepsHtml, ordered_lists, take_alerts,
};

use crate::paths::md_link_to_html;
use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Whether a text is a block (paragraphs, lists) or inline (a title, a label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// Paragraphs and other blocks.
    Block,
    /// Inline content only: the paragraph wrapper is dropped.
    Inline,
}

/// The `href` of a raw `<a>` tag: before, the value, after.
static RAW_HREF: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    regex::Regex::new(r#"(?i)(<a\s[^>]*?href=")([^"]*)(")"#).expect("a valid constant pattern")
});

/// The end of an HTML table cell, and of an HTML line (a row, a caption, a paragraph, a list
/// item, a line break): where text taken out of raw HTML is separated on paper.
static HTML_CELL_END: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    regex::Regex::new(r"(?i)</t[dh]\s*>").expect("a valid constant pattern")
});
static HTML_LINE_END: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    regex::Regex::new(r"(?i)</(?:tr|caption|p|li)\s*>|<br\s*/?>").expect("a valid constant pattern")
});

/// The parser options used everywhere: those of mdBook, so both outputs read text alike.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// The anchor of a heading: lowercase, letters and digits of any script kept, whitespace becomes
/// `-`, other characters dropped (mdBook's rule).
pub fn slugify(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// The anchors already used on one output page, to make repeated headings unique (`x`, `x-1`,
/// `x-2`, ...).
#[derive(Debug, Default)]
pub struct Anchors {
    used: HashMap<String, usize>,
}

impl Anchors {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an explicit id (a step id, `{#id}`) as used.
    pub fn reserve(&mut self, id: &str) {
        self.used.entry(id.to_string()).or_insert(0);
    }

    /// A unique anchor for a heading with this text.
    pub fn unique(&mut self, text: &str) -> String {
        let slug = slugify(text);
        let base = if slug.is_empty() {
            "section".to_string()
        } else {
            slug
        };
        let mut candidate = base.clone();
        loop {
            match self.used.get_mut(&base) {
                None => {
                    self.used.insert(base.clone(), 0);
                    return candidate;
                }
                Some(count) => {
                    *count += 1;
                    candidate = format!("{base}-{count}");
                    if !self.used.contains_key(&candidate) {
                        self.used.insert(candidate.clone(), 0);
                        return candidate;
                    }
                }
            }
        }
    }
}

/// A heading of a Markdown text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading's plain text.
    pub text: String,
    /// Its anchor: explicit `{#id}` or the slug.
    pub id: String,
}

/// A link or image of a Markdown text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The destination as written.
    pub destination: String,
    /// Byte range of the whole link in the text.
    pub range: Range<usize>,
    /// Whether it is an image.
    pub image: bool,
}

/// The headings of a text, with the anchors the HTML renderer gives them.
pub fn headings(text: &str, anchors: &mut Anchors) -> Vec<Heading> {
    if !may_hold_heading(text) {
        return Vec::new();
    }
    let events: Vec<Event<'_>> = Parser::new_ext(text, options()).collect();
    assign_heading_ids(&events, anchors)
}

/// Whether a text can hold a heading at all: some line must start (after spaces) with `#`, with
/// a setext underline (`=`, `-`) or inside a container (`>`, a list marker). Most texts are
/// plain sentences and skip the parser.
fn may_hold_heading(text: &str) -> bool {
    text.lines().any(|line| {
        line.trim_start().starts_with(|c: char| {
            matches!(c, '#' | '=' | '-' | '>' | '*' | '+') || c.is_ascii_digit()
        })
    })
}

/// The links and images of a text, in order.
pub fn links(text: &str) -> Vec<Link> {
    // Every link, image and autolink starts with `[` or `<`.
    if !text.contains(['[', '<']) {
        return Vec::new();
    }
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some(Link {
                destination: dest_url.to_string(),
                range,
                image: false,
            }),
            Event::Start(Tag::Image { dest_url, .. }) => Some(Link {
                destination: dest_url.to_string(),
                range,
                image: true,
            }),
            _ => None,
        })
        .collect()
}

/// A piece of raw HTML written inside Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawHtml {
    /// The HTML as written.
    pub html: String,
    /// Its byte range in the Markdown text.
    pub range: Range<usize>,
}

/// The `src` of every raw HTML `<img>` and the `href` of every raw `<a>` in a Markdown text, as
/// links placed at the value (an empty `href` is an anchor, not a link).
pub fn raw_html_links(text: &str) -> Vec<Link> {
    if !text.contains('<') {
        return Vec::new();
    }
    let mut found = Vec::new();
    for piece in raw_html(text) {
        for (name, attributes) in crate::safety::start_tags(&piece.html) {
            let key = match name.as_str() {
                "img" => "src",
                "a" => "href",
                _ => continue,
            };
            let Some((_, src)) = attributes.iter().find(|(k, v)| k == key && !v.is_empty()) else {
                continue;
            };
            let written = &text[piece.range.clone()];
            let start = piece.range.start + written.find(src.as_str()).unwrap_or(0);
            found.push(Link {
                destination: src.clone(),
                range: start..start + src.len(),
                image: name == "img",
            });
        }
    }
    found
}

/// The ids raw HTML in a Markdown text gives its elements (`<a id>`, `<a name>`, `id` on any
/// element), in order.
pub fn html_ids(text: &str) -> Vec<String> {
    if !text.contains('<') {
        return Vec::new();
    }
    raw_html(text)
        .iter()
        .flat_map(|piece| crate::safety::start_tags(&piece.html))
        .filter_map(|(name, attributes)| {
            attributes
                .into_iter()
                .find(|(k, _)| k == "id" || (k == "name" && name == "a"))
                .map(|(_, v)| v)
        })
        .collect()
}

/// The byte range of a text's first block when it is an `h1` (blank lines and HTML comments
/// before it allowed).
pub fn leading_h1(text: &str) -> Option<Range<usize>> {
    let mut parser = Parser::new_ext(text, options()).into_offset_iter();
    loop {
        match parser.next()? {
            (Event::Start(Tag::Heading { level, .. }), range) => {
                return (level == pulldown_cmark::HeadingLevel::H1).then_some(range);
            }
            (Event::Start(Tag::HtmlBlock), _) | (Event::End(TagEnd::HtmlBlock), _) => {}
            (Event::Html(html), _)
                if html.trim_start().starts_with("<!--") || html.trim().is_empty() => {}
            _ => return None,
        }
    }
}

/// Every piece of raw HTML (block or inline) in a Markdown text, in order.
pub fn raw_html(text: &str) -> Vec<RawHtml> {
    if !text.contains('<') {
        return Vec::new();
    }
    let mut pieces: Vec<RawHtml> = Vec::new();
    let mut in_block = false;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock) => {
                in_block = true;
                pieces.push(RawHtml {
                    html: String::new(),
                    range: range.start..range.start,
                });
            }
            Event::End(TagEnd::HtmlBlock) => in_block = false,
            // A block comes line by line (inside a quote or list, without the container's
            // prefix): joined, so that a tag over several lines is one piece.
            Event::Html(html) if in_block => {
                if let Some(last) = pieces.last_mut() {
                    if last.html.is_empty() {
                        last.range.start = range.start;
                    }
                    last.html.push_str(&html);
                    last.range.end = range.end;
                }
            }
            Event::Html(html) => pieces.push(RawHtml {
                html: html.to_string(),
                range,
            }),
            Event::InlineHtml(html) => pieces.push(RawHtml {
                html: html.to_string(),
                range,
            }),
            _ => {}
        }
    }
    pieces
}

/// The words that head each kind of alert (`> [!NOTE]`), in the page's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertLabels {
    /// `[!NOTE]`.
    pub note: String,
    /// `[!TIP]`.
    pub tip: String,
    /// `[!IMPORTANT]`.
    pub important: String,
    /// `[!WARNING]`.
    pub warning: String,
    /// `[!CAUTION]`.
    pub caution: String,
}

impl AlertLabels {
    /// The English labels.
    pub fn english() -> Self {
        Self {
            note: "Note".into(),
            tip: "Tip".into(),
            important: "Important".into(),
            warning: "Warning".into(),
            caution: "Caution".into(),
        }
    }

    /// The label and class name of an alert kind.
    pub fn of(&self, kind: BlockQuoteKind) -> (&str, &'static str) {
        match kind {
            BlockQuoteKind::Note => (&self.note, "note"),
            BlockQuoteKind::Tip => (&self.tip, "tip"),
            BlockQuoteKind::Important => (&self.important, "important"),
            BlockQuoteKind::Warning => (&self.warning, "warning"),
            BlockQuoteKind::Caution => (&self.caution, "caution"),
        }
    }
}

/// Renders Markdown to HTML: headings get unique anchors from `anchors`, and relative links to
/// `.md` files point at the `.html` files rendered from them.
pub fn to_html(text: &str, flavor: Flavor, anchors: &mut Anchors) -> String {
    to_html_with(text, flavor, anchors, &|destination| LinkRewrite {
        destination: md_link_to_html(destination),
        note: None,
    })
}

/// What a link becomes in a rendering: its new destination, and a note printed after it (for
/// paper, where a link cannot be followed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRewrite {
    /// The destination to write.
    pub destination: String,
    /// Text to print in parentheses after the link, if any.
    pub note: Option<String>,
}

/// Renders Markdown to HTML like [`to_html`], with every link's destination decided by `rewrite`.
pub fn to_html_with(
    text: &str,
    flavor: Flavor,
    anchors: &mut Anchors,
    rewrite: &dyn Fn(&str) -> LinkRewrite,
) -> String {
    to_html_labeled(text, flavor, anchors, rewrite, &AlertLabels::english())
}

/// Renders Markdown to HTML like [`to_html_with`], alerts headed by `labels`. An alert is a
/// `<div class="alert alert-KIND" role="note">` whose first paragraph is its label.
pub fn to_html_labeled(
    text: &str,
    flavor: Flavor,
    anchors: &mut Anchors,
    rewrite: &dyn Fn(&str) -> LinkRewrite,
    labels: &AlertLabels,
) -> String {
    to_html_steps(text, flavor, anchors, rewrite, labels, &[])
}

/// Renders Markdown to HTML like [`to_html_labeled`], the ordered lists that `steps` names shown
/// as steps: each list, item and item title wrapped in the HTML given (which is not sanitized:
/// the renderer makes it from escaped text).
pub fn to_html_steps(
    text: &str,
    flavor: Flavor,
    anchors: &mut Anchors,
    rewrite: &dyn Fn(&str) -> LinkRewrite,
    labels: &AlertLabels,
    steps: &[StepsHtml],
) -> String {
    let mut notes: Vec<Option<String>> = Vec::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut raw_html = false;
    let mut decorate = steps::Decorate::new(steps);
    for event in Parser::new_ext(text, options()) {
        // The marks of the steps' HTML are two private-use characters: where the content has
        // them (written or as character references), they become U+FFFD, so that no content
        // can pose as a mark.
        let unmarked = |t: &str| CowStr::from(t.replace(['\u{E000}', '\u{E001}'], "\u{FFFD}"));
        let marked = |t: &str| !steps.is_empty() && t.contains(['\u{E000}', '\u{E001}']);
        let event = match event {
            Event::Text(t) if marked(&t) => Event::Text(unmarked(&t)),
            Event::Code(t) if marked(&t) => Event::Code(unmarked(&t)),
            Event::Html(t) if marked(&t) => Event::Html(unmarked(&t)),
            Event::InlineHtml(t) if marked(&t) => Event::InlineHtml(unmarked(&t)),
            other => other,
        };
        if decorate.event(&event, &mut events) {
            continue;
        }
        match event {
            // Raw links go where Markdown links go.
            Event::Html(html) | Event::InlineHtml(html)
                if html.contains("href=") && RAW_HREF.is_match(&html) =>
            {
                raw_html = true;
                let rewritten = rebase_raw_hrefs(&html, &|destination| {
                    Rebase::To(rewrite(destination).destination)
                });
                events.push(Event::Html(CowStr::from(rewritten)));
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                raw_html = true;
                events.push(event);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                raw_html |= crate::safety::is_script_url(&dest_url);
                let rewritten = rewrite(&dest_url);
                notes.push(rewritten.note);
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(rewritten.destination),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                raw_html |= crate::safety::is_script_url(&dest_url);
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(rewrite(&dest_url).destination),
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) => {
                events.push(Event::End(TagEnd::Link));
                if let Some(Some(note)) = notes.pop() {
                    events.push(Event::Text(CowStr::from(format!(" ({note})"))));
                }
            }
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
                if flavor == Flavor::Inline => {}
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (label, class) = labels.of(kind);
                events.push(Event::Html(CowStr::from(format!(
                    "<div class=\"alert alert-{class}\" role=\"note\">\n<p class=\"alert-title\">{}</p>\n",
                    escape_html(label)
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html(CowStr::from("</div>\n")));
            }
            other => events.push(other),
        }
    }
    let mut ids = assign_heading_ids(&events, anchors).into_iter();
    for event in &mut events {
        if let Event::Start(Tag::Heading { id, .. }) = event {
            *id = ids.next().map(|heading| CowStr::from(heading.id));
        }
    }
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // Raw HTML, or a script URL (which `check` refuses anyway), goes through the sanitizer.
    if raw_html {
        html = crate::safety::sanitize(&html);
    }
    if flavor == Flavor::Inline {
        html.truncate(html.trim_end().len());
    }
    steps::put_inserts(&html, &decorate.inserts)
}

/// The headings of parsed events with their anchors, in order. Explicit `{#id}`s are reserved
/// first, so a generated anchor never takes an id the author wrote further down.
fn assign_heading_ids(events: &[Event<'_>], anchors: &mut Anchors) -> Vec<Heading> {
    let mut found: Vec<(u8, Option<String>, String)> = Vec::new();
    let mut inside = false;
    for event in events {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                inside = true;
                found.push((
                    *level as u8,
                    id.as_ref().map(|id| id.to_string()),
                    String::new(),
                ));
            }
            Event::Text(text) | Event::Code(text) if inside => {
                if let Some((_, _, plain)) = found.last_mut() {
                    plain.push_str(text);
                }
            }
            Event::End(TagEnd::Heading(_)) => inside = false,
            _ => {}
        }
    }
    for (_, explicit, _) in &found {
        if let Some(id) = explicit {
            anchors.reserve(id);
        }
    }
    // Ids given in raw HTML (`<a id>`, a tab's section) are taken too.
    for event in events {
        if let Event::Html(html) | Event::InlineHtml(html) = event
            && html.contains("id=")
        {
            for (_, attributes) in crate::safety::start_tags(html) {
                for (key, value) in attributes {
                    if key == "id" {
                        anchors.reserve(&value);
                    }
                }
            }
        }
    }
    found
        .into_iter()
        .map(|(level, explicit, text)| {
            let id = explicit.unwrap_or_else(|| anchors.unique(&text));
            Heading { level, text, id }
        })
        .collect()
}

/// Plain text escaped for Markdown: every ASCII punctuation mark that Markdown could read as
/// markup or HTML is backslash-escaped, so the text reads back as itself.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    // A leading `-`, `+` or `1.` / `1)` would start a list.
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let text = match text.as_bytes().get(digits) {
        Some(b'.' | b')') if digits > 0 => {
            out.push_str(&text[..digits]);
            out.push('\\');
            &text[digits..]
        }
        Some(b'-' | b'+') if digits == 0 => {
            out.push('\\');
            text
        }
        _ => text,
    };
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text escaped for HTML (`<`, `>`, `&`, `"` and `'`).
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut escaped, text);
    escaped
}

/// The plain text of Markdown (markup dropped), for `<title>` and other attribute-like places.
pub fn plain_text(text: &str) -> String {
    let mut plain = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => plain.push_str(&t),
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            _ => {}
        }
    }
    plain
}

/// A summary of block Markdown for a page's `<meta name="description">`: its plain text on one
/// line, cut to at most `max` characters at a space (or, in text written without spaces, at a
/// character) and ended with `…` when cut.
pub fn summary(text: &str, max: usize) -> String {
    let mut plain = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => plain.push_str(&t),
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => plain.push(' '),
            _ => {}
        }
    }
    let line = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    // At a space when one is near the end, so that no word is cut; else at a character.
    let cut = match cut.rfind(' ') {
        Some(space) if space >= cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:、，".contains(c))
    )
}

/// A typst string literal (`"..."`) holding `text`, line breaks turned into spaces: text in it is
/// never read as typst markup or code.
pub fn typst_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Markdown as typst markup, for the PDF (`image` gives the typst call that draws an image, or
/// `None` to print its alt text): paragraphs, lists, emphasis, strong, code and links
/// (their text, then in parentheses whatever `note` says of the destination). All text goes in
/// as typst string literals, so nothing in the content is ever read as typst code. Headings become
/// bold lines; tables, code blocks and HTML keep their text.
pub fn to_typst(
    text: &str,
    note: &dyn Fn(&str) -> Option<String>,
    labels: &AlertLabels,
    image: &dyn Fn(&str) -> Option<String>,
) -> String {
    fn literal(out: &mut String, text: &str) {
        out.push('#');
        out.push_str(&typst_string(text));
    }
    let mut out = String::new();
    let mut notes: Vec<Option<String>> = Vec::new();
    // Inside an image drawn from its file, its alt text is not printed.
    let mut drawn_image = 0usize;
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(_) if drawn_image > 0 => {}
            Event::Start(Tag::Image { dest_url, .. }) => match image(&dest_url) {
                Some(call) => {
                    drawn_image += 1;
                    out.push('#');
                    out.push_str(&call);
                }
                None if drawn_image > 0 => drawn_image += 1,
                None => {}
            },
            Event::End(TagEnd::Image) if drawn_image > 0 => drawn_image -= 1,
            Event::Text(t) => literal(&mut out, &t),
            Event::Code(t) => {
                out.push_str("#raw(");
                out.push_str(&typst_string(&t));
                out.push(')');
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("#linebreak()"),
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => out.push_str("\n\n"),
            Event::Start(Tag::Emphasis) => out.push_str("#emph["),
            Event::Start(Tag::Strong) | Event::Start(Tag::Heading { .. }) => {
                out.push_str("#strong[")
            }
            Event::End(TagEnd::Emphasis) | Event::End(TagEnd::Strong) => out.push(']'),
            Event::End(TagEnd::Heading(_)) => out.push_str("]\n\n"),
            Event::Start(Tag::List(Some(_))) => out.push_str("#enum(tight: true, "),
            Event::Start(Tag::List(None)) => out.push_str("#list(tight: true, "),
            Event::End(TagEnd::List(_)) => out.push_str(")\n\n"),
            Event::Start(Tag::Item) => out.push('['),
            Event::End(TagEnd::Item) => {
                while out.ends_with('\n') {
                    out.pop();
                }
                out.push_str("], ");
            }
            Event::Start(Tag::Link { dest_url, .. }) => notes.push(note(&dest_url)),
            Event::End(TagEnd::Link) => {
                if let Some(Some(note)) = notes.pop() {
                    out.push(' ');
                    literal(&mut out, &format!("({note})"));
                }
            }
            Event::Start(Tag::CodeBlock(_)) | Event::End(TagEnd::CodeBlock) => out.push_str("\n\n"),
            // Raw HTML (a table, a tab's title) shows its text; tags are not typeset.
            Event::Html(t) | Event::InlineHtml(t) => {
                // Rows and paragraphs end lines; cells are separated as in Markdown tables.
                let marked = HTML_CELL_END.replace_all(&t, "$0\u{1f}");
                let marked = HTML_LINE_END.replace_all(&marked, "$0\u{1e}");
                let text = crate::safety::html_text(&marked);
                for (i, line) in text.split('\u{1e}').enumerate() {
                    if i > 0 && !out.ends_with("#linebreak()") && !out.is_empty() {
                        out.push_str("#linebreak()");
                    }
                    let line = line.trim_matches(['\n', ' ']).replace('\u{1f}', " · ");
                    let line = line.trim_end_matches(" · ").trim();
                    if !line.is_empty() {
                        literal(&mut out, line);
                    }
                }
            }
            Event::End(TagEnd::HtmlBlock) => out.push_str("\n\n"),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (label, _) = labels.of(kind);
                out.push_str("#block(stroke: (left: 2pt + luma(110)), inset: (left: 8pt, y: 4pt), width: 100%)[#strong[");
                literal(&mut out, label);
                out.push_str("]\n\n");
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                while out.ends_with('\n') {
                    out.pop();
                }
                out.push_str("]\n\n");
            }
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => {
                out.push_str("#linebreak()")
            }
            Event::End(TagEnd::TableCell) => out.push_str(" · "),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// Markdown with each inline link's destination replaced by `rewrite`'s answer, or, where it
/// answers `None`, the link replaced by its text (for text pasted where relative links break).
/// Images stay as written.
pub fn rewrite_links(text: &str, rewrite: &dyn Fn(&str) -> Option<String>) -> String {
    rebase(text, false, &|destination| match rewrite(destination) {
        Some(destination) => Rebase::To(destination),
        None => Rebase::Unlink,
    })
}

/// Raw HTML with the `href` of each `<a>` handled as `rewrite` says (`Unlink` drops the
/// attribute, leaving the element's text).
pub fn rebase_raw_hrefs(html: &str, rewrite: &dyn Fn(&str) -> Rebase) -> String {
    if !html.contains("href=") {
        return html.to_string();
    }
    RAW_HREF
        .replace_all(html, |caps: &regex::Captures<'_>| {
            let destination = caps[2].replace("&amp;", "&");
            match rewrite(&destination) {
                Rebase::To(url) => format!("{}{}{}", &caps[1], escape_html(&url), &caps[3]),
                Rebase::Unlink => caps[1].trim_end_matches("href=\"").to_string(),
                Rebase::Keep => caps[0].to_string(),
            }
        })
        .into_owned()
}

/// What [`rebase_links`] does with one link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rebase {
    /// Leave it as written.
    Keep,
    /// Point it at this destination (title kept).
    To(String),
    /// Replace the link by its text; an image by its alt text ([`rebase_links`] only).
    Unlink,
}

/// Markdown with each inline link and image handled as `rewrite` says (an image told to
/// `Unlink` becomes its alt text). Reference links and autolinks stay as written.
pub fn rebase_links(text: &str, rewrite: &dyn Fn(&str) -> Rebase) -> String {
    rebase(text, true, rewrite)
}

/// [`rebase_links`], images left alone unless `images`.
fn rebase(text: &str, images: bool, rewrite: &dyn Fn(&str) -> Rebase) -> String {
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for link in links(text).into_iter().filter(|l| images || !l.image) {
        let written = &text[link.range.clone()];
        let Some(split) = written.rfind("](") else {
            continue;
        };
        let opening = if link.image { "![" } else { "[" };
        if !written.starts_with(opening) || link.range.start < done {
            continue;
        }
        let destination = match rewrite(&link.destination) {
            Rebase::Keep => continue,
            Rebase::Unlink => {
                out.push_str(&text[done..link.range.start]);
                // An image inside the link text (`[![alt](a.png)](a.png#lightbox)`) is handled too.
                out.push_str(&rebase(&written[opening.len()..split], images, rewrite));
                done = link.range.end;
                continue;
            }
            Rebase::To(destination) => destination,
        };
        // The title, if any, follows the destination inside the parentheses.
        let inside = &written[split + 2..written.len() - 1];
        let title = inside
            .trim_start()
            .strip_prefix('<')
            .and_then(|rest| rest.split_once('>').map(|(_, t)| t))
            .unwrap_or_else(|| {
                inside
                    .trim_start()
                    .split_once(char::is_whitespace)
                    .map_or("", |(_, t)| t)
            });
        out.push_str(&text[done..link.range.start]);
        let title = title.trim();
        let title = if title.is_empty() {
            String::new()
        } else {
            format!(" {title}")
        };
        let destination = if destination.contains([' ', '(', ')']) {
            format!("<{destination}>")
        } else {
            destination
        };
        out.push_str(&format!("{}]({destination}{title})", &written[..split]));
        done = link.range.end;
    }
    out.push_str(&text[done..]);
    out
}

/// Markdown with every link and image that `resolves` rejects shown as text, so that no
/// rendering points at nothing: a link's text inside `<span class="unresolved-link"
/// title="NOTE">`, an image's alt text inside `<span class="missing-image" title="NOTE">`
/// (nothing when it has none), a raw `<a href>` without its `href` and a raw `<img>` as its
/// `alt`. Links are found by the parser (as `check` finds them: inline, reference and raw ones,
/// never inside code); an image inside a rejected link is judged on its own.
pub fn unlink_unresolved(text: &str, resolves: &dyn Fn(&str) -> bool, note: &str) -> String {
    let note = escape_html(note);
    unlink_in(text, resolves, &note)
}

/// A link or image with the byte range of its text (alt text for an image).
struct LinkText {
    link: Link,
    text: Range<usize>,
}

/// A link found so far, with the range its text covers once some of it is seen.
struct Opened {
    link: Link,
    text: Option<Range<usize>>,
}

/// Every link and image of `text` with the range of its text, in order.
fn link_texts(text: &str) -> Vec<LinkText> {
    let mut found: Vec<Opened> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { ref dest_url, .. })
            | Event::Start(Tag::Image { ref dest_url, .. }) => {
                if let Some(&parent) = open.last() {
                    widen(&mut found[parent].text, &range);
                }
                open.push(found.len());
                found.push(Opened {
                    link: Link {
                        destination: dest_url.to_string(),
                        range: range.clone(),
                        image: matches!(event, Event::Start(Tag::Image { .. })),
                    },
                    text: None,
                });
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                open.pop();
            }
            _ => {
                for &index in &open {
                    widen(&mut found[index].text, &range);
                }
            }
        }
    }
    found
        .into_iter()
        .map(|Opened { link, text }| {
            // No text at all (`[](x)`): an empty range just inside the opening bracket.
            let text = text.unwrap_or_else(|| {
                let inside =
                    (link.range.start + if link.image { 2 } else { 1 }).min(link.range.end);
                inside..inside
            });
            LinkText { link, text }
        })
        .collect()
}

/// `range` grown to cover `inner` (or made of it).
fn widen(range: &mut Option<Range<usize>>, inner: &Range<usize>) {
    *range = Some(match range.take() {
        Some(range) => range.start.min(inner.start)..range.end.max(inner.end),
        None => inner.clone(),
    });
}

/// A link's text as one line: a text over several lines keeps no line break (and no container
/// prefix), so that the span it is put in never starts an HTML block of its own.
fn one_line(text: &str) -> String {
    text.lines()
        .map(|line| line.trim_start_matches([' ', '\t', '>']).trim_end())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`unlink_unresolved`], the note already escaped.
fn unlink_in(text: &str, resolves: &dyn Fn(&str) -> bool, note: &str) -> String {
    if !text.contains(['[', '<']) {
        return text.to_string();
    }
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut done = 0;
    for LinkText { link, text: inner } in link_texts(text) {
        if link.range.start < done || resolves(&link.destination) {
            continue;
        }
        let inside = text.get(inner.clone()).unwrap_or("");
        let replacement = if link.image {
            let alt = one_line(inside);
            if alt.is_empty() {
                String::new()
            } else {
                format!("<span class=\"missing-image\" title=\"{note}\">{alt}</span>")
            }
        } else {
            format!(
                "<span class=\"unresolved-link\" title=\"{note}\">{}</span>",
                unlink_in(&one_line(inside), resolves, note)
            )
        };
        edits.push((link.range.clone(), replacement));
        done = link.range.end;
    }
    // Raw `<a href>` and `<img src>`, found as `check` finds them.
    for piece in raw_html(text) {
        if edits
            .iter()
            .any(|(range, _)| range.start <= piece.range.start && piece.range.end <= range.end)
        {
            continue;
        }
        let Some(written) = text.get(piece.range.clone()) else {
            continue;
        };
        let unlinked = unlink_raw(written, resolves, note);
        if unlinked != written {
            edits.push((piece.range.clone(), unlinked));
        }
    }
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A piece of raw HTML with each `<a>` whose `href` `resolves` rejects left without it, and
/// each such `<img>` replaced by its alt text.
fn unlink_raw(html: &str, resolves: &dyn Fn(&str) -> bool, note: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset;
        let Some(length) = html[start..].find('>') else {
            break;
        };
        let end = start + length + 1;
        let tag = &html[start..end];
        let replacement =
            crate::safety::start_tags(tag)
                .into_iter()
                .next()
                .and_then(|(name, attributes)| {
                    let key = match name.as_str() {
                        "a" => "href",
                        "img" => "src",
                        _ => return None,
                    };
                    let (_, destination) =
                        attributes.iter().find(|(k, v)| k == key && !v.is_empty())?;
                    if resolves(destination) {
                        return None;
                    }
                    Some(match name.as_str() {
                        "img" => {
                            let alt = attributes
                                .iter()
                                .find(|(k, _)| k == "alt")
                                .map(|(_, v)| escape_html(&one_line(v)))
                                .unwrap_or_default();
                            if alt.is_empty() {
                                String::new()
                            } else {
                                format!(
                                    "<span class=\"missing-image\" title=\"{note}\">{alt}</span>"
                                )
                            }
                        }
                        _ => {
                            let kept: String = attributes
                                .iter()
                                .filter(|(k, _)| k != "href")
                                .map(|(k, v)| format!(" {k}=\"{}\"", escape_html(v)))
                                .collect();
                            format!("<a{kept}>")
                        }
                    })
                });
        out.push_str(&html[at..start]);
        out.push_str(replacement.as_deref().unwrap_or(tag));
        at = end;
    }
    out.push_str(&html[at..]);
    out
}

/// Whether Markdown is inline only: at most one paragraph of text, emphasis, code, links and
/// images (no list, heading, quote, code block or table).
pub fn is_inline(text: &str) -> bool {
    // One line that starts like no block can is inline; anything else goes to the parser.
    let block_start =
        |c: char| "#>-*+|<`~[_=".contains(c) || c.is_ascii_digit() || c.is_whitespace();
    if !text.contains(['\n', '\r']) && !text.starts_with(block_start) {
        return true;
    }
    let mut paragraphs = 0;
    Parser::new_ext(text, options()).all(|event| match event {
        Event::Start(Tag::Paragraph) => {
            paragraphs += 1;
            paragraphs == 1
        }
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
        ),
        Event::Html(_) | Event::Rule | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {
            false
        }
        _ => true,
    })
}

/// The parts of a page file: front matter YAML and body, with their byte offsets.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// The Markdown after the closing `---` line.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Splits a page into front matter and body; `None` when it does not start with a `---` line or
/// the front matter is not closed.
pub fn split_front_matter(text: &str) -> Option<Split<'_>> {
    let first_line_end = text.find('\n')?;
    if text[..first_line_end].trim_end() != "---" {
        return None;
    }
    let front_offset = first_line_end + 1;
    let mut offset = front_offset;
    for line in text[front_offset..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let body_offset = offset + line.len();
            return Some(Split {
                front: &text[front_offset..offset],
                front_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    None
}

/// The kind of a page body block; a translation must keep the kinds in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading of this level.
    Heading(u8),
    /// A paragraph.
    Paragraph,
    /// The text of a tight list item.
    Item,
    /// A table cell.
    Cell,
}

/// A block of Markdown text: its kind and the byte range of its inline content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Kind.
    pub kind: BlockKind,
    /// Byte range of the inline content in the text.
    pub range: Range<usize>,
}

/// The translatable blocks of a Markdown text, in order. Code blocks and raw HTML blocks are not
/// translated text and are skipped.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut found = Vec::new();
    // The open leaf: its kind and the range of the inline content seen so far.
    let mut leaf: Option<(BlockKind, Option<Range<usize>>)> = None;
    let mut item_depth = 0usize;
    let mut in_code = false;
    let close = |leaf: &mut Option<(BlockKind, Option<Range<usize>>)>, found: &mut Vec<Block>| {
        if let Some((kind, Some(range))) = leaf.take() {
            found.push(Block { kind, range });
        }
    };
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Heading { level, .. }) => {
                close(&mut leaf, &mut found);
                leaf = Some((BlockKind::Heading(level as u8), None));
            }
            Event::Start(Tag::Paragraph) => {
                close(&mut leaf, &mut found);
                leaf = Some((BlockKind::Paragraph, None));
            }
            Event::Start(Tag::TableCell) => {
                close(&mut leaf, &mut found);
                leaf = Some((BlockKind::Cell, None));
            }
            Event::Start(Tag::Item) => {
                close(&mut leaf, &mut found);
                item_depth += 1;
            }
            Event::End(TagEnd::Item) => {
                close(&mut leaf, &mut found);
                item_depth = item_depth.saturating_sub(1);
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::TableCell) => {
                close(&mut leaf, &mut found);
            }
            Event::Start(
                Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::FootnoteDefinition(_)
                | Tag::HtmlBlock
                | Tag::DefinitionList
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition
                | Tag::MetadataBlock(_),
            ) => close(&mut leaf, &mut found),
            Event::TaskListMarker(_) | Event::Html(_) | Event::Rule => {}
            Event::Start(_)
            | Event::Text(_)
            | Event::Code(_)
            | Event::InlineHtml(_)
            | Event::SoftBreak
            | Event::HardBreak
            | Event::FootnoteReference(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
                if !in_code =>
            {
                if leaf.is_none() && item_depth > 0 {
                    leaf = Some((BlockKind::Item, None));
                }
                if let Some((_, inline)) = &mut leaf {
                    let grown = match inline.take() {
                        Some(seen) => seen.start.min(range.start)..seen.end.max(range.end),
                        None => range,
                    };
                    *inline = Some(grown);
                }
            }
            _ => {}
        }
    }
    close(&mut leaf, &mut found);
    // Soft and hard breaks at the edges add no text.
    for block in &mut found {
        let slice = &text[block.range.clone()];
        let trimmed_end = slice.trim_end().len();
        block.range.end = block.range.start + trimmed_end;
    }
    found.retain(|block| !block.range.is_empty());
    found
}

#[cfg(test)]
mod escape_tests {
    use super::*;

    #[test]
    fn escaped_plain_text_reads_back_as_itself() {
        for text in [
            "2. Configure",
            "- Remove",
            "+1 more",
            "A *b* [c](d) <e> #f",
            "10) Ten",
        ] {
            let escaped = escape_markdown(text);
            assert_eq!(plain_text(&escaped), text, "{escaped}");
            assert!(
                !to_html(&escaped, Flavor::Block, &mut Anchors::new()).contains("<ol"),
                "{escaped}"
            );
        }
    }
}

#[cfg(test)]
mod unlink_tests {
    use super::*;

    #[test]
    fn links_to_nothing_become_marked_text_in_every_form() {
        let resolves = |d: &str| !d.starts_with("gone");
        let text = "[a](gone.md) [b](ok.md) ![alt](gone.png) [![pic](gone.png)](gone.png#lightbox) [c][r] [d]\n\n[r]: gone.md\n[d]: gone.md\n";
        let out = unlink_unresolved(text, &resolves, "missing");
        assert!(
            out.contains("<span class=\"unresolved-link\" title=\"missing\">a</span>"),
            "{out}"
        );
        assert!(out.contains("[b](ok.md)"), "{out}");
        assert!(
            out.contains("<span class=\"missing-image\" title=\"missing\">alt</span>"),
            "{out}"
        );
        assert!(out.contains("<span class=\"unresolved-link\" title=\"missing\"><span class=\"missing-image\" title=\"missing\">pic</span></span>"), "{out}");
        assert!(
            out.contains(">c</span>") && out.contains(">d</span>"),
            "{out}"
        );
        assert!(
            links(&out).iter().all(|l| resolves(&l.destination)),
            "{out}"
        );
        // A raw link loses its address, and text with nothing to change stays as it is.
        assert_eq!(
            unlink_unresolved("<a href=\"gone.md\">x</a>", &resolves, "m"),
            "<a>x</a>"
        );
        assert_eq!(
            unlink_unresolved(
                "<a class='c' href='gone.md'>x</a> <img src=\"gone.png\" alt=\"A pic\">",
                &resolves,
                "m"
            ),
            "<a class=\"c\">x</a> <span class=\"missing-image\" title=\"m\">A pic</span>"
        );
        // Code is never touched.
        let code = "```html\n<a href=\"gone.md\">x</a>\n```\n\n`[a](gone.md)`\n";
        assert_eq!(unlink_unresolved(code, &resolves, "m"), code);
        // A reference link holding an image, and a link text over two lines that would
        // otherwise leave the span alone on its line (an HTML block, where escapes stop).
        let out = unlink_unresolved("[![Build](ok.png)][ci]\n\n[ci]: gone.md\n", &resolves, "m");
        assert!(
            out.starts_with("<span class=\"unresolved-link\" title=\"m\">![Build](ok.png)</span>"),
            "{out}"
        );
        let out = unlink_unresolved(
            "[\n\\<img src=x onerror=alert(1)>](gone.md)\n",
            &resolves,
            "m",
        );
        assert_eq!(
            out,
            "<span class=\"unresolved-link\" title=\"m\">\\<img src=x onerror=alert(1)></span>\n"
        );
        assert!(
            raw_html(&out).iter().all(|p| !p.html.contains("onerror")),
            "{out}"
        );
        assert_eq!(
            unlink_unresolved("[b](ok.md)", &resolves, "m"),
            "[b](ok.md)"
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn summaries_are_one_line_cut_at_a_word_or_a_character() {
        assert_eq!(
            summary("Check **health** first.\n\nThen [escalate](x.md).", 160),
            "Check health first. Then escalate."
        );
        let english = summary(&"word ".repeat(50), 30);
        assert!(english.ends_with("word…"), "{english}");
        assert!(english.chars().count() <= 30);
        let japanese = summary(&"確認".repeat(100), 80);
        assert_eq!(japanese.chars().count(), 80);
        assert!(japanese.ends_with("確…"), "{japanese}");
    }

    use super::*;

    #[test]
    fn slugs_keep_japanese_and_drop_punctuation() {
        assert_eq!(slugify("Check service health"), "check-service-health");
        assert_eq!(slugify("What's next?"), "whats-next");
        assert_eq!(slugify("サービス正常性の確認"), "サービス正常性の確認");
        assert_eq!(slugify("手順 1: 確認する"), "手順-1-確認する");
    }

    #[test]
    fn repeated_headings_get_numbered_anchors() {
        let mut anchors = Anchors::new();
        let found = headings(
            "## Notes\n\n## Notes\n\n## Other {#notes-1}\n\n## Notes\n",
            &mut anchors,
        );
        let ids: Vec<_> = found.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["notes", "notes-2", "notes-1", "notes-3"]);
    }

    #[test]
    fn html_rewrites_md_links_and_anchors_headings() {
        let html = to_html(
            "## Next steps\n\nSee [health](check-service-health.md#status) and [site](https://example.com/a.md).\n",
            Flavor::Block,
            &mut Anchors::new(),
        );
        assert!(
            html.contains(r#"<h2 id="next-steps">Next steps</h2>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="check-service-health.html#status""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="https://example.com/a.md""#),
            "{html}"
        );
    }

    #[test]
    fn inline_text_has_no_paragraph() {
        let html = to_html("Is it *known*?", Flavor::Inline, &mut Anchors::new());
        assert_eq!(html, "Is it <em>known</em>?");
    }

    #[test]
    fn inline_text_is_told_from_blocks() {
        assert!(is_inline("Check the [status](s.md) *now*"));
        assert!(is_inline(""));
        assert!(!is_inline("1. Tell the customer"));
        assert!(!is_inline("- item"));
        assert!(!is_inline("# Heading"));
        assert!(!is_inline("one\n\ntwo"));
        assert!(is_inline("1\\. Tell the customer"));
    }

    #[test]
    fn links_are_rewritten_or_unlinked() {
        let text = "See [health](h.md#a) and [x](x.md), ![i](i.png).";
        let rewritten = rewrite_links(text, &|d| {
            d.starts_with('h').then(|| format!("https://e.com/{d}"))
        });
        assert_eq!(
            rewritten,
            "See [health](https://e.com/h.md#a) and x, ![i](i.png)."
        );
    }

    #[test]
    fn typst_markup_keeps_text_literal() {
        let typst = to_typst(
            "A *b* #c \"q\" [l](x.md)\n\n- one\n- two\n",
            &|_| Some("see X".into()),
            &AlertLabels::english(),
            &|_| None,
        );
        assert_eq!(
            typst,
            "#\"A \"#emph[#\"b\"]#\" #c \\\"q\\\" \"#\"l\" #\"(see X)\"\n\n#list(tight: true, [#\"one\"], [#\"two\"], )"
        );
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(plain_text("Is it *known* in `x`?"), "Is it known in x?");
    }

    #[test]
    fn raw_html_blocks_are_joined_inside_containers() {
        let pieces = raw_html("> <div\n> onclick=\"x\">y</div>\n\ntext <kbd>k</kbd>\n");
        let html: Vec<&str> = pieces.iter().map(|p| p.html.as_str()).collect();
        assert_eq!(html, ["<div\nonclick=\"x\">y</div>\n", "<kbd>", "</kbd>"]);
    }

    #[test]
    fn links_are_found_with_their_positions() {
        let text = "A [b](c.md#d) and ![i](img.png).";
        let found = links(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].destination, "c.md#d");
        assert_eq!(&text[found[0].range.clone()], "[b](c.md#d)");
        assert!(found[1].image);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Heading texts mixing scripts, punctuation, spaces and repeats.
    fn heading_text() -> impl Strategy<Value = String> {
        proptest::string::string_regex(
            "[A-Za-z0-9 _.!?()'&:-]{0,12}|[あ-んア-ン一-龯 ・（）「」]{1,8}|Notes",
        )
        .unwrap()
    }

    proptest! {
        /// The ids `headings` predicts (what `check` links against) are exactly the ids the HTML
        /// renderer writes, for any mix of headings, duplicates and explicit ids.
        #[test]
        fn predicted_anchors_are_the_rendered_ids(
            texts in proptest::collection::vec((heading_text(), proptest::option::of("[a-z]{1,3}")), 1..8)
        ) {
            let markdown: String = texts
                .iter()
                .map(|(text, id)| match id {
                    Some(id) => format!("## {} {{#{id}}}\n\nBody.\n\n", text.trim()),
                    None => format!("## {}\n\nBody.\n\n", text.trim()),
                })
                .collect();
            let predicted: Vec<String> = headings(&markdown, &mut Anchors::new()).into_iter().map(|h| h.id).collect();
            let html = to_html(&markdown, Flavor::Block, &mut Anchors::new());
            let rendered: Vec<String> = html
                .match_indices("<h2 id=\"")
                .map(|(i, m)| {
                    let rest = &html[i + m.len()..];
                    rest[..rest.find('"').unwrap()].to_string()
                })
                .collect();
            prop_assert_eq!(predicted, rendered);
        }

        /// The shortcuts that skip the parser never change an answer: a text they call
        /// heading-free has no heading, link-free has no link, inline is inline.
        #[test]
        fn shortcuts_agree_with_the_parser(text in "[a-z #=>*+1.\\-\\[\\]()<>`|_~\n]{0,40}") {
            let parsed_headings = assign_heading_ids(&Parser::new_ext(&text, options()).collect::<Vec<_>>(), &mut Anchors::new());
            prop_assert_eq!(headings(&text, &mut Anchors::new()), parsed_headings);
            let parsed_links = Parser::new_ext(&text, options())
                .filter(|e| matches!(e, Event::Start(Tag::Link { .. } | Tag::Image { .. })))
                .count();
            prop_assert_eq!(links(&text).len(), parsed_links);
        }

        /// Slugs are stable (slugging a slug changes nothing) and never hold characters that need
        /// escaping in a URL fragment or an HTML attribute.
        #[test]
        fn slugs_are_idempotent_and_safe(text in heading_text()) {
            let slug = slugify(&text);
            prop_assert_eq!(slugify(&slug), slug.clone());
            prop_assert!(slug.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_'));
        }
    }
}
