//! What the worker process says of a PDF ([`super::read`]), and the checks its reader applies
//! before believing it: the answer crossed a process boundary from code that parsed hostile
//! bytes, so it is bounded and checked for consistency, never trusted to be well-formed.

use serde::{Deserialize, Serialize};

use super::limits::{MAX_GLYPHS, MAX_PAGES};
use super::observe::Facts;
use super::packed;
use super::scene::Scene;
use super::text::Text;

/// Longest word, annotation type, field name or signer name accepted in an answer, in bytes.
const MAX_STRING: usize = 4096;
/// Most annotations on a page, and most form fields, accepted in an answer.
const MAX_MARKS: usize = 10_000;
/// Largest render accepted, in pixels a side.
pub const MAX_RENDER_SIDE: u16 = 2048;

/// Everything accord reads of a PDF.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// Its words.
    pub text: Text,
    /// Each page.
    pub pages: Vec<PageView>,
    /// Its form fields (signature fields included).
    pub fields: Vec<Field>,
    /// What its bytes say of how it was made.
    pub facts: Facts,
}

/// One page as it is seen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageView {
    /// Width, in points (rotation applied).
    pub width: f32,
    /// Height, in points.
    pub height: f32,
    /// The subtype of each annotation (`Text`, `FreeText`, `Widget`, …).
    pub annotations: Vec<String>,
    /// The page rendered at low resolution, if it was.
    pub render: Option<Render>,
    /// The digest of what it draws (hex SHA-256), when it was small enough to take.
    pub drawing: Option<String>,
    /// What it draws, call by call, when a scene can hold it.
    pub scene: Option<Scene>,
    /// Its content holds what PDF readers read each in its own way (a stray `]` or `>>`, a
    /// text render mode outside 0 to 7, an operator with more or fewer operands than it takes).
    pub read_apart: bool,
}

/// A page rendered in gray levels, one byte a pixel, row by row (0 black, 255 white).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Render {
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// The pixels, base64 in the answer.
    #[serde(serialize_with = "packed::write_bytes", deserialize_with = "packed::read_bytes")]
    pub gray: Vec<u8>,
}

impl Render {
    /// Why the render cannot be believed, if it cannot.
    pub fn problem(&self) -> Option<&'static str> {
        let pixels = usize::from(self.width) * usize::from(self.height);
        let sides = self.width > MAX_RENDER_SIDE || self.height > MAX_RENDER_SIDE;
        (sides || self.gray.len() != pixels).then_some("a render of the wrong size")
    }
}

/// One form field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Its type: `Tx` (text), `Btn`, `Ch` (choice), `Sig` (signature), or empty.
    pub kind: String,
    /// Whether it holds a value (a signature field: whether it is signed).
    pub filled: bool,
    /// For a signed signature field, the common name of the signer's certificate, if found.
    pub signer: Option<String>,
}

impl Reading {
    /// Why the answer cannot be believed, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let text = &self.text;
        if text.pages != self.pages.len() || text.pages > MAX_PAGES {
            return Some(format!("{} pages of text, {} pages", text.pages, self.pages.len()));
        }
        if text.words.len() > MAX_GLYPHS {
            return Some("more words than glyphs".into());
        }
        let mut last = (1, 0);
        for word in &text.words {
            let at = (word.page, word.line);
            if word.page == 0
                || word.page > text.pages
                || at < last
                || word.text.len() > MAX_STRING
                || word.at.is_some_and(|p| !p.is_sane())
            {
                return Some("a word out of place".into());
            }
            last = at;
        }
        for page in &self.pages {
            let sizes = [page.width, page.height];
            if sizes.iter().any(|s| !s.is_finite() || *s < 0.0) {
                return Some("a page of no size".into());
            }
            if page.drawing.as_ref().is_some_and(|d| d.len() != 64) {
                return Some("a drawing digest of the wrong size".into());
            }
            if page.annotations.len() > MAX_MARKS
                || page.annotations.iter().any(|a| a.len() > MAX_STRING)
            {
                return Some("too many annotations".into());
            }
            if let Some(problem) = page.render.as_ref().and_then(Render::problem) {
                return Some(problem.into());
            }
            if let Some(problem) = page.scene.as_ref().and_then(Scene::problem) {
                return Some(problem.into());
            }
        }
        let long = |s: &Option<String>| s.as_ref().is_some_and(|s| s.len() > MAX_STRING);
        if self.fields.len() > MAX_MARKS
            || self.fields.iter().any(|f| f.kind.len() > MAX_STRING || long(&f.signer))
        {
            return Some("too many form fields".into());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdftext::text::Word;

    #[test]
    fn answers_out_of_shape_are_refused() {
        let word = |page, line| Word { text: "x".into(), page, line, footer: false, at: None };
        let mut reading = Reading {
            text: Text { pages: 1, words: vec![word(1, 0), word(1, 1)] },
            pages: vec![PageView { width: 595.0, height: 842.0, ..PageView::default() }],
            ..Reading::default()
        };
        assert_eq!(reading.problem(), None);
        reading.text.words.push(word(2, 2));
        assert!(reading.problem().is_some());
        reading.text.words.pop();
        reading.pages[0].render = Some(Render { width: 2, height: 2, gray: vec![0; 3] });
        assert!(reading.problem().is_some());
    }
}
