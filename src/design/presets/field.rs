//! The regional-failover field designs, each set up exactly as the field report ran
//! it (docs/model.md, "Field presets: the experiment's setup"):
//!
//! - one service name served from us-east-1 (AMERS), eu-west-1 (EMEA) and
//!   ap-southeast-1 (ASPAC), each region one web server behind one load balancer;
//! - **TTL 1 s on every record whose TTL can be set** (an alias answers with its
//!   target's TTL: 60 s for a load balancer);
//! - **every Route 53 health check 10 s × failure threshold 1**, from the default
//!   checker regions unless the design says otherwise;
//! - the client: `curl` once a second from Washington, DC, no DNS cache, no
//!   connection reuse, through a TTL-honouring resolver;
//! - the faults: stopping the web server of us-east-1 at 05:00, then eu-west-1's at
//!   15:00 (the load balancers stay up);
//! - where the report is silent, the AWS default of 2019: the load balancers' own
//!   target checks (ALB 30 s, timeout 5 s, healthy 5 / unhealthy 2; NLB 30 s,
//!   timeout 10 s, 3 / 3).
//!
//! Health checks and Evaluate Target Health sit exactly where the report put them,
//! design by design; nothing here is chosen to produce an outcome.

use crate::design::guide::{Mechanisms, clock};
use crate::spec::kinds::{ClientKind, ResolverKind};
use crate::spec::params::LatencyModel;
use crate::spec::scenario::*;
use crate::spec::zone::*;

pub(super) const APEX: &str = "example.com";
pub(super) const SERVICE: &str = "sso.example.com";
/// The three regions of the experiment, in the probe's order of proximity: region,
/// short name, label.
const REGIONS: [(&str, &str, &str); 3] =
    [("us-east-1", "use1", "AMERS"), ("eu-west-1", "euw1", "EMEA"), ("ap-southeast-1", "apse1", "ASPAC")];

/// The report's TTL on every record whose TTL can be set, s.
const REPORT_TTL_S: u32 = 1;
/// The report's Route 53 health checks: request interval, s, and failure threshold.
const REPORT_CHECK: (u32, u32) = (10, 1);
/// The console's defaults, for the all-defaults design: TTL 300 s, checks 30 s × 3.
const DEFAULT_TTL_S: u32 = 300;
const DEFAULT_CHECK: (u32, u32) = (30, 3);

/// An NLB's target-check defaults in 2019: 30 s interval (10 or 30 allowed), a fixed
/// 10 s timeout for TCP, healthy and unhealthy thresholds equal, 3 (NLB user guide,
/// 2018–2022).
pub const NLB_2019_DEFAULT: LbHealthSettings =
    LbHealthSettings { interval_s: 30, timeout_s: 10, healthy_threshold: 3, unhealthy_threshold: 3 };

/// The load balancers' own target checks at the 2019 defaults (the report is silent).
fn lb_health_2019(kind: LbKind) -> LbHealthSettings {
    match kind {
        LbKind::Alb => LbHealthSettings::ALB_DEFAULT,
        LbKind::Nlb => NLB_2019_DEFAULT,
    }
}

fn lb_spec(kind: LbKind, region: &str, short: &str) -> LoadBalancerSpec {
    LoadBalancerSpec {
        id: lb_id(kind, short),
        kind,
        region: region.into(),
        dns_name: format!("{}.{region}.elb.amazonaws.com", lb_id(kind, short)),
        target_groups: vec![TargetGroupSpec {
            id: "web".into(),
            targets: vec![HostSpec { id: format!("web-{short}"), az: format!("{region}a"), ip: None }],
        }],
        health: Some(lb_health_2019(kind)),
    }
}

fn lb_id(kind: LbKind, short: &str) -> String {
    match kind {
        LbKind::Alb => format!("alb-{short}"),
        LbKind::Nlb => format!("nlb-{short}"),
    }
}

/// The Route 53 endpoint check of a region's load balancer: `hc-<short>`.
fn check_id(short: &str) -> String {
    format!("hc-{short}")
}

