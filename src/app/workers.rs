//! The worker pool: runs a list of [`Request`]s (ranges of seeded trials) in Web
//! Workers, one per processor core (`navigator.hardwareConcurrency`, at most
//! [`MAX_WORKERS`]), handing the next range to whichever worker answers first; the
//! panel puts each answer in place by trial index, so the results do not depend on
//! how many workers ran or in which order they answered.
//!
//! If no worker can start (the constructor throws, every worker fails to load, or
//! none is ready within [`START_TIMEOUT`]) or the address says `?workers=0`, the same
//! requests run on the page's main thread instead, a couple of trials per animation
//! frame, and the pool says why. `?workers=N` asks for `N` workers.
//!
//! A pool runs one list at a time; starting another, [`Pool::cancel`] or the
//! component going away ends the workers of the one before. A panel shows the
//! answers as they arrive at the pace of a [`Throttle`].

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

use crate::app::state::Design;
use crate::design::jobs::{self, Request, Response};

/// The worker's loader, copied beside the page (`boot/`, see index.html).
const LOADER: &str = "./routewave-worker_loader.js";
/// The worker's WebAssembly, written by Trunk beside the page.
const WASM: &str = "./routewave-worker_bg.wasm";
/// Workers at most, whatever the processor count says.
pub const MAX_WORKERS: usize = 8;
/// How long the first worker may take to load before the main thread takes over.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Trials run per animation frame on the main thread.
const MAIN_THREAD_CHUNK: u64 = 2;

/// Where a run's trials run.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    /// Workers are loading.
    Starting(usize),
    /// In this many workers.
    Workers(usize),
    /// On the page's main thread, and why.
    MainThread(String),
}

impl Place {
    /// A sentence for the panel.
    pub fn describe(&self, running: bool) -> String {
        let plural = |n: usize| if n == 1 { "worker" } else { "workers" };
        match (self, running) {
            (Place::Starting(n), _) => format!("Starting {n} {} (background threads)…", plural(*n)),
            (Place::Workers(n), true) => {
                format!("Running on {n} {} (background threads, one per processor core)", plural(*n))
            }
            (Place::Workers(n), false) => {
                format!("Ran on {n} {} (background threads, one per processor core)", plural(*n))
            }
            (Place::MainThread(why), true) => format!("Running on the page's main thread: {why}"),
            (Place::MainThread(why), false) => format!("Ran on the page's main thread: {why}"),
        }
    }
}

/// What the pool tells the panel.
pub struct Callbacks {
    /// An answer to put in place.
    pub on_response: Box<dyn Fn(Response)>,
    /// Where the trials run, whenever that changes.
    pub on_place: Box<dyn Fn(Place)>,
    /// The run finished (`None`) or a request failed (its message).
    pub on_end: Box<dyn Fn(Option<String>)>,
}

/// A pool of workers for one panel; cheap to clone (it is shared).
#[derive(Clone, Default)]
pub struct Pool(Rc<RefCell<Inner>>);

#[derive(Default)]
struct Inner {
    /// Tag of the current run; answers of an older one are dropped.
    run: u32,
    queue: VecDeque<Request>,
    in_flight: usize,
    workers: Vec<Slot>,
    ready: usize,
    main_thread: bool,
    callbacks: Option<Rc<Callbacks>>,
}

struct Slot {
    worker: Worker,
    /// It said `Ready`: its handler is listening (a message before that is lost).
    ready: bool,
    busy: Option<Request>,
    dead: bool,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(Event)>,
}

/// A panel's runs in its own [`Pool`]: whether one is running, where, and why it
/// ended early. Editing the design cancels the run and calls the panel's `reset`;
/// the panel going away cancels it too.
#[derive(Clone, Copy)]
pub struct PanelRun {
    pool: StoredValue<Pool, LocalStorage>,
    /// A run is going.
    pub running: RwSignal<bool>,
    /// Where the last run ran.
    pub place: RwSignal<Option<Place>>,
    /// Why the last run ended early.
    pub error: RwSignal<Option<String>>,
}

/// The runs of a panel over `design`, which calls `reset` when an edit invalidates
/// what it shows.
pub fn use_panel_run(design: Design, reset: impl Fn() + 'static) -> PanelRun {
    let run = PanelRun {
        pool: StoredValue::new_local(Pool::new()),
        running: RwSignal::new(false),
        place: RwSignal::new(None),
        error: RwSignal::new(None),
    };
    on_cleanup(move || {
        run.pool.try_with_value(Pool::cancel);
    });
    Effect::new(move |_| {
        design.track();
        run.stop();
        reset();
        run.place.set(None);
    });
    run
}

impl PanelRun {
    /// Cancels the run, if one is going.
    pub fn stop(&self) {
        self.pool.with_value(Pool::cancel);
        self.running.set(false);
    }

