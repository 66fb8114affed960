//! Verifying copies without a package: each file against the signatures next to it.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::keys::{self, KnownKey};
use super::report::{FileReport, Status};
use super::signatures::{self, Expect};
use super::Checked;
use crate::digest::FileDigest;
use crate::error::{Error, Result};
use crate::fsio;
use crate::package::layout::{Listing, SIG_SUFFIX};

/// Each file against the signatures next to it, with `trusted` keys (none: the keys found
/// next to the files).
pub fn verify(files: &[PathBuf], trusted: Option<Vec<KnownKey>>) -> Result<Checked> {
    let mut dirs: BTreeMap<PathBuf, (Listing, Vec<KnownKey>)> = BTreeMap::new();
    let mut used = trusted.clone().unwrap_or_default();
    let mut reports = Vec::with_capacity(files.len());
    for path in files {
        let digest = FileDigest::of_file(path)?;
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| Error::usage(format!("{}: not a file name", path.display())))?;
        let (listing, keys) = match dirs.entry(fsio::parent(path).to_path_buf()) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                let listing = Listing::read(entry.key())?;
                let keys = match &trusted {
                    Some(keys) => keys.clone(),
                    None => keys::found_in(&listing)?,
                };
                keys.iter().for_each(|key| keys::push_unique(&mut used, key.clone()));
                entry.insert((listing, keys))
            }
        };
        reports.push(check_one(path, name, &digest, listing, keys)?);
    }
    Ok((used, None, reports))
}

/// The report of the file at `path`, named `name`, against the signatures in `listing`.
fn check_one(
    path: &Path,
    name: &str,
    digest: &FileDigest,
    listing: &Listing,
    keys: &[KnownKey],
) -> Result<FileReport> {
    let found = signatures::check(listing, name, digest, keys, Expect::default())?;
    let mut problems = Vec::new();
    if keys.is_empty() {
        problems.push("no public key to check with (no --key, no .pub file next to it)".into());
    }
    if found.signatures.is_empty() {
        problems.push(format!("no signature file ({name}{SIG_SUFFIX}) next to it"));
    }
    let status = if found.any_valid() { Status::Match } else { Status::NoMatch };
    let ok = status == Status::Match && found.clean() && problems.is_empty();
    let (document, role) = match found.attestation {
        Some(attestation) => (Some(attestation.file), Some(attestation.role)),
        None => (None, None),
    };
    Ok(FileReport {
        path: path.display().to_string(),
        sha256: digest.sha256_hex(),
        size: digest.size,
        status,
        ok,
        document,
        role,
        signatures: found.signatures,
        missing: found.missing,
        problems,
    })
}
