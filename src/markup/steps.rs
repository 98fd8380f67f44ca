//! The ordered lists of a Markdown page read as steps: what a procedure page's procedures are
//! made of, and the marks the HTML renderer turns them into step anchors with.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::options;

/// The comment that keeps the ordered list right below it from being read as steps (a numbered
/// list of facts, say). Spaces inside are free: `<!--runbook:not-steps-->` works too.
pub const NOT_STEPS_MARKER: &str = "<!-- runbook: not-steps -->";

/// A top-level ordered list of a Markdown text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderedList {
    /// Its place among the text's top-level ordered lists (0-based), every one counted: how the
    /// HTML renderer finds it again in the same text.
    pub ordinal: usize,
    /// Byte range of the list in the text (a list continued with `start=` after text that
    /// interrupted it runs to the continuation's end).
    pub range: Range<usize>,
    /// The number its first item is written with.
    pub start: u64,
    /// The plain text of the nearest heading above it.
    pub heading: Option<String>,
    /// The label of the tab (or zone) it sits in.
    pub tab: Option<String>,
    /// The lead-in sentence right above it ("To tag a customer on the Account page:"), without
    /// its colon, when there is one.
    pub lead_in: Option<String>,
    /// The index of that heading among all of the text's headings, in order.
    pub heading_index: Option<usize>,
    /// Whether the not-steps marker stands right above it.
    pub kept_out: bool,
    /// Its items.
    pub items: Vec<ListItem>,
    /// The ordinals of lists continuing this one (`start=` after interrupting text).
    pub continued_by: Vec<usize>,
}

/// An item of an ordered list, split into a step's parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListItem {
    /// Byte range of the item in the text.
    pub range: Range<usize>,
    /// The item's first paragraph up to any image: inline Markdown on one line.
    pub title: String,
    /// The rest of the item (images, alerts, nested lists, code, tables): block Markdown with
    /// the item's indentation removed; empty when there is none.
    pub body: String,
}

/// Every top-level ordered list of `text`, in order. A list written to continue the one before
/// it (its first number one past that list's last, with only non-heading text between) is
/// joined to it: the text between becomes part of the last item before it.
pub fn ordered_lists(text: &str) -> Vec<OrderedList> {
    let mut lists: Vec<OrderedList> = Vec::new();
    // Containers open around the current event (lists and block quotes).
    let mut depth = 0usize;
    let mut headings = 0usize;
    let mut heading: Option<(String, usize)> = None;
    let mut heading_text: Option<String> = None;
    let mut tab: Option<String> = None;
    // The end of the last top-level block, whether it was the marker, and whether a heading came
    // since the last list.
    let mut marker_above = false;
    let mut heading_since_list = true;
    let mut ordinal = 0usize;
    let mut open: Option<OrderedList> = None;
    // Whether the open list goes on with the one before it.
    let mut open_continues = false;
    let mut lead_in: Option<String> = None;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Heading { .. }) => {
                headings += 1;
                if depth == 0 {
                    heading_text = Some(String::new());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading_text.as_mut() {
                    h.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading_text.take() {
                    heading = Some((h.trim().to_string(), headings - 1));
                    heading_since_list = true;
                    marker_above = false;
                    lead_in = None;
                    tab = None;
                }
            }
            Event::Html(html) if depth == 0 => {
                let squeezed: String = html.chars().filter(|c| !c.is_whitespace()).collect();
                if squeezed.contains("<!--runbook:not-steps-->") {
                    marker_above = true;
                    continue;
                }
                // A tab's or zone's label names the lists in it, until its group ends.
                match tab_title(html) {
                    Some(label) => tab = Some(label),
                    None if html.contains("</section>") => tab = None,
                    None => {}
                }
                if html.contains("class=\"tabs\"") || html.contains("class=\"zone") {
                    heading_since_list = true;
                }
                marker_above = false;
                lead_in = None;
            }
            Event::Start(Tag::List(start)) => {
                if depth == 0 {
                    match start {
                        Some(first) => {
                            open_continues = lists.last().is_some_and(|last| {
                                !heading_since_list
                                    && *first > 1
                                    && last.start + count(last) == *first
                                    && !marker_above
                            });
                            open = Some(OrderedList {
                                ordinal,
                                range: range.clone(),
                                start: *first,
                                heading: heading.as_ref().map(|(h, _)| h.clone()),
                                tab: tab.clone(),
                                lead_in: lead_in.take(),
                                heading_index: heading.as_ref().map(|(_, i)| *i),
                                kept_out: marker_above,
                                items: Vec::new(),
                                continued_by: Vec::new(),
                            });
                            ordinal += 1;
                        }
                        None => {
                            // A bullet list between two numbered ones ends the first.
                            marker_above = false;
                            heading_since_list = true;
                        }
                    }
                }
                depth += 1;
            }
            Event::Start(Tag::BlockQuote(_)) => depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => depth = depth.saturating_sub(1),
            Event::End(TagEnd::List(_)) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(list) = open.take()
                {
                    push_list(&mut lists, list, open_continues, text);
                    heading_since_list = false;
                    marker_above = false;
                    lead_in = None;
                }
            }
            Event::Start(Tag::Item) if depth == 1 => {
                if let Some(list) = open.as_mut() {
                    list.items.push(split_item(text, range.clone()));
                }
            }
            Event::Start(Tag::Paragraph | Tag::CodeBlock(_) | Tag::Table(_) | Tag::HtmlBlock)
                if depth == 0 =>
            {
                marker_above = false;
                lead_in = None;
            }
            Event::End(TagEnd::Paragraph) if depth == 0 => {
                let written = text.get(range.clone()).unwrap_or("").trim();
                lead_in = written
                    .strip_suffix(':')
                    .or_else(|| written.strip_suffix('：'))
                    .filter(|lead| lead.chars().count() <= 160 && !lead.contains('\n'))
                    .map(|lead| super::plain_text(lead).trim().to_string());
            }
            _ => {}
        }
    }
    lists
}

