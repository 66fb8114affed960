//! OpenSSH signatures (`ssh-keygen -Y sign`), so that recipients can check accord's
//! signatures with the stock `ssh-keygen -Y verify` that ships with Linux, macOS and Windows,
//! instead of installing minisign. Keys are in `key.rs`, `allowed_signers` files in `allowed.rs`.
//!
//! A signature file is `-----BEGIN SSH SIGNATURE-----`, the base64 of a blob wrapped at 70
//! columns, `-----END SSH SIGNATURE-----`. The blob (OpenSSH's `PROTOCOL.sshsig`; `string`
//! is a big-endian uint32 length, then the bytes):
//!
//! ```text
//! "SSHSIG" ‖ uint32 1 ‖ string publickey ‖ string namespace ‖ string reserved ("") ‖
//!   string hash_algorithm ("sha512") ‖ string signature
//! publickey = string "ssh-ed25519" ‖ string(32)   signature = string "ssh-ed25519" ‖ string(64)
//! ```
//!
//! The Ed25519 signature covers `"SSHSIG" ‖ string namespace ‖ string "" ‖ string
//! hash_algorithm ‖ string H(file)`; the namespace (accord's is "accord") keeps a signature
//! made for one purpose from passing for another. accord writes sha512, as ssh-keygen does,
//! and verifies sha256 too (`ssh-keygen -O hashalg=sha256`): files are hashed once, as a
//! stream, so verifying takes both digests ([`FileHashes`]) and uses the one the signature
//! names. The reserved field is ignored, as ssh-keygen ignores it.
//!
//! The armour is read as ssh-keygen reads it, or more strictly, never less: ssh-keygen wants
//! the first line to end in a bare LF, so a signature file whose first line ends in CR LF
//! (Windows line ends) is refused, while CR LF after the base64 lines, which ssh-keygen skips
//! as white space, is accepted.

mod allowed;
mod key;
mod wire;

use std::fmt;

use ed25519_dalek::{Signature as Ed25519Signature, Signer as _, SigningKey};

pub use allowed::{allowed_signer_line, check_principal, parse_allowed_signers, AllowedSigner};
pub use key::SshPublicKey;

use crate::error::{Error, Result};
use wire::{decode, encode, is_base64, line_error, put_string, Parse, Wire, KEY_TYPE};

/// How an OpenSSH public key line of any type begins (`ssh-ed25519`, `ssh-rsa`, …).
pub const KEY_PREFIX: &str = "ssh-";
/// First six bytes of a signature blob and of the data it signs.
const MAGIC: &[u8; 6] = b"SSHSIG";
/// The signature format version (the only one).
const VERSION: u32 = 1;
/// First line of a signature file.
const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
/// Last line of a signature file.
const END: &str = "-----END SSH SIGNATURE-----";
/// Column at which ssh-keygen wraps the base64 of the blob.
const WRAP: usize = 70;
/// Largest signature file accepted (an ed25519 one is about 300 bytes).
const FILE_MAX: usize = 8192;

/// Hash of the file that a signature signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgorithm {
    /// SHA-256 (`ssh-keygen -O hashalg=sha256`).
    Sha256,
    /// SHA-512 (ssh-keygen's default, and what accord writes).
    Sha512,
}

impl HashAlgorithm {
    /// Name in the blob.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
        }
    }

    /// The algorithm a blob names; the error says which are supported.
    fn from_name(name: &[u8]) -> Parse<Self> {
        match name {
            b"sha512" => Ok(Self::Sha512),
            b"sha256" => Ok(Self::Sha256),
            other => Err(format!(
                "hash algorithm {:.40} is not supported (sha512, sha256)",
                String::from_utf8_lossy(other)
            )),
        }
    }
}

/// The digests of a file that a signature may be over, computed in accord's one pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileHashes {
    /// SHA-256 of the file.
    pub sha256: [u8; 32],
    /// SHA-512 of the file.
    pub sha512: [u8; 64],
}

