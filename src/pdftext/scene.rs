//! What a page draws, call by call, as hayro hands it to a renderer: each glyph's outline and
//! where it is placed, each path, clip and group, with its colour. Two pages whose scenes are
//! alike (the same calls in the same order, every point drawn within [`NEAR_PT`] of the
//! other's) render alike, so a copy that Ghostscript or pdftocairo rewrote (other font
//! programs, other content streams, the same drawing) needs no render to be seen to look like
//! the signed document; pages whose scenes are not alike look different, even where renders
//! at low resolution cannot tell (a glyph swapped for another of its width). A page that draws anything a scene does not hold (an image, a pattern,
//! a soft mask, a Type 3 glyph, stroked text) has no scene: it is rendered, and looks different
//! where the signed page has one.
//!
//! The scene crosses the worker's process boundary: its calls travel as fixed-size records,
//! its points as packed floats (base64 in the answer), and [`Scene::problem`] checks them
//! before they are believed.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::panic::resume_unwind;

use rustc_hash::FxHashMap;

use hayro_interpret::font::Glyph;
use hayro_interpret::{
    BlendMode, ClipPath, Device, FillRule, GlyphDrawMode, Image, Paint, PathDrawMode, SoftMask,
    StrokeProps,
};
use kurbo::{Affine, BezPath, Cap, Join, PathEl, Point};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::packed;

/// How far (in points) a point drawn in a copy may be from where the signed document draws
/// it for the two to look alike: half a pixel of the renders (36 dpi), whose comparison
/// forgives a whole pixel. Ghostscript's and pdftocairo's rewrites of accord's documents come
/// within it (BENCHMARKS.md); a copy that does not is said to look different.
pub const NEAR_PT: f32 = 1.0;
/// How far (in points) a point of a glyph's outline may be from the signed document's, the
/// glyph placed alike: a glyph may move as a whole, not change its shape (a full stop
/// collapsed to a point moves its outline by less than [`NEAR_PT`]).
const GLYPH_NEAR_PT: f32 = 0.1;
/// How far (in points) two stroke widths, dash lengths or offsets may differ.
const STROKE_NEAR_PT: f32 = 0.05;
/// How far two colour channels (0–255) may differ.
const COLOR_NEAR: u8 = 2;
/// How far two group opacities may differ.
const OPACITY_NEAR: f32 = 0.01;
/// Most calls a scene holds; a page drawing more gets none (and is rendered).
pub const MAX_OPS: usize = 200_000;
/// Most coordinates (two a point) a scene's shapes hold.
pub const MAX_COORDS: usize = 1 << 21;
/// Most coordinates compared for two scenes (one whose every call draws a large shape in a
/// style of its own would otherwise cost minutes): past it, the pages are rendered.
const MAX_COMPARED: usize = 1 << 25;
/// Most entries of a dash array kept.
const MAX_DASHES: usize = 16;

/// The codes of the calls that draw no shape (any other code is the index of a [`Style`]).
const POP_CLIP: u32 = u32::MAX;
const POP_GROUP: u32 = u32::MAX - 1;
/// A group: `x` its opacity, `y` its blend mode.
const GROUP: u32 = u32::MAX - 2;
/// A blend mode set: `x` the mode.
const BLEND: u32 = u32::MAX - 3;
/// The smallest code of a call that draws no shape.
const FIRST_SPECIAL: u32 = BLEND;
/// The bytes of one call: code, then x and y (little-endian).
const OP_BYTES: usize = 12;

/// Path verbs in a shape (quadratic curves are stored as the cubic curves they are).
const MOVE: u8 = 0;
const LINE: u8 = 1;
const CURVE: u8 = 3;
const CLOSE: u8 = 4;

/// What one page draws.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// The shapes drawn: glyph outlines (in thousandths of an em) and paths (in points).
    shapes: Vec<Shape>,
    /// How shapes are drawn: a shape, its linear transform, its colour and how it is painted.
    styles: Vec<Style>,
    /// The calls, in order.
    #[serde(serialize_with = "write_ops", deserialize_with = "read_ops")]
    ops: Vec<Op>,
}

