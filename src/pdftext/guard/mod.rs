//! Bounds on hostile input, checked before hayro parses anything it could choke on. The
//! worker process that reads copies (the `worker` module) limits its memory, time and stack; these
//! checks are the first line, so that a file made to exhaust a reader is refused with a reason
//! before it gets there.
//!
//! hayro parses nested arrays and dictionaries by recursion (some 150,000 levels overflow the
//! stack), decodes a stream's whole filter chain before anything could cap it, builds every
//! page of the page tree when it opens a file (a tree whose nodes share their kids makes a
//! million pages of a few objects), and interprets a form again at every `Do`. So, before hayro
//! opens the file, every object is found as hayro may find it ([`objects`]), tokenized as a PDF
//! parser does ([`lexer`]), its nesting measured; every stream but images is decoded here,
//! layer by layer, under a running cap ([`filters`]), and the PDF syntax among them (content,
//! forms, object streams, Type 3 glyphs) scanned for nesting and `q` depth; the page tree is
//! counted. What hayro interprets is then bounded while it interprets (see [`super`]).

use std::collections::{HashMap, HashSet};

use hayro_interpret::hayro_syntax::object::dict::keys::CONTENTS;
use hayro_interpret::hayro_syntax::object::{Array, Stream};
use hayro_interpret::hayro_syntax::page::Page;

use super::limits::{
    MAX_NESTING, MAX_PAGES, MAX_SAVE_NESTING, MAX_STREAM_BYTES, MAX_SYNTAX_BYTES, MAX_TOTAL_BYTES,
};
use super::unreadable::Unreadable;

mod filters;
mod lexer;
mod objects;
mod xref;

use filters::{Decoded, Predictor};
use lexer::{Lexer, Token};
use objects::{Id, Object};

/// Most dictionaries with `/Contents` (hayro takes each for a page when the page tree is broken).
const MAX_CONTENT_HOLDERS: usize = 10 * MAX_PAGES;
/// Stream subtypes not parsed as PDF syntax: images, font programs, XML metadata.
const OPAQUE_SUBTYPES: [&[u8]; 5] = [b"Image", b"Type1C", b"CIDFontType0C", b"OpenType", b"XML"];
/// Keys only font program streams have.
const FONT_KEYS: [&[u8]; 3] = [b"Length1", b"Length2", b"Length3"];
/// Stream types that hold binary data, not syntax.
const OPAQUE_TYPES: [&[u8]; 2] = [b"XRef", b"Metadata"];

/// What the checks learnt of the file, to bound its interpretation.
#[derive(Debug, Clone, Default)]
pub struct Census {
    /// Decoded size of each stream of PDF syntax.
    sizes: HashMap<Id, u64>,
    /// The largest of them: what one form drawn by `Do` may cost to interpret.
    pub largest: u64,
    /// Some object's dictionary gives a key twice (readers keep the first or the last).
    pub duplicate_keys: bool,
    /// A cross-reference table or stream points where its object is not ([`xref`]).
    pub xref_astray: bool,
}

impl Census {
    /// The bytes of content a page has (its content streams, decoded).
    pub fn page_content(&self, page: &Page<'_>) -> u64 {
        let size = |s: Stream<'_>| {
            let id = s.obj_id();
            let key = (
                u32::try_from(id.obj_number).unwrap_or(0),
                u16::try_from(id.gen_number).unwrap_or(0),
            );
            self.sizes.get(&key).copied().unwrap_or(0)
        };
        let raw = page.raw();
        match raw.get::<Stream<'_>>(CONTENTS) {
            Some(stream) => size(stream),
            None => {
                raw.get::<Array<'_>>(CONTENTS).map_or(0, |a| a.iter::<Stream<'_>>().map(size).sum())
            }
        }
    }
}

