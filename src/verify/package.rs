//! Verifying copies against a package, in steps: open the package (its keys, its manifest and
//! the manifest's signatures, `SHA256SUMS` against the manifest), then match each copy to a
//! document by SHA-256 and check that document's signatures.
//!
//! Every signature must be of this signing: its trusted comment may not name another
//! fingerprint than the manifest's. A copy that is no document of the package may still carry
//! its own signatures (`copy.pdf.minisig` next to it): when they are intact signatures by the
//! keys in use for another signing, it is said what it is, and that this package supersedes
//! it when its manifest says so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;

use super::diagnose::{self, SignedDocument};
use super::findings::Findings;
use super::keys::{self, Key};
use super::report::{
    CertifiedCopy, FileReport, MissingKey, OtherSigning, PackageReport, SignatureKind,
    SignatureReport, SignatureStatus, Status,
};
use super::signatures::{self, Expect, Found, Signing};
use crate::attestation::Attestation;
use crate::digest::FileDigest;
use crate::error::Result;
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::manifest::{self, Manifest};
use crate::minisign::PublicKey;
use crate::package::layout::{self, Listing, SHA256SUMS, SIG_SUFFIX, SSH_SUFFIX};
use crate::package::VerifiedPackage;
use crate::worker::Reader;

/// Said of a copy the reader could not read within its limits.
pub const BEYOND_LIMITS: &str = "accord could not read this copy within its limits (it may have \
                                 been made to exhaust a PDF reader); it is not a signed document";

/// Largest `SHA256SUMS` read: one line of about 100 bytes per document.
const MAX_SHA256SUMS: u64 = 1 << 20;

/// A package opened for verification: its listing, the keys in use, its report so far, its
/// manifest once that verifies, and what the manifest says of the signing.
struct Opened {
    listing: Listing,
    keys: Vec<Key>,
    report: PackageReport,
    manifest: Option<(Manifest, Vec<u8>)>,
    signing: ThisSigning,
    /// The signed documents' texts, read on the first copy that is not one of them.
    signed: Option<Vec<SignedDocument>>,
    /// Whether every document the manifest signs is in the package, as signed.
    intact: bool,
}

/// What the manifest says of the signing: its fingerprint and the signer names it gives keys.
#[derive(Default)]
struct ThisSigning {
    fingerprint: Option<Fingerprint>,
    names: Vec<(VerifyingKey, String)>,
}

impl ThisSigning {
    /// What the signatures of `file` must attest, besides its bytes.
    fn expect<'a>(&'a self, file: &'a str, package: &'a str) -> Expect<'a> {
        Expect {
            file: Some(file),
            package: Some(package),
            signing: self.fingerprint.as_ref().map_or(Signing::Any, Signing::Package),
            names: &self.names,
        }
    }
}

/// Each file against the documents of the package in `dir`, with the `trusted` keys (none:
/// the package's own, untrusted); with `expected`, the package must be that signing. No
/// file: the package's own documents, as its verified manifest lists them. Copies that are no
/// document are read by `reader`.
pub fn verify(
    files: &[PathBuf],
    dir: &Path,
    trusted: Option<Vec<Key>>,
    expected: Option<&Fingerprint>,
    reader: Option<&Reader>,
) -> Result<Findings> {
    let mut opened = open(dir, trusted)?;
    let own: Vec<PathBuf> = match (files.is_empty(), &opened.manifest) {
        (true, Some((manifest, _))) => manifest.files.iter().map(|f| dir.join(&f.name)).collect(),
        _ => Vec::new(),
    };
    let files = if files.is_empty() { &own } else { files };
    let mut reports = Vec::with_capacity(files.len());
    for path in files {
        let digest = FileDigest::of_file(path)?;
        let mut report = match_copy(&mut opened, path.display().to_string(), &digest)?;
        if report.status == Status::NoMatch {
            other_signing(&opened, path, &digest, &mut report);
            if let Some(reader) = reader {
                explain(&mut opened, path, &mut report, reader);
            }
        }
        reports.push(report);
    }
    if let Some(expected) = expected {
        expect_signing(&mut opened.report, &mut reports, expected);
    }
    // The readers of the signed documents are all stopped first, then reaped as they drop.
    opened.signed.iter().flatten().for_each(SignedDocument::stop);
    Ok(Findings { keys: opened.keys, package: Some(opened.report), files: reports })
}

