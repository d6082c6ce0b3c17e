//! Golden traces: beside the pinned hash, what one preset's run does around its
//! fault, as readable text (tests/golden/). A change that moves the trace shows here
//! as a diff of what moved; `ROUTEWAVE_BLESS=1 cargo test --test it golden` rewrites the
//! file after the change is understood (its commit says why).

use routewave::design::presets;
use routewave::failover::sim::Sim;

/// Lines kept: enough to show detection, the DNS locations flipping and resolvers
/// moving after the first fault.
const LINES: usize = 40;

/// The trace of `preset` from its first fault on, without the probe's request lines
/// and the checkers' individual probes (their effect shows in the lines kept).
fn readable(preset: &str) -> String {
    let s = presets::preset(preset).expect("preset");
    let fault = s.faults.iter().map(|f| f.at_ms).min().expect("a fault");
    let mut sim = Sim::new(&s).expect("valid");
    sim.run_until(sim.duration());
    sim.trace_lines()
        .filter(|l| l.at.as_ms() >= fault && !matches!(l.kind, "probe" | "checker"))
        .take(LINES)
        .map(|l| format!("{} {:<9} {}: {}\n", l.at, l.kind, l.subject, l.detail))
        .collect()
}

#[test]
fn the_trace_around_the_fault_reads_as_recorded() {
    let name = "latency-weighted-nlb";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{name}.txt"));
    let got = readable(name);
    assert_eq!(got.lines().count(), LINES, "the run has that many lines after its fault");
    if std::env::var_os("ROUTEWAVE_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if got != want {
        let diff: Vec<String> = want
            .lines()
            .zip(got.lines())
            .enumerate()
            .filter(|(_, (w, g))| w != g)
            .take(8)
            .map(|(i, (w, g))| format!("line {}:\n  was: {w}\n  now: {g}", i + 1))
            .collect();
        panic!("the trace of {name} moved (ROUTEWAVE_BLESS=1 to accept):\n{}", diff.join("\n"));
    }
}
