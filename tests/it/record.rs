//! `runbook record check` and `runbook record render` on run records of the sample procedure:
//! a valid run accepted, each kind of wrong record refused with its JSON pointer and line, a run
//! begun before a step was edited warned about by name, and the record rendered as Markdown
//! (snapshot), as a filled-in HTML checklist and as PDF.

use serde_json::{Value, json};

use crate::util::Project;

const PROCEDURE: &str = "escalate-problems-to-microsoft";

/// A run record of the sample procedure as the guide's run mode writes it, with the content's
/// current fingerprints: through "No", "No", "Yes" to the escalation and the end.
fn record(project: &Project) -> Value {
    let checked = runbook::load_project(project.root()).unwrap();
    let procedure = checked.site.procedure(PROCEDURE).unwrap();
    let steps: serde_json::Map<String, Value> = procedure
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.id.value.clone(),
                json!(runbook::fingerprint::of_step(procedure, i)),
            )
        })
        .collect();
    json!({
        "runbook-run": 1,
        "id": "m1abc-x7y8z9",
        "procedure": PROCEDURE,
        "title": "Escalate problems to Microsoft",
        "locale": "en",
        "version": runbook::fingerprint::of_text(&checked.sources.file(procedure.file).text),
        "step-versions": steps,
        "fields": { "customer": "Contoso *Ltd*", "ticket": "T-1001", "date": "2026-12-02", "engineer": "A. Lee" },
        "started": "2026-12-02T14:00:00+09:00",
        "finished": "2026-12-02T14:47:31+09:00",
        "path": [
            { "step": "check-service-health", "at": "2026-12-02T14:02:00+09:00", "note": "No incident\nfor Exchange Online" },
            { "step": "documented", "at": "2026-12-02T14:03:10+09:00", "answer": 1 },
            { "step": "troubleshoot", "at": "2026-12-02T14:20:00+09:00" },
            { "step": "troubleshooting-fixed", "at": "2026-12-02T14:21:00+09:00", "answer": 1 },
            { "step": "microsoft-category", "at": "2026-12-02T14:22:00+09:00", "answer": 0 },
            { "step": "submit-request", "at": "2026-12-02T14:40:00+09:00",
              "categories": ["unavailable-services", "bugs-and-irregularities"], "request": "2512020010001234" },
            { "step": "close-the-loop", "at": "2026-12-02T14:47:00+09:00" }
        ]
    })
}

fn write(project: &Project, name: &str, record: &Value) -> String {
    let text = serde_json::to_string_pretty(record).unwrap() + "\n";
    project.write(name, &text);
    project.root().join(name).to_str().unwrap().to_string()
}

/// `runbook record render --format html` of the record at `path`: the filled-in checklist.
fn render_html(project: &Project, path: &str) -> String {
    let out = project.root().join("run.html");
    project
        .run(&[
            "record",
            "render",
            path,
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ])
        .expect(0);
    project.read("run.html")
}

/// Edits the text of step 7 (`submit-request`) of the sample procedure.
fn edit_step_seven(project: &Project) {
    let file = format!("content/{PROCEDURE}.yaml");
    let edited = project.read(&file).replace(
        "Keep the request number so you can follow up",
        "Keep the request number and its severity so you can follow up",
    );
    assert_ne!(
        edited,
        project.read(&file),
        "the edit must change the procedure"
    );
    project.write(&file, &edited);
}

/// The line of `needle` in the record file (1-based).
fn line_of(project: &Project, name: &str, needle: &str) -> usize {
    project
        .read(name)
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {name}"))
        + 1
}

#[test]
fn a_run_through_the_flow_is_a_valid_record() {
    let project = Project::sample();
    let path = write(&project, "run.json", &record(&project));
    let run = project.run(&["record", "check", &path]).expect(0);
    assert!(
        run.stderr().contains("a valid run record"),
        "{}",
        run.stderr()
    );
    assert!(!run.stderr().contains("warning"), "{}", run.stderr());
}

#[test]
fn a_record_that_skips_a_decisions_target_is_refused_at_its_pointer_and_line() {
    let project = Project::sample();
    let mut skipping = record(&project);
    // "No" at step 2 leads to step 4 (troubleshoot); the edit goes on at step 5.
    skipping["path"].as_array_mut().unwrap().remove(2);
    let path = write(&project, "skip.json", &skipping);
    let run = project.run(&["record", "check", &path]).expect(1);
    let line = line_of(&project, "skip.json", "\"troubleshooting-fixed\"");
    let stderr = run.stderr();
    assert!(
        stderr.contains("error[run-off-path]: `/path/2/step`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("step 2 (`documented`) answered “No” the run goes to step 4 (`troubleshoot`), not step 5 (`troubleshooting-fixed`)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("skip.json:{line}:")),
        "line {line}: {stderr}"
    );
}

