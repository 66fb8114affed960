//! Is a config signature-ready? Lists every problem with its file:line:col and key, and turns
//! the config into the validated [`Session`] that `render` reads, by the fields its template
//! set declares.
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
pub use session::{Field, Session, Value, FALLBACK_DATE};

use crate::chars::{composed, describe, text_problem, visible};
use crate::config::{Decision, Loaded, Raw, Text, AMENDMENTS, ID, SUPERSEDES};
use crate::date::Date;
use crate::fingerprint::Fingerprint;
use crate::fonts;
use crate::location::Location;
use crate::set::{out_of_bounds, table_of, FieldSpec, Fields, Kind, Literal, TemplateSet};

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

/// Checks `loaded` against the fields and documents of `set`.
pub fn check(loaded: &Loaded, set: &TemplateSet) -> Checked {
    let mut c = Collector { loaded, problems: Vec::new() };
    let config = &loaded.config;
    let id = match &config.id {
        Some(id) => {
            if c.text(ID, id).value.is_some() {
                if let Err(why) = valid_id(id.get_ref()) {
                    c.push(&id.span(), ID, why, true);
                }
            }
            id.get_ref().trim().to_string()
        }
        None => {
            let why = "is missing; add it at the top, e.g. id = \"un-iom-2016\"".to_string();
            c.push(&(0..0), ID, why, true);
            String::new()
        }
    };
    let supersedes = c.supersedes();
    let fields = c.fields(set.fields.all());
    for spec in set.fields.all() {
        c.rules(spec, &fields);
    }
    let amendments = c.amendments(set);
    c.problems.sort_by_key(|p| (p.location.line, p.location.col));
    Checked { session: Session { id, supersedes, fields, amendments }, problems: c.problems }
}

