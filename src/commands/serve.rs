//! `accord serve`: the workbench, a web application on this machine for the sessions of a
//! directory ([`crate::serve`] is the server).

use crate::cli::ServeArgs;
use crate::error::{Exit, Result};
use std::sync::Arc;

use crate::serve::{self, Options};
use crate::set::TemplateSet;
use crate::worker::Reader;

/// Runs `accord serve` until Ctrl-C; the copies it is given to check are read by `reader`.
pub fn run(args: &ServeArgs, reader: &Reader) -> Result<Exit> {
    let set = TemplateSet::open(args.templates.dir.as_deref())?;
    serve::run(Options {
        set: Arc::new(set.into_owned()),
        dir: args.configs.clone(),
        out: args.out.clone(),
        port: args.port,
        open: args.open,
        listen: args.listen,
        reader: reader.clone(),
    })
}
