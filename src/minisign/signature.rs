//! minisign signature file (`FILE.minisig`), four lines:
//!
//! ```text
//! untrusted comment: <free text, not protected>
//! base64( "ED" ‖ key id (8) ‖ Ed25519 signature of BLAKE2b-512(file) (64) )
//! trusted comment: <one printable line>
//! base64( Ed25519 signature of (the signature above ‖ the trusted comment text) )
//! ```
//!
//! accord only writes prehashed `ED` signatures. Legacy `Ed` signatures (over the whole file)
//! parse but never verify: accord hashes files as streams and does not accept them.

use std::fmt;

use ed25519_dalek::{Signature as Ed25519Signature, VerifyingKey};

use super::format::{
    comment_line, decode_line, encode, parse_error, split_lines, KeyId, SIG_ALG, SIG_ALG_PREHASHED,
    TRUSTED_LINE_MAX, TRUSTED_PREFIX, UNTRUSTED_LINE_MAX, UNTRUSTED_PREFIX,
};
use super::pubkey::PublicKey;
use crate::error::Result;

/// Length of the decoded second line.
pub const LEN: usize = 74;
/// Signature algorithm: `ED` (prehashed) or legacy `Ed`.
const ALG: std::ops::Range<usize> = 0..2;
/// Id of the key that signed.
const KEY_ID: std::ops::Range<usize> = 2..10;
/// Ed25519 signature.
const SIGNATURE: std::ops::Range<usize> = 10..74;

/// A parsed signature file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Text of the first line after `untrusted comment: ` (anyone may change it).
    pub untrusted_comment: String,
    /// `ED` (prehashed) or legacy `Ed`.
    pub algorithm: [u8; 2],
    /// Id of the key that made the signature.
    pub key_id: KeyId,
    /// Ed25519 signature of the file's BLAKE2b-512 hash.
    pub signature: [u8; 64],
    /// Text of the third line after `trusted comment: ` (covered by the global signature).
    pub trusted_comment: String,
    /// Ed25519 signature of `signature ‖ trusted_comment`.
    pub global_signature: [u8; 64],
}

/// Why a well-formed signature does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// The signature was made by another key.
    OtherKey,
    /// A legacy signature over the whole file, which accord does not accept.
    Legacy,
    /// The file is not the one that was signed.
    Content,
    /// The trusted comment was changed after signing.
    TrustedComment,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Invalid::OtherKey => "made by another key",
            Invalid::Legacy => "legacy (non-prehashed) minisign signature, not accepted",
            Invalid::Content => "the file's contents are not what was signed",
            Invalid::TrustedComment => "the trusted comment was altered",
        })
    }
}

