//! What a PDF may hold that PDF readers read each in its own way: where hayro, which reads a
//! copy's text and draws its pages for accord, and another reader part ways, a copy can read
//! as the signed text to accord and show something else to its recipient. Found by attacking
//! the comparison (BENCHMARKS.md, 2026-12-06); a copy that holds one is never the same text.

use hayro_interpret::hayro_syntax::object::dict::keys::{
    CID_TO_GID_MAP, CONTENTS, ENCODING, FONT_FILE, FONT_FILE2, FONT_FILE3, G, S, SUBTYPE, W,
};
use hayro_interpret::hayro_syntax::object::{Array, Dict, MaybeRef, Name, Number, Object, Stream};
use hayro_interpret::hayro_syntax::page::Page;
use serde::{Deserialize, Serialize};

use super::guard;

/// How deep within a dictionary soft masks are looked for.
const MAX_WITHIN: usize = 4;
/// Most entries looked into within one object's dictionary.
const MAX_ENTRIES: usize = 4096;

/// Something PDF readers read each in its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ambiguity {
    /// Optional content (layers): readers honour its tags and expressions differently.
    Layers,
    /// A CFF font of CIDs with a CIDToGIDMap (a TrueType key): hayro applies it inverted.
    CffGlyphMap,
    /// A font with an encoding CMap of its own: readers resolve overlapping ranges and code
    /// lengths differently.
    EncodingCmap,
    /// A font with more than one font program: readers pick different ones.
    FontPrograms,
    /// A dictionary with a key twice: readers keep the first or the last.
    DuplicateKeys,
    /// Page content that refers to an object the file does not have as referred to: readers
    /// look it up by number alone, or not at all.
    MissingContent,
    /// A soft mask of no known kind (`/S` neither `/Luminosity` nor `/Alpha`): hayro draws as if
    /// there were none, other readers mask.
    SoftMaskKind,
    /// A cross-reference table or stream that points where its object is not (another number
    /// or generation, or no `N G obj` header): readers that trust it and readers that search
    /// the file find different objects.
    XrefAstray,
    /// Objects after the file's last `%%EOF`: some readers read them.
    AfterEnd,
    /// A CID font's widths (`/W`) that give a CID twice: readers keep the first or the last.
    WidthsTwice,
    /// A form whose content has a stray `]` or `>>`, a text render mode outside 0 to 7, or an
    /// operator with more or fewer operands than it takes (as page content can:
    /// [`super::guard::read_apart`]).
    FormContent,
}

impl Ambiguity {
    /// The thing, in words.
    pub fn phrase(self) -> &'static str {
        match self {
            Ambiguity::Layers => "optional content (layers)",
            Ambiguity::CffGlyphMap => "a CFF font with a CIDToGIDMap",
            Ambiguity::EncodingCmap => "a font with an encoding CMap of its own",
            Ambiguity::FontPrograms => "a font with more than one font program",
            Ambiguity::DuplicateKeys => "a dictionary that gives a key twice",
            Ambiguity::MissingContent => "page content that refers to an object it does not have",
            Ambiguity::SoftMaskKind => "a soft mask of no known kind",
            Ambiguity::XrefAstray => {
                "a cross-reference section that points where its objects are not"
            }
            Ambiguity::AfterEnd => "objects after the end of the file (%%EOF)",
            Ambiguity::WidthsTwice => "a font that gives a glyph's width twice",
            Ambiguity::FormContent => {
                "a form with a stray `]` or `>>`, a text render mode outside 0 to 7, or an operator \
                 given more or fewer operands than it takes"
            }
        }
    }
}

