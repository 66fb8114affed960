//! Typesetting through accord's public API: the font draws every character `check` accepts,
//! text that does not print as written is found after layout ([`typeset::Flaw`]), and the tag
//! tree and the bookmarks read the signature block and the headings as a reader should.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use accord::check::{check, Session};
use accord::config::Loaded;
use accord::date::Date;
use accord::render::{render, typst_string, Mode};
use accord::set::TemplateSet;
use accord::typeset::{self, Flaw, FlawKind, Style};
use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_cmap::BfString;
use hayro_interpret::hayro_syntax::object::{Dict, Name, Object, ObjectIdentifier};
use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache,
    InterpreterSettings, Paint, PathDrawMode, SoftMask, TransformExt,
};
use kurbo::{Affine, BezPath, Rect};

use crate::util::{pdf_pages, require_tool, root};

const DATE: Date = Date { year: 2016, month: 9, day: 19 };

/// The built-in template set.
fn set() -> &'static TemplateSet {
    TemplateSet::builtin().unwrap()
}

/// The built-in set's style.
fn style() -> Style<'static> {
    let (name, source) = set().style();
    Style { name, source }
}

/// The example config's session with `edit` applied to the config's text; it must pass
/// `check` (the values tested here are ones `check` accepts).
fn session(edit: impl FnOnce(String) -> String) -> Session {
    let example = std::fs::read_to_string(root().join("config/un-iom-2016.toml")).unwrap();
    let loaded =
        Loaded::parse(Path::new("session.toml"), edit(example).into_bytes(), &set().fields)
            .unwrap();
    let checked = check(&loaded, set());
    let problems: Vec<String> = checked.problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "check refuses the config: {problems:#?}");
    checked.session
}

/// The example's session with the value `from` replaced by `to`.
fn with_value(from: &str, to: &str) -> Session {
    session(|text| crate::util::replace_once(&text, &format!("\"{from}\""), &format!("\"{to}\"")))
}

/// The flaws of `template` (an original of the agreement when it is the agreement), rendered
/// for `session`, each with the key of the field its text comes from.
fn flaws(session: &Session, template: &str, mode: Mode) -> Vec<(Flaw, Option<String>)> {
    let original = (template == "agreement.typ.j2").then_some((1, 2));
    let rendered = render(set(), template, session, mode, original).unwrap();
    let laidout = typeset::layout(template, &rendered.source, style(), DATE).unwrap();
    let field = |flaw: &Flaw| {
        let at = flaw.source.as_ref()?.start;
        rendered.value_at(at).map(|placed| placed.key.clone())
    };
    laidout.flaws().iter().map(|flaw| (flaw.clone(), field(flaw))).collect()
}

/// The PDF of `template` for `session` (original 1 of 2 of the agreement).
fn pdf(session: &Session, template: &'static str, mode: Mode) -> Vec<u8> {
    let original = (template == "agreement.typ.j2").then_some((1, 2));
    let source = render(set(), template, session, mode, original).unwrap().source;
    typeset::typeset(&format!("typesetting/{template}"), &source, style(), DATE).unwrap().pdf
}

/// The PDF of original 1 of 2 of the agreement for `session`.
fn agreement_pdf(session: &Session) -> Vec<u8> {
    pdf(session, "agreement.typ.j2", Mode::Clean)
}

