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

//!
//! Text is read as it is seen: glyphs in fonts the file does not embed are drawn with hayro's
//! standard fonts, and a glyph that an opaque box painted later covers is left out (a word
//! painted over with white, another written on top, reads as the word on top).
//!
//! What hayro interprets is bounded as it interprets: every call to the device spends work
//! (a form drawn by `Do` the size of the file's largest stream, since the device cannot tell
//! which form it is), and a glyph or work budget that runs out stops the interpretation there
//! (unwinding out of hayro, caught here), not just the collecting.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

pub mod ambiguity;
mod drawing;
mod guard;
mod limits;
mod marks;
pub mod observe;
mod open;
mod packed;
mod reading;
pub mod render;
pub mod scene;
mod text;
mod unreadable;

use hayro_interpret::font::Glyph;
use hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache,
    InterpreterSettings, Paint, PathDrawMode, SoftMask, TransformExt,
};
use kurbo::{Affine, BezPath, Point, Rect, Shape as _};

pub use limits::{MAX_GLYPHS, MAX_NESTING, MAX_PAGES, MAX_PDF, MAX_WORK};
use open::{guarded, open, Opened};
pub use reading::{Field, PageView, Reading, Render};
pub use text::{Place, Text, Word};
pub use unreadable::Unreadable;

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
/// The band above the baseline (in ems) a box must cover to hide a glyph: a strike-through
/// or an underline covers far less.
const COVERED_EM: (f64, f64) = (0.05, 0.5);
/// The part of its bounding box a filled path must fill to be taken for a box that hides
/// the glyphs under it (a diagonal bar across the page does not hide those its box holds).
const BOX_FILL: f64 = 0.9;
/// How far (in ems) a glyph's origin and advance may stick out of a box that hides it: glyphs
/// are drawn a little inside them.
const COVERED_SLACK_EM: f64 = 0.1;
/// Work units of a glyph, of a path segment, and of any other device call.
const GLYPH_WORK: u64 = 32;
const SEGMENT_WORK: u64 = 16;
const CALL_WORK: u64 = 64;
/// Work units of drawing a form, besides its content: hayro decodes its stream and saves the
/// graphics state at each `Do` (some 4,000 forms a document at most).
const FORM_WORK: u64 = 16 << 10;
/// A glyph whose baseline rises or falls by more than this sine (6°) is rotated text.
const ROTATED_SINE: f64 = 0.1;
/// Stands for a glyph that has no Unicode mapping.
pub const UNMAPPED: char = '\u{FFFD}';

/// A glyph placed on its page: text, baseline start and end, font size (points, y down).
#[derive(Debug, Clone)]
struct Placed {
    text: String,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    /// Whether its baseline is not horizontal: then `x0`, `x1` and `y` are measured along
    /// and across its baseline (a stamp across the page reads as its own line).
    rotated: bool,
}

/// Interpretation stopped: a budget ran out.
struct Exhausted(Unreadable);

/// Reads the words of a PDF.
pub fn extract(bytes: &[u8]) -> Result<Text, Unreadable> {
    let opened = guarded(|| open(bytes))??;
    Ok(guarded(|| words(&opened))??.0)
}

/// Reads everything accord says of a PDF: its words, its pages (size, annotations, and with
/// `renders` a render at low resolution), its form fields and its facts. This is the work of
/// the worker process (the `worker` module); a panic in hayro is an answer too.
pub fn read(bytes: &[u8], renders: bool) -> Result<Reading, Unreadable> {
    let (mut reading, document) = open_document(bytes)?;
    if renders {
        let renderer = document.renderer(render::RENDER_DPI);
        for (index, page) in reading.pages.iter_mut().enumerate() {
            page.render = renderer.render(index);
        }
    }
    Ok(reading)
}

/// A PDF read in this process and kept open, to render its pages after its text was read.
pub struct Document {
    opened: Opened,
    /// The largest image (in pixels) each page draws.
    images: Vec<u64>,
}

