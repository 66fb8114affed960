//! scratch experiment (to be removed)
use super::world::Sealed;
use crate::fonts::FONTS;
use typst::foundations::Datetime;
use typst::layout::{Frame, FrameItem};
use typst::text::Font;
use typst_layout::PagedDocument;

fn walk(frame: &Frame, drawn: &mut Vec<(char, u16)>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => walk(&g.frame, drawn),
            FrameItem::Text(t) => {
                for g in &t.glyphs {
                    for c in t.text[g.range()].chars() {
                        drawn.push((c, g.id));
                    }
                }
            }
            _ => {}
        }
    }
}

#[test]
fn scratch_all_chars() {
    let faces: Vec<_> = FONTS.fonts.iter().map(Font::info).collect();
    let mut cands = Vec::new();
    for u in 0..0x110000u32 {
        let Some(c) = char::from_u32(u) else { continue };
        if crate::chars::forbidden(c).is_some() {
            continue;
        }
        cands.push(c);
    }
    let covered_all: Vec<char> = cands
        .iter()
        .copied()
        .filter(|&c| faces.iter().all(|f| f.coverage.contains(c as u32)))
        .collect();
    let covered_any: Vec<char> = cands
        .iter()
        .copied()
        .filter(|&c| faces.iter().any(|f| f.coverage.contains(c as u32)))
        .collect();
    eprintln!(
        "candidates {} covered_all {} covered_any {}",
        cands.len(),
        covered_all.len(),
        covered_any.len()
    );
    let ws: Vec<String> = cands
        .iter()
        .filter(|c| c.is_whitespace())
        .map(|c| {
            format!(
                "{:04X}{}",
                *c as u32,
                if faces.iter().all(|f| f.coverage.contains(*c as u32)) { "+" } else { "-" }
            )
        })
        .collect();
    eprintln!("whitespace: {ws:?}");
    let di: Vec<String> = covered_any
        .iter()
        .filter(|c| typst::text::is_default_ignorable(**c))
        .map(|c| format!("{:04X}", *c as u32))
        .collect();
    eprintln!("covered default ignorables: {di:?}");
    // typeset BMP non-covered to see which typst draws anyway
    let probe: Vec<char> = std::env::var("PROBE")
        .map(|_| {
            cands
                .iter()
                .copied()
                .filter(|&c| (c as u32) < 0x30000 && !covered_all.contains(&c))
                .collect()
        })
        .unwrap_or_else(|_| covered_all.clone());
    let t0 = std::time::Instant::now();
    let mut drawn = Vec::new();
    let mut panics = Vec::new();
    fn run(cs: &[char], drawn: &mut Vec<(char, u16)>, panics: &mut Vec<char>) {
        let mut src = String::from("#set text(font: \"Libertinus Serif\")\n");
        for chunk in cs.chunks(40) {
            src.push_str("#\"");
            for c in chunk {
                match c {
                    '"' => src.push_str("\\\""),
                    '\\' => src.push_str("\\\\"),
                    c => src.push(*c),
                };
                src.push(' ');
            }
            src.push_str("\"\n\n");
        }
        let r = std::panic::catch_unwind(|| {
            let world = Sealed::new(&src, "style.typ", "", Datetime::from_ymd(2016, 1, 1).unwrap())
                .unwrap();
            let r = typst::compile::<PagedDocument>(&world);
            let doc = r.output.map_err(|e| format!("{e:?}")).unwrap();
            let mut d = Vec::new();
            for p in doc.pages() {
                walk(&p.frame, &mut d);
            }
            d
        });
        match r {
            Ok(d) => drawn.extend(d),
            Err(_) if cs.len() == 1 => panics.push(cs[0]),
            Err(_) => {
                let (a, b) = cs.split_at(cs.len() / 2);
                run(a, drawn, panics);
                run(b, drawn, panics);
            }
        }
    }
    for chunk in probe.chunks(4096) {
        run(chunk, &mut drawn, &mut panics);
    }
    eprintln!(
        "panics: {:?}",
        panics.iter().map(|c| format!("{:04X}", *c as u32)).collect::<Vec<_>>()
    );
    let mut good = std::collections::BTreeSet::new();
    let mut tofu = std::collections::BTreeSet::new();
    for (c, id) in &drawn {
        if *id == 0 {
            tofu.insert(*c);
        } else {
            good.insert(*c);
        }
    }
    let missing: Vec<String> = probe
        .iter()
        .filter(|c| !good.contains(c) && !tofu.contains(c))
        .map(|c| format!("{:04X}", *c as u32))
        .collect();
    let drawn_ok: Vec<String> = probe
        .iter()
        .filter(|c| {
            good.contains(c)
                && !tofu.contains(c)
                && !faces.iter().any(|f| f.coverage.contains(**c as u32))
        })
        .map(|c| format!("{:04X}", *c as u32))
        .collect();
    let both: Vec<String> = probe
        .iter()
        .filter(|c| good.contains(c) && tofu.contains(c))
        .map(|c| format!("{:04X}", *c as u32))
        .collect();
    eprintln!(
        "probe {} drawn {} tofu {} nothing {}",
        probe.len(),
        drawn_ok.len(),
        tofu.len(),
        missing.len()
    );
    eprintln!("nothing drawn: {:?}", &missing[..missing.len().min(200)]);
    eprintln!("drawn: {:?}", &drawn_ok[..drawn_ok.len().min(400)]);
    eprintln!("both: {:?}", &both[..both.len().min(100)]);
}

