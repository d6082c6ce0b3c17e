//! Hover readouts: what a chart shows under the pointer, worked out from the same
//! data and plot-area layout the drawing uses, so the page only passes the pointer's
//! position and the canvas's size on screen (CSS px).

use super::{BUCKET_S, health_lanes};
use crate::base::time::SimTime;
use crate::failover::sim::Series;

/// The requests chart's plot area starts this far from the left (margin + y labels)
/// and ends this far from the right (margin), px.
const REQUESTS_LEFT_PX: f64 = 56.0;
const REQUESTS_RIGHT_PX: f64 = 8.0;

/// The health chart's plot area: left (margin + label area), right, top and bottom
/// (margin + x labels) insets, px.
const CHECKS_LEFT_PX: f64 = 16.0;
const CHECKS_RIGHT_PX: f64 = 8.0;
const CHECKS_TOP_PX: f64 = 8.0;
const CHECKS_BOTTOM_PX: f64 = 36.0;

/// The requests chart at `x` px of a chart `width` px wide: the plotted bucket under
/// the pointer, each region's requests per second there and the failures.
pub fn requests_at(series: &Series, x: f64, width: f64) -> String {
    let w = width.max(1.0);
    let n = series.ok.len();
    let frac = ((x - REQUESTS_LEFT_PX) / (w - REQUESTS_LEFT_PX - REQUESTS_RIGHT_PX)).clamp(0.0, 1.0);
    let sec = ((frac * n as f64) as usize).min(n.saturating_sub(1));
    let lo = sec - sec % BUCKET_S;
    let hi = (lo + BUCKET_S).min(n);
    let avg = |v: &Vec<f64>| v[lo..hi].iter().sum::<f64>() / (hi - lo).max(1) as f64;
    let mut parts = vec![SimTime(lo as u64 * 1000).to_string()];
    for (r, v) in &series.served_by_region {
        parts.push(format!("{r} {:.1}/s", avg(v)));
    }
    let failed: f64 = series.failed.values().map(avg).sum();
    parts.push(format!("failed {failed:.1}/s"));
    parts.join(" · ")
}

/// The health chart at (`x`, `y`) px of a chart `width` × `height` px: the lane under
/// the pointer (lanes are drawn bottom first) and its state at that second; `None`
/// without lanes.
pub fn checks_at(series: &Series, x: f64, y: f64, width: f64, height: f64) -> Option<String> {
    let (w, h) = (width.max(1.0), height.max(1.0));
    let lanes = health_lanes(series);
    let frac_x = ((x - CHECKS_LEFT_PX) / (w - CHECKS_LEFT_PX - CHECKS_RIGHT_PX)).clamp(0.0, 1.0);
    let frac_y = ((y - CHECKS_TOP_PX) / (h - CHECKS_TOP_PX - CHECKS_BOTTOM_PX)).clamp(0.0, 0.999);
    let i = lanes.len().checked_sub(1 + (frac_y * lanes.len() as f64) as usize)?;
    let (name, col) = &lanes[i];
    let sec = ((frac_x * col.len() as f64) as usize).min(col.len().saturating_sub(1));
    let state = if col.get(sec) == Some(&1) { "healthy" } else { "unhealthy" };
    Some(format!("{} · {name}: {state}", SimTime(sec as u64 * 1000)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failover::sim::Sim;

    fn series(preset: &str) -> Series {
        let s = crate::design::presets::preset(preset).unwrap();
        let mut sim = Sim::new(&s).unwrap();
        sim.run_until(sim.duration());
        sim.report().series
    }

    #[test]
    fn the_requests_readout_names_the_bucket_under_the_pointer() {
        let s = series("latency-weighted-alb");
        let (w, n) = (900.0, s.ok.len());
        let left = requests_at(&s, 0.0, w);
        assert!(left.starts_with("00:00.000 · "), "{left}");
        assert!(left.contains("us-east-1 ") && left.ends_with("/s"), "{left}");
        // The right edge is the last bucket.
        let last = (n - 1) - (n - 1) % BUCKET_S;
        assert!(requests_at(&s, w, w).starts_with(&SimTime(last as u64 * 1000).to_string()));
        // The middle of the plot area is the middle of the run, to a bucket.
        let mid = requests_at(&s, REQUESTS_LEFT_PX + (w - REQUESTS_LEFT_PX - REQUESTS_RIGHT_PX) / 2.0, w);
        let half = n / 2;
        assert!(mid.starts_with(&SimTime((half - half % BUCKET_S) as u64 * 1000).to_string()), "{mid}");
    }

    #[test]
    fn the_health_readout_names_the_lane_and_its_state() {
        let s = series("latency-weighted-checks-alb");
        let lanes = health_lanes(&s);
        assert!(lanes.len() >= 2);
        let (w, h) = (900.0, 40.0 * lanes.len() as f64 + 44.0);
        // The top of the plot area is the last lane; the bottom the first.
        let top = checks_at(&s, CHECKS_LEFT_PX, CHECKS_TOP_PX, w, h).unwrap();
        assert_eq!(top, format!("00:00.000 · {}: healthy", lanes.last().unwrap().0));
        let bottom = checks_at(&s, CHECKS_LEFT_PX, h - CHECKS_BOTTOM_PX, w, h).unwrap();
        assert!(bottom.contains(&lanes[0].0), "{bottom}");
        // Late in the run some lane is unhealthy (the preset stops us-east-1).
        let late = (0..lanes.len())
            .filter_map(|k| checks_at(&s, w - CHECKS_RIGHT_PX, CHECKS_TOP_PX + 40.0 * k as f64 + 1.0, w, h))
            .collect::<Vec<_>>();
        assert!(late.iter().any(|r| r.ends_with("unhealthy")), "{late:?}");
        assert_eq!(checks_at(&Series::default(), 10.0, 10.0, w, h), None);
    }
}
