//! The data-plane deployment a scenario describes: the edge fleet in its four
//! anycast stripes, the population of resolvers and users, the wave plan, the bad
//! build pushed through it and scripted outages. The engine that runs it is
//! [`crate::deploy`]; every parameter's default, unit, source and status is in
//! `docs/model.md` ("Data plane (deployment waves)").
//!
//! The edge fleet is in `deploy/fleet.rs`, the model parameters (anycast, resolvers,
//! alarm) in `deploy/params.rs`.

use serde::{Deserialize, Serialize};

mod fleet;
mod params;

pub use fleet::{DEFAULT_FLEET_CITIES, EdgeLocation, assign_stripes_balanced, city_at, default_fleet};
pub use params::{AlarmSpec, AnycastParams, PUBLIC_EXPLORE_PCT, ResolverParams};

/// Number of stripes.
pub const STRIPES: usize = 4;

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
    use crate::base::geo;

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
