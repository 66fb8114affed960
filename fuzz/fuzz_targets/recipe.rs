//! A structure-aware generator of PDFs for the `pdf_text` target: each byte of the recipe picks
//! a piece (a form that draws others, a page that shares a content stream, a filter over the
//! last stream, nesting, `q` runs, a page tree node whose kids repeat), so that small inputs
//! reach the structures hostile files are made of.

// The PDF writer of the integration tests' hostile PDFs.
#[allow(dead_code)]
#[path = "../../tests/it/hostile_pdfs.rs"]
mod hostile_pdfs;

use hostile_pdfs::{pdf, stream, zlib};

/// The PDF a recipe makes: objects 1 (catalog) and 2 (page tree) first, then one per step.
pub fn build(recipe: &[u8]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![Vec::new(), Vec::new()];
    let mut pages: Vec<usize> = Vec::new();
    let mut content = b"BT /F 12 Tf 10 10 Td (a) Tj ET ".to_vec();
    for (i, &step) in recipe.iter().take(64).enumerate() {
        let arg = recipe.get(i + 1).copied().unwrap_or(0) as usize;
        let next = objects.len() + 1;
        match step % 8 {
            0 => content.extend(b"[".repeat(arg * 4)),
            1 => content.extend(b"q ".repeat(arg * 4)),
            2 => objects.push(form(&format!("/X{} Do /X{} Do", arg % 4, (arg + 1) % 4), next)),
            3 => content.extend(format!("/X{} Do ", arg % 4).as_bytes()),
            4 => {
                objects.push(stream("", &content));
                pages.push(objects.len());
            }
            5 => {
                let last = objects.len();
                if let Some(o) = objects.last_mut().filter(|_| last > 2) {
                    *o = stream("/Filter /FlateDecode", &zlib(o));
                }
            }
            6 => content.extend(format!("{arg} 0 0 {arg} 0 0 cm 0 0 m 1 1 l S ").as_bytes()),
            _ => {
                let kids = format!("{} 0 R ", next).repeat(arg % 8 + 1);
                objects.push(format!("<< /Type /Pages /Kids [{kids}] >>").into_bytes());
            }
        }
    }
    objects.push(stream("", &content));
    pages.push(objects.len());
    let first_page = objects.len() + 1;
    let xobjects: String = (0..4).map(|k| format!("/X{k} {} 0 R ", 3 + k)).collect();
    for content in &pages {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents {content} 0 R \
                 /Resources << /XObject << {xobjects} >> /Font << /F << /Type /Font /Subtype \
                 /Type1 /BaseFont /Helvetica >> >> >> >>"
            )
            .into_bytes(),
        );
    }
    let kids: String = (first_page..=objects.len()).map(|p| format!("{p} 0 R ")).collect();
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>".to_vec();
    objects[1] = format!("<< /Type /Pages /Kids [{kids}] /Count {} >>", pages.len()).into_bytes();
    pdf(&objects)
}

fn form(body: &str, _me: usize) -> Vec<u8> {
    let xobjects: String = (0..4).map(|k| format!("/X{k} {} 0 R ", 3 + k)).collect();
    stream(
        &format!("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << {xobjects} >> >>"),
        body.as_bytes(),
    )
}
