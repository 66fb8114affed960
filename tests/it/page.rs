//! `verify.html` as accord writes it, in headless Chromium: what a recipient sees for
//! genuine, changed and foreign files, for a page whose signatures were altered, with the
//! keys they paste, from disk and over http://, and that the page never touches the network.
//!
//! The example config is built and co-signed once per test binary (see [`fixtures`]); each
//! test copies the package it opens. A browser test fails when `chromium` or `chromedriver`
//! is missing (`apt-get install chromium chromium-driver`; `.ci/run` installs them). The
//! WebDriver client is tests/it/webdriver.rs; at most two Chromiums run at once.
//!
//! The page's test contract: `body[data-state]` goes `loading` → `ready` (or `unsupported`) →
//! `busy` → `done`; `body[data-package]` is `valid` or `invalid`; `body[data-fingerprint]` is
//! the package's fingerprint, which the page computes from the manifest; each checked PDF gets
//! one `.verdict` with `data-status` (`match`, `no_match`, `invalid`), `data-file`, `data-ms`,
//! `data-fingerprint` (the signing it is a document of, when known), `data-signing` when it is
//! a document of another signing (`superseded`, `other`, `other_package`, or `unexpected`: not
//! the fingerprint entered) and, on a match, `data-entered-key` (`yes`, `no`, `none`);
//! signature files chosen with a PDF get no verdict of their own; `window.accordSelfTest()`
//! runs the BLAKE2b-512 vectors.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use crate::util::{
    accord, certify_package, code, copy_dir, fingerprint_of, keygen, later_config, replace_once,
};
use crate::util::{require_tool, root, session, text, TempDir};
use crate::webdriver::Browser;

/// The example's package id, and the other package's.
const ID: &str = "un-iom-2016";
const OTHER_ID: &str = "un-iom-2016-other";
/// The page inside a package.
const PAGE: &str = "verify.html";
/// The opening tag of the page's data.
const DATA_TAG: &str = "<script type=\"application/json\" id=\"accord-package\">";
/// How long the page may take to read its package or to check a batch of files.
const WAIT: Duration = Duration::from_secs(30);

/// Packages built once for every test of this module, under a directory kept to the end.
struct Fixtures {
    _dir: TempDir,
    /// The example built and signed by alice (`accord build --key alice.key`).
    built: PathBuf,
    /// The same, co-signed by Bob (`accord sign --key bob.key --signer Bob`).
    cosigned: PathBuf,
    /// Another package (id `un-iom-2016-other`) built by alice with the same key.
    other: PathBuf,
    /// A later signing of the example (same id and key, one amendment decided the other way)
    /// that supersedes `built`.
    later: PathBuf,
    alice: Key,
    bob: Key,
}

/// A signer's public key in the forms the page shows, read from the `.pub` file.
struct Key {
    name: &'static str,
    /// The minisign public key line, `RW…`.
    minisign: String,
    /// minisign's key id: the little-endian number in bytes 2..10, in hex.
    key_id: String,
    /// The same Ed25519 key as an OpenSSH public key, `ssh-ed25519 AAAA…` (no comment).
    ssh: String,
}

impl Key {
    fn read(pub_file: &Path, name: &'static str) -> Key {
        let text = fs::read_to_string(pub_file).unwrap();
        let minisign = text.lines().nth(1).expect("a .pub file has two lines").to_string();
        let raw = base64::engine::general_purpose::STANDARD.decode(&minisign).unwrap();
        assert_eq!((raw.len(), &raw[..2]), (42, &b"Ed"[..]), "{minisign}");
        let key_id = format!("{:016X}", u64::from_le_bytes(raw[2..10].try_into().unwrap()));
        let mut blob = Vec::new();
        for part in [&b"ssh-ed25519"[..], &raw[10..]] {
            blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
            blob.extend_from_slice(part);
        }
        let ssh =
            format!("ssh-ed25519 {}", base64::engine::general_purpose::STANDARD.encode(&blob));
        Key { name, minisign, key_id, ssh }
    }

    /// How the page names the signer: `alice (key BEB368EA2665957A)`.
    fn named(&self) -> String {
        format!("{} (key {})", self.name, self.key_id)
    }
}

/// Runs accord in `dir`; panics with its output unless it succeeds.
#[track_caller]
fn run(dir: &Path, args: &[&str]) {
    let out = accord(dir, args);
    assert_eq!(code(&out), 0, "accord {args:?}:\n{}", text(&out));
}

/// The example built by alice, co-signed by Bob, and another package built by alice: once
/// per test binary, with the debug binary under test.
fn fixtures() -> &'static Fixtures {
    static BUILT: OnceLock<Fixtures> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = session(|c| c);
        let d = dir.path();
        keygen(d, "alice");
        keygen(d, "bob");
        let example = fs::read_to_string(d.join("session.toml")).unwrap();
        let other =
            replace_once(&example, &format!("id = \"{ID}\""), &format!("id = \"{OTHER_ID}\""));
        fs::write(d.join("other.toml"), other).unwrap();
        run(d, &["build", "session.toml", "other.toml", "--key", "alice.key"]);
        copy_dir(&d.join("out").join(ID), &d.join("cosigned").join(ID));
        let cosigned = format!("cosigned/{ID}");
        run(d, &["sign", &cosigned, "--key", "bob.key", "--signer", "Bob", "--trust", "alice.pub"]);
        let later = later_config(&example, &fingerprint_of(&d.join("out").join(ID)));
        fs::write(d.join("later.toml"), later).unwrap();
        run(d, &["build", "later.toml", "--key", "alice.key", "--out", "later"]);
        Fixtures {
            built: d.join("out").join(ID),
            cosigned: d.join(cosigned),
            other: d.join("out").join(OTHER_ID),
            later: d.join("later").join(ID),
            alice: Key::read(&d.join("alice.pub"), "alice"),
            bob: Key::read(&d.join("bob.pub"), "Bob"),
            _dir: dir,
        }
    })
}

/// A test's own copy of the package `from`, in `t/NAME`.
fn copy_package(t: &TempDir, from: &Path) -> PathBuf {
    let to = t.path().join(from.file_name().unwrap());
    copy_dir(from, &to);
    to
}

