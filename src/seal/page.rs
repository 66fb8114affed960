//! `verify.html`: the page in every signed package that checks copies in a browser, with
//! nothing to install. The page is accord's own, not a document of a template set: its
//! program checks signatures, so every package carries the one accord's tests check in a
//! browser, whatever set made its documents. It is the template `verify.html.j2` next to this
//! file, embedded in the binary; accord fills it with the package's data as JSON (format `accord-page/1`): the manifest's bytes and its
//! signatures, each document's signatures, and the signers with their full public keys. The
//! page checks everything itself, as `minisign -Vm` does; a page whose data was altered
//! says INVALID.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use minijinja::{context, Environment};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::fsio;
use crate::manifest::{self, Manifest};
use crate::minisign::PublicKey;
use crate::package::layout::PAGE;
use crate::sshsig::SshPublicKey;

/// The page template.
const TEMPLATE: &str = include_str!("verify.html.j2");
/// Its name, in errors.
const TEMPLATE_NAME: &str = "verify.html.j2";
/// Value of the data's `format` field.
const FORMAT: &str = "accord-page/1";
/// Largest signature file embedded (a minisign signature takes about 500 bytes).
const MAX_SIGNATURE_FILE: u64 = 64 << 10;

/// Writes `verify.html` into `dir` with `write`: the page for `manifest` (whose bytes are
/// `manifest_bytes`), the `signers` (name and key) and, for each signed file, the minisign
/// signature files in `dir` that verified.
pub fn write(
    dir: &Path,
    manifest_bytes: &[u8],
    manifest: &Manifest,
    signers: &[(String, PublicKey)],
    signature_files: &BTreeMap<String, Vec<String>>,
    write: fn(&Path, &[u8]) -> Result<()>,
) -> Result<()> {
    let signatures = |file: &str| -> Result<Value> {
        let names = signature_files.get(file).map(Vec::as_slice).unwrap_or_default();
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let bytes = fsio::read_regular(&dir.join(name), "signature", MAX_SIGNATURE_FILE)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::malformed(format!("{name} is not UTF-8 text")))?;
            out.push(json!({ "file": name, "text": text }));
        }
        Ok(Value::Array(out))
    };
    let documents = manifest
        .files
        .iter()
        .map(|f| Ok(json!({ "file": f.name, "signatures": signatures(&f.name)? })))
        .collect::<Result<Vec<Value>>>()?;
    let signers: Vec<Value> = signers
        .iter()
        .map(|(name, key)| {
            json!({
                "name": name,
                "key_id": key.key_id.to_string(),
                "minisign": key.to_base64(),
                "ssh": format!("{} {name}", SshPublicKey::from(key.key).to_line()),
            })
        })
        .collect();
    let data = json!({
        "format": FORMAT,
        "package": manifest.package,
        "manifest": {
            "file": manifest::FILE_NAME,
            "base64": base64::engine::general_purpose::STANDARD.encode(manifest_bytes),
            "signatures": signatures(manifest::FILE_NAME)?,
        },
        "documents": documents,
        "signers": signers,
    });
    write(&dir.join(PAGE), render(&data)?.as_bytes())
}

/// The page template filled with `data`.
fn render(data: &Value) -> Result<String> {
    let mut env = Environment::new();
    let fail = |e: minijinja::Error| Error::typesetting(format!("{TEMPLATE_NAME}: {e}"));
    env.add_template(TEMPLATE_NAME, TEMPLATE).map_err(fail)?;
    env.get_template(TEMPLATE_NAME)
        .and_then(|t| t.render(context! { package => data }))
        .map_err(fail)
}
