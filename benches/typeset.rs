//! In-process figures: render, typeset, sign and verify one document.
//!
//! Run with `cargo bench --bench typeset` (about a minute). Whole-process figures against
//! typst-cli and minisign are taken by `benches/compare.sh`; see BENCHMARKS.md.
//!
//! typst memoizes with comemo, and its cache lives for the whole process: typesetting the
//! same source twice costs almost nothing the second time. The "cold" benches therefore
//! empty the cache before every iteration (outside the timed part); "warm" typesets
//! original 2 right after original 1, which is what `accord build` does for the second
//! original of a package (the footer note that tells them apart is queried by the footer
//! alone, so the body's layout is shared). "layout" and "pdf-export" are the two halves of
//! typesetting, which `accord build` overlaps across documents.

#![allow(missing_docs, reason = "criterion's macros generate undocumented public functions")]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

use accord::assemble;
use accord::check::{self, Session};
use accord::config::Loaded;
use accord::date::Date;
use accord::digest::FileDigest;
use accord::minisign::{self, SecretKey};
use accord::package::{self, Document};
use accord::render::{self, Mode};
use accord::seal::{self, Signer};
use accord::set::TemplateSet;
use accord::typeset::{self, Style};

/// The example config, loaded and checked.
fn example() -> (Loaded, Session) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/un-iom-2016.toml");
    let loaded = Loaded::read(&path, &set().fields).expect("the shipped example config reads");
    let session = check::check(&loaded, set()).session;
    (loaded, session)
}

fn set() -> &'static TemplateSet {
    TemplateSet::builtin().expect("the built-in template set")
}

fn style() -> Style<'static> {
    let (name, source) = set().style();
    Style { name, source }
}

/// The templates of the agreement and of the resolution.
fn templates() -> (String, String) {
    let mut package = set().catalog.package(1);
    let resolution = package.remove(1).template;
    (package.remove(0).template, resolution)
}

fn evict_all() {
    typst::comemo::evict(0);
}

fn configured(
    c: &mut Criterion,
) -> criterion::BenchmarkGroup<'_, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group("accord");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group
}

fn render_and_typeset(c: &mut Criterion) {
    let (_, session) = example();
    let (agreement, resolution) = templates();
    let (agreement, resolution) = (agreement.as_str(), resolution.as_str());
    let date: Date = assemble::pdf_date(set(), &session, Mode::Clean);
    let original1 =
        render::render(set(), agreement, &session, Mode::Clean, Some((1, 2))).expect("render");
    let original2 =
        render::render(set(), agreement, &session, Mode::Clean, Some((2, 2))).expect("render");
    let resolution =
        render::render(set(), resolution, &session, Mode::Clean, None).expect("render");
    // Loads the embedded fonts (once per process) outside the measurements.
    typeset::typeset("warmup", &original1.source, style(), date).expect("typeset");

    let mut group = configured(c);
    group.bench_function("render/agreement-original", |b| {
        b.iter(|| {
            render::render(set(), agreement, black_box(&session), Mode::Clean, Some((1, 2)))
                .unwrap()
        })
    });
    group.bench_function("typeset-cold/agreement-original", |b| {
        b.iter_batched(
            evict_all,
            |()| {
                typeset::typeset("bench/original-1", black_box(&original1.source), style(), date)
                    .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("render+typeset-cold/agreement-original", |b| {
        b.iter_batched(
            evict_all,
            |()| {
                let r = render::render(
                    set(),
                    agreement,
                    black_box(&session),
                    Mode::Clean,
                    Some((1, 2)),
                )
                .unwrap();
                typeset::typeset("bench/original-1", &r.source, style(), date).unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("typeset-warm/agreement-original-2-after-1", |b| {
        b.iter_batched(
            || {
                evict_all();
                typeset::typeset("bench/original-1", &original1.source, style(), date).unwrap();
            },
            |()| {
                typeset::typeset("bench/original-2", black_box(&original2.source), style(), date)
                    .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("layout-cold/agreement-original", |b| {
        b.iter_batched(
            evict_all,
            |()| typeset::layout("bench/original-1", black_box(&original1.source), style(), date),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("pdf-export/agreement-original", |b| {
        b.iter_batched(
            || typeset::layout("bench/original-1", &original1.source, style(), date).unwrap(),
            |laidout| laidout.pdf().unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("typeset-cold/council-resolution", |b| {
        b.iter_batched(
            evict_all,
            |()| {
                typeset::typeset("bench/resolution", black_box(&resolution.source), style(), date)
                    .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// A sealed package of the example, built in a temporary directory, and its signer.
struct BenchPackage {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    pdf: PathBuf,
    public_key: String,
    bytes: Vec<u8>,
    key: SecretKey,
}

fn sealed_package() -> BenchPackage {
    let (loaded, session) = example();
    let planned = set().catalog.package(1).remove(0);
    let date = assemble::pdf_date(set(), &session, Mode::Clean);
    let r = render::render(set(), &planned.template, &session, Mode::Clean, planned.original)
        .expect("render");
    let t = typeset::typeset(&format!("bench/{}", planned.file_name), &r.source, style(), date)
        .expect("typeset");
    let docs = vec![Document {
        file_name: planned.file_name.clone(),
        role: planned.role,
        pages: t.pages,
        pdf: t.pdf.clone(),
    }];
    let mut provenance = assemble::provenance(set(), &loaded, &session);
    provenance.package_id = "bench".into();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("bench");
    let signer = Signer::new("bench", SecretKey::generate().expect("key")).expect("signer");
    let public_key = signer.public_key().to_base64();
    package::publish(&dir, &docs, |staged| seal::seal(staged, &docs, &provenance, &signer))
        .expect("seal");
    let pdf = dir.join(&planned.file_name);
    // A second key for the bare sign/verify benches (a Signer keeps its key private).
    let key = SecretKey::generate().expect("key");
    BenchPackage { _tmp: tmp, dir, pdf, public_key, bytes: t.pdf, key }
}

fn sign_and_verify(c: &mut Criterion) {
    let sealed = sealed_package();
    let trusted = "trusted comment body: file agreement-original-1.pdf, bench";
    let signature = sealed
        .key
        .sign(&minisign::prehash(&sealed.bytes), "accord bench signature", trusted)
        .expect("sign");
    let public_key = sealed.key.public_key();

    let mut group = configured(c);
    group.bench_function("sign/pdf (sha256+blake2b+ed25519)", |b| {
        b.iter(|| {
            let digest = FileDigest::of_bytes(black_box(&sealed.bytes));
            sealed.key.sign(&digest.blake2b512, "accord bench signature", trusted).unwrap()
        })
    });
    group.bench_function("verify/pdf-signature (blake2b+ed25519)", |b| {
        b.iter(|| {
            signature.verify(&public_key, &minisign::prehash(black_box(&sealed.bytes))).unwrap()
        })
    });
    group.bench_function("verify/pdf-against-package", |b| {
        let files = [sealed.pdf.clone()];
        let keys = [sealed.public_key.clone()];
        b.iter(|| {
            let request = accord::verify::Request {
                files: &files,
                package: Some(&sealed.dir),
                keys: &keys,
                ..Default::default()
            };
            let report = accord::verify::verify(&request).unwrap();
            assert!(report.ok);
            report
        })
    });
    group.finish();
}

criterion_group!(benches, render_and_typeset, sign_and_verify);
criterion_main!(benches);
