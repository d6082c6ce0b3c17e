//! Record sets into a zone: [`import_record_sets`] reads `list-resource-record-sets`
//! output (and health checks) into a scenario through a [`ZoneBuilder`], which the
//! change-batch and Terraform importers share.
//!
//! The builder turns each typed record set into a record spec, models every alias
//! target (see [`super::targets`]), drops what the simulator cannot answer with a
//! note (and, in turn, aliases left pointing at nothing), then validates the zone:
//! a problem the validator finds is reported against the input record that caused
//! it, so an import never yields a zone the simulator refuses.

use std::collections::{BTreeMap, BTreeSet};

use super::targets::{self, Eth, Service};
use super::types::{HealthCheck, ListResourceRecordSets, ResourceRecordSet};
use super::{ImportError, Imported, Input, dns_name, parse_json, parse_typed};
use crate::base::geo;
use crate::route53::zone::{Zone, limits};
use crate::spec::scenario::*;
use crate::spec::zone::*;

/// Regions the simulator has no city for, mapped to the nearest one it has (by
/// geography; each use is noted).
const NEAREST_REGION: &[(&str, &str)] = &[
    ("ap-east-1", "ap-southeast-1"),
    ("ap-south-2", "ap-south-1"),
    ("ap-southeast-3", "ap-southeast-1"),
    ("ap-southeast-4", "ap-southeast-2"),
    ("ap-southeast-5", "ap-southeast-1"),
    ("ap-southeast-7", "ap-southeast-1"),
    ("ap-northeast-3", "ap-northeast-1"),
    ("ca-west-1", "ca-central-1"),
    ("eu-central-2", "eu-central-1"),
    ("eu-south-1", "eu-central-1"),
    ("eu-south-2", "eu-west-3"),
    ("il-central-1", "me-south-1"),
    ("me-central-1", "me-south-1"),
    ("mx-central-1", "us-east-2"),
    ("us-gov-east-1", "us-east-2"),
    ("us-gov-west-1", "us-west-1"),
];

/// A zone under construction from foreign records, remembering where each part
/// came from so a validation problem can name its input.
#[derive(Clone, Debug)]
pub(crate) struct ZoneBuilder {
    /// The zone being built.
    pub spec: ZoneSpec,
    /// Notes so far.
    pub notes: Vec<String>,
    record_origin: Vec<(Input, String)>,
    lb_origin: Vec<(Input, String)>,
    host_origin: Vec<(Input, String)>,
    check_origin: Vec<(Input, String)>,
    region_origin: Vec<(Input, String)>,
    region_map: BTreeMap<String, String>,
    ip_hosts: usize,
    /// Every record name the input held, including the records it skipped.
    input_names: BTreeSet<String>,
}

/// `name TYPE [set]` of an AWS record set.
pub(crate) fn label(s: &ResourceRecordSet) -> String {
    match &s.set_identifier {
        Some(id) => format!("{} {} [{id}]", dns_name(&s.name), s.rtype),
        None => format!("{} {}", dns_name(&s.name), s.rtype),
    }
}

impl ZoneBuilder {
    /// An empty zone at `apex`.
    pub fn new(apex: &str) -> ZoneBuilder {
        ZoneBuilder::from_zone(ZoneSpec {
            name: dns_name(apex),
            negative_ttl_s: 900,
            records: vec![],
            health_checks: vec![],
            regions: vec![],
            load_balancers: vec![],
            hosts: vec![],
            cidr_collections: vec![],
            aws_era: AwsEra::default(),
        })
    }

    /// Continues an existing zone (a scenario imported into): its parts are named
    /// by their paths in that scenario.
    pub fn from_zone(zone: ZoneSpec) -> ZoneBuilder {
        let o = |what: &str, n: usize| (0..n).map(|i| (Input::Base, format!("zone.{what}[{i}]"))).collect();
        let standalone = zone.hosts.len();
        ZoneBuilder {
            record_origin: o("records", zone.records.len()),
            lb_origin: o("load_balancers", zone.load_balancers.len()),
            host_origin: o("hosts", standalone),
            check_origin: o("health_checks", zone.health_checks.len()),
            region_origin: o("regions", zone.regions.len()),
            spec: zone,
            notes: vec![],
            region_map: BTreeMap::new(),
            ip_hosts: 0,
            input_names: BTreeSet::new(),
        }
    }

