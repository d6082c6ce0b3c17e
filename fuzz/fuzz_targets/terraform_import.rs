//! Fuzz target `terraform_import`: the checks are in `fuzz/bodies/terraform_import.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../bodies/terraform_import.rs"]
mod body;

fuzz_target!(|data: &[u8]| body::run(data));
