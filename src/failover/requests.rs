//! One request from start to end: reuse a kept-alive connection if there is one
//! (and it is still open and works); otherwise look the name up (`lookups.rs`),
//! connect to the answered addresses in order (the next one after a refused or
//! timed-out connect, for clients that do), keep the new connection if client and
//! server both do, and end with a [`RequestOutcome`] — how it ended, how long it
//! took, the region that served it.
//!
//! A kept-alive connection carries on whatever the HTTP status: after an ALB's own
//! 502 the client's next request goes to the same ALB on the same connection, until
//! the connection ends (`client.rs`, [`Conn`]) — then the client looks the name up
//! again (from its own cache while that is fresh).

use std::sync::Arc;

use serde::Serialize;

use crate::base::geo::{LatLon, Place};
use crate::base::time::{SimDuration, SimTime};
use crate::failover::client::{ClientIdx, Conn};
use crate::failover::sim::{Event, Sim};
use crate::failover::tables::RegionId;
use crate::route53::answer::{Dest, Item};
use crate::route53::endpoints::{self, Attempt, Caller, HostState, Outcome, Patience};
use crate::route53::zone::{Endpoint, HostIdx, LbIdx};
use crate::spec::zone::LbKind;

/// How long a client waits for the response once connected, ms. Assumption: 60 s,
/// a common HTTP client read timeout (and the ALB's default idle timeout).
pub const RESPONSE_PATIENCE_MS: u64 = 60_000;

/// A client's round trip to an address whose place is unknown (an address outside
/// every modelled region), ms. Assumed: a typical round trip across a continent;
/// every address of the shipped presets has a place, so it only shapes hand-written
/// scenarios (`docs/model.md`, "Endpoints and connections").
pub const FALLBACK_RTT_MS: u64 = 50;

/// How a request ended. The serde names are part of the documented
/// `simulate --json` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestResult {
    /// Served.
    Ok,
    /// The name does not exist.
    NxDomain,
    /// NOERROR with no address ("no answer").
    NoAnswer,
    /// A connection-level or HTTP failure.
    Failed(Outcome),
}

impl RequestResult {
    /// Label for logs and CSV columns.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestResult::Ok => "ok",
            RequestResult::NxDomain => "NXDOMAIN",
            RequestResult::NoAnswer => "no answer",
            RequestResult::Failed(o) => o.as_str(),
        }
    }

    /// A served request, or the failure the endpoint gave.
    fn of(outcome: Outcome) -> RequestResult {
        if outcome == Outcome::Ok { RequestResult::Ok } else { RequestResult::Failed(outcome) }
    }
}

/// One request, start to end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestOutcome {
    /// How it ended.
    pub result: RequestResult,
    /// How long it took, ms.
    pub elapsed_ms: u64,
    /// The region that served it (or that the last failed attempt reached).
    pub region: Option<RegionId>,
    /// The DNS answer it used, as the probe log shows it (probes only).
    pub answer: Option<Arc<str>>,
    /// Whether the answer came from the client's own cache.
    pub client_cache_hit: bool,
    /// Whether it reused a kept-alive connection.
    pub reused_connection: bool,
}

/// Did the attempt end the request (the server answered, even with an HTTP error,
/// or the client gave up on a slow response)? Otherwise the client tries another
/// connection.
fn ends_request(o: Outcome) -> bool {
    matches!(o, Outcome::Ok | Outcome::Http502 | Outcome::Http503 | Outcome::Http504 | Outcome::SlowResponse)
}

/// Does the connection stay open after this outcome? After a response, yes — an
/// ALB's own 502 / 503 / 504 included (it answers them with `Connection:
/// keep-alive`), and clients reuse a kept-alive connection whatever the status
/// (Chrome's `HttpStreamParser::CanReuseConnection` does not look at it). A client
/// that gave up waiting for a response closes the connection, since HTTP/1.1 has no
/// other way to abandon a request.
fn keeps_connection(o: Outcome) -> bool {
    matches!(o, Outcome::Ok | Outcome::Http502 | Outcome::Http503 | Outcome::Http504)
}

/// The endpoint an answered address leads to (`None` for an address no modelled
/// endpoint owns).
fn endpoint_of(dest: &Dest) -> Option<Endpoint> {
    match dest {
        Dest::LbNode { lb, .. } => Some(Endpoint::Lb(*lb)),
        Dest::Host(h) => Some(Endpoint::Host(*h)),
        Dest::Unknown => None,
    }
}

