//! The character rules for config values: what counts as unfilled, and which characters a
//! value may not hold because they would change the printed text unseen or break a line.

/// Why a text value counts as unfilled: empty, or holding an `xx`-style placeholder.
pub fn unfilled(value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return Some("is empty".into());
    }
    value
        .split(|c: char| !c.is_alphanumeric())
        .find(|word| is_placeholder_word(word))
        .map(|word| format!("still holds the placeholder \"{word}\""))
}

/// `xx`, `xxx`, `xxth` (any case): the seed's way of marking a value to fill in.
fn is_placeholder_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    let xs = lower.strip_suffix("th").unwrap_or(&lower);
    xs.len() >= 2 && xs.chars().all(|c| c == 'x')
}

/// Unicode bidirectional embedding, override and isolate controls (e.g. U+202E).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
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

#[cfg(test)]
mod tests {
    use super::{forbidden, is_placeholder_word, unfilled};

    #[test]
    fn placeholder_words_are_xx_runs() {
        for w in ["xx", "xxx", "XX", "xxth", "xxxxth"] {
            assert!(is_placeholder_word(w), "{w}");
        }
        for w in ["x", "th", "xth", "Maxx", "xxa", "box"] {
            assert!(!is_placeholder_word(w), "{w}");
        }
    }

    #[test]
    fn unfilled_finds_placeholders_inside_values() {
        assert!(unfilled("C/xx/3").is_some());
        assert!(unfilled("  ").is_some());
        assert!(unfilled("").is_some());
        assert!(unfilled("New York").is_none());
        assert!(unfilled("Maxxine Fox").is_none());
    }

    #[test]
    fn characters_that_change_text_unseen_are_forbidden() {
        for (c, what) in [
            ('\n', "control character"),
            ('\u{7}', "control character"),
            ('\u{85}', "control character"),
            ('\u{202E}', "bidirectional override"),
            ('\u{2066}', "bidirectional override"),
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
