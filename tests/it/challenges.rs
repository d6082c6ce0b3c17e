//! Challenges: every built-in fails as shipped, a known fix passes, constraints are
//! enforced with a message, and the verdicts come from the simulations' metrics.
//! Sweeps: the same inputs give the same table, and the TTL knob moves the switch
//! time the way the resolver's cache guarantees.

use routewave::design::challenge::{CheckKind, Evaluation, evaluate};
use routewave::design::presets::{self, PRESETS};
use routewave::design::sweep::{Axis, Knob, Metric, sweep};
use routewave::spec::challenge::{ChallengeSpec, Goal};
use routewave::spec::scenario::Scenario;
use routewave::spec::zone::*;

fn preset(name: &str) -> Scenario {
    presets::preset(name).unwrap_or_else(|| panic!("no preset {name}"))
}

fn eval(s: &Scenario) -> Evaluation {
    evaluate(s).unwrap_or_else(|e| panic!("{e}"))
}

/// The evaluation as lines, for failure messages.
fn lines(e: &Evaluation) -> String {
    e.checks
        .iter()
        .map(|c| format!("{} {}: {:?} — {}\n", if c.pass { "PASS" } else { "FAIL" }, c.what, c.measured, c.explanation))
        .collect()
}

fn assert_passes(s: &Scenario) -> Evaluation {
    let e = eval(s);
    assert!(e.passed(), "{}:\n{}", s.title, lines(&e));
    e
}

/// The one failing check of `e`, which must be a constraint.
fn failing_constraint(e: &Evaluation) -> &routewave::design::challenge::Check {
    let failing: Vec<_> = e.checks.iter().filter(|c| !c.pass).collect();
    assert_eq!(failing.len(), 1, "{}", lines(e));
    assert_eq!(failing[0].kind, CheckKind::Constraint, "{}", lines(e));
    failing[0]
}

fn endpoint_checks(s: &mut Scenario, interval: u32, threshold: u32) {
    for c in &mut s.zone.health_checks {
        if let HealthCheckKind::Endpoint { interval_s, failure_threshold, .. } = &mut c.kind {
            *interval_s = interval;
            *failure_threshold = threshold;
        }
    }
}

fn set_ttls(s: &mut Scenario, ttl: u32) {
    for r in s.zone.records.iter_mut().filter(|r| r.ttl_s.is_some()) {
        r.ttl_s = Some(ttl);
    }
}

#[test]
fn every_built_in_challenge_fails_as_shipped_on_a_goal() {
    let names: Vec<&str> = PRESETS.iter().map(|p| p.name).filter(|n| n.starts_with("challenge-")).collect();
    assert!(names.len() >= 8, "{names:?}");
    let mut kinds = std::collections::BTreeSet::new();
    for name in names {
        let s = preset(name);
        let ch = s.challenge.as_ref().unwrap_or_else(|| panic!("{name} has no challenge"));
        for g in &ch.goals {
            kinds.insert(serde_json::to_value(g).unwrap()["goal"].as_str().unwrap().to_string());
        }
        let e = eval(&s);
        assert!(
            e.checks.iter().any(|c| c.kind == CheckKind::Goal && !c.pass),
            "{name} passes a goal it should fail:\n{}",
            lines(&e)
        );
        assert!(e.checks.iter().all(|c| !c.explanation.is_empty()), "{name}");
    }
    // Failover trees, wave plans and the control plane are all covered.
    assert!(kinds.len() >= 5, "{kinds:?}");
}

#[test]
fn fast_switch_passes_with_faster_checks_and_a_lower_ttl() {
    let mut s = preset("challenge-fast-switch");
    let shipped = eval(&s);
    let before = shipped.checks[0].measured.expect("switched");
    endpoint_checks(&mut s, 10, 1);
    set_ttls(&mut s, 10);
    let e = assert_passes(&s);
    let after = e.checks[0].measured.expect("switched");
    assert!(after < 60.0 && before > after, "{before} → {after}");
}

#[test]
fn fast_switch_enforces_its_ttl_bounds_and_check_budget() {
    let mut s = preset("challenge-fast-switch");
    endpoint_checks(&mut s, 10, 1);
    // TTL 1 s switches fast, but breaks the TTL floor.
    set_ttls(&mut s, 1);
    let e = eval(&s);
    assert!(e.checks[0].pass, "{}", lines(&e));
    let c = failing_constraint(&e);
    assert!(c.what.contains("TTLs between 10 and 300 s") && c.explanation.contains("TTL 1 s"), "{}", lines(&e));
    // A fourth health check breaks the budget of three.
    set_ttls(&mut s, 10);
    let mut extra = s.zone.health_checks[0].clone();
    extra.id = "hc-extra".into();
    s.zone.health_checks.push(extra);
    let e = eval(&s);
    let c = failing_constraint(&e);
    assert_eq!(c.measured, Some(4.0));
    assert!(c.explanation.contains("4 health checks (budget 3)"), "{}", lines(&e));
}

#[test]
fn keepalive_trap_passes_behind_network_load_balancers() {
    let mut s = preset("challenge-keepalive-trap");
    Knob::Lb.apply(&mut s, "nlb").unwrap();
    let e = assert_passes(&s);
    assert!(e.checks[0].measured.unwrap() < 300.0);
}

