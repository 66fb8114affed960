//! Signing packages: accord's signatures against stock `minisign` and `sha256sum`, and
//! `accord keygen`, `sign` and `verify` end to end on a small fake package.
//!
//! Tests that compare with stock minisign fail when it is not installed (`.ci/run` installs it).

use std::fs;
use std::path::{Path, PathBuf};

use accord::package::{Document, Provenance};
use accord::seal::PassphraseSource;

use crate::util::{
    accord, assert_code, code, fingerprint_of, json_report, keygen, minisign, one_line_key,
    path_str, require_tool, text, tmp, tool, SHA256SUM,
};

/// The fake package's documents: file name, role, contents.
const DOCS: [(&str, &str, &str); 3] = [
    ("agreement-original-1.pdf", "agreement, original 1 of 2", "original one"),
    ("agreement-original-2.pdf", "agreement, original 2 of 2", "original two"),
    ("council-resolution.pdf", "Council resolution", "resolution"),
];
const PACKAGE_ID: &str = "un-iom-2016";

/// A sealed fake package `dir/pkg` signed by `signer` with `key`.
fn sealed_package(dir: &Path, key: &Path, signer: &str) -> PathBuf {
    let pkg = dir.join("pkg");
    fs::create_dir(&pkg).unwrap();
    let docs: Vec<Document> = DOCS
        .iter()
        .map(|(name, role, body)| {
            let pdf =
                format!("%PDF-1.7\n% fake {body}\n{}\n%%EOF\n", "x".repeat(2000)).into_bytes();
            fs::write(pkg.join(name), &pdf).unwrap();
            Document { file_name: name.to_string(), role: role.to_string(), pages: 2, pdf }
        })
        .collect();
    let prov = Provenance {
        package_id: PACKAGE_ID.to_string(),
        supersedes: Vec::new(),
        config_sha256: "c".repeat(64),
        templates: vec![("agreement.typ.j2".to_string(), "d".repeat(64))],
        accord_version: "0.1.0".to_string(),
        typst_version: "0.15.1".to_string(),
        certifies: None,
    };
    let signer = accord::seal::load_signer(key, Some(signer), &PassphraseSource::Terminal).unwrap();
    accord::seal::seal(&pkg, &docs, &prov, &signer).unwrap();
    pkg
}