/// Fails the package, and makes each of its documents no match, when it is not the signing
/// `expected`.
fn expect_signing(package: &mut PackageReport, files: &mut [FileReport], expected: &Fingerprint) {
    let Some(found) = package.fingerprint.clone().filter(|found| found != expected.as_str()) else {
        return;
    };
    let newer = if package.supersedes.iter().any(|f| f == expected.as_str()) {
        "; it is a later signing, which says it supersedes the one you expect"
    } else {
        ""
    };
    package
        .problems
        .push(format!("its fingerprint is {found}, not {expected}, the one you expect{newer}"));
    package.ok = false;
    for file in files {
        file.ok = false;
        if let (Status::Match, Some(document), Some(role), Some(package_id)) =
            (file.status, &file.document, &file.role, &file.package_id)
        {
            file.status = Status::NoMatch;
            file.other_signing = Some(OtherSigning {
                document: document.clone(),
                role: role.clone(),
                package_id: package_id.clone(),
                fingerprint: Some(found.clone()),
                superseded_by: None,
            });
        }
    }
}

/// What the document `name` of the certified package `manifest` certifies, if it is a
/// certified true copy.
fn certified_copy(manifest: &Manifest, name: &str) -> Option<CertifiedCopy> {
    let certifies = manifest.certifies.as_ref()?;
    let file = certifies.files.iter().find(|f| f.name == name)?;
    Some(CertifiedCopy {
        original: file.original.clone(),
        original_sha256: file.sha256.clone(),
        package_id: certifies.package.clone(),
        fingerprint: certifies.fingerprint.to_string(),
        certifier: certifies.certifier.clone(),
        date: certifies.date.clone(),
        original_text: None,
    })
}

/// Says in `report` what the copy at `path` (with `digest`), which is no document of the
/// package, is when its own signatures, next to it, are intact signatures by the keys in use
/// of another signing or package: and whether this package supersedes it. A signature there
/// that cannot be read changes nothing: the copy is no match either way.
fn other_signing(opened: &Opened, path: &Path, digest: &FileDigest, report: &mut FileReport) {
    let (Some((manifest, _)), Some(fingerprint)) = (&opened.manifest, &opened.signing.fingerprint)
    else {
        return;
    };
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else { return };
    let Ok(listing) = Listing::read(fsio::parent(path)) else { return };
    let mut keys = opened.keys.clone();
    let expect = Expect {
        file: None,
        package: Some(&manifest.package),
        signing: Signing::Package(fingerprint),
        names: &opened.signing.names,
    };
    let Ok(found) = signatures::check(&listing, name, digest, &mut keys, expect) else { return };
    let Some(other) = found.other else { return };
    let superseded = other.package == manifest.package
        && other.fingerprint.as_ref().is_some_and(|f| manifest.supersedes.contains(f));
    report.fingerprint = other.fingerprint.as_ref().map(Fingerprint::to_string);
    report.other_signing = Some(OtherSigning {
        document: other.file,
        role: other.role,
        package_id: other.package,
        fingerprint: report.fingerprint.clone(),
        superseded_by: superseded.then(|| fingerprint.to_string()),
    });
    report.signatures = found.signatures;
}

