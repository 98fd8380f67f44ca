//! Adopting a docset with known defects: lint levels, the baseline, and `check` ≡ `build` on the
//! constructs real DocFX pages hold.

use crate::util::Project;

/// The docfx fixture with two defects a real docset has: a link to a removed page and a missing
/// screenshot, written at the end of a page.
fn with_two_defects() -> Project {
    let project = Project::fixture("docfx");
    let page = project.read("content/check-service-health.md");
    project.write(
        "content/check-service-health.md",
        &format!(
            "{page}\nSee [the old portal guide](old-portal-guide.md) as well.\n\n![The old dashboard](media/old-dashboard.png)\n"
        ),
    );
    project
}

/// Adds a line to `book.toml`'s `[output.runbook]` table (the fixture's first table after it
/// is `[output.runbook.titles]`).
fn configure(project: &Project, line: &str) {
    let toml = project.read("book.toml");
    let key = line.split(" =").next().unwrap_or(line);
    // A key set before is set again.
    let toml: String = toml
        .lines()
        .filter(|l| !l.starts_with(&format!("{key} =")))
        .map(|l| format!("{l}\n"))
        .collect();
    project.write(
        "book.toml",
        &toml.replacen(
            "[output.runbook]\n",
            &format!("[output.runbook]\n{line}\n"),
            1,
        ),
    );
}

fn errors_in(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("error[")).collect()
}

#[test]
fn a_lowered_link_error_renders_the_text_never_a_link_to_nothing() {
    let project = with_two_defects();
    project.run(&["check"]).expect(1);
    let toml = project.read("book.toml");
    project.write(
        "book.toml",
        &format!("{toml}\n[output.runbook.lints]\nbroken-link = \"warn\"\n"),
    );
    let check = project.run(&["check"]).expect(0);
    assert!(
        check.stderr().contains("warning[broken-link]"),
        "{}",
        check.stderr()
    );
    project.run(&["build"]).expect(0);
    for locale in ["en", "ja"] {
        let html = project.read(&format!("build/html/{locale}/check-service-health.html"));
        assert!(!html.contains("old-portal-guide"), "{html}");
        assert!(!html.contains("old-dashboard.png"), "{html}");
    }
    let en = project.read("build/html/en/check-service-health.html");
    assert!(
        en.contains(
            "<span class=\"unresolved-link\" title=\"This link's page or file is missing\">the old portal guide</span>"
        ),
        "{en}"
    );
    assert!(
        en.contains(">The old dashboard</span>"),
        "the missing image's alt text: {en}"
    );
    // Raw HTML links and images too, as `check` finds them (any quoting), never in code.
    let page = project.read("content/check-service-health.md");
    project.write(
        "content/check-service-health.md",
        &format!("{page}\n<img src=\"media/gone-raw.png\" alt=\"A raw picture\"> and <a href='gone-raw.md'>a raw link</a>.\n\n```html\n<a href=\"gone-raw.md\">kept as code</a>\n```\n"),
    );
    project.run(&["check"]).expect(0);
    project.run(&["build"]).expect(0);
    let en = project.read("build/html/en/check-service-health.html");
    assert!(!en.contains("src=\"media/gone-raw.png\""), "{en}");
    assert!(en.contains(">A raw picture</span>"), "{en}");
    assert!(
        en.contains("&lt;a href=\"gone-raw.md\"&gt;kept as code"),
        "{en}"
    );
    // The Markdown book does not point at nothing either.
    let markdown = project.read("build/markdown/en/src/check-service-health.md");
    assert!(!markdown.contains("old-portal-guide.md"), "{markdown}");
    // `allow` says nothing at all, and builds the same pages.
    let toml = project.read("book.toml");
    project.write(
        "book.toml",
        &toml.replace("broken-link = \"warn\"", "broken-link = \"allow\""),
    );
    let check = project.run(&["check"]).expect(0);
    assert!(
        !check.stderr().contains("broken-link"),
        "{}",
        check.stderr()
    );
    project.run(&["build"]).expect(0);
}

#[test]
fn a_warning_code_can_be_denied() {
    let project = Project::fixture("docfx");
    let page = project.read("content/check-service-health.md");
    project.write(
        "content/check-service-health.md",
        &format!("{page}\n![](media/status-page.png)\n"),
    );
    project.run(&["check"]).expect(0);
    let toml = project.read("book.toml");
    project.write(
        "book.toml",
        &format!("{toml}\n[output.runbook.lints]\nimage-alt = \"deny\"\n"),
    );
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(stderr.contains("error[image-alt]"), "{stderr}");
}

