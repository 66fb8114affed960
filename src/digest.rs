//! The digests accord computes: SHA-256 (what manifests, `SHA256SUMS` and trusted comments
//! name), BLAKE2b-512 (what minisign's prehashed signatures sign), and lowercase hex.
//!
//! A file is read once, as a stream, for all of them: packages hold PDFs of any size, and a
//! copy to check is never loaded whole.

use std::io::Read;
use std::path::Path;

use blake2::Blake2b512;
use sha2::{Digest as _, Sha256, Sha512};

use crate::error::{Error, Result};
use crate::fsio;

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// BLAKE2b-512 of `bytes`.
pub fn blake2b512(bytes: &[u8]) -> [u8; 64] {
    Blake2b512::digest(bytes).into()
}

/// Size, SHA-256, SHA-512 (what OpenSSH signatures sign) and BLAKE2b-512 of a file, computed
/// in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256.
    pub sha256: [u8; 32],
    /// SHA-512.
    pub sha512: [u8; 64],
    /// BLAKE2b-512.
    pub blake2b512: [u8; 64],
}

impl FileDigest {
    /// Digest of bytes in memory.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Self {
            size: bytes.len() as u64,
            sha256: Sha256::digest(bytes).into(),
            sha512: Sha512::digest(bytes).into(),
            blake2b512: blake2b512(bytes),
        }
    }

    /// Digest of the regular file at `path`, read as a stream (anything else: exit 2).
    pub fn of_file(path: &Path) -> Result<Self> {
        let file = fsio::open_regular(path, "read")?;
        Self::of_reader(file).map_err(|err| Error::io("read", path, err))
    }

    /// Digest of everything `reader` yields.
    pub fn of_reader(mut reader: impl Read) -> std::io::Result<Self> {
        let mut sha256 = Sha256::new();
        let mut sha512 = Sha512::new();
        let mut blake2b = Blake2b512::new();
        let mut size = 0u64;
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            sha256.update(&buffer[..n]);
            sha512.update(&buffer[..n]);
            blake2b.update(&buffer[..n]);
            size += n as u64;
        }
        Ok(Self {
            size,
            sha256: sha256.finalize().into(),
            sha512: sha512.finalize().into(),
            blake2b512: blake2b.finalize().into(),
        })
    }

    /// The SHA-256 in lowercase hex.
    pub fn sha256_hex(&self) -> String {
        hex(&self.sha256)
    }
}

#[cfg(test)]
mod tests {
    use super::{blake2b512, hex, sha256_hex, FileDigest};

    #[test]
    fn known_answers() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // RFC 7693, appendix A.
        let hash = blake2b512(b"abc");
        assert_eq!(hash[..4], [0xba, 0x80, 0xa5, 0x3f]);
        assert_eq!(hash[60..], [0xd4, 0x00, 0x99, 0x23]);
        assert_eq!(hex(&[0, 0xab, 0xff]), "00abff");
    }

    #[test]
    fn digest_of_a_stream_matches_digest_of_bytes() {
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let streamed = FileDigest::of_reader(&bytes[..]).unwrap();
        assert_eq!(streamed, FileDigest::of_bytes(&bytes));
        assert_eq!(streamed.size, 200_000);
    }
}
