//! Recursive resolvers in a failover run: each one's cache (an answer keyed by name
//! and, for a resolver that forwards ECS, the client's subnet) kept for as long as its
//! kind's cache rules say ([`crate::resolvers::caching`]: TTL floors and caps,
//! negative caps, TTL extenders — sources in `docs/model.md`, "Resolvers").
//!
//! A large public resolver spreads its cache over many nodes, so a query often lands
//! on a node that has not cached the name: modelled as [`PUBLIC_CACHE_NODES`]
//! independent caches picked at random per query (assumed). It forwards ECS /24
//! (Google Public DNS does; documented).
//!
//! Below the cache: a resolver's state during a run (`Resolver`).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::base::geo::Place;
use crate::base::rng::{SimRng, stream_id};
use crate::base::time::{SimDuration, SimTime};
use crate::failover::client::Client;
use crate::failover::tables::NameId;
use crate::resolvers::caching;
use crate::resolvers::selection::{SERVERS, Selector};
use crate::route53::answer::Answer;
use crate::route53::answer::ClientAddr;
use crate::spec::deploy::PUBLIC_EXPLORE_PCT;
use crate::spec::kinds::ResolverKind;
use crate::spec::zone::RecordType;

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

    /// The key as one number that orders as the key does (name, then type, then
    /// scope, no scope first): a cache lookup compares numbers, not fields.
    fn packed(self) -> u128 {
        let scope = self.ecs_scope.map_or(0, |s| 1 << 32 | u128::from(s));
        u128::from(self.name.0) << 40 | (self.rtype as u128) << 33 | scope
    }

    /// The key [`CacheKey::packed`] packed.
    fn unpacked(p: u128) -> CacheKey {
        let rtype = match (p >> 33) & 0x7f {
            0 => RecordType::A,
            1 => RecordType::AAAA,
            _ => RecordType::CNAME,
        };
        let ecs_scope = (p & 1 << 32 != 0).then_some(p as u32);
        CacheKey { name: NameId((p >> 40) as u32), rtype, ecs_scope }
    }
}

/// One cached answer.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    /// The answer as Route 53 gave it, shared by every cache that holds it.
    pub answer: Arc<Answer>,
    /// When it was fetched from the authoritative servers.
    pub fetched: SimTime,
    /// When it expires.
    pub expires: SimTime,
}

/// A resolver's cache (one per shard), keyed by each [`CacheKey`] packed into one
/// number.
#[derive(Clone, Debug, Default)]
pub struct Cache {
    entries: BTreeMap<u128, CacheEntry>,
}

impl Cache {
    /// The live entry for `key` at `now`.
    pub fn get(&self, key: &CacheKey, now: SimTime) -> Option<&CacheEntry> {
        self.entries.get(&key.packed()).filter(|e| e.expires > now)
    }

    /// Stores `answer` fetched at `now` under `rules`, with an optional TTL
    /// extension; returns the TTL used, in seconds.
    pub fn put(
        &mut self,
        key: CacheKey,
        answer: Arc<Answer>,
        now: SimTime,
        rules: &caching::CacheRules,
        extend_ttl_s: Option<u32>,
    ) -> u32 {
        let ttl = effective_ttl(&answer, rules, extend_ttl_s);
        self.entries.insert(
            key.packed(),
            CacheEntry { answer, fetched: now, expires: now + SimDuration::from_secs(u64::from(ttl)) },
        );
        ttl
    }

    /// Stores `answer` as if fetched before the run began, expiring at `expires`
    /// (a warm cache at time zero).
    pub fn put_warm(&mut self, key: CacheKey, answer: Arc<Answer>, expires: SimTime) {
        self.entries.insert(key.packed(), CacheEntry { answer, fetched: SimTime::ZERO, expires });
    }

    /// All live entries at `now`.
    pub fn live(&self, now: SimTime) -> impl Iterator<Item = (CacheKey, &CacheEntry)> {
        self.entries.iter().filter(move |(_, e)| e.expires > now).map(|(&k, e)| (CacheKey::unpacked(k), e))
    }
}

/// The TTL a resolver with `rules` caches `answer` for.
pub fn effective_ttl(answer: &Answer, rules: &caching::CacheRules, extend_ttl_s: Option<u32>) -> u32 {
    let negative = !matches!(answer, Answer::Records { .. });
    caching::cache_s(rules, answer.ttl_s(), negative, extend_ttl_s)
}

