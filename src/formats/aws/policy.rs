//! Route 53 traffic-policy documents (`AWSPolicyFormatVersion` 2015-10-01): import a
//! document into the zone's routing tree and export the tree as one.
//!
//! Each rule becomes a record group (the start rule at the service name, the others
//! at `<rule>.<service>`); each rule item becomes a record; a `RuleReference` becomes
//! an alias to that rule's group (with Evaluate Target Health as given, default on);
//! a load-balancer endpoint becomes an alias to the load balancer, the other AWS
//! endpoint types (CloudFront, S3 website, Elastic Beanstalk) an alias to an
//! AWS-managed endpoint as in the record-set import; a `value` endpoint a plain record.
//! The service name always ends up with a record, or the import fails saying why.

use serde_json::Value;

use super::records::ZoneBuilder;
use super::types::{NumText, PolicyDocument, PolicyEndpoint, PolicyItem, PolicyRule};
use super::{ImportError, Imported, Input, parse_json, parse_typed};
use crate::spec::scenario::Scenario;
use crate::spec::zone::*;

fn rule_name(rule: &str, service: &str, start: &str) -> String {
    if rule == start {
        service.to_string()
    } else {
        let label: String = rule
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
            .collect();
        format!("{label}.{service}")
    }
}

/// Imports a traffic-policy document as the routing tree of `base`'s service,
/// replacing its records; endpoints the document names are added. A fault of
/// `base` that names a record the policy replaced refuses the import, naming it.
pub fn import_traffic_policy(doc: &str, base: &Scenario) -> Result<Imported, ImportError> {
    let v = parse_json(doc).map_err(ImportError::main)?;
    match v.get("AWSPolicyFormatVersion").and_then(Value::as_str) {
        Some("2015-10-01") | Some("2023-05-09") => {}
        Some(other) => {
            return Err(ImportError::main(format!(
                "format version {other} is not supported (2015-10-01 or 2023-05-09)"
            )));
        }
        None => {
            return Err(ImportError::main("no \"AWSPolicyFormatVersion\" (is this a traffic-policy document?)"));
        }
    }
    let d: PolicyDocument = parse_typed(doc, "a traffic-policy document").map_err(ImportError::main)?;
    let rtype = match d.record_type.as_str() {
        "A" => RecordType::A,
        "AAAA" => RecordType::AAAA,
        "CNAME" => RecordType::CNAME,
        other => return Err(ImportError::main(format!("RecordType: {other} is not simulated (A, AAAA or CNAME)"))),
    };
    if d.rules.len() + d.endpoints.len() > crate::route53::zone::limits::RECORDS {
        return Err(ImportError::main(format!(
            "more than {} rules and endpoints",
            crate::route53::zone::limits::RECORDS
        )));
    }
    let service = base.service.clone();
    let mut zone = base.zone.clone();
    zone.records.retain(|r| r.name != service && !r.name.ends_with(&format!(".{service}")));
    let mut b = ZoneBuilder::from_zone(zone);
    for k in d.other.keys() {
        b.notes.push(format!("field {k} is not supported; ignored"));
    }
    let start = match (&d.start_rule, &d.start_endpoint) {
        (Some(r), _) => {
            if !d.rules.contains_key(r) {
                return Err(ImportError::main(format!("StartRule: '{r}' is not among the Rules")));
            }
            r.clone()
        }
        (None, Some(e)) => {
            // A single endpoint: a simple record at the service name.
            let Some(value) = endpoint_value(&mut b, &d, e, rtype, "StartEndpoint")? else {
                return Err(ImportError::main("StartEndpoint: the endpoint cannot be simulated"));
            };
            let r = RecordSpec {
                name: service.clone(),
                rtype,
                set_id: None,
                routing: Routing::Simple,
                ttl_s: ttl_of(&value),
                value,
                health_check: None,
            };
            b.push_record(Input::Main, "StartEndpoint".into(), r);
            String::new()
        }
        (None, None) => return Err(ImportError::main("neither StartRule nor StartEndpoint")),
    };
    for (id, rule) in &d.rules {
        let at = format!("Rules.{id}");
        let name = rule_name(id, &service, &start);
        for (set_id, routing, it, item_at) in items(&mut b, &at, rule) {
            let value = if let Some(r) = &it.rule_reference {
                if !d.rules.contains_key(r) {
                    return Err(ImportError::main(format!("{item_at}: RuleReference '{r}' is not among the Rules")));
                }
                RecordValue::Alias {
                    target: AliasTarget::Record { name: rule_name(r, &service, &start) },
                    evaluate_target_health: it.evaluate_target_health.unwrap_or(true),
                }
            } else if let Some(e) = &it.endpoint_reference {
                match endpoint_value(&mut b, &d, e, rtype, &item_at)? {
                    Some(RecordValue::Alias { target, evaluate_target_health }) => RecordValue::Alias {
                        target,
                        evaluate_target_health: evaluate_target_health && it.evaluate_target_health.unwrap_or(true),
                    },
                    Some(v) => v,
                    None => continue,
                }
            } else {
                b.notes.push(format!("{item_at}: an item with neither EndpointReference nor RuleReference; skipped"));
                continue;
            };
            let r = RecordSpec {
                name: name.clone(),
                rtype,
                set_id: Some(set_id),
                routing,
                ttl_s: ttl_of(&value),
                value,
                health_check: it.health_check.clone(),
            };
            b.push_record(Input::Main, item_at, r);
        }
    }
    let (zone, mut notes) = b.finish()?;
    let mut scenario = base.clone();
    let answers = |name: &str| {
        zone.records.iter().any(|r| r.name == name && matches!(r.rtype, RecordType::A | RecordType::CNAME))
    };
    if !answers(&service) {
        if rtype == RecordType::AAAA {
            return Err(ImportError::main(
                "the policy answers AAAA only; the simulator's clients ask for A (import an A or CNAME policy)",
            ));
        }
        return Err(ImportError::main(format!(
            "no record is left at the service name {service}: every item of the start rule was skipped (see the notes)"
        )));
    }
    notes.retain(|n| !n.is_empty());
    scenario.zone = zone;
    super::changes::check_script(&scenario, None)?;
    Ok(Imported { scenario, notes })
}

