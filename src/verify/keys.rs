//! The public keys a verification uses: trusted ones from `--key`, or the untrusted ones found
//! next to the files or in the package.

use std::path::Path;

use crate::error::Result;
use crate::fsio;
use crate::minisign::PublicKey;
use crate::package::layout::{Listing, PUB_SUFFIX};

/// Largest public key file read (a minisign public key takes about 110 bytes).
const MAX_PUBLIC_KEY_FILE: u64 = 64 << 10;

/// A key in use and where it came from.
#[derive(Debug, Clone)]
pub struct KnownKey {
    /// The key.
    pub key: PublicKey,
    /// Where it came from: a file, or the `--key` text.
    pub source: String,
    /// The signer's name, if known (the key file's stem).
    pub name: Option<String>,
}

/// Adds `key` to `keys` unless a key with its id is there already.
pub fn push_unique(keys: &mut Vec<KnownKey>, key: KnownKey) {
    if !keys.iter().any(|k| k.key.key_id == key.key.key_id) {
        keys.push(key);
    }
}

/// Parses `--key` values: a public key file, or the one-line `RW…` form.
pub fn trusted(args: &[String]) -> Result<Vec<KnownKey>> {
    let mut keys = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        let key = if arg.starts_with("RW") && !path.exists() {
            KnownKey { key: PublicKey::from_base64(arg, "--key")?, source: arg.clone(), name: None }
        } else {
            let bytes = fsio::read_regular(path, "public key", MAX_PUBLIC_KEY_FILE)?;
            let key = PublicKey::parse(&bytes, arg)?;
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            KnownKey { key, source: arg.clone(), name: stem }
        };
        push_unique(&mut keys, key);
    }
    Ok(keys)
}

/// The public keys in a directory (`*.pub`), untrusted.
pub fn found_in(listing: &Listing) -> Result<Vec<KnownKey>> {
    let mut keys = Vec::new();
    for name in listing.public_key_files() {
        let path = listing.dir.join(name);
        let bytes = fsio::read_regular(&path, "public key", MAX_PUBLIC_KEY_FILE)?;
        let source = path.display().to_string();
        let key = PublicKey::parse(&bytes, &source)?;
        let stem = name.strip_suffix(PUB_SUFFIX).map(str::to_string);
        push_unique(&mut keys, KnownKey { key, source, name: stem });
    }
    Ok(keys)
}
