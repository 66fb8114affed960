//! `accord check`: list every problem keeping a config from being signature-ready.

use crate::catalog::Catalog;
use crate::check;
use crate::cli::CheckArgs;
use crate::config::Loaded;
use crate::error::{Result, EXIT_FAILED, EXIT_OK};

/// Runs `accord check`: exit 0 only when every config is signature-ready.
pub fn run(args: &CheckArgs) -> Result<u8> {
    let catalog = Catalog::get()?;
    Ok(super::each_config(&args.configs, |path| {
        let problems = check::check(&Loaded::read(path)?, catalog).problems;
        if problems.is_empty() {
            println!("{}: signature-ready", path.display());
            return Ok(EXIT_OK);
        }
        for problem in &problems {
            println!("{problem}");
        }
        println!("{}: {} problem(s); not signature-ready", path.display(), problems.len());
        Ok(EXIT_FAILED)
    }))
}
