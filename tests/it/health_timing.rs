//! Health-checking timing against the detection and recovery times derived in
//! `docs/model.md` ("Route 53: health checks…", detection and recovery times), the
//! 18 % rule under partitions, recovery vs detection, LB target checks, determinism.

use routewave::base::time::{SimDuration, SimTime};
use routewave::route53::answer::HealthView;
use routewave::route53::endpoints::{HostState, World};
use routewave::route53::health::{HealthEvent, HealthEventKind, HealthRunner};
use routewave::route53::zone::Zone;
use routewave::spec::params::HealthParams;
use routewave::spec::zone::*;

use crate::support::*;

const FAULT_AT: SimTime = SimTime(600_000);

fn endpoint_zone(protocol: CheckProtocol, interval_s: u32, threshold: u32) -> Zone {
    let mut spec = zone_spec();
    spec.hosts = vec![HostSpec { id: "web".into(), az: "us-east-1a".into(), ip: Some("192.0.2.10".into()) }];
    spec.health_checks = vec![HealthCheckSpec {
        id: "hc".into(),
        kind: HealthCheckKind::Endpoint {
            target: CheckTarget::Host("web".into()),
            protocol,
            interval_s,
            failure_threshold: threshold,
            regions: all_checker_regions(),
            search_string: None,
        },
        inverted: false,
        disabled: false,
    }];
    Zone::new(&spec).unwrap()
}

/// Runs to `FAULT_AT`, applies `state` to the host, and returns the time from the
/// fault to the aggregate status turning unhealthy, and then from restoring it to
/// healthy again.
fn detect_and_recover(zone: &Zone, state: HostState, seed: u64) -> (f64, f64) {
    let mut world = World::healthy(zone);
    let mut e = HealthRunner::new(zone, &world, HealthParams::default(), seed);
    e.advance_to(FAULT_AT, zone, &world);
    assert!(e.engine.status(0), "healthy before the fault");
    world.hosts[0] = state;
    let detected = change_host_and_wait(&mut e, zone, &mut world, state, FAULT_AT, false);
    // Let the DNS servers catch up, then restore.
    let restore_at = detected + SimDuration::from_secs(120);
    e.advance_to(restore_at, zone, &world);
    let recovered = change_host_and_wait(&mut e, zone, &mut world, HostState::Up, restore_at, true);
    (detected.saturating_since(FAULT_AT).as_secs_f64(), recovered.saturating_since(restore_at).as_secs_f64())
}

/// Sets host 0 to `state` at `at` and steps until the aggregate status becomes
/// `healthy`; returns when.
fn change_host_and_wait(
    e: &mut HealthRunner,
    zone: &Zone,
    world: &mut World,
    state: HostState,
    at: SimTime,
    healthy: bool,
) -> SimTime {
    world.hosts[0] = state;
    e.engine.drain_events();
    let mut t = at;
    loop {
        t += SimDuration(250);
        e.advance_to(t, zone, world);
        let hit = e
            .engine
            .drain_events()
            .into_iter()
            .find(|ev| matches!(ev.kind, HealthEventKind::Status { healthy: h, .. } if h == healthy));
        if let Some(ev) = hit {
            return ev.at;
        }
        assert!(t < at + SimDuration::from_secs(600), "status never became healthy={healthy}");
    }
}

/// (interval, threshold, fault, min s, max s, approximate aggregate s), derived in
/// `docs/model.md` ("Route 53: health checks…", detection and recovery times): a
/// checker flips `threshold` cycles after the fault, less its phase; the verdict
/// turns when the 14th of 16 checkers has flipped (≈ 14/17 of a cycle into the
/// last one).
const DETECTION: &[(u32, u32, HostState, f64, f64, f64)] = &[
    (30, 3, HostState::BlackHole, 72.0, 106.0, 100.0),
    (30, 3, HostState::Stopped, 60.0, 90.0, 85.0),
    (10, 3, HostState::BlackHole, 32.0, 46.0, 43.0),
    (10, 3, HostState::Stopped, 20.0, 30.0, 28.0),
    (10, 1, HostState::BlackHole, 4.0, 18.0, 15.0),
];

