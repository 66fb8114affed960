//! The templates embedded in the binary, and the document catalog among them
//! (`templates/catalog.toml`): which document each template makes, its file name in the
//! package, the role its signatures attest, and the limits the wording has.
//!
//! All document text lives in `templates/`, and so do these names: the code asks the catalog
//! instead of spelling a role, a file name or a template name. The catalog is parsed and
//! checked once per process; a catalog that does not fit the templates is an error of the
//! build, which the tests catch before any user can meet it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::{Error, Result};

/// Every file of `templates/` as (name, text), sorted by name; embedded by `build.rs`.
pub const TEMPLATES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// Name of the catalog among the templates.
const CATALOG: &str = "catalog.toml";

/// The catalog: what the templates make and the limits of their wording.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// The Typst style every document imports.
    pub style: String,
    /// The starter config `accord init` writes.
    pub starter: String,
    /// The page that checks copies in a browser.
    pub page: String,
    /// The most originals the wording supports.
    pub max_originals: u32,
    /// The languages the templates hold the documents' text in.
    pub languages: Vec<String>,
    /// The proposed amendments' ids, in the order they appear in the draft.
    pub amendments: Vec<String>,
    /// The documents of a signature-ready package, in package order.
    package: Vec<Entry>,
    /// The documents of a draft build.
    draft: Vec<Entry>,
    /// How each kind of document is divided, for locating a difference in a copy.
    #[serde(default)]
    structure: BTreeMap<String, StructureSpec>,
}

/// One entry of the catalog.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    template: String,
    file: String,
    role: String,
    #[serde(default)]
    originals: bool,
    /// The name of its structure in [`Catalog::structure`].
    structure: Option<String>,
}

/// How a document is divided, as written in the catalog.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StructureSpec {
    /// Label of the words in a page's footer, with `{page}`.
    pub footer: String,
    /// The parts in document order.
    pub parts: Vec<PartSpec>,
}

impl Default for StructureSpec {
    /// A document the catalog does not divide: its body, and its footers.
    fn default() -> Self {
        let body = PartSpec {
            name: "text".into(),
            starts: Vec::new(),
            whole_line: false,
            heading: None,
            heading_lines: 0,
            paragraphs: None,
        };
        Self { footer: "footer (page {page})".into(), parts: vec![body] }
    }
}

/// One part of a document.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PartSpec {
    /// Label of the part, with `{n}` if numbered.
    pub name: String,
    /// Words that begin the part at the start of a line; `{n}` stands for its next number;
    /// empty for the part the document starts with.
    #[serde(default)]
    pub starts: Vec<String>,
    /// The start words must be the whole line (a heading, not a reference in the text).
    #[serde(default)]
    pub whole_line: bool,
    /// Label of the part's heading (its start line and `heading_lines` more), with `{n}`.
    #[serde(default)]
    pub heading: Option<String>,
    /// Lines after the start line that belong to the heading.
    #[serde(default)]
    pub heading_lines: usize,
    /// Label of the part's numbered paragraphs, with `{n}` and `{p}`.
    #[serde(default)]
    pub paragraphs: Option<String>,
}

/// One document to make: its template, which original it is, its file name and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The template that makes it.
    pub template: &'static str,
    /// (number, total) for an original of the agreement.
    pub original: Option<(u32, u32)>,
    /// File name in the package.
    pub file_name: String,
    /// Role its signatures attest, e.g. `agreement, original 1 of 2`.
    pub role: String,
}

