//! Signed package manifest (`manifest.json`): what a package contains and what it was built
//! from, so that a copy can be matched to a document by hash and its role reported.
//!
//! The manifest is written once, when the package is sealed, and never rewritten: co-signers
//! sign the same bytes (`manifest.json.<signer>.minisig`), so earlier signatures stay valid.
//! `signers` and each file's `signatures` therefore list the signatures made at build time;
//! co-signatures are found next to them on disk. The shape (pretty-printed, keys in this order):
//!
//! ```json
//! {
//!   "format": "accord-manifest/1",
//!   "package": "un-iom-2016",
//!   "supersedes": ["3a7f-09c2-…"],                // only when the config names any
//!   "accord_version": "0.1.0",
//!   "typst_version": "0.15.1",
//!   "config_sha256": "<64 hex>",
//!   "templates": [{ "name": "agreement.typ.j2", "sha256": "<64 hex>" }],
//!   "signers": [{ "name": "Alice", "key_id": "647A1C9EF8A079CB",
//!                 "public_key": "RW…", "public_key_file": "alice.pub" }],
//!   "files": [{ "name": "agreement-original-1.pdf", "role": "agreement, original 1 of 2",
//!               "size": 12345, "pages": 3, "sha256": "<64 hex>",
//!               "signatures": [{ "signer": "Alice", "key_id": "647A1C9EF8A079CB",
//!                                "signature_file": "agreement-original-1.pdf.minisig" }] }],
//!   "certifies": { "package": "un-iom-2016", "fingerprint": "…",   // a certified package's
//!                  "certifier": "…", "date": "2016-10-03",         // only (accord certify)
//!                  "files": [{ "name": "agreement-original-1-certified-copy.pdf",
//!                              "original": "agreement-original-1.pdf",
//!                              "role": "agreement, original 1 of 2", "sha256": "<64 hex>" }] }
//! }
//! ```
//!
//! The package's fingerprint is derived from these bytes ([`crate::fingerprint`]), so the
//! manifest cannot hold it; `supersedes` lists the fingerprints of earlier signings this one
//! replaces, which a copy of one of them is then reported as.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::attestation;
use crate::chars::{forbidden, visible, Shown};
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::minisign::PublicKey;

/// Value of the `format` field.
pub const FORMAT: &str = "accord-manifest/1";
/// File name of the manifest inside a package.
pub const FILE_NAME: &str = "manifest.json";
/// Largest manifest read: a manifest of a package takes a few KB.
pub const MAX_BYTES: u64 = 1 << 20;
/// Role recorded in the trusted comment of manifest signatures.
pub const ROLE: &str = "manifest";
/// Role recorded in the trusted comment of the signatures of `SHA256SUMS`.
pub const SUMS_ROLE: &str = "checksum list";

/// The manifest of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Package id (the directory name under `out/`).
    pub package: String,
    /// Fingerprints of the earlier signings of the package that this one replaces.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<Fingerprint>,
    /// accord version that built the package.
    pub accord_version: String,
    /// Typst version that typeset it.
    pub typst_version: String,
    /// SHA-256 of the session config.
    pub config_sha256: String,
    /// Templates used, with their SHA-256.
    pub templates: Vec<Template>,
    /// Who signed at build time.
    pub signers: Vec<SignerEntry>,
    /// The documents, in package order.
    pub files: Vec<FileEntry>,
    /// What a certified package certifies (`accord certify`); none in a signed package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certifies: Option<Certifies>,
}

/// What a certified package certifies: the signed package, and the original of each copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certifies {
    /// The id of the signed package.
    pub package: String,
    /// Its fingerprint.
    pub fingerprint: Fingerprint,
    /// Who certified, as the certificate names them.
    pub certifier: String,
    /// The date of the certification (`YYYY-MM-DD`).
    pub date: String,
    /// Each certified copy and its original.
    pub files: Vec<CertifiedFile>,
}

/// A certified copy in a certified package, and the signed original it copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifiedFile {
    /// The copy's file name in the certified package.
    pub name: String,
    /// The original's file name in the signed package.
    pub original: String,
    /// The original's role.
    pub role: String,
    /// The original's SHA-256 (lowercase hex).
    pub sha256: String,
}

/// A template and its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// Template name.
    pub name: String,
    /// SHA-256 of the template's bytes.
    pub sha256: String,
}

/// A signer at build time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerEntry {
    /// Signer name.
    pub name: String,
    /// minisign key id (16 uppercase hex digits).
    pub key_id: String,
    /// One-line public key (`RW…`).
    pub public_key: String,
    /// Public key file in the package.
    pub public_key_file: String,
}

/// A document of the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// File name in the package.
    pub name: String,
    /// Role, e.g. `agreement, original 1 of 2`.
    pub role: String,
    /// Size in bytes.
    pub size: u64,
    /// Number of pages.
    pub pages: usize,
    /// SHA-256 (lowercase hex).
    pub sha256: String,
    /// Signatures made at build time.
    pub signatures: Vec<SignatureEntry>,
}

