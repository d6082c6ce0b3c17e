//! The page's outside world: the URL fragment (share links, via
//! `history.replaceState` so editing never spams the history) and localStorage
//! (autosave). Failures here never lose the user's work: they are reported, not
//! thrown.

/// localStorage key of the autosaved working scenario.
pub const AUTOSAVE_KEY: &str = "routewave.autosave.v1";

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The current fragment, without `#`, if any.
pub fn fragment() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    let h = hash.strip_prefix('#').unwrap_or(&hash).to_string();
    (!h.is_empty()).then_some(h)
}

/// Replaces the fragment without adding a history entry.
pub fn replace_fragment(fragment: &str) {
    let Some(w) = window() else { return };
    let Ok(history) = w.history() else { return };
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{fragment}")));
}

/// The page's address with `fragment`.
pub fn url_with(fragment: &str) -> String {
    let base = window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or("").to_string())
        .unwrap_or_default();
    format!("{base}#{fragment}")
}

/// Reads the autosave.
pub fn load_autosave() -> Option<String> {
    window()?.local_storage().ok()??.get_item(AUTOSAVE_KEY).ok()?
}

/// Writes the autosave; `false` if storage is unavailable or full.
pub fn save_autosave(json: &str) -> bool {
    let Some(storage) = window().and_then(|w| w.local_storage().ok().flatten()) else { return false };
    storage.set_item(AUTOSAVE_KEY, json).is_ok()
}

/// localStorage key of the saved-scenarios list.
pub const SAVED_KEY: &str = "routewave.saved.v1";

/// The saved scenarios: (name, scenario JSON), by name.
pub fn load_saved() -> Vec<(String, String)> {
    let Some(text) =
        window().and_then(|w| w.local_storage().ok().flatten()).and_then(|s| s.get_item(SAVED_KEY).ok().flatten())
    else {
        return Vec::new();
    };
    serde_json::from_str::<std::collections::BTreeMap<String, String>>(&text)
        .map(|m| m.into_iter().collect())
        .unwrap_or_default()
}

/// Writes the saved-scenarios list; `false` if storage is unavailable or full.
pub fn store_saved(list: &[(String, String)]) -> bool {
    let map: std::collections::BTreeMap<&str, &str> = list.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let Ok(text) = serde_json::to_string(&map) else { return false };
    let Some(storage) = window().and_then(|w| w.local_storage().ok().flatten()) else { return false };
    storage.set_item(SAVED_KEY, &text).is_ok()
}
