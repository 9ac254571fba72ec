//! `frontdesk`: a thin binary over the library (see `frontdesk::cli`).

use clap::Parser;
use std::process::ExitCode;

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
