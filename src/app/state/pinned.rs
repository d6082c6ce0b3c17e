//! Run A of a comparison: pinned from the current run, drawn in grey under it and
//! compared metric by metric; a preset loaded while it is pinned keeps its seed and
//! fault script ([`crate::design::compare`]).

use leptos::prelude::*;

use crate::design::compare::Pinned;

/// The pinned run, if any.
#[derive(Clone, Copy)]
pub struct PinnedRun(RwSignal<Option<Pinned>>);

/// The page's pinned run.
pub fn use_pinned() -> PinnedRun {
    expect_context::<PinnedRun>()
}

impl Default for PinnedRun {
    fn default() -> Self {
        PinnedRun::new()
    }
}

impl PinnedRun {
    /// Nothing pinned.
    pub fn new() -> PinnedRun {
        PinnedRun(RwSignal::new(None))
    }

    /// Pins `a` (or unpins with `None`).
    pub fn set(&self, a: Option<Pinned>) {
        self.0.set(a);
    }

    /// The pinned run (tracked).
    pub fn get(&self) -> Option<Pinned> {
        self.0.get()
    }

    /// The pinned run, untracked.
    pub fn get_untracked(&self) -> Option<Pinned> {
        self.0.get_untracked()
    }
}
