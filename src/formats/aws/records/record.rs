//! One AWS record set into a record spec: its routing policy, its values or alias
//! target (a load balancer or AWS-managed endpoint stand-in created on first use),
//! and a note for whatever the simulator cannot answer.

use super::{ZoneBuilder, label};
use crate::formats::aws::targets::{self, Eth, Service};
use crate::formats::aws::types::ResourceRecordSet;
use crate::formats::aws::{Input, dns_name};
use crate::spec::zone::*;

impl ZoneBuilder {
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
}
