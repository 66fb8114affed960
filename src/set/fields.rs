//! The declaration of a session's fields, `fields.toml`: for each field its key, kind, label,
//! help, example, default, whether it is required, and its rules; and a title and help for
//! the tables the fields are grouped in. Everything accord does with a session config derives
//! from it.
//!
//! A declaration is checked as a whole when the set is read: each problem is named with its
//! line and column, and the set is refused until none is left.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::kind::{
    unknown_placeholders, Choices, Kind, ListSpec, Literal, Order, Rule, CHOICE_PLACEHOLDERS,
    RULE_PLACEHOLDERS,
};
use crate::location::{Location, Source};

/// Top-level names of the config and of the templates' context that accord itself gives a
/// meaning: no field may start with one.
pub const RESERVED: [&str; 9] = [
    "id",
    "supersedes",
    "amendments",
    "draft",
    "pdf_date",
    "original",
    "decision",
    "copy",
    "copies",
];

/// What the package id, the key every config has, is: the starter config's comment on it.
pub const ID_HELP: &str =
    "Package id: names the output directory out/<id>/ (letters, digits, '.', '-', '_').";

/// What `supersedes`, the other key every config may have, is.
pub const SUPERSEDES_HELP: &str = "Optional: the fingerprints of the earlier signings of this \
     package that this one replaces, as accord build printed them, each once.";

/// The declared fields of a set, in declaration order, and the tables they are grouped in.
#[derive(Debug, Clone)]
pub struct Fields {
    fields: Vec<FieldSpec>,
    tables: Vec<TableSpec>,
}

/// One declared field.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    /// Its key in the config and in the templates, e.g. `signing.place`.
    pub key: String,
    /// What it holds.
    pub kind: Kind,
    /// A short name for forms, e.g. `Place of signing`.
    pub label: String,
    /// One line saying what it is and where it is printed.
    pub help: String,
    /// A value as it would be written.
    pub example: Option<Literal>,
    /// The value the starter config holds.
    pub default: Option<Literal>,
    /// Whether a finished config must give it.
    pub required: bool,
    /// Its rules against other date fields.
    pub rules: Vec<Rule>,
    /// Where it is declared.
    pub declared: Location,
}

/// The title and help of a table of fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    /// The table's key, e.g. `signatories.iom`.
    pub key: String,
    /// Its title for forms and the starter config.
    pub title: String,
    /// One line about it.
    pub help: Option<String>,
}

impl FieldSpec {
    /// The key of the table the field is in (`""` at the top of the config).
    pub fn table(&self) -> &str {
        table_of(&self.key)
    }

    /// The field's own name in its table, e.g. `place`.
    pub fn name(&self) -> &str {
        self.key.rsplit('.').next().unwrap_or(&self.key)
    }

    /// The value the starter config writes: the default, else a placeholder for what can hold
    /// one; `None` when the line is left for the user to write (a number, a yes or no).
    pub fn starter_value(&self) -> Option<Literal> {
        if let Some(default) = &self.default {
            return Some(default.clone());
        }
        placeholder(&self.kind)
    }
}

/// The unfilled value of a kind, if it can hold one: `"xx"`, a date `"xxxx-xx-xx"`.
fn placeholder(kind: &Kind) -> Option<Literal> {
    match kind {
        Kind::Text | Kind::Choice(_) => Some(Literal::Text("xx".into())),
        Kind::Date => Some(Literal::Text("xxxx-xx-xx".into())),
        Kind::List(list) => placeholder(&list.items).map(|item| Literal::List(vec![item])),
        Kind::Integer { .. } | Kind::YesNo => None,
    }
}

/// The table a key is in: all but its last part.
pub fn table_of(key: &str) -> &str {
    key.rsplit_once('.').map_or("", |(table, _)| table)
}

impl Fields {
    /// Every field, in declaration order.
    pub fn all(&self) -> &[FieldSpec] {
        &self.fields
    }

