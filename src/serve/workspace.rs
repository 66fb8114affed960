//! A session open in the workbench: its config edited in place with `toml_edit`, so that the
//! file keeps its comments, order and layout; checked after every edit with `accord check`'s
//! rules and words; saved atomically, and never over a file that changed on disk since it was
//! read. One workspace per config, and one edit or save at a time in it (its lock).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use serde_json::Value;
use toml_edit::{Array, DocumentMut, Item, Table};

use super::guard::Refusal;
use super::preview::Engine;
use super::sessions::{read_config, Places};
use crate::check::{self, Session};
use crate::config::Loaded;
use crate::digest::sha256_hex;
use crate::fsio;
use crate::set::TemplateSet;

/// The sessions open for editing, by name.
#[derive(Default)]
pub struct Open(Mutex<BTreeMap<String, Arc<Workspace>>>);

impl Open {
    /// The workspace of session `name`, opened (read from disk) on first use.
    pub fn get(
        &self,
        places: &Places,
        name: &str,
        set: &Arc<TemplateSet>,
    ) -> Result<Arc<Workspace>, Refusal> {
        let path = places.config(name)?;
        let mut open = lock(&self.0);
        if let Some(found) = open.get(name) {
            return Ok(Arc::clone(found));
        }
        let workspace = Arc::new(Workspace::read(name, &path, Arc::clone(set))?);
        open.insert(name.to_string(), Arc::clone(&workspace));
        Ok(workspace)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One session being edited.
pub struct Workspace {
    /// Its name.
    pub name: String,
    path: PathBuf,
    set: Arc<TemplateSet>,
    state: Mutex<State>,
    /// Its live preview.
    pub preview: Engine,
}

struct State {
    /// The file's bytes when it was read or last saved.
    on_disk: Vec<u8>,
    /// The config as edited.
    doc: DocumentMut,
    /// Number of edits so far; the preview shows the newest.
    revision: u64,
}

/// What the page shows of a session after each edit.
#[derive(Debug, Serialize)]
pub struct Snapshot {
    /// The session's name.
    pub name: String,
    /// The edit this is the state after.
    pub revision: u64,
    /// Every value, by key path.
    pub values: BTreeMap<String, Value>,
    /// Every problem `accord check` finds, with its key.
    pub problems: Vec<ProblemView>,
    /// Whether the edits are not saved yet.
    pub unsaved: bool,
    /// SHA-256 of the config as it would be saved (the manifest records it).
    pub sha256: String,
    /// The package id.
    pub id: String,
}

/// One problem, for the page.
#[derive(Debug, Serialize)]
pub struct ProblemView {
    /// Config key it is about, e.g. `signing.date` (empty when it is about no one key).
    pub key: String,
    /// What is wrong and what to do, in `accord check`'s words.
    pub message: String,
    /// Line of the config it is on.
    pub line: usize,
    /// Whether it is a value still to fill in or decide (rather than one that is wrong).
    pub unfilled: bool,
}

/// What an edit leads to: the page's view, and the session when the config parses.
pub struct Checked {
    /// The page's view.
    pub snapshot: Snapshot,
    /// The validated session and whether it is signature-ready, when the text parses.
    pub session: Option<(Session, bool)>,
}

impl Workspace {
    fn read(name: &str, path: &Path, set: Arc<TemplateSet>) -> Result<Self, Refusal> {
        let bytes = read_config(path).map_err(|e| Refusal::new(404, e.message))?;
        let doc = parse(&bytes)?;
        Ok(Self {
            name: name.to_string(),
            path: path.to_path_buf(),
            set,
            state: Mutex::new(State { on_disk: bytes, doc, revision: 1 }),
            preview: Engine::default(),
        })
    }

    /// The config's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The state as it stands.
    pub fn current(&self) -> Checked {
        let state = lock(&self.state);
        self.checked(&state)
    }

    /// Sets the value of `key` (a key path) to `value` (JSON: a string, number, true or false,
    /// a list of strings; null removes an optional key) and checks the result.
    pub fn edit(&self, key: &str, value: &Value, known: &[String]) -> Result<Checked, Refusal> {
        if !known.iter().any(|k| k == key) {
            return Err(Refusal::new(400, format!("The session has no field {key:?}.")));
        }
        let mut state = lock(&self.state);
        set(&mut state.doc, key, value)?;
        state.revision += 1;
        Ok(self.checked(&state))
    }

    /// Writes the edited config to disk atomically, unless the file changed since it was
    /// read (409, saying so).
    pub fn save(&self) -> Result<Checked, Refusal> {
        let mut state = lock(&self.state);
        let _writer = fsio::lock_dir(fsio::parent(&self.path), "saving a session in")
            .map_err(|e| Refusal::new(409, e.message))?;
        let now = read_config(&self.path).map_err(|e| Refusal::new(409, e.message))?;
        if now != state.on_disk {
            return Err(Refusal::new(
                409,
                "The file of this session was changed on this computer since the workbench \
                 opened it (by another program or another window). Your edits were not saved. \
                 Reload the session to see the file as it is now, then make your edits again.",
            ));
        }
        let text = state.doc.to_string();
        fsio::write_atomic(&self.path, text.as_bytes())
            .map_err(|e| Refusal::new(500, e.message))?;
        state.on_disk = text.into_bytes();
        Ok(self.checked(&state))
    }

    /// Reads the file again, dropping unsaved edits.
    pub fn reload(&self) -> Result<Checked, Refusal> {
        let mut state = lock(&self.state);
        let bytes = read_config(&self.path).map_err(|e| Refusal::new(404, e.message))?;
        state.doc = parse(&bytes)?;
        state.on_disk = bytes;
        state.revision += 1;
        Ok(self.checked(&state))
    }

    fn checked(&self, state: &State) -> Checked {
        let text = state.doc.to_string();
        let values = values(state.doc.as_table(), "");
        let mut snapshot = Snapshot {
            name: self.name.clone(),
            revision: state.revision,
            values,
            problems: Vec::new(),
            unsaved: text.as_bytes() != state.on_disk.as_slice(),
            sha256: sha256_hex(text.as_bytes()),
            id: String::new(),
        };
        let parsed = Loaded::parse(&self.path, text.into_bytes(), &self.set.fields);
        let session = match parsed {
            Ok(loaded) => {
                let checked = check::check(&loaded, &self.set);
                snapshot.problems = checked
                    .problems
                    .iter()
                    .map(|p| ProblemView {
                        key: p.key.clone(),
                        message: p.message.clone(),
                        line: p.location.line,
                        unfilled: !p.invalid,
                    })
                    .collect();
                snapshot.id = checked.session.id.clone();
                Some((checked.session, checked.problems.is_empty()))
            }
            Err(err) => {
                snapshot.problems.push(ProblemView {
                    key: String::new(),
                    message: err.message,
                    line: 0,
                    unfilled: false,
                });
                None
            }
        };
        Checked { snapshot, session }
    }
}

fn parse(bytes: &[u8]) -> Result<DocumentMut, Refusal> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Refusal::new(422, "The session's file is not UTF-8 text."))?;
    text.parse::<DocumentMut>().map_err(|e| {
        Refusal::new(422, format!("The session's file is not valid TOML: {}", e.message()))
    })
}

