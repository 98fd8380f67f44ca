//! The command line: clap arguments → calls into the library → exit code. The only module that
//! knows clap and the only one that prints.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use runbook::diagnostic::{self, Diagnostic, Severity};
use runbook::source::SourceMap;
use runbook::{BuildOptions, Error, MergeOptions, schema};

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

/// How `check` prints diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// rustc-style, with source lines, on stderr.
    Human,
    /// The JSON report of docs/diagnostics.md, on stdout.
    Json,
    /// GitHub Actions workflow commands, on stdout.
    Github,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render the guide in every locale as HTML and Markdown (mdBook sources).
    #[command(after_help = "\
Examples:
  runbook build                      build ./ into ./build/
  runbook build --root docs          build the project in docs/
  runbook build --out /tmp/site      write somewhere else
  runbook build --pdf                also typeset checklists and runbooks as PDF
  runbook build --locale ja --out shards/ja     one locale's shard (a CI job per locale)
  runbook build --merge shards/en shards/ja     join shards: the same output as one build

Output: build/html/ (the site; open build/html/index.html), build/markdown/LOCALE/ (one mdBook
source per locale) and build/manifest.json (every file written).")]
    Build {
        /// Output directory [default: `[output.runbook] output-dir`, relative to the root].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Also typeset every checklist and runbook as PDF (build/pdf/), as `[output.runbook] pdf = true`.
        #[arg(long)]
        pdf: bool,
        /// Also print the wall time of each stage (load and validate, render, verify, write), and
        /// the peak memory at its end.
        #[arg(long)]
        timings: bool,
        /// Replace an output directory that holds files runbook did not write (never the
        /// project root, a parent of it, content/ or templates/).
        #[arg(long)]
        force: bool,
        /// Build only this locale's files (repeat for more): a shard, to be joined with the
        /// others' by `--merge`.
        #[arg(long, value_name = "LOCALE", conflicts_with = "merge")]
        locale: Vec<String>,
        /// Join the output directories of `--locale` builds (every locale once) instead of
        /// building; the output is the one a full build writes.
        #[arg(long, value_name = "SHARD_DIR", num_args = 1.., conflicts_with_all = ["pdf", "timings"])]
        merge: Vec<PathBuf>,
    },
    /// Serve the site on 127.0.0.1, rebuilding it and reloading the browser on every change.
    #[command(after_help = "\
Examples:
  runbook serve                  serve ./ at http://127.0.0.1:3000/
  runbook serve --port 8080      another port (0: any free one)

