//! The JSON Schema (draft 2020-12) of a session config, derived from the declaration: what
//! TOML editors (taplo, Even Better TOML) read to complete keys, show each key's help, and
//! flag a misspelt key or a value of the wrong type as it is typed. `accord check` remains
//! the judge: the schema cannot know, for instance, that a date is before another.

use serde_json::{json, Map, Value};

use super::catalog::{Catalog, DECISIONS};
use super::fields::{FieldSpec, Fields, ID_HELP, SUPERSEDES_HELP};
use super::kind::Kind;

/// The URI of JSON Schema draft 2020-12.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";
/// What a package id may be (`check` also refuses the reserved id `drafts`).
pub const ID_PATTERN: &str = "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$";
/// What a date looks like before `check` says whether it is a real one.
const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// The schema of a session config of the set of `fields` and `catalog`, which `set` names in
/// words ("the built-in template set").
pub fn of(fields: &Fields, catalog: &Catalog, set: &str) -> Value {
    let mut root = table("");
    root["$schema"] = json!(DRAFT_2020_12);
    root["title"] = json!("accord session config");
    root["description"] = json!(format!(
        "A session config of {}: every key, its type and its help. `accord check` says whether \
         a config is signature-ready.",
        set
    ));
    add(
        &mut root,
        "id",
        json!({ "type": "string", "description": ID_HELP, "pattern": ID_PATTERN }),
        true,
    );
    let supersedes = json!({
        "type": "array",
        "items": { "type": "string" },
        "uniqueItems": true,
        "description": SUPERSEDES_HELP,
    });
    add(&mut root, "supersedes", supersedes, false);
    for field in fields.all() {
        let mut node = &mut root;
        let parts: Vec<&str> = field.key.split('.').collect();
        let mut key = String::new();
        for part in &parts[..parts.len() - 1] {
            if !key.is_empty() {
                key.push('.');
            }
            key.push_str(part);
            if node["properties"].get(*part).is_none() {
                let mut inner = table(&key);
                if let Some(spec) = fields.table(&key) {
                    inner["title"] = json!(spec.title);
                    if let Some(help) = &spec.help {
                        inner["description"] = json!(help);
                    }
                }
                add(node, part, inner, false);
            }
            if field.required {
                require(node, part);
            }
            node = &mut node["properties"][*part];
        }
        add(node, field.name(), value(field), field.required);
    }
    let amendments = &catalog.amendments;
    if !amendments.is_empty() {
        let mut decisions = table("amendments");
        decisions["description"] = json!(
            "The decision on each proposed amendment: \"accept\" makes the change, \"reject\" \
             keeps the text as it was, \"undecided\" blocks signing."
        );
        for amendment in amendments {
            let decision = json!({ "enum": DECISIONS, "description": amendment.summary });
            add(&mut decisions, &amendment.id, decision, true);
        }
        add(&mut root, "amendments", decisions, true);
    }
    root
}

/// An empty table that allows no other key.
fn table(key: &str) -> Value {
    let mut table = json!({ "type": "object", "properties": {}, "additionalProperties": false });
    if !key.is_empty() {
        table["title"] = json!(key);
    }
    table
}

/// Adds `schema` as the property `name` of the table `node`, required or not.
fn add(node: &mut Value, name: &str, schema: Value, required: bool) {
    node["properties"][name] = schema;
    if required {
        require(node, name);
    }
}

fn require(node: &mut Value, name: &str) {
    let list = node
        .as_object_mut()
        .map(|o| o.entry("required").or_insert_with(|| json!([])))
        .and_then(Value::as_array_mut);
    if let Some(list) = list {
        if !list.iter().any(|n| n == name) {
            list.push(json!(name));
        }
    }
}

/// The schema of one field's value.
fn value(field: &FieldSpec) -> Value {
    let mut schema = kind(&field.kind);
    let mut description = field.help.clone();
    for rule in &field.rules {
        description.push_str(&format!(" Must be {}.", rule.describe()));
    }
    if !field.required {
        description.push_str(" Optional.");
    }
    let object = schema.as_object_mut().expect("a kind's schema is an object");
    object.insert("title".into(), json!(field.label));
    object.insert("description".into(), json!(description));
    if let Some(example) = &field.example {
        object.insert("examples".into(), json!([example.to_json()]));
    }
    if let Some(default) = &field.default {
        object.insert("default".into(), default.to_json());
    }
    schema
}

/// The schema of a value of `kind`.
fn kind(kind: &Kind) -> Value {
    match kind {
        Kind::Text => json!({ "type": "string" }),
        Kind::Date => json!({ "type": "string", "format": "date", "pattern": DATE_PATTERN }),
        Kind::YesNo => json!({ "type": "boolean" }),
        Kind::Choice(choices) => json!({ "type": "string", "enum": choices.values }),
        Kind::Integer { min, max } => {
            let mut schema = Map::new();
            schema.insert("type".into(), json!("integer"));
            if let Some(min) = min {
                schema.insert("minimum".into(), json!(min));
            }
            if let Some(max) = max {
                schema.insert("maximum".into(), json!(max));
            }
            Value::Object(schema)
        }
        Kind::List(list) => {
            let mut schema = json!({ "type": "array", "items": self::kind(&list.items) });
            if list.min_items > 0 {
                schema["minItems"] = json!(list.min_items);
            }
            if let Some(max) = list.max_items {
                schema["maxItems"] = json!(max);
            }
            if list.unique {
                schema["uniqueItems"] = json!(true);
            }
            schema
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::set::TemplateSet;

    #[test]
    fn the_schema_of_the_builtin_set_describes_every_key() {
        let set = TemplateSet::builtin().unwrap();
        let schema = super::of(&set.fields, &set.catalog, "the built-in set");
        assert_eq!(schema["$schema"], super::DRAFT_2020_12);
        assert_eq!(schema["additionalProperties"], false);
        let signing = &schema["properties"]["signing"];
        assert_eq!(signing["properties"]["originals"]["maximum"], 10);
        assert_eq!(signing["properties"]["languages"]["items"]["enum"][0], "English");
        let meeting = &schema["properties"]["council"]["properties"]["meeting_date"];
        assert!(meeting["description"].as_str().unwrap().ends_with("Optional."));
        let required = schema["properties"]["council"]["required"].as_array().unwrap();
        assert!(!required.iter().any(|k| k == "meeting_date"));
        assert_eq!(
            schema["properties"]["amendments"]["properties"]["art8-3"]["enum"][2],
            "undecided"
        );
    }
}