fn endpoint_check(short: &str, lb: &str, (interval_s, failure_threshold): (u32, u32)) -> HealthCheckSpec {
    HealthCheckSpec {
        id: check_id(short),
        kind: HealthCheckKind::Endpoint {
            target: CheckTarget::LoadBalancer(lb.into()),
            protocol: CheckProtocol::Http,
            interval_s,
            failure_threshold,
            regions: all_checker_regions(),
            search_string: None,
        },
        inverted: false,
        disabled: false,
    }
}

/// One endpoint check per region's load balancer, at `settings`.
fn region_checks(kind: LbKind, settings: (u32, u32)) -> Vec<HealthCheckSpec> {
    REGIONS.iter().map(|(_, short, _)| endpoint_check(short, &lb_id(kind, short), settings)).collect()
}

fn alias(
    name: &str,
    set_id: Option<&str>,
    routing: Routing,
    target: AliasTarget,
    eth: bool,
    hc: Option<String>,
) -> RecordSpec {
    RecordSpec {
        name: name.into(),
        rtype: RecordType::A,
        set_id: set_id.map(str::to_string),
        routing,
        ttl_s: None,
        value: RecordValue::Alias { target, evaluate_target_health: eth },
        health_check: hc,
    }
}

fn cname(name: &str, set_id: &str, routing: Routing, ttl_s: u32, to: String, hc: Option<String>) -> RecordSpec {
    RecordSpec {
        name: name.into(),
        rtype: RecordType::CNAME,
        set_id: Some(set_id.into()),
        routing,
        ttl_s: Some(ttl_s),
        value: RecordValue::Values(vec![to]),
        health_check: hc,
    }
}

fn lb_alias(kind: LbKind, short: &str) -> AliasTarget {
    AliasTarget::LoadBalancer { id: lb_id(kind, short) }
}

fn latency(region: &str) -> Routing {
    Routing::Latency { region: region.into() }
}

fn failover(role: FailoverRole) -> Routing {
    Routing::Failover { role }
}

/// The experiment's world around a design: regions, load balancers, the probe and
/// its resolver, a population of other resolvers and clients, and the two faults.
pub(super) fn base(kind: LbKind, title: &str, description: &str, watch_for: &[&str]) -> Scenario {
    let suffix = match kind {
        LbKind::Alb => " (ALB)",
        LbKind::Nlb => " (NLB)",
    };
    Scenario {
        version: CURRENT_VERSION,
        title: format!("{title}{suffix}"),
        description: description.into(),
        watch_for: watch_for.iter().map(|s| s.to_string()).collect(),
        seed: 1,
        duration_s: 1_500,
        service: SERVICE.into(),
        zone: ZoneSpec {
            name: APEX.into(),
            negative_ttl_s: 900,
            records: vec![],
            health_checks: vec![],
            regions: REGIONS
                .iter()
                .map(|(r, _, l)| RegionSpec { name: r.to_string(), label: Some(l.to_string()) })
                .collect(),
            load_balancers: REGIONS.iter().map(|(r, s, _)| lb_spec(kind, r, s)).collect(),
            hosts: vec![],
            cidr_collections: vec![],
            aws_era: AwsEra::Y2019,
        },
        resolvers: vec![
            ResolverSpec::field_experiment(),
            ResolverSpec {
                id: "london-bind".into(),
                city: "london".into(),
                kind: ResolverKind::Bind,
                ecs: None,
                extend_ttl_s: None,
                addr: None,
            },
            ResolverSpec {
                id: "singapore-knot".into(),
                city: "singapore".into(),
                kind: ResolverKind::Knot,
                ecs: None,
                extend_ttl_s: None,
                addr: None,
            },
        ],
        population: Some(PopulationSpec {
            resolvers: 60,
            clients: 6_000,
            cities: vec![],
            kinds: vec![
                (ResolverKind::Bind, 30),
                (ResolverKind::Unbound, 25),
                (ResolverKind::Powerdns, 10),
                (ResolverKind::Knot, 5),
                (ResolverKind::PublicAnycast, 30),
            ],
            extender_pct: 8.74,
            extend_ttl_s: 3_600,
            client_kinds: vec![
                (ClientKind::Browser, 60),
                (ClientKind::Jvm, 15),
                (ClientKind::Firefox, 10),
                (ClientKind::SystemdResolved, 15),
            ],
            traffic: Some(TrafficModel::browsing()),
            requests_per_min: None,
        }),
        clients: vec![],
        probes: vec![ProbeSpec::field_experiment()],
        faults: vec![
            FaultSpec { at_ms: 300_000, action: FaultAction::StopRegion { region: "us-east-1".into() } },
            FaultSpec { at_ms: 900_000, action: FaultAction::StopRegion { region: "eu-west-1".into() } },
        ],
        params: SimParams::default(),
        deploy: None,
        control_plane: None,
        challenge: None,
        view: ViewState { panel: "timeline".into(), playhead_ms: 0, speed: 10.0, ..ViewState::default() },
        guide: Vec::new(),
    }
}

