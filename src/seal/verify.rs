//! Checking copies against signed documents: the engine behind `accord verify`, and the
//! integrity check `accord sign` runs before co-signing.
//!
//! Signatures are found by name (`FILE.minisig` and `FILE.SIGNER.minisig` next to the file, or
//! next to the matching document of a package) and matched to keys by key id. Keys passed with
//! `--key` are trusted; without them the `*.pub` files found next to the file or in the package
//! are used, and the report says they are untrusted. Every key in use must have a valid
//! signature on every file; a signature by a key not in use is reported but not counted.
//!
//! With a package, the copy is matched by SHA-256 against `manifest.json`, and only after the
//! manifest's own signatures verify: a package without a signed manifest never verifies.
//! Malformed files (keys, signatures, manifest) and I/O errors are errors (exit 2); everything
//! else ends up in the [`Report`], whose `ok` decides between exit 0 and 1.
//!
//! The report serializes to the stable JSON of `accord verify --json`:
//!
//! ```json
//! {
//!   "format": "accord-verify/1",
//!   "ok": false,
//!   "keys_trusted": true,
//!   "keys": [{ "key_id": "647A1C9EF8A079CB", "public_key": "RW…", "source": "alice.pub" }],
//!   "package": {                                  // null without --package
//!     "dir": "out/un-iom-2016", "id": "un-iom-2016", "ok": true,
//!     "signatures": [SIGNATURE…], "missing": [MISSING…], "problems": ["…"]
//!   },
//!   "files": [{
//!     "path": "copy.pdf", "sha256": "<64 hex>", "size": 12345,
//!     "status": "match",                          // or "no_match", or "unverified" (package bad)
//!     "ok": false,
//!     "document": "agreement-original-2.pdf",     // or null
//!     "role": "agreement, original 2 of 2",       // or null
//!     "signatures": [{ "file": "out/…/agreement-original-2.pdf.minisig",
//!                      "key_id": "647A1C9EF8A079CB", "signer": "Alice",   // signer may be null
//!                      "status": "valid",         // or "invalid", or "unknown_key"
//!                      "reason": null }],         // why invalid
//!     "missing": [{ "key_id": "…", "source": "carol.pub", "signer": "carol" }],
//!     "problems": ["…"]
//!   }]
//! }
//! ```

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::comment::Attestation;
use super::{hex, FileDigest, PUB_SUFFIX, SIG_SUFFIX};
use crate::error::{Error, Result};
use crate::manifest::{self, Manifest};
use crate::minisign::{PublicKey, Signature};

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

/// The file names in a directory, for finding signatures and keys.
pub struct Listing {
    dir: PathBuf,
    names: BTreeSet<String>,
}

impl Listing {
    /// Lists `dir` (not a directory or unreadable: exit 2).
    pub fn read(dir: &Path) -> Result<Self> {
        let entries = fs::read_dir(dir).map_err(|err| Error::io("read directory", dir, err))?;
        let mut names = BTreeSet::new();
        for entry in entries {
            let entry = entry.map_err(|err| Error::io("read directory", dir, err))?;
            // Names that are not UTF-8 are never accord's.
            if let Ok(name) = entry.file_name().into_string() {
                names.insert(name);
            }
        }
        Ok(Self { dir: dir.to_path_buf(), names })
    }

    /// Whether the directory has an entry `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// `FILE.minisig` (the builder's), then every `FILE.SIGNER.minisig` sorted (SIGNER without
    /// dots, and no file `FILE.SIGNER` whose own signature it would be).
    fn signatures_of(&self, file: &str) -> Vec<String> {
        let own = format!("{file}{SIG_SUFFIX}");
        let prefix = format!("{file}.");
        let cosigned = self.names.iter().filter(|name| {
            name.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(SIG_SUFFIX)).is_some_and(
                |signer| {
                    !signer.is_empty()
                        && !signer.contains('.')
                        && !self.contains(&format!("{file}.{signer}"))
                },
            )
        });
        self.names.get(&own).into_iter().chain(cosigned).cloned().collect()
    }

    /// The public keys in the directory (`*.pub`), untrusted.
    fn public_keys(&self) -> Result<Vec<KnownKey>> {
        let mut keys = Vec::new();
        for name in self.names.iter().filter(|n| n.ends_with(PUB_SUFFIX) && !n.starts_with('.')) {
            let path = self.dir.join(name);
            let bytes = fs::read(&path).map_err(|err| Error::io("read public key", &path, err))?;
            let source = path.display().to_string();
            let key = PublicKey::parse(&bytes, &source)?;
            let stem = name.strip_suffix(PUB_SUFFIX).map(str::to_string);
            push_unique(&mut keys, KnownKey { key, source, name: stem });
        }
        Ok(keys)
    }
}