#[test]
fn detection_times_fall_in_the_derived_ranges() {
    for &(interval, threshold, state, lo, hi, typical) in DETECTION {
        let zone = endpoint_zone(CheckProtocol::Http, interval, threshold);
        let runs: Vec<(f64, f64)> = (0..40).map(|seed| detect_and_recover(&zone, state, seed)).collect();
        let slack = 1.5; // refused probes take one RTT each, a few hundred ms per cycle
        for (seed, &(d, _)) in runs.iter().enumerate() {
            assert!(
                d >= lo && d <= hi + slack,
                "{interval}s×{threshold} {state:?}: detection {d:.1}s outside [{lo}, {hi}] (seed {seed})"
            );
        }
        let mean = runs.iter().map(|r| r.0).sum::<f64>() / runs.len() as f64;
        assert!(
            (mean - typical).abs() <= 4.0,
            "{interval}s×{threshold} {state:?}: mean {mean:.1}s, derived ≈{typical}s"
        );
        let rec_mean = runs.iter().map(|r| r.1).sum::<f64>() / runs.len() as f64;
        assert!(
            rec_mean < mean,
            "{interval}s×{threshold} {state:?}: recovery {rec_mean:.1}s not faster than {mean:.1}s"
        );
    }
}

#[test]
fn standard_recovery_is_near_the_18_percent_quantile() {
    // Derived (docs/model.md, detection and recovery times): the verdict turns
    // healthy at the 3rd of 16 checkers, 30 s × 3 recovery ≈ 60 + 3/17 × 30 ≈ 65 s.
    let zone = endpoint_zone(CheckProtocol::Http, 30, 3);
    let runs: Vec<f64> = (0..40).map(|seed| detect_and_recover(&zone, HostState::Stopped, seed).1).collect();
    let mean = runs.iter().sum::<f64>() / runs.len() as f64;
    assert!((58.0..72.0).contains(&mean), "recovery mean {mean:.1}s");
}

#[test]
fn tcp_black_hole_waits_the_ten_second_connect_timeout() {
    // TCP: cycle 30 + 10 s; per-checker flip (N−1)·40 + 10 … 3·40 s.
    let zone = endpoint_zone(CheckProtocol::Tcp, 30, 3);
    for seed in 0..10 {
        let d = detect_and_recover(&zone, HostState::BlackHole, seed).0;
        assert!((90.0..=120.0).contains(&d), "TCP black hole detection {d:.1}s");
    }
}

fn status_after(zone: &Zone, partitioned: &[&str], secs: u64) -> (bool, u32) {
    let mut world = World::healthy(zone);
    let mut e = HealthRunner::new(zone, &world, HealthParams::default(), 4);
    e.advance_to(FAULT_AT, zone, &world);
    world.partitioned = partitioned.iter().map(|s| s.to_string()).collect();
    e.advance_to(FAULT_AT + SimDuration::from_secs(secs), zone, &world);
    (e.engine.status(0), e.engine.checker_counts(0).0)
}

#[test]
fn partitioned_checker_regions_do_not_flip_the_status() {
    let zone = endpoint_zone(CheckProtocol::Http, 30, 3);
    assert_eq!(status_after(&zone, &["eu-west-1"], 600), (true, 14));
    // Six regions cut off: 4 of 16 checkers (25 %) still see it healthy, > 18 %.
    let six = ["us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1"];
    assert_eq!(status_after(&zone, &six, 600), (true, 4));
    // Seven: 2 of 16 (12.5 %) ≤ 18 % → unhealthy. The rule, not luck, keeps it up.
    let seven =
        ["us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"];
    assert_eq!(status_after(&zone, &seven, 600), (false, 2));
}

