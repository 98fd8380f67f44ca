//! Incremental builds: after random edits of a corpus, a build that keeps what the cache says is
//! unchanged writes exactly what a clean build writes; a corrupt, foreign or outdated cache is
//! ignored.

use std::path::Path;

use crate::util::{Project, read_tree};

#[path = "../../examples/corpus.rs"]
#[allow(dead_code)]
mod corpus;

/// A corpus of `n` procedures (with a page each) in English and Japanese.
fn corpus_project(n: usize, seed: u64) -> Project {
    let project = Project::empty();
    corpus::generate(n, project.root(), seed).unwrap();
    project
}

fn at(project: &Project, relative: &str) -> String {
    project.root().join(relative).to_str().unwrap().to_string()
}

/// Builds into `dir` (a directory under the project), returning the exit code and stderr.
fn build(project: &Project, dir: &str) -> (i32, String) {
    let out = at(project, dir);
    let run = project.run(&["build", "--out", &out]);
    (run.code(), run.stderr())
}

/// A clean build of the project as it is, into `clean/` (removed first, so nothing is kept).
fn clean_build(project: &Project) -> (i32, String) {
    let _ = std::fs::remove_dir_all(project.root().join("clean"));
    build(project, "clean")
}

fn assert_same_tree(project: &Project, a: &str, b: &str, context: &str) {
    let left = read_tree(&project.root().join(a));
    let right = read_tree(&project.root().join(b));
    let names = |tree: &std::collections::BTreeMap<String, Vec<u8>>| -> Vec<String> {
        tree.keys().cloned().collect()
    };
    assert_eq!(names(&left), names(&right), "{context}: file lists differ");
    for (path, bytes) in &left {
        assert!(right[path] == *bytes, "{context}: `{path}` differs");
    }
}

/// The "N of M units rendered" of a summary.
fn units_rendered(stderr: &str) -> Option<(usize, usize)> {
    let (before, _) = stderr.split_once(" units rendered")?;
    let (_, counts) = before.rsplit_once("; ")?;
    let (rendered, total) = counts.split_once(" of ")?;
    Some((rendered.parse().ok()?, total.parse().ok()?))
}

