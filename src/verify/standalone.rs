//! Verifying copies without a package: each file against the signatures next to it, which
//! say (in their trusted comments) which document, role, package and signing (fingerprint)
//! they attest. With `--fingerprint`, a signature of any other signing is not counted, and the
//! copy is said to be a document of that other signing.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::findings::Findings;
use super::keys::{self, Key};
use super::report::{CertifiedCopy, FileReport, OtherSigning, Status};
use super::signatures::{self, Expect, Signing};
use crate::chars::Shown as _;
use crate::digest::FileDigest;
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::package::layout::{Listing, SIG_SUFFIX, SSH_SUFFIX};

/// The signatures and keys of one directory.
struct Place {
    listing: Listing,
    keys: Vec<Key>,
    problems: Vec<String>,
}

/// What the signatures of a copy must attest: the package (`--package-id`) and the signing
/// (`--fingerprint`).
#[derive(Default, Clone, Copy)]
pub struct Attested<'a> {
    /// The package id.
    pub package_id: Option<&'a str>,
    /// The package's fingerprint.
    pub fingerprint: Option<&'a Fingerprint>,
}

/// Each file against the signatures next to it, with the `trusted` keys (none: the keys
/// found next to the files, untrusted); the signatures must attest what `attested` says.
pub fn verify(
    files: &[PathBuf],
    trusted: Option<Vec<Key>>,
    attested: Attested<'_>,
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
        reports.push(check_one(path, name, &digest, place, attested)?);
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
    attested: Attested<'_>,
) -> Result<FileReport> {
    let Attested { package_id, fingerprint } = attested;
    let expect = Expect {
        package: package_id,
        signing: fingerprint.map_or(Signing::Any, Signing::Named),
        ..Expect::default()
    };
    let found = signatures::check(&place.listing, name, digest, &mut place.keys, expect)?;
    let any_valid = found.any_valid();
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
    let valid = found.attestation.as_ref();
    let wrong_package = package_id.filter(|&id| valid.map(|a| a.package.as_str()) != Some(id));
    if let Some(id) = wrong_package {
        problems.push(format!("no valid signature of it says it belongs to package {id}"));
    }
    let signing = valid.and_then(|a| a.fingerprint.as_ref());
    let wrong_signing = fingerprint.filter(|&f| signing != Some(f));
    // A signature without a fingerprint (older than them) says no other signing: only that it
    // names none.
    let other_signing = match found.other {
        Some(other)
            if wrong_package.is_some()
                || (wrong_signing.is_some() && other.fingerprint.is_some()) =>
        {
            Some(OtherSigning {
                document: other.file,
                role: other.role,
                package_id: other.package,
                fingerprint: other.fingerprint.as_ref().map(Fingerprint::to_string),
                superseded_by: None,
            })
        }
        _ => None,
    };
    if let (Some(expected), None) = (wrong_signing, &other_signing) {
        problems.push(format!(
            "no valid signature of it says it belongs to the signing with fingerprint {expected}"
        ));
    }
    let status = match any_valid && other_signing.is_none() && wrong_signing.is_none() {
        true => Status::Match,
        false => Status::NoMatch,
    };
    let ok = status == Status::Match && found.missing.is_empty() && problems.is_empty();
    let fingerprint = match &other_signing {
        Some(other) => other.fingerprint.clone(),
        None => signing.map(Fingerprint::to_string),
    };
    let certifies =
        found.attestation.as_ref().and_then(|a| a.certifies.as_ref()).map(|c| CertifiedCopy {
            original: c.file.clone(),
            original_sha256: c.sha256.clone(),
            package_id: c.package.clone(),
            fingerprint: c.fingerprint.to_string(),
            certifier: c.certifier.clone(),
            date: c.date.clone(),
            original_text: None,
        });
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
        fingerprint,
        other_signing,
        signatures: found.signatures,
        missing: found.missing,
        problems,
        closest: None,
        certifies,
    })
}
