//! The translation workflow as a translator and a team lead use it: status, staleness after an
//! edit, confirming, PO export and import (checked by GNU gettext's `msgfmt`), bilingual pages
//! as translation memory, the review view and fallback marking.

use std::path::Path;
use std::process::Command;

use crate::util::{Project, repo_root};

fn status_json(project: &Project) -> serde_json::Value {
    let run = project
        .run(&["i18n", "status", "--format", "json"])
        .expect(0);
    serde_json::from_str(&run.stdout()).unwrap()
}

fn ja_total(status: &serde_json::Value) -> &serde_json::Value {
    &status["locales"][0]["total"]
}

/// `msgfmt --check` on a PO file: GNU gettext's own validation (skipped, and said, without it).
fn msgfmt_check(path: &Path) {
    if !crate::util::tools_present(&["msgfmt"]) {
        return;
    }
    let output = Command::new("msgfmt")
        .args(["--check", "-o", "/dev/null"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "msgfmt --check {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_sample_is_fully_translated_and_tracked() {
    let project = Project::sample();
    let status = status_json(&project);
    assert_eq!(status["tracked"], true);
    assert_eq!(status["locales"][0]["locale"], "ja");
    assert_eq!(status["locales"][0]["percent"], 100.0);
    let total = ja_total(&status);
    assert_eq!(total["stale"], 0);
    assert_eq!(total["missing"], 0);
    assert!(total["segments"].as_u64().unwrap() > 50, "{total}");
    let table = project
        .run(&["i18n", "status", "--strict"])
        .expect(0)
        .stdout();
    assert!(table.contains("## ja — 100.0% translated"), "{table}");
    assert!(table.contains("| check-service-health.md "), "{table}");
}

#[test]
fn editing_one_source_sentence_makes_exactly_its_translation_stale_until_confirmed() {
    let project = Project::sample();
    let page = "content/check-service-health.md";
    let text = project.read(page);
    let edited = text.replace(
        "Carry on with troubleshooting",
        "Continue with troubleshooting",
    );
    assert_ne!(text, edited);
    project.write(page, &edited);
    let id = "check-service-health.md#when-nothing-matches/1";

    // status: one stale segment, in that file; --strict fails.
    let status = status_json(&project);
    assert_eq!(ja_total(&status)["stale"], 1);
    let files = status["locales"][0]["files"].as_array().unwrap();
    let stale: Vec<&str> = files
        .iter()
        .filter(|f| f["stale"] != 0)
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(stale, ["check-service-health.md"]);
    project.run(&["i18n", "status", "--strict"]).expect(1);

    // check: one warning, at the Japanese paragraph, naming the segment.
    let run = project.run(&["check", "--format", "json"]).expect(0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let stale: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "stale-translation")
        .collect();
    assert_eq!(stale.len(), 1, "{report}");
    assert!(stale[0]["message"].as_str().unwrap().contains(id));
    assert_eq!(
        stale[0]["location"]["file"],
        "content/check-service-health.ja.md"
    );

    // build: the review view highlights that row only; the Japanese page says so.
    project.run(&["build", "--quiet"]).expect(0);
    let review = project.read("build/review/ja.html");
    assert_eq!(review.matches("<tr class=\"stale\"").count(), 1, "{review}");
    assert!(review.contains(id));
    // Each column is marked with its language: the source's English beside the Japanese.
    let rows = review.matches("<tr class=").count();
    assert!(rows > 10, "{review}");
    assert_eq!(review.matches("<td lang=\"en\">").count(), rows, "{review}");
    assert_eq!(review.matches("<td lang=\"ja\">").count(), rows, "{review}");
    let page = project.read("build/html/ja/check-service-health.html");
    assert!(page.contains("class=\"notice needs-review\""), "{page}");
    let other = project.read("build/html/ja/report-problems-on-behalf-of-a-customer.html");
    assert!(!other.contains("needs-review"));

    // confirm clears it everywhere.
    project
        .run(&["i18n", "confirm", "--locale", "ja", id])
        .expect(0);
    assert_eq!(ja_total(&status_json(&project))["stale"], 0);
    let run = project.run(&["check", "--strict"]).expect(0);
    assert!(run.stderr().contains("0 warnings"), "{}", run.stderr());
    project.run(&["build", "--quiet"]).expect(0);
    assert!(
        !project
            .read("build/review/ja.html")
            .contains("<tr class=\"stale\"")
    );
}

#[test]
fn a_stale_yaml_text_is_marked_in_the_html() {
    let project = Project::sample();
    let file = "content/escalate-problems-to-microsoft.yaml";
    let text = project.read(file);
    project.write(
        file,
        &text.replace(
            "en: Look for known problems in service health",
            "en: Look for known problems on the service health page",
        ),
    );
    project.run(&["build", "--quiet"]).expect(0);
    let html = project.read("build/html/ja/escalate-problems-to-microsoft.html");
    assert_eq!(html.matches("class=\"stale\"").count(), 1, "{html}");
    assert!(html.contains("<span class=\"stale\">サービス正常性で既知の問題を調べる</span>"));
}

#[test]
fn export_then_import_without_edits_changes_no_byte() {
    let project = Project::sample();
    let before = project.files("");
    let po = project.root().join("ja.po");
    project
        .run(&[
            "i18n",
            "export",
            "--locale",
            "ja",
            "--out",
            po.to_str().unwrap(),
        ])
        .expect(0);
    msgfmt_check(&po);
    let run = project
        .run(&["i18n", "import", po.to_str().unwrap()])
        .expect(0);
    assert!(run.stderr().contains("0 written"), "{}", run.stderr());
    let mut after = project.files("");
    after.remove("ja.po");
    assert_eq!(before, after);
}

#[test]
fn the_export_lists_every_segment_with_references_and_fuzzy_stale_ones() {
    let project = Project::sample();
    let page = "content/check-service-health.md";
    project.write(
        page,
        &project
            .read(page)
            .replace("Carry on with troubleshooting", "Keep troubleshooting"),
    );
    let po = project
        .run(&["i18n", "export", "--locale", "ja"])
        .expect(0)
        .stdout();
    let file = project.root().join("ja.po");
    std::fs::write(&file, &po).unwrap();
    msgfmt_check(&file);
    let parsed = ferrocat_po::parse_po(&po).unwrap();
    let header = |key: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.value.as_str())
    };
    assert_eq!(header("Language"), Some("ja"));
    assert_eq!(header("Plural-Forms"), Some("nplurals=1; plural=0;"));
    let fuzzy: Vec<&str> = parsed
        .items
        .iter()
        .filter(|i| i.flags.iter().any(|f| f == "fuzzy"))
        .map(|i| i.msgctxt.as_deref().unwrap())
        .collect();
    assert_eq!(fuzzy, ["check-service-health.md#when-nothing-matches/1"]);
    let title = parsed
        .items
        .iter()
        .find(|i| i.msgctxt.as_deref() == Some("escalate-problems-to-microsoft.yaml:title"))
        .unwrap();
    assert_eq!(title.msgid, "Escalate problems to Microsoft");
    assert_eq!(
        title.msgstr.first(),
        Some("マイクロソフトへの問題のエスカレート")
    );
    assert_eq!(
        title.references.as_slice(),
        ["content/escalate-problems-to-microsoft.yaml:3"]
    );
}

