//! Moving records: into another group (the drop of a drag, or the inspector's "move
//! to"), re-keyed for the group they join; onto another record (taking its place);
//! up or down among the records of their group; copies and deletions.

use super::adding::{routing_for, unique};
use super::rows::{RowKind, TreeRow};
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

/// Drops record `from` on a row of the tree: on a rule, it moves into that rule's
/// group; on a record, into that record's group, taking its place. Returns the
/// record's new index, or `None` when the row is neither (nothing to do).
pub fn drop_on(s: &mut Scenario, from: usize, onto: &TreeRow) -> Option<Result<usize, String>> {
    let group = match &onto.kind {
        RowKind::Rule { group } => group.clone(),
        _ => s.zone.records.get(onto.record?)?.name.clone(),
    };
    let stays = s.zone.records.get(from).is_some_and(|r| r.name == group);
    let mut at = match move_to(s, from, &group) {
        Ok(at) => at,
        Err(e) => return Some(Err(e)),
    };
    // Where the record dropped on is now: unmoved within a group; otherwise past the
    // gap `from` left and the record inserted at `at`.
    let target = onto.record.filter(|&j| j != from).map(|j| {
        if stays {
            j
        } else {
            let j = if j > from { j - 1 } else { j };
            if j >= at { j + 1 } else { j }
        }
    });
    if let Some(j) = target
        && s.zone.records.get(j).is_some_and(|r| r.name == group)
    {
        let r = s.zone.records.remove(at);
        let j = if j > at { j - 1 } else { j };
        s.zone.records.insert(j, r);
        at = j;
    }
    Some(Ok(at))
}

/// Moves record `i` up (`dir < 0`) or down among the records of its name and type,
/// swapping it with its neighbour there. Returns its new index, or `None` (and the
/// spec is unchanged) at either end.
pub fn move_within(s: &mut Scenario, i: usize, dir: i32) -> Option<usize> {
    let r = s.zone.records.get(i)?;
    let same: Vec<usize> = s
        .zone
        .records
        .iter()
        .enumerate()
        .filter(|(_, x)| x.name == r.name && x.rtype == r.rtype)
        .map(|(j, _)| j)
        .collect();
    let pos = same.iter().position(|&j| j == i)?;
    let target = if dir < 0 { pos.checked_sub(1)? } else { (pos + 1 < same.len()).then_some(pos + 1)? };
    let j = same[target];
    s.zone.records.swap(i, j);
    Some(j)
}

/// Adds a copy of record `i` right after it, its set id marked `-copy`. Returns the
/// copy's index.
pub fn duplicate(s: &mut Scenario, i: usize) -> Option<usize> {
    let mut r = s.zone.records.get(i).cloned()?;
    r.set_id = Some(format!("{}-copy", r.set_id.unwrap_or_else(|| "record".into())));
    s.zone.records.insert(i + 1, r);
    Some(i + 1)
}

