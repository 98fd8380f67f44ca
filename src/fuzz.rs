//! Entry points for the fuzz targets in `fuzz/` and for the tests that replay their corpus and
//! every crash input on stable Rust. Each takes arbitrary bytes and panics only on a bug: input
//! that runbook mishandles, never input that is merely wrong.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a fuzz entry point reports a bug by panicking"
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::i18n::{bilingual, po};
use crate::{Error, build_in_memory, load_project, markup, safety};

/// The fixture project the targets start from.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal")
}

/// A private copy of the fixture for this process, under the crate's `target/` directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/fuzz-scratch")
        .join(format!("{name}-{}", std::process::id()));
    if !dir.join("book.toml").is_file() {
        for entry in walkdir::WalkDir::new(fixture()).into_iter().flatten() {
            let Ok(relative) = entry.path().strip_prefix(fixture()) else {
                continue;
            };
            let target = dir.join(relative);
            let copied = if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target)
            } else {
                std::fs::copy(entry.path(), &target).map(|_| ())
            };
            copied.unwrap_or_else(|e| panic!("cannot copy the fixture to {}: {e}", dir.display()));
        }
    }
    dir
}

/// Puts `original` back at `path` (removes the file when there was none).
fn restore(path: &Path, original: Option<Vec<u8>>) {
    match original {
        Some(bytes) => std::fs::write(path, bytes),
        None => std::fs::remove_file(path),
    }
    .unwrap_or_else(|e| panic!("cannot restore {}: {e}", path.display()));
}

/// The content file names the first input byte chooses between.
const FILE_NAMES: &[&str] = &[
    "products.yaml",
    "categories.yaml",
    "ui.yaml",
    "handle-outage.yaml",
    "fuzzed.yaml",
    "status.md",
    "status.ja.md",
    "fuzzed.md",
];

/// The fixture with every code that can be lowered set to `allow` (`[output.runbook.lints]`):
/// whatever such a project tolerates, its build must verify.
fn lenient(name: &str) -> PathBuf {
    let dir = scratch(name);
    let toml = dir.join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap_or_default();
    if !text.contains("[output.runbook.lints]") {
        let lints: String = crate::lints::CODES
            .iter()
            .filter(|code| code.class == crate::lints::Class::Lowerable)
            .map(|code| format!("{} = \"allow\"\n", code.name))
            .collect();
        std::fs::write(&toml, format!("{text}\n[output.runbook.lints]\n{lints}"))
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", toml.display()));
    }
    dir
}

/// Loading a content tree: the first byte picks a content file of the fixture to replace (YAML
/// of each kind, a page, a translation), the rest is its text. The project is checked and, when
/// it has no errors, built in memory; the build's own verification must pass. The same input
/// goes through a copy of the fixture that allows every code that can be lowered, whose build
/// must verify as well: `check` passing means `build` passing, whatever the lint levels.
pub fn load(data: &[u8]) {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    static LENIENT: OnceLock<PathBuf> = OnceLock::new();
    load_into(DIR.get_or_init(|| scratch("load")), data);
    load_into(LENIENT.get_or_init(|| lenient("load-lenient")), data);
}

/// [`load`] into one copy of the fixture.
fn load_into(dir: &Path, data: &[u8]) {
    let Some((&choice, text)) = data.split_first() else {
        return;
    };
    let name = FILE_NAMES[usize::from(choice) % FILE_NAMES.len()];
    let path = dir.join("content").join(name);
    let original = std::fs::read(fixture().join("content").join(name)).ok();
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    let outcome = build_in_memory(dir);
    // Put the fixture back before judging, so the next input starts from it.
    restore(&path, original);
    match outcome {
        Ok(_) | Err(Error::Content { .. }) => {}
        Err(error) => panic!("valid content did not build: {error}"),
    }
}

