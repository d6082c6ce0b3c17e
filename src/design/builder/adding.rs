//! Adding under a group: a nested rule (an alias to a new group) or an endpoint (a
//! load balancer, reused when the design already has one of its kind in the region,
//! or a stand-alone host), keyed by what the group already holds.

use super::{Child, Policy, groups, short};
use crate::spec::scenario::Scenario;
use crate::spec::zone::*;

/// Regions a new latency record takes first when the design names none: one per
/// continent group, as in the field designs.
const FIRST_REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-1"];

const CONTINENTS: [&str; 7] = ["NA", "EU", "AS", "SA", "OC", "AF", "AN"];

/// The routing a new record in `group` needs, given its siblings and the region of
/// what it points to.
pub(super) fn routing_for(
    zone: &ZoneSpec,
    group: &str,
    policy: Policy,
    region: Option<&str>,
) -> Result<Routing, String> {
    let siblings: Vec<&Routing> =
        zone.records.iter().filter(|r| r.name == group && r.rtype == RecordType::A).map(|r| &r.routing).collect();
    match policy {
        Policy::Simple if !siblings.is_empty() => {
            Err(format!("{group} is a simple record: it holds one record; choose another policy for a new group"))
        }
        Policy::Simple => Ok(Routing::Simple),
        Policy::Weighted => Ok(Routing::Weighted { weight: 10 }),
        Policy::Multivalue => Ok(Routing::Multivalue),
        Policy::Failover => {
            let has = |role| siblings.iter().any(|r| matches!(r, Routing::Failover { role: x } if *x == role));
            if !has(FailoverRole::Primary) {
                Ok(Routing::Failover { role: FailoverRole::Primary })
            } else if !has(FailoverRole::Secondary) {
                Ok(Routing::Failover { role: FailoverRole::Secondary })
            } else {
                Err(format!("{group} already has its primary and its secondary: a failover group holds two records"))
            }
        }
        Policy::Latency => {
            let used = |reg: &str| siblings.iter().any(|r| matches!(r, Routing::Latency { region } if region == reg));
            match region {
                Some(reg) if used(reg) => {
                    Err(format!("{group} already has a latency record for {reg}: one record per region"))
                }
                Some(reg) => Ok(Routing::Latency { region: reg.to_string() }),
                None => zone
                    .regions
                    .iter()
                    .map(|r| r.name.as_str())
                    .chain(FIRST_REGIONS)
                    .chain(crate::base::geo::AWS_REGIONS.iter().map(|r| r.0))
                    .find(|r| !used(r))
                    .map(|r| Routing::Latency { region: r.to_string() })
                    .ok_or_else(|| format!("{group} has a latency record for every region")),
            }
        }
        Policy::Geolocation => {
            let used = |l: &GeoLocationSpec| {
                siblings.iter().any(|r| matches!(r, Routing::Geolocation { location } if location == l))
            };
            std::iter::once(GeoLocationSpec::Default)
                .chain(CONTINENTS.iter().map(|c| GeoLocationSpec::Continent(c.to_string())))
                .find(|l| !used(l))
                .map(|location| Routing::Geolocation { location })
                .ok_or_else(|| format!("{group} has a record for the default and every continent"))
        }
    }
}

pub(super) fn unique(taken: impl Fn(&str) -> bool, base: &str) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..).map(|n| format!("{base}-{n}")).find(|c| !taken(c)).expect("an unused name")
}

