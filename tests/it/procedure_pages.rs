//! Procedure pages (`tests/fixtures/procedure-pages`): how-to pages whose numbered lists become
//! checklists, runs and records. One list, several lists, nested lists and images in items, a
//! list per tab, a translation with another number of steps, the not-steps marker, opting in
//! and out in front matter.

use serde_json::{Value, json};

use crate::util::Project;

fn built() -> Project {
    let project = Project::fixture("procedure-pages");
    project.run(&["build"]).expect(0);
    project
}

/// The `<li class="step">` ids of the steps in an HTML file, in order.
fn step_ids(html: &str) -> Vec<String> {
    html.match_indices("<li class=\"step ")
        .map(|(at, _)| {
            let rest = &html[at..];
            let id = rest.split("id=\"").nth(1).unwrap();
            id[..id.find('"').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn every_list_of_steps_has_a_checklist_in_every_locale_and_nothing_else_does() {
    let project = built();
    let html = project.files("build/html");
    let checklists: Vec<&str> = html
        .keys()
        .filter(|path| path.starts_with("en/checklists/"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        checklists,
        [
            "en/checklists/install-agent/steps-linux.html",
            "en/checklists/install-agent/steps-windows.html",
            "en/checklists/manage-users/steps-add-a-user.html",
            "en/checklists/manage-users/steps-remove-a-user.html",
            "en/checklists/reset-password.html",
            "en/checklists/service-limits.html",
        ]
    );
    for path in &checklists {
        let ja = path.replacen("en/", "ja/", 1);
        assert!(html.contains_key(&ja), "{ja} missing");
        let md = format!("markdown/{}", path.replacen(".html", ".md", 1));
        assert!(
            project.root().join("build").join(&md).is_file(),
            "{md} missing"
        );
    }
    // A page that is not a procedure page keeps its numbered list as a list.
    let about = project.read("build/html/en/about.html");
    assert!(
        about.contains("<ol>\n<li>Act only on a ticket.</li>"),
        "{about}"
    );
    assert!(!about.contains("run-panel"), "{about}");
}

#[test]
fn a_page_keeps_its_text_and_gains_step_anchors_a_checklist_link_and_a_run_panel() {
    let project = built();
    let html = project.read("build/html/en/reset-password.html");
    assert_eq!(step_ids(&html), ["step-1", "step-2", "step-3", "step-4"]);
    assert!(
        html.contains(
            "<section class=\"procedure page-procedure\" data-procedure=\"reset-password\""
        ),
        "{html}"
    );
    assert!(html.contains("<a href=\"checklists/reset-password.html\">Printable checklist</a>"));
    assert!(html.contains("id=\"rb-run\""));
    // Titles keep bold UI names; images, alerts, nested lists and code stay in the step.
    assert!(html.contains("<span class=\"step-number\">Step 1.</span> Sign in to the admin portal and select <strong>Customers</strong>.</h3>"), "{html}");
    let step_one = &html[html.find("id=\"step-1\"").unwrap()..html.find("id=\"step-2\"").unwrap()];
    assert!(
        step_one.contains("<img src=\"media/sign-in.png\""),
        "{step_one}"
    );
    let step_two = &html[html.find("id=\"step-2\"").unwrap()..html.find("id=\"step-3\"").unwrap()];
    assert!(
        step_two.contains("class=\"alert alert-note\""),
        "{step_two}"
    );
    let step_three =
        &html[html.find("id=\"step-3\"").unwrap()..html.find("id=\"step-4\"").unwrap()];
    assert!(
        step_three.contains("<ol>\n<li>Check the user's name"),
        "{step_three}"
    );
    // The text around the list is the page's as before; a linear list draws no flowchart.
    assert!(
        html.contains("<p>Reset a password only when the customer asks for it in a ticket.</p>")
    );
    assert!(html.contains("<p>See <a href=\"manage-users.html#remove-a-user\">Manage users</a>"));
    assert!(!html.contains("flowchart"), "{html}");
    // The checklist lists the steps with their bodies, and leads back to the page.
    let checklist = project.read("build/html/en/checklists/reset-password.html");
    assert!(
        checklist.contains("Find the user and select <strong>Reset password</strong>:"),
        "{checklist}"
    );
    assert!(
        checklist.contains("href=\"../reset-password.html\""),
        "{checklist}"
    );
}

#[test]
fn a_page_with_several_lists_has_one_procedure_and_one_run_panel_per_list() {
    let project = built();
    let html = project.read("build/html/en/manage-users.html");
    assert_eq!(
        step_ids(&html),
        [
            "add-a-user-step-1",
            "add-a-user-step-2",
            "add-a-user-step-3",
            "remove-a-user-step-1",
            "remove-a-user-step-2",
            "remove-a-user-step-3",
        ]
    );
    assert!(
        html.contains("id=\"steps-add-a-user\" data-procedure=\"manage-users#steps-add-a-user\""),
        "{html}"
    );
    assert!(html.contains("data-title=\"Remove a user\""));
    assert!(html.contains("id=\"rb-run\"") && html.contains("id=\"rb-run-2\""));
    // Each panel says which list it runs.
    assert!(
        html.contains("<h2 id=\"rb-run-heading-2\">Run this procedure: Remove a user</h2>"),
        "{html}"
    );
    // The checklist of the second list is named by its heading and leads to its section.
    let checklist = project.read("build/html/en/checklists/manage-users/steps-remove-a-user.html");
    assert!(checklist.contains("Remove a user"), "{checklist}");
    assert!(
        checklist.contains("href=\"../../manage-users.html#steps-remove-a-user\""),
        "{checklist}"
    );
    // Each tab's list is a procedure named by its tab.
    let tabs = project.read("build/html/en/checklists/install-agent/steps-linux.html");
    assert!(tabs.contains("Install the sync agent: Linux"), "{tabs}");
    assert!(tabs.contains("<code>sync-agent register</code>"), "{tabs}");
}

#[test]
fn a_marked_list_of_facts_is_not_steps() {
    let project = built();
    let checklist = project.read("build/html/en/checklists/service-limits.html");
    assert!(checklist.contains("Open a support request"), "{checklist}");
    assert!(!checklist.contains("500 users"), "{checklist}");
    let page = project.read("build/html/en/service-limits.html");
    assert!(page.contains("<li>500 users per tenant.</li>"), "{page}");
}

#[test]
fn a_translation_with_another_number_of_steps_shows_its_own_steps_and_is_warned_about() {
    let project = Project::fixture("procedure-pages");
    let run = project.run(&["check"]).expect(0);
    assert!(
        run.stderr().contains("warning[translation-structure]: the list under \"Remove a user\" has 2 steps in `ja` and 3 in the source"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("content/ja/manage-users.md:20:4"),
        "{}",
        run.stderr()
    );
    project.run(&["build"]).expect(0);
    let ja = project.read("build/html/ja/checklists/manage-users/steps-remove-a-user.html");
    assert!(
        ja.contains("<strong>[削除]</strong> を選択して確定します。"),
        "{ja}"
    );
    // Never a mix: no English step of that list in the Japanese checklist.
    assert!(!ja.contains("Confirm with"), "{ja}");
    let page = project.read("build/html/ja/manage-users.html");
    assert_eq!(
        step_ids(&page)[3..],
        ["remove-a-user-step-1", "remove-a-user-step-2"]
    );
    // A list that pairs item for item is translated step for step.
    let ja = project.read("build/markdown/ja/checklists/reset-password.md");
    assert!(
        ja.contains("- [ ] **1.** 管理ポータルにサインインし"),
        "{ja}"
    );
}

#[test]
fn front_matter_opts_a_page_in_or_out_and_a_page_without_steps_is_warned_about() {
    let project = Project::fixture("procedure-pages");
    // `procedure: false` wins over the metadata rule.
    let text = project.read("content/service-limits.md");
    project.write(
        "content/service-limits.md",
        &text.replacen(
            "ms.topic: how-to\n",
            "ms.topic: how-to\nprocedure: false\n",
            1,
        ),
    );
    project.write(
        "content/overview.md",
        "---\ntitle: Overview\nprocedure: true\n---\n\nNo steps here.\n",
    );
    let run = project.run(&["check"]).expect(0);
    assert!(
        run.stderr().contains("warning[procedure-without-steps]: this procedure page has no ordered list of two or more steps\n --> content/overview.md:3:12"),
        "{}",
        run.stderr()
    );
    project.run(&["build"]).expect(0);
    assert!(
        !project
            .root()
            .join("build/html/en/checklists/service-limits.html")
            .exists()
    );
}

/// A finished run of a page procedure as run mode writes it, with the content's fingerprints.
fn record(project: &Project, procedure: &str, locale: &str) -> Value {
    let checked = runbook::load_project(project.root()).unwrap();
    let found = checked
        .site
        .page_procedures
        .iter()
        .find(|p| p.path == procedure)
        .unwrap();
    // What the locale's readers see: a translation's own steps where its list differs.
    let found = found.as_shown_in(locale);
    let found = &*found;
    let versions: serde_json::Map<String, Value> = found
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.id.value.clone(),
                json!(runbook::fingerprint::of_step(found, i)),
            )
        })
        .collect();
    json!({
        "runbook-run": 1,
        "id": "p1",
        "procedure": procedure,
        "locale": locale,
        "version": runbook::fingerprint::of_text(&checked.sources.file(found.file).text),
        "step-versions": versions,
        "fields": { "ticket": "T-7" },
        "started": "2026-12-08T09:00:00Z",
        "finished": "2026-12-08T09:05:00Z",
        "path": found.steps.iter().map(|s| json!({ "step": s.id.value, "at": "2026-12-08T09:01:00Z" })).collect::<Vec<_>>(),
    })
}

#[test]
fn record_check_and_render_accept_runs_of_page_procedures() {
    let project = Project::fixture("procedure-pages");
    for (name, procedure) in [
        ("single.json", "reset-password"),
        ("several.json", "manage-users#steps-add-a-user"),
    ] {
        let text = serde_json::to_string_pretty(&record(&project, procedure, "en")).unwrap();
        project.write(name, &text);
        let path = project.root().join(name);
        let path = path.to_str().unwrap();
        project.run(&["record", "check", path]).expect(0);
        let run = project.run(&["record", "render", path]).expect(0);
        assert!(run.stdout().contains("T-7"), "{}", run.stdout());
    }
    // A run of the translation's own steps (two where the source has three) is the locale's run.
    let own = record(&project, "manage-users#steps-remove-a-user", "ja");
    assert_eq!(own["path"].as_array().unwrap().len(), 2);
    project.write("own.json", &serde_json::to_string_pretty(&own).unwrap());
    let path = project.root().join("own.json");
    project
        .run(&["record", "check", path.to_str().unwrap()])
        .expect(0);
    let run = project
        .run(&["record", "render", path.to_str().unwrap()])
        .expect(0);
    assert!(
        run.stdout()
            .contains("2. ✓ 手順 2. \\[削除\\] を選択して確定します。"),
        "{}",
        run.stdout()
    );
    // A step the page does not have is refused by name.
    let mut wrong = record(&project, "reset-password", "en");
    wrong["path"][1]["step"] = json!("step-9");
    project.write("wrong.json", &serde_json::to_string_pretty(&wrong).unwrap());
    let path = project.root().join("wrong.json");
    let run = project
        .run(&["record", "check", path.to_str().unwrap()])
        .expect(1);
    assert!(
        run.stderr().contains("the procedure has no step `step-9`"),
        "{}",
        run.stderr()
    );
}

#[test]
fn editing_one_step_changes_only_that_steps_fingerprint() {
    let project = Project::fixture("procedure-pages");
    let before = record(&project, "reset-password", "en");
    let text = project.read("content/reset-password.md");
    project.write(
        "content/reset-password.md",
        &text.replacen("then **Users**.", "then **Users and groups**.", 1),
    );
    let after = record(&project, "reset-password", "en");
    let changed: Vec<&String> = before["step-versions"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(id, v)| after["step-versions"][id.as_str()] != **v)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(changed, ["step-2"]);
}

/// Every file under `content/`, to see that a refused conversion changed nothing.
fn content_of(project: &Project) -> std::collections::BTreeMap<String, Vec<u8>> {
    project.files("content")
}

#[test]
fn convert_turns_a_one_list_page_into_a_procedure_that_checks_and_builds_in_both_languages() {
    let project = Project::fixture("procedure-pages");
    let before = content_of(&project);
    let run = project
        .run(&["convert", "content/reset-password.md", "--dry-run"])
        .expect(0);
    assert!(
        run.stderr()
            .contains("would write content/reset-password.yaml"),
        "{}",
        run.stderr()
    );
    assert_eq!(content_of(&project), before, "--dry-run changed files");
    let run = project
        .run(&["convert", "content/reset-password.md"])
        .expect(0);
    assert!(
        run.stderr()
            .contains("removed content/ja/reset-password.md"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("not kept: ms.topic, description"),
        "{}",
        run.stderr()
    );
    let yaml = project.read("content/reset-password.yaml");
    // Every locale's text; the alert of step 2 is its note; the nested list stays in step 3.
    assert!(
        yaml.contains("  ja: ユーザーのパスワードをリセットする\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  notes:\n  - en: |\n      Only admin agents see the **Users** tab.\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("      1. Choose **Temporary password**.\n"),
        "{yaml}"
    );
    assert!(!project.root().join("content/reset-password.md").exists());
    // The text below the list is a page of its own, linked from the introduction.
    let more = project.read("content/ja/reset-password-more.md");
    assert!(more.contains("ユーザーを削除する場合は"), "{more}");
    assert!(yaml.contains("(reset-password-more.md)"), "{yaml}");
    // The project checks and builds; links to the page (the home page's) lead to the procedure.
    project.run(&["check"]).expect(0);
    project.run(&["build"]).expect(0);
    let page = project.read("build/html/ja/reset-password.html");
    assert!(
        page.contains("<article class=\"procedure\" data-procedure=\"reset-password\""),
        "{page}"
    );
    assert!(page.contains("<strong>[一時パスワード]</strong>"), "{page}");
    assert!(
        project
            .read("build/html/en/index.html")
            .contains("href=\"reset-password.html\"")
    );
}

#[test]
fn convert_keeps_a_page_of_several_lists_and_links_a_procedure_where_each_list_was() {
    let project = Project::fixture("procedure-pages");
    // First the translation is given the source's steps, one for one.
    let ja = project.read("content/ja/manage-users.md");
    let before = content_of(&project);
    let run = project
        .run(&["convert", "content/manage-users.md"])
        .expect(1);
    assert!(
        run.stderr()
            .contains("fix the `translation-structure` warnings"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("nothing was changed"));
    assert_eq!(content_of(&project), before);
    project.write(
        "content/ja/manage-users.md",
        &ja.replacen(
            "1. 顧客を選択し、**[ユーザー]** を選択して、削除するユーザーを選びます。\n1. **[削除]** を選択して確定します。",
            "1. 顧客を選択し、**[ユーザー]** を選択します。\n1. ユーザーを選び、**[削除]** を選択します。\n1. もう一度 **[削除]** を選択して確定します。",
            1,
        ),
    );
    project
        .run(&["convert", "content/manage-users.md"])
        .expect(0);
    let page = project.read("content/ja/manage-users.md");
    assert!(page.contains("procedure: false\n"), "{page}");
    assert!(
        page.contains("[ユーザーを削除する](manage-users-remove-a-user.md)\n"),
        "{page}"
    );
    let yaml = project.read("content/manage-users-remove-a-user.yaml");
    assert!(yaml.contains("- id: remove-a-user-step-3\n"), "{yaml}");
    project.run(&["check"]).expect(0);
    project.run(&["build"]).expect(0);
    // The anchor other pages link keeps working: the heading stays on the page.
    assert!(
        project
            .read("build/html/en/manage-users.html")
            .contains("id=\"remove-a-user\"")
    );
}

#[test]
fn convert_refuses_what_it_cannot_convert_and_changes_nothing() {
    let project = Project::fixture("procedure-pages");
    project.write(
        "content/reset-password-more.md",
        "---\ntitle: Taken\n---\n\nTaken.\n",
    );
    let before = content_of(&project);
    for (args, message) in [
        (
            &["convert", "content/index.md"][..],
            "has no numbered list of two or more steps",
        ),
        (
            &["convert", "book.toml"][..],
            "is not a page inside this project's content/",
        ),
        (
            &["convert", "content/missing.md"][..],
            "is not a page inside this project's content/",
        ),
        (
            &["convert", "content/reset-password.md"][..],
            "`content/reset-password-more.md` already exists",
        ),
    ] {
        let run = project.run(args).expect(1);
        assert!(run.stderr().contains(message), "{args:?}: {}", run.stderr());
        assert!(
            run.stderr().contains("nothing was changed"),
            "{}",
            run.stderr()
        );
        assert_eq!(content_of(&project), before, "{args:?} changed files");
    }
    // A usage error is 2.
    project.run(&["convert"]).expect(2);
}

#[test]
fn a_step_whose_source_changed_is_marked_stale_in_the_translations_checklist() {
    let project = Project::fixture("procedure-pages");
    project
        .run(&["i18n", "confirm", "--locale", "ja"])
        .expect(0);
    let text = project.read("content/reset-password.md");
    project.write(
        "content/reset-password.md",
        &text.replacen("then **Users**.", "then **Users and groups**.", 1),
    );
    project.run(&["build"]).expect(0);
    let ja = project.read("build/html/ja/checklists/reset-password.html");
    let stale: Vec<&str> = ja
        .match_indices("class=\"stale\"")
        .map(|(at, _)| &ja[at..at + 60])
        .collect();
    assert_eq!(stale.len(), 1, "{ja}");
    assert!(stale[0].contains("顧客を選択し、"), "{stale:?}");
    assert!(ja.contains("class=\"stale-note\""), "{ja}");
}

#[test]
fn convert_moves_the_pages_known_problems_in_the_baseline_with_their_text() {
    let project = Project::fixture("procedure-pages");
    let text = project.read("content/reset-password.md");
    project.write(
        "content/reset-password.md",
        &text.replacen(
            "to remove a user instead.",
            "to remove a user instead, or [the old page](gone.md).",
            1,
        ),
    );
    project.run(&["check"]).expect(1);
    project.run(&["check", "--write-baseline"]).expect(0);
    let run = project
        .run(&["convert", "content/reset-password.md"])
        .expect(0);
    assert!(
        run.stderr()
            .contains("1 known problem(s) of the page moved with its text"),
        "{}",
        run.stderr()
    );
    let baseline = project.read("runbook-baseline.json");
    assert!(
        baseline.contains("\"file\": \"content/reset-password-more.md\""),
        "{baseline}"
    );
    assert!(
        !baseline.contains("\"file\": \"content/reset-password.md\""),
        "{baseline}"
    );
    project.run(&["check"]).expect(0);
    project.run(&["build"]).expect(0);
}

#[test]
fn record_check_reads_a_project_whose_known_problems_are_in_the_baseline() {
    let project = Project::fixture("procedure-pages");
    let text = serde_json::to_string_pretty(&record(&project, "reset-password", "ja")).unwrap();
    project.write("run.json", &text);
    project.write("content/broken.yaml", "title: [unclosed\n");
    let path = project.root().join("run.json");
    let path = path.to_str().unwrap();
    // A file that does not load stops it, as it stops a build; once known, it does not.
    project.run(&["record", "check", path]).expect(1);
    project.run(&["check", "--write-baseline"]).expect(0);
    project.run(&["record", "check", path]).expect(0);
}

#[cfg(feature = "pdf")]
#[test]
fn page_procedures_are_typeset_as_pdf_checklists_in_both_languages() {
    if !crate::util::tools_present(&["pdftotext"]) {
        return;
    }
    let project = Project::fixture("procedure-pages");
    project.run(&["build", "--pdf"]).expect(0);
    let text = |path: &str| {
        let output = std::process::Command::new("pdftotext")
            .args(["-layout", project.root().join(path).to_str().unwrap(), "-"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let ja = text("build/pdf/ja/reset-password.pdf");
    assert!(ja.contains("ユーザーのパスワードをリセットする"), "{ja}");
    assert!(ja.contains("チケットで指定された方法で"), "{ja}");
    let en = text("build/pdf/en/manage-users/steps-remove-a-user.pdf");
    assert!(en.contains("Confirm with Remove again."), "{en}");
    let runbook = text("build/pdf/en/runbook.pdf");
    assert!(
        runbook.contains("Install the sync agent: Linux"),
        "{runbook}"
    );
}

#[test]
fn a_linear_list_draws_no_flowchart_on_paper_either() {
    let project = built();
    for path in [
        "build/html/en/checklists/reset-password.html",
        "build/html/ja/runbook.html",
    ] {
        let html = project.read(path);
        assert!(!html.contains("flowchart-figure"), "{path}: {html}");
    }
}

#[test]
fn runbooks_are_bound_per_section_once_there_are_too_many_procedures_for_one() {
    let project = Project::fixture("procedure-pages");
    // 201 more procedures, in a folder: too many for one runbook of everything.
    let mut page = String::from("---\ntitle: Many tasks\nprocedure: true\n---\n\n# Many tasks\n");
    for n in 1..=201 {
        page.push_str(&format!(
            "\n## Task {n}\n\n1. Open task {n}.\n2. Close task {n}.\n"
        ));
    }
    project.write("content/bulk/many-tasks.md", &page);
    project.run(&["build"]).expect(0);
    let html = project.files("build/html/en");
    let books: Vec<&String> = html.keys().filter(|p| p.starts_with("runbook")).collect();
    assert_eq!(
        books,
        [
            "runbook-section-bulk.html",
            "runbook-section-tenant-admin-tasks.html"
        ]
    );
    let bulk = project.read("build/html/en/runbook-section-bulk.html");
    assert!(
        bulk.contains("Runbook — bulk"),
        "{}",
        &bulk[..400.min(bulk.len())]
    );
    assert!(bulk.contains("Open task 201."));
    assert!(!bulk.contains("Reset a user"));
    // Asked for, the runbook of everything is bound as well.
    let config = project.read("book.toml");
    project.write(
        "book.toml",
        &config.replacen(
            "[output.runbook]\n",
            "[output.runbook]\nrunbooks = [\"all\", \"sections\"]\n",
            1,
        ),
    );
    project.run(&["build"]).expect(0);
    assert!(project.root().join("build/html/ja/runbook.html").is_file());
    assert!(
        project
            .root()
            .join("build/html/ja/runbook-section-bulk.html")
            .is_file()
    );
}

#[test]
fn a_kind_of_runbook_that_does_not_exist_is_refused_at_its_place() {
    let project = Project::fixture("procedure-pages");
    let config = project.read("book.toml");
    project.write(
        "book.toml",
        &config.replacen(
            "[output.runbook]\n",
            "[output.runbook]\nrunbooks = [\"chapters\"]\n",
            1,
        ),
    );
    let run = project.run(&["check"]).expect(1);
    assert!(
        run.stderr()
            .contains("error[invalid-config]: `chapters` is not a kind of runbook"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("book.toml:6:"), "{}", run.stderr());
}

#[test]
fn a_section_runbook_follows_the_table_of_contents() {
    let project = Project::fixture("docfx");
    let config = project.read("book.toml");
    project.write(
        "book.toml",
        &(config.replacen(
            "[output.runbook]\n",
            "[output.runbook]\nrunbooks = [\"sections\"]\n",
            1,
        ) + "\n[output.runbook.procedure-pages]\nmetadata = { \"ms.topic\" = [\"how-to\"] }\n"),
    );
    project.run(&["build"]).expect(0);
    let books: Vec<String> = project
        .files("build/html/en")
        .into_keys()
        .filter(|p| p.starts_with("runbook"))
        .collect();
    // The toc's "Escalations" group holds the YAML procedure and the how-to page's list.
    assert_eq!(books, ["runbook-section-escalations.html"]);
    let book = project.read("build/html/en/runbook-section-escalations.html");
    assert!(book.contains("Runbook — Escalations"), "{book}");
    assert!(book.contains("escalation-checklist"), "{book}");
    assert!(book.contains("escalate-to-vendor"), "{book}");
}

#[test]
fn step_ids_give_way_to_the_pages_own_anchors() {
    let project = Project::fixture("procedure-pages");
    let text = project.read("content/service-limits.md");
    project.write(
        "content/service-limits.md",
        &text.replacen(
            "## Ask for a higher limit\n",
            "## Ask for a higher limit\n\n<a id=\"step-2\"></a>\n",
            1,
        ),
    );
    project.run(&["check"]).expect(0);
    project.run(&["build"]).expect(0);
    let html = project.read("build/html/en/service-limits.html");
    assert_eq!(step_ids(&html), ["rb-1-step-1", "rb-1-step-2"]);
    assert_eq!(html.matches("id=\"step-2\"").count(), 1, "{html}");
}

#[test]
fn the_project_rule_matches_pages_by_path_glob_and_by_metadata_in_any_case() {
    let project = Project::fixture("procedure-pages");
    let config = project.read("book.toml");
    project.write(
        "book.toml",
        &config.replacen(
            "metadata = { \"ms.topic\" = [\"how-to\"] }",
            "paths = [\"abo*.md\"]\nmetadata = { \"ms.topic\" = [\"HOW-TO\"] }",
            1,
        ),
    );
    project.run(&["build"]).expect(0);
    // By path: the page of two rules is a procedure page now.
    assert!(
        project
            .root()
            .join("build/html/en/checklists/about.html")
            .is_file()
    );
    // By metadata, whatever the case: the how-to pages still are.
    assert!(
        project
            .root()
            .join("build/html/en/checklists/reset-password.html")
            .is_file()
    );
    // A bad glob is refused at its place.
    project.write(
        "book.toml",
        &config.replacen("metadata = ", "paths = [\"[oops\"]\nmetadata = ", 1),
    );
    let run = project.run(&["check"]).expect(1);
    assert!(
        run.stderr()
            .contains("`[oops` in `procedure-pages.paths` is not a glob"),
        "{}",
        run.stderr()
    );
}
