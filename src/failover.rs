//! The failover layer: the timeline simulation of a routing tree under faults —
//! resolvers and their caches, clients with their own caches and connections,
//! probes, the fault script — and its playback (checkpoints, the live view at a
//! playhead, narration, the query tester, A/B comparison).
//!
//! [`sim`] is the entry point (see its module doc for the file of each concern).

mod build;
pub mod client;
mod faults;
mod lookups;
pub mod moment;
pub mod playback;
mod recording;
mod report;
mod requests;
pub mod resolver;
pub mod sim;
pub mod tables;
mod trace;
mod verdicts;
