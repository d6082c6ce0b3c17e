//! Playback of a simulated run for the player: one full run, checkpoints to seek
//! from, the run so far while it is being simulated ([`Progress`]), and the live
//! view at any playhead — what the page shows, computed here so
//! it is tested natively and the components only render it.

use std::sync::Arc;

use crate::base::geo;
use crate::base::log::Log;
use crate::base::rng::SimRng;
use crate::base::time::SimTime;
use crate::failover::build::{CLIENT_SUBNET_PREFIX_LEN, POPULATION_ID_PREFIX};
use crate::failover::faults::inserted;
use crate::failover::resolver::RESOLVER_PREFIX_LEN;
use crate::failover::sim::{Report, RequestResult, Sim, TraceEvent};
use crate::route53::answer::{self, ClientAddr, HealthView, Query, Verdict};
use crate::route53::latency::LatencyTable;
use crate::spec::problems::Problems;
use crate::spec::scenario::Scenario;
use crate::spec::zone::RecordType;

/// Seconds between checkpoints. A playhead's state is its checkpoint run forward (at
/// most a minute of the run, a few percent of it); a longer interval would make each
/// playhead move slower, a shorter one every rebuild (a checkpoint is a copy of the
/// run's state).
pub const CHECKPOINT_S: u64 = 60;

/// Probe log lines the live view shows (the latest, up to the playhead).
pub const PROBE_LOG_LINES: usize = 14;

/// Moments of the narration the live view shows (the latest, up to the playhead).
pub const NARRATION_MOMENTS: usize = 6;

/// The traffic share is over this many seconds up to the playhead.
pub const TRAFFIC_WINDOW_S: usize = 10;

/// The query tester's resolver address: 198.51.100.53, in TEST-NET-2 (RFC 5737).
const TESTER_RESOLVER_ADDR: [u8; 4] = [198, 51, 100, 53];

/// The query tester's ECS client subnet: 203.0.113.0/24, TEST-NET-3 (RFC 5737).
const TESTER_ECS_SUBNET: [u8; 4] = [203, 0, 113, 0];

/// A finished run with checkpoints.
#[derive(Clone, Debug)]
pub struct Playback {
    scenario: Arc<Scenario>,
    /// The run every [`CHECKPOINT_S`], shared with the runs forked from it.
    checkpoints: Vec<Arc<Sim>>,
    end: Sim,
    report: Arc<Report>,
    moments: Arc<Vec<(SimTime, String)>>,
    /// Where this run was simulated from: 0, or the checkpoint a fork restarted at.
    restarted_at: SimTime,
    /// How far it has been simulated: its end, unless it is a [`Progress::so_far`].
    reached: SimTime,
}

/// A playback being simulated a checkpoint interval at a time, so that the page can
/// show the playhead as soon as the run has passed it and finish the rest over the
/// next frames. [`Progress::finish`] gives exactly what [`Playback::build`] (or
/// [`Playback::rebuild`]) gives; [`Progress::so_far`] is the run up to where it has
/// reached, whose live views are the whole run's wherever it [covers](Playback::covers)
/// them.
#[derive(Clone, Debug)]
pub struct Progress {
    scenario: Arc<Scenario>,
    /// The checkpoints so far: one every [`CHECKPOINT_S`], the last at [`Sim::now`].
    checkpoints: Vec<Arc<Sim>>,
    sim: Sim,
    restarted_at: SimTime,
}

impl Progress {
    /// The playback of `scenario`, not yet simulated: from `prev`'s last checkpoint
    /// before the faults the scenario adds to it (see [`Playback::rebuild`]), or
    /// from the start; a scenario that cannot run gives every problem, by path.
    pub fn start(prev: Option<&Playback>, scenario: &Scenario) -> Result<Progress, Problems> {
        match prev.and_then(|p| p.fork(scenario)) {
            Some(forked) => Ok(forked),
            None => Ok(Progress::from_checkpoints(scenario, vec![Arc::new(Sim::new(scenario)?)])),
        }
    }

