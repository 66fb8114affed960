//! The layout of `src/`: data flows one way, so no file may reach back up the chain, and no
//! document's role, file name or template name is spelt in the code (the catalog of a
//! template set names them).
//!
//! The graph is one of files: every path a file writes (`crate::…`, `super::…`, `self::…`,
//! and a path starting with the name of one of its module's submodules) is followed to the
//! file of the deepest module it names, in `use` lines and in bodies alike, `use` groups
//! included, and through that module's own `use` when it only re-exports the item (a
//! `mod.rs` that says `pub use signer::Signer` leads to `signer.rs`). Comments and unit tests
//! are left out.

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

/// The module path of a file of `src/`: `set/fields.rs` → `set::fields`, `set/mod.rs` →
/// `set`, `lib.rs` → `` (the crate root); `None` for the binary's `main.rs`.
fn module_of(file: &str) -> Option<String> {
    let path = file.strip_suffix(".rs")?;
    if path == "main" {
        return None;
    }
    let path = path.strip_suffix("/mod").unwrap_or(path);
    Some(if path == "lib" { String::new() } else { path.replace('/', "::") })
}

/// The code of a source file: comments and the unit tests at its end left out.
fn code_of(text: &str) -> String {
    let code = text.split("\n#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every path `code` writes that starts with `crate`, `super`, `self` or one of `locals`
/// (the names of its module's submodules), as its segments, `use` groups expanded.
fn paths(code: &str, locals: &BTreeSet<String>) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let chars: Vec<(usize, char)> = code.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j].1);
        let starts_path = is_ident(c)
            && !before.is_some_and(|b| is_ident(b) || b == ':' || b == '\'' || b == '"');
        if !starts_path {
            continue;
        }
        let word: String = code[at..].chars().take_while(|c| is_ident(*c)).collect();
        let rest = &code[at + word.len()..];
        if !rest.starts_with("::") {
            continue;
        }
        if ["crate", "super", "self"].contains(&word.as_str()) || locals.contains(&word) {
            expand(&code[at..], Vec::new(), &mut found);
        }
    }
    found
}

/// The paths of the path (or `use` tree) at the start of `text`, each after `prefix`.
fn expand(text: &str, mut prefix: Vec<String>, into: &mut Vec<Vec<String>>) {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let end = closing_brace(group);
            for part in split_top_level(&group[..end]) {
                expand(part, prefix.clone(), into);
            }
            return;
        }
        let word: String = rest.chars().take_while(|c| is_ident(*c)).collect();
        if word.is_empty() {
            break;
        }
        prefix.push(word.clone());
        rest = &rest[word.len()..];
        match rest.strip_prefix("::") {
            Some(next) => rest = next,
            None => break,
        }
    }
    if !prefix.is_empty() {
        into.push(prefix);
    }
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

/// The modules of `src/` and what their `use` declarations bind, to follow a path to the
/// file that defines what it names.
struct Tree {
    /// Module path (`set::fields`, `` for the crate root) → its file.
    modules: BTreeMap<String, String>,
    /// Module path → the names its `use` declarations bind → the absolute path each stands
    /// for (from the crate root, `crate` left out).
    bindings: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

impl Tree {
    fn of(files: &[(String, String)]) -> Self {
        let modules: BTreeMap<String, String> =
            files.iter().filter_map(|(f, _)| Some((module_of(f)?, f.clone()))).collect();
        let mut tree = Tree { modules, bindings: BTreeMap::new() };
        for (file, text) in files {
            let Some(module) = module_of(file) else { continue };
            let mut bound = BTreeMap::new();
            for (name, path) in use_bindings(&code_of(text)) {
                if let Some(absolute) = tree.absolute(&module, &path) {
                    bound.insert(name, absolute);
                }
            }
            tree.bindings.insert(module, bound);
        }
        tree
    }

    /// The submodules of `module`, by name.
    fn children(&self, module: &str) -> BTreeSet<String> {
        self.modules
            .keys()
            .filter_map(|m| {
                let rest = match module {
                    "" => Some(m.as_str()),
                    module => m.strip_prefix(&format!("{module}::")),
                };
                rest.filter(|r| !r.is_empty() && !r.contains("::")).map(str::to_string)
            })
            .collect()
    }

    /// `path`, written in `module`, from the crate root; `None` when it leaves the crate.
    fn absolute(&self, module: &str, path: &[String]) -> Option<Vec<String>> {
        let here: Vec<String> =
            module.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect();
        let (mut base, rest) = match path.first()?.as_str() {
            "crate" => (Vec::new(), &path[1..]),
            "self" => (here, &path[1..]),
            "super" => (here, path),
            first if self.children(module).contains(first) => (here, path),
            _ => return None,
        };
        let mut rest = rest.iter().peekable();
        while rest.peek().is_some_and(|s| *s == "super") {
            rest.next();
            base.pop();
        }
        base.extend(rest.filter(|s| *s != "self").cloned());
        Some(base)
    }

