//! Cheap facts about a copy's bytes, to say how a re-saved copy was made.
//!
//! A copy that shows the text of an original with other bytes was rewritten by some tool; what
//! the tool changed is told by a handful of facts that cost no parsing beyond the trailer, the
//! catalog, the document information and the XMP packet: linearization, object streams, the
//! PDF/A and PDF/UA claims, the tags, and the Producer and Creator. Comparing the facts of a copy
//! with those of the signed original gives short plain phrases ("it has been linearized").

use hayro_interpret::hayro_syntax::object::dict::keys::{MARK_INFO, METADATA, N, STRUCT_TREE_ROOT};
use hayro_interpret::hayro_syntax::object::{Dict, Object, Stream};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::ambiguity::{self, Ambiguity};
use super::open::{guarded, open, Opened};

/// How far from the start a linearization dictionary must be (it is the first object).
const LINEARIZED_WITHIN: usize = 1024;
/// Most bytes an XMP packet may inflate to.
const XMP_MAX: u64 = 1024 * 1024;
/// Longest Producer or Creator quoted in a phrase.
const NAME_MAX: usize = 80;
/// Said of a copy whose bytes differ from the original's while none of its facts do.
pub const UNMARKED: &str = "it was re-saved by a tool that left no other mark";
/// Most colour profiles told apart.
const MAX_PROFILES: usize = 16;
/// Said of the profiles past [`MAX_PROFILES`].
pub const MANY_PROFILES: &str = "more profiles";
/// Where an ICC profile says it is one (`acsp`, bytes 36 to 40).
const ICC_SIGNATURE: std::ops::Range<usize> = 36..40;
/// The `/MarkInfo` key saying the content is tagged.
const MARKED: &[u8] = b"Marked";

/// What the bytes of a PDF say about how it was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// hayro could parse the file.
    pub readable: bool,
    /// The file starts with a linearization dictionary (fast web view).
    pub linearized: bool,
    /// Incremental updates appended to the file (changes saved on top of it).
    pub updates: usize,
    /// Some objects are packed in object streams.
    pub object_streams: bool,
    /// The PDF/A part and conformance the XMP metadata claims ("2A").
    pub pdfa: Option<String>,
    /// The PDF/UA part the XMP metadata claims ("1").
    pub pdfua: Option<String>,
    /// The catalog has a structure tree and says the content is marked.
    pub tagged: bool,
    /// The document information's Producer.
    pub producer: Option<String>,
    /// The document information's Creator.
    pub creator: Option<String>,
    /// What it holds that PDF readers read each in its own way (sorted, each once): what
    /// accord reads of its pages may not be what another reader shows.
    pub ambiguities: Vec<Ambiguity>,
    /// The SHA-256 (hex) of each ICC colour profile, sorted: hayro takes a profile that calls
    /// itself sRGB at its word, other readers apply its curves. Past [`MAX_PROFILES`], one more
    /// entry, [`MANY_PROFILES`], that no document's profile matches.
    pub color_profiles: Vec<String>,
}

impl Facts {
    /// Reads the facts of a PDF; an unreadable file gives facts with `readable` false.
    pub fn of(bytes: &[u8]) -> Self {
        match guarded(|| open(bytes)) {
            Ok(Ok(opened)) => Self::of_pdf(bytes, &opened),
            _ => Self::of_bytes(bytes),
        }
    }

    /// The facts the bytes alone give.
    fn of_bytes(bytes: &[u8]) -> Self {
        let linearized = contains(&bytes[..bytes.len().min(LINEARIZED_WITHIN)], b"/Linearized");
        let sections = count(bytes, b"startxref");
        Facts {
            linearized,
            object_streams: contains(bytes, b"/ObjStm"),
            updates: sections.saturating_sub(1 + usize::from(linearized)),
            ..Facts::default()
        }
    }

