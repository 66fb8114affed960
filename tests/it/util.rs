//! Small helpers shared by the integration tests: run the binary, make temp dirs, read PDFs.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub use tempfile::TempDir;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The command running `accord` with `args` in `dir`.
pub fn accord_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    command.args(args).current_dir(dir).env_remove("ACCORD_PASSPHRASE").stdin(Stdio::null());
    command
}

/// Runs `accord` with `args` in `dir`.
pub fn accord(dir: &Path, args: &[&str]) -> Output {
    accord_command(dir, args).output().expect("run accord")
}

/// Exit code, stdout and stderr of a finished run, for assertions and messages.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// stdout and stderr together, as text.
pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A fresh temporary directory holding a copy of the example config as `session.toml`
/// with `edit` applied to its text.
pub fn session(edit: impl FnOnce(String) -> String) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let example = std::fs::read_to_string(root().join("config/un-iom-2016.toml")).unwrap();
    std::fs::write(dir.path().join("session.toml"), edit(example)).unwrap();
    dir
}

/// Replaces exactly one occurrence of `from` in `text`, failing loudly when absent.
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "expected exactly one {from:?} in the config");
    text.replacen(from, to, 1)
}

/// Fails the test unless the stock tool `command` is installed: a test that compares with a
/// tool never passes by skipping (`.ci/run` installs every one with apt-get).
#[track_caller]
pub fn require_tool(command: &str, package: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {command}")])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(found, "{command} is not installed: apt-get install {package} (bash .ci/run does it)");
}

/// The text of a PDF, one string per page, as poppler's `pdftotext -raw` extracts it (the
/// default mode would join a word broken after a hard hyphen, dropping the hyphen).
pub fn pdf_pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (apt-get install poppler-utils; .ci/run does it)");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    let text = String::from_utf8(out.stdout).expect("pdftotext gives UTF-8");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Words of `text` for comparison: typographic quotes made plain, the directional embedding
/// marks pdftotext puts around right-to-left runs dropped, a hyphen at a line end joined to
/// the next line (accord never hyphenates), split on white space.
pub fn words(text: &str) -> Vec<String> {
    let plain = text.replace(['\u{2019}', '\u{2018}'], "'").replace(['\u{201C}', '\u{201D}'], "\"");
    let plain = plain.replace(['\u{202A}', '\u{202B}', '\u{202C}'], "");
    let joined = plain.replace("-\n", "-");
    joined.split_whitespace().map(str::to_string).collect()
}

/// Asserts `actual` equals `expected` word by word, showing the first difference in context.
pub fn assert_same_words(what: &str, expected: &[String], actual: &[String]) {
    let first = expected.iter().zip(actual).position(|(e, a)| e != a);
    let at = match first {
        Some(i) => i,
        None if expected.len() == actual.len() => return,
        None => expected.len().min(actual.len()),
    };
    let ctx = |w: &[String]| w[at.saturating_sub(8)..(at + 8).min(w.len())].join(" ");
    panic!(
        "{what}: word {at} differs\n  expected: …{}…\n  actual:   …{}…\n  ({} expected words, {} actual)",
        ctx(expected),
        ctx(actual),
        expected.len(),
        actual.len()
    );
}

/// Every file and directory under `dir` (relative path) with its permissions and, for files,
/// the SHA-256 of its bytes: two equal snapshots mean nothing was created, changed or removed.
pub fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("list directory") {
            let path = entry.expect("directory entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let name = path.strip_prefix(root).unwrap().display().to_string();
            let mode = meta.permissions().mode() & 0o7777;
            if meta.is_dir() {
                into.insert(name, format!("dir {mode:o}"));
                walk(root, &path, into);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                into.insert(name, format!("file {mode:o} {}", accord::digest::sha256_hex(&bytes)));
            }
        }
    }
    let mut into = BTreeMap::new();
    walk(dir, dir, &mut into);
    into
}

/// Copies the directory tree `from` into `to` (created), keeping file permissions.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("list directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// `accord keygen --name NAME --unencrypted` in `dir`; returns the secret key's path.
pub fn keygen(dir: &Path, name: &str) -> PathBuf {
    let out = accord(dir, &["keygen", "--name", name, "--unencrypted"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    dir.join(format!("{name}.key"))
}
