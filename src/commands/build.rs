//! `accord build`: config → checked session → documents ([`assemble`]) → staged → (sealed) →
//! published, one package per config.

use std::path::Path;

use super::batch::{Pending, Rest};
use crate::assemble;
use crate::chars::Shown as _;
use crate::check;
use crate::cli::BuildArgs;
use crate::config::Loaded;
use crate::error::{Error, Exit, Kind, Result};
use crate::fingerprint::Fingerprint;
use crate::manifest;
use crate::output;
use crate::package::{self, Document};
use crate::render::Mode;
use crate::seal::{self, PassphraseSource, Signer};
use crate::set::TemplateSet;
use crate::typeset;
use crate::worker::Reader;

/// Runs `accord build` on every config given; the exit code is the worst of them. Each
/// package is written while the next config's documents are typeset; a signed package
/// already there is read by `reader` when it differs from what was built.
pub fn run(args: &BuildArgs, reader: &Reader) -> Result<Exit> {
    typeset::preload();
    let set = TemplateSet::open(args.templates.dir.as_deref())?;
    let signer = match &args.key {
        Some(key) => {
            let pass = PassphraseSource::new(args.passphrase.passphrase_file.clone());
            Some(seal::load_signer(key, args.signer.as_deref(), &pass)?)
        }
        None => None,
    };
    let (set, signer) = (&set, signer.as_ref());
    Ok(super::batch::each_config_overlapped(&args.configs, |path, pending| {
        let built = build_one(path, args, set, signer, reader, pending);
        // typst's memo cache only grows; keep batch builds' memory bounded.
        typst::comemo::evict(10);
        built
    }))
}

/// Builds the package of one config: reads, checks and typesets it here, and returns the
/// rest, which publishes it (or reports it up to date) and says so.
fn build_one<'a>(
    path: &'a Path,
    args: &BuildArgs,
    set: &TemplateSet,
    signer: Option<&'a Signer>,
    reader: &Reader,
    pending: &mut Pending<'_>,
) -> Result<Rest<'a>> {
    let loaded = Loaded::read(path, &set.fields)?;
    let mode = if args.draft { Mode::Draft } else { Mode::Clean };
    let session = assemble::session(&loaded, set, mode)?;
    let target = match mode {
        Mode::Draft => args.out.join(check::DRAFTS).join(&session.id),
        Mode::Clean | Mode::Preview => args.out.join(&session.id),
    };
    // A config of the package the previous one is writing sees it written, as one after
    // the other would.
    pending.wait_for(&target);
    let signed = mode == Mode::Clean && package::is_signed(&target);
    if !signed {
        package::ensure_replaceable(&target)?;
    }
    let planned = assemble::plan(set, &session, mode);
    let docs = assemble::documents(set, &session, &planned, mode, args.dump_typst.as_deref())
        .map_err(|err| match err.kind {
            Kind::Failed => Error::failed(format!(
                "{} is not signature-ready; nothing was written:\n  {}",
                loaded.path.shown(),
                err.message.replace('\n', "\n  ")
            )),
            _ => err,
        })?;
    let dir = target.clone();
    if signed {
        let fingerprint = up_to_date(set, &loaded, &docs, &target, signer, reader)?;
        let line = format!(
            "{}: up to date: rebuilt and identical to the signed package {}; nothing was \
             changed",
            path.shown(),
            target.shown()
        );
        return Ok(Rest { dir, work: Box::new(move || report(&line, Some(&fingerprint))) });
    }
    let provenance = assemble::provenance(set, &loaded, &session);
    let work = move || {
        let fingerprint = package::publish(&target, &docs, |dir| {
            signer.map(|signer| seal::seal(dir, &docs, &provenance, signer)).transpose()
        })?;
        for doc in &docs {
            let plural = if doc.pages == 1 { "" } else { "s" };
            output::println(&format!(
                "  {} ({}, {} page{plural})",
                doc.file_name, doc.role, doc.pages
            ))?;
        }
        report(&format!("{}: built {}", path.shown(), target.shown()), fingerprint.as_ref())
    };
    Ok(Rest { dir, work: Box::new(work) })
}

/// Prints what a build did, and the fingerprint of the package it signed or found signed.
fn report(line: &str, fingerprint: Option<&Fingerprint>) -> Result<Exit> {
    output::println(line)?;
    if let Some(fingerprint) = fingerprint {
        output::println(&fingerprint.publish_line())?;
    }
    Ok(Exit::Success)
}

/// The fingerprint of the signed package at `target` if it holds exactly `docs`, signed by
/// `signer` (when given); refused (exit 1), saying which document differs and why, when not.
fn up_to_date(
    set: &TemplateSet,
    loaded: &Loaded,
    docs: &[Document],
    target: &Path,
    signer: Option<&Signer>,
    reader: &Reader,
) -> Result<Fingerprint> {
    let (manifest, bytes) = manifest::read(target)?;
    let report = assemble::compare(set, loaded, docs, target, &manifest, reader);
    let mut why: Vec<String> = if report.ok { Vec::new() } else { report.inputs.clone() };
    for doc in report.documents.iter().filter(|d| !d.reproduced) {
        why.push(format!("{}: {}", doc.document, doc.reason.as_deref().unwrap_or("differs")));
        why.extend(
            doc.differences
                .iter()
                .map(|d| format!("  {}: \"{}\" → \"{}\"", d.where_, d.before, d.after)),
        );
    }
    if let Some(signer) = signer {
        let key = signer.public_key().to_base64();
        if !manifest.signers.iter().any(|s| s.public_key == key) {
            why.push(format!(
                "it was not built with the key of {} (key {})",
                signer.name(),
                signer.public_key().key_id
            ));
        }
    }
    if why.is_empty() {
        return Ok(Fingerprint::of_manifest(&bytes));
    }
    Err(Error::failed(format!(
        "{} is a signed package and is never overwritten, and this build differs from it; \
         nothing was changed. Give the config another id, or move the old package away \
         yourself:\n  {}",
        target.shown(),
        why.join("\n  ")
    )))
}
