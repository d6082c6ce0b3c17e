//! Control-plane deployments: fleets of API hosts behind load balancers, deployed
//! host by host, wave by wave, with health checks that halt a wave, a load balancer
//! that removes failed hosts, and an error-rate alarm. Parameters and sources:
//! `docs/model.md` ("Control plane (API deployments)").
//!
//! - **External API**: one wave per availability zone, hosts one at a time; a failed
//!   host halts the AZ's deployment; the AZ's load balancer removes failed hosts
//!   after its own detection time (ALB 30 s × 2 by default); for failures the LB
//!   check misses, operators shift traffic away from the AZ once the error-rate
//!   alarm fires (`shift_s`).
//! - **Internal API**: fleets by traffic type — batch, operations, customer —
//!   deployed in that order, each host by host with a deep application health check
//!   that halts on failure.
//! - **Staging** runs every fleet's build in one wave, or, with split-world staging,
//!   in two: between them old and new serve side by side, so a share `2·f·(1−f)` of
//!   requests (`f`, the new hosts' share) cross versions. The error-rate alarm sees a
//!   version incompatibility there only when the versions meet.
//! - **The error-rate alarm** is a CloudWatch-style alarm per fleet
//!   ([`crate::deploy::detector`]): one datapoint per period, the share of the fleet's
//!   requests that failed. A host that fails every request is `1/hosts` of its
//!   fleet's traffic; a version incompatibility fails `2·f·(1−f)` of every fleet's.
//!
//! Bad builds: crash on start (the host check fails), a failure only the deep check
//! sees, a failure no check sees (requests fail until the error-rate alarm and the
//! traffic shift), and a version incompatibility.

use serde::Serialize;

use crate::base::time::{SimDuration, SimTime};
use crate::deploy::detector::{self, Step};
use crate::spec::control::{ControlPlaneSpec, CpBadBuild, CpBadKind, CpWave, Fleet};
use crate::spec::deploy::AlarmSpec;
use crate::spec::problems::Problems;

/// A host check (the deep application check, or the first host's own check on a crash)
/// fails the host within this long, s (an assumption, as for the data plane).
pub const CHECK_S: u64 = 60;

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
    /// What each wave of the plan did, in order.
    pub waves: Vec<CpWaveImpact>,
    /// Halt time, s from the start of production.
    pub halted_at_s: Option<u64>,
    /// What happened, in order.
    pub timeline: Vec<(SimTime, String)>,
    /// Per fleet, when each host received the build (hosts never reached: none).
    #[serde(skip)]
    pub deployed_at: Vec<Vec<Option<SimTime>>>,
    /// When the halt began and when the rollback finished.
    #[serde(skip)]
    pub halt: Option<(SimTime, SimTime)>,
}

/// A control-plane host at a moment, as the fleet view shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostNow {
    /// The previous build.
    Old,
    /// The new build, serving well (or failing in a way nobody sees yet: see `failing`).
    New,
    /// The new build, failing requests.
    Failing,
    /// Taken out of service by its load balancer (or traffic shifted away).
    OutOfService,
    /// Rolled back to the previous build.
    RolledBack,
}

impl HostNow {
    /// In words.
    pub fn as_str(self) -> &'static str {
        match self {
            HostNow::Old => "previous build",
            HostNow::New => "new build",
            HostNow::Failing => "new build, failing",
            HostNow::OutOfService => "out of service",
            HostNow::RolledBack => "rolled back",
        }
    }
}

impl CpReport {
    /// Half an hour after the last thing that happened (at least an hour).
    pub fn end(&self) -> SimTime {
        let last = self.timeline.iter().map(|e| e.0.as_ms()).max().unwrap_or(0);
        SimTime((last + 1_800_000).max(3_600_000))
    }

    /// Host `h` of fleet `f` at `t`: a bad build fails from the moment it is on the
    /// host (a version incompatibility only while old and new both serve); the load
    /// balancer takes a crashed host out after its detection time, operators shift
    /// traffic away `shift_s` after the alarm; the rollback restores every host.
    pub fn host(&self, spec: &ControlPlaneSpec, f: usize, h: usize, t: SimTime) -> HostNow {
        let Some(Some(at)) = self.deployed_at.get(f).and_then(|v| v.get(h)).copied() else { return HostNow::Old };
        if t < at {
            return HostNow::Old;
        }
        if let Some((halt, done)) = self.halt {
            if t >= done {
                return HostNow::RolledBack;
            }
            let out = match spec.bad.kind {
                CpBadKind::Crash => at + SimDuration::from_secs(spec.lb_detect_s),
                CpBadKind::DeepCheckFails => halt,
                CpBadKind::ChecksMiss | CpBadKind::VersionIncompat => halt + SimDuration::from_secs(spec.shift_s),
            };
            if t >= out {
                return HostNow::OutOfService;
            }
        }
        HostNow::Failing
    }
}

