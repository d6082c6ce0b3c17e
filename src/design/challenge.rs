//! Evaluating a scenario's challenge: run the simulations its goals need (the
//! failover timeline once; the data-plane deployment once per bad-build kind; the
//! control-plane deployment once) and check every goal against their metrics and
//! every constraint against the design. Pure: the same scenario always gives the
//! same verdicts.
//!
//! Each [`Check`] says pass or fail, the number measured (its limit is in `what`) and one line
//! with the numbers. Nothing is decided here but the comparison: the numbers are
//! the failover [`Summary`](crate::failover::sim::Summary) and probe log, the
//! deployment's [`DeployReport`](crate::deploy::DeployReport) and the control
//! plane's [`CpReport`].

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::Serialize;

use crate::deploy::control::CpReport;
use crate::failover::sim::{Report, Sim};
use crate::spec::challenge::{Constraint, Goal};
use crate::spec::deploy::BadKind;
use crate::spec::problems::Problems;
use crate::spec::scenario::Scenario;

/// Whether a check is a goal or a constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// A goal over a simulated metric.
    Goal,
    /// A rule on the design.
    Constraint,
}

/// The verdict on one goal or constraint.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// Goal or constraint.
    pub kind: CheckKind,
    /// What was asked, e.g. "curl-dc switch < 60 s".
    pub what: String,
    /// Whether it holds.
    pub pass: bool,
    /// The number measured (seconds, requests, user-minutes, a count), if any.
    pub measured: Option<f64>,
    /// One line with the numbers.
    pub explanation: String,
}

/// Every verdict of a challenge.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// The challenge's title.
    pub title: String,
    /// Goals first, then constraints, in the order written.
    pub checks: Vec<Check>,
}

impl Evaluation {
    /// Whether every goal and constraint holds.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.pass)
    }
}

/// The bad-build kinds a data-plane goal tries, every one the engine models.
pub const BAD_KINDS: [BadKind; 5] =
    [BadKind::BlackHole, BadKind::Crash, BadKind::SlowOnOldHardware, BadKind::WrongAnswers, BadKind::VersionIncompat];

/// Evaluates `scenario`'s challenge. Problems (no challenge, a design that does not
/// validate, a goal naming an unknown probe or a missing section) are named by path.
pub fn evaluate(scenario: &Scenario) -> Result<Evaluation, Problems> {
    evaluate_with(scenario, None)
}

/// [`evaluate`], reusing `failover`, the report of `scenario`'s failover run when
/// one is at hand (the page's player has it), instead of running it again.
pub fn evaluate_with(scenario: &Scenario, failover: Option<&Report>) -> Result<Evaluation, Problems> {
    let Some(ch) = &scenario.challenge else {
        return Err(Problems(vec![crate::spec::problems::Problem::new("challenge", "the scenario has no challenge")]));
    };
    let mut runs = Runs { scenario, failover: failover.map(Cow::Borrowed), worst: None, control: None };
    let mut checks = Vec::new();
    let mut problems = Problems::none();
    for (i, g) in ch.goals.iter().enumerate() {
        match goal(&mut runs, g) {
            Ok(c) => checks.push(c),
            Err(mut p) => {
                for q in &mut p.0 {
                    if q.path.is_empty() {
                        q.path = format!("challenge.goals[{i}]");
                    }
                }
                problems.0.extend(p.0);
            }
        }
    }
    for c in &ch.constraints {
        match constraint(scenario, c) {
            Ok(c) => checks.push(c),
            Err(p) => problems.0.extend(p.0),
        }
    }
    if problems.is_empty() { Ok(Evaluation { title: ch.title.clone(), checks }) } else { Err(problems) }
}

/// The runs shared by several goals, made when first needed.
struct Runs<'a> {
    scenario: &'a Scenario,
    failover: Option<Cow<'a, Report>>,
    /// The costliest bad build over [`BAD_KINDS`]: kind, user-minutes, waves started.
    worst: Option<(BadKind, f64, usize)>,
    control: Option<CpReport>,
}

