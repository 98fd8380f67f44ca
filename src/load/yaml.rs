//! YAML → model: the one parse function every YAML file and front matter goes through.
//!
//! Parsing uses serde-saphyr with its default resource budget (which stops alias bombs) and
//! duplicate keys refused; its errors carry a line and column, turned here into a [`Diagnostic`]
//! placed in the file.

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;
use crate::model::{Procedure, ProcedureFile};
use crate::source::{FileId, Span};

/// Parses YAML `text` (from `file`, starting at byte `base` of it) into `T`, or records why not.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: FileId,
    base: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    let options = serde_saphyr::options! { with_snippet: false };
    match serde_saphyr::from_str_with_options::<T>(text, options) {
        Ok(value) => Some(value),
        Err(error) => {
            diagnostics.push(yaml_diagnostic(&error, text, file, base));
            None
        }
    }
}

/// A diagnostic for a serde-saphyr error: its message without the location suffix, placed at its
/// location.
fn yaml_diagnostic(
    error: &serde_saphyr::Error,
    text: &str,
    file: FileId,
    base: usize,
) -> Diagnostic {
    let rendered = error.without_snippet().to_string();
    let message = explain(clean_message(&rendered));
    let mut diagnostic = Diagnostic::error("invalid-yaml", message.clone());
    if let Some(location) = error.location() {
        let mut offset = location
            .span()
            .byte_offset()
            .and_then(|o| usize::try_from(o).ok())
            .unwrap_or_else(|| offset_of(text, location.line(), location.column()));
        if message.starts_with("missing field") {
            offset = enclosing_item(text, offset);
        }
        let len = location
            .span()
            .byte_len()
            .and_then(|l| usize::try_from(l).ok())
            .unwrap_or(0);
        let len = if len == 0 {
            token_len(&text[offset.min(text.len())..])
        } else {
            len
        };
        diagnostic = diagnostic.at(Span::new(file, base + offset..base + offset + len));
    }
    if message.contains("unknown field") {
        diagnostic =
            diagnostic.help("check the spelling against `runbook schema`, or remove the field");
    } else if message.contains("missing field") {
        diagnostic = diagnostic.help("add the field: it is required");
    } else if message.starts_with("the file is over a YAML resource limit") {
        diagnostic = diagnostic.help(
            "split it into smaller files (a procedure of this size cannot be followed either); avoid aliases that repeat other aliases",
        );
    } else if message.starts_with("unexpected end of input") && text.trim().is_empty() {
        diagnostic = diagnostic.help("the file is empty: write its content, or delete it");
    } else if message.contains("tabs") || message.contains(" tab ") {
        diagnostic = diagnostic.help("indent YAML with spaces, not tabs");
    }
    diagnostic
}

/// serde-saphyr appends ` at line L, column C` (and similar); the diagnostic shows the place
/// itself, so the message keeps the reason only.
fn clean_message(rendered: &str) -> String {
    let first_line = rendered.lines().next().unwrap_or(rendered).trim();
    let message = match first_line.find(" at line ") {
        Some(i) => &first_line[..i],
        None => first_line,
    };
    let message = message.trim_start_matches("error: ").trim();
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid YAML".to_string(),
    }
}

/// Parser wording that authors should not need to decode, said plainly.
fn explain(message: String) -> String {
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return format!("duplicate key `{key}`: a key may appear once in a map");
    }
    if let Some(breach) = message.strip_prefix("budget breached: ") {
        // `Nodes { nodes: 250001 }` → `nodes: 250001`
        let what = breach
            .split_once('{')
            .map_or(breach, |(_, rest)| rest.trim_end_matches('}'))
            .trim();
        return format!(
            "the file is over a YAML resource limit ({what}): limits on values, depth, anchors and aliases keep a runaway file from exhausting memory"
        );
    }
    match message.as_str() {
        "expected sequence start" => {
            "expected a list: `[a, b]`, or one `- item` per line".to_string()
        }
        "expected mapping start" => "expected a map: `key: value` lines".to_string(),
        _ => message,
    }
}

/// The parser reports a missing field where the mapping ends; the author looks for where it
/// starts: the `- ` of the enclosing list item, when there is one.
fn enclosing_item(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let indent = text[line_start..].len() - text[line_start..].trim_start_matches(' ').len();
    let mut end = line_start;
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end - 1];
        let trimmed = line.trim_start_matches(' ');
        let line_indent = line.len() - trimmed.len();
        if trimmed.starts_with("- ") && line_indent < indent {
            return start + line_indent + 2;
        }
        if !trimmed.is_empty()
            && !trimmed.starts_with('#')
            && line_indent < indent.saturating_sub(2)
        {
            break;
        }
        end = start;
    }
    offset
}

/// Byte offset of a 1-based line and character column.
fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(rest.len(), |(i, _)| i)
}

/// Length of the token at the start of `rest` (a key or scalar), at least one character.
fn token_len(rest: &str) -> usize {
    let end = rest
        .find([':', '\n', '\r', ',', ']', '}'])
        .unwrap_or(rest.len());
    let end = rest[..end].trim_end().len();
    if end == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        end
    }
}

/// Parses a procedure file; `path` is its content path without extension.
pub fn parse_procedure(
    text: &str,
    file: FileId,
    path: String,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Procedure> {
    let parsed: ProcedureFile = parse(text, file, 0, diagnostics)?;
    Some(Procedure::new(
        path,
        file,
        parsed.title,
        parsed.applies_to,
        parsed.introduction,
        parsed.steps,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn first_error(text: &str) -> (String, (usize, usize)) {
        let mut sources = SourceMap::new();
        let file = sources.add("p.yaml", text);
        let mut diagnostics = Vec::new();
        assert!(parse_procedure(text, file, "p".into(), &mut diagnostics).is_none());
        let d = &diagnostics[0];
        let span = d.span.clone().expect("a position");
        (
            d.message.clone(),
            sources.line_column(file, span.range.start),
        )
    }

    #[test]
    fn unknown_field_names_the_field_and_its_place() {
        let (message, place) =
            first_error("title: T\nsteps:\n  - id: a\n    title: A\n    colour: red\n");
        assert!(message.contains("unknown field `colour`"), "{message}");
        assert_eq!(place, (5, 5));
    }

    #[test]
    fn wrong_type_and_syntax_errors_have_places() {
        let (message, place) = first_error("title: T\nsteps: 3\n");
        assert!(message.contains("expected a list"), "{message}");
        assert_eq!(place.0, 2);
        let (_, place) = first_error("title: T\nsteps:\n  - id: [a\n");
        assert!(place.0 >= 3, "{place:?}");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let (message, place) = first_error("title: T\ntitle: U\nsteps: []\n");
        assert!(message.contains("duplicate"), "{message}");
        assert_eq!(place.0, 2);
    }
}
