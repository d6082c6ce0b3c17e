//! Real Route 53 formats: import what `aws route53 list-resource-record-sets` and
//! `list-health-checks` / `get-health-check` print, and export a
//! `ChangeResourceRecordSets` change batch for the current design.
//!
//! Everything the simulator does not model (MX/TXT/NS/SOA records, aliases to
//! CloudFront or S3, CloudWatch-alarm checks…) is **reported**, never silently
//! dropped; assumptions made to fill gaps (a load balancer's target layout, a
//! check's host region) are reported too. Traffic-policy documents
//! (`AWSPolicyFormatVersion` 2015-10-01) are in [`policy`].

mod policy;

pub use policy::{export_traffic_policy, import_traffic_policy};

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::spec::scenario::*;
use crate::spec::zone::*;

/// The result of an import: the scenario and every note about what was skipped or
/// assumed.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The scenario built.
    pub scenario: Scenario,
    /// Skipped or assumed items, each naming its place in the input.
    pub notes: Vec<String>,
}

fn strip_dot(s: &str) -> String {
    s.trim_end_matches('.').replace("\\052", "*").to_ascii_lowercase()
}

/// The region and kind of an ELB DNS name: ALB/CLB `name-123.us-east-1.elb.amazonaws.com`,
/// NLB `name-123.elb.us-east-1.amazonaws.com` (`dualstack.` prefixes ignored).
pub fn elb_from_dns(dns: &str) -> Option<(String, LbKind, String)> {
    let d = strip_dot(dns);
    let d = d.strip_prefix("dualstack.").unwrap_or(&d).to_string();
    let labels: Vec<&str> = d.split('.').collect();
    let n = labels.len();
    if n >= 5 && labels[n - 2] == "amazonaws" && labels[n - 1] == "com" {
        if labels[n - 3] == "elb" {
            return Some((labels[n - 4].to_string(), LbKind::Alb, labels[0].to_string()));
        }
        if labels[n - 4] == "elb" {
            return Some((labels[n - 3].to_string(), LbKind::Nlb, labels[0].to_string()));
        }
    }
    None
}