/// Reads everything accord says of a PDF but the renders of its pages (as [`read`] does), and
/// keeps it open to render them on request.
pub fn open_document(bytes: &[u8]) -> Result<(Reading, Document), Unreadable> {
    let opened = guarded(|| open(bytes))??;
    let (text, images) = guarded(|| words(&opened))??;
    let pages = opened.pdf.pages();
    let mut views = Vec::with_capacity(pages.len());
    for page in pages.iter() {
        let (width, height) = page.render_dimensions();
        let annotations = marks::annotations(page);
        let drawing = guarded(|| drawing::digest(page))?;
        let read_apart = guarded(|| page.page_stream().is_some_and(guard::read_apart))?;
        let (render, scene) = (None, None);
        views.push(PageView { width, height, annotations, render, drawing, scene, read_apart });
    }
    let fields = guarded(|| marks::fields(&opened.pdf))?;
    let facts = guarded(|| observe::Facts::of_pdf(bytes, &opened))?;
    Ok((Reading { text, pages: views, fields, facts }, Document { opened, images }))
}

impl Document {
    /// Its number of pages.
    pub fn pages(&self) -> usize {
        self.opened.pdf.pages().len()
    }

    /// The same PDF, `bytes`, opened again without reading its text (to render pages on
    /// another thread), the largest image of each page being `images` as read before.
    pub fn reopen(bytes: &[u8], images: Vec<u64>) -> Result<Document, Unreadable> {
        Ok(Document { opened: guarded(|| open(bytes))??, images })
    }

    /// The largest image (in pixels) each page draws.
    pub fn images(&self) -> &[u64] {
        &self.images
    }

    /// What `pages` (from 0) draw, call by call: `None` for a page past
    /// [`render::MAX_RENDERED`], or that draws what a scene cannot hold, or that hayro failed on.
    pub fn scenes(&self, pages: &[usize]) -> Vec<Option<scene::Scene>> {
        let all = self.opened.pdf.pages();
        let settings = InterpreterSettings::default();
        let cache = InterpreterCache::new();
        let mut recorder = scene::Recorder::default();
        let mut scene = |index: usize| -> Option<scene::Scene> {
            let page = all.get(index).filter(|_| index < render::MAX_RENDERED)?;
            let (width, height) = page.render_dimensions();
            let bbox = Rect::new(0.0, 0.0, f64::from(width), f64::from(height));
            let transform = page.initial_transform(true).to_kurbo();
            let mut context = Context::new(transform, bbox, &cache, page.xref(), settings.clone());
            recorder.start();
            guarded(|| interpret_page(page, &mut context, &mut recorder)).ok()?;
            recorder.finish()
        };
        pages.iter().map(|&index| scene(index)).collect()
    }

    /// What renders its pages, one by one, at `dpi` ([`render::RENDER_DPI`] to compare them,
    /// [`render::SHOW_DPI`] to show them).
    pub fn renderer(&self, dpi: f32) -> render::Renderer<'_> {
        render::Renderer::new(self.opened.pdf.pages(), &self.images, dpi)
    }
}

/// The words of an opened PDF, and the largest image (in pixels) each page draws.
fn words(opened: &Opened) -> Result<(Text, Vec<u64>), Unreadable> {
    let pages = opened.pdf.pages();
    let settings = InterpreterSettings::default();
    let cache = InterpreterCache::new();
    let mut text = Text { pages: pages.len(), words: Vec::new() };
    let mut images = Vec::with_capacity(pages.len());
    let (mut glyphs, mut work) = (MAX_GLYPHS, MAX_WORK);
    for (index, page) in pages.iter().enumerate() {
        let (width, height) = page.render_dimensions();
        let (width, height) = (f64::from(width), f64::from(height));
        let transform = page.initial_transform(true).to_kurbo();
        let bbox = Rect::new(0.0, 0.0, width, height);
        let mut context = Context::new(transform, bbox, &cache, page.xref(), settings.clone());
        let mut collector = Collector::new(glyphs, work, opened.census.largest);
        let run = catch_unwind(AssertUnwindSafe(|| {
            interpret_page(page, &mut context, &mut collector);
        }));
        if let Err(payload) = run {
            return Err(payload.downcast::<Exhausted>().map_or(Unreadable::Failed, |e| e.0));
        }
        (glyphs, work) = (collector.glyph_budget, collector.work);
        images.push(collector.largest_image);
        let footer_from = height - FOOTER_MARGIN_PT;
        let (rotated, level): (Vec<Placed>, Vec<Placed>) =
            collector.glyphs.into_iter().filter(|g| !g.1).map(|g| g.0).partition(|g| g.rotated);
        lay_out(level, index + 1, footer_from, &mut text.words);
        lay_out(rotated, index + 1, f64::INFINITY, &mut text.words);
    }
    Ok((text, images))
}

