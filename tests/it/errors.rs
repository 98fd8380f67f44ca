//! Every kind of bad input gives `file:line:column`, a one-line reason, a hint where one helps, and
//! exit code 1, with the previous output left as it was (a problem with a file's name has no place
//! inside a file: its location is empty). Each case is the `minimal` fixture with the
//! files of `tests/fixtures/errors/CASE/` laid over it; the whole message is snapshotted.

use crate::util::{Project, fixture};

/// Builds the minimal fixture, lays the broken files of `case` over it, builds again, and checks
/// that the build failed at `location` with `message`, leaving the first output untouched.
fn check_error(case: &str, location: &str, message: &str) -> String {
    let project = Project::fixture("minimal");
    project.run(&["build"]).expect(0);
    let before = project.files("build");
    let overlay = fixture(&format!("errors/{case}"));
    for (path, bytes) in crate::util::read_tree(&overlay) {
        project.write(&path, std::str::from_utf8(&bytes).unwrap());
    }
    let run = project.run(&["build"]).expect(1);
    let stderr = run.stderr();
    assert!(
        location.is_empty() || stderr.contains(&format!("--> {location}")),
        "{case}: expected {location} in\n{stderr}"
    );
    assert!(
        stderr.contains(message),
        "{case}: expected `{message}` in\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        project.files("build"),
        before,
        "{case}: the previous output changed"
    );
    stderr
}

macro_rules! error_case {
    ($name:ident, $location:literal, $message:literal) => {
        #[test]
        fn $name() {
            let case = stringify!($name).replace('_', "-");
            let stderr = check_error(&case, $location, $message);
            insta::assert_snapshot!(stringify!($name), stderr);
        }
    };
}

error_case!(
    yaml_syntax,
    "content/products.yaml:3:11",
    "error[invalid-yaml]"
);
error_case!(
    unknown_field,
    "content/handle-outage.yaml:5:5",
    "unknown field `colour`"
);
error_case!(
    wrong_type,
    "content/handle-outage.yaml:2:13",
    "expected a list"
);
error_case!(
    missing_id,
    "content/categories.yaml:2:5",
    "missing field `id`"
);
error_case!(
    duplicate_id,
    "content/handle-outage.yaml:5:9",
    "step id `check-status` is used twice"
);
error_case!(
    unknown_product,
    "content/handle-outage.yaml:2:22",
    "unknown product `portl`"
);
error_case!(
    unknown_category,
    "content/handle-outage.yaml:6:20",
    "unknown escalation category `outages`"
);
error_case!(
    unknown_step,
    "content/handle-outage.yaml:10:17",
    "no step `escalte` in this procedure"
);
error_case!(
    unknown_config_key,
    "book.toml:6:1",
    "unknown field `output_dir`"
);
error_case!(
    old_runbook_table,
    "book.toml:6:1",
    "runbook's settings are now in `[output.runbook]`, not `[runbook]`"
);
error_case!(
    bad_front_matter,
    "content/status.md:2:1",
    "unknown field `titel`, kept as metadata"
);

#[test]
fn hints_suggest_the_closest_known_name() {
    let stderr = check_error(
        "unknown-step",
        "content/handle-outage.yaml:10:17",
        "help: did you mean `escalate`?",
    );
    assert!(stderr.contains("1 error"), "{stderr}");
    check_error(
        "unknown-product",
        "content/handle-outage.yaml:2:22",
        "help: did you mean `portal`?",
    );
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let project = Project::fixture("minimal");
    project.write("content/products.yaml", "products: [\n");
    project.write("content/status.md", "no front matter\n");
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(stderr.contains("content/products.yaml:"), "{stderr}");
    assert!(stderr.contains("--> content/status.md:1:1"), "{stderr}");
    assert!(stderr.contains("2 errors"), "{stderr}");
}

#[test]
fn non_utf8_and_byte_order_marks_are_handled() {
    let project = Project::fixture("minimal");
    let path = project.root().join("content/glossary.md");
    std::fs::write(&path, b"---\ntitle: \xff\n---\n").unwrap();
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("content/glossary.md") && stderr.contains("UTF-8"),
        "{stderr}"
    );
    std::fs::write(&path, "\u{feff}---\r\ntitle: Glossary\r\n---\r\nBody\r\n").unwrap();
    project.run(&["build"]).expect(0);
}

error_case!(
    unknown_procedure,
    "content/handle-outage.yaml:5:11",
    "no procedure `handle-outages.md`"
);
error_case!(
    reserved_id,
    "content/handle-outage.yaml:3:9",
    "`rb-main` is an id the page templates use"
);
error_case!(
    block_in_inline,
    "content/handle-outage.yaml:6:11",
    "must be a single line of inline Markdown"
);
error_case!(
    invalid_file_name,
    "",
    "`content/my glossary.md`: the name cannot be used in links"
);
error_case!(
    duplicate_key,
    "content/products.yaml:3:5",
    "duplicate key `id`"
);
error_case!(
    unknown_locale_key,
    "content/handle-outage.yaml:3:7",
    "`jp` is not a configured locale"
);
error_case!(
    japanese_without_front_matter,
    "content/glossary.md:1:1",
    "page has no front matter"
);
error_case!(
    template_syntax,
    "templates/page.html:1:59",
    "template `templates/page.html`"
);

