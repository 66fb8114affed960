//! Typesetting in-process with the typst crate, in a sealed World.
//!
//! The World serves only the rendered document and the static style, the faces of the one
//! font the documents use, embedded in the binary (loaded once per process), and a fixed
//! `today` taken from the config. Nothing else on the machine can influence the output, so
//! the same inputs give the same PDF bytes everywhere, and no template or value can read a
//! file.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::layout::{Frame, FrameItem};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::date::Date;
use crate::error::{Error, Result};

/// The typst version accord embeds (pinned in Cargo.toml; recorded in manifests).
pub const TYPST_VERSION: &str = "0.15.1";

/// The fonts accord typesets with and their book, parsed once per process.
struct Fonts {
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
}

/// The faces of [`DOCUMENT_FONT`] that typst embeds, and no other font: typst's font
/// fallback finds nothing else, so a character the document font cannot draw is always an
/// error ([`undrawable_char`], [`layout`]), never a glyph from another typeface. It also
/// saves parsing the 11 other faces typst embeds, two thirds of the time parsing all 17 took.
static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .filter(|data| is_document_font(data))
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let book = LazyHash::new(FontBook::from_fonts(&fonts));
    Fonts { fonts, book }
});

/// Whether the font file `data` holds a face of [`DOCUMENT_FONT`], by the family in its name
/// table: 0.05 ms for all 17 files, where typst's parse, which maps every character a face
/// covers, takes 3 ms.
fn is_document_font(data: &[u8]) -> bool {
    ttf_parser::Face::parse(data, 0).is_ok_and(|face| {
        face.names().into_iter().any(|name| {
            name.name_id == ttf_parser::name_id::FAMILY
                && name.to_string().is_some_and(|family| family.starts_with(DOCUMENT_FONT))
        })
    })
}

static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// Starts loading what every layout needs, the fonts (1 ms of work) and typst's standard
/// library (0.5 ms), on threads of their own, so that it overlaps whatever the caller does
/// before its first check or layout. Hashing them once here saves the first layout from
/// doing it.
pub fn preload() {
    std::thread::spawn(|| typst::utils::hash128(&FONTS.book));
    std::thread::spawn(|| typst::utils::hash128(&*LIBRARY));
}

/// A typeset PDF and its page count.
#[derive(Debug, Clone)]
pub struct Typeset {
    /// The PDF bytes.
    pub pdf: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
}

/// The font family `style.typ` sets for all text, and the only one accord embeds.
pub const DOCUMENT_FONT: &str = "Libertinus Serif";

/// The first character of `text` that some face of [`DOCUMENT_FONT`] cannot draw, if any.
pub fn undrawable_char(text: &str) -> Option<char> {
    let faces = FONTS.fonts.iter().map(Font::info);
    text.chars()
        .filter(|c| !c.is_whitespace())
        .find(|c| !faces.clone().all(|info| info.coverage.contains(*c as u32)))
}

