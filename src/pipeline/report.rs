//! What a build did, and its one-paragraph summary.

use crate::render;

use std::path::PathBuf;
use std::time::Duration;

use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// The output directory written.
    pub out: PathBuf,
    /// Warnings (a successful build has no errors).
    pub warnings: Vec<Diagnostic>,
    /// How many findings the project's baseline tolerated.
    pub baselined: usize,
    /// The files the warnings point into.
    pub sources: SourceMap,
    /// HTML pages written per locale, in locale order.
    pub pages_per_locale: Vec<(String, usize)>,
    /// Segments shown in the source locale for want of a translation, per translated locale.
    pub fallbacks: Vec<(String, usize)>,
    /// Per locale, the translated segments marked as needing review (none are left out).
    pub needing_review: Vec<(String, usize)>,
    /// Files in the output in all.
    pub files: usize,
    /// Of those, files identical to the previous output and left as they were.
    pub unchanged: usize,
    /// Of those, copies of a content file (an image in another locale or book) linked to its
    /// first copy instead of stored again.
    pub shared: usize,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Each stage, in order: load and validate, render and write (into a staging directory),
    /// verify links, swap in.
    pub stages: Vec<Stage>,
    /// What the search indexes hold and cost.
    pub search: render::search::Stats,
    /// How many units were kept from the previous build and rendered.
    pub memo: render::memo::MemoStats,
}

impl BuildReport {
    /// The summary: pages per locale, files and time, then the search indexes' size and cost.
    pub fn summary(&self) -> String {
        let locales: Vec<String> = self
            .pages_per_locale
            .iter()
            .map(|(locale, n)| format!("{locale}: {n}"))
            .collect();
        let fallbacks = counts_per_locale(
            "; untranslated text shown in the source language",
            &self.fallbacks,
        );
        let review =
            counts_per_locale("; translations needing review marked", &self.needing_review);
        let unchanged = match (self.unchanged, self.memo.kept) {
            (0, _) => String::new(),
            (n, 0) => format!(" ({n} unchanged)"),
            (n, kept) => format!(
                " ({n} unchanged; {} of {} units rendered, the rest kept from the last build)",
                self.memo.rendered,
                self.memo.rendered + kept
            ),
        };
        let shared = match self.shared {
            0 => String::new(),
            n => format!(" ({n} of them linked to the first copy of their content file)"),
        };
        let indexes: Vec<String> = self
            .search
            .indexes
            .iter()
            .map(|index| {
                let size = match index.kept {
                    true => "unchanged".to_string(),
                    false => kib(index.bytes),
                };
                format!("{}: {size} in {} sections", index.locale, index.sections)
            })
            .collect();
        format!(
            "built {} pages per locale ({}), {} files{unchanged} in `{}`{shared}, in {:.2} s{fallbacks}{review}\n\
             search index {} ({}), indexing took {:.3} s of processor time",
            self.pages_per_locale.first().map_or(0, |(_, n)| *n),
            locales.join(", "),
            self.files,
            self.out.display(),
            self.elapsed.as_secs_f64(),
            match self.search.indexes.iter().all(|index| index.kept) {
                true => "unchanged".to_string(),
                false => kib(self.search.bytes()),
            },
            indexes.join(", "),
            self.search.time.as_secs_f64(),
        )
    }
}

/// "`label` (en: 1, ja: 2)", or nothing when there are no counts.
fn counts_per_locale(label: &str, counts: &[(String, usize)]) -> String {
    if counts.is_empty() {
        return String::new();
    }
    let counts: Vec<String> = counts
        .iter()
        .map(|(locale, n)| format!("{locale}: {n}"))
        .collect();
    format!("{label} ({})", counts.join(", "))
}

/// A byte count in KiB, to one decimal.
fn kib(bytes: usize) -> String {
    // Sizes of generated files are far below 2^52 bytes, where f64 stops being exact.
    #[allow(clippy::cast_precision_loss)]
    let kib = bytes as f64 / 1024.0;
    format!("{kib:.1} KiB")
}

/// A stage of a build, for `--timings`.
#[derive(Clone, Debug)]
pub struct Stage {
    /// What it does.
    pub name: &'static str,
    /// Its wall time.
    pub time: Duration,
    /// The process's peak resident memory at its end, in bytes, where the system says
    /// (Linux's `VmHWM`).
    pub peak_memory: Option<u64>,
}

/// The process's peak resident memory so far, in bytes: `VmHWM` of `/proc/self/status` on
/// Linux, `None` elsewhere.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
