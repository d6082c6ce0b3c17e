//! Trials shipped to a page's workers: the messages (a request names a scenario, the
//! work — plain trials or one sweep cell — and a range of trial indices; a response
//! carries those trials' measurements), how a run splits into such ranges, what a
//! worker does with a request, and how the answers, arriving in any order from any
//! number of workers, assemble back by trial index.
//!
//! Trial `i` always runs with seed `scenario.seed + i`, exactly as
//! [`playback::trial`] and [`sweep::cell`] run it, so a run gives the same results on
//! one worker, on eight, on the page's main thread or in the CLI.
//!
//! Messages are JSON text (the scenario's own serde format inside), small enough to
//! post many times: a request per range, a response per range. A worker also runs
//! imports ([`ImportJob`]), so the page's own module carries no importer.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::design::sweep::{self, Cell, Knob, Metric};
use crate::failover::playback::{self, TrialResult};
use crate::formats::import::{self, Outcome, Source};
use crate::spec::scenario::Scenario;

/// What the trials of a request measure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Work {
    /// The scenario as it is, as the trials panel plots it: the first probe's switch
    /// time and the longest client error window.
    Trials,
    /// One sweep cell: the scenario with each knob set to its value, measuring `metric`.
    Cell {
        /// The knobs, one per axis.
        knobs: Vec<Knob>,
        /// Their values, in the same order.
        values: Vec<String>,
        /// What each trial measures.
        metric: Metric,
    },
}

/// A request to a worker: run trials `from..to` of `work` on `scenario`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The page's tag for the run, echoed in the response.
    pub run: u32,
    /// The page's tag for the task within the run (a sweep's cell index), echoed.
    pub task: u32,
    /// The scenario; its seed is trial 0's.
    pub scenario: Scenario,
    /// What the trials measure.
    pub work: Work,
    /// First trial index.
    pub from: u64,
    /// One past the last trial index.
    pub to: u64,
}

/// A worker's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    /// The worker has loaded and listens for requests.
    Ready,
    /// Trials `from..from + switch_s.len()` of [`Work::Trials`], in index order.
    Trials {
        /// The request's run.
        run: u32,
        /// The request's task.
        task: u32,
        /// First trial index.
        from: u64,
        /// Each trial's first-probe switch time, s.
        switch_s: Vec<Option<f64>>,
        /// Each trial's longest client error window, s.
        window_s: Vec<Option<f64>>,
    },
    /// Trials `from..from + samples_s.len()` of a [`Work::Cell`], in index order.
    Samples {
        /// The request's run.
        run: u32,
        /// The request's task (the cell).
        task: u32,
        /// First trial index.
        from: u64,
        /// Each trial's measurement, s.
        samples_s: Vec<Option<f64>>,
    },
    /// The request could not run (the scenario or a knob's value does not fit).
    Failed {
        /// The request's run.
        run: u32,
        /// Why, for people.
        message: String,
    },
}

impl Request {
    /// The message text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a request always serializes")
    }

    /// Reads a message; an error says what is wrong with it.
    pub fn from_json(text: &str) -> Result<Request, String> {
        serde_json::from_str(text).map_err(|e| format!("not a request: {e}"))
    }
}

impl Response {
    /// The message text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a response always serializes")
    }

    /// Reads a message; an error says what is wrong with it.
    pub fn from_json(text: &str) -> Result<Response, String> {
        serde_json::from_str(text).map_err(|e| format!("not a response: {e}"))
    }
}

/// Trials `0..n` in consecutive ranges of at most `chunk` (at least 1) trials.
pub fn split(n: u64, chunk: u64) -> Vec<Range<u64>> {
    let chunk = chunk.max(1);
    (0..n.div_ceil(chunk)).map(|k| k * chunk..((k + 1) * chunk).min(n)).collect()
}

/// Runs a request: what a worker does with one, and what the page does itself when
/// it has no workers.
pub fn serve(req: &Request) -> Response {
    let failed = |message: String| Response::Failed { run: req.run, message };
    match &req.work {
        Work::Trials => {
            let mut switch_s = Vec::new();
            let mut window_s = Vec::new();
            for i in req.from..req.to {
                match playback::trial(&req.scenario, req.scenario.seed.wrapping_add(i)) {
                    Ok(r) => {
                        switch_s.push(r.switch_s);
                        window_s.push(r.error_window_max_s);
                    }
                    Err(e) => return failed(e.to_string()),
                }
            }
            Response::Trials { run: req.run, task: req.task, from: req.from, switch_s, window_s }
        }
        Work::Cell { knobs, values, metric } => {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            match sweep::cell_samples(&req.scenario, knobs, &values, metric, req.from..req.to) {
                Ok(samples_s) => Response::Samples { run: req.run, task: req.task, from: req.from, samples_s },
                Err(e) => failed(e.to_string()),
            }
        }
    }
}

