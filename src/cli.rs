//! The native command-line tool `routewave` over the simulation core.
//!
//! ```text
//! routewave presets
//! routewave simulate <scenario.json|preset:NAME> [--seed N] [--trials N] [--json]
//! routewave explain <scenario.json|preset:NAME> --query NAME [--type A|AAAA|CNAME]
//!                   [--from CITY] [--ecs CITY] [--at SECONDS] [--seed N]
//! ```
//! Bad input gives one line naming the file, the position and the problem, and a
//! non-zero exit; never a panic.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::process::ExitCode;

use crate::base::geo;
use crate::base::rng::SimRng;
use crate::base::time::SimTime;
use crate::design::presets;
use crate::failover::sim::{Report, Sim};
use crate::route53::answer::{self, ClientAddr, Query};
use crate::spec::problems::Problems;
use crate::spec::scenario::Scenario;
use crate::spec::zone::RecordType;

/// Runs the CLI with `args` (without the program name) and returns the exit code.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let mut out = String::new();
    match run(args, &mut out) {
        Ok(()) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("routewave: {message}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "\
usage: routewave <command> [options]

commands:
  presets                                   list the built-in scenarios
  simulate <scenario.json|preset:NAME>      run a scenario and print its timeline and metrics
      [--seed N] [--trials N] [--json]
  explain <scenario.json|preset:NAME> --query NAME
      [--type A|AAAA|CNAME] [--from CITY] [--ecs CITY] [--at SECONDS] [--seed N]
                                            show Route 53's answer and the path through the tree
  deploy <scenario.json|preset:NAME> [--seed N] [--json] [--kind KIND]
                                            push the scenario's bad build through its wave plan;
                                            print the per-wave blast radius
  plan-check <scenario.json|preset:NAME> [--seed N]
                                            analyse the wave plan without running it
  link <scenario.json|preset:NAME>          print the scenario's share-link fragment (#s=…)
  import-aws <record-sets.json> [--health-checks FILE]
                                            turn `aws route53 list-resource-record-sets` (and
                                            list-health-checks) output into a scenario (stdout);
                                            what was skipped or assumed goes to stderr
  import-policy <policy.json> --into <scenario.json|preset:NAME>
                                            replace the scenario's routing tree with a Route 53
                                            traffic-policy document (stdout; notes on stderr)
  export-policy <scenario.json|preset:NAME>  print the routing tree as a traffic-policy document
  export-changes <scenario.json|preset:NAME> [--zone-id ID]
                                            print a ChangeResourceRecordSets change batch
  version                                   print the version

bad-build kinds: black-hole, crash, slow-on-old-hardware, wrong-answers, version-incompat
";

/// Runs one command, writing its output to `out`. Errors are one-line messages.
pub fn run(args: Vec<OsString>, out: &mut String) -> Result<(), String> {
    let mut parser = lexopt::Parser::from_args(args);
    let command = match parser.next().map_err(|e| e.to_string())? {
        Some(lexopt::Arg::Value(v)) => v.to_string_lossy().into_owned(),
        Some(lexopt::Arg::Long("help")) | Some(lexopt::Arg::Short('h')) | None => {
            out.push_str(USAGE);
            return Ok(());
        }
        Some(other) => return Err(format!("unexpected {}", describe(&other))),
    };
    match command.as_str() {
        "help" => out.push_str(USAGE),
        "version" => out.push_str(concat!("routewave ", env!("CARGO_PKG_VERSION"), "\n")),
        "presets" => {
            for p in presets::PRESETS {
                let s = (p.build)();
                let _ = writeln!(out, "{:34} {}", p.name, s.title);
            }
        }
        "simulate" => simulate(&mut parser, out)?,
        "explain" => explain(&mut parser, out)?,
        "deploy" => deploy(&mut parser, out, false)?,
        "plan-check" => deploy(&mut parser, out, true)?,
        "import-aws" => {
            let mut file = None;
            let mut checks = None;
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    lexopt::Arg::Value(v) if file.is_none() => file = Some(v.to_string_lossy().into_owned()),
                    lexopt::Arg::Long("health-checks") => checks = Some(value::<String>(&mut parser, "health-checks")?),
                    other => return Err(format!("import-aws: unexpected {}", describe(&other))),
                }
            }
            let file = file.ok_or("import-aws: missing <record-sets.json>")?;
            let read = |f: &str| std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"));
            let text = read(&file)?;
            let hc = match &checks {
                Some(f) => Some(read(f)?),
                None => None,
            };
            let imp =
                crate::formats::aws::import_record_sets(&text, hc.as_deref()).map_err(|e| format!("{file}: {e}"))?;
            for n in &imp.notes {
                eprintln!("note: {n}");
            }
            out.push_str(&imp.scenario.to_json());
            out.push('\n');
        }
        "import-policy" => {
            let mut file = None;
            let mut into = None;
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    lexopt::Arg::Value(v) if file.is_none() => file = Some(v.to_string_lossy().into_owned()),
                    lexopt::Arg::Long("into") => into = Some(value::<String>(&mut parser, "into")?),
                    other => return Err(format!("import-policy: unexpected {}", describe(&other))),
                }
            }
            let file = file.ok_or("import-policy: missing <policy.json>")?;
            let base = load(&into.ok_or("import-policy: missing --into <scenario.json|preset:NAME>")?)?;
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
            let imp = crate::formats::aws::import_traffic_policy(&text, &base).map_err(|e| format!("{file}: {e}"))?;
            for n in &imp.notes {
                eprintln!("note: {n}");
            }
            out.push_str(&imp.scenario.to_json());
            out.push('\n');
        }
        "export-policy" => {
            let source = match parser.next().map_err(|e| e.to_string())? {
                Some(lexopt::Arg::Value(v)) => v.to_string_lossy().into_owned(),
                _ => return Err("export-policy: missing <scenario.json|preset:NAME>".into()),
            };
            let s = load(&source)?;
            let (doc, notes) = crate::formats::aws::export_traffic_policy(&s).map_err(|e| format!("{source}: {e}"))?;
            for n in &notes {
                eprintln!("note: {n}");
            }
            out.push_str(&doc);
            out.push('\n');
        }
        "export-changes" => {
            let mut source = None;
            let mut zone_id = "<your hosted zone id>".to_string();
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    lexopt::Arg::Value(v) if source.is_none() => source = Some(v.to_string_lossy().into_owned()),
                    lexopt::Arg::Long("zone-id") => zone_id = value(&mut parser, "zone-id")?,
                    other => return Err(format!("export-changes: unexpected {}", describe(&other))),
                }
            }
            let source = source.ok_or("export-changes: missing <scenario.json|preset:NAME>")?;
            let s = load(&source)?;
            let (batch, notes) = crate::formats::aws::change_batch(&s.zone, &zone_id);
            for n in &notes {
                eprintln!("note: {n}");
            }
            out.push_str(&batch);
            out.push('\n');
        }
        "link" => {
            let source = match parser.next().map_err(|e| e.to_string())? {
                Some(lexopt::Arg::Value(v)) => v.to_string_lossy().into_owned(),
                _ => return Err("link: missing <scenario.json|preset:NAME>".into()),
            };
            let s = load(&source)?;
            let frag = crate::formats::link::encode(&s);
            let _ = writeln!(out, "#{frag}");
            match crate::formats::link::size_class(frag.len() + 1) {
                crate::formats::link::LinkSize::Ok => {}
                crate::formats::link::LinkSize::Long => {
                    eprintln!("note: the link is {} characters; some chat apps cut links past 2,000", frag.len() + 1)
                }
                crate::formats::link::LinkSize::UseFile => {
                    eprintln!("note: the link is {} characters; share the JSON file instead", frag.len() + 1)
                }
            }
        }
        other => return Err(format!("unknown command '{other}' (try 'routewave help')")),
    }
    Ok(())
}

