//! Loading a signer: reading and unlocking a secret key, and where its passphrase comes from.

use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::Signer;
use crate::chars::Shown as _;
use crate::error::{Error, Result};
use crate::fsio;
use crate::minisign::SecretKeyFile;
use crate::output;

/// Environment variable holding the secret key's passphrase (after `--passphrase-file`).
pub const PASSPHRASE_ENV: &str = "ACCORD_PASSPHRASE";
/// Longest passphrase, in bytes: minisign reads passphrases into a 1024-byte buffer, which
/// holds 1022 bytes besides the line's end and the terminating zero.
pub const MAX_PASSPHRASE: usize = 1022;
/// Largest secret key file read: a minisign secret key takes about 350 bytes.
const MAX_SECRET_KEY_FILE: u64 = 64 << 10;
/// Largest passphrase file read (one line of at most [`MAX_PASSPHRASE`] bytes).
const MAX_PASSPHRASE_FILE: u64 = 4 << 10;

/// Where the passphrase of an encrypted key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassphraseSource {
    /// A file; `-` is standard input.
    File(PathBuf),
    /// The environment variable [`PASSPHRASE_ENV`].
    Environment,
    /// A prompt on the terminal.
    Terminal,
    /// Typed by the user elsewhere (the workbench's page), held only in memory, zeroed when
    /// dropped.
    Given(Typed),
}

/// A passphrase typed by the user, which no debug output shows.
#[derive(Clone, PartialEq, Eq)]
pub struct Typed(pub Zeroizing<String>);

impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Typed(…)")
    }
}

impl PassphraseSource {
    /// `--passphrase-file` if given, else the environment variable if set, else the terminal.
    pub fn new(file: Option<PathBuf>) -> Self {
        match file {
            Some(path) => Self::File(path),
            None if std::env::var_os(PASSPHRASE_ENV).is_some() => Self::Environment,
            None => Self::Terminal,
        }
    }

    /// The passphrase, asked twice and required non-empty when `confirm` (for a new key).
    /// From a file or the environment, one trailing line end (`\n` or `\r\n`) is dropped,
    /// as minisign does when it reads a passphrase.
    pub fn read(&self, prompt: &str, confirm: bool) -> Result<Zeroizing<String>> {
        let passphrase = match self {
            Self::File(path) => one_line(read_file(path)?, &path.shown())?,
            Self::Environment => {
                let value = std::env::var_os(PASSPHRASE_ENV).unwrap_or_default();
                let text = value
                    .into_string()
                    .map_err(|_| Error::usage(format!("{PASSPHRASE_ENV} is not valid UTF-8")))?;
                one_line(Zeroizing::new(text), PASSPHRASE_ENV)?
            }
            Self::Given(Typed(text)) => text.clone(),
            Self::Terminal => {
                let first = ask(prompt)?;
                if confirm && *ask("Passphrase (again): ")? != *first {
                    return Err(Error::usage("the two passphrases differ"));
                }
                first
            }
        };
        if passphrase.len() > MAX_PASSPHRASE {
            return Err(Error::usage(format!(
                "the passphrase is {} bytes long; minisign accepts at most {MAX_PASSPHRASE}",
                passphrase.len()
            )));
        }
        if confirm && passphrase.is_empty() {
            return Err(Error::usage("empty passphrase (use --unencrypted for a key without one)"));
        }
        Ok(passphrase)
    }
}

/// The passphrase file's text (`-`: standard input), at most [`MAX_PASSPHRASE_FILE`] bytes.
fn read_file(path: &Path) -> Result<Zeroizing<String>> {
    let bytes = Zeroizing::new(if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().take(MAX_PASSPHRASE_FILE + 1).read_to_end(&mut bytes).map_err(|err| {
            Error::io("read the passphrase from", Path::new("standard input"), err)
        })?;
        if bytes.len() as u64 > MAX_PASSPHRASE_FILE {
            return Err(Error::usage("standard input holds more than a passphrase"));
        }
        bytes
    } else {
        fsio::read_regular(path, "passphrase file", MAX_PASSPHRASE_FILE)?
    });
    std::str::from_utf8(&bytes).map(|text| Zeroizing::new(text.to_string())).map_err(|_| {
        Error::malformed(format!("the passphrase in {} is not UTF-8 text", path.shown()))
    })
}

