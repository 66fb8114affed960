//! `accord build`: config → checked → rendered → typeset → staged → (signed) → published.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::check;
use crate::cli::BuildArgs;
use crate::config::Loaded;
use crate::date::Date;
use crate::error::{Error, Result, EXIT_OK};
use crate::package::{self, Document, Provenance};
use crate::render::{self, Mode, TEMPLATES};
use crate::seal::{self, Signer};
use crate::typeset::{self, Typeset};

/// Runs `accord build` on every config given; the exit code is the worst of them.
pub fn run(args: &BuildArgs) -> Result<u8> {
    typeset::preload();
    let signer = match &args.key {
        Some(key) => Some(seal::load_signer(key, args.signer.as_deref(), &args.passphrase)?),
        None => None,
    };
    let mut worst = EXIT_OK;
    for path in &args.configs {
        match build_one(path, args, signer.as_ref()) {
            Ok(dir) => println!("{}: built {}", path.display(), dir.display()),
            Err(err) => {
                eprintln!("error: {err}");
                worst = worst.max(err.code);
            }
        }
        // typst's memo cache only grows; keep batch builds' memory bounded.
        typst::comemo::evict(10);
    }
    Ok(worst)
}

/// Builds the package of one config and returns its directory.
fn build_one(path: &Path, args: &BuildArgs, signer: Option<&Signer>) -> Result<PathBuf> {
    let loaded = Loaded::read(path)?;
    let mode = if args.draft { Mode::Draft } else { Mode::Clean };
    refuse_problems(&loaded, mode)?;
    let id = loaded.config.id.get_ref().trim().to_string();
    let target = match mode {
        Mode::Draft => args.out.join("drafts").join(&id),
        Mode::Clean => args.out.join(&id),
    };
    package::ensure_replaceable(&target)?;

    let docs = documents(&loaded, mode, args.dump_typst.as_deref())?;
    let provenance = Provenance {
        package_id: id,
        config_sha256: package::sha256_hex(loaded.text.as_bytes()),
        templates: TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), package::sha256_hex(text.as_bytes())))
            .collect(),
    };
    package::publish(&target, &docs, |dir| match signer {
        Some(signer) => seal::seal(dir, &docs, &provenance, signer),
        None => Ok(()),
    })?;
    for doc in &docs {
        let plural = if doc.pages == 1 { "" } else { "s" };
        println!("  {} ({}, {} page{plural})", doc.file_name, doc.role, doc.pages);
    }
    Ok(target)
}

/// Refuses a signature-ready build on any problem, a draft only on invalid values.
fn refuse_problems(loaded: &Loaded, mode: Mode) -> Result<()> {
    let problems: Vec<String> = check::problems(loaded)?
        .into_iter()
        .filter(|p| mode == Mode::Clean || p.invalid)
        .map(|p| format!("  {p}"))
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    let what = match mode {
        Mode::Clean => "is not signature-ready",
        Mode::Draft => "has invalid values",
    };
    Err(Error::failed(format!(
        "{} {what}; nothing was written:\n{}",
        loaded.path.display(),
        problems.join("\n")
    )))
}

/// One PDF to typeset: its template, original number (of how many), file name and role.
struct Job {
    template: &'static str,
    original: Option<(u32, u32)>,
    file_name: String,
    role: String,
}

/// What to typeset in `mode`.
fn plan(originals: u32, mode: Mode) -> Vec<Job> {
    match mode {
        Mode::Draft => vec![Job {
            template: "working-group-draft.typ.j2",
            original: None,
            file_name: "working-group-draft.pdf".into(),
            role: "Working Group draft with proposed changes".into(),
        }],
        Mode::Clean => (1..=originals)
            .map(|n| Job {
                template: "agreement.typ.j2",
                original: Some((n, originals)),
                file_name: format!("agreement-original-{n}.pdf"),
                role: format!("agreement, original {n} of {originals}"),
            })
            .chain([Job {
                template: "council-resolution.typ.j2",
                original: None,
                file_name: "council-resolution.pdf".into(),
                role: "Council resolution".into(),
            }])
            .collect(),
    }
}

/// Renders and typesets every document of the package.
fn documents(loaded: &Loaded, mode: Mode, dump: Option<&Path>) -> Result<Vec<Document>> {
    let config = &loaded.config;
    let date = render::pdf_date(config, mode);
    let style = TEMPLATES.iter().find(|(n, _)| *n == render::STYLE).map_or("", |(_, s)| s);
    let jobs = plan(*config.signing.originals.get_ref(), mode);
    let rendered = jobs
        .iter()
        .map(|job| render::render(job.template, config, mode, job.original))
        .collect::<Result<Vec<_>>>()?;
    if let Some(dir) = dump {
        dump_sources(dir, &jobs, &rendered, style)?;
    }
    let id = config.id.get_ref().trim();
    let typeset = typeset_all(id, &jobs, &rendered, style, date)?;
    Ok(jobs
        .iter()
        .zip(typeset)
        .map(|(job, t)| Document {
            file_name: job.file_name.clone(),
            role: job.role.clone(),
            pages: t.pages,
            pdf: t.pdf,
        })
        .collect())
}

/// Typesets the rendered documents of package `id`, in the order of `jobs`, on one thread
/// per core, each typesetting one document after another.
///
/// Started in this order: the first document of each template, then the others. The
/// originals differ only in their footer note and typst memoizes layout process-wide, so the
/// second original, started once the resolution is laid out and exported, reads most of its
/// layout from what the first has made by then. (Starting it earlier, with the resolution's
/// export on a thread of its own, only recomputed what was not made yet: 25 % more CPU and
/// 4 % more time, BENCHMARKS.md.)
fn typeset_all(
    id: &str,
    jobs: &[Job],
    rendered: &[render::Rendered],
    style: &str,
    date: Date,
) -> Result<Vec<Typeset>> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| (jobs[..i].iter().any(|job| job.template == jobs[i].template), i));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len());
    let next = AtomicUsize::new(0);
    let failed = || Error::usage("a typesetting thread failed");
    let (order, next) = (&order, &next);
    let mut typeset: Vec<(usize, Result<Typeset>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let ident = format!("{id}/{}", jobs[i].file_name);
                        let pdf = typeset::typeset(&ident, &rendered[i].source, style, date);
                        done.push((i, pdf));
                    }
                    done
                })
            })
            .collect();
        // Every thread is joined, whatever failed: a panic never goes unreported.
        let mut done = Vec::new();
        for worker in workers {
            done.extend(worker.join().unwrap_or_else(|_| vec![(0, Err(failed()))]));
        }
        done
    });
    // The first failure in the order of the plan, whichever thread met it.
    typeset.sort_by_key(|(i, _)| *i);
    typeset.into_iter().map(|(_, t)| t).collect()
}

/// Writes the generated Typst sources (and the style) for inspection or `typst compile`.
fn dump_sources(
    dir: &Path,
    jobs: &[Job],
    rendered: &[render::Rendered],
    style: &str,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))
    };
    write(render::STYLE, style)?;
    for (job, r) in jobs.iter().zip(rendered) {
        write(&job.file_name.replace(".pdf", ".typ"), &r.source)?;
    }
    Ok(())
}
