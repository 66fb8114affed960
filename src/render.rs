//! Filling the minijinja templates: config values become Typst source, as data, never as code.
//!
//! Every value printed with `{{ … }}` goes through one formatter that writes it as a Typst
//! string literal (`#"…";`), so `#`, `*`, `$`, `<`, `@`, `\` or `{{` in a config value appear
//! literally in the PDF. Only template text and macro output (which is itself template text
//! plus escaped values) reach Typst as markup. Unfilled values become `#placeholder("key");`
//! in drafts and an error in signature-ready documents.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError};

use minijinja::value::{Object, Value, ValueKind};
use minijinja::{AutoEscape, Environment, ErrorKind, Output, State, UndefinedBehavior};

use crate::catalog::{Catalog, TEMPLATES};
use crate::check::{Field, Session, Signatory};
use crate::config::Decision;
use crate::date::Date;
use crate::error::{Error, Result};

/// Suffix of the files of `templates/` that are minijinja templates.
const TEMPLATE_SUFFIX: &str = ".j2";

/// Which kind of document is being rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Working Group draft: proposed changes in red, unfilled values highlighted.
    Draft,
    /// Signature-ready: the text resulting from the decisions; nothing may be unfilled.
    Clean,
}

/// One rendered document: its template and the Typst source it produced.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Template the source came from.
    pub template: &'static str,
    /// The Typst source.
    pub source: String,
    /// Ids of the proposed amendments the template consulted.
    pub amendments: BTreeSet<String>,
}

/// A value the config leaves unfilled, named by its config key.
#[derive(Debug)]
struct Placeholder(String);

impl Object for Placeholder {}

/// The decisions on amendments for one rendering, and the ids the templates asked about.
#[derive(Debug)]
struct Decisions {
    mode: Mode,
    known: &'static [String],
    decided: BTreeMap<String, Decision>,
    seen: Mutex<BTreeSet<String>>,
}

impl Decisions {
    /// What the templates should show for amendment `id`: "draft", "accept" or "reject".
    fn lookup(&self, id: &str) -> std::result::Result<&'static str, minijinja::Error> {
        if !self.known.iter().any(|known| known == id) {
            return Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("amendment {id} is not listed in the catalog's amendments"),
            ));
        }
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).insert(id.to_string());
        match (self.mode, self.decided.get(id)) {
            (Mode::Draft, _) => Ok("draft"),
            (Mode::Clean, Some(Decision::Accept)) => Ok("accept"),
            (Mode::Clean, Some(Decision::Reject)) => Ok("reject"),
            (Mode::Clean, _) => Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("amendment {id} is not decided (accept or reject)"),
            )),
        }
    }
}

/// Renders the template `name` for `session` in `mode`; `original` is (number, total) for an
/// original of the agreement.
pub fn render(
    name: &'static str,
    session: &Session,
    mode: Mode,
    original: Option<(u32, u32)>,
) -> Result<Rendered> {
    let catalog = Catalog::get()?;
    render_from(TEMPLATES, &catalog.amendments, name, session, mode, original)
}

