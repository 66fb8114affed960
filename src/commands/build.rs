//! `accord build`: config → checked session → rendered → typeset → staged → (sealed) →
//! published, one package per config.

use std::path::{Path, PathBuf};

use super::rebuild;
use crate::catalog::{Catalog, Planned, TEMPLATES};
use crate::chars::Shown as _;
use crate::check::{self, Session};
use crate::cli::BuildArgs;
use crate::config::Loaded;
use crate::digest::sha256_hex;
use crate::error::{Error, Exit, Kind, Result};
use crate::fingerprint::Fingerprint;
use crate::output;
use crate::package::{self, Document, Provenance};
use crate::render::{self, Mode, Rendered};
use crate::seal::{self, PassphraseSource, Signer};
use crate::typeset::{self, Flaw, FlawKind, Job, Outcome, TYPST_VERSION};
use crate::worker::Reader;

/// Runs `accord build` on every config given; the exit code is the worst of them. A signed
/// package already there is read by `reader` when it differs from what was built.
pub fn run(args: &BuildArgs, reader: &Reader) -> Result<Exit> {
    typeset::preload();
    let catalog = Catalog::get()?;
    let signer = match &args.key {
        Some(key) => {
            let pass = PassphraseSource::new(args.passphrase.passphrase_file.clone());
            Some(seal::load_signer(key, args.signer.as_deref(), &pass)?)
        }
        None => None,
    };
    Ok(super::each_config(&args.configs, |path| {
        let built = build_one(path, args, catalog, signer.as_ref(), reader);
        // typst's memo cache only grows; keep batch builds' memory bounded.
        typst::comemo::evict(10);
        let (line, fingerprint) = match built? {
            Built::New(dir, fingerprint) => {
                (format!("{}: built {}", path.shown(), dir.shown()), fingerprint)
            }
            Built::UpToDate(dir, fingerprint) => (
                format!(
                    "{}: up to date: rebuilt and identical to the signed package {}; nothing \
                     was changed",
                    path.shown(),
                    dir.shown()
                ),
                Some(fingerprint),
            ),
        };
        output::println(&line)?;
        if let Some(fingerprint) = fingerprint {
            output::println(&fingerprint_line(&fingerprint))?;
        }
        Ok(Exit::Success)
    }))
}

/// The line that gives a signed package's fingerprint, and what to do with it.
pub(super) fn fingerprint_line(fingerprint: &Fingerprint) -> String {
    format!(
        "  package fingerprint {fingerprint}: publish it with your public key; recipients check \
         copies against it (accord verify --fingerprint)"
    )
}

/// What a build did.
enum Built {
    /// Published a new package in this directory, signed: with this fingerprint.
    New(PathBuf, Option<Fingerprint>),
    /// Found the signed package in this directory, of this fingerprint, identical to what it
    /// built.
    UpToDate(PathBuf, Fingerprint),
}

/// Builds the package of one config.
fn build_one(
    path: &Path,
    args: &BuildArgs,
    catalog: &'static Catalog,
    signer: Option<&Signer>,
    reader: &Reader,
) -> Result<Built> {
    let loaded = Loaded::read(path)?;
    let mode = if args.draft { Mode::Draft } else { Mode::Clean };
    let session = checked_session(&loaded, catalog, mode)?;
    let target = match mode {
        Mode::Draft => args.out.join(check::DRAFTS).join(&session.id),
        Mode::Clean => args.out.join(&session.id),
    };
    let signed = mode == Mode::Clean && package::is_signed(&target);
    if !signed {
        package::ensure_replaceable(&target)?;
    }
    let planned = match mode {
        Mode::Draft => catalog.draft(),
        Mode::Clean => catalog.package(session.signing.originals.value.unwrap_or(1)),
    };
    let docs =
        documents(&session, &planned, mode, args.dump_typst.as_deref()).map_err(|err| match err
            .kind
        {
            Kind::Failed => Error::failed(format!(
                "{} is not signature-ready; nothing was written:\n  {}",
                loaded.path.shown(),
                err.message.replace('\n', "\n  ")
            )),
            _ => err,
        })?;
    if signed {
        let fingerprint = up_to_date(&loaded, &docs, &target, signer, reader)?;
        return Ok(Built::UpToDate(target, fingerprint));
    }
    let provenance = Provenance {
        package_id: session.id.clone(),
        supersedes: session.supersedes.clone(),
        config_sha256: sha256_hex(loaded.text.as_bytes()),
        templates: TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), sha256_hex(text.as_bytes())))
            .collect(),
        accord_version: env!("CARGO_PKG_VERSION").to_string(),
        typst_version: TYPST_VERSION.to_string(),
    };
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
    Ok(Built::New(target, fingerprint))
}

