//! Parameter sweeps: a grid over one or two knobs of a design (record TTL, health
//! check interval, failure threshold, load-balancer kind), a number of seeded trials
//! per cell, and the p50 and p95 of one metric per cell (a probe's switch time or
//! the clients' p95 error window).
//!
//! Pure and deterministic: trial `i` of every cell runs with seed `scenario.seed + i`,
//! so the same inputs always give the same table, here or in a page's worker (which
//! can run one cell at a time with [`cell`]).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::failover::playback::percentiles;
use crate::failover::sim::Sim;
use crate::spec::problems::{Problem, Problems};
use crate::spec::scenario::Scenario;
use crate::spec::zone::{HealthCheckKind, LbKind};

/// A design parameter a sweep can vary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Knob {
    /// The TTL of every record that carries one (aliases answer with their target's
    /// TTL and are left alone), s.
    Ttl,
    /// The request interval of every endpoint health check, s (Route 53 allows 10 or 30).
    CheckInterval,
    /// The failure threshold of every endpoint health check (1 to 10).
    FailureThreshold,
    /// The kind of every load balancer (`alb` or `nlb`), with that kind's default
    /// target checks.
    Lb,
}

impl Knob {
    /// The knob named `name` (`ttl`, `check_interval`, `failure_threshold`, `lb`).
    pub fn parse(name: &str) -> Option<Knob> {
        Some(match name {
            "ttl" => Knob::Ttl,
            "check_interval" => Knob::CheckInterval,
            "failure_threshold" => Knob::FailureThreshold,
            "lb" => Knob::Lb,
            _ => return None,
        })
    }

    /// Every knob, in the order a picker lists them.
    pub const ALL: [Knob; 4] = [Knob::Ttl, Knob::CheckInterval, Knob::FailureThreshold, Knob::Lb];

    /// What it is, for people: "record TTL (s)".
    pub fn label(self) -> &'static str {
        match self {
            Knob::Ttl => "record TTL (s)",
            Knob::CheckInterval => "health check interval (s)",
            Knob::FailureThreshold => "failure threshold (checks)",
            Knob::Lb => "load balancer kind",
        }
    }

    /// Values worth comparing, as a first guess: the TTLs people argue about, both
    /// intervals Route 53 offers, thresholds from eager to patient, both kinds.
    pub fn default_values(self) -> &'static [&'static str] {
        match self {
            Knob::Ttl => &["1", "10", "30", "60", "300"],
            Knob::CheckInterval => &["10", "30"],
            Knob::FailureThreshold => &["1", "2", "3", "5"],
            Knob::Lb => &["alb", "nlb"],
        }
    }

    /// Its name, as [`Knob::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Knob::Ttl => "ttl",
            Knob::CheckInterval => "check_interval",
            Knob::FailureThreshold => "failure_threshold",
            Knob::Lb => "lb",
        }
    }

    /// Sets this knob to `value` throughout `s`; an error says why the value or the
    /// design does not fit.
    pub fn apply(self, s: &mut Scenario, value: &str) -> Result<(), String> {
        let number = || value.parse::<u32>().map_err(|_| format!("{}: '{value}' is not a whole number", self.name()));
        match self {
            Knob::Ttl => {
                let ttl = number()?;
                let mut any = false;
                for r in s.zone.records.iter_mut().filter(|r| r.ttl_s.is_some()) {
                    r.ttl_s = Some(ttl);
                    any = true;
                }
                if !any {
                    return Err("ttl: no record carries a TTL (an alias answers with its target's)".into());
                }
            }
            Knob::CheckInterval | Knob::FailureThreshold => {
                let v = number()?;
                let mut any = false;
                for c in &mut s.zone.health_checks {
                    if let HealthCheckKind::Endpoint { interval_s, failure_threshold, .. } = &mut c.kind {
                        if self == Knob::CheckInterval {
                            *interval_s = v;
                        } else {
                            *failure_threshold = v;
                        }
                        any = true;
                    }
                }
                if !any {
                    return Err(format!("{}: the design has no endpoint health check", self.name()));
                }
            }
            Knob::Lb => {
                let kind = match value {
                    "alb" => LbKind::Alb,
                    "nlb" => LbKind::Nlb,
                    other => return Err(format!("lb: '{other}' is not alb or nlb")),
                };
                if s.zone.load_balancers.is_empty() {
                    return Err("lb: the design has no load balancer".into());
                }
                for lb in &mut s.zone.load_balancers {
                    lb.kind = kind;
                    lb.health = None;
                }
            }
        }
        Ok(())
    }
}

/// One axis of the grid: a knob and the values it takes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    /// The knob.
    pub knob: Knob,
    /// Its values, in order.
    pub values: Vec<String>,
}

/// What each trial measures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// A probe's switch time (the first probe when `None`), s.
    Switch(Option<String>),
    /// The clients' 95th-percentile error window, s.
    ErrorWindow,
}

/// One cell of the grid.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    /// The knobs' values, one per axis.
    pub values: Vec<String>,
    /// Each trial's measurement, s (`None`: the metric did not occur, e.g. the probe
    /// never switched).
    pub samples_s: Vec<Option<f64>>,
    /// Median over the trials that measured something, by nearest rank.
    pub p50_s: Option<f64>,
    /// 95th percentile, by nearest rank.
    pub p95_s: Option<f64>,
}

/// A whole sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    /// The knobs, one per axis.
    pub knobs: Vec<Knob>,
    /// What was measured.
    pub metric: Metric,
    /// Trials per cell.
    pub trials: u32,
    /// Seed of the first trial.
    pub seed: u64,
    /// Every cell, the first axis outermost.
    pub cells: Vec<Cell>,
}

