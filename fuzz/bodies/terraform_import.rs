//! Fuzz checks: any text as a `.tf` file, a `.tf.json` file or a state / plan imports
//! or is refused with a message, never panics (nor loops: evaluation depth and
//! instance counts are bounded); whatever imports builds a simulation and exports
//! back to Terraform.
//!
//! Shared by the fuzz target of the same name and by the native test that runs
//! the checked-in seeds (tests/it/fuzz_seeds.rs).

use routewave::formats::terraform::{TfFile, export_terraform, import_terraform};

/// One input: must not panic; see the module doc for what it checks.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for name in ["main.tf", "main.tf.json", "terraform.tfstate"] {
        let files = [TfFile { name: name.into(), text: text.into() }];
        if let Ok(imp) = import_terraform(&files, &[]) {
            routewave::failover::sim::Sim::new(&imp.scenario).expect("an imported scenario builds");
            let _ = export_terraform(&imp.scenario, Some("Z1"));
        }
    }
}