/// What trying a kept-alive connection came to.
enum Reuse {
    /// The request was served (or answered with an error) on it.
    Done(RequestOutcome),
    /// No usable connection; this much time went into finding out, ms.
    Spent(u64),
}

impl Sim {
    /// Client `c`'s request at `t`: performed, recorded, and the next one scheduled.
    pub(super) fn request(&mut self, c: ClientIdx, t: SimTime) {
        let outcome = self.perform(c, t);
        self.rec.request(c, self.clients[c].probe, t, &outcome, &self.regions);
        let client = &mut self.clients[c];
        let next = client.next_request(t, outcome.elapsed_ms);
        if let Some(conn) = &mut client.conn {
            conn.last_used = conn.last_used.max(next.busy_until);
        }
        if next.at <= self.duration {
            self.queue.schedule(next.at, Event::Request(c));
        }
    }

    /// One request: a kept-alive connection, else look up and connect in order.
    fn perform(&mut self, c: ClientIdx, t: SimTime) -> RequestOutcome {
        let mut elapsed = match self.reuse_connection(c, t) {
            Reuse::Done(outcome) => return outcome,
            Reuse::Spent(ms) => ms,
        };
        let at = t + SimDuration(elapsed);
        let (lookup, client_cache_hit) = match self.clients[c].cached_failure(at) {
            Some(result) => (Err(result), true),
            None => self.client_lookup(c, at),
        };
        if let (Err(result), false) = (&lookup, client_cache_hit) {
            self.clients[c].remember_failure(at, *result);
        }
        let resolved = match lookup {
            Ok(r) => r,
            Err(result) => {
                return RequestOutcome {
                    result,
                    elapsed_ms: elapsed,
                    region: None,
                    answer: self.clients[c].probe.map(|_| Arc::from(result.as_str())),
                    client_cache_hit,
                    reused_connection: false,
                };
            }
        };
        let rules = self.clients[c].rules;
        let mut last = (RequestResult::Failed(Outcome::Refused), None);
        for item in resolved.addrs().iter() {
            let Item::Addr { dest, .. } = item else { continue };
            let opened = t + SimDuration(elapsed);
            let a = self.connect(c, dest);
            elapsed += a.elapsed_ms;
            let region = a.target.map(|h| self.regions.of_host(h)).or_else(|| self.regions.of_dest(dest));
            if ends_request(a.outcome) {
                if keeps_connection(a.outcome)
                    && let Some(endpoint) = endpoint_of(dest)
                {
                    let server = endpoints::server_keepalive(&self.zone, endpoint);
                    let span = (opened, t + SimDuration(elapsed));
                    self.clients[c].conn =
                        Conn::open(dest, a.target, span, rules.keepalive_idle_ms, server, &self.world);
                }
                return RequestOutcome {
                    result: RequestResult::of(a.outcome),
                    elapsed_ms: elapsed,
                    region,
                    answer: resolved.summary,
                    client_cache_hit,
                    reused_connection: false,
                };
            }
            last = (RequestResult::Failed(a.outcome), region);
            if !rules.next_address {
                break;
            }
        }
        RequestOutcome {
            result: last.0,
            elapsed_ms: elapsed,
            region: last.1,
            answer: resolved.summary,
            client_cache_hit,
            reused_connection: false,
        }
    }

    /// Tries client `c`'s kept-alive connection: one closed by now (idle past a limit,
    /// its web server stopped) is dropped at no cost; a broken one (reset, silent)
    /// costs the time it took to find out; otherwise the request is answered on it,
    /// and it stays unless the server closed it with this response.
    fn reuse_connection(&mut self, c: ClientIdx, t: SimTime) -> Reuse {
        let Some(mut conn) = self.clients[c].conn.take() else { return Reuse::Spent(0) };
        if !conn.open_at(t, &self.world) {
            return Reuse::Spent(0);
        }
        let a = self.use_connection(c, &conn);
        if !ends_request(a.outcome) {
            return Reuse::Spent(a.elapsed_ms);
        }
        let region = a.target.map(|h| self.regions.of_host(h)).or_else(|| self.regions.of_dest(&conn.dest));
        let shown = self.rec.tracing();
        let client = &mut self.clients[c];
        if keeps_connection(a.outcome) && conn.answered(t, t + SimDuration(a.elapsed_ms)) {
            client.conn = Some(conn);
        }
        let answer = client.probe.filter(|_| shown).map(|_| match &client.cache {
            Some(e) => e.answer.summary.clone().unwrap_or_default(),
            None => Arc::from("(kept-alive connection)"),
        });
        Reuse::Done(RequestOutcome {
            result: RequestResult::of(a.outcome),
            elapsed_ms: a.elapsed_ms,
            region,
            answer,
            client_cache_hit: true,
            reused_connection: true,
        })
    }