/// One outline or path.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Shape {
    /// Its verbs: [`MOVE`], [`LINE`], [`CURVE`], [`CLOSE`].
    #[serde(serialize_with = "packed::write_bytes", deserialize_with = "packed::read_bytes")]
    verbs: Vec<u8>,
    /// Its points' coordinates, x then y: one point a move or line, three a curve.
    #[serde(serialize_with = "packed::write_floats", deserialize_with = "packed::read_floats")]
    coords: Vec<f32>,
}

/// A shape as it is drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Style {
    /// Index of its shape.
    shape: u32,
    /// Its linear transform (a, b, c, d) to the page, in points (y down).
    linear: [f32; 4],
    /// Its colour, RGBA.
    rgba: [u8; 4],
    /// How it is painted.
    mode: Mode,
}

/// How a shape is painted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Mode {
    /// A glyph's outline (in font units), filled.
    Glyph,
    /// Filled, by the even-odd rule or not.
    Fill { even_odd: bool },
    /// Stroked: width, cap, join, miter limit, dashes and their offset (in points on the page).
    Stroke { width: f32, cap: u8, join: u8, miter: f32, dashes: Vec<f32>, offset: f32 },
    /// Made the clip, by the even-odd rule or not.
    Clip { even_odd: bool },
}

/// One call: a style drawn at (x, y), or one of the codes that draw no shape.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Op {
    code: u32,
    x: f32,
    y: f32,
}

impl Scene {
    /// Why the scene cannot be believed, if it cannot.
    pub fn problem(&self) -> Option<&'static str> {
        let coords: usize = self.shapes.iter().map(|s| s.coords.len()).sum();
        if self.ops.len() > MAX_OPS || coords > MAX_COORDS || self.styles.len() > MAX_OPS {
            return Some("a drawing too large");
        }
        let shapes_ok = self.shapes.iter().all(Shape::well_formed);
        let styles_ok = self.styles.iter().all(|s| {
            (s.shape as usize) < self.shapes.len()
                && s.linear.iter().all(|c| c.is_finite())
                && s.mode.well_formed()
        });
        let ops_ok = self.ops.iter().all(|op| {
            op.x.is_finite()
                && op.y.is_finite()
                && (op.code >= FIRST_SPECIAL || (op.code as usize) < self.styles.len())
        });
        (!(shapes_ok && styles_ok && ops_ok)).then_some("a drawing out of shape")
    }

    /// How many coordinates the shape of style `code` holds.
    fn coords_of(&self, code: u32) -> usize {
        let shape = self.styles.get(code as usize).and_then(|s| self.shapes.get(s.shape as usize));
        shape.map_or(0, |shape| shape.coords.len())
    }
}

impl Shape {
    /// Whether its coordinates are finite and as many as its verbs need.
    fn well_formed(&self) -> bool {
        let mut needed = 0usize;
        for &verb in &self.verbs {
            needed += match verb {
                MOVE | LINE => 2,
                CURVE => 6,
                CLOSE => 0,
                _ => return false,
            };
        }
        needed == self.coords.len() && self.coords.iter().all(|c| c.is_finite())
    }
}

impl Mode {
    /// Whether its numbers are finite and its dashes few.
    fn well_formed(&self) -> bool {
        match self {
            Mode::Glyph | Mode::Fill { .. } | Mode::Clip { .. } => true,
            Mode::Stroke { width, miter, dashes, offset, .. } => {
                dashes.len() <= MAX_DASHES
                    && [*width, *miter, *offset].iter().chain(dashes).all(|n| n.is_finite())
            }
        }
    }

