//! What a run records, apart from the world it runs: request counts (weighted by
//! the clients each representative stands for), per-second series, each client's
//! error window, each probe's observations (kept with the trace) and the milestones
//! of its switch, the DNS servers' view over time, and the trace. Nothing here decides what happens;
//! [`Sim`](crate::failover::sim::Sim) calls in as things happen, and the report is
//! computed from it (`report.rs`).

use std::collections::BTreeMap;

use crate::base::log::Log;
use crate::base::time::SimTime;
use crate::failover::client::ClientIdx;
use crate::failover::report::{ProbeObs, Series};
use crate::failover::requests::{RequestOutcome, RequestResult};
use crate::failover::resolver::{CacheKey, ResolverIdx};
use crate::failover::tables::{RegionId, RegionTable};
use crate::failover::trace::{TraceDetail, TraceEvent};
use crate::route53::zone::{CheckIdx, HostIdx};

/// Index of a probe in a run (in the scenario's order).
pub type ProbeIdx = usize;

/// A probe: one named client whose every request is observed, and the milestones
/// of its switch to another region after the first breaking fault.
#[derive(Clone, Debug)]
pub(super) struct Probe {
    /// Its id in the scenario.
    pub id: String,
    /// The client that makes its requests.
    pub client: ClientIdx,
    /// Every request, as the field experiment's terminal would show it (kept only
    /// when tracing: a trial shows none).
    pub observations: Log<ProbeObs>,
    /// Region of its last successful request.
    pub last_ok_region: Option<RegionId>,
    /// Its switch, phase by phase.
    pub track: ProbeTrack,
}

/// The milestones of one probe's switch (see `Phases` in the report).
#[derive(Clone, Debug, Default)]
pub(super) struct ProbeTrack {
    /// Region of its last success before the first breaking fault.
    pub region_before: Option<RegionId>,
    /// When the DNS servers started answering its resolver with another region…
    pub dns_new: Option<SimTime>,
    /// …and when the health verdict behind that change was reached…
    pub detect_new: Option<SimTime>,
    /// …and what moved the answer.
    pub cause: Option<Cause>,
    /// When its resolver fetched an answer leading elsewhere.
    pub resolver_new: Option<SimTime>,
    /// When its own DNS cache took such an answer.
    pub client_new: Option<SimTime>,
    /// When it was first served from another region.
    pub switched: Option<SimTime>,
}

impl ProbeTrack {
    /// Does `region` differ from where the probe was served before the fault?
    fn moved(&self, region: Option<RegionId>) -> bool {
        region.is_some() && region != self.region_before
    }
}

/// One representative client's tally.
#[derive(Clone, Debug)]
pub(super) struct ClientTally {
    /// How many real clients it stands for.
    pub weight: f64,
    /// Start of its current error window (first error since its last success).
    pub err_since: Option<SimTime>,
    /// Whether it has seen any error.
    pub had_error: bool,
}

/// What moved a probe's DNS answer, named in its phase breakdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cause {
    /// A health verdict (a check's status, or a load balancer's target check).
    Verdict(VerdictOf),
    /// A configuration change going live (a weight, a change batch: the fault).
    Config(usize),
    /// Route 53's latency data was re-measured.
    LatencyData,
}

/// A health verdict the phases trace back to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum VerdictOf {
    /// A Route 53 health check's status.
    Check(CheckIdx),
    /// A load balancer's opinion of one of its targets.
    Target(HostIdx),
}

/// How a resolver's lookup in its own cache went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CacheLookup {
    /// Answered from the cache.
    Hit,
    /// Sent to the authoritative servers.
    Miss,
}

/// Everything a run records.
#[derive(Clone, Debug)]
pub(super) struct Recorder {
    /// The trace, as typed events.
    trace: Log<TraceEvent>,
    /// Whether events are kept in the trace (a trial keeps none).
    tracing: bool,
    /// The series counted as the run goes (the rest are derived in the report).
    pub series: Series,
    /// Requests served per region (indexed by [`RegionId`]) per second.
    pub served: Vec<Vec<f64>>,
    /// Failed requests per second, by result.
    pub failed: BTreeMap<RequestResult, Vec<f64>>,
    /// Failed requests by result.
    pub errors_by_kind: BTreeMap<RequestResult, f64>,
    /// Requests in all.
    pub requests: f64,
    /// Closed error windows: (length ms, weight).
    pub windows: Vec<(u64, f64)>,
    /// Per client.
    pub clients: Vec<ClientTally>,
    /// Per probe.
    pub probes: Vec<Probe>,
    /// The first breaking fault.
    pub first_fault: Option<SimTime>,
    /// After it: the first unhealthy verdict (checkers or a load balancer).
    pub first_detect: Option<SimTime>,
    /// After it: the first unhealthy status the DNS servers saw.
    pub first_dns: Option<SimTime>,
    /// Latest time of each verdict, for tracing a DNS change back to it.
    last_verdict: BTreeMap<VerdictOf, SimTime>,
    /// Status of every check at the DNS servers, at each change.
    pub status_points: Vec<(SimTime, Vec<bool>)>,
    /// (when, host, healthy) each time Route 53's view of a load-balancer target changed.
    pub target_points: Vec<(SimTime, HostIdx, bool)>,
    /// Region of each resolver's last authoritative answer for the service, per key, to
    /// trace changes.
    last_answer: Vec<BTreeMap<CacheKey, Option<RegionId>>>,
}

