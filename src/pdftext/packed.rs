//! Bytes, and numbers packed as bytes, written as base64 text in the worker's answers: a render
//! or a scene as a JSON array of numbers would be four to six times larger, and slower to read.

use base64::Engine as _;
use serde::{Deserialize as _, Deserializer, Serializer};

/// Writes bytes as base64 text.
pub fn write_bytes<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Reads bytes written by [`write_bytes`].
pub fn read_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let text = <&str>::deserialize(d)?;
    base64::engine::general_purpose::STANDARD.decode(text).map_err(serde::de::Error::custom)
}

/// Writes 32-bit floats, little-endian, as base64 text.
pub fn write_floats<S: Serializer>(floats: &[f32], s: S) -> Result<S::Ok, S::Error> {
    let bytes: Vec<u8> = floats.iter().flat_map(|f| f.to_le_bytes()).collect();
    write_bytes(&bytes, s)
}

/// Reads floats written by [`write_floats`].
pub fn read_floats<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
    Ok(words(d, 1)?.into_iter().map(f32::from_bits).collect())
}

/// Little-endian 32-bit words read from base64 text, refused unless they come in records of
/// `record` words.
pub fn words<'de, D: Deserializer<'de>>(d: D, record: usize) -> Result<Vec<u32>, D::Error> {
    let bytes = read_bytes(d)?;
    if bytes.len() % (4 * record) != 0 {
        return Err(serde::de::Error::custom("numbers cut short"));
    }
    Ok(bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}
