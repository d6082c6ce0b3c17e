//! Fuzz checks: any record-set / health-check text, change batch or traffic-policy
//! document imports or is refused, never panics; whatever imports validates and builds
//! a simulation (the importers' promise), and exports a change batch, a policy and
//! Terraform without panicking. Format detection never panics either.
//!
//! Shared by the fuzz target of the same name and by the native test that runs
//! the checked-in seeds (tests/it/fuzz_seeds.rs).

/// One input: must not panic; see the module doc for what it checks.
pub fn run(data: &[u8]) {
    let _ = routewave::formats::detect::detect(data, None);
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (records, checks) = match text.split_once("\n---\n") {
        Some((r, c)) => (r, Some(c)),
        None => (text, None),
    };
    if let Ok(imp) = routewave::formats::aws::import_record_sets(records, checks) {
        routewave::route53::zone::Zone::new(&imp.scenario.zone).expect("an imported zone validates");
        routewave::failover::sim::Sim::new(&imp.scenario).expect("an imported scenario builds");
        let _ = routewave::formats::aws::change_batch(&imp.scenario.zone, "Z1");
        let _ = routewave::formats::terraform::export_terraform(&imp.scenario, None);
    }
    let base = routewave::design::presets::preset("latency-weighted-alb").expect("preset");
    if let Ok(done) = routewave::formats::aws::apply_change_batch(text, &base) {
        routewave::failover::sim::Sim::new(&done.imported.scenario).expect("a batch applied to a preset builds");
    }
    if let Ok(done) = routewave::formats::aws::import_change_batch(records, checks, None) {
        routewave::failover::sim::Sim::new(&done.imported.scenario).expect("an imported batch builds");
    }
    if let Ok(imp) = routewave::formats::aws::import_traffic_policy(text, &base) {
        routewave::failover::sim::Sim::new(&imp.scenario).expect("an imported policy builds");
        let _ = routewave::formats::aws::export_traffic_policy(&imp.scenario);
    }
}
