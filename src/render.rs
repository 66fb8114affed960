//! Filling the minijinja templates of a set: session values become Typst source, as data,
//! never as code, and each keeps its identity.
//!
//! Every value printed with `{{ … }}` goes through one formatter that writes it as a Typst
//! string literal (`#"…";`), so `#`, `*`, `$`, `<`, `@`, `\` or `{{` in a config value appear
//! literally in the PDF. Only template text and macro output (which is itself template text
//! plus escaped values) reach Typst as markup. Unfilled values become `#placeholder("key");`
//! in drafts and an error in signature-ready documents.
//!
//! **Identity.** The context holds each text value of the session as a string of its own (one
//! allocation each, which minijinja passes along by reference through attributes, loops and
//! macro arguments), so the formatter knows which field a string it prints comes from, even
//! when two fields hold the same text. It writes a marker around each such literal (control
//! characters, which neither an escaped value nor a template of a set can hold), and the
//! markers are taken out of the source once the template is rendered, leaving the byte range
//! of every value in [`Rendered::values`]: a flaw of the layout is then named by the exact
//! field, and a click in a preview finds it. The source, and so the PDF, is the same as
//! without markers.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use minijinja::value::{Object, Value as JinjaValue, ValueKind};
use minijinja::{AutoEscape, Environment, ErrorKind, Output, State, UndefinedBehavior};

use crate::chars::Shown as _;
use crate::check::{Field, Session, Value};
use crate::config::Decision;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::location::Location;
use crate::set::{FieldSpec, Kind, Literal, TemplateSet, DATE_PARTS};

/// Starts a marked value: `START index MIDDLE literal END`.
const START: char = '\u{1}';
const MIDDLE: char = '\u{2}';
const END: char = '\u{3}';

/// Which kind of document is being rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Draft: proposed changes shown, unfilled values highlighted.
    Draft,
    /// Signature-ready: the text resulting from the decisions; nothing may be unfilled.
    Clean,
    /// The workbench's preview of a signature-ready document still being filled: the text
    /// resulting from the decisions made, undecided changes in red, unfilled values
    /// highlighted as in the draft.
    Preview,
}

/// One rendered document: its template, the Typst source it produced, and where each value
/// of the session is in that source.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Template the source came from.
    pub template: String,
    /// The Typst source.
    pub source: String,
    /// Ids of the proposed amendments the template consulted.
    pub amendments: BTreeSet<String>,
    /// Every value (or placeholder) of the session written into the source, in order.
    pub values: Vec<Placed>,
}

/// A value of the session written into a rendered source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The bytes of the source it occupies (its whole string literal, or placeholder).
    pub range: Range<usize>,
    /// The config key of its field.
    pub key: String,
    /// Where the value is written in the config (an item of a list: the item).
    pub location: Location,
}

impl Rendered {
    /// The value of the session that byte `at` of the source belongs to, if any.
    pub fn value_at(&self, at: usize) -> Option<&Placed> {
        self.values.iter().find(|v| v.range.contains(&at))
    }
}

/// A value the session leaves unfilled: its config key (with a date's part) and its field;
/// in the workbench's preview, what to type instead: the field's label, the date's part and
/// the field's example.
#[derive(Debug)]
struct Placeholder {
    key: String,
    field: usize,
    label: String,
    part: Option<&'static str>,
    example: Option<String>,
}

impl Object for Placeholder {}

/// The fields of the context whose values the formatter marks, and which string is whose.
#[derive(Debug, Default)]
struct Marks {
    /// (key, location) of each field, by index.
    fields: Vec<(String, Location)>,
    /// (address, length) of each text value's string → its field's index.
    strings: HashMap<(usize, usize), usize>,
}

impl Marks {
    /// A field's index, for marking it.
    fn field(&mut self, field: &Field) -> usize {
        self.fields.push((field.key.clone(), field.location.clone()));
        self.fields.len() - 1
    }

    /// The field a printed string comes from, if it is one of the context's own values.
    fn of(&self, value: &JinjaValue) -> Option<usize> {
        let text = value.as_str()?;
        self.strings.get(&(text.as_ptr() as usize, text.len())).copied()
    }
}

