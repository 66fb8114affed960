//! The layout of `src/`: data flows one way, so no module may reach back up the chain, and no
//! document's role, file name or template name is spelt in the code (the catalog in
//! `templates/` names them).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::util::root;

/// Every `.rs` file under `dir`, with its path relative to `src/`.
fn sources(dir: &Path, into: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = path.strip_prefix(root().join("src")).unwrap().display().to_string();
            into.push((name, fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None` for the crate root).
fn module_of(file: &str) -> Option<String> {
    let first = file.split('/').next()?;
    let module = first.strip_suffix(".rs").unwrap_or(first);
    (!["lib", "main"].contains(&module)).then(|| module.to_string())
}

/// The top-level modules `text` refers to with `crate::` paths, in `use` lines and in bodies
/// alike, including every name of a `use crate::{a, b::c}` group.
fn references(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
    };
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `accord_crate::`, not ours
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let body = &group[..closing_brace(group)];
            found.extend(split_top_level(body).into_iter().map(|part| ident(part.trim())));
        } else {
            found.insert(ident(rest));
        }
    }
    found.remove("");
    found
}

/// Where the `}` closing a group that starts at the beginning of `text` is.
fn closing_brace(text: &str) -> usize {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 1 => return i,
            '}' => depth -= 1,
            _ => {}
        }
    }
    text.len()
}

/// The comma-separated items of a `use` group, ignoring commas in nested groups.
fn split_top_level(body: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// The graph of `src/`'s top-level modules: module → modules it refers to.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|(f, _)| module_of(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in &files {
        let Some(from) = module_of(file) else { continue };
        let to: Vec<String> =
            references(text).into_iter().filter(|m| modules.contains(m) && *m != from).collect();
        graph.entry(from).or_default().extend(to);
    }
    graph
}

/// A cycle in `graph`, as the list of modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn module_references_form_no_cycle() {
    let graph = module_graph();
    assert!(graph.len() >= 10, "{graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("modules call back up the chain: {}\n{graph:#?}", cycle.join(" → "));
    }
    assert!(graph["cli"].is_empty(), "cli.rs imports nothing from the crate");
    for leaf in ["chars", "error", "date", "digest", "fsio", "fonts", "catalog"] {
        let allowed: BTreeSet<&str> = ["error", "fsio", "chars"].into();
        let uses = graph.get(leaf).cloned().unwrap_or_default();
        assert!(uses.iter().all(|m| allowed.contains(m.as_str())), "{leaf} uses {uses:?}");
    }
    assert!(!graph["verify"].contains("seal"), "verify reads packages; it never seals");
}

#[test]
fn the_cycle_finder_finds_a_planted_cycle() {
    let mut graph = module_graph();
    graph.entry("fsio".into()).or_default().insert("verify".into());
    let cycle = find_cycle(&graph).expect("fsio → verify → … → fsio");
    assert_eq!(cycle.first(), cycle.last());
    assert!(references("use crate::{check::{self, Session}, config};\nx(crate::render::y)")
        .is_superset(&["check", "config", "render"].map(String::from).into()));
}

/// The code of a source file: comment lines and the unit tests at its end left out.
fn code_of(text: &str) -> String {
    let code = text.split("\n#[cfg(test)]").next().unwrap_or_default();
    code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

#[test]
fn no_role_file_name_or_template_name_is_spelt_in_the_code() {
    let catalog: toml::Value =
        toml::from_str(&fs::read_to_string(root().join("templates/catalog.toml")).unwrap())
            .unwrap();
    let mut names: Vec<String> =
        ["style", "starter"].iter().map(|k| catalog[k].as_str().unwrap().to_string()).collect();
    for kind in ["package", "draft"] {
        for entry in catalog[kind].as_array().unwrap() {
            for key in ["template", "file", "role"] {
                let text = entry[key].as_str().unwrap();
                // The literal parts around {n} and {total}.
                names.extend(
                    text.split(['{', '}']).filter(|part| part.len() >= 8).map(str::to_string),
                );
            }
        }
    }
    names.extend(
        catalog["amendments"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()),
    );
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let mut spelt = Vec::new();
    for (file, text) in &files {
        let code = code_of(text);
        spelt.extend(
            names.iter().filter(|n| code.contains(n.as_str())).map(|n| format!("{file}: {n:?}")),
        );
    }
    assert!(names.len() > 10, "{names:?}");
    assert!(
        spelt.is_empty(),
        "spelt in the code instead of read from the catalog:\n{}",
        spelt.join("\n")
    );
}