/// `text` without one trailing line end; refused when it holds another line.
fn one_line(text: Zeroizing<String>, origin: &str) -> Result<Zeroizing<String>> {
    let line = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
    if line.contains(['\n', '\r']) {
        return Err(Error::usage(format!(
            "the passphrase from {origin} holds more than one line; write it on one line"
        )));
    }
    Ok(Zeroizing::new(line.to_string()))
}

fn ask(prompt: &str) -> Result<Zeroizing<String>> {
    rpassword::prompt_password(prompt).map(Zeroizing::new).map_err(|err| {
        Error::io_message(format!(
            "cannot read the passphrase from the terminal ({err}); \
             use --passphrase-file or {PASSPHRASE_ENV}"
        ))
    })
}

/// Loads and unlocks a secret key; the signer's name defaults to the key file's stem.
///
/// Refuses key files that group or others can access (exit 2), like ssh does.
pub fn load_signer(key_path: &Path, name: Option<&str>, pass: &PassphraseSource) -> Result<Signer> {
    let file = fsio::open_regular(key_path, "read secret key")?;
    let mode = file
        .metadata()
        .map_err(|e| Error::io("read secret key", key_path, e))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Error::usage(format!(
            "secret key {0} is accessible by group or others (mode {1:o}); \
             restrict it with: chmod 600 {0}",
            key_path.shown(),
            mode & 0o777
        )));
    }
    drop(file);
    let bytes = Zeroizing::new(fsio::read_regular(key_path, "secret key", MAX_SECRET_KEY_FILE)?);
    let origin = key_path.shown();
    let file = SecretKeyFile::parse(&bytes, &origin)?;
    let key = if file.is_encrypted() {
        let passphrase = pass.read(&format!("Passphrase for {origin}: "), false)?;
        output::eprintln(&format!("Decrypting {origin} (scrypt, 1 GiB of memory)..."));
        file.unlock(Some(passphrase.as_bytes()))?
    } else {
        file.unlock(None)?
    };
    let stem = key_path.file_stem().map(|stem| stem.to_string_lossy().into_owned());
    let name = name.map(str::to_string).or(stem).unwrap_or_default();
    Signer::new(&name, key)
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::PermissionsExt as _;

    use super::{load_signer, one_line, PassphraseSource};
    use crate::minisign::{KdfParams, SecretKey};

    #[test]
    fn one_trailing_line_end_is_dropped_and_more_lines_are_refused() {
        let line = |text: &str| {
            one_line(zeroize::Zeroizing::new(text.to_string()), "t").map(|s| s.to_string())
        };
        assert_eq!(line("right\n").unwrap(), "right");
        assert_eq!(line("right\r\n").unwrap(), "right");
        assert_eq!(line("right").unwrap(), "right");
        assert_eq!(line(" right \n").unwrap(), " right ");
        assert!(line("wrong\nright\n").unwrap_err().message.contains("more than one line"));
    }

    #[test]
    fn wrong_passphrase_and_loose_permissions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate().unwrap();
        let kdf = KdfParams { salt: [3; 32], opslimit: 1 << 16, memlimit: 1 << 22 };
        let text = key.to_file("c", Some((b"right", &kdf))).unwrap();
        let key_path = dir.path().join("alice.key");
        fs::write(&key_path, text.as_bytes()).unwrap();
        let pass_path = dir.path().join("pass");
        let pass = PassphraseSource::File(pass_path.clone());
        fs::set_permissions(&key_path, fs::Permissions::from_mode(0o640)).unwrap();
        fs::write(&pass_path, "right\n").unwrap();
        let err = load_signer(&key_path, None, &pass).err().unwrap();
        assert_eq!(err.kind, crate::error::Kind::Usage);
        assert!(err.message.contains("chmod 600"), "{err}");
        fs::set_permissions(&key_path, fs::Permissions::from_mode(0o600)).unwrap();
        fs::write(&pass_path, "wrong\n").unwrap();
        let err = load_signer(&key_path, None, &pass).err().unwrap();
        assert_eq!(err.kind, crate::error::Kind::Usage);
        assert!(err.message.starts_with("wrong passphrase for "), "{err}");
        fs::write(&pass_path, "right\r\n").unwrap();
        let signer = load_signer(&key_path, None, &pass).unwrap();
        assert_eq!(signer.name(), "alice");
        assert_eq!(signer.public_key(), key.public_key());
    }
}
