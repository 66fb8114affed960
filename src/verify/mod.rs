//! Checking copies against signed documents: the engine behind `accord verify`, and the
//! integrity check `accord sign` runs before co-signing. In small steps: the keys in use
//! ([`keys`]), the package path ([`package`]) or the standalone one ([`standalone`]), the
//! signatures of one file ([`signatures`]), and the report ([`report`]).
//!
//! Signatures are found by name (`FILE.minisig` and `FILE.SIGNER.minisig` next to the file, or
//! next to the matching document of a package) and matched to keys by key id. Keys passed with
//! `--key` are trusted; without them the `*.pub` files found next to the file or in the package
//! are used, and the report says they are untrusted. Every key in use must have a valid
//! signature on every file; a signature by a key not in use is reported but not counted.
//!
//! With a package, the copy is matched by SHA-256 against `manifest.json`, and only after the
//! manifest's own signatures verify: a package without a signed manifest never verifies.
//! Malformed files (keys, signatures, manifest) and I/O errors are errors (exit 2); everything
//! else ends up in the [`Report`], whose `ok` decides between exit 0 and 1.
//!
//! The report serializes to the stable JSON of `accord verify --json`:
//!
//! ```json
//! {
//!   "format": "accord-verify/1",
//!   "ok": false,
//!   "keys_trusted": true,
//!   "keys": [{ "key_id": "647A1C9EF8A079CB", "public_key": "RW…", "source": "alice.pub" }],
//!   "package": {                                  // null without --package
//!     "dir": "out/un-iom-2016", "id": "un-iom-2016", "ok": true,
//!     "signatures": [SIGNATURE…], "missing": [MISSING…], "problems": ["…"]
//!   },
//!   "files": [{
//!     "path": "copy.pdf", "sha256": "<64 hex>", "size": 12345,
//!     "status": "match",                          // or "no_match", or "unverified" (package bad)
//!     "ok": false,
//!     "document": "agreement-original-2.pdf",     // or null
//!     "role": "agreement, original 2 of 2",       // or null
//!     "signatures": [{ "file": "out/…/agreement-original-2.pdf.minisig",
//!                      "key_id": "647A1C9EF8A079CB", "signer": "Alice",   // signer may be null
//!                      "status": "valid",         // or "invalid", or "unknown_key"
//!                      "reason": null }],         // why invalid
//!     "missing": [{ "key_id": "…", "source": "carol.pub", "signer": "carol" }],
//!     "problems": ["…"]
//!   }]
//! }
//! ```

mod keys;
mod package;
mod report;
mod signatures;
mod standalone;

use std::path::{Path, PathBuf};

pub use report::{
    FileReport, KeyInfo, MissingKey, PackageReport, Report, SignatureReport, SignatureStatus,
    Status, FORMAT,
};

use crate::error::Result;
use crate::minisign::PublicKey;
use crate::package::Sealed;
use keys::KnownKey;

/// The keys in use, the package's report (with `--package`), and each file's report.
type Checked = (Vec<KnownKey>, Option<PackageReport>, Vec<FileReport>);

/// Checks `files`, against the package in `package` if given, with the `--key` values `keys`
/// (none: the untrusted keys found next to the files or in the package).
pub fn verify(files: &[PathBuf], package: Option<&Path>, keys: &[String]) -> Result<Report> {
    let trusted = (!keys.is_empty()).then(|| keys::trusted(keys)).transpose()?;
    let keys_trusted = trusted.is_some();
    let checked = match package {
        Some(dir) => package::verify(files, dir, trusted)?,
        None => standalone::verify(files, trusted)?,
    };
    Ok(report(checked, keys_trusted))
}

/// Checks every document of the package in `dir` in place, as `accord sign` does before
/// co-signing; returns the report, the keys that signed, and what was verified.
pub fn verify_whole(
    dir: &Path,
    keys: &[String],
) -> Result<(Report, Vec<PublicKey>, Option<Sealed>)> {
    let trusted = (!keys.is_empty()).then(|| keys::trusted(keys)).transpose()?;
    let keys_trusted = trusted.is_some();
    let (checked, sealed) = package::whole(dir, trusted)?;
    let signed_by = checked.0.iter().map(|k| k.key.clone()).collect();
    let report = report(checked, keys_trusted);
    let sealed = sealed.filter(|_| report.ok);
    Ok((report, signed_by, sealed))
}

fn report((used, package, files): Checked, keys_trusted: bool) -> Report {
    let ok = !files.is_empty()
        && files.iter().all(|file| file.ok)
        && package.as_ref().is_none_or(|package| package.ok);
    let keys = used
        .iter()
        .map(|k| KeyInfo {
            key_id: k.key.key_id.to_string(),
            public_key: k.key.to_base64(),
            source: k.source.clone(),
        })
        .collect();
    Report { format: FORMAT, ok, keys_trusted, keys, package, files }
}
