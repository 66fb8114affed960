//! minisign secret key: an `untrusted comment:` line, then base64 of 158 bytes:
//!
//! ```text
//! "Ed" (2) ‖ kdf "Sc" or 00 00 (2) ‖ "B2" (2) ‖ salt (32) ‖ opslimit (8) ‖ memlimit (8) ‖
//!   E( key id (8) ‖ Ed25519 seed (32) ‖ public key (32) ‖ checksum (32) )
//! ```
//!
//! The checksum is BLAKE2b-256 over `"Ed" ‖ key id ‖ seed ‖ public key`; it is how a wrong
//! passphrase is detected. With kdf `Sc`, E XORs the last 104 bytes with as many bytes of
//! scrypt (libsodium's scryptsalsa208sha256, whose opslimit/memlimit are turned into N, r, p
//! exactly as libsodium does); with kdf 00 00 (`minisign -G -W`, accord's `--unencrypted`) they
//! are stored in the clear. minisign leaves the salt, limits and checksum of unencrypted keys
//! zero; accord writes the checksum anyway and accepts either. Secret bytes live in
//! [`Zeroizing`] buffers and in ed25519-dalek's `SigningKey`, both wiped on drop.

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest as _};
use ed25519_dalek::{Signer as _, SigningKey};
use zeroize::Zeroizing;

use super::format::{
    check_comment, comment_line, decode_line, parse_error, split_lines, KeyId, CHK_BLAKE2B,
    KDF_NONE, KDF_SCRYPT, SIG_ALG, SIG_ALG_PREHASHED, TRUSTED_LINE_MAX, TRUSTED_PREFIX,
    UNTRUSTED_LINE_MAX, UNTRUSTED_PREFIX,
};
use super::pubkey::PublicKey;
use super::signature::Signature;
use crate::error::{Error, Result};

/// Length of the decoded key.
pub const LEN: usize = 158;
/// scrypt opslimit minisign uses (libsodium's `OPSLIMIT_SENSITIVE`).
pub const OPSLIMIT_SENSITIVE: u64 = 1 << 25;
/// scrypt memlimit minisign uses (libsodium's `MEMLIMIT_SENSITIVE`, 1 GiB).
pub const MEMLIMIT_SENSITIVE: u64 = 1 << 30;

/// Signature algorithm, `Ed`.
const ALG: std::ops::Range<usize> = 0..2;
const KDF_ALG: std::ops::Range<usize> = 2..4;
const CHK_ALG: std::ops::Range<usize> = 4..6;
const SALT: std::ops::Range<usize> = 6..38;
const OPSLIMIT: std::ops::Range<usize> = 38..46;
const MEMLIMIT: std::ops::Range<usize> = 46..54;
/// The part that is encrypted: key id, key pair and checksum.
const SECRET: std::ops::Range<usize> = 54..158;
const KEY_ID: std::ops::Range<usize> = 54..62;
const SEED: std::ops::Range<usize> = 62..94;
const PUBLIC: std::ops::Range<usize> = 94..126;
const CHECKSUM: std::ops::Range<usize> = 126..158;
/// Largest scrypt cost accepted from a key file: minisign's default (N = 2^20, 1 GiB) …
const MAX_LOG_N: u8 = 20;
/// … and a few times its parallelism, so a hostile key file cannot exhaust the machine.
const MAX_P: u32 = 4;

/// scrypt parameters of an encrypted key, as stored in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KdfParams {
    /// Random salt.
    pub salt: [u8; 32],
    /// libsodium opslimit.
    pub opslimit: u64,
    /// libsodium memlimit in bytes.
    pub memlimit: u64,
}

