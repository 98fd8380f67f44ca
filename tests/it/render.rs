//! Snapshots of what readers see: rendered HTML and Markdown of the `minimal` fixture in both
//! locales, the mdBook summary and the manifest. Review changes with `cargo insta review`.

use crate::util::Project;

fn built() -> Project {
    let project = Project::fixture("minimal");
    project.run(&["build"]).expect(0);
    project
}

#[test]
fn html_pages() {
    let project = built();
    for path in [
        "html/index.html",
        "html/en/index.html",
        "html/en/handle-outage.html",
        "html/ja/handle-outage.html",
        "html/en/status.html",
        "html/ja/status.html",
        "html/ja/glossary.html",
        "html/ja/categories.html",
    ] {
        let name = path.replace(['/', '.'], "_");
        insta::assert_snapshot!(name, project.read(&format!("build/{path}")));
    }
}

/// The search indexes, pretty-printed: pages, sections with their anchors and text, terms
/// (English stems, Japanese character pairs) and the words of each stem.
#[test]
fn search_indexes() {
    let project = built();
    for locale in ["en", "ja"] {
        // The table of parts, then every part in name order.
        let mut names = vec![locale.to_string()];
        let mut parts: Vec<String> = project
            .files(&format!("build/html/search/{locale}"))
            .into_keys()
            .map(|file| format!("{locale}/{}", file.trim_end_matches(".js")))
            .collect();
        parts.sort();
        names.extend(parts);
        let mut shown = String::new();
        for name in names {
            let script = project.read(&format!("build/html/search/{name}.js"));
            let prefix = format!(
                "(self.runbookSearchIndex = self.runbookSearchIndex || {{}})[\"{name}\"] = "
            );
            let json = script
                .strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(";\n"))
                .unwrap_or_else(|| panic!("{script}"));
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            shown.push_str(&format!(
                "{name}:\n{}\n",
                serde_json::to_string_pretty(&value).unwrap()
            ));
        }
        insta::assert_snapshot!(format!("search_index_{locale}"), shown);
    }
}

#[test]
fn markdown_books() {
    let project = built();
    for path in [
        "markdown/en/book.toml",
        "markdown/en/src/SUMMARY.md",
        "markdown/en/src/handle-outage.md",
        "markdown/ja/src/SUMMARY.md",
        "markdown/ja/src/handle-outage.md",
        "markdown/ja/src/glossary.md",
        "markdown/ja/src/categories.md",
    ] {
        let name = path.replace(['/', '.'], "_");
        insta::assert_snapshot!(name, project.read(&format!("build/{path}")));
    }
}

#[test]
fn manifest() {
    insta::assert_snapshot!(built().read("build/manifest.json"));
}

#[test]
fn headings_get_unique_anchors_in_every_locale() {
    let project = built();
    let en = project.read("build/html/en/status.html");
    assert!(
        en.contains(r#"<h2 id="where-to-look">Where to look</h2>"#),
        "{en}"
    );
    assert!(
        en.contains(r#"<h2 id="where-to-look-1">Where to look</h2>"#),
        "{en}"
    );
    let ja = project.read("build/html/ja/status.html");
    assert!(
        ja.contains(r#"<h2 id="確認する場所">確認する場所</h2>"#),
        "{ja}"
    );
    // The link into another page's heading resolves in both outputs.
    let procedure = project.read("build/html/ja/handle-outage.html");
    assert!(
        procedure.contains(r#"href="status.html#where-to-look""#),
        "{procedure}"
    );
}

/// Pages in subdirectories: a page's sidebar lists the root's entries and its own directory's,
/// not other directories' (so pages do not grow with the site); the home page lists them all.
#[test]
fn the_sidebar_lists_the_root_and_the_page_s_own_directory() {
    let project = Project::fixture("minimal");
    project.write(
        "content/mail/quota.md",
        "---\ntitle: Mailbox quota\n---\n\nText.\n",
    );
    project.write(
        "content/mail/rules.md",
        "---\ntitle: Mail rules\n---\n\nText.\n",
    );
    project.write(
        "content/sign-in/mfa.md",
        "---\ntitle: MFA prompts\n---\n\nText.\n",
    );
    project.run(&["build"]).expect(0);
    let quota = project.read("build/html/en/mail/quota.html");
    assert!(
        quota.contains(r#"<a href="../mail/quota.html" aria-current="page">Mailbox quota</a>"#),
        "{quota}"
    );
    assert!(
        quota.contains(r#"<a href="../mail/rules.html">Mail rules</a>"#),
        "{quota}"
    );
    assert!(quota.contains(r#"<a href="../glossary.html">"#), "{quota}");
    assert!(
        quota.contains(r#"<a href="../index.html#section-mail">mail</a>"#),
        "{quota}"
    );
    assert!(
        !quota.contains("MFA prompts"),
        "another directory's page is not listed: {quota}"
    );
    let glossary = project.read("build/html/en/glossary.html");
    assert!(!glossary.contains("Mailbox quota"), "{glossary}");
    let home = project.read("build/html/en/index.html");
    for expected in [
        r#"<h2 id="section-mail">mail</h2>"#,
        r#"<a href="mail/rules.html">Mail rules</a>"#,
        r#"<a href="sign-in/mfa.html">MFA prompts</a>"#,
    ] {
        assert!(home.contains(expected), "{expected} in {home}");
    }
}

/// A rebuild keeps files whose bytes did not change (same modification time), so an upload that
/// compares times sends only what an edit changed.
#[test]
fn a_rebuild_rewrites_only_the_files_an_edit_changed() {
    let project = Project::fixture("minimal");
    let first = project.run(&["build"]).expect(0).stderr();
    assert!(!first.contains("unchanged"), "{first}");
    let mtime = |path: &str| {
        std::fs::metadata(project.root().join(path))
            .unwrap()
            .modified()
            .unwrap()
    };
    let untouched = "build/html/en/handle-outage.html";
    let edited = "build/html/en/glossary.html";
    let (before_untouched, before_edited) = (mtime(untouched), mtime(edited));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = project.run(&["build"]).expect(0).stderr();
    let files = |summary: &str| -> (usize, usize) {
        let number = |after: &str| {
            let rest = &summary[summary.find(after).unwrap() + after.len()..];
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        (number("), "), number(" files ("))
    };
    let (total, unchanged) = files(&again);
    assert_eq!(total, unchanged, "nothing changed: {again}");
    let glossary = project.read("content/glossary.md");
    project.write(
        "content/glossary.md",
        &glossary.replace("\n\n", "\n\nEdited. "),
    );
    let edit = project.run(&["build"]).expect(0).stderr();
    let (total, unchanged) = files(&edit);
    assert!(unchanged > 0 && unchanged < total, "{edit}");
    assert_eq!(mtime(untouched), before_untouched);
    assert_ne!(mtime(edited), before_edited);
}
