//! PDFs made to exhaust a PDF reader, one per way the issue found (issue 19), written here at
//! test time (small files, most of them a few KB, that decode or draw to gigabytes), and the
//! overlays that paint over a word or stamp a copy.

use std::io::Write as _;

/// A PDF of `objects` (each the text between `N 0 obj` and `endobj`, numbered from 1; object 1
/// is the catalog), with a correct cross-reference table.
pub fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A stream object: `dict` entries, the data, with `/Length`.
pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend(data);
    out.extend(b"\nendstream");
    out
}

/// zlib-compressed bytes.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Raw deflate (no zlib header), which zlib refuses and hayro decodes.
fn raw_deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A one-page document (A4) whose page draws `content` with `resources`.
pub fn one_page(content: Vec<u8>, resources: &str, more: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << {resources} >> /Contents 4 0 R >>").into_bytes(),
        content,
    ];
    objects.extend(more);
    pdf(&objects)
}

/// `[` nested a million deep: hayro's parser recursion would overflow any stack.
const DEEP: usize = 1_000_000;

/// Hostile PDFs by name, as the corpus generates them.
pub fn hostile(name: &str) -> Option<Vec<u8>> {
    let deep = [b"[".repeat(DEEP), b"]".repeat(DEEP)].concat();
    let q_bomb = b"q ".repeat(2_000_000);
    Some(match name {
        // Nesting that reaches hayro past a guard that scans the file naively.
        "deep-in-raw-deflate" => one_page(stream("/Filter /FlateDecode", &raw_deflate(&deep)), "", vec![]),
        "deep-behind-bad-adler32" => {
            let mut data = zlib(&deep);
            *data.last_mut().unwrap() ^= 0xFF;
            one_page(stream("/Filter /FlateDecode", &data), "", vec![])
        }
        "deep-after-paren-in-comment" => {
            let mut object = b"% a comment with a ( in it\n<< /A ".to_vec();
            object.extend(&deep);
            object.extend(b" >>");
            one_page(stream("", b"0 0 m"), "", vec![object])
        }
        "deep-after-name-with-stream" => {
            let mut object = b"<< /upstream ".to_vec();
            object.extend(&deep);
            object.extend(b" /endstream 1 >>");
            one_page(stream("", b"0 0 m"), "", vec![object])
        }
        "deep-behind-a-predictor" => {
            // PNG "Up" rows: a row of 1,000 `[` and 499 rows that repeat it, then `]` alike.
            let mut rows = Vec::new();
            for byte in [b'[', b']'] {
                rows.push(0);
                rows.extend([byte; 1000]);
                for _ in 0..499 {
                    rows.push(2);
                    rows.extend([0; 1000]);
                }
            }
            let dict = "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 1000 >>";
            one_page(stream(dict, &zlib(&rows)), "", vec![])
        }
        // Forms drawn again at every Do.
        "form-dag" => {
            let mut more = Vec::new();
            // Form N (object 5 + N) draws form N + 1 twice: 2^40 forms drawn from 40.
            for level in 0..40 {
                let last = level == 39;
                let body = if last { b"0 0 1 1 re f".to_vec() } else { b"/X Do /X Do".to_vec() };
                let res = match last {
                    true => String::new(),
                    false => format!("/XObject << /X {} 0 R >>", 6 + level),
                };
                let dict = format!(
                    "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << {res} >>"
                );
                more.push(stream(&dict, &body));
            }
            one_page(stream("", b"/X Do"), "/XObject << /X 5 0 R >>", more)
        }
        "form-draws-itself" => one_page(
            stream("", b"/X Do"),
            "/XObject << /X 5 0 R >>",
            vec![stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X 5 0 R >> >>", b"/X Do /X Do /X Do")],
        ),
        "big-form-drawn-a-thousand-times" => {
            let form = zlib(&b"0 0 m 1 1 l S ".repeat(100_000));
            one_page(
                stream("", &b"/X Do ".repeat(1000)),
                "/XObject << /X 5 0 R >>",
                vec![stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Filter /FlateDecode", &form)],
            )
        }
        // Memory.
        "q-nesting" => one_page(stream("/Filter /FlateDecode", &zlib(&q_bomb)), "", vec![]),
        "q-nesting-separated-by-nul" => {
            one_page(stream("/Filter /FlateDecode", &zlib(&b"q\0".repeat(2_000_000))), "", vec![])
        }
        "flate-over-flate" => {
            let bomb = zlib(&zlib(&vec![b' '; 1 << 30]));
            one_page(stream("/Filter [/FlateDecode /FlateDecode]", &bomb), "", vec![])
        }
        "flate-over-run-length" => {
            let runs = [129u8, b' '].repeat(8 << 20); // 128 bytes for every 2: 1 GB
            one_page(stream("/Filter [/FlateDecode /RunLengthDecode]", &zlib(&runs)), "", vec![])
        }
        "flate-over-ascii85-zeros" => {
            let zeros = b"z".repeat(256 << 20); // 4 bytes for every 1: 1 GB
            one_page(stream("/Filter [/FlateDecode /ASCII85Decode]", &zlib(&zeros)), "", vec![])
        }
        "object-header-on-two-lines" => {
            // Object 5, which the page uses as a font, packed in an object stream whose header
            // is written `6 0\nobj`, past a cross-reference table that is wrong: hayro finds it
            // by scanning the file.
            let packed = [b"5 0 ".to_vec(), deep.clone()].concat();
            let objstm = stream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", &zlib(&packed));
            let mut file = one_page(stream("", b"BT /F 12 Tf (x) Tj ET"), "/Font << /F 5 0 R >>", vec![]);
            let xref = find(&file, b"startxref\n").unwrap() + 10;
            file.splice(xref..xref + 1, *b"9");
            file.extend(b"6 0\nobj\n");
            file.extend(&objstm);
            file.extend(b"\nendobj\n");
            file
        }
        "font-program-behind-a-chain" => {
            let program = zlib(&zlib(&vec![0u8; 1 << 30]));
            one_page(
                stream("", b"BT /F 12 Tf 100 700 Td (x) Tj ET"),
                "/Font << /F 5 0 R >>",
                vec![
                    b"<< /Type /Font /Subtype /TrueType /BaseFont /X /FirstChar 32 /LastChar 126 /FontDescriptor 6 0 R >>".to_vec(),
                    b"<< /Type /FontDescriptor /FontName /X /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 7 0 R >>".to_vec(),
                    stream("/Length1 1000 /Filter [/FlateDecode /FlateDecode]", &program),
                ],
            )
        }
        "page-tree-dag" => {
            let mut objects = vec![b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()];
            for level in 0..10 {
                let kid = level + 3;
                objects.push(format!("<< /Type /Pages /Kids [{kid} 0 R {kid} 0 R {kid} 0 R {kid} 0 R] /Count 4 >>").into_bytes());
            }
            objects.push(b"<< /Type /Page /MediaBox [0 0 595 842] /Contents 13 0 R >>".to_vec());
            objects.push(stream("", b"0 0 m"));
            pdf(&objects)
        }
        "a-million-pages" => {
            let kids = "4 0 R ".repeat(1_000_000);
            pdf(&[
                b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
                format!("<< /Type /Pages /Kids [{kids}] /Count 1000000 >>").into_bytes(),
                stream("", b"0 0 m"),
                b"<< /Type /Page /MediaBox [0 0 595 842] /Contents 3 0 R >>".to_vec(),
            ])
        }
        "one-stream-on-200-pages" => {
            let content = zlib(&b"0 0 m 1 1 l S ".repeat(1_100_000)); // 15 MB
            let kids: String = (0..200).map(|i| format!("{} 0 R ", 4 + i)).collect();
            let mut objects = vec![
                b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
                format!("<< /Type /Pages /Kids [{kids}] /Count 200 >>").into_bytes(),
                stream("/Filter /FlateDecode", &content),
            ];
            for _ in 0..200 {
                objects.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>".to_vec());
            }
            pdf(&objects)
        }
        _ => return None,
    })
}

/// A page the size of A4 that paints `content` in Helvetica (`/F`), not embedded: for
/// `qpdf --overlay`, which draws it over a page of a copy.
pub fn overlay(content: &str) -> Vec<u8> {
    one_page(
        stream("", content.as_bytes()),
        "/Font << /F 5 0 R >>",
        vec![b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec()],
    )
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
