//! Clients: what sits behind a resolver and makes requests — its own DNS cache, its
//! connection reuse, its connect timeout, and whether it tries the next address.
//!
//! Defaults, each documented unless marked (sources and status in `docs/model.md`,
//! "Clients"):
//!
//! | kind | DNS cache | failed lookups cached | keeps an idle connection | next address on connect failure |
//! |---|---|---|---|---|
//! | `curl` loop | none | no | no (a new process each time) | yes |
//! | browser (Chrome, its built-in resolver: the default) | the TTL, at least 60 s | no (assumed) | 300 s (used idle sockets) | yes |
//! | Chrome through the system resolver | 60 s whatever the TTL | no | 300 s | yes |
//! | Firefox (Linux: the TTL is not read) | 60 s + 60 s grace (stale while refreshing) | 60 s | 115 s | yes (assumed) |
//! | JVM (`InetAddress`; `java.net.http.HttpClient`, JDK 20+) | 30 s whatever the TTL | 10 s | 30 s | no (assumed) |
//! | nscd-backed app | TTL + up to 15 s (pruner period) | not modelled | no (assumed) | yes (assumed) |
//! | systemd-resolved app | TTL (capped at 2 h) | not modelled | no (assumed) | yes (assumed) |
//!
//! A connect to a black-holed address waits for Linux's SYN retries: 127 s
//! (`tcp_syn_retries` 6) — Chrome gives up the whole connect job at 240 s, so the
//! kernel's limit applies first.
//!
//! A kept-alive connection (`Conn`) ends at the earliest of the client's idle
//! limit above, the server side's idle limit (an ALB 60 s; the web server itself,
//! reached directly or through an NLB, 5 s), the server's close after its keep-alive
//! duration (an ALB in the current era, 3600 s after opening) or after its 100th
//! request (Apache), and a reset (its web server stopped); see
//! `route53::endpoints::server_keepalive`.
//!
//! Below the kinds: a client's state during a run (`Client`) — its cached answer,
//! its kept-alive connection, its random stream.

use std::sync::Arc;

use crate::base::rng::SimRng;
use crate::base::time::{SimDuration, SimTime};
use crate::failover::requests::RequestResult;
use crate::failover::resolver::ResolverIdx;
use crate::resolvers::caching::{self, DnsCache};
use crate::route53::answer::{Answer, ClientAddr, Dest, Item};
use crate::route53::endpoints::{ServerKeepAlive, World};
use crate::route53::zone::HostIdx;
use crate::spec::kinds::ClientKind;

/// The behaviour of a client kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientRules {
    /// DNS cache.
    pub cache: DnsCache,
    /// How long a failed lookup (no such name, no address, no answer in time) is
    /// remembered and returned without asking again, s (0: not at all).
    pub negative_cache_s: u32,
    /// Keep-alive: how long an idle connection is kept, ms (0 = none).
    pub keepalive_idle_ms: u64,
    /// Connect timeout, ms.
    pub connect_timeout_ms: u64,
    /// Tries the next address after a refused / timed-out connect.
    pub next_address: bool,
}

/// Linux's connect give-up time with `tcp_syn_retries` = 6: 1 + 2 + … + 64 s
/// (`docs/model.md`, "Clients").
pub const LINUX_CONNECT_TIMEOUT_MS: u64 = 127_000;

/// Chrome keeps a used idle socket in its pool this long, ms: 300 s
/// (`g_used_idle_socket_timeout_s` in `net/socket/client_socket_pool.cc`).
pub const CHROME_USED_IDLE_SOCKET_MS: u64 = 300_000;

/// Firefox keeps an idle HTTP connection this long, ms: 115 s
/// (`network.http.keep-alive.timeout`, read in an older copy of `all.js`).
pub const FIREFOX_KEEPALIVE_TIMEOUT_MS: u64 = 115_000;

/// A Java service's `java.net.http.HttpClient` keeps an idle connection this long,
/// ms: 30 s since JDK 20 (`HttpClientImpl.DEFAULT_KEEP_ALIVE_TIMEOUT`; JDK 11 to 19
/// kept 1200 s).
pub const JAVA_HTTPCLIENT_KEEPALIVE_MS: u64 = 30_000;

