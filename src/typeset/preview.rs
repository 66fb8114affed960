//! The workbench's live preview: a document laid out again after each edit in a World kept
//! from one edit to the next, so typst reparses only what changed and reuses the layout it
//! memoized. The checks are those of [`layout`](super::layout), so what the preview shows is
//! what a build would print. A page is known by how it looks ([`looks`]), not by where in the
//! source its text came from, so an edit redraws only the pages it visibly changed.

use std::hash::{Hash, Hasher};
use std::ops::Range;

use typst::layout::{Frame, FrameItem, Point};
use typst::syntax::{ast, Span};
use typst::utils::Scalar;
use typst::{World as _, WorldExt as _};
use typst_layout::PagedDocument;

use super::document::{compile, today, world, Style};
use super::flaws::Flaw;
use super::world::SealedWorld;
use crate::date::Date;
use crate::error::Result;

/// Lays out one document again and again as it is edited.
pub struct Previewer {
    name: String,
    style: (String, String),
    world: Option<SealedWorld>,
}

/// One laid-out page of a preview.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewPage {
    /// Hash of what the page draws ([`looks`]): equal hashes, equal pictures.
    pub looks: u128,
    /// Width of the page, in points.
    pub width: f64,
    /// Height of the page, in points.
    pub height: f64,
    /// Where the page prints a value that came from a string literal of the source.
    pub values: Vec<ValueBox>,
    /// Its text, run after run (for screen readers and tests).
    pub text: String,
}

/// A place on a page where a string literal of the document's source is printed.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueBox {
    /// Byte range of the literal in the source.
    pub source: Range<usize>,
    /// The literal's text.
    pub text: String,
    /// Left edge, in points from the page's left edge.
    pub x: f64,
    /// Top edge, in points from the page's top edge.
    pub y: f64,
    /// Width, in points.
    pub width: f64,
    /// Height, in points.
    pub height: f64,
}

/// A document laid out by a [`Previewer`].
pub struct Preview {
    document: PagedDocument,
    /// Its pages, in order.
    pub pages: Vec<PreviewPage>,
    /// What it shows wrong (a build would refuse it).
    pub flaws: Vec<Flaw>,
}

impl Previewer {
    /// A previewer of the document `name` (named in errors), which imports `style`.
    pub fn new(name: &str, style: Style<'_>) -> Self {
        let style = (style.name.to_string(), style.source.to_string());
        Self { name: name.to_string(), style, world: None }
    }

    /// Lays out `source` dated `date`, in the World of the previous layout when there is one.
    pub fn lay_out(&mut self, source: &str, date: Date) -> Result<Preview> {
        let world = match &mut self.world {
            Some(world) => {
                world.replace(source, today(&self.name, date)?);
                world
            }
            None => {
                let style = Style { name: &self.style.0, source: &self.style.1 };
                self.world.insert(world(&self.name, source, style, date)?)
            }
        };
        let (document, flaws) = compile(world, &self.name)?;
        let pages = document
            .pages()
            .iter()
            .map(|page| {
                let (mut values, mut text) = (Vec::new(), String::new());
                let mut literals = Literals { world, last: None };
                walk(&mut literals, &page.frame, Point::zero(), &mut values, &mut text);
                PreviewPage {
                    looks: looks(&page.frame),
                    text,
                    width: page.frame.width().to_pt(),
                    height: page.frame.height().to_pt(),
                    values,
                }
            })
            .collect();
        Ok(Preview { document, pages, flaws })
    }
}

impl Preview {
    /// Page `index` (from 0) drawn at `scale` pixels per point, as a PNG image, if there is
    /// such a page.
    pub fn png(&self, index: usize, scale: f64) -> Option<Vec<u8>> {
        let page = self.document.pages().get(index)?;
        let options =
            typst_render::RenderOptions { pixel_per_pt: Scalar::new(scale), render_bleed: false };
        let pixmap = typst_render::render(page, &options);
        // The page is opaque (white paper): its pixels need no alpha.
        let rgb: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        let mut png = Vec::with_capacity(rgb.len() / 8);
        let mut encoder = png::Encoder::new(&mut png, pixmap.width(), pixmap.height());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&rgb).ok()?;
        writer.finish().ok()?;
        Some(png)
    }
}

/// The hash of what `frame` draws: its size and, item by item, where and what (glyphs, fonts,
/// colours, shapes, images), leaving out the source spans and tags, which an edit earlier in
/// the source changes on every later page without changing how they look.
pub fn looks(frame: &Frame) -> u128 {
    typst::utils::hash128(&Looks(frame))
}

/// A frame hashed as it looks (see [`looks`]).
struct Looks<'a>(&'a Frame);