/// A parsed SSH signature over a file (always ed25519).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshSignature {
    /// The key that made it, as the signature says.
    key: SshPublicKey,
    /// What it was made for ("accord" for accord's).
    namespace: String,
    /// The hash of the file that was signed.
    hash: HashAlgorithm,
    /// The Ed25519 signature of [`signed_data`].
    signature: [u8; 64],
}

/// Why a well-formed signature does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// The signature was made by another key.
    OtherKey,
    /// The signature was made for another purpose (namespace).
    Namespace,
    /// The file is not the one that was signed.
    Content,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Invalid::OtherKey => "made by another key",
            Invalid::Namespace => "made for another namespace (not as an accord signature)",
            Invalid::Content => "the file's contents are not what was signed",
        })
    }
}

/// Signs a file's SHA-512 as `ssh-keygen -Y sign -n namespace` does: the signature file.
pub fn sign(signing_key: &SigningKey, namespace: &str, file_sha512: &[u8; 64]) -> Result<String> {
    allowed::check_namespace(namespace).map_err(Error::internal)?;
    let data = signed_data(namespace, HashAlgorithm::Sha512, file_sha512);
    let signature = SshSignature {
        key: signing_key.verifying_key().into(),
        namespace: namespace.to_string(),
        hash: HashAlgorithm::Sha512,
        signature: signing_key.sign(&data).to_bytes(),
    };
    Ok(signature.to_file())
}

impl SshSignature {
    /// Parses a signature file (its first line ending in LF); `origin` names it in errors.
    pub fn parse(bytes: &[u8], origin: &str) -> Result<Self> {
        if bytes.len() > FILE_MAX {
            return Err(Error::malformed(format!(
                "{origin}: {} bytes is too large for an SSH signature (at most {FILE_MAX})",
                bytes.len()
            )));
        }
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::malformed(format!("{origin}: not an SSH signature (not text)")))?;
        let base64 = dearmor(text, origin)?;
        decode(&base64, "the signature")
            .and_then(|blob| Self::from_blob(&blob))
            .map_err(|message| Error::malformed(format!("{origin}: {message}")))
    }

    /// Parses the blob; the error says which field is wrong.
    fn from_blob(blob: &[u8]) -> Parse<Self> {
        let mut wire = Wire(blob);
        if wire.take(MAGIC.len(), "magic")? != MAGIC {
            return Err("not an SSH signature (no SSHSIG magic)".into());
        }
        let version = wire.u32("version")?;
        if version != VERSION {
            return Err(format!("SSH signature version {version} is not supported (only 1)"));
        }
        let key = SshPublicKey::from_blob(wire.string("public key")?)?;
        let namespace = match std::str::from_utf8(wire.string("namespace")?) {
            Ok(ns) if !ns.is_empty() && !ns.contains(|c: char| c.is_control()) => ns.to_string(),
            _ => return Err("the namespace is empty or not printable text".into()),
        };
        wire.string("reserved field")?;
        let hash = HashAlgorithm::from_name(wire.string("hash algorithm")?)?;
        let mut inner = Wire(wire.string("signature")?);
        if inner.string("signature type")? != KEY_TYPE.as_bytes() {
            return Err("the signature is not an ssh-ed25519 one".into());
        }
        let signature = inner.string("ed25519 signature")?;
        let signature = <[u8; 64]>::try_from(signature)
            .map_err(|_| format!("ed25519 signature of {} bytes (expected 64)", signature.len()))?;
        inner.end("the ed25519 signature")?;
        wire.end("the signature")?;
        Ok(Self { key, namespace, hash, signature })
    }

    /// The text of the signature file, byte for byte as ssh-keygen writes it.
    pub fn to_file(&self) -> String {
        let mut inner = Vec::with_capacity(83);
        put_string(&mut inner, KEY_TYPE.as_bytes());
        put_string(&mut inner, &self.signature);
        let mut blob = MAGIC.to_vec();
        blob.extend_from_slice(&VERSION.to_be_bytes());
        put_string(&mut blob, &self.key.to_blob());
        put_string(&mut blob, self.namespace.as_bytes());
        put_string(&mut blob, b"");
        put_string(&mut blob, self.hash.name().as_bytes());
        put_string(&mut blob, &inner);
        let mut text = format!("{BEGIN}\n");
        for (i, c) in encode(&blob).chars().enumerate() {
            text.push(c);
            if i % WRAP == WRAP - 1 {
                text.push('\n');
            }
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(END);
        text.push('\n');
        text
    }

    /// The key the signature says made it (check it against the expected one with `verify`).
    pub fn public_key(&self) -> &SshPublicKey {
        &self.key
    }

    /// The namespace the signature was made for.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The hash of the file the signature is over.
    pub fn hash_algorithm(&self) -> HashAlgorithm {
        self.hash
    }

    /// Checks that `key` signed the file with these digests for `namespace`.
    pub fn verify(
        &self,
        key: &SshPublicKey,
        namespace: &str,
        file: &FileHashes,
    ) -> std::result::Result<(), Invalid> {
        if self.key != *key {
            return Err(Invalid::OtherKey);
        }
        if self.namespace != namespace {
            return Err(Invalid::Namespace);
        }
        let digest: &[u8] = match self.hash {
            HashAlgorithm::Sha256 => &file.sha256,
            HashAlgorithm::Sha512 => &file.sha512,
        };
        let data = signed_data(namespace, self.hash, digest);
        let signature = Ed25519Signature::from_bytes(&self.signature);
        key.key.verify_strict(&data, &signature).map_err(|_| Invalid::Content)
    }
}

