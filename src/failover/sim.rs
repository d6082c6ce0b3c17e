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
//! - **The world apart from what is recorded**: the state that decides what happens
//!   (zone, endpoints, health, resolvers, clients, faults) is kept apart from the
//!   recorder (`recording.rs`), which only counts and notes (metrics, per-second
//!   series, probes and their phases, the trace).
//!
//! This file holds the small [`Sim`]: its parts, the dispatch of each event, and the
//! public API. The rest is one file per concern:
//!
//! | file | what |
//! |---|---|
//! | `build.rs` | [`Sim::new`]: validating a scenario; resolvers, the generated population, client groups, probes; warm caches |
//! | `requests.rs` | one request: connection reuse, connecting to the answered addresses in order, the [`RequestOutcome`] |
//! | `lookups.rs` | the client's DNS cache, the resolver's resolution with CNAME chains, the authoritative query |
//! | `faults.rs` | the fault script: checking an action, the effect of each fault, applying effects and configuration changes |
//! | `verdicts.rs` | health events as they happen: traced, the DNS servers' view kept, probes' answers re-asked |
//! | `recording.rs` | the `Recorder`: counts, series, probes, phase milestones, the trace as recorded |
//! | `trace.rs` | the trace as typed events ([`TraceEvent`]), their text and hash |
//! | `report.rs` | the [`Report`] and how it is computed from what was recorded |
//! | `resolver.rs`, `client.rs` | resolver and client kinds, and their state in a run |
//! | `tables.rs` | typed tables of regions and names |

use crate::base::log::Log;
use crate::base::queue::EventQueue;
use crate::base::rng::SimRng;
use crate::base::time::SimTime;
use crate::failover::client::Client;
use crate::failover::faults::FaultScript;
use crate::failover::lookups::FixedAnswers;
use crate::failover::recording::{Cause, Recorder};
use crate::failover::resolver::Resolver;
use crate::failover::tables::{NameTable, RegionTable};
use crate::route53::endpoints::World;
use crate::route53::health::{HealthEngine, HealthEv};
use crate::route53::latency::LatencyTable;
use crate::route53::script::{check_action, check_faults, record_changes};
use crate::route53::zone::Zone;
use crate::spec::problems::Problems;
use crate::spec::scenario::{FaultAction, FaultSpec};
use crate::spec::zone::ZoneSpec;

pub use crate::failover::report::{Phases, ProbeObs, Report, Series, Summary};
pub use crate::failover::requests::{RESPONSE_PATIENCE_MS, RequestOutcome, RequestResult};
pub use crate::failover::trace::{ResolverNow, TraceDetail, TraceEvent, TraceLine};

/// Events of the simulation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    /// A health-checking event.
    Health(HealthEv),
    /// A representative client (or probe) makes a request.
    Request(usize),
    /// A scripted or injected fault (an index into the run's faults).
    Fault(usize),
    /// A configuration change reaches the DNS servers (an index into the pending
    /// changes).
    Config(usize),
    /// Route 53's latency data is re-measured.
    LatencyData,
}

/// The simulation: the world it runs, the one queue, and what it records.
#[derive(Clone, Debug)]
pub struct Sim {
    // The run.
    /// Scenario title.
    pub(super) title: String,
    /// Seed of every random stream.
    pub(super) seed: u64,
    /// End of the run.
    pub(super) duration: SimTime,
    /// The one event queue.
    pub(super) queue: EventQueue<Event>,
    /// Events processed so far.
    pub(super) events: u64,

    // Route 53 and the endpoints behind it.
    /// The validated zone (weights change as configuration goes live).
    pub(super) zone: Zone,
    /// The state of every host and load balancer, and cut-off checker regions.
    pub(super) world: World,
    /// Route 53's checkers and each load balancer's own target checks.
    pub(super) health: HealthEngine,
    /// Route 53's latency table.
    pub(super) latency: LatencyTable,
    /// Route 53's own draws (weighted choice, shuffled answers).
    pub(super) r53_rng: SimRng,
    /// Answers that no draw could change, to answer again while nothing they depend
    /// on has changed (not part of the run's state: a copy starts empty).
    pub(super) fixed_answers: FixedAnswers,
    /// Regions, and where every host and load balancer is.
    pub(super) regions: RegionTable,
    /// Names resolvers query (the service first, then each LB's DNS name).
    pub(super) names: NameTable,

    // Who asks.
    /// Recursive resolvers: the named ones, then the generated population.
    pub(super) resolvers: Vec<Resolver>,
    /// The DNS locations that answer them (ids; the health engine's location indices).
    pub(super) locations: Vec<String>,
    /// Representative clients: the groups', the population's, then the probes.
    pub(super) clients: Vec<Client>,
    /// Each client's round trip to each region, ms, by client then region (tabled
    /// once: neither a client's place nor a region's moves during a run).
    pub(super) client_rtts: Vec<Box<[u64]>>,

