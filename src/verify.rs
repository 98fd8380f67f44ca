//! Verify: the rendered site checks itself before it is written.
//!
//! Every `href` and `src` in every HTML output file must resolve to a file of the output and, with
//! a `#fragment`, to an element id in it; and no HTML output file may run script of its own: no
//! inline `<script>`, no event handler attribute (`onclick`), no `javascript:`, `vbscript:` or
//! `data:` URL, and a Content-Security-Policy on every page. Content is checked by `validate`
//! before rendering, so a failure here is a bug in a template (or in runbook) and stops the build.
//! A [`Verifier`] sits in the stream of rendered files; it writes nothing.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

use crate::output::{OutputFile, Sink, WriteError};
use crate::safety::WithoutErrors;

/// A link of the output that leads nowhere, or markup that would run script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputProblem {
    /// The output file holding it.
    pub file: String,
    /// 1-based line in that file.
    pub line: usize,
    /// The link, element or attribute as written.
    pub link: String,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for OutputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: `{}` {}",
            self.file, self.line, self.link, self.reason
        )
    }
}

/// The ids, links and script of one HTML file.
#[derive(Default)]
struct Scanned {
    ids: HashSet<String>,
    /// (link, byte offset of its value).
    links: Vec<(String, usize)>,
    /// (what, why, byte offset): markup that would run script.
    unsafe_markup: Vec<(String, String, usize)>,
    /// Whether the page carries a Content-Security-Policy.
    has_policy: bool,
}

/// What the scanner reports from a start tag's attributes.
enum Found {
    /// An element id (or an `<a name>`).
    Id(String),
    /// An `href` or `src`, with the byte offset of its value.
    Link(String, usize),
    /// Markup that would run script: what, why, byte offset.
    Unsafe(String, String, usize),
    /// A `<meta http-equiv="Content-Security-Policy">`.
    Policy,
}

/// Which attribute the tokenizer is in.
#[derive(Clone, Copy)]
enum Attribute {
    Id,
    Link,
    HttpEquiv,
    Other,
}

/// Which start tag the tokenizer is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Element {
    A,
    Script { has_src: bool },
    Other,
}

fn scan(html: &str) -> Scanned {
    let mut element = Element::Other;
    let mut attribute = Attribute::Other;
    // Events borrow the tokenizer's buffer: only ids, links and problems are copied out.
    let emitter = CallbackEmitter::new(
        move |event: CallbackEvent<'_>, span: Span<usize>| -> Option<Found> {
            match event {
                CallbackEvent::OpenStartTag { name } => {
                    element = match name {
                        b"a" => Element::A,
                        b"script" => Element::Script { has_src: false },
                        _ => Element::Other,
                    };
                    attribute = Attribute::Other;
                }
                CallbackEvent::AttributeName { name } => {
                    attribute = match name {
                        b"id" => Attribute::Id,
                        b"name" if element == Element::A => Attribute::Id,
                        b"href" | b"src" | b"action" | b"formaction" | b"xlink:href" => {
                            if let (b"src", Element::Script { has_src }) = (name, &mut element) {
                                *has_src = true;
                            }
                            Attribute::Link
                        }
                        b"http-equiv" => Attribute::HttpEquiv,
                        _ => Attribute::Other,
                    };
                    if name.len() > 2 && name[..2].eq_ignore_ascii_case(b"on") {
                        return Some(Found::Unsafe(
                            String::from_utf8_lossy(name).into_owned(),
                            "is an event handler attribute, which would run script".into(),
                            span.start,
                        ));
                    }
                }
                CallbackEvent::AttributeValue { value } => {
                    let value = String::from_utf8_lossy(value).into_owned();
                    return match attribute {
                        Attribute::Id => Some(Found::Id(value)),
                        Attribute::Link if crate::safety::is_script_url(&value) => Some(
                            Found::Unsafe(value, "is a script or data URL".into(), span.start),
                        ),
                        Attribute::Link => Some(Found::Link(value, span.start)),
                        Attribute::HttpEquiv => value
                            .eq_ignore_ascii_case("content-security-policy")
                            .then_some(Found::Policy),
                        Attribute::Other => None,
                    };
                }
                CallbackEvent::CloseStartTag { .. }
                    if element == (Element::Script { has_src: false }) =>
                {
                    element = Element::Other;
                    return Some(Found::Unsafe(
                        "<script>".into(),
                        "is an inline script: the policy allows only script files".into(),
                        span.start,
                    ));
                }
                _ => {}
            }
            None
        },
    );
    let mut scanned = Scanned::default();
    for Ok(found) in Tokenizer::new_with_emitter(html, WithoutErrors(emitter)) {
        match found {
            Found::Id(id) => {
                scanned.ids.insert(id);
            }
            Found::Link(link, offset) => scanned.links.push((link, offset)),
            Found::Unsafe(what, why, offset) => scanned.unsafe_markup.push((what, why, offset)),
            Found::Policy => scanned.has_policy = true,
        }
    }
    scanned
}

