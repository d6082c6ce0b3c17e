//! Building a routing tree by the operations the page offers — add a nested rule or
//! an endpoint under a group, move a record into another group, attach a new health
//! check — so that a tree can be built from an empty design without writing JSON.
//!
//! A *group* is the records sharing a name (and type A). Every operation keeps the
//! spec valid where it can, choosing the policy key the new record needs from what
//! its group already holds: the next free latency region, primary before secondary,
//! the geolocation default before continents, a weight of 10. Where the design itself
//! forbids a step (a second record in a simple group, a third failover record, an
//! alias under multivalue) the operation refuses with a sentence saying why, and the
//! spec is left as it was.
//!
//! A nested rule's group has no records until an endpoint is added under it; its
//! name carries its policy (`failover1.sso.example.com`) so the builder knows which
//! key the first record needs.

use crate::spec::scenario::Scenario;
use crate::spec::zone::*;

/// Routing policies a group can be built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// One record.
    Simple,
    /// Weighted random choice.
    Weighted,
    /// Lowest latency region.
    Latency,
    /// Primary, then secondary.
    Failover,
    /// By the client's continent.
    Geolocation,
    /// Up to eight healthy values (hosts only: multivalue records cannot be aliases).
    Multivalue,
}

impl Policy {
    /// Every policy, in menu order.
    pub const ALL: [Policy; 6] =
        [Policy::Latency, Policy::Failover, Policy::Weighted, Policy::Geolocation, Policy::Multivalue, Policy::Simple];

    /// The policy's name as used in specs and menus.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Simple => "simple",
            Policy::Weighted => "weighted",
            Policy::Latency => "latency",
            Policy::Failover => "failover",
            Policy::Geolocation => "geolocation",
            Policy::Multivalue => "multivalue",
        }
    }

    /// The policy named `name`.
    pub fn parse(name: &str) -> Option<Policy> {
        Policy::ALL.into_iter().find(|p| p.name() == name)
    }

    fn of(r: &Routing) -> Option<Policy> {
        Some(match r {
            Routing::Simple => Policy::Simple,
            Routing::Weighted { .. } => Policy::Weighted,
            Routing::Latency { .. } => Policy::Latency,
            Routing::Failover { .. } => Policy::Failover,
            Routing::Geolocation { .. } => Policy::Geolocation,
            Routing::Multivalue => Policy::Multivalue,
            _ => return None,
        })
    }
}

/// What to add under a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Child {
    /// A nested rule: an alias to a new group with this policy.
    Rule(Policy),
    /// An alias to a load balancer of this kind in this region (reused if the design
    /// already has one there).
    LoadBalancer(LbKind, String),
    /// A stand-alone host in this region, answered by an A record (TTL 60 s).
    Host(String),
}

/// The group a record belongs to, and the policy its records use (or, for a group
/// without records yet, the policy its name carries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    /// The group's name.
    pub name: String,
    /// Its policy, if known.
    pub policy: Option<Policy>,
    /// How many records it holds.
    pub records: usize,
}

/// Every group the builder can add to: the service first, then every group an
/// alias points at or a record names, in first-seen order.
pub fn groups(zone: &ZoneSpec, service: &str) -> Vec<GroupInfo> {
    let mut names: Vec<String> = vec![service.to_string()];
    for r in &zone.records {
        for n in std::iter::once(&r.name).chain(match &r.value {
            RecordValue::Alias { target: AliasTarget::Record { name }, .. } => Some(name),
            _ => None,
        }) {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            let members: Vec<&RecordSpec> =
                zone.records.iter().filter(|r| r.name == name && r.rtype != RecordType::AAAA).collect();
            let policy = members.first().and_then(|r| Policy::of(&r.routing)).or_else(|| policy_from_name(&name));
            GroupInfo { name, policy, records: members.len() }
        })
        .collect()
}

fn policy_from_name(name: &str) -> Option<Policy> {
    let label = name.split('.').next()?;
    Policy::parse(label.trim_end_matches(|c: char| c.is_ascii_digit()))
}

/// A region's short code: `us-east-1` → `use1`.
pub fn short(region: &str) -> String {
    let parts: Vec<&str> = region.split('-').collect();
    match parts.as_slice() {
        [geo, dir, n] => format!("{geo}{}{n}", &dir[..1.min(dir.len())]),
        _ => region.replace('-', ""),
    }
}

/// Regions a new latency record takes first when the design names none: one per
/// continent group, as in the field designs.
const FIRST_REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-1"];

