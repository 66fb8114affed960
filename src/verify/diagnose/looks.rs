//! Whether a copy looks like the signed document it reads like: the same number of pages, no
//! annotation or form field the signed document lacks, and pages that, rendered at low
//! resolution, differ by no more than anti-aliasing does. What differs is said, and where.

use crate::pdftext::render::MAX_RENDERED;
use crate::pdftext::scene;
use crate::pdftext::{Field, PageView, Reading, Render};

use super::super::report::PageDifference;

/// Side of the square tiles renders are compared by, in pixels (4.2 mm at 36 dpi).
pub const TILE: usize = 6;
/// Mean difference of gray level over a tile above which the tile differs: twice the drift of
/// the copies re-saved by stock tools, far below a stamp's (BENCHMARKS.md). A word changed
/// within a line moves fewer pixels at this resolution: the word diff of the text, read as it
/// is seen, tells it.
pub const TILE_THRESHOLD: u32 = 40;
/// How far (in pixels) a pixel may have moved between two renders and still match.
const SHIFT: usize = 1;
/// Where a page is said to differ when its renders could not be compared.
const UNCOMPARED: &str = "it could not be compared";
/// Said of a page drawn otherwise than the signed document's where no band can be told.
const DRAWN_OTHERWISE: &str = "it is drawn otherwise (other shapes, colours or layers)";
/// Said after what a copy holds that PDF readers read each in its own way.
const READ_APART: &str = ", which PDF readers read each in its own way: what accord read may \
                          not be what another reader shows";
/// Said of a page that draws what a scene does not hold where the signed page does not.
const DRAWN_MORE: &str = "it draws what the signed page does not (an image, a pattern, a soft \
                          mask, a Type 3 glyph, or more than accord compares shape by shape)";
/// Said of a copy with a colour profile the signed document lacks.
const PROFILES: &str = "a colour profile the signed document does not have, which PDF readers \
                        apply each in its own way: the colours accord read may not be those \
                        another reader shows";
/// Said of a page whose content PDF readers read each in its own way.
const READ_APART_PAGE: &str = "its content has what PDF readers read each in its own way (a \
                               stray `]` or `>>`, a text render mode outside 0 to 7, or an \
                               operator given more or fewer operands than it takes)";
/// Points per centimetre.
const PT_PER_CM: f32 = 72.0 / 2.54;

/// How a copy looks next to the signed document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Looks {
    /// Pages of the signed document and of the copy.
    pub pages: (usize, usize),
    /// Pages (of both) that look different, and where.
    pub different: Vec<PageDifference>,
    /// Annotations and form fields the copy adds, in words.
    pub added: Vec<String>,
}

impl Looks {
    /// Whether the copy looks like the signed document.
    pub fn same(&self) -> bool {
        self.pages.0 == self.pages.1 && self.different.is_empty() && self.added.is_empty()
    }
}

/// Compares the copy's pages, annotations and fields with the signed document's, and with
/// `renders` their renders too (a page without one then could not be compared).
pub fn compare(signed: &Reading, copy: &Reading, renders: bool) -> Looks {
    let mut looks = Looks { pages: (signed.pages.len(), copy.pages.len()), ..Looks::default() };
    let pairs: Vec<(&PageView, &PageView)> = signed.pages.iter().zip(&copy.pages).collect();
    // Renders are compared pixel by pixel on a thread per page (at most MAX_RENDERED, whatever
    // a worker answered): this comes after both documents were read and rendered, when the
    // cores are free again. A thread that cannot be started leaves its page to this one.
    let wheres: Vec<Option<String>> = std::thread::scope(|scope| {
        let pending: Vec<Pending<'_>> = pairs
            .iter()
            .enumerate()
            .map(|(i, &(s, c))| {
                let threaded = i < MAX_RENDERED && s.render.is_some() && c.render.is_some();
                let thread = threaded.then(|| {
                    std::thread::Builder::new()
                        .spawn_scoped(scope, move || differs(s, c, renders))
                        .ok()
                });
                match thread.flatten() {
                    Some(thread) => Pending::Running(thread),
                    None => Pending::Done(differs(s, c, renders)),
                }
            })
            .collect();
        pending
            .into_iter()
            .map(|page| match page {
                Pending::Running(thread) => {
                    thread.join().unwrap_or_else(|_| Some(UNCOMPARED.to_string()))
                }
                Pending::Done(where_) => where_,
            })
            .collect()
    });
    for (i, ((s, c), where_)) in pairs.into_iter().zip(wheres).enumerate() {
        let page = i + 1;
        if let Some(where_) = where_ {
            looks.different.push(PageDifference { page, where_ });
        }
        let mut extra = c.annotations.clone();
        for kind in &s.annotations {
            if let Some(at) = extra.iter().position(|k| k == kind) {
                extra.remove(at);
            }
        }
        if !extra.is_empty() {
            looks.added.push(format!("{} on page {page}", annotations(&extra)));
        }
    }
    let mut fields = copy.fields.clone();
    for field in &signed.fields {
        if let Some(at) = fields.iter().position(|f| f == field) {
            fields.remove(at);
        }
    }
    looks.added.extend(form_fields(&fields));
    let (before, after) = (&signed.facts, &copy.facts);
    for ambiguity in after.ambiguities.iter().filter(|a| !before.ambiguities.contains(a)) {
        looks.added.push(format!("{}{READ_APART}", ambiguity.phrase()));
    }
    if after.color_profiles.iter().any(|p| !before.color_profiles.contains(p)) {
        looks.added.push(PROFILES.to_string());
    }
    looks
}

