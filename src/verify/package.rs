//! Verifying copies against a package: the package's own state first (its manifest and the
//! manifest's signatures), then each copy, matched to a document by SHA-256.

use std::path::{Path, PathBuf};

use super::keys::{self, KnownKey};
use super::report::{FileReport, MissingKey, PackageReport, Status};
use super::signatures::{self, Expect};
use super::Checked;
use crate::digest::FileDigest;
use crate::error::Result;
use crate::fsio;
use crate::manifest::{self, Manifest};
use crate::package::layout::{self, Listing, SIG_SUFFIX};
use crate::package::Sealed;

/// Largest manifest read: a manifest of a package takes a few KB.
const MAX_MANIFEST: u64 = 1 << 20;

/// A package opened for verification: its listing, the keys in use, and its manifest if it
/// verifies.
struct Opened {
    listing: Listing,
    keys: Vec<KnownKey>,
    report: PackageReport,
    manifest: Option<(Manifest, FileDigest)>,
}

/// Each file against the documents of the package in `dir`.
pub fn verify(files: &[PathBuf], dir: &Path, trusted: Option<Vec<KnownKey>>) -> Result<Checked> {
    let opened = open(dir, trusted)?;
    let mut reports = Vec::with_capacity(files.len());
    for path in files {
        let digest = FileDigest::of_file(path)?;
        reports.push(match_copy(&opened, path.display().to_string(), &digest)?);
    }
    Ok((opened.keys, Some(opened.report), reports))
}

/// Every document of the package in `dir` in place, for co-signing: the report, and what was
/// verified when the manifest verifies.
pub fn whole(dir: &Path, trusted: Option<Vec<KnownKey>>) -> Result<(Checked, Option<Sealed>)> {
    let mut opened = open(dir, trusted)?;
    let Some((manifest, manifest_digest)) = opened.manifest.clone() else {
        return Ok(((opened.keys, Some(opened.report), Vec::new()), None));
    };
    let mut reports = Vec::with_capacity(manifest.files.len());
    let mut documents = Vec::with_capacity(manifest.files.len());
    for entry in &manifest.files {
        if !opened.listing.contains(&entry.name) {
            opened.report.problems.push(format!("{} is missing", entry.name));
            continue;
        }
        let path = dir.join(&entry.name);
        let digest = FileDigest::of_file(&path)?;
        if digest.sha256_hex() != entry.sha256 {
            opened.report.problems.push(format!(
                "{} no longer matches {} (sha256 {}, expected {})",
                entry.name,
                manifest::FILE_NAME,
                digest.sha256_hex(),
                entry.sha256
            ));
        }
        reports.push(match_copy(&opened, path.display().to_string(), &digest)?);
        documents.push(digest);
    }
    opened.report.ok = opened.report.ok && opened.report.problems.is_empty();
    let sealed = Sealed { manifest, manifest_digest, documents };
    Ok(((opened.keys, Some(opened.report), reports), Some(sealed)))
}

/// Reads the package in `dir` and checks its manifest with `trusted` (none: its own keys).
fn open(dir: &Path, trusted: Option<Vec<KnownKey>>) -> Result<Opened> {
    let listing = Listing::read(dir)?;
    let untrusted = trusted.is_none();
    let keys = match trusted {
        Some(keys) => keys,
        None => keys::found_in(&listing)?,
    };
    let mut report = PackageReport {
        dir: dir.display().to_string(),
        id: None,
        ok: false,
        signatures: Vec::new(),
        missing: Vec::new(),
        problems: Vec::new(),
    };
    if keys.is_empty() {
        report.problems.push("no public key to check with (no --key, no .pub file in it)".into());
    }
    if layout::is_staging(dir) {
        report.problems.push(
            "this is the staging directory of an unfinished accord build, not a published \
             package"
                .into(),
        );
    }
    let manifest = if listing.contains(manifest::FILE_NAME) {
        Some(check_manifest(&listing, &keys, untrusted, &mut report)?)
    } else {
        report.problems.push(format!("incomplete package: no {}", manifest::FILE_NAME));
        None
    };
    report.ok = report.ok && report.problems.is_empty() && report.missing.is_empty();
    let manifest = manifest.filter(|_| report.ok);
    Ok(Opened { listing, keys, report, manifest })
}

/// Reads `manifest.json` and checks its signatures into `report`.
fn check_manifest(
    listing: &Listing,
    keys: &[KnownKey],
    untrusted: bool,
    report: &mut PackageReport,
) -> Result<(Manifest, FileDigest)> {
    let path = listing.dir.join(manifest::FILE_NAME);
    let bytes = fsio::read_regular(&path, "manifest", MAX_MANIFEST)?;
    let manifest = Manifest::parse(&bytes, &path)?;
    let digest = FileDigest::of_bytes(&bytes);
    let expect = Expect { file: Some(manifest::FILE_NAME), package: Some(&manifest.package) };
    let found = signatures::check(listing, manifest::FILE_NAME, &digest, keys, expect)?;
    if found.signatures.is_empty() {
        report.problems.push(format!(
            "incomplete package: {0} is not signed (no {0}{SIG_SUFFIX})",
            manifest::FILE_NAME
        ));
    }
    report.ok = found.clean() && found.any_valid();
    report.signatures = found.signatures;
    report.missing = found.missing;
    if untrusted {
        // A signer the manifest names must not vanish with its key file.
        for signer in &manifest.signers {
            if !keys.iter().any(|k| k.key.key_id.to_string() == signer.key_id) {
                report.missing.push(MissingKey {
                    key_id: signer.key_id.clone(),
                    source: format!("{} named in {}", signer.public_key_file, manifest::FILE_NAME),
                    signer: Some(signer.name.clone()),
                });
            }
        }
    }
    report.id = Some(manifest.package.clone());
    Ok((manifest, digest))
}

/// The report of one copy with digest `digest`, matched against the opened package.
fn match_copy(opened: &Opened, path: String, digest: &FileDigest) -> Result<FileReport> {
    let sha256 = digest.sha256_hex();
    let mut report = FileReport {
        path,
        sha256: sha256.clone(),
        size: digest.size,
        status: Status::Unverified,
        ok: false,
        document: None,
        role: None,
        signatures: Vec::new(),
        missing: Vec::new(),
        problems: Vec::new(),
    };
    let Some((manifest, _)) = &opened.manifest else {
        report.problems.push("the package does not verify".into());
        return Ok(report);
    };
    let Some(entry) = manifest.file_by_sha256(&sha256) else {
        report.status = Status::NoMatch;
        report
            .problems
            .push(format!("not identical to any document of package {}", manifest.package));
        return Ok(report);
    };
    let expect = Expect { file: Some(&entry.name), package: Some(&manifest.package) };
    let found = signatures::check(&opened.listing, &entry.name, digest, &opened.keys, expect)?;
    if found.signatures.is_empty() {
        report.problems.push(format!("{} has no signature in the package", entry.name));
    }
    report.status = Status::Match;
    report.ok = found.clean() && found.any_valid() && report.problems.is_empty();
    report.document = Some(entry.name.clone());
    report.role = Some(entry.role.clone());
    report.signatures = found.signatures;
    report.missing = found.missing;
    Ok(report)
}
