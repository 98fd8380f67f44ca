//! Search: one index per locale, made from the HTML pages as they are rendered, and queried in
//! the reader's browser by the site's script (`site.js`).
//!
//! Each locale's index is cut into parts ([`shards`]): scripts (`search/LOCALE.js` and
//! `search/LOCALE/*.js`) that the page adds as a query needs them, so search works from
//! `file://` (where browsers refuse `fetch` and WebAssembly) as from any static host, and within
//! the policy's `script-src 'self'`.
//!
//! A page is cut into sections at each heading or step that has an id, so a result links to its
//! exact anchor. Text is normalized (NFKC, lower case) and cut into terms:
//! - words of spaced scripts are stemmed with the locale's Snowball stemmer, where there is one
//!   (`escalation` and `escalate` share the term `escal`); the index also lists the words of each
//!   stem so the browser can match what the reader has typed so far as a prefix;
//! - runs of Japanese (and Chinese) characters, which have no spaces, become overlapping
//!   two-character terms (`サービス正常性` → `サー`, `ービ`, ..., `常性`); [`Scoring`] adds the
//!   counts of each character and each run of two and three, so the browser finds and ranks a
//!   run of any length without reading the sections' text.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::PoisonError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hashbrown::HashMap;
use html5gum::{Token, Tokenizer};
use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::{IsNormalized, UnicodeNormalization};

use crate::output::{OutputFile, OutputKind, Sink, WriteError};
use crate::render::{RenderContext, RenderError};
use crate::safety::WithoutErrors;
use serde::{Deserialize, Serialize};

mod shards;

/// Path of a locale's index (its table of parts) inside the HTML output; the parts are under
/// `search/LOCALE/`.
pub fn index_path(locale: &str) -> String {
    format!("search/{locale}.js")
}

/// A part as a script that adds `json` to `runbookSearchIndex` under `name`.
fn script(name: &str, json: &str) -> String {
    let name = serde_json::to_string(name).unwrap_or_else(|_| "\"\"".to_string());
    format!("(self.runbookSearchIndex = self.runbookSearchIndex || {{}})[{name}] = {json};\n")
}

/// Attribute that keeps an element and its content out of the index (navigation lists, the
/// flowchart, notices): `<ul data-search-ignore>`.
pub const IGNORE_ATTRIBUTE: &str = "data-search-ignore";

/// What the indexes of a build hold and cost, for the build summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// One per locale, in locale order.
    pub indexes: Vec<IndexStats>,
    /// Processor time spent reading pages, building the indexes (both summed over threads) and
    /// writing them.
    pub time: Duration,
}

impl Stats {
    /// Bytes of all indexes.
    pub fn bytes(&self) -> usize {
        self.indexes.iter().map(|index| index.bytes).sum()
    }
}

/// One locale's index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexStats {
    /// The locale.
    pub locale: String,
    /// The size of its files in bytes.
    pub bytes: usize,
    /// How many files it is cut into (the table of parts and the parts).
    pub files: usize,
    /// How many sections (stretches of a page from one anchor to the next) it holds.
    pub sections: usize,
    /// Kept from the previous build (its pages read as before): `bytes` and `files` are 0.
    pub kept: bool,
}

/// A sink that reads each HTML page passing through to `inner` into the search records of its
/// locale; [`Indexer::finish`] then puts one index per locale into `inner`.
pub struct Indexer<'s> {
    inner: &'s dyn Sink,
    /// The records of the previous build, taken by the pages it keeps.
    previous: Mutex<PageRecords>,
    /// Pages read so far, per locale.
    pages: Mutex<BTreeMap<String, Vec<PageRecord>>>,
    /// Nanoseconds spent reading pages.
    nanos: AtomicU64,
}

impl<'s> Indexer<'s> {
    /// An indexer handing every file on to `inner`; a page kept from the previous build adds
    /// its record in `previous`.
    pub fn new(inner: &'s dyn Sink, previous: PageRecords) -> Self {
        Self {
            inner,
            previous: Mutex::new(previous),
            pages: Mutex::new(BTreeMap::new()),
            nanos: AtomicU64::new(0),
        }
    }

