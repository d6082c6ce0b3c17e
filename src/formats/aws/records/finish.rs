//! Finishing an imported zone: aliases to skipped records dropped, latency records
//! that now share a region dropped, missing checks and CIDR locations modelled, a
//! region ensured, then validation, its first problem named by the input that
//! caused it.

use std::collections::BTreeSet;

use super::ZoneBuilder;
use crate::formats::aws::{ImportError, Input};
use crate::route53::zone::Zone;
use crate::spec::zone::*;

impl ZoneBuilder {
    /// Finishes the zone: aliases left pointing at records the import skipped are
    /// dropped (noted), aliases to names the input never held are kept (noted: Route
    /// 53 answers them with no address, as for a tree never built), checks
    /// that records name but the input lacks become manual checks (noted), and the
    /// zone is validated; the first problem is reported against its input.
    pub fn finish(mut self) -> Result<(ZoneSpec, Vec<String>), ImportError> {
        self.drop_dangling_aliases();
        self.drop_repeated_latency_regions();
        self.add_missing_checks();
        self.add_cidr_locations();
        if self.spec.regions.is_empty() {
            self.spec.regions.push(RegionSpec { name: "us-east-1".into(), label: None });
            self.region_origin.push((Input::Main, "the zone".into()));
        }
        if self.ip_hosts > 0 {
            self.notes.push(format!(
                "{} addresses of A records modelled as stand-alone hosts in {}a (assumed: an address does not say where it is)",
                self.ip_hosts, self.spec.regions[0].name
            ));
        }
        match Zone::new(&self.spec) {
            Ok(_) => Ok((self.spec, self.notes)),
            Err(problems) => {
                let first = &problems.0[0];
                let (input, origin) = self.origin_of(&first.path);
                let more = match problems.0.len() - 1 {
                    0 => String::new(),
                    n => format!(" (and {n} more)"),
                };
                Err(ImportError { input, message: format!("{origin}: {}{more}", first.message) })
            }
        }
    }

    /// Drops aliases whose target the import skipped (noted), until none is left;
    /// notes the aliases to names the input never held, which are kept.
    fn drop_dangling_aliases(&mut self) {
        let mut never_built = BTreeSet::new();
        loop {
            let groups: BTreeSet<(String, RecordType)> =
                self.spec.records.iter().map(|r| (r.name.clone(), r.rtype)).collect();
            let in_input = |name: &str| self.input_names.contains(name) || groups.iter().any(|(n, _)| n == name);
            let mut dangling = None;
            for (i, r) in self.spec.records.iter().enumerate() {
                if let RecordValue::Alias { target: AliasTarget::Record { name }, .. } = &r.value
                    && !groups.contains(&(name.clone(), r.rtype))
                {
                    if in_input(name) {
                        dangling = Some(i);
                        break;
                    }
                    never_built.insert((i, name.clone()));
                }
            }
            let Some(i) = dangling else { break };
            let r = &self.spec.records[i];
            let RecordValue::Alias { target: AliasTarget::Record { name }, .. } = &r.value else { break };
            let other = if groups.iter().any(|(n, _)| n == name) { " of that type" } else { "" };
            self.notes.push(format!(
                "{}: alias to {name}, which has no {} record{other} in the import; skipped",
                self.record_origin[i].1,
                r.rtype.as_str()
            ));
            self.remove_record(i);
            never_built.clear();
        }
        for (i, name) in never_built {
            self.notes.push(format!(
                "{}: alias to {name}, which has no records in the input: kept, and answered with no address when \
                 Route 53 picks it (as for a tree never built)",
                self.record_origin[i].1
            ));
        }
    }

    /// Drops the later of two latency records that now stand for one region (a
    /// region mapped to its nearest), noted.
    fn drop_repeated_latency_regions(&mut self) {
        let mut seen = BTreeSet::new();
        let mut i = 0;
        while i < self.spec.records.len() {
            let r = &self.spec.records[i];
            if let Routing::Latency { region } = &r.routing
                && !seen.insert((r.name.clone(), r.rtype, region.clone()))
            {
                self.notes.push(format!(
                    "{}: another latency record of this name already stands for {region}; skipped",
                    self.record_origin[i].1
                ));
                self.remove_record(i);
                continue;
            }
            i += 1;
        }
    }

    /// Models the checks named by records or calculated checks but not in the input
    /// as manual checks, noted.
    fn add_missing_checks(&mut self) {
        let mut missing: Vec<(String, String)> = Vec::new();
        for (i, r) in self.spec.records.iter().enumerate() {
            if let Some(hc) = &r.health_check {
                missing.push((hc.clone(), self.record_origin[i].1.clone()));
            }
        }
        for (i, c) in self.spec.health_checks.iter().enumerate() {
            if let HealthCheckKind::Calculated { children, .. } = &c.kind {
                for ch in children {
                    missing.push((ch.clone(), self.check_origin[i].1.clone()));
                }
            }
        }
        for (id, at) in missing {
            if !self.spec.health_checks.iter().any(|c| c.id == id) {
                self.notes.push(format!(
                    "{at}: health check {id} was not in the health-check input; modelled as a manual check"
                ));
                self.check_origin.push((Input::Main, at));
                self.spec.health_checks.push(HealthCheckSpec {
                    id,
                    kind: HealthCheckKind::Manual { healthy: true },
                    inverted: false,
                    disabled: false,
                });
            }
        }
    }

    /// CIDR collections are not part of a record listing: each location a record
    /// names is modelled without blocks (only its default `*` record then matches).
    fn add_cidr_locations(&mut self) {
        for i in 0..self.spec.records.len() {
            let Routing::IpBased { collection, location } = &self.spec.records[i].routing else { continue };
            let (collection, location) = (collection.clone(), location.clone());
            let at = self.record_origin[i].1.clone();
            let c = match self.spec.cidr_collections.iter().position(|c| c.id == collection) {
                Some(c) => c,
                None => {
                    self.notes.push(format!(
                        "{at}: CIDR collection {collection} is not in the input; its locations are modelled without CIDR blocks, so only the '*' record matches (add the blocks to the scenario)"
                    ));
                    self.spec.cidr_collections.push(CidrCollectionSpec { id: collection.clone(), locations: vec![] });
                    self.spec.cidr_collections.len() - 1
                }
            };
            let locs = &mut self.spec.cidr_collections[c].locations;
            if location != "*" && !locs.iter().any(|l| l.name == location) {
                locs.push(CidrLocationSpec { name: location, cidrs: vec![] });
            }
        }
    }

    /// The input place behind a validation path (`records[3].routing.weight`).
    fn origin_of(&self, path: &str) -> (Input, String) {
        let index = |what: &str| -> Option<usize> {
            let rest = path.strip_prefix(what)?.strip_prefix('[')?;
            rest.split(']').next()?.parse().ok()
        };
        let pick = |list: &[(Input, String)], what: &str| index(what).and_then(|i| list.get(i).cloned());
        let found = pick(&self.record_origin, "records")
            .or_else(|| pick(&self.check_origin, "health_checks"))
            .or_else(|| pick(&self.lb_origin, "load_balancers"))
            .or_else(|| pick(&self.host_origin, "hosts"))
            .or_else(|| pick(&self.region_origin, "regions"));
        match found {
            Some((input, at)) => {
                let field = path.split_once('.').map(|(_, f)| f).unwrap_or("");
                let field = field.strip_prefix("value.").unwrap_or(field);
                if field.is_empty() || input != Input::Base { (input, at) } else { (input, format!("{at}.{field}")) }
            }
            None => (Input::Main, format!("the zone's {path}")),
        }
    }
}
