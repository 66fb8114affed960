//! What a laid-out document shows wrong although typst reports nothing: text wider than the
//! box it is laid out in, and letters drawn apart from their combining marks.
//!
//! typst lets an unbreakable word run past the edge of its box (off the page, or into the
//! other party's column of the signature block) without a warning, so every text run is
//! measured against the innermost *hard* frame around it (a block or box: a heading, a grid
//! cell, a part of the signature block) and against the page's text area.
//!
//! typst draws a combining mark that the font positions vertically (most marks on a letter
//! with no precomposed glyph: `q́`, a second accent on `é`) as a text run of its own, and both
//! runs carry the whole cluster's text; the PDF's ToUnicode map then gives the letter once
//! per run, so every PDF reader extracts `q́q́` (the `/ActualText` that would fix it cannot span
//! two runs). Such a cluster is found as two consecutive runs whose glyphs start at the same
//! source position.

use std::fmt;
use std::ops::Range;

use typst::foundations::{Label, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Abs, Frame, FrameItem, Point};
use typst::syntax::Span;
use typst::text::{Glyph, TextItem};
use typst::utils::{Numeric, PicoStr};
use typst::{World as _, WorldExt as _};
use typst_layout::PagedDocument;

use super::world::SealedWorld;

/// Label of the metadata in which `style.typ` records the horizontal page margin, the left
/// and right edges of the text area.
const MARGIN_LABEL: &str = "accord-margin-x";
/// How far (points) text may reach past its box: rounding, not design.
const TOLERANCE_PT: f64 = 0.01;

/// Text that the laid-out document does not show as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Flaw {
    /// The page it is on, from 1.
    pub page: usize,
    /// The text shown wrong: the word that does not fit, or the letter with its marks.
    pub text: String,
    /// The bytes of the document's source the text comes from (the string literal of a
    /// value, or the template text); `None` when it comes from the style.
    pub source: Option<Range<usize>>,
    /// What is wrong with it.
    pub kind: FlawKind,
}

/// What is wrong with a [`Flaw`]'s text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FlawKind {
    /// Wider than the space it is printed in, so part of it lies outside (off the page, or
    /// over a neighbouring column): its width and that space's, in points.
    Overflow {
        /// Width of the text (the word), in points.
        width: f64,
        /// Width of the space it is laid out in, in points.
        room: f64,
    },
    /// Combining marks drawn apart from their letter, which PDF readers then extract twice.
    ScatteredMarks,
}

impl fmt::Display for Flaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = quoted(&self.text);
        match self.kind {
            FlawKind::Overflow { width, room } => write!(
                f,
                "page {}: the word {text} is wider than the space it is printed in \
                 ({width:.0} pt, the space {room:.0} pt) and runs out of it",
                self.page
            ),
            FlawKind::ScatteredMarks => write!(
                f,
                "page {}: {text} has a combining mark that the font ({}) draws apart from its \
                 letter, so PDF readers would extract the letter twice",
                self.page,
                crate::fonts::DOCUMENT_FONT
            ),
        }
    }
}

/// `text` in quotes as a message can show it: a long one cut to its first and last
/// characters, with its length.
fn quoted(text: &str) -> String {
    const KEEP: usize = 24;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 2 * KEEP + 1 {
        return format!("\"{text}\"");
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!("\"{head}…{tail}\" ({} characters)", chars.len())
}

/// A horizontal extent on the page, in points from its left edge.
#[derive(Debug, Clone, Copy)]
struct Extent {
    left: Abs,
    right: Abs,
}

impl Extent {
    fn width(self) -> Abs {
        self.right - self.left
    }

    fn within(self, other: Extent) -> Extent {
        Extent { left: self.left.max(other.left), right: self.right.min(other.right) }
    }
}

/// Every flaw of `document`, page by page, each reported once.
pub(super) fn find(document: &PagedDocument, world: &SealedWorld) -> Vec<Flaw> {
    let margin = page_margin(document);
    let mut finder = Finder { world, page: 0, flaws: Vec::new() };
    for (index, page) in document.pages().iter().enumerate() {
        finder.page = index + 1;
        let width = page.frame.width();
        let area = match margin {
            Some(m) if m + m < width => Extent { left: m, right: width - m },
            _ => Extent { left: Abs::zero(), right: width },
        };
        finder.frame(&page.frame, Point::zero(), area);
    }
    finder.flaws
}

/// The horizontal page margin `style.typ` records, if the document uses its `setup`.
fn page_margin(document: &PagedDocument) -> Option<Abs> {
    let label = Label::new(PicoStr::intern(MARGIN_LABEL))?;
    let content = document.introspector().query_label(label).ok()?;
    match &content.to_packed::<MetadataElem>()?.value {
        Value::Length(length) if length.em.is_zero() => Some(length.abs),
        _ => None,
    }
}

/// Walks the frames of one page at a time, collecting flaws.
struct Finder<'a> {
    world: &'a SealedWorld,
    page: usize,
    flaws: Vec<Flaw>,
}

