//! The documents of a certified package (`accord certify`): a certified true copy of each
//! signed original, typeset from the same templates as the original with the session's values
//! and the certification's, and the registration statement, which lists the SHA-256 of the
//! copies it accompanies. What the package certifies is recorded for its manifest.
//!
//! Nothing here checks that the originals are signed or reproduced: `certify` does that
//! first, and hands over the verified manifest of the signed package.

use std::collections::BTreeMap;

use super::documents::typeset_rendered;
use crate::check::{Session, Value};
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::manifest::{CertifiedFile, Certifies, Manifest};
use crate::package::Document;
use crate::render::{self, Certified};
use crate::set::{Planned, TemplateSet};

/// The certified documents of the signed package `signed` (verified, of fingerprint
/// `fingerprint`), built from `session` with `set`, certified with `certification`: the
/// copies, then the statement; and what they certify.
pub fn certified(
    set: &TemplateSet,
    session: &Session,
    certification: &Session,
    signed: &Manifest,
    fingerprint: &Fingerprint,
) -> Result<(Vec<Document>, Certifies)> {
    let (Some(spec), Some(specs)) = (&set.catalog.certification, &set.certification_fields) else {
        return Err(Error::usage(format!(
            "{} makes no certified copies ([certification] in its catalog)",
            set.describe()
        )));
    };
    let specs = specs.all();
    let pdf_date = certification.date(&spec.date).ok_or_else(|| {
        Error::internal(format!("the certification's {} is not a checked date", spec.date))
    })?;
    let certifier = match certification.get(&spec.certifier).and_then(|f| f.value.as_ref()) {
        Some(Value::Text(name)) => name.clone(),
        _ => return Err(Error::internal("the certifier's name is not a checked text")),
    };
    let planned =
        spec.copies(&set.catalog, session.originals(set.catalog.originals_field.as_deref()));
    let mut files = Vec::with_capacity(planned.len());
    let mut facts = Vec::with_capacity(planned.len());
    for p in &planned {
        let entry =
            signed.files.iter().find(|f| f.name == p.original.file_name).ok_or_else(|| {
                Error::failed(format!(
                    "the signed package {} has no {} to certify",
                    signed.package, p.original.file_name
                ))
            })?;
        files.push(CertifiedFile {
            name: p.copy.file_name.clone(),
            original: entry.name.clone(),
            role: entry.role.clone(),
            sha256: entry.sha256.clone(),
        });
        facts.push(table([
            ("original", entry.name.as_str()),
            ("role", entry.role.as_str()),
            ("package", signed.package.as_str()),
            ("fingerprint", fingerprint.as_str()),
            ("sha256", entry.sha256.as_str()),
            ("signed", spec.signed_mark.as_str()),
        ]));
    }
    let base = Certified { specs, values: certification, copy: None, copies: &[], pdf_date };
    let rendered = planned
        .iter()
        .zip(&facts)
        .map(|(p, copy)| {
            let certified = Certified { copy: Some(copy), ..base };
            render::render_certified(set, &p.copy.template, session, p.copy.original, certified)
        })
        .collect::<Result<Vec<_>>>()?;
    let copies: Vec<Planned> = planned.iter().map(|p| p.copy.clone()).collect();
    let id = format!("{}-certified", session.id);
    let mut documents = typeset_rendered(set, &id, &copies, &rendered, pdf_date)?;
    let listed: Vec<BTreeMap<String, String>> = documents
        .iter()
        .zip(&files)
        .map(|(doc, file)| {
            table([
                ("file", doc.file_name.as_str()),
                ("role", doc.role.as_str()),
                ("original", file.original.as_str()),
                ("sha256", sha256_hex(&doc.pdf).as_str()),
            ])
        })
        .collect();
    let statement = spec.statement();
    let certified = Certified { copies: &listed, ..base };
    let rendered = render::render_certified(set, &statement.template, session, None, certified)?;
    documents.extend(typeset_rendered(set, &id, &[statement], &[rendered], pdf_date)?);
    let certifies = Certifies {
        package: signed.package.clone(),
        fingerprint: fingerprint.clone(),
        certifier,
        date: pdf_date.to_string(),
        files,
    };
    Ok((documents, certifies))
}

/// A table of texts by name, as the templates see `copy` and each of `copies`.
fn table<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}
