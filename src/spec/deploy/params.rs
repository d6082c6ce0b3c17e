//! The deployment's model parameters, each with its default: the anycast model
//! (latency, noise, BGP convergence, name-server groups), the resolvers in front of
//! the data plane and the clients behind them, and the CloudWatch-style alarm.

use serde::{Deserialize, Serialize};

use crate::spec::kinds::{ClientKind, ResolverKind};

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
    #[serde(default = "crate::spec::scenario::default_kind_mix")]
    pub kinds: Vec<(ResolverKind, u32)>,
    /// Share of resolvers that extend TTLs, percent (8.74 measured, PAM 2023).
    #[serde(default = "crate::spec::scenario::default_extender_pct")]
    pub extender_pct: f64,
    /// An extending resolver keeps every answer at least this long, s (not published:
    /// an assumption).
    #[serde(default = "crate::spec::scenario::default_extend_ttl")]
    pub extend_ttl_s: u32,
    /// Mix of client kinds behind the resolvers, with weights (their own caches).
    #[serde(default = "crate::spec::scenario::default_client_mix")]
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
            kinds: crate::spec::scenario::default_kind_mix(),
            extender_pct: crate::spec::scenario::default_extender_pct(),
            extend_ttl_s: crate::spec::scenario::default_extend_ttl(),
            client_kinds: crate::spec::scenario::default_client_mix(),
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
