//! Bounds on hostile input, checked before hayro parses anything it could choke on.
//!
//! hayro never panicked in the mutation loops, but it parses nested arrays and dictionaries by
//! recursion, and deep enough nesting overflows the stack: an abort that no `catch_unwind`
//! catches, reachable with a small file whose nesting hides in a compressed stream
//! (BENCHMARKS.md has the figures). Nor does it cap what a stream inflates to. So the file's
//! own syntax is scanned for nesting (stream bodies skipped), then every stream that is not an
//! image or a font program is inflated here, under a cap, and scanned too: streams cannot sit
//! inside object streams, so this covers content streams, forms, patterns, Type 3 glyphs, CMaps
//! and the object streams themselves.

use std::collections::HashSet;
use std::io::Read;

use hayro_interpret::hayro_syntax::object::dict::keys::SUBTYPE;
use hayro_interpret::hayro_syntax::object::{Name, ObjectIdentifier, Stream};
use hayro_interpret::hayro_syntax::{Filter, Pdf};

/// Deepest nesting of arrays and dictionaries accepted (real files nest a few levels).
pub const MAX_NESTING: usize = 4096;
/// Most bytes one stream may inflate to: far above an accord page's content (BENCHMARKS.md).
pub const MAX_STREAM_BYTES: u64 = 32 * 1024 * 1024;
/// Most bytes all checked streams together may inflate to.
pub const MAX_TOTAL_BYTES: u64 = 128 * 1024 * 1024;
/// Most bytes of PDF syntax (content, forms, object streams) all streams may inflate to, which
/// keeps hayro's interpretation of a copy to seconds (BENCHMARKS.md).
pub const MAX_SYNTAX_BYTES: u64 = 16 * 1024 * 1024;
/// Stream subtypes not parsed as PDF syntax: images, font programs, XML metadata.
const OPAQUE_SUBTYPES: [&str; 5] = ["Image", "Type1C", "CIDFontType0C", "OpenType", "XML"];
/// Keys only font program streams have.
const FONT_KEYS: [&[u8]; 2] = [b"Length1", b"Length2"];

/// Why the guard refuses a file before it is parsed further.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Arrays or dictionaries nested deeper than [`MAX_NESTING`].
    TooDeep,
    /// Streams that inflate beyond [`MAX_STREAM_BYTES`] or [`MAX_TOTAL_BYTES`].
    TooLarge,
}

/// Checks the file's syntax outside streams, before it is handed to hayro.
pub fn check_syntax(bytes: &[u8]) -> Result<(), Refused> {
    match nesting(bytes, true) > MAX_NESTING {
        true => Err(Refused::TooDeep),
        false => Ok(()),
    }
}

/// Checks every stream hayro may parse: inflated size and nesting.
pub fn check_streams(pdf: &Pdf, bytes: &[u8]) -> Result<(), Refused> {
    let (mut total, mut syntax) = (0u64, 0u64);
    let mut seen = HashSet::new();
    for id in object_ids(bytes).filter(|id| seen.insert(*id)) {
        let Some(stream) = pdf.xref().get::<Stream<'_>>(id) else { continue };
        let data = inflate(&stream, MAX_STREAM_BYTES.min(MAX_TOTAL_BYTES.saturating_sub(total)))?;
        total += data.len() as u64;
        if opaque(&stream) {
            continue;
        }
        syntax += data.len() as u64;
        if syntax > MAX_SYNTAX_BYTES {
            return Err(Refused::TooLarge);
        }
        if nesting(&data, false) > MAX_NESTING {
            return Err(Refused::TooDeep);
        }
    }
    Ok(())
}

/// A stream's data, inflated here under `cap` when it is plain Flate, else decoded by hayro.
pub fn inflate(stream: &Stream<'_>, cap: u64) -> Result<Vec<u8>, Refused> {
    let filters = stream.filters();
    let data = match filters.as_slice() {
        [] => stream.raw_data().to_vec(),
        [Filter::FlateDecode] => {
            let mut out = Vec::new();
            let raw = stream.raw_data();
            let read = flate2::read::ZlibDecoder::new(&raw[..]).take(cap + 1).read_to_end(&mut out);
            if read.is_err() {
                out.clear(); // hayro reads what it can of a broken stream; so may it
            }
            out
        }
        _ if opaque(stream) => return Ok(Vec::new()),
        _ => stream.decoded().map(|d| d.to_vec()).unwrap_or_default(),
    };
    match data.len() as u64 > cap {
        true => Err(Refused::TooLarge),
        false => Ok(data),
    }
}

