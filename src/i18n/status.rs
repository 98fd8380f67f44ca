//! Translation status: each segment's state in each locale, counted per file and per locale.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::config::{Config, Fallback};
use crate::i18n::segments::{Origin, Segment};
use crate::model::lock::Lock;

/// The state of one segment in one locale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Translated, and confirmed against the current source text (or not tracked: no lock file).
    Translated,
    /// Translated from a source text that has changed since.
    Stale,
    /// Translated, but never confirmed: the lock file has no fingerprint for it.
    Unconfirmed,
    /// Not translated.
    Missing,
}

impl State {
    /// Whether the translation needs a translator's attention before it is trusted.
    pub fn needs_review(self) -> bool {
        matches!(self, State::Stale | State::Unconfirmed)
    }
}

/// The state of `segment` in `locale`. Without a lock file staleness is not tracked, and every
/// written translation counts as translated.
pub fn state(segment: &Segment<'_>, locale: &str, lock: Option<&Lock>) -> State {
    if segment.translation(locale).is_none() {
        return State::Missing;
    }
    let Some(lock) = lock else {
        return State::Translated;
    };
    match lock.get(locale, &segment.id) {
        Some(recorded) if recorded == crate::fingerprint::of_source_text(&segment.source.text) => {
            State::Translated
        }
        Some(_) => State::Stale,
        None => State::Unconfirmed,
    }
}

/// Segment counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Segments in the source locale.
    pub segments: usize,
    /// Translated and current.
    pub translated: usize,
    /// Translated from an older source text, or never confirmed.
    pub stale: usize,
    /// Not translated.
    pub missing: usize,
    /// Missing segments the build shows in the source locale (all of them under
    /// `fallback = "source"`, none under `"error"`, which refuses to build).
    pub fallback: usize,
}

impl Counts {
    fn add(&mut self, state: State, fallback: bool) {
        self.segments += 1;
        match state {
            State::Translated => self.translated += 1,
            State::Stale | State::Unconfirmed => self.stale += 1,
            State::Missing => {
                self.missing += 1;
                if fallback {
                    self.fallback += 1;
                }
            }
        }
    }

    /// Translated segments as a percentage of all, rounded down to a tenth (so 99.96 is not
    /// shown as 100).
    pub fn percent(&self) -> f64 {
        if self.segments == 0 {
            return 100.0;
        }
        ((self.translated * 1000 / self.segments) as f64) / 10.0
    }
}

/// One file's counts.
#[derive(Clone, Debug, Serialize)]
pub struct FileStatus {
    /// The source file, relative to `content/`.
    pub file: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: Counts,
}

/// One locale's counts.
#[derive(Clone, Debug, Serialize)]
pub struct LocaleStatus {
    /// The locale.
    pub locale: String,
    /// Translated percentage of all segments.
    pub percent: f64,
    /// Counts over every file.
    pub total: Counts,
    /// Counts per file, in file order.
    pub files: Vec<FileStatus>,
}

/// The status of every translated locale.
#[derive(Clone, Debug, Serialize)]
pub struct StatusReport {
    /// The source locale.
    pub source: String,
    /// Whether staleness is tracked (a lock file exists).
    pub tracked: bool,
    /// One entry per locale other than the source.
    pub locales: Vec<LocaleStatus>,
}

/// The content file a segment id belongs to (`escalate.yaml:title` → `escalate.yaml`).
pub fn file_of(id: &str) -> &str {
    let end = id.find([':', '#']).unwrap_or(id.len());
    &id[..end]
}

