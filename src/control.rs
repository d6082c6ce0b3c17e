//! Control-plane deployments (`field-designs.md` §B.1, §B.2, §B.4): fleets of API
//! hosts behind load balancers, deployed host by host, wave by wave, with health
//! checks that halt a wave and a load balancer that removes failed hosts.
//!
//! - **External API**: one wave per availability zone, hosts one at a time; a failed
//!   host halts the AZ's deployment; the AZ's load balancer removes failed hosts
//!   after its own detection time (ALB 30 s × 2 by default); for failures the LB
//!   check misses, operators shift traffic away from the AZ once the error alarm
//!   fires (`shift_s`).
//! - **Internal API**: fleets by traffic type — batch, operations, customer —
//!   deployed in that order, each host by host with a deep application health check
//!   that halts on failure. Staging splits every fleet over two waves on purpose, so
//!   old and new versions run side by side ("split world") and incompatibilities show
//!   before production.
//! - **Shared dependency**: a change used by a critical and a less critical consumer
//!   goes to the less critical one first — the fleet order does the same job here.
//!
//! Bad builds: crash on start (the host check fails), a failure only the deep check
//! sees, a failure no check sees (requests fail until the error alarm), and a
//! version incompatibility (requests that cross an old and a new host fail while
//! both run: a share `2·f·(1−f)` of them, `f` the new hosts' share).

use serde::{Deserialize, Serialize};

use crate::time::{SimDuration, SimTime};

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

/// One wave's outcome.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CpWaveImpact {
    /// 1-based wave.
    pub wave: usize,
    /// Fleets in it.
    pub fleets: Vec<String>,
    /// Hosts that received the build.
    pub hosts_deployed: u32,
    /// Failed requests, customer-facing fleets.
    pub customer_failed: f64,
    /// Failed requests, other fleets.
    pub other_failed: f64,
}

/// The outcome of a control-plane deployment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CpReport {
    /// Plan name.
    pub plan: String,
    /// Caught in staging.
    pub caught_in_staging: bool,
    /// Waves.
    pub waves: Vec<CpWaveImpact>,
    /// Halt time, s from the start of production.
    pub halted_at_s: Option<u64>,
    /// What happened, in order.
    pub timeline: Vec<(SimTime, String)>,
}

