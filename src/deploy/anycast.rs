//! The anycast data plane: edge locations in four stripes, delegation sets drawn by
//! shuffle sharding, resolvers' catchments, and how a resolver's query for a zone
//! fares when some locations misbehave.
//!
//! Model (`field-designs.md` §B.3; `route53-reference.md` §6.5, §7):
//! - Each edge location announces **one stripe** (a quarter of the anycast space);
//!   every name server of a stripe is announced by every location of that stripe.
//! - A resolver reaches, per stripe, the network-closest location announcing it:
//!   `rtt = base_ms + ms_per_km × great-circle km + noise`, the noise a per
//!   (resolver, location) normal draw with `noise_sd_ms` (default 5 ms), so
//!   neighbours disagree at the margins as real routing does.
//! - When a location withdraws, its catchment moves to the next-closest location of
//!   the same stripe after a BGP convergence delay drawn per resolver from a
//!   log-normal with median 4.3 s and σ = 1 (p80 ≈ 10 s, long tail) [§7, S].
//! - Resolvers query the zone's four name servers by kind [§6.5]: large public
//!   resolvers send to three of the four in parallel and take the first answer
//!   (the field report's description); the SRTT kinds send to one at a time —
//!   `prefer_fastest_pct` (80 %, [C] Route 53 blog) of them the fastest, the rest a
//!   random one — and move on after their kind's timeout (Unbound 376 ms, BIND
//!   800 ms, PowerDNS 1,500 ms, Knot 400 ms), learning to avoid a dead one.
//!
//! Everything here is a pure function of the fleet, the resolvers and a seed.

use std::collections::BTreeSet;

use crate::base::geo::LatLon;
use crate::base::rng::{SimRng, stream_id};
use crate::spec::deploy::{AnycastParams, EdgeLocation, STRIPES, city_at};
use crate::spec::kinds::ResolverKind;

/// Delegation sets: four name servers per zone, one per stripe, from a pool of
/// `pool_per_stripe` names per stripe, no two zones sharing more than
/// `max_shared` name servers (Route 53: 512 per stripe [U], at most 2 shared [C]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationSets {
    /// Per zone, the name-server index in each stripe.
    pub sets: Vec<[u16; STRIPES]>,
    /// Names per stripe.
    pub pool_per_stripe: u16,
    /// Zones that could not be given a set within the rule (pool exhausted).
    pub unassigned: u32,
}

impl DelegationSets {
    /// Assigns `zones` sets. With `max_shared` = 2, a new set is refused when any
    /// three of its names already appear together in an earlier set (sharing three
    /// or more names means sharing some triple).
    pub fn assign(zones: u32, pool_per_stripe: u16, max_shared: u8, seed: u64) -> DelegationSets {
        let mut rng = SimRng::derive(seed, stream_id("delegation"));
        let mut taken: BTreeSet<u64> = BTreeSet::new();
        let mut sets = Vec::with_capacity(zones as usize);
        let mut unassigned = 0;
        let k = usize::from(max_shared) + 1; // subsets of this size must be new
        for _ in 0..zones {
            let mut ok = None;
            for _attempt in 0..64 {
                let set: [u16; STRIPES] = std::array::from_fn(|_| rng.below(u64::from(pool_per_stripe)) as u16);
                let keys = subset_keys(&set, k);
                if keys.iter().all(|key| !taken.contains(key)) {
                    ok = Some((set, keys));
                    break;
                }
            }
            match ok {
                Some((set, keys)) => {
                    if k <= STRIPES {
                        taken.extend(keys);
                    }
                    sets.push(set);
                }
                None => unassigned += 1,
            }
        }
        DelegationSets { sets, pool_per_stripe, unassigned }
    }

    /// Name servers two zones share.
    pub fn shared(&self, a: usize, b: usize) -> usize {
        (0..STRIPES).filter(|&s| self.sets[a][s] == self.sets[b][s]).count()
    }
}