    /// Puts the index of each of the context's locales (pages seen or not) and says what they
    /// cost. A locale's index is a unit of the memo keyed by every record of its pages, so an
    /// index whose pages read as before is kept. Returns also every page's record, for the next
    /// build.
    ///
    /// # Errors
    /// The sink refusing a file.
    pub fn finish(self, cx: &RenderContext<'_>) -> Result<(Stats, PageRecords), RenderError> {
        let mut pages = self
            .pages
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let work: Vec<(&String, Vec<PageRecord>)> = cx
            .locales
            .iter()
            .map(|locale| (locale, pages.remove(locale).unwrap_or_default()))
            .collect();
        // Each locale's index is built on its own thread (unless kept); the files are put in
        // locale order.
        let built: Vec<BuiltIndex> = work
            .into_par_iter()
            .map(|(locale, mut records)| {
                let started = Instant::now();
                records.sort_by(|a, b| a.url.cmp(&b.url));
                let fingerprint = fingerprint(&records);
                let inputs: [&[u8]; 3] = [b"search", locale.as_bytes(), &fingerprint];
                let sections = records.iter().map(|r| r.sections.len()).sum();
                let mut stats = IndexStats {
                    locale: locale.clone(),
                    bytes: 0,
                    files: 0,
                    sections,
                    kept: cx.memo.holds(&inputs),
                };
                let mut files = Vec::new();
                if !stats.kept {
                    let index = Index::new(&records, stemmer_for(locale).as_ref());
                    let parts = index.into_parts();
                    files.push((index_path(locale), script(locale, &parts.table)));
                    for part in &parts.parts {
                        let name = format!("{locale}/{}", part.name);
                        files.push((format!("search/{name}.js"), script(&name, &part.json)));
                    }
                    stats.bytes = files.iter().map(|(_, bytes)| bytes.len()).sum();
                    stats.files = files.len();
                }
                (stats, fingerprint, records, files, started.elapsed())
            })
            .collect();
        let mut indexes = Vec::new();
        let mut records = PageRecords::new();
        let mut time = Duration::from_nanos(self.nanos.load(Ordering::Relaxed));
        for (stats, fingerprint, locale_records, files, took) in built {
            let started = Instant::now();
            let locale = stats.locale.clone();
            let inputs: [&[u8]; 3] = [b"search", locale.as_bytes(), &fingerprint];
            cx.memo.unit(self.inner, &inputs, |sink| {
                for (path, bytes) in files {
                    sink.put(OutputFile {
                        copy_of: None,
                        path,
                        locale: Some(locale.clone()),
                        kind: OutputKind::SearchIndex,
                        source: None,
                        bytes: bytes.into_bytes(),
                    })?;
                }
                Ok(())
            })?;
            records.extend(
                locale_records
                    .into_iter()
                    .map(|record| (format!("{locale}/{}", record.url), record)),
            );
            time += took + started.elapsed();
            indexes.push(stats);
        }
        Ok((Stats { indexes, time }, records))
    }
}

/// A fingerprint of a locale's page records, in order: everything its index is made from.
fn fingerprint(records: &[PageRecord]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut add = |text: &str| {
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    };
    for record in records {
        add(&record.url);
        add(&record.title);
        add(record.lang.as_deref().unwrap_or("\0"));
        for section in &record.sections {
            add(&section.anchor);
            add(&section.title);
            add(&section.text);
        }
        add("\0");
    }
    hasher.finalize().to_vec()
}

impl Indexer<'_> {
    fn add(&self, locale: &str, record: PageRecord) {
        self.pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(locale.to_string())
            .or_default()
            .push(record);
    }
}

