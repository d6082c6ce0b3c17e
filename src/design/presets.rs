//! Built-in scenarios: the regional-failover field designs (in `field`, each set
//! up exactly as the field report ran it), the deployment designs, the challenges
//! (in `challenges`, each a design that fails its goals as shipped, named
//! `challenge-…`), and an empty design to build from. Settings come from the report and from documented
//! defaults, never tuned toward an outcome; each preset's story says which is which.

mod challenges;
mod field;

use crate::spec::scenario::*;
use crate::spec::zone::*;

use field::{
    Weighted, base, geo_checks_only, geo_failover, latency_failover, latency_layer_pitfall, latency_near_tie,
    latency_weighted,
};

/// A preset's name and builder.
pub struct Preset {
    /// Name used in `preset:NAME`.
    pub name: &'static str,
    /// The scenario's title, as built: the page lists the presets by title without
    /// building each one.
    pub title: &'static str,
    /// Builds the scenario.
    pub build: fn() -> Scenario,
}

/// Every built-in preset, the default first.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "latency-weighted-alb",
        title: "Latency → weighted (ALB)",
        build: || latency_weighted(LbKind::Alb, Weighted::Eth),
    },
    Preset {
        name: "latency-weighted-nlb",
        title: "Latency → weighted (NLB)",
        build: || latency_weighted(LbKind::Nlb, Weighted::Eth),
    },
    Preset {
        name: "latency-weighted-checks-alb",
        title: "Latency → weighted, checks on both layers (ALB)",
        build: || latency_weighted(LbKind::Alb, Weighted::Checks),
    },
    Preset {
        name: "latency-weighted-checks-nlb",
        title: "Latency → weighted, checks on both layers (NLB)",
        build: || latency_weighted(LbKind::Nlb, Weighted::Checks),
    },
    Preset {
        name: "latency-weighted-cname-ttl1-alb",
        title: "Latency → weighted with CNAMEs, TTL 1 s (ALB)",
        build: || latency_weighted(LbKind::Alb, Weighted::Cname),
    },
    Preset {
        name: "latency-weighted-cname-ttl1-nlb",
        title: "Latency → weighted with CNAMEs, TTL 1 s (NLB)",
        build: || latency_weighted(LbKind::Nlb, Weighted::Cname),
    },
    Preset {
        name: "latency-weighted-cname-ttl1-few-checkers-nlb",
        title: "Latency → weighted with CNAMEs, three checker regions (NLB)",
        build: || latency_weighted(LbKind::Nlb, Weighted::FewCheckers),
    },
    Preset {
        name: "latency-failover-alb",
        title: "Latency → nested failover (ALB)",
        build: || latency_failover(LbKind::Alb),
    },
    Preset {
        name: "latency-failover-nlb",
        title: "Latency → nested failover (NLB)",
        build: || latency_failover(LbKind::Nlb),
    },
    Preset {
        name: "latency-layer-pitfall-alb",
        title: "Latency-layer health-check pitfall (ALB)",
        build: || latency_layer_pitfall(LbKind::Alb),
    },
    Preset {
        name: "latency-layer-pitfall-nlb",
        title: "Latency-layer health-check pitfall (NLB)",
        build: || latency_layer_pitfall(LbKind::Nlb),
    },
    Preset {
        name: "latency-near-tie-nlb",
        title: "Latency with nothing checked: a client near a tie (NLB)",
        build: || latency_near_tie(LbKind::Nlb),
    },
    Preset {
        name: "geo-checks-only-nlb",
        title: "Geolocation with health checks only (NLB)",
        build: || geo_checks_only(LbKind::Nlb),
    },
    Preset {
        name: "geo-failover-alb",
        title: "Geolocation → nested failover (ALB)",
        build: || geo_failover(LbKind::Alb),
    },
    Preset {
        name: "geo-failover-nlb",
        title: "Geolocation → nested failover (NLB)",
        build: || geo_failover(LbKind::Nlb),
    },
    Preset {
        name: "all-defaults-alb",
        title: "All defaults (ALB)",
        build: || latency_weighted(LbKind::Alb, Weighted::Defaults),
    },
    Preset {
        name: "all-defaults-nlb",
        title: "All defaults (NLB)",
        build: || latency_weighted(LbKind::Nlb, Weighted::Defaults),
    },
    Preset { name: "data-plane-by-stripe", title: "Data plane: waves by stripe", build: || data_plane(true) },
    Preset { name: "data-plane-bad-plan", title: "Data plane: waves of neighbours", build: || data_plane(false) },
    Preset { name: "external-api-by-az", title: "External API: one AZ per wave", build: || control_plane(true) },
    Preset {
        name: "internal-api-by-fleet",
        title: "Internal API: batch, operations, customer",
        build: || control_plane(false),
    },
    Preset {
        name: "challenge-fast-switch",
        title: "Challenge: switch within a minute",
        build: challenges::fast_switch,
    },
    Preset {
        name: "challenge-keepalive-trap",
        title: "Challenge: clients stuck on a kept-alive connection",
        build: challenges::keepalive_trap,
    },
    Preset {
        name: "challenge-no-checks",
        title: "Challenge: fail over with no health checks",
        build: challenges::no_checks,
    },
    Preset {
        name: "challenge-eu-stays-in-eu",
        title: "Challenge: EU clients stay in the EU",
        build: challenges::eu_stays_in_eu,
    },
    Preset {
        name: "challenge-one-stripe-per-wave",
        title: "Challenge: one stripe per wave",
        build: challenges::one_stripe_per_wave,
    },
    Preset {
        name: "challenge-small-first-wave",
        title: "Challenge: a cheap first wave",
        build: challenges::small_first_wave,
    },
    Preset {
        name: "challenge-split-world",
        title: "Challenge: catch a version incompatibility",
        build: challenges::split_world,
    },
    Preset {
        name: "challenge-one-az-per-wave",
        title: "Challenge: one AZ at a time",
        build: challenges::one_az_per_wave,
    },
    Preset {
        name: "challenge-least-critical-first",
        title: "Challenge: least critical first",
        build: challenges::least_critical_first,
    },
];

