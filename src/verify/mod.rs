//! Checking copies against signed documents: the engine behind `accord verify`, and the
//! integrity check `accord sign` runs before co-signing. In small steps: the keys in use
//! ([`keys`]), the package path ([`package`]) or the standalone one ([`standalone`]), the
//! signatures of one file ([`signatures`]), and the report ([`report`]).
//!
//! Signatures are found by name: `FILE.minisig`, `FILE.sshsig` and the co-signers'
//! `FILE.SIGNER.minisig`, `FILE.SIGNER.sshsig`, next to the file or next to the matching
//! document of a package. Only trusted keys (`--key`, `--allowed-signers`) make a verification
//! pass: without them, the `*.pub` and `allowed_signers` files found next to the file or in
//! the package are used to say what was found, and the report is never ok. Keys are whole
//! Ed25519 keys, never key ids alone. Every key in use must have a valid signature (of either
//! kind) on every file; any other signature file is reported and not counted.
//!
//! With a package, the copy is matched by SHA-256 against `manifest.json`, and only after the
//! manifest's own signatures verify and `SHA256SUMS` agrees with it: a package without a
//! signed manifest never verifies. Every signature must be of the signing the manifest is
//! (its trusted comment names the package's fingerprint); `--fingerprint` names the signing
//! the copies must be documents of, with a package or without. A copy that is no document of
//! the package is explained ([`diagnose`]): the closest document, and whether it was re-saved
//! (same words and same looks), where its text or its pages differ, or that it is a signed
//! document with later revisions. Every PDF read for that is read by a [`crate::worker`]
//! process that limits itself; a copy it cannot read within its limits is NO MATCH, said
//! plainly. Malformed needed files (keys, the signer's own signature, the manifest) and I/O
//! errors are errors (exit 2); everything else ends up in the [`Report`], whose `ok` decides
//! between exit 0 and 1.
//!
//! The report serializes to the stable JSON of `accord verify --json` (fields are only ever
//! added):
//!
//! ```json
//! {
//!   "format": "accord-verify/1",
//!   "ok": false,
//!   "keys_trusted": true,
//!   "reason": "1 of 1 file(s) do not verify",     // null when ok
//!   "keys": [{ "key_id": "647A1C9EF8A079CB", "public_key": "RW…",
//!              "ssh_public_key": "ssh-ed25519 AAAA…", "signer": "alice",
//!              "principals": null,                // an allowed_signers key's: ["alice"]
//!              "source": "alice.pub" }],
//!   "package": {                                  // null without --package
//!     "dir": "out/un-iom-2016", "id": "un-iom-2016", "ok": true,
//!     "fingerprint": "c442-5669-…", "supersedes": ["…"],
//!     "signatures": [SIGNATURE…], "missing": [MISSING…],
//!     "sha256sums_signatures": [SIGNATURE…], "problems": ["…"]
//!   },
//!   "files": [{
//!     "path": "copy.pdf", "sha256": "<64 hex>", "size": 12345,
//!     "status": "no_match",                       // or "match", or "unverified" (package bad)
//!     "ok": false,
//!     "document": null, "role": null,             // the document it is, when it matches
//!     "package_id": "un-iom-2016",
//!     "fingerprint": "c442-5669-…",               // the signing it is a document of
//!     "other_signing": {                          // null unless it is a genuine document of
//!       "document": "…", "role": "…",             // another signing or package
//!       "package_id": "un-iom-2016", "fingerprint": "…",
//!       "superseded_by": "…"                      // this package's, when it supersedes it
//!     },
//!     "signatures": [{ "file": "out/…/agreement-original-2.pdf.minisig", "kind": "minisign",
//!                      "key_id": "647A1C9EF8A079CB", "public_key": "RW…", "signer": "alice",
//!                      "status": "valid",         // invalid, unknown_key, malformed, other_file,
//!                                                 // wrong_principal
//!                      "reason": null, "trusted_comment": "accord file=… signer=alice" }],
//!     "missing": [{ "key_id": "…", "source": "carol.pub", "signer": "carol" }],
//!     "problems": ["…"],
//!     "closest": {                                // null unless it is no document but close
//!       "document": "agreement-original-1.pdf", "role": "agreement, original 1 of 2",
//!       "same_text": false,
//!       "differences": [{ "where": "Article 2, paragraph 1",
//!                         "before": "an organization with a global",
//!                         "after": "an organization with a crucial global" }],
//!       "more_differences": 0, "damaged_text_layer": null, "observations": [],
//!       "pages": { "signed": 6, "copy": 6 },
//!       "looks_different": [{ "page": 1, "where": "between 7.2 and 9.0 cm from the top" }],
//!       "added": ["2 annotations (Text) on page 1"],  // annotations, form fields
//!       "later_revisions": null   // or { "signed_bytes": 70768, "revisions": 1,
//!                                 //      "adds": ["a PDF signature by CN=…"] }
//!     },
//!     "certifies": {                              // null unless a certified true copy
//!       "original": "agreement-original-1.pdf", "original_sha256": "<64 hex>",
//!       "package_id": "un-iom-2016", "fingerprint": "…",
//!       "certifier": "…", "date": "2016-10-03",
//!       "original_text": {                        // null without --original
//!         "package": "out/un-iom-2016", "verified": true, "same_text": true,
//!         "differences": [DIFFERENCE…], "more_differences": 0, "problem": null }
//!     }
//!   }],
//!   "rebuild": {                                  // null without --rebuild
//!     "config": "config/un-iom-2016.toml", "ok": true, "inputs": [],
//!     "documents": [{ "document": "…", "role": "…", "reproduced": true, "reason": null,
//!                     "differences": [], "more_differences": 0 }]
//!   },
//!   "expected_fingerprint": null                  // --fingerprint, written as accord writes it
//! }
//! ```