impl OrderedList {
    /// Whether its items read as labels rather than steps: each a few words with no sentence
    /// end (the call-outs of a screenshot: "1. Access keys 2. Username").
    pub fn reads_as_labels(&self) -> bool {
        self.items.iter().all(|item| {
            let plain = super::plain_text(&item.title);
            let plain = plain.trim();
            plain.chars().count() <= 30
                && !plain.ends_with(['.', '。', ':', '：', '!', '?', '！', '？'])
        })
    }
}

/// How many items a list has, as a number.
fn count(list: &OrderedList) -> u64 {
    u64::try_from(list.items.len()).unwrap_or(u64::MAX)
}

/// Adds a finished list, joining it to the one before when it `continues` it.
fn push_list(lists: &mut Vec<OrderedList>, mut list: OrderedList, continues: bool, text: &str) {
    if continues && let Some(last) = lists.last_mut() {
        let between = text.get(last.range.end..list.range.start).unwrap_or("");
        if let Some(item) = last.items.last_mut() {
            let between = between.trim();
            if !between.is_empty() {
                if !item.body.is_empty() {
                    item.body.push_str("\n\n");
                }
                item.body.push_str(between);
                item.body.push('\n');
            }
        }
        last.range.end = list.range.end;
        last.continued_by.push(list.ordinal);
        last.items.append(&mut list.items);
        return;
    }
    lists.push(list);
}

/// The label of the tab panel or zone this HTML opens (`<p class="tab-title">Linux</p>`,
/// `<p class="zone-label">azure</p>`, as `dialect` writes them).
fn tab_title(html: &str) -> Option<String> {
    let (_, after) = ["class=\"tab-title\">", "class=\"zone-label\">"]
        .iter()
        .find_map(|label| html.split_once(label))?;
    let (label, _) = after.split_once("</p>")?;
    Some(super::plain_text(label))
}

