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

/// A population or client group says how its clients time their requests: web
/// browsing sessions or a constant rate; a document that gives `requests_per_min`, or
/// nothing (one request a minute), as documents did before `traffic` existed, means
/// the constant rate and keeps loading.
#[test]
fn traffic_models_load_and_older_request_rates_mean_a_constant_rate() {
    use routewave::spec::scenario::TrafficModel;
    let with = |group: &str| {
        let mut v: serde_json::Value = serde_json::from_str(V1).unwrap();
        v["clients"] =
            serde_json::from_str(&format!(r#"[{{"resolver":"r1","count":10,"kind":"browser"{group}}}]"#)).unwrap();
        Scenario::from_json(&v.to_string())
    };
    let model = |group: &str| with(group).unwrap().clients[0].traffic_model();
    assert_eq!(model(r#","requests_per_min":2.5"#), Ok(TrafficModel::Constant { requests_per_min: 2.5 }));
    assert_eq!(model(""), Ok(TrafficModel::Constant { requests_per_min: 1.0 }));
    let browsing = TrafficModel::Sessions { reading_mean_s: 30.0, parsing_mean_s: 0.13 };
    assert_eq!(TrafficModel::browsing(), browsing);
    assert_eq!(model(r#","traffic":{"sessions":{}}"#), Ok(browsing));
    assert_eq!(
        model(r#","traffic":{"sessions":{"reading_mean_s":12,"parsing_mean_s":0}}"#),
        Ok(TrafficModel::Sessions { reading_mean_s: 12.0, parsing_mean_s: 0.0 })
    );
    assert_eq!(
        model(r#","traffic":{"constant":{"requests_per_min":4}}"#),
        Ok(TrafficModel::Constant { requests_per_min: 4.0 })
    );
    assert!(with(r#","traffic":{"poisson":{}}"#).is_err(), "an unknown model is refused");
    // Every model runs; contradictions and impossible numbers are named by path.
    for group in ["", r#","requests_per_min":2"#, r#","traffic":{"sessions":{}}"#] {
        let mut sim = Sim::new(&with(group).unwrap()).expect(group);
        sim.run_until(sim.duration());
    }
    let err = |group: &str| Sim::new(&with(group).unwrap()).expect_err(group).to_string();
    let both = err(r#","requests_per_min":2,"traffic":{"sessions":{}}"#);
    assert!(both.contains("clients[0].requests_per_min: give either traffic or requests_per_min"), "{both}");
    let zero = err(r#","traffic":{"sessions":{"reading_mean_s":0}}"#);
    assert!(zero.contains("clients[0].traffic.sessions.reading_mean_s: 0: must be more than 0 s"), "{zero}");
    // Written back as given.
    let s = with(r#","requests_per_min":2.5"#).unwrap();
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
}

/// A document written before `traffic` existed runs exactly as the same document
/// giving the constant rate explicitly: the same report (every count, series and
/// event, and the trace).
#[test]
fn an_older_request_rate_runs_as_the_explicit_constant_rate() {
    let hash = |group: &str| {
        let mut v: serde_json::Value = serde_json::from_str(V1).unwrap();
        v["clients"] =
            serde_json::from_str(&format!(r#"[{{"resolver":"r1","count":40,"kind":"browser"{group}}}]"#)).unwrap();
        let mut sim = Sim::new(&Scenario::from_json(&v.to_string()).unwrap()).unwrap();
        sim.run_until(sim.duration());
        serde_json::to_string(&sim.report()).unwrap()
    };
    let constant = |r: &str| hash(&format!(r#","traffic":{{"constant":{{"requests_per_min":{r}}}}}"#));
    assert_eq!(hash(r#","requests_per_min":2.5"#), constant("2.5"));
    assert_eq!(hash(""), constant("1"));
    // The runs do depend on the rate and the model, so the equalities above say something.
    assert_ne!(constant("2.5"), constant("1"));
    assert_ne!(hash(r#","traffic":{"sessions":{"reading_mean_s":24}}"#), constant("2.5"));
}
