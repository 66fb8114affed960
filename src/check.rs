//! Is a config signature-ready? Lists every problem with its file:line:col and key.
//!
//! Problems come in two kinds: *unfinished* (an unfilled placeholder, an undecided
//! amendment, a missing value) blocks only signature-ready builds, while *invalid* (an
//! impossible date, a character the fonts cannot draw, an unknown amendment id) blocks
//! drafts too.

use std::fmt;
use std::ops::Range;

use crate::config::{Decision, Loaded, Location, Text};
use crate::date::Date;
use crate::error::Result;
use crate::render::{self, Mode};

/// Longest value accepted in a text field, in characters.
pub const MAX_VALUE_CHARS: usize = 500;
/// Most originals the testimonium can spell out ("one" … "ten").
pub const MAX_ORIGINALS: u32 = 10;

/// One reason a config is not signature-ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the config file.
    pub location: Location,
    /// Config key, e.g. `signing.place`.
    pub key: String,
    /// What is wrong and what to do.
    pub message: String,
    /// Whether the problem also blocks a draft build (the value is wrong, not just missing).
    pub invalid: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location, self.key, self.message)
    }
}

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

/// Collects problems for one loaded config.
struct Collector<'a> {
    loaded: &'a Loaded,
    problems: Vec<Problem>,
}

impl Collector<'_> {
    fn push(&mut self, span: &Range<usize>, key: &str, message: String, invalid: bool) {
        let location = self.loaded.locate(span);
        self.problems.push(Problem { location, key: key.to_string(), message, invalid });
    }

    /// A text value: filled, of sane length, and drawable by the embedded fonts.
    fn text(&mut self, key: &str, field: &Text) -> bool {
        let value = field.get_ref();
        let span = field.span();
        if let Some(why) = unfilled(value) {
            self.push(&span, key, format!("{why}; fill it in"), false);
            return false;
        }
        if let Some((c, what)) = value.chars().find_map(|c| forbidden(c).map(|what| (c, what))) {
            self.push(&span, key, format!("contains the {what} {}; remove it", describe(c)), true);
            return false;
        }
        let chars = value.chars().count();
        if chars > MAX_VALUE_CHARS {
            let msg = format!("is {chars} characters long (at most {MAX_VALUE_CHARS}); shorten it");
            self.push(&span, key, msg, true);
            return false;
        }
        if let Some(c) = crate::typeset::undrawable_char(value) {
            let msg = format!(
                "contains {} which the document font ({}) cannot draw; use Latin, Greek, \
                 Cyrillic or Hebrew script, or transliterate it",
                describe(c),
                crate::typeset::DOCUMENT_FONT
            );
            self.push(&span, key, msg, true);
            return false;
        }
        true
    }

    /// A date value: filled and a real calendar date.
    fn date(&mut self, key: &str, field: &Text) -> Option<Date> {
        if !self.text(key, field) {
            return None;
        }
        Date::parse(field.get_ref().trim()).map_err(|e| self.push(&field.span(), key, e, true)).ok()
    }
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
fn forbidden(c: char) -> Option<&'static str> {
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
fn describe(c: char) -> String {
    if forbidden(c).is_some() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{c}'", c as u32)
    }
}

/// Every problem of `loaded`, in file order; empty when the config is signature-ready.
pub fn problems(loaded: &Loaded) -> Result<Vec<Problem>> {
    let config = &loaded.config;
    let mut c = Collector { loaded, problems: Vec::new() };

    if c.text("id", &config.id) {
        if let Err(why) = valid_id(config.id.get_ref()) {
            c.push(&config.id.span(), "id", why, true);
        }
    }

    let s = &config.signing;
    let signing_date = c.date("signing.date", &s.date);
    c.text("signing.place", &s.place);
    let originals = *s.originals.get_ref();
    if !(1..=MAX_ORIGINALS).contains(&originals) {
        let msg = format!("must be from 1 to {MAX_ORIGINALS}, not {originals}");
        c.push(&s.originals.span(), "signing.originals", msg, true);
    }
    if s.languages.get_ref().is_empty() {
        let msg = "lists no language; write e.g. [\"English\"]".to_string();
        c.push(&s.languages.span(), "signing.languages", msg, false);
    }
    for lang in s.languages.get_ref() {
        c.text("signing.languages", lang);
    }

    for (party, who) in
        [("united_nations", &config.signatories.united_nations), ("iom", &config.signatories.iom)]
    {
        c.text(&format!("signatories.{party}.name"), &who.name);
        c.text(&format!("signatories.{party}.title"), &who.title);
    }

    let council = config.council.get_ref();
    c.text("council.session", &council.session);
    c.text("council.session_symbol", &council.session_symbol);
    let meeting = council.meeting_date.as_ref().and_then(|d| c.date("council.meeting_date", d));
    c.text("council.agenda_item", &council.agenda_item);
    if council.revised_agenda.is_none() {
        let msg = "is missing; write revised_agenda = true or false".to_string();
        c.push(&config.council.span(), "council.revised_agenda", msg, false);
    }
    c.text("council.proposal_symbol", &council.proposal_symbol);
    if let (Some(signed), Some(met)) = (signing_date, meeting) {
        if signed < met {
            let msg = format!("the signing date {signed} is before the Council meeting on {met}");
            c.push(&s.date.span(), "signing.date", msg, true);
        }
    }

    c.text("working_group.meeting", &config.working_group.meeting);
    c.date("working_group.date", &config.working_group.date);

    let known = render::render("working-group-draft.typ.j2", config, Mode::Draft, None)?.amendments;
    let table_span = config.amendments.as_ref().map_or(0..0, |a| a.span());
    let decided = config.amendments.as_ref().map(|a| a.get_ref());
    for id in &known {
        let key = format!("amendments.{id}");
        match decided.and_then(|d| d.iter().find(|(k, _)| k.get_ref() == id)) {
            None => {
                let msg = "is not decided; write \"accept\" or \"reject\"".to_string();
                c.push(&table_span, &key, msg, false);
            }
            Some((_, d)) if *d.get_ref() == Decision::Undecided => {
                let msg = "is undecided; write \"accept\" or \"reject\"".to_string();
                c.push(&d.span(), &key, msg, false);
            }
            Some(_) => {}
        }
    }
    for (id, _) in decided.into_iter().flatten() {
        if !known.contains(id.get_ref()) {
            let list = known.iter().map(String::as_str).collect::<Vec<_>>().join(", ");
            let msg = format!("is not a proposed amendment of the draft; known ids: {list}");
            c.push(&id.span(), &format!("amendments.{}", id.get_ref()), msg, true);
        }
    }

    c.problems.sort_by_key(|p| (p.location.line, p.location.col));
    Ok(c.problems)
}

/// A package id names a directory: letters, digits, `.`, `-`, `_`; not starting with a dot.
fn valid_id(id: &str) -> Result<(), String> {
    let ok_chars = id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !ok_chars || id.is_empty() || id.starts_with('.') || id.len() > 64 {
        return Err(format!(
            "\"{}\" cannot name a package directory; use up to 64 letters, digits, '.', '-' \
             or '_', not starting with '.'",
            id.escape_debug()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{forbidden, is_placeholder_word, unfilled, valid_id};

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

    #[test]
    fn package_ids_cannot_escape_the_output_directory() {
        for bad in ["a/b", "..", "../x", "/abs", ".hidden", "a\0b", "a b", ""] {
            assert!(valid_id(bad).is_err(), "{bad:?}");
        }
        assert!(valid_id("un-iom-2016").is_ok());
    }
}
