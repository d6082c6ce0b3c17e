//! The Route 53 answer engine: given a validated zone, a query, the health status
//! the DNS servers currently see, the latency table and an RNG, answer exactly as
//! Route 53 would — and, on request, explain every step.
//!
//! Implements the routing policies, Evaluate Target Health and tree health as
//! `docs/model.md` (answers) describes them:
//! - pick candidates by policy, skip unhealthy ones, **fail open per group** when
//!   none is healthy (weighted: by weight among weight > 0; failover: primary;
//!   geolocation / IP-based: the smallest matching region; multivalue: up to 8
//!   unhealthy; latency / geoproximity: the best one);
//! - weight-0 records are considered only when every weight > 0 record is
//!   unhealthy; all-zero weights are equally likely;
//! - an alias with ETH is healthy when its target group has a healthy member (a load
//!   balancer: every target group with targets has a healthy target), and a health
//!   check on the alias itself must pass too; simple records are never checked;
//! - an alias answers with its target's TTL; a load balancer's is 60 s;
//! - the only empty answers are NXDOMAIN (no such name), NODATA (name exists, type
//!   absent) and "no answer" (geolocation / IP-based with no match and no default).
//!
//! [`answer_with_draws`] also says which random draws the answer made and whether any
//! could have chosen otherwise ([`Draws`]), so that a caller may serve the same query
//! again without walking the tree (the simulation does, `failover/lookups.rs`).
//!
//! Files: this one holds the query, the answer and the entry points; `answer/engine.rs`
//! walks the tree (a group, its records' health, an alias to follow);
//! `answer/policies.rs` applies each routing policy to a group's records;
//! `answer/explain.rs` is the explanation's data and text.

use std::sync::Arc;

use crate::base::geo::Place;
use crate::base::rng::SimRng;
use crate::base::time::SimTime;
use crate::route53::latency::LatencyTable;
use crate::route53::zone::{CheckIdx, Endpoint, HostIdx, LbIdx, Zone};
use crate::spec::zone::{LbKind, RecordType};

mod engine;
mod explain;
mod policies;

pub use engine::Draws;
use engine::Engine;
pub use explain::{Explain, Step, Verdict};

/// TTL of a load balancer's own DNS name and of aliases to it (model: answers).
pub const LB_TTL_S: u32 = 60;
/// Most records a multivalue answer returns (model: answers).
pub const MULTIVALUE_MAX: usize = 8;

/// Health as the Route 53 DNS servers currently see it.
pub trait HealthView {
    /// Status of check `c` (inversion and disabling already applied).
    fn check_healthy(&self, c: CheckIdx) -> bool;
    /// The load balancer's view, as reported to Route 53, of target `host`.
    fn target_healthy(&self, host: HostIdx) -> bool;
}

/// Everything healthy: the view before any fault.
#[derive(Clone, Copy, Debug, Default)]
pub struct AllHealthy;

impl HealthView for AllHealthy {
    fn check_healthy(&self, _: CheckIdx) -> bool {
        true
    }
    fn target_healthy(&self, _: HostIdx) -> bool {
        true
    }
}

/// A client address as Route 53 sees it: the resolver's source address, or the
/// EDNS client subnet when the resolver sends one.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientAddr {
    /// IPv4 address as a number.
    pub addr: u32,
    /// Prefix length (32 for a resolver's own address, 24 for a typical ECS).
    pub prefix_len: u8,
    /// Where the geolocation database places it.
    pub place: Place,
}

/// One query to the authoritative servers.
#[derive(Clone, Debug)]
pub struct Query<'a> {
    /// Queried name.
    pub name: &'a str,
    /// Queried type.
    pub rtype: RecordType,
    /// The resolver's own address.
    pub resolver: &'a ClientAddr,
    /// The EDNS client subnet, if the resolver sent one.
    pub ecs: Option<&'a ClientAddr>,
    /// Query time (for the latency table).
    pub now: SimTime,
}

impl Query<'_> {
    /// The address Route 53 routes by: ECS when present, else the resolver (model: answers).
    pub fn client(&self) -> &ClientAddr {
        self.ecs.unwrap_or(self.resolver)
    }
}

/// Where an answered address leads in the modelled world.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dest {
    /// A load balancer's node in one availability zone.
    LbNode {
        /// The load balancer.
        lb: LbIdx,
        /// The node's availability zone.
        az: Arc<str>,
    },
    /// A stand-alone host.
    Host(HostIdx),
    /// An address outside the modelled world.
    Unknown,
}

/// One item of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// An address record.
    Addr {
        /// The address as shown (`192.0.2.1`, or `lb-id@us-east-1a` for an LB node);
        /// shared, since every cache that holds the answer copies its items.
        text: Arc<str>,
        /// What it reaches.
        dest: Dest,
    },
    /// A CNAME the resolver must follow.
    Cname {
        /// The target name (shared, like an address's text).
        target: Arc<str>,
        /// Where the name is answered.
        to: CnameTo,
    },
}

/// Who answers a CNAME's target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CnameTo {
    /// A load balancer's own DNS name.
    Lb(LbIdx),
    /// A name in this zone.
    Zone,
    /// A name outside the modelled world.
    External,
}

/// Route 53's response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Records, all with one TTL.
    Records {
        /// The answer section: addresses, or a CNAME and where it leads.
        items: Vec<Item>,
        /// TTL in seconds.
        ttl_s: u32,
    },
    /// NOERROR with no records: the type is absent, or geolocation / IP-based routing
    /// matched nothing and has no default ("no answer"). Cached negatively.
    NoData {
        /// Negative-caching TTL.
        ttl_s: u32,
        /// Why.
        reason: NoDataReason,
    },
    /// The name does not exist. Cached negatively.
    NxDomain {
        /// Negative-caching TTL.
        ttl_s: u32,
    },
}