/// Every Unicode scalar value `check` accepts in a config value, as `check` passes it on:
/// no forbidden character (nor too many combining marks), and drawable by the document
/// font's rule once composed (NFC), the form the session holds.
fn accepted_chars() -> Vec<(char, String)> {
    (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .filter_map(|c| {
            let text = c.to_string();
            let composed = accord::chars::composed(&text);
            let ok = accord::chars::text_problem(&text).is_none()
                && accord::fonts::undrawable_char(&composed).is_none();
            ok.then_some((c, composed))
        })
        .collect()
}

#[test]
fn every_character_check_accepts_is_drawn_by_the_font_in_every_face() {
    let accepted = accepted_chars();
    assert!(accepted.len() > 1000, "only {} characters accepted", accepted.len());
    let chars: BTreeSet<char> = accepted.iter().map(|(c, _)| *c).collect();
    for c in ['a', 'Z', 'ë', 'ß', 'Ω', 'Ж', 'ש', '€', '\u{2019}', ' ', '\u{A0}', '\u{2009}']
    {
        assert!(chars.contains(&c), "U+{:04X} is refused", c as u32);
    }
    // A space the font lacks is a missing glyph, not a space; and the spaces and signs that
    // rustybuzz draws without a glyph of their own are refused with it, by the same rule;
    // U+212B ANGSTROM SIGN is accepted as what it composes to, Å.
    for c in ['\u{1680}', '\u{205F}', '\u{3000}', '\u{115F}', '\u{FFFC}', '\u{E801}'] {
        assert!(!chars.contains(&c), "U+{:04X} is accepted", c as u32);
    }
    assert!(accepted.contains(&('\u{212B}', "\u{C5}".to_string())));
    // Every character as a string literal (nothing is markup), apart, in each of the faces.
    let text: String = accepted.iter().flat_map(|(_, composed)| [composed.as_str(), " "]).collect();
    let mut source = String::from("#set document(title: \"Every character\")\n");
    for weight in ["regular", "semibold", "bold"] {
        for style in ["normal", "italic"] {
            let literal = typst_string(&text);
            source.push_str(&format!(
                "#text(weight: \"{weight}\", style: \"{style}\", {literal})\n\n"
            ));
        }
    }
    // Any missing glyph, any character the rule refuses, any typst error fails here, and so
    // does anything the PDF/A-2a and PDF/UA-1 export refuses.
    let laidout = typeset::layout("every-character", &source, style(), DATE).unwrap();
    let pdf = laidout.pdf().unwrap().pdf;
    // And poppler's pdftotext, a reader independent of accord, gets every character back.
    require_tool("pdftotext", "poppler-utils");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("every.pdf"), &pdf).unwrap();
    let extracted: BTreeSet<char> =
        pdf_pages(&dir.path().join("every.pdf")).concat().chars().collect();
    let lost: Vec<String> = text
        .chars()
        .filter(|c| !c.is_whitespace() && !extracted.contains(c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(lost.is_empty(), "drawn but not extracted: {lost:?}");
}

#[test]
fn the_example_prints_every_word_in_its_space() {
    let example = session(|text| text);
    let templates: BTreeSet<String> =
        set().catalog.package(2).into_iter().map(|planned| planned.template).collect();
    assert!(templates.len() >= 4, "every document of the package: {templates:?}");
    for template in &templates {
        assert_eq!(flaws(&example, template, Mode::Clean), [], "{template}");
    }
    assert_eq!(flaws(&example, "working-group-draft.typ.j2", Mode::Draft), []);
}

/// The one flaw found for the example with the value `from` of the field `key` replaced by
/// `to`, in `template`, which must come from that field.
fn one_overflow(key: &str, from: &str, to: &str, template: &'static str) -> Flaw {
    let found = flaws(&with_value(from, to), template, Mode::Clean);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (flaw, field) = found.into_iter().next().unwrap();
    assert_eq!(field.as_deref(), Some(key), "{flaw:?}");
    let FlawKind::Overflow { width, room } = flaw.kind else { panic!("{flaw:?}") };
    assert!(width > room, "{flaw:?}");
    flaw
}

#[test]
fn a_word_wider_than_the_page_is_found_with_its_value() {
    let place = format!("New{}York", "o".repeat(120));
    let flaw = one_overflow("signing.place", "New York", &place, "agreement.typ.j2");
    assert_eq!(flaw.text, place);
    assert_eq!(flaw.page, 6);
    let message = flaw.to_string();
    assert!(message.starts_with("page 6: the word \"Newooo"), "{message}");
    assert!(message.contains("(127 characters)"), "{message}");
}

#[test]
fn a_name_or_title_wider_than_its_column_is_found_before_it_reaches_the_other_party() {
    // 60 letters: narrower than the page, wider than one party's column.
    let name = format!("Ban{}", "k".repeat(57));
    let flaw = one_overflow(
        "signatories.united_nations.name",
        "Ban Ki-moon",
        &format!("{name} Ki-moon"),
        "agreement.typ.j2",
    );
    assert_eq!(flaw.text, name);
    let FlawKind::Overflow { room, .. } = flaw.kind else { unreachable!() };
    assert!(room < 250.0, "the column, not the page: {room} pt");

    let title = format!("Director{}General", "_".repeat(80));
    let key = "signatories.iom.title";
    assert_eq!(one_overflow(key, "Director General", &title, "agreement.typ.j2").text, title);
}

#[test]
fn a_council_symbol_wider_than_its_column_is_found() {
    let symbol = format!("C/Sp/5/{}", "9".repeat(50));
    let flaw =
        one_overflow("council.session_symbol", "C/Sp/5", &symbol, "council-resolution.typ.j2");
    assert_eq!((flaw.text.as_str(), flaw.page), (symbol.as_str(), 1));
}

#[test]
fn a_flawed_document_is_refused_with_its_flaws_named() {
    let session = with_value("New York", &"N".repeat(200));
    let source =
        render(set(), "agreement.typ.j2", &session, Mode::Clean, Some((1, 2))).unwrap().source;
    let err = typeset::typeset("x/agreement.pdf", &source, style(), DATE).unwrap_err();
    assert_eq!(err.kind, accord::error::Kind::Failed);
    assert!(err.message.contains("x/agreement.pdf: page 6: the word \"NNN"), "{err}");
}

#[test]
fn typesetting_a_package_gives_each_document_its_pdf_or_its_flaws() {
    let wide = with_value("C/Sp/5", &format!("C/Sp/5/{}", "9".repeat(80)));
    let sources: Vec<accord::render::Rendered> = ["agreement.typ.j2", "council-resolution.typ.j2"]
        .into_iter()
        .map(|t| render(set(), t, &wide, Mode::Clean, (t == "agreement.typ.j2").then_some((1, 2))))
        .map(|r| r.unwrap())
        .collect();
    let jobs: Vec<typeset::Job<'_>> = sources
        .iter()
        .zip(["a/agreement.pdf", "a/resolution.pdf"])
        .map(|(r, name)| typeset::Job { name: name.to_string(), source: &r.source, group: name })
        .collect();
    let outcomes = typeset::typeset_each(&jobs, style(), DATE).unwrap();
    assert!(matches!(&outcomes[0], typeset::Outcome::Printed(t) if t.pages == 6));
    let typeset::Outcome::Flawed(flaws) = &outcomes[1] else { panic!("{:?}", outcomes[1]) };
    assert_eq!(flaws.len(), 1);
    let at = flaws[0].source.as_ref().unwrap().start;
    let placed = sources[1].value_at(at).unwrap();
    assert_eq!(placed.key, "council.session_symbol");
    assert!(sources[1].source[placed.range.clone()].starts_with("#\"C/Sp/5/999"));
}

#[test]
fn combining_marks_drawn_apart_from_their_letter_are_found() {
    // `e` and U+0308 compose into the font's `ë`; `q` and U+0301 have no such glyph, and
    // the acute is drawn as a run of its own, which PDF readers extract as "q́q́".
    assert_eq!(
        flaws(&with_value("Ban Ki-moon", "Zoe\u{308} Ban"), "agreement.typ.j2", Mode::Clean),
        []
    );
    let found =
        flaws(&with_value("Ban Ki-moon", "Ban Iq\u{301}bal"), "agreement.typ.j2", Mode::Clean);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (flaw, field) = &found[0];
    assert_eq!((flaw.page, flaw.text.as_str()), (6, "q\u{301}"));
    assert_eq!(flaw.kind, FlawKind::ScatteredMarks);
    assert_eq!(field.as_deref(), Some("signatories.united_nations.name"));
}

#[test]
fn the_signature_block_reads_party_by_party_in_the_tag_tree() {
    let pdf = agreement_pdf(&session(|text| text));
    let read = reading_order(&pdf);
    let expected = [
        "For the United Nations:",
        "Ban Ki-moon",
        "Secretary-General",
        "For the International Organization for Migration:",
        "William Lacy Swing",
        "Director General",
    ];
    let at = read.iter().position(|(_, text)| text == expected[0]);
    let block = &read[at.expect("the signature block")..];
    let block: Vec<(&str, &str)> = block.iter().map(|(s, t)| (s.as_str(), t.as_str())).collect();
    // Each part its own paragraph, in this order, and nothing after them.
    assert_eq!(block, expected.map(|text| ("P", text)), "the tag tree reads:\n{read:#?}");
}

#[test]
fn the_signature_block_keeps_lines_names_and_titles_aligned_across_the_parties() {
    let pdf = agreement_pdf(&session(|text| text));
    let text = accord::pdftext::extract(&pdf).unwrap();
    let line = |word: &str| {
        let found = text.words.iter().rev().find(|w| w.text == word);
        found.unwrap_or_else(|| panic!("no {word}")).line
    };
    // The IOM label takes two lines; the UN label sits on the second.
    assert_eq!(line("Nations:"), line("Migration:"));
    assert_eq!(line("Ki-moon"), line("Swing"));
    assert_eq!(line("Secretary-General"), line("Director"));
    assert!(line("Nations:") < line("Ki-moon") && line("Ki-moon") < line("Director"));
}

#[test]
fn headings_and_bookmarks_read_as_one_line_with_single_spaces() {
    let example = session(|text| text);
    let agreement = agreement_pdf(&example);
    let titles = heading_titles(&agreement);
    assert_eq!(titles.len(), 18, "{titles:?}");
    assert_eq!(
        titles[0],
        "AGREEMENT CONCERNING THE RELATIONSHIP BETWEEN THE UNITED NATIONS AND THE \
         INTERNATIONAL ORGANIZATION FOR MIGRATION"
    );
    assert_eq!(titles[1], "Article 1 Purpose of the Agreement");
    let resolution = pdf(&example, "council-resolution.typ.j2", Mode::Clean);
    let draft = pdf(&example, "working-group-draft.typ.j2", Mode::Draft);
    assert_eq!(
        heading_titles(&resolution),
        ["DRAFT RESOLUTION ON THE AGREEMENT CONCERNING THE RELATIONSHIP BETWEEN THE UNITED \
          NATIONS AND THE INTERNATIONAL ORGANIZATION FOR MIGRATION"]
    );
    assert_eq!(
        heading_titles(&draft)[0],
        "DRAFT RELATIONSHIP AGREEMENT BETWEEN THE UNITED NATIONS AND IOM"
    );
    for pdf in [&agreement, &resolution, &draft] {
        let titles = heading_titles(pdf);
        assert_eq!(bookmarks(pdf), titles);
        for title in &titles {
            assert!(!title.contains("  ") && title.trim() == title, "{title:?}");
        }
    }
    // On the page, each article heading still takes two lines.
    let text = accord::pdftext::extract(&agreement).unwrap();
    let at = text.words.windows(2).position(|w| w[0].text == "Article" && w[1].text == "1");
    let at = at.expect("Article 1");
    assert_eq!(text.words[at + 2].text, "Purpose");
    assert_eq!(text.words[at + 2].line, text.words[at].line + 1);
}

// ---- Reading a PDF's structure: what a screen reader reads, and the bookmarks. ----

/// The structure type and text of each structure element that holds marked content, in the
/// order of the structure tree (the reading order); artifacts are not in the tree.
fn reading_order(pdf: &[u8]) -> Vec<(String, String)> {
    let pdf = Pdf::new(pdf.to_vec()).expect("a PDF");
    let content = marked_content(&pdf);
    let pages: HashMap<ObjectIdentifier, usize> = pdf
        .pages()
        .iter()
        .enumerate()
        .filter_map(|(i, page)| Some((page.raw().obj_id()?, i)))
        .collect();
    let mut walker = TreeWalker { content: &content, pages: &pages, out: Vec::new() };
    walker.element(&struct_tree_root(&pdf), None);
    walker.out
}

/// The structure tree's root dictionary.
fn struct_tree_root<'a>(pdf: &'a Pdf) -> Dict<'a> {
    let catalog: Dict<'_> = pdf.xref().get(pdf.xref().root_id()).expect("catalog");
    catalog.get(b"StructTreeRoot").expect("a tagged PDF")
}