const CONTINENTS: [&str; 7] = ["NA", "EU", "AS", "SA", "OC", "AF", "AN"];

/// The routing a new record in `group` needs, given its siblings and the region of
/// what it points to.
fn routing_for(zone: &ZoneSpec, group: &str, policy: Policy, region: Option<&str>) -> Result<Routing, String> {
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

fn unique(taken: impl Fn(&str) -> bool, base: &str) -> String {
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
                Routing::Failover { role } => format!("{role:?}").to_lowercase(),
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
                    let host = unique(|c| all_host_ids(&zone).any(|h| h == c), &format!("web-{sh}"));
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
            let id = unique(|c| all_host_ids(&zone).any(|h| h == c), &format!("host-{}", short(reg)));
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

fn all_host_ids(zone: &ZoneSpec) -> impl Iterator<Item = &str> {
    zone.hosts.iter().map(|h| h.id.as_str()).chain(
        zone.load_balancers.iter().flat_map(|l| l.target_groups.iter().flat_map(|g| &g.targets)).map(|h| h.id.as_str()),
    )
}

/// Moves record `i` into `group` (the drop of a drag, or the inspector's "move to"),
/// re-keying its routing for the new group; an alias cannot move into the group it
/// points at. Returns the record's new index.
pub fn move_to(s: &mut Scenario, i: usize, group: &str) -> Result<usize, String> {
    let r = s.zone.records.get(i).cloned().ok_or("no such record")?;
    if r.name == group {
        return Ok(i);
    }
    if let RecordValue::Alias { target: AliasTarget::Record { name }, .. } = &r.value
        && (name == group || reaches(&s.zone, name, group))
    {
        return Err(format!("{group} is inside the rule this record points to: the move would make an alias loop"));
    }
    let mut trial = s.clone();
    trial.zone.records.remove(i);
    let policy = groups(&trial.zone, &trial.service)
        .into_iter()
        .find(|g| g.name == group)
        .and_then(|g| g.policy)
        .unwrap_or(Policy::Weighted);
    let region = match (&r.routing, &r.value) {
        (_, RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, .. }) => {
            trial.zone.load_balancers.iter().find(|l| &l.id == id).map(|l| l.region.clone())
        }
        (Routing::Latency { region }, _) => Some(region.clone()),
        _ => None,
    };
    if policy == Policy::Multivalue && matches!(r.value, RecordValue::Alias { .. }) {
        return Err("multivalue records cannot be aliases".into());
    }
    let routing = routing_for(&trial.zone, group, policy, region.as_deref())?;
    let mut moved = r;
    moved.name = group.to_string();
    moved.routing = routing;
    let base = moved.set_id.clone().unwrap_or_else(|| "record".into());
    moved.set_id = (policy != Policy::Simple).then(|| {
        unique(|c| trial.zone.records.iter().any(|x| x.name == group && x.set_id.as_deref() == Some(c)), &base)
    });
    let at = trial.zone.records.iter().rposition(|x| x.name == group).map_or(trial.zone.records.len(), |j| j + 1);
    trial.zone.records.insert(at, moved);
    *s = trial;
    Ok(at)
}

/// Does the group `from` reach `to` through aliases?
fn reaches(zone: &ZoneSpec, from: &str, to: &str) -> bool {
    let mut stack = vec![from.to_string()];
    let mut seen = Vec::new();
    while let Some(n) = stack.pop() {
        if n == to {
            return true;
        }
        if seen.contains(&n) {
            continue;
        }
        for r in zone.records.iter().filter(|r| r.name == n) {
            if let RecordValue::Alias { target: AliasTarget::Record { name }, .. } = &r.value {
                stack.push(name.clone());
            }
        }
        seen.push(n);
    }
    false
}

/// Creates a Route 53 endpoint health check (HTTP, 30 s × 3, all checker regions)
/// on what record `i` points to — its load balancer or host — and attaches it.
/// Returns the check's id.
pub fn add_check(s: &mut Scenario, i: usize) -> Result<String, String> {
    let r = s.zone.records.get(i).ok_or("no such record")?;
    let (target, base) = match &r.value {
        RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, .. } => {
            (CheckTarget::LoadBalancer(id.clone()), format!("hc-{id}"))
        }
        RecordValue::Values(v) if v.len() == 1 && v[0].starts_with("host:") => {
            let h = v[0].trim_start_matches("host:").to_string();
            (CheckTarget::Host(h.clone()), format!("hc-{h}"))
        }
        _ => return Err("a new health check needs a load balancer or a host to probe: pick an endpoint".into()),
    };
    let id = unique(|c| s.zone.health_checks.iter().any(|h| h.id == c), &base);
    s.zone.health_checks.push(HealthCheckSpec {
        id: id.clone(),
        kind: HealthCheckKind::Endpoint {
            target,
            protocol: CheckProtocol::Http,
            interval_s: 30,
            failure_threshold: 3,
            regions: all_checker_regions(),
            search_string: None,
        },
        inverted: false,
        disabled: false,
    });
    s.zone.records[i].health_check = Some(id.clone());
    Ok(id)
}