/// Imports the output of `list-resource-record-sets` (and optionally of
/// `list-health-checks` or `get-health-check`) into a scenario.
pub fn import_record_sets(record_sets: &str, health_checks: Option<&str>) -> Result<Imported, String> {
    let v: Value = serde_json::from_str(record_sets).map_err(|e| format!("record sets: not valid JSON: {e}"))?;
    let sets = v
        .get("ResourceRecordSets")
        .and_then(Value::as_array)
        .ok_or("record sets: no \"ResourceRecordSets\" array (is this list-resource-record-sets output?)")?;
    if sets.len() > crate::route53::zone::limits::RECORDS {
        return Err(format!(
            "record sets: {} records; the limit is {}",
            sets.len(),
            crate::route53::zone::limits::RECORDS
        ));
    }
    let mut notes = Vec::new();
    let mut records = Vec::new();
    let mut lbs: BTreeMap<String, LoadBalancerSpec> = BTreeMap::new();
    let mut regions: Vec<String> = Vec::new();
    let add_region = |r: &str, regions: &mut Vec<String>| {
        if crate::base::geo::region_city(r).is_some() && !regions.iter().any(|x| x == r) {
            regions.push(r.to_string());
        }
    };
    // The apex: the SOA's name, else the shortest name.
    let apex = sets
        .iter()
        .find(|s| s.get("Type").and_then(Value::as_str) == Some("SOA"))
        .and_then(|s| s.get("Name").and_then(Value::as_str))
        .map(strip_dot)
        .or_else(|| {
            sets.iter().filter_map(|s| s.get("Name").and_then(Value::as_str)).map(strip_dot).min_by_key(|n| n.len())
        })
        .ok_or("record sets: empty")?;
    const KNOWN: &[&str] = &[
        "Name",
        "Type",
        "SetIdentifier",
        "Weight",
        "Region",
        "GeoLocation",
        "Failover",
        "MultiValueAnswer",
        "TTL",
        "ResourceRecords",
        "AliasTarget",
        "HealthCheckId",
        "CidrRoutingConfig",
        "GeoProximityLocation",
    ];
    for (i, s) in sets.iter().enumerate() {
        let at = format!("ResourceRecordSets[{i}]");
        let name = s.get("Name").and_then(Value::as_str).map(strip_dot).unwrap_or_default();
        let rtype = match s.get("Type").and_then(Value::as_str) {
            Some("A") => RecordType::A,
            Some("AAAA") => RecordType::AAAA,
            Some("CNAME") => RecordType::CNAME,
            Some(other) => {
                if !matches!(other, "SOA" | "NS") {
                    notes.push(format!("{at} ({name} {other}): record type {other} is not simulated; skipped"));
                }
                continue;
            }
            None => {
                notes.push(format!("{at}: no Type; skipped"));
                continue;
            }
        };
        if let Some(obj) = s.as_object() {
            for k in obj.keys() {
                if !KNOWN.contains(&k.as_str()) {
                    notes.push(format!("{at} ({name}): field {k} is not supported; ignored"));
                }
            }
        }
        let set_id = s.get("SetIdentifier").and_then(Value::as_str).map(str::to_string);
        let routing = if let Some(w) = s.get("Weight").and_then(Value::as_u64) {
            Routing::Weighted { weight: w as u32 }
        } else if let Some(r) = s.get("Region").and_then(Value::as_str) {
            add_region(r, &mut regions);
            Routing::Latency { region: r.to_string() }
        } else if let Some(f) = s.get("Failover").and_then(Value::as_str) {
            Routing::Failover { role: if f == "PRIMARY" { FailoverRole::Primary } else { FailoverRole::Secondary } }
        } else if let Some(g) = s.get("GeoLocation") {
            let loc = match (
                g.get("ContinentCode").and_then(Value::as_str),
                g.get("CountryCode").and_then(Value::as_str),
                g.get("SubdivisionCode").and_then(Value::as_str),
            ) {
                (Some(c), _, _) => GeoLocationSpec::Continent(c.into()),
                (None, Some("*"), _) => GeoLocationSpec::Default,
                (None, Some(c), Some(sub)) => GeoLocationSpec::Subdivision { country: c.into(), code: sub.into() },
                (None, Some(c), None) => GeoLocationSpec::Country(c.into()),
                _ => {
                    notes.push(format!("{at} ({name}): GeoLocation without a code; skipped"));
                    continue;
                }
            };
            Routing::Geolocation { location: loc }
        } else if s.get("MultiValueAnswer").and_then(Value::as_bool) == Some(true) {
            Routing::Multivalue
        } else if let Some(c) = s.get("CidrRoutingConfig") {
            Routing::IpBased {
                collection: c.get("CollectionId").and_then(Value::as_str).unwrap_or_default().into(),
                location: c.get("LocationName").and_then(Value::as_str).unwrap_or("*").into(),
            }
        } else if let Some(g) = s.get("GeoProximityLocation") {
            let bias = g.get("Bias").and_then(Value::as_i64).unwrap_or(0) as i32;
            let location = if let Some(r) = g.get("AWSRegion").and_then(Value::as_str) {
                GeoproximityLocation::Region(r.into())
            } else if let Some(c) = g.get("Coordinates") {
                let num = |k: &str| {
                    c.get(k).and_then(|x| x.as_str().and_then(|s| s.parse().ok()).or_else(|| x.as_f64())).unwrap_or(0.0)
                };
                GeoproximityLocation::Coordinates { lat: num("Latitude"), lon: num("Longitude") }
            } else {
                notes.push(format!("{at} ({name}): geoproximity by Local Zone group is not simulated; skipped"));
                continue;
            };
            Routing::Geoproximity { location, bias }
        } else {
            Routing::Simple
        };
        let health_check = s.get("HealthCheckId").and_then(Value::as_str).map(str::to_string);
        let (value, ttl_s) = if let Some(a) = s.get("AliasTarget") {
            let dns = a.get("DNSName").and_then(Value::as_str).map(strip_dot).unwrap_or_default();
            let eth = a.get("EvaluateTargetHealth").and_then(Value::as_bool).unwrap_or(false);
            if let Some((region, kind, lbname)) = elb_from_dns(&dns) {
                add_region(&region, &mut regions);
                let id = lbname.clone();
                if !lbs.contains_key(&id) {
                    notes.push(format!(
                        "{at} ({name}): load balancer {dns} modelled as an {} with one target group of two hosts in {region}a and {region}b (assumed)",
                        format!("{kind:?}").to_uppercase()
                    ));
                    lbs.insert(
                        id.clone(),
                        LoadBalancerSpec {
                            id: id.clone(),
                            kind,
                            region: region.clone(),
                            dns_name: dns.clone(),
                            target_groups: vec![TargetGroupSpec {
                                id: "tg".into(),
                                targets: ["a", "b"]
                                    .iter()
                                    .map(|az| HostSpec {
                                        id: format!("{id}-{az}"),
                                        az: format!("{region}{az}"),
                                        ip: None,
                                    })
                                    .collect(),
                            }],
                            health: None,
                        },
                    );
                }
                (RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, evaluate_target_health: eth }, None)
            } else if dns == apex || dns.ends_with(&format!(".{apex}")) {
                (RecordValue::Alias { target: AliasTarget::Record { name: dns }, evaluate_target_health: eth }, None)
            } else {
                notes.push(format!("{at} ({name}): alias to {dns} (not a load balancer or a record in the zone) is not simulated; skipped"));
                continue;
            }
        } else {
            let values: Vec<String> = s
                .get("ResourceRecords")
                .and_then(Value::as_array)
                .map(|rr| {
                    rr.iter()
                        .filter_map(|r| r.get("Value").and_then(Value::as_str))
                        .map(|v| if rtype == RecordType::CNAME { strip_dot(v) } else { v.to_string() })
                        .collect()
                })
                .unwrap_or_default();
            (RecordValue::Values(values), Some(s.get("TTL").and_then(Value::as_u64).unwrap_or(300) as u32))
        };
        records.push(RecordSpec { name, rtype, set_id, routing, ttl_s, value, health_check });
    }
    // Health checks.
    let mut checks = Vec::new();
    let mut hosts = Vec::new();
    if let Some(text) = health_checks {
        let hv: Value = serde_json::from_str(text).map_err(|e| format!("health checks: not valid JSON: {e}"))?;
        let list: Vec<Value> = if let Some(a) = hv.get("HealthChecks").and_then(Value::as_array) {
            a.clone()
        } else if let Some(one) = hv.get("HealthCheck") {
            vec![one.clone()]
        } else {
            return Err("health checks: no \"HealthChecks\" array or \"HealthCheck\" object".into());
        };
        for (i, hc) in list.iter().enumerate() {
            let at = format!("HealthChecks[{i}]");
            let id = hc.get("Id").and_then(Value::as_str).unwrap_or_default().to_string();
            let Some(cfg) = hc.get("HealthCheckConfig") else {
                notes.push(format!("{at}: no HealthCheckConfig; skipped"));
                continue;
            };
            let typ = cfg.get("Type").and_then(Value::as_str).unwrap_or("");
            let inverted = cfg.get("Inverted").and_then(Value::as_bool).unwrap_or(false);
            let disabled = cfg.get("Disabled").and_then(Value::as_bool).unwrap_or(false);
            let kind = match typ {
                "HTTP" | "HTTPS" | "TCP" | "HTTP_STR_MATCH" | "HTTPS_STR_MATCH" => {
                    let protocol = match typ {
                        "TCP" => CheckProtocol::Tcp,
                        "HTTPS" | "HTTPS_STR_MATCH" => CheckProtocol::Https,
                        _ => CheckProtocol::Http,
                    };
                    let fqdn = cfg.get("FullyQualifiedDomainName").and_then(Value::as_str).map(strip_dot);
                    let ip = cfg.get("IPAddress").and_then(Value::as_str);
                    let bare = |d: &str| d.strip_prefix("dualstack.").unwrap_or(d).to_string();
                    let target = match fqdn.as_ref().and_then(|f| lbs.values().find(|l| bare(&l.dns_name) == bare(f))) {
                        Some(lb) => CheckTarget::LoadBalancer(lb.id.clone()),
                        None => {
                            let region = regions.first().cloned().unwrap_or_else(|| "us-east-1".into());
                            let host = format!("checked-{}", hosts.len() + 1);
                            notes.push(format!(
                                "{at} ({id}): endpoint {} is not a modelled load balancer; modelled as a host in {region}a (assumed)",
                                fqdn.clone().or(ip.map(str::to_string)).unwrap_or_default()
                            ));
                            hosts.push(HostSpec {
                                id: host.clone(),
                                az: format!("{region}a"),
                                ip: ip.map(str::to_string),
                            });
                            CheckTarget::Host(host)
                        }
                    };
                    HealthCheckKind::Endpoint {
                        target,
                        protocol,
                        interval_s: cfg.get("RequestInterval").and_then(Value::as_u64).unwrap_or(30) as u32,
                        failure_threshold: cfg.get("FailureThreshold").and_then(Value::as_u64).unwrap_or(3) as u32,
                        regions: cfg
                            .get("Regions")
                            .and_then(Value::as_array)
                            .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
                            .filter(|r: &Vec<String>| !r.is_empty())
                            .unwrap_or_else(all_checker_regions),
                        search_string: cfg.get("SearchString").and_then(Value::as_str).map(str::to_string),
                    }
                }
                "CALCULATED" => HealthCheckKind::Calculated {
                    children: cfg
                        .get("ChildHealthChecks")
                        .and_then(Value::as_array)
                        .map(|c| c.iter().filter_map(Value::as_str).map(str::to_string).collect())
                        .unwrap_or_default(),
                    rule: CalculatedRule::AtLeast(
                        cfg.get("HealthThreshold").and_then(Value::as_u64).unwrap_or(1) as u32
                    ),
                },
                "CLOUDWATCH_METRIC" | "RECOVERY_CONTROL" => {
                    notes.push(format!(
                        "{at} ({id}): {typ} check modelled as a manual check (set it healthy or unhealthy by hand)"
                    ));
                    HealthCheckKind::Manual { healthy: true }
                }
                other => {
                    notes.push(format!("{at} ({id}): check type {other} is not simulated; skipped"));
                    continue;
                }
            };
            checks.push(HealthCheckSpec { id, kind, inverted, disabled });
        }
    }
    for r in &mut records {
        if let Some(hc) = &r.health_check
            && !checks.iter().any(|c| c.id == *hc)
        {
            notes.push(format!(
                "{} {}: health check {hc} was not in the health-check input; modelled as a manual check",
                r.name,
                r.rtype.as_str()
            ));
            checks.push(HealthCheckSpec {
                id: hc.clone(),
                kind: HealthCheckKind::Manual { healthy: true },
                inverted: false,
                disabled: false,
            });
        }
    }
    if regions.is_empty() {
        regions.push("us-east-1".into());
    }
    // The service: the name routing to the most load balancers, then with the most
    // routed records.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &records {
        let to_lb = matches!(r.value, RecordValue::Alias { target: AliasTarget::LoadBalancer { .. }, .. });
        *counts.entry(r.name.as_str()).or_default() +=
            usize::from(to_lb) * 100 + usize::from(!matches!(r.routing, Routing::Simple)) * 10 + 1;
    }
    let service = counts
        .iter()
        .max_by_key(|(n, c)| (**c, std::cmp::Reverse(**n)))
        .map(|(n, _)| n.to_string())
        .ok_or("record sets: no A, AAAA or CNAME records")?;
    let zone = ZoneSpec {
        name: apex.clone(),
        negative_ttl_s: 900,
        records,
        health_checks: checks,
        regions: regions.iter().map(|r| RegionSpec { name: r.clone(), label: None }).collect(),
        load_balancers: lbs.into_values().collect(),
        hosts,
        cidr_collections: vec![],
    };
    let scenario = Scenario {
        version: CURRENT_VERSION,
        title: format!("Imported: {service}"),
        description: format!("Imported from Route 53 output for zone {apex}."),
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
        view: ViewState::default(),
    };
    Ok(Imported { scenario, notes })
}

