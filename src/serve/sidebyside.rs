//! A copy whose words differ from the signed document's, shown as a person compares two
//! papers: the copy's changed page beside the signed original's same page, the changed words
//! boxed on both. Both documents are read and their pages drawn by the contained reader (the
//! copy is hostile: it is never parsed in the server's process); the server only compares
//! the words it was given, checked, and encodes the gray pixels it received as PNG.

use std::ops::Range;

use base64::Engine as _;
use serde::Serialize;

use crate::pdftext::{PageView, Place, Render, Word};
use crate::verify::word_diff;
use crate::worker::Reader;

/// Most pairs of pages shown (the first places that differ).
const MAX_PAIRS: usize = 3;

/// A page of the signed document and the copy's page where its words changed.
#[derive(Debug, Serialize)]
pub struct Pair {
    /// The signed document's page.
    pub signed: Side,
    /// The copy's page.
    pub copy: Side,
}

/// One page of a pair.
#[derive(Debug, Serialize)]
pub struct Side {
    /// Page number, from 1.
    pub page: usize,
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// Its picture: a PNG, in base64.
    pub png: String,
    /// The boxes of the words that differ, as fractions of the page's width and height:
    /// left, top, width, height.
    pub marks: Vec<[f32; 4]>,
}

/// Where the words of `copy` differ from those of `signed` (the closest signed document's
/// PDF), at most [`MAX_PAIRS`] pairs of pages; none when either cannot be read or drawn.
pub fn compare(signed: &[u8], copy: &[u8], reader: &Reader) -> Vec<Pair> {
    // Both readers start at once and stay to draw the pages asked for afterwards.
    let (mut signed, mut copy) = (reader.start(signed), reader.start(copy));
    let (Ok(a), Ok(b)) = (signed.reading(), copy.reading()) else {
        return Vec::new();
    };
    let hunks = word_diff(&a.text.tokens(), &b.text.tokens()).hunks;
    // Pairs of pages (from 1) and the places on each that differ.
    let mut pairs: Vec<(usize, usize, Vec<Place>, Vec<Place>)> = Vec::new();
    for hunk in &hunks {
        let (Some(pa), Some(pb)) =
            (page_of(&a.text.words, &hunk.before), page_of(&b.text.words, &hunk.after))
        else {
            continue;
        };
        let pair = match pairs.iter().position(|p| p.0 == pa && p.1 == pb) {
            Some(i) => &mut pairs[i],
            None if pairs.len() < MAX_PAIRS => {
                pairs.push((pa, pb, Vec::new(), Vec::new()));
                let last = pairs.len() - 1;
                &mut pairs[last]
            }
            None => continue,
        };
        pair.2.extend(places(&a.text.words, &hunk.before, pa));
        pair.3.extend(places(&b.text.words, &hunk.after, pb));
    }
    if pairs.is_empty() {
        return Vec::new();
    }
    let (a_pages, b_pages): (Vec<usize>, Vec<usize>) =
        pairs.iter().map(|p| (p.0 - 1, p.1 - 1)).unzip();
    let (Ok(a_drawn), Ok(b_drawn)) = both(|| signed.show(&a_pages), || copy.show(&b_pages)) else {
        return Vec::new();
    };
    pairs
        .iter()
        .zip(a_drawn.iter().zip(&b_drawn))
        .filter_map(|((pa, pb, wa, wb), (ra, rb))| {
            Some(Pair {
                signed: side(a.pages.get(pa - 1)?, ra.as_ref()?, *pa, wa)?,
                copy: side(b.pages.get(pb - 1)?, rb.as_ref()?, *pb, wb)?,
            })
        })
        .collect()
}

/// The results of `f` and `g`, run side by side.
fn both<T: Send>(f: impl FnOnce() -> T + Send, g: impl FnOnce() -> T) -> (T, T) {
    std::thread::scope(|scope| {
        let first = scope.spawn(f);
        let second = g();
        match first.join() {
            Ok(first) => (first, second),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// The page (from 1) of the words `range` of `words`, or of the word before an empty range.
fn page_of(words: &[Word], range: &Range<usize>) -> Option<usize> {
    let at = if range.is_empty() { range.start.checked_sub(1)? } else { range.start };
    words.get(at).map(|w| w.page)
}

/// Where the words `range` of `words` are drawn on page `page`; for no words (the other
/// document has words here that this one lacks), the place just after the word before.
fn places(words: &[Word], range: &Range<usize>, page: usize) -> Vec<Place> {
    let on_page = |w: &&Word| w.page == page;
    if range.is_empty() {
        let before = range.start.checked_sub(1).and_then(|i| words.get(i)).filter(on_page);
        return before
            .and_then(|w| w.at)
            .map(|at| Place { x: at.x + at.width, width: 0.0, ..at })
            .into_iter()
            .collect();
    }
    words[range.start.min(words.len())..range.end.min(words.len())]
        .iter()
        .filter(on_page)
        .filter_map(|w| w.at)
        .collect()
}

/// Page `page` (from 1), `view`, drawn as `render`, with the places `changed` marked.
fn side(view: &PageView, render: &Render, page: usize, changed: &[Place]) -> Option<Side> {
    let (width, height) = (view.width, view.height);
    let marks = changed
        .iter()
        .map(|at| [at.x / width, at.y / height, at.width / width, at.height / height])
        .filter(|m| m.iter().all(|v| v.is_finite()))
        .collect();
    let png = gray_png(u32::from(render.width), u32::from(render.height), &render.gray)?;
    let png = base64::engine::general_purpose::STANDARD.encode(png);
    Some(Side { page, width, height, png, marks })
}

/// Gray pixels, one byte each, row by row, as a PNG image.
fn gray_png(width: u32, height: u32, gray: &[u8]) -> Option<Vec<u8>> {
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(gray).ok()?;
    writer.finish().ok()?;
    Some(png)
}
