//! The failover-timeline simulation: a deterministic discrete-event run of health
//! checking, Route 53 answers, resolvers and their caches, clients with their own
//! caches and connections, probes and a fault script.
//!
//! - **One queue**, ordered by (time, sequence), a closed [`Event`] enum; health
//!   checking schedules its events on the same queue.
//! - **Sans-IO**: the caller drives it ([`Sim::run_until`], [`Sim::step`]); it never
//!   reads a clock. [`Sim`] is `Clone`, so a checkpoint for seeking is a clone.
//! - **Cohorts**: a client group of N clients is simulated as `cohort_bins`
//!   representative clients at staggered phases, each standing for N / bins real
//!   clients (weights in every count). `tests/it/sim.rs` checks this against a
//!   per-client run of the same scenario.
//! - A request: reuse a kept-alive connection if there is one (and it still works);
//!   otherwise look the name up (client cache, then the resolver's cache, then
//!   Route 53), connect to the answered addresses in order (the next one after a
//!   refused or timed-out connect, for clients that do), and record the outcome and
//!   the region that served it.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::base::fingerprint::{FNV_OFFSET, fnv1a};
use crate::base::geo::{self, Place};
use crate::base::queue::EventQueue;
use crate::base::rng::{SimRng, stream_id};
use crate::base::time::{SimDuration, SimTime};
use crate::failover::client::{ClientRules, DnsCache};
use crate::failover::resolver::{Cache, CacheKey, CacheRules};
use crate::failover::tables::{NameId, NameTable, RegionId, RegionTable};
use crate::route53::answer::{self, Answer, ClientAddr, CnameTo, Dest, Item, NoDataReason, Query};
use crate::route53::endpoints::{self, Caller, HostState, Outcome, Patience, World};
use crate::route53::health::{HealthEngine, HealthEv, HealthEventKind};
use crate::route53::latency::LatencyTable;
use crate::route53::zone::{HostIdx, Policy, Zone};
use crate::spec::kinds::{ClientKind, ResolverKind};
use crate::spec::problems::Problems;
use crate::spec::scenario::{FaultAction, FaultSpec, Scenario};
use crate::spec::zone::{LbKind, RecordType};

/// Events of the simulation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    /// A health-checking event.
    Health(HealthEv),
    /// A representative client (or probe) makes a request.
    Request(u32),
    /// A scripted or injected fault.
    Fault(u32),
    /// A control-plane change reaches the DNS servers.
    Config(u32),
}

/// How a request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Result_ {
    /// Served.
    Ok,
    /// The name does not exist.
    NxDomain,
    /// NOERROR with no address ("no answer").
    NoAnswer,
    /// A connection-level or HTTP failure.
    Failed(Outcome),
}

impl Result_ {
    /// Label for logs and CSV columns.
    pub fn as_str(self) -> &'static str {
        match self {
            Result_::Ok => "ok",
            Result_::NxDomain => "NXDOMAIN",
            Result_::NoAnswer => "no answer",
            Result_::Failed(o) => o.as_str(),
        }
    }
}

/// One probe request, as the field experiment's terminal would show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProbeObs {
    /// Start of the request.
    pub at: SimTime,
    /// The DNS answer the client used (addresses, or the empty-answer kind).
    pub answer: String,
    /// Whether the answer came from the client's own cache.
    pub client_cache_hit: bool,
    /// Region that served the request.
    pub region: Option<String>,
    /// Outcome.
    pub result: Result_,
    /// Time taken, ms.
    pub elapsed_ms: u64,
    /// Reused a kept-alive connection.
    pub reused_connection: bool,
}

/// One line of the event trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceEvent {
    /// When.
    pub at: SimTime,
    /// Kind, e.g. `fault`, `checker`, `status`, `dns-status`, `target`, `resolver`, `probe`.
    pub kind: &'static str,
    /// What it is about.
    pub subject: String,
    /// What happened.
    pub detail: String,
}

#[derive(Clone, Debug)]
struct ResolverRt {
    id: String,
    addr: ClientAddr,
    rules: CacheRules,
    ecs: bool,
    extend_ttl_s: Option<u32>,
    caches: Vec<Cache>,
    rng: SimRng,
    /// Region of the last authoritative answer per key, to trace changes.
    last_region: BTreeMap<CacheKey, Option<RegionId>>,
}

#[derive(Clone, Debug)]
struct Conn {
    dest: Dest,
    /// The target an NLB flow is pinned to, or the host.
    target: Option<HostIdx>,
    last_used: SimTime,
    idle_limit_ms: u64,
}

#[derive(Clone, Debug)]
struct ClientCacheEntry {
    addrs: Arc<Vec<Item>>,
    summary: Arc<str>,
    expires: SimTime,
    grace_until: SimTime,
}

#[derive(Clone, Debug)]
struct VClient {
    resolver: usize,
    weight: f64,
    rules: ClientRules,
    ecs: Option<ClientAddr>,
    interval_ms: u64,
    /// For probes: pause after the end of a request rather than a fixed rate.
    after_end: bool,
    probe: Option<usize>,
    cache: Option<ClientCacheEntry>,
    conn: Option<Conn>,
    rng: SimRng,
    err_since: Option<SimTime>,
}

/// Per-second series, weighted by the clients each representative stands for.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Series {
    /// Requests served, per second.
    pub ok: Vec<f64>,
    /// Failed requests per second, by kind.
    pub failed: BTreeMap<String, Vec<f64>>,
    /// Requests served per second, by region.
    pub served_by_region: BTreeMap<String, Vec<f64>>,
    /// Status of each health check as the DNS servers see it (1 healthy, 0 not), per second.
    pub check_status: BTreeMap<String, Vec<u8>>,
    /// Health of each load-balancer target as Route 53 sees it through Evaluate
    /// Target Health (1 healthy, 0 not), per second, keyed `lb/host`.
    pub target_status: BTreeMap<String, Vec<u8>>,
    /// Resolver cache lookups per second that hit.
    pub cache_hits: Vec<f64>,
    /// Resolver cache lookups per second.
    pub cache_lookups: Vec<f64>,
    /// Queries reaching the authoritative servers per second (not weighted).
    pub authoritative_queries: Vec<u32>,
}

/// The phases of one probe's switch time, ms (see the module doc of `sim`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Phases {
    /// Fault → the health system (Route 53 checkers or the LB) calls it unhealthy.
    pub detection_ms: Option<u64>,
    /// → the DNS servers see it.
    pub push_ms: Option<u64>,
    /// → the probe's resolver fetches an answer pointing elsewhere (its TTL ran out).
    pub resolver_ttl_ms: Option<u64>,
    /// → the probe's own DNS cache picks it up.
    pub client_cache_ms: Option<u64>,
    /// → the first success from another region (connection reuse, retries).
    pub connection_ms: Option<u64>,
}

/// Summary metrics of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// First breaking fault, ms.
    pub fault_at_ms: Option<u64>,
    /// Fault → the DNS servers first answer a probe differently (without probes: first
    /// see anything unhealthy), ms.
    pub detection_ms: Option<u64>,
    /// Per probe: fault → first success served from another region, ms.
    pub switch_ms: BTreeMap<String, Option<u64>>,
    /// Per probe: the phase breakdown of its switch time.
    pub phases: BTreeMap<String, Phases>,
    /// Client error windows (first error → next success), weighted percentiles, ms.
    pub error_window_p50_ms: Option<u64>,
    /// 95th percentile.
    pub error_window_p95_ms: Option<u64>,
    /// Maximum.
    pub error_window_max_ms: Option<u64>,
    /// Clients that saw at least one error (weighted).
    pub clients_with_errors: f64,
    /// Requests in all (weighted).
    pub requests: f64,
    /// Failed requests by kind (weighted).
    pub errors_by_kind: BTreeMap<String, f64>,
}