/// A headless Chromium; fails the test when Chromium or chromedriver is not installed.
fn browser() -> Browser {
    require_tool("chromium", "chromium");
    require_tool("chromedriver", "chromium-driver");
    Browser::start().expect("start chromedriver and headless chromium")
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// Opens `url` and waits until the page has read its package (or found it cannot check).
fn open(b: &Browser, url: &str) {
    b.goto(url).unwrap();
    b.wait_until(WAIT, "['ready', 'unsupported'].includes(document.body.dataset.state)").unwrap();
}

/// Opens the `verify.html` of the package in `pkg` from disk.
fn open_page(b: &Browser, pkg: &Path) {
    open(b, &file_url(&pkg.join(PAGE)));
}

/// The verdict the page shows for one file.
#[derive(Debug)]
struct Verdict {
    status: String,
    file: String,
    entered_key: Option<String>,
    ms: f64,
    text: String,
}

/// Every verdict on the page, in order.
fn verdicts(b: &Browser) -> Vec<Verdict> {
    let script = "return [...document.querySelectorAll('.verdict')].map((v) => ({ status: \
                  v.dataset.status, file: v.dataset.file, key: v.dataset.enteredKey || null, \
                  ms: Number(v.dataset.ms), text: v.innerText }))";
    let list = b.execute(script, &[]).unwrap();
    let list = list.as_array().expect("an array of verdicts");
    list.iter()
        .map(|v| Verdict {
            status: v["status"].as_str().unwrap().to_string(),
            file: v["file"].as_str().unwrap().to_string(),
            entered_key: v["key"].as_str().map(str::to_string),
            ms: v["ms"].as_f64().unwrap(),
            text: v["text"].as_str().unwrap().to_string(),
        })
        .collect()
}

/// Chooses `files` in the file input, as a person would, and returns all verdicts once done.
fn check(b: &Browser, files: &[&Path]) -> Vec<Verdict> {
    let before = verdicts(b).len();
    let paths: Vec<String> =
        files.iter().map(|f| f.canonicalize().unwrap().display().to_string()).collect();
    b.find("#files").unwrap().send_keys(&paths.join("\n")).unwrap();
    // A signature file goes with its PDF and gets no verdict of its own.
    let documents = files.iter().filter(|f| f.extension().is_none_or(|e| e != "minisig"));
    let expected = before + documents.count();
    let done = format!(
        "document.body.dataset.state === 'done' && \
         document.querySelectorAll('.verdict').length === {expected}"
    );
    b.wait_until(WAIT, &done).unwrap();
    verdicts(b)
}

/// Types into the published-keys field (replacing what it held) and returns the verdicts.
fn enter_keys(b: &Browser, keys: &str) -> Vec<Verdict> {
    let script = "const t = document.getElementById('keys'); t.value = ''; t.focus();";
    b.execute(script, &[]).unwrap();
    b.find("#keys").unwrap().send_keys(keys).unwrap();
    verdicts(b)
}

/// Types into the published-fingerprint field (replacing what it held); returns the verdicts.
fn enter_fingerprint(b: &Browser, fingerprint: &str) -> Vec<Verdict> {
    let script = "const t = document.getElementById('fingerprint'); t.value = ''; t.focus(); \
                  t.dispatchEvent(new Event('input'));";
    b.execute(script, &[]).unwrap();
    if !fingerprint.is_empty() {
        b.find("#fingerprint").unwrap().send_keys(fingerprint).unwrap();
    }
    verdicts(b)
}

/// The `data-fingerprint` and `data-signing` of each verdict on the page.
fn signings(b: &Browser) -> Vec<(Option<String>, Option<String>)> {
    let script = "return [...document.querySelectorAll('.verdict')].map((v) => \
                  [v.dataset.fingerprint || null, v.dataset.signing || null])";
    let list = b.execute(script, &[]).unwrap();
    let pair = |v: &Value| (v[0].as_str().map(str::to_string), v[1].as_str().map(str::to_string));
    list.as_array().unwrap().iter().map(pair).collect()
}

/// JavaScript's value of an expression.
fn js(b: &Browser, expression: &str) -> Value {
    b.execute(&format!("return {expression}"), &[]).unwrap()
}

fn element_text(b: &Browser, css: &str) -> String {
    b.find(css).unwrap().text().unwrap()
}

fn statuses(verdicts: &[Verdict]) -> Vec<&str> {
    verdicts.iter().map(|v| v.status.as_str()).collect()
}

/// The data accord embedded in a page (`accord-page/1`).
fn page_data(html: &str) -> Value {
    let (_, rest) = html.split_once(DATA_TAG).expect("the page has its data block");
    let (json, _) = rest.split_once("</script>").unwrap();
    serde_json::from_str(json).expect("the data block is JSON")
}

/// Rewrites the data in `pkg`'s page with `edit`, escaped as minijinja's `tojson` escapes it.
fn edit_page_data(pkg: &Path, edit: impl FnOnce(&mut Value)) {
    let html = fs::read_to_string(pkg.join(PAGE)).unwrap();
    let (head, rest) = html.split_once(DATA_TAG).unwrap();
    let (_, tail) = rest.split_once("</script>").unwrap();
    let mut data = page_data(&html);
    edit(&mut data);
    let json = serde_json::to_string(&data)
        .unwrap()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\'', "\\u0027");
    fs::write(pkg.join(PAGE), format!("{head}{DATA_TAG}{json}</script>{tail}")).unwrap();
}

/// Changes one byte of the Ed25519 signature in the page's copy of `signature_file` (line 2
/// of a .minisig is base64 of `ED`, the key id and the signature; its character 20 holds 6
/// bits of byte 15, signature byte 5). The page's text is edited, nothing is re-rendered.
fn alter_signature_in_page(pkg: &Path, signature_file: &str) {
    let signature = fs::read_to_string(pkg.join(signature_file)).unwrap();
    let line = signature.lines().nth(1).unwrap();
    let mut altered = line.to_string();
    let other = if line.as_bytes()[20] == b'A' { "B" } else { "A" };
    altered.replace_range(20..21, other);
    let html = fs::read_to_string(pkg.join(PAGE)).unwrap();
    assert_eq!(html.matches(line).count(), 1, "{signature_file}'s signature in the page");
    fs::write(pkg.join(PAGE), html.replacen(line, &altered, 1)).unwrap();
}

