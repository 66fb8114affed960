//! minisign's on-disk formats: public keys, secret keys and signatures.
//!
//! accord writes and reads these formats itself (instead of shelling out or pulling in a
//! signing crate) so that it controls exactly what is produced: only prehashed (`ED`)
//! signatures, secrets that are zeroized after use, and parse errors that name the file and
//! line. Every file accord writes verifies with stock `minisign -V`, and keys made by
//! `minisign -G` work with accord. The layouts are those of <https://jedisct1.github.io/minisign/>;
//! each submodule documents its own. Multi-byte integers are little-endian.

mod format;
pub mod pubkey;
pub mod seckey;
pub mod signature;

pub use format::{
    KeyId, CHK_BLAKE2B, KDF_NONE, KDF_SCRYPT, SIG_ALG, SIG_ALG_PREHASHED, TRUSTED_LINE_MAX,
    TRUSTED_PREFIX, UNTRUSTED_LINE_MAX, UNTRUSTED_PREFIX,
};
pub use pubkey::PublicKey;
pub use seckey::{KdfParams, SecretKey, SecretKeyFile};
pub use signature::{Invalid, Signature};

/// BLAKE2b-512 of a message: what a prehashed signature signs.
pub fn prehash(message: &[u8]) -> [u8; 64] {
    crate::digest::blake2b512(message)
}
