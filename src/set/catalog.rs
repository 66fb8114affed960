//! The document catalog of a set (`catalog.toml`): which document each template makes, its
//! file name in the package, the role its signatures attest, how each document is divided
//! (to locate a difference in a copy), the proposed amendments a session decides on, and
//! which fields give the number of originals and the date of the PDFs.
//!
//! All document text lives in the set, and so do these names: the code asks the catalog
//! instead of spelling a role, a file name or a template name. A catalog that does not fit
//! the set's templates and fields is refused when the set is read, each problem named with
//! its line and column.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::fields::Fields;
use super::files::{self, TEMPLATE_SUFFIX, TYPST_SUFFIX};
use super::kind::Kind;
use crate::chars::forbidden;
use crate::location::Source;

/// The decisions a config may write for an amendment.
pub const DECISIONS: [&str; 3] = ["accept", "reject", "undecided"];

/// Most originals a set may let a session ask for: one PDF each.
pub const MAX_ORIGINALS: i64 = 100;

/// The catalog: what the templates make, and the amendments a session decides on.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The Typst style every document imports.
    pub style: String,
    /// The integer field that gives the number of originals, if documents have originals.
    pub originals_field: Option<String>,
    /// The date fields that date a package's PDFs, the first filled one winning.
    pub package_date: Vec<String>,
    /// The same for a draft build.
    pub draft_date: Vec<String>,
    /// The proposed amendments, in the order they appear in the documents.
    pub amendments: Vec<Amendment>,
    /// Certified true copies and the registration statement, if the set makes them.
    pub certification: Option<Certification>,
    package: Vec<Entry>,
    draft: Vec<Entry>,
    structure: BTreeMap<String, StructureSpec>,
}

/// What `accord certify` makes with the set: the catalog's `[certification]`.
#[derive(Debug, Clone)]
pub struct Certification {
    /// The file declaring a certification's fields.
    pub fields: String,
    /// The date field of a certification that dates its PDFs.
    pub date: String,
    /// The text field of a certification that names the certifier.
    pub certifier: String,
    /// The word a certified copy prints after each signatory's name, where the original
    /// has a signature (`copy.signed` in the templates).
    pub signed_mark: String,
    copies: Vec<(String, Entry)>,
    statement: Entry,
}

/// A certified copy to make: the signed original it copies, and the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCopy {
    /// The original, as the package plans it.
    pub original: Planned,
    /// The certified copy.
    pub copy: Planned,
}

impl Certification {
    /// The certified copies of a package with `originals` originals, in package order.
    pub fn copies(&self, catalog: &Catalog, originals: u32) -> Vec<PlannedCopy> {
        let mut planned = Vec::new();
        for entry in &catalog.package {
            for (_, copy) in self.copies.iter().filter(|(of, _)| *of == entry.template) {
                let numbers: Vec<Option<(u32, u32)>> = match entry.originals {
                    true => (1..=originals).map(|n| Some((n, originals))).collect(),
                    false => vec![None],
                };
                planned.extend(
                    numbers
                        .into_iter()
                        .map(|n| PlannedCopy { original: entry.plan(n), copy: copy.plan(n) }),
                );
            }
        }
        planned
    }

    /// The registration statement.
    pub fn statement(&self) -> Planned {
        self.statement.plan(None)
    }
}

/// A proposed amendment: its id and what it changes, in one line.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// Its id: the key of the config's `[amendments]` table and the templates' `decision(id)`.
    pub id: String,
    /// What it changes, e.g. `Article 8(3): delete the whole paragraph.`
    pub summary: String,
}

/// One document entry of the catalog.
#[derive(Debug, Clone, Deserialize)]
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

/// `catalog.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    style: Spanned<String>,
    originals_field: Option<Spanned<String>>,
    package_date: Option<Spanned<Vec<String>>>,
    draft_date: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    amendment: Vec<Spanned<Amendment>>,
    package: Spanned<Vec<Spanned<Entry>>>,
    #[serde(default)]
    draft: Vec<Spanned<Entry>>,
    #[serde(default)]
    structure: BTreeMap<String, StructureSpec>,
    certification: Option<Spanned<CertificationDecl>>,
}

/// `[certification]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CertificationDecl {
    fields: String,
    date: String,
    certifier: String,
    signed_mark: String,
    #[serde(default)]
    copy: Vec<Spanned<CopyDecl>>,
    statement: Spanned<StatementDecl>,
}

/// One `[[certification.copy]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CopyDecl {
    of: String,
    template: String,
    file: String,
    role: String,
    structure: Option<String>,
}

/// `[certification.statement]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementDecl {
    template: String,
    file: String,
    role: String,
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
    pub template: String,
    /// (number, total) for an original.
    pub original: Option<(u32, u32)>,
    /// File name in the package.
    pub file_name: String,
    /// Role its signatures attest, e.g. `agreement, original 1 of 2`.
    pub role: String,
}

