//! Verifying copies without a package: each file against the signatures next to it, which
//! say (in their trusted comments) which document, role and package they attest.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::keys::{self, Key};
use super::report::{FileReport, Status};
use super::signatures::{self, Expect};
use super::Findings;
use crate::chars::Shown as _;
use crate::digest::FileDigest;
use crate::error::{Error, Result};
use crate::fsio;
use crate::package::layout::{Listing, SIG_SUFFIX, SSH_SUFFIX};

/// The signatures and keys of one directory.
struct Place {
    listing: Listing,
    keys: Vec<Key>,
    problems: Vec<String>,
}

/// Each file against the signatures next to it, with the `trusted` keys (none: the keys
/// found next to the files, untrusted); `package_id`, when given, is the package the
/// signatures must attest.
pub fn verify(
    files: &[PathBuf],
    trusted: Option<Vec<Key>>,
    package_id: Option<&str>,
) -> Result<Findings> {
    let mut places: BTreeMap<PathBuf, Place> = BTreeMap::new();
    let mut reports = Vec::with_capacity(files.len());
    for path in files {
        let digest = FileDigest::of_file(path)?;
        let name = path.file_name().and_then(|name| name.to_str()).ok_or_else(|| {
            Error::usage(format!(
                "{}: the file name is not UTF-8 text, so accord cannot name its signature \
                 files; rename the file (and its .minisig) or use --package",
                path.shown()
            ))
        })?;
        let place = match places.entry(fsio::parent(path).to_path_buf()) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                let listing = Listing::read(entry.key())?;
                let (keys, problems) = match &trusted {
                    Some(keys) => {
                        let mut keys = keys.clone();
                        keys::name_ids(&mut keys, &keys::labels_in(&listing));
                        (keys, Vec::new())
                    }
                    None => keys::found_in(&listing),
                };
                entry.insert(Place { listing, keys, problems })
            }
        };
        reports.push(check_one(path, name, &digest, place, package_id)?);
    }
    let mut used = trusted.unwrap_or_default();
    for key in places.into_values().flat_map(|place| place.keys) {
        if !used.iter().any(|k| k.ed25519 == key.ed25519) {
            used.push(key);
        }
    }
    Ok(Findings { keys: used, package: None, files: reports })
}

/// The report of the file at `path`, named `name`, against the signatures next to it.
fn check_one(
    path: &Path,
    name: &str,
    digest: &FileDigest,
    place: &mut Place,
    package_id: Option<&str>,
) -> Result<FileReport> {
    let expect = Expect { file: None, package: package_id };
    let found = signatures::check(&place.listing, name, digest, &mut place.keys, expect)?;
    let mut problems = place.problems.clone();
    if place.keys.is_empty() {
        problems.push("no public key to check with (none given, no .pub file next to it)".into());
    }
    if found.signatures.is_empty() {
        problems.push(format!(
            "no signature file ({name}{SIG_SUFFIX} or {name}{SSH_SUFFIX}) next to it"
        ));
    }
    // An OpenSSH signature says nothing of the package: only a signed trusted comment does.
    let attested = found.attestation.as_ref().map(|a| a.package.as_str());
    if let Some(id) = package_id.filter(|&id| attested != Some(id)) {
        problems.push(format!("no valid signature of it says it belongs to package {id}"));
    }
    let status = if found.any_valid() { Status::Match } else { Status::NoMatch };
    let ok = status == Status::Match && found.missing.is_empty() && problems.is_empty();
    let (document, role, package) = match found.attestation {
        Some(a) => (Some(a.file), Some(a.role), Some(a.package)),
        None => (None, None, None),
    };
    Ok(FileReport {
        path: path.display().to_string(),
        sha256: digest.sha256_hex(),
        size: digest.size,
        status,
        ok,
        document,
        role,
        package_id: package,
        signatures: found.signatures,
        missing: found.missing,
        problems,
        closest: None,
    })
}
