//! The parent's side: start the worker, hand it the bytes (on a thread of their own), read
//! its bounded answers (on another), wait at most [`DEADLINE`] for each, and kill and reap the
//! worker when it is done with, failed, or ran out of time.

use std::io::{BufReader, Write as _};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use super::protocol::{self, decode, decode_renders, decode_scenes, read_frame, Answer, Kind};
use super::protocol::{Renders, Scenes};
use super::protocol::{ENDED, SUBCOMMAND};
use super::refused::Refused;
use crate::pdftext::Reading;

/// How long a worker may take for an answer. Its CPU limit is what stops a worker that
/// computes; this stops one that waits, and leaves room for a machine so loaded that reading
/// an ordinary document takes seconds of wall time.
pub const DEADLINE: Duration = Duration::from_secs(15);
/// How long a worker whose answers ended is given to exit, so its status can be told.
const REAP: Duration = Duration::from_millis(200);
/// How often a worker that closed its output is checked for having exited.
const POLL: Duration = Duration::from_millis(1);

/// A worker process reading one PDF, kept to render its pages (or record their scenes) on
/// request.
#[derive(Debug)]
pub struct Worker {
    child: Option<Child>,
    /// Its input, for requests, once the PDF is written to it.
    input: Option<ChildStdin>,
    /// The thread writing the PDF, which hands the input back.
    sending: Option<thread::JoinHandle<std::io::Result<ChildStdin>>>,
    /// Its answers, frame by frame, as a thread reads them.
    frames: Option<Receiver<Result<Vec<u8>, String>>>,
    /// Its number of pages, once it answered.
    pages: Option<usize>,
    /// Why it can no longer be asked anything.
    failed: Option<Refused>,
}

impl Worker {
    /// Starts a worker from `exe` reading `pdf`.
    pub fn start(exe: &Path, pdf: &[u8]) -> Self {
        let mut worker = Worker {
            child: None,
            input: None,
            sending: None,
            frames: None,
            pages: None,
            failed: None,
        };
        let spawned = Command::new(exe)
            .arg(SUBCOMMAND)
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(err) => {
                worker.failed = Some(Refused::Start(err.to_string()));
                return worker;
            }
        };
        let (Some(mut input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            end(&mut child);
            worker.failed = Some(Refused::Start("no pipe to the reader".into()));
            return worker;
        };
        // The PDF goes on a thread of its own: a worker that stops reading cannot block the
        // parent. A worker that dies early closes its input: the write then fails, no news.
        let header = format!("{}\n", pdf.len()).into_bytes();
        let pdf = pdf.to_vec();
        let sent = thread::spawn(move || {
            input.write_all(&header).and_then(|()| input.write_all(&pdf)).map(|()| input)
        });
        let (frames, received) = mpsc::channel();
        thread::spawn(move || {
            let mut output = BufReader::new(output);
            loop {
                let frame = read_frame(&mut output);
                let last = frame.is_err();
                if frames.send(frame).is_err() || last {
                    break;
                }
            }
        });
        worker.sending = Some(sent);
        worker.child = Some(child);
        worker.frames = Some(received);
        worker
    }

    /// What the worker read; waits for it. Once only.
    pub fn reading(&mut self) -> Result<Reading, Refused> {
        let answer = self.next().and_then(|frame| decode(&frame).map_err(Refused::Worker));
        match answer {
            Ok(Answer::Read(reading)) => {
                self.pages = Some(reading.pages.len());
                Ok(*reading)
            }
            Ok(Answer::Unreadable(why)) => self.fail(Refused::File(why)),
            Err(why) => self.fail(why),
        }
    }

    /// Renders of `pages`, in that order, to compare them.
    pub fn render(&mut self, pages: &[usize]) -> Result<Renders, Refused> {
        let count = self.ask(pages, Kind::Compare)?;
        self.answer(|frame| decode_renders(frame, count, pages))
    }

    /// Pictures of `pages`, in that order, to show them to a person.
    pub fn show(&mut self, pages: &[usize]) -> Result<Renders, Refused> {
        let count = self.ask(pages, Kind::Show)?;
        self.answer(|frame| decode_renders(frame, count, pages))
    }

    /// The scenes of `pages`, in that order.
    pub fn scenes(&mut self, pages: &[usize]) -> Result<Scenes, Refused> {
        let count = self.ask(pages, Kind::Scene)?;
        self.answer(|frame| decode_scenes(frame, count, pages))
    }

    /// Asks for `kind` of `pages`; the number of pages of the PDF, once it has read it.
    fn ask(&mut self, pages: &[usize], kind: Kind) -> Result<usize, Refused> {
        if let Some(why) = &self.failed {
            return Err(why.clone());
        }
        let Some(count) = self.pages else {
            let why = Refused::Worker("it was asked for pages before it had read".into());
            return Err(self.failed.clone().unwrap_or(why));
        };
        if let Some(sending) = self.sending.take() {
            // It answered: it has read the whole PDF, the thread is done.
            self.input = sending.join().ok().and_then(Result::ok);
        }
        let asked =
            self.input.as_mut().map(|input| input.write_all(&protocol::request(pages, kind)));
        if !matches!(asked, Some(Ok(()))) {
            let why = self.stopped("it could not be asked for pages");
            return self.fail(why);
        }
        Ok(count)
    }