/// The base64 between the armour lines of a signature file, checked line by line.
fn dearmor(text: &str, origin: &str) -> Result<String> {
    if text.starts_with(&format!("{BEGIN}\r\n")) {
        return Err(line_error(
            origin,
            1,
            "ends in CR LF (Windows line ends), which ssh-keygen refuses; convert the file to \
             LF line ends (dos2unix), or ask for it again",
        ));
    }
    let mut lines = text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).zip(1..);
    if lines.next().map(|(line, _)| line) != Some(BEGIN) {
        return Err(line_error(origin, 1, format!("expected {BEGIN}")));
    }
    let mut base64 = String::with_capacity(text.len());
    loop {
        match lines.next() {
            None => {
                let last = text.split('\n').count();
                return Err(line_error(origin, last, format!("missing {END}")));
            }
            Some((END, _)) => break,
            Some((line, n)) if line.is_empty() || !line.bytes().all(is_base64) => {
                return Err(line_error(origin, n, "not base64"))
            }
            Some((line, _)) => base64.push_str(line),
        }
    }
    match lines.find(|(line, _)| !line.trim().is_empty()) {
        Some((_, n)) => Err(line_error(origin, n, "unexpected text after the signature")),
        None => Ok(base64),
    }
}

/// What the Ed25519 signature covers.
fn signed_data(namespace: &str, hash: HashAlgorithm, digest: &[u8]) -> Vec<u8> {
    let mut data = MAGIC.to_vec();
    put_string(&mut data, namespace.as_bytes());
    put_string(&mut data, b"");
    put_string(&mut data, hash.name().as_bytes());
    put_string(&mut data, digest);
    data
}

#[cfg(test)]
mod tests {
    use sha2::{Digest as _, Sha256, Sha512};

    use super::*;