/// Whether a stream holds no PDF syntax: an image, a font program or XML.
fn opaque(stream: &Stream<'_>) -> bool {
    let dict = stream.dict();
    let subtype = dict.get::<Name<'_>>(SUBTYPE);
    subtype.is_some_and(|s| OPAQUE_SUBTYPES.contains(&s.as_str()))
        || FONT_KEYS.iter().any(|k| dict.contains_key(k))
}

/// The identifiers of the objects written `N G obj` in the file.
fn object_ids(bytes: &[u8]) -> impl Iterator<Item = ObjectIdentifier> + '_ {
    const OBJ: &[u8] = b" obj";
    let number = |s: &[u8]| std::str::from_utf8(s).ok()?.parse::<i32>().ok();
    bytes.windows(OBJ.len()).enumerate().filter(|(_, w)| *w == OBJ).filter_map(move |(at, _)| {
        let head = &bytes[..at];
        let gen_start = head.iter().rposition(|b| !b.is_ascii_digit())? + 1;
        let gap = head[..gen_start].iter().rposition(|b| *b != b' ')?;
        let num_start = head[..=gap].iter().rposition(|b| !b.is_ascii_digit()).map_or(0, |p| p + 1);
        let num = number(&head[num_start..=gap])?;
        Some(ObjectIdentifier::new(num, number(&head[gen_start..])?))
    })
}

/// The deepest nesting of `[` and `<<` in PDF syntax, and in streams of `q` (hayro copies the
/// graphics state at each, so a run of `q` takes many times its size in memory), skipping
/// literal strings and, in a file
/// (`skip_streams`), the bodies of streams.
pub(crate) fn nesting(bytes: &[u8], skip_streams: bool) -> usize {
    const STREAM: &[u8] = b"stream";
    const END: &[u8] = b"endstream";
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        match b {
            b'[' => depth += 1,
            b'<' if next == Some(b'<') => (depth, i) = (depth + 1, i + 1),
            b']' => depth = depth.saturating_sub(1),
            b'>' if next == Some(b'>') => (depth, i) = (depth.saturating_sub(1), i + 1),
            b'q' if !skip_streams && operator(bytes, i) => depth += 1,
            b'Q' if !skip_streams && operator(bytes, i) => depth = depth.saturating_sub(1),
            b'(' => i = skip_string(bytes, i),
            b's' if skip_streams && bytes[i..].starts_with(STREAM) => {
                let body = &bytes[i + STREAM.len()..];
                i += STREAM.len()
                    + body.windows(END.len()).position(|w| w == END).unwrap_or(body.len());
            }
            _ => {}
        }
        deepest = deepest.max(depth);
        i += 1;
    }
    deepest
}

/// Whether the byte at `i` is a one-letter token (an operator such as `q`).
fn operator(bytes: &[u8], i: usize) -> bool {
    let space = |b: &u8| b.is_ascii_whitespace() || b"[]<>()".contains(b);
    let before = i.checked_sub(1).and_then(|j| bytes.get(j));
    before.is_none_or(space) && bytes.get(i + 1).is_none_or(|b| space(b) || *b == b'/')
}

/// The index of the `)` that closes the literal string opening at `start`.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let (mut open, mut i) = (0usize, start);
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 1,
            b'(' => open += 1,
            b')' if open <= 1 => return i,
            b')' => open -= 1,
            _ => {}
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_outside_strings_and_streams() {
        assert_eq!(nesting(b"<</A [1 [2] (x[[[\\)) ] <00>>>", true), 3);
        assert_eq!(nesting(b"[ stream [[[[ endstream ]", true), 1);
        assert_eq!(nesting(b"[ stream [[[[ endstream ]", false), 5);
        assert_eq!(nesting(b"q q /q Q q 1 0 0 1 cm Q Q", false), 2);
    }

    #[test]
    fn object_ids_are_found() {
        let ids: Vec<_> = object_ids(b"%PDF\n12 0 obj\n<<>>\nendobj 7 3 obj x obj").collect();
        assert_eq!(ids, [ObjectIdentifier::new(12, 0), ObjectIdentifier::new(7, 3)]);
    }
}