#[test]
fn sealed_package_verifies_with_stock_tools_and_accord() {
    let tmp = tmp();
    let dir = tmp.path();
    let key = keygen(dir, "alice");
    let pkg = sealed_package(dir, &key, "Alice");
    let mut names: Vec<String> = fs::read_dir(&pkg)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "SHA256SUMS",
            "SHA256SUMS.minisig",
            "SHA256SUMS.sshsig",
            "agreement-original-1.pdf",
            "agreement-original-1.pdf.minisig",
            "agreement-original-1.pdf.sshsig",
            "agreement-original-2.pdf",
            "agreement-original-2.pdf.minisig",
            "agreement-original-2.pdf.sshsig",
            "alice.pub",
            "allowed_signers",
            "council-resolution.pdf",
            "council-resolution.pdf.minisig",
            "council-resolution.pdf.sshsig",
            "manifest.json",
            "manifest.json.minisig",
            "manifest.json.sshsig",
            "verify.html",
        ]
    );
    let sums = fs::read_to_string(pkg.join("SHA256SUMS")).unwrap();
    let listed: Vec<&str> = sums.lines().map(|line| &line[66..]).collect();
    assert_eq!(
        listed,
        ["agreement-original-1.pdf", "agreement-original-2.pdf", "council-resolution.pdf"]
    );
    assert!(sums.lines().all(|line| &line[64..66] == "  "), "{sums}");

    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(pkg.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["package"], PACKAGE_ID);
    assert_eq!(manifest["typst_version"], "0.15.1");
    assert_eq!(manifest["files"][1]["role"], "agreement, original 2 of 2");
    assert_eq!(manifest["files"][1]["pages"], 2);
    assert_eq!(manifest["files"][1]["signatures"][0]["signer"], "Alice");
    assert_eq!(
        manifest["files"][1]["signatures"][0]["signature_file"],
        "agreement-original-2.pdf.minisig"
    );
    let sig = fs::read_to_string(pkg.join("agreement-original-2.pdf.minisig")).unwrap();
    let trusted = sig.lines().nth(2).unwrap();
    assert!(trusted.starts_with("trusted comment: accord file=agreement-original-2.pdf sha256="));
    let signing = fingerprint_of(&pkg);
    assert!(
        trusted.ends_with(&format!(
            " role=\"agreement, original 2 of 2\" package=un-iom-2016 fingerprint={signing} \
             signer=Alice"
        )),
        "{trusted}"
    );

    // A copy elsewhere (not next to the published key), matched against the package.
    fs::create_dir(dir.join("inbox")).unwrap();
    fs::copy(pkg.join("agreement-original-2.pdf"), dir.join("inbox/copy.pdf")).unwrap();
    let out = accord(dir, &["verify", "inbox/copy.pdf", "--package", "pkg", "--key", "alice.pub"]);
    assert_code(&out, 0);
    let out = text(&out);
    assert!(
        out.contains("inbox/copy.pdf: MATCH agreement-original-2.pdf (agreement, original 2 of 2)"),
        "{out}"
    );
    // Named as the trusted key file is; the signed trusted comment says "Alice".
    assert!(out.contains("valid signature by alice (key "), "{out}");
    assert!(
        out.contains(&format!("package=un-iom-2016 fingerprint={signing} signer=Alice")),
        "{out}"
    );
    assert!(!out.contains("NOT TRUSTED"), "{out}");
    // Without --package, next to its signature.
    let out = accord(&pkg, &["verify", "agreement-original-1.pdf", "--key", "../alice.pub"]);
    assert_code(&out, 0);
    assert!(text(&out).contains("MATCH agreement-original-1.pdf (agreement, original 1 of 2)"));

    require_tool("minisign", "minisign");
    assert_code(&tool(&pkg, SHA256SUM, &["-c", "SHA256SUMS"], b""), 0);
    for name in DOCS.iter().map(|d| d.0).chain(["manifest.json", "SHA256SUMS"]) {
        let out = minisign(&pkg, &["-Vm", name, "-p", "alice.pub"], "");
        assert_code(&out, 0);
    }
}