impl Sink for Indexer<'_> {
    fn keep(&self, file: OutputFile) -> Result<(), WriteError> {
        if let (true, Some(locale)) = (file.kind.is_guide_page(), &file.locale) {
            let record = self
                .previous
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&file.path);
            let Some(record) = record else {
                return Err(WriteError::Forgotten { path: file.path });
            };
            self.add(locale, record);
        }
        self.inner.keep(file)
    }

    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        if let (true, Some(locale)) = (file.kind.is_guide_page(), &file.locale) {
            let started = Instant::now();
            let url = file
                .path
                .strip_prefix(&format!("{locale}/"))
                .unwrap_or(&file.path)
                .to_string();
            let record = read_page(url, &String::from_utf8_lossy(&file.bytes));
            self.add(locale, record);
            let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
            self.nanos.fetch_add(nanos, Ordering::Relaxed);
        }
        self.inner.put(file)
    }
}

/// A locale's index as built: what it holds, its files (path, script), and the time it took.
type BuiltIndex = (
    IndexStats,
    Vec<u8>,
    Vec<PageRecord>,
    Vec<(String, String)>,
    Duration,
);

/// Each guide page as search read it, by path in the HTML output (`en/escalate.html`): what
/// a page kept by an incremental build adds to its locale's index.
pub type PageRecords = std::collections::HashMap<String, PageRecord>;

/// One page as search sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRecord {
    /// Path relative to the locale's root (`escalate.html`).
    url: String,
    /// The text of its `<h1>`.
    title: String,
    /// The language of its text when it is not the locale's (a page shown in the source
    /// language for want of a translation): the `lang` of its `<article>`.
    lang: Option<String>,
    /// Its sections in page order; the first has no anchor (the top of the page).
    sections: Vec<Section>,
}

/// A stretch of a page from one anchor to the next.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Section {
    /// Element id a result links to; empty for the top of the page.
    anchor: String,
    /// The heading's text.
    title: String,
    /// The text, whitespace collapsed.
    text: String,
}

/// Elements whose start and end do not separate words.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
    "ruby", "rt", "rp", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    "wbr",
];

/// Elements that have no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Elements whose content is not text a reader sees.
const NOT_TEXT: &[&[u8]] = &[b"svg", b"script", b"style", b"template", b"noscript"];

fn is_void(name: &[u8]) -> bool {
    VOID.iter().any(|void| void.as_bytes() == name)
}