/// A worker's whole job: a request's text in, the response's text out.
pub fn answer(text: &str) -> String {
    // An import names its sources and the current design; a trial request, its run first.
    if let Ok(job) = serde_json::from_str::<ImportJob>(text) {
        return job.run().to_json();
    }
    match Request::from_json(text) {
        Ok(req) => serve(&req).to_json(),
        Err(message) => Response::Failed { run: 0, message }.to_json(),
    }
}

/// An import shipped to a worker: the page keeps the importers (AWS, Terraform,
/// change batches) out of its own module, and a big file parses off the main thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportJob {
    /// The documents chosen, dropped or pasted.
    pub sources: Vec<Source>,
    /// The design open in the page (a change batch or traffic policy applies onto it).
    pub current: Scenario,
    /// Schedule a lone change batch at this moment, ms, instead of applying it now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<u64>,
}

/// A worker's answer to an [`ImportJob`]: [`import::import`]'s result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportReply {
    /// The import ran.
    Imported(Box<Outcome>),
    /// It was refused: one line naming the file and the place.
    Refused(String),
}

impl ImportJob {
    /// The message text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an import job always serializes")
    }

    /// Runs the import.
    pub fn run(&self) -> ImportReply {
        match import::import(&self.sources, &self.current, self.at_ms) {
            Ok(out) => ImportReply::Imported(Box::new(out)),
            Err(message) => ImportReply::Refused(message),
        }
    }
}

impl ImportReply {
    /// The message text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an import reply always serializes")
    }

    /// Reads a worker's answer to an import (`None`: not one, e.g. `Ready`).
    pub fn from_json(text: &str) -> Option<ImportReply> {
        serde_json::from_str(text).ok()
    }
}

/// Trials of one run, gathered by index as their ranges arrive in any order.
#[derive(Clone, Debug, PartialEq)]
pub struct TrialSlots {
    seed: u64,
    slots: Vec<Option<TrialResult>>,
    done: usize,
}

impl TrialSlots {
    /// Room for `n` trials of a scenario whose seed is `seed`.
    pub fn new(seed: u64, n: u64) -> TrialSlots {
        TrialSlots { seed, slots: vec![None; n as usize], done: 0 }
    }

    /// Puts a [`Response::Trials`] in place (other responses, and trials beyond the
    /// run, are ignored).
    pub fn take(&mut self, resp: &Response) {
        let Response::Trials { from, switch_s, window_s, .. } = resp else { return };
        for (k, (sw, win)) in switch_s.iter().zip(window_s).enumerate() {
            let i = *from + k as u64;
            let Some(slot) = self.slots.get_mut(i as usize) else { continue };
            if slot.is_none() {
                self.done += 1;
            }
            *slot = Some(TrialResult { seed: self.seed.wrapping_add(i), switch_s: *sw, error_window_max_s: *win });
        }
    }

    /// Trials arrived so far.
    pub fn done(&self) -> usize {
        self.done
    }

    /// Trials of the run.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Is the run empty?
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The trials arrived so far, in index order (all of them, in seed order, once
    /// every range arrived).
    pub fn results(&self) -> impl Iterator<Item = &TrialResult> {
        self.slots.iter().flatten()
    }
}

/// One trial's place in a cell: `None` until it arrives, then its measurement.
type Slot = Option<Option<f64>>;

/// A sweep's cells, gathered by cell and trial index as their ranges arrive.
#[derive(Clone, Debug, PartialEq)]
pub struct CellSlots {
    cells: Vec<(Vec<String>, Vec<Slot>)>,
    done: usize,
}

impl CellSlots {
    /// Room for `trials` trials of each cell, given by its knobs' values.
    pub fn new(cells: Vec<Vec<String>>, trials: u64) -> CellSlots {
        CellSlots { cells: cells.into_iter().map(|v| (v, vec![None; trials as usize])).collect(), done: 0 }
    }

