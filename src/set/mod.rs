//! Template sets: a directory holding the documents' templates, the [`Catalog`] of what they
//! make (`catalog.toml`) and the declaration of the fields a session fills in ([`Fields`],
//! `fields.toml`). The built-in set is `templates/`, embedded in the binary; any other is read
//! from a directory (`--templates DIR`).
//!
//! A set is checked as a whole when it is read, so that a broken one is refused with every
//! problem named by file, line and column before any session meets it: the declaration and
//! the catalog on their own, the catalog against the fields and the files, and the templates
//! against the fields ([`usage`]): a template reading an undeclared field, a field no template
//! reads.
//!
//! From the declaration come the starter config ([`starter`]), the JSON Schema of a session
//! config ([`schema`]) and the README's config reference ([`reference`]).

mod catalog;
mod fields;
mod files;
mod kind;
mod reference;
mod schema;
mod starter;
mod usage;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use catalog::DECISIONS;
pub use catalog::{
    Amendment, Catalog, Certification, PartSpec, Planned, PlannedCopy, StructureSpec,
};
pub use fields::{table_of, FieldSpec, Fields, TableSpec};
pub use files::{SetFile, CATALOG, FIELDS, TEMPLATE_SUFFIX};
pub use kind::{out_of_bounds, quoted_list, Choices, Kind, ListSpec, Literal, Order, Rule};
pub use starter::SCHEMA_FILE;
pub use usage::{CONTEXT, DATE_PARTS};

use crate::chars::Shown as _;
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::location::Source;

/// Every file of `templates/` as (name, text), sorted by name; embedded by `build.rs`.
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// Where the built-in set lives in the source tree, as messages name its files.
pub const BUILTIN_DIR: &str = "templates";

/// A template set, read and checked.
#[derive(Debug, Clone)]
pub struct TemplateSet {
    /// The directory it was read from; `None` for the built-in set.
    dir: Option<PathBuf>,
    /// Its files, sorted by name.
    files: Vec<SetFile>,
    /// What its templates make.
    pub catalog: Catalog,
    /// The fields a session fills in.
    pub fields: Fields,
    /// The fields a certification fills in, when the catalog has a `[certification]`.
    pub certification_fields: Option<Fields>,
}