    /// Whether two modes paint alike.
    fn alike(&self, other: &Mode) -> bool {
        let near = |a: f32, b: f32| (a - b).abs() <= STROKE_NEAR_PT;
        match (self, other) {
            (Mode::Glyph, Mode::Glyph) => true,
            (Mode::Fill { even_odd: a }, Mode::Fill { even_odd: b })
            | (Mode::Clip { even_odd: a }, Mode::Clip { even_odd: b }) => a == b,
            (
                Mode::Stroke { width, cap, join, miter, dashes, offset },
                Mode::Stroke {
                    width: width2,
                    cap: cap2,
                    join: join2,
                    miter: miter2,
                    dashes: dashes2,
                    offset: offset2,
                },
            ) => {
                near(*width, *width2)
                    && cap == cap2
                    && join == join2
                    && near(*miter, *miter2)
                    && dashes.len() == dashes2.len()
                    && dashes.iter().zip(dashes2).all(|(a, b)| near(*a, *b))
                    && near(*offset, *offset2)
            }
            _ => false,
        }
    }
}

/// Whether pages drawing scenes `a` and `b` look alike: the same calls in the same order,
/// each shape painted alike, every point of it within [`NEAR_PT`] of the other's. (A Bézier
/// curve lies within the hull of its control points, so control points within a distance
/// keep the whole outline within it.)
pub fn alike(a: &Scene, b: &Scene) -> bool {
    let mut comparison = Comparison::new(a, b);
    a.ops.len() == b.ops.len()
        && a.ops.iter().zip(&b.ops).all(|(p, q)| comparison.alike(p, q) == Some(true))
}

/// Where pages drawing scenes `a` and `b` (not alike) draw differently: the top and bottom
/// (in points from the top of the page) of the calls that differ, when both make as many
/// calls and all that differ draw a shape; `None` otherwise (the render then tells where).
pub fn unlike_band(a: &Scene, b: &Scene) -> Option<(f32, f32)> {
    if a.ops.len() != b.ops.len() {
        return None;
    }
    let mut comparison = Comparison::new(a, b);
    let mut band: Option<(f32, f32)> = None;
    for (p, q) in a.ops.iter().zip(&b.ops) {
        if comparison.alike(p, q)? {
            continue;
        }
        for (scene, op) in [(a, p), (b, q)] {
            if let Some((top, bottom)) = comparison.vertical(scene, op)? {
                band = Some(band.map_or((top, bottom), |(t, b)| (t.min(top), b.max(bottom))));
            }
        }
    }
    band
}

/// Two scenes being compared call by call, within [`MAX_COMPARED`].
struct Comparison<'s> {
    a: &'s Scene,
    b: &'s Scene,
    /// How far apart each pair of styles draws its shapes, as found.
    reaches: HashMap<(u32, u32), Option<f32>>,
    compared: usize,
}

impl<'s> Comparison<'s> {
    fn new(a: &'s Scene, b: &'s Scene) -> Self {
        Comparison { a, b, reaches: HashMap::new(), compared: 0 }
    }

    /// Whether calls `p` (of `a`) and `q` (of `b`) draw alike; `None` past the budget.
    fn alike(&mut self, p: &Op, q: &Op) -> Option<bool> {
        if p.code >= FIRST_SPECIAL || q.code >= FIRST_SPECIAL {
            return Some(
                p.code == q.code
                    && match p.code {
                        GROUP => (p.x - q.x).abs() <= OPACITY_NEAR && p.y == q.y,
                        BLEND => p.x == q.x,
                        _ => true,
                    },
            );
        }
        let reach = match self.reaches.entry((p.code, q.code)) {
            Entry::Occupied(known) => *known.get(),
            Entry::Vacant(new) => {
                self.compared += self.a.coords_of(p.code);
                if self.compared > MAX_COMPARED {
                    return None;
                }
                *new.insert(reach(self.a, self.b, p, q))
            }
        };
        Some(reach.is_some_and(|r| r + (p.x - q.x).hypot(p.y - q.y) <= NEAR_PT))
    }

