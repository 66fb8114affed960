//! Is a config signature-ready? Lists every problem with its file:line:col and key, and turns
//! the config into the validated [`Session`] that `render` reads.
//!
//! Problems come in two kinds: *unfinished* (an unfilled placeholder, an undecided
//! amendment, a missing value) blocks only signature-ready builds, while *invalid* (an
//! impossible date, a character the font cannot draw, an unknown amendment id) blocks
//! drafts too.

mod placeholder;
mod session;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

pub use placeholder::unfilled;
pub use session::{Council, Field, Session, Signatory, Signing, WorkingGroup};

use crate::catalog::Catalog;
use crate::chars::{composed, describe, text_problem, visible};
use crate::config::{self, Decision, Loaded, Location, Text};
use crate::date::Date;
use crate::fingerprint::Fingerprint;
use crate::fonts;

/// The directory of draft builds under the output directory, which no package id may name.
pub const DRAFTS: &str = "drafts";
/// Longest value accepted in a text field, in characters.
pub const MAX_VALUE_CHARS: usize = 500;

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
        write!(f, "{}: {}: {}", self.location, visible(&self.key), visible(&self.message))
    }
}

/// A checked config: its session and every problem, in file order.
#[derive(Debug)]
pub struct Checked {
    /// The validated values.
    pub session: Session,
    /// Every problem; empty when the config is signature-ready.
    pub problems: Vec<Problem>,
}

/// Checks `loaded` against the documents of `catalog`.
pub fn check(loaded: &Loaded, catalog: &Catalog) -> Checked {
    let mut c = Collector { loaded, problems: Vec::new() };
    let config = &loaded.config;
    if c.text("id", &config.id).value.is_some() {
        if let Err(why) = valid_id(config.id.get_ref()) {
            c.push(&config.id.span(), "id", why, true);
        }
    }
    let supersedes = c.supersedes(config);
    let signing = c.signing(&config.signing, catalog);
    let united_nations = c.signatory(&config.signatories.united_nations, "united_nations");
    let iom = c.signatory(&config.signatories.iom, "iom");
    let (council, meeting) = c.council(config, signing.date.value);
    let working_group = WorkingGroup {
        meeting: c.text("working_group.meeting", &config.working_group.meeting),
        date: c.date("working_group.date", &config.working_group.date),
    };
    c.draft_comes_first(&working_group.date, meeting, signing.date.value);
    let amendments = c.amendments(config, catalog);
    c.problems.sort_by_key(|p| (p.location.line, p.location.col));
    let session = Session {
        id: config.id.get_ref().trim().to_string(),
        supersedes,
        signing,
        united_nations,
        iom,
        council,
        working_group,
        amendments,
    };
    Checked { session, problems: c.problems }
}

/// Collects problems for one loaded config.
struct Collector<'a> {
    loaded: &'a Loaded,
    problems: Vec<Problem>,
}

