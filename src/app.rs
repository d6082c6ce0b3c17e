//! The web playground (wasm32 only): the Leptos application shell over the
//! simulation core.
//!
//! Components stay thin: everything they show is computed by core types and only
//! rendered here. State lives in small contexts ([`state`]); shared widgets and
//! hooks have their own modules ([`widgets`], [`hooks`]). No HTML is ever built
//! from strings: user text reaches the DOM as text nodes only.

mod challenge;
mod chart;
mod control;
mod deploy;
mod faults;
mod files;
mod header;
mod hooks;
mod importer;
mod inspector;
mod live;
mod map;
mod playground;
mod query;
mod shell;
mod state;
mod storage;
mod summary;
mod sweep;
mod training;
mod tree;
mod trials;
mod waves;
mod widgets;
mod workers;

pub use shell::App;

/// Entry point called by `main` in the browser: installs the panic hook, mounts the
/// application on `<body>` and removes the loading screen `index.html` painted while
/// the WebAssembly downloaded.
pub fn start() {
    install_panic_hook();
    leptos::mount::mount_to_body(App);
    if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("rw-boot")) {
        boot.remove();
    }
}

/// Log panics to the console with a readable stack, and put a readable message on
/// the page instead of leaving it blank or frozen.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_fatal(&info.to_string());
    }));
}

/// Writes `detail` into a fixed banner as plain text (never as HTML).
fn show_fatal(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = document.body() else { return };
    let Ok(banner) = document.create_element("div") else { return };
    banner.set_class_name("rw-fatal");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "fatal");
    banner.set_text_content(Some(&format!(
        "Routewave stopped because of an internal error. Reload the page to continue; \
         your saved work is kept.\n\nDetails: {detail}"
    )));
    let _ = body.append_child(&banner);
}
