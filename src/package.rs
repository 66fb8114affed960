//! Package assembly: documents are staged in a private directory and published with one rename,
//! so a crash or failure never leaves a package that looks complete.

/// One typeset document of a package.
#[derive(Debug, Clone)]
pub struct Document {
    /// File name inside the package, e.g. `agreement-original-1.pdf`.
    pub file_name: String,
    /// Role shown to users, e.g. `agreement, original 1 of 2` or `Council resolution`.
    pub role: String,
    /// Number of pages.
    pub pages: usize,
    /// The PDF bytes.
    pub pdf: Vec<u8>,
}

/// What a package was built from, recorded in its manifest.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// Package id from the config (names the directory `out/<id>`).
    pub package_id: String,
    /// SHA-256 (lowercase hex) of the config file's bytes.
    pub config_sha256: String,
    /// Template name and SHA-256 (lowercase hex) of each template used, sorted by name.
    pub templates: Vec<(String, String)>,
}

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the package directory `dir` holds signatures, which makes it immutable.
pub fn is_signed(dir: &Path) -> bool {
    fs::read_dir(dir).map_or(false, |entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name == "manifest.json" || name.ends_with(".minisig")
        })
    })
}

/// Refuses early when `target` is a signed package: those are never overwritten.
pub fn ensure_replaceable(target: &Path) -> Result<()> {
    if is_signed(target) {
        return Err(Error::failed(format!(
            "{} is a signed package and is never overwritten; nothing was changed. \
             Give the config another id, or move the old package away yourself",
            target.display()
        )));
    }
    Ok(())
}

/// A staging directory next to its target, removed on drop unless published.
struct Staging {
    dir: PathBuf,
    published: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes `docs` into a fresh staging directory next to `target`, lets `seal` add signatures,
/// then publishes it as `target` with one rename. An unsigned package already at `target` is
/// replaced; a signed one is never touched. On any failure `target` is left as it was.
pub fn publish(
    target: &Path,
    docs: &[Document],
    seal: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    fs::create_dir_all(parent).map_err(|e| Error::io("create output directory", parent, e))?;
    ensure_replaceable(target)?;

    let unique = format!("{}-{}", std::process::id(), nanos());
    let mut staging =
        Staging { dir: parent.join(format!(".{name}.staging-{unique}")), published: false };
    fs::create_dir(&staging.dir)
        .map_err(|e| Error::io("create staging directory", &staging.dir, e))?;
    for doc in docs {
        write_new(&staging.dir.join(&doc.file_name), &doc.pdf)?;
    }
    seal(&staging.dir)?;
    sync_dir(&staging.dir)?;

    let old = parent.join(format!(".{name}.old-{unique}"));
    let had_old = target.exists();
    if had_old {
        ensure_replaceable(target)?;
        fs::rename(target, &old).map_err(|e| Error::io("move aside the previous", target, e))?;
    }
    if let Err(err) = fs::rename(&staging.dir, target) {
        if had_old {
            let _ = fs::rename(&old, target);
        }
        return Err(if target.exists() {
            Error::failed(format!(
                "{} was created by another build meanwhile; nothing of this build was kept",
                target.display()
            ))
        } else {
            Error::io("publish package", target, err)
        });
    }
    staging.published = true;
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    sync_dir(parent)
}

/// Creates `path` (which must not exist) with `bytes`, flushed to disk.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io("create", path, e))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| Error::io("write", path, e))
}

/// Flushes a directory's entries to disk so renames inside it survive a crash.
fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io("sync", dir, e))
}

fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}
