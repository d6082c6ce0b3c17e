//! Record sets into a zone: [`import_record_sets`] reads `list-resource-record-sets`
//! output (and health checks) into a scenario through a [`ZoneBuilder`], which the
//! change-batch and Terraform importers share.
//!
//! The builder turns each typed record set into a record spec, models every alias
//! target (see [`super::targets`]), drops what the simulator cannot answer with a
//! note (and, in turn, aliases left pointing at nothing), then validates the zone:
//! a problem the validator finds is reported against the input record that caused
//! it, so an import never yields a zone the simulator refuses.
//!
//! Converting one record set is in `records/record.rs`, finishing and validating
//! the zone in `records/finish.rs`.

use std::collections::{BTreeMap, BTreeSet};

mod finish;
mod record;

use super::types::{HealthCheck, ListResourceRecordSets, ResourceRecordSet};
use super::{ImportError, Imported, Input, dns_name, parse_json, parse_typed};
use crate::base::geo;
use crate::route53::zone::limits;
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