    /// A region the simulator knows, for `r` (the nearest known one, noted, for a
    /// region it has no city for), added to the zone's regions.
    pub fn region(&mut self, r: &str, at: &str) -> String {
        let r = r.trim().to_ascii_lowercase();
        let known = if geo::region_city(&r).is_some() {
            r.clone()
        } else if let Some(m) = self.region_map.get(&r) {
            m.clone()
        } else {
            let m =
                NEAREST_REGION.iter().find(|(from, _)| *from == r).map(|(_, to)| to.to_string()).unwrap_or_else(|| {
                    match r.split('-').next().unwrap_or("") {
                        "eu" => "eu-central-1",
                        "ap" | "cn" => "ap-southeast-1",
                        "sa" => "sa-east-1",
                        "ca" => "ca-central-1",
                        "af" => "af-south-1",
                        "me" | "il" => "me-south-1",
                        _ => "us-east-1",
                    }
                    .to_string()
                });
            self.notes.push(format!(
                "{at}: region '{r}' is not in the simulator's latency data; modelled as {m}, the nearest it has (assumed)"
            ));
            self.region_map.insert(r.clone(), m.clone());
            m
        };
        if !self.spec.regions.iter().any(|x| x.name == known) {
            self.spec.regions.push(RegionSpec { name: known.clone(), label: None });
            self.region_origin.push((Input::Main, at.to_string()));
        }
        known
    }

    /// The default region for things with none of their own: the zone's first.
    fn home_region(&mut self, at: &str) -> String {
        match self.spec.regions.first() {
            Some(r) => r.name.clone(),
            None => self.region("us-east-1", at),
        }
    }

    /// An id no load balancer or host uses yet, from `base` (sanitised).
    pub fn unique_id(&self, base: &str) -> String {
        let taken = |id: &str| {
            self.spec.load_balancers.iter().any(|l| l.id == id)
                || self.spec.hosts.iter().any(|h| h.id == id)
                || self
                    .spec
                    .load_balancers
                    .iter()
                    .flat_map(|l| &l.target_groups)
                    .flat_map(|t| &t.targets)
                    .any(|h| h.id == id || h.id.starts_with(&format!("{id}-")))
        };
        let base: String = base
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
            .take(60)
            .collect::<String>()
            .trim_matches('-')
            .to_string();
        let base = if base.is_empty() { "endpoint".to_string() } else { base };
        if !taken(&base) {
            return base;
        }
        (2..).map(|n| format!("{base}-{n}")).find(|c| !taken(c)).unwrap_or(base)
    }

    /// Adds a load balancer (from Terraform, where its kind and region are known).
    pub fn add_lb(&mut self, at: &str, lb: LoadBalancerSpec) {
        self.lb_origin.push((Input::Main, at.to_string()));
        self.spec.load_balancers.push(lb);
    }

