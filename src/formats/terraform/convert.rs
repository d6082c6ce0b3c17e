//! Terraform resources into a scenario: zones pick the apex, load balancers become
//! load balancers, health checks and records go through the Route 53 importer's
//! typed shapes and zone builder. References are resolved here: an alias to
//! `aws_lb.main.dns_name` points at that load balancer, `health_check_id =
//! aws_route53_health_check.eu.id` at that check, an alias to another AWS resource at
//! an AWS-managed endpoint recognised by the resource's type.
//!
//! Load balancers are converted in `convert/load_balancers.rs`, records in
//! `convert/records.rs`; the zone, health checks and references are here.

use std::collections::BTreeMap;

mod load_balancers;
mod records;

use super::Resource;
use super::value::V;
use crate::formats::aws::records::{ZoneBuilder, apex_of, choose_service, label, scenario_for};
use crate::formats::aws::types::{HealthCheck, HealthCheckConfig};
use crate::formats::aws::{ImportError, Imported, Input, dns_name};

fn first_block(attrs: &BTreeMap<String, V>, key: &str) -> Option<BTreeMap<String, V>> {
    match attrs.get(key)? {
        V::List(l) => match l.first()? {
            V::Map(m) => Some(m.clone()),
            _ => None,
        },
        V::Map(m) => Some(m.clone()),
        _ => None,
    }
}

/// The address part of a reference and the attribute it reads: the longest prefix
/// that `known` accepts as a resource address, cut at a `.` or `[` outside quotes
/// (`aws_vpc_endpoint.x.dns_entry[0].dns_name` → (`aws_vpc_endpoint.x`,
/// `dns_name`); `aws_lb.main[0].dns_name` → (`aws_lb.main[0]`, `dns_name`)). The
/// attribute is the last segment read. With no known prefix, the reference is cut
/// at its last dot.
fn split_ref<'a>(r: &'a str, known: impl Fn(&str) -> bool) -> (&'a str, &'a str) {
    let last_segment = |rest: &'a str| rest.rsplit('.').next().unwrap_or(rest);
    let mut cuts = Vec::new();
    let mut quoted = false;
    for (i, c) in r.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '.' | '[' if !quoted && i > 0 => cuts.push(i),
            _ => {}
        }
    }
    for &i in cuts.iter().rev() {
        let (addr, rest) = r.split_at(i);
        if known(addr) || known(&format!("{addr}[0]")) {
            return (addr, last_segment(rest.trim_start_matches('.')));
        }
    }
    r.rsplit_once('.').unwrap_or((r, ""))
}

/// Reads attributes of one resource, noting every one that cannot be resolved.
struct Reader<'a> {
    at: String,
    attrs: &'a BTreeMap<String, V>,
    notes: &'a mut Vec<String>,
}

impl Reader<'_> {
    fn get(&mut self, key: &str) -> Option<V> {
        match self.attrs.get(key) {
            None | Some(V::Null) => None,
            Some(v) if matches!(v, V::Unknown(_)) => {
                self.notes.push(format!("{}: {key}: {}", self.at, v.why()));
                None
            }
            Some(v) => Some(v.clone()),
        }
    }

    fn text(&mut self, key: &str) -> Option<String> {
        match self.get(key)? {
            V::Ref(r) => {
                self.notes.push(format!("{}: {key}: refers to {r}, known only after apply", self.at));
                None
            }
            v => v.as_text(),
        }
    }

    fn num(&mut self, key: &str) -> Option<f64> {
        match self.get(key)? {
            V::Ref(r) => {
                self.notes.push(format!("{}: {key}: refers to {r}, known only after apply", self.at));
                None
            }
            v => v.as_num(),
        }
    }

    fn bool(&mut self, key: &str) -> Option<bool> {
        self.get(key).and_then(|v| v.as_bool())
    }
}

struct Ctx {
    resources: Vec<Resource>,
    by_address: BTreeMap<String, usize>,
    /// Load balancers by address: (id, DNS name).
    lbs: BTreeMap<String, (String, String)>,
    checks: BTreeMap<String, String>,
    apex: String,
    notes: Vec<String>,
}

impl Ctx {
    fn find(&self, address: &str) -> Option<&Resource> {
        self.by_address.get(address).map(|&i| &self.resources[i]).or_else(|| {
            // `aws_lb.main` for a resource with `count`: its first instance.
            self.by_address.get(&format!("{address}[0]")).map(|&i| &self.resources[i])
        })
    }

    fn qualify(&self, name: &str) -> String {
        let n = dns_name(name);
        if n == self.apex || n.ends_with(&format!(".{}", self.apex)) || self.apex.is_empty() {
            n
        } else if n.is_empty() || n == "@" {
            self.apex.clone()
        } else {
            format!("{n}.{}", self.apex)
        }
    }

