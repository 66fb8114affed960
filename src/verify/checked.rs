//! What checking found, before it becomes the [`Report`](super::Report): the package path
//! ([`super::package`]) and the standalone one ([`super::standalone`]) give it.

use super::keys::Key;
use super::report::{FileReport, PackageReport};

/// The keys in use, the package's report (with `--package`), and each file's report.
pub(super) type Checked = (Vec<Key>, Option<PackageReport>, Vec<FileReport>);
