//! The failover layer: the timeline simulation of a routing tree under faults —
//! resolvers and their caches, clients with their own caches and connections,
//! probes, the fault script — and its playback (checkpoints, the live view at a
//! playhead, narration, the query tester, A/B comparison).

pub mod client;
pub mod moment;
pub mod playback;
pub mod resolver;
pub mod sim;