    /// The file that defines what the absolute `path` names: the deepest module it names,
    /// or, when that module only imports the rest (`pub use world::Sealed`), the file that
    /// import leads to.
    fn file_of(&self, path: &[String], depth: usize) -> Option<&String> {
        let mut module: Vec<String> = Vec::new();
        let mut rest = path;
        while let Some((first, after)) = rest.split_first() {
            let mut deeper = module.clone();
            deeper.push(first.clone());
            if !self.modules.contains_key(&deeper.join("::")) {
                break;
            }
            module = deeper;
            rest = after;
        }
        let key = module.join("::");
        if let (Some(name), true) = (rest.first(), depth < 8) {
            if let Some(target) = self.bindings.get(&key).and_then(|b| b.get(name)) {
                let mut followed = target.clone();
                followed.extend(rest[1..].iter().cloned());
                if followed != path {
                    return self.file_of(&followed, depth + 1);
                }
            }
        }
        self.modules.get(&key)
    }
}

/// The names the `use` declarations of `code` bind, each with the path it stands for as
/// written (an `as` rename binds the new name; a glob binds nothing).
fn use_bindings(code: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for statement in code.split(';') {
        let statement = statement.trim_start();
        let statement = ["pub(crate) ", "pub(super) ", "pub "]
            .iter()
            .find_map(|p| statement.strip_prefix(p))
            .unwrap_or(statement);
        let Some(tree) = statement.strip_prefix("use ") else { continue };
        let mut paths = Vec::new();
        expand(tree, Vec::new(), &mut paths);
        for mut path in paths {
            let mut name = path.last().cloned().unwrap_or_default();
            if let Some(alias) = tree_alias(tree, &path) {
                name = alias;
            }
            if name == "self" {
                path.pop();
                name = path.last().cloned().unwrap_or_default();
            }
            if !name.is_empty() && name != "*" {
                found.push((name, path));
            }
        }
    }
    found
}

/// The `as` name a `use` tree gives the path ending in `path`'s last segment, if any.
fn tree_alias(tree: &str, path: &[String]) -> Option<String> {
    let last = path.last()?;
    let at = tree.find(&format!("{last} as "))?;
    let alias: String =
        tree[at + last.len() + 4..].trim_start().chars().take_while(|c| is_ident(*c)).collect();
    (!alias.is_empty()).then_some(alias)
}

/// The graph of the files of `src/` (but `main.rs`): file → files it refers to.
fn file_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let tree = Tree::of(&files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in &files {
        let Some(module) = module_of(file) else { continue };
        let locals = tree.children(&module);
        let mut to = BTreeSet::new();
        for path in paths(&code_of(text), &locals) {
            let target = tree.absolute(&module, &path).and_then(|p| tree.file_of(&p, 0).cloned());
            if let Some(target) = target.filter(|t| t != file) {
                to.insert(target);
            }
        }
        graph.insert(file.clone(), to);
    }
    graph
}

/// The graph of `src/`'s top-level modules, from the graph of its files.
fn module_graph(files: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, BTreeSet<String>> {
    let top = |file: &str| -> String {
        let module = module_of(file).unwrap_or_default();
        module.split("::").next().unwrap_or_default().to_string()
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in files {
        let from = top(from);
        let to: BTreeSet<String> = to.iter().map(|t| top(t)).filter(|t| *t != from).collect();
        graph.entry(from).or_default().extend(to);
    }
    graph.remove("");
    graph
}

/// Every cycle of `graph`, each as the list of nodes along it (one per strongly connected
/// set of nodes).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            found.push(cycle);
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done, found);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

#[test]
fn no_file_of_src_reaches_back_to_a_file_that_reaches_it() {
    let files = file_graph();
    assert!(files.len() >= 60, "{files:?}");
    let found = cycles(&files);
    assert!(
        found.is_empty(),
        "{} cycle(s) between files of src/:\n  {}",
        found.len(),
        found.iter().map(|c| c.join(" → ")).collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
fn modules_form_no_cycle_and_keep_their_places() {
    let graph = module_graph(&file_graph());
    assert!(graph.len() >= 10, "{graph:?}");
    let found = cycles(&graph);
    assert!(found.is_empty(), "modules call back up the chain: {found:?}\n{graph:#?}");
    assert!(graph["cli"].is_empty(), "cli.rs imports nothing from the crate");
    for leaf in ["chars", "error", "date", "digest", "fsio", "fonts", "location"] {
        let allowed: BTreeSet<&str> = ["error", "fsio", "chars"].into();
        let uses = graph.get(leaf).cloned().unwrap_or_default();
        assert!(uses.iter().all(|m| allowed.contains(m.as_str())), "{leaf} uses {uses:?}");
    }
    let set_may: BTreeSet<&str> = ["chars", "date", "digest", "error", "fsio", "location"].into();
    assert!(
        graph["set"].iter().all(|m| set_may.contains(m.as_str())),
        "set uses {:?}",
        graph["set"]
    );
    assert!(!graph["verify"].contains("seal"), "verify reads packages; it never seals");
}

#[test]
fn commands_import_nothing_from_each_other() {
    let files = file_graph();
    for (file, to) in files.iter().filter(|(f, _)| f.starts_with("commands/")) {
        if file == "commands/mod.rs" {
            continue;
        }
        let commands: Vec<&String> =
            to.iter().filter(|t| t.starts_with("commands/") && *t != "commands/batch.rs").collect();
        assert!(commands.is_empty(), "{file} uses {commands:?}");
    }
}

#[test]
fn the_graph_follows_super_self_and_submodule_paths() {
    let locals: BTreeSet<String> = ["world".to_string()].into();
    let found = paths(
        "use super::{layout, Flaw};\nuse world::Sealed;\nlet x = crate::render::y();\n\
         use crate::{check::{self, Session}, config};\nself::z::w();",
        &locals,
    );
    let found: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    for expected in [
        "super::layout",
        "super::Flaw",
        "world::Sealed",
        "crate::render::y",
        "crate::check::self",
        "crate::check::Session",
        "crate::config",
        "self::z::w",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected} not in {found:?}");
    }
    let mut graph = file_graph();
    assert!(graph["typeset/flaws.rs"].contains("typeset/world.rs"), "super:: followed");
    assert!(graph["commands/mod.rs"].contains("commands/build.rs"), "submodule paths followed");
    assert!(graph["assemble/documents.rs"].contains("set/catalog.rs"), "re-exports followed");
    assert!(!graph["seal/cosign.rs"].contains("seal/mod.rs"), "`super::Signer` is signer.rs's");
    graph.entry("fsio.rs".into()).or_default().insert("verify/mod.rs".into());
    assert!(!cycles(&graph).is_empty(), "a planted cycle is found");
}

#[test]
fn no_role_file_name_or_template_name_is_spelt_in_the_code() {
    let mut names: Vec<String> = Vec::new();
    for set in ["templates", "tests/fixtures/template-sets/host-agreement"] {
        let catalog: toml::Value =
            toml::from_str(&fs::read_to_string(root().join(set).join("catalog.toml")).unwrap())
                .unwrap();
        names.push(catalog["style"].as_str().unwrap().to_string());
        for kind in ["package", "draft"] {
            for entry in catalog.get(kind).and_then(|e| e.as_array()).into_iter().flatten() {
                for key in ["template", "file", "role"] {
                    let text = entry[key].as_str().unwrap();
                    // The literal parts around {n} and {total}.
                    names.extend(
                        text.split(['{', '}']).filter(|part| part.len() >= 8).map(str::to_string),
                    );
                }
            }
        }
        let certification = catalog.get("certification");
        let copies = certification.and_then(|c| c.get("copy")).and_then(|c| c.as_array());
        let statement = certification.and_then(|c| c.get("statement"));
        for entry in copies.into_iter().flatten().chain(statement) {
            for key in ["template", "file", "role"] {
                let text = entry[key].as_str().unwrap();
                names.extend(
                    text.split(['{', '}']).filter(|part| part.len() >= 8).map(str::to_string),
                );
            }
        }
        let amendments = catalog.get("amendment").and_then(|a| a.as_array());
        names.extend(
            amendments.into_iter().flatten().map(|a| a["id"].as_str().unwrap().to_string()),
        );
        let fields: toml::Value =
            toml::from_str(&fs::read_to_string(root().join(set).join("fields.toml")).unwrap())
                .unwrap();
        for field in fields["field"].as_array().unwrap() {
            names.push(field["key"].as_str().unwrap().to_string());
        }
    }
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let mut spelt = Vec::new();
    for (file, text) in &files {
        let code = code_of(text);
        spelt.extend(
            names.iter().filter(|n| code.contains(n.as_str())).map(|n| format!("{file}: {n:?}")),
        );
    }
    assert!(names.len() > 30, "{names:?}");
    assert!(
        spelt.is_empty(),
        "spelt in the code instead of read from a template set:\n{}",
        spelt.join("\n")
    );
}
