//! Pages rendered at low resolution with hayro, to compare what a copy shows with what the
//! signed document shows: a word painted over, a stamp, a drawing, text in a font the text
//! layer cannot read all change pixels, where the text layer may not change at all. The same
//! renderer draws pictures of pages to show a person (the workbench's side by side), at a
//! screen's resolution.

use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{RenderCache, RenderSettings};
use hayro_interpret::hayro_syntax::page::Page;
use hayro_interpret::InterpreterSettings;

use super::open::guarded;
use super::reading::Render;
use super::reading::MAX_RENDER_SIDE;

/// Resolution of the renders, in dots per inch: an A4 page is 298 × 421 pixels, where a 10 pt
/// word is 5 pixels high (BENCHMARKS.md has what it costs and how far re-saved copies drift).
pub const RENDER_DPI: f32 = 36.0;
/// Resolution of the pictures of pages shown to a person (the workbench shows a copy's changed
/// page beside the signed one's): a screen's.
pub const SHOW_DPI: f32 = 96.0;
/// Most pages rendered (accord's documents have a dozen at most; a copy with more pages than
/// its original is told apart by its page count).
pub const MAX_RENDERED: usize = 32;
/// Largest image a rendered page may draw, in pixels (A4 scanned at 400 dpi): hayro decodes an
/// image whole before scaling it.
pub const MAX_IMAGE_PIXELS: u64 = 16 << 20;

/// Renders the pages of one document, one at a time, sharing what hayro caches (fonts,
/// glyph outlines) between them.
pub struct Renderer<'a> {
    pages: &'a [Page<'a>],
    /// The largest image each page draws, in pixels.
    images: &'a [u64],
    cache: RenderCache<'a>,
    settings: InterpreterSettings,
    /// Its resolution, in dots per inch.
    dpi: f32,
}

impl<'a> Renderer<'a> {
    /// A renderer of `pages` at `dpi` ([`RENDER_DPI`] or [`SHOW_DPI`]), whose largest images
    /// `images` holds.
    pub fn new(pages: &'a [Page<'a>], images: &'a [u64], dpi: f32) -> Self {
        let settings = InterpreterSettings::default();
        Self { pages, images, cache: RenderCache::new(), settings, dpi }
    }

    /// Its resolution, in dots per inch.
    pub fn dpi(&self) -> f32 {
        self.dpi
    }

    /// A render of page `index` (from 0); `None` past [`MAX_RENDERED`], when the page draws
    /// an image larger than [`MAX_IMAGE_PIXELS`], or when hayro failed.
    pub fn render(&self, index: usize) -> Option<Render> {
        let page = self.pages.get(index)?;
        let scale = self.dpi / 72.0;
        let (width, height) = page.render_dimensions();
        let fits = [width, height].iter().all(|s| s * scale < f32::from(MAX_RENDER_SIDE));
        let small = self.images.get(index).is_some_and(|&px| px <= MAX_IMAGE_PIXELS);
        if index >= MAX_RENDERED || !fits || !small {
            return None;
        }
        let render_settings = RenderSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
            ..RenderSettings::default()
        };
        let pixmap =
            guarded(|| hayro::render(page, &self.cache, &self.settings, &render_settings)).ok()?;
        let gray = pixmap
            .data()
            .iter()
            .map(|p| {
                let luma = 299 * u32::from(p.r) + 587 * u32::from(p.g) + 114 * u32::from(p.b);
                (luma / 1000) as u8
            })
            .collect();
        Some(Render { width: pixmap.width(), height: pixmap.height(), gray })
    }
}
