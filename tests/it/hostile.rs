//! Hostile copies (issue 19): PDFs made to exhaust a PDF reader, and copies whose text layer
//! hides what their pages show. Each hostile PDF is checked against the signed example as a
//! recipient would (`accord verify COPY --package … --key …`): NO MATCH, exit 1, the plain
//! sentence about accord's limits, within seconds, the rest of the report unaffected. Copies
//! that look different (a word painted over, an added page, a VOID stamp, later revisions) are
//! never called "the same text, re-saved". The table of outcomes is printed (exit code,
//! message, time) for the closing note; BENCHMARKS.md keeps it.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::hostile_pdfs::{hostile, overlay, pdf, stream};
use crate::util::{
    accord_command, code, copy_dir, json_report, output_within, signed_example, text, tool, TempDir,
};

const PACKAGE: &str = "out/un-iom-2016";
const KEY: &str = "published/alice.pub";
const ORIGINAL_1: &str = "out/un-iom-2016/agreement-original-1.pdf";
const QPDF: (&str, &str) = ("qpdf", "qpdf");
const PDFTOTEXT: (&str, &str) = ("pdftotext", "poppler-utils");
/// Said of a copy accord could not read within its limits.
const LIMITS: &str = "accord could not read this copy within its limits (it may have been made \
                      to exhaust a PDF reader); it is not a signed document";
/// Longer than any verification may take: past it, accord hangs.
const HANG: Duration = Duration::from_secs(20);

/// The hostile PDFs of `hostile_pdfs`, by the category of the issue they stand for.
const HOSTILE: [(&str, &str); 18] = [
    ("abort by nesting", "deep-in-raw-deflate"),
    ("abort by nesting", "deep-behind-bad-adler32"),
    ("abort by nesting", "deep-after-paren-in-comment"),
    ("abort by nesting", "deep-after-name-with-stream"),
    ("abort by nesting", "deep-behind-a-predictor"),
    ("hang by forms", "form-dag"),
    ("hang by forms", "form-draws-itself"),
    ("hang by forms", "big-form-drawn-a-thousand-times"),
    ("memory", "q-nesting"),
    ("memory", "q-nesting-separated-by-nul"),
    ("memory", "flate-over-flate"),
    ("memory", "flate-over-run-length"),
    ("memory", "flate-over-ascii85-zeros"),
    ("memory", "object-header-on-two-lines"),
    ("memory", "font-program-behind-a-chain"),
    ("memory", "page-tree-dag"),
    ("memory", "a-million-pages"),
    ("memory", "one-stream-on-200-pages"),
];

/// A copy of the signed example, with alice's key published apart from the copies.
fn example() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(signed_example(), dir.path());
    fs::create_dir(dir.path().join("published")).unwrap();
    fs::copy(dir.path().join("alice.pub"), dir.path().join(KEY)).unwrap();
    dir
}

/// `accord verify COPIES… --package … --key … [--json]` in `dir`, timed.
fn verify(dir: &Path, copies: &[&str], json: bool) -> (std::process::Output, Duration) {
    let mut args = vec!["verify"];
    args.extend(copies);
    args.extend(["--package", PACKAGE, "--key", KEY]);
    if json {
        args.push("--json");
    }
    let started = Instant::now();
    let out = output_within(accord_command(dir, &args), HANG);
    (out, started.elapsed())
}

