//! accord's trusted comment: the signed line of a `.minisig` that says what was signed, so a
//! signature cannot be passed off as one for another document, role or package.
//!
//! One line, fields in this order, each `key=value`; a value is written bare unless it is empty
//! or contains a space, tab, `"`, `\` or `=`, in which case it is double-quoted with `\"` and `\\`
//! escaped:
//!
//! ```text
//! accord file=agreement-original-1.pdf sha256=<64 hex> role="agreement, original 1 of 2" package=un-iom-2016 fingerprint=3a7f-09c2-… signer=Alice
//! ```
//!
//! `fingerprint` names the signing ([`crate::fingerprint`]): the manifest is made before any
//! document is signed, so every signature of a package, the co-signers' too, says which
//! signing it belongs to, and a copy checked with its signature alone shows it. Signatures
//! made before accord wrote it have none. Parsers ignore unknown fields, so fields can be added
//! without breaking old readers (they read this one's comments, and skip its fingerprint).

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;

/// First word of an accord trusted comment.
const MAGIC: &str = "accord";

/// What a signature attests, carried in its trusted comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    /// File name of the signed document inside the package.
    pub file: String,
    /// SHA-256 of the signed file (lowercase hex).
    pub sha256: String,
    /// Role of the document, e.g. `agreement, original 1 of 2`, or `manifest`.
    pub role: String,
    /// Package id.
    pub package: String,
    /// The fingerprint of the signing (none in signatures made before accord wrote it).
    pub fingerprint: Option<Fingerprint>,
    /// Name of the signer.
    pub signer: String,
    /// What a certified copy certifies (none in other signatures).
    pub certifies: Option<Certifies>,
}

/// What the signature of a certified true copy attests it is a copy of, and who certified
/// it when: written after the signer, as `certifies=FILE original_sha256=… original_package=…
/// original_fingerprint=… certifier=… certified=DATE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certifies {
    /// File name of the signed original.
    pub file: String,
    /// Its SHA-256 (lowercase hex).
    pub sha256: String,
    /// Its package id.
    pub package: String,
    /// Its package's fingerprint.
    pub fingerprint: Fingerprint,
    /// The certifier, as the certificate names them.
    pub certifier: String,
    /// The date of the certification.
    pub date: String,
}

impl Attestation {
    /// The trusted comment line; values must not contain control characters.
    pub fn to_comment(&self) -> Result<String> {
        let fields = [
            ("file", Some(self.file.as_str())),
            ("sha256", Some(self.sha256.as_str())),
            ("role", Some(self.role.as_str())),
            ("package", Some(self.package.as_str())),
            ("fingerprint", self.fingerprint.as_ref().map(Fingerprint::as_str)),
            ("signer", Some(self.signer.as_str())),
        ];
        let certifies = self.certifies.as_ref();
        let certified = [
            ("certifies", certifies.map(|c| c.file.as_str())),
            ("original_sha256", certifies.map(|c| c.sha256.as_str())),
            ("original_package", certifies.map(|c| c.package.as_str())),
            ("original_fingerprint", certifies.map(|c| c.fingerprint.as_str())),
            ("certifier", certifies.map(|c| c.certifier.as_str())),
            ("certified", certifies.map(|c| c.date.as_str())),
        ];
        let fields = fields.into_iter().chain(certified);
        let mut line = MAGIC.to_string();
        for (key, value) in fields.into_iter().filter_map(|(key, value)| Some((key, value?))) {
            if value.chars().any(char::is_control) {
                return Err(Error::internal(format!(
                    "the {key} {value:?} contains a control character"
                )));
            }
            line.push(' ');
            line.push_str(key);
            line.push('=');
            line.push_str(&quote(value));
        }
        Ok(line)
    }

    /// Reads an accord trusted comment; `None` when it is not one (e.g. stock minisign's), or
    /// when its fingerprint is not written as accord writes one.
    pub fn parse(comment: &str) -> Option<Self> {
        let mut rest = comment.strip_prefix(MAGIC)?.strip_prefix(' ')?;
        let mut fields = BTreeMap::new();
        while !rest.is_empty() {
            let (key, after) = rest.split_once('=')?;
            if key.is_empty() || key.contains([' ', '"']) {
                return None;
            }
            let (value, after) = unquote(after)?;
            if fields.insert(key, value).is_some() {
                return None;
            }
            rest = match after.strip_prefix(' ') {
                Some(next) => next,
                None if after.is_empty() => after,
                None => return None,
            };
        }
        let mut take = |key: &str| fields.remove(key);
        let fingerprint = match take("fingerprint") {
            Some(text) => Some(Fingerprint::parse_written(&text)?),
            None => None,
        };
        let certifies = match take("certifies") {
            Some(file) => Some(Certifies {
                file,
                sha256: take("original_sha256")?,
                package: take("original_package")?,
                fingerprint: Fingerprint::parse_written(&take("original_fingerprint")?)?,
                certifier: take("certifier")?,
                date: take("certified")?,
            }),
            None => None,
        };
        Some(Self {
            file: take("file")?,
            sha256: take("sha256")?,
            role: take("role")?,
            package: take("package")?,
            fingerprint,
            signer: take("signer")?,
            certifies,
        })
    }
}

