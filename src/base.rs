//! The base layer: what every other layer builds on and nothing here depends on
//! anything above it — integer simulated time, the seeded portable RNG, the event
//! queue, places on Earth, the fingerprints that pin runs, shared sorts, and the
//! append-only log that checkpoints share.

pub mod fingerprint;
pub mod geo;
pub mod log;
pub mod playhead;
pub mod queue;
pub mod rng;
pub mod sort;
pub mod time;
