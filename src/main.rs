//! The `accord` binary: parse arguments, run, map errors to documented exit codes.

use std::process::ExitCode;

use accord::error::Exit;
use clap::Parser;

fn main() -> ExitCode {
    // clap's own messages repeat the arguments: they are printed escaped, as everything is.
    let cli = match accord::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let text = err.render().to_string();
            // clap's help and version go to standard output (exit 0), its errors to standard
            // error (exit 2, a usage error).
            if err.use_stderr() {
                accord::output::eprintln(text.trim_end());
                return Exit::Error.into();
            }
            return match accord::output::print(&text) {
                Ok(()) => Exit::Success.into(),
                Err(err) => err.exit().into(),
            };
        }
    };
    // Untrusted PDFs are read by this executable again, as a worker process that limits itself.
    let reader = accord::worker::Reader::Worker(std::env::current_exe().unwrap_or_default());
    match accord::commands::run(cli, &reader) {
        Ok(exit) => exit.into(),
        Err(err) => {
            accord::output::eprintln(&format!("error: {err}"));
            err.exit().into()
        }
    }
}
