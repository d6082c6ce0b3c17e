//! The health-checking engine, driven by simulated time: Route 53 endpoint checkers,
//! the 18 % rule, calculated / inverted / disabled / manual checks, the push of
//! status to the DNS servers, and each load balancer's own target checks.
//!
//! Mechanisms (`docs/model.md`, health checks and load balancers):
//! - every checker probes on its own phase (uniform over one interval at the start,
//!   never synchronised); a probe takes the time its outcome implies (refused ≈ one
//!   RTT, black hole 4 s for HTTP(S) / 10 s for TCP, slow response 2 s); the next
//!   request goes out `interval` after the previous response or timeout;
//! - a checker flips after `failure_threshold` consecutive results against its
//!   current opinion, in either direction;
//! - the check is healthy while **more than 18 %** of its checkers say healthy;
//! - a change reaches the DNS servers after a push delay drawn uniformly from
//!   [`HealthParams::push_delay_ms`] (1–10 s by default, assumed: `docs/model.md`,
//!   "Route 53: health checks…", delivery delay), never out of order;
//! - a calculated check applies its rule to its children's statuses as the DNS
//!   servers see them; a disabled check is healthy; an inverted one reports the
//!   opposite; a manual check is set by calls (it stands for CloudWatch-alarm and
//!   routing-control checks);
//! - each load balancer checks each target on its own settings (interval, timeout,
//!   healthy / unhealthy thresholds); one consensus opinion per target stands for
//!   the LB's nodes. A check starts every `interval` whatever the previous one took
//!   ("the time that it takes for the target to respond does not affect the interval
//!   for the next health check request", ALB user guide). An NLB also watches live
//!   traffic (passive checks): a connection it forwards that the target refuses or
//!   drops stops the NLB sending new flows there until a forwarded connection
//!   succeeds or the active check calls the target healthy — on its own forwarding
//!   only: nothing documents that Route 53 sees passive results, so Evaluate Target
//!   Health follows the active checks alone. Target health reaches Route 53 (for
//!   Evaluate Target Health and the LB's DNS answer) after the same push delay.
//!
//! The engine is sans-IO: its events go on the caller's queue and come back through
//! [`HealthEngine::handle`]; the caller tells it when the world changed; it never
//! reads a clock. Runs start in the
//! steady state of the world at time zero.
//!
//! What each scheduled event does is in `health/events.rs`; what the DNS servers
//! see, location by location, in `health/view.rs`.

use serde::Serialize;

use crate::spec::params::HealthParams;

use crate::base::geo;
use crate::base::queue::EventQueue;
use crate::base::rng::{SimRng, stream_id};
use crate::base::time::{SimDuration, SimTime};
use crate::route53::answer::HealthView;
use crate::route53::endpoints::{self, Outcome, Patience, World};
use crate::route53::zone::{CheckIdx, Endpoint, HostIdx, Zone};
use crate::spec::zone::{CalculatedRule, HealthCheckKind};

mod events;
mod view;

pub use view::DnsView;

/// Something that happened in health checking, for the trace and the narration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HealthEvent {
    /// When.
    pub at: SimTime,
    /// What.
    pub kind: HealthEventKind,
}

/// The kinds of health event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum HealthEventKind {
    /// One checker changed its opinion.
    CheckerFlip {
        /// Check index.
        check: CheckIdx,
        /// Checker region.
        region: String,
        /// Its new opinion.
        healthy: bool,
        /// The last probe's outcome.
        outcome: Outcome,
    },
    /// The check's aggregate status changed at Route 53 (before the push).
    Status {
        /// Check index.
        check: CheckIdx,
        /// New status (before inversion).
        healthy: bool,
        /// Checkers saying healthy.
        healthy_checkers: u32,
        /// All checkers.
        checkers: u32,
    },
    /// The DNS servers at one more location now see the new status.
    DnsStatus {
        /// Check index.
        check: CheckIdx,
        /// Status as seen (before inversion).
        healthy: bool,
        /// The DNS location that now sees it (an index into the engine's locations).
        location: usize,
        /// Locations that now see this status, of…
        seeing: u32,
        /// …every location.
        of: u32,
    },
    /// A load balancer changed its opinion of a target.
    TargetHealth {
        /// The target.
        host: HostIdx,
        /// New opinion.
        healthy: bool,
        /// Detected passively from traffic (NLB) rather than by the active check.
        passive: bool,
    },
    /// Route 53's DNS servers at one more location now see the target's new health.
    DnsTargetHealth {
        /// The target.
        host: HostIdx,
        /// Health as seen.
        healthy: bool,
        /// The DNS location that now sees it (an index into the engine's locations).
        location: usize,
        /// Locations that now see this health, of…
        seeing: u32,
        /// …every location.
        of: u32,
    },
}