/// A page's comparison: made, or under way on a thread of its own.
enum Pending<'scope> {
    Done(Option<String>),
    Running(std::thread::ScopedJoinHandle<'scope, Option<String>>),
}

/// Where page `c` of the copy looks different from page `s` of the signed document, if it
/// does: a different size, or (with `renders`) where their scenes draw differently, or a band
/// of differing tiles. Pages whose scenes are not alike differ even where their renders do not
/// (a glyph's outline swapped for another's, a full stop taken away, are too small to see at
/// 36 dpi).
fn differs(s: &PageView, c: &PageView, renders: bool) -> Option<String> {
    match (&s.render, &c.render) {
        _ if (s.width - c.width).abs() > 1.0 || (s.height - c.height).abs() > 1.0 => {
            Some("its size differs".to_string())
        }
        _ if !renders => None,
        _ if c.read_apart && !s.read_apart => Some(READ_APART_PAGE.to_string()),
        _ if drawn_alike(s, c) => None,
        _ => drawn_unlike(s, c),
    }
}

/// Where pages `s` and `c`, not drawn alike, differ: where their scenes differ, or else where
/// their renders do; a page whose scene differs, or that has none where the signed page has
/// one, differs even where its render does not.
fn drawn_unlike(s: &PageView, c: &PageView) -> Option<String> {
    let scenes = match (&s.scene, &c.scene) {
        (Some(x), Some(y)) => Some(scene::unlike_band(x, y)),
        _ => None,
    };
    // A signed page drawn only with what a scene holds, and a copy's page that draws more (an
    // image, a pattern, a soft mask), do not draw alike, whatever their renders at 36 dpi.
    let otherwise = match (&s.scene, &c.scene) {
        (Some(_), Some(_)) => Some(DRAWN_OTHERWISE.to_string()),
        (Some(_), None) => Some(DRAWN_MORE.to_string()),
        _ => None,
    };
    match (scenes.flatten(), &s.render, &c.render) {
        (Some((top, bottom)), _, _) => {
            let on_page = |pt: f32| pt.clamp(0.0, s.height);
            Some(between(on_page(top), on_page(bottom)))
        }
        (None, Some(a), Some(b)) => differing_band(a, b, s.height).or(otherwise),
        _ => otherwise.or_else(|| Some(UNCOMPARED.to_string())),
    }
}

/// Whether two pages draw the same (their drawing digests are equal) or alike (their scenes
/// are): they then look the same, with no need to render them.
fn drawn_alike(a: &PageView, b: &PageView) -> bool {
    let scenes = matches!((&a.scene, &b.scene), (Some(x), Some(y)) if scene::alike(x, y));
    a.drawing.is_some() && a.drawing == b.drawing || scenes
}

/// The pages (from 0) of both documents that must be rendered to be compared: those whose
/// drawings differ (or could not be digested).
pub fn to_render(signed: &Reading, copy: &Reading) -> Vec<usize> {
    let pairs = signed.pages.iter().zip(&copy.pages).enumerate();
    pairs.filter(|(_, (s, c))| !drawn_alike(s, c)).map(|(i, _)| i).collect()
}

/// Puts `items` (renders or scenes) of `pages` into `reading`, each with `put`.
pub fn set_pages<T>(
    reading: &mut Reading,
    pages: &[usize],
    items: Vec<T>,
    put: impl Fn(&mut PageView, T),
) {
    for (&page, item) in pages.iter().zip(items) {
        if let Some(view) = reading.pages.get_mut(page) {
            put(view, item);
        }
    }
}

/// "an annotation (FreeText)", "2 annotations (FreeText, Square)".
pub fn annotations(kinds: &[String]) -> String {
    let mut names: Vec<&str> = kinds.iter().map(String::as_str).collect();
    names.dedup();
    match kinds.len() {
        1 => format!("an annotation ({})", names.join(", ")),
        n => format!("{n} annotations ({})", names.join(", ")),
    }
}

/// The difference at each pixel of two renders of one size, forgiving a shift of up to
/// [`SHIFT`] pixels: how far each pixel of either render is from the closest value of the other
/// around it. Re-saving tools round glyph positions differently (pdftocairo moves glyphs by a
/// fraction of a pixel at 36 dpi), which moves anti-aliased edges but changes no shape.
fn differences(a: &Render, b: &Render) -> Vec<u8> {
    let (w, h) = (usize::from(a.width), usize::from(a.height));
    let near = |from: &[u8], to: &[u8], x: usize, y: usize| -> u8 {
        let value = from[y * w + x];
        let mut best = u8::MAX;
        for ny in y.saturating_sub(SHIFT)..(y + SHIFT + 1).min(h) {
            for nx in x.saturating_sub(SHIFT)..(x + SHIFT + 1).min(w) {
                best = best.min(value.abs_diff(to[ny * w + nx]));
            }
        }
        best
    };
    let mut out = vec![0; w * h];
    for y in 0..h {
        for x in 0..w {
            let at = y * w + x;
            // Equal pixels (most of a page: white on white) differ by nothing either way.
            if a.gray[at] != b.gray[at] {
                out[at] = near(&a.gray, &b.gray, x, y).max(near(&b.gray, &a.gray, x, y));
            }
        }
    }
    out
}

