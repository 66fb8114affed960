//! `accord certify`: certified true copies of a signed package's originals and the
//! registration statement, in a package of their own signed by the certifier. Only what is
//! the signed original is certified: the package must verify with the trusted keys (as
//! `accord sign` requires) and be rebuilt byte for byte from its config (as `accord verify
//! --rebuild` does, by the same code, [`assemble::rebuild_into`]); otherwise nothing is
//! written.

use std::path::Path;

use crate::assemble;
use crate::chars::{visible, Shown as _};
use crate::check;
use crate::cli::CertifyArgs;
use crate::config::Loaded;
use crate::digest::sha256_hex;
use crate::error::{Error, Exit, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::output;
use crate::package::{self, Document, Provenance};
use crate::render::Mode;
use crate::seal::{self, PassphraseSource};
use crate::set::TemplateSet;
use crate::typeset::{self, TYPST_VERSION};
use crate::verify::{self, Request};
use crate::worker::Reader;

/// Runs `accord certify`; the package's documents are read by `reader` when they differ from
/// the rebuilt ones.
pub fn run(args: &CertifyArgs, reader: &Reader) -> Result<Exit> {
    let dir = &args.package;
    if !dir.is_dir() {
        return Err(Error::usage(format!("{} is not a package directory", dir.shown())));
    }
    let set = TemplateSet::open(args.templates.dir.as_deref())?;
    let Some(fields) = &set.certification_fields else {
        return Err(Error::usage(format!(
            "{} makes no certified copies ([certification] in its catalog)",
            set.describe()
        )));
    };
    // The session and the certification first: a wrong file is refused before any work.
    let loaded = Loaded::read(&args.config, &set.fields)?;
    let session = assemble::session(&loaded, &set, Mode::Clean)?;
    let certification = Loaded::read(&args.certification, fields)?;
    let checked = check::check_certification(&certification, fields, &session);
    if !checked.problems.is_empty() {
        let problems: Vec<String> = checked.problems.iter().map(ToString::to_string).collect();
        return Err(Error::failed(format!(
            "{} is not ready to certify; nothing was written:\n  {}",
            certification.path.shown(),
            problems.join("\n  ")
        )));
    }
    let pass = PassphraseSource::new(args.passphrase.passphrase_file.clone());
    let signer = seal::load_signer(&args.key, args.signer.as_deref(), &pass)?;
    let (manifest, fingerprint) = signed_original(args, &set, reader)?;
    let target = args.out.join(format!("{}-certified", session.id));
    let (docs, certifies) =
        assemble::certified(&set, &session, &checked.session, &manifest, &fingerprint)?;
    if package::is_signed(&target) {
        return up_to_date(&target, &docs);
    }
    let prov = Provenance {
        package_id: format!("{}-certified", session.id),
        supersedes: Vec::new(),
        config_sha256: sha256_hex(certification.text.as_bytes()),
        templates: set.hashes(),
        accord_version: env!("CARGO_PKG_VERSION").to_string(),
        typst_version: TYPST_VERSION.to_string(),
        certifies: Some(certifies),
    };
    let certified =
        package::publish(&target, &docs, |staged| seal::seal(staged, &docs, &prov, &signer))?;
    let mut text = format!(
        "Checked {}: validly signed by the trusted keys, and rebuilt byte for byte from {}.\n\
         Certified its originals as {} (key {}) in {}:\n",
        dir.shown(),
        args.config.shown(),
        signer.name(),
        signer.public_key().key_id,
        target.shown()
    );
    for doc in &docs {
        let plural = if doc.pages == 1 { "" } else { "s" };
        text.push_str(&format!("  {} ({}, {} page{plural})\n", doc.file_name, doc.role, doc.pages));
    }
    text.push_str(&format!("  certifies package {} fingerprint {fingerprint}\n", manifest.package));
    text.push_str(&format!("{}\n", certified.publish_line()));
    output::print(&text)?;
    Ok(Exit::Success)
}

/// The verified manifest of the package of `args` and its fingerprint, once the package
/// verifies with the trusted keys and its originals are rebuilt byte for byte from the
/// config; refused (exit 1) with the reasons otherwise.
fn signed_original(
    args: &CertifyArgs,
    set: &TemplateSet,
    reader: &Reader,
) -> Result<(crate::manifest::Manifest, Fingerprint)> {
    let dir = &args.package;
    let request = Request {
        package: Some(dir),
        keys: &args.trusted.trust,
        allowed_signers: args.trusted.allowed_signers.as_deref(),
        reader: Some(reader),
        ..Request::default()
    };
    let mut report = verify::verify(&request)?;
    if report.ok {
        typeset::preload();
        assemble::rebuild_into(&mut report, set, &args.config, dir, reader)?;
    }
    let verified =
        report.package.as_ref().and_then(|p| Some((p.manifest.clone()?, p.fingerprint.clone()?)));
    match verified {
        Some((manifest, fingerprint)) if report.ok => {
            let fingerprint = Fingerprint::parse(&fingerprint).map_err(Error::internal)?;
            Ok((manifest, fingerprint))
        }
        _ => {
            let reason = report.reason.as_deref().map(visible).unwrap_or_default();
            Err(Error::failed(format!(
                "refusing to certify {}: it is not shown to be the signed original ({reason}); \
                 nothing was written. What verify says of it:\n{}",
                dir.shown(),
                verify::text(&report).trim_end()
            )))
        }
    }
}

/// Says that the certified package already at `target` holds exactly `docs`, or refuses:
/// a signed package is never overwritten.
fn up_to_date(target: &Path, docs: &[Document]) -> Result<Exit> {
    let differ: Vec<&str> = docs
        .iter()
        .filter(|doc| {
            let bytes =
                fsio::read_regular(&target.join(&doc.file_name), "document", verify::MAX_PDF);
            !bytes.is_ok_and(|b| b == doc.pdf)
        })
        .map(|doc| doc.file_name.as_str())
        .collect();
    if differ.is_empty() {
        output::println(&format!(
            "{}: up to date: certified again, identical to the signed certified package; \
             nothing was changed",
            target.shown()
        ))?;
        return Ok(Exit::Success);
    }
    Err(Error::failed(format!(
        "{} is a signed package and is never overwritten, and this certification differs from \
         it ({}); nothing was changed. Move the old package away yourself, or write to another \
         --out",
        target.shown(),
        differ.join(", ")
    )))
}
