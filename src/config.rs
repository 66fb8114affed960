//! The per-session TOML config, read by the fields its template set declares.
//!
//! The config is parsed with TOML's spans kept for every key and value, then walked against
//! the declaration: a key no field or table declares is an error with its line and column
//! ("unknown field `plaec`, expected one of `date`, `place`, …"), and so is a value of the
//! wrong type; both are malformed input (exit 2), the first in the file reported. What is
//! left is each declared value as written, with its span, for `check` to judge: a missing
//! key, an unfilled or impossible value are problems of the session, listed all at once.
//!
//! Three keys are accord's own, whatever the set: `id`, the package id; `supersedes`, the
//! fingerprints of earlier signings this package replaces; and the `[amendments]` table of
//! decisions on the catalog's proposed amendments.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::chars::visible;
use crate::error::{Error, Result};
use crate::fsio;
use crate::location::{Location, Source};
use crate::set::{quoted_list, Fields, Kind, Literal, DECISIONS};

/// Largest config file read, in bytes: far above any real config (a few KB), it keeps a
/// wrong path (a device, a huge file) from exhausting memory.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;
/// The key of the package id.
pub const ID: &str = "id";
/// The key of the list of fingerprints of the signings a package supersedes.
pub const SUPERSEDES: &str = "supersedes";
/// The key of the table of decisions on amendments.
pub const AMENDMENTS: &str = "amendments";

/// A text value with its place in the config file.
pub type Text = Spanned<String>;

/// A declared value as written: its type checked, not yet its content.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// A string (a text, a date, a choice).
    Text(Text),
    /// An integer.
    Integer(Spanned<i64>),
    /// A boolean.
    Bool(Spanned<bool>),
    /// A list, with its items.
    List(Spanned<Vec<Raw>>),
}

impl Raw {
    /// Where the value is written.
    pub fn span(&self) -> Range<usize> {
        match self {
            Raw::Text(v) => v.span(),
            Raw::Integer(v) => v.span(),
            Raw::Bool(v) => v.span(),
            Raw::List(v) => v.span(),
        }
    }
}

/// One session's config, as written.
#[derive(Debug, Default)]
pub struct Config {
    /// Package id: names the output directory `out/<id>`.
    pub id: Option<Text>,
    /// Fingerprints of earlier signings of the package that this one replaces.
    pub supersedes: Option<Spanned<Vec<Text>>>,
    /// Each declared field the config gives, by key.
    pub values: BTreeMap<String, Raw>,
    /// Where each table the config has begins (its header, or its first key), by key; the
    /// top of the file is `""`.
    pub tables: BTreeMap<String, Range<usize>>,
    /// The decisions on amendments, by amendment id, in file order.
    pub amendments: Vec<(Text, Spanned<Decision>)>,
    /// Where the `[amendments]` table is, if the config has one.
    pub amendments_at: Option<Range<usize>>,
}

/// The decision on one proposed amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The proposed change is made.
    Accept,
    /// The text stays as it was.
    Reject,
    /// Not decided yet: blocks a signature-ready build.
    Undecided,
}

/// A config file read from disk, with its text kept for locating problems.
#[derive(Debug)]
pub struct Loaded {
    /// Path the config was read from.
    pub path: PathBuf,
    /// The file's text (its bytes are hashed into the manifest).
    pub text: String,
    /// The parsed config.
    pub config: Config,
}

impl Loaded {
    /// Reads and parses a config file of the set declaring `fields`; syntax, type and
    /// unknown-key errors name file:line:col.
    pub fn read(path: &Path, fields: &Fields) -> Result<Self> {
        Self::parse(path, fsio::read_regular(path, "config", MAX_CONFIG_BYTES)?, fields)
    }

    /// Parses the bytes of a config file read from `path` (named in errors).
    pub fn parse(path: &Path, bytes: Vec<u8>, fields: &Fields) -> Result<Self> {
        let text = String::from_utf8(bytes).map_err(|e| {
            let bytes = e.as_bytes();
            let valid = e.utf8_error().valid_up_to();
            let loc = Location::of(path, &String::from_utf8_lossy(&bytes[..valid]), valid);
            Error::malformed(format!("{loc}: the config is not valid UTF-8 text; save it as UTF-8"))
        })?;
        let source = Source { path, text: &text };
        let refuse = |span: Range<usize>, message: String| {
            Error::malformed(format!("{}: {}", source.locate(&span), visible(&message)))
        };
        let root = DeTable::parse(&text).map_err(|e| {
            let at = e.span().unwrap_or(0..0);
            let message = e.message().trim_end().to_string();
            let hint =
                if message.contains("duplicate key") { "; keep only one of them" } else { "" };
            refuse(at, format!("{message}{hint}"))
        })?;
        let mut reader = Reader { fields, config: Config::default() };
        reader.config.tables.insert(String::new(), 0..0);
        reader.table("", root.get_ref()).map_err(|(span, message)| refuse(span, message))?;
        let config = reader.config;
        Ok(Self { path: path.to_path_buf(), text, config })
    }