    /// The top and bottom (in points) of the shape call `op` of `scene` draws (`Some(None)`: an
    /// empty one, a space); `None` for a call that draws no shape, or past the budget.
    fn vertical(&mut self, scene: &Scene, op: &Op) -> Option<Option<(f32, f32)>> {
        let style = scene.styles.get(op.code as usize)?;
        let shape = scene.shapes.get(style.shape as usize)?;
        self.compared += shape.coords.len();
        if self.compared > MAX_COMPARED {
            return None;
        }
        let [_, b, _, d] = style.linear;
        let ys = shape.coords.chunks_exact(2).map(|m| b * m[0] + d * m[1] + op.y);
        Some(ys.fold(None, |band, y| match band {
            None => Some((y, y)),
            Some((top, bottom)) => Some((y.min(top), y.max(bottom))),
        }))
    }
}

/// How far apart (in points) the shapes of calls `p` of `a` and `q` of `b` can be drawn, both
/// placed at one point; `None` when they are not painted alike.
fn reach(a: &Scene, b: &Scene, p: &Op, q: &Op) -> Option<f32> {
    let (s, t) = (a.styles.get(p.code as usize)?, b.styles.get(q.code as usize)?);
    let colors = s.rgba.iter().zip(&t.rgba).all(|(x, y)| x.abs_diff(*y) <= COLOR_NEAR);
    if !colors || !s.mode.alike(&t.mode) {
        return None;
    }
    let (u, v) = (a.shapes.get(s.shape as usize)?, b.shapes.get(t.shape as usize)?);
    if u.verbs != v.verbs || u.coords.len() != v.coords.len() {
        return None;
    }
    let (mut apart, mut extent) = (0f32, 0f32);
    for (m, n) in u.coords.chunks_exact(2).zip(v.coords.chunks_exact(2)) {
        apart = apart.max((m[0] - n[0]).hypot(m[1] - n[1]));
        extent = extent.max(n[0].hypot(n[1]));
    }
    // s(m) - t(n) = s(m - n) + (s - t)(n): bounded with the Frobenius norms.
    let norm = |l: [f32; 4]| l.iter().map(|c| c * c).sum::<f32>().sqrt();
    let diff = [0, 1, 2, 3].map(|i| s.linear[i] - t.linear[i]);
    let deformed = norm(s.linear) * apart;
    let reach = deformed + norm(diff) * extent;
    let shape_near = if s.mode == Mode::Glyph { GLYPH_NEAR_PT } else { NEAR_PT };
    (reach.is_finite() && reach <= NEAR_PT && deformed <= shape_near).then_some(reach)
}

/// Records the scene of each page as hayro interprets it (a [`Device`] that draws nothing);
/// keeps the glyph outlines of the whole document, each read once.
#[derive(Default)]
pub struct Recorder {
    /// The outlines read, by font, glyph and advance.
    outlines: FxHashMap<FontGlyph, Shape>,
    /// The page's scene, while it can be held.
    page: Option<Building>,
}

/// The page was given up (carried by the unwinding that stops its interpretation).
struct Dropped;

/// A glyph outline as it is known: font, glyph and advance.
type FontGlyph = (u128, u32, Option<u32>);

/// A glyph drawn: its outline, the bits of its linear transform, its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct GlyphKey {
    font: FontGlyph,
    linear: [u32; 4],
    rgba: [u8; 4],
}

/// A scene being recorded.
#[derive(Default)]
struct Building {
    scene: Scene,
    coords: usize,
    /// Each outline's shape in this scene.
    shapes: FxHashMap<FontGlyph, u32>,
    /// Each glyph style's index.
    glyphs: FxHashMap<GlyphKey, u32>,
    /// The blend mode last set.
    blend: Option<u8>,
}

impl Recorder {
    /// Starts recording a page.
    pub fn start(&mut self) {
        self.page = Some(Building::default());
    }

    /// The page's scene, once hayro has interpreted it.
    pub fn finish(&mut self) -> Option<Scene> {
        self.page.take().map(|b| b.scene)
    }

    /// Gives up the page's scene (it draws what a scene cannot hold, or too much) and stops
    /// interpreting it: the caller's catch of the unwinding ends the page with no scene.
    fn drop_page(&mut self) {
        self.page = None;
        resume_unwind(Box::new(Dropped));
    }

