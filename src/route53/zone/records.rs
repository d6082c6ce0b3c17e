//! Validation of each record: its values or alias target, TTL, CNAME placement,
//! health check, and the settings of its routing policy (weight, latency region,
//! geolocation, geoproximity, multivalue, IP-based location) (model: answers).

use std::net::{Ipv4Addr, Ipv6Addr};

use super::checks::Checks;
use super::cidrs::Collections;
use super::endpoints::Endpoints;
use super::groups::Groups;
use super::validate::Validator;
use crate::base::geo::{self, Continent, LatLon};
use crate::route53::zone::{Policy, Record, Target, Value, limits};
use crate::spec::zone::{
    AliasTarget, GeoLocationSpec, GeoproximityLocation, RecordSpec, RecordType, RecordValue, Routing, ZoneSpec,
};

/// Largest TTL Route 53 accepts, s (2³¹ − 1, RFC 2181 §8).
const TTL_MAX_S: u32 = 2_147_483_647;

/// What the earlier sections built, for resolving a record's references.
pub(super) struct Refs<'a> {
    pub endpoints: &'a Endpoints,
    pub checks: &'a Checks,
    pub groups: &'a Groups,
    pub collections: &'a Collections,
}

impl Validator {
    /// Every record, in spec order.
    pub(super) fn records(&mut self, spec: &ZoneSpec, refs: &Refs<'_>) -> Vec<Record> {
        spec.records.iter().enumerate().map(|(i, r)| self.record(spec, &format!("records[{i}]"), r, refs)).collect()
    }

    fn record(&mut self, spec: &ZoneSpec, path: &str, r: &RecordSpec, refs: &Refs<'_>) -> Record {
        let group = refs.groups.index[&(r.name.clone(), r.rtype)];
        let (target, eth) = match &r.value {
            RecordValue::Values(values) => (self.values(spec, path, r, values, refs), false),
            RecordValue::Alias { target, evaluate_target_health } => {
                (self.alias(path, r, target, refs), *evaluate_target_health)
            }
        };
        if let Some(ttl) = r.ttl_s
            && ttl > TTL_MAX_S
        {
            self.err(format!("{path}.ttl_s"), "TTL must be at most 2147483647 s");
        }
        if r.rtype == RecordType::CNAME && r.name == spec.name {
            self.err(format!("{path}.name"), "a CNAME cannot sit at the zone apex; use an alias");
        }
        let check = match &r.health_check {
            Some(id) => match refs.checks.ids.get(id) {
                Some(&c) => Some(c),
                None => {
                    self.err(format!("{path}.health_check"), format!("no health check '{id}'"));
                    None
                }
            },
            None => None,
        };
        let policy = self.policy(path, r, refs);
        if !matches!(r.routing, Routing::Simple) && r.set_id.is_none() {
            self.err(format!("{path}.set_id"), format!("a {} record needs a set identifier", r.routing.name()));
        }
        Record {
            name: r.name.clone(),
            rtype: r.rtype,
            set_id: r.set_id.clone(),
            ttl_s: r.ttl_s,
            policy,
            group,
            target,
            check,
            eth,
        }
    }

    /// A non-alias record's literal values: addresses, hosts, or one CNAME target.
    fn values(&mut self, spec: &ZoneSpec, path: &str, r: &RecordSpec, values: &[String], refs: &Refs<'_>) -> Target {
        if r.ttl_s.is_none() {
            self.err(format!("{path}.ttl_s"), "a non-alias record needs a TTL");
        }
        if values.is_empty() {
            self.err(format!("{path}.value"), "a record needs at least one value");
        }
        self.limit(&format!("{path}.value"), values.len(), limits::VALUES, "values");
        let apex_suffix = format!(".{}", spec.name);
        let mut out = Vec::new();
        for (k, v) in values.iter().enumerate() {
            let vpath = format!("{path}.value.values[{k}]");
            match r.rtype {
                RecordType::CNAME => {
                    if let Some(&l) = refs.endpoints.lb_names.get(v) {
                        out.push(Value::CnameLb(l));
                    } else if v == &spec.name || v.ends_with(&apex_suffix) {
                        out.push(Value::CnameZone(v.as_str().into()));
                    } else {
                        self.check_len(&vpath, v);
                        out.push(Value::CnameExternal(v.as_str().into()));
                    }
                }
                RecordType::A | RecordType::AAAA => {
                    if let Some(id) = v.strip_prefix("host:") {
                        match refs.endpoints.host_ids.get(id) {
                            Some(&h) => out.push(Value::Host(h)),
                            None => self.err(&vpath, format!("no host '{id}'")),
                        }
                    } else if r.rtype == RecordType::A && v.parse::<Ipv4Addr>().is_err() {
                        self.err(&vpath, format!("'{v}' is not an IPv4 address (or host:<id>)"));
                    } else if r.rtype == RecordType::AAAA && v.parse::<Ipv6Addr>().is_err() {
                        self.err(&vpath, format!("'{v}' is not an IPv6 address (or host:<id>)"));
                    } else {
                        out.push(Value::Ip(v.as_str().into()));
                    }
                }
            }
        }
        if r.rtype == RecordType::CNAME && values.len() > 1 {
            self.err(format!("{path}.value"), "a CNAME record holds exactly one name");
        }
        Target::Values(out)
    }

