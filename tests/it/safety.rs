//! Safety: text in the content never becomes script in a reader's browser. Payloads written as
//! text are escaped in every field; payloads that would be markup are refused with a place.

use std::collections::BTreeMap;

use html5gum::{Token, Tokenizer};
use pulldown_cmark::{Event, Parser};

use crate::util::Project;

/// Markdown text that must show as text: entities, code, escapes, template syntax.
const AS_MARKDOWN_TEXT: &[&str] = &[
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "`<script>alert(1)</script>`",
    "\\<img src=x onerror=alert(1)\\>",
    "x <svg/onload=alert(1)> y",
    "{{ 7*7 }} {% raw %} javascript&#58;alert(1)",
];

/// Plain-text fields (titles, UI words): taken literally, whatever they look like.
const AS_PLAIN_TEXT: &[&str] = &[
    "\"><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "' onmouseover='alert(1)' x='",
    "*bold* [link](javascript:alert(1)) <b onclick=alert(1)>",
];

fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// A project with `markdown` in every Markdown field and `plain` in every plain-text one.
fn project_with(markdown: &str, plain: &str) -> Project {
    let project = Project::empty();
    let (m, p) = (yaml_string(markdown), yaml_string(plain));
    project.write(
        "book.toml",
        &format!(
            "[book]\ntitle = {p}\n\n[output.runbook]\nlocales = [\"en\", \"ja\"]\n\n[output.runbook.titles]\nja = {p}\n"
        ),
    );
    project.write(
        "content/products.yaml",
        &format!("products:\n  - id: portal\n    name: {{ en: {m}, ja: {m} }}\n"),
    );
    project.write(
        "content/categories.yaml",
        &format!(
            "categories:\n  - id: outage\n    title: {m}\n    description: {m}\n    examples: [{m}]\n    escalate-to: {m}\n    severity: critical\n"
        ),
    );
    project.write(
        "content/handle.yaml",
        &format!(
            "title: {{ en: {m}, ja: {m} }}\napplies-to: [portal]\nintroduction: {m}\nsteps:\n  - id: look\n    title: {m}\n    text: {m}\n    notes: [{m}]\n    warnings: [{m}]\n  - id: ask\n    title: {m}\n    decision:\n      branches:\n        - {{ label: {m}, goto: escalate }}\n        - {{ label: {{ en: {m}, ja: {m} }}, goto: other.md }}\n  - id: escalate\n    title: {m}\n    escalation:\n      categories: [outage]\n      submit: {m}\n"
        ),
    );
    project.write(
        "content/other.yaml",
        &format!("title: {m}\napplies-to: [portal]\nsteps:\n  - id: only\n    title: {m}\n"),
    );
    project.write(
        "content/notes.md",
        &format!(
            "---\ntitle: {p}\ndescription: {p}\n---\n\n{markdown}\n\n## {markdown}\n\n- {markdown}\n\n| {markdown} |\n| --- |\n| {markdown} |\n"
        ),
    );
    project.write(
        "content/notes.ja.md",
        &format!("---\ntitle: {p}\n---\n\n{markdown}\n\n## {markdown}\n"),
    );
    project.write(
        "content/ui.yaml",
        &format!("en:\n  skip-to-content: {p}\n  procedures: {p}\n  home: {p}\nja:\n  step: {p}\n  applies-to: {p}\n"),
    );
    project
}

/// Every way an HTML file could run script: script elements, event handler attributes, script
/// URLs, frames and plug-ins.
fn script_in_html(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for token in Tokenizer::new(html).flatten() {
        let Token::StartTag(tag) = token else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag.name).to_string();
        // The one script a page may load: the site's own, from the output's assets.
        let site_script = name == "script"
            && tag.attributes.get(b"src".as_slice()).is_some_and(|src| {
                let src = String::from_utf8_lossy(src);
                src.trim_start_matches("../") == "assets/site.js"
            });
        if ["script", "iframe", "object", "embed", "frame", "base"].contains(&name.as_str())
            && !site_script
        {
            found.push(format!("<{name}>"));
        }
        for (attribute, value) in &tag.attributes {
            let attribute = String::from_utf8_lossy(attribute).to_ascii_lowercase();
            let value = String::from_utf8_lossy(value).to_ascii_lowercase();
            if attribute.starts_with("on") {
                found.push(format!("<{name} {attribute}>"));
            }
            if ["href", "src", "action", "formaction"].contains(&attribute.as_str())
                && ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|scheme| value.trim().starts_with(scheme))
            {
                found.push(format!("<{name} {attribute}={value}>"));
            }
        }
    }
    found
}

