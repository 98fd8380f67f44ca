//! The `runbook` binary: parse the command line, run it, exit with its code.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse())
}
