//! The geolocation field designs (3a and 3b): continents and the default location
//! onto the three regions, either straight to each region's load balancer or onto
//! the failover cascades of design 1b.

use super::cascades::{cascade, cascade_names};
use super::*;

/// The geolocation layer: continents and the default location onto the three
/// regions (North and South America and the default → us-east-1, Europe and Africa
/// → eu-west-1, Asia and Oceania → ap-southeast-1).
const GEO_MAP: [(&str, Option<&str>, usize); 7] = [
    ("na", Some("NA"), 0),
    ("sa", Some("SA"), 0),
    ("eu", Some("EU"), 1),
    ("af", Some("AF"), 1),
    ("as", Some("AS"), 2),
    ("oc", Some("OC"), 2),
    ("default", None, 0),
];

fn geo_location(continent: Option<&str>) -> Routing {
    Routing::Geolocation {
        location: continent.map_or(GeoLocationSpec::Default, |c| GeoLocationSpec::Continent(c.into())),
    }
}

/// Field design 3b: geolocation → the regional failover cascades of design 1b.
pub(in crate::design::presets) fn geo_failover(kind: LbKind) -> Scenario {
    let mut s = base(
        kind,
        "Geolocation → nested failover",
        &format!(
            "Geolocation records map continents (and the default location) onto the three regional failover \
             cascades of the latency → nested failover design. The nested failover pairs, not the geolocation \
             layer, do the failing over. {}",
            setup(
                "checks 10 s × 1 on the cascades' records that point at load balancers, ETH on those aliases, \
                   none on the geolocation layer"
            )
        ),
        &[
            "Washington is in North America: it follows the us-east-1 cascade's order, the same cascade its \
             latency record picks in latency-failover, so both designs switch alike; a difference between two \
             single runs is the run-to-run spread (run Trials on both).",
            "Clients in places no continent record covers use the default location (the us-east-1 cascade).",
        ],
    );
    s.zone.health_checks = region_checks(kind, REPORT_CHECK);
    for i in 0..REGIONS.len() {
        s.zone.records.extend(cascade(kind, i));
    }
    for (set, continent, region) in GEO_MAP {
        let to = AliasTarget::Record { name: cascade_names(REGIONS[region].1).0 };
        s.zone.records.push(alias(SERVICE, Some(set), geo_location(continent), to, false, None));
    }
    s.guide = field_guide(&s, kind, Outcome::Moves);
    s
}

/// Field design 3a: geolocation records straight to each region's load balancer,
/// each with its load balancer's check, and nothing below them.
pub(in crate::design::presets) fn geo_checks_only(kind: LbKind) -> Scenario {
    let mut s = base(
        kind,
        "Geolocation with health checks only",
        &format!(
            "Geolocation records (continents and the default location) alias each region's load balancer \
             directly, each guarded by its load balancer's check. When a continent's record is unhealthy Route 53 \
             climbs to larger areas — the default — and, when those are unhealthy too, answers with the most \
             specific record anyway. {}",
            setup("checks 10 s × 1 on the geolocation records, no Evaluate Target Health")
        ),
        &[
            "Washington's record (North America) turns unhealthy, and so does the default: both point at us-east-1.",
            "With every applicable record unhealthy, Route 53 answers with the most specific one: no other region.",
        ],
    );
    s.zone.health_checks = region_checks(kind, REPORT_CHECK);
    for (set, continent, region) in GEO_MAP {
        let short = REGIONS[region].1;
        s.zone.records.push(alias(
            SERVICE,
            Some(set),
            geo_location(continent),
            lb_alias(kind, short),
            false,
            Some(check_id(short)),
        ));
    }
    s.guide = field_guide(&s, kind, Outcome::Stays);
    s
}