/// An internal health-checking event, scheduled on the caller's queue.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HealthEv(Ev);

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    ProbeStart {
        check: CheckIdx,
        checker: usize,
    },
    ProbeEnd {
        check: CheckIdx,
        checker: usize,
        outcome: Outcome,
    },
    /// A checker's opinion reaches a DNS location.
    Deliver {
        check: CheckIdx,
        checker: usize,
        loc: usize,
        healthy: bool,
    },
    /// A manual check's status reaches a DNS location.
    DeliverManual {
        check: CheckIdx,
        loc: usize,
        healthy: bool,
    },
    TargetProbeStart {
        host: HostIdx,
    },
    TargetProbeEnd {
        host: HostIdx,
        ok: bool,
    },
    /// A load balancer's opinion of a target reaches a DNS location.
    DeliverTarget {
        host: HostIdx,
        loc: usize,
        healthy: bool,
    },
}

#[derive(Clone, Debug)]
struct Checker {
    region: String,
    healthy: bool,
    streak: u32,
    rtt_ms: u64,
    rng: SimRng,
}

#[derive(Clone, Debug)]
struct CheckState {
    checkers: Vec<Checker>,
    /// Aggregate status over every checker (what CloudWatch reports).
    status: bool,
    inverted: bool,
    disabled: bool,
}

#[derive(Clone, Debug)]
struct TargetState {
    /// The LB's own opinion (drives its forwarding).
    lb_healthy: bool,
    streak: u32,
    /// An NLB saw a forwarded connection to it fail and sends it no new flows
    /// (passive check; never reported to Route 53).
    passive_down: bool,
}

/// What one DNS location has heard, and the statuses it works out from it: each
/// location aggregates the checker opinions that have reached it (the 18 % rule
/// applied there), so locations flip at different moments.
#[derive(Clone, Debug)]
struct LocationView {
    /// Per check, per checker: the opinion that reached this location, and when the
    /// latest one was due (deliveries from one checker never overtake each other).
    heard: Vec<Vec<(bool, SimTime)>>,
    /// Per check: its status here (raw: before inversion and disabling).
    status: Vec<bool>,
    /// Per check: when the latest manual status is due here.
    manual_due: Vec<SimTime>,
    /// Per host: the target health that reached this location, and when the latest
    /// was due.
    target: Vec<(bool, SimTime)>,
}

/// The health-checking engine. It keeps no queue of its own: it schedules its
/// events on the simulation's one queue through the `sched` callback each method
/// takes ([`HealthRunner`] pairs it with a queue for stand-alone use). Cheap to
/// clone (a checkpoint for seeking).
#[derive(Clone, Debug)]
pub struct HealthEngine {
    params: HealthParams,
    checks: Vec<CheckState>,
    targets: Vec<Option<TargetState>>,
    /// Each DNS location's view.
    locations: Vec<LocationView>,
    rng: SimRng,
    events: Vec<HealthEvent>,
    /// Counts the changes to what the DNS servers see (a location's status of a
    /// check or view of a target, a check's inversion or disabling).
    dns_changes: u64,
}

