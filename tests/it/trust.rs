//! Verification you can trust: only trusted keys make `accord verify` pass, keys are
//! compared whole and never by key id, `accord sign` checks what it co-signs, `SHA256SUMS`
//! is signed and checked, junk next to a genuine copy is reported and not counted, and nothing
//! a package, a config or a signature holds reaches the terminal as a control sequence. One
//! test per way the trust could be broken, each on real packages built by `accord build`
//! (see [`world`]), and the stock tools (`minisign`, `ssh-keygen`, `sha256sum`) against every
//! signature and checksum accord writes.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

use crate::util::{
    accord, accord_command, assert_code, assert_error, assert_hides, assert_no_terminal_controls,
    assert_shows, at, code, copy_of, example_with, fingerprint_of, forge_key, json_report, keygen,
    minisign, one_line_key, output_within, replace_once, session, snapshot, text, tool, verify,
    TempDir, SHA256SUM, SSH_KEYGEN,
};

/// The genuine package, built and signed by alice.
const PKG: &str = "out/un-iom-2016";
/// The same documents (byte for byte: the build is reproducible) signed by a forger whose key
/// carries alice's key id, under alice's name.
const FORGED: &str = "forged/un-iom-2016";
/// Another package (id `un-iom-2016-test`) genuinely signed by alice.
const OTHER: &str = "other/un-iom-2016-test";
/// The document most tests check.
const DOC: &str = "agreement-original-2.pdf";
/// Its role.
const ROLE: &str = "agreement, original 2 of 2";
/// The forger's key pair: another key with alice's key id.
const FORGER_PUB: &str = "forger/alice.pub";

/// What every test starts from, made once per test binary (copy it with [`fresh`]): the
/// [`signed_example`] (`session.toml`, `alice` and `bob` key pairs, [`PKG`]), a third key pair
/// `carol`, the forger's key pair (`forger/alice.key`, [`FORGER_PUB`]), [`FORGED`] and
/// [`OTHER`]. The `.pub` files at the top are the keys their owners published.
fn world() -> &'static Path {
    static WORLD: OnceLock<TempDir> = OnceLock::new();
    WORLD
        .get_or_init(|| {
            example_with(|dir| {
                keygen(dir, "carol");
                fs::create_dir(dir.join("forger")).unwrap();
                let forged =
                    forge_key(&dir.join("forger"), "alice", &dir.join("alice.pub"), [0x66; 32]);
                let forged = forged.to_str().unwrap();
                let out =
                    accord(dir, &["build", "session.toml", "--key", forged, "--out", "forged"]);
                assert_code(&out, 0);
                let config = fs::read_to_string(dir.join("session.toml")).unwrap();
                let other =
                    replace_once(&config, "id = \"un-iom-2016\"", "id = \"un-iom-2016-test\"");
                fs::write(dir.join("other.toml"), other).unwrap();
                let out =
                    accord(dir, &["build", "other.toml", "--key", "alice.key", "--out", "other"]);
                assert_code(&out, 0);
            })
        })
        .path()
}

/// A fresh copy of the [`world`], for one test to change.
fn fresh() -> TempDir {
    copy_of(world())
}

/// `accord sign ARGS…` in `dir`.
fn sign(dir: &Path, args: &[&str]) -> Output {
    accord(dir, &[&["sign"][..], args].concat())
}

/// The minisign key id of the public key file `path`, as accord prints it.
fn key_id(path: &Path) -> String {
    let bytes = fs::read(path).expect("read public key");
    accord::minisign::PublicKey::parse(&bytes, "key").expect("a public key").key_id.to_string()
}

/// Copies `name` of `package` and its signature files (`.minisig`, `.sshsig`) into `to`.
fn copy_with_signatures(dir: &Path, package: &str, name: &str, to: &str) {
    fs::create_dir_all(dir.join(to)).unwrap();
    for file in [name.to_string(), format!("{name}.minisig"), format!("{name}.sshsig")] {
        fs::copy(dir.join(package).join(&file), dir.join(to).join(&file)).unwrap();
    }
}

/// The report of the signature file `name` among `signatures` (a JSON array).
fn signature<'a>(signatures: &'a Value, name: &str) -> &'a Value {
    let all = signatures.as_array().expect("signatures");
    let found = all.iter().find(|s| s["file"].as_str().is_some_and(|f| f.ends_with(name)));
    found.unwrap_or_else(|| panic!("no signature {name} in {signatures:#}"))
}

#[test]
fn a_forged_key_with_the_real_key_id_is_shown_in_full_and_never_passes_untrusted() {
    let tmp = fresh();
    let dir = tmp.path();
    let forged_key = one_line_key(&dir.join(FORGER_PUB));
    let real_key = one_line_key(&dir.join("alice.pub"));
    assert_eq!(key_id(&dir.join(FORGER_PUB)), key_id(&dir.join("alice.pub")));
    for args in [&[&at(FORGED, DOC), "--package", FORGED][..], &[&at(FORGED, DOC)]] {
        let out = verify(dir, args);
        assert_code(&out, 1);
        assert_shows(&out, "NOT TRUSTED: no --key or --allowed-signers given");
        // The key to compare is the forger's, in full: it differs from the published one
        // although its key id does not.
        assert_shows(&out, &forged_key);
        assert_hides(&out, &real_key);
        assert_shows(&out, "FAILED: no trusted key: ");
        let out = verify(dir, &[args, &["--json"]].concat());
        assert_code(&out, 1);
        let report = json_report(&out);
        assert_eq!((&report["ok"], &report["keys_trusted"]), (&false.into(), &false.into()));
        assert_eq!(report["keys"][0]["public_key"], forged_key.as_str());
        let ssh = report["keys"][0]["ssh_public_key"].as_str().unwrap();
        assert!(ssh.starts_with("ssh-ed25519 AAAA"), "{ssh}");
    }
}

