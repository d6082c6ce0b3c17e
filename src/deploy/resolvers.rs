//! Each resolver's queries through time: its users' requests find the answer cached
//! or not; on a miss the resolver queries the zone's name servers one at a time as its
//! kind's algorithm ([`crate::resolvers::selection`]) picks them, reaching each at the
//! location anycast gives it ([`crate::deploy::anycast`]), waiting out silent ones;
//! the answer (right, wrong or none) is cached as its kind's rules say
//! ([`crate::resolvers::caching`]). Parameters and sources: `docs/model.md` ("Data
//! plane: resolvers through time").
//!
//! Time is integer microseconds from the start of the healthy baseline (the
//! deployment starts `baseline_s` later). Requests arrive as a Poisson stream (the
//! users behind the resolver at `user_requests_per_min` each), so a cache miss comes
//! at the first request after the cached answer expires.

use crate::base::rng::{SimRng, stream_id};
use crate::deploy::anycast::{LocState, Site};
use crate::resolvers::caching::{self, CacheRules};
use crate::resolvers::selection::{Pick, SERVERS, Selector};
use crate::spec::deploy::{DeploySpec, STRIPES, WrongAnswer};

/// A location's state as one resolver sees it, at a time in µs.
pub trait World {
    /// The state of location `l` at `t` (µs since the baseline started).
    fn state(&self, l: u16, t: u64) -> LocState;
}

impl<F: Fn(u16, u64) -> LocState> World for F {
    fn state(&self, l: u16, t: u64) -> LocState {
        self(l, t)
    }
}

/// Everything healthy.
pub fn healthy(_: u16, _: u64) -> LocState {
    LocState::Ok
}

/// One resolution (a cache miss) and how it went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// When it started, µs.
    pub at: u64,
    /// Until the answer used (or the resolver gave up), µs.
    pub latency: u64,
    /// A name server answered.
    pub answered: bool,
    /// The answer was wrong (or stale).
    pub wrong: bool,
    /// The location whose answer was used.
    pub served_by: Option<u16>,
    /// The name server (by stripe) queried first.
    pub first: Option<usize>,
    /// Name servers queried, a bit per stripe.
    pub queried: u8,
    /// The misbehaving location that made it worse, if one did.
    pub blame: Option<u16>,
    /// Time lost to misbehaving locations (timeouts, slowness, a farther catchment), µs.
    pub lost: u64,
    /// How long the resolver caches what it got, s (a failure: its failure cache).
    pub cached_s: u32,
}

/// One resolver walking through time.
#[derive(Clone, Debug)]
pub struct Walker {
    /// Its name-server selection state.
    pub selector: Selector,
    rules: CacheRules,
    extend: Option<u32>,
    rng_req: SimRng,
    rng_sel: SimRng,
    /// When its next cache miss happens, µs.
    pub next_miss: u64,
    /// Requests per µs reaching it.
    rate: f64,
    record_ttl_s: u32,
    negative_ttl_s: u32,
    wrong_negative: bool,
}

impl Walker {
    /// Resolver `i` of `spec` at `site`, knowing nothing of the zone's name servers,
    /// its first request arriving after time 0.
    pub fn new(spec: &DeploySpec, site: &Site, i: usize, seed: u64) -> Walker {
        let mut rng_sel = SimRng::derive(seed, stream_id(&format!("resolver/{i}/select")));
        let rng_req = SimRng::derive(seed, stream_id(&format!("resolver/{i}/requests")));
        let explore = (spec.resolver_params.public_explore_pct / 100.0).clamp(0.0, 1.0);
        let selector = Selector::new(site.kind, explore, &mut rng_sel);
        let rate = f64::from(site.users) * spec.user_requests_per_min / 60.0 / 1e6;
        let mut w = Walker {
            selector,
            rules: caching::rules(site.kind),
            extend: site.extender.then_some(spec.resolver_params.extend_ttl_s),
            rng_req,
            rng_sel,
            next_miss: 0,
            rate,
            record_ttl_s: spec.record_ttl_s,
            negative_ttl_s: spec.negative_ttl_s,
            wrong_negative: spec.bad_build.wrong_answer == WrongAnswer::Nxdomain,
        };
        w.next_miss = w.gap();
        w
    }