    /// The load balancer (or AWS-managed endpoint stand-in) answering `dns`,
    /// created on first use. `None` when the name is empty.
    pub fn endpoint(&mut self, at: &str, dns: &str, zone_id: &str) -> Option<(String, Service)> {
        let dns = dns_name(dns);
        let bare = |d: &str| d.strip_prefix("dualstack.").unwrap_or(d).to_string();
        let found = targets::recognise(&dns, zone_id)?;
        if let Some(l) = self.spec.load_balancers.iter().find(|l| bare(&l.dns_name) == bare(&dns)) {
            return Some((l.id.clone(), found.service));
        }
        let service = found.service;
        let region = match &found.region {
            Some(r) => self.region(r, at),
            None if service == Service::Unknown => self.home_region(at),
            None => self.region("us-east-1", at),
        };
        let base = match service {
            Service::ElbApplication | Service::ElbNetwork | Service::VpcEndpoint => found.label.clone(),
            Service::S3Website => format!("s3-website-{region}"),
            Service::CloudFront => format!("cloudfront-{}", found.label),
            Service::ApiGateway => format!("apigw-{}", found.label),
            Service::GlobalAccelerator => format!("accelerator-{}", found.label),
            Service::ElasticBeanstalk => format!("beanstalk-{}", found.label),
            Service::AppRunner => format!("apprunner-{}", found.label),
            Service::AppSync => format!("appsync-{}", found.label),
            Service::Unknown => format!("aws-{}", found.label),
        };
        let id = self.unique_id(&base);
        let azs: &[&str] = if service.is_elb() { &["a", "b"] } else { &["a"] };
        let (ttl, ttl_status) = service.ttl();
        let kind = service.model_kind();
        let kind_name = if kind == LbKind::Alb { "ALB" } else { "NLB" };
        if service.is_elb() {
            self.notes.push(format!(
                "{at}: load balancer {dns} modelled as an {kind_name} with one target group of two hosts in {region}a and {region}b (assumed)"
            ));
        } else {
            let place = if service.is_global() {
                format!("{region} (the service is global; one region stands for it, assumed)")
            } else {
                region.clone()
            };
            self.notes.push(format!(
                "{at}: {} {dns} modelled as an AWS-managed endpoint in {place}, up unless a fault stops it, answering with TTL {ttl} s ({ttl_status}); it behaves as an {kind_name} with one target '{id}-a'",
                service.name()
            ));
        }
        self.lb_origin.push((Input::Main, at.to_string()));
        self.spec.load_balancers.push(LoadBalancerSpec {
            id: id.clone(),
            kind,
            region: region.clone(),
            dns_name: dns,
            target_groups: vec![TargetGroupSpec {
                id: "tg".into(),
                targets: azs
                    .iter()
                    .map(|az| HostSpec { id: format!("{id}-{az}"), az: format!("{region}{az}"), ip: None })
                    .collect(),
            }],
            health: None,
        });
        Some((id, service))
    }

    /// A record spec for one AWS record set, or `None` (with a note) when the
    /// simulator does not answer it. `at` names it in the input.
    pub fn record(&mut self, at: &str, s: &ResourceRecordSet) -> Option<RecordSpec> {
        let name = dns_name(&s.name);
        self.input_names.insert(name.clone());
        let at = format!("{at} ({})", label(s));
        let rtype = match s.rtype.as_str() {
            "A" => RecordType::A,
            "AAAA" => RecordType::AAAA,
            "CNAME" => RecordType::CNAME,
            other => {
                if !(matches!(other, "SOA" | "NS") && name == self.spec.name) {
                    let what = if other == "NS" { "a delegation to another zone" } else { "not simulated" };
                    self.notes.push(format!("{at}: record type {other} is {what}; skipped"));
                }
                return None;
            }
        };
        if name.contains('*') {
            self.notes.push(format!("{at}: a wildcard record answers only the literal name '{name}' in the simulator"));
        }
        for k in s.other.keys() {
            self.notes.push(format!("{at}: field {k} is not supported; ignored"));
        }
        let routing = self.routing(&at, s)?;
        let set_id = s.set_identifier.clone();
        let health_check = s.health_check_id.clone();
        let (value, ttl_s) = if let Some(a) = &s.alias_target {
            if s.ttl.is_some() || s.resource_records.is_some() {
                self.notes.push(format!("{at}: an alias has no TTL or values of its own; they were ignored"));
            }
            let dns = dns_name(&a.dns_name);
            let mut eth = a.evaluate_target_health;
            let apex = self.spec.name.clone();
            let in_zone = dns == apex || dns.ends_with(&format!(".{apex}"));
            let target = if in_zone {
                AliasTarget::Record { name: dns }
            } else {
                let Some((id, service)) = self.endpoint(&at, &a.dns_name, &a.hosted_zone_id) else {
                    self.notes.push(format!("{at}: an alias with an empty target name; skipped"));
                    return None;
                };
                if rtype == RecordType::CNAME {
                    self.notes.push(format!(
                        "{at}: a CNAME alias to {} is simulated as an A alias's answer through a CNAME to its name",
                        service.name()
                    ));
                    let lb = self.spec.load_balancers.iter().find(|l| l.id == id).map(|l| l.dns_name.clone());
                    return Some(RecordSpec {
                        name,
                        rtype,
                        set_id,
                        routing,
                        ttl_s: Some(service.ttl().0),
                        value: RecordValue::Values(vec![lb.unwrap_or_default()]),
                        health_check,
                    });
                }
                match service.eth() {
                    Eth::NotAllowed => {
                        if eth {
                            self.notes.push(format!(
                                "{at}: Route 53 does not allow Evaluate Target Health on an alias to {}; modelled without it",
                                service.a_name()
                            ));
                        } else {
                            self.notes.push(format!(
                                "{at}: Evaluate Target Health is not supported for {} (Route 53 cannot see its health)",
                                service.a_name()
                            ));
                        }
                        eth = false;
                    }
                    Eth::Undocumented if eth => self.notes.push(format!(
                        "{at}: AWS does not document Evaluate Target Health for {}; modelled as for other AWS endpoints (healthy unless a fault stops it)",
                        service.a_name()
                    )),
                    _ => {}
                }
                AliasTarget::LoadBalancer { id }
            };
            (RecordValue::Alias { target, evaluate_target_health: eth }, None)
        } else {
            let values: Vec<String> = s
                .resource_records
                .iter()
                .flatten()
                .map(|r| match rtype {
                    RecordType::CNAME => dns_name(&r.value),
                    RecordType::A => match r.value.trim().parse::<std::net::Ipv4Addr>() {
                        Ok(ip) => format!("host:{}", self.ip_host(&at, &ip.to_string())),
                        Err(_) => r.value.trim().to_string(),
                    },
                    RecordType::AAAA => r.value.trim().to_string(),
                })
                .collect();
            if rtype == RecordType::CNAME
                && let Some(v) = values.first()
                && let Some(r) = targets::recognise(v, "")
                && r.service != Service::Unknown
            {
                self.endpoint(&at, v, "");
            }
            let ttl = match s.ttl {
                Some(t) => u32::try_from(t).unwrap_or(u32::MAX),
                None => {
                    self.notes.push(format!("{at}: no TTL; 300 s assumed"));
                    300
                }
            };
            (RecordValue::Values(values), Some(ttl))
        };
        Some(RecordSpec { name, rtype, set_id, routing, ttl_s, value, health_check })
    }

