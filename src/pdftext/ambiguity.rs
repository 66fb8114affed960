//! What a PDF may hold that PDF readers read each in its own way: where hayro, which reads a
//! copy's text and draws its pages for accord, and another reader part ways, a copy can read
//! as the signed text to accord and show something else to its recipient. Found by attacking
//! the comparison (BENCHMARKS.md, 2026-12-06); a copy that holds one is never the same text.

use hayro_interpret::hayro_syntax::object::dict::keys::{
    CID_TO_GID_MAP, CONTENTS, ENCODING, FONT_FILE, FONT_FILE2, FONT_FILE3, SUBTYPE,
};
use hayro_interpret::hayro_syntax::object::{Array, Dict, Name, Stream};
use hayro_interpret::hayro_syntax::page::Page;
use serde::{Deserialize, Serialize};

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
        }
    }
}

/// What dictionary `dict` (a font, a font descriptor) holds that readers read each in its own
/// way.
pub fn of_dict(dict: &Dict<'_>) -> Option<Ambiguity> {
    let subtype = dict.get::<Name<'_>>(SUBTYPE);
    let is = |name: &str| subtype.as_ref().is_some_and(|s| s.as_str() == name);
    let programs = [FONT_FILE, FONT_FILE2, FONT_FILE3].iter().filter(|k| dict.contains_key(k));
    if is("CIDFontType0") && dict.contains_key(CID_TO_GID_MAP) {
        Some(Ambiguity::CffGlyphMap)
    } else if is("Type0") && dict.get::<Stream<'_>>(ENCODING).is_some() {
        Some(Ambiguity::EncodingCmap)
    } else if programs.count() > 1 {
        Some(Ambiguity::FontPrograms)
    } else {
        None
    }
}

/// Whether `page` refers to content streams the file does not have.
pub fn content_missing(page: &Page<'_>) -> bool {
    let raw = page.raw();
    match raw.get::<Array<'_>>(CONTENTS) {
        Some(array) => array.raw_iter().count() != array.iter::<Stream<'_>>().count(),
        None => raw.contains_key(CONTENTS) && raw.get::<Stream<'_>>(CONTENTS).is_none(),
    }
}
