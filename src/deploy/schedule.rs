//! The deployment schedule: staging, when each location runs the bad build, what
//! state each location is in over time, when the alarm fires from its datapoints, and
//! when the deployment halts and rolls back — the part of a run that does not depend
//! on resolvers (the same for every seed). Parameters and sources: `docs/model.md`
//! ("Data plane: waves, staging and the alarm").
//!
//! - **Staging** runs the build on a small fleet in `staging_waves` waves, each
//!   switching its hosts at once and baking `staging_bake_s`. Between two waves old
//!   and new serve side by side, so a share `2·f·(1−f)` of the canaries' requests
//!   (`f`, the new share) cross versions; a version incompatibility makes those fail,
//!   and the alarm catches it there. With one staging wave the versions never meet.
//! - **Production**: a wave's locations deploy together, host by host, each going
//!   live `unit_deploy_s` after the wave starts; verification, the bake, the next wave.
//! - **The alarm** watches each location through canaries: one datapoint per period,
//!   the share of their answers that failed (silent, wrong when the canaries verify
//!   answers, slower than the latency threshold); it fires from
//!   [`crate::deploy::detector`]. A crash on start is caught by the first host's own
//!   health check instead ([`HOST_CHECK_S`]).
//! - The alarm halts the plan: every deployed location rolls back within
//!   `rollback_s`, and a silent location withdraws its announcement at once.

use crate::base::queue::EventQueue;
use crate::base::time::{SimDuration, SimTime};
use crate::deploy::anycast::LocState;
use crate::deploy::detector::{self, Step};
use crate::spec::deploy::{BadKind, DeploySpec};

/// A host's health check catches a crash on start within this long, s (an
/// assumption: one failed check of a load balancer's default 30 s interval, twice).
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
    /// The location whose alarm fired first.
    pub alarm_location: Option<usize>,
    /// Rollback complete.
    pub rollback_done: Option<SimTime>,
    /// How many waves started before the plan stopped or finished.
    pub waves_started: usize,
    /// What happened, in words.
    pub timeline: Vec<(SimTime, String)>,
    /// When a wave started, per wave started.
    pub wave_start: Vec<SimTime>,
    /// Per location: its state from each moment on, as every resolver sees it once BGP
    /// has converged (the first entry at time 0).
    pub states: Vec<Vec<(SimTime, LocState)>>,
    /// When each wave's locations went live, in time order.
    wave_live: Vec<(SimTime, usize)>,
}

impl Schedule {
    /// Does the bad build hurt location `l` at all (slow builds only on old hardware)?
    pub fn harmful(&self, spec: &DeploySpec, l: usize) -> bool {
        spec.bad_build.kind != BadKind::SlowOnOldHardware || spec.fleet[l].hardware_gen <= spec.bad_build.old_gen
    }

    /// Location `l`'s state at `t`, as every resolver sees it once BGP has converged.
    pub fn state_of(&self, l: usize, t: SimTime) -> LocState {
        let v = &self.states[l];
        let k = v.partition_point(|e| e.0 <= t);
        if k == 0 { LocState::Ok } else { v[k - 1].1 }
    }

    /// The moment the run is over: rollback done, or an hour after the last location
    /// went live (an undetected build stays out).
    pub fn end(&self) -> SimTime {
        self.rollback_done.unwrap_or_else(|| {
            self.bad_since.iter().flatten().max().copied().unwrap_or(SimTime::ZERO) + SimDuration::from_secs(3_600)
        })
    }

    /// The wave harm at location `l` at `t` is charged to: the wave that deployed it,
    /// or, for a location still on the old version (a version incompatibility), the
    /// latest wave that had gone live by then.
    pub fn blame_wave(&self, l: usize, t: SimTime) -> Option<usize> {
        if let (Some(w), Some(s)) = (self.wave_of[l], self.bad_since[l])
            && s <= t
        {
            return Some(w);
        }
        let k = self.wave_live.partition_point(|e| e.0 <= t);
        self.wave_live[..k].iter().map(|e| e.1).max()
    }
}