/// When staging's alarm fires (ms) and the share of requests failing while the
/// versions are mixed, for a build that fails requests crossing versions, staged in
/// `waves` waves each baking `bake_s`; `None` when staging lets it through.
pub fn split_world(alarm: &AlarmSpec, waves: u32, bake_s: u64) -> Option<(u64, f64)> {
    let w = u64::from(waves);
    let bake = bake_s * 1_000;
    let steps: Vec<Step> = (1..=w)
        .map(|k| {
            let f = k as f64 / w as f64;
            ((k - 1) * bake, 2.0 * f * (1.0 - f))
        })
        .collect();
    let worst = steps.iter().map(|s| s.1).fold(0.0, f64::max);
    detector::fires_at(alarm, &steps, w * bake).map(|t| (t, worst))
}

/// Runs the bad build through the plan.
pub fn run(spec: &ControlPlaneSpec) -> Result<CpReport, Problems> {
    validate(spec)?;
    let mut timeline = Vec::new();
    if caught_in_staging(spec, &mut timeline) {
        return Ok(CpReport {
            plan: spec.name.clone(),
            caught_in_staging: true,
            waves: vec![],
            halted_at_s: None,
            timeline,
            deployed_at: no_hosts(spec),
            halt: None,
        });
    }
    let (hosts, wave_start, t) = deployment(spec);
    let until = t.as_ms() + 86_400_000;
    let total_hosts: u32 = spec.fleets.iter().map(|f| f.hosts).sum();
    // The share of new hosts from each deployment on.
    let f_new: Vec<Step> = hosts
        .iter()
        .enumerate()
        .map(|(k, h)| (h.0.as_ms(), f64::from(k as u32 + 1) / f64::from(total_hosts.max(1))))
        .collect();
    let halt = halt(spec, &hosts, &f_new, until);
    let halt_at = halt.as_ref().map(|h| h.0);
    let deployed: Vec<&HostDeploy> = hosts.iter().filter(|h| halt_at.is_none_or(|a| h.0 <= a)).collect();
    let mut deployed_at = no_hosts(spec);
    for h in &deployed {
        deployed_at[h.1][h.2 as usize] = Some(h.0);
    }
    let waves_started = wave_start.iter().filter(|&&s| halt_at.is_none_or(|a| s <= a)).count();
    let mut out: Vec<CpWaveImpact> = (0..waves_started)
        .map(|w| CpWaveImpact { wave: w + 1, fleets: spec.waves[w].fleets.clone(), ..CpWaveImpact::default() })
        .collect();
    for (w, &s) in wave_start.iter().enumerate().take(waves_started) {
        timeline.push((s, format!("wave {} starts: {}", w + 1, spec.waves[w].fleets.join(", "))));
    }
    charge_failures(spec, &deployed, &f_new, halt_at, until, &mut out);
    let mut halt_span = None;
    if let Some((at, _, why)) = &halt {
        timeline.push((*at, format!("{why}: deployment halted, rolling back")));
        let done = *at + SimDuration::from_secs(spec.rollback_s);
        timeline.push((done, "rollback complete".into()));
        halt_span = Some((*at, done));
    }
    timeline.sort_by_key(|e| e.0);
    Ok(CpReport {
        plan: spec.name.clone(),
        caught_in_staging: false,
        waves: out,
        halted_at_s: halt_at.map(|a| a.as_ms() / 1000),
        timeline,
        deployed_at,
        halt: halt_span,
    })
}

/// One host's deployment in the plan without a halt: (when, fleet, host, wave).
type HostDeploy = (SimTime, usize, u32, usize);

/// No host of any fleet deployed.
fn no_hosts(spec: &ControlPlaneSpec) -> Vec<Vec<Option<SimTime>>> {
    spec.fleets.iter().map(|f| vec![None; f.hosts as usize]).collect()
}