    /// The field with `key`.
    pub fn get(&self, key: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The title and help of the table `key`, if declared.
    pub fn table(&self, key: &str) -> Option<&TableSpec> {
        self.tables.iter().find(|t| t.key == key)
    }

    /// Whether `key` is a table that holds fields (the top, `""`, included).
    pub fn is_table(&self, key: &str) -> bool {
        key.is_empty() || self.fields.iter().any(|f| within(&f.key, key))
    }

    /// The names directly in the table `key` (fields and tables), in declaration order.
    pub fn children(&self, key: &str) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for field in &self.fields {
            let rest = match key {
                "" => Some(field.key.as_str()),
                _ => field.key.strip_prefix(key).and_then(|r| r.strip_prefix('.')),
            };
            if let Some(name) = rest.and_then(|r| r.split('.').next()) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names
    }

    /// Parses and checks `fields.toml`: every problem, each with its line and column.
    pub fn parse(source: Source<'_>) -> Result<Self, Vec<String>> {
        Self::parse_beside(source, None)
    }

    /// Every field of `self`, then every field of `other` (whose keys are not `self`'s).
    pub fn merged(&self, other: &Fields) -> Fields {
        let mut merged = self.clone();
        merged.fields.extend(other.fields.iter().cloned());
        merged.tables.extend(other.tables.iter().cloned());
        merged
    }

    /// Parses and checks a declaration of fields that a file of its own fills in beside a
    /// session, e.g. a certification's, whose rules may name the `session`'s date fields and
    /// whose tables are not the session's: every problem, each with its line and column.
    pub fn parse_beside(source: Source<'_>, session: Option<&Fields>) -> Result<Self, Vec<String>> {
        let file: File = toml::from_str(source.text).map_err(|e| {
            let at = e.span().unwrap_or(0..0);
            vec![format!("{}: {}", source.locate(&at), e.message().trim_end())]
        })?;
        let mut problems = Vec::new();
        let mut fields = Vec::new();
        for decl in &file.field {
            match decl.get_ref().field(source, &decl.span()) {
                Ok(field) => fields.push(field),
                Err(why) => problems.extend(why),
            }
        }
        let fields = Fields { fields, tables: Vec::new() };
        if problems.is_empty() {
            // Between fields, once each is well declared (a broken one would be reported
            // again as missing).
            problems.extend(fields.cross_check(source, &file, session));
        }
        let tables = file
            .table
            .iter()
            .map(|t| TableSpec {
                key: t.key.get_ref().clone(),
                title: t.title.get_ref().clone(),
                help: t.help.as_ref().map(|h| h.get_ref().clone()),
            })
            .collect();
        match problems.is_empty() {
            true => Ok(Fields { tables, ..fields }),
            false => Err(problems),
        }
    }

    /// The problems between fields: keys twice or inside another field, tables split, rules
    /// naming what is not a date field, tables declared that hold no field.
    fn cross_check(
        &self,
        source: Source<'_>,
        file: &File,
        session: Option<&Fields>,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        let mut push = |at: &Location, key: &str, why: String| {
            problems.push(format!("{at}: field `{key}`: {why}"));
        };
        for field in self.fields.iter().filter(|_| session.is_some()) {
            let first = field.key.split('.').next().unwrap_or_default();
            if session.is_some_and(|s| s.is_table(first) || s.get(first).is_some()) {
                let why = format!(
                    "`{first}` is a name of the session's fields already; the templates see \
                     both, so choose another"
                );
                push(&field.declared, &field.key, why);
            }
        }
        let mut seen_tables: Vec<&str> = Vec::new();
        for (i, field) in self.fields.iter().enumerate() {
            let at = &field.declared;
            if self.fields[..i].iter().any(|f| f.key == field.key) {
                push(at, &field.key, "is declared twice; declare each field once".into());
            }
            if let Some(inner) = self.fields.iter().find(|f| within(&f.key, &field.key)) {
                let why = format!(
                    "is a value, so it cannot also be the table of `{}`; rename one of them",
                    inner.key
                );
                push(at, &field.key, why);
            }
            let table = field.table();
            if seen_tables.last() != Some(&table) {
                if let Some(last) = seen_tables.last().filter(|_| seen_tables.contains(&table)) {
                    let why = format!(
                        "the fields of {} must be declared one after the other, but the field \
                         before it is in {}; move it next to them (a config writes each table \
                         once)",
                        describe_table(table),
                        describe_table(last)
                    );
                    push(at, &field.key, why);
                } else if table.is_empty() && !seen_tables.is_empty() {
                    let why = "a field at the top of the config must be declared before the \
                               fields of any table (TOML writes them first)"
                        .to_string();
                    push(at, &field.key, why);
                }
                seen_tables.push(table);
            }
            for rule in &field.rules {
                match self.get(&rule.other).or_else(|| session.and_then(|s| s.get(&rule.other))) {
                    Some(other) if other.kind == Kind::Date && other.key != field.key => {}
                    Some(_) => push(
                        at,
                        &field.key,
                        format!("its rule names `{}`, which is not another date field", rule.other),
                    ),
                    None => push(
                        at,
                        &field.key,
                        format!("its rule names `{}`, which is not a declared field", rule.other),
                    ),
                }
            }
        }
        for (i, table) in file.table.iter().enumerate() {
            let key = table.key.get_ref();
            let at = source.locate(&table.key.span());
            if file.table[..i].iter().any(|t| t.key.get_ref() == key) {
                problems.push(format!("{at}: table `{key}` is declared twice"));
            } else if key.is_empty() || !self.is_table(key) {
                problems.push(format!(
                    "{at}: table `{key}` holds no declared field; remove it or fix its key"
                ));
            }
        }
        problems
    }
}

/// `[signing]`, or "the top of the config".
fn describe_table(table: &str) -> String {
    match table {
        "" => "the top of the config".to_string(),
        table => format!("[{table}]"),
    }
}

/// Whether `key` lies inside the table `table`.
fn within(key: &str, table: &str) -> bool {
    key.strip_prefix(table).is_some_and(|rest| rest.starts_with('.'))
}

/// `fields.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    table: Vec<TableDecl>,
    #[serde(default)]
    field: Vec<Spanned<FieldDecl>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableDecl {
    key: Spanned<String>,
    title: Spanned<String>,
    help: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldDecl {
    key: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    label: Option<Spanned<String>>,
    help: Spanned<String>,
    example: Option<Spanned<toml::Value>>,
    default: Option<Spanned<toml::Value>>,
    required: Option<bool>,
    min: Option<Spanned<i64>>,
    max: Option<Spanned<i64>>,
    choices: Option<Spanned<Vec<String>>>,
    not_a_choice: Option<Spanned<String>>,
    items: Option<Spanned<String>>,
    item_name: Option<Spanned<String>>,
    min_items: Option<Spanned<usize>>,
    max_items: Option<Spanned<usize>>,
    unique: Option<Spanned<bool>>,
    #[serde(default)]
    rules: Vec<Spanned<RuleDecl>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDecl {
    not_before: Option<Spanned<String>>,
    not_after: Option<Spanned<String>>,
    message: Option<Spanned<String>>,
}

/// The problems of one field's declaration, each with its place.
struct Problems<'a> {
    source: Source<'a>,
    key: String,
    found: Vec<String>,
}

impl Problems<'_> {
    fn push(&mut self, span: &Range<usize>, why: impl Into<String>) {
        let at = self.source.locate(span);
        self.found.push(format!("{at}: field `{}`: {}", self.key, why.into()));
    }
}

impl FieldDecl {
    /// The field this declares, or its problems.
    fn field(&self, source: Source<'_>, span: &Range<usize>) -> Result<FieldSpec, Vec<String>> {
        let key = self.key.get_ref().clone();
        let mut p = Problems { source, key: key.clone(), found: Vec::new() };
        if let Some(why) = bad_key(&key) {
            p.push(&self.key.span(), why);
        }
        let kind = self.kind(&mut p);
        let label = match &self.label {
            Some(label) => one_line(&mut p, label, "label"),
            None => self.key.get_ref().rsplit('.').next().unwrap_or_default().replace('_', " "),
        };
        let help = one_line(&mut p, &self.help, "help");
        let literal = |p: &mut Problems<'_>, value: &Option<Spanned<toml::Value>>, what: &str| {
            let value = value.as_ref()?;
            let Some(literal) = Literal::from_toml(value.get_ref()) else {
                p.push(
                    &value.span(),
                    format!("its {what} is not a text, number, true/false or list"),
                );
                return None;
            };
            if let Some(why) = kind.as_ref().and_then(|kind| kind.refuses(&literal)) {
                let why = match why.starts_with("is ") {
                    true => format!("its {what} {why}"),
                    false => format!("its {what}: {why}"),
                };
                p.push(&value.span(), why);
                return None;
            }
            Some(literal)
        };
        let example = literal(&mut p, &self.example, "example");
        let default = literal(&mut p, &self.default, "default");
        let rules = self.rules(&mut p, kind.as_ref());
        let declared = source.locate(span);
        match (kind, p.found.is_empty()) {
            (Some(kind), true) => Ok(FieldSpec {
                key,
                kind,
                label,
                help,
                example,
                default,
                required: self.required.unwrap_or(true),
                rules,
                declared,
            }),
            _ => Err(p.found),
        }
    }