/// Counts the states of `segments` in every locale (or only those in `only`, when not empty).
pub fn report(
    segments: &[Segment<'_>],
    config: &Config,
    lock: Option<&Lock>,
    only: &[String],
) -> StatusReport {
    let source = config.source_locale();
    let fallback = config.fallback == Fallback::Source;
    let locales = config
        .locales
        .iter()
        .filter(|locale| locale.as_str() != source)
        .filter(|locale| only.is_empty() || only.contains(locale))
        .map(|locale| {
            let mut files: Vec<FileStatus> = Vec::new();
            let mut total = Counts::default();
            for segment in segments {
                let state = state(segment, locale, lock);
                total.add(state, fallback);
                let file = file_of(&segment.id);
                match files.last_mut() {
                    Some(last) if last.file == file => last.counts.add(state, fallback),
                    _ => {
                        let mut counts = Counts::default();
                        counts.add(state, fallback);
                        files.push(FileStatus {
                            file: file.to_string(),
                            counts,
                        });
                    }
                }
            }
            files.sort_by(|a, b| a.file.cmp(&b.file));
            LocaleStatus {
                locale: locale.clone(),
                percent: total.percent(),
                total,
                files,
            }
        })
        .collect();
    StatusReport {
        source: source.to_string(),
        tracked: lock.is_some(),
        locales,
    }
}

impl StatusReport {
    /// Whether any locale has a missing or stale segment.
    pub fn incomplete(&self) -> bool {
        self.locales
            .iter()
            .any(|l| l.total.missing > 0 || l.total.stale > 0)
    }

    /// A Markdown table per locale, for a terminal or a weekly report.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        for (i, locale) in self.locales.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let t = &locale.total;
            let _ = writeln!(
                out,
                "## {} — {:.1}% translated ({} of {} segments from `{}`)\n",
                locale.locale, locale.percent, t.translated, t.segments, self.source
            );
            let mut rows: Vec<[String; 6]> = vec![[
                "File".into(),
                "Segments".into(),
                "Translated".into(),
                "Stale".into(),
                "Missing".into(),
                "Fallback".into(),
            ]];
            let row = |name: String, c: &Counts| {
                [
                    name,
                    c.segments.to_string(),
                    format!("{} ({:.1}%)", c.translated, c.percent()),
                    c.stale.to_string(),
                    c.missing.to_string(),
                    c.fallback.to_string(),
                ]
            };
            rows.extend(locale.files.iter().map(|f| row(f.file.clone(), &f.counts)));
            rows.push(row("**Total**".into(), t));
            let widths: Vec<usize> = (0..6)
                .map(|col| {
                    rows.iter()
                        .map(|r| r[col].chars().count())
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            for (n, cells) in rows.iter().enumerate() {
                let line: Vec<String> = cells
                    .iter()
                    .enumerate()
                    .map(|(col, cell)| {
                        let pad = widths[col] - cell.chars().count();
                        if col == 0 {
                            format!("{cell}{}", " ".repeat(pad))
                        } else {
                            format!("{}{cell}", " ".repeat(pad))
                        }
                    })
                    .collect();
                let _ = writeln!(out, "| {} |", line.join(" | "));
                if n == 0 {
                    let rule: Vec<String> = widths
                        .iter()
                        .enumerate()
                        .map(|(col, w)| {
                            let dashes = "-".repeat(w.saturating_sub(1));
                            if col == 0 {
                                format!(":{dashes}")
                            } else {
                                format!("{dashes}:")
                            }
                        })
                        .collect();
                    let _ = writeln!(out, "| {} |", rule.join(" | "));
                }
            }
        }
        if !self.tracked {
            let _ = writeln!(
                out,
                "\nStaleness is not tracked: there is no `translations.lock`. Run `runbook i18n confirm --locale LOCALE` to start."
            );
        }
        out
    }
}

/// What the renderers mark: translations needing review, by locale.
#[derive(Debug, Default)]
pub struct Marks {
    /// Localized YAML texts needing review, by locale, keyed by [`text_key`].
    stale_texts: BTreeMap<String, HashSet<usize>>,
    /// Content paths (procedures, pages) with a translation needing review, by locale.
    stale_paths: BTreeMap<String, HashSet<String>>,
    /// Missing segments shown in the source locale, by locale.
    pub fallbacks: BTreeMap<String, usize>,
    /// Segments whose translation needs review (marked in every output), by locale.
    pub stale: BTreeMap<String, usize>,
    /// The translated text of each page block needing review: (locale, page path, text).
    stale_blocks: Vec<(String, String, String)>,
}

/// A text with its runs of white space made one space, so that a block written over several
/// lines is found in a step title read onto one.
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The identity of a localized text in the loaded site: its address. The site is borrowed,
/// unchanged, for as long as the marks are used, so addresses are stable and unique.
pub fn text_key(text: &crate::model::Text) -> usize {
    std::ptr::from_ref(text) as usize
}

impl Marks {
    /// The marks of `segments`.
    pub fn new(segments: &[Segment<'_>], config: &Config, lock: Option<&Lock>) -> Self {
        let mut marks = Marks::default();
        let source = config.source_locale();
        for locale in config.locales.iter().filter(|l| l.as_str() != source) {
            let texts = marks.stale_texts.entry(locale.clone()).or_default();
            let paths = marks.stale_paths.entry(locale.clone()).or_default();
            let mut fallbacks = 0;
            let mut stale = 0;
            for segment in segments {
                let state = state(segment, locale, lock);
                if state == State::Missing {
                    fallbacks += 1;
                }
                if !state.needs_review() {
                    continue;
                }
                stale += 1;
                match segment.origin {
                    Origin::Field { text, .. } => {
                        texts.insert(text_key(&text.value));
                        let file = file_of(&segment.id);
                        paths.insert(file.strip_suffix(".yaml").unwrap_or(file).to_string());
                    }
                    Origin::Front { page, .. } => {
                        paths.insert(page.path.clone());
                    }
                    Origin::Block { page, .. } => {
                        paths.insert(page.path.clone());
                        if let Some(piece) = segment.translation(locale) {
                            marks.stale_blocks.push((
                                locale.clone(),
                                page.path.clone(),
                                piece.text.trim().to_string(),
                            ));
                        }
                    }
                }
            }
            if config.fallback == Fallback::Source {
                marks.fallbacks.insert(locale.clone(), fallbacks);
            }
            if stale > 0 {
                marks.stale.insert(locale.clone(), stale);
            }
        }
        marks
    }

    /// These marks, with the steps of page procedures marked where their text holds a page
    /// block needing review: a step is stale as the page's text it was read from.
    pub fn with_page_procedures(mut self, site: &crate::model::Site) -> Self {
        for (locale, path, block) in std::mem::take(&mut self.stale_blocks) {
            let block = squeezed(&block);
            if block.is_empty() {
                continue;
            }
            let texts = self.stale_texts.entry(locale.clone()).or_default();
            for procedure in site.procedures_of_page(&path) {
                for step in procedure.steps_in(&locale) {
                    let parts = std::iter::once(&step.title).chain(step.text.as_ref());
                    for part in parts {
                        let holds = part
                            .value
                            .get(&locale, "")
                            .is_some_and(|text| squeezed(text).contains(&block));
                        if holds {
                            texts.insert(text_key(&part.value));
                        }
                    }
                }
            }
        }
        self
    }

    /// Whether this localized text's translation into `locale` needs review.
    pub fn is_stale_text(&self, locale: &str, text: &crate::model::Text) -> bool {
        self.stale_texts
            .get(locale)
            .is_some_and(|set| set.contains(&text_key(text)))
    }

    /// Whether the content at `path` has a translation into `locale` needing review.
    pub fn is_stale_path(&self, locale: &str, path: &str) -> bool {
        self.stale_paths
            .get(locale)
            .is_some_and(|set| set.contains(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_down() {
        let counts = |translated, segments| Counts {
            segments,
            translated,
            ..Counts::default()
        };
        assert_eq!(counts(9999, 10000).percent(), 99.9);
        assert_eq!(counts(1, 3).percent(), 33.3);
        assert_eq!(counts(0, 0).percent(), 100.0);
    }

    #[test]
    fn the_table_is_aligned_markdown() {
        let counts = Counts {
            segments: 10,
            translated: 8,
            stale: 1,
            missing: 1,
            fallback: 1,
        };
        let report = StatusReport {
            source: "en".into(),
            tracked: true,
            locales: vec![LocaleStatus {
                locale: "ja".into(),
                percent: counts.percent(),
                total: counts,
                files: vec![FileStatus {
                    file: "a.yaml".into(),
                    counts,
                }],
            }],
        };
        let table = report.to_markdown();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0],
            "## ja — 80.0% translated (8 of 10 segments from `en`)"
        );
        assert_eq!(
            lines[2],
            "| File      | Segments | Translated | Stale | Missing | Fallback |"
        );
        assert_eq!(
            lines[3],
            "| :-------- | -------: | ---------: | ----: | ------: | -------: |"
        );
        assert_eq!(
            lines[4],
            "| a.yaml    |       10 |  8 (80.0%) |     1 |       1 |        1 |"
        );
        assert!(report.incomplete());
    }

    #[test]
    fn segment_ids_name_their_file() {
        assert_eq!(file_of("a.yaml:steps.x.title"), "a.yaml");
        assert_eq!(file_of("dir/p.md#where/2"), "dir/p.md");
    }
}
