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
