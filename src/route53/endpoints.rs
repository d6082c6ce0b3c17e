//! The modelled world behind the DNS names: the state of every host and load
//! balancer, and what a connection to one yields — for a Route 53 checker, a load
//! balancer's own target check, or a client.
//!
//! Endpoint behaviour (`docs/model.md`, health checks and load balancers):
//! - a stopped web server on a live machine refuses (TCP RST, at once);
//! - a black-holed endpoint never answers (connect timeout: 4 s for an HTTP(S)
//!   checker, 10 s for TCP);
//! - a slow endpoint answers after its extra delay (a checker gives up after 2 s);
//! - an **ALB** always accepts the connection and answers HTTP itself: 502 when the
//!   target refuses, 504 when it never answers, 503 with no registered targets; it
//!   forwards only to targets it considers healthy, or to all when none is (fail
//!   open);
//! - an **NLB** passes the connection through: the client sees the target's RST or
//!   its silence; each NLB node forwards within its own availability zone
//!   (cross-zone load balancing is off by default for NLBs, on for ALBs);
//! - the far end of a client's kept-alive connection ends it ([`server_keepalive`]):
//!   an ALB after 60 s idle (and, in the current era, with the first response after
//!   its 3600 s client keep-alive duration); through an NLB or directly, the web
//!   server itself after 5 s idle or 100 requests (Apache's defaults), and at once
//!   when it is stopped ([`World::set_host`]).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::base::rng::SimRng;
use crate::route53::zone::{Endpoint, HostIdx, LbIdx, Zone};
use crate::spec::zone::{AwsEra, CheckProtocol, LbKind};

/// How a host's web server behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostState {
    /// Serving normally.
    Up,
    /// Web server stopped, machine up: connections are refused (RST).
    Stopped,
    /// Packets vanish: connections time out.
    BlackHole,
    /// Answers after an extra delay, in ms.
    Slow(u64),
}

/// Timeouts of the actors that connect to endpoints.
pub mod timeouts {
    /// Route 53 HTTP/HTTPS checker: TCP connect within 4 s (model: health checks).
    pub const CHECKER_HTTP_CONNECT_MS: u64 = 4_000;
    /// Route 53 TCP checker: connect within 10 s (model: health checks).
    pub const CHECKER_TCP_CONNECT_MS: u64 = 10_000;
    /// Route 53 HTTP checker: first response within 2 s of connecting (model: health checks).
    pub const CHECKER_RESPONSE_MS: u64 = 2_000;
    /// ALB: a target that does not accept a connection within 10 s gives 504 (model: load balancers).
    pub const ALB_TARGET_CONNECT_MS: u64 = 10_000;
}

/// How long the far end of a client's connection keeps it open (docs/model.md,
/// "Endpoints and connections").
pub mod keepalive {
    /// An ALB closes a client connection idle this long, ms: its default idle
    /// timeout, 60 s (ALB user guide, "Connection idle timeout").
    pub const ALB_IDLE_TIMEOUT_MS: u64 = 60_000;
    /// An ALB's HTTP client keep-alive duration, ms: 3600 s by default, counted from
    /// the connection's opening whatever the traffic; the first request after it is
    /// answered with `Connection: close` (ALB user guide, load balancer attributes;
    /// the setting exists since March 2024, so only in the current era).
    pub const ALB_CLIENT_KEEPALIVE_MS: u64 = 3_600_000;
    /// An NLB closes a TCP flow idle this long, ms: fixed at 350 s (NLB user guide,
    /// "Connection idle timeout").
    pub const NLB_IDLE_TIMEOUT_MS: u64 = 350_000;
    /// The web server (Apache httpd 2.4) closes a kept-alive connection idle this
    /// long, ms: `KeepAliveTimeout` 5 s by default (Apache manual, core;
    /// `DEFAULT_KEEPALIVE_TIMEOUT` in `include/httpd.h`).
    pub const WEB_SERVER_KEEPALIVE_TIMEOUT_MS: u64 = 5_000;
    /// The web server closes a connection after this many requests:
    /// `MaxKeepAliveRequests` 100 by default (Apache manual, core;
    /// `DEFAULT_KEEPALIVE` in `include/httpd.h`).
    pub const WEB_SERVER_MAX_KEEPALIVE_REQUESTS: u32 = 100;
}

