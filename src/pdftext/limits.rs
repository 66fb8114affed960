//! What a PDF may take of the reader, in one place: the guard refuses a file past these before
//! hayro opens it, and the interpretation stops when its glyph or work budget runs out. Each
//! is far above what accord's own documents and copies re-saved by stock tools take
//! (BENCHMARKS.md has the measurements); the worker process's limits are the backstop.

/// Largest PDF read: far above any document accord typesets.
pub const MAX_PDF: u64 = 64 << 20;
/// Most pages read; accord's documents have at most a dozen.
pub const MAX_PAGES: usize = 200;
/// Deepest nesting of arrays and dictionaries accepted (real files nest a few levels).
pub const MAX_NESTING: usize = 4096;
/// Deepest nesting of `q` in one content stream (hayro copies the graphics state at each, and
/// forms nest 50 deep; real content nests a dozen).
pub const MAX_SAVE_NESTING: usize = 256;
/// Most bytes one stream may decode to: far above an accord page's content (BENCHMARKS.md).
pub const MAX_STREAM_BYTES: u64 = 32 * 1024 * 1024;
/// Most bytes all streams together may decode to, every layer of every chain counted.
pub const MAX_TOTAL_BYTES: u64 = 128 * 1024 * 1024;
/// Most bytes of PDF syntax (content, forms, object streams) all streams may decode to.
pub const MAX_SYNTAX_BYTES: u64 = 16 * 1024 * 1024;
/// Most bytes of content the pages may have together, a stream counted on every page that
/// shows it (hayro decodes and interprets it again for each).
pub const MAX_PAGE_CONTENT: u64 = 16 * 1024 * 1024;
/// Most glyphs read in a whole document (an accord page holds about 3,000).
pub const MAX_GLYPHS: usize = 600_000;
/// Most work interpreting a document's pages may take, in units of about a byte of content
/// interpreted: each glyph, path segment and image costs a few units, and each form drawn by
/// `Do` the size of the largest stream of the file.
pub const MAX_WORK: u64 = 64 << 20;
