//! The module graph stays a tree of layers: a module names only modules of its own layer or
//! below (`crate::NAME` in code, comments and tests aside), and no set of modules names each
//! other in a loop. ARCHITECTURE.md describes the same layers.

use std::collections::{BTreeMap, BTreeSet};

use crate::util::repo_root;

/// The library's top-level modules by layer, lowest first. `crate` (the library root, which only
/// re-exports the pipeline) counts as orchestration.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "vocabulary",
        &[
            "source",
            "diagnostic",
            "safety",
            "paths",
            "markup",
            "config",
            "ui",
            "model",
            "fingerprint",
            "metrics",
            "output",
            "lints",
            "baseline",
        ],
    ),
    ("shared views", &["dialect", "i18n", "view"]),
    (
        "stages",
        &["load", "validate", "render", "verify", "write", "record"],
    ),
    (
        "orchestration",
        &[
            "crate", "pipeline", "serve", "init", "import", "convert", "mdbook", "schema", "fuzz",
        ],
    ),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// The code of a source file: comment lines dropped, its test modules (always last) cut.
fn code_of(text: &str) -> String {
    let text = text
        .find("#[cfg(test)]\nmod ")
        .map_or(text, |end| &text[..end]);
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules each top-level module names, from `crate::NAME` and `crate::{A, B}`.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = repo_root().join("src");
    let single = regex::Regex::new(r"crate::([a-zA-Z_][a-zA-Z0-9_]*)").unwrap();
    let group = regex::Regex::new(r"crate::\{([^}]*)\}").unwrap();
    let word = regex::Regex::new(r"(?:^|,)\s*([a-zA-Z_][a-zA-Z0-9_]*)").unwrap();
    let modules: BTreeSet<String> = LAYERS
        .iter()
        .flat_map(|(_, modules)| modules.iter().map(|m| (*m).to_string()))
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap().to_string_lossy();
        let top = relative
            .split(['/', '.'])
            .next()
            .unwrap()
            .replace("lib", "crate");
        // The binary (`main.rs`, `cli.rs`) sits above the library and names it as `runbook::`.
        if top == "main" || top == "cli" {
            continue;
        }
        assert!(
            modules.contains(&top),
            "src/{relative}: module `{top}` has no layer in tests/it/architecture.rs (and ARCHITECTURE.md)"
        );
        let code = code_of(&std::fs::read_to_string(path).unwrap());
        let mut named: Vec<String> = single
            .captures_iter(&code)
            .map(|c| c[1].to_string())
            .collect();
        for block in group.captures_iter(&code) {
            named.extend(word.captures_iter(&block[1]).map(|c| c[1].to_string()));
        }
        let targets = graph.entry(top.clone()).or_default();
        for name in named {
            // An item of the library root (`crate::Error`) is the orchestration's re-export.
            let target = if modules.contains(&name) {
                name
            } else {
                "crate".to_string()
            };
            if target != top {
                targets.insert(target);
            }
        }
    }
    graph
}

/// The modules that cannot be put in order (Kahn's algorithm): those on a loop, with what they
/// name.
fn on_loops(
    mut remaining: BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, BTreeSet<String>> {
    loop {
        let leaves: Vec<String> = remaining
            .iter()
            .filter(|(_, targets)| targets.iter().all(|t| !remaining.contains_key(t)))
            .map(|(module, _)| module.clone())
            .collect();
        if leaves.is_empty() {
            break;
        }
        for leaf in leaves {
            remaining.remove(&leaf);
        }
    }
    remaining
}

#[test]
fn modules_name_only_their_own_layer_or_lower_ones() {
    let graph = module_graph();
    assert!(graph.len() >= 20, "modules found: {graph:?}");
    let mut upward = Vec::new();
    for (module, targets) in &graph {
        let own = layer_of(module).unwrap();
        for target in targets {
            let theirs = layer_of(target).unwrap();
            if theirs > own {
                upward.push(format!(
                    "`{module}` ({}) names `{target}` ({})",
                    LAYERS[own].0, LAYERS[theirs].0
                ));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "a lower module names a higher one; move the shared item down:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_modules_name_each_other_in_a_loop() {
    let remaining = on_loops(module_graph());
    assert!(
        remaining.is_empty(),
        "these modules name each other in a loop: {:?}",
        remaining
            .iter()
            .map(|(module, targets)| format!(
                "{module} -> {}",
                targets
                    .iter()
                    .filter(|t| remaining.contains_key(*t))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_loop_check_finds_a_loop() {
    // The check above can fail: a graph with a loop leaves modules unordered.
    let mut graph = module_graph();
    graph
        .get_mut("source")
        .unwrap()
        .insert("pipeline".to_string());
    let remaining = on_loops(graph);
    assert!(remaining.contains_key("source") && remaining.contains_key("pipeline"));
}

/// Every diagnostic code the library emits is in the one list of codes (`lints::CODES`), which
/// lint levels and the baseline read, and docs/diagnostics.md lists each with its default level.
#[test]
fn every_diagnostic_code_is_registered_and_documented() {
    let emitted = regex::Regex::new(
        r#"(?:Diagnostic::(?:error|warning|note)|\berror|\bwarning)\(\s*"([a-z][a-z0-9-]*)""#,
    )
    .unwrap();
    let mut found = BTreeSet::new();
    for entry in walkdir::WalkDir::new(repo_root().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = entry.path().strip_prefix(repo_root()).unwrap().to_owned();
        // The command line's own fatal errors (`failed`) are not findings.
        if relative.ends_with("cli.rs") {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(entry.path()).unwrap());
        for captures in emitted.captures_iter(&code) {
            found.insert((captures[1].to_string(), relative.display().to_string()));
        }
    }
    assert!(found.len() > 40, "the pattern finds the codes: {found:?}");
    for (code, file) in &found {
        assert!(
            runbook::lints::find(code).is_some(),
            "{file} emits `{code}`, which is not in `lints::CODES`"
        );
    }
    let docs = std::fs::read_to_string(repo_root().join("docs/diagnostics.md")).unwrap();
    for code in runbook::lints::CODES {
        let row = docs
            .lines()
            .find(|line| {
                line.starts_with('|')
                    && line
                        .split('|')
                        .nth(1)
                        .is_some_and(|first| first.contains(&format!("`{}`", code.name)))
            })
            .unwrap_or_else(|| panic!("docs/diagnostics.md has no row for `{}`", code.name));
        let level = match code.default {
            runbook::diagnostic::Severity::Error => "error",
            runbook::diagnostic::Severity::Warning => "warning",
            runbook::diagnostic::Severity::Note => "note",
        };
        assert!(
            row.contains(level),
            "docs/diagnostics.md's row of `{}` does not say `{level}`: {row}",
            code.name
        );
    }
}
