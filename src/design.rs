//! The design layer: editing a design as the page does — the builder, the fault
//! script and outages, undo / redo, comparing like for like, which scenario opens and
//! the saved list — the training aids (guided sessions, a prediction set against the
//! run), the built-in scenarios (presets), evaluating a scenario's challenge and
//! sweeping a design's parameters.

pub mod assumptions;
pub mod builder;
pub mod challenge;
pub mod compare;
pub mod faults;
pub mod guide;
pub mod history;
pub mod jobs;
pub mod opening;
pub mod predict;
pub mod presets;
pub mod saved;
pub mod sweep;
