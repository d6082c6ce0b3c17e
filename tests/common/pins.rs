//! Pinned results shared by the native and the browser tests: the same scenario and
//! seed must give these exact values on every platform.

/// Trace hash of preset `latency-weighted-nlb` at its seed (1).
pub const TRACE_HASH_LATENCY_WEIGHTED_NLB: &str = "c42ed8bb3d998d20";