    /// A glyph drawn with `full` (its outline, a thousandth of an em a unit, to the page).
    fn glyph(&mut self, glyph: &Glyph<'_>, full: Affine, paint: &Paint<'_>, mode: &GlyphDrawMode) {
        let (outline, rgba) = match (glyph, mode, color(paint)) {
            (_, GlyphDrawMode::Invisible, _) => return,
            (Glyph::Outline(outline), GlyphDrawMode::Fill, Some(rgba)) => (outline, rgba),
            _ => return self.drop_page(),
        };
        let Some(page) = self.page.as_mut() else { return };
        let [a, b, c, d, x, y] = full.as_coeffs();
        let linear = [a, b, c, d].map(|n| n as f32);
        // A non-embedded CID font stretches a glyph to the width its code is given: the
        // advance is part of what the outline is known by.
        let advance = outline.advance_width().map(f32::to_bits);
        let font = (outline.font_cache_key(), outline.glyph_id().to_u32(), advance);
        let key = GlyphKey { font, linear: linear.map(f32::to_bits), rgba };
        let code = match page.glyphs.get(&key) {
            Some(&code) => code,
            None => {
                let shape = match page.shapes.get(&font) {
                    Some(&index) => index,
                    None => {
                        let shape = self
                            .outlines
                            .entry(font)
                            .or_insert_with(|| shape_of(&outline.outline(), Affine::IDENTITY));
                        let index = page.add_shape(shape.clone());
                        page.shapes.insert(font, index);
                        index
                    }
                };
                let code = page.add_style(Style { shape, linear, rgba, mode: Mode::Glyph });
                page.glyphs.insert(key, code);
                code
            }
        };
        page.scene.ops.push(Op { code, x: x as f32, y: y as f32 });
        self.check();
    }

    /// A path drawn with `transform`.
    fn path(&mut self, path: &BezPath, transform: Affine, paint: &Paint<'_>, mode: &PathDrawMode) {
        let (Some(rgba), Some(page)) = (color(paint), self.page.as_mut()) else {
            return self.drop_page();
        };
        let mode = match mode {
            PathDrawMode::Fill(rule) => Mode::Fill { even_odd: *rule == FillRule::EvenOdd },
            PathDrawMode::Stroke(props) => match stroke(props, transform) {
                Some(mode) => mode,
                None => return self.drop_page(),
            },
        };
        page.add_path(shape_of(path, transform), rgba, mode);
        self.check();
    }

    /// A clip pushed (its path already on the page).
    fn clip(&mut self, clip: &ClipPath) {
        let Some(page) = self.page.as_mut() else { return };
        let even_odd = clip.fill == FillRule::EvenOdd;
        page.add_path(shape_of(&clip.path, Affine::IDENTITY), [0; 4], Mode::Clip { even_odd });
        self.check();
    }

    /// The clip popped.
    fn pop_clip(&mut self) {
        self.special(POP_CLIP, 0.0, 0.0);
    }

    /// A group popped.
    fn pop_group(&mut self) {
        self.special(POP_GROUP, 0.0, 0.0);
    }

    /// A group pushed; one with a soft mask cannot be held.
    fn group(&mut self, opacity: f32, masked: bool, mode: BlendMode) {
        match masked {
            true => self.drop_page(),
            false => self.special(GROUP, opacity, f32::from(mode as u8)),
        }
    }

    /// A blend mode set (hayro sets one before each shape it draws: only changes are kept).
    fn blend(&mut self, mode: BlendMode) {
        let mode = mode as u8;
        match self.page.as_mut() {
            Some(page) if page.blend != Some(mode) => page.blend = Some(mode),
            _ => return,
        }
        self.special(BLEND, f32::from(mode), 0.0);
    }

    fn special(&mut self, code: u32, x: f32, y: f32) {
        if let Some(page) = self.page.as_mut() {
            page.scene.ops.push(Op { code, x, y });
        }
        self.check();
    }

    /// Gives up a page whose scene grew past its limits.
    fn check(&mut self) {
        if self.page.as_ref().is_some_and(|p| p.coords > MAX_COORDS || p.scene.ops.len() > MAX_OPS)
        {
            self.drop_page();
        }
    }
}

