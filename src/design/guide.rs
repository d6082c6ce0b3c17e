//! Guided sessions: moving through a scenario's `guide` (Next / Back), recording a
//! step from the page's current view, checking that the steps sit inside the run in
//! time order, and the mechanisms a guide's moments are written from — read from
//! the scenario itself (the fault script, the health checks, the delivery delay to
//! the DNS servers, the answer's TTL, the probe's client cache), never from a run's
//! output.

use crate::resolvers::caching;
use crate::route53::answer::LB_TTL_S;
use crate::spec::scenario::{FaultAction, GuideStep, Scenario};
use crate::spec::zone::{AliasTarget, HealthCheckKind, RecordValue};

/// The step after `current` in a guide of `len` steps (the first when none is
/// shown; the last stays the last).
pub fn next(current: Option<usize>, len: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some(current.map_or(0, |i| (i + 1).min(len - 1)))
}

/// The step before `current` (the first stays the first; none shown: the first).
pub fn back(current: Option<usize>, len: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some(current.map_or(0, |i| i.saturating_sub(1).min(len - 1)))
}

/// "Step 2 of 7".
pub fn position(current: Option<usize>, len: usize) -> String {
    match current {
        Some(i) if i < len => format!("Step {} of {len}", i + 1),
        _ if len == 1 => "1 step".to_string(),
        _ => format!("{len} steps"),
    }
}

/// Adds a step at `at_ms` showing `panel` with `select` selected (a
/// [`record_ref`], empty for none), after every step at or before that moment, and
/// returns its index. Its text starts as a prompt to write over.
pub fn record(guide: &mut Vec<GuideStep>, at_ms: u64, panel: &str, select: &str) -> usize {
    let at = guide.partition_point(|s| s.at_ms <= at_ms);
    guide.insert(
        at,
        GuideStep {
            at_ms,
            panel: panel.to_string(),
            text: format!("What to notice at {}.", clock(at_ms)),
            select: select.to_string(),
        },
    );
    at
}

/// How a guide step names record `i` of `s`: `name/set_id`, or `name` for a simple
/// record (`None` past the end).
pub fn record_ref(s: &Scenario, i: usize) -> Option<String> {
    let r = s.zone.records.get(i)?;
    Some(match &r.set_id {
        Some(id) => format!("{}/{id}", r.name),
        None => r.name.clone(),
    })
}

/// The record a step's `select` names (the first of that name when it has no set id).
pub fn find_record(s: &Scenario, select: &str) -> Option<usize> {
    if select.is_empty() {
        return None;
    }
    (0..s.zone.records.len())
        .find(|&i| record_ref(s, i).as_deref() == Some(select))
        .or_else(|| s.zone.records.iter().position(|r| r.name == select))
}

/// What is wrong with the guide of `scenario`: steps past the end of the run or out
/// of time order, selections naming no record, by path.
pub fn problems(scenario: &Scenario) -> Vec<String> {
    let (guide, duration_ms) = (&scenario.guide, scenario.duration_s * 1000);
    let mut out = Vec::new();
    for (i, s) in guide.iter().enumerate() {
        if !s.select.is_empty() && find_record(scenario, &s.select).is_none() {
            out.push(format!("guide[{i}].select: no record '{}'", s.select));
        }
        if s.at_ms > duration_ms {
            out.push(format!(
                "guide[{i}].at_ms: {} is after the end of the run ({})",
                clock(s.at_ms),
                clock(duration_ms)
            ));
        }
        if i > 0 && s.at_ms < guide[i - 1].at_ms {
            out.push(format!("guide[{i}].at_ms: {} comes before the step above it", clock(s.at_ms)));
        }
    }
    out
}

/// A moment as a trainer says it: `05:00`, `1:02:03` past an hour, with tenths
/// only when the moment has them (`05:10.5`).
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    let base = if h > 0 { format!("{h}:{m:02}:{sec:02}") } else { format!("{m:02}:{sec:02}") };
    match ms % 1000 / 100 {
        0 => base,
        tenths => format!("{base}.{tenths}"),
    }
}

