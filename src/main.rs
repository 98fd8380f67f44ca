//! The `runbook` binary: parse the command line, run it, exit with its code.

mod cli;

use clap::Parser;

/// mimalloc instead of the system allocator: rendering allocates many small strings on every
/// core at once, where glibc's allocator spent a fifth of a build's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse())
}
