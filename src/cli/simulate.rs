//! `simulate` and `explain`: run a scenario and print its timeline, probe log and
//! metrics (or percentiles over trials); show Route 53's answer and the path taken.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{build, describe, load, value};
use crate::base::geo;
use crate::base::rng::SimRng;
use crate::base::time::SimTime;
use crate::failover::playback::percentiles;
use crate::failover::sim::{Report, Sim};
use crate::route53::answer::{self, ClientAddr, Query};
use crate::spec::scenario::Scenario;
use crate::spec::zone::RecordType;

pub(super) fn simulate(parser: &mut lexopt::Parser, out: &mut String) -> Result<(), String> {
    let mut source = None;
    let mut seed = None;
    let mut trials = None;
    let mut json = false;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if source.is_none() => source = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("seed") => seed = Some(value::<u64>(parser, "seed")?),
            lexopt::Arg::Long("trials") => trials = Some(value::<u32>(parser, "trials")?),
            lexopt::Arg::Long("json") => json = true,
            other => return Err(format!("simulate: unexpected {}", describe(&other))),
        }
    }
    let source = source.ok_or("simulate: missing <scenario.json|preset:NAME>")?;
    let mut scenario = load(&source)?;
    if let Some(s) = seed {
        scenario.seed = s;
    }
    if let Some(n) = trials {
        if n == 0 {
            return Err("--trials: must be at least 1".into());
        }
        let reports: Vec<Report> = (0..u64::from(n))
            .map(|i| {
                let mut s = scenario.clone();
                s.seed = scenario.seed.wrapping_add(i);
                let mut sim = build(&s, &source)?;
                sim.run_until(sim.duration());
                Ok(sim.report())
            })
            .collect::<Result<_, String>>()?;
        let table = trial_table(&reports);
        if json {
            out.push_str(&serde_json::to_string_pretty(&table).expect("serialisable"));
            out.push('\n');
        } else {
            let _ = writeln!(out, "{} — {n} trials from seed {}", scenario.title, scenario.seed);
            let _ = writeln!(out, "{:44} {:>10} {:>10} {:>10} {:>6}", "metric (s)", "p50", "p95", "max", "runs");
            for (name, values) in &table {
                let Some((p50, p95, max)) = percentiles(values) else { continue };
                let _ = writeln!(out, "{name:44} {p50:>10.1} {p95:>10.1} {max:>10.1} {:>6}", values.len());
            }
        }
        return Ok(());
    }
    let mut sim = build(&scenario, &source)?;
    sim.run_until(sim.duration());
    let report = sim.report();
    if json {
        out.push_str(&serde_json::to_string(&report).expect("serialisable"));
        out.push('\n');
        return Ok(());
    }
    print_report(&sim, &report, out);
    print_story(&scenario, out);
    Ok(())
}

/// Every summary metric over the trials, in seconds.
fn trial_table(reports: &[Report]) -> BTreeMap<String, Vec<f64>> {
    let mut t: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let s = |ms: u64| ms as f64 / 1000.0;
    for r in reports {
        let m = &r.summary;
        let mut put = |k: String, v: Option<u64>| {
            if let Some(v) = v {
                t.entry(k).or_default().push(s(v));
            }
        };
        put("detection".into(), m.detection_ms);
        put("error window p50".into(), m.error_window_p50_ms);
        put("error window p95".into(), m.error_window_p95_ms);
        put("error window max".into(), m.error_window_max_ms);
        for (probe, v) in &m.switch_ms {
            put(format!("{probe}: switch"), *v);
        }
        for (probe, p) in &m.phases {
            put(format!("{probe}: phase detection"), p.detection_ms);
            put(format!("{probe}: phase push"), p.push_ms);
            put(format!("{probe}: phase resolver TTL"), p.resolver_ttl_ms);
            put(format!("{probe}: phase client cache"), p.client_cache_ms);
            put(format!("{probe}: phase connection"), p.connection_ms);
        }
    }
    t
}

fn secs(ms: Option<u64>) -> String {
    ms.map_or_else(|| "—".to_string(), |v| format!("{:.1} s", v as f64 / 1000.0))
}

