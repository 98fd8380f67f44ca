//! The built sample through the peers' own tools: every HTML page through the Nu HTML Checker
//! (`vnu.jar`, installed by `.ci/run` with npm), every Markdown locale through `mdbook build`.
//! A test whose tool is missing is skipped and says so (a failure under `RUNBOOK_REQUIRE_TOOLS`,
//! which `scripts/test` sets).

use std::path::PathBuf;
use std::process::Command;

use crate::util::{Project, repo_root, tools_present};

/// `RUNBOOK_VNU_JAR`, else the copy `scripts/test` installs under `tests/tools/node_modules`;
/// `None` (the test skipped) when it or Java is missing.
fn vnu_jar() -> Option<PathBuf> {
    let path = std::env::var_os("RUNBOOK_VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("tests/tools/node_modules/vnu-jar/build/dist/vnu.jar"));
    if !tools_present(&["java"]) {
        return None;
    }
    if !path.is_file() {
        // Reported like a missing program: the jar is what `npm ci --prefix tests/tools` installs.
        let jar = format!("vnu.jar (looked for at {})", path.display());
        return tools_present(&[jar.as_str()]).then_some(path);
    }
    Some(path)
}

#[test]
fn nu_html_checker_reports_no_error_on_any_page() {
    let Some(vnu_jar) = vnu_jar() else { return };
    // Also with what only a published site has: `site-url` (canonical, hreflang, `<base>` in
    // the 404 pages, the sitemap) and the project's icon and logo.
    let published = Project::published_sample("https://partners.example.com/docs/guide/");
    published.write_icon_and_logo();
    // And procedure pages: their lists of steps in sections with run panels; and a table of
    // contents: each page's branch of it, and the contents page.
    let procedure_pages = Project::fixture("procedure-pages");
    for project in [
        Project::sample(),
        published,
        procedure_pages,
        Project::fixture("docfx"),
    ] {
        nu_checker_finds_no_error(&vnu_jar, &project);
    }
}

/// Builds `project` and runs the Nu HTML Checker on every page of its site.
fn nu_checker_finds_no_error(vnu_jar: &std::path::Path, project: &Project) {
    project.run(&["build"]).expect(0);
    let html = project.root().join("build/html");
    let pages = crate::util::read_tree(&html)
        .keys()
        .filter(|p| p.ends_with(".html"))
        .count();
    assert!(pages >= 11, "{pages} pages");
    let output = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar)
        .args(["--skip-non-html", "--errors-only"])
        .arg(&html)
        .output()
        .unwrap();
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
    let Some(vnu_jar) = vnu_jar() else { return };
    let project = Project::empty();
    project.write(
        "bad/index.html",
        "<!DOCTYPE html><html lang=en><title>x</title><p><div></p>",
    );
    let output = Command::new("java")
        .arg("-jar")
        .arg(&vnu_jar)
        .args(["--skip-non-html", "--errors-only"])
        .arg(project.root().join("bad"))
        .output()
        .unwrap();
    assert!(!output.status.success());
}

/// Runs `mdbook build` on the built project's Markdown of `locale`, asserts it succeeds, and
/// returns mdBook's output directory.
fn mdbook_build(project: &Project, locale: &str) -> std::path::PathBuf {
    let book = project.root().join("build/markdown").join(locale);
    let dest = project.root().join("mdbook-out").join(locale);
    let output = Command::new("mdbook")
        .arg("build")
        .arg(&book)
        .arg("--dest-dir")
        .arg(&dest)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "mdbook build {locale}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dest
}

