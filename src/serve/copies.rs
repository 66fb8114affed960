//! Checking a copy someone sent back: the PDF dropped in the page is written to a private
//! temporary folder and verified against a package of the output directory with the keys the
//! user entered, exactly as `accord verify` does, and the page gets the same report and the
//! same words; where the copy's words differ, its changed pages beside the signed ones
//! ([`sidebyside`](super::sidebyside)).

use std::fs;
use std::os::unix::fs::DirBuilderExt as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use serde::Serialize;

use super::guard::Refusal;
use super::sessions::plain_name;
use super::sidebyside::{self, Pair};
use crate::fsio;
use crate::verify::{self, Report, Request};
use crate::worker::Reader;

/// The copies received, each in a folder of its own under one private temporary folder,
/// removed when the workbench stops.
#[derive(Default)]
pub struct Received {
    root: OnceLock<Option<PathBuf>>,
    count: AtomicU64,
}

impl Drop for Received {
    fn drop(&mut self) {
        if let Some(Some(root)) = self.root.get() {
            let _ = fs::remove_dir_all(root);
        }
    }
}

/// What the page shows of a checked copy.
#[derive(Debug, Serialize)]
pub struct Checked {
    /// The copy's file name as the user gave it.
    pub file: String,
    /// `match`, `no_match` or `invalid`, as `verify.html` says.
    pub status: &'static str,
    /// The report as `accord verify --json` gives it.
    pub report: Report,
    /// The report in the words `accord verify` prints.
    pub text: String,
    /// Where its words differ from the closest signed document's: its pages beside the
    /// signed ones, the changed words marked.
    pub side_by_side: Vec<Pair>,
}

impl Received {
    fn root(&self) -> Result<&PathBuf, Refusal> {
        self.root
            .get_or_init(|| {
                let dir = std::env::temp_dir().join(format!("accord-serve-{}", std::process::id()));
                fs::DirBuilder::new().mode(0o700).create(&dir).ok().map(|()| dir)
            })
            .as_ref()
            .ok_or_else(|| Refusal::new(500, "Cannot make a temporary folder for the copy."))
    }

    /// Checks the copy `bytes`, named `name`, against the package in `package` with the
    /// trusted `keys` (one-line public keys); a copy that is no document of it is read by
    /// `reader` to explain it.
    pub fn check(
        &self,
        name: &str,
        bytes: &[u8],
        package: PathBuf,
        keys: &[String],
        reader: &Reader,
    ) -> Result<Checked, Refusal> {
        plain_name(name)?;
        let dir = self.root()?.join(self.count.fetch_add(1, Ordering::Relaxed).to_string());
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(|e| Refusal::new(500, format!("Cannot keep the copy: {e}")))?;
        let path = dir.join(name);
        let package_dir = package.clone();
        let checked = fsio::write_new(&path, bytes, fsio::PRIVATE)
            .map_err(|e| Refusal::new(500, e.message))
            .and_then(|()| {
                let files = [path.clone()];
                let request = Request {
                    files: &files,
                    package: Some(&package),
                    keys,
                    reader: Some(reader),
                    ..Request::default()
                };
                verify::verify(&request).map_err(|e| Refusal::new(422, e.message))
            });
        let _ = fs::remove_dir_all(&dir);
        let mut report = checked?;
        let prefix = format!("{}/", dir.display());
        for file in &mut report.files {
            file.path = file.path.replace(&prefix, "");
        }
        let text = verify::text(&report).replace(&prefix, "");
        let status = match report.files.first().map(|f| (&f.status, f.ok)) {
            Some((verify::Status::Match, true)) => "match",
            Some((verify::Status::NoMatch, _)) => "no_match",
            _ => "invalid",
        };
        let changed = report.files.first().and_then(|f| f.closest.as_ref()).filter(|c| {
            status == "no_match" && !c.differences.is_empty() && c.later_revisions.is_none()
        });
        let side_by_side = match changed {
            Some(closest) if plain_name(&closest.document).is_ok() => {
                let original = package_dir.join(&closest.document);
                match fsio::read_regular(&original, "document", crate::verify::MAX_PDF) {
                    Ok(signed) => sidebyside::compare(&signed, bytes, reader),
                    Err(_) => Vec::new(),
                }
            }
            _ => Vec::new(),
        };
        Ok(Checked { file: name.to_string(), status, report, text, side_by_side })
    }
}