/// The signature entries of `file` in the page data, for editing.
fn signatures_of<'a>(data: &'a mut Value, file: &str) -> &'a mut Vec<Value> {
    let documents = data["documents"].as_array_mut().unwrap();
    let document = documents.iter_mut().find(|d| d["file"] == file).unwrap();
    document["signatures"].as_array_mut().unwrap()
}

#[test]
fn genuine_files_match_with_their_role_and_every_signer() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let b = browser();
    open_page(&b, &pkg);
    assert_eq!(js(&b, "document.body.dataset.package"), "valid");
    let v = check(&b, &[&pkg.join("agreement-original-2.pdf")]);
    assert_eq!(statuses(&v), ["match"]);
    assert_eq!(v[0].file, "agreement-original-2.pdf");
    for expected in [
        "MATCH".to_string(),
        "agreement, original 2 of 2".to_string(),
        format!("package {ID}"),
        format!("Valid: signed by {}", f.alice.named()),
        format!("Valid: signed by {}", f.bob.named()),
        "no published key was entered".to_string(),
    ] {
        assert!(v[0].text.contains(&expected), "{expected:?} missing from: {}", v[0].text);
    }
    assert_eq!(v[0].entered_key.as_deref(), Some("none"));
    // Several files at once, in the order chosen.
    let v =
        check(&b, &[&pkg.join("agreement-original-1.pdf"), &pkg.join("council-resolution.pdf")]);
    assert_eq!(statuses(&v), ["match"; 3]);
    assert!(v[1].text.contains("agreement, original 1 of 2"), "{}", v[1].text);
    assert!(v[2].text.contains("Council resolution"), "{}", v[2].text);
    // A file dropped on the page, under another name.
    let bytes = fs::read(pkg.join("council-resolution.pdf")).unwrap();
    let script = "const dt = new DataTransfer(); \
                  dt.items.add(new File([new Uint8Array(arguments[0])], 'dropped.pdf')); \
                  document.getElementById('drop').dispatchEvent(new DragEvent('drop', \
                  { dataTransfer: dt, bubbles: true, cancelable: true }));";
    b.execute(script, &[json!(bytes)]).unwrap();
    b.wait_until(WAIT, "document.querySelectorAll('.verdict').length === 4").unwrap();
    b.wait_until(WAIT, "document.body.dataset.state === 'done'").unwrap();
    let v = verdicts(&b);
    assert_eq!((v[3].status.as_str(), v[3].file.as_str()), ("match", "dropped.pdf"));
    assert!(v[3].text.contains("Council resolution"), "{}", v[3].text);
}

#[test]
fn changed_truncated_empty_and_foreign_files_do_not_match() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let original = fs::read(pkg.join("agreement-original-2.pdf")).unwrap();
    let mut changed = original.clone();
    changed[original.len() / 2] ^= 0x01;
    let dir = t.path();
    fs::write(dir.join("changed.pdf"), &changed).unwrap();
    fs::write(dir.join("truncated.pdf"), &original[..original.len() - 100]).unwrap();
    fs::write(dir.join("empty.pdf"), b"").unwrap();
    // The same document of another package, built by the same signer with the same key.
    let other = copy_package(&t, &f.other);
    let foreign = other.join("agreement-original-2.pdf");
    assert_ne!(fs::read(&foreign).unwrap(), original, "the packages' PDFs differ");
    let b = browser();
    open_page(&b, &pkg);
    let files =
        [dir.join("changed.pdf"), dir.join("truncated.pdf"), dir.join("empty.pdf"), foreign];
    let v = check(&b, &files.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    assert_eq!(statuses(&v), ["no_match"; 4]);
    assert_eq!(v[3].file, "agreement-original-2.pdf");
    for verdict in &v {
        assert!(verdict.text.contains("NO MATCH"), "{}", verdict.text);
        assert!(verdict.text.contains("Not a document of this package"), "{}", verdict.text);
    }
    // The other package's own page (written by `build`, one signer) matches it.
    open_page(&b, &other);
    assert_eq!(js(&b, "document.getElementById('package-id').textContent"), OTHER_ID);
    let v = check(&b, &[&files[3]]);
    assert_eq!(statuses(&v), ["match"]);
    assert!(v[0].text.contains(&format!("package {OTHER_ID}")), "{}", v[0].text);
    assert_eq!(js(&b, "document.querySelectorAll('#signers .signer').length"), 1);
}

#[test]
fn with_an_altered_signature_says_invalid_never_match() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let b = browser();
    let original_1 = f.cosigned.join("agreement-original-1.pdf");
    let original_2 = f.cosigned.join("agreement-original-2.pdf");
    let resolution = f.cosigned.join("council-resolution.pdf");

    // One byte of Bob's signature on original 2 changed in the page.
    let pkg = copy_package(&t, &f.cosigned);
    alter_signature_in_page(&pkg, "agreement-original-2.pdf.bob.minisig");
    open_page(&b, &pkg);
    assert_eq!(js(&b, "document.body.dataset.package"), "valid");
    let v = check(&b, &[&original_2, &original_1]);
    assert_eq!(statuses(&v), ["invalid", "match"]);
    assert!(v[0].text.contains("INVALID"), "{}", v[0].text);
    assert!(v[0].text.contains("the file is not what was signed"), "{}", v[0].text);
    assert!(v[0].text.contains("no valid signature by Bob"), "{}", v[0].text);
    fs::remove_dir_all(&pkg).unwrap();

    // The same in the single signer's page `build` wrote.
    let pkg = copy_package(&t, &f.built);
    alter_signature_in_page(&pkg, "agreement-original-1.pdf.minisig");
    open_page(&b, &pkg);
    assert_eq!(statuses(&check(&b, &[&original_1, &original_2])), ["invalid", "match"]);
    fs::remove_dir_all(&pkg).unwrap();

    // One byte of the manifest's signature: the package, so every file, is invalid.
    let pkg = copy_package(&t, &f.cosigned);
    alter_signature_in_page(&pkg, "manifest.json.minisig");
    open_page(&b, &pkg);
    assert_eq!(js(&b, "document.body.dataset.package"), "invalid");
    let status = element_text(&b, "#package-status");
    assert!(status.contains("does not verify"), "{status}");
    assert!(status.contains("manifest.json.minisig is invalid"), "{status}");
    let v = check(&b, &[&original_2, &resolution]);
    assert_eq!(statuses(&v), ["invalid", "invalid"]);
    assert!(v[0].text.contains("package signatures do not verify"), "{}", v[0].text);
    fs::remove_dir_all(&pkg).unwrap();

    // A trusted comment altered, and a co-signature left out.
    let pkg = copy_package(&t, &f.cosigned);
    edit_page_data(&pkg, |data| {
        let alice = &mut signatures_of(data, "agreement-original-1.pdf")[0];
        let text = alice["text"].as_str().unwrap();
        assert_eq!(text.matches("original 1 of 2").count(), 1, "{text}");
        alice["text"] = text.replace("original 1 of 2", "original 2 of 2").into();
        let bob = signatures_of(data, "council-resolution.pdf").remove(1);
        assert_eq!(bob["file"], "council-resolution.pdf.bob.minisig");
    });
    open_page(&b, &pkg);
    let v = check(&b, &[&original_1, &resolution, &original_2]);
    assert_eq!(statuses(&v), ["invalid", "invalid", "match"]);
    assert!(v[0].text.contains("its trusted comment was altered"), "{}", v[0].text);
    assert!(v[1].text.contains("has no valid signature by Bob"), "{}", v[1].text);
}

