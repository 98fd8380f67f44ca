//! Writing translations back into content files: byte-range edits that change the translated
//! value and nothing else, so comments, key order, quoting and line wrapping elsewhere in the
//! file stay as the author left them.

use std::ops::Range;

use crate::markup::Flavor;
use crate::model::{LocalizedText, Text};

/// Replace `range` of a file's text with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Byte range replaced (empty for an insertion).
    pub range: Range<usize>,
    /// The new bytes.
    pub text: String,
}

/// `text` with `edits` applied. Edits must not overlap; their order does not matter.
pub fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|edit| std::cmp::Reverse((edit.range.start, edit.range.end)));
    let mut out = text.to_string();
    for edit in edits {
        if edit.range.end <= out.len()
            && out.is_char_boundary(edit.range.start)
            && out.is_char_boundary(edit.range.end)
        {
            out.replace_range(edit.range, &edit.text);
        }
    }
    out
}

/// The edit that sets the `locale` text of a localized YAML field, in a file whose text is
/// `file` (`base` is the offset of the parsed YAML in it: non-zero for front matter).
///
/// # Errors
/// A field written in a form that cannot be edited in place (a flow map such as `{en: ...}`);
/// the message says what to do.
pub fn yaml_field(
    file: &str,
    base: usize,
    field: &LocalizedText,
    source_locale: &str,
    locale: &str,
    value: &str,
    flavor: Flavor,
) -> Result<Edit, String> {
    let shift = |r: &Range<usize>| r.start + base..r.end + base;
    match &field.value {
        Text::Localized(map) => {
            if let Some(existing) = map.get(locale) {
                return Ok(replace_scalar(file, shift(&existing.range), value, flavor));
            }
            let Some(anchor) = map.get(source_locale) else {
                return Err(format!(
                    "the field has no `{source_locale}` text to place the translation beside"
                ));
            };
            let (key_start, key_column) = key_of(file, shift(&anchor.range));
            if !file[key_start..].starts_with(source_locale) {
                return Err(
                    "the field is written as a flow map (`{...}`); write it as a block map, one locale per line"
                        .into(),
                );
            }
            // Insert after the entry that ends last.
            let last_end = map
                .values()
                .map(|v| value_end(file, shift(&v.range)))
                .max()
                .unwrap_or(key_start);
            let scalar = scalar(value, flavor, key_column + 2);
            Ok(Edit {
                range: last_end..last_end,
                text: format!("\n{}{locale}: {scalar}", " ".repeat(key_column)),
            })
        }
        Text::Source(source) => {
            // A plain string becomes a map of the source text and the translation.
            let range = shift(&field.range);
            let start = value_start(file, range.clone());
            let end = value_end(file, range.clone());
            let line_start = file[..start].rfind('\n').map_or(0, |i| i + 1);
            let before = file[line_start..start].trim_end();
            let original = if start == range.start && !file[start..end].contains('\n') {
                file[start..end].to_string()
            } else {
                String::new()
            };
            if before.ends_with('-') {
                // `- text` in a sequence: the map starts on the item's line.
                let column = file[line_start..start].chars().count();
                let source_scalar = if original.is_empty() {
                    scalar(source, flavor, column + 2)
                } else {
                    original
                };
                let scalar = scalar(value, flavor, column + 2);
                Ok(Edit {
                    range: start..end,
                    text: format!(
                        "{source_locale}: {source_scalar}\n{}{locale}: {scalar}",
                        " ".repeat(column)
                    ),
                })
            } else if before.ends_with(':') {
                let indent = line_indent(&file[line_start..]) + 2;
                let colon = line_start + before.len();
                let source_scalar = if original.is_empty() {
                    scalar(source, flavor, indent + 2)
                } else {
                    original
                };
                let scalar = scalar(value, flavor, indent + 2);
                let pad = " ".repeat(indent);
                Ok(Edit {
                    range: colon..end,
                    text: format!(
                        "\n{pad}{source_locale}: {source_scalar}\n{pad}{locale}: {scalar}"
                    ),
                })
            } else {
                Err("the field is not written as `key: text` or `- text`; write the translation by hand".into())
            }
        }
    }
}

/// The edit that replaces the YAML scalar at `range` of the file (as the parser reports it,
/// shifted to file offsets) with `value`.
pub fn replace_scalar(file: &str, range: Range<usize>, value: &str, flavor: Flavor) -> Edit {
    let start = value_start(file, range.clone());
    let end = value_end(file, range.clone());
    let (_, key_column) = key_of(file, range);
    Edit {
        range: start..end,
        text: scalar(value, flavor, key_column + 2),
    }
}