#[test]
fn hostile_pdfs_are_no_match_within_limits_and_leave_the_report_whole() {
    let dir = example();
    let d = dir.path();
    let mut table = Vec::new();
    let mut wrong = Vec::new();
    for (category, name) in HOSTILE {
        let file = format!("{name}.pdf");
        fs::write(d.join(&file), hostile(name).unwrap()).unwrap();
        // With a genuine copy after it: the rest of the report must be unaffected.
        let (out, took) = verify(d, &[&file, ORIGINAL_1], false);
        let said = text(&out);
        let line = said.lines().find(|l| l.contains(LIMITS)).unwrap_or("(no limits line)");
        table.push(format!(
            "{category:18} {name:34} exit {} {:>6} ms  {}",
            code(&out),
            took.as_millis(),
            line.trim()
        ));
        if code(&out) != 1 || !said.contains(LIMITS) || !said.contains(&format!("{file}: NO MATCH"))
        {
            wrong.push(format!("{name}: exit {}\n{said}", code(&out)));
        }
        if !said.contains(&format!("{ORIGINAL_1}: MATCH")) {
            wrong.push(format!("{name}: the genuine copy after it did not match\n{said}"));
        }
        fs::remove_file(d.join(&file)).unwrap();
    }
    eprintln!("hostile PDFs (category, case, exit code, time, message):\n{}", table.join("\n"));
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// Where the first `word` of page 1 is, as `pdftotext -bbox` gives it: x, y from the top,
/// width, height (points), and the page height.
fn word_box(dir: &Path, pdf: &str, word: &str) -> (f64, f64, f64, f64, f64) {
    let out = tool(dir, PDFTOTEXT, &["-bbox", "-f", "1", "-l", "1", pdf, "-"], b"");
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    let page = html.lines().find(|l| l.contains("<page ")).unwrap();
    let line = html.lines().find(|l| l.contains(&format!(">{word}</word>"))).unwrap();
    let (x0, y0) = (attr(line, "xMin"), attr(line, "yMin"));
    (x0, y0, attr(line, "xMax") - x0, attr(line, "yMax") - y0, attr(page, "height"))
}

/// `qpdf ORIGINAL_1 --overlay OVERLAY --to=1 -- COPY`, the overlay drawing `content`.
fn overlaid(dir: &Path, content: &str, copy: &str) {
    fs::write(dir.join("overlay.pdf"), overlay(content)).unwrap();
    let out = tool(dir, QPDF, &[ORIGINAL_1, "--overlay", "overlay.pdf", "--to=1", "--", copy], b"");
    assert!(out.status.success(), "{}", text(&out));
}

/// The report of one copy, asserting exit 1.
fn report(dir: &Path, copy: &str) -> Value {
    let (out, _) = verify(dir, &[copy], true);
    assert_eq!(code(&out), 1, "{}", text(&out));
    json_report(&out)["files"][0].clone()
}

#[test]
fn a_word_painted_over_an_added_page_and_a_void_stamp_are_not_the_same_text() {
    let dir = example();
    let d = dir.path();
    let (x, y, w, h, height) = word_box(d, ORIGINAL_1, "global");
    let base = height - y - h;
    let painted = format!(
        "1 1 1 rg {x:.2} {:.2} {w:.2} {:.2} re f 0 g BT /F {:.1} Tf {x:.2} {:.2} Td (local) Tj ET",
        base - 1.0,
        h + 2.0,
        h * 0.9,
        base + h * 0.22,
    );
    overlaid(d, &painted, "painted.pdf");
    overlaid(d, "1 0 0 rg BT /F 160 Tf 0.7 0.7 -0.7 0.7 150 250 Tm (VOID) Tj ET", "void.pdf");
    overlaid(d, "1 0 0 rg 100 300 m 480 700 l 500 700 l 120 300 l f", "barred.pdf");
    let blank = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 4 0 R >>".to_vec(),
        stream("", b""),
    ]);
    fs::write(d.join("blank.pdf"), blank).unwrap();
    let out =
        tool(d, QPDF, &["--empty", "--pages", ORIGINAL_1, "blank.pdf", "--", "added.pdf"], b"");
    assert!(out.status.success(), "{}", text(&out));

    let painted = report(d, "painted.pdf");
    let closest = &painted["closest"];
    assert_eq!(closest["same_text"], false, "{painted:#}");
    let first = &closest["differences"][0];
    assert!(first["before"].as_str().unwrap().contains("global"), "{painted:#}");
    assert!(first["after"].as_str().unwrap().contains("local"), "{painted:#}");
    assert!(
        !first["after"].as_str().unwrap().contains("global"),
        "the covered word is not read: {first}"
    );

    // VOID in Helvetica adds words; a red bar across the page adds none, and only the pages,
    // rendered, tell it.
    let void = report(d, "void.pdf");
    assert_eq!(void["closest"]["same_text"], false, "{void:#}");
    assert!(void["closest"]["differences"].to_string().contains("VOID"), "{void:#}");
    let barred = report(d, "barred.pdf");
    assert_eq!(barred["closest"]["same_text"], false, "{barred:#}");
    assert_eq!(barred["closest"]["differences"], Value::Array(vec![]), "{barred:#}");
    assert_eq!(barred["closest"]["looks_different"][0]["page"], 1, "{barred:#}");
    let (out, _) = verify(d, &["barred.pdf"], false);
    assert!(text(&out).contains("but the copy does not look the same:"), "{}", text(&out));
    assert!(text(&out).contains("    page 1 looks different: between"), "{}", text(&out));

    let added = report(d, "added.pdf");
    assert_eq!(added["closest"]["same_text"], false, "{added:#}");
    assert_eq!(added["closest"]["pages"]["copy"], 7, "{added:#}");
    assert_eq!(added["closest"]["pages"]["signed"], 6, "{added:#}");
    let (out, _) = verify(d, &["added.pdf"], false);
    assert!(text(&out).contains("it has 1 page(s) more (7, not 6)"), "{}", text(&out));
    assert!(!text(&out).contains("word for word that of"), "{}", text(&out));
}

