//! The blast radius of a bad build, wave by wave — locations, stripes, zones and
//! resolvers touched, added resolution latency, failures, wrong answers served and
//! cached, user-minutes impaired — the name-server selection shares of the
//! resolvers, and the blast radius as CSV.
//!
//! Zones and name servers touched come from the delegation sets and the locations
//! announcing each name server ([`crate::deploy::anycast`]). Everything about
//! resolvers comes from following each of them query by query through the
//! deployment ([`crate::deploy::resolvers`]): a healthy baseline in which it learns
//! the zone's name servers, then every stretch in which a location on its path
//! misbehaves. Definitions and sources: `docs/model.md` ("Data plane: the blast
//! radius").
//!
//! Following one resolver is in `blast/follow.rs`, adding up the waves in
//! `blast/tally.rs`, the zones' side in `blast/zones.rs`.

use std::collections::{BTreeMap, BTreeSet};

mod follow;
mod tally;
mod zones;

use serde::Serialize;

use crate::base::rng::{SimRng, stream_id};
use crate::base::time::SimTime;
use crate::deploy::anycast::{self, Site};
use crate::deploy::resolvers::{self, Learned, Walker};
use crate::deploy::schedule::schedule;
use crate::deploy::{population, validate};
use crate::resolvers::caching;
use crate::spec::deploy::{BadKind, DeploySpec};
use crate::spec::kinds::ResolverKind;
use follow::Follow;
use tally::Tally;
use zones::ZoneView;

/// Per-wave (or total) blast radius.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WaveImpact {
    /// Wave number (1-based; 0 for totals).
    pub wave: usize,
    /// Locations that ran the bad build in production.
    pub locations: Vec<String>,
    /// Stripes those locations announce.
    pub stripes: Vec<u8>,
    /// Most of any zone's four name servers announced by locations running the bad
    /// build at one time (counting only locations some resolver reaches them at).
    pub worst_ns_per_zone: usize,
    /// Share of zones at that worst, percent.
    pub zones_at_worst_pct: f64,
    /// Share of zones with a name server announced by one of the wave's bad locations
    /// that some resolver reaches there, percent.
    pub zones_affected_pct: f64,
    /// Share of (zone, resolver) pairs in which the resolver reaches one of the zone's
    /// name servers at one of the wave's bad locations, percent.
    pub zone_resolver_pairs_pct: f64,
    /// Share of resolvers that got a failure, a wrong answer or a slower answer
    /// because of the wave, percent.
    pub resolvers_affected_pct: f64,
    /// Added resolution latency of the resolvers whose fastest location is in the
    /// wave, while it runs the bad build, against the same resolvers with everything
    /// healthy: p50, ms (failures are counted apart).
    pub added_latency_p50_ms: f64,
    /// The same, p99.
    pub added_latency_p99_ms: f64,
    /// Resolutions that got no answer at all.
    pub failed_resolutions: f64,
    /// Resolver-seconds during which a wrong answer was cached and served.
    pub wrong_resolver_seconds: f64,
    /// Client requests answered with a wrong answer.
    pub wrong_client_requests: f64,
    /// User-minutes impaired (holding a wrong answer, getting a failure, or waiting on
    /// a resolution slowed by more than `impaired_ms`).
    pub user_minutes: f64,
}

/// Name-server selection in the healthy baseline, over some resolvers.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SelectionShares {
    /// Resolvers counted (those that sent queries in the baseline).
    pub resolvers: u32,
    /// Resolvers sending most (more than half) of their queries to their fastest name
    /// server, percent.
    pub majority_to_fastest_pct: f64,
    /// Mean share of a resolver's queries going to its fastest name server, percent.
    pub mean_share_pct: f64,
    /// Deciles (10th … 90th percentile) of each resolver's share of queries to its
    /// fastest name server, percent.
    pub deciles_pct: Vec<f64>,
    /// Resolvers by that share: `[0, 10)`, `[10, 20)` … `[90, 100]` percent.
    pub histogram: Vec<u32>,
}