#[test]
fn a_signature_carrying_a_trusted_key_id_but_made_by_another_key_is_invalid() {
    let tmp = fresh();
    let dir = tmp.path();
    let id = key_id(&dir.join("alice.pub"));
    let out = verify(dir, &[&at(FORGED, DOC), "--package", FORGED, "--key", "alice.pub"]);
    assert_code(&out, 1);
    assert_shows(&out, &format!("INVALID signature {FORGED}/manifest.json.minisig (key {id})"));
    assert_shows(&out, "MISSING: no valid signature of manifest.json by alice");
    assert_hides(&out, ": MATCH");
    let out = verify(dir, &[&at(FORGED, DOC), "--key", "alice.pub", "--json"]);
    assert_code(&out, 1);
    let file = &json_report(&out)["files"][0];
    assert_eq!(signature(&file["signatures"], &format!("{DOC}.minisig"))["status"], "invalid");
    assert_eq!(file["missing"][0]["signer"], "alice");
    assert_eq!(file["ok"], false);
    // The same with alice's key from an allowed_signers file, which has no key id at all.
    fs::copy(dir.join(PKG).join("allowed_signers"), dir.join("published_signers")).unwrap();
    for args in [&[&at(FORGED, DOC), "--package", FORGED][..], &[&at(FORGED, DOC)]] {
        let out = verify(dir, &[args, &["--allowed-signers", "published_signers"]].concat());
        assert_code(&out, 1);
        assert_shows(&out, "MISSING: no valid signature");
    }
}

#[test]
fn two_keys_with_one_key_id_are_refused_in_either_order_naming_both() {
    let tmp = fresh();
    let dir = tmp.path();
    let id = key_id(&dir.join("alice.pub"));
    for package in [PKG, FORGED] {
        for keys in [["alice.pub", FORGER_PUB], [FORGER_PUB, "alice.pub"]] {
            let keys = ["--key", keys[0], "--key", keys[1]];
            for place in [&["--package", package][..], &[]] {
                let doc = at(package, DOC);
                let out = verify(dir, &[&[doc.as_str()][..], place, &keys].concat());
                assert_error(&out, &format!("two different public keys use the key id {id}: "));
                for key in ["alice.pub", FORGER_PUB] {
                    assert_shows(&out, &format!("({key})"));
                    let line = fs::read_to_string(dir.join(key)).unwrap();
                    let public = accord::minisign::PublicKey::parse(line.as_bytes(), key).unwrap();
                    let ssh = accord::sshsig::SshPublicKey::from(public.key).to_line();
                    assert_shows(&out, &ssh);
                }
            }
        }
    }
    // One key given twice, as a file and in its one-line form, is one key.
    let one_line = one_line_key(&dir.join("alice.pub"));
    let out =
        verify(dir, &[&at(PKG, DOC), "--package", PKG, "--key", "alice.pub", "--key", &one_line]);
    assert_code(&out, 0);
}

#[test]
fn without_a_trusted_key_verify_says_what_it_found_and_exits_1() {
    let tmp = fresh();
    let dir = tmp.path();
    let alice = one_line_key(&dir.join("alice.pub"));
    let doc = at(PKG, DOC);
    let places = [
        (&[doc.as_str(), "--package", PKG][..], "in the package"),
        (&[doc.as_str()], "next to the files"),
    ];
    for (args, place) in places {
        let out = verify(dir, args);
        assert_code(&out, 1);
        let header = "NOT TRUSTED: no --key or --allowed-signers given, so the public keys found";
        assert_shows(&out, &format!("{header} {place} were used."));
        assert_shows(&out, &format!("\n    {alice}\n"));
        assert_shows(
            &out,
            &format!("{PKG}/{DOC}: NOT TRUSTED: it is {DOC} ({ROLE}), package un-iom-2016"),
        );
        assert_shows(&out, "\nFAILED: no trusted key: ");
        assert_hides(&out, "OK:");
    }
    for (args, _) in places {
        let out = verify(dir, &[args, &["--json"]].concat());
        assert_code(&out, 1);
        let report = json_report(&out);
        assert_eq!(report["ok"], false);
        assert_eq!(report["keys_trusted"], false);
        assert!(report["reason"].as_str().unwrap().starts_with("no trusted key: "), "{report:#}");
        let key = &report["keys"][0];
        assert_eq!(key["public_key"], alice.as_str());
        assert_eq!(key["key_id"], key_id(&dir.join("alice.pub")).as_str());
        assert_eq!(key["signer"], "alice");
        assert!(key["ssh_public_key"].as_str().unwrap().starts_with("ssh-ed25519 "), "{key}");
        let file = &report["files"][0];
        assert_eq!((&file["status"], &file["ok"]), (&"match".into(), &false.into()));
        assert_eq!((&file["document"], &file["role"]), (&DOC.into(), &ROLE.into()));
        assert_eq!(file["package_id"], "un-iom-2016");
    }
    // With the published key: exit 0, and no reason.
    let out = verify(dir, &[&at(PKG, DOC), "--package", PKG, "--key", "alice.pub", "--json"]);
    assert_code(&out, 0);
    let report = json_report(&out);
    assert_eq!((&report["ok"], &report["keys_trusted"]), (&true.into(), &true.into()));
    assert_eq!(report["reason"], Value::Null);
    let sums = &report["package"]["sha256sums_signatures"];
    assert_eq!(signature(sums, "SHA256SUMS.minisig")["status"], "valid");
    assert_eq!(signature(sums, "SHA256SUMS.sshsig")["status"], "valid");
}

