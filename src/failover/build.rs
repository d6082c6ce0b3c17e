//! Building a [`Sim`] from a scenario: the zone validated (its problems under
//! `zone.`), then who asks — the named resolvers, the client groups behind them, the
//! generated population (resolvers in weighted cities with their clients), the
//! probes — with every bad reference collected as a problem by its path; then the
//! first requests and the faults on the queue, and warm resolver caches. A group's
//! representatives browse with think times of their own, or request at a constant
//! rate at staggered phases (its [`TrafficModel`]).
//!
//! The order of construction is part of the run: random streams are drawn in it and
//! events are queued in it, so reordering it changes every trace.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::base::geo::{self, Place};
use crate::base::log::Log;
use crate::base::queue::EventQueue;
use crate::base::rng::{SimRng, decimal, stream_id, stream_id_parts};
use crate::base::time::SimTime;
use crate::failover::client::{Client, ClientRules, Pacing, Sessions};
use crate::failover::faults::FaultScript;
use crate::failover::lookups::FixedAnswers;
use crate::failover::recording::{Probe, ProbeTrack, Recorder};
use crate::failover::resolver::{CacheKey, Resolver, ResolverIdx, effective_ttl};
use crate::failover::sim::{Event, Sim};
use crate::failover::tables::{NameTable, RegionTable};
use crate::route53::answer::{self, ClientAddr, Query};
use crate::route53::endpoints::World;
use crate::route53::health::HealthEngine;
use crate::route53::latency::LatencyTable;
use crate::route53::locations::{DnsLocations, rtt_us_at_km};
use crate::route53::script::check_faults;
use crate::route53::zone::Zone;
use crate::spec::kinds::{ClientKind, ResolverKind};
use crate::spec::params::LatencyModel;
use crate::spec::problems::Problems;
use crate::spec::scenario::{PopulationSpec, Scenario, TrafficModel};
use crate::spec::zone::RecordType;

/// Milliseconds in a minute (request rates are given per minute).
const MS_PER_MINUTE: f64 = 60_000.0;

/// The prefix length of a client subnet sent as ECS: /24, what large public
/// resolvers forward for IPv4 (`docs/model.md`, answers).
pub(super) const CLIENT_SUBNET_PREFIX_LEN: u8 = 24;

/// The generated population's resolvers are named `pop-0`, `pop-1`, …
pub(super) const POPULATION_ID_PREFIX: &str = "pop-";

/// The netmask of a /24 client subnet.
const CLIENT_SUBNET_MASK: u32 = 0xffff_ff00;

/// Derived addresses come from 198.18.0.0/15, the range RFC 2544 reserves for
/// benchmarking, so they never look like a real network.
const DERIVED_ADDR_BASE: u32 = (198 << 24) | (18 << 16);

/// The host part of a derived address within 198.18.0.0/15.
const DERIVED_ADDR_HOST_MASK: u32 = 0x0001_ffff;

/// A stable address in 198.18.0.0/15 derived from a name.
fn derived_addr(name: &str) -> u32 {
    DERIVED_ADDR_BASE | ((stream_id(name) as u32) & DERIVED_ADDR_HOST_MASK)
}

/// Who asks, as it is put together: resolvers, then clients in request order.
struct Cast {
    seed: u64,
    /// Representatives per client group.
    bins: u32,
    resolvers: Vec<Resolver>,
    resolver_ids: BTreeMap<String, ResolverIdx>,
    /// Each client with the number of real clients it stands for and the time of
    /// its first request, ms.
    clients: Vec<(Client, f64, u64)>,
    probes: Vec<Probe>,
}

