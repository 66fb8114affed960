//! The live preview of an open session: a worker thread lays the document out again after
//! each edit, always the newest one. An edit that arrives while a layout is under way
//! supersedes it: its result is dropped unseen and no queue of stale previews forms. Pages
//! are known by how they look (a hash of what their frame draws, not of where in the source
//! its text came from), and only a page that looks new is drawn, as a PNG picture at the
//! screen's resolution, and kept: the page gets the pictures of the pages that changed only,
//! in the preview's answer (BENCHMARKS.md measures SVG against PNG and what each step costs).
//!
//! A signature-ready session is rendered exactly as `build` renders it; one still being
//! filled shows its decisions made, undecided changes in red and unfilled values highlighted.
//! typst's caches stay warm between edits (one World per document, edited in place) and
//! bounded: entries unused for a few layouts are evicted after each one.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::assemble;
use crate::check::Session;
use crate::render::{self, Mode, Rendered};
use crate::set::{Planned, TemplateSet};
use crate::typeset::{Preview, Previewer, Style};

/// How many layouts typst's memoized results may go unused before they are evicted.
const CACHE_AGE: usize = 4;
/// Page pictures kept (each some 100 KB).
const PICTURES: usize = 96;
/// Pixels per point of a picture when the page does not say (a 595-point A4 page drawn
/// 890 pixels wide).
const SCALE: f64 = 1.5;
/// The pixels per point a picture may be drawn at: from a phone to a 4K screen.
const SCALES: (f64, f64) = (0.5, 4.0);
/// How long the preview's worker waits for the next edit before it ends. While a person
/// edits, one long-lived thread keeps the documents laid out (typst's Worlds) and allocates
/// from one arena of the C allocator: a worker started anew for each edit spreads the
/// layouts over many arenas, each keeping its peak (see BENCHMARKS.md).
const IDLE: Duration = Duration::from_secs(600);
/// Longest a request waits for its preview.
const WAIT: Duration = Duration::from_secs(20);

/// The preview of one session: what to lay out next and the newest result.
#[derive(Default)]
pub struct Engine {
    shared: Arc<(Mutex<State>, Condvar)>,
}

#[derive(Default)]
struct State {
    /// The newest edit waiting to be laid out.
    wanted: Option<Job>,
    /// Whether the worker thread runs.
    running: bool,
    /// The newest preview of each document, by document index.
    shown: BTreeMap<usize, Arc<Shown>>,
    /// The revision of the newest edit asked for.
    newest: u64,
    /// The newest (revision, document, scale's bits) asked for, so that asking again does
    /// nothing.
    asked: Option<(u64, usize, u64)>,
}

/// An edit to lay out.
struct Job {
    set: Arc<TemplateSet>,
    revision: u64,
    document: usize,
    session: Session,
    ready: bool,
    /// Pixels per point of the pictures.
    scale: f64,
    /// When the edit arrived (to measure the server's part of the latency).
    since: Instant,
}

/// A preview as the page receives it.
#[derive(Debug, Serialize)]
pub struct Shown {
    /// The edit it shows.
    pub revision: u64,
    /// Which document of the package (index into [`documents`]).
    pub document: usize,
    /// Its pages.
    pub pages: Vec<PageView>,
    /// Why it cannot be shown, or what a build would refuse in it.
    pub problems: Vec<String>,
    /// Whether it is the signature-ready document, exactly as a build makes it.
    pub exact: bool,
    /// Milliseconds from the edit's arrival to the pictures being ready.
    pub server_ms: f64,
    /// Of which milliseconds laying the document out (typst's compile).
    pub layout_ms: f64,
    /// How many pages had to be drawn anew.
    pub drawn: usize,
}

/// One page of a preview.
#[derive(Debug, Serialize)]
pub struct PageView {
    /// Hash of how the page looks at the preview's scale: the name of its picture,
    /// `/api/pages/HASH.png`.
    pub hash: String,
    /// Size in points.
    pub width: f64,
    /// Size in points.
    pub height: f64,
    /// Where a filled value is printed, and its key.
    pub values: Vec<ValueView>,
    /// The page's text.
    pub text: String,
}