    /// To run on from the last of `checkpoints` (the first is at time 0, one every
    /// [`CHECKPOINT_S`] after it).
    fn from_checkpoints(scenario: &Scenario, checkpoints: Vec<Arc<Sim>>) -> Progress {
        let sim = Sim::clone(&checkpoints[checkpoints.len() - 1]);
        let restarted_at = SimTime((checkpoints.len() as u64 - 1) * CHECKPOINT_S * 1000);
        Progress { scenario: Arc::new(scenario.clone()), checkpoints, sim, restarted_at }
    }

    /// How far the run has been simulated.
    pub fn reached(&self) -> SimTime {
        SimTime((self.checkpoints.len() as u64 - 1) * CHECKPOINT_S * 1000).min(self.sim.duration())
    }

    /// Whether the whole run has been simulated.
    pub fn done(&self) -> bool {
        self.reached() >= self.sim.duration()
    }

    /// Simulates one more checkpoint interval (nothing once done).
    pub fn step(&mut self) {
        if self.done() {
            return;
        }
        let t = SimTime(self.checkpoints.len() as u64 * CHECKPOINT_S * 1000);
        self.sim.run_until(t);
        self.checkpoints.push(Arc::new(self.sim.checkpoint()));
    }

    /// Simulates until the run so far covers the live view at `t`
    /// ([`Playback::covers`]).
    pub fn run_past(&mut self, t: SimTime) {
        while !self.done() && self.reached() < covered_from(t) {
            self.step();
        }
    }

    /// The run up to where it has reached, as a playback: its report, trace and
    /// narration stop there.
    pub fn so_far(&self) -> Playback {
        let (scenario, checkpoints) = (Arc::clone(&self.scenario), self.checkpoints.clone());
        Playback::assemble(scenario, checkpoints, self.sim.clone(), self.restarted_at, self.reached())
    }

    /// Simulates the rest of the run.
    pub fn finish(mut self) -> Playback {
        while !self.done() {
            self.step();
        }
        let reached = self.reached();
        let Progress { scenario, checkpoints, sim, restarted_at } = self;
        Playback::assemble(scenario, checkpoints, sim, restarted_at, reached)
    }
}

/// How far a run must have been simulated for its live view at `t` to be the whole
/// run's: past the second `t` is in (the traffic share counts that whole second).
fn covered_from(t: SimTime) -> SimTime {
    SimTime((t.as_ms() / 1000 + 1) * 1000)
}

/// What the page shows at a playhead.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveView {
    /// The simulated time it shows.
    pub at: SimTime,
    /// Per record: healthy as the DNS servers see it (what Route 53 would use).
    pub record_healthy: Vec<bool>,
    /// Per region: is anything stopped or black-holed there?
    pub region_down: Vec<(String, bool)>,
    /// Last probe lines up to the playhead: (time, text, ok).
    pub probe_lines: Vec<(SimTime, String, bool)>,
    /// The last moments up to the playhead, one plain sentence each, oldest first
    /// (the last one is what just happened).
    pub narration: Vec<(SimTime, String)>,
    /// Share of requests served by each region in the last [`TRAFFIC_WINDOW_S`] seconds.
    pub traffic_share: Vec<(String, f64)>,
    /// Resolvers' cached answers for the service: (resolver, answer, remaining TTL s).
    pub caches: Vec<(String, String, u64)>,
}