/// The decisions on amendments for one rendering, and the ids the templates asked about.
#[derive(Debug)]
struct Decisions {
    mode: Mode,
    known: Vec<String>,
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
            (Mode::Clean | Mode::Preview, Some(Decision::Accept)) => Ok("accept"),
            (Mode::Clean | Mode::Preview, Some(Decision::Reject)) => Ok("reject"),
            (Mode::Preview, _) => Ok("draft"),
            (Mode::Clean, _) => Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("amendment {id} is not decided (accept or reject)"),
            )),
        }
    }
}

/// What a certified document is rendered with besides the session: the certification's
/// values, and what it certifies (`copy` in a certified copy, `copies` in the statement),
/// each a table of texts by name.
#[derive(Debug, Clone, Copy)]
pub struct Certified<'a> {
    /// The certification's declared fields.
    pub specs: &'a [FieldSpec],
    /// The certification's checked values.
    pub values: &'a Session,
    /// What a certified copy certifies.
    pub copy: Option<&'a BTreeMap<String, String>>,
    /// The certified copies the statement accompanies.
    pub copies: &'a [BTreeMap<String, String>],
    /// The date of the PDFs.
    pub pdf_date: Date,
}

/// Renders the template `name` of `set` for `session` in `mode`; `original` is (number,
/// total) for an original.
pub fn render(
    set: &TemplateSet,
    name: &str,
    session: &Session,
    mode: Mode,
    original: Option<(u32, u32)>,
) -> Result<Rendered> {
    render_with(set, name, session, mode, original, None)
}

/// Renders the certified document of template `name` of `set` for `session` and
/// `certified`; `original` is (number, total) for the copy of an original.
pub fn render_certified(
    set: &TemplateSet,
    name: &str,
    session: &Session,
    original: Option<(u32, u32)>,
    certified: Certified<'_>,
) -> Result<Rendered> {
    render_with(set, name, session, Mode::Clean, original, Some(certified))
}

fn render_with(
    set: &TemplateSet,
    name: &str,
    session: &Session,
    mode: Mode,
    original: Option<(u32, u32)>,
    certified: Option<Certified<'_>>,
) -> Result<Rendered> {
    let decisions = Arc::new(Decisions {
        mode,
        known: set.catalog.amendments.iter().map(|a| a.id.clone()).collect(),
        decided: session.amendments.clone(),
        seen: Mutex::new(BTreeSet::new()),
    });
    let mut marks = Marks::default();
    let mut ctx = context(set.fields.all(), session, &mut marks);
    ctx.insert("draft".into(), JinjaValue::from(mode == Mode::Draft));
    let dates =
        if mode == Mode::Draft { &set.catalog.draft_date } else { &set.catalog.package_date };
    ctx.insert("pdf_date".into(), date_value(session.pdf_date(dates)));
    ctx.insert("copy".into(), JinjaValue::from(()));
    ctx.insert("copies".into(), JinjaValue::from(Vec::<JinjaValue>::new()));
    if let Some(certified) = certified {
        ctx.extend(context(certified.specs, certified.values, &mut marks));
        ctx.insert("pdf_date".into(), date_value(certified.pdf_date));
        if let Some(copy) = certified.copy {
            ctx.insert("copy".into(), JinjaValue::from_serialize(copy));
        }
        ctx.insert("copies".into(), JinjaValue::from_serialize(certified.copies));
    }
    if let Some((number, total)) = original {
        let original = JinjaValue::from_iter([("number", number), ("total", total)]);
        ctx.insert("original".into(), original);
    }
    let marks = Arc::new(marks);
    let env = environment(set, mode, Arc::clone(&decisions), Arc::clone(&marks))?;
    let marked = env
        .get_template(name)
        .and_then(|t| t.render(JinjaValue::from(ctx)))
        .map_err(|e| template_error(&e, set))?;
    let (source, values) = unmark(&marked, &marks)?;
    let amendments =
        std::mem::take(&mut *decisions.seen.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(Rendered { template: name.to_string(), source, amendments, values })
}

/// The environment: the set's templates, strict undefined, the escaping formatter.
fn environment(
    set: &TemplateSet,
    mode: Mode,
    decisions: Arc<Decisions>,
    marks: Arc<Marks>,
) -> Result<Environment<'_>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_auto_escape_callback(|_| AutoEscape::Custom("typst"));
    env.set_formatter(move |out, state, value| format_value(out, state, value, mode, &marks));
    env.add_test("placeholder", |v: JinjaValue| v.downcast_object_ref::<Placeholder>().is_some());
    env.add_function("decision", move |id: String| decisions.lookup(&id));
    for (name, source) in set.templates() {
        env.add_template(name, source).map_err(|e| template_error(&e, set))?;
    }
    Ok(env)
}

