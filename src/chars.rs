//! Characters that change a text unseen: control characters, bidirectional controls, line
//! separators and invisible characters. Config values, signer names and manifest fields may
//! not hold them ([`forbidden`]); and wherever text from a file, a config or a signature
//! reaches a terminal, they are written as visible escapes ([`visible`]), so that no value can
//! move the cursor, hide a line or reorder what a reader sees.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Unicode bidirectional embedding, override and isolate controls (e.g. U+202E).
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Zero-width and other invisible characters: they would make a printed value differ from
/// what every reader sees (and from what was typed) without a trace on the page.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E01EF}'
    )
}

/// What kind of character a value may not contain `c` is: control characters (newlines
/// included), bidirectional controls, line and paragraph separators, invisible characters.
pub fn forbidden(c: char) -> Option<&'static str> {
    if c.is_control() {
        Some("control character")
    } else if is_bidi_control(c) {
        Some("bidirectional override")
    } else if matches!(c, '\u{2028}' | '\u{2029}') {
        Some("line separator")
    } else if is_invisible(c) {
        Some("invisible character")
    } else {
        None
    }
}

/// `U+202E` followed by the character itself when it is printable.
pub fn describe(c: char) -> String {
    if forbidden(c).is_some() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{c}'", c as u32)
    }
}

/// Most combining marks in a row on one letter: Unicode's stream-safe text format (UAX #15)
/// allows 30 non-starters in a row, which no language needs; longer runs are an attack on
/// the text layer (they break the PDF's map from glyphs back to text).
pub const MAX_COMBINING_RUN: usize = 30;

/// What is wrong with `text` as a value people will read (config values, signer names): a
/// [`forbidden`] character, or too long a run of combining marks; `None` when nothing is.
pub fn text_problem(text: &str) -> Option<String> {
    if let Some((c, what)) = text.chars().find_map(|c| forbidden(c).map(|w| (c, w))) {
        return Some(format!("contains the {what} {}; remove it", describe(c)));
    }
    let mut run = 0;
    for c in text.chars() {
        run = if unicode_normalization::char::canonical_combining_class(c) == 0 {
            0
        } else {
            run + 1
        };
        if run > MAX_COMBINING_RUN {
            return Some(format!(
                "has more than {MAX_COMBINING_RUN} combining marks in a row; remove them"
            ));
        }
    }
    None
}

/// `text` in Unicode's composed form (NFC): `Zoë` typed as one character or as `o` and a
/// combining diaeresis is the same text, and makes the same PDF.
pub fn composed(text: &str) -> String {
    unicode_normalization::UnicodeNormalization::nfc(text).collect()
}

/// A path as it is shown in messages: [`visible`], so that a file name holding a line break
/// or a terminal control cannot forge a line of accord's output.
pub trait Shown {
    /// The path, with its [`forbidden`] characters escaped.
    fn shown(&self) -> String;
}

impl Shown for std::path::Path {
    fn shown(&self) -> String {
        visible(&self.display().to_string()).into_owned()
    }
}

/// `text` with every [`forbidden`] character written as `\u{1b}`: one line, as it was, but
/// harmless on a terminal.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, |c| forbidden(c).is_some())
}

/// [`visible`], keeping line breaks: for messages of several lines.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c != '\n' && forbidden(c).is_some())
}