impl Cast {
    /// The scenario's named resolvers.
    fn named_resolvers(&mut self, scenario: &Scenario, problems: &mut Problems) {
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
            if self.resolver_ids.insert(r.id.clone(), self.resolvers.len()).is_some() {
                problems.push(format!("resolvers[{i}].id"), format!("'{}' is used twice", r.id));
            }
            self.resolvers.push(Resolver::new(&r.id, city.place(), addr, r.kind, r.ecs, r.extend_ttl_s, self.seed));
        }
    }

    /// The scenario's client groups, behind the named resolvers.
    fn client_groups(&mut self, scenario: &Scenario, problems: &mut Problems) {
        for (i, g) in scenario.clients.iter().enumerate() {
            let Some(&r) = self.resolver_ids.get(&g.resolver) else {
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
                None => Some(self.resolvers[r].addr.place.clone()),
            };
            let Some(traffic) = traffic_model(g.traffic_model(), &format!("clients[{i}]"), problems) else { continue };
            self.group(r, place, g.count, g.kind, traffic, &format!("group{i}"));
        }
    }

    /// The generated population: resolvers in weighted cities, of weighted kinds,
    /// some extending TTLs, with the clients shared out among them.
    fn population(&mut self, pop: &PopulationSpec, problems: &mut Problems) {
        let Some(traffic) = traffic_model(pop.traffic_model(), "population", problems) else { return };
        let mut prng = SimRng::derive(self.seed, stream_id("population"));
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
            let id = format!("{POPULATION_ID_PREFIX}{i}");
            let addr = derived_addr(&id);
            let r = self.resolvers.len();
            self.resolvers.push(Resolver::new(&id, city.place(), addr, kind, None, extend, self.seed));
            let count = per + u64::from(u64::from(i) < extra);
            let ckind = *pick_weighted(&mut prng, &pop.client_kinds).unwrap_or(&ClientKind::Browser);
            self.group(r, Some(city.place()), count, ckind, traffic, &id);
        }
    }

    /// A group of `count` clients of `kind` behind resolver `r`, as up to `bins`
    /// representatives, each standing for count / bins clients: at staggered phases
    /// of a constant rate's interval, or browsing with think times of its own.
    fn group(
        &mut self,
        r: ResolverIdx,
        place: Option<Place>,
        count: u64,
        kind: ClientKind,
        traffic: TrafficModel,
        tag: &str,
    ) {
        if count == 0 {
            return;
        }
        if let TrafficModel::Constant { requests_per_min } = traffic
            && requests_per_min <= 0.0
        {
            return;
        }
        let k = u64::from(self.bins).min(count);
        // The group's representatives share one subnet and place.
        let subnet = derived_addr(&format!("{tag}/subnet")) & CLIENT_SUBNET_MASK;
        let ecs = place.map(|place| Arc::new(ClientAddr { addr: subnet, prefix_len: CLIENT_SUBNET_PREFIX_LEN, place }));
        for b in 0..k {
            // The streams of "client/<tag>/<b>" and "client/<tag>/<b>/think", hashed
            // without building the names.
            let mut digits = [0u8; 20];
            let b_digits = decimal(b, &mut digits);
            let name = [b"client/", tag.as_bytes(), b"/", b_digits];
            let mut rng = SimRng::derive(self.seed, stream_id_parts(&name));
            let (pacing, first) = match traffic {
                TrafficModel::Constant { requests_per_min } => {
                    let interval_ms = (MS_PER_MINUTE / requests_per_min) as u64;
                    let phase = rng.below(interval_ms.max(1));
                    (Pacing::Rate { interval_ms: interval_ms.max(1) }, phase)
                }
                TrafficModel::Sessions { reading_mean_s, parsing_mean_s } => {
                    let think_name = [&name[..], &[b"/think"]].concat();
                    let think = SimRng::derive(self.seed, stream_id_parts(&think_name));
                    let mut sessions = Sessions::new(reading_mean_s * 1000.0, parsing_mean_s * 1000.0, think);
                    // Think times are memoryless, so at any moment the time to a
                    // client's next page is one more reading time: the steady state.
                    let first = sessions.reading_ms();
                    (Pacing::Sessions(Box::new(sessions)), first)
                }
            };
            let client = new_client(r, kind.rules(), ecs.clone(), pacing, None, rng);
            self.clients.push((client, count as f64 / k as f64, first));
        }
    }

    /// The scenario's probes: one client each, asking from the start.
    fn probes(&mut self, scenario: &Scenario, problems: &mut Problems) {
        for (i, p) in scenario.probes.iter().enumerate() {
            let Some(&r) = self.resolver_ids.get(&p.resolver) else {
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
            let ecs = ClientAddr {
                addr: derived_addr(&format!("probe/{}", p.id)) & CLIENT_SUBNET_MASK,
                prefix_len: CLIENT_SUBNET_PREFIX_LEN,
                place: city.place(),
            };
            let rng = SimRng::derive(self.seed, stream_id(&format!("probe/{}", p.id)));
            let probe = Some(self.probes.len());
            let pacing = Pacing::AfterEnd { pause_ms: p.interval_ms.max(1) };
            let client = new_client(r, p.kind.rules(), Some(Arc::new(ecs)), pacing, probe, rng);
            self.probes.push(Probe {
                id: p.id.clone(),
                client: self.clients.len(),
                observations: Log::new(),
                last_ok_region: None,
                track: ProbeTrack::default(),
            });
            self.clients.push((client, 1.0, 0));
        }
    }
}