mod diagnose;
mod findings;
mod keys;
mod original;
mod package;
mod report;
mod signatures;
mod standalone;
mod text;

use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;

pub use keys::Key;
pub use original::check as check_original;
pub use report::{
    CertifiedCopy, Closest, Difference, FileReport, KeyInfo, LaterRevisions, MissingKey,
    OriginalText, OtherSigning, PackageReport, PageCount, PageDifference, RebuildReport,
    RebuiltDocument, Report, SignatureKind, SignatureReport, SignatureStatus, Status, FORMAT,
};

pub use diagnose::{drift, explain, read_signed, word_diff, SignedDocument, MAX_PDF};
pub use package::BEYOND_LIMITS;
pub use text::text;

use crate::error::Result;
use crate::fingerprint::Fingerprint;
use crate::package::VerifiedPackage;
use crate::worker::Reader;
use findings::Findings;

/// What to verify, and with which keys.
#[derive(Debug, Default)]
pub struct Request<'a> {
    /// The copies to check.
    pub files: &'a [PathBuf],
    /// The package to match them against (else the signatures next to each file).
    pub package: Option<&'a Path>,
    /// Trusted public keys: `.pub` files or one-line `RW…` keys.
    pub keys: &'a [String],
    /// An `allowed_signers` file of trusted keys.
    pub allowed_signers: Option<&'a Path>,
    /// The package the copies must belong to.
    pub package_id: Option<&'a str>,
    /// The signing the copies must be documents of (its fingerprint).
    pub fingerprint: Option<&'a Fingerprint>,
    /// How untrusted PDFs are read (copies to explain, the package's documents); without it,
    /// a copy that is no document of the package is not explained.
    pub reader: Option<&'a Reader>,
}

impl Request<'_> {
    /// The trusted keys, or `None` when none is given.
    fn trusted(&self) -> Result<Option<Vec<Key>>> {
        if self.keys.is_empty() && self.allowed_signers.is_none() {
            return Ok(None);
        }
        keys::trusted(self.keys, self.allowed_signers).map(Some)
    }
}