    /// The kind this declares, the attributes that do not apply to it refused.
    fn kind(&self, p: &mut Problems<'_>) -> Option<Kind> {
        let name = self.kind.get_ref().as_str();
        let list = name == "list";
        let item_name = match (list, &self.items) {
            (true, Some(items)) => items.get_ref().as_str(),
            (true, None) => {
                p.push(
                    &self.kind.span(),
                    "a list says the type of its items: add `items = \"text\"`",
                );
                return None;
            }
            (false, Some(items)) => {
                p.push(&items.span(), "`items` applies to a list only");
                return None;
            }
            (false, None) => name,
        };
        const KINDS: [&str; 5] = ["text", "date", "yes-no", "integer", "choice"];
        if !KINDS.contains(&item_name) {
            let span = if list { self.items.as_ref().map(Spanned::span) } else { None };
            p.push(
                &span.unwrap_or(self.kind.span()),
                format!(
                    "unknown type {item_name:?}; write one of \"text\", \"date\", \"integer\", \
                     \"yes-no\", \"choice\"{}",
                    if list { "" } else { " or \"list\"" }
                ),
            );
            return None;
        }
        let integer = item_name == "integer";
        let choice = item_name == "choice";
        let applies = [
            ("min", self.min.as_ref().map(Spanned::span), integer),
            ("max", self.max.as_ref().map(Spanned::span), integer),
            ("choices", self.choices.as_ref().map(Spanned::span), choice),
            ("not_a_choice", self.not_a_choice.as_ref().map(Spanned::span), choice),
            ("item_name", self.item_name.as_ref().map(Spanned::span), list),
            ("min_items", self.min_items.as_ref().map(Spanned::span), list),
            ("max_items", self.max_items.as_ref().map(Spanned::span), list),
            ("unique", self.unique.as_ref().map(Spanned::span), list),
        ];
        let mut ok = true;
        for (attribute, span, fits) in applies {
            if let (Some(span), false) = (span, fits) {
                p.push(&span, format!("`{attribute}` does not apply to a {name} field"));
                ok = false;
            }
        }
        let item = match item_name {
            "text" => Kind::Text,
            "date" => Kind::Date,
            "yes-no" => Kind::YesNo,
            "integer" => self.integer(p)?,
            _ => Kind::Choice(self.choices(p)?),
        };
        if !ok {
            return None;
        }
        if !list {
            return Some(item);
        }
        let item_name = match &self.item_name {
            Some(name) => one_line(p, name, "item_name"),
            None => "value".to_string(),
        };
        let min_items = self.min_items.as_ref().map_or(0, |n| *n.get_ref());
        let max_items = self.max_items.as_ref().map(|n| *n.get_ref());
        if let (Some(max), Some(span)) = (max_items, self.max_items.as_ref().map(Spanned::span)) {
            if max < min_items || max == 0 {
                p.push(&span, "`max_items` is below `min_items`, or 0");
            }
        }
        Some(Kind::List(ListSpec {
            items: Box::new(item),
            item_name,
            min_items,
            max_items,
            unique: self.unique.as_ref().is_some_and(|u| *u.get_ref()),
        }))
    }

