//! Browser tests (wasm-bindgen-test in headless Chromium): the app mounts and reacts,
//! and the core computes the same numbers in the browser as natively.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "common/pins.rs"]
mod pins;

fn container() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("section").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

#[wasm_bindgen_test]
async fn app_mounts_and_about_toggles() {
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), routewave::app::App);
    leptos::task::tick().await;

    let brand = root.query_selector(".rw-header__brand").unwrap().expect("header rendered");
    assert_eq!(brand.text_content().unwrap(), "Routewave");
    assert!(root.query_selector("[data-testid=app-main]").unwrap().is_some());
    assert!(root.query_selector("[data-testid=about]").unwrap().is_none());

    let toggle: web_sys::HtmlElement =
        root.query_selector("[data-testid=about-toggle]").unwrap().unwrap().unchecked_into();
    toggle.click();
    leptos::task::tick().await;
    assert!(root.query_selector("[data-testid=about]").unwrap().is_some(), "about opens");
    assert_eq!(toggle.get_attribute("aria-expanded").as_deref(), Some("true"));

    toggle.click();
    leptos::task::tick().await;
    assert!(root.query_selector("[data-testid=about]").unwrap().is_none(), "about closes");
    drop(handle);
}

#[wasm_bindgen_test]
fn rng_known_answer_matches_native() {
    let mut rng = routewave::base::rng::SimRng::new(42);
    assert_eq!(rng.next_u64(), routewave::base::rng::KNOWN_ANSWER_SEED_42);
}

#[wasm_bindgen_test]
fn preset_trace_hash_matches_native() {
    let s = routewave::design::presets::preset("latency-weighted-nlb").unwrap();
    let mut sim = routewave::failover::sim::Sim::new(&s).unwrap();
    sim.run_until(sim.duration());
    assert_eq!(sim.report().trace_hash, pins::TRACE_HASH_LATENCY_WEIGHTED_NLB);
}

#[wasm_bindgen_test]
fn deployment_fingerprint_matches_native() {
    assert_eq!(pins::deploy_fingerprint(), pins::DEPLOY_FINGERPRINT_BAD_PLAN);
}

#[wasm_bindgen_test]
fn map_projection_matches_native() {
    // The map is drawn from the same decoded coastline and projection as natively.
    assert_eq!(pins::map_fingerprint(), pins::MAP_FINGERPRINT);
}