impl Building {
    fn add_shape(&mut self, shape: Shape) -> u32 {
        self.coords += shape.coords.len();
        self.scene.shapes.push(shape);
        (self.scene.shapes.len() - 1) as u32
    }

    fn add_style(&mut self, style: Style) -> u32 {
        self.scene.styles.push(style);
        (self.scene.styles.len() - 1) as u32
    }

    /// A path (already on the page) drawn at the origin.
    fn add_path(&mut self, shape: Shape, rgba: [u8; 4], mode: Mode) {
        let shape = self.add_shape(shape);
        let code = self.add_style(Style { shape, linear: [1.0, 0.0, 0.0, 1.0], rgba, mode });
        self.scene.ops.push(Op { code, x: 0.0, y: 0.0 });
    }
}

/// The recorder as hayro's device: each call recorded, nothing drawn.
impl<'a> Device<'a> for Recorder {
    fn set_soft_mask(&mut self, mask: Option<SoftMask<'a>>) {
        if mask.is_some() {
            self.drop_page();
        }
    }
    fn set_blend_mode(&mut self, mode: BlendMode) {
        self.blend(mode);
    }
    fn draw_path(
        &mut self,
        path: &BezPath,
        transform: Affine,
        paint: &Paint<'a>,
        mode: &PathDrawMode,
    ) {
        self.path(path, transform, paint, mode);
    }
    fn push_clip_path(&mut self, clip: &ClipPath) {
        self.clip(clip);
    }
    fn push_transparency_group(
        &mut self,
        opacity: f32,
        mask: Option<SoftMask<'a>>,
        mode: BlendMode,
    ) {
        self.group(opacity, mask.is_some(), mode);
    }
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        transform: Affine,
        glyph_transform: Affine,
        paint: &Paint<'a>,
        mode: &GlyphDrawMode,
    ) {
        self.glyph(glyph, transform * glyph_transform, paint, mode);
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {
        self.drop_page();
    }
    fn pop_clip_path(&mut self) {
        self.pop_clip();
    }
    fn pop_transparency_group(&mut self) {
        self.pop_group();
    }
}

/// A paint's colour, RGBA; `None` for a pattern.
fn color(paint: &Paint<'_>) -> Option<[u8; 4]> {
    match paint {
        Paint::Color(color) => Some(color.to_rgba().to_rgba8()),
        Paint::Pattern(_) => None,
    }
}

/// A stroke's mode with its widths on the page; `None` when `transform` does not scale both
/// ways alike (the stroke is then not a width on the page).
fn stroke(props: &StrokeProps, transform: Affine) -> Option<Mode> {
    let [a, b, c, d, _, _] = transform.as_coeffs();
    let (sx, sy) = (a.hypot(b), c.hypot(d));
    let conformal = (sx - sy).abs() <= 1e-3 * sx.max(sy) && (a * c + b * d).abs() <= 1e-3 * sx * sy;
    if !conformal || props.dash_array.len() > MAX_DASHES {
        return None;
    }
    let scale = sx as f32;
    let cap = match props.line_cap {
        Cap::Butt => 0,
        Cap::Round => 1,
        Cap::Square => 2,
    };
    let join = match props.line_join {
        Join::Bevel => 0,
        Join::Miter => 1,
        Join::Round => 2,
    };
    Some(Mode::Stroke {
        width: props.line_width * scale,
        cap,
        join,
        miter: props.miter_limit,
        dashes: props.dash_array.iter().map(|d| d * scale).collect(),
        offset: props.dash_offset * scale,
    })
}

