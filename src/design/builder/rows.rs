//! The routing tree as the page draws it: one row per rule and per record, in
//! depth-first order, read from the spec so that an incomplete design still draws.

use super::policy_from_name;
use crate::spec::zone::*;

/// What a row of the routing tree stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// A rule: the group of records sharing a name, with its policy.
    Rule {
        /// The group's name.
        group: String,
    },
    /// A record pointing to another rule (an alias or a CNAME within the zone).
    Branch,
    /// A record answering with an endpoint: `ALB`, `NLB`, `host`, `IP` or `CNAME`
    /// (a name outside the zone).
    Leaf(&'static str),
}

/// One row of the routing tree as the page draws it, left to right (depth is the
/// column), in depth-first order.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeRow {
    /// Nesting depth.
    pub depth: usize,
    /// The record's index in the spec, for record rows.
    pub record: Option<usize>,
    /// What the row stands for.
    pub kind: RowKind,
    /// Main text.
    pub text: String,
    /// Policy and its key, e.g. `latency us-east-1` or `weight 100`.
    pub policy: String,
    /// TTL shown at a glance (`TTL: target's`, `TTL 60 s`).
    pub ttl: String,
    /// Health check id, if any.
    pub check: Option<String>,
    /// Evaluate Target Health on.
    pub eth: bool,
}

/// The routing tree under `service`, read from the spec so that it can be drawn
/// while the design is still incomplete: a rule without records yet shows as an empty
/// rule, an alias to a missing name as a branch to nothing; cycles stop at the repeat.
pub fn tree(zone: &ZoneSpec, service: &str) -> Vec<TreeRow> {
    fn key(r: &Routing) -> String {
        match r {
            Routing::Simple => "simple".to_string(),
            Routing::Weighted { weight } => format!("weight {weight}"),
            Routing::Latency { region } => format!("latency {region}"),
            Routing::Failover { role } => format!("{role:?}").to_ascii_lowercase(),
            Routing::Geolocation { location } => match location {
                GeoLocationSpec::Default => "default location".to_string(),
                GeoLocationSpec::Continent(c) => format!("continent {c}"),
                GeoLocationSpec::Country(c) => format!("country {c}"),
                GeoLocationSpec::Subdivision { country, code } => format!("{country}-{code}"),
            },
            Routing::Geoproximity { bias, .. } => format!("geoproximity bias {bias}"),
            Routing::Multivalue => "multivalue".to_string(),
            Routing::IpBased { location, .. } => format!("CIDR {location}"),
        }
    }
    fn walk(zone: &ZoneSpec, name: &str, depth: usize, out: &mut Vec<TreeRow>, seen: &mut Vec<String>) {
        let members: Vec<usize> = (0..zone.records.len())
            .filter(|&i| zone.records[i].name == name && zone.records[i].rtype != RecordType::AAAA)
            .collect();
        let cycle = seen.iter().any(|n| n == name);
        let policy = members
            .first()
            .map(|&i| zone.records[i].routing.name().to_string())
            .or_else(|| policy_from_name(name).map(|p| p.name().to_string()))
            .unwrap_or_default();
        let text = if cycle {
            format!("{name} (alias loop: already above)")
        } else if members.is_empty() {
            format!("{name} (no records yet)")
        } else {
            let t = zone.records[members[0]].rtype.as_str();
            format!("{name} {t}")
        };
        out.push(TreeRow {
            depth,
            record: None,
            kind: RowKind::Rule { group: name.to_string() },
            text,
            policy,
            ttl: String::new(),
            check: None,
            eth: false,
        });
        if cycle || depth > 24 {
            return;
        }
        seen.push(name.to_string());
        for i in members {
            let r = &zone.records[i];
            let (kind, text, ttl, next) = match &r.value {
                RecordValue::Alias { target: AliasTarget::Record { name }, .. } => {
                    (RowKind::Branch, format!("alias → {name}"), "TTL: target's".to_string(), Some(name.clone()))
                }
                RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, .. } => {
                    match zone.load_balancers.iter().find(|l| &l.id == id) {
                        Some(lb) => {
                            let k = match lb.kind {
                                LbKind::Alb => "ALB",
                                LbKind::Nlb => "NLB",
                            };
                            (RowKind::Leaf(k), format!("{k} {id} ({})", lb.region), "TTL 60 s (LB)".into(), None)
                        }
                        None => (RowKind::Leaf("ALB"), format!("load balancer {id} (missing)"), String::new(), None),
                    }
                }
                RecordValue::Values(vs) => {
                    let ttl = r.ttl_s.map_or(String::new(), |t| format!("TTL {t} s"));
                    let inner =
                        vs.iter().find(|v| r.rtype == RecordType::CNAME && zone.records.iter().any(|x| &x.name == *v));
                    match inner {
                        Some(n) => (RowKind::Branch, format!("CNAME → {n}"), ttl, Some(n.clone())),
                        None => {
                            let kind = if r.rtype == RecordType::CNAME {
                                "CNAME"
                            } else if vs.iter().all(|v| v.starts_with("host:")) {
                                "host"
                            } else {
                                "IP"
                            };
                            let text = vs
                                .iter()
                                .map(|v| v.strip_prefix("host:").map_or(v.clone(), |h| format!("host {h}")))
                                .collect::<Vec<_>>()
                                .join(", ");
                            let text = if kind == "CNAME" { format!("CNAME → {text}") } else { text };
                            (RowKind::Leaf(kind), text, ttl, None)
                        }
                    }
                }
            };
            out.push(TreeRow {
                depth: depth + 1,
                record: Some(i),
                kind,
                text: format!("[{}] {text}", r.set_id.as_deref().unwrap_or("-")),
                policy: key(&r.routing),
                ttl,
                check: r.health_check.clone(),
                eth: matches!(r.value, RecordValue::Alias { evaluate_target_health: true, .. }),
            });
            if let Some(n) = next {
                walk(zone, &n, depth + 2, out, seen);
            }
        }
        seen.pop();
    }
    let mut out = Vec::new();
    walk(zone, service, 0, &mut out, &mut Vec::new());
    out
}

