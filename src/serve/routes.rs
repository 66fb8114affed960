//! Which request does what: the guard first, then one handler per route. Every failure is a
//! [`Refusal`] answered with its status and a plain sentence, never a panic.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};
use tiny_http::{Method, Request};

use super::app::App;
use super::body::{body, json_body, MAX_COPY};
use super::guard::{Admitted, Refusal};
use super::reply::{self, Reply};
use super::workspace::{Checked, Workspace};
use super::{amendments, assets, form, package, preview};

/// Answers `request`.
pub fn handle(app: &App, mut request: Request) {
    let api = request.url().starts_with("/api/");
    let reply = match app.guard.admit(&request) {
        Err(refused) if refused.status == 401 && request.url() == assets::PUBLIC => assets::style(),
        Err(refused) => reply::refusal(refused.status, &refused.message, api),
        Ok(Admitted::Entering) => reply::enter(&app.guard.set_cookie()),
        Ok(Admitted::Member) => {
            let answered =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| route(app, &mut request)));
            match answered {
                Ok(Ok(reply)) => reply,
                Ok(Err(refused)) => reply::refusal(refused.status, &refused.message, api),
                Err(_) => reply::refusal(500, "The workbench failed to answer this request.", api),
            }
        }
    };
    let _ = request.respond(reply);
}

/// The path of `request` split at `/`, without its query.
fn parts(url: &str) -> Vec<&str> {
    let path = url.split('?').next().unwrap_or_default();
    path.split('/').filter(|p| !p.is_empty()).collect()
}

/// The values of the query parameter `name`, decoded.
fn query(url: &str, name: &str) -> Vec<String> {
    let Some((_, query)) = url.split_once('?') else { return Vec::new() };
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, _)| *key == name)
        .filter_map(|(_, value)| percent_decode(value))
        .collect()
}

/// `%XX` escapes and `+` decoded; `None` if the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn route(app: &App, request: &mut Request) -> Result<Reply, Refusal> {
    let url = request.url().to_string();
    let method = request.method().clone();
    let parts = parts(&url);
    match (&method, parts.as_slice()) {
        (Method::Get, []) => Ok(assets::page()),
        (Method::Get, [name]) => assets::asset(name).ok_or_else(not_found),
        (Method::Get, ["api", "sessions"]) => {
            let list = app.places.list(&app.set).map_err(|e| Refusal::new(500, e.message))?;
            Ok(reply::json(
                200,
                &json!({ "sessions": list, "dir": app.places.dir.display().to_string() }),
            ))
        }
        (Method::Post, ["api", "sessions"]) => {
            #[derive(Deserialize)]
            struct New {
                name: String,
            }
            let new: New = json_body(request)?;
            app.places.create(&new.name, &app.set.starter())?;
            Ok(reply::json(201, &json!({ "name": new.name })))
        }
        (Method::Get, ["api", "sessions", name]) => {
            let workspace = app.workspaces.get(&app.places, name, &app.set)?;
            let checked = workspace.current();
            let form = form::form(&app.set);
            let (documents, proposed) = match &checked.session {
                Some((session, _)) => (
                    preview::documents(&app.set, session)
                        .iter()
                        .map(|d| json!({ "file": d.file_name, "role": d.role }))
                        .collect(),
                    amendments::amendments(&app.set, session),
                ),
                None => (Vec::new(), Vec::new()),
            };
            Ok(reply::json(
                200,
                &json!({
                    "form": form,
                    "documents": documents,
                    "amendments": proposed,
                    "session": checked.snapshot,
                }),
            ))
        }
        (Method::Post, ["api", "sessions", name, action]) => {
            let workspace = app.workspaces.get(&app.places, name, &app.set)?;
            session_action(app, &workspace, action, request)
        }
        (Method::Get, ["api", "pages", file]) => {
            let hash = file.strip_suffix(".png").ok_or_else(not_found)?;
            let png = app.pictures.get(hash).ok_or_else(not_found)?;
            Ok(reply::bytes(200, "image/png", png.to_vec()))
        }
        (Method::Get, ["api", "packages"]) => Ok(reply::json(200, &package::list(app))),
        (Method::Post, ["api", "packages", id, "cosign"]) => package::cosign(app, id, request),
        (Method::Post, ["api", "check"]) => {
            let name = query(&url, "name").pop().unwrap_or_else(|| "copy.pdf".into());
            let id = query(&url, "package").pop().unwrap_or_default();
            let keys: Vec<String> =
                query(&url, "key").into_iter().filter(|k| !k.trim().is_empty()).collect();
            let dir = app.places.package(&id)?;
            let bytes = body(request, MAX_COPY)?;
            let checked = app.copies.check(&name, &bytes, dir, &keys, &app.reader)?;
            Ok(reply::json(200, &checked))
        }
        (Method::Get, ["packages", id, file]) => package::file(app, id, file),
        (Method::Get, _) | (Method::Post, _) => Err(not_found()),
        _ => Err(Refusal::new(405, "Refused: the workbench answers GET and POST only.")),
    }
}

