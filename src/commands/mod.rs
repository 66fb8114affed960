//! One module per subcommand, each with a `run` returning its exit kind, and the dispatch.

pub mod build;
pub mod check;
pub mod init;
pub mod keygen;
mod rebuild;
pub mod sign;
pub mod verify;

use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command};
use crate::error::{Exit, Result};
use crate::output;
use crate::worker::{self, Reader};

/// Runs the subcommand of the parsed command line; untrusted PDFs are read by `reader`.
pub fn run(cli: Cli, reader: &Reader) -> Result<Exit> {
    match cli.command {
        Command::Init(args) => init::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args, reader),
        Command::Keygen(args) => keygen::run(&args),
        Command::Sign(args) => sign::run(&args),
        Command::Verify(args) => verify::run(&args, reader),
        Command::ReadPdf => Ok(worker::serve()),
    }
}

/// Runs `one` on every config of `configs`, printing each error as `error: …`, and returns
/// the worst exit code.
fn each_config(configs: &[PathBuf], mut one: impl FnMut(&Path) -> Result<Exit>) -> Exit {
    let mut worst = Exit::Success;
    for path in configs {
        let exit = one(path).unwrap_or_else(|err| {
            output::eprintln(&format!("error: {err}"));
            err.exit()
        });
        worst = worst.max(exit);
    }
    worst
}
