//! The trace of a run as data: each [`TraceEvent`] says what happened with indices
//! (a check, a host, a region, a probe), and is turned into text only when shown or
//! hashed. The text of each kind — its canonical line `time|kind|subject|detail` —
//! is what the trace hash covers (pinned in `tests/common/pins.rs`), what the CLI's
//! timeline prints and what the narration tells, so a wording change here moves
//! the pinned hash.

use std::sync::Arc;

use crate::base::fingerprint::{FNV_OFFSET, fnv1a};
use crate::base::time::SimTime;
use crate::failover::recording::{Probe, ProbeIdx};
use crate::failover::requests::RequestResult;
use crate::failover::resolver::{Resolver, ResolverIdx};
use crate::failover::sim::Sim;
use crate::failover::tables::{NameTable, RegionId, RegionTable};
use crate::route53::health::HealthEventKind;
use crate::route53::zone::Zone;
use crate::spec::scenario::FaultSpec;

/// One event of the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    /// When.
    pub at: SimTime,
    /// What happened.
    pub detail: TraceDetail,
}

/// What happened, with indices into the run's tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceDetail {
    /// A scripted or injected fault (an index into the run's faults).
    Fault {
        /// Its index in the scenario's fault script.
        fault: usize,
    },
    /// A fault's configuration change is live on the DNS servers.
    ConfigLive {
        /// The fault that asked for it.
        fault: usize,
    },
    /// Route 53's latency data was re-measured.
    LatencyData,
    /// Route 53's control plane refused a fault's record changes (as it refuses an
    /// invalid change batch); nothing changed.
    Refused {
        /// Its index in the scenario's fault script.
        fault: usize,
        /// Why, in words.
        why: String,
    },
    /// Something in health checking: a checker's opinion, a check's status, what the
    /// DNS servers see, a load balancer's opinion of a target.
    Health(HealthEventKind),
    /// A resolver's fresh answer for the service leads somewhere new.
    Resolver {
        /// Which resolver of the run (named ones first, then the population).
        resolver: ResolverIdx,
        /// Where its answer leads now.
        now: ResolverNow,
    },
    /// A probe's request.
    Probe {
        /// Which probe, in the scenario's order.
        probe: ProbeIdx,
        /// The DNS answer it used, as its log shows it.
        answer: Arc<str>,
        /// The region that served it.
        region: Option<RegionId>,
        /// How it ended.
        result: RequestResult,
        /// How long it took, ms.
        elapsed_ms: u64,
        /// Whether it reused a kept-alive connection.
        reused_connection: bool,
    },
}

/// Where a resolver's answer for the service leads after a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResolverNow {
    /// To a region.
    Region(RegionId),
    /// Nowhere: geolocation or IP-based routing matched nothing ("no answer").
    NoMatch,
    /// Nowhere: another empty answer (NXDOMAIN, NODATA, or an address outside the
    /// modelled world).
    Empty,
}

impl TraceEvent {
    /// The kind of event: `fault`, `config`, `refused`, `latency`, `checker`, `status`, `dns-status`,
    /// `target`, `dns-target`, `resolver` or `probe`.
    pub fn kind(&self) -> &'static str {
        match &self.detail {
            TraceDetail::Fault { .. } => "fault",
            TraceDetail::ConfigLive { .. } => "config",
            TraceDetail::Refused { .. } => "refused",
            TraceDetail::LatencyData => "latency",
            TraceDetail::Health(h) => match h {
                HealthEventKind::CheckerFlip { .. } => "checker",
                HealthEventKind::Status { .. } => "status",
                HealthEventKind::DnsStatus { .. } => "dns-status",
                HealthEventKind::TargetHealth { .. } => "target",
                HealthEventKind::DnsTargetHealth { .. } => "dns-target",
            },
            TraceDetail::Resolver { .. } => "resolver",
            TraceDetail::Probe { .. } => "probe",
        }
    }
}

/// One event as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLine {
    /// When.
    pub at: SimTime,
    /// Kind (see [`TraceEvent::kind`]).
    pub kind: &'static str,
    /// What it is about: a check, a host, a resolver, a probe, `script` or `route53`.
    pub subject: String,
    /// What happened, in a sentence.
    pub detail: String,
}

impl TraceLine {
    /// The canonical line the trace hash covers: `time|kind|subject|detail\n`.
    pub fn canonical(&self) -> String {
        format!("{}|{}|{}|{}\n", self.at.as_ms(), self.kind, self.subject, self.detail)
    }
}

/// The names a trace event's indices stand for.
pub(super) struct TraceNames<'a> {
    pub zone: &'a Zone,
    pub regions: &'a RegionTable,
    pub names: &'a NameTable,
    pub faults: &'a [FaultSpec],
    pub resolvers: &'a [Resolver],
    pub probes: &'a [Probe],
    pub locations: &'a [String],
}

fn healthy_or_not(healthy: bool) -> &'static str {
    if healthy { "healthy" } else { "unhealthy" }
}

