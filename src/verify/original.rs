//! A certified true copy against the signed original it certifies (`accord verify
//! --original PACKAGE`): the original package must verify with its signers' trusted keys and
//! be the signing the copy names (its fingerprint), and the copy's text must be word for word
//! the original's, once the copy's own additions are set aside: the mark after each
//! signatory's name (the catalog's `signed_mark`), the footers, and the certificate, which is
//! the pages the copy has beyond the original's. A difference is located by article and
//! paragraph, as for any copy ([`diagnose`]).

use std::path::{Path, PathBuf};

use super::diagnose::{self, SignedText};
use super::report::{OriginalText, Report};
use crate::chars::Shown as _;
use crate::digest::sha256_hex;
use crate::fsio;
use crate::pdftext::Text;
use crate::set::{StructureSpec, TemplateSet};
use crate::worker::Reader;

/// Checks every certified copy among `files` (reported in `report`) against the signed
/// original package in `dir`, as `signed` reports its verification with the trusted keys of
/// its signers; the report is then ok only if each is word for word the original it
/// certifies.
pub fn check(report: &mut Report, files: &[PathBuf], dir: &Path, signed: &Report, reader: &Reader) {
    let package = signed.package.as_ref();
    let manifest = package.and_then(|p| p.manifest.as_ref()).filter(|_| signed.ok);
    let fingerprint = package.and_then(|p| p.fingerprint.clone()).unwrap_or_default();
    let shown = dir.shown();
    let mark = TemplateSet::builtin()
        .ok()
        .and_then(|set| set.catalog.certification.as_ref())
        .map(|c| c.signed_mark.clone())
        .unwrap_or_default();
    for (file, path) in report.files.iter_mut().zip(files) {
        let Some(certifies) = file.certifies.as_mut() else { continue };
        let mut checked = OriginalText {
            package: shown.clone(),
            verified: manifest.is_some(),
            same_text: false,
            differences: Vec::new(),
            more_differences: 0,
            problem: None,
        };
        checked.problem = match manifest {
            None => Some(format!(
                "the original package {shown} does not verify with the keys given with \
                 --original-key ({}), so nothing says it is the signed original",
                signed.reason.as_deref().unwrap_or("no trusted key")
            )),
            Some(_) if certifies.fingerprint != fingerprint => Some(format!(
                "it certifies {} of the signing with fingerprint {} (package {}), but the \
                 original package {shown} is another signing, with fingerprint {fingerprint} \
                 (package {}): a superseded or another signing's copy",
                certifies.original,
                certifies.fingerprint,
                certifies.package_id,
                package.and_then(|p| p.id.as_deref()).unwrap_or_default()
            )),
            Some(manifest) => compare(path, dir, manifest, certifies, &mark, reader, &mut checked),
        };
        if checked.problem.is_some() || !checked.same_text {
            file.ok = false;
        }
        certifies.original_text = Some(checked);
    }
    if report.files.iter().any(|f| !f.ok) && report.ok {
        report.ok = false;
        let failed = report.files.iter().filter(|f| !f.ok).count();
        report.reason = Some(format!(
            "{failed} of {} file(s) are not word for word the original they certify",
            report.files.len()
        ));
    }
}

/// Compares the words of the copy at `path` with those of the original it certifies in
/// `dir`, into `checked`; the problem that kept them from being compared, if any.
fn compare(
    path: &Path,
    dir: &Path,
    manifest: &crate::manifest::Manifest,
    certifies: &super::report::CertifiedCopy,
    mark: &str,
    reader: &Reader,
    checked: &mut OriginalText,
) -> Option<String> {
    let Some(entry) = manifest.files.iter().find(|f| f.name == certifies.original) else {
        return Some(format!("the original package has no {}", certifies.original));
    };
    if entry.sha256 != certifies.original_sha256 {
        return Some(format!(
            "{} in the original package is not the document the copy certifies (another SHA-256)",
            entry.name
        ));
    }
    let original = match fsio::read_regular(&dir.join(&entry.name), "document", diagnose::MAX_PDF) {
        Ok(bytes) if sha256_hex(&bytes) == entry.sha256 => bytes,
        Ok(_) => return Some(format!("{} is not as the original package signs it", entry.name)),
        Err(err) => return Some(err.message),
    };
    let copy = match fsio::read_regular(path, "copy", diagnose::MAX_PDF) {
        Ok(bytes) => bytes,
        Err(err) => return Some(err.message),
    };
    let (original, copy) = match (reader.read(&original, false), reader.read(&copy, false)) {
        (Ok(original), Ok(copy)) => (original.text, copy.text),
        (Err(why), _) => return Some(format!("{} cannot be read: {why}", entry.name)),
        (_, Err(why)) => return Some(format!("the copy cannot be read: {why}")),
    };
    let original = Text {
        pages: original.pages,
        words: original.words.into_iter().filter(|w| !w.footer).collect(),
    };
    let copy = Text {
        pages: copy.pages,
        words: copy
            .words
            .into_iter()
            .filter(|w| !w.footer && w.text != mark && w.page <= original.pages)
            .collect(),
    };
    let catalog = TemplateSet::builtin().ok().map(|set| &set.catalog);
    let plain = StructureSpec::default();
    let spec = catalog.and_then(|c| c.structure_of(&entry.name)).unwrap_or(&plain);
    let signed = SignedText { name: &entry.name, role: &entry.role, text: &original, spec };
    match diagnose::diagnose(&copy, &[signed]) {
        Some(closest) => {
            checked.same_text = closest.same_text;
            checked.differences = closest.differences;
            checked.more_differences = closest.more_differences;
            None
        }
        None => Some(format!("its text is not that of {} at all", entry.name)),
    }
}
