//! `accord build`: reproducible bytes, refusal of unfinished configs, drafts, atomic output,
//! values that stay text.

use std::fs;
use std::path::Path;

use crate::util::{accord, code, pdf_pages, replace_once, session, text, words};

/// Builds `session.toml` in `dir` (extra args appended) and asserts success.
fn build_ok(dir: &Path, extra: &[&str]) {
    let mut args = vec!["build", "session.toml"];
    args.extend_from_slice(extra);
    let out = accord(dir, &args);
    assert_eq!(code(&out), 0, "{}", text(&out));
}

/// All words of all pages of a PDF.
fn pdf_words(pdf: &Path) -> String {
    words(&pdf_pages(pdf).join("\n")).join(" ")
}

/// The names of the PDFs in the package directory `pkg`, sorted.
fn package_pdfs(pkg: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(pkg)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".pdf"))
        .collect();
    names.sort();
    names
}

#[test]
fn building_twice_gives_identical_bytes() {
    let a = session(|c| c);
    let b = session(|c| c);
    build_ok(a.path(), &[]);
    build_ok(b.path(), &["--out", "elsewhere"]);
    let names = package_pdfs(&a.path().join("out/un-iom-2016"));
    assert_eq!(names.len(), 5, "the originals, the resolution and the two notifications");
    for name in names {
        let first = fs::read(a.path().join("out/un-iom-2016").join(&name)).unwrap();
        let second = fs::read(b.path().join("elsewhere/un-iom-2016").join(&name)).unwrap();
        assert!(first == second, "{name} differs between two builds");
    }
}

/// Every document of the package, the notifications included, is exported as PDF/A-2a and
/// PDF/UA-1 (typst refuses the export of a document that breaks either) and says so in its
/// metadata.
#[test]
fn every_package_document_claims_pdf_a_2a_and_pdf_ua_1() {
    let dir = session(|c| c);
    build_ok(dir.path(), &[]);
    let pkg = dir.path().join("out/un-iom-2016");
    let names = package_pdfs(&pkg);
    assert!(names.contains(&"notification-iom.pdf".to_string()), "{names:?}");
    for name in names {
        let pdf = String::from_utf8_lossy(&fs::read(pkg.join(&name)).unwrap()).into_owned();
        for claim in [
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>A</pdfaid:conformance>",
            "<pdfuaid:part>1</pdfuaid:part>",
        ] {
            assert!(pdf.contains(claim), "{name} does not claim {claim}");
        }
    }
}

#[test]
fn each_original_has_its_own_bytes() {
    let dir = session(|c| c);
    build_ok(dir.path(), &[]);
    let pkg = dir.path().join("out/un-iom-2016");
    let one = fs::read(pkg.join("agreement-original-1.pdf")).unwrap();
    let two = fs::read(pkg.join("agreement-original-2.pdf")).unwrap();
    assert_ne!(one, two);
}

#[test]
fn unfinished_config_is_refused_and_nothing_is_written() {
    let dir = session(|c| replace_once(&c, "place = \"New York\"", "place = \"xxx\""));
    let out = accord(dir.path(), &["build", "session.toml"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out)
            .contains("session.toml:15:9: signing.place: still holds the placeholder \"xxx\""),
        "{}",
        text(&out)
    );
    assert!(!dir.path().join("out/un-iom-2016").exists());
}

#[test]
fn undecided_amendment_blocks_signature_ready_build_but_not_draft() {
    let dir = session(|c| replace_once(&c, "art8-3 = \"accept\"", "art8-3 = \"undecided\""));
    let out = accord(dir.path(), &["build", "session.toml"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("amendments.art8-3: is undecided"), "{}", text(&out));
    build_ok(dir.path(), &["--draft"]);
}

#[test]
fn draft_of_a_starter_config_highlights_every_unfilled_value() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(code(&accord(dir.path(), &["init", "session.toml"])), 0);
    build_ok(dir.path(), &["--draft"]);
    let all = pdf_words(&dir.path().join("out/drafts/xx/working-group-draft.pdf"));
    for key in [
        "[signing.place]",
        "[signing.date (day)]",
        "[signatories.united_nations.name]",
        "[signatories.iom.title]",
        "[council.agenda_item]",
        "[council.revised_agenda]",
        "[council.proposal_symbol]",
    ] {
        assert!(all.contains(key), "{key} not highlighted in the draft");
    }
}

