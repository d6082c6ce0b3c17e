//! The data-plane deployment a scenario describes: the edge fleet in its four
//! anycast stripes, the population of resolvers and users, the wave plan, the bad
//! build pushed through it and scripted outages. The engine that runs it is
//! [`crate::deploy`].

use serde::{Deserialize, Serialize};

use crate::base::geo::{self, LatLon};
use crate::base::rng::{SimRng, stream_id};

/// Number of stripes.
pub const STRIPES: usize = 4;

/// An edge location.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeLocation {
    /// Short id, e.g. `fra`.
    pub id: String,
    /// City id.
    pub city: String,
    /// Stripe announced, 0..=3.
    pub stripe: u8,
    /// Hardware generation: 1 is the oldest.
    pub hardware_gen: u8,
    /// Relative capacity (queries per second it can serve, arbitrary units).
    pub capacity: u32,
}

/// Parameters of the anycast model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnycastParams {
    /// Fixed RTT part, ms. Default 5.
    #[serde(default = "d_base")]
    pub base_ms: f64,
    /// RTT per great-circle km, ms. Default 0.02.
    #[serde(default = "d_per_km")]
    pub ms_per_km: f64,
    /// Standard deviation of the per (resolver, location) RTT noise, ms. Default 5.
    #[serde(default = "d_noise")]
    pub noise_sd_ms: f64,
    /// BGP convergence: log-normal median, s. Default 4.3 (p80 ≈ 10 s with σ = 1).
    #[serde(default = "d_conv_median")]
    pub convergence_median_s: f64,
    /// BGP convergence: log-normal σ. Default 1.0.
    #[serde(default = "d_conv_sigma")]
    pub convergence_sigma: f64,
    /// Share of SRTT-kind resolvers that send to the fastest name server, percent.
    /// Default 80 [C: Route 53 blog]; the rest pick at random.
    #[serde(default = "d_prefer")]
    pub prefer_fastest_pct: f64,
    /// Name servers a parallel resolver queries at once. Default 3.
    #[serde(default = "d_fanout")]
    pub parallel_fanout: u8,
}

fn d_base() -> f64 {
    5.0
}

fn d_per_km() -> f64 {
    0.02
}

fn d_noise() -> f64 {
    5.0
}

fn d_conv_median() -> f64 {
    4.3
}

fn d_conv_sigma() -> f64 {
    1.0
}

fn d_prefer() -> f64 {
    80.0
}

fn d_fanout() -> u8 {
    3
}

impl Default for AnycastParams {
    fn default() -> Self {
        AnycastParams {
            base_ms: d_base(),
            ms_per_km: d_per_km(),
            noise_sd_ms: d_noise(),
            convergence_median_s: d_conv_median(),
            convergence_sigma: d_conv_sigma(),
            prefer_fastest_pct: d_prefer(),
            parallel_fanout: d_fanout(),
        }
    }
}

/// The 60 cities of the default fleet (places a global DNS/CDN network is publicly
/// known to serve from).
pub const DEFAULT_FLEET_CITIES: [&str; 60] = [
    "ashburn",
    "new-york",
    "newark",
    "boston",
    "atlanta",
    "miami",
    "chicago",
    "dallas",
    "houston",
    "denver",
    "phoenix",
    "los-angeles",
    "san-jose",
    "seattle",
    "minneapolis",
    "kansas-city",
    "toronto",
    "montreal",
    "vancouver",
    "queretaro",
    "sao-paulo",
    "rio-de-janeiro",
    "buenos-aires",
    "santiago",
    "bogota",
    "lima",
    "dublin",
    "london",
    "manchester",
    "paris",
    "marseille",
    "amsterdam",
    "frankfurt",
    "berlin",
    "munich",
    "zurich",
    "milan",
    "madrid",
    "lisbon",
    "vienna",
    "warsaw",
    "stockholm",
    "copenhagen",
    "helsinki",
    "mumbai",
    "chennai",
    "new-delhi",
    "singapore",
    "jakarta",
    "hong-kong",
    "taipei",
    "seoul",
    "tokyo",
    "osaka",
    "sydney",
    "melbourne",
    "perth",
    "auckland",
    "johannesburg",
    "tel-aviv",
];

