//! The text of a document as accord compares it: words in reading order, each with its page
//! and line, and where it is drawn (to mark it on a picture of the page).

use serde::{Deserialize, Serialize};

/// One word of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Word {
    /// The word's characters (ligatures spelled out).
    pub text: String,
    /// Page number, from 1.
    pub page: usize,
    /// Line number within the whole document, from 0, in reading order.
    pub line: usize,
    /// Whether the word sits in the page's footer area.
    pub footer: bool,
    /// Where it is drawn, when it sits on a level line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Place>,
}

/// A box on a page, in points from its top left corner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

// Places are compared as numbers read from the same PDF: never NaN (the reader's check
// refuses an answer holding one).
impl Eq for Place {}

impl Place {
    /// Whether it is a box of finite, non-negative size.
    pub fn is_sane(&self) -> bool {
        [self.x, self.y, self.width, self.height].iter().all(|v| v.is_finite())
            && self.width >= 0.0
            && self.height >= 0.0
    }
}

/// The text of a document: its words in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Number of pages read.
    pub pages: usize,
    /// Every word, page by page, line by line.
    pub words: Vec<Word>,
}

impl Text {
    /// The words' texts, in order.
    pub fn tokens(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.text.as_str()).collect()
    }
}