/// Python with pyHanko (PyPI), installed by .ci/run.
const PYTHON: (&str, &str) = ("python3", "python3");
const OPENSSL: (&str, &str) = ("openssl", "openssl");

/// Runs a Python snippet with pyHanko in `dir`, failing when pyHanko is missing.
fn pyhanko(dir: &Path, script: &str, args: &[&str]) {
    let mut all = vec!["-c", script];
    all.extend(args);
    let out = tool(dir, PYTHON, &all, b"");
    assert!(
        out.status.success(),
        "pyHanko (python3 -m pip install pyhanko pyhanko-cli): {}",
        text(&out)
    );
}

/// A pyHanko script that changes page 1 of argv[1] with `body` (Python, given `w`, the
/// writer, and `page`) in an incremental update, into argv[2].
fn page_update(body: &str) -> String {
    let script = r#"
import sys
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
N = generic.NameObject
with open(sys.argv[1], "rb") as f:
    w = IncrementalPdfFileWriter(f)
    page_ref, _ = w.find_page_for_modification(0)
    page = page_ref.get_object()
BODY
    w.update_container(page)
    with open(sys.argv[2], "wb") as out:
        w.write(out)
"#;
    script.replace("BODY", body)
}

/// Adds two text annotations to the page.
const ANNOTATE: &str = r#"
    annots = generic.ArrayObject()
    for x in (50, 100):
        annots.append(w.add_object(generic.DictionaryObject({
            N("/Type"): N("/Annot"), N("/Subtype"): N("/Text"),
            N("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (x, 50, x + 20, 70)]),
            N("/Contents"): generic.TextStringObject("agreed"),
        })))
    page[N("/Annots")] = annots"#;

/// Draws a white box over the page.
const REDRAW: &str = r#"
    raw = page.raw_get("/Contents")
    old = list(raw) if isinstance(raw, generic.ArrayObject) else [raw]
    box = w.add_object(generic.StreamObject(stream_data=b"q 1 g 0 0 600 850 re f Q"))
    page[N("/Contents")] = generic.ArrayObject(old + [box])"#;

/// Signs argv[1] with key.pem and cert.pem into argv[2], as a PDF signature in field Sig1.
const SIGN: &str = r#"
import sys
from pyhanko.sign import signers
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
signer = signers.SimpleSigner.load("key.pem", "cert.pem")
with open(sys.argv[1], "rb") as f:
    w = IncrementalPdfFileWriter(f)
    meta = signers.PdfSignatureMetadata(field_name="Sig1")
    with open(sys.argv[2], "wb") as out:
        signers.sign_pdf(w, meta, signer=signer, output=out)
"#;

#[test]
fn a_signed_original_with_later_revisions_is_said_to_be_exactly_that() {
    let dir = example();
    let d = dir.path();
    pyhanko(d, &page_update(ANNOTATE), &[ORIGINAL_1, "annotated.pdf"]);
    pyhanko(d, &page_update(REDRAW), &[ORIGINAL_1, "redrawn.pdf"]);
    let subject = "/CN=Test Signer";
    let out = tool(
        d,
        OPENSSL,
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out",
            "cert.pem", "-days", "2", "-subj", subject,
        ],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out));
    pyhanko(d, SIGN, &[ORIGINAL_1, "signed.pdf"]);
    let size = fs::metadata(d.join(ORIGINAL_1)).unwrap().len();
    for (copy, adds) in [
        ("annotated.pdf", "2 annotations (Text) on page 1"),
        ("signed.pdf", "a PDF signature by CN=Test Signer"),
        // Never "nothing that shows": what the revision draws over the signed page is said.
        ("redrawn.pdf", "other words (the pages no longer read as the signed text)"),
    ] {
        let report = report(d, copy);
        let later = &report["closest"]["later_revisions"];
        assert_eq!(later["signed_bytes"], size, "{report:#}");
        assert_eq!(later["revisions"], 1, "{report:#}");
        assert!(later["adds"].to_string().contains(adds), "{copy}: {report:#}");
        assert_eq!(report["closest"]["same_text"], false);
        let (out, _) = verify(d, &[copy], false);
        let said = text(&out);
        let expected = format!(
            "it is the signed agreement-original-1.pdf (agreement, original 1 of 2), byte for \
             byte, followed by 1 later revision that adds: {adds}"
        );
        assert!(said.contains(&expected), "{said}");
        assert!(said.contains(&format!("its first {size} bytes (head -c {size}")), "{said}");
        // Cut off, the signed part is the signed file.
        let bytes = fs::read(d.join(copy)).unwrap();
        fs::write(d.join("cut.pdf"), &bytes[..size as usize]).unwrap();
        let (out, _) = verify(d, &["cut.pdf"], false);
        assert_eq!(code(&out), 0, "{}", text(&out));
    }
}

