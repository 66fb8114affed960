//! accord's integration tests: one binary, small helpers, tests named after what they guard.

#![allow(
    clippy::print_stderr,
    reason = "notes for whoever runs the tests; the harness captures them"
)]

mod architecture;
mod atomic;
mod build;
mod certify;
mod check;
mod corpus;
mod explain;
mod fidelity;
mod fingerprint;
mod hardening;
mod hostile;
mod hostile_pdfs;
mod output;
mod page;
mod pinned;
mod secrets;
mod seed;
mod serve;
mod sets;
mod signing;
mod sshsig;
mod trust;
mod typesetting;
mod util;
mod webdriver;
