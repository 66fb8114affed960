//! accord: turn a reviewed draft agreement into a signature-ready, verifiable signing package.
//!
//! The pipeline is config → render (minijinja templates) → typeset (typst, in-process) →
//! package (atomic, hashed, signed in minisign format) → verify.

#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod date;
pub mod error;
pub mod manifest;
pub mod minisign;
pub mod package;
pub mod render;
pub mod seal;
pub mod typeset;