    const SEED: [u8; 32] = [0x42; 32];
    const MESSAGE: &[u8] = b"accord known-answer test\n";
    /// `ssh-keygen -y` of an OpenSSH key file holding `SEED` (comment "accord test").
    pub(super) const KAT_PUB: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS accord test\n";
    /// `ssh-keygen -Y sign -n accord -f KEY < MESSAGE` (OpenSSH 9.2p1), that key.
    const KAT_SHA512: &str = "-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgIVL40Zt5HSRFMkLhXy6rbLfP+n
tqXtMAl5YOBpiB2xIAAAAGYWNjb3JkAAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1lZDI1
NTE5AAAAQFhHpjQePn5wR+YC0LiyzRY+yVaGpWBRz7KRLlnWn9+O/7d/GkAtj4ezB27bDZ
qXB+62Udw+sXYg1kKqn7ffpQU=
-----END SSH SIGNATURE-----
";
    /// The same with `-O hashalg=sha256`.
    const KAT_SHA256: &str = "-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgIVL40Zt5HSRFMkLhXy6rbLfP+n
tqXtMAl5YOBpiB2xIAAAAGYWNjb3JkAAAAAAAAAAZzaGEyNTYAAABTAAAAC3NzaC1lZDI1
NTE5AAAAQEoPWgQlHO+Wn6FdY0xvvWp/489zBWB1QQwpUce5EeGvHbuM7EPseNxd88qxiU
L9KtPohAO6dgLs2feelfGYYAY=
-----END SSH SIGNATURE-----
";

    /// The public key of `SEED`.
    pub(super) fn kat_key() -> SshPublicKey {
        SigningKey::from_bytes(&SEED).verifying_key().into()
    }

    fn hashes(message: &[u8]) -> FileHashes {
        FileHashes {
            sha256: Sha256::digest(message).into(),
            sha512: Sha512::digest(message).into(),
        }
    }

    /// The blob of a signature file, to build broken ones from.
    fn blob_of(file: &str) -> Vec<u8> {
        let body: String = file.lines().filter(|l| !l.starts_with("-----")).collect();
        decode(&body, "test").unwrap()
    }

    fn armor(blob: &[u8]) -> String {
        format!("{BEGIN}\n{}\n{END}\n", encode(blob))
    }

    fn parse_err(text: &str) -> String {
        SshSignature::parse(text.as_bytes(), "m.sshsig").unwrap_err().message
    }

    #[test]
    fn known_answer_fixed_seed_signs_like_ssh_keygen() {
        let signing = SigningKey::from_bytes(&SEED);
        assert_eq!(sign(&signing, "accord", &hashes(MESSAGE).sha512).unwrap(), KAT_SHA512);
        for (file, hash) in
            [(KAT_SHA512, HashAlgorithm::Sha512), (KAT_SHA256, HashAlgorithm::Sha256)]
        {
            let sig = SshSignature::parse(file.as_bytes(), "m.sshsig").unwrap();
            assert_eq!(sig.hash_algorithm(), hash);
            assert_eq!(sig.namespace(), "accord");
            assert_eq!(sig.public_key(), &kat_key());
            assert_eq!(sig.to_file(), file);
            assert_eq!(sig.verify(&kat_key(), "accord", &hashes(MESSAGE)), Ok(()));
        }
    }

    #[test]
    fn tampering_is_detected() {
        let sig = SshSignature::parse(KAT_SHA512.as_bytes(), "m.sshsig").unwrap();
        let file = hashes(MESSAGE);
        assert_eq!(sig.verify(&kat_key(), "git", &file), Err(Invalid::Namespace));
        let other = SigningKey::from_bytes(&[1; 32]).verifying_key().into();
        assert_eq!(sig.verify(&other, "accord", &file), Err(Invalid::OtherKey));
        assert_eq!(sig.verify(&kat_key(), "accord", &hashes(b"other")), Err(Invalid::Content));
        let mut flipped = sig.clone();
        flipped.signature[10] ^= 4;
        assert_eq!(flipped.verify(&kat_key(), "accord", &file), Err(Invalid::Content));
        let mut renamed = sig.clone();
        renamed.namespace = "git".into();
        assert_eq!(renamed.verify(&kat_key(), "git", &file), Err(Invalid::Content));
        // Claiming sha256 over a sha512 signature does not verify either.
        let mut rehashed = sig;
        rehashed.hash = HashAlgorithm::Sha256;
        assert_eq!(rehashed.verify(&kat_key(), "accord", &file), Err(Invalid::Content));
    }

