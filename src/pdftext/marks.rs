//! What a PDF carries besides its pages' content: annotations (notes, stamps, highlights,
//! widgets) and form fields, signature fields with the name of who signed them. A copy that
//! shows the signed text but carries more of these is not "the same text, re-saved".

use hayro_interpret::hayro_syntax::object::dict::keys::{
    ACRO_FORM, ANNOTS, CONTENTS, FIELDS, FT, KIDS, SUBTYPE, V,
};
use hayro_interpret::hayro_syntax::object::{Array, Dict, Name, String as PdfString};
use hayro_interpret::hayro_syntax::page::Page;
use hayro_interpret::hayro_syntax::Pdf;

use super::reading::Field;

/// Most annotations read on a page, and most form fields read.
const MAX_MARKS: usize = 10_000;
/// Deepest field hierarchy followed.
const MAX_FIELD_DEPTH: usize = 8;
/// Longest annotation type or signer name kept, in characters.
const MAX_NAME: usize = 80;

/// Said of an annotation without a subtype.
const NO_TYPE: &str = "of no type";

/// The subtype of each annotation of `page`.
pub fn annotations(page: &Page<'_>) -> Vec<String> {
    let Some(annots) = page.raw().get::<Array<'_>>(ANNOTS) else { return Vec::new() };
    annots
        .iter::<Dict<'_>>()
        .take(MAX_MARKS)
        .map(|a| a.get::<Name<'_>>(SUBTYPE).map_or(NO_TYPE.to_string(), |n| short(n.as_str())))
        .collect()
}

/// The form fields of `pdf` (terminal fields: those without kids that are fields).
pub fn fields(pdf: &Pdf) -> Vec<Field> {
    let xref = pdf.xref();
    let catalog = xref.get::<Dict<'_>>(xref.root_id());
    let roots = catalog.and_then(|c| c.get::<Dict<'_>>(ACRO_FORM)?.get::<Array<'_>>(FIELDS));
    let mut out = Vec::new();
    if let Some(roots) = roots {
        for field in roots.iter::<Dict<'_>>() {
            walk(&field, None, 0, &mut out);
        }
    }
    out
}

/// Adds `field` (or its terminal kids) to `out`; `kind` is the type inherited from its parent.
fn walk(field: &Dict<'_>, kind: Option<String>, depth: usize, out: &mut Vec<Field>) {
    if out.len() >= MAX_MARKS || depth > MAX_FIELD_DEPTH {
        return;
    }
    let kind = field.get::<Name<'_>>(FT).map(|n| short(n.as_str())).or(kind);
    let kids: Vec<Dict<'_>> = field
        .get::<Array<'_>>(KIDS)
        .map(|k| {
            k.iter::<Dict<'_>>().filter(|k| k.contains_key(FT) || k.contains_key(KIDS)).collect()
        })
        .unwrap_or_default();
    if !kids.is_empty() {
        for kid in &kids {
            walk(kid, kind.clone(), depth + 1, out);
        }
        return;
    }
    let kind = kind.unwrap_or_default();
    let signer = match kind.as_str() {
        "Sig" => field
            .get::<Dict<'_>>(V)
            .and_then(|v| v.get::<PdfString<'_>>(CONTENTS))
            .and_then(|c| signer_name(c.as_bytes())),
        _ => None,
    };
    out.push(Field { kind, filled: field.contains_key(V), signer });
}

/// A name from the file, cut to [`MAX_NAME`] characters.
fn short(name: &str) -> String {
    name.chars().take(MAX_NAME).collect()
}

/// The common name (CN) of the certificate that signed a CMS signature (`/Contents` of a PDF
/// signature): the certificate whose issuer and serial number the first signer info names,
/// else the first certificate.
pub fn signer_name(cms: &[u8]) -> Option<String> {
    // ContentInfo { contentType, [0] SignedData { version, digestAlgorithms, encapContentInfo,
    // [0] certificates, [1] crls?, signerInfos } }
    let content_info = Der::new(cms).next()?;
    let mut info = Der::new(content_info.body);
    info.next()?; // contentType
    let explicit = info.next()?;
    let signed_data = Der::new(explicit.body).next()?;
    let mut parts = Der::new(signed_data.body);
    let (mut certificates, mut signer_infos) = (None, None);
    for part in parts.by_ref() {
        match part.tag {
            0xA0 => certificates = Some(part.body),
            0x31 => signer_infos = Some(part.body),
            _ => {}
        }
    }
    let certificates: Vec<Tlv<'_>> = Der::new(certificates?).collect();
    let wanted = signer_infos.and_then(|s| {
        let info = Der::new(s).next()?;
        let mut fields = Der::new(info.body);
        fields.next()?; // version
        let sid = fields.next()?;
        (sid.tag == 0x30).then_some(sid.body)
    });
    fn tbs<'a>(cert: &Tlv<'a>) -> Option<Tlv<'a>> {
        Der::new(cert.body).next()
    }
    let chosen = certificates
        .iter()
        .find(|cert| {
            let Some(tbs) = tbs(cert) else { return false };
            let mut f = Der::new(tbs.body).peekable();
            if f.peek().is_some_and(|t| t.tag == 0xA0) {
                f.next();
            }
            let serial = f.next();
            f.next(); // signature algorithm
            let issuer = f.next();
            let (Some(serial), Some(issuer)) = (serial, issuer) else { return false };
            let mut sid = Der::new(wanted.unwrap_or_default());
            let (want_issuer, want_serial) = (sid.next(), sid.next());
            want_issuer.is_some_and(|w| w.whole == issuer.whole)
                && want_serial.is_some_and(|w| w.whole == serial.whole)
        })
        .or(certificates.first())?;
    let tbs = tbs(chosen)?;
    let mut f = Der::new(tbs.body).peekable();
    if f.peek().is_some_and(|t| t.tag == 0xA0) {
        f.next();
    }
    let subject = f.nth(4)?; // serial, algorithm, issuer, validity, subject
    common_name(subject.body)
}