/// What a design does for the probe once its region's check fails, as a guided
/// session tells it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The answer moves to the next region in line.
    Moves,
    /// Every record that applies to the probe points at the stopped region: Route 53
    /// answers with the most specific one anyway (design 3a).
    Stays,
    /// The next-best latency region's tree was never built: the answer is empty
    /// (design 1a).
    Empty,
}

fn step(at_ms: u64, panel: &str, text: String) -> GuideStep {
    GuideStep { at_ms, panel: panel.into(), text, select: String::new() }
}

/// The record a tree step about `region` selects: the service's record routed to
/// that region, else the first record aliasing a load balancer there (a
/// [`guide::record_ref`](crate::design::guide::record_ref); empty when neither exists).
fn record_for(s: &Scenario, region: &str) -> String {
    let routed = s.zone.records.iter().position(|r| {
        r.name == s.service
            && match &r.routing {
                Routing::Latency { region: r } => r == region,
                _ => false,
            }
    });
    let aliased = || {
        s.zone.records.iter().position(|r| match &r.value {
            RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, .. } => {
                s.zone.load_balancers.iter().any(|l| &l.id == id && l.region == region)
            }
            _ => false,
        })
    };
    routed.or_else(aliased).and_then(|i| crate::design::guide::record_ref(s, i)).unwrap_or_default()
}

/// `step` selecting `select` in the tree.
fn tree_step(at_ms: u64, select: &str, text: String) -> GuideStep {
    GuideStep { select: select.to_string(), ..step(at_ms, "tree", text) }
}

