//! Incremental rendering: what an earlier build rendered, by the fingerprint of what it read.
//!
//! A renderer renders its independent pieces (a procedure's page in one locale, a Markdown
//! page, a checklist, a locale's search index) as *units* through [`Memo::unit`]. A unit's key
//! is a SHA-256 over the build-wide inputs every unit may read (the binary, the configuration,
//! the templates, the site-wide files and the *outline* of every page: paths, titles, step ids
//! and where steps lead; see `pipeline::incremental`) and the unit's own inputs (the file it
//! renders, in every locale). When the key was rendered by the build that made the current
//! output, the unit's files are *kept* ([`Sink::keep`]) instead of rendered again: the output
//! already holds them, and the sinks that read files (the link verifier, the search indexer)
//! take what they learnt of them last time. Everything else is rendered as in a clean build,
//! so the output is byte-identical to one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use sha2::{Digest, Sha256};

use crate::output::{Noting, OutputFile, Sink};
use crate::render::RenderError;

/// The fingerprint of a unit's inputs.
pub type Key = [u8; 32];

/// The files of each unit an earlier build rendered, by key; paths are relative to the sink the
/// unit was rendered into.
pub type Units = HashMap<Key, Vec<OutputFile>>;

/// The units of the previous build, and those of this one as they are rendered or kept.
#[derive(Default)]
pub struct Memo {
    /// Whether units are recorded at all (off: every unit renders, nothing is remembered).
    on: bool,
    /// Whether recorded files keep their bytes (a build held in memory, which has no output
    /// directory to keep them in).
    with_bytes: bool,
    /// The fingerprint of what every unit may read.
    global: Key,
    previous: Units,
    next: Mutex<Units>,
    kept: AtomicUsize,
    rendered: AtomicUsize,
}

/// How many units a build kept and rendered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoStats {
    /// Units whose files were kept from the previous build.
    pub kept: usize,
    /// Units rendered.
    pub rendered: usize,
}

impl Memo {
    /// A memo over `global` (the fingerprint of the build-wide inputs), keeping the units of
    /// `previous` whose keys come again. `with_bytes`: recorded files keep their bytes.
    pub fn new(global: Key, previous: Units, with_bytes: bool) -> Self {
        Self {
            on: true,
            with_bytes,
            global,
            previous,
            ..Self::default()
        }
    }

    /// The key of a unit with these inputs (each told apart from the next by its length).
    pub fn key(&self, inputs: &[&[u8]]) -> Key {
        let mut hasher = Sha256::new();
        hasher.update(self.global);
        for input in inputs {
            hasher.update((input.len() as u64).to_le_bytes());
            hasher.update(input);
        }
        hasher.finalize().into()
    }

    /// Whether units are recorded (and so may be kept) at all.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Whether the unit with these inputs would be kept.
    pub fn holds(&self, inputs: &[&[u8]]) -> bool {
        self.on && self.previous.contains_key(&self.key(inputs))
    }

    /// Renders one unit into `sink` with `render`, unless the previous build rendered the same
    /// key: then its files are kept. `inputs` must name the unit (renderer, kind, locale, path)
    /// and hold everything it reads beyond the build-wide inputs.
    ///
    /// # Errors
    /// As `render`, or the sink refusing a file.
    pub fn unit(
        &self,
        sink: &dyn Sink,
        inputs: &[&[u8]],
        render: impl FnOnce(&dyn Sink) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        if !self.on {
            return render(sink);
        }
        let key = self.key(inputs);
        if let Some(files) = self.previous.get(&key) {
            for file in files {
                sink.keep(file.clone())?;
            }
            self.kept.fetch_add(1, Ordering::Relaxed);
            self.remember(key, files.clone());
            return Ok(());
        }
        let noting = Noting::new(sink, self.with_bytes);
        render(&noting)?;
        let mut files = noting.into_files();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        self.rendered.fetch_add(1, Ordering::Relaxed);
        self.remember(key, files);
        Ok(())
    }

    fn remember(&self, key: Key, files: Vec<OutputFile>) {
        self.next
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, files);
    }

    /// How many units were kept and rendered so far.
    pub fn stats(&self) -> MemoStats {
        MemoStats {
            kept: self.kept.load(Ordering::Relaxed),
            rendered: self.rendered.load(Ordering::Relaxed),
        }
    }

    /// The units of this build, for the next one (empty when the memo is off).
    pub fn into_units(self) -> Units {
        self.next
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Collect, OutputKind};

    fn file(path: &str, bytes: &str) -> OutputFile {
        OutputFile {
            copy_of: None,
            path: path.into(),
            locale: Some("en".into()),
            kind: OutputKind::Page,
            source: None,
            bytes: bytes.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_unit_seen_before_is_kept_and_a_changed_one_rendered() {
        let first = Memo::new([1; 32], Units::new(), false);
        let sink = Collect::default();
        for (name, text) in [("a", "one"), ("b", "two")] {
            first
                .unit(&sink, &[name.as_bytes(), text.as_bytes()], |sink| {
                    Ok(sink.put(file(&format!("{name}.html"), text))?)
                })
                .unwrap();
        }
        assert_eq!(first.stats().rendered, 2);
        let second = Memo::new([1; 32], first.into_units(), false);
        let sink = Collect::default();
        let mut rendered = Vec::new();
        for (name, text) in [("a", "one"), ("b", "changed")] {
            second
                .unit(&sink, &[name.as_bytes(), text.as_bytes()], |sink| {
                    rendered.push(name);
                    Ok(sink.put(file(&format!("{name}.html"), text))?)
                })
                .unwrap();
        }
        assert_eq!(rendered, ["b"]);
        assert_eq!(
            second.stats(),
            MemoStats {
                kept: 1,
                rendered: 1
            }
        );
        let files = sink.into_sorted();
        // The kept file carries no bytes: the output already holds them.
        assert_eq!(files[0].path, "a.html");
        assert!(files[0].bytes.is_empty());
        assert_eq!(files[1].bytes, b"changed");
    }

    #[test]
    fn another_global_fingerprint_keeps_nothing() {
        let first = Memo::new([1; 32], Units::new(), true);
        let sink = Collect::default();
        first
            .unit(&sink, &[b"a"], |sink| Ok(sink.put(file("a.html", "x"))?))
            .unwrap();
        let units = first.into_units();
        assert_eq!(units.values().next().unwrap()[0].bytes, b"x");
        let second = Memo::new([2; 32], units, true);
        second
            .unit(&sink, &[b"a"], |sink| Ok(sink.put(file("a.html", "x"))?))
            .unwrap();
        assert_eq!(second.stats().rendered, 1);
    }
}
