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
//!
//! This module holds the experiment's world (`base`) and the helpers every design
//! shares; the designs are in `field/weighted.rs`, `field/cascades.rs` and
//! `field/geo.rs`, their guided sessions in `field/guide.rs`.

use crate::design::guide::{Mechanisms, clock};
use crate::spec::kinds::ResolverKind;
use crate::spec::scenario::*;
use crate::spec::zone::*;

mod cascades;
mod geo;
mod guide;
mod weighted;

pub(super) use cascades::{latency_failover, latency_layer_pitfall, latency_near_tie};
pub(super) use geo::{geo_checks_only, geo_failover};
use guide::{Outcome, field_guide};
pub(super) use weighted::{Weighted, latency_weighted};

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
        // The report is silent on the load balancers' own target checks: 2019's defaults.
        health: Some(LbHealthSettings::defaults(kind, AwsEra::Y2019)),
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
            // The population's defaults (docs/model.md, "Client population and traffic").
            kinds: default_kind_mix(),
            extender_pct: default_extender_pct(),
            extend_ttl_s: default_extend_ttl(),
            client_kinds: default_client_mix(),
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

/// The setup lines every story ends with: what comes from the report and what is a
/// default.
fn setup(report: &str) -> String {
    format!(
        "From the report: {report}; a curl loop once a second from Washington, DC, no DNS cache, no connection \
         reuse; us-east-1's web server stopped at 05:00, eu-west-1's at 15:00. AWS defaults of 2019 where the report \
         is silent: the load balancers' own target checks (ALB 30 s, 5 healthy / 2 unhealthy; NLB 30 s, 3 / 3)."
    )
}