/// The fingerprint of the signed package at `target` if it holds exactly `docs`, signed by
/// `signer` (when given); refused (exit 1), saying which document differs and why, when not.
fn up_to_date(
    loaded: &Loaded,
    docs: &[Document],
    target: &Path,
    signer: Option<&Signer>,
    reader: &Reader,
) -> Result<Fingerprint> {
    let (manifest, fingerprint) = rebuild::read_manifest(target)?;
    let report = rebuild::compare(loaded, docs, target, &manifest, reader);
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
        return Ok(fingerprint);
    }
    Err(Error::failed(format!(
        "{} is a signed package and is never overwritten, and this build differs from it; \
         nothing was changed. Give the config another id, or move the old package away \
         yourself:\n  {}",
        target.shown(),
        why.join("\n  ")
    )))
}

/// The session of `loaded`; refuses a signature-ready build on any problem, a draft only on
/// invalid values.
pub(super) fn checked_session(loaded: &Loaded, catalog: &Catalog, mode: Mode) -> Result<Session> {
    let checked = check::check(loaded, catalog);
    let problems: Vec<String> = checked
        .problems
        .into_iter()
        .filter(|p| mode == Mode::Clean || p.invalid)
        .map(|p| format!("  {p}"))
        .collect();
    if problems.is_empty() {
        return Ok(checked.session);
    }
    let what = match mode {
        Mode::Clean => "is not signature-ready",
        Mode::Draft => "has invalid values",
    };
    Err(Error::failed(format!(
        "{} {what}; nothing was written:\n{}",
        loaded.path.shown(),
        problems.join("\n")
    )))
}

/// Renders and typesets the `planned` documents.
pub(super) fn documents(
    session: &Session,
    planned: &[Planned],
    mode: Mode,
    dump: Option<&Path>,
) -> Result<Vec<Document>> {
    let rendered = planned
        .iter()
        .map(|p| render::render(p.template, session, mode, p.original))
        .collect::<Result<Vec<_>>>()?;
    if let Some(dir) = dump {
        dump_sources(dir, planned, &rendered)?;
    }
    let jobs: Vec<Job<'_>> = planned
        .iter()
        .zip(&rendered)
        .map(|(p, r)| Job {
            name: format!("{}/{}", session.id, p.file_name),
            source: &r.source,
            group: p.template,
        })
        .collect();
    let outcomes = typeset::typeset_each(&jobs, session.pdf_date(mode == Mode::Draft))?;
    let mut documents = Vec::with_capacity(planned.len());
    let mut flaws = Vec::new();
    for (p, outcome) in planned.iter().zip(outcomes) {
        match outcome {
            Outcome::Printed(t) => documents.push(Document {
                file_name: p.file_name.clone(),
                role: p.role.clone(),
                pages: t.pages,
                pdf: t.pdf,
            }),
            Outcome::Flawed(found) => flaws.extend(found.into_iter().map(|f| (p, f))),
        }
    }
    if flaws.is_empty() {
        return Ok(documents);
    }
    Err(Error::failed(flaw_lines(session, &flaws).join("\n")))
}

/// One line per flaw of the documents, naming the config value it comes from (file:line:col
/// and key) when it comes from one, and the documents it is in (every original has it).
fn flaw_lines(session: &Session, flaws: &[(&Planned, Flaw)]) -> Vec<String> {
    let fields = session.text_fields();
    let mut lines: Vec<(String, Vec<&str>)> = Vec::new();
    for (planned, flaw) in flaws {
        let holders: Vec<_> =
            fields.iter().filter(|f| f.value.is_some() && f.value == flaw.value).collect();
        let advice = match flaw.kind {
            FlawKind::Overflow { .. } => "shorten it, or break the word with a space or a hyphen",
            FlawKind::ScatteredMarks => "write the letter another way, or without that mark",
        };
        let heads: Vec<String> = match holders.as_slice() {
            [] => vec![String::new()],
            holders => holders.iter().map(|f| format!("{}: {}: ", f.location, f.key)).collect(),
        };
        for head in heads {
            let line = format!("{head}{flaw}; {advice}");
            match lines.iter_mut().find(|(l, _)| *l == line) {
                Some((_, files)) => files.push(&planned.file_name),
                None => lines.push((line, vec![&planned.file_name])),
            }
        }
    }
    lines.into_iter().map(|(line, files)| format!("{line} (in {})", files.join(", "))).collect()
}

/// Writes the generated Typst sources (and the style) for inspection or `typst compile`.
fn dump_sources(dir: &Path, planned: &[Planned], rendered: &[Rendered]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))
    };
    let catalog = Catalog::get()?;
    write(&catalog.style, catalog.style_source())?;
    for (p, r) in planned.iter().zip(rendered) {
        write(&p.file_name.replace(".pdf", ".typ"), &r.source)?;
    }
    Ok(())
}
