//! Rebuilding a signed package from its config and comparing the bytes: how `accord verify
//! --rebuild` proves a package is exactly what its config produces, and how `accord build`
//! tells a package that is up to date from one that would change.
//!
//! When a document is not reproduced, the reason is looked for in what the manifest records
//! of the inputs (the config's SHA-256, each template's, the accord and typst versions); when
//! they are all the same, different bytes are a reproducibility bug, and said so plainly.

use std::path::Path;

use super::build;
use crate::catalog::{Catalog, TEMPLATES};
use crate::chars::Shown as _;
use crate::config::Loaded;
use crate::digest::sha256_hex;
use crate::error::Result;
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::manifest::{self, Manifest};
use crate::package::Document;
use crate::render::Mode;
use crate::typeset::{self, TYPST_VERSION};
use crate::verify::{self, RebuildReport, RebuiltDocument, Report};
use crate::worker::Reader;

/// Largest manifest read: a manifest of a package takes a few KB.
const MAX_MANIFEST: u64 = 1 << 20;

/// Reads the manifest of the package in `dir`, and the package's fingerprint.
pub fn read_manifest(dir: &Path) -> Result<(Manifest, Fingerprint)> {
    let path = dir.join(manifest::FILE_NAME);
    let bytes = fsio::read_regular(&path, "manifest", MAX_MANIFEST)?;
    Ok((Manifest::parse(&bytes, &path)?, Fingerprint::of_manifest(&bytes)))
}

/// Rebuilds the package in `dir` (described by `manifest`) from `config` and adds the
/// comparison to `report`, which is then ok only if every document was reproduced.
pub fn check(
    report: &mut Report,
    config: &Path,
    dir: &Path,
    manifest: &Manifest,
    reader: &Reader,
) -> Result<()> {
    let loaded = Loaded::read(config)?;
    let catalog = Catalog::get()?;
    typeset::preload();
    let session = build::checked_session(&loaded, catalog, Mode::Clean)?;
    let planned = catalog.package(session.signing.originals.value.unwrap_or(1));
    let docs = build::documents(&session, &planned, Mode::Clean, None)?;
    let rebuilt = compare(&loaded, &docs, dir, manifest, reader);
    if !rebuilt.ok {
        report.ok = false;
        let failed = rebuilt.documents.iter().filter(|d| !d.reproduced).count();
        let why = format!("{failed} document(s) not reproduced from {}", config.shown());
        report.reason = Some(match report.reason.take() {
            Some(reason) => format!("{reason}; {why}"),
            None => why,
        });
    }
    report.rebuild = Some(rebuilt);
    Ok(())
}

/// Compares the documents `docs`, built from `loaded`, with the signed package in `dir`
/// described by `manifest`; the package's documents and the rebuilt ones that differ from
/// them are read by `reader`.
pub fn compare(
    loaded: &Loaded,
    docs: &[Document],
    dir: &Path,
    manifest: &Manifest,
    reader: &Reader,
) -> RebuildReport {
    let inputs = changed_inputs(loaded, manifest);
    let same = |doc: &Document| {
        let path = dir.join(&doc.file_name);
        fsio::read_regular(&path, "document", verify::MAX_PDF).is_ok_and(|b| b == doc.pdf)
    };
    // The signed documents are read only when one of them differs from its rebuilt bytes.
    let signed = match docs.iter().all(same) {
        true => Vec::new(),
        false => verify::read_signed(dir, manifest, reader),
    };
    let mut documents: Vec<RebuiltDocument> =
        docs.iter().map(|doc| compare_one(doc, dir, manifest, &inputs, &signed, reader)).collect();
    for entry in manifest.files.iter().filter(|e| !docs.iter().any(|d| d.file_name == e.name)) {
        documents.push(RebuiltDocument {
            document: entry.name.clone(),
            role: entry.role.clone(),
            reproduced: false,
            reason: Some("the config makes no such document now".into()),
            differences: Vec::new(),
            more_differences: 0,
        });
    }
    let ok = documents.iter().all(|d| d.reproduced);
    RebuildReport { config: loaded.path.shown(), ok, inputs, documents }
}

/// How the rebuilt `doc` compares with the signed document of the same name.
fn compare_one(
    doc: &Document,
    dir: &Path,
    manifest: &Manifest,
    inputs: &[String],
    signed: &[verify::SignedDocument],
    reader: &Reader,
) -> RebuiltDocument {
    let mut rebuilt = RebuiltDocument {
        document: doc.file_name.clone(),
        role: doc.role.clone(),
        reproduced: false,
        reason: None,
        differences: Vec::new(),
        more_differences: 0,
    };
    let Some(entry) = manifest.files.iter().find(|e| e.name == doc.file_name) else {
        rebuilt.reason = Some("the package has no such document".into());
        return rebuilt;
    };
    let path = dir.join(&entry.name);
    let bytes = fsio::read_regular(&path, "document", verify::MAX_PDF);
    if bytes.as_ref().is_ok_and(|bytes| *bytes == doc.pdf) {
        rebuilt.reproduced = true;
        return rebuilt;
    }
    rebuilt.reason = Some(match (&bytes, inputs.is_empty()) {
        (Err(err), _) => format!("the signed document cannot be read: {}", err.message),
        (Ok(bytes), _) if sha256_hex(bytes) != entry.sha256 => {
            "the signed document in the package is not the one its manifest signs".into()
        }
        (Ok(_), false) => "the inputs are not those the package was built from (above)".into(),
        (Ok(_), true) => "same config, templates and versions, yet different bytes: this is a \
                          reproducibility bug in accord; please report it"
            .into(),
    });
    let same_name: Vec<_> = signed.iter().filter(|s| s.name() == doc.file_name).cloned().collect();
    let read = reader.read(&doc.pdf, false);
    if let Ok(Some(closest)) = verify::explain(&doc.pdf, read, &same_name, reader) {
        rebuilt.differences = closest.differences;
        rebuilt.more_differences = closest.more_differences;
    }
    rebuilt
}

/// What differs between the inputs of this build and those `manifest` records.
fn changed_inputs(loaded: &Loaded, manifest: &Manifest) -> Vec<String> {
    let mut changed = Vec::new();
    let config = sha256_hex(loaded.text.as_bytes());
    if config != manifest.config_sha256 {
        changed.push(format!(
            "the config is not the one recorded in the manifest (its SHA-256 is {config}, the \
             manifest records {}); the manifest keeps only that hash, so the differences of \
             the documents below show what changed",
            manifest.config_sha256
        ));
    }
    for (name, text) in TEMPLATES {
        let recorded = manifest.templates.iter().find(|t| t.name == *name);
        match recorded {
            None => changed.push(format!("template {name} is new since the package was built")),
            Some(t) if t.sha256 != sha256_hex(text.as_bytes()) => {
                changed.push(format!("template {name} has changed since the package was built"))
            }
            Some(_) => {}
        }
    }
    for t in manifest.templates.iter().filter(|t| !TEMPLATES.iter().any(|(n, _)| *n == t.name)) {
        changed.push(format!("template {} was removed since the package was built", t.name));
    }
    let versions = [
        ("accord", env!("CARGO_PKG_VERSION"), &manifest.accord_version),
        ("typst", TYPST_VERSION, &manifest.typst_version),
    ];
    for (what, now, then) in versions.into_iter().filter(|(_, now, then)| now != then) {
        changed.push(format!("{what} is version {now}; the package was built with {then}"));
    }
    changed
}
