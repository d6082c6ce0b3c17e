//! The routing model as plain serde data: a hosted zone's record sets, health
//! checks, regions, load balancers with their targets, and CIDR collections.
//!
//! These are the *spec* types — what a scenario file or a share link holds. They
//! are validated once, at the boundary, into [`crate::route53::zone::Zone`]; nothing else in
//! the core reads a spec directly. Defaults and units are in each field's doc; the
//! numbers and their sources are in `docs/model.md` (its section in brackets).
//! Health checks are in `zone/checks.rs`.

use serde::{Deserialize, Serialize};

mod checks;

pub use checks::{
    CHECKER_REGIONS, CalculatedRule, CheckProtocol, CheckTarget, HealthCheckKind, HealthCheckSpec, all_checker_regions,
};

/// A hosted zone and the world it routes to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneSpec {
    /// The zone apex, e.g. `example.com`.
    pub name: String,
    /// Negative-caching TTL: min(SOA TTL, SOA MINIMUM), 900 s by default (model: answers).
    #[serde(default = "default_negative_ttl")]
    pub negative_ttl_s: u32,
    /// Record sets.
    #[serde(default)]
    pub records: Vec<RecordSpec>,
    /// Route 53 health checks.
    #[serde(default)]
    pub health_checks: Vec<HealthCheckSpec>,
    /// AWS regions hosting endpoints.
    #[serde(default)]
    pub regions: Vec<RegionSpec>,
    /// Load balancers (ALB or NLB).
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancerSpec>,
    /// Stand-alone hosts answered by plain A records (not behind a load balancer).
    #[serde(default)]
    pub hosts: Vec<HostSpec>,
    /// CIDR collections for IP-based routing (model: answers).
    #[serde(default)]
    pub cidr_collections: Vec<CidrCollectionSpec>,
    /// Whose AWS defaults apply where the zone does not say: those of 2019 or the
    /// current ones (load balancers' target checks, an ALB's client keep-alive
    /// duration). Default: current.
    #[serde(default, skip_serializing_if = "AwsEra::is_current")]
    pub aws_era: AwsEra,
}

fn default_negative_ttl() -> u32 {
    900
}

/// A point in AWS's history whose defaults a zone takes where it is silent.
///
/// | setting | 2019 | current |
/// |---|---|---|
/// | ALB target checks (interval, timeout, healthy, unhealthy) | 30 s, 5 s, 5, 2 | 30 s, 5 s, 5, 2 |
/// | NLB target checks | 30 s, 10 s, 3, 3 | 30 s, 10 s, 5, 2 (since Nov 2022) |
/// | ALB HTTP client keep-alive duration | none (the setting did not exist) | 3600 s (since Mar 2024) |
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AwsEra {
    /// AWS as of 2019, when the field report's experiment ran.
    #[serde(rename = "2019")]
    Y2019,
    /// AWS today.
    #[default]
    #[serde(rename = "current")]
    Current,
}

impl AwsEra {
    /// Both eras, oldest first.
    pub const ALL: [AwsEra; 2] = [AwsEra::Y2019, AwsEra::Current];

    /// Is this the current era (the default)?
    pub fn is_current(&self) -> bool {
        *self == AwsEra::Current
    }

    /// The name a scenario file uses.
    pub fn as_str(self) -> &'static str {
        match self {
            AwsEra::Y2019 => "2019",
            AwsEra::Current => "current",
        }
    }
}

/// DNS record types modelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecordType {
    /// IPv4 address.
    A,
    /// IPv6 address.
    AAAA,
    /// Canonical name: answers queries of every type (model: answers).
    CNAME,
}

impl RecordType {
    /// The type's mnemonic.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::AAAA => "AAAA",
            RecordType::CNAME => "CNAME",
        }
    }
}

/// One record (one member of a record-set group sharing name and type).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSpec {
    /// Fully qualified name, e.g. `sso.example.com`.
    pub name: String,
    /// Record type.
    #[serde(rename = "type")]
    pub rtype: RecordType,
    /// Set identifier; required for every policy except simple, unique in its group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_id: Option<String>,
    /// Routing policy.
    #[serde(default)]
    pub routing: Routing,
    /// TTL in seconds; required for non-alias records, forbidden on aliases (an alias
    /// answers with its target's TTL) (model: answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_s: Option<u32>,
    /// What the record answers.
    pub value: RecordValue,
    /// Id of a health check guarding this record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<String>,
}

/// What a record answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordValue {
    /// Literal values: IP addresses for A/AAAA, one name for CNAME. Values may name a
    /// host (`host:<id>`) or a load balancer's DNS name for the simulator to follow.
    Values(Vec<String>),
    /// A Route 53 alias.
    Alias {
        /// The alias target.
        target: AliasTarget,
        /// Evaluate Target Health (model: answers).
        #[serde(default)]
        evaluate_target_health: bool,
    },
}

/// The target of an alias record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AliasTarget {
    /// Another record group in the same zone, of the same type.
    Record {
        /// The target name.
        name: String,
    },
    /// A load balancer, by id.
    LoadBalancer {
        /// The load balancer's id.
        id: String,
    },
}

/// A record's routing policy (model: answers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
pub enum Routing {
    /// One record per name and type; every value returned; never health checked.
    #[default]
    Simple,
    /// Weighted random choice; weight 0..=255.
    Weighted {
        /// Relative weight.
        weight: u32,
    },
    /// Lowest latency region; one record per region.
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
        /// Where the resource is.
        location: GeoproximityLocation,
        /// −99..=99; positive grows the catchment (model: answers).
        #[serde(default)]
        bias: i32,
    },
    /// Up to 8 healthy records.
    Multivalue,
    /// By the client's address, from a CIDR collection.
    IpBased {
        /// The collection id.
        collection: String,
        /// The location name in the collection, or `*` for the default.
        location: String,
    },
}