impl TemplateSet {
    /// The built-in set (`templates/`), checked on first use.
    pub fn builtin() -> Result<&'static Self> {
        static BUILTIN: OnceLock<std::result::Result<TemplateSet, String>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let files = Self::builtin_files();
                Self::from_files(None, files).map_err(|err| err.message)
            })
            .as_ref()
            .map_err(|why| Error::internal(why.clone()))
    }

    /// The set in the directory `dir`, read and checked.
    pub fn load(dir: &Path) -> Result<Self> {
        Self::from_files(Some(dir.to_path_buf()), files::read_dir(dir)?)
    }

    /// The set in `dir` when given, else the built-in one.
    pub fn open(dir: Option<&Path>) -> Result<Cow<'static, Self>> {
        match dir {
            Some(dir) => Self::load(dir).map(Cow::Owned),
            None => Self::builtin().map(Cow::Borrowed),
        }
    }

    /// The set of `files`, checked as a set read from `dir` (`None`: the built-in one).
    pub fn from_files(dir: Option<PathBuf>, mut files: Vec<SetFile>) -> Result<Self> {
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let shown = dir.as_deref().unwrap_or(Path::new(BUILTIN_DIR)).to_path_buf();
        let path_of = |name: &str| shown.join(name);
        let text_of = |name: &str| files.iter().find(|f| f.name == name).map(|f| f.text.as_str());
        let refuse = |problems: Vec<String>| {
            Error::malformed(format!(
                "the template set {} cannot be used:\n  {}",
                shown.shown(),
                problems.join("\n  ")
            ))
        };
        let unfit: Vec<String> = files
            .iter()
            .filter_map(|f| {
                let path = path_of(&f.name);
                let name =
                    files::check_name(&f.name).map_err(|why| format!("{}: {why}", path.shown()));
                name.and_then(|()| files::check_text(&path, &f.text)).err()
            })
            .collect();
        if !unfit.is_empty() {
            return Err(refuse(unfit));
        }
        let (Some(fields_text), Some(catalog_text)) = (text_of(FIELDS), text_of(CATALOG)) else {
            let missing: Vec<&str> =
                [CATALOG, FIELDS].into_iter().filter(|n| text_of(n).is_none()).collect();
            return Err(refuse(vec![format!(
                "it has no {}: a set is a directory holding {CATALOG} (its documents), \
                 {FIELDS} (the fields of a session) and the templates",
                missing.join(" and no ")
            )]));
        };
        let fields_path = path_of(FIELDS);
        let fields =
            Fields::parse(Source { path: &fields_path, text: fields_text }).map_err(&refuse)?;
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        let catalog_path = path_of(CATALOG);
        let catalog =
            Catalog::parse(Source { path: &catalog_path, text: catalog_text }, &names, &fields)
                .map_err(&refuse)?;
        let certification_fields = match &catalog.certification {
            Some(certification) => {
                let path = path_of(&certification.fields);
                let text = text_of(&certification.fields).unwrap_or_default();
                let declared = Fields::parse_beside(Source { path: &path, text }, Some(&fields))
                    .map_err(&refuse)?;
                if declared.get(&certification.date).is_none_or(|f| f.kind != Kind::Date) {
                    return Err(refuse(vec![format!(
                        "{}: [certification] date = {:?} is not a date field of {}",
                        catalog_path.shown(),
                        certification.date,
                        certification.fields
                    )]));
                }
                if declared.get(&certification.certifier).is_none_or(|f| f.kind != Kind::Text) {
                    return Err(refuse(vec![format!(
                        "{}: [certification] certifier = {:?} is not a text field of {}",
                        catalog_path.shown(),
                        certification.certifier,
                        certification.fields
                    )]));
                }
                Some(declared)
            }
            None => None,
        };
        let all_fields = match &certification_fields {
            Some(more) => Cow::Owned(fields.merged(more)),
            None => Cow::Borrowed(&fields),
        };
        let paths: Vec<PathBuf> = files.iter().map(|f| path_of(&f.name)).collect();
        let templates: Vec<(&str, &Path, &str)> = files
            .iter()
            .zip(&paths)
            .filter(|(f, _)| f.name.ends_with(TEMPLATE_SUFFIX))
            .map(|(f, path)| (f.name.as_str(), path.as_path(), f.text.as_str()))
            .collect();
        let (mut problems, used) = usage::check(&templates, &all_fields);
        // Once each template reads only declared fields (a broken one reads none).
        let templates_read = problems.is_empty();
        for field in all_fields.all().iter().filter(|_| templates_read) {
            let named =
                all_fields.all().iter().flat_map(|f| &f.rules).any(|r| r.other == field.key)
                    || catalog.originals_field.as_ref() == Some(&field.key)
                    || catalog.package_date.contains(&field.key)
                    || catalog.draft_date.contains(&field.key)
                    || catalog.certification.as_ref().is_some_and(|c| c.date == field.key);

            if !used.contains(&field.key) && !named {
                problems.push(format!(
                    "{}: field `{}` is read by no template, and no rule or catalog entry names \
                     it; use it in a template, or remove it",
                    field.declared, field.key
                ));
            }
        }
        if !problems.is_empty() {
            return Err(refuse(problems));
        }
        Ok(Self { dir, files, catalog, fields, certification_fields })
    }

    /// The directory the set was read from; `None` for the built-in set.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The path of the set's file `name` as messages name it (`templates/…` when built in).
    pub fn path_of(&self, name: &str) -> PathBuf {
        self.dir.as_deref().unwrap_or(Path::new(BUILTIN_DIR)).join(name)
    }

    /// The set in words: "the built-in template set" or "the template set DIR".
    pub fn describe(&self) -> String {
        match &self.dir {
            Some(dir) => format!("the template set {}", dir.shown()),
            None => "the built-in template set".to_string(),
        }
    }

    /// Every file of the set, sorted by name.
    pub fn files(&self) -> &[SetFile] {
        &self.files
    }

    /// The text of the set's file `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.files.iter().find(|f| f.name == name).map(|f| f.text.as_str())
    }

    /// The built-in set's files, as embedded (for tests and tools that derive a set from it).
    pub fn builtin_files() -> Vec<SetFile> {
        let embedded = EMBEDDED.iter().filter(|(name, _)| files::is_set_file(name));
        embedded
            .map(|(name, text)| SetFile { name: name.to_string(), text: text.to_string() })
            .collect()
    }

    /// The minijinja templates of the set, as (name, text).
    pub fn templates(&self) -> impl Iterator<Item = (&str, &str)> {
        let templates = self.files.iter().filter(|f| f.name.ends_with(TEMPLATE_SUFFIX));
        templates.map(|f| (f.name.as_str(), f.text.as_str()))
    }

    /// The Typst style every document imports: its name and text.
    pub fn style(&self) -> (&str, &str) {
        (&self.catalog.style, self.text(&self.catalog.style).unwrap_or_default())
    }

    /// Each file's name and SHA-256, sorted by name, as a manifest records them.
    pub fn hashes(&self) -> Vec<(String, String)> {
        self.files.iter().map(|f| (f.name.clone(), sha256_hex(f.text.as_bytes()))).collect()
    }

    /// The SHA-256 of the set as a whole: of its files' `sha256sum` list (`HASH  NAME` lines,
    /// sorted by name), which `sha256sum` in the set's directory reproduces.
    pub fn sha256(&self) -> String {
        let list: String =
            self.hashes().iter().map(|(name, hash)| format!("{hash}  {name}\n")).collect();
        sha256_hex(list.as_bytes())
    }

    /// The starter config `accord init` writes.
    pub fn starter(&self) -> String {
        starter::write(&self.fields, &self.catalog, self.dir())
    }

    /// The JSON Schema (draft 2020-12) of a session config of this set, as the text of a
    /// `.json` file.
    pub fn schema(&self) -> String {
        let pretty = serde_json::to_string_pretty(&schema::of(
            &self.fields,
            &self.catalog,
            &self.describe(),
        ))
        .unwrap_or_default();
        format!("{pretty}\n")
    }

    /// The config reference of the README: a Markdown table of every key.
    pub fn reference(&self) -> String {
        reference::table(&self.fields, &self.catalog)
    }
}

