//! Route 53 traffic-policy documents (`AWSPolicyFormatVersion` 2015-10-01): import a
//! document into the zone's routing tree and export the tree as one.
//!
//! Each rule becomes a record group (the start rule at the service name, the others
//! at `<rule>.<service>`); each rule item becomes a record; a `RuleReference` becomes
//! an alias to that rule's group (with Evaluate Target Health as given, default on);
//! an `elastic-load-balancer` endpoint becomes an alias to a load balancer; a `value`
//! endpoint an A record. CloudFront and S3 endpoints are reported and skipped.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Imported, elb_from_dns};
use crate::spec::scenario::Scenario;
use crate::spec::zone::*;

fn rule_name(rule: &str, service: &str, start: &str) -> String {
    if rule == start {
        service.to_string()
    } else {
        format!("{}.{service}", rule.to_ascii_lowercase().replace('_', "-"))
    }
}

/// Imports a traffic-policy document as the routing tree of `base`'s service,
/// replacing its records; load balancers named by the document are added.
pub fn import_traffic_policy(doc: &str, base: &Scenario) -> Result<Imported, String> {
    let v: Value = serde_json::from_str(doc).map_err(|e| format!("traffic policy: not valid JSON: {e}"))?;
    match v.get("AWSPolicyFormatVersion").and_then(Value::as_str) {
        Some("2015-10-01") | Some("2023-05-09") => {}
        Some(other) => {
            return Err(format!("traffic policy: format version {other} is not supported (2015-10-01 or 2023-05-09)"));
        }
        None => return Err("traffic policy: no \"AWSPolicyFormatVersion\" (is this a traffic-policy document?)".into()),
    }
    let rtype = match v.get("RecordType").and_then(Value::as_str).unwrap_or("A") {
        "A" => RecordType::A,
        "AAAA" => RecordType::AAAA,
        "CNAME" => RecordType::CNAME,
        other => return Err(format!("traffic policy: record type {other} is not simulated")),
    };
    let empty = Map::new();
    let endpoints = v.get("Endpoints").and_then(Value::as_object).unwrap_or(&empty);
    let rules = v.get("Rules").and_then(Value::as_object).unwrap_or(&empty);
    if rules.len() + endpoints.len() > crate::route53::zone::limits::RECORDS {
        return Err(format!("traffic policy: more than {} rules and endpoints", crate::route53::zone::limits::RECORDS));
    }
    let mut scenario = base.clone();
    let service = scenario.service.clone();
    let mut notes = Vec::new();
    let mut records = Vec::new();
    let mut lbs: BTreeMap<String, LoadBalancerSpec> = BTreeMap::new();
    let start = match (v.get("StartRule").and_then(Value::as_str), v.get("StartEndpoint").and_then(Value::as_str)) {
        (Some(r), _) => r.to_string(),
        (None, Some(e)) => {
            // A single endpoint: a simple record at the service name.
            let value = endpoint_value(endpoints, e, rtype, &mut lbs, &mut notes, "StartEndpoint")?;
            records.push(RecordSpec {
                name: service.clone(),
                rtype,
                set_id: None,
                routing: Routing::Simple,
                ttl_s: ttl_of(&value),
                value,
                health_check: None,
            });
            String::new()
        }
        (None, None) => return Err("traffic policy: neither StartRule nor StartEndpoint".into()),
    };
    if !start.is_empty() && !rules.contains_key(&start) {
        return Err(format!("traffic policy: StartRule '{start}' is not among the Rules"));
    }
    let mut checks: Vec<String> = Vec::new();
    for (id, rule) in rules {
        let at = format!("Rules.{id}");
        let name = rule_name(id, &service, &start);
        let kind = rule.get("RuleType").and_then(Value::as_str).unwrap_or("");
        // (set id, routing, item)
        let items: Vec<(String, Routing, &Value)> = match kind {
            "failover" => ["Primary", "Secondary"]
                .iter()
                .filter_map(|k| {
                    rule.get(*k).map(|it| {
                        (
                            k.to_lowercase(),
                            Routing::Failover {
                                role: if *k == "Primary" { FailoverRole::Primary } else { FailoverRole::Secondary },
                            },
                            it,
                        )
                    })
                })
                .collect(),
            "latency" => arr(rule, "Regions")
                .iter()
                .map(|it| {
                    let r = it.get("Region").and_then(Value::as_str).unwrap_or("").to_string();
                    (r.clone(), Routing::Latency { region: r }, it)
                })
                .collect(),
            "weighted" => arr(rule, "Items")
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    let w = it
                        .get("Weight")
                        .and_then(|w| w.as_str().and_then(|s| s.parse().ok()).or_else(|| w.as_u64()))
                        .unwrap_or(0) as u32;
                    (format!("w{i}"), Routing::Weighted { weight: w }, it)
                })
                .collect(),
            "multivalue" => arr(rule, "Items")
                .iter()
                .enumerate()
                .map(|(i, it)| (format!("m{i}"), Routing::Multivalue, it))
                .collect(),
            "geo" => arr(rule, "Locations")
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    let loc = if it.get("IsDefault").and_then(Value::as_bool) == Some(true) {
                        GeoLocationSpec::Default
                    } else if let Some(c) = it.get("Continent").and_then(Value::as_str) {
                        GeoLocationSpec::Continent(c.into())
                    } else if let (Some(c), Some(s)) =
                        (it.get("Country").and_then(Value::as_str), it.get("Subdivision").and_then(Value::as_str))
                    {
                        GeoLocationSpec::Subdivision { country: c.into(), code: s.into() }
                    } else {
                        GeoLocationSpec::Country(it.get("Country").and_then(Value::as_str).unwrap_or("*").into())
                    };
                    (format!("g{i}"), Routing::Geolocation { location: loc }, it)
                })
                .collect(),
            "geoproximity" => arr(rule, "GeoproximityLocations")
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    let bias = it
                        .get("Bias")
                        .and_then(|b| b.as_str().and_then(|s| s.parse().ok()).or_else(|| b.as_i64()))
                        .unwrap_or(0) as i32;
                    let num = |k: &str| {
                        it.get(k).and_then(|x| x.as_str().and_then(|s| s.parse().ok()).or_else(|| x.as_f64()))
                    };
                    let location = match (it.get("Region").and_then(Value::as_str), num("Latitude"), num("Longitude")) {
                        (Some(r), _, _) => GeoproximityLocation::Region(r.trim_start_matches("aws:route53:").into()),
                        (None, Some(lat), Some(lon)) => GeoproximityLocation::Coordinates { lat, lon },
                        _ => GeoproximityLocation::Coordinates { lat: 0.0, lon: 0.0 },
                    };
                    (format!("p{i}"), Routing::Geoproximity { location, bias }, it)
                })
                .collect(),
            other => {
                notes.push(format!("{at}: rule type '{other}' is not supported; skipped"));
                continue;
            }
        };
        for (set_id, routing, it) in items {
            let hc = it.get("HealthCheck").and_then(Value::as_str).map(str::to_string);
            if let Some(h) = &hc
                && !checks.contains(h)
            {
                checks.push(h.clone());
                notes.push(format!(
                    "{at}: health check {h} modelled as a manual check (its definition is not in the document)"
                ));
            }
            let value = if let Some(r) = it.get("RuleReference").and_then(Value::as_str) {
                if !rules.contains_key(r) {
                    return Err(format!("{at}: RuleReference '{r}' is not among the Rules"));
                }
                let eth = it.get("EvaluateTargetHealth").and_then(Value::as_bool).unwrap_or(true);
                RecordValue::Alias {
                    target: AliasTarget::Record { name: rule_name(r, &service, &start) },
                    evaluate_target_health: eth,
                }
            } else if let Some(e) = it.get("EndpointReference").and_then(Value::as_str) {
                match endpoint_value(endpoints, e, rtype, &mut lbs, &mut notes, &at) {
                    Ok(RecordValue::Alias { target, .. }) => {
                        let eth = it.get("EvaluateTargetHealth").and_then(Value::as_bool).unwrap_or(true);
                        RecordValue::Alias { target, evaluate_target_health: eth }
                    }
                    Ok(v) => v,
                    Err(skip) => {
                        notes.push(skip);
                        continue;
                    }
                }
            } else {
                notes.push(format!("{at}: an item with neither EndpointReference nor RuleReference; skipped"));
                continue;
            };
            records.push(RecordSpec {
                name: name.clone(),
                rtype,
                set_id: Some(set_id),
                routing,
                ttl_s: ttl_of(&value),
                value,
                health_check: hc,
            });
        }
    }
    scenario.zone.records.retain(|r| r.name != service && !r.name.ends_with(&format!(".{service}")));
    scenario.zone.records.extend(records);
    for h in checks {
        if !scenario.zone.health_checks.iter().any(|c| c.id == h) {
            scenario.zone.health_checks.push(HealthCheckSpec {
                id: h,
                kind: HealthCheckKind::Manual { healthy: true },
                inverted: false,
                disabled: false,
            });
        }
    }
    for lb in lbs.into_values() {
        if !scenario.zone.regions.iter().any(|r| r.name == lb.region) {
            scenario.zone.regions.push(RegionSpec { name: lb.region.clone(), label: None });
        }
        if !scenario.zone.load_balancers.iter().any(|l| l.id == lb.id) {
            scenario.zone.load_balancers.push(lb);
        }
    }
    Ok(Imported { scenario, notes })
}

