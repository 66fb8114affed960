//! From a config to typeset documents: the checked session, the documents the set makes for
//! it, rendered and typeset together, and what a package records of how they were made. A
//! flaw of the layout is named by the field whose value caused it, found by where the value
//! lies in the rendered source (not by its text, which another field may share).

use std::path::Path;

use crate::chars::Shown as _;
use crate::check::{self, Session};
use crate::config::Loaded;
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::package::{Document, Provenance};
use crate::render::{self, Mode, Rendered};
use crate::set::{Planned, TemplateSet};
use crate::typeset::{self, Flaw, FlawKind, Job, Outcome, Style, TYPST_VERSION};

/// The session of `loaded`; refuses a signature-ready build on any problem, a draft only on
/// invalid values.
pub fn session(loaded: &Loaded, set: &TemplateSet, mode: Mode) -> Result<Session> {
    let checked = check::check(loaded, set);
    let problems: Vec<String> = checked
        .problems
        .into_iter()
        .filter(|p| mode == Mode::Clean || p.invalid)
        .map(|p| format!("  {p}"))
        .collect();
    if problems.is_empty() {
        return Ok(checked.session);
    }
    let what = match mode {
        Mode::Clean | Mode::Preview => "is not signature-ready",
        Mode::Draft => "has invalid values",
    };
    Err(Error::failed(format!(
        "{} {what}; nothing was written:\n{}",
        loaded.path.shown(),
        problems.join("\n")
    )))
}

/// The documents `set` makes for `session` in `mode`: the package's (one per original of
/// each document that has originals), or the draft's.
pub fn plan(set: &TemplateSet, session: &Session, mode: Mode) -> Vec<Planned> {
    match mode {
        Mode::Draft => set.catalog.draft(),
        Mode::Clean | Mode::Preview => {
            set.catalog.package(session.originals(set.catalog.originals_field.as_deref()))
        }
    }
}

/// The date of the PDFs of `session` in `mode`.
pub fn pdf_date(set: &TemplateSet, session: &Session, mode: Mode) -> crate::date::Date {
    match mode {
        Mode::Draft => session.pdf_date(&set.catalog.draft_date),
        Mode::Clean | Mode::Preview => session.pdf_date(&set.catalog.package_date),
    }
}

/// Every planned document of `session` rendered, in order.
pub fn render_all(
    set: &TemplateSet,
    session: &Session,
    planned: &[Planned],
    mode: Mode,
) -> Result<Vec<Rendered>> {
    planned.iter().map(|p| render::render(set, &p.template, session, mode, p.original)).collect()
}

/// Renders and typesets the `planned` documents of `session`; a flaw in any of them refuses
/// them all (exit 1), each flaw named with the field it comes from. With `dump`, the Typst
/// sources are also written there.
pub fn documents(
    set: &TemplateSet,
    session: &Session,
    planned: &[Planned],
    mode: Mode,
    dump: Option<&Path>,
) -> Result<Vec<Document>> {
    if planned.is_empty() {
        let what =
            if mode == Mode::Draft { "no draft ([[draft]] in its catalog)" } else { "no document" };
        return Err(Error::usage(format!("{} makes {what}", set.describe())));
    }
    let rendered = render_all(set, session, planned, mode)?;
    if let Some(dir) = dump {
        dump_sources(dir, set, planned, &rendered)?;
    }
    typeset_rendered(set, &session.id, planned, &rendered, pdf_date(set, session, mode))
}

/// Typesets the `rendered` sources of the `planned` documents of package `id`, dated `date`;
/// a flaw in any of them refuses them all (exit 1), each flaw named with the field it comes
/// from.
pub fn typeset_rendered(
    set: &TemplateSet,
    id: &str,
    planned: &[Planned],
    rendered: &[Rendered],
    date: crate::date::Date,
) -> Result<Vec<Document>> {
    let jobs: Vec<Job<'_>> = planned
        .iter()
        .zip(rendered)
        .map(|(p, r)| Job {
            name: format!("{id}/{}", p.file_name),
            source: &r.source,
            group: &p.template,
        })
        .collect();
    let (style_name, style_source) = set.style();
    let style = Style { name: style_name, source: style_source };
    let outcomes = typeset::typeset_each(&jobs, style, date)?;
    let mut documents = Vec::with_capacity(planned.len());
    let mut flaws = Vec::new();
    for ((p, r), outcome) in planned.iter().zip(rendered).zip(outcomes) {
        match outcome {
            Outcome::Printed(t) => documents.push(Document {
                file_name: p.file_name.clone(),
                role: p.role.clone(),
                pages: t.pages,
                pdf: t.pdf,
            }),
            Outcome::Flawed(found) => flaws.extend(found.into_iter().map(|f| (p, r, f))),
        }
    }
    if flaws.is_empty() {
        return Ok(documents);
    }
    Err(Error::failed(flaw_lines(&flaws).join("\n")))
}

/// One line per flaw of the documents, naming the config value it comes from (file:line:col
/// and key) when it comes from one, and the documents it is in (every original has it).
fn flaw_lines(flaws: &[(&Planned, &Rendered, Flaw)]) -> Vec<String> {
    let mut lines: Vec<(String, Vec<&str>)> = Vec::new();
    for (planned, rendered, flaw) in flaws {
        let advice = match flaw.kind {
            FlawKind::Overflow { .. } => "shorten it, or break the word with a space or a hyphen",
            FlawKind::ScatteredMarks => "write the letter another way, or without that mark",
        };
        let placed = flaw.source.as_ref().and_then(|range| rendered.value_at(range.start));
        let head = placed.map(|v| format!("{}: {}: ", v.location, v.key)).unwrap_or_default();
        let line = format!("{head}{flaw}; {advice}");
        match lines.iter_mut().find(|(l, _)| *l == line) {
            Some((_, files)) => files.push(&planned.file_name),
            None => lines.push((line, vec![&planned.file_name])),
        }
    }
    lines.into_iter().map(|(line, files)| format!("{line} (in {})", files.join(", "))).collect()
}

/// What the package of `loaded`'s `session`, made with `set`, records of how it was made.
pub fn provenance(set: &TemplateSet, loaded: &Loaded, session: &Session) -> Provenance {
    Provenance {
        package_id: session.id.clone(),
        supersedes: session.supersedes.clone(),
        config_sha256: sha256_hex(loaded.text.as_bytes()),
        templates: set.hashes(),
        accord_version: env!("CARGO_PKG_VERSION").to_string(),
        typst_version: TYPST_VERSION.to_string(),
        certifies: None,
    }
}

/// Writes the generated Typst sources (and the style) for inspection or `typst compile`.
fn dump_sources(
    dir: &Path,
    set: &TemplateSet,
    planned: &[Planned],
    rendered: &[Rendered],
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))
    };
    let (style_name, style_source) = set.style();
    write(style_name, style_source)?;
    for (p, r) in planned.iter().zip(rendered) {
        write(&p.file_name.replace(".pdf", ".typ"), &r.source)?;
    }
    Ok(())
}
