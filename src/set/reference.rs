//! The config reference of the README, derived from the declaration: one row per key with
//! what it holds and its help, and the amendments with their summaries. A test keeps the
//! README's copy the same as this (`ACCORD_README=update` rewrites it).

use std::fmt::Write as _;

use super::catalog::{Catalog, DECISIONS};
use super::fields::{Fields, ID_HELP, SUPERSEDES_HELP};
use super::kind::quoted_list;

/// The reference of the set of `fields` and `catalog`: a Markdown table, then the list of
/// amendments.
pub fn table(fields: &Fields, catalog: &Catalog) -> String {
    let mut out = String::from("| key | value | meaning |\n| --- | --- | --- |\n");
    let mut row = |key: &str, value: &str, meaning: &str| {
        writeln!(out, "| `{key}` | {} | {} |", cell(value), cell(meaning)).ok();
    };
    row("id", "text: letters, digits, `.`, `-`, `_`", ID_HELP);
    row("supersedes", "a list of package fingerprints; optional", SUPERSEDES_HELP);
    for field in fields.all() {
        let mut value = field.kind.describe();
        for rule in &field.rules {
            value.push_str(&format!(", {}", rule.describe()));
        }
        if !field.required {
            value.push_str("; optional");
        }
        row(&field.key, &value, &field.help);
    }
    let amendments = &catalog.amendments;
    if !amendments.is_empty() {
        let decisions: Vec<String> = DECISIONS.iter().map(|d| d.to_string()).collect();
        row(
            "amendments.<id>",
            &quoted_list(&decisions, "or"),
            "the decision on each proposed amendment, listed below; \"undecided\" blocks signing",
        );
        out.push_str("\nThe proposed amendments, in the order they appear in the documents:\n\n");
        for amendment in amendments {
            writeln!(out, "- `{}`: {}", amendment.id, amendment.summary).ok();
        }
    }
    out
}

/// `text` fit for a Markdown table cell: no `|` ending it, no `<` opening an HTML tag.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;")
}
