//! Nothing lost: a build killed at any moment (SIGKILL, as on a crash or power loss) leaves
//! every package as it was or complete, never one that looks complete but is not; what it
//! leaves behind is hidden and cleaned by the next build; and two builds of one package at
//! the same time give one winner and one clean refusal.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Child, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::util::{
    accord, accord_command, code, copy_dir, keygen, replace_once, session, snapshot, text,
};

/// Starts accord in `dir`, output discarded, without waiting for it.
fn start(dir: &Path, args: &[&str]) -> Child {
    accord_command(dir, args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start accord")
}

/// When to SIGKILL a build (`Child::kill` sends SIGKILL on Unix).
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// This long after it started (start-up, rendering, typesetting).
    After(Duration),
    /// This long after its staging directory appeared (writing, signing, publishing).
    AfterStaging(Duration),
}

/// Runs the build of package `id` (`args`) in `dir` and kills it at `kill`; true when it was
/// still running then.
fn build_killed(dir: &Path, args: &[&str], id: &str, kill: Kill) -> bool {
    let mut child = start(dir, args);
    match kill {
        Kill::After(after) => sleep(after),
        Kill::AfterStaging(after) => {
            let staging = format!(".{id}.staging-{}-", child.id());
            let appeared =
                || {
                    fs::read_dir(dir.join("out")).into_iter().flatten().flatten().any(|e| {
                        e.file_name().to_str().is_some_and(|name| name.starts_with(&staging))
                    })
                };
            while !appeared() && child.try_wait().expect("poll accord").is_none() {
                sleep(Duration::from_micros(50));
            }
            sleep(after);
        }
    }
    let running = child.try_wait().expect("poll accord").is_none();
    child.kill().ok();
    child.wait().expect("reap accord");
    running
}

/// Writes `<id>.toml` in `dir`: the session config with another package id.
fn config_with_id(dir: &Path, id: &str) -> String {
    let config = fs::read_to_string(dir.join("session.toml")).unwrap();
    let name = format!("{id}.toml");
    fs::write(
        dir.join(&name),
        replace_once(&config, "id = \"un-iom-2016\"", &format!("id = \"{id}\"")),
    )
    .unwrap();
    name
}

/// Whether `accord verify` accepts every PDF of `package` against it with alice's key.
fn verifies(dir: &Path, package: &Path) -> bool {
    let mut args = vec!["verify".to_string()];
    for entry in fs::read_dir(package).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pdf") {
            args.push(path.display().to_string());
        }
    }
    args.extend(["--package".into(), package.display().to_string(), "--key".into()]);
    args.push("alice.pub".into());
    let out = accord(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    code(&out) == 0
}

/// Names in `out` other than `packages`: each must be hidden (dot-prefixed).
fn leftovers(out: &Path, packages: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| !packages.contains(&name.as_str()))
        .collect();
    names.sort();
    names
}

/// Builds `config` (extra `args`) in `dir` to completion.
fn build(dir: &Path, config: &str, args: &[&str]) -> Duration {
    let mut all = vec!["build", config];
    all.extend_from_slice(args);
    let started = Instant::now();
    let out = accord(dir, &all);
    assert_eq!(code(&out), 0, "{}", text(&out));
    started.elapsed()
}