/// Keys of every `k`-subset of a set's (stripe, name) pairs.
fn subset_keys(set: &[u16; STRIPES], k: usize) -> Vec<u64> {
    if k > STRIPES {
        return Vec::new();
    }
    let mut out = Vec::new();
    for mask in 0u32..(1 << STRIPES) {
        if mask.count_ones() as usize != k {
            continue;
        }
        let mut key = u64::from(mask) << 60;
        for (s, &n) in set.iter().enumerate() {
            if mask & (1 << s) != 0 {
                key |= u64::from(n) << (15 * s);
            }
        }
        out.push(key);
    }
    out
}

/// How a resolver kind talks to the zone's name servers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Selection {
    /// Several stripes in parallel; the first answer wins.
    Parallel {
        /// How many of the four.
        fanout: u8,
    },
    /// One at a time, moving on after `timeout_ms`.
    Sequential {
        /// Sends to the fastest (else a random one).
        fastest: bool,
        /// Give-up time for one name server, ms.
        timeout_ms: u32,
    },
}

/// Timeout before trying another name server, ms, per kind [§6.5, C].
pub fn ns_timeout_ms(kind: ResolverKind) -> u32 {
    match kind {
        ResolverKind::Unbound => 376,
        ResolverKind::Bind => 800,
        ResolverKind::Powerdns => 1_500,
        ResolverKind::Knot => 400,
        ResolverKind::PublicAnycast => 400,
    }
}

/// A resolver site in the data-plane model.
#[derive(Clone, Debug)]
pub struct Site {
    /// City id.
    pub city: String,
    /// Implementation family.
    pub kind: ResolverKind,
    /// Its name-server selection.
    pub selection: Selection,
    /// Per stripe: locations of that stripe by increasing RTT, with the RTT in µs.
    pub by_stripe: [Vec<(u32, u16)>; STRIPES],
    /// Users behind it.
    pub users: u32,
    /// Where it is (its city, spread by up to ±0.5°).
    pub at: LatLon,
}

/// How a location behaves at some moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocState {
    /// Answers correctly.
    Ok,
    /// Announced but never answers.
    BlackHole,
    /// Not announced: traffic goes to the next-closest location of the stripe.
    Withdrawn,
    /// Answers after an extra delay, ms.
    Slow(u32),
    /// Answers fast, but wrongly.
    Wrong,
}

/// How one cache-miss resolution fares.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resolution {
    /// Time to the answer used, ms (`f64::INFINITY` when none comes).
    pub latency_ms: f64,
    /// The answer used came from a location serving wrong answers.
    pub wrong: bool,
    /// The location whose answer was used.
    pub served_by: Option<u16>,
}

/// Builds resolver sites: RTTs to every location of every stripe, with noise.
pub fn sites(
    fleet: &[EdgeLocation],
    resolvers: &[(String, ResolverKind, u32)],
    params: &AnycastParams,
    seed: u64,
) -> Vec<Site> {
    let loc_at: Vec<LatLon> = fleet.iter().map(|l| city_at(&l.city)).collect();
    resolvers
        .iter()
        .enumerate()
        .map(|(i, (city, kind, users))| {
            let mut rng = SimRng::derive(seed, stream_id(&format!("site/{i}")));
            // Spread resolvers of one city over ±0.5° so they are not all identical.
            let c = city_at(city);
            let at = LatLon { lat: c.lat + (rng.unit() - 0.5), lon: c.lon + (rng.unit() - 0.5) };
            let mut by_stripe: [Vec<(u32, u16)>; STRIPES] = Default::default();
            for (li, l) in fleet.iter().enumerate() {
                let noise = params.noise_sd_ms * rng.normal();
                let ms = (params.base_ms + params.ms_per_km * at.distance_km(loc_at[li]) + noise).max(1.0);
                by_stripe[l.stripe as usize].push(((ms * 1000.0) as u32, li as u16));
            }
            for v in &mut by_stripe {
                v.sort_unstable();
            }
            let selection = match kind {
                ResolverKind::PublicAnycast => Selection::Parallel { fanout: params.parallel_fanout.clamp(1, 4) },
                k => Selection::Sequential {
                    fastest: rng.chance(params.prefer_fastest_pct / 100.0),
                    timeout_ms: ns_timeout_ms(*k),
                },
            };
            Site { city: city.clone(), kind: *kind, selection, by_stripe, users: *users, at }
        })
        .collect()
}