/// [`render`] with the given templates (name, source) and amendment ids.
fn render_from(
    templates: &[(&'static str, &'static str)],
    known: &'static [String],
    name: &'static str,
    session: &Session,
    mode: Mode,
    original: Option<(u32, u32)>,
) -> Result<Rendered> {
    let decisions = Arc::new(Decisions {
        mode,
        known,
        decided: session.amendments.clone(),
        seen: Mutex::new(BTreeSet::new()),
    });
    let env = environment(templates, mode, Arc::clone(&decisions))?;
    let mut ctx = context(session, mode);
    if let Some((number, total)) = original {
        ctx.insert("original", Value::from_iter([("number", number), ("total", total)]));
    }
    let source = env
        .get_template(name)
        .and_then(|t| t.render(Value::from(ctx)))
        .map_err(|e| template_error(&e, templates))?;
    let amendments =
        std::mem::take(&mut *decisions.seen.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(Rendered { template: name, source, amendments })
}

/// The environment: `templates`, strict undefined, the escaping formatter.
fn environment(
    templates: &[(&'static str, &'static str)],
    mode: Mode,
    decisions: Arc<Decisions>,
) -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_auto_escape_callback(|_| AutoEscape::Custom("typst"));
    env.set_formatter(move |out, state, value| format_value(out, state, value, mode));
    env.add_test("placeholder", |v: Value| v.downcast_object_ref::<Placeholder>().is_some());
    env.add_function("decision", move |id: String| decisions.lookup(&id));
    for (name, source) in templates.iter().filter(|(name, _)| name.ends_with(TEMPLATE_SUFFIX)) {
        env.add_template(name, source).map_err(|e| template_error(&e, templates))?;
    }
    Ok(env)
}

/// Writes one `{{ value }}` into the Typst source.
fn format_value(
    out: &mut Output,
    _state: &State,
    value: &Value,
    mode: Mode,
) -> std::result::Result<(), minijinja::Error> {
    let text = if value.is_safe() {
        value.as_str().unwrap_or_default().to_string()
    } else if let Some(Placeholder(key)) = value.downcast_object_ref::<Placeholder>() {
        if mode == Mode::Clean {
            return Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("{key} is unfilled in a signature-ready document"),
            ));
        }
        format!("#placeholder({});", typst_string(key))
    } else {
        match value.kind() {
            ValueKind::Number => value.to_string(),
            ValueKind::String => format!("#{};", typst_string(value.as_str().unwrap_or_default())),
            kind => {
                return Err(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!("cannot print a {kind} value into a document"),
                ))
            }
        }
    };
    out.write_str(&text).map_err(|e| minijinja::Error::new(ErrorKind::WriteFailure, e.to_string()))
}

/// `text` as a Typst string literal: quoted, with `\`, `"` and control characters escaped.
pub fn typst_string(text: &str) -> String {
    let mut lit = String::with_capacity(text.len() + 2);
    lit.push('"');
    for c in text.chars() {
        match c {
            '\\' => lit.push_str("\\\\"),
            '"' => lit.push_str("\\\""),
            '\n' => lit.push_str("\\n"),
            '\r' => lit.push_str("\\r"),
            '\t' => lit.push_str("\\t"),
            c if c.is_control() => lit.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => lit.push(c),
        }
    }
    lit.push('"');
    lit
}

/// A template error as one plain message with the template's name and line, and the failing
/// expression when the error knows its place in `templates` (e.g. which value is undefined).
fn template_error(err: &minijinja::Error, templates: &[(&str, &str)]) -> Error {
    let place = match (err.name(), err.line()) {
        (Some(name), Some(line)) => format!("templates/{name}:{line}: "),
        (Some(name), None) => format!("templates/{name}: "),
        _ => String::new(),
    };
    let detail = err.detail().map(|d| format!(": {d}")).unwrap_or_default();
    let source = templates.iter().find(|(name, _)| Some(*name) == err.name()).map(|(_, s)| *s);
    let at = match (source, err.range()) {
        (Some(source), Some(range)) => source
            .get(range)
            .filter(|text| !text.contains('\n'))
            .map(|text| format!(" in `{text}`"))
            .unwrap_or_default(),
        _ => String::new(),
    };
    Error::typesetting(format!("{place}template error: {}{detail}{at}", err.kind()))
}

