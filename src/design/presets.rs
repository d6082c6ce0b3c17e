//! Built-in scenarios: the regional-failover field designs of
//! `field-designs.md` §A, each with an ALB and an NLB variant and a probe that
//! reproduces the experiment — a client in Washington, DC requesting the name once a
//! second with no client-side cache, through a resolver that honours TTLs, while the
//! web servers of the serving region are stopped, then those of the next one.
//!
//! Settings come from the design text and the reference defaults (TTL 60 s for
//! alias answers, 30 s × 3 health checks unless the design tunes them), never tuned
//! toward an outcome.

use crate::spec::kinds::ClientKind;
use crate::spec::kinds::ResolverKind;
use crate::spec::scenario::*;
use crate::spec::zone::*;

/// A preset's name and builder.
pub struct Preset {
    /// Name used in `preset:NAME`.
    pub name: &'static str,
    /// Builds the scenario.
    pub build: fn() -> Scenario,
}

/// Every built-in preset, the default first.
pub const PRESETS: &[Preset] = &[
    Preset { name: "latency-weighted-alb", build: || latency_weighted(LbKind::Alb, WeightedVariant::Eth) },
    Preset { name: "latency-weighted-nlb", build: || latency_weighted(LbKind::Nlb, WeightedVariant::Eth) },
    Preset { name: "latency-weighted-checks-alb", build: || latency_weighted(LbKind::Alb, WeightedVariant::Checks) },
    Preset { name: "latency-weighted-checks-nlb", build: || latency_weighted(LbKind::Nlb, WeightedVariant::Checks) },
    Preset { name: "latency-weighted-cname-ttl1-alb", build: || latency_weighted(LbKind::Alb, WeightedVariant::Cname) },
    Preset { name: "latency-weighted-cname-ttl1-nlb", build: || latency_weighted(LbKind::Nlb, WeightedVariant::Cname) },
    Preset { name: "latency-failover-alb", build: || latency_failover(LbKind::Alb, false) },
    Preset { name: "latency-failover-nlb", build: || latency_failover(LbKind::Nlb, false) },
    Preset { name: "latency-layer-pitfall-alb", build: || latency_failover(LbKind::Alb, true) },
    Preset { name: "latency-layer-pitfall-nlb", build: || latency_failover(LbKind::Nlb, true) },
    Preset { name: "geo-failover-alb", build: || geo_failover(LbKind::Alb) },
    Preset { name: "geo-failover-nlb", build: || geo_failover(LbKind::Nlb) },
    Preset { name: "all-defaults-alb", build: || all_defaults(LbKind::Alb) },
    Preset { name: "all-defaults-nlb", build: || all_defaults(LbKind::Nlb) },
    Preset { name: "data-plane-by-stripe", build: || data_plane(true) },
    Preset { name: "data-plane-bad-plan", build: || data_plane(false) },
    Preset { name: "external-api-by-az", build: || control_plane(true) },
    Preset { name: "internal-api-by-fleet", build: || control_plane(false) },
];

/// The preset named `name`.
pub fn preset(name: &str) -> Option<Scenario> {
    PRESETS.iter().find(|p| p.name == name).map(|p| (p.build)())
}

/// An empty design with the field experiment's world — resolvers, population and
/// probe — and nothing in the zone: the starting point for building a tree by hand.
pub fn empty() -> Scenario {
    let mut s = base(
        LbKind::Alb,
        "Empty design".into(),
        "A zone with no records yet. Add a rule at the top of the routing tree, then rules and \
         endpoints under it; stop a region's web servers at the playhead to see how the design fails over.",
        &["Which record answers before and after you stop a region?", "How long until the probe switches?"],
    );
    s.title = "Empty design".into();
    s.zone.records.clear();
    s.zone.regions.clear();
    s.zone.load_balancers.clear();
    s.faults.clear();
    s
}

const APEX: &str = "example.com";
const SERVICE: &str = "sso.example.com";
/// The three regions of the experiment, in the probe's order of proximity.
const REGIONS: [(&str, &str, &str); 3] =
    [("us-east-1", "use1", "AMERS"), ("eu-west-1", "euw1", "EMEA"), ("ap-southeast-1", "apse1", "ASPAC")];

