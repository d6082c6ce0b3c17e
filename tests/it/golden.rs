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
        panic!("the trace of {name} moved (ROUTEWAVE_BLESS=1 to accept):\n{}", diff(&want, &got));
    }
}

/// The first lines that differ between the recorded trace `want` and this run's
/// `got`, line by line; a line only one side has shows as "(none)" on the other, so
/// a trace that grew or shrank shows its extra or missing lines.
fn diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let lines: Vec<String> = (0..w.len().max(g.len()))
        .filter(|&i| w.get(i) != g.get(i))
        .take(8)
        .map(|i| {
            let show = |l: Option<&&str>| l.map_or("(none)".to_string(), |l| l.to_string());
            format!("line {}:\n  was: {}\n  now: {}", i + 1, show(w.get(i)), show(g.get(i)))
        })
        .collect();
    let mut out = format!("{} lines recorded, {} now\n", w.len(), g.len());
    if lines.is_empty() {
        out.push_str("every line is the same; only line endings differ");
    }
    out.push_str(&lines.join("\n"));
    out
}

#[test]
fn the_diff_shows_lines_one_side_lacks() {
    let d = diff("a\nb\n", "a\nb\nc\n");
    assert!(d.contains("2 lines recorded, 3 now"), "{d}");
    assert!(d.contains("line 3:\n  was: (none)\n  now: c"), "{d}");
    let d = diff("a\nb\nc\n", "a\nc\n");
    assert!(d.contains("line 2:\n  was: b\n  now: c"), "{d}");
    assert!(d.contains("line 3:\n  was: c\n  now: (none)"), "{d}");
    assert!(diff("a\nb", "a\nb\n").contains("only line endings differ"));
}
