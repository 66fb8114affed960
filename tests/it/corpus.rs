//! The bad-input corpus: each `tests/corpus/<category>/<name>.case` is one bad input and what
//! accord must answer to it, so that adding a case is writing a small file, not a test.
//!
//! Every case runs accord once in a fresh directory and must give its exit code (2 for usage,
//! I/O and malformed input, 1 for a failed check or verification) and message, never a panic,
//! backtrace or debug dump, at most one `error:` line (exactly one for exit 2), and leave every
//! file and directory there exactly as it was: nothing created, changed or removed. It must
//! also end within [`TIME_LIMIT`]: a case that hangs (a FIFO read, an endless device) fails.
//!
//! A case is a TOML file:
//!
//! ```toml
//! # What the case guards, in a comment.
//! args = ["check", "{case}"]        # accord's arguments; {case} is the payload's path
//! exit = 2                          # expected exit code
//! message = "case.toml:1:8: "       # fragment expected in stdout or stderr
//! absent = ["expected value"]       # optional fragments that must appear in neither
//! setup = ["example"]               # optional; see `Setup` (e.g. "second-set")
//! files = { "pass" = "wrong\n" }    # optional other files: path = text
//! remove = ["out/x/manifest.json"]  # optional files to delete after the setup
//! file = "case.toml"                # the payload's path (default case.toml), written from:
//! text = "…"                        #   literal text, or
//! bytes = 'caf\xe9'                 #   text with \xHH escapes for bytes that are not UTF-8, or
//! base = "config/un-iom-2016.toml"  #   a file of the directory after setup, else of the
//! replace = [["from", "to"]]        #   repository, with each `from` (found once) replaced, or
//! generate = "10MB-name"            #   a generated payload (see `Generate`), or
//! directory = true                  #   an empty directory, or
//! fifo = true                       #   a named pipe (FIFO), which nobody ever writes to, or
//! link = "/dev/zero"                #   a symbolic link to this path (absolute, or relative
//!                                   #   to the link's directory); none of these: no payload
//! mode = 0o640                      # optional permissions of the payload
//! ```
//!
//! A file payload overwrites a file of the setup at its path; a FIFO or a link cannot, so that
//! file is listed in `remove` first.
//!
//! A case whose payload is made unreadable (`mode` without read permission) is skipped, with a
//! notice, when the tests run as root, for whom permissions do not stop reads.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::os::unix::fs::PermissionsExt as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;

use crate::util::{
    accord_command, code, copy_dir, output_within, root, signed_example, snapshot, text,
};

/// The longest a case may run: every case ends in well under a second, so a case still
/// running then hangs.
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// One case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    args: Vec<String>,
    exit: i32,
    message: String,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    setup: Vec<Setup>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default = "default_file")]
    file: String,
    text: Option<String>,
    bytes: Option<String>,
    base: Option<String>,
    #[serde(default)]
    replace: Vec<(String, String)>,
    generate: Option<Generate>,
    #[serde(default)]
    directory: bool,
    #[serde(default)]
    fifo: bool,
    link: Option<String>,
    mode: Option<u32>,
}

fn default_file() -> String {
    "case.toml".to_string()
}

/// What a case's directory holds before its payload is written.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Setup {
    /// `session.toml`: the example config.
    Example,
    /// `session.toml`, the key pairs `alice` and `bob` (`.key`, `.pub`), and the example built
    /// and signed by alice in `out/un-iom-2016/` ([`signed_example`]).
    Package,
    /// The minisign fixtures of `tests/fixtures/minisign/` (`test.pub`, `message.txt`, …).
    Fixtures,
    /// `encrypted.key` (mode 0600): a secret key encrypted with the passphrase `right`, as
    /// [`Generate::EncryptedKey`] makes it.
    EncryptedKey,
    /// `set/`: the built-in template set (a copy of `templates/`), and `session.toml`: the
    /// example config.
    BuiltinSet,
    /// `set/`: the second template set of the tests (`tests/fixtures/template-sets/
    /// host-agreement/`), and `session.toml`: its ready config.
    SecondSet,
}