/// What a row of the routing tree stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// A rule: the group of records sharing a name, with its policy.
    Rule {
        /// The group's name.
        group: String,
    },
    /// A record pointing to another rule (an alias or a CNAME within the zone).
    Branch,
    /// A record answering with an endpoint: `ALB`, `NLB`, `host`, `IP` or `CNAME`
    /// (a name outside the zone).
    Leaf(&'static str),
}

/// One row of the routing tree as the page draws it, left to right (depth is the
/// column), in depth-first order.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeRow {
    /// Nesting depth.
    pub depth: usize,
    /// The record's index in the spec, for record rows.
    pub record: Option<usize>,
    /// What the row stands for.
    pub kind: RowKind,
    /// Main text.
    pub text: String,
    /// Policy and its key, e.g. `latency us-east-1` or `weight 100`.
    pub policy: String,
    /// TTL shown at a glance (`TTL: target's`, `TTL 60 s`).
    pub ttl: String,
    /// Health check id, if any.
    pub check: Option<String>,
    /// Evaluate Target Health on.
    pub eth: bool,
}

/// The routing tree under `service`, read from the spec so that it can be drawn
/// while the design is still incomplete: a rule without records yet shows as an empty
/// rule, an alias to a missing name as a branch to nothing; cycles stop at the repeat.
pub fn tree(zone: &ZoneSpec, service: &str) -> Vec<TreeRow> {
    fn key(r: &Routing) -> String {
        match r {
            Routing::Simple => "simple".to_string(),
            Routing::Weighted { weight } => format!("weight {weight}"),
            Routing::Latency { region } => format!("latency {region}"),
            Routing::Failover { role } => format!("{role:?}").to_lowercase(),
            Routing::Geolocation { location } => match location {
                GeoLocationSpec::Default => "default location".to_string(),
                GeoLocationSpec::Continent(c) => format!("continent {c}"),
                GeoLocationSpec::Country(c) => format!("country {c}"),
                GeoLocationSpec::Subdivision { country, code } => format!("{country}-{code}"),
            },
            Routing::Geoproximity { bias, .. } => format!("geoproximity bias {bias}"),
            Routing::Multivalue => "multivalue".to_string(),
            Routing::IpBased { location, .. } => format!("CIDR {location}"),
        }
    }
    fn walk(zone: &ZoneSpec, name: &str, depth: usize, out: &mut Vec<TreeRow>, seen: &mut Vec<String>) {
        let members: Vec<usize> = (0..zone.records.len())
            .filter(|&i| zone.records[i].name == name && zone.records[i].rtype != RecordType::AAAA)
            .collect();
        let cycle = seen.iter().any(|n| n == name);
        let policy = members
            .first()
            .map(|&i| zone.records[i].routing.name().to_string())
            .or_else(|| policy_from_name(name).map(|p| p.name().to_string()))
            .unwrap_or_default();
        let text = if cycle {
            format!("{name} (alias loop: already above)")
        } else if members.is_empty() {
            format!("{name} (no records yet)")
        } else {
            let t = zone.records[members[0]].rtype.as_str();
            format!("{name} {t}")
        };
        out.push(TreeRow {
            depth,
            record: None,
            kind: RowKind::Rule { group: name.to_string() },
            text,
            policy,
            ttl: String::new(),
            check: None,
            eth: false,
        });
        if cycle || depth > 24 {
            return;
        }
        seen.push(name.to_string());
        for i in members {
            let r = &zone.records[i];
            let (kind, text, ttl, next) = match &r.value {
                RecordValue::Alias { target: AliasTarget::Record { name }, .. } => {
                    (RowKind::Branch, format!("alias → {name}"), "TTL: target's".to_string(), Some(name.clone()))
                }
                RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, .. } => {
                    match zone.load_balancers.iter().find(|l| &l.id == id) {
                        Some(lb) => {
                            let k = match lb.kind {
                                LbKind::Alb => "ALB",
                                LbKind::Nlb => "NLB",
                            };
                            (RowKind::Leaf(k), format!("{k} {id} ({})", lb.region), "TTL 60 s (LB)".into(), None)
                        }
                        None => (RowKind::Leaf("ALB"), format!("load balancer {id} (missing)"), String::new(), None),
                    }
                }
                RecordValue::Values(vs) => {
                    let ttl = r.ttl_s.map_or(String::new(), |t| format!("TTL {t} s"));
                    let inner =
                        vs.iter().find(|v| r.rtype == RecordType::CNAME && zone.records.iter().any(|x| &x.name == *v));
                    match inner {
                        Some(n) => (RowKind::Branch, format!("CNAME → {n}"), ttl, Some(n.clone())),
                        None => {
                            let kind = if r.rtype == RecordType::CNAME {
                                "CNAME"
                            } else if vs.iter().all(|v| v.starts_with("host:")) {
                                "host"
                            } else {
                                "IP"
                            };
                            let text = vs
                                .iter()
                                .map(|v| v.strip_prefix("host:").map_or(v.clone(), |h| format!("host {h}")))
                                .collect::<Vec<_>>()
                                .join(", ");
                            let text = if kind == "CNAME" { format!("CNAME → {text}") } else { text };
                            (RowKind::Leaf(kind), text, ttl, None)
                        }
                    }
                }
            };
            out.push(TreeRow {
                depth: depth + 1,
                record: Some(i),
                kind,
                text: format!("[{}] {text}", r.set_id.as_deref().unwrap_or("-")),
                policy: key(&r.routing),
                ttl,
                check: r.health_check.clone(),
                eth: matches!(r.value, RecordValue::Alias { evaluate_target_health: true, .. }),
            });
            if let Some(n) = next {
                walk(zone, &n, depth + 2, out, seen);
            }
        }
        seen.pop();
    }
    let mut out = Vec::new();
    walk(zone, service, 0, &mut out, &mut Vec::new());
    out
}

