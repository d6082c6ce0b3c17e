//! Built-in challenges: each starts from a field design that fails its goals as
//! shipped, over failover trees, data-plane wave plans and the control plane. The
//! goals are checked against the simulations' own metrics by
//! [`crate::design::challenge::evaluate`]; nothing here states an outcome.

use crate::spec::challenge::{ChallengeSpec, Constraint, Goal};
use crate::spec::control::CpBadKind;
use crate::spec::kinds::ClientKind;
use crate::spec::scenario::*;
use crate::spec::zone::*;

use super::field::{Weighted, geo_failover, latency_weighted};

fn challenge(title: &str, brief: &str, goals: Vec<Goal>, constraints: Vec<Constraint>) -> Option<ChallengeSpec> {
    Some(ChallengeSpec { title: title.into(), brief: brief.into(), goals, constraints })
}

/// Client groups in place of the generated population: browsers in Washington and
/// JVM services in London, each a request a minute, so error windows are the
/// design's and not the TTL extenders'.
fn client_groups(s: &mut Scenario) {
    s.population = None;
    s.clients = vec![
        ClientGroupSpec {
            resolver: "dc-unbound".into(),
            count: 1_000,
            kind: ClientKind::Browser,
            traffic: None,
            requests_per_min: Some(1.0),
            city: None,
        },
        ClientGroupSpec {
            resolver: "london-bind".into(),
            count: 1_000,
            kind: ClientKind::Jvm,
            traffic: None,
            requests_per_min: Some(1.0),
            city: None,
        },
    ];
}

fn story(s: &mut Scenario, title: &str, description: &str, watch_for: &[&str]) {
    s.title = format!("Challenge: {title}");
    s.description = description.into();
    s.watch_for = watch_for.iter().map(|w| w.to_string()).collect();
}

/// The all-defaults tree (TTL 300 s, checks 30 s × 3): make the probe switch within
/// a minute without buying more checks or dropping TTLs below 10 s.
pub(super) fn fast_switch() -> Scenario {
    let mut s = latency_weighted(LbKind::Alb, Weighted::Defaults);
    story(
        &mut s,
        "switch within a minute",
        "The latency → weighted tree at the console's defaults takes minutes to move the probe off the stopped region.",
        &["Which phase of the switch is longest?", "What do the checks' interval and threshold cost in detection?"],
    );
    s.challenge = challenge(
        "Switch within a minute",
        "Get curl-dc onto another region less than 60 s after us-east-1 stops, with the three health checks you have \
         and no TTL below 10 s.",
        vec![Goal::Switch { probe: "curl-dc".into(), max_s: 60.0 }],
        vec![Constraint::MaxHealthChecks { max: 3 }, Constraint::TtlBetween { min_s: 10, max_s: 300 }],
    );
    s
}

/// ALB behind latency → weighted: browsers and JVMs keep their connections to a load
/// balancer that answers 502 itself, so they never look the name up again.
pub(super) fn keepalive_trap() -> Scenario {
    let mut s = latency_weighted(LbKind::Alb, Weighted::Eth);
    client_groups(&mut s);
    story(
        &mut s,
        "clients stuck on a kept-alive connection",
        "Route 53 moves the answer within a minute, yet browsers and JVM clients keep failing until the end of the run.",
        &[
            "A kept-alive connection never asks DNS again while it works.",
            "What does the load balancer do when its only target is stopped?",
        ],
    );
    s.challenge = challenge(
        "Unstick the clients",
        "Bring the clients' 95th-percentile error window under 5 minutes without adding health checks.",
        vec![Goal::ErrorWindowP95 { max_s: 300.0 }],
        vec![Constraint::MaxHealthChecks { max: 3 }],
    );
    s
}

