//! The anycast data plane: edge locations in four stripes, delegation sets drawn by
//! shuffle sharding, which locations announce which name servers, and each
//! resolver's catchment for each of its zone's name servers. Parameters and sources:
//! `docs/model.md` ("Data plane: anycast").
//!
//! - Each edge location announces **one stripe**; a stripe's pool of names is cut into
//!   `groups_per_stripe` blocks (announced prefixes), and a location announces all of
//!   its stripe's blocks unless `groups_per_location` says fewer.
//! - A zone has four name servers, one per stripe; a location can only affect a zone
//!   through the zone's name servers it announces.
//! - A resolver reaches a name server at the network-closest location announcing it:
//!   `rtt = base_ms + ms_per_km × great-circle km + noise`, the noise a per (resolver,
//!   location) normal draw, so neighbours disagree at the margins as real routing does.
//! - When a location withdraws, each resolver's query moves to the next-closest
//!   location announcing the same name server once BGP has converged for it: a
//!   log-normal delay with median 4.3 s and σ = 1 (80 % within about 10 s, a long tail).
//!
//! Which of its four name servers a resolver queries is [`crate::resolvers::selection`];
//! how its queries fare over time is [`crate::deploy::resolvers`]. Everything here is a
//! pure function of the spec and a seed.

use crate::base::geo::{EARTH_RADIUS_KM, LatLon};
use crate::base::rng::{SimRng, stream_id};
use crate::spec::deploy::{AnycastParams, DeploySpec, EdgeLocation, STRIPES, city_at};
use crate::spec::kinds::ResolverKind;

/// Delegation sets: four name servers per zone, one per stripe, from a pool of
/// `pool_per_stripe` names per stripe, no two zones sharing more than `max_shared`
/// name servers (Route 53: at most 2 shared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationSets {
    /// Per zone, the name-server index in each stripe.
    pub sets: Vec<[u16; STRIPES]>,
    /// Names per stripe.
    pub pool_per_stripe: u16,
    /// Zones that could not be given a set within the rule (pool exhausted).
    pub unassigned: u32,
}

/// A set of non-zero 32-bit keys (open addressing, linear probing): membership only,
/// never iterated, so its layout cannot leak into results.
struct KeySet {
    slots: Vec<u32>,
    len: usize,
}

impl KeySet {
    fn with_capacity(n: usize) -> KeySet {
        KeySet { slots: vec![0; (n * 2).next_power_of_two().max(16)], len: 0 }
    }

    fn slot(&self, key: u32) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (u64::from(key).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask;
        while self.slots[i] != 0 && self.slots[i] != key {
            i = (i + 1) & mask;
        }
        i
    }

    fn contains(&self, key: u32) -> bool {
        self.slots[self.slot(key)] == key
    }

    fn insert(&mut self, key: u32) {
        if (self.len + 1) * 2 > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![0; old.len() * 2];
            self.len = 0;
            for k in old.into_iter().filter(|&k| k != 0) {
                self.insert(k);
            }
        }
        let i = self.slot(key);
        if self.slots[i] == 0 {
            self.slots[i] = key;
            self.len += 1;
        }
    }
}

/// The name sets that must be new, one table per choice of stripes: a key is the
/// names of the chosen stripes (packed into 32 bits when they fit, else hashed into
/// a 64-bit set of its own).
struct Taken {
    small: Vec<KeySet>,
    large: std::collections::BTreeSet<u64>,
}

impl Taken {
    fn contains(&self, table: usize, key: u64) -> bool {
        match u32::try_from(key) {
            Ok(k) => self.small[table].contains(k),
            Err(_) => self.large.contains(&(key | (table as u64) << 60)),
        }
    }

    fn insert(&mut self, table: usize, key: u64) {
        match u32::try_from(key) {
            Ok(k) => self.small[table].insert(k),
            Err(_) => {
                self.large.insert(key | (table as u64) << 60);
            }
        }
    }
}

