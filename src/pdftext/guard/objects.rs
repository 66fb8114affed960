//! The objects of a file as hayro may come to parse them, found without hayro: every `N G obj`
//! header anywhere in the bytes (an xref may point into what looks like a stream's body), the
//! trailers, and the objects packed in object streams. Of each, how deep its value nests, and
//! the few entries of its dictionary the guard needs; of each stream, its body.

use std::collections::HashMap;

use super::lexer::{is_space, Lexer, Token};

/// An object number and generation.
pub type Id = (u32, u16);

/// A value of a dictionary entry, as far as the guard looks into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// `/Name`.
    Name(&'a [u8]),
    /// An integer.
    Int(i64),
    /// `N G R`.
    Ref(Id),
    /// An array of names, integers, references and dictionaries (other items left out).
    Array(Vec<Value<'a>>),
    /// A dictionary's entries that are names, integers or references (`/DecodeParms`).
    Dict(Vec<Entry<'a>>),
    /// Anything else.
    Other,
}

/// A dictionary entry: its key (without `/`) and value.
pub type Entry<'a> = (&'a [u8], Value<'a>);

/// One object.
#[derive(Debug, Clone, Default)]
pub struct Object<'a> {
    /// Its number and generation (`None` for a trailer).
    pub id: Option<Id>,
    /// The top-level entries of its dictionary, if its value is one.
    pub dict: Vec<Entry<'a>>,
    /// How deep its value nests arrays and dictionaries.
    pub depth: usize,
    /// Where a stream's data starts in the file.
    pub stream_at: Option<usize>,
    /// The value of an object that is an integer (an indirect `/Length`).
    pub integer: Option<i64>,
}

impl<'a> Object<'a> {
    /// The value of `key` in its dictionary.
    pub fn get(&self, key: &[u8]) -> Option<&Value<'a>> {
        self.dict.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The name `key` holds.
    pub fn name(&self, key: &[u8]) -> Option<&'a [u8]> {
        match self.get(key)? {
            Value::Name(name) => Some(name),
            _ => None,
        }
    }

    /// The integer `key` holds.
    pub fn int(&self, key: &[u8]) -> Option<i64> {
        match self.get(key)? {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The names `key` holds: one, or an array of them (`/Filter`).
    pub fn names(&self, key: &[u8]) -> Vec<Vec<u8>> {
        match self.get(key) {
            Some(Value::Name(name)) => vec![name.to_vec()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::Name(name) => name.to_vec(),
                    _ => Vec::new(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The decode parameters of each filter (`/DecodeParms`: one dictionary, or an array).
    pub fn decode_parms(&self) -> Vec<Option<&[Entry<'a>]>> {
        match self.get(b"DecodeParms") {
            Some(Value::Dict(entries)) => vec![Some(entries.as_slice())],
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::Dict(entries) => Some(entries.as_slice()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The references `key` holds: one, or an array of them (`/Kids`, `/Contents`).
    pub fn refs(&self, key: &[u8]) -> Vec<Id> {
        match self.get(key) {
            Some(Value::Ref(id)) => vec![*id],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| match v {
                    Value::Ref(id) => Some(*id),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The work a scan may do: tokens read, as a multiple of the file's size (values found inside
/// other values are read twice; a file made of nothing else would take quadratic time).
const WORK_PER_BYTE: usize = 4;

/// The scan went on too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMuchWork;

/// Reads values from a lexer, within a budget of tokens.
struct Reader<'a, 'b> {
    lexer: Lexer<'a>,
    work: &'b mut usize,
}

impl<'a> Reader<'a, '_> {
    fn next(&mut self) -> Result<Option<Token<'a>>, TooMuchWork> {
        *self.work = self.work.checked_sub(1).ok_or(TooMuchWork)?;
        Ok(self.lexer.next())
    }

    /// Reads one object's value into `object`: its nesting, and a dictionary's top-level
    /// entries; returns its first token.
    fn object(&mut self, object: &mut Object<'a>) -> Result<Option<Token<'a>>, TooMuchWork> {
        let first = self.next()?;
        match first {
            Some(Token::OpenDict) => self.entries(object)?,
            Some(Token::OpenArray) => self.skip(1, object)?,
            Some(Token::Regular(n)) if is_int(n) => object.integer = parse(n).ok(),
            _ => {}
        }
        Ok(first)
    }

    /// Reads the entries of a top-level dictionary, up to its end.
    fn entries(&mut self, object: &mut Object<'a>) -> Result<(), TooMuchWork> {
        object.depth = object.depth.max(1);
        loop {
            let Some(token) = self.next()? else { return Ok(()) };
            let key = match token {
                Token::Name(key) => key,
                Token::Close | Token::Regular(b"endobj" | b"stream") => return Ok(()),
                Token::OpenArray | Token::OpenDict => {
                    self.skip(2, object)?;
                    continue;
                }
                _ => continue,
            };
            let value = match self.next()? {
                Some(Token::Name(name)) => Value::Name(name),
                Some(Token::OpenArray) => Value::Array(self.array(object)?),
                Some(Token::OpenDict) => Value::Dict(self.small_dict(2, object)?),
                Some(Token::Regular(n)) if is_int(n) => self.int_or_ref(n)?,
                Some(Token::Close) | None => return Ok(()),
                Some(Token::Regular(b"endobj" | b"stream")) => return Ok(()),
                Some(_) => Value::Other,
            };
            object.dict.push((key, value));
        }
    }

    /// An integer, or the reference it begins (`N G R`).
    fn int_or_ref(&mut self, n: &'a [u8]) -> Result<Value<'a>, TooMuchWork> {
        let mut ahead = self.lexer.clone();
        if let (Some(Token::Regular(g)), Some(Token::Regular(b"R"))) = (ahead.next(), ahead.next())
        {
            if is_int(g) {
                self.next()?;
                self.next()?;
                return Ok(match (parse(n), parse(g)) {
                    (Ok(n), Ok(g)) => Value::Ref((n, g)),
                    _ => Value::Other,
                });
            }
        }
        Ok(parse(n).map_or(Value::Other, Value::Int))
    }

    /// The names, integers and references of an array at depth 2, up to its end.
    fn array(&mut self, object: &mut Object<'a>) -> Result<Vec<Value<'a>>, TooMuchWork> {
        object.depth = object.depth.max(2);
        let mut items = Vec::new();
        loop {
            match self.next()? {
                None | Some(Token::Close) => return Ok(items),
                Some(Token::Name(name)) => items.push(Value::Name(name)),
                Some(Token::Regular(n)) if is_int(n) => items.push(self.int_or_ref(n)?),
                Some(Token::Regular(b"endobj" | b"stream")) => return Ok(items),
                Some(Token::OpenDict) => items.push(Value::Dict(self.small_dict(3, object)?)),
                Some(Token::OpenArray) => {
                    self.skip(3, object)?;
                    items.push(Value::Other);
                }
                Some(_) => items.push(Value::Other),
            }
        }
    }

    /// The name, integer and reference entries of a dictionary opened at `depth`, up to its
    /// end.
    fn small_dict(
        &mut self,
        depth: usize,
        object: &mut Object<'a>,
    ) -> Result<Vec<Entry<'a>>, TooMuchWork> {
        object.depth = object.depth.max(depth);
        let mut entries = Vec::new();
        let mut key = None;
        loop {
            let value = match self.next()? {
                None | Some(Token::Close) => return Ok(entries),
                Some(Token::Regular(b"endobj" | b"stream")) => return Ok(entries),
                Some(Token::Name(name)) if key.is_none() => {
                    key = Some(name);
                    continue;
                }
                Some(Token::Name(name)) => Value::Name(name),
                Some(Token::Regular(n)) if is_int(n) => self.int_or_ref(n)?,
                Some(Token::OpenArray | Token::OpenDict) => {
                    self.skip(depth + 1, object)?;
                    Value::Other
                }
                Some(_) => Value::Other,
            };
            if let Some(k) = key.take() {
                entries.push((k, value));
            }
        }
    }

    /// Skips to the end of an array or dictionary opened at `depth`, recording how deep it
    /// nests.
    fn skip(&mut self, depth: usize, object: &mut Object<'a>) -> Result<(), TooMuchWork> {
        let mut at = depth;
        object.depth = object.depth.max(at);
        while at >= depth {
            match self.next()? {
                None | Some(Token::Regular(b"endobj" | b"stream")) => return Ok(()),
                Some(Token::OpenArray | Token::OpenDict) => {
                    at += 1;
                    object.depth = object.depth.max(at);
                }
                Some(Token::Close) => at -= 1,
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// Whether a regular token is an integer.
fn is_int(token: &[u8]) -> bool {
    let digits = token.strip_prefix(b"-").or_else(|| token.strip_prefix(b"+")).unwrap_or(token);
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

fn parse<T: std::str::FromStr>(token: &[u8]) -> Result<T, ()> {
    std::str::from_utf8(token).map_err(|_| ())?.parse().map_err(|_| ())
}

/// Every object and trailer of `bytes`, as written in the file (not those in object streams).
pub fn scan(bytes: &[u8]) -> Result<Vec<Object<'_>>, TooMuchWork> {
    let mut work = bytes.len().saturating_mul(WORK_PER_BYTE).max(1 << 16);
    let mut objects = Vec::new();
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"obj").map(|p| p + at) {
        at = found + 3;
        let Some(id) = header_before(bytes, found) else { continue };
        let mut reader = Reader { lexer: Lexer::new(bytes, at), work: &mut work };
        let mut object = Object { id: Some(id), ..Object::default() };
        if let Some(Token::OpenDict) = reader.object(&mut object)? {
            let mut peek = reader.lexer.clone();
            let stream = peek.next() == Some(Token::Regular(b"stream"));
            object.stream_at = stream.then(|| body_start(bytes, peek.pos()));
        }
        objects.push(object);
    }
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"trailer").map(|p| p + at) {
        at = found + 7;
        let mut reader = Reader { lexer: Lexer::new(bytes, at), work: &mut work };
        let mut object = Object::default();
        reader.object(&mut object)?;
        objects.push(object);
    }
    Ok(objects)
}

/// The objects packed in an object stream whose decoded bytes are `data`, `first` being where
/// the first object starts and `count` how many there are.
pub fn unpack(data: &[u8], first: usize, count: usize) -> Result<Vec<Object<'_>>, TooMuchWork> {
    let mut work = data.len().saturating_mul(WORK_PER_BYTE).max(1 << 16);
    let header: Vec<i64> = Lexer::new(&data[..first.min(data.len())], 0)
        .map_while(|t| match t {
            Token::Regular(n) => parse(n).ok(),
            _ => None,
        })
        .take(count.saturating_mul(2))
        .collect();
    let mut objects = Vec::new();
    for pair in header.chunks_exact(2) {
        let (Ok(number), Ok(offset)) = (u32::try_from(pair[0]), usize::try_from(pair[1])) else {
            continue;
        };
        let Some(start) = first.checked_add(offset).filter(|&s| s < data.len()) else { continue };
        let mut reader = Reader { lexer: Lexer::new(data, start), work: &mut work };
        let mut object = Object { id: Some((number, 0)), ..Object::default() };
        reader.object(&mut object)?;
        objects.push(object);
    }
    Ok(objects)
}

/// The object number and generation written before the `obj` at `at`, if any.
fn header_before(bytes: &[u8], at: usize) -> Option<Id> {
    let before = &bytes[..at];
    let gen_end = before.iter().rposition(|&b| !is_space(b))? + 1;
    let gen_start =
        before[..gen_end].iter().rposition(|b| !b.is_ascii_digit()).map_or(0, |p| p + 1);
    let gap = before[..gen_start].iter().rposition(|&b| !is_space(b))? + 1;
    if gap == gen_start || gen_start == gen_end {
        return None;
    }
    let num_start = before[..gap].iter().rposition(|b| !b.is_ascii_digit()).map_or(0, |p| p + 1);
    if num_start == gap {
        return None;
    }
    Some((parse(&before[num_start..gap]).ok()?, parse(&before[gen_start..gen_end]).ok()?))
}

/// Where a stream's data starts, after the `stream` keyword at `after` and its line end.
fn body_start(bytes: &[u8], after: usize) -> usize {
    let mut start = after;
    if bytes.get(start) == Some(&b'\r') {
        start += 1;
    }
    if bytes.get(start) == Some(&b'\n') {
        start += 1;
    }
    start.min(bytes.len())
}

/// The candidate bodies of a stream of `bytes` whose data starts at `start`: as its length
/// (`length`, direct or resolved) gives it, and up to `endstream`, as hayro reads a stream
/// whose length is wrong.
pub fn bodies(bytes: &[u8], start: usize, length: Option<i64>) -> Vec<&[u8]> {
    let rest = &bytes[start..];
    let mut out = Vec::new();
    if let Some(length) = length.and_then(|n| usize::try_from(n).ok()) {
        if length <= rest.len() {
            out.push(&rest[..length]);
        }
    }
    let end = find(rest, b"endstream").unwrap_or(rest.len());
    let body = &rest[..end];
    let body = body.strip_suffix(b"\n").unwrap_or(body);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    if out.first() != Some(&body) {
        out.push(body);
    }
    out
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The values of the objects of `objects` that are integers, to resolve indirect lengths.
pub fn integers(objects: &[Object<'_>]) -> HashMap<Id, i64> {
    objects.iter().filter_map(|o| Some((o.id?, o.integer?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_on_several_lines_dictionaries_and_streams() {
        let file = b"%PDF-1.7\n1 0\nobj\n<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /R [[1]] \
                     /D << /X [1] >> /L 4 >>\nstream\nq q \nendstream endobj\n12 0 obj [[[ 1 ]]] endobj\
                     trailer << /Root 1 0 R >>";
        let objects = scan(file).unwrap();
        let parms =
            scan(b"1 0 obj << /DecodeParms [null << /Predictor 12 /Columns 5 >>] >>").unwrap();
        let parms = parms[0].decode_parms();
        assert_eq!(parms.len(), 2);
        assert_eq!(parms[1].unwrap()[0], (&b"Predictor"[..], Value::Int(12)));
        assert_eq!(objects.len(), 3);
        let pages = &objects[0];
        assert_eq!(pages.id, Some((1, 0)));
        assert_eq!(pages.name(b"Type"), Some(&b"Pages"[..]));
        assert_eq!(pages.refs(b"Kids"), [(2, 0), (3, 0)]);
        assert_eq!(pages.int(b"Count"), Some(2));
        assert_eq!(pages.int(b"L"), Some(4));
        assert_eq!(pages.depth, 3);
        let start = pages.stream_at.unwrap();
        assert_eq!(bodies(file, start, pages.int(b"L")), [&b"q q "[..]]);
        assert_eq!(bodies(file, start, Some(2)), [&b"q "[..], &b"q q "[..]]);
        assert_eq!(objects[1].id, Some((12, 0)));
        assert_eq!(objects[1].depth, 3);
        assert_eq!(objects[2].refs(b"Root"), [(1, 0)]);
        assert_eq!(header_before(b"x 7 3 ", 6), Some((7, 3)));
        assert_eq!(header_before(b"end", 3), None);
    }

    #[test]
    fn object_streams_are_unpacked() {
        let data = b"5 0 6 18 << /Type /Page >> [[[]]]";
        let objects = unpack(data, 9, 2).unwrap();
        assert_eq!(objects[0].id, Some((5, 0)));
        assert_eq!(objects[0].name(b"Type"), Some(&b"Page"[..]));
        assert_eq!(objects[1].depth, 3);
    }
}