/// Latency aliases straight to NLBs with no health signal at all: Route 53 keeps
/// answering with the stopped region. The budget allows no Route 53 health check.
pub(super) fn no_checks() -> Scenario {
    let mut s = latency_weighted(LbKind::Nlb, Weighted::Eth);
    client_groups(&mut s);
    s.zone.health_checks.clear();
    s.zone.records.retain(|r| r.name == s.service);
    for r in &mut s.zone.records {
        let Routing::Latency { region } = &r.routing else { continue };
        let lb = s.zone.load_balancers.iter().find(|l| &l.region == region).map(|l| l.id.clone()).unwrap_or_default();
        r.value = RecordValue::Alias { target: AliasTarget::LoadBalancer { id: lb }, evaluate_target_health: false };
        r.health_check = None;
    }
    story(
        &mut s,
        "fail over with no health checks",
        "Latency records alias each region's NLB directly, with nothing that tells Route 53 a region is down.",
        &["What does Route 53 know about a load balancer's targets?", "Which clients fail, and for how long?"],
    );
    s.challenge = challenge(
        "Fail over for free",
        "Move curl-dc off a stopped region within 150 s and keep the clients' p95 error window under 5 minutes, \
         without a single Route 53 health check.",
        vec![Goal::Switch { probe: "curl-dc".into(), max_s: 150.0 }, Goal::ErrorWindowP95 { max_s: 300.0 }],
        vec![Constraint::MaxHealthChecks { max: 0 }],
    );
    s
}

/// The geolocation cascade with a Paris probe: when eu-west-1 stops, the EU cascade
/// falls through to ap-southeast-1. A second EU region stands ready, unused.
pub(super) fn eu_stays_in_eu() -> Scenario {
    let mut s = geo_failover(LbKind::Nlb);
    s.population = None;
    s.zone.regions.push(RegionSpec { name: "eu-central-1".into(), label: Some("EMEA 2".into()) });
    let mut lb = s.zone.load_balancers.iter().find(|l| l.region == "eu-west-1").cloned().expect("eu-west-1 LB");
    lb.id = "nlb-euc1".into();
    lb.region = "eu-central-1".into();
    lb.dns_name = "nlb-euc1.eu-central-1.elb.amazonaws.com".into();
    lb.target_groups[0].targets = vec![HostSpec { id: "web-euc1".into(), az: "eu-central-1a".into(), ip: None }];
    s.zone.load_balancers.push(lb);
    s.probes.push(ProbeSpec {
        id: "curl-paris".into(),
        city: "paris".into(),
        resolver: "london-bind".into(),
        kind: ClientKind::Curl,
        interval_ms: 1_000,
    });
    s.faults = vec![FaultSpec { at_ms: 300_000, action: FaultAction::StopRegion { region: "eu-west-1".into() } }];
    story(
        &mut s,
        "EU clients stay in the EU",
        "Geolocation sends Europe to the eu-west-1 cascade, whose fallbacks are Singapore and Virginia; eu-central-1 \
         runs a load balancer no record uses.",
        &["Where does curl-paris go when eu-west-1 stops?", "Which record decides the EU cascade's second choice?"],
    );
    s.challenge = challenge(
        "Keep Europe in Europe",
        "When eu-west-1 stops, curl-paris must be served only from eu-west-1 or eu-central-1, and switch within 120 s; \
         at most four health checks, and the EU geolocation record stays.",
        vec![
            Goal::StaysIn { probe: "curl-paris".into(), regions: vec!["eu-west-1".into(), "eu-central-1".into()] },
            Goal::Switch { probe: "curl-paris".into(), max_s: 120.0 },
        ],
        vec![
            Constraint::MaxHealthChecks { max: 4 },
            Constraint::KeepRecords { records: vec!["sso.example.com/eu".into()] },
        ],
    );
    s
}