    fn integer(&self, p: &mut Problems<'_>) -> Option<Kind> {
        let min = self.min.as_ref().map(|n| *n.get_ref());
        let max = self.max.as_ref().map(|n| *n.get_ref());
        if let (Some(low), Some(high), Some(span)) = (min, max, self.max.as_ref()) {
            if high < low {
                p.push(&span.span(), format!("`max` ({high}) is below `min` ({low})"));
                return None;
            }
        }
        Some(Kind::Integer { min, max })
    }

    fn choices(&self, p: &mut Problems<'_>) -> Option<Choices> {
        let Some(choices) = &self.choices else {
            p.push(&self.kind.span(), "a choice lists its values: add `choices = [\"…\", \"…\"]`");
            return None;
        };
        let values = choices.get_ref();
        let unique: BTreeSet<&String> = values.iter().collect();
        if values.is_empty() || unique.len() != values.len() {
            p.push(&choices.span(), "`choices` must list at least one value, each once");
            return None;
        }
        if let Some(bad) =
            values.iter().find(|v| v.trim().is_empty() || v.contains(char::is_control))
        {
            p.push(
                &choices.span(),
                format!("the choice {bad:?} is empty or holds a control character"),
            );
            return None;
        }
        let not_a_choice =
            self.not_a_choice.as_ref().map(|m| message(p, m, "not_a_choice", &CHOICE_PLACEHOLDERS));
        Some(Choices { values: values.clone(), not_a_choice })
    }