    fn routing(&mut self, at: &str, s: &ResourceRecordSet) -> Option<Routing> {
        Some(if let Some(w) = s.weight {
            Routing::Weighted { weight: u32::try_from(w).unwrap_or(u32::MAX) }
        } else if let Some(r) = &s.region {
            Routing::Latency { region: self.region(r, at) }
        } else if let Some(f) = &s.failover {
            Routing::Failover {
                role: if f.eq_ignore_ascii_case("PRIMARY") { FailoverRole::Primary } else { FailoverRole::Secondary },
            }
        } else if let Some(g) = &s.geo_location {
            let location = match (&g.continent_code, &g.country_code, &g.subdivision_code) {
                (Some(c), _, _) => GeoLocationSpec::Continent(c.clone()),
                (None, Some(c), _) if c == "*" => GeoLocationSpec::Default,
                (None, Some(c), Some(sub)) if c == "US" => {
                    GeoLocationSpec::Subdivision { country: c.clone(), code: sub.clone() }
                }
                (None, Some(c), Some(sub)) => {
                    self.notes.push(format!(
                        "{at}: subdivision {sub} of {c} is not in the simulator's location data; modelled as the whole country"
                    ));
                    GeoLocationSpec::Country(c.clone())
                }
                (None, Some(c), None) => GeoLocationSpec::Country(c.clone()),
                (None, None, _) => {
                    self.notes.push(format!("{at}: GeoLocation without a code; skipped"));
                    return None;
                }
            };
            Routing::Geolocation { location }
        } else if s.multi_value_answer == Some(true) {
            Routing::Multivalue
        } else if let Some(c) = &s.cidr_routing_config {
            Routing::IpBased { collection: c.collection_id.clone(), location: c.location_name.clone() }
        } else if let Some(g) = &s.geo_proximity_location {
            let bias = g.bias.unwrap_or(0).clamp(-1000, 1000) as i32;
            let location = if let Some(r) = &g.aws_region {
                GeoproximityLocation::Region(self.region(r, at))
            } else if let Some(c) = &g.coordinates {
                GeoproximityLocation::Coordinates {
                    lat: c.latitude.value().unwrap_or(f64::NAN),
                    lon: c.longitude.value().unwrap_or(f64::NAN),
                }
            } else if let Some(lz) = &g.local_zone_group {
                // `us-west-2-lax-1`: the parent region is the name without its last two parts.
                let parts: Vec<&str> = lz.split('-').collect();
                let parent = parts[..parts.len().saturating_sub(2).max(1)].join("-");
                let region = self.region(&parent, at);
                self.notes.push(format!(
                    "{at}: Local Zone group {lz} is not simulated; placed at its parent region {region} (assumed)"
                ));
                GeoproximityLocation::Region(region)
            } else {
                self.notes.push(format!("{at}: GeoProximityLocation without a location; skipped"));
                return None;
            };
            Routing::Geoproximity { location, bias }
        } else {
            Routing::Simple
        })
    }