/// Every file of `dir` (relative to the project) with the given extension, sorted.
fn content_files(project: &Project, extension: &str) -> Vec<String> {
    let content = project.root().join("content");
    let mut files: Vec<String> = walkdir::WalkDir::new(&content)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == extension))
        .map(|e| {
            e.path()
                .strip_prefix(project.root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// One random edit of the kinds authors make; says what it did.
fn edit(project: &Project, rng: &mut fastrand::Rng, round: usize) -> String {
    let pages = content_files(project, "md");
    let procedures = content_files(project, "yaml")
        .into_iter()
        .filter(|p| p.contains("procedure-"))
        .collect::<Vec<_>>();
    let root = project.root();
    let change = |path: &str, f: &dyn Fn(String) -> String| {
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        std::fs::write(root.join(path), f(text)).unwrap();
    };
    match rng.usize(0..9) {
        0 => {
            let page = &pages[rng.usize(..pages.len())];
            change(page, &|t| format!("{t}\nAn added line {round}, mailbox.\n"));
            format!("appended a line to {page}")
        }
        1 => {
            let page = &pages[rng.usize(..pages.len())];
            change(page, &|t| {
                format!("{t}\n## Added section {round}\n\nNew text for tenants.\n")
            });
            format!("added a section to {page}")
        }
        2 => {
            let page = &pages[rng.usize(..pages.len())];
            change(page, &|t| {
                t.replacen("title: ", &format!("title: Renamed {round} "), 1)
            });
            format!("renamed {page}")
        }
        3 => {
            let procedure = &procedures[rng.usize(..procedures.len())];
            let word = ["tenant", "billing", "portal", "テナント"][rng.usize(..4)];
            change(procedure, &|t| t.replacen(word, "changed", 1));
            format!("changed `{word}` in {procedure}")
        }
        4 => {
            let procedure = &procedures[rng.usize(..procedures.len())];
            change(procedure, &|t| {
                t.replacen(
                    "title: { en: \"",
                    &format!("title: {{ en: \"Now {round} "),
                    1,
                )
            });
            format!("retitled {procedure}")
        }
        5 => {
            change("content/categories.yaml", &|t| {
                t.replacen("Category 1", &format!("Category {round}"), 1)
            });
            "renamed a category".to_string()
        }
        6 => {
            let path = format!("content/area-0/extra-{round}.md");
            project.write(
                &path,
                &format!("---\ntitle: Extra {round}\n---\n\nSee [the notes](page-0.md#details).\n"),
            );
            format!("added {path}")
        }
        7 => {
            // A page whose translation exists: remove the translation only, so the page falls
            // back to its source (links to it still resolve).
            let translations: Vec<&String> =
                pages.iter().filter(|p| p.ends_with(".ja.md")).collect();
            let page = translations[rng.usize(..translations.len())];
            std::fs::remove_file(root.join(page)).unwrap();
            format!("removed {page}")
        }
        _ => {
            let procedure = &procedures[rng.usize(..procedures.len())];
            change(procedure, &|t| t.replacen("step-2)", "step-9)", 1));
            format!("pointed a link of {procedure} elsewhere")
        }
    }
}

#[test]
fn builds_after_random_edits_equal_clean_builds() {
    for seed in [3, 11] {
        let project = corpus_project(12, seed);
        let mut rng = fastrand::Rng::with_seed(seed);
        let (code, _) = build(&project, "out");
        assert_eq!(code, 0);
        let mut kept_some = false;
        for round in 0..10 {
            let mut done = Vec::new();
            for _ in 0..rng.usize(1..3) {
                done.push(edit(&project, &mut rng, round));
            }
            let context = format!("seed {seed}, round {round}: {}", done.join("; "));
            let (code, stderr) = build(&project, "out");
            let (clean_code, clean_stderr) = clean_build(&project);
            assert_eq!(code, clean_code, "{context}\n{stderr}\n{clean_stderr}");
            if code != 0 {
                // Both refused the edit alike; the output is the last good one.
                continue;
            }
            if let Some((rendered, total)) = units_rendered(&stderr) {
                kept_some |= rendered < total;
            }
            assert_same_tree(&project, "out", "clean", &context);
        }
        assert!(kept_some, "seed {seed}: no build kept anything");
    }
}

#[test]
fn a_build_after_a_one_page_edit_renders_only_that_page_and_the_index() {
    let project = Project::sample();
    build(&project, "out");
    let (code, stderr) = build(&project, "out");
    assert_eq!(code, 0, "{stderr}");
    let (rendered, total) = units_rendered(&stderr).expect("a summary with units");
    assert_eq!(rendered, 0, "{stderr}");
    assert!(total > 10);
    assert!(stderr.contains("en: unchanged"), "{stderr}");
    let page = "content/check-service-health.md";
    let text = project.read(page);
    project.write(
        page,
        &format!("{text}\nOne more sentence about service health.\n"),
    );
    let (code, stderr) = build(&project, "out");
    assert_eq!(code, 0, "{stderr}");
    // The page in two outputs (HTML and Markdown) for two locales (Japanese shows its own
    // translation but marks it against this source), the English search index, the Japanese
    // review, and the four bound runbooks of each locale, which print the page as an appendix.
    // Not the procedure's pages and checklists, nor the other pages.
    let (rendered, _) = units_rendered(&stderr).unwrap();
    assert_eq!(rendered, 2 * 2 + 1 + 1 + 4 * 2, "{stderr}");
    assert!(stderr.contains("ja: unchanged"), "{stderr}");
    clean_build(&project);
    assert_same_tree(&project, "out", "clean", "one page edited");
}

/// The cache file of the output `dir`.
fn cache_file(project: &Project) -> std::path::PathBuf {
    let dir = project.root().join(".runbook/cache");
    let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(entries.len(), 1, "one cache in {}", dir.display());
    entries[0].path()
}

#[test]
fn a_corrupt_foreign_or_outdated_cache_is_ignored() {
    let project = Project::sample();
    build(&project, "out");
    let cache = cache_file(&project);
    let good = std::fs::read(&cache).unwrap();
    let page = "content/check-service-health.md";
    let text = project.read(page);
    project.write(page, &format!("{text}\nEdited.\n"));
    clean_build(&project);
    let _ = std::fs::remove_dir_all(project.root().join(".runbook/cache"));
    let check = |what: &str, cache_bytes: &[u8], expect_kept: bool| {
        std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
        std::fs::write(&cache, cache_bytes).unwrap();
        let (code, stderr) = build(&project, "out");
        assert_eq!(code, 0, "{what}: {stderr}");
        let kept = units_rendered(&stderr).is_some_and(|(r, t)| r < t);
        assert_eq!(kept, expect_kept, "{what}: {stderr}");
        assert_same_tree(&project, "out", "clean", what);
    };
    // Garbage, and a cache cut short.
    check("garbage", b"not a cache", false);
    check("truncated", &good[..good.len() / 2], false);
    // The output was rebuilt since (its manifest differs from the one the cache was made for).
    let other = Project::fixture("minimal");
    build(&other, "out");
    let foreign = std::fs::read(cache_file(&other)).unwrap();
    check("foreign", &foreign, false);
    // A file the cache says the output holds is gone: the build notices and starts over.
    let (code, stderr) = build(&project, "out");
    assert_eq!(code, 0, "{stderr}");
    let good = std::fs::read(&cache).unwrap();
    std::fs::remove_file(
        project
            .root()
            .join("out/html/en/report-problems-on-behalf-of-a-customer.html"),
    )
    .unwrap();
    project.write(page, &format!("{text}\nEdited again.\n"));
    clean_build(&project);
    check("missing output file", &good, false);
}

#[test]
fn the_cache_lives_under_dot_runbook() {
    let project = Project::sample();
    build(&project, "out");
    assert!(cache_file(&project).starts_with(project.root().join(".runbook/cache")));
    assert!(!Path::new(&at(&project, "out/.runbook")).exists());
}

#[test]
fn builds_in_memory_keep_what_is_unchanged_and_equal_fresh_ones() {
    let project = corpus_project(6, 5);
    let mut cache = runbook::pipeline::incremental::Cache::default();
    let first = runbook::build_in_memory_keeping(project.root(), &mut cache).unwrap();
    assert!(!cache.units.is_empty());
    let mut rng = fastrand::Rng::with_seed(5);
    let mut kept_some = false;
    for round in 0..4 {
        let what = edit(&project, &mut rng, round);
        let kept = runbook::build_in_memory_keeping(project.root(), &mut cache);
        let fresh = runbook::build_in_memory(project.root());
        match (kept, fresh) {
            (Ok(kept), Ok(fresh)) => {
                kept_some |= kept.memo.kept > 0;
                assert_eq!(fresh.memo.kept, 0);
                let names = |files: &[runbook::output::OutputFile]| {
                    files.iter().map(|f| f.path.clone()).collect::<Vec<_>>()
                };
                assert_eq!(names(&kept.files), names(&fresh.files), "{what}");
                for (a, b) in kept.files.iter().zip(&fresh.files) {
                    assert!(a.bytes == b.bytes, "{what}: `{}` differs", a.path);
                }
            }
            (Err(_), Err(_)) => {}
            (kept, fresh) => panic!("{what}: {:?} against {:?}", kept.is_ok(), fresh.is_ok()),
        }
    }
    assert!(!first.files.is_empty());
    assert!(kept_some, "no build in memory kept anything");
}

#[test]
fn pdfs_are_kept_when_what_typst_reads_is_unchanged() {
    if !cfg!(feature = "pdf") {
        return;
    }
    let project = Project::sample();
    let pdf_build = |dir: &str| {
        let out = at(&project, dir);
        let run = project.run(&["build", "--pdf", "--out", &out]);
        (run.code(), run.stderr())
    };
    assert_eq!(pdf_build("out").0, 0);
    let (code, stderr) = pdf_build("out");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(units_rendered(&stderr).map(|(r, _)| r), Some(0), "{stderr}");
    let page = "content/check-service-health.md";
    let text = project.read(page);
    project.write(page, &format!("{text}\nOne more sentence.\n"));
    let (code, stderr) = pdf_build("out");
    assert_eq!(code, 0, "{stderr}");
    let (rendered, total) = units_rendered(&stderr).unwrap();
    assert!(rendered < total, "{stderr}");
    let _ = std::fs::remove_dir_all(project.root().join("clean"));
    assert_eq!(pdf_build("clean").0, 0);
    assert_same_tree(&project, "out", "clean", "PDF build after a page edit");
}
