//! `accord serve`, the workbench, as a secretariat user meets it, in headless Chromium: open
//! the printed address, create a session, fill every field, see a problem come and go, see
//! the preview change, decide an amendment, save (comments kept), check a genuine and an
//! altered copy; and the requests a local server must refuse. Each step leaves a screenshot
//! in `target/workbench-screenshots/`, for a person to look at.
//!
//! The page's test contract (issue 18): inputs carry `name` = the config key; a field's
//! problem is `[data-problem-for=KEY]`; the preview is `[data-preview]` with `data-revision`,
//! holding one `[data-page]` per page; amendments are `[data-amendment=ID]` with controls of
//! `value="accept"` / `value="reject"`; sessions are links `[data-session=NAME]`; buttons
//! `[data-action=save]`, `[data-action=build]`; the copy input is
//! `input[type=file][data-action=check-copy]`, its verdict `.verdict[data-status]`;
//! `body[data-state]` is `busy` while a request runs and `idle` after.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Stdio};
use std::time::Duration;

use crate::util::{
    accord, accord_command, code, keygen, replace_once, require_tool, root, text, tmp, TempDir,
};
use crate::webdriver::Browser;

/// How long the page may take to answer a step.
const WAIT: Duration = Duration::from_secs(30);

/// A running `accord serve` on a directory of its own; stopped with SIGINT when dropped.
struct Workbench {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    /// The address it printed, with the token.
    url: String,
    /// Its port.
    port: u16,
}

impl Workbench {
    fn start(dir: &Path, configs: &str) -> Workbench {
        fs::create_dir_all(root().join("target/workbench-screenshots")).unwrap();
        let mut child = accord_command(dir, &["serve", configs])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(
                fs::File::create(root().join("target/workbench-screenshots/serve.err")).unwrap(),
            )
            .spawn()
            .expect("start accord serve");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut url = String::new();
        stdout.read_line(&mut url).unwrap();
        let url = url.trim().to_string();
        assert!(url.starts_with("http://127.0.0.1:") && url.contains("/?token="), "{url}");
        let port = url["http://127.0.0.1:".len()..].split('/').next().unwrap().parse().unwrap();
        Workbench { child, _stdout: stdout, url, port }
    }

    /// One raw HTTP request; the status code and the body.
    fn raw(&self, request: &str, body: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer).to_string();
        let status = answer.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        (status, answer)
    }

    /// The token cookie, as the browser sends it.
    fn cookie(&self) -> String {
        format!("accord-{}={}", self.port, self.url.split("token=").nth(1).unwrap())
    }
}

impl Drop for Workbench {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn browser() -> Browser {
    require_tool("chromium", "chromium");
    require_tool("chromedriver", "chromium-driver");
    let b = Browser::start().expect("start chromedriver and headless chromium");
    b.set_window_size(1440, 1000).unwrap();
    b
}

/// Saves a screenshot of the step `name` under `target/workbench-screenshots/`.
fn shot(b: &Browser, name: &str) {
    let dir = root().join("target/workbench-screenshots");
    fs::create_dir_all(&dir).unwrap();
    b.screenshot(&dir.join(format!("{name}.png"))).unwrap();
}

/// Waits until no request runs and `expression` holds.
fn settle(b: &Browser, expression: &str) {
    if let Err(e) =
        b.wait_until(WAIT, &format!("document.body.dataset.state === 'idle' && ({expression})"))
    {
        shot(b, "failed");
        let state = b.execute("return [document.body.dataset.state, document.getElementById('status').textContent, performance.getEntriesByType('resource').map(r => r.name + ' ' + Math.round(r.duration))]", &[]);
        panic!("{e}\nthe page: {state:?}");
    }
}

fn js(b: &Browser, script: &str) -> serde_json::Value {
    b.execute(script, &[]).unwrap()
}

/// Replaces the value of the input named `key` by typing `value`.
fn type_into(b: &Browser, key: &str, value: &str) {
    let input = b.find(&format!("[name=\"{key}\"]")).unwrap();
    input.clear().unwrap();
    input.send_keys(value).unwrap();
}

/// Clicks the element `css` as a person would, once it is scrolled to the middle of the view.
fn click(b: &Browser, css: &str) {
    b.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
        &[css.into()],
    )
    .unwrap();
    b.find(css).unwrap().click().unwrap();
}