/// Walks structure elements, collecting the text of each one's own marked content.
struct TreeWalker<'a> {
    content: &'a HashMap<(usize, i64), String>,
    pages: &'a HashMap<ObjectIdentifier, usize>,
    out: Vec<(String, String)>,
}

impl TreeWalker<'_> {
    /// The element `elem` and its kids (`/K`), on page `page` unless it names its own `/Pg`.
    fn element(&mut self, elem: &Dict<'_>, page: Option<usize>) {
        let page = self.page(elem).or(page);
        let tag = elem.get::<Name<'_>>(b"S").map_or(String::new(), |s| s.as_str().to_string());
        let kids: Vec<Object<'_>> = match elem.get::<Object<'_>>(b"K") {
            Some(Object::Array(array)) => array.iter::<Object<'_>>().collect(),
            Some(kid) => vec![kid],
            None => Vec::new(),
        };
        let mut own = String::new();
        for kid in kids {
            match kid {
                Object::Number(mcid) => own.push_str(self.mcid(page, mcid.as_i64())),
                Object::Dict(dict) if dict.contains_key(b"MCID") => {
                    let mcid = dict.get::<i64>(b"MCID").unwrap_or(-1);
                    own.push_str(self.mcid(self.page(&dict).or(page), mcid));
                }
                Object::Dict(dict) => {
                    self.flush(&tag, &mut own);
                    self.element(&dict, page);
                }
                _ => {}
            }
        }
        self.flush(&tag, &mut own);
    }

    fn flush(&mut self, tag: &str, own: &mut String) {
        let text = std::mem::take(own);
        if !text.trim().is_empty() {
            self.out.push((tag.to_string(), text.trim().to_string()));
        }
    }

    fn page(&self, dict: &Dict<'_>) -> Option<usize> {
        dict.get_ref(b"Pg").and_then(|r| self.pages.get(&r.into()).copied())
    }

    fn mcid(&self, page: Option<usize>, mcid: i64) -> &str {
        page.and_then(|p| self.content.get(&(p, mcid))).map_or("", String::as_str)
    }
}

