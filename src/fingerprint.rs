//! Fingerprints of content: short hashes that say which version of a text a translation was
//! confirmed against (`translations.lock`), and which version of a procedure, or of one of its
//! steps, a printed sheet or a run record was made from. Every fingerprint is a prefix of a
//! SHA-256 in hex, made here.
//!
//! A procedure's fingerprint is over its source file as written (what the printed footer and a
//! run record call its version). A step's is over what the step says and where it leads, in
//! every locale (where a plain step leads is the step after it, so moving or inserting a step
//! changes the fingerprint of the step before), and not over where it sits in the file, so editing
//! one step's words changes only that step's fingerprint.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::model::{LocalizedText, Procedure, Site, Target, Text};
use crate::source::SourceMap;

/// A short fingerprint of a text: 12 hex digits of its SHA-256.
pub fn of_text(text: &str) -> String {
    hex_prefix(text.as_bytes(), 6)
}

/// A short fingerprint of named texts (files by path), in path order whatever order they come
/// in: 12 hex digits of their SHA-256.
pub fn of_files<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut files: Vec<(&str, &str)> = files.collect();
    files.sort_unstable();
    let mut hasher = Sha256::new();
    for (path, text) in files {
        for part in [path, text] {
            hasher.update(part.len().to_le_bytes());
            hasher.update(part.as_bytes());
        }
    }
    hex(&hasher.finalize(), 6)
}

/// The fingerprint of a translation's source text, as `translations.lock` records it: 16 hex
/// digits of its SHA-256 with runs of white space collapsed, so rewrapping a paragraph does not
/// make its translations stale.
pub fn of_source_text(text: &str) -> String {
    let mut normalized = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !normalized.is_empty() {
            normalized.push(' ');
        }
        normalized.push_str(word);
    }
    hex_prefix(normalized.as_bytes(), 8)
}