/// Writes one `{{ value }}` into the Typst source, marked when it is a value of the session.
fn format_value(
    out: &mut Output,
    _state: &State,
    value: &JinjaValue,
    mode: Mode,
    marks: &Marks,
) -> std::result::Result<(), minijinja::Error> {
    let (text, field) = if value.is_safe() {
        (value.as_str().unwrap_or_default().to_string(), None)
    } else if let Some(unfilled) = value.downcast_object_ref::<Placeholder>() {
        let Placeholder { key, field, label, part, example } = unfilled;
        let call = match mode {
            Mode::Clean => {
                return Err(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!("{key} is unfilled in a signature-ready document"),
                ))
            }
            // The workbench says what to type, in the style's words.
            Mode::Preview => {
                let or_none = |text: Option<&str>| text.map_or_else(|| "none".into(), typst_string);
                let (part, example) = (or_none(*part), or_none(example.as_deref()));
                format!("#hint({}, {part}, {example});", typst_string(label))
            }
            Mode::Draft => format!("#placeholder({});", typst_string(key)),
        };
        (call, Some(*field))
    } else {
        match value.kind() {
            ValueKind::Number => (value.to_string(), None),
            ValueKind::String => {
                let literal = format!("#{};", typst_string(value.as_str().unwrap_or_default()));
                (literal, marks.of(value))
            }
            kind => {
                return Err(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!("cannot print a {kind} value into a document"),
                ))
            }
        }
    };
    let text = match field {
        Some(field) => format!("{START}{field}{MIDDLE}{text}{END}"),
        None => text,
    };
    out.write_str(&text).map_err(|e| minijinja::Error::new(ErrorKind::WriteFailure, e.to_string()))
}