/// The mean difference of gray level of each tile of two renders of one size, with the row
/// (in pixels) the tile starts on.
fn tiles(a: &Render, b: &Render) -> Vec<(usize, u32)> {
    let (w, h) = (usize::from(a.width), usize::from(a.height));
    let diff = differences(a, b);
    let mut out = Vec::new();
    for ty in (0..h).step_by(TILE) {
        for tx in (0..w).step_by(TILE) {
            let (mut sum, mut count) = (0u32, 0u32);
            for y in ty..(ty + TILE).min(h) {
                for x in tx..(tx + TILE).min(w) {
                    sum += u32::from(diff[y * w + x]);
                    count += 1;
                }
            }
            out.push((ty, sum / count.max(1)));
        }
    }
    out
}

/// Where two renders of a page differ, as the band of the page (in cm from its top edge) that
/// holds every differing tile; `None` when no tile differs.
fn differing_band(a: &Render, b: &Render, height_pt: f32) -> Option<String> {
    if (a.width, a.height) != (b.width, b.height) {
        return Some("its size differs".to_string());
    }
    let h = usize::from(a.height);
    let rows = tiles(a, b).into_iter().filter(|(_, mean)| *mean > TILE_THRESHOLD).map(|t| t.0);
    let (top, bottom) =
        rows.fold((usize::MAX, 0), |(t, b), y| (t.min(y), b.max((y + TILE).min(h))));
    if top == usize::MAX {
        return None;
    }
    let pt = |px: usize| px as f32 / h as f32 * height_pt;
    Some(between(pt(top), pt(bottom)))
}

/// A band of the page, from `top` to `bottom` points from its top, in words.
fn between(top: f32, bottom: f32) -> String {
    let cm = |pt: f32| format!("{:.1}", pt / PT_PER_CM);
    match (cm(top), cm(bottom)) {
        (top, bottom) if top == bottom => format!("at {top} cm from the top"),
        (top, bottom) => format!("between {top} and {bottom} cm from the top"),
    }
}

/// The largest mean tile difference between two renders: how far a copy's look drifts.
pub fn drift(a: &Render, b: &Render) -> u32 {
    if (a.width, a.height) != (b.width, b.height) {
        return 255;
    }
    tiles(a, b).into_iter().map(|t| t.1).max().unwrap_or(0)
}

/// The signatures among `fields` that `before` lacks: "a PDF signature by CN=…".
pub fn signatures(fields: &[Field], before: &[Field]) -> Vec<String> {
    fields
        .iter()
        .filter(|f| f.kind == "Sig" && f.filled && !before.contains(f))
        .map(|f| match &f.signer {
            Some(name) => format!("a PDF signature by CN={name}"),
            None => "a PDF signature".to_string(),
        })
        .collect()
}

/// Form fields in words: "a PDF signature by CN=…", "2 form fields (Tx)".
fn form_fields(fields: &[Field]) -> Vec<String> {
    let mut out = signatures(fields, &[]);
    let others: Vec<&Field> = fields.iter().filter(|f| !(f.kind == "Sig" && f.filled)).collect();
    let mut kinds: Vec<&str> = others.iter().map(|f| f.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    match others.len() {
        0 => {}
        1 => out.push(format!("a form field ({})", kinds.join(", "))),
        n => out.push(format!("{n} form fields ({})", kinds.join(", "))),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(gray: Vec<u8>) -> PageView {
        let render = Render { width: 12, height: 12, gray };
        let render = Some(render);
        PageView { width: 100.0, height: 100.0, render, ..PageView::default() }
    }

    #[test]
    fn a_blot_is_found_and_placed_and_a_faint_drift_is_not() {
        let white = vec![255u8; 144];
        let mut faint = white.clone();
        faint.iter_mut().step_by(3).for_each(|p| *p = 235);
        let mut blot = white.clone();
        blot[6 * 12 + 6..6 * 12 + 12].fill(0);
        let signed = Reading { pages: vec![page(white)], ..Reading::default() };
        let same = Reading { pages: vec![page(faint)], ..Reading::default() };
        assert!(compare(&signed, &same, true).same());
        let copy = Reading { pages: vec![page(blot)], ..Reading::default() };
        assert!(compare(&signed, &copy, false).same());
        let looks = compare(&signed, &copy, true);
        assert_eq!(looks.different.len(), 1);
        assert_eq!(looks.different[0].where_, "between 1.8 and 3.5 cm from the top");
    }
}