/// The markup in `html` that would run script (inline `<script>`, event handler attributes,
/// script and data URLs), each as `what: why`.
pub fn unsafe_markup(html: &str) -> Vec<String> {
    scan(html)
        .unsafe_markup
        .into_iter()
        .map(|(what, why, _)| format!("{what}: {why}"))
        .collect()
}

/// A sink that checks the links of every HTML file passing through it, then hands the file on.
///
/// It keeps only what checking needs, never a file's bytes: every output path, the element ids
/// of each HTML file, and each distinct link target with the first place it is written.
pub struct Verifier<'s> {
    inner: &'s dyn Sink,
    seen: Mutex<Seen>,
    /// What is remembered of each file, when the build keeps records for the next.
    memory: Option<Memory>,
}

/// Where a link target is first linked from, by file and line, and how often in all.
struct Place {
    file: String,
    line: usize,
    link: String,
    count: usize,
}

/// What the verifier has gathered so far.
#[derive(Default)]
struct Seen {
    paths: HashSet<String>,
    /// Each HTML file's element ids, as [`IdSet`]s.
    ids: HashMap<String, IdSet>,
    /// Target file and fragment → the first place leading there.
    targets: HashMap<(String, String), Place>,
    /// Links broken whatever the output holds (absolute, or climbing out of it).
    broken: Vec<OutputProblem>,
    /// HTML files kept from the previous build: their ids and links are in
    /// [`Memory::next`], checked at the end.
    kept: Vec<String>,
}

impl<'s> Verifier<'s> {
    /// A verifier handing files on to `inner`.
    pub fn new(inner: &'s dyn Sink) -> Self {
        Self {
            inner,
            seen: Mutex::new(Seen::default()),
            memory: None,
        }
    }

    /// A verifier that also remembers what each HTML file holds
    /// ([`Verifier::finish_and_remember`]), and
    /// takes what `previous` says of the files a build keeps ([`Sink::keep`]).
    pub fn remembering(inner: &'s dyn Sink, previous: Remembered) -> Self {
        Self {
            memory: Some(Memory {
                previous: Mutex::new(previous.decode()),
                kept: Mutex::default(),
                next: Mutex::default(),
            }),
            ..Self::new(inner)
        }
    }

    /// Every problem of the files seen (broken links, script, a missing policy), by file and line.
    pub fn finish(self) -> Vec<OutputProblem> {
        self.finish_with(false).0
    }

    /// [`Verifier::finish`] (or [`Verifier::finish_deferring`] when `deferring`), also giving
    /// what was read of each HTML file (empty unless [`Verifier::remembering`]).
    pub fn finish_and_remember(
        self,
        deferring: bool,
    ) -> (Vec<OutputProblem>, Vec<DeferredLink>, Remembered) {
        self.finish_with(deferring)
    }