#[test]
fn safety_codes_and_unknown_codes_are_refused_in_the_configuration() {
    let project = Project::fixture("docfx");
    let toml = project.read("book.toml");
    for (lint, expected) in [
        (
            "unsafe-html = \"allow\"",
            "`unsafe-html` cannot be lowered: it guards the readers' safety",
        ),
        ("unsafe-link = \"warn\"", "`unsafe-link` cannot be lowered"),
        (
            "unsafe-asset = \"allow\"",
            "`unsafe-asset` cannot be lowered",
        ),
        (
            "link-outside = \"warn\"",
            "`link-outside` cannot be lowered",
        ),
        (
            "unknown-step = \"allow\"",
            "`unknown-step` cannot be lowered: nothing can be built",
        ),
        ("broken-links = \"warn\"", "did you mean `broken-link`?"),
        ("broken-link = \"off\"", "`off` is not a lint level"),
    ] {
        project.write(
            "book.toml",
            &format!("{toml}\n[output.runbook.lints]\n{lint}\n"),
        );
        let stderr = project.run(&["check"]).expect(1).stderr();
        assert!(stderr.contains("error[invalid-config]"), "{lint}: {stderr}");
        assert!(stderr.contains(expected), "{lint}: {stderr}");
        assert!(stderr.contains("book.toml:"), "{lint}: placed: {stderr}");
        project.run(&["build"]).expect(1);
        assert!(!project.root().join("build").exists());
    }
    // A far miss gets no guess.
    project.write(
        "book.toml",
        &format!("{toml}\n[output.runbook.lints]\neverything = \"allow\"\n"),
    );
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(!stderr.contains("did you mean"), "{stderr}");
    assert!(
        stderr.contains("docs/diagnostics.md lists every code"),
        "{stderr}"
    );
}

#[test]
fn the_baseline_tolerates_what_it_records_and_fails_on_every_new_finding() {
    let project = with_two_defects();
    let run = project.run(&["check", "--write-baseline"]).expect(0);
    assert!(
        run.stderr().contains("recorded 3 finding(s)"),
        "{}",
        run.stderr()
    );
    let json = project
        .run(&["check", "--format", "json"])
        .expect(0)
        .stdout();
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["summary"]["baselined"], 3, "{json}");
    assert_eq!(report["summary"]["errors"], 0, "{json}");
    let baseline = project.read("runbook-baseline.json");
    assert!(
        !baseline.contains("\"line\""),
        "no line numbers: {baseline}"
    );
    // Written twice, it is the same file.
    project.run(&["check", "--write-baseline"]).expect(0);
    assert_eq!(project.read("runbook-baseline.json"), baseline);
    let check = project.run(&["check"]).expect(0);
    assert!(
        check
            .stderr()
            .contains("known problems in the baseline; `--show-baselined` lists them"),
        "{}",
        check.stderr()
    );
    assert!(errors_in(&check.stderr()).is_empty(), "{}", check.stderr());
    let shown = project.run(&["check", "--show-baselined"]).expect(0);
    assert!(
        shown
            .stderr()
            .contains("known: no page or procedure `old-portal-guide.md`"),
        "{}",
        shown.stderr()
    );
    let summary = project.run(&["check", "--summary"]).expect(0);
    assert!(
        summary.stdout().contains("| known | code |") && summary.stdout().contains("`broken-link`"),
        "{}",
        summary.stdout()
    );
    project.run(&["build"]).expect(0);
    let en = project.read("build/html/en/check-service-health.html");
    assert!(en.contains("class=\"unresolved-link\""), "{en}");

    // Edits above a finding, and an unrelated file renamed, leave it matched.
    let page = project.read("content/check-service-health.md");
    let body_start = page.find("\n---\n").unwrap() + 5;
    project.write(
        "content/check-service-health.md",
        &format!(
            "{}\nA new paragraph above everything.\n\nAnd another.\n{}",
            &page[..body_start],
            &page[body_start..]
        ),
    );
    std::fs::rename(
        project.root().join("content/media/severity-chart.png"),
        project.root().join("content/media/severity-chart-2026.png"),
    )
    .unwrap();
    for file in [
        "content/escalate-to-vendor.md",
        "content/ja/escalate-to-vendor.md",
    ] {
        let text = project.read(file);
        project.write(
            file,
            &text.replace("severity-chart.png", "severity-chart-2026.png"),
        );
    }
    let check = project.run(&["check"]).expect(0);
    assert!(errors_in(&check.stderr()).is_empty(), "{}", check.stderr());

    // One new broken link: exactly one error, and the GitHub annotations name only it.
    let page = project.read("content/check-service-health.md");
    project.write(
        "content/check-service-health.md",
        &format!("{page}\nAlso [a brand new link](brand-new-page.md).\n"),
    );
    let stderr = project.run(&["check"]).expect(1).stderr();
    let errors = errors_in(&stderr);
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("brand-new-page.md"), "{stderr}");
    let github = project
        .run(&["check", "--format", "github"])
        .expect(1)
        .stdout();
    let annotations: Vec<&str> = github
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect();
    assert_eq!(annotations.len(), 1, "{github}");
    assert!(annotations[0].contains("brand-new-page.md"), "{github}");
    project.run(&["build"]).expect(1);

    // Fixing a recorded finding is a note that asks to shrink the baseline.
    project.write(
        "content/check-service-health.md",
        &page.replace(
            "See [the old portal guide](old-portal-guide.md) as well.",
            "See the portal guide as well.",
        ),
    );
    let stderr = project.run(&["check"]).expect(0).stderr();
    assert!(stderr.contains("note[baseline-fixed]"), "{stderr}");
    assert!(
        stderr.contains("shrink the baseline with `runbook check --write-baseline`"),
        "{stderr}"
    );
    project.run(&["check", "--write-baseline"]).expect(0);
    let shrunk = project.read("runbook-baseline.json");
    assert!(shrunk.len() < baseline.len(), "{shrunk}");
    assert!(!shrunk.contains("old-portal-guide"), "{shrunk}");
    let stderr = project.run(&["check"]).expect(0).stderr();
    assert!(!stderr.contains("baseline-fixed"), "{stderr}");
}