fn lb_spec(kind: LbKind, region: &str, short: &str) -> LoadBalancerSpec {
    let kind_s = match kind {
        LbKind::Alb => "alb",
        LbKind::Nlb => "nlb",
    };
    LoadBalancerSpec {
        id: format!("{kind_s}-{short}"),
        kind,
        region: region.into(),
        dns_name: format!("{kind_s}-{short}.{region}.elb.amazonaws.com"),
        target_groups: vec![TargetGroupSpec {
            id: "web".into(),
            targets: vec![HostSpec { id: format!("web-{short}"), az: format!("{region}a"), ip: None }],
        }],
        health: None,
    }
}

fn lb_id(kind: LbKind, short: &str) -> String {
    match kind {
        LbKind::Alb => format!("alb-{short}"),
        LbKind::Nlb => format!("nlb-{short}"),
    }
}

fn endpoint_check(id: &str, lb: &str, interval_s: u32, failure_threshold: u32) -> HealthCheckSpec {
    HealthCheckSpec {
        id: id.into(),
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

fn base(kind: LbKind, title: String, description: &str, watch_for: &[&str]) -> Scenario {
    Scenario {
        version: CURRENT_VERSION,
        title,
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
            requests_per_min: 2.0,
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
        view: ViewState { panel: "timeline".into(), playhead_ms: 0, speed: 10.0, deploy_ms: 0 },
    }
    .with_lb_suffix(kind)
}

impl Scenario {
    fn with_lb_suffix(mut self, kind: LbKind) -> Scenario {
        let s = match kind {
            LbKind::Alb => " (ALB)",
            LbKind::Nlb => " (NLB)",
        };
        self.title.push_str(s);
        self
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum WeightedVariant {
    /// Evaluate Target Health on the latency aliases and down to the LBs.
    Eth,
    /// As `Eth`, plus Route 53 health checks on the latency records.
    Checks,
    /// CNAMEs (TTL 1 s) instead of aliases, health checks on the weighted CNAMEs.
    Cname,
}

/// Field design A.2: latency → per-region weighted sets → load balancers.
fn latency_weighted(kind: LbKind, variant: WeightedVariant) -> Scenario {
    let (title, desc, watch): (&str, &str, &[&str]) = match variant {
        WeightedVariant::Eth => (
            "Latency → weighted",
            "Latency records alias to per-region weighted sets that send everything to that region's load balancer; Evaluate Target Health carries the LB's own target health up the tree. Stop us-east-1's web server at 05:00 and watch when Washington moves to Europe.",
            &[
                "The LB notices its dead target first (interval × threshold, or passively for an NLB); only then can Route 53 back out of the region.",
                "Alias answers carry the LB's 60 s TTL: resolvers keep the old answer until it runs out.",
                "Between the stop and the switch, an ALB answers HTTP 502 itself while an NLB refuses the connection.",
            ],
        ),
        WeightedVariant::Checks => (
            "Latency → weighted, with health checks on the latency records",
            "The same tree with Route 53 endpoint health checks (30 s × 3) attached to the latency records as well. A check on the latency layer must pass too, so either signal can move traffic.",
            &[
                "Which fires first: the LB's target check through Evaluate Target Health, or the Route 53 checkers' 18 % rule?",
                "Route 53's checkers need about 82 % of 16 checkers to flip: close to the slowest checker.",
            ],
        ),
        WeightedVariant::Cname => (
            "Latency → weighted with CNAMEs, TTL 1 s",
            "CNAME records instead of aliases, so the TTL can be set to 1 s; health checks (10 s × 1) sit on the weighted CNAMEs because a CNAME cannot evaluate its target. Each region's LB name keeps its own 60 s TTL, but the switch moves to a different name.",
            &[
                "With a 1 s TTL on the CNAMEs, resolvers ask Route 53 again every second: the switch waits only for detection and the push.",
                "Fast checks (10 s × 1) detect a refused endpoint in about 10–15 s.",
            ],
        ),
    };
    let mut s = base(kind, title.to_string(), desc, watch);
    for (region, short, _) in REGIONS {
        let lb = lb_id(kind, short);
        let set_name = format!("{short}.{SERVICE}");
        match variant {
            WeightedVariant::Eth | WeightedVariant::Checks => {
                s.zone.records.push(alias(
                    &set_name,
                    Some(short),
                    Routing::Weighted { weight: 100 },
                    AliasTarget::LoadBalancer { id: lb.clone() },
                    true,
                    None,
                ));
                let hc = (variant == WeightedVariant::Checks).then(|| {
                    s.zone.health_checks.push(endpoint_check(&format!("hc-{short}"), &lb, 30, 3));
                    format!("hc-{short}")
                });
                s.zone.records.push(alias(
                    SERVICE,
                    Some(region),
                    Routing::Latency { region: region.into() },
                    AliasTarget::Record { name: set_name },
                    true,
                    hc,
                ));
            }
            WeightedVariant::Cname => {
                s.zone.health_checks.push(endpoint_check(&format!("hc-{short}"), &lb, 10, 1));
                let dns =
                    s.zone.load_balancers.iter().find(|l| l.id == lb).map(|l| l.dns_name.clone()).unwrap_or_default();
                s.zone.records.push(RecordSpec {
                    name: set_name.clone(),
                    rtype: RecordType::CNAME,
                    set_id: Some(short.into()),
                    routing: Routing::Weighted { weight: 100 },
                    ttl_s: Some(1),
                    value: RecordValue::Values(vec![dns]),
                    health_check: Some(format!("hc-{short}")),
                });
                s.zone.records.push(RecordSpec {
                    name: SERVICE.into(),
                    rtype: RecordType::CNAME,
                    set_id: Some(region.into()),
                    routing: Routing::Latency { region: region.into() },
                    ttl_s: Some(1),
                    value: RecordValue::Values(vec![set_name]),
                    health_check: Some(format!("hc-{short}")),
                });
            }
        }
    }
    s
}

/// Field design A.1: latency → nested failover (primary = the region's LB, secondary
/// = a failover pair of the next two regions). With `pitfall`, Route 53 health checks
/// are also attached to the latency-layer aliases.
fn latency_failover(kind: LbKind, pitfall: bool) -> Scenario {
    let (title, desc, watch): (String, &str, &[&str]) = if pitfall {
        (
            "Latency-layer health-check pitfall".into(),
            "The nested-failover tree with a health check attached to each latency alias as well. When us-east-1's check fails, Route 53 skips that whole branch and takes the next-best latency region, so the carefully ordered failover below it never acts.",
            &[
                "After the latency check fails, the answer comes from the next-best latency region, not from the tree's own secondary.",
                "Compare with latency-failover: the same faults, a different path through the tree (use the query tester).",
            ],
        )
    } else {
        (
            "Latency → nested failover".into(),
            "Each latency record aliases to a failover pair: primary = its own region's LB, secondary = a second pair of the other two regions, giving every region a fixed primary / secondary / tertiary order. Evaluate Target Health carries LB health up.",
            &[
                "Inside the us-east-1 branch, the failover pair moves to its secondary without leaving the branch.",
                "When eu-west-1 also stops, the tertiary (ap-southeast-1) takes over.",
            ],
        )
    };
    let mut s = base(kind, title, desc, watch);
    let order = |i: usize| [REGIONS[i], REGIONS[(i + 1) % 3], REGIONS[(i + 2) % 3]];
    for i in 0..3 {
        let [(region, short, _), (_, second, _), (_, third, _)] = order(i);
        let name1 = format!("{short}.{SERVICE}");
        let name2 = format!("{short}-2.{SERVICE}");
        let fo = |role| Routing::Failover { role };
        s.zone.records.push(alias(
            &name1,
            Some("primary"),
            fo(FailoverRole::Primary),
            AliasTarget::LoadBalancer { id: lb_id(kind, short) },
            true,
            None,
        ));
        s.zone.records.push(alias(
            &name1,
            Some("secondary"),
            fo(FailoverRole::Secondary),
            AliasTarget::Record { name: name2.clone() },
            true,
            None,
        ));
        s.zone.records.push(alias(
            &name2,
            Some("primary"),
            fo(FailoverRole::Primary),
            AliasTarget::LoadBalancer { id: lb_id(kind, second) },
            true,
            None,
        ));
        s.zone.records.push(alias(
            &name2,
            Some("secondary"),
            fo(FailoverRole::Secondary),
            AliasTarget::LoadBalancer { id: lb_id(kind, third) },
            true,
            None,
        ));
        let hc = pitfall.then(|| {
            s.zone.health_checks.push(endpoint_check(&format!("hc-{short}"), &lb_id(kind, short), 30, 3));
            format!("hc-{short}")
        });
        s.zone.records.push(alias(
            SERVICE,
            Some(region),
            Routing::Latency { region: region.into() },
            AliasTarget::Record { name: name1 },
            true,
            hc,
        ));
    }
    s
}

/// Field design A.3: geolocation (continents and default) → the nested failover trees.
fn geo_failover(kind: LbKind) -> Scenario {
    let mut s = latency_failover(kind, false);
    s.title = "Geolocation → nested failover".into();
    s.title.push_str(match kind {
        LbKind::Alb => " (ALB)",
        LbKind::Nlb => " (NLB)",
    });
    s.description = "Geolocation records map continents (and the default location) onto the three regional failover trees. The nested failover pairs, not the geolocation layer, do the failing over.".into();
    s.watch_for = vec![
        "Washington is in North America: it follows the us-east-1 tree's order.".into(),
        "Clients in countries without a record use the default location (the us-east-1 tree).".into(),
    ];
    s.zone.records.retain(|r| r.name != SERVICE);
    let geo = |loc: GeoLocationSpec| Routing::Geolocation { location: loc };
    let to = |short: &str| AliasTarget::Record { name: format!("{short}.{SERVICE}") };
    for (set, loc, short) in [
        ("na", GeoLocationSpec::Continent("NA".into()), "use1"),
        ("sa", GeoLocationSpec::Continent("SA".into()), "use1"),
        ("eu", GeoLocationSpec::Continent("EU".into()), "euw1"),
        ("af", GeoLocationSpec::Continent("AF".into()), "euw1"),
        ("as", GeoLocationSpec::Continent("AS".into()), "apse1"),
        ("oc", GeoLocationSpec::Continent("OC".into()), "apse1"),
        ("default", GeoLocationSpec::Default, "use1"),
    ] {
        s.zone.records.push(alias(SERVICE, Some(set), geo(loc), to(short), true, None));
    }
    s
}

/// Field design A.4: everything at its default — standard checks (30 s × 3) and a
/// 300 s TTL on latency CNAMEs to the load balancers' names.
fn all_defaults(kind: LbKind) -> Scenario {
    let mut s = base(
        kind,
        "All defaults".into(),
        "Latency CNAMEs with the console's 300 s TTL point at each region's load balancer, guarded by standard Route 53 health checks (30 s × 3). Nothing is tuned.",
        &[
            "No health-check-driven routing can act in under about 90 s.",
            "Then the 300 s TTL dominates: resolvers keep sending users to the dead region for up to five more minutes.",
        ],
    );
    for (region, short, _) in REGIONS {
        let lb = lb_id(kind, short);
        s.zone.health_checks.push(endpoint_check(&format!("hc-{short}"), &lb, 30, 3));
        let dns = s.zone.load_balancers.iter().find(|l| l.id == lb).map(|l| l.dns_name.clone()).unwrap_or_default();
        s.zone.records.push(RecordSpec {
            name: SERVICE.into(),
            rtype: RecordType::CNAME,
            set_id: Some(region.into()),
            routing: Routing::Latency { region: region.into() },
            ttl_s: Some(300),
            value: RecordValue::Values(vec![dns]),
            health_check: Some(format!("hc-{short}")),
        });
    }
    s
}

/// Field design B.3: the data plane. `by_stripe`: a first wave of one location on
/// the oldest hardware, then waves of one stripe each, spread over continents, 24 h
/// bakes early. Otherwise the contrast: waves of neighbouring locations that mix
/// stripes, a big first wave, and one-hour bakes.
fn data_plane(by_stripe: bool) -> Scenario {
    use crate::deploy::arrange_by_stripe;
    use crate::spec::deploy::{BadBuild, BadKind, DeploySpec, Plan, Wave, default_fleet};
    let fleet = default_fleet();
    let waves = if by_stripe {
        arrange_by_stripe(&fleet, 5)
    } else {
        // Neighbours together: sort by longitude and cut into waves of ten.
        let mut ids: Vec<(i64, String)> = fleet
            .iter()
            .map(|l| {
                let c = crate::base::geo::city(&l.city).expect("fleet city");
                ((c.lon * 100.0) as i64, l.id.clone())
            })
            .collect();
        ids.sort();
        ids.chunks(10).map(|c| Wave { locations: c.iter().map(|x| x.1.clone()).collect(), bake_s: 3_600 }).collect()
    };
    let mut s = latency_weighted(LbKind::Nlb, WeightedVariant::Eth);
    s.title = if by_stripe { "Data plane: waves by stripe".into() } else { "Data plane: waves of neighbours".into() };
    s.description = if by_stripe {
        "A black-holing build goes out to 60 edge locations in four anycast stripes: first one location on the oldest hardware, then waves of one stripe each, spread over the continents.".into()
    } else {
        "The same black-holing build, pushed in waves of neighbouring locations that mix stripes, with a ten-location first wave and one-hour bakes.".into()
    };
    s.watch_for = vec![
        "Worst name servers per zone: one with waves by stripe, several when a wave mixes stripes.".into(),
        "Only resolvers that reach the bad location for one of their zone's name servers are hurt: each waits out its kind's timeout, then another name server answers.".into(),
        "The alarm halts the plan; rollback bounds the damage to the waves already out.".into(),
    ];
    s.view.panel = "deploy".into();
    s.deploy = Some(DeploySpec {
        fleet,
        zones: 10_000,
        pool_per_stripe: 512,
        max_shared: 2,
        resolvers: 2_000,
        users_per_resolver: 100,
        user_requests_per_min: 1.0,
        record_ttl_s: 300,
        impaired_ms: 100.0,
        negative_ttl_s: 900,
        anycast: crate::spec::deploy::AnycastParams::default(),
        resolver_params: crate::spec::deploy::ResolverParams::default(),
        alarm: crate::spec::deploy::AlarmSpec::default(),
        plan: Plan {
            name: if by_stripe { "by stripe".into() } else { "neighbours".into() },
            // Split-world staging: two staging waves.
            staging_waves: 2,
            staging_bake_s: 3_600,
            waves,
            unit_deploy_s: 600,
            verify_s: 600,
            rollback_s: 900,
        },
        bad_build: BadBuild {
            kind: BadKind::BlackHole,
            alarm_delay_s: None,
            detected: true,
            slow_ms: 400,
            old_gen: 1,
            wrong_answer: crate::spec::deploy::WrongAnswer::Records,
        },
        outages: Vec::new(),
    });
    s
}

/// Field designs B.1 and B.2: the control plane's external API (one AZ per wave)
/// and internal API (batch → operations → customer, split-world staging).
fn control_plane(external: bool) -> Scenario {
    let mut s = latency_weighted(LbKind::Alb, WeightedVariant::Eth);
    s.view.panel = "deploy".into();
    if external {
        s.title = "External API: one AZ per wave".into();
        s.description = "The external API runs in three availability zones; each wave is one AZ, deployed host by host. A failure no health check sees is caught by the error-rate alarm, and operators shift traffic away from that AZ.".into();
        s.watch_for = vec![
            "One host in one AZ takes the bad build before anything halts.".into(),
            "Failures the load balancer's check misses cost until the alarm and the traffic shift.".into(),
        ];
        s.control_plane = Some(crate::deploy::control::external_api());
    } else {
        s.title = "Internal API: batch, operations, customer".into();
        s.description = "The internal API is split by traffic type and deployed least critical first, host by host with a deep health check. Staging splits every fleet over two waves so old and new versions run side by side.".into();
        s.watch_for = vec![
            "The deep check halts in the batch fleet: customers never see the bad build.".into(),
            "A version incompatibility shows in split-world staging, before production.".into(),
        ];
        s.control_plane = Some(crate::deploy::control::internal_api());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_round_trips_through_json() {
        for p in PRESETS {
            let s = (p.build)();
            crate::route53::zone::Zone::new(&s.zone).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            let back = Scenario::from_json(&s.to_json()).unwrap();
            assert_eq!(back, s, "{}", p.name);
            assert!(s.watch_for.len() >= 2 && s.watch_for.len() <= 4, "{}", p.name);
        }
    }
}
