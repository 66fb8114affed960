//! Co-signing: adding a signer's signatures to a sealed, verified package without touching
//! its PDFs or its manifest.
//!
//! The manifest's signature is written after the documents' and `SHA256SUMS`'s, then
//! `allowed_signers` and `verify.html` are rewritten to include the co-signer, and the public
//! key comes last, so an interrupted `accord sign` never passes for a complete co-signature,
//! and running it again finishes the job.

use std::path::Path;

use ed25519_dalek::VerifyingKey;

use super::{page, Signer, ToSign};
use crate::chars::Shown as _;
use crate::digest::FileDigest;
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::manifest;
use crate::minisign::Signature;
use crate::package::layout::{Listing, ALLOWED_SIGNERS, PAGE, SHA256SUMS, SIG_SUFFIX};
use crate::package::VerifiedPackage;

/// Largest signature file read back (a minisign signature takes about 500 bytes).
const MAX_SIGNATURE_FILE: u64 = 64 << 10;
/// Largest `allowed_signers` read back: a line of about 100 bytes per signer.
const MAX_ALLOWED_SIGNERS: u64 = 1 << 20;

/// Adds `signer`'s signatures to the package in `dir`, whose contents `sealed` were verified
/// with the keys `signed_by`; returns the names of the files written.
///
/// Refuses (exit 1) when this key already signed or another signer uses the name.
pub fn cosign(
    dir: &Path,
    sealed: &VerifiedPackage,
    signed_by: &[VerifyingKey],
    signer: &Signer,
) -> Result<Vec<String>> {
    let listing = Listing::read(dir)?;
    refuse_taken(dir, &listing, signed_by, signer)?;
    let key = signer.public_key();
    if let Some((name, _)) =
        sealed.signers.iter().find(|(_, k)| k.key_id == key.key_id && k.key != key.key)
    {
        return Err(Error::failed(format!(
            "the key of {} carries the key id {} of {name}'s key, but is another key; a key id \
             must name one key in a package: make a new key (accord keygen)",
            signer.name(),
            key.key_id
        )));
    }
    let slug = signer.slug();
    let manifest = &sealed.manifest;
    let sums = FileDigest::of_bytes(manifest.sha256sums().as_bytes());
    let manifest_digest = FileDigest::of_bytes(&sealed.manifest_bytes);
    // What to sign: every document, the checksums, then the manifest (which marks completion).
    let planned: Vec<(&str, &str, &FileDigest)> = manifest
        .files
        .iter()
        .zip(&sealed.documents)
        .map(|(file, digest)| (file.name.as_str(), file.role.as_str(), digest))
        .chain([
            (SHA256SUMS, manifest::SUMS_ROLE, &sums),
            (manifest::FILE_NAME, manifest::ROLE, &manifest_digest),
        ])
        .collect();
    let mut written = Vec::with_capacity(2 * planned.len() + 3);
    let mut signature_files = sealed.signature_files.clone();
    let fingerprint = Fingerprint::of_manifest(&sealed.manifest_bytes);
    for (file, role, digest) in planned {
        let certifies = manifest.attested_certification(file);
        let signed = ToSign {
            file,
            digest,
            role,
            package: &manifest.package,
            fingerprint: &fingerprint,
            certifies: certifies.as_ref(),
        };
        let names = signer.sign_file(dir, signed, Some(&slug), fsio::write_atomic)?;
        signature_files.entry(file.to_string()).or_default().push(names[0].clone());
        written.extend(names);
    }
    add_allowed_signer(dir, &listing, signer)?;
    written.push(ALLOWED_SIGNERS.to_string());
    let mut signers = sealed.signers.clone();
    signers.push((signer.name().to_string(), signer.public_key()));
    page::write(
        dir,
        &sealed.manifest_bytes,
        manifest,
        &signers,
        &signature_files,
        fsio::write_atomic,
    )?;
    written.push(PAGE.to_string());
    fsio::write_atomic(&dir.join(signer.key_file()), signer.public_key().to_file().as_bytes())?;
    written.push(signer.key_file());
    Ok(written)
}

/// Adds `signer`'s line to the package's `allowed_signers`, unless it is there already.
fn add_allowed_signer(dir: &Path, listing: &Listing, signer: &Signer) -> Result<()> {
    let line = signer.allowed_signers_line()?;
    let path = dir.join(ALLOWED_SIGNERS);
    let mut lines = match listing.contains(ALLOWED_SIGNERS) {
        true => {
            let bytes = fsio::read_regular(&path, "allowed signers file", MAX_ALLOWED_SIGNERS)?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        false => String::new(),
    };
    if lines.lines().any(|l| format!("{l}\n") == line) {
        return Ok(());
    }
    if !lines.is_empty() && !lines.ends_with('\n') {
        lines.push('\n');
    }
    lines.push_str(&line);
    fsio::write_atomic(&path, lines.as_bytes())
}

/// Refuses a signer whose key already signed, whose name another signer has, or whose
/// signature files another key made (files of an interrupted run of this signer are redone).
fn refuse_taken(
    dir: &Path,
    listing: &Listing,
    signed_by: &[VerifyingKey],
    signer: &Signer,
) -> Result<()> {
    let key_id = signer.public_key().key_id;
    if signed_by.contains(&signer.public_key().key) {
        return Err(Error::failed(format!(
            "{} (key {key_id}) has already signed {}",
            signer.name(),
            dir.shown()
        )));
    }
    let slug = signer.slug();
    let key_file = signer.key_file();
    if listing.contains(&key_file) {
        return Err(Error::failed(format!(
            "{} already has a signer named {slug} ({key_file}); choose another --signer",
            dir.shown()
        )));
    }
    let theirs = format!(".{slug}{SIG_SUFFIX}");
    for name in listing.names().filter(|name| name.ends_with(&theirs)) {
        let path = dir.join(name);
        let bytes = fsio::read_regular(&path, "signature", MAX_SIGNATURE_FILE)?;
        let theirs = Signature::parse(&bytes, &path.shown()).map(|s| s.key_id);
        if theirs.map_or(true, |id| id != key_id) {
            return Err(Error::failed(format!(
                "{} exists and was not made by this key; choose another --signer",
                path.shown()
            )));
        }
    }
    Ok(())
}
