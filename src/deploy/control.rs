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

use serde::Serialize;

use crate::base::time::{SimDuration, SimTime};
use crate::spec::control::{ControlPlaneSpec, CpBadBuild, CpBadKind, CpWave, Fleet};
use crate::spec::problems::Problems;

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

/// Runs the bad build through the plan.
pub fn run(spec: &ControlPlaneSpec) -> Result<CpReport, Problems> {
    let mut problems = Problems::none();
    let max_s = crate::deploy::MAX_SPAN_S;
    for (path, v) in [
        ("host_deploy_s", spec.host_deploy_s),
        ("rollback_s", spec.rollback_s),
        ("lb_detect_s", spec.lb_detect_s),
        ("shift_s", spec.shift_s),
        ("bad.alarm_delay_s", spec.bad.alarm_delay_s),
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
            deployed_at: spec.fleets.iter().map(|f| vec![None; f.hosts as usize]).collect(),
            halt: None,
        });
    }
    let fleet = |name: &str| spec.fleets.iter().find(|f| f.name == name).expect("validated");
    let total_hosts: u32 = spec.fleets.iter().map(|f| f.hosts).sum();
    let mut t = SimTime::ZERO;
    let mut out = Vec::new();
    let mut halted_at = None;
    let mut new_hosts = 0u32;
    let mut deployed_at: Vec<Vec<Option<SimTime>>> = spec.fleets.iter().map(|f| vec![None; f.hosts as usize]).collect();
    let mut halt_span = None;
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
                if let Some(i) = spec.fleets.iter().position(|x| x.name == *name) {
                    deployed_at[i][slot as usize] = Some(t);
                }
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
                    halt_span = Some((at, at + SimDuration::from_secs(spec.rollback_s)));
                    out.push(impact);
                    break 'waves;
                }
            }
        }
        out.push(impact);
        t += SimDuration::from_secs(wave.bake_s);
    }
    Ok(CpReport {
        plan: spec.name.clone(),
        caught_in_staging: false,
        waves: out,
        halted_at_s: halted_at,
        timeline,
        deployed_at,
        halt: halt_span,
    })
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
    fn huge_fleets_and_times_are_refused_with_the_limit() {
        let mut s = external_api();
        s.fleets[0].hosts = u32::MAX;
        s.waves[0].bake_s = u64::MAX;
        let e = run(&s).unwrap_err();
        assert!(e.0.iter().any(|p| p.path == "fleets[0].hosts"), "{e:?}");
        assert!(e.0.iter().any(|p| p.path == "waves[0].bake_s"), "{e:?}");
    }
}