/// Reads the text of `<main>` of an HTML page into sections.
///
/// A section starts at a heading with an id, or at the first heading inside an element with an
/// id (a step), and ends where the element holding it ends: text after a step's `<li>` or after a
/// `<section>` belongs to the section around it again.
fn read_page(url: String, html: &str) -> PageRecord {
    let mut page = PageRecord {
        url,
        title: String::new(),
        lang: None,
        sections: vec![Section::default()],
    };
    let mut in_main = false;
    // Depth of open elements inside `<main>`.
    let mut depth = 0usize;
    // Open sections: (index in `page.sections`, depth of the element holding it). The top of the
    // page is held by `<main>` itself.
    let mut open: Vec<(usize, usize)> = vec![(0, 0)];
    // An element being skipped, and how many of its name are open.
    let mut skipping: Option<(Vec<u8>, usize)> = None;
    // The heading being read as the current section's title.
    let mut heading: Option<Vec<u8>> = None;
    // An id on a non-heading element (a step), with the element's depth: it becomes the anchor of
    // a section held by that element if a heading comes next.
    let mut pending_anchor: Option<(String, usize)> = None;
    let emitter = WithoutErrors(html5gum::emitters::default::DefaultEmitter::default());
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name: &[u8] = &tag.name;
                let void = tag.self_closing || is_void(name);
                if let Some((skipped, count)) = &mut skipping {
                    if name == skipped.as_slice() && !void {
                        *count += 1;
                    }
                    continue;
                }
                if name == b"main" {
                    in_main = true;
                    continue;
                }
                if !in_main {
                    continue;
                }
                let attribute = |key: &str| {
                    tag.attributes
                        .get(key.as_bytes())
                        .map(|v| String::from_utf8_lossy(v).into_owned())
                };
                if attribute(IGNORE_ATTRIBUTE).is_some() || NOT_TEXT.contains(&name) {
                    if !void {
                        skipping = Some((name.to_vec(), 1));
                    }
                    continue;
                }
                if name == b"article" && page.lang.is_none() {
                    page.lang = attribute("lang");
                }
                let id = attribute("id");
                if is_heading(name) {
                    // A heading's own id: the section is held by the heading's parent; else the
                    // id of the element just opened around it.
                    let anchor = match (id, pending_anchor.take()) {
                        (Some(id), _) => Some((id, depth)),
                        (None, pending) => pending,
                    };
                    if name == b"h1" && page.title.is_empty() && anchor.is_none() {
                        heading = Some(name.to_vec());
                    } else if let Some((anchor, holder)) = anchor {
                        open.retain(|&(section, at)| section == 0 || at < holder);
                        open.push((page.sections.len(), holder));
                        page.sections.push(Section {
                            anchor,
                            ..Section::default()
                        });
                        heading = Some(name.to_vec());
                    }
                } else {
                    pending_anchor = id.map(|id| (id, depth + 1));
                }
                if !void {
                    depth += 1;
                }
                separate(&mut page, current(&open), heading.is_some(), name);
            }
            Token::EndTag(tag) => {
                let name: &[u8] = &tag.name;
                if let Some((skipped, count)) = &mut skipping {
                    if name == skipped.as_slice() {
                        *count -= 1;
                        if *count == 0 {
                            skipping = None;
                        }
                    }
                    continue;
                }
                if name == b"main" {
                    in_main = false;
                    continue;
                }
                if !in_main || is_void(name) {
                    continue;
                }
                if heading.as_deref() == Some(name) {
                    heading = None;
                    if name == b"h1" && page.title.is_empty() {
                        page.title = page.sections[current(&open)].title.trim().to_string();
                    }
                }
                separate(&mut page, current(&open), heading.is_some(), name);
                depth = depth.saturating_sub(1);
                // The elements holding sections that end here.
                open.retain(|&(section, at)| section == 0 || at <= depth);
            }
            Token::String(text) if in_main && skipping.is_none() => {
                let text = String::from_utf8_lossy(&text);
                if !text.trim().is_empty() {
                    pending_anchor = None;
                }
                let section = &mut page.sections[current(&open)];
                let target = if heading.is_some() {
                    &mut section.title
                } else {
                    &mut section.text
                };
                push_collapsed(target, &text);
            }
            _ => {}
        }
    }
    for section in &mut page.sections {
        section.title = section.title.trim().to_string();
        section.text = section.text.trim().to_string();
    }
    if page.title.is_empty() {
        page.title = page.url.clone();
    }
    page.sections[0].title = page.title.clone();
    page.sections
        .retain(|s| s.anchor.is_empty() || !s.title.is_empty() || !s.text.is_empty());
    page
}

/// The section text goes to: the innermost open one.
fn current(open: &[(usize, usize)]) -> usize {
    open.last().map_or(0, |&(section, _)| section)
}

fn is_heading(name: &[u8]) -> bool {
    matches!(name, b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6")
}

/// A block element's edge separates words: `<li>a</li><li>b</li>` reads `a b`.
fn separate(page: &mut PageRecord, section: usize, in_heading: bool, name: &[u8]) {
    if INLINE.iter().any(|inline| inline.as_bytes() == name) {
        return;
    }
    if let Some(section) = page.sections.get_mut(section) {
        let target = if in_heading {
            &mut section.title
        } else {
            &mut section.text
        };
        push_collapsed(target, " ");
    }
}

/// Appends `text` with runs of whitespace as one space.
fn push_collapsed(target: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !target.is_empty() && !target.ends_with(' ') {
                target.push(' ');
            }
        } else {
            target.push(c);
        }
    }
}