/// Name-server selection shares, overall and per resolver kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SelectionReport {
    /// The baseline window the shares are measured over, s.
    pub window_s: u64,
    /// All resolvers.
    pub overall: SelectionShares,
    /// The same shares for each resolver kind on its own.
    pub by_kind: BTreeMap<ResolverKind, SelectionShares>,
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
    /// Seconds from first bad serving to the last moment a client may still use a
    /// wrong answer (resolver caches, TTL extenders, then the clients' own caches).
    pub last_wrong_answer_s: Option<u64>,
    /// Per wave.
    pub waves: Vec<WaveImpact>,
    /// All waves together.
    pub total: WaveImpact,
    /// Timeline of the deployment.
    pub timeline: Vec<(SimTime, String)>,
    /// Delegation sets that could not be assigned under the sharing rule.
    pub unassigned_zones: u32,
    /// Resolvers followed query by query (an evenly spaced sample when the population
    /// is larger; totals are scaled to the population, shares are over the sample).
    pub simulated_resolvers: u32,
    /// How the resolvers spread their queries over the zone's name servers.
    pub selection: SelectionReport,
}

/// Resolutions followed one by one at the start of a stretch in which nothing on a
/// resolver's path changes; as many again then stand for the rest of the stretch.
pub const SETTLE: usize = 16;

/// Runs the bad build through the plan.
pub fn run(spec: &DeploySpec, seed: u64) -> Result<DeployReport, crate::spec::problems::Problems> {
    validate(spec)?;
    let sched = schedule(spec);
    let delegation = anycast::DelegationSets::assign(spec.zones, spec.pool_per_stripe, spec.max_shared, seed);
    let population = population(spec, seed);
    // The resolvers followed: an evenly spaced sample when the population is larger
    // than `max_simulated`; every total is scaled back to the population.
    let n = population.len();
    let stride = n.div_ceil(spec.resolver_params.max_simulated.max(1) as usize).max(1);
    let sample: Vec<usize> = (0..n).step_by(stride).collect();
    let pop_weight = n as f64 / sample.len().max(1) as f64;
    let sites = anycast::sites_at(spec, &population, &sample, &delegation, seed);
    let baseline_us = spec.resolver_params.baseline_s * 1_000_000;
    // Every resolver learns the zone's name servers in the healthy baseline.
    let mut walkers: Vec<Walker> = Vec::with_capacity(sites.len());
    let mut learned: Vec<Learned> = Vec::with_capacity(sites.len());
    for (site, &i) in sites.iter().zip(&sample) {
        let mut w = Walker::new(spec, site, i, seed);
        learned.push(resolvers::learn(&mut w, site, baseline_us));
        walkers.push(w);
    }
    let selection = selection_report(&sites, &learned, spec.resolver_params.baseline_s);
    let bad = spec.bad_build;
    let mut report = DeployReport {
        plan: spec.plan.name.clone(),
        kind: bad.kind,
        caught_in_staging: sched.caught_in_staging,
        waves_started: sched.waves_started,
        time_to_detect_s: None,
        time_to_halt_s: None,
        time_to_rollback_s: None,
        last_wrong_answer_s: None,
        waves: Vec::new(),
        total: WaveImpact::default(),
        timeline: sched.timeline.clone(),
        unassigned_zones: delegation.unassigned,
        simulated_resolvers: 0,
        selection,
    };
    if sched.caught_in_staging {
        return Ok(report);
    }
    let mut tally = Tally::new(spec.plan.waves.len(), sample.len());
    let hold_s = client_hold_s(spec, bad.wrong_answer == crate::spec::deploy::WrongAnswer::Nxdomain);
    for (k, &i) in sample.iter().enumerate() {
        let conv_ms =
            anycast::convergence_ms(&spec.anycast, &mut SimRng::derive(seed, stream_id(&format!("converge/{i}"))));
        let follow = Follow { spec, sched: &sched, site: &sites[k], baseline_us, conv_ms };
        tally.follow(&follow, walkers[k].clone(), k, pop_weight, hold_s);
    }
    // Zones and name servers touched: from the delegation sets and announcements.
    let zones = ZoneView::new(spec, &delegation, &sites);
    tally.worst_name_servers(spec, &sched, &zones);
    (report.waves, report.total) = tally.impacts(spec, &sched, &zones);
    let first_bad = sched.first_bad;
    let since_first = |t: Option<SimTime>| first_bad.zip(t).map(|(f, t)| t.as_ms().saturating_sub(f.as_ms()) / 1000);
    report.time_to_detect_s = since_first(sched.alarm_at);
    report.time_to_halt_s = since_first(sched.alarm_at);
    report.time_to_rollback_s = since_first(sched.rollback_done);
    report.last_wrong_answer_s =
        since_first(tally.last_wrong_us.map(|u| SimTime(u.saturating_sub(baseline_us) / 1_000)));
    report.simulated_resolvers = sample.len() as u32;
    Ok(report)
}

