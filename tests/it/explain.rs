//! Copies that are not the signed file, as they circulate: re-saved by stock tools (same text)
//! or forged (another text), each explained by `accord verify --package`; and `--rebuild`,
//! which proves a package is exactly what its config produces.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::hostile_pdfs::overlay;
use crate::util::{
    accord, assert_code, copy_dir, json_report, replace_once, root, session, signed_example,
    snapshot, text, tmp, tool, TempDir,
};

const PACKAGE: &str = "out/un-iom-2016";
/// alice's published key, kept apart from the copies it checks.
const KEY: &str = "published/alice.pub";
const ORIGINAL_1: &str = "out/un-iom-2016/agreement-original-1.pdf";
const QPDF: (&str, &str) = ("qpdf", "qpdf");
const MUTOOL: (&str, &str) = ("mutool", "mupdf-tools");
const GS: (&str, &str) = ("gs", "ghostscript");
const PDFTOCAIRO: (&str, &str) = ("pdftocairo", "poppler-utils");
const FIX_QDF: (&str, &str) = ("fix-qdf", "qpdf");

/// A copy of the signed example to work in.
fn example() -> TempDir {
    let dir = tmp();
    copy_dir(signed_example(), dir.path());
    fs::create_dir(dir.path().join("published")).unwrap();
    fs::copy(dir.path().join("alice.pub"), dir.path().join(KEY)).unwrap();
    dir
}

/// Runs a stock tool in `dir` and asserts it succeeded.
fn run(dir: &Path, program: (&str, &str), args: &[&str]) {
    let out = tool(dir, program, args, b"");
    assert!(out.status.success(), "{} {args:?}: {}", program.0, text(&out));
}

/// `accord verify COPY --package out/un-iom-2016 --key alice.pub --json` in `dir`: exit 1
/// (a copy that is not the signed file never verifies) and the copy's report.
fn explained(dir: &Path, copy: &str) -> Value {
    let args = ["verify", copy, "--package", PACKAGE, "--key", KEY, "--json"];
    let out = accord(dir, &args);
    assert_code(&out, 1);
    json_report(&out)["files"][0].clone()
}

/// The closest document of a copy's report, asserting there is one.
fn closest(report: &Value) -> &Value {
    assert!(report["closest"].is_object(), "no closest document: {report:#}");
    &report["closest"]
}

#[test]
fn re_saved_copies_are_same_text_different_bytes_of_the_right_original() {
    let dir = example();
    let d = dir.path();
    run(d, QPDF, &["--linearize", ORIGINAL_1, "linearized.pdf"]);
    run(d, QPDF, &["--object-streams=generate", ORIGINAL_1, "object-streams.pdf"]);
    run(d, MUTOOL, &["clean", "-gggg", ORIGINAL_1, "mutool.pdf"]);
    run(d, PDFTOCAIRO, &["-pdf", ORIGINAL_1, "printed.pdf"]);
    run(d, QPDF, &["--linearize", "out/un-iom-2016/agreement-original-2.pdf", "second.pdf"]);
    run(d, MUTOOL, &["clean", "-gggg", "out/un-iom-2016/council-resolution.pdf", "resolution.pdf"]);
    for (copy, document, seen) in [
        ("linearized.pdf", "agreement-original-1.pdf", Some("linearized")),
        ("object-streams.pdf", "agreement-original-1.pdf", Some("object streams")),
        ("mutool.pdf", "agreement-original-1.pdf", None),
        ("printed.pdf", "agreement-original-1.pdf", Some("no longer claims PDF/A")),
        ("second.pdf", "agreement-original-2.pdf", Some("linearized")),
        ("resolution.pdf", "council-resolution.pdf", None),
    ] {
        let report = explained(d, copy);
        let closest = closest(&report);
        assert_eq!(closest["document"], document, "{copy}: {report:#}");
        assert_eq!(closest["same_text"], true, "{copy}: {report:#}");
        assert_eq!(closest["differences"], Value::Array(vec![]), "{copy}");
        let observations = closest["observations"].to_string();
        if let Some(seen) = seen {
            assert!(observations.contains(seen), "{copy}: {observations}");
        }
    }
    let out = accord(d, &["verify", "printed.pdf", "--package", PACKAGE, "--key", KEY]);
    let said = text(&out);
    assert!(
        said.contains(
            "its text is word for word that of agreement-original-1.pdf (agreement, original \
             1 of 2), but it is not the signed file: it was re-saved or converted by another \
             program."
        ),
        "{said}"
    );
    assert!(said.contains("Only the signed file can be verified; ask for it."), "{said}");
}