    /// As [`Verifier::finish`], for a build of some locales only (a shard): a link to a file the
    /// build does not write is not a problem yet but is returned, to be checked with
    /// [`check_deferred`] when the shards are merged.
    pub fn finish_deferring(self) -> (Vec<OutputProblem>, Vec<DeferredLink>) {
        let (problems, deferred, _) = self.finish_with(true);
        (problems, deferred)
    }

    fn finish_with(self, deferring: bool) -> (Vec<OutputProblem>, Vec<DeferredLink>, Remembered) {
        let mut seen = self
            .seen
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let (kept, remembered) = self
            .memory
            .map(|memory| {
                let kept = memory.kept.into_inner();
                let next = memory.next.into_inner();
                (
                    kept.unwrap_or_else(PoisonError::into_inner),
                    next.unwrap_or_else(PoisonError::into_inner),
                )
            })
            .unwrap_or_default();
        // The links of kept files, checked on every core; only those that fail join the
        // targets, where they are reported (or deferred) with the others.
        let ids_hold =
            |ids: &HashMap<String, IdSet>, target: &str, fragment: &str| match ids.get(target) {
                Some(ids) => ids.contains(fragment),
                None => kept.get(target).is_none_or(|links| {
                    links
                        .ids
                        .binary_search_by(|id| id.as_str().cmp(fragment))
                        .is_ok()
                }),
            };
        let failing: Vec<(String, (String, String), usize, String)> = {
            use rayon::prelude::*;
            let seen = &seen;
            seen.kept
                .par_iter()
                .flat_map_iter(|path| {
                    let links = kept.get(path).map(|f| f.links.as_slice()).unwrap_or(&[]);
                    links.iter().filter_map(move |(line, link)| {
                        let Ok(Some(key)) = resolve(path, link) else {
                            return None;
                        };
                        let holds = seen.paths.contains(&key.0)
                            && (key.1.is_empty() || ids_hold(&seen.ids, &key.0, &key.1));
                        (!holds).then(|| (path.clone(), key, *line, link.clone()))
                    })
                })
                .collect()
        };
        for (file, key, line, link) in failing {
            add_target(
                &mut seen.targets,
                key,
                Place {
                    file,
                    line,
                    link,
                    count: 1,
                },
            );
        }
        let mut broken = seen.broken;
        let mut deferred = Vec::new();
        for ((target, fragment), place) in seen.targets {
            let Place {
                file,
                line,
                link,
                count,
            } = place;
            let mut reason = if !seen.paths.contains(&target) {
                if deferring {
                    deferred.push(DeferredLink {
                        file,
                        line,
                        link,
                        target,
                        fragment,
                    });
                    continue;
                }
                format!("leads to `{target}`, which the build does not write")
            } else if !fragment.is_empty() && !ids_hold(&seen.ids, &target, &fragment) {
                format!("leads to `#{fragment}`, which `{target}` has no element for")
            } else {
                continue;
            };
            if count > 1 {
                reason.push_str(&format!(" (and {} more link(s) to it)", count - 1));
            }
            broken.push(OutputProblem {
                file,
                line,
                link,
                reason,
            });
        }
        sort_problems(&mut broken);
        deferred.sort_by(|a, b| (&a.target, &a.fragment).cmp(&(&b.target, &b.fragment)));
        (broken, deferred, remembered)
    }
}

/// Problems in file, line and link order.
fn sort_problems(problems: &mut [OutputProblem]) {
    problems.sort_by(|a, b| (&a.file, a.line, &a.link).cmp(&(&b.file, b.line, &b.link)));
}

/// A link a shard's verifier could not check: its target is a file another shard writes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeferredLink {
    /// The first output file linking there.
    pub file: String,
    /// 1-based line in that file.
    pub line: usize,
    /// The link as written.
    pub link: String,
    /// The output file it leads to.
    pub target: String,
    /// The element id it leads to (decoded), or empty.
    pub fragment: String,
}