/// What dictionary `dict` (a font, a font descriptor) holds that readers read each in its own
/// way.
pub fn of_dict(dict: &Dict<'_>) -> Option<Ambiguity> {
    let subtype = dict.get::<Name<'_>>(SUBTYPE);
    let is = |name: &str| subtype.as_ref().is_some_and(|s| s.as_str() == name);
    let programs = [FONT_FILE, FONT_FILE2, FONT_FILE3].iter().filter(|k| dict.contains_key(k));
    if unknown_mask_within(dict, 0, &mut { MAX_ENTRIES }) {
        Some(Ambiguity::SoftMaskKind)
    } else if is("CIDFontType0") && dict.contains_key(CID_TO_GID_MAP) {
        Some(Ambiguity::CffGlyphMap)
    } else if is("Type0") && dict.get::<Stream<'_>>(ENCODING).is_some() {
        Some(Ambiguity::EncodingCmap)
    } else if dict.get::<Array<'_>>(W).is_some_and(|w| widths_twice(&w)) {
        Some(Ambiguity::WidthsTwice)
    } else if programs.count() > 1 {
        Some(Ambiguity::FontPrograms)
    } else {
        None
    }
}

/// Whether `dict`, or a dictionary written within it (resources hold their graphics states
/// and these their masks), is a soft mask (a group, `/G`, and a kind, `/S`) of no known kind.
fn unknown_mask_within(dict: &Dict<'_>, depth: usize, budget: &mut usize) -> bool {
    let kind = dict.get::<Name<'_>>(S);
    let known = kind.is_some_and(|k| matches!(k.as_str(), "Luminosity" | "Alpha"));
    if dict.contains_key(G) && dict.contains_key(S) && !known {
        return true;
    }
    depth < MAX_WITHIN
        && dict.entries().any(|(_, value)| {
            *budget = budget.saturating_sub(1);
            match value {
                MaybeRef::NotRef(Object::Dict(inner)) if *budget > 0 => {
                    unknown_mask_within(&inner, depth + 1, budget)
                }
                _ => false,
            }
        })
}

/// Whether a CID font's widths (`c [w…]` or `first last w`, ISO 32000-1, 9.7.4.3) give some
/// CID twice; past [`MAX_ENTRIES`] entries, whether those do.
fn widths_twice(widths: &Array<'_>) -> bool {
    let items: Vec<Object<'_>> = widths.iter::<Object<'_>>().take(MAX_ENTRIES).collect();
    let number = |i: usize| match items.get(i) {
        Some(Object::Number(n)) => Some(Number::as_i64(n)),
        _ => None,
    };
    let mut ranges: Vec<(i64, i64)> = Vec::new();
    let mut at = 0;
    while let Some(first) = number(at) {
        match (items.get(at + 1), number(at + 1)) {
            (Some(Object::Array(list)), _) => {
                let count = list.iter::<Object<'_>>().take(MAX_ENTRIES).count() as i64;
                ranges.push((first, first.saturating_add(count - 1)));
                at += 2;
            }
            (_, Some(last)) => {
                ranges.push((first, last));
                at += 3;
            }
            _ => break,
        }
    }
    ranges.retain(|(first, last)| first <= last);
    ranges.sort_unstable();
    ranges.windows(2).any(|pair| pair[1].0 <= pair[0].1)
}

/// Whether `stream` is a form whose content PDF readers read each in its own way.
pub fn form_read_apart(stream: &Stream<'_>) -> bool {
    let form = stream.dict().get::<Name<'_>>(SUBTYPE).is_some_and(|s| s.as_str() == "Form");
    form && stream.decoded().is_ok_and(|content| guard::read_apart(&content))
}

/// Whether `page` refers to content streams the file does not have.
pub fn content_missing(page: &Page<'_>) -> bool {
    let raw = page.raw();
    match raw.get::<Array<'_>>(CONTENTS) {
        Some(array) => array.raw_iter().count() != array.iter::<Stream<'_>>().count(),
        None => raw.contains_key(CONTENTS) && raw.get::<Stream<'_>>(CONTENTS).is_none(),
    }
}

/// Whether `bytes` hold an object after their last `%%EOF`.
pub fn after_end(bytes: &[u8]) -> bool {
    let marker = b"%%EOF";
    let end = bytes.windows(marker.len()).rposition(|w| w == marker);
    end.is_some_and(|end| bytes[end..].windows(3).any(|w| w == b"obj"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_past_the_end_are_told() {
        assert!(!after_end(b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"));
        assert!(after_end(b"%PDF-1.7\n%%EOF\n1 0 obj << >> endobj\n"));
    }
}
