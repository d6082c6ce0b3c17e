//! Clients: what sits behind a resolver and makes requests — its own DNS cache, its
//! connection reuse, its connect timeout, and whether it tries the next address.
//!
//! Defaults (`route53-reference.md` §6.4, §8.1; [C] unless marked):
//!
//! | kind | DNS cache | keep-alive idle | next address on connect failure |
//! |---|---|---|---|
//! | `curl` loop | none | none (new process each time) | yes |
//! | browser (Chrome, OS resolver) | 60 s whatever the TTL | 300 s (used idle sockets) | yes |
//! | Firefox | 60 s + 60 s grace (stale while refreshing) | 300 s [U] | yes |
//! | JVM | 30 s whatever the TTL | 60 s [U] | no [U] |
//! | nscd-backed app | TTL + up to 15 s (pruner period) | none | yes |
//! | systemd-resolved app | TTL (capped at 2 h) | none | yes |
//!
//! A connect to a black-holed address waits for Linux's SYN retries: 127 s
//! (`tcp_syn_retries` 6) — Chrome gives up the whole connect job at 240 s, so the
//! kernel's limit applies first. A server's idle timeout also ends a kept-alive
//! connection: ALB 60 s, NLB 350 s [§5].

use crate::spec::kinds::ClientKind;

/// How a client kind caches DNS answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsCache {
    /// Every lookup goes to the resolver.
    None,
    /// Fixed lifetime whatever the TTL, s.
    Fixed(u32),
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

/// The behaviour of a client kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientRules {
    /// DNS cache.
    pub cache: DnsCache,
    /// Keep-alive: how long an idle connection is kept, ms (0 = none).
    pub keepalive_idle_ms: u64,
    /// Connect timeout, ms.
    pub connect_timeout_ms: u64,
    /// Tries the next address after a refused / timed-out connect.
    pub next_address: bool,
}

/// Linux's connect give-up time with `tcp_syn_retries` = 6 [§8.1, C].
pub const LINUX_CONNECT_TIMEOUT_MS: u64 = 127_000;

impl ClientKind {
    /// The kind's documented behaviour.
    pub fn rules(self) -> ClientRules {
        let base = ClientRules {
            cache: DnsCache::None,
            keepalive_idle_ms: 0,
            connect_timeout_ms: LINUX_CONNECT_TIMEOUT_MS,
            next_address: true,
        };
        match self {
            ClientKind::Curl => base,
            ClientKind::Browser => ClientRules { cache: DnsCache::Fixed(60), keepalive_idle_ms: 300_000, ..base },
            ClientKind::Firefox => {
                ClientRules { cache: DnsCache::FixedWithGrace(60, 60), keepalive_idle_ms: 300_000, ..base }
            }
            ClientKind::Jvm => {
                ClientRules { cache: DnsCache::Fixed(30), keepalive_idle_ms: 60_000, next_address: false, ..base }
            }
            ClientKind::Nscd => ClientRules { cache: DnsCache::Ttl { extra: 15, cap: u32::MAX }, ..base },
            ClientKind::SystemdResolved => ClientRules { cache: DnsCache::Ttl { extra: 0, cap: 7_200 }, ..base },
        }
    }
}
