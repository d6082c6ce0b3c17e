//! The failover-cascade field designs: each region's nested failover pairs (design
//! 1b), the latency-layer pitfall where only one cascade was built (1a), and the
//! near-tie design with nothing checked at the latency layer.

use super::*;

/// The names of region `i`'s failover cascade: its first pair and its second pair.
pub(super) fn cascade_names(short: &str) -> (String, String) {
    (format!("{short}.{SERVICE}"), format!("{short}-2.{SERVICE}"))
}

/// Region `i`'s failover cascade (field design 1): a pair whose primary is the
/// region's load balancer and whose secondary is a second pair of the next two
/// regions (primary the next, secondary the one after). Route 53 checks sit on every
/// record that aliases a load balancer, with Evaluate Target Health on those
/// aliases; the alias to the second pair carries neither.
pub(super) fn cascade(kind: LbKind, i: usize) -> Vec<RecordSpec> {
    let [(_, short, _), (_, second, _), (_, third, _)] = [REGIONS[i], REGIONS[(i + 1) % 3], REGIONS[(i + 2) % 3]];
    let (first, pair2) = cascade_names(short);
    let to_lb = |name: &str, role, lb: &str| {
        alias(name, Some(role_id(role)), failover(role), lb_alias(kind, lb), true, Some(check_id(lb)))
    };
    vec![
        to_lb(&first, FailoverRole::Primary, short),
        alias(
            &first,
            Some("secondary"),
            failover(FailoverRole::Secondary),
            AliasTarget::Record { name: pair2.clone() },
            false,
            None,
        ),
        to_lb(&pair2, FailoverRole::Primary, second),
        to_lb(&pair2, FailoverRole::Secondary, third),
    ]
}

fn role_id(role: FailoverRole) -> &'static str {
    match role {
        FailoverRole::Primary => "primary",
        FailoverRole::Secondary => "secondary",
    }
}

/// Field design 1b: latency → nested failover, every region's cascade built, no
/// checks on the latency layer.
pub(in crate::design::presets) fn latency_failover(kind: LbKind) -> Scenario {
    let mut s = base(
        kind,
        "Latency → nested failover",
        &format!(
            "Each latency record aliases its region's failover cascade: primary the region's own load balancer, \
             secondary a second pair of the other two regions, so every region has a fixed primary / secondary / \
             tertiary order. Nothing is checked at the latency layer: the cascade does the failing over. {}",
            setup(
                "checks 10 s × 1 on every failover record that points at a load balancer, ETH on those aliases, \
                   none on the latency layer"
            )
        ),
        &[
            "Inside the us-east-1 branch the failover pair moves to its secondary without leaving the branch.",
            "When eu-west-1 also stops, the tertiary (ap-southeast-1) takes over.",
            "Run trials: what makes one run's switch slower than another's?",
        ],
    );
    s.zone.health_checks = region_checks(kind, REPORT_CHECK);
    for (i, (region, short, _)) in REGIONS.iter().enumerate() {
        s.zone.records.extend(cascade(kind, i));
        let to = AliasTarget::Record { name: cascade_names(short).0 };
        s.zone.records.push(alias(SERVICE, Some(region), latency(region), to, false, None));
    }
    s.guide = field_guide(&s, kind, Outcome::Moves);
    s
}

