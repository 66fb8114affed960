//! Checking the signatures of one file: every minisign and OpenSSH signature file found for
//! it, each against the keys in use, and what its trusted comment attests.
//!
//! Only a valid signature by a key in use counts. A signature file that cannot be read or
//! parsed, that is intact but signs another file (or these bytes for another package or
//! signing), or that was made by a key not in use is reported and not counted: a junk file
//! next to a genuine copy cannot make it fail, and nothing but the keys in use can make it
//! pass.
//!
//! A key read from an `allowed_signers` file may sign only as the principals its lines name,
//! as `ssh-keygen -Y verify -I SIGNER` checks: a signature by it counts only when the signer
//! the package names for it (the signer of its trusted comment, of the key's minisign
//! signature of the same file, or of the manifest) is one of them.

use std::path::Path;

use ed25519_dalek::VerifyingKey;

use super::keys::Key;
use super::report::{MissingKey, SignatureKind, SignatureReport, SignatureStatus};
use crate::attestation::Attestation;
use crate::chars::Shown as _;
use crate::digest::FileDigest;
use crate::error::Result;
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::minisign::{Invalid, Signature};
use crate::package::layout::{
    signature_file_name, ssh_signature_file_name, Listing, SIG_SUFFIX, SSH_NAMESPACE, SSH_SUFFIX,
};
use crate::sshsig::{FileHashes, SshPublicKey, SshSignature};

/// Largest signature file read (a minisign signature takes about 500 bytes, an SSH one 300).
pub const MAX_SIGNATURE_FILE: u64 = 64 << 10;

/// What the trusted comment of a valid signature must say, besides the file's SHA-256.
#[derive(Default, Clone, Copy)]
pub struct Expect<'a> {
    /// The file name the signature must be for.
    pub file: Option<&'a str>,
    /// The package id it must be for.
    pub package: Option<&'a str>,
    /// The signing it must be of.
    pub signing: Signing<'a>,
    /// The signer names the package's manifest gives keys.
    pub names: &'a [(VerifyingKey, String)],
}