impl Collector<'_> {
    fn push(&mut self, span: &Range<usize>, key: &str, message: String, invalid: bool) {
        self.push_at(self.loaded.locate(span), key, message, invalid);
    }

    fn push_at(&mut self, location: Location, key: &str, message: String, invalid: bool) {
        self.problems.push(Problem { location, key: key.to_string(), message, invalid });
    }

    fn field<T>(&self, key: &str, span: &Range<usize>, value: Option<T>) -> Field<T> {
        Field { key: key.to_string(), location: self.loaded.locate(span), value }
    }

    /// A text value: filled, of sane length, and drawable by the document font.
    fn text(&mut self, key: &str, field: &Text) -> Field<String> {
        let value = field.get_ref();
        let span = field.span();
        let problem = if let Some(why) = unfilled(value) {
            Some((format!("{why}; fill it in"), false))
        } else if let Some(why) = text_problem(value) {
            Some((why, true))
        } else if value.chars().count() > MAX_VALUE_CHARS {
            let chars = value.chars().count();
            Some((
                format!("is {chars} characters long (at most {MAX_VALUE_CHARS}); shorten it"),
                true,
            ))
        } else {
            fonts::undrawable_char(&composed(value)).map(|c| {
                let msg = format!(
                    "contains {} which the document font ({}) cannot draw; use Latin, Greek, \
                     Cyrillic or Hebrew script, or transliterate it",
                    describe(c),
                    fonts::DOCUMENT_FONT
                );
                (msg, true)
            })
        };
        match problem {
            Some((message, invalid)) => {
                self.push(&span, key, message, invalid);
                self.field(key, &span, None)
            }
            None => self.field(key, &span, Some(composed(value.trim()))),
        }
    }

    /// A date value: filled and a real calendar date.
    fn date(&mut self, key: &str, field: &Text) -> Field<Date> {
        let span = field.span();
        let date = self
            .text(key, field)
            .value
            .and_then(|text| Date::parse(&text).map_err(|e| self.push(&span, key, e, true)).ok());
        self.field(key, &span, date)
    }

    /// The fingerprints of the earlier signings the package supersedes: each one whole and
    /// listed once (that it is not the package's own is checked when it is sealed).
    fn supersedes(&mut self, config: &config::Config) -> Vec<Fingerprint> {
        let mut found: Vec<Fingerprint> = Vec::new();
        for text in config.supersedes.iter().flat_map(|list| list.get_ref()) {
            let message = match Fingerprint::parse(text.get_ref()) {
                Ok(fingerprint) if !found.contains(&fingerprint) => {
                    found.push(fingerprint);
                    continue;
                }
                Ok(fingerprint) => {
                    format!("lists {fingerprint} twice; list each superseded signing once")
                }
                Err(why) => format!(
                    "\"{}\" is not a package fingerprint: {why}; copy it as accord build \
                     printed it for the earlier signing",
                    visible(text.get_ref())
                ),
            };
            self.push(&text.span(), "supersedes", message, true);
        }
        found
    }

    /// The `[signing]` table: date, place, originals, languages.
    fn signing(&mut self, s: &config::Signing, catalog: &Catalog) -> Signing {
        let date = self.date("signing.date", &s.date);
        let place = self.text("signing.place", &s.place);
        let n = *s.originals.get_ref();
        let max = catalog.max_originals;
        let originals = if (1..=max).contains(&n) {
            Some(n)
        } else {
            let msg = format!("must be from 1 to {max}, not {n}");
            self.push(&s.originals.span(), "signing.originals", msg, true);
            None
        };
        let originals = self.field("signing.originals", &s.originals.span(), originals);
        if s.languages.get_ref().is_empty() {
            let msg = "lists no language; write e.g. [\"English\"]".to_string();
            self.push(&s.languages.span(), "signing.languages", msg, false);
        }
        let languages: Vec<Field<String>> =
            s.languages.get_ref().iter().map(|l| self.text("signing.languages", l)).collect();
        self.languages(&languages, catalog);
        Signing { date, place, originals, languages }
    }

    /// Each language once, and only those the templates hold a text in: an original may not
    /// claim a text it does not contain.
    fn languages(&mut self, languages: &[Field<String>], catalog: &Catalog) {
        for (i, field) in languages.iter().enumerate() {
            let Some(language) = &field.value else { continue };
            let at = field.location.clone();
            if languages[..i].iter().any(|other| other.value.as_ref() == Some(language)) {
                let msg = format!("lists {language:?} twice; list each language once");
                self.push_at(at, "signing.languages", msg, true);
            } else if !catalog.languages.contains(language) {
                let msg = format!(
                    "the templates hold the text of the documents in {} only, so an original \
                     cannot say it is in {language}: a {language} text would go in templates/, \
                     listed under `languages` in templates/catalog.toml; remove {language:?} or \
                     add that text",
                    catalog.languages.join(" and ")
                );
                self.push_at(at, "signing.languages", msg, true);
            }
        }
    }

    /// One signatory's name and title.
    fn signatory(&mut self, who: &config::Signatory, party: &str) -> Signatory {
        Signatory {
            name: self.text(&format!("signatories.{party}.name"), &who.name),
            title: self.text(&format!("signatories.{party}.title"), &who.title),
        }
    }

    /// The `[council]` table, and the order of the signing and the Council meeting.
    fn council(
        &mut self,
        config: &config::Config,
        signed: Option<Date>,
    ) -> (Council, Option<Date>) {
        let council = config.council.get_ref();
        let session = self.text("council.session", &council.session);
        let session_symbol = self.text("council.session_symbol", &council.session_symbol);
        let meeting = council.meeting_date.as_ref().map(|d| self.date("council.meeting_date", d));
        let agenda_item = self.text("council.agenda_item", &council.agenda_item);
        let revised_agenda = match &council.revised_agenda {
            Some(flag) => self.field("council.revised_agenda", &flag.span(), Some(*flag.get_ref())),
            None => {
                let msg = "is missing; write revised_agenda = true or false".to_string();
                self.push(&config.council.span(), "council.revised_agenda", msg, false);
                self.field("council.revised_agenda", &config.council.span(), None)
            }
        };
        let proposal_symbol = self.text("council.proposal_symbol", &council.proposal_symbol);
        let meeting = meeting.and_then(|m| m.value);
        if let (Some(signed), Some(met)) = (signed, meeting) {
            if signed < met {
                let msg =
                    format!("the signing date {signed} is before the Council meeting on {met}");
                self.push(&config.signing.date.span(), "signing.date", msg, true);
            }
        }
        (Council { session, session_symbol, agenda_item, revised_agenda, proposal_symbol }, meeting)
    }

    /// The Working Group issues the draft before the Council meets and before the signing.
    fn draft_comes_first(
        &mut self,
        date: &Field<Date>,
        meeting: Option<Date>,
        signed: Option<Date>,
    ) {
        let Some(drafted) = date.value else { return };
        let later = [("Council meeting", meeting), ("signing", signed)];
        if let Some((what, Some(when))) =
            later.into_iter().find(|(_, when)| when.is_some_and(|w| w < drafted))
        {
            let msg = format!(
                "the Working Group date {drafted} is after the {what} on {when}; the draft comes first"
            );
            self.push_at(date.location.clone(), &date.key, msg, true);
        }
    }

    /// The `[amendments]` table: a decision on every amendment the catalog lists, and no other.
    fn amendments(
        &mut self,
        config: &config::Config,
        catalog: &Catalog,
    ) -> BTreeMap<String, Decision> {
        let known: BTreeSet<&str> = catalog.amendments.iter().map(String::as_str).collect();
        let table_span = config.amendments.as_ref().map_or(0..0, |a| a.span());
        let decided = config.amendments.as_ref().map(|a| a.get_ref());
        for id in &known {
            let key = format!("amendments.{id}");
            match decided.and_then(|d| d.iter().find(|(k, _)| k.get_ref() == id)) {
                None => {
                    let msg = "is not decided; write \"accept\" or \"reject\"".to_string();
                    self.push(&table_span, &key, msg, false);
                }
                Some((_, d)) if *d.get_ref() == Decision::Undecided => {
                    let msg = "is undecided; write \"accept\" or \"reject\"".to_string();
                    self.push(&d.span(), &key, msg, false);
                }
                Some(_) => {}
            }
        }
        for (id, _) in decided.into_iter().flatten() {
            if !known.contains(id.get_ref().as_str()) {
                let list = known.iter().copied().collect::<Vec<_>>().join(", ");
                let msg = format!("is not a proposed amendment of the draft; known ids: {list}");
                self.push(&id.span(), &format!("amendments.{}", id.get_ref()), msg, true);
            }
        }
        decided.into_iter().flatten().map(|(id, d)| (id.get_ref().clone(), *d.get_ref())).collect()
    }
}

/// A package id names a directory: letters, digits, `.`, `-`, `_`; not starting with a dot.
fn valid_id(id: &str) -> Result<(), String> {
    if id == DRAFTS {
        return Err(format!(
            "\"{DRAFTS}\" is reserved: draft builds are written to out/{DRAFTS}/; choose another id"
        ));
    }
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
    use super::valid_id;

    #[test]
    fn package_ids_cannot_escape_the_output_directory() {
        for bad in ["a/b", "..", "../x", "/abs", ".hidden", "a\0b", "a b", "", "drafts"] {
            assert!(valid_id(bad).is_err(), "{bad:?}");
        }
        assert!(valid_id("un-iom-2016").is_ok());
    }
}