/// Every value of `table` (and its sub-tables) by key path, as JSON.
fn values(table: &Table, prefix: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (key, item) in table.iter() {
        let path = if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") };
        match item {
            Item::Table(inner) => out.extend(values(inner, &path)),
            Item::Value(value) => {
                let json = match value {
                    toml_edit::Value::String(s) => Value::from(s.value().as_str()),
                    toml_edit::Value::Integer(i) => Value::from(*i.value()),
                    toml_edit::Value::Boolean(b) => Value::from(*b.value()),
                    toml_edit::Value::Array(items) => Value::from(
                        items
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect::<Vec<_>>(),
                    ),
                    _ => continue,
                };
                out.insert(path, json);
            }
            _ => {}
        }
    }
    out
}

/// Sets `key` (a dotted path) in `doc` to the JSON `value`, keeping the comments around it.
fn set(doc: &mut DocumentMut, key: &str, value: &Value) -> Result<(), Refusal> {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().unwrap_or_default();
    let mut table = doc.as_table_mut();
    for part in parts {
        let entry = table.entry(part).or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        table = entry.as_table_mut().ok_or_else(|| {
            Refusal::new(409, format!("{key}: the file holds {part} as a value, not a table"))
        })?;
    }
    let new = match value {
        Value::Null => {
            table.remove(last);
            return Ok(());
        }
        Value::String(s) => toml_edit::Value::from(s.as_str()),
        Value::Bool(b) => toml_edit::Value::from(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml_edit::Value::from(i),
            None => return Err(Refusal::new(400, format!("{key}: write a whole number"))),
        },
        Value::Array(items) => {
            let strings: Option<Array> =
                items.iter().map(|v| v.as_str().map(toml_edit::Value::from)).collect();
            toml_edit::Value::Array(
                strings.ok_or_else(|| Refusal::new(400, format!("{key}: a list of texts")))?,
            )
        }
        Value::Object(_) => return Err(Refusal::new(400, format!("{key}: not a value"))),
    };
    match table.get_mut(last).and_then(Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = new;
            *old.decor_mut() = decor;
        }
        None => {
            table.insert(last, Item::Value(new));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use toml_edit::DocumentMut;

    use super::set;

    #[test]
    fn edits_keep_comments_order_and_layout() {
        let text = "# top\nid = \"a\" # after\n\n[signing]\n# the place\nplace = \"xx\"\nlanguages = [\"English\"]\n";
        let mut doc: DocumentMut = text.parse().unwrap();
        set(&mut doc, "signing.place", &json!("Geneva")).unwrap();
        set(&mut doc, "id", &json!("b")).unwrap();
        set(&mut doc, "council.revised_agenda", &json!(true)).unwrap();
        set(&mut doc, "signing.languages", &json!(["English", "French"])).unwrap();
        assert_eq!(
            doc.to_string(),
            "# top\nid = \"b\" # after\n\n[signing]\n# the place\nplace = \"Geneva\"\nlanguages = [\"English\", \"French\"]\n\n[council]\nrevised_agenda = true\n"
        );
        set(&mut doc, "council.revised_agenda", &json!(null)).unwrap();
        assert!(!doc.to_string().contains("revised_agenda"));
    }
}
