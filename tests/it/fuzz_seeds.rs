//! The fuzz targets' checks run natively on their checked-in seeds (fuzz/seeds/) and
//! on seeded mutations of them (truncations, byte changes), so a regression the
//! fuzzer once found fails `cargo test` without a nightly toolchain.

use std::path::Path;

use routewave::base::rng::SimRng;

#[path = "../../fuzz/bodies/aws_import.rs"]
mod aws_import;
#[path = "../../fuzz/bodies/link_decode.rs"]
mod link_decode;
#[path = "../../fuzz/bodies/scenario_json.rs"]
mod scenario_json;
#[path = "../../fuzz/bodies/terraform_import.rs"]
mod terraform_import;

/// Mutations of each seed: this many truncations and this many byte changes.
const MUTATIONS: u64 = 6;

/// Every seed of `target`, whole and mutated, through `run`; returns how many inputs.
fn run_seeds(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    let mut inputs = 0;
    for (i, path) in files.iter().enumerate() {
        let seed = std::fs::read(path).unwrap();
        let mut rng = SimRng::new(i as u64);
        let mut cases = vec![seed.clone()];
        for _ in 0..MUTATIONS {
            cases.push(seed[..rng.below(seed.len() as u64 + 1) as usize].to_vec());
            let mut changed = seed.clone();
            if !changed.is_empty() {
                let at = rng.below(changed.len() as u64) as usize;
                changed[at] = b"{}[]\",:0 -\n"[rng.below(11) as usize];
            }
            cases.push(changed);
        }
        for case in &cases {
            let result = std::panic::catch_unwind(|| run(case));
            assert!(result.is_ok(), "{target}: {} (or a mutation of it) panicked", path.display());
            inputs += 1;
        }
    }
    inputs
}

#[test]
fn the_link_decoder_survives_its_seeds() {
    assert!(run_seeds("link_decode", link_decode::run) > 0);
}

#[test]
fn the_scenario_reader_survives_its_seeds() {
    assert!(run_seeds("scenario_json", scenario_json::run) > 0);
}

#[test]
fn the_aws_importers_survive_their_seeds() {
    assert!(run_seeds("aws_import", aws_import::run) > 0);
}

#[test]
fn the_terraform_importer_survives_its_seeds() {
    assert!(run_seeds("terraform_import", terraform_import::run) > 0);
}