    /// Client `c`'s round trip to `region` (tabled when the run was built).
    fn client_rtt_ms(&self, c: ClientIdx, region: Option<RegionId>) -> u64 {
        region.map_or(FALLBACK_RTT_MS, |r| self.client_rtts[c][r.index()])
    }

    /// Client `c`'s round trip to a region at `at`, from its subnet's place (or its
    /// resolver's), by Route 53's latency model ([`FALLBACK_RTT_MS`] for a region
    /// with no place).
    pub(super) fn client_rtt_to(&self, c: ClientIdx, at: Option<LatLon>) -> u64 {
        let place = self.client_place(c);
        match at {
            Some(at) => {
                let m = self.latency.model();
                (m.base_ms + m.ms_per_km * place.at.distance_km(at)) as u64
            }
            None => FALLBACK_RTT_MS,
        }
    }

    /// Where client `c` is: its subnet's place, else its resolver's.
    pub(super) fn client_place(&self, c: ClientIdx) -> &Place {
        let client = &self.clients[c];
        client.ecs.as_ref().map(|e| &e.place).unwrap_or(&self.resolvers[client.resolver].addr.place)
    }

    /// A new connection (and request) from client `c` to `dest`.
    fn connect(&mut self, c: ClientIdx, dest: &Dest) -> Attempt {
        let rtt = self.client_rtt_ms(c, self.regions.of_dest(dest));
        let patience =
            Patience { connect_ms: self.clients[c].rules.connect_timeout_ms, response_ms: Some(RESPONSE_PATIENCE_MS) };
        let health = &self.health;
        let lb_view = |h: HostIdx| health.lb_considers_healthy(h);
        let caller = Caller { patience, rtt_ms: rtt, lb_view: &lb_view };
        match dest {
            Dest::LbNode { lb, az } => {
                let a = endpoints::attempt_lb(&self.zone, &self.world, *lb, Some(az), caller, &mut self.clients[c].rng);
                self.nlb_observes(*lb, &a);
                a
            }
            Dest::Host(h) => endpoints::attempt_host(&self.world, *h, patience, rtt),
            Dest::Unknown => Attempt { outcome: Outcome::Timeout, elapsed_ms: patience.connect_ms, target: None },
        }
    }

    /// A request on client `c`'s kept-alive connection `conn` (no new handshake).
    fn use_connection(&mut self, c: ClientIdx, conn: &Conn) -> Attempt {
        let rtt = self.client_rtt_ms(c, self.regions.of_dest(&conn.dest));
        let timeout = self.clients[c].rules.connect_timeout_ms;
        let failed = |outcome, elapsed_ms, target| Attempt { outcome, elapsed_ms, target };
        match &conn.dest {
            Dest::LbNode { lb, az } => {
                if self.world.lb_down[*lb] {
                    return failed(Outcome::Timeout, timeout, None);
                }
                match self.zone.load_balancers[*lb].spec.kind {
                    LbKind::Alb => {
                        // The ALB picks a target per request.
                        let patience = Patience { connect_ms: timeout, response_ms: Some(RESPONSE_PATIENCE_MS) };
                        let health = &self.health;
                        let lb_view = |h: HostIdx| health.lb_considers_healthy(h);
                        let caller = Caller { patience, rtt_ms: rtt, lb_view: &lb_view };
                        let a = endpoints::attempt_lb(
                            &self.zone,
                            &self.world,
                            *lb,
                            Some(az),
                            caller,
                            &mut self.clients[c].rng,
                        );
                        Attempt { elapsed_ms: a.elapsed_ms.saturating_sub(rtt), ..a }
                    }
                    LbKind::Nlb => {
                        // The flow is pinned to its target; the NLB resets it once it
                        // considers the target unhealthy.
                        let Some(h) = conn.target else { return failed(Outcome::Reset, rtt, None) };
                        if !self.health.lb_considers_healthy(h) {
                            return failed(Outcome::Reset, rtt, Some(h));
                        }
                        let a = flow(self.world.hosts[h], rtt, timeout, h);
                        self.nlb_observes(*lb, &a);
                        a
                    }
                }
            }
            Dest::Host(h) => flow(self.world.hosts[*h], rtt, timeout, *h),
            Dest::Unknown => failed(Outcome::Timeout, timeout, None),
        }
    }
}