/// The guided session of a field design, its moments read from the design's own
/// mechanisms ([`Mechanisms`]): the fault script, the checks' interval and
/// threshold, the delivery delay to the DNS locations, the answer's TTL, the
/// probe's client cache.
pub(super) fn field_guide(s: &Scenario, kind: LbKind, outcome: Outcome) -> Vec<GuideStep> {
    let m = Mechanisms::of(s);
    let [(first_at, first), (second_at, second)] = [0, 1].map(|i| m.stops.get(i).cloned().unwrap_or_default());
    let (next, last) = (REGIONS[1].0, REGIONS[2].0);
    let detected = first_at + m.check_ms.unwrap_or(0);
    let pushed = detected + m.push_max_ms;
    let moved = m.answer_moved_by_ms(first_at);
    let secs = |ms: u64| ms / 1000;
    let lb_error = match kind {
        LbKind::Alb => "the ALB answers HTTP 502 itself",
        LbKind::Nlb => "connections through the NLB are refused",
    };
    let (interval, threshold) = m.check.unwrap_or_default();
    // The load balancer's own check matters only where Evaluate Target Health reads it.
    let eth = s.zone.records.iter().any(|r| matches!(r.value, RecordValue::Alias { evaluate_target_health: true, .. }));
    let check_s = m.check_ms.unwrap_or(0) / 1000;
    let lb_check = match m.lb_check_s.filter(|_| eth) {
        Some(lb) if u64::from(lb) > check_s => {
            format!(
                " The load balancer's own target check, read by Evaluate Target Health, needs up to {lb} s: Route 53's check acts first."
            )
        }
        Some(lb) => {
            format!(" The load balancer's own target check, read by Evaluate Target Health, needs up to {lb} s too.")
        }
        None => String::new(),
    };
    let by_geo = s.zone.records.iter().any(|r| r.name == s.service && matches!(r.routing, Routing::Geolocation { .. }));
    let why_first = if by_geo { "North America's record" } else { "the nearest region" };
    let ttl = m.answer_ttl_s.unwrap_or(0);
    let ttl_why = if m.answer_is_alias {
        format!("an alias answers with its load balancer's TTL, {ttl} s")
    } else {
        format!("the CNAMEs carry a TTL of {ttl} s")
    };
    let client = if m.client_hold_s == 0 {
        "curl keeps no DNS cache of its own".to_string()
    } else {
        format!("the client keeps the answer {} s more", m.client_hold_s)
    };
    let first_record = record_for(s, &first);
    let mut guide = vec![
        step(
            first_at.saturating_sub(30_000),
            "timeline",
            format!(
                "Before the fault, Route 53 sends the probe in Washington, DC to {first} ({why_first}). \
                 Predict: how long after {} until the probe is served by another region? Commit your guess, then play.",
                clock(first_at)
            ),
        ),
        step(
            first_at,
            "probe",
            format!(
                "{first}'s web server stops. Its load balancer stays up, so {lb_error}. Nothing in DNS has \
                 changed yet.",
            ),
        ),
        tree_step(
            detected,
            &first_record,
            format!(
                "Every Route 53 checker has now failed its check of {first} (one check every {interval} s, \
                 failure threshold {threshold}), so the check is unhealthy.{lb_check}",
            ),
        ),
        tree_step(
            pushed,
            &first_record,
            format!(
                "Each DNS location hears every checker on its own, up to {} s later, and applies the 18 % \
                 rule: the tree turns unhealthy location by location.",
                secs(m.push_max_ms)
            ),
        ),
    ];
    match outcome {
        Outcome::Moves => guide.extend([
            step(
                moved,
                "traffic",
                format!(
                    "At the latest, the resolver's cached answer has run out ({ttl_why}); until then it kept \
                     handing out {first}. {client}, so its next request goes to {next}.",
                ),
            ),
            step(
                second_at,
                "traffic",
                format!("{second}'s web server stops too. The same chain runs again: detection, push, TTL.",),
            ),
            step(
                m.answer_moved_by_ms(second_at),
                "probe",
                format!(
                    "By now the probe is served by {last}. Reveal your prediction and read the phase \
                     breakdown: which phase took longest?",
                ),
            ),
        ]),
        Outcome::Stays => guide.extend([
            step(
                moved,
                "tree",
                format!(
                    "Washington's record (North America) and the default both point at {first}, and both are \
                     unhealthy. With every record that applies unhealthy, Route 53 answers with the most specific \
                     one anyway: the probe stays on {first} and keeps failing.",
                ),
            ),
            step(
                second_at,
                "probe",
                format!(
                    "{second}'s web server stops too; nothing changes for Washington. Reveal your prediction: \
                     which record would have had to exist for the probe to move?",
                ),
            ),
        ]),
        Outcome::Empty => {
            let empty_until = moved + u64::from(m.negative_cache_s) * 1000;
            guide.extend([
                step(
                    moved,
                    "probe",
                    format!(
                        "The resolver's cached answer has run out ({ttl_why}). Route 53 skipped the whole \
                         AMERS branch and took the next-best latency region, whose tree was never built: the answer \
                         is empty and the name no longer resolves.",
                    ),
                ),
                step(
                    second_at,
                    "traffic",
                    format!(
                        "{second}'s web server stops too. The probe still holds the empty answer: the \
                         resolver keeps it for the zone's negative TTL, {} s.",
                        m.negative_cache_s
                    ),
                ),
                step(
                    empty_until,
                    "query",
                    "The empty answer has expired and the resolver asks again. Reveal your prediction: did the \
                     failover pair under AMERS ever get to act?"
                        .to_string(),
                ),
            ]);
        }
    }
    guide
}

