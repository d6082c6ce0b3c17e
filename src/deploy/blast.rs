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

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::base::rng::{SimRng, stream_id};
use crate::base::time::SimTime;
use crate::deploy::anycast::{self, LocState, Site, announcements, group_of};
use crate::deploy::resolvers::{self, Learned, Outcome, Walker};
use crate::deploy::schedule::{Schedule, schedule};
use crate::deploy::{population, validate};
use crate::resolvers::caching;
use crate::spec::deploy::{BadKind, DeploySpec, STRIPES};
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
    let fleet = &spec.fleet;
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
    let n_waves = spec.plan.waves.len();
    let mut per_wave: Vec<Acc> = (0..n_waves).map(|_| Acc::new(sample.len())).collect();
    let mut total = Acc::new(sample.len());
    let client_hold = |negative: bool| {
        spec.resolver_params
            .client_kinds
            .iter()
            .filter(|k| k.1 > 0)
            .map(|k| caching::client_hold_s(k.0, negative))
            .max()
            .unwrap_or(0)
    };
    let hold_s = client_hold(bad.wrong_answer == crate::spec::deploy::WrongAnswer::Nxdomain);
    let mut last_wrong_us: Option<u64> = None;
    for (k, &i) in sample.iter().enumerate() {
        let site = &sites[k];
        let walker = walkers[k].clone();
        let conv_ms =
            anycast::convergence_ms(&spec.anycast, &mut SimRng::derive(seed, stream_id(&format!("converge/{i}"))));
        let follow = Follow { spec, sched: &sched, site, baseline_us, conv_ms };
        let users = f64::from(site.users);
        let rate_s = users * spec.user_requests_per_min / 60.0;
        let mut account = |o: &Outcome, w: f64| {
            let Some(b) = o.blame else { return };
            if o.answered && !o.wrong && o.lost < 500 {
                return;
            }
            let t = SimTime(o.at.saturating_sub(baseline_us) / 1_000);
            let Some(wave) = sched.blame_wave(usize::from(b), t) else { return };
            let ww = w * pop_weight;
            let (failed, wrong_s, wrong_req, user_s) = if !o.answered {
                (ww, 0.0, 0.0, ww * users * f64::from(o.cached_s))
            } else if o.wrong {
                let c = f64::from(o.cached_s);
                last_wrong_us =
                    last_wrong_us.max(Some(o.at + o.latency + (u64::from(o.cached_s) + u64::from(hold_s)) * 1_000_000));
                (0.0, ww * c, ww * c * rate_s, ww * users * c)
            } else if o.lost as f64 > spec.impaired_ms * 1_000.0 {
                (0.0, 0.0, 0.0, ww * users * o.latency as f64 / 1e6)
            } else {
                (0.0, 0.0, 0.0, 0.0)
            };
            for acc in [&mut per_wave[wave], &mut total] {
                acc.affected[k] = true;
                acc.failed += failed;
                acc.wrong_s += wrong_s;
                acc.wrong_requests += wrong_req;
                acc.user_minutes += user_s / 60.0;
            }
        };
        let (segments, fastest_span) = follow.segments();
        let mut actual = walker;
        let (mut act, mut base) = (Mean::default(), Mean::default());
        for &(a, b) in &segments {
            if let Some((f0, f1)) = fastest_span.filter(|&(f0, _)| f0 == a) {
                // The same resolver with everything healthy, from the same state: one
                // stretch, since nothing changes on its path.
                actual.skip_to(a);
                let mut twin = actual.clone();
                follow.drive(&mut twin, f0, f1, &resolvers::healthy, |o, w| {
                    if o.answered {
                        base.add(o.latency as f64, w);
                    }
                });
            }
            let in_span = fastest_span.is_some_and(|(f0, f1)| a >= f0 && a < f1);
            follow.drive(&mut actual, a, b, &follow, |o, w| {
                account(o, w);
                if in_span && o.answered {
                    act.add(o.latency as f64, w);
                }
            });
        }
        if let (Some(f), Some(a), Some(h)) = (site.fastest_stripe(), act.get(), base.get()) {
            let loc = usize::from(site.by_stripe[f][0].1);
            if let Some(wave) = sched.wave_of[loc] {
                let added_ms = (a - h) / 1_000.0;
                per_wave[wave].added.push(added_ms);
                total.added.push(added_ms);
            }
        }
    }
    // Zones and name servers touched: from the delegation sets and announcements.
    let zones = ZoneView::new(spec, &delegation, &sites);
    let harmful_live = |l: usize, t: SimTime| {
        sched.harmful(spec, l)
            && sched.bad_since[l].is_some_and(|s| s <= t)
            && sched.bad_until[l].is_some_and(|u| t < u)
    };
    let mut cuts: Vec<SimTime> = sched.bad_since.iter().chain(sched.bad_until.iter()).flatten().copied().collect();
    cuts.sort();
    cuts.dedup();
    for &t in &cuts {
        let bad_now: Vec<usize> = (0..fleet.len()).filter(|&l| harmful_live(l, t)).collect();
        let Some(w) = bad_now.iter().filter_map(|&l| sched.wave_of[l]).max() else { continue };
        let (worst, at_worst) = zones.worst(&bad_now);
        for acc in [&mut per_wave[w], &mut total] {
            if worst > acc.worst_ns || (worst == acc.worst_ns && at_worst > acc.at_worst) {
                acc.worst_ns = worst;
                acc.at_worst = at_worst;
            }
        }
    }
    let finish = |acc: &Acc, wave: usize, locs: Vec<usize>| {
        let mut added = acc.added.clone();
        added.sort_by(|a, b| a.total_cmp(b));
        let q = |p: f64| {
            if added.is_empty() {
                0.0
            } else {
                added[((p * added.len() as f64).ceil() as usize).clamp(1, added.len()) - 1]
            }
        };
        let harmful: Vec<usize> = locs.iter().copied().filter(|&l| sched.harmful(spec, l)).collect();
        let (zones_pct, pairs_pct) = zones.affected(&harmful);
        let stripes: BTreeSet<u8> = locs.iter().map(|&l| fleet[l].stripe).collect();
        WaveImpact {
            wave,
            locations: locs.iter().map(|&l| fleet[l].id.clone()).collect(),
            stripes: stripes.into_iter().collect(),
            worst_ns_per_zone: acc.worst_ns,
            zones_at_worst_pct: acc.at_worst,
            zones_affected_pct: zones_pct,
            zone_resolver_pairs_pct: pairs_pct,
            resolvers_affected_pct: 100.0 * acc.affected.iter().filter(|a| **a).count() as f64
                / acc.affected.len().max(1) as f64,
            added_latency_p50_ms: q(0.5),
            added_latency_p99_ms: q(0.99),
            failed_resolutions: acc.failed,
            wrong_resolver_seconds: acc.wrong_s,
            wrong_client_requests: acc.wrong_requests,
            user_minutes: acc.user_minutes,
        }
    };
    let deployed = |l: usize| sched.bad_since[l].is_some();
    report.waves = (0..n_waves)
        .filter(|&w| w < sched.waves_started)
        .map(|w| {
            finish(
                &per_wave[w],
                w + 1,
                (0..fleet.len()).filter(|&l| sched.wave_of[l] == Some(w) && deployed(l)).collect(),
            )
        })
        .collect();
    report.total = finish(&total, 0, (0..fleet.len()).filter(|&l| deployed(l)).collect());
    let first_bad = sched.first_bad;
    let since_first = |t: Option<SimTime>| first_bad.zip(t).map(|(f, t)| t.as_ms().saturating_sub(f.as_ms()) / 1000);
    report.time_to_detect_s = since_first(sched.alarm_at);
    report.time_to_halt_s = since_first(sched.alarm_at);
    report.time_to_rollback_s = since_first(sched.rollback_done);
    report.last_wrong_answer_s = since_first(last_wrong_us.map(|u| SimTime(u.saturating_sub(baseline_us) / 1_000)));
    report.simulated_resolvers = sample.len() as u32;
    Ok(report)
}