impl Site {
    /// The location serving this site on `stripe`, given location states: the
    /// closest one still announcing, or `None` if the stripe is gone entirely.
    pub fn catchment(&self, stripe: usize, state: &dyn Fn(u16) -> LocState) -> Option<(u32, u16)> {
        self.by_stripe[stripe].iter().copied().find(|&(_, l)| state(l) != LocState::Withdrawn)
    }

    /// Stripes ordered by the RTT to their catchment (fastest first).
    fn stripe_order(&self, state: &dyn Fn(u16) -> LocState) -> Vec<(f64, usize, u16)> {
        let mut v: Vec<(f64, usize, u16)> = (0..STRIPES)
            .filter_map(|s| self.catchment(s, state).map(|(us, l)| (f64::from(us) / 1000.0, s, l)))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        v
    }

    /// One cache-miss resolution in the steady state (a sequential resolver has
    /// learnt to avoid a silent name server; `random_pick` is its draw when it does
    /// not prefer the fastest).
    pub fn resolve(&self, state: &dyn Fn(u16) -> LocState, random_pick: usize) -> Resolution {
        let order = self.stripe_order(state);
        let answer = |(rtt, _, l): (f64, usize, u16)| match state(l) {
            LocState::Ok => Some(Resolution { latency_ms: rtt, wrong: false, served_by: Some(l) }),
            LocState::Slow(extra) => {
                Some(Resolution { latency_ms: rtt + f64::from(extra), wrong: false, served_by: Some(l) })
            }
            LocState::Wrong => Some(Resolution { latency_ms: rtt, wrong: true, served_by: Some(l) }),
            LocState::BlackHole | LocState::Withdrawn => None,
        };
        let none = Resolution { latency_ms: f64::INFINITY, wrong: false, served_by: None };
        match self.selection {
            Selection::Parallel { fanout } => order
                .iter()
                .take(usize::from(fanout))
                .filter_map(|&o| answer(o))
                .min_by(|a, b| a.latency_ms.total_cmp(&b.latency_ms))
                .or_else(|| {
                    // All of the first fanout silent: after a timeout, the rest.
                    let t = f64::from(ns_timeout_ms(self.kind));
                    order
                        .iter()
                        .skip(usize::from(fanout))
                        .filter_map(|&o| answer(o))
                        .next()
                        .map(|r| Resolution { latency_ms: t + r.latency_ms, ..r })
                })
                .unwrap_or(none),
            Selection::Sequential { fastest, .. } => {
                // Steady state: the preferred server, or the next one that answers.
                let start = if fastest || order.is_empty() { 0 } else { random_pick % order.len() };
                let rotated = order.iter().cycle().skip(start).take(order.len());
                rotated.filter_map(|&o| answer(o)).next().unwrap_or(none)
            }
        }
    }
}

/// A BGP convergence delay, ms.
pub fn convergence_ms(params: &AnycastParams, rng: &mut SimRng) -> u64 {
    (rng.lognormal(params.convergence_median_s, params.convergence_sigma) * 1000.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_zones_share_more_than_two_name_servers() {
        let d = DelegationSets::assign(5_000, 64, 2, 1);
        assert_eq!(d.unassigned, 0);
        let mut worst = 0;
        for a in 0..d.sets.len() {
            for b in (a + 1)..d.sets.len() {
                worst = worst.max(d.shared(a, b));
            }
        }
        assert!(worst <= 2, "worst overlap {worst}");
        assert_eq!(worst, 2, "with a small pool, pairs do share two");
    }

    #[test]
    fn convergence_has_p80_near_ten_seconds() {
        let p = AnycastParams::default();
        let mut rng = SimRng::new(5);
        let mut v: Vec<u64> = (0..10_000).map(|_| convergence_ms(&p, &mut rng)).collect();
        v.sort_unstable();
        let p80 = v[8_000] as f64 / 1000.0;
        assert!((8.5..11.5).contains(&p80), "p80 {p80}");
        assert!(v[9_990] > 40_000, "long tail");
    }
}