/// The SHA-256 of a file's bytes (an asset's).
pub fn of_bytes(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// A SHA-256 fed with length-prefixed parts, so that no two sequences of parts collide.
#[derive(Default)]
pub struct Hasher(Sha256);

impl Hasher {
    /// Adds one part.
    pub fn add(&mut self, part: impl AsRef<[u8]>) -> &mut Self {
        let part = part.as_ref();
        self.0.update((part.len() as u64).to_le_bytes());
        self.0.update(part);
        self
    }

    /// Adds a localized text: each locale's text, or the source text alone.
    pub fn text(&mut self, text: &LocalizedText) -> &mut Self {
        match &text.value {
            Text::Source(text) => self.add("source").add(text),
            Text::Localized(map) => {
                self.add("localized").add(map.len().to_le_bytes());
                for (locale, text) in map {
                    self.add(locale).add(&text.value);
                }
                self
            }
        }
    }

    /// The digest.
    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// The SHA-256 of every file of `sources`, by [`FileId::index`](crate::source::FileId::index),
/// computed on every core: what a unit's key holds of the files it reads.
pub fn of_sources(sources: &SourceMap) -> Vec<[u8; 32]> {
    use rayon::prelude::*;
    let files: Vec<&str> = sources.files().map(|file| file.text.as_str()).collect();
    files
        .par_iter()
        .map(|text| Sha256::digest(text.as_bytes()).into())
        .collect()
}

/// The fingerprint of the site's *outline*: what a page may show of other pages. Every
/// procedure's path, title, products and steps (ids, titles and where they lead, answers,
/// escalation categories), and every page's path, locales, front matter and title; also the
/// paths left out or unreadable. Not the texts a page alone shows (a procedure's introduction,
/// its steps' details, notes, warnings and what to submit, a Markdown page's body below its
/// title), so that editing them leaves the outline as it was.
pub fn outline(site: &Site, sources: &SourceMap) -> [u8; 32] {
    let mut hasher = Hasher::default();
    for procedure in &site.procedures {
        hasher
            .add("procedure")
            .add(&procedure.path)
            .text(&procedure.title);
        for product in &procedure.applies_to {
            hasher.add(&product.value);
        }
        hasher.add(procedure.introduction.is_some().to_string());
        for step in &procedure.steps {
            hasher.add("step").add(&step.id.value).text(&step.title);
            if let Some(next) = &step.next {
                hasher.add("next").add(target_name(&next.value));
            }
            for branch in step.decision.iter().flat_map(|d| &d.branches) {
                hasher
                    .add("branch")
                    .text(&branch.label)
                    .add(target_name(&branch.goto.value));
            }
            for category in step.escalation.iter().flat_map(|e| &e.categories) {
                hasher.add("category").add(&category.value);
            }
        }
    }
    for page in &site.pages {
        hasher.add("page").add(&page.path);
        for (locale, version) in &page.versions {
            let text = &sources.file(version.file).text;
            let front = text.get(..version.body_offset).unwrap_or(text);
            hasher
                .add(locale)
                .add(front)
                .add(version.heading.as_deref().unwrap_or("\0"));
        }
    }
    for path in site.skipped.iter().chain(&site.unreadable) {
        hasher.add("left out").add(path);
    }
    hasher.finish()
}

/// A step target as written.
fn target_name(target: &Target) -> &str {
    match target {
        Target::Step(id) => id,
        Target::Procedure(link) => link,
        Target::End => "end",
    }
}

/// The first `bytes` bytes of the SHA-256 of `data`, in lower-case hex.
fn hex_prefix(data: &[u8], bytes: usize) -> String {
    hex(&Sha256::digest(data), bytes)
}

/// The first `bytes` bytes of `digest`, in lower-case hex.
fn hex(digest: &[u8], bytes: usize) -> String {
    digest
        .iter()
        .take(bytes)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The fingerprint of the step at `index` of `procedure`: its id, its texts in every locale, its
/// decision's answers and where they lead, its escalation's categories, and where it leads
/// (its `next`, else the following step's id, else the end).
pub fn of_step(procedure: &Procedure, index: usize) -> String {
    let Some(step) = procedure.steps.get(index) else {
        return String::new();
    };
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
        "next": match &step.next {
            Some(next) => target(&next.value),
            None if step.decision.is_some() => String::new(),
            None => procedure
                .steps
                .get(index + 1)
                .map_or_else(|| "end".to_string(), |s| s.id.value.clone()),
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_white_space_only() {
        assert_eq!(of_source_text("a  b\nc"), of_source_text("a b c "));
        assert_ne!(of_source_text("a b c"), of_source_text("a b d"));
        assert_eq!(of_source_text("x").len(), 16);
    }
    use crate::source::SourceMap;

    fn procedure(yaml: &str) -> Procedure {
        let file: crate::model::ProcedureFile = serde_saphyr::from_str(yaml).unwrap();
        let mut sources = SourceMap::new();
        let id = sources.add("p.yaml", yaml);
        Procedure::new(
            "p".into(),
            id,
            file.title,
            file.applies_to,
            file.introduction,
            file.steps,
        )
    }

    #[test]
    fn a_step_changes_with_its_words_and_where_it_leads_only() {
        let base = procedure(
            "title: T\nsteps:\n  - id: a\n    title: A\n  - id: b\n    title: B\n  - id: c\n    title: C\n",
        );
        let prints = |p: &Procedure| {
            (0..p.steps.len())
                .map(|i| of_step(p, i))
                .collect::<Vec<_>>()
        };
        let before = prints(&base);
        // Moved down the file (a comment above): nothing changes.
        let moved = procedure(
            "# a comment\ntitle: T\nsteps:\n  - id: a\n    title: A\n  - id: b\n    title: B\n  - id: c\n    title: C\n",
        );
        assert_eq!(prints(&moved), before);
        // One step's words: that step only.
        let edited = procedure(
            "title: T\nsteps:\n  - id: a\n    title: A\n  - id: b\n    title: B, edited\n  - id: c\n    title: C\n",
        );
        let after = prints(&edited);
        assert_eq!(
            (
                after[0] == before[0],
                after[1] == before[1],
                after[2] == before[2]
            ),
            (true, false, true)
        );
        // A step inserted after `a`: `a` now leads elsewhere.
        let inserted = procedure(
            "title: T\nsteps:\n  - id: a\n    title: A\n  - id: new\n    title: Inserted\n  - id: b\n    title: B\n  - id: c\n    title: C\n",
        );
        let after = prints(&inserted);
        assert_ne!(after[0], before[0]);
        assert_eq!(
            (after[2].as_str(), after[3].as_str()),
            (before[1].as_str(), before[2].as_str())
        );
    }
}