    fn rules(&self, p: &mut Problems<'_>, kind: Option<&Kind>) -> Vec<Rule> {
        let mut rules = Vec::new();
        for rule in &self.rules {
            let decl = rule.get_ref();
            let (order, other) = match (&decl.not_before, &decl.not_after) {
                (Some(other), None) => (Order::NotBefore, other),
                (None, Some(other)) => (Order::NotAfter, other),
                _ => {
                    p.push(&rule.span(), "a rule has exactly one of `not_before` and `not_after`");
                    continue;
                }
            };
            if kind.is_some_and(|k| *k != Kind::Date) {
                p.push(&rule.span(), "rules apply to date fields only");
                continue;
            }
            let message =
                decl.message.as_ref().map(|m| message(p, m, "message", &RULE_PLACEHOLDERS));
            rules.push(Rule { order, other: other.get_ref().clone(), message });
        }
        rules
    }
}

/// The message `value` (the attribute `what`), one line using only the placeholders `allowed`.
fn message(p: &mut Problems<'_>, value: &Spanned<String>, what: &str, allowed: &[&str]) -> String {
    for unknown in unknown_placeholders(value.get_ref(), allowed) {
        let allowed: Vec<String> = allowed.iter().map(|a| format!("{{{a}}}")).collect();
        p.push(
            &value.span(),
            format!("its {what} uses {unknown}; it may use {}", allowed.join(" and ")),
        );
    }
    one_line(p, value, what)
}

/// The text of `value`, which must be one line and not empty.
fn one_line(p: &mut Problems<'_>, value: &Spanned<String>, what: &str) -> String {
    let text = value.get_ref().trim();
    if text.is_empty() || text.contains(char::is_control) {
        p.push(&value.span(), format!("its {what} must be one line of text"));
    }
    text.to_string()
}