/// Every problem with the plan: spans over the limit, fleets too large or with a
/// bad request rate, too many fleets or waves, waves naming no fleet, the alarm.
fn validate(spec: &ControlPlaneSpec) -> Result<(), Problems> {
    let mut problems = Problems::none();
    let max_s = crate::deploy::MAX_SPAN_S;
    for (path, v) in [
        ("host_deploy_s", spec.host_deploy_s),
        ("rollback_s", spec.rollback_s),
        ("lb_detect_s", spec.lb_detect_s),
        ("shift_s", spec.shift_s),
        ("staging_bake_s", spec.staging_bake_s),
    ]
    .map(|(p, v)| (p.to_string(), v))
    .into_iter()
    .chain(spec.waves.iter().enumerate().map(|(w, wave)| (format!("waves[{w}].bake_s"), wave.bake_s)))
    {
        if v > max_s {
            problems.push(path, format!("{v} s; the limit is {max_s} s (30 days)"));
        }
    }
    for (i, f) in spec.fleets.iter().enumerate() {
        if f.hosts > 10_000 {
            problems.push(format!("fleets[{i}].hosts"), format!("{}; the limit is 10000", f.hosts));
        }
        if !(f.requests_per_s.is_finite() && f.requests_per_s >= 0.0) {
            problems.push(format!("fleets[{i}].requests_per_s"), format!("{} (0 or more)", f.requests_per_s));
        }
    }
    if spec.fleets.len() > 100 || spec.waves.len() > 100 {
        problems.push(
            "fleets",
            format!("{} fleets and {} waves; the limit is 100 of each", spec.fleets.len(), spec.waves.len()),
        );
    }
    for (w, wave) in spec.waves.iter().enumerate() {
        for (j, f) in wave.fleets.iter().enumerate() {
            if !spec.fleets.iter().any(|x| x.name == *f) {
                problems.push(format!("waves[{w}].fleets[{j}]"), format!("no fleet '{f}'"));
            }
        }
    }
    problems.0.extend(crate::deploy::validate_alarm("alarm", &spec.alarm).0);
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// Does staging catch a build that fails requests crossing versions? Only a
/// split-world staging (old and new side by side) can; the timeline says which
/// happened.
fn caught_in_staging(spec: &ControlPlaneSpec, timeline: &mut Vec<(SimTime, String)>) -> bool {
    if spec.bad.kind == CpBadKind::VersionIncompat {
        let waves = if spec.split_world_staging { 2 } else { 1 };
        match split_world(&spec.alarm, waves, spec.staging_bake_s) {
            Some((at, share)) => {
                timeline.push((
                    SimTime::ZERO,
                    format!(
                        "split-world staging runs old and new side by side: {:.0} % of requests cross versions and fail; the error-rate alarm fires after {}",
                        share * 100.0,
                        SimDuration::from_ms(at)
                    ),
                ));
                return true;
            }
            None => timeline.push((
                SimTime::ZERO,
                "staging switches every host in one wave: old and new never serve side by side there".into(),
            )),
        }
    }
    false
}

/// The deployment without a halt: each host's moment and the wave it belongs to,
/// when each wave starts, and when the last wave's bake ends.
fn deployment(spec: &ControlPlaneSpec) -> (Vec<HostDeploy>, Vec<SimTime>, SimTime) {
    let fleet_idx = |name: &str| spec.fleets.iter().position(|f| f.name == name).expect("validated");
    let mut t = SimTime::ZERO;
    let mut hosts: Vec<HostDeploy> = Vec::new();
    let mut wave_start = Vec::new();
    for (w, wave) in spec.waves.iter().enumerate() {
        wave_start.push(t);
        // Fleets of a wave deploy in parallel, host by host: step through host slots.
        let max_hosts = wave.fleets.iter().map(|f| spec.fleets[fleet_idx(f)].hosts).max().unwrap_or(0);
        for slot in 0..max_hosts {
            t += SimDuration::from_secs(spec.host_deploy_s);
            for name in &wave.fleets {
                let f = fleet_idx(name);
                if slot < spec.fleets[f].hosts {
                    hosts.push((t, f, slot, w));
                }
            }
        }
        t += SimDuration::from_secs(wave.bake_s);
    }
    (hosts, wave_start, t)
}

/// When (and why) the deployment halts, and the fleet whose alarm fired: the first
/// host's failed check, a fleet's error-rate alarm, or the alarm over requests
/// crossing versions; `None` when nothing stops it before `until`.
fn halt(spec: &ControlPlaneSpec, hosts: &[HostDeploy], f_new: &[Step], until: u64) -> Option<(SimTime, usize, String)> {
    match (spec.bad.kind, hosts.first()) {
        (_, None) => None,
        (CpBadKind::Crash, Some(h)) => Some((
            h.0 + SimDuration::from_secs(CHECK_S),
            0,
            format!("host health check failed on {} host {}", spec.fleets[h.1].name, h.2 + 1),
        )),
        (CpBadKind::DeepCheckFails, Some(h)) => Some((
            h.0 + SimDuration::from_secs(CHECK_S),
            0,
            format!("deep health check failed on {} host {}", spec.fleets[h.1].name, h.2 + 1),
        )),
        (CpBadKind::ChecksMiss, _) => (0..spec.fleets.len())
            .filter_map(|f| {
                // Each new host fails its share (1/hosts) of the fleet's requests.
                let n = f64::from(spec.fleets[f].hosts.max(1));
                let steps: Vec<Step> = hosts
                    .iter()
                    .filter(|h| h.1 == f)
                    .enumerate()
                    .map(|(k, h)| (h.0.as_ms(), (k + 1) as f64 / n))
                    .collect();
                detector::fires_at(&spec.alarm, &steps, until).map(|at| (SimTime(at), f))
            })
            .min()
            .map(|(at, f)| (at, f, format!("error-rate alarm fired on {}", spec.fleets[f].name))),
        (CpBadKind::VersionIncompat, _) => {
            let steps: Vec<Step> = f_new.iter().map(|&(t, f)| (t, 2.0 * f * (1.0 - f))).collect();
            detector::fires_at(&spec.alarm, &steps, until)
                .map(|at| (SimTime(at), 0, "error-rate alarm fired (old and new disagree)".to_string()))
        }
    }
}

/// Failed requests, charged to the wave of the host that failed them (for a version
/// incompatibility, to the wave deploying while requests cross versions).
fn charge_failures(
    spec: &ControlPlaneSpec,
    deployed: &[&HostDeploy],
    f_new: &[Step],
    halt_at: Option<SimTime>,
    until: u64,
    out: &mut [CpWaveImpact],
) {
    let stop = |h_at: SimTime| -> f64 {
        // How long a failing host's requests fail.
        let end = match spec.bad.kind {
            CpBadKind::Crash => h_at + SimDuration::from_secs(spec.lb_detect_s),
            CpBadKind::DeepCheckFails => h_at + SimDuration::from_secs(CHECK_S),
            _ => halt_at.map_or(SimTime(until), |a| a + SimDuration::from_secs(spec.shift_s)),
        };
        end.as_ms().saturating_sub(h_at.as_ms()) as f64 / 1000.0
    };
    for h in deployed {
        let fl = &spec.fleets[h.1];
        out[h.3].hosts_deployed += 1;
        if spec.bad.kind == CpBadKind::VersionIncompat {
            continue;
        }
        let failed = fl.requests_per_s / f64::from(fl.hosts.max(1)) * stop(h.0);
        if fl.customer_facing {
            out[h.3].customer_failed += failed;
        } else {
            out[h.3].other_failed += failed;
        }
    }
    if spec.bad.kind == CpBadKind::VersionIncompat && !deployed.is_empty() {
        // Every fleet's requests cross versions at 2·f·(1−f) from the first new host
        // until traffic is shifted away; charged to the wave deploying at the time.
        let end = halt_at.map_or(until, |a| a.as_ms() + spec.shift_s * 1_000);
        for (k, h) in deployed.iter().enumerate() {
            let from = h.0.as_ms();
            let to = deployed.get(k + 1).map_or(end, |n| n.0.as_ms()).min(end);
            let f = f_new[k].1;
            let secs = to.saturating_sub(from) as f64 / 1000.0;
            for fl in &spec.fleets {
                let failed = fl.requests_per_s * 2.0 * f * (1.0 - f) * secs;
                if fl.customer_facing {
                    out[h.3].customer_failed += failed;
                } else {
                    out[h.3].other_failed += failed;
                }
            }
        }
    }
}

/// The external API of the field designs: three AZs, six hosts each, one AZ per wave.
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
        staging_bake_s: 3_600,
        alarm: AlarmSpec::default(),
        host_deploy_s: 300,
        rollback_s: 600,
        lb_detect_s: 60,
        shift_s: 300,
        bad: CpBadBuild { kind: CpBadKind::ChecksMiss, alarm_delay_s: None },
    }
}

