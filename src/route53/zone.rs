//! The validated zone: the one internal form the answer engine and the simulator
//! read. [`Zone::new`] checks a [`ZoneSpec`] once and collects **every** problem,
//! each named by its path in the spec (`records[3].value.alias.target`), instead of
//! stopping at the first.
//!
//! Validation rules follow Route 53's documented limits (`docs/model.md`, answers): alias cycles and dangling
//! references, ranges (weights 0–255, thresholds 1–10, intervals 10/30 s, bias
//! −99..99), set identifiers, one policy per group, one default per geolocation
//! group, one record per latency region, CNAME placement, and size limits that
//! keep a hostile document from freezing the page.
//!
//! The validator walks the zone one section at a time, each in its own file under
//! `zone/`: `validate.rs` (the frame, the size limits and the order of sections),
//! `endpoints.rs` (regions, load balancers, hosts), `checks.rs` (health checks),
//! `groups.rs` (record groups and each group's policy rules), `cidrs.rs` (CIDR
//! collections), `records.rs` (each record) and `aliases.rs` (the alias graph).

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::sync::Arc;

use crate::base::geo::LatLon;
use crate::spec::problems::Problems;
use crate::spec::zone::*;

mod aliases;
mod checks;
mod cidrs;
mod endpoints;
mod groups;
mod records;
mod validate;

/// Hard limits on a zone's size; each refusal names the limit.
pub mod limits {
    /// Records per zone.
    pub const RECORDS: usize = 2_000;
    /// Health checks per zone.
    pub const HEALTH_CHECKS: usize = 1_000;
    /// Load balancers per zone.
    pub const LOAD_BALANCERS: usize = 200;
    /// Hosts (targets and stand-alone) per zone.
    pub const HOSTS: usize = 5_000;
    /// Values in one record.
    pub const VALUES: usize = 100;
    /// Length of any name or id.
    pub const NAME_LEN: usize = 253;
    /// Children of a calculated check: the API's `ChildHealthChecks` holds at most 256
    /// (the quotas page says 255) (`docs/model.md`, "Route 53: health checks…").
    pub const CALCULATED_CHILDREN: usize = 256;
    /// CIDR blocks in all collections together.
    pub const CIDR_BLOCKS: usize = 5_000;
    /// Deepest chain of aliases to other records of the zone the model accepts. Route
    /// 53 publishes no nesting limit that we found, so this is an assumed bound, deep
    /// enough for every shipped preset (`docs/model.md`, "Route 53: answers").
    pub const ALIAS_DEPTH: usize = 3;
}

/// Index of a record in [`Zone::records`].
pub type RecordIdx = usize;
/// Index of a group in [`Zone::groups`].
pub type GroupIdx = usize;
/// Index of a health check in [`Zone::health_checks`].
pub type CheckIdx = usize;
/// Index of a load balancer in [`Zone::load_balancers`].
pub type LbIdx = usize;
/// Index of a host in [`Zone::hosts`].
pub type HostIdx = usize;

/// A validated record: everything the answer engine, the simulator and the lint
/// need, typed — no engine reads the record's spec.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Owner name, e.g. `sso.example.com`.
    pub name: String,
    /// Record type.
    pub rtype: RecordType,
    /// Set identifier (every policy but simple has one).
    pub set_id: Option<String>,
    /// TTL, s; `None` for an alias, which answers with its target's TTL (model: answers).
    pub ttl_s: Option<u32>,
    /// The routing policy, with what the answer engine needs to apply it.
    pub policy: Policy,
    /// The group (name, type) it belongs to.
    pub group: GroupIdx,
    /// What it answers.
    pub target: Target,
    /// Its health check.
    pub check: Option<CheckIdx>,
    /// Evaluate Target Health (aliases only).
    pub eth: bool,
}

impl Record {
    /// A short label: `name TYPE [set-id]`.
    pub fn label(&self) -> String {
        match &self.set_id {
            Some(id) => format!("{} {} [{}]", self.name, self.rtype.as_str(), id),
            None => format!("{} {}", self.name, self.rtype.as_str()),
        }
    }

    /// Is this record an alias?
    pub fn is_alias(&self) -> bool {
        matches!(self.target, Target::AliasGroup(_) | Target::AliasLb(_) | Target::AliasMissing(_))
    }
}