fn problem(b: &Browser, key: &str) -> String {
    js(b, &format!(
        "const p = document.querySelector('[data-problem-for=\"{key}\"]'); return p ? p.textContent : ''"
    ))
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// The words of `accord verify` the verdict holds (shown or folded).
fn explanation(b: &Browser) -> String {
    js(b, "return document.querySelector('.verdict .explanation').textContent")
        .as_str()
        .unwrap()
        .to_string()
}

fn revision(b: &Browser) -> u64 {
    js(b, "return Number(document.querySelector('[data-preview]').dataset.revision)")
        .as_u64()
        .unwrap()
}

/// The hashes and texts of the preview's pages.
fn pages(b: &Browser) -> Vec<(String, String)> {
    let value = js(b, "return [...document.querySelectorAll('[data-page]')].map(p => [p.dataset.hash || '', p.querySelector('.page-text').textContent])");
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_str().unwrap().to_string()))
        .collect()
}

/// Every field a session fills, with a value.
const FILLED: [(&str, &str); 28] = [
    ("id", "june-2016"),
    ("signing.date", "2016-09-19"),
    ("signing.place", "New York"),
    ("signing.originals", "2"),
    ("signing.languages", "English"),
    ("signatories.united_nations.name", "Ban Ki-moon"),
    ("signatories.united_nations.title", "Secretary-General"),
    ("signatories.iom.name", "William Lacy Swing"),
    ("signatories.iom.title", "Director General"),
    ("council.session", "Fifth Special Session"),
    ("council.session_symbol", "C/Sp/5"),
    ("council.meeting_date", "2016-06-30"),
    ("council.agenda_item", "4"),
    ("council.proposal_symbol", "C/Sp/5/3"),
    ("working_group.meeting", "Fourteenth meeting"),
    ("working_group.date", "2016-06-03"),
    ("approvals.united_nations.organ", "General Assembly of the United Nations"),
    ("approvals.united_nations.resolution", "70/296"),
    ("approvals.united_nations.date", "2016-07-25"),
    ("approvals.iom.organ", "Council of the International Organization for Migration"),
    ("approvals.iom.resolution", "No. 1317"),
    ("approvals.iom.date", "2016-06-30"),
    ("notifications.united_nations.date", "2016-07-29"),
    ("notifications.united_nations.name", "Miguel de Serpa Soares"),
    ("notifications.united_nations.title", "Under-Secretary-General for Legal Affairs"),
    ("notifications.iom.date", "2016-07-04"),
    ("notifications.iom.name", "Laura Thompson"),
    ("notifications.iom.title", "Deputy Director General"),
];