/// Field design 1a: the latency-layer pitfall. Only the AMERS cascade was built; the
/// EMEA and ASPAC latency records point at names whose trees were never built; every
/// latency alias carries its region's check, and so do the failover primaries.
pub(in crate::design::presets) fn latency_layer_pitfall(kind: LbKind) -> Scenario {
    let mut s = base(
        kind,
        "Latency-layer health-check pitfall",
        &format!(
            "Only the AMERS tree was built: its latency record aliases a failover pair (primary us-east-1, \
             secondary a pair of eu-west-1 and ap-southeast-1). The EMEA and ASPAC latency records point at names \
             whose trees were never built. Each latency record also carries its region's health check, so when \
             us-east-1's check fails Route 53 skips the whole AMERS branch and takes the next-best latency region — \
             whose tree does not exist. {}",
            setup(
                "checks 10 s × 1 on the failover primaries and on all three latency aliases, no Evaluate Target \
                   Health; the report ran this design with ALB (the NLB variant is ours)"
            )
        ),
        &[
            "After us-east-1's check fails, the name stops resolving: the next-best latency region has no tree.",
            "The failover pair under AMERS never gets to act: the latency layer skipped it.",
            "How long do resolvers keep the empty answer? Look at the zone's negative TTL.",
        ],
    );
    s.zone.health_checks = region_checks(kind, REPORT_CHECK);
    let (amers, amers2) = cascade_names("amers");
    let [(_, use1, _), (_, euw1, _), (_, apse1, _)] = REGIONS;
    let to_lb = |name: &str, role, lb: &str, hc: Option<String>| {
        alias(name, Some(role_id(role)), failover(role), lb_alias(kind, lb), false, hc)
    };
    s.zone.records = vec![
        to_lb(&amers, FailoverRole::Primary, use1, Some(check_id(use1))),
        alias(
            &amers,
            Some("secondary"),
            failover(FailoverRole::Secondary),
            AliasTarget::Record { name: amers2.clone() },
            false,
            None,
        ),
        to_lb(&amers2, FailoverRole::Primary, euw1, Some(check_id(euw1))),
        to_lb(&amers2, FailoverRole::Secondary, apse1, None),
    ];
    let trees = [amers, format!("emea.{SERVICE}"), format!("aspac.{SERVICE}")];
    for ((region, short, _), tree) in REGIONS.iter().zip(trees) {
        let to = AliasTarget::Record { name: tree };
        s.zone.records.push(alias(SERVICE, Some(region), latency(region), to, false, Some(check_id(short))));
    }
    s.guide = field_guide(&s, kind, Outcome::Empty);
    s
}

/// The near-tie preset's re-measurement period, s: a session's minutes standing in
/// for the weeks over which AWS says the latency data changes (docs/model.md,
/// latency data).
const NEAR_TIE_REMEASURE_S: u64 = 900;

/// Design 1's other claim: without health checks (or Evaluate Target Health) at the
/// latency layer, a region stays in the answer however dead it is, and a client
/// leaves it only when Route 53's latency data next changes — which moves a client
/// near a tie, never one near its region. Latency aliases straight to the load
/// balancers, nothing checked; the probe in Dubai, almost as far from Singapore as
/// from Dublin.
pub(in crate::design::presets) fn latency_near_tie(kind: LbKind) -> Scenario {
    let mut s = base(
        kind,
        "Latency with nothing checked: a client near a tie",
        &format!(
            "Latency records alias each region's load balancer directly, with no health check and no Evaluate \
             Target Health, so Route 53 never backs out of a dead region. The probe sits in Dubai, about as far from \
             Singapore as from Dublin: which region it is sent to depends on Route 53's latency data. AWS describes \
             that data as changing from week to week; this preset re-measures it every {} s, so that a session sees \
             in minutes what a client near a tie meets over weeks. Singapore's web server stops at 05:00. The curl \
             loop and its resolver are the report's; the design is the report's design 1 without its checks; the \
             region choice and the period are ours.",
            NEAR_TIE_REMEASURE_S
        ),
        &[
            "Nothing detects the stopped server: the probe leaves Singapore only when the latency data changes.",
            "Run trials: from one run to the next the switch comes at any re-measurement, or never.",
            "A client in Washington, near us-east-1, would never be moved this way.",
        ],
    );
    for (region, short, _) in REGIONS {
        s.zone.records.push(alias(SERVICE, Some(region), latency(region), lb_alias(kind, short), false, None));
    }
    s.resolvers[0] =
        ResolverSpec { id: "dubai-unbound".into(), city: "dubai".into(), ..ResolverSpec::field_experiment() };
    s.probes[0] = ProbeSpec {
        id: "curl-dubai".into(),
        city: "dubai".into(),
        resolver: "dubai-unbound".into(),
        ..ProbeSpec::field_experiment()
    };
    s.faults = vec![FaultSpec { at_ms: 300_000, action: FaultAction::StopRegion { region: "ap-southeast-1".into() } }];
    s.params.latency.remeasure_period_s = NEAR_TIE_REMEASURE_S;
    s
}