/// Sets the `msgstr` of the message with context `id` in a PO text.
fn set_msgstr(po: &str, id: &str, value: &str) -> String {
    let mut parsed = ferrocat_po::parse_po(po).unwrap();
    let item = parsed
        .items
        .iter_mut()
        .find(|i| i.msgctxt.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no message {id}"));
    item.msgstr = ferrocat_po::MsgStr::from(value.to_string());
    item.flags.clear();
    ferrocat_po::stringify_po(&parsed, &ferrocat_po::SerializeOptions::default())
}

#[test]
fn import_writes_translations_where_they_belong_and_nothing_else() {
    let project = Project::sample();
    let po = project
        .run(&["i18n", "export", "--locale", "ja"])
        .expect(0)
        .stdout();
    let po = set_msgstr(
        &po,
        "escalate-problems-to-microsoft.yaml:steps.documented.title",
        "問題は既に記録されていますか？",
    );
    let po = set_msgstr(
        &po,
        "check-service-health.md#where-to-look/1",
        "パートナー アカウントから、お客様のテナントのサービス正常性ダッシュボードを開きます。\n現在のインシデントと勧告が表示されます。",
    );
    let file = project.root().join("edited.po");
    std::fs::write(&file, po).unwrap();
    let yaml = "content/escalate-problems-to-microsoft.yaml";
    let page = "content/check-service-health.ja.md";
    let (yaml_before, page_before) = (project.read(yaml), project.read(page));
    let run = project
        .run(&["i18n", "import", file.to_str().unwrap()])
        .expect(0);
    assert!(run.stderr().contains("2 written"), "{}", run.stderr());

    // Exactly one line differs in the YAML file, and one paragraph in the page.
    let changed = |before: &str, after: &str| -> Vec<(String, String)> {
        before
            .lines()
            .zip(after.lines())
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    let yaml_after = project.read(yaml);
    assert_eq!(yaml_before.lines().count(), yaml_after.lines().count());
    let lines = changed(&yaml_before, &yaml_after);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].1, "      ja: 問題は既に記録されていますか？");
    let page_after = project.read(page);
    assert_eq!(page_before.lines().count() + 1, page_after.lines().count());
    assert!(page_after.contains(
        "お客様のテナントのサービス正常性ダッシュボードを開きます。\n現在のインシデントと勧告が表示されます。\n"
    ));

    // Imported translations are confirmed: everything is current and builds.
    assert_eq!(ja_total(&status_json(&project))["stale"], 0);
    project.run(&["check", "--strict"]).expect(0);
    project.run(&["build", "--quiet"]).expect(0);
}

