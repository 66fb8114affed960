//! The page of the workbench, embedded in the binary: one HTML shell, one stylesheet and one
//! script (plain JavaScript, no build step), all from `assets/`.

use super::reply::{self, Reply};

const INDEX: &str = include_str!("../../assets/index.html");
const SCRIPT: &str = include_str!("../../assets/app.js");
const STYLE: &str = include_str!("../../assets/app.css");

/// The one asset served without the token, to a request that passed the other checks: the
/// stylesheet, which holds no secret, so that a refusal page is as legible as the workbench.
pub const PUBLIC: &str = "/app.css";

/// The page shell.
pub fn page() -> Reply {
    reply::bytes(200, "text/html; charset=utf-8", INDEX.as_bytes().to_vec())
}

/// The asset named `name`, if there is one.
pub fn asset(name: &str) -> Option<Reply> {
    match name {
        "app.js" => {
            Some(reply::bytes(200, "text/javascript; charset=utf-8", SCRIPT.as_bytes().to_vec()))
        }
        "app.css" => Some(style()),
        _ => None,
    }
}

/// The stylesheet.
pub fn style() -> Reply {
    reply::bytes(200, "text/css; charset=utf-8", STYLE.as_bytes().to_vec())
}