/// Replaces `from` with `to` in the genuine package's manifest, then checks that verify (with
/// and without a trusted key, with and without `--json`) and sign refuse it as malformed,
/// showing `shown`, with no raw control character in their output.
fn assert_manifest_text_refused(from: &str, to: &str, shown: &str) {
    let tmp = fresh();
    let dir = tmp.path();
    let manifest = dir.join(PKG).join("manifest.json");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, replace_once(&text, from, to)).unwrap();
    let before = snapshot(dir);
    let doc = at(PKG, "council-resolution.pdf");
    for args in [
        &["verify", &doc, "--package", PKG, "--key", "alice.pub"][..],
        &["verify", &doc, "--package", PKG],
        &["verify", &doc, "--package", PKG, "--json"],
        &["sign", PKG, "--key", "bob.key", "--trust", "alice.pub"],
    ] {
        let out = accord(dir, args);
        assert_error(&out, &format!("{PKG}/manifest.json: the {shown} contains a control"));
        assert_no_terminal_controls(&format!("{args:?}, stdout"), &out.stdout);
        assert_no_terminal_controls(&format!("{args:?}, stderr"), &out.stderr);
    }
    assert_eq!(snapshot(dir), before, "sign changed the package");
}

#[test]
fn a_manifest_role_with_escape_sequences_is_refused_and_shown_escaped() {
    // ESC[1A ESC[2K would erase the line above: "NOT TRUSTED", say.
    assert_manifest_text_refused(
        "\"role\": \"Council resolution\"",
        r#""role": "Council resolution\u001b[1A\u001b[2K\u009b2K\u202e""#,
        r"role Council resolution\u{1b}[1A\u{1b}[2K\u{9b}2K\u{202e}",
    );
}

#[test]
fn a_manifest_package_id_with_escape_sequences_is_refused_and_shown_escaped() {
    assert_manifest_text_refused(
        "\"package\": \"un-iom-2016\"",
        r#""package": "un-iom-2016\u001b[8m\u2066""#,
        r"package id un-iom-2016\u{1b}[8m\u{2066}",
    );
}

#[test]
fn file_names_with_escape_sequences_in_a_package_reach_the_terminal_escaped() {
    let tmp = fresh();
    let dir = tmp.path();
    let pkg = dir.join(PKG);
    let doc = "council-resolution.pdf";
    // A valid co-signature (alice's own, copied), a junk one, and a key file, each named with
    // ESC, CSI, a bidi override and an isolate.
    let hostile = "x\u{1b}[2K\u{1b}[1A\u{9b}8m\u{202e}\u{2066}y";
    let shown = r"x\u{1b}[2K\u{1b}[1A\u{9b}8m\u{202e}\u{2066}y";
    fs::copy(pkg.join(format!("{doc}.minisig")), pkg.join(format!("{doc}.{hostile}.minisig")))
        .unwrap();
    fs::write(pkg.join(format!("{doc}.\u{1b}[8m.sshsig")), "junk\n").unwrap();
    // Sorted before alice.pub, so that the package's key is listed under this name.
    fs::copy(pkg.join("alice.pub"), pkg.join("\u{1b}[2K\u{9b}8m\u{202e}\u{2066}.pub")).unwrap();
    let shown_pub = r"\u{1b}[2K\u{9b}8m\u{202e}\u{2066}.pub";
    let copy = at(PKG, doc);
    let copy = copy.as_str();
    // Arguments, exit code, whether the text names the signature files, and the key files.
    for (args, exit, signatures, keys) in [
        (&["verify", copy, "--package", PKG, "--key", "alice.pub"][..], 0, true, false),
        (&["verify", copy, "--package", PKG], 1, true, true),
        (&["verify", copy, "--key", "alice.pub"], 0, true, false),
        (&["verify", copy], 1, true, true),
        (&["verify", copy, "--package", PKG, "--json"], 1, false, false),
        (&["sign", PKG, "--key", "bob.key", "--trust", "alice.pub"], 0, false, false),
    ] {
        let out = accord(dir, args);
        assert_code(&out, exit);
        assert_no_terminal_controls(&format!("{args:?}, stdout"), &out.stdout);
        assert_no_terminal_controls(&format!("{args:?}, stderr"), &out.stderr);
        if signatures {
            assert_shows(&out, &format!(", {PKG}/{doc}.{shown}.minisig)\n"));
            assert_shows(&out, &format!(r"{doc}.\u{{1b}}[8m.sshsig is not a signature"));
        }
        if keys {
            assert_shows(&out, &format!("{PKG}/{shown_pub})"));
        }
    }
}

