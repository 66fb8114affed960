//! The workbench's live preview: a document laid out again after each edit in a World kept
//! from one edit to the next, so typst reparses only what changed and reuses the layout it
//! memoized. The checks are those of [`layout`](super::layout), so what the preview shows is
//! what a build would print.

use std::ops::Range;

use typst::layout::{Frame, FrameItem, Point};
use typst::syntax::{ast, Span};
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
    /// Hash of the page's frame: equal frames draw equal pictures (the converse need not
    /// hold: the frame also records where in the source its text came from).
    pub frame: u128,
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
                walk(world, &page.frame, Point::zero(), &mut values, &mut text);
                PreviewPage {
                    frame: typst::utils::hash128(&page.frame),
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
    /// Page `index` (from 0) drawn as an SVG image, if there is such a page.
    pub fn svg(&self, index: usize) -> Option<String> {
        let page = self.document.pages().get(index)?;
        Some(typst_svg::svg(page, &typst_svg::SvgOptions::default()))
    }
}

/// Collects the text of `frame` (placed at `origin`), and the boxes of what string literals of
/// the source printed, one per run of glyphs from one literal.
fn walk(
    world: &SealedWorld,
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
                walk(world, &group.frame, at, into, text_of);
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
                    if let Some((range, literal)) = literal_at(world, glyph.span.0) {
                        match into.last_mut() {
                            Some(last)
                                if last.source == range
                                    && (last.x + last.width - x).abs() < 0.5 =>
                            {
                                last.width += advance;
                            }
                            _ => into.push(ValueBox {
                                source: range,
                                text: literal,
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

/// The byte range and text of the string literal of the main source at `span`, if it is one.
fn literal_at(world: &SealedWorld, span: Span) -> Option<(Range<usize>, String)> {
    let id = span.id()?;
    if id != world.main() {
        return None;
    }
    let source = world.source(id).ok()?;
    let text = source.find(span)?.cast::<ast::Str>()?.get().to_string();
    Some((world.range(span)?, text))
}
