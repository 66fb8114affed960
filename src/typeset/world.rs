//! The sealed World every document is typeset in, after typst's own test World: the rendered
//! document and the style as its only files, the embedded document font, typst's standard
//! library, and a fixed `today`.
//!
//! Nothing else on the machine can influence the output, so the same inputs give the same
//! PDF bytes everywhere, and no template or value can read a file.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts::FONTS;

static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// Starts loading what every layout needs, the fonts and typst's standard library, on
/// threads of their own, so that it overlaps whatever the caller does before its first
/// check or layout. Hashing them once here saves the first layout from doing it.
pub fn preload() {
    std::thread::spawn(|| typst::utils::hash128(&FONTS.book));
    std::thread::spawn(|| typst::utils::hash128(&*LIBRARY));
}

/// The World of one document.
pub struct SealedWorld {
    main: Source,
    style: Source,
    /// The date of the document, and Typst's `today`.
    pub today: Datetime,
}

impl SealedWorld {
    /// A World holding `source` as its main file and `style` at `/STYLE_NAME`.
    pub fn new(source: &str, style_name: &str, style: &str, today: Datetime) -> FileResult<Self> {
        Ok(Self {
            main: Source::new(file_id("/main.typ")?, source.to_string()),
            style: Source::new(file_id(&format!("/{style_name}"))?, style.to_string()),
            today,
        })
    }
}

impl SealedWorld {
    /// Puts `source` in place of the main file and dates the document `today`; typst reparses
    /// only the part of the text that changed.
    pub fn replace(&mut self, source: &str, today: Datetime) {
        self.main.replace(source);
        self.today = today;
    }
}

fn file_id(path: &str) -> FileResult<FileId> {
    let vpath = VirtualPath::new(path).map_err(|_| FileError::Other(Some(path.into())))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

impl World for SealedWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        [&self.main, &self.style]
            .into_iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or_else(|| FileError::Other(Some("accord serves no files but its own".into())))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.source(id).map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
