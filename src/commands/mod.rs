//! One module per subcommand, each with a `run` returning the exit code.

pub mod build;
pub mod check;
pub mod init;
pub mod keygen;
pub mod sign;
pub mod verify;
