//! The text of a document as accord compares it: words in reading order, each with its page
//! and line.

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