/// `marked` without its markers, and the place of every marked value.
fn unmark(marked: &str, marks: &Marks) -> Result<(String, Vec<Placed>)> {
    let broken = || Error::internal("rendering lost track of a value (a marker is broken)");
    let mut source = String::with_capacity(marked.len());
    let mut values = Vec::new();
    let mut rest = marked;
    while let Some(at) = rest.find(START) {
        source.push_str(&rest[..at]);
        let after = &rest[at + START.len_utf8()..];
        let (index, after) = after.split_once(MIDDLE).ok_or_else(broken)?;
        let (literal, after) = after.split_once(END).ok_or_else(broken)?;
        let (key, location) =
            index.parse::<usize>().ok().and_then(|i| marks.fields.get(i)).ok_or_else(broken)?;
        if literal.contains([START, MIDDLE]) {
            return Err(broken());
        }
        let start = source.len();
        source.push_str(literal);
        values.push(Placed {
            range: start..source.len(),
            key: key.clone(),
            location: location.clone(),
        });
        rest = after;
    }
    source.push_str(rest);
    if source.contains([MIDDLE, END]) {
        return Err(broken());
    }
    Ok((source, values))
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

/// A template error as one plain message with the template's path and line, and the failing
/// expression when the error knows its place (e.g. which value is undefined); for an error in
/// an included template, the included template's.
fn template_error(err: &minijinja::Error, set: &TemplateSet) -> Error {
    let mut err = err;
    while let Some(inner) =
        std::error::Error::source(err).and_then(|e| e.downcast_ref::<minijinja::Error>())
    {
        err = inner;
    }
    let path = err.name().map(|name| set.path_of(name).shown());
    let place = match (path, err.line()) {
        (Some(path), Some(line)) => format!("{path}:{line}: "),
        (Some(path), None) => format!("{path}: "),
        _ => String::new(),
    };
    let detail = err.detail().map(|d| format!(": {d}")).unwrap_or_default();
    let source = err.name().and_then(|name| set.text(name));
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

/// The values the templates see of the fields `specs`, nested by key path: each declared
/// field's value, a placeholder when it is unfilled, none when an optional field is left out.
fn context(
    specs: &[FieldSpec],
    session: &Session,
    marks: &mut Marks,
) -> BTreeMap<String, JinjaValue> {
    let mut tree = Tree::default();
    for spec in specs {
        let value = match session.get(&spec.key) {
            Some(field) => value(field, &spec.kind, spec, marks),
            None => JinjaValue::from(()),
        };
        tree.insert(&spec.key, value);
    }
    tree.into_map()
}

/// Nested tables of values, built key by key.
#[derive(Default)]
struct Tree {
    values: BTreeMap<String, JinjaValue>,
    tables: BTreeMap<String, Tree>,
}

impl Tree {
    fn insert(&mut self, key: &str, value: JinjaValue) {
        match key.split_once('.') {
            Some((table, rest)) => {
                self.tables.entry(table.to_string()).or_default().insert(rest, value)
            }
            None => {
                self.values.insert(key.to_string(), value);
            }
        }
    }

    fn into_map(self) -> BTreeMap<String, JinjaValue> {
        let mut map = self.values;
        map.extend(self.tables.into_iter().map(|(k, t)| (k, JinjaValue::from(t.into_map()))));
        map
    }
}

/// The value of one field of `kind` (declared as `spec`) as the templates see it.
fn value(field: &Field, kind: &Kind, spec: &FieldSpec, marks: &mut Marks) -> JinjaValue {
    let index = marks.field(field);
    let placeholder = |key: String, part: Option<&'static str>| {
        let example = match (part, &spec.example) {
            (None, Some(Literal::Text(text))) => Some(text.clone()),
            (None, Some(Literal::List(items))) => match items.first() {
                Some(Literal::Text(text)) => Some(text.clone()),
                _ => None,
            },
            _ => None,
        };
        let label = spec.label.clone();
        JinjaValue::from_object(Placeholder { key, field: index, label, part, example })
    };
    match &field.value {
        Some(Value::Text(text)) => {
            // A string of its own (never minijinja's inline small string), found by address.
            let text: Arc<str> = Arc::from(text.as_str());
            if !text.is_empty() {
                marks.strings.insert((text.as_ptr() as usize, text.len()), index);
            }
            JinjaValue::from(text)
        }
        Some(Value::Date(date)) => date_value(*date),
        Some(Value::Integer(n)) => JinjaValue::from(*n),
        Some(Value::Bool(b)) => JinjaValue::from(*b),
        Some(Value::List(items)) => {
            let item_kind = match kind {
                Kind::List(list) => &*list.items,
                kind => kind,
            };
            items.iter().map(|item| value(item, item_kind, spec, marks)).collect()
        }
        None if *kind == Kind::Date => JinjaValue::from_iter(
            DATE_PARTS
                .map(|part| (part, placeholder(format!("{} ({part})", field.key), Some(part)))),
        ),
        None => placeholder(field.key.clone(), None),
    }
}

fn date_value(d: Date) -> JinjaValue {
    JinjaValue::from_iter([("day", d.day as u16), ("month", d.month as u16), ("year", d.year)])
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::{render, typst_string, Mode, Rendered};
    use crate::check::{check, Session};
    use crate::config::Loaded;
    use crate::set::{SetFile, TemplateSet};

    const EXAMPLE: &str = include_str!("../config/un-iom-2016.toml");

    fn builtin() -> &'static TemplateSet {
        TemplateSet::builtin().unwrap()
    }

    /// The session of the example config with `from` replaced by `to`.
    fn session(from: &str, to: &str) -> Session {
        let text = EXAMPLE.replace(from, to);
        let loaded = Loaded::parse(Path::new("example.toml"), text.into_bytes(), &builtin().fields);
        check(&loaded.unwrap(), builtin()).session
    }

    /// The built-in set with one more template, `t.typ.j2`.
    fn with_template(source: &str) -> TemplateSet {
        let mut files = TemplateSet::builtin_files();
        files.push(SetFile { name: "t.typ.j2".into(), text: source.into() });
        TemplateSet::from_files(None, files).unwrap()
    }

    fn agreement(session: &Session, mode: Mode) -> Rendered {
        render(builtin(), "agreement.typ.j2", session, mode, Some((1, 2))).unwrap()
    }

    #[test]
    fn a_value_read_in_a_way_the_set_check_cannot_see_is_still_never_an_empty_string() {
        let set = with_template("first line\nSigned at {{ signing[\"plaec\"] }}.\n");
        let err = render(&set, "t.typ.j2", &session("", ""), Mode::Clean, None).unwrap_err();
        assert_eq!(err.kind, crate::error::Kind::Typesetting);
        assert!(
            err.message.starts_with("templates/t.typ.j2:2: template error: undefined value"),
            "{err}"
        );
    }

    fn agreement_signed_on(date: &str) -> String {
        agreement(&session("2016-09-19", date), Mode::Clean).source
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

    #[test]
    fn each_value_keeps_its_field_even_when_two_fields_hold_the_same_text() {
        let same = session("\"Director General\"", "\"Secretary-General\"");
        let rendered = agreement(&same, Mode::Clean);
        assert!(!rendered.source.contains(['\u{1}', '\u{2}', '\u{3}']));
        let titles: Vec<(&str, &str)> = rendered
            .values
            .iter()
            .map(|v| (v.key.as_str(), &rendered.source[v.range.clone()]))
            .filter(|(_, text)| text.contains("Secretary-General"))
            .collect();
        assert_eq!(
            titles,
            [
                ("signatories.united_nations.title", "#\"Secretary-General\";"),
                ("signatories.iom.title", "#\"Secretary-General\";"),
            ]
        );
        let place = rendered.source.find("#\"New York\";").unwrap();
        let placed = rendered.value_at(place + 3).unwrap();
        assert_eq!((placed.key.as_str(), placed.location.line), ("signing.place", 15));
        // Template text that prints the same string is no value of the session.
        let month = rendered.source.find("#\"September\";").unwrap();
        assert_eq!(rendered.value_at(month), None);
    }

    #[test]
    fn an_unfilled_value_is_a_marked_placeholder_in_a_draft() {
        let unfilled = session("\"New York\"", "\"xx\"");
        let draft = render(builtin(), "working-group-draft.typ.j2", &unfilled, Mode::Draft, None);
        let draft = draft.unwrap();
        let placeholder = draft.values.iter().find(|v| v.key == "signing.place").unwrap();
        assert_eq!(&draft.source[placeholder.range.clone()], "#placeholder(\"signing.place\");");
        let err = render(builtin(), "agreement.typ.j2", &unfilled, Mode::Clean, Some((1, 2)));
        assert!(err.unwrap_err().message.contains("signing.place is unfilled"));
    }

    /// `accord build` relies on this for speed: typst reuses original 1's layout for original
    /// 2 only if their bodies are identical. A per-original value passed to `setup` (or set
    /// anywhere else) would change the styles of the whole body and defeat that.
    #[test]
    fn originals_differ_only_in_the_footer_note_metadata() {
        let session = session("", "");
        let original = |n| {
            let source = render(builtin(), "agreement.typ.j2", &session, Mode::Clean, Some((n, 2)))
                .unwrap()
                .source;
            let note = format!("#metadata[Original {n} of 2] <accord-footer-note>\n");
            assert_eq!(source.matches(&note).count(), 1, "{note} in\n{source}");
            source.replace(&note, "")
        };
        assert_eq!(original(1), original(2));
    }

    #[test]
    fn the_templates_consult_exactly_the_catalogs_amendments() {
        let catalog = &builtin().catalog;
        let draft = &catalog.draft()[0];
        let seen = render(builtin(), &draft.template, &session("", ""), Mode::Draft, None)
            .unwrap()
            .amendments;
        let listed: BTreeSet<String> = catalog.amendments.iter().map(|a| a.id.clone()).collect();
        assert_eq!(seen, listed);
        let set = with_template("{{ decision(\"art99\") }}");
        let err = render(&set, "t.typ.j2", &session("", ""), Mode::Draft, None).unwrap_err();
        assert!(err.message.contains("amendment art99 is not listed in the catalog"), "{err}");
    }

    #[test]
    fn the_wording_spells_every_number_of_originals_the_declaration_allows() {
        let set = builtin();
        let key = set.catalog.originals_field.as_deref().unwrap();
        let max = match set.fields.get(key).unwrap().kind {
            crate::set::Kind::Integer { max: Some(max), .. } => max as u32,
            ref other => panic!("{other:?}"),
        };
        let at_max = session("originals = 2", &format!("originals = {max}"));
        let agreement = set.catalog.package(max)[0].template.clone();
        let source =
            render(set, &agreement, &at_max, Mode::Clean, Some((max, max))).unwrap().source;
        assert!(source.contains(" originals in the #\"English\"; language"), "{source}");
        let beyond = session("originals = 2", &format!("originals = {}", max + 1));
        assert_eq!(beyond.integer(key), None, "check refuses {}", max + 1);
    }
}