    /// A DNS name for a value naming a target: a literal, or a reference to a load
    /// balancer, a record or another AWS resource.
    fn resolve_name(&mut self, at: &str, key: &str, v: &V) -> Option<String> {
        match v {
            V::Str(s) => Some(s.clone()),
            V::Ref(r) => {
                let (addr, attr) = split_ref(r, |a| self.lbs.contains_key(a) || self.by_address.contains_key(a));
                let addr = addr.to_string();
                if let Some((_, dns)) = self.lbs.get(&addr).or_else(|| self.lbs.get(&format!("{addr}[0]"))) {
                    return (attr != "zone_id").then(|| dns.clone());
                }
                let Some(res) = self.find(&addr).cloned() else {
                    self.notes.push(format!(
                        "{at}: {key}: refers to {r}, which is defined elsewhere (not in the import); skipped"
                    ));
                    return None;
                };
                let state = |k: &str| match res.attrs.get(k) {
                    Some(V::Str(s)) if !s.is_empty() => Some(s.clone()),
                    _ => None,
                };
                let region = res.region.clone().unwrap_or_else(|| "us-east-1".into());
                let label: String =
                    format!("{}{}", res.name, res.key.as_deref().map(|k| format!("-{k}")).unwrap_or_default())
                        .to_ascii_lowercase()
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
                        .collect();
                let made = |what: &str, dns: String| (what.to_string(), dns);
                let (service, dns) = match res.rtype.as_str() {
                    "aws_route53_record" => {
                        let fqdn = state("fqdn").or_else(|| match res.attrs.get("name") {
                            Some(V::Str(n)) => Some(self.qualify(n)),
                            _ => None,
                        });
                        return fqdn.or_else(|| {
                            self.notes.push(format!("{at}: {key}: the name of {addr} is not known; skipped"));
                            None
                        });
                    }
                    "aws_cloudfront_distribution" | "aws_appsync_domain_name" => {
                        match state("domain_name").or_else(|| state("appsync_domain_name")) {
                            Some(d) => return Some(d),
                            None => made("CloudFront", format!("{label}.cloudfront.net")),
                        }
                    }
                    "aws_s3_bucket" | "aws_s3_bucket_website_configuration" => match state("website_domain") {
                        Some(d) => return Some(d),
                        None => made("S3 website", format!("s3-website-{region}.amazonaws.com")),
                    },
                    "aws_api_gateway_domain_name" | "aws_apigatewayv2_domain_name" => {
                        match state("regional_domain_name").or_else(|| state("cloudfront_domain_name")) {
                            Some(d) => return Some(d),
                            None => made("API Gateway", format!("d-{label}.execute-api.{region}.amazonaws.com")),
                        }
                    }
                    "aws_globalaccelerator_accelerator" => match state("dns_name") {
                        Some(d) => return Some(d),
                        None => made("Global Accelerator", format!("{label}.awsglobalaccelerator.com")),
                    },
                    "aws_vpc_endpoint" => match res.attrs.get("dns_entry") {
                        // The first DNS entry's name, as `dns_entry[0].dns_name` reads it.
                        Some(V::List(entries))
                            if let Some(V::Map(e)) = entries.first()
                                && let Some(V::Str(d)) = e.get("dns_name") =>
                        {
                            return Some(d.clone());
                        }
                        _ => made("VPC endpoint", format!("vpce-{label}.vpce-svc.{region}.vpce.amazonaws.com")),
                    },
                    "aws_elastic_beanstalk_environment" => match state("cname") {
                        Some(d) => return Some(d),
                        None => made("Elastic Beanstalk", format!("{label}.{region}.elasticbeanstalk.com")),
                    },
                    "aws_apprunner_service" | "aws_apprunner_custom_domain_association" => {
                        made("App Runner", format!("{label}.{region}.awsapprunner.com"))
                    }
                    other => {
                        self.notes.push(format!(
                            "{at}: {key}: refers to {r} ({other}), which this importer does not model; skipped"
                        ));
                        return None;
                    }
                };
                if attr == "zone_id" || attr == "hosted_zone_id" {
                    return None;
                }
                self.notes.push(format!(
                    "{at}: {key}: {r} is known only after apply; recognised as a {service} endpoint named {dns} in {region}"
                ));
                Some(dns)
            }
            other => {
                let why = other.why();
                self.notes.push(format!(
                    "{at}: {key}: {}",
                    if why.is_empty() { format!("a {}, not a name", other.type_name()) } else { why }
                ));
                None
            }
        }
    }
}

