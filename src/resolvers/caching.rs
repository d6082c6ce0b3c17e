//! How long an answer lives once a resolver has it: each resolver kind's TTL floor and
//! caps, negative caching, failure caching, TTL extenders, and the clients' own caches
//! behind the resolver. Sources and status of every value: `docs/model.md` ("Data
//! plane: caches").
//!
//! | kind | min TTL | max TTL | negative cap | failure cached |
//! |---|---|---|---|---|
//! | BIND 9 | 0 | 604,800 s | 10,800 s | 1 s (`servfail-ttl`) |
//! | Unbound | 0 | 86,400 s | 3,600 s | 5 s (`NORR_TTL`) |
//! | PowerDNS | 1 s | 86,400 s | 3,600 s | 60 s (`packetcache-servfail-ttl`) |
//! | Knot | 5 s | 86,400 s | 86,400 s (5 s floor) | 5 s (assumed) |
//! | public anycast | 0 (assumed) | 21,600 s (measured cap) | 3,600 s (assumed) | 5 s (assumed) |
//!
//! A TTL extender keeps every answer at least the spec's `extend_ttl_s`.

use crate::base::rng::SimRng;
use crate::spec::kinds::{ClientKind, ResolverKind};

/// A resolver kind's cache rules, s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheRules {
    /// Floor on a positive answer's TTL.
    pub min_ttl_s: u32,
    /// Cap on a positive answer's TTL.
    pub max_ttl_s: u32,
    /// Floor on a negative answer's TTL.
    pub min_ncache_s: u32,
    /// Cap on a negative answer's TTL.
    pub max_ncache_s: u32,
    /// How long a failed resolution (no name server answered) is remembered.
    pub servfail_s: u32,
}

/// The documented (or, where marked in the module table, assumed) defaults of `kind`.
pub fn rules(kind: ResolverKind) -> CacheRules {
    let r = |min_ttl_s, max_ttl_s, min_ncache_s, max_ncache_s, servfail_s| CacheRules {
        min_ttl_s,
        max_ttl_s,
        min_ncache_s,
        max_ncache_s,
        servfail_s,
    };
    match kind {
        ResolverKind::Bind => r(0, 604_800, 0, 10_800, 1),
        ResolverKind::Unbound => r(0, 86_400, 0, 3_600, 5),
        ResolverKind::Powerdns => r(1, 86_400, 0, 3_600, 60),
        ResolverKind::Knot => r(5, 86_400, 5, 86_400, 5),
        ResolverKind::PublicAnycast => r(0, 21_600, 0, 3_600, 5),
    }
}

/// How long a resolver with `rules` keeps an answer whose TTL is `ttl_s`
/// (`negative`: NXDOMAIN or NODATA), extended to at least `extend_s` by a TTL
/// extender.
pub fn cache_s(rules: &CacheRules, ttl_s: u32, negative: bool, extend_s: Option<u32>) -> u32 {
    let ttl = if negative {
        ttl_s.clamp(rules.min_ncache_s, rules.max_ncache_s)
    } else {
        ttl_s.clamp(rules.min_ttl_s, rules.max_ttl_s)
    };
    extend_s.map_or(ttl, |e| ttl.max(e))
}

/// A client kind's own DNS cache: how it keeps an answer, and how long it remembers a
/// failed lookup (no such name, no address, no answer in time), s (0: not at all).
/// Sources and status: `docs/model.md`, "Clients".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientDns {
    /// How an answer is kept.
    pub cache: DnsCache,
    /// How long a failed lookup is remembered, s.
    pub negative_s: u32,
}

/// How a client kind caches DNS answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsCache {
    /// Every lookup goes to the resolver.
    None,
    /// Fixed lifetime whatever the TTL, s.
    Fixed(u32),
    /// The record's TTL, raised to at least this many seconds.
    AtLeast(u32),
    /// Fixed lifetime, then a grace period during which the stale answer is used
    /// while a refresh runs, s.
    FixedWithGrace(u32, u32),
    /// The record's TTL plus up to `extra` seconds, capped at `cap`.
    Ttl {
        /// Extra lifetime, uniform in 0..=extra (nscd's pruner), s.
        extra: u32,
        /// Cap, s.
        cap: u32,
    },
}

