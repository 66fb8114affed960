//! What checking found, before it becomes the [`Report`](super::Report): the package path
//! ([`super::package`]) and the standalone one ([`super::standalone`]) give it.

use super::keys::Key;
use super::report::{FileReport, PackageReport};

/// What checking the copies found, before the verdict.
pub(super) struct Findings {
    /// The keys in use.
    pub(super) keys: Vec<Key>,
    /// The package's report (with `--package`).
    pub(super) package: Option<PackageReport>,
    /// Each file's report.
    pub(super) files: Vec<FileReport>,
}