#[test]
fn config_keys_and_values_with_escape_sequences_reach_the_terminal_escaped() {
    let hostile = r"\u001b[2K\u001b[1A\u009b8m\u202e\u2066";
    let shown = r"\u{1b}[2K\u{1b}[1A\u{9b}8m\u{202e}\u{2066}";
    let key = format!("[signing]\n\"pl{hostile}ace\" = \"x\"\n");
    let value = format!("place = \"New{hostile}York\"");
    let cases = [
        ("[signing]\n", key, 2, format!("unknown field `pl{shown}ace`")),
        ("place = \"New York\"", value, 1, "signing.place: contains the control".into()),
    ];
    for (from, to, exit, message) in cases {
        let dir = session(|config| replace_once(&config, from, &to));
        let out = accord(dir.path(), &["check", "session.toml"]);
        assert_code(&out, exit);
        assert_shows(&out, &message);
        assert_no_terminal_controls("accord check, stdout", &out.stdout);
        assert_no_terminal_controls("accord check, stderr", &out.stderr);
    }
}

#[test]
fn sign_without_a_trusted_key_refuses_and_names_the_keys_to_pass() {
    let tmp = fresh();
    let dir = tmp.path();
    let before = snapshot(dir);
    let out = sign(dir, &[PKG, "--key", "bob.key"]);
    assert_code(&out, 1);
    assert_shows(&out, "refusing to co-sign out/un-iom-2016: no trusted key given");
    let alice = one_line_key(&dir.join("alice.pub"));
    assert_shows(&out, &format!("alice: --trust {alice}"));
    assert_eq!(snapshot(dir), before);
}

#[test]
fn sign_with_trusted_keys_checks_a_genuine_package_and_says_whose_signatures() {
    let tmp = fresh();
    let dir = tmp.path();
    let alice = key_id(&dir.join("alice.pub"));
    let bob = key_id(&dir.join("bob.pub"));
    let out = sign(dir, &[PKG, "--key", "bob.key", "--trust", "alice.pub"]);
    assert_code(&out, 0);
    let checked = "every document, manifest.json and SHA256SUMS validly signed by";
    assert_shows(&out, &format!("Checked {PKG}: {checked} alice (key {alice}).\n"));
    assert_shows(&out, &format!("Co-signed it as bob (key {bob}); wrote:\n"));
    // The next co-signer trusts both, here from an allowed_signers file (as published).
    fs::copy(dir.join(PKG).join("allowed_signers"), dir.join("published_signers")).unwrap();
    let out = sign(dir, &[PKG, "--key", "carol.key", "--allowed-signers", "published_signers"]);
    assert_code(&out, 0);
    assert_shows(&out, &format!("{checked} alice (key {alice}), bob (key {bob}).\n"));
    let keys = ["--key", "alice.pub", "--key", "bob.pub", "--key", "carol.pub"];
    let out = verify(dir, &[&[&at(PKG, DOC), "--package", PKG][..], &keys].concat());
    assert_code(&out, 0);
}

#[test]
fn sign_refuses_a_package_re_signed_by_another_key() {
    let tmp = fresh();
    let dir = tmp.path();
    let before = snapshot(dir);
    for trust in
        [&["--trust", "alice.pub"][..], &["--allowed-signers", "out/un-iom-2016/allowed_signers"]]
    {
        let out = sign(dir, &[&[FORGED, "--key", "bob.key"][..], trust].concat());
        assert_code(&out, 1);
        assert_shows(
            &out,
            "refusing to co-sign forged/un-iom-2016, it does not verify with the trusted keys",
        );
        assert_shows(&out, "manifest.json: no valid signature by alice");
    }
    assert_eq!(snapshot(dir), before);
}

#[test]
fn sign_refuses_while_a_signer_in_the_package_is_not_trusted() {
    let tmp = fresh();
    let dir = tmp.path();
    assert_code(&sign(dir, &[PKG, "--key", "bob.key", "--trust", "alice.pub"]), 0);
    let before = snapshot(dir);
    let out = sign(dir, &[PKG, "--key", "carol.key", "--trust", "alice.pub"]);
    assert_code(&out, 1);
    let bob = key_id(&dir.join("bob.pub"));
    assert_shows(&out, &format!("it is also signed by bob (key {bob})"));
    assert_shows(&out, "whose key is not among the trusted keys");
    assert_eq!(snapshot(dir), before);
    let out = sign(dir, &[PKG, "--key", "carol.key", "--trust", "alice.pub", "--trust", "bob.pub"]);
    assert_code(&out, 0);
}

#[test]
fn sign_refuses_a_cosigner_whose_key_id_a_signer_of_the_package_uses() {
    // The forger's key carries alice's key id: co-signing with it would make a package whose
    // two keys accord cannot tell apart by id, which verify refuses.
    let tmp = fresh();
    let dir = tmp.path();
    let before = snapshot(dir);
    let args = [PKG, "--key", "forger/alice.key", "--signer", "alice2", "--trust", "alice.pub"];
    let out = sign(dir, &args);
    assert_code(&out, 1);
    assert_shows(&out, &key_id(&dir.join("alice.pub")));
    assert_eq!(snapshot(dir), before, "a second key with alice's key id was added");
}

