//! Validation of the zone's world: its regions, its load balancers with their
//! health settings (the zone's era's defaults where a load balancer gives none) and
//! target groups, and the hosts (LB targets and stand-alone servers) (model: load
//! balancers).

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::sync::Arc;

use super::validate::Validator;
use crate::base::geo;
use crate::route53::zone::{Host, HostIdx, LbIdx, LoadBalancer};
use crate::spec::zone::{HostSpec, LbHealthSettings, LbKind, ZoneSpec};

/// Load balancers and hosts as validated, with the lookups later sections need.
#[derive(Default)]
pub(super) struct Endpoints {
    /// Load balancers, in spec order.
    pub lbs: Vec<LoadBalancer>,
    /// Hosts: every LB's targets in order, then the stand-alone hosts.
    pub hosts: Vec<Host>,
    /// Load balancer by id.
    pub lb_ids: BTreeMap<String, LbIdx>,
    /// Load balancer by its DNS name (a CNAME to it is followed to the LB).
    pub lb_names: BTreeMap<String, LbIdx>,
    /// Host by id.
    pub host_ids: BTreeMap<String, HostIdx>,
}

impl Validator {
    /// Regions: known AWS regions, each listed once. Returns the set of names.
    pub(super) fn regions(&mut self, spec: &ZoneSpec) -> BTreeSet<String> {
        let mut regions = BTreeSet::new();
        for (i, r) in spec.regions.iter().enumerate() {
            if geo::region_city(&r.name).is_none() {
                self.err(format!("regions[{i}].name"), format!("'{}' is not a known AWS region", r.name));
            }
            if !regions.insert(r.name.clone()) {
                self.err(format!("regions[{i}].name"), format!("region '{}' is listed twice", r.name));
            }
        }
        regions
    }

    /// Load balancers (with their targets), then the stand-alone hosts.
    pub(super) fn endpoints(&mut self, spec: &ZoneSpec, regions: &BTreeSet<String>) -> Endpoints {
        let mut eps = Endpoints::default();
        for (i, l) in spec.load_balancers.iter().enumerate() {
            let path = format!("load_balancers[{i}]");
            self.check_len(&format!("{path}.id"), &l.id);
            self.check_len(&format!("{path}.dns_name"), &l.dns_name);
            if eps.lb_ids.insert(l.id.clone(), i).is_some() {
                self.err(format!("{path}.id"), format!("load balancer id '{}' is used twice", l.id));
            }
            eps.lb_names.insert(l.dns_name.clone(), i);
            if !regions.contains(&l.region) {
                self.err(format!("{path}.region"), format!("region '{}' is not in the zone's regions", l.region));
            }
            let health = l.health.unwrap_or_else(|| LbHealthSettings::defaults(l.kind, spec.aws_era));
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
                    members.push(self.host(&mut eps, format!("{tpath}.targets[{k}]"), h, l.region.clone(), Some(i)));
                }
                tgs.push(members);
            }
            if l.target_groups.is_empty() {
                self.err(format!("{path}.target_groups"), "a load balancer needs at least one target group");
            }
            let azs: BTreeSet<String> = l.target_groups.iter().flat_map(|t| &t.targets).map(|h| h.az.clone()).collect();
            let azs: Vec<Arc<str>> = azs.into_iter().map(Arc::from).collect();
            let node_texts = azs.iter().map(|az| Arc::from(format!("{}@{az}", l.id))).collect();
            let name_text = Arc::from(l.dns_name.as_str());
            let targets: Vec<HostIdx> = tgs.iter().flatten().copied().collect();
            let az_targets = azs
                .iter()
                .map(|az| targets.iter().copied().filter(|&h| *eps.hosts[h].spec.az == **az).collect())
                .collect();
            eps.lbs.push(LoadBalancer {
                spec: l.clone(),
                health,
                target_groups: tgs,
                targets,
                az_targets,
                azs,
                node_texts,
                name_text,
            });
        }
        for (i, h) in spec.hosts.iter().enumerate() {
            // A stand-alone host's region is the zone region its AZ name starts with.
            let region = regions
                .iter()
                .find(|r| h.az.starts_with(r.as_str()))
                .cloned()
                .unwrap_or_else(|| h.az.trim_end_matches(|c: char| c.is_ascii_lowercase()).to_string());
            if !regions.contains(&region) {
                self.err(format!("hosts[{i}].az"), format!("'{}' is not in any of the zone's regions", h.az));
            }
            self.host(&mut eps, format!("hosts[{i}]"), h, region, None);
        }
        eps
    }

    /// One host at `path`: its id, address and availability zone.
    fn host(&mut self, eps: &mut Endpoints, path: String, h: &HostSpec, region: String, lb: Option<LbIdx>) -> HostIdx {
        self.check_len(&format!("{path}.id"), &h.id);
        if let Some(ip) = &h.ip
            && ip.parse::<Ipv4Addr>().is_err()
        {
            self.err(format!("{path}.ip"), format!("'{ip}' is not an IPv4 address"));
        }
        if !h.az.starts_with(&region) {
            self.err(format!("{path}.az"), format!("availability zone '{}' is not in region '{region}'", h.az));
        }
        if eps.host_ids.insert(h.id.clone(), eps.hosts.len()).is_some() {
            self.err(format!("{path}.id"), format!("host id '{}' is used twice", h.id));
        }
        let text = Arc::from(h.ip.clone().unwrap_or_else(|| format!("host:{}", h.id)));
        eps.hosts.push(Host { spec: h.clone(), region, lb, text });
        eps.hosts.len() - 1
    }

    /// A load balancer's own target health settings (model: load balancers).
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
}