/// Why `key` cannot be a field's key, if it cannot: each part a name the templates can write
/// after a dot (letters, digits, `_`, not starting with a digit), and not one of accord's own.
fn bad_key(key: &str) -> Option<String> {
    let part_ok = |part: &str| {
        part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if key.is_empty() || !key.split('.').all(part_ok) {
        return Some(format!(
            "{key:?} is not a key: write names of letters, digits and '_' joined by dots, \
             e.g. \"venue.city\""
        ));
    }
    let first = key.split('.').next().unwrap_or_default();
    RESERVED.contains(&first).then(|| {
        format!("`{first}` is accord's own name in a config and the templates; choose another")
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Fields, Kind};
    use crate::location::Source;

    fn parse(text: &str) -> Result<Fields, Vec<String>> {
        Fields::parse(Source { path: Path::new("fields.toml"), text })
    }

    fn problems(text: &str) -> String {
        parse(text).expect_err("the declaration must be refused").join("\n")
    }

    const PLACE: &str = "[[field]]\nkey = \"signing.place\"\ntype = \"text\"\nhelp = \"Where.\"\n";

    #[test]
    fn a_declaration_parses_into_fields_in_order() {
        let fields = parse(&format!(
            "{PLACE}[[field]]\nkey = \"signing.n\"\ntype = \"integer\"\nmin = 1\nhelp = \"How many.\"\nexample = 2\n"
        ))
        .unwrap();
        let keys: Vec<&str> = fields.all().iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["signing.place", "signing.n"]);
        assert_eq!(fields.all()[1].kind, Kind::Integer { min: Some(1), max: None });
        assert_eq!(fields.all()[0].label, "place");
        assert_eq!(fields.children(""), ["signing"]);
        assert_eq!(fields.children("signing"), ["place", "n"]);
        assert!(fields.is_table("signing") && !fields.is_table("signing.place"));
    }

    #[test]
    fn broken_declarations_are_refused_with_line_and_column() {
        for (text, expected) in [
            ("[[field]]\nkey = \"a.b\"\ntype = \"dat\"\nhelp = \"x\"\n", "fields.toml:3:8: field `a.b`: unknown type \"dat\""),
            ("[[field]]\nkey = \"a.b\"\ntype = \"text\"\n", "missing field `help`"),
            ("[[field]]\nkey = \"a.b\"\ntype = \"text\"\nhelp = \"x\"\nmin = 1\n", "fields.toml:5:7: field `a.b`: `min` does not apply to a text field"),
            ("[[field]]\nkey = \"id\"\ntype = \"text\"\nhelp = \"x\"\n", "`id` is accord's own name"),
            ("[[field]]\nkey = \"a.b-c\"\ntype = \"text\"\nhelp = \"x\"\n", "is not a key"),
            ("[[field]]\nkey = \"a.d\"\ntype = \"date\"\nhelp = \"x\"\nrules = [{ not_before = \"a.e\" }]\n", "its rule names `a.e`, which is not a declared field"),
            ("[[field]]\nkey = \"a.n\"\ntype = \"integer\"\nhelp = \"x\"\nexample = \"two\"\n", "its example is not a whole number"),
            ("[[field]]\nkey = \"a.n\"\ntype = \"choice\"\nchoices = [\"x\"]\nhelp = \"x\"\nnot_a_choice = \"{nope}\"\n", "its not_a_choice uses {nope}"),
            ("[[field]]\nkey = \"a.x\"\ntype = \"text\"\nhelp = \"x\"\n[[field]]\nkey = \"b.x\"\ntype = \"text\"\nhelp = \"x\"\n[[field]]\nkey = \"a.y\"\ntype = \"text\"\nhelp = \"x\"\n", "fields.toml:9:1: field `a.y`: the fields of [a] must be declared one after the other, but the field before it is in [b]"),
            ("[[field]]\nkey = \"a.x\"\ntype = \"text\"\nhelp = \"x\"\n[[table]]\nkey = \"b\"\ntitle = \"B\"\n", "fields.toml:6:7: table `b` holds no declared field"),
            ("[[field]]\nkey = \"a\"\ntype = \"text\"\nhelp = \"x\"\n[[field]]\nkey = \"a.b\"\ntype = \"text\"\nhelp = \"x\"\n", "is a value, so it cannot also be the table of `a.b`"),
        ] {
            let found = problems(text);
            assert!(found.contains(expected), "{text}\nexpected {expected:?} in:\n{found}");
        }
    }
}
