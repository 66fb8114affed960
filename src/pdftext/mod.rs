//! The words a PDF shows, in reading order, read in-process with hayro.
//!
//! A copy that circulates keeps the visible text of an original but rarely its bytes, so copies
//! are compared by their words. The words come from where the glyphs are drawn, not from the
//! order of the content stream: re-saving tools reorder and regroup text operators freely, and
//! only the page geometry survives them all.
//!
//! Glyphs are collected by a hayro-interpret [`Device`], placed on the page (y down, points),
//! grouped into lines by baseline, ordered left to right, and split into words at explicit
//! spaces or at gaps wider than [`WORD_GAP_EM`] of the font size (for producers that draw no
//! space glyphs). A word that ends a line with a hard hyphen ("Secretary-") is joined with the
//! first word of the next line, hyphen kept. Lines whose baseline lies in the bottom margin are
//! marked as footer (the "Original 1 of 2" note and the page number).

use std::fmt;

mod guard;
pub mod observe;

use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_syntax::{LoadPdfError, Pdf};
use hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache,
    InterpreterSettings, Paint, SoftMask, TransformExt,
};
use kurbo::{Affine, BezPath, Point, Rect};

/// Most pages read; accord's documents have at most a dozen.
pub const MAX_PAGES: usize = 200;
/// Most glyphs read in a whole document (an accord page holds about 3,000).
pub const MAX_GLYPHS: usize = 600_000;
/// A horizontal gap wider than this fraction of the font size separates two words.
pub const WORD_GAP_EM: f64 = 0.15;
/// Glyphs whose baselines differ by less than this fraction of the font size share a line.
pub const LINE_TOLERANCE_EM: f64 = 0.4;
/// The bottom margin of accord's pages (2.5 cm); baselines below it are footer.
pub const FOOTER_MARGIN_PT: f64 = 2.5 / 2.54 * 72.0;
/// Advance assumed, in ems, for a glyph whose font gives none (Type 3).
const DEFAULT_ADVANCE_EM: f64 = 0.5;
/// Two glyphs with the same text closer than this (in ems) are one glyph drawn twice.
const DUPLICATE_EM: f64 = 0.05;
/// Stands for a glyph that has no Unicode mapping.
pub const UNMAPPED: char = '\u{FFFD}';

/// One word of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word's characters (ligatures spelled out).
    pub text: String,
    /// Page number, from 1.
    pub page: usize,
    /// Line number within the whole document, from 0, in reading order.
    pub line: usize,
    /// Whether the word sits in the page's footer area.
    pub footer: bool,
}

/// The text of a document: its words in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    /// Number of pages read.
    pub pages: usize,
    /// Every word, page by page, line by line.
    pub words: Vec<Word>,
}

impl Text {
    /// The words' texts, in order.
    pub fn tokens(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.text.as_str()).collect()
    }
}

/// Why a file's text cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// The file is not a PDF hayro can parse.
    NotPdf,
    /// The file is encrypted.
    Encrypted,
    /// More pages than [`MAX_PAGES`].
    TooManyPages(usize),
    /// More glyphs than [`MAX_GLYPHS`].
    TooManyGlyphs,
    /// Arrays or dictionaries nested deeper than [`guard::MAX_NESTING`].
    TooDeep,
    /// Streams that inflate beyond [`guard::MAX_STREAM_BYTES`] or [`guard::MAX_TOTAL_BYTES`].
    TooLarge,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::NotPdf => f.write_str("it is not a readable PDF"),
            Unreadable::Encrypted => f.write_str("it is encrypted"),
            Unreadable::TooManyPages(n) => write!(f, "it has {n} pages, more than {MAX_PAGES}"),
            Unreadable::TooManyGlyphs => write!(f, "it shows more than {MAX_GLYPHS} characters"),
            Unreadable::TooDeep => {
                write!(f, "it nests objects more than {} deep", guard::MAX_NESTING)
            }
            Unreadable::TooLarge => f.write_str("its streams inflate to too many bytes"),
        }
    }
}

