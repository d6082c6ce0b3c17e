//! The failover run: its playback (one run plus checkpoints, rebuilt when the
//! scenario changes), its clock, and the run at the playhead — one
//! [`Moment`] per playhead move, shared by every panel that shows the playhead.

use std::sync::Arc;

use leptos::prelude::*;

use super::clock::Clock;
use super::design::Design;
use crate::base::time::SimTime;
use crate::failover::moment::Moment;
use crate::failover::playback::{LiveView, Playback};

/// The run of the working scenario and where its player is.
#[derive(Clone, Copy)]
pub struct Run {
    /// `None` until the page has painted once: the first run waits for the shell.
    playback: Memo<Option<Arc<Result<Playback, String>>>>,
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
        // Always "changed": a rebuilt playback is a new run even when it compares
        // equal, and comparing two runs would cost as much as building one.
        // A fault added at the playhead re-runs from the last checkpoint before it.
        // The first run starts after the page's second frame, so the page paints its
        // shell (and a frame that shows it has) before spending a few hundred ms
        // simulating.
        let started = RwSignal::new(false);
        request_animation_frame(move || {
            request_animation_frame(move || set_timeout(move || started.set(true), std::time::Duration::ZERO))
        });
        let playback = Memo::new_with_compare(
            move |prev: Option<&Option<Arc<Result<Playback, String>>>>| {
                if !started.get() {
                    return None;
                }
                let prev = prev.and_then(Option::as_ref).and_then(|p| p.as_ref().as_ref().ok());
                Some(Arc::new(design.with(|s| Playback::rebuild(prev, s)).map_err(|p| p.to_string())))
            },
            |_, _| true,
        );
        let moment = Memo::new_with_compare(
            move |_| {
                let t = SimTime(clock.playhead());
                playback.with(|p| ok(p).map(|p| Arc::new(Moment::new(p, t))))
            },
            |_, _| true,
        );
        // Compared by value: panels showing the live view re-render only when what
        // they show changes, not on every playhead move.
        let live = Memo::new(move |_| moment.with(|m| m.as_ref().map(|m| m.live().clone())));
        Run { playback, clock, moment, live }
    }

    /// The player's clock.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Reads the playback (tracked); `None` while the scenario cannot run, and
    /// before the first frame has painted.
    pub fn with<T>(&self, f: impl FnOnce(&Playback) -> T) -> Option<T> {
        self.playback.with(|p| ok(p).map(f))
    }

    /// Reads the playback without tracking it.
    pub fn with_untracked<T>(&self, f: impl FnOnce(&Playback) -> T) -> Option<T> {
        self.playback.with_untracked(|p| ok(p).map(f))
    }

    /// Whether the first run has been made (tracked): false only before the page's
    /// first frames have painted.
    pub fn started(&self) -> bool {
        self.playback.with(Option::is_some)
    }

    /// Why the scenario cannot run (tracked).
    pub fn error(&self) -> Option<String> {
        self.playback.with(|p| p.as_deref().and_then(|r| r.as_ref().err().cloned()))
    }

    /// The run's length, ms (0 when it cannot run; tracked).
    pub fn duration_ms(&self) -> u64 {
        self.with(|p| p.duration().as_ms()).unwrap_or(0)
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
fn ok(p: &Option<Arc<Result<Playback, String>>>) -> Option<&Playback> {
    p.as_deref().and_then(|r| r.as_ref().ok())
}
