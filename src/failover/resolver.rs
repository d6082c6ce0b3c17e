//! Recursive resolvers: kinds with their documented cache defaults, and the cache.
//!
//! Defaults (`route53-reference.md` §6.1, §6.3; [C] unless marked):
//!
//! | kind | min-TTL floor | max TTL | negative cap |
//! |---|---|---|---|
//! | BIND 9 | 0 | 604,800 s | 10,800 s |
//! | Unbound | 0 | 86,400 s | 3,600 s |
//! | PowerDNS Recursor | 1 s | 86,400 s | 3,600 s |
//! | Knot Resolver | 5 s | 86,400 s | 10,800 s [U] |
//! | large public anycast | 0 [U] | 21,600 s (Google's cap) | 3,600 s [U] |
//!
//! A large public resolver spreads its cache over many nodes, so a query often lands
//! on a node that has not cached the name: modelled as `cache_shards` independent
//! caches picked at random per query (default 4, [U]). It forwards ECS /24.
//! A configurable share of resolvers extend TTLs (8.74 % measured, [S]); an extender
//! caches every answer for at least `extend_ttl_s` (default 3,600 s, [U]).
//!
//! Below the kinds and the cache: a resolver's state during a run ([`Resolver`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::base::geo::Place;
use crate::base::rng::{SimRng, stream_id};
use crate::base::time::{SimDuration, SimTime};
use crate::failover::client::Client;
use crate::failover::tables::NameId;
use crate::route53::answer::Answer;
use crate::route53::answer::ClientAddr;
use crate::spec::kinds::ResolverKind;
use crate::spec::zone::RecordType;

/// Cache rules of a resolver kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheRules {
    /// Minimum TTL floor, s.
    pub min_ttl_s: u32,
    /// Maximum TTL, s.
    pub max_ttl_s: u32,
    /// Negative-caching cap, s.
    pub max_ncache_s: u32,
    /// Independent cache nodes a query may land on.
    pub cache_shards: u32,
    /// Sends EDNS client subnet by default.
    pub ecs: bool,
}

/// A cache key: queried name, type, and the ECS scope (the client's subnet) when the
/// resolver sends one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CacheKey {
    /// The queried name.
    pub name: NameId,
    /// The queried type (the simulated clients ask for A records).
    pub rtype: RecordType,
    /// The client subnet the answer is scoped to (its network address), if any.
    pub ecs_scope: Option<u32>,
}

impl CacheKey {
    /// The key of an A query for `name`, scoped to `ecs_scope`.
    pub fn new(name: NameId, ecs_scope: Option<u32>) -> CacheKey {
        CacheKey { name, rtype: RecordType::A, ecs_scope }
    }
}

/// One cached answer.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    /// The answer.
    pub answer: Arc<Answer>,
    /// When it was fetched from the authoritative servers.
    pub fetched: SimTime,
    /// When it expires.
    pub expires: SimTime,
}

/// A resolver's cache (one per shard).
#[derive(Clone, Debug, Default)]
pub struct Cache {
    entries: BTreeMap<CacheKey, CacheEntry>,
}

impl Cache {
    /// The live entry for `key` at `now`.
    pub fn get(&self, key: &CacheKey, now: SimTime) -> Option<&CacheEntry> {
        self.entries.get(key).filter(|e| e.expires > now)
    }

    /// Stores `answer` fetched at `now` under `rules`, with an optional TTL
    /// extension; returns the TTL used, in seconds.
    pub fn put(
        &mut self,
        key: CacheKey,
        answer: Arc<Answer>,
        now: SimTime,
        rules: &CacheRules,
        extend_ttl_s: Option<u32>,
    ) -> u32 {
        let ttl = effective_ttl(&answer, rules, extend_ttl_s);
        self.entries
            .insert(key, CacheEntry { answer, fetched: now, expires: now + SimDuration::from_secs(u64::from(ttl)) });
        ttl
    }

    /// Stores `answer` as if fetched before the run began, expiring at `expires`
    /// (a warm cache at time zero).
    pub fn put_warm(&mut self, key: CacheKey, answer: Arc<Answer>, expires: SimTime) {
        self.entries.insert(key, CacheEntry { answer, fetched: SimTime::ZERO, expires });
    }

    /// All live entries at `now`.
    pub fn live(&self, now: SimTime) -> impl Iterator<Item = (&CacheKey, &CacheEntry)> {
        self.entries.iter().filter(move |(_, e)| e.expires > now)
    }
}

/// The TTL a resolver with `rules` caches `answer` for.
pub fn effective_ttl(answer: &Answer, rules: &CacheRules, extend_ttl_s: Option<u32>) -> u32 {
    let ttl = match answer {
        Answer::Records { ttl_s, .. } => (*ttl_s).clamp(rules.min_ttl_s, rules.max_ttl_s),
        Answer::NoData { ttl_s, .. } | Answer::NxDomain { ttl_s } => (*ttl_s).min(rules.max_ncache_s),
    };
    match extend_ttl_s {
        Some(ext) => ttl.max(ext),
        None => ttl,
    }
}