/// A value's place on a page.
#[derive(Debug, Serialize)]
pub struct ValueView {
    /// Config key of the value.
    pub key: String,
    /// Box in points from the page's top left corner.
    pub x: f64,
    /// Box in points.
    pub y: f64,
    /// Box in points.
    pub w: f64,
    /// Box in points.
    pub h: f64,
}

/// The PNG pictures of pages, by hash, shared by every session.
#[derive(Default)]
pub struct Pictures(Mutex<VecDeque<(String, Arc<Vec<u8>>)>>);

impl Pictures {
    /// The PNG picture of the page with `hash`, if it is kept.
    pub fn get(&self, hash: &str) -> Option<Arc<Vec<u8>>> {
        let pictures = lock(&self.0);
        pictures.iter().find(|(h, _)| h == hash).map(|(_, png)| Arc::clone(png))
    }

    fn has(&self, hash: &str) -> bool {
        lock(&self.0).iter().any(|(h, _)| h == hash)
    }

    fn put(&self, hash: String, png: Vec<u8>) {
        let mut pictures = lock(&self.0);
        if pictures.len() >= PICTURES {
            pictures.pop_front();
        }
        pictures.push_back((hash, Arc::new(png)));
    }
}

/// The preview's answer to a page that shows the pictures `have` already: `shown`, with the
/// PNG bytes (base64) of each other picture it needs, so that no second request follows.
pub fn answer(shown: &Shown, have: &[String], pictures: &Pictures) -> serde_json::Value {
    use base64::Engine as _;
    let mut answer = serde_json::to_value(shown).unwrap_or_default();
    let inline: serde_json::Map<String, serde_json::Value> = shown
        .pages
        .iter()
        .filter(|page| !have.contains(&page.hash))
        .filter_map(|page| {
            let png = pictures.get(&page.hash)?;
            let text = base64::engine::general_purpose::STANDARD.encode(&*png);
            Some((page.hash.clone(), serde_json::Value::String(text)))
        })
        .collect();
    if let Some(object) = answer.as_object_mut() {
        object.insert("pictures".into(), serde_json::Value::Object(inline));
    }
    answer
}

