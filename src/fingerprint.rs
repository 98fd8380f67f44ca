//! Fingerprints of content: short hashes that say which version of a procedure, or of one of its
//! steps, a printed sheet or a run record was made from.
//!
//! A procedure's fingerprint is over its source file as written (what the printed footer and a
//! run record call its version). A step's is over what the step says and where it leads, in
//! every locale, and not over where it sits in the file, so editing one step changes only that
//! step's fingerprint.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::model::{LocalizedText, Step, Target, Text};

/// A short fingerprint of a text: 12 hex digits of its SHA-256.
pub fn of_text(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The fingerprint of one step: its id, its texts in every locale, its decision's answers and
/// where they lead, its escalation's categories, and its `next`.
pub fn of_step(step: &Step) -> String {
    fn text(text: &LocalizedText) -> serde_json::Value {
        match &text.value {
            Text::Source(text) => json!(text),
            Text::Localized(map) => json!(
                map.iter()
                    .map(|(locale, text)| (locale.clone(), text.value.clone()))
                    .collect::<std::collections::BTreeMap<_, _>>()
            ),
        }
    }
    fn target(target: &Target) -> String {
        match target {
            Target::Step(id) => id.clone(),
            Target::Procedure(link) => link.clone(),
            Target::End => "end".to_string(),
        }
    }
    let content = json!({
        "id": step.id.value,
        "title": text(&step.title),
        "text": step.text.as_ref().map(text),
        "notes": step.notes.iter().map(text).collect::<Vec<_>>(),
        "warnings": step.warnings.iter().map(text).collect::<Vec<_>>(),
        "next": step.next.as_ref().map(|t| target(&t.value)),
        "branches": step.decision.iter().flat_map(|d| &d.branches).map(|b| json!({
            "label": text(&b.label),
            "goto": target(&b.goto.value),
        })).collect::<Vec<_>>(),
        "escalation": step.escalation.as_ref().map(|e| json!({
            "categories": e.categories.iter().map(|c| c.value.clone()).collect::<Vec<_>>(),
            "submit": e.submit.as_ref().map(text),
        })),
    });
    of_text(&content.to_string())
}
