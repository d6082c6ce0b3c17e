//! The scenario file format: stored documents of every version keep loading.

use routewave::failover::sim::Sim;
use routewave::spec::scenario::{CURRENT_VERSION, Scenario, ScenarioError};

/// A version-1 document written by hand from the format, kept unchanged forever:
/// when the schema grows, this must still load (through the migration path).
const V1: &str = include_str!("../fixtures/scenario-v1.json");

#[test]
fn a_stored_v1_document_loads_and_runs() {
    let s = Scenario::from_json(V1).expect("v1 loads");
    assert_eq!(s.version, CURRENT_VERSION);
    assert_eq!(s.title, "Two regions behind weighted aliases");
    let mut sim = Sim::new(&s).expect("runs");
    sim.run_until(sim.duration());
    let r = sim.report();
    assert!(r.summary.switch_ms["probe"].is_some());
}

/// A version-1 document that set the parameters version 2 dropped
/// (`params.health.nlb_passive_ms`) loads without them.
#[test]
fn a_v1_document_with_dropped_parameters_migrates() {
    let text = include_str!("../fixtures/scenario-v1-params.json");
    assert!(text.contains("nlb_passive_ms"));
    let s = Scenario::from_json(text).expect("v1 with its parameters loads");
    assert_eq!((s.version, s.params.health.checkers_per_region), (CURRENT_VERSION, 2));
    assert!(!s.to_json().contains("nlb_passive_ms"));
    // As the current version, the dropped field is refused by name.
    let current = text.replace("\"version\": 1", &format!("\"version\": {CURRENT_VERSION}"));
    let err = Scenario::from_json(&current).unwrap_err().to_string();
    assert!(err.contains("unknown field `nlb_passive_ms`"), "{err}");
}

#[test]
fn refusals_name_the_limit() {
    let big = format!("{{\"version\":1,\"title\":\"{}\"}}", "x".repeat(5 * 1024 * 1024));
    assert_eq!(Scenario::from_json(&big), Err(ScenarioError::TooLarge(big.len())));
    let mut s = Scenario::from_json(V1).unwrap();
    s.duration_s = 10_000_000;
    s.title = "t".repeat(5_000);
    let err = Scenario::from_json(&s.to_json()).unwrap_err().to_string();
    assert!(err.contains("duration_s: has 10000000 seconds; the limit is 86400"), "{err}");
    assert!(err.contains("title: has 5000 characters; the limit is 4000"), "{err}");
}
