//! Fuzz checks: any fragment must decode to a scenario or a clear error, never panic;
//! a decoded scenario must re-encode and decode to itself and build (or refuse to
//! build) a simulation without panicking.
//!
//! Shared by the fuzz target of the same name and by the native test that runs
//! the checked-in seeds (tests/it/fuzz_seeds.rs).

/// One input: must not panic; see the module doc for what it checks.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = routewave::formats::link::decode(text) {
        let again =
            routewave::formats::link::decode(&routewave::formats::link::encode(&s)).expect("re-encoded link decodes");
        assert_eq!(again, s);
        let _ = routewave::failover::sim::Sim::new(&s);
    }
}