/// Checks a file before hayro opens it.
pub fn check(bytes: &[u8]) -> Result<Census, Unreadable> {
    let objects = objects::scan(bytes).map_err(|_| Unreadable::TooComplex)?;
    deep(&objects)?;
    let integers = objects::integers(&objects);
    let mut census = Census::default();
    let (mut budget, mut syntax) = (MAX_TOTAL_BYTES, 0u64);
    // Object streams' decoded bytes, with their /N and /First.
    let mut packed: Vec<(Vec<u8>, usize, usize)> = Vec::new();
    for object in &objects {
        let Some(start) = object.stream_at else { continue };
        if object.name(b"Subtype") == Some(b"Image") {
            continue; // decoded only when drawn, and bounded then by its size in pixels
        }
        let length = match object.get(b"Length") {
            Some(objects::Value::Ref(id)) => integers.get(id).copied(),
            _ => object.int(b"Length"),
        };
        let filters = object.names(b"Filter");
        let predictors: Vec<Option<Predictor>> =
            object.decode_parms().into_iter().map(|p| p.map(predictor)).collect();
        for body in objects::bodies(bytes, start, length) {
            let decoded =
                filters::decode(body, &filters, &predictors, MAX_STREAM_BYTES, &mut budget);
            let Decoded::Bytes(data) = decoded.map_err(|_| Unreadable::TooLarge)? else {
                continue;
            };
            if object.name(b"Type") == Some(b"XRef") {
                census.xref_astray |= xref::stream_astray(bytes, object, &data);
            }
            if opaque(object) {
                continue;
            }
            syntax += data.len() as u64;
            if syntax > MAX_SYNTAX_BYTES {
                return Err(Unreadable::TooLarge);
            }
            check_content(&data)?;
            if let Some(id) = object.id {
                let size = census.sizes.entry(id).or_default();
                *size = (*size).max(data.len() as u64);
                census.largest = census.largest.max(data.len() as u64);
            }
            if object.name(b"Type") == Some(b"ObjStm") {
                let number = |key: &[u8]| object.int(key).and_then(|n| usize::try_from(n).ok());
                packed.push((data, number(b"First").unwrap_or(0), number(b"N").unwrap_or(0)));
            }
        }
    }
    let mut all = objects;
    for (data, first, count) in &packed {
        let unpacked = objects::unpack(data, *first, *count).map_err(|_| Unreadable::TooComplex)?;
        deep(&unpacked)?;
        all.extend(unpacked);
    }
    count_pages(&all)?;
    census.xref_astray |= xref::table_astray(bytes);
    census.duplicate_keys = all.iter().any(|object| {
        let mut keys = HashSet::new();
        !object.dict.iter().all(|(key, _)| keys.insert(*key))
    });
    Ok(census)
}