    /// Adds a record with the place in the input it came from.
    pub fn push_record(&mut self, input: Input, at: String, r: RecordSpec) {
        self.record_origin.push((input, at));
        self.spec.records.push(r);
    }

    /// Removes record `i` (a change batch's DELETE, an UPSERT's replacement).
    pub fn remove_record(&mut self, i: usize) {
        self.spec.records.remove(i);
        self.record_origin.remove(i);
    }

    /// Replaces record `i`, now coming from `at`.
    pub fn replace_record(&mut self, i: usize, input: Input, at: String, r: RecordSpec) {
        self.spec.records[i] = r;
        self.record_origin[i] = (input, at);
    }

    /// Adds the health checks of a `list-health-checks` / `get-health-check` document;
    /// `prefix` names the list (`HealthChecks`).
    pub fn add_checks(&mut self, input: Input, prefix: &str, list: &[HealthCheck]) {
        for (i, hc) in list.iter().enumerate() {
            let at = format!("{prefix}[{i}] ({})", hc.id);
            if let Some(spec) = super::checks::convert(self, &at, hc) {
                self.check_origin.push((input, at));
                self.spec.health_checks.push(spec);
            }
        }
    }

    /// Adds one converted check (Terraform) with its origin.
    pub fn push_check(&mut self, input: Input, at: String, c: HealthCheckSpec) {
        self.check_origin.push((input, at));
        self.spec.health_checks.push(c);
    }

    /// The stand-alone host with address `ip`, created on first use: an A record's
    /// address becomes a host clients can connect to (in the zone's first region).
    pub(crate) fn ip_host(&mut self, at: &str, ip: &str) -> String {
        if let Some(h) = self.spec.hosts.iter().find(|h| h.ip.as_deref() == Some(ip)) {
            return h.id.clone();
        }
        let region = self.home_region(at);
        let id = self.unique_id(&format!("ip-{}", ip.replace('.', "-")));
        self.ip_hosts += 1;
        self.host_origin.push((Input::Main, at.to_string()));
        self.spec.hosts.push(HostSpec { id: id.clone(), az: format!("{region}a"), ip: Some(ip.to_string()) });
        id
    }

    /// A stand-alone host for a checked endpoint that no load balancer answers.
    pub(crate) fn checked_host(&mut self, at: &str, endpoint: &str, ip: Option<&str>) -> String {
        let region = self.home_region(at);
        let id = self.unique_id(&format!("checked-{}", self.spec.hosts.len() + 1));
        let ip = ip.and_then(|ip| ip.trim().parse::<std::net::Ipv4Addr>().ok()).map(|ip| ip.to_string());
        if let Some(ip) = &ip
            && let Some(h) = self.spec.hosts.iter().find(|h| h.ip.as_ref() == Some(ip))
        {
            return h.id.clone();
        }
        self.notes.push(format!(
            "{at}: endpoint {endpoint} is not a modelled load balancer; modelled as a host in {region}a (assumed)"
        ));
        self.host_origin.push((Input::Main, at.to_string()));
        self.spec.hosts.push(HostSpec { id: id.clone(), az: format!("{region}a"), ip });
        id
    }