/// The default fleet: 60 locations, stripes balanced geographically, hardware
/// generations 1–4 (a few of the oldest), capacity 100.
pub fn default_fleet() -> Vec<EdgeLocation> {
    let mut fleet: Vec<EdgeLocation> = DEFAULT_FLEET_CITIES
        .iter()
        .map(|c| {
            let mut rng = SimRng::derive(0, stream_id(&format!("fleet/{c}")));
            // About 1 in 8 locations still runs the oldest generation.
            let hardware_gen = if rng.chance(0.125) { 1 } else { 2 + rng.below(3) as u8 };
            EdgeLocation { id: short_id(c), city: c.to_string(), stripe: 0, hardware_gen, capacity: 100 }
        })
        .collect();
    assign_stripes_balanced(&mut fleet);
    fleet
}

fn short_id(city: &str) -> String {
    city.split('-').map(|w| &w[..w.len().min(3)]).collect::<Vec<_>>().join("")
}

/// Assigns stripes so each stripe has a quarter of the locations (±1) and
/// neighbours get different stripes: each location, in a fixed order, takes the
/// stripe (among those not yet full) whose nearest already-assigned location is
/// farthest away.
pub fn assign_stripes_balanced(fleet: &mut [EdgeLocation]) {
    let at: Vec<LatLon> = fleet.iter().map(|l| city_at(&l.city)).collect();
    let cap = fleet.len().div_ceil(STRIPES);
    let mut counts = [0usize; STRIPES];
    let mut assigned: Vec<Option<u8>> = vec![None; fleet.len()];
    for i in 0..fleet.len() {
        let mut best = (f64::MIN, 0u8);
        for s in 0..STRIPES as u8 {
            if counts[s as usize] >= cap {
                continue;
            }
            let nearest = (0..i)
                .filter(|&j| assigned[j] == Some(s))
                .map(|j| at[i].distance_km(at[j]))
                .fold(f64::INFINITY, f64::min);
            if nearest > best.0 {
                best = (nearest, s);
            }
        }
        assigned[i] = Some(best.1);
        counts[best.1 as usize] += 1;
        fleet[i].stripe = best.1;
    }
}

/// Coordinates of a city id (the origin for an unknown one; validation rejects those).
pub fn city_at(id: &str) -> LatLon {
    geo::city(id).map_or(LatLon { lat: 0.0, lon: 0.0 }, |c| LatLon { lat: c.lat, lon: c.lon })
}

/// A data-plane deployment scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploySpec {
    /// Edge locations (default: [`default_fleet`]).
    #[serde(default = "default_fleet")]
    pub fleet: Vec<EdgeLocation>,
    /// Hosted zones.
    #[serde(default = "d_zones")]
    pub zones: u32,
    /// Name servers per stripe in the pool. Default 512 [U].
    #[serde(default = "d_pool")]
    pub pool_per_stripe: u16,
    /// Most name servers two zones may share. Default 2 [C].
    #[serde(default = "d_shared")]
    pub max_shared: u8,
    /// Resolvers, placed over the city table.
    #[serde(default = "d_resolvers")]
    pub resolvers: u32,
    /// Users behind each resolver.
    #[serde(default = "d_users")]
    pub users_per_resolver: u32,
    /// Requests per user per minute (for wrong-answer client requests).
    #[serde(default = "d_user_rate")]
    pub user_requests_per_min: f64,
    /// TTL of the records resolvers cache, s (how long a wrong answer lives on).
    #[serde(default = "d_ttl")]
    pub record_ttl_s: u32,
    /// Added resolution latency above which a user counts as impaired, ms [U].
    #[serde(default = "d_impaired")]
    pub impaired_ms: f64,
    /// Anycast model parameters.
    #[serde(default)]
    pub anycast: AnycastParams,
    /// The plan.
    pub plan: Plan,
    /// The bad build pushed through it.
    pub bad_build: BadBuild,
    /// Outages scripted by hand (a location or a whole stripe withdrawn or silent),
    /// shown by the player alongside the deployment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outages: Vec<Outage>,
}

/// A scripted outage of a location or of a whole stripe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outage {
    /// Start, s after the deployment starts.
    pub at_s: u64,
    /// End, s (none: to the end of the run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_s: Option<u64>,
    /// What fails.
    pub target: OutageTarget,
    /// How.
    pub kind: OutageKind,
}

/// What a scripted outage takes out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OutageTarget {
    /// One edge location, by id.
    Location(String),
    /// Every location of a stripe (0..=3).
    Stripe(u8),
}

/// How a scripted outage fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutageKind {
    /// The announcement is withdrawn: each resolver's traffic moves to the
    /// next-closest location of the stripe once BGP converges for it.
    Withdraw,
    /// Announced but silent: traffic keeps arriving and gets no answer.
    BlackHole,
}

