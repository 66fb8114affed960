//! The report of a verification: what `accord verify` prints (as text, or as the stable JSON
//! of `--json`, documented in [`super`]), and the one wording of failures `verify` and `sign`
//! share.

use serde::Serialize;

use super::keys::Key;
use crate::chars::visible;
use crate::manifest;

/// Value of the report's `format` field.
pub const FORMAT: &str = "accord-verify/1";

/// The outcome of a verification.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// Whether every file matched with valid signatures by every trusted key.
    pub ok: bool,
    /// Whether the keys came from `--key` or `--allowed-signers` (else they were found next
    /// to the files or in the package, and the report cannot be ok).
    pub keys_trusted: bool,
    /// Whether trusted keys were given; they are not trusted after all when one lies with
    /// what it is to check (`keys_trusted` false, and `reason` says which).
    pub keys_given: bool,
    /// Why the verification failed, in one line; `None` when it is ok.
    pub reason: Option<String>,
    /// The keys in use.
    pub keys: Vec<KeyInfo>,
    /// The package checked against, with `--package`.
    pub package: Option<PackageReport>,
    /// One entry per file, in the order given.
    pub files: Vec<FileReport>,
    /// The documents rebuilt from a config and compared with the package (`--rebuild`).
    pub rebuild: Option<RebuildReport>,
    /// The fingerprint of the signing the files must be documents of (`--fingerprint`).
    pub expected_fingerprint: Option<String>,
}

/// How a package compares with what its config builds now.
#[derive(Debug, Serialize)]
pub struct RebuildReport {
    /// The config rebuilt from.
    pub config: String,
    /// Whether every document was reproduced byte for byte.
    pub ok: bool,
    /// What differs from the inputs the manifest records (config, templates, versions).
    pub inputs: Vec<String>,
    /// Each document, rebuilt and compared.
    pub documents: Vec<RebuiltDocument>,
}

/// One rebuilt document.
#[derive(Debug, Serialize)]
pub struct RebuiltDocument {
    /// Its file name.
    pub document: String,
    /// Its role.
    pub role: String,
    /// Whether the rebuilt bytes are the signed bytes.
    pub reproduced: bool,
    /// Why not, when not.
    pub reason: Option<String>,
    /// Where its text differs from the signed document's, when it does.
    pub differences: Vec<Difference>,
    /// How many more differences there are.
    pub more_differences: usize,
}

/// A key in use.
#[derive(Debug, Serialize)]
pub struct KeyInfo {
    /// minisign key id, or the OpenSSH `SHA256:` fingerprint of a key known only as such.
    pub key_id: String,
    /// One-line public key (`RW…`; the OpenSSH line for a key without a minisign key id).
    pub public_key: String,
    /// The same key as an OpenSSH public key line (`ssh-ed25519 AAAA…`).
    pub ssh_public_key: String,
    /// The signer's name, if known: an `allowed_signers` principal or a key file's name.
    pub signer: Option<String>,
    /// The principals the `allowed_signers` lines of the key allow it to sign as (null: any).
    pub principals: Option<Vec<String>>,
    /// Where the key came from: a file, or the `--key` text.
    pub source: String,
}

impl KeyInfo {
    /// The report's view of `key`.
    pub fn of(key: &Key) -> Self {
        Self {
            key_id: key.id(),
            public_key: key.public_key(),
            ssh_public_key: key.ssh_public_key(),
            signer: key.name.clone(),
            principals: key.principals.clone(),
            source: key.source.clone(),
        }
    }
}

