//! `accord verify`: say whether copies match a signed original, which one, and who signed it.
//!
//! The checking is done by [`crate::verify`], which also documents the `--json` shape and
//! words the report for people ([`verify::text`]). Exit 0 only when every file matches with valid signatures by every trusted
//! key, 1 otherwise, 2 for usage, I/O and parse errors.

use crate::assemble;
use crate::chars::{json_safe, visible};
use crate::cli::VerifyArgs;
use crate::error::{Error, Exit, Result};
use crate::fingerprint::Fingerprint;
use crate::output;
use crate::set::TemplateSet;
use crate::typeset;
use crate::verify::{self, Request};
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
        typeset::preload();
        assemble::rebuild_into(&mut report, set, config, dir, reader)?;
    }
    if let Some(dir) = &args.original {
        let request = Request {
            package: Some(dir),
            keys: &args.original_keys,
            allowed_signers: args.original_allowed_signers.as_deref(),
            reader: Some(reader),
            ..Request::default()
        };
        let signed = verify::verify(&request)?;
        verify::check_original(&mut report, &args.files, dir, &signed, reader);
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
