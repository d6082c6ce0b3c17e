//! The latency → weighted field designs (2a–2d and 4): per-region weighted sets
//! under a latency layer, the variants differing in where the health checks and
//! Evaluate Target Health sit and in the record types.

use super::*;

/// The designs of the latency → weighted family (2a–2d and 4).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::design::presets) enum Weighted {
    /// 2a: Evaluate Target Health on the latency aliases; checks on the weighted records.
    Eth,
    /// 2b: as 2a, and the same checks on the latency records.
    Checks,
    /// 2c: CNAMEs with TTL 1 s instead of aliases, checks on both layers.
    Cname,
    /// 2d: 2c with the checks' regions cut to the minimum of three.
    FewCheckers,
    /// 4: the tree at the console's defaults, TTL 300 s and checks 30 s × 3; built of
    /// CNAMEs as in 2c, since only records that are not aliases carry a TTL.
    Defaults,
}

/// Field designs 2a–2d and 4: latency → per-region weighted sets → load balancers.
pub(in crate::design::presets) fn latency_weighted(kind: LbKind, variant: Weighted) -> Scenario {
    let (title, desc, watch): (&str, String, &[&str]) = match variant {
        Weighted::Eth => (
            "Latency → weighted",
            format!(
                "Latency records alias to per-region weighted sets, each sending everything to its region's load \
                 balancer. Route 53 checks the load balancers from the weighted records; Evaluate Target Health on \
                 the latency aliases climbs back to the latency layer when a region's set has nothing healthy. {}",
                setup(
                    "checks 10 s × 1 on the weighted records, ETH on the latency aliases, aliases only (every \
                       answer carries the load balancer's 60 s TTL)"
                )
            ),
            &[
                "The answer moves only after Route 53's checkers see the stopped server and the DNS servers hear it.",
                "Alias answers carry the load balancer's 60 s TTL: the resolver keeps the old answer until it runs out.",
                "Between the stop and the switch an ALB answers HTTP 502 itself; behind an NLB the connection is refused.",
            ],
        ),
        Weighted::Checks => (
            "Latency → weighted, checks on both layers",
            format!(
                "The latency → weighted tree with the same Route 53 checks attached to the latency records as \
                 well, so the latency layer needs its own check to pass besides its target's health. {}",
                setup("checks 10 s × 1 on the weighted and the latency records, ETH on the latency aliases")
            ),
            &[
                "Compare with latency-weighted: the same check moves both layers, so the latency record leaves at \
                 the same moment; two single runs differ only by where the checks' phase and push fell (run Trials \
                 on both: the spreads are the same).",
                "A check on an alias and Evaluate Target Health must both pass for the region to stay.",
            ],
        ),
        Weighted::Cname | Weighted::FewCheckers => (
            if variant == Weighted::Cname {
                "Latency → weighted with CNAMEs, TTL 1 s"
            } else {
                "Latency → weighted with CNAMEs, three checker regions"
            },
            format!(
                "CNAME records instead of aliases, so the TTL can be set to 1 s; the checks sit on both layers \
                 because a CNAME cannot evaluate its target. Each load balancer's own name still answers with 60 s, \
                 but a switch moves to a different name. {}",
                setup(if variant == Weighted::Cname {
                    "CNAMEs with TTL 1 s, checks 10 s × 1 on the weighted and latency records"
                } else {
                    "as the CNAME design, with each check's regions cut to the minimum of three (us-east-1, \
                     us-west-1 and us-west-2: the first three of the API's list, the report does not name them)"
                })
            ),
            if variant == Weighted::Cname {
                &[
                    "With a 1 s TTL the resolver asks Route 53 again every second: the switch waits for detection \
                     and the DNS servers.",
                    "Threshold 1 at 10 s: each checker flips at its first failed check.",
                ]
            } else {
                &[
                    "Fewer checker regions means fewer checkers, not faster ones: each still checks every 10 s.",
                    "The 18 % rule now counts over 6 checkers instead of 16.",
                ]
            },
        ),
        Weighted::Defaults => (
            "All defaults",
            "The latency → weighted tree at the console's defaults: TTL 300 s and checks 30 s × 3. A TTL can \
                 only be set on records that are not aliases, so the tree is built of CNAMEs, as in the CNAME \
                 design, with the checks on both layers (a CNAME cannot evaluate its target). From the report: the \
                 tree and where the checks sit. Defaults: TTL 300 s (the console's), checks 30 s × 3 (Route 53's), \
                 the load balancers' target checks of 2019."
                .to_string(),
            &[
                "No health-check-driven routing can act in under about 90 s: three failed checks 30 s apart.",
                "Then the 300 s TTL dominates: the resolver keeps the dead region's answer for up to five more minutes.",
            ],
        ),
    };
    let mut s = base(kind, title, &desc, watch);
    let checks = if variant == Weighted::Defaults { DEFAULT_CHECK } else { REPORT_CHECK };
    s.zone.health_checks = region_checks(kind, checks);
    if variant == Weighted::FewCheckers {
        for c in &mut s.zone.health_checks {
            if let HealthCheckKind::Endpoint { regions, .. } = &mut c.kind {
                *regions = CHECKER_REGIONS[..3].iter().map(|r| r.to_string()).collect();
            }
        }
    }
    for (region, short, _) in REGIONS {
        let set_name = format!("{short}.{SERVICE}");
        let hc = Some(check_id(short));
        let lb_name = s.zone.load_balancers.iter().find(|l| l.id == lb_id(kind, short)).map(|l| l.dns_name.clone());
        let weighted = Routing::Weighted { weight: 100 };
        match variant {
            Weighted::Eth | Weighted::Checks => {
                s.zone.records.push(alias(&set_name, Some(short), weighted, lb_alias(kind, short), false, hc.clone()));
                let latency_hc = (variant == Weighted::Checks).then(|| check_id(short));
                let to = AliasTarget::Record { name: set_name };
                s.zone.records.push(alias(SERVICE, Some(region), latency(region), to, true, latency_hc));
            }
            Weighted::Cname | Weighted::FewCheckers | Weighted::Defaults => {
                let ttl = if variant == Weighted::Defaults { DEFAULT_TTL_S } else { REPORT_TTL_S };
                let lb_name = lb_name.unwrap_or_default();
                s.zone.records.push(cname(&set_name, short, weighted, ttl, lb_name, hc.clone()));
                s.zone.records.push(cname(SERVICE, region, latency(region), ttl, set_name, hc));
            }
        }
    }
    s.guide = field_guide(&s, kind, Outcome::Moves);
    s
}
