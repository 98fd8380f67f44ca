//! DocFX-flavoured content (`tests/fixtures/docfx`: English and Japanese in a parallel tree,
//! includes, alerts, images, tabs, HTML anchors and tables, site-root links, the repository's own
//! configuration files): it checks and builds with no error or warning, every construct renders
//! in every output, and one real defect of each kind is reported at its line and nothing else.

use crate::util::Project;

#[test]
fn the_docfx_fixture_checks_clean_and_notes_what_it_skipped() {
    let project = Project::fixture("docfx");
    let run = project.run(&["check"]).expect(0);
    let stderr = run.stderr();
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
    assert!(
        stderr.contains("note[skipped-file]: 2 files are not content")
            && stderr.contains("`content/docfx.json`")
            && stderr.contains("`content/landing.yml`"),
        "{stderr}"
    );
}

#[test]
fn every_construct_renders_in_the_site() {
    let project = Project::fixture("docfx");
    project.run(&["build"]).expect(0);
    let en = project.read("build/html/en/escalate-to-vendor.html");
    for expected in [
        // one h1: the body's; the front matter's title names the browser tab
        r#"<h1 id="escalate-a-customer-problem-to-the-vendor">Escalate a customer problem to the vendor</h1>"#,
        "<title>Escalate a customer problem to the vendor · Partner support escalations</title>",
        r#"<meta name="description" content="When to hand a problem to the vendor, and what to send with it.">"#,
        // alerts, labelled
        "<div class=\"alert alert-note\" role=\"note\">\n<p class=\"alert-title\">Note</p>",
        "<div class=\"alert alert-caution\" role=\"note\">\n<p class=\"alert-title\">Caution</p>",
        // includes, block and inline, links rebased from the include file
        "Escalate only what your team cannot fix. Pick the severity from the customer's impact",
        // HTML anchors: the one a heading repeats is dropped, the heading keeps the id
        r#"<h2 id="before-you-escalate">Before you escalate</h2>"#,
        // site-root links: into the content, and out to the published site in the locale
        r#"<a href="check-service-health.html#status-page">the service health page</a>"#,
        r#"<a href="https://learn.microsoft.com/en/azure/service-health/overview">status overview</a>"#,
        // images and a complex image's description
        r#"<img src="media/portal-form.png" alt="The request form with the tenant id field filled in.">"#,
        "<details class=\"image-description\">",
        r#"<img src="media/health-icon.png" alt="">"#,
        // tables as written
        r#"<td rowspan="2">The customer's admin centre</td>"#,
        r#"<td colspan="2">When the problem started, in UTC</td>"#,
        // tabs, reachable by their DocFX fragment
        r##"<a href="#tab/cli">command-line tab</a>"##,
        r#"<section class="tab-panel" id="tab/cli" data-tab="cli">"#,
        // the next-step call to action
        "<div class=\"next-step-action\">\n<p><a href=\"check-service-health.html\">Check service health</a></p>",
    ] {
        assert!(en.contains(expected), "missing {expected:?} in\n{en}");
    }
    for literal in [
        ":::",
        "[!INCLUDE",
        "[!NOTE]",
        "[!div",
        "#tab/portal)",
        "<a name=",
    ] {
        assert!(!en.contains(literal), "literal {literal:?} left in\n{en}");
    }
    assert_eq!(en.matches("<h1").count(), 1, "{en}");
    let ja = project.read("build/html/ja/escalate-to-vendor.html");
    for expected in [
        r#"<h1 id="お客様の問題をベンダーにエスカレーションする">お客様の問題をベンダーにエスカレーションする</h1>"#,
        "<p class=\"alert-title\">メモ</p>",
        "<p class=\"alert-title\">注意</p>",
        "重大度は、依頼の口調ではなく",
        r#"<a href="https://learn.microsoft.com/ja/azure/service-health/overview">"#,
        r#"<section class="tab-panel" id="tab/cli" data-tab="cli">"#,
    ] {
        assert!(ja.contains(expected), "missing {expected:?} in\n{ja}");
    }
    let home = project.read("build/html/en/index.html");
    // A link to a landing page (left out as not content) leads to where it is published.
    assert!(
        home.contains(
            r#"<a href="https://learn.microsoft.com/en/partner-support/landing">support hub</a>"#
        ),
        "{home}"
    );
    // The include's link, written relative to includes/, leads to the page from the home page.
    assert!(
        home.contains(r#"<a href="check-service-health.html#status-page">the status page</a>"#),
        "{home}"
    );
    // Front matter metadata is kept in the manifest.
    let manifest: serde_json::Value =
        serde_json::from_str(&project.read("build/manifest.json")).unwrap();
    let page = manifest["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["source"] == "content/ja/check-service-health.md")
        .unwrap();
    assert_eq!(page["metadata"]["ms.translationtype"], "MT");
    assert_eq!(page["metadata"]["ms.date"], "10/20/2026");
    assert_eq!(page["title"], "サービス正常性を確認する");
    // Images are copied, include files and repository files are not pages.
    let files = project.files("build");
    assert!(files.contains_key("html/en/media/portal-form.png"));
    assert!(
        files.contains_key("markdown/en/src/media/portal-form.png"),
        "{:?}",
        files.keys()
    );
    assert!(
        !files
            .keys()
            .any(|p| p.contains("includes/") || p.contains("docfx") || p.contains("toc.yml")),
        "{:?}",
        files.keys()
    );
    // The table of contents lists the pages by their names in toc.yml, never the include files.
    let contents = project.read("build/html/en/contents.html");
    assert!(
        contents.contains(">Escalate to the vendor</a>"),
        "{contents}"
    );
    assert!(!contents.contains("contact-window"));
    assert!(!home.contains("contact-window"));
}

#[test]
fn markdown_output_is_plain_commonmark_with_alerts() {
    let project = Project::fixture("docfx");
    project.run(&["build"]).expect(0);
    let md = project.read("build/markdown/en/src/escalate-to-vendor.md");
    assert!(
        md.starts_with("# Escalate a customer problem to the vendor\n"),
        "{md}"
    );
    assert_eq!(md.matches("\n# ").count() + 1, 1, "one h1:\n{md}");
    assert!(md.contains("> [!NOTE]\n> A support request"), "{md}");
    assert!(
        md.contains("Pick the severity from the customer's impact"),
        "{md}"
    );
    assert!(
        md.contains(
            "![The request form with the tenant id field filled in.](media/portal-form.png)"
        ),
        "{md}"
    );
    assert!(
        md.contains(
            "[status overview](https://learn.microsoft.com/en/azure/service-health/overview)"
        ),
        "{md}"
    );
    assert!(!md.contains("[!INCLUDE") && !md.contains(":::"), "{md}");
}

/// One real defect of each kind, each reported once at its own line, and nothing else.
#[test]
fn one_defect_of_each_kind_is_reported_at_its_line() {
    let project = Project::fixture("docfx");
    let page = project.read("content/check-service-health.md");
    let broken = page.replace(
        "Go back to [escalating](escalate-to-vendor.md#what-to-send) with what you found.",
        "Go back to [escalating](escalate-to-vendor.md#what-to-sent) with what you found.\n\n\
         ![The old form.](media/old-form.png)\n\n\
         See [the overview](Index.md).\n\n\
         [!INCLUDE [gone](includes/no-such-note.md)]\n\n\
         Jump to [the status](##status-page).",
    );
    project.write("content/check-service-health.md", &broken);
    let run = project.run(&["check"]).expect(1);
    let stderr = run.stderr();
    let expected = [
        (
            "broken-anchor",
            "content/check-service-health.md:20:25",
            "no anchor `#what-to-sent` in `escalate-to-vendor.md`",
        ),
        (
            "broken-link",
            "content/check-service-health.md:22:18",
            "no file `media/old-form.png` in content/",
        ),
        (
            "link-case",
            "content/check-service-health.md:24:20",
            "`Index.md` differs only in case from `index.md`",
        ),
        (
            "missing-include",
            "content/check-service-health.md:26:18",
            "no include file `includes/no-such-note.md` in content/",
        ),
        (
            "broken-anchor",
            "content/check-service-health.md:28:22",
            "`##status-page` has `#` twice before its anchor",
        ),
    ];
    for (code, place, message) in expected {
        let header = format!("error[{code}]: {message}");
        let at = stderr
            .find(&header)
            .unwrap_or_else(|| panic!("missing {header}\n{stderr}"));
        assert!(
            stderr[at..]
                .lines()
                .nth(1)
                .is_some_and(|l| l.ends_with(place)),
            "{header} is not at {place}:\n{stderr}"
        );
    }
    // The only other finding is true too: the Japanese page no longer matches the English one.
    assert!(stderr.contains("5 errors, 1 warning"), "{stderr}");
    assert!(
        stderr.contains("warning[translation-structure]"),
        "{stderr}"
    );
    // The near miss gets its hint; the doubled `#` names the fix.
    assert!(stderr.contains("did you mean `#what-to-send`?"), "{stderr}");
    assert!(stderr.contains("write one `#`: `#status-page`"), "{stderr}");
}

#[test]
fn includes_that_loop_and_images_without_alt_text_are_reported() {
    let project = Project::fixture("docfx");
    project.write("content/includes/a.md", "A [!INCLUDE [b](b.md)]\n");
    project.write("content/includes/b.md", "B [!INCLUDE [a](a.md)]\n");
    project.write(
        "content/more.md",
        "---\ntitle: More\n---\n\n[!INCLUDE [a](includes/a.md)]\n\n![](media/portal-form.png)\n\n:::image type=\"content\" source=\"media/portal-form.png\":::\n\n:::code language=\"json\" source=\"x.json\":::\n",
    );
    let run = project.run(&["check"]).expect(1);
    let stderr = run.stderr();
    assert!(stderr.contains("error[include-cycle]: includes loop: `includes/a.md` → `includes/b.md` → `includes/a.md`"), "{stderr}");
    assert_eq!(
        stderr.matches("error[include-cycle]").count(),
        1,
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning[image-alt]").count(), 2, "{stderr}");
    assert!(
        stderr.contains(
            "error[unsupported-directive]: `:::code` is a DocFX directive runbook does not render"
        ),
        "{stderr}"
    );
}

#[test]
fn site_root_links_without_a_mapping_name_the_setting() {
    let project = Project::fixture("docfx");
    let toml = project.read("book.toml");
    let unmapped = toml.replace("\"/\" = \"https://learn.microsoft.com/{locale}/\"\n", "");
    project.write("book.toml", &unmapped);
    let run = project.run(&["check"]).expect(1);
    let stderr = run.stderr();
    assert!(stderr.contains("`/azure/service-health/overview` is a site-root link, and no `[output.runbook.root-links]` mapping reads it"), "{stderr}");
    assert!(
        stderr.contains("`\"/azure/\" = \"https://your.site/{locale}/azure/\"`"),
        "{stderr}"
    );
    // Declared as outside, they pass.
    project.write(
        "book.toml",
        &format!(
            "{}\n",
            unmapped.replace(
                "[output.runbook]\n",
                "[output.runbook]\noutside = [\"/azure/**\"]\n"
            )
        ),
    );
    project.run(&["check"]).expect(0);
}

#[test]
fn a_broken_file_hides_no_other_files_checks() {
    let project = Project::fixture("docfx");
    project.write("content/products.yaml", "products: [\n");
    let page = project.read("content/index.md");
    project.write(
        "content/index.md",
        &page.replace("check-service-health.md)", "check-service-helth.md)"),
    );
    let run = project.run(&["check"]).expect(1);
    let stderr = run.stderr();
    assert!(stderr.contains("error[invalid-yaml]"), "{stderr}");
    assert!(
        stderr.contains("no page or procedure `check-service-helth.md`"),
        "{stderr}"
    );
}

#[test]
fn machine_translated_pages_export_as_fuzzy() {
    let project = Project::fixture("docfx");
    let run = project.run(&["i18n", "export", "--locale", "ja"]).expect(0);
    let po = run.stdout();
    // check-service-health.ja is `ms.translationtype: MT`; escalate-to-vendor.ja is `HT`.
    let entry = |id: &str| {
        let at = po
            .find(&format!("msgctxt \"{id}\""))
            .unwrap_or_else(|| panic!("no {id} in\n{po}"));
        let start = po[..at].rfind("\n\n").map_or(0, |i| i + 2);
        po[start..at].to_string()
    };
    assert!(
        entry("check-service-health.md:title").contains("#, fuzzy"),
        "{po}"
    );
    assert!(
        entry("check-service-health.md:title").contains("machine translation"),
        "{po}"
    );
    assert!(
        !entry("escalate-to-vendor.md:title").contains("#, fuzzy"),
        "{po}"
    );
}

#[test]
fn summary_and_max_errors_keep_large_reports_readable() {
    let project = Project::fixture("docfx");
    // The same broken link on five pages, and one other problem.
    for name in ["a", "b", "c", "d", "e"] {
        project.write(
            &format!("content/extra-{name}.md"),
            "---\ntitle: Extra\n---\n\nSee [the old page](retired.md).\n",
        );
    }
    project.write(
        "content/extra-f.md",
        "---\ntitle: Extra\n---\n\n![A chart.](media/nothing.png)\n",
    );
    let run = project.run(&["check"]).expect(1);
    let stderr = run.stderr();
    assert_eq!(
        stderr
            .matches("error[broken-link]: no page or procedure `retired.md`")
            .count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("= the same in 4 more places: content/extra-b.md:5:20, content/extra-c.md:5:20, content/extra-d.md:5:20, content/extra-e.md:5:20"), "{stderr}");
    let run = project.run(&["check", "--summary"]).expect(1);
    let table = run.stdout();
    assert!(table.contains("| 6 | error | `broken-link` |"), "{table}");
    assert!(table.contains("| 1 | 1 | content/extra-a.md |"), "{table}");
    let run = project.run(&["check", "--max-errors", "1"]).expect(1);
    let stderr = run.stderr();
    assert_eq!(stderr.matches("error[").count(), 1, "{stderr}");
    assert!(stderr.contains("… 9 more not shown"), "{stderr}");
    assert!(stderr.contains("6 errors, 6 warnings"), "{stderr}");
}

#[test]
fn content_ids_never_collide_with_the_templates_ids() {
    let project = Project::fixture("docfx");
    let page = project.read("content/check-service-health.md");
    // Names a real page may use: an HTML anchor and headings that read like the templates' parts.
    project.write(
        "content/check-service-health.md",
        &format!(
            "{}\n\n## Steps\n\nSee [search](#search), [the steps](#steps) and [main](#main).\n\n## Main\n",
            page.replace("<a id=\"status-page\"></a>", "<a id=\"status-page\"></a><a name=\"search\"></a>")
        ),
    );
    project.run(&["check"]).expect(0);
    project.run(&["build"]).expect(0);
    let html = project.read("build/html/en/check-service-health.html");
    assert!(html.contains(r#"<h2 id="steps">Steps</h2>"#), "{html}");
    assert!(html.contains(r#"<h2 id="main">Main</h2>"#), "{html}");
    assert!(html.contains(r#"id="rb-search""#), "the site's search");
    // The templates' own namespace stays reserved.
    project.write(
        "content/check-service-health.md",
        &page.replace("<a id=\"status-page\"></a>", "<a id=\"rb-search\"></a>"),
    );
    let run = project.run(&["check"]).expect(1);
    let stderr = run.stderr();
    assert!(
        stderr.contains(
            "error[duplicate-anchor]: the page of `check-service-health` has the id `rb-search` twice"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/check-service-health.md:12:4"),
        "{stderr}"
    );
    // `build` refuses too, and leaves the last good output as it was.
    let before = project.files("build");
    project.run(&["build"]).expect(1);
    assert_eq!(project.files("build"), before);
}

#[test]
fn the_table_of_contents_orders_the_sidebar_and_the_summary() {
    let project = Project::fixture("docfx");
    project.run(&["build"]).expect(0);
    // The whole table is listed once per locale, on its contents page and in its `toc.js`.
    let contents = project.read("build/html/ja/contents.html");
    let start = contents.find("<ul class=\"toc toc-full\">").unwrap();
    let table = &contents[start..start + contents[start..].find("</article>").unwrap()];
    let order = [
        "index.html",
        "Escalations",
        "escalation-checklist.html",
        "escalate-to-vendor.html",
        "check-service-health.html",
        "https://status.example.com/",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|n| {
            table
                .find(n)
                .unwrap_or_else(|| panic!("{n} not in\n{table}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{table}");
    // Shared with the source locale: pages take their Japanese titles, a group name is marked English.
    assert!(
        table.contains(">エスカレーション チェックリスト</a>"),
        "{table}"
    );
    assert!(
        table.contains("<span class=\"toc-group\" lang=\"en\">Escalations</span>"),
        "{table}"
    );
    let script = project.read("build/html/ja/toc.js");
    for entry in [
        r#""h":"escalation-checklist.html","t":"エスカレーション チェックリスト""#,
        r#""l":"en""#,
        r#""h":"https://status.example.com/""#,
    ] {
        assert!(script.contains(entry), "{entry} in {script}");
    }
    // A page carries its own branch: the top-level entries, the folded group's entries left out,
    // and a link to the contents page.
    let page = project.read("build/html/ja/check-service-health.html");
    let start = page.find("<ul class=\"toc\"").unwrap();
    let sidebar = &page[start..start + page[start..].find("</nav>").unwrap()];
    assert!(
        sidebar.contains("<a href=\"check-service-health.html\" aria-current=\"page\">"),
        "{sidebar}"
    );
    assert!(sidebar.contains(">Escalations</span>"), "{sidebar}");
    assert!(!sidebar.contains("escalation-checklist.html"), "{sidebar}");
    assert!(
        sidebar.contains("<a href=\"contents.html\">目次全体</a>"),
        "{sidebar}"
    );
    assert!(
        page.contains("<script src=\"toc.js\" defer></script>"),
        "{page}"
    );
    let summary = project.read("build/markdown/en/src/SUMMARY.md");
    assert!(
        summary.contains("- [Escalations]()\n  - [Escalation checklist](escalation-checklist.md)\n  - [Escalate to the vendor](escalate-to-vendor.md)\n- [Check service health](check-service-health.md)\n"),
        "{summary}"
    );
}

#[test]
fn table_of_contents_links_are_checked_at_their_line() {
    let project = Project::fixture("docfx");
    let toc = project.read("content/toc.yml");
    project.write(
        "content/toc.yml",
        &toc.replace(
            "href: check-service-health.md",
            "href: Check-Service-Health.md",
        )
        .replace(
            "href: escalate-to-vendor.md",
            "href: escalate-to-vendor.md#no-such-part",
        ),
    );
    let run = project.run(&["check"]).expect(1);
    let stderr = run.stderr();
    assert!(stderr.contains("error[link-case]: `Check-Service-Health.md` differs only in case from `check-service-health.md`\n  --> content/toc.yml:11:9"), "{stderr}");
    assert!(stderr.contains("error[broken-anchor]: no anchor `#no-such-part` in `escalate-to-vendor.md`\n --> content/toc.yml:9:13"), "{stderr}");
}

/// `runbook import docfx` on a DocFX folder and its Japanese checkout gives a project that builds,
/// with the docset's own site-root links read into the content and what it did not copy listed.
#[test]
fn import_docfx_makes_a_project_that_builds() {
    let work = Project::empty();
    let fixture = crate::util::fixture("docfx/content");
    for (path, bytes) in crate::util::read_tree(&fixture) {
        let target = match path.strip_prefix("ja/") {
            Some(rest) => work.root().join("docs.ja-jp/partner-support").join(rest),
            None => work.root().join("docs/partner-support").join(&path),
        };
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    work.write(
        "docs.ja-jp/partner-support/only-in-japanese.md",
        "---\ntitle: X\n---\n",
    );
    // The translation links a page only it has, and one its repository redirects.
    work.write(
        "docs.ja-jp/.openpublishing.redirection.json",
        r#"{"redirections": [{"source_path": "partner-support/old-escalation.md", "redirect_url": "/partner-support/escalate-to-vendor"}, {"source_path": "other-docset/x.md", "redirect_url": "/x"}]}"#,
    );
    let ja_index = work.root().join("docs.ja-jp/partner-support/index.md");
    let text = std::fs::read_to_string(&ja_index).unwrap();
    std::fs::write(
        &ja_index,
        format!("{text}\n[日本語のみ](only-in-japanese.md) [旧ページ](old-escalation.md)\n"),
    )
    .unwrap();
    let run = crate::util::run_in(
        work.root(),
        &[
            "import",
            "docfx",
            "docs/partner-support",
            "--out",
            "guide",
            "--locale",
            "ja=docs.ja-jp/partner-support",
        ],
    )
    .expect(0);
    let stderr = run.stderr();
    assert!(
        stderr.contains("docfx.json: DocFX's project file: not needed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ja/only-in-japanese.md: no page at this path in the source folder"),
        "{stderr}"
    );
    // The translation's added paragraph is one warning (its shape differs from the source);
    // the how-to page without numbered steps, which the import's rule makes a procedure page,
    // is the other.
    assert!(
        run.stdout().contains("0 errors, 2 warnings"),
        "{}",
        run.stdout()
    );
    let book = std::fs::read_to_string(work.root().join("guide/book.toml")).unwrap();
    assert!(book.contains("locales = [\"en\", \"ja\"]"), "{book}");
    assert!(
        book.contains(
            "[output.runbook.procedure-pages]\nmetadata = { \"ms.topic\" = [\"how-to\"] }"
        ),
        "{book}"
    );
    // Links to the translation's own page and to a redirected one are declared, not errors.
    assert!(
        book.contains("  \"only-in-japanese.md\",\n")
            && book.contains("  \"old-escalation.md\",\n"),
        "{book}"
    );
    assert!(
        !book.contains("x.md\""),
        "another docset's redirection: {book}"
    );
    assert!(stderr.contains("redirected pages read from"), "{stderr}");
    // Named after the docset, not its folder, and the source is said.
    assert!(
        book.contains("title = \"Partner support escalations\""),
        "{book}"
    );
    assert!(
        stderr.contains(
            "the site's title is \"Partner support escalations\", from the first entry of `toc.yml`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("next: runbook build --root guide"),
        "{stderr}"
    );
    assert!(
        book.contains("\"/partner-support/\" = \"content\""),
        "{book}"
    );
    assert!(
        work.root()
            .join("guide/content/ja/escalate-to-vendor.md")
            .is_file()
    );
    assert!(
        work.root()
            .join("guide/content/media/portal-form.png")
            .is_file()
    );
    crate::util::run_in(work.root(), &["build", "--root", "guide"]).expect(0);
    let page = std::fs::read_to_string(
        work.root()
            .join("guide/build/html/ja/escalate-to-vendor.html"),
    )
    .unwrap();
    assert!(page.contains("<p class=\"alert-title\">メモ</p>"));
    // The how-to page's numbered steps are a procedure of the page, with a checklist.
    assert!(
        page.contains("class=\"procedure page-procedure\""),
        "{page}"
    );
    let checklists = work
        .root()
        .join("guide/build/html/ja/checklists/escalate-to-vendor");
    assert!(
        checklists.is_dir() || checklists.with_extension("html").is_file(),
        "no checklist of escalate-to-vendor"
    );
    // docfx.json's `_appTitle` comes first; with known problems, the next step is a baseline.
    let docfx = work.root().join("docs/partner-support/docfx.json");
    let text = std::fs::read_to_string(&docfx).unwrap();
    std::fs::write(
        &docfx,
        text.replace(
            "\"globalMetadata\": {",
            "\"globalMetadata\": { \"_appTitle\": \"Escalations for partners\",",
        ),
    )
    .unwrap();
    work.write(
        "docs/partner-support/removed-link.md",
        "---\ntitle: R\n---\n\n[gone](gone.md)\n",
    );
    let run = crate::util::run_in(
        work.root(),
        &["import", "docfx", "docs/partner-support", "--out", "guide2"],
    )
    .expect(0);
    let stderr = run.stderr();
    assert!(
        stderr.contains("\"Escalations for partners\", from docfx.json's `_appTitle`"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "runbook check --root guide2 --write-baseline\n  runbook build --root guide2"
        ),
        "{stderr}"
    );
    // Importing again into the same folder is refused, and changes nothing.
    crate::util::run_in(
        work.root(),
        &["import", "docfx", "docs/partner-support", "--out", "guide"],
    )
    .expect(1);
}

/// `check` passing means `build` passes: every fixture project, and every error overlay of the
/// minimal fixture, either fails `check` or builds (the fuzz target `load` asserts the same on
/// every input it tries, its seeds included).
#[test]
fn every_project_check_accepts_builds() {
    let mut projects = vec![
        Project::sample(),
        Project::fixture("minimal"),
        Project::fixture("docfx"),
    ];
    let overlays = crate::util::fixture("errors");
    let mut names: Vec<_> = std::fs::read_dir(&overlays)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for overlay in names {
        let project = Project::fixture("minimal");
        for (path, bytes) in crate::util::read_tree(&overlay) {
            project.write(&path, std::str::from_utf8(&bytes).unwrap());
        }
        projects.push(project);
    }
    let mut accepted = 0;
    let mut baselined = 0;
    for project in &projects {
        if project.run(&["check"]).code() == 0 {
            accepted += 1;
            project.run(&["build"]).expect(0);
            continue;
        }
        // With its findings in a baseline, a project that then passes `check` builds too.
        project.run(&["check", "--write-baseline"]);
        if project.run(&["check"]).code() == 0 {
            baselined += 1;
            project.run(&["build"]).expect(0);
        }
    }
    assert!(accepted >= 3, "only {accepted} projects passed check");
    assert!(
        baselined >= 5,
        "only {baselined} projects passed check with a baseline"
    );
}

/// A translated page whose shape differs from its source (a paragraph added) is not trusted
/// pair by pair: its translations export as fuzzy, so a translator checks each pairing.
#[test]
fn translations_paired_across_different_shapes_export_as_fuzzy() {
    let project = Project::fixture("docfx");
    let page = project.read("content/ja/escalate-to-vendor.md");
    project.write(
        "content/ja/escalate-to-vendor.md",
        &page.replace("## 送る情報\n", "## 送る情報\n\n翻訳だけにある段落です。\n"),
    );
    let run = project.run(&["i18n", "export", "--locale", "ja"]).expect(0);
    let po = run.stdout();
    let at = po
        .find("msgctxt \"escalate-to-vendor.md#what-to-send\"")
        .unwrap_or_else(|| panic!("{po}"));
    let start = po[..at].rfind("\n\n").unwrap();
    assert!(po[start..at].contains("#, fuzzy"), "{}", &po[start..at]);
    assert!(po[start..at].contains("paired across pages of different shapes"));
    // The unchanged page's pairs stay as they were.
    let at = po
        .find("msgctxt \"index.md#partner-support-escalations\"")
        .unwrap_or_else(|| panic!("{po}"));
    let start = po[..at].rfind("\n\n").unwrap();
    assert!(!po[start..at].contains("#, fuzzy"), "{}", &po[start..at]);
}

/// The runbook's appendices (pages the procedures link) follow the table of contents.
#[test]
fn runbook_appendices_follow_the_table_of_contents() {
    let project = Project::fixture("docfx");
    let order = |project: &Project| {
        let runbook = project.read("build/html/en/runbook.html");
        let health = runbook.find("Check service health</h3>");
        let vendor = runbook.find("Escalate a customer problem to the vendor</h3>");
        (health.unwrap(), vendor.unwrap())
    };
    project.run(&["build"]).expect(0);
    let (health, vendor) = order(&project);
    assert!(
        vendor < health,
        "first-link and toc order: the escalation page first"
    );
    // Check service health moved to the top of toc.yml: it becomes the first appendix.
    project.write(
        "content/toc.yml",
        "- name: Check service health\n  href: check-service-health.md\n- name: Escalate to the vendor\n  href: escalate-to-vendor.md\n",
    );
    project.run(&["build"]).expect(0);
    let (health, vendor) = order(&project);
    assert!(health < vendor, "toc order: the health page first");
}

/// Includes that include each other many times over (10^8 copies) are cut at a budget and
/// reported, in bounded memory and time.
#[test]
fn an_include_bomb_is_refused_in_bounded_memory() {
    let project = Project::fixture("minimal");
    for level in 1..9 {
        let text = if level == 8 {
            "x".repeat(1000)
        } else {
            format!("[!INCLUDE [next](l{}.md)]\n\n", level + 1).repeat(10)
        };
        project.write(&format!("content/includes/l{level}.md"), &text);
    }
    project.write(
        "content/bomb.md",
        "---\ntitle: Bomb\n---\n\n[!INCLUDE [top](includes/l1.md)]\n",
    );
    let run = project.run_bounded(&["check"], 1024, 60);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stderr().contains("error[include-too-large]"),
        "{}",
        run.stderr()
    );
}

/// Include files are held to the page rules: raw HTML, and script links in video directives.
#[test]
fn include_files_and_videos_are_checked_like_pages() {
    let project = Project::fixture("docfx");
    project.write(
        "content/includes/severity-note.md",
        "Pick the severity <img src=x onerror=alert(1)> from the impact.\n",
    );
    project.write(
        "content/video.md",
        "---\ntitle: Video\n---\n\n> [!VIDEO javascript:alert(1)]\n",
    );
    project.write(
        "content/toc.yml",
        "- name: Self\n  href: toc.yml\n- name: Home\n  href: index.md\n",
    );
    let run = project.run(&["check"]).expect(1);
    let stderr = run.stderr();
    assert!(stderr.contains("error[unsafe-html]: attribute `onerror` of `<img>` is not allowed\n --> content/includes/severity-note.md:1:19"), "{stderr}");
    assert!(
        stderr.contains("error[unsafe-link]: `javascript:` links are refused"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`toc.yml` is this table of contents itself"),
        "{stderr}"
    );
}

/// Eight levels of includes are pulled in; a ninth would be left out, so `check` says so.
#[test]
fn includes_nested_too_deep_are_reported() {
    let project = Project::fixture("docfx");
    for level in 1..=9 {
        let text = if level == 9 {
            "The bottom.\n".to_string()
        } else {
            format!("[!INCLUDE [next](c{}.md)]\n", level + 1)
        };
        project.write(&format!("content/includes/c{level}.md"), &text);
    }
    project.write("content/deep.md", "---\ntitle: Deep\n---\n\n[!INCLUDE [top](includes/c1.md)]\n\n[!INCLUDE [eight levels](includes/c2.md)]\n");
    let run = project.run(&["check"]).expect(1);
    let stderr = run.stderr();
    assert_eq!(
        stderr.matches("error[include-too-deep]").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("--> content/deep.md:5:17"), "{stderr}");
}

/// `[output.runbook] exclude` leaves files out (with the note), and `include-folders` names other
/// folders of include files.
#[test]
fn exclude_and_include_folders_shape_the_content() {
    let project = Project::fixture("docfx");
    let toml = project.read("book.toml");
    project.write(
        "book.toml",
        &toml.replace(
            "[output.runbook]\n",
            "[output.runbook]\nexclude = [\"archive/**\"]\ninclude-folders = [\"includes\", \"snippets\"]\n",
        ),
    );
    // A broken page in the excluded folder, and a snippet pulled into a page.
    project.write(
        "content/archive/old.md",
        "---\ntitle: Old\n---\n\n[gone](nowhere.md)\n",
    );
    project.write("content/snippets/hours.md", "Around the clock.\n");
    let page = project.read("content/check-service-health.md");
    project.write(
        "content/check-service-health.md",
        &page.replace(
            "A problem the vendor already knows about needs no escalation.",
            "A problem the vendor already knows about needs no escalation. [!INCLUDE [hours](snippets/hours.md)]",
        ),
    );
    let run = project.run(&["check"]).expect(0);
    assert!(
        run.stderr()
            .contains("`content/archive/old.md` (excluded by `[output.runbook] exclude`)"),
        "{}",
        run.stderr()
    );
    project.run(&["build"]).expect(0);
    let html = project.read("build/html/en/check-service-health.html");
    assert!(
        html.contains("needs no escalation. Around the clock."),
        "{html}"
    );
    let files = project.files("build");
    assert!(
        !files
            .keys()
            .any(|p| p.contains("archive") || p.contains("snippets/hours")),
        "{:?}",
        files.keys()
    );
}

#[test]
fn the_contents_page_and_script_are_reserved_only_with_a_table_of_contents() {
    // With a toc.yml, `contents` is the contents page and `toc.js` the table's script.
    let project = Project::fixture("docfx");
    project.write(
        "content/contents.md",
        "---\ntitle: Contents\n---\n# Contents\n\nMine.\n",
    );
    project.write("content/toc.js", "self.mine = 1;\n");
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("`contents` is the name of a generated file"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "`content/toc.js` would overwrite the generated script of the table of contents"
        ),
        "{stderr}"
    );
    // Without one, they are ordinary content.
    let project = Project::fixture("minimal");
    project.write(
        "content/contents.md",
        "---\ntitle: Contents\n---\n# Contents\n\nMine.\n",
    );
    project.write("content/toc.js", "self.mine = 1;\n");
    project.run(&["check"]).expect(0);
    project.run(&["build"]).expect(0);
    assert!(
        project
            .read("build/html/en/contents.html")
            .contains("Mine.")
    );
    assert_eq!(project.read("build/html/en/toc.js"), "self.mine = 1;\n");
}
