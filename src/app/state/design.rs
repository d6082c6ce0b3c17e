//! The design and its history: the working scenario, undo / redo over whole
//! scenarios ([`crate::design::history`]), and whether the user has edited since the
//! page opened (the page autosaves and rewrites its link only then).

use leptos::prelude::*;

use crate::design::history::History;
use crate::spec::control::ControlPlaneSpec;
use crate::spec::deploy::DeploySpec;
use crate::spec::scenario::Scenario;

/// The working scenario, its history and its dirty flag.
#[derive(Clone, Copy)]
pub struct Design {
    scenario: RwSignal<Scenario>,
    history: RwSignal<History<Scenario>>,
    dirty: RwSignal<bool>,
}

/// The page's design.
pub fn use_design() -> Design {
    expect_context::<Design>()
}

impl Design {
    /// A design starting at `first`, not yet edited.
    pub fn new(first: Scenario) -> Design {
        Design {
            scenario: RwSignal::new(first),
            history: RwSignal::new(History::default()),
            dirty: RwSignal::new(false),
        }
    }

    /// Reads the scenario (tracked).
    pub fn with<T>(&self, f: impl FnOnce(&Scenario) -> T) -> T {
        self.scenario.with(f)
    }

    /// Reads the scenario without tracking it.
    pub fn with_untracked<T>(&self, f: impl FnOnce(&Scenario) -> T) -> T {
        self.scenario.with_untracked(f)
    }

    /// A copy of the scenario, untracked.
    pub fn get_untracked(&self) -> Scenario {
        self.scenario.get_untracked()
    }

    /// Subscribes the running effect or memo to every change of the scenario.
    pub fn track(&self) {
        self.scenario.track();
    }

    /// Has the user edited since the page opened? (untracked)
    pub fn is_dirty_untracked(&self) -> bool {
        self.dirty.get_untracked()
    }

    /// Edits the scenario, keeping the one before for undo. The run is rebuilt; the
    /// history before the playhead stays what it was (the run is deterministic).
    pub fn edit(&self, f: impl FnOnce(&mut Scenario)) {
        let before = self.scenario.get_untracked();
        self.scenario.update(f);
        self.history.update(|h| h.record(before));
        self.dirty.set(true);
    }

    /// Tries an edit on a copy: on `Ok` it becomes the scenario (an undoable edit);
    /// on `Err` the scenario is unchanged.
    pub fn try_edit<T, E>(&self, f: impl FnOnce(&mut Scenario) -> Result<T, E>) -> Result<T, E> {
        let mut s = self.scenario.get_untracked();
        let out = f(&mut s)?;
        self.edit(|cur| *cur = s);
        Ok(out)
    }

    /// Replaces the scenario as an undoable edit (a preset, a file, an import).
    pub fn replace(&self, s: Scenario) {
        self.edit(|cur| *cur = s);
    }

    /// Edits the data-plane deployment, if the scenario has one.
    pub fn edit_deploy(&self, f: impl FnOnce(&mut DeploySpec)) {
        self.edit(|s| {
            if let Some(d) = s.deploy.as_mut() {
                f(d);
            }
        });
    }

    /// Edits the control-plane deployment, if the scenario has one.
    pub fn edit_control(&self, f: impl FnOnce(&mut ControlPlaneSpec)) {
        self.edit(|s| {
            if let Some(c) = s.control_plane.as_mut() {
                f(c);
            }
        });
    }

    /// Shows `s` from a link opened in this page: not an edit (nothing to undo, no
    /// autosave).
    pub fn open_link(&self, s: Scenario) {
        self.scenario.set(s);
    }

    /// Goes back one edit.
    pub fn undo(&self) {
        let cur = self.scenario.get_untracked();
        if let Some(prev) = self.history.try_update(|h| h.undo(cur)).flatten() {
            self.scenario.set(prev);
            self.dirty.set(true);
        }
    }

    /// Re-applies an undone edit.
    pub fn redo(&self) {
        let cur = self.scenario.get_untracked();
        if let Some(next) = self.history.try_update(|h| h.redo(cur)).flatten() {
            self.scenario.set(next);
            self.dirty.set(true);
        }
    }

    /// Is there an edit to undo? (tracked)
    pub fn can_undo(&self) -> bool {
        self.history.with(History::can_undo)
    }

    /// Is there an edit to redo? (tracked)
    pub fn can_redo(&self) -> bool {
        self.history.with(History::can_redo)
    }
}