/// The run told as moments, one sentence each, in time order: faults, health-check
/// verdicts ("14 of 16 checkers now see hc-use1 failing → Route 53 marks it
/// unhealthy"), what the DNS servers answer, configuration going live, and each
/// probe's first failure and the moment it reaches a region again.
pub fn moments(sim: &Sim, report: &Report) -> Vec<(SimTime, String)> {
    let mut out: Vec<(SimTime, String)> = sim
        .trace_lines()
        .filter_map(|e| match e.kind {
            "fault" => Some((e.at, format!("Fault: {}.", e.detail))),
            "status" | "dns-status" | "target" | "dns-target" | "config" => Some((e.at, format!("{}.", e.detail))),
            _ => None,
        })
        .collect();
    for (probe, obs) in &report.probes {
        let mut prev: Option<(&Option<String>, bool)> = None;
        for o in obs {
            let ok = o.result == RequestResult::Ok;
            let region = o.region.as_deref().unwrap_or("no region");
            match prev {
                Some((_, true)) if !ok => {
                    out.push((o.at, format!("{probe}: requests now fail ({}) at {region}.", o.result.as_str())))
                }
                Some((r, was_ok)) if ok && (!was_ok || r != &o.region) => {
                    out.push((o.at, format!("{probe} now reaches {region} ({}).", o.answer)))
                }
                _ => {}
            }
            prev = Some((&o.region, ok));
        }
    }
    out.sort_by_key(|m| m.0);
    out
}

/// Run A against run B, metric by metric: (metric, A, B, B better than A?), with
/// `None` where neither is better or a value is missing. The switch time is the
/// first probe's; failed requests are the share of all requests.
pub fn compare(a: &Report, b: &Report) -> Vec<(String, String, String, Option<bool>)> {
    fn secs(v: Option<u64>) -> String {
        v.map_or_else(|| "—".into(), |ms| format!("{:.1} s", ms as f64 / 1000.0))
    }
    fn lower(a: Option<f64>, b: Option<f64>) -> Option<bool> {
        match (a, b) {
            (Some(a), Some(b)) if (a - b).abs() > 1e-9 => Some(b < a),
            _ => None,
        }
    }
    let (sa, sb) = (&a.summary, &b.summary);
    let ms = |v: Option<u64>| v.map(|x| x as f64);
    let failed = |s: &crate::failover::sim::Summary| {
        let f: f64 = s.errors_by_kind.values().sum();
        (s.requests > 0.0).then(|| 100.0 * f / s.requests)
    };
    let pct = |v: Option<f64>| v.map_or_else(|| "—".into(), |p| format!("{p:.2} %"));
    let probe = sa.switch_ms.keys().find(|k| sb.switch_ms.contains_key(*k)).cloned();
    let mut rows = Vec::new();
    if let Some(p) = probe {
        let (x, y) = (sa.switch_ms[&p], sb.switch_ms[&p]);
        rows.push((format!("{p} switch time"), secs(x), secs(y), lower(ms(x), ms(y))));
    }
    for (label, x, y) in [
        ("detection (→ DNS)", sa.detection_ms, sb.detection_ms),
        ("client error window p50", sa.error_window_p50_ms, sb.error_window_p50_ms),
        ("client error window p95", sa.error_window_p95_ms, sb.error_window_p95_ms),
        ("client error window max", sa.error_window_max_ms, sb.error_window_max_ms),
    ] {
        rows.push((label.to_string(), secs(x), secs(y), lower(ms(x), ms(y))));
    }
    rows.push((
        "clients that saw errors".into(),
        format!("{:.0}", sa.clients_with_errors),
        format!("{:.0}", sb.clients_with_errors),
        lower(Some(sa.clients_with_errors), Some(sb.clients_with_errors)),
    ));
    rows.push(("requests failed".into(), pct(failed(sa)), pct(failed(sb)), lower(failed(sa), failed(sb))));
    rows
}

/// One explained answer from the query tester.
#[derive(Clone, Debug, PartialEq)]
pub struct Tested {
    /// The answer in one line.
    pub answer: String,
    /// Explanation lines: (depth, verdict, text).
    pub steps: Vec<(usize, Verdict, String)>,
    /// Records on the chosen path (highlighted in the tree).
    pub path: Vec<usize>,
}

impl Playback {
    /// Runs `scenario` to the end, keeping a checkpoint every [`CHECKPOINT_S`]; a
    /// scenario that cannot run gives every problem, by path (see [`Sim::new`]).
    pub fn build(scenario: &Scenario) -> Result<Playback, Problems> {
        Ok(Progress::start(None, scenario)?.finish())
    }

