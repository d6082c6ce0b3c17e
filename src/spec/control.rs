//! The control-plane deployment a scenario describes: API fleets, their waves and
//! the bad build. The engine that runs it is [`crate::deploy::control`]; parameters
//! and sources are in `docs/model.md` ("Control plane (API deployments)").

use serde::{Deserialize, Serialize};

use crate::spec::deploy::AlarmSpec;

/// A control-plane scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlPlaneSpec {
    /// Plan name.
    pub name: String,
    /// Fleets (one per AZ for an external API; by traffic type for an internal one).
    pub fleets: Vec<Fleet>,
    /// Waves of fleets, in order.
    pub waves: Vec<CpWave>,
    /// Staging splits every fleet over two waves, so old and new serve side by side
    /// before production ("split world"); otherwise staging switches in one wave.
    #[serde(default)]
    pub split_world_staging: bool,
    /// Bake after each staging wave, s, watched by the error-rate alarm (an
    /// assumption). Default 3,600.
    #[serde(default = "d_staging_bake")]
    pub staging_bake_s: u64,
    /// The error-rate alarm: one datapoint per period, the share of the service's
    /// requests that failed.
    #[serde(default)]
    pub alarm: AlarmSpec,
    /// Time to deploy one host, s. Default 300 (assumed).
    #[serde(default = "d_host")]
    pub host_deploy_s: u64,
    /// Rollback of a fleet, s. Default 600 (assumed).
    #[serde(default = "d_rollback")]
    pub rollback_s: u64,
    /// The load balancer's time to remove a failed host, s (ALB defaults: 30 s × 2 = 60 s).
    #[serde(default = "d_lb")]
    pub lb_detect_s: u64,
    /// Operators shift traffic away from an AZ this long after the alarm, s (assumed).
    #[serde(default = "d_shift")]
    pub shift_s: u64,
    /// The bad build.
    pub bad: CpBadBuild,
}

fn d_staging_bake() -> u64 {
    3_600
}

fn d_host() -> u64 {
    300
}

fn d_rollback() -> u64 {
    600
}

fn d_lb() -> u64 {
    60
}

fn d_shift() -> u64 {
    300
}

/// A fleet of identical hosts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fleet {
    /// Name (an AZ, or batch / operations / customer).
    pub name: String,
    /// How many hosts it has (a wave deploys a share of them).
    pub hosts: u32,
    /// Requests per second it serves.
    pub requests_per_s: f64,
    /// Serves customers directly.
    pub customer_facing: bool,
}

/// A wave: fleets deployed together, host by host within each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CpWave {
    /// Fleet names.
    pub fleets: Vec<String>,
    /// Bake after the wave, s.
    #[serde(default = "d_bake")]
    pub bake_s: u64,
}

fn d_bake() -> u64 {
    86_400
}

/// Kinds of bad control-plane build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CpBadKind {
    /// Crashes on start: the host health check fails.
    Crash,
    /// Serves errors that the deep application check catches.
    DeepCheckFails,
    /// Serves errors no health check sees; the error-rate alarm must catch it.
    ChecksMiss,
    /// A request that crosses an old and a new host fails: it shows only while both
    /// versions serve.
    VersionIncompat,
}

/// The bad build.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CpBadBuild {
    /// What it does.
    pub kind: CpBadKind,
    /// Accepted from older documents and ignored: the alarm now fires from its
    /// datapoints ([`ControlPlaneSpec::alarm`]).
    #[serde(default, skip_serializing)]
    pub alarm_delay_s: Option<u64>,
}
