//! What a run produced: the [`Report`] (summary metrics, per-second series, each
//! probe's observations, the trace hash) and how it is computed from what the
//! [`Recorder`] noted. Its serde form is the documented `simulate --json` output.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::base::time::SimTime;
use crate::failover::recording::{Cause, Recorder, VerdictOf};
use crate::failover::requests::RequestResult;
use crate::failover::sim::Sim;
use crate::failover::tables::RegionTable;
use crate::route53::zone::Zone;

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
    pub result: RequestResult,
    /// Time taken, ms.
    pub elapsed_ms: u64,
    /// Reused a kept-alive connection.
    pub reused_connection: bool,
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

/// The phases of one probe's switch time, ms: from the first breaking fault, each
/// phase ends at a milestone noted by the recorder (`recording.rs`), and together
/// they add up to the switch time.
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
    /// What moved the answer: a health check, a load balancer's target check, a
    /// configuration change, or Route 53's latency data.
    pub cause: Option<String>,
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
    /// The scenario's title.
    pub title: String,
    /// The seed of the run (with the scenario, it fixes every draw).
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

impl Sim {
    /// What moved a probe's answer, in words.
    fn cause_text(&self, cause: Cause) -> String {
        match cause {
            Cause::Verdict(VerdictOf::Check(c)) => format!("health check {}", self.zone.health_checks[c].spec.id),
            Cause::Verdict(VerdictOf::Target(h)) => {
                let host = &self.zone.hosts[h];
                let lb = host.lb.map_or("the load balancer", |l| self.zone.load_balancers[l].spec.id.as_str());
                format!("{lb}'s target check on {}", host.spec.id)
            }
            Cause::Config(fault) => format!("configuration change: {}", self.faults.faults[fault].action.describe()),
            Cause::LatencyData => "Route 53's latency data re-measured".to_string(),
        }
    }

    /// The summary metrics of the run so far, without the series, the probes'
    /// observations or the trace hash: what a trial keeps.
    pub fn summary(&self) -> Summary {
        let mut summary = self.rec.summary(self.now());
        for p in &self.rec.probes {
            if let (Some(cause), Some(phases)) = (p.track.cause, summary.phases.get_mut(&p.id)) {
                phases.cause = Some(self.cause_text(cause));
            }
        }
        summary
    }

    /// The report of the run so far.
    pub fn report(&self) -> Report {
        let summary = self.summary();
        Report {
            title: self.title.clone(),
            seed: self.seed,
            duration_s: self.duration.as_ms() / 1000,
            summary,
            series: self.rec.full_series(&self.zone, &self.regions),
            probes: self.rec.probes.iter().map(|p| (p.id.clone(), p.observations.to_vec())).collect(),
            events: self.events,
            trace_hash: format!("{:016x}", self.trace_hash()),
        }
    }
}

impl Recorder {
    /// The series as counted, plus what is derived at the end: served by region,
    /// failed by kind, and each check's and LB target's status per second.
    fn full_series(&self, zone: &Zone, regions: &RegionTable) -> Series {
        let mut series = self.series.clone();
        let secs = series.ok.len();
        for (r, col) in regions.ids().zip(&self.served) {
            if col.iter().any(|v| *v > 0.0) {
                series.served_by_region.insert(regions.name(r).to_string(), col.clone());
            }
        }
        for (k, col) in &self.failed {
            series.failed.insert(k.as_str().to_string(), col.clone());
        }
        // Health status per check, as the DNS servers saw it, per second.
        for (ci, c) in zone.health_checks.iter().enumerate() {
            let mut col = vec![1u8; secs];
            for (at, row) in &self.status_points {
                let from = (at.as_ms() / 1000) as usize;
                for v in col.iter_mut().skip(from) {
                    *v = u8::from(row[ci]);
                }
            }
            series.check_status.insert(c.spec.id.clone(), col);
        }
        for (h, host) in zone.hosts.iter().enumerate() {
            let Some(lb) = host.lb else { continue };
            let mut col = vec![1u8; secs];
            for (at, _, healthy) in self.target_points.iter().filter(|p| p.1 == h) {
                let from = (at.as_ms() / 1000) as usize;
                col.iter_mut().skip(from).for_each(|v| *v = u8::from(*healthy));
            }
            series.target_status.insert(format!("{}/{}", zone.load_balancers[lb].spec.id, host.spec.id), col);
        }
        series
    }

    /// The summary metrics at `now` (an error window still open counts up to `now`).
    fn summary(&self, now: SimTime) -> Summary {
        let fault_at = self.first_fault;
        let mut summary = Summary {
            fault_at_ms: fault_at.map(SimTime::as_ms),
            // The first DNS change that moved a probe's answer; without probes, the
            // first unhealthy status the DNS servers saw.
            detection_ms: fault_at
                .zip(self.probes.iter().filter_map(|p| p.track.dns_new).min().or(self.first_dns))
                .map(|(f, d)| d.as_ms().saturating_sub(f.as_ms())),
            requests: self.requests,
            errors_by_kind: self.errors_by_kind.iter().map(|(k, v)| (k.as_str().to_string(), *v)).collect(),
            clients_with_errors: self.clients.iter().filter(|c| c.had_error).map(|c| c.weight).fold(0.0, |a, b| a + b),
            ..Summary::default()
        };
        let mut windows = self.windows.clone();
        for c in &self.clients {
            if let Some(since) = c.err_since {
                windows.push((now.as_ms().saturating_sub(since.as_ms()), c.weight));
            }
        }
        windows.sort_by_key(|w| w.0);
        summary.error_window_p50_ms = weighted_quantile(&windows, 0.5);
        summary.error_window_p95_ms = weighted_quantile(&windows, 0.95);
        summary.error_window_max_ms = windows.last().map(|w| w.0);
        let since = |a: Option<SimTime>, b: Option<SimTime>| a.zip(b).map(|(a, b)| b.as_ms().saturating_sub(a.as_ms()));
        for p in &self.probes {
            let tr = &p.track;
            summary.switch_ms.insert(p.id.clone(), since(fault_at, tr.switched));
            let detect = tr.detect_new.or(self.first_detect);
            let dns = tr.dns_new.or(self.first_dns);
            summary.phases.insert(
                p.id.clone(),
                Phases {
                    detection_ms: since(fault_at, detect),
                    push_ms: since(detect, dns),
                    resolver_ttl_ms: since(dns, tr.resolver_new.map(|r| r.max(dns.unwrap_or(r)))),
                    client_cache_ms: since(tr.resolver_new.or(dns), tr.client_new),
                    connection_ms: since(tr.client_new, tr.switched),
                    cause: None,
                },
            );
        }
        summary
    }
}

/// The `q` quantile of `sorted` (value, weight) pairs, by weight.
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