#[test]
fn ghostscript_copy_is_reported_as_a_damaged_text_layer_not_as_edits() {
    let dir = example();
    let d = dir.path();
    run(d, GS, &["-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-o", "gs.pdf", ORIGINAL_1]);
    let report = explained(d, "gs.pdf");
    let closest = closest(&report);
    assert_eq!(closest["document"], "agreement-original-1.pdf", "{report:#}");
    assert_eq!(closest["differences"], Value::Array(vec![]), "{report:#}");
    let damage = closest["damaged_text_layer"].as_str().unwrap_or_default();
    assert!(damage.contains("ligatures"), "{report:#}");
    assert!(damage.contains("word for word that of agreement-original-1.pdf"), "{damage}");
}

/// The first original of the example built from the config with `from` replaced by `to`,
/// copied into `dir` as `name`.
fn forged(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let forger = session(|c| replace_once(&c, from, to));
    let out = accord(forger.path(), &["build", "session.toml"]);
    assert_code(&out, 0);
    let copy = dir.join(name);
    fs::copy(forger.path().join(ORIGINAL_1), &copy).unwrap();
    copy
}

#[test]
fn forgeries_are_located_by_article_and_paragraph() {
    let dir = example();
    let d = dir.path();
    forged(d, "crucial.pdf", "art2-1-crucial = \"reject\"", "art2-1-crucial = \"accept\"");
    forged(d, "name.pdf", "name = \"Ban Ki-moon\"", "name = \"Ban Ki-mun\"");
    for (copy, place, before, after) in [
        ("crucial.pdf", "Article 2, paragraph 1", "with a global", "with a crucial global"),
        ("name.pdf", "signature block", "Ban Ki-moon", "Ban Ki-mun"),
    ] {
        let report = explained(d, copy);
        let closest = closest(&report);
        assert_eq!(closest["document"], "agreement-original-1.pdf", "{copy}");
        assert_eq!(closest["same_text"], false, "{copy}");
        let first = &closest["differences"][0];
        assert_eq!(first["where"], place, "{copy}: {report:#}");
        assert!(first["before"].as_str().unwrap().contains(before), "{copy}: {first}");
        assert!(first["after"].as_str().unwrap().contains(after), "{copy}: {first}");
    }
    let out = accord(d, &["verify", "crucial.pdf", "--package", PACKAGE, "--key", KEY]);
    assert!(
        text(&out).contains("    Article 2, paragraph 1: \"organization with a global"),
        "{}",
        text(&out)
    );
}

/// Original 1 as a QDF file (streams uncompressed, objects one by one), and where in it the
/// year of the testimonium is drawn: typst writes Identity-H fonts, so the text is glyph ids,
/// which the font's ToUnicode map translates.
fn testimonium_year(dir: &Path) -> (Vec<u8>, std::ops::Range<usize>) {
    run(dir, QPDF, &["--qdf", "--object-streams=disable", ORIGINAL_1, "qdf.pdf"]);
    let pdf = fs::read(dir.join("qdf.pdf")).unwrap();
    let year = glyph_ids(&pdf, "2016");
    let last_page = find_last(&pdf, b"%% Contents for page ").expect("qdf page markers");
    let at = find(&pdf[last_page..], &year).expect("the year on the last page") + last_page;
    (pdf, at..at + year.len())
}

/// `qdf` (edited) written as `name`, its lengths and cross-references made right.
fn fixed(dir: &Path, qdf: &[u8], name: &str) {
    fs::write(dir.join("edited.pdf"), qdf).unwrap();
    let out = tool(dir, FIX_QDF, &["edited.pdf"], b"");
    fs::write(dir.join(name), out.stdout).unwrap();
}

/// The year of the testimonium edited in the content stream: "2017".
fn year_edited(dir: &Path) {
    let (mut pdf, year) = testimonium_year(dir);
    let new = glyph_ids(&pdf, "2017");
    pdf.splice(year, new);
    fixed(dir, &pdf, "year.pdf");
}