#[test]
fn each_kind_of_wrong_record_is_refused_with_its_pointer() {
    let project = Project::sample();
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "answer out of range",
            Box::new(|r| r["path"][1]["answer"] = json!(5)),
            "`/path/1/answer`: step 2 (`documented`) has 2 answers",
        ),
        (
            "no answer",
            Box::new(|r| {
                r["path"][1].as_object_mut().unwrap().remove("answer");
            }),
            "`/path/1`: step 2 (`documented`) is a decision",
        ),
        (
            "unknown step",
            Box::new(|r| r["path"][2]["step"] = json!("troubleshot")),
            "`/path/2/step`: the procedure has no step `troubleshot`",
        ),
        (
            "wrong category",
            Box::new(|r| r["path"][5]["categories"][1] = json!("billing")),
            "`/path/5/categories/1`: `billing` is not a category of step 7",
        ),
        (
            "first step",
            Box::new(|r| {
                r["path"].as_array_mut().unwrap().remove(0);
            }),
            "`/path/0/step`: a run begins at step 1 (`check-service-health`), not step 2 (`documented`)",
        ),
        (
            "finished early",
            Box::new(|r| {
                r["path"].as_array_mut().unwrap().truncate(3);
            }),
            "`/finished`: the run is finished, but step 4 (`troubleshoot`) leads on to step 5",
        ),
        (
            "unknown procedure",
            Box::new(|r| r["procedure"] = json!("escalate-problem-to-microsoft")),
            "did you mean `escalate-problems-to-microsoft`?",
        ),
        (
            "bad time",
            Box::new(|r| r["path"][0]["at"] = json!("14:02")),
            "`/path/0/at`: `14:02` is not a date and time",
        ),
        (
            "wrong type",
            Box::new(|r| r["path"][3]["answer"] = json!("No")),
            "`/path/3/answer`: invalid type: string \"No\"",
        ),
        (
            "unknown key",
            Box::new(|r| r["path"][0]["done"] = json!(true)),
            "`/path/0/done`: unknown field `done`",
        ),
        (
            "future format",
            Box::new(|r| {
                r["runbook-run"] = json!(2);
                r["checklist"] = json!("new in 2");
            }),
            "`/runbook-run`: this is a version 2 run record",
        ),
    ];
    for (what, edit, expected) in cases {
        let mut wrong = record(&project);
        edit(&mut wrong);
        let path = write(&project, "wrong.json", &wrong);
        let run = project.run(&["record", "check", &path]).expect(1);
        assert!(run.stderr().contains(expected), "{what}: {}", run.stderr());
        assert!(
            run.stderr().contains("wrong.json:"),
            "{what}: no place: {}",
            run.stderr()
        );
    }
}

