//! `accord schema`: the JSON Schema (draft 2020-12) of a session config of the template set,
//! for TOML editors that complete and check a file by its `#:schema` line.

use crate::cli::SchemaArgs;
use crate::error::{Exit, Result};
use crate::output;
use crate::set::TemplateSet;

/// Runs `accord schema`: prints the schema.
pub fn run(args: &SchemaArgs) -> Result<Exit> {
    let set = TemplateSet::open(args.templates.dir.as_deref())?;
    output::print(&set.schema())?;
    Ok(Exit::Success)
}