/// `path` placed with `transform`, quadratic curves raised to cubic ones.
fn shape_of(path: &BezPath, transform: Affine) -> Shape {
    let mut shape = Shape::default();
    let mut at = Point::ZERO;
    let push = |shape: &mut Shape, verb: u8, points: &[Point]| {
        shape.verbs.push(verb);
        for p in points {
            let p = transform * *p;
            shape.coords.extend([p.x as f32, p.y as f32]);
        }
    };
    let mut start = Point::ZERO;
    for element in path.elements() {
        match *element {
            PathEl::MoveTo(p) => {
                push(&mut shape, MOVE, &[p]);
                (at, start) = (p, p);
            }
            PathEl::LineTo(p) => {
                push(&mut shape, LINE, &[p]);
                at = p;
            }
            PathEl::QuadTo(q, p) => {
                let c1 = at + (q - at) * (2.0 / 3.0);
                let c2 = p + (q - p) * (2.0 / 3.0);
                push(&mut shape, CURVE, &[c1, c2, p]);
                at = p;
            }
            PathEl::CurveTo(c1, c2, p) => {
                push(&mut shape, CURVE, &[c1, c2, p]);
                at = p;
            }
            PathEl::ClosePath => {
                push(&mut shape, CLOSE, &[]);
                at = start;
            }
        }
    }
    shape
}

/// Writes calls as fixed-size records, base64 in the answer.
fn write_ops<S: Serializer>(ops: &[Op], s: S) -> Result<S::Ok, S::Error> {
    let mut bytes = Vec::with_capacity(ops.len() * OP_BYTES);
    for op in ops {
        bytes.extend(op.code.to_le_bytes());
        bytes.extend(op.x.to_le_bytes());
        bytes.extend(op.y.to_le_bytes());
    }
    packed::write_bytes(&bytes, s)
}