/// Resources (and notes so far) into a scenario.
///
/// Resources keep their order in the input (files, then blocks), so records come out
/// in the order they were written.
pub(crate) fn convert(resources: Vec<Resource>, mut notes: Vec<String>) -> Result<Imported, ImportError> {
    let by_address = resources.iter().enumerate().map(|(i, r)| (r.address.clone(), i)).collect();
    let (in_zone, apex) = zone_of(&resources, &mut notes)?;
    let mut ctx =
        Ctx { resources, by_address, lbs: BTreeMap::new(), checks: BTreeMap::new(), apex: apex.clone(), notes };
    let mut b = ZoneBuilder::new(&apex);
    for i in 0..ctx.resources.len() {
        let r = ctx.resources[i].clone();
        ctx.load_balancer(&mut b, &r);
    }
    ctx.health_checks(&mut b);
    let mut placeholder = 0u32;
    for &i in &in_zone {
        let r = ctx.resources[i].clone();
        let at = format!("{}: {}", r.file, r.address);
        let Some(s) = ctx.record_set(&at, &r, &mut placeholder) else { continue };
        if let Some(rec) = b.record(&at, &s) {
            let origin = format!("{at} ({})", label(&s));
            b.push_record(Input::Main, origin, rec);
        }
    }
    let mut notes = ctx.notes;
    let (zone, more) = b.finish()?;
    notes.extend(more);
    let service = choose_service(&zone).ok_or_else(|| {
        ImportError::main("no A or CNAME record is left to simulate (the simulator's clients ask for A)")
    })?;
    Ok(Imported { scenario: scenario_for(zone, service, "Terraform"), notes })
}

/// The zone the import is about — the one most records point at — with the
/// records in it and its apex (from the zone resource, else from the records'
/// names); records of other zones are noted.
fn zone_of(resources: &[Resource], notes: &mut Vec<String>) -> Result<(Vec<usize>, String), ImportError> {
    // The zone: the one most records point at.
    let zone_key = |r: &Resource| -> String {
        match r.attrs.get("zone_id") {
            Some(V::Ref(x)) => split_ref(x, |a| resources.iter().any(|r| r.address == a)).0.to_string(),
            Some(V::Str(s)) => format!("id:{s}"),
            _ => "unknown".into(),
        }
    };
    let records: Vec<usize> =
        resources.iter().enumerate().filter(|(_, r)| r.rtype == "aws_route53_record").map(|(i, _)| i).collect();
    let mut per_zone: BTreeMap<String, usize> = BTreeMap::new();
    for &i in &records {
        *per_zone.entry(zone_key(&resources[i])).or_default() += 1;
    }
    let zone = per_zone.iter().max_by_key(|(k, n)| (**n, std::cmp::Reverse((*k).clone()))).map(|(k, _)| k.clone());
    let Some(zone) = zone else {
        return Err(ImportError::main("no aws_route53_record resources: nothing to simulate"));
    };
    for (k, n) in &per_zone {
        if *k != zone {
            notes.push(format!(
                "{n} records of another zone ({}) are not in the import (a scenario holds one zone)",
                k.trim_start_matches("id:")
            ));
        }
    }
    let zone_res = resources.iter().find(|r| {
        r.address == zone
            || (zone.starts_with("id:")
                && r.rtype.ends_with("aws_route53_zone")
                && [r.attrs.get("zone_id"), r.attrs.get("id")]
                    .into_iter()
                    .flatten()
                    .any(|v| v.as_text().as_deref() == Some(&zone[3..])))
    });
    let in_zone: Vec<usize> = records.iter().copied().filter(|&i| zone_key(&resources[i]) == zone).collect();
    let apex = match zone_res.and_then(|z| z.attrs.get("name")).and_then(V::as_text) {
        Some(n) => {
            if zone_res.is_some_and(|z| z.rtype.starts_with("data.")) {
                notes.push(format!(
                    "the zone {zone} is a data source (defined elsewhere); its name {n} is taken from its arguments"
                ));
            }
            if zone_res.is_some_and(|z| z.attrs.get("vpc").is_some_and(|v| matches!(v, V::List(l) if !l.is_empty()))) {
                notes.push(format!("{n} is a private hosted zone; simulated as if its resolvers could reach it"));
            }
            dns_name(&n)
        }
        None => {
            let names: Vec<String> = in_zone
                .iter()
                .filter_map(|&i| resources[i].attrs.get("fqdn").or(resources[i].attrs.get("name")).and_then(V::as_text))
                .map(|n| dns_name(&n))
                .filter(|n| n.contains('.'))
                .collect();
            let apex = apex_of(&names).ok_or_else(|| {
                ImportError::main(format!(
                    "the zone {} is not in the import and no record has a full name",
                    zone.trim_start_matches("id:")
                ))
            })?;
            notes.push(format!(
                "the zone {} is not defined in the import; its apex {apex} is taken from the records' names",
                zone.trim_start_matches("id:")
            ));
            apex
        }
    };
    Ok((in_zone, apex))
}