/// What the far end of a client's kept-alive connection does to end it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerKeepAlive {
    /// It closes the connection once idle this long, ms.
    pub idle_ms: u64,
    /// It closes the connection with its response to the first request this long
    /// after the connection opened, ms (an ALB's client keep-alive duration).
    pub max_age_ms: Option<u64>,
    /// It closes the connection with its response to this many-th request.
    pub max_requests: Option<u32>,
    /// The connection ends at the web server's own socket (directly, or through an
    /// NLB, which passes connections through), so stopping the web server closes it.
    /// Behind an ALB the client's connection ends at the ALB.
    pub to_web_server: bool,
}

/// What ends a client's kept-alive connection to `endpoint` on the server side: an
/// ALB's idle timeout (and, in the current era, its client keep-alive duration); an
/// NLB's idle timeout and, since it passes the connection through, the web server's
/// own limits; a host's web server's limits.
pub fn server_keepalive(zone: &Zone, endpoint: Endpoint) -> ServerKeepAlive {
    let web_server = ServerKeepAlive {
        idle_ms: keepalive::WEB_SERVER_KEEPALIVE_TIMEOUT_MS,
        max_age_ms: None,
        max_requests: Some(keepalive::WEB_SERVER_MAX_KEEPALIVE_REQUESTS),
        to_web_server: true,
    };
    match endpoint {
        Endpoint::Lb(l) => match zone.load_balancers[l].spec.kind {
            LbKind::Alb => ServerKeepAlive {
                idle_ms: keepalive::ALB_IDLE_TIMEOUT_MS,
                max_age_ms: match zone.aws_era {
                    AwsEra::Y2019 => None,
                    AwsEra::Current => Some(keepalive::ALB_CLIENT_KEEPALIVE_MS),
                },
                max_requests: None,
                to_web_server: false,
            },
            LbKind::Nlb => {
                ServerKeepAlive { idle_ms: keepalive::NLB_IDLE_TIMEOUT_MS.min(web_server.idle_ms), ..web_server }
            }
        },
        Endpoint::Host(_) => web_server,
    }
}

/// The state of every endpoint, changed by faults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct World {
    /// Per host (indexed like [`Zone::hosts`]); change it with [`World::set_host`].
    pub hosts: Vec<HostState>,
    /// Per host: how many times its web server has been stopped. Stopping it closes
    /// every connection it held (the process's sockets close with it), so a
    /// connection opened before a stop is gone even if the server is back.
    pub server_stops: Vec<u32>,
    /// Load balancers that are down (their nodes black-hole traffic).
    pub lb_down: Vec<bool>,
    /// Health-checker regions cut off from every endpoint.
    pub partitioned: BTreeSet<String>,
}

impl World {
    /// Everything up.
    pub fn healthy(zone: &Zone) -> World {
        World {
            hosts: vec![HostState::Up; zone.hosts.len()],
            server_stops: vec![0; zone.hosts.len()],
            lb_down: vec![false; zone.load_balancers.len()],
            partitioned: BTreeSet::new(),
        }
    }

    /// Host `h`'s web server gets `state`; stopping a running one closes its
    /// connections.
    pub fn set_host(&mut self, h: HostIdx, state: HostState) {
        if state == HostState::Stopped && self.hosts[h] != HostState::Stopped {
            self.server_stops[h] += 1;
        }
        self.hosts[h] = state;
    }

    /// Every host up, every load balancer up, every checker region connected (the
    /// count of each web server's stops is history and stays).
    pub fn restore_all(&mut self) {
        self.hosts.fill(HostState::Up);
        self.lb_down.fill(false);
        self.partitioned.clear();
    }
}

/// What one attempt at an endpoint ends with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A good response.
    Ok,
    /// TCP RST on connect.
    Refused,
    /// Reset on an established connection (NLB resets flows to failed targets).
    Reset,
    /// No answer before the caller's timeout.
    Timeout,
    /// ALB: the target refused or reset.
    Http502,
    /// ALB: no registered target.
    Http503,
    /// ALB: the target did not answer in time.
    Http504,
    /// A checker's response deadline passed (slow endpoint).
    SlowResponse,
}

impl Outcome {
    /// A success?
    pub fn is_ok(self) -> bool {
        self == Outcome::Ok
    }

