//! `accord build`: config → checked session → rendered → typeset → staged → (sealed) →
//! published, one package per config.

use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, Planned, TEMPLATES};
use crate::check::{self, Session};
use crate::cli::BuildArgs;
use crate::config::Loaded;
use crate::digest::sha256_hex;
use crate::error::{Error, Result, EXIT_OK};
use crate::output;
use crate::package::{self, Document, Provenance};
use crate::render::{self, Mode, Rendered};
use crate::seal::{self, PassphraseSource, Signer};
use crate::typeset::{self, Job, TYPST_VERSION};

/// Runs `accord build` on every config given; the exit code is the worst of them.
pub fn run(args: &BuildArgs) -> Result<u8> {
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
        let built = build_one(path, args, catalog, signer.as_ref());
        // typst's memo cache only grows; keep batch builds' memory bounded.
        typst::comemo::evict(10);
        output::println(&format!("{}: built {}", path.display(), built?.display()))?;
        Ok(EXIT_OK)
    }))
}

/// Builds the package of one config and returns its directory.
fn build_one(
    path: &Path,
    args: &BuildArgs,
    catalog: &'static Catalog,
    signer: Option<&Signer>,
) -> Result<PathBuf> {
    let loaded = Loaded::read(path)?;
    let mode = if args.draft { Mode::Draft } else { Mode::Clean };
    let session = checked_session(&loaded, catalog, mode)?;
    let target = match mode {
        Mode::Draft => args.out.join("drafts").join(&session.id),
        Mode::Clean => args.out.join(&session.id),
    };
    package::ensure_replaceable(&target)?;

    let planned = match mode {
        Mode::Draft => catalog.draft(),
        Mode::Clean => catalog.package(session.signing.originals.value.unwrap_or(1)),
    };
    let docs = documents(&session, &planned, mode, args.dump_typst.as_deref())?;
    let provenance = Provenance {
        package_id: session.id.clone(),
        config_sha256: sha256_hex(loaded.text.as_bytes()),
        templates: TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), sha256_hex(text.as_bytes())))
            .collect(),
        accord_version: env!("CARGO_PKG_VERSION").to_string(),
        typst_version: TYPST_VERSION.to_string(),
    };
    package::publish(&target, &docs, |dir| match signer {
        Some(signer) => seal::seal(dir, &docs, &provenance, signer),
        None => Ok(()),
    })?;
    for doc in &docs {
        let plural = if doc.pages == 1 { "" } else { "s" };
        output::println(&format!(
            "  {} ({}, {} page{plural})",
            doc.file_name, doc.role, doc.pages
        ))?;
    }
    Ok(target)
}

/// The session of `loaded`; refuses a signature-ready build on any problem, a draft only on
/// invalid values.
fn checked_session(loaded: &Loaded, catalog: &Catalog, mode: Mode) -> Result<Session> {
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
        loaded.path.display(),
        problems.join("\n")
    )))
}

/// Renders and typesets the `planned` documents.
fn documents(
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
    let typeset = typeset::typeset_all(&jobs, session.pdf_date(mode == Mode::Draft))?;
    Ok(planned
        .iter()
        .zip(typeset)
        .map(|(p, t)| Document {
            file_name: p.file_name.clone(),
            role: p.role.clone(),
            pages: t.pages,
            pdf: t.pdf,
        })
        .collect())
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
