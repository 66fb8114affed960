//! The `accord` binary: parse arguments, run, map errors to documented exit codes.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // clap's own messages repeat the arguments: they are printed escaped, as everything is.
    let cli = match accord::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let text = err.render().to_string();
            if err.use_stderr() {
                accord::output::eprintln(text.trim_end());
            } else if accord::output::print(&text).is_err() {
                return ExitCode::from(accord::error::EXIT_USAGE);
            }
            return ExitCode::from(
                u8::try_from(err.exit_code()).unwrap_or(accord::error::EXIT_USAGE),
            );
        }
    };
    // Untrusted PDFs are read by this executable again, as a worker process that limits itself.
    let reader = accord::worker::Reader::Worker(std::env::current_exe().unwrap_or_default());
    match accord::commands::run(cli, &reader) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            accord::output::eprintln(&format!("error: {err}"));
            ExitCode::from(err.code)
        }
    }
}