/// What a request to `/api/sessions/NAME/ACTION` does.
fn session_action(
    app: &App,
    workspace: &Arc<Workspace>,
    action: &str,
    request: &mut Request,
) -> Result<Reply, Refusal> {
    #[derive(Deserialize)]
    struct Edit {
        key: String,
        value: Value,
        #[serde(default)]
        document: usize,
        /// Pixels per point of the page's pictures on this screen.
        scale: Option<f64>,
    }
    #[derive(Deserialize)]
    struct Wanted {
        revision: u64,
        #[serde(default)]
        document: usize,
        scale: Option<f64>,
        /// The pictures the page shows already, whose bytes it needs not again.
        #[serde(default)]
        have: Vec<String>,
    }
    let checked = match action {
        "edit" => {
            let edit: Edit = json_body(request)?;
            let known = known_keys(app);
            let checked = workspace.edit(&edit.key, &edit.value, &known)?;
            want(app, workspace, &checked, edit.document, preview::scale(edit.scale));
            checked
        }
        "preview" => {
            let wanted: Wanted = json_body(request)?;
            let checked = workspace.current();
            want(app, workspace, &checked, wanted.document, preview::scale(wanted.scale));
            let shown = workspace
                .preview
                .wait(checked.snapshot.revision.max(wanted.revision), wanted.document)
                .ok_or_else(|| Refusal::new(503, "The preview took too long; edit again."))?;
            return Ok(reply::json(200, &preview::answer(&shown, &wanted.have, &app.pictures)));
        }
        "save" => workspace.save()?,
        "reload" => workspace.reload()?,
        "build" => return package::build(app, workspace, request),
        _ => return Err(not_found()),
    };
    Ok(reply::json(200, &checked.snapshot))
}

/// Asks for the preview of `document` as `checked` stands, drawn at `scale` pixels per point.
fn want(app: &App, workspace: &Workspace, checked: &Checked, document: usize, scale: f64) {
    if let Some((session, ready)) = &checked.session {
        workspace.preview.want(
            &app.set,
            (checked.snapshot.revision, document),
            (session.clone(), *ready),
            scale,
            &app.pictures,
        );
    }
}

/// The keys an edit may set: the form's fields and the amendments' decisions.
fn known_keys(app: &App) -> Vec<String> {
    let form = form::form(&app.set);
    let mut keys: Vec<String> =
        form.iter().flat_map(|g| g.fields.iter().map(|f| f.key.clone())).collect();
    keys.extend(
        app.set.catalog.amendments.iter().map(|a| format!("{}.{}", form::AMENDMENTS, a.id)),
    );
    keys
}

fn not_found() -> Refusal {
    Refusal::new(404, "There is nothing at this address in the workbench.")
}

#[cfg(test)]
mod tests {
    use super::{parts, percent_decode, query};

    #[test]
    fn paths_and_queries_are_split_and_decoded() {
        assert_eq!(parts("/api/sessions/a?x=1"), ["api", "sessions", "a"]);
        assert_eq!(
            query("/x?key=RW%2Bq%3D&key=ssh-ed25519+AAAA&n=1", "key"),
            ["RW+q=", "ssh-ed25519 AAAA"]
        );
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%4"), Some("%4".into()));
    }
}