/// Adds `child` under `group`. `policy` is the group's policy when it has no records
/// yet (ignored otherwise: a group's records share one policy). Returns the new
/// record's index.
pub fn add(s: &mut Scenario, group: &str, policy: Policy, child: &Child) -> Result<usize, String> {
    let zone = &s.zone;
    if zone.records.iter().any(|r| r.name == group && r.rtype == RecordType::CNAME) {
        return Err(format!(
            "{group} answers with CNAMEs; the builder adds A records and aliases, so edit CNAME designs in the inspector or the JSON"
        ));
    }
    let members = zone.records.iter().filter(|r| r.name == group && r.rtype == RecordType::A).count();
    let policy = if members > 0 {
        groups(zone, &s.service)
            .into_iter()
            .find(|g| g.name == group)
            .and_then(|g| g.policy)
            .ok_or_else(|| format!("{group} uses a policy the builder does not edit; change it in the JSON"))?
    } else {
        policy
    };
    let region = match child {
        Child::LoadBalancer(_, r) | Child::Host(r) => Some(r.as_str()),
        Child::Rule(_) => None,
    };
    if policy == Policy::Multivalue && !matches!(child, Child::Host(_)) {
        return Err("multivalue records cannot be aliases: add hosts under a multivalue group".into());
    }
    let routing = routing_for(zone, group, policy, region)?;
    let set_taken = |id: &str| zone.records.iter().any(|r| r.name == group && r.set_id.as_deref() == Some(id));
    let mut zone = s.zone.clone();
    if let Some(reg) = region
        && !zone.regions.iter().any(|r| r.name == reg)
    {
        zone.regions.push(RegionSpec { name: reg.to_string(), label: None });
    }
    let (set_base, value, ttl_s) = match child {
        Child::Rule(p) => {
            let apex = group.split_once('.').map_or(group, |(_, rest)| rest);
            let apex = if group == s.service { group } else { apex };
            let taken = |n: &str| groups(&zone, &s.service).iter().any(|g| g.name == n);
            let name = (1..).map(|n| format!("{}{n}.{apex}", p.name())).find(|n| !taken(n)).expect("a free name");
            let set = match &routing {
                Routing::Latency { region } => region.clone(),
                Routing::Failover { role } => format!("{role:?}").to_ascii_lowercase(),
                _ => name.split('.').next().unwrap_or("rule").to_string(),
            };
            let value =
                RecordValue::Alias { target: AliasTarget::Record { name: name.clone() }, evaluate_target_health: true };
            (set, value, None)
        }
        Child::LoadBalancer(kind, reg) => {
            let existing = zone.load_balancers.iter().find(|l| l.kind == *kind && &l.region == reg);
            let id = match existing {
                Some(l) => l.id.clone(),
                None => {
                    let k = match kind {
                        LbKind::Alb => "alb",
                        LbKind::Nlb => "nlb",
                    };
                    let sh = short(reg);
                    let id = unique(|c| zone.load_balancers.iter().any(|l| l.id == c), &format!("{k}-{sh}"));
                    let host = unique(|c| host_ids(&zone).any(|h| h == c), &format!("web-{sh}"));
                    zone.load_balancers.push(LoadBalancerSpec {
                        id: id.clone(),
                        kind: *kind,
                        region: reg.clone(),
                        dns_name: format!("{id}.{reg}.elb.amazonaws.com"),
                        target_groups: vec![TargetGroupSpec {
                            id: "web".into(),
                            targets: vec![HostSpec { id: host, az: format!("{reg}a"), ip: None }],
                        }],
                        health: None,
                    });
                    id
                }
            };
            let value = RecordValue::Alias {
                target: AliasTarget::LoadBalancer { id: id.clone() },
                evaluate_target_health: true,
            };
            (id, value, None)
        }
        Child::Host(reg) => {
            let id = unique(|c| host_ids(&zone).any(|h| h == c), &format!("host-{}", short(reg)));
            zone.hosts.push(HostSpec { id: id.clone(), az: format!("{reg}a"), ip: None });
            (id.clone(), RecordValue::Values(vec![format!("host:{id}")]), Some(60))
        }
    };
    let set_id = (policy != Policy::Simple).then(|| unique(set_taken, &set_base));
    let record =
        RecordSpec { name: group.to_string(), rtype: RecordType::A, set_id, routing, ttl_s, value, health_check: None };
    // Keep a group's records together: after its last record, or at the end.
    let at = zone.records.iter().rposition(|r| r.name == group).map_or(zone.records.len(), |i| i + 1);
    zone.records.insert(at, record);
    s.zone = zone;
    Ok(at)
}

