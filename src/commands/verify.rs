//! `accord verify`: say whether copies match a signed original, which one, and who signed it.
//!
//! The checking is done by [`crate::verify`], which also documents the `--json` shape and
//! words the report for people ([`verify::text`]). Exit 0 only when every file matches with valid signatures by every trusted
//! key, 1 otherwise, 2 for usage, I/O and parse errors.

use std::path::Path;

use crate::assemble;
use crate::chars::{json_safe, visible, Shown as _};
use crate::cli::VerifyArgs;
use crate::error::{Error, Exit, Result};
use crate::fingerprint::Fingerprint;
use crate::output;
use crate::set::TemplateSet;
use crate::typeset;
use crate::verify::{self, Report, Request};
use crate::worker::Reader;

/// Runs `accord verify`; copies and the package's documents are read by `reader`.
pub fn run(args: &VerifyArgs, reader: &Reader) -> Result<Exit> {
    // Read first, so that a broken set is refused before any work.
    let set = match &args.rebuild {
        Some(_) => Some(TemplateSet::open(args.templates.as_deref())?),
        None => None,
    };
    let fingerprint = match &args.fingerprint {
        Some(text) => Some(
            Fingerprint::parse(text)
                .map_err(|why| Error::usage(format!("--fingerprint {}: {why}", visible(text))))?,
        ),
        None => None,
    };
    let request = Request {
        files: &args.files,
        package: args.package.as_deref(),
        keys: &args.keys,
        allowed_signers: args.allowed_signers.as_deref(),
        package_id: args.package_id.as_deref(),
        fingerprint: fingerprint.as_ref(),
        reader: Some(reader),
    };
    let mut report = verify::verify(&request)?;
    if let (Some(config), Some(dir), Some(set)) = (&args.rebuild, &args.package, &set) {
        rebuild(&mut report, set, config, dir, reader)?;
    }
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|err| Error::internal(format!("cannot encode the report: {err}")))?;
        output::write_stdout(format!("{}\n", json_safe(&json)).as_bytes())?;
    } else {
        output::print(&verify::text(&report))?;
    }
    Ok(if report.ok { Exit::Success } else { Exit::Failed })
}

/// Rebuilds the package in `dir` from `config` with `set` and adds the comparison to
/// `report`, which is then ok only if every document was reproduced. The comparison is with
/// the manifest the verification checked; a package that does not verify is not rebuilt. The
/// package's documents that differ from the rebuilt ones are read by `reader`.
fn rebuild(
    report: &mut Report,
    set: &TemplateSet,
    config: &Path,
    dir: &Path,
    reader: &Reader,
) -> Result<()> {
    let Some(manifest) = report.package.as_ref().and_then(|p| p.manifest.clone()) else {
        report.ok = false;
        let why = format!(
            "{} was not rebuilt from {}: its manifest does not verify, so there is nothing \
             trustworthy to compare with",
            dir.shown(),
            config.shown()
        );
        report.reason = Some(match report.reason.take() {
            Some(reason) => format!("{reason}; {why}"),
            None => why,
        });
        return Ok(());
    };
    typeset::preload();
    let rebuilt = assemble::rebuild(set, config, dir, &manifest, reader)?;
    if !rebuilt.ok {
        report.ok = false;
        let failed = rebuilt.documents.iter().filter(|d| !d.reproduced).count();
        let why = format!("{failed} document(s) not reproduced from {}", config.shown());
        report.reason = Some(match report.reason.take() {
            Some(reason) => format!("{reason}; {why}"),
            None => why,
        });
    }
    report.rebuild = Some(rebuilt);
    Ok(())
}
