//! CI sharding: `build --locale L` per locale, then `build --merge`, gives the full build's
//! output byte for byte; shards that do not belong together are refused with nothing written.

use crate::util::{Project, read_tree};

/// `project`'s path `relative`, as an argument (the binary runs from another directory).
fn at(project: &Project, relative: &str) -> String {
    project.root().join(relative).to_str().unwrap().to_string()
}

/// Builds `project` whole into `full/` and as one shard per locale into `shards/LOCALE/`.
fn build_full_and_shards(project: &Project, locales: &[&str]) {
    let pdf = cfg!(feature = "pdf");
    let mut full = vec!["build", "--out"];
    let out = at(project, "full");
    full.push(&out);
    if pdf {
        full.push("--pdf");
    }
    project.run(&full).expect(0);
    for locale in locales {
        let out = at(project, &format!("shards/{locale}"));
        let mut args = vec!["build", "--locale", locale, "--out", &out];
        if pdf {
            args.push("--pdf");
        }
        let run = project.run(&args).expect(0);
        assert!(
            run.stderr().contains(&format!("({locale}: ")),
            "{}",
            run.stderr()
        );
    }
}

fn assert_merged_equals_full(project: &Project, shards: &[&str]) {
    let mut args = vec!["build".to_string(), "--out".into(), at(project, "merged")];
    args.push("--merge".into());
    args.extend(
        shards
            .iter()
            .map(|shard| at(project, &format!("shards/{shard}"))),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = project.run(&args).expect(0);
    assert!(
        run.stderr().contains("merged 2 shard(s)"),
        "{}",
        run.stderr()
    );
    let full = read_tree(&project.root().join("full"));
    let merged = read_tree(&project.root().join("merged"));
    let names = |tree: &std::collections::BTreeMap<String, Vec<u8>>| -> Vec<String> {
        tree.keys().cloned().collect()
    };
    assert_eq!(names(&merged), names(&full));
    for (path, bytes) in &full {
        assert!(
            merged[path] == *bytes,
            "{path} differs from the full build's"
        );
    }
}

#[test]
fn shards_merged_in_any_order_equal_the_full_build() {
    let project = Project::sample();
    build_full_and_shards(&project, &["en", "ja"]);
    // Each shard holds its own locale's files and the files of no locale, nothing of the other.
    let en = project.files("shards/en");
    let ja = project.files("shards/ja");
    assert!(en.keys().any(|p| p.starts_with("html/en/")));
    assert!(
        !en.keys()
            .any(|p| p.contains("/ja/") || p.starts_with("review/ja"))
    );
    assert!(!ja.keys().any(|p| p.contains("/en/")));
    assert!(en.contains_key("html/index.html") && ja.contains_key("html/index.html"));
    let manifest: serde_json::Value =
        serde_json::from_str(&project.read("shards/ja/manifest.json")).unwrap();
    assert_eq!(manifest["shard"]["locales"], serde_json::json!(["ja"]));
    // The language switcher's links into the English shard wait for the merge.
    let links = manifest["shard"]["links"].as_array().unwrap();
    assert!(
        links
            .iter()
            .any(|l| l["target"] == "html/en/escalate-problems-to-microsoft.html"),
        "{links:?}"
    );
    assert_merged_equals_full(&project, &["ja", "en"]);
    // Merging again over the merged output keeps unchanged files and stays identical.
    assert_merged_equals_full(&project, &["en", "ja"]);
}

#[test]
fn shards_of_dialect_content_merge_to_the_full_build() {
    let project = Project::fixture("docfx");
    let config = project.read("book.toml");
    let locales: Vec<&str> = ["en", "ja"]
        .into_iter()
        .filter(|l| config.contains(&format!("\"{l}\"")))
        .collect();
    assert_eq!(locales.len(), 2, "{config}");
    build_full_and_shards(&project, &locales);
    assert_merged_equals_full(&project, &locales);
}

#[test]
fn merging_refuses_shards_that_do_not_make_the_whole_site() {
    let project = Project::sample();
    build_full_and_shards(&project, &["en", "ja"]);
    let merged = at(&project, "merged");
    let merge = |shards: &[&str]| {
        let mut args = vec![
            "build".to_string(),
            "--out".into(),
            merged.clone(),
            "--merge".into(),
        ];
        args.extend(shards.iter().map(|s| at(&project, s)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = project.run(&args).expect(1);
        assert!(
            !project.root().join("merged").exists(),
            "a refused merge wrote output"
        );
        run.stderr()
    };
    let missing = merge(&["shards/en"]);
    assert!(missing.contains("no shard holds locale(s) ja"), "{missing}");
    let twice = merge(&["shards/en", "shards/en", "shards/ja"]);
    assert!(twice.contains("both hold locale `en`"), "{twice}");
    let whole = merge(&["full", "shards/ja"]);
    assert!(
        whole.contains("holds a whole build, not a shard"),
        "{whole}"
    );

    // A shared file that differs between shards.
    let css = project.root().join("shards/ja/html/assets/site.js");
    let original = std::fs::read(&css).unwrap();
    std::fs::write(&css, b"/* changed */").unwrap();
    let differs = merge(&["shards/en", "shards/ja"]);
    assert!(
        differs.contains("`html/assets/site.js` differs between"),
        "{differs}"
    );
    std::fs::write(&css, original).unwrap();

    // A page the other shard links to, gone from its shard: the deferred link is caught.
    let manifest_path = project.root().join("shards/en/manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["files"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["path"] != "html/en/categories.html");
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    std::fs::remove_file(project.root().join("shards/en/html/en/categories.html")).unwrap();
    let dangling = merge(&["shards/en", "shards/ja"]);
    assert!(
        dangling.contains("html/ja/categories.html:")
            && dangling.contains("leads to `html/en/categories.html`, which no shard writes"),
        "{dangling}"
    );

    // Shards built from different content.
    let page = "content/check-service-health.md";
    project.write(
        page,
        &format!("{}\nOne more sentence.\n", project.read(page)),
    );
    let out = at(&project, "shards/en");
    project
        .run(&["build", "--locale", "en", "--out", &out])
        .expect(0);
    let drifted = merge(&["shards/en", "shards/ja"]);
    assert!(
        drifted.contains("were built from different content"),
        "{drifted}"
    );
}

#[test]
fn a_shard_of_an_unknown_locale_is_refused() {
    let project = Project::sample();
    let run = project.run(&["build", "--locale", "fr"]).expect(1);
    assert!(
        run.stderr()
            .contains("`--locale fr`: the project's locales are en, ja"),
        "{}",
        run.stderr()
    );
    assert!(!project.root().join("build").exists());
    // A shard is built or merged, not both.
    project
        .run(&["build", "--locale", "en", "--merge", "build"])
        .expect(2);
}

/// The `runbook` commands of a documented CI workflow, job by job in the order the jobs run,
/// each job's commands once per value of its matrix (`None`: no matrix).
struct Workflow {
    jobs: Vec<(String, Option<Vec<String>>, Vec<String>)>,
    yaml: serde_json::Value,
}

impl Workflow {
    fn read(name: &str) -> Self {
        let path = crate::util::repo_root().join("docs/ci").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let yaml: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        Self {
            jobs: Vec::new(),
            yaml,
        }
    }

    /// Runs every job's `runbook` lines in `project`'s root, as the CI engine would in its
    /// checkout, with `placeholder` replaced by each matrix value.
    fn run(&self, project: &Project, placeholder: &str) {
        let bin = std::path::Path::new(env!("CARGO_BIN_EXE_runbook"))
            .parent()
            .unwrap()
            .to_path_buf();
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
        for (job, matrix, lines) in &self.jobs {
            let values = matrix.clone().unwrap_or_else(|| vec![String::new()]);
            for value in &values {
                for line in lines {
                    let line = line.replace(placeholder, value);
                    let output = std::process::Command::new("sh")
                        .args(["-c", &line])
                        .current_dir(project.root())
                        .env("PATH", &path)
                        .env("NO_COLOR", "1")
                        .output()
                        .unwrap();
                    assert!(
                        output.status.success(),
                        "job {job}: `{line}` failed:\n{}",
                        String::from_utf8_lossy(&output.stderr)
                    );
                }
            }
        }
    }
}

/// A YAML list of strings (a matrix's values), if `value` is one.
fn strings(value: &serde_json::Value) -> Option<Vec<String>> {
    value.as_array().map(|values| {
        values
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    })
}

/// The lines of a script that run runbook.
fn runbook_lines<'a>(script: impl Iterator<Item = &'a str>) -> Vec<String> {
    script
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|line| line.starts_with("runbook "))
        .map(str::to_string)
        .collect()
}

/// Asserts that `project` built whole equals what the workflow left in `build/`.
fn assert_workflow_built_the_full_site(project: &Project) {
    let out = at(project, "full");
    project.run(&["build", "--out", &out]).expect(0);
    let full = read_tree(&project.root().join("full"));
    let built = read_tree(&project.root().join("build"));
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>()
    );
    assert!(
        built == full,
        "the workflow's site differs from a full build"
    );
}

#[test]
fn the_documented_github_actions_workflow_builds_the_full_site() {
    let mut workflow = Workflow::read("github-actions.yml");
    let jobs = workflow.yaml["jobs"].as_object().unwrap().clone();
    // Jobs in the order their `needs` allow.
    let mut order: Vec<String> = Vec::new();
    while order.len() < jobs.len() {
        let next = jobs
            .iter()
            .find(|(name, job)| {
                !order.contains(name)
                    && job["needs"]
                        .as_str()
                        .is_none_or(|need| order.iter().any(|done| done == need))
            })
            .map(|(name, _)| name.clone())
            .expect("the jobs' needs form no loop");
        order.push(next);
    }
    for name in &order {
        let job = &jobs[name];
        let matrix = strings(&job["strategy"]["matrix"]["locale"]);
        let steps = job["steps"].as_array().unwrap();
        let lines = runbook_lines(steps.iter().filter_map(|step| step["run"].as_str()));
        // A shard's upload is where the merge job's download puts it: shards/ARTIFACT-NAME/.
        for step in steps {
            let uses = step["uses"].as_str().unwrap_or_default();
            if uses.starts_with("actions/upload-artifact")
                && step["with"]["name"].as_str().unwrap().starts_with("shard-")
            {
                let name = step["with"]["name"].as_str().unwrap();
                assert_eq!(
                    step["with"]["path"].as_str().unwrap(),
                    format!("shards/{name}")
                );
            }
            if uses.starts_with("actions/download-artifact") && step["with"]["pattern"].is_string()
            {
                assert_eq!(step["with"]["pattern"], "shard-*");
                assert_eq!(step["with"]["path"], "shards");
            }
        }
        workflow.jobs.push((name.clone(), matrix, lines));
    }
    let project = Project::sample();
    let config = project.read("book.toml");
    let matrix = workflow
        .jobs
        .iter()
        .find_map(|(_, matrix, _)| matrix.clone())
        .unwrap();
    assert!(
        config.contains(&format!("locales = {matrix:?}")),
        "{matrix:?}"
    );
    assert!(
        workflow
            .jobs
            .iter()
            .any(|(_, _, lines)| lines.iter().any(|l| l.contains("--merge"))),
        "no merge job"
    );
    workflow.run(&project, "${{ matrix.locale }}");
    assert_workflow_built_the_full_site(&project);
}

#[test]
fn the_documented_gitlab_ci_pipeline_builds_the_full_site() {
    let mut workflow = Workflow::read("gitlab-ci.yml");
    let stages: Vec<String> = workflow.yaml["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let jobs = workflow.yaml.as_object().unwrap().clone();
    for stage in &stages {
        for (name, job) in jobs
            .iter()
            .filter(|(_, job)| job["stage"] == stage.as_str())
        {
            let matrix = strings(&job["parallel"]["matrix"][0]["LOCALE"]);
            if matrix.is_some() {
                // The shard's directory is in the job's artifacts, which later stages receive.
                let paths = job["artifacts"]["paths"].as_array().unwrap();
                assert!(paths.iter().any(|p| p == "shards/"), "{paths:?}");
            }
            let script = job["script"].as_array().unwrap();
            let lines = runbook_lines(script.iter().filter_map(|line| line.as_str()));
            workflow.jobs.push((name.clone(), matrix, lines));
        }
    }
    let project = Project::sample();
    workflow.run(&project, "$LOCALE");
    assert_workflow_built_the_full_site(&project);
}