Watches content/, templates/, book.toml and translations.lock. Each change rebuilds the site in
memory; open pages whose output changed reload. A change that does not build shows its error in
the terminal and over the page, and the last good site stays served. Writes nothing.")]
    Serve {
        /// Port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Load and validate the project without writing anything.
    #[command(after_help = "\
Examples:
  runbook check                        report errors and warnings; exit 1 on errors
  runbook check --strict               also exit 1 on warnings (e.g. missing translations)
  runbook check --format github        annotations for GitHub Actions
  runbook check --format json > r.json the documented JSON report (docs/diagnostics.md)
  runbook check --list-external        every external link, for a separate link checker
  runbook check --write-baseline       record every current finding in runbook-baseline.json:
                                       later runs tolerate them and fail on every new one

Exit codes: 0 clean or warnings only, 1 errors, 2 usage errors.")]
    Check {
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// How to print diagnostics: human (stderr), json or github (stdout).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Print every external link as `file:line:column<TAB>url` instead of checking.
        #[arg(long)]
        list_external: bool,
        /// Print counts per code and per file instead of each problem.
        #[arg(long, conflicts_with = "list_external")]
        summary: bool,
        /// Show at most N problems (errors first), then how many more there are.
        #[arg(long, value_name = "N")]
        max_errors: Option<usize>,
        /// Record every current error and warning in the baseline (`runbook-baseline.json`, or
        /// `[output.runbook] baseline`), replacing it; exit 0 unless a finding cannot be recorded.
        #[arg(long, conflicts_with_all = ["list_external", "show_baselined"])]
        write_baseline: bool,
        /// Also list the findings the baseline tolerates (as notes).
        #[arg(long, conflicts_with = "list_external")]
        show_baselined: bool,
    },
    /// Build the project as an mdBook backend: what `mdbook build` and `mdbook serve` run.
    #[command(after_help = "\
book.toml's `[output.runbook]` table holds runbook's settings; with `command = \"runbook
mdbook-backend\"` in it, `mdbook build` at the project root runs this command with mdBook's
render context on standard input, and it builds the whole project as `runbook build` does (into
`output-dir`). Set `[build] build-dir = \"build/html\"` so that `mdbook serve` serves the site.")]
    MdbookBackend,
    /// Create a new project that builds at once.
    #[command(after_help = "\
Examples:
  runbook init my-guide          create my-guide/ with book.toml, content/ and schemas/
  runbook init --root my-guide   the same: without DIR, init scaffolds the --root directory")]
    Init {
        /// Where to create it, relative to the current directory [default: the --root directory].
        dir: Option<PathBuf>,
    },
    /// Translation workflow: status, PO export and import, confirming reviewed translations.
    #[command(subcommand)]
    I18n(I18nCommand),
    /// Create a project from existing documentation.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Turn a procedure page (a how-to page of numbered steps) into a YAML procedure, to add
    /// decisions and escalations; every locale's text is kept.
    #[command(after_help = "\
Examples:
  runbook convert content/reset-password.md --dry-run    show what would be written and removed
  runbook convert content/reset-password.md              replace the page by reset-password.yaml

A page with one list becomes PAGE.yaml at its address (text below the list goes to PAGE-more.md);
a page with several keeps its text and links PAGE-HEADING.yaml where each list was.")]
    Convert {
        /// The page, e.g. `content/reset-password.md` (its translations follow).
        page: PathBuf,
        /// Print what would be written and removed, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Run records downloaded from the guide's run mode: check one, or render it for a ticket.
    #[command(subcommand)]
    Record(RecordCommand),
    /// Print the JSON Schema of each content file kind, for editor completion.
    #[command(after_help = "\
Examples:
  runbook schema                      all schemas, as one JSON object keyed by kind
  runbook schema procedure            the schema of procedure files
  runbook schema --out schemas        write schemas/KIND.schema.json")]
    Schema {
        /// One kind: procedure, products, categories, ui, front-matter or run-record.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(schema::KINDS))]
        kind: Option<String>,
        /// Write one file per kind into this directory instead of printing.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// What `runbook record` does with a run record.
#[derive(Debug, Subcommand)]
enum RecordCommand {
    /// Check a run record against the current content: its format, the procedure and steps, the
    /// path against the flow, and which steps changed since the run began.
    #[command(after_help = "\
Examples:
  runbook record check run.json                 against ./
  runbook record check run.json --root guide    against the project in guide/

Exit codes: 0 valid (warnings, e.g. changed steps, are printed), 1 errors, 2 usage errors.
Errors name the JSON pointer of the value at fault and its line.")]
    Check {
        /// The run record (JSON, from run mode's \"Download JSON\").
        record: PathBuf,
    },
    /// Render a run record: the filled-in checklist (HTML or PDF) or Markdown for a ticket.
    #[command(after_help = "\
Examples:
  runbook record render run.json                        Markdown on standard output
  runbook record render run.json --format pdf --out run.pdf
  runbook record render run.json --format html --out run.html

The record is checked first; a record with errors is not rendered.")]
    Render {
        /// The run record (JSON).
        record: PathBuf,
        /// md (the guide's \"Copy as Markdown\"), html (a checklist for print) or pdf.
        #[arg(long, value_enum, default_value_t = RecordFormatArg::Md)]
        format: RecordFormatArg,
        /// Write to this file instead of standard output (required for pdf).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// The formats of `record render`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum RecordFormatArg {
    /// Markdown for a ticket.
    Md,
    /// The filled-in checklist as one HTML file.
    Html,
    /// The filled-in checklist as PDF.
    Pdf,
}

/// What `runbook import` reads.
#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// A DocFX / Microsoft Learn docs folder and its localized checkouts: pages, includes,
    /// tables of contents and media copied, translations placed under content/LOCALE/,
    /// book.toml written, then a check summary.
    #[command(after_help = "\
Examples:
  runbook import docfx ../docs/partner-center --out guide
  runbook import docfx ../docs/partner-center --out guide --locale ja=../docs.ja-jp/partner-center")]
    Docfx {
        /// The docs folder.
        source: PathBuf,
        /// The project to create (a new or empty folder).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// A localized checkout's matching folder, as LOCALE=PATH; repeat for more locales.
        #[arg(long = "locale", value_name = "LOCALE=PATH", value_parser = parse_locale_path)]
        locales: Vec<(String, PathBuf)>,
        /// The source locale's tag.
        #[arg(long, default_value = "en")]
        source_locale: String,
        /// Where the site is published, for site-root links outside the docset.
        #[arg(
            long,
            value_name = "URL",
            default_value = "https://learn.microsoft.com/{locale}/"
        )]
        published_at: String,
    },
}

/// `ja=../docs.ja-jp/x` → (`ja`, path).
fn parse_locale_path(text: &str) -> Result<(String, PathBuf), String> {
    let (locale, path) = text.split_once('=').ok_or_else(|| {
        format!("`{text}`: write LOCALE=PATH, e.g. ja=../docs.ja-jp/partner-center")
    })?;
    if !runbook::config::is_locale_tag(locale) {
        return Err(format!(
            "`{locale}` is not a language tag such as `ja` or `pt-BR`"
        ));
    }
    Ok((locale.to_string(), PathBuf::from(path)))
}

/// How `i18n status` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum StatusFormat {
    /// A Markdown table per locale, on stdout.
    Human,
    /// JSON, on stdout.
    Json,
}

