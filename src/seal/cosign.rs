//! Co-signing: adding a signer's signatures to a sealed, verified package without touching
//! its PDFs or its manifest.
//!
//! The manifest's signature is written after the documents' and the public key last, so an
//! interrupted `accord sign` never passes for a complete co-signature, and running it again
//! finishes the job.

use std::path::Path;

use super::Signer;
use crate::error::{Error, Result};
use crate::fsio;
use crate::manifest;
use crate::minisign::{PublicKey, Signature};
use crate::package::layout::{signature_file_name, Listing};
use crate::package::Sealed;

/// Largest signature file read back (a minisign signature takes about 500 bytes).
const MAX_SIGNATURE_FILE: u64 = 64 << 10;

/// Adds `signer`'s signatures to the package in `dir`, whose contents `sealed` were verified
/// with the keys `signed_by`; returns the names of the files written.
///
/// Refuses (exit 1) when this key already signed or another signer uses the name.
pub fn cosign(
    dir: &Path,
    sealed: &Sealed,
    signed_by: &[PublicKey],
    signer: &Signer,
) -> Result<Vec<String>> {
    let key_id = signer.public_key().key_id;
    if signed_by.iter().any(|key| key.key_id == key_id) {
        return Err(Error::failed(format!(
            "{} (key {key_id}) has already signed {}",
            signer.name(),
            dir.display()
        )));
    }
    let listing = Listing::read(dir)?;
    let slug = signer.slug();
    let key_file = signer.key_file();
    if listing.contains(&key_file) {
        return Err(Error::failed(format!(
            "{} already has a signer named {slug} ({key_file}); choose another --signer",
            dir.display()
        )));
    }
    // What to sign: every document, then the manifest (its signature marks completion).
    let manifest = &sealed.manifest;
    let planned: Vec<_> = manifest
        .files
        .iter()
        .zip(&sealed.documents)
        .map(|(file, digest)| (file.name.as_str(), file.role.as_str(), digest))
        .chain([(manifest::FILE_NAME, manifest::ROLE, &sealed.manifest_digest)])
        .collect();
    // Files left by an interrupted run of this signer are redone; anyone else's are kept.
    for (file, _, _) in &planned {
        let name = signature_file_name(file, Some(&slug));
        if listing.contains(&name) {
            let path = dir.join(name);
            let bytes = fsio::read_regular(&path, "signature", MAX_SIGNATURE_FILE)?;
            if Signature::parse(&bytes, &path.display().to_string())?.key_id != key_id {
                return Err(Error::failed(format!(
                    "{} exists and was made by another key; choose another --signer",
                    path.display()
                )));
            }
        }
    }
    let mut written = Vec::with_capacity(planned.len() + 1);
    for (file, role, digest) in &planned {
        let name = signature_file_name(file, Some(&slug));
        let signature = signer.sign(file, &name, digest, role, &manifest.package)?;
        fsio::write_atomic(&dir.join(&name), signature.as_bytes())?;
        written.push(name);
    }
    fsio::write_atomic(&dir.join(&key_file), signer.public_key().to_file().as_bytes())?;
    written.push(key_file);
    Ok(written)
}