/// Why an answer is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoDataReason {
    /// The name exists but has no record of the queried type.
    TypeAbsent,
    /// Geolocation or IP-based routing with no matching record and no default.
    NoMatch,
    /// The chosen record is an alias to a name with no record of the queried type.
    AliasTargetMissing,
}

impl Answer {
    /// The TTL a resolver caches this answer for.
    pub fn ttl_s(&self) -> u32 {
        match self {
            Answer::Records { ttl_s, .. } | Answer::NoData { ttl_s, .. } | Answer::NxDomain { ttl_s } => *ttl_s,
        }
    }

    /// The answer in one line, e.g. `alb-use1@us-east-1a, alb-use1@us-east-1b (TTL 60)`.
    pub fn summary(&self) -> String {
        match self {
            Answer::Records { items, ttl_s, .. } => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|i| match i {
                        Item::Addr { text, .. } => text.to_string(),
                        Item::Cname { target, .. } => format!("CNAME {target}"),
                    })
                    .collect();
                format!("{} (TTL {ttl_s})", parts.join(", "))
            }
            Answer::NoData { reason: NoDataReason::AliasTargetMissing, ttl_s } => {
                format!("no answer: the alias's target has no records (NOERROR, negative TTL {ttl_s})")
            }
            Answer::NoData { reason: NoDataReason::NoMatch, ttl_s } => {
                format!("no answer: no matching location and no default (NOERROR, negative TTL {ttl_s})")
            }
            Answer::NoData { reason: NoDataReason::TypeAbsent, ttl_s } => {
                format!("NODATA: no record of this type (negative TTL {ttl_s})")
            }
            Answer::NxDomain { ttl_s } => format!("NXDOMAIN (negative TTL {ttl_s})"),
        }
    }
}

/// Answers `query`. See the module doc for the rules.
pub fn answer(
    zone: &Zone,
    query: &Query<'_>,
    health: &dyn HealthView,
    latency: &LatencyTable,
    rng: &mut SimRng,
) -> Answer {
    answer_with_draws(zone, query, health, latency, rng).0
}

/// [`answer`], with the draws it made: when they could not change it
/// ([`Draws::fixed`]), the same query under the same health, zone and latency data
/// gets the same answer, and [`Draws::replay`] moves a stream as answering it would.
pub fn answer_with_draws(
    zone: &Zone,
    query: &Query<'_>,
    health: &dyn HealthView,
    latency: &LatencyTable,
    rng: &mut SimRng,
) -> (Answer, Draws) {
    let mut e = Engine::new(zone, query, health, latency, false);
    let a = e.run(rng);
    (a, e.draws)
}

/// Answers `query` and returns the path taken (the records chosen) with an
/// explanation of each step.
pub fn answer_explained(
    zone: &Zone,
    query: &Query<'_>,
    health: &dyn HealthView,
    latency: &LatencyTable,
    rng: &mut SimRng,
) -> (Answer, Explain) {
    let mut e = Engine::new(zone, query, health, latency, true);
    let a = e.run(rng);
    (a, e.explain.unwrap_or_default())
}

/// What a load balancer's own DNS name answers: one node address per enabled
/// availability zone. An **NLB** removes a zone's address while no target group has
/// a healthy target in that zone, and answers with every zone when none has (NLB
/// user guide, "Target group health checks"). An **ALB** keeps every zone's node in
/// DNS whatever its targets' health: cross-zone load balancing is always on at the
/// load balancer (ALB user guide; a per-target-group switch exists only since
/// November 2022 and is not modelled). TTL [`LB_TTL_S`].
pub fn lb_answer(zone: &Zone, lb: LbIdx, health: &dyn HealthView) -> Vec<Item> {
    let l = &zone.load_balancers[lb];
    let has_healthy_target = |i: usize| l.az_targets[i].iter().any(|&h| health.target_healthy(h));
    let node = |i: usize| Item::Addr { text: l.node_texts[i].clone(), dest: Dest::LbNode { lb, az: l.azs[i].clone() } };
    let healthy: Vec<Item> = match l.spec.kind {
        LbKind::Nlb => (0..l.azs.len()).filter(|&i| has_healthy_target(i)).map(node).collect(),
        LbKind::Alb => (0..l.azs.len()).map(node).collect(),
    };
    if healthy.is_empty() { (0..l.azs.len()).map(node).collect() } else { healthy }
}

/// Is load balancer `lb` healthy for Evaluate Target Health: every target group
/// that has registered targets contains a healthy one, and a target group with no
/// registered targets counts as **unhealthy** (Route 53 developer guide, values
/// for failover alias records; so documented since 25 February 2019 — earlier
/// texts counted an empty target group as healthy). A load balancer with no
/// target group at all has no registered target either, and is unhealthy too.
pub fn lb_healthy(zone: &Zone, lb: LbIdx, health: &dyn HealthView) -> bool {
    let tgs = &zone.load_balancers[lb].target_groups;
    !tgs.is_empty() && tgs.iter().all(|tg| tg.iter().any(|&h| health.target_healthy(h)))
}

/// The endpoint an answer item reaches, if it is a modelled one.
pub fn item_endpoint(item: &Item) -> Option<Endpoint> {
    match item {
        Item::Addr { dest: Dest::LbNode { lb, .. }, .. } => Some(Endpoint::Lb(*lb)),
        Item::Addr { dest: Dest::Host(h), .. } => Some(Endpoint::Host(*h)),
        _ => None,
    }
}