/// The signing (package fingerprint) a signature must be of.
#[derive(Default, Clone, Copy)]
pub enum Signing<'a> {
    /// Any.
    #[default]
    Any,
    /// The package's: a comment that names another fingerprint is another signing's; one
    /// that names none (made before accord wrote fingerprints) is taken as the package's,
    /// whose manifest lists the file.
    Package(&'a Fingerprint),
    /// This one, named in the comment (`--fingerprint`).
    Named(&'a Fingerprint),
}

/// The signatures of one file.
pub struct Found {
    /// Every signature file found.
    pub signatures: Vec<SignatureReport>,
    /// Keys in use without a valid signature.
    pub missing: Vec<MissingKey>,
    /// What the first valid accord signature attests.
    pub attestation: Option<Attestation>,
    /// What the first intact signature of these very bytes that is not counted attests: for
    /// another file name, package or signing than expected.
    pub other: Option<Attestation>,
}

impl Found {
    /// Whether some signature is valid.
    pub fn any_valid(&self) -> bool {
        self.signatures.iter().any(|s| s.status == SignatureStatus::Valid)
    }
}

/// Checks every signature of `file` in `listing` against `digest` with `keys`; a key id
/// learnt from a valid minisign signature is recorded in `keys`.
pub fn check(
    listing: &Listing,
    file: &str,
    digest: &FileDigest,
    keys: &mut [Key],
    expect: Expect<'_>,
) -> Result<Found> {
    let mut judged = Vec::new();
    let minisigs =
        listing.signatures_of(file, SIG_SUFFIX).into_iter().map(|n| (n, SignatureKind::Minisign));
    let sshsigs =
        listing.signatures_of(file, SSH_SUFFIX).into_iter().map(|n| (n, SignatureKind::Ssh));
    for (name, kind) in minisigs.chain(sshsigs) {
        let path = listing.dir.join(&name);
        let mut report = SignatureReport::new(path.display().to_string(), kind);
        // The signer's own FILE.minisig (or .sshsig) is needed: broken, it is an error. Any
        // other signature file next to it is reported and not counted.
        let primary =
            name == signature_file_name(file, None) || name == ssh_signature_file_name(file, None);
        let attested = match (Parsed::read(&path, kind), primary) {
            (Err(err), true) => return Err(err),
            (Err(err), false) => {
                report.set(SignatureStatus::Malformed, err.message);
                None
            }
            (Ok(Parsed::Minisign(signature)), _) => {
                minisign(&signature, &mut report, SignedFile { file, digest, expect }, keys)
            }
            (Ok(Parsed::Ssh(signature)), _) => {
                ssh_signature(&signature, &mut report, digest, keys);
                None
            }
        };
        judged.push((report, attested));
    }
    allow_principals(&mut judged, keys, expect.names);
    let first = |status| {
        judged.iter().find(|(r, a)| r.status == status && a.is_some()).and_then(|(_, a)| a.clone())
    };
    let (attestation, other) = (first(SignatureStatus::Valid), first(SignatureStatus::OtherFile));
    let signatures: Vec<SignatureReport> = judged.into_iter().map(|(report, _)| report).collect();
    let missing = keys
        .iter()
        .filter(|k| {
            let key = Some(k.ed25519.to_bytes());
            !signatures.iter().any(|s| s.status == SignatureStatus::Valid && s.signed_with == key)
        })
        .map(MissingKey::of)
        .collect();
    Ok(Found { signatures, missing, attestation, other })
}

/// Stops counting the signatures of these bytes by a key that an `allowed_signers` file
/// allows only for other principals than the signer the package names for it: its trusted
/// comment's, else that of a valid minisign signature by the key in `judged`, else the
/// manifest's (`names`).
fn allow_principals(
    judged: &mut [(SignatureReport, Option<Attestation>)],
    keys: &[Key],
    names: &[(VerifyingKey, String)],
) {
    let counted = |report: &SignatureReport, attested: &Option<Attestation>| {
        report.status == SignatureStatus::Valid
            || (report.status == SignatureStatus::OtherFile && attested.is_some())
    };
    let named: Vec<([u8; 32], String)> = judged
        .iter()
        .filter(|(report, attested)| report.status == SignatureStatus::Valid && attested.is_some())
        .filter_map(|(report, attested)| {
            Some((report.signed_with?, attested.as_ref()?.signer.clone()))
        })
        .chain(names.iter().map(|(key, name)| (key.to_bytes(), name.clone())))
        .collect();
    for (report, attested) in judged.iter_mut() {
        if !counted(report, attested) {
            continue;
        }
        let Some(with) = report.signed_with else { continue };
        let principals = keys.iter().find(|k| k.ed25519.to_bytes() == with);
        let Some(principals) = principals.and_then(|k| k.principals.as_ref()) else { continue };
        let signer = match attested {
            Some(attestation) => Some(attestation.signer.clone()),
            None => named.iter().find(|(key, _)| *key == with).map(|(_, name)| name.clone()),
        };
        let Some(signer) = signer else { continue };
        if principals.contains(&signer) {
            report.signer = Some(signer);
            continue;
        }
        let (noun, list) = match principals.as_slice() {
            [one] => ("principal", one.clone()),
            many => ("principals", many.join(", ")),
        };
        report.set(
            SignatureStatus::WrongPrincipal,
            format!(
                "the key is allowed for {noun} {list}, but the package says the signer is {signer}"
            ),
        );
        *attested = None;
    }
}

/// A signature file, parsed.
enum Parsed {
    Minisign(Signature),
    Ssh(SshSignature),
}

impl Parsed {
    /// Reads and parses the signature file at `path`, of `kind`.
    fn read(path: &Path, kind: SignatureKind) -> Result<Self> {
        let bytes = fsio::read_regular(path, "signature", MAX_SIGNATURE_FILE)?;
        let origin = path.shown();
        Ok(match kind {
            SignatureKind::Minisign => Self::Minisign(Signature::parse(&bytes, &origin)?),
            SignatureKind::Ssh => Self::Ssh(SshSignature::parse(&bytes, &origin)?),
        })
    }
}

/// The file a signature is checked for: its name, its digest, and what it must attest.
#[derive(Clone, Copy)]
struct SignedFile<'a> {
    file: &'a str,
    digest: &'a FileDigest,
    expect: Expect<'a>,
}

