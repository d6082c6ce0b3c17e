//! Record groups (records sharing a name and type): grouping the records, each
//! owner name inside the zone, and each group's policy rules — one policy per
//! group, unique set identifiers, one record for simple routing, one per latency
//! region, one primary and one secondary, one record per geolocation (one
//! default), one CIDR collection, at most 100 weighted records — and CNAME
//! exclusivity (model: answers).

use std::collections::{BTreeMap, BTreeSet};

use super::validate::Validator;
use crate::route53::zone::{Group, GroupIdx};
use crate::spec::zone::{FailoverRole, GeoLocationSpec, RecordType, Routing, ZoneSpec};

/// Most weighted records that may share a name and type (model: answers).
const WEIGHTED_MAX: usize = 100;

/// The record groups, their index, and every owner name.
pub(super) struct Groups {
    /// Groups, in order of their first record.
    pub groups: Vec<Group>,
    /// Group by (name, type).
    pub index: BTreeMap<(String, RecordType), GroupIdx>,
    /// Every owner name with a record.
    pub names: BTreeSet<String>,
}

impl Validator {
    /// Groups the records by (name, type), checking each name is in the zone.
    pub(super) fn groups(&mut self, spec: &ZoneSpec) -> Groups {
        let mut out = Groups { groups: Vec::new(), index: BTreeMap::new(), names: BTreeSet::new() };
        let apex_suffix = format!(".{}", spec.name);
        for (i, r) in spec.records.iter().enumerate() {
            let path = format!("records[{i}]");
            self.check_len(&format!("{path}.name"), &r.name);
            if r.name != spec.name && !r.name.ends_with(&apex_suffix) {
                self.err(format!("{path}.name"), format!("'{}' is not in zone '{}'", r.name, spec.name));
            }
            out.names.insert(r.name.clone());
            let key = (r.name.clone(), r.rtype);
            let groups = &mut out.groups;
            let g = *out.index.entry(key).or_insert_with(|| {
                groups.push(Group { name: r.name.clone(), rtype: r.rtype, members: Vec::new() });
                groups.len() - 1
            });
            out.groups[g].members.push(i);
        }
        out
    }

    /// Every group's policy rules, then CNAME exclusivity: a name with a CNAME has
    /// no other records.
    pub(super) fn group_rules(&mut self, spec: &ZoneSpec, groups: &[Group]) {
        for g in groups {
            self.group_policy(spec, g);
        }
        for g in groups {
            if g.rtype == RecordType::CNAME && groups.iter().any(|o| o.name == g.name && o.rtype != RecordType::CNAME) {
                self.err(
                    format!("records[{}].type", g.members[0]),
                    format!("'{}' has a CNAME, so it cannot have records of other types", g.name),
                );
            }
        }
    }

    /// One policy per group and unique set ids, then the policy's own rule.
    fn group_policy(&mut self, spec: &ZoneSpec, g: &Group) {
        let first = &spec.records[g.members[0]];
        let policy = first.routing.name();
        let mut set_ids = BTreeSet::new();
        for &m in &g.members {
            let r = &spec.records[m];
            if r.routing.name() != policy {
                self.err(
                    format!("records[{m}].routing"),
                    format!(
                        "'{} {}' mixes policies: records[{}] is {policy}, this one is {}",
                        g.name,
                        g.rtype.as_str(),
                        g.members[0],
                        r.routing.name()
                    ),
                );
            }
            if let Some(id) = &r.set_id
                && !set_ids.insert(id.clone())
            {
                self.err(
                    format!("records[{m}].set_id"),
                    format!("set identifier '{id}' is used twice in '{}'", g.name),
                );
            }
        }
        match &first.routing {
            Routing::Simple if g.members.len() > 1 => {
                self.err(
                    format!("records[{}]", g.members[1]),
                    format!(
                        "'{} {}' is simple routing, which allows one record per name and type",
                        g.name,
                        g.rtype.as_str()
                    ),
                );
            }
            Routing::Latency { .. } => self.one_per_latency_region(spec, g),
            Routing::Failover { .. } => self.one_per_failover_role(spec, g),
            Routing::Geolocation { .. } => self.one_per_geolocation(spec, g),
            Routing::IpBased { collection, .. } => {
                for &m in &g.members {
                    if let Routing::IpBased { collection: c, .. } = &spec.records[m].routing
                        && c != collection
                    {
                        self.err(
                            format!("records[{m}].routing.collection"),
                            "all IP-based records of a name and type must use the same CIDR collection",
                        );
                    }
                }
            }
            Routing::Weighted { .. } if g.members.len() > WEIGHTED_MAX => {
                self.err(
                    format!("records[{}]", g.members[WEIGHTED_MAX]),
                    "at most 100 weighted records share a name and type",
                );
            }
            _ => {}
        }
    }

    fn one_per_latency_region(&mut self, spec: &ZoneSpec, g: &Group) {
        let mut seen = BTreeMap::new();
        for &m in &g.members {
            if let Routing::Latency { region } = &spec.records[m].routing
                && let Some(prev) = seen.insert(region.clone(), m)
            {
                self.err(
                    format!("records[{m}].routing.region"),
                    format!("region '{region}' already has a latency record (records[{prev}])"),
                );
            }
        }
    }

    fn one_per_failover_role(&mut self, spec: &ZoneSpec, g: &Group) {
        for role in [FailoverRole::Primary, FailoverRole::Secondary] {
            let n: Vec<_> = g
                .members
                .iter()
                .filter(|&&m| matches!(spec.records[m].routing, Routing::Failover { role: r } if r == role))
                .collect();
            if n.len() > 1 {
                self.err(
                    format!("records[{}].routing.role", n[1]),
                    format!("'{}' has more than one {} record", g.name, format!("{role:?}").to_ascii_lowercase()),
                );
            }
        }
    }

    fn one_per_geolocation(&mut self, spec: &ZoneSpec, g: &Group) {
        let mut seen = BTreeMap::new();
        for &m in &g.members {
            if let Routing::Geolocation { location } = &spec.records[m].routing
                && let Some(prev) = seen.insert(location.clone(), m)
            {
                let what = if *location == GeoLocationSpec::Default {
                    "a geolocation group can have only one default location".to_string()
                } else {
                    format!("this location is already used by records[{prev}]")
                };
                self.err(format!("records[{m}].routing.location"), what);
            }
        }
    }
}
