//! The page's state as small contexts, each a `Copy` newtype with a `use_…()`
//! accessor, so a component takes only what it needs:
//!
//! - [`Design`] — the working scenario and its history (undo / redo, autosave);
//! - [`Run`] — the failover run: its playback, its [`Clock`] and the one
//!   [`crate::failover::moment::Moment`] per playhead every panel reads;
//! - [`Deployment`] — the deployment player: its clock, playbacks and the picture at
//!   its playhead;
//! - [`Notice`] — the message shown until dismissed;
//! - [`ImportNotes`] — the last import's report and notes, shown beside the tree;
//! - [`PinnedRun`] — run A of a comparison;
//! - [`Query`] — the query tester's question and Route 53's answer at the playhead;
//! - [`Training`] — the guide's step, the trainee's prediction, presenter mode.
//!
//! Values are computed in the core (`crate::failover`, `crate::deploy`,
//! `crate::design`); these types only hold signals and memos over them.

mod clock;
mod deployment;
mod design;
mod imported;
mod notice;
mod pinned;
mod query;
mod run;
mod training;

pub use clock::Clock;
pub use deployment::{Deployment, use_deployment};
pub use design::{Design, use_design};
pub use imported::{ImportNotes, ImportReport, use_import_notes};
pub use notice::{Notice, use_notice};
pub use pinned::{PinnedRun, use_pinned};
pub use query::{Query, use_query};
pub use run::{Run, use_run};
pub use training::{Training, use_training};

use leptos::prelude::*;

use crate::design::opening;
use crate::spec::scenario::Scenario;

/// Creates every context for a page opening `first` (with `notice` shown, if any)
/// and provides them to the components below.
pub fn provide(first: Scenario, notice: Option<String>) {
    let run_clock = Clock::new(first.view.playhead_ms, opening::view_speed(&first).unwrap_or(opening::DEFAULT_SPEED));
    let deploy_clock = Clock::new(first.view.deploy_ms, 100.0);
    provide_context(Training::new(&first));
    let design = Design::new(first);
    let run = Run::new(design, run_clock);
    provide_context(design);
    provide_context(run);
    provide_context(Deployment::new(design, deploy_clock));
    provide_context(Notice::new(notice));
    provide_context(ImportNotes::new());
    provide_context(PinnedRun::new());
    provide_context(Query::new(run));
}