/// Runs the bad build through the plan.
pub fn run(spec: &ControlPlaneSpec) -> Result<CpReport, Vec<String>> {
    let mut problems = Vec::new();
    for (w, wave) in spec.waves.iter().enumerate() {
        for (j, f) in wave.fleets.iter().enumerate() {
            if !spec.fleets.iter().any(|x| x.name == *f) {
                problems.push(format!("waves[{w}].fleets[{j}]: no fleet '{f}'"));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut timeline = Vec::new();
    if spec.bad.kind == CpBadKind::VersionIncompat && spec.split_world_staging {
        timeline.push((
            SimTime::ZERO,
            "split-world staging runs old and new side by side: the incompatibility shows there".into(),
        ));
        return Ok(CpReport {
            plan: spec.name.clone(),
            caught_in_staging: true,
            waves: vec![],
            halted_at_s: None,
            timeline,
        });
    }
    let fleet = |name: &str| spec.fleets.iter().find(|f| f.name == name).expect("validated");
    let total_hosts: u32 = spec.fleets.iter().map(|f| f.hosts).sum();
    let mut t = SimTime::ZERO;
    let mut out = Vec::new();
    let mut halted_at = None;
    let mut new_hosts = 0u32;
    'waves: for (w, wave) in spec.waves.iter().enumerate() {
        let mut impact = CpWaveImpact { wave: w + 1, fleets: wave.fleets.clone(), ..CpWaveImpact::default() };
        timeline.push((t, format!("wave {} starts: {}", w + 1, wave.fleets.join(", "))));
        // Fleets of a wave deploy in parallel, host by host: step through host slots.
        let max_hosts = wave.fleets.iter().map(|f| fleet(f).hosts).max().unwrap_or(0);
        for slot in 0..max_hosts {
            t += SimDuration::from_secs(spec.host_deploy_s);
            for name in &wave.fleets {
                let f = fleet(name);
                if slot >= f.hosts {
                    continue;
                }
                impact.hosts_deployed += 1;
                new_hosts += 1;
                let per_host_rps = f.requests_per_s / f64::from(f.hosts.max(1));
                let (failed, halt, why) = match spec.bad.kind {
                    // The host refuses until the LB removes it; its check halts the wave.
                    CpBadKind::Crash => (per_host_rps * spec.lb_detect_s as f64, true, "host health check failed"),
                    // Errors until the deep check (run right after the host) halts.
                    CpBadKind::DeepCheckFails => (per_host_rps * 60.0, true, "deep health check failed"),
                    // Errors until the alarm, then until traffic is shifted and rolled back.
                    CpBadKind::ChecksMiss => {
                        (per_host_rps * (spec.bad.alarm_delay_s + spec.shift_s) as f64, true, "error-rate alarm fired")
                    }
                    CpBadKind::VersionIncompat => {
                        let fnew = f64::from(new_hosts) / f64::from(total_hosts.max(1));
                        let share = 2.0 * fnew * (1.0 - fnew);
                        let rps: f64 = spec.fleets.iter().map(|f| f.requests_per_s).sum();
                        (
                            rps * share * spec.bad.alarm_delay_s as f64,
                            true,
                            "error-rate alarm fired (old and new disagree)",
                        )
                    }
                };
                if f.customer_facing {
                    impact.customer_failed += failed;
                } else {
                    impact.other_failed += failed;
                }
                if halt {
                    let delay = match spec.bad.kind {
                        CpBadKind::Crash | CpBadKind::DeepCheckFails => 60,
                        _ => spec.bad.alarm_delay_s,
                    };
                    let at = t + SimDuration::from_secs(delay);
                    timeline.push((at, format!("{why} on {name} host {}: deployment halted, rolling back", slot + 1)));
                    timeline.push((at + SimDuration::from_secs(spec.rollback_s), "rollback complete".into()));
                    halted_at = Some(at.as_ms() / 1000);
                    out.push(impact);
                    break 'waves;
                }
            }
        }
        out.push(impact);
        t += SimDuration::from_secs(wave.bake_s);
    }
    Ok(CpReport { plan: spec.name.clone(), caught_in_staging: false, waves: out, halted_at_s: halted_at, timeline })
}

/// The external API of §B.1: three AZs, six hosts each, one AZ per wave.
pub fn external_api() -> ControlPlaneSpec {
    let azs = ["us-east-1a", "us-east-1b", "us-east-1c"];
    ControlPlaneSpec {
        name: "external API by AZ".into(),
        fleets: azs
            .iter()
            .map(|az| Fleet { name: az.to_string(), hosts: 6, requests_per_s: 300.0, customer_facing: true })
            .collect(),
        waves: azs.iter().map(|az| CpWave { fleets: vec![az.to_string()], bake_s: 86_400 }).collect(),
        split_world_staging: false,
        host_deploy_s: 300,
        rollback_s: 600,
        lb_detect_s: 60,
        shift_s: 300,
        bad: CpBadBuild { kind: CpBadKind::ChecksMiss, alarm_delay_s: 300 },
    }
}

/// The internal API of §B.2: batch → operations → customer, split-world staging.
pub fn internal_api() -> ControlPlaneSpec {
    let fleets = [("batch", 4, 50.0, false), ("operations", 6, 150.0, false), ("customer", 10, 600.0, true)];
    ControlPlaneSpec {
        name: "internal API by fleet".into(),
        fleets: fleets
            .iter()
            .map(|(n, h, r, c)| Fleet { name: n.to_string(), hosts: *h, requests_per_s: *r, customer_facing: *c })
            .collect(),
        waves: fleets.iter().map(|(n, ..)| CpWave { fleets: vec![n.to_string()], bake_s: 86_400 }).collect(),
        split_world_staging: true,
        host_deploy_s: 300,
        rollback_s: 600,
        lb_detect_s: 60,
        shift_s: 300,
        bad: CpBadBuild { kind: CpBadKind::DeepCheckFails, alarm_delay_s: 300 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_host_halts_the_first_az_and_spares_the_rest() {
        for kind in [CpBadKind::Crash, CpBadKind::DeepCheckFails, CpBadKind::ChecksMiss] {
            let mut s = external_api();
            s.bad.kind = kind;
            let r = run(&s).unwrap();
            assert_eq!(r.waves.len(), 1, "{kind:?}: halted in the first AZ");
            assert_eq!(r.waves[0].hosts_deployed, 1, "{kind:?}: host by host, one host");
            assert!(r.halted_at_s.is_some());
        }
    }

    #[test]
    fn checks_that_miss_cost_more_than_checks_that_catch() {
        let cost = |kind| {
            let mut s = external_api();
            s.bad.kind = kind;
            run(&s).unwrap().waves.iter().map(|w| w.customer_failed).sum::<f64>()
        };
        assert!(cost(CpBadKind::ChecksMiss) > cost(CpBadKind::Crash));
        assert!(cost(CpBadKind::Crash) > 0.0);
    }

    #[test]
    fn batch_first_keeps_customers_whole_and_split_world_catches_incompatibility() {
        let r = run(&internal_api()).unwrap();
        assert_eq!(r.waves.len(), 1);
        assert_eq!(r.waves[0].fleets, ["batch"]);
        assert_eq!(r.waves[0].customer_failed, 0.0);
        assert!(r.waves[0].other_failed > 0.0);
        // Customer fleet first: customers pay.
        let mut s = internal_api();
        s.waves.reverse();
        assert!(run(&s).unwrap().waves[0].customer_failed > 0.0);
        // Version incompatibility: caught in split-world staging, else in production.
        let mut s = internal_api();
        s.bad.kind = CpBadKind::VersionIncompat;
        assert!(run(&s).unwrap().caught_in_staging);
        s.split_world_staging = false;
        let r = run(&s).unwrap();
        assert!(!r.caught_in_staging && r.waves[0].other_failed > 0.0);
    }
}
