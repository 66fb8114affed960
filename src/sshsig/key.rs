//! An Ed25519 public key in OpenSSH's two forms: the wire blob inside signatures
//! (`string "ssh-ed25519" ‖ string(32)`) and the text line `ssh-ed25519 BASE64 [comment]`
//! that `ssh-keygen -y` prints and `allowed_signers` lines end with. Only Ed25519 exists
//! here (accord's keys are Ed25519); other key types are refused by name, so that a user
//! who offers an RSA key learns why it is not accepted.

use ed25519_dalek::VerifyingKey;

use super::wire::{decode, encode, put_string, Parse, Wire, KEY_TYPE, SPACE};
use crate::error::{Error, Result};

/// An Ed25519 public key in OpenSSH's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SshPublicKey {
    /// The Ed25519 key.
    pub key: VerifyingKey,
}

impl From<VerifyingKey> for SshPublicKey {
    fn from(key: VerifyingKey) -> Self {
        Self { key }
    }
}

impl SshPublicKey {
    /// Parses the wire blob; the error says what is wrong.
    pub(super) fn from_blob(blob: &[u8]) -> Parse<Self> {
        let mut wire = Wire(blob);
        let kind = wire.string("key type")?;
        if kind != KEY_TYPE.as_bytes() {
            return Err(unsupported_type(&String::from_utf8_lossy(kind)));
        }
        let bytes = wire.string("ed25519 key")?;
        wire.end("the key")?;
        let bytes = <[u8; 32]>::try_from(bytes)
            .map_err(|_| format!("ed25519 key of {} bytes (expected 32)", bytes.len()))?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| "not a valid ed25519 key")?;
        Ok(Self { key })
    }

    /// The wire blob.
    pub(super) fn to_blob(self) -> Vec<u8> {
        let mut blob = Vec::with_capacity(51);
        put_string(&mut blob, KEY_TYPE.as_bytes());
        put_string(&mut blob, self.key.as_bytes());
        blob
    }

    /// Base64 of the wire blob (`AAAAC3NzaC1lZDI1NTE5…`).
    pub fn to_base64(&self) -> String {
        encode(&self.to_blob())
    }

    /// Parses `ssh-ed25519 BASE64 [comment]` (blanks before it removed); drops the comment.
    pub(super) fn from_line(text: &str) -> Parse<Self> {
        let (kind, rest) = text.split_once(SPACE).unwrap_or((text, ""));
        if kind != KEY_TYPE {
            return Err(unsupported_type(kind));
        }
        let rest = rest.trim_start_matches(SPACE);
        let base64 = rest.split(SPACE).next().unwrap_or_default();
        Self::from_blob(&decode(base64, "the key")?)
    }

    /// Parses a key line `ssh-ed25519 AAAA… [comment]` given by a user; `origin` names it.
    pub fn parse_line(text: &str, origin: &str) -> Result<Self> {
        Self::from_line(text.trim()).map_err(|why| Error::malformed(format!("{origin}: {why}")))
    }

    /// The key line without a comment, `ssh-ed25519 AAAA…`.
    pub fn to_line(&self) -> String {
        format!("{KEY_TYPE} {}", self.to_base64())
    }

    /// OpenSSH's fingerprint of the key, `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        let digest = <sha2::Sha256 as sha2::Digest>::digest(self.to_blob());
        let base64 =
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD_NO_PAD, digest);
        format!("SHA256:{base64}")
    }

    /// The key line `ssh-ed25519 AAAA… comment` and its newline, as `ssh-keygen -y` prints it.
    pub fn to_file(&self, comment: &str) -> Result<String> {
        if let Some(c) = comment.chars().find(|&c| c.is_control() && c != '\t') {
            return Err(Error::malformed(format!(
                "key comment contains the control character {c:?}"
            )));
        }
        let space = if comment.is_empty() { "" } else { " " };
        Ok(format!("{KEY_TYPE} {}{space}{comment}\n", self.to_base64()))
    }
}

/// The message for a key type other than ed25519.
fn unsupported_type(kind: &str) -> String {
    if looks_like_key_type(kind) {
        format!("{kind:.60} keys are not supported; accord uses ed25519")
    } else {
        format!("expected a key type ({KEY_TYPE}), found {kind:.60}")
    }
}

/// Whether `name` is one of OpenSSH's key type names (of which accord accepts only one).
pub(super) fn looks_like_key_type(name: &str) -> bool {
    ["ssh-", "ecdsa-", "sk-", "rsa-"].iter().any(|p| name.starts_with(p))
        || name.ends_with("@openssh.com")
}

#[cfg(test)]
mod tests {
    use super::super::tests::{kat_key, KAT_PUB};
    use super::*;

    #[test]
    fn key_line_is_written_like_ssh_keygen() {
        assert_eq!(kat_key().to_file("accord test").unwrap(), KAT_PUB);
        let bare = KAT_PUB.trim_end_matches(" accord test\n");
        assert_eq!(kat_key().to_file("").unwrap(), format!("{bare}\n"));
        assert!(kat_key().to_file("a\nb").is_err());
        assert_eq!(SshPublicKey::from_blob(&kat_key().to_blob()), Ok(kat_key()));
    }

    #[test]
    fn key_lines_parse_with_any_blanks_and_comment() {
        let bare = KAT_PUB.trim_end_matches(" accord test\n");
        for text in [bare, &format!("{bare}\tcomment with spaces"), &bare.replace(' ', " \t ")] {
            assert_eq!(SshPublicKey::from_line(text), Ok(kat_key()), "{text:?}");
        }
    }

    #[test]
    fn other_key_types_are_refused_by_name() {
        let err = |text: &str| SshPublicKey::from_line(text).unwrap_err();
        assert_eq!(err("ssh-rsa AAAA x"), "ssh-rsa keys are not supported; accord uses ed25519");
        assert_eq!(err("hello"), "expected a key type (ssh-ed25519), found hello");
        assert_eq!(err("ssh-ed25519 !!!"), "the key is not valid base64");
        let rsa = format!("ssh-ed25519 {}", encode(b"\0\0\0\x07ssh-rsa\0\0\0\x01x"));
        assert_eq!(err(&rsa), "ssh-rsa keys are not supported; accord uses ed25519");
        let short = format!("ssh-ed25519 {}", encode(b"\0\0\0\x0bssh-ed25519\0\0\0\x01x"));
        assert_eq!(err(&short), "ed25519 key of 1 bytes (expected 32)");
    }
}
