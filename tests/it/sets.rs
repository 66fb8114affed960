//! Template sets: a second set, which no line of accord's code knows, goes the whole way
//! (check, build, sign, co-sign, verify, rebuild); the starter config, the JSON Schema and the
//! README's config reference come from one declaration and list the same keys; a stock JSON
//! Schema validator agrees with the schema; and a layout flaw blames exactly its field.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use accord::set::TemplateSet;

use crate::util::{
    accord, assert_code, copy_dir, keygen, one_line_key, replace_once, require_tool, root, session,
    text, tmp,
};

/// The second set of the tests, and its ready config, relative to the repository.
const SECOND_SET: &str = "tests/fixtures/template-sets/host-agreement";
const SECOND_CONFIG: &str = "tests/fixtures/template-sets/host-agreement.toml";

/// A directory holding the second set as `set/` and its config as `session.toml`.
fn second_set() -> crate::util::TempDir {
    let dir = tmp();
    copy_dir(&root().join(SECOND_SET), &dir.path().join("set"));
    fs::copy(root().join(SECOND_CONFIG), dir.path().join("session.toml")).unwrap();
    dir
}

#[test]
fn a_second_set_is_checked_built_signed_cosigned_verified_and_rebuilt() {
    let dir = second_set();
    let d = dir.path();
    let with_set = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--templates", "set"]);
        accord(d, &all)
    };
    let out = with_set(&["check", "session.toml"]);
    assert_code(&out, 0);
    assert!(text(&out).contains("session.toml: signature-ready"), "{}", text(&out));
    keygen(d, "alice");
    keygen(d, "bob");
    let out = with_set(&["build", "session.toml", "--key", "alice.key"]);
    assert_code(&out, 0);
    for n in 1..=3 {
        let line =
            format!("host-agreement-original-{n}.pdf (host agreement, original {n} of 3, 1 page)");
        assert!(text(&out).contains(&line), "{line}: {}", text(&out));
    }
    let alice = one_line_key(&d.join("alice.pub"));
    let bob = one_line_key(&d.join("bob.pub"));
    let out = accord(d, &["sign", "out/host-2025", "--key", "bob.key", "--trust", &alice]);
    assert_code(&out, 0);
    let copy = "out/host-2025/host-agreement-original-2.pdf";
    let out =
        accord(d, &["verify", copy, "--package", "out/host-2025", "--key", &alice, "--key", &bob]);
    assert_code(&out, 0);
    assert!(text(&out)
        .contains("MATCH host-agreement-original-2.pdf (host agreement, original 2 of 3)"));
    let rebuild =
        ["verify", "--package", "out/host-2025", "--rebuild", "session.toml", "--key", &alice];
    let out = with_set(&rebuild);
    assert_code(&out, 0);
    assert_eq!(text(&out).matches("reproduced exactly").count(), 3, "{}", text(&out));
    // The built-in set is not the one the package was built from, and says so.
    let out = accord(d, &rebuild);
    assert_code(&out, 2);
    assert!(text(&out).contains("unknown field `parties`"), "{}", text(&out));
    // Building it again changes nothing; this set makes no draft.
    let out = with_set(&["build", "session.toml", "--key", "alice.key"]);
    assert_code(&out, 0);
    assert!(text(&out).contains("up to date"), "{}", text(&out));
    let out = with_set(&["build", "--draft", "session.toml"]);
    assert_code(&out, 2);
    assert!(text(&out).contains("the template set set makes no draft"), "{}", text(&out));
}

#[test]
fn rebuilding_with_a_changed_set_names_the_files_that_changed() {
    let dir = second_set();
    let d = dir.path();
    keygen(d, "alice");
    assert_code(
        &accord(d, &["build", "session.toml", "--templates", "set", "--key", "alice.key"]),
        0,
    );
    let style = d.join("set/style.typ");
    let changed = replace_once(
        &fs::read_to_string(&style).unwrap(),
        "size: 11pt, lang",
        "size: 11.5pt, lang",
    );
    fs::write(&style, changed).unwrap();
    let alice = one_line_key(&d.join("alice.pub"));
    let args = [
        "verify",
        "--package",
        "out/host-2025",
        "--rebuild",
        "session.toml",
        "--templates",
        "set",
        "--key",
        &alice,
    ];
    let out = accord(d, &args);
    assert_code(&out, 1);
    assert!(
        text(&out).contains(
            "the template set set is not the one the package was built from: style.typ has changed"
        ),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("NOT REPRODUCED: the inputs are not those the package was built from")
    );
}

#[test]
fn a_missing_key_of_the_second_set_is_listed_with_the_other_problems() {
    let dir = second_set();
    let d = dir.path();
    let config = fs::read_to_string(d.join("session.toml")).unwrap();
    let config = replace_once(&config, "city = \"Reykjavik\"\n", "");
    let config = replace_once(&config, "participants = 350", "participants = 9");
    fs::write(d.join("session.toml"), config).unwrap();
    let out = accord(d, &["check", "session.toml", "--templates", "set"]);
    assert_code(&out, 1);
    let report = text(&out);
    assert!(report.contains("session.toml:11:1: conference.city: is missing; add it under [conference], e.g. city = \"Reykjavik\""), "{report}");
    assert!(report.contains("conference.participants: must be from 10 to 5000, not 9"), "{report}");
    assert!(report.contains("2 problem(s)"), "{report}");
}