/// Rendering Markdown text: every function of `markup` that takes author text, and the
/// sanitizer, whose output must hold no script.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut anchors = markup::Anchors::new();
    let html = markup::to_html(text, markup::Flavor::Block, &mut anchors);
    let _ = markup::to_html(text, markup::Flavor::Inline, &mut markup::Anchors::new());
    let _ = markup::headings(text, &mut markup::Anchors::new());
    let _ = markup::links(text);
    let _ = markup::plain_text(text);
    let _ = markup::is_inline(text);
    let _ = markup::to_typst(text, &|_| None, &markup::AlertLabels::english(), &|_| None);
    let _ = crate::dialect::directives(text);
    let _ = markup::rewrite_links(text, &|d| Some(format!("x/{d}")));
    // Links shown as text: no rejected link survives, whatever the nesting or the link's form.
    let rejected = |d: &str| d.starts_with("missing/");
    let unlinked = markup::unlink_unresolved(text, &|d| !rejected(d), "missing");
    for link in markup::links(&unlinked) {
        assert!(
            !rejected(&link.destination),
            "a rejected link survived: {:?} in {unlinked:?}",
            link.destination
        );
    }
    for piece in markup::raw_html(text) {
        let _ = safety::raw_html_problems(&piece.html);
        assert!(
            text.get(piece.range.clone()).is_some(),
            "raw HTML range {:?} is not in the text",
            piece.range
        );
    }
    // Lists read as steps: items inside the text, every list decorated, no mark left behind.
    let lists = markup::ordered_lists(text);
    for list in &lists {
        for item in &list.items {
            assert!(
                text.get(item.range.clone()).is_some(),
                "item range {:?}",
                item.range
            );
            let _ = markup::take_alerts(&item.body);
        }
    }
    let steps: Vec<markup::StepsHtml> = lists
        .iter()
        .map(|list| markup::StepsHtml {
            ordinal: list.ordinal,
            continued_by: list.continued_by.clone(),
            open: "<ol class=\"steps\">".into(),
            close: "</ol>".into(),
            items: (0..list.items.len())
                .map(|i| format!("<li id=\"s{i}\"><h3>"))
                .collect(),
            title_close: "</h3>".into(),
        })
        .collect();
    let decorated = markup::to_html_steps(
        text,
        markup::Flavor::Block,
        &mut markup::Anchors::new(),
        &|d| markup::LinkRewrite {
            destination: d.to_string(),
            note: None,
        },
        &markup::AlertLabels::english(),
        &steps,
    );
    if !text.contains(['\u{E000}', '\u{E001}']) {
        assert!(
            !decorated.contains(['\u{E000}', '\u{E001}']),
            "a step mark was left in {decorated}"
        );
    }
    let _ = markup::slugify(text);
    let clean = safety::sanitize(&html);
    let found = crate::verify::unsafe_markup(&clean);
    assert!(
        found.is_empty(),
        "script survived sanitizing: {found:?} in {clean}"
    );
}

/// PO import: the input is a PO file for the fixture's Japanese. When it parses and plans
/// without errors, the planned files must load again without errors: an import never leaves
/// content that does not parse.
pub fn po_import(data: &[u8]) {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = DIR.get_or_init(|| scratch("po"));
    let mut project = match load_project(dir) {
        Ok(project) => project,
        Err(error) => panic!("the fixture does not load: {error}"),
    };
    let file = project.sources.add("fuzzed.po", text.to_string());
    let Ok(catalog) = po::read(&project.sources.file(file).text, file) else {
        return;
    };
    let plan = crate::pipeline::translate::plan_import(&project, &catalog.entries, "ja");
    if crate::diagnostic::has_errors(&plan.diagnostics) || plan.files.is_empty() {
        return;
    }
    let mut originals = Vec::new();
    for (path, new_text) in &plan.files {
        let target = dir.join(path);
        originals.push((target.clone(), std::fs::read(&target).ok()));
        std::fs::write(&target, new_text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", target.display()));
    }
    let reloaded = load_project(dir);
    for (target, bytes) in originals {
        restore(&target, bytes);
    }
    if let Err(error) = reloaded {
        panic!(
            "imported content does not load: {error}\nfiles: {:#?}",
            plan.files
        );
    }
}

/// The bilingual import: a side-by-side page read into pairs and written as PO, which must
/// read back with the same number of messages.
pub fn bilingual(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let page = bilingual::read(text);
    let po_text = bilingual::to_po(&page, "fuzzed.md");
    let mut sources = crate::source::SourceMap::new();
    let file = sources.add("fuzzed.po", po_text.clone());
    if let Err(diagnostic) = po::read(&sources.file(file).text, file) {
        panic!(
            "the PO written does not read back: {}\n{po_text}",
            diagnostic.message
        );
    }
}