impl std::error::Error for Unreadable {}

impl From<guard::Refused> for Unreadable {
    fn from(refused: guard::Refused) -> Self {
        match refused {
            guard::Refused::TooDeep => Unreadable::TooDeep,
            guard::Refused::TooLarge => Unreadable::TooLarge,
        }
    }
}

/// A glyph placed on its page: text, baseline start and end, font size (points, y down).
#[derive(Debug, Clone)]
struct Placed {
    text: String,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
}

/// Reads the words of a PDF.
pub fn extract(pdf: &[u8]) -> Result<Text, Unreadable> {
    guard::check_syntax(pdf)?;
    let bytes = pdf;
    let pdf = Pdf::new(pdf.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(_) => Unreadable::Encrypted,
        LoadPdfError::Invalid => Unreadable::NotPdf,
    })?;
    let pages = pdf.pages();
    if pages.len() > MAX_PAGES {
        return Err(Unreadable::TooManyPages(pages.len()));
    }
    guard::check_streams(&pdf, bytes)?;
    let settings = InterpreterSettings::default();
    let cache = InterpreterCache::new();
    let mut text = Text { pages: pages.len(), words: Vec::new() };
    let mut budget = MAX_GLYPHS;
    for (index, page) in pages.iter().enumerate() {
        let (width, height) = page.render_dimensions();
        let (width, height) = (f64::from(width), f64::from(height));
        let transform = page.initial_transform(true).to_kurbo();
        let bbox = Rect::new(0.0, 0.0, width, height);
        let mut context = Context::new(transform, bbox, &cache, page.xref(), settings.clone());
        let mut collector = Collector { glyphs: Vec::new(), budget };
        interpret_page(page, &mut context, &mut collector);
        if collector.budget == 0 {
            return Err(Unreadable::TooManyGlyphs);
        }
        budget = collector.budget;
        let footer_from = height - FOOTER_MARGIN_PT;
        lay_out(collector.glyphs, index + 1, footer_from, &mut text.words);
    }
    Ok(text)
}

/// Collects the glyphs drawn on a page, ignoring everything else.
struct Collector {
    glyphs: Vec<Placed>,
    budget: usize,
}

impl Collector {
    fn push(&mut self, glyph: &Glyph<'_>, full: Affine) {
        let origin = full * Point::ZERO;
        let up = full * Point::new(0.0, 1000.0);
        let size = (up - origin).hypot();
        if !size.is_finite() || !origin.x.is_finite() || !origin.y.is_finite() || size <= 0.0 {
            return;
        }
        let advance = match glyph {
            Glyph::Outline(g) => g.advance_width().map(f64::from),
            Glyph::Type3(_) => None,
        };
        let x1 = match advance {
            Some(a) if a.is_finite() => (full * Point::new(a, 0.0)).x,
            _ => origin.x + DEFAULT_ADVANCE_EM * size,
        };
        let text = glyph_text(glyph);
        if let Some(last) = self.glyphs.last() {
            let near = DUPLICATE_EM * size;
            if last.text == text
                && (last.x0 - origin.x).abs() < near
                && (last.y - origin.y).abs() < near
            {
                return; // fill then stroke, or overprinted (fake bold)
            }
        }
        self.budget = self.budget.saturating_sub(1);
        self.glyphs.push(Placed { text, x0: origin.x, x1: x1.max(origin.x), y: origin.y, size });
    }
}