impl KdfParams {
    /// minisign's parameters with a fresh random salt.
    pub fn minisign_default() -> Result<Self> {
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt)
            .map_err(|err| Error::internal(format!("cannot get random bytes: {err}")))?;
        Ok(Self { salt, opslimit: OPSLIMIT_SENSITIVE, memlimit: MEMLIMIT_SENSITIVE })
    }

    /// scrypt's (log2 N, r, p) for these limits, computed as libsodium's `pickparams` does.
    fn scrypt_params(&self) -> (u8, u32, u32) {
        let opslimit = self.opslimit.max(32768);
        let r: u64 = 8;
        let log_n_below = |max_n: u64| (1u8..63).find(|&n| (1u64 << n) > max_n / 2).unwrap_or(63);
        if opslimit < self.memlimit / 32 {
            (log_n_below(opslimit / (r * 4)), 8, 1)
        } else {
            let log_n = log_n_below(self.memlimit / (r * 128));
            let max_rp = ((opslimit / 4) >> log_n).min(0x3fff_ffff);
            (log_n, 8, (max_rp / r) as u32)
        }
    }

    /// The scrypt output that encrypts the secret part of the key.
    fn stream(&self, passphrase: &[u8]) -> Result<Zeroizing<[u8; SECRET.end - SECRET.start]>> {
        let (log_n, r, p) = self.scrypt_params();
        if log_n > MAX_LOG_N || p > MAX_P {
            return Err(Error::malformed(format!(
                "key derivation parameters (scrypt N=2^{log_n}, r={r}, p={p}) exceed minisign's"
            )));
        }
        let params = scrypt::Params::new(log_n, r, p, scrypt::Params::RECOMMENDED_LEN)
            .map_err(|_| Error::malformed("unsupported key derivation parameters"))?;
        let mut stream = Zeroizing::new([0u8; SECRET.end - SECRET.start]);
        scrypt::scrypt(passphrase, &self.salt, &params, &mut stream[..])
            .map_err(|_| Error::internal("key derivation failed"))?;
        Ok(stream)
    }
}

/// A parsed secret key file, possibly still encrypted.
pub struct SecretKeyFile {
    origin: String,
    bytes: Zeroizing<[u8; LEN]>,
}

impl SecretKeyFile {
    /// Parses a secret key file; `origin` names it in errors.
    pub fn parse(bytes: &[u8], origin: &str) -> Result<Self> {
        let lines = split_lines(bytes, origin)?;
        comment_line(&lines, 1, UNTRUSTED_PREFIX, UNTRUSTED_LINE_MAX, origin)?;
        let decoded = decode_line::<LEN>(&lines, 2, "minisign secret key", origin)?;
        if let Some(extra) = lines.iter().skip(2).position(|line| !line.trim().is_empty()) {
            return Err(parse_error(origin, extra + 3, "unexpected text after the key"));
        }
        let problem = if decoded[ALG] != SIG_ALG {
            Some("not an Ed25519 minisign secret key (algorithm is not \"Ed\")")
        } else if decoded[CHK_ALG] != CHK_BLAKE2B {
            Some("unsupported checksum algorithm (expected \"B2\")")
        } else if decoded[KDF_ALG] != KDF_SCRYPT && decoded[KDF_ALG] != KDF_NONE {
            Some("unsupported key derivation (expected scrypt \"Sc\" or none)")
        } else {
            None
        };
        match problem {
            Some(message) => Err(parse_error(origin, 2, message)),
            None => Ok(Self { origin: origin.to_string(), bytes: decoded }),
        }
    }

    /// Whether a passphrase is needed to unlock the key.
    pub fn is_encrypted(&self) -> bool {
        self.bytes[KDF_ALG] == KDF_SCRYPT
    }