#[test]
fn a_second_sign_while_another_holds_the_package_is_refused_cleanly() {
    let tmp = fresh();
    let dir = tmp.path();
    let before = snapshot(dir);
    let lock = fs::File::open(dir.join(PKG)).unwrap();
    lock.try_lock().expect("lock the package as a running accord sign does");
    let out = sign(dir, &[PKG, "--key", "bob.key", "--trust", "alice.pub"]);
    assert_code(&out, 1);
    assert_shows(
        &out,
        "another accord is co-signing out/un-iom-2016 right now; nothing was changed",
    );
    assert_eq!(snapshot(dir), before);
    drop(lock);
    assert_code(&sign(dir, &[PKG, "--key", "bob.key", "--trust", "alice.pub"]), 0);
}

#[test]
fn sign_removes_the_temporary_files_of_a_killed_sign() {
    let tmp = fresh();
    let dir = tmp.path();
    let pkg = dir.join(PKG);
    let stale = [".manifest.json.bob.minisig.tmp-4194304-0", ".SHA256SUMS.bob.sshsig.tmp-77-12"];
    for name in stale {
        fs::write(pkg.join(name), "half written").unwrap();
    }
    fs::write(pkg.join(".notes.tmp-draft"), "not accord's").unwrap();
    assert_code(&sign(dir, &[PKG, "--key", "bob.key", "--trust", "alice.pub"]), 0);
    for name in stale {
        assert!(!pkg.join(name).exists(), "{name} left behind");
    }
    assert!(pkg.join(".notes.tmp-draft").exists(), "a file accord did not write was removed");
}

#[test]
fn a_copy_of_another_package_names_its_package_and_fails_another_package_id() {
    let tmp = fresh();
    let dir = tmp.path();
    copy_with_signatures(dir, OTHER, DOC, "copy");
    let copy = format!("copy/{DOC}");
    let copy = copy.as_str();
    let out = verify(dir, &[copy, "--key", "alice.pub"]);
    assert_code(&out, 0);
    let signing = fingerprint_of(&dir.join(OTHER));
    let line =
        format!("{copy}: MATCH {DOC} ({ROLE}), package un-iom-2016-test, fingerprint {signing}\n");
    assert_shows(&out, &line);
    let right = [copy, "--key", "alice.pub", "--package-id", "un-iom-2016-test"];
    assert_code(&verify(dir, &right), 0);
    let genuine = [&at(PKG, DOC), "--key", "alice.pub", "--package-id", "un-iom-2016"];
    assert_code(&verify(dir, &genuine), 0);

    // Checked for the package it must belong to: against its package, and on its own with
    // both kinds of signature next to it, then with its .minisig only.
    let wrong = ["--key", "alice.pub", "--package-id", "un-iom-2016"];
    let out = verify(dir, &[&[copy, "--package", OTHER][..], &wrong].concat());
    assert_code(&out, 1);
    assert_shows(&out, "it is package un-iom-2016-test, not un-iom-2016");
    for sshsig in [true, false] {
        if !sshsig {
            fs::remove_file(dir.join(format!("{copy}.sshsig"))).unwrap();
        }
        let out = verify(dir, &[&[copy][..], &wrong].concat());
        assert_code(&out, 1);
        assert_shows(&out, "it was made for package un-iom-2016-test, not un-iom-2016");
        assert_hides(&out, ": MATCH");
        let out = verify(dir, &[&[copy][..], &wrong, &["--json"]].concat());
        assert_code(&out, 1);
        assert_eq!(json_report(&out)["files"][0]["ok"], false);
    }
    let out = verify(dir, &[copy, "--key", "alice.pub", "--json"]);
    let file = &json_report(&out)["files"][0];
    assert_eq!(file["package_id"], "un-iom-2016-test");
    assert_eq!((&file["document"], &file["role"]), (&DOC.into(), &ROLE.into()));
}

#[test]
fn sha256sums_edited_extended_or_deleted_fails_verify_and_sign_naming_it() {
    let sums = fs::read_to_string(world().join(PKG).join("SHA256SUMS")).unwrap();
    let first = sums.lines().next().unwrap().to_string();
    let edited = format!("{}{}", if first.starts_with('0') { '1' } else { '0' }, &first[1..]);
    let foreign = format!("{}  session.toml", "e".repeat(64));
    let cases: [(&str, Option<String>, Vec<String>); 3] = [
        (
            "edited",
            Some(sums.replacen(&first, &edited, 1)),
            vec![
                format!(
                    "SHA256SUMS has the line {edited:?}, which is not in the signed manifest.json"
                ),
                format!("SHA256SUMS lacks the line {first:?} of the signed manifest.json"),
            ],
        ),
        (
            "extended",
            Some(format!("{sums}{foreign}\n")),
            vec![format!(
                "SHA256SUMS has the line {foreign:?}, which is not in the signed manifest.json"
            )],
        ),
        ("deleted", None, vec!["SHA256SUMS is missing".to_string()]),
    ];
    for (what, contents, messages) in cases {
        let tmp = fresh();
        let dir = tmp.path();
        let path = dir.join(PKG).join("SHA256SUMS");
        match contents {
            Some(contents) => fs::write(&path, contents).unwrap(),
            None => fs::remove_file(&path).unwrap(),
        }
        let before = snapshot(dir);
        for args in [
            &["verify", &at(PKG, DOC), "--package", PKG, "--key", "alice.pub"][..],
            &["sign", PKG, "--key", "bob.key", "--trust", "alice.pub"],
        ] {
            let out = accord(dir, args);
            assert_eq!(code(&out), 1, "SHA256SUMS {what}, {args:?}:\n{}", text(&out));
            for message in &messages {
                assert_shows(&out, message);
            }
        }
        assert_eq!(snapshot(dir), before, "SHA256SUMS {what}: sign changed the package");
    }
}