#[test]
fn a_baseline_that_cannot_be_read_is_an_error_and_nothing_is_written() {
    let project = with_two_defects();
    project.run(&["check", "--write-baseline"]).expect(0);
    let good = project.read("runbook-baseline.json");
    project.write(
        "runbook-baseline.json",
        &good.replacen("\"findings\": [", "\"findings\": [,", 1),
    );
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(stderr.contains("error[invalid-baseline]"), "{stderr}");
    assert!(stderr.contains("--> runbook-baseline.json:3:"), "{stderr}");
    project.run(&["build"]).expect(1);
    assert!(!project.root().join("build").exists());
    project.write(
        "runbook-baseline.json",
        &good.replacen("\"version\": 1", "\"version\": 2", 1),
    );
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("the baseline is of format version 2, and this runbook reads version 1"),
        "{stderr}"
    );
    // Writing it again replaces the broken one.
    project.run(&["check", "--write-baseline"]).expect(0);
    assert_eq!(project.read("runbook-baseline.json"), good);
    // Another path, named in book.toml.
    std::fs::remove_file(project.root().join("runbook-baseline.json")).unwrap();
    configure(&project, "baseline = \"ci/known.json\"");
    std::fs::create_dir_all(project.root().join("ci")).unwrap();
    project.run(&["check", "--write-baseline"]).expect(0);
    assert_eq!(project.read("ci/known.json"), good);
    project.run(&["check"]).expect(0);
    configure(&project, "baseline = \"../elsewhere.json\"");
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("is not a path inside the project"),
        "{stderr}"
    );
}

