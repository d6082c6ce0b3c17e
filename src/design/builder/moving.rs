//! Moving records: into another group (the drop of a drag, or the inspector's "move
//! to"), re-keyed for the group they join.

use super::adding::{routing_for, unique};
use super::{Policy, groups};
use crate::spec::scenario::Scenario;
use crate::spec::zone::*;

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

#[cfg(test)]
mod tests {
    use super::super::fixtures::latency_failover;
    use super::super::{Child, add};
    use super::*;
    use crate::route53::zone::Zone;

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
}
