//! Printable checklists and runbooks: the HTML for print, the Markdown task lists, the flowchart
//! SVG (no two boxes overlap), the in-process PDF (text, embedded Japanese font, page count) and
//! Chromium's print of the HTML checklist (two A4 pages, and one for the flowchart).

use std::process::Command;

use html5gum::{Token, Tokenizer};

use crate::util::Project;

/// The boxes (`<rect class="box" data-node x y width height>`) of every flowchart in an HTML file.
fn chart_boxes(html: &str) -> Vec<Vec<(f32, f32, f32, f32)>> {
    let mut charts = Vec::new();
    for Ok(token) in Tokenizer::new(html) {
        let Token::StartTag(tag) = token else {
            continue;
        };
        let attr = |name: &str| {
            tag.attributes
                .get(name.as_bytes())
                .map(|v| String::from_utf8_lossy(&v.value).into_owned())
        };
        if tag.name.as_slice() == b"svg" && attr("class").as_deref() == Some("flowchart") {
            charts.push(Vec::new());
        }
        if tag.name.as_slice() == b"rect" && attr("class").as_deref() == Some("box") {
            let number = |name: &str| attr(name).and_then(|v| v.parse::<f32>().ok()).unwrap();
            charts.last_mut().unwrap().push((
                number("x"),
                number("y"),
                number("width"),
                number("height"),
            ));
        }
    }
    charts
}

fn assert_no_overlap(boxes: &[(f32, f32, f32, f32)]) {
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart =
                a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
            assert!(apart, "boxes overlap: {a:?} and {b:?}");
        }
    }
}

#[test]
fn flowcharts_show_every_step_and_no_boxes_overlap() {
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    for locale in ["en", "ja"] {
        for page in [
            format!("build/html/{locale}/escalate-problems-to-microsoft.html"),
            format!("build/html/{locale}/checklists/escalate-problems-to-microsoft.html"),
        ] {
            let charts = chart_boxes(&project.read(&page));
            assert_eq!(charts.len(), 1, "{page}");
            // Eight steps and the end.
            assert_eq!(charts[0].len(), 9, "{page}");
            assert_no_overlap(&charts[0]);
        }
    }
}

#[test]
fn a_thirty_step_procedure_with_loops_lays_out_without_overlap() {
    let project = Project::fixture("minimal");
    let mut yaml = String::from("title: Long\nsteps:\n");
    for i in 1..=30 {
        if i % 5 == 0 {
            let back = (i - 3).max(1);
            let forward = if i == 30 {
                "end".to_string()
            } else {
                format!("s{}", i + 1)
            };
            yaml.push_str(&format!(
                "  - id: s{i}\n    title: Decide whether step {i} worked out for the customer\n    decision:\n      branches:\n        - {{ label: \"Again\", goto: s{back} }}\n        - {{ label: \"On\", goto: {forward} }}\n        - {{ label: \"Stop\", goto: end }}\n"
            ));
        } else {
            yaml.push_str(&format!(
                "  - id: s{i}\n    title: 手順 {i} を確認して記録する (step {i})\n"
            ));
        }
    }
    project.write("content/long.yaml", &yaml);
    project.run(&["build"]).expect(0);
    let charts = chart_boxes(&project.read("build/html/en/long.html"));
    assert_eq!(charts[0].len(), 31);
    assert_no_overlap(&charts[0]);
}

#[test]
fn checklists_snapshots() {
    let project = Project::fixture("minimal");
    let config = project.read("book.toml").replace(
        "[output.runbook]\n",
        "[output.runbook]\nsite-url = \"https://docs.example.com/guide/\"\nbuild-date = \"2026-11-26\"\n",
    );
    project.write("book.toml", &config);
    project.run(&["build"]).expect(0);
    let checklist = project.read("build/html/ja/checklists/handle-outage.html");
    // The flowchart is checked above; the snapshot keeps to the sheet.
    let sheet = checklist
        .split("<figure class=\"flowchart-figure\">")
        .next()
        .unwrap();
    insta::assert_snapshot!("checklist_ja_html", sheet);
    insta::assert_snapshot!(
        "checklist_en_md",
        project.read("build/markdown/en/checklists/handle-outage.md")
    );
    // Cross-links on paper name their target and full URL.
    assert!(
        sheet.contains(
            "「状態ページ」を参照: https://docs.example.com/guide/ja/status.html#where-to-look"
        ),
        "{sheet}"
    );
    let runbook = project.read("build/html/en/runbook.html");
    assert!(
        runbook.contains("<a href=\"#section-1\">1. Handle an outage</a>"),
        "{runbook}"
    );
    assert!(
        runbook.contains("see “Status page”, section 3"),
        "{runbook}"
    );
    assert!(
        project
            .root()
            .join("build/html/en/runbook-portal.html")
            .is_file()
    );
}

