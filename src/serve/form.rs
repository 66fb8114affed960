//! The form of a session: its fields grouped and ordered, each with its label, help, example
//! and kind of input, read from the starter config (`accord init`'s), whose comments explain
//! every key.

use serde::Serialize;
use toml_edit::{DocumentMut, Item, Table};

use crate::catalog::Catalog;
use crate::error::{Error, Result};

/// The table of decisions on amendments, which the page shows in place instead of as fields.
pub const AMENDMENTS: &str = "amendments";

/// A group of fields.
#[derive(Debug, Serialize)]
pub struct Group {
    /// Title of the group.
    pub title: String,
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
    /// Kind of input: `text`, `date`, `integer`, `yesno`, `list`.
    pub kind: &'static str,
    /// Least and greatest value of an integer.
    pub min: Option<i64>,
    /// Greatest value of an integer.
    pub max: Option<i64>,
    /// Whether the config may leave it out.
    pub optional: bool,
}

/// The form of the built-in documents' sessions.
pub fn form() -> Result<Vec<Group>> {
    let catalog = Catalog::get()?;
    let starter: DocumentMut = catalog
        .starter_source()
        .parse()
        .map_err(|e| Error::usage(format!("the starter config: {e}")))?;
    let mut groups = Vec::new();
    let mut package = Group { title: "Package".into(), fields: Vec::new() };
    table(starter.as_table(), "", catalog, &mut package.fields, &mut groups);
    groups.insert(0, package);
    Ok(groups)
}

/// The fields of `t` (at `prefix`) into `fields`, its sub-tables as groups of their own.
fn table(t: &Table, prefix: &str, catalog: &Catalog, fields: &mut Vec<Field>, groups: &mut Vec<Group>) {
    for (key, item) in t.iter() {
        let path = if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") };
        match item {
            Item::Table(inner) if key != AMENDMENTS => {
                let mut group = Group { title: title(&path), fields: Vec::new() };
                table(inner, &path, catalog, &mut group.fields, groups);
                if !group.fields.is_empty() {
                    groups.push(group);
                }
            }
            Item::Value(value) => {
                let comment = t
                    .key(key)
                    .and_then(|k| k.leaf_decor().prefix())
                    .and_then(|p| p.as_str())
                    .unwrap_or_default();
                fields.extend(commented_out(comment, &path, prefix));
                let (kind, min, max) = match value {
                    toml_edit::Value::Integer(_) => ("integer", Some(1), Some(i64::from(catalog.max_originals))),
                    toml_edit::Value::Array(_) => ("list", None, None),
                    toml_edit::Value::Boolean(_) => ("yesno", None, None),
                    v if v.as_str().is_some_and(|s| s.starts_with("xxxx-")) => ("date", None, None),
                    _ => ("text", None, None),
                };
                fields.push(Field {
                    key: path.clone(),
                    label: label(key),
                    help: help(comment),
                    kind,
                    min,
                    max,
                    optional: help(comment).contains("(optional)"),
                });
            }
            _ => {}
        }
    }
}

/// A key the starter leaves commented out (`# revised_agenda = true`) after its help.
fn commented_out(comment: &str, _path: &str, prefix: &str) -> Option<Field> {
    let mut help_lines = Vec::new();
    for line in comment.lines() {
        let text = line.trim().trim_start_matches('#').trim();
        match text.split_once(" = ") {
            Some((key, value)) if key.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                let kind = if value == "true" || value == "false" { "yesno" } else { "text" };
                let path = format!("{prefix}.{key}");
                return Some(Field {
                    key: path,
                    label: label(key),
                    help: help_lines.join(" ").replace(": uncomment and set true or false", ""),
                    kind,
                    min: None,
                    max: None,
                    optional: false,
                });
            }
            _ if !text.is_empty() => help_lines.push(text.to_string()),
            _ => {}
        }
    }
    None
}

/// The help of a key: the last paragraph of its comment, without a commented-out key.
fn help(comment: &str) -> String {
    let last = comment.trim_end().rsplit("\n\n").next().unwrap_or_default();
    let lines: Vec<&str> = last
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .filter(|l| !l.is_empty())
        .collect();
    match lines.iter().rposition(|l| l.contains(" = ")) {
        Some(i) => lines[i + 1..].join(" "),
        None => lines.join(" "),
    }
}

/// `session_symbol` → `Session symbol`.
fn label(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// `signatories.united_nations` → `Signatories: united nations`.
fn title(path: &str) -> String {
    path.split('.').map(label).collect::<Vec<_>>().join(": ")
}
