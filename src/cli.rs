//! The command line: clap arguments → calls into the library → exit code. The only module that
//! knows clap and the only one that prints.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use runbook::diagnostic::{self, Diagnostic, Severity};
use runbook::source::SourceMap;
use runbook::{BuildOptions, Error, schema};

/// Localized escalation guides and printable checklists from YAML procedures and Markdown pages.
#[derive(Debug, Parser)]
#[command(name = "runbook", version, about, long_about = None, after_help = "\
Examples:
  runbook init my-guide          start a project
  runbook build --root my-guide  build it into my-guide/build/
  runbook check                  validate the project in the current directory")]
pub struct Cli {
    /// The project directory (holding book.toml).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    root: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render the guide in every locale as HTML and Markdown (mdBook sources).
    #[command(after_help = "\
Examples:
  runbook build                      build ./ into ./build/
  runbook build --root docs          build the project in docs/
  runbook build --out /tmp/site      write somewhere else

Output: build/html/ (the site; open build/html/index.html), build/markdown/LOCALE/ (one mdBook
source per locale) and build/manifest.json (every file written).")]
    Build {
        /// Output directory [default: `[runbook] output-dir`, relative to the root].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Load and validate the project without writing anything.
    #[command(after_help = "\
Examples:
  runbook check                  report errors and warnings; exit 1 on errors
  runbook check --strict         also exit 1 on warnings (e.g. missing translations)")]
    Check {
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Create a new project that builds at once.
    #[command(after_help = "\
Examples:
  runbook init my-guide          create my-guide/ with book.toml, content/ and schemas/
  runbook init --root my-guide   the same: without DIR, init scaffolds the --root directory")]
    Init {
        /// Where to create it, relative to the current directory [default: the --root directory].
        dir: Option<PathBuf>,
    },
    /// Print the JSON Schema of each content file kind, for editor completion.
    #[command(after_help = "\
Examples:
  runbook schema                      all schemas, as one JSON object keyed by kind
  runbook schema procedure            the schema of procedure files
  runbook schema --out schemas        write schemas/KIND.schema.json")]
    Schema {
        /// One kind: procedure, products, categories, ui or front-matter.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(schema::KINDS))]
        kind: Option<String>,
        /// Write one file per kind into this directory instead of printing.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Runs the parsed command line and returns the process's exit code: 0 success, 1 errors in the
/// project or while writing (usage errors exit 2 before this, from clap).
pub fn run(cli: Cli) -> ExitCode {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Build { out, quiet } => build(&cli.root, out, quiet, color),
        Command::Check { strict } => check(&cli.root, strict, color),
        Command::Init { dir } => init(&dir.unwrap_or(cli.root)),
        Command::Schema { kind, out } => schemas(kind.as_deref(), out),
    }
}

fn build(root: &Path, out: Option<PathBuf>, quiet: bool, color: bool) -> ExitCode {
    let options = BuildOptions {
        root: root.to_path_buf(),
        out,
    };
    match runbook::build(&options) {
        Ok(report) => {
            if !quiet {
                if !report.warnings.is_empty() {
                    eprint!(
                        "{}",
                        diagnostic::render(&report.warnings, &report.sources, color)
                    );
                }
                eprintln!("{}", report.summary());
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(error, color),
    }
}

fn check(root: &Path, strict: bool, color: bool) -> ExitCode {
    match runbook::check(root) {
        Ok(mut checked) => {
            if strict {
                for diagnostic in &mut checked.diagnostics {
                    diagnostic.severity = Severity::Error;
                }
            }
            eprint!(
                "{}",
                diagnostic::render(&checked.diagnostics, &checked.sources, color)
            );
            if diagnostic::has_errors(&checked.diagnostics) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => fail(error, color),
    }
}

fn fail(error: Error, color: bool) -> ExitCode {
    match error {
        Error::Content {
            sources,
            diagnostics,
        } => {
            eprint!("{}", diagnostic::render(&diagnostics, &sources, color));
            eprintln!("nothing was written");
        }
        Error::Render(error) => {
            print_error(&error.to_string(), color);
            eprintln!("nothing was written");
        }
        Error::Write(error) => print_error(&error.to_string(), color),
    }
    ExitCode::FAILURE
}

fn print_error(message: &str, color: bool) {
    let diagnostic = Diagnostic::error("failed", message);
    let rendered = diagnostic::render(std::slice::from_ref(&diagnostic), &SourceMap::new(), color);
    // The count line adds nothing to a single fatal error.
    let shown: Vec<&str> = rendered
        .lines()
        .filter(|l| !l.ends_with(" errors, 0 warnings") && *l != "1 error, 0 warnings")
        .collect();
    eprintln!("{}", shown.join("\n").trim_end());
}

fn init(dir: &Path) -> ExitCode {
    match runbook::init::init(dir) {
        Ok(files) => {
            for file in &files {
                eprintln!("created {}", dir.join(file).display());
            }
            eprintln!(
                "next: runbook build --root {}   (then open {}/build/html/index.html)",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            print_error(&message, false);
            ExitCode::FAILURE
        }
    }
}

fn schemas(kind: Option<&str>, out: Option<PathBuf>) -> ExitCode {
    let kinds: Vec<&str> = kind.map_or_else(|| schema::KINDS.to_vec(), |k| vec![k]);
    match out {
        Some(dir) => {
            for kind in kinds {
                let Some(schema) = schema::schema(kind) else {
                    continue;
                };
                let path = dir.join(schema::file_name(kind));
                let written = std::fs::create_dir_all(&dir)
                    .and_then(|()| std::fs::write(&path, schema::to_json(&schema)));
                if let Err(error) = written {
                    print_error(
                        &format!("cannot write `{}`: {error}", path.display()),
                        false,
                    );
                    return ExitCode::FAILURE;
                }
                eprintln!("wrote {}", path.display());
            }
        }
        None if kinds.len() == 1 => {
            if let Some(schema) = schema::schema(kinds[0]) {
                print!("{}", schema::to_json(&schema));
            }
        }
        None => {
            let all: serde_json::Map<String, serde_json::Value> = kinds
                .iter()
                .filter_map(|k| {
                    Some((
                        (*k).to_string(),
                        serde_json::to_value(schema::schema(k)?).ok()?,
                    ))
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
        }
    }
    ExitCode::SUCCESS
}