#[test]
fn cosigned_package_names_both_signers_and_missing_keys() {
    let tmp = tmp();
    let dir = tmp.path();
    let alice = keygen(dir, "alice");
    keygen(dir, "bob");
    keygen(dir, "carol");
    let pkg = sealed_package(dir, &alice, "Alice");
    let bob_b = ["sign", "pkg", "--key", "bob.key", "--signer", "Bob B.", "--trust", "alice.pub"];
    let out = accord(dir, &bob_b);
    assert_code(&out, 0);
    assert!(text(&out).contains("manifest.json.bob-b.minisig"), "{}", text(&out));
    assert!(pkg.join("agreement-original-1.pdf.bob-b.minisig").is_file());
    assert!(pkg.join("bob-b.pub").is_file());

    // Signing twice is refused, and so is a name another signer already uses.
    let trust_both = ["--trust", "alice.pub", "--trust", "bob.pub"];
    let out = accord(dir, &[&["sign", "pkg", "--key", "bob.key"][..], &trust_both].concat());
    assert_code(&out, 1);
    assert!(text(&out).contains("has already signed"), "{}", text(&out));
    let carol_as_alice = ["sign", "pkg", "--key", "carol.key", "--signer", "alice"];
    let out = accord(dir, &[&carol_as_alice[..], &trust_both].concat());
    assert_code(&out, 1);
    assert!(text(&out).contains("already has a signer named alice"), "{}", text(&out));

    fs::create_dir(dir.join("inbox")).unwrap();
    fs::copy(pkg.join("council-resolution.pdf"), dir.join("inbox/scan.pdf")).unwrap();
    let scan = "inbox/scan.pdf";
    let both = ["verify", scan, "--package", "pkg", "--key", "alice.pub", "--key", "bob.pub"];
    let out = accord(dir, &both);
    assert_code(&out, 0);
    let out = text(&out);
    assert!(out.contains("inbox/scan.pdf: MATCH council-resolution.pdf (Council resolution)"));
    assert!(out.contains("valid signature by alice") && out.contains("valid signature by bob"));
    assert!(out.contains("signer=Alice") && out.contains("signer=\"Bob B.\""), "{out}");

    // The package's own (untrusted) keys: said plainly, shown in full, and never exit 0.
    let out = accord(dir, &["verify", scan, "--package", "pkg"]);
    assert_code(&out, 1);
    let out = text(&out);
    assert!(out.starts_with("NOT TRUSTED: no --key or --allowed-signers given"), "{out}");
    assert!(out.contains("scan.pdf: NOT TRUSTED: it is council-resolution.pdf"), "{out}");
    assert!(out.contains("FAILED: no trusted key: "), "{out}");
    for key in ["alice.pub", "bob.pub"] {
        assert!(out.contains(&one_line_key(&dir.join(key))), "full {key} not shown:\n{out}");
    }

    // A trusted key without a signature: exit 1, naming it.
    let out = accord(
        dir,
        &["verify", scan, "--package", "pkg", "--key", "alice.pub", "--key", "carol.pub"],
    );
    assert_code(&out, 1);
    let out = text(&out);
    assert!(out.contains("MISSING: no valid signature of manifest.json by carol"), "{out}");
    let out =
        accord(dir, &["verify", "pkg/council-resolution.pdf", "--key", "carol.pub", "--json"]);
    assert_code(&out, 1);
    let report = json_report(&out);
    assert_eq!(report["format"], "accord-verify/1");
    assert_eq!(report["ok"], false);
    assert_eq!(report["keys_trusted"], true);
    let file = &report["files"][0];
    assert_eq!(file["status"], "no_match");
    assert_eq!(file["missing"][0]["signer"], "carol");
    let signatures = file["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 4, "{signatures:?}");
    assert!(signatures.iter().all(|s| s["status"] == "unknown_key"), "{signatures:?}");

    let out = accord(
        dir,
        &[
            "verify",
            "pkg/council-resolution.pdf",
            "--key",
            "alice.pub",
            "--key",
            "bob.pub",
            "--json",
        ],
    );
    assert_code(&out, 0);
    let report = json_report(&out);
    let file = &report["files"][0];
    assert_eq!(file["status"], "match");
    assert_eq!(file["role"], "Council resolution");
    let signatures = file["signatures"].as_array().unwrap();
    let by = |s: &serde_json::Value| (s["kind"].clone(), s["signer"].clone(), s["status"].clone());
    assert_eq!(
        signatures.iter().map(by).collect::<Vec<_>>(),
        [
            ("minisign".into(), "alice".into(), "valid".into()),
            ("minisign".into(), "bob".into(), "valid".into()),
            ("ssh".into(), "alice".into(), "valid".into()),
            ("ssh".into(), "bob".into(), "valid".into()),
        ]
    );
    let comment = signatures[1]["trusted_comment"].as_str().unwrap();
    let signing = fingerprint_of(&dir.join("pkg"));
    let tail = format!(" package=un-iom-2016 fingerprint={signing} signer=\"Bob B.\"");
    assert!(comment.ends_with(&tail), "{comment}");

    require_tool("minisign", "minisign");
    for name in DOCS.iter().map(|d| d.0).chain(["manifest.json", "SHA256SUMS"]) {
        let sig = format!("{name}.bob-b.minisig");
        assert_code(&minisign(&pkg, &["-Vm", name, "-x", &sig, "-p", "bob-b.pub"], ""), 0);
        assert_code(&minisign(&pkg, &["-Vm", name, "-p", "alice.pub"], ""), 0);
    }
}

#[test]
fn stock_minisign_signatures_verify_with_accord() {
    require_tool("minisign", "minisign");
    let tmp = tmp();
    let dir = tmp.path();
    assert_code(&minisign(dir, &["-G", "-W", "-p", "m.pub", "-s", "m.key"], ""), 0);
    fs::write(dir.join("notes.txt"), "signed by stock minisign\n").unwrap();
    assert_code(&minisign(dir, &["-S", "-s", "m.key", "-m", "notes.txt"], ""), 0);
    // The key file lies next to the signed file: it came with it, so it is not trusted.
    let out = accord(dir, &["verify", "notes.txt", "--key", "m.pub"]);
    assert_code(&out, 1);
    assert!(text(&out).contains("lies with what it is to check"), "{}", text(&out));
    let one_line =
        fs::read_to_string(dir.join("m.pub")).unwrap().lines().nth(1).unwrap().to_string();
    assert_code(&accord(dir, &["verify", "notes.txt", "--key", &one_line]), 0);
    // minisign's unencrypted key also signs through accord (mode 0600 as minisign made it).
    let pkg = sealed_package(dir, &dir.join("m.key"), "Mini");
    assert_code(&minisign(&pkg, &["-Vm", "manifest.json", "-p", "mini.pub"], ""), 0);
    assert_code(
        &accord(
            dir,
            &["verify", "pkg/agreement-original-1.pdf", "--package", "pkg", "--key", "m.pub"],
        ),
        0,
    );
}

/// A copy of `pkg`'s first original plus its signature in `dir/case`, tampered by `tamper`.
fn tampered_case(pkg: &Path, dir: &Path, case: &str, tamper: impl FnOnce(&Path, &Path)) -> PathBuf {
    let case_dir = dir.join(case);
    fs::create_dir(&case_dir).unwrap();
    let file = case_dir.join("agreement-original-1.pdf");
    let sig = case_dir.join("agreement-original-1.pdf.minisig");
    fs::copy(pkg.join("agreement-original-1.pdf"), &file).unwrap();
    fs::copy(pkg.join("agreement-original-1.pdf.minisig"), &sig).unwrap();
    tamper(&file, &sig);
    case_dir
}

fn edit(path: &Path, change: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = fs::read(path).unwrap();
    change(&mut bytes);
    fs::write(path, bytes).unwrap();
}

fn edit_line(sig: &Path, line: usize, change: impl FnOnce(&str) -> String) {
    let text = fs::read_to_string(sig).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[line] = change(&lines[line]);
    fs::write(sig, lines.join("\n") + "\n").unwrap();
}

/// Replaces the base64 character at `at` with a different one.
fn flip_b64(line: &str, at: usize) -> String {
    let mut chars: Vec<char> = line.chars().collect();
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

#[test]
fn tampering_is_rejected_by_accord_and_minisign() {
    let tmp = tmp();
    let dir = tmp.path();
    let alice = keygen(dir, "alice");
    keygen(dir, "mallory");
    let pkg = sealed_package(dir, &alice, "Alice");
    let mallory = dir.join("mallory.key");
    let other_doc = pkg.join("agreement-original-2.pdf.minisig");
    type Tamper = Box<dyn FnOnce(&Path, &Path)>;
    let cases: Vec<(&str, Tamper)> = vec![
        ("flipped-byte", Box::new(|f: &Path, _: &Path| edit(f, |b| b[100] ^= 0x01))),
        ("truncated", Box::new(|f: &Path, _: &Path| edit(f, |b| b.truncate(b.len() - 1)))),
        ("appended", Box::new(|f: &Path, _: &Path| edit(f, |b| b.extend_from_slice(b"\n")))),
        (
            "other-key",
            Box::new(move |f: &Path, s: &Path| {
                let signer =
                    accord::seal::load_signer(&mallory, Some("Alice"), &PassphraseSource::Terminal)
                        .unwrap();
                let staged = f.parent().unwrap().join("stage");
                fs::create_dir(&staged).unwrap();
                fs::copy(f, staged.join("agreement-original-1.pdf")).unwrap();
                let doc = Document {
                    file_name: "agreement-original-1.pdf".into(),
                    role: "agreement, original 1 of 2".into(),
                    pages: 2,
                    pdf: fs::read(f).unwrap(),
                };
                let prov = Provenance {
                    package_id: PACKAGE_ID.into(),
                    supersedes: Vec::new(),
                    config_sha256: "c".repeat(64),
                    templates: vec![],
                    accord_version: "0.1.0".into(),
                    typst_version: "0.15.1".into(),
                    certifies: None,
                };
                accord::seal::seal(&staged, &[doc], &prov, &signer).unwrap();
                fs::copy(staged.join("agreement-original-1.pdf.minisig"), s).unwrap();
            }),
        ),
        (
            "trusted-comment",
            Box::new(|_: &Path, s: &Path| {
                edit_line(s, 2, |l| l.replace("original 1 of 2", "original 2 of 2"))
            }),
        ),
        (
            "other-document",
            Box::new(move |_: &Path, s: &Path| {
                fs::copy(&other_doc, s).unwrap();
            }),
        ),
        (
            "line-1",
            Box::new(|_: &Path, s: &Path| {
                edit_line(s, 0, |l| l.replace("untrusted comment: ", "comment: "))
            }),
        ),
        ("line-2", Box::new(|_: &Path, s: &Path| edit_line(s, 1, |l| flip_b64(l, 40)))),
        ("line-2-key-id", Box::new(|_: &Path, s: &Path| edit_line(s, 1, |l| flip_b64(l, 5)))),
        (
            "line-3",
            Box::new(|_: &Path, s: &Path| {
                edit_line(s, 2, |l| l.replace("trusted comment: ", "trusted comment:  "))
            }),
        ),
        (
            "line-3-prefix",
            Box::new(|_: &Path, s: &Path| {
                edit_line(s, 2, |l| l.replace("trusted comment: ", "comment: "))
            }),
        ),
        ("line-4", Box::new(|_: &Path, s: &Path| edit_line(s, 3, |l| flip_b64(l, 20)))),
        ("line-4-missing", Box::new(|_: &Path, s: &Path| edit_line(s, 3, |_| String::new()))),
    ];
    require_tool("minisign", "minisign");
    let key = path_str(&dir.join("alice.pub")).to_string();
    for (case, tamper) in cases {
        let case_dir = tampered_case(&pkg, dir, case, tamper);
        let out = accord(&case_dir, &["verify", "agreement-original-1.pdf", "--key", &key]);
        assert_ne!(code(&out), 0, "{case}: accord accepted it:\n{}", text(&out));
        assert!(!text(&out).contains("OK:"), "{case}: {}", text(&out));
        let out = accord(
            &case_dir,
            &["verify", "agreement-original-1.pdf", "--package", path_str(&pkg), "--key", &key],
        );
        let content_changed = ["flipped-byte", "truncated", "appended"].contains(&case);
        assert_eq!(code(&out), if content_changed { 1 } else { 0 }, "{case}: {}", text(&out));
        let out = minisign(&case_dir, &["-Vm", "agreement-original-1.pdf", "-p", &key], "");
        assert_ne!(code(&out), 0, "{case}: minisign accepted it:\n{}", text(&out));
    }
}

/// Moves the files `names` of `pkg` into `aside` (created), to put them back with [`restore`].
fn set_aside(pkg: &Path, aside: &Path, names: &[&str]) {
    fs::create_dir_all(aside).unwrap();
    for name in names {
        fs::rename(pkg.join(name), aside.join(name)).unwrap();
    }
}

/// Puts back what [`set_aside`] moved.
fn restore(pkg: &Path, aside: &Path) {
    for entry in fs::read_dir(aside).unwrap() {
        let entry = entry.unwrap();
        fs::rename(entry.path(), pkg.join(entry.file_name())).unwrap();
    }
}

#[test]
fn incomplete_or_modified_packages_never_verify() {
    let tmp = tmp();
    let dir = tmp.path();
    let alice = keygen(dir, "alice");
    keygen(dir, "bob");
    let pkg = sealed_package(dir, &alice, "Alice");
    let aside = dir.join("aside");
    let sign = || accord(dir, &["sign", "pkg", "--key", "bob.key", "--trust", "alice.pub"]);
    // With the trusted key: `expect` and `needle`; with the package's own keys: never exit 0,
    // and the same problem is named.
    let check = |expect: i32, needle: &str| {
        let args = ["verify", "pkg/agreement-original-1.pdf", "--package", "pkg"];
        let out = accord(dir, &[&args[..], &["--key", "alice.pub"]].concat());
        assert_code(&out, expect);
        assert!(text(&out).contains(needle), "{needle:?} not in:\n{}", text(&out));
        let out = accord(dir, &args);
        assert_code(&out, 1);
        assert!(text(&out).contains("FAILED: no trusted key: "), "{}", text(&out));
        if expect != 0 {
            assert!(text(&out).contains(needle), "{needle:?} not in:\n{}", text(&out));
        }
    };
    check(0, "OK:");

    // A document's signatures removed (either kind alone would do).
    let doc_sigs = ["agreement-original-1.pdf.minisig", "agreement-original-1.pdf.sshsig"];
    set_aside(&pkg, &aside, &doc_sigs);
    check(1, "MISSING: no valid signature by");
    restore(&pkg, &aside);

    // The manifest's signatures removed: the package is incomplete.
    set_aside(&pkg, &aside, &["manifest.json.minisig", "manifest.json.sshsig"]);
    check(1, "incomplete package: manifest.json is not signed");
    assert_code(&sign(), 1);
    restore(&pkg, &aside);

    // The signer's keys removed from the package: the manifest still names the signer.
    set_aside(&pkg, &aside, &["alice.pub", "allowed_signers"]);
    let out = accord(dir, &["verify", "pkg/agreement-original-1.pdf", "--package", "pkg"]);
    assert_code(&out, 1);
    assert!(text(&out).contains("no valid signature of manifest.json by Alice"), "{}", text(&out));
    restore(&pkg, &aside);

    // A PDF changed in place: co-signing is refused, the copy does not match.
    edit(&pkg.join("council-resolution.pdf"), |b| b[50] ^= 1);
    let out = sign();
    assert_code(&out, 1);
    assert!(
        text(&out).contains("council-resolution.pdf no longer matches manifest.json"),
        "{}",
        text(&out)
    );
    assert!(!pkg.join("bob.pub").exists() && !pkg.join("manifest.json.bob.minisig").exists());
    edit(&pkg.join("council-resolution.pdf"), |b| b[50] ^= 1);

    // No manifest at all.
    fs::remove_file(pkg.join("manifest.json")).unwrap();
    check(1, "incomplete package: no manifest.json");
    assert_code(&sign(), 1);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let tmp = tmp();
    let dir = tmp.path();
    let alice = keygen(dir, "alice");
    let pkg = sealed_package(dir, &alice, "Alice");
    let out = accord(dir, &["verify", "missing.pdf", "--key", "alice.pub"]);
    assert_code(&out, 2);
    assert!(text(&out).contains("missing.pdf"), "{}", text(&out));
    assert_code(&accord(dir, &["verify", "pkg", "--key", "alice.pub"]), 2);
    assert_code(&accord(dir, &["verify", "pkg/manifest.json", "--package", "nowhere"]), 2);
    assert_code(&accord(dir, &["verify", "pkg/manifest.json", "--key", "RWnotakey"]), 2);
    // A malformed signature names file and line.
    edit_line(&pkg.join("council-resolution.pdf.minisig"), 1, |l| l[..30].to_string());
    let out = accord(dir, &["verify", "pkg/council-resolution.pdf", "--key", "alice.pub"]);
    assert_code(&out, 2);
    assert!(text(&out).contains("council-resolution.pdf.minisig, line 2: "), "{}", text(&out));

    // keygen never overwrites, and writes nothing when either file exists.
    let before = fs::read(&alice).unwrap();
    assert_code(&accord(dir, &["keygen", "--name", "alice", "--unencrypted"]), 2);
    assert_eq!(fs::read(&alice).unwrap(), before);
    fs::write(dir.join("dave.pub"), "x").unwrap();
    assert_code(&accord(dir, &["keygen", "--name", "dave", "--unencrypted"]), 2);
    assert!(!dir.join("dave.key").exists());
    let out = accord(dir, &["keygen", "--name", "erin", "--unencrypted", "--passphrase-file", "p"]);
    assert_code(&out, 2);
    assert!(!dir.join("erin.key").exists() && !dir.join("erin.pub").exists());

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(fs::metadata(&alice).unwrap().permissions().mode() & 0o777, 0o600);
        fs::set_permissions(&alice, fs::Permissions::from_mode(0o644)).unwrap();
        let out = accord(dir, &["sign", "pkg", "--key", "alice.key"]);
        assert_code(&out, 2);
        assert!(text(&out).contains("chmod 600"), "{}", text(&out));
    }
}

#[test]
fn encrypted_keys_interoperate_with_minisign() {
    require_tool("minisign", "minisign");
    // Three scrypt runs at minisign's cost (1 GiB each): accord encrypts, minisign decrypts
    // accord's key, accord decrypts minisign's key.
    let tmp = tmp();
    let dir = tmp.path();
    fs::write(dir.join("pass"), "correct horse\n").unwrap();
    let out = accord(dir, &["keygen", "--name", "enc", "--passphrase-file", "pass"]);
    assert_code(&out, 0);
    let out = text(&out);
    let pub_text = fs::read_to_string(dir.join("enc.pub")).unwrap();
    let one_line = pub_text.lines().nth(1).unwrap();
    assert!(one_line.starts_with("RW") && out.contains(one_line), "{out}");
    assert!(out.contains(pub_text.lines().next().unwrap().rsplit(' ').next().unwrap()));
    assert!(fs::read_to_string(dir.join("enc.key")).unwrap().contains("encrypted"));
    fs::write(dir.join("notes.txt"), "hello").unwrap();
    assert_code(&minisign(dir, &["-S", "-s", "enc.key", "-m", "notes.txt"], "correct horse\n"), 0);
    assert_code(&accord(dir, &["verify", "notes.txt", "--key", one_line]), 0);

    let unencrypted = keygen(dir, "alice");
    sealed_package(dir, &unencrypted, "Alice");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minisign");
    let key = dir.join("minisign-made.key");
    fs::copy(fixtures.join("encrypted.key"), &key).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
    }
    let pass = fixtures.join("encrypted.passphrase");
    let args = [
        "sign",
        "pkg",
        "--key",
        "minisign-made.key",
        "--signer",
        "Frank",
        "--passphrase-file",
        path_str(&pass),
        "--trust",
        "alice.pub",
    ];
    assert_code(&accord(dir, &args), 0);
    let frank = path_str(&fixtures.join("encrypted.pub")).to_string();
    assert_code(
        &minisign(
            &dir.join("pkg"),
            &["-Vm", "manifest.json", "-x", "manifest.json.frank.minisig", "-p", &frank],
            "",
        ),
        0,
    );
}
