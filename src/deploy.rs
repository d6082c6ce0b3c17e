//! Deployment waves over the anycast data plane, and their blast radius.
//!
//! A plan is a list of production waves of edge locations (after staging). A wave's
//! locations deploy together, host by host inside each location, so each goes live
//! `unit_deploy_s` after the wave starts; then verification (`verify_s`) and the
//! wave's bake time; then the next wave. A **bad build** has a modelled effect on every location running it:
//!
//! | kind | effect on a location | caught by |
//! |---|---|---|
//! | black-hole | announced but silent: its catchment waits for other stripes | data-plane alarm |
//! | crash on start | the first host fails its health check as it starts and is taken out of service; the location's other hosts keep answering | host health check (60 s) → halt |
//! | slow on old hardware | +`slow_ms` per answer, only at hardware generation ≤ `old_gen` | latency alarm, only once an old location runs it |
//! | wrong answers | fast but wrong; resolvers cache them for the record TTL, so harm outlives the rollback | answer-verification alarm (or missed) |
//! | version incompatibility | only while old and new run side by side: new locations serve stale answers | caught in staging when staging runs two versions at once |
//!
//! An alarm fires `alarm_delay_s` after the first bad location starts serving in
//! production (if the kind is detected at all); the deployment halts, every deployed
//! location rolls back within `rollback_s`, and a black-holing location withdraws
//! its anycast announcement at once — its resolvers keep sending to it until BGP
//! converges (a per-resolver delay, [`crate::deploy::anycast::convergence_ms`]).
//!
//! Added resolution latency is the steady-state difference plus, for a sequential
//! (SRTT) resolver whose preferred server went silent, its per-kind timeout spread
//! over the cache misses of each [`RELEARN_S`] (it waits once, then avoids the server
//! until it probes it again).
//!
//! User-minutes impaired count what users see: a slow resolution (added latency
//! over `impaired_ms`) only on cache misses, a failed one once the cached answer has
//! expired, a wrong one on every request until it leaves the cache. Every number in the per-wave
//! table comes from these mechanisms and the anycast model in [`crate::deploy::anycast`].

pub mod anycast;
pub mod control;
pub mod playback;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::base::geo;
use crate::base::queue::EventQueue;
use crate::base::rng::{SimRng, stream_id};
use crate::base::time::{SimDuration, SimTime};
use crate::deploy::anycast::{DelegationSets, LocState, Site};
use crate::spec::deploy::{BadKind, DeploySpec, EdgeLocation, OutageTarget, Plan, STRIPES, Wave};
use crate::spec::kinds::ResolverKind;

/// Per-wave (or total) blast radius.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WaveImpact {
    /// Wave number (1-based; 0 for totals).
    pub wave: usize,
    /// Locations that ran the bad build in production.
    pub locations: Vec<String>,
    /// Stripes those locations announce.
    pub stripes: Vec<u8>,
    /// Most of any zone's four name servers affected at one time.
    pub worst_ns_per_zone: usize,
    /// Share of zones at that worst, percent.
    pub zones_at_worst_pct: f64,
    /// Share of resolvers whose resolution got worse, percent.
    pub resolvers_affected_pct: f64,
    /// Added resolution latency for the affected resolvers that still got answers,
    /// p50 / p99, ms (steady state; the failures are counted apart).
    pub added_latency_p50_ms: f64,
    /// 99th percentile.
    pub added_latency_p99_ms: f64,
    /// Resolutions that got no answer at all (estimated from miss rates).
    pub failed_resolutions: f64,
    /// Resolver-seconds of wrong answers served or cached.
    pub wrong_resolver_seconds: f64,
    /// Client requests answered from a wrong cached answer.
    pub wrong_client_requests: f64,
    /// User-minutes impaired (added latency above the threshold, failures, wrong answers).
    pub user_minutes: f64,
}