/// Deletes record `i`, if there is one.
pub fn remove(s: &mut Scenario, i: usize) {
    if i < s.zone.records.len() {
        s.zone.records.remove(i);
    }
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

    #[test]
    fn a_record_dropped_on_a_rule_joins_it_and_on_a_record_of_its_group_takes_its_place() {
        let mut w = crate::design::presets::empty();
        let svc = w.service.clone();
        add(&mut w, &svc, Policy::Weighted, &Child::LoadBalancer(LbKind::Alb, "us-east-1".into())).unwrap();
        add(&mut w, &svc, Policy::Weighted, &Child::Rule(Policy::Latency)).unwrap();
        let lat = groups(&w.zone, &svc).into_iter().find(|g| g.policy == Some(Policy::Latency)).unwrap().name;
        add(&mut w, &lat, Policy::Latency, &Child::Host("eu-west-1".into())).unwrap();
        add(&mut w, &lat, Policy::Latency, &Child::Host("ap-southeast-1".into())).unwrap();
        let row = |w: &Scenario, text: &str| {
            crate::design::builder::tree(&w.zone, &svc).into_iter().find(|r| r.text.contains(text)).unwrap()
        };
        // Onto the latency rule: the ALB joins its group at the end, re-keyed.
        let rule = row(&w, "latency1.sso.example.com A");
        let at = drop_on(&mut w, 0, &rule).unwrap().unwrap();
        assert_eq!((at, &w.zone.records[at].name), (w.zone.records.len() - 1, &lat));
        assert_eq!(w.zone.records[at].routing, Routing::Latency { region: "us-east-1".into() });
        assert!(Zone::new(&w.zone).is_ok());
        // Onto the first record of its own group: it takes that record's place.
        let euw1 = row(&w, "host host-euw1");
        let at = drop_on(&mut w, at, &euw1).unwrap().unwrap();
        let first = euw1.record.unwrap();
        assert_eq!(at, first);
        let order: Vec<_> =
            w.zone.records.iter().filter(|r| r.name == lat).map(|r| r.set_id.clone().unwrap()).collect();
        assert_eq!(order, ["alb-use1", "host-euw1", "host-aps1"]);
        // Onto a record of another group, from above it: it lands right before that
        // record.
        let mut z = crate::design::presets::empty();
        add(&mut z, &svc, Policy::Weighted, &Child::LoadBalancer(LbKind::Nlb, "eu-west-1".into())).unwrap();
        add(&mut z, &svc, Policy::Weighted, &Child::Rule(Policy::Latency)).unwrap();
        add(&mut z, &lat, Policy::Latency, &Child::Host("us-east-1".into())).unwrap();
        add(&mut z, &lat, Policy::Latency, &Child::Host("ap-southeast-1".into())).unwrap();
        let onto = row(&z, "host host-use1");
        let at = drop_on(&mut z, 0, &onto).unwrap().unwrap();
        let order: Vec<_> =
            z.zone.records.iter().filter(|r| r.name == lat).map(|r| r.set_id.clone().unwrap()).collect();
        assert_eq!(order, ["nlb-euw1", "host-use1", "host-aps1"]);
        assert_eq!(z.zone.records[at].set_id.as_deref(), Some("nlb-euw1"));
        assert!(Zone::new(&z.zone).is_ok());
        // A loop is refused and the spec left alone; a row that is neither a rule nor
        // a record does nothing.
        let before = w.clone();
        let alias = row(&w, "alias → latency1").record.unwrap();
        let rule = row(&w, "latency1.sso.example.com A");
        assert!(drop_on(&mut w, alias, &rule).unwrap().is_err());
        assert_eq!(w, before);
        let nowhere = TreeRow { record: None, kind: RowKind::Branch, ..row(&w, "alias → latency1") };
        assert_eq!(drop_on(&mut w, 0, &nowhere), None);
    }

    #[test]
    fn records_move_within_their_group_and_copies_and_deletions_keep_order() {
        let mut s = crate::design::presets::preset("latency-weighted-alb").unwrap();
        let name = s.service.clone();
        let group: Vec<usize> = (0..s.zone.records.len()).filter(|&j| s.zone.records[j].name == name).collect();
        assert!(group.len() >= 2);
        let (first, second) = (s.zone.records[group[0]].clone(), s.zone.records[group[1]].clone());
        assert_eq!(move_within(&mut s, group[0], -1), None, "the first cannot move up");
        assert_eq!(move_within(&mut s, group[0], 1), Some(group[1]));
        assert_eq!((&s.zone.records[group[0]], &s.zone.records[group[1]]), (&second, &first));
        let last = *group.last().unwrap();
        let before = s.clone();
        assert_eq!(move_within(&mut s, last, 1), None, "the last cannot move down");
        assert_eq!(s, before);
        let n = s.zone.records.len();
        assert_eq!(duplicate(&mut s, 0), Some(1));
        assert_eq!(s.zone.records[1].set_id, Some(format!("{}-copy", s.zone.records[0].set_id.clone().unwrap())));
        assert_eq!(duplicate(&mut s, n + 5), None);
        remove(&mut s, 1);
        remove(&mut s, n + 5);
        assert_eq!(s, before);
    }
}