/// The values the templates see, with unfilled ones as placeholders named by their key.
fn context(session: &Session, mode: Mode) -> BTreeMap<&'static str, Value> {
    let signatory =
        |s: &Signatory| Value::from_iter([("name", text(&s.name)), ("title", text(&s.title))]);
    let s = &session.signing;
    let c = &session.council;
    let revised = match c.revised_agenda.value {
        Some(flag) => Value::from(flag),
        None => placeholder(&c.revised_agenda.key),
    };
    // A number the wording cannot spell shows as its key, like a blank.
    let originals = s.originals.value.map_or_else(|| placeholder(&s.originals.key), Value::from);
    let languages: Vec<Value> = s.languages.iter().map(text).collect();
    BTreeMap::from([
        ("draft", Value::from(mode == Mode::Draft)),
        ("pdf_date", date_value(session.pdf_date(mode == Mode::Draft))),
        (
            "signing",
            Value::from_iter([
                ("date", date(&s.date)),
                ("place", text(&s.place)),
                ("originals", originals),
                ("languages", Value::from(languages)),
            ]),
        ),
        (
            "signatories",
            Value::from_iter([
                ("united_nations", signatory(&session.united_nations)),
                ("iom", signatory(&session.iom)),
            ]),
        ),
        (
            "council",
            Value::from_iter([
                ("session", text(&c.session)),
                ("session_symbol", text(&c.session_symbol)),
                ("agenda_item", text(&c.agenda_item)),
                ("revised_agenda", revised),
                ("proposal_symbol", text(&c.proposal_symbol)),
            ]),
        ),
        (
            "working_group",
            Value::from_iter([
                ("meeting", text(&session.working_group.meeting)),
                ("date", date(&session.working_group.date)),
            ]),
        ),
    ])
}

fn placeholder(key: &str) -> Value {
    Value::from_object(Placeholder(key.to_string()))
}

/// A text value, or its placeholder.
fn text(field: &Field<String>) -> Value {
    field.value.as_deref().map_or_else(|| placeholder(&field.key), Value::from)
}

/// A date as day, month and year, or a placeholder for each.
fn date(field: &Field<Date>) -> Value {
    match field.value {
        Some(d) => date_value(d),
        None => Value::from_iter(
            ["day", "month", "year"]
                .map(|part| (part, placeholder(&format!("{} ({part})", field.key)))),
        ),
    }
}

