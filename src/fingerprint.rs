//! The package fingerprint: the first 160 bits of the SHA-256 of a package's `manifest.json`,
//! as 40 lowercase hexadecimal digits in ten groups of four (`3a7f-09c2-…`).
//!
//! The manifest names every document by its SHA-256, so the fingerprint names one signing of
//! a package: another build (one amendment decided otherwise, another config) has another
//! manifest, hence another fingerprint, even under the same package id and key. Signers
//! publish it with their key; recipients compare it, read aloud if need be, and check copies
//! against it (`accord verify --fingerprint`).
//!
//! Why 160 bits: whoever holds the signing key could try to make two different packages with
//! one fingerprint, and present either as "the" signing. That takes about 2^80 SHA-256
//! computations for 160 bits, far beyond anyone's reach (the first SHA-1 collision took
//! 2^63), while 64 bits (16 digits) would take 2^32, minutes on a laptop, and 128 bits 2^64,
//! within reach of a determined party. Hexadecimal, because the fingerprint is then the start
//! of what `sha256sum manifest.json` prints: anyone can check it with stock tools.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::digest::sha256_hex;

/// Hexadecimal digits in a fingerprint (160 bits).
pub const DIGITS: usize = 40;
/// Digits per group in the written form.
const GROUP: usize = 4;
/// Between groups in the written form.
const SEPARATOR: char = '-';

/// A package fingerprint, in its written form (`3a7f-09c2-…`, ten groups of four digits);
/// in JSON, that string, read only when written exactly so.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The fingerprint of the package whose `manifest.json` holds `bytes`.
    pub fn of_manifest(bytes: &[u8]) -> Self {
        Self::from_digits(&sha256_hex(bytes)[..DIGITS])
    }

    /// A fingerprint as a person may type it: digits in either case, grouped by `-`, blanks
    /// or `:`, or not grouped; the error says what is wrong with `text`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut digits = String::with_capacity(DIGITS);
        for c in text.trim().chars() {
            match c {
                '0'..='9' | 'a'..='f' => digits.push(c),
                'A'..='F' => digits.push(c.to_ascii_lowercase()),
                '-' | ':' | ' ' | '\t' => {}
                _ => {
                    return Err(format!(
                        "{c:?} is not a hexadecimal digit; a package fingerprint is {DIGITS} \
                         digits 0-9 and a-f, as accord build prints it (3a7f-09c2-…)"
                    ))
                }
            }
        }
        match digits.len() {
            DIGITS => Ok(Self::from_digits(&digits)),
            0 => Err(format!("it is empty; a package fingerprint is {DIGITS} hexadecimal digits")),
            n if n < DIGITS => Err(format!(
                "it has {n} hexadecimal digits, not {DIGITS}: give the whole fingerprint, as \
                 accord build prints it; a shortened one would not name one signing"
            )),
            n => Err(format!(
                "it has {n} hexadecimal digits, not {DIGITS}; a package fingerprint is the \
                 first {DIGITS} digits of the SHA-256 of manifest.json"
            )),
        }
    }

    /// `text` as a fingerprint, only if it is written exactly as accord writes one.
    pub fn parse_written(text: &str) -> Option<Self> {
        Self::parse(text).ok().filter(|fingerprint| fingerprint.0 == text)
    }

    /// The written form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The line `build` and `sign` print with a signed package's fingerprint: what it is,
    /// and what to do with it.
    pub fn publish_line(&self) -> String {
        format!(
            "  package fingerprint {self}: publish it with your public key; recipients check \
             copies against it (accord verify --fingerprint)"
        )
    }

    /// The written form of `digits` (exactly [`DIGITS`] lowercase hex digits).
    fn from_digits(digits: &str) -> Self {
        let groups: Vec<&str> =
            (0..DIGITS).step_by(GROUP).map(|at| &digits[at..at + GROUP]).collect();
        Self(groups.join(&SEPARATOR.to_string()))
    }
}

impl From<Fingerprint> for String {
    fn from(fingerprint: Fingerprint) -> String {
        fingerprint.0
    }
}

impl TryFrom<String> for Fingerprint {
    type Error = &'static str;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse_written(&text).ok_or("not a package fingerprint written as accord writes one")
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer_is_the_start_of_the_manifest_sha256_grouped() {
        // sha256sum of "abc": ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        let fingerprint = Fingerprint::of_manifest(b"abc");
        assert_eq!(fingerprint.as_str(), "ba78-16bf-8f01-cfea-4141-40de-5dae-2223-b003-61a3");
        assert_eq!(fingerprint.to_string().len(), DIGITS + DIGITS / GROUP - 1);
        assert_eq!(Fingerprint::parse_written(fingerprint.as_str()), Some(fingerprint));
    }

    #[test]
    fn typed_forms_are_read_and_others_refused_with_the_reason() {
        let written = "ba78-16bf-8f01-cfea-4141-40de-5dae-2223-b003-61a3";
        for typed in [
            written,
            "BA78-16BF-8F01-CFEA-4141-40DE-5DAE-2223-B003-61A3",
            "ba7816bf8f01cfea414140de5dae2223b00361a3",
            " ba78 16bf 8f01 cfea 4141 40de 5dae 2223 b003 61a3\n",
            "ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23:b0:03:61:a3",
        ] {
            assert_eq!(Fingerprint::parse(typed).unwrap().as_str(), written, "{typed:?}");
        }
        assert_eq!(Fingerprint::parse_written(&written.to_uppercase()), None);
        assert_eq!(Fingerprint::parse_written("ba7816bf8f01cfea414140de5dae2223b00361a3"), None);
        let err = |text: &str| Fingerprint::parse(text).unwrap_err();
        assert!(err("ba78-16bf-8f01-cfea").contains("it has 16 hexadecimal digits, not 40"));
        assert!(err(&format!("{written}0")).contains("41 hexadecimal digits"));
        assert!(err("").contains("empty"));
        assert!(err(&written.replace('b', "g")).starts_with("'g' is not a hexadecimal digit"));
        assert!(err("xx").starts_with("'x' is not"));
        assert!(err("ba78\u{202e}").starts_with("'\\u{202e}' is not"));
    }
}