impl ClientKind {
    /// The kind's documented behaviour.
    pub fn rules(self) -> ClientRules {
        let dns = caching::client_dns(self);
        let base = ClientRules {
            cache: dns.cache,
            negative_cache_s: dns.negative_s,
            keepalive_idle_ms: 0,
            connect_timeout_ms: LINUX_CONNECT_TIMEOUT_MS,
            next_address: true,
        };
        match self {
            ClientKind::Curl | ClientKind::Nscd | ClientKind::SystemdResolved => base,
            ClientKind::Browser | ClientKind::ChromeSystemResolver => {
                ClientRules { keepalive_idle_ms: CHROME_USED_IDLE_SOCKET_MS, ..base }
            }
            ClientKind::Firefox => ClientRules { keepalive_idle_ms: FIREFOX_KEEPALIVE_TIMEOUT_MS, ..base },
            ClientKind::Jvm => {
                ClientRules { keepalive_idle_ms: JAVA_HTTPCLIENT_KEEPALIVE_MS, next_address: false, ..base }
            }
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
    pub ecs: Option<Arc<ClientAddr>>,
    /// How the next request is timed.
    pub pacing: Pacing,
    /// The probe it is, if it is one.
    pub probe: Option<usize>,
    /// Its own cached DNS answer.
    pub cache: Option<CachedAnswer>,
    /// A failed lookup its own cache remembers, and until when.
    pub failure: Option<(RequestResult, SimTime)>,
    /// Its kept-alive connection.
    pub conn: Option<Conn>,
    /// Its random stream (cache lifetimes, an LB's choice of target).
    pub rng: SimRng,
}

impl Client {
    /// The failed lookup its own cache still returns at `t`, if any.
    pub fn cached_failure(&self, t: SimTime) -> Option<RequestResult> {
        self.failure.filter(|&(_, until)| t < until).map(|(result, _)| result)
    }

    /// A lookup at `t` failed with `result`: its kind remembers that for its
    /// negative-cache time.
    pub fn remember_failure(&mut self, t: SimTime, result: RequestResult) {
        let s = self.rules.negative_cache_s;
        self.failure = (s > 0).then(|| (result, t + SimDuration::from_secs(u64::from(s))));
    }
}

/// When a client makes its next request.
#[derive(Clone, Debug)]
pub(super) enum Pacing {
    /// At a fixed rate: every `interval_ms` (at least 1), or as soon as a longer
    /// request ends.
    Rate {
        /// Time between the starts of two requests, ms.
        interval_ms: u64,
    },
    /// A pause after each request ends (a probe's loop, like the field experiment's
    /// `curl` in a shell loop).
    AfterEnd {
        /// Pause between the end of one request and the start of the next, ms.
        pause_ms: u64,
    },
    /// Web browsing: each request is a page load; after it the page is parsed (its
    /// embedded objects then come over the same connection) and read, each for an
    /// exponential time (boxed: a random stream of its own is large).
    Sessions(Box<Sessions>),
}

/// A browsing client's think times: exponential parsing and reading times drawn from
/// its own random stream, so they do not shift when anything else draws.
#[derive(Clone, Debug)]
pub(super) struct Sessions {
    /// Mean reading time after a page, ms.
    reading_mean_ms: f64,
    /// Mean parsing time of a page, ms.
    parsing_mean_ms: f64,
    /// Its own random stream.
    rng: SimRng,
}

impl Sessions {
    /// Sessions with these means (ms), drawing from `rng`.
    pub fn new(reading_mean_ms: f64, parsing_mean_ms: f64, rng: SimRng) -> Sessions {
        Sessions { reading_mean_ms, parsing_mean_ms, rng }
    }

    /// An exponential draw with mean `mean_ms`, to the nearest ms (inverse transform
    /// with `libm`, so the same on every platform).
    fn exponential_ms(&mut self, mean_ms: f64) -> u64 {
        let u = 1.0 - self.rng.unit(); // (0, 1]
        round_ms(-mean_ms * libm::log(u))
    }

    /// A reading time, ms.
    pub fn reading_ms(&mut self) -> u64 {
        self.exponential_ms(self.reading_mean_ms)
    }

    /// A parsing time, ms.
    pub fn parsing_ms(&mut self) -> u64 {
        self.exponential_ms(self.parsing_mean_ms)
    }
}

/// When a client's next request starts and until when its page keeps the
/// connection busy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Next {
    /// The next request's start.
    pub at: SimTime,
    /// The end of this request's use of its connection (a page's embedded objects
    /// are fetched after it is parsed).
    pub busy_until: SimTime,
}

impl Client {
    /// When the next request starts, after one started at `t` that took `elapsed_ms`
    /// (always later than `t`).
    pub fn next_request(&mut self, t: SimTime, elapsed_ms: u64) -> Next {
        let ended = t + SimDuration(elapsed_ms);
        let (busy_until, at) = match &mut self.pacing {
            Pacing::AfterEnd { pause_ms } => (ended, ended + SimDuration(*pause_ms)),
            Pacing::Rate { interval_ms } => (ended, t + SimDuration((*interval_ms).max(elapsed_ms))),
            Pacing::Sessions(s) => {
                let parsed = ended + SimDuration(s.parsing_ms());
                (parsed, parsed + SimDuration(s.reading_ms()))
            }
        };
        Next { at: at.max(t + SimDuration(1)), busy_until }
    }
}

/// An answer as a client uses it: the addresses to try in order, and how the probe
/// log shows them.
#[derive(Clone, Debug)]
pub(super) struct Resolved {
    /// Address items, in the order the client tries them: the resolver's answer
    /// itself when it alone holds them, else the chain's addresses gathered in one.
    pub addrs: Arc<Answer>,
    /// The addresses as one line (`alb-use1@us-east-1a, …`), for a probe's log
    /// (`None` for other clients, and for every client of a run without a trace:
    /// nothing shows their answers).
    pub summary: Option<Arc<str>>,
}

impl Resolved {
    /// The addresses, in the order the client tries them.
    pub fn addrs(&self) -> &[Item] {
        match &*self.addrs {
            Answer::Records { items, .. } => items,
            _ => &[],
        }
    }
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

/// A kept-alive connection and what will end it. It ends at the earliest of: the
/// client's idle limit, the server side's idle limit, the server's close after its
/// keep-alive duration (an ALB in the current era) or its request limit (Apache),
/// and a reset (its web server stopped).
#[derive(Clone, Debug)]
pub(super) struct Conn {
    /// Where it goes.
    pub dest: Dest,
    /// The target an NLB flow is pinned to, or the host.
    pub target: Option<HostIdx>,
    /// When it was opened.
    pub opened: SimTime,
    /// When it was last used (its last response ended).
    pub last_used: SimTime,
    /// How long it may sit idle: the shorter of the client's and the server's limit, ms.
    pub idle_limit_ms: u64,
    /// The server closes it with its response to the first request this long after
    /// it opened (an ALB's client keep-alive duration), ms.
    pub max_age_ms: Option<u64>,
    /// Requests the server still takes on it before it closes it (`None`: no limit).
    pub requests_left: Option<u32>,
    /// The web server it ends at, and how many times that server had been stopped
    /// when it opened (a later stop closed it).
    pub server: Option<(HostIdx, u32)>,
}

impl Conn {
    /// The connection left after a first request to `dest` (served by `target`) that
    /// connected at `opened` and ended at `ended`, for a client that keeps idle
    /// connections `client_idle_ms` (0: it keeps none), to a server side that ends
    /// them as `server` says. `None` when nobody keeps it.
    pub fn open(
        dest: &Dest,
        target: Option<HostIdx>,
        (opened, ended): (SimTime, SimTime),
        client_idle_ms: u64,
        server: ServerKeepAlive,
        world: &World,
    ) -> Option<Conn> {
        if client_idle_ms == 0 {
            return None;
        }
        let requests_left = server.max_requests.map(|n| n.saturating_sub(1));
        if requests_left == Some(0) {
            return None;
        }
        Some(Conn {
            dest: dest.clone(),
            target,
            opened,
            last_used: ended,
            idle_limit_ms: client_idle_ms.min(server.idle_ms),
            max_age_ms: server.max_age_ms,
            requests_left,
            server: if server.to_web_server { target.map(|h| (h, world.server_stops[h])) } else { None },
        })
    }