/// Everything a run produced.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Scenario title.
    pub title: String,
    /// Seed.
    pub seed: u64,
    /// Simulated duration, s.
    pub duration_s: u64,
    /// Summary metrics.
    pub summary: Summary,
    /// Per-second series.
    pub series: Series,
    /// Per-probe observations.
    pub probes: BTreeMap<String, Vec<ProbeObs>>,
    /// Events processed.
    pub events: u64,
    /// Hash of the event trace (FNV-1a 64 over its canonical lines).
    pub trace_hash: String,
}

/// The simulation.
#[derive(Clone, Debug)]
pub struct Sim {
    title: String,
    seed: u64,
    duration: SimTime,
    service: String,
    zone: Zone,
    world: World,
    health: HealthEngine,
    latency: LatencyTable,
    queue: EventQueue<Event>,
    resolvers: Vec<ResolverRt>,
    clients: Vec<VClient>,
    probe_ids: Vec<String>,
    faults: Vec<FaultSpec>,
    pending_config: Vec<FaultAction>,
    config_delay_ms: u64,
    r53_rng: SimRng,
    /// Names resolvers query (the service first, then each LB's DNS name).
    names: NameTable,
    /// Regions, with where every host and load balancer is.
    regions: RegionTable,
    served: Vec<Vec<f64>>,
    failed: BTreeMap<Result_, Vec<f64>>,
    trace: Vec<TraceEvent>,
    series: Series,
    probe_obs: Vec<Vec<ProbeObs>>,
    windows: Vec<(u64, f64)>,
    clients_err: Vec<bool>,
    requests: f64,
    errors_by_kind: BTreeMap<Result_, f64>,
    events: u64,
    first_fault: Option<(SimTime, Option<RegionId>)>,
    first_detect: Option<SimTime>,
    first_dns: Option<SimTime>,
    /// Per probe: (region before the fault, resolver-new-answer time, client-new-answer time, switch time).
    probe_track: Vec<ProbeTrack>,
    /// Status of every check at the DNS servers, at each change.
    status_points: Vec<(SimTime, Vec<bool>)>,
    /// (when, host, healthy) each time Route 53's view of a load-balancer target changed.
    target_points: Vec<(SimTime, usize, bool)>,
    /// Latest verdict time per check (`c<idx>`) or LB target (`h<idx>`), for phases.
    last_verdict: BTreeMap<String, SimTime>,
}

#[derive(Clone, Debug, Default)]
struct ProbeTrack {
    region_before: Option<RegionId>,
    /// When the DNS servers started answering this probe's resolver differently,
    /// and when the verdict behind that change was reached.
    dns_new: Option<SimTime>,
    detect_new: Option<SimTime>,
    resolver_new: Option<SimTime>,
    client_new: Option<SimTime>,
    switched: Option<SimTime>,
}