    /// Time to the next request, µs (exponential; never when nobody asks).
    fn gap(&mut self) -> u64 {
        if self.rate <= 0.0 {
            return u64::MAX / 4;
        }
        let u = 1.0 - self.rng_req.unit();
        (-libm::log(u) / self.rate) as u64
    }

    /// How long it caches a good answer, s.
    pub fn cache_s(&self) -> u32 {
        caching::cache_s(&self.rules, self.record_ttl_s, false, self.extend)
    }

    /// Its failure cache, s.
    pub fn servfail_s(&self) -> u32 {
        self.rules.servfail_s
    }

    /// Skips a healthy stretch up to `t`: the next miss lands at a random point of
    /// one cache cycle after `t`, and every remembered moment moves with it.
    pub fn skip_to(&mut self, t: u64) {
        if self.next_miss >= t {
            return;
        }
        let cycle = u64::from(self.cache_s()) * 1_000_000 + (1.0 / self.rate.max(1e-12)).min(1e12) as u64;
        let phase = (self.rng_req.unit() * cycle as f64) as u64;
        let dt = t + phase - self.next_miss;
        self.selector.shift(dt);
        self.next_miss += dt;
    }

    /// Resolves at the next miss and schedules the one after.
    pub fn step(&mut self, site: &Site, world: &dyn World) -> Outcome {
        let t = self.next_miss;
        let o = self.resolve(site, world, t);
        let hold = u64::from(o.cached_s) * 1_000_000;
        self.next_miss = t + o.latency + hold + self.gap();
        o
    }

    /// One resolution starting at `t`.
    pub fn resolve(&mut self, site: &Site, world: &dyn World, t: u64) -> Outcome {
        let mut out = Outcome {
            at: t,
            latency: 0,
            answered: false,
            wrong: false,
            served_by: None,
            first: None,
            queried: 0,
            blame: None,
            lost: 0,
            cached_s: self.rules.servfail_s,
        };
        self.selector.begin(t, &mut self.rng_sel);
        let mut timeouts = 0;
        let mut elapsed = 0u64;
        while let Some(pick) = self.selector.pick(out.queried, timeouts, t + elapsed, &mut self.rng_sel) {
            let s = pick.server;
            out.first.get_or_insert(s);
            out.queried |= 1 << s;
            let now = t + elapsed;
            let state = |l: u16| world.state(l, now);
            let home = site.by_stripe[s].first().copied();
            let Some((rtt, l)) = site.catchment(s, &state) else {
                // No location announces it any more: nothing answers.
                out.blame = out.blame.or(home.map(|h| h.1));
                self.wait(pick, &mut elapsed, &mut out, t, &mut timeouts);
                continue;
            };
            let mut rtt = u64::from(rtt);
            if let Some((home_rtt, home_l)) = home
                && home_l != l
            {
                // Its usual location withdrew: a farther one answers.
                out.lost += rtt.saturating_sub(u64::from(home_rtt));
                out.blame = out.blame.or(Some(home_l));
            }
            let wrong = match state(l) {
                LocState::Ok => false,
                LocState::Slow(x) => {
                    rtt += u64::from(x) * 1_000;
                    out.lost += u64::from(x) * 1_000;
                    out.blame = out.blame.or(Some(l));
                    false
                }
                LocState::Wrong => true,
                LocState::Crossing(p) => self.rng_sel.below(1_000) < u64::from(p),
                LocState::BlackHole | LocState::Withdrawn => {
                    out.blame = out.blame.or(Some(l));
                    self.wait(pick, &mut elapsed, &mut out, t, &mut timeouts);
                    continue;
                }
            };
            if wrong {
                out.blame = out.blame.or(Some(l));
            }
            elapsed += rtt;
            self.selector.answered(s, rtt, t + elapsed);
            out.answered = true;
            out.wrong = wrong;
            out.served_by = Some(l);
            let negative = wrong && self.wrong_negative;
            let ttl = if negative { self.negative_ttl_s } else { self.record_ttl_s };
            out.cached_s = caching::cache_s(&self.rules, ttl, negative, self.extend);
            break;
        }
        out.latency = elapsed;
        self.selector.end(out.queried, t + elapsed);
        out
    }

