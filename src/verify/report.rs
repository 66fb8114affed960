//! The report of a verification: what `accord verify` prints (as text, or as the stable JSON
//! of `--json`, documented in [`super`]), and the one wording of failures `verify` and `sign`
//! share.

use serde::Serialize;

use crate::manifest;

/// Value of the report's `format` field.
pub const FORMAT: &str = "accord-verify/1";

/// The outcome of a verification.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// Whether every file matched with a valid signature by every key in use.
    pub ok: bool,
    /// Whether the keys came from `--key` (else they were found next to the files).
    pub keys_trusted: bool,
    /// The keys in use.
    pub keys: Vec<KeyInfo>,
    /// The package checked against, with `--package`.
    pub package: Option<PackageReport>,
    /// One entry per file, in the order given.
    pub files: Vec<FileReport>,
}

/// A key in use.
#[derive(Debug, Serialize)]
pub struct KeyInfo {
    /// minisign key id.
    pub key_id: String,
    /// One-line public key (`RW…`).
    pub public_key: String,
    /// Where the key came from: a file, or the `--key` text.
    pub source: String,
}

/// The package's own state.
#[derive(Debug, Serialize)]
pub struct PackageReport {
    /// The package directory.
    pub dir: String,
    /// Package id from the manifest.
    pub id: Option<String>,
    /// Whether the manifest is present and validly signed by every key in use.
    pub ok: bool,
    /// Signatures of `manifest.json`.
    pub signatures: Vec<SignatureReport>,
    /// Keys without a valid signature of `manifest.json`.
    pub missing: Vec<MissingKey>,
    /// Other reasons the package does not verify.
    pub problems: Vec<String>,
}

/// The result for one file.
#[derive(Debug, Serialize)]
pub struct FileReport {
    /// The file as given.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// Whether it is a signed document.
    pub status: Status,
    /// Whether it matched with a valid signature by every key in use and nothing is wrong.
    pub ok: bool,
    /// The document it equals (package), or the name it was signed under.
    pub document: Option<String>,
    /// The role of that document.
    pub role: Option<String>,
    /// Every signature found for it.
    pub signatures: Vec<SignatureReport>,
    /// Keys in use without a valid signature of it.
    pub missing: Vec<MissingKey>,
    /// Other reasons it does not verify.
    pub problems: Vec<String>,
}

/// Whether a file is a signed document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// It equals a document of the package, or a signature by a key in use verifies.
    Match,
    /// It is not a document of the package, or no signature by a key in use verifies.
    NoMatch,
    /// The package does not verify, so nothing can be said about the file.
    Unverified,
}

/// One signature file.
#[derive(Debug, Serialize)]
pub struct SignatureReport {
    /// Path of the signature file.
    pub file: String,
    /// Key id the signature carries.
    pub key_id: String,
    /// Signer from the (verified) trusted comment, else the key's name, if known.
    pub signer: Option<String>,
    /// Verdict.
    pub status: SignatureStatus,
    /// Why it is invalid.
    pub reason: Option<String>,
}

/// Verdict on one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// Verified with a key in use.
    Valid,
    /// Made with the id of a key in use, but does not verify or is for something else.
    Invalid,
    /// Made by a key not in use; not checked.
    UnknownKey,
}

/// A key in use without a valid signature.
#[derive(Debug, Serialize)]
pub struct MissingKey {
    /// Its key id.
    pub key_id: String,
    /// Where the key came from.
    pub source: String,
    /// Its signer name, if known.
    pub signer: Option<String>,
}

impl MissingKey {
    /// `key ID (NAME, SOURCE)` for messages.
    pub fn describe(&self) -> String {
        match &self.signer {
            Some(name) => format!("{name} (key {}, {})", self.key_id, self.source),
            None => format!("key {} ({})", self.key_id, self.source),
        }
    }
}

impl Report {
    /// One line per reason the verification failed.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(package) = &self.package {
            let name = format!("{}/{}", package.dir, manifest::FILE_NAME);
            out.extend(package.problems.iter().map(|p| format!("{}: {p}", package.dir)));
            out.extend(invalid(&package.signatures));
            out.extend(
                package
                    .missing
                    .iter()
                    .map(|m| format!("{name}: no valid signature by {}", m.describe())),
            );
        }
        for file in &self.files {
            out.extend(file.problems.iter().map(|p| format!("{}: {p}", file.path)));
            out.extend(invalid(&file.signatures));
            out.extend(
                file.missing
                    .iter()
                    .map(|m| format!("{}: no valid signature by {}", file.path, m.describe())),
            );
        }
        out
    }
}

fn invalid(signatures: &[SignatureReport]) -> impl Iterator<Item = String> + '_ {
    signatures.iter().filter(|s| s.status == SignatureStatus::Invalid).map(|s| {
        format!("{}: invalid signature: {}", s.file, s.reason.as_deref().unwrap_or("invalid"))
    })
}