    /// Finishes the zone: aliases left pointing at records the import skipped are
    /// dropped (noted), aliases to names the input never held are kept (noted: Route
    /// 53 answers them with no address, as for a tree never built), checks
    /// that records name but the input lacks become manual checks (noted), and the
    /// zone is validated; the first problem is reported against its input.
    pub fn finish(mut self) -> Result<(ZoneSpec, Vec<String>), ImportError> {
        // Aliases whose target the import skipped, until none is left.
        let mut never_built = BTreeSet::new();
        loop {
            let groups: BTreeSet<(String, RecordType)> =
                self.spec.records.iter().map(|r| (r.name.clone(), r.rtype)).collect();
            let in_input = |name: &str| self.input_names.contains(name) || groups.iter().any(|(n, _)| n == name);
            let mut dangling = None;
            for (i, r) in self.spec.records.iter().enumerate() {
                if let RecordValue::Alias { target: AliasTarget::Record { name }, .. } = &r.value
                    && !groups.contains(&(name.clone(), r.rtype))
                {
                    if in_input(name) {
                        dangling = Some(i);
                        break;
                    }
                    never_built.insert((i, name.clone()));
                }
            }
            let Some(i) = dangling else { break };
            let r = &self.spec.records[i];
            let RecordValue::Alias { target: AliasTarget::Record { name }, .. } = &r.value else { break };
            let other = if groups.iter().any(|(n, _)| n == name) { " of that type" } else { "" };
            self.notes.push(format!(
                "{}: alias to {name}, which has no {} record{other} in the import; skipped",
                self.record_origin[i].1,
                r.rtype.as_str()
            ));
            self.remove_record(i);
            never_built.clear();
        }
        for (i, name) in never_built {
            self.notes.push(format!(
                "{}: alias to {name}, which has no records in the input: kept, and answered with no address when \
                 Route 53 picks it (as for a tree never built)",
                self.record_origin[i].1
            ));
        }
        // Two latency records that now stand for one region (a region mapped to its
        // nearest): the later one is dropped.
        let mut seen = BTreeSet::new();
        let mut i = 0;
        while i < self.spec.records.len() {
            let r = &self.spec.records[i];
            if let Routing::Latency { region } = &r.routing
                && !seen.insert((r.name.clone(), r.rtype, region.clone()))
            {
                self.notes.push(format!(
                    "{}: another latency record of this name already stands for {region}; skipped",
                    self.record_origin[i].1
                ));
                self.remove_record(i);
                continue;
            }
            i += 1;
        }
        // Checks named by records or calculated checks but not in the input.
        let mut missing: Vec<(String, String)> = Vec::new();
        for (i, r) in self.spec.records.iter().enumerate() {
            if let Some(hc) = &r.health_check {
                missing.push((hc.clone(), self.record_origin[i].1.clone()));
            }
        }
        for (i, c) in self.spec.health_checks.iter().enumerate() {
            if let HealthCheckKind::Calculated { children, .. } = &c.kind {
                for ch in children {
                    missing.push((ch.clone(), self.check_origin[i].1.clone()));
                }
            }
        }
        for (id, at) in missing {
            if !self.spec.health_checks.iter().any(|c| c.id == id) {
                self.notes.push(format!(
                    "{at}: health check {id} was not in the health-check input; modelled as a manual check"
                ));
                self.check_origin.push((Input::Main, at));
                self.spec.health_checks.push(HealthCheckSpec {
                    id,
                    kind: HealthCheckKind::Manual { healthy: true },
                    inverted: false,
                    disabled: false,
                });
            }
        }
        // CIDR collections are not part of a record listing: each location a record
        // names is modelled without blocks (only its default `*` record then matches).
        for i in 0..self.spec.records.len() {
            let Routing::IpBased { collection, location } = &self.spec.records[i].routing else { continue };
            let (collection, location) = (collection.clone(), location.clone());
            let at = self.record_origin[i].1.clone();
            let c = match self.spec.cidr_collections.iter().position(|c| c.id == collection) {
                Some(c) => c,
                None => {
                    self.notes.push(format!(
                        "{at}: CIDR collection {collection} is not in the input; its locations are modelled without CIDR blocks, so only the '*' record matches (add the blocks to the scenario)"
                    ));
                    self.spec.cidr_collections.push(CidrCollectionSpec { id: collection.clone(), locations: vec![] });
                    self.spec.cidr_collections.len() - 1
                }
            };
            let locs = &mut self.spec.cidr_collections[c].locations;
            if location != "*" && !locs.iter().any(|l| l.name == location) {
                locs.push(CidrLocationSpec { name: location, cidrs: vec![] });
            }
        }
        if self.spec.regions.is_empty() {
            self.spec.regions.push(RegionSpec { name: "us-east-1".into(), label: None });
            self.region_origin.push((Input::Main, "the zone".into()));
        }
        if self.ip_hosts > 0 {
            self.notes.push(format!(
                "{} addresses of A records modelled as stand-alone hosts in {}a (assumed: an address does not say where it is)",
                self.ip_hosts, self.spec.regions[0].name
            ));
        }
        match Zone::new(&self.spec) {
            Ok(_) => Ok((self.spec, self.notes)),
            Err(problems) => {
                let first = &problems.0[0];
                let (input, origin) = self.origin_of(&first.path);
                let more = match problems.0.len() - 1 {
                    0 => String::new(),
                    n => format!(" (and {n} more)"),
                };
                Err(ImportError { input, message: format!("{origin}: {}{more}", first.message) })
            }
        }
    }