    /// A short label.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "connection refused",
            Outcome::Reset => "connection reset",
            Outcome::Timeout => "timeout",
            Outcome::Http502 => "HTTP 502",
            Outcome::Http503 => "HTTP 503",
            Outcome::Http504 => "HTTP 504",
            Outcome::SlowResponse => "response too slow",
        }
    }
}

/// One attempt and how long it took, in ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// What the attempt ended in (a response, a refusal, a timeout).
    pub outcome: Outcome,
    /// Time from the first SYN to the outcome, ms.
    pub elapsed_ms: u64,
    /// The target that served it, if one was reached.
    pub target: Option<HostIdx>,
}

/// The caller's patience.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    /// Connect timeout, ms.
    pub connect_ms: u64,
    /// Response timeout after connecting, ms (`None`: a TCP-only check).
    pub response_ms: Option<u64>,
}

impl Patience {
    /// A Route 53 checker's patience for `protocol` (model: health checks).
    pub fn checker(protocol: CheckProtocol) -> Patience {
        match protocol {
            CheckProtocol::Http | CheckProtocol::Https => Patience {
                connect_ms: timeouts::CHECKER_HTTP_CONNECT_MS,
                response_ms: Some(timeouts::CHECKER_RESPONSE_MS),
            },
            CheckProtocol::Tcp => Patience { connect_ms: timeouts::CHECKER_TCP_CONNECT_MS, response_ms: None },
        }
    }
}

/// Who is connecting: their patience, their RTT to the endpoint, and the load
/// balancer's current opinion of each target (drives its forwarding).
#[derive(Clone, Copy)]
pub struct Caller<'a> {
    /// Timeouts.
    pub patience: Patience,
    /// Round trip to the endpoint, ms.
    pub rtt_ms: u64,
    /// The LB's opinion of a target.
    pub lb_view: &'a dyn Fn(HostIdx) -> bool,
}

/// One HTTP (or bare TCP) attempt at a host directly, `rtt_ms` away.
pub fn attempt_host(world: &World, host: HostIdx, patience: Patience, rtt_ms: u64) -> Attempt {
    let at = |outcome, elapsed_ms| Attempt { outcome, elapsed_ms, target: Some(host) };
    match world.hosts[host] {
        HostState::Up => at(Outcome::Ok, if patience.response_ms.is_some() { 2 * rtt_ms } else { rtt_ms }),
        HostState::Stopped => at(Outcome::Refused, rtt_ms),
        HostState::BlackHole => at(Outcome::Timeout, patience.connect_ms),
        HostState::Slow(extra) => match patience.response_ms {
            Some(limit) if extra > limit => at(Outcome::SlowResponse, rtt_ms + limit),
            Some(_) => at(Outcome::Ok, 2 * rtt_ms + extra),
            None => at(Outcome::Ok, rtt_ms),
        },
    }
}

/// The targets load balancer `lb` forwards to from its node in `az` (any node when
/// `az` is `None`): those it considers healthy, or all when none is (fail open).
pub fn lb_candidates(zone: &Zone, lb: LbIdx, az: Option<&str>, lb_view: &dyn Fn(HostIdx) -> bool) -> Vec<HostIdx> {
    let registered = lb_registered(zone, lb, az);
    let healthy: Vec<HostIdx> = registered.iter().copied().filter(|&h| lb_view(h)).collect();
    if healthy.is_empty() { registered.to_vec() } else { healthy }
}

/// The targets registered behind `lb`'s node in `az` (every node's for an ALB,
/// which balances across zones), in target-group order.
fn lb_registered<'a>(zone: &'a Zone, lb: LbIdx, az: Option<&str>) -> &'a [HostIdx] {
    let l = &zone.load_balancers[lb];
    match az {
        Some(az) if l.spec.kind != LbKind::Alb => {
            l.azs.iter().position(|a| **a == *az).map_or(&[], |i| &l.az_targets[i][..])
        }
        _ => &l.targets,
    }
}

/// One of [`lb_candidates`] drawn uniformly (one draw from `rng`), without building
/// the list; `None` (and no draw) when there is none.
fn draw_candidate(
    zone: &Zone,
    lb: LbIdx,
    az: Option<&str>,
    lb_view: &dyn Fn(HostIdx) -> bool,
    rng: &mut SimRng,
) -> Option<HostIdx> {
    let registered = lb_registered(zone, lb, az);
    let healthy = registered.iter().filter(|&&h| lb_view(h)).count();
    let (n, only_healthy) = if healthy > 0 { (healthy, true) } else { (registered.len(), false) };
    if n == 0 {
        return None;
    }
    let k = rng.below(n as u64) as usize;
    registered.iter().copied().filter(|&h| !only_healthy || lb_view(h)).nth(k)
}

