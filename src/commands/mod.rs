//! One module per subcommand, each with a `run` returning its exit kind, and the dispatch.

mod batch;
pub mod build;
pub mod certify;
pub mod check;
pub mod init;
pub mod keygen;
pub mod schema;
pub mod serve;
pub mod sign;
pub mod verify;

use crate::cli::{Cli, Command};
use crate::error::{Exit, Result};
use crate::worker::{self, Reader};

/// Runs the subcommand of the parsed command line; untrusted PDFs are read by `reader`.
pub fn run(cli: Cli, reader: &Reader) -> Result<Exit> {
    match cli.command {
        Command::Init(args) => init::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args, reader),
        Command::Schema(args) => schema::run(&args),
        Command::Keygen(args) => keygen::run(&args),
        Command::Sign(args) => sign::run(&args),
        Command::Certify(args) => certify::run(&args, reader),
        Command::Verify(args) => verify::run(&args, reader),
        Command::Serve(args) => serve::run(&args, reader),
        Command::ReadPdf => Ok(worker::serve()),
    }
}
