//! The design layer: editing a design as the page does — the builder, the fault
//! script and outages, undo / redo, comparing like for like, which scenario opens and
//! the saved list — the training aids (guided sessions, a prediction set against the
//! run) and the built-in scenarios (presets).

pub mod builder;
pub mod compare;
pub mod faults;
pub mod guide;
pub mod history;
pub mod opening;
pub mod predict;
pub mod presets;
pub mod saved;
