//! `deploy` and `plan-check`: push a scenario's bad build through its wave plan and
//! print the per-wave blast radius, or analyse the plan without running it.

use std::fmt::Write as _;

use super::{describe, load, one_line, value};
use crate::spec::problems::Problems;

pub(super) fn deploy(parser: &mut lexopt::Parser, out: &mut String, check_only: bool) -> Result<(), String> {
    use crate::deploy;
    use crate::spec::deploy::BadKind;
    let mut source = None;
    let mut seed = None;
    let mut json = false;
    let mut kind = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if source.is_none() => source = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("seed") => seed = Some(value::<u64>(parser, "seed")?),
            lexopt::Arg::Long("json") => json = true,
            lexopt::Arg::Long("kind") => {
                kind = Some(match value::<String>(parser, "kind")?.as_str() {
                    "black-hole" => BadKind::BlackHole,
                    "crash" => BadKind::Crash,
                    "slow-on-old-hardware" => BadKind::SlowOnOldHardware,
                    "wrong-answers" => BadKind::WrongAnswers,
                    "version-incompat" => BadKind::VersionIncompat,
                    other => return Err(format!("--kind: '{other}' is not a bad-build kind")),
                })
            }
            other => return Err(format!("unexpected {}", describe(&other))),
        }
    }
    let source = source.ok_or("missing <scenario.json|preset:NAME>")?;
    let scenario = load(&source)?;
    let seed = seed.unwrap_or(scenario.seed);
    if scenario.deploy.is_none()
        && let Some(cp) = &scenario.control_plane
    {
        return control_plane(&scenario.title, cp, &source, check_only, json, out);
    }
    let mut spec = scenario
        .deploy
        .clone()
        .ok_or_else(|| format!("{source}: the scenario has no \"deploy\" or \"control_plane\" section"))?;
    if let Some(k) = kind {
        spec.bad_build.kind = k;
    }
    let first_problem = |p: Problems| one_line(&source, "deploy.", p.0.iter().map(ToString::to_string));
    if check_only {
        let warnings = deploy::analyze(&spec, seed).map_err(first_problem)?;
        let _ = writeln!(out, "{} — plan '{}': {} waves", scenario.title, spec.plan.name, spec.plan.waves.len());
        if warnings.is_empty() {
            out.push_str("no warnings\n");
        }
        for w in warnings {
            let at = if w.wave == 0 { "plan".to_string() } else { format!("wave {}", w.wave) };
            let _ = writeln!(out, "  {at:8} {}", w.message);
        }
        return Ok(());
    }
    let r = deploy::run(&spec, seed).map_err(first_problem)?;
    if json {
        out.push_str(&serde_json::to_string_pretty(&r).expect("serialisable"));
        out.push('\n');
        return Ok(());
    }
    let _ = writeln!(out, "{} — plan '{}', bad build: {}", scenario.title, r.plan, r.kind.as_str());
    if r.caught_in_staging {
        out.push_str("caught in staging: production untouched\n");
        out.push_str(&selection_text(&r.selection));
        return Ok(());
    }
    let _ = writeln!(
        out,
        "{:>5} {:>5} {:>8} {:>9} {:>10} {:>9} {:>9} {:>10} {:>12} {:>12}",
        "wave", "locs", "stripes", "worst NS", "resolvers", "+p50 ms", "+p99 ms", "failed", "wrong r·s", "user-min"
    );
    for w in r.waves.iter().chain(std::iter::once(&r.total)) {
        let label = if w.wave == 0 { "total".to_string() } else { w.wave.to_string() };
        let _ = writeln!(
            out,
            "{:>5} {:>5} {:>8} {:>9} {:>9.1}% {:>9.1} {:>9.1} {:>10.0} {:>12.0} {:>12.0}",
            label,
            w.locations.len(),
            w.stripes.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(","),
            format!("{}/4", w.worst_ns_per_zone),
            w.resolvers_affected_pct,
            w.added_latency_p50_ms,
            w.added_latency_p99_ms,
            w.failed_resolutions,
            w.wrong_resolver_seconds,
            w.user_minutes
        );
    }
    let s = |v: Option<u64>| v.map_or_else(|| "—".to_string(), |v| format!("{v} s"));
    let _ = writeln!(
        out,
        "waves started {} · detect {} · halt {} · rolled back {} · last wrong answer used {}",
        r.waves_started,
        s(r.time_to_detect_s),
        s(r.time_to_halt_s),
        s(r.time_to_rollback_s),
        s(r.last_wrong_answer_s)
    );
    out.push_str(&selection_text(&r.selection));
    Ok(())
}

/// The name-server selection shares in two lines.
fn selection_text(sel: &crate::deploy::SelectionReport) -> String {
    let kinds: Vec<String> =
        sel.by_kind.iter().map(|(k, v)| format!("{} {:.0} %", k.label(), v.majority_to_fastest_pct)).collect();
    format!(
        "name servers: {:.0} % of resolvers send most queries to their fastest (mean share {:.0} %, over {} s)\n  {}\n",
        sel.overall.majority_to_fastest_pct,
        sel.overall.mean_share_pct,
        sel.window_s,
        kinds.join(" · ")
    )
}

fn control_plane(
    title: &str,
    cp: &crate::spec::control::ControlPlaneSpec,
    source: &str,
    check_only: bool,
    json: bool,
    out: &mut String,
) -> Result<(), String> {
    if check_only {
        let _ = writeln!(
            out,
            "{title} — plan '{}': {} waves (a control-plane plan: no stripe analysis)",
            cp.name,
            cp.waves.len()
        );
        return Ok(());
    }
    let r = crate::deploy::control::run(cp)
        .map_err(|p| one_line(source, "control_plane.", p.0.iter().map(ToString::to_string)))?;
    if json {
        out.push_str(&serde_json::to_string_pretty(&r).expect("serialisable"));
        out.push('\n');
        return Ok(());
    }
    let _ = writeln!(out, "{title} — plan '{}'", r.plan);
    if r.caught_in_staging {
        out.push_str("caught in staging: production untouched\n");
    }
    let _ = writeln!(out, "{:>5} {:24} {:>6} {:>14} {:>14}", "wave", "fleets", "hosts", "customer fail", "other fail");
    for w in &r.waves {
        let _ = writeln!(
            out,
            "{:>5} {:24} {:>6} {:>14.0} {:>14.0}",
            w.wave,
            w.fleets.join(","),
            w.hosts_deployed,
            w.customer_failed,
            w.other_failed
        );
    }
    for (t, e) in &r.timeline {
        let _ = writeln!(out, "  {t}  {e}");
    }
    Ok(())
}
