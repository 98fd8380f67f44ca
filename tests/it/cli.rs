//! The commands as a user runs them: exit codes, what is written, determinism, atomic output.

use crate::util::{Project, read_tree, repo_root, run_in};

#[test]
fn build_renders_the_sample_in_english_and_japanese() {
    let project = Project::sample();
    let run = project.run(&["build"]).expect(0);
    assert!(
        run.stderr()
            .contains("built 5 pages per locale (en: 5, ja: 5)"),
        "{}",
        run.stderr()
    );
    let en = project.read("build/html/en/escalate-problems-to-microsoft.html");
    let ja = project.read("build/html/ja/escalate-problems-to-microsoft.html");
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(ja.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"));
    assert!(en.contains("<h1>Escalate problems to Microsoft</h1>"));
    assert!(ja.contains("<h1>マイクロソフトへの問題のエスカレート</h1>"));
    for product in [
        "パートナー センター",
        "米国政府機関向け Microsoft Cloud のパートナー センター",
        "Microsoft Cloud ドイツのパートナー センター",
    ] {
        assert!(ja.contains(product), "{product}");
    }
    // Cross-links point at the HTML page in the same locale; the switcher at the other locale.
    assert!(en.contains(r#"href="check-service-health.html""#));
    assert!(ja.contains(r#"href="report-problems-on-behalf-of-a-customer.html""#));
    assert!(en.contains(r#"href="../ja/escalate-problems-to-microsoft.html" hreflang="ja""#));
    assert!(ja.contains(r#"href="../en/escalate-problems-to-microsoft.html" hreflang="en""#));
    // The root page offers both languages.
    let root = project.read("build/html/index.html");
    assert!(root.contains(r#"href="en/index.html""#) && root.contains(r#"href="ja/index.html""#));
    // Markdown keeps .md links.
    let md = project.read("build/markdown/ja/src/escalate-problems-to-microsoft.md");
    assert!(md.contains("(check-service-health.md)"), "{md}");
    assert!(md.contains("{#submit-request}"), "{md}");
    assert!(
        project
            .read("build/markdown/ja/book.toml")
            .contains("language = \"ja\"")
    );
}

#[test]
fn manifest_lists_every_file_with_locale_kind_and_source() {
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    let manifest: serde_json::Value =
        serde_json::from_str(&project.read("build/manifest.json")).unwrap();
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let written: Vec<String> = project.files("build").into_keys().collect();
    assert_eq!(listed, written);
    let entry = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "html/ja/check-service-health.html")
        .unwrap();
    assert_eq!(entry["locale"], "ja");
    assert_eq!(entry["kind"], "page");
    assert_eq!(entry["source"], "content/check-service-health.ja.md");
}

#[test]
fn two_builds_are_byte_identical() {
    let project = Project::sample();
    let out1 = project.root().join("out1");
    let out2 = project.root().join("out2");
    project
        .run(&["build", "--out", out1.to_str().unwrap()])
        .expect(0);
    project
        .run(&["build", "--out", out2.to_str().unwrap()])
        .expect(0);
    let first = read_tree(&out1);
    assert!(first.len() > 20, "{:?}", first.keys());
    assert_eq!(first, read_tree(&out2));
}

/// Files are rendered, verified and written on every core in any order: one thread gives the
/// same bytes.
#[cfg(unix)]
#[test]
fn each_content_file_is_stored_once_whatever_the_places_it_is_copied_to() {
    use std::os::unix::fs::MetadataExt;
    let project = Project::fixture("docfx");
    let inode = |path: &str| {
        std::fs::metadata(project.root().join("build").join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .ino()
    };
    let places = [
        "html/en/media/portal-form.png",
        "html/ja/media/portal-form.png",
        "markdown/en/src/media/portal-form.png",
        "markdown/ja/src/media/portal-form.png",
    ];
    let run = project.run(&["build"]).expect(0);
    assert!(
        run.stderr()
            .contains("of them linked to the first copy of their content file)"),
        "{}",
        run.stderr()
    );
    let first = inode(places[0]);
    for place in places {
        assert_eq!(inode(place), first, "{place} is a copy of its own");
    }
    assert_eq!(
        std::fs::read(project.root().join("build").join(places[3])).unwrap(),
        std::fs::read(project.root().join("content/media/portal-form.png")).unwrap()
    );
    // A second build keeps the file as it was, still stored once.
    project.run(&["build"]).expect(0);
    assert_eq!(inode(places[2]), first);
    assert_eq!(inode(places[1]), first);
}

#[test]
fn a_build_on_one_thread_is_byte_identical_to_one_on_all() {
    let project = Project::sample();
    let one = project.root().join("one");
    let all = project.root().join("all");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["build", "--quiet", "--root"])
        .arg(project.root())
        .arg("--out")
        .arg(&one)
        .env("RAYON_NUM_THREADS", "1")
        .status()
        .unwrap();
    assert!(status.success());
    project
        .run(&["build", "--out", all.to_str().unwrap()])
        .expect(0);
    assert_eq!(read_tree(&one), read_tree(&all));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    let before = project.files("build");
    project.write("content/products.yaml", "products:\n  - id: [broken\n");
    project.run(&["build"]).expect(1);
    assert_eq!(project.files("build"), before);
    let debris: Vec<_> = std::fs::read_dir(project.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".runbook")
        .collect();
    assert!(debris.is_empty(), "{debris:?}");
}

#[test]
fn build_refuses_to_replace_the_project_or_foreign_directories() {
    let project = Project::sample();
    let before = project.files("content");
    let run = project
        .run(&[
            "build",
            "--out",
            project.root().join("content").to_str().unwrap(),
        ])
        .expect(1);
    assert!(run.stderr().contains("refusing"), "{}", run.stderr());
    assert_eq!(project.files("content"), before);
    project.write("other/keep.txt", "mine");
    project
        .run(&[
            "build",
            "--out",
            project.root().join("other").to_str().unwrap(),
        ])
        .expect(1);
    assert_eq!(project.read("other/keep.txt"), "mine");
    for protected in [".", "content", "templates", ".."] {
        let out = project.root().join(protected);
        let run = project
            .run(&["build", "--force", "--out", out.to_str().unwrap()])
            .expect(1);
        assert!(run.stderr().contains("refusing"), "{}", run.stderr());
    }
    assert_eq!(project.files("content"), before);
    let out = project.root().join("other");
    project
        .run(&["build", "--force", "--out", out.to_str().unwrap()])
        .expect(0);
    assert!(!out.join("keep.txt").exists());
    assert!(out.join("manifest.json").is_file());
}

#[test]
fn check_validates_without_writing() {
    let project = Project::sample();
    let run = project.run(&["check"]).expect(0);
    assert!(
        run.stderr().contains("0 errors, 0 warnings"),
        "{}",
        run.stderr()
    );
    assert!(!project.root().join("build").exists());
}

#[test]
fn strict_check_fails_on_missing_translations() {
    let project = Project::fixture("minimal");
    let run = project.run(&["check"]).expect(0);
    assert!(
        run.stderr().contains("0 errors, 2 warnings"),
        "{}",
        run.stderr()
    );
    let run = project.run(&["check", "--strict"]).expect(1);
    assert!(
        run.stderr().contains("2 errors, 0 warnings"),
        "{}",
        run.stderr()
    );
}

#[test]
fn fallback_error_policy_makes_missing_translations_errors() {
    let project = Project::fixture("minimal");
    let config = project.read("book.toml").replace(
        "[output.runbook]\n",
        "[output.runbook]\nfallback = \"error\"\n",
    );
    project.write("book.toml", &config);
    let run = project.run(&["build"]).expect(1);
    assert!(
        run.stderr().contains("error[missing-translation]"),
        "{}",
        run.stderr()
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = std::env::temp_dir();
    assert_eq!(run_in(&dir, &["build", "--no-such-flag"]).code(), 2);
    assert_eq!(run_in(&dir, &[]).code(), 2);
    assert_eq!(run_in(&dir, &["schema", "nope"]).code(), 2);
}

#[test]
fn help_shows_examples_for_every_subcommand_and_version_prints() {
    let dir = std::env::temp_dir();
    for command in ["build", "check", "init", "schema"] {
        let run = run_in(&dir, &[command, "--help"]).expect(0);
        assert!(
            run.stdout().contains("Examples:"),
            "{command}: {}",
            run.stdout()
        );
        assert!(
            run.stdout().contains("--root <DIR>"),
            "{command}: {}",
            run.stdout()
        );
    }
    for command in ["status", "export", "import", "confirm", "import-bilingual"] {
        let run = run_in(&dir, &["i18n", command, "--help"]).expect(0);
        assert!(
            run.stdout().contains("Examples:"),
            "{command}: {}",
            run.stdout()
        );
    }
    let run = run_in(&dir, &["--version"]).expect(0);
    assert_eq!(
        run.stdout().trim(),
        format!("runbook {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn missing_project_is_a_clear_error() {
    let project = crate::util::Project::empty();
    let run = project.run(&["build"]).expect(1);
    assert!(run.stderr().contains("book.toml"), "{}", run.stderr());
    assert!(run.stderr().contains("runbook init"), "{}", run.stderr());
}

#[test]
fn init_scaffolds_a_project_that_builds_at_once() {
    let project = Project::empty();
    run_in(project.root(), &["init", "guide"]).expect(0);
    let guide = project.root().join("guide");
    let procedure = std::fs::read_to_string(guide.join("content/first-procedure.yaml")).unwrap();
    assert!(
        procedure.starts_with("# yaml-language-server: $schema=../schemas/procedure.schema.json")
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(guide.join("schemas/procedure.schema.json")).unwrap(),
    )
    .unwrap();
    assert!(schema["properties"]["steps"].is_object(), "{schema}");
    let run = run_in(project.root(), &["build", "--root", "guide"]).expect(0);
    assert!(run.stderr().contains("(en: 3, ja: 3)"), "{}", run.stderr());
    assert!(guide.join("build/html/ja/first-procedure.html").is_file());
    // Its translations are tracked from the start.
    assert!(guide.join("translations.lock").is_file());
    let status = run_in(
        project.root(),
        &["i18n", "status", "--strict", "--root", "guide"],
    )
    .expect(0);
    assert!(
        status.stdout().contains("100.0% translated"),
        "{}",
        status.stdout()
    );
    // A second init never overwrites.
    run_in(project.root(), &["init", "guide"]).expect(1);
}

#[test]
fn schema_prints_json_schemas() {
    let run = run_in(&std::env::temp_dir(), &["schema", "procedure"]).expect(0);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(schema["properties"]["steps"]["type"], "array");
    let run = run_in(&std::env::temp_dir(), &["schema"]).expect(0);
    let all: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    for kind in ["procedure", "products", "categories", "ui", "front-matter"] {
        assert!(all[kind].is_object(), "{kind}");
    }
}

#[test]
fn project_templates_and_ui_strings_override_the_defaults() {
    let project = Project::fixture("minimal");
    project.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>CUSTOM {{ page.title }}</h1>{{ page.body | safe }}{% endblock content %}",
    );
    project.write("content/ui.yaml", "ja:\n  applies-to: 対象製品\n");
    project.run(&["build"]).expect(0);
    assert!(
        project
            .read("build/html/en/status.html")
            .contains("<h1>CUSTOM Status page</h1>")
    );
    assert!(
        project
            .read("build/html/ja/handle-outage.html")
            .contains("対象製品")
    );
}

#[test]
fn untranslated_pages_fall_back_to_the_source_marked_with_its_language() {
    let project = Project::fixture("minimal");
    project.run(&["build"]).expect(0);
    let html = project.read("build/html/ja/glossary.html");
    assert!(html.contains("<html lang=\"ja\">"));
    assert!(html.contains("<article lang=\"en\">"), "{html}");
    assert!(html.contains("まだ翻訳されていない"), "{html}");
    let procedure = project.read("build/html/ja/handle-outage.html");
    assert!(
        procedure.contains("<div lang=\"en\">\n<p>The incident id and the time it started.</p>"),
        "{procedure}"
    );
}

#[test]
fn the_repository_sample_is_what_the_readme_builds() {
    // The README's main command builds the repository root itself.
    let root = repo_root();
    assert!(root.join("book.toml").is_file());
    assert!(
        root.join("content/escalate-problems-to-microsoft.yaml")
            .is_file()
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains("cargo run --release -- build"),
        "README must give the build command"
    );
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    assert!(
        readme.contains("\nscripts/test "),
        "README must give the test command"
    );
    assert!(
        ci.contains("\nscripts/test\n"),
        ".ci/run must run the README's test command"
    );
    let script = std::fs::read_to_string(root.join("scripts/test")).unwrap();
    assert!(
        script.contains("\nRUNBOOK_REQUIRE_TOOLS=1 cargo test "),
        "scripts/test must run cargo test, with a missing external tool a failure"
    );
}

#[test]
fn committed_schemas_match_the_model() {
    // content/*.yaml point editors at schemas/; they must be what `runbook schema --out` writes.
    let project = Project::empty();
    let out = project.root().join("schemas");
    project
        .run(&["schema", "--out", out.to_str().unwrap()])
        .expect(0);
    let generated = project.files("schemas");
    let committed = read_tree(&repo_root().join("schemas"));
    assert_eq!(
        generated.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in generated {
        assert!(
            committed[&name] == bytes,
            "schemas/{name} is stale: run `cargo run -- schema --out schemas`"
        );
    }
}

#[test]
fn links_to_steps_whose_titles_hold_links_do_not_nest() {
    let project = Project::fixture("minimal");
    let procedure = project
        .read("content/handle-outage.yaml")
        .replace("    next: end\n", "    next: check-status\n");
    project.write("content/handle-outage.yaml", &procedure);
    project.run(&["build"]).expect(0);
    let html = project.read("build/html/ja/handle-outage.html");
    assert!(
        html.contains(r##"<a href="#check-status">手順 1「状態ページを確認する」へ進みます</a>"##),
        "{html}"
    );
    let md = project.read("build/markdown/en/src/handle-outage.md");
    assert!(
        md.contains("[Go to step 1: Check the status page](#check-status)"),
        "{md}"
    );
}

/// Off a terminal there is no progress bar: stderr holds the summary alone, the build and the
/// search index (and, with `--timings`, one line per stage); `--quiet` prints nothing.
#[test]
fn build_prints_no_progress_off_a_terminal_and_nothing_when_quiet() {
    let project = Project::sample();
    let stderr = project.run(&["build"]).expect(0).stderr();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr:?}");
    assert!(
        lines[0].starts_with("built ") && !stderr.contains(['\r', '\u{1b}']),
        "{stderr:?}"
    );
    let search = lines[1];
    let sizes = search
        .strip_prefix("search index ")
        .and_then(|rest| rest.split_once(" KiB (en: "))
        .and_then(|(all, rest)| Some((all, rest.split_once(" KiB in ")?.0)));
    let (all, en) = sizes.unwrap_or_else(|| panic!("{search:?}"));
    assert!(
        all.parse::<f64>().unwrap() > en.parse::<f64>().unwrap()
            && en.parse::<f64>().unwrap() > 1.0,
        "{search:?}"
    );
    assert!(
        search.contains(" sections, ja: ") && search.contains("), indexing took "),
        "{search:?}"
    );
    let timed = project.run(&["build", "--timings"]).expect(0).stderr();
    let stages: Vec<&str> = timed
        .lines()
        .skip(2)
        .map(|l| l.split_once(" s  ").unwrap().1.split("  (").next().unwrap())
        .collect();
    // Each stage says the peak memory at its end, where the system tells (Linux).
    if cfg!(target_os = "linux") {
        assert!(
            timed.lines().skip(2).all(|l| l.ends_with(" MiB)")),
            "{timed}"
        );
    }
    assert_eq!(
        stages,
        [
            "load and validate",
            "read the build cache",
            "render and write",
            "verify links",
            "swap in",
            "write the build cache"
        ],
        "{timed}"
    );
    assert_eq!(project.run(&["build", "--quiet"]).expect(0).stderr(), "");
}

/// A build killed with SIGKILL while writing leaves the last good output as it was; its staging
/// directory, which it could not remove, is removed by the next build.
#[cfg(target_os = "linux")]
#[test]
fn a_build_killed_halfway_leaves_the_last_good_output_and_the_next_build_cleans_up() {
    use std::os::unix::process::ExitStatusExt;
    let project = Project::fixture("minimal");
    project.run(&["build"]).expect(0);
    let good = read_tree(&project.root().join("build"));
    let procedure = project.read("content/handle-outage.yaml");
    for i in 0..400 {
        project.write(
            &format!("content/many/outage-{i}.yaml"),
            &procedure
                .replace("status.md", "../status.md")
                .replace("glossary.md", "../glossary.md"),
        );
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["build", "--quiet", "--root"])
        .arg(project.root())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let staging = project.root().join(format!(".build.tmp-{}", child.id()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::read_dir(&staging).map_or(true, |mut d| d.next().is_none()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the build never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(9),
        "the build finished before it could be killed"
    );
    assert_eq!(read_tree(&project.root().join("build")), good);

    project.run(&["build"]).expect(0);
    let debris: Vec<String> = std::fs::read_dir(project.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(".build."))
        .collect();
    assert!(debris.is_empty(), "{debris:?}");
}

/// Output depends only on the content: not on the order the file system lists files in, the
/// order translations are listed in `book.toml`, or the thread count; the build date comes
/// from `SOURCE_DATE_EPOCH`, never the clock.
#[test]
fn output_does_not_depend_on_file_order_locale_order_or_threads() {
    let build = |project: &Project, out: &str, threads: &str| {
        let out = project.root().join(out);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
            .args(["build", "--quiet", "--root"])
            .arg(project.root())
            .arg("--out")
            .arg(&out)
            .env("RAYON_NUM_THREADS", threads)
            .env("SOURCE_DATE_EPOCH", "1795651200")
            .status()
            .unwrap();
        assert!(status.success());
        read_tree(&out)
    };
    let with_locales = |locales: &str, reverse: bool| {
        let sample = Project::sample();
        let project = Project::empty();
        let mut files: Vec<_> = read_tree(sample.root()).into_iter().collect();
        if reverse {
            files.reverse();
        }
        // Written in opposite orders, so directory listings differ where the file system keeps
        // creation order.
        for (path, bytes) in files {
            let target = project.root().join(&path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, bytes).unwrap();
        }
        let config = project
            .read("book.toml")
            .replace("locales = [\"en\", \"ja\"]", locales);
        project.write("book.toml", &config);
        project
    };
    let first = with_locales("locales = [\"en\", \"ja\", \"de\"]", false);
    let second = with_locales("locales = [\"en\", \"de\", \"ja\"]", true);
    let a = build(&first, "out", "1");
    let b = build(&second, "out", "7");
    assert!(a.len() > 40, "{:?}", a.keys());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs");
    }
    let checklist =
        String::from_utf8_lossy(&a["html/en/checklists/escalate-problems-to-microsoft.html"]);
    assert!(
        checklist.contains("2026-11-26"),
        "SOURCE_DATE_EPOCH is not printed"
    );
}
