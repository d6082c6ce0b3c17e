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
//!
//! Below the kinds: a client's state during a run ([`Client`]) — its cached answer,
//! its kept-alive connection, its random stream.

use std::sync::Arc;

use crate::base::rng::SimRng;
use crate::base::time::{SimDuration, SimTime};
use crate::failover::resolver::ResolverIdx;
use crate::route53::answer::{ClientAddr, Dest, Item};
use crate::route53::zone::HostIdx;
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

/// Index of a client in a run: the client groups' representatives, the generated
/// population's, then one per probe.
pub type ClientIdx = usize;

/// A representative client (or a probe) during a run.
#[derive(Clone, Debug)]
pub(super) struct Client {
    /// The resolver it asks.
    pub resolver: ResolverIdx,
    /// Its kind's behaviour.
    pub rules: ClientRules,
    /// Its subnet and place, sent as ECS by a resolver that forwards it (`None`
    /// for a group placed nowhere in particular).
    pub ecs: Option<ClientAddr>,
    /// Time between requests, ms.
    pub interval_ms: u64,
    /// How the next request is timed.
    pub pacing: Pacing,
    /// The probe it is, if it is one.
    pub probe: Option<usize>,
    /// Its own cached DNS answer.
    pub cache: Option<CachedAnswer>,
    /// Its kept-alive connection.
    pub conn: Option<Conn>,
    /// Its random stream (cache lifetimes, an LB's choice of target).
    pub rng: SimRng,
}

/// When a client makes its next request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pacing {
    /// At a fixed rate: every interval, or as soon as a longer request ends.
    Rate,
    /// A pause of one interval after each request ends (a probe's loop, like the
    /// field experiment's `curl` in a shell loop).
    AfterEnd,
}

impl Client {
    /// When the next request starts, after one started at `t` that took `elapsed_ms`.
    pub fn next_request(&self, t: SimTime, elapsed_ms: u64) -> SimTime {
        match self.pacing {
            Pacing::AfterEnd => t + SimDuration(elapsed_ms + self.interval_ms),
            Pacing::Rate => t + SimDuration(self.interval_ms.max(elapsed_ms)),
        }
    }
}

/// An answer as a client uses it: the addresses to try in order, and how the probe
/// log shows them.
#[derive(Clone, Debug)]
pub(super) struct Resolved {
    /// Address items, in the order the client tries them.
    pub addrs: Arc<Vec<Item>>,
    /// The addresses as one line (`alb-use1@us-east-1a, …`).
    pub summary: Arc<str>,
}

/// A client's cached answer.
#[derive(Clone, Debug)]
pub(super) struct CachedAnswer {
    /// The answer.
    pub answer: Resolved,
    /// When it stops being fresh.
    pub expires: SimTime,
    /// Until when a stale answer still serves while a refresh runs (Firefox).
    pub grace_until: SimTime,
}

/// A kept-alive connection.
#[derive(Clone, Debug)]
pub(super) struct Conn {
    /// Where it goes.
    pub dest: Dest,
    /// The target an NLB flow is pinned to, or the host.
    pub target: Option<HostIdx>,
    /// When it was last used.
    pub last_used: SimTime,
    /// How long it may sit idle: the shorter of the client's and the server's limit, ms.
    pub idle_limit_ms: u64,
}
