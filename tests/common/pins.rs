//! Pinned results shared by the native and the browser tests: the same scenario and
//! seed must give these exact values on every platform.

/// Trace hash of preset `latency-weighted-nlb` at its seed (1).
pub const TRACE_HASH_LATENCY_WEIGHTED_NLB: &str = "e23446ad3a0d3a41";

/// Fingerprint of the data-plane deployment of preset `data-plane-bad-plan` at seed 1:
/// its per-wave blast radius and the deployment playback's resolver counts and
/// histogram at the alarm and half an hour later.
pub const DEPLOY_FINGERPRINT_BAD_PLAN: &str = "3cd83f17d0e74471";

/// Computes the fingerprint pinned in [`DEPLOY_FINGERPRINT_BAD_PLAN`].
pub fn deploy_fingerprint() -> String {
    use routewave::base::fingerprint::{FNV_OFFSET, fnv1a};
    use routewave::base::time::SimTime;
    use routewave::deploy::{self, playback::DeployPlayback};
    use routewave::design::presets;
    let spec = presets::preset("data-plane-bad-plan").unwrap().deploy.unwrap();
    let report = deploy::run(&spec, 1).unwrap();
    let p = DeployPlayback::build(&spec, 1).unwrap();
    let alarm = p.schedule().alarm_at.unwrap();
    let mut text = deploy::impact_csv(&report);
    for t in [alarm, SimTime(alarm.as_ms() + 1_800_000)] {
        let now = p.at(t);
        text.push_str(&format!("{:?}{:?}\n", now.counts, now.histogram));
    }
    format!("{:016x}", fnv1a(FNV_OFFSET, text.as_bytes()))
}

/// Fingerprint of the projected Natural Earth coastline (every point to 1e-9).
pub const MAP_FINGERPRINT: &str = "cd3dbbb540fbb291";

/// Computes the fingerprint pinned in [`MAP_FINGERPRINT`].
pub fn map_fingerprint() -> String {
    use routewave::base::fingerprint::{FNV_OFFSET, fnv1a};
    let h = routewave::charts::map::land_projected()
        .iter()
        .flatten()
        .fold(FNV_OFFSET, |h, (x, y)| fnv1a(h, format!("{x:.9},{y:.9};").as_bytes()));
    format!("{h:016x}")
}