    /// The facts of `bytes`, opened by hayro (after the guard's checks).
    pub(super) fn of_pdf(bytes: &[u8], opened: &Opened) -> Self {
        let pdf = &opened.pdf;
        let mut facts = Self::of_bytes(bytes);
        facts.readable = true;
        let info = pdf.metadata();
        facts.producer = info.producer.as_deref().map(text_string);
        facts.creator = info.creator.as_deref().map(text_string);
        let xref = pdf.xref();
        let mut ambiguities = Vec::new();
        if xref.has_optional_content_groups() {
            ambiguities.push(Ambiguity::Layers);
        }
        if opened.census.duplicate_keys {
            ambiguities.push(Ambiguity::DuplicateKeys);
        }
        if pdf.pages().iter().any(|page| ambiguity::content_missing(page)) {
            ambiguities.push(Ambiguity::MissingContent);
        }
        if opened.census.xref_astray {
            ambiguities.push(Ambiguity::XrefAstray);
        }
        if ambiguity::after_end(bytes) {
            ambiguities.push(Ambiguity::AfterEnd);
        }
        for object in pdf.objects() {
            match object {
                Object::Dict(dict) => ambiguities.extend(ambiguity::of_dict(&dict)),
                Object::Stream(stream) => {
                    ambiguities.extend(ambiguity::of_dict(stream.dict()));
                    if ambiguity::form_read_apart(&stream) {
                        ambiguities.push(Ambiguity::FormContent);
                    }
                    facts.add_profile(&stream);
                }
                _ => {}
            }
        }
        ambiguities.sort_unstable();
        ambiguities.dedup();
        facts.ambiguities = ambiguities;
        let Some(catalog) = xref.get::<Dict<'_>>(xref.root_id()) else { return facts };
        let marked = catalog.get::<Dict<'_>>(MARK_INFO).and_then(|m| m.get::<bool>(MARKED));
        facts.tagged = marked == Some(true) && catalog.contains_key(STRUCT_TREE_ROOT);
        let xmp = catalog.get::<Stream<'_>>(METADATA).and_then(|s| s.decoded().ok());
        if let Some(xmp) = xmp.filter(|x| x.len() as u64 <= XMP_MAX) {
            let xmp = String::from_utf8_lossy(&xmp);
            let part = xmp_value(&xmp, "pdfaid:part");
            let conformance = xmp_value(&xmp, "pdfaid:conformance").unwrap_or_default();
            facts.pdfa = part.map(|p| format!("{p}{conformance}"));
            facts.pdfua = xmp_value(&xmp, "pdfuaid:part");
        }
        facts
    }

    /// Notes the digest of `stream` if it is an ICC profile (it has `/N`, and its data says so).
    fn add_profile(&mut self, stream: &Stream<'_>) {
        if !stream.dict().contains_key(N) {
            return;
        }
        let Ok(data) = stream.decoded() else { return };
        if data.get(ICC_SIGNATURE) != Some(b"acsp".as_slice()) {
            return;
        }
        let digest: String = Sha256::digest(&data).iter().map(|b| format!("{b:02x}")).collect();
        if !self.color_profiles.contains(&digest) {
            match self.color_profiles.len() < MAX_PROFILES {
                true => self.color_profiles.push(digest),
                false if !self.color_profiles.iter().any(|p| p == MANY_PROFILES) => {
                    self.color_profiles.push(MANY_PROFILES.to_string());
                }
                false => {}
            }
        }
        self.color_profiles.sort_unstable();
    }