/// Makes `path` a FIFO.
fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn junk_cosignature_files_are_reported_not_counted_and_a_genuine_copy_still_passes() {
    let tmp = fresh();
    let dir = tmp.path();
    let pkg = dir.join(PKG);
    let other = "council-resolution.pdf";
    // name → the status --json must give it.
    let mut junk = Vec::new();
    for (of, ext) in [(DOC, "minisig"), (DOC, "sshsig"), ("manifest.json", "minisig")] {
        let malformed = format!("{of}.zz.{ext}");
        fs::write(pkg.join(&malformed), "not a signature\n").unwrap();
        let directory = format!("{of}.dir.{ext}");
        fs::create_dir(pkg.join(&directory)).unwrap();
        let fifo = format!("{of}.fifo.{ext}");
        mkfifo(&pkg.join(&fifo));
        junk.extend([(malformed, "malformed"), (directory, "malformed"), (fifo, "malformed")]);
    }
    // A valid signature of another file by the same key.
    let another = format!("{DOC}.other.minisig");
    fs::copy(pkg.join(format!("{other}.minisig")), pkg.join(&another)).unwrap();
    junk.push((another, "other_file"));
    // Its OpenSSH twin cannot say which file it signs: it does not verify, and is not counted.
    let another_ssh = format!("{DOC}.other.sshsig");
    fs::copy(pkg.join(format!("{other}.sshsig")), pkg.join(&another_ssh)).unwrap();

    let limit = Duration::from_secs(30);
    let doc = at(PKG, DOC);
    for place in [&["--package", PKG][..], &[]] {
        let args = [&["verify", doc.as_str(), "--key", "alice.pub"][..], place].concat();
        let out = output_within(accord_command(dir, &args), limit);
        assert_code(&out, 0);
        let reported = |name: &&String| !place.is_empty() || name.starts_with(DOC);
        for name in junk.iter().map(|(name, _)| name).filter(reported) {
            let line =
                text(&out).lines().find(|l| l.contains(&format!("/{name}"))).map(str::to_string);
            let line = line.unwrap_or_else(|| panic!("{name} not reported:\n{}", text(&out)));
            assert!(line.starts_with("  not counted: "), "{line}");
        }
        assert_shows(&out, &format!("/{another_ssh}"));
        let out = output_within(accord_command(dir, &[&args[..], &["--json"]].concat()), limit);
        assert_code(&out, 0);
        let report = json_report(&out);
        let file = &report["files"][0];
        for (name, status) in junk.iter().filter(|(name, _)| name.starts_with(DOC)) {
            assert_eq!(signature(&file["signatures"], name)["status"], *status, "{name}");
        }
        assert_ne!(signature(&file["signatures"], &another_ssh)["status"], "valid");
        if !place.is_empty() {
            let manifest = &report["package"]["signatures"];
            assert_eq!(signature(manifest, "manifest.json.zz.minisig")["status"], "malformed");
        }
    }
}

#[test]
fn a_one_line_key_is_named_as_its_verified_signatures_say() {
    let tmp = fresh();
    let dir = tmp.path();
    let one_line = one_line_key(&dir.join("alice.pub"));
    let id = key_id(&dir.join("alice.pub"));
    for place in [&["--package", PKG][..], &[]] {
        let doc = at(PKG, DOC);
        let args = [&[doc.as_str()][..], place, &["--key", one_line.as_str()]].concat();
        let out = verify(dir, &args);
        assert_code(&out, 0);
        let all = text(&out);
        let valid: Vec<&str> = all.lines().filter(|l| l.contains("valid signature by")).collect();
        assert!(valid.len() >= 2, "{}", text(&out));
        for line in valid {
            assert!(line.starts_with("  valid signature by alice (key "), "{line}");
        }
        assert_hides(&out, "unnamed");
        if !place.is_empty() {
            assert_shows(&out, &format!("manifest.json signed by alice (key {id})\n"));
        }
        let out = verify(dir, &[&args[..], &["--json"]].concat());
        let signatures = json_report(&out)["files"][0]["signatures"].clone();
        for s in signatures.as_array().unwrap() {
            assert_eq!((&s["status"], &s["signer"]), (&"valid".into(), &"alice".into()), "{s}");
        }
    }
}