#[test]
fn of_a_co_signed_package_shows_both_signers_with_full_keys() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let b = browser();
    open_page(&b, &pkg);
    assert_eq!(js(&b, "document.querySelectorAll('#signers .signer').length"), 2);
    let signers = element_text(&b, "#signers");
    for key in [&f.alice, &f.bob] {
        let ssh = format!("{} {}", key.ssh, key.name);
        for expected in [key.name, &key.key_id, &key.minisign, &ssh] {
            assert!(signers.contains(expected), "{expected} missing from: {signers}");
        }
    }
    let status = element_text(&b, "#package-status");
    let both = format!("{} and {}", f.alice.named(), f.bob.named());
    assert!(status.contains(&both), "{status}");
    // The OpenSSH keys are those of the package's allowed_signers.
    let allowed = fs::read_to_string(pkg.join("allowed_signers")).unwrap();
    for key in [&f.alice, &f.bob] {
        assert!(allowed.lines().any(|l| l.ends_with(&key.ssh)), "{} not in {allowed}", key.ssh);
    }
    // Before `accord sign` rewrote it, the page had alice alone.
    open_page(&b, &f.built);
    assert_eq!(js(&b, "document.querySelectorAll('#signers .signer').length"), 1);
    let signers = element_text(&b, "#signers");
    assert!(signers.contains(&f.alice.minisign) && !signers.contains(&f.bob.minisign));
}

#[test]
fn entered_keys_say_whether_they_signed() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    keygen(t.path(), "carol");
    let carol = Key::read(&t.path().join("carol.pub"), "carol");
    let b = browser();
    open_page(&b, &pkg);
    let v = check(&b, &[&pkg.join("agreement-original-2.pdf")]);
    assert_eq!(v[0].entered_key.as_deref(), Some("none"));

    let v = enter_keys(&b, &f.alice.minisign);
    assert_eq!(v[0].entered_key.as_deref(), Some("yes"));
    assert!(v[0].text.contains("Signed by the keys you entered: yes"), "{}", v[0].text);
    let signed = format!("{} signed this document and the package manifest", f.alice.named());
    assert!(v[0].text.contains(&signed), "{}", v[0].text);
    let keys = element_text(&b, "#keys-status");
    assert!(keys.contains(&format!("the key of {}", f.alice.named())), "{keys}");

    // Bob's key as the `ssh-ed25519` line keygen prints, with a comment.
    let v = enter_keys(&b, &format!("{} bob@example.org", f.bob.ssh));
    assert_eq!(v[0].entered_key.as_deref(), Some("yes"));
    assert!(v[0].text.contains(&format!("{} signed", f.bob.named())), "{}", v[0].text);

    // A key that did not sign: the page's own signatures verify, but that is no match by the
    // keys the reader trusts.
    let v = enter_keys(&b, &carol.minisign);
    assert_eq!(v[0].entered_key.as_deref(), Some("no"));
    assert_eq!(v[0].status, "invalid");
    assert!(v[0].text.contains("Signed by the keys you entered: NO"), "{}", v[0].text);
    assert!(v[0].text.contains("This is not a match by the keys you trust"), "{}", v[0].text);
    let alerts = "document.querySelectorAll('.verdict .keycheck.no[role=alert]').length";
    assert_eq!(js(&b, alerts), 1);
    let keys = element_text(&b, "#keys-status");
    assert!(keys.contains("not the key of any signer of this package"), "{keys}");

    // Every key entered must have signed: alice's and bob's together do, alice's with an
    // unrelated one does not.
    let v = enter_keys(&b, &format!("{}\n{}", f.alice.minisign, f.bob.minisign));
    assert_eq!((v[0].status.as_str(), v[0].entered_key.as_deref()), ("match", Some("yes")));
    // Two keys on one line count as two: alice's and carol's, so no match.
    let v = enter_keys(&b, &format!("{} {}", f.alice.minisign, carol.minisign));
    assert_eq!((v[0].status.as_str(), v[0].entered_key.as_deref()), ("invalid", Some("no")));
    // Text that is no key rules a match out too, even beside a key that signed.
    let v = enter_keys(&b, &format!("{}.", f.alice.minisign));
    assert_eq!(v[0].status, "invalid");
    assert!(v[0].text.contains("NOT CHECKED"), "{}", v[0].text);
    // A whole .pub file, an unrelated key, and a line that is no key.
    let alice_pub = fs::read_to_string(pkg.join("alice.pub")).unwrap();
    let v = enter_keys(&b, &format!("{}\n{alice_pub}not a key", carol.minisign));
    assert_eq!((v[0].status.as_str(), v[0].entered_key.as_deref()), ("invalid", Some("no")));
    let keys = element_text(&b, "#keys-status");
    let complaint = "Line 4: not a minisign (RW…) or ssh-ed25519 public key.";
    assert!(keys.contains(complaint), "{keys}");
}