impl Catalog {
    /// The embedded catalog, parsed and checked on first use.
    pub fn get() -> Result<&'static Self> {
        static CATALOG_ONCE: OnceLock<std::result::Result<Catalog, String>> = OnceLock::new();
        CATALOG_ONCE
            .get_or_init(|| Self::parse(template(CATALOG).unwrap_or_default()))
            .as_ref()
            .map_err(|why| Error::malformed(format!("templates/{CATALOG}: {why}")))
    }

    fn parse(text: &str) -> std::result::Result<Self, String> {
        let catalog: Self = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let named = [&catalog.style, &catalog.starter, &catalog.page]
            .into_iter()
            .chain(catalog.package.iter().chain(&catalog.draft).map(|e| &e.template));
        if let Some(missing) = named.into_iter().find(|name| template(name).is_none()) {
            return Err(format!("no template {missing} in templates/"));
        }
        for entry in catalog.package.iter().chain(&catalog.draft) {
            if let Some(name) =
                entry.structure.as_ref().filter(|n| !catalog.structure.contains_key(*n))
            {
                return Err(format!("file {:?}: no [structure.{name}]", entry.file));
            }
            let numbered = entry.file.contains("{n}");
            if numbered != entry.originals || entry.file.contains(['/', '\\']) {
                return Err(format!(
                    "file {:?}: a file name holds {{n}} exactly when `originals = true`, and no '/'",
                    entry.file
                ));
            }
        }
        Ok(catalog)
    }

    /// The documents of a signature-ready package with `originals` originals.
    pub fn package(&'static self, originals: u32) -> Vec<Planned> {
        let mut planned = Vec::new();
        for entry in &self.package {
            if entry.originals {
                planned.extend((1..=originals).map(|n| entry.plan(Some((n, originals)))));
            } else {
                planned.push(entry.plan(None));
            }
        }
        planned
    }

    /// The documents of a draft build.
    pub fn draft(&'static self) -> Vec<Planned> {
        self.draft.iter().map(|entry| entry.plan(None)).collect()
    }

    /// How the package document named `file_name` is divided, if the catalog says.
    pub fn structure_of(&self, file_name: &str) -> Option<&StructureSpec> {
        let entry = self.package.iter().find(|e| match e.file.split_once("{n}") {
            Some((before, after)) => file_name
                .strip_prefix(before)
                .and_then(|rest| rest.strip_suffix(after))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
            None => e.file == file_name,
        })?;
        self.structure.get(entry.structure.as_ref()?)
    }

    /// The text of the style.
    pub fn style_source(&self) -> &'static str {
        template(&self.style).unwrap_or_default()
    }

    /// The text of the page template.
    pub fn page_source(&self) -> &'static str {
        template(&self.page).unwrap_or_default()
    }

    /// The text of the starter config.
    pub fn starter_source(&self) -> &'static str {
        template(&self.starter).unwrap_or_default()
    }
}

impl Entry {
    fn plan(&'static self, original: Option<(u32, u32)>) -> Planned {
        let fill = |pattern: &str| match original {
            Some((n, total)) => {
                pattern.replace("{n}", &n.to_string()).replace("{total}", &total.to_string())
            }
            None => pattern.to_string(),
        };
        Planned {
            template: &self.template,
            original,
            file_name: fill(&self.file),
            role: fill(&self.role),
        }
    }
}

/// The text of the embedded template `name`.
pub fn template(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::{template, Catalog, TEMPLATES};

    #[test]
    fn the_catalog_parses_and_names_existing_templates() {
        let catalog = Catalog::get().unwrap();
        assert!(template(&catalog.style).is_some());
        assert!(TEMPLATES.windows(2).all(|w| w[0].0 < w[1].0), "sorted by name");
        let package = catalog.package(2);
        let names: Vec<&str> = package.iter().map(|p| p.file_name.as_str()).collect();
        assert_eq!(
            names,
            ["agreement-original-1.pdf", "agreement-original-2.pdf", "council-resolution.pdf"]
        );
        assert_eq!(package[1].role, "agreement, original 2 of 2");
        assert_eq!(package[1].original, Some((2, 2)));
        assert_eq!(catalog.draft()[0].file_name, "working-group-draft.pdf");
        let agreement = catalog.structure_of("agreement-original-12.pdf").unwrap();
        assert!(agreement.parts.iter().any(|p| p.name == "Article {n}"));
        assert_ne!(catalog.structure_of("council-resolution.pdf"), Some(agreement));
        assert_eq!(catalog.structure_of("agreement-original-.pdf"), None);
    }

    #[test]
    fn a_catalog_that_does_not_fit_the_templates_is_refused() {
        let base = template("catalog.toml").unwrap();
        for (from, to, why) in [
            ("style = \"style.typ\"", "style = \"gone.typ\"", "no template gone.typ"),
            ("file = \"council-resolution.pdf\"", "file = \"r-{n}.pdf\"", "exactly when"),
            ("max_originals = 10", "max_originals = \"ten\"", "invalid type"),
        ] {
            let err = Catalog::parse(&base.replacen(from, to, 1)).unwrap_err();
            assert!(err.contains(why), "{from}: {err}");
        }
    }
}