/// The index of each row's parent in the drawn tree: the nearest row above it with
/// a smaller depth (the connectors are drawn from it).
pub fn parents(rows: &[TreeRow]) -> Vec<Option<usize>> {
    (0..rows.len()).map(|i| (0..i).rev().find(|&j| rows[j].depth < rows[i].depth)).collect()
}

/// The connector lines a row of the drawn tree carries, each at the column of a
/// parent's depth (the page puts column `d` a little right of depth `d`'s indent).
/// Drawn row by row, so rows may be any height: a connector from a parent to its
/// child is the child's elbow plus a full-height line through every row between them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Guides {
    /// Columns of the connectors that pass this row on their way to a later row, in
    /// increasing order.
    pub through: Vec<usize>,
    /// The column of this row's own connector, from its parent: down from the top of
    /// the row to its first line, then across to the row.
    pub elbow: Option<usize>,
}

/// Each row's [`Guides`].
pub fn guides(rows: &[TreeRow]) -> Vec<Guides> {
    let mut out = vec![Guides::default(); rows.len()];
    for (i, p) in parents(rows).into_iter().enumerate() {
        let Some(p) = p else { continue };
        let column = rows[p].depth;
        out[i].elbow = Some(column);
        for g in &mut out[p + 1..i] {
            if !g.through.contains(&column) {
                g.through.push(column);
            }
        }
    }
    for g in &mut out {
        g.through.sort_unstable();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Child, Policy, add};
    use super::*;
    use crate::route53::zone::Zone;

    #[test]
    fn the_tree_walks_aliases_down_to_the_load_balancers() {
        let s = crate::design::presets::preset("latency-failover-alb").unwrap();
        let rows = tree(&s.zone, &s.service);
        assert_eq!(rows[0].text, "sso.example.com A");
        assert_eq!(rows[0].policy, "latency");
        assert!(
            rows.iter().any(|r| r.depth == 3 && r.policy == "primary" && r.text.contains("ALB alb-use1")),
            "{rows:#?}"
        );
        assert!(rows.iter().any(|r| r.depth >= 5 && r.text.contains("alb-apse1")));
        assert_eq!(rows.iter().filter(|r| r.record.is_some()).count(), 15, "3 latency + 12 failover records");
        let p = parents(&rows);
        assert_eq!(p[0], None);
        for (i, parent) in p.iter().enumerate().skip(1) {
            let parent = parent.expect("every row but the first has a parent");
            assert!(rows[parent].depth < rows[i].depth);
            // A record's parent is its rule; a nested rule's parent is the record aliasing it.
            match rows[i].kind {
                RowKind::Rule { .. } => assert_eq!(rows[parent].kind, RowKind::Branch),
                _ => assert!(matches!(rows[parent].kind, RowKind::Rule { .. })),
            }
        }
    }

    /// A connector runs from its parent down to its row: the rows between carry it
    /// through, the row itself carries its elbow, and nothing else carries it.
    #[test]
    fn each_connector_is_drawn_by_the_rows_it_passes() {
        let row = |depth| TreeRow {
            depth,
            record: None,
            kind: RowKind::Branch,
            text: String::new(),
            policy: String::new(),
            ttl: String::new(),
            check: None,
            eth: false,
        };
        // 0
        // ├ 1
        // │ ├ 2
        // │ └ 2
        // └ 1
        //   └ 2
        let rows: Vec<TreeRow> = [0, 1, 2, 2, 1, 2].into_iter().map(row).collect();
        let g = guides(&rows);
        let through: Vec<Vec<usize>> = g.iter().map(|g| g.through.clone()).collect();
        let elbows: Vec<Option<usize>> = g.iter().map(|g| g.elbow).collect();
        assert_eq!(elbows, [None, Some(0), Some(1), Some(1), Some(0), Some(1)]);
        assert_eq!(through, [vec![], vec![0], vec![0, 1], vec![0], vec![], vec![]]);
        // A real tree: every row but the first has an elbow from its parent's depth.
        let s = crate::design::presets::preset("latency-failover-alb").unwrap();
        let rows = tree(&s.zone, &s.service);
        for ((g, p), r) in guides(&rows).iter().zip(parents(&rows)).zip(&rows) {
            assert_eq!(g.elbow, p.map(|p| rows[p].depth));
            assert!(g.through.iter().all(|&c| c < r.depth), "lines pass to the left of the row");
        }
    }

    #[test]
    fn an_incomplete_design_still_draws() {
        let mut s = crate::design::presets::empty();
        assert_eq!(tree(&s.zone, &s.service)[0].text, "sso.example.com (no records yet)");
        let svc = s.service.clone();
        add(&mut s, &svc, Policy::Latency, &Child::Rule(Policy::Failover)).unwrap();
        // The nested rule has no records yet: the design runs, and the lint says the
        // name stops resolving when Route 53 picks the alias to it.
        let zone = Zone::new(&s.zone).expect("an unfinished rule still validates");
        assert!(crate::route53::lint::lint(&zone).iter().any(|p| p.message.contains("which has no records")));
        let rows = tree(&s.zone, &s.service);
        assert_eq!(rows.len(), 3, "{rows:#?}");
        assert_eq!(rows[1].kind, RowKind::Branch);
        assert_eq!(rows[2].text, "failover1.sso.example.com (no records yet)");
        assert_eq!(rows[2].policy, "failover");
        // A loop is drawn once, marked.
        s.zone.records.push(RecordSpec {
            name: "failover1.sso.example.com".into(),
            rtype: RecordType::A,
            set_id: Some("primary".into()),
            routing: Routing::Failover { role: FailoverRole::Primary },
            ttl_s: None,
            value: RecordValue::Alias {
                target: AliasTarget::Record { name: svc.clone() },
                evaluate_target_health: true,
            },
            health_check: None,
        });
        let rows = tree(&s.zone, &s.service);
        assert!(rows.last().unwrap().text.contains("alias loop"), "{rows:#?}");
    }
}