#[test]
fn fewer_checker_regions_do_not_speed_detection() {
    let mut spec = zone_spec();
    spec.hosts = vec![HostSpec { id: "web".into(), az: "us-east-1a".into(), ip: None }];
    let check = |regions: Vec<String>| HealthCheckSpec {
        id: "hc".into(),
        kind: HealthCheckKind::Endpoint {
            target: CheckTarget::Host("web".into()),
            protocol: CheckProtocol::Http,
            interval_s: 30,
            failure_threshold: 3,
            regions,
            search_string: None,
        },
        inverted: false,
        disabled: false,
    };
    spec.health_checks = vec![check(all_checker_regions())];
    let eight = Zone::new(&spec).unwrap();
    spec.health_checks = vec![check(vec!["us-east-1".into(), "us-west-2".into(), "eu-west-1".into()])];
    let three = Zone::new(&spec).unwrap();
    let mean = |z: &Zone| (0..30).map(|s| detect_and_recover(z, HostState::BlackHole, s).0).sum::<f64>() / 30.0;
    let (m8, m3) = (mean(&eight), mean(&three));
    // With 6 checkers the 18 % rule needs 5 of 6 flipped — still a high quantile.
    assert!(m3 > 85.0 && (m8 - m3).abs() < 10.0, "8 regions {m8:.1}s vs 3 regions {m3:.1}s");
}

#[test]
fn dns_servers_see_the_change_after_the_push_delay() {
    let zone = endpoint_zone(CheckProtocol::Http, 10, 3);
    for seed in 0..20 {
        let mut world = World::healthy(&zone);
        let mut e = HealthRunner::new(&zone, &world, HealthParams::default(), seed);
        e.advance_to(FAULT_AT, &zone, &world);
        world.hosts[0] = HostState::Stopped;
        e.advance_to(FAULT_AT + SimDuration::from_secs(120), &zone, &world);
        let evs = e.engine.drain_events();
        let status = evs.iter().find(|e| matches!(e.kind, HealthEventKind::Status { healthy: false, .. })).unwrap().at;
        let dns = evs.iter().find(|e| matches!(e.kind, HealthEventKind::DnsStatus { healthy: false, .. })).unwrap().at;
        let lag = dns.saturating_since(status).as_ms();
        assert!((1_000..=10_000).contains(&lag), "push delay {lag} ms");
        assert!(!e.engine.view(&zone).check_healthy(0));
    }
}

fn lb_zone(kind: LbKind, health: Option<LbHealthSettings>) -> Zone {
    let mut spec = zone_spec();
    spec.load_balancers = vec![lb("lb", kind, "us-east-1", &["a"])];
    spec.load_balancers[0].health = health;
    Zone::new(&spec).unwrap()
}

/// LB target detection: seconds from the fault to the LB's own unhealthy verdict.
fn target_detection(zone: &Zone, state: HostState, seed: u64) -> f64 {
    let mut world = World::healthy(zone);
    let mut e = HealthRunner::new(zone, &world, HealthParams::default(), seed);
    e.advance_to(FAULT_AT, zone, &world);
    e.engine.drain_events();
    world.hosts[0] = state;
    e.advance_to(FAULT_AT + SimDuration::from_secs(300), zone, &world);
    let ev = e
        .engine
        .drain_events()
        .into_iter()
        .find(|ev| matches!(ev.kind, HealthEventKind::TargetHealth { healthy: false, passive: false, .. }))
        .expect("target marked unhealthy");
    ev.at.saturating_since(FAULT_AT).as_secs_f64()
}

/// A load balancer checks each target once per interval whatever the check took
/// (ALB user guide), and calls it unhealthy on the unhealthy-threshold-th
/// consecutive failure: with a refusing target, between (threshold − 1) and
/// threshold intervals after the fault; with a silent one, each result comes a
/// timeout after its check started, and the period stays the interval.
#[test]
fn load_balancer_checks_run_on_a_fixed_schedule() {
    let nlb_2019 = LbHealthSettings { interval_s: 30, timeout_s: 10, healthy_threshold: 3, unhealthy_threshold: 3 };
    let cases = [
        (lb_zone(LbKind::Alb, None), HostState::Stopped, 30.0, 60.0),
        (lb_zone(LbKind::Alb, None), HostState::BlackHole, 35.0, 65.0),
        (lb_zone(LbKind::Nlb, None), HostState::Stopped, 30.0, 60.0),
        (lb_zone(LbKind::Nlb, Some(nlb_2019)), HostState::Stopped, 60.0, 90.0),
        (lb_zone(LbKind::Nlb, Some(nlb_2019)), HostState::BlackHole, 70.0, 100.0),
    ];
    for (zone, state, lo, hi) in cases {
        let ds: Vec<f64> = (0..20).map(|seed| target_detection(&zone, state, seed)).collect();
        for d in &ds {
            assert!(*d > lo && *d <= hi + 0.01, "{state:?}: detection {d:.1}s outside ({lo}, {hi}]");
        }
        let spread = ds.iter().cloned().fold(f64::MIN, f64::max) - ds.iter().cloned().fold(f64::MAX, f64::min);
        assert!(spread > 10.0, "the check's phase spreads detection over the interval: {ds:?}");
    }
}