/// A key in use and where it came from.
#[derive(Debug, Clone)]
struct KnownKey {
    key: PublicKey,
    source: String,
    name: Option<String>,
}

fn push_unique(keys: &mut Vec<KnownKey>, key: KnownKey) {
    if !keys.iter().any(|k| k.key.key_id == key.key.key_id) {
        keys.push(key);
    }
}

/// Parses `--key` values: a public key file, or the one-line `RW…` form.
fn trusted_keys(args: &[String]) -> Result<Vec<KnownKey>> {
    let mut keys = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        let key = if arg.starts_with("RW") && !path.exists() {
            KnownKey { key: PublicKey::from_base64(arg, "--key")?, source: arg.clone(), name: None }
        } else {
            let bytes = fs::read(path).map_err(|err| Error::io("read public key", path, err))?;
            let key = PublicKey::parse(&bytes, arg)?;
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            KnownKey { key, source: arg.clone(), name: stem }
        };
        push_unique(&mut keys, key);
    }
    Ok(keys)
}

/// Checks `files`, against the package in `package` if given, with the `--key` values `keys`
/// (none: the untrusted keys found next to the files or in the package).
pub fn verify(files: &[PathBuf], package: Option<&Path>, keys: &[String]) -> Result<Report> {
    let trusted = trusted_keys(keys)?;
    let keys_trusted = !keys.is_empty();
    let (used, package, files) = match package {
        Some(dir) => verify_package(files, dir, keys_trusted.then_some(trusted))?,
        None => verify_standalone(files, keys_trusted.then_some(trusted))?,
    };
    let ok = !files.is_empty()
        && files.iter().all(|file| file.ok)
        && package.as_ref().is_none_or(|package| package.ok);
    let keys = used
        .iter()
        .map(|k| KeyInfo {
            key_id: k.key.key_id.to_string(),
            public_key: k.key.to_base64(),
            source: k.source.clone(),
        })
        .collect();
    Ok(Report { format: FORMAT, ok, keys_trusted, keys, package, files })
}

type Checked = (Vec<KnownKey>, Option<PackageReport>, Vec<FileReport>);

/// Each file against the signatures next to it.
fn verify_standalone(files: &[PathBuf], trusted: Option<Vec<KnownKey>>) -> Result<Checked> {
    let mut dirs: BTreeMap<PathBuf, (Listing, Vec<KnownKey>)> = BTreeMap::new();
    let mut used = trusted.clone().unwrap_or_default();
    let mut reports = Vec::with_capacity(files.len());
    for path in files {
        let digest = FileDigest::of_file(path)?;
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| Error::usage(format!("{}: not a file name", path.display())))?;
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let (listing, keys) = match dirs.entry(dir) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                let listing = Listing::read(entry.key())?;
                let keys = match &trusted {
                    Some(keys) => keys.clone(),
                    None => listing.public_keys()?,
                };
                keys.iter().for_each(|key| push_unique(&mut used, key.clone()));
                entry.insert((listing, keys))
            }
        };
        let found = check(listing, name, &digest, keys, Expect::default())?;
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
        reports.push(FileReport {
            path: path.display().to_string(),
            sha256: hex(&digest.sha256),
            size: digest.size,
            status,
            ok,
            document,
            role,
            signatures: found.signatures,
            missing: found.missing,
            problems,
        });
    }
    Ok((used, None, reports))
}

