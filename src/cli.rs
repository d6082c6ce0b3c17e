//! The native command-line tool `routewave` over the simulation core; one module
//! per group of commands (`cli/simulate.rs`, `cli/deploy.rs`, `cli/formats.rs` for the
//! AWS formats and share links, `cli/terraform.rs`, `cli/challenge.rs` for challenges
//! and sweeps).
//!
//! ```text
//! routewave presets
//! routewave simulate <scenario.json|preset:NAME> [--seed N] [--trials N] [--json]
//! routewave explain <scenario.json|preset:NAME> --query NAME [--type A|AAAA|CNAME]
//!                   [--from CITY] [--ecs CITY] [--at SECONDS] [--seed N]
//! routewave challenge <scenario.json|preset:NAME> [--json]
//! routewave sweep <scenario.json|preset:NAME> --knob K=V,V… [--knob K=V,V…]
//!                 [--metric switch|error_window] [--probe ID] [--trials N] [--seed N] [--json]
//! routewave import-aws | import-changes | import-policy | import-terraform …
//! ```
//! Bad input gives one line naming the file, the position and the problem, and exit
//! code 2; never a panic. A challenge that fails exits with 1.

mod challenge;
mod deploy;
mod formats;
mod simulate;
mod terraform;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::process::ExitCode;

use crate::design::presets;
use crate::failover::sim::Sim;
use crate::spec::scenario::Scenario;

/// Runs the CLI with `args` (without the program name) and returns the exit code.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let mut out = String::new();
    let mut notes = Vec::new();
    match run_status(args, &mut out, &mut notes) {
        Ok(passed) => {
            for n in &notes {
                eprintln!("note: {n}");
            }
            print!("{out}");
            if passed { ExitCode::SUCCESS } else { ExitCode::from(1) }
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
  challenge <scenario.json|preset:NAME> [--json]
                                            check the scenario's challenge: one line per goal and
                                            constraint; exit 0 when all pass, 1 when one fails
  sweep <scenario.json|preset:NAME> --knob KNOB=V,V… [--knob KNOB=V,V…]
      [--metric switch|error_window] [--probe ID] [--trials N] [--seed N] [--json]
                                            run a grid of one or two knobs (ttl, check_interval,
                                            failure_threshold, lb), N seeded trials per cell;
                                            print p50 and p95 per cell
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
  import-changes <batch.json> [--into <scenario.json|preset:NAME>] [--zone NAME]
      [--health-checks FILE] [--at TIME]    read a ChangeResourceRecordSets change batch into a
                                            new scenario, or apply it onto an existing one; with
                                            --into and --at (seconds or m:ss), schedule it in the
                                            fault script as a timed change instead
  import-policy <policy.json> --into <scenario.json|preset:NAME>
                                            replace the scenario's routing tree with a Route 53
                                            traffic-policy document (stdout; notes on stderr)
  import-terraform <dir|file.tf|file.tf.json|state.json|plan.json>
      [--var NAME=VALUE]… [--var-file FILE]…
                                            read Terraform (HCL, JSON, state or plan) into a scenario
  export-policy <scenario.json|preset:NAME>  print the routing tree as a traffic-policy document
  export-changes <scenario.json|preset:NAME> [--zone-id ID]
                                            print a ChangeResourceRecordSets change batch
  export-terraform <scenario.json|preset:NAME> [--zone-id ID]
                                            print the design as Terraform (.tf)
  detect <file>                             say which format a file is in
  version                                   print the version

bad-build kinds: black-hole, crash, slow-on-old-hardware, wrong-answers, version-incompat
";

/// Runs one command, writing its output to `out`; notes are printed on stderr.
/// Errors are one-line messages.
pub fn run(args: Vec<OsString>, out: &mut String) -> Result<(), String> {
    let mut notes = Vec::new();
    run_with_notes(args, out, &mut notes)?;
    for n in &notes {
        eprintln!("note: {n}");
    }
    Ok(())
}

/// Runs one command, collecting its notes (skipped or assumed items) in `notes`.
pub fn run_with_notes(args: Vec<OsString>, out: &mut String, notes: &mut Vec<String>) -> Result<(), String> {
    run_status(args, out, notes).map(|_| ())
}

/// Runs one command; `Ok(false)` when it ran but a verdict failed (a challenge's
/// goal or constraint), which the process reports as exit code 1.
fn run_status(args: Vec<OsString>, out: &mut String, notes: &mut Vec<String>) -> Result<bool, String> {
    let mut parser = lexopt::Parser::from_args(args);
    let command = match parser.next().map_err(|e| e.to_string())? {
        Some(lexopt::Arg::Value(v)) => v.to_string_lossy().into_owned(),
        Some(lexopt::Arg::Long("help")) | Some(lexopt::Arg::Short('h')) | None => {
            out.push_str(USAGE);
            return Ok(true);
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
        "simulate" => simulate::simulate(&mut parser, out)?,
        "challenge" => return challenge::challenge(&mut parser, out),
        "sweep" => challenge::sweep(&mut parser, out)?,
        "explain" => simulate::explain(&mut parser, out)?,
        "deploy" => deploy::deploy(&mut parser, out, false)?,
        "plan-check" => deploy::deploy(&mut parser, out, true)?,
        "import-aws" => formats::import_aws(&mut parser, out, notes)?,
        "import-changes" => formats::import_changes(&mut parser, out, notes)?,
        "import-policy" => formats::import_policy(&mut parser, out, notes)?,
        "export-policy" => formats::export_policy(&mut parser, out, notes)?,
        "export-changes" => formats::export_changes(&mut parser, out, notes)?,
        "link" => formats::link(&mut parser, out, notes)?,
        "detect" => formats::detect(&mut parser, out)?,
        "import-terraform" => terraform::import(&mut parser, out, notes)?,
        "export-terraform" => terraform::export(&mut parser, out, notes)?,
        other => return Err(format!("unknown command '{other}' (try 'routewave help')")),
    }
    Ok(true)
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

/// Reads a text file (a leading byte-order mark is dropped); errors name the file.
fn read_text(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("{path}: not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))?;
    Ok(crate::formats::aws::strip_bom(&text).to_string())
}

/// Loads `preset:NAME` or a JSON file.
pub fn load(source: &str) -> Result<Scenario, String> {
    if let Some(name) = source.strip_prefix("preset:") {
        return presets::preset(name).ok_or_else(|| format!("no preset '{name}' (see 'routewave presets')"));
    }
    let text = read_text(source)?;
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
