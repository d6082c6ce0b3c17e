//! The Route 53 layer: a zone validated into its internal form (records with a typed
//! routing [`zone::Policy`]; validation one section per file under `zone/`), the
//! answer engine and its explanation (`answer/`), the latency table, health checking
//! (Route 53's checkers and each load balancer's own), the endpoints behind the
//! names, and pitfall warnings.

pub mod answer;
pub mod endpoints;
pub mod health;
pub mod latency;
pub mod lint;
pub mod locations;
pub mod script;
pub mod zone;
