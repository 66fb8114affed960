//! `accord verify`: say whether copies match a signed original, which one, and who signed it.
//!
//! The checking is done by [`crate::verify`], which also documents the `--json` shape and
//! words the report for people ([`verify::text`]). Exit 0 only when every file matches with valid signatures by every trusted
//! key, 1 otherwise, 2 for usage, I/O and parse errors.

use super::rebuild;
use crate::chars::json_safe;
use crate::cli::VerifyArgs;
use crate::error::{Error, Result, EXIT_FAILED, EXIT_OK};
use crate::output;
use crate::verify::{self, Request};

/// Runs `accord verify`.
pub fn run(args: &VerifyArgs) -> Result<u8> {
    let mut files = args.files.clone();
    let manifest = match (&args.rebuild, &args.package) {
        (Some(_), Some(dir)) => Some(rebuild::read_manifest(dir)?),
        _ => None,
    };
    if let (Some(manifest), Some(dir), true) = (&manifest, &args.package, files.is_empty()) {
        files = manifest.files.iter().map(|f| dir.join(&f.name)).collect();
    }
    let request = Request {
        files: &files,
        package: args.package.as_deref(),
        keys: &args.keys,
        allowed_signers: args.allowed_signers.as_deref(),
        package_id: args.package_id.as_deref(),
    };
    let mut report = verify::verify(&request)?;
    if let (Some(config), Some(dir), Some(manifest)) = (&args.rebuild, &args.package, &manifest) {
        rebuild::check(&mut report, config, dir, manifest)?;
    }
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|err| Error::usage(format!("cannot encode the report: {err}")))?;
        output::write_stdout(format!("{}\n", json_safe(&json)).as_bytes())?;
    } else {
        output::print(&verify::text(&report))?;
    }
    Ok(if report.ok { EXIT_OK } else { EXIT_FAILED })
}
