//! The sessions of the workbench's directory, and the places it may touch: the configs of
//! DIR and the packages of the output directory, by plain names only, never by a path a
//! request spells (no `..`, no `/`, no symbolic link leading out).

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::guard::Refusal;
use crate::chars::Shown as _;
use crate::check;
use crate::config::{Loaded, MAX_CONFIG_BYTES};
use crate::error::{Error, Result};
use crate::fsio;
use crate::manifest::{self, Manifest};
use crate::package::layout;
use crate::set::TemplateSet;

/// Suffix of a session's config file.
const SUFFIX: &str = ".toml";
/// Longest session name.
const MAX_NAME: usize = 64;
/// Largest manifest read to show a package's state.
const MAX_MANIFEST: u64 = 4 << 20;

/// The two directories the workbench works in.
#[derive(Debug)]
pub struct Places {
    /// The configs' directory, as given (for messages).
    pub dir: PathBuf,
    /// The same, resolved.
    real_dir: PathBuf,
    /// The output directory (created when the first package is built).
    pub out: PathBuf,
}

/// A session as the list shows it.
#[derive(Debug, Serialize)]
pub struct Listed {
    /// Its name: the config's file name without `.toml`.
    pub name: String,
    /// Its package id, when the config says.
    pub id: Option<String>,
    /// Problems left (`accord check`'s), or `None` when it cannot be read at all.
    pub problems: Option<usize>,
    /// Why it cannot be read, if it cannot.
    pub error: Option<String>,
    /// The package built from it, if there is one.
    pub package: Option<Built>,
}

/// What is in a session's package directory.
#[derive(Debug, Serialize)]
pub struct Built {
    /// Whether it is signed (else a directory of unsigned PDFs).
    pub signed: bool,
    /// Who signed it at build time.
    pub signers: Vec<String>,
    /// Who co-signed it since (signers' file-name forms).
    pub cosigners: Vec<String>,
}

impl Places {
    /// The places of a workbench on the configs of `dir`, writing packages under `out`.
    pub fn new(dir: &Path, out: &Path) -> Result<Self> {
        let real_dir = dir.canonicalize().map_err(|e| Error::io("open the directory", dir, e))?;
        if !real_dir.is_dir() {
            return Err(Error::usage(format!("{} is not a directory", dir.shown())));
        }
        Ok(Self { dir: dir.to_path_buf(), real_dir, out: out.to_path_buf() })
    }

    /// The config file of the session `name`, which must be a plain name and, if the file
    /// exists, lie in the directory (a link leading out is refused).
    pub fn config(&self, name: &str) -> std::result::Result<PathBuf, Refusal> {
        plain_name(name)?;
        let path = self.real_dir.join(format!("{name}{SUFFIX}"));
        if fs::symlink_metadata(&path).is_ok() {
            let real = path.canonicalize().map_err(|_| outside())?;
            if real.parent() != Some(self.real_dir.as_path()) {
                return Err(outside());
            }
        }
        Ok(path)
    }

    /// The directory of the package `id` (a valid package id) under the output directory,
    /// which must not be a link leading elsewhere.
    pub fn package(&self, id: &str) -> std::result::Result<PathBuf, Refusal> {
        plain_name(id)?;
        let path = self.out.join(id);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => Err(outside()),
            _ => Ok(path),
        }
    }

    /// The sessions of the directory, by name.
    pub fn list(&self, set: &TemplateSet) -> Result<Vec<Listed>> {
        let entries = fs::read_dir(&self.real_dir).map_err(|e| Error::io("read", &self.dir, e))?;
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.strip_suffix(SUFFIX).map(str::to_string))
            .filter(|name| self.config(name).is_ok())
            .collect();
        names.sort();
        Ok(names.into_iter().map(|name| self.listed(name, set)).collect())
    }

    fn listed(&self, name: String, set: &TemplateSet) -> Listed {
        let loaded = self
            .config(&name)
            .map_err(|r| Error::usage(r.message))
            .and_then(|path| Loaded::read(&path, &set.fields));
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(err) => {
                return Listed {
                    name,
                    id: None,
                    problems: None,
                    error: Some(err.message),
                    package: None,
                }
            }
        };
        let checked = check::check(&loaded, set);
        let id = checked.session.id.clone();
        let package = self.package(&id).ok().and_then(|dir| built(&dir));
        Listed { name, id: Some(id), problems: Some(checked.problems.len()), error: None, package }
    }

    /// Writes the starter config as the new session `name`; refused when it exists.
    pub fn create(&self, name: &str, starter: &str) -> std::result::Result<(), Refusal> {
        let path = self.config(name)?;
        if fs::symlink_metadata(&path).is_ok() {
            return Err(Refusal::new(
                409,
                format!("A session named \"{name}\" exists already; choose another name."),
            ));
        }
        fsio::write_new(&path, starter.as_bytes(), fsio::PUBLIC)
            .map_err(|e| Refusal::new(409, e.message))
    }
}

/// The state of the package directory `dir`, if it holds a package.
fn built(dir: &Path) -> Option<Built> {
    let names: Vec<String> = fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    if names.is_empty() {
        return None;
    }
    let path = dir.join(manifest::FILE_NAME);
    let Ok(bytes) = fsio::read_regular(&path, "manifest", MAX_MANIFEST) else {
        return Some(Built { signed: false, signers: Vec::new(), cosigners: Vec::new() });
    };
    let manifest = Manifest::parse(&bytes, &path).ok()?;
    let signers: Vec<String> = manifest.signers.iter().map(|s| s.name.clone()).collect();
    let prefix = format!("{}.", manifest::FILE_NAME);
    let cosigners = names
        .iter()
        .filter_map(|n| n.strip_prefix(&prefix)?.strip_suffix(layout::SIG_SUFFIX))
        .map(str::to_string)
        .collect();
    Some(Built { signed: true, signers, cosigners })
}

/// A name that can only name a file of its directory: letters, digits, `.`, `-`, `_`, not
/// starting with a dot, at most [`MAX_NAME`] characters.
pub fn plain_name(name: &str) -> std::result::Result<(), Refusal> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    match ok {
        true => Ok(()),
        false => Err(Refusal::new(
            400,
            format!(
                "A name may hold up to {MAX_NAME} letters, digits, dots, hyphens and \
                 underscores, and may not begin with a dot."
            ),
        )),
    }
}

fn outside() -> Refusal {
    Refusal::new(403, "Refused: that file lies outside the workbench's folders.")
}

/// The bytes of the config at `path`, bounded.
pub fn read_config(path: &Path) -> Result<Vec<u8>> {
    fsio::read_regular(path, "config", MAX_CONFIG_BYTES)
}

#[cfg(test)]
mod tests {
    use super::{plain_name, Places};

    #[test]
    fn session_names_never_leave_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let places = Places::new(dir.path(), &dir.path().join("out")).unwrap();
        for bad in ["..", "../x", "a/b", ".hidden", "", "a\\b", "a b", "x\0"] {
            assert!(plain_name(bad).is_err(), "{bad:?}");
            assert!(places.config(bad).is_err(), "{bad:?}");
        }
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("out.toml")).unwrap();
        assert_eq!(places.config("out").unwrap_err().status, 403);
        assert!(places.config("june-2016").is_ok());
    }
}
