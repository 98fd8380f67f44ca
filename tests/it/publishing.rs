//! What a published site needs: with `site-url`, a sitemap whose addresses are exactly the
//! manifest's guide pages, `robots.txt`, absolute canonical and hreflang links; 404 pages at the
//! root and per locale; descriptions and Open Graph data; "last updated" dates from front
//! matter or git; the project's icon and logo.

use std::collections::BTreeSet;
use std::process::Command;

use crate::util::Project;

const SITE: &str = "https://partners.example.com/docs/guide/";

/// The sample with `site-url` set to [`SITE`].
fn published_sample() -> Project {
    Project::published_sample(SITE)
}

/// The manifest's guide pages, as absolute addresses.
fn guide_page_urls(project: &Project) -> BTreeSet<String> {
    let manifest: serde_json::Value =
        serde_json::from_str(&project.read("build/manifest.json")).unwrap();
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            matches!(
                f["kind"].as_str().unwrap(),
                "index" | "page" | "procedure" | "categories"
            )
        })
        .filter_map(|f| f["path"].as_str().unwrap().strip_prefix("html/"))
        .map(|path| format!("{SITE}{path}"))
        .collect()
}

/// The sitemap read by Python's XML parser (so it must be well-formed): each `<url>` as its
/// `loc`, `lastmod` (or empty) and alternates `LANG URL`.
fn read_sitemap(project: &Project) -> Vec<(String, String, Vec<String>)> {
    let script = r#"
import sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
for url in ET.parse(sys.argv[1]).getroot().findall("s:url", ns):
    alternates = [a.get("hreflang") + " " + a.get("href") for a in url.findall("x:link", ns) if a.get("rel") == "alternate"]
    print("\t".join([url.findtext("s:loc", "", ns), url.findtext("s:lastmod", "", ns)] + alternates))
"#;
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(project.root().join("build/html/sitemap.xml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "sitemap.xml is not well-formed XML: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let mut fields = line.split('\t').map(str::to_string);
            let loc = fields.next().unwrap();
            let lastmod = fields.next().unwrap();
            (loc, lastmod, fields.collect())
        })
        .collect()
}

#[test]
fn the_sitemap_lists_exactly_the_guide_pages_with_their_alternates() {
    let project = published_sample();
    project.run(&["build"]).expect(0);
    let urls = read_sitemap(&project);
    let locs: BTreeSet<String> = urls.iter().map(|(loc, _, _)| loc.clone()).collect();
    assert_eq!(locs.len(), urls.len(), "an address listed twice");
    assert_eq!(locs, guide_page_urls(&project));
    for (loc, _, alternates) in &urls {
        let path = loc.strip_prefix(SITE).unwrap().split_once('/').unwrap().1;
        assert_eq!(
            alternates,
            &[
                format!("en {SITE}en/{path}"),
                format!("ja {SITE}ja/{path}"),
                format!("x-default {SITE}index.html"),
            ],
            "{loc}"
        );
    }
    // The page with a date in its front matter has it as `lastmod`, per locale.
    let lastmod = |loc: &str| {
        urls.iter()
            .find(|(l, _, _)| l == loc)
            .map(|(_, m, _)| m.clone())
            .unwrap()
    };
    assert_eq!(
        lastmod(&format!("{SITE}en/check-service-health.html")),
        "2026-11-20"
    );
    assert_eq!(
        lastmod(&format!("{SITE}ja/check-service-health.html")),
        "2026-11-24"
    );
    assert_eq!(lastmod(&format!("{SITE}en/index.html")), "");
    assert_eq!(
        project.read("build/html/robots.txt"),
        format!("User-agent: *\nAllow: /\nSitemap: {SITE}sitemap.xml\n")
    );
}

#[test]
fn every_guide_page_has_absolute_canonical_and_alternate_links() {
    let project = published_sample();
    project.run(&["build"]).expect(0);
    let urls = guide_page_urls(&project);
    assert!(urls.len() >= 10);
    for url in &urls {
        let path = url.strip_prefix(SITE).unwrap();
        let html = project.read(&format!("build/html/{path}"));
        assert!(
            html.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")),
            "{path}: no canonical link to itself"
        );
        let page = path.split_once('/').unwrap().1;
        for (lang, target) in [
            ("en", format!("{SITE}en/{page}")),
            ("ja", format!("{SITE}ja/{page}")),
            ("x-default", format!("{SITE}index.html")),
        ] {
            assert!(
                html.contains(&format!(
                    "<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{target}\">"
                )),
                "{path}: no {lang} alternate"
            );
        }
        assert!(html.contains(&format!("<meta property=\"og:url\" content=\"{url}\">")));
        // No relative alternate is left.
        assert!(!html.contains("hreflang=\"ja\" href=\"../"), "{path}");
    }
}

