//! The data-plane deployment a scenario describes: the edge fleet in its four
//! anycast stripes, the population of resolvers and users, the wave plan, the bad
//! build pushed through it and scripted outages. The engine that runs it is
//! [`crate::deploy`]; every parameter's default, unit, source and status is in
//! `docs/model.md` ("Data plane (deployment waves)").

use serde::{Deserialize, Serialize};

use crate::base::geo::{self, LatLon};
use crate::base::rng::{SimRng, stream_id};
use crate::spec::kinds::{ClientKind, ResolverKind};

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

/// Parameters of the anycast model. Each is documented, with its source and status, in
/// `docs/model.md` ("Data plane").
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
    /// Name-server groups per stripe: the names of a stripe's pool in blocks (Route 53's
    /// `awsdns-NN` blocks of 64 names), each block announced as one prefix. Default 8
    /// (1 to 16).
    #[serde(default = "d_groups")]
    pub groups_per_stripe: u16,
    /// How many of its stripe's groups each location announces (none: all of them, as
    /// "each location announces one stripe" says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_per_location: Option<u16>,
    /// Accepted from older documents and ignored: name-server selection now follows
    /// each resolver kind's own algorithm.
    #[serde(default, skip_serializing)]
    pub prefer_fastest_pct: Option<f64>,
    /// Accepted from older documents and ignored (see `prefer_fastest_pct`).
    #[serde(default, skip_serializing)]
    pub parallel_fanout: Option<u8>,
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

fn d_groups() -> u16 {
    8
}

impl Default for AnycastParams {
    fn default() -> Self {
        AnycastParams {
            base_ms: d_base(),
            ms_per_km: d_per_km(),
            noise_sd_ms: d_noise(),
            convergence_median_s: d_conv_median(),
            convergence_sigma: d_conv_sigma(),
            groups_per_stripe: d_groups(),
            groups_per_location: None,
            prefer_fastest_pct: None,
            parallel_fanout: None,
        }
    }
}

/// The resolvers in front of the data plane and the clients behind them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolverParams {
    /// Mix of resolver kinds, with weights. Default BIND 30, Unbound 25, PowerDNS 10,
    /// Knot 5, public anycast 30 (an assumption: deployed shares are not published).
    #[serde(default = "d_kinds")]
    pub kinds: Vec<(ResolverKind, u32)>,
    /// Share of resolvers that extend TTLs, percent (8.74 measured, PAM 2023).
    #[serde(default = "d_extender_pct")]
    pub extender_pct: f64,
    /// An extending resolver keeps every answer at least this long, s (not published:
    /// an assumption).
    #[serde(default = "d_extend_ttl")]
    pub extend_ttl_s: u32,
    /// Mix of client kinds behind the resolvers, with weights (their own caches).
    #[serde(default = "d_clients")]
    pub client_kinds: Vec<(ClientKind, u32)>,
    /// Share of queries a public anycast resolver sends to a name server other than its
    /// fastest, percent (Cloudflare documents "a small percentage"; the value is an
    /// assumption).
    #[serde(default = "d_explore")]
    pub public_explore_pct: f64,
    /// The healthy stretch before the deployment in which every resolver starts with no
    /// knowledge of the zone's name servers and learns them, s (the window the
    /// name-server selection shares are measured over). Default 3,600.
    #[serde(default = "d_baseline")]
    pub baseline_s: u64,
    /// At most this many resolvers are followed query by query through the deployment
    /// (a deterministic, evenly spaced sample; the rest are counted through it). A
    /// computation bound, not a model parameter. Default 2,000.
    #[serde(default = "d_max_sim")]
    pub max_simulated: u32,
}

fn d_kinds() -> Vec<(ResolverKind, u32)> {
    vec![
        (ResolverKind::Bind, 30),
        (ResolverKind::Unbound, 25),
        (ResolverKind::Powerdns, 10),
        (ResolverKind::Knot, 5),
        (ResolverKind::PublicAnycast, 30),
    ]
}

fn d_extender_pct() -> f64 {
    8.74
}

fn d_extend_ttl() -> u32 {
    3_600
}

fn d_clients() -> Vec<(ClientKind, u32)> {
    vec![(ClientKind::Browser, 60), (ClientKind::Jvm, 15), (ClientKind::Firefox, 10), (ClientKind::SystemdResolved, 15)]
}

/// The share of queries a large public resolver sends to a name server other than
/// its fastest, %: assumed (Cloudflare documents "a small percentage", no number).
pub const PUBLIC_EXPLORE_PCT: f64 = 5.0;

fn d_explore() -> f64 {
    PUBLIC_EXPLORE_PCT
}

fn d_baseline() -> u64 {
    3_600
}

fn d_max_sim() -> u32 {
    2_000
}

impl Default for ResolverParams {
    fn default() -> Self {
        ResolverParams {
            kinds: d_kinds(),
            extender_pct: d_extender_pct(),
            extend_ttl_s: d_extend_ttl(),
            client_kinds: d_clients(),
            public_explore_pct: d_explore(),
            baseline_s: d_baseline(),
            max_simulated: d_max_sim(),
        }
    }
}