impl Catalog {
    /// Parses `catalog.toml` and checks it against the set's file names and its `fields`:
    /// every problem, each with its line and column.
    pub fn parse(
        source: Source<'_>,
        names: &[&str],
        fields: &Fields,
    ) -> std::result::Result<Self, Vec<String>> {
        let file: File = toml::from_str(source.text).map_err(|e| {
            let at = e.span().unwrap_or(0..0);
            vec![format!("{}: {}", source.locate(&at), e.message().trim_end())]
        })?;
        let mut problems = Vec::new();
        let mut push = |span: &Range<usize>, why: String| {
            problems.push(format!("{}: {why}", source.locate(span)));
        };
        let has = |name: &str, suffix: &str| name.ends_with(suffix) && names.contains(&name);
        if !has(file.style.get_ref(), TYPST_SUFFIX) {
            let why = format!("no Typst style {:?} in the set", file.style.get_ref());
            push(&file.style.span(), why);
        }
        if file.package.get_ref().is_empty() {
            push(&file.package.span(), "a set makes at least one [[package]] document".into());
        }
        let entries = file.package.get_ref().iter().chain(&file.draft);
        for (i, entry) in entries.clone().enumerate() {
            let span = entry.span();
            let e = entry.get_ref();
            for why in e.problems(&has, &file.structure) {
                push(&span, why);
            }
            if entries.clone().take(i).any(|other| other.get_ref().file == e.file) {
                push(&span, format!("two documents are named {:?}", e.file));
            }
        }
        let originals = file.package.get_ref().iter().any(|e| e.get_ref().originals);
        match (&file.originals_field, originals) {
            (Some(key), _) => match fields.get(key.get_ref()).map(|f| &f.kind) {
                Some(Kind::Integer { min: Some(min), max: Some(max) })
                    if *min >= 1 && *max <= MAX_ORIGINALS => {}
                _ => push(
                    &key.span(),
                    format!(
                        "`originals_field` must name an integer field with `min` at least 1 \
                         and `max` at most {MAX_ORIGINALS}; `{}` is not one",
                        key.get_ref()
                    ),
                ),
            },
            (None, true) => push(
                &file.package.span(),
                "a document has `originals = true`: name the field that gives their number \
                 with `originals_field`"
                    .into(),
            ),
            (None, false) => {}
        }
        for dates in [&file.package_date, &file.draft_date].into_iter().flatten() {
            for key in dates.get_ref() {
                if fields.get(key).is_none_or(|f| f.kind != Kind::Date) {
                    push(&dates.span(), format!("`{key}` is not a declared date field"));
                }
            }
        }
        for (i, amendment) in file.amendment.iter().enumerate() {
            let Amendment { id, summary } = amendment.get_ref();
            let plain = id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
            if id.is_empty() || !plain {
                let why =
                    format!("the amendment id {id:?} may hold only letters, digits, '-' and '_'");
                push(&amendment.span(), why);
            }
            if file.amendment[..i].iter().any(|a| a.get_ref().id == *id) {
                push(&amendment.span(), format!("the amendment {id} is listed twice"));
            }
            if summary.trim().is_empty() || summary.contains(char::is_control) {
                push(&amendment.span(), format!("the summary of {id} must be one line of text"));
            }
        }
        let certification = file.certification.as_ref().map(|decl| {
            let span = decl.span();
            let decl = decl.get_ref();
            if !has(&decl.fields, files::FIELDS_SUFFIX) {
                let why = format!(
                    "no declaration of a certification's fields {:?} (NAME{}) in the set",
                    decl.fields,
                    files::FIELDS_SUFFIX
                );
                push(&span, why);
            }
            let mark = &decl.signed_mark;
            if mark.is_empty() || mark.chars().any(|c| c.is_whitespace() || forbidden(c).is_some())
            {
                push(&span, format!("the signed_mark {mark:?} must be one word of plain text"));
            }
            let mut copies = Vec::new();
            for copy in &decl.copy {
                let c = copy.get_ref();
                let of = file.package.get_ref().iter().find(|e| e.get_ref().template == c.of);
                let Some(of) = of else {
                    push(
                        &copy.span(),
                        format!("no [[package]] document made by {:?} to certify", c.of),
                    );
                    continue;
                };
                let entry = Entry {
                    template: c.template.clone(),
                    file: c.file.clone(),
                    role: c.role.clone(),
                    originals: of.get_ref().originals,
                    structure: c.structure.clone(),
                };
                copies.push((c.of.clone(), entry));
            }
            let s = decl.statement.get_ref();
            let statement = Entry {
                template: s.template.clone(),
                file: s.file.clone(),
                role: s.role.clone(),
                originals: false,
                structure: None,
            };
            let all: Vec<&Entry> = copies.iter().map(|(_, e)| e).chain([&statement]).collect();
            for (i, e) in all.iter().enumerate() {
                for why in e.problems(&has, &file.structure) {
                    push(&span, why);
                }
                if all[..i].iter().any(|other| other.file == e.file) {
                    push(&span, format!("two certified documents are named {:?}", e.file));
                }
            }
            Certification {
                fields: decl.fields.clone(),
                date: decl.date.clone(),
                certifier: decl.certifier.clone(),
                signed_mark: decl.signed_mark.clone(),
                copies,
                statement,
            }
        });
        if !problems.is_empty() {
            return Err(problems);
        }
        let names = |dates: Option<Spanned<Vec<String>>>| dates.map(Spanned::into_inner);
        Ok(Catalog {
            style: file.style.into_inner(),
            originals_field: file.originals_field.map(Spanned::into_inner),
            package_date: names(file.package_date).unwrap_or_default(),
            draft_date: names(file.draft_date).unwrap_or_default(),
            amendments: file.amendment.into_iter().map(Spanned::into_inner).collect(),
            package: file.package.into_inner().into_iter().map(Spanned::into_inner).collect(),
            draft: file.draft.into_iter().map(Spanned::into_inner).collect(),
            structure: file.structure,
            certification,
        })
    }