#[test]
fn a_secretariat_user_prepares_a_session_in_the_workbench() {
    let t = tmp();
    let configs = t.path().join("config");
    fs::create_dir(&configs).unwrap();
    let wb = Workbench::start(t.path(), "config");
    let b = browser();
    b.goto(&wb.url).unwrap();
    settle(&b, "document.querySelector('[name=new-session]')");
    assert!(
        !js(&b, "return location.search.includes('token')").as_bool().unwrap(),
        "the token leaves the address bar"
    );
    shot(&b, "01-sessions-empty");

    // Create a session.
    type_into(&b, "new-session", "june-2016");
    click(&b, "[data-action=create]");
    settle(&b, "document.querySelector('[data-preview] [data-page]') && document.querySelector('[name=\"signing.place\"]')");
    assert!(configs.join("june-2016.toml").is_file());
    shot(&b, "02-new-session");

    // Fill every field; the decisions come next.
    for (key, value) in FILLED {
        type_into(&b, key, value);
    }
    js(&b, "const s = document.querySelector('[name=\"council.revised_agenda\"]'); s.value = 'true'; s.dispatchEvent(new Event('change'))");
    settle(&b, "!document.querySelector('[data-problem-for=\"signing.place\"]').textContent");
    for (key, _) in FILLED {
        assert_eq!(problem(&b, key), "", "{key}");
    }
    shot(&b, "03-filled");

    // A bad date: its problem appears next to it, in accord check's words, and goes when fixed.
    type_into(&b, "signing.date", "2016-02-30");
    settle(&b, "document.querySelector('[data-problem-for=\"signing.date\"]').textContent");
    let message = problem(&b, "signing.date");
    assert!(message.contains("2016-02-30") || message.contains("February"), "{message}");
    b.execute(
        "document.querySelector('[name=\"signing.date\"]').scrollIntoView({block: 'center'})",
        &[],
    )
    .unwrap();
    shot(&b, "04-bad-date");
    type_into(&b, "signing.date", "2016-09-19");
    settle(&b, "!document.querySelector('[data-problem-for=\"signing.date\"]').textContent");

    // An edit shows in the preview: a new revision, and the page with the place changes.
    settle(
        &b,
        &format!("Number(document.querySelector('[data-preview]').dataset.revision) >= {}", 1),
    );
    let before = (revision(&b), pages(&b));
    type_into(&b, "signing.place", "Geneva");
    settle(
        &b,
        &format!(
            "Number(document.querySelector('[data-preview]').dataset.revision) > {}",
            before.0
        ),
    );
    settle(&b, "[...document.querySelectorAll('[data-page] .page-text')].some(p => p.textContent.includes('Geneva'))");
    let after = pages(&b);
    let changed: Vec<usize> =
        (0..after.len()).filter(|&i| before.1.get(i).map(|p| &p.0) != Some(&after[i].0)).collect();
    assert!(
        !changed.is_empty() && changed.len() < after.len(),
        "only the pages that changed: {changed:?}"
    );
    assert!(changed.iter().any(|&i| after[i].1.contains("Geneva")));

    // Clicking the value in the preview brings its field into focus.
    js(&b, "document.querySelector('[data-page] .value[data-key=\"signing.place\"]').click()");
    settle(&b, "document.activeElement && document.activeElement.name === 'signing.place'");

    // Decide the amendments: each in its sentence; accepting one changes the preview's words.
    b.execute("document.getElementById('changes').scrollIntoView()", &[]).unwrap();
    let catalog = fs::read_to_string(root().join("templates/catalog.toml")).unwrap();
    let ids: Vec<String> = toml::from_str::<toml::Value>(&catalog).unwrap()["amendment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    for id in &ids {
        let choice = if id == "art2-1-crucial" { "reject" } else { "accept" };
        click(&b, &format!("[data-amendment=\"{id}\"] [value=\"{choice}\"]"));
    }
    settle(&b, "[...document.querySelectorAll('[data-page] .page-text')].some(p => p.textContent.includes('an organization with a global leading role'))");
    shot(&b, "05-amendments");
    let r = revision(&b);
    click(&b, "[data-amendment=\"art2-1-crucial\"] [value=\"accept\"]");
    settle(&b, &format!("Number(document.querySelector('[data-preview]').dataset.revision) > {r} && [...document.querySelectorAll('[data-page] .page-text')].some(p => p.textContent.includes('a crucial global leading role'))"));
    shot(&b, "06-amendment-accepted");

    // Review: every answer and decision as text, the config's SHA-256, nothing missing.
    b.execute("document.getElementById('review').scrollIntoView()", &[]).unwrap();
    settle(&b, "document.querySelector('#review-body').textContent.includes('Nothing is missing')");
    settle(&b, "document.querySelector('#preview-note').textContent.includes('Exactly as it will be signed')");
    shot(&b, "07-review");

    // Save: the file on disk has the values, and the starter's comments.
    click(&b, "[data-action=save]");
    settle(&b, "document.getElementById('saved').textContent === 'All changes saved'");
    let saved = fs::read_to_string(configs.join("june-2016.toml")).unwrap();
    let starter = accord(t.path(), &["init"]);
    let starter = text(&starter);
    let comments: Vec<&str> = starter.lines().filter(|l| l.starts_with("# ")).collect();
    assert!(comments.len() > 10, "{starter}");
    for comment in comments.iter().filter(|c| !c.contains("revised_agenda")) {
        assert!(saved.contains(comment), "comment {comment:?} kept in\n{saved}");
    }
    let parsed: toml::Value = toml::from_str(&saved).unwrap();
    assert_eq!(parsed["signing"]["place"].as_str(), Some("Geneva"));
    assert_eq!(parsed["council"]["revised_agenda"].as_bool(), Some(true));
    assert_eq!(parsed["amendments"]["art2-1-crucial"].as_str(), Some("accept"));
    let check = accord(t.path(), &["check", "config/june-2016.toml"]);
    assert_eq!(code(&check), 0, "{}", text(&check));
    shot(&b, "08-saved");

    // Build and sign with an encrypted key whose passphrase is typed in the page.
    fs::write(t.path().join("pw"), "correct horse battery staple\n").unwrap();
    let made = accord(t.path(), &["keygen", "--name", "secretariat", "--passphrase-file", "pw"]);
    assert_eq!(code(&made), 0, "{}", text(&made));
    fs::remove_file(t.path().join("pw")).unwrap();
    let key = t.path().join("secretariat.key");
    type_into(&b, "key-file", key.to_str().unwrap());
    type_into(&b, "passphrase", "not the passphrase");
    click(&b, "[data-action=build]");
    settle(&b, "document.querySelector('#build-result .problem')");
    assert!(!t.path().join("out/june-2016").exists(), "nothing built with a wrong passphrase");
    assert_eq!(js(&b, "return document.querySelector('[name=passphrase]').value"), "");
    type_into(&b, "passphrase", "correct horse battery staple");
    click(&b, "[data-action=build]");
    settle(&b, "document.querySelector('[data-package=\"june-2016\"]')");
    b.execute("document.querySelector('[data-package]').scrollIntoView({block: 'center'})", &[])
        .unwrap();
    shot(&b, "09-built-and-signed");
    let public = fs::read_to_string(t.path().join("secretariat.pub")).unwrap();
    let public = public.lines().nth(1).unwrap().to_string();
    let pdf = "out/june-2016/agreement-original-1.pdf";
    let verified =
        accord(t.path(), &["verify", pdf, "--package", "out/june-2016", "--key", &public]);
    assert_eq!(code(&verified), 0, "{}", text(&verified));
    let fingerprint =
        js(&b, "return document.querySelector('[data-package] [data-fingerprint]').textContent");
    let fingerprint = fingerprint.as_str().unwrap();
    let against = accord(
        t.path(),
        &[
            "verify",
            pdf,
            "--package",
            "out/june-2016",
            "--key",
            &public,
            "--fingerprint",
            fingerprint,
        ],
    );
    assert_eq!(code(&against), 0, "the fingerprint shown is the package's: {}", text(&against));
    let page =
        js(&b, "return document.querySelector('[data-package] a[href$=\"verify.html\"]').href");
    assert!(page.as_str().unwrap().ends_with("/packages/june-2016/verify.html"), "{page}");

    // Co-signing by the other party, once the package verifies with the published key.
    let bob = keygen(t.path(), "bob");
    js(&b, "document.querySelector('details.cosign').open = true");
    type_into(&b, "cosign-trusted", &public);
    type_into(&b, "cosign-key-file", bob.to_str().unwrap());
    type_into(&b, "cosign-signer", "Bob");
    click(&b, "[data-action=cosign]");
    settle(&b, "document.querySelector('[data-cosigned=\"Bob\"]')");
    b.execute("document.querySelector('[data-cosigned]').scrollIntoView({block: 'center'})", &[])
        .unwrap();
    shot(&b, "10-cosigned");
    let bob_public = fs::read_to_string(t.path().join("bob.pub")).unwrap();
    let bob_public = bob_public.lines().nth(1).unwrap().to_string();
    let both = accord(
        t.path(),
        &["verify", pdf, "--package", "out/june-2016", "--key", &public, "--key", &bob_public],
    );
    assert_eq!(code(&both), 0, "{}", text(&both));

    // A file changed on disk since it was opened is never overwritten.
    fs::write(configs.join("june-2016.toml"), saved.replace("Geneva", "Vienna")).unwrap();
    type_into(&b, "signing.place", "Nairobi");
    settle(&b, "!document.querySelector('[data-action=save]').disabled");
    click(&b, "[data-action=save]");
    settle(
        &b,
        "document.getElementById('status').textContent.includes('changed on this computer')",
    );
    assert!(fs::read_to_string(configs.join("june-2016.toml")).unwrap().contains("Vienna"));
    shot(&b, "11-changed-on-disk");
}