/// A signature of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureEntry {
    /// Signer name.
    pub signer: String,
    /// minisign key id.
    pub key_id: String,
    /// Signature file in the package.
    pub signature_file: String,
}

/// Reads and parses `manifest.json` of the package in `dir` (its signatures unchecked):
/// the manifest and its bytes. The one reader of manifests.
pub fn read(dir: &Path) -> Result<(Manifest, Vec<u8>)> {
    let path = dir.join(FILE_NAME);
    let bytes = fsio::read_regular(&path, "manifest", MAX_BYTES)?;
    Ok((Manifest::parse(&bytes, &path)?, bytes))
}

impl Manifest {
    /// What the signatures of the document `file` attest it certifies, when this is a
    /// certified package and `file` one of its certified copies: its original and who
    /// certified it when.
    pub fn attested_certification(&self, file: &str) -> Option<attestation::Certifies> {
        let certifies = self.certifies.as_ref()?;
        let copy = certifies.files.iter().find(|f| f.name == file)?;
        Some(attestation::Certifies {
            file: copy.original.clone(),
            sha256: copy.sha256.clone(),
            package: certifies.package.clone(),
            fingerprint: certifies.fingerprint.clone(),
            certifier: certifies.certifier.clone(),
            date: certifies.date.clone(),
        })
    }

    /// The bytes of `manifest.json` (pretty JSON and a final newline).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self)
            .map_err(|err| Error::internal(format!("cannot encode {FILE_NAME}: {err}")))?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Parses and checks `manifest.json` read from `path` (malformed: exit 2).
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Self> {
        let origin = path.shown();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::malformed(format!(
                "{origin} is empty; accord never writes an empty manifest, so the package is \
                 damaged: ask its sender for the package again"
            )));
        }
        let manifest: Self = serde_json::from_slice(bytes).map_err(|err| {
            let line = err.line().max(1);
            Error::malformed(format!("{origin}, line {line}: not a manifest accord wrote ({err})"))
        })?;
        if manifest.format != FORMAT {
            return Err(Error::malformed(format!(
                "{origin}: unsupported format {:?} (expected {FORMAT:?})",
                manifest.format
            )));
        }
        let names = manifest.files.iter().map(|f| f.name.as_str());
        let signature_files = manifest
            .files
            .iter()
            .flat_map(|f| f.signatures.iter())
            .map(|s| s.signature_file.as_str());
        let key_files = manifest.signers.iter().map(|s| s.public_key_file.as_str());
        if let Some(bad) = names.chain(signature_files).chain(key_files).find(|n| !is_plain_name(n))
        {
            return Err(Error::malformed(format!("{origin}: {bad:?} is not a plain file name")));
        }
        if let Some((what, text)) =
            manifest.texts().find(|(_, text)| text.chars().any(|c| forbidden(c).is_some()))
        {
            return Err(Error::malformed(format!(
                "{origin}: the {what} {} contains a control, bidirectional or invisible \
                 character, which no package accord writes has",
                visible(text)
            )));
        }
        for signer in &manifest.signers {
            signer.key(&origin.to_string())?;
        }
        let mut superseded = BTreeSet::new();
        if let Some(twice) = manifest.supersedes.iter().find(|f| !superseded.insert(*f)) {
            return Err(Error::usage(format!("{origin}: it supersedes {twice} twice")));
        }
        if let Some(bad) = manifest.files.iter().find(|f| !is_sha256_hex(&f.sha256)) {
            return Err(Error::malformed(format!(
                "{origin}: the sha256 of {} is not 64 lowercase hex digits",
                bad.name
            )));
        }
        Ok(manifest)
    }

    /// Every text of the manifest that is shown to people, with what it is.
    fn texts(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let files = self.files.iter().flat_map(|f| {
            [("file name", f.name.as_str()), ("role", f.role.as_str())]
                .into_iter()
                .chain(f.signatures.iter().map(|s| ("signer", s.signer.as_str())))
        });
        let signers = self.signers.iter().flat_map(|s| {
            [
                ("signer", s.name.as_str()),
                ("key id", s.key_id.as_str()),
                ("key file", s.public_key_file.as_str()),
            ]
        });
        [("package id", self.package.as_str())].into_iter().chain(files).chain(signers)
    }

    /// The `sha256sum -c` list of the documents (`SHA256SUMS`), sorted by name.
    pub fn sha256sums(&self) -> String {
        let mut sums: Vec<(&str, &str)> =
            self.files.iter().map(|f| (f.name.as_str(), f.sha256.as_str())).collect();
        sums.sort();
        sums.iter().map(|(name, sha256)| format!("{sha256}  {name}\n")).collect()
    }

    /// The first document whose SHA-256 is `sha256`.
    pub fn file_by_sha256(&self, sha256: &str) -> Option<&FileEntry> {
        self.files.iter().find(|file| file.sha256 == sha256)
    }
}