/// Every document of the package in `dir` in place, for co-signing with the key `own`: the
/// report, and what was verified when the manifest verifies.
pub fn whole(
    dir: &Path,
    trusted: Option<Vec<Key>>,
    own: &VerifyingKey,
) -> Result<(Findings, Option<VerifiedPackage>)> {
    let checks_every_signer = trusted.is_some();
    let mut opened = open(dir, trusted)?;
    if checks_every_signer {
        // Every signer the package holds a key of must be among the trusted keys, but for the
        // co-signer's own key, which an interrupted run of theirs may have left.
        for key in keys::found_in(&opened.listing).0.into_iter().filter(|k| k.ed25519 != *own) {
            if !opened.keys.iter().any(|k| k.ed25519 == key.ed25519) {
                opened.report.ok = false;
                opened.report.problems.push(format!(
                    "it is also signed by {} ({}), whose key is not among the trusted keys: \
                     compare it with the key that signer published and pass it too",
                    key.describe(),
                    key.source
                ));
            }
        }
    }
    let Some((manifest, manifest_bytes)) = opened.manifest.clone() else {
        let findings =
            Findings { keys: opened.keys, package: Some(opened.report), files: Vec::new() };
        return Ok((findings, None));
    };
    let mut reports = Vec::with_capacity(manifest.files.len());
    let mut documents = Vec::with_capacity(manifest.files.len());
    for entry in &manifest.files {
        if !opened.listing.contains(&entry.name) {
            continue; // reported by `open`
        }
        let path = dir.join(&entry.name);
        let digest = FileDigest::of_file(&path)?;
        reports.push(match_copy(&mut opened, path.display().to_string(), &digest)?);
        documents.push(digest);
    }
    opened.report.ok = opened.report.ok && opened.report.problems.is_empty();
    let mut signature_files = BTreeMap::new();
    signature_files
        .insert(manifest::FILE_NAME.to_string(), valid_minisigs(&opened.report.signatures));
    signature_files
        .insert(SHA256SUMS.to_string(), valid_minisigs(&opened.report.sha256sums_signatures));
    for (entry, report) in manifest.files.iter().zip(&reports) {
        signature_files.insert(entry.name.clone(), valid_minisigs(&report.signatures));
    }
    let signers = signers(&opened.keys, &opened.report.signatures);
    let sealed = VerifiedPackage { manifest, manifest_bytes, documents, signers, signature_files };
    let findings = Findings { keys: opened.keys, package: Some(opened.report), files: reports };
    Ok((findings, Some(sealed)))
}

/// Reads the package in `dir` and checks its manifest and `SHA256SUMS`.
fn open(dir: &Path, trusted: Option<Vec<Key>>) -> Result<Opened> {
    let listing = Listing::read(dir)?;
    let mut report = PackageReport {
        dir: dir.display().to_string(),
        id: None,
        fingerprint: None,
        supersedes: Vec::new(),
        ok: false,
        signatures: Vec::new(),
        missing: Vec::new(),
        sha256sums_signatures: Vec::new(),
        problems: Vec::new(),
        manifest: None,
    };
    let untrusted = trusted.is_none();
    let mut keys = match trusted {
        Some(mut keys) => {
            keys::name_ids(&mut keys, &keys::labels_in(&listing));
            keys
        }
        None => {
            let (keys, problems) = keys::found_in(&listing);
            report.problems.extend(problems);
            keys
        }
    };
    if keys.is_empty() {
        report.problems.push("no public key to check with (none given, none in it)".into());
    }
    if layout::is_staging(dir) {
        report.problems.push(
            "this is the staging directory of an unfinished accord build, not a published \
             package"
                .into(),
        );
    }
    let mut signing = ThisSigning::default();
    let manifest = if listing.contains(manifest::FILE_NAME) {
        let (manifest, bytes) =
            check_manifest(&listing, &mut keys, untrusted, &mut report, &mut signing)?;
        check_sums(&listing, &manifest, &mut keys, &mut report, &signing)?;
        Some((manifest, bytes))
    } else {
        report.problems.push(format!("incomplete package: no {}", manifest::FILE_NAME));
        None
    };
    report.ok = report.ok && report.problems.is_empty() && report.missing.is_empty();
    let manifest = manifest.filter(|_| report.ok);
    let mut intact = true;
    if let Some((manifest, _)) = &manifest {
        // Before anything is said of a copy: the package's own documents as signed.
        intact = check_documents(&listing, manifest, &mut report)?;
        report.ok = intact;
    }
    report.manifest = manifest.as_ref().map(|(manifest, _)| manifest.clone());
    Ok(Opened { listing, keys, report, manifest, signing, signed: None, intact })
}

/// Checks that every document the verified `manifest` signs is in the package with the bytes
/// it signs, into `report`; whether they all are.
fn check_documents(
    listing: &Listing,
    manifest: &Manifest,
    report: &mut PackageReport,
) -> Result<bool> {
    let before = report.problems.len();
    for entry in &manifest.files {
        if !listing.contains(&entry.name) {
            report.problems.push(format!("{} is missing", entry.name));
            continue;
        }
        let digest = FileDigest::of_file(&listing.dir.join(&entry.name))?;
        if digest.sha256_hex() != entry.sha256 {
            report.problems.push(format!(
                "{} no longer matches {} (sha256 {}, expected {})",
                entry.name,
                manifest::FILE_NAME,
                digest.sha256_hex(),
                entry.sha256
            ));
        }
    }
    Ok(report.problems.len() == before)
}