/// A package built and signed from the example, a copy of it changed by a decision, and the
/// workbench on the package's directory.
#[test]
fn a_copy_is_checked_in_the_workbench() {
    let t = tmp();
    let d = t.path();
    fs::create_dir(d.join("config")).unwrap();
    let example = fs::read_to_string(root().join("config/un-iom-2016.toml")).unwrap();
    fs::write(d.join("config/un-iom-2016.toml"), &example).unwrap();
    let key = keygen(d, "secretariat");
    let out = accord(d, &["build", "config/un-iom-2016.toml", "--key", key.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let changed =
        replace_once(&example, "art2-1-crucial = \"reject\"", "art2-1-crucial = \"accept\"");
    fs::write(d.join("changed.toml"), changed).unwrap();
    let out = accord(d, &["build", "changed.toml", "--out", "elsewhere"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let copies = d.join("copies");
    fs::create_dir(&copies).unwrap();
    fs::copy(
        d.join("out/un-iom-2016/agreement-original-2.pdf"),
        copies.join("from-delegation.pdf"),
    )
    .unwrap();
    fs::copy(d.join("elsewhere/un-iom-2016/agreement-original-1.pdf"), copies.join("altered.pdf"))
        .unwrap();
    let public = fs::read_to_string(d.join("secretariat.pub")).unwrap();
    let public = public.lines().nth(1).unwrap().to_string();

    let wb = Workbench::start(d, "config");
    let b = browser();
    b.goto(&wb.url).unwrap();
    settle(&b, "document.querySelector('[data-session=\"un-iom-2016\"]')");
    shot(&b, "12-sessions-signed");
    b.goto(&format!("http://127.0.0.1:{}/#/check", wb.port)).unwrap();
    settle(&b, "document.querySelector('[data-action=check-copy]')");
    b.find("[name=keys]").unwrap().send_keys(&public).unwrap();
    shot(&b, "13-check-copy");
    let check = |file: &Path, status: &str| {
        js(&b, "const r = document.getElementById('check-result'); if (r) r.replaceChildren()");
        b.find("input[type=file][data-action=check-copy]")
            .unwrap()
            .send_keys(file.to_str().unwrap())
            .unwrap();
        settle(&b, &format!("document.querySelector('.verdict[data-status=\"{status}\"]')"));
    };
    check(&copies.join("from-delegation.pdf"), "match");
    let explained = explanation(&b);
    assert!(explained.contains("MATCH agreement-original-2.pdf"), "{explained}");
    shot(&b, "14-copy-matches");
    js(&b, "document.getElementById('copy').value = ''");
    check(&copies.join("altered.pdf"), "no_match");
    let explained = explanation(&b);
    assert!(explained.contains("Article 2, paragraph 1"), "{explained}");
    assert!(explained.contains("crucial"), "{explained}");
    // accord verify's whole explanation shows, not folded away.
    assert!(js(&b, "return document.querySelector('.verdict .explanation').offsetHeight > 0")
        .as_bool()
        .unwrap());
    shot(&b, "15-copy-altered");
    // The changed page beside the signed one, the changed words boxed on both.
    let pairs =
        js(&b, "return document.querySelectorAll('.side-by-side .pair').length").as_u64().unwrap();
    assert!(pairs >= 1, "no page shown side by side");
    for side in ["signed", "copy"] {
        let marks = js(&b, &format!("return [...document.querySelectorAll('.side-by-side [data-side={side}] .mark')].length"));
        assert!(marks.as_u64().unwrap() >= 1, "no word marked on the {side} page");
        settle(&b, &format!("[...document.querySelectorAll('.side-by-side [data-side={side}] img')].every(i => i.complete && i.naturalWidth > 0)"));
    }
    b.execute(
        "document.querySelector('.side-by-side .mark').scrollIntoView({block: 'center'})",
        &[],
    )
    .unwrap();
    shot(&b, "15b-copy-side-by-side");
}

/// Whether the element `css` is inside the preview's visible part.
fn in_preview_view(b: &Browser, css: &str) -> bool {
    js(b, &format!(
        "const m = document.querySelector('{css}'); if (!m) return false; const box = document.querySelector('[data-preview]').getBoundingClientRect(); const r = m.getBoundingClientRect(); return r.top >= box.top && r.bottom <= box.bottom"
    ))
    .as_bool()
    .unwrap()
}

/// A new session, opened: every value still to fill in.
fn new_session(b: &Browser, wb: &Workbench, name: &str) {
    b.goto(&wb.url).unwrap();
    settle(b, "document.querySelector('[name=new-session]')");
    type_into(b, "new-session", name);
    click(b, "[data-action=create]");
    settle(b, "document.querySelector('[data-preview] [data-page] img[src]') && document.querySelector('[name=\"signing.place\"]')");
}

#[test]
fn an_unfilled_value_says_what_to_type_in_the_words_of_the_page() {
    let t = tmp();
    fs::create_dir(t.path().join("config")).unwrap();
    let wb = Workbench::start(t.path(), "config");
    let b = browser();
    new_session(&b, &wb, "s");
    // Under the field: what to type, from its example; never the starter's `xx`.
    let hint = problem(&b, "signing.place");
    assert!(hint.contains("New York") && !hint.contains("xx"), "{hint}");
    let placeholder =
        js(&b, "return document.querySelector('[name=\"signing.place\"]').placeholder");
    assert_eq!(placeholder, "For example: New York");
    assert!(!problem(&b, "signing.date").contains("xx"), "{}", problem(&b, "signing.date"));
    // In the preview: the field's label and example, not its key.
    let texts: Vec<String> = pages(&b).into_iter().map(|p| p.1).collect();
    let all = texts.join(" ");
    assert!(all.contains("[Place of signing, for example New York]"), "{all}");
    assert!(!all.contains("signing.place") && !all.contains("[xx"), "{all}");
    // In the review: what is missing, by the names the form gives the fields.
    let review = js(&b, "return document.getElementById('review-body').textContent");
    let review = review.as_str().unwrap();
    assert!(
        review.contains("Signing: Place of signing") && !review.contains("signing.place"),
        "{review}"
    );
    assert!(!review.contains("\"xx\""), "{review}");
    b.execute(
        "document.querySelector('[name=\"signing.place\"]').scrollIntoView({block: 'center'})",
        &[],
    )
    .unwrap();
    shot(&b, "17-unfilled-hints");
}

#[test]
fn a_date_is_picked_from_a_calendar_and_a_typed_date_is_kept() {
    let t = tmp();
    fs::create_dir(t.path().join("config")).unwrap();
    let wb = Workbench::start(t.path(), "config");
    let b = browser();
    new_session(&b, &wb, "s");
    let picker = "[data-picker-for=\"signing.date\"]";
    assert_eq!(js(&b, &format!("return document.querySelector('{picker}').type")), "date");
    let pick = |date: &str| {
        js(&b, &format!("const p = document.querySelector('{picker}'); p.value = '{date}'; p.dispatchEvent(new Event('change'))"));
    };
    // Picked: the field holds the date as a TOML date, and the preview prints it.
    type_into(&b, "council.meeting_date", "2016-06-30");
    pick("2016-09-19");
    settle(&b, "document.querySelector('[name=\"signing.date\"]').value === '2016-09-19' && !document.querySelector('[data-problem-for=\"signing.date\"]').textContent");
    settle(&b, "[...document.querySelectorAll('[data-page] .page-text')].some(p => p.textContent.includes('September'))");
    // Picked out of order: the same problem as typed.
    pick("2016-06-01");
    settle(&b, "document.querySelector('[data-problem-for=\"signing.date\"]').textContent.includes('before the Council meeting')");
    // Typed, a date no calendar has: kept as typed, with its problem; the calendar is empty.
    type_into(&b, "signing.date", "2016-02-30");
    settle(&b, "document.querySelector('[data-problem-for=\"signing.date\"]').textContent.includes('2016-02-30') || document.querySelector('[data-problem-for=\"signing.date\"]').textContent.includes('February')");
    assert_eq!(
        js(&b, "return document.querySelector('[name=\"signing.date\"]').value"),
        "2016-02-30"
    );
    assert_eq!(js(&b, &format!("return document.querySelector('{picker}').value")), "");
    b.execute(
        "document.querySelector('[name=\"signing.date\"]').scrollIntoView({block: 'center'})",
        &[],
    )
    .unwrap();
    shot(&b, "18-date-picker");
    // Picked again: the typed text gives way.
    pick("2016-09-19");
    settle(&b, "!document.querySelector('[data-problem-for=\"signing.date\"]').textContent");
}

/// The example as session `s` of a new workbench, open in a new browser (the directory is
/// removed when the first value is dropped).
fn example_session_open() -> (TempDir, Workbench, Browser) {
    let t = tmp();
    fs::create_dir(t.path().join("config")).unwrap();
    fs::copy(root().join("config/un-iom-2016.toml"), t.path().join("config/s.toml")).unwrap();
    let wb = Workbench::start(t.path(), "config");
    let b = browser();
    b.goto(&wb.url).unwrap();
    b.goto(&format!("http://127.0.0.1:{}/#/session/s", wb.port)).unwrap();
    (t, wb, b)
}

#[test]
fn deciding_an_amendment_scrolls_the_preview_to_where_it_changed() {
    let (_t, _wb, b) = example_session_open();
    settle(&b, "document.querySelectorAll('[data-page] img[src]').length >= 6");
    assert_eq!(js(&b, "return document.querySelector('[data-preview]').scrollTop"), 0);
    // A change far down the document: the preview follows it there.
    let r = revision(&b);
    click(&b, "[data-amendment=\"art8-3\"] [value=\"reject\"]");
    settle(&b, &format!("Number(document.querySelector('[data-preview]').dataset.revision) > {r} && document.querySelector('[data-page] .changed')"));
    let top = js(&b, "return document.querySelector('[data-preview]').scrollTop").as_f64().unwrap();
    assert!(top > 0.0, "the preview stayed at the top");
    assert!(in_preview_view(&b, "[data-page] .changed"), "the change is in view");
    shot(&b, "19-amendment-followed");
    // From the end of the document, a change near its start: the preview goes there, and
    // only there.
    js(&b, "const p = document.querySelector('[data-preview]'); p.scrollTop = p.scrollHeight");
    let r = revision(&b);
    click(&b, "[data-amendment=\"art2-1-crucial\"] [value=\"accept\"]");
    settle(&b, &format!("Number(document.querySelector('[data-preview]').dataset.revision) > {r} && document.querySelector('[data-page] .changed')"));
    assert!(in_preview_view(&b, "[data-page] .changed"), "the change is in view");
    shot(&b, "20-amendment-followed-back");
}

#[test]
fn the_workbench_refuses_what_a_local_server_must() {
    let t = tmp();
    fs::create_dir(t.path().join("config")).unwrap();
    fs::write(
        t.path().join("config/a.toml"),
        fs::read_to_string(root().join("config/un-iom-2016.toml")).unwrap(),
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc/hostname", t.path().join("config/out.toml")).unwrap();
    let wb = Workbench::start(t.path(), "config");
    let host = format!("127.0.0.1:{}", wb.port);
    let cookie = wb.cookie();
    let get = |path: &str, extra: &str| {
        wb.raw(
            &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n"),
            b"",
        )
    };
    // Admitted with the cookie.
    assert_eq!(get("/api/sessions", &format!("Cookie: {cookie}\r\n")).0, 200);
    // No token.
    let (status, page) = get("/api/sessions", "");
    assert_eq!(status, 401, "{page}");
    let (status, page) = get("/", "");
    assert_eq!(status, 401);
    assert!(page.contains("This request was refused") && page.contains("token"), "{page}");
    // The stylesheet alone needs no token (the refusal page wears it); the script does.
    assert_eq!(get("/app.css", "").0, 200);
    assert_eq!(get("/app.js", "").0, 401);
    let (status, _) = wb.raw(
        &format!(
            "GET /app.css HTTP/1.1\r\nHost: evil.example:{}\r\nConnection: close\r\n\r\n",
            wb.port
        ),
        b"",
    );
    assert_eq!(status, 421);
    // A wrong token.
    assert_eq!(get("/?token=0000", "").0, 403);
    // A foreign Host (DNS rebinding).
    let (status, _) = wb.raw(&format!("GET /api/sessions HTTP/1.1\r\nHost: evil.example:{}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n", wb.port), b"");
    assert_eq!(status, 421);
    // A foreign Origin (cross-site request).
    let body = br#"{"name":"x"}"#;
    let (status, _) = wb.raw(&format!("POST /api/sessions HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()), body);
    assert_eq!(status, 403);
    assert!(!t.path().join("config/x.toml").exists());
    // Paths escaping DIR: `..`, and a link leading out.
    for path in [
        "/api/sessions/..",
        "/api/sessions/..%2F..%2Fetc%2Fpasswd",
        "/api/sessions/out",
        "/packages/../x",
    ] {
        let (status, page) = get(path, &format!("Cookie: {cookie}\r\n"));
        assert!((400..500).contains(&status), "{path}: {status} {page}");
    }
    // An oversized body.
    let (status, page) = wb.raw(&format!("POST /api/sessions/a/edit HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", 10 << 20), &vec![b' '; 1 << 20]);
    assert_eq!(status, 413, "{page}");
    // The session list never shows the file the link points to.
    let (_, list) = get("/api/sessions", &format!("Cookie: {cookie}\r\n"));
    assert!(!list.contains("\"out\""), "{list}");

    let b = browser();
    b.goto(&format!("http://127.0.0.1:{}/", wb.port)).unwrap();
    shot(&b, "16-refused-without-token");
    let refused = b.find("h1").unwrap().text().unwrap();
    assert_eq!(refused, "This request was refused");
}

/// The workbench's benchmark (`bash benches/workbench.sh`, figures in BENCHMARKS.md), not a
/// test: it prints what it measures and asserts nothing about time. One-word edits of the
/// example's place of signing, each shown in the 6-page agreement: the server's part (edit
/// received → pages drawn) and the browser's (input event → new page shown), then the
/// server's memory after 10 and after 1,000 edits.
#[test]
#[ignore = "a benchmark: bash benches/workbench.sh"]
#[allow(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn workbench_latency() {
    let edits: usize =
        std::env::var("ACCORD_BENCH_EDITS").ok().and_then(|n| n.parse().ok()).unwrap_or(120);
    let (_t, wb, b) = example_session_open();
    settle(&b, "document.querySelector('[data-page] img[src]') && Number(document.querySelector('[data-preview]').dataset.revision) > 0");
    let words = ["Geneva", "Vienna", "Nairobi", "Bangkok", "Santiago", "Addis"];
    for i in 0..edits {
        let r = revision(&b);
        b.execute(
            "const i = document.querySelector('[name=\"signing.place\"]'); i.value = arguments[0]; i.dispatchEvent(new Event('input'))",
            // A word not typed before: its page is drawn anew, never found among the pictures.
            &[format!("{}{i}", words[i % words.len()]).into()],
        )
        .unwrap();
        settle(&b, &format!("Number(document.querySelector('[data-preview]').dataset.revision) > {r} && window.accordLatencies.some(l => l.revision > {r})"));
    }
    let measured = js(&b, "return window.accordLatencies");
    let pick = |field: &str| -> Vec<f64> {
        let mut v: Vec<f64> = measured
            .as_array()
            .unwrap()
            .iter()
            .skip(1)
            .map(|l| l[field].as_f64().unwrap())
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let quantile = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    for (what, field) in [
        ("end-to-end (input event → new page shown)", "ms"),
        ("server (edit received → pages drawn)", "server_ms"),
        ("server, of which layout", "layout_ms"),
        ("server, pages drawn per edit", "drawn"),
        ("browser, input → edit answered", "edit_ms"),
        ("browser, input → preview answered", "answer_ms"),
        ("browser, answer → pictures decoded", "decode_ms"),
        ("browser, decoded → next frame", "show_ms"),
    ] {
        let v = pick(field);
        let unit = if field == "drawn" { "" } else { " ms" };
        println!(
            "{what}: {} edits, median {:.1}{unit}, p95 {:.1}{unit}, max {:.1}{unit}",
            v.len(),
            quantile(&v, 0.5),
            quantile(&v, 0.95),
            v[v.len() - 1]
        );
    }
    drop(b);
    // Memory: edits straight over HTTP, each waiting for its preview.
    let cookie = wb.cookie();
    let host = format!("127.0.0.1:{}", wb.port);
    let post = |path: &str, body: String| {
        let (status, answer) = wb.raw(&format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()), body.as_bytes());
        assert_eq!(status, 200, "{answer}");
        answer
    };
    let rss = || {
        let status = fs::read_to_string(format!("/proc/{}/status", wb.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap().to_string();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap()
    };
    // Resident memory after 10 edits, then along the way to 1,000 (a plateau is a warm
    // cache, a steady climb a leak).
    let mut along = Vec::new();
    for i in 1..=1000 {
        let answer = post(
            "/api/sessions/s/edit",
            format!("{{\"key\":\"signing.place\",\"value\":\"{}\"}}", words[i % words.len()]),
        );
        let revision: u64 = answer
            .split("\"revision\":")
            .nth(1)
            .unwrap()
            .split([',', '}'])
            .next()
            .unwrap()
            .parse()
            .unwrap();
        post("/api/sessions/s/preview", format!("{{\"revision\":{revision}}}"));
        if [10, 100, 250, 500, 750, 1000].contains(&i) {
            along.push((i, rss()));
        }
    }
    let (after_10, after_1000) = (along[0].1, along[along.len() - 1].1);
    let shown: Vec<String> =
        along.iter().map(|(i, kb)| format!("{} MB after {i}", kb / 1024)).collect();
    println!(
        "server memory (RSS): {} MB after 10 edits, {} MB after 1,000 ({:.2}×); {}",
        after_10 / 1024,
        after_1000 / 1024,
        after_1000 as f64 / after_10 as f64,
        shown.join(", ")
    );
}