#[test]
fn missing_translations_are_inserted_and_a_missing_page_is_created() {
    let project = Project::fixture("minimal");
    let po = project
        .run(&["i18n", "export", "--locale", "ja"])
        .expect(0)
        .stdout();
    let po = set_msgstr(
        &po,
        "handle-outage.yaml:steps.escalate.escalation.submit",
        "インシデント ID と開始時刻。",
    );
    let po = set_msgstr(&po, "glossary.md:title", "用語集");
    let po = set_msgstr(
        &po,
        "glossary.md#/1",
        "英語のみ: 日本語のサイトではこのページを英語で表示します。",
    );
    let file = project.root().join("ja.po");
    std::fs::write(&file, po).unwrap();
    project
        .run(&["i18n", "import", file.to_str().unwrap()])
        .expect(0);
    let glossary = project.read("content/glossary.ja.md");
    assert_eq!(
        glossary,
        "---\ntitle: 用語集\n---\n\n英語のみ: 日本語のサイトではこのページを英語で表示します。\n"
    );
    assert!(
        project
            .read("content/handle-outage.yaml")
            .contains("      submit:\n        en: The incident id and the time it started.\n        ja: インシデント ID と開始時刻。\n")
    );
    let run = project.run(&["check"]).expect(0);
    assert!(
        !run.stderr().contains("missing-translation"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_damaged_po_file_is_an_error_with_its_position_and_nothing_changes() {
    let project = Project::sample();
    let before = project.files("content");
    project.write(
        "bad.po",
        "msgid \"\"\nmsgstr \"Language: ja\\n\"\n\nthis is not PO\nmsgstr \"x\"\n",
    );
    let run = project
        .run(&[
            "i18n",
            "import",
            project.root().join("bad.po").to_str().unwrap(),
        ])
        .expect(1);
    assert!(
        run.stderr().contains("error[po-syntax]"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("bad.po:4:1"), "{}", run.stderr());
    assert_eq!(project.files("content"), before);
    project.run(&["i18n", "export", "--locale", "fr"]).expect(1);
}

/// The (id, translation, source) pairs of a bilingual page, read with plain string search: an
/// oracle independent of the HTML tokenizer the command uses.
fn spans(page: &str) -> Vec<(String, String, String)> {
    let inner = |attribute: &str| -> Vec<(String, String)> {
        let marker = format!("<span {attribute}=\"");
        page.match_indices(&marker)
            .map(|(at, _)| {
                let rest = &page[at + marker.len()..];
                let (id, rest) = rest.split_once("\">").unwrap();
                let text = &rest[..rest.find("</span>").unwrap()];
                (
                    id.to_string(),
                    text.replace("&amp;", "&").trim().to_string(),
                )
            })
            .collect()
    };
    let sources = inner("data-stu-id");
    inner("data-ttu-id")
        .into_iter()
        .map(|(id, translation)| {
            let source = sources.iter().find(|(s, _)| *s == id).unwrap().1.clone();
            (id, translation, source)
        })
        .collect()
}

fn po_pairs(po: &str) -> Vec<(String, String, String)> {
    ferrocat_po::parse_po(po)
        .unwrap()
        .items
        .into_iter()
        .map(|i| {
            (
                i.msgctxt.unwrap(),
                i.msgstr.first().unwrap().to_string(),
                i.msgid,
            )
        })
        .collect()
}

/// Runs `i18n import-bilingual PAGE --out OUT`, checks the file with msgfmt and its pairs
/// against the page's `pairs` span pairs, and returns the PO text.
fn import_bilingual(project: &Project, page: &Path, out: &Path, pairs: usize) -> String {
    project
        .run(&[
            "i18n",
            "import-bilingual",
            page.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .expect(0);
    msgfmt_check(out);
    let po = std::fs::read_to_string(out).unwrap();
    let expected = spans(&std::fs::read_to_string(page).unwrap());
    assert_eq!(expected.len(), pairs);
    assert_eq!(po_pairs(&po), expected);
    po
}

#[test]
fn a_bilingual_page_becomes_a_po_file_of_its_pairs() {
    let page = repo_root().join("tests/fixtures/bilingual/outage-guide.ja-jp.md");
    let project = Project::fixture("minimal");
    let out = project.root().join("memory.po");
    let po = import_bilingual(&project, &page, &out, 6);
    assert!(po.contains("\"Language: ja-JP\\n\""));
    assert!(po.contains("X-Source-Commit: fedcba9876543210fedcba9876543210fedcba98"));

    // As a translation memory: the pair whose source matches an untranslated text fills it, to
    // be reviewed.
    let run = project
        .run(&["i18n", "import", out.to_str().unwrap()])
        .expect(0);
    assert!(
        run.stderr().contains("1 from translation memory"),
        "{}",
        run.stderr()
    );
    assert!(
        project
            .read("content/handle-outage.yaml")
            .contains("ja: インシデント ID と開始時刻。")
    );
}

/// A side-by-side memory holds sentences; a paragraph of several is filled when all of its
/// sentences are there, joined as Japanese is written (no spaces), and left alone otherwise.
#[test]
fn a_paragraph_is_filled_from_a_memory_of_its_sentences() {
    let page = repo_root().join("tests/fixtures/bilingual/outage-guide.ja-jp.md");
    let project = Project::fixture("minimal");
    let yaml = project.read("content/handle-outage.yaml");
    project.write(
        "content/handle-outage.yaml",
        &yaml.replacen(
            "    notes:\n      - en: Note the incident id.",
            "    text: |\n      First, check the [status page](status.md).\n      If the outage is known, there is nothing to report.\n    notes:\n      - en: If the outage is known, there is nothing to report. Then call the customer.\n      - en: Note the incident id.",
            1,
        ),
    );
    let out = project.root().join("memory.po");
    import_bilingual(&project, &page, &out, 6);
    let run = project
        .run(&["i18n", "import", out.to_str().unwrap()])
        .expect(0);
    let yaml = project.read("content/handle-outage.yaml");
    assert!(
        yaml.contains(
            "ja: 最初に[状態ページ](status.md)を確認します。既知の障害であれば、報告は不要です。"
        ),
        "{yaml}\n{}",
        run.stderr()
    );
    // One of two sentences known: the note stays untranslated.
    assert!(!yaml.contains("報告は不要です。 Then"), "{yaml}");
    assert!(
        run.stderr().contains("2 from translation memory"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_seed_page_imports_to_its_pairs() {
    let seed = repo_root().join("../shared/seed/escalate-problems-to-microsoft.ja-jp.md");
    if !seed.is_file() {
        eprintln!("skipped: {} is not present", seed.display());
        return;
    }
    let project = Project::empty();
    import_bilingual(&project, &seed, &project.root().join("seed.po"), 17);
}

#[test]
fn fallback_text_carries_the_source_language_and_is_counted() {
    let project = Project::fixture("minimal");
    let run = project.run(&["build"]).expect(0);
    assert!(
        run.stderr()
            .contains("untranslated text shown in the source language (ja: "),
        "{}",
        run.stderr()
    );
    let html = project.read("build/html/ja/handle-outage.html");
    assert!(
        html.contains("<div lang=\"en\">\n<p>The incident id and the time it started.</p>\n</div>"),
        "{html}"
    );
    let glossary = project.read("build/html/ja/glossary.html");
    assert!(glossary.contains("<article lang=\"en\">"), "{glossary}");
}