/// The Snowball stemmer for `locale`'s language, if Snowball has one.
fn stemmer_for(locale: &str) -> Option<Stemmer> {
    let language = locale.split(['-', '_']).next().unwrap_or(locale);
    let algorithm = match language.to_ascii_lowercase().as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// Whether `c` belongs to a script written without spaces between words, searched by
/// character pairs: kana and CJK ideographs. `site.js` holds the same ranges.
pub fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'   // 々 〆 〇
        | '\u{303b}'             // 〻
        | '\u{3040}'..='\u{30ff}' // Hiragana, Katakana (with the prolonged sound mark)
        | '\u{31f0}'..='\u{31ff}' // Katakana phonetic extensions
        | '\u{3400}'..='\u{4dbf}' // CJK extension A
        | '\u{4e00}'..='\u{9fff}' // CJK unified ideographs
        | '\u{f900}'..='\u{faff}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{3134f}') // CJK extensions B to G
}

/// `text` as the index compares it: NFKC (full-width Latin and half-width kana folded), then
/// lower case. `site.js` does the same to a query.
pub fn normalize(text: &str) -> String {
    // Most text is already in NFKC (all ASCII text is): the quick check spares rebuilding it.
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else if unicode_normalization::is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        text.to_lowercase()
    } else {
        text.nfkc().collect::<String>().to_lowercase()
    }
}

/// A piece of normalized text: a word of a spaced script, or a run of unspaced characters.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Letters and digits of a spaced script.
    Word(&'a str),
    /// Kana and ideographs.
    Unspaced(&'a str),
}

/// The words and unspaced runs of normalized `text`, in order; everything that is not a letter
/// or digit separates them.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut start: Option<(usize, bool)> = None;
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let kind = if is_unspaced(c) {
            Some(true)
        } else if c.is_alphanumeric() && at < text.len() {
            Some(false)
        } else {
            None
        };
        if let Some((from, unspaced)) = start
            && kind != Some(unspaced)
        {
            let piece = &text[from..at];
            pieces.push(if unspaced {
                Piece::Unspaced(piece)
            } else {
                Piece::Word(piece)
            });
            start = None;
        }
        if let (None, Some(unspaced)) = (start, kind) {
            start = Some((at, unspaced));
        }
    }
    pieces
}

