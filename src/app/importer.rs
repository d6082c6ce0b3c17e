//! Imports run in a Web Worker: the importers (AWS, Terraform, change batches, traffic
//! policies) live in the worker's module, not the page's, so a visitor who never
//! imports never downloads them, and a big file parses off the main thread. One worker
//! per import: started, sent the files and the current design
//! ([`ImportJob`](crate::design::jobs::ImportJob)) once it says it is ready, ended when it
//! answers. A worker that cannot start, fails or stays silent for [`TIMEOUT`] gives one
//! message; the design is never touched by a failed import.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::set_timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

use crate::app::workers::{new_worker, reason};
use crate::design::jobs::{ImportJob, ImportReply, Response};
use crate::formats::import::{Outcome, Source};
use crate::spec::scenario::Scenario;

/// How long an import may take, loading the worker included.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Called once with an import's outcome.
type Done = Box<dyn FnOnce(Result<Outcome, String>)>;

/// What an import's worker holds until it answers: the job, the callback, and the
/// handlers that must live as long as the worker.
struct Pending {
    worker: Worker,
    job: Option<ImportJob>,
    done: Option<Done>,
    _handlers: Vec<Closure<dyn Fn(JsValue)>>,
}

/// Imports `sources` against `current` in a new worker and calls `done` once with the
/// outcome, or with why there is none.
pub fn import(
    sources: Vec<Source>,
    current: Scenario,
    at_ms: Option<u64>,
    done: impl FnOnce(Result<Outcome, String>) + 'static,
) {
    let worker = match new_worker() {
        Ok(w) => w,
        Err(e) => return done(Err(unavailable(&reason(&e)))),
    };
    let pending = Rc::new(RefCell::new(Pending {
        worker: worker.clone(),
        job: Some(ImportJob { sources, current, at_ms }),
        done: Some(Box::new(done)),
        _handlers: Vec::new(),
    }));
    let on_message = {
        let pending = Rc::clone(&pending);
        Closure::<dyn Fn(JsValue)>::new(move |ev: JsValue| {
            let text = ev.unchecked_into::<MessageEvent>().data().as_string().unwrap_or_default();
            if matches!(Response::from_json(&text), Ok(Response::Ready)) {
                let job = pending.borrow_mut().job.take();
                if let Some(job) = job {
                    let sent = pending.borrow().worker.post_message(&JsValue::from_str(&job.to_json()));
                    if let Err(e) = sent {
                        finish(
                            &pending,
                            Err(format!("the files could not be handed to the importer ({})", reason(&e))),
                        );
                    }
                }
                return;
            }
            let outcome = match ImportReply::from_json(&text) {
                Some(ImportReply::Imported(out)) => Ok(*out),
                Some(ImportReply::Refused(message)) => Err(message),
                None => Err("the importer gave an answer this page does not understand".into()),
            };
            finish(&pending, outcome);
        })
    };
    // A script that cannot load fires a plain `Event`; an error thrown inside, an
    // `ErrorEvent` with its message.
    let on_error = {
        let pending = Rc::clone(&pending);
        Closure::<dyn Fn(JsValue)>::new(move |ev: JsValue| {
            let ev: Event = ev.unchecked_into();
            ev.prevent_default();
            let what = ev.dyn_ref::<ErrorEvent>().map(ErrorEvent::message).unwrap_or_default();
            let what = if what.is_empty() { "its script did not load".to_string() } else { what };
            finish(&pending, Err(unavailable(&what)));
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    pending.borrow_mut()._handlers = vec![on_message, on_error];
    let late = Rc::clone(&pending);
    set_timeout(
        move || finish(&late, Err(format!("the importer did not answer within {} s", TIMEOUT.as_secs()))),
        TIMEOUT,
    );
}

/// Ends the import's worker and calls its callback, once.
fn finish(pending: &Rc<RefCell<Pending>>, outcome: Result<Outcome, String>) {
    let done = {
        let mut p = pending.borrow_mut();
        let Some(done) = p.done.take() else { return };
        p.worker.terminate();
        p.worker.set_onmessage(None);
        p.worker.set_onerror(None);
        p.job = None;
        done
    };
    done(outcome);
    // The handlers hold the pending state and one of them may be running this very
    // call: they are dropped in a later task, which also breaks the cycle.
    let handlers = std::mem::take(&mut pending.borrow_mut()._handlers);
    set_timeout(move || drop(handlers), Duration::ZERO);
}

fn unavailable(why: &str) -> String {
    format!("imports run in a Web Worker, which could not start here ({why})")
}
