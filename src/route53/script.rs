//! Whether a scenario's fault script fits its zone: [`check_action`] says whether an
//! action names things the zone has (hosts, regions, load balancers, checks,
//! weighted records); [`record_changes`] applies an action's record changes (a
//! weight, a change batch) to the zone as Route 53's control plane holds it and
//! validates the result; [`check_faults`] checks a whole script, the record changes
//! one after another in time order. The simulator refuses a script with a problem,
//! and importers use the same check so they never yield one.

use crate::route53::zone::{Policy, RecordIdx, Zone};
use crate::spec::changes::apply_changes;
use crate::spec::problems::Problems;
use crate::spec::scenario::{FaultAction, FaultSpec};
use crate::spec::zone::{CHECKER_REGIONS, HealthCheckKind, Routing, ZoneSpec};

/// Every problem of a fault script over `zone` (validated) and `spec` (as written):
/// each action names what exists, and record changes, applied one after another in
/// time order to the zone the control plane holds, each leave a valid zone.
pub fn check_faults(zone: &Zone, spec: &ZoneSpec, faults: &[FaultSpec], problems: &mut Problems) {
    for (i, f) in faults.iter().enumerate() {
        if let Err(e) = check_action(zone, &f.action) {
            problems.push(format!("faults[{i}].action"), e);
        }
    }
    let mut control = spec.clone();
    let mut in_time_order: Vec<(usize, &FaultSpec)> = faults.iter().enumerate().collect();
    in_time_order.sort_by_key(|(_, f)| f.at_ms);
    for (i, f) in in_time_order {
        match record_changes(&control, &f.action) {
            Some(Ok((next, _))) => control = next,
            Some(Err(why)) => problems.push(format!("faults[{i}].action"), why),
            None => {}
        }
    }
}

/// `control` with `action`'s record changes applied, validated: the zone that goes
/// live, or why Route 53 would refuse the change. `None` for an action that changes
/// no record.
pub fn record_changes(control: &ZoneSpec, action: &FaultAction) -> Option<Result<(ZoneSpec, Zone), String>> {
    let spec = match action {
        FaultAction::SetWeight { name, set_id, weight } => {
            let mut spec = control.clone();
            for r in &mut spec.records {
                if r.name == *name
                    && r.set_id.as_deref() == Some(set_id.as_str())
                    && let Routing::Weighted { weight: w } = &mut r.routing
                {
                    *w = (*weight).min(255);
                }
            }
            Ok(spec)
        }
        FaultAction::ApplyChanges { changes } => apply_changes(control, changes).map_err(|p| p.join("; ")),
        _ => return None,
    };
    Some(spec.and_then(|spec| match Zone::new(&spec) {
        Ok(zone) => Ok((spec, zone)),
        Err(p) => Err(format!("the zone after these changes is not valid: {}", p.join("; "))),
    }))
}

/// Whether `a` names things the zone has (hosts, regions, LBs, checks, records).
pub fn check_action(zone: &Zone, a: &FaultAction) -> Result<(), String> {
    let region_ok = |r: &str| zone.hosts.iter().any(|h| h.region == r);
    match a {
        FaultAction::StopRegion { region }
        | FaultAction::StartRegion { region }
        | FaultAction::BlackHoleRegion { region } => {
            region_ok(region).then_some(()).ok_or_else(|| format!("no hosts in region '{region}'"))
        }
        FaultAction::StopAz { az } | FaultAction::StartAz { az } => {
            zone.hosts.iter().any(|h| h.spec.az == *az).then_some(()).ok_or_else(|| format!("no hosts in '{az}'"))
        }
        FaultAction::StopHost { host }
        | FaultAction::StartHost { host }
        | FaultAction::BlackHoleHost { host }
        | FaultAction::SlowHost { host, .. } => {
            zone.host_by_id(host).map(|_| ()).ok_or_else(|| format!("no host '{host}'"))
        }
        FaultAction::LbDown { lb } | FaultAction::LbUp { lb } => {
            zone.lb_by_id(lb).map(|_| ()).ok_or_else(|| format!("no load balancer '{lb}'"))
        }
        FaultAction::PartitionCheckers { region } | FaultAction::HealCheckers { region } => CHECKER_REGIONS
            .contains(&region.as_str())
            .then_some(())
            .ok_or_else(|| format!("'{region}' is not a checker region")),
        FaultAction::SetWeight { name, set_id, weight } => {
            if *weight > 255 {
                return Err(format!("{weight}: weights are 0 to 255"));
            }
            weighted_records(zone, name, set_id)
                .next()
                .map(|_| ())
                .ok_or_else(|| format!("no weighted record {name} [{set_id}]"))
        }
        FaultAction::SetInverted { check, .. } => {
            zone.check_by_id(check).map(|_| ()).ok_or_else(|| format!("no health check '{check}'"))
        }
        FaultAction::SetManual { check, .. } => match zone.check_by_id(check) {
            Some(c) if matches!(zone.health_checks[c].spec.kind, HealthCheckKind::Manual { .. }) => Ok(()),
            Some(_) => Err(format!("'{check}' is not a manual check")),
            None => Err(format!("no health check '{check}'")),
        },
        FaultAction::RestoreAll => Ok(()),
        // Checked against the zone the control plane holds when it applies them.
        FaultAction::ApplyChanges { .. } => Ok(()),
    }
}

/// The weighted records named `name` with set id `set_id`.
fn weighted_records<'a>(zone: &'a Zone, name: &'a str, set_id: &'a str) -> impl Iterator<Item = RecordIdx> + 'a {
    (0..zone.records.len()).filter(move |&r| {
        let rec = &zone.records[r];
        rec.name == name && rec.set_id.as_deref() == Some(set_id) && matches!(rec.policy, Policy::Weighted { .. })
    })
}