/// A weighted mean.
#[derive(Default)]
struct Mean {
    sum: f64,
    weight: f64,
}

impl Mean {
    fn add(&mut self, x: f64, w: f64) {
        self.sum += x * w;
        self.weight += w;
    }

    fn get(&self) -> Option<f64> {
        (self.weight > 0.0).then(|| self.sum / self.weight)
    }
}

/// A stretch of time, µs: from, until.
type Span = (u64, u64);

/// Following one resolver through the deployment.
struct Follow<'a> {
    spec: &'a DeploySpec,
    sched: &'a Schedule,
    site: &'a Site,
    baseline_us: u64,
    conv_ms: u64,
}

impl resolvers::World for Follow<'_> {
    fn state(&self, l: u16, t: u64) -> LocState {
        if t < self.baseline_us {
            return LocState::Ok;
        }
        let t = SimTime((t - self.baseline_us) / 1_000);
        let st = self.sched.state_of(usize::from(l), t);
        // A withdrawal reaches this resolver only once BGP has converged for it.
        if st == LocState::Withdrawn && self.sched.alarm_at.is_some_and(|a| t.as_ms() < a.as_ms() + self.conv_ms) {
            LocState::BlackHole
        } else {
            st
        }
    }
}

impl Follow<'_> {
    /// The locations that can ever be on this resolver's path: per stripe, the
    /// closest announcing its zone's name server and, when it withdraws, the next.
    fn relevant(&self) -> Vec<u16> {
        let mut out = Vec::new();
        for list in &self.site.by_stripe {
            for &(_, l) in list {
                out.push(l);
                // The next one only matters once this one withdraws.
                if !self.sched.states[usize::from(l)].iter().any(|e| e.1 == LocState::Withdrawn) {
                    break;
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The stretches (µs) in which something on its path misbehaves, cut wherever a
    /// state on its path changes; and the span in which its fastest location runs
    /// the bad build.
    fn segments(&self) -> (Vec<Span>, Option<Span>) {
        let relevant = self.relevant();
        let conv = self.sched.alarm_at.filter(|_| self.spec.bad_build.kind == BadKind::BlackHole);
        let mut cuts: Vec<u64> = Vec::new();
        for &l in &relevant {
            for &(t, st) in &self.sched.states[usize::from(l)] {
                cuts.push(t.as_ms());
                if st == LocState::Withdrawn
                    && let Some(a) = conv
                {
                    cuts.push(a.as_ms() + self.conv_ms);
                }
            }
        }
        let fastest = self.site.fastest_stripe().map(|s| usize::from(self.site.by_stripe[s][0].1));
        let span = fastest.and_then(|f| {
            let (s, u) = (self.sched.bad_since[f]?, self.sched.bad_until[f]?);
            (self.sched.states[f].len() > 1).then_some((s.as_ms(), u.as_ms()))
        });
        if let Some((s, u)) = span {
            cuts.push(s);
            cuts.push(u);
        }
        cuts.sort_unstable();
        cuts.dedup();
        let us = |ms: u64| self.baseline_us + ms * 1_000;
        let segments = cuts
            .windows(2)
            .map(|w| (us(w[0]), us(w[1])))
            .filter(|&(a, _)| relevant.iter().any(|&l| resolvers::World::state(self, l, a) != LocState::Ok))
            .collect();
        (segments, span.map(|(s, u)| (us(s), us(u))))
    }

    /// Follows `walker` through `[a, b)` in `world`, handing each resolution and its
    /// weight to `each`. Nothing changes on the resolver's path within a stretch, so
    /// after [`SETTLE`] resolutions the next [`SETTLE`] stand for the rest of it
    /// (weighted by the time left over the time they took).
    fn drive(
        &self,
        walker: &mut Walker,
        a: u64,
        b: u64,
        world: &dyn resolvers::World,
        mut each: impl FnMut(&Outcome, f64),
    ) {
        walker.skip_to(a);
        let mut n = 0;
        while walker.next_miss < b && n < SETTLE {
            each(&walker.step(self.site, world), 1.0);
            n += 1;
        }
        if walker.next_miss >= b {
            return;
        }
        let from = walker.next_miss;
        let mut held = Vec::with_capacity(SETTLE);
        while walker.next_miss < b && held.len() < SETTLE {
            held.push(walker.step(self.site, world));
        }
        let took = walker.next_miss.min(b) - from;
        let w = if walker.next_miss < b && took > 0 { (b - from) as f64 / took as f64 } else { 1.0 };
        for o in &held {
            each(o, w);
        }
        walker.skip_to(b);
    }
}

struct Acc {
    affected: Vec<bool>,
    added: Vec<f64>,
    worst_ns: usize,
    at_worst: f64,
    failed: f64,
    wrong_s: f64,
    wrong_requests: f64,
    user_minutes: f64,
}

impl Acc {
    fn new(n: usize) -> Acc {
        Acc {
            affected: vec![false; n],
            added: Vec::new(),
            worst_ns: 0,
            at_worst: 0.0,
            failed: 0.0,
            wrong_s: 0.0,
            wrong_requests: 0.0,
            user_minutes: 0.0,
        }
    }
}

/// Zones by the groups of their four name servers, and which location each sampled
/// resolver reaches each (stripe, group) at.
struct ZoneView {
    groups: usize,
    /// Zones per class (the group on each stripe, as a base-`groups` number), for the
    /// classes that have zones: (its group on each stripe, zones).
    classes: Vec<([u8; STRIPES], u32)>,
    zones: f64,
    /// Per sampled resolver, per stripe × group: the location it reaches it at.
    nearest: Vec<Vec<Option<u16>>>,
    /// Per stripe × group, per location: some sampled resolver reaches it there.
    reach_any: Vec<Vec<bool>>,
}

impl ZoneView {
    fn new(spec: &DeploySpec, d: &anycast::DelegationSets, sites: &[Site]) -> ZoneView {
        let g = usize::from(spec.anycast.groups_per_stripe.clamp(1, 16));
        let mut counts = vec![0u32; g.pow(STRIPES as u32)];
        for set in &d.sets {
            let c =
                (0..STRIPES).rev().fold(0, |c, s| c * g + usize::from(group_of(set[s], d.pool_per_stripe, g as u16)));
            counts[c] += 1;
        }
        let classes = counts
            .iter()
            .enumerate()
            .filter(|c| *c.1 > 0)
            .map(|(c, &n)| {
                let mut c = c;
                let groups = std::array::from_fn(|_| {
                    let x = (c % g) as u8;
                    c /= g;
                    x
                });
                (groups, n)
            })
            .collect();
        let ann = announcements(&spec.fleet, &spec.anycast);
        let mut reach_any = vec![vec![false; spec.fleet.len()]; STRIPES * g];
        let nearest: Vec<Vec<Option<u16>>> = sites
            .iter()
            .map(|site| {
                let mut v = Vec::with_capacity(STRIPES * g);
                for s in 0..STRIPES {
                    for grp in 0..g {
                        let l =
                            site.all_by_stripe[s].iter().map(|c| c.1).find(|&l| ann[usize::from(l)] & (1 << grp) != 0);
                        if let Some(l) = l {
                            reach_any[s * g + grp][usize::from(l)] = true;
                        }
                        v.push(l);
                    }
                }
                v
            })
            .collect();
        ZoneView { groups: g, classes, zones: d.sets.len().max(1) as f64, nearest, reach_any }
    }

    fn mask(&self, bad: &[usize]) -> Vec<bool> {
        let mut m = vec![false; self.reach_any.first().map_or(0, Vec::len)];
        for &l in bad {
            m[l] = true;
        }
        m
    }

    /// Per stripe, the groups some resolver reaches at one of `bad`.
    fn reached(&self, bad: &[usize]) -> [u16; STRIPES] {
        let g = self.groups;
        std::array::from_fn(|s| {
            (0..g).fold(
                0u16,
                |m, grp| {
                    if bad.iter().any(|&l| self.reach_any[s * g + grp][l]) { m | 1 << grp } else { m }
                },
            )
        })
    }

    /// Zones (by count) with a name server in a reached group.
    fn covered(&self, m: &[u16; STRIPES]) -> f64 {
        self.classes
            .iter()
            .filter(|(g, _)| (0..STRIPES).any(|s| m[s] & (1 << g[s]) != 0))
            .map(|&(_, n)| f64::from(n))
            .sum()
    }

    /// The most of a zone's name servers reached at `bad` locations, and the share of
    /// zones at that count, percent.
    fn worst(&self, bad: &[usize]) -> (usize, f64) {
        let m = self.reached(bad);
        let mut worst = 0;
        let mut at = 0u64;
        for &(g, count) in &self.classes {
            let k = (0..STRIPES).filter(|&s| m[s] & (1 << g[s]) != 0).count();
            if k > worst {
                worst = k;
                at = 0;
            }
            if k == worst {
                at += u64::from(count);
            }
        }
        (worst, if worst == 0 { 0.0 } else { 100.0 * at as f64 / self.zones })
    }

    /// Zones affected through `bad` locations (percent), and (zone, resolver) pairs.
    fn affected(&self, bad: &[usize]) -> (f64, f64) {
        if bad.is_empty() || self.nearest.is_empty() {
            return (0.0, 0.0);
        }
        let zones = self.covered(&self.reached(bad));
        let is_bad = self.mask(bad);
        let g = self.groups;
        // Resolvers with the same reach pattern affect the same zones.
        let mut patterns: BTreeMap<[u16; STRIPES], u32> = BTreeMap::new();
        for r in &self.nearest {
            let m: [u16; STRIPES] =
                std::array::from_fn(|s| {
                    (0..g).fold(0u16, |m, grp| {
                        if r[s * g + grp].is_some_and(|l| is_bad[usize::from(l)]) { m | 1 << grp } else { m }
                    })
                });
            if m.iter().any(|&x| x != 0) {
                *patterns.entry(m).or_default() += 1;
            }
        }
        let pairs: f64 = patterns.iter().map(|(m, &k)| self.covered(m) * f64::from(k)).sum();
        (100.0 * zones / self.zones, 100.0 * pairs / (self.zones * self.nearest.len() as f64))
    }
}

/// The shares of queries to the fastest name server, from each resolver's baseline.
fn selection_report(sites: &[Site], learned: &[Learned], window_s: u64) -> SelectionReport {
    let shares = |filter: &dyn Fn(&Site) -> bool| {
        let mut v: Vec<f64> =
            sites.iter().zip(learned).filter(|(s, _)| filter(s)).filter_map(|(_, l)| l.share_to_fastest()).collect();
        v.sort_by(|a, b| a.total_cmp(b));
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
