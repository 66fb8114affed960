//! What the three formats share: the algorithm and comment constants, the key id, and the
//! reading and writing of their lines (base64, comments, line ends).

use std::fmt;

use base64::Engine as _;

use crate::error::{Error, Result};

/// Algorithm id of Ed25519 keys (and of legacy signatures over the whole message).
pub const SIG_ALG: [u8; 2] = *b"Ed";
/// Algorithm id of signatures over the BLAKE2b-512 hash of the message (the only kind accord writes).
pub const SIG_ALG_PREHASHED: [u8; 2] = *b"ED";
/// Key derivation id of secret keys encrypted with scrypt (scryptsalsa208sha256).
pub const KDF_SCRYPT: [u8; 2] = *b"Sc";
/// Key derivation id of unencrypted secret keys (`minisign -G -W`).
pub const KDF_NONE: [u8; 2] = [0, 0];
/// Checksum id of secret keys: BLAKE2b-256.
pub const CHK_BLAKE2B: [u8; 2] = *b"B2";
/// Prefix of the first line of every minisign file.
pub const UNTRUSTED_PREFIX: &str = "untrusted comment: ";
/// Prefix of the third line of a signature file.
pub const TRUSTED_PREFIX: &str = "trusted comment: ";
/// Longest untrusted comment line minisign reads (its buffer, including the newline).
pub const UNTRUSTED_LINE_MAX: usize = 1024;
/// Longest trusted comment line minisign reads (its buffer, including the newline).
pub const TRUSTED_LINE_MAX: usize = 8192;

/// The 8 random bytes that tie signatures to a key pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(pub [u8; 8]);

impl fmt::Display for KeyId {
    /// Uppercase hex of the little-endian number, as minisign prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016X}", u64::from_le_bytes(self.0))
    }
}

/// A parse error (exit 2) naming where the text came from and the line.
pub(super) fn parse_error(origin: &str, line: usize, message: impl fmt::Display) -> Error {
    Error::malformed(format!("{origin}, line {line}: {message}"))
}

/// Splits a minisign file into lines (LF or CRLF), rejecting text that is not UTF-8.
pub(super) fn split_lines<'a>(bytes: &'a [u8], origin: &str) -> Result<Vec<&'a str>> {
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let line = bytes[..err.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        parse_error(origin, line, "not UTF-8 text")
    })?;
    let mut lines: Vec<&str> =
        text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    if let Some(i) = lines.iter().position(|line| line.contains('\r')) {
        return Err(parse_error(origin, i + 1, "stray carriage return"));
    }
    Ok(lines)
}

/// The comment after `prefix` on line `line`, or a parse error saying what was expected.
pub(super) fn comment_line<'a>(
    lines: &[&'a str],
    line: usize,
    prefix: &str,
    max_len: usize,
    origin: &str,
) -> Result<&'a str> {
    let text = lines.get(line - 1).ok_or_else(|| {
        parse_error(origin, line, format!("missing; expected a line starting with {prefix:?}"))
    })?;
    let comment = text.strip_prefix(prefix).ok_or_else(|| {
        parse_error(origin, line, format!("expected a line starting with {prefix:?}"))
    })?;
    if text.len() + 1 >= max_len {
        return Err(parse_error(origin, line, format!("line longer than {} bytes", max_len - 2)));
    }
    Ok(comment)
}

/// Decodes standard padded base64 of exactly `N` bytes on line `line`.
pub(super) fn decode_line<const N: usize>(
    lines: &[&str],
    line: usize,
    what: &str,
    origin: &str,
) -> Result<zeroize::Zeroizing<[u8; N]>> {
    let text = lines
        .get(line - 1)
        .ok_or_else(|| parse_error(origin, line, format!("missing; expected the {what}")))?;
    decode_exact(text, what).map_err(|message| parse_error(origin, line, message))
}

/// Decodes standard padded base64 of exactly `N` bytes; the error says what was expected.
pub(super) fn decode_exact<const N: usize>(
    text: &str,
    what: &str,
) -> std::result::Result<zeroize::Zeroizing<[u8; N]>, String> {
    let bytes = zeroize::Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| format!("not base64; expected the {what}"))?,
    );
    let mut out = zeroize::Zeroizing::new([0u8; N]);
    if bytes.len() != N {
        return Err(format!(
            "{} bytes of base64 data; expected the {what} ({N} bytes)",
            bytes.len()
        ));
    }
    out.copy_from_slice(&bytes);
    Ok(out)
}

/// Standard padded base64, as minisign writes it.
pub(super) fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Checks that a comment accord is about to write is one printable line minisign will accept.
pub(super) fn check_comment(comment: &str, prefix: &str, max_len: usize) -> Result<()> {
    if let Some(c) = comment.chars().find(|&c| c != '\t' && c.is_control()) {
        return Err(Error::malformed(format!(
            "comment {comment:?} contains the control character {c:?}"
        )));
    }
    if prefix.len() + comment.len() + 1 >= max_len {
        return Err(Error::malformed(format!(
            "comment is {} bytes long; minisign accepts at most {}",
            comment.len(),
            max_len - prefix.len() - 2
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_prints_like_minisign() {
        // Bytes as stored in the file; minisign prints them as a little-endian u64.
        let id = KeyId([0xcb, 0x79, 0xa0, 0xf8, 0x9e, 0x1c, 0x7a, 0x64]);
        assert_eq!(id.to_string(), "647A1C9EF8A079CB");
        assert_eq!(KeyId([1, 0, 0, 0, 0, 0, 0, 0]).to_string(), "0000000000000001");
    }

    #[test]
    fn lines_accept_crlf_and_reject_stray_cr() {
        assert_eq!(split_lines(b"a\r\nb\n", "f").unwrap(), ["a", "b"]);
        assert_eq!(split_lines(b"a\nb", "f").unwrap(), ["a", "b"]);
        let err = split_lines(b"a\nb\rc\n", "f").unwrap_err();
        assert_eq!(err.message, "f, line 2: stray carriage return");
        let err = split_lines(b"a\n\xff\n", "f").unwrap_err();
        assert_eq!(err.message, "f, line 2: not UTF-8 text");
    }

    #[test]
    fn comments_must_be_printable_and_short() {
        assert!(check_comment("a\tb é", TRUSTED_PREFIX, TRUSTED_LINE_MAX).is_ok());
        assert!(check_comment("a\nb", TRUSTED_PREFIX, TRUSTED_LINE_MAX).is_err());
        assert!(check_comment("\u{85}", TRUSTED_PREFIX, TRUSTED_LINE_MAX).is_err());
        assert!(check_comment(&"x".repeat(1003), UNTRUSTED_PREFIX, UNTRUSTED_LINE_MAX).is_ok());
        assert!(check_comment(&"x".repeat(1004), UNTRUSTED_PREFIX, UNTRUSTED_LINE_MAX).is_err());
    }
}