impl Signature {
    /// Parses a signature file; `origin` names it in errors.
    pub fn parse(bytes: &[u8], origin: &str) -> Result<Self> {
        let lines = split_lines(bytes, origin)?;
        let untrusted = comment_line(&lines, 1, UNTRUSTED_PREFIX, UNTRUSTED_LINE_MAX, origin)?;
        let decoded = decode_line::<LEN>(&lines, 2, "minisign signature (RU…)", origin)?;
        let mut algorithm = [0u8; 2];
        algorithm.copy_from_slice(&decoded[ALG]);
        if algorithm != SIG_ALG_PREHASHED && algorithm != SIG_ALG {
            return Err(parse_error(origin, 2, "unsupported signature algorithm"));
        }
        let trusted = comment_line(&lines, 3, TRUSTED_PREFIX, TRUSTED_LINE_MAX, origin)?;
        if let Some(c) = trusted.chars().find(|&c| c != '\t' && c.is_control()) {
            return Err(parse_error(origin, 3, format!("control character {c:?} in the comment")));
        }
        let global = decode_line::<64>(&lines, 4, "global signature", origin)?;
        if let Some(extra) = lines.iter().skip(4).position(|line| !line.trim().is_empty()) {
            return Err(parse_error(origin, extra + 5, "unexpected text after the signature"));
        }
        let mut key_id = [0u8; 8];
        key_id.copy_from_slice(&decoded[KEY_ID]);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&decoded[SIGNATURE]);
        Ok(Self {
            untrusted_comment: untrusted.to_string(),
            algorithm,
            key_id: KeyId(key_id),
            signature,
            trusted_comment: trusted.to_string(),
            global_signature: *global,
        })
    }

    /// The text of the signature file.
    pub fn to_file(&self) -> String {
        let mut line2 = [0u8; LEN];
        line2[ALG].copy_from_slice(&self.algorithm);
        line2[KEY_ID].copy_from_slice(&self.key_id.0);
        line2[SIGNATURE].copy_from_slice(&self.signature);
        format!(
            "{UNTRUSTED_PREFIX}{}\n{}\n{TRUSTED_PREFIX}{}\n{}\n",
            self.untrusted_comment,
            encode(&line2),
            self.trusted_comment,
            encode(&self.global_signature)
        )
    }

    /// Checks the signature of a file, given its BLAKE2b-512 hash, and of the trusted comment.
    pub fn verify(&self, key: &PublicKey, prehash: &[u8; 64]) -> std::result::Result<(), Invalid> {
        if self.key_id != key.key_id {
            return Err(Invalid::OtherKey);
        }
        self.verify_with(&key.key, prehash)
    }

    /// [`Signature::verify`] with a bare Ed25519 key, whatever key id the signature carries.
    pub fn verify_with(
        &self,
        key: &VerifyingKey,
        prehash: &[u8; 64],
    ) -> std::result::Result<(), Invalid> {
        if self.algorithm != SIG_ALG_PREHASHED {
            return Err(Invalid::Legacy);
        }
        let signature = Ed25519Signature::from_bytes(&self.signature);
        key.verify_strict(prehash, &signature).map_err(|_| Invalid::Content)?;
        if self.comment_signed_by(key) {
            Ok(())
        } else {
            Err(Invalid::TrustedComment)
        }
    }

    /// Whether `key` made the global signature, over the signature and the trusted comment:
    /// true of an intact signature by `key` of any file.
    pub fn comment_signed_by(&self, key: &VerifyingKey) -> bool {
        let mut global = Vec::with_capacity(64 + self.trusted_comment.len());
        global.extend_from_slice(&self.signature);
        global.extend_from_slice(self.trusted_comment.as_bytes());
        let global_signature = Ed25519Signature::from_bytes(&self.global_signature);
        key.verify_strict(&global, &global_signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{prehash, SecretKey};
    use super::*;

    const PUB: &[u8] = include_bytes!("../../tests/fixtures/minisign/test.pub");
    const MESSAGE: &[u8] = include_bytes!("../../tests/fixtures/minisign/message.txt");
    const SIG: &[u8] = include_bytes!("../../tests/fixtures/minisign/message.txt.minisig");

    fn fixture() -> (PublicKey, Signature) {
        (PublicKey::parse(PUB, "test.pub").unwrap(), Signature::parse(SIG, "m.minisig").unwrap())
    }

    #[test]
    fn minisign_signature_verifies_and_round_trips() {
        let (key, sig) = fixture();
        assert_eq!(sig.verify(&key, &prehash(MESSAGE)), Ok(()));
        assert_eq!(sig.trusted_comment, "accord known-answer test");
        assert_eq!(sig.to_file().as_bytes(), SIG);
    }

    #[test]
    fn tampering_is_detected() {
        let (key, sig) = fixture();
        let mut changed = MESSAGE.to_vec();
        changed[0] ^= 1;
        assert_eq!(sig.verify(&key, &prehash(&changed)), Err(Invalid::Content));
        let mut comment = sig.clone();
        comment.trusted_comment.push('!');
        assert_eq!(comment.verify(&key, &prehash(MESSAGE)), Err(Invalid::TrustedComment));
        let mut legacy = sig.clone();
        legacy.algorithm = SIG_ALG;
        assert_eq!(legacy.verify(&key, &prehash(MESSAGE)), Err(Invalid::Legacy));
        let other = SecretKey::generate().unwrap();
        let forged = other.sign(&prehash(MESSAGE), "u", "t").unwrap();
        assert_eq!(forged.verify(&key, &prehash(MESSAGE)), Err(Invalid::OtherKey));
        let mut same_id = forged.clone();
        same_id.key_id = key.key_id;
        assert_eq!(same_id.verify(&key, &prehash(MESSAGE)), Err(Invalid::Content));
    }

    #[test]
    fn each_broken_line_is_a_parse_error_naming_it() {
        let text = std::str::from_utf8(SIG).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let broken = [
            (0, "untrusted: x".to_string()),
            (1, lines[1][..20].to_string()),
            (2, "trusted: x".to_string()),
            (3, format!("{}!", lines[3])),
        ];
        for (i, replacement) in broken {
            let mut copy = lines.clone();
            copy[i] = &replacement;
            let err = Signature::parse(copy.join("\n").as_bytes(), "m.minisig").unwrap_err();
            assert_eq!(err.kind, crate::error::Kind::Malformed);
            assert!(err.message.starts_with(&format!("m.minisig, line {}: ", i + 1)), "{err}");
        }
        let err = Signature::parse(lines[..3].join("\n").as_bytes(), "m.minisig").unwrap_err();
        assert!(err.message.starts_with("m.minisig, line 4: missing"), "{err}");
        let err = Signature::parse(format!("{text}x\n").as_bytes(), "m.minisig").unwrap_err();
        assert!(err.message.starts_with("m.minisig, line 5: "), "{err}");
        let mut control = lines.clone();
        control[2] = "trusted comment: a\u{1b}b";
        let err = Signature::parse(control.join("\n").as_bytes(), "m.minisig").unwrap_err();
        assert!(err.message.starts_with("m.minisig, line 3: control"), "{err}");
    }
}
