//! The baseline of known findings (`runbook-baseline.json`): what `check --write-baseline`
//! records so that a project with many existing problems can adopt runbook, tolerate those, and
//! still fail on every new one.
//!
//! An entry is a finding's code, file, and a fingerprint of its message and of the source text
//! it points at: no line or column, so an edit above a finding, reordered files or a renamed
//! unrelated file leave it matched. Entries are sorted and written one field a line, so a
//! baseline's diff shows exactly which findings came and went. Only findings of codes that can
//! be lowered ([`crate::lints::is_lowerable`]) are recorded: safety problems must be fixed.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap, Span};

/// The baseline's file name beside `book.toml`, unless `[output.runbook] baseline` names another.
pub const DEFAULT_FILE: &str = "runbook-baseline.json";

/// The format version this runbook reads and writes.
pub const VERSION: u32 = 1;

/// Known findings, tolerated by `check` and `build`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The format version: 1.
    pub version: u32,
    /// One entry per distinct finding, sorted by file, code and fingerprint.
    pub findings: Vec<Entry>,
}

/// One known finding (or several identical ones in one file).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file, relative to the project root, `/`-separated; null for a finding without one.
    pub file: Option<String>,
    /// The diagnostic code (`broken-link`).
    pub code: String,
    /// 16 hex digits of the SHA-256 of the code, the message and the source text of the finding.
    pub fingerprint: String,
    /// The message when it was recorded, for people: matching uses the fingerprint only.
    pub message: String,
    /// How many identical findings the file has (1 when left out).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// What identifies a finding across edits.
type Key = (Option<String>, String, String);

/// The key of a diagnostic: its file, code, and the fingerprint of its message and source text.
fn key(diagnostic: &Diagnostic, sources: &SourceMap) -> Key {
    let (file, text) = match &diagnostic.span {
        Some(span) => {
            let file = sources.file(span.file);
            let text = file
                .text
                .get(span.range.start..span.range.end.max(span.range.start))
                .unwrap_or("");
            (Some(file.path.clone()), text)
        }
        None => (None, ""),
    };
    let fingerprint = crate::fingerprint::of_source_text(&format!(
        "{}\u{0}{}\u{0}{}",
        diagnostic.code, diagnostic.message, text
    ));
    (file, diagnostic.code.to_string(), fingerprint)
}

/// Whether a diagnostic may be recorded in (and tolerated by) a baseline: an error or warning of
/// a code that can be lowered.
pub fn is_recordable(diagnostic: &Diagnostic) -> bool {
    diagnostic.severity != Severity::Note && crate::lints::is_lowerable(diagnostic.code)
}

impl Baseline {
    /// The baseline of `diagnostics`: every error and warning of a code that can be lowered.
    pub fn of(diagnostics: &[Diagnostic], sources: &SourceMap) -> Self {
        let mut counted: BTreeMap<Key, (String, u32)> = BTreeMap::new();
        for diagnostic in diagnostics.iter().filter(|d| is_recordable(d)) {
            let entry = counted
                .entry(key(diagnostic, sources))
                .or_insert_with(|| (diagnostic.message.clone(), 0));
            entry.1 += 1;
        }
        let mut findings: Vec<Entry> = counted
            .into_iter()
            .map(|((file, code, fingerprint), (message, count))| Entry {
                file,
                code,
                fingerprint,
                message,
                count,
            })
            .collect();
        findings.sort();
        Self {
            version: VERSION,
            findings,
        }
    }

    /// The file's text: pretty JSON with a final line break.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a baseline from `text`, the file `file` of `sources`.
    ///
    /// # Errors
    /// An `invalid-baseline` diagnostic at the place that does not parse, or at the version
    /// when it is not [`VERSION`].
    pub fn parse(text: &str, file: FileId) -> Result<Self, Diagnostic> {
        let rewrite = "write it again with `runbook check --write-baseline` (it records every current finding)";
        let baseline: Self = serde_json::from_str(text).map_err(|error| {
            let offset = crate::source::json_error_offset(text, error.line(), error.column());
            Diagnostic::error(
                "invalid-baseline",
                format!("the baseline cannot be read: {error}"),
            )
            .at(Span::new(file, offset..offset))
            .help(format!("fix the JSON, or {rewrite}"))
        })?;
        if baseline.version != VERSION {
            let at = text.find("\"version\"").unwrap_or(0);
            return Err(Diagnostic::error(
                "invalid-baseline",
                format!(
                    "the baseline is of format version {}, and this runbook reads version {VERSION}",
                    baseline.version
                ),
            )
            .at(Span::new(file, at..at + "\"version\"".len().min(text.len() - at)))
            .help(rewrite.to_string()));
        }
        Ok(baseline)
    }