fn tool(name: &str, args: &[&str], file: &std::path::Path) -> String {
    let output = Command::new(name)
        .args(args)
        .arg(file)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{name} must be installed (Debian poppler-utils): {e}"));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn pdf_pages(file: &std::path::Path) -> usize {
    let output = Command::new("pdfinfo")
        .arg(file)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&output.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count: {info}"))
}

#[cfg(feature = "pdf")]
fn pdffonts(file: &std::path::Path) -> String {
    let output = Command::new("pdffonts")
        .arg(file)
        .output()
        .expect("pdffonts (poppler-utils)");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[cfg(feature = "pdf")]
#[test]
fn pdfs_hold_the_japanese_text_with_the_font_embedded() {
    if !crate::util::tools_present(&["pdftotext", "pdfinfo", "pdffonts"]) {
        return;
    }
    let project = Project::sample();
    project.run(&["build", "--pdf"]).expect(0);
    let checklist = project
        .root()
        .join("build/pdf/ja/escalate-problems-to-microsoft.pdf");
    let text = tool("pdftotext", &["-layout"], &checklist);
    assert!(
        text.contains("マイクロソフトへの問題のエスカレート"),
        "{text}"
    );
    for step in [
        "サービス正常性で既知の問題を調べる",
        "問題はすでに記録されていますか？",
        "既知の問題であることをお客様に伝える",
        "管理者特権を使ってトラブルシューティングする",
        "Microsoft にサポート リクエストを送信する",
        "お客様に結果を伝えて対応を完了する",
    ] {
        assert!(text.contains(step), "{step} missing from\n{text}");
    }
    assert!(text.contains("はい → 手順 3"), "{text}");
    assert!(
        pdf_pages(&checklist) <= 3,
        "the checklist should fit two pages, and its flowchart one more"
    );
    let fonts = pdffonts(&checklist);
    let line = fonts
        .lines()
        .find(|l| l.contains("IPAexGothic"))
        .unwrap_or_else(|| panic!("{fonts}"));
    assert!(line.contains(" yes yes "), "font not embedded: {line}");
    // The runbook opens with a table of contents that gives page numbers.
    let runbook = project.root().join("build/pdf/ja/runbook.pdf");
    let contents = tool("pdftotext", &["-f", "2", "-l", "2", "-layout"], &runbook);
    assert!(contents.contains("目次"), "{contents}");
    assert!(
        contents
            .lines()
            .any(|l| l.contains("マイクロソフトへの問題のエスカレート")
                && l.trim_end().ends_with('3')),
        "no page number in the contents:\n{contents}"
    );
    assert!(pdf_pages(&runbook) >= 5);
}

#[cfg(feature = "pdf")]
#[test]
fn pdf_builds_are_byte_identical() {
    let project = Project::fixture("minimal");
    let a = project.root().join("a");
    let b = project.root().join("b");
    project
        .run(&["build", "--pdf", "--out", a.to_str().unwrap()])
        .expect(0);
    project
        .run(&["build", "--pdf", "--out", b.to_str().unwrap()])
        .expect(0);
    let first = crate::util::read_tree(&a.join("pdf"));
    assert!(first.len() >= 4, "{:?}", first.keys());
    assert_eq!(first, crate::util::read_tree(&b.join("pdf")));
}

#[test]
fn chromium_prints_each_checklist_on_at_most_three_a4_pages() {
    if !crate::util::tools_present(&["chromium", "pdfinfo", "pdftotext"]) {
        return;
    }
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    for locale in ["en", "ja"] {
        let page = project.root().join(format!(
            "build/html/{locale}/checklists/escalate-problems-to-microsoft.html"
        ));
        let pdf = project.root().join(format!("{locale}.pdf"));
        let profile = tempfile::tempdir().unwrap();
        let status = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", page.display()))
            .output()
            .expect("chromium must be installed (Debian chromium)");
        assert!(pdf.is_file(), "{}", String::from_utf8_lossy(&status.stderr));
        let pages = pdf_pages(&pdf);
        // Two pages of checklist, and the flowchart at a legible size on a page of its own.
        assert!((1..=3).contains(&pages), "{locale}: {pages} pages");
        let text = tool("pdftotext", &[], &pdf);
        let title = if locale == "ja" {
            "マイクロソフトへの問題のエスカレート"
        } else {
            "Escalate problems to Microsoft"
        };
        assert!(text.contains(title), "{text}");
    }
}

#[cfg(feature = "pdf")]
#[test]
fn project_fonts_are_embedded_in_pdfs() {
    if !crate::util::tools_present(&["pdffonts"]) {
        return;
    }
    let project = Project::fixture("minimal");
    let font = crate::util::repo_root().join("assets/fonts/ipaexg.ttf");
    std::fs::create_dir_all(project.root().join("fonts")).unwrap();
    std::fs::copy(font, project.root().join("fonts/house.ttf")).unwrap();
    let config = project.read("book.toml").replace(
        "[output.runbook]\n",
        "[output.runbook]\nfonts = [\"fonts/house.ttf\"]\n",
    );
    project.write("book.toml", &config);
    project.run(&["build", "--pdf"]).expect(0);
    let fonts = pdffonts(&project.root().join("build/pdf/ja/handle-outage.pdf"));
    assert!(fonts.contains("IPAexGothic"), "{fonts}");
    let wrong = config.replace("fonts/house.ttf", "fonts/missing.ttf");
    project.write("book.toml", &wrong);
    let stderr = project.run(&["build", "--pdf"]).expect(1).stderr();
    assert!(
        stderr.contains("no font file `fonts/missing.ttf` in the project"),
        "{stderr}"
    );
}

#[test]
fn english_fallback_on_japanese_paper_is_marked_english() {
    let project = Project::fixture("minimal");
    for (file, untranslated) in [
        ("content/categories.yaml", "      ja: 障害\n"),
        ("content/products.yaml", "      ja: パートナー ポータル\n"),
    ] {
        let text = project.read(file).replace(untranslated, "");
        project.write(file, &text);
    }
    project.run(&["build"]).expect(0);
    let checklist = project.read("build/html/ja/checklists/handle-outage.html");
    assert!(
        checklist.contains(r#"<span lang="en">Outage</span>"#),
        "{checklist}"
    );
    assert!(
        checklist.contains(r#"<span lang="en">Partner portal</span>"#),
        "{checklist}"
    );
    let runbook = project.read("build/html/ja/runbook.html");
    assert!(
        runbook.contains(r#"<span lang="en">Outage</span>"#),
        "{runbook}"
    );
    // Text in the page's own language is not wrapped.
    assert!(!checklist.contains(r#"<span lang="ja">"#), "{checklist}");
}

/// How many of a PDF's structure elements say each language (`/Lang(xx)`), read from every
/// flate-compressed stream (typst keeps the structure tree in object streams).
#[cfg(feature = "pdf")]
fn pdf_languages(file: &std::path::Path) -> std::collections::BTreeMap<String, usize> {
    use std::io::Read as _;
    let bytes = std::fs::read(file).unwrap();
    let mut text = bytes.clone();
    let mut rest = &bytes[..];
    while let Some(start) = rest.windows(6).position(|w| w == b"stream") {
        let body = &rest[start + 6..];
        let body = body.strip_prefix(b"\r").unwrap_or(body);
        let body = body.strip_prefix(b"\n").unwrap_or(body);
        let end = body
            .windows(9)
            .position(|w| w == b"endstream")
            .unwrap_or(body.len());
        // What inflates before any trailing bytes is kept, whether or not the rest does.
        let mut inflated = Vec::new();
        let _ = flate2::read::ZlibDecoder::new(&body[..end]).read_to_end(&mut inflated);
        text.extend(inflated);
        rest = body.get(end + 9..).unwrap_or_default();
    }
    let text = String::from_utf8_lossy(&text);
    let mut counts = std::collections::BTreeMap::new();
    for part in text.split("/Lang(").skip(1) {
        let lang = part.split(')').next().unwrap_or_default().to_string();
        *counts.entry(lang).or_insert(0) += 1;
    }
    counts
}

/// English fallback in a Japanese PDF is set, and tagged, as English: each untranslated name
/// adds a structure element in English.
#[cfg(feature = "pdf")]
#[test]
fn english_fallback_in_japanese_pdfs_is_tagged_english() {
    let project = Project::fixture("minimal");
    project.run(&["build", "--pdf"]).expect(0);
    let documents = ["build/pdf/ja/handle-outage.pdf", "build/pdf/ja/runbook.pdf"];
    let before: Vec<_> = documents
        .iter()
        .map(|d| pdf_languages(&project.root().join(d)))
        .collect();
    for (file, untranslated) in [
        ("content/categories.yaml", "      ja: 障害\n"),
        ("content/products.yaml", "      ja: パートナー ポータル\n"),
    ] {
        let text = project.read(file).replace(untranslated, "");
        project.write(file, &text);
    }
    project.run(&["build", "--pdf"]).expect(0);
    for (document, before) in documents.iter().zip(before) {
        let after = pdf_languages(&project.root().join(document));
        assert!(
            before.get("ja").is_some_and(|n| *n > 0),
            "{document}: {before:?}"
        );
        assert!(
            after.get("en").copied().unwrap_or(0) > before.get("en").copied().unwrap_or(0),
            "{document}: English structure elements before {before:?}, after {after:?}"
        );
    }
}

/// Changes the English source of the sample's step 1 title, so its Japanese translation is stale.
fn make_step_one_stale(project: &Project) {
    let file = "content/escalate-problems-to-microsoft.yaml";
    let edited = project.read(file).replace(
        "en: Look for known problems in service health",
        "en: Look for known problems on the service health page",
    );
    assert_ne!(
        edited,
        project.read(file),
        "the edit must change the source"
    );
    project.write(file, &edited);
}

#[test]
fn stale_translations_are_marked_on_paper_in_markdown_and_counted() {
    let project = Project::sample();
    make_step_one_stale(&project);
    let build = project.run(&["build"]).expect(0);
    assert!(
        build
            .stderr()
            .contains("translations needing review marked (ja: 1)"),
        "{}",
        build.stderr()
    );
    let checklist = project.read("build/html/ja/checklists/escalate-problems-to-microsoft.html");
    assert!(
        checklist.contains(r#"<span class="stale">サービス正常性で既知の問題を調べる</span><sup class="stale-mark">†</sup>"#),
        "{checklist}"
    );
    assert!(
        checklist.contains(r#"<p class="stale-note">† このページの一部は"#),
        "{checklist}"
    );
    let english = project.read("build/html/en/checklists/escalate-problems-to-microsoft.html");
    assert!(
        !english.contains("stale"),
        "the source is never stale: {english}"
    );
    let chapter = project.read("build/markdown/ja/src/escalate-problems-to-microsoft.md");
    assert!(
        chapter.contains("\n> このページの一部は原文の以前の版から翻訳したもので"),
        "{chapter}"
    );
}

#[cfg(feature = "pdf")]
#[test]
fn stale_translations_get_a_footnote_in_pdfs() {
    if !crate::util::tools_present(&["pdftotext"]) {
        return;
    }
    let project = Project::sample();
    make_step_one_stale(&project);
    project.run(&["build", "--pdf"]).expect(0);
    let pdf = project
        .root()
        .join("build/pdf/ja/escalate-problems-to-microsoft.pdf");
    let text = tool("pdftotext", &["-layout"], &pdf);
    assert!(text.contains("原文の以前の版から翻訳したもので"), "{text}");
}