#[test]
fn valid_signatures_show_their_trusted_comment_in_text_and_json() {
    let tmp = fresh();
    let dir = tmp.path();
    let sha256 = accord::digest::sha256_hex(&fs::read(dir.join(PKG).join(DOC)).unwrap());
    let signing = fingerprint_of(&dir.join(PKG));
    let comment = format!(
        "accord file={DOC} sha256={sha256} role=\"{ROLE}\" package=un-iom-2016 \
         fingerprint={signing} signer=alice"
    );
    let out = verify(dir, &[&at(PKG, DOC), "--package", PKG, "--key", "alice.pub"]);
    assert_code(&out, 0);
    assert_shows(&out, &format!("{DOC}.minisig)\n    trusted comment: {comment}\n"));
    // A stock minisign signature's trusted comment, too.
    let stock = tmp.path().join("stock");
    fs::create_dir(&stock).unwrap();
    assert_code(&minisign(&stock, &["-G", "-W", "-p", "m.pub", "-s", "m.key"], ""), 0);
    fs::write(stock.join("notes.txt"), "signed by stock minisign\n").unwrap();
    let said = "checked by the registry, 19 September 2016";
    assert_code(&minisign(&stock, &["-S", "-s", "m.key", "-m", "notes.txt", "-t", said], ""), 0);
    let published = one_line_key(&stock.join("m.pub"));
    let out = verify(&stock, &["notes.txt", "--key", &published]);
    assert_code(&out, 0);
    assert_shows(&out, &format!("\n    trusted comment: {said}\n"));

    let out = verify(dir, &[&at(PKG, DOC), "--key", "alice.pub", "--json"]);
    let signatures = &json_report(&out)["files"][0]["signatures"];
    assert_eq!(
        signature(signatures, &format!("{DOC}.minisig"))["trusted_comment"],
        comment.as_str()
    );
    let out = verify(&stock, &["notes.txt", "--key", "m.pub", "--json"]);
    let signatures = &json_report(&out)["files"][0]["signatures"];
    assert_eq!(signature(signatures, "notes.txt.minisig")["trusted_comment"], said);
}

#[test]
fn a_changed_copy_makes_its_own_signature_invalid() {
    // Its .minisig is intact, but of the bytes before the change: INVALID, as its .sshsig is,
    // not "a signature of another file".
    let tmp = fresh();
    let dir = tmp.path();
    copy_with_signatures(dir, PKG, DOC, "copy");
    let copy = format!("copy/{DOC}");
    let mut bytes = fs::read(dir.join(&copy)).unwrap();
    bytes.push(b'\n');
    fs::write(dir.join(&copy), bytes).unwrap();
    let out = verify(dir, &[&copy, "--key", "alice.pub"]);
    assert_code(&out, 1);
    assert_shows(&out, &format!("INVALID signature {copy}.minisig"));
    assert_shows(&out, &format!("INVALID signature {copy}.sshsig"));
    let out = verify(dir, &[&copy, "--key", "alice.pub", "--json"]);
    let signatures = &json_report(&out)["files"][0]["signatures"];
    assert_eq!(signature(signatures, &format!("{DOC}.minisig"))["status"], "invalid");
    assert_eq!(signature(signatures, &format!("{DOC}.sshsig"))["status"], "invalid");
}

#[test]
fn stock_tools_verify_every_signature_and_checksum_accord_writes() {
    let tmp = fresh();
    let dir = tmp.path();
    assert_code(&sign(dir, &[PKG, "--key", "bob.key", "--trust", "alice.pub"]), 0);
    let pkg = dir.join(PKG);
    let names: Vec<String> = fs::read_dir(&pkg)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    // `FILE.EXT` is the builder's (alice) signature of FILE, `FILE.SIGNER.EXT` a co-signer's.
    let signed = |sig: &str, ext: &str| -> (String, String) {
        let stem = sig.strip_suffix(ext).unwrap();
        if names.iter().any(|n| n == stem) {
            return (stem.to_string(), "alice".to_string());
        }
        let (file, signer) = stem.rsplit_once('.').unwrap();
        (file.to_string(), signer.to_string())
    };
    let mut checked = (0, 0);
    for sig in names.iter().filter(|n| n.ends_with(".minisig")) {
        let (file, signer) = signed(sig, ".minisig");
        let out = minisign(&pkg, &["-Vm", &file, "-x", sig, "-p", &format!("{signer}.pub")], "");
        assert_code(&out, 0);
        checked.0 += 1;
    }
    for sig in names.iter().filter(|n| n.ends_with(".sshsig")) {
        let (file, signer) = signed(sig, ".sshsig");
        let args =
            ["-Y", "verify", "-f", "allowed_signers", "-I", &signer, "-n", "accord", "-s", sig];
        let out = tool(&pkg, SSH_KEYGEN, &args, &fs::read(pkg.join(&file)).unwrap());
        assert_code(&out, 0);
        checked.1 += 1;
    }
    // Five documents, manifest.json and SHA256SUMS, by alice and bob, in both formats.
    assert_eq!(checked, (14, 14));
    let out = tool(&pkg, SHA256SUM, &["-c", "--strict", "SHA256SUMS"], b"");
    assert_code(&out, 0);
    assert_eq!(String::from_utf8_lossy(&out.stdout).matches(": OK\n").count(), 5, "{}", text(&out));
}

