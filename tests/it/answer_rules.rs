//! Every answer rule of `docs/model.md` ("Route 53: answers", and a load balancer's
//! own DNS answer under "Load balancers"; all documented), data-driven: each table
//! row is a case that fails if its rule is broken.

use std::collections::BTreeSet;

use routewave::base::rng::SimRng;
use routewave::base::time::SimTime;
use routewave::route53::answer::{self, Answer, NoDataReason, Query, Verdict};
use routewave::route53::zone::Zone;
use routewave::spec::zone::*;

use crate::support::*;

fn set(items: &[&[&str]]) -> BTreeSet<Vec<String>> {
    items.iter().map(|v| v.iter().map(|s| s.to_string()).collect()).collect()
}

/// The weighted truth table (`docs/model.md`, "Route 53: answers", weighted), row by
/// row: R1 (weight 1), R2 (weight 1), R3 (weight 0).
#[test]
fn weighted_zero_weight_truth_table() {
    // (R3 has a check?, R1 healthy, R2 healthy, R3 healthy, answers that may appear)
    type Row = (bool, bool, bool, bool, &'static [&'static [&'static str]]);
    let rows: &[Row] = &[
        (true, false, false, true, &[&["192.0.2.3"]]),
        (true, false, false, false, &[&["192.0.2.1"], &["192.0.2.2"]]),
        (true, false, true, false, &[&["192.0.2.2"]]),
        (true, true, true, false, &[&["192.0.2.1"], &["192.0.2.2"]]),
        (true, true, true, true, &[&["192.0.2.1"], &["192.0.2.2"]]),
        (false, true, true, true, &[&["192.0.2.1"], &["192.0.2.2"]]),
        (false, false, false, true, &[&["192.0.2.3"]]),
        (false, false, true, true, &[&["192.0.2.2"]]),
    ];
    for (i, &(r3_checked, h1, h2, h3, expected)) in rows.iter().enumerate() {
        let mut spec = zone_spec();
        spec.health_checks = vec![manual("hc1"), manual("hc2"), manual("hc3")];
        spec.records = vec![
            a("www.example.com", Some("r1"), Routing::Weighted { weight: 1 }, "192.0.2.1", Some("hc1")),
            a("www.example.com", Some("r2"), Routing::Weighted { weight: 1 }, "192.0.2.2", Some("hc2")),
            a("www.example.com", Some("r3"), Routing::Weighted { weight: 0 }, "192.0.2.3", r3_checked.then_some("hc3")),
        ];
        let zone = Zone::new(&spec).unwrap();
        let mut down = vec![];
        for (id, healthy) in [("hc1", h1), ("hc2", h2), ("hc3", h3)] {
            if !healthy {
                down.push(id);
            }
        }
        let got = answers_over(
            &zone,
            "www.example.com",
            &client_at("new-york", [198, 51, 100, 1], 32),
            &Down::checks(&zone, &down),
            400,
        );
        assert_eq!(got, set(expected), "row {} of the weighted table", i + 1);
    }
}

#[test]
fn weighted_draw_follows_weights_and_all_zero_is_equal() {
    let mut spec = zone_spec();
    spec.records = vec![
        a("w.example.com", Some("a"), Routing::Weighted { weight: 1 }, "192.0.2.1", None),
        a("w.example.com", Some("b"), Routing::Weighted { weight: 3 }, "192.0.2.2", None),
        a("z.example.com", Some("a"), Routing::Weighted { weight: 0 }, "192.0.2.1", None),
        a("z.example.com", Some("b"), Routing::Weighted { weight: 0 }, "192.0.2.2", None),
    ];
    let zone = Zone::new(&spec).unwrap();
    let from = client_at("london", [198, 51, 100, 1], 32);
    let mut rng = SimRng::new(5);
    let n = 8_000;
    let b = (0..n)
        .filter(|_| addrs(&ask(&zone, "w.example.com", &from, &Down::default(), &mut rng)) == ["192.0.2.2"])
        .count();
    let share = b as f64 / n as f64;
    assert!((share - 0.75).abs() < 0.02, "weight 3 of 4 → {share}");
    let b = (0..n)
        .filter(|_| addrs(&ask(&zone, "z.example.com", &from, &Down::default(), &mut rng)) == ["192.0.2.2"])
        .count();
    let share = b as f64 / n as f64;
    assert!((share - 0.5).abs() < 0.02, "all-zero weights are equally likely → {share}");
}

/// Failover rules (`docs/model.md`, "Route 53: answers", failover): (primary healthy,
/// secondary checked, secondary healthy) → answer.
#[test]
fn failover_rules() {
    let rows: &[(bool, bool, bool, &str)] = &[
        (true, true, true, "192.0.2.1"),
        (false, true, true, "192.0.2.2"),
        (false, true, false, "192.0.2.1"), // both unhealthy → primary
        (false, false, true, "192.0.2.2"), // secondary without a check is always used
        (true, true, false, "192.0.2.1"),
    ];
    for (i, &(p_ok, s_checked, s_ok, expected)) in rows.iter().enumerate() {
        let mut spec = zone_spec();
        spec.health_checks = vec![manual("p"), manual("s")];
        spec.records = vec![
            a("f.example.com", Some("p"), Routing::Failover { role: FailoverRole::Primary }, "192.0.2.1", Some("p")),
            a(
                "f.example.com",
                Some("s"),
                Routing::Failover { role: FailoverRole::Secondary },
                "192.0.2.2",
                s_checked.then_some("s"),
            ),
        ];
        let zone = Zone::new(&spec).unwrap();
        let mut down = vec![];
        if !p_ok {
            down.push("p");
        }
        if !s_ok {
            down.push("s");
        }
        let got = answers_over(
            &zone,
            "f.example.com",
            &client_at("paris", [198, 51, 100, 9], 32),
            &Down::checks(&zone, &down),
            20,
        );
        assert_eq!(got, set(&[&[expected]]), "failover row {}", i + 1);
    }
}

fn geo_zone(with_default: bool) -> Zone {
    let mut spec = zone_spec();
    spec.health_checks = vec![manual("va"), manual("us"), manual("na"), manual("def")];
    spec.records = vec![
        a(
            "g.example.com",
            Some("va"),
            Routing::Geolocation { location: GeoLocationSpec::Subdivision { country: "US".into(), code: "VA".into() } },
            "192.0.2.1",
            Some("va"),
        ),
        a(
            "g.example.com",
            Some("us"),
            Routing::Geolocation { location: GeoLocationSpec::Country("US".into()) },
            "192.0.2.2",
            Some("us"),
        ),
        a(
            "g.example.com",
            Some("na"),
            Routing::Geolocation { location: GeoLocationSpec::Continent("NA".into()) },
            "192.0.2.3",
            Some("na"),
        ),
    ];
    if with_default {
        spec.records.push(a(
            "g.example.com",
            Some("def"),
            Routing::Geolocation { location: GeoLocationSpec::Default },
            "192.0.2.4",
            Some("def"),
        ));
    }
    Zone::new(&spec).unwrap()
}

/// Geolocation: most specific match, climb-up on unhealthy, fail-open to the
/// smallest region, "no answer" without a match and a default (`docs/model.md`,
/// "Route 53: answers", geolocation).
#[test]
fn geolocation_most_specific_and_climb_up() {
    let zone = geo_zone(true);
    let va = client_at("ashburn", [198, 51, 100, 1], 32);
    let tx = client_at("dallas", [198, 51, 100, 2], 32);
    let mx = client_at("mexico-city", [198, 51, 100, 3], 32);
    let uk = client_at("london", [198, 51, 100, 4], 32);
    let cases: &[(&routewave::route53::answer::ClientAddr, &[&str], &str)] = &[
        (&va, &[], "192.0.2.1"),
        (&va, &["va"], "192.0.2.2"),
        (&va, &["va", "us"], "192.0.2.3"),
        (&va, &["va", "us", "na"], "192.0.2.4"),
        (&va, &["va", "us", "na", "def"], "192.0.2.1"), // all unhealthy → smallest region
        (&tx, &[], "192.0.2.2"),
        (&mx, &[], "192.0.2.3"),
        (&uk, &[], "192.0.2.4"),
        (&uk, &["def"], "192.0.2.4"), // the only candidate fails open
    ];
    for (i, (from, down, expected)) in cases.iter().enumerate() {
        let got = answers_over(&zone, "g.example.com", from, &Down::checks(&zone, down), 5);
        assert_eq!(got, set(&[&[expected]]), "geolocation case {}", i + 1);
    }
}

#[test]
fn geolocation_without_default_gives_no_answer() {
    let zone = geo_zone(false);
    let uk = client_at("london", [198, 51, 100, 4], 32);
    let a = ask(&zone, "g.example.com", &uk, &Down::default(), &mut SimRng::new(1));
    assert_eq!(a, Answer::NoData { ttl_s: 900, reason: NoDataReason::NoMatch });
    // Unhealthy records never make an empty answer: a US client still gets one.
    let va = client_at("ashburn", [198, 51, 100, 1], 32);
    let all = Down::checks(&zone, &["va", "us", "na"]);
    assert_eq!(addrs(&ask(&zone, "g.example.com", &va, &all, &mut SimRng::new(1))), ["192.0.2.1"]);
}

#[test]
fn multivalue_up_to_eight_healthy_or_eight_unhealthy() {
    let mut spec = zone_spec();
    for i in 0..10 {
        spec.health_checks.push(manual(&format!("h{i}")));
        spec.records.push(a(
            "m.example.com",
            Some(&format!("m{i}")),
            Routing::Multivalue,
            &format!("192.0.2.{}", 10 + i),
            Some(&format!("h{i}")),
        ));
    }
    let zone = Zone::new(&spec).unwrap();
    let from = client_at("tokyo", [198, 51, 100, 1], 32);
    let mut rng = SimRng::new(3);
    let mut seen = BTreeSet::new();
    for _ in 0..50 {
        let got = addrs(&ask(&zone, "m.example.com", &from, &Down::default(), &mut rng));
        assert_eq!(got.len(), 8, "at most 8 of 10 healthy");
        assert_eq!(got.iter().collect::<BTreeSet<_>>().len(), 8, "no duplicates");
        seen.insert(got);
    }
    assert!(seen.len() > 1, "different sets to different queries");
    let down = Down::checks(&zone, &["h0", "h1", "h2"]);
    for _ in 0..20 {
        let got = addrs(&ask(&zone, "m.example.com", &from, &down, &mut rng));
        assert_eq!(got.len(), 7);
        assert!(!got.iter().any(|g| ["192.0.2.10", "192.0.2.11", "192.0.2.12"].contains(&g.as_str())));
    }
    let ids: Vec<String> = (0..10).map(|i| format!("h{i}")).collect();
    let all = Down::checks(&zone, &ids.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(addrs(&ask(&zone, "m.example.com", &from, &all, &mut rng)).len(), 8, "fail open: up to 8 unhealthy");
}

/// Design 1 of the field designs: latency → nested failover → load balancers, with
/// Evaluate Target Health all the way down.
fn latency_failover_zone(latency_layer_check: bool) -> Zone {
    let mut spec = zone_spec();
    spec.load_balancers = vec![
        lb("use1", LbKind::Alb, "us-east-1", &["a", "b"]),
        lb("euw1", LbKind::Alb, "eu-west-1", &["a", "b"]),
        lb("apse1", LbKind::Alb, "ap-southeast-1", &["a", "b"]),
    ];
    spec.health_checks = vec![manual("lat-use1")];
    let fo = |name: &str, p: &str, s: AliasTarget| {
        vec![
            alias(name, "primary", Routing::Failover { role: FailoverRole::Primary }, to_lb(p), true, None),
            alias(name, "secondary", Routing::Failover { role: FailoverRole::Secondary }, s, true, None),
        ]
    };
    // us-east-1 tree: use1 → (euw1 → apse1)
    spec.records.extend(fo("use1.sso.example.com", "use1", to_record("use1-2.sso.example.com")));
    spec.records.extend(fo("use1-2.sso.example.com", "euw1", to_lb("apse1")));
    spec.records.extend(fo("euw1.sso.example.com", "euw1", to_record("euw1-2.sso.example.com")));
    spec.records.extend(fo("euw1-2.sso.example.com", "use1", to_lb("apse1")));
    spec.records.extend(fo("apse1.sso.example.com", "apse1", to_record("apse1-2.sso.example.com")));
    spec.records.extend(fo("apse1-2.sso.example.com", "use1", to_lb("euw1")));
    for (region, target) in [("us-east-1", "use1"), ("eu-west-1", "euw1"), ("ap-southeast-1", "apse1")] {
        let hc = (latency_layer_check && target == "use1").then_some("lat-use1");
        spec.records.push(alias(
            "sso.example.com",
            region,
            Routing::Latency { region: region.into() },
            to_record(&format!("{target}.sso.example.com")),
            true,
            hc,
        ));
    }
    Zone::new(&spec).unwrap()
}

fn hosts_of(zone: &Zone, lb: &str) -> Vec<usize> {
    let l = zone.lb_by_id(lb).unwrap();
    zone.load_balancers[l].target_groups.iter().flatten().copied().collect()
}

#[test]
fn eth_through_nested_latency_failover_tree() {
    let zone = latency_failover_zone(false);
    let dc = client_at("washington-dc", [198, 51, 100, 1], 32);
    let use1 = ["use1@us-east-1a", "use1@us-east-1b"];
    assert_eq!(answers_over(&zone, "sso.example.com", &dc, &Down::default(), 5), set(&[&use1]));

    // us-east-1's targets fail: the failover pair below the us-east-1 latency record
    // moves to its secondary (eu-west-1), without leaving the us-east-1 branch.
    let mut down = Down::default();
    down.hosts.extend(hosts_of(&zone, "use1"));
    let euw1 = ["euw1@eu-west-1a", "euw1@eu-west-1b"];
    assert_eq!(answers_over(&zone, "sso.example.com", &dc, &down, 5), set(&[&euw1]));

    // Only one AZ's target fails: the LB stays healthy, and an ALB keeps both zones'
    // nodes in its DNS answer (cross-zone load balancing is always on).
    let mut one = Down::default();
    one.hosts.insert(hosts_of(&zone, "use1")[0]);
    assert_eq!(answers_over(&zone, "sso.example.com", &dc, &one, 5), set(&[&use1]));

    // Everything down: every group fails open, down the policy path → us-east-1 LB,
    // which itself answers every node (fail open).
    let mut all = Down::default();
    for l in ["use1", "euw1", "apse1"] {
        all.hosts.extend(hosts_of(&zone, l));
    }
    let a = ask(&zone, "sso.example.com", &dc, &all, &mut SimRng::new(1));
    assert_eq!(addrs(&a), use1);
    assert_eq!(a.ttl_s(), 60, "alias to an LB answers with the LB's 60 s TTL");
}

/// An NLB removes a zone's node from its DNS answer while the zone has no healthy
/// target, and answers with every zone when none has; an ALB keeps every zone.
#[test]
fn an_nlb_drops_a_zone_without_healthy_targets_and_an_alb_keeps_it() {
    let mut spec = zone_spec();
    spec.load_balancers =
        vec![lb("n", LbKind::Nlb, "us-east-1", &["a", "b"]), lb("a", LbKind::Alb, "us-east-1", &["a", "b"])];
    spec.records = vec![
        alias("n.example.com", "n", Routing::Simple, to_lb("n"), false, None),
        alias("a.example.com", "a", Routing::Simple, to_lb("a"), false, None),
    ];
    for r in &mut spec.records {
        r.set_id = None;
    }
    let zone = Zone::new(&spec).unwrap();
    let dc = client_at("washington-dc", [198, 51, 100, 1], 32);
    let mut one = Down::default();
    one.hosts.insert(hosts_of(&zone, "n")[0]);
    one.hosts.insert(hosts_of(&zone, "a")[0]);
    assert_eq!(answers_over(&zone, "n.example.com", &dc, &one, 5), set(&[&["n@us-east-1b"]]));
    assert_eq!(answers_over(&zone, "a.example.com", &dc, &one, 5), set(&[&["a@us-east-1a", "a@us-east-1b"]]));
    let mut both = one.clone();
    both.hosts.extend(hosts_of(&zone, "n"));
    assert_eq!(answers_over(&zone, "n.example.com", &dc, &both, 5), set(&[&["n@us-east-1a", "n@us-east-1b"]]));
}

/// Evaluate Target Health on an alias to a load balancer: a target group with no
/// registered targets counts as unhealthy, so the alias is skipped.
#[test]
fn an_empty_target_group_makes_the_load_balancer_unhealthy() {
    let mut spec = zone_spec();
    let mut empty = lb("e", LbKind::Alb, "us-east-1", &["a"]);
    empty.target_groups.push(TargetGroupSpec { id: "spare".into(), targets: vec![] });
    spec.load_balancers = vec![empty, lb("w", LbKind::Alb, "eu-west-1", &["a"])];
    spec.records = vec![
        alias("f.example.com", "primary", Routing::Failover { role: FailoverRole::Primary }, to_lb("e"), true, None),
        alias(
            "f.example.com",
            "secondary",
            Routing::Failover { role: FailoverRole::Secondary },
            to_lb("w"),
            true,
            None,
        ),
    ];
    let zone = Zone::new(&spec).unwrap();
    let dc = client_at("washington-dc", [198, 51, 100, 1], 32);
    assert_eq!(answers_over(&zone, "f.example.com", &dc, &Down::default(), 5), set(&[&["w@eu-west-1a"]]));
}

/// An alias to a name with no records (a tree never built) answers with no address;
/// with Evaluate Target Health it is unhealthy, so a policy skips it; a health check
/// on it decides alone when it has none (the field report's design 1a).
#[test]
fn an_alias_to_a_tree_never_built_answers_nothing() {
    let mut spec = zone_spec();
    spec.health_checks = vec![manual("east"), manual("west")];
    spec.records = vec![
        a("built.example.com", None, Routing::Simple, "192.0.2.1", None),
        alias(
            "s.example.com",
            "east",
            Routing::Latency { region: "us-east-1".into() },
            to_record("built.example.com"),
            false,
            Some("east"),
        ),
        alias(
            "s.example.com",
            "west",
            Routing::Latency { region: "eu-west-1".into() },
            to_record("never.example.com"),
            false,
            Some("west"),
        ),
        alias(
            "e.example.com",
            "p",
            Routing::Failover { role: FailoverRole::Primary },
            to_record("never.example.com"),
            true,
            None,
        ),
        a("e.example.com", Some("s"), Routing::Failover { role: FailoverRole::Secondary }, "192.0.2.9", None),
    ];
    let zone = Zone::new(&spec).unwrap();
    let dc = client_at("washington-dc", [198, 51, 100, 1], 32);
    let mut rng = SimRng::new(1);
    assert_eq!(addrs(&ask(&zone, "s.example.com", &dc, &Down::default(), &mut rng)), ["192.0.2.1"]);
    // The nearest region's check fails: Route 53 takes the next-best region, whose
    // tree was never built.
    let a = ask(&zone, "s.example.com", &dc, &Down::checks(&zone, &["east"]), &mut rng);
    assert_eq!(a, Answer::NoData { ttl_s: 900, reason: NoDataReason::AliasTargetMissing });
    // With Evaluate Target Health the missing tree counts as unhealthy: skipped.
    assert_eq!(addrs(&ask(&zone, "e.example.com", &dc, &Down::default(), &mut rng)), ["192.0.2.9"]);
}

/// The latency-layer pitfall (field design A.1): a check on the latency alias that
/// fails skips the whole branch, so the nested failover below it never acts and the
/// next-best latency region answers.
#[test]
fn health_check_on_latency_alias_skips_the_branch() {
    let zone = latency_failover_zone(true);
    let dc = client_at("washington-dc", [198, 51, 100, 1], 32);
    let down = Down::checks(&zone, &["lat-use1"]);
    let (a, explain) = answer::answer_explained(
        &zone,
        &Query { name: "sso.example.com", rtype: RecordType::A, resolver: &dc, ecs: None, now: SimTime::ZERO },
        &down,
        &latency(),
        &mut SimRng::new(1),
    );
    assert_eq!(addrs(&a), ["euw1@eu-west-1a", "euw1@eu-west-1b"]);
    let text = explain.to_text();
    assert!(text.contains("health check 'lat-use1' is unhealthy"), "{text}");
    assert!(explain.steps.iter().any(|s| s.verdict == Verdict::Skipped), "{text}");
}

#[test]
fn eth_off_stays_in_the_branch() {
    let mut spec = zone_spec();
    spec.health_checks = vec![manual("x1"), manual("x2")];
    spec.records = vec![
        alias(
            "l.example.com",
            "us-east-1",
            Routing::Latency { region: "us-east-1".into() },
            to_record("x.example.com"),
            false,
            None,
        ),
        alias(
            "l.example.com",
            "eu-west-1",
            Routing::Latency { region: "eu-west-1".into() },
            to_record("y.example.com"),
            false,
            None,
        ),
        a("x.example.com", Some("x1"), Routing::Weighted { weight: 1 }, "192.0.2.1", Some("x1")),
        a("x.example.com", Some("x2"), Routing::Weighted { weight: 1 }, "192.0.2.2", Some("x2")),
        a("y.example.com", None, Routing::Simple, "192.0.2.9", None),
    ];
    let zone = Zone::new(&spec).unwrap();
    let dc = client_at("washington-dc", [198, 51, 100, 1], 32);
    let down = Down::checks(&zone, &["x1", "x2"]);
    let got = answers_over(&zone, "l.example.com", &dc, &down, 100);
    assert_eq!(got, set(&[&["192.0.2.1"], &["192.0.2.2"]]), "ETH off: no backing out; the weighted group fails open");

    // With ETH on, Route 53 backs out to the next-best latency region.
    spec.records[0].value = RecordValue::Alias { target: to_record("x.example.com"), evaluate_target_health: true };
    let zone = Zone::new(&spec).unwrap();
    assert_eq!(answers_over(&zone, "l.example.com", &dc, &down, 20), set(&[&["192.0.2.9"]]));
}

#[test]
fn alias_takes_target_ttl_and_cname_answers_every_type() {
    let mut spec = zone_spec();
    let mut target = a("t.example.com", None, Routing::Simple, "192.0.2.7", None);
    target.ttl_s = Some(17);
    spec.records = vec![
        target,
        alias("al.example.com", "x", Routing::Weighted { weight: 1 }, to_record("t.example.com"), false, None),
        RecordSpec {
            name: "c.example.com".into(),
            rtype: RecordType::CNAME,
            set_id: None,
            routing: Routing::Simple,
            ttl_s: Some(1),
            value: RecordValue::Values(vec!["t.example.com".into()]),
            health_check: None,
        },
    ];
    let zone = Zone::new(&spec).unwrap();
    let from = client_at("sydney", [198, 51, 100, 1], 32);
    assert_eq!(ask(&zone, "al.example.com", &from, &Down::default(), &mut SimRng::new(1)).ttl_s(), 17);
    for rtype in [RecordType::A, RecordType::AAAA] {
        let q = Query { name: "c.example.com", rtype, resolver: &from, ecs: None, now: SimTime::ZERO };
        let a = answer::answer(&zone, &q, &Down::default(), &latency(), &mut SimRng::new(1));
        assert_eq!(addrs(&a), ["CNAME t.example.com"], "{rtype:?}");
        assert_eq!(a.ttl_s(), 1);
    }
}

#[test]
fn nxdomain_versus_nodata() {
    let mut spec = zone_spec();
    spec.negative_ttl_s = 900;
    spec.records = vec![a("deep.sub.example.com", None, Routing::Simple, "192.0.2.1", None)];
    let zone = Zone::new(&spec).unwrap();
    let from = client_at("sydney", [198, 51, 100, 1], 32);
    let q = |name: &'static str, rtype| Query { name, rtype, resolver: &from, ecs: None, now: SimTime::ZERO };
    let run = |q: Query<'_>| answer::answer(&zone, &q, &Down::default(), &latency(), &mut SimRng::new(1));
    assert_eq!(run(q("nope.example.com", RecordType::A)), Answer::NxDomain { ttl_s: 900 });
    assert_eq!(
        run(q("deep.sub.example.com", RecordType::AAAA)),
        Answer::NoData { ttl_s: 900, reason: NoDataReason::TypeAbsent }
    );
    // A name with records only below it exists (an empty non-terminal): NODATA.
    assert_eq!(
        run(q("sub.example.com", RecordType::A)),
        Answer::NoData { ttl_s: 900, reason: NoDataReason::TypeAbsent }
    );
}

#[test]
fn latency_picks_the_closest_region_and_ecs_overrides_the_resolver() {
    let mut spec = zone_spec();
    for (r, ip) in [("us-east-1", "192.0.2.1"), ("eu-west-1", "192.0.2.2"), ("ap-southeast-1", "192.0.2.3")] {
        spec.records.push(a("lat.example.com", Some(r), Routing::Latency { region: r.into() }, ip, None));
    }
    let zone = Zone::new(&spec).unwrap();
    let cases = [("washington-dc", "192.0.2.1"), ("paris", "192.0.2.2"), ("jakarta", "192.0.2.3")];
    for (city, ip) in cases {
        let got = answers_over(&zone, "lat.example.com", &client_at(city, [198, 51, 100, 1], 32), &Down::default(), 3);
        assert_eq!(got, set(&[&[ip]]), "{city}");
    }
    // A public resolver in Washington forwarding a Singapore client's subnet.
    let resolver = client_at("washington-dc", [8, 8, 8, 8], 32);
    let ecs = client_at("singapore", [203, 0, 113, 0], 24);
    let q = Query {
        name: "lat.example.com",
        rtype: RecordType::A,
        resolver: &resolver,
        ecs: Some(&ecs),
        now: SimTime::ZERO,
    };
    let a = answer::answer(&zone, &q, &Down::default(), &latency(), &mut SimRng::new(1));
    assert_eq!(addrs(&a), ["192.0.2.3"]);
}

#[test]
fn ip_based_longest_match_and_shorter_prefix_falls_to_default() {
    let mut spec = zone_spec();
    spec.cidr_collections = vec![CidrCollectionSpec {
        id: "corp".into(),
        locations: vec![
            CidrLocationSpec { name: "wide".into(), cidrs: vec!["10.0.0.0/8".into()] },
            CidrLocationSpec { name: "narrow".into(), cidrs: vec!["10.1.2.0/24".into()] },
        ],
    }];
    spec.health_checks = vec![manual("narrow")];
    let ip = |loc: &str| Routing::IpBased { collection: "corp".into(), location: loc.into() };
    spec.records = vec![
        a("ip.example.com", Some("w"), ip("wide"), "192.0.2.1", None),
        a("ip.example.com", Some("n"), ip("narrow"), "192.0.2.2", Some("narrow")),
        a("ip.example.com", Some("d"), ip("*"), "192.0.2.3", None),
    ];
    let zone = Zone::new(&spec).unwrap();
    let cases: &[([u8; 4], u8, &[&str], &str)] = &[
        ([10, 1, 2, 3], 32, &[], "192.0.2.2"),
        ([10, 1, 2, 3], 32, &["narrow"], "192.0.2.1"), // climb to the enclosing block
        ([10, 9, 9, 9], 32, &[], "192.0.2.1"),
        ([10, 1, 0, 0], 16, &[], "192.0.2.1"), // a /16 prefix is not inside the /24
        ([10, 0, 0, 0], 7, &[], "192.0.2.3"),  // shorter than every block → default
        ([192, 0, 2, 1], 32, &[], "192.0.2.3"),
    ];
    for (i, (addr, len, down, expected)) in cases.iter().enumerate() {
        let from = routewave::route53::answer::ClientAddr {
            addr: u32::from_be_bytes(*addr),
            prefix_len: *len,
            ..client_at("london", [0; 4], 32)
        };
        let got = answers_over(&zone, "ip.example.com", &from, &Down::checks(&zone, down), 3);
        assert_eq!(got, set(&[&[expected]]), "ip-based case {}", i + 1);
    }
}

#[test]
fn geoproximity_bias_moves_the_boundary() {
    let mut spec = zone_spec();
    let gp = |region: &str, bias| Routing::Geoproximity { location: GeoproximityLocation::Region(region.into()), bias };
    spec.records = vec![
        a("gp.example.com", Some("us"), gp("us-east-1", 0), "192.0.2.1", None),
        a("gp.example.com", Some("eu"), gp("eu-west-1", 0), "192.0.2.2", None),
    ];
    // Reykjavik-ish point is closer to Dublin; use the Azores via coordinates instead
    // of a city: Lisbon is ~1,650 km from Dublin and ~5,900 km from Ashburn.
    let zone = Zone::new(&spec).unwrap();
    let lisbon = client_at("lisbon", [198, 51, 100, 1], 32);
    assert_eq!(answers_over(&zone, "gp.example.com", &lisbon, &Down::default(), 3), set(&[&["192.0.2.2"]]));
    // Bias +90 shrinks Ashburn's distance tenfold (5,900 → 590 km): Lisbon moves to us-east-1.
    spec.records[0].routing = gp("us-east-1", 90);
    let zone = Zone::new(&spec).unwrap();
    assert_eq!(answers_over(&zone, "gp.example.com", &lisbon, &Down::default(), 3), set(&[&["192.0.2.1"]]));
}

#[test]
fn explain_reads_like_a_walkthrough() {
    let zone = latency_failover_zone(false);
    let dc = client_at("washington-dc", [198, 51, 100, 1], 32);
    let mut down = Down::default();
    down.hosts.extend(hosts_of(&zone, "use1"));
    let q = Query { name: "sso.example.com", rtype: RecordType::A, resolver: &dc, ecs: None, now: SimTime::ZERO };
    let (_, ex) = answer::answer_explained(&zone, &q, &down, &latency(), &mut SimRng::new(1));
    let text = ex.to_text();
    let expected_in_order = [
        "'sso.example.com A': latency routing over 3 record(s)",
        "us-east-1 at",
        "target 'use1.sso.example.com' has a healthy record",
        "taken (best latency)",
        "alias → 'use1.sso.example.com'",
        "'use1.sso.example.com A': failover routing over 2 record(s)",
        "(primary): load balancer 'use1' has a target group with no healthy target → skipped",
        "(secondary): target 'use1-2.sso.example.com' has a healthy record → taken",
        "alias → load balancer 'euw1'",
    ];
    let mut at = 0;
    for needle in expected_in_order {
        let pos = text[at..].find(needle).unwrap_or_else(|| panic!("missing or out of order: {needle}\n{text}"));
        at += pos + needle.len();
    }
}
