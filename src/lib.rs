//! accord: turn a reviewed draft agreement into a signature-ready, verifiable signing package.
//!
//! Data flows one way: [`config`] → [`check`] (a validated session) → [`render`] (minijinja
//! templates) → [`typeset`] (typst, in-process) → [`package`] (staged, published atomically)
//! → [`seal`] (hashed and signed in minisign's and OpenSSH's formats); [`verify`] reads
//! packages. Beneath them lie the leaves every step may use: the [`catalog`] of documents and
//! the embedded templates, [`fonts`], [`date`], [`digest`], the package [`fingerprint`], [`fsio`], [`chars`] (what no value
//! may hold, and how text is shown safely), [`output`] (the only writer to standard output and
//! error), [`pdftext`] (the text of a copy), [`error`], and the on-disk formats
//! ([`minisign`], [`sshsig`], [`manifest`], [`attestation`]). [`commands`] runs one subcommand
//! each; [`cli`] only defines the arguments.
//!
//! `unsafe` code is forbidden (`Cargo.toml`'s `[lints]`).

pub mod assemble;
pub mod attestation;
pub mod chars;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod date;
pub mod digest;
pub mod error;
pub mod fingerprint;
pub mod fonts;
pub mod fsio;
pub mod location;
pub mod manifest;
pub mod minisign;
pub mod output;
pub mod package;
pub mod pdftext;
pub mod render;
pub mod seal;
pub mod serve;
pub mod set;
pub mod sshsig;
pub mod typeset;
pub mod verify;
pub mod worker;
