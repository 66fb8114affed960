//! The one font the documents are set in, embedded in the binary: the faces typst is given,
//! and the rule of which characters it can draw, which `check` and `typeset` both apply.
//!
//! Only the faces of [`DOCUMENT_FONT`] that typst embeds are loaded, no other font: typst's
//! font fallback finds nothing else, so a character the document font cannot draw is always
//! an error, never a glyph from another typeface. Leaving out the other faces also saves
//! most of the time parsing fonts took (BENCHMARKS.md).

use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// The font family `style.typ` sets for all text, and the only one accord embeds.
pub const DOCUMENT_FONT: &str = "Libertinus Serif";

/// The faces of [`DOCUMENT_FONT`] and their book, parsed once per process.
pub struct Fonts {
    /// The faces, in the order the book indexes them.
    pub fonts: Vec<Font>,
    /// typst's index of the faces.
    pub book: LazyHash<FontBook>,
}

/// The document font, loaded on first use.
pub static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .filter(|data| is_document_font(data))
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let book = LazyHash::new(FontBook::from_fonts(&fonts));
    Fonts { fonts, book }
});

/// Whether the font file `data` holds a face of [`DOCUMENT_FONT`], by the family in its name
/// table: far cheaper than typst's parse, which maps every character a face covers.
fn is_document_font(data: &[u8]) -> bool {
    ttf_parser::Face::parse(data, 0).is_ok_and(|face| {
        face.names().into_iter().any(|name| {
            name.name_id == ttf_parser::name_id::FAMILY
                && name.to_string().is_some_and(|family| family.starts_with(DOCUMENT_FONT))
        })
    })
}

/// The first character of `text` that [`DOCUMENT_FONT`] cannot draw, if any: the one rule of
/// drawability, which `check` applies to config values and `typeset` to everything it lays out.
///
/// A character is drawable when every face maps it to a glyph of its own (its cmap), so that
/// it prints the same in any weight or style a template may give it. typst draws nothing for
/// a default-ignorable character (it never shapes them), so those are undrawable even if a
/// face maps them. Whitespace gets no exception: typst shapes a space like any other
/// character, and a space the font lacks (U+1680 OGHAM SPACE MARK) is a missing glyph.
///
/// A private-use character (the font maps three, U+E801–U+E803) is undrawable too: it has
/// no meaning outside the font, so PDF/A refuses it and the export would fail.
///
/// The rule is slightly stricter than typst: rustybuzz also draws a few characters the font
/// does not map, through a fallback (U+205F and U+3000 as a space, U+212B ANGSTROM SIGN as
/// its canonical decomposition Å), and those are refused here, where a config can write the
/// plain character instead.
pub fn undrawable_char(text: &str) -> Option<char> {
    text.chars().find(|&c| !drawable(c))
}

/// Whether every face of [`DOCUMENT_FONT`] draws `c` with a glyph of its own, in a PDF/A.
fn drawable(c: char) -> bool {
    !typst::text::is_default_ignorable(c)
        && !is_private_use(c)
        && FONTS.fonts.iter().all(|font| font.info().coverage.contains(c as u32))
}

/// The Unicode private-use areas, whose characters krilla's PDF/A export refuses.
fn is_private_use(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}')
}

#[cfg(test)]
mod tests {
    use super::{undrawable_char, DOCUMENT_FONT, FONTS};

    #[test]
    fn the_document_font_alone_is_loaded() {
        let families: Vec<&str> = FONTS.fonts.iter().map(|f| f.info().family.as_str()).collect();
        assert_eq!(
            families, [DOCUMENT_FONT; 6],
            "regular, bold, semibold, each upright and italic"
        );
    }

    #[test]
    fn only_scripts_of_the_document_font_are_drawable() {
        for ok in ["New York", "Ζωή", "Пётр", "בן קי מון", "Zoë O\u{2019}Brien \u{2013} §1"]
        {
            assert_eq!(undrawable_char(ok), None, "{ok}");
        }
        // Arabic, Hangul and emoji are not in Libertinus Serif, nor U+1680 OGHAM SPACE MARK,
        // a space typst would draw with the missing-glyph box; U+E801 is, in the private use
        // area that PDF/A refuses.
        for (bad, c) in [
            ("بان", 'ب'),
            ("반기문", '반'),
            ("ok 😀", '😀'),
            ("New\u{1680}York", '\u{1680}'),
            ("\u{E801}", '\u{E801}'),
        ] {
            assert_eq!(undrawable_char(bad), Some(c), "{bad}");
        }
    }
}