    /// The playback of `scenario`, reusing `prev`'s run where it can: when the
    /// scenario is `prev`'s with faults added to its script (a fault added at the
    /// playhead, also before faults scripted later), the run restarts from the last
    /// checkpoint before the first added fault; anything else runs from the start. Either way the result
    /// is the one [`Playback::build`] gives.
    pub fn rebuild(prev: Option<&Playback>, scenario: &Scenario) -> Result<Playback, Problems> {
        Ok(Progress::start(prev, scenario)?.finish())
    }

    /// `scenario` set to run on from this run's last checkpoint before the faults it
    /// adds, if that is all it changes and those faults are valid. The added faults
    /// may come anywhere in the script after that checkpoint, before faults scripted
    /// later too ([`Sim::script_more_faults`] says what a run can take).
    fn fork(&self, scenario: &Scenario) -> Option<Progress> {
        let same_otherwise = Scenario { faults: Vec::new(), ..scenario.clone() }
            == Scenario { faults: Vec::new(), ..(*self.scenario).clone() };
        if !same_otherwise {
            return None;
        }
        let mut all = scenario.faults.clone();
        crate::spec::scenario::sort_faults(&mut all);
        // This run's faults, in time order, are its last state's.
        let (_, added) = inserted(&self.end.faults.faults, &all, None)?;
        let first = added.iter().map(|&p| all[p].at_ms).min()?;
        // The last checkpoint that has not yet run the moment of the first added fault,
        // if it can take the new script from there (a checkpoint from before an earlier
        // fork has that fork's faults still to add).
        let i = ((first.saturating_sub(1) / 1000 / CHECKPOINT_S) as usize).min(self.checkpoints.len() - 1);
        let from = &self.checkpoints[i];
        inserted(&from.faults.faults, &all, from.ran_to())?;
        let mut sim = Sim::clone(from);
        sim.script_more_faults(self.checkpoints[0].zone(), &scenario.zone, &scenario.faults).ok()?;
        let mut checkpoints = self.checkpoints[..i].to_vec();
        checkpoints.push(Arc::new(sim));
        Some(Progress::from_checkpoints(scenario, checkpoints))
    }

    /// Whether the whole run has been simulated (a [`Progress::so_far`] is not).
    pub fn finished(&self) -> bool {
        self.reached >= self.duration()
    }

    /// Whether the live view at `t` is the one the whole run gives: the run has been
    /// simulated past the second `t` is in (the traffic share counts that whole
    /// second), or to its end.
    pub fn covers(&self, t: SimTime) -> bool {
        self.finished() || self.reached >= covered_from(t)
    }

    /// The playback of a run simulated to `reached`, now at `end`.
    fn assemble(
        scenario: Arc<Scenario>,
        checkpoints: Vec<Arc<Sim>>,
        end: Sim,
        restarted_at: SimTime,
        reached: SimTime,
    ) -> Playback {
        let report = Arc::new(end.report());
        let moments = Arc::new(moments(&end, &report));
        Playback { scenario, checkpoints, end, report, moments, restarted_at, reached }
    }

    /// Where this run was simulated from: time 0 for a fresh build, the checkpoint
    /// before the first added fault for a fork.
    pub fn restarted_at(&self) -> SimTime {
        self.restarted_at
    }

    /// The scenario played.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The run's report: the whole run's, or up to where a [`Progress::so_far`]
    /// has reached.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The trace (up to where the run has reached).
    pub fn trace(&self) -> &Log<TraceEvent> {
        self.end.trace()
    }

    /// End of the run.
    pub fn duration(&self) -> SimTime {
        self.end.duration()
    }

    /// The simulation state at `t` (a checkpoint, run forward).
    pub fn state_at(&self, t: SimTime) -> Sim {
        let t = t.min(self.duration());
        let i = ((t.as_ms() / 1000) / CHECKPOINT_S) as usize;
        let mut sim = Sim::clone(&self.checkpoints[i.min(self.checkpoints.len() - 1)]);
        sim.run_until(t);
        sim
    }

