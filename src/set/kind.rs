//! What a declared field holds: its type ([`Kind`]), the rules that compare it with another
//! field ([`Rule`]), and the literal values a declaration writes (examples and defaults).

use std::fmt::Write as _;

use serde_json::json;

use crate::date::Date;

/// The type of a field, and the bounds of its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Text printed as written.
    Text,
    /// A calendar date, written `YYYY-MM-DD`; the templates see its day, month and year.
    Date,
    /// A whole number, within the bounds given.
    Integer {
        /// Least value allowed.
        min: Option<i64>,
        /// Greatest value allowed.
        max: Option<i64>,
    },
    /// `true` or `false`.
    YesNo,
    /// One of a list of texts.
    Choice(Choices),
    /// A list of values of one kind.
    List(ListSpec),
}

/// The texts a choice may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    /// The texts allowed, in order.
    pub values: Vec<String>,
    /// The message for another text, with `{value}` and `{choices}`; else a plain one.
    pub not_a_choice: Option<String>,
}

/// A list field: the kind of its items and how many there may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSpec {
    /// The kind of every item (never a list).
    pub items: Box<Kind>,
    /// What one item is called in messages, e.g. `language`.
    pub item_name: String,
    /// Fewest items of a finished config.
    pub min_items: usize,
    /// Most items allowed.
    pub max_items: Option<usize>,
    /// Whether an item may be listed twice.
    pub unique: bool,
}

/// A value as a declaration writes it (an example, a default): TOML's scalars and lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// A string.
    Text(String),
    /// An integer.
    Integer(i64),
    /// A boolean.
    Bool(bool),
    /// A list.
    List(Vec<Literal>),
}

/// How a date field must lie relative to another date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// On or after the other date.
    NotBefore,
    /// On or before the other date.
    NotAfter,
}

/// A rule of a date field: not before, or not after, another date field when both are filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Which way.
    pub order: Order,
    /// Key of the other date field.
    pub other: String,
    /// The message when it is broken, with `{value}` and `{other}`; else a plain one.
    pub message: Option<String>,
}

/// The placeholders a rule's message may use.
pub const RULE_PLACEHOLDERS: [&str; 2] = ["value", "other"];
/// The placeholders a choice's message may use.
pub const CHOICE_PLACEHOLDERS: [&str; 2] = ["value", "choices"];

impl Kind {
    /// The name of the kind as a declaration writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Date => "date",
            Kind::Integer { .. } => "integer",
            Kind::YesNo => "yes-no",
            Kind::Choice(_) => "choice",
            Kind::List(_) => "list",
        }
    }

    /// What a value of this kind is, in words: "a date (YYYY-MM-DD)", "a whole number from 1
    /// to 10", …
    pub fn describe(&self) -> String {
        match self {
            Kind::Text => "text".into(),
            Kind::Date => "a date (YYYY-MM-DD)".into(),
            Kind::Integer { min, max } => format!("a whole number{}", bounds(*min, *max)),
            Kind::YesNo => "true or false".into(),
            Kind::Choice(choices) => format!("one of {}", quoted_list(&choices.values, "or")),
            Kind::List(list) => {
                let mut text = String::from("a list");
                match (list.min_items, list.max_items) {
                    (0, None) => {}
                    (0, Some(max)) => write!(text, " of at most {max}").unwrap_or_default(),
                    (min, None) => write!(text, " of at least {min}").unwrap_or_default(),
                    (min, Some(max)) => write!(text, " of {min} to {max}").unwrap_or_default(),
                }
                write!(text, ", each {}", list.items.describe()).unwrap_or_default();
                if list.unique {
                    text.push_str(", none twice");
                }
                text
            }
        }
    }

    /// Why `literal` is not a value of this kind, if it is not.
    pub fn refuses(&self, literal: &Literal) -> Option<String> {
        match (self, literal) {
            (Kind::Text, Literal::Text(_)) | (Kind::YesNo, Literal::Bool(_)) => None,
            (Kind::Date, Literal::Text(text)) => Date::parse(text).err(),
            (Kind::Integer { min, max }, Literal::Integer(n)) => out_of_bounds(*n, *min, *max),
            (Kind::Choice(choices), Literal::Text(text)) => {
                (!choices.values.contains(text)).then(|| choices.refusal(text))
            }
            (Kind::List(list), Literal::List(items)) => {
                let counted = items.len() < list.min_items
                    || list.max_items.is_some_and(|max| items.len() > max);
                if counted {
                    return Some(format!("is not {}", self.describe()));
                }
                if list.unique && items.iter().enumerate().any(|(i, a)| items[..i].contains(a)) {
                    return Some(format!("lists a {} twice", list.item_name));
                }
                items.iter().find_map(|item| list.items.refuses(item))
            }
            _ => Some(format!("is not {}", self.describe())),
        }
    }
}

impl Choices {
    /// The message for `value`, which is not one of the choices.
    pub fn refusal(&self, value: &str) -> String {
        let choices = quoted_list(&self.values, "or");
        match &self.not_a_choice {
            Some(message) => message
                .replace("{value}", value)
                .replace("{choices}", &plain_list(&self.values, "and")),
            None => format!("is {value:?}, not one of {choices}"),
        }
    }
}