/// An item's text split into its title (first paragraph, up to an image) and the rest.
fn split_item(text: &str, range: Range<usize>) -> ListItem {
    let item = text.get(range.clone()).unwrap_or("");
    let content = dedent_item(item);
    let mut title = None;
    let mut rest_from = content.len();
    let mut depth = 0usize;
    let mut in_title = false;
    let mut title_start = 0;
    // Inline nesting inside the title (emphasis, links): an image in it stays in the title.
    let mut nesting = 0usize;
    for (event, at) in Parser::new_ext(&content, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
                if in_title =>
            {
                nesting += 1;
            }
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) if in_title => {
                nesting = nesting.saturating_sub(1);
            }
            Event::Start(Tag::Paragraph) if depth == 0 && title.is_none() => {
                in_title = true;
                title_start = at.start;
            }
            Event::Start(Tag::Image { .. }) if in_title && nesting == 0 => {
                title = Some(content[title_start..at.start].to_string());
                rest_from = at.start;
                break;
            }
            Event::End(TagEnd::Paragraph) if in_title => {
                title = Some(content[title_start..at.end].to_string());
                rest_from = at.end;
                break;
            }
            Event::Start(Tag::List(_) | Tag::BlockQuote(_) | Tag::CodeBlock(_) | Tag::Table(_))
                if title.is_none() && !in_title =>
            {
                // The item opens with something other than text: no title of its own.
                title = Some(String::new());
                rest_from = at.start;
                break;
            }
            Event::Start(Tag::List(_) | Tag::BlockQuote(_)) => depth += 1,
            Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_)) => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    let title = title.unwrap_or_else(|| content.clone());
    let title = title
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let body = content.get(rest_from..).unwrap_or("").trim_matches('\n');
    let body = if body.trim().is_empty() {
        String::new()
    } else {
        format!("{}\n", body.trim_end())
    };
    ListItem { range, title, body }
}

/// An item's text without its marker, each following line without the item's indentation.
fn dedent_item(item: &str) -> String {
    let mut lines = item.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return String::new();
    };
    let leading = first.len() - first.trim_start().len();
    let after_spaces = &first[leading..];
    let digits = after_spaces
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after_spaces.len());
    let after_marker = after_spaces.get(digits + 1..).unwrap_or("");
    let gap = after_marker.len() - after_marker.trim_start_matches([' ', '\t']).len();
    // Content starts this many columns in (a marker followed by 5 or more spaces starts
    // indented code after one space, as CommonMark reads it).
    let gap = if gap > 4 || after_marker.trim().is_empty() {
        1
    } else {
        gap
    };
    let indent = leading + digits + 1 + gap;
    let mut out = String::with_capacity(item.len());
    out.push_str(
        after_marker
            .get(gap.min(after_marker.len())..)
            .unwrap_or(""),
    );
    for line in lines {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        out.push_str(&line[spaces.min(indent)..]);
    }
    out
}

/// An alert (`> [!NOTE]`) taken out of a step's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// A warning (`[!WARNING]`, `[!CAUTION]`), else a note (`[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`).
    pub warning: bool,
    /// Its text, without the `>` markers and the kind.
    pub text: String,
}

/// A block text with its top-level alerts taken out: the rest, and the alerts in order.
pub fn take_alerts(text: &str) -> (String, Vec<Alert>) {
    let mut alerts = Vec::new();
    let mut rest = String::with_capacity(text.len());
    let mut copied = 0;
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::BlockQuote(kind)) => {
                if depth == 0
                    && let Some(kind) = kind
                {
                    let quoted = &text[range.clone()];
                    let inner: String = quoted
                        .lines()
                        .skip(1)
                        .map(|line| {
                            let line = line.trim_start();
                            let line = line.strip_prefix('>').unwrap_or(line);
                            line.strip_prefix(' ').unwrap_or(line)
                        })
                        .collect::<Vec<_>>()
                        .join("\n");
                    alerts.push(Alert {
                        warning: matches!(
                            kind,
                            pulldown_cmark::BlockQuoteKind::Warning
                                | pulldown_cmark::BlockQuoteKind::Caution
                        ),
                        text: format!("{}\n", inner.trim()),
                    });
                    rest.push_str(&text[copied..range.start]);
                    copied = range.end;
                }
                depth += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    rest.push_str(&text[copied..]);
    let rest = rest.trim();
    let rest = if rest.is_empty() {
        String::new()
    } else {
        // Blank lines left where an alert was are folded to one.
        let mut folded = String::new();
        let mut blank = 0;
        for line in rest.lines() {
            blank = if line.trim().is_empty() { blank + 1 } else { 0 };
            if blank <= 1 {
                folded.push_str(line);
                folded.push('\n');
            }
        }
        folded
    };
    (rest, alerts)
}

