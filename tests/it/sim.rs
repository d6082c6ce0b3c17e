//! The failover-timeline simulation: determinism, cohorts against per-client runs,
//! and the mechanisms the presets must show.

use routewave::base::time::SimTime;
use routewave::design::presets;
use routewave::failover::playback::CHECKPOINT_S;
use routewave::failover::sim::{Report, RequestResult, Sim, TraceDetail};
use routewave::route53::endpoints::Outcome;
use routewave::spec::kinds::ClientKind;
use routewave::spec::kinds::ResolverKind;
use routewave::spec::scenario::*;
use routewave::spec::zone::RecordValue;

fn run(s: &Scenario) -> Report {
    let mut sim = Sim::new(s).expect("valid scenario");
    sim.run_until(sim.duration());
    sim.report()
}

use crate::pins;

#[test]
fn same_scenario_and_seed_give_the_same_trace() {
    for p in presets::PRESETS {
        let s = (p.build)();
        let (a, b) = (run(&s), run(&s));
        assert_eq!(a.trace_hash, b.trace_hash, "{}", p.name);
        assert_eq!(a.summary, b.summary, "{}", p.name);
    }
    let mut other = presets::preset("latency-weighted-nlb").unwrap();
    other.seed = 2;
    assert_ne!(run(&other).trace_hash, run(&presets::preset("latency-weighted-nlb").unwrap()).trace_hash);
}

#[test]
fn trace_hash_is_pinned() {
    let r = run(&presets::preset("latency-weighted-nlb").unwrap());
    // The browser test (tests/web.rs) asserts the wasm build gives the same hash.
    assert_eq!(
        r.trace_hash,
        pins::TRACE_HASH_LATENCY_WEIGHTED_NLB,
        "the trace changed: if intended, update tests/common/pins.rs"
    );
}

#[test]
fn stepping_in_batches_equals_one_run() {
    let s = presets::preset("latency-failover-alb").unwrap();
    let whole = run(&s);
    let mut sim = Sim::new(&s).unwrap();
    let mut t = 0;
    while t < 1_500_000 {
        t += 7_919;
        while !sim.run_batch(SimTime(t), 50) {}
    }
    assert_eq!(sim.report().trace_hash, whole.trace_hash);
    // A checkpoint (a clone) resumes to the same end.
    let mut a = Sim::new(&s).unwrap();
    a.run_until(SimTime(400_000));
    let mut b = a.clone();
    a.run_until(a.duration());
    b.run_until(b.duration());
    assert_eq!(a.report().trace_hash, b.report().trace_hash);
}

/// The probe sees the field experiment's sequence: us-east-1, then eu-west-1 after
/// us-east-1 stops, then ap-southeast-1 after eu-west-1 stops.
#[test]
fn probe_follows_the_failover_order_in_every_design() {
    // Geolocation with checks alone never leaves us-east-1, and the latency-layer
    // pitfall stops resolving: see the next tests. A challenge starts from a design
    // changed to fail on purpose (tests/it/challenges.rs).
    let elsewhere = |name: &str| {
        ["geo-checks-only-nlb", "latency-near-tie-nlb"].contains(&name)
            || name.starts_with("latency-layer-pitfall")
            || name.starts_with("challenge-")
    };
    for p in presets::PRESETS.iter().filter(|p| !elsewhere(p.name)) {
        let r = run(&(p.build)());
        let obs = &r.probes["curl-dc"];
        let ok_regions: Vec<&str> = {
            let mut v: Vec<&str> =
                obs.iter().filter(|o| o.result == RequestResult::Ok).filter_map(|o| o.region.as_deref()).collect();
            v.dedup();
            v
        };
        assert_eq!(ok_regions, ["us-east-1", "eu-west-1", "ap-southeast-1"], "{}", p.name);
        let switch = r.summary.switch_ms["curl-dc"].expect("switched");
        let detect = r.summary.detection_ms.expect("detected");
        assert!(switch >= detect, "{}: switch {switch} before detection {detect}", p.name);
    }
}

