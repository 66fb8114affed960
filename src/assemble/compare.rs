//! Comparing documents built from a config with a signed package, byte for byte: how `accord
//! verify --rebuild` proves a package is exactly what its config produces, and how `accord
//! build` tells a package that is up to date from one that would change.
//!
//! When a document is not reproduced, the reason is looked for in what the manifest records
//! of the inputs (the config's SHA-256, each file of the template set's, the accord and typst
//! versions); when they are all the same, different bytes are a reproducibility bug, and said
//! so plainly.

use std::path::Path;

use super::documents;
use crate::chars::Shown as _;
use crate::config::Loaded;
use crate::digest::sha256_hex;
use crate::error::Result;
use crate::fsio;
use crate::manifest::Manifest;
use crate::package::Document;
use crate::render::Mode;
use crate::set::TemplateSet;
use crate::typeset::TYPST_VERSION;
use crate::verify::{self, RebuildReport, RebuiltDocument, Report};
use crate::worker::Reader;

/// Rebuilds, in memory, the package that `config` makes with `set`, and compares it with the
/// package in `dir` that `manifest` (verified) describes; documents are read by `reader`.
pub fn rebuild(
    set: &TemplateSet,
    config: &Path,
    dir: &Path,
    manifest: &Manifest,
    reader: &Reader,
) -> Result<RebuildReport> {
    let loaded = Loaded::read(config, &set.fields)?;
    let session = documents::session(&loaded, set, Mode::Clean)?;
    let planned = documents::plan(set, &session, Mode::Clean);
    let docs = documents::documents(set, &session, &planned, Mode::Clean, None)?;
    Ok(compare(set, &loaded, &docs, dir, manifest, reader))
}

/// Rebuilds the package in `dir` from `config` with `set` and adds the comparison to
/// `report`, which is then ok only if every document was reproduced. The comparison is with
/// the manifest the verification checked; a package that does not verify is not rebuilt. The
/// package's documents that differ from the rebuilt ones are read by `reader`.
pub fn rebuild_into(
    report: &mut Report,
    set: &TemplateSet,
    config: &Path,
    dir: &Path,
    reader: &Reader,
) -> Result<()> {
    let Some(manifest) = report.package.as_ref().and_then(|p| p.manifest.clone()) else {
        report.ok = false;
        let why = format!(
            "{} was not rebuilt from {}: its manifest does not verify, so there is nothing \
             trustworthy to compare with",
            dir.shown(),
            config.shown()
        );
        report.reason = Some(match report.reason.take() {
            Some(reason) => format!("{reason}; {why}"),
            None => why,
        });
        return Ok(());
    };
    let rebuilt = rebuild(set, config, dir, &manifest, reader)?;
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

/// Compares the documents `docs`, built from `loaded` with `set`, with the signed package in
/// `dir` described by `manifest`; the package's documents and the rebuilt ones that differ
/// from them are read by `reader`.
pub fn compare(
    set: &TemplateSet,
    loaded: &Loaded,
    docs: &[Document],
    dir: &Path,
    manifest: &Manifest,
    reader: &Reader,
) -> RebuildReport {
    let inputs = changed_inputs(set, loaded, manifest);
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
    let mut rebuilt_pdf = reader.start(&doc.pdf);
    if let Ok(Some(closest)) = verify::explain(&doc.pdf, &mut rebuilt_pdf, &same_name) {
        rebuilt.differences = closest.differences;
        rebuilt.more_differences = closest.more_differences;
    }
    rebuilt
}

/// What differs between the inputs of this build and those `manifest` records.
fn changed_inputs(set: &TemplateSet, loaded: &Loaded, manifest: &Manifest) -> Vec<String> {
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
    let now = set.hashes();
    let mut files = Vec::new();
    for (name, sha256) in &now {
        match manifest.templates.iter().find(|t| t.name == *name) {
            None => files.push(format!("{name} is new")),
            Some(t) if t.sha256 != *sha256 => files.push(format!("{name} has changed")),
            Some(_) => {}
        }
    }
    for t in manifest.templates.iter().filter(|t| !now.iter().any(|(n, _)| *n == t.name)) {
        files.push(format!("{} was removed", t.name));
    }
    if !files.is_empty() {
        changed.push(format!(
            "{} is not the one the package was built from: {}",
            set.describe(),
            files.join(", ")
        ));
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
