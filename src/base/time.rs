//! Simulated time: integer milliseconds since the start of a run.
//!
//! Time is never a float and never read from a clock: the caller passes `now` in.
//! Milliseconds are fine enough for everything modelled here (the shortest modelled
//! delay, a resolver's 50 ms RTT floor, is a whole number of them) and a `u64` of
//! them lasts far longer than any run.

use serde::{Deserialize, Serialize};

/// An instant of simulated time, in milliseconds since the run started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SimTime(pub u64);

/// A span of simulated time, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of a run.
    pub const ZERO: SimTime = SimTime(0);

    /// Milliseconds since the start.
    pub const fn as_ms(self) -> u64 {
        self.0
    }

    /// Time elapsed since `earlier`, or zero if `earlier` is later.
    pub const fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// Whole seconds since the start (rounded down).
    pub const fn whole_secs(self) -> u64 {
        self.0 / 1000
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A duration of `ms` milliseconds.
    pub const fn from_ms(ms: u64) -> Self {
        SimDuration(ms)
    }

    /// A duration of `s` whole seconds.
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1000)
    }

    /// The duration in milliseconds.
    pub const fn as_ms(self) -> u64 {
        self.0
    }

    /// The duration in seconds, as a float for display only.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl std::ops::Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0 + rhs.0)
    }
}

impl std::ops::AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        self.0 += rhs.0;
    }
}

impl std::ops::Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0 + rhs.0)
    }
}

impl std::ops::Mul<u64> for SimDuration {
    type Output = SimDuration;
    fn mul(self, rhs: u64) -> SimDuration {
        SimDuration(self.0 * rhs)
    }
}

impl std::fmt::Display for SimTime {
    /// `mm:ss.mmm`, or `h:mm:ss.mmm` past an hour.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.0 % 1000;
        let s = self.0 / 1000;
        let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
        if h > 0 { write!(f, "{h}:{m:02}:{s:02}.{ms:03}") } else { write!(f, "{m:02}:{s:02}.{ms:03}") }
    }
}

impl std::fmt::Display for SimDuration {
    /// Seconds with millisecond precision, e.g. `42.137s`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1000, self.0 % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_formats() {
        assert_eq!(SimTime(83_042).to_string(), "01:23.042");
        assert_eq!(SimTime(3_723_004).to_string(), "1:02:03.004");
        assert_eq!(SimDuration(42_137).to_string(), "42.137s");
    }

    #[test]
    fn arithmetic() {
        let t = SimTime(1_000) + SimDuration::from_secs(2);
        assert_eq!(t, SimTime(3_000));
        assert_eq!(t.saturating_since(SimTime(500)), SimDuration(2_500));
        assert_eq!(SimTime(500).saturating_since(t), SimDuration::ZERO);
    }
}
