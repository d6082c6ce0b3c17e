//! Scripting failures at a playhead: the failover run's fault script (a fault added
//! at the playhead forks the run there; the script stays in time order) and the
//! deployment's scripted outages (a location or a stripe failed from a moment on, or
//! restored at it).

use crate::spec::deploy::{Outage, OutageKind, OutageTarget};
use crate::spec::scenario::{FaultAction, FaultSpec, Scenario};
use crate::spec::zone::ZoneSpec;

/// Adds `action` at `at_ms` to the fault script, after any fault at the same moment.
pub fn add_fault(s: &mut Scenario, at_ms: u64, action: FaultAction) {
    s.faults.push(FaultSpec { at_ms, action });
    crate::spec::scenario::sort_faults(&mut s.faults);
}

/// Removes fault `i` of the script, if there is one.
pub fn remove_fault(s: &mut Scenario, i: usize) {
    if i < s.faults.len() {
        s.faults.remove(i);
    }
}

/// The hosts a fault can stop or black-hole: stand-alone hosts, then every
/// load-balancer target.
pub fn fault_hosts(zone: &ZoneSpec) -> Vec<String> {
    crate::design::builder::host_ids(zone).map(String::from).collect()
}

/// Fails `target` the `kind` way from `at_s` on (until the end of the run). Does
/// nothing for a scenario without a deployment.
pub fn add_outage(s: &mut Scenario, at_s: u64, target: OutageTarget, kind: OutageKind) {
    if let Some(d) = s.deploy.as_mut() {
        d.outages.push(Outage { at_s, until_s: None, target, kind });
    }
}

/// Restores `target` at `at_s`: its outages that start then or later are dropped,
/// and the ones still running end there.
pub fn restore(s: &mut Scenario, at_s: u64, target: &OutageTarget) {
    let Some(d) = s.deploy.as_mut() else { return };
    d.outages.retain(|o| !(o.target == *target && o.at_s >= at_s));
    for o in d.outages.iter_mut().filter(|o| o.target == *target && o.until_s.is_none_or(|u| u > at_s)) {
        o.until_s = Some(at_s);
    }
}

/// Removes scripted outage `i`, if there is one.
pub fn remove_outage(s: &mut Scenario, i: usize) {
    if let Some(d) = s.deploy.as_mut()
        && i < d.outages.len()
    {
        d.outages.remove(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::presets;

    #[test]
    fn faults_stay_in_time_order_and_the_run_forks_at_the_new_one() {
        let mut s = presets::preset("latency-weighted-nlb").unwrap();
        let before = s.faults.clone();
        let late = before.last().unwrap().at_ms + 1;
        add_fault(&mut s, 0, FaultAction::StopRegion { region: "ap-southeast-1".into() });
        add_fault(&mut s, late, FaultAction::StartRegion { region: "ap-southeast-1".into() });
        assert!(s.faults.windows(2).all(|w| w[0].at_ms <= w[1].at_ms), "{:?}", s.faults);
        assert_eq!(s.faults[0].action, FaultAction::StopRegion { region: "ap-southeast-1".into() });
        assert_eq!(s.faults.last().unwrap().at_ms, late);
        remove_fault(&mut s, 0);
        remove_fault(&mut s, 99);
        assert_eq!(s.faults.len(), before.len() + 1);
        // A host fault names a load-balancer target too.
        let hosts = fault_hosts(&s.zone);
        assert!(hosts.iter().any(|h| h == "web-euw1"), "{hosts:?}");
    }

    #[test]
    fn restoring_a_location_ends_its_outage_there_and_drops_later_ones() {
        let mut s = presets::preset("data-plane-by-stripe").unwrap();
        let loc = OutageTarget::Location(s.deploy.as_ref().unwrap().fleet[0].id.clone());
        let n = s.deploy.as_ref().unwrap().outages.len();
        add_outage(&mut s, 60, loc.clone(), OutageKind::BlackHole);
        add_outage(&mut s, 600, loc.clone(), OutageKind::Withdraw);
        add_outage(&mut s, 120, OutageTarget::Stripe(0), OutageKind::Withdraw);
        restore(&mut s, 300, &loc);
        let o = &s.deploy.as_ref().unwrap().outages[n..];
        assert_eq!(o.len(), 2, "{o:?}");
        assert_eq!((o[0].at_s, o[0].until_s), (60, Some(300)), "the black hole ends at the restore");
        assert_eq!(o[1].until_s, None, "another target is untouched");
        remove_outage(&mut s, n + 1);
        assert_eq!(s.deploy.as_ref().unwrap().outages.len(), n + 1);
        // A scenario without a deployment is left alone.
        let mut plain = presets::preset("latency-weighted-nlb").unwrap();
        let same = plain.clone();
        add_outage(&mut plain, 0, OutageTarget::Stripe(1), OutageKind::Withdraw);
        restore(&mut plain, 0, &OutageTarget::Stripe(1));
        assert_eq!(plain, same);
    }
}