/// Geolocation records guarded by checks alone do not fail over: Washington's record
/// (North America) and the default both point at us-east-1, and with every applicable
/// record unhealthy Route 53 answers with the most specific one.
#[test]
fn geolocation_with_checks_alone_never_leaves_the_region() {
    let r = run(&presets::preset("geo-checks-only-nlb").unwrap());
    let obs = &r.probes["curl-dc"];
    assert!(obs.iter().filter(|o| o.result == RequestResult::Ok).all(|o| o.region.as_deref() == Some("us-east-1")));
    let fault = r.summary.fault_at_ms.unwrap();
    assert!(obs.iter().filter(|o| o.at.as_ms() > fault + 60_000).all(|o| o.result != RequestResult::Ok));
    assert_eq!(r.summary.switch_ms["curl-dc"], None);
}

/// The latency-layer pitfall (design 1a): once us-east-1's check on the latency
/// alias fails, Route 53 skips the AMERS branch and picks the next-best latency
/// region, whose tree was never built — the name stops resolving instead of failing
/// over, and the failover pair under AMERS never acts.
#[test]
fn the_latency_layer_pitfall_stops_resolving() {
    for name in ["latency-layer-pitfall-alb", "latency-layer-pitfall-nlb"] {
        let r = run(&presets::preset(name).unwrap());
        let obs = &r.probes["curl-dc"];
        let fault = r.summary.fault_at_ms.unwrap();
        assert!(obs.iter().filter(|o| o.result == RequestResult::Ok).all(|o| o.region.as_deref() == Some("us-east-1")));
        let after: Vec<_> = obs.iter().filter(|o| o.at.as_ms() > fault + 60_000).collect();
        assert!(!after.is_empty() && after.iter().all(|o| o.result == RequestResult::NoAnswer), "{name}");
        assert_eq!(r.summary.switch_ms["curl-dc"], None, "{name}");
    }
}

/// With nothing checked at the latency layer, only a change of Route 53's latency
/// data moves a client off a dead region: the probe near a tie (Dubai) leaves
/// Singapore within a resolver TTL after a re-measurement, at a different one in
/// each run (or was not there when it stopped).
#[test]
fn a_client_near_a_tie_moves_only_when_the_latency_data_changes() {
    use routewave::route53::latency::LatencyTable;
    let base = presets::preset("latency-near-tie-nlb").unwrap();
    let period_ms = base.params.latency.remeasure_period_s * 1000;
    let mut switches = Vec::new();
    for seed in 1..=12 {
        let mut s = base.clone();
        s.seed = seed;
        s.population = None;
        let r = run(&s);
        let fault = r.summary.fault_at_ms.unwrap();
        let obs = &r.probes["curl-dubai"];
        let at_fault = obs.iter().rev().find(|o| o.at.as_ms() < fault).and_then(|o| o.region.clone());
        if at_fault.as_deref() != Some("ap-southeast-1") {
            continue; // the data sent Dubai to Dublin when Singapore stopped
        }
        let Some(switch) = r.summary.switch_ms["curl-dubai"] else { continue };
        let at = fault + switch;
        // The last re-measurement before the switch is at most a TTL (60 s) and a
        // curl (1 s) before it.
        let table = LatencyTable::new(s.params.latency, s.seed);
        let epoch = table.epoch(SimTime(at));
        let boundary = (0..at).rev().step_by(1000).find(|&t| table.epoch(SimTime(t)) != epoch).unwrap_or(0);
        assert!(at - boundary <= 62_000, "seed {seed}: switched {} s after a re-measurement", (at - boundary) / 1000);
        assert!(at > fault + 1_000);
        let cause = r.summary.phases["curl-dubai"].cause.as_deref();
        assert_eq!(cause, Some("Route 53's latency data re-measured"), "seed {seed}");
        switches.push(switch);
    }
    assert!(switches.len() >= 3, "{switches:?}");
    let spread = switches.iter().max().unwrap() - switches.iter().min().unwrap();
    assert!(spread >= period_ms / 2, "the switch comes at different re-measurements: {switches:?}");
}

