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