/// The overlapping character pairs of an unspaced run; a single character is its own term.
pub fn pairs(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    if chars.len() < 2 {
        return vec![run.to_string()];
    }
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// The index of one locale: what a query finds (terms and the words of stems) and what the text
/// of each section is; [`Scoring`] adds how often each word and run stands in each section.
#[derive(Debug)]
struct Index {
    /// `[url, title, lang]` per page; `lang` is empty when the page is in the locale's language.
    pages: Vec<(String, String, String)>,
    /// `[page, anchor, title, text]` per section.
    sections: Vec<(usize, String, String, String)>,
    /// Term → the sections holding it, ascending.
    terms: HashMap<String, Vec<usize>>,
    /// Stem → the words of the text that have it, where a word differs from its stem.
    words: BTreeMap<String, BTreeSet<String>>,
    /// What ranks the sections a query finds.
    scoring: Scoring,
}

/// How often each word and run of unspaced characters stands in each section, as `site.js`
/// counts them when it ranks results, so a query needs no section's text to rank it.
#[derive(Debug, Default)]
struct Scoring {
    /// Word as written (normalized) → sections with its counts.
    words: HashMap<String, shards::Postings>,
    /// Unspaced character → sections holding it, with its counts.
    chars: HashMap<String, shards::Postings>,
    /// Two or three unspaced characters → sections holding them, with their counts.
    grams: HashMap<String, shards::Postings>,
    /// Three unspaced characters → where they stand in the title and text of each section, for
    /// runs of four or more characters.
    positions: BTreeMap<String, shards::Postings>,
}

impl Index {
    fn new(records: &[PageRecord], stemmer: Option<&Stemmer>) -> Self {
        let mut index = Index {
            pages: Vec::new(),
            sections: Vec::new(),
            terms: HashMap::default(),
            words: BTreeMap::new(),
            scoring: Scoring::default(),
        };
        for (page_number, page) in records.iter().enumerate() {
            index.pages.push((
                page.url.clone(),
                page.title.clone(),
                page.lang.clone().unwrap_or_default(),
            ));
            for section in &page.sections {
                let id = index.sections.len();
                let normalized = normalize(&format!("{} {}", section.title, section.text));
                let mut chars = BTreeSet::new();
                let mut grams = BTreeSet::new();
                for piece in pieces(&normalized) {
                    match piece {
                        Piece::Word(word) => {
                            let stem = stemmer.map_or(word.into(), |s| s.stem(word));
                            if stem != word {
                                index
                                    .words
                                    .entry(stem.to_string())
                                    .or_default()
                                    .insert(word.to_string());
                            }
                            index.add(&stem, id);
                        }
                        Piece::Unspaced(run) => {
                            chars.extend(run.chars());
                            let run_chars: Vec<char> = run.chars().collect();
                            for width in [2, 3] {
                                grams.extend(run_chars.windows(width).map(String::from_iter));
                            }
                            for pair in pairs(run) {
                                index.add(&pair, id);
                            }
                        }
                    }
                }
                index.scoring.add(
                    id,
                    section.anchor.is_empty(),
                    (&section.title, &section.text),
                    &normalized,
                    (&chars, &grams),
                );
                index.sections.push((
                    page_number,
                    section.anchor.clone(),
                    section.title.clone(),
                    section.text.clone(),
                ));
            }
        }
        index
    }

    fn add(&mut self, term: &str, section: usize) {
        let postings = entry(&mut self.terms, term);
        if postings.last() != Some(&section) {
            postings.push(section);
        }
    }

    /// The index as parts the browser loads on demand.
    fn into_parts(self) -> shards::Parts {
        let mut entries: BTreeMap<String, shards::Entry> = BTreeMap::new();
        for (term, sections) in self.terms {
            let mut postings = shards::Postings::default();
            for section in sections {
                postings.push(section, &[]);
            }
            entries.entry(term).or_default().t = postings.into_data();
        }
        for (stem, words) in self.words {
            for word in &words {
                entries.entry(word.clone()).or_default().s = stem.clone();
            }
            entries.entry(stem).or_default().v = words.into_iter().collect();
        }
        let Scoring {
            words,
            chars,
            grams,
            positions,
        } = self.scoring;
        // A stem whose sections are those of its words as written keeps no list of its own.
        for (stem, entry) in &mut entries {
            if entry.t.is_empty() || stem.chars().any(is_unspaced) {
                continue;
            }
            let mut from_words = BTreeSet::new();
            for word in std::iter::once(stem).chain(&entry.v) {
                if let Some(postings) = words.get(word) {
                    from_words.extend(postings.sections(1));
                }
            }
            let own = shards::Postings::from_data(std::mem::take(&mut entry.t));
            if own.sections(0).into_iter().eq(from_words) {
                entry.d = 1;
            } else {
                entry.t = own.into_data();
            }
        }
        for (word, postings) in words {
            entries.entry(word).or_default().w = postings.into_data();
        }
        for (char, postings) in chars {
            entries.entry(char).or_default().c = postings.into_data();
        }
        for (gram, postings) in grams {
            let entry = entries.entry(gram).or_default();
            entry.r = postings.into_data();
            // A pair's sections are those of its counts.
            entry.t.clear();
        }
        for (gram, postings) in &positions {
            entries.entry(gram.clone()).or_default().n = postings.len();
        }
        shards::cut(entries, positions, &self.pages, &self.sections)
    }
}

impl Scoring {
    /// Adds section `id`: the counts of its words as `site.js` reads them (the pieces of the
    /// title and text as written, each normalized), and of its unspaced characters and runs of
    /// two and three (`chars`, `grams`, from the normalized whole) in the text `site.js`
    /// searches for a run.
    fn add(
        &mut self,
        id: usize,
        top: bool,
        (title, text): (&str, &str),
        normalized: &str,
        (chars, grams): (&BTreeSet<char>, &BTreeSet<String>),
    ) {
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (place, written) in [title, text].into_iter().enumerate() {
            for piece in pieces(written) {
                if let Piece::Word(word) = piece {
                    let count = counts.entry(normalize(word)).or_default();
                    if place == 0 {
                        count.0 += 1;
                    } else {
                        count.1 += 1;
                    }
                }
            }
        }
        for (word, (in_title, in_text)) in counts {
            entry(&mut self.words, &word).push(id, &[shards::code(in_title, in_text, top)]);
        }
        let (title_hay, title_folded) = haystack(title);
        let (text_hay, text_folded) = haystack(text);
        // Positions in the two texts stand for the whole only when it is their normalized join
        // (asked only of text with runs of three).
        let regular = || {
            title_folded
                && text_folded
                && normalized.len() == title_hay.len() + 1 + text_hay.len()
                && normalized == format!("{title_hay} {text_hay}")
        };
        let regular = grams.iter().any(|gram| gram.chars().count() == 3) && regular();
        let title_runs = UnspacedRuns::of(&title_hay);
        let text_runs = UnspacedRuns::of(&text_hay);
        for c in chars {
            let count = |runs: &UnspacedRuns| runs.chars.get(c).copied().unwrap_or(0);
            entry(&mut self.chars, c.encode_utf8(&mut [0; 4])).push(
                id,
                &[shards::code(count(&title_runs), count(&text_runs), top)],
            );
        }
        for gram in grams {
            let width = gram.encode_utf16().count();
            let in_title = title_runs.at(gram);
            let in_text = text_runs.at(gram);
            entry(&mut self.grams, gram).push(
                id,
                &[shards::code(
                    not_overlapping(in_title, width),
                    not_overlapping(in_text, width),
                    top,
                )],
            );
            if gram.chars().count() != 3 {
                continue;
            }
            let mut numbers = Vec::new();
            if regular {
                numbers.push((in_title.len() as u64 + 1) * 2 + u64::from(top));
                push_gaps(&mut numbers, in_title);
                numbers.push(in_text.len() as u64);
                push_gaps(&mut numbers, in_text);
            } else {
                numbers.push(0);
            }
            self.positions
                .entry(gram.clone())
                .or_default()
                .push(id, &numbers);
        }
    }
}

/// The value of `key` in `map`, added empty when missing; the key is copied only then.
fn entry<'m, V: Default>(map: &'m mut HashMap<String, V>, key: &str) -> &'m mut V {
    map.entry_ref(key).or_default()
}