#[test]
fn safety_findings_are_never_baselined() {
    let project = Project::fixture("docfx");
    let page = project.read("content/check-service-health.md");
    project.write(
        "content/check-service-health.md",
        &format!("{page}\n<script>alert(1)</script>\n"),
    );
    let run = project.run(&["check", "--write-baseline"]).expect(1);
    assert!(
        run.stderr().contains("error[unsafe-html]"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("cannot be recorded"),
        "{}",
        run.stderr()
    );
    project.run(&["check"]).expect(1);
    project.run(&["build"]).expect(1);
}

/// Constructs of real DocFX pages that `check` once refused or `build` once failed on, in one
/// page of the fixture and its translation: each must pass both.
#[test]
fn real_page_constructs_pass_check_and_build_alike() {
    let project = Project::fixture("docfx");
    for (file, slug) in [
        ("content/check-service-health.md", "check-service-health"),
        (
            "content/ja/check-service-health.md",
            "サービス正常性を確認する",
        ),
    ] {
        let page = project.read(file);
        let constructs = format!(
            "\n\n[Back to the title](#{slug})\n\n<pre><code>tenant-id: 0000</code></pre>\n\n<blockquote>Quoted as raw HTML.</blockquote>\n\n<hr>\n\n<center>Centred long ago</center>\n\n<font color=\"red\">Red long ago</font>\n\n[![The status page](media/status-page.png)](media/status-page.png#lightbox)\n\n![Shared diagram](../shared/diagram.png)\n\n:::image type=\"content\" source=\"media/status-page.png\" alt-text=\"<the status page>\":::\n\n<a name=\"steps\"></a>\n\n## Search\n\n## Run\n\nJump to [the steps](#steps), [search](#search) and [run](#run).\n",
        );
        project.write(file, &format!("{page}{constructs}"));
    }
    // An empty `items:` in the table of contents, and a declared outside target.
    let toc = project.read("content/toc.yml");
    project.write(
        "content/toc.yml",
        &format!("{toc}- name: Later\n  items:\n"),
    );
    configure(
        &project,
        "outside = [\"../shared/**\"]\nexclude = [\"ja/draft.md\"]",
    );
    project.write(
        "content/ja/draft.md",
        "---\ntitle: 下書き\n---\n\n[壊れた](nowhere.md)\n",
    );
    let check = project.run(&["check"]).expect(0);
    let stderr = check.stderr();
    assert!(stderr.contains("warning[dropped-html]"), "{stderr}");
    assert!(!stderr.contains("no anchor"), "{stderr}");
    assert!(
        !stderr.contains("`<the>`"),
        "a directive's text is not HTML: {stderr}"
    );
    assert!(!stderr.contains("nowhere.md"), "excluded: {stderr}");
    project.run(&["build"]).expect(0);
    let en = project.read("build/html/en/check-service-health.html");
    assert!(en.contains("<h1 id=\"check-service-health\">"), "{en}");
    assert!(
        en.contains("Centred long ago") && !en.contains("<center>"),
        "{en}"
    );
    assert!(
        en.contains("<pre><code>tenant-id: 0000</code></pre>"),
        "{en}"
    );
    assert!(en.contains("<h2 id=\"search\">Search</h2>"), "{en}");
    assert!(en.contains("alt=\"&lt;the status page&gt;\""), "{en}");
    assert!(
        en.contains("Shared diagram") && !en.contains("../shared/diagram.png"),
        "an image declared outside without an address shows its alt text: {en}"
    );
    assert!(!project.root().join("build/html/ja/draft.html").exists());
}

#[test]
fn the_translation_status_reports_every_file_it_could_read() {
    let project = Project::fixture("docfx");
    project.write(
        "content/ja/escalate-to-vendor.md",
        "---\ntitle: x\n<<<<<<< HEAD\nms.date: 08/10/2023\n=======\nms.date: 10/12/2023\n>>>>>>> e8cb93c\n---\n\n# x\n",
    );
    let run = project.run(&["i18n", "status"]).expect(1);
    assert!(
        run.stdout().contains("check-service-health"),
        "the readable pages are reported: {}",
        run.stdout()
    );
    assert!(
        run.stderr().contains("content/ja/escalate-to-vendor.md"),
        "the unreadable one is named: {}",
        run.stderr()
    );
    let out = project.root().join("ja.po");
    let run = project
        .run(&[
            "i18n",
            "export",
            "--locale",
            "ja",
            "--out",
            out.to_str().unwrap(),
        ])
        .expect(1);
    assert!(out.exists(), "{}", run.stderr());
}

#[test]
fn a_complex_image_description_is_checked_like_any_text() {
    let project = Project::fixture("docfx");
    let page = project.read("content/check-service-health.md");
    project.write(
        "content/check-service-health.md",
        &format!(
            "{page}\n:::image type=\"complex\" source=\"media/status-page.png\" alt-text=\"<the page>\":::\nThe page, <img src=x onerror=alert(1)> described.\n:::image-end:::\n"
        ),
    );
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("error[unsafe-html]: attribute `onerror` of `<img>` is not allowed"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("`<the>`"),
        "the alt text is text: {stderr}"
    );
}

#[test]
fn levels_apply_to_the_baseline_s_own_notes_and_translation_commands_honour_both() {
    let project = with_two_defects();
    let ja = project.read("content/ja/escalate-to-vendor.md");
    project.write(
        "content/ja/escalate-to-vendor.md",
        &ja.replacen("---\n", "---\n<<<<<<< HEAD\n", 1),
    );
    project.run(&["check", "--write-baseline"]).expect(0);
    // The page that does not load is a known problem: the translation status goes on.
    let status = project.run(&["i18n", "status"]).expect(0);
    assert!(
        status.stdout().contains("check-service-health"),
        "{}",
        status.stdout()
    );
    // A fixed finding's note, raised to an error, fails the run until the baseline shrinks.
    let page = project.read("content/check-service-health.md");
    project.write(
        "content/check-service-health.md",
        &page.replace(
            "[the old portal guide](old-portal-guide.md)",
            "the old portal guide",
        ),
    );
    let toml = project.read("book.toml");
    project.write(
        "book.toml",
        &format!("{toml}\n[output.runbook.lints]\nbaseline-fixed = \"deny\"\n"),
    );
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(stderr.contains("error[baseline-fixed]"), "{stderr}");
    project.run(&["check", "--write-baseline"]).expect(0);
    project.run(&["check"]).expect(0);
}