    /// Takes the findings this baseline records out of `diagnostics`, and adds a
    /// `baseline-fixed` note for each entry that matches nothing any more.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>, sources: &SourceMap) -> Applied {
        let mut left: BTreeMap<Key, u32> = self
            .findings
            .iter()
            .map(|e| {
                (
                    (e.file.clone(), e.code.clone(), e.fingerprint.clone()),
                    e.count,
                )
            })
            .collect();
        let mut baselined = Vec::new();
        diagnostics.retain(|diagnostic| {
            if !is_recordable(diagnostic) {
                return true;
            }
            match left.get_mut(&key(diagnostic, sources)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    baselined.push(diagnostic.clone());
                    false
                }
                _ => true,
            }
        });
        let mut fixed = 0;
        for entry in &self.findings {
            let key = (
                entry.file.clone(),
                entry.code.clone(),
                entry.fingerprint.clone(),
            );
            let unmatched = left.get(&key).copied().unwrap_or(0);
            if unmatched == 0 {
                continue;
            }
            fixed += unmatched as usize;
            let place = entry.file.as_deref().unwrap_or("the project");
            diagnostics.push(
                Diagnostic::note(
                    "baseline-fixed",
                    format!(
                        "fixed: the baseline's `{}` in {place} ({}) is found no more",
                        entry.code, entry.message
                    ),
                )
                .help("shrink the baseline with `runbook check --write-baseline`"),
            );
        }
        Applied { baselined, fixed }
    }
}

/// What applying a baseline did.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// The findings the baseline tolerated, as they were reported.
    pub baselined: Vec<Diagnostic>,
    /// How many recorded findings were not found.
    pub fixed: usize,
}

/// `643 known problems in the baseline; `--show-baselined` lists them`, or nothing.
pub fn known_line(baselined: usize) -> Option<String> {
    match baselined {
        0 => None,
        1 => Some("1 known problem in the baseline; `--show-baselined` lists it".to_string()),
        n => Some(format!(
            "{n} known problems in the baseline; `--show-baselined` lists them"
        )),
    }
}

/// The baselined findings' counts per code, most first, as a Markdown table.
pub fn counts_table(baselined: &[Diagnostic]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for diagnostic in baselined {
        *counts.entry(diagnostic.code).or_default() += 1;
    }
    let mut rows: Vec<(&str, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out = String::from("| known | code |\n| ---: | --- |\n");
    for (code, n) in rows {
        out.push_str(&format!("| {n} | `{code}` |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_id(sources: &mut SourceMap, text: &str) -> FileId {
        sources.add("runbook-baseline.json", text)
    }

    fn finding(sources: &mut SourceMap, path: &str, text: &str, at: &str) -> Diagnostic {
        let file = sources.add(path, text);
        let start = text.find(at).unwrap();
        Diagnostic::error("broken-link", format!("no page `{at}` in content/"))
            .at(Span::new(file, start..start + at.len()))
    }

    #[test]
    fn entries_survive_edits_above_and_match_once_each() {
        let mut before = SourceMap::new();
        let old = vec![
            finding(
                &mut before,
                "content/a.md",
                "# A\n\n[x](gone.md)\n",
                "gone.md",
            ),
            finding(&mut before, "content/b.md", "[y](lost.md)\n", "lost.md"),
        ];
        let baseline = Baseline::of(&old, &before);
        assert_eq!(baseline.findings.len(), 2);
        let text = baseline.to_json();
        assert!(!text.contains("line"), "{text}");
        // Lines added above the finding, and the files read in another order.
        let mut after = SourceMap::new();
        let mut now = vec![
            finding(&mut after, "content/b.md", "[y](lost.md)\n", "lost.md"),
            finding(
                &mut after,
                "content/a.md",
                "# A\n\nNew text.\n\nMore.\n\n[x](gone.md)\n",
                "gone.md",
            ),
            finding(&mut after, "content/c.md", "[z](new.md)\n", "new.md"),
        ];
        let parsed = Baseline::parse(&text, file_id(&mut after, &text)).unwrap();
        let applied = parsed.apply(&mut now, &after);
        assert_eq!(applied.baselined.len(), 2);
        assert_eq!(now.len(), 1);
        assert!(now[0].message.contains("new.md"));
    }

    #[test]
    fn unmatched_entries_become_notes() {
        let mut sources = SourceMap::new();
        let old = vec![finding(
            &mut sources,
            "content/a.md",
            "[x](gone.md)\n",
            "gone.md",
        )];
        let baseline = Baseline::of(&old, &sources);
        let mut now = Vec::new();
        let applied = baseline.apply(&mut now, &sources);
        assert_eq!(applied.fixed, 1);
        assert_eq!(now[0].code, "baseline-fixed");
        assert_eq!(now[0].severity, Severity::Note);
    }

    #[test]
    fn safety_findings_are_never_recorded() {
        let sources = SourceMap::new();
        let diagnostics = vec![
            Diagnostic::error("unsafe-html", "`<script>`"),
            Diagnostic::error("unknown-step", "no step"),
            Diagnostic::note("skipped-file", "left out"),
        ];
        assert!(Baseline::of(&diagnostics, &sources).findings.is_empty());
    }

    #[test]
    fn other_versions_and_bad_json_are_errors() {
        let mut sources = SourceMap::new();
        let file = sources.add(
            "runbook-baseline.json",
            "{\"version\": 9, \"findings\": []}",
        );
        let error = Baseline::parse("{\"version\": 9, \"findings\": []}", file).unwrap_err();
        assert!(error.message.contains("version 9"), "{error:?}");
        let error = Baseline::parse("{\"version\": 1, \"findings\": [}", file).unwrap_err();
        assert_eq!(error.code, "invalid-baseline");
    }
}
