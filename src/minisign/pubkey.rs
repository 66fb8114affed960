//! minisign public key: an `untrusted comment:` line, then base64 of 42 bytes,
//! `Ed` ‖ key id (8) ‖ Ed25519 public key (32). The base64 line alone (it starts with `RW`)
//! is the one-line form people publish and pass to `minisign -P`.

use ed25519_dalek::VerifyingKey;

use super::format::{
    comment_line, decode_exact, encode, parse_error, split_lines, KeyId, SIG_ALG,
    UNTRUSTED_LINE_MAX, UNTRUSTED_PREFIX,
};
use crate::error::Result;

/// Length of the decoded key.
pub const LEN: usize = 42;
/// Signature algorithm, `Ed`.
const ALG: std::ops::Range<usize> = 0..2;
/// Key id.
const KEY_ID: std::ops::Range<usize> = 2..10;
/// Ed25519 public key.
const KEY: std::ops::Range<usize> = 10..42;

/// An Ed25519 public key with its minisign key id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// The key id signatures must carry.
    pub key_id: KeyId,
    /// The Ed25519 key.
    pub key: VerifyingKey,
}

impl PublicKey {
    /// Parses the 42 decoded bytes; the error says what is wrong.
    pub fn from_bytes(bytes: &[u8; LEN]) -> std::result::Result<Self, &'static str> {
        if bytes[ALG] != SIG_ALG {
            return Err("not an Ed25519 minisign public key (algorithm is not \"Ed\")");
        }
        let mut key_id = [0u8; 8];
        key_id.copy_from_slice(&bytes[KEY_ID]);
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes[KEY]);
        let key = VerifyingKey::from_bytes(&key).map_err(|_| "not a valid Ed25519 public key")?;
        Ok(Self { key_id: KeyId(key_id), key })
    }

    /// The 42 bytes of the key.
    pub fn to_bytes(&self) -> [u8; LEN] {
        let mut bytes = [0u8; LEN];
        bytes[ALG].copy_from_slice(&SIG_ALG);
        bytes[KEY_ID].copy_from_slice(&self.key_id.0);
        bytes[KEY].copy_from_slice(self.key.as_bytes());
        bytes
    }

    /// The one-line form (`RW…`).
    pub fn to_base64(&self) -> String {
        encode(&self.to_bytes())
    }

    /// Parses the one-line form; `origin` names where it came from in errors.
    pub fn from_base64(text: &str, origin: &str) -> Result<Self> {
        Self::decode(text, origin, 1)
    }

    /// Parses a public key file (comment line, then the key).
    pub fn parse(bytes: &[u8], origin: &str) -> Result<Self> {
        let lines = split_lines(bytes, origin)?;
        comment_line(&lines, 1, UNTRUSTED_PREFIX, UNTRUSTED_LINE_MAX, origin)?;
        let key =
            lines.get(1).ok_or_else(|| parse_error(origin, 2, "missing; expected the key"))?;
        if let Some(extra) = lines.iter().skip(2).position(|line| !line.trim().is_empty()) {
            return Err(parse_error(origin, extra + 3, "unexpected text after the key"));
        }
        Self::decode(key, origin, 2)
    }

    /// The text of a public key file, with minisign's comment.
    pub fn to_file(&self) -> String {
        format!("{UNTRUSTED_PREFIX}minisign public key {}\n{}\n", self.key_id, self.to_base64())
    }

    fn decode(text: &str, origin: &str, line: usize) -> Result<Self> {
        let bytes = decode_exact::<LEN>(text, "minisign public key (RW…)")
            .map_err(|message| parse_error(origin, line, message))?;
        Self::from_bytes(&bytes).map_err(|message| parse_error(origin, line, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/minisign/test.pub");

    #[test]
    fn minisign_file_round_trips_byte_for_byte() {
        let key = PublicKey::parse(FIXTURE, "test.pub").unwrap();
        assert_eq!(key.key_id.to_string(), "1ED02782B540943B");
        assert_eq!(key.to_file().as_bytes(), FIXTURE);
        assert_eq!(PublicKey::from_base64(&key.to_base64(), "arg").unwrap(), key);
        assert!(key.to_base64().starts_with("RW"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = PublicKey::parse(
            b"RWQ7lEC1gifQHjJ8XwYX6wDHSarJxgxpFxfusnBUYN6SWkcc9F64YqdT\n",
            "k.pub",
        )
        .unwrap_err();
        assert_eq!(err.kind, crate::error::Kind::Malformed);
        assert!(err.message.starts_with("k.pub, line 1: expected a line starting with"));
        let err = PublicKey::parse(b"untrusted comment: x\nRWQ7lEC1gifQ\n", "k.pub").unwrap_err();
        assert!(err.message.starts_with("k.pub, line 2: "), "{}", err.message);
        let err = PublicKey::parse(b"untrusted comment: x\n", "k.pub").unwrap_err();
        assert!(err.message.starts_with("k.pub, line 2: missing"), "{}", err.message);
        // A signature is not a public key.
        let mut other = FIXTURE.to_vec();
        other[57] = b'U'; // "RW…" becomes "RU…": algorithm "ED"
        let err = PublicKey::parse(&other, "k.pub").unwrap_err();
        assert!(err.message.contains("line 2"), "{}", err.message);
    }
}
