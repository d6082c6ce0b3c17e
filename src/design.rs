//! The design layer: editing a design as the page does (the builder) and the
//! built-in scenarios (presets).

pub mod builder;
pub mod presets;
