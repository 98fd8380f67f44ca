//! The bad-input suite: every kind of broken, hostile or oversized input either works or gives
//! an error naming its file, line and column, with exit code 1, no panic, within 1 GiB of memory
//! and without hanging (each run is killed after two minutes, far beyond its need).

use crate::util::Project;

/// How a case must end.
enum Outcome {
    /// `check` passes (warnings allowed).
    Works,
    /// `check` fails with this `--> place` (a prefix: file, or file:line:column) and message.
    Fails(&'static str, &'static str),
}

use Outcome::{Fails, Works};

const PROCEDURE: &str = "content/handle-outage.yaml";

fn procedure() -> String {
    std::fs::read_to_string(crate::util::fixture("minimal").join(PROCEDURE)).unwrap()
}

/// Files written over the minimal fixture: path and bytes.
type Files = Vec<(&'static str, Vec<u8>)>;

/// The cases: a name, the files written over the minimal fixture, and the outcome.
fn cases() -> Vec<(&'static str, Files, Outcome)> {
    let nested_lists = format!(
        "title: {}{}\nsteps: []\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let nested_maps = format!(
        "title: x\nsteps:\n  - id: a\n    title: {}x{}\n",
        "{a: ".repeat(5_000),
        "}".repeat(5_000)
    );
    let mut bomb =
        String::from("title:\n  en: x\n  ja: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (i, name) in ('b'..='j').enumerate() {
        let previous = char::from(b'a' + u8::try_from(i).unwrap());
        bomb.push_str(&format!(
            "  x{name}: &{name} [{}]\n",
            vec![format!("*{previous}"); 9].join(", ")
        ));
    }
    bomb.push_str("introduction: *j\nsteps: []\n");
    let mut many_steps = String::from("title: Many\napplies-to: [portal]\nsteps:\n");
    for i in 0..100_000 {
        many_steps.push_str(&format!("  - id: s{i}\n    title: Step {i}\n"));
    }
    let mut huge = String::from("---\ntitle: Huge\n---\n");
    while huge.len() < 50 * 1024 * 1024 {
        huge.push_str(
            "A paragraph of guidance text that repeats until the page is fifty megabytes.\n\n",
        );
    }
    let crlf = |text: &str| text.replace('\n', "\r\n").into_bytes();
    vec![
        (
            "truncated YAML",
            vec![(PROCEDURE, procedure().as_bytes()[..200].to_vec())],
            Fails("content/handle-outage.yaml:", "missing field `steps`"),
        ),
        (
            "malformed YAML",
            vec![("content/products.yaml", b"products:\n  - id: [broken\n".to_vec())],
            Fails("content/products.yaml:2:", "error[invalid-yaml]"),
        ),
        (
            "wrong type",
            vec![(PROCEDURE, procedure().replace("applies-to: [portal]", "applies-to: 5").into_bytes())],
            Fails("content/handle-outage.yaml:4:", "expected a list"),
        ),
        (
            "tab indentation",
            vec![("content/products.yaml", b"products:\n\t- id: portal\n".to_vec())],
            Fails("content/products.yaml:2:", "indent YAML with spaces"),
        ),
        (
            "byte-order marks",
            vec![
                (PROCEDURE, [b"\xEF\xBB\xBF".as_slice(), procedure().as_bytes()].concat()),
                ("content/status.md", b"\xEF\xBB\xBF---\ntitle: Status page\n---\n\n## Where to look\n\n## Where to look\n".to_vec()),
            ],
            Works,
        ),
        (
            "non-UTF-8 bytes",
            vec![("content/products.yaml", b"products:\n  - id: portal\n    name: caf\xE9\n".to_vec())],
            Fails("content/products.yaml:3:14", "not valid UTF-8"),
        ),
        (
            "CRLF line endings",
            vec![(PROCEDURE, crlf(&procedure())), ("content/glossary.md", crlf("---\ntitle: Glossary\n---\n\n## Terms {#terms}\n\nText.\n"))],
            Works,
        ),
        (
            "CRLF line endings with an error",
            vec![(PROCEDURE, crlf(&procedure().replace("goto: escalate", "goto: nowhere")))],
            Fails("content/handle-outage.yaml:25:17", "no step `nowhere`"),
        ),
        (
            "empty YAML file",
            vec![("content/products.yaml", Vec::new())],
            Fails("content/products.yaml:1:1", "the file is empty"),
        ),
        (
            "empty procedure",
            vec![("content/empty.yaml", b"  \n".to_vec())],
            Fails("content/empty.yaml:", "the file is empty"),
        ),
        (
            "empty page",
            vec![("content/empty.md", Vec::new())],
            Fails("content/empty.md:1:1", "page has no front matter"),
        ),
        (
            "duplicate keys",
            vec![(PROCEDURE, procedure().replacen("title:", "title: twice\ntitle:", 1).into_bytes())],
            Fails("content/handle-outage.yaml:2:1", "duplicate key `title`"),
        ),
        (
            "alias bomb",
            vec![("content/bomb.yaml", bomb.into_bytes())],
            Fails("content/bomb.yaml:3:", "error[invalid-yaml]"),
        ),
        (
            "100,000 nested lists",
            vec![("content/deep.yaml", nested_lists.into_bytes())],
            Fails("content/deep.yaml:1:", "error[invalid-yaml]"),
        ),
        (
            "5,000 nested maps",
            vec![("content/deep.yaml", nested_maps.into_bytes())],
            Fails("content/deep.yaml:4:", "error[invalid-yaml]"),
        ),
        (
            "a 50 MB page",
            vec![("content/huge.md", huge.into_bytes())],
            Fails("", "`content/huge.md` is 50.0 MiB; YAML and Markdown files are read up to 8 MiB"),
        ),
        (
            "100,000 steps in one procedure",
            vec![("content/many.yaml", many_steps.into_bytes())],
            Fails("content/many.yaml:", "over a YAML resource limit"),
        ),
        (
            "control characters in text",
            vec![(PROCEDURE, procedure().replace("Tell the customer", "Tell the \\u0000 \\u001b customer").replace("en: Tell", "en: \"Tell").replace("customer\n      ja: お客様に伝える", "customer\"\n      ja: お客様に伝える").into_bytes())],
            Works,
        ),
        (
            "locales that are not language tags",
            vec![("book.toml", b"[book]\ntitle = \"T\"\n\n[output.runbook]\nlocales = [\"en\", \"not a locale!\"]\n".to_vec())],
            Fails("book.toml:5:18", "is not a language tag"),
        ),
    ]
}

#[test]
fn every_bad_input_works_or_fails_with_a_place() {
    let mut failures = Vec::new();
    for (name, files, outcome) in cases() {
        let project = Project::fixture("minimal");
        for (path, bytes) in &files {
            let path = project.root().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let run = project.run_bounded(&["check"], 1024, 120);
        let stderr = run.stderr();
        let problem = if stderr.contains('␍') {
            Some("a quoted line shows its carriage return".to_string())
        } else if stderr.contains("panicked") || run.code() > 1 || run.code() < 0 {
            Some(format!("exit {} (killed or panicked)", run.code()))
        } else {
            match outcome {
                Works if run.code() == 0 => None,
                Works => Some("expected success".to_string()),
                Fails(place, message) => {
                    let placed = place.is_empty() || stderr.contains(&format!("--> {place}"));
                    (run.code() != 1 || !placed || !stderr.contains(message))
                        .then(|| format!("expected exit 1 at `{place}` saying `{message}`"))
                }
            }
        };
        if let Some(problem) = problem {
            let shown: String = stderr.chars().take(1500).collect();
            failures.push(format!("{name}: {problem}\n{shown}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
