//! Adding up the blast radius per wave and in total: what each followed resolver
//! suffered (failures, wrong answers served and cached, impaired user-minutes,
//! added latency on its fastest name server), the worst name servers per zone at
//! each moment the bad set changes, and a wave's [`WaveImpact`] from its sums.

use std::collections::BTreeSet;

use crate::base::time::SimTime;
use crate::deploy::resolvers::{self, Outcome, Walker};
use crate::deploy::schedule::Schedule;
use crate::spec::deploy::DeploySpec;

use super::WaveImpact;
use super::follow::Follow;
use super::zones::ZoneView;

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

/// The sums behind one wave's (or the total) blast radius.
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

/// The blast radius being added up: per wave, in total, and when the last wrong
/// answer leaves the caches.
pub(super) struct Tally {
    per_wave: Vec<Acc>,
    total: Acc,
    /// When the last wrong answer stops being served, µs since the start of the baseline.
    pub(super) last_wrong_us: Option<u64>,
}

impl Tally {
    /// Nothing counted yet, for `waves` waves and `resolvers` followed resolvers.
    pub(super) fn new(waves: usize, resolvers: usize) -> Tally {
        Tally {
            per_wave: (0..waves).map(|_| Acc::new(resolvers)).collect(),
            total: Acc::new(resolvers),
            last_wrong_us: None,
        }
    }

    /// Follows resolver `k` (its walker as the baseline left it) through the
    /// deployment and counts what it suffered in the wave to blame; `pop_weight` is
    /// how many resolvers of the population it stands for, `hold_s` how long a
    /// client keeps a wrong answer after the resolver drops it.
    pub(super) fn follow(&mut self, follow: &Follow, walker: Walker, k: usize, pop_weight: f64, hold_s: u32) {
        let (spec, sched, site, baseline_us) = (follow.spec, follow.sched, follow.site, follow.baseline_us);
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
                self.last_wrong_us = self
                    .last_wrong_us
                    .max(Some(o.at + o.latency + (u64::from(o.cached_s) + u64::from(hold_s)) * 1_000_000));
                (0.0, ww * c, ww * c * rate_s, ww * users * c)
            } else if o.lost as f64 > spec.impaired_ms * 1_000.0 {
                (0.0, 0.0, 0.0, ww * users * o.latency as f64 / 1e6)
            } else {
                (0.0, 0.0, 0.0, 0.0)
            };
            for acc in [&mut self.per_wave[wave], &mut self.total] {
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
            follow.drive(&mut actual, a, b, follow, |o, w| {
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
                self.per_wave[wave].added.push(added_ms);
                self.total.added.push(added_ms);
            }
        }
    }

    /// The most name servers per zone down at once, in each wave and in total: at
    /// every moment a location starts or stops serving the bad build, from the
    /// delegation sets and announcements.
    pub(super) fn worst_name_servers(&mut self, spec: &DeploySpec, sched: &Schedule, zones: &ZoneView) {
        let harmful_live = |l: usize, t: SimTime| {
            sched.harmful(spec, l)
                && sched.bad_since[l].is_some_and(|s| s <= t)
                && sched.bad_until[l].is_some_and(|u| t < u)
        };
        let mut cuts: Vec<SimTime> = sched.bad_since.iter().chain(sched.bad_until.iter()).flatten().copied().collect();
        cuts.sort();
        cuts.dedup();
        for &t in &cuts {
            let bad_now: Vec<usize> = (0..spec.fleet.len()).filter(|&l| harmful_live(l, t)).collect();
            let Some(w) = bad_now.iter().filter_map(|&l| sched.wave_of[l]).max() else { continue };
            let (worst, at_worst) = zones.worst(&bad_now);
            for acc in [&mut self.per_wave[w], &mut self.total] {
                if worst > acc.worst_ns || (worst == acc.worst_ns && at_worst > acc.at_worst) {
                    acc.worst_ns = worst;
                    acc.at_worst = at_worst;
                }
            }
        }
    }

    /// The blast radius of each started wave, from the locations that ran the bad
    /// build in it, and in total.
    pub(super) fn impacts(
        &self,
        spec: &DeploySpec,
        sched: &Schedule,
        zones: &ZoneView,
    ) -> (Vec<WaveImpact>, WaveImpact) {
        let fleet = &spec.fleet;
        let deployed = |l: usize| sched.bad_since[l].is_some();
        let waves = (0..spec.plan.waves.len())
            .filter(|&w| w < sched.waves_started)
            .map(|w| {
                impact(
                    spec,
                    sched,
                    zones,
                    &self.per_wave[w],
                    w + 1,
                    (0..fleet.len()).filter(|&l| sched.wave_of[l] == Some(w) && deployed(l)).collect(),
                )
            })
            .collect();
        let total = impact(spec, sched, zones, &self.total, 0, (0..fleet.len()).filter(|&l| deployed(l)).collect());
        (waves, total)
    }
}

/// Wave `wave`'s (0: the total) blast radius from its sums and its locations.
fn impact(
    spec: &DeploySpec,
    sched: &Schedule,
    zones: &ZoneView,
    acc: &Acc,
    wave: usize,
    locs: Vec<usize>,
) -> WaveImpact {
    let fleet = &spec.fleet;
    let mut added = acc.added.clone();
    crate::base::sort::sort_f64(&mut added);
    let q = |p: f64| {
        if added.is_empty() { 0.0 } else { added[((p * added.len() as f64).ceil() as usize).clamp(1, added.len()) - 1] }
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
}