#[test]
fn no_checks_passes_with_evaluate_target_health_and_not_with_bought_checks() {
    let mut s = preset("challenge-no-checks");
    for r in &mut s.zone.records {
        if let RecordValue::Alias { evaluate_target_health, .. } = &mut r.value {
            *evaluate_target_health = true;
        }
    }
    assert_passes(&s);
    // Route 53 checks on the records make it fail over too, but break the budget.
    let mut bought = preset("challenge-no-checks");
    for r in &mut bought.zone.records {
        let Routing::Latency { region } = &r.routing else { continue };
        let lb = bought.zone.load_balancers.iter().find(|l| &l.region == region).unwrap().id.clone();
        let id = format!("hc-{lb}");
        bought.zone.health_checks.push(HealthCheckSpec {
            id: id.clone(),
            kind: HealthCheckKind::Endpoint {
                target: CheckTarget::LoadBalancer(lb),
                protocol: CheckProtocol::Http,
                interval_s: 10,
                failure_threshold: 1,
                regions: all_checker_regions(),
                search_string: None,
            },
            inverted: false,
            disabled: false,
        });
        r.health_check = Some(id);
    }
    let e = eval(&bought);
    let c = failing_constraint(&e);
    assert!(c.explanation.contains("3 health checks (budget 0)"), "{}", lines(&e));
}

#[test]
fn eu_stays_in_eu_passes_when_the_cascade_falls_back_to_frankfurt() {
    let mut s = preset("challenge-eu-stays-in-eu");
    let shipped = eval(&s);
    assert!(shipped.checks[0].explanation.contains("ap-southeast-1"), "{}", lines(&shipped));
    let mut hc = s.zone.health_checks.iter().find(|c| c.id == "hc-euw1").unwrap().clone();
    hc.id = "hc-euc1".into();
    if let HealthCheckKind::Endpoint { target, .. } = &mut hc.kind {
        *target = CheckTarget::LoadBalancer("nlb-euc1".into());
    }
    s.zone.health_checks.push(hc);
    let second = s
        .zone
        .records
        .iter_mut()
        .find(|r| r.name == "euw1-2.sso.example.com" && r.set_id.as_deref() == Some("primary"))
        .unwrap();
    second.value = RecordValue::Alias {
        target: AliasTarget::LoadBalancer { id: "nlb-euc1".into() },
        evaluate_target_health: true,
    };
    second.health_check = Some("hc-euc1".into());
    assert_passes(&s);
    // Removing the EU geolocation record breaks a constraint.
    s.zone.records.retain(|r| !(r.name == "sso.example.com" && r.set_id.as_deref() == Some("eu")));
    let e = eval(&s);
    assert!(e.checks.iter().any(|c| !c.pass && c.explanation.contains("missing: sso.example.com/eu")), "{}", lines(&e));
}

#[test]
fn one_stripe_per_wave_passes_when_arranged_by_stripe_and_must_deploy_everyone() {
    let mut s = preset("challenge-one-stripe-per-wave");
    let d = s.deploy.as_mut().unwrap();
    d.plan.waves = routewave::deploy::arrange_by_stripe(&d.fleet, 5);
    assert_passes(&s);
    // Dropping every wave but the first single-stripe one meets the goal but leaves
    // locations undeployed.
    let mut lazy = s.clone();
    lazy.deploy.as_mut().unwrap().plan.waves.truncate(1);
    let e = eval(&lazy);
    let c = failing_constraint(&e);
    assert!(c.what == "every location deployed" && c.explanation.contains("in no wave"), "{}", lines(&e));
}

#[test]
fn small_first_wave_passes_with_a_single_location_first() {
    let mut s = preset("challenge-small-first-wave");
    let plan = &mut s.deploy.as_mut().unwrap().plan;
    let first = plan.waves[0].locations.remove(0);
    plan.waves.insert(0, routewave::spec::deploy::Wave { locations: vec![first], bake_s: 86_400 });
    let e = assert_passes(&s);
    assert!(e.checks[0].measured.unwrap() > 0.0, "the worst build still costs something: {}", lines(&e));
    // Shorter bakes break the bake rule.
    for w in &mut s.deploy.as_mut().unwrap().plan.waves {
        w.bake_s = 600;
    }
    let e = eval(&s);
    assert!(e.checks.iter().any(|c| !c.pass && c.explanation.contains("shortest bake 600 s")), "{}", lines(&e));
}

#[test]
fn control_plane_challenges_pass_with_their_fixes() {
    let mut s = preset("challenge-split-world");
    s.control_plane.as_mut().unwrap().split_world_staging = true;
    let e = assert_passes(&s);
    assert!(e.checks[0].explanation.contains("caught in staging"), "{}", lines(&e));

    let mut s = preset("challenge-one-az-per-wave");
    let cp = s.control_plane.as_mut().unwrap();
    cp.waves = cp
        .fleets
        .iter()
        .map(|f| routewave::spec::control::CpWave { fleets: vec![f.name.clone()], bake_s: 86_400 })
        .collect();
    assert_passes(&s);
    // Leaving two AZs out meets the goal but breaks the rule.
    s.control_plane.as_mut().unwrap().waves.truncate(1);
    let e = eval(&s);
    assert!(failing_constraint(&e).explanation.contains("2 fleet(s) in no wave"), "{}", lines(&e));

    let mut s = preset("challenge-least-critical-first");
    s.control_plane.as_mut().unwrap().waves.reverse();
    assert_passes(&s);
}

