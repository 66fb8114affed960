//! PDF's lexical rules (ISO 32000-1, 7.2), as a parser applies them: white space includes NUL
//! and form feed, `%` comments run to the end of the line (a `(` in one opens nothing),
//! literal strings nest their parentheses and escape with `\`, `<…>` is a hex string and `<<`
//! a dictionary, and a name is one token whatever it spells (`/upstream` is no `stream`).

/// One token, with the bytes it spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// `[`.
    OpenArray,
    /// `<<`.
    OpenDict,
    /// `]` or `>>`.
    Close,
    /// `{` or `}` (PostScript calculator functions), which nest nothing hayro recurses on.
    Brace,
    /// A name, without its `/`.
    Name(&'a [u8]),
    /// A literal or hex string (its raw bytes, delimiters included).
    String(&'a [u8]),
    /// A number, a keyword or an operator.
    Regular(&'a [u8]),
}

/// Whether `b` is PDF white space.
pub fn is_space(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

/// Whether `b` is a PDF delimiter.
pub fn is_delimiter(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

/// Whether `b` belongs to a regular token.
fn is_regular(b: u8) -> bool {
    !is_space(b) && !is_delimiter(b)
}

/// The tokens of some PDF syntax, from a position.
#[derive(Debug, Clone)]
pub struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// Tokens of `bytes` from `pos`.
    pub fn new(bytes: &'a [u8], pos: usize) -> Self {
        Self { bytes, pos }
    }

    /// Where the next token is looked for.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves the lexer to `pos`.
    pub fn seek(&mut self, pos: usize) {
        self.pos = pos.min(self.bytes.len());
    }

    /// The byte at `i`, if any.
    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    /// Skips white space and comments.
    fn skip_trivia(&mut self) {
        while let Some(b) = self.at(self.pos) {
            if is_space(b) {
                self.pos += 1;
            } else if b == b'%' {
                let rest = &self.bytes[self.pos..];
                self.pos +=
                    rest.iter().position(|&c| c == b'\n' || c == b'\r').unwrap_or(rest.len());
            } else {
                break;
            }
        }
    }

    /// The end of the literal string that opens at `start`.
    fn string_end(&self, start: usize) -> usize {
        let (mut open, mut i) = (0usize, start);
        while let Some(b) = self.at(i) {
            match b {
                b'\\' => i += 1,
                b'(' => open += 1,
                b')' if open <= 1 => return i + 1,
                b')' => open -= 1,
                _ => {}
            }
            i += 1;
        }
        self.bytes.len()
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        self.skip_trivia();
        let start = self.pos;
        let b = self.at(start)?;
        let next = self.at(start + 1);
        let (token, end) = match b {
            b'[' => (Token::OpenArray, start + 1),
            b']' => (Token::Close, start + 1),
            b'<' if next == Some(b'<') => (Token::OpenDict, start + 2),
            b'>' if next == Some(b'>') => (Token::Close, start + 2),
            b'{' | b'}' => (Token::Brace, start + 1),
            b'(' => {
                let end = self.string_end(start);
                (Token::String(&self.bytes[start..end]), end)
            }
            b'<' => {
                let rest = &self.bytes[start..];
                let end =
                    start + rest.iter().position(|&c| c == b'>').map_or(rest.len(), |p| p + 1);
                (Token::String(&self.bytes[start..end]), end)
            }
            b'/' => {
                let len = self.bytes[start + 1..].iter().take_while(|&&c| is_regular(c)).count();
                (Token::Name(&self.bytes[start + 1..start + 1 + len]), start + 1 + len)
            }
            // A stray `)` or `>`: a parser skips it as one byte.
            b')' | b'>' => (Token::Regular(&self.bytes[start..start + 1]), start + 1),
            _ => {
                let len = self.bytes[start..].iter().take_while(|&&c| is_regular(c)).count();
                (Token::Regular(&self.bytes[start..start + len]), start + len)
            }
        };
        self.pos = end;
        Some(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(bytes: &[u8]) -> Vec<Token<'_>> {
        Lexer::new(bytes, 0).collect()
    }

    #[test]
    fn comments_strings_names_and_white_space_as_a_parser_reads_them() {
        use Token::*;
        assert_eq!(
            kinds(b"% ( [[ \n[/upstream (a(b)\\)c)<00 ff>\0q<<>>1 0 obj"),
            [
                OpenArray,
                Name(b"upstream"),
                String(b"(a(b)\\)c)"),
                String(b"<00 ff>"),
                Regular(b"q"),
                OpenDict,
                Close,
                Regular(b"1"),
                Regular(b"0"),
                Regular(b"obj"),
            ]
        );
        assert_eq!(kinds(b"q%c\rQ"), [Regular(b"q"), Regular(b"Q")]);
        assert_eq!(kinds(b"(unterminated [["), [String(b"(unterminated [[")]);
    }
}