/// Collects the glyphs drawn on a page, and the boxes painted over them; stops the
/// interpretation when a budget runs out.
struct Collector {
    /// Each glyph, and whether an opaque box was painted over it since.
    glyphs: Vec<(Placed, bool)>,
    glyph_budget: usize,
    work: u64,
    /// What a form drawn by `Do` costs.
    form_work: u64,
    /// Whether the last call set the blend mode, as hayro does just before a form's clip.
    form_next: bool,
    /// Whether what is painted now is opaque, group by group.
    opaque: Vec<bool>,
    soft_mask: bool,
    blend_normal: bool,
    /// The largest image drawn, in pixels.
    largest_image: u64,
}

impl Collector {
    fn new(glyph_budget: usize, work: u64, form_work: u64) -> Self {
        Self {
            glyphs: Vec::new(),
            glyph_budget,
            work,
            form_work,
            form_next: false,
            opaque: vec![true],
            soft_mask: false,
            blend_normal: true,
            largest_image: 0,
        }
    }

    /// Spends `units` of work; stops the interpretation when none is left.
    fn spend(&mut self, units: u64) {
        self.form_next = false;
        match self.work.checked_sub(units) {
            Some(left) => self.work = left,
            None => resume_unwind(Box::new(Exhausted(Unreadable::TooComplex))),
        }
    }

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
        let along = full * Point::new(1000.0, 0.0) - origin;
        let length = along.hypot();
        let (dx, dy) = (along.x / length, along.y / length);
        let rotated = length.is_finite() && length > 0.0 && dy.abs() > ROTATED_SINE;
        let end = match advance {
            Some(a) if a.is_finite() => full * Point::new(a, 0.0),
            _ => origin + along * (DEFAULT_ADVANCE_EM * size / length.max(f64::MIN_POSITIVE)),
        };
        // Rotated text is measured in its own frame: along its baseline, and across it.
        let (x0, x1, y) = match rotated {
            true => {
                let on = |p: Point| p.x * dx + p.y * dy;
                (on(origin), on(end), origin.y * dx - origin.x * dy)
            }
            false => (origin.x, end.x, origin.y),
        };
        let origin = Point::new(x0, y);
        let text = glyph_text(glyph);
        if let Some((last, _)) = self.glyphs.last() {
            let near = DUPLICATE_EM * size;
            if last.text == text
                && (last.x0 - origin.x).abs() < near
                && (last.y - origin.y).abs() < near
            {
                return; // fill then stroke, or overprinted (fake bold)
            }
        }
        if self.glyph_budget == 0 {
            resume_unwind(Box::new(Exhausted(Unreadable::TooManyGlyphs)));
        }
        self.glyph_budget -= 1;
        let placed = Placed { text, x0, x1: x1.max(x0), y, size, rotated };
        self.glyphs.push((placed, false));
    }

    /// Marks the glyphs an opaque fill of `area` covers.
    fn cover(&mut self, area: Rect) {
        self.spend(self.glyphs.len() as u64 / 8);
        for (g, hidden) in self.glyphs.iter_mut().filter(|(g, hidden)| !*hidden && !g.rotated) {
            let (low, high) = (g.y - COVERED_EM.0 * g.size, g.y - COVERED_EM.1 * g.size);
            let slack = COVERED_SLACK_EM * g.size;
            *hidden = area.x0 <= g.x0.min(g.x1) + slack
                && g.x1.max(g.x0) - slack <= area.x1
                && area.y0 <= high.min(low)
                && low.max(high) <= area.y1;
        }
    }

    /// Whether `paint` covers what lies below it.
    fn paints_opaque(&self, paint: &Paint<'_>) -> bool {
        let color = match paint {
            Paint::Color(c) => c.to_rgba().components()[3] >= 1.0,
            Paint::Pattern(_) => false,
        };
        color && !self.soft_mask && self.blend_normal && self.opaque.last() == Some(&true)
    }
}

