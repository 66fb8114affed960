//! The package fingerprint and supersession from the command line: `build` and `sign` print
//! the fingerprint, every trusted comment names it (and stock minisign still reads them),
//! `verify` shows it in text and JSON, `--fingerprint` fails a document of any other signing,
//! and a later signing that supersedes an earlier one makes the earlier documents say so,
//! with a package or with their signatures alone (issue 19's case: the same package id and key,
//! one amendment decided the other way). The page's side is in `page.rs`.

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

use crate::util::{
    accord, assert_code, assert_hides, assert_shows, at, copy_of, example_with, fingerprint_of,
    json_report, later_config, minisign, one_line_key, text, tool, verify, TempDir, SHA256SUM,
    SSH_KEYGEN,
};

/// The earlier signing: the example built by alice.
const EARLIER: &str = "out/un-iom-2016";
/// The later signing (same id, same key, art2-1-crucial accepted), which supersedes it.
const LATER: &str = "later/un-iom-2016";
/// The document the amendment changes, and one it leaves as it was.
const CHANGED: &str = "agreement-original-1.pdf";
const SAME: &str = "council-resolution.pdf";

/// The [`signed_example`] and, built from `later.toml` by alice, [`LATER`]; what its build
/// printed is in `later.out`. Copy it ([`copy_of`]) before changing anything.
fn world() -> &'static Path {
    static WORLD: OnceLock<TempDir> = OnceLock::new();
    WORLD
        .get_or_init(|| {
            example_with(|dir| {
                let example = fs::read_to_string(dir.join("session.toml")).unwrap();
                let later = later_config(&example, &fingerprint_of(&dir.join(EARLIER)));
                fs::write(dir.join("later.toml"), later).unwrap();
                let args = ["build", "later.toml", "--key", "alice.key", "--out", "later"];
                let out = accord(dir, &args);
                assert_code(&out, 0);
                fs::write(dir.join("later.out"), &out.stdout).unwrap();
            })
        })
        .path()
}

/// A recipient's copy of `name` of `package`, with its signature files, in `dir/inbox`.
fn received(dir: &Path, package: &str, name: &str) -> String {
    fs::create_dir_all(dir.join("inbox")).unwrap();
    for file in [name.to_string(), format!("{name}.minisig"), format!("{name}.sshsig")] {
        fs::copy(dir.join(package).join(&file), dir.join("inbox").join(&file)).unwrap();
    }
    at("inbox", name)
}

/// The trusted comment of the minisign signature file `path`.
fn trusted_comment(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let line = text.lines().nth(2).expect("a minisign signature has a third line");
    line.strip_prefix("trusted comment: ").expect("a trusted comment").to_string()
}

#[test]
fn build_and_sign_print_the_fingerprint_that_sha256sum_gives() {
    let tmp = copy_of(world());
    let dir = tmp.path();
    let later = fingerprint_of(&dir.join(LATER));
    let printed = fs::read_to_string(dir.join("later.out")).unwrap();
    let line = format!(
        "  package fingerprint {later}: publish it with your public key; recipients check copies \
         against it (accord verify --fingerprint)\n"
    );
    assert!(printed.contains(&line), "{line:?} not in:\n{printed}");
    // The fingerprint is the start of what sha256sum prints for the manifest.
    let sums = tool(&dir.join(LATER), SHA256SUM, &["manifest.json"], b"");
    assert_eq!(&String::from_utf8_lossy(&sums.stdout)[..40], later.replace('-', ""));
    // Built again: up to date, and the same fingerprint.
    let out = accord(dir, &["build", "later.toml", "--key", "alice.key", "--out", "later"]);
    assert_code(&out, 0);
    assert_shows(&out, "up to date");
    assert_shows(&out, &line);
    // A co-signer's run prints it, and each of their trusted comments names it.
    let out = accord(
        dir,
        &["sign", LATER, "--key", "bob.key", "--signer", "Bob B.", "--trust", "alice.pub"],
    );
    assert_code(&out, 0);
    assert_shows(&out, &line);
    assert_eq!(fingerprint_of(&dir.join(LATER)), later, "co-signing leaves the manifest");
    for name in [CHANGED, SAME, "manifest.json", "SHA256SUMS"] {
        let comment = trusted_comment(&dir.join(LATER).join(format!("{name}.bob-b.minisig")));
        assert!(comment.contains(&format!(" fingerprint={later} signer=\"Bob B.\"")), "{comment}");
    }
}

