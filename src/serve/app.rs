//! What every request handler of the workbench shares.

use std::sync::{Arc, Mutex};

use super::guard::Guard;
use super::{copies, preview, sessions, workspace};
use crate::set::TemplateSet;
use crate::worker::Reader;

/// What every request handler shares: where the sessions and packages are, the guard, and
/// the sessions open for editing.
pub struct App {
    /// The directories the workbench may touch.
    pub places: sessions::Places,
    /// Who may come in.
    pub guard: Guard,
    /// Sessions open for editing, by name.
    pub workspaces: workspace::Open,
    /// The copies received for checking.
    pub copies: copies::Received,
    /// The pictures of preview pages.
    pub pictures: Arc<preview::Pictures>,
    /// The template set.
    pub set: Arc<TemplateSet>,
    /// Held while a package is built: one build at a time.
    pub building: Mutex<()>,
    /// How the copies given to check are read (a worker process that limits itself).
    pub reader: Reader,
}
