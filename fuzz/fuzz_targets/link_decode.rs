//! Fuzz target: any fragment must decode to a scenario or a clear error, never panic;
//! a decoded scenario must re-encode and decode to itself and build (or refuse to
//! build) a simulation without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = routewave::formats::link::decode(text) {
        let again = routewave::formats::link::decode(&routewave::formats::link::encode(&s)).expect("re-encoded link decodes");
        assert_eq!(again, s);
        let _ = routewave::failover::sim::Sim::new(&s);
    }
});
