//! The `accord` binary: parse arguments, run, map errors to documented exit codes.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = accord::cli::Cli::parse();
    match accord::commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            accord::output::eprintln(&format!("error: {err}"));
            ExitCode::from(err.code)
        }
    }
}