/// The red team's false MATCH: a file named like alice's published key, holding the forger's
/// key, stood in for it. A value that reads as a key is a key, never a file name.
#[test]
fn a_key_given_as_text_is_that_key_even_when_a_file_of_that_name_exists() {
    let dir = fresh();
    let d = dir.path();
    let alice = one_line_key(&d.join("alice.pub"));
    let forged = d.join(FORGED);
    // Base64's `/` makes the path a file in a folder; without one, a file in the package.
    // A key ending in `/` (one in 64) names a folder, where no file can be planted.
    if !alice.ends_with('/') {
        let planted = forged.join(&alice);
        fs::create_dir_all(planted.parent().unwrap()).unwrap();
        fs::copy(d.join(FORGER_PUB), &planted).unwrap();
    }
    let out = verify(&forged, &[DOC, "--key", &alice]);
    assert_code(&out, 1);
    assert_hides(&out, "OK:");
    let out = verify(d, &[&at(FORGED, DOC), "--package", FORGED, "--key", &alice]);
    assert_code(&out, 1);
    let out = sign(&forged, &[".", "--key", "../../bob.key", "--trust", &alice]);
    assert_code(&out, 1);
}

#[test]
fn a_trusted_key_file_from_inside_the_package_or_next_to_the_copy_is_not_trusted() {
    let dir = fresh();
    let d = dir.path();
    for args in [
        &[&at(FORGED, DOC), "--package", FORGED, "--key", &at(FORGED, "alice.pub")][..],
        &[
            &at(FORGED, DOC),
            "--package",
            FORGED,
            "--allowed-signers",
            &at(FORGED, "allowed_signers"),
        ],
        &[&at(FORGED, DOC), "--key", &at(FORGED, "alice.pub")],
    ] {
        let out = verify(d, args);
        assert_code(&out, 1);
        assert_shows(&out, "lies with what it is to check");
        assert_eq!(json_report(&verify(d, &[args, &["--json"]].concat()))["keys_trusted"], false);
    }
    let out = sign(d, &[FORGED, "--key", "bob.key", "--trust", &at(FORGED, "alice.pub")]);
    assert_code(&out, 1);
    assert_shows(&out, "lies with what it is to check");
}

#[test]
fn a_file_name_with_a_line_break_cannot_forge_a_line_of_an_error() {
    let dir = fresh();
    let d = dir.path();
    let name = "c.pdf\nc.pdf: MATCH agreement-original-2.pdf\nOK: 1 file(s) match";
    fs::copy(d.join(PKG).join(DOC), d.join(name)).unwrap();
    fs::write(d.join(format!("{name}.minisig")), "not a signature\n").unwrap();
    let out = verify(d, &[name, "--key", "alice.pub"]);
    assert_code(&out, 2);
    assert_hides(&out, "\nc.pdf: MATCH");
    assert_hides(&out, "\nOK:");
    assert_shows(&out, "c.pdf\\u{a}c.pdf: MATCH");
}

/// The second red team's variants: a key file near the copy while `--package` is given, in a
/// folder of the package, or reached through a link, is still one that came with the package.
#[test]
fn a_key_file_under_the_package_or_linked_to_it_is_not_trusted_either() {
    let dir = fresh();
    let d = dir.path();
    fs::create_dir_all(d.join("inbox")).unwrap();
    fs::copy(d.join(FORGED).join(DOC), d.join("inbox/copy.pdf")).unwrap();
    fs::copy(d.join(FORGER_PUB), d.join("inbox/alice.pub")).unwrap();
    fs::create_dir_all(d.join(FORGED).join("keys")).unwrap();
    fs::copy(d.join(FORGER_PUB), d.join(FORGED).join("keys/alice.pub")).unwrap();
    fs::create_dir_all(d.join("mykeys")).unwrap();
    std::os::unix::fs::symlink(d.join(FORGED).join("alice.pub"), d.join("mykeys/alice.pub"))
        .unwrap();
    for key in ["inbox/alice.pub", &at(FORGED, "keys/alice.pub"), "mykeys/alice.pub"] {
        let out = verify(d, &["inbox/copy.pdf", "--package", FORGED, "--key", key]);
        assert_code(&out, 1);
        assert_shows(&out, "lies with what it is to check");
    }
    let out = sign(d, &[FORGED, "--key", "bob.key", "--trust", "mykeys/alice.pub"]);
    assert_code(&out, 1);
}

/// Key text is never a file name, in whatever form it is pasted: with a comment, as the whole
/// `.pub` file, as an `allowed_signers` line, or with a stray character.
#[test]
fn pasted_key_text_in_any_form_is_read_as_a_key_or_refused() {
    let dir = fresh();
    let d = dir.path();
    let alice = one_line_key(&d.join("alice.pub"));
    let whole = fs::read_to_string(d.join("alice.pub")).unwrap();
    let ssh = fs::read_to_string(d.join(PKG).join("allowed_signers")).unwrap();
    let ssh_line = ssh.lines().next().unwrap();
    for text in [format!("{alice} alice"), whole.clone(), ssh_line.to_string()] {
        let planted = d.join(FORGED).join(&text);
        if fs::create_dir_all(planted.parent().unwrap()).is_ok() {
            let _ = fs::copy(d.join(FORGER_PUB), &planted);
        }
        let out = verify(&d.join(FORGED), &[DOC, "--package", ".", "--key", &text]);
        assert_code(&out, 1);
        assert_hides(&out, "OK:");
        let out = verify(d, &[&at(PKG, DOC), "--package", PKG, "--key", &text]);
        assert_code(&out, 0);
    }
    let out = verify(d, &[&at(PKG, DOC), "--package", PKG, "--key", &format!("{alice}.")]);
    assert_code(&out, 2);
}
