//! Health checks from the builder: a new Route 53 endpoint check on what a record
//! points to.

use super::adding::unique;
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
}