#[test]
fn rejected_deletion_of_article_8_paragraph_3_keeps_it_numbered_3() {
    let dir = session(|c| replace_once(&c, "art8-3 = \"accept\"", "art8-3 = \"reject\""));
    build_ok(dir.path(), &[]);
    let all = pdf_words(&dir.path().join("out/un-iom-2016/agreement-original-1.pdf"));
    assert!(all.contains("United Nations. 3. The International Organization for Migration recognizes the United Nations as the body responsible"), "{all}");
}

#[test]
fn accepted_deletion_of_article_8_paragraph_3_removes_it_and_its_number() {
    let dir = session(|c| c);
    build_ok(dir.path(), &[]);
    let all = pdf_words(&dir.path().join("out/un-iom-2016/agreement-original-1.pdf"));
    assert!(!all.contains("as the body responsible"));
    assert!(
        all.contains("within the United Nations. Article 9 Administrative cooperation"),
        "{all}"
    );
}

#[test]
fn testimonium_follows_the_number_of_originals() {
    let dir = session(|c| {
        let c = replace_once(&c, "originals = 2", "originals = 3");
        replace_once(&c, "date = \"2016-09-19\"", "date = \"2016-09-22\"")
    });
    build_ok(dir.path(), &[]);
    let pkg = dir.path().join("out/un-iom-2016");
    let all = pdf_words(&pkg.join("agreement-original-3.pdf"));
    assert!(all.contains("Signed this 22nd day of September 2016 at New York in three originals in the English language."), "{all}");
    assert!(all.contains("Original 3 of 3"));
}