/// How the HTML renderer shows one ordered list as steps: HTML put around it and around each
/// item and its title. Made by the renderer, placed by [`super::to_html_steps`].
#[derive(Clone, Debug, Default)]
pub struct StepsHtml {
    /// The ordinal of the list (see [`OrderedList::ordinal`]); lists continuing it follow
    /// it in `continued_by`.
    pub ordinal: usize,
    /// The ordinals of the lists joined to it.
    pub continued_by: Vec<usize>,
    /// HTML written in place of the list's opening tag.
    pub open: String,
    /// HTML written in place of the list's closing tag.
    pub close: String,
    /// Per item: HTML in place of `<li>` and before its title.
    pub items: Vec<String>,
    /// HTML closing an item's title.
    pub title_close: String,
}

/// What a text's events become when some of its ordered lists are steps.
pub(super) struct Decorate<'d> {
    lists: &'d [StepsHtml],
    /// The ordinal of the next top-level ordered list.
    ordinal: usize,
    depth: usize,
    /// The decorated list open at depth 1, and how many of its items have been seen.
    current: Option<(&'d StepsHtml, usize)>,
    /// Where the current item's title stands.
    title: TitleState,
    /// Whether a paragraph split at an image is open after its title.
    after_split: bool,
    /// Inline nesting inside an open title (emphasis, links).
    nesting: usize,
    /// The HTML to put in, in order: markers in the text refer to it by index.
    pub(super) inserts: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TitleState {
    /// Not in a decorated item, or its title is done.
    Done,
    /// At the start of a decorated item: its title comes next.
    Due,
    /// Inside the title, opened by a paragraph (`true`) or by tight text.
    Open(bool),
}

/// The private-use characters around the index of an insert in the rendered text.
pub(super) const INSERT_OPEN: char = '\u{E000}';
pub(super) const INSERT_CLOSE: char = '\u{E001}';

impl<'d> Decorate<'d> {
    pub(super) fn new(lists: &'d [StepsHtml]) -> Self {
        Self {
            lists,
            ordinal: 0,
            depth: 0,
            current: None,
            title: TitleState::Done,
            after_split: false,
            nesting: 0,
            inserts: Vec::new(),
        }
    }

    fn mark(&mut self, html: String) -> Event<'static> {
        let index = self.inserts.len();
        self.inserts.push(html);
        Event::Text(format!("{INSERT_OPEN}{index}{INSERT_CLOSE}").into())
    }

    /// The events that replace `event` (pushed to `out`); `false` when it is left as it is.
    pub(super) fn event<'e>(&mut self, event: &Event<'e>, out: &mut Vec<Event<'e>>) -> bool {
        if self.lists.is_empty() {
            return false;
        }
        match event {
            Event::Start(Tag::List(start)) => {
                // A list inside a tight item ends its title.
                if self.depth >= 1 {
                    self.close_tight_title(out);
                }
                self.depth += 1;
                if self.depth != 1 || start.is_none() {
                    return false;
                }
                let ordinal = self.ordinal;
                self.ordinal += 1;
                if let Some((list, seen)) = self
                    .current
                    .filter(|(list, _)| list.continued_by.contains(&ordinal))
                {
                    // A continuation: the list goes on with its numbering.
                    self.current = Some((list, seen));
                    return true;
                }
                let Some(list) = self.lists.iter().find(|l| l.ordinal == ordinal) else {
                    self.current = None;
                    return false;
                };
                self.current = Some((list, 0));
                let open = list.open.clone();
                out.push(self.mark(open));
                true
            }
            Event::End(TagEnd::List(_)) => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth != 0 {
                    return false;
                }
                let Some((list, seen)) = self.current else {
                    return false;
                };
                if seen < list.items.len() {
                    // Continued further down: the list stays open in the HTML.
                    return true;
                }
                self.current = None;
                let close = list.close.clone();
                out.push(self.mark(close));
                true
            }
            Event::Start(Tag::BlockQuote(_)) => {
                self.close_tight_title(out);
                self.depth += 1;
                false
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.depth = self.depth.saturating_sub(1);
                false
            }
            Event::Start(Tag::Item) if self.depth == 1 => {
                let Some((list, seen)) = self.current else {
                    return false;
                };
                self.current = Some((list, seen + 1));
                let open = list.items.get(seen).cloned().unwrap_or_default();
                out.push(self.mark(open));
                self.title = TitleState::Due;
                true
            }
            Event::End(TagEnd::Item) if self.depth == 1 && self.current.is_some() => {
                self.close_tight_title(out);
                self.title = TitleState::Done;
                let close = self.mark("</li>\n".to_string());
                out.push(close);
                true
            }
            Event::Start(Tag::Paragraph) if self.title == TitleState::Due && self.depth == 1 => {
                // The item's opening HTML holds the title's.
                self.title = TitleState::Open(true);
                true
            }
            Event::End(TagEnd::Paragraph) if self.title == TitleState::Open(true) => {
                self.title = TitleState::Done;
                self.close_title(out);
                true
            }
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
                if matches!(self.title, TitleState::Open(_)) =>
            {
                self.nesting += 1;
                false
            }
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) if matches!(self.title, TitleState::Open(_)) => {
                self.nesting = self.nesting.saturating_sub(1);
                false
            }
            Event::Start(Tag::Image { .. })
                if matches!(self.title, TitleState::Open(_)) && self.nesting == 0 =>
            {
                let in_paragraph = self.title == TitleState::Open(true);
                self.title = TitleState::Done;
                self.close_title(out);
                if in_paragraph {
                    // The rest of the paragraph after the title.
                    out.push(Event::Html("<p>".into()));
                    self.after_split = true;
                }
                false
            }
            Event::End(TagEnd::Paragraph) if self.after_split => {
                self.after_split = false;
                out.push(Event::Html("</p>\n".into()));
                true
            }
            Event::Start(_) if self.title == TitleState::Due && self.depth == 1 => {
                if is_inline_start(event) {
                    self.title = TitleState::Open(false);
                    return false;
                }
                // The item opens with a block: an empty title.
                self.close_title(out);
                self.title = TitleState::Done;
                false
            }
            Event::Start(_) if self.title == TitleState::Open(false) && !is_inline_start(event) => {
                self.close_tight_title(out);
                false
            }
            Event::Text(_)
            | Event::Code(_)
            | Event::InlineHtml(_)
            | Event::SoftBreak
            | Event::HardBreak
                if self.title == TitleState::Due && self.depth == 1 =>
            {
                self.title = TitleState::Open(false);
                false
            }
            _ => false,
        }
    }

    fn close_title(&mut self, out: &mut Vec<Event<'_>>) {
        if let Some((list, _)) = self.current {
            let close = list.title_close.clone();
            out.push(self.mark(close));
        }
    }

    /// Closes a title opened by tight text, or one due that never came (the item opened with a
    /// block or ended).
    fn close_tight_title(&mut self, out: &mut Vec<Event<'_>>) {
        let open = self.title == TitleState::Open(false);
        let never_came = self.title == TitleState::Due && self.current.is_some();
        if open || never_came {
            self.title = TitleState::Done;
            self.close_title(out);
        }
    }
}

