//! One document: laid out in its sealed World, refused for any warning or character the
//! font cannot draw, checked for [`Flaw`]s, and exported as PDF.

use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Smart};
use typst::layout::{Frame, FrameItem};
use typst::WorldExt;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::flaws::{self, Flaw};
use super::world::SealedWorld;

use crate::date::Date;
use crate::error::{Error, Result};
use crate::fonts::{undrawable_char, DOCUMENT_FONT};

/// The typst version accord embeds (pinned in Cargo.toml; recorded in manifests).
pub const TYPST_VERSION: &str = "0.15.1";

/// What typesetting one document gave.
#[derive(Debug)]
pub enum Outcome {
    /// Its PDF: every text prints as written.
    Printed(Typeset),
    /// What does not print as written (see [`Flaw`]); no PDF is made.
    Flawed(Vec<Flaw>),
}

/// A typeset PDF and its page count.
#[derive(Debug, Clone)]
pub struct Typeset {
    /// The PDF bytes.
    pub pdf: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
}

/// The Typst style a document imports: its file name and its text.
#[derive(Debug, Clone, Copy)]
pub struct Style<'a> {
    /// The name the documents import it by (`#import "style.typ": *`).
    pub name: &'a str,
    /// Its text.
    pub source: &'a str,
}

/// Typesets `source` (Typst markup importing `style`) into a PDF dated `date`; `name`
/// identifies the document in errors and in the PDF's stable identifier. A document with
/// [`Flaw`]s is refused (exit 1), each flaw named in the message.
pub fn typeset(name: &str, source: &str, style: Style<'_>, date: Date) -> Result<Typeset> {
    match layout(name, source, style, date)?.outcome()? {
        Outcome::Printed(typeset) => Ok(typeset),
        Outcome::Flawed(flaws) => Err(flawed(&[(name, &flaws)])),
    }
}

/// The refusal of documents for their flaws: (document name, its flaws) each.
fn flawed(documents: &[(&str, &[Flaw])]) -> Error {
    let lines: Vec<String> = documents
        .iter()
        .flat_map(|(name, flaws)| flaws.iter().map(move |f| format!("  {name}: {f}")))
        .collect();
    Error::failed(format!("the text does not print as written:\n{}", lines.join("\n")))
}

/// A document laid out by typst, ready to be exported as PDF.
pub struct Laidout {
    name: String,
    world: SealedWorld,
    document: PagedDocument,
    flaws: Vec<Flaw>,
}

/// The first half of [`typeset`]: lays out the pages, refusing any warning, missing glyph or
/// character the font's rule ([`undrawable_char`]) refuses, and finds the [`Flaw`]s.
pub fn layout(name: &str, source: &str, style: Style<'_>, date: Date) -> Result<Laidout> {
    let world = world(name, source, style, date)?;
    let (document, flaws) = compile(&world, name)?;
    Ok(Laidout { name: name.to_string(), world, document, flaws })
}

/// The sealed World of the document `name` with `source` and `style`, dated `date`.
pub(super) fn world(name: &str, source: &str, style: Style<'_>, date: Date) -> Result<SealedWorld> {
    SealedWorld::new(source, style.name, style.source, today(name, date)?)
        .map_err(|e| Error::typesetting(format!("{name}: {e}")))
}

/// `date` as Typst's `today`.
pub(super) fn today(name: &str, date: Date) -> Result<Datetime> {
    Datetime::from_ymd(i32::from(date.year), date.month, date.day)
        .ok_or_else(|| Error::internal(format!("{name}: invalid document date {date}")))
}

/// Lays out the main file of `world`, refusing what [`layout`] refuses, and finds its flaws.
pub(super) fn compile(world: &SealedWorld, name: &str) -> Result<(PagedDocument, Vec<Flaw>)> {
    let Warned { output, warnings } = typst::compile::<PagedDocument>(world);
    let document = output.map_err(|errors| diagnostics(world, name, &errors))?;
    if !warnings.is_empty() {
        return Err(diagnostics(world, name, &warnings));
    }
    for page in document.pages() {
        if let Some(c) = undrawn(&page.frame) {
            return Err(Error::typesetting(format!(
                "{name}: the text uses U+{:04X} '{c}', which the document font ({DOCUMENT_FONT}) \
                 cannot draw",
                c as u32
            )));
        }
    }
    let flaws = flaws::find(&document, world);
    Ok((document, flaws))
}