/// Reads `manifest.json` and checks its signatures into `report`; `signing` learns what it
/// says of the signing.
fn check_manifest(
    listing: &Listing,
    keys: &mut [Key],
    untrusted: bool,
    report: &mut PackageReport,
    signing: &mut ThisSigning,
) -> Result<(Manifest, Vec<u8>)> {
    let (manifest, bytes) = manifest::read(&listing.dir)?;
    let digest = FileDigest::of_bytes(&bytes);
    let fingerprint = Fingerprint::of_manifest(&bytes);
    report.fingerprint = Some(fingerprint.to_string());
    report.supersedes = manifest.supersedes.iter().map(Fingerprint::to_string).collect();
    signing.fingerprint = Some(fingerprint);
    if untrusted {
        // A signer the manifest names must not vanish with its key file.
        for signer in &manifest.signers {
            let claimed = signer.key(manifest::FILE_NAME)?;
            if !keys.iter().any(|k| k.ed25519 == claimed.key) {
                report.missing.push(MissingKey {
                    key_id: signer.key_id.clone(),
                    source: format!("{} named in {}", signer.public_key_file, manifest::FILE_NAME),
                    signer: Some(signer.name.clone()),
                });
            }
        }
    }
    let signed_keys: Vec<_> = manifest
        .signers
        .iter()
        .filter_map(|s| Some((s.key(manifest::FILE_NAME).ok()?, s.name.clone())))
        .collect();
    let signed_labels: Vec<_> = signed_keys.iter().map(|(key, _)| (key.key, key.key_id)).collect();
    keys::name_ids(keys, &signed_labels);
    signing.names = signed_keys.into_iter().map(|(key, name)| (key.key, name)).collect();
    let expect = signing.expect(manifest::FILE_NAME, &manifest.package);
    let found = signatures::check(listing, manifest::FILE_NAME, &digest, keys, expect)?;
    if found.signatures.is_empty() {
        report.problems.push(format!(
            "incomplete package: {0} is not signed (no {0}{SIG_SUFFIX}, no {0}{SSH_SUFFIX})",
            manifest::FILE_NAME
        ));
    }
    report.ok = found.any_valid();
    report.signatures = found.signatures;
    report.missing.extend(found.missing);
    report.id = Some(manifest.package.clone());
    Ok((manifest, bytes))
}

/// Checks that `SHA256SUMS` lists exactly the manifest's documents and hashes, and its
/// signatures, into `report`.
fn check_sums(
    listing: &Listing,
    manifest: &Manifest,
    keys: &mut [Key],
    report: &mut PackageReport,
    signing: &ThisSigning,
) -> Result<()> {
    if !listing.contains(SHA256SUMS) {
        report.problems.push(format!("{SHA256SUMS} is missing"));
        return Ok(());
    }
    let bytes = fsio::read_regular(&listing.dir.join(SHA256SUMS), "checksum list", MAX_SHA256SUMS)?;
    let text = String::from_utf8_lossy(&bytes);
    let expected = manifest.sha256sums();
    for line in text.lines().filter(|line| !expected.lines().any(|e| e == *line)) {
        report.problems.push(format!(
            "{SHA256SUMS} has the line {:?}, which is not in the signed {}",
            line,
            manifest::FILE_NAME
        ));
    }
    for line in expected.lines().filter(|line| !text.lines().any(|l| l == *line)) {
        report.problems.push(format!(
            "{SHA256SUMS} lacks the line {line:?} of the signed {}",
            manifest::FILE_NAME
        ));
    }
    if text != expected && text.lines().eq(expected.lines()) {
        report.problems.push(format!("{SHA256SUMS} has other line ends than accord writes"));
    } else if text != expected && report.problems.is_empty() {
        report.problems.push(format!("{SHA256SUMS} lists its lines in another order"));
    }
    let expect = signing.expect(SHA256SUMS, &manifest.package);
    let found =
        signatures::check(listing, SHA256SUMS, &FileDigest::of_bytes(&bytes), keys, expect)?;
    report.problems.extend(
        found
            .missing
            .iter()
            .map(|m| format!("{SHA256SUMS}: no valid signature by {}", m.describe())),
    );
    report.sha256sums_signatures = found.signatures;
    Ok(())
}

