//! The seed document, read independently of accord's templates, turned into the word lists
//! each PDF must contain: the Working Group draft (every word struck and inserted) and the
//! clean texts that result from the amendment decisions.

use crate::util::root;

/// Amendment ids in the order their marks appear in Annex I of the seed.
pub const AMENDMENTS: [&str; 9] = [
    "art2-1-an",
    "art2-1-crucial",
    "art2-1-leading",
    "art8-2-important",
    "art8-2-that",
    "art8-2-standardize",
    "art8-2-agrees",
    "art8-2-system",
    "art8-3",
];

/// Struck spans that join the old and the new wording with a hyphen: replacements, not deletions.
const JOINED: [&str; 2] = ["the appropriate-an important", "to-that"];

/// The seed's three parts: cover note, Annex I, Annex II (each with its "Annex" line).
pub struct Seed {
    pub cover: String,
    pub annex1: String,
    pub annex2: String,
}

/// Reads the committed copy of the seed.
pub fn seed() -> Seed {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/draft-relationship-agreement.md"))
            .expect("seed fixture");
    let a1 = text.find("\nAnnex I\n").expect("Annex I");
    let a2 = text.find("\nAnnex II\n").expect("Annex II");
    Seed {
        cover: text[..a1].to_string(),
        annex1: text[a1..a2].to_string(),
        annex2: text[a2..].to_string(),
    }
}

/// One proposed change found in the seed: the old and the new wording.
#[derive(Debug)]
struct Change {
    start: usize,
    end: usize,
    old: String,
    new: String,
}

/// The proposed changes of Annex I's body in order: `~~old~~ **new**` and `~~old-new~~` are
/// replacements, a lone `~~x~~` a deletion, a lone `**x**` an insertion.
fn changes(body: &str) -> Vec<Change> {
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(off) = body[at..].find(['~', '*']) {
        let start = at + off;
        let mark = &body[start..start + 2];
        if mark != "~~" && mark != "**" {
            at = start + 1;
            continue;
        }
        let close = body[start + 2..].find(mark).expect("closed mark") + start + 2;
        spans.push((start, close + 2, mark == "~~", body[start + 2..close].to_string()));
        at = close + 2;
    }
    let mut out: Vec<Change> = Vec::new();
    for (start, end, is_del, text) in spans {
        let joins_previous = out.last().is_some_and(|c| {
            c.new.is_empty() && !c.old.is_empty() && body[c.end..start] == *" " && !is_del
        });
        if joins_previous {
            let prev = out.last_mut().unwrap();
            prev.new = text;
            prev.end = end;
        } else if is_del && JOINED.contains(&text.as_str()) {
            let (old, new) = text.split_once('-').unwrap();
            out.push(Change { start, end, old: old.into(), new: new.into() });
        } else if is_del {
            out.push(Change { start, end, old: text, new: String::new() });
        } else {
            out.push(Change { start, end, old: String::new(), new: text });
        }
    }
    out
}

/// Annex I's text from its title on, `DRAFT` kept or dropped, the changes shown both
/// (`decisions` = None) or resolved by the decisions in `AMENDMENTS` order.
pub fn agreement(seed: &Seed, decisions: Option<&[bool; 9]>) -> String {
    let body = seed.annex1.trim_start().strip_prefix("Annex I").unwrap().to_string();
    let title_end = body.find("MIGRATION**").expect("title") + "MIGRATION**".len();
    let (title, rest) = body.split_at(title_end);
    let title = title.replace("**", "");
    let title = if decisions.is_some() { title.replacen("DRAFT ", "", 1) } else { title };
    let found = changes(rest);
    assert_eq!(found.len(), AMENDMENTS.len(), "the seed's proposed changes: {found:?}");
    let mut text = String::new();
    let mut at = 0;
    for (i, c) in found.iter().enumerate() {
        text.push_str(&rest[at..c.start]);
        match decisions {
            None => text.push_str([c.old.as_str(), &c.new].join(" ").trim()),
            Some(d) if d[i] => text.push_str(&c.new),
            Some(_) => text.push_str(&c.old),
        }
        at = c.end;
    }
    text.push_str(&rest[at..]);
    // A paragraph whose whole text was deleted disappears with its number.
    // Removing the word before a full stop also removes the space before it.
    let text = text.replace(" .", ".");
    let text: Vec<&str> = text.lines().filter(|l| !is_bare_number(l)).collect();
    format!("{title}\n{}", text.join("\n"))
}

fn is_bare_number(line: &str) -> bool {
    let t = line.trim();
    t.ends_with('.') && t.len() > 1 && t[..t.len() - 1].chars().all(|c| c.is_ascii_digit())
}

/// Annex II's text from its title on, placeholders marks removed.
pub fn resolution(seed: &Seed) -> String {
    let body = seed.annex2.trim_start().strip_prefix("Annex II").unwrap();
    body.replace("**", "").replace('*', "")
}

/// The cover note (both title lines), marks removed.
pub fn cover(seed: &Seed) -> String {
    seed.cover.replace("**", "")
}