#[test]
fn mdbook_builds_every_markdown_locale() {
    if !crate::util::tools_present(&["mdbook"]) {
        return;
    }
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    for locale in ["en", "ja"] {
        let dest = mdbook_build(&project, locale);
        let page =
            std::fs::read_to_string(dest.join("escalate-problems-to-microsoft.html")).unwrap();
        // Cross-links and step anchors work in mdBook's output too.
        assert!(page.contains(r#"href="check-service-health.html""#));
        assert!(page.contains(r#"id="submit-request""#));
    }
}

/// Runs Debian's `linkchecker` (anchor checking on, network off) over a built HTML site and
/// returns its report. It drops root privileges, so the tree is made world-readable first.
fn linkchecker(project: &Project, start: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(project.root())
        .into_iter()
        .filter_map(Result::ok)
    {
        let mode = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let config = project.root().join("linkcheckerrc");
    std::fs::write(&config, "[filtering]\ncheckextern=0\n[AnchorCheck]\n").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = Command::new("linkchecker")
        .arg("--config")
        .arg(&config)
        .arg("--no-status")
        .arg(project.root().join(start))
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn an_independent_checker_finds_no_broken_link_in_a_checked_build() {
    if !crate::util::tools_present(&["linkchecker"]) {
        return;
    }
    for project in [
        Project::sample(),
        Project::fixture("minimal"),
        Project::fixture("procedure-pages"),
        Project::fixture("docfx"),
    ] {
        project.run(&["check"]).expect(0);
        project.run(&["build"]).expect(0);
        let report = linkchecker(&project, "build/html/index.html");
        assert!(
            report.contains(" 0 warnings found. 0 errors found."),
            "{report}"
        );
        assert!(
            !report.contains(" 0 links in "),
            "nothing was checked: {report}"
        );
    }
}

#[test]
fn the_independent_checker_does_see_broken_anchors() {
    if !crate::util::tools_present(&["linkchecker"]) {
        return;
    }
    let project = Project::fixture("minimal");
    project.run(&["build"]).expect(0);
    let page = project.root().join("build/html/en/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        html.replace(
            "<main id=\"rb-main\">",
            "<main id=\"rb-main\"><a href=\"status.html#nope\">x</a>",
        ),
    )
    .unwrap();
    let report = linkchecker(&project, "build/html/index.html");
    assert!(report.contains("Anchor `nope'"), "{report}");
}

/// The DocFX fixture's Markdown output (alerts, includes pulled in, tab sections, the table of
/// contents as SUMMARY.md with a draft chapter for a group) is a book mdBook builds, with GitHub
/// alerts drawn as mdBook draws them.
#[test]
fn mdbook_builds_the_docfx_fixture() {
    if !crate::util::tools_present(&["mdbook"]) {
        return;
    }
    let project = Project::fixture("docfx");
    project.run(&["build"]).expect(0);
    for locale in ["en", "ja"] {
        let dest = mdbook_build(&project, locale);
        let page = std::fs::read_to_string(dest.join("escalate-to-vendor.html")).unwrap();
        assert!(
            page.contains("blockquote-tag-note"),
            "alerts drawn by mdBook"
        );
        assert!(page.contains(r#"src="media/portal-form.png""#));
        assert!(dest.join("media/portal-form.png").is_file());
    }
}

/// `mdbook build` at the root of the sample and of a project from `init` runs runbook as its
/// backend (`[output.runbook] command`) and leaves the files `runbook build` writes, byte for
/// byte; mdBook never reads the Rust `src/` (`[book] src = "content"`).
#[test]
fn mdbook_build_at_the_root_writes_what_runbook_build_writes() {
    if !crate::util::tools_present(&["mdbook"]) {
        return;
    }
    let from_init = Project::empty();
    from_init.run(&["init"]).expect(0);
    let binaries = std::path::Path::new(env!("CARGO_BIN_EXE_runbook"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        binaries.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for project in [Project::sample(), from_init] {
        project.run(&["build"]).expect(0);
        let expected = project.files("build");
        std::fs::rename(
            project.root().join("build"),
            project.root().join("build-by-runbook"),
        )
        .unwrap();
        let output = Command::new("mdbook")
            .arg("build")
            .current_dir(project.root())
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "mdbook build:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let built = project.files("build");
        assert_eq!(
            built.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>()
        );
        let differing: Vec<&String> = built
            .iter()
            .filter(|(path, bytes)| expected.get(*path) != Some(bytes))
            .map(|(path, _)| path)
            .collect();
        assert!(differing.is_empty(), "differ: {differing:?}");
        assert!(project.root().join("build/html/index.html").is_file());
    }
}

/// Runs `check-jsonschema` with one of the schemas it carries (no network) on `files`.
fn check_jsonschema(schema: &str, files: &[PathBuf]) -> std::process::Output {
    Command::new("check-jsonschema")
        .args(["--builtin-schema", schema])
        .args(files)
        .output()
        .unwrap()
}

/// Every workflow in `docs/ci/` is valid for its CI engine (GitHub Actions or GitLab CI), and
/// the Azure Static Web Apps settings are JSON that sends missing addresses to a 404 page the
/// build writes.
#[test]
fn the_documented_workflows_are_valid() {
    if !crate::util::tools_present(&["check-jsonschema"]) {
        return;
    }
    let dir = repo_root().join("docs/ci");
    let mut github = Vec::new();
    let mut gitlab = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        match (name.starts_with("gitlab"), name.ends_with(".yml")) {
            (true, true) => gitlab.push(path),
            (false, true) => github.push(path),
            _ => {}
        }
    }
    github.sort();
    assert!(github.len() >= 3, "{github:?}");
    assert!(!gitlab.is_empty());
    for (schema, files) in [
        ("vendor.github-workflows", &github),
        ("vendor.gitlab-ci", &gitlab),
    ] {
        let output = check_jsonschema(schema, files);
        assert!(
            output.status.success(),
            "{schema}:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("staticwebapp.config.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(config["responseOverrides"]["404"]["rewrite"], "/404.html");
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    assert!(project.root().join("build/html/404.html").is_file());
}

/// The check above can fail: a workflow with an unknown event and a job without a runner is
/// refused.
#[test]
fn the_workflow_check_refuses_a_broken_workflow() {
    if !crate::util::tools_present(&["check-jsonschema"]) {
        return;
    }
    let project = Project::empty();
    project.write(
        "bad.yml",
        "on: pushh\njobs:\n  build:\n    steps:\n      - run: runbook build\n",
    );
    let output = check_jsonschema("vendor.github-workflows", &[project.root().join("bad.yml")]);
    assert!(!output.status.success());
}