/// The result of pushing a bad build through a plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeployReport {
    /// Plan name.
    pub plan: String,
    /// Bad build.
    pub kind: BadKind,
    /// Caught in staging (production never touched).
    pub caught_in_staging: bool,
    /// Production waves that started.
    pub waves_started: usize,
    /// Seconds from the first bad location serving to the alarm.
    pub time_to_detect_s: Option<u64>,
    /// Seconds from first bad serving to the halt.
    pub time_to_halt_s: Option<u64>,
    /// Seconds from first bad serving to the end of rollback.
    pub time_to_rollback_s: Option<u64>,
    /// Per wave.
    pub waves: Vec<WaveImpact>,
    /// All waves together.
    pub total: WaveImpact,
    /// Timeline of the deployment.
    pub timeline: Vec<(SimTime, String)>,
    /// Delegation sets that could not be assigned under the sharing rule.
    pub unassigned_zones: u32,
}

/// A problem found by [`analyze`], with its numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanWarning {
    /// Wave (1-based), or 0 for the plan.
    pub wave: usize,
    /// The warning in words, with numbers.
    pub message: String,
}

/// How long a sequential resolver keeps avoiding a silent server before probing it
/// again, s (Unbound's `infra-host-ttl`, 900 s [C]).
pub const RELEARN_S: f64 = 900.0;

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

/// Validates a spec's references.
pub fn validate(spec: &DeploySpec) -> Result<(), Vec<String>> {
    let mut p = Vec::new();
    let ids: BTreeSet<&str> = spec.fleet.iter().map(|l| l.id.as_str()).collect();
    if ids.len() != spec.fleet.len() {
        p.push("fleet: location ids must be unique".to_string());
    }
    for (i, l) in spec.fleet.iter().enumerate() {
        if geo::city(&l.city).is_none() {
            p.push(format!("fleet[{i}].city: unknown city '{}'", l.city));
        }
        if usize::from(l.stripe) >= STRIPES {
            p.push(format!("fleet[{i}].stripe: {} (stripes are 0 to 3)", l.stripe));
        }
    }
    let mut seen = BTreeSet::new();
    for (w, wave) in spec.plan.waves.iter().enumerate() {
        for (j, id) in wave.locations.iter().enumerate() {
            if !ids.contains(id.as_str()) {
                p.push(format!("plan.waves[{w}].locations[{j}]: no location '{id}'"));
            } else if !seen.insert(id.as_str()) {
                p.push(format!("plan.waves[{w}].locations[{j}]: '{id}' is already in an earlier wave"));
            }
        }
    }
    if spec.fleet.len() > 2_000 {
        p.push(format!("fleet: has {} locations; the limit is 2000", spec.fleet.len()));
    }
    if spec.plan.waves.len() > 500 {
        p.push(format!("plan.waves: has {} waves; the limit is 500", spec.plan.waves.len()));
    }
    if spec.zones > 1_000_000 {
        p.push(format!("zones: has {} zones; the limit is 1000000", spec.zones));
    }
    if spec.resolvers > 100_000 {
        p.push(format!("resolvers: has {} resolvers; the limit is 100000", spec.resolvers));
    }
    // Times stay within a month, so every moment fits the clock with room to spare.
    let mut time = |path: String, s: u64| {
        if s > MAX_SPAN_S {
            p.push(format!("{path}: {s} s; the limit is {MAX_SPAN_S} s (30 days)"));
        }
    };
    time("plan.unit_deploy_s".into(), spec.plan.unit_deploy_s);
    time("plan.verify_s".into(), spec.plan.verify_s);
    time("plan.rollback_s".into(), spec.plan.rollback_s);
    time("bad_build.alarm_delay_s".into(), spec.bad_build.alarm_delay_s);
    for (w, wave) in spec.plan.waves.iter().enumerate() {
        time(format!("plan.waves[{w}].bake_s"), wave.bake_s);
    }
    for (i, o) in spec.outages.iter().enumerate() {
        time(format!("outages[{i}].at_s"), o.at_s);
        if let Some(u) = o.until_s {
            time(format!("outages[{i}].until_s"), u);
        }
    }
    for (i, o) in spec.outages.iter().enumerate() {
        match &o.target {
            OutageTarget::Location(id) if !ids.contains(id.as_str()) => {
                p.push(format!("outages[{i}].target: no location '{id}'"));
            }
            OutageTarget::Stripe(s) if usize::from(*s) >= STRIPES => {
                p.push(format!("outages[{i}].target: stripe {s} (stripes are 0 to 3)"));
            }
            _ => {}
        }
        if o.until_s.is_some_and(|u| u <= o.at_s) {
            p.push(format!("outages[{i}].until_s: ends before it starts"));
        }
    }
    if spec.outages.len() > 200 {
        p.push(format!("outages: has {} outages; the limit is 200", spec.outages.len()));
    }
    if spec.pool_per_stripe == 0 || spec.pool_per_stripe > 4_096 {
        p.push(format!("pool_per_stripe: {} (1 to 4096)", spec.pool_per_stripe));
    }
    if p.is_empty() { Ok(()) } else { Err(p) }
}

