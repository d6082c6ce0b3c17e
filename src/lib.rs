//! Routewave: a deterministic simulator of Route 53 DNS routing, health checking,
//! resolver caching and deployment waves, with a web playground over it.
//!
//! The crate has two halves (see `ARCHITECTURE.md`):
//! - the **simulation core** — every module except `app` and `cli` — is plain Rust
//!   with no web dependency; it builds and tests natively and runs unchanged in the
//!   browser;
//! - the **front ends**: [`app`] (Leptos, wasm32 only) and [`cli`] (native only).
pub mod answer;
pub mod anycast;
pub mod aws;
pub mod builder;
pub mod charts;
pub mod client;
pub mod control;
pub mod deploy;
pub mod deployplay;
pub mod geo;
pub mod health;
pub mod latency;
pub mod link;
pub mod lint;
pub mod map;
pub mod model;
pub mod playback;
pub mod presets;
pub mod queue;
pub mod resolver;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod time;
pub mod world;
pub mod zone;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
