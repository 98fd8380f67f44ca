//! The search index of a locale cut into parts that the browser loads as a query needs them,
//! so the first query of a large site transfers kilobytes, not the whole index:
//! - `search/LOCALE.js`, the table of parts: the first key of each term part and position part,
//!   the first section of each section part;
//! - `search/LOCALE/tN.js`, term parts: keys in order (UTF-16 order, as JavaScript compares
//!   strings), each with what a query needs about it (see [`Entry`]);
//! - `search/LOCALE/xN.js`, position parts: where each run of three unspaced characters stands
//!   in the title and text of each section (UTF-16 offsets), read only to place a run of four or
//!   more; per section, 0 when its text normalizes irregularly, else (title count + 1) × 2 + 1
//!   for the top of a page, the title positions, the text count and the text positions;
//! - `search/LOCALE/sN.js`, section parts: the title and text of sections, read only for the
//!   results shown.
//!
//! Each part is a script that adds itself to `runbookSearchIndex` under its name (`ja`,
//! `ja/t3`), so parts load from `file://` as from any host, within `script-src 'self'`.
//!
//! Postings are strings of numbers in a compact form: five bits per character, lowest first; the
//! characters of [`DIGITS`] below 32 end a number, those from 32 continue it. A postings list is
//! a section id as the gap from the one before (the first as itself), then that section's own
//! numbers, for each section in ascending order.

use std::collections::BTreeMap;

use serde::Serialize;

/// Digits of the compact number form: the first 32 end a number, the last 32 continue it.
pub(super) const DIGITS: &[u8; 64] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Largest term or position part, in bytes, before a new one starts (a single larger entry gets
/// a part of its own).
const TERM_PART_BYTES: usize = 16 * 1024;

/// Largest section part, in bytes: the results shown are read from up to ten of them.
const SECTION_PART_BYTES: usize = 4 * 1024;

/// Appends `n` in the compact form.
pub(super) fn push_number(out: &mut String, mut n: u64) {
    while n >= 32 {
        out.push(char::from(DIGITS[32 + (n & 31) as usize]));
        n >>= 5;
    }
    out.push(char::from(DIGITS[n as usize]));
}

/// The numbers of a string in the compact form.
fn numbers(text: &str) -> impl Iterator<Item = u64> + '_ {
    let (mut value, mut shift) = (0u64, 0u32);
    text.bytes().filter_map(move |byte| {
        let digit = DIGITS.iter().position(|&d| d == byte).unwrap_or(0) as u64;
        if digit >= 32 {
            value += (digit - 32) << shift;
            shift += 5;
            return None;
        }
        let number = value + (digit << shift);
        (value, shift) = (0, 0);
        Some(number)
    })
}

/// A postings list being written, section by section in ascending order.
#[derive(Debug, Default)]
pub(super) struct Postings {
    last: Option<usize>,
    data: String,
}

impl Postings {
    /// Adds `section` with its own `numbers`; a section already added last is kept as it was.
    pub(super) fn push(&mut self, section: usize, numbers: &[u64]) {
        let gap = match self.last {
            Some(last) if last == section => return,
            Some(last) => section.saturating_sub(last + 1),
            None => section,
        };
        push_number(&mut self.data, gap as u64);
        for &number in numbers {
            push_number(&mut self.data, number);
        }
        self.last = Some(section);
    }

    /// Postings as written before.
    pub(super) fn from_data(data: String) -> Self {
        Self { last: None, data }
    }

    /// Length of the postings as written.
    pub(super) fn len(&self) -> usize {
        self.data.len()
    }

    /// The sections of the postings, each followed by `width` numbers of its own.
    pub(super) fn sections(&self, width: usize) -> Vec<usize> {
        let mut section: Option<usize> = None;
        numbers(&self.data)
            .step_by(width + 1)
            .map(|gap| {
                let next = section.map_or(gap as usize, |s| s + gap as usize + 1);
                section = Some(next);
                next
            })
            .collect()
    }