/// (set id, routing, item, path) of each item of a rule.
fn items<'r>(b: &mut ZoneBuilder, at: &str, rule: &'r PolicyRule) -> Vec<(String, Routing, &'r PolicyItem, String)> {
    let num = |x: &Option<super::types::NumText>| x.as_ref().and_then(|n| n.value());
    match rule.rule_type.as_str() {
        "failover" => {
            [("Primary", &rule.primary, FailoverRole::Primary), ("Secondary", &rule.secondary, FailoverRole::Secondary)]
                .into_iter()
                .filter_map(|(k, it, role)| {
                    it.as_ref().map(|it| (k.to_ascii_lowercase(), Routing::Failover { role }, it, format!("{at}.{k}")))
                })
                .collect()
        }
        "latency" => rule
            .regions
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let item_at = format!("{at}.Regions[{i}]");
                let region = b.region(it.region.as_deref().unwrap_or(""), &item_at);
                (region.clone(), Routing::Latency { region }, it, item_at)
            })
            .collect(),
        "weighted" => rule
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let w = num(&it.weight).map_or(0, |w| w.clamp(0.0, 1e6) as u32);
                (format!("w{i}"), Routing::Weighted { weight: w }, it, format!("{at}.Items[{i}]"))
            })
            .collect(),
        "multivalue" => rule
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (format!("m{i}"), Routing::Multivalue, it, format!("{at}.Items[{i}]")))
            .collect(),
        "geo" => rule
            .locations
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let loc = if it.is_default == Some(true) {
                    GeoLocationSpec::Default
                } else if let Some(c) = &it.continent {
                    GeoLocationSpec::Continent(c.clone())
                } else if let (Some(c), Some(s)) = (&it.country, &it.subdivision) {
                    GeoLocationSpec::Subdivision { country: c.clone(), code: s.clone() }
                } else {
                    GeoLocationSpec::Country(it.country.clone().unwrap_or_else(|| "*".into()))
                };
                (format!("g{i}"), Routing::Geolocation { location: loc }, it, format!("{at}.Locations[{i}]"))
            })
            .collect(),
        "geoproximity" => rule
            .geoproximity_locations
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let item_at = format!("{at}.GeoproximityLocations[{i}]");
                let bias = num(&it.bias).map_or(0, |b| b.clamp(-1000.0, 1000.0) as i32);
                let location = match (&it.region, num(&it.latitude), num(&it.longitude)) {
                    (Some(r), _, _) => {
                        GeoproximityLocation::Region(b.region(r.trim_start_matches("aws:route53:"), &item_at))
                    }
                    (None, Some(lat), Some(lon)) => GeoproximityLocation::Coordinates { lat, lon },
                    _ => GeoproximityLocation::Coordinates { lat: f64::NAN, lon: f64::NAN },
                };
                (format!("p{i}"), Routing::Geoproximity { location, bias }, it, item_at)
            })
            .collect(),
        other => {
            b.notes.push(format!("{at}: rule type '{other}' is not supported; skipped"));
            vec![]
        }
    }
}

