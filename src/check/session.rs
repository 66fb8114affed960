//! The validated session: what `check` makes of a loaded config, and all that `render` reads.
//!
//! Every value is parsed once, here: dates are [`Date`]s, texts are trimmed and composed, and
//! a value that is unfilled (or not valid, or missing) is marked so, with its key and its
//! place in the config, so that a draft can show it as a placeholder and nothing downstream
//! re-reads the config.

use std::collections::BTreeMap;

use crate::config::Decision;
use crate::date::Date;
use crate::fingerprint::Fingerprint;
use crate::location::Location;

/// One value of the session: its config key, where it is written, and the value itself
/// unless it is unfilled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Config key, e.g. `signing.place` (an item of a list has its list's key).
    pub key: String,
    /// Where the value is written in the config (where it belongs, when it is missing).
    pub location: Location,
    /// The value; `None` when unfilled, missing or not valid.
    pub value: Option<Value>,
}

/// A valid value of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A text or a choice, trimmed, in Unicode's composed form.
    Text(String),
    /// A date.
    Date(Date),
    /// A whole number within its bounds.
    Integer(i64),
    /// Yes or no.
    Bool(bool),
    /// The items of a list, each a field of its own (with the list's key).
    List(Vec<Field>),
}

/// A session's values, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Package id as written (trimmed): names `out/<id>` even when unfilled, for drafts.
    pub id: String,
    /// Fingerprints of the earlier signings this package supersedes.
    pub supersedes: Vec<Fingerprint>,
    /// One field per declared key the config gives or must give, in declaration order; an
    /// optional field the config leaves out is not here.
    pub fields: Vec<Field>,
    /// Decision on each amendment, by id (undecided ones included).
    pub amendments: BTreeMap<String, Decision>,
}

/// Date of the PDFs when none of the fields that date them is filled: a fixed one keeps
/// drafts with unfilled dates reproducible.
pub const FALLBACK_DATE: Date = Date { year: 2000, month: 1, day: 1 };

impl Session {
    /// The field `key`, if the config gives it or must.
    pub fn get(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The value of the date field `key`, when filled.
    pub fn date(&self, key: &str) -> Option<Date> {
        match self.get(key)?.value {
            Some(Value::Date(date)) => Some(date),
            _ => None,
        }
    }

    /// The value of the integer field `key`, when filled and valid.
    pub fn integer(&self, key: &str) -> Option<i64> {
        match self.get(key)?.value {
            Some(Value::Integer(n)) => Some(n),
            _ => None,
        }
    }

    /// The date written into PDFs (and Typst's `today`): the first filled of the date fields
    /// `keys` (the catalog's `package_date` or `draft_date`), else [`FALLBACK_DATE`].
    pub fn pdf_date(&self, keys: &[String]) -> Date {
        keys.iter().find_map(|key| self.date(key)).unwrap_or(FALLBACK_DATE)
    }

    /// The number of originals the integer field `key` gives (1 when there is none, or it
    /// is unfilled).
    pub fn originals(&self, key: Option<&str>) -> u32 {
        key.and_then(|key| self.integer(key))
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n >= 1)
            .unwrap_or(1)
    }
}
