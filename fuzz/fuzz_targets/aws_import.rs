//! Fuzz target: any record-set / health-check text, and any traffic-policy document,
//! imports or is refused, never panics; an imported scenario validates or reports
//! problems, exports a change batch and a policy, without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (records, checks) = match text.split_once("\n---\n") {
        Some((r, c)) => (r, Some(c)),
        None => (text, None),
    };
    if let Ok(imp) = routewave::formats::aws::import_record_sets(records, checks) {
        let _ = routewave::route53::zone::Zone::new(&imp.scenario.zone);
        let _ = routewave::formats::aws::change_batch(&imp.scenario.zone, "Z1");
        let _ = routewave::failover::sim::Sim::new(&imp.scenario);
    }
    let base = routewave::design::presets::preset("latency-weighted-alb").expect("preset");
    if let Ok(imp) = routewave::formats::aws::import_traffic_policy(text, &base) {
        let _ = routewave::route53::zone::Zone::new(&imp.scenario.zone);
        let _ = routewave::formats::aws::export_traffic_policy(&imp.scenario);
    }
});