impl DnsCache {
    /// How long an answer with TTL `ttl_s` stays fresh in the cache, and how long
    /// after that it may still serve while a refresh runs: (lifetime, grace), s.
    /// A random extra lifetime (nscd's pruner) is drawn from `rng`.
    pub fn lifetime_s(self, ttl_s: u32, rng: &mut SimRng) -> (u32, u32) {
        match self {
            DnsCache::None => (0, 0),
            DnsCache::Fixed(s) => (s, 0),
            DnsCache::AtLeast(s) => (ttl_s.max(s), 0),
            DnsCache::FixedWithGrace(s, grace) => (s, grace),
            DnsCache::Ttl { extra, cap } => {
                let ex = if extra > 0 { rng.below(u64::from(extra) + 1) as u32 } else { 0 };
                (ttl_s.saturating_add(ex).min(cap), 0)
            }
        }
    }
}

/// Chrome's host cache keeps an answer this long, s: 60 whatever the TTL through
/// the system resolver (`kCacheEntryTTLSeconds`), and at least 60 (the TTL raised
/// to `kMinimumTTLSeconds`) through its built-in resolver, the default.
pub const CHROME_HOST_CACHE_S: u32 = 60;

/// The DNS cache of a client of `kind`: the one table both simulations read.
pub fn client_dns(kind: ClientKind) -> ClientDns {
    let (cache, negative_s) = match kind {
        ClientKind::Curl => (DnsCache::None, 0),
        ClientKind::Browser => (DnsCache::AtLeast(CHROME_HOST_CACHE_S), 0),
        ClientKind::ChromeSystemResolver => (DnsCache::Fixed(CHROME_HOST_CACHE_S), 0),
        ClientKind::Firefox => (DnsCache::FixedWithGrace(60, 60), 60),
        ClientKind::Jvm => (DnsCache::Fixed(30), 10),
        // nscd prunes every 15 s: an entry lives up to TTL + 15 s.
        ClientKind::Nscd => (DnsCache::Ttl { extra: 15, cap: u32::MAX }, 0),
        ClientKind::SystemdResolved => (DnsCache::Ttl { extra: 0, cap: 7_200 }, 0),
    };
    ClientDns { cache, negative_s }
}

/// How long a client of `kind` keeps using an answer after its resolver's copy
/// expired, s, read from its cache (`client_dns`): a fixed-time cache asks at the
/// last moment and then holds its answer that long; a cache that honours the TTL it
/// is handed ends with the resolver's (plus any extra time it adds).
pub fn client_hold_s(kind: ClientKind, negative: bool) -> u32 {
    let dns = client_dns(kind);
    if negative {
        return dns.negative_s;
    }
    match dns.cache {
        DnsCache::None => 0,
        DnsCache::Fixed(s) | DnsCache::AtLeast(s) | DnsCache::FixedWithGrace(s, _) => s,
        DnsCache::Ttl { extra, .. } => extra,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors_caps_and_extenders() {
        let knot = rules(ResolverKind::Knot);
        assert_eq!(cache_s(&knot, 1, false, None), 5, "Knot's 5 s floor");
        assert_eq!(cache_s(&rules(ResolverKind::Powerdns), 0, false, None), 1, "PowerDNS's 1 s floor");
        assert_eq!(cache_s(&rules(ResolverKind::Bind), 1, false, None), 1, "BIND honours 1 s");
        assert_eq!(cache_s(&rules(ResolverKind::Unbound), 0, false, None), 0, "Unbound honours 0");
        assert_eq!(cache_s(&rules(ResolverKind::PublicAnycast), 86_400, false, None), 21_600);
        assert_eq!(cache_s(&rules(ResolverKind::Unbound), 60, false, Some(3_600)), 3_600, "an extender");
        assert_eq!(cache_s(&rules(ResolverKind::Unbound), 7_200, false, Some(3_600)), 7_200);
    }

    #[test]
    fn negative_answers_are_capped_per_kind() {
        assert_eq!(cache_s(&rules(ResolverKind::Unbound), 900, true, None), 900, "Route 53's 900 s");
        assert_eq!(cache_s(&rules(ResolverKind::Unbound), 86_400, true, None), 3_600);
        assert_eq!(cache_s(&rules(ResolverKind::Bind), 86_400, true, None), 10_800);
        assert_eq!(cache_s(&rules(ResolverKind::Powerdns), 86_400, true, None), 3_600);
        assert_eq!(cache_s(&rules(ResolverKind::Knot), 1, true, None), 5);
    }

    #[test]
    fn client_caches_outlive_the_resolver_by_their_fixed_time() {
        assert_eq!(client_hold_s(ClientKind::Browser, false), 60);
        assert_eq!(client_hold_s(ClientKind::Jvm, false), 30);
        assert_eq!(client_hold_s(ClientKind::Jvm, true), 10);
        assert_eq!(client_hold_s(ClientKind::SystemdResolved, false), 0);
        assert_eq!(client_hold_s(ClientKind::Curl, false), 0);
    }
}