/// Raw HTML a Markdown file would hand to mdBook, but for the `<sub>` runbook writes itself.
fn raw_html_in_markdown(markdown: &str) -> Vec<String> {
    Parser::new(markdown)
        .filter_map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => Some(html.trim().to_string()),
            _ => None,
        })
        .filter(|html| html != "<sub>" && html != "</sub>")
        .collect()
}

#[test]
fn injection_payloads_in_every_field_stay_text() {
    for (markdown, plain) in AS_MARKDOWN_TEXT.iter().zip(AS_PLAIN_TEXT.iter().cycle()) {
        let project = project_with(markdown, plain);
        let run = project.run(&["build"]);
        assert_eq!(run.code(), 0, "{markdown} / {plain}:\n{}", run.stderr());
        let files: BTreeMap<String, Vec<u8>> = project.files("build");
        let mut pages = 0;
        for (path, bytes) in &files {
            let text = String::from_utf8_lossy(bytes);
            if path.ends_with(".html") {
                pages += 1;
                assert_eq!(script_in_html(&text), Vec::<String>::new(), "{path}");
                assert!(
                    text.contains("http-equiv=\"Content-Security-Policy\""),
                    "{path} has no policy"
                );
            } else if path.starts_with("html/search/") {
                // A search index is data: one JSON value assigned, which the script shows as
                // text.
                let json = text
                    .split_once("] = ")
                    .and_then(|(_, rest)| rest.strip_suffix(";\n"))
                    .unwrap_or_default();
                let parsed: Result<serde_json::Value, _> = serde_json::from_str(json);
                assert!(parsed.is_ok(), "{path} is not one JSON value");
            } else if path.ends_with(".md") {
                assert_eq!(raw_html_in_markdown(&text), Vec::<String>::new(), "{path}");
            }
        }
        assert!(pages > 10, "only {pages} pages");
        // The payload is shown, as text, where it was written.
        let page = project.read("build/html/en/notes.html");
        assert!(page.contains("alert(1)"), "{page}");
    }
}

