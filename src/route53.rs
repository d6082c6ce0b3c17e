//! The Route 53 layer: a zone validated into its internal form, the answer engine
//! and its explanation, the latency table, health checking (Route 53's checkers and
//! each load balancer's own), the endpoints behind the names, and pitfall warnings.

pub mod answer;
pub mod endpoints;
pub mod health;
pub mod latency;
pub mod lint;
pub mod zone;