/// An NLB's passive check acts on its own forwarding only: a failed forwarded
/// connection stops new flows to the target, Route 53 keeps its view, and a
/// successful one (or the active check) restores the target.
#[test]
fn nlb_passive_checks_act_on_forwarding_only() {
    let zone = lb_zone(LbKind::Nlb, None);
    let world = World::healthy(&zone);
    let mut e = HealthRunner::new(&zone, &world, HealthParams::default(), 1);
    e.advance_to(FAULT_AT, &zone, &world);
    e.engine.drain_events();
    e.engine.observe_flow(0, false, FAULT_AT);
    assert!(!e.engine.lb_considers_healthy(0), "no new flows to a target that just failed one");
    assert!(e.engine.dns_target_healthy(0), "Route 53 does not see passive checks");
    let evs = e.engine.drain_events();
    assert!(matches!(
        evs[..],
        [HealthEvent { kind: HealthEventKind::TargetHealth { healthy: false, passive: true, .. }, .. }]
    ));
    e.engine.observe_flow(0, true, FAULT_AT + SimDuration(1_000));
    assert!(e.engine.lb_considers_healthy(0));
}

#[test]
fn inverted_disabled_manual_and_calculated_checks() {
    let mut spec = zone_spec();
    spec.health_checks = vec![
        manual("m1"),
        manual("m2"),
        HealthCheckSpec {
            id: "inv".into(),
            kind: HealthCheckKind::Manual { healthy: true },
            inverted: true,
            disabled: false,
        },
        HealthCheckSpec {
            id: "dis".into(),
            kind: HealthCheckKind::Manual { healthy: false },
            inverted: false,
            disabled: true,
        },
        HealthCheckSpec {
            id: "and".into(),
            kind: HealthCheckKind::Calculated { children: vec!["m1".into(), "m2".into()], rule: CalculatedRule::And },
            inverted: false,
            disabled: false,
        },
        HealthCheckSpec {
            id: "one".into(),
            kind: HealthCheckKind::Calculated {
                children: vec!["m1".into(), "m2".into(), "dis".into()],
                rule: CalculatedRule::AtLeast(2),
            },
            inverted: false,
            disabled: false,
        },
    ];
    let zone = Zone::new(&spec).unwrap();
    let world = World::healthy(&zone);
    let mut e = HealthRunner::new(&zone, &world, HealthParams::default(), 1);
    let st = |e: &HealthRunner| (0..6).map(|c| e.engine.view(&zone).check_healthy(c)).collect::<Vec<_>>();
    assert_eq!(st(&e), [true, true, false, true, true, true]);
    e.set_manual(0, false, SimTime(1_000));
    e.advance_to(SimTime(20_000), &zone, &world);
    // m1 down: AND fails; at-least-2 still has m2 and the disabled child (healthy).
    assert_eq!(st(&e), [false, true, false, true, false, true]);
    e.set_manual(1, false, SimTime(20_000));
    e.advance_to(SimTime(40_000), &zone, &world);
    assert_eq!(st(&e), [false, false, false, true, false, false]);
    e.engine.set_inverted(2, false);
    assert!(e.engine.view(&zone).check_healthy(2));
}

#[test]
fn same_seed_same_events() {
    let zone = endpoint_zone(CheckProtocol::Http, 10, 3);
    let run = |seed| {
        let mut world = World::healthy(&zone);
        let mut e = HealthRunner::new(&zone, &world, HealthParams::default(), seed);
        e.advance_to(FAULT_AT, &zone, &world);
        world.hosts[0] = HostState::BlackHole;
        e.advance_to(FAULT_AT + SimDuration::from_secs(200), &zone, &world);
        format!("{:?}", e.engine.drain_events())
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}