// Links, anchors and flow (`runbook check`'s checks; `build` refuses the same content).
error_case!(
    broken_link,
    "content/bad.md:5:18",
    "no page or procedure `nope.md` in content/"
);
error_case!(
    broken_anchor,
    "content/bad.md:5:18",
    "no anchor `#check-statu` in `handle-outage.md`"
);
error_case!(
    broken_anchor_in_one_locale,
    "content/handle-outage.yaml:12:20",
    "no anchor `#where-to-look` in `status.md`"
);
error_case!(
    link_case,
    "content/bad.md:5:18",
    "`Status.md` differs only in case from `status.md`"
);
error_case!(
    link_directory,
    "content/bad.md:5:18",
    "`guides/` links a directory"
);
error_case!(
    link_outside,
    "content/bad.md:5:18",
    "`../outside.md` leads outside `content/`"
);
error_case!(
    unsafe_link,
    "content/bad.md:5:18",
    "`javascript:` links are refused"
);
error_case!(
    invalid_url,
    "content/bad.md:5:18",
    "`https://` is not a valid URL"
);
error_case!(
    absolute_link,
    "content/bad.md:5:18",
    "`/status.md` is a site-root link, and no `[output.runbook.root-links]` mapping reads it"
);
error_case!(
    missing_file,
    "content/bad.md:5:18",
    "no file `diagram.png` in content/"
);
error_case!(
    unreachable_step,
    "content/handle-outage.yaml:6:9",
    "no path from the first step reaches step 2 `forgotten`"
);
error_case!(
    no_way_out,
    "content/handle-outage.yaml:3:9",
    "from step 1 `check-status` the procedure can never finish"
);
error_case!(
    duplicate_anchor,
    "content/glossary.md:7:15",
    "the page of `glossary` has the id `terms` twice"
);

/// Runs `check` on the minimal fixture with `files` written over it.
fn check_with(files: &[(&str, &str)]) -> crate::util::Run {
    let project = Project::fixture("minimal");
    for (path, text) in files {
        project.write(path, text);
    }
    project.run(&["check"])
}

#[test]
fn warnings_have_places_and_do_not_fail_check() {
    let procedure = "title: Handle an outage\nsteps:\n  - id: check-status\n    title: Check\n    decision:\n      branches:\n        - {label: A, goto: end}\n        - {label: B, goto: end}\n";
    let run = check_with(&[
        ("content/handle-outage.yaml", procedure),
        (
            "content/status.ja.md",
            "---\ntitle: 状態\n---\n\n[用語集](glossary.md)と[FTP](ftp://example.com/x)。\n",
        ),
    ])
    .expect(0);
    let stderr = run.stderr();
    for expected in [
        "warning[pointless-decision]: every answer of decision `check-status` leads to the same place\n --> content/handle-outage.yaml:3:9",
        "warning[untranslated-target]: `content/status.ja.md` links `glossary.md`, which has no `ja` version: readers get `content/glossary.md` instead\n --> content/status.ja.md:5:7",
        "warning[unknown-scheme]: `ftp:` links are neither web nor e-mail links\n --> content/status.ja.md:5:26",
    ] {
        assert!(
            stderr.contains(expected),
            "expected\n{expected}\nin\n{stderr}"
        );
    }
}

#[test]
fn valid_links_of_every_kind_pass() {
    let run = check_with(&[
        (
            "content/guides/index.md",
            "---\ntitle: Guides\n---\n\n[Up](../status.md#where-to-look), [encoded](../st%61tus.md), [same](#guides), [file](../img/a.png), [site](https://example.com/a?b#c), [mail](mailto:help@example.com)\n\n## Guides\n",
        ),
        ("content/img/a.png", "png"),
        (
            "content/glossary.md",
            "---\ntitle: Glossary\n---\n\n[Categories](categories.md#outage), [step](handle-outage.md#escalate), [home](index.md)\n",
        ),
    ]);
    let stderr = run.stderr();
    assert!(!stderr.contains("error["), "{stderr}");
    assert_eq!(run.code(), 0, "{stderr}");
}

