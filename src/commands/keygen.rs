//! `accord keygen`: create a minisign key pair, so signers need no other tool.
//!
//! Keys are never overwritten: if `NAME.key` or `NAME.pub` exists nothing is written (exit 2).
//! The secret key is created with `create_new` and mode 0600, encrypted like `minisign -G`
//! unless `--unencrypted` (like `minisign -G -W`).

use std::fs;
use std::os::unix::fs::DirBuilderExt as _;

use crate::cli::KeygenArgs;
use crate::error::{Error, Result, EXIT_OK};
use crate::fsio;
use crate::manifest::is_plain_name;
use crate::minisign::{KdfParams, SecretKey};
use crate::output;
use crate::seal::PassphraseSource;
use crate::sshsig::SshPublicKey;

/// Runs `accord keygen`.
pub fn run(args: &KeygenArgs) -> Result<u8> {
    if !is_plain_name(&args.name) {
        return Err(Error::usage(format!("--name {:?} must be a plain file name", args.name)));
    }
    if args.unencrypted && args.passphrase.passphrase_file.is_some() {
        return Err(Error::usage("--unencrypted and --passphrase-file contradict each other"));
    }
    if !args.dir.exists() {
        // A new key directory is private to its owner, like ~/.ssh.
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&args.dir)
            .map_err(|e| Error::io("create key directory", &args.dir, e))?;
    }
    if !args.dir.is_dir() {
        return Err(Error::usage(format!("{} is not a directory", args.dir.display())));
    }
    let key_path = args.dir.join(format!("{}.key", args.name));
    let pub_path = args.dir.join(format!("{}.pub", args.name));
    for path in [&key_path, &pub_path] {
        if path.symlink_metadata().is_ok() {
            return Err(Error::usage(format!(
                "{} already exists; accord never overwrites keys",
                path.display()
            )));
        }
    }
    let key = SecretKey::generate()?;
    let secret = if args.unencrypted {
        key.to_file("minisign unencrypted secret key", None)?
    } else {
        let source = PassphraseSource::new(args.passphrase.passphrase_file.clone());
        let passphrase = source.read("Passphrase for the new key: ", true)?;
        let kdf = KdfParams::minisign_default()?;
        output::eprintln(
            "Deriving the encryption key from the passphrase (scrypt, 1 GiB of memory)...",
        );
        key.to_file("minisign encrypted secret key", Some((passphrase.as_bytes(), &kdf)))?
    };
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
        "Secret key: {} ({encryption}; keep it private)\nPublic key: {}\nKey id: {}\n\
         Publish this public key so that others can verify your signatures:\n{}\n\
         and, for those who check with OpenSSH (ssh-keygen -Y verify), the same key as:\n{}\n",
        key_path.display(),
        pub_path.display(),
        public_key.key_id,
        public_key.to_base64(),
        SshPublicKey::from(public_key.key).to_line()
    ))?;
    Ok(EXIT_OK)
}