#[derive(Debug, Subcommand)]
enum I18nCommand {
    /// Per locale and file: translated, stale, missing and fallback segments.
    #[command(after_help = "\
Examples:
  runbook i18n status                  a Markdown table per locale
  runbook i18n status --locale ja      one locale
  runbook i18n status --format json    for scripts and dashboards
  runbook i18n status --strict         exit 1 when anything is missing or stale (CI)")]
    Status {
        /// Only these locales.
        #[arg(long, value_name = "LOCALE")]
        locale: Vec<String>,
        /// human (Markdown table) or json.
        #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
        format: StatusFormat,
        /// Exit 1 when a segment is missing or stale.
        #[arg(long)]
        strict: bool,
    },
    /// Write a gettext PO file of one locale: every segment, its source and translation.
    #[command(after_help = "\
Examples:
  runbook i18n export --locale ja > ja.po
  runbook i18n export --locale ja --out translations/ja.po
  msgfmt --check translations/ja.po    (GNU gettext accepts the file)")]
    Export {
        /// The locale to export.
        #[arg(long, value_name = "LOCALE")]
        locale: String,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write the translations of a PO file back into the content and confirm them.
    #[command(after_help = "\
Examples:
  runbook i18n import ja.po            the locale comes from the file's Language header
  runbook i18n import ja.po --locale ja

Translations marked fuzzy, or made from a source text that has changed since, are written but
stay stale until confirmed. Nothing else in the content files changes.")]
    Import {
        /// The PO file.
        file: PathBuf,
        /// The locale, instead of the file's `Language` header.
        #[arg(long, value_name = "LOCALE")]
        locale: Option<String>,
    },
    /// Record that translations were checked against the current source text.
    #[command(after_help = "\
Examples:
  runbook i18n confirm --locale ja                                   every ja translation
  runbook i18n confirm --locale ja check-service-health.md           one file's
  runbook i18n confirm --locale ja 'check-service-health.md#where-to-look/1'   one segment")]
    Confirm {
        /// The locale.
        #[arg(long, value_name = "LOCALE")]
        locale: String,
        /// Segment ids or content files; all segments when none.
        targets: Vec<String>,
    },
    /// Turn a page in the bilingual side-by-side format (`data-ttu-id` / `sxs-lookup` spans)
    /// into a PO file of its source/translation pairs.
    #[command(after_help = "\
Examples:
  runbook i18n import-bilingual old/escalate.ja-jp.md > escalate.po")]
    ImportBilingual {
        /// The bilingual Markdown page.
        file: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Runs the parsed command line and returns the process's exit code: 0 success, 1 errors in the
/// project or while writing (usage errors exit 2 before this, from clap).
pub fn run(cli: Cli) -> ExitCode {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Build {
            out,
            quiet,
            force,
            merge,
            ..
        } if !merge.is_empty() => merge_shards(
            MergeOptions {
                root: cli.root,
                shards: merge,
                out,
                force,
            },
            quiet,
            color,
        ),
        Command::Build {
            out,
            quiet,
            pdf,
            timings,
            force,
            locale,
            merge: _,
        } => build(
            &cli.root,
            out,
            BuildOutput {
                quiet,
                timings,
                force,
                locales: locale,
            },
            pdf,
            color,
        ),
        Command::Serve { port } => serve(&cli.root, port, color),
        Command::Check {
            strict,
            format,
            list_external,
            summary,
            max_errors,
            write_baseline,
            show_baselined,
        } => check(
            &cli.root,
            CheckOptions {
                strict,
                format,
                list_external,
                summary,
                max_errors,
                write_baseline,
                show_baselined,
            },
            color,
        ),
        Command::MdbookBackend => mdbook_backend(color),
        Command::Init { dir } => init(&dir.unwrap_or(cli.root)),
        Command::Schema { kind, out } => schemas(kind.as_deref(), out),
        Command::Record(command) => record(&cli.root, command, color),
        Command::Convert { page, dry_run } => convert(&cli.root, &page, dry_run, color),
        Command::I18n(command) => i18n(&cli.root, command, color),
        Command::Import(ImportCommand::Docfx {
            source,
            out,
            locales,
            source_locale,
            published_at,
        }) => import_docfx(
            &runbook::import::ImportOptions {
                source,
                out,
                source_locale,
                locales,
                published_at,
            },
            color,
        ),
    }
}

fn convert(root: &Path, page: &Path, dry_run: bool, color: bool) -> ExitCode {
    let plan = match runbook::convert::plan(root, page) {
        Ok(plan) => plan,
        Err(message) => {
            print_error(&message, color);
            eprintln!("nothing was changed");
            return ExitCode::FAILURE;
        }
    };
    let verb = |done: &str, planned: &str| {
        if dry_run {
            planned.to_string()
        } else {
            done.to_string()
        }
    };
    let mut baseline_note = None;
    if !dry_run {
        match runbook::convert::apply(root, &plan) {
            Ok(note) => baseline_note = note,
            Err(message) => {
                print_error(&message, color);
                return ExitCode::FAILURE;
            }
        }
    }
    for (path, _) in &plan.writes {
        eprintln!("{} {path}", verb("wrote", "would write"));
    }
    for path in &plan.removes {
        eprintln!("{} {path}", verb("removed", "would remove"));
    }
    for note in plan.notes.iter().chain(&baseline_note) {
        eprintln!("  {note}");
    }
    if dry_run {
        eprintln!("nothing was changed (--dry-run)");
    } else {
        eprintln!("next: `runbook check`, then add decisions and escalations to the YAML");
    }
    ExitCode::SUCCESS
}

fn record(root: &Path, command: RecordCommand, color: bool) -> ExitCode {
    match command {
        RecordCommand::Check { record } => {
            let checked = match runbook::check_record(root, &record) {
                Ok(checked) => checked,
                Err(error) => return fail(error, color),
            };
            let diagnostics = &checked.project.diagnostics;
            if !diagnostics.is_empty() {
                eprint!(
                    "{}",
                    diagnostic::render(diagnostics, &checked.project.sources, color)
                );
            }
            if diagnostic::has_errors(diagnostics) {
                ExitCode::FAILURE
            } else {
                eprintln!("{}: a valid run record", record.display());
                ExitCode::SUCCESS
            }
        }
        RecordCommand::Render {
            record,
            format,
            out,
        } => {
            let format = match format {
                RecordFormatArg::Md => runbook::RecordFormat::Markdown,
                RecordFormatArg::Html => runbook::RecordFormat::Html,
                RecordFormatArg::Pdf => runbook::RecordFormat::Pdf,
            };
            if format == runbook::RecordFormat::Pdf && out.is_none() {
                print_error("a PDF goes to a file: add `--out FILE.pdf`", color);
                return ExitCode::from(2);
            }
            let rendered = match runbook::render_record(root, &record, format) {
                Ok(rendered) => rendered,
                Err(Error::Content {
                    sources,
                    diagnostics,
                }) => {
                    eprint!("{}", diagnostic::render(&diagnostics, &sources, color));
                    eprintln!("nothing was written");
                    return ExitCode::FAILURE;
                }
                Err(error) => return fail(error, color),
            };
            let warnings: Vec<Diagnostic> = rendered
                .project
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .cloned()
                .collect();
            if !warnings.is_empty() {
                eprint!(
                    "{}",
                    diagnostic::render(&warnings, &rendered.project.sources, color)
                );
            }
            match out {
                None => {
                    use std::io::Write as _;
                    match std::io::stdout().write_all(&rendered.bytes) {
                        Ok(()) => ExitCode::SUCCESS,
                        Err(error) => {
                            print_error(
                                &format!("cannot write to standard output: {error}"),
                                color,
                            );
                            ExitCode::FAILURE
                        }
                    }
                }
                Some(path) => match runbook::write::write_file(&path, &rendered.bytes) {
                    Ok(()) => {
                        eprintln!("wrote {}", path.display());
                        ExitCode::SUCCESS
                    }
                    Err(error) => {
                        print_error(&error.to_string(), color);
                        ExitCode::FAILURE
                    }
                },
            }
        }
    }
}

fn import_docfx(options: &runbook::import::ImportOptions, color: bool) -> ExitCode {
    let report = match runbook::import::import_docfx(options) {
        Ok(report) => report,
        Err(message) => {
            print_error(&message, color);
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "imported {} files into `{}`",
        report.written.len(),
        options.out.display()
    );
    eprintln!(
        "the site's title is \"{}\", from {} (`[book] title` in book.toml)",
        report.title.0, report.title.1
    );
    for file in &report.redirections {
        eprintln!("redirected pages read from {file}: declared `outside` in book.toml");
    }
    if !report.skipped.is_empty() {
        eprintln!("not imported ({}):", report.skipped.len());
        for (path, reason) in &report.skipped {
            eprintln!("  {path}: {reason}");
        }
    }
    match runbook::check(&options.out) {
        Ok(checked) => {
            eprintln!("\n`runbook check` on the new project:");
            print!(
                "{}",
                diagnostic::summary_table(&checked.diagnostics, &checked.sources)
            );
            let unsupported = checked
                .diagnostics
                .iter()
                .filter(|d| d.code == "unsupported-directive")
                .count();
            if unsupported > 0 {
                eprintln!(
                    "{unsupported} directive(s) runbook cannot render: `runbook check --root {}` lists them",
                    options.out.display()
                );
            }
            if diagnostic::has_errors(&checked.diagnostics) {
                eprintln!(
                    "next: record these known problems in a baseline, so that only new ones fail, then build (docs/adopting.md):\n  runbook check --root {0} --write-baseline\n  runbook build --root {0}",
                    options.out.display()
                );
            } else {
                eprintln!("next: runbook build --root {}", options.out.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(error, color),
    }
}

fn i18n(root: &Path, command: I18nCommand, color: bool) -> ExitCode {
    match command {
        I18nCommand::Status {
            locale,
            format,
            strict,
        } => match runbook::pipeline::translate::status(root, &locale) {
            Ok((report, project)) => {
                match format {
                    StatusFormat::Human => print!("{}", report.to_markdown()),
                    StatusFormat::Json => println!(
                        "{}",
                        serde_json::to_string_pretty(&report).unwrap_or_default()
                    ),
                }
                let unread = report_unread(&project, color);
                if unread || (strict && report.incomplete()) {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(error) => fail(error, color),
        },
        I18nCommand::Export { locale, out } => {
            match runbook::pipeline::translate::export(root, &locale) {
                Ok((text, project)) => {
                    let written = emit(&text, out.as_deref());
                    if report_unread(&project, color) {
                        ExitCode::FAILURE
                    } else {
                        written
                    }
                }
                Err(error) => fail(error, color),
            }
        }
        I18nCommand::Import { file, locale } => {
            match runbook::pipeline::translate::import(root, &file, locale.as_deref()) {
                Ok(report) => {
                    let plan = &report.plan;
                    if !plan.diagnostics.is_empty() {
                        eprint!(
                            "{}",
                            diagnostic::render(&plan.diagnostics, &report.sources, color)
                        );
                    }
                    for path in plan.files.keys() {
                        eprintln!("wrote {path}");
                    }
                    eprintln!(
                        "imported `{}`: {} written, {} from translation memory, {} already in the content, {} left for review, {} untranslated",
                        report.locale,
                        plan.written,
                        plan.memory,
                        plan.unchanged,
                        plan.needs_review,
                        plan.untranslated
                    );
                    ExitCode::SUCCESS
                }
                Err(error) => fail(error, color),
            }
        }
        I18nCommand::Confirm { locale, targets } => {
            match runbook::pipeline::translate::confirm(root, &locale, &targets) {
                Ok(report) => {
                    if !targets.is_empty() {
                        for id in &report.confirmed {
                            eprintln!("confirmed {id}");
                        }
                    }
                    eprintln!(
                        "{} `{locale}` translation(s) confirmed, {} stale lock entr(ies) dropped",
                        report.confirmed.len(),
                        report.forgotten
                    );
                    ExitCode::SUCCESS
                }
                Err(error) => fail(error, color),
            }
        }
        I18nCommand::ImportBilingual { file, out } => {
            match runbook::pipeline::translate::import_bilingual(&file) {
                Ok(text) => emit(&text, out.as_deref()),
                Err(error) => fail(error, color),
            }
        }
    }
}

/// Prints `text`, or writes it to `out`.
fn emit(text: &str, out: Option<&Path>) -> ExitCode {
    match out {
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Some(path) => match runbook::write::write_file(path, text.as_bytes()) {
            Ok(()) => {
                eprintln!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                print_error(&error.to_string(), false);
                ExitCode::FAILURE
            }
        },
    }
}

/// What `build` prints besides errors.
#[derive(Clone)]
struct BuildOutput {
    quiet: bool,
    timings: bool,
    force: bool,
    /// Only these locales (a shard); empty: all.
    locales: Vec<String>,
}

/// `mdbook-backend`: mdBook's render context on standard input → a build of its root.
fn mdbook_backend(color: bool) -> ExitCode {
    use runbook::mdbook::{RenderContext, TESTED_MDBOOK, remove_empty_destination};
    let context = match RenderContext::read(std::io::stdin().lock()) {
        Ok(context) => context,
        Err(error) => {
            print_error(&error.to_string(), color);
            return ExitCode::from(2);
        }
    };
    if !context.is_tested_version() {
        eprintln!(
            "note: runbook was tested as a backend of mdBook {TESTED_MDBOOK}; this is mdBook {}",
            context.version
        );
    }
    remove_empty_destination(&context.root, &context.destination);
    let output = BuildOutput {
        quiet: false,
        timings: false,
        force: false,
        locales: Vec::new(),
    };
    build(&context.root, None, output, false, color)
}

fn build(
    root: &Path,
    out: Option<PathBuf>,
    output: BuildOutput,
    pdf: bool,
    color: bool,
) -> ExitCode {
    let bar = (!output.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(root, &out));
    let options = BuildOptions {
        root: root.to_path_buf(),
        out,
        pdf,
        locales: output.locales,
        force: output.force,
        progress: bar.as_ref().map(|bar| bar.callback()),
    };
    let result = runbook::build(&options);
    if let Some(bar) = bar {
        bar.bar.finish_and_clear();
    }
    match result {
        Ok(report) => {
            if !output.quiet {
                if !report.warnings.is_empty() {
                    eprint!(
                        "{}",
                        diagnostic::render(&report.warnings, &report.sources, color)
                    );
                }
                if let Some(known) = runbook::baseline::known_line(report.baselined) {
                    eprintln!(
                        "{}",
                        known.replace("`--show-baselined`", "`runbook check --show-baselined`")
                    );
                }
                eprintln!("{}", report.summary());
            }
            if output.timings {
                for stage in &report.stages {
                    let peak = stage.peak_memory.map_or(String::new(), |bytes| {
                        format!("  (peak memory {} MiB)", bytes / (1024 * 1024))
                    });
                    eprintln!("{:>8.3} s  {}{peak}", stage.time.as_secs_f64(), stage.name);
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(error, color),
    }
}

fn merge_shards(options: MergeOptions, quiet: bool, color: bool) -> ExitCode {
    match runbook::merge(&options) {
        Ok(report) => {
            if !quiet {
                eprintln!("{}", report.summary());
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(error, color),
    }
}

fn serve(root: &Path, port: u16, color: bool) -> ExitCode {
    let options = runbook::serve::ServeOptions {
        root: root.to_path_buf(),
        port,
    };
    let result = runbook::serve::serve(&options, move |event| match event {
        runbook::serve::ServeEvent::Listening(address) => {
            println!("serving http://{address}/ (Ctrl-C to stop)");
        }
        runbook::serve::ServeEvent::Built {
            changed,
            elapsed,
            warnings,
            sources,
        } => {
            if !warnings.is_empty() {
                eprint!("{}", diagnostic::render(warnings, sources, color));
            }
            println!(
                "built in {:.0} ms, {changed} file(s) changed",
                elapsed.as_secs_f64() * 1000.0
            );
        }
        runbook::serve::ServeEvent::Failed(error) => {
            match error {
                Error::Content {
                    sources,
                    diagnostics,
                } => eprint!("{}", diagnostic::render(diagnostics, sources, color)),
                other => print_error(&other.to_string(), color),
            }
            eprintln!("still serving the last good build");
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(error, color),
    }
}

/// The build's progress bar: drawn on stderr once a build has taken a second, so quick builds
/// print nothing but their summary. Its length is the file count of the previous build's
/// manifest, when there is one (a spinner otherwise).
struct BuildBar {
    bar: indicatif::ProgressBar,
}

impl BuildBar {
    fn callback(&self) -> std::sync::Arc<dyn Fn(runbook::Progress) + Send + Sync> {
        let bar = self.bar.clone();
        let started = std::time::Instant::now();
        let shown = std::sync::atomic::AtomicBool::new(false);
        std::sync::Arc::new(move |progress| {
            use std::sync::atomic::Ordering;
            if !shown.load(Ordering::Relaxed) && started.elapsed().as_secs_f64() >= 1.0 {
                shown.store(true, Ordering::Relaxed);
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            match progress {
                runbook::Progress::Stage(stage) => bar.set_message(stage),
                runbook::Progress::File => bar.inc(1),
            }
        })
    }
}

fn progress_bar(root: &Path, out: &Option<PathBuf>) -> BuildBar {
    let manifest = out
        .clone()
        .unwrap_or_else(|| root.join("build"))
        .join(runbook::output::MANIFEST);
    let previous = std::fs::read_to_string(manifest)
        .ok()
        .map(|text| text.matches("\"path\":").count() as u64)
        .filter(|&n| n > 0);
    let (bar, template) = match previous {
        Some(files) => (
            indicatif::ProgressBar::with_draw_target(
                Some(files),
                indicatif::ProgressDrawTarget::hidden(),
            ),
            "{msg:>10} [{bar:30}] {pos}/{len} files, {elapsed}",
        ),
        None => (
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden()),
            "{spinner} {msg:>10} {pos} files, {elapsed}",
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    BuildBar { bar }
}

/// The files a translation command could not load (errors of loading the project does not
/// tolerate), shown on stderr with the list of their names; whether there were any. The command
/// reported on all the others.
fn report_unread(project: &runbook::Checked, color: bool) -> bool {
    let errors: Vec<Diagnostic> = project
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    if errors.is_empty() {
        return false;
    }
    eprint!("{}", diagnostic::render(&errors, &project.sources, color));
    let mut files: Vec<&str> = errors
        .iter()
        .filter_map(|d| d.span.as_ref())
        .map(|span| project.sources.file(span.file).path.as_str())
        .collect();
    files.sort_unstable();
    files.dedup();
    eprintln!(
        "the report goes without what these files hold, as they did not load: {}",
        files.join(", ")
    );
    true
}

/// What `runbook check` was asked for.
struct CheckOptions {
    strict: bool,
    format: Format,
    list_external: bool,
    summary: bool,
    max_errors: Option<usize>,
    write_baseline: bool,
    show_baselined: bool,
}

fn check(root: &Path, options: CheckOptions, color: bool) -> ExitCode {
    let CheckOptions {
        strict,
        format,
        list_external,
        summary,
        max_errors,
        write_baseline,
        show_baselined,
    } = options;
    if write_baseline {
        return write_baseline_file(root, format, color);
    }
    let mut checked = match checked_or_failed(runbook::check(root), format, color) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    if list_external {
        let links = runbook::validate::links::external_links(
            &checked.site,
            &checked.config,
            &checked.sources,
        );
        for link in links {
            let file = &checked.sources.file(link.span.file).path;
            let (line, column) = checked
                .sources
                .line_column(link.span.file, link.span.range.start);
            println!("{file}:{line}:{column}\t{}", link.destination);
        }
        return ExitCode::SUCCESS;
    }
    if strict {
        for diagnostic in &mut checked.diagnostics {
            if diagnostic.severity == Severity::Warning {
                diagnostic.severity = Severity::Error;
            }
        }
    }
    let failed = diagnostic::has_errors(&checked.diagnostics);
    if show_baselined {
        checked
            .diagnostics
            .extend(checked.baselined.iter().map(|known| Diagnostic {
                severity: Severity::Note,
                message: format!("known: {}", known.message),
                ..known.clone()
            }));
    }
    let known = runbook::baseline::known_line(checked.baselined.len());
    if summary {
        print!(
            "{}",
            diagnostic::summary_table(&checked.diagnostics, &checked.sources)
        );
        if !checked.baselined.is_empty() {
            print!(
                "\nThe baseline:\n\n{}",
                runbook::baseline::counts_table(&checked.baselined)
            );
        }
    } else if let (Some(limit), Format::Human) = (max_errors, format) {
        eprint!(
            "{}",
            diagnostic::render_limited(&checked.diagnostics, &checked.sources, color, Some(limit))
        );
    } else if format == Format::Json {
        print!(
            "{}",
            diagnostic::to_json_with_baseline(
                &checked.diagnostics,
                &checked.sources,
                checked.baselined.len()
            )
        );
    } else {
        print_diagnostics(&checked.diagnostics, &checked.sources, format, color);
    }
    if let Some(known) = known {
        match format {
            Format::Github => println!("::notice title=runbook baseline::{known}"),
            Format::Human => eprintln!("{known}"),
            Format::Json => {}
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `check --write-baseline`: every finding that can be recorded goes into the baseline file
/// (replaced whole); those that cannot (safety, a broken configuration or flow) are shown and
/// fail the run.
fn write_baseline_file(root: &Path, format: Format, color: bool) -> ExitCode {
    let ignoring = runbook::check_with(root, runbook::pipeline::BaselineUse::Ignore);
    let checked = match checked_or_failed(ignoring, format, color) {
        Ok(checked) => checked,
        Err(code) => {
            eprintln!("the baseline was not written");
            return code;
        }
    };
    let baseline = runbook::baseline::Baseline::of(&checked.diagnostics, &checked.sources);
    let path = checked.config.root.join(&checked.config.baseline);
    if let Err(error) = runbook::write::write_file(&path, baseline.to_json().as_bytes()) {
        print_error(&error.to_string(), color);
        return ExitCode::FAILURE;
    }
    let recorded: usize = baseline.findings.iter().map(|e| e.count as usize).sum();
    let refused: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note && !runbook::baseline::is_recordable(d))
        .cloned()
        .collect();
    eprintln!(
        "recorded {recorded} finding(s) in {} ({} entries)",
        checked.config.baseline.display(),
        baseline.findings.len()
    );
    if refused.is_empty() {
        return ExitCode::SUCCESS;
    }
    print_diagnostics(&refused, &checked.sources, format, color);
    eprintln!(
        "{} finding(s) above cannot be recorded (safety, configuration or a procedure's flow): fix them",
        refused.len()
    );
    if diagnostic::has_errors(&refused) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// A checked project, or the exit code after its configuration's problems (in `format`) or
/// another failure were shown.
fn checked_or_failed(
    result: Result<runbook::Checked, Error>,
    format: Format,
    color: bool,
) -> Result<runbook::Checked, ExitCode> {
    match result {
        Ok(checked) => Ok(checked),
        Err(Error::Content {
            sources,
            diagnostics,
        }) => {
            print_diagnostics(&diagnostics, &sources, format, color);
            Err(ExitCode::FAILURE)
        }
        Err(error) => Err(fail(error, color)),
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic], sources: &SourceMap, format: Format, color: bool) {
    match format {
        Format::Human => eprint!("{}", diagnostic::render(diagnostics, sources, color)),
        Format::Json => print!("{}", diagnostic::to_json(diagnostics, sources)),
        Format::Github => print!("{}", diagnostic::to_github(diagnostics, sources)),
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
        Error::Render(_) | Error::Verify(_) | Error::Shard(_) => {
            print_error(&error.to_string(), color);
            eprintln!("nothing was written");
        }
        Error::Write(_) | Error::NoPdf | Error::Serve(_) => {
            print_error(&error.to_string(), color);
        }
    }
    ExitCode::FAILURE
}

/// A fatal error: its first line as a diagnostic, further lines (a list) as they are.
fn print_error(message: &str, color: bool) {
    let (first, rest) = message.split_once('\n').unwrap_or((message, ""));
    let diagnostic = Diagnostic::error("failed", first);
    let rendered = diagnostic::render(std::slice::from_ref(&diagnostic), &SourceMap::new(), color);
    // The count line adds nothing to a single fatal error.
    eprintln!("{}", rendered.lines().next().unwrap_or(first));
    if !rest.is_empty() {
        eprintln!("{rest}");
    }
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
                let written = runbook::write::write_file_creating_dirs(
                    &path,
                    schema::to_json(&schema).as_bytes(),
                );
                if let Err(error) = written {
                    print_error(&error.to_string(), false);
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