fn describe(arg: &lexopt::Arg<'_>) -> String {
    match arg {
        lexopt::Arg::Short(c) => format!("option '-{c}'"),
        lexopt::Arg::Long(l) => format!("option '--{l}'"),
        lexopt::Arg::Value(v) => format!("argument '{}'", v.to_string_lossy()),
    }
}

fn value<T: std::str::FromStr>(parser: &mut lexopt::Parser, name: &str) -> Result<T, String> {
    let v = parser.value().map_err(|e| e.to_string())?;
    let s = v.to_string_lossy();
    s.parse().map_err(|_| format!("--{name}: '{s}' is not valid"))
}

/// Loads `preset:NAME` or a JSON file.
pub fn load(source: &str) -> Result<Scenario, String> {
    if let Some(name) = source.strip_prefix("preset:") {
        return presets::preset(name).ok_or_else(|| format!("no preset '{name}' (see 'routewave presets')"));
    }
    let text = std::fs::read_to_string(source).map_err(|e| format!("{source}: {e}"))?;
    Scenario::from_json(&text).map_err(|e| one_line(source, "", e.to_string().lines()))
}

fn build(s: &Scenario, source: &str) -> Result<Sim, String> {
    Sim::new(s).map_err(|e| one_line(source, "", e.to_string().lines()))
}

/// The first of several problems on one line, naming the source and how many more
/// there are: `file.json: path: problem (and 2 more)`.
fn one_line<S: AsRef<str>>(source: &str, prefix: &str, problems: impl Iterator<Item = S>) -> String {
    let problems: Vec<S> = problems.collect();
    let first = problems.first().map_or("", AsRef::as_ref);
    match problems.len().saturating_sub(1) {
        0 => format!("{source}: {prefix}{first}"),
        more => format!("{source}: {prefix}{first} (and {more} more)"),
    }
}

fn simulate(parser: &mut lexopt::Parser, out: &mut String) -> Result<(), String> {
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
                let q = quantiles(values);
                let _ = writeln!(out, "{name:44} {:>10.1} {:>10.1} {:>10.1} {:>6}", q.0, q.1, q.2, values.len());
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

/// (p50, p95, max) by nearest rank.
pub fn quantiles(values: &[f64]) -> (f64, f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    (at(0.5), at(0.95), *v.last().unwrap_or(&0.0))
}

fn secs(ms: Option<u64>) -> String {
    ms.map_or_else(|| "—".to_string(), |v| format!("{:.1} s", v as f64 / 1000.0))
}

fn print_report(sim: &Sim, r: &Report, out: &mut String) {
    let _ = writeln!(out, "{} — seed {}, {} s simulated, {} events", r.title, r.seed, r.duration_s, r.events);
    let _ = writeln!(out, "\ntimeline (faults, health, configuration):");
    for e in sim.trace() {
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

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn explain(parser: &mut lexopt::Parser, out: &mut String) -> Result<(), String> {
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

fn deploy(parser: &mut lexopt::Parser, out: &mut String, check_only: bool) -> Result<(), String> {
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
