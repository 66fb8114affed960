//! The form of a session: its fields grouped and ordered as the template set declares them,
//! each with its label, help, example and an input fitting its kind; the package id, a key
//! accord itself knows, comes first.

use serde::Serialize;

use crate::set::{table_of, FieldSpec, Kind, Literal, TemplateSet};

/// The table of decisions on amendments, which the page shows in place instead of as fields.
pub const AMENDMENTS: &str = "amendments";
/// The package id's key.
const ID: &str = "id";

/// A group of fields: one table of the config.
#[derive(Debug, Serialize)]
pub struct Group {
    /// The table's key (empty for the top level).
    pub table: String,
    /// Title of the group.
    pub title: String,
    /// One line on what the group is.
    pub help: Option<String>,
    /// Its fields, in order.
    pub fields: Vec<Field>,
}

/// One field of the form.
#[derive(Debug, Serialize)]
pub struct Field {
    /// Key path, e.g. `signing.place`: the input's `name`.
    pub key: String,
    /// Label.
    pub label: String,
    /// One line of help.
    pub help: String,
    /// An example value, as text.
    pub example: Option<String>,
    /// Kind of input: `text`, `date`, `integer`, `yesno`, `choice`, `list`.
    pub kind: &'static str,
    /// Least value of an integer.
    pub min: Option<i64>,
    /// Greatest value of an integer.
    pub max: Option<i64>,
    /// The texts a choice (or a list's items) may be.
    pub choices: Vec<String>,
    /// Whether the config may leave it out.
    pub optional: bool,
}

/// The form of `set`'s sessions.
pub fn form(set: &TemplateSet) -> Vec<Group> {
    let mut groups = vec![Group {
        table: String::new(),
        title: "Package".into(),
        help: None,
        fields: vec![Field {
            key: ID.into(),
            label: "Package id".into(),
            help: "Names the package's folder under out/: letters, digits, '.', '-' and '_'."
                .into(),
            example: Some("un-iom-2016".into()),
            kind: "text",
            min: None,
            max: None,
            choices: Vec::new(),
            optional: false,
        }],
    }];
    for spec in set.fields.all() {
        let table = table_of(&spec.key);
        if groups.last().is_none_or(|g| g.table != table) {
            groups.push(group(set, table));
        }
        if let Some(group) = groups.last_mut() {
            group.fields.push(field(spec));
        }
    }
    groups
}

/// The group of the table `key`, titled as declared (under its parent's title, if any).
fn group(set: &TemplateSet, key: &str) -> Group {
    let spec = set.fields.table(key);
    let own = spec.map_or_else(|| key.to_string(), |t| t.title.clone());
    let parent = key.rsplit_once('.').and_then(|(parent, _)| set.fields.table(parent));
    let title = match parent {
        Some(parent) => format!("{}: {own}", parent.title),
        None => own,
    };
    let help = spec.and_then(|t| t.help.clone()).or_else(|| parent.and_then(|p| p.help.clone()));
    Group { table: key.to_string(), title, help, fields: Vec::new() }
}

fn field(spec: &FieldSpec) -> Field {
    let (kind, min, max, choices) = match &spec.kind {
        Kind::Text => ("text", None, None, Vec::new()),
        Kind::Date => ("date", None, None, Vec::new()),
        Kind::Integer { min, max } => ("integer", *min, *max, Vec::new()),
        Kind::YesNo => ("yesno", None, None, Vec::new()),
        Kind::Choice(c) => ("choice", None, None, c.values.clone()),
        Kind::List(list) => match list.items.as_ref() {
            Kind::Choice(c) => ("list", None, None, c.values.clone()),
            _ => ("list", None, None, Vec::new()),
        },
    };
    Field {
        key: spec.key.clone(),
        label: spec.label.clone(),
        help: spec.help.clone(),
        example: spec.example.as_ref().map(shown),
        kind,
        min,
        max,
        choices,
        optional: !spec.required,
    }
}

/// A declared value as the page shows it.
fn shown(literal: &Literal) -> String {
    match literal {
        Literal::Text(text) => text.clone(),
        Literal::Integer(n) => n.to_string(),
        Literal::Bool(true) => "yes".into(),
        Literal::Bool(false) => "no".into(),
        Literal::List(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
    }
}