/// The text `site.js` searches for a run: the normalized text when normalizing kept its length
/// in UTF-16 units, else the text in lower case; and whether it is the normalized one.
fn haystack(text: &str) -> (String, bool) {
    let folded = normalize(text);
    if folded.encode_utf16().count() == text.encode_utf16().count() {
        (folded, true)
    } else {
        (text.to_lowercase(), false)
    }
}

/// The unspaced characters of a text with their counts, and where each run of two and of
/// three of them stands (UTF-16 offsets, overlapping).
#[derive(Default)]
struct UnspacedRuns {
    chars: BTreeMap<char, usize>,
    grams: BTreeMap<String, Vec<usize>>,
}

impl UnspacedRuns {
    fn of(text: &str) -> Self {
        let mut runs = Self::default();
        let mut offset = 0;
        // The unspaced characters just before, with their offsets (the nearer last).
        let mut before: Vec<(char, usize)> = Vec::with_capacity(3);
        for c in text.chars() {
            if is_unspaced(c) {
                *runs.chars.entry(c).or_default() += 1;
                before.push((c, offset));
                if before.len() > 3 {
                    before.remove(0);
                }
                for from in 0..before.len().saturating_sub(1) {
                    let gram: String = before[from..].iter().map(|&(c, _)| c).collect();
                    runs.grams.entry(gram).or_default().push(before[from].1);
                }
            } else {
                before.clear();
            }
            offset += c.len_utf16();
        }
        runs
    }

    /// Where `gram` stands.
    fn at(&self, gram: &str) -> &[usize] {
        self.grams.get(gram).map_or(&[], Vec::as_slice)
    }
}

/// How many of the occurrences at `positions` a search that skips past each match finds.
fn not_overlapping(positions: &[usize], width: usize) -> usize {
    let mut next = 0;
    let mut count = 0;
    for &at in positions {
        if at >= next {
            count += 1;
            next = at + width;
        }
    }
    count
}