fn print_report(sim: &Sim, r: &Report, out: &mut String) {
    let _ = writeln!(out, "{} — seed {}, {} s simulated, {} events", r.title, r.seed, r.duration_s, r.events);
    let _ = writeln!(out, "\ntimeline (faults, health, configuration):");
    for e in sim.trace_lines() {
        if matches!(e.kind, "fault" | "status" | "dns-status" | "target" | "dns-target" | "config") {
            let _ = writeln!(out, "  {}  {:10} {:14} {}", e.at, e.kind, e.subject, e.detail);
        }
    }
    for (probe, obs) in &r.probes {
        let _ = writeln!(out, "\nprobe {probe} (one line per change of answer, region or outcome):");
        let mut i = 0;
        while i < obs.len() {
            let o = &obs[i];
            let mut j = i + 1;
            while j < obs.len() && obs[j].region == o.region && obs[j].result == o.result && obs[j].answer == o.answer {
                j += 1;
            }
            let _ = writeln!(
                out,
                "  {} … {}  {:>4}×  {:32} → {:15} {}",
                o.at,
                obs[j - 1].at,
                j - i,
                truncate(&o.answer, 32),
                o.region.as_deref().unwrap_or("-"),
                o.result.as_str()
            );
            i = j;
        }
    }
    let m = &r.summary;
    let _ = writeln!(out, "\nsummary:");
    let _ = writeln!(out, "  fault at                {}", secs(m.fault_at_ms));
    let _ = writeln!(out, "  detection (→ DNS)       {}", secs(m.detection_ms));
    for (probe, v) in &m.switch_ms {
        let _ = writeln!(out, "  {probe} switch time      {}", secs(*v));
        if let Some(p) = m.phases.get(probe) {
            let _ = writeln!(
                out,
                "    phases: detection {} → push {} → resolver TTL {} → client cache {} → connection {}",
                secs(p.detection_ms),
                secs(p.push_ms),
                secs(p.resolver_ttl_ms),
                secs(p.client_cache_ms),
                secs(p.connection_ms)
            );
            if let Some(cause) = &p.cause {
                let _ = writeln!(out, "    moved by: {cause}");
            }
        }
    }
    let _ = writeln!(
        out,
        "  client error window     p50 {} · p95 {} · max {}",
        secs(m.error_window_p50_ms),
        secs(m.error_window_p95_ms),
        secs(m.error_window_max_ms)
    );
    let _ =
        writeln!(out, "  requests                {:.0}, clients with errors {:.0}", m.requests, m.clients_with_errors);
    for (kind, n) in &m.errors_by_kind {
        let _ = writeln!(out, "    {kind:22} {n:.0}");
    }
    let _ = writeln!(out, "  trace hash              {}", r.trace_hash);
}

/// What to watch for in this scenario (its story's hints name the mechanisms) and the
/// assumptions the run rests on, as the page shows them beside the numbers.
fn print_story(s: &Scenario, out: &mut String) {
    if !s.watch_for.is_empty() {
        let _ = writeln!(out, "\nwatch for:");
        for w in &s.watch_for {
            let _ = writeln!(out, "  - {w}");
        }
    }
    let _ = writeln!(out, "\nassumed (no public source; docs/model.md):");
    for a in crate::design::assumptions::assumptions(s) {
        let _ = writeln!(out, "  - {}: {} ({})", a.what, a.value, a.why);
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

pub(super) fn explain(parser: &mut lexopt::Parser, out: &mut String) -> Result<(), String> {
    let mut source = None;
    let mut query = None;
    let mut rtype = RecordType::A;
    let mut from = "washington-dc".to_string();
    let mut ecs = None;
    let mut at_s = 0u64;
    let mut seed = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if source.is_none() => source = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("query") => query = Some(value::<String>(parser, "query")?),
            lexopt::Arg::Long("type") => {
                rtype = match value::<String>(parser, "type")?.as_str() {
                    "A" => RecordType::A,
                    "AAAA" => RecordType::AAAA,
                    "CNAME" => RecordType::CNAME,
                    other => return Err(format!("--type: '{other}' is not A, AAAA or CNAME")),
                }
            }
            lexopt::Arg::Long("from") => from = value(parser, "from")?,
            lexopt::Arg::Long("ecs") => ecs = Some(value::<String>(parser, "ecs")?),
            lexopt::Arg::Long("at") => at_s = value(parser, "at")?,
            lexopt::Arg::Long("seed") => seed = Some(value::<u64>(parser, "seed")?),
            other => return Err(format!("explain: unexpected {}", describe(&other))),
        }
    }
    let source = source.ok_or("explain: missing <scenario.json|preset:NAME>")?;
    let query = query.ok_or("explain: missing --query NAME")?;
    let mut scenario = load(&source)?;
    if let Some(s) = seed {
        scenario.seed = s;
    }
    let city = |id: &str| geo::city(id).ok_or_else(|| format!("unknown city '{id}'"));
    let resolver =
        ClientAddr { addr: u32::from_be_bytes([198, 51, 100, 53]), prefix_len: 32, place: city(&from)?.place() };
    let ecs_addr = match &ecs {
        Some(c) => {
            Some(ClientAddr { addr: u32::from_be_bytes([203, 0, 113, 0]), prefix_len: 24, place: city(c)?.place() })
        }
        None => None,
    };
    let mut sim = build(&scenario, &source)?;
    sim.run_until(SimTime(at_s * 1000));
    let now = sim.now();
    let latency = crate::route53::latency::LatencyTable::new(scenario.params.latency, scenario.seed);
    let view = sim.health().view(sim.zone());
    let q = Query { name: &query, rtype, resolver: &resolver, ecs: ecs_addr.as_ref(), now };
    let (a, ex) = answer::answer_explained(sim.zone(), &q, &view, &latency, &mut SimRng::new(scenario.seed));
    let _ = writeln!(
        out,
        "{} {} from a resolver in {}{} at {}:",
        query,
        rtype.as_str(),
        from,
        ecs.as_ref().map(|e| format!(" (ECS: a client in {e})")).unwrap_or_default(),
        now
    );
    out.push_str(&ex.to_text());
    let _ = writeln!(out, "answer: {}", a.summary());
    Ok(())
}
