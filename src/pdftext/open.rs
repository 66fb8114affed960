//! Opening a PDF with hayro, only once the guard let it through, and every call into hayro
//! run so that a panic in it is an answer ([`Unreadable::Failed`]), not a crash.

use std::panic::{catch_unwind, AssertUnwindSafe};

use hayro_interpret::hayro_syntax::{LoadPdfError, Pdf};

use super::guard::{self, Census};
use super::limits::{MAX_PAGES, MAX_PAGE_CONTENT};
use super::unreadable::Unreadable;

/// A PDF opened by hayro once the guard let it through.
pub struct Opened {
    /// The file, parsed.
    pub pdf: Pdf,
    /// What the guard learnt of it.
    pub census: Census,
}

/// Checks `bytes` and opens them with hayro.
pub fn open(bytes: &[u8]) -> Result<Opened, Unreadable> {
    let census = guard::check(bytes)?;
    let pdf = Pdf::new(bytes.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(_) => Unreadable::Encrypted,
        LoadPdfError::Invalid => Unreadable::NotPdf,
    })?;
    let pages = pdf.pages();
    if pages.len() > MAX_PAGES {
        return Err(Unreadable::TooManyPages(pages.len()));
    }
    let content: u64 = pages.iter().map(|p| census.page_content(p)).sum();
    if content > MAX_PAGE_CONTENT {
        return Err(Unreadable::TooComplex);
    }
    Ok(Opened { pdf, census })
}

/// Runs `f`, turning a panic in hayro into [`Unreadable::Failed`].
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, Unreadable> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| Unreadable::Failed)
}