/// The share of the canaries' answers at a location in `state` that count as failed.
pub fn canary_failure_share(spec: &DeploySpec, state: LocState) -> f64 {
    let watched = spec.bad_build.detected;
    match state {
        LocState::Ok | LocState::Withdrawn => 0.0,
        LocState::BlackHole => 1.0,
        // Canaries sit in the location's metro: their answer takes `base_ms` plus the
        // slowdown.
        LocState::Slow(x) => {
            if spec.anycast.base_ms + f64::from(x) > spec.alarm.latency_threshold_ms {
                1.0
            } else {
                0.0
            }
        }
        LocState::Wrong if watched => 1.0,
        LocState::Crossing(p) if watched => f64::from(p) / 1000.0,
        LocState::Wrong | LocState::Crossing(_) => 0.0,
    }
}

/// Staging's verdict: when (ms after staging starts) its alarm fires, and the share
/// of canary requests that failed while the versions were mixed; `None` when staging
/// lets the build through.
pub fn staging(spec: &DeploySpec) -> Option<(u64, f64)> {
    let w = u64::from(spec.plan.staging_waves);
    if spec.bad_build.kind != BadKind::VersionIncompat || !spec.bad_build.detected || w == 0 {
        return None;
    }
    let bake = spec.plan.staging_bake_s * 1_000;
    let steps: Vec<Step> = (1..=w)
        .map(|k| {
            let f = k as f64 / w as f64;
            ((k - 1) * bake, 2.0 * f * (1.0 - f))
        })
        .collect();
    let worst = steps.iter().map(|s| s.1).fold(0.0, f64::max);
    detector::fires_at(&spec.alarm, &steps, w * bake).map(|t| (t, worst))
}

/// The deployment of `spec`'s bad build through its plan: staging, waves, alarm,
/// halt, rollback.
pub fn schedule(spec: &DeploySpec) -> Schedule {
    let fleet = &spec.fleet;
    let bad = spec.bad_build;
    if let Some((at, share)) = staging(spec) {
        let text = format!(
            "staging ({} waves): while old and new serve side by side, {:.0} % of the canaries' requests cross versions and fail; the alarm fires after {}: the {} build never reaches production",
            spec.plan.staging_waves,
            share * 100.0,
            SimDuration::from_ms(at),
            bad.kind.as_str()
        );
        return Schedule {
            caught_in_staging: true,
            bad_since: vec![None; fleet.len()],
            bad_until: vec![None; fleet.len()],
            wave_of: vec![None; fleet.len()],
            first_bad: None,
            alarm_at: None,
            alarm_location: None,
            rollback_done: None,
            waves_started: 0,
            timeline: vec![(SimTime::ZERO, text)],
            wave_start: Vec::new(),
            states: vec![vec![(SimTime::ZERO, LocState::Ok)]; fleet.len()],
            wave_live: Vec::new(),
        };
    }
    // First without a halt: when would the alarm fire? Before it fires nothing has
    // halted, so this run's states up to then are the real ones.
    let free = plan(spec, None);
    let alarm = if bad.kind == BadKind::Crash {
        // The first host fails its health check as it starts.
        free.first_bad.map(|t| (t + SimDuration::from_secs(HOST_CHECK_S), None))
    } else if bad.detected {
        let until = free.end().as_ms();
        (0..fleet.len())
            .filter_map(|l| {
                let steps: Vec<Step> =
                    free.states[l].iter().map(|&(t, st)| (t.as_ms(), canary_failure_share(spec, st))).collect();
                detector::fires_at(&spec.alarm, &steps, until).map(|at| (SimTime(at), Some(l)))
            })
            .min_by_key(|&(t, l)| (t, l))
    } else {
        None
    };
    let mut s = match alarm {
        Some((at, _)) => plan(spec, Some(at)),
        None => free,
    };
    s.alarm_location = alarm.and_then(|a| a.1);
    if let (Some(at), Some(l)) = (s.alarm_at, s.alarm_location)
        && let Some(e) = s.timeline.iter_mut().find(|e| e.0 == at && e.1.starts_with("alarm:"))
    {
        let a = &spec.alarm;
        e.1 = format!(
            "alarm: {} detected at {} ({} of {} {}-s datapoints with at least {} % of canary answers failed); deployment halted, rolling back",
            bad.kind.as_str(),
            fleet[l].id,
            a.datapoints_to_alarm.clamp(1, a.evaluation_periods.max(1)),
            a.evaluation_periods.max(1),
            a.period_s,
            a.threshold_pct
        );
    }
    s
}