#[test]
fn a_record_that_is_not_json_is_refused_at_its_line_and_column() {
    let project = Project::sample();
    project.write(
        "broken.json",
        "{\n  \"runbook-run\": 1,\n  \"id\": \"x\",,\n}\n",
    );
    let path = project.root().join("broken.json");
    let run = project
        .run(&["record", "check", path.to_str().unwrap()])
        .expect(1);
    assert!(
        run.stderr().contains("broken.json:3:13"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_run_begun_before_a_step_was_edited_names_that_step() {
    let project = Project::sample();
    let path = write(&project, "run.json", &record(&project));
    edit_step_seven(&project);
    let run = project.run(&["record", "check", &path]).expect(0);
    let stderr = run.stderr();
    assert!(
        stderr.contains("warning[run-procedure-changed]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("changed: step 7 (`submit-request`)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("step 1 (`check"),
        "only the edited step: {stderr}"
    );
}

#[test]
fn a_record_renders_as_the_same_markdown_as_run_mode_copies() {
    let project = Project::sample();
    let path = write(&project, "run.json", &record(&project));
    let en = project.run(&["record", "render", &path]).expect(0).stdout();
    let mut japanese = record(&project);
    japanese["locale"] = json!("ja");
    let path = write(&project, "run-ja.json", &japanese);
    let ja = project
        .run(&["record", "render", &path, "--format", "md"])
        .expect(0)
        .stdout();
    let version = record(&project)["version"].as_str().unwrap().to_string();
    insta::assert_snapshot!("record_en.md", en.replace(&version, "VERSION"));
    insta::assert_snapshot!("record_ja.md", ja.replace(&version, "VERSION"));
}

#[test]
fn a_record_renders_as_a_filled_in_checklist() {
    let project = Project::sample();
    let path = write(&project, "run.json", &record(&project));
    let html = render_html(&project, &path);
    // Ticked: the done steps, the answers taken, the categories chosen; struck: step 3.
    assert_eq!(
        html.matches(r#"<span class="box ticked" aria-hidden="true">✓</span>"#)
            .count(),
        7 + 3 + 2,
        "{html}"
    );
    assert!(
        html.contains(r#"<li class="item action skipped" id="tell-customer-known-issue">"#),
        "{html}"
    );
    assert!(
        html.contains("<td>Contoso *Ltd*</td>") && html.contains("<td>T-1001</td>"),
        "{html}"
    );
    assert!(
        html.contains("Support request number: 2512020010001234"),
        "{html}"
    );
    assert!(
        html.contains("Your note: No incident for Exchange Online"),
        "{html}"
    );
    assert!(html.contains("Elapsed time: 48 min"), "{html}");
    // One file, no other needed: the stylesheet is inline and allowed by the page's policy.
    assert!(!html.contains("<link rel=\"stylesheet\""), "{html}");
    assert!(
        html.contains("<style>") && html.contains("'sha256-"),
        "{html}"
    );
}

#[cfg(feature = "pdf")]
#[test]
fn a_record_renders_as_a_pdf_with_its_ticks_answers_and_fields() {
    if !crate::util::tools_present(&["pdftotext"]) {
        return;
    }
    let project = Project::sample();
    let path = write(&project, "run.json", &record(&project));
    let out = project.root().join("run.pdf");
    project
        .run(&[
            "record",
            "render",
            &path,
            "--format",
            "pdf",
            "--out",
            out.to_str().unwrap(),
        ])
        .expect(0);
    let output = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&out)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "✓",
        "Contoso *Ltd*",
        "T-1001",
        "A. Lee",
        "2512020010001234",
        "Skipped",
        "14:47",
        "Elapsed time: 48 min",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert!(
        text.matches('✓').count() >= 12,
        "a tick per done step, answer and category:\n{text}"
    );
}

#[test]
fn a_pdf_needs_a_file_and_a_record_with_errors_writes_nothing() {
    let project = Project::sample();
    let path = write(&project, "run.json", &record(&project));
    let run = project
        .run(&["record", "render", &path, "--format", "pdf"])
        .expect(2);
    assert!(run.stderr().contains("--out"), "{}", run.stderr());
    let mut wrong = record(&project);
    wrong["path"][1]["answer"] = json!(7);
    let path = write(&project, "wrong.json", &wrong);
    let out = project.root().join("wrong.html");
    project
        .run(&[
            "record",
            "render",
            &path,
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ])
        .expect(1);
    assert!(!out.exists());
}

#[test]
fn the_run_record_schema_is_printed() {
    let project = Project::sample();
    let run = project.run(&["schema", "run-record"]).expect(0);
    let schema: Value = serde_json::from_str(&run.stdout()).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    for key in [
        "runbook-run",
        "procedure",
        "version",
        "step-versions",
        "fields",
        "path",
    ] {
        assert!(properties.contains_key(key), "{key}: {schema}");
    }
}

/// A path through a procedure: each step's id and, for a decision, the answer taken.
type Path<'a> = &'a [(&'a str, Option<usize>)];

/// A finished record of `procedure` in `tests/fixtures/runs` through `steps`.
fn fixture_record(project: &Project, procedure: &str, steps: Path<'_>) -> Value {
    let checked = runbook::load_project(project.root()).unwrap();
    let found = checked.site.procedure(procedure).unwrap();
    json!({
        "runbook-run": 1,
        "id": "r1",
        "procedure": procedure,
        "locale": "ja",
        "version": runbook::fingerprint::of_text(&checked.sources.file(found.file).text),
        "fields": { "ticket": "42", "Region": "Japan East" },
        "started": "2026-12-02T09:00:00Z",
        "finished": "2026-12-02T09:30:00Z",
        "path": steps.iter().map(|(step, answer)| {
            let mut entry = json!({ "step": step, "at": "2026-12-02T09:10:00Z" });
            if let Some(answer) = answer {
                entry["answer"] = json!(answer);
            }
            entry
        }).collect::<Vec<_>>(),
    })
}

#[test]
fn a_run_ends_where_it_continues_in_another_procedure_or_at_an_escalation() {
    let project = Project::fixture("runs");
    let accepted: [(&str, Path<'_>); 3] = [
        ("triage", &[("identify", None), ("billing", Some(0))]),
        (
            "triage",
            &[
                ("identify", None),
                ("billing", Some(1)),
                ("check-licences", None),
            ],
        ),
        (
            "billing-dispute",
            &[("review-invoice", None), ("open-dispute", None)],
        ),
    ];
    for (procedure, steps) in accepted {
        let path = write(
            &project,
            "run.json",
            &fixture_record(&project, procedure, steps),
        );
        let run = project.run(&["record", "check", &path]).expect(0);
        assert!(
            !run.stderr().contains("error"),
            "{steps:?}: {}",
            run.stderr()
        );
    }
    // Nothing follows a branch into another procedure, and a run cannot stop mid-way.
    let refused: [(Path<'_>, &str); 2] = [
        (
            &[
                ("identify", None),
                ("billing", Some(0)),
                ("check-licences", None),
            ],
            "`/path/2`: the run had already ended at `/path/1`",
        ),
        (
            &[("identify", None)],
            "`/finished`: the run is finished, but step 1 (`identify`) leads on to step 2",
        ),
    ];
    for (steps, expected) in refused {
        let path = write(
            &project,
            "run.json",
            &fixture_record(&project, "triage", steps),
        );
        let run = project.run(&["record", "check", &path]).expect(1);
        assert!(
            run.stderr().contains(expected),
            "{steps:?}: {}",
            run.stderr()
        );
    }
}

#[test]
fn the_projects_own_record_fields_are_rendered_with_their_names() {
    let project = Project::fixture("runs");
    let record = fixture_record(
        &project,
        "triage",
        &[("identify", None), ("billing", Some(0))],
    );
    let path = write(&project, "run.json", &record);
    let markdown = project.run(&["record", "render", &path]).expect(0).stdout();
    assert!(
        markdown.starts_with("# お客様からの報告を振り分ける: 実行記録\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- チケット / サポート リクエスト番号: 42\n- Region: Japan East\n"),
        "{markdown}"
    );
    assert!(markdown.contains("- 所要時間: 30 分\n"), "{markdown}");
    assert!(
        markdown.contains("2. ✓ 手順 2. 請求書に関する報告ですか？ (09:10)\n   - 回答: はい\n"),
        "{markdown}"
    );
}

#[test]
fn a_filled_in_checklist_links_the_published_site_when_it_knows_where_it_is() {
    let project = Project::sample();
    let path = write(&project, "run.json", &record(&project));
    let html = render_html(&project, &path);
    // Without `site-url` the file names the page it cannot reach.
    assert!(html.contains("(“Check service health”)"), "{html}");
    let config = project.read("book.toml").replace(
        "[output.runbook]\n",
        "[output.runbook]\nsite-url = \"https://guide.example.com/\"\n",
    );
    project.write("book.toml", &config);
    let path = write(&project, "run.json", &record(&project));
    let html = render_html(&project, &path);
    assert!(
        html.contains(r#"href="https://guide.example.com/en/check-service-health.html""#),
        "{html}"
    );
    assert!(!html.contains(r#"href="../"#), "{html}");
}

#[test]
fn an_unfinished_run_strikes_only_the_steps_it_passed_and_a_changed_procedure_says_so() {
    let project = Project::sample();
    let mut unfinished = record(&project);
    unfinished.as_object_mut().unwrap().remove("finished");
    unfinished["path"].as_array_mut().unwrap().truncate(2);
    let path = write(&project, "run.json", &unfinished);
    let version = unfinished["version"].as_str().unwrap().to_string();
    edit_step_seven(&project);
    let html = render_html(&project, &path);
    // "No" at step 2 passed step 3 by; steps 4 to 8 lie ahead, not skipped.
    assert_eq!(html.matches(" skipped\"").count(), 1, "{html}");
    assert!(
        html.contains(r#"<li class="item action skipped" id="tell-customer-known-issue">"#),
        "{html}"
    );
    // The footer names the version the run followed, and the sheet says what changed since.
    assert!(html.contains(&format!("Version {version}")), "{html}");
    assert!(
        html.contains("This procedure has changed since the run began. Changed steps: Step 7. Submit a support request to Microsoft."),
        "{html}"
    );
}