#[test]
fn shows_names_and_file_names_as_text_never_as_markup() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    // No `"`: a signer's name is its OpenSSH principal, which cannot hold one.
    let name = "<i>Carol</i> & 'Co' «Q» \\ José 王 <script>window.pwned=1</script>";
    keygen(t.path(), "carol");
    let (pkg_arg, alice, bob) = (pkg.to_str().unwrap(), &f.alice.minisign, &f.bob.minisign);
    let args = ["sign", pkg_arg, "--key", "carol.key", "--signer", name];
    run(t.path(), &[&args[..], &["--trust", alice, "--trust", bob]].concat());
    let html = fs::read_to_string(pkg.join(PAGE)).unwrap();
    assert!(!html.contains("<i>Carol"), "tojson must escape < > & '");
    let hostile = t.path().join("<img src=x onerror=window.pwned=1>.pdf");
    fs::copy(pkg.join("agreement-original-2.pdf"), &hostile).unwrap();
    let b = browser();
    open_page(&b, &pkg);
    assert_eq!(js(&b, "document.querySelectorAll('#signers .signer').length"), 3);
    let v = check(&b, &[&hostile]);
    assert_eq!(statuses(&v), ["match"]);
    assert_eq!(v[0].file, "<img src=x onerror=window.pwned=1>.pdf");
    assert!(v[0].text.contains(&format!("Valid: signed by {name}")), "{}", v[0].text);
    assert_eq!(js(&b, "document.querySelectorAll('main img, main i, main script').length"), 0);
    assert_eq!(js(&b, "typeof window.pwned"), "undefined");
}

#[test]
fn makes_no_request_outside_file_data_and_blob() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let canary = Server::serve(t.path().to_path_buf());
    let b = browser();
    open_page(&b, &pkg);
    check(&b, &[&pkg.join("agreement-original-2.pdf")]);
    let entries = "performance.getEntriesByType('navigation')\
                   .concat(performance.getEntriesByType('resource')).map((e) => e.name)";
    let urls = js(&b, entries);
    let urls: Vec<&str> = urls.as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
    assert!(!urls.is_empty());
    for url in &urls {
        assert!(["file:", "data:", "blob:"].iter().any(|s| url.starts_with(s)), "request to {url}");
    }
    // Even script injected into the page cannot reach the network: the CSP forbids it.
    let script = format!(
        "const done = arguments[arguments.length - 1]; \
         const url = 'http://127.0.0.1:{}/leak'; new Image().src = url; \
         const l = document.createElement('link'); l.rel = 'stylesheet'; l.href = url; \
         document.head.append(l); \
         fetch(url).then(() => done('fetched'), (e) => done('blocked: ' + e.name));",
        canary.port
    );
    assert_eq!(b.execute_async(&script, &[]).unwrap(), "blocked: TypeError");
    thread::sleep(Duration::from_millis(300));
    assert_eq!(canary.requests(), Vec::<String>::new());
}

#[test]
fn works_over_http() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let server = Server::serve(pkg.clone());
    let b = browser();
    open(&b, &format!("http://127.0.0.1:{}/{PAGE}", server.port));
    assert_eq!(js(&b, "window.isSecureContext"), true);
    assert_eq!(js(&b, "document.body.dataset.package"), "valid");
    let v = check(&b, &[&pkg.join("agreement-original-2.pdf"), &pkg.join("manifest.json")]);
    assert_eq!(statuses(&v), ["match", "no_match"]);
    assert_eq!(server.requests(), [format!("/{PAGE}")]);
}

#[test]
fn tells_browsers_without_the_cryptography_in_plain_words() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let cases = [
        // A plain http:// page on another host: no crypto.subtle at all.
        (
            "Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined });",
            "from a file on your computer or from an https:// address",
        ),
        // A browser without WebCrypto Ed25519 (Chrome < 137, Firefox < 130, Safari < 17).
        (
            "const real = SubtleCrypto.prototype.importKey; SubtleCrypto.prototype.importKey = \
             function (f, k, alg, ...rest) { return alg.name === 'Ed25519' ? Promise.reject( \
             new DOMException('no', 'NotSupportedError')) : real.call(this, f, k, alg, ...rest); };",
            "cannot check Ed25519 signatures",
        ),
    ];
    let b = browser();
    for (patch, message) in cases {
        let added = b.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": patch }));
        open_page(&b, &pkg);
        assert_eq!(js(&b, "document.body.dataset.state"), "unsupported");
        let status = element_text(&b, "#package-status");
        assert!(status.contains("This page cannot check documents"), "{status}");
        assert!(status.contains(message), "{status}");
        assert_eq!(js(&b, "document.getElementById('files').disabled"), true);
        let identifier = added.unwrap()["identifier"].clone();
        let params = json!({ "identifier": identifier });
        b.cdp("Page.removeScriptToEvaluateOnNewDocument", params).unwrap();
    }
    open_page(&b, &pkg);
    assert_eq!(js(&b, "document.body.dataset.state"), "ready");
}

#[test]
fn blake2b_vectors_pass_in_the_browser() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let b = browser();
    open_page(&b, &pkg);
    let result = js(&b, "window.accordSelfTest()");
    assert_eq!(result["ok"], true, "{result:#}");
    let results = result["results"].as_array().unwrap();
    let names: Vec<&str> = results.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names.contains(&"RFC 7693: \"abc\"") && names.contains(&"1 MiB of zeros"));
    let mib = results.iter().find(|r| r["name"] == "1 MiB of zeros").unwrap();
    eprintln!("BLAKE2b-512 of 1 MiB in the page: {:.1} ms", mib["ms"].as_f64().unwrap());
}

/// Measures, never asserts, how long the page takes to verify a 70 KB original (BENCHMARKS.md).
#[test]
fn time_to_verify_a_70_kb_original_is_reported() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let file = pkg.join("agreement-original-1.pdf");
    let b = browser();
    let loading = Instant::now();
    open_page(&b, &pkg);
    let loaded = loading.elapsed();
    let ready = js(&b, "performance.now()").as_f64().unwrap();
    let mut times = Vec::new();
    let mut walls = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let v = check(&b, &[&file]);
        walls.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(v.last().unwrap().status, "match");
        times.push(v.last().unwrap().ms);
    }
    let first = times[0];
    times.sort_by(f64::total_cmp);
    walls.sort_by(f64::total_cmp);
    eprintln!(
        "{}\npage ready {:.0} ms after navigation started ({ready:.0} ms by its clock); verify {} bytes (signers: 2): \
         first {first:.1} ms, median {:.1} ms, max {:.1} ms (page's data-ms); \
         median {:.0} ms from choosing the file to the verdict through WebDriver",
        b.version().unwrap(),
        loaded.as_secs_f64() * 1000.0,
        fs::metadata(&file).unwrap().len(),
        times[3],
        times[6],
        walls[3],
    );
}