/// A validated routing policy (model: answers): the spec's [`Routing`] with its references
/// resolved (a geoproximity region to coordinates, an IP-based location to its CIDR
/// blocks).
#[derive(Clone, Debug, PartialEq)]
pub enum Policy {
    /// One record per name and type; every value returned; never health checked.
    Simple,
    /// Weighted random choice.
    Weighted {
        /// Relative weight, 0..=255.
        weight: u32,
    },
    /// Lowest latency region.
    Latency {
        /// The AWS region this record stands for.
        region: String,
    },
    /// Active–passive.
    Failover {
        /// Primary or secondary.
        role: FailoverRole,
    },
    /// By the client's geographic location.
    Geolocation {
        /// The location this record serves.
        location: GeoLocationSpec,
    },
    /// Closest resource, with bias.
    Geoproximity {
        /// Where the resource is (a region's city, or the given coordinates).
        at: LatLon,
        /// −99..=99; positive grows the catchment (model: answers).
        bias: i32,
    },
    /// Up to 8 healthy records.
    Multivalue,
    /// By the client's address.
    IpBased {
        /// The CIDR blocks of this record's location (empty for the default).
        blocks: Vec<Cidr>,
        /// Whether this is the collection's default location `*`.
        default: bool,
    },
}

impl Policy {
    /// The policy's name, as used in messages (the same as [`Routing::name`]).
    pub fn name(&self) -> &'static str {
        match self {
            Policy::Simple => "simple",
            Policy::Weighted { .. } => "weighted",
            Policy::Latency { .. } => "latency",
            Policy::Failover { .. } => "failover",
            Policy::Geolocation { .. } => "geolocation",
            Policy::Geoproximity { .. } => "geoproximity",
            Policy::Multivalue => "multivalue",
            Policy::IpBased { .. } => "ip_based",
        }
    }
}

/// What a validated record answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// Literal values.
    Values(Vec<Value>),
    /// Alias to a group in the zone.
    AliasGroup(GroupIdx),
    /// Alias to a load balancer.
    AliasLb(LbIdx),
    /// Alias to a name in the zone that has no record of the alias's type: a tree
    /// that was never built, or whose records were deleted. Route 53 answers it
    /// with no address; with Evaluate Target Health it is unhealthy (nothing in the
    /// target is healthy).
    AliasMissing(String),
}

/// One literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An address no modelled endpoint owns (shared by every answer with it).
    Ip(Arc<str>),
    /// A stand-alone host.
    Host(HostIdx),
    /// A CNAME to a load balancer's DNS name.
    CnameLb(LbIdx),
    /// A CNAME to a name in this zone.
    CnameZone(Arc<str>),
    /// A CNAME to a name outside the modelled world.
    CnameExternal(Arc<str>),
}

/// A group of records sharing name and type.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Owner name.
    pub name: String,
    /// Type.
    pub rtype: RecordType,
    /// Member records, in spec order.
    pub members: Vec<RecordIdx>,
}

/// A validated health check.
#[derive(Clone, Debug, PartialEq)]
pub struct HealthCheck {
    /// The check as written (id, kind, settings).
    pub spec: HealthCheckSpec,
    /// Children (calculated checks).
    pub children: Vec<CheckIdx>,
    /// Endpoint target, resolved.
    pub target: Option<Endpoint>,
}

/// Something a client or a checker connects to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Endpoint {
    /// A load balancer.
    Lb(LbIdx),
    /// A stand-alone host.
    Host(HostIdx),
}

/// A validated load balancer.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadBalancer {
    /// The load balancer as written (id, kind, region, target groups).
    pub spec: LoadBalancerSpec,
    /// Health settings (the kind's defaults when not given).
    pub health: LbHealthSettings,
    /// Target groups: host indices per group.
    pub target_groups: Vec<Vec<HostIdx>>,
    /// Every target group's targets, one after the other (in target-group order).
    pub targets: Vec<HostIdx>,
    /// The targets in each of `azs`, in the order of `targets`.
    pub az_targets: Vec<Vec<HostIdx>>,
    /// Availability zones with at least one target, sorted (shared: every answer
    /// with one of the LB's node addresses names its zone).
    pub azs: Vec<Arc<str>>,
    /// Each zone's node address as answers show it (`lb-id@us-east-1a`), in the
    /// order of `azs`.
    pub node_texts: Vec<Arc<str>>,
    /// Its DNS name as a CNAME to it answers (shared by every such answer).
    pub name_text: Arc<str>,
}