/// The internal API of the field designs: batch → operations → customer, split-world
/// staging.
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
        staging_bake_s: 3_600,
        alarm: AlarmSpec::default(),
        host_deploy_s: 300,
        rollback_s: 600,
        lb_detect_s: 60,
        shift_s: 300,
        bad: CpBadBuild { kind: CpBadKind::DeepCheckFails, alarm_delay_s: None },
    }
}

impl crate::deploy::WaveLike for CpWave {
    fn items(&self) -> &Vec<String> {
        &self.fleets
    }
    fn items_mut(&mut self) -> &mut Vec<String> {
        &mut self.fleets
    }
    fn empty(bake_s: u64) -> Self {
        CpWave { fleets: Vec::new(), bake_s }
    }
    fn bake(&self) -> u64 {
        self.bake_s
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

    #[test]
    fn hosts_fail_one_at_a_time_and_the_lb_or_the_rollback_ends_it() {
        let mut s = external_api();
        s.bad.kind = CpBadKind::Crash;
        let r = run(&s).unwrap();
        let at = r.deployed_at[0][0].expect("the first host got the build");
        assert_eq!(r.host(&s, 0, 0, SimTime(at.as_ms() - 1)), HostNow::Old);
        assert_eq!(r.host(&s, 0, 0, at), HostNow::Failing);
        assert_eq!(r.host(&s, 0, 0, at + SimDuration::from_secs(s.lb_detect_s)), HostNow::OutOfService);
        let (_, done) = r.halt.unwrap();
        assert_eq!(r.host(&s, 0, 0, done), HostNow::RolledBack);
        assert!(r.end() > done);
        // Reordering fleets between waves moves the AZ the build reaches first.
        let mut s2 = external_api();
        crate::deploy::move_item(&mut s2.waves, "us-east-1c", Some(0));
        assert_eq!(s2.waves.len(), 2, "the emptied wave is dropped");
        assert_eq!(s2.waves[0].fleets, ["us-east-1a", "us-east-1c"]);
        // Host by host: the second host and the other AZs never got it.
        assert_eq!(r.deployed_at[0][1], None);
        assert!(r.deployed_at[1].iter().all(Option::is_none));
        assert_eq!(r.host(&s, 1, 0, done), HostNow::Old);
        // Split-world staging: production hosts never change.
        let mut s = internal_api();
        s.bad.kind = CpBadKind::VersionIncompat;
        let r = run(&s).unwrap();
        assert!(r.caught_in_staging && r.deployed_at.iter().flatten().all(Option::is_none));
    }

    #[test]
    fn the_error_rate_alarm_fires_from_its_datapoints() {
        // One failing host of six: 1/6 of the AZ's requests fail from its deploy at
        // 300 s (a period boundary): 3 of 3 breaching minutes, then the publication delay.
        let s = external_api();
        let r = run(&s).unwrap();
        let a = &s.alarm;
        assert_eq!(r.halted_at_s, Some(300 + 3 * a.period_s + a.publish_delay_s));
        assert!(r.timeline.iter().any(|e| e.1.starts_with("error-rate alarm fired on us-east-1a")));
        // A threshold above one host's share (16.7 %) waits for the second host (33 %).
        let mut s = external_api();
        s.alarm.threshold_pct = 20.0;
        let r = run(&s).unwrap();
        assert_eq!(r.waves[0].hosts_deployed, 2);
        assert_eq!(r.halted_at_s, Some(600 + 3 * a.period_s + a.publish_delay_s));
        // Above every share the AZ can reach before the next deploys, M of N never holds:
        // the whole AZ gets the build before the alarm.
        let mut s = external_api();
        s.alarm.threshold_pct = 90.0;
        let r = run(&s).unwrap();
        assert_eq!(r.waves[0].hosts_deployed, 6);
    }

    #[test]
    fn staging_in_two_waves_shows_the_incompatibility_one_wave_does_not() {
        let a = AlarmSpec::default();
        let (at, share) = split_world(&a, 2, 3_600).expect("old and new side by side");
        assert_eq!(share, 0.5);
        assert_eq!(at, 3 * 60_000 + a.publish_delay_s * 1_000);
        assert_eq!(split_world(&a, 1, 3_600), None, "one wave: f jumps from 0 to 1");
        // Too short a bake to collect M datapoints: not caught.
        assert_eq!(split_world(&a, 2, 120), None);
        // In production, crossing requests fail at 2·f·(1−f) of the traffic.
        let mut s = internal_api();
        s.bad.kind = CpBadKind::VersionIncompat;
        s.split_world_staging = false;
        let r = run(&s).unwrap();
        let total: u32 = s.fleets.iter().map(|f| f.hosts).sum();
        let f = 1.0 / f64::from(total);
        let share = 2.0 * f * (1.0 - f);
        assert!(share >= a.threshold_pct / 100.0, "one new host of {total} already breaches");
        assert_eq!(r.waves[0].hosts_deployed, 1);
    }

    #[test]
    fn huge_fleets_and_times_are_refused_with_the_limit() {
        let mut s = external_api();
        s.fleets[0].hosts = u32::MAX;
        s.waves[0].bake_s = u64::MAX;
        let e = run(&s).unwrap_err();
        assert!(e.0.iter().any(|p| p.path == "fleets[0].hosts"), "{e:?}");
        assert!(e.0.iter().any(|p| p.path == "waves[0].bake_s"), "{e:?}");
    }
}
