//! Which fields the templates of a set use, found by reading them (minijinja's
//! `undeclared_variables`, which gives the dotted path of every value a template reads): a
//! template that reads what no field declares, and a field that nothing reads, are both
//! refused when the set is read, before any session meets them.

use std::collections::BTreeSet;
use std::path::Path;

use minijinja::Environment;

use super::fields::Fields;
use super::kind::Kind;
use crate::chars::Shown as _;
use crate::location::Location;

/// The names accord itself gives the templates, with the attributes each has (empty: none).
pub const CONTEXT: [(&str, &[&str]); 6] = [
    ("draft", &[]),
    ("pdf_date", &["day", "month", "year"]),
    ("original", &["number", "total"]),
    ("decision", &[]),
    ("copy", &["original", "role", "package", "fingerprint", "sha256", "signed"]),
    ("copies", &[]),
];

/// The attributes a date field has in the templates.
pub const DATE_PARTS: [&str; 3] = ["day", "month", "year"];

/// The templates `(name, path, text)` of a set checked against its `fields`: every problem,
/// and the keys of the fields some template reads.
pub fn check(
    templates: &[(&str, &Path, &str)],
    fields: &Fields,
) -> (Vec<String>, BTreeSet<String>) {
    let mut env = Environment::new();
    let mut problems = Vec::new();
    for (name, path, text) in templates {
        if let Err(err) = env.add_template(name, text) {
            let at = match (err.range(), err.line()) {
                (Some(range), _) => Location::of(path, text, range.start).to_string(),
                (None, line) => format!("{}:{}", path.shown(), line.unwrap_or(1)),
            };
            let detail = err.detail().map(|d| format!(": {d}")).unwrap_or_default();
            problems.push(format!("{at}: {}{detail}", err.kind()));
        }
    }
    let mut used = BTreeSet::new();
    for (name, path, text) in templates {
        let Ok(template) = env.get_template(name) else { continue };
        let mut paths: Vec<String> = template.undeclared_variables(true).into_iter().collect();
        paths.sort();
        for dotted in paths {
            match resolve(&dotted, fields) {
                Ok(keys) => used.extend(keys),
                Err(why) => {
                    let at = locate(path, text, &dotted);
                    problems.push(format!("{at}: `{dotted}` {why}"));
                }
            }
        }
    }
    (problems, used)
}

/// The fields a template reading `dotted` uses, or why it reads what is not there.
fn resolve(dotted: &str, fields: &Fields) -> Result<Vec<String>, String> {
    let (first, rest) = dotted.split_once('.').unwrap_or((dotted, ""));
    if let Some((_, parts)) = CONTEXT.iter().find(|(name, _)| *name == first) {
        return match rest.is_empty() || parts.contains(&rest) {
            true => Ok(Vec::new()),
            false => Err(format!("is not there: accord gives `{first}` no attribute `{rest}`")),
        };
    }
    if let Some(field) = fields.all().iter().find(|f| within_or_equal(dotted, &f.key)) {
        let attribute = dotted[field.key.len()..].trim_start_matches('.');
        let fits = match field.kind {
            _ if attribute.is_empty() => true,
            Kind::Date => DATE_PARTS.contains(&attribute),
            _ => false,
        };
        return match fits {
            true => Ok(vec![field.key.clone()]),
            false => Err(format!(
                "is not there: `{}` is {}, which has no attribute `{attribute}`{}",
                field.key,
                field.kind.describe(),
                match field.kind {
                    Kind::Date => " (a date has day, month and year)",
                    _ => "",
                }
            )),
        };
    }
    if fields.is_table(dotted) {
        let inside = fields.all().iter().filter(|f| within_or_equal(&f.key, dotted));
        return Ok(inside.map(|f| f.key.clone()).collect());
    }
    let table = super::fields::table_of(dotted);
    let known: Vec<String> = match fields.is_table(table) {
        true => fields.children(table).iter().map(|name| format!("`{name}`")).collect(),
        false => Vec::new(),
    };
    Err(match known.as_slice() {
        [] => "is not a declared field; declare it in fields.toml".to_string(),
        names => format!(
            "is not a declared field; {} declares {}",
            match table {
                "" => "the top of fields.toml".to_string(),
                table => format!("[{table}]"),
            },
            names.join(", ")
        ),
    })
}

/// Whether `key` is `table` or lies inside it.
fn within_or_equal(key: &str, table: &str) -> bool {
    key.strip_prefix(table).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Where the template at `path` first writes `dotted` (a whole word), else its first line.
fn locate(path: &Path, text: &str, dotted: &str) -> Location {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let at = text.match_indices(dotted).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + dotted.len()..].chars().next();
        !before.is_some_and(|c| word(c) || c == '.') && !after.is_some_and(word)
    });
    Location::of(path, text, at.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::check;
    use crate::location::Source;
    use crate::set::fields::Fields;

    fn fields() -> Fields {
        let text = "[[field]]\nkey = \"signing.date\"\ntype = \"date\"\nhelp = \"x\"\n\
                    [[field]]\nkey = \"signing.place\"\ntype = \"text\"\nhelp = \"x\"\n";
        Fields::parse(Source { path: Path::new("fields.toml"), text }).unwrap()
    }

    fn problems(template: &str) -> Vec<String> {
        check(&[("t.typ.j2", Path::new("set/t.typ.j2"), template)], &fields()).0
    }

    #[test]
    fn templates_may_read_declared_fields_dates_parts_and_accords_own_names() {
        let template = "{% if draft %}{{ signing.place }}{% endif %} {{ signing.date.day }} \
                        {{ pdf_date.year }}{{ original.number }}{{ decision(\"a\") }}\
                        {% for x in [1] %}{{ loop.index }}{{ x }}{% endfor %}";
        let (found, used) = check(&[("t.typ.j2", Path::new("set/t.typ.j2"), template)], &fields());
        assert_eq!(found, Vec::<String>::new());
        assert_eq!(used.into_iter().collect::<Vec<_>>(), ["signing.date", "signing.place"]);
    }

    #[test]
    fn reading_what_is_not_declared_is_named_with_its_line() {
        let found = problems("first\nSigned at {{ signing.plaec }}.\n");
        assert_eq!(
            found,
            ["set/t.typ.j2:2:14: `signing.plaec` is not a declared field; [signing] declares \
              `date`, `place`"]
        );
        assert!(problems("{{ signing.place.x }}")[0].contains("which has no attribute `x`"));
        assert!(problems("{{ signing.date.hour }}")[0].contains("a date has day, month and year"));
        assert!(
            problems("{{ original.copies }}")[0].contains("accord gives `original` no attribute")
        );
        let syntax = problems("{% if x %}");
        assert!(syntax[0].starts_with("set/t.typ.j2:1:9: syntax error"), "{syntax:?}");
    }
}