/// The preset named `name`.
pub fn preset(name: &str) -> Option<Scenario> {
    PRESETS.iter().find(|p| p.name == name).map(|p| (p.build)())
}

/// An empty design with the field experiment's world — resolvers, population and
/// probe — and nothing in the zone: the starting point for building a tree by hand.
pub fn empty() -> Scenario {
    let mut s = base(
        LbKind::Alb,
        "Empty design",
        "A zone with no records yet. Add a rule at the top of the routing tree, then rules and \
         endpoints under it; stop a region's web servers at the playhead to see how the design fails over.",
        &["Which record answers before and after you stop a region?", "How long until the probe switches?"],
    );
    s.title = "Empty design".into();
    s.zone.records.clear();
    s.zone.regions.clear();
    s.zone.load_balancers.clear();
    s.faults.clear();
    s
}

/// Field design B.3: the data plane. `by_stripe`: a first wave of one location on
/// the oldest hardware, then waves of one stripe each, spread over continents, 24 h
/// bakes early. Otherwise the contrast: waves of neighbouring locations that mix
/// stripes, a big first wave, and one-hour bakes.
fn data_plane(by_stripe: bool) -> Scenario {
    use crate::deploy::arrange_by_stripe;
    use crate::spec::deploy::{BadBuild, BadKind, DeploySpec, Plan, Wave, default_fleet};
    let fleet = default_fleet();
    let waves = if by_stripe {
        arrange_by_stripe(&fleet, 5)
    } else {
        // Neighbours together: sort by longitude and cut into waves of ten.
        let mut ids: Vec<(i64, String)> = fleet
            .iter()
            .map(|l| {
                let c = crate::base::geo::city(&l.city).expect("fleet city");
                ((c.lon * 100.0) as i64, l.id.clone())
            })
            .collect();
        ids.sort();
        ids.chunks(10).map(|c| Wave { locations: c.iter().map(|x| x.1.clone()).collect(), bake_s: 3_600 }).collect()
    };
    let mut s = latency_weighted(LbKind::Nlb, Weighted::Eth);
    s.title = if by_stripe { "Data plane: waves by stripe".into() } else { "Data plane: waves of neighbours".into() };
    s.description = if by_stripe {
        "A black-holing build goes out to 60 edge locations in four anycast stripes: first one location on the oldest hardware, then waves of one stripe each, spread over the continents.".into()
    } else {
        "The same black-holing build, pushed in waves of neighbouring locations that mix stripes, with a ten-location first wave and one-hour bakes.".into()
    };
    s.watch_for = vec![
        "Worst name servers per zone: one with waves by stripe, several when a wave mixes stripes.".into(),
        "Only resolvers that reach the bad location for one of their zone's name servers are hurt: each waits out its kind's timeout, then another name server answers.".into(),
        "The alarm halts the plan; rollback bounds the damage to the waves already out.".into(),
    ];
    s.view.panel = "deploy".into();
    // The failover design's guide tells a regional fault, not this deployment.
    s.guide.clear();
    s.deploy = Some(DeploySpec {
        fleet,
        zones: 10_000,
        pool_per_stripe: 512,
        max_shared: 2,
        resolvers: 2_000,
        users_per_resolver: 100,
        user_requests_per_min: 1.0,
        record_ttl_s: 300,
        impaired_ms: 100.0,
        negative_ttl_s: 900,
        anycast: crate::spec::deploy::AnycastParams::default(),
        resolver_params: crate::spec::deploy::ResolverParams::default(),
        alarm: crate::spec::deploy::AlarmSpec::default(),
        plan: Plan {
            name: if by_stripe { "by stripe".into() } else { "neighbours".into() },
            // Split-world staging: two staging waves.
            staging_waves: 2,
            staging_bake_s: 3_600,
            waves,
            unit_deploy_s: 600,
            verify_s: 600,
            rollback_s: 900,
        },
        bad_build: BadBuild {
            kind: BadKind::BlackHole,
            alarm_delay_s: None,
            detected: true,
            slow_ms: 400,
            old_gen: 1,
            wrong_answer: crate::spec::deploy::WrongAnswer::Records,
        },
        outages: Vec::new(),
    });
    s
}