impl Sim {
    /// An NLB watches the connections it forwards (its passive check): a refused,
    /// reset or silent one stops new flows to that target, a served one restores it.
    fn nlb_observes(&mut self, lb: LbIdx, a: &Attempt) {
        if self.zone.load_balancers[lb].spec.kind == LbKind::Nlb
            && let Some(h) = a.target
        {
            let now = self.now();
            self.health.observe_flow(h, a.outcome == Outcome::Ok, now);
        }
    }
}

/// A request on an established flow to host `h` in `state`.
fn flow(state: HostState, rtt: u64, timeout: u64, h: HostIdx) -> Attempt {
    let (outcome, elapsed_ms) = match state {
        HostState::Up => (Outcome::Ok, rtt),
        HostState::Slow(extra) => (Outcome::Ok, rtt + extra),
        HostState::Stopped => (Outcome::Reset, rtt),
        HostState::BlackHole => (Outcome::Timeout, timeout),
    };
    Attempt { outcome, elapsed_ms, target: Some(h) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::presets;
    use crate::route53::endpoints::{HostState, keepalive};

    /// Client `c`'s kept-alive connection, if it goes to an ALB: (opened, last used).
    fn alb_conn(sim: &Sim, c: ClientIdx) -> Option<(SimTime, SimTime)> {
        let conn = sim.clients[c].conn.as_ref()?;
        match conn.dest {
            Dest::LbNode { lb, .. } if sim.zone.load_balancers[lb].spec.kind == LbKind::Alb => {
                Some((conn.opened, conn.last_used))
            }
            _ => None,
        }
    }

    /// The ALB presets' population (browsing sessions behind ALBs, in 2019): every
    /// request that comes after a connection sat idle for the ALB's 60 s goes out on
    /// a new connection (so it looks the name up again), which happens to many
    /// clients; and every client still failing at the end of the run is either still
    /// on a kept-alive connection to a load balancer whose web servers are all
    /// stopped (busy enough never to idle 60 s: Chrome reuses a connection whatever
    /// the status) or asks a resolver that keeps answers far beyond their TTL.
    #[test]
    fn with_alb_presets_an_idle_connection_ends_and_only_busy_connections_keep_failing() {
        for name in ["latency-weighted-alb", "latency-failover-alb", "geo-failover-alb"] {
            let mut sim = Sim::new(&presets::preset(name).unwrap()).unwrap();
            let n = sim.clients.len();
            let mut before: Vec<_> = (0..n).map(|c| alb_conn(&sim, c)).collect();
            let mut idle_reconnects = 0;
            while sim.step() {
                let t = sim.now();
                for (c, seen) in before.iter_mut().enumerate() {
                    let after = alb_conn(&sim, c);
                    if after == *seen {
                        continue;
                    }
                    // Client `c` made a request at `t`.
                    if let Some((_, last_used)) = *seen
                        && t.as_ms().saturating_sub(last_used.as_ms()) >= keepalive::ALB_IDLE_TIMEOUT_MS
                    {
                        assert!(after.is_none_or(|(opened, _)| opened >= t), "{name}: client {c} at {t:?}");
                        idle_reconnects += 1;
                    }
                    *seen = after;
                }
            }
            assert!(idle_reconnects > n, "{name}: {idle_reconnects} reconnections after 60 s idle");
            for c in 0..n {
                let Some(since) = sim.rec.clients[c].err_since else { continue };
                let on_dead_alb = sim.clients[c].conn.as_ref().is_some_and(|conn| match conn.dest {
                    Dest::LbNode { lb, .. } => sim.zone.load_balancers[lb]
                        .target_groups
                        .iter()
                        .flatten()
                        .all(|&h| sim.world.hosts[h] == HostState::Stopped),
                    _ => false,
                });
                let extender = sim.resolvers[sim.clients[c].resolver].extend_ttl_s.is_some();
                assert!(on_dead_alb || extender, "{name}: client {c} failing since {since:?}");
            }
        }
    }
}
