//! What the DNS servers see: each location's status of each check from the opinions
//! that have reached it, calculated checks from their children there, disabling and
//! inversion applied, and load balancers' targets as delivered ([`DnsView`]).

use super::*;

impl HealthEngine {
    /// Location `loc` now works out `status` for `check` (raw); a change is an event.
    pub(super) fn location_status(&mut self, at: SimTime, check: CheckIdx, loc: usize, status: bool) {
        if self.locations[loc].status[check] != status {
            self.locations[loc].status[check] = status;
            self.dns_changes += 1;
            let (seeing, of) = self.seeing(check, status);
            self.emit(at, HealthEventKind::DnsStatus { check, healthy: status, location: loc, seeing, of });
        }
    }

    /// The raw status of a non-calculated check at a location (`None`: the status
    /// most locations hold), before inversion and disabling.
    pub(super) fn raw_status(&self, c: CheckIdx, loc: Option<usize>) -> bool {
        match loc {
            Some(l) => self.locations[l].status[c],
            None => {
                let (n, of) = self.seeing(c, true);
                2 * n >= of
            }
        }
    }

    /// Status of a non-calculated check as the DNS servers at `loc` see it, with
    /// disabling and inversion applied.
    pub(super) fn leaf_dns(&self, c: CheckIdx, loc: Option<usize>) -> bool {
        let st = &self.checks[c];
        st.disabled || (self.raw_status(c, loc) != st.inverted)
    }

    /// Route 53's view of an LB target's health at `loc` (`None`: most locations').
    pub(super) fn target_at(&self, host: HostIdx, loc: Option<usize>) -> bool {
        match loc {
            Some(l) => self.locations[l].target[host].0,
            None => {
                let n = self.locations.iter().filter(|l| l.target[host].0).count();
                2 * n >= self.locations.len()
            }
        }
    }

    /// Route 53's view of an LB target's health, as most DNS locations hold it.
    pub fn dns_target_healthy(&self, host: HostIdx) -> bool {
        self.target_at(host, None)
    }

    /// The health the DNS servers at location `loc` see, as a [`HealthView`] for the
    /// answer engine.
    pub fn view_at<'a>(&'a self, zone: &'a Zone, loc: usize) -> DnsView<'a> {
        DnsView { zone, engine: self, loc: Some(loc.min(self.locations.len() - 1)) }
    }

    /// The health most DNS locations see (for views that stand for "the DNS
    /// servers" as a whole: the tree, the charts, the query tester).
    pub fn view<'a>(&'a self, zone: &'a Zone) -> DnsView<'a> {
        DnsView { zone, engine: self, loc: None }
    }
}

/// The health the DNS servers at one location (or most of them) currently see:
/// endpoint and manual checks as delivered there, calculated checks from their
/// children's statuses there, disabling and inversion applied; LB targets as
/// delivered there.
pub struct DnsView<'a> {
    zone: &'a Zone,
    engine: &'a HealthEngine,
    loc: Option<usize>,
}

impl HealthView for DnsView<'_> {
    fn check_healthy(&self, c: CheckIdx) -> bool {
        let HealthCheckKind::Calculated { rule, .. } = self.zone.health_checks[c].spec.kind else {
            return self.engine.leaf_dns(c, self.loc);
        };
        let st = &self.engine.checks[c];
        if st.disabled {
            return true;
        }
        // A disabled child counts as healthy (leaf_dns applies it) (model: health checks).
        let kids = &self.zone.health_checks[c].children;
        let ok = kids.iter().filter(|&&k| self.engine.leaf_dns(k, self.loc)).count() as u32;
        let raw = match rule {
            CalculatedRule::And => ok as usize == kids.len(),
            CalculatedRule::Or => ok >= 1,
            CalculatedRule::AtLeast(n) => ok >= n,
        };
        raw != st.inverted
    }

    fn target_healthy(&self, host: HostIdx) -> bool {
        self.engine.target_at(host, self.loc)
    }
}