/// The plan run with the alarm at `alarm` (or never).
fn plan(spec: &DeploySpec, alarm: Option<SimTime>) -> Schedule {
    let fleet = &spec.fleet;
    let idx = |id: &str| fleet.iter().position(|l| l.id == id).expect("validated");
    let waves: Vec<Vec<usize>> =
        spec.plan.waves.iter().map(|w| w.locations.iter().map(|id| idx(id)).collect()).collect();
    let mut r = Rollout {
        spec,
        q: EventQueue::default(),
        bad_since: vec![None; fleet.len()],
        bad_until: vec![None; fleet.len()],
        wave_of: vec![None; fleet.len()],
        first_bad: None,
        alarm_at: None,
        rollback_done: None,
        halted: false,
        waves_started: 0,
        wave_start: Vec::new(),
        timeline: staging_timeline(spec),
        waves,
    };
    if !r.waves.is_empty() {
        r.q.schedule(SimTime::ZERO, Ev::NextWave { wave: 0 });
    }
    if let Some(a) = alarm {
        r.q.schedule(a, Ev::Alarm);
    }
    while let Some((t, ev)) = r.q.pop_until(SimTime(u64::MAX)) {
        r.handle(t, ev);
    }
    r.finish()
}

/// What staging shows of a bad build that staging cannot catch.
fn staging_timeline(spec: &DeploySpec) -> Vec<(SimTime, String)> {
    let bad = spec.bad_build;
    let mut timeline: Vec<(SimTime, String)> = Vec::new();
    if bad.kind == BadKind::VersionIncompat {
        let text = if spec.plan.staging_waves <= 1 {
            "staging switches in one wave, so old and new never serve side by side there: the incompatibility does not show"
        } else {
            "staging's canaries do not verify answers: the stale answers do not show"
        };
        timeline.push((SimTime::ZERO, text.into()));
    }
    timeline
}

/// The plan as it runs: when each location starts and stops running the bad build
/// and in which wave, the alarm, the rollback, the waves started and the timeline.
struct Rollout<'a> {
    spec: &'a DeploySpec,
    /// The waves' locations, by index into the fleet.
    waves: Vec<Vec<usize>>,
    q: EventQueue<Ev>,
    bad_since: Vec<Option<SimTime>>,
    bad_until: Vec<Option<SimTime>>,
    wave_of: Vec<Option<usize>>,
    first_bad: Option<SimTime>,
    alarm_at: Option<SimTime>,
    rollback_done: Option<SimTime>,
    halted: bool,
    waves_started: usize,
    wave_start: Vec<SimTime>,
    timeline: Vec<(SimTime, String)>,
}

impl Rollout<'_> {
    /// One event of the plan at `t`: a wave starting, deploying, verified; the
    /// alarm; the rollback done.
    fn handle(&mut self, t: SimTime, ev: Ev) {
        let spec = self.spec;
        let fleet = &spec.fleet;
        let bad = spec.bad_build;
        // Slow builds only hurt on old hardware.
        let harmful = |l: usize| bad.kind != BadKind::SlowOnOldHardware || fleet[l].hardware_gen <= bad.old_gen;
        match ev {
            Ev::NextWave { wave } => {
                if self.halted || wave >= self.waves.len() {
                    return;
                }
                self.waves_started += 1;
                self.wave_start.push(t);
                self.timeline
                    .push((t, format!("wave {} starts: {}", wave + 1, spec.plan.waves[wave].locations.join(", "))));
                self.q.schedule(t, Ev::Deploy { wave });
            }
            Ev::Deploy { wave } => {
                if self.halted {
                    return;
                }
                // The wave's locations deploy together; hosts inside a location go one
                // at a time, so a location is live `unit_deploy_s` later.
                let live = t + SimDuration::from_secs(spec.plan.unit_deploy_s);
                for &l in &self.waves[wave] {
                    self.bad_since[l] = Some(live);
                    self.wave_of[l] = Some(wave);
                    self.timeline.push((
                        live,
                        format!("{} ({}, stripe {}) runs the new build", fleet[l].id, fleet[l].city, fleet[l].stripe),
                    ));
                    if harmful(l) && self.first_bad.is_none() {
                        // A crash fails the first host's health check as it starts.
                        self.first_bad = Some(if bad.kind == BadKind::Crash { t } else { live });
                    }
                }
                self.q.schedule(live + SimDuration::from_secs(spec.plan.verify_s), Ev::WaveDone { wave });
            }
            Ev::WaveDone { wave } => {
                if self.halted {
                    return;
                }
                self.timeline
                    .push((t, format!("wave {} verified; baking {} s", wave + 1, spec.plan.waves[wave].bake_s)));
                self.q.schedule(
                    t + SimDuration::from_secs(spec.plan.waves[wave].bake_s),
                    Ev::NextWave { wave: wave + 1 },
                );
            }
            Ev::Alarm => {
                self.halted = true;
                self.alarm_at = Some(t);
                let why = if bad.kind == BadKind::Crash {
                    "the first host's health check failed"
                } else {
                    "deployment halted, rolling back"
                };
                self.timeline.push((t, format!("alarm: {} detected; {why}", bad.kind.as_str())));
                let done = t + SimDuration::from_secs(spec.plan.rollback_s);
                for l in 0..fleet.len() {
                    if let Some(since) = self.bad_since[l] {
                        // A location still deploying when the alarm fires is rolled back too.
                        self.bad_until[l] = Some(done.max(since));
                    }
                }
                self.q.schedule(done, Ev::RollbackDone);
            }
            Ev::RollbackDone => {
                self.rollback_done = Some(t);
                self.timeline.push((t, "rollback complete: every location runs the previous build".into()));
            }
        }
    }

    /// The schedule once every event has run: spans still open end an hour after
    /// the last location went live (or at the rollback), and locations still
    /// deploying after a halt never went live.
    fn finish(self) -> Schedule {
        let Rollout {
            spec,
            mut bad_since,
            mut bad_until,
            mut wave_of,
            first_bad,
            alarm_at,
            rollback_done,
            waves_started,
            wave_start,
            mut timeline,
            ..
        } = self;
        let fleet = &spec.fleet;
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
        let states = states(spec, &bad_since, &bad_until, alarm_at);
        let mut wave_live: Vec<(SimTime, usize)> =
            (0..fleet.len()).filter_map(|l| bad_since[l].zip(wave_of[l])).collect();
        wave_live.sort();
        wave_live.dedup();
        Schedule {
            caught_in_staging: false,
            bad_since,
            bad_until,
            wave_of,
            first_bad,
            alarm_at,
            alarm_location: None,
            rollback_done,
            waves_started,
            timeline,
            wave_start,
            states,
            wave_live,
        }
    }
}