/// Each DNS location works out a check's status from the checker opinions that have
/// reached it (each within the delivery delay, 1–10 s by default): the locations
/// flip one after another, the first no sooner than 1 s after the checkers' own
/// verdict and the last within 10 s of it.
#[test]
fn dns_locations_flip_one_after_another_within_the_delivery_delay() {
    use routewave::route53::health::HealthEventKind;
    let mut sim = Sim::new(&presets::preset("latency-weighted-nlb").unwrap()).unwrap();
    sim.run_until(SimTime(600_000));
    let verdict = sim
        .trace()
        .iter()
        .find_map(|e| match e.detail {
            TraceDetail::Health(HealthEventKind::Status { healthy: false, .. }) => Some(e.at.as_ms()),
            _ => None,
        })
        .expect("the check fails");
    let flips: Vec<(u64, u32, u32)> = sim
        .trace()
        .iter()
        .filter_map(|e| match e.detail {
            TraceDetail::Health(HealthEventKind::DnsStatus { healthy: false, seeing, of, .. }) => {
                Some((e.at.as_ms(), seeing, of))
            }
            _ => None,
        })
        .collect();
    let [(first, 1, of), (last, all, of2)] = flips[..] else { panic!("the first and the last location: {flips:?}") };
    assert!(of > 10 && all == of && of2 == of, "{flips:?}");
    assert!(first >= verdict + 1_000 && last <= verdict + 10_000 && first < last, "{verdict}: {flips:?}");
}

/// The phases add up to the switch time.
#[test]
fn phases_add_up_to_the_switch_time() {
    for name in ["latency-weighted-alb", "latency-weighted-nlb", "all-defaults-nlb", "latency-weighted-cname-ttl1-alb"]
    {
        let r = run(&presets::preset(name).unwrap());
        let p = &r.summary.phases["curl-dc"];
        let sum: u64 = [p.detection_ms, p.push_ms, p.resolver_ttl_ms, p.client_cache_ms, p.connection_ms]
            .iter()
            .map(|x| x.unwrap())
            .sum();
        assert_eq!(Some(sum), r.summary.switch_ms["curl-dc"], "{name}: {p:?}");
        // Something checked the stopped region and Route 53 acted on its verdict.
        let cause = p.cause.as_deref().unwrap_or_default();
        assert!(cause.starts_with("health check ") || cause.contains("target check on"), "{name}: {cause}");
    }
}

fn trials(name: &str, n: u64) -> Vec<Report> {
    let base = presets::preset(name).unwrap();
    (0..n)
        .map(|i| {
            let mut s = base.clone();
            s.seed = 100 + i;
            s.population = None; // the probe alone: faster
            run(&s)
        })
        .collect()
}

fn mean_switch_s(rs: &[Report]) -> f64 {
    rs.iter().map(|r| r.summary.switch_ms["curl-dc"].unwrap() as f64 / 1000.0).sum::<f64>() / rs.len() as f64
}

