//! Package assembly: documents are staged in a private directory and published with one rename,
//! so a crash or failure never leaves a package that looks complete. [`layout`] names the files
//! a package holds.

pub mod layout;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::chars::Shown as _;
use crate::digest::FileDigest;
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::manifest::Manifest;
use crate::minisign::PublicKey;
use layout::{OLD, STAGING};

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
    /// Fingerprints of the earlier signings this package supersedes (config `supersedes`).
    pub supersedes: Vec<Fingerprint>,
    /// SHA-256 (lowercase hex) of the config file's bytes.
    pub config_sha256: String,
    /// Template name and SHA-256 (lowercase hex) of each template used, sorted by name.
    pub templates: Vec<(String, String)>,
    /// Version of accord that built it.
    pub accord_version: String,
    /// Version of typst that typeset it.
    pub typst_version: String,
    /// What a certified package certifies (none for a signed package).
    pub certifies: Option<crate::manifest::Certifies>,
}

/// A sealed package as read and verified: its manifest and the digests of what was checked,
/// so that a co-signer signs exactly the bytes that were verified.
#[derive(Debug, Clone)]
pub struct VerifiedPackage {
    /// The parsed manifest.
    pub manifest: Manifest,
    /// The bytes of `manifest.json`.
    pub manifest_bytes: Vec<u8>,
    /// Digest of each document, in the order of the manifest's files.
    pub documents: Vec<FileDigest>,
    /// Every signer whose signatures verified, with the name their trusted comment gives.
    pub signers: Vec<(String, PublicKey)>,
    /// The verified minisign signature files of each signed file, by its name.
    pub signature_files: BTreeMap<String, Vec<String>>,
}

/// Whether the package directory `dir` holds signatures, which makes it immutable.
pub fn is_signed(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            layout::is_signature_or_manifest(&name)
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
            target.shown()
        )));
    }
    let foreign = match fs::symlink_metadata(target) {
        Err(_) => None,
        Ok(meta) if meta.file_type().is_symlink() => Some(
            "it is a symbolic link, and accord writes a package only as a real directory, so \
             that no link can send it elsewhere; remove the link"
                .to_string(),
        ),
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
            target.shown()
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
/// then publishes it as `target` with one rename; returns what `seal` returned. An unsigned
/// package already at `target` is replaced; a signed one is never touched. On any failure
/// `target` is left as it was.
pub fn publish<T>(
    target: &Path,
    docs: &[Document],
    seal: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
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
        fsio::write_staged(&staging.dir.join(&doc.file_name), &doc.pdf)?;
    }
    let sealed = seal(&staging.dir)?;
    fsio::sync_tree(&staging.dir)?;

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
                target.shown()
            ))
        } else {
            Error::io("publish package", target, err)
        });
    }
    staging.published = true;
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    fsio::sync_dir(parent)?;
    Ok(sealed)
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

fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::clean_stale;

    /// A process id above Linux's largest `pid_max`, so never a running process.
    const DEAD: u32 = 999_999_999;

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