impl SignerEntry {
    /// The signer's public key as the manifest gives it (signed, but only as the builder's
    /// claim); `origin` names the manifest in errors.
    pub fn key(&self, origin: &str) -> Result<PublicKey> {
        PublicKey::from_base64(&self.public_key, &format!("{origin}, signer {}", self.name))
    }
}

/// Whether `name` is a file name that stays inside the package directory.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.chars().any(|c| c == '/' || c == '\\' || c.is_control())
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            format: FORMAT.to_string(),
            package: "p".to_string(),
            supersedes: Vec::new(),
            accord_version: "0.1.0".to_string(),
            typst_version: "0.15.1".to_string(),
            config_sha256: "0".repeat(64),
            templates: vec![Template { name: "t".to_string(), sha256: "1".repeat(64) }],
            signers: vec![SignerEntry {
                name: "A".to_string(),
                key_id: "0000000000000001".to_string(),
                public_key: "RWRhY2NvcmQwMSFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS".to_string(),
                public_key_file: "a.pub".to_string(),
            }],
            files: vec![FileEntry {
                name: "a.pdf".to_string(),
                role: "agreement, original 1 of 2".to_string(),
                size: 3,
                pages: 1,
                sha256: "a".repeat(64),
                signatures: vec![SignatureEntry {
                    signer: "A".to_string(),
                    key_id: "0000000000000001".to_string(),
                    signature_file: "a.pdf.minisig".to_string(),
                }],
            }],
            certifies: None,
        }
    }

    #[test]
    fn round_trip() {
        let manifest = sample();
        let bytes = manifest.to_bytes().unwrap();
        assert!(bytes.starts_with(b"{\n  \"format\": \"accord-manifest/1\",\n  \"package\": \"p\""));
        assert_eq!(Manifest::parse(&bytes, Path::new("m.json")).unwrap(), manifest);
        assert_eq!(manifest.file_by_sha256(&"a".repeat(64)).unwrap().name, "a.pdf");
        assert!(!String::from_utf8(bytes).unwrap().contains("supersedes"));
        let later = Manifest { supersedes: vec![Fingerprint::of_manifest(b"p")], ..manifest };
        let bytes = later.to_bytes().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("\"package\": \"p\",\n  \"supersedes\": [\n    \""), "{text}");
        assert_eq!(Manifest::parse(&bytes, Path::new("m.json")).unwrap(), later);
    }

    #[test]
    fn superseded_fingerprints_must_be_written_as_accord_writes_them_and_once() {
        let one = Fingerprint::of_manifest(b"p");
        let twice = Manifest { supersedes: vec![one.clone(), one.clone()], ..sample() };
        let err = Manifest::parse(&twice.to_bytes().unwrap(), Path::new("m.json")).unwrap_err();
        assert_eq!(err.message, format!("m.json: it supersedes {one} twice"));
        let text = String::from_utf8(sample().to_bytes().unwrap()).unwrap();
        for odd in [one.as_str().to_uppercase(), one.as_str().replace('-', ""), "x".into()] {
            let line = format!("\"package\": \"p\",\n  \"supersedes\": [\"{odd}\"],");
            let bad = text.replacen("\"package\": \"p\",", &line, 1);
            let err = Manifest::parse(bad.as_bytes(), Path::new("m.json")).unwrap_err();
            assert!(err.message.contains("not a package fingerprint written as accord"), "{err}");
        }
    }

    #[test]
    fn hostile_or_malformed_manifests_are_refused() {
        let mut escape = sample();
        escape.files[0].name = "../x.pdf".to_string();
        let err = Manifest::parse(&escape.to_bytes().unwrap(), Path::new("m.json")).unwrap_err();
        assert_eq!(err.message, "m.json: \"../x.pdf\" is not a plain file name");
        let mut hash = sample();
        hash.files[0].sha256 = "A".repeat(64);
        assert!(Manifest::parse(&hash.to_bytes().unwrap(), Path::new("m.json")).is_err());
        let mut spoof = sample();
        spoof.files[0].role = "agreement\u{1b}[1A\u{1b}[2K".to_string();
        let err = Manifest::parse(&spoof.to_bytes().unwrap(), Path::new("m.json")).unwrap_err();
        assert!(err.message.starts_with("m.json: the role agreement\\u{1b}[1A"), "{err}");
        let mut bidi = sample();
        bidi.package = "un\u{202e}6102".to_string();
        assert!(Manifest::parse(&bidi.to_bytes().unwrap(), Path::new("m.json")).is_err());
        let err = Manifest::parse(b"{\n\"format\": 1}", Path::new("m.json")).unwrap_err();
        assert!(err.message.starts_with("m.json, line 2: "), "{err}");
        assert_eq!(err.kind, crate::error::Kind::Malformed);
    }
}