/// Reads calls written by [`write_ops`].
fn read_ops<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Op>, D::Error> {
    let words = packed::words(d, OP_BYTES / 4)?;
    Ok(words
        .chunks_exact(3)
        .map(|w| Op { code: w[0], x: f32::from_bits(w[1]), y: f32::from_bits(w[2]) })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A glyph-like shape: a 500 × 700 box, in thousandths of an em.
    fn outline() -> Shape {
        let coords = vec![0.0, 0.0, 500.0, 0.0, 500.0, 700.0, 0.0, 700.0];
        Shape { verbs: vec![MOVE, LINE, LINE, LINE, CLOSE], coords }
    }

    /// A scene drawing the outline as a glyph at 10 pt (linear `scale`) at each of `at`.
    fn scene(scale: f32, rgba: [u8; 4], at: &[(f32, f32)]) -> Scene {
        let style = Style { shape: 0, linear: [scale, 0.0, 0.0, -scale], rgba, mode: Mode::Glyph };
        let ops = at.iter().map(|&(x, y)| Op { code: 0, x, y }).collect();
        Scene { shapes: vec![outline()], styles: vec![style], ops }
    }

    const BLACK: [u8; 4] = [0, 0, 0, 255];

    #[test]
    fn shapes_drawn_within_a_point_are_alike_and_any_other_drawing_is_not() {
        let signed = scene(0.01, BLACK, &[(72.0, 100.0), (80.0, 100.0)]);
        assert!(alike(&signed, &signed));
        let moved = scene(0.01, BLACK, &[(72.4, 100.3), (80.0, 100.0)]);
        assert!(alike(&signed, &moved), "half a point, as pdftocairo moves glyphs");
        let scaled = scene(0.0101, BLACK, &[(72.0, 100.0), (80.0, 100.0)]);
        assert!(alike(&signed, &scaled), "1 % of a 7 pt glyph is 0.1 pt");
        let far = scene(0.01, BLACK, &[(73.5, 100.0), (80.0, 100.0)]);
        assert!(!alike(&signed, &far), "a point and a half");
        let bigger = scene(0.012, BLACK, &[(72.0, 100.0), (80.0, 100.0)]);
        assert!(!alike(&signed, &bigger), "a 20 % larger glyph reaches 1.7 pt further");
        assert!(!alike(&signed, &scene(0.01, [255, 0, 0, 255], &[(72.0, 100.0), (80.0, 100.0)])));
        assert!(!alike(&signed, &scene(0.01, BLACK, &[(72.0, 100.0)])), "a glyph fewer");
        let mut other = signed.clone();
        other.shapes[0].coords[4] = 505.0;
        assert!(alike(&signed, &other), "5 units of an outline drawn at 10 pt: 0.07 pt");
        other.shapes[0].coords[4] = 540.0;
        assert!(!alike(&signed, &other), "40 units: 0.57 pt, a glyph of another shape");
        let mut path = other.clone();
        path.styles[0].mode = Mode::Fill { even_odd: false };
        let mut signed_path = signed.clone();
        signed_path.styles[0].mode = Mode::Fill { even_odd: false };
        assert!(alike(&signed_path, &path), "a path may move by a point, its points too");
        assert!(!alike(&signed, &signed_path), "a glyph is not a path");
        let mut grouped = signed.clone();
        grouped.ops.insert(0, Op { code: GROUP, x: 1.0, y: 0.0 });
        assert!(!alike(&signed, &grouped), "a call more");
        let mut faded = grouped.clone();
        faded.ops[0].x = 0.5;
        assert!(!alike(&grouped, &faded), "another opacity");
    }

    #[test]
    fn a_scene_drawing_one_large_shape_in_many_styles_is_compared_within_a_budget() {
        let big = Shape { verbs: vec![LINE; 1 << 19], coords: vec![1.0; 1 << 20] };
        let styles = (0..200u8)
            .map(|i| Style {
                shape: 0,
                linear: [1.0, 0.0, 0.0, 1.0],
                rgba: [i, 0, 0, 255],
                mode: Mode::Fill { even_odd: false },
            })
            .collect();
        let ops = (0..200).map(|code| Op { code, x: 0.0, y: 0.0 }).collect();
        let scene = Scene { shapes: vec![big], styles, ops };
        assert_eq!(scene.problem(), None);
        assert!(!alike(&scene, &scene), "past the budget: rendered, not compared");
    }

    #[test]
    fn scenes_round_trip_and_scenes_out_of_shape_are_refused() {
        let mut signed = scene(0.01, BLACK, &[(72.0, 100.0)]);
        signed.ops.push(Op { code: POP_CLIP, x: 0.0, y: 0.0 });
        let json = serde_json::to_vec(&signed).unwrap();
        let back: Scene = serde_json::from_slice(&json).unwrap();
        assert_eq!(back, signed);
        assert_eq!(back.problem(), None);
        let mut wrong = signed.clone();
        wrong.ops[0].code = 1;
        assert!(wrong.problem().is_some(), "no such style");
        let mut wrong = signed.clone();
        wrong.shapes[0].coords.pop();
        assert!(wrong.problem().is_some(), "a point cut short");
        let mut wrong = signed.clone();
        wrong.ops[0].x = f32::NAN;
        assert!(wrong.problem().is_some(), "not a number");
        let mut wrong = signed;
        wrong.shapes[0].verbs[1] = 2;
        assert!(wrong.problem().is_some(), "no such verb");
        let cut = br#"{"shapes":[],"styles":[],"ops":"AAAA"}"#;
        assert!(serde_json::from_slice::<Scene>(cut).is_err(), "a call cut short");
    }

    #[test]
    fn quadratic_curves_are_the_cubic_curves_they_are_and_strokes_are_widths_on_the_page() {
        let mut path = BezPath::new();
        path.move_to((0.0, 0.0));
        path.quad_to((3.0, 6.0), (6.0, 0.0));
        let shape = shape_of(&path, Affine::IDENTITY);
        assert_eq!(shape.verbs, [MOVE, CURVE]);
        assert_eq!(shape.coords, [0.0, 0.0, 2.0, 4.0, 4.0, 4.0, 6.0, 0.0]);
        let props = StrokeProps { line_width: 5.0, ..StrokeProps::default() };
        let Some(Mode::Stroke { width, .. }) = stroke(&props, Affine::scale(0.1)) else {
            panic!("a uniform scale keeps a width")
        };
        assert!((width - 0.5).abs() < 1e-6, "Ghostscript's 5 units at 0.1: {width}");
        assert_eq!(stroke(&props, Affine::scale_non_uniform(0.1, 0.2)), None);
    }
}