    /// Whether it is still open for a request at `t`: not idle past its limit, its
    /// web server not stopped since it opened. A closed one costs the client nothing
    /// to find out (the close already reached its socket).
    pub fn open_at(&self, t: SimTime, world: &World) -> bool {
        let idle_ms = t.as_ms().saturating_sub(self.last_used.as_ms());
        idle_ms < self.idle_limit_ms && self.server.is_none_or(|(h, stops)| world.server_stops[h] == stops)
    }

    /// A request that started at `t` and ended at `ended` was answered on it; returns
    /// whether it stays open (the server closes it with this response once its
    /// keep-alive duration has passed or its request limit is reached).
    pub fn answered(&mut self, t: SimTime, ended: SimTime) -> bool {
        self.last_used = ended;
        if self.max_age_ms.is_some_and(|ms| t >= self.opened + SimDuration(ms)) {
            return false;
        }
        match &mut self.requests_left {
            Some(n) => {
                *n = n.saturating_sub(1);
                *n > 0
            }
            None => true,
        }
    }
}

/// `x` (not negative) to the nearest whole ms, halves up: `x.round() as u64`, without
/// the call to a rounding function that neither x86-64's baseline nor WebAssembly
/// has an instruction for. Exact: below 2^53 the whole part and the fraction are
/// both exact, above it `x` is whole, and from 2^64 both saturate.
#[inline]
fn round_ms(x: f64) -> u64 {
    let whole = x as u64;
    whole.saturating_add(u64::from(x - whole as f64 >= 0.5))
}

#[cfg(test)]
mod tests {
    /// [`super::round_ms`] is `round() as u64` for halves, the float just below a
    /// half, the edges of exact integers, huge values and a million draws.
    #[test]
    fn whole_ms_round_as_round_does() {
        let mut xs = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.499_999_999_999_999_94,
            1.0 - f64::EPSILON / 2.0,
            4_503_599_627_370_495.5,
            9_007_199_254_740_993.0,
            1.0e19,
            1.9e19,
            1.0e300,
        ];
        let mut rng = crate::base::rng::SimRng::new(7);
        xs.extend((0..1_000_000).map(|i| -f64::from(1 + i % 50_000) * libm::log(1.0 - rng.unit())));
        for x in xs {
            assert_eq!(super::round_ms(x), x.round() as u64, "{x}");
        }
    }