impl DelegationSets {
    /// Assigns `zones` sets. With `max_shared` = 2, a new set is refused when any
    /// three of its names already appear together in an earlier set (sharing three
    /// or more names means sharing some triple).
    pub fn assign(zones: u32, pool_per_stripe: u16, max_shared: u8, seed: u64) -> DelegationSets {
        let mut rng = SimRng::derive(seed, stream_id("delegation"));
        let k = usize::from(max_shared) + 1; // subsets of this size must be new
        let bits = (16 - pool_per_stripe.saturating_sub(1).leading_zeros()).max(1); // bits per name
        let per_table = if k <= STRIPES { zones as usize } else { 0 };
        let mut taken =
            Taken { small: (0..6).map(|_| KeySet::with_capacity(per_table)).collect(), large: Default::default() };
        let mut sets = Vec::with_capacity(zones as usize);
        let mut unassigned = 0;
        for _ in 0..zones {
            let mut ok = None;
            for _attempt in 0..64 {
                let set: [u16; STRIPES] = if pool_per_stripe.is_power_of_two() {
                    // One draw gives all four names (Route 53's 512 per stripe is one).
                    let x = rng.next_u64();
                    std::array::from_fn(|s| ((x >> (s as u32 * bits)) & u64::from(pool_per_stripe - 1)) as u16)
                } else {
                    std::array::from_fn(|_| rng.below(u64::from(pool_per_stripe)) as u16)
                };
                let keys = subset_keys(&set, k, bits);
                if keys.iter().enumerate().all(|(t, key)| key.is_none_or(|key| !taken.contains(t, key))) {
                    ok = Some((set, keys));
                    break;
                }
            }
            match ok {
                Some((set, keys)) => {
                    for (t, key) in keys.into_iter().enumerate() {
                        if let Some(key) = key {
                            taken.insert(t, key);
                        }
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

/// For every `k`-subset of the stripes (at most six), the names of a set on those
/// stripes packed `bits` bits each, plus one so a key is never 0.
fn subset_keys(set: &[u16; STRIPES], k: usize, bits: u32) -> [Option<u64>; 6] {
    let mut out = [None; 6];
    if k > STRIPES {
        return out;
    }
    let mut n = 0;
    for mask in 0u32..(1 << STRIPES) {
        if mask.count_ones() as usize != k {
            continue;
        }
        let mut key = 0u64;
        for (s, &name) in set.iter().enumerate() {
            if mask & (1 << s) != 0 {
                key = key << bits | u64::from(name);
            }
        }
        out[n] = Some(key + 1);
        n += 1;
    }
    out
}

/// The announced block (group) a name of the pool belongs to.
pub fn group_of(name: u16, pool_per_stripe: u16, groups: u16) -> u16 {
    (u32::from(name) * u32::from(groups) / u32::from(pool_per_stripe.max(1))) as u16
}

/// The groups of its stripe each location announces, as a bit per group: every group,
/// or `groups_per_location` of them taken in turn across the stripe's locations so
/// each group is announced as evenly as the numbers allow.
pub fn announcements(fleet: &[EdgeLocation], params: &AnycastParams) -> Vec<u16> {
    let g = params.groups_per_stripe.clamp(1, 16);
    let all: u16 = if g == 16 { u16::MAX } else { (1 << g) - 1 };
    let Some(per) = params.groups_per_location.map(|n| n.clamp(1, g)) else { return vec![all; fleet.len()] };
    let mut rank = [0u16; STRIPES];
    fleet
        .iter()
        .map(|l| {
            let s = usize::from(l.stripe) % STRIPES;
            let start = rank[s] * per;
            rank[s] += 1;
            (0..per).fold(0u16, |m, k| m | 1 << ((start + k) % g))
        })
        .collect()
}

/// One resolver of the population.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolver {
    /// City id.
    pub city: String,
    /// Implementation family.
    pub kind: ResolverKind,
    /// Users behind it.
    pub users: u32,
    /// It extends every TTL (a TTL violator).
    pub extender: bool,
}

/// A resolver site in the data-plane model, with the zone it is followed for.
#[derive(Clone, Debug)]
pub struct Site {
    /// City id.
    pub city: String,
    /// Implementation family.
    pub kind: ResolverKind,
    /// Users behind it.
    pub users: u32,
    /// It extends every TTL.
    pub extender: bool,
    /// The zone it is followed for (an index into the delegation sets).
    pub zone: usize,
    /// The zone's name server on each stripe: its group (announced block).
    pub groups: [u16; STRIPES],
    /// Per stripe: the locations announcing the zone's name server of that stripe, by
    /// increasing RTT, with the RTT in µs.
    pub by_stripe: [Vec<(u32, u16)>; STRIPES],
    /// Per stripe: every location of the stripe, by increasing RTT, µs.
    pub all_by_stripe: [Vec<(u32, u16)>; STRIPES],
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
    /// Old and new versions serve side by side: this share of its answers (per mille)
    /// needed an exchange with a location on the other version and are stale.
    Crossing(u16),
}

impl LocState {
    /// Does it answer at all (possibly wrongly)?
    pub fn answers(self) -> bool {
        !matches!(self, LocState::BlackHole | LocState::Withdrawn)
    }
}

fn unit(at: LatLon) -> [f64; 3] {
    let rad = std::f64::consts::PI / 180.0;
    let (la, lo) = (at.lat * rad, at.lon * rad);
    [libm::cos(la) * libm::cos(lo), libm::cos(la) * libm::sin(lo), libm::sin(la)]
}

/// Great-circle distance between two unit vectors, km.
fn arc_km(a: [f64; 3], b: [f64; 3]) -> f64 {
    let chord = libm::sqrt((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2));
    2.0 * EARTH_RADIUS_KM * libm::asin((chord / 2.0).min(1.0))
}

/// Builds resolver sites: each resolver's zone (drawn from the delegation sets), and
/// its RTT to every location announcing each of the zone's name servers.
pub fn sites(spec: &DeploySpec, resolvers: &[Resolver], delegation: &DelegationSets, seed: u64) -> Vec<Site> {
    let all: Vec<usize> = (0..resolvers.len()).collect();
    sites_at(spec, resolvers, &all, delegation, seed)
}

/// The sites of the resolvers at `indices` only (each the same as in [`sites`]).
pub fn sites_at(
    spec: &DeploySpec,
    resolvers: &[Resolver],
    indices: &[usize],
    delegation: &DelegationSets,
    seed: u64,
) -> Vec<Site> {
    let fleet = &spec.fleet;
    let params = &spec.anycast;
    let groups = params.groups_per_stripe.clamp(1, 16);
    let loc_at: Vec<[f64; 3]> = fleet.iter().map(|l| unit(city_at(&l.city))).collect();
    let announce = announcements(fleet, params);
    indices
        .iter()
        .map(|&i| {
            let r = &resolvers[i];
            let mut rng = SimRng::derive(seed, stream_id(&format!("site/{i}")));
            // Spread resolvers of one city over ±0.5° so they are not all identical.
            let c = city_at(&r.city);
            let at = LatLon { lat: c.lat + (rng.unit() - 0.5), lon: c.lon + (rng.unit() - 0.5) };
            let me = unit(at);
            let zone = if delegation.sets.is_empty() { 0 } else { rng.below(delegation.sets.len() as u64) as usize };
            let ns: [u16; STRIPES] = std::array::from_fn(|s| delegation.sets.get(zone).map_or(0, |set| set[s]));
            let groups_of: [u16; STRIPES] =
                std::array::from_fn(|s| group_of(ns[s], delegation.pool_per_stripe, groups));
            let mut all_by_stripe: [Vec<(u32, u16)>; STRIPES] = Default::default();
            // Noise in pairs from one Box–Muller draw.
            let mut spare: Option<f64> = None;
            for (li, l) in fleet.iter().enumerate() {
                let z = spare.take().unwrap_or_else(|| {
                    let u1 = 1.0 - rng.unit();
                    let u2 = rng.unit();
                    let r = libm::sqrt(-2.0 * libm::log(u1));
                    let th = 2.0 * std::f64::consts::PI * u2;
                    spare = Some(r * libm::sin(th));
                    r * libm::cos(th)
                });
                let s = usize::from(l.stripe) % STRIPES;
                let ms = (params.base_ms + params.ms_per_km * arc_km(me, loc_at[li]) + params.noise_sd_ms * z).max(1.0);
                all_by_stripe[s].push(((ms * 1000.0) as u32, li as u16));
            }
            for v in &mut all_by_stripe {
                v.sort_unstable();
            }
            let by_stripe: [Vec<(u32, u16)>; STRIPES] = std::array::from_fn(|s| {
                all_by_stripe[s]
                    .iter()
                    .copied()
                    .filter(|&(_, l)| announce[usize::from(l)] & (1 << groups_of[s]) != 0)
                    .collect()
            });
            Site {
                city: r.city.clone(),
                kind: r.kind,
                users: r.users,
                extender: r.extender,
                zone,
                groups: groups_of,
                by_stripe,
                all_by_stripe,
                at,
            }
        })
        .collect()
}

impl Site {
    /// The location answering this site's query for its zone's name server on
    /// `stripe`, given location states: the closest one announcing it, or `None` if
    /// none does any more.
    pub fn catchment(&self, stripe: usize, state: &dyn Fn(u16) -> LocState) -> Option<(u32, u16)> {
        self.by_stripe[stripe].iter().copied().find(|&(_, l)| state(l) != LocState::Withdrawn)
    }

    /// The stripe whose name server answers fastest with everything healthy.
    pub fn fastest_stripe(&self) -> Option<usize> {
        (0..STRIPES).filter_map(|s| self.by_stripe[s].first().map(|c| (c.0, s))).min().map(|c| c.1)
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
    fn a_location_announces_only_its_stripes_groups() {
        let fleet = crate::spec::deploy::default_fleet();
        let mut p = AnycastParams::default();
        assert!(announcements(&fleet, &p).iter().all(|&m| m == 0xff), "every group of its stripe by default");
        p.groups_per_location = Some(2);
        let a = announcements(&fleet, &p);
        assert!(a.iter().all(|m| m.count_ones() == 2));
        // Every group of every stripe is still announced somewhere.
        for s in 0..STRIPES as u8 {
            let union = fleet.iter().zip(&a).filter(|(l, _)| l.stripe == s).fold(0u16, |u, (_, m)| u | m);
            assert_eq!(union, 0xff, "stripe {s}");
        }
        assert_eq!(group_of(584 - 512, 512, 8), 1, "ns-584 (.net, awsdns-09): the second block of its stripe");
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
