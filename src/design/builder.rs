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
//!
//! The operations are in parts: `adding` (a rule or an endpoint under a group),
//! `moving` (into another group, within a group, copies and deletions),
//! `checks` (a new health check on an endpoint, a record's own problems) and
//! `rows` (the tree as the page draws it, read from a spec that may be incomplete).

mod adding;
mod checks;
mod moving;
mod rows;

pub use adding::{add, host_ids};
pub use checks::{add_check, can_add_check, pitfalls, record_problems};
pub use moving::{drop_on, duplicate, move_to, move_within, remove};
pub use rows::{Guides, RowKind, TreeRow, guides, parents, tree};

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

impl Child {
    /// The child a menu value names: `alb`, `nlb` or `host` (in `region`), or
    /// `rule:<policy>`.
    pub fn from_menu(value: &str, region: &str) -> Option<Child> {
        Some(match value {
            "alb" => Child::LoadBalancer(LbKind::Alb, region.to_string()),
            "nlb" => Child::LoadBalancer(LbKind::Nlb, region.to_string()),
            "host" => Child::Host(region.to_string()),
            v => Child::Rule(Policy::parse(v.strip_prefix("rule:")?)?),
        })
    }

    /// Is it an endpoint (placed in a region) rather than a rule?
    pub fn is_endpoint(&self) -> bool {
        !matches!(self, Child::Rule(_))
    }
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

/// Designs the tests of every part build on.
#[cfg(test)]
mod fixtures {
    use super::*;
    use crate::spec::scenario::Scenario;

    /// Latency (two regions) → failover (primary here, secondary in the other region),
    /// built from an empty design with the builder's operations alone.
    pub fn latency_failover() -> Scenario {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_values_name_children() {
        assert_eq!(Child::from_menu("nlb", "eu-west-1"), Some(Child::LoadBalancer(LbKind::Nlb, "eu-west-1".into())));
        assert_eq!(Child::from_menu("host", "us-east-1"), Some(Child::Host("us-east-1".into())));
        assert_eq!(Child::from_menu("rule:failover", "us-east-1"), Some(Child::Rule(Policy::Failover)));
        assert!(Child::from_menu("host", "x").unwrap().is_endpoint());
        assert!(!Child::from_menu("rule:simple", "x").unwrap().is_endpoint());
        assert_eq!(Child::from_menu("rule:nonsense", "x"), None);
        assert_eq!(Child::from_menu("cname", "x"), None);
    }
}