/// The keys of a starter config, commented out or not, in order.
fn starter_keys(starter: &str) -> Vec<String> {
    let mut table = String::new();
    let mut keys = Vec::new();
    for line in starter.lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            table = name.to_string();
        } else if let Some((key, _)) = line.trim_start_matches("# ").split_once(" = ") {
            if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
            {
                keys.push(if table.is_empty() {
                    key.to_string()
                } else {
                    format!("{table}.{key}")
                });
            }
        }
    }
    keys
}

/// The keys of the leaves of a JSON Schema of a config.
fn schema_keys(schema: &serde_json::Value, prefix: &str, into: &mut Vec<String>) {
    let Some(properties) = schema["properties"].as_object() else { return };
    for (name, value) in properties {
        let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        if value["type"] == "object" {
            schema_keys(value, &key, into);
        } else {
            into.push(key);
        }
    }
}

/// The keys the config reference (a Markdown table) lists, the amendments' ids expanded.
fn reference_keys(reference: &str, amendments: &[String]) -> Vec<String> {
    let mut keys = Vec::new();
    for line in reference.lines() {
        let Some(key) = line.strip_prefix("| `").and_then(|l| l.split_once('`')).map(|(k, _)| k)
        else {
            continue;
        };
        match key.strip_suffix(".<id>") {
            Some(table) => keys.extend(amendments.iter().map(|id| format!("{table}.{id}"))),
            None => keys.push(key.to_string()),
        }
    }
    keys
}

#[test]
fn the_starter_the_schema_and_the_readme_reference_list_the_same_keys() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    for dir in [None, Some(root().join(SECOND_SET))] {
        let set = TemplateSet::open(dir.as_deref()).unwrap();
        let amendments: Vec<String> = set.catalog.amendments.iter().map(|a| a.id.clone()).collect();
        let starter: BTreeSet<String> = starter_keys(&set.starter()).into_iter().collect();
        let mut schema = Vec::new();
        schema_keys(&serde_json::from_str(&set.schema()).unwrap(), "", &mut schema);
        let schema: BTreeSet<String> = schema.into_iter().collect();
        let reference: BTreeSet<String> =
            reference_keys(&set.reference(), &amendments).into_iter().collect();
        let declared: BTreeSet<String> = ["id".to_string(), "supersedes".to_string()]
            .into_iter()
            .chain(set.fields.all().iter().map(|f| f.key.clone()))
            .chain(amendments.iter().map(|id| format!("amendments.{id}")))
            .collect();
        assert_eq!(starter, declared, "the starter config of {}", set.describe());
        assert_eq!(schema, declared, "the schema of {}", set.describe());
        assert_eq!(reference, declared, "the reference of {}", set.describe());
        if dir.is_none() {
            let from_readme: BTreeSet<String> =
                reference_keys(&readme_reference(&readme), &amendments).into_iter().collect();
            assert_eq!(from_readme, declared, "the README's config reference");
        }
    }
}

/// Where the README holds the generated config reference.
const REFERENCE_START: &str = "<!-- config reference: generated from templates/fields.toml -->\n";
const REFERENCE_END: &str = "<!-- end of the config reference -->\n";

/// The byte range of the README's config reference, between its markers.
fn reference_range(readme: &str) -> std::ops::Range<usize> {
    let start = readme.find(REFERENCE_START).expect("the README marks its config reference");
    let start = start + REFERENCE_START.len();
    let end = readme[start..].find(REFERENCE_END).expect("the end of the reference");
    start..start + end
}

fn readme_reference(readme: &str) -> String {
    readme[reference_range(readme)].to_string()
}

/// The README's config reference is the one generated from the built-in set's declaration;
/// `ACCORD_README=update cargo test --test it readme` writes it.
#[test]
fn the_readme_config_reference_is_generated_from_the_declaration() {
    let path = root().join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let generated = TemplateSet::builtin().unwrap().reference();
    let written = readme_reference(&readme);
    if std::env::var("ACCORD_README").as_deref() == Ok("update") {
        let mut updated = readme.clone();
        updated.replace_range(reference_range(&readme), &generated);
        fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        written, generated,
        "the README's config reference is out of date: ACCORD_README=update cargo test --test it readme"
    );
}

/// Validates the TOML file `config` (converted to JSON by Python's `tomllib`) against the
/// JSON Schema file `schema` with Debian's stock validator; its messages when it refuses.
fn validate(dir: &Path, schema: &str, config: &str) -> Result<(), String> {
    require_tool("jsonschema", "python3-jsonschema");
    let script = "import json, sys, tomllib\n\
                  from jsonschema import Draft202012Validator as V\n\
                  schema = json.load(open(sys.argv[1]))\n\
                  V.check_schema(schema)\n\
                  config = tomllib.load(open(sys.argv[2], 'rb'))\n\
                  errors = [e.message for e in V(schema).iter_errors(config)]\n\
                  print('\\n'.join(errors))\n\
                  sys.exit(1 if errors else 0)\n";
    let out = Command::new("/usr/bin/python3")
        .args(["-c", script, schema, config])
        .current_dir(dir)
        .output()
        .expect("run /usr/bin/python3 (apt-get install python3-jsonschema)");
    let said =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    match out.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(said),
        _ => panic!("the validator failed: {said}"),
    }
}