impl<'a> Device<'a> for Collector {
    fn set_soft_mask(&mut self, mask: Option<SoftMask<'a>>) {
        let form_next = self.form_next;
        self.spend(1);
        self.form_next = form_next;
        self.soft_mask = mask.is_some();
    }
    fn set_blend_mode(&mut self, mode: BlendMode) {
        self.spend(1);
        self.blend_normal = matches!(mode, BlendMode::Normal);
        self.form_next = true;
    }
    fn draw_path(
        &mut self,
        path: &BezPath,
        transform: Affine,
        paint: &Paint<'a>,
        mode: &PathDrawMode,
    ) {
        self.spend(CALL_WORK + SEGMENT_WORK * path.elements().len() as u64);
        if matches!(mode, PathDrawMode::Fill(_)) && self.paints_opaque(paint) {
            // A box: a path that fills (nearly) all of its bounding box.
            let placed = transform * path.clone();
            let area = placed.bounding_box();
            let boxed = placed.area().abs() >= BOX_FILL * area.area();
            if area.is_finite() && boxed && !self.glyphs.is_empty() {
                self.cover(area);
            }
        }
    }
    fn push_clip_path(&mut self, clip: &ClipPath) {
        let form = self.form_next;
        self.spend(CALL_WORK + SEGMENT_WORK * clip.path.elements().len() as u64);
        if form {
            self.spend(FORM_WORK + self.form_work);
        }
    }
    fn push_transparency_group(
        &mut self,
        opacity: f32,
        mask: Option<SoftMask<'a>>,
        mode: BlendMode,
    ) {
        self.spend(CALL_WORK);
        let opaque = self.opaque.last() == Some(&true)
            && opacity >= 1.0
            && mask.is_none()
            && matches!(mode, BlendMode::Normal);
        self.opaque.push(opaque);
    }
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        transform: Affine,
        glyph_transform: Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        self.spend(GLYPH_WORK);
        self.push(glyph, transform * glyph_transform);
    }
    fn draw_image(&mut self, image: Image<'a, '_>, _: Affine) {
        self.spend(CALL_WORK);
        let pixels = u64::from(image.width()) * u64::from(image.height());
        self.largest_image = self.largest_image.max(pixels);
    }
    fn pop_clip_path(&mut self) {
        self.spend(1);
    }
    fn pop_transparency_group(&mut self) {
        self.spend(1);
        if self.opaque.len() > 1 {
            self.opaque.pop();
        }
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
        split_words(line, |text, at| words.push(Word { text, page, line: first_line, footer, at }));
        if words.len() > before {
            first_line += 1;
        }
        start = end;
    }
    join_hyphenated(words);
}

/// Splits one line of glyphs, ordered left to right, into words, each with where it is drawn
/// (none on a rotated line).
fn split_words(line: &[Placed], mut emit: impl FnMut(String, Option<Place>)) {
    let mut word = String::new();
    // The glyphs of the word so far: its left and right edges, baseline and largest size.
    let mut span: Option<(f64, f64, f64, f64)> = None;
    let mut previous: Option<&Placed> = None;
    let mut end = |word: &mut String, span: &mut Option<(f64, f64, f64, f64)>| {
        let at =
            span.take().filter(|_| !line.iter().any(|g| g.rotated)).map(|(x0, x1, y, size)| {
                // Ascent and descent as a Latin font has them: most of the size above the
                // baseline.
                Place {
                    x: x0 as f32,
                    y: (y - 0.8 * size) as f32,
                    width: (x1 - x0).max(0.0) as f32,
                    height: size as f32,
                }
            });
        emit(std::mem::take(word), at);
    };
    for glyph in line {
        if let Some(p) = previous {
            let gap = glyph.x0 - p.x1;
            if gap > WORD_GAP_EM * p.size.max(glyph.size) && !word.is_empty() {
                end(&mut word, &mut span);
            }
        }
        for c in glyph.text.chars() {
            if c.is_whitespace() {
                if !word.is_empty() {
                    end(&mut word, &mut span);
                }
            } else {
                word.push(c);
                span = Some(match span {
                    Some((x0, x1, y, size)) => (x0, x1.max(glyph.x1), y, size.max(glyph.size)),
                    None => (glyph.x0, glyph.x1, glyph.y, glyph.size),
                });
            }
        }
        previous = Some(glyph);
    }
    if !word.is_empty() {
        end(&mut word, &mut span);
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
        Placed { text: text.to_string(), x0, x1, y, size: 10.0, rotated: false }
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
