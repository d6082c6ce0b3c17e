//! The deployment schedule: when each location runs the bad build, when the
//! deployment halts and rolls back — the part of a run that does not depend on
//! resolvers (the same for every seed).

use crate::base::queue::EventQueue;
use crate::base::time::{SimDuration, SimTime};
use crate::deploy::anycast::LocState;
use crate::spec::deploy::{BadKind, DeploySpec};

/// A host's health check catches a crash on start within this long, s [U].
pub const HOST_CHECK_S: u64 = 60;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Deploy { wave: usize },
    WaveDone { wave: usize },
    NextWave { wave: usize },
    Alarm,
    RollbackDone,
}

/// When each location runs the bad build, and what the deployment did: the part of
/// a run that does not depend on resolvers (the same for every seed).
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// Staging caught the build; production was never touched.
    pub caught_in_staging: bool,
    /// Per location: when it started serving the bad build, if it did.
    pub bad_since: Vec<Option<SimTime>>,
    /// Per location: when it stopped (rolled back, or the end of the run).
    pub bad_until: Vec<Option<SimTime>>,
    /// Per location: the wave that deployed it.
    pub wave_of: Vec<Option<usize>>,
    /// The first harmful location went live (or, for a crash, started deploying).
    pub first_bad: Option<SimTime>,
    /// The alarm (and halt).
    pub alarm_at: Option<SimTime>,
    /// Rollback complete.
    pub rollback_done: Option<SimTime>,
    /// Waves started.
    pub waves_started: usize,
    /// What happened, in words.
    pub timeline: Vec<(SimTime, String)>,
    /// When a wave started, per wave started.
    pub wave_start: Vec<SimTime>,
}

impl Schedule {
    /// Does the bad build hurt location `l` at all (slow builds only on old hardware)?
    pub fn harmful(&self, spec: &DeploySpec, l: usize) -> bool {
        spec.bad_build.kind != BadKind::SlowOnOldHardware || spec.fleet[l].hardware_gen <= spec.bad_build.old_gen
    }

    /// Location `l`'s state at `t`, as every resolver sees it once BGP has converged.
    pub fn state_of(&self, spec: &DeploySpec, l: usize, t: SimTime) -> LocState {
        let bad = spec.bad_build;
        match (self.bad_since[l], self.bad_until[l]) {
            (Some(s), Some(u)) if s <= t && t < u && self.harmful(spec, l) => match bad.kind {
                // On the alarm a silent location withdraws its announcement at once
                // (rollback follows); BGP then moves its catchment.
                BadKind::BlackHole if self.alarm_at.is_some_and(|a| t >= a) => LocState::Withdrawn,
                BadKind::BlackHole => LocState::BlackHole,
                // The crashed host is taken out of service; the location's other
                // hosts, still on the old build, keep answering.
                BadKind::Crash => LocState::Ok,
                BadKind::SlowOnOldHardware => LocState::Slow(bad.slow_ms),
                BadKind::WrongAnswers | BadKind::VersionIncompat => LocState::Wrong,
            },
            _ => LocState::Ok,
        }
    }

    /// The moment the run is over: rollback done, or an hour after the last location
    /// went live (an undetected build stays out).
    pub fn end(&self) -> SimTime {
        self.rollback_done.unwrap_or_else(|| {
            self.bad_since.iter().flatten().max().copied().unwrap_or(SimTime::ZERO) + SimDuration::from_secs(3_600)
        })
    }
}

