//! Validation of Route 53 health checks (model: health checks): unique ids, endpoint checks (target,
//! interval, threshold, checker regions, string matching) and calculated checks
//! (children that exist and are not calculated themselves).

use std::collections::{BTreeMap, BTreeSet};

use super::endpoints::Endpoints;
use super::validate::Validator;
use crate::route53::zone::{CheckIdx, Endpoint, HealthCheck, limits};
use crate::spec::zone::{
    CHECKER_REGIONS, CalculatedRule, CheckProtocol, CheckTarget, HealthCheckKind, HealthCheckSpec, ZoneSpec,
};

/// Fewest checker regions Route 53 accepts for an endpoint check (model: health checks).
const MIN_CHECKER_REGIONS: usize = 3;
/// Longest search string of an HTTP(S) check with string matching (model: health checks).
const SEARCH_STRING_MAX: usize = 255;

/// Health checks as validated, and their index by id.
pub(super) struct Checks {
    /// Checks, in spec order.
    pub checks: Vec<HealthCheck>,
    /// Check by id.
    pub ids: BTreeMap<String, CheckIdx>,
}

impl Validator {
    /// Every health check: ids first (so children may refer forward), then each body.
    pub(super) fn health_checks(&mut self, spec: &ZoneSpec, eps: &Endpoints) -> Checks {
        let mut ids = BTreeMap::new();
        for (i, c) in spec.health_checks.iter().enumerate() {
            self.check_len(&format!("health_checks[{i}].id"), &c.id);
            if ids.insert(c.id.clone(), i).is_some() {
                self.err(format!("health_checks[{i}].id"), format!("health check id '{}' is used twice", c.id));
            }
        }
        let checks = spec
            .health_checks
            .iter()
            .enumerate()
            .map(|(i, c)| self.health_check(spec, &format!("health_checks[{i}].kind"), c, eps, &ids))
            .collect();
        Checks { checks, ids }
    }

    fn health_check(
        &mut self,
        spec: &ZoneSpec,
        path: &str,
        c: &HealthCheckSpec,
        eps: &Endpoints,
        ids: &BTreeMap<String, CheckIdx>,
    ) -> HealthCheck {
        let mut children = Vec::new();
        let mut target = None;
        match &c.kind {
            HealthCheckKind::Endpoint {
                target: t,
                protocol,
                interval_s,
                failure_threshold,
                regions,
                search_string,
            } => {
                target = self.check_target(path, t, eps);
                if *interval_s != 10 && *interval_s != 30 {
                    self.err(format!("{path}.interval_s"), format!("{interval_s} s: the interval must be 10 or 30"));
                }
                if !(1..=10).contains(failure_threshold) {
                    self.err(
                        format!("{path}.failure_threshold"),
                        format!("{failure_threshold}: the failure threshold must be 1 to 10"),
                    );
                }
                self.checker_regions(path, regions);
                if let Some(s) = search_string {
                    if *protocol == CheckProtocol::Tcp {
                        self.err(format!("{path}.search_string"), "string matching needs HTTP or HTTPS");
                    }
                    if s.len() > SEARCH_STRING_MAX {
                        self.err(format!("{path}.search_string"), "the search string is limited to 255 characters");
                    }
                }
            }
            HealthCheckKind::Calculated { children: kids, rule } => {
                self.limit(&format!("{path}.children"), kids.len(), limits::CALCULATED_CHILDREN, "children");
                for (k, child) in kids.iter().enumerate() {
                    match ids.get(child) {
                        Some(&ci) => {
                            if matches!(spec.health_checks[ci].kind, HealthCheckKind::Calculated { .. }) {
                                self.err(
                                    format!("{path}.children[{k}]"),
                                    format!("'{child}' is a calculated check; children cannot be calculated"),
                                );
                            }
                            children.push(ci);
                        }
                        None => self.err(format!("{path}.children[{k}]"), format!("no health check '{child}'")),
                    }
                }
                if let CalculatedRule::AtLeast(n) = rule
                    && *n as usize > limits::CALCULATED_CHILDREN
                {
                    self.err(format!("{path}.rule"), format!("at least {n}: the limit is 256"));
                }
            }
            HealthCheckKind::Manual { .. } => {}
        }
        HealthCheck { spec: c.clone(), children, target }
    }

    /// The load balancer or host an endpoint check probes.
    fn check_target(&mut self, path: &str, t: &CheckTarget, eps: &Endpoints) -> Option<Endpoint> {
        match t {
            CheckTarget::LoadBalancer(id) => match eps.lb_ids.get(id) {
                Some(&l) => Some(Endpoint::Lb(l)),
                None => {
                    self.err(format!("{path}.target"), format!("no load balancer '{id}'"));
                    None
                }
            },
            CheckTarget::Host(id) => match eps.host_ids.get(id) {
                Some(&h) => Some(Endpoint::Host(h)),
                None => {
                    self.err(format!("{path}.target"), format!("no host '{id}'"));
                    None
                }
            },
        }
    }

    /// Checker regions: each one of Route 53's eight, listed once, at least three.
    fn checker_regions(&mut self, path: &str, regions: &[String]) {
        let mut seen = BTreeSet::new();
        for (k, r) in regions.iter().enumerate() {
            if !CHECKER_REGIONS.contains(&r.as_str()) {
                self.err(format!("{path}.regions[{k}]"), format!("'{r}' is not a health-checker region"));
            }
            if !seen.insert(r) {
                self.err(format!("{path}.regions[{k}]"), format!("checker region '{r}' is listed twice"));
            }
        }
        if regions.len() < MIN_CHECKER_REGIONS {
            self.err(
                format!("{path}.regions"),
                format!("{} checker regions: Route 53 needs at least 3", regions.len()),
            );
        }
    }
}