    use std::collections::BTreeSet;

    use super::*;
    use crate::route53::endpoints::HostState;

    fn world() -> World {
        World { hosts: vec![HostState::Up], server_stops: vec![0], lb_down: vec![], partitioned: BTreeSet::new() }
    }

    fn server(idle_ms: u64) -> ServerKeepAlive {
        ServerKeepAlive { idle_ms, max_age_ms: None, max_requests: None, to_web_server: false }
    }

    fn at(ms: u64) -> SimTime {
        SimTime(ms)
    }

    fn open(client_idle_ms: u64, server: ServerKeepAlive, world: &World) -> Option<Conn> {
        Conn::open(&Dest::Host(0), Some(0), (at(1_000), at(1_100)), client_idle_ms, server, world)
    }

    /// Reading and parsing times are exponential with the 3GPP model's means: the
    /// sample mean within 4 standard errors (σ / √n, and σ = the mean for an
    /// exponential), and the share of reading times over 60 s within 4 standard
    /// errors of e⁻² (the chance a reader idles past an ALB's timeout).
    #[test]
    fn think_times_are_exponential_with_the_documented_means() {
        let mut s = Sessions::new(30_000.0, 130.0, SimRng::derive(7, crate::base::rng::stream_id("think-test")));
        let n = 20_000;
        let reading: Vec<u64> = (0..n).map(|_| s.reading_ms()).collect();
        let parsing: Vec<u64> = (0..n).map(|_| s.parsing_ms()).collect();
        let mean = |xs: &[u64]| xs.iter().sum::<u64>() as f64 / xs.len() as f64;
        let se = |m: f64| m / (n as f64).sqrt();
        assert!((mean(&reading) - 30_000.0).abs() < 4.0 * se(30_000.0), "reading mean {}", mean(&reading));
        assert!((mean(&parsing) - 130.0).abs() < 4.0 * se(130.0), "parsing mean {}", mean(&parsing));
        let p = libm::exp(-2.0);
        let over = reading.iter().filter(|&&x| x > 60_000).count() as f64 / n as f64;
        assert!((over - p).abs() < 4.0 * (p * (1.0 - p) / n as f64).sqrt(), "share over 60 s {over}");
    }