/// The text drawn in each marked-content sequence with an MCID, by (page index, MCID).
fn marked_content(pdf: &Pdf) -> HashMap<(usize, i64), String> {
    let settings = InterpreterSettings::default();
    let cache = InterpreterCache::new();
    let mut texts = HashMap::new();
    for (index, page) in pdf.pages().iter().enumerate() {
        let (width, height) = page.render_dimensions();
        let bbox = Rect::new(0.0, 0.0, f64::from(width), f64::from(height));
        let transform = page.initial_transform(true).to_kurbo();
        let mut context = Context::new(transform, bbox, &cache, page.xref(), settings.clone());
        let mut device = McidText { page: index, stack: Vec::new(), texts: &mut texts };
        interpret_page(page, &mut context, &mut device);
    }
    texts
}

/// Collects the text of the glyphs drawn inside each marked-content sequence with an MCID.
struct McidText<'t> {
    page: usize,
    stack: Vec<Option<i32>>,
    texts: &'t mut HashMap<(usize, i64), String>,
}

impl<'a> Device<'a> for McidText<'_> {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'a>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        _: Affine,
        _: Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        let Some(mcid) = self.stack.iter().rev().find_map(|m| *m) else { return };
        let text = match glyph.as_unicode() {
            Some(BfString::Char(c)) => c.to_string(),
            Some(BfString::String(s)) => s,
            None => return,
        };
        self.texts.entry((self.page, i64::from(mcid))).or_default().push_str(&text);
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
    fn begin_marked_content(&mut self, _: &[u8], mcid: Option<i32>) {
        self.stack.push(mcid);
    }
    fn end_marked_content(&mut self) {
        self.stack.pop();
    }
}

