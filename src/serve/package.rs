//! The packages of the output directory: listed for checking copies, their files offered
//! (a package's `verify.html` shown sandboxed), and built and signed from a session.

use std::fs;
use std::path::PathBuf;
use std::sync::PoisonError;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tiny_http::Request;
use zeroize::{Zeroize as _, Zeroizing};

use super::app::App;
use super::guard::Refusal;
use super::reply::{self, Reply};
use super::sessions::plain_name;
use super::workspace::Workspace;
use crate::assemble;
use crate::config::Loaded;
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::manifest;
use crate::package::{self, layout};
use crate::render::Mode;
use crate::seal::{self, PassphraseSource, Signer, Typed};
use crate::verify;

/// Largest package file offered: the documents and everything beside them.
const MAX_FILE: u64 = crate::verify::MAX_PDF;
/// Largest public key file read.
const MAX_PUB: u64 = 4 << 10;

/// The packages of the output directory (those with a manifest), and the public keys kept in
/// the sessions' directory (`*.pub`) to pick as trusted keys.
pub fn list(app: &App) -> Value {
    let ids = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .map(|entries| {
                entries.flatten().filter_map(|e| e.file_name().into_string().ok()).collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let packages: Vec<String> = ids(&app.places.out)
        .into_iter()
        .filter(|id| plain_name(id).is_ok())
        .filter(|id| app.places.package(id).is_ok_and(|d| d.join(manifest::FILE_NAME).is_file()))
        .collect();
    let keys: Vec<Value> = ids(&app.places.dir)
        .into_iter()
        .filter(|name| name.ends_with(layout::PUB_SUFFIX) && plain_name(name).is_ok())
        .filter_map(|name| {
            let bytes =
                fsio::read_regular(&app.places.dir.join(&name), "public key", MAX_PUB).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let key = text.lines().find(|l| l.starts_with("RW"))?.trim().to_string();
            Some(json!({ "name": name, "key": key }))
        })
        .collect();
    json!({ "packages": packages, "keys": keys })
}

/// A file of the package `id`: `verify.html` as a sandboxed page, anything else to download.
pub fn file(app: &App, id: &str, name: &str) -> Result<Reply, Refusal> {
    plain_name(name)?;
    let dir = app.places.package(id)?;
    let path = dir.join(name);
    if fs::symlink_metadata(&path).map(|m| m.file_type().is_symlink()).unwrap_or(true) {
        return Err(Refusal::new(404, "There is no such file in this package."));
    }
    let bytes = fsio::read_regular(&path, "package file", MAX_FILE)
        .map_err(|e| Refusal::new(404, e.message))?;
    Ok(match name {
        layout::PAGE => reply::package_page(bytes),
        n if n.ends_with(".pdf") => reply::download("application/pdf", n, bytes),
        n => reply::download("text/plain; charset=utf-8", n, bytes),
    })
}

/// What the page receives about a package it built.
#[derive(Debug, Serialize)]
pub struct BuiltView {
    /// The package id.
    pub id: String,
    /// Each document: file name, role, pages.
    pub files: Vec<Value>,
    /// The package fingerprint, to publish with the key.
    pub fingerprint: String,
    /// The signer's public key to publish, in minisign's and OpenSSH's forms.
    pub keys: Vec<String>,
    /// The package's page that checks copies.
    pub page: &'static str,
}

/// Builds the package of a saved, signature-ready session as `accord build` does, and signs
/// it with the key file named in the request, unlocked with the passphrase typed in the page
/// (held zeroed-on-drop, never stored, logged or sent back).
pub fn build(app: &App, workspace: &Workspace, request: &mut Request) -> Result<Reply, Refusal> {
    let form = KeyForm::read(request)?;
    let _one_build = app.building.lock().unwrap_or_else(PoisonError::into_inner);
    if workspace.current().snapshot.unsaved {
        return Err(Refusal::new(
            409,
            "Save the session first: the package is built from the saved file.",
        ));
    }
    let failed = |e: crate::error::Error| Refusal::new(422, e.message);
    let set = &app.set;
    let loaded = Loaded::read(workspace.path(), &set.fields).map_err(failed)?;
    let session = assemble::session(&loaded, set, Mode::Clean).map_err(failed)?;
    let target = app.places.package(&session.id)?;
    if package::is_signed(&target) {
        return Err(Refusal::new(
            409,
            format!(
                "The package {} is signed already, and a signed package is never replaced. \
                 Give the session another package id to build a new one.",
                session.id
            ),
        ));
    }
    package::ensure_replaceable(&target).map_err(failed)?;
    let signer = form.signer()?;
    let planned = assemble::plan(set, &session, Mode::Clean);
    let docs = assemble::documents(set, &session, &planned, Mode::Clean, None).map_err(failed)?;
    typst::comemo::evict(10);
    let provenance = assemble::provenance(set, &loaded, &session);
    let fingerprint =
        package::publish(&target, &docs, |dir| seal::seal(dir, &docs, &provenance, &signer))
            .map_err(failed)?;
    let files = docs
        .iter()
        .map(|d| json!({ "name": d.file_name, "role": d.role, "pages": d.pages }))
        .collect();
    let view = BuiltView {
        id: session.id,
        files,
        fingerprint: fingerprint.to_string(),
        keys: published(&signer),
        page: layout::PAGE,
    };
    Ok(reply::json(200, &view))
}

/// Co-signs the package `id` as `accord sign` does: with the key file named in the request,
/// unlocked with the passphrase typed in the page, once the package verifies with the
/// trusted keys the user entered for the signers already in it.
pub fn cosign(app: &App, id: &str, request: &mut Request) -> Result<Reply, Refusal> {
    let form = KeyForm::read(request)?;
    let dir = app.places.package(id)?;
    if !dir.join(manifest::FILE_NAME).is_file() {
        return Err(Refusal::new(404, format!("There is no signed package {id} to co-sign.")));
    }
    let failed = |e: crate::error::Error| Refusal::new(422, e.message);
    let trusted: Vec<String> =
        form.trusted.iter().map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect();
    if trusted.is_empty() {
        return Err(Refusal::new(
            400,
            "Enter the published public key of every signer already in the package: the \
             package is co-signed only once it verifies with them.",
        ));
    }
    let signer = form.signer()?;
    let _one = fsio::lock_dir(&dir, "co-signing").map_err(failed)?;
    fsio::remove_stale_temporaries(&dir).map_err(failed)?;
    let request = verify::Request { keys: &trusted, ..verify::Request::default() };
    let own = signer.public_key().key;
    let (report, signed_by, sealed) = verify::verify_whole(&dir, &request, &own).map_err(failed)?;
    let Some(sealed) = sealed.filter(|_| report.keys_trusted) else {
        return Err(Refusal::new(
            422,
            format!(
                "The package {id} was not co-signed: it does not verify with the keys you \
                 entered. {}",
                report.failures().join(" ")
            ),
        ));
    };
    let written = seal::cosign(&dir, &sealed, &signed_by, &signer).map_err(failed)?;
    let fingerprint = Fingerprint::of_manifest(&sealed.manifest_bytes).to_string();
    let keys = published(&signer);
    Ok(reply::json(
        200,
        &json!({ "id": id, "signer": signer.name(), "written": written, "fingerprint": fingerprint, "keys": keys }),
    ))
}

/// What the page sends to sign: the key file on this machine, the signer's name, the
/// passphrase typed in the page (zeroed when dropped, never stored, logged or sent back), and
/// for co-signing the trusted keys of the signers already in the package.
#[derive(Deserialize)]
struct KeyForm {
    key_file: String,
    #[serde(default)]
    signer: Option<String>,
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    trusted: Vec<String>,
}

impl KeyForm {
    /// The form in the body of `request`; the body's bytes are zeroed once read.
    fn read(request: &mut Request) -> Result<Self, Refusal> {
        let body = Zeroizing::new(super::body::body(request, super::body::MAX_JSON)?);
        serde_json::from_slice(&body)
            .map_err(|_| Refusal::new(400, "Bad request: the signing form could not be read."))
    }

    /// The signer the key file makes, unlocked with the passphrase, which is then zeroed.
    fn signer(mut self) -> Result<Signer, Refusal> {
        let key = PathBuf::from(self.key_file.trim());
        if key.as_os_str().is_empty() {
            return Err(Refusal::new(400, "Give the path of your secret key file."));
        }
        let name = self.signer.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let passphrase = std::mem::take(&mut self.passphrase);
        let pass = PassphraseSource::Given(Typed(Zeroizing::new(passphrase)));
        seal::load_signer(&key, name, &pass).map_err(|e| Refusal::new(422, e.message))
    }
}

impl Drop for KeyForm {
    /// A passphrase not used (the request refused before signing) is zeroed too.
    fn drop(&mut self) {
        self.passphrase.zeroize();
    }
}

/// The signer's public key to publish, in minisign's and OpenSSH's forms.
fn published(signer: &Signer) -> Vec<String> {
    let mut keys = vec![signer.public_key().to_base64()];
    keys.extend(signer.allowed_signers_line().ok());
    keys
}