/// The deferred links of merged shards that lead nowhere: to a path not in `paths`, or to an id
/// that `ids_of` (the element ids of an HTML output file) does not give.
pub fn check_deferred(
    links: &[DeferredLink],
    paths: &HashSet<String>,
    mut ids_of: impl FnMut(&str) -> HashSet<String>,
) -> Vec<OutputProblem> {
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    let mut broken = Vec::new();
    for deferred in links {
        let reason = if !paths.contains(&deferred.target) {
            format!("leads to `{}`, which no shard writes", deferred.target)
        } else if !deferred.fragment.is_empty()
            && !ids
                .entry(&deferred.target)
                .or_insert_with(|| ids_of(&deferred.target))
                .contains(&deferred.fragment)
        {
            format!(
                "leads to `#{}`, which `{}` has no element for",
                deferred.fragment, deferred.target
            )
        } else {
            continue;
        };
        broken.push(OutputProblem {
            file: deferred.file.clone(),
            line: deferred.line,
            link: deferred.link.clone(),
            reason,
        });
    }
    sort_problems(&mut broken);
    broken
}

/// The element ids (and `<a name>`s) of an HTML file.
pub fn element_ids(html: &str) -> HashSet<String> {
    scan(html).ids
}

impl Verifier<'_> {
    /// Adds what one HTML file holds: its ids, its links (line and link as written) and the
    /// problems found in it.
    fn note(
        &self,
        path: &str,
        ids: Option<HashSet<String>>,
        links: Vec<(usize, String)>,
        mut problems: Vec<OutputProblem>,
    ) {
        // Links are resolved before taking the lock, which only stores the results.
        let resolved: Vec<_> = links
            .into_iter()
            .filter_map(|(line, link)| match resolve(path, &link) {
                Ok(None) => None,
                outcome => Some((outcome, line, link)),
            })
            .collect();
        let remembered = self.memory.as_ref().map(|_| FileLinks {
            ids: ids.as_ref().map(sorted).unwrap_or_default(),
            links: resolved
                .iter()
                .map(|(_, line, link)| (*line, link.clone()))
                .collect(),
        });
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.paths.insert(path.to_string());
        seen.broken.append(&mut problems);
        for (outcome, line, link) in resolved {
            match outcome {
                Ok(Some(key)) => {
                    let place = Place {
                        file: path.to_string(),
                        line,
                        link,
                        count: 1,
                    };
                    add_target(&mut seen.targets, key, place);
                }
                Ok(None) => {}
                Err(reason) => seen.broken.push(OutputProblem {
                    file: path.to_string(),
                    line,
                    link,
                    reason,
                }),
            }
        }
        if let Some(ids) = ids {
            seen.ids.insert(path.to_string(), IdSet::of(&ids));
        }
        drop(seen);
        if let (Some(memory), Some(remembered)) = (&self.memory, remembered) {
            memory
                .next
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(path, &remembered);
        }
    }
}

/// Notes one more link to `key`, keeping the earliest place by file and line, whatever the
/// thread order.
fn add_target(targets: &mut HashMap<(String, String), Place>, key: (String, String), place: Place) {
    targets
        .entry(key)
        .and_modify(|first| {
            first.count += 1;
            if (&place.file, place.line) < (&first.file, first.line) {
                first.file = place.file.clone();
                first.line = place.line;
                first.link = place.link.clone();
            }
        })
        .or_insert(place);
}

/// A file's element ids held as sorted 64-bit hashes: a site's millions of ids in 8 bytes each.
/// Two ids that hash alike (a chance of one in 2^64 per pair) would let a link to the missing
/// one pass.
#[derive(Debug, Default)]
struct IdSet(Vec<u64>);

