//! Run records: what a reader did while working through a procedure in the guide's run mode
//! (the site's script keeps them in the browser and exports them as JSON), checked against the
//! current content and rendered for a ticket or an audit file.
//!
//! The JSON format is documented by its JSON Schema (`runbook schema run-record`) and in
//! docs/run-mode.md. The Markdown of [`markdown`] is byte for byte what the site's "Copy as
//! Markdown" writes (`runMarkdown` in `templates/site.js`); a browser test holds the two together.

pub mod check;

use std::collections::BTreeMap;
use std::ops::Range;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::markup;
use crate::model::Procedure;
use crate::ui::UiKey;
use crate::view::{Destination, LocaleView, ProcedureView};

/// The version of the run record format this runbook reads and the site writes.
pub const FORMAT_VERSION: u32 = 1;

/// One run of a procedure: its record fields and the path taken through its steps.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RunRecord {
    /// The format's version: 1.
    #[schemars(range(min = 1, max = 1))]
    pub runbook_run: u32,
    /// The run's id, made by the page that began it.
    pub id: String,
    /// The procedure's content path (`escalate-problems-to-microsoft`).
    pub procedure: String,
    /// The procedure's title in the run's language, as the page showed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The language the run was last worked in (a locale of the project).
    pub locale: String,
    /// The procedure's content fingerprint when the run began.
    pub version: String,
    /// Each step's content fingerprint when the run began, by step id.
    #[serde(default)]
    pub step_versions: BTreeMap<String, String>,
    /// The record fields (`[output.runbook] record-fields`) as filled in, by key.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// When the run began: RFC 3339 with the reader's offset (`2026-12-02T14:00:00+09:00`).
    pub started: String,
    /// When the run was finished, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<String>,
    /// The steps done, in order; a step done twice (a loop) appears twice.
    #[serde(default)]
    pub path: Vec<PathEntry>,
}

/// One step done in a run.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathEntry {
    /// The step's id.
    pub step: String,
    /// When it was ticked done (RFC 3339).
    pub at: String,
    /// A decision's answer: the 0-based index of the branch taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<usize>,
    /// An escalation's categories ticked, by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// An escalation's support request number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// The reader's note on the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A run record that cannot be read: where (a JSON pointer and a byte range of the text) and why.
#[derive(Debug, PartialEq, Eq)]
pub struct ReadError {
    /// JSON pointer to the value at fault (`/path/2/step`); empty for the whole document.
    pub pointer: String,
    /// Byte range in the text.
    pub range: Range<usize>,
    /// What is wrong.
    pub message: String,
}

/// Reads a run record from JSON text: strict JSON, then the record's shape (unknown keys
/// refused), each error with the pointer and place of the value at fault.
///
/// # Errors
/// The first problem found.
pub fn read(text: &str) -> Result<RunRecord, ReadError> {
    // The version first, so a record of a later format is named as such rather than refused
    // for the keys it adds.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|error| {
        let offset = crate::source::json_error_offset(text, error.line(), error.column());
        ReadError {
            pointer: String::new(),
            range: offset..offset,
            message: strip_position(&error.to_string()),
        }
    })?;
    if let Some(version) = value.get("runbook-run").and_then(serde_json::Value::as_u64)
        && version != u64::from(FORMAT_VERSION)
    {
        return Err(ReadError {
            pointer: "/runbook-run".to_string(),
            range: locate(text, "/runbook-run").unwrap_or(0..0),
            message: format!(
                "this is a version {version} run record; this runbook reads version {FORMAT_VERSION}"
            ),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let record: RunRecord =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let pointer = pointer_of(error.path());
            let inner = error.inner();
            let offset = crate::source::json_error_offset(text, inner.line(), inner.column());
            let message = strip_position(&inner.to_string());
            ReadError {
                range: if inner.is_syntax() || inner.is_eof() || pointer.is_empty() {
                    offset..offset
                } else {
                    locate(text, &pointer).unwrap_or(offset..offset)
                },
                pointer,
                message,
            }
        })?;
    if record.runbook_run != FORMAT_VERSION {
        return Err(ReadError {
            pointer: "/runbook-run".to_string(),
            range: locate(text, "/runbook-run").unwrap_or(0..0),
            message: format!(
                "this is a version {} run record; this runbook reads version {FORMAT_VERSION}",
                record.runbook_run
            ),
        });
    }
    Ok(record)
}