    /// The postings as written.
    pub(super) fn into_data(self) -> String {
        self.data
    }
}

/// How often a query's word or run stands in a section, as one number: its count in the
/// section's title, its count in the text (past 12, which is as much as the text can add to a
/// score, it counts as 12), and whether the section is the top of its page.
pub(super) fn code(title: usize, text: usize, top: bool) -> u64 {
    ((title as u64 * 13 + text.min(12) as u64) * 2) + u64::from(top)
}

/// What a query needs about one key. Every field is optional; keys are words, stems, character
/// pairs and single unspaced characters.
#[derive(Debug, Default, Serialize)]
pub(super) struct Entry {
    /// Term postings (section ids only): sections holding this stem, pair or lone character.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub t: String,
    /// 1 when this stem's sections are not in `t` but are those of `w` of the stem and its
    /// words (`v`): they always are, but for text that normalizes irregularly.
    #[serde(skip_serializing_if = "is_zero")]
    pub d: usize,
    /// The words of the text with this stem, where they differ from it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub v: Vec<String>,
    /// The stem of this word, where it differs from it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub s: String,
    /// Sections whose title or text has this word as written (normalized), each with its
    /// [`code`].
    #[serde(skip_serializing_if = "String::is_empty")]
    pub w: String,
    /// For one unspaced character: sections holding it, each with the [`code`] of its
    /// occurrences.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub c: String,
    /// For two or three unspaced characters: the sections holding them, each with the [`code`]
    /// of their occurrences (searched as a query of its own, not overlapping).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub r: String,
    /// For three unspaced characters: the length of their positions (in a position part), which
    /// tells a query whether reading them costs less than reading its candidates' text.
    #[serde(skip_serializing_if = "is_zero")]
    pub n: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One part file: its name under the locale (`t3`) and its JSON.
pub(super) struct Part {
    /// `t3`, `x0`, `s12`.
    pub name: String,
    /// The part's value.
    pub json: String,
}

/// The parts of one locale's index and its table of parts.
pub(super) struct Parts {
    /// The table: `{"t": [first keys], "x": [first keys], "s": "first section ids"}`, the
    /// section ids as numbers in the compact form, each the gap from the one before.
    pub table: String,
    /// Every part.
    pub parts: Vec<Part>,
}

/// Sorts keys as JavaScript compares strings (UTF-16 code units).
fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Cuts `entries` (key, JSON value) into objects of at most `limit` bytes, in JavaScript key
/// order; returns each part's first key and its JSON.
fn cut_keyed(mut entries: Vec<(String, String)>, limit: usize) -> Vec<(String, String)> {
    entries.sort_by(|a, b| js_order(&a.0, &b.0));
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for (key, value) in entries {
        let item = format!("{}:{value}", json_string(&key));
        if let Some((_, body)) = &current
            && body.len() + item.len() + 2 > limit
            && let Some((first, body)) = current.take()
        {
            parts.push((first, body + "}"));
        }
        match &mut current {
            Some((_, body)) => {
                body.push(',');
                body.push_str(&item);
            }
            None => current = Some((key, format!("{{{item}"))),
        }
    }
    if let Some((first, body)) = current {
        parts.push((first, body + "}"));
    }
    parts
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

/// Builds the parts from the entries, the positions of pairs and the sections.
///
/// `sections` are `[page, anchor, title, text]`; `pages` are `[url, title, lang]`.
pub(super) fn cut(
    entries: BTreeMap<String, Entry>,
    positions: BTreeMap<String, Postings>,
    pages: &[(String, String, String)],
    sections: &[(usize, String, String, String)],
) -> Parts {
    let mut parts = Vec::new();
    let mut table = String::from("{\"t\":[");
    let terms = entries
        .into_iter()
        .map(|(key, entry)| {
            let json = serde_json::to_string(&entry).unwrap_or_else(|_| "{}".to_string());
            (key, json)
        })
        .collect();
    push_keyed(
        &mut table,
        &mut parts,
        't',
        cut_keyed(terms, TERM_PART_BYTES),
    );
    table.push_str("],\"x\":[");
    let positions = positions
        .into_iter()
        .map(|(key, postings)| (key, json_string(&postings.data)))
        .collect();
    push_keyed(
        &mut table,
        &mut parts,
        'x',
        cut_keyed(positions, TERM_PART_BYTES),
    );
    table.push_str("],\"s\":");
    let mut first_ids = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (id, section) in sections.iter().enumerate() {
        size += section.1.len() + section.2.len() + section.3.len() + 16;
        let last = id + 1 == sections.len();
        if size > SECTION_PART_BYTES || last {
            first_ids.push(start);
            let json = section_part(pages, sections, start, id + 1);
            parts.push(Part {
                name: format!("s{}", first_ids.len() - 1),
                json,
            });
            start = id + 1;
            size = 0;
        }
    }
    table.push('"');
    let mut previous = 0;
    for first in first_ids {
        push_number(&mut table, (first - previous) as u64);
        previous = first;
    }
    table.push_str("\"}");
    Parts { table, parts }
}

fn push_keyed(table: &mut String, parts: &mut Vec<Part>, kind: char, cut: Vec<(String, String)>) {
    for (number, (first, json)) in cut.into_iter().enumerate() {
        if number > 0 {
            table.push(',');
        }
        table.push_str(&json_string(&first));
        parts.push(Part {
            name: format!("{kind}{number}"),
            json,
        });
    }
}

/// Sections `from..to` and their pages: `{"p": {"page": [url, title, lang]}, "s": [[page,
/// anchor, title, text]]}`.
fn section_part(
    pages: &[(String, String, String)],
    sections: &[(usize, String, String, String)],
    from: usize,
    to: usize,
) -> String {
    #[derive(Serialize)]
    struct SectionPart<'a> {
        p: BTreeMap<usize, &'a (String, String, String)>,
        s: &'a [(usize, String, String, String)],
    }
    let slice = &sections[from..to];
    let part = SectionPart {
        p: slice
            .iter()
            .filter_map(|section| pages.get(section.0).map(|page| (section.0, page)))
            .collect(),
        s: slice,
    };
    serde_json::to_string(&part).unwrap_or_else(|_| "{}".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_small_ones_take_one_character() {
        let mut text = String::new();
        for n in [0, 1, 31, 32, 1000, 1 << 40] {
            push_number(&mut text, n);
        }
        assert_eq!(
            numbers(&text).collect::<Vec<_>>(),
            [0, 1, 31, 32, 1000, 1 << 40]
        );
        assert_eq!(&text[..3], "01V");
    }

    #[test]
    fn postings_store_gaps_and_skip_a_repeated_section() {
        let mut postings = Postings::default();
        postings.push(3, &[7]);
        postings.push(3, &[9]);
        postings.push(4, &[1]);
        assert_eq!(postings.sections(1), [3, 4]);
        postings.push(40, &[]);
        assert_eq!(
            numbers(&postings.into_data()).collect::<Vec<_>>(),
            [3, 7, 0, 1, 35]
        );
    }

    #[test]
    fn keys_follow_javascript_order_and_parts_respect_the_limit() {
        // U+FF21 sorts before U+1F600 in UTF-8 order but after it in UTF-16 order.
        let entries = vec![
            ("\u{1F600}".to_string(), "1".to_string()),
            ("\u{FF21}".to_string(), "2".to_string()),
            ("a".to_string(), "3".repeat(20)),
        ];
        let parts = cut_keyed(entries, 30);
        let firsts: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(firsts, ["a", "\u{1F600}"]);
        assert_eq!(parts[1].1, "{\"\u{1F600}\":1,\"\u{FF21}\":2}");
    }
}