/// Whether an event opens inline content (emphasis, a link, an image…).
fn is_inline_start(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript
        )
    )
}

/// `html` with each insert mark replaced by its HTML.
pub(super) fn put_inserts(html: &str, inserts: &[String]) -> String {
    if inserts.is_empty() {
        return html.to_string();
    }
    let mut out =
        String::with_capacity(html.len() + inserts.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(open) = rest.find(INSERT_OPEN) {
        out.push_str(&rest[..open]);
        let after = &rest[open + INSERT_OPEN.len_utf8()..];
        let Some(close) = after.find(INSERT_CLOSE) else {
            out.push_str(&rest[open..]);
            return out;
        };
        match after[..close]
            .parse::<usize>()
            .ok()
            .and_then(|i| inserts.get(i))
        {
            Some(insert) => out.push_str(insert),
            None => out.push_str(
                &rest[open..open + INSERT_OPEN.len_utf8() + close + INSERT_CLOSE.len_utf8()],
            ),
        }
        rest = &after[close + INSERT_CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_split_into_titles_and_bodies() {
        let text = "# Page\n\n## Add a user\n\n1. Sign in and select **Users**.\n\n   ![Users](media/users.png)\n\n   > [!NOTE]\n   > Admins only.\n\n1. Select [Add](add.md).\n   1. Nested one.\n   1. Nested two.\n";
        let lists = ordered_lists(text);
        assert_eq!(lists.len(), 1);
        let list = &lists[0];
        assert_eq!(list.heading.as_deref(), Some("Add a user"));
        assert_eq!(list.heading_index, Some(1));
        assert_eq!(list.items.len(), 2);
        assert_eq!(list.items[0].title, "Sign in and select **Users**.");
        assert!(
            list.items[0].body.starts_with("![Users](media/users.png)"),
            "{:?}",
            list.items[0].body
        );
        assert!(
            list.items[0].body.contains("> [!NOTE]\n> Admins only."),
            "{:?}",
            list.items[0].body
        );
        assert_eq!(list.items[1].title, "Select [Add](add.md).");
        assert_eq!(list.items[1].body, "1. Nested one.\n1. Nested two.\n");
    }

    #[test]
    fn a_marker_keeps_a_list_out_and_continuations_join() {
        let text = "Intro.\n\n<!-- runbook: not-steps -->\n1. Fact.\n2. Fact.\n\nThen:\n\n1. One.\n2. Two.\n\n![shot](a.png)\n\n3. Three.\n";
        let lists = ordered_lists(text);
        assert_eq!(lists.len(), 2, "{lists:#?}");
        assert!(lists[0].kept_out);
        assert!(!lists[1].kept_out);
        assert_eq!(lists[1].items.len(), 3);
        assert_eq!(lists[1].continued_by, vec![2]);
        assert!(lists[1].items[1].body.contains("![shot](a.png)"));
    }

    #[test]
    fn tight_items_with_an_image_in_the_first_line_split_at_the_image() {
        let lists = ordered_lists("1. Open it. ![x](x.png)\n1. Close it.\n");
        assert_eq!(lists[0].items[0].title, "Open it.");
        assert_eq!(lists[0].items[0].body, "![x](x.png)\n");
    }

    #[test]
    fn lead_ins_are_kept_and_labels_are_told_from_steps() {
        let lists = ordered_lists(
            "## Tag\n\nTo tag a customer on the **Account** page:\n\n1. Select it.\n1. Select **Tag**.\n\nCall-outs:\n\n1. Access keys\n2. User name\n",
        );
        assert_eq!(
            lists[0].lead_in.as_deref(),
            Some("To tag a customer on the Account page")
        );
        assert!(!lists[0].reads_as_labels());
        assert!(lists[1].reads_as_labels());
        let ja = ordered_lists(
            "1. アクセス キー\n2. ユーザー名\n\n手順:\n\n1. サインインします。\n2. 選択します。\n",
        );
        assert!(ja[0].reads_as_labels());
        assert!(!ja[1].reads_as_labels());
    }

    #[test]
    fn a_tab_or_zone_names_its_lists_until_its_group_ends() {
        let text = "## Install\n\n<div class=\"tabs\">\n\n<section class=\"tab-panel\" data-tab=\"linux\">\n\n<p class=\"tab-title\">Linux</p>\n\n1. Get it.\n2. Run it.\n\n</section>\n</div>\n\n1. Check it.\n2. Close it.\n\n<section class=\"zone\" data-pivot=\"azure\">\n\n<p class=\"zone-label\">azure</p>\n\n1. Sign in.\n2. Select it.\n\n</section>\n";
        let lists = ordered_lists(text);
        let tabs: Vec<Option<&str>> = lists.iter().map(|l| l.tab.as_deref()).collect();
        assert_eq!(tabs, [Some("Linux"), None, Some("azure")]);
    }

    #[test]
    fn alerts_become_notes_and_warnings() {
        let (rest, alerts) = take_alerts(
            "![x](x.png)\n\n> [!NOTE]\n> Admins only.\n\n> [!CAUTION]\n> It cannot be undone.\n\n> A quote.\n",
        );
        assert_eq!(rest, "![x](x.png)\n\n> A quote.\n");
        assert_eq!(alerts.len(), 2);
        assert_eq!(
            alerts[0],
            Alert {
                warning: false,
                text: "Admins only.\n".into()
            }
        );
        assert!(alerts[1].warning);
    }

    /// The HTML of `text` with every list of steps decorated with visible markers.
    fn decorated(text: &str) -> String {
        let steps: Vec<StepsHtml> = ordered_lists(text)
            .iter()
            .filter(|l| !l.kept_out)
            .map(|list| StepsHtml {
                ordinal: list.ordinal,
                continued_by: list.continued_by.clone(),
                open: "<OL>".into(),
                close: "</OL>".into(),
                items: (0..list.items.len())
                    .map(|i| format!("<LI{}><T>", i + 1))
                    .collect(),
                title_close: "</T>".into(),
            })
            .collect();
        crate::markup::to_html_steps(
            text,
            crate::markup::Flavor::Block,
            &mut crate::markup::Anchors::new(),
            &|d| crate::markup::LinkRewrite {
                destination: d.to_string(),
                note: None,
            },
            &crate::markup::AlertLabels::english(),
            &steps,
        )
    }

    #[test]
    fn lists_of_steps_are_wrapped_item_by_item_and_a_continued_list_stays_one() {
        let html = decorated("1. One.\n2. Two.\n\n![shot](a.png)\n\n3. Three.\n");
        assert_eq!(html.matches("<OL>").count(), 1, "{html}");
        assert_eq!(html.matches("</OL>").count(), 1, "{html}");
        assert!(html.contains("<LI1><T>One.</T>"), "{html}");
        assert!(html.contains("<LI3><T>Three.</T>"), "{html}");
        // The image between the parts stays, inside the second step.
        let second = &html[html.find("<LI2>").unwrap()..html.find("<LI3>").unwrap()];
        assert!(second.contains("<img src=\"a.png\""), "{html}");
        // A loose item: the title is its first paragraph; an image in it starts the body.
        let html = decorated("1. Open **it**. ![x](x.png)\n\n   More.\n\n1. Close.\n");
        assert!(
            html.contains("<LI1><T>Open <strong>it</strong>. </T><p><img"),
            "{html}"
        );
        assert!(html.contains("<p>More.</p>"), "{html}");
        // A list kept out is an ordinary list.
        let html = decorated("<!-- runbook: not-steps -->\n1. Fact.\n2. Fact.\n");
        assert!(html.contains("<ol>") && !html.contains("<OL>"), "{html}");
    }

    #[test]
    fn a_nested_list_ends_a_tight_title_and_a_bullet_list_ends_a_numbered_one() {
        let html = decorated("1. Open Settings\n   - Pick A\n   - Pick B\n2. Save\n");
        assert!(html.contains("<LI1><T>Open Settings</T>\n<ul>"), "{html}");
        let html = decorated("1. A.\n2. B.\n\n- note x\n- note y\n\n3. C.\n");
        assert!(html.contains("<ul>\n<li>note x</li>"), "{html}");
        assert_eq!(html.matches("<OL>").count(), 2, "{html}");
        // An image inside bold stays in the title.
        let lists = ordered_lists("1. Select **![gear](g.png) Settings**.\n2. Save.\n");
        assert_eq!(
            lists[0].items[0].title,
            "Select **![gear](g.png) Settings**."
        );
        let html = decorated("1. Select **![gear](g.png) Settings**.\n2. Save.\n");
        assert!(
            html.contains("<strong><img src=\"g.png\" alt=\"gear\" /> Settings</strong>.</T>"),
            "{html}"
        );
    }

    #[test]
    fn content_cannot_pose_as_a_mark() {
        for text in [
            "1. One \u{E000}0\u{E001}.\n2. Two.\n",
            "1. One &#xE000;0&#xE001;.\n2. Two.\n",
        ] {
            let html = decorated(text);
            assert_eq!(html.matches("<OL>").count(), 1, "{html}");
            assert!(html.contains("One \u{FFFD}0\u{FFFD}."), "{html}");
        }
    }

    #[test]
    fn inserts_replace_their_marks() {
        let html = format!("a{INSERT_OPEN}1{INSERT_CLOSE}b{INSERT_OPEN}0{INSERT_CLOSE}");
        assert_eq!(put_inserts(&html, &["X".into(), "Y".into()]), "aYbX");
    }
}