/// The JSON pointer of a serde path (`path.2.step` → `/path/2/step`).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => pointer.push('?'),
        }
    }
    // The path ends at the value being read; `?` marks a part serde could not name.
    pointer.trim_end_matches("/?").to_string()
}

/// serde_json appends " at line L column C" to its messages; the diagnostic shows the place.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// The byte range of the value a JSON pointer names in `text`, or of the closest enclosing value
/// that exists (a missing key points at its object).
pub fn locate(text: &str, pointer: &str) -> Option<Range<usize>> {
    use jsonc_parser::ast::Value;
    let options = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        ..Default::default()
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &jsonc_parser::CollectOptions::default(), &options)
            .ok()?;
    let mut value = parsed.value?;
    let range_of = |value: &Value<'_>| {
        let range = match value {
            Value::StringLit(v) => v.range,
            Value::NumberLit(v) => v.range,
            Value::BooleanLit(v) => v.range,
            Value::Object(v) => v.range,
            Value::Array(v) => v.range,
            Value::NullKeyword(v) => v.range,
        };
        range.start..range.end
    };
    for token in pointer.split('/').skip(1) {
        let key = token.replace("~1", "/").replace("~0", "~");
        let next = match value {
            Value::Object(ref mut object) => object
                .properties
                .iter()
                .position(|p| p.name.as_str() == key)
                .map(|i| object.properties.swap_remove(i).value),
            Value::Array(ref mut array) => key
                .parse::<usize>()
                .ok()
                .filter(|&i| i < array.elements.len())
                .map(|i| array.elements.swap_remove(i)),
            _ => None,
        };
        match next {
            Some(next) => value = next,
            None => return Some(range_of(&value)),
        }
    }
    Some(range_of(&value))
}

/// A run record as Markdown for a ticket, in the locale of `view`: title, record fields, times,
/// the procedure's version, and the path taken with answers, categories, request numbers and
/// notes. The same text as the site's "Copy as Markdown".
pub fn markdown(record: &RunRecord, view: &LocaleView<'_>, procedure: &Procedure) -> String {
    use std::fmt::Write as _;
    let ui = &view.ui;
    let shown = view.procedure(procedure);
    let mut md = String::new();
    let title = markup::plain_text(shown.title.markdown);
    let _ = writeln!(
        md,
        "# {}\n",
        ui.fill(UiKey::RunRecordTitle, &[("title", &escape(&title))])
    );
    for (label, value, configured) in field_values(record, view) {
        if !value.trim().is_empty() {
            // The project's labels are its own words; a key only the record knows is typed text.
            let label = if configured { label } else { escape(&label) };
            let _ = writeln!(md, "- {label}: {}", escape(value));
        }
    }
    let _ = writeln!(
        md,
        "- {}: {}",
        ui.get(UiKey::RunStarted),
        date_time(&record.started)
    );
    if let Some(finished) = &record.finished {
        let _ = writeln!(
            md,
            "- {}: {}",
            ui.get(UiKey::RunFinished),
            date_time(finished)
        );
        if let Some(minutes) = elapsed_minutes(&record.started, finished) {
            let _ = writeln!(
                md,
                "- {}: {}",
                ui.get(UiKey::RunElapsed),
                ui.fill(UiKey::RunMinutes, &[("n", &minutes.to_string())])
            );
        }
    }
    let _ = writeln!(md, "- {}: {}", ui.get(UiKey::Version), record.version);
    let _ = writeln!(md, "\n## {}\n", ui.get(UiKey::RunPath));
    for (index, entry) in record.path.iter().enumerate() {
        let Some(step) = procedure
            .step_index(&entry.step)
            .and_then(|i| shown.steps.get(i))
        else {
            continue;
        };
        let _ = writeln!(
            md,
            "{}. ✓ {} {}. {} ({})",
            index + 1,
            ui.get(UiKey::Step),
            step.number,
            escape(&markup::plain_text(step.title.markdown)),
            time_of(&entry.at)
        );
        if let Some(branch) = entry.answer.and_then(|a| step.branches.get(a)) {
            let label = escape(&markup::plain_text(branch.label.markdown));
            let _ = writeln!(
                md,
                "   - {}",
                ui.fill(UiKey::RunAnswer, &[("answer", &label)])
            );
        }
        if !entry.categories.is_empty() {
            let titles: Vec<String> = entry
                .categories
                .iter()
                .map(|id| {
                    let title = view.site.category(id).map_or_else(
                        || id.clone(),
                        |c| markup::plain_text(view.text(&c.title).markdown),
                    );
                    escape(&title)
                })
                .collect();
            let _ = writeln!(
                md,
                "   - {}: {}",
                ui.get(UiKey::RunCategories),
                titles.join(ui.get(UiKey::ListSeparator))
            );
        }
        if let Some(request) = entry.request.as_deref().filter(|r| !r.trim().is_empty()) {
            let _ = writeln!(
                md,
                "   - {}: {}",
                ui.get(UiKey::RunRequest),
                escape(request)
            );
        }
        if let Some(note) = entry.note.as_deref() {
            let lines: Vec<String> = note
                .split('\n')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(escape)
                .collect();
            if !lines.is_empty() {
                let _ = writeln!(
                    md,
                    "   - {}: {}",
                    ui.get(UiKey::RunNote),
                    lines.join("\n     ")
                );
            }
        }
    }
    md
}

