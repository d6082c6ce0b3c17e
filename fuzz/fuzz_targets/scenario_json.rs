//! Fuzz target: any document must parse to a scenario or a clear error, never panic;
//! a parsed scenario's zone must validate or be refused with problems, and a
//! simulation must build or be refused, without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = routewave::scenario::Scenario::from_json(text) {
        let _ = routewave::zone::Zone::new(&s.zone);
        if let Ok(mut sim) = routewave::sim::Sim::new(&s) {
            // A short, bounded run: the fuzzer looks for panics, not for long runs.
            sim.run_batch(routewave::time::SimTime(10_000), 2_000);
        }
    }
});