    /// Events per second over the run, for the density strip under the scrubber.
    pub fn density(&self, buckets: usize) -> Vec<u32> {
        let mut v = vec![0u32; buckets.max(1)];
        let span = self.duration().as_ms().max(1);
        for e in self.trace().iter() {
            if e.kind() == "probe" || e.kind() == "checker" {
                continue;
            }
            let b = ((e.at.as_ms() * v.len() as u64) / (span + 1)) as usize;
            v[b.min(buckets - 1)] += 1;
        }
        v
    }

    /// The live view at `t`.
    pub fn live(&self, t: SimTime) -> LiveView {
        self.live_in(&self.state_at(t), t)
    }

    /// The live view in `sim`, this run's state at `t` ([`Playback::state_at`]).
    pub fn live_in(&self, sim: &Sim, t: SimTime) -> LiveView {
        let zone = sim.zone();
        let view = sim.health().view(zone);
        let record_healthy = (0..zone.records.len())
            .map(|r| {
                let rec = &zone.records[r];
                let check_ok = rec.check.is_none_or(|c| view.check_healthy(c));
                let lb_ok = match rec.target {
                    crate::route53::zone::Target::AliasLb(l) => answer::lb_healthy(zone, l, &view),
                    _ => true,
                };
                check_ok && lb_ok
            })
            .collect();
        let region_down = zone
            .regions
            .iter()
            .map(|r| {
                let down = zone.hosts.iter().enumerate().any(|(h, host)| {
                    host.region == r.name && sim.world().hosts[h] != crate::route53::endpoints::HostState::Up
                });
                (r.name.clone(), down)
            })
            .collect();
        let probe_lines = self
            .report
            .probes
            .values()
            .flat_map(|obs| obs.iter())
            .filter(|o| o.at <= t)
            .rev()
            .take(PROBE_LOG_LINES)
            .map(|o| {
                (
                    o.at,
                    format!(
                        "{}  {:22} → {:14} {} ({} ms)",
                        o.at,
                        o.answer,
                        o.region.as_deref().unwrap_or("-"),
                        o.result.as_str(),
                        o.elapsed_ms
                    ),
                    o.result == RequestResult::Ok,
                )
            })
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let upto = self.moments.partition_point(|m| m.0 <= t);
        let narration = self.moments[upto.saturating_sub(NARRATION_MOMENTS)..upto].to_vec();
        let sec = (t.as_ms() / 1000) as usize;
        let window = sec.saturating_sub(TRAFFIC_WINDOW_S - 1)..=sec;
        let mut shares: Vec<(String, f64)> = self
            .report
            .series
            .served_by_region
            .iter()
            .map(|(r, v)| (r.clone(), window.clone().filter_map(|i| v.get(i)).sum::<f64>()))
            .collect();
        let total: f64 = shares.iter().map(|s| s.1).sum();
        for s in &mut shares {
            s.1 = if total > 0.0 { s.1 / total } else { 0.0 };
        }
        let mut caches = sim.resolver_caches();
        // The generated population's resolvers are too many to list.
        caches.retain(|c| !c.0.starts_with(POPULATION_ID_PREFIX));
        let caches = caches.into_iter().map(|(r, a, ms)| (r, a, ms.div_ceil(1000))).collect();
        LiveView { at: t, record_healthy, region_down, probe_lines, narration, traffic_share: shares, caches }
    }

    /// Asks Route 53, at `t`, what a resolver in `from` (with an ECS client in
    /// `ecs`, if given) gets for the service, with the explanation.
    pub fn test_query(&self, t: SimTime, from: &str, ecs: Option<&str>) -> Result<Tested, String> {
        self.query_in(&self.state_at(t), t, from, ecs)
    }

