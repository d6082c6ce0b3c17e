//! The alarm that halts a deployment, with CloudWatch's semantics: a metric gives one
//! datapoint per period (periods aligned on multiples of the period from the start);
//! a datapoint breaches when it reaches the threshold; the alarm fires when at least
//! M of the last N datapoints breach (not necessarily consecutive), once the last
//! period's datapoint has been published. The metric here is the share of canary
//! answers that failed, a step function of time. Parameters and sources:
//! `docs/model.md` ("Data plane: the alarm").

use crate::spec::deploy::AlarmSpec;

/// A share of failures that holds from a moment (ms) until the next step.
pub type Step = (u64, f64);

/// The mean of a step function over `[from, to)` ms (0 before its first step).
pub fn mean(steps: &[Step], from: u64, to: u64) -> f64 {
    if to <= from {
        return 0.0;
    }
    let mut sum = 0.0;
    for (k, &(start, share)) in steps.iter().enumerate() {
        let end = steps.get(k + 1).map_or(u64::MAX, |s| s.0);
        let (a, b) = (start.max(from), end.min(to));
        if b > a {
            sum += share * (b - a) as f64;
        }
    }
    sum / (to - from) as f64
}

/// When the alarm fires (ms), watching `steps` from time 0 until `until` ms; `None`
/// if it never does. Steps must be in time order.
pub fn fires_at(alarm: &AlarmSpec, steps: &[Step], until: u64) -> Option<u64> {
    let period = alarm.period_s.max(1) * 1_000;
    let n = alarm.evaluation_periods.max(1) as u64;
    let m = u64::from(alarm.datapoints_to_alarm.clamp(1, n as u32));
    let threshold = alarm.threshold_pct / 100.0;
    let breaching = |share: f64| share >= threshold && share > 0.0;
    // A period can only breach if part of it is at or over the threshold: the spans
    // where the share is.
    let high: Vec<(u64, u64)> = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| breaching(s.1))
        .map(|(k, s)| (s.0, steps.get(k + 1).map_or(u64::MAX, |n| n.0)))
        .filter(|(a, b)| b > a)
        .collect();
    // The first period at or after `k` that overlaps a high span.
    let candidate = |k: u64| high.iter().filter(|&&(_, b)| b > k * period).map(|&(a, _)| (a / period).max(k)).min();
    // Breaching periods among the last N, by period number.
    let mut recent: std::collections::VecDeque<u64> = std::collections::VecDeque::new();
    let mut k = candidate(0)?;
    while k * period < until {
        let (a, b) = (k * period, (k + 1) * period);
        if breaching(mean(steps, a, b)) {
            recent.push_back(k);
        }
        while recent.front().is_some_and(|&f| f + n <= k) {
            recent.pop_front();
        }
        if recent.len() as u64 >= m {
            return Some(b + alarm.publish_delay_s * 1_000);
        }
        k = candidate(k + 1)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm(m: u32, n: u32) -> AlarmSpec {
        AlarmSpec {
            period_s: 60,
            evaluation_periods: n,
            datapoints_to_alarm: m,
            threshold_pct: 5.0,
            latency_threshold_ms: 200.0,
            publish_delay_s: 0,
        }
    }

    #[test]
    fn m_of_n_fires_at_the_end_of_the_mth_breaching_period() {
        // Failing from 0: 3 of 3 at 60 s fires at 180 s; 1 of 1 at 60 s.
        assert_eq!(fires_at(&alarm(3, 3), &[(0, 1.0)], u64::MAX), Some(180_000));
        assert_eq!(fires_at(&alarm(1, 1), &[(0, 1.0)], u64::MAX), Some(60_000));
        // The publication delay comes on top.
        let mut a = alarm(3, 3);
        a.publish_delay_s = 30;
        assert_eq!(fires_at(&a, &[(0, 1.0)], u64::MAX), Some(210_000));
    }

    #[test]
    fn breaching_datapoints_need_not_be_consecutive() {
        // Breach, ok, breach, ok, breach: 3 of 5 fires at the fifth period; 3 of 3 never.
        let steps = [(0, 1.0), (60_000, 0.0), (120_000, 1.0), (180_000, 0.0), (240_000, 1.0), (300_000, 0.0)];
        assert_eq!(fires_at(&alarm(3, 5), &steps, u64::MAX), Some(300_000));
        assert_eq!(fires_at(&alarm(3, 3), &steps, u64::MAX), None);
    }

    #[test]
    fn a_datapoint_is_the_period_mean_against_the_threshold() {
        // Failing from 58 s: the first period's mean is 2/60 = 3.3 % < 5 %, so it does
        // not breach; the next three do.
        assert_eq!(fires_at(&alarm(3, 3), &[(58_000, 1.0)], u64::MAX), Some(240_000));
        // From 55 s: 5/60 = 8.3 % breaches.
        assert_eq!(fires_at(&alarm(3, 3), &[(55_000, 1.0)], u64::MAX), Some(180_000));
        // A share under the threshold never fires, however long it lasts.
        assert_eq!(fires_at(&alarm(1, 1), &[(0, 0.04)], u64::MAX), None);
        // The watch ends at `until`.
        assert_eq!(fires_at(&alarm(3, 3), &[(0, 1.0)], 120_000), None);
    }

    #[test]
    fn the_mean_of_a_step_function() {
        let s = [(10, 1.0), (20, 0.5)];
        assert_eq!(mean(&s, 0, 10), 0.0);
        assert!((mean(&s, 0, 40) - (10.0 + 10.0) / 40.0).abs() < 1e-12);
    }
}