#[test]
fn check_formats_json_and_github() {
    let project = Project::fixture("minimal");
    let overlay = fixture("errors/broken-link");
    for (path, bytes) in crate::util::read_tree(&overlay) {
        project.write(&path, std::str::from_utf8(&bytes).unwrap());
    }
    let run = project.run(&["check", "--format", "json"]).expect(1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["errors"], 1);
    let first = &report["diagnostics"][0];
    // Exactly the fields docs/diagnostics.md documents.
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&report), ["diagnostics", "summary", "version"]);
    assert_eq!(
        keys(&report["summary"]),
        ["baselined", "errors", "warnings"]
    );
    assert_eq!(
        keys(first),
        ["code", "help", "location", "message", "severity"]
    );
    assert_eq!(
        keys(&first["location"]),
        ["column", "end_column", "end_line", "file", "line"]
    );
    let documented =
        std::fs::read_to_string(crate::util::repo_root().join("docs/diagnostics.md")).unwrap();
    for diagnostic in report["diagnostics"].as_array().unwrap() {
        let code = diagnostic["code"].as_str().unwrap();
        assert!(
            documented.contains(&format!("`{code}`")),
            "code `{code}` is not documented"
        );
    }
    assert_eq!(first["code"], "broken-link");
    assert_eq!(first["location"]["file"], "content/bad.md");
    assert_eq!(
        (
            first["location"]["line"].as_u64(),
            first["location"]["column"].as_u64()
        ),
        (Some(5), Some(18))
    );
    let run = project.run(&["check", "--format", "github"]).expect(1);
    assert!(
        run.stdout().starts_with("::error file=content/bad.md,line=5,col=18,endLine=5,endColumn=25,title=runbook broken-link::no page or procedure `nope.md` in content/\n"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stdout()
            .ends_with("::notice title=runbook check::1 error, 3 warnings\n"),
        "{}",
        run.stdout()
    );
}

#[test]
fn list_external_prints_every_external_link() {
    let project = Project::fixture("minimal");
    project.write(
        "content/links.md",
        "---\ntitle: Links\n---\n\n[a](https://example.com/a) and [b](mailto:help@example.com)\n",
    );
    let run = project.run(&["check", "--list-external"]).expect(0);
    assert_eq!(
        run.stdout(),
        "content/links.md:5:5\thttps://example.com/a\ncontent/links.md:5:36\tmailto:help@example.com\n"
    );
}

#[test]
fn a_template_with_a_broken_link_fails_the_build() {
    let project = Project::fixture("minimal");
    project.run(&["build"]).expect(0);
    let before = project.files("build");
    project.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<a href=\"nowhere.html\">x</a>{% endblock content %}",
    );
    let stderr = project.run(&["build"]).expect(1).stderr();
    // Each broken target is reported once, at its first place by file and line.
    assert!(stderr.contains("html/en/glossary.html:"), "{stderr}");
    assert!(
        stderr.contains(
            "`nowhere.html` leads to `html/en/nowhere.html`, which the build does not write (and 1 more link(s) to it)"
        ),
        "{stderr}"
    );
    assert_eq!(project.files("build"), before);
}

#[test]
fn every_code_the_fixtures_produce_is_documented() {
    let root = crate::util::repo_root();
    let documented = std::fs::read_to_string(root.join("docs/diagnostics.md")).unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for (_, bytes) in crate::util::read_tree(&root.join("tests/it/snapshots")) {
        let text = String::from_utf8(bytes).unwrap();
        for line in text.lines() {
            for prefix in ["error[", "warning["] {
                if let Some(rest) = line.strip_prefix(prefix)
                    && let Some(code) = rest.split(']').next()
                {
                    codes.insert(code.to_string());
                }
            }
        }
    }
    codes.remove("failed");
    assert!(codes.len() > 20, "{codes:?}");
    for code in codes {
        assert!(
            documented.contains(&format!("`{code}`")),
            "code `{code}` is not in docs/diagnostics.md"
        );
    }
}

#[test]
fn characters_the_pdf_font_lacks_are_warned_about_when_pdfs_are_built() {
    let project = Project::fixture("minimal");
    project.write(
        "content/glyphs.md",
        "---\ntitle: Glyphs\n---\n\nA rocket 🚀 here.\n",
    );
    let stderr = project.run(&["check"]).expect(0).stderr();
    assert!(
        !stderr.contains("missing-glyph"),
        "only PDFs need the font: {stderr}"
    );
    let config = project
        .read("book.toml")
        .replace("[output.runbook]\n", "[output.runbook]\npdf = true\n");
    project.write("book.toml", &config);
    let stderr = project.run(&["check"]).expect(0).stderr();
    assert!(
        stderr.contains("warning[missing-glyph]: the PDF font has no glyph for `🚀` (U+1F680)\n --> content/glyphs.md:5:10"),
        "{stderr}"
    );
}

/// `check` compiles the template overrides as the build does, the shared head partial included,
/// and places the error in the override's own text.
#[test]
fn check_compiles_template_overrides_and_places_their_errors() {
    let project = Project::fixture("minimal");
    project.run(&["check"]).expect(0);
    project.write(
        "templates/head.html",
        "<!DOCTYPE html>\n<html lang=\"{{ lang }\">\n",
    );
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(stderr.contains("error[template-syntax]"), "{stderr}");
    assert!(stderr.contains("--> templates/head.html:2:"), "{stderr}");
    // A working override of the partial is used by every page that includes it.
    project.write(
        "templates/head.html",
        "<!DOCTYPE html>\n<html lang=\"{{ lang }}\" data-house=\"yes\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{{ content_security_policy | safe }}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
    );
    project.run(&["check"]).expect(0);
    project.run(&["build"]).expect(0);
    for page in ["build/html/en/index.html", "build/html/index.html"] {
        assert!(project.read(page).contains("data-house=\"yes\""), "{page}");
    }
}
