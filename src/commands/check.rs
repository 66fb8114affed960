//! `accord check`: list every problem keeping a config from being signature-ready.
//!
//! A config without problems is also typeset, in memory, exactly as `accord build` would:
//! whatever would stop the build (a value wider than its box, say) stops the check too, so
//! "signature-ready" means the build will succeed.

use crate::assemble;
use crate::chars::Shown as _;
use crate::check;
use crate::cli::CheckArgs;
use crate::config::Loaded;
use crate::error::{Exit, Result};
use crate::output;
use crate::render::Mode;
use crate::set::TemplateSet;
use crate::typeset;

/// Runs `accord check`: exit 0 only when every config is signature-ready.
pub fn run(args: &CheckArgs) -> Result<Exit> {
    typeset::preload();
    let set = TemplateSet::open(args.templates.dir.as_deref())?;
    Ok(super::batch::each_config(&args.configs, |path| {
        let loaded = Loaded::read(path, &set.fields)?;
        let checked = check::check(&loaded, &set);
        let mut problems: Vec<String> = checked.problems.iter().map(|p| p.to_string()).collect();
        if problems.is_empty() {
            let planned = assemble::plan(&set, &checked.session, Mode::Clean);
            if let Err(err) =
                assemble::documents(&set, &checked.session, &planned, Mode::Clean, None)
            {
                problems.push(err.message);
            }
            // typst's memo cache only grows; keep long runs' memory bounded.
            typst::comemo::evict(10);
        }
        if problems.is_empty() {
            output::println(&format!("{}: signature-ready", path.shown()))?;
            return Ok(Exit::Success);
        }
        for problem in &problems {
            output::println(problem)?;
        }
        let count = problems.len();
        output::println(&format!("{}: {count} problem(s); not signature-ready", path.shown()))?;
        Ok(Exit::Failed)
    }))
}