impl HealthEngine {
    /// An engine in the steady state of `world` at time zero, with `locations` DNS
    /// locations (at least one); its first events go to `sched`.
    pub fn new(
        zone: &Zone,
        world: &World,
        params: HealthParams,
        seed: u64,
        locations: usize,
        sched: Sched<'_>,
    ) -> HealthEngine {
        let mut e = HealthEngine {
            params,
            checks: Vec::new(),
            targets: vec![None; zone.hosts.len()],
            locations: Vec::new(),
            rng: SimRng::derive(seed, stream_id("health/push")),
            events: Vec::new(),
            dns_changes: 0,
        };
        for (ci, c) in zone.health_checks.iter().enumerate() {
            let mut checkers = Vec::new();
            let mut healthy = true;
            if let HealthCheckKind::Endpoint { regions, interval_s, protocol, .. } = &c.spec.kind {
                let endpoint = c.target.expect("validated endpoint check has a target");
                for region in regions {
                    for k in 0..params.checkers_per_region {
                        let rng = SimRng::derive(seed, stream_id(&format!("health/{}/{region}/{k}", c.spec.id)));
                        let rtt_ms = region_rtt_ms(region, zone.endpoint_region(endpoint));
                        checkers.push(Checker { region: region.clone(), healthy: true, streak: 0, rtt_ms, rng });
                    }
                }
                // Steady state: every checker holds the opinion the world at t=0 gives it.
                for (k, ch) in checkers.iter_mut().enumerate() {
                    let mut probe_rng = ch.rng.clone();
                    let from = (ch.region.as_str(), ch.rtt_ms);
                    let ok = probe(zone, world, endpoint, *protocol, from, &|_| true, &mut probe_rng).outcome.is_ok();
                    ch.healthy = ok;
                    let phase = ch.rng.below(u64::from(*interval_s) * 1000);
                    sched(SimTime(phase), HealthEv(Ev::ProbeStart { check: ci, checker: k }));
                }
                healthy = aggregate(&checkers, params.healthy_above_pct).0;
            }
            if let HealthCheckKind::Manual { healthy: h } = c.spec.kind {
                healthy = h;
            }
            e.checks.push(CheckState {
                checkers,
                status: healthy,
                inverted: c.spec.inverted,
                disabled: c.spec.disabled,
            });
        }
        for (li, l) in zone.load_balancers.iter().enumerate() {
            for &h in &l.targets {
                let ok = target_probe(world, h, l.health.timeout_s).0;
                e.targets[h] = Some(TargetState { lb_healthy: ok, streak: 0, passive_down: false });
                let mut rng =
                    SimRng::derive(seed, stream_id(&format!("lbcheck/{}/{}", l.spec.id, zone.hosts[h].spec.id)));
                let phase = rng.below(u64::from(l.health.interval_s) * 1000);
                sched(SimTime(phase), HealthEv(Ev::TargetProbeStart { host: h }));
                let _ = li;
            }
        }
        // Every location starts having heard the steady state.
        let view = LocationView {
            heard: e.checks.iter().map(|c| c.checkers.iter().map(|ch| (ch.healthy, SimTime::ZERO)).collect()).collect(),
            status: e.checks.iter().map(|c| c.status).collect(),
            manual_due: vec![SimTime::ZERO; e.checks.len()],
            target: e.targets.iter().map(|t| (t.as_ref().is_none_or(|t| t.lb_healthy), SimTime::ZERO)).collect(),
        };
        e.locations = vec![view; locations.max(1)];
        e
    }

    /// The engine's parameters.
    pub fn params(&self) -> &HealthParams {
        &self.params
    }

    /// Handles one of its events, due now, against the current `world`.
    pub fn handle(&mut self, at: SimTime, ev: HealthEv, zone: &Zone, world: &World, sched: Sched<'_>) {
        self.handle_ev(at, ev.0, zone, world, sched);
    }

    /// An NLB forwarded a connection to `host` at `now` and saw it succeed or fail
    /// (its passive check). A failure stops new flows to the target; a success
    /// restores them. Route 53 is not told.
    pub fn observe_flow(&mut self, host: HostIdx, ok: bool, now: SimTime) {
        let Some(t) = self.targets[host].as_mut() else { return };
        if t.passive_down == ok {
            t.passive_down = !ok;
            if t.lb_healthy {
                self.emit(now, HealthEventKind::TargetHealth { host, healthy: ok, passive: true });
            }
        }
    }