    #[test]
    fn only_the_digest_the_signature_names_counts() {
        let sha512 = SshSignature::parse(KAT_SHA512.as_bytes(), "m").unwrap();
        let sha256 = SshSignature::parse(KAT_SHA256.as_bytes(), "m").unwrap();
        let (right, wrong) = (hashes(MESSAGE), hashes(b"other"));
        let bad_sha256 = FileHashes { sha256: wrong.sha256, ..right };
        let bad_sha512 = FileHashes { sha512: wrong.sha512, ..right };
        assert_eq!(sha512.verify(&kat_key(), "accord", &bad_sha256), Ok(()));
        assert_eq!(sha512.verify(&kat_key(), "accord", &bad_sha512), Err(Invalid::Content));
        assert_eq!(sha256.verify(&kat_key(), "accord", &bad_sha512), Ok(()));
        assert_eq!(sha256.verify(&kat_key(), "accord", &bad_sha256), Err(Invalid::Content));
    }

    #[test]
    fn sign_refuses_namespaces_an_allowed_signers_line_cannot_hold() {
        let key = SigningKey::from_bytes(&SEED);
        for bad in ["", "a,b", "a\\", "a*", "a\"b"] {
            assert!(sign(&key, bad, &[0; 64]).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn armour_is_checked_line_by_line() {
        let crlf = KAT_SHA512.replace('\n', "\r\n");
        assert_eq!(
            parse_err(&crlf),
            "m.sshsig, line 1: ends in CR LF (Windows line ends), which ssh-keygen refuses; \
             convert the file to LF line ends (dos2unix), or ask for it again"
        );
        // After the first line, ssh-keygen skips a CR as white space: so does accord.
        let (first, rest) = KAT_SHA512.split_once('\n').unwrap();
        let body_crlf = format!("{first}\n{}", rest.replace('\n', "\r\n"));
        assert!(SshSignature::parse(body_crlf.as_bytes(), "m.sshsig").is_ok());
        assert!(SshSignature::parse(format!("{KAT_SHA512}\n  \n").as_bytes(), "m").is_ok());
        let lines: Vec<&str> = KAT_SHA512.lines().collect();
        assert_eq!(parse_err(&KAT_SHA512[1..]), format!("m.sshsig, line 1: expected {BEGIN}"));
        assert_eq!(
            parse_err(&format!("x{KAT_SHA512}")),
            format!("m.sshsig, line 1: expected {BEGIN}")
        );
        assert_eq!(
            parse_err(&format!("{KAT_SHA512}x\n")),
            "m.sshsig, line 7: unexpected text after the signature"
        );
        assert_eq!(parse_err(&lines[..5].join("\n")), format!("m.sshsig, line 5: missing {END}"));
        assert_eq!(
            parse_err(&KAT_SHA512.replacen("U1NI", "U1 NI", 1)),
            "m.sshsig, line 2: not base64"
        );
        assert_eq!(
            parse_err(&KAT_SHA512.replacen("\nU1NI", "\n\nU1NI", 1)),
            "m.sshsig, line 2: not base64"
        );
        assert_eq!(
            parse_err(&KAT_SHA512.replacen("pQU=", "pQU", 1)),
            "m.sshsig: the signature is not valid base64"
        );
        assert!(parse_err(&"A".repeat(FILE_MAX + 1)).contains("too large"));
        let err = SshSignature::parse(b"\xff", "m.sshsig").unwrap_err();
        assert_eq!(
            (err.kind, err.message.as_str()),
            (crate::error::Kind::Malformed, "m.sshsig: not an SSH signature (not text)")
        );
    }

    #[test]
    fn blob_fields_are_checked() {
        let blob = blob_of(KAT_SHA512);
        // Offsets in the KAT blob: magic 0..6, version 6..10, key 10..65, namespace 65..75,
        // reserved 75..79, hash 79..89, signature 89..176.
        let replace = |range: std::ops::Range<usize>, with: &[u8]| {
            let mut copy = blob.clone();
            copy.splice(range, with.iter().copied());
            parse_err(&armor(&copy))
        };
        assert_eq!(replace(0..1, b"X"), "m.sshsig: not an SSH signature (no SSHSIG magic)");
        assert_eq!(
            replace(6..10, &[0, 0, 0, 2]),
            "m.sshsig: SSH signature version 2 is not supported (only 1)"
        );
        let mut rsa = Vec::new();
        put_string(&mut rsa, b"ssh-rsa");
        put_string(&mut rsa, &[1; 32]);
        let mut key = Vec::new();
        put_string(&mut key, &rsa);
        assert_eq!(
            replace(10..65, &key),
            "m.sshsig: ssh-rsa keys are not supported; accord uses ed25519"
        );
        assert_eq!(
            replace(65..75, &[0, 0, 0, 0]),
            "m.sshsig: the namespace is empty or not printable text"
        );
        assert_eq!(
            replace(79..89, b"\0\0\0\x04sha1"),
            "m.sshsig: hash algorithm sha1 is not supported (sha512, sha256)"
        );
        assert_eq!(replace(176..176, b"x"), "m.sshsig: 1 unexpected bytes after the signature");
        assert_eq!(replace(175..176, b""), "m.sshsig: truncated (in the signature)");
        assert_eq!(
            replace(99..110, b"\0\0\0\x07ssh-rsa"),
            "m.sshsig: the signature is not an ssh-ed25519 one"
        );
        assert_eq!(replace(10..14, &[0xff; 4]), "m.sshsig: truncated (in the public key)");
        // A reserved field is ignored, as ssh-keygen ignores it (it is not signed).
        let mut reserved = blob.clone();
        reserved.splice(75..79, b"\0\0\0\x03tag".iter().copied());
        let sig = SshSignature::parse(armor(&reserved).as_bytes(), "m").unwrap();
        assert_eq!(sig.verify(&kat_key(), "accord", &hashes(MESSAGE)), Ok(()));
    }

    /// Every truncation, byte flip and some random splices of `valid`, fed to `parse`.
    fn mutants(valid: &[u8]) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = (0..valid.len()).map(|n| valid[..n].to_vec()).collect();
        for i in 0..valid.len() {
            for mask in [0x01, 0x20, 0x80, 0xff] {
                let mut copy = valid.to_vec();
                copy[i] ^= mask;
                out.push(copy);
            }
        }
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state % (valid.len() as u64 + 1)) as usize;
            let mut copy = valid.to_vec();
            let junk = [b'"', b',', b' ', b'\n', b'\r', b'=', b'\\', 0, 0xff, (state >> 32) as u8];
            copy.insert(at, junk[(state >> 8) as usize % junk.len()]);
            out.push(copy);
        }
        out
    }

    /// Feeds `bytes` to every parser of the module; none may panic.
    fn parse_all(bytes: &[u8]) -> Option<SshSignature> {
        let _ = parse_allowed_signers(bytes, "a");
        let _ = std::str::from_utf8(bytes).map(SshPublicKey::from_line);
        SshSignature::parse(bytes, "m").ok()
    }

    #[test]
    fn mutated_inputs_never_panic_nor_verify_as_something_else() {
        let original = SshSignature::parse(KAT_SHA512.as_bytes(), "m").unwrap();
        for bytes in mutants(KAT_SHA512.as_bytes()).into_iter().chain(mutants(&blob_of(KAT_SHA512)))
        {
            if let Some(sig) = parse_all(&bytes) {
                if sig.verify(&kat_key(), "accord", &hashes(MESSAGE)).is_ok() {
                    assert_eq!(sig, original, "{:?}", String::from_utf8_lossy(&bytes));
                }
            }
        }
        let key = kat_key().to_base64();
        let file = format!("# c\n\"A B\",c namespaces=\"accord,git\" ssh-ed25519 {key} x\n");
        for bytes in mutants(file.as_bytes()).into_iter().chain(mutants(KAT_PUB.as_bytes())) {
            parse_all(&bytes);
        }
    }
}