impl Hash for Looks<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.size().hash(state);
        for (pos, item) in self.0.items() {
            match item {
                FrameItem::Group(group) => {
                    (0u8, pos, &group.transform, &group.clip).hash(state);
                    Looks(&group.frame).hash(state);
                }
                FrameItem::Text(text) => {
                    (1u8, pos, &text.font, text.size, &text.fill, &text.stroke).hash(state);
                    for g in &text.glyphs {
                        (g.id, g.x_advance, g.x_offset, g.y_advance, g.y_offset).hash(state);
                    }
                }
                FrameItem::Shape(shape, _) => (2u8, pos, shape).hash(state),
                FrameItem::Image(image, size, _) => (3u8, pos, image, size).hash(state),
                FrameItem::Link(..) | FrameItem::Tag(_) => {}
            }
        }
    }
}

/// Collects the text of `frame` (placed at `origin`), and the boxes of what string literals of
/// the source printed, one per run of glyphs from one literal.
fn walk(
    literals: &mut Literals<'_>,
    frame: &Frame,
    origin: Point,
    into: &mut Vec<ValueBox>,
    text_of: &mut String,
) {
    for (pos, item) in frame.items() {
        let at = origin + *pos;
        match item {
            FrameItem::Group(group) if group.transform.is_only_translate() => {
                let at = at + Point::new(group.transform.tx, group.transform.ty);
                walk(literals, &group.frame, at, into, text_of);
            }
            FrameItem::Text(text) => {
                let run = text.text.trim_start();
                if !text_of.is_empty() && !text_of.ends_with(char::is_whitespace) {
                    text_of.push(' ');
                }
                text_of.push_str(run);
                let size = text.size.to_pt();
                let mut x = at.x.to_pt();
                for glyph in &text.glyphs {
                    let advance = glyph.x_advance.at(text.size).to_pt();
                    if let Some((range, literal)) = literals.at(glyph.span.0) {
                        match into.last_mut() {
                            Some(last)
                                if last.source == *range
                                    && (last.x + last.width - x).abs() < 0.5 =>
                            {
                                last.width += advance;
                            }
                            _ => into.push(ValueBox {
                                source: range.clone(),
                                text: literal.clone(),
                                x,
                                y: at.y.to_pt() - size * 0.8,
                                width: advance,
                                height: size,
                            }),
                        }
                    }
                    x += advance;
                }
            }
            _ => {}
        }
    }
}

/// The string literals of the main source that glyphs came from, looked up once per run of
/// glyphs: finding a span walks the syntax tree's children, too slow to do for every glyph.
struct Literals<'a> {
    world: &'a SealedWorld,
    /// The span looked up last, and the literal found there, if any.
    last: Option<(Span, Option<Literal>)>,
}

/// A string literal of the source: its byte range and its text.
type Literal = (Range<usize>, String);

impl Literals<'_> {
    /// The byte range and text of the string literal of the main source at `span`, if it is one.
    fn at(&mut self, span: Span) -> Option<&Literal> {
        if self.last.as_ref().map(|(last, _)| *last) != Some(span) {
            self.last = Some((span, self.find(span)));
        }
        self.last.as_ref()?.1.as_ref()
    }

    fn find(&self, span: Span) -> Option<Literal> {
        let id = span.id()?;
        if id != self.world.main() {
            return None;
        }
        let source = self.world.source(id).ok()?;
        let text = source.find(span)?.cast::<ast::Str>()?.get().to_string();
        Some((self.world.range(span)?, text))
    }
}

#[cfg(test)]
mod tests {
    use super::{Previewer, Style};
    use crate::date::Date;

    const DATE: Date = Date { year: 2016, month: 9, day: 19 };

    fn looks(previewer: &mut Previewer, source: &str) -> Vec<u128> {
        previewer.lay_out(source, DATE).unwrap().pages.iter().map(|p| p.looks).collect()
    }

    #[test]
    fn a_page_that_only_moved_in_the_source_looks_the_same() {
        let mut previewer = Previewer::new("probe", Style { name: "style.typ", source: "" });
        let page = |place: &str| format!("#\"Signed at {place}\";\n#pagebreak()\nThe second page.");
        let before = looks(&mut previewer, &page("Geneva"));
        // Source positions of the second page move; what it shows does not.
        let longer = looks(&mut previewer, &page("Addis Ababa"));
        assert_eq!(before.len(), 2);
        assert_ne!(before[0], longer[0], "the page that changed");
        assert_eq!(before[1], longer[1], "the page that only moved in the source");
        let png = previewer.lay_out(&page("Geneva"), DATE).unwrap().png(0, 1.0).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }
}