#[test]
fn every_signature_names_the_fingerprint_and_stock_tools_still_accept_it() {
    let tmp = copy_of(world());
    let dir = tmp.path();
    let package = dir.join(LATER);
    let fingerprint = fingerprint_of(&package);
    let key = one_line_key(&dir.join("alice.pub"));
    let allowed = package.join("allowed_signers");
    for name in [CHANGED, "agreement-original-2.pdf", SAME, "manifest.json", "SHA256SUMS"] {
        let signature = package.join(format!("{name}.minisig"));
        let comment = trusted_comment(&signature);
        assert!(
            comment
                .contains(&format!(" package=un-iom-2016 fingerprint={fingerprint} signer=alice")),
            "{comment}"
        );
        // minisign checks the signature and its one-line trusted comment.
        let out = minisign(&package, &["-Vm", name, "-P", &key], "");
        assert_code(&out, 0);
        assert_shows(&out, &format!("Trusted comment: {comment}\n"));
        // ssh-keygen, with the package's allowed_signers and the name the package attests.
        let sshsig = format!("{name}.sshsig");
        let args = [
            "-Y",
            "verify",
            "-f",
            allowed.to_str().unwrap(),
            "-I",
            "alice",
            "-n",
            "accord",
            "-s",
            &sshsig,
        ];
        let out = tool(&package, SSH_KEYGEN, &args, &fs::read(package.join(name)).unwrap());
        assert_code(&out, 0);
    }
    let manifest: Value =
        serde_json::from_slice(&fs::read(package.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["supersedes"], serde_json::json!([fingerprint_of(&dir.join(EARLIER))]));
    let earlier: Value =
        serde_json::from_slice(&fs::read(dir.join(EARLIER).join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(earlier.get("supersedes"), None, "a first signing writes no supersedes");
}

#[test]
fn verify_shows_the_fingerprint_in_text_and_json() {
    let tmp = copy_of(world());
    let dir = tmp.path();
    let (earlier, later) = (fingerprint_of(&dir.join(EARLIER)), fingerprint_of(&dir.join(LATER)));
    let copy = at(LATER, CHANGED);
    let out = verify(dir, &[&copy, "--package", LATER, "--key", "alice.pub"]);
    assert_code(&out, 0);
    assert_shows(
        &out,
        &format!(
            "Package un-iom-2016 ({LATER}), fingerprint {later}: manifest.json signed by alice"
        ),
    );
    assert_shows(&out, &format!("  it supersedes the earlier signing(s) {earlier}\n"));
    assert_shows(&out, &format!("{copy}: MATCH {CHANGED} (agreement, original 1 of 2), package un-iom-2016, fingerprint {later}\n"));
    let out = verify(dir, &[&copy, "--package", LATER, "--key", "alice.pub", "--json"]);
    let report = json_report(&out);
    assert_eq!(report["package"]["fingerprint"], later.as_str());
    assert_eq!(report["package"]["supersedes"], serde_json::json!([earlier]));
    assert_eq!(report["files"][0]["fingerprint"], later.as_str());
    assert_eq!(report["files"][0]["other_signing"], Value::Null);
    assert_eq!(report["expected_fingerprint"], Value::Null);
    // Standalone: the signatures next to the copy say which signing it is of.
    let copy = received(dir, LATER, CHANGED);
    let out = verify(dir, &[&copy, "--key", "alice.pub"]);
    assert_code(&out, 0);
    assert_shows(&out, &format!("{copy}: MATCH {CHANGED} (agreement, original 1 of 2), package un-iom-2016, fingerprint {later}\n"));
    let report = json_report(&verify(dir, &[&copy, "--key", "alice.pub", "--json"]));
    assert_eq!(report["files"][0]["fingerprint"], later.as_str());
    assert_eq!(report["package"], Value::Null);
}

#[test]
fn with_fingerprint_a_document_of_any_other_signing_fails() {
    let tmp = copy_of(world());
    let dir = tmp.path();
    let (earlier, later) = (fingerprint_of(&dir.join(EARLIER)), fingerprint_of(&dir.join(LATER)));
    let said = format!(
        "NO MATCH: a genuine document of another signing of un-iom-2016 (fingerprint {earlier}), \
         not the one you expect ({later})"
    );
    // Against its own (earlier) package.
    let copy = at(EARLIER, CHANGED);
    let args = [&copy[..], "--package", EARLIER, "--key", "alice.pub", "--fingerprint", &later];
    let out = verify(dir, &args);
    assert_code(&out, 1);
    assert_shows(&out, &format!("{copy}: {said}\n"));
    assert_shows(
        &out,
        &format!("  its fingerprint is {earlier}, not {later}, the one you expect\n"),
    );
    assert_hides(&out, ": MATCH");
    let report = json_report(&verify(dir, &[&args[..], &["--json"]].concat()));
    assert_eq!(report["expected_fingerprint"], later.as_str());
    assert_eq!((&report["ok"], &report["package"]["ok"]), (&false.into(), &false.into()));
    let file = &report["files"][0];
    assert_eq!((&file["status"], &file["ok"]), (&"no_match".into(), &false.into()));
    let other = serde_json::json!({
        "document": CHANGED, "role": "agreement, original 1 of 2", "package_id": "un-iom-2016",
        "fingerprint": earlier, "superseded_by": null
    });
    assert_eq!(file["other_signing"], other);
    // Standalone: its signature names the earlier signing.
    let copy = received(dir, EARLIER, CHANGED);
    let out = verify(dir, &[&copy, "--key", "alice.pub", "--fingerprint", &later]);
    assert_code(&out, 1);
    assert_shows(&out, &format!("{copy}: {said}\n"));
    assert_shows(&out, &format!("it was made for another signing of package un-iom-2016 (fingerprint {earlier}), not {later}"));
    let report = json_report(&verify(
        dir,
        &[&copy, "--key", "alice.pub", "--fingerprint", &later, "--json"],
    ));
    assert_eq!(report["files"][0]["other_signing"], other);
    // The right fingerprint, typed as a person may type it, passes both ways.
    let typed = earlier.replace('-', " ").to_uppercase();
    assert_code(&verify(dir, &[&copy, "--key", "alice.pub", "--fingerprint", &typed]), 0);
    let args = [
        &at(EARLIER, CHANGED)[..],
        "--package",
        EARLIER,
        "--key",
        "alice.pub",
        "--fingerprint",
        &typed,
    ];
    assert_code(&verify(dir, &args), 0);
    // The Council resolution is byte for byte the same in both signings: against the later
    // package it is that package's document; its earlier signature still names the earlier
    // signing.
    assert_code(
        &verify(
            dir,
            &[
                &at(EARLIER, SAME),
                "--package",
                LATER,
                "--key",
                "alice.pub",
                "--fingerprint",
                &later,
            ],
        ),
        0,
    );
    let resolution = received(dir, EARLIER, SAME);
    assert_code(&verify(dir, &[&resolution, "--key", "alice.pub", "--fingerprint", &later]), 1);
}

#[test]
fn an_earlier_signing_checked_against_the_later_package_is_superseded() {
    let tmp = copy_of(world());
    let dir = tmp.path();
    let (earlier, later) = (fingerprint_of(&dir.join(EARLIER)), fingerprint_of(&dir.join(LATER)));
    let copy = received(dir, EARLIER, CHANGED);
    // Before the later signing, the earlier one passes: that is why a later one says so.
    assert_code(&verify(dir, &[&copy, "--key", "alice.pub"]), 0);
    let out = verify(dir, &[&copy, "--package", LATER, "--key", "alice.pub"]);
    assert_code(&out, 1);
    assert_shows(
        &out,
        &format!(
        "{copy}: NO MATCH: a genuine document of an earlier signing of un-iom-2016 (fingerprint \
         {earlier}), superseded by this package (fingerprint {later}); only the documents of \
         this package are current\n"
    ),
    );
    assert_shows(&out, &format!("  its text differs from that of {CHANGED} (agreement, original 1 of 2) of this package:\n"));
    assert_shows(&out, "\"organization with a crucial global leading role\" → \"organization with a global leading role\"");
    assert_hides(&out, "its text was changed");
    let report =
        json_report(&verify(dir, &[&copy, "--package", LATER, "--key", "alice.pub", "--json"]));
    let file = &report["files"][0];
    assert_eq!((&file["status"], &file["ok"]), (&"no_match".into(), &false.into()));
    assert_eq!(file["other_signing"]["superseded_by"], later.as_str());
    assert_eq!(file["other_signing"]["fingerprint"], earlier.as_str());
    assert_eq!(file["fingerprint"], earlier.as_str());
    // With the later fingerprint (no package at hand): another signing, not the one expected.
    let out = verify(dir, &[&copy, "--key", "alice.pub", "--fingerprint", &later]);
    assert_code(&out, 1);
    assert_shows(&out, &format!("not the one you expect ({later})"));
    // The PDF alone, no signature with it: no match, and what differs.
    fs::remove_file(dir.join(format!("{copy}.minisig"))).unwrap();
    let out = verify(dir, &[&copy, "--package", LATER, "--key", "alice.pub"]);
    assert_code(&out, 1);
    assert_shows(&out, &format!("{copy}: NO MATCH\n"));
    assert_shows(&out, "It is not a signed document: its text was changed.");
}

#[test]
fn a_signature_of_another_signing_of_the_same_bytes_does_not_count() {
    // The later signing's signature of the unchanged resolution, put in the earlier package:
    // intact, same bytes, same key, same package id, but another signing.
    let tmp = copy_of(world());
    let dir = tmp.path();
    let signature = format!("{SAME}.minisig");
    fs::copy(dir.join(LATER).join(&signature), dir.join(EARLIER).join(&signature)).unwrap();
    // Its OpenSSH signature, which names no signing, would count for alice: set it aside.
    fs::remove_file(dir.join(EARLIER).join(format!("{SAME}.sshsig"))).unwrap();
    let out = verify(dir, &[&at(EARLIER, SAME), "--package", EARLIER, "--key", "alice.pub"]);
    assert_code(&out, 1);
    let (earlier, later) = (fingerprint_of(&dir.join(EARLIER)), fingerprint_of(&dir.join(LATER)));
    assert_shows(
        &out,
        &format!(
            "not counted: {EARLIER}/{signature}: it was made for another signing of package \
         un-iom-2016 (fingerprint {later}), not {earlier}"
        ),
    );
    assert_shows(&out, "MISSING: no valid signature by alice");
    assert_hides(&out, ": MATCH");
}

#[test]
fn signatures_made_before_fingerprints_still_verify_but_name_no_signing() {
    // The earlier package re-signed the way accord did before fingerprints: comments without one.
    let tmp = copy_of(world());
    let dir = tmp.path();
    let package = dir.join(EARLIER);
    let key_file = fs::read(dir.join("alice.key")).unwrap();
    let key = accord::minisign::SecretKeyFile::parse(&key_file, "alice.key")
        .unwrap()
        .unlock(None)
        .unwrap();
    for name in [CHANGED, "agreement-original-2.pdf", SAME, "manifest.json", "SHA256SUMS"] {
        let path = package.join(format!("{name}.minisig"));
        let comment = trusted_comment(&path);
        let old = comment.replace(&format!(" fingerprint={}", fingerprint_of(&package)), "");
        assert_ne!(old, comment);
        let digest = accord::digest::FileDigest::of_bytes(&fs::read(package.join(name)).unwrap());
        let signature = key.sign(&digest.blake2b512, "before fingerprints", &old).unwrap();
        fs::write(&path, signature.to_file()).unwrap();
    }
    let fingerprint = fingerprint_of(&package);
    let copy = at(EARLIER, CHANGED);
    let args =
        [&copy[..], "--package", EARLIER, "--key", "alice.pub", "--fingerprint", &fingerprint];
    let out = verify(dir, &args);
    assert_code(&out, 0);
    assert_shows(&out, &format!("package un-iom-2016, fingerprint {fingerprint}\n"));
    // Alone, such a signature cannot say which signing it is of.
    let copy = received(dir, EARLIER, CHANGED);
    assert_code(&verify(dir, &[&copy, "--key", "alice.pub"]), 0);
    let out = verify(dir, &[&copy, "--key", "alice.pub", "--fingerprint", &fingerprint]);
    assert_code(&out, 1);
    assert_shows(
        &out,
        "it does not name the signing it was made for (its trusted comment has no fingerprint",
    );
    assert_shows(&out, &format!("no valid signature of it says it belongs to the signing with fingerprint {fingerprint}"));
    assert_eq!(text(&out).matches("NO MATCH").count(), 1, "{}", text(&out));
}
