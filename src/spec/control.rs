//! The control-plane deployment a scenario describes: API fleets, their waves and
//! the bad build. The engine that runs it is [`crate::deploy::control`].

use serde::{Deserialize, Serialize};

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
    /// Staging runs old and new side by side before production.
    #[serde(default)]
    pub split_world_staging: bool,
    /// Time to deploy one host, s. Default 300 [U].
    #[serde(default = "d_host")]
    pub host_deploy_s: u64,
    /// Rollback of a fleet, s. Default 600 [U].
    #[serde(default = "d_rollback")]
    pub rollback_s: u64,
    /// The load balancer's time to remove a failed host, s (ALB 30 s × 2 = 60 s) [§5.1].
    #[serde(default = "d_lb")]
    pub lb_detect_s: u64,
    /// Operators shift traffic away from an AZ this long after the alarm, s [U].
    #[serde(default = "d_shift")]
    pub shift_s: u64,
    /// The bad build.
    pub bad: CpBadBuild,
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
    /// Hosts.
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
    /// Fails only beside the previous version.
    VersionIncompat,
}

/// The bad build.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CpBadBuild {
    /// What it does.
    pub kind: CpBadKind,
    /// Error-rate alarm delay after the first failing request, s [U].
    #[serde(default = "d_alarm")]
    pub alarm_delay_s: u64,
}

fn d_alarm() -> u64 {
    300
}