/// The setup lines every story ends with: what comes from the report and what is a
/// default.
fn setup(report: &str) -> String {
    format!(
        "From the report: {report}; a curl loop once a second from Washington, DC, no DNS cache, no connection \
         reuse; us-east-1's web server stopped at 05:00, eu-west-1's at 15:00. AWS defaults of 2019 where the report \
         is silent: the load balancers' own target checks (ALB 30 s, 5 healthy / 2 unhealthy; NLB 30 s, 3 / 3)."
    )
}

/// The designs of the latency → weighted family (2a–2d and 4).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Weighted {
    /// 2a: Evaluate Target Health on the latency aliases; checks on the weighted records.
    Eth,
    /// 2b: as 2a, and the same checks on the latency records.
    Checks,
    /// 2c: CNAMEs with TTL 1 s instead of aliases, checks on both layers.
    Cname,
    /// 2d: 2c with the checks' regions cut to the minimum of three.
    FewCheckers,
    /// 4: the tree at the console's defaults, TTL 300 s and checks 30 s × 3; built of
    /// CNAMEs as in 2c, since only records that are not aliases carry a TTL.
    Defaults,
}

/// Field designs 2a–2d and 4: latency → per-region weighted sets → load balancers.
pub(super) fn latency_weighted(kind: LbKind, variant: Weighted) -> Scenario {
    let (title, desc, watch): (&str, String, &[&str]) = match variant {
        Weighted::Eth => (
            "Latency → weighted",
            format!(
                "Latency records alias to per-region weighted sets, each sending everything to its region's load \
                 balancer. Route 53 checks the load balancers from the weighted records; Evaluate Target Health on \
                 the latency aliases climbs back to the latency layer when a region's set has nothing healthy. {}",
                setup(
                    "checks 10 s × 1 on the weighted records, ETH on the latency aliases, aliases only (every \
                       answer carries the load balancer's 60 s TTL)"
                )
            ),
            &[
                "The answer moves only after Route 53's checkers see the stopped server and the DNS servers hear it.",
                "Alias answers carry the load balancer's 60 s TTL: the resolver keeps the old answer until it runs out.",
                "Between the stop and the switch an ALB answers HTTP 502 itself; behind an NLB the connection is refused.",
            ],
        ),
        Weighted::Checks => (
            "Latency → weighted, checks on both layers",
            format!(
                "The latency → weighted tree with the same Route 53 checks attached to the latency records as \
                 well, so the latency layer needs its own check to pass besides its target's health. {}",
                setup("checks 10 s × 1 on the weighted and the latency records, ETH on the latency aliases")
            ),
            &[
                "Compare with latency-weighted: which signal moves the latency layer, and when?",
                "A check on an alias and Evaluate Target Health must both pass for the region to stay.",
            ],
        ),
        Weighted::Cname | Weighted::FewCheckers => (
            if variant == Weighted::Cname {
                "Latency → weighted with CNAMEs, TTL 1 s"
            } else {
                "Latency → weighted with CNAMEs, three checker regions"
            },
            format!(
                "CNAME records instead of aliases, so the TTL can be set to 1 s; the checks sit on both layers \
                 because a CNAME cannot evaluate its target. Each load balancer's own name still answers with 60 s, \
                 but a switch moves to a different name. {}",
                setup(if variant == Weighted::Cname {
                    "CNAMEs with TTL 1 s, checks 10 s × 1 on the weighted and latency records"
                } else {
                    "as the CNAME design, with each check's regions cut to the minimum of three (us-east-1, \
                     us-west-1 and us-west-2: the first three of the API's list, the report does not name them)"
                })
            ),
            if variant == Weighted::Cname {
                &[
                    "With a 1 s TTL the resolver asks Route 53 again every second: the switch waits for detection \
                     and the DNS servers.",
                    "Threshold 1 at 10 s: each checker flips at its first failed check.",
                ]
            } else {
                &[
                    "Fewer checker regions means fewer checkers, not faster ones: each still checks every 10 s.",
                    "The 18 % rule now counts over 6 checkers instead of 16.",
                ]
            },
        ),
        Weighted::Defaults => (
            "All defaults",
            "The latency → weighted tree at the console's defaults: TTL 300 s and checks 30 s × 3. A TTL can \
                 only be set on records that are not aliases, so the tree is built of CNAMEs, as in the CNAME \
                 design, with the checks on both layers (a CNAME cannot evaluate its target). From the report: the \
                 tree and where the checks sit. Defaults: TTL 300 s (the console's), checks 30 s × 3 (Route 53's), \
                 the load balancers' target checks of 2019."
                .to_string(),
            &[
                "No health-check-driven routing can act in under about 90 s: three failed checks 30 s apart.",
                "Then the 300 s TTL dominates: the resolver keeps the dead region's answer for up to five more minutes.",
            ],
        ),
    };
    let mut s = base(kind, title, &desc, watch);
    let checks = if variant == Weighted::Defaults { DEFAULT_CHECK } else { REPORT_CHECK };
    s.zone.health_checks = region_checks(kind, checks);
    if variant == Weighted::FewCheckers {
        for c in &mut s.zone.health_checks {
            if let HealthCheckKind::Endpoint { regions, .. } = &mut c.kind {
                *regions = CHECKER_REGIONS[..3].iter().map(|r| r.to_string()).collect();
            }
        }
    }
    for (region, short, _) in REGIONS {
        let set_name = format!("{short}.{SERVICE}");
        let hc = Some(check_id(short));
        let lb_name = s.zone.load_balancers.iter().find(|l| l.id == lb_id(kind, short)).map(|l| l.dns_name.clone());
        let weighted = Routing::Weighted { weight: 100 };
        match variant {
            Weighted::Eth | Weighted::Checks => {
                s.zone.records.push(alias(&set_name, Some(short), weighted, lb_alias(kind, short), false, hc.clone()));
                let latency_hc = (variant == Weighted::Checks).then(|| check_id(short));
                let to = AliasTarget::Record { name: set_name };
                s.zone.records.push(alias(SERVICE, Some(region), latency(region), to, true, latency_hc));
            }
            Weighted::Cname | Weighted::FewCheckers | Weighted::Defaults => {
                let ttl = if variant == Weighted::Defaults { DEFAULT_TTL_S } else { REPORT_TTL_S };
                let lb_name = lb_name.unwrap_or_default();
                s.zone.records.push(cname(&set_name, short, weighted, ttl, lb_name, hc.clone()));
                s.zone.records.push(cname(SERVICE, region, latency(region), ttl, set_name, hc));
            }
        }
    }
    s.guide = field_guide(&s, kind, Outcome::Moves);
    s
}