/// The longest any of the plan's client kinds keeps an answer (a negative one when
/// `negative`) after its resolver drops it, s.
fn client_hold_s(spec: &DeploySpec, negative: bool) -> u32 {
    spec.resolver_params
        .client_kinds
        .iter()
        .filter(|k| k.1 > 0)
        .map(|k| caching::client_hold_s(k.0, negative))
        .max()
        .unwrap_or(0)
}

/// The shares of queries to the fastest name server, from each resolver's baseline.
fn selection_report(sites: &[Site], learned: &[Learned], window_s: u64) -> SelectionReport {
    let shares = |filter: &dyn Fn(&Site) -> bool| {
        let mut v: Vec<f64> =
            sites.iter().zip(learned).filter(|(s, _)| filter(s)).filter_map(|(_, l)| l.share_to_fastest()).collect();
        crate::base::sort::sort_f64(&mut v);
        let n = v.len();
        let mut histogram = vec![0u32; 10];
        for &x in &v {
            histogram[((x * 10.0) as usize).min(9)] += 1;
        }
        SelectionShares {
            resolvers: n as u32,
            majority_to_fastest_pct: if n == 0 {
                0.0
            } else {
                100.0 * v.iter().filter(|&&x| x > 0.5).count() as f64 / n as f64
            },
            mean_share_pct: if n == 0 { 0.0 } else { 100.0 * v.iter().sum::<f64>() / n as f64 },
            deciles_pct: (1..10)
                .map(|d| if n == 0 { 0.0 } else { 100.0 * v[((d * n).div_ceil(10)).clamp(1, n) - 1] })
                .collect(),
            histogram,
        }
    };
    let kinds: BTreeSet<ResolverKind> = sites.iter().map(|s| s.kind).collect();
    SelectionReport {
        window_s,
        overall: shares(&|_| true),
        by_kind: kinds.into_iter().map(|k| (k, shares(&|s: &Site| s.kind == k))).collect(),
    }
}

/// The per-wave blast radius as CSV, one row per wave and a total row.
pub fn impact_csv(r: &DeployReport) -> String {
    let mut out = String::from(
        "wave,locations,stripes,worst name servers per zone,zones affected %,zone-resolver pairs %,resolvers affected %,\
         added latency p50 ms,added latency p99 ms,failed resolutions,wrong-answer resolver-seconds,user-minutes\n",
    );
    for w in r.waves.iter().chain(std::iter::once(&r.total)) {
        let name = if w.wave == 0 { "total".to_string() } else { w.wave.to_string() };
        out.push_str(&format!(
            "{name},{},{},{},{:.2},{:.2},{:.2},{:.1},{:.1},{:.1},{:.1},{:.1}\n",
            w.locations.join(" "),
            w.stripes.iter().map(u8::to_string).collect::<Vec<_>>().join(" "),
            w.worst_ns_per_zone,
            w.zones_affected_pct,
            w.zone_resolver_pairs_pct,
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