    /// What the copy's facts say changed since the original's, as short plain phrases; for a
    /// copy whose bytes differ but whose facts do not, a phrase that says just that.
    pub fn changes(original: &Facts, copy: &Facts) -> Vec<String> {
        let mut out = Vec::new();
        if copy.updates > original.updates {
            out.push(match copy.updates - original.updates {
                1 => "changes were saved on top of it (an incremental update)".to_string(),
                n => format!("changes were saved on top of it ({n} incremental updates)"),
            });
        }
        if copy.linearized && !original.linearized {
            out.push("it has been linearized (for fast web view)".to_string());
        }
        if copy.object_streams != original.object_streams {
            out.push(match copy.object_streams {
                true => "its objects were packed into object streams".to_string(),
                false => "its object streams were unpacked".to_string(),
            });
        }
        if original.pdfa.is_some() && copy.pdfa.is_none() {
            out.push("it no longer claims PDF/A".to_string());
        }
        if original.pdfua.is_some() && copy.pdfua.is_none() {
            out.push("it no longer claims PDF/UA".to_string());
        }
        if original.tagged && !copy.tagged {
            out.push("its tags (for screen readers) were dropped".to_string());
        }
        if copy.producer != original.producer {
            if let Some(producer) = &copy.producer {
                let verb = if copy.updates > original.updates { "last saved" } else { "rewritten" };
                out.push(format!("it was {verb} by {}", tool_name(producer)));
            }
        }
        if copy.creator != original.creator {
            out.push(match &copy.creator {
                Some(creator) => format!("its Creator is now {}", tool_name(creator)),
                None => "its Creator was removed".to_string(),
            });
        }
        if out.is_empty() {
            out.push(UNMARKED.to_string());
        }
        out
    }
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// How often `needle` occurs in `haystack`.
fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

/// A PDF text string: UTF-16BE with a byte order mark, else PDFDocEncoding read as Latin-1.
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units = utf16.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A producer's name without a trailing parenthesised address, cut to [`NAME_MAX`] characters.
fn tool_name(name: &str) -> String {
    let name = match name.find(" (http") {
        Some(at) => &name[..at],
        None => name,
    };
    name.chars().filter(|c| !c.is_control()).take(NAME_MAX).collect::<String>().trim().to_string()
}

/// The value of an XMP property written as an element (`<p>2</p>`) or an attribute (`p="2"`).
fn xmp_value(xmp: &str, property: &str) -> Option<String> {
    let element = format!("<{property}>");
    let attribute = format!("{property}=");
    let value = if let Some(at) = xmp.find(&element) {
        let rest = &xmp[at + element.len()..];
        &rest[..rest.find('<')?]
    } else {
        let at = xmp.find(&attribute)?;
        let rest = &xmp[at + attribute.len()..];
        let quote = rest.chars().next().filter(|&q| q == '"' || q == '\'')?;
        let rest = &rest[1..];
        &rest[..rest.find(quote)?]
    };
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_values_as_elements_and_attributes() {
        let xmp = r#"<x pdfaid:part="2" pdfaid:conformance='A'/><pdfuaid:part>1</pdfuaid:part>"#;
        assert_eq!(xmp_value(xmp, "pdfaid:part").as_deref(), Some("2"));
        assert_eq!(xmp_value(xmp, "pdfaid:conformance").as_deref(), Some("A"));
        assert_eq!(xmp_value(xmp, "pdfuaid:part").as_deref(), Some("1"));
        assert_eq!(xmp_value(xmp, "pdf:Producer"), None);
    }

    #[test]
    fn phrases_for_a_rewrite() {
        let original = Facts {
            readable: true,
            pdfa: Some("2A".into()),
            pdfua: Some("1".into()),
            tagged: true,
            ..Facts::default()
        };
        let copy = Facts {
            readable: true,
            producer: Some("cairo 1.16.0 (https://cairographics.org)".into()),
            ..Facts::default()
        };
        assert_eq!(
            Facts::changes(&original, &copy),
            [
                "it no longer claims PDF/A",
                "it no longer claims PDF/UA",
                "its tags (for screen readers) were dropped",
                "it was rewritten by cairo 1.16.0",
            ]
        );
        assert_eq!(tool_name("\u{1}GPL Ghostscript 10.00.0"), "GPL Ghostscript 10.00.0");
        assert_eq!(Facts::changes(&original, &original), [UNMARKED]);
    }
}
