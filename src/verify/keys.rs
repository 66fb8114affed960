//! The public keys a verification uses: the trusted ones (`--key`, `--allowed-signers`), or,
//! when none is given, the untrusted ones found next to the files or in the package, which
//! are shown in full for the reader to compare and never make a verification pass.
//!
//! A key is its whole Ed25519 public key. A minisign key id is 8 bytes anyone can choose: it
//! names a key, it never identifies one, so two different keys with one id in use at once are
//! an error naming both.

use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;

use crate::chars::Shown as _;
use crate::error::{Error, Result};
use crate::fsio;
use crate::minisign::{KeyId, PublicKey};
use crate::package::layout::{Listing, ALLOWED_SIGNERS, PUB_SUFFIX, SSH_NAMESPACE};
use crate::sshsig::{self, SshPublicKey};

/// Largest public key file read (a minisign public key takes about 110 bytes).
const MAX_PUBLIC_KEY_FILE: u64 = 64 << 10;
/// Largest `allowed_signers` file read.
const MAX_ALLOWED_SIGNERS: u64 = 1 << 20;

/// A public key in use.
#[derive(Debug, Clone)]
pub struct Key {
    /// The Ed25519 key: what identifies it.
    pub ed25519: VerifyingKey,
    /// Its minisign key id, when known (a key from an `allowed_signers` file has none until
    /// a minisign signature by it is seen).
    pub key_id: Option<KeyId>,
    /// The signer's name: an `allowed_signers` principal, or a key file's stem.
    pub name: Option<String>,
    /// Where it came from: a file, or the `--key` text.
    pub source: String,
    /// The file it was read from, if it was read from one.
    pub file: Option<PathBuf>,
}

impl Key {
    /// The key id to show: the minisign key id, else OpenSSH's `SHA256:` fingerprint.
    pub fn id(&self) -> String {
        match self.key_id {
            Some(id) => id.to_string(),
            None => SshPublicKey::from(self.ed25519).fingerprint(),
        }
    }

    /// The one-line minisign form (`RW…`) when the key id is known, else the OpenSSH line.
    pub fn public_key(&self) -> String {
        match self.key_id {
            Some(key_id) => PublicKey { key_id, key: self.ed25519 }.to_base64(),
            None => self.ssh_public_key(),
        }
    }

    /// The OpenSSH form, `ssh-ed25519 AAAA…`.
    pub fn ssh_public_key(&self) -> String {
        SshPublicKey::from(self.ed25519).to_line()
    }

    /// `NAME (key ID)` for messages.
    pub fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} (key {})", self.id()),
            None => format!("key {}", self.id()),
        }
    }
}

/// Adds `key` to `keys`: merged with the same key already there, refused when another key
/// uses its key id.
pub fn add(keys: &mut Vec<Key>, key: Key) -> Result<()> {
    if let Some(same) = keys.iter_mut().find(|k| k.ed25519 == key.ed25519) {
        if let (Some(a), Some(b)) = (same.key_id, key.key_id) {
            if a != b {
                return Err(Error::usage(format!(
                    "{} and {} hold the same Ed25519 key with two key ids ({a} and {b})",
                    same.source, key.source
                )));
            }
        }
        same.key_id = same.key_id.or(key.key_id);
        same.name = same.name.take().or(key.name);
        return Ok(());
    }
    if let Some(other) = keys.iter().find(|k| k.key_id.is_some() && k.key_id == key.key_id) {
        return Err(Error::usage(format!(
            "two different public keys use the key id {}: {} ({}) and {} ({}); a key id names \
             a key but anyone can copy it, so accord will not guess which one is meant",
            key.id(),
            other.ssh_public_key(),
            other.source,
            key.ssh_public_key(),
            key.source
        )));
    }
    keys.push(key);
    Ok(())
}

