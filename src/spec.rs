//! The spec layer: the scenario format and every type it owns, as plain serde data —
//! what a scenario file, a share link or the builder holds. Nothing here names an
//! engine: specs are validated once, at the boundary, by the layers above
//! ([`crate::route53::zone::Zone::new`], the failover and deployment builders).

pub mod challenge;
pub mod changes;
pub mod control;
pub mod deploy;
pub mod kinds;
pub mod params;
pub mod problems;
pub mod scenario;
mod tagged;
pub mod training;
pub mod zone;
