//! The failover run: its playback (one run plus checkpoints, rebuilt when the
//! scenario changes), its clock, and the run at the playhead — one
//! [`Moment`] per playhead move, shared by every panel that shows the playhead.
//!
//! An edit shows at the playhead within the frame it is made in: the new run is
//! simulated only until it has passed the playhead ([`Progress::run_past`]) — from
//! the checkpoint before it when the edit is a fault added at the playhead — and the
//! rest is finished in slices of about [`SLICE_MS`] over the next frames, and the
//! whole run is shown in a frame of its own. Meanwhile
//! the panels that need the whole run (the summary, the charts, the challenge's
//! verdicts, the prediction) show the last finished run, marked as being replaced
//! (`data-run="finishing"` on the main area).

use std::sync::Arc;

use leptos::prelude::*;

use super::clock::Clock;
use super::design::Design;
use crate::base::time::SimTime;
use crate::failover::moment::Moment;
use crate::failover::playback::{LiveView, Playback, Progress};

/// Wall-clock time spent finishing a run per animation frame, ms: about a third of
/// a frame (a slice ends after the checkpoint interval that passes it, a few ms
/// more), leaving the rest for the page to lay out, paint and play.
pub const SLICE_MS: f64 = 5.0;

/// A run, or why the scenario cannot run.
type Made = Option<Arc<Result<Playback, String>>>;

/// The run of the working scenario and where its player is.
#[derive(Clone, Copy)]
pub struct Run {
    /// The run at the playhead: finished, or simulated past the playhead while the
    /// rest is finished. `None` until the page has painted once: the first run waits
    /// for the shell.
    current: RwSignal<Made>,
    /// The last finished run (the one before the edit while `finishing`).
    finished: RwSignal<Made>,
    /// Is the current run still being finished (not yet the finished one)?
    finishing: Memo<bool>,
    /// How far the run being finished has been simulated, ms.
    reached: RwSignal<u64>,
    /// The run being finished, and which edit it is for (a newer edit abandons it).
    progress: StoredValue<Option<Progress>, LocalStorage>,
    generation: StoredValue<u64>,
    clock: Clock,
    moment: Memo<Option<Arc<Moment>>>,
    live: Memo<Option<LiveView>>,
}

/// The page's failover run.
pub fn use_run() -> Run {
    expect_context::<Run>()
}

impl Run {
    /// The run of `design`'s scenario, played by `clock`.
    pub fn new(design: Design, clock: Clock) -> Run {
        // The first run starts after the page's second frame, so the page paints its
        // shell (and a frame that shows it has) before simulating.
        let started = RwSignal::new(false);
        request_animation_frame(move || {
            request_animation_frame(move || set_timeout(move || started.set(true), std::time::Duration::ZERO))
        });
        let current = RwSignal::new(None);
        let progress = StoredValue::new_local(None::<Progress>);
        // Always "changed": the playhead's moment is recomputed when the run changes.
        let moment = Memo::new_with_compare(
            move |prev: Option<&Option<Arc<Moment>>>| {
                let t = SimTime(clock.playhead());
                current.with(|p: &Made| match ok(p) {
                    Some(p) if p.covers(t) => Some(Arc::new(Moment::new(p, t))),
                    // The playhead is past the run being finished (a seek, or playing
                    // while it finishes): that run is simulated past it now (the next
                    // slice shows it everywhere).
                    Some(_) => progress
                        .try_update_value(|pr| {
                            pr.as_mut().map(|pr| {
                                pr.run_past(t);
                                Arc::new(Moment::new(&pr.so_far(), t))
                            })
                        })
                        .flatten()
                        .or_else(|| prev.cloned().flatten()),
                    None => None,
                })
            },
            |_, _| true,
        );
        // Compared by value: panels showing the live view re-render only when what
        // they show changes, not on every playhead move.
        let live = Memo::new(move |_| moment.with(|m| m.as_ref().map(|m| m.live().clone())));
        let finished = RwSignal::new(None);
        let finishing = Memo::new(move |_| {
            let ptr = |m: &Made| m.as_ref().map(Arc::as_ptr);
            current.with(|c| finished.with(|f| ptr(c) != ptr(f)))
        });
        let run = Run {
            current,
            finished,
            finishing,
            reached: RwSignal::new(0),
            progress,
            generation: StoredValue::new(0),
            clock,
            moment,
            live,
        };
        Effect::new(move |_| {
            if started.get() {
                design.with(|s| run.restart(s));
            }
        });
        run
    }