/// `text` as the hex glyph ids of the Regular face, from its ToUnicode map.
fn glyph_ids(pdf: &[u8], text: &str) -> Vec<u8> {
    let pdf = String::from_utf8_lossy(pdf);
    let font = pdf.find("LibertinusSerif-Regular-Identity-H").expect("the regular face");
    let after = &pdf[font..];
    let to_unicode = after.find("/ToUnicode ").expect("a ToUnicode map");
    let object: String =
        after[to_unicode + 11..].chars().take_while(char::is_ascii_digit).collect();
    let start = pdf.find(&format!("\n{object} 0 obj")).expect("the map's object");
    let map = &pdf[start..start + pdf[start..].find("endobj").unwrap()];
    let mut glyphs = std::collections::HashMap::new();
    for line in map.lines() {
        let fields: Vec<&str> = line.split(['<', '>']).filter(|f| !f.trim().is_empty()).collect();
        if let [glyph, unicode] = fields[..] {
            let code = u32::from_str_radix(unicode, 16).ok().and_then(char::from_u32);
            if let (Some(c), 4) = (code, glyph.len()) {
                glyphs.entry(c).or_insert_with(|| glyph.to_lowercase());
            }
        }
    }
    text.chars().flat_map(|c| glyphs[&c].as_bytes().to_vec()).collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[test]
fn a_year_edited_in_the_content_stream_is_found_in_the_testimonium() {
    let dir = example();
    year_edited(dir.path());
    let report = explained(dir.path(), "year.pdf");
    let closest = closest(&report);
    assert_eq!(closest["document"], "agreement-original-1.pdf");
    let first = &closest["differences"][0];
    assert_eq!(first["where"], "testimonium", "{report:#}");
    assert!(first["before"].as_str().unwrap().contains("2016"), "{first}");
    assert!(first["after"].as_str().unwrap().contains("2017"), "{first}");
}

/// The year of the testimonium drawn in dark grey (`0.3 scn` for typst's `0 scn`): the same
/// words, a page whose render at 36 dpi drifts too little to tell (the year is 4 glyphs), and
/// whose scene draws those glyphs in another colour.
#[test]
fn a_year_drawn_in_grey_has_the_same_words_and_looks_different_where_it_is() {
    let dir = example();
    let d = dir.path();
    let (mut pdf, year) = testimonium_year(d);
    let colour = find_last(&pdf[..year.start], b" 0 scn").expect("the year's colour");
    pdf.splice(colour..colour + 6, b" 0.3 scn".to_vec());
    fixed(d, &pdf, "grey.pdf");
    let report = explained(d, "grey.pdf");
    let closest = closest(&report);
    assert_eq!(closest["document"], "agreement-original-1.pdf");
    assert_eq!(closest["same_text"], false, "{report:#}");
    assert_eq!(closest["differences"], Value::Array(vec![]), "the words are the signed ones");
    let different = &closest["looks_different"];
    assert_eq!(different.as_array().map(Vec::len), Some(1), "{report:#}");
    assert_eq!(different[0]["page"], 6);
    assert!(different[0]["where"].as_str().unwrap().starts_with("between "), "{report:#}");
}

/// What PDF readers read each in its own way, added to a copy of original 1 (accord's reader
/// could read its pages otherwise than another shows them): optional content, a CIDToGIDMap
/// on a CFF font, a stray `]`, a text render mode of 11 or one operand too many at the end of a
/// page's content, a colour profile changed behind its sRGB header, a key given twice, a second
/// font program, a width given twice, page content that is not in the file, a form with a stray
/// `]`; and a white pixel drawn as an image, which puts the page out of what is compared shape
/// by shape (its render at 36 dpi is the signed page's). No such copy is called the same text,
/// and each is said why.
#[test]
fn copies_drawn_or_declared_beyond_what_accord_compares_are_never_the_same_text() {
    let dir = example();
    let d = dir.path();
    run(d, QPDF, &["--qdf", "--object-streams=disable", ORIGINAL_1, "qdf.pdf"]);
    let pdf = fs::read(d.join("qdf.pdf")).unwrap();
    let after = |key: &[u8]| find(&pdf, key).expect("the key in the QDF file") + key.len();
    let at = |key: &[u8]| after(key)..after(key);
    let page_1 = after(b"%% Contents for page 1");
    let end_of_page_1 = find(&pdf[page_1..], b"\nendstream").unwrap() + page_1;
    let in_profile = after(b"sawsctrl") + 100;
    let image = b"\nq 1 0 0 1 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \xff EI Q";
    let page_1_dict = after(b"%% Page 1\n");
    // Page 1's content (`N 0 R`), and the same with a stream the file does not have.
    let contents = find(&pdf[page_1_dict..], b"/Contents ").unwrap() + page_1_dict + 10;
    let reference = contents..find(&pdf[contents..], b" R").unwrap() + contents + 2;
    let missing = [b"[ ", &pdf[reference.clone()], b" 9999 0 R ]"].concat();
    // A form of its own, its content a stray `]`, as two new objects before the table.
    let size = after(b"/Size ");
    let size: usize = String::from_utf8_lossy(&pdf[size..size + 6]).trim().parse().unwrap();
    let table = find_last(&pdf, b"\nxref\n").unwrap();
    let form = format!(
        "\n%% Original object ID: {size} 0\n{size} 0 obj\n<< /Type /XObject /Subtype /Form \
         /BBox [ 0 0 1 1 ] /Length {length} 0 R >>\nstream\n]\nendstream\nendobj\n\n\
         {length} 0 obj\n2\nendobj\n",
        length = size + 1
    );
    let cases: [(&str, std::ops::Range<usize>, &[u8], &str); 12] = [
        ("layers.pdf", at(b"/Type /Catalog"), b"\n  /OCProperties << /OCGs [ ] >>", "layers"),
        ("mapped.pdf", at(b"/Subtype /CIDFontType0"), b"\n  /CIDToGIDMap /Identity", "CFF"),
        ("stray.pdf", end_of_page_1..end_of_page_1, b"\n]", "stray `]`"),
        ("mode.pdf", end_of_page_1..end_of_page_1, b"\n11 Tr", "text render mode"),
        ("operands.pdf", end_of_page_1..end_of_page_1, b"\n3 0 Tr", "operands"),
        ("widths.pdf", at(b"/W ["), b" 1 1 500 0 1 500", "width twice"),
        ("form.pdf", table..table, form.as_bytes(), "a form with a stray"),
        ("profile.pdf", in_profile..in_profile, b"\xff", "colour profile"),
        ("image.pdf", end_of_page_1..end_of_page_1, image, "draws what the signed page does not"),
        ("twice.pdf", at(b"/Type /Catalog"), b"\n  /Type /Catalog", "a key twice"),
        ("programs.pdf", at(b"/Type /FontDescriptor"), b"\n  /FontFile2 1 0 R", "program"),
        ("missing.pdf", reference, &missing, "does not have"),
    ];
    for (name, replaced, by, said) in cases {
        let mut edited = pdf.clone();
        edited.splice(replaced, by.to_vec());
        fixed(d, &edited, name);
        let report = explained(d, name);
        let closest = closest(&report);
        assert_eq!(closest["document"], "agreement-original-1.pdf");
        assert_eq!(closest["same_text"], false, "{name}: {report:#}");
        assert_eq!(closest["differences"], Value::Array(vec![]), "{name}: the signed words");
        assert!(closest.to_string().contains(said), "{name}: {report:#}");
    }
}

#[test]
fn a_pdf_of_no_document_of_the_package_is_said_to_be_none() {
    let dir = example();
    let d = dir.path();
    let other = root().join("tests/fixtures/minisign/message.txt");
    fs::copy(other, d.join("not-a-pdf.pdf")).unwrap();
    let report = explained(d, "not-a-pdf.pdf");
    assert_eq!(report["closest"], Value::Null);
    assert!(report["problems"].to_string().contains("cannot be read"), "{report:#}");
    let out = accord(d, &["verify", "not-a-pdf.pdf", "--package", PACKAGE, "--key", KEY]);
    assert!(text(&out).contains("NO MATCH: not identical to any document of package un-iom-2016"));
}

#[test]
fn a_byte_identical_copy_matches_without_any_diagnosis() {
    let dir = example();
    fs::copy(dir.path().join(ORIGINAL_1), dir.path().join("copy.pdf")).unwrap();
    let args = ["verify", "copy.pdf", "--package", PACKAGE, "--key", KEY, "--json"];
    let out = accord(dir.path(), &args);
    assert_code(&out, 0);
    let report = json_report(&out);
    assert_eq!(report["files"][0]["status"], "match");
    assert_eq!(report["files"][0]["closest"], Value::Null);
}

/// `accord verify --package out/un-iom-2016 --rebuild CONFIG --key alice.pub --json` in `dir`.
fn rebuilt(dir: &Path, config: &str, expected: i32) -> Value {
    let args = ["verify", "--package", PACKAGE, "--rebuild", config, "--key", KEY, "--json"];
    let out = accord(dir, &args);
    assert_code(&out, expected);
    json_report(&out)
}

#[test]
fn rebuild_reproduces_the_example_exactly_and_says_why_not_when_the_config_changed() {
    let dir = example();
    let d = dir.path();
    let report = rebuilt(d, "session.toml", 0);
    let documents = report["rebuild"]["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 5);
    assert!(documents.iter().all(|doc| doc["reproduced"] == true), "{report:#}");
    let example = fs::read_to_string(d.join("session.toml")).unwrap();
    for (name, from, to, place) in [
        ("place.toml", "place = \"New York\"", "place = \"Geneva\"", "testimonium"),
        (
            "decision.toml",
            "art2-1-crucial = \"reject\"",
            "art2-1-crucial = \"accept\"",
            "Article 2, paragraph 1",
        ),
    ] {
        fs::write(d.join(name), replace_once(&example, from, to)).unwrap();
        let report = rebuilt(d, name, 1);
        let rebuild = &report["rebuild"];
        assert!(rebuild["inputs"][0].as_str().unwrap().contains("not the one recorded"));
        let original = &rebuild["documents"][0];
        assert_eq!(original["reproduced"], false, "{name}");
        assert_eq!(original["differences"][0]["where"], place, "{name}: {rebuild:#}");
        assert_eq!(rebuild["documents"][2]["reproduced"], true, "{name}: the resolution");
    }
}

#[test]
fn building_the_example_twice_exits_0_and_changes_no_byte() {
    let dir = example();
    let before = snapshot(dir.path());
    let out = accord(dir.path(), &["build", "session.toml", "--key", "alice.key"]);
    assert_code(&out, 0);
    assert!(text(&out).contains("up to date: rebuilt and identical"), "{}", text(&out));
    assert_eq!(snapshot(dir.path()), before);
    let changed = replace_once(
        &fs::read_to_string(dir.path().join("session.toml")).unwrap(),
        "place = \"New York\"",
        "place = \"Geneva\"",
    );
    fs::write(dir.path().join("session.toml"), changed).unwrap();
    let before = snapshot(dir.path());
    let out = accord(dir.path(), &["build", "session.toml", "--key", "alice.key"]);
    assert_code(&out, 1);
    assert!(
        text(&out).contains("agreement-original-1.pdf: the inputs are not those"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("testimonium"), "{}", text(&out));
    assert_eq!(snapshot(dir.path()), before, "nothing changed");
}

/// The scenes of every page of the PDF `name` in `dir` (what hayro draws, call by call).
fn scenes(dir: &Path, name: &str) -> Vec<Option<accord::pdftext::scene::Scene>> {
    let bytes = fs::read(dir.join(name)).unwrap();
    let (reading, document) = accord::pdftext::open_document(&bytes).unwrap();
    document.scenes(&(0..reading.pages.len()).collect::<Vec<_>>())
}

#[test]
fn copies_rewritten_by_ghostscript_and_pdftocairo_draw_alike_and_a_bar_drawn_over_does_not() {
    use accord::pdftext::scene::alike;
    let dir = example();
    let d = dir.path();
    run(d, GS, &["-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-o", "gs.pdf", ORIGINAL_1]);
    run(d, PDFTOCAIRO, &["-pdf", ORIGINAL_1, "printed.pdf"]);
    let bar = overlay("1 0 0 rg 100 300 m 480 700 l 500 700 l 120 300 l f");
    fs::write(d.join("bar.pdf"), bar).unwrap();
    run(d, QPDF, &[ORIGINAL_1, "--overlay", "bar.pdf", "--to=1", "--", "barred.pdf"]);
    let signed = scenes(d, ORIGINAL_1);
    assert_eq!(signed.len(), 6);
    assert!(signed.iter().all(Option::is_some), "accord's pages draw only what a scene holds");
    for copy in ["gs.pdf", "printed.pdf", "barred.pdf"] {
        let copied = scenes(d, copy);
        let pages: Vec<bool> = signed
            .iter()
            .zip(&copied)
            .map(|(s, c)| matches!((s, c), (Some(s), Some(c)) if alike(s, c)))
            .collect();
        let expected = match copy {
            "barred.pdf" => [false, true, true, true, true, true],
            _ => [true; 6],
        };
        assert_eq!(pages, expected, "{copy}: which pages draw alike");
    }
}