impl Ctx {
    /// The `aws_route53_health_check` resources, through the Route 53 importer's
    /// typed shape: ids first (calculated checks name their children by reference),
    /// then each check.
    fn health_checks(&mut self, b: &mut ZoneBuilder) {
        // Health-check ids first (calculated checks name their children by reference).
        for r in self.resources.iter().filter(|r| r.rtype == "aws_route53_health_check") {
            let id = match r.attrs.get("id") {
                Some(V::Str(s)) if !s.is_empty() => s.clone(),
                _ => format!("{}{}", r.name, r.key.as_deref().map(|k| format!("-{k}")).unwrap_or_default()),
            };
            self.checks.insert(r.address.clone(), id);
        }
        for i in 0..self.resources.len() {
            let r = self.resources[i].clone();
            if r.rtype != "aws_route53_health_check" {
                continue;
            }
            let at = format!("{}: {}", r.file, r.address);
            let fqdn = r.attrs.get("fqdn").cloned();
            let fqdn = match &fqdn {
                Some(v @ (V::Ref(_) | V::Str(_))) => self.resolve_name(&at, "fqdn", v),
                _ => None,
            };
            let mut rd = Reader { at: at.clone(), attrs: &r.attrs, notes: &mut self.notes };
            let children = match rd.get("child_healthchecks") {
                Some(V::List(l)) => Some(l.iter().filter_map(|c| check_ref(&self.checks, c)).collect()),
                _ => None,
            };
            let mut rd = Reader { at: at.clone(), attrs: &r.attrs, notes: &mut self.notes };
            let cfg = HealthCheckConfig {
                ctype: rd.text("type").unwrap_or_default(),
                ip_address: rd.text("ip_address"),
                port: rd.num("port").map(|p| p as i64),
                resource_path: rd.text("resource_path"),
                fully_qualified_domain_name: fqdn,
                search_string: rd.text("search_string"),
                request_interval: rd.num("request_interval").map(|x| x as i64),
                failure_threshold: rd.num("failure_threshold").map(|x| x as i64),
                measure_latency: rd.bool("measure_latency"),
                inverted: rd.bool("invert_healthcheck"),
                disabled: rd.bool("disabled"),
                health_threshold: rd.num("child_health_threshold").map(|x| x as i64),
                child_health_checks: children,
                enable_sni: rd.bool("enable_sni"),
                regions: match rd.get("regions") {
                    Some(V::List(l)) => Some(l.iter().filter_map(V::as_text).collect()),
                    _ => None,
                },
                alarm_identifier: match (rd.text("cloudwatch_alarm_name"), rd.text("cloudwatch_alarm_region")) {
                    (Some(name), Some(region)) => Some(crate::formats::aws::types::AlarmIdentifier { region, name }),
                    _ => None,
                },
                insufficient_data_health_status: rd.text("insufficient_data_health_status"),
                routing_control_arn: rd.text("routing_control_arn"),
                other: Default::default(),
            };
            let hc =
                HealthCheck { id: self.checks[&r.address].clone(), health_check_config: cfg, ..Default::default() };
            if let Some(spec) = crate::formats::aws::checks::convert(b, &at, &hc) {
                b.push_check(Input::Main, at, spec);
            }
        }
    }
}

/// The check id a `health_check_id` (or child) value names.
fn check_ref(checks: &BTreeMap<String, String>, v: &V) -> Option<String> {
    match v {
        V::Str(s) => Some(s.clone()),
        V::Ref(x) => {
            let a = split_ref(x, |a| checks.contains_key(a)).0;
            checks.get(a).or_else(|| checks.get(&format!("{a}[0]"))).cloned()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::split_ref;

    #[test]
    fn a_reference_splits_at_the_longest_known_address() {
        let known = |a: &str| ["aws_vpc_endpoint.x", "aws_lb.main[0]", "aws_lb.by[\"a.b\"]"].contains(&a);
        assert_eq!(split_ref("aws_vpc_endpoint.x.dns_entry[0].dns_name", known), ("aws_vpc_endpoint.x", "dns_name"));
        assert_eq!(split_ref("aws_lb.main[0].dns_name", known), ("aws_lb.main[0]", "dns_name"));
        // `aws_lb.main` names the first instance of a counted resource.
        assert_eq!(split_ref("aws_lb.main.zone_id", known), ("aws_lb.main", "zone_id"));
        assert_eq!(split_ref("aws_lb.by[\"a.b\"].dns_name", known), ("aws_lb.by[\"a.b\"]", "dns_name"));
        // Nothing known: cut at the last dot, as before.
        assert_eq!(split_ref("module.dns.name", known), ("module.dns", "name"));
    }
}