impl Routing {
    /// The policy's name, as used in messages.
    pub fn name(&self) -> &'static str {
        match self {
            Routing::Simple => "simple",
            Routing::Weighted { .. } => "weighted",
            Routing::Latency { .. } => "latency",
            Routing::Failover { .. } => "failover",
            Routing::Geolocation { .. } => "geolocation",
            Routing::Geoproximity { .. } => "geoproximity",
            Routing::Multivalue => "multivalue",
            Routing::IpBased { .. } => "ip_based",
        }
    }
}

/// Failover role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailoverRole {
    /// Answered while healthy.
    Primary,
    /// Answered when the primary is unhealthy and this one is healthy.
    Secondary,
}

/// A geolocation record's location: default, continent, country or US state.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum GeoLocationSpec {
    /// Country code `*`: every location not matched by another record.
    Default,
    /// A continent code (`NA`, `EU`, …).
    Continent(String),
    /// An ISO 3166 alpha-2 country code.
    Country(String),
    /// A subdivision: Route 53 supports US states (model: answers).
    Subdivision {
        /// Country code (`US`).
        country: String,
        /// Subdivision code (`VA`).
        code: String,
    },
}

/// Where a geoproximity resource is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum GeoproximityLocation {
    /// An AWS region (its city's coordinates).
    Region(String),
    /// Explicit coordinates.
    Coordinates {
        /// Latitude in degrees.
        lat: f64,
        /// Longitude in degrees.
        lon: f64,
    },
}

/// An AWS region hosting endpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    /// Region code, e.g. `us-east-1`; must be a known AWS region.
    pub name: String,
    /// Optional display label, e.g. `AMERS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Load balancer kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum LbKind {
    /// Application Load Balancer (HTTP): answers 502/503/504 itself.
    Alb,
    /// Network Load Balancer (TCP): passes connections through; RSTs on failure.
    Nlb,
}

/// A load balancer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSpec {
    /// Id referenced by aliases and checks.
    pub id: String,
    /// ALB or NLB.
    pub kind: LbKind,
    /// Region the load balancer lives in.
    pub region: String,
    /// Its public DNS name (answered with TTL 60 s) (model: answers).
    pub dns_name: String,
    /// Target groups; each lists its hosts.
    pub target_groups: Vec<TargetGroupSpec>,
    /// Target health-check settings; `None` takes the kind's defaults in the zone's
    /// [`AwsEra`] (model: load balancers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<LbHealthSettings>,
}

/// A target group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupSpec {
    /// Id, unique within the load balancer.
    pub id: String,
    /// Registered targets.
    pub targets: Vec<HostSpec>,
}

/// A host (an instance running the web server).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSpec {
    /// Id, unique in the zone's world.
    pub id: String,
    /// Availability zone, e.g. `us-east-1a`.
    pub az: String,
    /// IPv4 address (documentation ranges are fine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

/// A load balancer's own target health checks (model: load balancers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LbHealthSettings {
    /// Seconds between checks of one target.
    pub interval_s: u32,
    /// Seconds to wait for a response.
    pub timeout_s: u32,
    /// Consecutive successes to become healthy.
    pub healthy_threshold: u32,
    /// Consecutive failures to become unhealthy.
    pub unhealthy_threshold: u32,
}

impl LbHealthSettings {
    /// ALB defaults: 30 s interval, 5 s timeout, 5 healthy, 2 unhealthy (model: load balancers).
    pub const ALB_DEFAULT: LbHealthSettings =
        LbHealthSettings { interval_s: 30, timeout_s: 5, healthy_threshold: 5, unhealthy_threshold: 2 };
    /// NLB current defaults: 30 s, 10 s TCP timeout, 5 healthy, 2 unhealthy (model: load balancers).
    pub const NLB_DEFAULT: LbHealthSettings =
        LbHealthSettings { interval_s: 30, timeout_s: 10, healthy_threshold: 5, unhealthy_threshold: 2 };
    /// NLB defaults from 2018 to November 2022: 30 s interval (10 or 30 allowed), a
    /// fixed 10 s timeout for TCP, healthy and unhealthy thresholds equal, 3 (model:
    /// load balancers).
    pub const NLB_2019_DEFAULT: LbHealthSettings =
        LbHealthSettings { interval_s: 30, timeout_s: 10, healthy_threshold: 3, unhealthy_threshold: 3 };
    /// NLB 2019 fast settings: 10 s interval, threshold 3 both ways (model: load balancers).
    pub const NLB_2019_FAST: LbHealthSettings =
        LbHealthSettings { interval_s: 10, timeout_s: 10, healthy_threshold: 3, unhealthy_threshold: 3 };

    /// The current defaults for `kind`.
    pub fn default_for(kind: LbKind) -> Self {
        Self::defaults(kind, AwsEra::Current)
    }

    /// The defaults for `kind` in `era`.
    pub fn defaults(kind: LbKind, era: AwsEra) -> Self {
        match (kind, era) {
            (LbKind::Alb, _) => Self::ALB_DEFAULT,
            (LbKind::Nlb, AwsEra::Y2019) => Self::NLB_2019_DEFAULT,
            (LbKind::Nlb, AwsEra::Current) => Self::NLB_DEFAULT,
        }
    }
}

/// A CIDR collection (model: answers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CidrCollectionSpec {
    /// Id referenced by IP-based records.
    pub id: String,
    /// Named locations, each a list of CIDR blocks.
    pub locations: Vec<CidrLocationSpec>,
}

/// A named location in a CIDR collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CidrLocationSpec {
    /// Location name.
    pub name: String,
    /// IPv4 CIDR blocks, `/1` to `/24`.
    pub cidrs: Vec<String>,
}