impl IdSet {
    fn of(ids: &HashSet<String>) -> Self {
        let mut hashes: Vec<u64> = ids.iter().map(|id| Self::hash(id)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Self(hashes)
    }

    fn contains(&self, id: &str) -> bool {
        self.0.binary_search(&Self::hash(id)).is_ok()
    }

    /// A hash fixed for the process (SipHash with zero keys).
    fn hash(id: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        id.hash(&mut hasher);
        hasher.finish()
    }
}

/// A set's items in order.
fn sorted(set: &HashSet<String>) -> Vec<String> {
    let mut items: Vec<String> = set.iter().cloned().collect();
    items.sort_unstable();
    items
}

impl Sink for Verifier<'_> {
    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        let scanned = file
            .path
            .ends_with(".html")
            .then(|| scan(&String::from_utf8_lossy(&file.bytes)));
        let mut lines = Vec::new();
        let mut ids = None;
        let mut problems = Vec::new();
        if let Some(Scanned {
            ids: found,
            links,
            unsafe_markup,
            has_policy,
        }) = scanned
        {
            let line_of = |offset: usize| {
                1 + file.bytes[..offset.min(file.bytes.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
            };
            for (what, why, offset) in unsafe_markup {
                problems.push(OutputProblem {
                    file: file.path.clone(),
                    line: line_of(offset),
                    link: what,
                    reason: why,
                });
            }
            if !has_policy {
                problems.push(OutputProblem {
                    file: file.path.clone(),
                    line: 1,
                    link: "<head>".into(),
                    reason: "has no `<meta http-equiv=\"Content-Security-Policy\">`".into(),
                });
            }
            // Lines are counted once through the file: links come in order of their offsets.
            let (mut line, mut counted) = (1, 0);
            for (link, offset) in links {
                let offset = offset.clamp(counted, file.bytes.len());
                line += file.bytes[counted..offset]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                counted = offset;
                lines.push((line, link));
            }
            ids = Some(found);
        }
        self.note(&file.path, ids, lines, problems);
        self.inner.put(file)
    }

    fn keep(&self, file: OutputFile) -> Result<(), WriteError> {
        if file.path.ends_with(".html") {
            // A kept file passed the previous build's checks; its links are checked again
            // against this build's files when the build is done.
            let Some(memory) = &self.memory else {
                return Err(WriteError::Forgotten { path: file.path });
            };
            let links = memory
                .previous
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&file.path);
            let Some(links) = links else {
                return Err(WriteError::Forgotten { path: file.path });
            };
            memory
                .next
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(&file.path, &links);
            memory
                .kept
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(file.path.clone(), links);
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            seen.paths.insert(file.path.clone());
            seen.kept.push(file.path.clone());
        } else {
            self.note(&file.path, None, Vec::new(), Vec::new());
        }
        self.inner.keep(file)
    }
}

/// What the verifier read in one HTML file, remembered for a build that keeps the file: its
/// element ids and its links into the output (line, link as written).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileLinks {
    /// Element ids, sorted.
    pub ids: Vec<String>,
    /// Links to check, in file order.
    pub links: Vec<(usize, String)>,
}

/// What the verifier read in each HTML file, as one build leaves it for the next: entries of
/// output path and [`FileLinks`] encoded one after another (postcard) as the files pass, so that
/// a site's tens of thousands of files take a few bytes a link, not a string each.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Remembered(Vec<u8>);

impl Remembered {
    /// Adds what was read in the file at `path`.
    fn push(&mut self, path: &str, links: &FileLinks) {
        if let Ok(bytes) = postcard::to_extend(&(path, links), std::mem::take(&mut self.0)) {
            self.0 = bytes;
        }
    }

    /// What was read in each file, by output path (entries past one that does not decode are
    /// left out, and their files checked again as new).
    pub fn decode(&self) -> HashMap<String, FileLinks> {
        let mut files = HashMap::new();
        let mut rest = self.0.as_slice();
        while !rest.is_empty() {
            let Ok(((path, links), after)) = postcard::take_from_bytes::<(String, FileLinks)>(rest)
            else {
                break;
            };
            files.insert(path, links);
            rest = after;
        }
        files
    }
}