#[test]
fn scratch_marks() {
    let dir = std::path::Path::new("/tmp/cm");
    std::fs::create_dir_all(dir).unwrap();
    let marks: Vec<char> = std::env::var("MARKS").unwrap_or("\u{301}".into()).chars().collect();
    for n in (1..=300).filter(|n| *n <= 80 || n % 10 == 0) {
        let mut word = std::env::var("BASE").unwrap_or("Zoe".into());
        for i in 0..n {
            word.push(marks[i % marks.len()]);
        }
        let src = format!("#import \"style.typ\": *\n#show: setup.with(title: \"t\", date: datetime(year: 2016, month: 1, day: 1))\nSigned at #\"{word}\"; in New York.\n");
        let t = super::typeset("probe", &src, crate::date::Date { year: 2016, month: 1, day: 1 });
        match t {
            Ok(t) => std::fs::write(dir.join(format!("{n}.pdf")), t.pdf).unwrap(),
            Err(e) => eprintln!("{n}: {e}"),
        }
    }
}

#[test]
fn scratch_words() {
    let dir = std::path::Path::new("/tmp/cw");
    std::fs::create_dir_all(dir).unwrap();
    let words = std::fs::read_to_string("/tmp/cw/words.txt").unwrap();
    for (i, word) in words.lines().enumerate() {
        let src = format!("#import \"style.typ\": *\n#show: setup.with(title: \"t\", date: datetime(year: 2016, month: 1, day: 1))\nSigned at #\"{word}\"; in New York.\n");
        let t = super::typeset("probe", &src, crate::date::Date { year: 2016, month: 1, day: 1 });
        match t {
            Ok(t) => std::fs::write(dir.join(format!("{i}.pdf")), t.pdf).unwrap(),
            Err(e) => eprintln!("{i}: {e}"),
        }
    }
}

#[test]
fn scratch_items() {
    let word = std::env::var("WORD").unwrap_or("aq\u{301}b".into());
    let src = format!("#import \"style.typ\": *\n#show: setup.with(title: \"t\", date: datetime(year: 2016, month: 1, day: 1))\nSigned at #\"{word}\"; in New York.\n");
    let l =
        super::layout("probe", &src, crate::date::Date { year: 2016, month: 1, day: 1 }).unwrap();
    fn walk(f: &Frame, depth: usize) {
        for (p, item) in f.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, depth + 1),
                FrameItem::Text(t) => eprintln!(
                    "{depth} {:?} text={:?} glyphs={:?}",
                    p,
                    t.text,
                    t.glyphs
                        .iter()
                        .map(|g| (
                            g.id,
                            g.range.clone(),
                            g.x_offset.get(),
                            g.x_advance.get(),
                            g.span.1
                        ))
                        .collect::<Vec<_>>()
                ),
                FrameItem::Tag(t) => eprintln!(
                    "{depth} tag {:?}",
                    match t {
                        typst::introspection::Tag::Start(c, _) =>
                            format!("start {:?}", c.elem().name()),
                        typst::introspection::Tag::End(_, _, _) => "end".into(),
                    }
                ),
                _ => {}
            }
        }
    }
    for p in l.document.pages() {
        walk(&p.frame, 0);
    }
}
