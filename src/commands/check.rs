//! `accord check`: list every problem keeping a config from being signature-ready.
//!
//! A config without problems is also typeset, in memory, exactly as `accord build` would:
//! whatever would stop the build (a value wider than its box, say) stops the check too, so
//! "signature-ready" means the build will succeed.

use std::path::Path;

use crate::assemble;
use crate::chars::Shown as _;
use crate::check::{self, Session};
use crate::cli::CheckArgs;
use crate::config::Loaded;
use crate::error::{Error, Exit, Result};
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
        let certified = match &args.certification {
            Some(file) => certification(&set, file, &checked.session)?,
            None => Exit::Success,
        };
        if problems.is_empty() {
            output::println(&format!("{}: signature-ready", path.shown()))?;
            return Ok(certified);
        }
        for problem in &problems {
            output::println(problem)?;
        }
        let count = problems.len();
        output::println(&format!("{}: {count} problem(s); not signature-ready", path.shown()))?;
        Ok(Exit::Failed)
    }))
}

/// Lists every problem of the certification `file` beside `session` (`accord certify`
/// refuses it until there is none).
fn certification(set: &TemplateSet, file: &Path, session: &Session) -> Result<Exit> {
    let Some(fields) = &set.certification_fields else {
        return Err(Error::usage(format!(
            "{} makes no certified copies ([certification] in its catalog)",
            set.describe()
        )));
    };
    let loaded = Loaded::read(file, fields)?;
    let checked = check::check_certification(&loaded, fields, session);
    for problem in &checked.problems {
        output::println(&problem.to_string())?;
    }
    if checked.problems.is_empty() {
        output::println(&format!("{}: ready to certify", file.shown()))?;
        return Ok(Exit::Success);
    }
    let count = checked.problems.len();
    output::println(&format!("{}: {count} problem(s); not ready to certify", file.shown()))?;
    Ok(Exit::Failed)
}