impl Sim {
    /// Builds the simulation of `scenario`, validating its zone (problems under
    /// `zone.`) and its references; every problem is named by its path.
    pub fn new(scenario: &Scenario) -> Result<Sim, Problems> {
        let zone = Zone::new(&scenario.zone).map_err(|p| p.prefixed("zone."))?;
        let mut problems = Problems::none();
        if zone.group(&scenario.service, RecordType::A).is_none()
            && zone.group(&scenario.service, RecordType::CNAME).is_none()
        {
            problems.push("service", format!("no A or CNAME record named '{}' in the zone", scenario.service));
        }
        let seed = scenario.seed;
        let world = World::healthy(&zone);
        let mut queue = EventQueue::default();
        let health = HealthEngine::new(&zone, &world, scenario.params.health, seed, &mut |t, e| {
            queue.schedule(t, Event::Health(e))
        });
        let names = NameTable::new(&scenario.service, &zone);

        // Resolvers: named, then the generated population.
        let mut resolvers = Vec::new();
        let mut resolver_ids = BTreeMap::new();
        for (i, r) in scenario.resolvers.iter().enumerate() {
            let Some(city) = geo::city(&r.city) else {
                problems.push(format!("resolvers[{i}].city"), format!("unknown city '{}'", r.city));
                continue;
            };
            let addr = match &r.addr {
                Some(a) => match a.parse::<std::net::Ipv4Addr>() {
                    Ok(ip) => u32::from(ip),
                    Err(_) => {
                        problems.push(format!("resolvers[{i}].addr"), format!("'{a}' is not an IPv4 address"));
                        0
                    }
                },
                None => derived_addr(&r.id),
            };
            if resolver_ids.insert(r.id.clone(), resolvers.len()).is_some() {
                problems.push(format!("resolvers[{i}].id"), format!("'{}' is used twice", r.id));
            }
            resolvers.push(resolver_rt(&r.id, city.place(), addr, r.kind, r.ecs, r.extend_ttl_s, seed));
        }
        let mut clients = Vec::new();
        let bins = scenario.params.cohort_bins.max(1);
        let add_group = |clients: &mut Vec<(VClient, u64)>,
                         resolver: usize,
                         place: Option<Place>,
                         count: u64,
                         kind: ClientKind,
                         rate: f64,
                         tag: &str| {
            if count == 0 || rate <= 0.0 {
                return;
            }
            let k = u64::from(bins).min(count);
            let interval_ms = (60_000.0 / rate) as u64;
            for b in 0..k {
                let mut rng = SimRng::derive(seed, stream_id(&format!("client/{tag}/{b}")));
                let phase = rng.below(interval_ms.max(1));
                let ecs = place.clone().map(|p| ClientAddr {
                    addr: derived_addr(&format!("{tag}/subnet")) & 0xffff_ff00,
                    prefix_len: 24,
                    place: p,
                });
                clients.push((
                    VClient {
                        resolver,
                        weight: count as f64 / k as f64,
                        rules: kind.rules(),
                        ecs,
                        interval_ms: interval_ms.max(1),
                        after_end: false,
                        probe: None,
                        cache: None,
                        conn: None,
                        rng,
                        err_since: None,
                    },
                    phase,
                ));
            }
        };
        let mut staged: Vec<(VClient, u64)> = Vec::new();
        for (i, g) in scenario.clients.iter().enumerate() {
            let Some(&r) = resolver_ids.get(&g.resolver) else {
                problems.push(format!("clients[{i}].resolver"), format!("no resolver '{}'", g.resolver));
                continue;
            };
            let place = match &g.city {
                Some(c) => match geo::city(c) {
                    Some(city) => Some(city.place()),
                    None => {
                        problems.push(format!("clients[{i}].city"), format!("unknown city '{c}'"));
                        None
                    }
                },
                None => Some(resolvers[r].addr.place.clone()),
            };
            add_group(&mut staged, r, place, g.count, g.kind, g.requests_per_min, &format!("group{i}"));
        }
        if let Some(pop) = &scenario.population {
            let mut prng = SimRng::derive(seed, stream_id("population"));
            let cities: Vec<(&'static geo::City, u32)> = if pop.cities.is_empty() {
                geo::CITIES.iter().map(|c| (c, 1)).collect()
            } else {
                pop.cities
                    .iter()
                    .filter_map(|(id, w)| match geo::city(id) {
                        Some(c) => Some((c, *w)),
                        None => {
                            problems.push("population.cities", format!("unknown city '{id}'"));
                            None
                        }
                    })
                    .collect()
            };
            let n = pop.resolvers.max(1);
            let per = pop.clients / u64::from(n);
            let extra = pop.clients % u64::from(n);
            for i in 0..n {
                let city = *pick_weighted(&mut prng, &cities).unwrap_or(&&geo::CITIES[0]);
                let kind = *pick_weighted(&mut prng, &pop.kinds).unwrap_or(&ResolverKind::Bind);
                let extend = prng.chance(pop.extender_pct / 100.0).then_some(pop.extend_ttl_s);
                let id = format!("pop-{i}");
                let addr = derived_addr(&id);
                let r = resolvers.len();
                resolvers.push(resolver_rt(&id, city.place(), addr, kind, None, extend, seed));
                let count = per + u64::from(u64::from(i) < extra);
                let ckind = *pick_weighted(&mut prng, &pop.client_kinds).unwrap_or(&ClientKind::Browser);
                add_group(&mut staged, r, Some(city.place()), count, ckind, pop.requests_per_min, &id);
            }
        }
        clients.extend(staged.iter().map(|(c, _)| c.clone()));
        let mut first_request: Vec<u64> = staged.iter().map(|(_, p)| *p).collect();
        let mut probe_ids = Vec::new();
        for (i, p) in scenario.probes.iter().enumerate() {
            let Some(&r) = resolver_ids.get(&p.resolver) else {
                problems.push(format!("probes[{i}].resolver"), format!("no resolver '{}'", p.resolver));
                continue;
            };
            let Some(city) = geo::city(&p.city) else {
                problems.push(format!("probes[{i}].city"), format!("unknown city '{}'", p.city));
                continue;
            };
            if p.interval_ms == 0 {
                problems.push(format!("probes[{i}].interval_ms"), "must be at least 1 ms");
            }
            clients.push(VClient {
                resolver: r,
                weight: 1.0,
                rules: p.kind.rules(),
                ecs: Some(ClientAddr {
                    addr: derived_addr(&format!("probe/{}", p.id)) & 0xffff_ff00,
                    prefix_len: 24,
                    place: city.place(),
                }),
                interval_ms: p.interval_ms.max(1),
                after_end: true,
                probe: Some(probe_ids.len()),
                cache: None,
                conn: None,
                rng: SimRng::derive(seed, stream_id(&format!("probe/{}", p.id))),
                err_since: None,
            });
            first_request.push(0);
            probe_ids.push(p.id.clone());
        }
        for (i, f) in scenario.faults.iter().enumerate() {
            if let Err(e) = check_action(&zone, &f.action) {
                problems.push(format!("faults[{i}].action"), e);
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        for (i, at) in first_request.into_iter().enumerate() {
            queue.schedule(SimTime(at), Event::Request(i as u32));
        }
        let mut faults = scenario.faults.clone();
        faults.sort_by_key(|f| f.at_ms);
        for (i, f) in faults.iter().enumerate() {
            queue.schedule(SimTime(f.at_ms), Event::Fault(i as u32));
        }
        let duration = SimTime(scenario.duration_s * 1000);
        let secs = scenario.duration_s as usize + 1;
        let series = Series {
            ok: vec![0.0; secs],
            cache_hits: vec![0.0; secs],
            cache_lookups: vec![0.0; secs],
            authoritative_queries: vec![0; secs],
            ..Series::default()
        };
        let n_clients = clients.len();
        let n_probes = probe_ids.len();
        let regions = RegionTable::new(&zone);
        let mut sim = Sim {
            title: scenario.title.clone(),
            seed,
            duration,
            service: scenario.service.clone(),
            latency: LatencyTable::new(scenario.params.latency, seed),
            health,
            world,
            zone,
            queue,
            resolvers,
            clients,
            probe_ids,
            faults,
            pending_config: Vec::new(),
            config_delay_ms: scenario.params.config_delay_ms,
            r53_rng: SimRng::derive(seed, stream_id("route53")),
            names,
            served: vec![vec![0.0; secs]; regions.len()],
            regions,
            failed: BTreeMap::new(),
            trace: Vec::new(),
            series,
            probe_obs: vec![Vec::new(); n_probes],
            windows: Vec::new(),
            clients_err: vec![false; n_clients],
            requests: 0.0,
            errors_by_kind: BTreeMap::new(),
            events: 0,
            first_fault: None,
            first_detect: None,
            first_dns: None,
            probe_track: vec![ProbeTrack::default(); n_probes],
            last_verdict: BTreeMap::new(),
            status_points: Vec::new(),
            target_points: Vec::new(),
        };
        sim.snapshot_statuses(SimTime::ZERO);
        sim.warm_caches();
        Ok(sim)
    }

    /// Runs start with warm resolver caches: each resolver holds the service's answer
    /// with a remaining TTL uniform on (0, TTL], as a busy resolver would when the
    /// run's clock starts (reference §8.1, step 5).
    fn warm_caches(&mut self) {
        for r in 0..self.resolvers.len() {
            let q = Query {
                name: &self.service,
                rtype: RecordType::A,
                resolver: &self.resolvers[r].addr,
                ecs: None,
                now: SimTime::ZERO,
            };
            let view = self.health.view(&self.zone);
            let a = answer::answer(&self.zone, &q, &view, &self.latency, &mut self.r53_rng);
            let rr = &mut self.resolvers[r];
            let ttl_ms = u64::from(crate::failover::resolver::effective_ttl(&a, &rr.rules, rr.extend_ttl_s)) * 1000;
            if ttl_ms == 0 {
                continue;
            }
            let expires = SimTime(1 + rr.rng.below(ttl_ms));
            let key = CacheKey::new(NameTable::SERVICE, None);
            let a = Arc::new(a);
            for cache in &mut rr.caches {
                cache.put_warm(key, a.clone(), expires);
            }
            let region = self.answer_region(&a);
            self.resolvers[r].last_region.insert(key, region);
        }
    }

    fn answer_region(&self, a: &Answer) -> Option<RegionId> {
        match a {
            Answer::Records { items, .. } => items.iter().find_map(|i| match i {
                Item::Addr { dest, .. } => self.regions.of_dest(dest),
                _ => None,
            }),
            _ => None,
        }
    }

    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    /// End of the run.
    pub fn duration(&self) -> SimTime {
        self.duration
    }

    /// The validated zone.
    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// The world's current state.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The health engine (for the DNS servers' view: [`HealthEngine::view`]).
    pub fn health(&self) -> &HealthEngine {
        &self.health
    }

    /// The trace so far.
    pub fn trace(&self) -> &[TraceEvent] {
        &self.trace
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Processes the next event if it is due at or before the end; `false` when none is.
    pub fn step(&mut self) -> bool {
        let Some((t, ev)) = self.queue.pop_until(self.duration) else { return false };
        self.events += 1;
        self.handle(t, ev);
        true
    }

    /// Runs every event up to and including `t` (capped at the end of the run).
    pub fn run_until(&mut self, t: SimTime) {
        let t = t.min(self.duration);
        while let Some((at, ev)) = self.queue.pop_until(t) {
            self.events += 1;
            self.handle(at, ev);
        }
        self.queue.advance(t);
    }

    /// Runs at most `max_events` events up to `t`; returns whether `t` was reached.
    pub fn run_batch(&mut self, t: SimTime, max_events: u32) -> bool {
        let t = t.min(self.duration);
        for _ in 0..max_events {
            let Some((at, ev)) = self.queue.pop_until(t) else {
                self.queue.advance(t);
                return true;
            };
            self.events += 1;
            self.handle(at, ev);
        }
        self.queue.peek_time().is_none_or(|n| n > t)
    }

    /// Applies `action` now (a fault injected from the UI).
    pub fn inject(&mut self, action: FaultAction) -> Result<(), String> {
        check_action(&self.zone, &action)?;
        let at = self.now();
        self.faults.push(FaultSpec { at_ms: at.as_ms(), action });
        let i = self.faults.len() as u32 - 1;
        self.queue.schedule(at, Event::Fault(i));
        Ok(())
    }

    /// Resolvers' live cache entries for the service name: (resolver id, answer
    /// summary, remaining TTL ms).
    pub fn resolver_caches(&self) -> Vec<(String, String, u64)> {
        let now = self.now();
        let mut out = Vec::new();
        for r in &self.resolvers {
            for cache in &r.caches {
                for (key, e) in cache.live(now) {
                    if key.name == NameTable::SERVICE {
                        out.push((r.id.clone(), e.answer.summary(), e.expires.as_ms() - now.as_ms()));
                    }
                }
            }
        }
        out
    }

    fn handle(&mut self, t: SimTime, ev: Event) {
        match ev {
            Event::Health(h) => {
                let q = &mut self.queue;
                self.health.handle(t, h, &self.zone, &self.world, &mut |at, e| q.schedule(at, Event::Health(e)));
                self.absorb_health_events();
            }
            Event::Request(c) => self.request(c as usize, t),
            Event::Fault(i) => self.apply_fault(i as usize, t),
            Event::Config(i) => {
                let action = self.pending_config[i as usize].clone();
                self.apply_config(&action, t);
            }
        }
    }

    fn absorb_health_events(&mut self) {
        for ev in self.health.drain_events() {
            let (kind, subject, detail) = match &ev.kind {
                HealthEventKind::CheckerFlip { check, region, healthy, outcome } => (
                    "checker",
                    self.zone.health_checks[*check].spec.id.clone(),
                    format!(
                        "checker in {region} now sees {} ({})",
                        if *healthy { "healthy" } else { "unhealthy" },
                        outcome.as_str()
                    ),
                ),
                HealthEventKind::Status { check, healthy, healthy_checkers, checkers } => {
                    if !healthy && self.first_fault.is_some() && self.first_detect.is_none() {
                        self.first_detect = Some(ev.at);
                    }
                    self.last_verdict.insert(format!("c{check}"), ev.at);
                    let id = self.zone.health_checks[*check].spec.id.clone();
                    let detail = if *healthy {
                        format!(
                            "{healthy_checkers} of {checkers} checkers now see {id} healthy → Route 53 marks it healthy"
                        )
                    } else {
                        format!(
                            "{} of {checkers} checkers now see {id} failing → Route 53 marks it unhealthy",
                            checkers - healthy_checkers
                        )
                    };
                    ("status", id, detail)
                }
                HealthEventKind::DnsStatus { check, healthy } => {
                    if !healthy && self.first_fault.is_some() && self.first_dns.is_none() {
                        self.first_dns = Some(ev.at);
                    }
                    self.snapshot_statuses(ev.at);
                    let origin = self.last_verdict.get(&format!("c{check}")).copied();
                    self.note_dns_change(ev.at, origin);
                    let id = self.zone.health_checks[*check].spec.id.clone();
                    let detail = format!(
                        "Route 53's DNS servers now answer as if {id} is {}",
                        if *healthy { "healthy" } else { "unhealthy" }
                    );
                    ("dns-status", id, detail)
                }
                HealthEventKind::TargetHealth { host, healthy, passive } => {
                    if !healthy && self.first_fault.is_some() && self.first_detect.is_none() {
                        self.first_detect = Some(ev.at);
                    }
                    self.last_verdict.insert(format!("h{host}"), ev.at);
                    let lb = self.zone.hosts[*host].lb.map_or("", |l| self.zone.load_balancers[l].spec.id.as_str());
                    let id = self.zone.hosts[*host].spec.id.clone();
                    (
                        "target",
                        id.clone(),
                        format!(
                            "{lb} marks target {id} {}{}",
                            if *healthy { "healthy" } else { "unhealthy" },
                            if *passive { " (passive check on live traffic)" } else { "" }
                        ),
                    )
                }
                HealthEventKind::DnsTargetHealth { host, healthy } => {
                    if !healthy && self.first_fault.is_some() && self.first_dns.is_none() {
                        self.first_dns = Some(ev.at);
                    }
                    self.target_points.push((ev.at, *host, *healthy));
                    let origin = self.last_verdict.get(&format!("h{host}")).copied();
                    self.note_dns_change(ev.at, origin);
                    let id = self.zone.hosts[*host].spec.id.clone();
                    let detail =
                        format!("Route 53 now sees target {id} {}", if *healthy { "healthy" } else { "unhealthy" });
                    ("dns-target", id, detail)
                }
            };
            self.trace.push(TraceEvent { at: ev.at, kind, subject, detail });
        }
    }

    /// Records every check's status as the DNS servers see it (inversion, disabling
    /// and calculated checks applied), for the per-second status series.
    fn snapshot_statuses(&mut self, at: SimTime) {
        let view = self.health.view(&self.zone);
        let row: Vec<bool> =
            (0..self.zone.health_checks.len()).map(|c| answer::HealthView::check_healthy(&view, c)).collect();
        self.status_points.push((at, row));
    }

    /// After a change the DNS servers see: does any probe's resolver now get an
    /// answer pointing away from the region it used before the fault? (A side
    /// computation with its own RNG, so the run's draws are untouched.)
    fn note_dns_change(&mut self, at: SimTime, origin: Option<SimTime>) {
        if self.first_fault.is_none() {
            return;
        }
        for p in 0..self.probe_track.len() {
            if self.probe_track[p].dns_new.is_some() {
                continue;
            }
            let Some(c) = self.clients.iter().position(|c| c.probe == Some(p)) else { continue };
            let r = self.clients[c].resolver;
            let ecs = if self.resolvers[r].ecs { self.clients[c].ecs.clone() } else { None };
            let q = Query {
                name: &self.service,
                rtype: RecordType::A,
                resolver: &self.resolvers[r].addr,
                ecs: ecs.as_ref(),
                now: at,
            };
            let view = self.health.view(&self.zone);
            let mut rng = SimRng::derive(self.seed, stream_id("phases"));
            let a = answer::answer(&self.zone, &q, &view, &self.latency, &mut rng);
            let region = self.resolved_region(&a, &view);
            if region.is_some() && region != self.probe_track[p].region_before {
                self.probe_track[p].dns_new = Some(at);
                self.probe_track[p].detect_new = origin;
            }
        }
    }

    /// The region an answer leads to, following a CNAME to a load balancer.
    fn resolved_region(&self, a: &Answer, _view: &dyn answer::HealthView) -> Option<RegionId> {
        match a {
            Answer::Records { items, .. } => items.iter().find_map(|i| match i {
                Item::Addr { dest, .. } => self.regions.of_dest(dest),
                Item::Cname { to: CnameTo::Lb(l), .. } => Some(self.regions.of_lb(*l)),
                Item::Cname { target, to: CnameTo::Zone } => {
                    // One level of in-zone CNAME (the weighted sets of the CNAME design).
                    let g = self
                        .zone
                        .group(target, RecordType::CNAME)
                        .or_else(|| self.zone.group(target, RecordType::A))?;
                    self.zone.groups[g].members.iter().find_map(|&m| match &self.zone.records[m].target {
                        crate::route53::zone::Target::Values(vs) => vs.iter().find_map(|v| match v {
                            crate::route53::zone::Value::CnameLb(l) => Some(self.regions.of_lb(*l)),
                            _ => None,
                        }),
                        crate::route53::zone::Target::AliasLb(l) => Some(self.regions.of_lb(*l)),
                        _ => None,
                    })
                }
                _ => None,
            }),
            _ => None,
        }
    }

    fn apply_fault(&mut self, i: usize, t: SimTime) {
        let f = self.faults[i].clone();
        self.trace.push(TraceEvent { at: t, kind: "fault", subject: "script".into(), detail: f.action.describe() });
        if f.action.is_breaking() && self.first_fault.is_none() {
            let region = self.fault_region(&f.action);
            self.first_fault = Some((t, region));
            for (p, track) in self.probe_track.iter_mut().enumerate() {
                track.region_before = self.probe_obs[p]
                    .iter()
                    .rev()
                    .find(|o| o.result == Result_::Ok)
                    .and_then(|o| o.region.as_deref())
                    .and_then(|name| self.regions.find(name));
            }
        }
        let z = &self.zone;
        let hosts_where = |pred: &dyn Fn(HostIdx) -> bool| (0..z.hosts.len()).filter(|&h| pred(h)).collect::<Vec<_>>();
        let set = |world: &mut World, hs: Vec<HostIdx>, s: HostState| {
            for h in hs {
                world.hosts[h] = s;
            }
        };
        match &f.action {
            FaultAction::StopRegion { region } => {
                set(&mut self.world, hosts_where(&|h| z.hosts[h].region == *region), HostState::Stopped)
            }
            FaultAction::StopAz { az } => {
                set(&mut self.world, hosts_where(&|h| z.hosts[h].spec.az == *az), HostState::Stopped)
            }
            FaultAction::StopHost { host } => {
                set(&mut self.world, hosts_where(&|h| z.hosts[h].spec.id == *host), HostState::Stopped)
            }
            FaultAction::BlackHoleRegion { region } => {
                set(&mut self.world, hosts_where(&|h| z.hosts[h].region == *region), HostState::BlackHole)
            }
            FaultAction::BlackHoleHost { host } => {
                set(&mut self.world, hosts_where(&|h| z.hosts[h].spec.id == *host), HostState::BlackHole)
            }
            FaultAction::SlowHost { host, delay_ms } => {
                set(&mut self.world, hosts_where(&|h| z.hosts[h].spec.id == *host), HostState::Slow(*delay_ms))
            }
            FaultAction::StartRegion { region } => {
                set(&mut self.world, hosts_where(&|h| z.hosts[h].region == *region), HostState::Up)
            }
            FaultAction::StartAz { az } => {
                set(&mut self.world, hosts_where(&|h| z.hosts[h].spec.az == *az), HostState::Up)
            }
            FaultAction::StartHost { host } => {
                set(&mut self.world, hosts_where(&|h| z.hosts[h].spec.id == *host), HostState::Up)
            }
            FaultAction::LbDown { lb } => {
                if let Some(l) = z.lb_by_id(lb) {
                    self.world.lb_down[l] = true;
                }
            }
            FaultAction::LbUp { lb } => {
                if let Some(l) = z.lb_by_id(lb) {
                    self.world.lb_down[l] = false;
                }
            }
            FaultAction::PartitionCheckers { region } => {
                self.world.partitioned.insert(region.clone());
            }
            FaultAction::HealCheckers { region } => {
                self.world.partitioned.remove(region);
            }
            FaultAction::RestoreAll => self.world = World::healthy(z),
            FaultAction::SetManual { check, healthy } => {
                if let Some(c) = z.check_by_id(check) {
                    let q = &mut self.queue;
                    self.health.set_manual(c, *healthy, t, &mut |at, e| q.schedule(at, Event::Health(e)));
                }
            }
            FaultAction::SetWeight { .. } | FaultAction::SetInverted { .. } => {
                self.pending_config.push(f.action.clone());
                let idx = self.pending_config.len() as u32 - 1;
                self.queue.schedule(t + SimDuration(self.config_delay_ms), Event::Config(idx));
                return;
            }
        }
        let q = &mut self.queue;
        self.health.world_changed(t, &self.zone, &self.world, &mut |at, e| q.schedule(at, Event::Health(e)));
    }

    fn apply_config(&mut self, action: &FaultAction, t: SimTime) {
        match action {
            FaultAction::SetWeight { name, set_id, weight } => {
                for r in &mut self.zone.records {
                    if r.name == *name
                        && r.set_id.as_deref() == Some(set_id.as_str())
                        && let Policy::Weighted { weight: w } = &mut r.policy
                    {
                        *w = (*weight).min(255);
                    }
                }
            }
            FaultAction::SetInverted { check, inverted } => {
                if let Some(c) = self.zone.check_by_id(check) {
                    self.health.set_inverted(c, *inverted);
                }
            }
            _ => {}
        }
        self.trace.push(TraceEvent {
            at: t,
            kind: "config",
            subject: "route53".into(),
            detail: format!("{} is now live on the DNS servers", action.describe()),
        });
    }

    fn fault_region(&self, a: &FaultAction) -> Option<RegionId> {
        match a {
            FaultAction::StopRegion { region } | FaultAction::BlackHoleRegion { region } => self.regions.find(region),
            FaultAction::StopAz { az } => {
                self.zone.hosts.iter().position(|h| h.spec.az == *az).map(|h| self.regions.of_host(h))
            }
            FaultAction::StopHost { host }
            | FaultAction::BlackHoleHost { host }
            | FaultAction::SlowHost { host, .. } => self.zone.host_by_id(host).map(|h| self.regions.of_host(h)),
            FaultAction::LbDown { lb } => self.zone.lb_by_id(lb).map(|l| self.regions.of_lb(l)),
            _ => None,
        }
    }

    fn request(&mut self, c: usize, t: SimTime) {
        let (result, elapsed_ms, region, answer_text, cache_hit, reused) = self.perform(c, t);
        let secs = self.series.ok.len();
        let cl = &mut self.clients[c];
        let w = cl.weight;
        let sec = (t.as_ms() / 1000) as usize;
        self.requests += w;
        if result == Result_::Ok {
            if let Some(s) = self.series.ok.get_mut(sec) {
                *s += w;
            }
            if let Some(r) = region {
                self.served[r.index()][sec.min(secs - 1)] += w;
            }
            if let Some(since) = cl.err_since.take() {
                self.windows.push((t.as_ms() - since.as_ms(), w));
            }
        } else {
            self.failed.entry(result).or_insert_with(|| vec![0.0; secs])[sec.min(secs - 1)] += w;
            *self.errors_by_kind.entry(result).or_insert(0.0) += w;
            if cl.err_since.is_none() {
                cl.err_since = Some(t);
            }
            self.clients_err[c] = true;
        }
        if let Some(p) = cl.probe {
            let track = &mut self.probe_track[p];
            if let (Some((ft, _)), Result_::Ok, None) = (self.first_fault.as_ref(), result, track.switched)
                && t >= *ft
                && region.is_some()
                && region != track.region_before
            {
                track.switched = Some(t);
            }
            self.trace.push(TraceEvent {
                at: t,
                kind: "probe",
                subject: self.probe_ids[p].clone(),
                detail: format!(
                    "{} → {} via {} in {} ms{}",
                    answer_text,
                    region.map_or("-", |r| self.regions.name(r)),
                    result.as_str(),
                    elapsed_ms,
                    if reused { " (reused connection)" } else { "" }
                ),
            });
            let region = region.map(|r| self.regions.name(r).to_string());
            let answer = answer_text.to_string();
            self.probe_obs[p].push(ProbeObs {
                at: t,
                answer,
                client_cache_hit: cache_hit,
                region,
                result,
                elapsed_ms,
                reused_connection: reused,
            });
        }
        let cl = &self.clients[c];
        let next = if cl.after_end {
            t + SimDuration(elapsed_ms + cl.interval_ms)
        } else {
            t + SimDuration(cl.interval_ms.max(elapsed_ms))
        };
        if next <= self.duration {
            self.queue.schedule(next, Event::Request(c as u32));
        }
    }

    /// One request: (result, elapsed ms, serving region, answer text, client-cache hit, reused connection).
    fn perform(&mut self, c: usize, t: SimTime) -> (Result_, u64, Option<RegionId>, Arc<str>, bool, bool) {
        let mut elapsed = 0u64;
        // 1. A kept-alive connection.
        if let Some(conn) = self.clients[c].conn.clone() {
            if t.as_ms() - conn.last_used.as_ms() <= conn.idle_limit_ms {
                let (outcome, ms, target) = self.use_connection(c, &conn);
                elapsed += ms;
                match outcome {
                    Outcome::Ok | Outcome::Http502 | Outcome::Http503 | Outcome::Http504 | Outcome::SlowResponse => {
                        let cl = &mut self.clients[c];
                        if let Some(cn) = &mut cl.conn {
                            cn.last_used = t + SimDuration(ms);
                        }
                        let region =
                            target.map(|h| self.regions.of_host(h)).or_else(|| self.regions.of_dest(&conn.dest));
                        let res = if outcome == Outcome::Ok { Result_::Ok } else { Result_::Failed(outcome) };
                        let text = self.clients[c]
                            .cache
                            .as_ref()
                            .map_or_else(|| Arc::from("(kept-alive connection)"), |e| e.summary.clone());
                        return (res, elapsed, region, text, true, true);
                    }
                    _ => self.clients[c].conn = None,
                }
            } else {
                self.clients[c].conn = None;
            }
        }
        // 2. Look the name up.
        let at = t + SimDuration(elapsed);
        let (lookup, cache_hit) = self.client_lookup(c, at);
        let (addrs, summary) = match lookup {
            Ok(v) => v,
            Err(r) => return (r, elapsed, None, Arc::from(r.as_str()), cache_hit, false),
        };
        // 3. Connect to the addresses in order.
        let rules = self.clients[c].rules;
        let mut last = (Result_::Failed(Outcome::Refused), None);
        for item in addrs.iter() {
            let Item::Addr { dest, .. } = item else { continue };
            let (outcome, ms, target) = self.connect(c, dest);
            elapsed += ms;
            let region = target.map(|h| self.regions.of_host(h)).or_else(|| self.regions.of_dest(dest));
            match outcome {
                Outcome::Ok | Outcome::Http502 | Outcome::Http503 | Outcome::Http504 | Outcome::SlowResponse => {
                    if rules.keepalive_idle_ms > 0 {
                        let server_idle = match dest {
                            Dest::LbNode { lb, .. } => match self.zone.load_balancers[*lb].spec.kind {
                                LbKind::Alb => 60_000,
                                LbKind::Nlb => 350_000,
                            },
                            _ => rules.keepalive_idle_ms,
                        };
                        self.clients[c].conn = Some(Conn {
                            dest: dest.clone(),
                            target,
                            last_used: t + SimDuration(elapsed),
                            idle_limit_ms: rules.keepalive_idle_ms.min(server_idle),
                        });
                    }
                    let res = if outcome == Outcome::Ok { Result_::Ok } else { Result_::Failed(outcome) };
                    return (res, elapsed, region, summary, cache_hit, false);
                }
                other => {
                    last = (Result_::Failed(other), region);
                    if !rules.next_address {
                        break;
                    }
                }
            }
        }
        (last.0, elapsed, last.1, summary, cache_hit, false)
    }

    fn client_rtt_ms(&self, c: usize, region: Option<RegionId>) -> u64 {
        let place = self.clients[c]
            .ecs
            .as_ref()
            .map(|e| &e.place)
            .unwrap_or(&self.resolvers[self.clients[c].resolver].addr.place);
        match region.and_then(|r| self.regions.at(r)) {
            Some(at) => {
                let m = self.latency.model();
                (m.base_ms + m.ms_per_km * place.at.distance_km(at)) as u64
            }
            None => 50,
        }
    }

    fn connect(&mut self, c: usize, dest: &Dest) -> (Outcome, u64, Option<HostIdx>) {
        let region = self.regions.of_dest(dest);
        let rtt = self.client_rtt_ms(c, region);
        let patience = Patience { connect_ms: self.clients[c].rules.connect_timeout_ms, response_ms: Some(60_000) };
        let health = &self.health;
        let lb_view = |h: HostIdx| health.lb_considers_healthy(h);
        let caller = Caller { patience, rtt_ms: rtt, lb_view: &lb_view };
        let a = match dest {
            Dest::LbNode { lb, az } => {
                endpoints::attempt_lb(&self.zone, &self.world, *lb, Some(az), caller, &mut self.clients[c].rng)
            }
            Dest::Host(h) => endpoints::attempt_host(&self.world, *h, patience, rtt),
            Dest::Unknown => {
                endpoints::Attempt { outcome: Outcome::Timeout, elapsed_ms: patience.connect_ms, target: None }
            }
        };
        (a.outcome, a.elapsed_ms, a.target)
    }

    fn use_connection(&mut self, c: usize, conn: &Conn) -> (Outcome, u64, Option<HostIdx>) {
        let region = self.regions.of_dest(&conn.dest);
        let rtt = self.client_rtt_ms(c, region);
        let timeout = self.clients[c].rules.connect_timeout_ms;
        match &conn.dest {
            Dest::LbNode { lb, az } => {
                if self.world.lb_down[*lb] {
                    return (Outcome::Timeout, timeout, None);
                }
                match self.zone.load_balancers[*lb].spec.kind {
                    LbKind::Alb => {
                        // The ALB picks a target per request.
                        let patience = Patience { connect_ms: timeout, response_ms: Some(60_000) };
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
                        (a.outcome, a.elapsed_ms.saturating_sub(rtt), a.target)
                    }
                    LbKind::Nlb => {
                        // The flow is pinned to its target; the NLB resets it once it
                        // considers the target unhealthy.
                        let Some(h) = conn.target else { return (Outcome::Reset, rtt, None) };
                        if !self.health.lb_considers_healthy(h) {
                            return (Outcome::Reset, rtt, Some(h));
                        }
                        flow_outcome(self.world.hosts[h], rtt, timeout, h)
                    }
                }
            }
            Dest::Host(h) => flow_outcome(self.world.hosts[*h], rtt, timeout, *h),
            Dest::Unknown => (Outcome::Timeout, timeout, None),
        }
    }

    /// The client's lookup of the service name: Ok((addresses, summary)) or an empty
    /// answer; and whether its own cache answered.
    #[allow(clippy::type_complexity)]
    fn client_lookup(&mut self, c: usize, t: SimTime) -> (Result<(Arc<Vec<Item>>, Arc<str>), Result_>, bool) {
        let rules = self.clients[c].rules;
        if let Some(e) = &self.clients[c].cache {
            if e.expires > t {
                return (Ok((e.addrs.clone(), e.summary.clone())), true);
            }
            if e.grace_until > t {
                // Firefox: the stale answer serves this request while a refresh runs.
                let stale = (e.addrs.clone(), e.summary.clone());
                // The refresh only updates the cache; this request uses the stale answer.
                let _ = self.refresh_client_cache(c, t, rules);
                return (Ok(stale), true);
            }
        }
        match self.refresh_client_cache(c, t, rules) {
            Ok(v) => (Ok(v), false),
            Err(r) => (Err(r), false),
        }
    }

    #[allow(clippy::type_complexity)]
    fn refresh_client_cache(
        &mut self,
        c: usize,
        t: SimTime,
        rules: ClientRules,
    ) -> Result<(Arc<Vec<Item>>, Arc<str>), Result_> {
        let (resolved, ttl_s) = self.resolve(c, NameTable::SERVICE, t, 0);
        let addrs = match resolved {
            Ok(a) => a,
            Err(r) => {
                self.clients[c].cache = None;
                return Err(r);
            }
        };
        let summary: Arc<str> = Arc::from(
            addrs
                .iter()
                .filter_map(|i| match i {
                    Item::Addr { text, .. } => Some(text.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(", "),
        );
        let addrs = Arc::new(addrs);
        // Phase tracking: when did this probe's own cache first hold a new region?
        if let Some(p) = self.clients[c].probe
            && let Some((ft, _)) = &self.first_fault
            && t >= *ft
        {
            let region = addrs.iter().find_map(|i| match i {
                Item::Addr { dest, .. } => self.regions.of_dest(dest),
                _ => None,
            });
            let track = &mut self.probe_track[p];
            if track.client_new.is_none() && region.is_some() && region != track.region_before {
                track.client_new = Some(t);
            }
        }
        let life_s = match rules.cache {
            DnsCache::None => 0,
            DnsCache::Fixed(s) | DnsCache::FixedWithGrace(s, _) => s,
            DnsCache::Ttl { extra, cap } => {
                let ex = if extra > 0 { self.clients[c].rng.below(u64::from(extra) + 1) as u32 } else { 0 };
                ttl_s.saturating_add(ex).min(cap)
            }
        };
        let grace = match rules.cache {
            DnsCache::FixedWithGrace(_, g) => g,
            _ => 0,
        };
        self.clients[c].cache = (life_s > 0).then(|| ClientCacheEntry {
            addrs: addrs.clone(),
            summary: summary.clone(),
            expires: t + SimDuration::from_secs(u64::from(life_s)),
            grace_until: t + SimDuration::from_secs(u64::from(life_s + grace)),
        });
        Ok((addrs, summary))
    }

    /// The resolver's full resolution of `name` for client `c`, following CNAMEs:
    /// (addresses or an empty-answer result, the smallest TTL on the chain).
    fn resolve(&mut self, c: usize, name: NameId, t: SimTime, depth: u32) -> (Result<Vec<Item>, Result_>, u32) {
        if depth > 8 {
            return (Err(Result_::Failed(Outcome::Timeout)), 0);
        }
        let r = self.clients[c].resolver;
        let ecs_scope = if self.resolvers[r].ecs { self.clients[c].ecs.as_ref().map(|e| e.addr) } else { None };
        let key = CacheKey::new(name, ecs_scope);
        let sec = (t.as_ms() / 1000) as usize;
        let w = self.clients[c].weight;
        let shard = {
            let n = self.resolvers[r].caches.len() as u64;
            if n > 1 { self.resolvers[r].rng.below(n) as usize } else { 0 }
        };
        if let Some(s) = self.series.cache_lookups.get_mut(sec) {
            *s += w;
        }
        let cached = self.resolvers[r].caches[shard].get(&key, t).map(|e| e.answer.clone());
        let answer = match cached {
            Some(a) => {
                if let Some(s) = self.series.cache_hits.get_mut(sec) {
                    *s += w;
                }
                a
            }
            None => {
                let a = Arc::new(self.authoritative(c, name, t));
                if let Some(s) = self.series.authoritative_queries.get_mut(sec) {
                    *s += 1;
                }
                let rr = &mut self.resolvers[r];
                let rules = rr.rules;
                let ext = rr.extend_ttl_s;
                rr.caches[shard].put(key, a.clone(), t, &rules, ext);
                self.note_resolver_answer(c, r, key, &a, t);
                a
            }
        };
        match &*answer {
            Answer::NxDomain { ttl_s } => (Err(Result_::NxDomain), *ttl_s),
            Answer::NoData { ttl_s, .. } => (Err(Result_::NoAnswer), *ttl_s),
            Answer::Records { items, ttl_s, .. } => {
                let mut out = Vec::new();
                let mut ttl = *ttl_s;
                for item in items {
                    match item {
                        Item::Addr { .. } => out.push(item.clone()),
                        Item::Cname { target, to } => {
                            let id = match to {
                                CnameTo::Lb(l) => NameTable::lb(*l),
                                CnameTo::Zone => self.names.intern(target),
                                CnameTo::External => return (Err(Result_::Failed(Outcome::Timeout)), ttl),
                            };
                            let (res, t2) = self.resolve(c, id, t, depth + 1);
                            ttl = ttl.min(t2);
                            match res {
                                Ok(v) => out.extend(v),
                                Err(e) => return (Err(e), ttl),
                            }
                        }
                    }
                }
                (Ok(out), ttl)
            }
        }
    }

    fn authoritative(&mut self, c: usize, name: NameId, t: SimTime) -> Answer {
        if let Some(lb) = self.names.as_lb(name) {
            let view = self.health.view(&self.zone);
            let mut items = answer::lb_answer(&self.zone, lb, &view);
            self.r53_rng.shuffle(&mut items);
            return Answer::Records { items, ttl_s: answer::LB_TTL_S, path: vec![] };
        }
        let r = self.clients[c].resolver;
        let ecs = if self.resolvers[r].ecs { self.clients[c].ecs.clone() } else { None };
        let qname = self.names.name(name).to_string();
        let q =
            Query { name: &qname, rtype: RecordType::A, resolver: &self.resolvers[r].addr, ecs: ecs.as_ref(), now: t };
        let view = self.health.view(&self.zone);
        let mut a = answer::answer(&self.zone, &q, &view, &self.latency, &mut self.r53_rng);
        if let Answer::Records { items, .. } = &mut a
            && items.len() > 1
            && items.iter().all(|i| matches!(i, Item::Addr { dest: Dest::LbNode { .. }, .. }))
        {
            // An LB's node addresses come back in a different order per response.
            self.r53_rng.shuffle(items);
        }
        a
    }

    fn note_resolver_answer(&mut self, c: usize, r: usize, key: CacheKey, a: &Answer, t: SimTime) {
        let region = self.answer_region(a);
        let rr = &mut self.resolvers[r];
        let prev = rr.last_region.insert(key, region);
        if key.name == NameTable::SERVICE && prev.is_some() && prev.as_ref() != Some(&region) {
            let detail = match (region, a) {
                (Some(reg), _) => format!("now answers {} → {}", self.service, self.regions.name(reg)),
                (None, Answer::NoData { reason: NoDataReason::NoMatch, .. }) => {
                    format!("now gets no answer for {}", self.service)
                }
                (None, _) => format!("now gets an empty answer for {}", self.service),
            };
            self.trace.push(TraceEvent { at: t, kind: "resolver", subject: rr.id.clone(), detail });
        }
        if let Some(p) = self.clients[c].probe
            && let Some((ft, _)) = &self.first_fault
            && t >= *ft
        {
            let track = &mut self.probe_track[p];
            if track.resolver_new.is_none() && region.is_some() && region != track.region_before {
                track.resolver_new = Some(t);
            }
        }
    }

    /// The report of the run so far.
    pub fn report(&self) -> Report {
        let mut series = self.series.clone();
        let secs = series.ok.len();
        for (r, col) in self.regions.ids().zip(&self.served) {
            if col.iter().any(|v| *v > 0.0) {
                series.served_by_region.insert(self.regions.name(r).to_string(), col.clone());
            }
        }
        for (k, col) in &self.failed {
            series.failed.insert(k.as_str().to_string(), col.clone());
        }
        // Health status per check, as the DNS servers saw it, per second.
        for (ci, c) in self.zone.health_checks.iter().enumerate() {
            let mut col = vec![1u8; secs];
            for (at, row) in &self.status_points {
                let from = (at.as_ms() / 1000) as usize;
                for v in col.iter_mut().skip(from) {
                    *v = u8::from(row[ci]);
                }
            }
            series.check_status.insert(c.spec.id.clone(), col);
        }
        for (h, host) in self.zone.hosts.iter().enumerate() {
            let Some(lb) = host.lb else { continue };
            let mut col = vec![1u8; secs];
            for (at, _, healthy) in self.target_points.iter().filter(|p| p.1 == h) {
                let from = (at.as_ms() / 1000) as usize;
                col.iter_mut().skip(from).for_each(|v| *v = u8::from(*healthy));
            }
            series.target_status.insert(format!("{}/{}", self.zone.load_balancers[lb].spec.id, host.spec.id), col);
        }
        let fault_at = self.first_fault.as_ref().map(|(t, _)| *t);
        let mut summary = Summary {
            fault_at_ms: fault_at.map(SimTime::as_ms),
            // The first DNS change that moved a probe's answer; without probes, the
            // first unhealthy status the DNS servers saw.
            detection_ms: fault_at
                .zip(self.probe_track.iter().filter_map(|t| t.dns_new).min().or(self.first_dns))
                .map(|(f, d)| d.as_ms().saturating_sub(f.as_ms())),
            requests: self.requests,
            errors_by_kind: self.errors_by_kind.iter().map(|(k, v)| (k.as_str().to_string(), *v)).collect(),
            clients_with_errors: self
                .clients_err
                .iter()
                .zip(&self.clients)
                .filter(|(e, _)| **e)
                .map(|(_, c)| c.weight)
                .fold(0.0, |a, b| a + b),
            ..Summary::default()
        };
        let mut windows = self.windows.clone();
        for cl in &self.clients {
            if let Some(since) = cl.err_since {
                windows.push((self.now().as_ms().saturating_sub(since.as_ms()), cl.weight));
            }
        }
        windows.sort_by_key(|w| w.0);
        summary.error_window_p50_ms = weighted_quantile(&windows, 0.5);
        summary.error_window_p95_ms = weighted_quantile(&windows, 0.95);
        summary.error_window_max_ms = windows.last().map(|w| w.0);
        for (p, id) in self.probe_ids.iter().enumerate() {
            let tr = &self.probe_track[p];
            let since =
                |a: Option<SimTime>, b: Option<SimTime>| a.zip(b).map(|(a, b)| b.as_ms().saturating_sub(a.as_ms()));
            summary.switch_ms.insert(id.clone(), since(fault_at, tr.switched));
            let detect = tr.detect_new.or(self.first_detect);
            let dns = tr.dns_new.or(self.first_dns);
            summary.phases.insert(
                id.clone(),
                Phases {
                    detection_ms: since(fault_at, detect),
                    push_ms: since(detect, dns),
                    resolver_ttl_ms: since(dns, tr.resolver_new.map(|r| r.max(dns.unwrap_or(r)))),
                    client_cache_ms: since(tr.resolver_new.or(dns), tr.client_new),
                    connection_ms: since(tr.client_new, tr.switched),
                },
            );
        }
        Report {
            title: self.title.clone(),
            seed: self.seed,
            duration_s: self.duration.as_ms() / 1000,
            summary,
            series,
            probes: self.probe_ids.iter().cloned().zip(self.probe_obs.iter().cloned()).collect(),
            events: self.events,
            trace_hash: format!("{:016x}", trace_hash(&self.trace)),
        }
    }
}

fn flow_outcome(state: HostState, rtt: u64, timeout: u64, h: HostIdx) -> (Outcome, u64, Option<HostIdx>) {
    match state {
        HostState::Up => (Outcome::Ok, rtt, Some(h)),
        HostState::Slow(extra) => (Outcome::Ok, rtt + extra, Some(h)),
        HostState::Stopped => (Outcome::Reset, rtt, Some(h)),
        HostState::BlackHole => (Outcome::Timeout, timeout, Some(h)),
    }
}

fn resolver_rt(
    id: &str,
    place: Place,
    addr: u32,
    kind: ResolverKind,
    ecs: Option<bool>,
    extend_ttl_s: Option<u32>,
    seed: u64,
) -> ResolverRt {
    let rules = kind.rules();
    ResolverRt {
        id: id.to_string(),
        addr: ClientAddr { addr, prefix_len: 32, place },
        rules,
        ecs: ecs.unwrap_or(rules.ecs),
        extend_ttl_s,
        caches: vec![Cache::default(); rules.cache_shards.max(1) as usize],
        rng: SimRng::derive(seed, stream_id(&format!("resolver/{id}"))),
        last_region: BTreeMap::new(),
    }
}

/// A stable address in 198.18.0.0/15 (benchmarking range) derived from a name.
fn derived_addr(name: &str) -> u32 {
    (198 << 24) | (18 << 16) | ((stream_id(name) as u32) & 0x0001_ffff)
}

fn pick_weighted<'a, T>(rng: &mut SimRng, items: &'a [(T, u32)]) -> Option<&'a T> {
    let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
    if total == 0 {
        return None;
    }
    let mut x = rng.below(total);
    for (item, w) in items {
        if x < u64::from(*w) {
            return Some(item);
        }
        x -= u64::from(*w);
    }
    None
}

fn weighted_quantile(sorted: &[(u64, f64)], q: f64) -> Option<u64> {
    let total: f64 = sorted.iter().map(|w| w.1).sum();
    if sorted.is_empty() || total <= 0.0 {
        return None;
    }
    let target = q * total;
    let mut acc = 0.0;
    for &(v, w) in sorted {
        acc += w;
        if acc >= target {
            return Some(v);
        }
    }
    sorted.last().map(|w| w.0)
}

/// FNV-1a 64 over the trace's canonical lines (`time|kind|subject|detail\n`).
pub fn trace_hash(trace: &[TraceEvent]) -> u64 {
    trace.iter().fold(FNV_OFFSET, |h, e| {
        fnv1a(h, format!("{}|{}|{}|{}\n", e.at.as_ms(), e.kind, e.subject, e.detail).as_bytes())
    })
}

fn check_action(zone: &Zone, a: &FaultAction) -> Result<(), String> {
    let region_ok = |r: &str| zone.hosts.iter().any(|h| h.region == r);
    match a {
        FaultAction::StopRegion { region }
        | FaultAction::StartRegion { region }
        | FaultAction::BlackHoleRegion { region } => {
            region_ok(region).then_some(()).ok_or_else(|| format!("no hosts in region '{region}'"))
        }
        FaultAction::StopAz { az } | FaultAction::StartAz { az } => {
            zone.hosts.iter().any(|h| h.spec.az == *az).then_some(()).ok_or_else(|| format!("no hosts in '{az}'"))
        }
        FaultAction::StopHost { host }
        | FaultAction::StartHost { host }
        | FaultAction::BlackHoleHost { host }
        | FaultAction::SlowHost { host, .. } => {
            zone.host_by_id(host).map(|_| ()).ok_or_else(|| format!("no host '{host}'"))
        }
        FaultAction::LbDown { lb } | FaultAction::LbUp { lb } => {
            zone.lb_by_id(lb).map(|_| ()).ok_or_else(|| format!("no load balancer '{lb}'"))
        }
        FaultAction::PartitionCheckers { region } | FaultAction::HealCheckers { region } => {
            crate::spec::zone::CHECKER_REGIONS
                .contains(&region.as_str())
                .then_some(())
                .ok_or_else(|| format!("'{region}' is not a checker region"))
        }
        FaultAction::SetWeight { name, set_id, weight } => {
            if *weight > 255 {
                return Err(format!("{weight}: weights are 0 to 255"));
            }
            zone.records
                .iter()
                .any(|r| {
                    r.name == *name
                        && r.set_id.as_deref() == Some(set_id)
                        && matches!(r.policy, Policy::Weighted { .. })
                })
                .then_some(())
                .ok_or_else(|| format!("no weighted record {name} [{set_id}]"))
        }
        FaultAction::SetInverted { check, .. } => {
            zone.check_by_id(check).map(|_| ()).ok_or_else(|| format!("no health check '{check}'"))
        }
        FaultAction::SetManual { check, .. } => match zone.check_by_id(check) {
            Some(c) if matches!(zone.health_checks[c].spec.kind, crate::spec::zone::HealthCheckKind::Manual { .. }) => {
                Ok(())
            }
            Some(_) => Err(format!("'{check}' is not a manual check")),
            None => Err(format!("no health check '{check}'")),
        },
        FaultAction::RestoreAll => Ok(()),
    }
}

// The UI keeps the simulation in a `StoredValue`, which needs Send + Sync.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Sim>();
};
