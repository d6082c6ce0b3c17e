//! `challenge` and `sweep`: check a scenario's challenge, one line per goal and
//! constraint; run a grid of one or two knobs with seeded trials per cell and print
//! p50 and p95 per cell. The work is `design::challenge` and `design::sweep`.

use std::fmt::Write as _;

use super::{describe, load, one_line, value};
use crate::design::challenge::{CheckKind, evaluate};
use crate::design::sweep::{Axis, Knob, Metric, sweep as run_sweep};

/// Prints the verdicts; `Ok(false)` when a goal or constraint fails.
pub(super) fn challenge(parser: &mut lexopt::Parser, out: &mut String) -> Result<bool, String> {
    let mut source = None;
    let mut json = false;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if source.is_none() => source = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("json") => json = true,
            other => return Err(format!("challenge: unexpected {}", describe(&other))),
        }
    }
    let source = source.ok_or("challenge: missing <scenario.json|preset:NAME>")?;
    let scenario = load(&source)?;
    let eval = evaluate(&scenario).map_err(|p| one_line(&source, "", p.0.iter().map(ToString::to_string)))?;
    let passed = eval.passed();
    if json {
        let v = serde_json::json!({ "title": eval.title, "passed": passed, "checks": eval.checks });
        out.push_str(&serde_json::to_string_pretty(&v).expect("serialisable"));
        out.push('\n');
        return Ok(passed);
    }
    let _ = writeln!(out, "{} — {}", eval.title, scenario.title);
    for c in &eval.checks {
        let kind = match c.kind {
            CheckKind::Goal => "goal",
            CheckKind::Constraint => "constraint",
        };
        let measured = c.measured.map_or_else(|| "—".to_string(), |m| format!("{m:.1}"));
        let _ = writeln!(
            out,
            "{} {kind:10} {}: measured {measured} — {}",
            if c.pass { "PASS" } else { "FAIL" },
            c.what,
            c.explanation
        );
    }
    let failed = eval.checks.iter().filter(|c| !c.pass).count();
    if passed {
        let _ = writeln!(out, "PASS: all {} goals and constraints hold", eval.checks.len());
    } else {
        let _ = writeln!(out, "FAIL: {failed} of {} goals and constraints fail", eval.checks.len());
    }
    Ok(passed)
}

/// Runs a sweep and prints its table (or JSON).
pub(super) fn sweep(parser: &mut lexopt::Parser, out: &mut String) -> Result<(), String> {
    let mut source = None;
    let mut axes = Vec::new();
    let mut metric = "switch".to_string();
    let mut probe = None;
    let mut trials = 5u32;
    let mut seed = None;
    let mut json = false;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if source.is_none() => source = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("knob") => {
                let spec: String = value(parser, "knob")?;
                let (name, values) =
                    spec.split_once('=').ok_or_else(|| format!("--knob: '{spec}' is not KNOB=V,V…"))?;
                let knob = Knob::parse(name).ok_or_else(|| {
                    format!("--knob: '{name}' is not a knob (ttl, check_interval, failure_threshold, lb)")
                })?;
                let values: Vec<String> =
                    values.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect();
                if values.is_empty() {
                    return Err(format!("--knob: '{spec}' has no values"));
                }
                axes.push(Axis { knob, values });
            }
            lexopt::Arg::Long("metric") => metric = value(parser, "metric")?,
            lexopt::Arg::Long("probe") => probe = Some(value::<String>(parser, "probe")?),
            lexopt::Arg::Long("trials") => trials = value(parser, "trials")?,
            lexopt::Arg::Long("seed") => seed = Some(value::<u64>(parser, "seed")?),
            lexopt::Arg::Long("json") => json = true,
            other => return Err(format!("sweep: unexpected {}", describe(&other))),
        }
    }
    let source = source.ok_or("sweep: missing <scenario.json|preset:NAME>")?;
    if axes.is_empty() || axes.len() > 2 {
        return Err("sweep: give one or two --knob KNOB=V,V…".into());
    }
    if trials == 0 {
        return Err("--trials: must be at least 1".into());
    }
    let metric = match metric.as_str() {
        "switch" => Metric::Switch(probe),
        "error_window" => Metric::ErrorWindow,
        other => return Err(format!("--metric: '{other}' is not switch or error_window")),
    };
    let mut scenario = load(&source)?;
    if let Some(s) = seed {
        scenario.seed = s;
    }
    let result = run_sweep(&scenario, &axes, &metric, trials)
        .map_err(|p| one_line(&source, "", p.0.iter().map(ToString::to_string)))?;
    if json {
        out.push_str(&serde_json::to_string_pretty(&result).expect("serialisable"));
        out.push('\n');
        return Ok(());
    }
    let what = match &result.metric {
        Metric::Switch(Some(p)) => format!("{p} switch time"),
        Metric::Switch(None) => "first probe's switch time".to_string(),
        Metric::ErrorWindow => "p95 client error window".to_string(),
    };
    let _ = writeln!(out, "{} — {what}, {trials} trials per cell from seed {}", scenario.title, result.seed);
    for k in &result.knobs {
        let _ = write!(out, "{:>18} ", k.name());
    }
    let _ = writeln!(out, "{:>10} {:>10} {:>8}", "p50 s", "p95 s", "runs");
    let f = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.1}"));
    for c in &result.cells {
        for v in &c.values {
            let _ = write!(out, "{v:>18} ");
        }
        let measured = c.samples_s.iter().flatten().count();
        let _ =
            writeln!(out, "{:>10} {:>10} {:>8}", f(c.p50_s), f(c.p95_s), format!("{measured}/{}", c.samples_s.len()));
    }
    Ok(())
}