/// The longest duration a deployment spec may name, s (30 days).
pub const MAX_SPAN_S: u64 = 2_592_000;

/// The resolver population of a spec: (city, kind, users), deterministic per seed.
pub fn population(spec: &DeploySpec, seed: u64) -> Vec<(String, ResolverKind, u32)> {
    let mut rng = SimRng::derive(seed, stream_id("deploy/population"));
    let kinds = [
        (ResolverKind::Bind, 30u64),
        (ResolverKind::Unbound, 25),
        (ResolverKind::Powerdns, 10),
        (ResolverKind::Knot, 5),
        (ResolverKind::PublicAnycast, 30),
    ];
    (0..spec.resolvers)
        .map(|_| {
            let city = geo::CITIES[rng.below(geo::CITIES.len() as u64) as usize].id.to_string();
            let mut x = rng.below(100);
            let kind = kinds
                .iter()
                .find(|(_, w)| {
                    if x < *w {
                        true
                    } else {
                        x -= w;
                        false
                    }
                })
                .map_or(ResolverKind::Bind, |k| k.0);
            (city, kind, spec.users_per_resolver)
        })
        .collect()
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

/// Runs the bad build through the plan.
pub fn run(spec: &DeploySpec, seed: u64) -> Result<DeployReport, Vec<String>> {
    validate(spec)?;
    let fleet = &spec.fleet;

    let sched = schedule(spec);
    let delegation = DelegationSets::assign(spec.zones, spec.pool_per_stripe, spec.max_shared, seed);
    let bad = spec.bad_build;
    if sched.caught_in_staging {
        return Ok(DeployReport {
            plan: spec.plan.name.clone(),
            kind: bad.kind,
            caught_in_staging: true,
            waves_started: 0,
            time_to_detect_s: None,
            time_to_halt_s: None,
            time_to_rollback_s: None,
            waves: Vec::new(),
            total: WaveImpact::default(),
            timeline: sched.timeline,
            unassigned_zones: delegation.unassigned,
        });
    }
    let sites = anycast::sites(fleet, &population(spec, seed), &spec.anycast, seed);
    let Schedule { bad_since, bad_until, wave_of, first_bad, alarm_at, rollback_done, waves_started, timeline, .. } =
        sched.clone();
    // Blast radius over the intervals where the set of bad locations is constant.
    let mut cuts: Vec<SimTime> = bad_since
        .iter()
        .chain(bad_until.iter())
        .flatten()
        .copied()
        .chain(alarm_at.filter(|_| bad.kind == BadKind::BlackHole))
        .collect();
    cuts.sort();
    cuts.dedup();
    let state_of = |l: usize, t: SimTime| sched.state_of(spec, l, t);
    // Baseline (everything healthy) resolution per site.
    let picks: Vec<usize> =
        (0..sites.len()).map(|i| SimRng::derive(seed, stream_id(&format!("pick/{i}"))).below(4) as usize).collect();
    let base_res: Vec<anycast::Resolution> =
        sites.iter().zip(&picks).map(|(s, &p)| s.resolve(&|_| LocState::Ok, p)).collect();
    let base: Vec<f64> = base_res.iter().map(|r| r.latency_ms).collect();
    // Index: location → sites with it as a baseline catchment.
    let mut by_loc: Vec<Vec<usize>> = vec![Vec::new(); fleet.len()];
    for (i, s) in sites.iter().enumerate() {
        for stripe in 0..STRIPES {
            if let Some((_, l)) = s.catchment(stripe, &|_| LocState::Ok) {
                by_loc[l as usize].push(i);
            }
        }
    }
    let n_waves = spec.plan.waves.len();
    let mut per_wave: Vec<Acc> = (0..n_waves).map(|_| Acc::new(sites.len())).collect();
    let mut total = Acc::new(sites.len());
    let ttl = f64::from(spec.record_ttl_s.max(1));
    let miss_rate = 1.0 / ttl; // one cache miss per TTL per resolver
    let mut conv_rng = SimRng::derive(seed, stream_id("deploy/convergence"));
    for win in cuts.windows(2) {
        let (t0, t1) = (win[0], win[1]);
        let dur_s = (t1.as_ms() - t0.as_ms()) as f64 / 1000.0;
        let bad_now: Vec<usize> = (0..fleet.len()).filter(|&l| state_of(l, t0) != LocState::Ok).collect();
        if bad_now.is_empty() {
            continue;
        }
        let stripes_now: BTreeSet<u8> = bad_now.iter().map(|&l| fleet[l].stripe).collect();
        // The wave an interval is charged to: the latest wave with a bad location in it.
        let w = bad_now.iter().filter_map(|&l| wave_of[l]).max().unwrap_or(0);
        let mut candidates: Vec<usize> = bad_now.iter().flat_map(|&l| by_loc[l].iter().copied()).collect();
        candidates.sort_unstable();
        candidates.dedup();
        let state = |l: u16| state_of(l as usize, t0);
        // The interval that ends with the withdrawal lasts, for each resolver, until
        // BGP has moved it: add its convergence delay.
        let converging = bad.kind == BadKind::BlackHole && alarm_at == Some(t1);
        for &i in &candidates {
            let r = sites[i].resolve(&state, picks[i]);
            // A sequential resolver whose preferred server fell silent waits for its
            // timeout before trying another, then avoids it until it probes it again
            // (Unbound's infra cache keeps the verdict 900 s): that wait is spread over
            // the cache misses of each 900 s.
            let relearn = match sites[i].selection {
                anycast::Selection::Sequential { timeout_ms, .. }
                    if base_res[i].served_by.is_some_and(|l| state(l) == LocState::BlackHole) =>
                {
                    f64::from(timeout_ms) / (dur_s.min(RELEARN_S) * miss_rate).max(1.0)
                }
                _ => 0.0,
            };
            let added = r.latency_ms - base[i] + relearn;
            let failed = !r.latency_ms.is_finite();
            if !(failed || r.wrong || added > 0.5) {
                continue;
            }
            let dur_s = if converging {
                dur_s + anycast::convergence_ms(&spec.anycast, &mut conv_rng) as f64 / 1000.0
            } else {
                dur_s
            };
            let users = f64::from(sites[i].users);
            // Users are hurt only through what they see: a slow resolution only on a
            // cache miss (one per TTL among all their requests); a failed one once
            // the cached answer has run out (half a TTL left on average); a wrong one
            // for every request until the wrong answer leaves the cache.
            let user_rps = (users * spec.user_requests_per_min / 60.0).max(1e-9);
            let impaired_s = if r.wrong {
                dur_s + ttl
            } else if failed {
                (dur_s - ttl / 2.0).max(0.0)
            } else if added > spec.impaired_ms {
                dur_s * (miss_rate / user_rps).min(1.0)
            } else {
                0.0
            };
            for acc in [&mut per_wave[w], &mut total] {
                acc.affected[i] = true;
                acc.failed_site[i] |= failed;
                if added.is_finite() {
                    acc.added[i] = acc.added[i].max(added);
                }
                if failed {
                    acc.failed += miss_rate * dur_s;
                }
                if r.wrong {
                    // Served during the interval, then cached for up to one TTL.
                    let cached = dur_s + f64::from(spec.record_ttl_s);
                    acc.wrong_s += cached;
                    acc.wrong_requests += cached * f64::from(sites[i].users) * spec.user_requests_per_min / 60.0;
                }
                acc.user_minutes += users * impaired_s / 60.0;
            }
        }
        for acc in [&mut per_wave[w], &mut total] {
            acc.worst_ns = acc.worst_ns.max(stripes_now.len());
        }
    }
    let zones_at_worst = |worst: usize| if worst == 0 || delegation.sets.is_empty() { 0.0 } else { 100.0 };
    let finish = |acc: &Acc, wave: usize, locs: Vec<usize>| {
        // Latency percentiles over the affected resolvers that still got answers.
        let mut added: Vec<f64> =
            (0..acc.added.len()).filter(|&i| acc.affected[i] && !acc.failed_site[i]).map(|i| acc.added[i]).collect();
        added.sort_by(|a, b| a.total_cmp(b));
        let q = |p: f64| {
            if added.is_empty() {
                0.0
            } else {
                added[((p * added.len() as f64).ceil() as usize).clamp(1, added.len()) - 1]
            }
        };
        let stripes: BTreeSet<u8> = locs.iter().map(|&l| fleet[l].stripe).collect();
        WaveImpact {
            wave,
            locations: locs.iter().map(|&l| fleet[l].id.clone()).collect(),
            stripes: stripes.into_iter().collect(),
            worst_ns_per_zone: acc.worst_ns,
            zones_at_worst_pct: zones_at_worst(acc.worst_ns),
            resolvers_affected_pct: 100.0 * acc.affected.iter().filter(|a| **a).count() as f64
                / sites.len().max(1) as f64,
            added_latency_p50_ms: q(0.5),
            added_latency_p99_ms: q(0.99),
            failed_resolutions: acc.failed,
            wrong_resolver_seconds: acc.wrong_s,
            wrong_client_requests: acc.wrong_requests,
            user_minutes: acc.user_minutes,
        }
    };
    let waves_out: Vec<WaveImpact> = (0..n_waves)
        .filter(|&w| w < waves_started)
        .map(|w| {
            finish(
                &per_wave[w],
                w + 1,
                (0..fleet.len()).filter(|&l| wave_of[l] == Some(w) && bad_since[l].is_some()).collect(),
            )
        })
        .collect();
    let total_out = finish(&total, 0, (0..fleet.len()).filter(|&l| bad_since[l].is_some()).collect());
    let since_first = |t: Option<SimTime>| first_bad.zip(t).map(|(f, t)| t.as_ms().saturating_sub(f.as_ms()) / 1000);
    Ok(DeployReport {
        plan: spec.plan.name.clone(),
        kind: bad.kind,
        caught_in_staging: false,
        waves_started,
        time_to_detect_s: since_first(alarm_at),
        time_to_halt_s: since_first(alarm_at),
        time_to_rollback_s: since_first(rollback_done),
        waves: waves_out,
        total: total_out,
        timeline,
        unassigned_zones: delegation.unassigned,
    })
}

struct Acc {
    affected: Vec<bool>,
    failed_site: Vec<bool>,
    added: Vec<f64>,
    worst_ns: usize,
    failed: f64,
    wrong_s: f64,
    wrong_requests: f64,
    user_minutes: f64,
}

impl Acc {
    fn new(n: usize) -> Acc {
        Acc {
            affected: vec![false; n],
            failed_site: vec![false; n],
            added: vec![0.0; n],
            worst_ns: 0,
            failed: 0.0,
            wrong_s: 0.0,
            wrong_requests: 0.0,
            user_minutes: 0.0,
        }
    }
}

/// Analyses a plan without running it: warnings with their numbers.
pub fn analyze(spec: &DeploySpec, seed: u64) -> Result<Vec<PlanWarning>, Vec<String>> {
    validate(spec)?;
    let fleet = &spec.fleet;
    let idx = |id: &str| fleet.iter().position(|l| l.id == id).expect("validated");
    let sites: Vec<Site> = anycast::sites(fleet, &population(spec, seed), &spec.anycast, seed);
    let mut out = Vec::new();
    let oldest = fleet.iter().map(|l| l.hardware_gen).min().unwrap_or(1);
    for (w, wave) in spec.plan.waves.iter().enumerate() {
        let locs: Vec<usize> = wave.locations.iter().map(|id| idx(id)).collect();
        let stripes: BTreeSet<u8> = locs.iter().map(|&l| fleet[l].stripe).collect();
        if stripes.len() >= 2 {
            out.push(PlanWarning {
                wave: w + 1,
                message: format!(
                    "spans {} stripes ({}): every zone can lose {} of its 4 name servers at once (100 % of zones)",
                    stripes.len(),
                    stripes.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
                    stripes.len()
                ),
            });
        }
        // Resolvers whose nearest location of every stripe still announced is in the wave.
        let in_wave: BTreeSet<u16> = locs.iter().map(|&l| l as u16).collect();
        let cornered = sites
            .iter()
            .filter(|s| {
                (0..STRIPES).all(|st| s.catchment(st, &|_| LocState::Ok).is_none_or(|(_, l)| in_wave.contains(&l)))
            })
            .count();
        let fastest_in = sites
            .iter()
            .filter(|s| {
                let order: Vec<(u32, u16)> = (0..STRIPES).filter_map(|st| s.catchment(st, &|_| LocState::Ok)).collect();
                order.iter().min().is_some_and(|(_, l)| in_wave.contains(l))
            })
            .count();
        if cornered > 0 {
            out.push(PlanWarning {
                wave: w + 1,
                message: format!(
                    "not geographically diverse: {cornered} resolvers ({:.1} %) have the nearest location of every stripe in this wave",
                    100.0 * cornered as f64 / sites.len().max(1) as f64
                ),
            });
        }
        if w == 0 {
            if locs.len() != 1 {
                out.push(PlanWarning {
                    wave: 1,
                    message: format!(
                        "the first wave has {} locations, the fastest location of {:.1} % of resolvers; a single location would bound a bad build's reach",
                        locs.len(),
                        100.0 * fastest_in as f64 / sites.len().max(1) as f64
                    ),
                });
            }
            if locs.iter().any(|&l| fleet[l].hardware_gen != oldest) {
                out.push(PlanWarning {
                    wave: 1,
                    message: format!("the first wave is not on the oldest hardware (generation {oldest}): performance regressions show up later"),
                });
            }
        }
        if w + 1 < spec.plan.waves.len() {
            if wave.bake_s == 0 {
                out.push(PlanWarning { wave: w + 1, message: "no bake before the next wave".into() });
            } else if w < 2 && wave.bake_s < 86_400 {
                out.push(PlanWarning {
                    wave: w + 1,
                    message: format!(
                        "bakes only {} s before the next wave (early production waves bake 24 h)",
                        wave.bake_s
                    ),
                });
            }
        }
    }
    for s in 0..STRIPES as u8 {
        let waves_with: BTreeSet<usize> = spec
            .plan
            .waves
            .iter()
            .enumerate()
            .filter(|(_, wv)| wv.locations.iter().any(|id| fleet[idx(id)].stripe == s))
            .map(|(w, _)| w)
            .collect();
        if waves_with.len() == 1 && fleet.iter().filter(|l| l.stripe == s).count() > 1 {
            let w = *waves_with.iter().next().expect("one");
            let all = spec.plan.waves[w].locations.iter().filter(|id| fleet[idx(id)].stripe == s).count();
            if all == fleet.iter().filter(|l| l.stripe == s).count() {
                out.push(PlanWarning {
                    wave: w + 1,
                    message: format!("holds every location of stripe {s}: a bad build there takes one name server from every zone for every resolver"),
                });
            }
        }
    }
    let planned: BTreeSet<&str> = spec.plan.waves.iter().flat_map(|w| w.locations.iter().map(String::as_str)).collect();
    let missing = fleet.iter().filter(|l| !planned.contains(l.id.as_str())).count();
    if missing > 0 {
        out.push(PlanWarning {
            wave: 0,
            message: format!("{missing} locations are in no wave and never get the build"),
        });
    }
    Ok(out)
}

/// A wave of a plan: a list of things deployed together and a bake time. Data-plane
/// waves hold locations; control-plane waves hold fleets.
pub trait WaveLike {
    /// What the wave deploys.
    fn items(&self) -> &Vec<String>;
    /// The same, to edit.
    fn items_mut(&mut self) -> &mut Vec<String>;
    /// An empty wave baking `bake_s` after it.
    fn empty(bake_s: u64) -> Self;
    /// Its bake time, s.
    fn bake(&self) -> u64;
}

/// Moves `id` into wave `to` (0-based; `waves.len()` opens a new last wave with the
/// last wave's bake; `None` takes it out of the plan), then drops waves left empty.
/// Returns the wave it ended in (after the drop).
pub fn move_item<W: WaveLike>(waves: &mut Vec<W>, id: &str, to: Option<usize>) -> Option<usize> {
    if let Some(f) = waves.iter().position(|w| w.items().iter().any(|l| l == id)) {
        waves[f].items_mut().retain(|l| l != id);
    }
    let mut at = to.map(|t| {
        if t >= waves.len() {
            let bake_s = waves.last().map_or(crate::spec::deploy::default_bake_s(), W::bake);
            waves.push(W::empty(bake_s));
            waves.len() - 1
        } else {
            t
        }
    });
    if let Some(t) = at {
        waves[t].items_mut().push(id.to_string());
    }
    // Drop emptied waves, keeping `at` pointing at the same wave.
    let mut i = 0;
    waves.retain(|w| {
        let keep = !w.items().is_empty();
        if !keep && at.is_some_and(|t| t > i) {
            at = at.map(|t| t - 1);
        }
        i += 1;
        keep
    });
    at
}

/// Moves location `id` into wave `to` of the plan (see [`move_item`]).
pub fn move_location(plan: &mut Plan, id: &str, to: Option<usize>) -> Option<usize> {
    move_item(&mut plan.waves, id, to)
}

/// Locations of the fleet in no wave of the plan.
pub fn unplanned(spec: &DeploySpec) -> Vec<String> {
    let planned: BTreeSet<&str> = spec.plan.waves.iter().flat_map(|w| w.locations.iter().map(String::as_str)).collect();
    spec.fleet.iter().filter(|l| !planned.contains(l.id.as_str())).map(|l| l.id.clone()).collect()
}

/// The per-wave blast radius as CSV, one row per wave and a total row.
pub fn impact_csv(r: &DeployReport) -> String {
    let mut out = String::from(
        "wave,locations,stripes,worst name servers per zone,resolvers affected %,added latency p50 ms,\
         added latency p99 ms,failed resolutions,wrong-answer resolver-seconds,user-minutes\n",
    );
    for w in r.waves.iter().chain(std::iter::once(&r.total)) {
        let name = if w.wave == 0 { "total".to_string() } else { w.wave.to_string() };
        out.push_str(&format!(
            "{name},{},{},{},{:.2},{:.1},{:.1},{:.1},{:.1},{:.1}\n",
            w.locations.join(" "),
            w.stripes.iter().map(u8::to_string).collect::<Vec<_>>().join(" "),
            w.worst_ns_per_zone,
            w.resolvers_affected_pct,
            w.added_latency_p50_ms,
            w.added_latency_p99_ms,
            w.failed_resolutions,
            w.wrong_resolver_seconds,
            w.user_minutes
        ));
    }
    out
}

/// Arranges the fleet into waves by stripe and geography: a first wave of one
/// oldest-hardware location, then for each stripe in turn waves of that stripe's
/// locations spread over continents (at most `per_wave` per wave).
pub fn arrange_by_stripe(fleet: &[EdgeLocation], per_wave: usize) -> Vec<Wave> {
    let oldest = fleet.iter().map(|l| l.hardware_gen).min().unwrap_or(1);
    let first = fleet.iter().position(|l| l.hardware_gen == oldest).unwrap_or(0);
    let mut waves = vec![Wave { locations: vec![fleet[first].id.clone()], bake_s: 86_400 }];
    for s in 0..STRIPES as u8 {
        // Round-robin over continents so each wave is geographically diverse.
        let mut by_cont: std::collections::BTreeMap<geo::Continent, Vec<&EdgeLocation>> = Default::default();
        for (i, l) in fleet.iter().enumerate() {
            if l.stripe == s && i != first {
                by_cont.entry(geo::city(&l.city).map_or(geo::Continent::NA, |c| c.continent)).or_default().push(l);
            }
        }
        let mut order = Vec::new();
        let mut k = 0;
        while by_cont.values().any(|v| k < v.len()) {
            for v in by_cont.values() {
                if let Some(l) = v.get(k) {
                    order.push(l.id.clone());
                }
            }
            k += 1;
        }
        let n = order.len().div_ceil(per_wave.max(1)).max(1);
        let size = order.len().div_ceil(n);
        for chunk in order.chunks(size.max(1)) {
            waves.push(Wave { locations: chunk.to_vec(), bake_s: if waves.len() < 3 { 86_400 } else { 21_600 } });
        }
    }
    waves
}

impl WaveLike for Wave {
    fn items(&self) -> &Vec<String> {
        &self.locations
    }
    fn items_mut(&mut self) -> &mut Vec<String> {
        &mut self.locations
    }
    fn empty(bake_s: u64) -> Self {
        Wave { locations: Vec::new(), bake_s }
    }
    fn bake(&self) -> u64 {
        self.bake_s
    }
}