/// The mechanisms of a regional-failover scenario that a guide's moments come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mechanisms {
    /// The scripted stops of a region, in order: (moment ms, region).
    pub stops: Vec<(u64, String)>,
    /// A Route 53 endpoint check's time to call a stopped endpoint unhealthy at the
    /// latest: request interval × failure threshold, ms (`None`: no endpoint check).
    pub check_ms: Option<u64>,
    /// The check's interval (s) and failure threshold, as the scenario sets them.
    pub check: Option<(u32, u32)>,
    /// The longest delay of a checker's opinion to a DNS location, ms.
    pub push_max_ms: u64,
    /// The TTL of the answer the service name gives, s: a CNAME's own TTL, or an
    /// alias's target's (60 s for a load balancer).
    pub answer_ttl_s: Option<u32>,
    /// Is the service name's answer an alias (so its TTL is the target's)?
    pub answer_is_alias: bool,
    /// How long the probe's resolver keeps an empty answer: the zone's negative TTL
    /// within its kind's bounds, s.
    pub negative_cache_s: u32,
    /// How long the probe keeps an answer after its resolver let go, s.
    pub client_hold_s: u32,
    /// A load balancer's own target check to call a target unhealthy: interval ×
    /// unhealthy threshold, s.
    pub lb_check_s: Option<u32>,
}

impl Mechanisms {
    /// Reads the mechanisms from `s`'s spec.
    pub fn of(s: &Scenario) -> Mechanisms {
        let stops = s
            .faults
            .iter()
            .filter_map(|f| match &f.action {
                FaultAction::StopRegion { region } => Some((f.at_ms, region.clone())),
                _ => None,
            })
            .collect();
        let check = s.zone.health_checks.iter().find_map(|c| match c.kind {
            HealthCheckKind::Endpoint { interval_s, failure_threshold, .. } => Some((interval_s, failure_threshold)),
            _ => None,
        });
        let probe = s.probes.first();
        let resolver = probe.and_then(|p| s.resolvers.iter().find(|r| r.id == p.resolver));
        let negative_cache_s = resolver.map_or(s.zone.negative_ttl_s, |r| {
            caching::cache_s(&caching::rules(r.kind), s.zone.negative_ttl_s, true, None)
        });
        let top = s.zone.records.iter().find(|r| r.name == s.service);
        Mechanisms {
            stops,
            check_ms: check.map(|(i, t)| u64::from(i) * u64::from(t) * 1000),
            check,
            push_max_ms: s.params.health.push_delay_ms.1,
            answer_ttl_s: answer_ttl_s(s, &s.service, 0),
            answer_is_alias: top.is_some_and(|r| matches!(r.value, RecordValue::Alias { .. })),
            negative_cache_s,
            client_hold_s: probe.map_or(0, |p| caching::client_hold_s(p.kind, false)),
            lb_check_s: s
                .zone
                .load_balancers
                .first()
                .and_then(|l| l.health)
                .map(|h| h.interval_s * h.unhealthy_threshold),
        }
    }

    /// The latest moment after a stop at `stop_ms` by which the probe's answer has
    /// moved: detection, then the push, then the resolver's TTL and the client's
    /// cache running out, ms.
    pub fn answer_moved_by_ms(&self, stop_ms: u64) -> u64 {
        stop_ms
            + self.check_ms.unwrap_or(0)
            + self.push_max_ms
            + u64::from(self.answer_ttl_s.unwrap_or(0) + self.client_hold_s) * 1000
    }
}