/// Canonical hosted-zone ids of load balancers' DNS names, where known
/// (AWS's "Elastic Load Balancing endpoints" table).
fn elb_zone_id(region: &str, kind: LbKind) -> Option<&'static str> {
    Some(match (region, kind) {
        ("us-east-1", LbKind::Alb) => "Z35SXDOTRQ7X7K",
        ("us-east-1", LbKind::Nlb) => "Z26RNL4JYFTOTI",
        ("eu-west-1", LbKind::Alb) => "Z32O12XQLNTSW2",
        ("eu-west-1", LbKind::Nlb) => "Z2IFOLAFXWLO4F",
        ("ap-southeast-1", LbKind::Alb) => "Z1LMS91P8CMLE5",
        ("ap-southeast-1", LbKind::Nlb) => "ZKVM4W9LS7TM",
        _ => return None,
    })
}

/// A `ChangeResourceRecordSets` change batch (UPSERT of every record) for `zone`,
/// with notes about anything that must be filled in by hand.
pub fn change_batch(zone: &ZoneSpec, hosted_zone_id: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let mut changes = Vec::new();
    for (i, r) in zone.records.iter().enumerate() {
        let mut rr = serde_json::Map::new();
        rr.insert("Name".into(), json!(format!("{}.", r.name)));
        rr.insert("Type".into(), json!(r.rtype.as_str()));
        if let Some(id) = &r.set_id {
            rr.insert("SetIdentifier".into(), json!(id));
        }
        match &r.routing {
            Routing::Simple => {}
            Routing::Weighted { weight } => {
                rr.insert("Weight".into(), json!(weight));
            }
            Routing::Latency { region } => {
                rr.insert("Region".into(), json!(region));
            }
            Routing::Failover { role } => {
                rr.insert(
                    "Failover".into(),
                    json!(if *role == FailoverRole::Primary { "PRIMARY" } else { "SECONDARY" }),
                );
            }
            Routing::Geolocation { location } => {
                let g = match location {
                    GeoLocationSpec::Default => json!({"CountryCode": "*"}),
                    GeoLocationSpec::Continent(c) => json!({"ContinentCode": c}),
                    GeoLocationSpec::Country(c) => json!({"CountryCode": c}),
                    GeoLocationSpec::Subdivision { country, code } => {
                        json!({"CountryCode": country, "SubdivisionCode": code})
                    }
                };
                rr.insert("GeoLocation".into(), g);
            }
            Routing::Geoproximity { location, bias } => {
                let mut g = serde_json::Map::new();
                match location {
                    GeoproximityLocation::Region(r) => {
                        g.insert("AWSRegion".into(), json!(r));
                    }
                    GeoproximityLocation::Coordinates { lat, lon } => {
                        g.insert(
                            "Coordinates".into(),
                            json!({"Latitude": format!("{lat:.2}"), "Longitude": format!("{lon:.2}")}),
                        );
                    }
                }
                g.insert("Bias".into(), json!(bias));
                rr.insert("GeoProximityLocation".into(), Value::Object(g));
            }
            Routing::Multivalue => {
                rr.insert("MultiValueAnswer".into(), json!(true));
            }
            Routing::IpBased { collection, location } => {
                rr.insert("CidrRoutingConfig".into(), json!({"CollectionId": collection, "LocationName": location}));
            }
        }
        if let Some(hc) = &r.health_check {
            rr.insert("HealthCheckId".into(), json!(hc));
        }
        match &r.value {
            RecordValue::Values(v) => {
                rr.insert("TTL".into(), json!(r.ttl_s.unwrap_or(300)));
                let values: Vec<Value> = v
                    .iter()
                    .map(|x| {
                        if let Some(h) = x.strip_prefix("host:") {
                            let ip = zone.hosts.iter().find(|s| s.id == h).and_then(|s| s.ip.clone());
                            if ip.is_none() {
                                notes.push(format!("records[{i}]: host {h} has no address; fill it in"));
                            }
                            json!({"Value": ip.unwrap_or_else(|| format!("<address of {h}>"))})
                        } else if r.rtype == RecordType::CNAME {
                            json!({"Value": format!("{x}.")})
                        } else {
                            json!({"Value": x})
                        }
                    })
                    .collect();
                rr.insert("ResourceRecords".into(), Value::Array(values));
            }
            RecordValue::Alias { target, evaluate_target_health } => {
                let (dns, zid) = match target {
                    AliasTarget::Record { name } => (format!("{name}."), hosted_zone_id.to_string()),
                    AliasTarget::LoadBalancer { id } => match zone.load_balancers.iter().find(|l| l.id == *id) {
                        Some(l) => {
                            let zid = elb_zone_id(&l.region, l.kind).map(str::to_string).unwrap_or_else(|| {
                                notes.push(format!(
                                    "records[{i}]: fill in the canonical hosted zone id of {} in {}",
                                    l.id, l.region
                                ));
                                format!("<ELB zone id for {}>", l.region)
                            });
                            (format!("{}.", l.dns_name), zid)
                        }
                        None => (format!("<{id}>"), String::new()),
                    },
                };
                rr.insert(
                    "AliasTarget".into(),
                    json!({"HostedZoneId": zid, "DNSName": dns, "EvaluateTargetHealth": evaluate_target_health}),
                );
            }
        }
        changes.push(json!({"Action": "UPSERT", "ResourceRecordSet": Value::Object(rr)}));
    }
    let batch = json!({"Comment": "Exported by Routewave", "Changes": changes});
    (serde_json::to_string_pretty(&batch).expect("serialisable"), notes)
}