/// The pixels per point of the pictures the page asks for, kept within [`SCALES`] and rounded
/// to a quarter (so that a window resized by a pixel draws nothing anew).
pub fn scale(asked: Option<f64>) -> f64 {
    let asked = asked.filter(|s| s.is_finite()).unwrap_or(SCALE);
    (asked.clamp(SCALES.0, SCALES.1) * 4.0).round() / 4.0
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The documents a session's package holds, one per template (the first original stands for
/// the others, which differ only in their footer note).
pub fn documents(set: &TemplateSet, session: &Session) -> Vec<Planned> {
    let mut planned = assemble::plan(set, session, Mode::Clean);
    planned.dedup_by(|b, a| a.template == b.template);
    planned
}

impl Engine {
    /// Asks for the preview of `document` after edit `revision` of `session` (and whether it
    /// is signature-ready), drawn at `scale`; a newer edit replaces an older one not yet
    /// begun, and makes one under way be dropped when it ends.
    pub fn want(
        &self,
        set: &Arc<TemplateSet>,
        (revision, document): (u64, usize),
        (session, ready): (Session, bool),
        scale: f64,
        pictures: &Arc<Pictures>,
    ) {
        let (state, wake) = &*self.shared;
        let mut state = lock(state);
        let asked = (revision, document, scale.to_bits());
        if state.asked == Some(asked) {
            return;
        }
        state.asked = Some(asked);
        state.newest = state.newest.max(revision);
        let set = Arc::clone(set);
        let since = Instant::now();
        state.wanted = Some(Job { set, revision, document, session, ready, scale, since });
        if !state.running {
            state.running = true;
            let (shared, pictures) = (Arc::clone(&self.shared), Arc::clone(pictures));
            std::thread::spawn(move || work(&shared, &pictures));
        }
        wake.notify_all();
    }

    /// The preview of `document` showing edit `revision` or a newer one, once made.
    pub fn wait(&self, revision: u64, document: usize) -> Option<Arc<Shown>> {
        let (state, wake) = &*self.shared;
        let deadline = Instant::now() + WAIT;
        let mut state = lock(state);
        loop {
            if let Some(shown) = state.shown.get(&document) {
                if shown.revision >= revision.min(state.newest) {
                    return Some(Arc::clone(shown));
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            state = wake.wait_timeout(state, left).unwrap_or_else(PoisonError::into_inner).0;
        }
    }
}

/// The worker: lays out the wanted edits one after another, and ends once none came for
/// [`IDLE`].
fn work(shared: &Arc<(Mutex<State>, Condvar)>, pictures: &Pictures) {
    let (state, wake) = &**shared;
    let mut previewers: BTreeMap<String, Previewer> = BTreeMap::new();
    loop {
        let job = {
            let (mut state, _) = wake
                .wait_timeout_while(lock(state), IDLE, |s| s.wanted.is_none())
                .unwrap_or_else(PoisonError::into_inner);
            match state.wanted.take() {
                Some(job) => job,
                None => {
                    state.running = false;
                    return;
                }
            }
        };
        // A layout that panics (a typst bug) must not leave the worker for dead.
        let made =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| make(&job, &mut previewers)))
                .unwrap_or_else(|_| {
                    previewers.clear();
                    Err("the preview could not be made (an internal error); edit again".to_string())
                });
        let superseded = lock(state).wanted.is_some();
        typst::comemo::evict(CACHE_AGE);
        if superseded {
            continue;
        }
        let shown = match made {
            Ok((preview, rendered, exact, layout_ms)) => {
                let mut shown = show(&job, &preview, &rendered, exact, pictures);
                shown.layout_ms = layout_ms;
                shown
            }
            Err(problem) => Shown {
                revision: job.revision,
                document: job.document,
                pages: Vec::new(),
                problems: vec![problem],
                exact: false,
                server_ms: job.since.elapsed().as_secs_f64() * 1000.0,
                layout_ms: 0.0,
                drawn: 0,
            },
        };
        lock(state).shown.insert(job.document, Arc::new(shown));
        wake.notify_all();
    }
}

/// Renders and lays out the job's document; whether it is the exact signature-ready one, and
/// the milliseconds its layout took.
fn make(
    job: &Job,
    previewers: &mut BTreeMap<String, Previewer>,
) -> Result<(Preview, Rendered, bool, f64), String> {
    let set = &job.set;
    let planned = documents(set, &job.session);
    let doc = planned.get(job.document).ok_or("no such document in the package")?;
    let mode = if job.ready { Mode::Clean } else { Mode::Preview };
    let rendered = render::render(set, &doc.template, &job.session, mode, doc.original)
        .map_err(|e| e.message)?;
    let previewer = previewers.entry(doc.template.clone()).or_insert_with(|| {
        let (name, source) = set.style();
        Previewer::new(&format!("{}/{}", job.session.id, doc.file_name), Style { name, source })
    });
    let date = assemble::pdf_date(set, &job.session, Mode::Clean);
    let started = Instant::now();
    let preview = previewer.lay_out(&rendered.source, date).map_err(|e| e.message)?;
    Ok((preview, rendered, job.ready, started.elapsed().as_secs_f64() * 1000.0))
}

/// The page's view of a preview: each page with its new pictures drawn, and where each
/// value is printed, named by its key.
fn show(
    job: &Job,
    preview: &Preview,
    rendered: &Rendered,
    exact: bool,
    pictures: &Pictures,
) -> Shown {
    let mut drawn = 0;
    let pages = preview
        .pages
        .iter()
        .enumerate()
        .map(|(index, page)| {
            // A page that looks as one seen before is not drawn again.
            let hash = format!("{:032x}-{}", page.looks, (job.scale * 100.0).round());
            if !pictures.has(&hash) {
                pictures.put(hash.clone(), preview.png(index, job.scale).unwrap_or_default());
                drawn += 1;
            }
            let values = page
                .values
                .iter()
                .filter_map(|b| {
                    let placed = rendered.value_at(b.source.start)?;
                    Some(ValueView {
                        key: placed.key.clone(),
                        x: b.x,
                        y: b.y,
                        w: b.width,
                        h: b.height,
                    })
                })
                .collect();
            PageView {
                hash,
                width: page.width,
                height: page.height,
                values,
                text: page.text.clone(),
            }
        })
        .collect();
    let problems = preview.flaws.iter().map(ToString::to_string).collect();
    Shown {
        revision: job.revision,
        document: job.document,
        pages,
        problems,
        exact,
        server_ms: job.since.elapsed().as_secs_f64() * 1000.0,
        layout_ms: 0.0,
        drawn,
    }
}
