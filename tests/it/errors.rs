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
    bad_front_matter,
    "content/status.md:2:1",
    "unknown field `titel`"
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
    "`main` is an id the page templates use"
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
    "page.html:1:",
    "template `templates/page.html`"
);