    /// The answer to a request, as `decode` reads it.
    fn answer<T>(&mut self, decode: impl FnOnce(&[u8]) -> Result<T, String>) -> Result<T, Refused> {
        match self.next().and_then(|frame| decode(&frame).map_err(Refused::Worker)) {
            Ok(answer) => Ok(answer),
            Err(why) => self.fail(why),
        }
    }

    /// The next frame, within [`DEADLINE`].
    fn next(&mut self) -> Result<Vec<u8>, Refused> {
        if let Some(why) = &self.failed {
            return Err(why.clone());
        }
        let Some(frames) = &self.frames else {
            return Err(Refused::Worker("the reader is gone".into()));
        };
        match frames.recv_timeout(DEADLINE) {
            Ok(Ok(frame)) => Ok(frame),
            Ok(Err(why)) if ENDED.contains(&why.as_str()) => Err(self.stopped(&why)),
            Ok(Err(why)) => Err(Refused::Worker(why)),
            Err(RecvTimeoutError::Timeout) => {
                let seconds = DEADLINE.as_secs();
                self.end();
                Err(Refused::Worker(format!("it did not finish within {seconds} seconds")))
            }
            Err(RecvTimeoutError::Disconnected) => Err(self.stopped(ENDED[0])),
        }
    }

    /// Why the worker's answers ended: how it stopped, if it did, else `why`.
    fn stopped(&mut self, why: &str) -> Refused {
        let started = Instant::now();
        if let Some(child) = &mut self.child {
            while started.elapsed() < REAP {
                match child.try_wait() {
                    Ok(Some(status)) if !status.success() => {
                        return Refused::Worker(format!("the reader was stopped ({status})"));
                    }
                    Ok(None) => thread::sleep(POLL),
                    _ => break,
                }
            }
        }
        Refused::Worker(why.to_string())
    }

    /// Ends the worker and keeps `why` as the answer to any later question.
    fn fail<T>(&mut self, why: Refused) -> Result<T, Refused> {
        self.end();
        self.failed = Some(why.clone());
        Err(why)
    }

    /// Kills the worker without reaping it (dropping it does): workers stopped one after the
    /// other, then dropped, end side by side instead of one at a time. A question asked after
    /// is answered [`Refused::Stopped`], never taken for a worker that exceeded its limits.
    pub fn stop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
        }
        self.failed.get_or_insert(Refused::Stopped);
    }

    /// Closes the worker's input, kills and reaps it.
    fn end(&mut self) {
        self.input = None;
        self.sending = None; // killed, the worker closes its input: the thread ends
        if let Some(mut child) = self.child.take() {
            end(&mut child);
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.end();
    }
}

/// Kills and reaps a worker.
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

    /// A frame holding `json`, as `printf` writes it.
    fn framed(json: &str) -> String {
        format!("printf '%s\\n%s' {} '{json}'", json.len())
    }

    #[test]
    fn whatever_the_worker_does_the_parent_answers() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let pdf = vec![b'%'; 1 << 20]; // more than a pipe holds: the worker need not read it
        let read = |name: &str, body: &str| Worker::start(&worker(d, name, body), &pdf).reading();
        let refused = |result: Result<Reading, Refused>| match result {
            Err(Refused::Worker(why)) => why,
            other => panic!("not refused as a worker failure: {other:?}"),
        };
        assert!(refused(read("abort", "kill -ABRT $$")).contains("stopped"));
        assert!(refused(read("segv", "head -c 100 >/dev/null; kill -SEGV $$")).contains("stopped"));
        assert!(refused(read("exit", "exit 101")).contains("stopped"));
        assert!(refused(read("garbage", &framed("{\"read\": 7}"))).contains("malformed"));
        assert!(refused(read("unframed", "yes")).contains("malformed"));
        assert!(refused(read("endless", "echo 99999999; yes")).contains("too long"));
        assert!(refused(read("short", "echo 9; echo '{}'")).contains("cut short"));
        let started = Instant::now();
        assert!(refused(read("hang", "exec sleep 60")).contains("did not finish"));
        assert!(started.elapsed() < DEADLINE + Duration::from_secs(2));
        let answer = read("answer", &framed("{\"unreadable\":\"too_deep\"}"));
        assert_eq!(answer, Err(Refused::File(Unreadable::TooDeep)));
        let mut missing = Worker::start(&d.join("no-such-worker"), &pdf);
        assert!(matches!(missing.reading(), Err(Refused::Start(_))));
        assert!(matches!(missing.render(&[0]), Err(Refused::Start(_))));
    }

    #[test]
    fn a_stopped_reader_is_never_taken_for_one_beyond_its_limits() {
        let dir = tempfile::tempdir().unwrap();
        let body = "cat >/dev/null; exec sleep 60";
        let mut stopped = Worker::start(&worker(dir.path(), "slow", body), b"%PDF");
        stopped.stop();
        for answer in [stopped.reading().map(|_| ()), stopped.render(&[0]).map(|_| ())] {
            let why = answer.unwrap_err();
            assert_eq!(why, Refused::Stopped);
            assert!(!why.exceeds_limits());
        }
    }
}