impl Laidout {
    /// What the pages show wrong although typst laid them out; empty when nothing.
    pub fn flaws(&self) -> &[Flaw] {
        &self.flaws
    }

    /// The PDF if the pages have no flaw, else the flaws (and no export).
    pub fn outcome(self) -> Result<Outcome> {
        match self.flaws.is_empty() {
            true => self.pdf().map(Outcome::Printed),
            false => Ok(Outcome::Flawed(self.flaws)),
        }
    }

    /// The second half of [`typeset`]: exports the laid-out pages as PDF.
    pub fn pdf(self) -> Result<Typeset> {
        let Laidout { name, world, document, .. } = self;
        let options = PdfOptions {
            ident: Smart::Custom(name.clone()),
            creator: Smart::Custom(Some(format!(
                "accord {} (Typst {TYPST_VERSION})",
                env!("CARGO_PKG_VERSION")
            ))),
            timestamp: Some(Timestamp::new_utc(world.today)),
            page_ranges: None,
            standards: PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
                .map_err(|e| Error::internal(format!("{name}: PDF standards: {}", e.message())))?,
            tagged: true,
            pretty: false,
        };
        let pdf =
            typst_pdf::pdf(&document, &options).map_err(|e| diagnostics(&world, &name, &e))?;
        Ok(Typeset { pdf, pages: document.pages().len() })
    }
}

/// The first character in `frame` that the font's rule refuses, or that was drawn with the
/// "missing glyph" box all the same (which the rule should make impossible).
fn undrawn(frame: &Frame) -> Option<char> {
    frame.items().find_map(|(_, item)| match item {
        FrameItem::Group(group) => undrawn(&group.frame),
        FrameItem::Text(text) => undrawable_char(&text.text).or_else(|| {
            let glyph = text.glyphs.iter().find(|g| g.id == 0)?;
            text.text.get(glyph.range())?.chars().next()
        }),
        _ => None,
    })
}

/// Typst diagnostics as one message: `document: file:line:col: message (hint: …)`.
fn diagnostics(world: &SealedWorld, name: &str, diags: &[SourceDiagnostic]) -> Error {
    let lines: Vec<String> = diags
        .iter()
        .map(|d| {
            let place = d
                .span
                .id()
                .and_then(|id| {
                    let source = typst::World::source(world, id).ok()?;
                    let range = world.range(d.span)?;
                    let (line, col) = source.lines().byte_to_line_column(range.start)?;
                    Some(format!("{}:{}:{}: ", id.vpath().get_without_slash(), line + 1, col + 1))
                })
                .unwrap_or_default();
            let hints: String = d.hints.iter().map(|h| format!(" (hint: {})", h.v)).collect();
            format!("{name}: {place}{}{hints}", d.message)
        })
        .collect();
    Error::typesetting(format!("typesetting failed:\n  {}", lines.join("\n  ")))
}

#[cfg(test)]
mod tests {
    use super::{typeset, Style};
    use crate::date::Date;
    use crate::fonts::DOCUMENT_FONT;
    use crate::set::TemplateSet;

    const DATE: Date = Date { year: 2016, month: 9, day: 19 };
    const STYLE: Style<'static> = Style { name: "style.typ", source: "" };

    #[test]
    fn the_style_sets_the_document_font() {
        let (_, style) = TemplateSet::builtin().unwrap().style();
        assert!(style.contains(&format!("font: \"{DOCUMENT_FONT}\"")));
    }

    #[test]
    fn a_character_the_document_font_lacks_is_an_error_not_a_fallback() {
        // typst embeds DejaVu Sans Mono, which has Arabic; accord does not load it.
        let err = typeset("probe", "ب", STYLE, DATE).unwrap_err();
        assert!(err.message.contains("U+0628 'ب', which the document font"), "{err}");
    }

    #[test]
    fn typst_code_cannot_read_files_even_if_it_reached_the_typesetter() {
        for code in
            [r#"#read("/etc/hostname")"#, r#"#image("/etc/passwd")"#, r#"#include "/etc/hosts""#]
        {
            let err = typeset("probe", code, STYLE, DATE).unwrap_err();
            assert_eq!(err.kind, crate::error::Kind::Typesetting);
            assert!(err.message.contains("accord serves no files but its own"), "{code}: {err}");
        }
    }
}