#[cfg(test)]
mod tests {
    use super::{SetFile, TemplateSet, EMBEDDED};

    /// The built-in set with `from` replaced by `to` in its file `name`.
    fn edited(name: &str, from: &str, to: &str) -> String {
        let files = EMBEDDED
            .iter()
            .map(|(n, text)| {
                let text = match *n == name {
                    true => {
                        assert!(text.contains(from), "{from:?} in {name}");
                        text.replacen(from, to, 1)
                    }
                    false => text.to_string(),
                };
                SetFile { name: n.to_string(), text }
            })
            .collect();
        TemplateSet::from_files(None, files).expect_err("the set must be refused").message
    }

    #[test]
    fn the_builtin_set_is_whole() {
        let set = TemplateSet::builtin().unwrap();
        assert!(EMBEDDED.windows(2).all(|w| w[0].0 < w[1].0), "sorted by name");
        assert_eq!(set.style().0, "style.typ");
        assert!(set.fields.get("signing.place").is_some());
        assert_eq!(set.sha256().len(), 64);
    }

    #[test]
    fn a_broken_set_is_refused_naming_file_line_and_what_is_wrong() {
        for (name, from, to, expected) in [
            (
                "catalog.toml",
                "style = \"style.typ\"",
                "style = \"gone.typ\"",
                "templates/catalog.toml:9:9: no Typst style \"gone.typ\"",
            ),
            (
                "catalog.toml",
                "file = \"council-resolution.pdf\"",
                "file = \"r-{n}.pdf\"",
                "holds {n} exactly when",
            ),
            (
                "catalog.toml",
                "template = \"agreement.typ.j2\"",
                "template = \"agreement.j2\"",
                "no template \"agreement.j2\" in the set",
            ),
            (
                "fields.toml",
                "type = \"date\"",
                "type = \"dat\"",
                "templates/fields.toml:41:8: field `signing.date`: unknown type \"dat\"",
            ),
            (
                "agreement-text.typ.j2",
                "{{ signing.place }}",
                "{{ signing.plaec }}",
                "`signing.plaec` is not a declared field",
            ),
            (
                "resolution-text.typ.j2",
                "{{ council.agenda_item }}",
                "4",
                "field `council.agenda_item` is read by no template",
            ),
        ] {
            let message = edited(name, from, to);
            assert!(
                message.starts_with("the template set templates cannot be used:\n  "),
                "{message}"
            );
            assert!(
                message.contains(expected),
                "{name}: {from} → {to}\nexpected {expected:?} in:\n{message}"
            );
        }
    }
}