    /// The location of a byte span of this file.
    pub fn locate(&self, span: &Range<usize>) -> Location {
        Location::of(&self.path, &self.text, span.start)
    }
}

/// What is wrong, and where.
type Refusal = (Range<usize>, String);

/// Walks a parsed config against the declaration.
struct Reader<'a> {
    fields: &'a Fields,
    config: Config,
}

impl Reader<'_> {
    /// Reads the table `key` (`""`: the top of the file), its keys in file order.
    fn table(&mut self, key: &str, table: &DeTable<'_>) -> std::result::Result<(), Refusal> {
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(name, _)| name.span().start);
        for (name, value) in entries {
            let full = join(key, name.get_ref());
            if key.is_empty() && name.get_ref() == ID {
                self.config.id =
                    Some(text(&full, value, "; write it in quotes, e.g. id = \"un-iom-2016\"")?);
            } else if key.is_empty() && name.get_ref() == SUPERSEDES {
                self.config.supersedes = Some(supersedes(value)?);
            } else if key.is_empty() && name.get_ref() == AMENDMENTS {
                self.amendments(value)?;
            } else if let Some(field) = self.fields.get(&full) {
                let raw = read(&full, &field.kind, value, field.example.as_ref())?;
                self.config.values.insert(full, raw);
            } else if self.fields.is_table(&full) {
                let DeValue::Table(inner) = value.get_ref() else {
                    return Err(mismatch(&full, value, "a table", ""));
                };
                self.config.tables.insert(full.clone(), value.span());
                self.table(&full, inner)?;
            } else {
                let mut expected: Vec<&str> = self.fields.children(key);
                if key.is_empty() {
                    expected.splice(0..0, [ID, SUPERSEDES]);
                    expected.push(AMENDMENTS);
                }
                return Err((name.span(), unknown_field(name.get_ref(), &expected)));
            }
        }
        Ok(())
    }

    /// Reads the `[amendments]` table: amendment id → decision.
    fn amendments(&mut self, value: &Spanned<DeValue<'_>>) -> std::result::Result<(), Refusal> {
        let DeValue::Table(table) = value.get_ref() else {
            return Err(mismatch(AMENDMENTS, value, "a table", ""));
        };
        self.config.amendments_at = Some(value.span());
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(name, _)| name.span().start);
        let hint = "; write the decision in quotes: \"accept\", \"reject\" or \"undecided\"";
        for (id, decision) in entries {
            let key = join(AMENDMENTS, id.get_ref());
            let decision_span = decision.span();
            let DeValue::String(word) = decision.get_ref() else {
                return Err(mismatch(&key, decision, "a decision", hint));
            };
            let decision = match word.as_ref() {
                "accept" => Decision::Accept,
                "reject" => Decision::Reject,
                "undecided" => Decision::Undecided,
                other => {
                    let decisions: Vec<String> = DECISIONS.iter().map(|d| d.to_string()).collect();
                    return Err((
                        decision.span(),
                        format!(
                            "{key}: {other:?} is not a decision; write {}",
                            quoted_list(&decisions, "or")
                        ),
                    ));
                }
            };
            let id = Spanned::new(id.span(), id.get_ref().to_string());
            self.config.amendments.push((id, Spanned::new(decision_span, decision)));
        }
        Ok(())
    }
}

/// The `supersedes` list: fingerprints, as text (`check` reads them).
fn supersedes(value: &Spanned<DeValue<'_>>) -> std::result::Result<Spanned<Vec<Text>>, Refusal> {
    let hint = "; write a list in brackets, each fingerprint in quotes as accord build printed \
                it: supersedes = [\"…\"]";
    let DeValue::Array(items) = value.get_ref() else {
        return Err(mismatch(SUPERSEDES, value, "a list", hint));
    };
    let items = items
        .iter()
        .map(|item| text(SUPERSEDES, item, hint))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Spanned::new(value.span(), items))
}

/// `table.name`, or `name` at the top.
fn join(table: &str, name: &str) -> String {
    match table {
        "" => name.to_string(),
        table => format!("{table}.{name}"),
    }
}

/// The value `value` of the field `key` of `kind`, its type checked.
fn read(
    key: &str,
    kind: &Kind,
    value: &Spanned<DeValue<'_>>,
    example: Option<&Literal>,
) -> std::result::Result<Raw, Refusal> {
    let example_hint = |how: &str| match example {
        Some(example) => format!("; {how}, e.g. {}", example.to_toml()),
        None => format!("; {how}"),
    };
    match kind {
        Kind::Text | Kind::Date | Kind::Choice(_) => {
            let hint = match (kind, value.get_ref()) {
                (_, DeValue::Datetime(_)) => "; write dates in quotes, e.g. \"2016-09-19\"".into(),
                _ => example_hint("write it in quotes"),
            };
            text(key, value, &hint).map(Raw::Text)
        }
        Kind::Integer { .. } => match value.get_ref() {
            DeValue::Integer(n) => i64::from_str_radix(n.as_str(), n.radix())
                .map(|n| Raw::Integer(Spanned::new(value.span(), n)))
                .map_err(|_| (value.span(), format!("{key}: the number {n} is too large"))),
            _ => Err(mismatch(
                key,
                value,
                "a whole number",
                &example_hint("write a whole number without quotes"),
            )),
        },
        Kind::YesNo => match value.get_ref() {
            DeValue::Boolean(b) => Ok(Raw::Bool(Spanned::new(value.span(), *b))),
            _ => Err(mismatch(key, value, "a boolean", "; write true or false, without quotes")),
        },
        Kind::List(list) => match value.get_ref() {
            DeValue::Array(items) => {
                let items = items
                    .iter()
                    .map(|item| read(key, &list.items, item, None))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                Ok(Raw::List(Spanned::new(value.span(), items)))
            }
            _ => Err(mismatch(key, value, "a list", &example_hint("write a list in brackets"))),
        },
    }
}