fn quote(value: &str) -> String {
    if !value.is_empty() && !value.contains([' ', '\t', '"', '\\', '=']) {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The value at the start of `text` and what follows it.
fn unquote(text: &str) -> Option<(String, &str)> {
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find(' ').unwrap_or(text.len());
        let value = &text[..end];
        return (!value.contains(['"', '\\'])).then(|| (value.to_string(), &text[end..]));
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &quoted[i + 1..])),
            '\\' => value.push(chars.next()?.1),
            _ => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Attestation {
        Attestation {
            file: "agreement-original-1.pdf".to_string(),
            sha256: "ab".repeat(32),
            role: "agreement, original 1 of 2".to_string(),
            package: "un-iom-2016".to_string(),
            fingerprint: Some(Fingerprint::of_manifest(b"abc")),
            signer: "Alice".to_string(),
            certifies: None,
        }
    }

    #[test]
    fn format_is_compact_and_round_trips() {
        let line = sample().to_comment().unwrap();
        assert_eq!(
            line,
            format!(
                "accord file=agreement-original-1.pdf sha256={} role=\"agreement, original 1 of 2\" \
                 package=un-iom-2016 fingerprint=ba78-16bf-8f01-cfea-4141-40de-5dae-2223-b003-61a3 \
                 signer=Alice",
                "ab".repeat(32)
            )
        );
        assert_eq!(Attestation::parse(&line), Some(sample()));
    }

    #[test]
    fn comments_without_a_fingerprint_are_read_and_written_as_before() {
        let old = Attestation { fingerprint: None, ..sample() };
        let line = old.to_comment().unwrap();
        assert!(line.ends_with("package=un-iom-2016 signer=Alice"), "{line}");
        assert_eq!(Attestation::parse(&line), Some(old));
        // A fingerprint accord would not write makes it no accord comment: never a guess.
        let written = sample().to_comment().unwrap();
        for odd in ["BA78-16BF-8F01-CFEA-4141-40DE-5DAE-2223-B003-61A3", "ba78", "\"x y\""] {
            let line = written.replace("ba78-16bf-8f01-cfea-4141-40de-5dae-2223-b003-61a3", odd);
            assert_eq!(Attestation::parse(&line), None, "{line}");
        }
    }

    #[test]
    fn awkward_values_round_trip() {
        let mut odd = sample();
        odd.signer = "Dr. \"Q\" \\ = Zoë".to_string();
        odd.role = String::new();
        let line = odd.to_comment().unwrap();
        assert_eq!(Attestation::parse(&line), Some(odd.clone()));
        odd.role = "a\nb".to_string();
        assert!(odd.to_comment().is_err());
    }

    #[test]
    fn a_certified_copys_comment_says_what_it_certifies_after_the_signer() {
        let certified = Attestation {
            certifies: Some(Certifies {
                file: "agreement-original-1.pdf".into(),
                sha256: "cd".repeat(32),
                package: "un-iom-2016".into(),
                fingerprint: Fingerprint::of_manifest(b"signed"),
                certifier: "Dr. Q".into(),
                date: "2016-10-03".into(),
            }),
            ..sample()
        };
        let line = certified.to_comment().unwrap();
        let plain = sample().to_comment().unwrap();
        assert!(
            line.starts_with(&format!("{plain} certifies=agreement-original-1.pdf ")),
            "{line}"
        );
        assert!(line.ends_with(" certifier=\"Dr. Q\" certified=2016-10-03"), "{line}");
        assert_eq!(Attestation::parse(&line), Some(certified));
        // Older readers skip the added fields: the plain attestation is still there.
        let cut = line.replace(" certified=2016-10-03", "");
        assert_eq!(Attestation::parse(&cut), None, "a certification is whole or refused");
    }

    #[test]
    fn other_comments_are_not_attestations() {
        assert_eq!(Attestation::parse("timestamp:1795854394\tfile:f.txt\thashed"), None);
        assert_eq!(Attestation::parse("accord file=a"), None);
        let line = sample().to_comment().unwrap();
        assert_eq!(Attestation::parse(&format!("{line} file=b")), None);
        assert_eq!(Attestation::parse(&format!("{line} extra=1")), Some(sample()));
        assert_eq!(Attestation::parse(&format!("{line} extra=\"unterminated")), None);
    }
}
