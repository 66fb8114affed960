//! Links the `accord` executable at a fixed address instead of as a position-independent
//! executable (PIE) on Linux with glibc, unless `ACCORD_PIE=1` is set when building.
//!
//! typst's static tables (symbol and glyph names, emoji, function metadata) hold about 98,000
//! pointers. In a PIE, the loader rewrites every one of them at each start, copying 1.8 MB of
//! the executable into fresh pages: about 460 page faults, 2 of the 4.2 ms `accord verify`
//! took. Linked at a fixed address, the tables are used as mapped. The price is that the
//! executable's own code and data are not placed at a random address; the stack, the heap,
//! glibc and every other mapping still are. accord forbids `unsafe` code, and everything it
//! reads from a package is parsed by safe Rust. BENCHMARKS.md has the measurements.

fn main() {
    println!("cargo:rerun-if-env-changed=ACCORD_PIE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let glibc_linux = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if glibc_linux && var("ACCORD_PIE") != "1" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
