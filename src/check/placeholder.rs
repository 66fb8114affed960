//! What counts as an unfilled value: empty, or holding an `xx`-style placeholder.

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

#[cfg(test)]
mod tests {
    use super::{is_placeholder_word, unfilled};

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
}