/// The waves-of-neighbours plan: make every wave a single anycast stripe.
pub(super) fn one_stripe_per_wave() -> Scenario {
    let mut s = super::data_plane(false);
    story(
        &mut s,
        "one stripe per wave",
        "Waves of neighbouring locations mix all four anycast stripes, so one bad wave can take every name server of \
         a zone.",
        &["How many of a zone's four name servers can one wave reach?", "Which locations share a stripe?"],
    );
    s.challenge = challenge(
        "One stripe per wave",
        "Re-plan the waves so none touches more than one anycast stripe, with every location deployed and every bake \
         at least an hour.",
        vec![Goal::StripesPerWave { max: 1 }],
        vec![Constraint::EveryoneDeployed, Constraint::MinBake { min_s: 3_600 }],
    );
    s
}

/// The waves-of-neighbours plan: bound the worst bad build's cost.
pub(super) fn small_first_wave() -> Scenario {
    let mut s = super::data_plane(false);
    story(
        &mut s,
        "a cheap first wave",
        "The first production wave is ten locations; whatever the bad build does, it does it there first.",
        &[
            "Which bad build costs most, and why does its harm outlive the rollback?",
            "What sets the first wave's blast radius?",
        ],
    );
    s.challenge = challenge(
        "Bound the worst bad build",
        "Whatever kind of bad build ships, it must cost fewer than 50,000 user-minutes; every location deployed, every \
         bake at least an hour.",
        vec![Goal::WorstBadBuild { max_user_minutes: 50_000.0 }],
        vec![Constraint::EveryoneDeployed, Constraint::MinBake { min_s: 3_600 }],
    );
    s
}

/// The internal API with a version incompatibility and staging switched in one wave.
pub(super) fn split_world() -> Scenario {
    let mut s = super::control_plane(false);
    let cp = s.control_plane.as_mut().expect("control plane");
    cp.split_world_staging = false;
    cp.bad.kind = CpBadKind::VersionIncompat;
    story(
        &mut s,
        "catch a version incompatibility",
        "A build that cannot talk to the old version passes staging, because staging switches every host at once.",
        &["When do old and new hosts first serve side by side?", "What does staging see that production does not?"],
    );
    s.challenge = challenge(
        "Catch it before customers do",
        "No customer-facing request may fail, and every fleet is deployed.",
        vec![Goal::CustomerFailures { max: 1.0 }],
        vec![Constraint::EveryoneDeployed],
    );
    s
}

/// The external API with all three AZs in one wave.
pub(super) fn one_az_per_wave() -> Scenario {
    let mut s = super::control_plane(true);
    let cp = s.control_plane.as_mut().expect("control plane");
    cp.waves = vec![crate::spec::control::CpWave {
        fleets: cp.fleets.iter().map(|f| f.name.clone()).collect(),
        bake_s: 86_400,
    }];
    story(
        &mut s,
        "one AZ at a time",
        "All three availability zones deploy in one wave; a failure no health check sees reaches every AZ before the \
         alarm.",
        &["How many hosts run the bad build when the alarm fires?", "What can operators shift traffic to?"],
    );
    s.challenge = challenge(
        "Contain it to one AZ",
        "Keep customer-facing failed requests under 30,000, with every AZ deployed and every bake at least an hour.",
        vec![Goal::CustomerFailures { max: 30_000.0 }],
        vec![Constraint::EveryoneDeployed, Constraint::MinBake { min_s: 3_600 }],
    );
    s
}

/// The internal API deployed most critical first.
pub(super) fn least_critical_first() -> Scenario {
    let mut s = super::control_plane(false);
    let cp = s.control_plane.as_mut().expect("control plane");
    cp.waves.reverse();
    story(
        &mut s,
        "least critical first",
        "The internal API deploys the customer fleet first; the deep health check halts the plan, but only after \
         customers met the bad build.",
        &["Which fleet does the bad build reach first?", "What does the deep check cost in each fleet?"],
    );
    s.challenge = challenge(
        "Let batch take the hit",
        "No customer-facing request may fail, and every fleet is deployed.",
        vec![Goal::CustomerFailures { max: 1.0 }],
        vec![Constraint::EveryoneDeployed],
    );
    s
}