/// A host: an LB target or a stand-alone server.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// The host as written (id, region, AZ, address).
    pub spec: HostSpec,
    /// The region (from the LB, or from the AZ name).
    pub region: String,
    /// The load balancer it is registered with, if any.
    pub lb: Option<LbIdx>,
    /// Its address as answers show it (`host:<id>` when it has none), shared by
    /// every answer that names it.
    pub text: Arc<str>,
}

/// An IPv4 CIDR block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    /// Network address.
    pub addr: u32,
    /// Prefix length.
    pub len: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`.
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, l) = s.split_once('/')?;
        let ip: Ipv4Addr = a.parse().ok()?;
        let len: u8 = l.parse().ok()?;
        if len > 32 {
            return None;
        }
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
        Some(Cidr { addr: u32::from(ip) & mask, len })
    }

    /// Does this block contain the client prefix `addr/len`? A client prefix shorter
    /// than the block does not match (model: answers).
    pub fn contains(&self, addr: u32, len: u8) -> bool {
        if len < self.len {
            return false;
        }
        let mask = if self.len == 0 { 0 } else { u32::MAX << (32 - self.len) };
        addr & mask == self.addr
    }
}

/// A validated zone.
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    /// Apex name.
    pub name: String,
    /// Negative-caching TTL in seconds.
    pub negative_ttl_s: u32,
    /// Every record set, in the spec's order (record indices point here).
    pub records: Vec<Record>,
    /// Groups by (name, type).
    pub groups: Vec<Group>,
    /// Every health check (check indices point here).
    pub health_checks: Vec<HealthCheck>,
    /// Every load balancer with its target groups resolved to host indices.
    pub load_balancers: Vec<LoadBalancer>,
    /// Every host (web server), across load balancers and A records.
    pub hosts: Vec<Host>,
    /// The AWS regions the zone routes to, with where they are.
    pub regions: Vec<RegionSpec>,
    /// Whose AWS defaults apply where the zone is silent.
    pub aws_era: AwsEra,
    /// Each owner name's groups, by type.
    group_index: BTreeMap<String, Vec<(RecordType, GroupIdx)>>,
    names: BTreeSet<String>,
}

impl Zone {
    /// Validates `spec`, returning the zone or every problem found.
    pub fn new(spec: &ZoneSpec) -> Result<Zone, Problems> {
        validate::Validator::default().run(spec)
    }

    /// The group for `(name, rtype)`.
    pub fn group(&self, name: &str, rtype: RecordType) -> Option<GroupIdx> {
        self.group_index.get(name)?.iter().find(|(t, _)| *t == rtype).map(|&(_, g)| g)
    }

    /// Does any record exist at `name`, or below it?
    pub fn name_exists(&self, name: &str) -> bool {
        let suffix = format!(".{name}");
        self.names.iter().any(|n| n == name || n.ends_with(&suffix))
    }

    /// The health check with id `id`.
    pub fn check_by_id(&self, id: &str) -> Option<CheckIdx> {
        self.health_checks.iter().position(|c| c.spec.id == id)
    }

    /// The load balancer with id `id`.
    pub fn lb_by_id(&self, id: &str) -> Option<LbIdx> {
        self.load_balancers.iter().position(|l| l.spec.id == id)
    }

    /// The host with id `id`.
    pub fn host_by_id(&self, id: &str) -> Option<HostIdx> {
        self.hosts.iter().position(|h| h.spec.id == id)
    }

    /// The region an endpoint serves from.
    pub fn endpoint_region(&self, e: Endpoint) -> &str {
        match e {
            Endpoint::Lb(i) => &self.load_balancers[i].spec.region,
            Endpoint::Host(i) => &self.hosts[i].region,
        }
    }

    /// A display name for an endpoint.
    pub fn endpoint_name(&self, e: Endpoint) -> &str {
        match e {
            Endpoint::Lb(i) => &self.load_balancers[i].spec.id,
            Endpoint::Host(i) => &self.hosts[i].spec.id,
        }
    }
}

impl RecordSpec {
    /// Is this spec an alias?
    pub fn is_alias_spec(&self) -> bool {
        matches!(self.value, RecordValue::Alias { .. })
    }
}