/// Checks the certification `loaded` against `fields`, the set's declaration of a
/// certification's fields, beside the checked `session` whose signed package it certifies
/// (its rules may name the session's dates: certified on or after the signing). The values
/// are returned as a session of their own, with the session's id.
pub fn check_certification(loaded: &Loaded, fields: &Fields, session: &Session) -> Checked {
    let mut c = Collector { loaded, problems: Vec::new() };
    let config = &loaded.config;
    let session_keys = [
        (ID, config.id.as_ref().map(Text::span)),
        (SUPERSEDES, config.supersedes.as_ref().map(|s| s.span())),
        (AMENDMENTS, config.amendments_at.clone()),
    ];
    for (key, span) in session_keys.into_iter().filter_map(|(k, s)| Some((k, s?))) {
        let why = "is a key of the session config, not of a certification; remove it";
        c.push(&span, key, why.to_string(), true);
    }
    let values = c.fields(fields.all());
    let mut both = session.fields.clone();
    both.extend(values.iter().cloned());
    for spec in fields.all() {
        c.rules(spec, &both);
    }
    c.problems.sort_by_key(|p| (p.location.line, p.location.col));
    let certification = Session {
        id: session.id.clone(),
        supersedes: Vec::new(),
        fields: values,
        amendments: BTreeMap::new(),
    };
    Checked { session: certification, problems: c.problems }
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

    fn field(&self, key: &str, span: &Range<usize>, value: Option<Value>) -> Field {
        Field { key: key.to_string(), location: self.loaded.locate(span), value }
    }

    /// The value of each field of `specs` the config gives or must give, in their order.
    fn fields(&mut self, specs: &[FieldSpec]) -> Vec<Field> {
        let mut fields = Vec::new();
        for spec in specs {
            match self.loaded.config.values.get(&spec.key) {
                Some(raw) => {
                    fields.push(self.value(&spec.key, &spec.kind, raw, spec.example.as_ref()))
                }
                None if spec.required => fields.push(self.missing(spec)),
                None => {}
            }
        }
        fields
    }

    /// The value of `key`, of `kind`, as written in `raw`.
    fn value(&mut self, key: &str, kind: &Kind, raw: &Raw, example: Option<&Literal>) -> Field {
        let span = raw.span();
        let value = match (kind, raw) {
            (Kind::Text, Raw::Text(text)) => self.text(key, text).value,
            (Kind::Date, Raw::Text(text)) => self.date(key, text),
            (Kind::Choice(choices), Raw::Text(text)) => {
                self.text(key, text).value.filter(|value| match value {
                    Value::Text(chosen) if !choices.values.contains(chosen) => {
                        self.push(&span, key, choices.refusal(chosen), true);
                        false
                    }
                    _ => true,
                })
            }
            (Kind::Integer { min, max }, Raw::Integer(n)) => {
                match out_of_bounds(*n.get_ref(), *min, *max) {
                    Some(why) => {
                        self.push(&span, key, why, true);
                        None
                    }
                    None => Some(Value::Integer(*n.get_ref())),
                }
            }
            (Kind::YesNo, Raw::Bool(b)) => Some(Value::Bool(*b.get_ref())),
            (Kind::List(list), Raw::List(items)) => {
                let fields: Vec<Field> = items
                    .get_ref()
                    .iter()
                    .map(|item| self.value(key, &list.items, item, None))
                    .collect();
                self.count(key, list, &fields, &span, example);
                Some(Value::List(fields))
            }
            // The config's reader gives each kind its own raw type.
            _ => None,
        };
        self.field(key, &span, value)
    }

    /// A text value: filled, of sane length, and drawable by the document font.
    fn text(&mut self, key: &str, field: &Text) -> Field {
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
            None => self.field(key, &span, Some(Value::Text(composed(value.trim())))),
        }
    }

    /// A date value: filled and a real calendar date.
    fn date(&mut self, key: &str, field: &Text) -> Option<Value> {
        let span = field.span();
        match self.text(key, field).value {
            Some(Value::Text(text)) => match Date::parse(&text) {
                Ok(date) => Some(Value::Date(date)),
                Err(why) => {
                    self.push(&span, key, why, true);
                    None
                }
            },
            _ => None,
        }
    }

    /// How many items the list `key` holds, and each at most once when it must be.
    fn count(
        &mut self,
        key: &str,
        list: &crate::set::ListSpec,
        items: &[Field],
        span: &Range<usize>,
        example: Option<&Literal>,
    ) {
        let name = &list.item_name;
        let e_g = example.map(|e| format!("; write e.g. {}", e.to_toml())).unwrap_or_default();
        if items.is_empty() && list.min_items > 0 {
            self.push(span, key, format!("lists no {name}{e_g}"), false);
        } else if items.len() < list.min_items {
            let msg =
                format!("lists {} {name}(s), fewer than {}{e_g}", items.len(), list.min_items);
            self.push(span, key, msg, false);
        } else if let Some(max) = list.max_items.filter(|max| items.len() > *max) {
            let msg = format!("lists {} {name}(s), more than {max}; remove some", items.len());
            self.push(span, key, msg, true);
        }
        if !list.unique {
            return;
        }
        for (i, item) in items.iter().enumerate() {
            let Some(value) = &item.value else { continue };
            if items[..i].iter().any(|other| other.value.as_ref() == Some(value)) {
                let shown = match value {
                    Value::Text(text) => format!("{text:?}"),
                    other => format!("{other:?}"),
                };
                let msg = format!("lists {shown} twice; list each {name} once");
                self.push_at(item.location.clone(), key, msg, true);
            }
        }
    }

    /// A required field the config leaves out, placed where it belongs.
    fn missing(&mut self, spec: &FieldSpec) -> Field {
        let config = &self.loaded.config;
        let mut table = spec.table();
        let span = loop {
            if let Some(span) = config.tables.get(table) {
                break span.clone();
            }
            if table.is_empty() {
                break 0..0;
            }
            table = table_of(table);
        };
        let under = match spec.table() {
            "" => " at the top".to_string(),
            table => format!(" under [{table}]"),
        };
        let example = spec.example.clone().or_else(|| spec.starter_value());
        let e_g = example.map(|e| format!(", e.g. {} = {}", spec.name(), e.to_toml()));
        let msg = format!("is missing; add it{under}{}", e_g.unwrap_or_default());
        self.push(&span, &spec.key, msg, false);
        self.field(&spec.key, &span, None)
    }

    /// The fingerprints of the earlier signings the package supersedes: each one whole and
    /// listed once (that it is not the package's own is checked when it is sealed).
    fn supersedes(&mut self) -> Vec<Fingerprint> {
        let config = &self.loaded.config;
        let mut found: Vec<Fingerprint> = Vec::new();
        let mut problems = Vec::new();
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
            problems.push((text.span(), message));
        }
        for (span, message) in problems {
            self.push(&span, SUPERSEDES, message, true);
        }
        found
    }

    /// The rules of the date field `spec`: not before, not after, another date field.
    fn rules(&mut self, spec: &FieldSpec, fields: &[Field]) {
        let date = |key: &str| {
            fields.iter().find(|f| f.key == key).and_then(|f| match f.value {
                Some(Value::Date(date)) => Some((date, f.location.clone())),
                _ => None,
            })
        };
        let Some((value, at)) = date(&spec.key) else { return };
        for rule in &spec.rules {
            if let Some((other, _)) =
                date(&rule.other).filter(|(other, _)| !rule.kept(value, *other))
            {
                let msg = rule.message(&value.to_string(), &other.to_string());
                self.push_at(at.clone(), &spec.key, msg, true);
            }
        }
    }

    /// The `[amendments]` table: a decision on every amendment the catalog lists, and no other.
    fn amendments(&mut self, set: &TemplateSet) -> BTreeMap<String, Decision> {
        let config = &self.loaded.config;
        let known: BTreeSet<&str> = set.catalog.amendments.iter().map(|a| a.id.as_str()).collect();
        let table_span = config.amendments_at.clone().unwrap_or(0..0);
        let decided = &config.amendments;
        for amendment in &set.catalog.amendments {
            let key = format!("{AMENDMENTS}.{}", amendment.id);
            match decided.iter().find(|(k, _)| *k.get_ref() == amendment.id) {
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
        for (id, _) in decided {
            if !known.contains(id.get_ref().as_str()) {
                let msg = match known.is_empty() {
                    true => "is not a proposed amendment: this template set proposes none".into(),
                    false => {
                        let list = known.iter().copied().collect::<Vec<_>>().join(", ");
                        format!("is not a proposed amendment of the draft; known ids: {list}")
                    }
                };
                self.push(&id.span(), &format!("{AMENDMENTS}.{}", id.get_ref()), msg, true);
            }
        }
        decided.iter().map(|(id, d)| (id.get_ref().clone(), *d.get_ref())).collect()
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
    use std::path::Path;

    use super::{check, valid_id, Value};
    use crate::config::Loaded;
    use crate::set::TemplateSet;

    const EXAMPLE: &str = include_str!("../../config/un-iom-2016.toml");

    fn problems(text: &str) -> Vec<String> {
        let set = TemplateSet::builtin().unwrap();
        let loaded =
            Loaded::parse(Path::new("c.toml"), text.as_bytes().to_vec(), &set.fields).unwrap();
        check(&loaded, set).problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn package_ids_cannot_escape_the_output_directory() {
        for bad in ["a/b", "..", "../x", "/abs", ".hidden", "a\0b", "a b", "", "drafts"] {
            assert!(valid_id(bad).is_err(), "{bad:?}");
        }
        assert!(valid_id("un-iom-2016").is_ok());
    }

    #[test]
    fn the_example_is_signature_ready_and_its_values_typed() {
        let set = TemplateSet::builtin().unwrap();
        let loaded = Loaded::parse(Path::new("c.toml"), EXAMPLE.into(), &set.fields).unwrap();
        let checked = check(&loaded, set);
        assert_eq!(checked.problems, []);
        let session = checked.session;
        assert_eq!(session.integer("signing.originals"), Some(2));
        assert_eq!(session.date("council.meeting_date").unwrap().to_string(), "2016-06-30");
        let Some(Value::List(languages)) = &session.get("signing.languages").unwrap().value else {
            panic!("a list")
        };
        assert_eq!(languages[0].value, Some(Value::Text("English".into())));
        assert_eq!(session.originals(set.catalog.originals_field.as_deref()), 2);
        assert_eq!(session.pdf_date(&set.catalog.draft_date).to_string(), "2016-06-03");
    }

    #[test]
    fn a_missing_key_is_unfinished_and_placed_in_its_table() {
        let found = problems(&EXAMPLE.replacen("place = \"New York\"\n", "", 1));
        assert_eq!(
            found,
            ["c.toml:12:1: signing.place: is missing; add it under [signing], e.g. place = \"New York\""]
        );
        let found = problems(&EXAMPLE.replacen(
            "[working_group]\nmeeting = \"Fourteenth meeting\"\ndate = \"2016-06-03\"\n",
            "",
            1,
        ));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with(
                "c.toml:1:1: working_group.meeting: is missing; add it under [working_group]"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn every_rule_broken_is_named() {
        let found = problems(&EXAMPLE.replacen("\"2016-06-03\"", "\"2016-10-01\"", 1));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].ends_with("after the Council meeting on 2016-06-30; the draft comes first")
        );
        assert!(found[1].ends_with("after the signing on 2016-09-19; the draft comes first"));
    }
}
