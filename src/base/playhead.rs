//! A player's arithmetic, apart from any clock: advancing a playhead by real time at
//! a speed (stopping at the end), stepping it within the run, the latest moment at a
//! playhead, how many moments fall in each stretch of the run (the density strip
//! under a scrubber), and the step and speed as the controls label them.

use crate::base::time::SimTime;

/// The playhead after `real_ms` of real time at `speed` (simulated ms per real ms)
/// from `playhead_ms`, and whether it reached `end_ms` (where it stops).
pub fn advance(playhead_ms: u64, speed: f64, real_ms: f64, end_ms: u64) -> (u64, bool) {
    let next = playhead_ms + (speed * real_ms) as u64;
    if next >= end_ms { (end_ms, true) } else { (next, false) }
}

/// The playhead `delta_ms` away from `playhead_ms`, kept within `0..=end_ms`.
pub fn step(playhead_ms: u64, delta_ms: i64, end_ms: u64) -> u64 {
    (playhead_ms as i64 + delta_ms).clamp(0, end_ms as i64) as u64
}

/// The last of `moments` (in time order) at or before `t`.
pub fn latest<T>(moments: &[(SimTime, T)], t: SimTime) -> Option<&(SimTime, T)> {
    moments.iter().rev().find(|m| m.0 <= t)
}

/// Moments per bucket over `0..=end` ms, in `buckets` equal buckets (at least one);
/// moments past the end count in the last.
pub fn density(moments: impl Iterator<Item = SimTime>, end: u64, buckets: usize) -> Vec<u32> {
    let mut d = vec![0u32; buckets.max(1)];
    let n = d.len() as u64;
    for t in moments {
        d[((t.as_ms().min(end) * n) / (end + 1)) as usize] += 1;
    }
    d
}

/// A step button's stride in words: whole minutes from a minute up, else seconds.
pub fn step_label(step_ms: u64) -> String {
    if step_ms >= 60_000 { format!("{} min", step_ms / 60_000) } else { format!("{} s", step_ms / 1000) }
}

/// A speed in words: `1/10×` below real time, `×100` from it up.
pub fn speed_label(speed: f64) -> String {
    if speed < 1.0 { format!("1/{:.0}×", 1.0 / speed) } else { format!("×{speed:.0}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_playhead_advances_at_its_speed_and_stops_at_the_end() {
        assert_eq!(advance(1_000, 10.0, 100.0, 10_000), (2_000, false));
        assert_eq!(advance(9_500, 10.0, 100.0, 10_000), (10_000, true));
        assert_eq!(advance(0, 0.1, 100.0, 10_000), (10, false));
        assert_eq!(step(500, -1_000, 10_000), 0);
        assert_eq!(step(9_500, 1_000, 10_000), 10_000);
        assert_eq!(step(5_000, 1_000, 10_000), 6_000);
    }

    #[test]
    fn the_latest_moment_and_the_density_strip() {
        let m = [(SimTime(0), "a"), (SimTime(1_000), "b"), (SimTime(1_000), "c"), (SimTime(5_000), "d")];
        assert_eq!(latest(&m, SimTime(999)).map(|x| x.1), Some("a"));
        assert_eq!(latest(&m, SimTime(1_000)).map(|x| x.1), Some("c"));
        assert_eq!(latest(&m[1..], SimTime(10)), None);
        let d = density(m.iter().map(|x| x.0).chain([SimTime(99_999)]), 9_999, 10);
        assert_eq!(d, [1, 2, 0, 0, 0, 1, 0, 0, 0, 1]);
        assert_eq!(density(std::iter::empty(), 0, 0), [0]);
    }

    #[test]
    fn labels() {
        assert_eq!(step_label(1_000), "1 s");
        assert_eq!(step_label(60_000), "1 min");
        assert_eq!(speed_label(0.1), "1/10×");
        assert_eq!(speed_label(100.0), "×100");
    }
}
