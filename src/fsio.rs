//! Every file access accord makes besides typesetting: bounded reads of regular files, and
//! the four kinds of writes, each with one contract.
//!
//! Reads accept regular files only: a FIFO, a device or a directory given (or planted in a
//! package) as a config, key, signature or manifest is refused by name instead of blocking
//! forever or filling the memory, and every read has a cap fitting its format.
//!
//! Writes:
//! - [`write_new`]: a file that must not exist yet, flushed to disk (keys, starter configs);
//! - [`write_staged`]: a file in a private staging directory, which is flushed as a whole
//!   ([`sync_tree`]) and published with one rename;
//! - [`write_atomic`]: a file added to a published directory: written aside, flushed, renamed
//!   into place, so a crash leaves the old file or the new one, never a torn one;
//! - [`sync_dir`]: makes renames and new entries in a directory durable.

use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::chars::Shown as _;
use crate::error::{Error, Result};

/// Mode of files only their owner may read (secret keys).
pub const PRIVATE: u32 = 0o600;
/// Mode of files everyone may read (public keys, configs, packages), before the umask.
pub const PUBLIC: u32 = 0o644;

/// Opens `path` for reading if it is a regular file (following symlinks); `action` says what
/// for in errors ("read config"). Opening never blocks: a FIFO is opened non-blocking and
/// then refused.
pub fn open_regular(path: &Path, action: &str) -> Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|err| Error::io(action, path, err))?;
    let kind = file.metadata().map_err(|err| Error::io(action, path, err))?.file_type();
    let what = if kind.is_file() {
        return Ok(file);
    } else if kind.is_dir() {
        "Is a directory"
    } else if kind.is_fifo() {
        "Is a named pipe (FIFO), not a regular file"
    } else if kind.is_socket() {
        "Is a socket, not a regular file"
    } else {
        "Is a device, not a regular file"
    };
    Err(Error::io_message(format!("cannot {action} {}: {what}", path.shown())))
}

/// The bytes of the regular file `path`, at most `max` of them; `what` names the kind of file
/// in errors ("config", "public key").
pub fn read_regular(path: &Path, what: &str, max: u64) -> Result<Vec<u8>> {
    let action = format!("read {what}");
    let file = open_regular(path, &action)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(|err| Error::io(&action, path, err))?;
    if bytes.len() as u64 > max {
        return Err(Error::io_message(format!(
            "{} is larger than {}, which no {what} is; check the path",
            path.shown(),
            size(max)
        )));
    }
    Ok(bytes)
}

/// `16 MiB`, `64 KiB`, `100 bytes`.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Creates `path`, which must not exist, with `bytes` and `mode`, and flushes it to disk;
/// on failure nothing is left behind.
pub fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let mut file = create_new(path, mode)?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|err| {
        let _ = fs::remove_file(path);
        Error::io("write", path, err)
    })
}

/// Creates `path` (which must not exist) in a staging directory with `bytes`, unflushed:
/// [`sync_tree`] flushes the whole directory before it is published.
pub fn write_staged(path: &Path, bytes: &[u8]) -> Result<()> {
    create_new(path, PUBLIC)?.write_all(bytes).map_err(|err| Error::io("write", path, err))
}

/// Creates `path`, which must not exist, with `mode`.
fn create_new(path: &Path, mode: u32) -> Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|err| Error::io("create", path, err))
}

/// Prefix of the temporary files of [`write_atomic`]: `.NAME.tmp-PID-N`.
pub const TEMP_MARK: &str = ".tmp-";

/// Writes `bytes` to `path` atomically: a temporary file in the same directory is written,
/// flushed and renamed over `path`, then the directory is flushed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| Error::usage(format!("cannot write {}: not a file path", path.shown())))?;
    let dir = parent(path);
    let temp = dir.join(format!(
        ".{}{TEMP_MARK}{}-{}",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).mode(PUBLIC).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if let Err(err) = written {
        // The temporary file may never have been created, or already be renamed.
        let _ = fs::remove_file(&temp);
        return Err(Error::io("write", path, err));
    }
    sync_dir(dir)
}