    fn wait(&mut self, pick: Pick, elapsed: &mut u64, out: &mut Outcome, t: u64, timeouts: &mut u32) {
        *elapsed += pick.timeout_us;
        out.lost += pick.timeout_us;
        *timeouts += 1;
        self.selector.timed_out(pick, t + *elapsed, &mut self.rng_sel);
    }
}

/// What a resolver learnt in the healthy baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct Learned {
    /// Queries it sent to each of the zone's name servers (by stripe).
    pub queries: [u32; STRIPES],
    /// The name server with the lowest RTT (by stripe).
    pub fastest: usize,
    /// How long it would wait on each before moving on, at the end of the baseline, µs.
    pub timeout_us: [u64; STRIPES],
    /// Mean resolution time, µs.
    pub mean_us: f64,
}

impl Learned {
    /// Its share of queries to its fastest name server (0 to 1; `None` with no queries).
    pub fn share_to_fastest(&self) -> Option<f64> {
        let total: u32 = self.queries.iter().sum();
        (total > 0).then(|| f64::from(self.queries[self.fastest]) / f64::from(total))
    }

    /// Its name servers in the order it mostly uses them: most queried first, then by RTT.
    pub fn preference(&self, site: &Site) -> [usize; STRIPES] {
        let mut order: [usize; STRIPES] = std::array::from_fn(|s| s);
        let rtt = |s: usize| site.by_stripe[s].first().map_or(u32::MAX, |c| c.0);
        order.sort_by_key(|&s| (std::cmp::Reverse(self.queries[s]), rtt(s), s));
        order
    }
}

/// At most this many resolutions per resolver in the baseline (a computation bound
/// that only a resolver asked thousands of times a second with a zero TTL reaches).
pub const MAX_BASELINE_RESOLUTIONS: u32 = 10_000;

