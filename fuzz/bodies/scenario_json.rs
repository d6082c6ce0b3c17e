//! Fuzz checks: any document must parse to a scenario or a clear error, never panic;
//! a parsed scenario's zone must validate or be refused with problems, a simulation
//! must build or be refused, and so must its deployment (the map's playback at a
//! moment, and the control-plane run), without panicking.
//!
//! Shared by the fuzz target of the same name and by the native test that runs
//! the checked-in seeds (tests/it/fuzz_seeds.rs).

/// One input: must not panic; see the module doc for what it checks.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = routewave::spec::scenario::Scenario::from_json(text) {
        let _ = routewave::route53::zone::Zone::new(&s.zone);
        if let Ok(mut sim) = routewave::failover::sim::Sim::new(&s) {
            // A short, bounded run: the fuzzer looks for panics, not for long runs.
            sim.run_batch(routewave::base::time::SimTime(10_000), 2_000);
        }
        if let Some(d) = &s.deploy
            && d.fleet.len() <= 100
            && d.resolvers <= 500
            && let Ok(p) = routewave::deploy::playback::DeployPlayback::build(d, s.seed)
        {
            let _ = p.at(routewave::base::time::SimTime(s.view.deploy_ms % (p.duration().as_ms() + 1)));
        }
        if let Some(c) = &s.control_plane
            && let Ok(r) = routewave::deploy::control::run(c)
        {
            let _ = r.end();
        }
    }
}