impl Rule {
    /// The message when `value` breaks the rule against the other field's `other`.
    pub fn message(&self, value: &str, other: &str) -> String {
        match &self.message {
            Some(message) => message.replace("{value}", value).replace("{other}", other),
            None => {
                let way = match self.order {
                    Order::NotBefore => "before",
                    Order::NotAfter => "after",
                };
                format!("{value} is {way} {}, {other}", self.other)
            }
        }
    }

    /// Whether `value` keeps the rule against `other`.
    pub fn kept(&self, value: Date, other: Date) -> bool {
        match self.order {
            Order::NotBefore => value >= other,
            Order::NotAfter => value <= other,
        }
    }

    /// The rule in words, e.g. "not before `council.meeting_date`".
    pub fn describe(&self) -> String {
        let way = match self.order {
            Order::NotBefore => "not before",
            Order::NotAfter => "not after",
        };
        format!("{way} `{}`", self.other)
    }
}

impl Literal {
    /// The literal from a TOML value, if TOML's date or table is not what it is.
    pub fn from_toml(value: &toml::Value) -> Option<Self> {
        Some(match value {
            toml::Value::String(s) => Literal::Text(s.clone()),
            toml::Value::Integer(n) => Literal::Integer(*n),
            toml::Value::Boolean(b) => Literal::Bool(*b),
            toml::Value::Array(items) => {
                Literal::List(items.iter().map(Literal::from_toml).collect::<Option<_>>()?)
            }
            _ => return None,
        })
    }

    /// The literal as TOML writes it, e.g. `"New York"`, `2`, `["English"]`.
    pub fn to_toml(&self) -> String {
        match self {
            Literal::Text(text) => toml::Value::String(text.clone()).to_string(),
            Literal::Integer(n) => n.to_string(),
            Literal::Bool(b) => b.to_string(),
            Literal::List(items) => {
                let items: Vec<String> = items.iter().map(Literal::to_toml).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }

    /// The literal as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Literal::Text(text) => json!(text),
            Literal::Integer(n) => json!(n),
            Literal::Bool(b) => json!(b),
            Literal::List(items) => items.iter().map(Literal::to_json).collect(),
        }
    }
}

/// " from 1 to 10", " of at least 1", " of at most 10" or nothing.
fn bounds(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!(" from {min} to {max}"),
        (Some(min), None) => format!(" of at least {min}"),
        (None, Some(max)) => format!(" of at most {max}"),
        (None, None) => String::new(),
    }
}

/// Why `n` is out of `min..=max`, if it is.
pub fn out_of_bounds(n: i64, min: Option<i64>, max: Option<i64>) -> Option<String> {
    let low = min.is_some_and(|min| n < min);
    let high = max.is_some_and(|max| n > max);
    match (min, max) {
        (Some(min), Some(max)) if low || high => {
            Some(format!("must be from {min} to {max}, not {n}"))
        }
        (Some(min), _) if low => Some(format!("must be at least {min}, not {n}")),
        (_, Some(max)) if high => Some(format!("must be at most {max}, not {n}")),
        _ => None,
    }
}

/// `"a", "b" or "c"`.
pub fn quoted_list(items: &[String], last: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
    plain_list(&quoted, last)
}

/// `a, b and c`.
pub fn plain_list(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., end] => format!("{} {last} {end}", init.join(", ")),
    }
}

/// The `{name}` placeholders of `message` that are not among `allowed`.
pub fn unknown_placeholders(message: &str, allowed: &[&str]) -> Vec<String> {
    let mut unknown = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !allowed.contains(&name) {
            unknown.push(format!("{{{name}}}"));
        }
        rest = &after[close + 1..];
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::{out_of_bounds, unknown_placeholders, Choices, Kind, ListSpec, Literal};

    fn languages() -> Kind {
        let choices =
            Choices { values: vec!["English".into(), "French".into()], not_a_choice: None };
        Kind::List(ListSpec {
            items: Box::new(Kind::Choice(choices)),
            item_name: "language".into(),
            min_items: 1,
            max_items: None,
            unique: true,
        })
    }

    #[test]
    fn kinds_describe_themselves_and_check_literals() {
        assert_eq!(
            languages().describe(),
            "a list of at least 1, each one of \"English\" or \"French\", none twice"
        );
        let list = |items: &[&str]| {
            Literal::List(items.iter().map(|i| Literal::Text(i.to_string())).collect())
        };
        assert_eq!(languages().refuses(&list(&["French"])), None);
        assert!(languages().refuses(&list(&[])).is_some());
        assert!(languages().refuses(&list(&["English", "English"])).is_some());
        assert!(languages().refuses(&list(&["German"])).unwrap().contains("not one of"));
        assert!(Kind::Date.refuses(&Literal::Text("2016-02-30".into())).is_some());
        let originals = Kind::Integer { min: Some(1), max: Some(10) };
        assert_eq!(
            originals.refuses(&Literal::Integer(11)).unwrap(),
            "must be from 1 to 10, not 11"
        );
        assert!(originals.refuses(&Literal::Text("2".into())).is_some());
        assert_eq!(out_of_bounds(0, Some(1), None).unwrap(), "must be at least 1, not 0");
    }

    #[test]
    fn literals_are_written_as_toml_and_json() {
        let value = Literal::List(vec![Literal::Text("a \"b\"".into()), Literal::Integer(3)]);
        assert_eq!(value.to_toml(), r#"['a "b"', 3]"#);
        assert_eq!(value.to_json().to_string(), r#"["a \"b\"",3]"#);
        assert_eq!(unknown_placeholders("{value} {x} {other}", &["value", "other"]), ["{x}"]);
    }
}
