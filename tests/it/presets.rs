//! The field presets encode the report's setup, design by design: every Route 53
//! check 10 s × 1, TTL 1 s on every record whose TTL can be set, the probe and the
//! faults of the experiment, and health checks and Evaluate Target Health exactly
//! where the report put them (docs/model.md, "Field presets").

use routewave::design::presets;
use routewave::spec::kinds::{ClientKind, ResolverKind};
use routewave::spec::scenario::{FaultAction, Scenario};
use routewave::spec::zone::*;

/// Every regional-failover field preset and its design number.
const FIELD: &[(&str, &str)] = &[
    ("latency-layer-pitfall-alb", "1a"),
    ("latency-layer-pitfall-nlb", "1a"),
    ("latency-failover-alb", "1b"),
    ("latency-failover-nlb", "1b"),
    ("latency-weighted-alb", "2a"),
    ("latency-weighted-nlb", "2a"),
    ("latency-weighted-checks-alb", "2b"),
    ("latency-weighted-checks-nlb", "2b"),
    ("latency-weighted-cname-ttl1-alb", "2c"),
    ("latency-weighted-cname-ttl1-nlb", "2c"),
    ("latency-weighted-cname-ttl1-few-checkers-nlb", "2d"),
    ("geo-checks-only-nlb", "3a"),
    ("geo-failover-alb", "3b"),
    ("geo-failover-nlb", "3b"),
    ("all-defaults-alb", "4"),
    ("all-defaults-nlb", "4"),
];

fn preset(name: &str) -> Scenario {
    presets::preset(name).unwrap_or_else(|| panic!("no preset {name}"))
}

/// The layer a record sits in: the service name's top layer, or the layer below.
#[derive(Debug, PartialEq)]
enum Layer {
    Latency,
    Geolocation,
    Weighted,
    FailoverToLb,
    FailoverToPair,
}

fn layer(r: &RecordSpec) -> Layer {
    match (&r.routing, &r.value) {
        (Routing::Latency { .. }, _) => Layer::Latency,
        (Routing::Geolocation { .. }, _) => Layer::Geolocation,
        (Routing::Weighted { .. }, _) => Layer::Weighted,
        (Routing::Failover { .. }, RecordValue::Alias { target: AliasTarget::LoadBalancer { .. }, .. }) => {
            Layer::FailoverToLb
        }
        (Routing::Failover { .. }, _) => Layer::FailoverToPair,
        (other, _) => panic!("{}: unexpected routing {other:?}", r.name),
    }
}

fn eth(r: &RecordSpec) -> Option<bool> {
    match &r.value {
        RecordValue::Alias { evaluate_target_health, .. } => Some(*evaluate_target_health),
        RecordValue::Values(_) => None,
    }
}

/// (has a Route 53 check, Evaluate Target Health: None for a CNAME) per layer.
fn expected(design: &str, layer: &Layer, r: &RecordSpec) -> (bool, Option<bool>) {
    use Layer::*;
    let primary = matches!(r.routing, Routing::Failover { role: FailoverRole::Primary });
    match (design, layer) {
        ("1a", Latency) => (true, Some(false)),
        ("1a", FailoverToLb) => (primary, Some(false)),
        ("1a", FailoverToPair) => (false, Some(false)),
        ("1b" | "3b", Latency | Geolocation) => (false, Some(false)),
        ("1b" | "3b", FailoverToLb) => (true, Some(true)),
        ("1b" | "3b", FailoverToPair) => (false, Some(false)),
        ("2a", Latency) => (false, Some(true)),
        ("2a", Weighted) => (true, Some(false)),
        ("2b", Latency) => (true, Some(true)),
        ("2b", Weighted) => (true, Some(false)),
        ("2c" | "2d" | "4", Latency | Weighted) => (true, None),
        ("3a", Geolocation) => (true, Some(false)),
        (d, l) => panic!("design {d} has no {l:?} layer"),
    }
}

#[test]
fn every_field_preset_is_listed_here() {
    let listed: Vec<&str> = FIELD.iter().map(|(n, _)| *n).collect();
    for p in presets::PRESETS {
        let s = (p.build)();
        // The near-tie preset shows a mechanism of design 1 with its own setup (below);
        // a challenge changes a field design on purpose.
        let is_field = s.deploy.is_none()
            && s.control_plane.is_none()
            && s.challenge.is_none()
            && p.name != "latency-near-tie-nlb";
        assert_eq!(is_field, listed.contains(&p.name), "{}", p.name);
    }
}

