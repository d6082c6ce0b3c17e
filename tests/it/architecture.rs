//! Architecture invariants checked on the source tree itself.

use std::fs;
use std::path::{Path, PathBuf};

/// Web crates the core must never name. The front end (`src/app*`) and the
/// wasm entry in `src/main.rs` are the only places allowed to.
const WEB_CRATES: &[&str] =
    &["leptos", "web_sys", "wasm_bindgen", "js_sys", "gloo", "console_error_panic_hook", "plotters_canvas"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    files.sort();
    assert!(files.len() >= 3, "found the sources");
    files
}

fn is_front_end(path: &Path) -> bool {
    let rel = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().to_string_lossy().replace('\\', "/");
    rel == "src/app.rs" || rel.starts_with("src/app/") || rel == "src/main.rs"
}

/// Every identifier-like word of `text`, outside comments.
fn words(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    code.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(String::from).collect()
}

#[test]
fn core_modules_never_name_a_web_crate() {
    let mut offences = Vec::new();
    let mut checked = 0;
    for path in src_files().into_iter().filter(|p| !is_front_end(p)) {
        checked += 1;
        let text = fs::read_to_string(&path).unwrap();
        for word in words(&text) {
            if WEB_CRATES.contains(&word.as_str()) {
                offences.push(format!("{} names `{word}`", path.display()));
            }
        }
    }
    assert!(checked >= 3, "core files were checked");
    assert!(offences.is_empty(), "core modules must not use web crates:\n{}", offences.join("\n"));
}

#[test]
fn the_check_catches_a_web_import() {
    // The detector itself must work, or the invariant above would pass vacuously.
    assert!(words("use leptos::prelude::*; // fine").contains(&"leptos".to_string()));
    assert!(!words("// leptos in a comment only").contains(&"leptos".to_string()));
}

#[test]
fn every_module_has_a_doc_comment() {
    let missing: Vec<_> = src_files()
        .into_iter()
        .filter(|p| !fs::read_to_string(p).unwrap().trim_start().starts_with("//!"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a `//!` module doc: {missing:?}");
}

#[test]
fn web_crates_are_target_gated_in_the_manifest() {
    let manifest = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut section = String::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        let Some(name) = line.split('=').next().map(str::trim) else { continue };
        let name = name.replace('-', "_");
        if WEB_CRATES.iter().any(|w| name == *w || name.starts_with(&format!("{w}_"))) {
            assert!(
                section.contains("target_arch = \"wasm32\""),
                "web crate `{name}` is declared in {section}, which is not gated to wasm32"
            );
        }
    }
}

/// The core's layers, lowest first, and the layers each may name. Siblings on one
/// level (`failover` and `deploy`) must not name each other.
const LAYERS: &[(&str, &[&str])] = &[
    ("base", &[]),
    ("spec", &["base"]),
    ("route53", &["base", "spec"]),
    ("failover", &["base", "spec", "route53"]),
    ("deploy", &["base", "spec"]),
    ("formats", &["base", "spec", "route53"]),
    ("design", &["base", "spec", "route53", "failover", "deploy", "formats"]),
    ("charts", &["base", "spec", "route53", "failover", "deploy"]),
    ("cli", &["base", "spec", "route53", "failover", "deploy", "formats", "design", "charts"]),
    ("app", &["base", "spec", "route53", "failover", "deploy", "formats", "design", "charts"]),
];

/// The layer a source file belongs to: its first folder under `src/` (or its own
/// name for a layer's root file, `src/deploy.rs`); `None` for `lib.rs` and `main.rs`.
fn layer_of(path: &Path) -> Option<&'static str> {
    let rel = path.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
    LAYERS.iter().map(|(l, _)| *l).find(|l| *l == first)
}

/// The code of a file before its unit tests (`#[cfg(test)]`): tests may build
/// fixtures from any layer.
fn non_test_code(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

/// The layers `code` names as `crate::<layer>`.
fn layers_named(code: &str) -> Vec<String> {
    let w = words(code);
    w.windows(2).filter(|p| p[0] == "crate" && LAYERS.iter().any(|(l, _)| *l == p[1])).map(|p| p[1].clone()).collect()
}

#[test]
fn layers_only_name_the_layers_below_them() {
    let mut offences = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in src_files() {
        let Some(layer) = layer_of(&path) else { continue };
        seen.insert(layer);
        let allowed = LAYERS.iter().find(|(l, _)| *l == layer).unwrap().1;
        let text = fs::read_to_string(&path).unwrap();
        for named in layers_named(non_test_code(&text)) {
            if named != layer && !allowed.contains(&named.as_str()) {
                offences.push(format!("{} ({layer}) names crate::{named}", path.display()));
            }
        }
    }
    assert_eq!(seen.len(), LAYERS.len(), "every layer has files: {seen:?}");
    offences.sort();
    offences.dedup();
    assert!(offences.is_empty(), "a layer names one above it or a sibling:\n{}", offences.join("\n"));
}

#[test]
fn the_layer_check_catches_an_upward_import() {
    let code =
        "use crate::base::time::SimTime;\nuse crate::failover::sim::Sim;\n#[cfg(test)]\nuse crate::design::presets;";
    assert_eq!(layers_named(non_test_code(code)), ["base", "failover"]);
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/spec/zone.rs");
    assert_eq!(layer_of(&spec), Some("spec"));
    assert_eq!(layer_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/deploy.rs")), Some("deploy"));
    assert_eq!(layer_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")), None);
}