    /// Starts the run of `scenario` (abandoning one being finished), simulates it
    /// past the playhead and shows it there; the rest is finished over the next frames.
    fn restart(self, scenario: &crate::spec::scenario::Scenario) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        // A fault added at the playhead runs on from the shown run's checkpoint before it.
        let mut progress = match self.current.with_untracked(|p| Progress::start(ok(p), scenario)) {
            Ok(p) => p,
            Err(problems) => {
                self.settle(Err(problems.to_string()));
                return;
            }
        };
        progress.run_past(SimTime(self.clock.playhead_untracked()));
        if progress.done() {
            self.finish(progress);
            return;
        }
        self.current.set(Some(Arc::new(Ok(progress.so_far()))));
        self.reached.set(progress.reached().as_ms());
        self.progress.set_value(Some(progress));
        self.next_slice(generation);
    }

    /// Finishes the run for edit `generation` a slice at a time, one per frame.
    fn next_slice(self, generation: u64) {
        request_animation_frame(move || {
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            let Some(mut progress) = self.progress.try_update_value(Option::take).flatten() else { return };
            // The whole run, its report and every panel that shows it get a frame of
            // their own.
            if progress.done() {
                self.finish(progress);
                return;
            }
            // The playhead first (it may have moved on), then as much as the slice allows.
            let t = SimTime(self.clock.playhead_untracked());
            let shown_covers = self.current.with_untracked(|p| ok(p).is_some_and(|p| p.covers(t)));
            progress.run_past(t);
            let deadline = js_sys::Date::now() + SLICE_MS;
            while !progress.done() && js_sys::Date::now() < deadline {
                progress.step();
            }
            if !shown_covers {
                self.current.set(Some(Arc::new(Ok(progress.so_far()))));
            }
            self.reached.set(progress.reached().as_ms());
            self.progress.set_value(Some(progress));
            self.next_slice(generation);
        });
    }

    /// The whole run, shown everywhere.
    fn finish(self, progress: Progress) {
        self.settle(Ok(progress.finish()));
    }

    /// `made` (the whole run, or why the scenario cannot run) at the playhead and in
    /// every panel; nothing is left to finish.
    fn settle(self, made: Result<Playback, String>) {
        self.progress.set_value(None);
        let made = Some(Arc::new(made));
        self.current.set(made.clone());
        self.finished.set(made);
    }

    /// The player's clock.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Reads the last finished run (tracked): while an edit's run is being finished
    /// ([`Run::finishing`]) it is the run before the edit. `None` while the scenario
    /// cannot run, and before the first run is finished.
    pub fn with<T>(&self, f: impl FnOnce(&Playback) -> T) -> Option<T> {
        self.finished.with(|p| ok(p).map(f))
    }

    /// Reads the last finished run if it is the run of `scenario` (tracked): `None`
    /// until an edit's run is finished, including the moment between the edit and
    /// the start of its run.
    pub fn with_finished_of<T>(
        &self,
        scenario: &crate::spec::scenario::Scenario,
        f: impl FnOnce(&Playback) -> T,
    ) -> Option<T> {
        self.finished.with(|p| ok(p).filter(|p| p.scenario() == scenario).map(f))
    }

    /// Reads the last finished run without tracking it.
    pub fn with_untracked<T>(&self, f: impl FnOnce(&Playback) -> T) -> Option<T> {
        self.finished.with_untracked(|p| ok(p).map(f))
    }

    /// Reads the run at the playhead (tracked): the current scenario's, finished or
    /// simulated past the playhead.
    pub fn with_current<T>(&self, f: impl FnOnce(&Playback) -> T) -> Option<T> {
        self.current.with(|p| ok(p).map(f))
    }

    /// Whether the first run has been made (tracked): false only before the page's
    /// first frames have painted.
    pub fn started(&self) -> bool {
        self.current.with(Option::is_some)
    }

    /// Whether an edit's run is still being finished (tracked): what [`Run::with`]
    /// reads is then the run before the edit.
    pub fn finishing(&self) -> bool {
        self.finishing.get()
    }

    /// While an edit's run is being finished, how far it has been simulated and its
    /// length, ms (tracked).
    pub fn finishing_progress(&self) -> Option<(u64, u64)> {
        self.finishing().then(|| (self.reached.get(), self.duration_ms()))
    }

    /// Why the scenario cannot run (tracked).
    pub fn error(&self) -> Option<String> {
        self.current.with(|p| p.as_deref().and_then(|r| r.as_ref().err().cloned()))
    }

    /// The run's length, ms (0 when it cannot run; tracked).
    pub fn duration_ms(&self) -> u64 {
        self.with_current(|p| p.duration().as_ms()).unwrap_or(0)
    }

    /// The run's length, ms, without tracking it.
    pub fn duration_ms_untracked(&self) -> u64 {
        self.current.with_untracked(|p| ok(p).map_or(0, |p| p.duration().as_ms()))
    }

    /// The run at the playhead (tracked).
    pub fn moment(&self) -> Option<Arc<Moment>> {
        self.moment.get()
    }

    /// What the page shows at the playhead, changing only when it does.
    pub fn live(&self) -> Memo<Option<LiveView>> {
        self.live
    }
}

/// The playback, once run and if it could run.
fn ok(p: &Made) -> Option<&Playback> {
    p.as_deref().and_then(|r| r.as_ref().ok())
}