/// Field designs B.1 and B.2: the control plane's external API (one AZ per wave)
/// and internal API (batch → operations → customer, split-world staging).
fn control_plane(external: bool) -> Scenario {
    let mut s = latency_weighted(LbKind::Alb, Weighted::Eth);
    s.view.panel = "deploy".into();
    s.guide.clear();
    if external {
        s.title = "External API: one AZ per wave".into();
        s.description = "The external API runs in three availability zones; each wave is one AZ, deployed host by host. A failure no health check sees is caught by the error-rate alarm, and operators shift traffic away from that AZ.".into();
        s.watch_for = vec![
            "One host in one AZ takes the bad build before anything halts.".into(),
            "Failures the load balancer's check misses cost until the alarm and the traffic shift.".into(),
        ];
        s.control_plane = Some(crate::deploy::control::external_api());
    } else {
        s.title = "Internal API: batch, operations, customer".into();
        s.description = "The internal API is split by traffic type and deployed least critical first, host by host with a deep health check. Staging splits every fleet over two waves so old and new versions run side by side.".into();
        s.watch_for = vec![
            "The deep check halts in the batch fleet: customers never see the bad build.".into(),
            "A version incompatibility shows in split-world staging, before production.".into(),
        ];
        s.control_plane = Some(crate::deploy::control::internal_api());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_round_trips_through_json() {
        for p in PRESETS {
            let s = (p.build)();
            crate::route53::zone::Zone::new(&s.zone).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            let back = Scenario::from_json(&s.to_json()).unwrap();
            assert_eq!(back, s, "{}", p.name);
            assert!(s.watch_for.len() >= 2 && s.watch_for.len() <= 4, "{}", p.name);
            assert_eq!(s.title, p.title, "the picker lists {} by its listed title", p.name);
        }
    }
}
