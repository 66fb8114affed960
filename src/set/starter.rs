//! The starter config `accord init` writes: every key of the declaration in its order, each
//! under its help as a comment, holding its default or a placeholder (`"xx"`, a date
//! `"xxxx-xx-xx"`) that `accord check` reports until it is filled in; a number or a yes/no
//! with no default is left as a commented line to write. Its first line, `#:schema`, lets
//! TOML editors that read JSON Schemas (taplo, Even Better TOML) complete and check the file.

use std::fmt::Write as _;

use std::path::Path;

use super::catalog::Catalog;
use super::fields::{FieldSpec, Fields, ID_HELP, SUPERSEDES_HELP};
use super::kind::{Kind, Literal};
use crate::chars::Shown as _;

/// Widest comment line written.
const WIDTH: usize = 92;

/// The schema file the starter's `#:schema` line names, next to the config.
pub const SCHEMA_FILE: &str = "accord.schema.json";

/// The starter config of the set of `fields` and `catalog`, read from `dir` (`None`: the
/// built-in set, which needs no `--templates`).
pub fn write(fields: &Fields, catalog: &Catalog, dir: Option<&Path>) -> String {
    let mut out = String::new();
    let line = |out: &mut String, text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    let templates = match dir {
        Some(dir) => format!(" --templates {}", dir.shown()),
        None => String::new(),
    };
    line(&mut out, &format!("#:schema {SCHEMA_FILE}"));
    line(&mut out, "# accord session config: one file per signing session.");
    line(&mut out, "#");
    let decide = if catalog.amendments.is_empty() { "" } else { ", decide every amendment" };
    line(&mut out, &format!("# Fill in every \"xx\"{decide}, then run:"));
    line(
        &mut out,
        &format!("#   accord check{templates} THIS_FILE      lists what is still missing, with line:column"),
    );
    line(
        &mut out,
        &format!("#   accord build{templates} THIS_FILE      writes the signature-ready PDFs into out/<id>/"),
    );
    if !catalog.draft().is_empty() {
        line(
            &mut out,
            &format!("#   accord build --draft{templates} THIS_FILE   writes the draft, unfilled values shown"),
        );
    }
    line(&mut out, "#");
    line(
        &mut out,
        "# Values are plain text: characters such as # * $ < @ \\ {{ }} are printed as written.",
    );
    if fields.all().iter().any(|f| has_date(&f.kind)) {
        line(&mut out, "# Dates are written YYYY-MM-DD, in quotes, e.g. \"2016-09-19\".");
    }
    line(
        &mut out,
        &format!(
            "# The first line names the JSON Schema of this file for editors (taplo, Even Better \
             TOML):\n# `accord schema{templates} > {SCHEMA_FILE}` writes it next to this file."
        ),
    );
    line(&mut out, "");
    for comment in comment(ID_HELP) {
        line(&mut out, &comment);
    }
    line(&mut out, "id = \"xx\"");
    for comment in comment(SUPERSEDES_HELP) {
        line(&mut out, &comment);
    }
    line(&mut out, "# supersedes = [\"c442-5669-…\"]");
    let mut table = "";
    for field in fields.all() {
        if field.table() != table {
            table = field.table();
            line(&mut out, "");
            for heading in new_tables(fields, &out, table) {
                line(&mut out, &heading);
            }
            line(&mut out, &format!("[{table}]"));
        }
        field_lines(field, &mut out);
    }
    if !catalog.amendments.is_empty() {
        line(&mut out, "");
        line(&mut out, "# Decision on each proposed amendment: \"accept\" makes the change, \"reject\" keeps the");
        line(&mut out, "# text as it was; \"undecided\" blocks signing.");
        line(&mut out, "[amendments]");
        for amendment in &catalog.amendments {
            line(&mut out, &format!("# {}", amendment.summary));
            line(&mut out, &format!("{} = \"undecided\"", amendment.id));
        }
    }
    out
}

/// The comment lines of `table` and of its enclosing tables not introduced yet in `out`.
fn new_tables(fields: &Fields, out: &str, table: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut key = String::new();
    for part in table.split('.') {
        if !key.is_empty() {
            key.push('.');
        }
        key.push_str(part);
        let opened = out.lines().any(|l| {
            l.strip_prefix('[').and_then(|l| l.strip_suffix(']')).is_some_and(|t| {
                t == key || t.strip_prefix(key.as_str()).is_some_and(|r| r.starts_with('.'))
            })
        });
        if opened {
            continue;
        }
        if let Some(spec) = fields.table(&key) {
            lines.push(format!("# {}", spec.title));
            lines.extend(spec.help.iter().flat_map(|help| comment(help)));
        }
    }
    lines
}

/// The lines of one field: its help, then its key and starter value.
fn field_lines(field: &FieldSpec, out: &mut String) {
    let mut help = field.help.clone();
    if !field.required {
        help.push_str(" Optional: remove the line if there is none.");
    }
    let value = field.starter_value();
    let example = field.example.as_ref().filter(|e| Some(*e) != value.as_ref());
    let mut units: Vec<String> = help.split_whitespace().map(str::to_string).collect();
    match (&value, example) {
        (Some(_), Some(example)) => units.push(format!("Example: {}", example.to_toml())),
        (None, _) => {
            let what = match &field.kind {
                Kind::YesNo => "true or false".to_string(),
                kind => kind.describe(),
            };
            units.extend(
                format!("Remove the # below and write {what}.").split(' ').map(str::to_string),
            );
        }
        _ => {}
    }
    for line in comment_units(&units) {
        writeln!(out, "{line}").ok();
    }
    match value {
        Some(value) => writeln!(out, "{} = {}", field.name(), value.to_toml()),
        None => {
            let example = field.example.clone().unwrap_or(match field.kind {
                Kind::YesNo => Literal::Bool(true),
                _ => Literal::Integer(1),
            });
            writeln!(out, "# {} = {}", field.name(), example.to_toml())
        }
    }
    .ok();
}

/// `text` as comment lines of at most [`WIDTH`] characters (a word longer stays whole).
fn comment(text: &str) -> Vec<String> {
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    comment_units(&words)
}

/// Comment lines of the `units` (words, or longer texts kept on one line) joined by spaces.
fn comment_units(units: &[String]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::from("#");
    for word in units {
        if line.len() > 1 && line.chars().count() + 1 + word.chars().count() > WIDTH {
            lines.push(std::mem::replace(&mut line, String::from("#")));
        }
        line.push(' ');
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn has_date(kind: &Kind) -> bool {
    match kind {
        Kind::Date => true,
        Kind::List(list) => has_date(&list.items),
        _ => false,
    }
}