    /// Sets a manual check's status at `now`; it reaches each DNS location after
    /// the delivery delay.
    pub fn set_manual(&mut self, check: CheckIdx, healthy: bool, now: SimTime, sched: Sched<'_>) {
        if self.checks[check].status != healthy {
            self.checks[check].status = healthy;
            for loc in 0..self.locations.len() {
                let at = self.delivery_at(now, self.locations[loc].manual_due[check]);
                self.locations[loc].manual_due[check] = at;
                sched(at, HealthEv(Ev::DeliverManual { check, loc, healthy }));
            }
        }
    }

    /// The number of DNS locations.
    pub fn location_count(&self) -> usize {
        self.locations.len()
    }

    /// Changes a check's inversion (e.g. to drain a region), effective at once.
    pub fn set_inverted(&mut self, check: CheckIdx, inverted: bool) {
        self.checks[check].inverted = inverted;
        self.dns_changes += 1;
    }

    /// Changes whether a check is disabled, effective at once.
    pub fn set_disabled(&mut self, check: CheckIdx, disabled: bool) {
        self.checks[check].disabled = disabled;
        self.dns_changes += 1;
    }

    /// How many times what the DNS servers see has changed so far: while it stays
    /// the same, every location's [`DnsView`] answers as before.
    pub fn dns_changes(&self) -> u64 {
        self.dns_changes
    }

    /// Takes the events recorded since the last call.
    pub fn drain_events(&mut self) -> Vec<HealthEvent> {
        std::mem::take(&mut self.events)
    }

    /// The load balancer's own current opinion of `host` (drives its forwarding).
    pub fn lb_considers_healthy(&self, host: HostIdx) -> bool {
        self.targets[host].as_ref().is_none_or(|t| t.lb_healthy && !t.passive_down)
    }

    /// Aggregate status at Route 53 (before the push and before inversion).
    pub fn status(&self, check: CheckIdx) -> bool {
        self.checks[check].status
    }

    /// Checkers of `check` currently saying healthy, and the total.
    pub fn checker_counts(&self, check: CheckIdx) -> (u32, u32) {
        let c = &self.checks[check].checkers;
        (c.iter().filter(|c| c.healthy).count() as u32, c.len() as u32)
    }

    /// When something sent at `now` reaches a location, not before what was sent
    /// there earlier (`after`): the delivery delay is drawn from
    /// [`HealthParams::push_delay_ms`].
    fn delivery_at(&mut self, now: SimTime, after: SimTime) -> SimTime {
        let (lo, hi) = self.params.push_delay_ms;
        let delay = self.rng.range_inclusive(lo, hi.max(lo));
        (now + SimDuration(delay)).max(after)
    }

    /// A checker's new opinion, sent to every location.
    fn send_opinion(&mut self, check: CheckIdx, checker: usize, healthy: bool, now: SimTime, sched: Sched<'_>) {
        for loc in 0..self.locations.len() {
            let at = self.delivery_at(now, self.locations[loc].heard[check][checker].1);
            self.locations[loc].heard[check][checker].1 = at;
            sched(at, HealthEv(Ev::Deliver { check, checker, loc, healthy }));
        }
    }

    /// A load balancer's new opinion of a target, sent to every location.
    fn send_target(&mut self, host: HostIdx, healthy: bool, now: SimTime, sched: Sched<'_>) {
        for loc in 0..self.locations.len() {
            let at = self.delivery_at(now, self.locations[loc].target[host].1);
            self.locations[loc].target[host].1 = at;
            sched(at, HealthEv(Ev::DeliverTarget { host, loc, healthy }));
        }
    }

    /// Location `loc` now holds `healthy` for `check`: how many locations agree.
    fn seeing(&self, check: CheckIdx, healthy: bool) -> (u32, u32) {
        let n = self.locations.iter().filter(|l| l.status[check] == healthy).count();
        (n as u32, self.locations.len() as u32)
    }

    fn emit(&mut self, at: SimTime, kind: HealthEventKind) {
        self.events.push(HealthEvent { at, kind });
    }
}

/// Where the engine schedules its events: `(time, event)`.
pub type Sched<'a> = &'a mut dyn FnMut(SimTime, HealthEv);

/// A health engine with its own queue, for using health checking on its own (tests,
/// the query tester); the simulation instead schedules its events on its one queue.
#[derive(Clone, Debug)]
pub struct HealthRunner {
    /// The checks, their state and each DNS location's view.
    pub engine: HealthEngine,
    queue: EventQueue<HealthEv>,
}

