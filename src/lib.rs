//! Routewave: a deterministic simulator of Route 53 DNS routing, health checking,
//! resolver caching and deployment waves, with a web playground over it.
//!
//! The crate has two halves (see `ARCHITECTURE.md`):
//! - the **simulation core** — every module except `app` and `cli` — is plain Rust
//!   with no web dependency; it builds and tests natively and runs unchanged in the
//!   browser;
//! - the **front ends**: `app` (Leptos, wasm32 only) and `cli` (native only).
pub mod base;
pub mod charts;
pub mod deploy;
pub mod design;
pub mod failover;
pub mod formats;
pub mod resolvers;
pub mod route53;
pub mod spec;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