#[test]
fn a_build_killed_at_any_moment_loses_nothing_and_never_half_publishes() {
    let session = session(|c| c);
    let dir = session.path();
    let out = dir.join("out");
    keygen(dir, "alice");
    let signed = ["--key", "alice.key"];
    // The previous package: signed, of another id, in the same output directory.
    build(dir, "session.toml", &signed);
    let previous = snapshot(&out.join("un-iom-2016"));
    // A signed package of a fresh id, built and removed once to know its complete bytes.
    let fresh = config_with_id(dir, "fresh");
    let duration = build(dir, &fresh, &signed);
    let fresh_complete = snapshot(&out.join("fresh"));
    fs::remove_dir_all(out.join("fresh")).unwrap();
    // An unsigned package, which a rebuild replaces (with identical bytes: builds reproduce).
    let replaced = config_with_id(dir, "replaced");
    build(dir, &replaced, &[]);
    let replaced_complete = snapshot(&out.join("replaced"));

    let mut points: Vec<Kill> =
        [0, 5, 20, 50].map(|ms| Kill::After(Duration::from_millis(ms))).to_vec();
    points.extend([30, 60].map(|p| Kill::After(duration * p / 100)));
    points.extend(
        [0, 200, 500, 1000, 2000, 3000, 5000, 8000, 12000, 20000, 40000]
            .map(|us| Kill::AfterStaging(Duration::from_micros(us))),
    );
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    for at in points {
        // A signed build of a new package: absent, or complete and verifying.
        let killed = build_killed(dir, &["build", &fresh, "--key", "alice.key"], "fresh", at);
        assert_eq!(snapshot(&out.join("un-iom-2016")), previous, "killed at {at:?}");
        if out.join("fresh").exists() {
            assert_eq!(snapshot(&out.join("fresh")), fresh_complete, "killed at {at:?}");
            assert!(verifies(dir, &out.join("fresh")), "killed at {at:?}");
            fs::remove_dir_all(out.join("fresh")).unwrap();
            *outcomes
                .entry(if killed { "signed: complete" } else { "signed: finished" })
                .or_default() += 1;
        } else {
            *outcomes.entry("signed: absent").or_default() += 1;
        }
        // An unsigned rebuild: the package stays complete (or, killed between the two renames
        // of a replacement, is kept whole aside, hidden, for the next build to put back).
        build_killed(dir, &["build", &replaced], "replaced", at);
        let aside: Vec<String> = leftovers(&out, &[])
            .into_iter()
            .filter(|name| name.starts_with(".replaced.old-"))
            .collect();
        if out.join("replaced").exists() {
            assert_eq!(snapshot(&out.join("replaced")), replaced_complete, "killed at {at:?}");
        } else {
            assert_eq!(aside.len(), 1, "killed at {at:?}: package gone, not aside: {aside:?}");
            assert_eq!(snapshot(&out.join(&aside[0])), replaced_complete, "killed at {at:?}");
            *outcomes.entry("unsigned: aside").or_default() += 1;
        }
        // Whatever was left is hidden, and no staging directory passes for a package.
        for name in leftovers(&out, &["un-iom-2016", "fresh", "replaced"]) {
            assert!(name.starts_with('.'), "killed at {at:?}: visible leftover {name}");
            let staging = out.join(&name);
            if name.contains(".staging-") {
                *outcomes.entry("staging left").or_default() += 1;
            }
            if name.contains(".staging-") && staging.join("manifest.json").exists() {
                *outcomes.entry("staging with a manifest").or_default() += 1;
                assert!(!verifies(dir, &staging), "killed at {at:?}: {name} verifies");
            }
        }
    }
    eprintln!("killed builds (a full one takes {duration:?}): {outcomes:?}");
    // The next builds finish the job and clean up after the killed ones.
    build(dir, &fresh, &signed);
    build(dir, &replaced, &[]);
    assert_eq!(snapshot(&out.join("fresh")), fresh_complete);
    assert_eq!(snapshot(&out.join("replaced")), replaced_complete);
    assert_eq!(leftovers(&out, &["un-iom-2016", "fresh", "replaced"]), Vec::<String>::new());
}

#[test]
fn a_complete_staging_directory_is_never_taken_for_a_package() {
    let session = session(|c| c);
    let dir = session.path();
    keygen(dir, "alice");
    build(dir, "session.toml", &["--key", "alice.key"]);
    // What a build killed just before its final rename leaves: everything signed.
    let staging = dir.join("out/.un-iom-2016.staging-4242-1");
    copy_dir(&dir.join("out/un-iom-2016"), &staging);
    let out = accord(
        dir,
        &[
            "verify",
            "out/un-iom-2016/council-resolution.pdf",
            "--package",
            staging.to_str().unwrap(),
            "--key",
            "alice.pub",
        ],
    );
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("staging directory of an unfinished accord build"),
        "{}",
        text(&out)
    );
}

#[test]
fn two_signed_builds_of_one_package_at_once_give_one_winner_and_one_clean_refusal() {
    let session = session(|c| c);
    let dir = session.path();
    keygen(dir, "alice");
    for round in 0..3 {
        let args = ["build", "session.toml", "--key", "alice.key"];
        let builds: Vec<Child> = (0..2)
            .map(|_| {
                accord_command(dir, &args)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start accord")
            })
            .collect();
        let mut outs: Vec<_> =
            builds.into_iter().map(|b| b.wait_with_output().expect("wait for accord")).collect();
        outs.sort_by_key(code);
        let (winner, loser) = (&outs[0], &outs[1]);
        assert_eq!(
            (code(winner), code(loser)),
            (0, 1),
            "round {round}:\n{}\n{}",
            text(winner),
            text(loser)
        );
        let refusal = String::from_utf8_lossy(&loser.stderr);
        assert_eq!(refusal.matches("error: ").count(), 1, "round {round}: {refusal}");
        assert!(
            refusal.contains("is a signed package and is never overwritten")
                || refusal.contains("was created by another build meanwhile"),
            "round {round}: {refusal}"
        );
        assert!(verifies(dir, &dir.join("out/un-iom-2016")), "round {round}");
        assert_eq!(leftovers(&dir.join("out"), &["un-iom-2016"]), Vec::<String>::new());
        fs::remove_dir_all(dir.join("out/un-iom-2016")).unwrap();
    }
}