#[test]
fn checks_and_evaluate_target_health_sit_where_the_report_put_them() {
    for (name, design) in FIELD {
        let s = preset(name);
        for r in &s.zone.records {
            let l = layer(r);
            let (check, eth_expected) = expected(design, &l, r);
            assert_eq!(r.health_check.is_some(), check, "{name} ({design}): check on {} ({l:?})", r.name);
            assert_eq!(eth(r), eth_expected, "{name} ({design}): ETH on {} ({l:?})", r.name);
        }
    }
}

/// Design 1a: only the AMERS cascade was built; the EMEA and ASPAC latency records
/// point at names with no records.
#[test]
fn the_pitfall_builds_only_the_amers_tree() {
    let s = preset("latency-layer-pitfall-alb");
    let names = |pred: &dyn Fn(&RecordSpec) -> bool| {
        s.zone.records.iter().filter(|r| pred(r)).map(|r| r.name.as_str()).collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(names(&|r| r.name != s.service), ["amers-2.sso.example.com", "amers.sso.example.com"].into());
    let targets = names(&|_| true);
    for r in s.zone.records.iter().filter(|r| r.name == s.service) {
        let RecordValue::Alias { target: AliasTarget::Record { name }, .. } = &r.value else { panic!() };
        let built = targets.contains(name.as_str());
        assert_eq!(built, name.starts_with("amers."), "{name}");
    }
}

/// The near-tie preset: latency aliases straight to the load balancers with nothing
/// checked, the probe in Dubai, a latency table that is re-measured.
#[test]
fn the_near_tie_has_nothing_checked_and_a_probe_between_two_regions() {
    let s = preset("latency-near-tie-nlb");
    assert!(s.zone.health_checks.is_empty());
    for r in &s.zone.records {
        assert_eq!((layer(r), eth(r), r.health_check.is_some()), (Layer::Latency, Some(false), false), "{}", r.name);
    }
    assert_eq!(s.probes[0].city, "dubai");
    assert!(s.params.latency.remeasure_period_s > 0);
}

#[test]
fn every_check_runs_at_the_reports_fast_settings_and_every_settable_ttl_is_one_second() {
    for (name, design) in FIELD {
        let s = preset(name);
        let ((interval, threshold), ttl) = if *design == "4" { ((30, 3), 300) } else { ((10, 1), 1) };
        assert!(!s.zone.health_checks.is_empty(), "{name}");
        for c in &s.zone.health_checks {
            let HealthCheckKind::Endpoint { interval_s, failure_threshold, regions, .. } = &c.kind else {
                panic!("{name}: {} is not an endpoint check", c.id)
            };
            assert_eq!((*interval_s, *failure_threshold), (interval, threshold), "{name}: {}", c.id);
            let n = if *design == "2d" { 3 } else { CHECKER_REGIONS.len() };
            assert_eq!(regions.len(), n, "{name}: {}", c.id);
        }
        for r in &s.zone.records {
            match r.value {
                RecordValue::Values(_) => assert_eq!(r.ttl_s, Some(ttl), "{name}: {}", r.name),
                RecordValue::Alias { .. } => assert_eq!(r.ttl_s, None, "{name}: an alias carries no TTL"),
            }
        }
    }
}

#[test]
fn the_experiment_around_every_design_is_the_reports() {
    for (name, _) in FIELD {
        let s = preset(name);
        // The probe: curl once a second from Washington, DC, through a TTL-honouring resolver.
        let [probe] = &s.probes[..] else { panic!("{name}: one probe") };
        assert_eq!((probe.kind, probe.city.as_str(), probe.interval_ms), (ClientKind::Curl, "washington-dc", 1_000));
        let resolver = s.resolvers.iter().find(|r| r.id == probe.resolver).unwrap();
        assert_eq!((resolver.kind, resolver.extend_ttl_s), (ResolverKind::Unbound, None), "{name}");
        // The faults: stop us-east-1's web server at 05:00, eu-west-1's at 15:00.
        let faults: Vec<(u64, &FaultAction)> = s.faults.iter().map(|f| (f.at_ms, &f.action)).collect();
        assert_eq!(
            faults,
            [
                (300_000, &FaultAction::StopRegion { region: "us-east-1".into() }),
                (900_000, &FaultAction::StopRegion { region: "eu-west-1".into() }),
            ],
            "{name}"
        );
        // AWS as it was in 2019 where the report is silent.
        assert_eq!(s.zone.aws_era, AwsEra::Y2019, "{name}");
        // One web server behind one load balancer per region, of the preset's kind,
        // with the 2019 defaults of the load balancer's own target checks.
        let kind = if name.ends_with("-alb") { LbKind::Alb } else { LbKind::Nlb };
        assert_eq!(s.zone.load_balancers.len(), 3, "{name}");
        for lb in &s.zone.load_balancers {
            assert_eq!(lb.kind, kind, "{name}");
            assert_eq!(lb.target_groups.iter().map(|t| t.targets.len()).sum::<usize>(), 1, "{name}");
            let (interval, healthy, unhealthy) = match kind {
                LbKind::Alb => (30, 5, 2),
                LbKind::Nlb => (30, 3, 3),
            };
            let h = lb.health.expect("explicit target-check settings");
            assert_eq!((h.interval_s, h.healthy_threshold, h.unhealthy_threshold), (interval, healthy, unhealthy));
        }
    }
}

/// Every field preset ships a guided session of 4–8 steps inside its run, in time
/// order, whose moments are the fault script's: one step at each scripted stop, each
/// naming the region it stops.
#[test]
fn every_field_preset_ships_a_guide_inside_its_run_in_time_order() {
    use routewave::design::guide;
    for (name, _) in FIELD {
        let s = preset(name);
        let n = s.guide.len();
        assert!((4..=8).contains(&n), "{name}: {n} steps");
        assert_eq!(guide::problems(&s), Vec::<String>::new(), "{name}");
        assert!(s.guide.windows(2).all(|w| w[0].at_ms <= w[1].at_ms), "{name}");
        for f in &s.faults {
            assert!(s.guide.iter().any(|g| g.at_ms == f.at_ms), "{name}: no step at the fault at {}", f.at_ms);
        }
        for f in &s.faults {
            let FaultAction::StopRegion { region } = &f.action else { continue };
            let step = s.guide.iter().find(|g| g.at_ms == f.at_ms).unwrap();
            assert!(step.text.starts_with(&format!("{region}'s web server stops")), "{name}: {}", step.text);
        }
        assert!(s.guide.iter().all(|g| !g.panel.is_empty() && g.text.len() < 400), "{name}");
        // The detection step selects, in the tree, a record of the region that stopped.
        let (stop_at, stopped) = s
            .faults
            .iter()
            .find_map(|f| match &f.action {
                FaultAction::StopRegion { region } => Some((f.at_ms, region.clone())),
                _ => None,
            })
            .unwrap();
        let detection = s.guide.iter().find(|g| g.at_ms > stop_at && g.panel == "tree").expect("a tree step");
        let i = guide::find_record(&s, &detection.select).unwrap_or_else(|| panic!("{name}: selects nothing"));
        let r = &s.zone.records[i];
        let in_region = match (&r.routing, &r.value) {
            (Routing::Latency { region }, _) => region == &stopped,
            (_, RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, .. }) => {
                s.zone.load_balancers.iter().any(|l| &l.id == id && l.region == stopped)
            }
            _ => false,
        };
        assert!(in_region, "{name}: selects {} for a stop in {stopped}", detection.select);
    }
    // The deployment presets reuse a field design's zone, not its story.
    for name in ["data-plane-by-stripe", "data-plane-bad-plan", "external-api-by-az", "internal-api-by-fleet"] {
        assert!(preset(name).guide.is_empty(), "{name}");
    }
}

/// The guide's detection step comes from the design's checks: 10 s × 1 in the
/// report's designs, 30 s × 3 at the defaults.
#[test]
fn the_guides_detection_moment_follows_the_checks() {
    let at = |name: &str| preset(name).guide[2].at_ms;
    assert_eq!(at("latency-weighted-alb"), 300_000 + 10_000);
    assert_eq!(at("all-defaults-alb"), 300_000 + 90_000);
}
