//! The public keys a verification uses: the trusted ones (`--key`, `--allowed-signers`), or,
//! when none is given, the untrusted ones found next to the files or in the package, which
//! are shown in full for the reader to compare and never make a verification pass.
//!
//! A key is its whole Ed25519 public key. A minisign key id is 8 bytes anyone can choose: it
//! names a key, it never identifies one, so two different keys with one id in use at once are
//! an error naming both. A key from an `allowed_signers` file carries the principals its
//! lines allow it to sign as; a key given as such (`--key`, a `.pub` file) may sign as anyone.

use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;

use crate::chars::Shown as _;
use crate::error::{Error, Result};
use crate::fsio;
use crate::minisign::{KeyId, PublicKey, UNTRUSTED_PREFIX};
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
    /// The principals the `allowed_signers` lines of the key allow it to sign as; `None`
    /// when it was also given as such, which allows any signer.
    pub principals: Option<Vec<String>>,
    /// Where it came from: a file, or the `--key` text.
    pub source: String,
    /// The file it was read from, if it was read from one.
    pub file: Option<PathBuf>,
    /// Whether its key id came with it (a minisign key), rather than from a label.
    pub id_given: bool,
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
        same.principals = match (same.principals.take(), key.principals) {
            (Some(mut principals), Some(more)) => {
                for principal in more {
                    if !principals.contains(&principal) {
                        principals.push(principal);
                    }
                }
                Some(principals)
            }
            _ => None,
        };
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

/// The trusted keys: `--key` values (see [`key_arg`]) and the entries of an
/// `--allowed-signers` file that may sign in accord's namespace.
pub fn trusted(args: &[String], allowed_signers: Option<&Path>) -> Result<Vec<Key>> {
    let mut keys = Vec::new();
    for arg in args {
        add(&mut keys, key_arg(arg)?)?;
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

/// One `--key` value. Text that reads as key text (it begins with `RW`, `ssh-` or
/// `untrusted comment:`, or holds a key and a blank) is a key, or an error: never the name
/// of a file, which a forger could have planted under that name. Anything else is a minisign
/// public key file (`./RW….pub` names a file that begins like a key).
fn key_arg(arg: &str) -> Result<Key> {
    let text = arg.trim();
    let inline = |ed25519, key_id: Option<KeyId>| Key {
        ed25519,
        key_id,
        name: None,
        principals: None,
        source: arg.to_string(),
        file: None,
        id_given: key_id.is_some(),
    };
    let looks_like_key =
        ["RW", sshsig::KEY_PREFIX, UNTRUSTED_PREFIX].iter().any(|p| text.starts_with(p))
            || (text.contains(char::is_whitespace)
                && (text.contains(" RW") || text.contains(sshsig::KEY_PREFIX)));
    if looks_like_key {
        if let Some(at) = text.find(sshsig::KEY_PREFIX) {
            return Ok(inline(SshPublicKey::parse_line(&text[at..], "--key")?.key, None));
        }
        let key = if text.starts_with(UNTRUSTED_PREFIX) {
            PublicKey::parse(text.as_bytes(), "--key")?
        } else {
            let word = text.split_whitespace().find(|w| w.starts_with("RW")).unwrap_or(text);
            PublicKey::from_base64(word, "--key")?
        };
        return Ok(inline(key.key, Some(key.key_id)));
    }
    let path = Path::new(arg);
    let bytes = fsio::read_regular(path, "public key", MAX_PUBLIC_KEY_FILE)?;
    let key = PublicKey::parse(&bytes, &path.shown())?;
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let file = Some(path.to_path_buf());
    let (ed25519, key_id, source) = (key.key, Some(key.key_id), arg.to_string());
    Ok(Key { ed25519, key_id, name, principals: None, source, file, id_given: true })
}

/// The first trusted key read from a file, links resolved, that lies in or under the package
/// `package` or right next to one of the `copies`: it came with what it is to check, so it
/// proves nothing.
pub fn from_inside<'a>(
    keys: &'a [Key],
    package: Option<&Path>,
    copies: &[&Path],
) -> Option<&'a Key> {
    let real = |path: &Path| path.canonicalize().ok();
    let package = package.and_then(real);
    let beside: Vec<PathBuf> = copies.iter().filter_map(|c| real(fsio::parent(c))).collect();
    keys.iter().find(|key| {
        let Some(file) = key.file.as_deref().and_then(real) else { return false };
        package.as_ref().is_some_and(|dir| file.starts_with(dir))
            || beside.iter().any(|dir| fsio::parent(&file) == dir)
    })
}

/// The key ids the `.pub` files of `listing` give their keys.
pub fn labels_in(listing: &Listing) -> Vec<(VerifyingKey, KeyId)> {
    found_in(listing).0.into_iter().filter_map(|k| Some((k.ed25519, k.key_id?))).collect()
}

/// Gives the keys known only by their bytes (from an `allowed_signers` file) the key id that
/// `labels` give them: a key id is only a label, but a minisign signature is looked up by it,
/// and the signatures themselves do not sign it. Later labels win, so the signed manifest's,
/// given last, prevail over the `.pub` files'.
pub fn name_ids(keys: &mut [Key], labels: &[(VerifyingKey, KeyId)]) {
    for key in keys.iter_mut().filter(|k| !k.id_given) {
        if let Some((_, id)) = labels.iter().find(|(k, _)| *k == key.ed25519) {
            key.key_id = Some(*id);
        }
    }
}

/// The keys of an `allowed_signers` file that may sign in accord's namespace, with the
/// principals of their lines, named by the first.
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
            principals: Some(entry.principals),
            source: format!("{origin}, line {}", entry.line),
            file: Some(path.to_path_buf()),
            id_given: false,
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
                let key_id = Some(key.key_id);
                let key = Key {
                    ed25519: key.key,
                    key_id,
                    name,
                    principals: None,
                    source,
                    file,
                    id_given: true,
                };
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
