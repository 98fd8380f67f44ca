//! `runbook`: localized escalation guides and printable checklists from YAML procedures and
//! Markdown pages.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! book.toml ─ config ─▶ Config
//! content/  ─ load ───▶ Site ─ validate ─▶ Vec<Diagnostic>
//!                       Site ─ render ───▶ OutputFile stream (one Renderer per format)
//!                                          each file ─ verify ─▶ (every link resolves)
//!                                          each file ─ write ──▶ staging directory ─▶ output
//! ```
//!
//! ```no_run
//! let options = runbook::BuildOptions::new("path/to/project");
//! match runbook::build(&options) {
//!     Ok(report) => println!("{}", report.summary()),
//!     Err(error) => eprintln!("{error}"),
//! }
//! ```

#![warn(missing_docs)]
// No `unwrap`, `expect` or `panic!` outside tests: user input never panics (`diagnostic`).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod baseline;
pub mod config;
pub mod convert;
pub mod diagnostic;
pub mod dialect;
pub mod fingerprint;
#[doc(hidden)]
pub mod fuzz;
pub mod i18n;
pub mod import;
pub mod init;
pub mod lints;
pub mod load;
pub mod markup;
pub mod mdbook;
pub mod metrics;
pub mod model;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod record;
pub mod render;
pub mod safety;
pub mod schema;
pub mod serve;
pub mod source;
pub mod ui;
pub mod validate;
pub mod verify;
pub mod view;
pub mod write;

pub use pipeline::record::{
    RecordChecked, RecordFormat, RecordRendered, check_record, render_record,
};
pub use pipeline::shard::{MergeOptions, MergeReport, merge};
pub use pipeline::{
    BuildOptions, BuildReport, Built, Checked, Error, MemoryBuild, Progress, Rendered, Target,
    build, build_in_memory, build_in_memory_keeping, build_to, check, check_with, load_project,
    render_all, render_to_memory,
};