    /// The documents of a signature-ready package with `originals` originals.
    pub fn package(&self, originals: u32) -> Vec<Planned> {
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
    pub fn draft(&self) -> Vec<Planned> {
        self.draft.iter().map(|entry| entry.plan(None)).collect()
    }

    /// The templates the catalog names for documents.
    pub fn document_templates(&self) -> impl Iterator<Item = &str> {
        self.package.iter().chain(&self.draft).map(|e| e.template.as_str())
    }

    /// How the package document named `file_name` is divided, if the catalog says.
    pub fn structure_of(&self, file_name: &str) -> Option<&StructureSpec> {
        let copies = self.certification.iter().flat_map(|c| c.copies.iter().map(|(_, e)| e));
        let entry = self.package.iter().chain(copies).find(|e| match e.file.split_once("{n}") {
            Some((before, after)) => file_name
                .strip_prefix(before)
                .and_then(|rest| rest.strip_suffix(after))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
            None => e.file == file_name,
        })?;
        self.structure.get(entry.structure.as_ref()?)
    }
}

impl Entry {
    fn plan(&self, original: Option<(u32, u32)>) -> Planned {
        let fill = |pattern: &str| match original {
            Some((n, total)) => {
                pattern.replace("{n}", &n.to_string()).replace("{total}", &total.to_string())
            }
            None => pattern.to_string(),
        };
        Planned {
            template: self.template.clone(),
            original,
            file_name: fill(&self.file),
            role: fill(&self.role),
        }
    }

    /// What is wrong with the entry: its template, structure, file name or role.
    fn problems(
        &self,
        has: &dyn Fn(&str, &str) -> bool,
        structures: &BTreeMap<String, StructureSpec>,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        if !has(&self.template, TEMPLATE_SUFFIX) {
            problems.push(format!("no template {:?} in the set", self.template));
        }
        if let Some(name) = self.structure.as_ref().filter(|n| !structures.contains_key(*n)) {
            problems.push(format!("no [structure.{name}] for the document {:?}", self.file));
        }
        problems.extend(self.file_problem());
        if self.role.trim().is_empty() || self.role.chars().any(|c| forbidden(c).is_some()) {
            problems.push(format!("the role {:?} must be one line of plain text", self.role));
        }
        problems
    }

    /// What is wrong with the entry's file name pattern: it holds `{n}` exactly when the
    /// document has originals, and makes a plain `.pdf` file name.
    fn file_problem(&self) -> Option<String> {
        let numbered = self.file.contains("{n}");
        if numbered != self.originals {
            return Some(format!(
                "the file name {:?} holds {{n}} exactly when `originals = true`",
                self.file
            ));
        }
        let name = self.file.replace("{n}", "1").replace("{total}", "2");
        if files::check_name(&name).is_err() || !name.ends_with(".pdf") {
            return Some(format!(
                "the file name {:?} must be a PDF file name of letters, digits, '.', '-' and '_'",
                self.file
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::set::TemplateSet;

    #[test]
    fn the_builtin_catalog_plans_the_documents() {
        let catalog = &TemplateSet::builtin().unwrap().catalog;
        let package = catalog.package(2);
        let names: Vec<&str> = package.iter().map(|p| p.file_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "agreement-original-1.pdf",
                "agreement-original-2.pdf",
                "council-resolution.pdf",
                "notification-united-nations.pdf",
                "notification-iom.pdf"
            ]
        );
        assert_eq!(package[1].role, "agreement, original 2 of 2");
        assert_eq!(package[1].original, Some((2, 2)));
        assert_eq!(catalog.draft()[0].file_name, "working-group-draft.pdf");
        let agreement = catalog.structure_of("agreement-original-12.pdf").unwrap();
        assert!(agreement.parts.iter().any(|p| p.name == "Article {n}"));
        assert_ne!(catalog.structure_of("council-resolution.pdf"), Some(agreement));
        assert_eq!(catalog.structure_of("agreement-original-.pdf"), None);
        let letter = catalog.structure_of("notification-iom.pdf").unwrap();
        assert_eq!(catalog.structure_of("notification-united-nations.pdf"), Some(letter));
        assert!(letter.parts.iter().any(|p| p.name == "subject"));
    }
}