/// The TTL `name`'s answer carries, following aliases (at most 8 deep).
fn answer_ttl_s(s: &Scenario, name: &str, depth: u32) -> Option<u32> {
    let r = s.zone.records.iter().find(|r| r.name == name)?;
    match &r.value {
        RecordValue::Values(_) => r.ttl_s,
        RecordValue::Alias { target: AliasTarget::LoadBalancer { .. }, .. } => Some(LB_TTL_S),
        RecordValue::Alias { target: AliasTarget::Record { name }, .. } if depth < 8 => {
            answer_ttl_s(s, name, depth + 1)
        }
        RecordValue::Alias { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::presets;

    fn step(at_ms: u64) -> GuideStep {
        GuideStep { at_ms, panel: String::new(), text: String::new(), select: String::new() }
    }

    #[test]
    fn next_and_back_stay_inside_the_guide() {
        assert_eq!(next(None, 3), Some(0));
        assert_eq!(next(Some(1), 3), Some(2));
        assert_eq!(next(Some(2), 3), Some(2));
        assert_eq!(back(Some(2), 3), Some(1));
        assert_eq!(back(Some(0), 3), Some(0));
        assert_eq!(back(None, 3), Some(0));
        assert_eq!((next(None, 0), back(Some(0), 0)), (None, None));
        assert_eq!(position(Some(1), 7), "Step 2 of 7");
        assert_eq!((position(None, 1).as_str(), position(None, 0).as_str()), ("1 step", "0 steps"));
    }

    /// `preset`'s scenario with `guide` and a run of `duration_ms`.
    fn with_guide(guide: Vec<GuideStep>, duration_ms: u64) -> Scenario {
        let mut s = presets::preset("latency-weighted-alb").unwrap();
        s.guide = guide;
        s.duration_s = duration_ms / 1000;
        s
    }

    #[test]
    fn a_recorded_step_lands_in_time_order() {
        let first = record_ref(&presets::preset("latency-weighted-alb").unwrap(), 0).unwrap();
        let mut g = vec![step(1_000), step(5_000)];
        assert_eq!(record(&mut g, 3_000, "tree", &first), 1);
        assert_eq!(record(&mut g, 5_000, "probe", ""), 3);
        assert_eq!(g.iter().map(|s| s.at_ms).collect::<Vec<_>>(), [1_000, 3_000, 5_000, 5_000]);
        assert_eq!((g[1].panel.as_str(), g[1].select.as_str()), ("tree", first.as_str()));
        assert_eq!(g[1].text, "What to notice at 00:03.");
        let s = with_guide(g, 5_000);
        assert_eq!(problems(&s), Vec::<String>::new());
    }

    #[test]
    fn steps_past_the_end_out_of_order_or_selecting_nothing_are_named() {
        let mut g = vec![step(5_000), step(1_000), step(9_000)];
        g[0].select = "nowhere.example.com".into();
        assert_eq!(
            problems(&with_guide(g, 8_000)),
            [
                "guide[0].select: no record 'nowhere.example.com'",
                "guide[1].at_ms: 00:01 comes before the step above it",
                "guide[2].at_ms: 00:09 is after the end of the run (00:08)"
            ]
        );
        assert_eq!(clock(3_723_500), "1:02:03.5");
    }

    #[test]
    fn a_selection_round_trips_through_its_reference() {
        let s = presets::preset("latency-weighted-alb").unwrap();
        for i in 0..s.zone.records.len() {
            let r = record_ref(&s, i).unwrap();
            let found = find_record(&s, &r).unwrap();
            // Simple records of one name are one record; a set id names exactly one.
            assert_eq!(record_ref(&s, found).unwrap(), r, "{r}");
            if s.zone.records[i].set_id.is_some() {
                assert_eq!(found, i, "{r}");
            }
        }
        assert_eq!((record_ref(&s, s.zone.records.len()), find_record(&s, "")), (None, None));
    }

    #[test]
    fn the_mechanisms_come_from_the_spec() {
        let alias = Mechanisms::of(&presets::preset("latency-weighted-alb").unwrap());
        assert_eq!(alias.stops, [(300_000, "us-east-1".to_string()), (900_000, "eu-west-1".to_string())]);
        assert_eq!((alias.check, alias.check_ms), (Some((10, 1)), Some(10_000)));
        assert_eq!((alias.answer_ttl_s, alias.answer_is_alias), (Some(LB_TTL_S), true));
        assert_eq!((alias.client_hold_s, alias.lb_check_s), (0, Some(60)));
        let defaults = Mechanisms::of(&presets::preset("all-defaults-nlb").unwrap());
        assert_eq!(
            (defaults.check_ms, defaults.answer_ttl_s, defaults.answer_is_alias),
            (Some(90_000), Some(300), false)
        );
        assert_eq!(defaults.lb_check_s, Some(90));
        // Editing the spec moves them.
        let mut s = presets::preset("latency-weighted-cname-ttl1-alb").unwrap();
        assert_eq!(Mechanisms::of(&s).answer_ttl_s, Some(1));
        for r in s.zone.records.iter_mut().filter(|r| r.name == s.service) {
            r.ttl_s = Some(30);
        }
        s.params.health.push_delay_ms = (1_000, 4_000);
        let m = Mechanisms::of(&s);
        assert_eq!((m.answer_ttl_s, m.push_max_ms), (Some(30), 4_000));
        assert_eq!(m.answer_moved_by_ms(300_000), 300_000 + 10_000 + 4_000 + 30_000);
    }
}