/// The trusted keys: `--key` values (the one-line `RW…` form, an `ssh-ed25519 AAAA…` line, or
/// a minisign public key file) and the entries of an `--allowed-signers` file that may sign
/// in accord's namespace. A value that reads as a key is a key, never the name of a file: a
/// file named like the published key could otherwise stand in for it.
pub fn trusted(args: &[String], allowed_signers: Option<&Path>) -> Result<Vec<Key>> {
    let mut keys = Vec::new();
    for arg in args {
        let inline =
            |ed25519, key_id| Key { ed25519, key_id, name: None, source: arg.clone(), file: None };
        let key = if let Ok(key) = PublicKey::from_base64(arg.trim(), "--key") {
            inline(key.key, Some(key.key_id))
        } else if arg.trim_start().starts_with(sshsig::KEY_PREFIX) {
            inline(SshPublicKey::parse_line(arg, "--key")?.key, None)
        } else if arg.starts_with("RW") && !Path::new(arg).exists() {
            // Neither a key nor a file: say what is wrong with it as a key.
            PublicKey::from_base64(arg.trim(), "--key")?;
            continue;
        } else {
            let path = Path::new(arg);
            let bytes = fsio::read_regular(path, "public key", MAX_PUBLIC_KEY_FILE)?;
            let key = PublicKey::parse(&bytes, &path.shown())?;
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            let file = Some(path.to_path_buf());
            Key {
                ed25519: key.key,
                key_id: Some(key.key_id),
                name: stem,
                source: arg.clone(),
                file,
            }
        };
        add(&mut keys, key)?;
    }
    if let Some(path) = allowed_signers {
        let found = read_allowed_signers(path)?;
        if found.is_empty() {
            return Err(Error::usage(format!(
                "{} holds no key that may sign for accord (a line `NAME ssh-ed25519 AAAA…`, \
                 without a namespaces option that leaves accord out)",
                path.shown()
            )));
        }
        for key in found {
            add(&mut keys, key)?;
        }
    }
    Ok(keys)
}

/// The key ids the `.pub` files of `listing` give their keys.
pub fn labels_in(listing: &Listing) -> Vec<(VerifyingKey, KeyId)> {
    found_in(listing).0.into_iter().filter_map(|k| Some((k.ed25519, k.key_id?))).collect()
}

/// Gives the keys known only by their bytes (from an `allowed_signers` file) the key id the
/// package names them with (a `.pub` file, or the signed manifest): a key id is only a label,
/// but a minisign signature is looked up by it, and the signatures themselves do not sign it.
pub fn name_ids(keys: &mut [Key], labels: &[(VerifyingKey, KeyId)]) {
    for key in keys.iter_mut().filter(|k| k.key_id.is_none()) {
        key.key_id = labels.iter().find(|(k, _)| *k == key.ed25519).map(|(_, id)| *id);
    }
}

/// The first trusted key read from a file that lies in one of `dirs` (the package, or the
/// directory of a copy): it came with what it is to check, so it proves nothing.
pub fn from_inside<'a>(keys: &'a [Key], dirs: &[&Path]) -> Option<&'a Key> {
    let dirs: Vec<PathBuf> = dirs.iter().filter_map(|d| d.canonicalize().ok()).collect();
    keys.iter().find(|key| {
        let parent = key.file.as_deref().map(fsio::parent).and_then(|p| p.canonicalize().ok());
        parent.is_some_and(|parent| dirs.contains(&parent))
    })
}

/// The keys of an `allowed_signers` file that may sign in accord's namespace, named by their
/// first principal.
fn read_allowed_signers(path: &Path) -> Result<Vec<Key>> {
    let bytes = fsio::read_regular(path, "allowed signers file", MAX_ALLOWED_SIGNERS)?;
    let origin = path.shown();
    let entries = sshsig::parse_allowed_signers(&bytes, &origin)?;
    Ok(entries
        .into_iter()
        .filter(|entry| entry.allows_namespace(SSH_NAMESPACE))
        .map(|entry| Key {
            ed25519: entry.key.key,
            key_id: None,
            name: entry.principals.first().cloned(),
            source: format!("{origin}, line {}", entry.line),
            file: Some(path.to_path_buf()),
        })
        .collect())
}

/// The untrusted keys in a directory (`*.pub` files and `allowed_signers`), and the files
/// that could not be read as keys, each with the reason.
pub fn found_in(listing: &Listing) -> (Vec<Key>, Vec<String>) {
    let mut keys = Vec::new();
    let mut problems = Vec::new();
    for name in listing.public_key_files() {
        let path = listing.dir.join(name);
        let source = path.shown();
        let key = fsio::read_regular(&path, "public key", MAX_PUBLIC_KEY_FILE)
            .and_then(|bytes| PublicKey::parse(&bytes, &source))
            .and_then(|key| {
                let name = name.strip_suffix(PUB_SUFFIX).map(str::to_string);
                let file = Some(path.clone());
                let key = Key { ed25519: key.key, key_id: Some(key.key_id), name, source, file };
                add(&mut keys, key)
            });
        if let Err(err) = key {
            problems.push(err.message);
        }
    }
    if listing.contains(ALLOWED_SIGNERS) {
        let found = read_allowed_signers(&listing.dir.join(ALLOWED_SIGNERS))
            .and_then(|found| found.into_iter().try_for_each(|key| add(&mut keys, key)));
        if let Err(err) = found {
            problems.push(err.message);
        }
    }
    (keys, problems)
}