#[test]
fn controls_are_labelled_and_results_announced() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let b = browser();
    open_page(&b, &pkg);
    let labelled = "[...document.querySelectorAll('input, textarea, button')].every((c) => \
                    c.labels && c.labels.length || c.tagName === 'BUTTON' && c.textContent.trim())";
    assert_eq!(js(&b, labelled), true);
    assert_eq!(js(&b, "document.querySelector('input[type=file]').multiple"), true);
    assert_eq!(js(&b, "document.getElementById('results').getAttribute('aria-live')"), "polite");
    assert_eq!(js(&b, "document.getElementById('package-status').getAttribute('role')"), "status");
    let print = "[...document.styleSheets].some((s) => [...s.cssRules].some((r) => r.media && \
                 r.media.mediaText === 'print'))";
    assert_eq!(js(&b, print), true);
    // The style applies (Chromium accepted its CSP hash) and the script ran (so did its hash).
    let header = "getComputedStyle(document.querySelector('header')).backgroundColor";
    assert_eq!(js(&b, header), "rgb(31, 51, 88)");
    assert_eq!(js(&b, "document.getElementById('package-id').textContent"), ID);
}

/// Screenshots of checked files (and the page printed), under the test's temp dir, or in
/// `$ACCORD_PAGE_SHOTS` to look at them.
#[test]
fn screenshot_of_checked_files() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let shots = std::env::var_os("ACCORD_PAGE_SHOTS").map_or(t.path().to_path_buf(), PathBuf::from);
    let mut changed = fs::read(pkg.join("agreement-original-2.pdf")).unwrap();
    changed[1000] ^= 0x20;
    let copy = t.path().join("agreement-original-2 (copy).pdf");
    fs::write(&copy, &changed).unwrap();
    let b = browser();
    b.set_window_size(1000, 2600).unwrap();
    open_page(&b, &pkg);
    enter_keys(&b, &f.alice.minisign);
    let v = check(&b, &[&pkg.join("agreement-original-2.pdf"), &copy]);
    assert_eq!(statuses(&v), ["match", "no_match"]);
    b.execute("document.getElementById('h-results').scrollIntoView()", &[]).unwrap();
    let png = shots.join("accord-shot.png");
    b.screenshot(&png).unwrap();
    let png = fs::read(png).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert!(size(16) >= 900 && size(20) >= 1000, "{} × {} pixels", size(16), size(20));
    let pdf = shots.join("accord-print.pdf");
    b.print_pdf(&pdf).unwrap();
    assert!(fs::read(pdf).unwrap().starts_with(b"%PDF-"));
    // The later signing's page, with the earlier signing's document and its signature, and
    // the fingerprint the signers published.
    let u = TempDir::new().unwrap();
    let later = copy_package(&u, &f.later);
    open_page(&b, &later);
    enter_keys(&b, &f.alice.minisign);
    enter_fingerprint(&b, &fingerprint_of(&later));
    let old = f.built.join("agreement-original-1.pdf");
    let old_sig = f.built.join("agreement-original-1.pdf.minisig");
    let v = check(&b, &[&later.join("agreement-original-1.pdf"), &old, &old_sig]);
    assert_eq!(statuses(&v), ["match", "no_match"]);
    b.execute("document.getElementById('h-keys').scrollIntoView()", &[]).unwrap();
    b.screenshot(&shots.join("accord-shot-superseded.png")).unwrap();
}

#[test]
fn shows_the_fingerprint_it_computes_and_what_the_package_supersedes() {
    let (f, t, u) = (fixtures(), TempDir::new().unwrap(), TempDir::new().unwrap());
    let (built, later) = (copy_package(&t, &f.cosigned), copy_package(&u, &f.later));
    let (first, second) = (fingerprint_of(&built), fingerprint_of(&later));
    let b = browser();
    open_page(&b, &built);
    assert_eq!(js(&b, "document.body.dataset.fingerprint"), first.as_str());
    assert_eq!(element_text(&b, "#package-fingerprint"), first);
    let status = element_text(&b, "#package-status");
    assert!(status.contains(&format!("Package {ID}, fingerprint {first}:")), "{status}");
    assert!(!status.contains("supersedes"), "{status}");
    let v = check(&b, &[&built.join("agreement-original-1.pdf")]);
    assert_eq!(signings(&b), [(Some(first.clone()), None)]);
    assert!(v[0].text.contains(&format!("Fingerprint\n{first}")), "{}", v[0].text);
    open_page(&b, &later);
    assert_eq!(element_text(&b, "#package-fingerprint"), second);
    let status = element_text(&b, "#package-status");
    let supersedes = format!("It supersedes the earlier signing of {ID} with fingerprint {first}");
    assert!(status.contains(&supersedes), "{status}");
}