fn ttl_of(v: &RecordValue) -> Option<u32> {
    match v {
        RecordValue::Values(_) => Some(60),
        RecordValue::Alias { .. } => None,
    }
}

/// What an endpoint answers; `Ok(None)` (noted) when it cannot be simulated.
fn endpoint_value(
    b: &mut ZoneBuilder,
    d: &PolicyDocument,
    id: &str,
    rtype: RecordType,
    at: &str,
) -> Result<Option<RecordValue>, ImportError> {
    let e = d
        .endpoints
        .get(id)
        .ok_or_else(|| ImportError::main(format!("{at}: EndpointReference '{id}' is not among the Endpoints")))?;
    let at = format!("{at} (endpoint '{id}')");
    match e.etype.as_str() {
        "value" => Ok(Some(RecordValue::Values(vec![if rtype == RecordType::CNAME {
            super::dns_name(&e.value)
        } else {
            e.value.trim().to_string()
        }]))),
        "elastic-load-balancer"
        | "application-load-balancer"
        | "network-load-balancer"
        | "cloudfront"
        | "elastic-beanstalk"
        | "s3-website" => {
            let dns = if e.etype == "s3-website" && !e.value.contains("s3-website") {
                // The document names the bucket; the endpoint is the region's website endpoint.
                format!("s3-website-{}.amazonaws.com", e.region.as_deref().unwrap_or("us-east-1"))
            } else {
                e.value.clone()
            };
            let Some((lb, service)) = b.endpoint(&at, &dns, "") else {
                b.notes.push(format!("{at}: an endpoint with an empty value; skipped"));
                return Ok(None);
            };
            if rtype == RecordType::CNAME {
                return Ok(Some(RecordValue::Values(vec![super::dns_name(&dns)])));
            }
            let eth = service.eth() != super::targets::Eth::NotAllowed;
            Ok(Some(RecordValue::Alias { target: AliasTarget::LoadBalancer { id: lb }, evaluate_target_health: eth }))
        }
        other => {
            b.notes.push(format!("{at}: endpoint type {other} is not simulated; skipped"));
            Ok(None)
        }
    }
}

/// The traffic-policy endpoint type of a load balancer or AWS-managed endpoint.
fn endpoint_type(dns: &str) -> &'static str {
    match super::targets::recognise(dns, "").map(|r| r.service) {
        Some(super::targets::Service::CloudFront) => "cloudfront",
        Some(super::targets::Service::S3Website) => "s3-website",
        Some(super::targets::Service::ElasticBeanstalk) => "elastic-beanstalk",
        _ => "elastic-load-balancer",
    }
}

