//! What a package directory holds and how its files are named, for the steps that write a
//! package (`package`, `seal`) and the one that reads it (`verify`).
//!
//! | file | what |
//! |---|---|
//! | `DOC.pdf` | the documents, named by the catalog |
//! | `DOC.pdf.minisig` | signature by the signer who built the package |
//! | `DOC.pdf.SIGNER.minisig` | signature by co-signer `SIGNER` (`accord sign`) |
//! | `manifest.json`, `manifest.json[.SIGNER].minisig` | the manifest and its signatures |
//! | `DOC.pdf.sshsig`, `DOC.pdf.SIGNER.sshsig` | the same signatures in OpenSSH's format |
//! | `SIGNER.pub` | public key of each signer (untrusted: anyone can swap it) |
//! | `allowed_signers` | the same keys, for `ssh-keygen -Y verify` |
//! | `SHA256SUMS`, `SHA256SUMS[.SIGNER].minisig` | `sha256sum -c` list of the PDFs, signed |
//! | `verify.html` | a page that checks copies in any browser |
//!
//! `SIGNER` is a signer's name reduced to lowercase ASCII letters, digits and hyphens, never
//! containing a dot, so `DOC.pdf.SIGNER.minisig` cannot be mistaken for the signature of
//! another file.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::manifest;

/// Name of the checksum list in a package.
pub const SHA256SUMS: &str = "SHA256SUMS";
/// Suffix of minisign signature files.
pub const SIG_SUFFIX: &str = ".minisig";
/// Suffix of OpenSSH signature files.
pub const SSH_SUFFIX: &str = ".sshsig";
/// Name of the OpenSSH `allowed_signers` file: a line per signer, for `ssh-keygen -Y verify`.
pub const ALLOWED_SIGNERS: &str = "allowed_signers";
/// The namespace of accord's OpenSSH signatures (`ssh-keygen -Y sign -n accord`), so that a
/// signature made for another purpose with the same key never passes for accord's.
pub const SSH_NAMESPACE: &str = "accord";
/// Name of the page that checks copies in a browser.
pub const PAGE: &str = "verify.html";
/// Suffix of public key files.
pub const PUB_SUFFIX: &str = ".pub";
/// Middle part of the name of a staging directory, `.ID.staging-PID-NANOS`.
pub const STAGING: &str = "staging";
/// Middle part of the name of a replaced package moved aside, `.ID.old-PID-NANOS`.
pub const OLD: &str = "old";

/// `FILE.minisig` for the builder (`slug` = None), `FILE.SLUG.minisig` for a co-signer.
pub fn signature_file_name(file: &str, slug: Option<&str>) -> String {
    named(file, slug, SIG_SUFFIX)
}

/// `FILE.sshsig` for the builder (`slug` = None), `FILE.SLUG.sshsig` for a co-signer.
pub fn ssh_signature_file_name(file: &str, slug: Option<&str>) -> String {
    named(file, slug, SSH_SUFFIX)
}

fn named(file: &str, slug: Option<&str>, suffix: &str) -> String {
    match slug {
        Some(slug) => format!("{file}.{slug}{suffix}"),
        None => format!("{file}{suffix}"),
    }
}

/// Whether a file named `name` makes its directory a signed package.
pub fn is_signature_or_manifest(name: &str) -> bool {
    name == manifest::FILE_NAME || name.ends_with(SIG_SUFFIX) || name.ends_with(SSH_SUFFIX)
}

/// Whether `name` is reserved for the files accord adds to a package, so no document may
/// have it.
pub fn is_reserved(name: &str) -> bool {
    [manifest::FILE_NAME, SHA256SUMS, ALLOWED_SIGNERS, PAGE].contains(&name)
        || [SIG_SUFFIX, SSH_SUFFIX, PUB_SUFFIX].iter().any(|suffix| name.ends_with(suffix))
}

/// Whether `dir` is a staging directory of a build: an unfinished build, never a published
/// package, even when everything in it is signed (a build killed just before its rename).
pub fn is_staging(dir: &Path) -> bool {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        n.strip_prefix('.').and_then(|n| n.split_once(&format!(".{STAGING}-"))).is_some()
    })
}

/// The file names in a package directory, for finding signatures and keys.
pub struct Listing {
    /// The directory.
    pub dir: PathBuf,
    names: BTreeSet<String>,
}

impl Listing {
    /// Lists `dir` (not a directory or unreadable: exit 2).
    pub fn read(dir: &Path) -> Result<Self> {
        let entries = fs::read_dir(dir).map_err(|err| Error::io("read directory", dir, err))?;
        let mut names = BTreeSet::new();
        for entry in entries {
            let entry = entry.map_err(|err| Error::io("read directory", dir, err))?;
            // Names that are not UTF-8 are never accord's.
            if let Ok(name) = entry.file_name().into_string() {
                names.insert(name);
            }
        }
        Ok(Self { dir: dir.to_path_buf(), names })
    }

    /// Whether the directory has an entry `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// `FILE.SUFFIX` (the builder's), then every `FILE.SIGNER.SUFFIX` sorted (SIGNER without
    /// dots, and no file `FILE.SIGNER` whose own signature it would be).
    pub fn signatures_of(&self, file: &str, suffix: &str) -> Vec<String> {
        let own = named(file, None, suffix);
        let prefix = format!("{file}.");
        let cosigned = self.names.iter().filter(|name| {
            name.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(suffix)).is_some_and(
                |signer| {
                    !signer.is_empty()
                        && !signer.contains('.')
                        && !self.contains(&format!("{file}.{signer}"))
                },
            )
        });
        self.names.get(&own).into_iter().chain(cosigned).cloned().collect()
    }

    /// Every name in the directory, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// The public key files (`*.pub`, not hidden).
    pub fn public_key_files(&self) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .map(String::as_str)
            .filter(|n| n.ends_with(PUB_SUFFIX) && !n.starts_with('.'))
    }
}

#[cfg(test)]
mod tests {
    use super::{is_staging, signature_file_name};

    #[test]
    fn signature_names() {
        assert_eq!(signature_file_name("a.pdf", None), "a.pdf.minisig");
        assert_eq!(signature_file_name("a.pdf", Some("bob")), "a.pdf.bob.minisig");
    }

    #[test]
    fn staging_directories_are_recognised_by_name() {
        assert!(is_staging(".un-iom-2016.staging-12-34".as_ref()));
        assert!(is_staging("out/.a.b.staging-1-2".as_ref()));
        for not in ["un-iom-2016", ".un-iom-2016.old-12-34", "staging-1-2", "out/un.staging-1-2"] {
            assert!(!is_staging(not.as_ref()), "{not}");
        }
    }
}