    /// Puts a [`Response::Samples`] in place (others are ignored).
    pub fn take(&mut self, resp: &Response) {
        let Response::Samples { task, from, samples_s, .. } = resp else { return };
        let Some((_, slots)) = self.cells.get_mut(*task as usize) else { return };
        for (k, s) in samples_s.iter().enumerate() {
            let Some(slot) = slots.get_mut(*from as usize + k) else { continue };
            if slot.is_none() {
                self.done += 1;
            }
            *slot = Some(*s);
        }
    }

    /// Trials arrived so far, over all cells.
    pub fn done(&self) -> usize {
        self.done
    }

    /// Trials of the whole sweep.
    pub fn total(&self) -> usize {
        self.cells.iter().map(|(_, s)| s.len()).sum()
    }

    /// The cells whose every trial arrived, summarized, with their index.
    pub fn complete(&self) -> Vec<(usize, Cell)> {
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, (_, s))| s.iter().all(Option::is_some))
            .map(|(i, (v, s))| (i, sweep::summarize(v.clone(), s.iter().map(|x| x.flatten()).collect())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::presets::preset;
    use crate::design::sweep::{Axis, influence, sweep};

    fn request(s: &Scenario, work: Work, task: u32, r: Range<u64>) -> Request {
        Request { run: 7, task, scenario: s.clone(), work, from: r.start, to: r.end }
    }

    #[test]
    fn split_covers_every_trial_once_in_order() {
        assert_eq!(split(10, 4), vec![0..4, 4..8, 8..10]);
        assert_eq!(split(8, 4), vec![0..4, 4..8]);
        assert_eq!(split(3, 0), vec![0..1, 1..2, 2..3]);
        assert!(split(0, 5).is_empty());
        for (n, chunk) in [(1u64, 1u64), (7, 3), (100, 8), (1000, 37)] {
            let r = split(n, chunk);
            assert_eq!(r.first().map(|r| r.start), Some(0));
            assert_eq!(r.last().map(|r| r.end), Some(n));
            assert!(r.windows(2).all(|w| w[0].end == w[1].start));
            assert!(r.iter().all(|r| !r.is_empty() && r.end - r.start <= chunk));
        }
    }

    #[test]
    fn messages_round_trip_through_their_text() {
        let s = preset("latency-weighted-alb").unwrap();
        let cell = Work::Cell {
            knobs: vec![Knob::Ttl, Knob::Lb],
            values: vec!["30".into(), "nlb".into()],
            metric: Metric::Switch(Some("p".into())),
        };
        for work in [Work::Trials, cell] {
            let req = request(&s, work, 3, 5..9);
            let text = req.to_json();
            assert_eq!(Request::from_json(&text).unwrap(), req);
        }
        let resps = [
            Response::Ready,
            // Measurements that are not round in binary come back bit for bit.
            Response::Trials {
                run: 1,
                task: 0,
                from: 40,
                switch_s: vec![Some(0.1), None, Some(61.237)],
                window_s: vec![None, Some(1e-3), Some(12.345)],
            },
            Response::Samples { run: 2, task: 5, from: 0, samples_s: vec![Some(2.0 / 3.0), None] },
            Response::Failed { run: 3, message: "lb: the design has no load balancer".into() },
        ];
        for r in resps {
            assert_eq!(Response::from_json(&r.to_json()).unwrap(), r);
        }
        assert!(Request::from_json("{\"run\":1}").unwrap_err().starts_with("not a request"));
        assert!(matches!(Response::from_json(&answer("garbage")).unwrap(), Response::Failed { .. }));
    }

    #[test]
    fn an_import_in_a_worker_gives_what_the_importer_gives() {
        let current = preset("latency-weighted-alb").unwrap();
        let fixture = |name: &str| {
            let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
            Source::new(name, std::fs::read_to_string(path).unwrap())
        };
        let good = vec![fixture("aws-record-sets.json"), fixture("aws-health-checks.json")];
        let bad = vec![Source::new("broken.json", "{\"ResourceRecordSets\": [")];
        for (sources, imports) in [(good, true), (bad, false)] {
            let job = ImportJob { sources: sources.clone(), current: current.clone(), at_ms: None };
            let text = answer(&job.to_json());
            let reply = ImportReply::from_json(&text).unwrap();
            let expected = match import::import(&sources, &current, None) {
                Ok(out) => ImportReply::Imported(Box::new(out)),
                Err(message) => ImportReply::Refused(message),
            };
            assert_eq!(reply, expected);
            assert_eq!(matches!(reply, ImportReply::Imported(_)), imports, "{reply:?}");
        }
        // The worker's other messages are not import replies, and a trial request is
        // not taken for an import.
        assert_eq!(ImportReply::from_json(&Response::Ready.to_json()), None);
        let req = request(&current, Work::Trials, 0, 0..1);
        assert!(matches!(Response::from_json(&answer(&req.to_json())).unwrap(), Response::Trials { .. }));
    }

    #[test]
    fn trials_split_among_workers_assemble_to_the_sequential_run() {
        let s = preset("latency-weighted-alb").unwrap();
        let n = 13;
        let sequential: Vec<TrialResult> = (0..n).map(|i| playback::trial(&s, s.seed + i).unwrap()).collect();
        // Ranges of 3 dealt to 4 "workers" round-robin; each worker's answers arrive
        // as text, the workers' streams interleaved last worker first.
        let ranges = split(n, 3);
        let mut streams: Vec<Vec<String>> = vec![Vec::new(); 4];
        for (k, r) in ranges.iter().enumerate() {
            streams[k % 4].push(answer(&request(&s, Work::Trials, 0, r.clone()).to_json()));
        }
        let mut slots = TrialSlots::new(s.seed, n);
        for text in streams.iter().rev().flatten() {
            assert!(slots.done() < n as usize);
            slots.take(&Response::from_json(text).unwrap());
        }
        assert_eq!(slots.done(), n as usize);
        assert_eq!(slots.results().copied().collect::<Vec<_>>(), sequential);
    }

    #[test]
    fn cells_split_into_ranges_assemble_to_the_sweep() {
        let s = preset("latency-weighted-cname-ttl1-nlb").unwrap();
        let axes = [Axis { knob: Knob::Ttl, values: vec!["10".into(), "120".into()] }];
        let metric = Metric::Switch(None);
        let whole = sweep(&s, &axes, &metric, 5).unwrap();
        let cells: Vec<Vec<String>> = axes[0].values.iter().map(|v| vec![v.clone()]).collect();
        let mut slots = CellSlots::new(cells.clone(), 5);
        assert_eq!(slots.total(), 10);
        // Last cell first, its ranges backwards.
        for (task, values) in cells.iter().enumerate().rev() {
            for r in split(5, 2).into_iter().rev() {
                let work = Work::Cell { knobs: vec![Knob::Ttl], values: values.clone(), metric: metric.clone() };
                slots.take(&serve(&request(&s, work, task as u32, r)));
            }
            assert_eq!(slots.complete().len(), cells.len() - task);
        }
        assert_eq!(slots.done(), 10);
        let got: Vec<Cell> = slots.complete().into_iter().map(|(_, c)| c).collect();
        assert_eq!(got, whole.cells);
    }

    #[test]
    fn a_knob_that_does_not_fit_fails_the_request() {
        let s = preset("latency-weighted-alb").unwrap();
        let work = Work::Cell { knobs: vec![Knob::Ttl], values: vec!["soon".into()], metric: Metric::ErrorWindow };
        let Response::Failed { run, message } = serve(&request(&s, work, 0, 0..1)) else { panic!("a bad value fails") };
        assert_eq!(run, 7);
        assert!(message.contains("not a whole number"), "{message}");
    }

    #[test]
    fn influence_ranks_the_knob_whose_values_move_the_p95_most() {
        let c = |a: &str, b: &str, p95: Option<f64>| Cell {
            values: vec![a.into(), b.into()],
            samples_s: vec![],
            p50_s: p95,
            p95_s: p95,
        };
        // TTL moves the p95 by about 100 s, the interval by about 10 s.
        let cells = [
            c("1", "10", Some(20.0)),
            c("1", "30", Some(30.0)),
            c("300", "10", Some(120.0)),
            c("300", "30", Some(130.0)),
            c("600", "10", None),
        ];
        let inf = influence(&[Knob::Ttl, Knob::CheckInterval], &cells);
        assert_eq!(inf.len(), 2);
        assert_eq!(inf[0].knob, Knob::Ttl);
        assert_eq!(inf[0].best, ("1".to_string(), 25.0));
        assert_eq!(inf[0].worst, ("300".to_string(), 125.0));
        assert_eq!(inf[0].spread_s(), 100.0);
        assert_eq!(inf[1].knob, Knob::CheckInterval);
        assert_eq!(inf[1].spread_s(), 10.0);
    }
}