/// Exports the routing tree under the scenario's service as a traffic-policy
/// document, with notes about what a document cannot express.
pub fn export_traffic_policy(s: &Scenario) -> Result<(String, Vec<String>), String> {
    let zone = crate::route53::zone::Zone::new(&s.zone).map_err(|p| p.to_string())?;
    let g0 = zone
        .group(&s.service, RecordType::A)
        .or_else(|| zone.group(&s.service, RecordType::CNAME))
        .ok_or("the service has no A or CNAME records")?;
    let doc = PolicyDocument {
        format_version: "2015-10-01".into(),
        record_type: zone.groups[g0].rtype.as_str().into(),
        ..Default::default()
    };
    let mut ex = PolicyExport { s, zone: &zone, doc, notes: Vec::new(), stack: vec![g0] };
    ex.doc.start_rule = Some(ex.rule_id(g0));
    let mut seen = Vec::new();
    while let Some(g) = ex.stack.pop() {
        if seen.contains(&g) {
            continue;
        }
        seen.push(g);
        ex.rule(g)?;
    }
    Ok((serde_json::to_string_pretty(&ex.doc).expect("serialisable"), ex.notes))
}

/// A traffic-policy document being written from a validated zone: the document,
/// the notes, and the groups whose rules are still to write.
struct PolicyExport<'a> {
    s: &'a Scenario,
    zone: &'a crate::route53::zone::Zone,
    doc: PolicyDocument,
    notes: Vec<String>,
    stack: Vec<usize>,
}

impl PolicyExport<'_> {
    /// The rule id of group `g`: its name with `.` and `-` as `_`.
    fn rule_id(&self, g: usize) -> String {
        self.zone.groups[g].name.replace(['.', '-'], "_")
    }

    /// Group `g`'s rule, of the type its routing policy gives, one item per member.
    fn rule(&mut self, g: usize) -> Result<(), String> {
        let members = &self.zone.groups[g].members;
        let mut items: Vec<(Routing, PolicyItem)> = Vec::new();
        for &m in members {
            let spec = &self.s.zone.records[m];
            let mut item = self.item_target(g, m)?;
            item.health_check = spec.health_check.clone();
            set_item_routing(&mut item, &spec.routing);
            items.push((spec.routing.clone(), item));
        }
        let first = &self.s.zone.records[members[0]].routing;
        let rule = policy_rule(first, items, &self.zone.groups[g].name, &mut self.notes);
        let id = self.rule_id(g);
        self.doc.rules.insert(id, rule);
        Ok(())
    }

    /// The item for record `m` of group `g`, pointing at what the record answers
    /// with: another rule (queued), a load balancer's endpoint or a value endpoint.
    fn item_target(&mut self, g: usize, m: usize) -> Result<PolicyItem, String> {
        let (r, spec) = (&self.zone.records[m], &self.s.zone.records[m]);
        let mut item = PolicyItem::default();
        match &spec.value {
            RecordValue::Alias { target: AliasTarget::Record { .. }, evaluate_target_health } => {
                if let crate::route53::zone::Target::AliasGroup(t) = r.target {
                    item.rule_reference = Some(self.rule_id(t));
                    item.evaluate_target_health = Some(*evaluate_target_health);
                    self.stack.push(t);
                }
            }
            RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, evaluate_target_health } => {
                let lb = self.s.zone.load_balancers.iter().find(|l| l.id == *id).ok_or("dangling load balancer")?;
                self.doc.endpoints.insert(
                    id.clone(),
                    PolicyEndpoint {
                        etype: endpoint_type(&lb.dns_name).into(),
                        value: lb.dns_name.clone(),
                        ..Default::default()
                    },
                );
                item.endpoint_reference = Some(id.clone());
                item.evaluate_target_health = Some(*evaluate_target_health);
            }
            RecordValue::Values(vs) => {
                let ep = format!("{}_{}", self.rule_id(g), spec.set_id.as_deref().unwrap_or("value"));
                if vs.len() > 1 {
                    self.notes.push(format!("{}: only the first of {} values fits an endpoint", r.label(), vs.len()));
                }
                let value = vs.first().cloned().unwrap_or_default();
                let value = match value.strip_prefix("host:") {
                    Some(h) => self.s.zone.hosts.iter().find(|x| x.id == h).and_then(|x| x.ip.clone()).unwrap_or(value),
                    None => value,
                };
                self.doc
                    .endpoints
                    .insert(ep.clone(), PolicyEndpoint { etype: "value".into(), value, ..Default::default() });
                item.endpoint_reference = Some(ep);
            }
        }
        Ok(item)
    }
}