fn new_client(
    resolver: ResolverIdx,
    rules: ClientRules,
    ecs: Option<Arc<ClientAddr>>,
    pacing: Pacing,
    probe: Option<usize>,
    rng: SimRng,
) -> Client {
    Client { resolver, rules, ecs, pacing, probe, cache: None, failure: None, conn: None, rng }
}

/// A group's traffic model, or its problems pushed under `path` (`None` then).
fn traffic_model(model: Result<TrafficModel, String>, path: &str, problems: &mut Problems) -> Option<TrafficModel> {
    let model = match model {
        Ok(m) => m,
        Err(e) => {
            problems.push(format!("{path}.requests_per_min"), e);
            return None;
        }
    };
    let found = model.problems();
    for (field, message) in &found {
        problems.push(format!("{path}.traffic.{field}"), message.clone());
    }
    found.is_empty().then_some(model)
}

/// An item of `items` drawn by weight (`None` when every weight is 0).
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
        let mut cast = Cast {
            seed,
            bins: scenario.params.cohort_bins.max(1),
            resolvers: Vec::new(),
            resolver_ids: BTreeMap::new(),
            clients: Vec::new(),
            probes: Vec::new(),
        };
        cast.named_resolvers(scenario, &mut problems);
        cast.client_groups(scenario, &mut problems);
        if let Some(pop) = &scenario.population {
            cast.population(pop, &mut problems);
        }
        cast.probes(scenario, &mut problems);
        check_faults(&zone, &scenario.zone, &scenario.faults, &mut problems);
        problems.into_result(())?;

        let locations = route53_locations(&mut cast.resolvers, &scenario.params.latency);
        let health = HealthEngine::new(&zone, &world, scenario.params.health, seed, locations.len(), &mut |t, e| {
            queue.schedule(t, Event::Health(e))
        });
        for (i, (_, _, first_ms)) in cast.clients.iter().enumerate() {
            queue.schedule(SimTime(*first_ms), Event::Request(i));
        }
        let faults = FaultScript::new(scenario.faults.clone(), scenario.params.config_delay_ms, scenario.zone.clone());
        for (i, f) in faults.faults.iter().enumerate() {
            queue.schedule(SimTime(f.at_ms), Event::Fault(i));
        }
        let fault_seq = queue.last_seq();
        let latency = LatencyTable::new(scenario.params.latency, seed);
        if let Some(first) = latency.next_change_after(SimTime::ZERO) {
            queue.schedule(first, Event::LatencyData);
        }
        let regions = RegionTable::new(&zone);
        let secs = scenario.duration_s as usize + 1;
        let weights = cast.clients.iter().map(|(_, w, _)| *w).collect();
        let rec = Recorder::new(secs, &regions, weights, cast.probes);
        let mut sim = Sim {
            title: scenario.title.clone(),
            seed,
            duration: SimTime(scenario.duration_s * 1000),
            queue,
            events: 0,
            names: NameTable::new(&scenario.service, &zone),
            regions,
            zone,
            world,
            health,
            latency,
            r53_rng: SimRng::derive(seed, stream_id("route53")),
            fixed_answers: FixedAnswers::default(),
            resolvers: cast.resolvers,
            locations,
            clients: cast.clients.into_iter().map(|(c, _, _)| c).collect(),
            client_rtts: Vec::new(),
            faults,
            fault_seq,
            rec,
        };
        // Round trips depend only on the client's place: clients in one city share theirs.
        let mut by_place: BTreeMap<(u64, u64), Box<[u64]>> = BTreeMap::new();
        sim.client_rtts = (0..sim.clients.len())
            .map(|c| {
                let at = sim.client_place(c).at;
                let rtts = by_place
                    .entry((at.lat.to_bits(), at.lon.to_bits()))
                    .or_insert_with(|| sim.regions.ids().map(|r| sim.client_rtt_to(c, sim.regions.at(r))).collect());
                rtts.clone()
            })
            .collect();
        sim.snapshot_statuses(SimTime::ZERO);
        sim.warm_caches();
        Ok(sim)
    }

    /// Runs start with warm resolver caches: each resolver holds the service's answer
    /// with a remaining TTL uniform on (0, TTL], as a busy resolver would when the
    /// run's clock starts (`docs/model.md`, health checks).
    fn warm_caches(&mut self) {
        let key = CacheKey::new(NameTable::SERVICE, None);
        for r in 0..self.resolvers.len() {
            let q = Query {
                name: self.names.name(NameTable::SERVICE),
                rtype: RecordType::A,
                resolver: &self.resolvers[r].addr,
                ecs: None,
                now: SimTime::ZERO,
            };
            let view = self.health.view(&self.zone);
            let a = answer::answer(&self.zone, &q, &view, &self.latency, &mut self.r53_rng);
            let rr = &mut self.resolvers[r];
            let ttl_ms = u64::from(effective_ttl(&a, &rr.rules, rr.extend_ttl_s)) * 1000;
            if ttl_ms == 0 {
                continue;
            }
            let expires = SimTime(1 + rr.rng.below(ttl_ms));
            let a = std::sync::Arc::new(a);
            for cache in &mut rr.caches {
                cache.put_warm(key, a.clone(), expires);
            }
            let region = self.answer_region(&a);
            self.rec.resolver_answer(r, key, region);
        }
    }
}

/// The DNS locations that answer the run's resolvers: each resolver's query for each
/// of the zone's four name servers lands at the nearest location of that stripe
/// (`route53/locations.rs`). Only those locations are followed; each resolver learns
/// its own (indices into the returned ids) and the round trip to each.
fn route53_locations(resolvers: &mut [Resolver], latency: &LatencyModel) -> Vec<String> {
    let all = DnsLocations::route53();
    let mut used: BTreeMap<usize, usize> = BTreeMap::new();
    let catchments: Vec<_> = resolvers.iter().map(|r| DnsLocations::route53_catchments(r.addr.place.at)).collect();
    for (c, _) in catchments.iter().flatten().flatten() {
        used.insert(*c, 0);
    }
    for (i, v) in used.values_mut().enumerate() {
        *v = i;
    }
    for (r, c) in resolvers.iter_mut().zip(&catchments) {
        for (server, loc) in c.iter().enumerate() {
            let (loc, km) = loc.expect("every stripe has a location");
            r.name_servers[server] = (used[&loc], rtt_us_at_km(km, latency));
        }
    }
    used.keys().map(|&l| all.id(l).to_string()).collect()
}
