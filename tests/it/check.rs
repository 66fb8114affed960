//! `accord check` and `accord init`: every problem listed with file:line:col and key.

use crate::util::{accord, code, replace_once, root, session, text};

#[test]
fn example_config_is_signature_ready() {
    let out = accord(&root(), &["check", "config/un-iom-2016.toml"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}

#[test]
fn check_on_init_output_lists_every_placeholder_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(code(&accord(dir.path(), &["init", "s.toml"])), 0);
    let out = accord(dir.path(), &["check", "s.toml"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let report = text(&out);
    for (line_col, key) in [
        ("s.toml:15:6", "id"),
        ("s.toml:25:8", "signing.date"),
        ("s.toml:28:9", "signing.place"),
        ("s.toml:40:8", "signatories.united_nations.name"),
        ("s.toml:42:9", "signatories.united_nations.title"),
        ("s.toml:47:8", "signatories.iom.name"),
        ("s.toml:49:9", "signatories.iom.title"),
        ("s.toml:54:1", "council.revised_agenda"),
        ("s.toml:57:11", "council.session"),
        ("s.toml:59:18", "council.session_symbol"),
        ("s.toml:62:16", "council.meeting_date"),
        ("s.toml:64:15", "council.agenda_item"),
        ("s.toml:70:19", "council.proposal_symbol"),
        ("s.toml:77:11", "working_group.meeting"),
        ("s.toml:80:8", "working_group.date"),
        ("s.toml:138:13", "amendments.art2-1-an"),
        ("s.toml:154:10", "amendments.art8-3"),
    ] {
        assert!(
            report.contains(&format!("{line_col}: {key}: ")),
            "{line_col} {key} missing:\n{report}"
        );
    }
    assert_eq!(report.matches("amendments.").count(), 9, "{report}");
}

#[test]
fn init_never_overwrites_an_existing_file() {
    let dir = session(|c| c);
    let out = accord(dir.path(), &["init", "session.toml"]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let kept = std::fs::read_to_string(dir.path().join("session.toml")).unwrap();
    assert!(kept.contains("Ban Ki-moon"));
}

#[test]
fn impossible_date_is_reported_with_line_and_column() {
    let dir = session(|c| replace_once(&c, "2016-09-19", "2017-02-30"));
    let out = accord(dir.path(), &["check", "session.toml"]);
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).contains("session.toml:14:8: signing.date: 2017-02-30: day 30 does not exist"),
        "{}",
        text(&out)
    );
}

#[test]
fn signing_before_the_council_meeting_is_refused() {
    let dir = session(|c| replace_once(&c, "2016-09-19", "2016-06-01"));
    let out = accord(dir.path(), &["check", "session.toml"]);
    assert_eq!(code(&out), 1);
    assert!(text(&out).contains("before the Council meeting on 2016-06-30"), "{}", text(&out));
}

#[test]
fn misspelt_key_is_an_error_with_line_and_column() {
    let dir = session(|c| replace_once(&c, "place = ", "plaec = "));
    let out = accord(dir.path(), &["check", "session.toml"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out).contains("session.toml:15:1: unknown field `plaec`"), "{}", text(&out));
}

#[test]
fn unknown_amendment_id_is_refused_with_the_known_ids() {
    let dir = session(|c| replace_once(&c, "art2-1-crucial = ", "art2-1-cruical = "));
    let out = accord(dir.path(), &["check", "session.toml"]);
    assert_eq!(code(&out), 1);
    let report = text(&out);
    assert!(report.contains("amendments.art2-1-cruical: is not a proposed amendment"), "{report}");
    assert!(report.contains("amendments.art2-1-crucial: is not decided"), "{report}");
}

#[test]
fn bidi_override_in_a_name_is_refused() {
    let dir =
        session(|c| replace_once(&c, "name = \"Ban Ki-moon\"", "name = \"Ban \u{202E}Ki-moon\""));
    let out = accord(dir.path(), &["check", "session.toml"]);
    assert_eq!(code(&out), 1);
    assert!(text(&out).contains("bidirectional override U+202E"), "{}", text(&out));
}