/// The sealed World of one document: its source, the style, embedded fonts, a fixed date.
struct Sealed {
    main: Source,
    style: Source,
    today: Datetime,
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("static virtual paths are valid");
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

impl World for Sealed {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        [&self.main, &self.style]
            .into_iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or_else(|| FileError::Other(Some("accord serves no files but its own".into())))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.source(id).map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// A document laid out by typst, ready to be exported as PDF.
pub struct Laidout {
    name: String,
    world: Sealed,
    document: PagedDocument,
}

/// Typesets `source` (Typst markup importing `style.typ`) into an archival, tagged PDF
/// (PDF/A-2a and PDF/UA-1) dated `date`; `name` identifies the document in errors and in
/// the PDF's stable identifier.
pub fn typeset(name: &str, source: &str, style: &str, date: Date) -> Result<Typeset> {
    layout(name, source, style, date)?.pdf()
}

/// The first half of [`typeset`]: lays out the pages, refusing any warning or missing glyph.
pub fn layout(name: &str, source: &str, style: &str, date: Date) -> Result<Laidout> {
    let today = Datetime::from_ymd(i32::from(date.year), date.month, date.day)
        .ok_or_else(|| Error::usage(format!("{name}: invalid document date {date}")))?;
    let world = Sealed {
        main: Source::new(file_id("/main.typ"), source.to_string()),
        style: Source::new(file_id(&format!("/{}", crate::render::STYLE)), style.to_string()),
        today,
    };
    let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|errors| diagnostics(&world, name, &errors))?;
    if !warnings.is_empty() {
        return Err(diagnostics(&world, name, &warnings));
    }
    for page in document.pages() {
        if let Some(c) = missing_glyph(&page.frame) {
            return Err(Error::usage(format!(
                "{name}: the text uses U+{:04X} '{c}', which the document font ({DOCUMENT_FONT}) \
                 cannot draw",
                c as u32
            )));
        }
    }
    Ok(Laidout { name: name.to_string(), world, document })
}

impl Laidout {
    /// The second half of [`typeset`]: exports the laid-out pages as PDF.
    pub fn pdf(self) -> Result<Typeset> {
        let Laidout { name, world, document } = self;
        let options = PdfOptions {
            ident: Smart::Custom(name.clone()),
            creator: Smart::Custom(Some(format!(
                "accord {} (Typst {TYPST_VERSION})",
                env!("CARGO_PKG_VERSION")
            ))),
            timestamp: Some(Timestamp::new_utc(world.today)),
            page_ranges: None,
            standards: PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
                .map_err(|e| Error::usage(format!("{name}: PDF standards: {}", e.message())))?,
            tagged: true,
            pretty: false,
        };
        let pdf =
            typst_pdf::pdf(&document, &options).map_err(|e| diagnostics(&world, &name, &e))?;
        Ok(Typeset { pdf, pages: document.pages().len() })
    }
}

/// The first character in `frame` that was drawn with a font's "missing glyph" box.
fn missing_glyph(frame: &Frame) -> Option<char> {
    frame.items().find_map(|(_, item)| match item {
        FrameItem::Group(group) => missing_glyph(&group.frame),
        FrameItem::Text(text) => text
            .glyphs
            .iter()
            .find(|g| g.id == 0)
            .and_then(|g| text.text.get(g.range()).and_then(|s| s.chars().next())),
        _ => None,
    })
}

/// Typst diagnostics as one message: `document: file:line:col: message (hint: …)`.
fn diagnostics(world: &Sealed, name: &str, diags: &[SourceDiagnostic]) -> Error {
    let lines: Vec<String> = diags
        .iter()
        .map(|d| {
            let place = d
                .span
                .id()
                .and_then(|id| {
                    let source = world.source(id).ok()?;
                    let range = world.range(d.span)?;
                    let (line, col) = source.lines().byte_to_line_column(range.start)?;
                    Some(format!("{}:{}:{}: ", id.vpath().get_without_slash(), line + 1, col + 1))
                })
                .unwrap_or_default();
            let hints: String = d.hints.iter().map(|h| format!(" (hint: {})", h.v)).collect();
            format!("{name}: {place}{}{hints}", d.message)
        })
        .collect();
    Error::usage(format!("typesetting failed:\n  {}", lines.join("\n  ")))
}

#[cfg(test)]
mod tests {
    use super::{typeset, undrawable_char, DOCUMENT_FONT, FONTS};
    use crate::date::Date;
    use crate::render::{STYLE, TEMPLATES};

    fn style() -> &'static str {
        TEMPLATES.iter().find(|(name, _)| *name == STYLE).map(|(_, text)| *text).unwrap()
    }

    #[test]
    fn the_document_font_alone_is_loaded_and_set_by_the_style() {
        let families: Vec<&str> = FONTS.fonts.iter().map(|f| f.info().family.as_str()).collect();
        assert_eq!(
            families, [DOCUMENT_FONT; 6],
            "regular, bold, semibold, each upright and italic"
        );
        assert!(style().contains(&format!("font: \"{DOCUMENT_FONT}\"")));
    }

    #[test]
    fn a_character_the_document_font_lacks_is_an_error_not_a_fallback() {
        let date = Date { year: 2016, month: 9, day: 19 };
        // typst embeds DejaVu Sans Mono, which has Arabic; accord does not load it.
        let err = typeset("probe", "ب", style(), date).unwrap_err();
        assert!(err.message.contains("U+0628 'ب', which the document font"), "{err}");
    }

    #[test]
    fn only_scripts_of_the_document_font_are_drawable() {
        for ok in ["New York", "Ζωή", "Пётр", "בן קי מון", "Zoë O\u{2019}Brien \u{2013} §1"]
        {
            assert_eq!(undrawable_char(ok), None, "{ok}");
        }
        // Arabic, Hangul and emoji are not in Libertinus Serif.
        for (bad, c) in [("بان", 'ب'), ("반기문", '반'), ("ok 😀", '😀')] {
            assert_eq!(undrawable_char(bad), Some(c), "{bad}");
        }
    }

    #[test]
    fn typst_code_cannot_read_files_even_if_it_reached_the_typesetter() {
        let date = Date { year: 2016, month: 9, day: 19 };
        for code in
            [r#"#read("/etc/hostname")"#, r#"#image("/etc/passwd")"#, r#"#include "/etc/hosts""#]
        {
            let err = typeset("probe", code, style(), date).unwrap_err();
            assert_eq!(err.code, 2);
            assert!(err.message.contains("accord serves no files but its own"), "{code}: {err}");
        }
    }
}