/// One attempt through load balancer `lb` (entering at its node in `az`, if given),
/// on behalf of `caller`.
pub fn attempt_lb(
    zone: &Zone,
    world: &World,
    lb: LbIdx,
    az: Option<&str>,
    caller: Caller<'_>,
    rng: &mut SimRng,
) -> Attempt {
    let Caller { patience, rtt_ms, lb_view } = caller;
    if world.lb_down[lb] {
        return Attempt { outcome: Outcome::Timeout, elapsed_ms: patience.connect_ms, target: None };
    }
    let kind = zone.load_balancers[lb].spec.kind;
    let Some(target) = draw_candidate(zone, lb, az, lb_view, rng) else {
        // ALB answers 503 itself; an NLB node with nothing behind it refuses.
        let outcome = if kind == LbKind::Alb { Outcome::Http503 } else { Outcome::Refused };
        return Attempt { outcome, elapsed_ms: 2 * rtt_ms, target: None };
    };
    // Targets sit next to their LB: a fixed 1 ms hop.
    let inner =
        attempt_host(world, target, Patience { connect_ms: timeouts::ALB_TARGET_CONNECT_MS, response_ms: None }, 1);
    let state = world.hosts[target];
    match kind {
        LbKind::Alb => {
            // The ALB accepts the connection itself; a TCP-only caller is satisfied.
            let Some(limit) = patience.response_ms else {
                return Attempt { outcome: Outcome::Ok, elapsed_ms: rtt_ms, target: Some(target) };
            };
            let (outcome, backend_ms) = match state {
                HostState::Up => (Outcome::Ok, 1),
                HostState::Stopped => (Outcome::Http502, inner.elapsed_ms),
                HostState::BlackHole => (Outcome::Http504, timeouts::ALB_TARGET_CONNECT_MS),
                HostState::Slow(extra) => (Outcome::Ok, extra),
            };
            if backend_ms > limit {
                Attempt { outcome: Outcome::SlowResponse, elapsed_ms: rtt_ms + limit, target: Some(target) }
            } else {
                Attempt { outcome, elapsed_ms: 2 * rtt_ms + backend_ms, target: Some(target) }
            }
        }
        LbKind::Nlb => {
            let mut a = attempt_host(world, target, patience, rtt_ms);
            a.target = Some(target);
            a
        }
    }
}

/// One attempt at `endpoint` on behalf of `caller`.
pub fn attempt(zone: &Zone, world: &World, endpoint: Endpoint, caller: Caller<'_>, rng: &mut SimRng) -> Attempt {
    match endpoint {
        Endpoint::Host(h) => attempt_host(world, h, caller.patience, caller.rtt_ms),
        Endpoint::Lb(l) => attempt_lb(zone, world, l, None, caller, rng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drawing without building the list takes the same target with the same draw
    /// as picking from [`lb_candidates`], for every node, whatever the LB thinks of
    /// its targets (all healthy, none, every other one).
    #[test]
    fn a_drawn_candidate_is_the_listed_one() {
        for preset in ["latency-weighted-nlb", "latency-weighted-alb"] {
            let s = crate::design::presets::preset(preset).unwrap();
            let zone = Zone::new(&s.zone).unwrap();
            for (lb, l) in zone.load_balancers.iter().enumerate() {
                let azs = std::iter::once(None).chain(l.azs.iter().map(|az| Some(&**az)));
                for az in azs {
                    for mask in 0..3usize {
                        let view = |h: HostIdx| match mask {
                            0 => true,
                            1 => false,
                            _ => h.is_multiple_of(2),
                        };
                        for seed in 0..8 {
                            let (mut a, mut b) = (SimRng::new(seed), SimRng::new(seed));
                            let list = lb_candidates(&zone, lb, az, &view);
                            let listed = (!list.is_empty()).then(|| list[a.below(list.len() as u64) as usize]);
                            assert_eq!(draw_candidate(&zone, lb, az, &view, &mut b), listed, "{preset} lb {lb} {az:?}");
                            assert_eq!(a.next_u64(), b.next_u64(), "the same draws");
                        }
                    }
                }
            }
        }
    }
}