    /// The input place behind a validation path (`records[3].routing.weight`).
    fn origin_of(&self, path: &str) -> (Input, String) {
        let index = |what: &str| -> Option<usize> {
            let rest = path.strip_prefix(what)?.strip_prefix('[')?;
            rest.split(']').next()?.parse().ok()
        };
        let pick = |list: &[(Input, String)], what: &str| index(what).and_then(|i| list.get(i).cloned());
        let found = pick(&self.record_origin, "records")
            .or_else(|| pick(&self.check_origin, "health_checks"))
            .or_else(|| pick(&self.lb_origin, "load_balancers"))
            .or_else(|| pick(&self.host_origin, "hosts"))
            .or_else(|| pick(&self.region_origin, "regions"));
        match found {
            Some((input, at)) => {
                let field = path.split_once('.').map(|(_, f)| f).unwrap_or("");
                let field = field.strip_prefix("value.").unwrap_or(field);
                if field.is_empty() || input != Input::Base { (input, at) } else { (input, format!("{at}.{field}")) }
            }
            None => (Input::Main, format!("the zone's {path}")),
        }
    }
}

/// The scenario's service: the name that routes to the most load balancers, then
/// the one with the most routed records; only names with an A or CNAME record (the
/// simulator's clients ask for A).
pub(crate) fn choose_service(zone: &ZoneSpec) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in zone.records.iter().filter(|r| r.rtype != RecordType::AAAA) {
        let to_lb = matches!(r.value, RecordValue::Alias { target: AliasTarget::LoadBalancer { .. }, .. });
        *counts.entry(r.name.as_str()).or_default() +=
            usize::from(to_lb) * 100 + usize::from(!matches!(r.routing, Routing::Simple)) * 10 + 1;
    }
    counts.iter().max_by_key(|(n, c)| (**c, std::cmp::Reverse(**n))).map(|(n, _)| n.to_string())
}

/// The zone apex for records with no SOA: the longest common suffix of their names, one label shorter when that is itself a record's name and has
/// more than two labels.
pub(crate) fn apex_of(names: &[String]) -> Option<String> {
    let first: Vec<&str> = names.first()?.split('.').collect();
    let mut n = first.len();
    for name in &names[1..] {
        let l: Vec<&str> = name.split('.').collect();
        let common = first.iter().rev().zip(l.iter().rev()).take_while(|(a, b)| a == b).count();
        n = n.min(common);
    }
    let mut apex = first[first.len() - n..].join(".");
    if n > 2 && names.contains(&apex) {
        apex = first[first.len() - n + 1..].join(".");
    }
    (!apex.is_empty()).then_some(apex)
}

/// A scenario around an imported zone: the field experiment's resolver and probe.
pub(crate) fn scenario_for(zone: ZoneSpec, service: String, source: &str) -> Scenario {
    Scenario {
        version: CURRENT_VERSION,
        title: format!("Imported: {service}"),
        description: format!("Imported from {source} for zone {}.", zone.name),
        watch_for: vec![],
        seed: 1,
        duration_s: 1_200,
        service,
        zone,
        resolvers: vec![ResolverSpec::field_experiment()],
        population: None,
        clients: vec![],
        probes: vec![ProbeSpec::field_experiment()],
        faults: vec![],
        params: SimParams::default(),
        deploy: None,
        control_plane: None,
        challenge: None,
        view: ViewState::default(),
        guide: Vec::new(),
    }
}

