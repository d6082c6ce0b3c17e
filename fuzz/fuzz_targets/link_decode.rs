//! Fuzz target `link_decode`: the checks are in `fuzz/bodies/link_decode.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../bodies/link_decode.rs"]
mod body;

fuzz_target!(|data: &[u8]| body::run(data));