    /// Decrypts (when encrypted) and checks the key; a wrong passphrase is an error (exit 2).
    pub fn unlock(&self, passphrase: Option<&[u8]>) -> Result<SecretKey> {
        let origin = &self.origin;
        let mut bytes = self.bytes.clone();
        if self.is_encrypted() {
            let passphrase = passphrase.ok_or_else(|| {
                Error::usage(format!("{origin} is encrypted; a passphrase is needed"))
            })?;
            let mut salt = [0u8; 32];
            salt.copy_from_slice(&bytes[SALT]);
            let kdf = KdfParams {
                salt,
                opslimit: le64(&bytes[OPSLIMIT]),
                memlimit: le64(&bytes[MEMLIMIT]),
            };
            let stream = kdf.stream(passphrase).map_err(|err| {
                Error::new(err.kind, format!("cannot decrypt {origin}: {}", err.message))
            })?;
            bytes[SECRET].iter_mut().zip(stream.iter()).for_each(|(b, s)| *b ^= s);
            if bytes[CHECKSUM] != checksum(&bytes)[..] {
                return Err(Error::usage(format!(
                    "wrong passphrase for {origin} (the key's checksum does not match)"
                )));
            }
        } else if bytes[CHECKSUM].iter().any(|&b| b != 0) && bytes[CHECKSUM] != checksum(&bytes)[..]
        {
            return Err(Error::malformed(format!(
                "{origin} is corrupt (the key's checksum does not match)"
            )));
        }
        let mut keypair = Zeroizing::new([0u8; 64]);
        keypair.copy_from_slice(&bytes[SEED.start..PUBLIC.end]);
        let signing = SigningKey::from_keypair_bytes(&keypair).map_err(|_| {
            Error::malformed(format!("{origin} is corrupt (its public half does not match)"))
        })?;
        let mut key_id = [0u8; 8];
        key_id.copy_from_slice(&bytes[KEY_ID]);
        Ok(SecretKey { key_id: KeyId(key_id), signing })
    }
}

/// An unlocked Ed25519 secret key with its minisign key id.
pub struct SecretKey {
    key_id: KeyId,
    signing: SigningKey,
}

impl SecretKey {
    /// A new random key pair.
    pub fn generate() -> Result<Self> {
        let mut random = Zeroizing::new([0u8; 40]);
        getrandom::fill(&mut random[..])
            .map_err(|err| Error::internal(format!("cannot get random bytes: {err}")))?;
        let mut key_id = [0u8; 8];
        key_id.copy_from_slice(&random[..8]);
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&random[8..]);
        Ok(Self::from_seed(KeyId(key_id), &seed))
    }

    /// The key pair with this key id and Ed25519 seed.
    pub fn from_seed(key_id: KeyId, seed: &[u8; 32]) -> Self {
        Self { key_id, signing: SigningKey::from_bytes(seed) }
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The Ed25519 signing key, for signatures in other formats made with the same key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey { key_id: self.key_id, key: self.signing.verifying_key() }
    }

    /// The text of a secret key file, encrypted with `passphrase` when one is given.
    pub fn to_file(
        &self,
        comment: &str,
        encryption: Option<(&[u8], &KdfParams)>,
    ) -> Result<Zeroizing<String>> {
        check_comment(comment, UNTRUSTED_PREFIX, UNTRUSTED_LINE_MAX)?;
        let mut bytes = Zeroizing::new([0u8; LEN]);
        bytes[ALG].copy_from_slice(&SIG_ALG);
        bytes[CHK_ALG].copy_from_slice(&CHK_BLAKE2B);
        bytes[KEY_ID].copy_from_slice(&self.key_id.0);
        bytes[SEED].copy_from_slice(self.signing.as_bytes());
        bytes[PUBLIC].copy_from_slice(self.signing.verifying_key().as_bytes());
        let sum = checksum(&bytes);
        bytes[CHECKSUM].copy_from_slice(&sum[..]);
        match encryption {
            Some((passphrase, kdf)) => {
                bytes[KDF_ALG].copy_from_slice(&KDF_SCRYPT);
                bytes[SALT].copy_from_slice(&kdf.salt);
                bytes[OPSLIMIT].copy_from_slice(&kdf.opslimit.to_le_bytes());
                bytes[MEMLIMIT].copy_from_slice(&kdf.memlimit.to_le_bytes());
                let stream = kdf.stream(passphrase)?;
                bytes[SECRET].iter_mut().zip(stream.iter()).for_each(|(b, s)| *b ^= s);
            }
            None => bytes[KDF_ALG].copy_from_slice(&KDF_NONE),
        }
        // Reserve everything up front so the secret is never left behind by a reallocation.
        let mut text =
            Zeroizing::new(String::with_capacity(UNTRUSTED_PREFIX.len() + comment.len() + 216));
        text.push_str(UNTRUSTED_PREFIX);
        text.push_str(comment);
        text.push('\n');
        base64::Engine::encode_string(
            &base64::engine::general_purpose::STANDARD,
            &bytes[..],
            &mut text,
        );
        text.push('\n');
        Ok(text)
    }

    /// Signs a BLAKE2b-512 prehash (`ED`), binding the trusted comment with the global signature.
    pub fn sign(
        &self,
        prehash: &[u8; 64],
        untrusted_comment: &str,
        trusted_comment: &str,
    ) -> Result<Signature> {
        check_comment(untrusted_comment, UNTRUSTED_PREFIX, UNTRUSTED_LINE_MAX)?;
        check_comment(trusted_comment, TRUSTED_PREFIX, TRUSTED_LINE_MAX)?;
        let signature = self.signing.sign(prehash).to_bytes();
        let mut global = Vec::with_capacity(64 + trusted_comment.len());
        global.extend_from_slice(&signature);
        global.extend_from_slice(trusted_comment.as_bytes());
        Ok(Signature {
            untrusted_comment: untrusted_comment.to_string(),
            algorithm: SIG_ALG_PREHASHED,
            key_id: self.key_id,
            signature,
            trusted_comment: trusted_comment.to_string(),
            global_signature: self.signing.sign(&global).to_bytes(),
        })
    }
}