    #[test]
    fn a_browsing_client_reads_after_its_page_is_parsed_and_keeps_its_connection_busy_until_then() {
        let mut c = Client {
            resolver: 0,
            rules: ClientKind::Browser.rules(),
            ecs: None,
            pacing: Pacing::Sessions(Box::new(Sessions::new(30_000.0, 130.0, SimRng::new(3)))),
            probe: None,
            cache: None,
            failure: None,
            conn: None,
            rng: SimRng::new(1),
        };
        let Pacing::Sessions(mut twin) = c.pacing.clone() else { unreachable!() };
        for i in 0..100 {
            let t = at(i * 100_000);
            let next = c.next_request(t, 250);
            let parsed = t + SimDuration(250 + twin.parsing_ms());
            assert_eq!(next.busy_until, parsed);
            assert_eq!(next.at, (parsed + SimDuration(twin.reading_ms())).max(t + SimDuration(1)));
        }
    }

    #[test]
    fn a_cache_kind_keeps_an_answer_for_its_rule() {
        let mut rng = SimRng::new(1);
        for (cache, ttl, life) in [
            (DnsCache::AtLeast(60), 1, (60, 0)),
            (DnsCache::AtLeast(60), 300, (300, 0)),
            (DnsCache::Fixed(60), 300, (60, 0)),
            (DnsCache::FixedWithGrace(60, 60), 1, (60, 60)),
            (DnsCache::Ttl { extra: 0, cap: 7_200 }, 86_400, (7_200, 0)),
            (DnsCache::None, 300, (0, 0)),
        ] {
            assert_eq!(cache.lifetime_s(ttl, &mut rng), life, "{cache:?}, TTL {ttl}");
        }
        let nscd = DnsCache::Ttl { extra: 15, cap: u32::MAX };
        assert!((0..200).all(|_| (60..=75).contains(&nscd.lifetime_s(60, &mut rng).0)));
    }

    #[test]
    fn a_client_remembers_a_failed_lookup_for_its_kinds_negative_cache_time() {
        let client = |kind: ClientKind| Client {
            resolver: 0,
            rules: kind.rules(),
            ecs: None,
            pacing: Pacing::AfterEnd { pause_ms: 1_000 },
            probe: None,
            cache: None,
            failure: None,
            conn: None,
            rng: SimRng::new(1),
        };
        for (kind, s) in [(ClientKind::Jvm, 10), (ClientKind::Firefox, 60), (ClientKind::Browser, 0)] {
            let mut c = client(kind);
            c.remember_failure(at(1_000), RequestResult::NxDomain);
            assert_eq!(c.cached_failure(at(1_000)), (s > 0).then_some(RequestResult::NxDomain), "{kind:?}");
            assert_eq!(c.cached_failure(at(1_000 + s * 1_000)), None, "{kind:?} forgets after {s} s");
        }
    }

    #[test]
    fn a_connection_ends_at_the_shorter_of_the_clients_and_the_servers_idle_limit() {
        let w = world();
        let alb_and_chrome = open(CHROME_USED_IDLE_SOCKET_MS, server(60_000), &w).unwrap();
        assert_eq!(alb_and_chrome.idle_limit_ms, 60_000);
        assert!(alb_and_chrome.open_at(at(1_100 + 59_999), &w));
        assert!(!alb_and_chrome.open_at(at(1_100 + 60_000), &w), "idle for the ALB's 60 s: closed");
        let alb_and_java = open(JAVA_HTTPCLIENT_KEEPALIVE_MS, server(60_000), &w).unwrap();
        assert_eq!(alb_and_java.idle_limit_ms, 30_000);
        assert!(open(0, server(60_000), &w).is_none(), "a client that keeps no connection");
        // Idle time counts from the last response: a request resets it.
        let mut c = alb_and_chrome;
        assert!(c.answered(at(50_000), at(50_100)));
        assert!(c.open_at(at(50_100 + 59_999), &w));
    }

