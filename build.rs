//! Build script: embeds the templates, and links the executable at a fixed address.
//!
//! **Templates.** Every file of `templates/` is embedded in the binary as `(name, text)`, so
//! the Rust code never spells a template's name: `templates/catalog.toml` says which template
//! makes which document.
//!
//! **Fixed address.** On Linux with glibc the `accord` executable is linked as a plain
//! executable instead of a position-independent one (PIE), unless `ACCORD_PIE=1` is set.
//! typst's static tables (symbol and glyph names, emoji, function metadata) hold about 98,000
//! pointers, which the loader of a PIE rewrites at every start; that was half of what
//! `accord verify` took (BENCHMARKS.md). Linked at a fixed address, the tables are used as
//! mapped. The price is that the executable's own code and data are not placed at a random
//! address; the stack, the heap, glibc and every other mapping still are. accord forbids
//! `unsafe` code, and everything it reads from a package is parsed by safe Rust.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    embed_templates();
    println!("cargo:rerun-if-env-changed=ACCORD_PIE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let glibc_linux = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if glibc_linux && var("ACCORD_PIE") != "1" {
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