#[test]
fn a_language_the_templates_hold_no_text_in_is_refused_and_nothing_is_written() {
    for (languages, why) in [
        ("[\"English\", \"French\"]", "cannot say it is in French"),
        ("[\"English\", \"English\"]", "lists \"English\" twice"),
    ] {
        let dir = session(|c| {
            replace_once(&c, "languages = [\"English\"]", &format!("languages = {languages}"))
        });
        let out = accord(dir.path(), &["build", "session.toml"]);
        assert_eq!(code(&out), 1, "{}", text(&out));
        assert!(text(&out).contains("session.toml:17:"), "{}", text(&out));
        assert!(text(&out).contains(why), "{}", text(&out));
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn failed_build_leaves_the_previous_package_intact() {
    let dir = session(|c| c);
    build_ok(dir.path(), &[]);
    let pdf = dir.path().join("out/un-iom-2016/agreement-original-1.pdf");
    let before = fs::read(&pdf).unwrap();
    let config = fs::read_to_string(dir.path().join("session.toml")).unwrap();
    fs::write(dir.path().join("session.toml"), replace_once(&config, "2016-09-19", "2016-09-31"))
        .unwrap();
    let out = accord(dir.path(), &["build", "session.toml"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(fs::read(&pdf).unwrap(), before);
    let leftovers: Vec<_> =
        fs::read_dir(dir.path().join("out")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "staging left behind: {leftovers:?}");
}

/// Values that would be markup, code or template syntax if they were not data, each put in
/// one config key (`key = "…"` as it reads in the example) and expected literally in one PDF.
const INJECTIONS: [(&str, &str, &str); 10] = [
    ("place = \"New York\"", r#"#read("/etc/hostname")"#, "agreement-original-1.pdf"),
    (
        "name = \"Ban Ki-moon\"",
        r#"#image("/etc/passwd") #include "/etc/hosts""#,
        "agreement-original-1.pdf",
    ),
    (
        "title = \"Secretary-General\"",
        "*bold* _emph_ = h - l + e / t: <label> @ref ~ -- --- ...",
        "agreement-original-1.pdf",
    ),
    ("name = \"William Lacy Swing\"", "בן־ציון", "agreement-original-2.pdf"),
    (
        "title = \"Director General\"",
        r#"C:\new\table \\ \" "quoted" 'single' \u{41}"#,
        "agreement-original-2.pdf",
    ),
    (
        "session = \"Fifth Special Session\"",
        "{{ signing.place }} {% if true %}x{% endif %} {# c #} {%- raw %}",
        "council-resolution.pdf",
    ),
    ("session_symbol = \"C/Sp/5\"", "$x^2$ `raw` ```rust fn```", "council-resolution.pdf"),
    ("agenda_item = \"4\"", "// not a comment /* nor this */", "council-resolution.pdf"),
    (
        "proposal_symbol = \"C/Sp/5/3\"",
        "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft",
        "council-resolution.pdf",
    ),
    ("meeting = \"Fourteenth meeting\"", "] ) } ; #let y = 1 #y", "working-group-draft.pdf"),
];

#[test]
fn config_values_with_markup_code_or_template_syntax_appear_literally() {
    let dir = session(|mut config| {
        for (key_value, value, _) in INJECTIONS {
            let (key, _) = key_value.split_once(" = ").unwrap();
            let literal = format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
            config = replace_once(&config, key_value, &format!("{key} = {literal}"));
        }
        config
    });
    build_ok(dir.path(), &[]);
    build_ok(dir.path(), &["--draft"]);
    let hostname = fs::read_to_string("/etc/hostname").unwrap_or_default();
    for (key, value, pdf) in INJECTIONS {
        let folder = if pdf.starts_with("working") { "out/drafts" } else { "out" };
        let all = pdf_words(&dir.path().join(folder).join("un-iom-2016").join(pdf));
        assert!(
            all.contains(&words(value).join(" ")),
            "{key} = {value:?} not literal in {pdf}: {all}"
        );
        assert!(!all.contains("root:"), "a file was read into {pdf}: {all}");
        assert!(hostname.trim().len() < 4 || !all.contains(hostname.trim()), "{pdf}: {all}");
    }
}

#[test]
fn character_the_fonts_cannot_draw_is_refused_naming_field_and_character() {
    let dir = session(|c| replace_once(&c, "name = \"William Lacy Swing\"", "name = \"반기문\""));
    let out = accord(dir.path(), &["build", "session.toml"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("signatories.iom.name: contains U+BC18 '반'"), "{}", text(&out));
}

#[test]
fn a_batch_reports_in_config_order_and_a_repeated_package_finds_the_first_written() {
    // Each package is written while the next config is typeset; the second config of the
    // same package must still see the first one's package, signed, as one after the other.
    let dir = session(|c| c);
    let key = crate::util::keygen(dir.path(), "batch");
    let example = fs::read_to_string(dir.path().join("session.toml")).unwrap();
    fs::write(dir.path().join("again.toml"), &example).unwrap();
    let other = replace_once(&example, "id = \"un-iom-2016\"", "id = \"other\"");
    fs::write(dir.path().join("other.toml"), other).unwrap();
    let key = key.to_str().unwrap();
    let out =
        accord(dir.path(), &["build", "session.toml", "again.toml", "other.toml", "--key", key]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let reports: Vec<&str> = stdout.lines().filter(|l| l.contains(".toml: ")).collect();
    assert_eq!(reports.len(), 3, "{stdout}");
    assert!(reports[0].starts_with("session.toml: built "), "{stdout}");
    assert!(reports[1].starts_with("again.toml: up to date: "), "{stdout}");
    assert!(reports[2].starts_with("other.toml: built "), "{stdout}");
}