#[test]
fn a_superseded_document_is_no_match_and_its_signature_file_says_why() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let later = copy_package(&t, &f.later);
    let (first, second) = (fingerprint_of(&f.built), fingerprint_of(&later));
    // A genuine document of the earlier signing, with its signature, as a recipient has it.
    let inbox = t.path().join("inbox");
    fs::create_dir(&inbox).unwrap();
    for name in ["agreement-original-1.pdf", "agreement-original-1.pdf.minisig"] {
        fs::copy(f.built.join(name), inbox.join(name)).unwrap();
    }
    let (old, old_sig) =
        (inbox.join("agreement-original-1.pdf"), inbox.join("agreement-original-1.pdf.minisig"));
    let b = browser();
    open_page(&b, &later);
    // The PDF alone: no match, and the page says what would tell more.
    let v = check(&b, &[&old]);
    assert_eq!(statuses(&v), ["no_match"]);
    for expected in [
        format!("This package supersedes an earlier signing of {ID} (fingerprint {first})"),
        "Choose the file together with its signature file".to_string(),
    ] {
        assert!(v[0].text.contains(&expected), "{expected:?} missing from: {}", v[0].text);
    }
    // With its signature file: a genuine document of the superseded signing.
    let v = check(&b, &[&old, &old_sig]);
    assert_eq!(statuses(&v), ["no_match", "no_match"]);
    assert_eq!(signings(&b)[1], (Some(first.clone()), Some("superseded".to_string())));
    let said = format!(
        "Superseded: this file is a genuine document of an earlier signing of {ID} (fingerprint \
         {first}), signed by {}: agreement-original-1.pdf (agreement, original 1 of 2). This \
         package (fingerprint {second}) supersedes that signing",
        f.alice.named()
    );
    assert!(v[1].text.contains(&said), "{said:?} missing from: {}", v[1].text);
    // The later signing's own document matches; a signature file alone is no document.
    let v = check(&b, &[&later.join("agreement-original-1.pdf")]);
    assert_eq!(statuses(&v)[2..], ["match"]);
    assert_eq!(signings(&b)[2], (Some(second.clone()), None));
    assert_eq!(check(&b, &[&old_sig]).len(), 3);
    let results = element_text(&b, "#results");
    assert!(results.contains("agreement-original-1.pdf.minisig is a signature file"), "{results}");
    // In the earlier signing's own page, it is a match, but not of the fingerprint published
    // for the later one.
    let u = TempDir::new().unwrap();
    let built = copy_package(&u, &f.built);
    open_page(&b, &built);
    let v = check(&b, &[&old]);
    assert_eq!(statuses(&v), ["match"]);
    let v = enter_fingerprint(&b, &second);
    assert_eq!(statuses(&v), ["no_match"]);
    assert_eq!(signings(&b), [(Some(first.clone()), Some("unexpected".to_string()))]);
    let said = format!(
        "Not the signing you expect: this file is a genuine document of another signing of {ID} \
         (fingerprint {first}), not the one you expect ({second})"
    );
    assert!(v[0].text.contains(&said), "{said:?} missing from: {}", v[0].text);
    let field = element_text(&b, "#fingerprint-status");
    assert!(
        field.contains(&format!(
            "NOT this package: this page is for the signing with fingerprint {first}, not {second}"
        )),
        "{field}"
    );
}

#[test]
fn the_fingerprint_field_reads_what_people_type_and_refuses_the_rest() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let pkg = copy_package(&t, &f.cosigned);
    let fingerprint = fingerprint_of(&pkg);
    let b = browser();
    open_page(&b, &pkg);
    assert_eq!(element_text(&b, "#fingerprint-status"), "No fingerprint entered.");
    check(&b, &[&pkg.join("council-resolution.pdf")]);
    let typed = fingerprint.replace('-', " ").to_uppercase();
    let v = enter_fingerprint(&b, &typed);
    assert_eq!(statuses(&v), ["match"]);
    let field = element_text(&b, "#fingerprint-status");
    assert_eq!(field, format!("{fingerprint}: the fingerprint of this package."));
    // Shortened or mistyped: no match can be claimed until it is corrected.
    for (typed, complaint) in [
        (&fingerprint[..19], "has 16 hexadecimal digits, not 40"),
        (&fingerprint.replacen('-', "o", 1)[..], "not a hexadecimal digit"),
    ] {
        let v = enter_fingerprint(&b, typed);
        assert_eq!(statuses(&v), ["invalid"], "{typed}");
        assert!(v[0].text.contains("the fingerprint you entered cannot be read"), "{}", v[0].text);
        assert!(element_text(&b, "#fingerprint-status").contains(complaint), "{typed}");
    }
    let v = enter_fingerprint(&b, "");
    assert_eq!((statuses(&v), v[0].entered_key.as_deref()), (vec!["match"], Some("none")));
}

#[test]
fn a_signature_of_another_signing_of_the_same_bytes_is_invalid() {
    // The Council resolution is the same in both signings (the amendment is in the agreement):
    // the later signing's signature of it is intact, but names the later fingerprint.
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let resolution = "council-resolution.pdf";
    let same = fs::read(f.later.join(resolution)).unwrap();
    assert_eq!(same, fs::read(f.built.join(resolution)).unwrap(), "the resolution is unchanged");
    let pkg = copy_package(&t, &f.built);
    let later_signature =
        fs::read_to_string(f.later.join(format!("{resolution}.minisig"))).unwrap();
    edit_page_data(&pkg, |data| {
        signatures_of(data, resolution)[0]["text"] = later_signature.into();
    });
    let b = browser();
    open_page(&b, &pkg);
    let v = check(&b, &[&pkg.join(resolution), &pkg.join("agreement-original-1.pdf")]);
    assert_eq!(statuses(&v), ["invalid", "match"]);
    let said = format!(
        "it was made for another signing of package {ID} (fingerprint {}), not this one ({})",
        fingerprint_of(&f.later),
        fingerprint_of(&f.built)
    );
    assert!(v[0].text.contains(&said), "{said:?} missing from: {}", v[0].text);
}

/// The `sha256-…` source of the CSP directive `directive` in `html`.
fn csp_hash(html: &str, directive: &str) -> String {
    let (_, csp) = html.split_once("http-equiv=\"Content-Security-Policy\" content=\"").unwrap();
    let (csp, _) = csp.split_once('"').unwrap();
    let sources = csp.split(';').map(str::trim).find_map(|d| d.strip_prefix(directive));
    let sources: Vec<&str> = sources.expect(directive).split_whitespace().collect();
    assert_eq!(sources.len(), 1, "{directive}: {sources:?}");
    sources[0].trim_matches('\'').to_string()
}

/// `sha256-BASE64` of the text between `open` and the next `close` after it.
fn inline_hash(html: &str, open: &str, close: &str) -> String {
    assert_eq!(html.matches(open).count(), 1, "one {open} in the page");
    let (_, rest) = html.split_once(open).unwrap();
    let (body, _) = rest.split_once(close).unwrap();
    let digest = Sha256::digest(body.as_bytes());
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest))
}

