//! Validation collects every problem and names it by path.

use routewave::route53::zone::Zone;
use routewave::spec::zone::*;

use crate::support::*;

fn problems(spec: &ZoneSpec) -> Vec<String> {
    Zone::new(spec).expect_err("spec should be rejected").0.iter().map(|p| p.to_string()).collect()
}

fn has(problems: &[String], needle: &str) -> bool {
    problems.iter().any(|p| p.contains(needle))
}

#[test]
fn alias_cycle_names_the_records() {
    let mut spec = zone_spec();
    spec.records = vec![
        alias("a.example.com", "1", Routing::Weighted { weight: 1 }, to_record("b.example.com"), true, None),
        alias("b.example.com", "1", Routing::Weighted { weight: 1 }, to_record("c.example.com"), true, None),
        alias("c.example.com", "1", Routing::Weighted { weight: 1 }, to_record("a.example.com"), true, None),
    ];
    let p = problems(&spec);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("alias cycle"), "{p:?}");
    for r in
        ["records[0] (a.example.com A [1])", "records[1] (b.example.com A [1])", "records[2] (c.example.com A [1])"]
    {
        assert!(p[0].contains(r), "{p:?}");
    }
}

#[test]
fn every_problem_is_collected_with_its_path() {
    let mut spec = zone_spec();
    spec.health_checks = vec![HealthCheckSpec {
        id: "hc".into(),
        kind: HealthCheckKind::Endpoint {
            target: CheckTarget::Host("nowhere".into()),
            protocol: CheckProtocol::Http,
            interval_s: 15,
            failure_threshold: 11,
            regions: vec!["us-east-1".into(), "mars-1".into()],
            search_string: None,
        },
        inverted: false,
        disabled: false,
    }];
    spec.records = vec![
        a("w.example.com", Some("x"), Routing::Weighted { weight: 256 }, "192.0.2.1", Some("missing")),
        a("w.example.com", Some("x"), Routing::Weighted { weight: 1 }, "192.0.2.2", None),
        a("w.example.com", Some("y"), Routing::Latency { region: "us-east-1".into() }, "192.0.2.3", None),
        alias("d.example.com", "1", Routing::Weighted { weight: 1 }, to_record("ghost.example.com"), true, None),
        a("g.example.com", Some("d1"), Routing::Geolocation { location: GeoLocationSpec::Default }, "192.0.2.4", None),
        a("g.example.com", Some("d2"), Routing::Geolocation { location: GeoLocationSpec::Default }, "192.0.2.5", None),
        a("out.other.org", None, Routing::Simple, "not-an-ip", None),
        a("n.example.com", None, Routing::Weighted { weight: 1 }, "192.0.2.6", None),
    ];
    let p = problems(&spec);
    let expected = [
        "health_checks[0].kind.target: no host 'nowhere'",
        "health_checks[0].kind.interval_s: 15 s: the interval must be 10 or 30",
        "health_checks[0].kind.failure_threshold: 11: the failure threshold must be 1 to 10",
        "health_checks[0].kind.regions[1]: 'mars-1' is not a health-checker region",
        "health_checks[0].kind.regions: 2 checker regions: Route 53 needs at least 3",
        "records[0].routing.weight: 256: weights are 0 to 255",
        "records[0].health_check: no health check 'missing'",
        "records[1].set_id: set identifier 'x' is used twice",
        "records[2].routing: 'w.example.com A' mixes policies",
        "records[5].routing.location: a geolocation group can have only one default location",
        "records[6].name: 'out.other.org' is not in zone 'example.com'",
        "records[6].value.values[0]: 'not-an-ip' is not an IPv4 address",
        "records[7].set_id: a weighted record needs a set identifier",
    ];
    for e in expected {
        assert!(has(&p, e), "missing problem: {e}\nall: {p:#?}");
    }
    // An alias to a name with no records is not a problem: Route 53 answers it with
    // no address (a tree never built), and the lint warns.
    assert!(!p.iter().any(|p| p.starts_with("records[3]")), "{p:#?}");
}

