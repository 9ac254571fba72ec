//! `frontdesk`: a thin binary over the library (see `frontdesk::cli`).

use clap::Parser;
use std::process::ExitCode;

/// Building a large site's tables is allocation-bound; mimalloc makes that
/// and every answer cheaper than the system allocator does.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = frontdesk::cli::Cli::parse();
    match frontdesk::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