fn arr<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn ttl_of(v: &RecordValue) -> Option<u32> {
    match v {
        RecordValue::Values(_) => Some(60),
        RecordValue::Alias { .. } => None,
    }
}

fn endpoint_value(
    endpoints: &Map<String, Value>,
    id: &str,
    rtype: RecordType,
    lbs: &mut BTreeMap<String, LoadBalancerSpec>,
    notes: &mut Vec<String>,
    at: &str,
) -> Result<RecordValue, String> {
    let e = endpoints.get(id).ok_or_else(|| format!("{at}: EndpointReference '{id}' is not among the Endpoints"))?;
    let typ = e.get("Type").and_then(Value::as_str).unwrap_or("");
    let value = e.get("Value").and_then(Value::as_str).unwrap_or("").to_string();
    match typ {
        "value" => Ok(RecordValue::Values(vec![value])),
        "elastic-load-balancer" | "application-load-balancer" | "network-load-balancer" => {
            let Some((region, mut kind, name)) = elb_from_dns(&value) else {
                return Err(format!(
                    "{at}: endpoint '{id}' ({value}) is not a load balancer name this simulator can place; skipped"
                ));
            };
            if typ == "network-load-balancer" {
                kind = LbKind::Nlb;
            }
            if rtype == RecordType::CNAME {
                return Ok(RecordValue::Values(vec![value.trim_end_matches('.').to_string()]));
            }
            if !lbs.contains_key(&name) {
                notes.push(format!("{at}: load balancer {value} modelled with one target group of two hosts in {region}a and {region}b (assumed)"));
                lbs.insert(
                    name.clone(),
                    LoadBalancerSpec {
                        id: name.clone(),
                        kind,
                        region: region.clone(),
                        dns_name: value.trim_end_matches('.').to_ascii_lowercase(),
                        target_groups: vec![TargetGroupSpec {
                            id: "tg".into(),
                            targets: ["a", "b"]
                                .iter()
                                .map(|az| HostSpec {
                                    id: format!("{name}-{az}"),
                                    az: format!("{region}{az}"),
                                    ip: None,
                                })
                                .collect(),
                        }],
                        health: None,
                    },
                );
            }
            Ok(RecordValue::Alias { target: AliasTarget::LoadBalancer { id: name }, evaluate_target_health: true })
        }
        other => Err(format!("{at}: endpoint '{id}' of type {other} is not simulated; skipped")),
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
    let mut notes = Vec::new();
    let mut endpoints = Map::new();
    let mut rules = Map::new();
    let rule_id = |g: usize| zone.groups[g].name.replace(['.', '-'], "_");
    let mut stack = vec![g0];
    let mut seen = Vec::new();
    while let Some(g) = stack.pop() {
        if seen.contains(&g) {
            continue;
        }
        seen.push(g);
        let members = &zone.groups[g].members;
        let mut items = Vec::new();
        for &m in members {
            // The validated zone keeps the spec's record order: the export reads what
            // the document said from the spec, and the resolved alias from the zone.
            let (r, spec) = (&zone.records[m], &s.zone.records[m]);
            let mut item = Map::new();
            match &spec.value {
                RecordValue::Alias { target: AliasTarget::Record { .. }, evaluate_target_health } => {
                    if let crate::route53::zone::Target::AliasGroup(t) = r.target {
                        item.insert("RuleReference".into(), json!(rule_id(t)));
                        item.insert("EvaluateTargetHealth".into(), json!(evaluate_target_health));
                        stack.push(t);
                    }
                }
                RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, evaluate_target_health } => {
                    let lb = s.zone.load_balancers.iter().find(|l| l.id == *id).ok_or("dangling load balancer")?;
                    endpoints.insert(id.clone(), json!({"Type": "elastic-load-balancer", "Value": lb.dns_name}));
                    item.insert("EndpointReference".into(), json!(id));
                    item.insert("EvaluateTargetHealth".into(), json!(evaluate_target_health));
                }
                RecordValue::Values(vs) => {
                    let ep = format!("{}_{}", rule_id(g), spec.set_id.as_deref().unwrap_or("value"));
                    if vs.len() > 1 {
                        notes.push(format!("{}: only the first of {} values fits an endpoint", r.label(), vs.len()));
                    }
                    endpoints
                        .insert(ep.clone(), json!({"Type": "value", "Value": vs.first().cloned().unwrap_or_default()}));
                    item.insert("EndpointReference".into(), json!(ep));
                }
            }
            if let Some(h) = &spec.health_check {
                item.insert("HealthCheck".into(), json!(h));
            }
            match &spec.routing {
                Routing::Latency { region } => {
                    item.insert("Region".into(), json!(region));
                }
                Routing::Weighted { weight } => {
                    item.insert("Weight".into(), json!(weight.to_string()));
                }
                Routing::Geolocation { location } => match location {
                    GeoLocationSpec::Default => {
                        item.insert("IsDefault".into(), json!(true));
                    }
                    GeoLocationSpec::Continent(c) => {
                        item.insert("Continent".into(), json!(c));
                    }
                    GeoLocationSpec::Country(c) => {
                        item.insert("Country".into(), json!(c));
                    }
                    GeoLocationSpec::Subdivision { country, code } => {
                        item.insert("Country".into(), json!(country));
                        item.insert("Subdivision".into(), json!(code));
                    }
                },
                Routing::Geoproximity { location, bias } => {
                    match location {
                        GeoproximityLocation::Region(r) => {
                            item.insert("Region".into(), json!(format!("aws:route53:{r}")));
                        }
                        GeoproximityLocation::Coordinates { lat, lon } => {
                            item.insert("Latitude".into(), json!(format!("{lat:.2}")));
                            item.insert("Longitude".into(), json!(format!("{lon:.2}")));
                        }
                    }
                    item.insert("Bias".into(), json!(bias.to_string()));
                }
                _ => {}
            }
            items.push((spec.routing.clone(), Value::Object(item)));
        }
        let rule = match &s.zone.records[members[0]].routing {
            Routing::Failover { .. } => {
                let mut o = Map::new();
                o.insert("RuleType".into(), json!("failover"));
                for (routing, it) in items {
                    let k = if matches!(routing, Routing::Failover { role: FailoverRole::Primary }) {
                        "Primary"
                    } else {
                        "Secondary"
                    };
                    o.insert(k.into(), it);
                }
                Value::Object(o)
            }
            Routing::Latency { .. } => {
                json!({"RuleType": "latency", "Regions": items.into_iter().map(|i| i.1).collect::<Vec<_>>()})
            }
            Routing::Weighted { .. } => {
                json!({"RuleType": "weighted", "Items": items.into_iter().map(|i| i.1).collect::<Vec<_>>()})
            }
            Routing::Multivalue => {
                json!({"RuleType": "multivalue", "Items": items.into_iter().map(|i| i.1).collect::<Vec<_>>()})
            }
            Routing::Geolocation { .. } => {
                json!({"RuleType": "geo", "Locations": items.into_iter().map(|i| i.1).collect::<Vec<_>>()})
            }
            Routing::Geoproximity { .. } => {
                json!({"RuleType": "geoproximity", "GeoproximityLocations": items.into_iter().map(|i| i.1).collect::<Vec<_>>()})
            }
            Routing::Simple | Routing::IpBased { .. } => {
                notes.push(format!(
                    "'{}': {} routing has no traffic-policy rule; exported as weighted",
                    zone.groups[g].name,
                    s.zone.records[members[0]].routing.name()
                ));
                json!({"RuleType": "weighted", "Items": items.into_iter().map(|i| { let mut o = i.1; if let Some(m) = o.as_object_mut() { m.insert("Weight".into(), json!("1")); } o }).collect::<Vec<_>>()})
            }
        };
        rules.insert(rule_id(g), rule);
    }
    let doc = json!({
        "AWSPolicyFormatVersion": "2015-10-01",
        "RecordType": zone.groups[g0].rtype.as_str(),
        "StartRule": rule_id(g0),
        "Endpoints": endpoints,
        "Rules": rules,
    });
    Ok((serde_json::to_string_pretty(&doc).expect("serialisable"), notes))
}
