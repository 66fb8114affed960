//! accord's integration tests: one binary, small helpers, tests named after what they guard.

mod fidelity;
mod seed;
mod util;
