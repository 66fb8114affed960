//! Pages rendered at low resolution with hayro, to compare what a copy shows with what the
//! signed document shows: a word painted over, a stamp, a drawing, text in a font the text
//! layer cannot read all change pixels, where the text layer may not change at all.

use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{RenderCache, RenderSettings};
use hayro_interpret::hayro_syntax::page::Page;
use hayro_interpret::InterpreterSettings;

use super::reading::Render;
use super::reading::MAX_RENDER_SIDE;

/// Resolution of the renders, in dots per inch: an A4 page is 298 × 421 pixels, where a 10 pt
/// word is 5 pixels high (BENCHMARKS.md has what it costs and how far re-saved copies drift).
pub const RENDER_DPI: f32 = 36.0;
/// Most pages rendered (accord's documents have a dozen at most; a copy with more pages than
/// its original is told apart by its page count).
pub const MAX_RENDERED: usize = 32;
/// Largest image a rendered page may draw, in pixels (A4 scanned at 400 dpi): hayro decodes an
/// image whole before scaling it.
pub const MAX_IMAGE_PIXELS: u64 = 16 << 20;

/// Resolution of the pictures of pages shown to a person (the workbench shows a copy's changed
/// page beside the signed one's): a screen's.
pub const SHOW_DPI: f32 = 96.0;

/// A render of each page (`None` past [`MAX_RENDERED`], or when the page draws an image larger
/// than [`MAX_IMAGE_PIXELS`]); `images` holds the largest image of each page.
pub fn pages(pages: &[Page<'_>], images: &[u64]) -> Vec<Option<Render>> {
    at(pages, images, RENDER_DPI, |i| i < MAX_RENDERED)
}

/// Renders at `dpi` of the pages for which `wanted` holds (by index from 0), as [`pages`].
pub fn at(
    pages: &[Page<'_>],
    images: &[u64],
    dpi: f32,
    wanted: impl Fn(usize) -> bool,
) -> Vec<Option<Render>> {
    let scale = dpi / 72.0;
    let settings = InterpreterSettings::default();
    let render_settings = RenderSettings {
        x_scale: scale,
        y_scale: scale,
        bg_color: WHITE,
        ..RenderSettings::default()
    };
    let cache = RenderCache::new();
    pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let (width, height) = page.render_dimensions();
            let fits = [width, height].iter().all(|s| s * scale < f32::from(MAX_RENDER_SIDE));
            let small = images.get(i).is_some_and(|&px| px <= MAX_IMAGE_PIXELS);
            (wanted(i) && fits && small).then(|| {
                let pixmap = hayro::render(page, &cache, &settings, &render_settings);
                let gray = pixmap
                    .data()
                    .iter()
                    .map(|p| {
                        let luma =
                            299 * u32::from(p.r) + 587 * u32::from(p.g) + 114 * u32::from(p.b);
                        (luma / 1000) as u8
                    })
                    .collect();
                Render { width: pixmap.width(), height: pixmap.height(), gray }
            })
        })
        .collect()
}