/// The report of one copy with digest `digest`, matched against the opened package.
fn match_copy(opened: &mut Opened, path: String, digest: &FileDigest) -> Result<FileReport> {
    let mut report = FileReport {
        path,
        sha256: digest.sha256_hex(),
        size: digest.size,
        status: Status::Unverified,
        ok: false,
        document: None,
        role: None,
        package_id: opened.report.id.clone(),
        fingerprint: None,
        other_signing: None,
        signatures: Vec::new(),
        missing: Vec::new(),
        problems: Vec::new(),
        closest: None,
        certifies: None,
    };
    let Some((manifest, _)) = &opened.manifest else {
        report.problems.push("the package does not verify".into());
        return Ok(report);
    };
    let Some(entry) = manifest.file_by_sha256(&report.sha256) else {
        report.status = Status::NoMatch;
        return Ok(report);
    };
    let (name, role) = (entry.name.clone(), entry.role.clone());
    let expect = opened.signing.expect(&name, &manifest.package);
    let found = signatures::check(&opened.listing, &name, digest, &mut opened.keys, expect)?;
    if found.signatures.is_empty() {
        report.problems.push(format!("{name} has no signature in the package"));
    }
    report.status = Status::Match;
    report.ok = found.missing.is_empty() && found.any_valid() && report.problems.is_empty();
    report.certifies = certified_copy(manifest, &name);
    report.document = Some(name);
    report.role = Some(role);
    report.fingerprint = opened.signing.fingerprint.as_ref().map(Fingerprint::to_string);
    let Found { signatures, missing, .. } = found;
    report.signatures = signatures;
    report.missing = missing;
    Ok(report)
}

/// Says in `report` what the copy at `path`, which is no document of the package, is. The
/// signed documents are read (once) while the copy is.
fn explain(opened: &mut Opened, path: &Path, report: &mut FileReport, reader: &Reader) {
    let Some((manifest, _)) = &opened.manifest else { return };
    if !opened.intact {
        report.problems.push(
            "the package's documents are not all as its manifest signs them (above), so accord \
             does not say what this copy is"
                .into(),
        );
        return;
    }
    let bytes = match fsio::read_regular(path, "copy", diagnose::MAX_PDF) {
        Ok(bytes) => bytes,
        Err(err) => {
            report.problems.push(format!(
                "its text cannot be read ({}), so accord cannot say what it is",
                err.message
            ));
            return;
        }
    };
    // The copy is read while the signed documents are.
    let mut copy = reader.start(&bytes);
    let dir = &opened.listing.dir;
    let package = manifest.package.clone();
    let signed = opened.signed.get_or_insert_with(|| diagnose::read_signed(dir, manifest, reader));
    match diagnose::explain(&bytes, &mut copy, signed) {
        Ok(Some(closest)) => report.closest = Some(closest),
        Ok(None) => match signed.iter().find_map(|doc| Some((doc.name(), doc.unread()?))) {
            None => report.problems.push(format!(
                "its text is not close to that of any document of package {package}: it is not \
                 one of them"
            )),
            Some((name, why)) => report.problems.push(format!(
                "its text is not close to that of the documents of package {package} accord \
                 could read, but {name} could not be read ({why}), so accord cannot say what it is"
            )),
        },
        Err(why) if why.exceeds_limits() => {
            report.problems.push(format!("{BEYOND_LIMITS} (what stopped it: {why})"));
        }
        Err(why) => report
            .problems
            .push(format!("its text cannot be read ({why}), so accord cannot say what it is")),
    }
}

/// The file names of the valid minisign signatures among `signatures`.
fn valid_minisigs(signatures: &[SignatureReport]) -> Vec<String> {
    signatures
        .iter()
        .filter(|s| s.status == SignatureStatus::Valid && s.kind == SignatureKind::Minisign)
        .filter_map(|s| Path::new(&s.file).file_name()?.to_str().map(str::to_string))
        .collect()
}

/// Each key in use with a known key id, named as its valid signature of the manifest says.
fn signers(keys: &[Key], manifest_signatures: &[SignatureReport]) -> Vec<(String, PublicKey)> {
    keys.iter()
        .filter_map(|key| {
            let signature = manifest_signatures.iter().find(|s| {
                s.status == SignatureStatus::Valid && s.signed_with == Some(key.ed25519.to_bytes())
            })?;
            let named = signature.trusted_comment.as_deref().and_then(Attestation::parse);
            let name = named.map(|a| a.signer).or_else(|| key.name.clone()).unwrap_or_default();
            Some((name, PublicKey { key_id: key.key_id?, key: key.ed25519 }))
        })
        .collect()
}
