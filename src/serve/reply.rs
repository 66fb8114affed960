//! The workbench's answers: JSON for the page's scripts, the embedded assets, package files,
//! and a clear page for every refusal, all with headers that keep the page to itself (a
//! strict Content-Security-Policy with no external resource and no inline script, no
//! framing, no sniffing, no caching, no referrer).

use std::io::Cursor;

use serde::Serialize;
use tiny_http::{Header, Response};

/// A response with its body in memory.
pub type Reply = Response<Cursor<Vec<u8>>>;

/// The policy of the workbench's own page: its scripts, styles and images only (page pictures
/// arrive as `blob:` URLs), requests to itself only, in no frame.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' \
                   blob:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; \
                   base-uri 'none'";
/// The policy of a package's `verify.html` shown by the workbench: the page keeps its inline
/// script and style but runs sandboxed, in an origin of its own with no access to the
/// workbench's cookie or requests, and reaches no network.
const PAGE_CSP: &str = "sandbox allow-scripts allow-downloads; default-src 'none'; script-src \
                        'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; \
                        frame-ancestors 'none'";

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// `body` as a response of `status` and `content_type`, with the workbench's headers.
pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    with_policy(status, content_type, body, CSP)
}

fn with_policy(status: u16, content_type: &str, body: Vec<u8>, csp: &str) -> Reply {
    let headers = [
        ("Content-Type", content_type),
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ];
    headers
        .into_iter()
        .filter_map(|(name, value)| header(name, value))
        .fold(Response::from_data(body).with_status_code(status), |r, h| r.with_header(h))
}

/// A JSON answer.
pub fn json(status: u16, value: &impl Serialize) -> Reply {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    bytes(status, "application/json; charset=utf-8", body)
}

/// A package's `verify.html`, sandboxed.
pub fn package_page(body: Vec<u8>) -> Reply {
    with_policy(200, "text/html; charset=utf-8", body, PAGE_CSP)
}

/// A file offered for download as `name` (a plain file name).
pub fn download(content_type: &str, name: &str, body: Vec<u8>) -> Reply {
    let disposition = format!("attachment; filename=\"{name}\"");
    let reply = bytes(200, content_type, body);
    match header("Content-Disposition", &disposition) {
        Some(h) => reply.with_header(h),
        None => reply,
    }
}

/// A redirection to `/` that sets the token cookie.
pub fn enter(set_cookie: &str) -> Reply {
    let reply = bytes(303, "text/plain; charset=utf-8", b"Opening the workbench".to_vec());
    [header("Location", "/"), header("Set-Cookie", set_cookie)]
        .into_iter()
        .flatten()
        .fold(reply, |r, h| r.with_header(h))
}

/// A refusal: for the page's scripts (`api`) `{"error": message}`, else a page that says it.
pub fn refusal(status: u16, message: &str, api: bool) -> Reply {
    if api {
        return json(status, &serde_json::json!({ "error": message }));
    }
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>accord \
         workbench: refused</title><link rel=\"stylesheet\" href=\"/app.css\"></head><body \
         class=\"refused\"><main><h1>This request was refused</h1><p>{}</p><p \
         class=\"status\">HTTP {status}</p></main></body></html>\n",
        escape_html(message)
    );
    bytes(status, "text/html; charset=utf-8", page.into_bytes())
}

/// `text` safe to put in HTML text: `&`, `<`, `>`, `"` and `'` as entities.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn refusal_pages_show_messages_as_text() {
        assert_eq!(escape_html("<script>'&\""), "&lt;script&gt;&#39;&amp;&quot;");
    }
}