/// The string `value` of the key `key`; `hint` says how to write one.
fn text(key: &str, value: &Spanned<DeValue<'_>>, hint: &str) -> std::result::Result<Text, Refusal> {
    match value.get_ref() {
        DeValue::String(s) => Ok(Spanned::new(value.span(), s.to_string())),
        _ => Err(mismatch(key, value, "a string", hint)),
    }
}

/// The refusal of `value`, of another type than `expected`.
fn mismatch(key: &str, value: &Spanned<DeValue<'_>>, expected: &str, hint: &str) -> Refusal {
    let found = match value.get_ref() {
        DeValue::String(s) => format!("string {:?}", s.as_ref()),
        DeValue::Integer(n) => format!("integer `{n}`"),
        DeValue::Float(f) => format!("floating point `{f}`"),
        DeValue::Boolean(b) => format!("boolean `{b}`"),
        DeValue::Datetime(d) => format!("TOML date `{d}`"),
        DeValue::Array(_) => "list".to_string(),
        DeValue::Table(_) => "table".to_string(),
    };
    (value.span(), format!("{key}: invalid type: {found}, expected {expected}{hint}"))
}

/// serde's message for an unknown key, and the nearest known one when it looks like a typo.
fn unknown_field(name: &str, expected: &[&str]) -> String {
    let list: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
    let mut message = match list.as_slice() {
        [] => format!("unknown field `{name}`, there are no fields"),
        [one] => format!("unknown field `{name}`, expected {one}"),
        [a, b] => format!("unknown field `{name}`, expected {a} or {b}"),
        all => format!("unknown field `{name}`, expected one of {}", all.join(", ")),
    };
    if let Some(near) = expected.iter().find(|e| distance(name, e) <= 2 && name.len() > 2) {
        message.push_str(&format!(" (did you mean `{near}`?)"));
    }
    message
}

/// The edit distance of `a` and `b` (insertions, deletions, substitutions, transpositions).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{distance, unknown_field, Loaded, Raw};
    use crate::set::TemplateSet;

    const EXAMPLE: &str = include_str!("../config/un-iom-2016.toml");

    fn parse(text: &str) -> Result<Loaded, String> {
        let fields = &TemplateSet::builtin().unwrap().fields;
        Loaded::parse(Path::new("c.toml"), text.as_bytes().to_vec(), fields).map_err(|e| e.message)
    }

    #[test]
    fn the_example_is_read_by_the_declaration() {
        let loaded = parse(EXAMPLE).unwrap();
        assert_eq!(loaded.config.id.as_ref().unwrap().get_ref(), "un-iom-2016");
        let Some(Raw::Integer(originals)) = loaded.config.values.get("signing.originals") else {
            panic!("{:?}", loaded.config.values)
        };
        assert_eq!(*originals.get_ref(), 2);
        assert_eq!(loaded.config.amendments.len(), 9);
        assert!(loaded.config.tables.contains_key("signatories.iom"));
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_line_column_and_key() {
        let err = parse(&EXAMPLE.replacen("place = ", "plaec = ", 1)).unwrap_err();
        assert!(
            err.starts_with(
                "c.toml:15:1: unknown field `plaec`, expected one of `date`, `place`, \
                 `originals`, `languages` (did you mean `place`?)"
            ),
            "{err}"
        );
        let err = parse(&EXAMPLE.replacen("originals = 2", "originals = \"two\"", 1)).unwrap_err();
        assert_eq!(
            err,
            "c.toml:16:13: signing.originals: invalid type: string \"two\", expected a whole \
             number; write a whole number without quotes, e.g. 2"
        );
        let err = parse(&EXAMPLE.replacen("\"2016-09-19\"", "2016-09-19", 1)).unwrap_err();
        assert!(err.contains("signing.date: invalid type: TOML date `2016-09-19`"), "{err}");
        let err = parse("[signatories]\nion = 1\n").unwrap_err();
        assert!(
            err.ends_with(
                "unknown field `ion`, expected `united_nations` or `iom` (did you mean `iom`?)"
            ),
            "{err}"
        );
    }

    #[test]
    fn typos_are_near_their_key() {
        assert_eq!(distance("plaec", "place"), 1);
        assert_eq!(distance("councl", "council"), 1);
        assert!(!unknown_field("xyz", &["date"]).contains("did you mean"));
    }
}
