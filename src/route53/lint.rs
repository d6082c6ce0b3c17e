//! Pitfall warnings for a routing tree: designs that validate but will not behave as
//! their author probably expects, each with the reason in numbers.

use crate::route53::zone::{Policy, Target, Zone};
use crate::spec::zone::{GeoLocationSpec, HealthCheckKind};

/// One warning, naming the record (or group) it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pitfall {
    /// Record index, if about one record.
    pub record: Option<usize>,
    /// What and why.
    pub message: String,
}

/// Rough time for an endpoint check to call a black-holed endpoint unhealthy, s
/// (`docs/model.md`, health checks: about the slowest checker's `threshold` cycles of
/// interval + 4 s timeout).
fn detection_s(interval_s: u32, threshold: u32) -> u32 {
    threshold * (interval_s + 4)
}

/// Every pitfall in `zone`.
pub fn lint(zone: &Zone) -> Vec<Pitfall> {
    let mut out = Vec::new();
    for g in &zone.groups {
        let first = &zone.records[g.members[0]];
        match &first.policy {
            Policy::Geolocation { .. } => {
                let has_default = g.members.iter().any(|&m| {
                    matches!(&zone.records[m].policy, Policy::Geolocation { location: GeoLocationSpec::Default })
                });
                if !has_default {
                    out.push(Pitfall {
                        record: Some(g.members[0]),
                        message: format!(
                            "'{}' has no default location: clients matching no record get no answer (NOERROR, cached {} s)",
                            g.name, zone.negative_ttl_s
                        ),
                    });
                }
            }
            Policy::Weighted { .. } => {
                let all_zero =
                    g.members.iter().all(|&m| matches!(zone.records[m].policy, Policy::Weighted { weight: 0 }));
                if all_zero && g.members.len() > 1 {
                    out.push(Pitfall {
                        record: Some(g.members[0]),
                        message: format!("every weight in '{}' is 0: Route 53 answers them all equally often", g.name),
                    });
                }
            }
            _ => {}
        }
    }
    for (i, r) in zone.records.iter().enumerate() {
        if matches!(r.policy, Policy::Simple) && r.check.is_some() {
            out.push(Pitfall {
                record: Some(i),
                message: format!("{}: a simple record is never health checked; its check has no effect", r.label()),
            });
        }
        if let Target::AliasMissing(name) = &r.target {
            out.push(Pitfall {
                record: Some(i),
                message: format!(
                    "{}: aliases '{name}', which has no records: when Route 53 picks this record the name stops resolving (an empty answer, cached up to the zone's negative TTL, {} s)",
                    r.label(),
                    zone.negative_ttl_s
                ),
            });
        }
        if let (Policy::Latency { .. } | Policy::Geolocation { .. }, Some(_), Target::AliasGroup(t)) =
            (&r.policy, r.check, &r.target)
        {
            let child = &zone.records[zone.groups[*t].members[0]].policy;
            if matches!(child, Policy::Failover { .. }) {
                out.push(Pitfall {
                    record: Some(i),
                    message: format!(
                        "{}: a health check on this {} alias skips its whole branch when it fails, so the failover pairs below it never act",
                        r.label(),
                        r.policy.name()
                    ),
                });
            }
        }
        if matches!(r.policy, Policy::Latency { .. } | Policy::Failover { .. } | Policy::Geolocation { .. })
            && r.is_alias()
            && !r.eth
            && r.check.is_none()
        {
            out.push(Pitfall {
                record: Some(i),
                message: format!(
                    "{}: neither a health check nor Evaluate Target Health: Route 53 always counts it healthy and never backs out of it",
                    r.label()
                ),
            });
        }
        if let (Some(ttl), Some(c)) = (r.ttl_s, r.check)
            && let HealthCheckKind::Endpoint { interval_s, failure_threshold, .. } = zone.health_checks[c].spec.kind
        {
            let d = detection_s(interval_s, failure_threshold);
            if ttl > d {
                out.push(Pitfall {
                    record: Some(i),
                    message: format!(
                        "{}: TTL {ttl} s is longer than the ~{d} s its health check needs to detect a failure; resolvers keep the old answer up to {ttl} s more",
                        r.label()
                    ),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::presets;
    use crate::spec::zone::Routing;

    fn lint_preset(name: &str) -> Vec<String> {
        let s = presets::preset(name).unwrap();
        lint(&Zone::new(&s.zone).unwrap()).into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn the_pitfall_preset_is_flagged_and_the_clean_ones_are_not() {
        // Design 1a: the branch-skipping check on the AMERS latency alias, the two
        // latency records pointing at trees never built, and the secondaries that
        // carry neither a check nor target evaluation.
        let p = lint_preset("latency-layer-pitfall-alb");
        assert_eq!(p.len(), 5, "{p:#?}");
        assert_eq!(p.iter().filter(|m| m.contains("skips its whole branch")).count(), 1, "{p:#?}");
        assert_eq!(p.iter().filter(|m| m.contains("which has no records")).count(), 2, "{p:#?}");
        assert_eq!(p.iter().filter(|m| m.contains("never backs out")).count(), 2, "{p:#?}");
        // The report's latency → nested failover puts nothing on the latency layer or on
        // the alias to the second pair: those records can never be backed out of.
        let p = lint_preset("latency-failover-alb");
        assert_eq!(p.len(), 6, "{p:#?}");
        assert!(p.iter().all(|m| m.contains("never backs out")), "{p:#?}");
        assert!(p.iter().any(|m| m.starts_with("sso.example.com A [us-east-1]")), "{p:#?}");
        assert!(lint_preset("latency-weighted-nlb").is_empty());
    }

    #[test]
    fn long_ttls_over_checked_records_are_flagged_with_numbers() {
        // TTL 300 s on both checked layers of the CNAME tree.
        let p = lint_preset("all-defaults-alb");
        assert_eq!(p.len(), 6, "{p:#?}");
        assert!(p[0].contains("TTL 300 s is longer than the ~102 s"), "{p:#?}");
    }

    #[test]
    fn geolocation_without_default_and_all_zero_weights() {
        let mut s = presets::preset("geo-failover-alb").unwrap();
        s.zone.records.retain(|r| !matches!(&r.routing, Routing::Geolocation { location: GeoLocationSpec::Default }));
        let p: Vec<String> = lint(&Zone::new(&s.zone).unwrap()).into_iter().map(|p| p.message).collect();
        assert!(p.iter().any(|m| m.contains("has no default location")), "{p:#?}");
        let mut s = presets::preset("latency-weighted-alb").unwrap();
        for r in &mut s.zone.records {
            if let Routing::Weighted { weight } = &mut r.routing {
                *weight = 0;
            }
        }
        s.zone.records.push(s.zone.records[0].clone());
        s.zone.records.last_mut().unwrap().set_id = Some("other".into());
        let p: Vec<String> = lint(&Zone::new(&s.zone).unwrap()).into_iter().map(|p| p.message).collect();
        assert!(p.iter().any(|m| m.contains("every weight in 'use1.sso.example.com' is 0")), "{p:#?}");
    }
}