/// An item's routing fields from its record's routing policy.
fn set_item_routing(item: &mut PolicyItem, routing: &Routing) {
    let text = |v: String| Some(NumText::Text(v));
    match routing {
        Routing::Latency { region } => item.region = Some(region.clone()),
        Routing::Weighted { weight } => item.weight = text(weight.to_string()),
        Routing::Geolocation { location } => match location {
            GeoLocationSpec::Default => item.is_default = Some(true),
            GeoLocationSpec::Continent(c) => item.continent = Some(c.clone()),
            GeoLocationSpec::Country(c) => item.country = Some(c.clone()),
            GeoLocationSpec::Subdivision { country, code } => {
                item.country = Some(country.clone());
                item.subdivision = Some(code.clone());
            }
        },
        Routing::Geoproximity { location, bias } => {
            match location {
                GeoproximityLocation::Region(r) => item.region = Some(format!("aws:route53:{r}")),
                GeoproximityLocation::Coordinates { lat, lon } => {
                    item.latitude = text(format!("{lat:.2}"));
                    item.longitude = text(format!("{lon:.2}"));
                }
            }
            item.bias = text(bias.to_string());
        }
        _ => {}
    }
}

/// A rule of the type the group's first routing policy gives, from its items;
/// routing a traffic policy has no rule for is written as weighted (noted).
fn policy_rule(first: &Routing, items: Vec<(Routing, PolicyItem)>, group: &str, notes: &mut Vec<String>) -> PolicyRule {
    let text = |v: String| Some(NumText::Text(v));
    let mut rule = PolicyRule::default();
    let plain = |items: Vec<(Routing, PolicyItem)>| items.into_iter().map(|i| i.1).collect::<Vec<_>>();
    match first {
        Routing::Failover { .. } => {
            rule.rule_type = "failover".into();
            for (routing, it) in items {
                if matches!(routing, Routing::Failover { role: FailoverRole::Primary }) {
                    rule.primary = Some(it);
                } else {
                    rule.secondary = Some(it);
                }
            }
        }
        Routing::Latency { .. } => {
            rule.rule_type = "latency".into();
            rule.regions = plain(items);
        }
        Routing::Weighted { .. } => {
            rule.rule_type = "weighted".into();
            rule.items = plain(items);
        }
        Routing::Multivalue => {
            rule.rule_type = "multivalue".into();
            rule.items = plain(items);
        }
        Routing::Geolocation { .. } => {
            rule.rule_type = "geo".into();
            rule.locations = plain(items);
        }
        Routing::Geoproximity { .. } => {
            rule.rule_type = "geoproximity".into();
            rule.geoproximity_locations = plain(items);
        }
        Routing::Simple | Routing::IpBased { .. } => {
            notes.push(format!(
                "'{}': {} routing has no traffic-policy rule; exported as weighted",
                group,
                first.name()
            ));
            rule.rule_type = "weighted".into();
            rule.items = items
                .into_iter()
                .map(|(_, mut it)| {
                    it.weight = text("1".into());
                    it
                })
                .collect();
        }
    }
    rule
}
