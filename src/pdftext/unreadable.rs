//! Why the reader will not read a file: not a PDF, encrypted, or past one of its [limits](super::limits).

use std::fmt;

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::limits::MAX_WORK;
use super::limits::{MAX_GLYPHS, MAX_NESTING, MAX_PAGES, MAX_SAVE_NESTING};

/// Why a file cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unreadable {
    /// The file is not a PDF hayro can parse.
    NotPdf,
    /// The file is encrypted.
    Encrypted,
    /// More pages than [`MAX_PAGES`].
    TooManyPages(usize),
    /// More glyphs than [`MAX_GLYPHS`].
    TooManyGlyphs,
    /// Arrays, dictionaries or `q` nested deeper than the guard allows.
    TooDeep,
    /// Streams that decode beyond the guard's caps.
    TooLarge,
    /// Drawing its pages takes more than [`MAX_WORK`], or scanning it more than its size allows.
    TooComplex,
    /// The reader failed on it.
    Failed,
}

impl Unreadable {
    /// Whether the file exceeded a limit, as a file made to exhaust a reader does.
    pub fn exceeds_limits(self) -> bool {
        !matches!(self, Unreadable::NotPdf | Unreadable::Encrypted)
    }
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::NotPdf => f.write_str("it is not a readable PDF"),
            Unreadable::Encrypted => f.write_str("it is encrypted"),
            Unreadable::TooManyPages(n) => write!(f, "it has {n} pages, more than {MAX_PAGES}"),
            Unreadable::TooManyGlyphs => write!(f, "it shows more than {MAX_GLYPHS} characters"),
            Unreadable::TooDeep => write!(
                f,
                "it nests objects more than {MAX_NESTING} deep, or graphics states more than \
                 {MAX_SAVE_NESTING}"
            ),
            Unreadable::TooLarge => f.write_str("its streams decode to too many bytes"),
            Unreadable::TooComplex => f.write_str("its pages take too much work to draw"),
            Unreadable::Failed => f.write_str("the PDF reader failed on it"),
        }
    }
}

impl std::error::Error for Unreadable {}