    /// Runs `requests`, handing each answer to `on_response`.
    pub fn start(&self, requests: Vec<Request>, on_response: impl Fn(Response) + 'static) {
        let PanelRun { running, place, error, .. } = *self;
        error.set(None);
        place.set(None);
        running.set(true);
        self.pool.with_value(|p| {
            p.run(
                requests,
                Callbacks {
                    on_response: Box::new(on_response),
                    on_place: Box::new(move |p| place.set(Some(p))),
                    on_end: Box::new(move |e| {
                        running.set(false);
                        error.set(e);
                    }),
                },
            )
        });
    }
}

/// How often a panel shows the answers of a run, which arrive many times a second:
/// each change shown is a frame the page styles, lays out, paints and commits (and
/// the panel's redraw), work that would otherwise take a good part of a core from the
/// workers. The last answer is always shown; answers held back when a run ends early
/// are shown by [`Throttle::flush`].
#[derive(Clone, Copy)]
pub struct Throttle {
    every_ms: f64,
    last: StoredValue<f64>,
    /// Answers arrived since the last change shown.
    held: StoredValue<bool>,
}

impl Throttle {
    /// At most one change shown every `every_ms`.
    pub fn new(every_ms: f64) -> Throttle {
        Throttle { every_ms, last: StoredValue::new(f64::NEG_INFINITY), held: StoredValue::new(false) }
    }

    /// Whether to show the answers so far now (always for the `last`), noting it.
    pub fn due(&self, last: bool) -> bool {
        let now = js_sys::Date::now();
        let due = last || now - self.last.get_value() >= self.every_ms;
        if due {
            self.last.set_value(now);
        }
        self.held.set_value(!due);
        due
    }

    /// Whether answers were held back since the last change shown (a run that ended
    /// early); they count as shown from now on.
    pub fn flush(&self) -> bool {
        let held = self.held.get_value();
        self.held.set_value(false);
        held
    }
}

thread_local! {
    /// The worker's module, compiled once for the page (by [`prepare`] or the first
    /// [`new_worker`]); forgotten if the compile fails or the workers do not start, so
    /// the next run compiles it again.
    static MODULE: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// A new worker running the simulation core. The page compiles the core once
/// (`WebAssembly.compileStreaming`) and hands every worker it starts that module: one
/// compile for all of them, the optimised code shared as the browser makes it, and
/// kept in the browser's code cache, so that later runs, in this visit or the next,
/// start at full speed. If the page cannot compile it, the worker is handed the
/// address and loads it itself (and says so if that fails too).
pub(crate) fn new_worker() -> Result<Worker, JsValue> {
    let worker = Worker::new(LOADER)?;
    let module = compiled();
    let first = worker.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let address = JsValue::from_str(WASM);
        let start = wasm_bindgen_futures::JsFuture::from(module).await.unwrap_or_else(|_| address.clone());
        // A worker ended meanwhile ignores it; one the module cannot be handed to
        // loads the wasm itself.
        if first.post_message(&start).is_err() {
            let _ = first.post_message(&address);
        }
    });
    Ok(worker)
}

/// The worker's module, compiling from now on if it is not yet.
fn compiled() -> js_sys::Promise {
    if let Some(module) = MODULE.with(|m| m.borrow().clone()) {
        return module;
    }
    let module = js_sys::WebAssembly::compile_streaming(&window().fetch_with_str(WASM));
    MODULE.with(|m| *m.borrow_mut() = Some(module.clone()));
    let watched = module.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(watched.clone()).await.is_err() {
            // Compiled again next time: the failure may have been the network's.
            forget_module(&watched);
        }
    });
    module
}

/// Forgets the compiled module if it is still `module`.
fn forget_module(module: &js_sys::Promise) {
    MODULE.with(|m| {
        let mut m = m.borrow_mut();
        if m.as_ref().is_some_and(|kept| js_sys::Object::is(kept, module)) {
            *m = None;
        }
    });
}

/// Starts fetching and compiling the worker's wasm ahead of a run: a panel calls it
/// when the pointer or the focus first comes to it, so that on a slow network the
/// download is under way, or done, by the time "Run" is pressed. Nothing runs yet,
/// and nothing is fetched when the address turns workers off (`?workers=0`).
pub fn prepare() {
    if workers_in_address() != Some(0) {
        let _ = compiled();
    }
}

/// Workers the address asks for (`?workers=N`), if it does.
fn workers_in_address() -> Option<usize> {
    let search = window().location().search().ok()?;
    search.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix("workers=")?.parse().ok())
}