/// Checks the copies of `request`.
pub fn verify(request: &Request<'_>) -> Result<Report> {
    let trusted = request.trusted()?;
    let copies: Vec<&Path> = request.files.iter().map(PathBuf::as_path).collect();
    let inside = inside(trusted.as_deref(), request.package, &copies);
    let keys_given = trusted.is_some();
    let keys_trusted = keys_given && inside.is_none();
    let mut findings = match request.package {
        Some(dir) => {
            package::verify(request.files, dir, trusted, request.fingerprint, request.reader)?
        }
        None => {
            let attested = standalone::Attested {
                package_id: request.package_id,
                fingerprint: request.fingerprint,
            };
            standalone::verify(request.files, trusted, attested)?
        }
    };
    if let (Some(id), Some(package)) = (request.package_id, findings.package.as_mut()) {
        if package.id.as_deref().is_some_and(|found| found != id) {
            package.problems.push(format!(
                "it is package {}, not {id}",
                package.id.as_deref().unwrap_or_default()
            ));
            package.ok = false;
            findings.files.iter_mut().for_each(|file| file.ok = false);
        }
    }
    let mut report = report(findings, keys_trusted, request.package.is_some());
    report.keys_given = keys_given;
    report.expected_fingerprint = request.fingerprint.map(Fingerprint::to_string);
    if inside.is_some() {
        report.reason = inside;
    }
    Ok(report)
}

/// Why the trusted keys are not trusted after all: one of them was read from a file in the
/// `package` or next to one of the `copies`, which came with what it is to check.
fn inside(trusted: Option<&[Key]>, package: Option<&Path>, copies: &[&Path]) -> Option<String> {
    let key = keys::from_inside(trusted?, package, copies)?;
    Some(format!(
        "the trusted key file {} lies with what it is to check (in the package, or next to the \
         copy), where whoever sent them could have replaced it; pass the key the signer \
         published instead: its one-line RW… or ssh-ed25519 form, or a file kept elsewhere",
        key.file.as_deref().map(crate::chars::Shown::shown).unwrap_or_default()
    ))
}

/// Checks every document of the package in `dir` in place with the trusted keys of
/// `request`, as `accord sign` does before co-signing with the key `own` (whose files in the
/// package, left by an interrupted run, are its own); returns the report, the keys that
/// signed everything, and what was verified when it verifies.
pub fn verify_whole(
    dir: &Path,
    request: &Request<'_>,
    own: &VerifyingKey,
) -> Result<(Report, Vec<VerifyingKey>, Option<VerifiedPackage>)> {
    let trusted = request.trusted()?;
    let inside = inside(trusted.as_deref(), Some(dir), &[]);
    let keys_trusted = trusted.is_some() && inside.is_none();
    let (findings, sealed) = package::whole(dir, trusted.clone(), own)?;
    let signed_by = findings.keys.iter().map(|k| k.ed25519).collect();
    let mut report = report(findings, keys_trusted, true);
    report.keys_given = trusted.is_some();
    if inside.is_some() {
        report.reason = inside;
    }
    let sealed = sealed.filter(|_| report.ok);
    Ok((report, signed_by, sealed))
}

fn report(
    Findings { keys: used, package, mut files }: Findings,
    keys_trusted: bool,
    packaged: bool,
) -> Report {
    if !keys_trusted {
        files.iter_mut().for_each(|file| file.ok = false);
    }
    let failed = files.iter().filter(|file| !file.ok).count();
    let package_ok = package.as_ref().is_none_or(|package| package.ok);
    let ok = keys_trusted && !files.is_empty() && failed == 0 && package_ok;
    let reason = if ok {
        None
    } else if !keys_trusted {
        let place = if packaged { "in the package" } else { "next to the files" };
        Some(format!(
            "no trusted key: the public keys used were found {place}, where anyone could have \
             replaced them; compare them with the keys the signers published and pass those \
             with --key or --allowed-signers"
        ))
    } else if !package_ok {
        Some("the package does not verify".to_string())
    } else if files.is_empty() {
        Some("no file to check".to_string())
    } else {
        Some(format!("{failed} of {} file(s) do not verify", files.len()))
    };
    let keys = used.iter().map(KeyInfo::of).collect();
    Report {
        format: FORMAT,
        ok,
        keys_trusted,
        keys_given: keys_trusted,
        reason,
        keys,
        package,
        files,
        rebuild: None,
        expected_fingerprint: None,
    }
}