impl HealthRunner {
    /// A runner in the steady state of `world` at time zero, with one DNS location.
    pub fn new(zone: &Zone, world: &World, params: HealthParams, seed: u64) -> HealthRunner {
        let mut queue = EventQueue::default();
        let engine = HealthEngine::new(zone, world, params, seed, 1, &mut |t, e| queue.schedule(t, e));
        HealthRunner { engine, queue }
    }

    /// Processes every event up to and including `t`.
    pub fn advance_to(&mut self, t: SimTime, zone: &Zone, world: &World) {
        while let Some((at, ev)) = self.queue.pop_until(t) {
            let q = &mut self.queue;
            self.engine.handle(at, ev, zone, world, &mut |t, e| q.schedule(t, e));
        }
        self.queue.advance(t);
    }

    /// See [`HealthEngine::set_manual`].
    pub fn set_manual(&mut self, check: CheckIdx, healthy: bool, now: SimTime) {
        let q = &mut self.queue;
        self.engine.set_manual(check, healthy, now, &mut |t, e| q.schedule(t, e));
    }
}

/// Healthy while more than `pct` % of checkers say healthy; returns the status and
/// the number saying healthy.
fn aggregate(checkers: &[Checker], pct: u32) -> (bool, u32) {
    let ok = checkers.iter().filter(|c| c.healthy).count() as u32;
    (u64::from(ok) * 100 > u64::from(pct) * checkers.len() as u64, ok)
}

/// One probe by a checker in `region`, `rtt_ms` from the endpoint (a cut-off region
/// times out), drawing from the checker's `rng`.
fn probe(
    zone: &Zone,
    world: &World,
    endpoint: Endpoint,
    protocol: crate::spec::zone::CheckProtocol,
    (region, rtt_ms): (&str, u64),
    lb_view: &dyn Fn(HostIdx) -> bool,
    rng: &mut SimRng,
) -> endpoints::Attempt {
    let patience = Patience::checker(protocol);
    if world.partitioned.contains(region) {
        return endpoints::Attempt { outcome: Outcome::Timeout, elapsed_ms: patience.connect_ms, target: None };
    }
    endpoints::attempt(zone, world, endpoint, endpoints::Caller { patience, rtt_ms, lb_view }, rng)
}

/// Round trip from a load balancer's node to one of its targets, ms: both sit in
/// the same region's network, so a refused check fails after this and a passing one
/// takes twice it. Assumed (AWS publishes no figure; within a region it is well under
/// the check's 5 s or 10 s timeout, so only its order of magnitude matters):
/// `docs/model.md`, "Load balancers".
pub const LB_TARGET_RTT_MS: u64 = 1;

/// Round trip between a checker region and an endpoint when either region has no
/// city in the model's table (so no distance), ms. Assumed: a typical
/// inter-continental round trip; every region of the shipped presets has a city, so
/// it only shapes hand-written scenarios: `docs/model.md`, "Route 53: health
/// checks…".
pub const UNPLACED_REGION_RTT_MS: u64 = 100;

/// A load balancer's check of one target: (passed, elapsed ms).
fn target_probe(world: &World, host: HostIdx, timeout_s: u32) -> (bool, u64) {
    let limit = u64::from(timeout_s) * 1000;
    let patience = Patience { connect_ms: limit, response_ms: Some(limit) };
    let a = endpoints::attempt_host(world, host, patience, LB_TARGET_RTT_MS);
    (a.outcome.is_ok(), a.elapsed_ms)
}

/// Network RTT between two AWS regions' cities, ms (distance model of
/// [`crate::spec::params::LatencyModel`] defaults; [`UNPLACED_REGION_RTT_MS`] when
/// either region has no city).
pub fn region_rtt_ms(a: &str, b: &str) -> u64 {
    let m = crate::spec::params::LatencyModel::default();
    match (geo::region_city(a), geo::region_city(b)) {
        (Some(x), Some(y)) => {
            let km = x.place().at.distance_km(y.place().at);
            (m.base_ms + m.ms_per_km * km) as u64
        }
        _ => UNPLACED_REGION_RTT_MS,
    }
}