/// Judges one minisign signature into `report`; an intact accord one of these bytes returns
/// its attestation (valid, or not counted because it attests another name, package or signing).
fn minisign(
    signature: &Signature,
    report: &mut SignatureReport,
    signed: SignedFile<'_>,
    keys: &mut [Key],
) -> Option<Attestation> {
    let SignedFile { file, digest, expect } = signed;
    report.key_id = signature.key_id.to_string();
    let Some((index, by_id)) = key_of(signature, digest, keys) else {
        report.set(SignatureStatus::UnknownKey, "made by a key not in use".into());
        return None;
    };
    let key = &mut keys[index];
    report.identify(key);
    report.key_id = signature.key_id.to_string();
    let attestation = Attestation::parse(&signature.trusted_comment);
    match signature.verify_with(&key.ed25519, &digest.blake2b512) {
        Ok(()) => {
            key.key_id = Some(signature.key_id);
            report.trusted_comment = Some(signature.trusted_comment.clone());
            let found = judge(attestation, report, digest, expect);
            // A key known by its bytes alone is named as its verified signatures say.
            if let (None, Some(found)) = (&key.name, &found) {
                key.name = Some(found.signer.clone());
            }
            found
        }
        // Intact, but for other bytes under another name: a signature of another file. (Under
        // this file's own name, the file was changed: that is the arm below.)
        Err(Invalid::Content)
            if signature.comment_signed_by(&key.ed25519)
                && attestation
                    .as_ref()
                    .is_some_and(|a| a.sha256 != digest.sha256_hex() && a.file != file) =>
        {
            let other = attestation.map(|a| format!("{} (sha256 {})", a.file, a.sha256));
            let reason =
                format!("an intact signature of another file, {}", other.unwrap_or_default());
            report.set(SignatureStatus::OtherFile, reason);
            None
        }
        Err(invalid) => {
            let reason = match (by_id, invalid) {
                (true, Invalid::Content) => format!(
                    "the file's contents are not what was signed, or it was made by another \
                     key that carries the key id of {}",
                    key.describe()
                ),
                _ => invalid.to_string(),
            };
            report.set(SignatureStatus::Invalid, reason);
            None
        }
    }
}

/// The key in use to check `signature` with, and whether it was found by its key id: the
/// key with the signature's id, else a key whose id is not known (from an `allowed_signers`
/// file) that made it.
fn key_of(signature: &Signature, digest: &FileDigest, keys: &[Key]) -> Option<(usize, bool)> {
    if let Some(index) = keys.iter().position(|k| k.key_id == Some(signature.key_id)) {
        return Some((index, true));
    }
    let made = |k: &Key| signature.verify_with(&k.ed25519, &digest.blake2b512).is_ok();
    keys.iter().position(|k| k.key_id.is_none() && made(k)).map(|index| (index, false))
}

/// What a valid signature's trusted comment attests, checked against the file and `expect`:
/// the attestation, of a signature that counts or of one for another name, package or signing.
fn judge(
    attestation: Option<Attestation>,
    report: &mut SignatureReport,
    digest: &FileDigest,
    expect: Expect<'_>,
) -> Option<Attestation> {
    let Some(attestation) = attestation else {
        report.status = SignatureStatus::Valid;
        return None;
    };
    if attestation.sha256 != digest.sha256_hex() {
        let reason =
            format!("its trusted comment names another file (sha256 {})", attestation.sha256);
        report.set(SignatureStatus::Invalid, reason);
        return None;
    }
    let other = if let Some(file) = expect.file.filter(|&file| file != attestation.file) {
        Some(format!("it signs these bytes as {}, not as {file}", attestation.file))
    } else if let Some(package) = expect.package.filter(|&p| p != attestation.package) {
        Some(format!("it was made for package {}, not {package}", attestation.package))
    } else {
        other_signing(&attestation, expect.signing)
    };
    if let Some(reason) = other {
        report.set(SignatureStatus::OtherFile, reason);
        return Some(attestation);
    }
    report.status = SignatureStatus::Valid;
    report.signer = report.signer.take().or_else(|| Some(attestation.signer.clone()));
    Some(attestation)
}

/// Why `attestation` is not of the signing expected, if it is not.
fn other_signing(attestation: &Attestation, expected: Signing<'_>) -> Option<String> {
    let (expected, named) = match expected {
        Signing::Any => return None,
        Signing::Package(fingerprint) => (fingerprint, false),
        Signing::Named(fingerprint) => (fingerprint, true),
    };
    match &attestation.fingerprint {
        Some(found) if found != expected => Some(format!(
            "it was made for another signing of package {} (fingerprint {found}), not {expected}",
            attestation.package
        )),
        None if named => Some(format!(
            "it does not name the signing it was made for (its trusted comment has no \
             fingerprint: an accord older than fingerprints made it), so not that it is \
             {expected}"
        )),
        _ => None,
    }
}

/// Judges one OpenSSH signature into `report`.
fn ssh_signature(
    signature: &SshSignature,
    report: &mut SignatureReport,
    digest: &FileDigest,
    keys: &[Key],
) {
    let signed_by = signature.public_key().key;
    report.public_key = Some(signature.public_key().to_line());
    report.key_id = signature.public_key().fingerprint();
    let Some(key) = keys.iter().find(|k| k.ed25519 == signed_by) else {
        return report.set(SignatureStatus::UnknownKey, "made by a key not in use".into());
    };
    report.identify(key);
    let hashes = FileHashes { sha256: digest.sha256, sha512: digest.sha512 };
    match signature.verify(&SshPublicKey::from(key.ed25519), SSH_NAMESPACE, &hashes) {
        Ok(()) => report.status = SignatureStatus::Valid,
        Err(invalid) => report.set(SignatureStatus::Invalid, invalid.to_string()),
    }
}