    /// An alias's target: a group of the same type in the zone, or a load balancer.
    fn alias(&mut self, path: &str, r: &RecordSpec, target: &AliasTarget, refs: &Refs<'_>) -> Target {
        if r.ttl_s.is_some() {
            self.err(format!("{path}.ttl_s"), "an alias has no TTL of its own: it answers with its target's");
        }
        match target {
            // A name with no record of the alias's type is accepted: Route 53 refuses to
            // create such an alias, but its target can be deleted afterwards, or a tree
            // left unbuilt (the field report's design 1a); the lint warns about it.
            AliasTarget::Record { name } => match refs.groups.index.get(&(name.clone(), r.rtype)) {
                Some(&g) => Target::AliasGroup(g),
                None => Target::AliasMissing(name.clone()),
            },
            AliasTarget::LoadBalancer { id } => match refs.endpoints.lb_ids.get(id) {
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

    /// The routing policy, its settings checked and its references resolved.
    fn policy(&mut self, path: &str, r: &RecordSpec, refs: &Refs<'_>) -> Policy {
        match &r.routing {
            Routing::Simple => Policy::Simple,
            Routing::Weighted { weight } => {
                if *weight > 255 {
                    self.err(format!("{path}.routing.weight"), format!("{weight}: weights are 0 to 255"));
                }
                Policy::Weighted { weight: *weight }
            }
            Routing::Latency { region } => {
                if geo::region_city(region).is_none() {
                    self.err(format!("{path}.routing.region"), format!("'{region}' is not a known AWS region"));
                }
                Policy::Latency { region: region.clone() }
            }
            Routing::Failover { role } => Policy::Failover { role: *role },
            Routing::Geolocation { location } => {
                self.geo_location(&format!("{path}.routing.location"), location);
                Policy::Geolocation { location: location.clone() }
            }
            Routing::Geoproximity { location, bias } => {
                if !(-99..=99).contains(bias) {
                    self.err(format!("{path}.routing.bias"), format!("{bias}: bias is −99 to 99"));
                }
                // An unknown region is a problem, so the zone is refused and the
                // stand-in coordinates are never used.
                let at = self.geoproximity(path, location).unwrap_or(LatLon { lat: 0.0, lon: 0.0 });
                Policy::Geoproximity { at, bias: *bias }
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
                Policy::Multivalue
            }
            Routing::IpBased { collection, location } => {
                let default = location == "*";
                let mut blocks = Vec::new();
                match refs.collections.get(collection) {
                    Some(locs) if !default => match locs.get(location) {
                        Some(b) => blocks = b.clone(),
                        None => self.err(
                            format!("{path}.routing.location"),
                            format!("collection '{collection}' has no location '{location}'"),
                        ),
                    },
                    Some(_) => {}
                    None => {
                        self.err(format!("{path}.routing.collection"), format!("no CIDR collection '{collection}'"))
                    }
                }
                Policy::IpBased { blocks, default }
            }
        }
    }

    /// A geoproximity location: a known region's coordinates, or coordinates in range.
    fn geoproximity(&mut self, path: &str, location: &GeoproximityLocation) -> Option<LatLon> {
        match location {
            GeoproximityLocation::Region(name) => match geo::region_city(name) {
                Some(c) => Some(LatLon { lat: c.lat, lon: c.lon }),
                None => {
                    self.err(format!("{path}.routing.location"), format!("'{name}' is not a known AWS region"));
                    None
                }
            },
            GeoproximityLocation::Coordinates { lat, lon } => {
                if !(-90.0..=90.0).contains(lat) || !(-180.0..=180.0).contains(lon) {
                    self.err(format!("{path}.routing.location"), "coordinates out of range");
                }
                Some(LatLon { lat: *lat, lon: *lon })
            }
        }
    }

    /// A geolocation: the default, a continent, a country Route 53 has data for, or
    /// a US state (model: answers).
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
}