/// The `/T` (title) of every heading element (`/H1` … `/H6`), in tree order.
fn heading_titles(pdf: &[u8]) -> Vec<String> {
    fn walk(elem: &Dict<'_>, out: &mut Vec<String>) {
        let heading = elem.get::<Name<'_>>(b"S").is_some_and(|s| {
            let s = s.as_str();
            s.len() == 2 && s.starts_with('H') && s[1..].parse::<u8>().is_ok()
        });
        if heading {
            out.push(text_string(
                elem.get::<hayro_interpret::hayro_syntax::object::String<'_>>(b"T")
                    .expect("/T")
                    .as_bytes(),
            ));
        }
        match elem.get::<Object<'_>>(b"K") {
            Some(Object::Array(array)) => {
                for kid in array.iter::<Dict<'_>>() {
                    walk(&kid, out);
                }
            }
            Some(Object::Dict(kid)) => walk(&kid, out),
            _ => {}
        }
    }
    let pdf = Pdf::new(pdf.to_vec()).expect("a PDF");
    let mut out = Vec::new();
    walk(&struct_tree_root(&pdf), &mut out);
    out
}

/// The titles of the document outline (bookmarks), depth first.
fn bookmarks(pdf: &[u8]) -> Vec<String> {
    fn walk(item: Option<Dict<'_>>, out: &mut Vec<String>) {
        let mut item = item;
        while let Some(node) = item {
            if let Some(title) =
                node.get::<hayro_interpret::hayro_syntax::object::String<'_>>(b"Title")
            {
                out.push(text_string(title.as_bytes()));
            }
            walk(node.get::<Dict<'_>>(b"First"), out);
            item = node.get::<Dict<'_>>(b"Next");
        }
    }
    let pdf = Pdf::new(pdf.to_vec()).expect("a PDF");
    let catalog: Dict<'_> = pdf.xref().get(pdf.xref().root_id()).expect("catalog");
    let outlines: Dict<'_> = catalog.get(b"Outlines").expect("bookmarks");
    let mut out = Vec::new();
    walk(outlines.get::<Dict<'_>>(b"First"), &mut out);
    out
}

/// A PDF text string: UTF-16BE after its byte order mark, else (PDFDocEncoding) Latin-1.
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}