/// What the client sees between the stop and the switch: an ALB accepts the
/// connection and answers HTTP 502 itself; behind an NLB the stopped server refuses.
#[test]
fn between_the_stop_and_the_switch_an_alb_answers_502_and_an_nlb_refuses() {
    let kinds = |name: &str| {
        trials(name, 1)[0].probes["curl-dc"]
            .iter()
            .filter(|o| o.result != RequestResult::Ok)
            .map(|o| o.result)
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(kinds("latency-weighted-alb"), [RequestResult::Failed(Outcome::Http502)].into());
    assert_eq!(kinds("latency-weighted-nlb"), [RequestResult::Failed(Outcome::Refused)].into());
}

/// A check attached to a latency alias acts no sooner than the same check read through
/// Evaluate Target Health (docs/model.md, "What each design shows"): 2a and 2b answer
/// alike, so with the same seed the probe switches at the same moment. Likewise
/// Washington's geolocation record and its latency record lead to the same cascade
/// (1b and 3b).
#[test]
fn the_same_check_read_two_ways_switches_at_the_same_moment() {
    for (a, b) in
        [("latency-weighted-nlb", "latency-weighted-checks-nlb"), ("latency-failover-alb", "geo-failover-alb")]
    {
        let (ra, rb) = (trials(a, 4), trials(b, 4));
        let switches = |rs: &[Report]| rs.iter().map(|r| r.summary.switch_ms["curl-dc"]).collect::<Vec<_>>();
        assert_eq!(switches(&ra), switches(&rb), "{a} vs {b}");
        assert!(switches(&ra).iter().all(Option::is_some), "{a} switches");
    }
}

/// Failover time varies from run to run (checker and resolver-cache phases).
#[test]
fn switch_time_varies_between_runs_within_mechanical_bounds() {
    let rs = trials("latency-weighted-alb", 20);
    let v: Vec<u64> = rs.iter().map(|r| r.summary.switch_ms["curl-dc"].unwrap()).collect();
    let (lo, hi) = (*v.iter().min().unwrap(), *v.iter().max().unwrap());
    assert!(hi - lo > 20_000, "spread {lo}..{hi}");
    // Checks 10 s × 1 on the weighted records: every checker fails at its first check
    // after the stop (within one 10 s interval and a round trip), then the push (at
    // least 1 s, at most 10 s), then the resolver's cached alias answer (60 s TTL) and
    // the next curl (1 s after the last one ended).
    assert!(lo >= 1_000 && hi <= 10_500 + 10_000 + 60_000 + 2_000, "{lo}..{hi}");
}

/// With default checks and a 300 s TTL, the TTL dominates: the switch comes no
/// earlier than the resolver's next fetch after the DNS servers change.
#[test]
fn defaults_are_dominated_by_the_300s_ttl() {
    let rs = trials("all-defaults-nlb", 10);
    for r in &rs {
        let p = &r.summary.phases["curl-dc"];
        let det = p.detection_ms.unwrap();
        assert!((60_000..=92_000).contains(&det), "30 s × 3 against a refusing NLB: {det} ms");
        assert!(r.summary.switch_ms["curl-dc"].unwrap() > 90_000);
    }
    let m = mean_switch_s(&rs);
    assert!(m > 150.0, "mean switch {m:.1}s with a 300 s TTL");
}

fn small_scenario(bins: u32) -> Scenario {
    let mut s = presets::preset("latency-weighted-alb").unwrap();
    s.population = None;
    s.probes.clear();
    s.params.cohort_bins = bins;
    s.clients = vec![
        ClientGroupSpec {
            resolver: "dc-unbound".into(),
            count: 400,
            kind: ClientKind::Browser,
            traffic: Some(TrafficModel::Constant { requests_per_min: 4.0 }),
            requests_per_min: None,
            city: None,
        },
        ClientGroupSpec {
            resolver: "dc-unbound".into(),
            count: 400,
            kind: ClientKind::Curl,
            traffic: Some(TrafficModel::Constant { requests_per_min: 4.0 }),
            requests_per_min: None,
            city: None,
        },
        ClientGroupSpec {
            resolver: "london-bind".into(),
            count: 200,
            kind: ClientKind::Jvm,
            traffic: Some(TrafficModel::Constant { requests_per_min: 4.0 }),
            requests_per_min: None,
            city: None,
        },
    ];
    s.resolvers.push(ResolverSpec {
        id: "x".into(),
        city: "chicago".into(),
        kind: ResolverKind::Powerdns,
        ecs: None,
        extend_ttl_s: None,
        addr: None,
    });
    s
}

/// Cohorts (a few representative clients per group) agree with simulating every
/// client: total requests within 1 %, failed requests within 15 %, and the mean
/// served share per region within 2 percentage points.
#[test]
fn cohort_model_agrees_with_per_client_simulation() {
    let full = run(&small_scenario(10_000)); // one representative per client
    let cohort = run(&small_scenario(8));
    let failed = |r: &Report| r.summary.errors_by_kind.values().sum::<f64>();
    let rel = |a: f64, b: f64| (a - b).abs() / b;
    assert!(
        rel(cohort.summary.requests, full.summary.requests) < 0.01,
        "{} vs {}",
        cohort.summary.requests,
        full.summary.requests
    );
    assert!(rel(failed(&cohort), failed(&full)) < 0.15, "failed {} vs {}", failed(&cohort), failed(&full));
    let share = |r: &Report, region: &str| {
        let total: f64 = r.series.served_by_region.values().flatten().sum();
        r.series.served_by_region.get(region).map_or(0.0, |v| v.iter().sum::<f64>()) / total
    };
    for region in ["us-east-1", "eu-west-1", "ap-southeast-1"] {
        let (c, f) = (share(&cohort, region), share(&full, region));
        assert!((c - f).abs() < 0.02, "{region}: cohort {c:.3} vs per-client {f:.3}");
    }
}

/// Browsing clients (the 3GPP web model: a page, an exponential parsing time of mean
/// 0.13 s, an exponential reading time of mean 30 s) load pages a mean 30.13 s apart,
/// so 400 of them over the run make N·T / 30.13 s requests: within 4 standard
/// deviations of that count, which is close to Poisson for exponential gaps (a
/// request's own few ms are far inside the tolerance).
#[test]
fn browsing_clients_load_pages_at_the_rate_their_think_times_give() {
    let mut s = presets::preset("latency-weighted-alb").unwrap();
    s.population = None;
    s.probes.clear();
    s.faults.clear();
    s.params.cohort_bins = 400; // one representative per client
    s.clients = vec![ClientGroupSpec {
        resolver: "dc-unbound".into(),
        count: 400,
        kind: ClientKind::Browser,
        traffic: Some(TrafficModel::browsing()),
        requests_per_min: None,
        city: None,
    }];
    let r = run(&s);
    let expected = 400.0 * s.duration_s as f64 / 30.13;
    let tolerance = 4.0 * expected.sqrt();
    assert!(
        (r.summary.requests - expected).abs() < tolerance,
        "{} requests, expected {expected:.0}",
        r.summary.requests
    );
    assert_eq!(r.summary.errors_by_kind.values().sum::<f64>(), 0.0);
}

#[test]
fn injected_fault_acts_at_the_current_time() {
    let mut s = presets::preset("latency-weighted-nlb").unwrap();
    s.faults.clear();
    s.population = None;
    let mut sim = Sim::new(&s).unwrap();
    sim.run_until(SimTime(200_000));
    sim.inject(FaultAction::StopRegion { region: "us-east-1".into() }).unwrap();
    assert!(sim.inject(FaultAction::StopRegion { region: "mars-1".into() }).is_err());
    sim.run_until(sim.duration());
    let r = sim.report();
    assert_eq!(r.summary.fault_at_ms, Some(200_000));
    assert!(
        r.probes["curl-dc"]
            .iter()
            .any(|o| o.result == RequestResult::Failed(Outcome::Refused) && o.at >= SimTime(200_000))
    );
}

#[test]
fn weight_change_takes_effect_after_config_propagation() {
    let mut s = presets::preset("latency-weighted-nlb").unwrap();
    s.population = None;
    s.faults = vec![FaultSpec {
        at_ms: 100_000,
        action: FaultAction::SetWeight { name: "use1.sso.example.com".into(), set_id: "use1".into(), weight: 0 },
    }];
    let r = run(&s);
    // A single weight-0 record is still answered (all-zero weights are equally likely).
    assert!(r.probes["curl-dc"].iter().all(|o| o.result == RequestResult::Ok));
    let mut sim = Sim::new(&s).unwrap();
    sim.run_until(sim.duration());
    let config = sim.trace().iter().find(|e| e.kind() == "config").unwrap();
    assert_eq!(config.at, SimTime(130_000));
}

/// A change batch at `at_ms` that points the all-defaults design's us-east-1 record
/// at eu-west-1's name (an operator's record swap).
fn use1_to_euw1(s: &Scenario, at_ms: u64) -> FaultSpec {
    use routewave::spec::changes::{ChangeAction, RecordChange};
    let mut swapped = s
        .zone
        .records
        .iter()
        .find(|r| r.name == s.service && r.set_id.as_deref() == Some("us-east-1"))
        .unwrap()
        .clone();
    swapped.value = RecordValue::Values(vec!["euw1.sso.example.com".into()]);
    FaultSpec {
        at_ms,
        action: FaultAction::ApplyChanges {
            changes: vec![RecordChange { action: ChangeAction::Upsert, record: swapped }],
        },
    }
}

/// A change batch applied at a moment (a record swap: us-east-1's latency CNAME now
/// points at eu-west-1's set) goes live on the DNS servers after the propagation
/// delay; resolvers keep the old answer until their cached copy expires (300 s in
/// the all-defaults design), so traffic drains from us-east-1 over the TTL.
#[test]
fn a_timed_change_batch_goes_live_and_drains_through_the_caches() {
    use routewave::spec::changes::ChangeAction;
    let mut s = presets::preset("all-defaults-nlb").unwrap();
    // Clients that reuse no connection, so every request looks the name up.
    s.population.as_mut().unwrap().client_kinds = vec![(ClientKind::SystemdResolved, 1)];
    s.faults = vec![use1_to_euw1(&s, 300_000)];
    let mut sim = Sim::new(&s).unwrap();
    sim.run_until(sim.duration());
    let live = sim.trace().iter().find(|e| e.kind() == "config").expect("the batch goes live").at.as_ms();
    assert_eq!(live, 300_000 + s.params.config_delay_ms);
    let r = sim.report();
    let probe = &r.probes["curl-dc"];
    let first_eu =
        probe.iter().find(|o| o.region.as_deref() == Some("eu-west-1")).expect("moves to eu-west-1").at.as_ms();
    assert!(first_eu >= live && first_eu <= live + 300_000 + 2_000, "{first_eu} vs live {live}");
    assert!(probe.iter().all(|o| o.result == RequestResult::Ok), "a drain drops nothing");
    // Not a fault: no failover phases start.
    assert_eq!(r.summary.phases["curl-dc"].cause, None);
    // Resolvers holding the old CNAME keep sending clients to us-east-1 after the
    // batch is live, and stop once their copies have expired (extenders excepted).
    let use1 = &r.series.served_by_region["us-east-1"];
    let sec = |ms: u64| (ms / 1000) as usize;
    assert!(use1[sec(live) + 5] > 0.0, "old answers still cached just after the change");
    let later: f64 = use1[sec(live) + 320..sec(live) + 400].iter().sum();
    let before: f64 = use1[sec(live) - 80..sec(live)].iter().sum();
    assert!(later < before * 0.2, "drained over the TTL: {later} vs {before}");
    // A batch Route 53 would refuse is refused by path before the run.
    let mut bad = s.clone();
    let FaultAction::ApplyChanges { changes } = &mut bad.faults[0].action else { unreachable!() };
    changes[0].action = ChangeAction::Create;
    let err = Sim::new(&bad).err().unwrap().to_string();
    assert!(err.contains("faults[0].action"), "{err}");
}

/// When an operator's change moves the answer before any check has a verdict, the
/// phases name the change as the cause; without it, the check's verdict.
#[test]
fn the_phases_name_what_moved_the_answer() {
    let mut s = presets::preset("all-defaults-nlb").unwrap();
    s.population = None;
    let stop = s.faults[0].at_ms;
    let cause = |s: &Scenario| run(s).summary.phases["curl-dc"].cause.clone().unwrap_or_default();
    assert!(cause(&s).starts_with("health check "), "{}", cause(&s));
    s.faults.insert(1, use1_to_euw1(&s, stop + 1_000));
    // Live well before three failed 30 s checks could have a verdict.
    assert!(s.params.config_delay_ms + 1_000 < 60_000);
    assert!(cause(&s).starts_with("configuration change: UPSERT sso.example.com"), "{}", cause(&s));
}

#[test]
fn bad_references_are_reported_by_path() {
    let mut s = presets::preset("latency-weighted-nlb").unwrap();
    s.probes[0].resolver = "nope".into();
    s.faults.push(FaultSpec { at_ms: 1, action: FaultAction::StopHost { host: "ghost".into() } });
    s.service = "missing.example.com".into();
    let err = Sim::new(&s).err().unwrap().to_string();
    for needle in [
        "service: no A or CNAME record named 'missing.example.com'",
        "probes[0].resolver: no resolver 'nope'",
        "faults[2].action: no host 'ghost'",
    ] {
        assert!(err.contains(needle), "{needle}\n{err}");
    }
}

/// A trial keeps no trace and no probe observations, and nothing else changes: the
/// same summary, phases and causes as the traced run.
#[test]
fn a_run_without_a_trace_counts_the_same() {
    for name in ["latency-weighted-cname-ttl1-nlb", "geo-failover-alb"] {
        let s = presets::preset(name).unwrap();
        let mut traced = Sim::new(&s).unwrap();
        traced.run_until(traced.duration());
        let mut bare = Sim::new(&s).unwrap().without_trace();
        bare.run_until(bare.duration());
        assert!(!traced.trace().is_empty());
        assert!(bare.trace().is_empty());
        assert!(traced.report().probes.values().all(|obs| !obs.is_empty()));
        assert!(!bare.report().probes.is_empty() && bare.report().probes.values().all(Vec::is_empty));
        assert_eq!(bare.summary(), traced.summary(), "{name}");
        assert_eq!(bare.events(), traced.events(), "{name}");
    }
}

/// A fault added before one the scenario scripts later (or at the same moment, after
/// it in the script) forks the run too: the run's later faults keep their order and
/// take their places in the new script, and the run is exactly a fresh build's — also
/// when the forked run is forked again, before its own added fault.
#[test]
fn a_fault_added_before_a_later_scripted_one_forks_the_run_and_matches_a_fresh_build() {
    use routewave::design::faults::add_fault;
    use routewave::failover::playback::Playback;
    let base = presets::preset("latency-weighted-nlb").unwrap();
    let last = base.faults.iter().map(|f| f.at_ms).max().unwrap();
    let first = base.faults.iter().map(|f| f.at_ms).min().unwrap();
    assert!(last > first + 300_000, "the preset scripts a fault late in the run: {:?}", base.faults);
    let prev = Playback::build(&base).unwrap();
    let lb = base.zone.load_balancers[2].id.clone();
    let stop = |region: &str| FaultAction::StopRegion { region: region.into() };
    let cases: Vec<Vec<(u64, FaultAction)>> = vec![
        vec![(last - 300_000, stop("ap-southeast-1"))],
        vec![(last, FaultAction::LbDown { lb: lb.clone() })],
        vec![(last - 299_500, FaultAction::RestoreAll), (last + 60_000, FaultAction::LbDown { lb: lb.clone() })],
    ];
    let same_run = |a: &Playback, b: &Playback, what: &str| {
        assert_eq!(a.report().trace_hash, b.report().trace_hash, "{what}");
        assert_eq!(a.report().summary, b.report().summary, "{what}");
        for t in [0, first, last - 1, last, last + 61_000] {
            assert_eq!(a.state_at(SimTime(t)).trace().len(), b.state_at(SimTime(t)).trace().len(), "{what} at {t}");
        }
    };
    for added in cases {
        let mut s = base.clone();
        for (at, action) in &added {
            add_fault(&mut s, *at, action.clone());
        }
        let forked = Playback::rebuild(Some(&prev), &s).unwrap();
        let restart = forked.restarted_at().as_ms();
        let earliest = added.iter().map(|a| a.0).min().unwrap();
        assert!(restart > 0 && restart < earliest && earliest - restart <= CHECKPOINT_S * 1000, "{added:?}: {restart}");
        let fresh = Playback::build(&s).unwrap();
        same_run(&forked, &fresh, &format!("{added:?}"));
        assert_ne!(forked.report().trace_hash, prev.report().trace_hash, "the added faults act");
        // Forked again, before the fault the first fork added (its checkpoint there
        // still has that fault to add).
        let mut again = s.clone();
        add_fault(&mut again, earliest - 120_000, stop("eu-west-1"));
        let twice = Playback::rebuild(Some(&forked), &again).unwrap();
        assert!(twice.restarted_at() > SimTime::ZERO && twice.restarted_at().as_ms() < earliest - 120_000);
        same_run(&twice, &Playback::build(&again).unwrap(), &format!("{added:?}, then one before"));
    }
}

/// A fault added at the playhead re-runs only from the last checkpoint before it,
/// and gives exactly the run a fresh build of the new scenario gives: the same
/// trace, report and state at every moment — whether the fault lands on a
/// checkpoint, between two, at the same moment as a scripted one, or several at once.
#[test]
fn a_fault_added_later_forks_the_run_and_matches_a_fresh_build() {
    use routewave::design::faults::add_fault;
    use routewave::failover::playback::Playback;
    let base = presets::preset("latency-weighted-cname-ttl1-alb").unwrap();
    let prev = Playback::build(&base).unwrap();
    let last_scripted = base.faults.last().unwrap().at_ms;
    let lb = base.zone.load_balancers[0].id.clone();
    let cases: Vec<Vec<(u64, FaultAction)>> = vec![
        vec![(last_scripted + 60_000, FaultAction::RestoreAll)],
        vec![(last_scripted + 61_234, FaultAction::LbDown { lb: lb.clone() })],
        vec![(last_scripted, FaultAction::RestoreAll)],
        vec![
            (last_scripted + 30_000, FaultAction::LbDown { lb: lb.clone() }),
            (last_scripted + 90_500, FaultAction::RestoreAll),
        ],
    ];
    for added in cases {
        let mut s = base.clone();
        for (at, action) in &added {
            add_fault(&mut s, *at, action.clone());
        }
        let forked = Playback::rebuild(Some(&prev), &s).unwrap();
        let fresh = Playback::build(&s).unwrap();
        let restart = forked.restarted_at().as_ms();
        assert!(
            restart > 0 && restart < added[0].0 && added[0].0 - restart <= CHECKPOINT_S * 1000,
            "{added:?}: {restart}"
        );
        assert_eq!(fresh.restarted_at(), SimTime::ZERO);
        assert_eq!(forked.report().trace_hash, fresh.report().trace_hash, "{added:?}");
        assert_eq!(forked.report().summary, fresh.report().summary, "{added:?}");
        assert_ne!(forked.report().trace_hash, prev.report().trace_hash, "the added faults act");
        for t in [0, 45_000, added[0].0 - 1, added[0].0, added[0].0 + 17_000] {
            let (a, b) = (forked.state_at(SimTime(t)), fresh.state_at(SimTime(t)));
            assert_eq!(a.trace().len(), b.trace().len(), "{added:?} at {t}");
        }
    }
    // A fault in the first minute, even at time 0, runs from the start (the
    // checkpoint at time 0, where nothing has run yet), and so does any other edit,
    // or a fault removed; each still gives the fresh build's run.
    let mut earlier = base.clone();
    add_fault(&mut earlier, 1_000, FaultAction::RestoreAll);
    let from_start = Playback::rebuild(Some(&prev), &earlier).unwrap();
    assert_eq!(from_start.restarted_at(), SimTime::ZERO);
    assert_eq!(from_start.report().trace_hash, Playback::build(&earlier).unwrap().report().trace_hash);
    let mut at_zero = base.clone();
    add_fault(&mut at_zero, 0, FaultAction::RestoreAll);
    let from_zero = Playback::rebuild(Some(&prev), &at_zero).unwrap();
    assert_eq!(from_zero.restarted_at(), SimTime::ZERO);
    assert_eq!(from_zero.report().trace_hash, Playback::build(&at_zero).unwrap().report().trace_hash);
    let mut fewer = base.clone();
    fewer.faults.pop();
    let removed = Playback::rebuild(Some(&prev), &fewer).unwrap();
    assert_eq!(removed.restarted_at(), SimTime::ZERO);
    assert_eq!(removed.report().trace_hash, Playback::build(&fewer).unwrap().report().trace_hash);
    let mut other = base.clone();
    other.zone.records[0].ttl_s = other.zone.records[0].ttl_s.map(|t| t + 1);
    add_fault(&mut other, last_scripted + 60_000, FaultAction::RestoreAll);
    assert_eq!(Playback::rebuild(Some(&prev), &other).unwrap().restarted_at(), SimTime::ZERO);
    // An added fault that names nothing is refused by path, as in a fresh build.
    let mut bad = base.clone();
    add_fault(&mut bad, last_scripted + 1_000, FaultAction::StopHost { host: "ghost".into() });
    let err = Playback::rebuild(Some(&prev), &bad).err().unwrap().to_string();
    assert!(err.contains(&format!("faults[{}].action", bad.faults.len() - 1)), "{err}");
}