#[test]
fn a_name_cannot_forge_a_verdict_line() {
    let dir = example();
    let d = dir.path();
    let forged = "x.pdf: MATCH agreement-original-2.pdf (agreement, original 2 of 2), package un-iom-2016\nMATCH";
    fs::write(d.join(forged), b"not a pdf").unwrap();
    let (out, _) = verify(d, &[forged], false);
    assert_eq!(code(&out), 1);
    let said = text(&out);
    assert!(
        said.lines().all(|l| !l.starts_with("x.pdf: MATCH") && !l.starts_with("MATCH")),
        "{said}"
    );
    assert!(said.contains("'x.pdf: MATCH agreement-original-2.pdf (agreement, original 2 of 2), package un-iom-2016\\u{a}MATCH': NO MATCH"), "{said}");
}

#[test]
fn a_package_whose_documents_no_longer_match_says_so_before_any_diagnosis() {
    let dir = example();
    let d = dir.path();
    fs::copy(d.join(ORIGINAL_1), d.join("copy.pdf")).unwrap();
    let mut tampered = fs::read(d.join(ORIGINAL_1)).unwrap();
    tampered.extend(b"\n% appended\n");
    fs::write(d.join(ORIGINAL_1), tampered).unwrap();
    fs::write(d.join("other.pdf"), b"%PDF-1.7 not really").unwrap();
    let (out, _) = verify(d, &["other.pdf", "copy.pdf"], false);
    assert_eq!(code(&out), 1);
    let said = text(&out);
    let first =
        said.lines().position(|l| l.contains("no longer matches manifest.json")).expect(&said);
    let copy = said.lines().position(|l| l.starts_with("other.pdf")).expect(&said);
    assert!(first < copy, "{said}");
    assert!(!said.contains("not close to"), "{said}");
    assert!(said.contains("copy.pdf: MATCH"), "a genuine copy still matches: {said}");
}