#[test]
fn without_site_url_nothing_absolute_is_written_and_check_says_so_once() {
    let project = Project::sample();
    let build = project.run(&["build"]).expect(0);
    assert!(
        !build.stderr().contains("no-site-url"),
        "{}",
        build.stderr()
    );
    let files = project.files("build/html");
    assert!(!files.contains_key("sitemap.xml"));
    assert!(!files.contains_key("robots.txt"));
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("rel=\"canonical\""), "{path}");
        assert!(!text.contains("<base "), "{path}");
    }
    let check = project.run(&["check"]).expect(0);
    assert_eq!(
        check.stderr().matches("no-site-url").count(),
        1,
        "{}",
        check.stderr()
    );
    // With `site-url` the note is gone.
    let published = published_sample();
    let check = published.run(&["check"]).expect(0);
    assert!(
        !check.stderr().contains("no-site-url"),
        "{}",
        check.stderr()
    );
}

#[test]
fn not_found_pages_are_in_each_language_and_work_at_any_address() {
    let project = published_sample();
    project.run(&["build"]).expect(0);
    let root = project.read("build/html/404.html");
    assert!(root.contains("Page not found") && root.contains("ページが見つかりません"));
    assert!(root.contains(&format!("<base href=\"{SITE}404.html\">")));
    // The policy allows a base on the site's origin, and no other.
    assert!(root.contains("base-uri https://partners.example.com;"));
    assert!(root.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(
        !root.contains("data-choose"),
        "the root 404 must not go on by itself"
    );
    for (locale, heading, home) in [
        ("en", "Page not found", "Go to the home page"),
        ("ja", "ページが見つかりません", "ホーム ページへ移動"),
    ] {
        let page = project.read(&format!("build/html/{locale}/404.html"));
        assert!(page.contains(&format!("<html lang=\"{locale}\">")));
        assert!(page.contains(&format!("<h1>{heading}</h1>")));
        assert!(page.contains(&format!("<a href=\"index.html\">{home}</a>")));
        assert!(page.contains(&format!("<base href=\"{SITE}{locale}/404.html\">")));
        assert!(page.contains("id=\"rb-search\""), "the site's search");
        assert!(!page.contains("rel=\"canonical\""));
    }
    let manifest = project.read("build/manifest.json");
    assert_eq!(manifest.matches("\"not-found\"").count(), 3, "{manifest}");
    // Without site-url the pages are there, without <base>.
    let plain = Project::sample();
    plain.run(&["build"]).expect(0);
    assert!(!plain.read("build/html/ja/404.html").contains("<base"));
}

#[test]
fn no_page_or_procedure_may_take_the_404_page_s_name() {
    let project = Project::sample();
    project.write("content/404.md", "---\ntitle: Gone\n---\n\nText.\n");
    let run = project.run(&["build"]).expect(1);
    assert!(run.stderr().contains("reserved-id"), "{}", run.stderr());
}

#[test]
fn pages_carry_a_description_and_open_graph_data() {
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    let procedure = project.read("build/html/en/escalate-problems-to-microsoft.html");
    let description = procedure
        .split("<meta name=\"description\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a procedure's description from its introduction");
    let text = description
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    assert!(
        !text.is_empty() && text.chars().count() <= 160 && text.ends_with('…'),
        "{text}"
    );
    assert!(!description.contains('\n') && !description.contains('*'));
    assert!(procedure.contains(&format!(
        "<meta property=\"og:description\" content=\"{description}\">"
    )));
    assert!(procedure.contains("<meta property=\"og:locale\" content=\"en\">"));
    assert!(procedure.contains("<meta property=\"og:locale:alternate\" content=\"ja\">"));
    let page = project.read("build/html/ja/check-service-health.html");
    assert!(page.contains(
        "<meta name=\"description\" content=\"お客様の問題を Microsoft がすでに把握しているかどうかを調べる方法です。\">"
    ));
    assert!(page.contains("<meta property=\"og:title\" content=\"サービスの正常性を確認する\">"));
}

#[test]
fn last_updated_dates_come_from_front_matter_localized() {
    let project = Project::sample();
    project.run(&["build"]).expect(0);
    assert!(
        project
            .read("build/html/en/check-service-health.html")
            .contains("<time datetime=\"2026-11-20\">Last updated: 2026-11-20</time>")
    );
    assert!(
        project
            .read("build/html/ja/check-service-health.html")
            .contains("<time datetime=\"2026-11-24\">最終更新日: 2026年11月24日</time>")
    );
    assert!(
        !project
            .read("build/html/en/report-problems-on-behalf-of-a-customer.html")
            .contains("<time")
    );
    // `dates = "none"`: no date anywhere.
    let undated = Project::sample();
    undated.write(
        "book.toml",
        &undated.read("book.toml").replacen(
            "[output.runbook]\n",
            "[output.runbook]\ndates = \"none\"\n",
            1,
        ),
    );
    undated.run(&["build"]).expect(0);
    assert!(
        !undated
            .read("build/html/en/check-service-health.html")
            .contains("<time")
    );
    // The footer is not the page's text: search does not find it.
    for (path, bytes) in project.files("build/html/search") {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Last updated") && !text.contains("最終更新日"),
            "{path}"
        );
    }
    // DocFX's `ms.date` is read too; a date that does not read is a warning at its key.
    project.write(
        "content/report-problems-on-behalf-of-a-customer.md",
        &project
            .read("content/report-problems-on-behalf-of-a-customer.md")
            .replacen("---\n\n", "ms.date: 03/05/2026\n---\n\n", 1),
    );
    project.write(
        "content/index.md",
        &project
            .read("content/index.md")
            .replacen("---\n\n", "date: next week\n---\n\n", 1),
    );
    let run = project.run(&["build"]).expect(0);
    assert!(
        project
            .read("build/html/en/report-problems-on-behalf-of-a-customer.html")
            .contains("<time datetime=\"2026-03-05\">")
    );
    let stderr = run.stderr();
    assert!(
        stderr.contains("`date: next week` is not a date")
            && stderr.contains("content/index.md:3:1"),
        "{stderr}"
    );
}

