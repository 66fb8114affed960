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
    crate::seal::hex(&Sha256::digest(bytes))
}

/// Whether the package directory `dir` holds signatures, which makes it immutable.
pub fn is_signed(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name == "manifest.json" || name.ends_with(".minisig")
        })
    })
}

/// Refuses early when `target` holds anything but the PDFs of an unsigned build: a signed
/// package is never overwritten, and nothing accord did not write is ever replaced.
pub fn ensure_replaceable(target: &Path) -> Result<()> {
    if is_signed(target) {
        return Err(Error::failed(format!(
            "{} is a signed package and is never overwritten; nothing was changed. \
             Give the config another id, or move the old package away yourself",
            target.display()
        )));
    }
    let foreign = match fs::symlink_metadata(target) {
        Err(_) => None,
        Ok(meta) if !meta.is_dir() => Some("it is not a directory".to_string()),
        Ok(_) => fs::read_dir(target)
            .map_err(|e| Error::io("read", target, e))?
            .flatten()
            .find(|e| {
                let pdf = e.file_name().to_str().is_some_and(|n| n.ends_with(".pdf"));
                !(pdf && e.file_type().is_ok_and(|t| t.is_file()))
            })
            .map(|e| {
                format!("it holds {}, which accord did not write", e.file_name().to_string_lossy())
            }),
    };
    match foreign {
        Some(why) => Err(Error::failed(format!(
            "{} cannot be replaced by the new package: {why}; nothing was changed. Move it \
             away, or give the config another id",
            target.display()
        ))),
        None => Ok(()),
    }
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
    clean_stale(parent, &name, target);
    ensure_replaceable(target)?;

    let unique = format!("{}-{}", std::process::id(), nanos());
    let mut staging =
        Staging { dir: parent.join(format!(".{name}.{STAGING}-{unique}")), published: false };
    fs::create_dir(&staging.dir)
        .map_err(|e| Error::io("create staging directory", &staging.dir, e))?;
    for doc in docs {
        write_staged(&staging.dir.join(&doc.file_name), &doc.pdf)?;
    }
    seal(&staging.dir)?;
    sync_staged(&staging.dir)?;

    let old = parent.join(format!(".{name}.{OLD}-{unique}"));
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

/// Middle part of the name of a staging directory, `.ID.staging-PID-NANOS`.
const STAGING: &str = "staging";
/// Middle part of the name of a replaced package moved aside, `.ID.old-PID-NANOS`.
const OLD: &str = "old";

/// Whether `dir` is a staging directory of [`publish`]: an unfinished build, never a published
/// package, even when everything in it is signed (a build killed just before its rename).
pub fn is_staging(dir: &Path) -> bool {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        n.strip_prefix('.').and_then(|n| n.split_once(&format!(".{STAGING}-"))).is_some()
    })
}

/// Cleans up after builds of `name` killed before they finished (SIGKILL, power loss): their
/// staging directories are removed, and a previous package one of them had moved aside is put
/// back as `target` if nothing replaced it. Only leftovers of processes that are no longer
/// running are touched; where that cannot be told (no `/proc`), nothing is.
fn clean_stale(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some((kind, pid)) = [STAGING, OLD].into_iter().find_map(|kind| {
            let (pid, nanos) = rest.strip_prefix(kind)?.strip_prefix('-')?.split_once('-')?;
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            (digits(pid) && digits(nanos)).then_some((kind, pid))
        }) else {
            continue;
        };
        if Path::new("/proc").join(pid).exists() || !Path::new("/proc/self").exists() {
            continue;
        }
        let path = entry.path();
        if kind == OLD && !target.exists() {
            let _ = fs::rename(&path, target);
        } else {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Creates `path` (which must not exist) with `bytes`, flushed to disk.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let file = create_new(path, bytes)?;
    file.sync_all().map_err(|e| Error::io("write", path, e))
}

/// Creates `path` (which must not exist) in a staging directory with `bytes`; [`publish`]
/// flushes the whole directory to disk before publishing it.
pub fn write_staged(path: &Path, bytes: &[u8]) -> Result<()> {
    create_new(path, bytes).map(drop)
}

fn create_new(path: &Path, bytes: &[u8]) -> Result<fs::File> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io("create", path, e))?;
    file.write_all(bytes).map_err(|e| Error::io("write", path, e))?;
    Ok(file)
}

/// Flushes every file of the staging directory `dir` to disk, then `dir` itself. The files
/// are flushed from concurrent threads, which lets the file system commit them together:
/// one fsync after another costs a journal commit each (7-70 ms per package on a busy disk).
fn sync_staged(dir: &Path) -> Result<()> {
    let files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| Error::io("read", dir, e))?
        .map(|entry| entry.map(|e| e.path()).map_err(|e| Error::io("read", dir, e)))
        .collect::<Result<_>>()?;
    std::thread::scope(|scope| {
        let flushes: Vec<_> = files
            .iter()
            .map(|path| {
                scope.spawn(move || {
                    fs::File::open(path)
                        .and_then(|f| f.sync_all())
                        .map_err(|e| Error::io("sync", path, e))
                })
            })
            .collect();
        flushes.into_iter().try_for_each(|flush| {
            flush.join().unwrap_or_else(|_| Err(Error::usage("a flushing thread failed")))
        })
    })?;
    sync_dir(dir)
}

/// Flushes a directory's entries to disk so renames inside it survive a crash.
fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io("sync", dir, e))
}

fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::{clean_stale, is_staging};

    /// A process id above Linux's largest `pid_max`, so never a running process.
    const DEAD: u32 = 999_999_999;

    #[test]
    fn staging_directories_are_recognised_by_name() {
        assert!(is_staging(".un-iom-2016.staging-12-34".as_ref()));
        assert!(is_staging("out/.a.b.staging-1-2".as_ref()));
        for not in ["un-iom-2016", ".un-iom-2016.old-12-34", "staging-1-2", "out/un.staging-1-2"] {
            assert!(!is_staging(not.as_ref()), "{not}");
        }
    }

    #[test]
    fn leftovers_of_dead_builds_are_cleaned_and_a_moved_aside_package_put_back() {
        let out = tempfile::tempdir().unwrap();
        let made = |name: String| {
            fs::create_dir(out.path().join(&name)).unwrap();
            fs::write(out.path().join(&name).join("f.pdf"), &name).unwrap();
            name
        };
        let dead_staging = made(format!(".p.staging-{DEAD}-1"));
        let dead_old = made(format!(".p.old-{DEAD}-1"));
        let live = made(format!(".p.staging-{}-1", std::process::id()));
        let other_id = made(format!(".q.staging-{DEAD}-1"));
        let odd = made(format!(".p.staging-{DEAD}-1.staging-x"));
        let target = out.path().join("p");
        clean_stale(out.path(), "p", &target);
        let names = |dir: &std::path::Path| {
            let mut names: Vec<String> = fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            names
        };
        assert!(!out.path().join(dead_staging).exists());
        assert_eq!(fs::read_to_string(target.join("f.pdf")).unwrap(), dead_old);
        let mut kept = vec![live, other_id, odd, "p".to_string()];
        kept.sort();
        assert_eq!(names(out.path()), kept);
    }
}
