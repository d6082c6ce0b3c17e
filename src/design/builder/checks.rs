//! Checking a design as it is built: a new Route 53 endpoint check on what a record
//! points to, the design's problems (for one record, or all of them) and its
//! pitfalls once it is valid.

use super::adding::unique;
use crate::route53::lint::{Pitfall, lint};
use crate::route53::zone::Zone;
use crate::spec::scenario::Scenario;
use crate::spec::zone::*;

/// Creates a Route 53 endpoint health check (HTTP, 30 s × 3, all checker regions)
/// on what record `i` points to — its load balancer or host — and attaches it.
/// Returns the check's id.
pub fn add_check(s: &mut Scenario, i: usize) -> Result<String, String> {
    let r = s.zone.records.get(i).ok_or("no such record")?;
    let (target, base) = match &r.value {
        RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, .. } => {
            (CheckTarget::LoadBalancer(id.clone()), format!("hc-{id}"))
        }
        RecordValue::Values(v) if v.len() == 1 && v[0].starts_with("host:") => {
            let h = v[0].trim_start_matches("host:").to_string();
            (CheckTarget::Host(h.clone()), format!("hc-{h}"))
        }
        _ => return Err("a new health check needs a load balancer or a host to probe: pick an endpoint".into()),
    };
    let id = unique(|c| s.zone.health_checks.iter().any(|h| h.id == c), &base);
    s.zone.health_checks.push(HealthCheckSpec {
        id: id.clone(),
        kind: HealthCheckKind::Endpoint {
            target,
            protocol: CheckProtocol::Http,
            interval_s: 30,
            failure_threshold: 3,
            regions: all_checker_regions(),
            search_string: None,
        },
        inverted: false,
        disabled: false,
    });
    s.zone.records[i].health_check = Some(id.clone());
    Ok(id)
}

/// Can [`add_check`] put a health check on record `r`? (It points to a load
/// balancer or to a single host.)
pub fn can_add_check(r: &RecordSpec) -> bool {
    match &r.value {
        RecordValue::Alias { target: AliasTarget::LoadBalancer { .. }, .. } => true,
        RecordValue::Values(v) => v.len() == 1 && v[0].starts_with("host:"),
        _ => false,
    }
}

/// The design's pitfalls once it validates, or every problem that keeps it from
/// running (each with its path).
pub fn pitfalls(zone: &ZoneSpec) -> Result<Vec<Pitfall>, Vec<String>> {
    match Zone::new(zone) {
        Ok(z) => Ok(lint(&z)),
        Err(p) => Err(p.0.iter().map(|p| p.to_string()).collect()),
    }
}

/// The validation problems of record `i` alone (the inspector shows them inline).
pub fn record_problems(zone: &ZoneSpec, i: usize) -> Vec<String> {
    let prefix = format!("records[{i}]");
    match Zone::new(zone) {
        Ok(_) => Vec::new(),
        Err(p) => p.0.iter().filter(|p| p.path.starts_with(&prefix)).map(|p| p.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::latency_failover;
    use super::super::{Policy, policy_from_name, short};
    use super::*;
    use crate::route53::zone::Zone;

    #[test]
    fn a_new_health_check_probes_the_endpoint() {
        let mut s = latency_failover();
        let i = s
            .zone
            .records
            .iter()
            .position(|r| matches!(r.value, RecordValue::Alias { target: AliasTarget::LoadBalancer { .. }, .. }))
            .unwrap();
        let id = add_check(&mut s, i).unwrap();
        assert_eq!(s.zone.records[i].health_check.as_deref(), Some(id.as_str()));
        assert!(Zone::new(&s.zone).is_ok());
        let top = s.zone.records.iter().position(|r| r.name == s.service).unwrap();
        assert!(add_check(&mut s, top).is_err());
        assert_eq!(short("ap-southeast-1"), "aps1");
        assert_eq!(policy_from_name("failover2.sso.example.com"), Some(Policy::Failover));
    }

    #[test]
    fn problems_are_told_per_record_and_pitfalls_once_valid() {
        let mut s = crate::design::presets::preset("latency-weighted-alb").unwrap();
        assert_eq!(pitfalls(&s.zone), Ok(Vec::new()));
        assert!(record_problems(&s.zone, 0).is_empty());
        s.zone.records[1].routing = Routing::Weighted { weight: 300 };
        let all = pitfalls(&s.zone).unwrap_err();
        assert!(all.iter().any(|p| p.contains("records[1]")), "{all:?}");
        assert!(record_problems(&s.zone, 0).is_empty(), "another record's problem is not this one's");
        assert!(record_problems(&s.zone, 1).iter().any(|p| p.contains("0 to 255")), "{all:?}");
        let lb = s
            .zone
            .records
            .iter()
            .find(|r| matches!(r.value, RecordValue::Alias { target: AliasTarget::LoadBalancer { .. }, .. }));
        assert!(can_add_check(lb.unwrap()));
        let alias = s
            .zone
            .records
            .iter()
            .find(|r| matches!(r.value, RecordValue::Alias { target: AliasTarget::Record { .. }, .. }));
        assert!(!can_add_check(alias.unwrap()));
        let warned = crate::design::presets::preset("latency-layer-pitfall-alb").unwrap();
        assert!(pitfalls(&warned.zone).unwrap().iter().any(|p| p.message.contains("skips its whole branch")));
    }
}
