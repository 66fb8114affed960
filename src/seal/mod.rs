//! Sealing a staged package: signatures, `SHA256SUMS` and the manifest ([`seal`]); and adding a
//! co-signer's signatures to a sealed package ([`cosign`]). The file names are those of
//! [`crate::package::layout`].
//!
//! Stock minisign checks every signature: `minisign -Vm DOC.pdf -p SIGNER.pub` for the
//! builder's, `minisign -Vm DOC.pdf -x DOC.pdf.SIGNER.minisig -p SIGNER.pub` for a
//! co-signer's. Because co-signers never rewrite the manifest, the builder's signature stays
//! valid. Each trusted comment says which file, hash, role, package, signing (the package's
//! fingerprint) and signer the signature is for ([`crate::attestation`]).
//!
//! [`seal`] writes into the private staging directory of a build, which is flushed to disk as
//! a whole and published with one rename, so plain writes suffice there; every file added to
//! a published package is written atomically.

mod cosign;
mod keys;
mod page;
mod signer;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use cosign::cosign;
pub use keys::{load_signer, PassphraseSource, Typed, MAX_PASSPHRASE, PASSPHRASE_ENV};
pub use signer::{Signer, ToSign};

use crate::chars::Shown as _;
use crate::digest::FileDigest;
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio::{self, write_staged};
use crate::manifest::{self, FileEntry, Manifest, SignatureEntry, SignerEntry, Template};
use crate::package::layout::{self, signature_file_name, ALLOWED_SIGNERS, SHA256SUMS};
use crate::package::{Document, Provenance};

/// Largest PDF read back from the staging directory: far above any document accord typesets.
const MAX_STAGED_PDF: u64 = 1 << 30;

/// Signs the documents staged in `dir` and writes their signatures, `SIGNER.pub`,
/// `allowed_signers`, `SHA256SUMS`, `manifest.json`, their signatures and `verify.html` there;
/// returns the package's fingerprint.
///
/// The PDFs must already be in `dir`; what is signed is what is on disk, which must equal
/// `doc.pdf`. The manifest is made first, so that every signature names its fingerprint.
pub fn seal(
    dir: &Path,
    docs: &[Document],
    prov: &Provenance,
    signer: &Signer,
) -> Result<Fingerprint> {
    let (files, digests) = staged_files(dir, docs, signer)?;
    let public_key = signer.public_key();
    let manifest = Manifest {
        format: manifest::FORMAT.to_string(),
        package: prov.package_id.clone(),
        supersedes: prov.supersedes.clone(),
        accord_version: prov.accord_version.clone(),
        typst_version: prov.typst_version.clone(),
        config_sha256: prov.config_sha256.clone(),
        templates: prov
            .templates
            .iter()
            .map(|(name, sha256)| Template { name: name.clone(), sha256: sha256.clone() })
            .collect(),
        signers: vec![SignerEntry {
            name: signer.name().to_string(),
            key_id: public_key.key_id.to_string(),
            public_key: public_key.to_base64(),
            public_key_file: signer.key_file(),
        }],
        files,
        certifies: prov.certifies.clone(),
    };
    let bytes = manifest.to_bytes()?;
    let fingerprint = Fingerprint::of_manifest(&bytes);
    // A package never supersedes itself; a manifest naming its own hash would take a SHA-256
    // fixed point, but the rule is checked where it can be, not assumed.
    if manifest.supersedes.contains(&fingerprint) {
        return Err(Error::usage(format!(
            "the package would supersede its own fingerprint {fingerprint}"
        )));
    }
    let package = prov.package_id.as_str();
    let sign = |file: &str, role: &str, digest: &FileDigest| {
        let certifies = manifest.attested_certification(file);
        let signed = ToSign {
            file,
            digest,
            role,
            package,
            fingerprint: &fingerprint,
            certifies: certifies.as_ref(),
        };
        signer.sign_file(dir, signed, None, write_staged)
    };
    let mut signature_files = BTreeMap::new();
    for (file, digest) in manifest.files.iter().zip(&digests) {
        let [minisig, _] = sign(&file.name, &file.role, digest)?;
        signature_files.insert(file.name.clone(), vec![minisig]);
    }
    write_staged(&dir.join(signer.key_file()), public_key.to_file().as_bytes())?;
    write_staged(&dir.join(ALLOWED_SIGNERS), signer.allowed_signers_line()?.as_bytes())?;
    let sums = manifest.sha256sums();
    write_staged(&dir.join(SHA256SUMS), sums.as_bytes())?;
    write_staged(&dir.join(manifest::FILE_NAME), &bytes)?;
    for (file, role, contents) in [
        (SHA256SUMS, manifest::SUMS_ROLE, sums.as_bytes()),
        (manifest::FILE_NAME, manifest::ROLE, &bytes[..]),
    ] {
        let [minisig, _] = sign(file, role, &FileDigest::of_bytes(contents))?;
        signature_files.insert(file.to_string(), vec![minisig]);
    }
    let signers = [(signer.name().to_string(), public_key)];
    page::write(dir, &bytes, &manifest, &signers, &signature_files, write_staged)?;
    Ok(fingerprint)
}

/// The manifest entries of `docs`, staged in `dir`, with the signatures `signer` will make,
/// and their digests.
fn staged_files(
    dir: &Path,
    docs: &[Document],
    signer: &Signer,
) -> Result<(Vec<FileEntry>, Vec<FileDigest>)> {
    let mut names = BTreeSet::new();
    for doc in docs {
        let name = doc.file_name.as_str();
        if !manifest::is_plain_name(name) || layout::is_reserved(name) || !names.insert(name) {
            return Err(Error::internal(format!("cannot seal a document named {name:?}")));
        }
    }
    let key_id = signer.public_key().key_id.to_string();
    let mut files = Vec::with_capacity(docs.len());
    let mut digests = Vec::with_capacity(docs.len());
    for doc in docs {
        let path = dir.join(&doc.file_name);
        if fsio::read_regular(&path, "staged document", MAX_STAGED_PDF)? != doc.pdf {
            return Err(Error::io_message(format!(
                "{} differs from the document that was typeset",
                path.shown()
            )));
        }
        let digest = FileDigest::of_bytes(&doc.pdf);
        files.push(FileEntry {
            name: doc.file_name.clone(),
            role: doc.role.clone(),
            size: digest.size,
            pages: doc.pages,
            sha256: digest.sha256_hex(),
            signatures: vec![SignatureEntry {
                signer: signer.name().to_string(),
                key_id: key_id.clone(),
                signature_file: signature_file_name(&doc.file_name, None),
            }],
        });
        digests.push(digest);
    }
    Ok((files, digests))
}