/// A CloudWatch-style alarm: each period gives one datapoint, the share of the
/// canaries' answers that failed (no answer, a wrong answer, or slower than
/// `latency_threshold_ms`); the alarm fires when `datapoints_to_alarm` of the last
/// `evaluation_periods` datapoints reach `threshold_pct`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmSpec {
    /// Period of one datapoint, s (standard-resolution metrics: 60).
    #[serde(default = "d_period")]
    pub period_s: u64,
    /// Datapoints evaluated (N). Default 3 (an assumption).
    #[serde(default = "d_three")]
    pub evaluation_periods: u32,
    /// Breaching datapoints among them that fire the alarm (M, not necessarily
    /// consecutive). Default 3 (= N, as CloudWatch's CDK defaults it).
    #[serde(default = "d_three")]
    pub datapoints_to_alarm: u32,
    /// Breaching threshold: share of failed answers in a period, percent (an assumption).
    #[serde(default = "d_threshold")]
    pub threshold_pct: f64,
    /// A canary answer slower than this counts as failed, ms (an assumption).
    #[serde(default = "d_latency_threshold")]
    pub latency_threshold_ms: f64,
    /// Delay from the end of a period to its datapoint being evaluated, s (not
    /// published: an assumption).
    #[serde(default = "d_publish")]
    pub publish_delay_s: u64,
}

fn d_period() -> u64 {
    60
}

fn d_three() -> u32 {
    3
}

fn d_threshold() -> f64 {
    5.0
}

fn d_latency_threshold() -> f64 {
    200.0
}

fn d_publish() -> u64 {
    30
}

impl Default for AlarmSpec {
    fn default() -> Self {
        AlarmSpec {
            period_s: d_period(),
            evaluation_periods: d_three(),
            datapoints_to_alarm: d_three(),
            threshold_pct: d_threshold(),
            latency_threshold_ms: d_latency_threshold(),
            publish_delay_s: d_publish(),
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
    /// Name servers per stripe in the pool. Default 512 (derived: 2,048 names over four stripes).
    #[serde(default = "d_pool")]
    pub pool_per_stripe: u16,
    /// Most name servers two zones may share. Default 2 (documented).
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
    /// Added resolution latency above which a user counts as impaired, ms (assumed).
    #[serde(default = "d_impaired")]
    pub impaired_ms: f64,
    /// Negative-caching TTL of the zone, s: Route 53's SOA gives min(SOA TTL 900,
    /// minimum 86,400) = 900. A wrong NXDOMAIN is cached this long (capped per kind).
    #[serde(default = "d_negative_ttl")]
    pub negative_ttl_s: u32,
    /// Anycast model parameters.
    #[serde(default)]
    pub anycast: AnycastParams,
    /// The resolvers and clients.
    #[serde(default)]
    pub resolver_params: ResolverParams,
    /// The alarm that halts the deployment.
    #[serde(default)]
    pub alarm: AlarmSpec,
    /// The waves, their order and their pauses.
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

fn d_negative_ttl() -> u32 {
    900
}

/// A deployment plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Name shown in tables.
    pub name: String,
    /// Staging waves (a separate, small fleet): with two or more, old and new versions
    /// serve side by side between them ("split world"); with one, staging switches at
    /// once.
    #[serde(default = "d_staging")]
    pub staging_waves: u32,
    /// Bake after each staging wave, s, watched by the staging canaries' alarm
    /// (an assumption). Default 3,600.
    #[serde(default = "d_staging_bake")]
    pub staging_bake_s: u64,
    /// Production waves, in order.
    pub waves: Vec<Wave>,
    /// Time to deploy one location host by host, s. Default 600 (assumed).
    #[serde(default = "d_unit")]
    pub unit_deploy_s: u64,
    /// Automatic verification after each wave, s. Default 600 (assumed).
    #[serde(default = "d_verify")]
    pub verify_s: u64,
    /// Time for every deployed location to roll back, s. Default 900 (assumed).
    #[serde(default = "d_rollback")]
    pub rollback_s: u64,
}

fn d_staging() -> u32 {
    2
}

fn d_staging_bake() -> u64 {
    3_600
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
    /// An answer that needs an exchange between an old and a new location (a zone
    /// transfer) is stale: it shows only while both versions serve.
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

/// What a wrong answer is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WrongAnswer {
    /// Wrong records, cached for the record TTL.
    #[default]
    Records,
    /// NXDOMAIN, cached for the zone's negative TTL (capped per resolver kind).
    Nxdomain,
}

/// The bad build and whether the alarm can see it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BadBuild {
    /// What it does.
    pub kind: BadKind,
    /// Accepted from older documents and ignored: the alarm now fires from its
    /// datapoints ([`AlarmSpec`]).
    #[serde(default, skip_serializing)]
    pub alarm_delay_s: Option<u64>,
    /// Whether the canaries check what this build breaks (a wrong answer is only seen
    /// by canaries that verify answers).
    #[serde(default = "yes")]
    pub detected: bool,
    /// Extra latency of a slow location, ms.
    #[serde(default = "d_slow")]
    pub slow_ms: u32,
    /// Hardware generations counted as old (≤ this).
    #[serde(default = "d_old")]
    pub old_gen: u8,
    /// What a wrong answer is.
    #[serde(default)]
    pub wrong_answer: WrongAnswer,
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
