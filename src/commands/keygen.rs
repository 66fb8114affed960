//! `accord keygen`: create a minisign key pair, so signers need no other tool.
//!
//! Keys are never overwritten: if `NAME.key` or `NAME.pub` exists nothing is written (exit 2).
//! The secret key is created with `create_new` and mode 0600, encrypted like `minisign -G`
//! unless `--unencrypted` (like `minisign -G -W`).

use std::fs;
use std::os::unix::fs::DirBuilderExt as _;
use std::path::Path;

use zeroize::Zeroizing;

use crate::chars::Shown as _;
use crate::cli::KeygenArgs;
use crate::error::{Error, Exit, Result};
use crate::fsio;
use crate::manifest::is_plain_name;
use crate::minisign::{KdfParams, PublicKey, SecretKey, SecretKeyFile};
use crate::output;
use crate::seal::PassphraseSource;
use crate::sshsig::SshPublicKey;

/// Largest key file read back (minisign's take a few hundred bytes).
const MAX_KEY_FILE: u64 = 64 << 10;

/// Runs `accord keygen`.
pub fn run(args: &KeygenArgs) -> Result<Exit> {
    if !is_plain_name(&args.name) {
        return Err(Error::usage(format!("--name {:?} must be a plain file name", args.name)));
    }
    if args.unencrypted && args.passphrase.passphrase_file.is_some() {
        return Err(Error::usage("--unencrypted and --passphrase-file contradict each other"));
    }
    key_directory(&args.dir)?;
    let key_path = args.dir.join(format!("{}.key", args.name));
    let pub_path = args.dir.join(format!("{}.pub", args.name));
    if args.existing_ok && key_path.exists() && pub_path.exists() {
        let public_key = existing_pair(&key_path, &pub_path)?;
        output::print(&format!(
            "{} and {} exist already; nothing was written.\n{}",
            key_path.shown(),
            pub_path.shown(),
            publish(&public_key)
        ))?;
        return Ok(Exit::Success);
    }
    for path in [&key_path, &pub_path] {
        if path.symlink_metadata().is_ok() {
            return Err(Error::usage(format!(
                "{} already exists; accord never overwrites keys",
                path.shown()
            )));
        }
    }
    let key = SecretKey::generate()?;
    let secret = secret_file(&key, args)?;
    fsio::write_new(&key_path, secret.as_bytes(), fsio::PRIVATE)?;
    let public_key = key.public_key();
    if let Err(err) = fsio::write_new(&pub_path, public_key.to_file().as_bytes(), fsio::PUBLIC) {
        // Nothing written unless both are: the secret key is ours, made a moment ago.
        let _ = fs::remove_file(&key_path);
        return Err(err);
    }
    let encryption =
        if args.unencrypted { "NOT encrypted" } else { "encrypted with your passphrase" };
    output::print(&format!(
        "Secret key: {} ({encryption}; keep it private)\nPublic key: {}\n{}",
        key_path.shown(),
        pub_path.shown(),
        publish(&public_key)
    ))?;
    Ok(Exit::Success)
}

/// Makes the key directory `dir` if missing, private to its owner like ~/.ssh.
fn key_directory(dir: &Path) -> Result<()> {
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| Error::io("create key directory", dir, e))?;
    }
    if !dir.is_dir() {
        return Err(Error::io_message(format!("{} is not a directory", dir.shown())));
    }
    Ok(())
}

/// The text of the secret key file of `key`: encrypted with a passphrase, unless
/// `--unencrypted`.
fn secret_file(key: &SecretKey, args: &KeygenArgs) -> Result<Zeroizing<String>> {
    if args.unencrypted {
        key.to_file("minisign unencrypted secret key", None)
    } else {
        let source = PassphraseSource::new(args.passphrase.passphrase_file.clone());
        let passphrase = source.read("Passphrase for the new key: ", true)?;
        let kdf = KdfParams::minisign_default()?;
        output::eprintln(
            "Deriving the encryption key from the passphrase (scrypt, 1 GiB of memory)...",
        );
        key.to_file("minisign encrypted secret key", Some((passphrase.as_bytes(), &kdf)))
    }
}

/// The key id and the public key in both forms, to publish.
fn publish(key: &PublicKey) -> String {
    format!(
        "Key id: {}\nPublish this public key so that others can verify your signatures:\n{}\n\
         and, for those who check with OpenSSH (ssh-keygen -Y verify), the same key as:\n{}\n",
        key.key_id,
        key.to_base64(),
        SshPublicKey::from(key.key).to_line()
    )
}

/// The public key of an existing key pair; refused (exit 2) when the files are not a pair
/// (checked for an unencrypted secret key; an encrypted one needs its passphrase).
fn existing_pair(key_path: &Path, pub_path: &Path) -> Result<PublicKey> {
    let public = fsio::read_regular(pub_path, "public key", MAX_KEY_FILE)?;
    let public = PublicKey::parse(&public, &pub_path.shown())?;
    let secret = Zeroizing::new(fsio::read_regular(key_path, "secret key", MAX_KEY_FILE)?);
    let secret = SecretKeyFile::parse(&secret, &key_path.shown())?;
    if !secret.is_encrypted() && secret.unlock(None)?.public_key() != public {
        return Err(Error::usage(format!(
            "{} and {} exist but are not a key pair; move them away or choose another --name",
            key_path.shown(),
            pub_path.shown()
        )));
    }
    Ok(public)
}