impl Recorder {
    /// An empty record of a run lasting `secs` seconds (the last one included) over
    /// `regions`, for clients of the given weights and the given probes.
    pub fn new(secs: usize, regions: &RegionTable, weights: Vec<f64>, probes: Vec<Probe>) -> Recorder {
        Recorder {
            trace: Log::new(),
            tracing: true,
            series: Series {
                ok: vec![0.0; secs],
                cache_hits: vec![0.0; secs],
                cache_lookups: vec![0.0; secs],
                authoritative_queries: vec![0; secs],
                ..Series::default()
            },
            served: vec![vec![0.0; secs]; regions.len()],
            failed: BTreeMap::new(),
            errors_by_kind: BTreeMap::new(),
            requests: 0.0,
            windows: Vec::new(),
            clients: weights
                .into_iter()
                .map(|weight| ClientTally { weight, err_since: None, had_error: false })
                .collect(),
            probes,
            first_fault: None,
            first_detect: None,
            first_dns: None,
            last_verdict: BTreeMap::new(),
            status_points: Vec::new(),
            target_points: Vec::new(),
            last_answer: Vec::new(),
        }
    }

    /// The trace so far.
    pub fn trace(&self) -> &Log<TraceEvent> {
        &self.trace
    }

    /// Adds a trace event (unless tracing is off).
    pub fn note(&mut self, at: SimTime, detail: TraceDetail) {
        if self.tracing {
            self.trace.push(TraceEvent { at, detail });
        }
    }

    /// Whether trace events and the probes' observations are kept.
    pub fn tracing(&self) -> bool {
        self.tracing
    }

    /// Stops keeping trace events and the probes' observations: the run's counts,
    /// series and phases are the same, its trace (and so its trace hash) and the
    /// probes' logs are empty.
    pub fn stop_tracing(&mut self) {
        self.tracing = false;
        self.trace = Log::new();
    }

    /// Seals what has been recorded in lists that only grow (the trace, the probes'
    /// observations), so that a copy made now shares them ([`Log::seal`]).
    pub fn seal(&mut self) {
        self.trace.seal();
        for p in &mut self.probes {
            p.observations.seal();
        }
    }

    /// Whether `t` is at or after the first breaking fault (phases count from it).
    fn after_fault(&self, t: SimTime) -> bool {
        self.first_fault.is_some_and(|ft| t >= ft)
    }

    /// A request by client `c` that started at `t`: counts, series, the client's
    /// error window, and for a probe its switch (and, when tracing, its observation
    /// and a trace line).
    pub fn request(
        &mut self,
        c: ClientIdx,
        probe: Option<ProbeIdx>,
        t: SimTime,
        o: &RequestOutcome,
        regions: &RegionTable,
    ) {
        let secs = self.series.ok.len();
        let sec = (t.as_ms() / 1000) as usize;
        let tally = &mut self.clients[c];
        let w = tally.weight;
        self.requests += w;
        if o.result == RequestResult::Ok {
            if let Some(s) = self.series.ok.get_mut(sec) {
                *s += w;
            }
            if let Some(r) = o.region {
                self.served[r.index()][sec.min(secs - 1)] += w;
            }
            if let Some(since) = tally.err_since.take() {
                self.windows.push((t.as_ms() - since.as_ms(), w));
            }
        } else {
            self.failed.entry(o.result).or_insert_with(|| vec![0.0; secs])[sec.min(secs - 1)] += w;
            *self.errors_by_kind.entry(o.result).or_insert(0.0) += w;
            if tally.err_since.is_none() {
                tally.err_since = Some(t);
            }
            tally.had_error = true;
        }
        if let Some(p) = probe {
            self.probe_request(p, t, o, regions);
        }
    }