    // What happens to the world.
    /// The fault script and configuration changes on their way.
    pub(super) faults: FaultScript,
    /// The queue's sequence number after the scripted faults were scheduled: faults
    /// added to the script later are slotted in there, as if scripted from the start.
    pub(super) fault_seq: u64,

    // What is recorded.
    /// Metrics, series, probes, phase milestones and the trace.
    pub(super) rec: Recorder,
}

// The UI keeps the simulation in a `StoredValue`, which needs Send + Sync.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Sim>();
};

impl Sim {
    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    /// End of the run.
    pub fn duration(&self) -> SimTime {
        self.duration
    }

    /// How far the run has run its events: `None` before the first (a run just built,
    /// even its events at time 0 still to come).
    pub fn ran_to(&self) -> Option<SimTime> {
        (self.events > 0).then(|| self.now())
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

    /// The trace so far, as typed events (see [`Sim::trace_lines`] for their text).
    pub fn trace(&self) -> &Log<TraceEvent> {
        self.rec.trace()
    }

    /// A copy of the run as it stands, to resume from later (a checkpoint). What it
    /// has recorded in lists that only grow is sealed first, so the copy shares it
    /// instead of copying it: keeping a checkpoint every minute costs a run's length,
    /// not its square.
    pub fn checkpoint(&mut self) -> Sim {
        self.rec.seal();
        self.clone()
    }

    /// The same run without a trace, for trials: every count, series and phase is
    /// the same; `trace()` and the probes' observations stay empty. Call before
    /// running.
    pub fn without_trace(mut self) -> Sim {
        self.rec.stop_tracing();
        self
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

    /// Adds faults to the script of a run not yet at their time, exactly as if the
    /// scenario had scripted them from the start (the same indices, the same order
    /// among equal times). `all` is the whole new script over the original zone
    /// `original` (the run's zone at time 0): the run's faults, in order, and added
    /// ones not yet due ([`Sim::ran_to`]), none before a fault of the run at the same
    /// moment.
    /// The run's faults still to come take their indices in the new script.
    pub fn script_more_faults(&mut self, original: &Zone, spec: &ZoneSpec, all: &[FaultSpec]) -> Result<(), Problems> {
        let mut problems = Problems(Vec::new());
        check_faults(original, spec, all, &mut problems);
        problems.into_result(())?;
        let mut all = all.to_vec();
        crate::spec::scenario::sort_faults(&mut all);
        let (moved, added) = crate::failover::faults::inserted(&self.faults.faults, &all, self.ran_to())
            .expect("the run keeps its faults in order and the added ones come later");
        self.queue.for_each_pending(|e| {
            if let Event::Fault(j) = e {
                *j = moved[*j];
            }
        });
        self.faults.faults = all;
        for p in added {
            let at = SimTime(self.faults.faults[p].at_ms);
            self.queue.schedule_after(self.fault_seq, at, Event::Fault(p));
        }
        Ok(())
    }

    /// Applies `action` now (a fault injected from the UI).
    pub fn inject(&mut self, action: FaultAction) -> Result<(), String> {
        check_action(&self.zone, &action)?;
        if let Some(Err(why)) = record_changes(&self.faults.control, &action) {
            return Err(why);
        }
        let at = self.now();
        let i = self.faults.add(FaultSpec { at_ms: at.as_ms(), action });
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

    /// Route 53's latency data changed at `t`: answers may now lead elsewhere for
    /// clients near a tie; the next re-measurement is scheduled.
    fn latency_data_changed(&mut self, t: SimTime) {
        self.rec.note(t, TraceDetail::LatencyData);
        self.note_dns_change(t, Some(t), None, Cause::LatencyData);
        if let Some(next) = self.latency.next_change_after(t)
            && next <= self.duration
        {
            self.queue.schedule(next, Event::LatencyData);
        }
    }

    /// Dispatches one event to the part of the simulation it concerns.
    fn handle(&mut self, t: SimTime, ev: Event) {
        match ev {
            Event::Health(h) => {
                let q = &mut self.queue;
                self.health.handle(t, h, &self.zone, &self.world, &mut |at, e| q.schedule(at, Event::Health(e)));
                self.absorb_health_events();
            }
            Event::Request(c) => self.request(c, t),
            Event::Fault(i) => self.apply_fault(i, t),
            Event::Config(i) => self.apply_config(i, t),
            Event::LatencyData => self.latency_data_changed(t),
        }
    }
}