/// The names of region `i`'s failover cascade: its first pair and its second pair.
fn cascade_names(short: &str) -> (String, String) {
    (format!("{short}.{SERVICE}"), format!("{short}-2.{SERVICE}"))
}

/// Region `i`'s failover cascade (field design 1): a pair whose primary is the
/// region's load balancer and whose secondary is a second pair of the next two
/// regions (primary the next, secondary the one after). Route 53 checks sit on every
/// record that aliases a load balancer, with Evaluate Target Health on those
/// aliases; the alias to the second pair carries neither.
fn cascade(kind: LbKind, i: usize) -> Vec<RecordSpec> {
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
pub(super) fn latency_failover(kind: LbKind) -> Scenario {
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
pub(super) fn latency_layer_pitfall(kind: LbKind) -> Scenario {
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

/// Design 1's other claim: without health checks (or Evaluate Target Health) at the
/// latency layer, a region stays in the answer however dead it is, and a client
/// leaves it only when Route 53's latency data next changes — which moves a client
/// near a tie, never one near its region. Latency aliases straight to the load
/// balancers, nothing checked; the probe in Dubai, almost as far from Singapore as
/// from Dublin.
pub(super) fn latency_near_tie(kind: LbKind) -> Scenario {
    let mut s = base(
        kind,
        "Latency with nothing checked: a client near a tie",
        &format!(
            "Latency records alias each region's load balancer directly, with no health check and no Evaluate \
             Target Health, so Route 53 never backs out of a dead region. The probe sits in Dubai, about as far from \
             Singapore as from Dublin: which region it is sent to depends on Route 53's latency data, which is \
             re-measured every {} s (an assumption: AWS publishes no period). Singapore's web server stops at 05:00. \
             The curl loop and its resolver are the report's; the design is the report's design 1 without its \
             checks; the region choice is ours.",
            LatencyModel::default().remeasure_period_s
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
    s
}

/// The geolocation layer: continents and the default location onto the three
/// regions (North and South America and the default → us-east-1, Europe and Africa
/// → eu-west-1, Asia and Oceania → ap-southeast-1).
const GEO_MAP: [(&str, Option<&str>, usize); 7] = [
    ("na", Some("NA"), 0),
    ("sa", Some("SA"), 0),
    ("eu", Some("EU"), 1),
    ("af", Some("AF"), 1),
    ("as", Some("AS"), 2),
    ("oc", Some("OC"), 2),
    ("default", None, 0),
];

fn geo_location(continent: Option<&str>) -> Routing {
    Routing::Geolocation {
        location: continent.map_or(GeoLocationSpec::Default, |c| GeoLocationSpec::Continent(c.into())),
    }
}

/// Field design 3b: geolocation → the regional failover cascades of design 1b.
pub(super) fn geo_failover(kind: LbKind) -> Scenario {
    let mut s = base(
        kind,
        "Geolocation → nested failover",
        &format!(
            "Geolocation records map continents (and the default location) onto the three regional failover \
             cascades of the latency → nested failover design. The nested failover pairs, not the geolocation \
             layer, do the failing over. {}",
            setup(
                "checks 10 s × 1 on the cascades' records that point at load balancers, ETH on those aliases, \
                   none on the geolocation layer"
            )
        ),
        &[
            "Washington is in North America: it follows the us-east-1 cascade's order.",
            "Clients in places no continent record covers use the default location (the us-east-1 cascade).",
        ],
    );
    s.zone.health_checks = region_checks(kind, REPORT_CHECK);
    for i in 0..REGIONS.len() {
        s.zone.records.extend(cascade(kind, i));
    }
    for (set, continent, region) in GEO_MAP {
        let to = AliasTarget::Record { name: cascade_names(REGIONS[region].1).0 };
        s.zone.records.push(alias(SERVICE, Some(set), geo_location(continent), to, false, None));
    }
    s.guide = field_guide(&s, kind, Outcome::Moves);
    s
}

/// Field design 3a: geolocation records straight to each region's load balancer,
/// each with its load balancer's check, and nothing below them.
pub(super) fn geo_checks_only(kind: LbKind) -> Scenario {
    let mut s = base(
        kind,
        "Geolocation with health checks only",
        &format!(
            "Geolocation records (continents and the default location) alias each region's load balancer \
             directly, each guarded by its load balancer's check. When a continent's record is unhealthy Route 53 \
             climbs to larger areas — the default — and, when those are unhealthy too, answers with the most \
             specific record anyway. {}",
            setup("checks 10 s × 1 on the geolocation records, no Evaluate Target Health")
        ),
        &[
            "Washington's record (North America) turns unhealthy, and so does the default: both point at us-east-1.",
            "With every applicable record unhealthy, Route 53 answers with the most specific one: no other region.",
        ],
    );
    s.zone.health_checks = region_checks(kind, REPORT_CHECK);
    for (set, continent, region) in GEO_MAP {
        let short = REGIONS[region].1;
        s.zone.records.push(alias(
            SERVICE,
            Some(set),
            geo_location(continent),
            lb_alias(kind, short),
            false,
            Some(check_id(short)),
        ));
    }
    s.guide = field_guide(&s, kind, Outcome::Stays);
    s
}