/// Without a browser: the CSP hashes name the inline script and style exactly, so that an
/// edited page with stale hashes fails here (Chromium would refuse to run it).
#[test]
fn csp_hashes_match_the_inline_script_and_style() {
    let template = fs::read_to_string(root().join("src/seal").join(format!("{PAGE}.j2"))).unwrap();
    let written = fs::read_to_string(fixtures().cosigned.join(PAGE)).unwrap();
    for (what, html) in
        [("src/seal/verify.html.j2", &template), ("the page accord wrote", &written)]
    {
        for (directive, open, close) in
            [("script-src", "<script>", "</script>"), ("style-src", "<style>", "</style>")]
        {
            let hash = inline_hash(html, open, close);
            assert_eq!(
                csp_hash(html, directive),
                hash,
                "{what}: the CSP's {directive} is stale; write '{hash}' in its meta tag"
            );
        }
        assert!(html.contains("default-src 'none'"), "{what}");
    }
    // The data block is the only other script, and is not executed.
    assert_eq!(template.matches("<script").count(), 2);
    assert_eq!(
        template.matches(&format!("{DATA_TAG}{{{{ package | tojson }}}}</script>")).count(),
        1
    );
}

/// Without a browser: the data accord writes is `accord-page/1` as the page reads it.
#[test]
fn data_accord_writes_is_accord_page_1() {
    let f = fixtures();
    for (pkg, signers) in [(&f.built, &[&f.alice][..]), (&f.cosigned, &[&f.alice, &f.bob])] {
        let data = page_data(&fs::read_to_string(pkg.join(PAGE)).unwrap());
        assert_eq!(data["format"], "accord-page/1");
        assert_eq!(data["package"], ID);
        let manifest = fs::read(pkg.join("manifest.json")).unwrap();
        let embedded = data["manifest"]["base64"].as_str().unwrap();
        assert_eq!(base64::engine::general_purpose::STANDARD.decode(embedded).unwrap(), manifest);
        let manifest: Value = serde_json::from_slice(&manifest).unwrap();
        let files: Vec<&Value> = manifest["files"].as_array().unwrap().iter().collect();
        let documents = data["documents"].as_array().unwrap();
        assert_eq!(documents.len(), files.len());
        let signed = std::iter::once((&data["manifest"], "manifest.json"))
            .chain(documents.iter().zip(&files).map(|(d, f)| (d, f["name"].as_str().unwrap())));
        for (entry, file) in signed {
            assert_eq!(entry["file"], file);
            let want: Vec<String> = signers
                .iter()
                .map(|k| match k.name {
                    "alice" => format!("{file}.minisig"),
                    _ => format!("{file}.{}.minisig", k.name.to_lowercase()),
                })
                .collect();
            let got: Vec<&str> = entry["signatures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    let name = s["file"].as_str().unwrap();
                    assert_eq!(s["text"], fs::read_to_string(pkg.join(name)).unwrap());
                    name
                })
                .collect();
            assert_eq!(got, want, "signatures of {file}");
        }
        let got = data["signers"].as_array().unwrap();
        assert_eq!(got.len(), signers.len());
        for (got, key) in got.iter().zip(signers) {
            assert_eq!(got["name"], key.name);
            assert_eq!(got["key_id"], key.key_id);
            assert_eq!(got["minisign"], key.minisign);
            assert_eq!(got["ssh"], format!("{} {}", key.ssh, key.name));
        }
    }
}

/// A static file server on a free localhost port that records the paths asked for.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn serve(root: PathBuf) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let (seen, stop) = (Arc::new(Mutex::new(Vec::new())), Arc::new(AtomicBool::new(false)));
        let (seen2, stop2) = (seen.clone(), stop.clone());
        let thread = thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                let Ok((stream, _)) = listener.accept() else {
                    thread::sleep(Duration::from_millis(10));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
                    }
                }
                let path = request.split(' ').nth(1).unwrap_or("/").to_string();
                seen2.lock().unwrap().push(path.clone());
                let file = root.join(path.trim_start_matches('/'));
                let body = (!path.contains("..")).then(|| fs::read(file).ok()).flatten();
                let mut stream = &stream;
                let _ = match body {
                    Some(body) => write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .and_then(|_| stream.write_all(&body)),
                    None => write!(
                        stream,
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    ),
                };
            }
        });
        Server { port, seen, stop, thread: Some(thread) }
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A certified package (`accord certify`): its page says of a certified copy what `accord
/// verify` says, what it certifies and who certified it when.
#[test]
fn a_certified_copy_says_what_it_certifies_as_the_cli_does() {
    let (f, t) = (fixtures(), TempDir::new().unwrap());
    let d = t.path();
    copy_dir(&f.built, &d.join("out").join(ID));
    fs::copy(f.built.join("alice.pub"), d.join("alice.pub")).unwrap();
    fs::copy(root().join("config/un-iom-2016.toml"), d.join("session.toml")).unwrap();
    fs::copy(root().join("config/un-iom-2016.certification.toml"), d.join("cert.toml")).unwrap();
    keygen(d, "carol");
    let args = ["out/un-iom-2016", "session.toml", "cert.toml", "carol.key", "alice.pub"];
    let out = certify_package(d, args, &[]);
    assert_eq!(code(&out), 0, "accord certify:\n{}", text(&out));
    let pkg = d.join("out/un-iom-2016-certified");
    let copy = "agreement-original-1-certified-copy.pdf";
    let cli =
        accord(d, &["verify", &format!("out/un-iom-2016-certified/{copy}"), "--key", "carol.pub"]);
    let said = text(&cli);
    let line = said.lines().find(|l| l.contains("a certified true copy of")).unwrap().trim();
    let b = browser();
    open_page(&b, &pkg);
    let v = check(&b, &[&pkg.join(copy), &pkg.join("registration-statement.pdf")]);
    assert_eq!(statuses(&v), ["match", "match"]);
    let cli_words = line.trim_start_matches("a certified true copy of ");
    assert!(
        v[0].text.contains(&format!("certified true copy of {cli_words}")),
        "{line}\n{}",
        v[0].text
    );
    let certifies =
        "return [...document.querySelectorAll('.verdict')].map((v) => v.dataset.certifies || null)";
    assert_eq!(b.execute(certifies, &[]).unwrap(), json!(["agreement-original-1.pdf", null]));
}