/// Payloads too big or too computed to write in a case file.
#[derive(Debug, Clone, Copy, Deserialize)]
enum Generate {
    /// The example config with a 10 MB IOM signatory name.
    #[serde(rename = "10MB-name")]
    TenMegabyteName,
    /// `x = [[[…]]]`, nested 100 000 deep.
    #[serde(rename = "deep-nesting")]
    DeepNesting,
    /// A secret key encrypted with the passphrase `right` (cheap scrypt parameters).
    #[serde(rename = "encrypted-key")]
    EncryptedKey,
    /// A passphrase one byte longer than minisign can read: 1023 `x` and a line end.
    #[serde(rename = "1023-byte-passphrase")]
    LongPassphrase,
}

/// `\xHH` escapes decoded, everything else kept as UTF-8.
fn unescape_bytes(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\\x") {
        out.extend_from_slice(&rest.as_bytes()[..at]);
        let byte = rest.get(at + 2..at + 4).and_then(|hex| u8::from_str_radix(hex, 16).ok());
        out.push(byte.ok_or_else(|| format!("bad escape at {:?}", &rest[at..]))?);
        rest = &rest[at + 4..];
    }
    out.extend_from_slice(rest.as_bytes());
    Ok(out)
}

/// Writes `path`, creating its directory first.
fn write_creating_parent(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn generate(what: Generate) -> Vec<u8> {
    match what {
        Generate::TenMegabyteName => {
            let example = fs::read_to_string(root().join("config/un-iom-2016.toml")).unwrap();
            let name = "A".repeat(10_000_000);
            let from = "name = \"William Lacy Swing\"";
            example.replace(from, &format!("name = \"{name}\"")).into_bytes()
        }
        Generate::DeepNesting => {
            format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()
        }
        Generate::EncryptedKey => {
            let key = accord::minisign::SecretKey::generate().unwrap();
            let kdf =
                accord::minisign::KdfParams { salt: [5; 32], opslimit: 1 << 16, memlimit: 1 << 22 };
            key.to_file("corpus key", Some((b"right", &kdf))).unwrap().as_bytes().to_vec()
        }
        Generate::LongPassphrase => format!("{}\n", "x".repeat(1023)).into_bytes(),
    }
}

impl Case {
    /// Lays out the case's directory; false when the case cannot be run as this user, an
    /// error when the case file is wrong.
    fn prepare(&self, dir: &Path) -> Result<bool, String> {
        for setup in &self.setup {
            match setup {
                Setup::Example => {
                    fs::copy(root().join("config/un-iom-2016.toml"), dir.join("session.toml"))
                        .unwrap();
                }
                Setup::Package => copy_dir(signed_example(), dir),
                Setup::Fixtures => copy_dir(&root().join("tests/fixtures/minisign"), dir),
                Setup::EncryptedKey => {
                    let path = dir.join("encrypted.key");
                    fs::write(&path, generate(Generate::EncryptedKey)).unwrap();
                    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
                }
                Setup::BuiltinSet => {
                    copy_dir(&root().join("templates"), &dir.join("set"));
                    fs::copy(root().join("config/un-iom-2016.toml"), dir.join("session.toml"))
                        .unwrap();
                }
                Setup::SecondSet => {
                    let sets = root().join("tests/fixtures/template-sets");
                    copy_dir(&sets.join("host-agreement"), &dir.join("set"));
                    fs::copy(sets.join("host-agreement.toml"), dir.join("session.toml")).unwrap();
                }
            }
        }
        for (name, text) in &self.files {
            write_creating_parent(&dir.join(name), text.as_bytes());
        }
        for name in &self.remove {
            fs::remove_file(dir.join(name)).unwrap();
        }
        let path = dir.join(&self.file);
        if let Some(bytes) = self.payload(dir)? {
            write_creating_parent(&path, &bytes);
        } else if self.directory {
            fs::create_dir(&path).unwrap();
        } else if self.fifo {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            let made = Command::new("mkfifo").arg(&path).status().expect("run mkfifo");
            assert!(made.success(), "mkfifo {}", path.display());
        } else if let Some(target) = &self.link {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            symlink(target, &path).unwrap();
        }
        if let Some(mode) = self.mode {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            if mode & 0o400 == 0 && fs::read(&path).is_ok() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The payload's bytes, if it is a file.
    fn payload(&self, dir: &Path) -> Result<Option<Vec<u8>>, String> {
        if let Some(text) = &self.text {
            return Ok(Some(text.clone().into_bytes()));
        }
        if let Some(bytes) = &self.bytes {
            return unescape_bytes(bytes).map(Some);
        }
        if let Some(what) = self.generate {
            return Ok(Some(generate(what)));
        }
        let Some(base) = &self.base else { return Ok(None) };
        let path = [dir.join(base), root().join(base)].into_iter().find(|p| p.is_file());
        let path = path.ok_or_else(|| format!("base {base} not found"))?;
        let mut text = fs::read_to_string(path).unwrap();
        for (from, to) in &self.replace {
            if text.matches(from.as_str()).count() != 1 {
                return Err(format!("{from:?} does not occur exactly once in {base}"));
            }
            text = text.replacen(from.as_str(), to, 1);
        }
        Ok(Some(text.into_bytes()))
    }

    /// Runs the case in `dir`; the list of what went wrong is empty when it passed.
    fn run(&self, dir: &Path) -> Vec<String> {
        let before = snapshot(dir);
        let args: Vec<String> = self.args.iter().map(|a| a.replace("{case}", &self.file)).collect();
        let command = accord_command(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
        let Ok(out) = catch_unwind(AssertUnwindSafe(|| output_within(command, TIME_LIMIT))) else {
            return vec![format!("still running after {TIME_LIMIT:?}: it hangs")];
        };
        let all = text(&out);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut wrong = Vec::new();
        if code(&out) != self.exit {
            wrong.push(format!("exit code {}, expected {}", code(&out), self.exit));
        }
        if !all.contains(&self.message) {
            wrong.push(format!("no {:?} in the output", self.message));
        }
        for absent in self.absent.iter().filter(|absent| all.contains(absent.as_str())) {
            wrong.push(format!("{absent:?} in the output"));
        }
        for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace", "Os { code", "Custom {"] {
            if all.contains(bad) {
                wrong.push(format!("{bad:?} in the output"));
            }
        }
        let errors = stderr.lines().filter(|l| l.starts_with("error: ")).count();
        if errors > 1 || (self.exit == 2 && errors != 1) {
            wrong.push(format!("{errors} \"error: \" lines on stderr"));
        }
        let after = snapshot(dir);
        if after != before {
            let changed: Vec<&String> = before
                .keys()
                .chain(after.keys())
                .filter(|k| before.get(*k) != after.get(*k))
                .collect();
            wrong.push(format!("files created, changed or removed: {changed:?}"));
        }
        if !wrong.is_empty() {
            wrong.push(format!("output:\n{all}"));
        }
        wrong
    }
}

/// Every `.case` file under `tests/corpus`, sorted, as (category/name, path).
fn cases() -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let corpus = root().join("tests/corpus");
    for category in fs::read_dir(&corpus).expect("tests/corpus exists") {
        let category = category.unwrap().path();
        for case in fs::read_dir(&category).unwrap() {
            let path = case.unwrap().path();
            if path.extension().is_some_and(|e| e == "case") {
                let name = path.strip_prefix(&corpus).unwrap().with_extension("");
                found.push((name.display().to_string(), path));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_bad_input_gets_its_exit_code_and_one_plain_message_and_changes_nothing() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} corpus cases", cases.len());
    let mut failures = Vec::new();
    let mut per_category: BTreeMap<String, usize> = BTreeMap::new();
    for (name, path) in &cases {
        let source = fs::read_to_string(path).unwrap();
        let case: Case = toml::from_str(&source).unwrap_or_else(|e| panic!("{name}: {e}"));
        let dir = tempfile::tempdir().unwrap();
        match case.prepare(dir.path()) {
            Ok(true) => {}
            Ok(false) => {
                eprintln!("NOTICE: {name} skipped: running as root, permissions do not stop reads");
                continue;
            }
            Err(wrong) => {
                failures.push(format!("{name}: bad case file: {wrong}"));
                continue;
            }
        }
        *per_category.entry(name.split('/').next().unwrap().to_string()).or_default() += 1;
        let wrong = case.run(dir.path());
        if !wrong.is_empty() {
            failures.push(format!("{name}: {}", wrong.join("\n  ")));
        }
    }
    eprintln!("corpus cases run per category: {per_category:?}");
    assert!(
        per_category.get("sets").is_some_and(|n| *n >= 8),
        "broken template sets: {per_category:?}"
    );
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n\n"));
}