/// Runs the grid. One or two axes, each with at least one value; at least one trial.
pub fn sweep(base: &Scenario, axes: &[Axis], metric: &Metric, trials: u32) -> Result<Sweep, Problems> {
    let bad = |m: &str| Problems(vec![Problem::new("sweep", m)]);
    if axes.is_empty() || axes.len() > 2 {
        return Err(bad("a sweep has one or two knobs"));
    }
    if axes.iter().any(|a| a.values.is_empty()) {
        return Err(bad("every knob needs at least one value"));
    }
    if trials == 0 {
        return Err(bad("at least one trial per cell"));
    }
    let mut combos: Vec<Vec<&str>> = vec![Vec::new()];
    for a in axes {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                a.values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push(v.as_str());
                    c
                })
            })
            .collect();
    }
    let knobs: Vec<Knob> = axes.iter().map(|a| a.knob).collect();
    let cells = combos.iter().map(|values| cell(base, &knobs, values, metric, trials)).collect::<Result<_, _>>()?;
    Ok(Sweep { knobs, metric: metric.clone(), trials, seed: base.seed, cells })
}

/// Runs one cell: `base` with each knob set to its value, `trials` seeded runs.
pub fn cell(base: &Scenario, knobs: &[Knob], values: &[&str], metric: &Metric, trials: u32) -> Result<Cell, Problems> {
    let samples = cell_samples(base, knobs, values, metric, 0..u64::from(trials))?;
    Ok(summarize(values.iter().map(|v| v.to_string()).collect(), samples))
}

/// Part of a cell: trials `seeds` (trial `i` runs with seed `base.seed + i`) of `base`
/// with each knob set to its value, each trial's measurement in order. A cell's
/// trials split into ranges and run apart (in a page's workers) give the same samples.
pub fn cell_samples(
    base: &Scenario,
    knobs: &[Knob],
    values: &[&str],
    metric: &Metric,
    seeds: Range<u64>,
) -> Result<Vec<Option<f64>>, Problems> {
    let mut s = base.clone();
    for (k, v) in knobs.iter().zip(values) {
        k.apply(&mut s, v).map_err(|m| Problems(vec![Problem::new("--knob", m)]))?;
    }
    let mut samples = Vec::with_capacity((seeds.end.saturating_sub(seeds.start)) as usize);
    for i in seeds {
        let mut t = s.clone();
        t.seed = base.seed.wrapping_add(i);
        let mut sim = Sim::new(&t)?.without_trace();
        sim.run_until(sim.duration());
        let summary = sim.summary();
        let ms = match metric {
            Metric::Switch(probe) => {
                let id = probe
                    .as_deref()
                    .or_else(|| s.probes.first().map(|p| p.id.as_str()))
                    .ok_or_else(|| Problems(vec![Problem::new("probes", "the switch metric needs a probe")]))?;
                *summary
                    .switch_ms
                    .get(id)
                    .ok_or_else(|| Problems(vec![Problem::new("--probe", format!("no probe '{id}'"))]))?
            }
            Metric::ErrorWindow => summary.error_window_p95_ms,
        };
        samples.push(ms.map(|v| v as f64 / 1000.0));
    }
    Ok(samples)
}

/// A cell from its knobs' values and every trial's measurement, in seed order.
pub fn summarize(values: Vec<String>, samples: Vec<Option<f64>>) -> Cell {
    let present: Vec<f64> = samples.iter().flatten().copied().collect();
    let q = percentiles(&present);
    Cell { values, samples_s: samples, p50_s: q.map(|q| q.0), p95_s: q.map(|q| q.1) }
}

/// How much one knob moves the result: the spread of the p95 across its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Influence {
    /// The knob.
    pub knob: Knob,
    /// The value with the lowest p95 (cells with that value, averaged over the
    /// other knob's values) and that p95, s.
    pub best: (String, f64),
    /// The value with the highest, and that p95, s.
    pub worst: (String, f64),
}

impl Influence {
    /// Highest minus lowest p95, s.
    pub fn spread_s(&self) -> f64 {
        self.worst.1 - self.best.1
    }
}

/// Which knob matters most: for each knob, its values' p95 (the mean over the cells
/// with that value, which averages out the other knob), the lowest and the highest;
/// the knobs sorted by that spread, widest first. Values whose cells measured nothing
/// are left out; a knob with no measured value is too.
pub fn influence(knobs: &[Knob], cells: &[Cell]) -> Vec<Influence> {
    let mut out = Vec::new();
    for (axis, &knob) in knobs.iter().enumerate() {
        // Values in first-seen order, each with the sum and count of its cells' p95.
        let mut by_value: Vec<(String, f64, u32)> = Vec::new();
        for c in cells {
            let (Some(v), Some(p95)) = (c.values.get(axis), c.p95_s) else { continue };
            match by_value.iter_mut().find(|(name, _, _)| name == v) {
                Some(e) => {
                    e.1 += p95;
                    e.2 += 1;
                }
                None => by_value.push((v.clone(), p95, 1)),
            }
        }
        let means: Vec<(String, f64)> = by_value.into_iter().map(|(v, sum, n)| (v, sum / f64::from(n))).collect();
        let best = means.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let worst = means.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        if let (Some(best), Some(worst)) = (best, worst) {
            out.push(Influence { knob, best: best.clone(), worst: worst.clone() });
        }
    }
    out.sort_by(|a, b| b.spread_s().total_cmp(&a.spread_s()));
    out
}
