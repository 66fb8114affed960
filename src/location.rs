//! A place in a text file, `path:line:col`, as every message about a config or a template set
//! names it.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::chars::Shown as _;

/// A place in a file: `path:line:col`, 1-based, columns counted in characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// File the place is in.
    pub path: PathBuf,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub col: usize,
}

impl Location {
    /// The location of byte offset `at` in `text`.
    pub fn of(path: &Path, text: &str, at: usize) -> Self {
        let at = at.min(text.len());
        let before = text.get(..at).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Self { path: path.to_path_buf(), line, col }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.shown(), self.line, self.col)
    }
}

/// A text file kept with its path, for locating byte spans in it.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// Where the text was read from (named in messages).
    pub path: &'a Path,
    /// The text.
    pub text: &'a str,
}

impl Source<'_> {
    /// The location of the start of `span`.
    pub fn locate(&self, span: &Range<usize>) -> Location {
        Location::of(self.path, self.text, span.start)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Location;

    #[test]
    fn columns_count_characters_and_lines_start_at_one() {
        let text = "a = 1\nbé = \"x\"\n";
        let at = text.find('"').unwrap();
        let loc = Location::of(Path::new("f.toml"), text, at);
        assert_eq!((loc.line, loc.col), (2, 6));
        assert_eq!(loc.to_string(), "f.toml:2:6");
        assert_eq!(Location::of(Path::new("f"), text, 10_000).line, 3);
    }
}
