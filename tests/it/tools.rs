//! The built sample through the peers' own tools: every HTML page through the Nu HTML Checker
//! (`vnu.jar`, installed by `.ci/run` with npm), every Markdown locale through `mdbook build`.
//! Both tools must be present: a missing tool fails the test with the command that installs it.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{Project, repo_root};

/// `RUNBOOK_VNU_JAR`, else the copy `.ci/run` installs under `tests/tools/node_modules`.
fn vnu_jar() -> PathBuf {
    let path = std::env::var_os("RUNBOOK_VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("tests/tools/node_modules/vnu-jar/build/dist/vnu.jar"));
    assert!(
        path.is_file(),
        "the Nu HTML Checker is missing at {}: run `npm ci --prefix tests/tools` (or set RUNBOOK_VNU_JAR)",
        path.display()
    );
    path
}

#[test]
fn nu_html_checker_reports_no_error_on_any_page() {
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    let html = project.root().join("build/html");
    let pages = crate::util::read_tree(&html)
        .keys()
        .filter(|p| p.ends_with(".html"))
        .count();
    assert!(pages >= 11, "{pages} pages");
    let output = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--skip-non-html", "--errors-only"])
        .arg(&html)
        .output()
        .expect("java must be installed to run the Nu HTML Checker");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && report.trim().is_empty(),
        "Nu HTML Checker:\n{report}"
    );
}

#[test]
fn nu_html_checker_catches_invalid_html() {
    // The check above can fail: an invalid page is reported.
    let project = Project::empty();
    project.write(
        "bad/index.html",
        "<!DOCTYPE html><html lang=en><title>x</title><p><div></p>",
    );
    let output = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--skip-non-html", "--errors-only"])
        .arg(project.root().join("bad"))
        .output()
        .unwrap();
    assert!(!output.status.success());
}

#[test]
fn mdbook_builds_every_markdown_locale() {
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    for locale in ["en", "ja"] {
        let book = project.root().join("build/markdown").join(locale);
        let dest = project.root().join("mdbook-out").join(locale);
        let output = Command::new("mdbook")
            .arg("build")
            .arg(&book)
            .arg("--dest-dir")
            .arg(&dest)
            .output()
            .expect("mdbook must be on PATH: `cargo install mdbook --locked`");
        assert!(
            output.status.success(),
            "mdbook build {locale}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let page =
            std::fs::read_to_string(dest.join("escalate-problems-to-microsoft.html")).unwrap();
        // Cross-links and step anchors work in mdBook's output too.
        assert!(page.contains(r#"href="check-service-health.html""#));
        assert!(page.contains(r#"id="submit-request""#));
    }
}
