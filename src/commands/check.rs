//! `accord check`: list every problem keeping a config from being signature-ready.

use crate::catalog::Catalog;
use crate::check;
use crate::cli::CheckArgs;
use crate::config::Loaded;
use crate::error::{Result, EXIT_FAILED, EXIT_OK};
use crate::output;

/// Runs `accord check`: exit 0 only when every config is signature-ready.
pub fn run(args: &CheckArgs) -> Result<u8> {
    let catalog = Catalog::get()?;
    Ok(super::each_config(&args.configs, |path| {
        let problems = check::check(&Loaded::read(path)?, catalog).problems;
        if problems.is_empty() {
            output::println(&format!("{}: signature-ready", path.display()))?;
            return Ok(EXIT_OK);
        }
        for problem in &problems {
            output::println(&problem.to_string())?;
        }
        let count = problems.len();
        output::println(&format!("{}: {count} problem(s); not signature-ready", path.display()))?;
        Ok(EXIT_FAILED)
    }))
}