fn date_value(d: Date) -> Value {
    Value::from_iter([("day", d.day as u16), ("month", d.month as u16), ("year", d.year)])
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::{render, render_from, typst_string, Mode};
    use crate::catalog::Catalog;
    use crate::check::{check, Session};
    use crate::config::Loaded;

    const EXAMPLE: &str = include_str!("../config/un-iom-2016.toml");

    /// The session of the example config with `from` replaced by `to`.
    fn session(from: &str, to: &str) -> Session {
        let text = EXAMPLE.replace(from, to);
        let loaded = Loaded::parse(Path::new("example.toml"), text.into_bytes()).unwrap();
        check(&loaded, Catalog::get().unwrap()).session
    }

    /// The message of rendering `source` as the only template, `t.typ.j2`, for the example.
    fn template_failure(source: &'static str) -> String {
        let known = &Catalog::get().unwrap().amendments;
        let session = session("", "");
        let err =
            render_from(&[("t.typ.j2", source)], known, "t.typ.j2", &session, Mode::Clean, None)
                .expect_err("the template must not render");
        assert_eq!(err.kind, crate::error::Kind::Typesetting);
        err.message
    }

    #[test]
    fn template_syntax_error_names_template_and_line() {
        let message = template_failure("#import \"style.typ\": *\n{% if draft %}\nno endif\n");
        assert!(
            message.starts_with("templates/t.typ.j2:2: template error: syntax error"),
            "{message}"
        );
    }

    #[test]
    fn undefined_variable_is_an_error_never_an_empty_string() {
        for (source, expression) in [
            ("first line\nSigned at {{ signing.plaec }}.\n", "signing.plaec"),
            ("first line\nSigned at {{ nowhere }}.\n", "nowhere"),
            ("first line\n{% if nowhere %}x{% endif %}\n", "nowhere"),
            ("first line\n{{ signing.place.missing }}\n", "place.missing"),
        ] {
            let message = template_failure(source);
            assert!(
                message.starts_with("templates/t.typ.j2:2: template error: undefined value"),
                "{source:?}: {message}"
            );
            assert!(message.contains(&format!("{expression}`")), "{source:?}: {message}");
        }
    }

    fn agreement_signed_on(date: &str) -> String {
        let session = session("2016-09-19", date);
        render("agreement.typ.j2", &session, Mode::Clean, Some((1, 2))).unwrap().source
    }

    #[test]
    fn ordinals_of_the_signing_day() {
        for (day, ordinal) in [
            (1, "1st"),
            (2, "2nd"),
            (3, "3rd"),
            (4, "4th"),
            (11, "11th"),
            (12, "12th"),
            (13, "13th"),
            (21, "21st"),
            (22, "22nd"),
            (23, "23rd"),
            (31, "31st"),
        ] {
            let source = agreement_signed_on(&format!("2016-12-{day:02}"));
            let expected = format!("Signed this {ordinal} day of #\"December\"; 2016 at");
            assert!(source.contains(&expected), "day {day}: no {expected:?}");
        }
    }

    #[test]
    fn values_become_string_literals_with_everything_escaped() {
        assert_eq!(typst_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(typst_string("l1\nl2\r\t\u{7}"), r#""l1\nl2\r\t\u{7}""#);
        assert_eq!(typst_string("#read(\"/x\") {{ y }}"), r##""#read(\"/x\") {{ y }}""##);
    }

    #[test]
    fn every_template_value_is_printed_as_a_literal() {
        let source = agreement_signed_on("2016-09-19");
        assert!(source.contains(r##"at #"New York"; in"##), "{source}");
        assert!(source.contains(r##"[#"Ban Ki-moon";]"##));
    }

    /// `accord build` relies on this for speed: typst reuses original 1's layout for original
    /// 2 only if their bodies are identical. A per-original value passed to `setup` (or set
    /// anywhere else) would change the styles of the whole body and defeat that.
    #[test]
    fn originals_differ_only_in_the_footer_note_metadata() {
        let session = session("", "");
        let original = |n| {
            let source =
                render("agreement.typ.j2", &session, Mode::Clean, Some((n, 2))).unwrap().source;
            let note = format!("#metadata[Original {n} of 2] <accord-footer-note>\n");
            assert_eq!(source.matches(&note).count(), 1, "{note} in\n{source}");
            source.replace(&note, "")
        };
        assert_eq!(original(1), original(2));
    }

    #[test]
    fn the_templates_consult_exactly_the_catalogs_amendments() {
        let catalog = Catalog::get().unwrap();
        let draft = &catalog.draft()[0];
        let seen = render(draft.template, &session("", ""), Mode::Draft, None).unwrap().amendments;
        let listed: BTreeSet<String> = catalog.amendments.iter().cloned().collect();
        assert_eq!(seen, listed);
        let err = render_from(
            &[("t.typ.j2", "{{ decision(\"art99\") }}")],
            &catalog.amendments,
            "t.typ.j2",
            &session("", ""),
            Mode::Draft,
            None,
        )
        .unwrap_err();
        assert!(err.message.contains("amendment art99 is not listed in the catalog"), "{err}");
    }

    #[test]
    fn the_wording_spells_every_number_of_originals_the_catalog_allows() {
        let catalog = Catalog::get().unwrap();
        let max = catalog.max_originals;
        let at_max = session("originals = 2", &format!("originals = {max}"));
        let agreement = catalog.package(max)[0].template;
        let source = render(agreement, &at_max, Mode::Clean, Some((max, max))).unwrap().source;
        assert!(source.contains(" originals in the #\"English\"; language"), "{source}");
        let beyond = session("originals = 2", &format!("originals = {}", max + 1));
        assert!(beyond.signing.originals.value.is_none(), "check refuses {}", max + 1);
    }
}