#[test]
fn a_stock_json_schema_validator_accepts_the_example_and_refuses_a_misspelt_key() {
    let dir = session(|c| c);
    let d = dir.path();
    let out = accord(d, &["schema"]);
    assert_code(&out, 0);
    fs::write(d.join("schema.json"), &out.stdout).unwrap();
    validate(d, "schema.json", "session.toml").expect("the example is valid");
    let example = fs::read_to_string(d.join("session.toml")).unwrap();
    fs::write(d.join("misspelt.toml"), replace_once(&example, "place = ", "plaec = ")).unwrap();
    let why = validate(d, "schema.json", "misspelt.toml").expect_err("a misspelt key is refused");
    assert!(why.contains("'plaec' was unexpected"), "{why}");
    assert!(why.contains("'place' is a required property"), "{why}");
    fs::write(d.join("eleven.toml"), replace_once(&example, "originals = 2", "originals = 11"))
        .unwrap();
    let why = validate(d, "schema.json", "eleven.toml").expect_err("11 originals are refused");
    assert!(why.contains("11 is greater than the maximum of 10"), "{why}");
    // The second set's schema and config, likewise.
    copy_dir(&root().join(SECOND_SET), &d.join("set"));
    fs::copy(root().join(SECOND_CONFIG), d.join("host.toml")).unwrap();
    let out = accord(d, &["schema", "--templates", "set"]);
    assert_code(&out, 0);
    fs::write(d.join("host.json"), &out.stdout).unwrap();
    validate(d, "host.json", "host.toml").expect("the second set's config is valid");
    let host = fs::read_to_string(d.join("host.toml")).unwrap();
    fs::write(
        d.join("pounds.toml"),
        replace_once(&host, "currency = \"USD\"", "currency = \"GBP\""),
    )
    .unwrap();
    let why = validate(d, "host.json", "pounds.toml").expect_err("a currency not offered");
    assert!(why.contains("'GBP' is not one of ['EUR', 'ISK', 'USD']"), "{why}");
}

#[test]
fn init_writes_the_starter_and_the_schema_its_first_line_names() {
    let dir = tmp();
    let d = dir.path();
    let out = accord(d, &["init", "s.toml"]);
    assert_code(&out, 0);
    let starter = fs::read_to_string(d.join("s.toml")).unwrap();
    assert!(starter.starts_with("#:schema accord.schema.json\n"), "{starter}");
    let schema = fs::read_to_string(d.join("accord.schema.json")).unwrap();
    assert_eq!(schema, TemplateSet::builtin().unwrap().schema());
    // A second config next to it keeps the schema, which is the same.
    let out = accord(d, &["init", "t.toml"]);
    assert_code(&out, 0);
    assert!(!text(&out).contains("accord.schema.json"), "{}", text(&out));
    // Another set's config next to them leaves the schema alone and says how to replace it.
    copy_dir(&root().join(SECOND_SET), &d.join("set"));
    let out = accord(d, &["init", "host.toml", "--templates", "set"]);
    assert_code(&out, 0);
    assert!(text(&out).contains("left accord.schema.json as it is"), "{}", text(&out));
    assert_eq!(fs::read_to_string(d.join("accord.schema.json")).unwrap(), schema);
    let out = accord(d, &["check", "host.toml", "--templates", "set"]);
    assert_code(&out, 1);
    assert!(
        text(&out).contains("conference.title: still holds the placeholder \"xx\""),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("host.interpretation: is missing"), "{}", text(&out));
}

/// `check` of the example with the value `from` replaced by `to` (each once).
fn check_with(edits: &[(&str, &str)]) -> String {
    let dir = session(|mut c| {
        for (from, to) in edits {
            c = replace_once(&c, from, to);
        }
        c
    });
    let out = accord(dir.path(), &["check", "session.toml"]);
    assert_code(&out, 1);
    text(&out)
}

#[test]
fn of_two_fields_holding_the_same_too_long_word_only_the_one_that_overflows_is_blamed() {
    // Narrower than the page, where the place is printed, and wider than a party's column
    // of the signature block, where the name is.
    let word = format!("Ban{}", "k".repeat(57));
    let report = check_with(&[
        ("place = \"New York\"", &format!("place = \"{word}\"")),
        ("name = \"Ban Ki-moon\"", &format!("name = \"{word}\"")),
    ]);
    assert!(report.contains("signatories.united_nations.name: page 6: the word"), "{report}");
    assert!(!report.contains("signing.place:"), "the place fits its line: {report}");
    assert!(report.contains("1 problem(s)"), "{report}");
}
