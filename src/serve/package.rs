//! The packages of the output directory: listed for checking copies, their files offered
//! (a package's `verify.html` shown sandboxed), and built and signed from a session.

use std::fs;

use serde_json::{json, Value};
use tiny_http::Request;

use super::guard::Refusal;
use super::reply::{self, Reply};
use super::sessions::plain_name;
use super::workspace::Workspace;
use super::App;
use crate::fsio;
use crate::manifest;
use crate::package::layout;

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
        .filter(|id| {
            app.places.package(id).is_ok_and(|d| d.join(manifest::FILE_NAME).is_file())
        })
        .collect();
    let keys: Vec<Value> = ids(&app.places.dir)
        .into_iter()
        .filter(|name| name.ends_with(layout::PUB_SUFFIX) && plain_name(name).is_ok())
        .filter_map(|name| {
            let bytes = fsio::read_regular(&app.places.dir.join(&name), "public key", MAX_PUB).ok()?;
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

/// Builds (and signs) the package of a session.
pub fn build(_app: &App, _workspace: &Workspace, _request: &mut Request) -> Result<Reply, Refusal> {
    Err(Refusal::new(501, "Building from the workbench is not ready yet."))
}