/// Cache nodes a large public resolver spreads its cache over, each query landing on
/// one at random. Assumed: public resolvers run many independent caches per site
/// (Cloudflare documents per-data-centre behaviour), their count is not published.
pub const PUBLIC_CACHE_NODES: usize = 4;

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
    pub rules: caching::CacheRules,
    /// Whether it forwards the client's subnet (ECS).
    pub ecs: bool,
    /// Extends every TTL to at least this many seconds, if it is a TTL extender.
    pub extend_ttl_s: Option<u32>,
    /// Its cache nodes (one, or several for a large public resolver).
    pub caches: Vec<Cache>,
    /// Its random stream (which cache node a query lands on, warm-cache ages, its
    /// choices among the zone's name servers).
    pub rng: SimRng,
    /// How its kind picks which of the zone's four name servers to query.
    pub selector: Selector,
    /// Where each name server's queries land: a DNS location (an index into the
    /// run's locations) and the round trip to it, µs.
    pub name_servers: [(usize, u64); SERVERS],
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
        let public = kind == ResolverKind::PublicAnycast;
        let mut rng = SimRng::derive(seed, stream_id(&format!("resolver/{id}")));
        let selector = Selector::new(kind, PUBLIC_EXPLORE_PCT / 100.0, &mut rng);
        Resolver {
            id: id.to_string(),
            addr: ClientAddr { addr, prefix_len: RESOLVER_PREFIX_LEN, place },
            rules: caching::rules(kind),
            ecs: ecs.unwrap_or(public),
            extend_ttl_s,
            caches: vec![Cache::default(); if public { PUBLIC_CACHE_NODES } else { 1 }],
            rng,
            selector,
            name_servers: [(0, 0); SERVERS],
        }
    }

    /// Queries one of the zone's name servers at `now`, as its kind picks: the DNS
    /// location the query lands at. The answer comes back after the round trip,
    /// which the selection learns from.
    pub fn query_location(&mut self, now: SimTime) -> usize {
        let now_us = now.as_ms() * 1000;
        self.selector.begin(now_us, &mut self.rng);
        let server = self.selector.pick(0, 0, now_us, &mut self.rng).map_or(0, |p| p.server);
        let (loc, rtt_us) = self.name_servers[server];
        self.selector.answered(server, rtt_us, now_us + rtt_us);
        self.selector.end(1 << server, now_us + rtt_us);
        loc
    }

    /// The cache node this query lands on (drawn only when there are several).
    pub fn pick_shard(&mut self) -> usize {
        let n = self.caches.len() as u64;
        if n > 1 { self.rng.below(n) as usize } else { 0 }
    }

    /// The ECS it sends for `client`: the client's subnet if it forwards ECS.
    pub fn ecs_for<'c>(&self, client: &'c Client) -> Option<&'c ClientAddr> {
        if self.ecs { client.ecs.as_deref() } else { None }
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
        Answer::Records { items: vec![], ttl_s }
    }

    #[test]
    fn an_answer_is_kept_by_its_kind_s_rules() {
        let rules = |k| caching::rules(k);
        assert_eq!(effective_ttl(&records(1), &rules(ResolverKind::Knot), None), 5, "Knot's 5 s floor");
        assert_eq!(effective_ttl(&records(0), &rules(ResolverKind::Powerdns), None), 1, "TTL 0 becomes 1");
        let neg = Answer::NxDomain { ttl_s: 900 };
        assert_eq!(effective_ttl(&neg, &rules(ResolverKind::Bind), None), 900);
        let long_neg = Answer::NoData { ttl_s: 86_400, reason: NoDataReason::NoMatch };
        assert_eq!(effective_ttl(&long_neg, &rules(ResolverKind::Unbound), None), 3_600);
        assert_eq!(effective_ttl(&records(60), &rules(ResolverKind::Bind), Some(3_600)), 3_600);
    }

    #[test]
    fn cache_expires_exactly_at_ttl() {
        let mut c = Cache::default();
        let rules = caching::rules(ResolverKind::Bind);
        let key = CacheKey::new(NameId(1), None);
        c.put(key, Arc::new(records(60)), SimTime(1_000), &rules, None);
        assert!(c.get(&key, SimTime(60_999)).is_some());
        assert!(c.get(&key, SimTime(61_000)).is_none());
    }

    #[test]
    fn packed_keys_order_as_keys_do_and_unpack_to_themselves() {
        let keys = [
            CacheKey::new(NameId(0), None),
            CacheKey::new(NameId(0), Some(0)),
            CacheKey::new(NameId(0), Some(u32::MAX)),
            CacheKey { name: NameId(0), rtype: RecordType::AAAA, ecs_scope: None },
            CacheKey { name: NameId(0), rtype: RecordType::CNAME, ecs_scope: Some(7) },
            CacheKey::new(NameId(1), Some(0x0a00_0100)),
            CacheKey::new(NameId(u32::MAX), None),
        ];
        for a in keys {
            assert_eq!(CacheKey::unpacked(a.packed()), a);
            for b in keys {
                assert_eq!(a.packed().cmp(&b.packed()), a.cmp(&b), "{a:?} vs {b:?}");
            }
        }
    }
}