/// BLAKE2b-256 over `"Ed" ‖ key id ‖ seed ‖ public key` of a decoded (decrypted) key.
fn checksum(bytes: &[u8; LEN]) -> Zeroizing<[u8; 32]> {
    let mut hash = Blake2b::<U32>::new();
    hash.update(&bytes[ALG]);
    hash.update(&bytes[KEY_ID.start..PUBLIC.end]);
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&hash.finalize());
    out
}

fn le64(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(bytes);
    u64::from_le_bytes(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE_KEY: &[u8] = include_bytes!("../../tests/fixtures/minisign/test.key");
    const FIXTURE_PUB: &[u8] = include_bytes!("../../tests/fixtures/minisign/test.pub");
    const FIXTURE_MESSAGE: &[u8] = include_bytes!("../../tests/fixtures/minisign/message.txt");
    const FIXTURE_SIG: &[u8] = include_bytes!("../../tests/fixtures/minisign/message.txt.minisig");

    /// Cheap scrypt parameters so the tests do not spend 1 GiB and seconds per key.
    fn cheap_kdf() -> KdfParams {
        KdfParams { salt: [7; 32], opslimit: 1 << 16, memlimit: 1 << 22 }
    }

    #[test]
    fn libsodium_parameter_choice() {
        let kdf = |opslimit, memlimit| KdfParams { salt: [0; 32], opslimit, memlimit };
        assert_eq!(kdf(OPSLIMIT_SENSITIVE, MEMLIMIT_SENSITIVE).scrypt_params(), (20, 8, 1));
        // libsodium's INTERACTIVE limits give N = 2^14, r = 8, p = 1.
        assert_eq!(kdf(524_288, 16_777_216).scrypt_params(), (14, 8, 1));
        assert_eq!(cheap_kdf().scrypt_params(), (11, 8, 1));
    }

    #[test]
    fn known_answer_minisign_key_signs_like_minisign() {
        // test.key was made by `minisign -G -W`, message.txt.minisig by `minisign -S` with it;
        // Ed25519 is deterministic, so accord must produce the very same file.
        let key = SecretKeyFile::parse(FIXTURE_KEY, "test.key").unwrap();
        assert!(!key.is_encrypted());
        let key = key.unlock(None).unwrap();
        assert_eq!(key.public_key(), PublicKey::parse(FIXTURE_PUB, "test.pub").unwrap());
        let sig = key
            .sign(
                &super::super::prehash(FIXTURE_MESSAGE),
                "accord test fixture",
                "accord known-answer test",
            )
            .unwrap();
        assert_eq!(sig.to_file(), std::str::from_utf8(FIXTURE_SIG).unwrap());
    }

    #[test]
    fn known_answer_fixed_seed() {
        // Expected values: a key file with this seed and key id, signed by stock
        // `minisign -S -c u -t t` over a file containing "accord".
        let key = SecretKey::from_seed(KeyId(*b"accord01"), &[0x42; 32]);
        assert_eq!(key.key_id().to_string(), "313064726F636361");
        assert_eq!(
            key.public_key().to_base64(),
            "RWRhY2NvcmQwMSFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS"
        );
        let sig = key.sign(&super::super::prehash(b"accord"), "u", "t").unwrap();
        assert_eq!(
            sig.to_file(),
            "untrusted comment: u\n\
             RURhY2NvcmQwMcfcw/l6Cy4H93yZc+fce2l5P1JX+ysRza9y145nQV4b0MfH6x2wyk87IJzkUCYkAgNvZoRVqS2fF4YLgbXzUAo=\n\
             trusted comment: t\n\
             jubwT8djrv/Fg1vhiynI503XWxahfdRbZVyTeobjWlhHLWOoBEwYjrTNTDfQTQsSdq2amYpKKYVOrm9DyoZHCw==\n"
        );
    }

    #[test]
    fn unencrypted_round_trip() {
        let key = SecretKey::generate().unwrap();
        let text = key.to_file("c", None).unwrap();
        let parsed = SecretKeyFile::parse(text.as_bytes(), "k").unwrap();
        assert!(!parsed.is_encrypted());
        let back = parsed.unlock(None).unwrap();
        assert_eq!(back.public_key(), key.public_key());
        assert_eq!(*back.to_file("c", None).unwrap(), *text);
    }

    #[test]
    fn encrypted_round_trip_and_wrong_passphrase() {
        let key = SecretKey::generate().unwrap();
        let text = key.to_file("c", Some((b"right", &cheap_kdf()))).unwrap();
        let parsed = SecretKeyFile::parse(text.as_bytes(), "k.key").unwrap();
        assert!(parsed.is_encrypted());
        assert_eq!(parsed.unlock(Some(b"right")).unwrap().public_key(), key.public_key());
        let err = parsed.unlock(Some(b"wrong")).err().unwrap();
        assert_eq!(err.kind, crate::error::Kind::Usage);
        assert_eq!(err.message, "wrong passphrase for k.key (the key's checksum does not match)");
        let err = parsed.unlock(None).err().unwrap();
        assert_eq!(err.message, "k.key is encrypted; a passphrase is needed");
    }

    #[test]
    fn hostile_kdf_parameters_are_refused() {
        let key = SecretKey::generate().unwrap();
        let kdf = KdfParams { salt: [0; 32], opslimit: 1 << 40, memlimit: 1 << 40 };
        let err = key.to_file("c", Some((b"x", &kdf))).err().unwrap();
        assert!(err.message.contains("exceed minisign's"), "{}", err.message);
    }

    #[test]
    fn corrupt_keys_are_refused() {
        let key = SecretKey::generate().unwrap();
        let text = key.to_file("c", None).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut bytes =
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &lines[1]).unwrap();
        bytes[100] ^= 1; // inside the public half
        lines[1] = super::super::format::encode(&bytes);
        let err = SecretKeyFile::parse(lines.join("\n").as_bytes(), "k").unwrap().unlock(None);
        assert!(err.err().unwrap().message.contains("corrupt"));
        let err = SecretKeyFile::parse(b"untrusted comment: c\nRWQAAE==\n", "k").err().unwrap();
        assert!(err.message.starts_with("k, line 2: "), "{}", err.message);
        let err = SecretKeyFile::parse(FIXTURE_PUB, "k").err().unwrap();
        assert!(err.message.starts_with("k, line 2: "), "{}", err.message);
    }
}