/// Where a scalar's text starts: the parser's range, or for a block scalar (`|`, `>-`), its
/// indicator on the line above.
fn value_start(file: &str, range: Range<usize>) -> usize {
    let before = &file[..range.start];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if !before[line_start..].trim().is_empty() || line_start == 0 {
        return range.start;
    }
    let above = before[..line_start].trim_end();
    let indicator = above.trim_end_matches(|c: char| c == '+' || c == '-' || c.is_ascii_digit());
    if indicator.ends_with('|') || indicator.ends_with('>') {
        indicator.len() - 1
    } else {
        range.start
    }
}

/// Where a scalar's text ends: the parser's range without trailing white space (block scalars
/// run to the next key's indentation).
fn value_end(file: &str, range: Range<usize>) -> usize {
    let end = range.end.min(file.len());
    let start = range.start.min(end);
    start + file[start..end].trim_end().len()
}

/// The start and column of the key whose value is at `range`.
fn key_of(file: &str, range: Range<usize>) -> (usize, usize) {
    let start = value_start(file, range);
    let line_start = file[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = &file[line_start..];
    let offset = line
        .char_indices()
        .find(|&(i, c)| !(c == ' ' || (c == '-' && line[i + 1..].starts_with(' '))))
        .map_or(0, |(i, _)| i);
    (line_start + offset, line[..offset].chars().count())
}

/// Spaces at the start of a line.
fn line_indent(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

/// A YAML scalar for `value`: plain when it reads back as the same string, a literal block for
/// block text over several lines (indented by `indent`) when that reads back the same, else
/// double-quoted (which can hold anything, control characters included).
pub fn scalar(value: &str, flavor: Flavor, indent: usize) -> String {
    let value = value.trim_end_matches('\n');
    if flavor == Flavor::Block
        && value.contains('\n')
        && !value.starts_with([' ', '\t'])
        && reads_back(&literal_block(value, 2), value)
    {
        return literal_block(value, indent);
    }
    if !value.contains('\n') && value == value.trim() && reads_back(value, value) {
        return value.to_string();
    }
    double_quoted(value)
}

/// `value` as a YAML double-quoted scalar: `"` and `\` escaped, and every character YAML does
/// not allow in a file (control characters, DEL, C1 controls, U+FEFF, U+FFFE/FFFF) written as
/// an escape, so that any string reads back.
fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ' '..='~'
            | '\u{A0}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FEFE}'
            | '\u{FF00}'..='\u{FFFD}' => {
                out.push(c);
            }
            c if u32::from(c) > 0xFFFF => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// `value` as a literal block scalar (`|`), its lines indented by `indent` spaces.
fn literal_block(value: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::from("|");
    for line in value.split('\n') {
        out.push('\n');
        if !line.trim().is_empty() {
            out.push_str(&pad);
            out.push_str(line.trim_end());
        }
    }
    out
}

/// Whether `scalar`, written as the value of a key, reads back as `value` (a block's final line
/// break aside).
fn reads_back(scalar: &str, value: &str) -> bool {
    if value.is_empty() {
        return false;
    }
    let document = format!("v: {scalar}\n");
    matches!(
        serde_saphyr::from_str::<std::collections::BTreeMap<String, serde_json::Value>>(&document),
        Ok(map) if map.get("v").and_then(serde_json::Value::as_str).map(|read| read.trim_end_matches('\n')) == Some(value)
    )
}

/// The edit that replaces a page block at `range` (its inline content, in the file) with `value`:
/// continuation lines get the prefix the block's containers need (`> `, list indentation);
/// headings and table cells stay on one line.
pub fn page_block(file: &str, range: Range<usize>, value: &str, one_line: bool) -> Edit {
    let line_start = file[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let prefix: String = file[line_start..range.start]
        .chars()
        .map(|c| if c == '>' { '>' } else { ' ' })
        .collect();
    let value = value.trim_end();
    let text = if one_line {
        value.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        let mut lines = value.split('\n');
        let mut text = lines.next().unwrap_or_default().to_string();
        for line in lines {
            text.push('\n');
            if line.is_empty() {
                text.push_str(prefix.trim_end());
            } else {
                text.push_str(&prefix);
                text.push_str(line);
            }
        }
        text
    };
    Edit { range, text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Located;

    #[derive(serde::Deserialize)]
    struct Doc {
        title: LocalizedText,
    }

    fn set(text: &str, locale: &str, value: &str, flavor: Flavor) -> String {
        let doc: Doc = serde_saphyr::from_str(text).unwrap();
        let edit = yaml_field(text, 0, &doc.title, "en", locale, value, flavor).unwrap();
        let out = apply(text, vec![edit]);
        let back: Doc = serde_saphyr::from_str(&out).unwrap();
        assert_eq!(
            back.title.value.get(locale, "en").map(str::trim_end),
            Some(value)
        );
        out
    }

    #[test]
    fn replaces_a_plain_translation_in_place() {
        let text = "# c\ntitle:\n  en: Check # keep\n  ja: 古い\nnext: x\n";
        assert_eq!(
            set(text, "ja", "新しい", Flavor::Inline),
            "# c\ntitle:\n  en: Check # keep\n  ja: 新しい\nnext: x\n"
        );
    }

    #[test]
    fn replaces_a_block_scalar_keeping_its_indentation() {
        let text = "title:\n  en: |\n    One\n\n    Two\n  ja: |\n    一\n\n    二\nnext: x\n";
        assert_eq!(
            set(text, "ja", "いち\n\nに", Flavor::Block),
            "title:\n  en: |\n    One\n\n    Two\n  ja: |\n    いち\n\n    に\nnext: x\n"
        );
    }

    #[test]
    fn inserts_a_missing_locale_after_the_last_entry() {
        let text = "title:\n  en: \"Yes\"\nnext: x\n";
        assert_eq!(
            set(text, "ja", "はい: そう", Flavor::Inline),
            "title:\n  en: \"Yes\"\n  ja: \"はい: そう\"\nnext: x\n"
        );
    }

    #[test]
    fn turns_a_plain_string_into_a_map() {
        let text = "title: Check health\nnext: x\n";
        assert_eq!(
            set(text, "ja", "正常性を確認", Flavor::Inline),
            "title:\n  en: Check health\n  ja: 正常性を確認\nnext: x\n"
        );
    }

    #[test]
    fn turns_a_sequence_item_into_a_map() {
        #[derive(serde::Deserialize)]
        struct Notes {
            notes: Vec<LocalizedText>,
        }
        let text = "notes:\n  - First note\n  - Second\n";
        let doc: Notes = serde_saphyr::from_str(text).unwrap();
        let edit = yaml_field(text, 0, &doc.notes[0], "en", "ja", "最初", Flavor::Block).unwrap();
        assert_eq!(
            apply(text, vec![edit]),
            "notes:\n  - en: First note\n    ja: 最初\n  - Second\n"
        );
    }

    #[test]
    fn scalars_quote_only_when_needed() {
        assert_eq!(scalar("plain text", Flavor::Inline, 2), "plain text");
        assert_eq!(scalar("Yes", Flavor::Inline, 2), "\"Yes\"");
        assert_eq!(scalar("a: b", Flavor::Inline, 2), "\"a: b\"");
        assert_eq!(scalar("# x", Flavor::Inline, 2), "\"# x\"");
        assert_eq!(scalar("one\ntwo", Flavor::Block, 4), "|\n    one\n    two");
        // A block cannot hold control characters or trailing spaces: quoted instead.
        assert_eq!(
            scalar("one\u{1}\ntwo", Flavor::Block, 4),
            "\"one\\u0001\\ntwo\""
        );
        assert_eq!(
            scalar("hard  \nbreak", Flavor::Block, 4),
            "\"hard  \\nbreak\""
        );
    }

    #[test]
    fn any_string_reads_back_from_its_scalar() {
        for value in [
            "a\u{7f}b",
            "nul \u{0} and bell \u{7}",
            "next line \u{85} and bom \u{feff} and \u{fffe}",
            "quote \" and backslash \\ and tab \t",
            "emoji 🚒 and 日本語",
            "line\r\nbreak",
        ] {
            for flavor in [Flavor::Inline, Flavor::Block] {
                let written = scalar(value, flavor, 2);
                assert!(reads_back(&written, value), "{value:?} → {written}");
            }
        }
    }

    #[test]
    fn page_blocks_keep_their_container_prefix() {
        let file = "> quoted\n> text\n";
        let edit = page_block(file, 2..15, "引用\n文", false);
        assert_eq!(apply(file, vec![edit]), "> 引用\n> 文\n");
        let file = "- item\n";
        let edit = page_block(file, 2..6, "項目\n続き", false);
        assert_eq!(apply(file, vec![edit]), "- 項目\n  続き\n");
    }

    #[test]
    fn front_matter_values_are_replaced_at_file_offsets() {
        let front = "title: Old\n";
        let file = format!("---\n{front}---\nbody\n");
        #[derive(serde::Deserialize)]
        struct Front {
            title: Located<String>,
        }
        let parsed: Front = serde_saphyr::from_str(front).unwrap();
        let range = parsed.title.range.start + 4..parsed.title.range.end + 4;
        let edit = replace_scalar(&file, range, "新しい題", Flavor::Inline);
        assert_eq!(
            apply(&file, vec![edit]),
            "---\ntitle: 新しい題\n---\nbody\n"
        );
    }
}
