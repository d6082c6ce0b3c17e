//! Tunable parameters of the Route 53 models a scenario can set: health checking
//! and the latency table. Each field's doc gives its default, unit and status; the
//! engines that use them are [`crate::route53::health`] and [`crate::route53::latency`].

use serde::{Deserialize, Serialize};

/// Tunable parameters of health checking (defaults and sources in each doc).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthParams {
    /// Checkers per checker region. Default 2: 8 regions × 2 = 16, matching "16
    /// redundant availability zones" (model: health checks; unconfirmed).
    #[serde(default = "d_checkers")]
    pub checkers_per_region: u32,
    /// A check is healthy while more than this percentage of checkers say healthy.
    /// Default 18 (model: health checks; confirmed).
    #[serde(default = "d_pct")]
    pub healthy_above_pct: u32,
    /// Delay from a status change to the DNS servers, uniform in [min, max] ms.
    /// Default 1,000–10,000 (model: health checks; unconfirmed).
    #[serde(default = "d_push")]
    pub push_delay_ms: (u64, u64),
}

fn d_checkers() -> u32 {
    2
}

fn d_pct() -> u32 {
    18
}

fn d_push() -> (u64, u64) {
    (1_000, 10_000)
}

impl Default for HealthParams {
    fn default() -> Self {
        HealthParams { checkers_per_region: d_checkers(), healthy_above_pct: d_pct(), push_delay_ms: d_push() }
    }
}

/// Parameters of the latency model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencyModel {
    /// Fixed part of every RTT, ms (access network, processing). Default 5.
    #[serde(default = "d_base")]
    pub base_ms: f64,
    /// RTT per great-circle km, ms. Default 0.02.
    #[serde(default = "d_per_km")]
    pub ms_per_km: f64,
    /// Seconds between re-measurements of the table; 0 = it never changes. Default
    /// 604,800, a week: AWS describes the data as measured over "the past couple of
    /// weeks" and a client sent to one region "this week" as possibly sent to another
    /// "next week", and publishes no period (docs/model.md, latency data).
    #[serde(default = "d_remeasure")]
    pub remeasure_period_s: u64,
    /// Log-normal sigma of the per-epoch multiplicative noise. Default 0.15
    /// (assumed).
    #[serde(default = "d_sigma")]
    pub noise_sigma: f64,
}

fn d_base() -> f64 {
    5.0
}

fn d_per_km() -> f64 {
    0.02
}

fn d_remeasure() -> u64 {
    604_800
}

fn d_sigma() -> f64 {
    0.15
}

impl Default for LatencyModel {
    fn default() -> Self {
        LatencyModel {
            base_ms: d_base(),
            ms_per_km: d_per_km(),
            remeasure_period_s: d_remeasure(),
            noise_sigma: d_sigma(),
        }
    }
}