/// The record sets of a document in any of its shapes, with the path prefix of
/// each (`ResourceRecordSets`, or empty for a bare array).
fn record_sets(text: &str) -> Result<(Vec<ResourceRecordSet>, &'static str, Vec<String>), String> {
    let v = parse_json(text)?;
    let mut notes = Vec::new();
    match &v {
        serde_json::Value::Array(_) => {
            Ok((parse_typed::<Vec<ResourceRecordSet>>(text, "an array of record sets")?, "", notes))
        }
        serde_json::Value::Object(o) if o.contains_key("ResourceRecordSets") => {
            let l: ListResourceRecordSets = parse_typed(text, "list-resource-record-sets output")?;
            if l.is_truncated == Some(true) {
                notes.push(format!(
                    "the listing is truncated (IsTruncated) after {} record sets: only those were imported",
                    l.resource_record_sets.len()
                ));
            }
            Ok((l.resource_record_sets, "ResourceRecordSets", notes))
        }
        serde_json::Value::Object(o) if o.contains_key("Name") && o.contains_key("Type") => {
            Ok((vec![parse_typed::<ResourceRecordSet>(text, "a record set")?], "ResourceRecordSet", notes))
        }
        serde_json::Value::Object(o) if o.contains_key("ChangeBatch") || o.contains_key("Changes") => {
            Err("this is a change batch, not record sets: use import-changes".into())
        }
        serde_json::Value::Object(o) if o.contains_key("HealthChecks") || o.contains_key("HealthCheck") => {
            Err("this is health-check output, not record sets: pass it with --health-checks".into())
        }
        _ => Err("no \"ResourceRecordSets\" array (is this list-resource-record-sets output?)".into()),
    }
}

/// Imports the output of `list-resource-record-sets` (and optionally of
/// `list-health-checks` or `get-health-check`) into a scenario.
pub fn import_record_sets(record_sets_text: &str, health_checks: Option<&str>) -> Result<Imported, ImportError> {
    let (sets, prefix, shape_notes) = record_sets(record_sets_text).map_err(ImportError::main)?;
    if sets.len() > limits::RECORDS {
        return Err(ImportError::main(format!("{} record sets; the limit is {}", sets.len(), limits::RECORDS)));
    }
    let at = |i: usize| if prefix.is_empty() { format!("[{i}]") } else { format!("{prefix}[{i}]") };
    // The apex: the SOA's name, else the shortest name.
    let apex = sets
        .iter()
        .find(|s| s.rtype == "SOA")
        .map(|s| dns_name(&s.name))
        .or_else(|| apex_of(&sets.iter().map(|s| dns_name(&s.name)).filter(|n| !n.is_empty()).collect::<Vec<_>>()))
        .ok_or_else(|| ImportError::main("no record sets"))?;
    let mut b = ZoneBuilder::new(&apex);
    b.notes.extend(shape_notes);
    let mut in_zone = 0;
    for (i, s) in sets.iter().enumerate() {
        if let Some(r) = b.record(&at(i), s) {
            let origin = format!("{} ({})", at(i), label(s));
            b.push_record(Input::Main, origin, r);
            in_zone += 1;
        }
    }
    if in_zone == 0 {
        return Err(ImportError::main("no A, AAAA or CNAME records: nothing to simulate"));
    }
    if let Some(text) = health_checks {
        let (list, prefix) = super::checks::health_checks(text).map_err(ImportError::checks)?;
        b.add_checks(Input::HealthChecks, prefix, &list);
    }
    let (zone, notes) = b.finish()?;
    let service = choose_service(&zone).ok_or_else(|| {
        ImportError::main("no A or CNAME record is left to simulate (the simulator's clients ask for A)")
    })?;
    Ok(Imported { scenario: scenario_for(zone, service, "Route 53 output"), notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_apex_is_the_common_suffix() {
        let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(apex_of(&n(&["www.example.com", "api.example.com"])).as_deref(), Some("example.com"));
        assert_eq!(apex_of(&n(&["www.example.com"])).as_deref(), Some("example.com"));
        assert_eq!(apex_of(&n(&["example.com", "www.example.com"])).as_deref(), Some("example.com"));
        assert_eq!(apex_of(&n(&["a.b.example.co.uk", "c.b.example.co.uk"])).as_deref(), Some("b.example.co.uk"));
    }
}