/// The text of one glyph, ligatures spelled out, control characters dropped.
fn glyph_text(glyph: &Glyph<'_>) -> String {
    let raw = match glyph.as_unicode() {
        Some(hayro_interpret::hayro_cmap::BfString::Char(c)) => c.to_string(),
        Some(hayro_interpret::hayro_cmap::BfString::String(s)) => s,
        None => return UNMAPPED.to_string(),
    };
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{00AD}' | '\u{200B}' | '\u{FEFF}' => {}
            c if c.is_control() && !c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

impl<'a> Device<'a> for Collector {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(
        &mut self,
        _: &BezPath,
        _: Affine,
        _: &Paint<'a>,
        _: &hayro_interpret::PathDrawMode,
    ) {
    }
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        transform: Affine,
        glyph_transform: Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        if self.budget > 0 {
            self.push(glyph, transform * glyph_transform);
        }
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// Groups a page's glyphs into lines and words, and appends the words to `words`.
fn lay_out(mut glyphs: Vec<Placed>, page: usize, footer_from: f64, words: &mut Vec<Word>) {
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut first_line = words.last().map_or(0, |w| w.line + 1);
    let mut start = 0;
    while start < glyphs.len() {
        let top = &glyphs[start];
        let tolerance = LINE_TOLERANCE_EM * top.size;
        let end = start + glyphs[start..].iter().take_while(|g| g.y - top.y <= tolerance).count();
        let line = &mut glyphs[start..end];
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let footer = line[0].y > footer_from;
        let before = words.len();
        split_words(line, |text| words.push(Word { text, page, line: first_line, footer }));
        if words.len() > before {
            first_line += 1;
        }
        start = end;
    }
    join_hyphenated(words);
}

/// Splits one line of glyphs, ordered left to right, into words.
fn split_words(line: &[Placed], mut emit: impl FnMut(String)) {
    let mut word = String::new();
    let mut previous: Option<&Placed> = None;
    for glyph in line {
        if let Some(p) = previous {
            let gap = glyph.x0 - p.x1;
            if gap > WORD_GAP_EM * p.size.max(glyph.size) && !word.is_empty() {
                emit(std::mem::take(&mut word));
            }
        }
        for c in glyph.text.chars() {
            if c.is_whitespace() {
                if !word.is_empty() {
                    emit(std::mem::take(&mut word));
                }
            } else {
                word.push(c);
            }
        }
        previous = Some(glyph);
    }
    if !word.is_empty() {
        emit(word);
    }
}

/// Joins a word that ends a line with a hard hyphen to the first word of the next line of the
/// same page and area, keeping the hyphen ("Secretary-" + "General").
fn join_hyphenated(words: &mut Vec<Word>) {
    let mut i = 0;
    while i + 1 < words.len() {
        let (a, b) = (&words[i], &words[i + 1]);
        let breaks = a.line + 1 == b.line && a.page == b.page && a.footer == b.footer;
        let hyphen = a.text.ends_with(['-', '\u{2010}'])
            && a.text.chars().rev().nth(1).is_some_and(char::is_alphanumeric);
        if breaks && hyphen && b.text.starts_with(char::is_alphanumeric) {
            let tail = words.remove(i + 1);
            words[i].text.push_str(&tail.text);
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(text: &str, x0: f64, x1: f64, y: f64) -> Placed {
        Placed { text: text.to_string(), x0, x1, y, size: 10.0 }
    }

    #[test]
    fn lines_words_footer_and_hyphen_join() {
        let glyphs = vec![
            glyph("e", 11.0, 16.0, 100.0),
            glyph("-", 16.0, 19.0, 100.2),
            glyph("G", 0.0, 6.0, 112.0),
            glyph("S", 5.0, 10.0, 100.0),
            glyph(" ", 19.0, 22.0, 100.0),
            glyph("x", 30.0, 35.0, 112.0),
            glyph("1", 50.0, 55.0, 800.0),
        ];
        let mut words = Vec::new();
        lay_out(glyphs, 1, 771.0, &mut words);
        let texts: Vec<_> = words.iter().map(|w| (w.text.as_str(), w.line, w.footer)).collect();
        assert_eq!(texts, [("Se-G", 0, false), ("x", 1, false), ("1", 2, true)]);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert_eq!(extract(b"not a pdf at all"), Err(Unreadable::NotPdf));
        assert_eq!(extract(b""), Err(Unreadable::NotPdf));
        let deep = [&b"%PDF-1.7 1 0 obj "[..], &[b'['; 200_000], b" endobj"].concat();
        assert_eq!(extract(&deep), Err(Unreadable::TooDeep));
    }
}