/// Each file against the documents of the package in `dir`.
fn verify_package(
    files: &[PathBuf],
    dir: &Path,
    trusted: Option<Vec<KnownKey>>,
) -> Result<Checked> {
    let listing = Listing::read(dir)?;
    let untrusted = trusted.is_none();
    let keys = match trusted {
        Some(keys) => keys,
        None => listing.public_keys()?,
    };
    let mut package = PackageReport {
        dir: dir.display().to_string(),
        id: None,
        ok: false,
        signatures: Vec::new(),
        missing: Vec::new(),
        problems: Vec::new(),
    };
    if keys.is_empty() {
        package.problems.push("no public key to check with (no --key, no .pub file in it)".into());
    }
    if crate::package::is_staging(dir) {
        package.problems.push(
            "this is the staging directory of an unfinished accord build, not a published \
             package"
                .into(),
        );
    }
    let manifest = if listing.contains(manifest::FILE_NAME) {
        let path = dir.join(manifest::FILE_NAME);
        let bytes = fs::read(&path).map_err(|err| Error::io("read", &path, err))?;
        let manifest = Manifest::parse(&bytes, &path)?;
        let expect = Expect { file: Some(manifest::FILE_NAME), package: Some(&manifest.package) };
        let found =
            check(&listing, manifest::FILE_NAME, &FileDigest::of_bytes(&bytes), &keys, expect)?;
        if found.signatures.is_empty() {
            package.problems.push(format!(
                "incomplete package: {0} is not signed (no {0}{SIG_SUFFIX})",
                manifest::FILE_NAME
            ));
        }
        package.ok = found.clean() && found.any_valid();
        package.signatures = found.signatures;
        package.missing = found.missing;
        if untrusted {
            // A signer the manifest names must not vanish with its key file.
            for signer in &manifest.signers {
                if !keys.iter().any(|k| k.key.key_id.to_string() == signer.key_id) {
                    package.missing.push(MissingKey {
                        key_id: signer.key_id.clone(),
                        source: format!(
                            "{} named in {}",
                            signer.public_key_file,
                            manifest::FILE_NAME
                        ),
                        signer: Some(signer.name.clone()),
                    });
                }
            }
        }
        package.id = Some(manifest.package.clone());
        Some(manifest)
    } else {
        package.problems.push(format!("incomplete package: no {}", manifest::FILE_NAME));
        None
    };
    package.ok = package.ok && package.problems.is_empty() && package.missing.is_empty();
    let mut reports = Vec::with_capacity(files.len());
    for path in files {
        let digest = FileDigest::of_file(path)?;
        let sha256 = hex(&digest.sha256);
        let mut report = FileReport {
            path: path.display().to_string(),
            sha256: sha256.clone(),
            size: digest.size,
            status: Status::Unverified,
            ok: false,
            document: None,
            role: None,
            signatures: Vec::new(),
            missing: Vec::new(),
            problems: Vec::new(),
        };
        match manifest.as_ref().filter(|_| package.ok) {
            None => report.problems.push("the package does not verify".into()),
            Some(manifest) => match manifest.file_by_sha256(&sha256) {
                None => {
                    report.status = Status::NoMatch;
                    report.problems.push(format!(
                        "not identical to any document of package {}",
                        manifest.package
                    ));
                }
                Some(entry) => {
                    let expect =
                        Expect { file: Some(&entry.name), package: Some(&manifest.package) };
                    let found = check(&listing, &entry.name, &digest, &keys, expect)?;
                    if found.signatures.is_empty() {
                        report
                            .problems
                            .push(format!("{} has no signature in the package", entry.name));
                    }
                    report.status = Status::Match;
                    report.ok = found.clean() && found.any_valid() && report.problems.is_empty();
                    report.document = Some(entry.name.clone());
                    report.role = Some(entry.role.clone());
                    report.signatures = found.signatures;
                    report.missing = found.missing;
                }
            },
        }
        reports.push(report);
    }
    Ok((keys, Some(package), reports))
}

/// What the trusted comment of a valid signature must say, besides the file's SHA-256.
#[derive(Default, Clone, Copy)]
struct Expect<'a> {
    file: Option<&'a str>,
    package: Option<&'a str>,
}

/// The signatures of one file.
struct Found {
    signatures: Vec<SignatureReport>,
    missing: Vec<MissingKey>,
    attestation: Option<Attestation>,
}

impl Found {
    fn any_valid(&self) -> bool {
        self.signatures.iter().any(|s| s.status == SignatureStatus::Valid)
    }

    /// No invalid signature and no key without a valid one.
    fn clean(&self) -> bool {
        self.missing.is_empty()
            && self.signatures.iter().all(|s| s.status != SignatureStatus::Invalid)
    }
}

/// Checks every signature of `file` in `listing` against `digest` with `keys`.
fn check(
    listing: &Listing,
    file: &str,
    digest: &FileDigest,
    keys: &[KnownKey],
    expect: Expect<'_>,
) -> Result<Found> {
    let sha256 = hex(&digest.sha256);
    let mut signatures = Vec::new();
    let mut attestation = None;
    for name in listing.signatures_of(file) {
        let path = listing.dir.join(&name);
        let bytes = fs::read(&path).map_err(|err| Error::io("read signature", &path, err))?;
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
            match judge(&signature, key, digest, &sha256, expect) {
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
    sha256: &str,
    expect: Expect<'_>,
) -> std::result::Result<Option<Attestation>, String> {
    signature.verify(&key.key, &digest.blake2b512).map_err(|invalid| invalid.to_string())?;
    let Some(attestation) = Attestation::parse(&signature.trusted_comment) else {
        return Ok(None);
    };
    if attestation.sha256 != sha256 {
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