/// Every host id of the design: stand-alone hosts, then load-balancer targets.
pub fn host_ids(zone: &ZoneSpec) -> impl Iterator<Item = &str> {
    zone.hosts.iter().map(|h| h.id.as_str()).chain(
        zone.load_balancers.iter().flat_map(|l| l.target_groups.iter().flat_map(|g| &g.targets)).map(|h| h.id.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::latency_failover;
    use super::super::tree;
    use super::*;
    use crate::route53::zone::Zone;

    #[test]
    fn an_empty_design_becomes_a_valid_latency_failover_tree() {
        let s = latency_failover();
        Zone::new(&s.zone).unwrap_or_else(|p| panic!("{p}"));
        assert_eq!(s.zone.load_balancers.len(), 2, "one ALB per region, reused by both failover groups");
        let rows = tree(&s.zone, &s.service);
        assert_eq!(rows[0].policy, "latency", "{rows:#?}");
        assert_eq!(rows.iter().filter(|r| r.policy == "primary").count(), 2, "{rows:#?}");
        assert_eq!(rows.iter().filter(|r| r.policy == "secondary").count(), 2);
        // The latency keys are distinct regions, the roles primary then secondary.
        assert!(s.zone.records.iter().any(|r| r.routing == Routing::Latency { region: "us-east-1".into() }));
        assert!(s.zone.records.iter().any(|r| r.routing == Routing::Latency { region: "eu-west-1".into() }));
        // And it runs: stopping us-east-1 moves the probe to eu-west-1.
        let mut run = s.clone();
        run.faults.push(crate::spec::scenario::FaultSpec {
            at_ms: 120_000,
            action: crate::spec::scenario::FaultAction::StopRegion { region: "us-east-1".into() },
        });
        run.duration_s = 600;
        let mut sim = crate::failover::sim::Sim::new(&run).unwrap();
        sim.run_until(sim.duration());
        let rep = sim.report();
        assert!(rep.summary.switch_ms.values().all(|v| v.is_some()), "{:?}", rep.summary.switch_ms);
    }

    #[test]
    fn the_builder_refuses_what_the_design_forbids_and_leaves_the_spec_alone() {
        let mut s = latency_failover();
        let before = s.clone();
        let fo = groups(&s.zone, &s.service).into_iter().find(|g| g.policy == Some(Policy::Failover)).unwrap();
        let e = add(&mut s, &fo.name, Policy::Failover, &Child::Host("us-east-1".into())).unwrap_err();
        assert!(e.contains("primary and its secondary"), "{e}");
        let svc = s.service.clone();
        let e = add(&mut s, &svc, Policy::Latency, &Child::LoadBalancer(LbKind::Nlb, "us-east-1".into())).unwrap_err();
        assert!(e.contains("one record per region"), "{e}");
        let mut m = crate::design::presets::empty();
        let svc = m.service.clone();
        let e = add(&mut m, &svc, Policy::Multivalue, &Child::Rule(Policy::Weighted)).unwrap_err();
        assert!(e.contains("cannot be aliases"), "{e}");
        add(&mut m, &svc, Policy::Simple, &Child::Host("eu-west-1".into())).unwrap();
        let e = add(&mut m, &svc, Policy::Simple, &Child::Host("eu-west-1".into())).unwrap_err();
        assert!(e.contains("holds one record"), "{e}");
        let mut c = crate::design::presets::preset("latency-weighted-cname-ttl1-alb").unwrap();
        let svc = c.service.clone();
        let g = groups(&c.zone, &svc);
        assert_eq!((g[0].policy, g[0].records), (Some(Policy::Latency), 3), "{g:?}");
        let e = add(&mut c, &svc, Policy::Latency, &Child::Host("us-west-2".into())).unwrap_err();
        assert!(e.contains("CNAME"), "{e}");
        assert_eq!(s, before);
    }
}
