//! Build script: embeds the templates, and links the executable at a fixed address on request.
//!
//! **Templates.** Every file of `templates/` is embedded in the binary as `(name, text)`, so
//! the Rust code never spells a template's name: `templates/catalog.toml` says which template
//! makes which document.
//!
//! **Fixed address, opt-in.** The `accord` executable is a position-independent executable
//! (PIE), placed at a random address like every other mapping: `verify` parses hostile PDFs
//! in-process with hayro, which has `unsafe` code, so accord keeps full address-space layout
//! randomisation. `ACCORD_FIXED_ADDRESS=1` links it at a fixed address instead (`-no-pie`, on
//! Linux with glibc), for benchmarks: the loader then no longer rewrites the pointers of
//! typst's static tables at every start, which is most of what a short command like
//! `accord verify` spends starting (BENCHMARKS.md). The PDFs are the same bytes either way.

// A build script talks to cargo on standard output.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    embed_templates();
    println!("cargo:rerun-if-env-changed=ACCORD_FIXED_ADDRESS");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let glibc_linux = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if glibc_linux && var("ACCORD_FIXED_ADDRESS") == "1" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// Writes `$OUT_DIR/templates.rs`: every file of `templates/`, sorted by name.
fn embed_templates() {
    let dir =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("templates");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("templates/ exists")
        .map(|entry| entry.expect("templates/ is readable"))
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .map(|entry| entry.file_name().into_string().expect("template names are UTF-8"))
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    let mut code = String::from("&[\n");
    for name in &names {
        let path = dir.join(name);
        writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string())
            .expect("writing to a String");
    }
    code.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").expect("set by cargo")).join("templates.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