impl ResolverKind {
    /// The kind's documented defaults.
    pub fn rules(self) -> CacheRules {
        let r = |min_ttl_s, max_ttl_s, max_ncache_s| CacheRules {
            min_ttl_s,
            max_ttl_s,
            max_ncache_s,
            cache_shards: 1,
            ecs: false,
        };
        match self {
            ResolverKind::Bind => r(0, 604_800, 10_800),
            ResolverKind::Unbound => r(0, 86_400, 3_600),
            ResolverKind::Powerdns => r(1, 86_400, 3_600),
            ResolverKind::Knot => r(5, 86_400, 10_800),
            ResolverKind::PublicAnycast => CacheRules { cache_shards: 4, ecs: true, ..r(0, 21_600, 3_600) },
        }
    }
}

/// Index of a resolver in a run: the named ones, then the generated population.
pub type ResolverIdx = usize;

/// The prefix length Route 53 sees for a resolver's own address (one host).
pub(super) const RESOLVER_PREFIX_LEN: u8 = 32;

/// A recursive resolver during a run.
#[derive(Clone, Debug)]
pub(super) struct Resolver {
    /// Its id (`pop-<n>` for the generated population).
    pub id: String,
    /// Its own address and place, as Route 53 sees it without ECS.
    pub addr: ClientAddr,
    /// Its kind's cache rules.
    pub rules: CacheRules,
    /// Whether it forwards the client's subnet (ECS).
    pub ecs: bool,
    /// Extends every TTL to at least this many seconds, if it is a TTL extender.
    pub extend_ttl_s: Option<u32>,
    /// Its cache nodes (one, or several for a large public resolver).
    pub caches: Vec<Cache>,
    /// Its random stream (which cache node a query lands on, warm-cache ages).
    pub rng: SimRng,
}

impl Resolver {
    /// A resolver `id` of `kind` at `place` with address `addr`; `ecs` overrides the
    /// kind's default. Its random stream is derived from `seed` and its id.
    pub fn new(
        id: &str,
        place: Place,
        addr: u32,
        kind: ResolverKind,
        ecs: Option<bool>,
        extend_ttl_s: Option<u32>,
        seed: u64,
    ) -> Resolver {
        let rules = kind.rules();
        Resolver {
            id: id.to_string(),
            addr: ClientAddr { addr, prefix_len: RESOLVER_PREFIX_LEN, place },
            rules,
            ecs: ecs.unwrap_or(rules.ecs),
            extend_ttl_s,
            caches: vec![Cache::default(); rules.cache_shards.max(1) as usize],
            rng: SimRng::derive(seed, stream_id(&format!("resolver/{id}"))),
        }
    }

    /// The cache node this query lands on (drawn only when there are several).
    pub fn pick_shard(&mut self) -> usize {
        let n = self.caches.len() as u64;
        if n > 1 { self.rng.below(n) as usize } else { 0 }
    }

    /// The ECS it sends for `client`: the client's subnet if it forwards ECS.
    pub fn ecs_for(&self, client: &Client) -> Option<ClientAddr> {
        if self.ecs { client.ecs.clone() } else { None }
    }

    /// The scope its cache keys an answer for `client` by: the client's subnet if it
    /// forwards ECS.
    pub fn ecs_scope(&self, client: &Client) -> Option<u32> {
        if self.ecs { client.ecs.as_ref().map(|e| e.addr) } else { None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route53::answer::NoDataReason;

    fn records(ttl_s: u32) -> Answer {
        Answer::Records { items: vec![], ttl_s, path: vec![] }
    }

    #[test]
    fn ttl_floors_caps_and_extenders() {
        let knot = ResolverKind::Knot.rules();
        assert_eq!(effective_ttl(&records(1), &knot, None), 5, "Knot's 5 s floor");
        assert_eq!(effective_ttl(&records(1), &ResolverKind::Powerdns.rules(), None), 1);
        assert_eq!(effective_ttl(&records(0), &ResolverKind::Powerdns.rules(), None), 1, "TTL 0 becomes 1");
        assert_eq!(effective_ttl(&records(1), &ResolverKind::Unbound.rules(), None), 1);
        assert_eq!(effective_ttl(&records(100_000), &ResolverKind::PublicAnycast.rules(), None), 21_600);
        let neg = Answer::NxDomain { ttl_s: 900 };
        assert_eq!(effective_ttl(&neg, &ResolverKind::Bind.rules(), None), 900);
        let long_neg = Answer::NoData { ttl_s: 86_400, reason: NoDataReason::NoMatch };
        assert_eq!(effective_ttl(&long_neg, &ResolverKind::Unbound.rules(), None), 3_600);
        assert_eq!(effective_ttl(&records(60), &ResolverKind::Bind.rules(), Some(3_600)), 3_600);
    }

    #[test]
    fn cache_expires_exactly_at_ttl() {
        let mut c = Cache::default();
        let rules = ResolverKind::Bind.rules();
        let key = CacheKey::new(NameId(1), None);
        c.put(key, Arc::new(records(60)), SimTime(1_000), &rules, None);
        assert!(c.get(&key, SimTime(60_999)).is_some());
        assert!(c.get(&key, SimTime(61_000)).is_none());
    }
}