    /// [`Playback::test_query`] in `sim`, this run's state at `t`.
    pub fn query_in(&self, sim: &Sim, t: SimTime, from: &str, ecs: Option<&str>) -> Result<Tested, String> {
        let city = |id: &str| geo::city(id).ok_or_else(|| format!("unknown city '{id}'"));
        let resolver = ClientAddr {
            addr: u32::from_be_bytes(TESTER_RESOLVER_ADDR),
            prefix_len: RESOLVER_PREFIX_LEN,
            place: city(from)?.place(),
        };
        let ecs_addr = match ecs {
            Some(c) => Some(ClientAddr {
                addr: u32::from_be_bytes(TESTER_ECS_SUBNET),
                prefix_len: CLIENT_SUBNET_PREFIX_LEN,
                place: city(c)?.place(),
            }),
            None => None,
        };
        let view = sim.health().view(sim.zone());
        let latency = LatencyTable::new(self.scenario.params.latency, self.scenario.seed);
        let q = Query {
            name: &self.scenario.service,
            rtype: RecordType::A,
            resolver: &resolver,
            ecs: ecs_addr.as_ref(),
            now: t,
        };
        let (a, ex) = answer::answer_explained(sim.zone(), &q, &view, &latency, &mut SimRng::new(self.scenario.seed));
        Ok(Tested {
            answer: a.summary(),
            steps: ex.steps.into_iter().map(|s| (s.depth, s.verdict, s.text)).collect(),
            path: ex.path,
        })
    }
}

/// One trial of a scenario under another seed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrialResult {
    /// The seed this trial ran under.
    pub seed: u64,
    /// The first probe's switch time, s.
    pub switch_s: Option<f64>,
    /// The longest client error window, s.
    pub error_window_max_s: Option<f64>,
}

/// Runs `scenario` with `seed` and keeps what the trials view plots.
pub fn trial(scenario: &Scenario, seed: u64) -> Result<TrialResult, Problems> {
    let mut s = scenario.clone();
    s.seed = seed;
    let mut sim = Sim::new(&s)?.without_trace();
    sim.run_until(sim.duration());
    let summary = sim.summary();
    let switch_s = summary.switch_ms.values().next().copied().flatten().map(|v| v as f64 / 1000.0);
    Ok(TrialResult { seed, switch_s, error_window_max_s: summary.error_window_max_ms.map(|v| v as f64 / 1000.0) })
}

/// p50, p95 and max by nearest rank (`None` for no values).
pub fn percentiles(values: &[f64]) -> Option<(f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    crate::base::sort::sort_f64(&mut v);
    let at = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    Some((at(0.5), at(0.95), v[v.len() - 1]))
}

