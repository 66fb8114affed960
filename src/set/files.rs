//! The files of a template set, read from a directory as carefully as any other input: only
//! the kinds of file a set is made of, regular files read with a bound, no symbolic link
//! leading out of the directory, names that can be written in a manifest and a message, and
//! text that is UTF-8 without control characters.

use std::fs;
use std::path::{Path, PathBuf};

use crate::chars::{describe, Shown as _};
use crate::error::{Error, Result};
use crate::fsio;
use crate::location::Location;

/// Name of the catalog of a set.
pub const CATALOG: &str = "catalog.toml";
/// Name of the declaration of a set's fields.
pub const FIELDS: &str = "fields.toml";
/// Suffix of the minijinja templates of a set.
pub const TEMPLATE_SUFFIX: &str = ".j2";
/// Suffix of the Typst files (styles) of a set.
pub const TYPST_SUFFIX: &str = ".typ";

/// Largest file of a set read, in bytes: a template takes tens of KB.
pub const MAX_FILE_BYTES: u64 = 4 << 20;
/// Most files a set may hold.
pub const MAX_FILES: usize = 256;

/// One file of a template set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetFile {
    /// Its name in the set's directory.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// Suffix of a set's other declarations of fields (`certification-fields.toml`).
pub const FIELDS_SUFFIX: &str = "-fields.toml";

/// Whether a file named `name` is part of a set: the catalog, the declarations of fields, a
/// template or a Typst file. Anything else in the directory (a README, a `.git`) is not read.
pub fn is_set_file(name: &str) -> bool {
    !name.starts_with('.')
        && (name == CATALOG
            || name == FIELDS
            || name.ends_with(FIELDS_SUFFIX)
            || name.ends_with(TEMPLATE_SUFFIX)
            || name.ends_with(TYPST_SUFFIX))
}

/// Reads the files of the set in `dir`, sorted by name.
pub fn read_dir(dir: &Path) -> Result<Vec<SetFile>> {
    let meta = fs::metadata(dir).map_err(|e| Error::io("read template set", dir, e))?;
    if !meta.is_dir() {
        return Err(Error::usage(format!(
            "the template set {} is not a directory; give the directory that holds its {CATALOG}",
            dir.shown()
        )));
    }
    let root = fs::canonicalize(dir).map_err(|e| Error::io("read template set", dir, e))?;
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io("read template set", dir, e))? {
        let entry = entry.map_err(|e| Error::io("read template set", dir, e))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            return Err(Error::malformed(format!(
                "{}: the file name is not UTF-8 text; rename the file",
                path.shown()
            )));
        };
        if !is_set_file(&name) {
            continue;
        }
        check_name(&name).map_err(|why| Error::malformed(format!("{}: {why}", path.shown())))?;
        inside(&root, &path)?;
        if files.len() == MAX_FILES {
            return Err(Error::malformed(format!(
                "the template set {} holds more than {MAX_FILES} files",
                dir.shown()
            )));
        }
        let bytes = fsio::read_regular(&path, "template set file", MAX_FILE_BYTES)?;
        files.push(SetFile { text: text_of(&path, bytes)?, name });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// A file name a set may hold: letters, digits, `.`, `-` and `_`, not starting with a dot,
/// so that it reads the same in a manifest, a message and a template's `include`.
pub fn check_name(name: &str) -> std::result::Result<(), String> {
    let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if plain && !name.starts_with('.') && name.len() <= 100 {
        return Ok(());
    }
    Err(format!(
        "the file name {name:?} may hold only letters, digits, '.', '-' and '_' (at most 100), \
         not starting with '.'; rename the file"
    ))
}

/// Refuses `path` when it is a symbolic link that leads out of the set's directory `root`.
fn inside(root: &Path, path: &Path) -> Result<()> {
    let meta = fs::symlink_metadata(path).map_err(|e| Error::io("read", path, e))?;
    if !meta.file_type().is_symlink() {
        return Ok(());
    }
    let target: PathBuf = fs::canonicalize(path).map_err(|e| Error::io("read", path, e))?;
    if target.parent() == Some(root) {
        return Ok(());
    }
    Err(Error::malformed(format!(
        "{} is a symbolic link to {}, outside the template set; a set is read only from its \
         own directory: copy the file into it",
        path.shown(),
        target.shown()
    )))
}

/// The bytes of the set file at `path` as text: UTF-8, and no control character but tab and
/// line ends ([`check_text`]).
pub fn text_of(path: &Path, bytes: Vec<u8>) -> Result<String> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let before = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let loc = Location::of(path, &before, before.len());
        Error::malformed(format!("{loc}: the file is not valid UTF-8 text; save it as UTF-8"))
    })?;
    check_text(path, &text).map_err(Error::malformed)?;
    Ok(text)
}

/// Refuses a control character but tab and line ends in the set file `text` read from
/// `path` (accord marks values in rendered documents with control characters).
pub fn check_text(path: &Path, text: &str) -> std::result::Result<(), String> {
    let control =
        text.char_indices().find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    match control {
        Some((at, c)) => Err(format!(
            "{}: the file holds the control character {}, which no file of a template set may \
             hold; remove it",
            Location::of(path, text, at),
            describe(c)
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::{check_name, is_set_file, read_dir, text_of};
    use std::path::Path;

    #[test]
    fn a_set_is_read_from_its_own_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("b.typ.j2"), "b").unwrap();
        std::fs::write(d.join("README.md"), "not read").unwrap();
        std::fs::create_dir(d.join("drafts")).unwrap();
        std::fs::write(d.join("drafts/x.typ.j2"), "not read").unwrap();
        std::os::unix::fs::symlink("b.typ.j2", d.join("a.typ.j2")).unwrap();
        let names: Vec<String> = read_dir(d).unwrap().into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["a.typ.j2", "b.typ.j2"]);
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("c.typ.j2"), "c").unwrap();
        std::os::unix::fs::symlink(outside.path().join("c.typ.j2"), d.join("c.typ.j2")).unwrap();
        let err = read_dir(d).unwrap_err();
        assert!(err.message.contains("outside the template set"), "{err}");
    }

    #[test]
    fn only_the_kinds_of_file_a_set_is_made_of_are_read() {
        for name in ["catalog.toml", "fields.toml", "a.typ.j2", "macros.j2", "style.typ"] {
            assert!(is_set_file(name), "{name}");
        }
        for name in ["README.md", ".catalog.toml", "notes.toml", ".x.j2", "a.pdf"] {
            assert!(!is_set_file(name), "{name}");
        }
    }

    #[test]
    fn names_and_texts_are_checked() {
        assert!(check_name("agreement-text.typ.j2").is_ok());
        for bad in ["my doc.j2", "é.j2", "a\u{202e}.j2", ".hidden.j2"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        let err = text_of(Path::new("t.j2"), b"ok\n\x01x".to_vec()).unwrap_err();
        assert!(err.message.starts_with("t.j2:2:1: the file holds the control character U+0001"));
        let err = text_of(Path::new("t.j2"), b"ok\n\xff".to_vec()).unwrap_err();
        assert!(err.message.starts_with("t.j2:2:1: the file is not valid UTF-8"), "{err}");
    }
}