impl Runs<'_> {
    fn failover(&mut self) -> Result<&Report, Problems> {
        if self.failover.is_none() {
            let mut sim = Sim::new(self.scenario)?;
            sim.run_until(sim.duration());
            self.failover = Some(Cow::Owned(sim.report()));
        }
        Ok(self.failover.as_deref().expect("just run"))
    }

    fn worst_bad_build(&mut self) -> Result<(BadKind, f64, usize), Problems> {
        if let Some(w) = self.worst {
            return Ok(w);
        }
        let spec = self.scenario.deploy.as_ref().ok_or_else(|| problem("the scenario has no \"deploy\" section"))?;
        let mut worst: Option<(BadKind, f64, usize)> = None;
        for kind in BAD_KINDS {
            let mut spec = spec.clone();
            spec.bad_build.kind = kind;
            let r = crate::deploy::run(&spec, self.scenario.seed).map_err(|p| prefixed(p, "deploy."))?;
            if worst.is_none_or(|w| r.total.user_minutes > w.1) {
                worst = Some((kind, r.total.user_minutes, r.waves_started));
            }
        }
        self.worst = worst;
        Ok(worst.expect("five kinds"))
    }

    fn control(&mut self) -> Result<&CpReport, Problems> {
        if self.control.is_none() {
            let cp = self
                .scenario
                .control_plane
                .as_ref()
                .ok_or_else(|| problem("the scenario has no \"control_plane\" section"))?;
            self.control = Some(crate::deploy::control::run(cp).map_err(|p| prefixed(p, "control_plane."))?);
        }
        Ok(self.control.as_ref().expect("just run"))
    }
}

fn problem(message: impl Into<String>) -> Problems {
    Problems(vec![crate::spec::problems::Problem::new("", message)])
}