    fn probe_request(&mut self, p: ProbeIdx, t: SimTime, o: &RequestOutcome, regions: &RegionTable) {
        let after_fault = self.after_fault(t);
        let probe = &mut self.probes[p];
        if after_fault && o.result == RequestResult::Ok && probe.track.switched.is_none() && probe.track.moved(o.region)
        {
            probe.track.switched = Some(t);
        }
        if o.result == RequestResult::Ok {
            probe.last_ok_region = o.region;
        }
        if !self.tracing {
            return;
        }
        probe.observations.push(ProbeObs {
            at: t,
            answer: o.answer.as_deref().unwrap_or_default().to_string(),
            client_cache_hit: o.client_cache_hit,
            region: o.region.map(|r| regions.name(r).to_string()),
            result: o.result,
            elapsed_ms: o.elapsed_ms,
            reused_connection: o.reused_connection,
        });
        self.note(
            t,
            TraceDetail::Probe {
                probe: p,
                answer: o.answer.clone().unwrap_or_default(),
                region: o.region,
                result: o.result,
                elapsed_ms: o.elapsed_ms,
                reused_connection: o.reused_connection,
            },
        );
    }

    /// A resolver's lookup in its own cache at `t` on behalf of client `c`.
    pub fn resolver_lookup(&mut self, c: ClientIdx, t: SimTime, how: CacheLookup) {
        let sec = (t.as_ms() / 1000) as usize;
        let w = self.clients[c].weight;
        if let Some(s) = self.series.cache_lookups.get_mut(sec) {
            *s += w;
        }
        match how {
            CacheLookup::Hit => {
                if let Some(s) = self.series.cache_hits.get_mut(sec) {
                    *s += w;
                }
            }
            CacheLookup::Miss => {
                if let Some(s) = self.series.authoritative_queries.get_mut(sec) {
                    *s += 1;
                }
            }
        }
    }

    /// The region a resolver's fresh answer under `key` leads to; returns the
    /// region it led to before, if the resolver had an answer under `key`.
    pub fn resolver_answer(
        &mut self,
        r: ResolverIdx,
        key: CacheKey,
        region: Option<RegionId>,
    ) -> Option<Option<RegionId>> {
        if self.last_answer.len() <= r {
            self.last_answer.resize_with(r + 1, BTreeMap::new);
        }
        self.last_answer[r].insert(key, region)
    }

    /// A probe's resolver fetched an answer leading to `region` at `t`.
    pub fn probe_resolver_answer(&mut self, p: ProbeIdx, t: SimTime, region: Option<RegionId>) {
        if !self.after_fault(t) {
            return;
        }
        let track = &mut self.probes[p].track;
        if track.resolver_new.is_none() && track.moved(region) {
            track.resolver_new = Some(t);
        }
    }

    /// A probe's own DNS cache took an answer leading to `region` at `t`.
    pub fn probe_client_answer(&mut self, p: ProbeIdx, t: SimTime, region: Option<RegionId>) {
        if !self.after_fault(t) {
            return;
        }
        let track = &mut self.probes[p].track;
        if track.client_new.is_none() && track.moved(region) {
            track.client_new = Some(t);
        }
    }

    /// A breaking fault at `t`: the first one starts the phases, and each probe's
    /// region before it is where its last success was served.
    pub fn breaking_fault(&mut self, t: SimTime) {
        if self.first_fault.is_some() {
            return;
        }
        self.first_fault = Some(t);
        for probe in &mut self.probes {
            probe.track.region_before = probe.last_ok_region;
        }
    }

    /// A health verdict (`of`) reached at `at`.
    pub fn verdict(&mut self, at: SimTime, of: VerdictOf, healthy: bool) {
        if !healthy && self.first_fault.is_some() && self.first_detect.is_none() {
            self.first_detect = Some(at);
        }
        self.last_verdict.insert(of, at);
    }

    /// When verdict `of` was last reached.
    pub fn verdict_at(&self, of: VerdictOf) -> Option<SimTime> {
        self.last_verdict.get(&of).copied()
    }

    /// The DNS servers now see a new status (`healthy` or not) at `at`.
    pub fn dns_sees(&mut self, at: SimTime, healthy: bool) {
        if !healthy && self.first_fault.is_some() && self.first_dns.is_none() {
            self.first_dns = Some(at);
        }
    }

    /// Probes whose DNS answer has not moved since the fault: (probe, its client).
    pub fn probes_awaiting_dns(&self) -> Vec<(ProbeIdx, ClientIdx)> {
        if self.first_fault.is_none() {
            return Vec::new();
        }
        (0..self.probes.len())
            .filter(|&p| self.probes[p].track.dns_new.is_none())
            .map(|p| (p, self.probes[p].client))
            .collect()
    }

    /// The DNS servers would now answer probe `p`'s resolver with `region` (at `at`,
    /// moved by `cause`, reached at `origin`).
    pub fn probe_dns_answer(
        &mut self,
        p: ProbeIdx,
        at: SimTime,
        origin: Option<SimTime>,
        cause: Cause,
        region: Option<RegionId>,
    ) {
        let track = &mut self.probes[p].track;
        if track.moved(region) {
            track.dns_new = Some(at);
            track.detect_new = origin;
            track.cause = Some(cause);
        }
    }
}