/// The package's own state.
#[derive(Debug, Serialize)]
pub struct PackageReport {
    /// The package directory.
    pub dir: String,
    /// Package id from the manifest.
    pub id: Option<String>,
    /// The package's fingerprint (of its manifest), which names this signing of it.
    pub fingerprint: Option<String>,
    /// The fingerprints of the earlier signings its signed manifest says it supersedes.
    pub supersedes: Vec<String>,
    /// Whether the manifest and `SHA256SUMS` are present, agree and are validly signed by
    /// every key in use.
    pub ok: bool,
    /// Signatures of `manifest.json`.
    pub signatures: Vec<SignatureReport>,
    /// Keys without a valid signature of `manifest.json`.
    pub missing: Vec<MissingKey>,
    /// Signatures of `SHA256SUMS`.
    pub sha256sums_signatures: Vec<SignatureReport>,
    /// Other reasons the package does not verify.
    pub problems: Vec<String>,
    /// The manifest, once its signatures verified with the keys in use (what `--rebuild`
    /// compares with); not part of the JSON report.
    #[serde(skip)]
    pub manifest: Option<manifest::Manifest>,
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
    /// Whether it matched with valid signatures by every trusted key and nothing is wrong.
    pub ok: bool,
    /// The document it equals (package), or the name it was signed under.
    pub document: Option<String>,
    /// The role of that document.
    pub role: Option<String>,
    /// The package the signatures attest (from a verified trusted comment or the manifest).
    pub package_id: Option<String>,
    /// The fingerprint of the signing it is a document of: the package's, or the one its
    /// valid signatures name (none in signatures made before accord wrote fingerprints).
    pub fingerprint: Option<String>,
    /// What it is when its signatures are intact but of another signing or package than the
    /// one checked against or expected; it is then no match.
    pub other_signing: Option<OtherSigning>,
    /// Every signature found for it.
    pub signatures: Vec<SignatureReport>,
    /// Keys in use without a valid signature of it.
    pub missing: Vec<MissingKey>,
    /// Other reasons it does not verify.
    pub problems: Vec<String>,
    /// What a copy that is not byte for byte a document of the package is: the closest
    /// document and how it differs (`--package` only; null when nothing is close).
    pub closest: Option<Closest>,
    /// What it certifies, when it is a certified true copy (`accord certify`): from its valid
    /// signatures' trusted comments, or from its certified package's manifest.
    pub certifies: Option<CertifiedCopy>,
}

/// What a certified true copy certifies, and who certified it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertifiedCopy {
    /// The file name of the signed original it is a copy of.
    pub original: String,
    /// The original's SHA-256.
    pub original_sha256: String,
    /// The id of the signed package.
    pub package_id: String,
    /// The fingerprint of the signed package.
    pub fingerprint: String,
    /// The certifier.
    pub certifier: String,
    /// The date of the certification.
    pub date: String,
    /// Its text against the original's (`--original`; null without).
    pub original_text: Option<OriginalText>,
}

/// A certified copy's text against the signed original it certifies (`--original`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginalText {
    /// The original package, as given.
    pub package: String,
    /// Whether it verified with the trusted keys of its signers.
    pub verified: bool,
    /// Whether the copy's text is word for word the original's.
    pub same_text: bool,
    /// The first few differences, in document order.
    pub differences: Vec<Difference>,
    /// How many more differences there are.
    pub more_differences: usize,
    /// What kept the texts from being compared, or the copy from being the original's.
    pub problem: Option<String>,
}

/// A document whose intact signatures (by keys in use) are of another signing or package
/// than the one checked against or expected: what they attest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherSigning {
    /// The file name it was signed under.
    pub document: String,
    /// Its role.
    pub role: String,
    /// The package id they attest.
    pub package_id: String,
    /// The fingerprint of that signing (null in signatures older than fingerprints).
    pub fingerprint: Option<String>,
    /// The fingerprint of the package checked against, when that package declares that it
    /// supersedes this signing.
    pub superseded_by: Option<String>,
}

/// The document of a package closest to a copy that is not byte for byte one of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Closest {
    /// File name of the signed document.
    pub document: String,
    /// Its role.
    pub role: String,
    /// Whether the copy's text is word for word the signed text (a re-saved copy).
    pub same_text: bool,
    /// The first few differences, in document order.
    pub differences: Vec<Difference>,
    /// How many more differences there are.
    pub more_differences: usize,
    /// Why the text cannot be compared exactly, when its text layer is damaged.
    pub damaged_text_layer: Option<String>,
    /// What can be seen of how the copy was re-saved ("it has been linearized").
    pub observations: Vec<String>,
    /// Pages of the signed document and of the copy.
    pub pages: PageCount,
    /// The pages that look different from the signed document's (rendered at low
    /// resolution), and where.
    pub looks_different: Vec<PageDifference>,
    /// Annotations and form fields the copy has and the signed document lacks, in words.
    pub added: Vec<String>,
    /// When the copy is the signed document byte for byte followed by later revisions.
    pub later_revisions: Option<LaterRevisions>,
}

/// How many pages the signed document and the copy have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PageCount {
    /// The signed document's.
    pub signed: usize,
    /// The copy's.
    pub copy: usize,
}

/// A page of a copy that does not look like the signed document's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageDifference {
    /// Page number, from 1.
    pub page: usize,
    /// Where on the page ("between 7.2 and 8.0 cm from the top"), or why it differs.
    #[serde(rename = "where")]
    pub where_: String,
}

