//! `accord serve`: the workbench, a web application on this machine for the sessions of a
//! directory ([`crate::serve`] is the server).

use crate::cli::ServeArgs;
use crate::error::Result;
use crate::serve::{self, Options};

/// Runs `accord serve` until Ctrl-C.
pub fn run(args: &ServeArgs) -> Result<u8> {
    serve::run(Options {
        dir: args.dir.clone(),
        out: args.out.clone(),
        port: args.port,
        open: args.open,
        listen: args.listen,
    })
}
