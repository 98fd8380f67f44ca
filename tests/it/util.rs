//! Test helpers: copy a fixture project into a temporary directory, run the binary on it, and
//! read what it wrote. Failures print the command, its output and the files written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (the sample project).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture directory under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// A project copied into a temporary directory, so tests can change and build it freely.
pub struct Project {
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A copy of `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> Self {
        Self::copy_of(&fixture(name))
    }

    /// A copy of the repository's sample project (book.toml, translations.lock, content/,
    /// templates/).
    pub fn sample() -> Self {
        let project = Self::empty();
        let root = repo_root();
        for file in ["book.toml", "translations.lock"] {
            std::fs::copy(root.join(file), project.root().join(file)).unwrap();
        }
        copy_dir(&root.join("content"), &project.root().join("content"));
        copy_dir(&root.join("templates"), &project.root().join("templates"));
        project
    }

    /// The sample with `[output.runbook] site-url` set to `site_url`: what a published site has.
    pub fn published_sample(site_url: &str) -> Self {
        let project = Self::sample();
        let config = project.read("book.toml").replacen(
            "[output.runbook]\n",
            &format!("[output.runbook]\nsite-url = \"{site_url}\"\n"),
            1,
        );
        project.write("book.toml", &config);
        project
    }

    /// Gives the project an icon and a logo (`content/favicon.svg`, `content/logo.svg`).
    pub fn write_icon_and_logo(&self) {
        self.write(
            "content/favicon.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><circle cx=\"8\" cy=\"8\" r=\"7\"/></svg>",
        );
        self.write(
            "content/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 16\"><rect width=\"32\" height=\"16\"/></svg>",
        );
    }

    /// A copy of `source`.
    pub fn copy_of(source: &Path) -> Self {
        let project = Self::empty();
        copy_dir(source, project.root());
        project
    }

    /// An empty directory.
    pub fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `path` (relative to the root).
    pub fn write(&self, path: &str, text: &str) {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs `runbook ARGS --root ROOT` from an unrelated working directory.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        let root = self.root().to_str().unwrap().to_string();
        all.extend(["--root", &root]);
        run_in(&std::env::temp_dir(), &all)
    }

    /// Like [`run`](Self::run), with the address space capped at `memory_mib` and the run
    /// killed after `seconds` (a guard against hangs, not a timing): the bounds a bad input
    /// must stay within.
    pub fn run_bounded(&self, args: &[&str], memory_mib: u64, seconds: u64) -> Run {
        let root = self.root().to_str().unwrap().to_string();
        let script = format!(
            "ulimit -v {}; exec timeout -s KILL {seconds} \"$@\"",
            memory_mib * 1024
        );
        let output = Command::new("sh")
            .args(["-c", &script, "sh", env!("CARGO_BIN_EXE_runbook")])
            .args(args)
            .args(["--root", &root])
            .current_dir(std::env::temp_dir())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        Run {
            output,
            command: format!(
                "runbook {} (at most {memory_mib} MiB, {seconds} s)",
                args.join(" ")
            ),
        }
    }

    /// Every file under `dir` (relative to the root), path → bytes.
    pub fn files(&self, dir: &str) -> BTreeMap<String, Vec<u8>> {
        read_tree(&self.root().join(dir))
    }

    /// A file's text.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root().join(path)).unwrap_or_else(|e| {
            panic!(
                "cannot read {path}: {e}; files: {:?}",
                self.files("").keys()
            )
        })
    }
}

/// What a run of the binary did.
pub struct Run {
    pub output: Output,
    pub command: String,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    /// Asserts the exit code, printing everything when it differs.
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code(),
            code,
            "command: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.command,
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Runs the binary with `args` in `cwd`.
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        output,
        command: format!("runbook {}", args.join(" ")),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, by `/`-separated relative path.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap();
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Whether every one of `programs` (external tools a test runs: `java`, `mdbook`, `pdftotext`…)
/// is on `PATH`. When one is missing the calling test should return early: this says so on the
/// terminal (past the test harness's capture) unless `RUNBOOK_REQUIRE_TOOLS` is set, as
/// `scripts/test` and CI set it, when a missing tool fails the test instead.
pub fn tools_present(programs: &[&str]) -> bool {
    let missing: Vec<&str> = programs
        .iter()
        .copied()
        .filter(|program| !on_path(program))
        .collect();
    if missing.is_empty() {
        return true;
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let missing = missing.join(", ");
    assert!(
        std::env::var_os("RUNBOOK_REQUIRE_TOOLS").is_none(),
        "{test} needs {missing}, which is not installed: scripts/test installs it (RUNBOOK_REQUIRE_TOOLS is set, so a missing tool is a failure)"
    );
    use std::io::Write as _;
    // Written to the process's standard error, not through `eprintln!`, which the harness
    // captures and shows only for failing tests.
    let _ = writeln!(
        std::io::stderr(),
        "{test}: skipped what needs {missing}, not installed (scripts/test installs it)"
    );
    false
}

/// Whether `program` is a file in one of `PATH`'s directories.
fn on_path(program: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
}