fn s(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

fn goal(runs: &mut Runs<'_>, g: &Goal) -> Result<Check, Problems> {
    Ok(match g {
        Goal::Switch { probe, max_s } => {
            let r = runs.failover()?;
            let what = format!("{probe} switch < {max_s} s");
            let Some(switch) = r.summary.switch_ms.get(probe) else {
                return Err(problem(format!("no probe '{probe}'")));
            };
            match (switch, r.summary.fault_at_ms) {
                (_, None) => goal_check(what, false, None, "no fault breaks anything, so nothing switches".into()),
                (None, Some(f)) => goal_check(
                    what,
                    false,
                    None,
                    format!("never served from another region after the fault at {:.0} s", s(f)),
                ),
                (Some(ms), Some(_)) => {
                    let v = s(*ms);
                    let phases = r.summary.phases.get(probe).map(phase_text).unwrap_or_default();
                    goal_check(what, v < *max_s, Some(v), format!("switched {v:.1} s after the fault{phases}"))
                }
            }
        }
        Goal::ErrorWindowP95 { max_s } => {
            let r = runs.failover()?;
            let what = format!("p95 client error window < {max_s} s");
            let m = &r.summary;
            match m.error_window_p95_ms {
                None => goal_check(what, true, Some(0.0), "no client saw an error".into()),
                Some(p95) => {
                    let v = s(p95);
                    goal_check(
                        what,
                        v < *max_s,
                        Some(v),
                        format!(
                            "p95 {v:.1} s (p50 {:.1} s, max {:.1} s) over {:.0} clients with errors",
                            s(m.error_window_p50_ms.unwrap_or(0)),
                            s(m.error_window_max_ms.unwrap_or(0)),
                            m.clients_with_errors
                        ),
                    )
                }
            }
        }
        Goal::StaysIn { probe, regions } => stays_in(runs, probe, regions)?,
        Goal::StripesPerWave { max } => stripes_per_wave(runs, *max)?,
        Goal::WorstBadBuild { max_user_minutes } => {
            let (kind, um, waves) = runs.worst_bad_build()?;
            goal_check(
                format!("worst bad build < {max_user_minutes} user-minutes"),
                um < *max_user_minutes,
                Some(um),
                format!("{} costs {um:.0} user-minutes (waves started before the halt: {waves})", kind.as_str()),
            )
        }
        Goal::CustomerFailures { max } => customer_failures(runs, *max)?,
    })
}

/// A goal's check.
fn goal_check(what: String, pass: bool, measured: Option<f64>, explanation: String) -> Check {
    Check { kind: CheckKind::Goal, what, pass, measured, explanation }
}

/// [`Goal::StaysIn`]: every served request of `probe` stays in `regions`.
fn stays_in(runs: &mut Runs<'_>, probe: &str, regions: &[String]) -> Result<Check, Problems> {
    let r = runs.failover()?;
    let what = format!("{probe} served only in {}", regions.join(", "));
    let Some(obs) = r.probes.get(probe) else {
        return Err(problem(format!("no probe '{probe}'")));
    };
    let allowed: BTreeSet<&str> = regions.iter().map(String::as_str).collect();
    let served = obs.iter().filter(|o| o.region.is_some()).count();
    let outside: Vec<_> = obs.iter().filter(|o| o.region.as_deref().is_some_and(|r| !allowed.contains(r))).collect();
    let explanation = match outside.first() {
        None => format!("all {served} served requests stayed inside"),
        Some(first) => {
            let elsewhere: BTreeSet<&str> = outside.iter().filter_map(|o| o.region.as_deref()).collect();
            format!(
                "{} of {served} served requests left, to {}, the first at {:.1} s",
                outside.len(),
                elsewhere.into_iter().collect::<Vec<_>>().join(", "),
                s(first.at.as_ms())
            )
        }
    };
    Ok(goal_check(what, outside.is_empty(), Some(outside.len() as f64), explanation))
}

/// [`Goal::StripesPerWave`]: no wave of the data-plane plan touches more than `max`
/// stripes.
fn stripes_per_wave(runs: &mut Runs<'_>, max: usize) -> Result<Check, Problems> {
    let spec = runs.scenario.deploy.as_ref().ok_or_else(|| problem("the scenario has no \"deploy\" section"))?;
    let what = format!("no wave touches more than {max} stripe{}", if max == 1 { "" } else { "s" });
    let mut worst = (0usize, 0usize);
    for (i, w) in spec.plan.waves.iter().enumerate() {
        let stripes: BTreeSet<u8> =
            w.locations.iter().filter_map(|id| spec.fleet.iter().find(|l| &l.id == id)).map(|l| l.stripe).collect();
        if stripes.len() > worst.1 {
            worst = (i + 1, stripes.len());
        }
    }
    let explanation = if worst.1 == 0 {
        "the plan has no locations".to_string()
    } else {
        format!("wave {} touches {} stripes ({} waves)", worst.0, worst.1, spec.plan.waves.len())
    };
    Ok(goal_check(what, worst.1 <= max, Some(worst.1 as f64), explanation))
}

/// [`Goal::CustomerFailures`]: the control-plane bad build fails fewer than `max`
/// customer-facing requests.
fn customer_failures(runs: &mut Runs<'_>, max: f64) -> Result<Check, Problems> {
    let r = runs.control()?;
    let failed = r.waves.iter().map(|w| w.customer_failed).fold(0.0, |a, b| a + b);
    let other = r.waves.iter().map(|w| w.other_failed).fold(0.0, |a, b| a + b);
    let how = if r.caught_in_staging {
        "caught in staging".to_string()
    } else {
        let halt = r.halted_at_s.map_or_else(|| "never halted".to_string(), |h| format!("halted at {h} s"));
        format!("production waves reached: {}, {halt}", r.waves.len())
    };
    Ok(goal_check(
        format!("customer-facing failed requests < {max}"),
        failed < max,
        Some(failed),
        format!("{failed:.0} customer-facing and {other:.0} other requests failed; {how}"),
    ))
}

fn prefixed(mut p: Problems, prefix: &str) -> Problems {
    for q in &mut p.0 {
        q.path = format!("{prefix}{}", q.path);
    }
    p
}

/// The probe's phases in a parenthesis, for the explanation.
fn phase_text(p: &crate::failover::sim::Phases) -> String {
    let f = |v: Option<u64>| v.map_or_else(|| "—".to_string(), |v| format!("{:.1}", s(v)));
    format!(
        " (detection {} + push {} + resolver TTL {} + client cache {} + connection {} s)",
        f(p.detection_ms),
        f(p.push_ms),
        f(p.resolver_ttl_ms),
        f(p.client_cache_ms),
        f(p.connection_ms)
    )
}

fn constraint(s: &Scenario, c: &Constraint) -> Result<Check, Problems> {
    let check = |what: String, pass: bool, measured: Option<f64>, explanation: String| Check {
        kind: CheckKind::Constraint,
        what,
        pass,
        measured,
        explanation,
    };
    Ok(match c {
        Constraint::MaxHealthChecks { max } => {
            let n = s.zone.health_checks.len();
            check(
                format!("at most {max} health checks"),
                n <= *max,
                Some(n as f64),
                format!("the design has {n} health check{} (budget {max})", if n == 1 { "" } else { "s" }),
            )
        }
        Constraint::TtlBetween { min_s, max_s } => {
            let outside: Vec<String> = s
                .zone
                .records
                .iter()
                .filter_map(|r| r.ttl_s.filter(|t| t < min_s || t > max_s).map(|t| (r, t)))
                .map(|(r, t)| {
                    format!("{}{} TTL {t} s", r.name, r.set_id.as_deref().map(|i| format!("/{i}")).unwrap_or_default())
                })
                .collect();
            let ttls: Vec<u32> = s.zone.records.iter().filter_map(|r| r.ttl_s).collect();
            let explanation = match outside.first() {
                Some(first) => format!("{} record(s) outside, e.g. {first}", outside.len()),
                None if ttls.is_empty() => "no record carries a TTL".to_string(),
                None => format!(
                    "TTLs from {} to {} s",
                    ttls.iter().min().expect("not empty"),
                    ttls.iter().max().expect("not empty")
                ),
            };
            check(
                format!("TTLs between {min_s} and {max_s} s"),
                outside.is_empty(),
                Some(outside.len() as f64),
                explanation,
            )
        }
        Constraint::KeepRecords { records } => {
            let present = |want: &str| {
                s.zone
                    .records
                    .iter()
                    .any(|r| r.name == want || r.set_id.as_deref().is_some_and(|id| format!("{}/{id}", r.name) == want))
            };
            let missing: Vec<&str> = records.iter().map(String::as_str).filter(|r| !present(r)).collect();
            let explanation = if missing.is_empty() {
                format!("all {} kept", records.len())
            } else {
                format!("missing: {}", missing.join(", "))
            };
            check(
                format!("keep {} record(s)", records.len()),
                missing.is_empty(),
                Some(missing.len() as f64),
                explanation,
            )
        }
        Constraint::EveryoneDeployed => {
            let (missing, what): (Vec<String>, &str) = if let Some(d) = &s.deploy {
                (crate::deploy::unplanned(d), "location")
            } else if let Some(cp) = &s.control_plane {
                let planned: BTreeSet<&str> =
                    cp.waves.iter().flat_map(|w| w.fleets.iter().map(String::as_str)).collect();
                (
                    cp.fleets.iter().filter(|f| !planned.contains(f.name.as_str())).map(|f| f.name.clone()).collect(),
                    "fleet",
                )
            } else {
                return Err(Problems(vec![crate::spec::problems::Problem::new(
                    "challenge.constraints",
                    "everyone_deployed needs a \"deploy\" or \"control_plane\" section",
                )]));
            };
            let explanation = if missing.is_empty() {
                format!("every {what} is in a wave")
            } else {
                format!("{} {what}(s) in no wave, e.g. {}", missing.len(), missing[0])
            };
            check(format!("every {what} deployed"), missing.is_empty(), Some(missing.len() as f64), explanation)
        }
        Constraint::MinBake { min_s } => {
            let bakes: Vec<u64> = if let Some(d) = &s.deploy {
                d.plan.waves.iter().map(|w| w.bake_s).collect()
            } else if let Some(cp) = &s.control_plane {
                cp.waves.iter().map(|w| w.bake_s).collect()
            } else {
                Vec::new()
            };
            let shortest = bakes.iter().copied().enumerate().min_by_key(|w| w.1);
            let explanation = match shortest {
                None => "no waves".to_string(),
                Some((i, b)) => format!("shortest bake {b} s (wave {})", i + 1),
            };
            let pass = shortest.is_none_or(|w| w.1 >= *min_s);
            check(format!("every wave bakes at least {min_s} s"), pass, shortest.map(|w| w.1 as f64), explanation)
        }
    })
}
