//! The page of the workbench, embedded in the binary: one HTML shell, one stylesheet and one
//! script (plain JavaScript, no build step), all from `assets/`.

use super::reply::{self, Reply};

const INDEX: &str = include_str!("../../assets/index.html");
const SCRIPT: &str = include_str!("../../assets/app.js");
const STYLE: &str = include_str!("../../assets/app.css");

/// The page shell.
pub fn page() -> Reply {
    reply::bytes(200, "text/html; charset=utf-8", INDEX.as_bytes().to_vec())
}

/// The asset named `name`, if there is one.
pub fn asset(name: &str) -> Option<Reply> {
    let (content_type, text) = match name {
        "app.js" => ("text/javascript; charset=utf-8", SCRIPT),
        "app.css" => ("text/css; charset=utf-8", STYLE),
        _ => return None,
    };
    Some(reply::bytes(200, content_type, text.as_bytes().to_vec()))
}
