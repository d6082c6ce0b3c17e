//! Predict, then play: a trainee's committed guess of the headline number (the
//! probe's switch time, and optionally the clients' p95 error window) set against
//! the run's summary, with the switch split into its phases and the phase the guess
//! most plausibly left out named in words.
//!
//! Which phase was "missed": a guess shorter than the run could not hold every
//! phase. The phase named is the longest one the guess could not hold even on its
//! own; when the guess is longer than every single phase, the phase whose length
//! best matches the shortfall (the one whose omission explains the gap). A guess
//! within [`close_enough_ms`] of the run missed nothing.

use crate::failover::sim::{Phases, Summary};
use crate::spec::training::Prediction;

/// The mechanisms a switch time is split into, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Fault → the health system calls it unhealthy.
    Detection,
    /// → the DNS servers answer differently.
    Push,
    /// → the probe's resolver lets its cached answer expire.
    ResolverTtl,
    /// → the probe's own DNS cache lets go.
    ClientCache,
    /// → the first success from another region.
    Connection,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 5] =
        [Phase::Detection, Phase::Push, Phase::ResolverTtl, Phase::ClientCache, Phase::Connection];

    /// The phase's short name.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Detection => "detection",
            Phase::Push => "push to the DNS servers",
            Phase::ResolverTtl => "resolver TTL",
            Phase::ClientCache => "client cache",
            Phase::Connection => "connection",
        }
    }

    /// The phase as "you left out …" names it.
    fn left_out(self) -> &'static str {
        match self {
            Phase::Detection => "the health check's detection",
            Phase::Push => "the push of the verdict to Route 53's DNS servers",
            Phase::ResolverTtl => "the resolver's TTL",
            Phase::ClientCache => "the client's own DNS cache",
            Phase::Connection => "the connection (retries and reuse)",
        }
    }

    fn of(self, p: &Phases) -> Option<u64> {
        match self {
            Phase::Detection => p.detection_ms,
            Phase::Push => p.push_ms,
            Phase::ResolverTtl => p.resolver_ttl_ms,
            Phase::ClientCache => p.client_cache_ms,
            Phase::Connection => p.connection_ms,
        }
    }
}

/// How the guess compares with the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Within [`close_enough_ms`].
    Close,
    /// The run took longer.
    Under,
    /// The run was quicker.
    Over,
    /// The probe never switched in the run.
    NoSwitch,
}

/// One phase of the switch, as the comparison lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseRow {
    /// Which phase.
    pub phase: Phase,
    /// Its length in this run, ms.
    pub ms: u64,
    /// Is it the phase the guess most plausibly left out?
    pub missed: bool,
}

/// A prediction set against the run, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The probe whose switch is the headline number.
    pub probe: String,
    /// The guess, ms.
    pub predicted_ms: u64,
    /// The run's switch time, ms (`None`: the probe never switched).
    pub simulated_ms: Option<u64>,
    /// How they compare.
    pub verdict: Verdict,
    /// One sentence: the guess, the run, the difference.
    pub headline: String,
    /// The phase the guess most plausibly left out.
    pub missed: Option<Phase>,
    /// That phase in words, e.g. "You left out the resolver's TTL: 60.0 s in this run."
    pub missed_text: Option<String>,
    /// The phases, in order, those of zero length left out.
    pub phases: Vec<PhaseRow>,
    /// What moved the probe's answer, as the run names it.
    pub cause: Option<String>,
    /// The p95 error window: the guess against the run, when guessed.
    pub error_window: Option<String>,
}

