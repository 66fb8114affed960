//! Typesetting the documents of a package together, one thread per core.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::document::{layout, Outcome, Style};
use crate::date::Date;
use crate::error::{Error, Result};

/// One document to typeset: its name (errors, PDF identifier), source, and a group key:
/// documents of one group (originals of one template) share most of their layout.
pub struct Job<'a> {
    /// Name of the document in errors and in the PDF's identifier.
    pub name: String,
    /// The Typst source.
    pub source: &'a str,
    /// Documents with the same group differ only in details (the originals of a template).
    pub group: &'a str,
}

/// Typesets `jobs`, all importing `style` and dated `date`, on one thread per core, each thread typesetting one
/// document after another: each one's PDF, or its flaws, in the order of `jobs`; any other
/// failure (a typst error, a character the font cannot draw) is the error.
///
/// Started in this order: the first document of each group, then the others. The originals
/// differ only in their footer note and typst memoizes layout process-wide, so the second
/// original, started once another document is done, reads most of its layout from what the
/// first has made by then (starting it earlier only recomputes what is not made yet;
/// BENCHMARKS.md).
pub fn typeset_each(jobs: &[Job<'_>], style: Style<'_>, date: Date) -> Result<Vec<Outcome>> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| (jobs[..i].iter().any(|job| job.group == jobs[i].group), i));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len());
    let next = AtomicUsize::new(0);
    let (order, next) = (&order, &next);
    let work = |job: &Job<'_>| layout(&job.name, job.source, style, date)?.outcome();
    let work = &work;
    let mut done: Vec<(usize, Result<Outcome>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        done.push((i, work(&jobs[i])));
                    }
                    done
                })
            })
            .collect();
        // Every thread is joined, whatever failed: a panic never goes unreported.
        let failed = || Error::internal("a typesetting thread failed");
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|_| vec![(0, Err(failed()))]))
            .collect()
    });
    // The first failure in the order of the jobs, whichever thread met it.
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}
