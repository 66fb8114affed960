//! `accord init`: a starter config with every placeholder unfilled and each key explained,
//! generated from the template set's declaration, and next to it the JSON Schema its first
//! line names, for editors.

use crate::chars::Shown as _;
use crate::cli::InitArgs;
use crate::error::{Exit, Result};
use crate::fsio;
use crate::output;
use crate::set::{TemplateSet, SCHEMA_FILE};

/// Largest schema file compared with the set's: a schema takes tens of KB.
const MAX_SCHEMA_BYTES: u64 = 4 << 20;

/// Runs `accord init`: writes the starter config (never over an existing file) and its
/// schema (unless a file has that name already), or prints the config.
pub fn run(args: &InitArgs) -> Result<Exit> {
    let set = TemplateSet::open(args.templates.dir.as_deref())?;
    let starter = set.starter();
    let Some(path) = &args.path else {
        output::print(&starter)?;
        return Ok(Exit::Success);
    };
    fsio::write_new(path, starter.as_bytes(), fsio::PUBLIC)?;
    let templates = match set.dir() {
        Some(dir) => format!(" --templates {}", dir.shown()),
        None => String::new(),
    };
    output::println(&format!(
        "wrote {}; fill in every \"xx\", then run: accord check{templates} {}",
        path.shown(),
        path.shown()
    ))?;
    let schema_path = path.with_file_name(SCHEMA_FILE);
    let schema = set.schema();
    if std::fs::symlink_metadata(&schema_path).is_err() {
        fsio::write_new(&schema_path, schema.as_bytes(), fsio::PUBLIC)?;
        output::println(&format!(
            "wrote {}, the JSON Schema its first line names, for editors",
            schema_path.shown()
        ))?;
    } else if fsio::read_regular(&schema_path, "schema", MAX_SCHEMA_BYTES).ok().as_deref()
        != Some(schema.as_bytes())
    {
        output::println(&format!(
            "left {} as it is: it is not this set's schema; to replace it, run: accord \
             schema{templates} > {}",
            schema_path.shown(),
            schema_path.shown()
        ))?;
    }
    Ok(Exit::Success)
}
