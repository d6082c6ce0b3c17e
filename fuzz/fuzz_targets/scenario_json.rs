//! Fuzz target `scenario_json`: the checks are in `fuzz/bodies/scenario_json.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../bodies/scenario_json.rs"]
mod body;

fuzz_target!(|data: &[u8]| body::run(data));