#[test]
fn the_players_run_gives_the_same_verdicts_as_a_fresh_one() {
    // The page evaluates with the report its player already holds, also after a fault
    // was added at the end of the script and the run forked from a checkpoint.
    use routewave::design::challenge::evaluate_with;
    use routewave::failover::playback::Playback;
    for name in PRESETS.iter().map(|p| p.name).filter(|n| n.starts_with("challenge-")) {
        let s = preset(name);
        let Ok(p) = Playback::build(&s) else { continue };
        assert_eq!(evaluate_with(&s, Some(p.report())).unwrap(), eval(&s), "{name}");
    }
    let mut s = preset("challenge-fast-switch");
    let p = Playback::build(&s).unwrap();
    let mut extra = s.faults.last().expect("a fault").clone();
    extra.at_ms = (extra.at_ms + 60_000).min(s.duration_s * 1_000 - 1_000);
    s.faults.push(extra);
    let forked = Playback::rebuild(Some(&p), &s).unwrap();
    assert_eq!(evaluate_with(&s, Some(forked.report())).unwrap(), eval(&s));
}

#[test]
fn a_scenario_without_a_challenge_or_with_an_unknown_probe_is_a_named_problem() {
    let s = preset("latency-weighted-nlb");
    let e = evaluate(&s).unwrap_err();
    assert_eq!(e.0[0].path, "challenge");
    let mut s = preset("challenge-fast-switch");
    s.challenge = Some(ChallengeSpec {
        title: "t".into(),
        brief: String::new(),
        goals: vec![Goal::Switch { probe: "nobody".into(), max_s: 1.0 }],
        constraints: vec![],
    });
    let e = evaluate(&s).unwrap_err();
    assert_eq!(e.0[0].path, "challenge.goals[0]");
    assert!(e.0[0].message.contains("no probe 'nobody'"), "{e}");
}

#[test]
fn a_challenge_round_trips_and_older_files_read_without_one() {
    let s = preset("challenge-eu-stays-in-eu");
    let json = s.to_json();
    assert!(json.contains("\"stays_in\"") && json.contains("\"max_health_checks\""), "{json}");
    assert_eq!(Scenario::from_json(&json).unwrap(), s);
    let plain = preset("geo-failover-nlb").to_json();
    assert!(!plain.contains("challenge"));
    assert_eq!(Scenario::from_json(&plain).unwrap().challenge, None);
}

/// The CNAME tree at TTL 300 s, with fast checks and no population: the resolver's
/// TTL is the longest phase of the switch.
fn ttl_dominated() -> Scenario {
    let mut s = preset("all-defaults-nlb");
    s.population = None;
    endpoint_checks(&mut s, 10, 1);
    s
}

#[test]
fn a_sweep_is_deterministic() {
    let s = ttl_dominated();
    let axes = [
        Axis { knob: Knob::Ttl, values: vec!["1".into(), "60".into()] },
        Axis { knob: Knob::CheckInterval, values: vec!["10".into(), "30".into()] },
    ];
    let a = sweep(&s, &axes, &Metric::Switch(None), 2).unwrap();
    let b = sweep(&s, &axes, &Metric::Switch(None), 2).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.cells.len(), 4);
    assert_eq!(a.cells[1].values, vec!["1".to_string(), "30".to_string()]);
    assert!(a.cells.iter().all(|c| c.samples_s.len() == 2 && c.p50_s.is_some()));
}

#[test]
fn a_longer_ttl_never_lowers_the_median_switch_when_the_resolver_ttl_dominates() {
    let s = ttl_dominated();
    let axes = [Axis { knob: Knob::Ttl, values: vec!["1".into(), "60".into(), "300".into()] }];
    let r = sweep(&s, &axes, &Metric::Switch(None), 3).unwrap();
    let p50: Vec<f64> = r.cells.iter().map(|c| c.p50_s.expect("switched")).collect();
    assert!(p50.windows(2).all(|w| w[0] <= w[1]), "{p50:?}");
    // With TTL 1 s the switch is detection and push; at 300 s the cached answer adds
    // most of a TTL on top.
    assert!(p50[2] > p50[0] + 60.0, "{p50:?}");
}

#[test]
fn a_knob_the_design_lacks_is_a_named_problem() {
    let s = preset("latency-weighted-nlb"); // aliases only: no record carries a TTL
    let axes = [Axis { knob: Knob::Ttl, values: vec!["1".into()] }];
    let e = sweep(&s, &axes, &Metric::Switch(None), 1).unwrap_err();
    assert!(e.0[0].path == "--knob" && e.0[0].message.contains("ttl: no record carries a TTL"), "{e}");
}
