//! The validator's frame: where problems are collected, the size limits checked
//! first, and [`Validator::run`], which walks the zone's sections in a fixed order
//! (so problems always come out in the same order) and assembles the [`Zone`].
//!
//! Each section lives in its own file and hands what it built to the sections after
//! it: regions → load balancers and hosts (`endpoints.rs`) → health checks
//! (`checks.rs`) → record groups (`groups.rs`) → CIDR collections (`cidrs.rs`) →
//! records (`records.rs`) → each group's policy rules (`groups.rs`) → the alias graph
//! (`aliases.rs`).

use std::collections::BTreeMap;

use super::records::Refs;
use crate::route53::zone::{Zone, limits};
use crate::spec::problems::{Problem, Problems};
use crate::spec::zone::ZoneSpec;

/// Collects every problem of one zone, each named by its path.
#[derive(Default)]
pub(super) struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    /// Records a problem at `path`.
    pub(super) fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { path: path.into(), message: message.into() });
    }

    /// A name or id must be non-empty and at most [`limits::NAME_LEN`] long.
    pub(super) fn check_len(&mut self, path: &str, s: &str) {
        if s.is_empty() {
            self.err(path, "must not be empty");
        } else if s.len() > limits::NAME_LEN {
            self.err(path, format!("is {} characters long; the limit is {}", s.len(), limits::NAME_LEN));
        }
    }

    /// Whether `n` is within `max`; records the problem when not.
    pub(super) fn limit(&mut self, path: &str, n: usize, max: usize, what: &str) -> bool {
        if n > max {
            self.err(path, format!("has {n} {what}; the limit is {max}"));
            false
        } else {
            true
        }
    }

    /// Whether an alias cycle has been reported (the depth check is skipped then).
    pub(super) fn found_alias_cycle(&self) -> bool {
        self.problems.iter().any(|p| p.message.starts_with("alias cycle"))
    }

    /// Validates `spec` section by section, returning the zone or every problem.
    pub(super) fn run(mut self, spec: &ZoneSpec) -> Result<Zone, Problems> {
        self.check_len("name", &spec.name);
        if !self.sizes(spec) {
            // Too big to look at further: refuse before any per-item work.
            return Err(Problems(self.problems));
        }
        let regions = self.regions(spec);
        let endpoints = self.endpoints(spec, &regions);
        let checks = self.health_checks(spec, &endpoints);
        let groups = self.groups(spec);
        let collections = self.cidr_collections(spec);
        let refs = Refs { endpoints: &endpoints, checks: &checks, groups: &groups, collections: &collections };
        let records = self.records(spec, &refs);
        self.group_rules(spec, &groups.groups);
        let zone = Zone {
            name: spec.name.clone(),
            negative_ttl_s: spec.negative_ttl_s,
            records,
            groups: groups.groups,
            health_checks: checks.checks,
            load_balancers: endpoints.lbs,
            hosts: endpoints.hosts,
            regions: spec.regions.clone(),
            aws_era: spec.aws_era,
            group_index: groups.index.into_iter().fold(BTreeMap::new(), |mut by_name, ((name, rtype), g)| {
                by_name.entry(name).or_insert_with(Vec::new).push((rtype, g));
                by_name
            }),
            names: groups.names,
        };
        self.alias_graph(&zone);
        Problems(self.problems).into_result(zone)
    }

    /// The hard size limits (every one is checked, so all are reported together).
    fn sizes(&mut self, spec: &ZoneSpec) -> bool {
        let ok = self.limit("records", spec.records.len(), limits::RECORDS, "records")
            & self.limit("health_checks", spec.health_checks.len(), limits::HEALTH_CHECKS, "health checks")
            & self.limit("load_balancers", spec.load_balancers.len(), limits::LOAD_BALANCERS, "load balancers");
        let n_hosts = spec.hosts.len()
            + spec.load_balancers.iter().flat_map(|l| &l.target_groups).map(|t| t.targets.len()).sum::<usize>();
        let n_cidrs: usize = spec.cidr_collections.iter().flat_map(|c| &c.locations).map(|l| l.cidrs.len()).sum();
        ok & self.limit("hosts", n_hosts, limits::HOSTS, "hosts")
            & self.limit("cidr_collections", n_cidrs, limits::CIDR_BLOCKS, "CIDR blocks")
    }
}
