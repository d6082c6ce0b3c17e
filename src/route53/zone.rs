//! The validated zone: the one internal form the answer engine and the simulator
//! read. [`Zone::new`] checks a [`ZoneSpec`] once and collects **every** problem,
//! each named by its path in the spec (`records[3].value.alias.target`), instead of
//! stopping at the first.
//!
//! Validation rules follow `route53-reference.md` §1–§5: alias cycles and dangling
//! references, ranges (weights 0–255, thresholds 1–10, intervals 10/30 s, bias
//! −99..99), set identifiers, one policy per group, one default per geolocation
//! group, one record per latency region, CNAME placement, and size limits that
//! keep a hostile document from freezing the page.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use crate::base::geo::{self, Continent, LatLon};
use crate::spec::problems::{Problem, Problems};
use crate::spec::zone::*;

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
    /// Children of a calculated check [§3.2].
    pub const CALCULATED_CHILDREN: usize = 256;
    /// CIDR blocks in all collections together.
    pub const CIDR_BLOCKS: usize = 5_000;
    /// Alias nesting depth Route 53 documents (three levels) [§1.3].
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

/// A validated record.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The spec it came from (for display and export).
    pub spec: RecordSpec,
    /// The group (name, type) it belongs to.
    pub group: GroupIdx,
    /// What it answers.
    pub target: Target,
    /// Its health check.
    pub check: Option<CheckIdx>,
    /// Evaluate Target Health (aliases only).
    pub eth: bool,
    /// Geoproximity coordinates, resolved from a region if needed.
    pub geoprox_at: Option<LatLon>,
    /// IP-based: the CIDR blocks of this record's location (empty for `*`).
    pub cidrs: Vec<Cidr>,
}

impl Record {
    /// A short label: `name TYPE [set-id]`.
    pub fn label(&self) -> String {
        match &self.spec.set_id {
            Some(id) => format!("{} {} [{}]", self.spec.name, self.spec.rtype.as_str(), id),
            None => format!("{} {}", self.spec.name, self.spec.rtype.as_str()),
        }
    }

    /// Is this record an alias?
    pub fn is_alias(&self) -> bool {
        matches!(self.target, Target::AliasGroup(_) | Target::AliasLb(_))
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
}

/// One literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An address no modelled endpoint owns.
    Ip(String),
    /// A stand-alone host.
    Host(HostIdx),
    /// A CNAME to a load balancer's DNS name.
    CnameLb(LbIdx),
    /// A CNAME to a name in this zone.
    CnameZone(String),
    /// A CNAME to a name outside the modelled world.
    CnameExternal(String),
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
    /// The spec.
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
    /// The spec.
    pub spec: LoadBalancerSpec,
    /// Health settings (the kind's defaults when not given).
    pub health: LbHealthSettings,
    /// Target groups: host indices per group.
    pub target_groups: Vec<Vec<HostIdx>>,
    /// Availability zones with at least one target, sorted.
    pub azs: Vec<String>,
}

/// A host: an LB target or a stand-alone server.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// The spec.
    pub spec: HostSpec,
    /// The region (from the LB, or from the AZ name).
    pub region: String,
    /// The load balancer it is registered with, if any.
    pub lb: Option<LbIdx>,
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
    /// than the block does not match [§2.8].
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
    /// Records.
    pub records: Vec<Record>,
    /// Groups by (name, type).
    pub groups: Vec<Group>,
    /// Health checks.
    pub health_checks: Vec<HealthCheck>,
    /// Load balancers.
    pub load_balancers: Vec<LoadBalancer>,
    /// Hosts.
    pub hosts: Vec<Host>,
    /// Regions.
    pub regions: Vec<RegionSpec>,
    group_index: BTreeMap<(String, RecordType), GroupIdx>,
    names: BTreeSet<String>,
}

impl Zone {
    /// Validates `spec`, returning the zone or every problem found.
    pub fn new(spec: &ZoneSpec) -> Result<Zone, Problems> {
        Validator::default().run(spec)
    }