/// Appends `positions` as gaps: the first as itself, then each from the one before.
fn push_gaps(numbers: &mut Vec<u64>, positions: &[usize]) {
    let mut previous = 0;
    for &at in positions {
        numbers.push((at - previous) as u64);
        previous = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><body><nav><a href="x.html">Navigation</a></nav>
<main id="rb-main"><p class="notice" data-search-ignore>Not <b>indexed</b></p>
<article><h1>Escalate <em>problems</em></h1>
<p>Intro &amp; more.</p>
<figure data-search-ignore><svg><text>Chart</text></svg></figure>
<h2 id="rb-steps">Steps</h2>
<ol><li class="step" id="check-health">
<h3><span>Step 1.</span> Check health</h3><p>Open the<br>dashboard.</p><ul><li>One</li><li>Two</li></ul></li>
<li id="no-heading"><p>Text right after an id without a heading</p></li>
</ol>
<section id="held"><h2>Held</h2><p>Inside <img src="x.png" alt="" data-search-ignore> it</p></section>
<p>After the section</p><style>p { color: red }</style>
</article></main><footer>Not in main</footer></body></html>"#;

    #[test]
    fn pages_are_cut_at_anchored_headings_and_steps() {
        let page = read_page("a.html".into(), PAGE);
        assert_eq!(page.title, "Escalate problems");
        let sections: Vec<(&str, &str, &str)> = page
            .sections
            .iter()
            .map(|s| (s.anchor.as_str(), s.title.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            sections,
            [
                ("", "Escalate problems", "Intro & more."),
                // Text after the steps and after a section belongs to the heading before them.
                (
                    "rb-steps",
                    "Steps",
                    "Text right after an id without a heading After the section"
                ),
                (
                    "check-health",
                    "Step 1. Check health",
                    "Open the dashboard. One Two"
                ),
                ("held", "Held", "Inside it"),
            ]
        );
    }

    #[test]
    fn text_splits_into_words_and_unspaced_runs() {
        let text = normalize("ＡＢＣ社の Azureサービス正常性を確認 (step-2)");
        assert_eq!(
            pieces(&text),
            [
                Piece::Word("abc"),
                Piece::Unspaced("社の"),
                Piece::Word("azure"),
                Piece::Unspaced("サービス正常性を確認"),
                Piece::Word("step"),
                Piece::Word("2"),
            ]
        );
        assert_eq!(pairs("正常性"), ["正常", "常性"]);
        assert_eq!(pairs("性"), ["性"]);
        // Half-width kana fold to full width, so either form finds the other.
        assert_eq!(normalize("ｻｰﾋﾞｽ"), "サービス");
    }

    #[test]
    fn the_index_stems_words_and_pairs_japanese() {
        let records = [PageRecord {
            url: "p.html".into(),
            title: "Escalation".into(),
            lang: None,
            sections: vec![
                Section {
                    anchor: String::new(),
                    title: "Escalation".into(),
                    text: "Escalate problems".into(),
                },
                Section {
                    anchor: "health".into(),
                    title: "サービス正常性".into(),
                    text: String::new(),
                },
            ],
        }];
        let english = Index::new(&records, stemmer_for("en").as_ref());
        assert_eq!(english.terms["escal"], [0]);
        assert_eq!(english.terms["正常"], [1]);
        assert_eq!(english.terms["常性"], [1]);
        assert!(english.words["escal"].contains("escalation"));
        assert!(english.words["escal"].contains("escalate"));
        // Japanese has no Snowball stemmer: words are kept whole.
        let japanese = Index::new(&records, stemmer_for("ja").as_ref());
        assert_eq!(japanese.terms["escalation"], [0]);
        assert!(japanese.words.is_empty());
        let parts = english.into_parts();
        assert_eq!(
            script("en", &parts.table),
            format!(
                "(self.runbookSearchIndex = self.runbookSearchIndex || {{}})[\"en\"] = {};\n",
                parts.table
            )
        );
        assert!(
            parts.table.starts_with("{\"t\":[\"escal"),
            "{}",
            parts.table
        );
    }
}