/// Seconds with one decimal, e.g. `78.4 s`.
pub fn secs(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// How near a guess must be to count as right: 10 % of the run's value, at least 2 s.
pub fn close_enough_ms(simulated_ms: u64) -> u64 {
    (simulated_ms / 10).max(2_000)
}

/// The probe whose switch is the headline number: the first with a recorded switch.
pub fn headline_probe(summary: &Summary) -> Option<&str> {
    summary.switch_ms.keys().next().map(String::as_str)
}

/// When the page reveals the comparison on its own: once the playhead passes the
/// probe's switch (fault + switch time), or the end of the run when there is none.
pub fn reveal_at_ms(summary: &Summary, duration_ms: u64) -> u64 {
    let probe = headline_probe(summary);
    match (summary.fault_at_ms, probe.and_then(|p| summary.switch_ms.get(p).copied().flatten())) {
        (Some(fault), Some(switch)) => (fault + switch).min(duration_ms),
        _ => duration_ms,
    }
}

/// The phase a guess of `predicted_ms` most plausibly left out of a switch made of
/// `phases` (see the module doc); `None` when the guess is not short of their sum by
/// more than [`close_enough_ms`].
pub fn missed_phase(predicted_ms: u64, phases: &[(Phase, u64)]) -> Option<Phase> {
    let total: u64 = phases.iter().map(|(_, ms)| ms).sum();
    if total <= predicted_ms + close_enough_ms(total) {
        return None;
    }
    let shortfall = total - predicted_ms;
    let longest_unheld =
        phases.iter().filter(|(_, ms)| *ms > predicted_ms).max_by_key(|(_, ms)| *ms).map(|(phase, _)| *phase);
    longest_unheld.or_else(|| {
        // Nearest to the shortfall; on a tie the longer phase.
        phases
            .iter()
            .filter(|(_, ms)| *ms > 0)
            .min_by_key(|(_, ms)| (ms.abs_diff(shortfall), u64::MAX - ms))
            .map(|(phase, _)| *phase)
    })
}

/// Sets `prediction` against the run's `summary`; `None` when the run has no probe.
pub fn compare(prediction: &Prediction, summary: &Summary) -> Option<Comparison> {
    let probe = headline_probe(summary)?.to_string();
    let simulated = summary.switch_ms.get(&probe).copied().flatten();
    let phases = summary.phases.get(&probe).cloned().unwrap_or_default();
    let lengths: Vec<(Phase, u64)> = Phase::ALL.iter().filter_map(|&p| p.of(&phases).map(|ms| (p, ms))).collect();
    let predicted = prediction.switch_ms;
    let (verdict, headline) = match simulated {
        None => (
            Verdict::NoSwitch,
            format!(
                "You predicted {}; in the run the probe never reached another region before the end.",
                secs(predicted)
            ),
        ),
        Some(sim) if predicted.abs_diff(sim) <= close_enough_ms(sim) => {
            (Verdict::Close, format!("You predicted {}; the run took {}. Close.", secs(predicted), secs(sim)))
        }
        Some(sim) if sim > predicted => (
            Verdict::Under,
            format!("You predicted {}; the run took {}, {} longer.", secs(predicted), secs(sim), secs(sim - predicted)),
        ),
        Some(sim) => (
            Verdict::Over,
            format!(
                "You predicted {}; the run took {}, {} less than you allowed.",
                secs(predicted),
                secs(sim),
                secs(predicted - sim)
            ),
        ),
    };
    let missed = if verdict == Verdict::Under { missed_phase(predicted, &lengths) } else { None };
    let missed_text = missed.map(|m| {
        let ms = lengths.iter().find(|(p, _)| *p == m).map_or(0, |(_, ms)| *ms);
        let mut text = format!("You left out {}: {} in this run.", m.left_out(), secs(ms));
        text[..1].make_ascii_uppercase();
        text
    });
    let rows = lengths
        .iter()
        .filter(|(_, ms)| *ms > 0)
        .map(|&(phase, ms)| PhaseRow { phase, ms, missed: Some(phase) == missed })
        .collect();
    let error_window = prediction.error_window_p95_ms.map(|guess| match summary.error_window_p95_ms {
        Some(sim) => format!("Clients' error window, p95: you predicted {}; the run gave {}.", secs(guess), secs(sim)),
        None => format!("Clients' error window, p95: you predicted {}; no client saw an error.", secs(guess)),
    });
    Some(Comparison {
        probe,
        predicted_ms: predicted,
        simulated_ms: simulated,
        verdict,
        headline,
        missed,
        missed_text,
        phases: rows,
        cause: phases.cause,
        error_window,
    })
}

/// Reads a duration typed by a person: `20`, `20.5`, `20 s`, `3 min`, `1:20`
/// (minutes and seconds); ms.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase();
    let bad = || format!("'{}' is not a duration: write seconds (45), minutes (2 min) or m:ss (1:20)", text.trim());
    let num = |s: &str| -> Result<f64, String> {
        let v: f64 = s.trim().parse().map_err(|_| bad())?;
        if (0.0..=86_400.0).contains(&v) { Ok(v) } else { Err(bad()) }
    };
    let seconds = if let Some((m, s)) = t.split_once(':') {
        let (m, s) = (num(m)?, num(s)?);
        if s >= 60.0 || m.fract() != 0.0 {
            return Err(bad());
        }
        m * 60.0 + s
    } else if let Some(m) = t.strip_suffix("min").or_else(|| t.strip_suffix('m')) {
        num(m)? * 60.0
    } else {
        num(t.strip_suffix("sec").or_else(|| t.strip_suffix('s')).unwrap_or(&t))?
    };
    if t.is_empty() || seconds > 86_400.0 {
        return Err(bad());
    }
    Ok((seconds * 1000.0).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn summary(switch: Option<u64>, phases: [u64; 5]) -> Summary {
        let [d, p, r, c, n] = phases;
        Summary {
            fault_at_ms: Some(300_000),
            switch_ms: BTreeMap::from([("curl-dc".to_string(), switch)]),
            phases: BTreeMap::from([(
                "curl-dc".to_string(),
                Phases {
                    detection_ms: Some(d),
                    push_ms: Some(p),
                    resolver_ttl_ms: Some(r),
                    client_cache_ms: Some(c),
                    connection_ms: Some(n),
                    cause: Some("a health check".into()),
                },
            )]),
            error_window_p95_ms: Some(70_000),
            ..Summary::default()
        }
    }

    fn guess(s: u64) -> Prediction {
        Prediction { switch_ms: s * 1000, error_window_p95_ms: None }
    }

    #[test]
    fn a_guess_that_cannot_hold_the_ttl_left_out_the_ttl() {
        let s = summary(Some(78_000), [12_000, 5_000, 60_000, 0, 1_000]);
        let c = compare(&guess(20), &s).unwrap();
        assert_eq!((c.verdict, c.missed), (Verdict::Under, Some(Phase::ResolverTtl)));
        assert_eq!(c.missed_text.as_deref(), Some("You left out the resolver's TTL: 60.0 s in this run."));
        assert_eq!(c.headline, "You predicted 20.0 s; the run took 78.0 s, 58.0 s longer.");
        assert_eq!(c.phases.iter().filter(|r| r.missed).map(|r| r.phase).collect::<Vec<_>>(), [Phase::ResolverTtl]);
        // The empty client-cache phase is not listed.
        assert_eq!(c.phases.len(), 4);
        assert_eq!(c.cause.as_deref(), Some("a health check"));
    }

    #[test]
    fn a_guess_longer_than_every_phase_missed_the_one_matching_the_gap() {
        let phases = [(Phase::Detection, 30_000), (Phase::Push, 10_000), (Phase::ResolverTtl, 60_000)];
        // 100 s in all. 62 s holds the TTL but leaves 38 s: detection.
        assert_eq!(missed_phase(62_000, &phases), Some(Phase::Detection));
        // 88 s leaves 12 s: the push.
        assert_eq!(missed_phase(88_000, &phases), Some(Phase::Push));
        // 40 s cannot hold the TTL at all: the TTL, though detection is missing too.
        assert_eq!(missed_phase(40_000, &phases), Some(Phase::ResolverTtl));
        // Within 10 %: nothing missed.
        assert_eq!(missed_phase(92_000, &phases), None);
    }

    #[test]
    fn close_over_and_never_are_told_apart() {
        let s = summary(Some(78_000), [12_000, 5_000, 60_000, 0, 1_000]);
        let close = compare(&guess(75), &s).unwrap();
        assert_eq!((close.verdict, close.missed.is_none()), (Verdict::Close, true));
        let over = compare(&guess(300), &s).unwrap();
        assert_eq!((over.verdict, over.missed), (Verdict::Over, None));
        assert!(over.headline.ends_with("222.0 s less than you allowed."), "{}", over.headline);
        let never = compare(&guess(30), &summary(None, [0; 5])).unwrap();
        assert_eq!(never.verdict, Verdict::NoSwitch);
        assert!(never.headline.contains("never reached another region"));
        assert_eq!(compare(&guess(30), &Summary::default()), None);
    }

    #[test]
    fn the_error_window_guess_is_compared_when_given() {
        let s = summary(Some(78_000), [12_000, 5_000, 60_000, 0, 1_000]);
        let p = Prediction { switch_ms: 20_000, error_window_p95_ms: Some(30_000) };
        assert_eq!(
            compare(&p, &s).unwrap().error_window.as_deref(),
            Some("Clients' error window, p95: you predicted 30.0 s; the run gave 70.0 s.")
        );
        assert_eq!(compare(&guess(20), &s).unwrap().error_window, None);
    }

    #[test]
    fn the_comparison_reveals_itself_at_the_switch() {
        let s = summary(Some(78_000), [12_000, 5_000, 60_000, 0, 1_000]);
        assert_eq!(reveal_at_ms(&s, 1_500_000), 378_000);
        assert_eq!(reveal_at_ms(&summary(None, [0; 5]), 1_500_000), 1_500_000);
    }

    #[test]
    fn durations_are_read_as_people_write_them() {
        assert_eq!(parse_duration("20"), Ok(20_000));
        assert_eq!(parse_duration(" 20.5 s "), Ok(20_500));
        assert_eq!(parse_duration("3 min"), Ok(180_000));
        assert_eq!(parse_duration("1:20"), Ok(80_000));
        assert_eq!(parse_duration("90sec"), Ok(90_000));
        for bad in ["", "soon", "-5", "1:75", "1e9", "NaN"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