    /// The group for `(name, rtype)`.
    pub fn group(&self, name: &str, rtype: RecordType) -> Option<GroupIdx> {
        self.group_index.get(&(name.to_string(), rtype)).copied()
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

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { path: path.into(), message: message.into() });
    }

    fn check_len(&mut self, path: &str, s: &str) {
        if s.is_empty() {
            self.err(path, "must not be empty");
        } else if s.len() > limits::NAME_LEN {
            self.err(path, format!("is {} characters long; the limit is {}", s.len(), limits::NAME_LEN));
        }
    }

    fn limit(&mut self, path: &str, n: usize, max: usize, what: &str) -> bool {
        if n > max {
            self.err(path, format!("has {n} {what}; the limit is {max}"));
            false
        } else {
            true
        }
    }

    fn run(mut self, spec: &ZoneSpec) -> Result<Zone, Problems> {
        self.check_len("name", &spec.name);
        let ok = self.limit("records", spec.records.len(), limits::RECORDS, "records")
            & self.limit("health_checks", spec.health_checks.len(), limits::HEALTH_CHECKS, "health checks")
            & self.limit("load_balancers", spec.load_balancers.len(), limits::LOAD_BALANCERS, "load balancers");
        let n_hosts = spec.hosts.len()
            + spec.load_balancers.iter().flat_map(|l| &l.target_groups).map(|t| t.targets.len()).sum::<usize>();
        let n_cidrs: usize = spec.cidr_collections.iter().flat_map(|c| &c.locations).map(|l| l.cidrs.len()).sum();
        let ok = ok
            & self.limit("hosts", n_hosts, limits::HOSTS, "hosts")
            & self.limit("cidr_collections", n_cidrs, limits::CIDR_BLOCKS, "CIDR blocks");
        if !ok {
            return Err(Problems(self.problems));
        }

        // Regions.
        let mut regions = BTreeSet::new();
        for (i, r) in spec.regions.iter().enumerate() {
            if geo::region_city(&r.name).is_none() {
                self.err(format!("regions[{i}].name"), format!("'{}' is not a known AWS region", r.name));
            }
            if !regions.insert(r.name.clone()) {
                self.err(format!("regions[{i}].name"), format!("region '{}' is listed twice", r.name));
            }
        }

        // Hosts and load balancers.
        let mut hosts: Vec<Host> = Vec::new();
        let mut host_ids = BTreeMap::new();
        let mut add_host =
            |v: &mut Validator, path: String, h: &HostSpec, region: String, lb: Option<LbIdx>| -> HostIdx {
                v.check_len(&format!("{path}.id"), &h.id);
                if let Some(ip) = &h.ip
                    && ip.parse::<Ipv4Addr>().is_err()
                {
                    v.err(format!("{path}.ip"), format!("'{ip}' is not an IPv4 address"));
                }
                if !h.az.starts_with(&region) {
                    v.err(format!("{path}.az"), format!("availability zone '{}' is not in region '{region}'", h.az));
                }
                if host_ids.insert(h.id.clone(), hosts.len()).is_some() {
                    v.err(format!("{path}.id"), format!("host id '{}' is used twice", h.id));
                }
                hosts.push(Host { spec: h.clone(), region, lb });
                hosts.len() - 1
            };
        let mut lbs = Vec::new();
        let mut lb_ids = BTreeMap::new();
        let mut lb_names = BTreeMap::new();
        for (i, l) in spec.load_balancers.iter().enumerate() {
            let path = format!("load_balancers[{i}]");
            self.check_len(&format!("{path}.id"), &l.id);
            self.check_len(&format!("{path}.dns_name"), &l.dns_name);
            if lb_ids.insert(l.id.clone(), i).is_some() {
                self.err(format!("{path}.id"), format!("load balancer id '{}' is used twice", l.id));
            }
            lb_names.insert(l.dns_name.clone(), i);
            if !regions.contains(&l.region) {
                self.err(format!("{path}.region"), format!("region '{}' is not in the zone's regions", l.region));
            }
            let health = l.health.unwrap_or_else(|| LbHealthSettings::default_for(l.kind));
            self.lb_health(&format!("{path}.health"), l.kind, &health);
            let mut tgs = Vec::new();
            let mut tg_ids = BTreeSet::new();
            for (j, tg) in l.target_groups.iter().enumerate() {
                let tpath = format!("{path}.target_groups[{j}]");
                if !tg_ids.insert(tg.id.clone()) {
                    self.err(format!("{tpath}.id"), format!("target group id '{}' is used twice", tg.id));
                }
                let mut members = Vec::new();
                for (k, h) in tg.targets.iter().enumerate() {
                    members.push(add_host(&mut self, format!("{tpath}.targets[{k}]"), h, l.region.clone(), Some(i)));
                }
                tgs.push(members);
            }
            if l.target_groups.is_empty() {
                self.err(format!("{path}.target_groups"), "a load balancer needs at least one target group");
            }
            let azs: BTreeSet<String> = l.target_groups.iter().flat_map(|t| &t.targets).map(|h| h.az.clone()).collect();
            lbs.push(LoadBalancer { spec: l.clone(), health, target_groups: tgs, azs: azs.into_iter().collect() });
        }
        for (i, h) in spec.hosts.iter().enumerate() {
            let region = regions
                .iter()
                .find(|r| h.az.starts_with(r.as_str()))
                .cloned()
                .unwrap_or_else(|| h.az.trim_end_matches(|c: char| c.is_ascii_lowercase()).to_string());
            if !regions.contains(&region) {
                self.err(format!("hosts[{i}].az"), format!("'{}' is not in any of the zone's regions", h.az));
            }
            add_host(&mut self, format!("hosts[{i}]"), h, region, None);
        }

        // Health checks.
        let mut check_ids = BTreeMap::new();
        for (i, c) in spec.health_checks.iter().enumerate() {
            self.check_len(&format!("health_checks[{i}].id"), &c.id);
            if check_ids.insert(c.id.clone(), i).is_some() {
                self.err(format!("health_checks[{i}].id"), format!("health check id '{}' is used twice", c.id));
            }
        }
        let mut checks = Vec::new();
        for (i, c) in spec.health_checks.iter().enumerate() {
            let path = format!("health_checks[{i}].kind");
            let mut children = Vec::new();
            let mut target = None;
            match &c.kind {
                HealthCheckKind::Endpoint {
                    target: t,
                    protocol,
                    interval_s,
                    failure_threshold,
                    regions: checker_regions,
                    search_string,
                } => {
                    target = match t {
                        CheckTarget::LoadBalancer(id) => match lb_ids.get(id) {
                            Some(&l) => Some(Endpoint::Lb(l)),
                            None => {
                                self.err(format!("{path}.target"), format!("no load balancer '{id}'"));
                                None
                            }
                        },
                        CheckTarget::Host(id) => match host_ids.get(id) {
                            Some(&h) => Some(Endpoint::Host(h)),
                            None => {
                                self.err(format!("{path}.target"), format!("no host '{id}'"));
                                None
                            }
                        },
                    };
                    if *interval_s != 10 && *interval_s != 30 {
                        self.err(
                            format!("{path}.interval_s"),
                            format!("{interval_s} s: the interval must be 10 or 30"),
                        );
                    }
                    if !(1..=10).contains(failure_threshold) {
                        self.err(
                            format!("{path}.failure_threshold"),
                            format!("{failure_threshold}: the failure threshold must be 1 to 10"),
                        );
                    }
                    let mut seen = BTreeSet::new();
                    for (k, r) in checker_regions.iter().enumerate() {
                        if !CHECKER_REGIONS.contains(&r.as_str()) {
                            self.err(format!("{path}.regions[{k}]"), format!("'{r}' is not a health-checker region"));
                        }
                        if !seen.insert(r) {
                            self.err(format!("{path}.regions[{k}]"), format!("checker region '{r}' is listed twice"));
                        }
                    }
                    if checker_regions.len() < 3 {
                        self.err(
                            format!("{path}.regions"),
                            format!("{} checker regions: Route 53 needs at least 3", checker_regions.len()),
                        );
                    }
                    if let Some(s) = search_string {
                        if *protocol == CheckProtocol::Tcp {
                            self.err(format!("{path}.search_string"), "string matching needs HTTP or HTTPS");
                        }
                        if s.len() > 255 {
                            self.err(format!("{path}.search_string"), "the search string is limited to 255 characters");
                        }
                    }
                }
                HealthCheckKind::Calculated { children: kids, rule } => {
                    self.limit(&format!("{path}.children"), kids.len(), limits::CALCULATED_CHILDREN, "children");
                    for (k, child) in kids.iter().enumerate() {
                        match check_ids.get(child) {
                            Some(&ci) => {
                                if matches!(spec.health_checks[ci].kind, HealthCheckKind::Calculated { .. }) {
                                    self.err(
                                        format!("{path}.children[{k}]"),
                                        format!("'{child}' is a calculated check; children cannot be calculated"),
                                    );
                                }
                                children.push(ci);
                            }
                            None => self.err(format!("{path}.children[{k}]"), format!("no health check '{child}'")),
                        }
                    }
                    if let CalculatedRule::AtLeast(n) = rule
                        && *n as usize > limits::CALCULATED_CHILDREN
                    {
                        self.err(format!("{path}.rule"), format!("at least {n}: the limit is 256"));
                    }
                }
                HealthCheckKind::Manual { .. } => {}
            }
            checks.push(HealthCheck { spec: c.clone(), children, target });
        }

        // Groups.
        let mut group_index: BTreeMap<(String, RecordType), GroupIdx> = BTreeMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut names = BTreeSet::new();
        let apex_suffix = format!(".{}", spec.name);
        for (i, r) in spec.records.iter().enumerate() {
            let path = format!("records[{i}]");
            self.check_len(&format!("{path}.name"), &r.name);
            if r.name != spec.name && !r.name.ends_with(&apex_suffix) {
                self.err(format!("{path}.name"), format!("'{}' is not in zone '{}'", r.name, spec.name));
            }
            names.insert(r.name.clone());
            let key = (r.name.clone(), r.rtype);
            let g = *group_index.entry(key).or_insert_with(|| {
                groups.push(Group { name: r.name.clone(), rtype: r.rtype, members: Vec::new() });
                groups.len() - 1
            });
            groups[g].members.push(i);
        }

        // CIDR collections.
        let mut collections: BTreeMap<String, BTreeMap<String, Vec<Cidr>>> = BTreeMap::new();
        for (i, c) in spec.cidr_collections.iter().enumerate() {
            let mut locs = BTreeMap::new();
            for (j, l) in c.locations.iter().enumerate() {
                let mut blocks = Vec::new();
                for (k, s) in l.cidrs.iter().enumerate() {
                    match Cidr::parse(s) {
                        Some(b) if (1..=24).contains(&b.len) => blocks.push(b),
                        Some(_) => self.err(
                            format!("cidr_collections[{i}].locations[{j}].cidrs[{k}]"),
                            format!("'{s}': IPv4 blocks must be /1 to /24"),
                        ),
                        None => self.err(
                            format!("cidr_collections[{i}].locations[{j}].cidrs[{k}]"),
                            format!("'{s}' is not an IPv4 CIDR block"),
                        ),
                    }
                }
                if locs.insert(l.name.clone(), blocks).is_some() {
                    self.err(
                        format!("cidr_collections[{i}].locations[{j}].name"),
                        format!("location '{}' is listed twice", l.name),
                    );
                }
            }
            if collections.insert(c.id.clone(), locs).is_some() {
                self.err(format!("cidr_collections[{i}].id"), format!("collection id '{}' is used twice", c.id));
            }
        }

        // Records.
        let mut records = Vec::new();
        for (i, r) in spec.records.iter().enumerate() {
            let path = format!("records[{i}]");
            let group = group_index[&(r.name.clone(), r.rtype)];
            let mut eth = false;
            let target = match &r.value {
                RecordValue::Values(values) => {
                    if r.ttl_s.is_none() {
                        self.err(format!("{path}.ttl_s"), "a non-alias record needs a TTL");
                    }
                    if values.is_empty() {
                        self.err(format!("{path}.value"), "a record needs at least one value");
                    }
                    self.limit(&format!("{path}.value"), values.len(), limits::VALUES, "values");
                    let mut out = Vec::new();
                    for (k, v) in values.iter().enumerate() {
                        let vpath = format!("{path}.value.values[{k}]");
                        match r.rtype {
                            RecordType::CNAME => {
                                if let Some(&l) = lb_names.get(v) {
                                    out.push(Value::CnameLb(l));
                                } else if v == &spec.name || v.ends_with(&apex_suffix) {
                                    out.push(Value::CnameZone(v.clone()));
                                } else {
                                    self.check_len(&vpath, v);
                                    out.push(Value::CnameExternal(v.clone()));
                                }
                            }
                            RecordType::A | RecordType::AAAA => {
                                if let Some(id) = v.strip_prefix("host:") {
                                    match host_ids.get(id) {
                                        Some(&h) => out.push(Value::Host(h)),
                                        None => self.err(&vpath, format!("no host '{id}'")),
                                    }
                                } else if r.rtype == RecordType::A && v.parse::<Ipv4Addr>().is_err() {
                                    self.err(&vpath, format!("'{v}' is not an IPv4 address (or host:<id>)"));
                                } else if r.rtype == RecordType::AAAA && v.parse::<std::net::Ipv6Addr>().is_err() {
                                    self.err(&vpath, format!("'{v}' is not an IPv6 address (or host:<id>)"));
                                } else {
                                    out.push(Value::Ip(v.clone()));
                                }
                            }
                        }
                    }
                    if r.rtype == RecordType::CNAME && values.len() > 1 {
                        self.err(format!("{path}.value"), "a CNAME record holds exactly one name");
                    }
                    Target::Values(out)
                }
                RecordValue::Alias { target, evaluate_target_health } => {
                    eth = *evaluate_target_health;
                    if r.ttl_s.is_some() {
                        self.err(
                            format!("{path}.ttl_s"),
                            "an alias has no TTL of its own: it answers with its target's",
                        );
                    }
                    match target {
                        AliasTarget::Record { name } => match group_index.get(&(name.clone(), r.rtype)) {
                            Some(&g) => Target::AliasGroup(g),
                            None => {
                                self.err(
                                    format!("{path}.value.alias.target"),
                                    format!("no {} record named '{name}' for this alias to point at", r.rtype.as_str()),
                                );
                                Target::Values(Vec::new())
                            }
                        },
                        AliasTarget::LoadBalancer { id } => match lb_ids.get(id) {
                            Some(&l) => {
                                if r.rtype == RecordType::CNAME {
                                    self.err(format!("{path}.type"), "an alias to a load balancer must be A or AAAA");
                                }
                                Target::AliasLb(l)
                            }
                            None => {
                                self.err(format!("{path}.value.alias.target"), format!("no load balancer '{id}'"));
                                Target::Values(Vec::new())
                            }
                        },
                    }
                }
            };
            if let Some(ttl) = r.ttl_s
                && ttl > 2_147_483_647
            {
                self.err(format!("{path}.ttl_s"), "TTL must be at most 2147483647 s");
            }
            if r.rtype == RecordType::CNAME && r.name == spec.name {
                self.err(format!("{path}.name"), "a CNAME cannot sit at the zone apex; use an alias");
            }
            let check = match &r.health_check {
                Some(id) => match check_ids.get(id) {
                    Some(&c) => Some(c),
                    None => {
                        self.err(format!("{path}.health_check"), format!("no health check '{id}'"));
                        None
                    }
                },
                None => None,
            };
            let mut geoprox_at = None;
            let mut cidrs = Vec::new();
            match &r.routing {
                Routing::Weighted { weight } if *weight > 255 => {
                    self.err(format!("{path}.routing.weight"), format!("{weight}: weights are 0 to 255"));
                }
                Routing::Latency { region } if geo::region_city(region).is_none() => {
                    self.err(format!("{path}.routing.region"), format!("'{region}' is not a known AWS region"));
                }
                Routing::Geolocation { location } => self.geo_location(&format!("{path}.routing.location"), location),
                Routing::Geoproximity { location, bias } => {
                    if !(-99..=99).contains(bias) {
                        self.err(format!("{path}.routing.bias"), format!("{bias}: bias is −99 to 99"));
                    }
                    geoprox_at = match location {
                        GeoproximityLocation::Region(name) => match geo::region_city(name) {
                            Some(c) => Some(LatLon { lat: c.lat, lon: c.lon }),
                            None => {
                                self.err(
                                    format!("{path}.routing.location"),
                                    format!("'{name}' is not a known AWS region"),
                                );
                                None
                            }
                        },
                        GeoproximityLocation::Coordinates { lat, lon } => {
                            if !(-90.0..=90.0).contains(lat) || !(-180.0..=180.0).contains(lon) {
                                self.err(format!("{path}.routing.location"), "coordinates out of range");
                            }
                            Some(LatLon { lat: *lat, lon: *lon })
                        }
                    };
                }
                Routing::Multivalue => {
                    if r.is_alias_spec() {
                        self.err(format!("{path}.value"), "multivalue answer records cannot be aliases");
                    }
                    if let RecordValue::Values(v) = &r.value
                        && v.len() != 1
                    {
                        self.err(format!("{path}.value"), "a multivalue answer record holds exactly one value");
                    }
                }
                Routing::IpBased { collection, location } => match collections.get(collection) {
                    Some(locs) => {
                        if location != "*" {
                            match locs.get(location) {
                                Some(blocks) => cidrs = blocks.clone(),
                                None => self.err(
                                    format!("{path}.routing.location"),
                                    format!("collection '{collection}' has no location '{location}'"),
                                ),
                            }
                        }
                    }
                    None => {
                        self.err(format!("{path}.routing.collection"), format!("no CIDR collection '{collection}'"))
                    }
                },
                _ => {}
            }
            if !matches!(r.routing, Routing::Simple) && r.set_id.is_none() {
                self.err(format!("{path}.set_id"), format!("a {} record needs a set identifier", r.routing.name()));
            }
            records.push(Record { spec: r.clone(), group, target, check, eth, geoprox_at, cidrs });
        }

        for g in &groups {
            self.group_rules(spec, g);
        }
        // CNAME exclusivity: a name with a CNAME has no other records.
        for g in &groups {
            if g.rtype == RecordType::CNAME && groups.iter().any(|o| o.name == g.name && o.rtype != RecordType::CNAME) {
                self.err(
                    format!("records[{}].type", g.members[0]),
                    format!("'{}' has a CNAME, so it cannot have records of other types", g.name),
                );
            }
        }

        let zone = Zone {
            name: spec.name.clone(),
            negative_ttl_s: spec.negative_ttl_s,
            records,
            groups,
            health_checks: checks,
            load_balancers: lbs,
            hosts,
            regions: spec.regions.clone(),
            group_index,
            names,
        };
        self.alias_graph(&zone);
        if self.problems.is_empty() { Ok(zone) } else { Err(Problems(self.problems)) }
    }

    fn lb_health(&mut self, path: &str, kind: LbKind, h: &LbHealthSettings) {
        if !(5..=300).contains(&h.interval_s) {
            self.err(format!("{path}.interval_s"), format!("{} s: the interval is 5 to 300 s", h.interval_s));
        }
        if !(2..=120).contains(&h.timeout_s) {
            self.err(format!("{path}.timeout_s"), format!("{} s: the timeout is 2 to 120 s", h.timeout_s));
        }
        if kind == LbKind::Alb && h.timeout_s >= h.interval_s {
            self.err(format!("{path}.timeout_s"), "an ALB's timeout must be shorter than its interval");
        }
        for (name, v) in [("healthy_threshold", h.healthy_threshold), ("unhealthy_threshold", h.unhealthy_threshold)] {
            if !(2..=10).contains(&v) {
                self.err(format!("{path}.{name}"), format!("{v}: thresholds are 2 to 10"));
            }
        }
    }

    fn geo_location(&mut self, path: &str, l: &GeoLocationSpec) {
        match l {
            GeoLocationSpec::Default => {}
            GeoLocationSpec::Continent(c) => {
                if Continent::from_code(c).is_none() {
                    self.err(path, format!("'{c}' is not a continent code (AF, AN, AS, EU, OC, NA, SA)"));
                }
            }
            GeoLocationSpec::Country(c) => {
                if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
                    self.err(path, format!("'{c}' is not an ISO 3166 alpha-2 country code"));
                }
                if ["BV", "CX", "EH", "HM"].contains(&c.as_str()) {
                    self.err(path, format!("Route 53 has no location data for '{c}'"));
                }
            }
            GeoLocationSpec::Subdivision { country, code } => {
                if country != "US" {
                    self.err(path, "Route 53 supports subdivisions of the US only");
                }
                if code.len() != 2 {
                    self.err(path, format!("'{code}' is not a US state code"));
                }
            }
        }
    }

    fn group_rules(&mut self, spec: &ZoneSpec, g: &Group) {
        let first = &spec.records[g.members[0]];
        let policy = first.routing.name();
        let mut set_ids = BTreeSet::new();
        for &m in &g.members {
            let r = &spec.records[m];
            if r.routing.name() != policy {
                self.err(
                    format!("records[{m}].routing"),
                    format!(
                        "'{} {}' mixes policies: records[{}] is {policy}, this one is {}",
                        g.name,
                        g.rtype.as_str(),
                        g.members[0],
                        r.routing.name()
                    ),
                );
            }
            if let Some(id) = &r.set_id
                && !set_ids.insert(id.clone())
            {
                self.err(
                    format!("records[{m}].set_id"),
                    format!("set identifier '{id}' is used twice in '{}'", g.name),
                );
            }
        }
        match &first.routing {
            Routing::Simple if g.members.len() > 1 => {
                self.err(
                    format!("records[{}]", g.members[1]),
                    format!(
                        "'{} {}' is simple routing, which allows one record per name and type",
                        g.name,
                        g.rtype.as_str()
                    ),
                );
            }
            Routing::Latency { .. } => {
                let mut seen = BTreeMap::new();
                for &m in &g.members {
                    if let Routing::Latency { region } = &spec.records[m].routing
                        && let Some(prev) = seen.insert(region.clone(), m)
                    {
                        self.err(
                            format!("records[{m}].routing.region"),
                            format!("region '{region}' already has a latency record (records[{prev}])"),
                        );
                    }
                }
            }
            Routing::Failover { .. } => {
                for role in [FailoverRole::Primary, FailoverRole::Secondary] {
                    let n: Vec<_> = g
                        .members
                        .iter()
                        .filter(|&&m| matches!(spec.records[m].routing, Routing::Failover { role: r } if r == role))
                        .collect();
                    if n.len() > 1 {
                        self.err(
                            format!("records[{}].routing.role", n[1]),
                            format!("'{}' has more than one {:?} record", g.name, role).to_lowercase(),
                        );
                    }
                }
            }
            Routing::Geolocation { .. } => {
                let mut seen = BTreeMap::new();
                for &m in &g.members {
                    if let Routing::Geolocation { location } = &spec.records[m].routing
                        && let Some(prev) = seen.insert(location.clone(), m)
                    {
                        let what = if *location == GeoLocationSpec::Default {
                            "a geolocation group can have only one default location".to_string()
                        } else {
                            format!("this location is already used by records[{prev}]")
                        };
                        self.err(format!("records[{m}].routing.location"), what);
                    }
                }
            }
            Routing::IpBased { collection, .. } => {
                for &m in &g.members {
                    if let Routing::IpBased { collection: c, .. } = &spec.records[m].routing
                        && c != collection
                    {
                        self.err(
                            format!("records[{m}].routing.collection"),
                            "all IP-based records of a name and type must use the same CIDR collection",
                        );
                    }
                }
            }
            Routing::Weighted { .. } if g.members.len() > 100 => {
                self.err(format!("records[{}]", g.members[100]), "at most 100 weighted records share a name and type");
            }
            _ => {}
        }
    }

    /// Rejects alias cycles and nesting deeper than Route 53 documents.
    fn alias_graph(&mut self, zone: &Zone) {
        // Edges: group → groups its alias members point at.
        let edges: Vec<Vec<(GroupIdx, RecordIdx)>> = zone
            .groups
            .iter()
            .map(|g| {
                g.members
                    .iter()
                    .filter_map(|&m| match zone.records[m].target {
                        Target::AliasGroup(t) => Some((t, m)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        // Colour DFS; report each cycle once, naming the records on it.
        let mut state = vec![0u8; zone.groups.len()];
        let mut reported = BTreeSet::new();
        for start in 0..zone.groups.len() {
            let mut stack: Vec<(GroupIdx, usize, Option<RecordIdx>)> = vec![(start, 0, None)];
            if state[start] != 0 {
                continue;
            }
            state[start] = 1;
            while let Some(&mut (g, ref mut next, _)) = stack.last_mut() {
                if *next < edges[g].len() {
                    let (t, rec) = edges[g][*next];
                    *next += 1;
                    match state[t] {
                        0 => {
                            state[t] = 1;
                            stack.push((t, 0, Some(rec)));
                        }
                        1 => {
                            let pos = stack.iter().position(|s| s.0 == t).unwrap_or(0);
                            let mut recs: Vec<RecordIdx> = stack[pos + 1..].iter().filter_map(|s| s.2).collect();
                            recs.push(rec);
                            recs.sort_unstable();
                            if reported.insert(recs.clone()) {
                                let labels: Vec<String> = recs
                                    .iter()
                                    .map(|&r| format!("records[{r}] ({})", zone.records[r].label()))
                                    .collect();
                                self.err(
                                    format!("records[{}].value.alias.target", rec),
                                    format!("alias cycle: {}", labels.join(" → ")),
                                );
                            }
                        }
                        _ => {}
                    }
                } else {
                    state[g] = 2;
                    stack.pop();
                }
            }
        }
        if self.problems.iter().any(|p| p.message.starts_with("alias cycle")) {
            return;
        }
        // Depth: longest chain of aliases from any group.
        let mut depth: Vec<Option<usize>> = vec![None; zone.groups.len()];
        fn chain(g: GroupIdx, edges: &[Vec<(GroupIdx, RecordIdx)>], depth: &mut Vec<Option<usize>>) -> usize {
            if let Some(d) = depth[g] {
                return d;
            }
            let d = edges[g].iter().map(|&(t, _)| 1 + chain(t, edges, depth)).max().unwrap_or(0);
            depth[g] = Some(d);
            d
        }
        for g in 0..zone.groups.len() {
            let d = chain(g, &edges, &mut depth);
            if d > limits::ALIAS_DEPTH {
                self.err(
                    format!("records[{}]", zone.groups[g].members[0]),
                    format!(
                        "'{}' nests aliases {d} levels deep; Route 53 documents up to {}",
                        zone.groups[g].name,
                        limits::ALIAS_DEPTH
                    ),
                );
            }
        }
    }
}

impl RecordSpec {
    /// Is this spec an alias?
    pub fn is_alias_spec(&self) -> bool {
        matches!(self.value, RecordValue::Alias { .. })
    }
}
