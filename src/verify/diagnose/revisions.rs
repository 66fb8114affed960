//! A copy that is a signed document followed by later revisions: someone opened the signed
//! file and saved on top of it (signed it with a PDF signature, added a note, filled a field),
//! which appends to the file and leaves the signed bytes intact at its start. Said exactly:
//! which document, how many revisions, what they add, and how many bytes the signed part is,
//! so that a recipient can cut it off (`head -c N`) and check it.

use super::super::report::LaterRevisions;
use super::looks;
use crate::digest::sha256_hex;
use crate::pdftext::Reading;
use crate::worker::Refused;

/// Said of revisions that change the words the pages show.
const OTHER_WORDS: &str = "other words (the pages no longer read as the signed text)";
/// Marks the end of a revision.
const EOF_MARKER: &[u8] = b"%%EOF";

/// Whether `copy` begins with the `size` bytes whose SHA-256 is `sha256`, and is longer.
pub fn begins_with(copy: &[u8], size: u64, sha256: &str) -> bool {
    usize::try_from(size)
        .ok()
        .filter(|&n| n > 0 && n < copy.len())
        .is_some_and(|n| sha256_hex(&copy[..n]) == sha256)
}

/// The later revisions of `copy`, whose first `size` bytes are the signed document read as
/// `signed`; `read` is what the copy reads as.
pub fn describe(
    copy: &[u8],
    size: u64,
    signed: Option<&Reading>,
    read: Result<Reading, Refused>,
) -> LaterRevisions {
    let appended = &copy[usize::try_from(size).unwrap_or(copy.len()).min(copy.len())..];
    let revisions = appended.windows(EOF_MARKER.len()).filter(|w| *w == EOF_MARKER).count();
    let adds = match read {
        Ok(reading) => {
            let empty = Reading::default();
            let signed = signed.unwrap_or(&empty);
            let mut adds = looks::signatures(&reading.fields, &signed.fields);
            let mut looks = looks::compare(signed, &reading, false);
            looks.added.retain(|a| !a.contains("signature"));
            adds.extend(looks.added);
            if reading.pages.len() > signed.pages.len() {
                adds.push(pages(reading.pages.len() - signed.pages.len()));
            }
            // What the revisions draw over the signed pages: other words, or other drawing.
            if reading.text.tokens() != signed.text.tokens() {
                adds.push(OTHER_WORDS.to_string());
            }
            let pairs = signed.pages.iter().zip(&reading.pages).enumerate();
            let redrawn = pairs.filter(|(_, (s, c))| s.drawing != c.drawing);
            adds.extend(redrawn.map(|(i, _)| format!("another drawing of page {}", i + 1)));
            if adds.is_empty() {
                adds.push("nothing that shows (other bytes only)".to_string());
            }
            adds
        }
        Err(why) => vec![format!("what cannot be read ({why})")],
    };
    LaterRevisions { signed_bytes: size, revisions: revisions.max(1), adds }
}

/// "a page", "3 pages".
fn pages(n: usize) -> String {
    match n {
        1 => "a page".to_string(),
        n => format!("{n} pages"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdftext::Field;

    #[test]
    fn a_signed_prefix_and_what_follows() {
        let signed = b"%PDF-1.7 signed %%EOF\n".to_vec();
        let copy = [&signed[..], b"1 0 obj << >> endobj %%EOF\n2 0 obj %%EOF"].concat();
        assert!(begins_with(&copy, signed.len() as u64, &sha256_hex(&signed)));
        assert!(!begins_with(&signed, signed.len() as u64, &sha256_hex(&signed)));
        let sig = Field { kind: "Sig".into(), filled: true, signer: Some("Bob".into()) };
        let read = Reading { fields: vec![sig], ..Reading::default() };
        let later = describe(&copy, signed.len() as u64, None, Ok(read));
        assert_eq!(later.revisions, 2);
        assert_eq!(later.adds, ["a PDF signature by CN=Bob"]);
    }
}
