//! Where a word of a signed document sits in its structure ("Article 2, paragraph 1").
//!
//! accord keeps all document wording in its templates and catalog, so the markers that divide a
//! document come from data: a [`StructureSpec`] lists the parts in document order, each with
//! the words that begin it at the start of a line. A part whose start contains `{n}` is
//! numbered and repeats (Article 1, Article 2, …); a word "N." that begins a line starts
//! paragraph N of a part only if N is the next number expected there, so "Resolution No. 1309"
//! or "Article 15 of this Agreement." never count. Only the signed documents are divided: they
//! are accord's own layout, where headings and paragraph numbers always begin a line.

use crate::pdftext::Text;
use crate::set::{PartSpec, StructureSpec};

/// Stands for the part's number in `starts` and in labels.
const NUMBER: &str = "{n}";
/// Stands for the paragraph number in labels.
const PARAGRAPH: &str = "{p}";
/// Stands for the page number in the footer label.
const PAGE: &str = "{page}";

/// The label of every word of a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Structure {
    labels: Vec<String>,
    of_word: Vec<usize>,
}

/// Where the scan is: which part, its number, its paragraph and heading.
struct Position {
    part: Option<usize>,
    number: u32,
    paragraph: u32,
    heading_until: usize,
}

impl Structure {
    /// Divides a signed document's words as `spec` says.
    pub fn new(text: &Text, spec: &StructureSpec) -> Self {
        let mut structure = Structure::default();
        let mut at = Position { part: None, number: 0, paragraph: 0, heading_until: 0 };
        let mut label = String::new();
        for (i, word) in text.words.iter().enumerate() {
            let line_start = i == 0 || text.words[i - 1].line != word.line;
            if word.footer {
                let footer = spec.footer.replace(PAGE, &word.page.to_string());
                structure.push(footer);
                continue;
            }
            if line_start {
                if let Some(found) = next_part(text, i, spec, &at) {
                    let numbered = spec.parts[found].starts.iter().any(|s| s == NUMBER);
                    let number = if at.part == Some(found) { at.number + 1 } else { 1 };
                    let heading_until = word.line + spec.parts[found].heading_lines;
                    let number = if numbered { number } else { 0 };
                    at = Position { part: Some(found), number, paragraph: 0, heading_until };
                }
                if let Some(part) = at.part.map(|p| &spec.parts[p]) {
                    if part.paragraphs.is_some() && word.text == format!("{}.", at.paragraph + 1) {
                        at.paragraph += 1;
                    }
                }
                label = at.label(spec, word.line);
            }
            structure.push(label.clone());
        }
        structure
    }

    fn push(&mut self, label: String) {
        if self.labels.last() != Some(&label) {
            self.labels.push(label);
        }
        self.of_word.push(self.labels.len() - 1);
    }

    /// The label of word `index` (the last word's for an index past the end).
    pub fn locate(&self, index: usize) -> &str {
        let at = self.of_word.get(index).or(self.of_word.last());
        at.and_then(|&l| self.labels.get(l)).map_or("", String::as_str)
    }
}

impl Position {
    /// The label of a line of the current part.
    fn label(&self, spec: &StructureSpec, line: usize) -> String {
        let Some(part) = self.part.map(|p| &spec.parts[p]) else { return String::new() };
        let format = match (&part.heading, &part.paragraphs) {
            (Some(heading), _) if line <= self.heading_until && self.paragraph == 0 => heading,
            (_, Some(paragraphs)) if self.paragraph > 0 => paragraphs,
            _ => &part.name,
        };
        format
            .replace(NUMBER, &self.number.to_string())
            .replace(PARAGRAPH, &self.paragraph.to_string())
    }
}

/// The part that begins at word `i` (a line start): the current part again if it is numbered,
/// else the next part; the first part begins the document when its `starts` is empty.
fn next_part(text: &Text, i: usize, spec: &StructureSpec, at: &Position) -> Option<usize> {
    let Some(current) = at.part else {
        let first = spec.parts.first()?;
        return first
            .starts
            .is_empty()
            .then_some(0)
            .or_else(|| starts_here(text, i, first, 1).then_some(0));
    };
    let part = &spec.parts[current];
    if part.starts.iter().any(|s| s == NUMBER) && starts_here(text, i, part, at.number + 1) {
        return Some(current);
    }
    let next = spec.parts.get(current + 1)?;
    starts_here(text, i, next, 1).then_some(current + 1)
}

/// Whether the words from `i` on are `part`'s start, `{n}` being `number`.
fn starts_here(text: &Text, i: usize, part: &PartSpec, number: u32) -> bool {
    if part.starts.is_empty() {
        return false;
    }
    let Some(words) = text.words.get(i..i + part.starts.len()) else { return false };
    let line = text.words[i].line;
    let same_line = words.iter().all(|w| w.line == line);
    let number = number.to_string();
    let matches = words.iter().zip(&part.starts).all(|(w, s)| {
        let expected = s.replace(NUMBER, &number);
        w.text == expected
    });
    let line_ends = text.words.get(i + part.starts.len()).is_none_or(|w| w.line != line);
    same_line && matches && (!part.whole_line || line_ends)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdftext::Word;

    fn text(lines: &[&str]) -> Text {
        let mut words = Vec::new();
        for (line, l) in lines.iter().enumerate() {
            let footer = l.starts_with("Original");
            for w in l.split_whitespace() {
                words.push(Word { text: w.into(), page: 1, line, footer, at: None });
            }
        }
        Text { pages: 1, words }
    }

    const SPEC: &str = r#"
        footer = "footer (page {page})"
        [[parts]]
        name = "title"
        [[parts]]
        name = "Article {n}"
        starts = ["Article", "{n}"]
        whole_line = true
        heading = "Article {n}, heading"
        heading_lines = 1
        paragraphs = "Article {n}, paragraph {p}"
        [[parts]]
        name = "testimonium"
        starts = ["In", "witness"]
    "#;

    #[test]
    fn articles_paragraphs_and_false_numbers() {
        let spec: StructureSpec = toml::from_str(SPEC).unwrap();
        let t = text(&[
            "AGREEMENT",
            "Article 1",
            "Purpose",
            "Text 2. here",
            "Article 3 of this",
            "Article 2",
            "Principles",
            "1. one",
            "3. no",
            "Original 1 of 2 1",
            "2. two",
            "In witness",
        ]);
        let structure = Structure::new(&t, &spec);
        let labels: Vec<&str> = (0..t.words.len()).map(|i| structure.locate(i)).collect();
        let at = |w: &str| labels[t.words.iter().position(|x| x.text == w).unwrap()];
        assert_eq!(at("AGREEMENT"), "title");
        assert_eq!(at("Purpose"), "Article 1, heading");
        assert_eq!(at("here"), "Article 1");
        assert_eq!(at("this"), "Article 1");
        assert_eq!(at("Principles"), "Article 2, heading");
        assert_eq!(at("one"), "Article 2, paragraph 1");
        assert_eq!(at("no"), "Article 2, paragraph 1");
        assert_eq!(at("Original"), "footer (page 1)");
        assert_eq!(at("two"), "Article 2, paragraph 2");
        assert_eq!(at("witness"), "testimonium");
    }
}