/// The index of each row's parent in the drawn tree: the nearest row above it with
/// a smaller depth (the connectors are drawn from it).
pub fn parents(rows: &[TreeRow]) -> Vec<Option<usize>> {
    (0..rows.len()).map(|i| (0..i).rev().find(|&j| rows[j].depth < rows[i].depth)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route53::zone::Zone;

    /// Latency (two regions) → failover (primary here, secondary in the other region),
    /// built from an empty design with the builder's operations alone.
    fn latency_failover() -> Scenario {
        let mut s = crate::design::presets::empty();
        let svc = s.service.clone();
        add(&mut s, &svc, Policy::Latency, &Child::Rule(Policy::Failover)).unwrap();
        add(&mut s, &svc, Policy::Latency, &Child::Rule(Policy::Failover)).unwrap();
        let g = groups(&s.zone, &svc);
        let fo: Vec<String> = g.iter().filter(|g| g.policy == Some(Policy::Failover)).map(|g| g.name.clone()).collect();
        assert_eq!(fo.len(), 2, "{g:?} {:?}", s.zone.records);
        for (k, name) in fo.iter().enumerate() {
            let (a, b) = if k == 0 { ("us-east-1", "eu-west-1") } else { ("eu-west-1", "us-east-1") };
            add(&mut s, name, Policy::Failover, &Child::LoadBalancer(LbKind::Alb, a.into())).unwrap();
            add(&mut s, name, Policy::Failover, &Child::LoadBalancer(LbKind::Alb, b.into())).unwrap();
        }
        s
    }

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

    #[test]
    fn moving_a_record_rekeys_it_and_refuses_loops() {
        let mut s = latency_failover();
        let svc = s.service.clone();
        let g = groups(&s.zone, &svc);
        let fo1 = g.iter().find(|g| g.policy == Some(Policy::Failover)).unwrap().name.clone();
        // Moving a top-level latency record into the failover group it points to is a loop.
        let top = s.zone.records.iter().position(|r| r.name == svc).unwrap();
        let e = move_to(&mut s, top, &fo1).unwrap_err();
        assert!(e.contains("loop"), "{e}");
        // Add a weighted group at the top and drag an endpoint into it: it becomes weighted.
        let mut w = crate::design::presets::empty();
        let svc = w.service.clone();
        add(&mut w, &svc, Policy::Weighted, &Child::LoadBalancer(LbKind::Nlb, "us-east-1".into())).unwrap();
        add(&mut w, &svc, Policy::Weighted, &Child::Rule(Policy::Latency)).unwrap();
        let lat = groups(&w.zone, &svc).into_iter().find(|g| g.policy == Some(Policy::Latency)).unwrap().name;
        let at = move_to(&mut w, 0, &lat).unwrap();
        assert_eq!(w.zone.records[at].name, lat);
        assert_eq!(w.zone.records[at].routing, Routing::Latency { region: "us-east-1".into() });
        assert!(Zone::new(&w.zone).is_ok());
    }

    #[test]
    fn a_new_health_check_probes_the_endpoint() {
        let mut s = latency_failover();
        let i = s
            .zone
            .records
            .iter()
            .position(|r| matches!(r.value, RecordValue::Alias { target: AliasTarget::LoadBalancer { .. }, .. }))
            .unwrap();
        let id = add_check(&mut s, i).unwrap();
        assert_eq!(s.zone.records[i].health_check.as_deref(), Some(id.as_str()));
        assert!(Zone::new(&s.zone).is_ok());
        let top = s.zone.records.iter().position(|r| r.name == s.service).unwrap();
        assert!(add_check(&mut s, top).is_err());
        assert_eq!(short("ap-southeast-1"), "aps1");
        assert_eq!(policy_from_name("failover2.sso.example.com"), Some(Policy::Failover));
    }

    #[test]
    fn the_tree_walks_aliases_down_to_the_load_balancers() {
        let s = crate::design::presets::preset("latency-failover-alb").unwrap();
        let rows = tree(&s.zone, &s.service);
        assert_eq!(rows[0].text, "sso.example.com A");
        assert_eq!(rows[0].policy, "latency");
        assert!(
            rows.iter().any(|r| r.depth == 3 && r.policy == "primary" && r.text.contains("ALB alb-use1")),
            "{rows:#?}"
        );
        assert!(rows.iter().any(|r| r.depth >= 5 && r.text.contains("alb-apse1")));
        assert_eq!(rows.iter().filter(|r| r.record.is_some()).count(), 15, "3 latency + 12 failover records");
        let p = parents(&rows);
        assert_eq!(p[0], None);
        for (i, parent) in p.iter().enumerate().skip(1) {
            let parent = parent.expect("every row but the first has a parent");
            assert!(rows[parent].depth < rows[i].depth);
            // A record's parent is its rule; a nested rule's parent is the record aliasing it.
            match rows[i].kind {
                RowKind::Rule { .. } => assert_eq!(rows[parent].kind, RowKind::Branch),
                _ => assert!(matches!(rows[parent].kind, RowKind::Rule { .. })),
            }
        }
    }

    #[test]
    fn an_incomplete_design_still_draws() {
        let mut s = crate::design::presets::empty();
        assert_eq!(tree(&s.zone, &s.service)[0].text, "sso.example.com (no records yet)");
        let svc = s.service.clone();
        add(&mut s, &svc, Policy::Latency, &Child::Rule(Policy::Failover)).unwrap();
        // The nested rule has no records yet: the design runs, and the lint says the
        // name stops resolving when Route 53 picks the alias to it.
        let zone = Zone::new(&s.zone).expect("an unfinished rule still validates");
        assert!(crate::route53::lint::lint(&zone).iter().any(|p| p.message.contains("which has no records")));
        let rows = tree(&s.zone, &s.service);
        assert_eq!(rows.len(), 3, "{rows:#?}");
        assert_eq!(rows[1].kind, RowKind::Branch);
        assert_eq!(rows[2].text, "failover1.sso.example.com (no records yet)");
        assert_eq!(rows[2].policy, "failover");
        // A loop is drawn once, marked.
        s.zone.records.push(RecordSpec {
            name: "failover1.sso.example.com".into(),
            rtype: RecordType::A,
            set_id: Some("primary".into()),
            routing: Routing::Failover { role: FailoverRole::Primary },
            ttl_s: None,
            value: RecordValue::Alias {
                target: AliasTarget::Record { name: svc.clone() },
                evaluate_target_health: true,
            },
            health_check: None,
        });
        let rows = tree(&s.zone, &s.service);
        assert!(rows.last().unwrap().text.contains("alias loop"), "{rows:#?}");
    }
}
