//! SSH's wire encoding (RFC 4251) as far as signatures and keys use it, and base64: one
//! reader and one writer, so that every field is bounds-checked in one place and a truncated
//! or oversized blob is an error naming the field, never a panic.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::error::Error;

/// Name of Ed25519 keys and signatures in SSH formats.
pub(super) const KEY_TYPE: &str = "ssh-ed25519";
/// Field separators of `allowed_signers` and public key lines.
pub(super) const SPACE: [char; 2] = [' ', '\t'];

/// Result of the internal parsers: the error is a message, to which callers add the origin.
pub(super) type Parse<T> = std::result::Result<T, String>;

/// A parse error (exit 2) naming where the text came from and the line.
pub(super) fn line_error(origin: &str, line: usize, message: impl fmt::Display) -> Error {
    Error::malformed(format!("{origin}, line {line}: {message}"))
}

/// Reads SSH wire fields; each error names the field that was cut short.
pub(super) struct Wire<'a>(pub(super) &'a [u8]);

impl<'a> Wire<'a> {
    /// The next `len` bytes.
    pub(super) fn take(&mut self, len: usize, what: &str) -> Parse<&'a [u8]> {
        if self.0.len() < len {
            return Err(format!("truncated (in the {what})"));
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(head)
    }

    /// A big-endian `uint32`.
    pub(super) fn u32(&mut self, what: &str) -> Parse<u32> {
        let bytes = <[u8; 4]>::try_from(self.take(4, what)?).unwrap_or_default();
        Ok(u32::from_be_bytes(bytes))
    }

    /// A `string`: a `uint32` length, then that many bytes.
    pub(super) fn string(&mut self, what: &str) -> Parse<&'a [u8]> {
        let len = self.u32(what)?;
        self.take(usize::try_from(len).unwrap_or(usize::MAX), what)
    }

    /// Checks that nothing follows `what`.
    pub(super) fn end(&self, what: &str) -> Parse<()> {
        match self.0.len() {
            0 => Ok(()),
            extra => Err(format!("{extra} unexpected bytes after {what}")),
        }
    }
}

/// Appends an SSH `string`: big-endian uint32 length, then the bytes (all ours are small).
pub(super) fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Standard padded base64, as OpenSSH writes it.
pub(super) fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard padded base64; the error says what was not valid.
pub(super) fn decode(text: &str, what: &str) -> Parse<Vec<u8>> {
    STANDARD.decode(text).map_err(|_| format!("{what} is not valid base64"))
}

/// Whether `b` may appear in standard base64.
pub(super) fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_and_truncation_names_the_field() {
        let mut blob = Vec::new();
        put_string(&mut blob, b"ssh-ed25519");
        put_string(&mut blob, b"");
        assert_eq!(blob[..4], [0, 0, 0, 11]);
        let mut wire = Wire(&blob);
        assert_eq!(wire.string("type"), Ok(&b"ssh-ed25519"[..]));
        assert_eq!(wire.string("empty"), Ok(&b""[..]));
        assert_eq!(wire.end("the key"), Ok(()));
        assert_eq!(wire.u32("length"), Err("truncated (in the length)".into()));
        let mut long = Wire(&[0xff, 0xff, 0xff, 0xff, 1]);
        assert_eq!(long.string("key"), Err("truncated (in the key)".into()));
        assert_eq!(Wire(b"xy").end("the key"), Err("2 unexpected bytes after the key".into()));
    }

    #[test]
    fn base64_is_standard_and_padded() {
        assert_eq!(encode(b"ab"), "YWI=");
        assert_eq!(decode("YWI=", "x"), Ok(b"ab".to_vec()));
        assert_eq!(decode("YWI", "the key"), Err("the key is not valid base64".into()));
        assert!("AZaz09+/=".bytes().all(is_base64));
        assert!(!"-_ \n".bytes().any(is_base64));
    }
}