impl Finder<'_> {
    /// The flaws of `frame`, placed at `origin` on the page, whose text must stay in `room`.
    fn frame(&mut self, frame: &Frame, origin: Point, room: Extent) {
        let mut previous: Option<&TextItem> = None;
        for (pos, item) in frame.items() {
            let at = origin + *pos;
            match item {
                // A rotated or scaled group cannot be measured this way; accord draws none.
                FrameItem::Group(group) if group.transform.is_only_translate() => {
                    let at = at + Point::new(group.transform.tx, group.transform.ty);
                    let inner = match group.frame.kind().is_hard() {
                        true => Extent { left: at.x, right: at.x + group.frame.width() },
                        false => room,
                    };
                    self.frame(&group.frame, at, inner.within(room));
                }
                FrameItem::Text(text) => {
                    self.overflow(text, at.x, room);
                    if let Some(before) = previous.filter(|before| splits_cluster(before, text)) {
                        let glyph = before.glyphs.last().map(|g| g.span);
                        self.push(text.text.to_string(), glyph, FlawKind::ScatteredMarks);
                    }
                    previous = Some(text);
                }
                _ => {}
            }
        }
    }

    /// Reports the word of `text` (starting at `x`) that reaches past `room`, if any. The
    /// punctuation typst hangs into the margin at either end of a line is allowed to.
    fn overflow(&mut self, text: &TextItem, x: Abs, room: Extent) {
        let tolerance = Abs::pt(TOLERANCE_PT);
        // Spaces draw nothing (typst keeps those it trims at a line's end, with no advance,
        // past the hung punctuation); the ends of the line, if the item is at one, are its
        // outer glyphs that draw something.
        let inked = |g: &&Glyph| !text.text[g.range()].chars().all(char::is_whitespace);
        let first = text.glyphs.iter().position(|g| inked(&g));
        let last = text.glyphs.iter().rposition(|g| inked(&g));
        let mut left = x;
        for (i, glyph) in text.glyphs.iter().enumerate() {
            let advance = glyph.x_advance.at(text.size);
            let right = left + advance;
            let hang = |end: bool| match end {
                true => advance * overhang(text.text[glyph.range()].chars().next()),
                false => Abs::zero(),
            };
            let out = right - hang(Some(i) == last) > room.right + tolerance
                || left + hang(Some(i) == first) < room.left - tolerance;
            if out && inked(&glyph) {
                let (word, width) = word_at(text, glyph.range().start);
                let kind = FlawKind::Overflow { width: width.to_pt(), room: room.width().to_pt() };
                self.push(word, Some(glyph.span), kind);
                return;
            }
            left = right;
        }
    }

    fn push(&mut self, text: String, span: Option<(Span, u16)>, kind: FlawKind) {
        let source = span.and_then(|(span, _)| main_range(self.world, span));
        let known = |f: &Flaw| {
            f.page == self.page && f.text == text && f.kind == kind && f.source == source
        };
        if !self.flaws.iter().any(known) {
            self.flaws.push(Flaw { page: self.page, text, source, kind });
        }
    }
}

/// How much of `c`'s advance typst lets hang past the end of a line (typst-layout's
/// `overhang`, which it applies to the first and last glyph of a line).
fn overhang(c: Option<char>) -> f64 {
    match c {
        Some('–' | '—') => 0.2,
        Some('-' | '\u{ad}') => 0.55,
        Some('.' | ',') => 0.8,
        Some(':' | ';') => 0.3,
        Some('\u{60C}' | '\u{6D4}') => 0.4,
        _ => 0.0,
    }
}

/// Whether `after`, the text run following `before`, begins inside `before`'s last cluster:
/// the same source position, drawn in two runs.
fn splits_cluster(before: &TextItem, after: &TextItem) -> bool {
    match (before.glyphs.last(), after.glyphs.first()) {
        (Some(a), Some(b)) => !a.span.0.is_detached() && a.span == b.span,
        _ => false,
    }
}

/// The word of `text` around byte `at` (delimited by white space) and its width.
fn word_at(text: &TextItem, at: usize) -> (String, Abs) {
    let s = text.text.as_str();
    let start = s[..at]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = s[at..].find(char::is_whitespace).map_or(s.len(), |i| at + i);
    let width = text
        .glyphs
        .iter()
        .filter(|g| g.range().start >= start && g.range().end <= end)
        .map(|g| g.x_advance.at(text.size))
        .sum();
    (s[start..end].to_string(), width)
}

/// The bytes of the document's own source (not the style's) that `span` covers.
fn main_range(world: &SealedWorld, span: Span) -> Option<Range<usize>> {
    (span.id()? == world.main()).then(|| world.range(span)).flatten()
}