/// The previous build's [`FileLinks`] (taken by the files kept), those of the files kept, and
/// what this build leaves for the next.
struct Memory {
    previous: Mutex<HashMap<String, FileLinks>>,
    kept: Mutex<HashMap<String, FileLinks>>,
    next: Mutex<Remembered>,
}

/// Where `link` in output file `from` leads: `Ok(None)` for a URL outside the site, else the
/// target file and fragment (decoded), or why it can never resolve.
fn resolve(from: &str, link: &str) -> Result<Option<(String, String)>, String> {
    if link.starts_with("//") || crate::paths::has_scheme(link) {
        return Ok(None);
    }
    let (path, fragment) = link.split_once('#').unwrap_or((link, ""));
    let path = path.split('?').next().unwrap_or(path);
    let target = if path.is_empty() {
        from.to_string()
    } else if path.starts_with('/') {
        return Err("is an absolute path: the site must work from any folder".into());
    } else {
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let Some(mut target) = crate::paths::resolve(from, &decoded) else {
            return Err("leads outside the output".into());
        };
        if decoded.ends_with('/') || target.is_empty() {
            target.push_str(if target.is_empty() {
                "index.html"
            } else {
                "/index.html"
            });
        }
        target
    };
    // A fragment on a file that is not a page (`media/a.png#lightbox`, a PDF's `#page=2`) is
    // the viewer's business: only pages have element ids to check, as `check` says too.
    if !crate::paths::is_page_file(&target) {
        return Ok(Some((target, String::new())));
    }
    let fragment = percent_encoding::percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned();
    Ok(Some((target, fragment)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_set_holds_exactly_its_ids() {
        let ids: HashSet<String> = ["top", "step-1", "ステップ"].map(String::from).into();
        let set = IdSet::of(&ids);
        for id in &ids {
            assert!(set.contains(id), "{id}");
        }
        for other in ["", "Top", "step-2", "step-1 "] {
            assert!(!set.contains(other), "{other:?}");
        }
    }

    #[test]
    fn remembered_files_decode_as_they_were_pushed() {
        let mut remembered = Remembered::default();
        let a = FileLinks {
            ids: vec!["x".into()],
            links: vec![(3, "b.html#y".into())],
        };
        remembered.push("html/a.html", &a);
        remembered.push("html/b.html", &FileLinks::default());
        let decoded = remembered.decode();
        assert_eq!(decoded.len(), 2);
        assert_eq!(decoded["html/a.html"], a);
        // A cut entry ends the reading: the files before it are kept.
        let mut cut = remembered.clone();
        cut.0.truncate(cut.0.len() - 1);
        assert_eq!(cut.decode().len(), 1);
    }
    use crate::output::{Collect, OutputKind};

    /// Every problem of `files`, as a build's verifier reports them.
    fn verify(files: &[OutputFile]) -> Vec<OutputProblem> {
        let kept = Collect::default();
        let verifier = Verifier::new(&kept);
        for file in files {
            verifier.put(file.clone()).unwrap();
        }
        verifier.finish()
    }

    /// An output file; HTML ones get a policy on their first line.
    fn html(path: &str, body: &str) -> OutputFile {
        let policy = "<meta http-equiv=\"content-security-policy\" content=\"default-src 'none'\">";
        let bytes = if path.ends_with(".html") {
            format!("{policy}{body}")
        } else {
            body.to_string()
        };
        OutputFile {
            copy_of: None,
            path: path.into(),
            locale: None,
            kind: OutputKind::Page,
            source: None,
            bytes: bytes.into_bytes(),
        }
    }

    #[test]
    fn the_links_of_a_kept_file_are_checked_against_the_new_output() {
        let a = html(
            "html/a.html",
            "<p id=\"top\"><a href=\"b.html#x\">b</a></p>",
        );
        let b = html(
            "html/b.html",
            "<h2 id=\"x\">x</h2><a href=\"a.html#top\">a</a>",
        );
        let sink = Collect::default();
        let first = Verifier::remembering(&sink, Remembered::default());
        first.put(a.clone()).unwrap();
        first.put(b).unwrap();
        let (problems, _, remembered) = first.finish_and_remember(false);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(remembered.decode()["html/a.html"].ids, ["top"]);
        // `a.html` is kept; `b.html` is rendered again without the id `a.html` links to.
        let kept = OutputFile {
            copy_of: None,
            bytes: Vec::new(),
            ..a
        };
        let second = Verifier::remembering(&sink, remembered.clone());
        second.keep(kept.clone()).unwrap();
        second
            .put(html(
                "html/b.html",
                "<h2 id=\"y\">y</h2><a href=\"a.html#top\">a</a>",
            ))
            .unwrap();
        let problems = second.finish();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            (problems[0].file.as_str(), problems[0].line),
            ("html/a.html", 1)
        );
        assert!(
            problems[0].reason.contains("`#x`"),
            "{}",
            problems[0].reason
        );
        // And a link into the kept file finds its remembered ids.
        let third = Verifier::remembering(&sink, remembered);
        third.keep(kept).unwrap();
        third
            .put(html(
                "html/b.html",
                "<h2 id=\"x\">x</h2><a href=\"a.html#gone\">a</a>",
            ))
            .unwrap();
        let problems = third.finish();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file, "html/b.html");
        // Without records, keeping a file is refused: the build starts again in full.
        let plain = Verifier::new(&sink);
        assert!(matches!(
            plain.keep(html("html/a.html", "")),
            Err(WriteError::Forgotten { .. })
        ));
    }

    #[test]
    fn finds_script_and_pages_without_a_policy() {
        let mut files = vec![html(
            "html/a.html",
            "<script src=\"s.js\"></script>\n<script>alert(1)</script>\n<p OnClick=\"x()\">\n<a href=\" JavaScript:x()\">j</a><img src=\"data:image/png;base64,AA\" alt=\"\">",
        )];
        files.push(html("html/s.js", ""));
        files.push(OutputFile {
            copy_of: None,
            bytes: b"<p>no policy</p>".to_vec(),
            ..html("html/b.html", "")
        });
        let broken = verify(&files);
        let found: Vec<(&str, usize, &str)> = broken
            .iter()
            .map(|b| (b.file.as_str(), b.line, b.link.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("html/a.html", 2, "<script>"),
                ("html/a.html", 3, "onclick"),
                ("html/a.html", 4, " JavaScript:x()"),
                ("html/a.html", 4, "data:image/png;base64,AA"),
                ("html/b.html", 1, "<head>"),
            ],
            "{broken:?}"
        );
    }

    #[test]
    fn finds_missing_files_and_ids() {
        let files = [
            html(
                "html/en/a.html",
                "<p id=\"top\">\n<a href=\"b.html#there\">b</a>\n<a href=\"#top\">up</a>\n<a href=\"c.html\">c</a>\n<a href=\"b.html#nowhere\">x</a>\n<a href=\"https://example.com\">e</a>",
            ),
            html(
                "html/en/b.html",
                "<h2 id=\"there\">B</h2><img src=\"../assets/i.png\" alt=\"\">",
            ),
            html("html/assets/i.png", ""),
        ];
        let broken = verify(&files);
        let found: Vec<(usize, &str)> = broken.iter().map(|b| (b.line, b.link.as_str())).collect();
        assert_eq!(found, [(4, "c.html"), (5, "b.html#nowhere")], "{broken:?}");
    }

    #[test]
    fn has_scheme_tells_urls_from_paths() {
        assert!(crate::paths::has_scheme("https://x"));
        assert!(crate::paths::has_scheme("mailto:a@b.c"));
        assert!(!crate::paths::has_scheme("a.html#x:y"));
    }
}