#[test]
fn an_alias_to_a_name_with_no_records_validates_and_is_flagged() {
    let mut spec = zone_spec();
    spec.records =
        vec![alias("d.example.com", "1", Routing::Weighted { weight: 1 }, to_record("ghost.example.com"), true, None)];
    let zone = Zone::new(&spec).expect("validates");
    let lint = routewave::route53::lint::lint(&zone);
    assert!(lint[0].message.contains("aliases 'ghost.example.com', which has no records"), "{lint:?}");
    assert!(lint[0].message.contains("negative TTL, 900 s"), "{lint:?}");
}

#[test]
fn size_limits_are_refused_by_name() {
    let mut spec = zone_spec();
    spec.records =
        (0..2_001).map(|i| a(&format!("r{i}.example.com"), None, Routing::Simple, "192.0.2.1", None)).collect();
    let p = problems(&spec);
    assert_eq!(p, ["records: has 2001 records; the limit is 2000"]);
}

#[test]
fn alias_nesting_deeper_than_three_levels_is_refused() {
    let mut spec = zone_spec();
    for i in 0..4 {
        spec.records.push(alias(
            &format!("l{i}.example.com"),
            "1",
            Routing::Weighted { weight: 1 },
            to_record(&format!("l{}.example.com", i + 1)),
            false,
            None,
        ));
    }
    spec.records.push(a("l4.example.com", None, Routing::Simple, "192.0.2.1", None));
    assert!(has(&problems(&spec), "nests aliases 4 levels deep"));
    spec.records.remove(0);
    assert!(Zone::new(&spec).is_ok(), "three levels are allowed");
}

/// A load balancer without health settings takes its kind's defaults in the zone's
/// era: ALB 30 s / 5 s / 5 / 2 in both; NLB 30 s / 10 s / 3 / 3 in 2019 (healthy and
/// unhealthy thresholds had to be equal until November 2022) and 30 s / 10 s / 5 / 2
/// now. Given settings are kept whatever the era.
#[test]
fn the_aws_era_selects_the_load_balancers_default_target_checks() {
    let settings = |interval_s, timeout_s, healthy_threshold, unhealthy_threshold| LbHealthSettings {
        interval_s,
        timeout_s,
        healthy_threshold,
        unhealthy_threshold,
    };
    let mut spec = zone_spec();
    let given = settings(10, 10, 3, 3);
    spec.load_balancers = vec![
        lb("alb", LbKind::Alb, "us-east-1", &["a"]),
        lb("nlb", LbKind::Nlb, "eu-west-1", &["a"]),
        LoadBalancerSpec { health: Some(given), ..lb("nlb-given", LbKind::Nlb, "ap-southeast-1", &["a"]) },
    ];
    let healths = |era| {
        let zone = Zone::new(&ZoneSpec { aws_era: era, ..spec.clone() }).unwrap();
        zone.load_balancers.iter().map(|l| l.health).collect::<Vec<_>>()
    };
    assert_eq!(healths(AwsEra::Y2019), [settings(30, 5, 5, 2), settings(30, 10, 3, 3), given]);
    assert_eq!(healths(AwsEra::Current), [settings(30, 5, 5, 2), settings(30, 10, 5, 2), given]);
    // A zone that does not say is in the current era; a file says "2019" or "current".
    assert_eq!(spec.aws_era, AwsEra::Current);
    let json = serde_json::to_value(ZoneSpec { aws_era: AwsEra::Y2019, ..spec.clone() }).unwrap();
    assert_eq!(json["aws_era"], "2019");
    assert!(serde_json::to_value(&spec).unwrap().get("aws_era").is_none(), "the default is not written");
    let back: ZoneSpec = serde_json::from_value(json).unwrap();
    assert_eq!(back.aws_era, AwsEra::Y2019);
}