/// Runs git in `project` with a fixed identity and commit date.
fn git(project: &Project, args: &[&str], date: &str) {
    let output = Command::new("git")
        .args(args)
        .current_dir(project.root())
        .env("GIT_AUTHOR_NAME", "Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn git_dates_are_each_file_s_last_commit() {
    if !crate::util::tools_present(&["git"]) {
        return;
    }
    let project = Project::sample();
    project.write(
        "book.toml",
        &project.read("book.toml").replacen(
            "[output.runbook]\n",
            "[output.runbook]\ndates = \"git\"\n",
            1,
        ),
    );
    // Not a repository yet: a warning, and no dates.
    let run = project.run(&["build"]).expect(0);
    assert!(run.stderr().contains("no-git-dates"), "{}", run.stderr());
    git(&project, &["init", "--quiet"], "2026-01-01T00:00:00Z");
    git(&project, &["add", "."], "2026-01-01T00:00:00Z");
    git(
        &project,
        &["commit", "--quiet", "-m", "first"],
        "2026-01-10T12:00:00Z",
    );
    project.write(
        "content/check-service-health.md",
        &format!(
            "{}\nOne more line.\n",
            project.read("content/check-service-health.md")
        ),
    );
    git(
        &project,
        &["commit", "--quiet", "-am", "second"],
        "2026-02-20T12:00:00Z",
    );
    let run = project.run(&["build"]).expect(0);
    assert!(!run.stderr().contains("no-git-dates"), "{}", run.stderr());
    let page = |path: &str| project.read(&format!("build/html/{path}"));
    assert!(page("en/check-service-health.html").contains("<time datetime=\"2026-02-20\">"));
    assert!(page("ja/check-service-health.html").contains("<time datetime=\"2026-01-10\">"));
    assert!(
        page("en/escalate-problems-to-microsoft.html").contains("<time datetime=\"2026-01-10\">"),
        "procedures have dates from git too"
    );
    // The front matter's date is not used with `dates = "git"`.
    assert!(!page("en/check-service-health.html").contains("2026-11-20"));
}

#[test]
fn the_project_icon_and_logo_are_used_when_present() {
    let project = Project::sample();
    project.write_icon_and_logo();
    project.run(&["build"]).expect(0);
    let page = project.read("build/html/ja/check-service-health.html");
    assert!(page.contains("<link rel=\"icon\" href=\"favicon.svg\" type=\"image/svg+xml\">"));
    assert!(page.contains("<img class=\"site-logo\" src=\"logo.svg\" alt=\"\">"));
    assert!(project.root().join("build/html/favicon.svg").is_file());
    assert!(
        project
            .read("build/html/index.html")
            .contains("<link rel=\"icon\" href=\"favicon.svg\"")
    );
    // Without them, no icon link.
    let plain = Project::sample();
    plain.run(&["build"]).expect(0);
    assert!(
        !plain
            .read("build/html/en/index.html")
            .contains("rel=\"icon\"")
    );
}