/// Workers for `jobs` requests: the address's choice, else one per core, at most
/// [`MAX_WORKERS`] and no more than there are requests.
fn worker_count(jobs: usize) -> Option<usize> {
    let wanted = match workers_in_address() {
        Some(n) => n.min(MAX_WORKERS),
        None => (window().navigator().hardware_concurrency() as usize).clamp(1, MAX_WORKERS),
    };
    (wanted > 0).then(|| wanted.min(jobs.max(1)))
}

/// Why a JavaScript error happened, in a few words.
pub(crate) fn reason(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

impl Pool {
    /// An idle pool.
    pub fn new() -> Pool {
        Pool::default()
    }

    /// Ends the current run (if any) without a word to its callbacks.
    pub fn cancel(&self) {
        let mut inner = self.0.borrow_mut();
        inner.run = inner.run.wrapping_add(1);
        inner.queue.clear();
        inner.in_flight = 0;
        inner.callbacks = None;
        inner.main_thread = false;
        inner.ready = 0;
        retire(std::mem::take(&mut inner.workers));
    }

    /// Runs `requests` (their `run` tags are set here) and reports through `callbacks`.
    pub fn run(&self, mut requests: Vec<Request>, callbacks: Callbacks) {
        self.cancel();
        let callbacks = Rc::new(callbacks);
        let run = {
            let mut inner = self.0.borrow_mut();
            for r in &mut requests {
                r.run = inner.run;
            }
            inner.queue = requests.into();
            inner.callbacks = Some(callbacks.clone());
            inner.run
        };
        let jobs = self.0.borrow().queue.len();
        if jobs == 0 {
            (callbacks.on_end)(None);
            self.cancel();
            return;
        }
        let Some(n) = worker_count(jobs) else {
            self.fall_back(run, "workers are turned off (?workers=0 in the address)".into());
            return;
        };
        let mut slots = Vec::with_capacity(n);
        for k in 0..n {
            match self.spawn(run, k) {
                Ok(slot) => slots.push(slot),
                Err(e) => {
                    retire(slots);
                    self.fall_back(run, format!("workers could not start ({})", reason(&e)));
                    return;
                }
            }
        }
        self.0.borrow_mut().workers = slots;
        (callbacks.on_place)(Place::Starting(n));
        let weak = Rc::downgrade(&self.0);
        set_timeout(
            move || {
                let Some(pool) = weak.upgrade().map(Pool) else { return };
                let late = {
                    let inner = pool.0.borrow();
                    inner.run == run && inner.ready == 0 && !inner.main_thread && inner.callbacks.is_some()
                };
                if late {
                    // A download that never ends is not waited for again.
                    MODULE.with(|m| m.borrow_mut().take());
                    pool.fall_back(run, format!("workers did not start within {} s", START_TIMEOUT.as_secs()));
                }
            },
            START_TIMEOUT,
        );
    }

    fn spawn(&self, run: u32, k: usize) -> Result<Slot, JsValue> {
        let worker = new_worker()?;
        let weak = Rc::downgrade(&self.0);
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
            let text = ev.data().as_string().unwrap_or_default();
            if let Some(pool) = weak.upgrade().map(Pool) {
                pool.message(run, k, &text);
            }
        });
        let weak: Weak<RefCell<Inner>> = Rc::downgrade(&self.0);
        // A script that cannot load fires a plain `Event`; an error thrown inside, an
        // `ErrorEvent` with its message.
        let on_error = Closure::<dyn Fn(Event)>::new(move |ev: Event| {
            ev.prevent_default();
            if let Some(pool) = weak.upgrade().map(Pool) {
                let what = ev.dyn_ref::<ErrorEvent>().map(ErrorEvent::message).unwrap_or_default();
                pool.failed(run, k, if what.is_empty() { "a worker's script did not load".into() } else { what });
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Slot { worker, ready: false, busy: None, dead: false, _on_message: on_message, _on_error: on_error })
    }

    fn callbacks(&self, run: u32) -> Option<Rc<Callbacks>> {
        let inner = self.0.borrow();
        if inner.run == run { inner.callbacks.clone() } else { None }
    }

    fn message(&self, run: u32, k: usize, text: &str) {
        let Some(cb) = self.callbacks(run) else { return };
        let resp = match Response::from_json(text) {
            Ok(r) => r,
            Err(e) => return self.finish(run, Some(e)),
        };
        match resp {
            Response::Ready => {
                let ready = {
                    let mut inner = self.0.borrow_mut();
                    if inner.main_thread {
                        return;
                    }
                    inner.ready += 1;
                    if let Some(slot) = inner.workers.get_mut(k) {
                        slot.ready = true;
                    }
                    inner.ready
                };
                (cb.on_place)(Place::Workers(ready));
                self.dispatch(run, k);
            }
            Response::Failed { message, .. } => self.finish(run, Some(message)),
            resp => {
                {
                    let mut inner = self.0.borrow_mut();
                    if let Some(slot) = inner.workers.get_mut(k) {
                        slot.busy = None;
                    }
                    inner.in_flight = inner.in_flight.saturating_sub(1);
                }
                (cb.on_response)(resp);
                // The panel may have cancelled the run from its callback.
                if self.callbacks(run).is_some() {
                    self.dispatch(run, k);
                }
            }
        }
    }

    /// Gives worker `k` the next request, or ends the run when none is left.
    fn dispatch(&self, run: u32, k: usize) {
        let posted = {
            let mut inner = self.0.borrow_mut();
            if inner.queue.is_empty() {
                None
            } else if inner.workers.get(k).is_some_and(|s| s.ready && !s.dead && s.busy.is_none()) {
                let req = inner.queue.pop_front().expect("not empty");
                let sent = inner.workers[k].worker.post_message(&JsValue::from_str(&req.to_json()));
                inner.workers[k].busy = Some(req);
                inner.in_flight += 1;
                Some(sent)
            } else {
                Some(Ok(()))
            }
        };
        match posted {
            None => {
                if self.0.borrow().in_flight == 0 {
                    self.finish(run, None);
                }
            }
            Some(Err(e)) => self.failed(run, k, reason(&e)),
            Some(Ok(())) => {}
        }
    }

    /// Worker `k` failed: its request goes back in the queue; with no worker left, the
    /// main thread takes over.
    fn failed(&self, run: u32, k: usize, why: String) {
        if self.callbacks(run).is_none() {
            return;
        }
        let none_left = {
            let mut inner = self.0.borrow_mut();
            let Some(slot) = inner.workers.get_mut(k) else { return };
            if slot.dead {
                return;
            }
            slot.dead = true;
            slot.worker.terminate();
            if let Some(req) = slot.busy.take() {
                inner.queue.push_front(req);
                inner.in_flight = inner.in_flight.saturating_sub(1);
            }
            inner.workers.iter().all(|s| s.dead)
        };
        if none_left {
            self.fall_back(run, format!("workers could not start ({why})"));
            return;
        }
        // Its request goes to a worker that is waiting, if one is.
        let idle: Vec<usize> = {
            let inner = self.0.borrow();
            inner
                .workers
                .iter()
                .enumerate()
                .filter(|(_, s)| s.ready && !s.dead && s.busy.is_none())
                .map(|(i, _)| i)
                .collect()
        };
        for i in idle {
            self.dispatch(run, i);
        }
    }

    /// Runs what is left of the run on the main thread, a few trials per frame.
    fn fall_back(&self, run: u32, why: String) {
        let Some(cb) = self.callbacks(run) else { return };
        {
            let mut inner = self.0.borrow_mut();
            inner.main_thread = true;
            // Answers still on their way from workers are not waited for.
            let workers = std::mem::take(&mut inner.workers);
            for slot in &workers {
                if let Some(req) = &slot.busy {
                    inner.queue.push_front(req.clone());
                }
            }
            inner.in_flight = 0;
            retire(workers);
        }
        (cb.on_place)(Place::MainThread(why));
        let pool = self.clone();
        request_animation_frame(move || pool.frame(run));
    }

    fn frame(&self, run: u32) {
        let Some(cb) = self.callbacks(run) else { return };
        let next = {
            let mut inner = self.0.borrow_mut();
            inner.queue.pop_front().map(|mut req| {
                if req.to - req.from > MAIN_THREAD_CHUNK {
                    let mut rest = req.clone();
                    rest.from += MAIN_THREAD_CHUNK;
                    req.to = rest.from;
                    inner.queue.push_front(rest);
                }
                req
            })
        };
        let Some(req) = next else { return self.finish(run, None) };
        match jobs::serve(&req) {
            Response::Failed { message, .. } => self.finish(run, Some(message)),
            resp => {
                (cb.on_response)(resp);
                let pool = self.clone();
                request_animation_frame(move || pool.frame(run));
            }
        }
    }

    /// Ends the run and tells the panel.
    fn finish(&self, run: u32, error: Option<String>) {
        let Some(cb) = self.callbacks(run) else { return };
        {
            let mut inner = self.0.borrow_mut();
            inner.run = inner.run.wrapping_add(1);
            inner.queue.clear();
            inner.in_flight = 0;
            inner.callbacks = None;
            retire(std::mem::take(&mut inner.workers));
        }
        (cb.on_end)(error);
    }
}

/// Ends `workers` now and frees their handlers after the current event (one of them
/// may be the handler running).
fn retire(workers: Vec<Slot>) {
    if workers.is_empty() {
        return;
    }
    for s in &workers {
        s.worker.terminate();
    }
    set_timeout(move || drop(workers), Duration::ZERO);
}
