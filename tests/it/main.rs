//! Native integration tests, one binary: each module is one area.

mod answer_rules; // every routing rule of docs/model.md's "Route 53: answers", table-driven
mod architecture; // the core never names a web crate; every module has a `//!` doc
mod aws_formats; // Route 53 record sets, health checks, change batches, traffic policies: import, export, guarantees
mod challenges; // challenges: shipped designs fail, fixes pass, constraints hold; sweeps
mod cli; // the command-line tool as a process
mod connections; // how long a kept-alive connection lasts, and what ends it
mod deploy; // waves over the anycast data plane and their blast radius
mod fuzz_seeds; // the fuzz targets' checks on their seeds and mutations of them
mod golden; // one preset's trace around its fault, as readable expected text
mod health_timing; // detection and recovery times, the 18 % rule, LB checks
mod links; // share links: round trips and bad links
#[path = "../common/pins.rs"]
mod pins; // values pinned natively and in the browser
mod presets; // the field presets encode the report's setup, design by design
mod properties; // proptest invariants of the answer engine
mod scenario_format; // stored documents keep loading; limits are named
mod sim; // the failover timeline: determinism, cohorts, mechanisms
mod support; // builders shared by the tests
mod terraform; // Terraform modules, states and plans in; designs out as .tf
mod validation; // validation collects every problem, named by path