/// The CN of an X.501 name (SEQUENCE OF SET OF AttributeTypeAndValue).
fn common_name(name: &[u8]) -> Option<String> {
    const CN: &[u8] = &[0x55, 0x04, 0x03];
    for rdn in Der::new(name) {
        for attribute in Der::new(rdn.body) {
            let mut pair = Der::new(attribute.body);
            let (Some(oid), Some(value)) = (pair.next(), pair.next()) else { continue };
            if oid.tag == 0x06 && oid.body == CN {
                let text = match value.tag {
                    0x1E => {
                        let units =
                            value.body.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
                        char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')).collect()
                    }
                    _ => String::from_utf8_lossy(value.body).into_owned(),
                };
                return Some(short(&text));
            }
        }
    }
    None
}

/// One DER element: its tag, its contents, and all its bytes.
#[derive(Debug, Clone, Copy)]
struct Tlv<'a> {
    tag: u8,
    body: &'a [u8],
    whole: &'a [u8],
}

/// The DER elements that follow one another in some bytes (single-byte tags, definite
/// lengths; anything else ends the walk).
struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }
}

impl<'a> Iterator for Der<'a> {
    type Item = Tlv<'a>;

    fn next(&mut self) -> Option<Tlv<'a>> {
        let bytes = self.rest;
        let (&tag, rest) = bytes.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (length, rest) = match first {
            0..=0x7F => (usize::from(first), rest),
            0x81..=0x84 => {
                let n = usize::from(first & 0x7F);
                let digits = rest.get(..n)?;
                (digits.iter().fold(0usize, |l, &d| l << 8 | usize::from(d)), &rest[n..])
            }
            _ => return None,
        };
        let body = rest.get(..length)?;
        let header = bytes.len() - rest.len();
        self.rest = &rest[length..];
        Some(Tlv { tag, body, whole: &bytes[..header + length] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DER of `tag` around `body`.
    fn der(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match body.len() {
            n @ 0..=0x7F => out.push(n as u8),
            n => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(body);
        out
    }

    fn name(cn: &str) -> Vec<u8> {
        let attribute =
            der(0x30, &[der(0x06, &[0x55, 0x04, 0x03]), der(0x0C, cn.as_bytes())].concat());
        der(0x30, &der(0x31, &attribute))
    }

    fn certificate(serial: u8, issuer: &str, subject: &str) -> Vec<u8> {
        let tbs = [
            der(0xA0, &der(0x02, &[2])),
            der(0x02, &[serial]),
            der(0x30, &[]),
            name(issuer),
            der(0x30, &[]),
            name(subject),
        ]
        .concat();
        der(0x30, &[der(0x30, &tbs), der(0x30, &[]), der(0x03, &[0])].concat())
    }

    #[test]
    fn the_signer_is_the_certificate_the_signer_info_names() {
        let certs =
            [certificate(1, "Root CA", "Root CA"), certificate(7, "Root CA", "Alice Signer")]
                .concat();
        let sid = der(0x30, &[name("Root CA"), der(0x02, &[7])].concat());
        let signer_info = der(0x30, &[der(0x02, &[1]), sid].concat());
        let signed_data = der(
            0x30,
            &[
                der(0x02, &[1]),
                der(0x31, &[]),
                der(0x30, &[]),
                der(0xA0, &certs),
                der(0x31, &signer_info),
            ]
            .concat(),
        );
        let cms = der(0x30, &[der(0x06, &[42]), der(0xA0, &signed_data)].concat());
        let mut padded = cms.clone();
        padded.extend([0; 64]); // /Contents is padded with zeros
        assert_eq!(signer_name(&padded).as_deref(), Some("Alice Signer"));
        assert_eq!(signer_name(&cms[..cms.len() / 2]), None);
        assert_eq!(signer_name(b"garbage"), None);
    }
}