/// Each location's states over time (as seen once BGP has converged).
fn states(
    spec: &DeploySpec,
    since: &[Option<SimTime>],
    until: &[Option<SimTime>],
    alarm: Option<SimTime>,
) -> Vec<Vec<(SimTime, LocState)>> {
    let fleet = &spec.fleet;
    let bad = spec.bad_build;
    let n = fleet.len();
    let push = |v: &mut Vec<(SimTime, LocState)>, t: SimTime, st: LocState| {
        if v.last().is_some_and(|e| e.1 == st) {
            return;
        }
        if v.last().is_some_and(|e| e.0 == t) {
            v.pop();
            if v.last().is_some_and(|e| e.1 == st) {
                return;
            }
        }
        v.push((t, st));
    };
    if bad.kind == BadKind::VersionIncompat {
        // Every location answers some queries through an exchange with another,
        // chosen at random: it fails when their versions differ. A new location's
        // answers are stale with the old share, an old one's with the new share.
        let mut cuts: Vec<SimTime> = since.iter().chain(until.iter()).flatten().copied().collect();
        cuts.sort();
        cuts.dedup();
        let mut out: Vec<Vec<(SimTime, LocState)>> = vec![vec![(SimTime::ZERO, LocState::Ok)]; n];
        for &c in &cuts {
            let live: Vec<bool> =
                (0..n).map(|l| since[l].is_some_and(|s| s <= c) && until[l].is_some_and(|u| c < u)).collect();
            let f_new = live.iter().filter(|&&x| x).count() as f64 / n.max(1) as f64;
            for l in 0..n {
                let p = if live[l] { 1.0 - f_new } else { f_new };
                let permille = (p * 1000.0).round() as u16;
                let st = if permille == 0 { LocState::Ok } else { LocState::Crossing(permille) };
                push(&mut out[l], c, st);
            }
        }
        return out;
    }
    (0..n)
        .map(|l| {
            let mut v = vec![(SimTime::ZERO, LocState::Ok)];
            let harmful = bad.kind != BadKind::SlowOnOldHardware || fleet[l].hardware_gen <= bad.old_gen;
            if let (Some(s), Some(u)) = (since[l], until[l])
                && harmful
            {
                let st = match bad.kind {
                    BadKind::BlackHole => LocState::BlackHole,
                    // The crashed host is taken out of service; the location's other
                    // hosts, still on the old build, keep answering.
                    BadKind::Crash => LocState::Ok,
                    BadKind::SlowOnOldHardware => LocState::Slow(bad.slow_ms),
                    BadKind::WrongAnswers | BadKind::VersionIncompat => LocState::Wrong,
                };
                push(&mut v, s, st);
                // On the alarm a silent location withdraws its announcement at once
                // (rollback follows); BGP then moves its catchment.
                if bad.kind == BadKind::BlackHole
                    && let Some(a) = alarm.filter(|&a| a < u)
                {
                    push(&mut v, a.max(s), LocState::Withdrawn);
                }
                push(&mut v, u, LocState::Ok);
            }
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: BadKind) -> DeploySpec {
        let mut s = crate::design::presets::preset("data-plane-by-stripe").unwrap().deploy.unwrap();
        s.bad_build.kind = kind;
        s
    }

    #[test]
    fn split_world_staging_catches_crossing_failures_and_one_wave_does_not() {
        let mut s = spec(BadKind::VersionIncompat);
        s.plan.staging_waves = 2;
        let (at, share) = staging(&s).expect("two waves: old and new side by side");
        assert_eq!(share, 0.5, "2·f·(1−f) at f = 1/2");
        // 3 of 3 one-minute datapoints from the start, then the publication delay.
        assert_eq!(at, 180_000 + s.alarm.publish_delay_s * 1_000);
        assert!(schedule(&s).caught_in_staging);
        s.plan.staging_waves = 1;
        assert_eq!(staging(&s), None, "one wave: the versions never meet");
        let r = schedule(&s);
        assert!(!r.caught_in_staging && r.alarm_at.is_some(), "production's canaries see it instead");
        // A threshold above the crossing share never fires, even split.
        s.plan.staging_waves = 2;
        s.alarm.threshold_pct = 60.0;
        assert_eq!(staging(&s), None);
        // Other kinds do not depend on versions meeting.
        let mut s = spec(BadKind::WrongAnswers);
        s.plan.staging_waves = 3;
        assert_eq!(staging(&s), None);
    }

    #[test]
    fn crossing_shares_follow_the_share_of_new_locations() {
        let mut s = spec(BadKind::VersionIncompat);
        s.plan.staging_waves = 1;
        s.bad_build.detected = false;
        let r = schedule(&s);
        // The first wave to go live, wherever its locations sit in the fleet.
        let t = r.bad_since.iter().flatten().min().copied().unwrap();
        let first = r.bad_since.iter().position(|x| *x == Some(t)).unwrap();
        let n = s.fleet.len() as f64;
        let k = r.bad_since.iter().filter(|x| **x == Some(t)).count() as f64;
        let other = (0..s.fleet.len()).find(|&l| r.bad_since[l] != Some(t)).unwrap();
        assert_eq!(r.state_of(first, t), LocState::Crossing(((1.0 - k / n) * 1000.0).round() as u16));
        assert_eq!(r.state_of(other, t), LocState::Crossing(((k / n) * 1000.0).round() as u16));
        assert_eq!(r.state_of(other, SimTime(t.0 - 1)), LocState::Ok, "nothing before the first goes live");
    }

    #[test]
    fn the_alarm_fires_from_the_first_harmful_locations_datapoints() {
        let s = spec(BadKind::BlackHole);
        let r = schedule(&s);
        let first = r.first_bad.unwrap();
        let a = &s.alarm;
        // Live at a period boundary (the unit deploy is whole minutes): M periods later,
        // plus the publication delay.
        assert_eq!(first.as_ms() % (a.period_s * 1_000), 0);
        let expect = first.as_ms() + u64::from(a.datapoints_to_alarm) * a.period_s * 1_000 + a.publish_delay_s * 1_000;
        assert_eq!(r.alarm_at, Some(SimTime(expect)));
        assert!(r.timeline.iter().any(|e| e.1.starts_with("alarm: black-hole detected at")));
        // Not watched: never.
        let mut s = spec(BadKind::WrongAnswers);
        s.bad_build.detected = false;
        assert_eq!(schedule(&s).alarm_at, None);
        // A slowdown under the latency threshold is not seen by the canaries.
        let mut s = spec(BadKind::SlowOnOldHardware);
        s.bad_build.slow_ms = 100;
        assert_eq!(schedule(&s).alarm_at, None);
        s.bad_build.slow_ms = 400;
        assert!(schedule(&s).alarm_at.is_some());
    }
}