impl TraceNames<'_> {
    /// `e` as text.
    pub fn line(&self, e: &TraceEvent) -> TraceLine {
        let (subject, detail) = match &e.detail {
            TraceDetail::Fault { fault } => ("script".to_string(), self.faults[*fault].action.describe()),
            TraceDetail::ConfigLive { fault } => (
                "route53".to_string(),
                format!("{} is now live on the DNS servers", self.faults[*fault].action.describe()),
            ),
            TraceDetail::Refused { fault, why } => {
                ("route53".to_string(), format!("refuses {}: {why}", self.faults[*fault].action.describe()))
            }
            TraceDetail::LatencyData => {
                ("route53".to_string(), "latency data re-measured: the best region may change for some clients".into())
            }
            TraceDetail::Health(h) => self.health(h),
            TraceDetail::Resolver { resolver, now } => {
                let service = self.names.name(NameTable::SERVICE);
                let detail = match now {
                    ResolverNow::Region(r) => format!("now answers {service} → {}", self.regions.name(*r)),
                    ResolverNow::NoMatch => format!("now gets no answer for {service}"),
                    ResolverNow::Empty => format!("now gets an empty answer for {service}"),
                };
                (self.resolvers[*resolver].id.clone(), detail)
            }
            TraceDetail::Probe { probe, answer, region, result, elapsed_ms, reused_connection } => (
                self.probes[*probe].id.clone(),
                format!(
                    "{} → {} via {} in {} ms{}",
                    answer,
                    region.map_or("-", |r| self.regions.name(r)),
                    result.as_str(),
                    elapsed_ms,
                    if *reused_connection { " (reused connection)" } else { "" }
                ),
            ),
        };
        TraceLine { at: e.at, kind: e.kind(), subject, detail }
    }

    fn health(&self, h: &HealthEventKind) -> (String, String) {
        let check_id = |c: usize| self.zone.health_checks[c].spec.id.clone();
        let host_id = |h: usize| self.zone.hosts[h].spec.id.clone();
        match h {
            HealthEventKind::CheckerFlip { check, region, healthy, outcome } => (
                check_id(*check),
                format!("checker in {region} now sees {} ({})", healthy_or_not(*healthy), outcome.as_str()),
            ),
            HealthEventKind::Status { check, healthy, healthy_checkers, checkers } => {
                let id = check_id(*check);
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
                (id, detail)
            }
            HealthEventKind::DnsStatus { check, healthy, location, seeing, of } => {
                let id = check_id(*check);
                let at = self.where_seen(*location, *seeing, *of);
                let detail =
                    format!("Route 53's DNS servers {at} now answer as if {id} is {}", healthy_or_not(*healthy));
                (id, detail)
            }
            HealthEventKind::TargetHealth { host, healthy, passive } => {
                let lb = self.zone.hosts[*host].lb.map_or("", |l| self.zone.load_balancers[l].spec.id.as_str());
                let id = host_id(*host);
                let detail = format!(
                    "{lb} marks target {id} {}{}",
                    healthy_or_not(*healthy),
                    if *passive { " (passive check on live traffic)" } else { "" }
                );
                (id, detail)
            }
            HealthEventKind::DnsTargetHealth { host, healthy, location, seeing, of } => {
                let id = host_id(*host);
                let at = self.where_seen(*location, *seeing, *of);
                let detail = format!("Route 53's DNS servers {at} now see target {id} {}", healthy_or_not(*healthy));
                (id, detail)
            }
        }
    }

    /// Which DNS locations: `at fra (the first of 23 locations)`, `at all 23
    /// locations`, or `at 5 of 23 locations (latest fra)`.
    fn where_seen(&self, location: usize, seeing: u32, of: u32) -> String {
        let id = &self.locations[location];
        match (seeing, of) {
            (s, o) if s == o && o > 1 => format!("at all {o} locations"),
            (_, 1) => format!("at {id}"),
            (1, o) => format!("at {id} (the first of {o} locations)"),
            (s, o) => format!("at {s} of {o} locations (latest {id})"),
        }
    }
}

impl Sim {
    /// The names the trace's indices stand for.
    pub(super) fn trace_names(&self) -> TraceNames<'_> {
        TraceNames {
            zone: &self.zone,
            regions: &self.regions,
            names: &self.names,
            faults: &self.faults.faults,
            resolvers: &self.resolvers,
            probes: &self.rec.probes,
            locations: &self.locations,
        }
    }

    /// The trace so far as text, one line per event.
    pub fn trace_lines(&self) -> impl Iterator<Item = TraceLine> + '_ {
        let names = self.trace_names();
        self.trace().iter().map(move |e| names.line(e))
    }

    /// FNV-1a 64 over the trace's canonical lines (`time|kind|subject|detail\n`).
    pub fn trace_hash(&self) -> u64 {
        self.trace_lines().fold(FNV_OFFSET, |h, l| fnv1a(h, l.canonical().as_bytes()))
    }
}
