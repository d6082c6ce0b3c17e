//! The training aids' state: the guided session's current step, the panel it
//! shows and the record selected in the tree, the trainee's committed prediction (and whether a shared link carries it),
//! the explicit "Reveal", and presenter mode. A link opened with a prediction or
//! the presenter flag starts from them.

use leptos::prelude::*;

use crate::spec::scenario::{Prediction, Scenario};

/// What the guide, the prediction panel and presenter mode hold.
#[derive(Clone, Copy)]
pub struct Training {
    /// The guide step shown (`None` before the first Next).
    pub step: RwSignal<Option<usize>>,
    /// The panel the current step brings into view (empty: none).
    pub focus: RwSignal<String>,
    /// The committed prediction.
    pub prediction: RwSignal<Option<Prediction>>,
    /// Does "Share this moment" put the prediction in the link?
    pub in_link: RwSignal<bool>,
    /// Has the trainee asked to see the answer before the playhead reached it?
    pub revealed: RwSignal<bool>,
    /// Presenter mode: large type, high contrast.
    pub presenter: RwSignal<bool>,
    /// The record selected in the routing tree (its index in the zone), which a
    /// guide step can set and "Record step" keeps.
    pub selected: RwSignal<Option<usize>>,
}

/// The page's training state.
pub fn use_training() -> Training {
    expect_context::<Training>()
}

impl Training {
    /// The state a page opening `first` starts with.
    pub fn new(first: &Scenario) -> Training {
        Training {
            step: RwSignal::new(None),
            focus: RwSignal::new(String::new()),
            prediction: RwSignal::new(first.view.prediction.clone()),
            in_link: RwSignal::new(first.view.prediction.is_some()),
            revealed: RwSignal::new(false),
            presenter: RwSignal::new(first.view.presenter),
            selected: RwSignal::new(None),
        }
    }

    /// Takes over what a link opened in this page carries; the guide starts again.
    pub fn open_link(&self, s: &Scenario) {
        self.step.set(None);
        self.focus.set(String::new());
        self.revealed.set(false);
        self.prediction.set(s.view.prediction.clone());
        self.in_link.set(s.view.prediction.is_some());
        self.presenter.set(s.view.presenter);
        self.selected.set(None);
    }

    /// `s` with the training view a shared link carries: the prediction when the
    /// trainee chose to include it, and presenter mode.
    pub fn for_link(&self, mut s: Scenario) -> Scenario {
        s.view.prediction = if self.in_link.get_untracked() { self.prediction.get_untracked() } else { None };
        s.view.presenter = self.presenter.get_untracked();
        s
    }
}