/// Runs `walker` through the healthy baseline of `baseline_us`, counting its queries.
pub fn learn(walker: &mut Walker, site: &Site, baseline_us: u64) -> Learned {
    let mut queries = [0u32; STRIPES];
    let (mut sum, mut n) = (0.0, 0u32);
    while walker.next_miss < baseline_us && n < MAX_BASELINE_RESOLUTIONS {
        let o = walker.step(site, &healthy);
        for (s, q) in queries.iter_mut().enumerate() {
            *q += u32::from(o.queried & (1 << s) != 0);
        }
        sum += o.latency as f64;
        n += 1;
    }
    walker.skip_to(baseline_us);
    let fastest = site.fastest_stripe().unwrap_or(0);
    const _: () = assert!(SERVERS == STRIPES);
    Learned {
        queries,
        fastest,
        timeout_us: std::array::from_fn(|s| walker.selector.timeout_us(s, baseline_us)),
        mean_us: if n > 0 { sum / f64::from(n) } else { 0.0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::anycast::{self, DelegationSets};
    use crate::spec::kinds::ResolverKind;

    fn setup(kind: ResolverKind) -> (DeploySpec, Site) {
        let spec = crate::design::presets::preset("data-plane-by-stripe").unwrap().deploy.unwrap();
        let d = DelegationSets::assign(100, spec.pool_per_stripe, spec.max_shared, 1);
        let r = anycast::Resolver { city: "frankfurt".into(), kind, users: 100, extender: false };
        let site = anycast::sites(&spec, &[r], &d, 1).remove(0);
        (spec, site)
    }

    #[test]
    fn misses_come_once_per_cache_lifetime_plus_the_wait_for_a_request() {
        let (spec, site) = setup(ResolverKind::Bind);
        let mut w = Walker::new(&spec, &site, 0, 1);
        let mut last = None;
        for _ in 0..20 {
            let o = w.step(&site, &healthy);
            assert!(o.answered && !o.wrong && o.blame.is_none());
            if let Some(p) = last {
                let gap = o.at - p;
                assert!(gap >= u64::from(spec.record_ttl_s) * 1_000_000, "{gap}");
                assert!(gap < u64::from(spec.record_ttl_s) * 1_000_000 + 30_000_000, "{gap}");
            }
            last = Some(o.at);
        }
    }

    #[test]
    fn a_silent_location_costs_the_kinds_timeout_then_another_server_answers() {
        let (spec, site) = setup(ResolverKind::Unbound);
        let mut w = Walker::new(&spec, &site, 0, 1);
        // Everything silent except stripe 3's name server.
        let keep = site.by_stripe[3][0].1;
        let world = move |l: u16, _| if l == keep { LocState::Ok } else { LocState::BlackHole };
        let o = w.resolve(&site, &world, 1_000_000);
        assert!(o.answered && o.served_by == Some(keep));
        let waits = (o.queried.count_ones() - 1) as u64;
        // A new Unbound waits 376 ms on each unknown silent server.
        assert_eq!(o.lost, waits * 376_000);
        assert_eq!(o.latency, waits * 376_000 + u64::from(site.by_stripe[3][0].0));
        // All silent: the resolution fails after trying each once, and the failure is
        // cached for the kind's failure time.
        let mut w = Walker::new(&spec, &site, 0, 1);
        let o = w.resolve(&site, &|_, _| LocState::BlackHole, 1_000_000);
        assert!(!o.answered && o.queried == 0b1111 && o.cached_s == 5);
    }

    #[test]
    fn wrong_answers_are_cached_by_the_kinds_rules() {
        let (mut spec, site) = setup(ResolverKind::Knot);
        spec.record_ttl_s = 1;
        let mut w = Walker::new(&spec, &site, 0, 1);
        let o = w.resolve(&site, &|_, _| LocState::Wrong, 0);
        assert!(o.wrong && o.cached_s == 5, "Knot's 5 s floor: {o:?}");
        spec.bad_build.wrong_answer = WrongAnswer::Nxdomain;
        let (_, site_u) = setup(ResolverKind::Unbound);
        let mut w = Walker::new(&spec, &site_u, 0, 1);
        let o = w.resolve(&site_u, &|_, _| LocState::Wrong, 0);
        assert_eq!(o.cached_s, 900, "a wrong NXDOMAIN lives for the zone's negative TTL");
        let mut site_x = site_u.clone();
        site_x.extender = true;
        let mut w = Walker::new(&spec, &site_x, 0, 1);
        assert_eq!(w.resolve(&site_x, &|_, _| LocState::Wrong, 0).cached_s, 3_600, "an extender keeps it longer");
    }

    #[test]
    fn a_location_affects_a_resolver_only_through_the_zones_own_name_servers() {
        let (mut spec, _) = setup(ResolverKind::Bind);
        spec.anycast.groups_per_location = Some(1);
        let d = DelegationSets::assign(100, spec.pool_per_stripe, spec.max_shared, 1);
        let r = anycast::Resolver { city: "frankfurt".into(), kind: ResolverKind::Bind, users: 100, extender: false };
        let site = anycast::sites(&spec, &[r], &d, 1).remove(0);
        let ann = anycast::announcements(&spec.fleet, &spec.anycast);
        // A location that does not announce the zone's name server of its stripe is
        // never on the resolver's path, whatever it does.
        let outsider = (0..spec.fleet.len())
            .find(|&l| ann[l] & (1 << site.groups[usize::from(spec.fleet[l].stripe)]) == 0)
            .expect("some location announces other groups") as u16;
        assert!(site.by_stripe.iter().flatten().all(|c| c.1 != outsider));
        let mut w = Walker::new(&spec, &site, 0, 1);
        for _ in 0..30 {
            let o = w.step(&site, &move |l: u16, _| if l == outsider { LocState::BlackHole } else { LocState::Ok });
            assert!(o.blame.is_none() && o.answered && !o.wrong);
        }
    }
}
