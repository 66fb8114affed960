//! The parent's side: start the worker, hand it the bytes, wait at most [`DEADLINE`], kill and
//! reap it, read at most [`MAX_ANSWER`] bytes of answer.

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::protocol::{decode, Answer, MAX_ANSWER, SUBCOMMAND};
use super::refused::Refused;
use crate::pdftext::Reading;

/// How long a worker may take, start to answer. Its CPU limit is what stops a worker that
/// computes; this stops one that waits, and leaves room for a machine so loaded that reading
/// an ordinary document takes seconds of wall time.
pub const DEADLINE: Duration = Duration::from_secs(15);
/// How often a worker that closed its output is checked for having exited.
const POLL: Duration = Duration::from_millis(1);

/// Reads `pdf` in a worker started from `exe`, which `head` (the request before the PDF) asks
/// what to render.
pub fn read(exe: &Path, pdf: &[u8], head: &[u8]) -> Result<Reading, Refused> {
    let started = Instant::now();
    let mut child = Command::new(exe)
        .arg(SUBCOMMAND)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| Refused::Start(err.to_string()))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        end(&mut child);
        return Err(Refused::Start("no pipe to the reader".into()));
    };
    let answer = thread::scope(|scope| {
        // A worker that dies early closes its input: the write then fails, which is no news.
        scope.spawn(move || {
            let _ = stdin.write_all(head).and_then(|()| stdin.write_all(pdf));
        });
        let (sent, received) = mpsc::channel();
        scope.spawn(move || {
            let mut out = Vec::new();
            let read = stdout.take(MAX_ANSWER as u64 + 1).read_to_end(&mut out);
            let _ = sent.send(read.map(|_| out));
        });
        let answer = received.recv_timeout(DEADLINE.saturating_sub(started.elapsed()));
        if answer.as_ref().is_ok_and(|out| out.as_ref().is_ok_and(|o| o.len() > MAX_ANSWER)) {
            end(&mut child); // it would block on a full pipe until the deadline
        }
        let status = wait(&mut child, started);
        // Killed, the worker closes its pipes: both threads end.
        (answer, status)
    });
    let out = match answer {
        (Ok(Ok(out)), _) if out.len() > MAX_ANSWER => out,
        (Ok(Ok(out)), Some(status)) if status.success() => out,
        (_, None) => {
            let seconds = DEADLINE.as_secs();
            return Err(Refused::Worker(format!("it did not finish within {seconds} seconds")));
        }
        (_, Some(status)) if !status.success() => {
            return Err(Refused::Worker(format!("the reader was stopped ({status})")));
        }
        _ => return Err(Refused::Worker("its answer could not be read".into())),
    };
    match decode(&out).map_err(Refused::Worker)? {
        Answer::Read(reading) => Ok(*reading),
        Answer::Unreadable(why) => Err(Refused::File(why)),
    }
}

/// Waits for the worker until the deadline; kills it then. Its exit status, `None` when it
/// had to be killed.
fn wait(child: &mut Child, started: Instant) -> Option<std::process::ExitStatus> {
    while started.elapsed() < DEADLINE {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => thread::sleep(POLL),
            Err(_) => break,
        }
    }
    end(child);
    None
}

/// Kills and reaps the worker.
fn end(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::PermissionsExt as _;
    use std::path::PathBuf;

    use super::*;
    use crate::pdftext::Unreadable;

    /// A stand-in for the worker: a shell script doing `body`.
    fn worker(dir: &Path, name: &str, body: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn whatever_the_worker_does_the_parent_answers() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let pdf = vec![b'%'; 1 << 20]; // more than a pipe holds: the worker must read or die
        let read = |name: &str, body: &str| read(&worker(d, name, body), &pdf, b"r");
        let refused = |result: Result<Reading, Refused>| match result {
            Err(Refused::Worker(why)) => why,
            other => panic!("not refused as a worker failure: {other:?}"),
        };
        assert!(refused(read("abort", "kill -ABRT $$")).contains("stopped"));
        assert!(refused(read("segv", "cat >/dev/null; kill -SEGV $$")).contains("stopped"));
        assert!(refused(read("exit", "exit 101")).contains("stopped"));
        assert!(
            refused(read("garbage", "cat >/dev/null; echo '{\"read\": 7}'")).contains("malformed")
        );
        assert!(refused(read("endless", "yes")).contains("too long"));
        let started = Instant::now();
        assert!(refused(read("hang", "exec sleep 60")).contains("did not finish"));
        assert!(started.elapsed() < DEADLINE + Duration::from_secs(2));
        let answer = read("answer", "cat >/dev/null; echo '{\"unreadable\":\"too_deep\"}'");
        assert_eq!(answer, Err(Refused::File(Unreadable::TooDeep)));
        let missing = super::read(&d.join("no-such-worker"), &pdf, b"t");
        assert!(matches!(missing, Err(Refused::Start(_))), "{missing:?}");
    }
}