    /// Each kind's own idle limit against an ALB's 60 s and against a server side
    /// that keeps a connection longer (an NLB's 350 s flow): Firefox keeps one 115 s
    /// (`network.http.keep-alive.timeout`), the JVM's `HttpClient` 30 s, Chrome a used
    /// socket 300 s; the shorter side ends it. Kinds that keep none open none.
    #[test]
    fn each_kinds_idle_limit_meets_the_server_side() {
        let w = world();
        for (kind, behind_alb, behind_long) in [
            (ClientKind::Firefox, 60_000, 115_000),
            (ClientKind::Jvm, 30_000, 30_000),
            (ClientKind::Browser, 60_000, 300_000),
        ] {
            let idle = |server_ms| open(kind.rules().keepalive_idle_ms, server(server_ms), &w).unwrap().idle_limit_ms;
            assert_eq!((idle(60_000), idle(350_000)), (behind_alb, behind_long), "{kind:?}");
        }
        for kind in [ClientKind::Curl, ClientKind::Nscd, ClientKind::SystemdResolved] {
            assert!(open(kind.rules().keepalive_idle_ms, server(60_000), &w).is_none(), "{kind:?}");
        }
    }

    #[test]
    fn the_server_closes_with_the_first_response_after_its_keepalive_duration_whatever_the_traffic() {
        let w = world();
        let alb = ServerKeepAlive { max_age_ms: Some(3_600_000), ..server(60_000) };
        let mut c = open(CHROME_USED_IDLE_SOCKET_MS, alb, &w).unwrap();
        assert_eq!(c.opened, at(1_000), "the duration counts from the opening");
        // Busy every 30 s: traffic does not move the deadline.
        let mut t = 31_000;
        while t < 1_000 + 3_600_000 {
            assert!(c.answered(at(t), at(t + 100)), "still open at {t}");
            t += 30_000;
        }
        assert!(!c.answered(at(t), at(t + 100)), "one more request is answered, then the connection closes");
    }

    #[test]
    fn the_web_server_closes_after_its_request_limit_and_when_it_is_stopped() {
        let mut w = world();
        let apache = ServerKeepAlive { max_requests: Some(100), to_web_server: true, ..server(5_000) };
        let mut c = open(CHROME_USED_IDLE_SOCKET_MS, apache, &w).unwrap();
        // The first request opened it; 98 more keep it; the 100th closes it.
        for i in 2..=99 {
            assert!(c.answered(at(1_000 + i * 1_000), at(1_000 + i * 1_000 + 10)), "request {i}");
        }
        assert!(!c.answered(at(101_000), at(101_010)), "request 100");
        assert!(open(CHROME_USED_IDLE_SOCKET_MS, ServerKeepAlive { max_requests: Some(1), ..apache }, &w).is_none());

        let c = open(CHROME_USED_IDLE_SOCKET_MS, apache, &w).unwrap();
        assert!(c.open_at(at(2_000), &w));
        w.set_host(0, HostState::Stopped);
        assert!(!c.open_at(at(2_000), &w), "stopping the server closed its connections");
        w.set_host(0, HostState::Up);
        assert!(!c.open_at(at(2_000), &w), "a restarted server does not know the old connection");
        let fresh = open(CHROME_USED_IDLE_SOCKET_MS, apache, &w).unwrap();
        assert!(fresh.open_at(at(2_000), &w), "a connection opened after the restart is open");
        // Behind an ALB the client's connection ends at the ALB: a stop does not reach it.
        let alb = open(CHROME_USED_IDLE_SOCKET_MS, server(60_000), &w).unwrap();
        w.set_host(0, HostState::Stopped);
        assert!(alb.open_at(at(2_000), &w));
    }
}