/// The deployment of `spec`'s bad build through its plan: waves, alarm, halt, rollback.
pub fn schedule(spec: &DeploySpec) -> Schedule {
    let fleet = &spec.fleet;
    let idx = |id: &str| fleet.iter().position(|l| l.id == id).expect("validated");
    let waves: Vec<Vec<usize>> =
        spec.plan.waves.iter().map(|w| w.locations.iter().map(|id| idx(id)).collect()).collect();
    let bad = spec.bad_build;
    let mut timeline: Vec<(SimTime, String)> = Vec::new();
    // Staging: version incompatibility shows only when staging runs two versions at
    // once (split world); a crash shows on any staging host.
    let caught_in_staging = bad.kind == BadKind::VersionIncompat && spec.plan.staging_waves >= 2;
    if caught_in_staging {
        timeline.push((
            SimTime::ZERO,
            format!("staging catches the {} build; production is never touched", bad.kind.as_str()),
        ));
        return Schedule {
            caught_in_staging: true,
            bad_since: vec![None; fleet.len()],
            bad_until: vec![None; fleet.len()],
            wave_of: vec![None; fleet.len()],
            first_bad: None,
            alarm_at: None,
            rollback_done: None,
            waves_started: 0,
            timeline,
            wave_start: Vec::new(),
        };
    }

    // The deployment timeline: which locations run the bad build, when.
    let mut q: EventQueue<Ev> = EventQueue::default();
    let mut bad_since: Vec<Option<SimTime>> = vec![None; fleet.len()];
    let mut bad_until: Vec<Option<SimTime>> = vec![None; fleet.len()];
    let mut wave_of: Vec<Option<usize>> = vec![None; fleet.len()];
    let mut first_bad: Option<SimTime> = None;
    let mut alarm_at = None;
    let mut rollback_done = None;
    let mut halted = false;
    let mut waves_started = 0;
    let mut wave_start = Vec::new();
    // Slow builds only hurt (and only alarm) on old hardware.
    let harmful = |l: usize| bad.kind != BadKind::SlowOnOldHardware || fleet[l].hardware_gen <= bad.old_gen;
    if !waves.is_empty() {
        q.schedule(SimTime::ZERO, Ev::NextWave { wave: 0 });
    }
    while let Some((t, ev)) = q.pop_until(SimTime(u64::MAX)) {
        match ev {
            Ev::NextWave { wave } => {
                if halted || wave >= waves.len() {
                    continue;
                }
                waves_started += 1;
                wave_start.push(t);
                timeline.push((t, format!("wave {} starts: {}", wave + 1, spec.plan.waves[wave].locations.join(", "))));
                q.schedule(t, Ev::Deploy { wave });
            }
            Ev::Deploy { wave } => {
                if halted {
                    continue;
                }
                // The wave's locations deploy together; hosts inside a location go one
                // at a time, so a location is live `unit_deploy_s` later.
                let live = t + SimDuration::from_secs(spec.plan.unit_deploy_s);
                for &l in &waves[wave] {
                    bad_since[l] = Some(live);
                    wave_of[l] = Some(wave);
                    timeline.push((
                        live,
                        format!("{} ({}, stripe {}) runs the new build", fleet[l].id, fleet[l].city, fleet[l].stripe),
                    ));
                    if harmful(l) && first_bad.is_none() {
                        // A crash fails the first host's health check as it starts.
                        let (from, delay) =
                            if bad.kind == BadKind::Crash { (t, HOST_CHECK_S) } else { (live, bad.alarm_delay_s) };
                        first_bad = Some(from);
                        if bad.detected || bad.kind == BadKind::Crash {
                            q.schedule(from + SimDuration::from_secs(delay), Ev::Alarm);
                        }
                    }
                }
                q.schedule(live + SimDuration::from_secs(spec.plan.verify_s), Ev::WaveDone { wave });
            }
            Ev::WaveDone { wave } => {
                if halted {
                    continue;
                }
                timeline.push((t, format!("wave {} verified; baking {} s", wave + 1, spec.plan.waves[wave].bake_s)));
                q.schedule(t + SimDuration::from_secs(spec.plan.waves[wave].bake_s), Ev::NextWave { wave: wave + 1 });
            }
            Ev::Alarm => {
                if halted {
                    continue;
                }
                halted = true;
                alarm_at = Some(t);
                timeline.push((t, format!("alarm: {} detected; deployment halted, rolling back", bad.kind.as_str())));
                let done = t + SimDuration::from_secs(spec.plan.rollback_s);
                for l in 0..fleet.len() {
                    if let Some(since) = bad_since[l] {
                        bad_until[l] = Some(done.max(since));
                        // A location still deploying when the alarm fires is rolled back too.
                    }
                }
                q.schedule(done, Ev::RollbackDone);
            }
            Ev::RollbackDone => {
                rollback_done = Some(t);
                timeline.push((t, "rollback complete: every location runs the previous build".into()));
            }
        }
    }
    let end = rollback_done.unwrap_or_else(|| {
        bad_since.iter().flatten().max().copied().unwrap_or(SimTime::ZERO) + SimDuration::from_secs(3_600)
    });
    for l in 0..fleet.len() {
        if bad_since[l].is_some() && bad_until[l].is_none() {
            bad_until[l] = Some(end);
        }
    }
    // Locations still deploying after a halt never went live.
    if let Some(a) = alarm_at {
        for l in 0..fleet.len() {
            if bad_since[l].is_some_and(|s| s > a) {
                bad_since[l] = None;
                bad_until[l] = None;
                wave_of[l] = None;
            }
        }
    }

    timeline.sort_by_key(|e| e.0);
    Schedule {
        caught_in_staging: false,
        bad_since,
        bad_until,
        wave_of,
        first_bad,
        alarm_at,
        rollback_done,
        waves_started,
        timeline,
        wave_start,
    }
}