#[test]
fn plain_text_is_escaped_where_it_is_shown() {
    let project = project_with("Plain", AS_PLAIN_TEXT[0]);
    project.run(&["build"]).expect(0);
    let page = project.read("build/html/en/notes.html");
    assert!(
        page.contains("<title>&quot;&gt;&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("<title>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    let markdown = project.read("build/markdown/en/src/notes.md");
    assert!(
        markdown.starts_with("# \"\\>\\<script\\>alert(1)\\</script\\>\n"),
        "{markdown}"
    );
}

/// (payload, what the error says): markup that would run script or escape the allow-list.
const REFUSED: &[(&str, &str)] = &[
    (
        "<script>alert(1)</script>",
        "`<script>` is not an allowed HTML element",
    ),
    (
        "x <img src=x onerror=alert(1)> y",
        "attribute `onerror` of `<img>` is not allowed",
    ),
    (
        "<span onclick=\"alert(1)\">x</span>",
        "attribute `onclick` of `<span>`",
    ),
    (
        "<span\n  onmouseover=\"alert(1)\">x</span>",
        "attribute `onmouseover`",
    ),
    (
        "<iframe src=\"https://example.com\"></iframe>",
        "`<iframe>` is not an allowed",
    ),
    (
        "<a href=\"javascript:alert(1)\">x</a>",
        "a `href` that is a script or data URL",
    ),
    (
        "<style>body { display: none }</style>",
        "`<style>` is not an allowed",
    ),
    (
        "<object data=\"x.swf\"></object>",
        "`<object>` is not an allowed",
    ),
    (
        "<div style=\"position:fixed\">x</div>",
        "attribute `style` of `<div>`",
    ),
    (
        "[a](javascript:alert(1))",
        "`javascript:` links are refused",
    ),
    (
        "[b](JaVaScRiPt:alert(1))",
        "`javascript:` links are refused",
    ),
    (
        "[c](java&#115;cript:alert(1))",
        "`javascript:` links are refused",
    ),
    ("[d](vbscript:msgbox(1))", "`vbscript:` links are refused"),
    (
        "[e](data:text/html;base64,PHNjcmlwdD4=)",
        "`data:` links are refused",
    ),
    ("<javascript:alert(1)>", "`javascript:` links are refused"),
    (
        "![f](javascript:alert(1))",
        "`javascript:` links are refused",
    ),
];

/// The headlines of the errors placed at `place` (`file:line:`), joined.
fn error_at(stderr: &str, place: &str) -> String {
    let mut found = Vec::new();
    let mut rest = stderr;
    while let Some(at) = rest.find(&format!("--> {place}")) {
        let before = &rest[..at];
        if let Some(start) = before.rfind("error[") {
            found.push(
                before[start..]
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        rest = &rest[at + place.len()..];
    }
    // A message repeated in many places is shown once, its other places listed after it.
    let mut rest = stderr;
    while let Some(at) = rest.find("= the same in ") {
        let line = rest[at..].lines().next().unwrap_or_default();
        let listed = line
            .split_once(": ")
            .map_or("", |(_, places)| places)
            .split(", ")
            .any(|p| p.starts_with(place));
        if listed && let Some(start) = rest[..at].rfind("error[") {
            found.push(rest[start..].lines().next().unwrap_or_default().to_string());
        }
        rest = &rest[at + line.len()..];
    }
    found.join("\n")
}

#[test]
fn markup_that_could_run_script_is_refused_at_its_place() {
    let project = Project::fixture("minimal");
    project.run(&["build"]).expect(0);
    let before = project.files("build");
    let mut page = String::from("---\ntitle: Bad\n---\n");
    let mut lines = Vec::new();
    for (payload, _) in REFUSED {
        page.push('\n');
        lines.push(page.lines().count() + 1);
        page.push_str(payload);
        page.push('\n');
    }
    project.write("content/bad.md", &page);
    let stderr = project.run(&["build"]).expect(1).stderr();
    for ((payload, message), line) in REFUSED.iter().zip(&lines) {
        assert!(
            error_at(&stderr, &format!("content/bad.md:{line}:")).contains(message),
            "{payload}: no error `{message}` at line {line}:\n{stderr}"
        );
    }
    assert_eq!(
        project.files("build"),
        before,
        "a refused build wrote output"
    );
}

#[test]
fn raw_html_in_yaml_texts_is_placed_and_refuse_mode_refuses_all() {
    let project = Project::fixture("minimal");
    let procedure = project.read("content/handle-outage.yaml").replace(
        "en: Tell the customer",
        "en: Tell the <kbd>customer</kbd> <b onclick=alert(1)>now</b>",
    );
    project.write("content/handle-outage.yaml", &procedure);
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("attribute `onclick` of `<b>` is not allowed")
            && stderr.contains("--> content/handle-outage.yaml:"),
        "{stderr}"
    );
    assert!(!stderr.contains("`<kbd>`"), "kbd is allowed:\n{stderr}");

    let allowed = procedure.replace(" <b onclick=alert(1)>now</b>", "");
    project.write("content/handle-outage.yaml", &allowed);
    project.run(&["build"]).expect(0);
    assert!(
        project
            .read("build/html/en/handle-outage.html")
            .contains("Tell the <kbd>customer</kbd>")
    );

    let config = project.read("book.toml").replace(
        "locales = [\"en\", \"ja\"]\n",
        "locales = [\"en\", \"ja\"]\nraw-html = \"refuse\"\n",
    );
    project.write("book.toml", &config);
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("raw HTML `<kbd>` is refused by `[output.runbook] raw-html = \"refuse\"`"),
        "{stderr}"
    );
}

#[test]
fn links_and_images_cannot_leave_the_project() {
    let project = Project::fixture("minimal");
    let payloads = [
        ("[a](../../etc/passwd)", "leads outside `content/`"),
        ("![b](../../../etc/passwd)", "leads outside `content/`"),
        ("[c](/etc/passwd)", "is a site-root link"),
        (
            "[d](file:///etc/passwd)",
            "points at a file on the reader's own disk",
        ),
        ("![e](C:/Windows/win.ini)", "is an absolute path on a disk"),
    ];
    let mut page = String::from("---\ntitle: Bad\n---\n");
    for (payload, _) in payloads {
        page.push_str(&format!("\n{payload}\n"));
    }
    project.write("content/bad.md", &page);
    let stderr = project.run(&["check"]).expect(1).stderr();
    for (line, (payload, message)) in payloads.iter().enumerate() {
        let line = 5 + 2 * line;
        assert!(
            stderr.contains(&format!("--> content/bad.md:{line}:")) && stderr.contains(message),
            "{payload}: expected `{message}` at line {line}:\n{stderr}"
        );
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_project_are_refused_and_loops_end() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: SECRET\n---\nSECRET\n",
    )
    .unwrap();
    let project = Project::fixture("minimal");
    project.run(&["build"]).expect(0);
    let before = project.files("build");
    let content = project.root().join("content");
    symlink(outside.path().join("secret.md"), content.join("secret.md")).unwrap();
    symlink("/etc", content.join("etc")).unwrap();
    symlink(".", content.join("loop")).unwrap();
    let run = project.run(&["build"]).expect(1);
    let stderr = run.stderr();
    assert!(
        stderr.contains("`content/secret.md` is a symbolic link to")
            && stderr.contains("`content/etc` is a symbolic link to `/etc`, outside the project")
            && stderr
                .contains("`content/loop`: a symbolic link that leads back into its own directory"),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET"), "{stderr}");
    assert_eq!(project.files("build"), before);

    // A dangling editor lock file (an ignored name) is no problem; a dangling page is.
    std::fs::remove_file(content.join("loop")).unwrap();
    symlink("user@host.1234", content.join(".#status.md")).unwrap();
    symlink("nowhere.md", content.join("gone.md")).unwrap();
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("`content/gone.md` is a symbolic link to `nowhere.md`")
            && !stderr.contains(".#status.md"),
        "{stderr}"
    );
    std::fs::remove_file(content.join("gone.md")).unwrap();
    symlink(".", content.join("loop")).unwrap();

    // A link to a file elsewhere in the project is followed.
    std::fs::remove_file(content.join("secret.md")).unwrap();
    std::fs::remove_file(content.join("etc")).unwrap();
    std::fs::remove_file(content.join("loop")).unwrap();
    project.write(
        "shared/extra.md",
        "---\ntitle: Shared extra\n---\nShared.\n",
    );
    symlink("../shared/extra.md", content.join("extra.md")).unwrap();
    project.run(&["build"]).expect(0);
    assert!(
        project
            .read("build/html/en/extra.html")
            .contains("Shared extra")
    );

    // Templates and fonts are held to the project too.
    std::fs::create_dir_all(project.root().join("templates")).unwrap();
    symlink(
        outside.path().join("secret.md"),
        project.root().join("templates/page.html"),
    )
    .unwrap();
    let stderr = project.run(&["build"]).expect(1).stderr();
    assert!(
        stderr.contains("templates/page.html") && stderr.contains("outside the project"),
        "{stderr}"
    );
    std::fs::remove_file(project.root().join("templates/page.html")).unwrap();
    std::fs::remove_dir(project.root().join("templates")).unwrap();
    symlink(outside.path(), project.root().join("templates")).unwrap();
    std::fs::write(outside.path().join("page.html"), "{{ secret }}").unwrap();
    let stderr = project.run(&["build"]).expect(1).stderr();
    assert!(stderr.contains("outside the project"), "{stderr}");
    std::fs::remove_file(project.root().join("templates")).unwrap();
    symlink(
        outside.path().join("secret.md"),
        project.root().join("house.ttf"),
    )
    .unwrap();
    let config = project.read("book.toml").replace(
        "locales = [\"en\", \"ja\"]\n",
        "locales = [\"en\", \"ja\"]\nfonts = [\"house.ttf\"]\n",
    );
    project.write("book.toml", &config);
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("no font file `house.ttf` in the project"),
        "{stderr}"
    );

    // So is `content/` itself.
    project.write(
        "book.toml",
        &config.replace("fonts = [\"house.ttf\"]\n", ""),
    );
    let content = project.root().join("content");
    std::fs::rename(&content, outside.path().join("content")).unwrap();
    symlink(outside.path().join("content"), &content).unwrap();
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("`content/` is a symbolic link to a directory outside the project"),
        "{stderr}"
    );
}

#[test]
fn assets_that_could_run_script_are_refused() {
    let project = Project::fixture("minimal");
    project.write(
        "content/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>",
    );
    project.write("content/old.html", "<p>an old page</p>");
    project.write(
        "content/fine.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\" height=\"1\"/></svg>",
    );
    let stderr = project.run(&["check"]).expect(1).stderr();
    assert!(
        stderr.contains("error[unsafe-asset]: `content/diagram.svg` holds script (onload")
            && stderr.contains("error[unsafe-asset]: `content/old.html` is an HTML file")
            && !stderr.contains("fine.svg"),
        "{stderr}"
    );
}
