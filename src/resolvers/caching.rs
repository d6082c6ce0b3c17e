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

/// How long a client of `kind` keeps using an answer after its resolver's copy
/// expired, s: a fixed-time cache asks at the last moment and then holds its answer
/// that long; a cache that honours the TTL it is handed ends with the resolver's.
pub fn client_hold_s(kind: ClientKind, negative: bool) -> u32 {
    match (kind, negative) {
        (ClientKind::Curl, _) => 0,
        // Chrome's host cache: 60 s whatever the TTL; failures from the OS not cached.
        (ClientKind::Browser, false) => 60,
        (ClientKind::Browser, true) => 0,
        // Firefox: 60 s when the platform gives no TTL, negative answers alike.
        (ClientKind::Firefox, _) => 60,
        // Java: networkaddress.cache.ttl 30 s, negative 10 s.
        (ClientKind::Jvm, false) => 30,
        (ClientKind::Jvm, true) => 10,
        // nscd prunes every 15 s: an entry lives up to TTL + 15 s.
        (ClientKind::Nscd, _) => 15,
        (ClientKind::SystemdResolved, _) => 0,
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
