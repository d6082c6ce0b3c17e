//! The formats layer: the outside world's documents in and out — Route 53's record
//! sets, health checks, change batches and traffic policies, and share links.

pub mod aws;
pub mod link;