/// Takes the exclusive lock of the directory `dir` for `what` (`co-signing`), held until the
/// returned handle is dropped; refused at once (exit 1) when another process holds it. The
/// operating system releases the lock of a process that dies, so a killed run leaves none.
pub fn lock_dir(dir: &Path, what: &str) -> Result<File> {
    let handle = File::open(dir).map_err(|err| Error::io("open", dir, err))?;
    match handle.try_lock() {
        Ok(()) => Ok(handle),
        Err(fs::TryLockError::WouldBlock) => Err(Error::failed(format!(
            "another accord is {what} {} right now; nothing was changed. Run it again when \
             that one has finished",
            dir.shown()
        ))),
        Err(fs::TryLockError::Error(err)) => Err(Error::io("lock", dir, err)),
    }
}

/// Removes the temporary files [`write_atomic`] left in `dir` when it was killed; call it
/// only while holding [`lock_dir`], when no write can be under way.
pub fn remove_stale_temporaries(dir: &Path) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|err| Error::io("read directory", dir, err))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = name.starts_with('.')
            && name.rsplit_once(TEMP_MARK).is_some_and(|(_, n)| {
                n.split('-')
                    .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            });
        if stale && entry.file_type().is_ok_and(|t| t.is_file()) {
            fs::remove_file(entry.path()).map_err(|err| Error::io("remove", &entry.path(), err))?;
        }
    }
    Ok(())
}

/// The directory of `path` (`.` for a bare name).
pub fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Flushes a directory's entries to disk, so that renames and new files in it survive a crash.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(|err| Error::io("sync", dir, err))
}

/// Flushes every file of the staging directory `dir`, then `dir` itself. The files are
/// flushed from concurrent threads, which lets the file system commit them in one journal
/// transaction instead of one each.
pub fn sync_tree(dir: &Path) -> Result<()> {
    let files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| Error::io("read", dir, e))?
        .map(|entry| entry.map(|e| e.path()).map_err(|e| Error::io("read", dir, e)))
        .collect::<Result<_>>()?;
    std::thread::scope(|scope| {
        let flushes: Vec<_> = files
            .iter()
            .map(|path| {
                scope.spawn(move || {
                    File::open(path)
                        .and_then(|f| f.sync_all())
                        .map_err(|e| Error::io("sync", path, e))
                })
            })
            .collect();
        flushes.into_iter().try_for_each(|flush| {
            flush.join().unwrap_or_else(|_| Err(Error::internal("a flushing thread failed")))
        })
    })?;
    sync_dir(dir)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::{read_regular, write_atomic, write_new, PRIVATE};

    #[test]
    fn only_regular_files_are_read_and_reads_are_capped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        write_new(&path, b"0123456789", PRIVATE).unwrap();
        assert_eq!(read_regular(&path, "config", 10).unwrap(), b"0123456789");
        let err = read_regular(&path, "config", 9).unwrap_err();
        assert!(err
            .message
            .ends_with("is larger than 9 bytes, which no config is; check the path"));
        let err = read_regular(dir.path(), "config", 9).unwrap_err();
        assert!(err.message.ends_with(": Is a directory"), "{err}");
        let err = read_regular("/dev/zero".as_ref(), "config", 9).unwrap_err();
        assert_eq!(err.message, "cannot read config /dev/zero: Is a device, not a regular file");
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let err = read_regular(&fifo, "config", 9).unwrap_err();
        assert!(err.message.ends_with(": Is a named pipe (FIFO), not a regular file"), "{err}");
        assert_eq!(err.kind, crate::error::Kind::Io);
    }

    #[test]
    fn writes_new_and_atomic_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        write_new(&path, b"one", PRIVATE).unwrap();
        assert!(write_new(&path, b"two", PRIVATE).unwrap_err().message.contains("File exists"));
        write_atomic(&path, b"three").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
