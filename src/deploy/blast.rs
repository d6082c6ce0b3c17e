//! The blast radius of a bad build, wave by wave: locations, stripes, zones and
//! resolvers touched, added resolution latency, user-minutes impaired, wrong answers
//! served and cached — and its CSV.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::base::rng::{SimRng, stream_id};
use crate::base::time::SimTime;
use crate::deploy::anycast::{self, DelegationSets, LocState};
use crate::deploy::schedule::{Schedule, schedule};
use crate::deploy::{population, validate};
use crate::spec::deploy::{BadKind, DeploySpec, STRIPES};

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

/// How long a sequential resolver keeps avoiding a silent server before probing it
/// again, s (Unbound's `infra-host-ttl`, 900 s [C]).
pub const RELEARN_S: f64 = 900.0;

/// Runs the bad build through the plan.
pub fn run(spec: &DeploySpec, seed: u64) -> Result<DeployReport, crate::spec::problems::Problems> {
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