/// Counts of `values` in `bins` equal bins from 0 to the maximum; returns the counts
/// and the bin width.
pub fn histogram(values: &[f64], bins: usize) -> (Vec<u32>, f64) {
    let bins = bins.max(1);
    let max = values.iter().copied().fold(0.0f64, f64::max);
    let width = if max > 0.0 { max / bins as f64 } else { 1.0 };
    let mut counts = vec![0u32; bins];
    for &x in values {
        counts[((x / width) as usize).min(bins - 1)] += 1;
    }
    (counts, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeking_matches_a_straight_run_and_live_views_follow_the_playhead() {
        let s = crate::design::presets::preset("latency-weighted-nlb").unwrap();
        let p = Playback::build(&s).unwrap();
        let mut straight = Sim::new(&s).unwrap();
        straight.run_until(SimTime(777_000));
        let seeked = p.state_at(SimTime(777_000));
        assert_eq!(seeked.trace_hash(), straight.trace_hash());
        // Backward then forward: the same state.
        let a = p.live(SimTime(400_000));
        let _ = p.live(SimTime(100_000));
        assert_eq!(p.live(SimTime(400_000)), a);
        // Before the fault everything is healthy; after it, us-east-1 is down and the
        // probe log shows refused connections.
        let before = p.live(SimTime(290_000));
        assert!(before.record_healthy.iter().all(|h| *h));
        assert!(before.region_down.iter().all(|(_, d)| !d));
        let after = p.live(SimTime(330_000));
        assert!(after.region_down.iter().any(|(r, d)| r == "us-east-1" && *d));
        assert!(after.probe_lines.iter().any(|l| l.1.contains("connection refused")));
        assert!(
            !after.narration.is_empty() && after.narration.iter().all(|n| n.0 <= SimTime(330_000)),
            "up to the playhead"
        );
        let at_fault = p.live(SimTime(300_000));
        assert!(at_fault.narration.iter().any(|n| n.1.contains("stop the web servers in us-east-1")));
        let late = p.live(SimTime(500_000));
        assert!(!late.record_healthy.iter().all(|h| *h), "the us-east-1 records are unhealthy at the DNS servers");
        assert!(late.traffic_share.iter().any(|(r, s)| r == "eu-west-1" && *s > 0.3));
    }

    #[test]
    fn a_run_shown_before_it_is_finished_shows_what_the_whole_run_shows_where_it_has_reached() {
        let s = crate::design::presets::preset("latency-weighted-checks-alb").unwrap();
        let whole = Playback::build(&s).unwrap();
        let mut progress = Progress::start(None, &s).unwrap();
        assert_eq!(progress.reached(), SimTime::ZERO);
        // The playhead on a checkpoint, just before one, mid-interval, and late.
        for t in [0, 59_999, 60_000, 330_500, 600_000] {
            progress.run_past(SimTime(t));
            let so_far = progress.so_far();
            assert!(so_far.covers(SimTime(t)) && !so_far.finished(), "{t}");
            assert!(so_far.reached.as_ms() > t && so_far.reached.as_ms() <= t + CHECKPOINT_S * 1000, "{t}");
            assert_eq!(so_far.live(SimTime(t)), whole.live(SimTime(t)), "{t}");
            let from = Some("singapore");
            assert_eq!(
                so_far.test_query(SimTime(t), "washington-dc", from),
                whole.test_query(SimTime(t), "washington-dc", from)
            );
            // Past where it has reached, the run so far knows less than the whole run.
            assert!(!so_far.covers(so_far.reached), "{t}");
        }
        // The whole run's live view differs from one taken before the verdicts: the
        // comparison above is not between empty views.
        assert_ne!(whole.live(SimTime(0)).narration, whole.live(SimTime(600_000)).narration);
        // Finishing in steps gives the run a single build gives.
        let mut stepped = Progress::start(None, &s).unwrap();
        let mut steps = 0;
        while !stepped.done() {
            stepped.step();
            steps += 1;
        }
        assert_eq!(steps, whole.checkpoints.len() - 1);
        let stepped = stepped.finish();
        let finished = progress.finish();
        for p in [&stepped, &finished] {
            assert!(p.finished() && p.covers(p.duration()));
            assert_eq!(p.report().trace_hash, whole.report().trace_hash);
            assert_eq!(p.report().summary, whole.report().summary);
            assert_eq!(p.moments, whole.moments);
            assert_eq!(p.checkpoints.len(), whole.checkpoints.len());
        }
    }

    #[test]
    fn a_scenario_that_cannot_run_gives_every_problem_by_path() {
        let mut s = crate::design::presets::preset("latency-weighted-nlb").unwrap();
        s.probes[0].resolver = "nope".into();
        s.zone.records[0].ttl_s = Some(60);
        let problems = Playback::build(&s).expect_err("bad references").0;
        assert_eq!(problems.len(), 1, "the zone is checked first: {problems:?}");
        assert!(problems[0].path.starts_with("zone.records[0]"), "{problems:?}");
        s.zone = crate::design::presets::preset("latency-weighted-nlb").unwrap().zone;
        let problems = trial(&s, 3).expect_err("bad references").0;
        assert_eq!(
            problems.iter().map(|p| (p.path.as_str(), p.message.as_str())).collect::<Vec<_>>(),
            [("probes[0].resolver", "no resolver 'nope'")]
        );
    }

    #[test]
    fn the_query_tester_explains_the_answer_at_the_playhead() {
        let p = Playback::build(&crate::design::presets::preset("latency-weighted-alb").unwrap()).unwrap();
        let early = p.test_query(SimTime(10_000), "washington-dc", None).unwrap();
        assert!(early.answer.contains("alb-use1"), "{}", early.answer);
        let late = p.test_query(SimTime(600_000), "washington-dc", None).unwrap();
        assert!(late.answer.contains("alb-euw1"), "{}", late.answer);
        assert!(late.steps.iter().any(|s| s.1 == Verdict::Skipped));
        let ecs = p.test_query(SimTime(10_000), "washington-dc", Some("singapore")).unwrap();
        assert!(ecs.answer.contains("alb-apse1"), "{}", ecs.answer);
        assert!(p.test_query(SimTime(0), "atlantis", None).is_err());
        // The path the tree marks: from the service's record down each alias followed.
        let zone = crate::route53::zone::Zone::new(&p.scenario.zone).unwrap();
        for tested in [&early, &late] {
            let path = &tested.path;
            assert_eq!(path.len(), 2, "latency, then weighted: {path:?}");
            assert_eq!(zone.groups[zone.records[path[0]].group].name, p.scenario.service);
            let crate::route53::zone::Target::AliasGroup(next) = zone.records[path[0]].target else {
                panic!("the latency record aliases the region's weighted set")
            };
            assert_eq!(zone.records[path[1]].group, next);
        }
        assert_ne!(early.path, late.path, "the answer moved to another region");
        assert!(!p.density(100).iter().all(|&d| d == 0));
    }

    #[test]
    fn trials_vary_with_the_seed_and_summarise() {
        let s = crate::design::presets::preset("latency-weighted-alb").unwrap();
        let rs: Vec<TrialResult> = (0..8).map(|seed| trial(&s, seed).unwrap()).collect();
        let sw: Vec<f64> = rs.iter().filter_map(|r| r.switch_s).collect();
        assert_eq!(sw.len(), 8);
        assert!(sw.iter().any(|&x| x != sw[0]), "{sw:?}");
        let (p50, p95, max) = percentiles(&sw).unwrap();
        assert!(p50 <= p95 && p95 <= max);
        let (counts, width) = histogram(&sw, 10);
        assert_eq!(counts.iter().sum::<u32>(), 8);
        assert!((width * 10.0 - max).abs() < 1e-9);
        assert_eq!(percentiles(&[]), None);
    }

    #[test]
    fn the_narration_tells_each_moment_in_one_sentence() {
        let p = Playback::build(&crate::design::presets::preset("latency-weighted-checks-alb").unwrap()).unwrap();
        let all = &p.moments;
        assert!(all.windows(2).all(|w| w[0].0 <= w[1].0), "in time order");
        let verdict = all
            .iter()
            .find(|m| m.1.contains("checkers now see") && m.1.ends_with("failing → Route 53 marks it unhealthy."))
            .unwrap_or_else(|| panic!("{all:#?}"));
        let fail = all.iter().find(|m| m.1.starts_with("curl-dc: requests now fail")).expect("first failure");
        let back =
            all.iter().find(|m| m.0 > fail.0 && m.1.starts_with("curl-dc now reaches eu-west-1")).expect("switch");
        assert!(fail.0 < verdict.0 && verdict.0 < back.0, "fail {fail:?} → verdict {verdict:?} → switch {back:?}");
        // The live view shows the last six moments up to the playhead, the newest last.
        let live = p.live(verdict.0);
        assert_eq!(live.narration.last(), Some(verdict));
        assert!(live.narration.len() <= 6 && live.narration.iter().all(|m| m.0 <= verdict.0));
    }

    #[test]
    fn comparing_alb_with_nlb_and_a_short_ttl_shows_the_faster_switch() {
        let a = Playback::build(&crate::design::presets::preset("latency-weighted-alb").unwrap()).unwrap();
        let b = Playback::build(&crate::design::presets::preset("latency-weighted-cname-ttl1-nlb").unwrap()).unwrap();
        let rows = compare(a.report(), b.report());
        let switch = rows.iter().find(|r| r.0 == "curl-dc switch time").expect("the probe's switch time");
        assert_eq!(switch.3, Some(true), "{switch:?}");
        let same = compare(a.report(), a.report());
        assert!(same.iter().all(|r| r.1 == r.2 && r.3.is_none()), "{same:?}");
    }
}
