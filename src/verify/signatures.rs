//! Checking the signatures of one file: every signature file found for it, each against the
//! key in use with its key id, and what its trusted comment attests.

use super::keys::KnownKey;
use super::report::{MissingKey, SignatureReport, SignatureStatus};
use crate::attestation::Attestation;
use crate::digest::FileDigest;
use crate::error::Result;
use crate::fsio;
use crate::minisign::Signature;
use crate::package::layout::Listing;

/// Largest signature file read (a minisign signature takes about 500 bytes).
const MAX_SIGNATURE_FILE: u64 = 64 << 10;

/// What the trusted comment of a valid signature must say, besides the file's SHA-256.
#[derive(Default, Clone, Copy)]
pub struct Expect<'a> {
    /// The file name the signature must be for.
    pub file: Option<&'a str>,
    /// The package id it must be for.
    pub package: Option<&'a str>,
}

/// The signatures of one file.
pub struct Found {
    /// Every signature file found.
    pub signatures: Vec<SignatureReport>,
    /// Keys in use without a valid signature.
    pub missing: Vec<MissingKey>,
    /// What the first valid accord signature attests.
    pub attestation: Option<Attestation>,
}

impl Found {
    /// Whether some signature is valid.
    pub fn any_valid(&self) -> bool {
        self.signatures.iter().any(|s| s.status == SignatureStatus::Valid)
    }

    /// No invalid signature and no key without a valid one.
    pub fn clean(&self) -> bool {
        self.missing.is_empty()
            && self.signatures.iter().all(|s| s.status != SignatureStatus::Invalid)
    }
}

/// Checks every signature of `file` in `listing` against `digest` with `keys`.
pub fn check(
    listing: &Listing,
    file: &str,
    digest: &FileDigest,
    keys: &[KnownKey],
    expect: Expect<'_>,
) -> Result<Found> {
    let mut signatures = Vec::new();
    let mut attestation = None;
    for name in listing.signatures_of(file) {
        let path = listing.dir.join(&name);
        let bytes = fsio::read_regular(&path, "signature", MAX_SIGNATURE_FILE)?;
        let signature = Signature::parse(&bytes, &path.display().to_string())?;
        let key = keys.iter().find(|k| k.key.key_id == signature.key_id);
        let mut report = SignatureReport {
            file: path.display().to_string(),
            key_id: signature.key_id.to_string(),
            signer: key.and_then(|k| k.name.clone()),
            status: SignatureStatus::UnknownKey,
            reason: None,
        };
        if let Some(key) = key {
            match judge(&signature, key, digest, expect) {
                Ok(found) => {
                    report.status = SignatureStatus::Valid;
                    if let Some(found) = found {
                        report.signer = Some(found.signer.clone());
                        attestation.get_or_insert(found);
                    }
                }
                Err(reason) => {
                    report.status = SignatureStatus::Invalid;
                    report.reason = Some(reason);
                }
            }
        }
        signatures.push(report);
    }
    let missing = keys
        .iter()
        .filter(|k| {
            let id = k.key.key_id.to_string();
            !signatures.iter().any(|s| s.status == SignatureStatus::Valid && s.key_id == id)
        })
        .map(|k| MissingKey {
            key_id: k.key.key_id.to_string(),
            source: k.source.clone(),
            signer: k.name.clone(),
        })
        .collect();
    Ok(Found { signatures, missing, attestation })
}

/// Verifies one signature; a valid one returns its accord trusted comment, if it has one.
fn judge(
    signature: &Signature,
    key: &KnownKey,
    digest: &FileDigest,
    expect: Expect<'_>,
) -> std::result::Result<Option<Attestation>, String> {
    signature.verify(&key.key, &digest.blake2b512).map_err(|invalid| invalid.to_string())?;
    let Some(attestation) = Attestation::parse(&signature.trusted_comment) else {
        return Ok(None);
    };
    if attestation.sha256 != digest.sha256_hex() {
        return Err(format!(
            "its trusted comment names another file (sha256 {})",
            attestation.sha256
        ));
    }
    if let Some(file) = expect.file.filter(|&file| file != attestation.file) {
        return Err(format!("it signs {} as {}, not {file}", attestation.role, attestation.file));
    }
    if let Some(package) = expect.package.filter(|&package| package != attestation.package) {
        return Err(format!("it was made for package {}, not {package}", attestation.package));
    }
    Ok(Some(attestation))
}
