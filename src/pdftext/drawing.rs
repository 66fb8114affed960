//! What a page draws, as a digest: its decoded content, its size and rotation, and every
//! resource it draws with, by value (decoded streams, dictionaries with their references
//! followed), not by object number. Two pages with the same digest draw the same thing, so a
//! copy that qpdf or mutool re-saved (other bytes, same drawing) needs no render to be seen
//! to look like the signed document. Numbers of the resources are taken to [`DIGITS`]
//! significant digits: mutool writes a glyph width of 505.99997 as 505.99998, which draws
//! nothing differently; a number that rounds differently only costs a render.

use hayro_interpret::hayro_syntax::object::dict::keys::RESOURCES;
use hayro_interpret::hayro_syntax::object::{Dict, Object};
use hayro_interpret::hayro_syntax::page::Page;
use sha2::{Digest as _, Sha256};

/// Most objects hashed for one page: past it, the page gets no digest (and is rendered).
const MAX_OBJECTS: usize = 20_000;
/// Deepest chain of objects followed (references can loop).
const MAX_DEPTH: usize = 16;
/// Significant digits of the resources' numbers that count (integers count whole): a
/// millionth of a glyph width or a font matrix draws no differently.
pub const DIGITS: usize = 6;
/// Keys that say how an object is stored or where it hangs, not what it draws.
const STORAGE_KEYS: [&[u8]; 6] =
    [b"Length", b"Filter", b"DecodeParms", b"Parent", b"P", b"Length1"];

/// The digest of what `page` draws, hex; `None` when it is too large to hash.
pub fn digest(page: &Page<'_>) -> Option<String> {
    let mut hash = Sha256::new();
    let mut budget = MAX_OBJECTS;
    let (width, height) = page.render_dimensions();
    hash.update(format!("{width} {height} {:?}", page.initial_transform(false)).as_bytes());
    hash.update(page.page_stream()?);
    let resources = page.raw().get::<Dict<'_>>(RESOURCES).unwrap_or_default();
    value(&Object::Dict(resources), 0, &mut budget, &mut hash)?;
    let digest = hash.finalize();
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// Adds an object's value to `hash`.
fn value(object: &Object<'_>, depth: usize, budget: &mut usize, hash: &mut Sha256) -> Option<()> {
    *budget = budget.checked_sub(1)?;
    if depth > MAX_DEPTH {
        return None;
    }
    match object {
        Object::Null(_) => hash.update(b"n"),
        Object::Boolean(b) => hash.update(if *b { b"t" } else { b"f" }),
        Object::Number(n) => hash.update(number(n.as_f64()).as_bytes()),
        Object::String(s) => {
            hash.update(format!("({})", s.as_bytes().len()).as_bytes());
            hash.update(s.as_bytes());
        }
        Object::Name(n) => {
            hash.update(b"/");
            hash.update(n.as_ref());
        }
        Object::Array(array) => {
            hash.update(b"[");
            for item in array.iter::<Object<'_>>() {
                value(&item, depth + 1, budget, hash)?;
            }
            hash.update(b"]");
        }
        Object::Dict(dict) => entries(dict, depth, budget, hash)?,
        Object::Stream(stream) => {
            entries(stream.dict(), depth, budget, hash)?;
            let data = stream.decoded().ok()?;
            hash.update(format!("stream {}", data.len()).as_bytes());
            hash.update(&data);
        }
    }
    Some(())
}

/// A number as it counts for the drawing: an integer whole, any other to [`DIGITS`]
/// significant digits.
fn number(n: f64) -> String {
    match n.fract() == 0.0 && n.abs() < 1e15 {
        true => format!("#{n}"),
        false => format!("#{n:.prec$e}", prec = DIGITS - 1),
    }
}

/// Adds a dictionary's entries to `hash`, in key order, storage keys left out.
fn entries(dict: &Dict<'_>, depth: usize, budget: &mut usize, hash: &mut Sha256) -> Option<()> {
    let mut keys: Vec<Vec<u8>> = dict.keys().map(|k| k.as_ref().to_vec()).collect();
    keys.sort();
    hash.update(b"<<");
    for key in keys.iter().filter(|k| !STORAGE_KEYS.contains(&k.as_slice())) {
        hash.update(b"/");
        hash.update(key);
        match dict.get::<Object<'_>>(key) {
            Some(item) => value(&item, depth + 1, budget, hash)?,
            None => hash.update(b"?"),
        }
    }
    hash.update(b">>");
    Some(())
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_count_to_six_digits_and_integers_whole() {
        assert_eq!(number(505.99997), number(505.99998), "mutool's rewriting of a width");
        assert_ne!(number(505.9), number(506.0));
        assert_ne!(number(0.001), number(0.0011), "a font matrix");
        assert_ne!(number(1_234_567.0), number(1_234_568.0));
        assert_eq!(number(-0.5), "#-5.00000e-1");
    }
}