/// The predictor decode parameters give.
fn predictor(parms: &[objects::Entry<'_>]) -> Predictor {
    let int = |key: &[u8], default: i64| {
        let value = parms.iter().find(|(k, _)| *k == key).map(|(_, v)| v);
        match value {
            Some(objects::Value::Int(n)) => *n,
            _ => default,
        }
    };
    Predictor {
        kind: int(b"Predictor", 1),
        colors: int(b"Colors", 1),
        bits: int(b"BitsPerComponent", 8),
        columns: int(b"Columns", 1),
    }
}

/// Refuses objects nested deeper than [`MAX_NESTING`].
fn deep(objects: &[Object<'_>]) -> Result<(), Unreadable> {
    match objects.iter().any(|o| o.depth > MAX_NESTING) {
        true => Err(Unreadable::TooDeep),
        false => Ok(()),
    }
}

/// Whether a stream holds no PDF syntax: an image, a font program, XML, a cross-reference
/// stream.
fn opaque(object: &Object<'_>) -> bool {
    object.name(b"Subtype").is_some_and(|s| OPAQUE_SUBTYPES.contains(&s))
        || object.name(b"Type").is_some_and(|t| OPAQUE_TYPES.contains(&t))
        || FONT_KEYS.iter().any(|k| object.get(k).is_some())
}

/// Checks decoded PDF syntax: nesting of arrays and dictionaries, and of `q`.
pub(crate) fn check_content(data: &[u8]) -> Result<(), Unreadable> {
    let Nesting { deepest, saves, .. } = nesting(data);
    if deepest > MAX_NESTING || saves > MAX_SAVE_NESTING {
        return Err(Unreadable::TooDeep);
    }
    Ok(())
}

/// Whether page content holds what PDF readers read each in its own way: an array or a
/// dictionary closed that was never opened (a stray `]` or `>>`: hayro stops reading the page
/// there, other readers read on), a text render mode outside 0 to 7 (hayro fills the text,
/// others draw none), or an operator given more or fewer operands than it takes (hayro takes
/// the last ones, mupdf the first).
pub(crate) fn read_apart(content: &[u8]) -> bool {
    let nesting = nesting(content);
    nesting.stray || nesting.odd_render_mode || nesting.odd_operands
}

/// How content nests.
#[derive(Debug, PartialEq, Eq)]
struct Nesting {
    /// The deepest nesting of arrays and dictionaries.
    deepest: usize,
    /// The deepest nesting of `q`.
    saves: usize,
    /// An array or a dictionary closed that was never opened.
    stray: bool,
    /// A text render mode (`Tr`) set outside 0 to 7.
    odd_render_mode: bool,
    /// An operator given more or fewer operands than it takes (readers pick different ones).
    odd_operands: bool,
}

/// How content nests; an inline image's data (`ID` … `EI`) is skipped as hayro skips it.
fn nesting(data: &[u8]) -> Nesting {
    let (mut depth, mut deepest, mut saves, mut most) = (0usize, 0usize, 0usize, 0usize);
    let (mut stray, mut odd_render_mode, mut operand) = (false, false, None);
    let (mut operands, mut odd_operands) = (0usize, false);
    let mut lexer = Lexer::new(data, 0);
    while let Some(token) = lexer.next() {
        if token == Token::Regular(b"Tr") {
            let mode = operand.and_then(|o| std::str::from_utf8(o).ok()?.parse::<f64>().ok());
            odd_render_mode |= !mode.is_some_and(|m| m.fract() == 0.0 && (0.0..=7.0).contains(&m));
        }
        operand = match token {
            Token::Regular(bytes) => Some(bytes),
            _ => None,
        };
        if depth == 0 {
            match token {
                Token::Regular(word) if !is_operand(word) => {
                    odd_operands |= arity(word).is_some_and(|n| n != operands);
                    operands = 0;
                }
                Token::Brace | Token::Close => {}
                _ => operands += 1,
            }
        }
        match token {
            Token::OpenArray | Token::OpenDict => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Token::Close => match depth.checked_sub(1) {
                Some(less) => depth = less,
                None => stray = true,
            },
            Token::Regular(b"q") => {
                saves += 1;
                most = most.max(saves);
            }
            Token::Regular(b"Q") => saves = saves.saturating_sub(1),
            Token::Regular(b"ID") => {
                let from = lexer.pos() + 1;
                let end = (from..data.len().saturating_sub(1)).find(|&i| {
                    &data[i..i + 2] == b"EI"
                        && i > 0
                        && lexer::is_space(data[i - 1])
                        && data.get(i + 2).is_none_or(|&b| lexer::is_space(b))
                });
                lexer.seek(end.map_or(data.len(), |e| e + 2));
            }
            _ => {}
        }
    }
    Nesting { deepest, saves: most, stray, odd_render_mode, odd_operands }
}

/// Whether a regular token is an operand (a number, `true`, `false`, `null`), not an operator.
fn is_operand(word: &[u8]) -> bool {
    matches!(word.first(), Some(b'+' | b'-' | b'.' | b'0'..=b'9'))
        || matches!(word, b"true" | b"false" | b"null")
}

/// How many operands a content operator takes, for those that take a fixed number (not `sc`,
/// `scn`, `SC`, `SCN`, nor inline images' `ID`).
fn arity(operator: &[u8]) -> Option<usize> {
    Some(match operator {
        b"q" | b"Q" | b"BT" | b"ET" | b"h" | b"n" | b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b"
        | b"b*" | b"S" | b"s" | b"W" | b"W*" | b"EMC" | b"T*" | b"BX" | b"EX" | b"BI" => 0,
        b"Tr" | b"Tc" | b"Tw" | b"Tz" | b"TL" | b"Ts" | b"w" | b"J" | b"j" | b"M" | b"ri"
        | b"i" | b"gs" | b"Do" | b"g" | b"G" | b"cs" | b"CS" | b"sh" | b"Tj" | b"TJ" | b"'"
        | b"BMC" | b"MP" => 1,
        b"Tf" | b"Td" | b"TD" | b"d" | b"m" | b"l" | b"BDC" | b"DP" | b"d0" => 2,
        b"rg" | b"RG" | b"\"" => 3,
        b"k" | b"K" | b"re" | b"v" | b"y" => 4,
        b"cm" | b"Tm" | b"c" | b"d1" => 6,
        _ => return None,
    })
}

/// Counts the pages of every page tree node, as hayro would build them (a node that is kid of
/// several counted each time), without building them; refuses more than [`MAX_PAGES`].
fn count_pages(objects: &[Object<'_>]) -> Result<(), Unreadable> {
    let mut kids: HashMap<Id, Vec<Vec<Id>>> = HashMap::new();
    let mut holders = 0usize;
    for object in objects {
        if object.get(b"Contents").is_some() {
            holders += 1;
        }
        if let (Some(id), Some(b"Pages")) = (object.id, object.name(b"Type")) {
            kids.entry(id).or_default().push(object.refs(b"Kids"));
        }
    }
    if holders > MAX_CONTENT_HOLDERS {
        return Err(Unreadable::TooManyPages(holders));
    }
    let mut counted: HashMap<Id, usize> = HashMap::new();
    let mut open: HashSet<Id> = HashSet::new();
    fn count(
        id: Id,
        kids: &HashMap<Id, Vec<Vec<Id>>>,
        counted: &mut HashMap<Id, usize>,
        open: &mut HashSet<Id>,
        depth: usize,
    ) -> usize {
        if let Some(&n) = counted.get(&id) {
            return n;
        }
        let Some(versions) = kids.get(&id) else { return 1 };
        if !open.insert(id) || depth > MAX_NESTING {
            return usize::MAX; // a tree that contains itself
        }
        let mut most = 0usize;
        for version in versions {
            let n = version.iter().fold(0usize, |sum, &kid| {
                sum.saturating_add(count(kid, kids, counted, open, depth + 1))
            });
            most = most.max(n);
        }
        open.remove(&id);
        counted.insert(id, most);
        most
    }
    let mut ids: Vec<Id> = kids.keys().copied().collect();
    ids.sort_unstable();
    for id in ids {
        let n = count(id, &kids, &mut counted, &mut open, 0);
        if n > MAX_PAGES {
            return Err(Unreadable::TooManyPages(n));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_as_a_parser_tokenizes() {
        let depths = |data: &[u8]| {
            let Nesting { deepest, saves, .. } = nesting(data);
            (deepest, saves)
        };
        assert_eq!(depths(b"<</A [1 [2] (x[[[\\)) ] <00>>>"), (3, 0));
        assert_eq!(depths(b"q q /q Q q 1 0 0 1 cm Q Q"), (0, 2));
        assert_eq!(depths(b"q\0q\0q%(\nq"), (0, 4));
        assert_eq!(depths(b"BI /W 1 ID ([[[ EI [["), (2, 0));
        assert!(!read_apart(b"[(a)] TJ /P <</MCID 0>> BDC (])Tj EMC % ] 0 Tr 7 Tr 3.0 Tr"));
        assert!(read_apart(b"(a) Tj ] (b) Tj"));
        assert!(read_apart(b"(a) Tj >> (b) Tj"));
        assert!(read_apart(b"11 Tr (a) Tj"));
        assert!(read_apart(b"-1 Tr (a) Tj"));
        assert!(!read_apart(b"BT /F1 12 Tf 1 0 0 1 72 700 Tm [(a) -20 (b)] TJ ET"));
        assert!(!read_apart(b"/Span <</MCID 0>> BDC q 1 0 0 1 0 0 cm BI /W 1 ID x EI Q EMC"));
        assert!(read_apart(b"3 0 Tr (a) Tj"), "an operand too many");
        assert!(read_apart(b"1 0 0 1 0 cm"), "an operand too few");
    }

    #[test]
    fn page_trees_that_share_their_kids_are_counted_without_being_built() {
        let mut file = String::from("%PDF-1.7\n");
        for level in 0..10 {
            let kid = level + 2;
            file += &format!("{} 0 obj << /Type /Pages /Kids [{kid} 0 R {kid} 0 R {kid} 0 R {kid} 0 R] >> endobj\n", level + 1);
        }
        file += "11 0 obj << /Type /Page >> endobj\n";
        assert_eq!(check(file.as_bytes()).err(), Some(Unreadable::TooManyPages(1 << 20)));
        let cycle = b"1 0 obj << /Type /Pages /Kids [2 0 R] >> endobj 2 0 obj << /Type /Pages /Kids [1 0 R] >> endobj";
        assert!(matches!(check(cycle), Err(Unreadable::TooManyPages(_))));
    }
}