impl Outage {
    /// The outage in words.
    pub fn describe(&self) -> String {
        let what = match &self.target {
            OutageTarget::Location(l) => l.clone(),
            OutageTarget::Stripe(s) => format!("all of stripe {s}"),
        };
        match self.kind {
            OutageKind::Withdraw => format!("withdraw {what}"),
            OutageKind::BlackHole => format!("black-hole {what}"),
        }
    }
}

fn d_zones() -> u32 {
    10_000
}

fn d_pool() -> u16 {
    512
}

fn d_shared() -> u8 {
    2
}

fn d_resolvers() -> u32 {
    2_000
}

fn d_users() -> u32 {
    100
}

fn d_user_rate() -> f64 {
    1.0
}

fn d_ttl() -> u32 {
    300
}

fn d_impaired() -> f64 {
    100.0
}

/// A deployment plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Name shown in tables.
    pub name: String,
    /// Staging waves (a separate, small fleet): how many run at once decides whether
    /// old and new versions ever run side by side before production.
    #[serde(default = "d_staging")]
    pub staging_waves: u32,
    /// Production waves, in order.
    pub waves: Vec<Wave>,
    /// Time to deploy one location host by host, s. Default 600 [U].
    #[serde(default = "d_unit")]
    pub unit_deploy_s: u64,
    /// Automatic verification after each wave, s. Default 600 [U].
    #[serde(default = "d_verify")]
    pub verify_s: u64,
    /// Time for every deployed location to roll back, s. Default 900 [U].
    #[serde(default = "d_rollback")]
    pub rollback_s: u64,
}

fn d_staging() -> u32 {
    2
}

fn d_unit() -> u64 {
    600
}

fn d_verify() -> u64 {
    600
}

fn d_rollback() -> u64 {
    900
}

/// One production wave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wave {
    /// Location ids.
    pub locations: Vec<String>,
    /// Bake after the wave, s (24 h for early production waves [field report]).
    #[serde(default = "default_bake_s")]
    pub bake_s: u64,
}

/// The default bake after a wave: 24 h, as for early production waves [field report].
pub fn default_bake_s() -> u64 {
    86_400
}

/// Kinds of bad build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadKind {
    /// Drops every query.
    BlackHole,
    /// Crashes on start.
    Crash,
    /// Slow on old hardware only.
    SlowOnOldHardware,
    /// Serves wrong answers.
    WrongAnswers,
    /// Breaks only beside the previous version.
    VersionIncompat,
}

impl BadKind {
    /// Label.
    pub fn as_str(self) -> &'static str {
        match self {
            BadKind::BlackHole => "black-hole",
            BadKind::Crash => "crash on start",
            BadKind::SlowOnOldHardware => "slow on old hardware",
            BadKind::WrongAnswers => "wrong answers",
            BadKind::VersionIncompat => "version incompatibility",
        }
    }
}

/// The bad build and how it is detected.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BadBuild {
    /// What it does.
    pub kind: BadKind,
    /// Delay from the first bad location serving to the alarm, s [U].
    #[serde(default = "d_alarm")]
    pub alarm_delay_s: u64,
    /// Whether any alarm detects it at all.
    #[serde(default = "yes")]
    pub detected: bool,
    /// Extra latency of a slow location, ms.
    #[serde(default = "d_slow")]
    pub slow_ms: u32,
    /// Hardware generations counted as old (≤ this).
    #[serde(default = "d_old")]
    pub old_gen: u8,
}

fn d_alarm() -> u64 {
    600
}

fn yes() -> bool {
    true
}

fn d_slow() -> u32 {
    400
}

fn d_old() -> u8 {
    1
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn default_fleet_is_balanced_and_real() {
        let f = default_fleet();
        assert!(f.len() >= 50);
        let mut counts = [0; STRIPES];
        for l in &f {
            counts[l.stripe as usize] += 1;
            assert!(geo::city(&l.city).is_some(), "{}", l.city);
        }
        assert!(counts.iter().all(|&c| c == 15), "{counts:?}");
        assert!(f.iter().any(|l| l.hardware_gen == 1), "some locations run the oldest hardware");
        let ids: BTreeSet<&str> = f.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids.len(), f.len(), "ids are unique");
    }

    #[test]
    fn every_stripe_is_spread_over_the_continents() {
        let f = default_fleet();
        for s in 0..STRIPES as u8 {
            let continents: BTreeSet<_> =
                f.iter().filter(|l| l.stripe == s).map(|l| geo::city(&l.city).unwrap().continent).collect();
            assert!(continents.len() >= 4, "stripe {s}: {continents:?}");
        }
    }
}
