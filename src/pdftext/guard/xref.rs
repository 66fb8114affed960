//! Cross-reference sections that point where their objects are not: a table (`xref`, then
//! subsections of 20-byte entries) or a stream (`/Type /XRef`, rows of `/W` bytes) giving an
//! object in use an offset where no `N G obj` header of that number and generation is. Readers
//! that trust the section and readers that search the file then find different objects (hayro
//! keeps an earlier revision's, others the forged one).

use super::objects::{Object, Value};

/// Whether a cross-reference table of `bytes` (the classic kind: `xref`, then subsections of
/// 20-byte entries) points an object in use where no `N G obj` header of that number and
/// generation is.
pub fn table_astray(bytes: &[u8]) -> bool {
    let starts = bytes.windows(5).enumerate().filter(|(i, w)| {
        (*w == b"xref\n" || *w == b"xref\r") && (*i == 0 || matches!(bytes[i - 1], b'\n' | b'\r'))
    });
    for (at, _) in starts {
        let mut pos = at + 4;
        while let Some((first, count, next)) = subsection(bytes, pos) {
            for (i, entry) in
                bytes.get(next..).unwrap_or_default().chunks(20).take(count).enumerate()
            {
                let Some((offset, generation, true)) = in_use(entry) else { continue };
                if header(bytes, offset) != Some((first + i as u64, generation)) {
                    return true;
                }
            }
            pos = next + 20 * count;
        }
    }
    false
}

/// The subsection header at `pos` (after white space): its first object number, its count,
/// and where its entries start.
fn subsection(bytes: &[u8], pos: usize) -> Option<(u64, usize, usize)> {
    let text = bytes.get(pos..)?;
    let skip = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let line = &text[skip..];
    let end = line.iter().position(|&b| b == b'\n' || b == b'\r')?;
    let mut fields = std::str::from_utf8(&line[..end]).ok()?.split_ascii_whitespace();
    let (first, count) = (fields.next()?.parse().ok()?, fields.next()?.parse().ok()?);
    let mut next = pos + skip + end;
    while bytes.get(next).is_some_and(|b| matches!(b, b'\n' | b'\r' | b' ')) {
        next += 1;
    }
    fields.next().is_none().then_some((first, count, next))
}

/// An entry's offset and generation, and whether it is in use (`n`).
fn in_use(entry: &[u8]) -> Option<(usize, u64, bool)> {
    let text = std::str::from_utf8(entry.get(..18)?).ok()?;
    let offset = text.get(..10)?.parse().ok()?;
    let generation = text.get(11..16)?.parse().ok()?;
    Some((offset, generation, text.get(17..18)? == "n"))
}

/// The number and generation of the object whose `N G obj` header starts at `offset` (after
/// white space).
fn header(bytes: &[u8], offset: usize) -> Option<(u64, u64)> {
    let text = bytes.get(offset..)?;
    let text = &text[text.iter().position(|b| !b.is_ascii_whitespace())?..];
    let end = text.iter().take(48).position(|&b| b == b'j')? + 1;
    let mut fields = std::str::from_utf8(&text[..end]).ok()?.split_ascii_whitespace();
    let (number, generation) = (fields.next()?.parse().ok()?, fields.next()?.parse().ok()?);
    (fields.next()? == "obj" && fields.next().is_none()).then_some((number, generation))
}

/// Whether the cross-reference stream `object` (its rows decoded as `rows`) of `bytes` points an
/// object in use where no header of that number and generation is.
pub fn stream_astray(bytes: &[u8], object: &Object<'_>, rows: &[u8]) -> bool {
    let ints = |key: &[u8]| match object.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| if let Value::Int(n) = v { Some(*n) } else { None })
            .collect(),
        _ => Vec::new(),
    };
    let widths: Vec<usize> =
        ints(b"W").into_iter().filter_map(|w| usize::try_from(w).ok()).collect();
    let [kind_width, offset_width, generation_width] = widths[..] else { return false };
    let row = kind_width + offset_width + generation_width;
    if row == 0 || widths.iter().any(|&w| w > 8) {
        return false;
    }
    let mut index = ints(b"Index");
    if index.is_empty() {
        index = vec![0, object.int(b"Size").unwrap_or(0)];
    }
    let field = |row: &[u8], from: usize, width: usize| -> u64 {
        row[from..from + width].iter().fold(0, |n, &b| n << 8 | u64::from(b))
    };
    let mut rows = rows.chunks_exact(row);
    for pair in index.chunks_exact(2) {
        let (first, count) = (u64::try_from(pair[0]).unwrap_or(0), pair[1].max(0));
        for (i, entry) in (&mut rows).take(usize::try_from(count).unwrap_or(0)).enumerate() {
            let kind = if kind_width == 0 { 1 } else { field(entry, 0, kind_width) };
            let offset = usize::try_from(field(entry, kind_width, offset_width));
            let generation = field(entry, kind_width + offset_width, generation_width);
            if kind == 1
                && offset.is_ok_and(|o| header(bytes, o) != Some((first + i as u64, generation)))
            {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of one object, `header` at offset 9, and a table giving it generation `gen`.
    fn file(header: &str, generation: &str) -> Vec<u8> {
        format!(
            "%PDF-1.7\n{header}\n<< >>\nendobj\nxref\n0 2\n0000000000 65535 f \n\
             0000000009 {generation} n \ntrailer\n<< /Size 2 >>\nstartxref\n30\n%%EOF\n"
        )
        .into_bytes()
    }

    #[test]
    fn a_stream_pointing_where_its_object_is_not_is_told() {
        for (generation, astray) in [(0u8, false), (1, true)] {
            let mut bytes = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n2 0 obj\n<< /Type /XRef \
                /W [ 1 2 1 ] /Index [ 1 1 ] /Size 3 /Length 4 >>\nstream\n"
                .to_vec();
            bytes.extend([1, 0, 9, generation]);
            bytes.extend(b"\nendstream\nendobj\n");
            let objects = super::super::objects::scan(&bytes).unwrap();
            let stream = objects.iter().find(|o| o.name(b"Type") == Some(b"XRef")).unwrap();
            let body = super::super::objects::bodies(&bytes, stream.stream_at.unwrap(), Some(4));
            assert_eq!(stream_astray(&bytes, stream, body[0]), astray, "generation {generation}");
        }
    }

    #[test]
    fn a_table_pointing_where_its_object_is_not_is_told() {
        assert!(!table_astray(&file("1 0 obj", "00000")));
        assert!(table_astray(&file("1 0 obj", "00001")), "another generation");
        assert!(table_astray(&file("1 0obj", "00000")), "a header hayro does not read");
        assert!(table_astray(&file("2 0 obj", "00000")), "another number");
    }
}