/// A signed document followed by revisions saved on top of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaterRevisions {
    /// How many bytes at the start of the copy are the signed document.
    pub signed_bytes: u64,
    /// How many revisions follow.
    pub revisions: usize,
    /// What they add, in words ("a PDF signature by CN=…", "2 annotations (Text)").
    pub adds: Vec<String>,
}

/// One difference between a signed document and a copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// Where it is in the signed document ("Article 2, paragraph 1").
    #[serde(rename = "where")]
    pub where_: String,
    /// The signed words, with a few words of context.
    pub before: String,
    /// The copy's words, with the same context.
    pub after: String,
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

/// The two kinds of signature files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureKind {
    /// minisign (`.minisig`).
    Minisign,
    /// OpenSSH's SSHSIG (`.sshsig`).
    Ssh,
}

/// One signature file.
#[derive(Debug, Serialize)]
pub struct SignatureReport {
    /// Path of the signature file.
    pub file: String,
    /// Its format.
    pub kind: SignatureKind,
    /// Key id the signature carries (minisign), or the `SHA256:` fingerprint of its key (SSH).
    pub key_id: String,
    /// The full public key of the key in use that it was checked with, or the key an SSH
    /// signature names.
    pub public_key: Option<String>,
    /// Signer: the trusted key's name, else the one its verified trusted comment gives.
    pub signer: Option<String>,
    /// Verdict.
    pub status: SignatureStatus,
    /// Why it is not valid.
    pub reason: Option<String>,
    /// The trusted comment of a valid minisign signature, as signed.
    pub trusted_comment: Option<String>,
    /// The Ed25519 key it verified with, to tell which keys in use signed.
    #[serde(skip)]
    pub signed_with: Option<[u8; 32]>,
}

impl SignatureReport {
    /// A report on the signature file `file`, not judged yet.
    pub fn new(file: String, kind: SignatureKind) -> Self {
        Self {
            file,
            kind,
            key_id: String::new(),
            public_key: None,
            signer: None,
            status: SignatureStatus::Malformed,
            reason: None,
            trusted_comment: None,
            signed_with: None,
        }
    }

    /// Sets the verdict and the reason.
    pub fn set(&mut self, status: SignatureStatus, reason: String) {
        self.status = status;
        self.reason = Some(reason);
    }

    /// Records that it is checked with `key`.
    pub fn identify(&mut self, key: &Key) {
        self.key_id = key.id();
        self.public_key = Some(key.public_key());
        self.signer = key.name.clone();
        self.signed_with = Some(key.ed25519.to_bytes());
    }
}

/// Verdict on one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// Verified with a key in use.
    Valid,
    /// Checked with a key in use and does not verify: altered, or not by that key.
    Invalid,
    /// Made by a key not in use; not checked, not counted.
    UnknownKey,
    /// Not a readable signature (not a regular file, too large, malformed); not counted.
    Malformed,
    /// An intact signature of other bytes, or of these bytes as another file, package or
    /// signing; not counted.
    OtherFile,
    /// Valid, by a key that the trusted `allowed_signers` file allows only for other
    /// principals than the signer the package names (`ssh-keygen -Y verify -I SIGNER` would
    /// refuse it); not counted.
    WrongPrincipal,
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
    /// The entry for `key`.
    pub fn of(key: &Key) -> Self {
        Self { key_id: key.id(), source: key.source.clone(), signer: key.name.clone() }
    }

    /// `NAME (key ID, SOURCE)` for messages.
    pub fn describe(&self) -> String {
        match &self.signer {
            Some(name) => format!("{name} (key {}, {})", self.key_id, self.source),
            None => format!("key {} ({})", self.key_id, self.source),
        }
    }
}

impl Report {
    /// One line per reason the verification failed, each escaped ([`visible`]): the lines
    /// hold names from the package.
    pub fn failures(&self) -> Vec<String> {
        self.failure_lines().into_iter().map(|line| visible(&line).into_owned()).collect()
    }

    fn failure_lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self.reason.iter().cloned().collect();
        if let Some(package) = &self.package {
            let name = format!("{}/{}", package.dir, manifest::FILE_NAME);
            out.extend(package.problems.iter().map(|p| format!("{}: {p}", package.dir)));
            out.extend(invalid(&package.signatures));
            out.extend(invalid(&package.sha256sums_signatures));
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
    signatures.iter().filter_map(|s| {
        let what = match s.status {
            SignatureStatus::Invalid => "invalid signature",
            SignatureStatus::WrongPrincipal => "not counted",
            _ => return None,
        };
        Some(format!("{}: {what}: {}", s.file, s.reason.as_deref().unwrap_or("invalid")))
    })
}
