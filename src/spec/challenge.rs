//! A challenge a scenario can carry: a title, a brief, goals over what the
//! simulations measure and constraints on the design. The evaluator that runs the
//! simulations and checks them is `design::challenge`.
//!
//! Goals name metrics of the failover run (a probe's switch time, the clients'
//! error windows, where a probe was served), of the data-plane deployment (stripes
//! per wave, the worst bad build's user-minutes) and of the control-plane deployment
//! (customer-facing failed requests). Constraints bound the design itself: a budget
//! of health checks, TTL bounds, records that must stay, how the waves are planned.

use serde::{Deserialize, Serialize};

/// A challenge: what to achieve and within which rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeSpec {
    /// Title, e.g. "Switch in under a minute".
    pub title: String,
    /// What is wrong and what to change, in a sentence or two.
    #[serde(default)]
    pub brief: String,
    /// What the simulation must show.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// What the design must respect.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
}

/// A goal over a metric the simulations compute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "goal", rename_all = "snake_case", deny_unknown_fields)]
pub enum Goal {
    /// The probe's switch time (first breaking fault → first success served from
    /// another region) is below `max_s`.
    Switch {
        /// Probe id.
        probe: String,
        /// Upper bound, s (exclusive).
        max_s: f64,
    },
    /// The clients' 95th-percentile error window (first error → next success,
    /// weighted by clients) is below `max_s`.
    ErrorWindowP95 {
        /// Upper bound, s (exclusive).
        max_s: f64,
    },
    /// Every request the probe makes that a region serves is served by one of
    /// `regions` (e.g. EU clients stay in the EU).
    StaysIn {
        /// Probe id.
        probe: String,
        /// Allowed regions.
        regions: Vec<String>,
    },
    /// No production wave of the data-plane plan touches more than `max` anycast
    /// stripes.
    StripesPerWave {
        /// Most stripes per wave.
        max: usize,
    },
    /// The worst bad build of every kind, pushed through the data-plane plan, costs
    /// fewer than `max` user-minutes.
    WorstBadBuild {
        /// Upper bound, user-minutes (exclusive).
        max_user_minutes: f64,
    },
    /// The control-plane deployment's bad build fails fewer than `max` customer-facing
    /// requests.
    CustomerFailures {
        /// Upper bound, requests (exclusive).
        max: f64,
    },
}

/// A rule on the design itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Constraint {
    /// At most `max` Route 53 health checks.
    MaxHealthChecks {
        /// Budget.
        max: usize,
    },
    /// Every record that carries a TTL has one in `min_s..=max_s`.
    TtlBetween {
        /// Lowest TTL allowed, s.
        min_s: u32,
        /// Highest TTL allowed, s.
        max_s: u32,
    },
    /// These records (`name` or `name/set-id`) must stay in the zone.
    KeepRecords {
        /// The records.
        records: Vec<String>,
    },
    /// Every edge location (data plane) or fleet (control plane) is in a wave.
    EveryoneDeployed,
    /// Every production wave bakes at least `min_s`.
    MinBake {
        /// Shortest bake, s.
        min_s: u64,
    },
}