/// A file name as it starts a verdict line: as it is when it holds only letters, digits,
/// `._-+/@,=~` and U+FFFD (a byte that is not UTF-8), else in single quotes with `'` and `\\` escaped and [`forbidden`] characters
/// written as escapes, so that no name (`x.pdf: MATCH …`, a line break, a bidi control) can
/// make its line read like another verdict.
pub fn quoted_name(name: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_alphanumeric() || "._-+/@,=~\u{FFFD}".contains(c);
    if !name.is_empty() && name.chars().all(plain) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 2);
    out.push('\'');
    for c in name.chars() {
        match c {
            '\'' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if forbidden(c).is_some() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    Cow::Owned(out)
}

/// `json` (serialized JSON) with the [`forbidden`] characters serde leaves raw written as
/// JSON escapes (`\u202e`); they only occur inside strings (serde escapes control
/// characters there, so a raw line break is the layout of pretty JSON and stays), so the
/// document stays valid.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    let hide = |c: char| c != '\n' && forbidden(c).is_some();
    if !json.chars().any(hide) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if hide(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn escape(text: &str, hide: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&hide) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hide(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{
        composed, forbidden, json_safe, quoted_name, text_problem, visible, visible_lines,
    };

    #[test]
    fn names_that_could_forge_a_verdict_are_quoted() {
        assert_eq!(quoted_name("out/copy-1.pdf"), "out/copy-1.pdf");
        assert_eq!(quoted_name("Zoë.pdf"), "Zoë.pdf");
        assert_eq!(quoted_name("x.pdf: MATCH agreement.pdf"), "'x.pdf: MATCH agreement.pdf'");
        assert_eq!(quoted_name("a'b\nMATCH\u{202e}"), "'a\\'b\\u{a}MATCH\\u{202e}'");
        assert_eq!(quoted_name(""), "''");
    }

    #[test]
    fn combining_runs_are_bounded_and_values_composed() {
        let marks = |n| format!("Zo{}", "\u{308}".repeat(n));
        assert_eq!(text_problem(&marks(30)), None);
        assert!(text_problem(&marks(31)).unwrap().contains("combining marks"));
        assert_eq!(composed("Zoe\u{308}"), "Zo\u{eb}");
        assert_eq!(composed("Zo\u{eb}"), "Zo\u{eb}");
        assert!(text_problem("a\u{202e}b").unwrap().contains("bidirectional override U+202E"));
    }

    #[test]
    fn escapes_are_visible_and_leave_other_text_alone() {
        assert_eq!(visible("agreement, original 1 of 2"), "agreement, original 1 of 2");
        assert_eq!(visible("role\u{1b}[2K\u{1b}[1A"), "role\\u{1b}[2K\\u{1b}[1A");
        assert_eq!(visible("a\nb\u{202e}c"), "a\\u{a}b\\u{202e}c");
        assert_eq!(visible_lines("a\nb\u{9b}c"), "a\nb\\u{9b}c");
        assert_eq!(visible("Zoë ש"), "Zoë ש");
        let json = serde_json::to_string("x\u{202e}\u{1b}y\u{e0041}").unwrap();
        let safe = json_safe(&json);
        assert_eq!(safe, r#""x\u202e\u001by\udb40\udc41""#);
        let pretty = serde_json::to_string_pretty(&["a\u{2066}", "b\n"]).unwrap();
        assert_eq!(json_safe(&pretty), "[\n  \"a\\u2066\",\n  \"b\\n\"\n]");
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), "x\u{202e}\u{1b}y\u{e0041}");
    }

    #[test]
    fn characters_that_change_text_unseen_are_forbidden() {
        for (c, what) in [
            ('\n', "control character"),
            ('\u{7}', "control character"),
            ('\u{85}', "control character"),
            ('\u{202E}', "bidirectional override"),
            ('\u{2066}', "bidirectional override"),
            ('\u{061C}', "bidirectional override"),
            ('\u{2028}', "line separator"),
            ('\u{200B}', "invisible character"),
            ('\u{00AD}', "invisible character"),
            ('\u{FEFF}', "invisible character"),
            ('\u{E0041}', "invisible character"),
        ] {
            assert_eq!(forbidden(c), Some(what), "U+{:04X}", c as u32);
        }
        for c in ['a', ' ', '\u{A0}', '\u{2019}', 'ß', 'ש'] {
            assert_eq!(forbidden(c), None, "U+{:04X}", c as u32);
        }
    }
}