/// The record's fields as (label in the view's locale, value, whether the project configures
/// it): the project's record fields in their order, then any other field the record holds, by
/// key.
pub fn field_values<'r>(
    record: &'r RunRecord,
    view: &'r LocaleView<'_>,
) -> Vec<(String, &'r str, bool)> {
    let configured = &view.config.record_fields;
    let known = configured.iter().filter_map(|key| {
        record.fields.get(key).map(|value| {
            (
                view.record_field_label(key).to_string(),
                value.as_str(),
                true,
            )
        })
    });
    let others = record
        .fields
        .iter()
        .filter(|(key, _)| !configured.contains(key))
        .map(|(key, value)| (key.clone(), value.as_str(), false));
    known.chain(others).collect()
}

/// Text typed by a reader or taken from content, made literal in a Markdown line: line breaks
/// folded into spaces, a backslash before each character that could start inline markup
/// (`` \ ` * _ [ ] < > ~ & | ``), and before a first character that could start a block (`#`,
/// `+`, `-`, `=`, or the `.`/`)` of a leading number), so a note's line cannot become a heading
/// or a list. `site.js` escapes alike.
pub fn escape(text: &str) -> String {
    static LINE_BREAK: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\s*\n\s*").ok());
    let folded = match LINE_BREAK.as_ref() {
        Some(re) => re.replace_all(text, " "),
        None => text.into(),
    };
    let folded = folded.trim();
    let mut escaped = String::with_capacity(folded.len() + 2);
    let digits = folded.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in folded.chars().enumerate() {
        let block_start = (i == 0 && matches!(c, '#' | '+' | '-' | '='))
            || (i == digits && digits > 0 && matches!(c, '.' | ')'));
        if block_start
            || matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '&' | '|'
            )
        {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// `2026-12-02T14:05:09+09:00` → `2026-12-02 14:05`: the time as the reader's clock showed it.
pub fn date_time(at: &str) -> String {
    format!("{} {}", at.get(..10).unwrap_or(at), time_of(at))
}

/// `2026-12-02T14:05:09+09:00` → `14:05`.
pub fn time_of(at: &str) -> &str {
    at.get(11..16).unwrap_or("")
}

/// Whole minutes from `started` to `finished`, rounded to the nearest (half up).
pub fn elapsed_minutes(started: &str, finished: &str) -> Option<i64> {
    let start = parse_time(started)?;
    let end = parse_time(finished)?;
    let seconds = (end - start).whole_seconds();
    Some((seconds + 30).div_euclid(60))
}

/// An RFC 3339 time.
pub fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Where the step at `index` leads when answered `answer` (a decision) or done: the index of
/// the next step, or `None` where the run ends (the procedure's end, another procedure, or an
/// answer that does not exist).
pub fn next_step(shown: &ProcedureView<'_>, index: usize, answer: Option<usize>) -> Option<usize> {
    let step = shown.steps.get(index)?;
    let to = if step.branches.is_empty() {
        match &step.then {
            Some(to) => to,
            None => return (index + 1 < shown.steps.len()).then_some(index + 1),
        }
    } else {
        &step.branches.get(answer?)?.to
    };
    match to {
        Destination::Step { number, .. } => Some(number - 1),
        Destination::Procedure { .. } | Destination::End => None,
    }
}

/// Where a run stands after its path, followed without checking it: the index of the step due
/// next, or `None` once it has ended. (`check` says whether the path follows the flow.)
pub fn due_step(
    record: &RunRecord,
    procedure: &Procedure,
    shown: &ProcedureView<'_>,
) -> Option<usize> {
    let mut due = Some(0);
    for entry in &record.path {
        due = procedure
            .step_index(&entry.step)
            .and_then(|index| next_step(shown, index, entry.answer));
    }
    due
}

/// The run as the printed checklist shows it filled in: field values (every configured field,
/// empty ones too, then the record's others), per step its times, answers, categories, request
/// numbers and notes, the steps skipped (off the path before where the run stands, or every step
/// off the path once it has ended), the version it followed, and a line saying when the
/// procedure has changed since.
pub fn filled(
    record: &RunRecord,
    view: &LocaleView<'_>,
    procedure: &Procedure,
    current_version: &str,
) -> crate::render::print::Filled {
    use crate::render::print::{Filled, StepDone};
    let ui = &view.ui;
    let configured = &view.config.record_fields;
    let fields = configured
        .iter()
        .map(|key| {
            let value = record
                .fields
                .get(key)
                .map_or_else(String::new, |v| fold_whitespace(v));
            (view.record_field_label(key).to_string(), value)
        })
        .chain(
            record
                .fields
                .iter()
                .filter(|(key, _)| !configured.contains(key))
                .map(|(key, value)| (key.clone(), fold_whitespace(value))),
        )
        .collect();
    let mut steps: BTreeMap<String, StepDone> = BTreeMap::new();
    for entry in &record.path {
        let done = steps.entry(entry.step.clone()).or_default();
        done.times.push(time_of(&entry.at).to_string());
        done.answers.extend(entry.answer);
        done.categories.extend(entry.categories.iter().cloned());
        done.requests.extend(
            entry
                .request
                .iter()
                .map(|r| fold_whitespace(r))
                .filter(|r| !r.is_empty()),
        );
        done.notes.extend(
            entry
                .note
                .iter()
                .map(|n| fold_whitespace(n))
                .filter(|n| !n.is_empty()),
        );
    }
    let shown = view.procedure(procedure);
    let due = if record.finished.is_some() {
        None
    } else {
        due_step(record, procedure, &shown)
    };
    let skipped = procedure
        .steps
        .iter()
        .enumerate()
        .filter(|(index, step)| {
            !steps.contains_key(&step.id.value) && due.is_none_or(|due| *index < due)
        })
        .map(|(_, step)| step.id.value.clone())
        .collect();
    let mut times = format!(
        "{}: {}",
        ui.get(UiKey::RunStarted),
        date_time(&record.started)
    );
    if let Some(finished) = &record.finished {
        times.push_str(&format!(
            " · {}: {}",
            ui.get(UiKey::RunFinished),
            date_time(finished)
        ));
        if let Some(minutes) = elapsed_minutes(&record.started, finished) {
            times.push_str(&format!(
                " · {}: {}",
                ui.get(UiKey::RunElapsed),
                ui.fill(UiKey::RunMinutes, &[("n", &minutes.to_string())])
            ));
        }
    }
    let changed = (record.version != current_version).then(|| {
        let names: Vec<String> = procedure
            .steps
            .iter()
            .enumerate()
            .filter(|(index, step)| {
                record
                    .step_versions
                    .get(&step.id.value)
                    .is_some_and(|v| *v != crate::fingerprint::of_step(procedure, *index))
            })
            .map(|(index, step)| {
                format!(
                    "{} {}. {}",
                    ui.get(UiKey::Step),
                    index + 1,
                    markup::plain_text(view.text(&step.title).markdown)
                )
            })
            .collect();
        if names.is_empty() {
            ui.get(UiKey::RunChangedElsewhere).to_string()
        } else {
            ui.fill(
                UiKey::RunChanged,
                &[("steps", &names.join(ui.get(UiKey::ListSeparator)))],
            )
        }
    });
    Filled {
        fields,
        steps,
        skipped,
        times,
        version: record.version.clone(),
        changed,
    }
}

/// Typed text on one line: whitespace runs folded into one space (the printed sheet escapes for
/// its own format).
fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_text_and_neutralises_markdown() {
        assert_eq!(
            escape("Contoso *Ltd* [x](y) <b>"),
            r"Contoso \*Ltd\* \[x\](y) \<b\>"
        );
        assert_eq!(escape("  a\n  b\r\n\tc  "), "a b c");
        assert_eq!(escape("two  spaces_kept"), r"two  spaces\_kept");
        assert_eq!(escape(r"C:\temp"), r"C:\\temp");
        // Nothing can start a block: a note's line stays a line of the list item.
        assert_eq!(escape("# not a heading"), r"\# not a heading");
        assert_eq!(escape("- not a list"), r"\- not a list");
        assert_eq!(escape("12) not a list"), r"12\) not a list");
        assert_eq!(escape("1.5 hours"), r"1\.5 hours");
        assert_eq!(escape("a & b | c ~d~ - e"), r"a \& b \| c \~d\~ - e");
        assert_eq!(
            escape("日本語の # は行頭でなければそのまま"),
            "日本語の # は行頭でなければそのまま"
        );
    }

    #[test]
    fn times_are_read_as_written_and_elapsed_minutes_round_half_up() {
        assert_eq!(date_time("2026-12-02T14:05:09+09:00"), "2026-12-02 14:05");
        assert_eq!(time_of("2026-12-02T14:05:09+09:00"), "14:05");
        assert_eq!(
            elapsed_minutes("2026-12-02T14:00:00+09:00", "2026-12-02T14:47:30+09:00"),
            Some(48)
        );
        assert_eq!(
            elapsed_minutes("2026-12-02T14:00:00+09:00", "2026-12-02T14:47:29+09:00"),
            Some(47)
        );
        // Offsets count: the same instant written in two zones is no time at all.
        assert_eq!(
            elapsed_minutes("2026-12-02T14:00:00+09:00", "2026-12-02T05:00:00Z"),
            Some(0)
        );
        assert_eq!(elapsed_minutes("14:00", "2026-12-02T05:00:00Z"), None);
    }

    #[test]
    fn pointers_locate_their_value_or_the_closest_parent() {
        let text = "{\n  \"a\": [1, {\"b/c\": \"x\"}],\n  \"d\": true\n}";
        let at = |p: &str| locate(text, p).map(|r| &text[r]);
        assert_eq!(at("/a/0"), Some("1"));
        assert_eq!(at("/a/1/b~1c"), Some("\"x\""));
        assert_eq!(at("/d"), Some("true"));
        assert_eq!(at("/a/9"), Some("[1, {\"b/c\": \"x\"}]"));
        assert_eq!(at("/missing"), Some(text));
        assert_eq!(locate("{,", "/a"), None);
    }

    #[test]
    fn reading_refuses_what_the_format_does_not_allow() {
        let error = read("{\"runbook-run\": 1}").unwrap_err();
        assert!(error.message.contains("missing field `id`"), "{error:?}");
        let error = read("[]").unwrap_err();
        assert_eq!(error.pointer, "");
        let minimal = r#"{"runbook-run": 1, "id": "r", "procedure": "p", "locale": "en", "version": "v", "started": "s"}"#;
        assert!(read(minimal).is_ok());
        let error = read(&format!("{minimal} {{}}")).unwrap_err();
        assert!(error.message.contains("trailing"), "{error:?}");
        assert_eq!(error.range, minimal.len() + 1..minimal.len() + 1);
    }
}
