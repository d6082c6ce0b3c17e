//! The `routewave-worker` binary: the page's trials and sweep cells in a Web Worker.
//! It holds the simulation core only (no page, no Leptos): each message is a
//! [`routewave::design::jobs::Request`] as JSON text, each answer a `Response`; it
//! announces itself with `Ready` once loaded. Trunk builds it beside the page
//! (`data-type="worker"` in index.html); natively it only says what it is for.

#[cfg(target_arch = "wasm32")]
fn main() {
    use routewave::design::jobs::{Response, answer};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
        let text = ev.data().as_string().unwrap_or_default();
        // A message that cannot be posted back leaves the page waiting; the page's
        // Cancel ends the worker then.
        let _ = reply.post_message(&JsValue::from_str(&answer(&text)));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(&Response::Ready.to_json()));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "routewave-worker runs the page's trials in a browser's Web Worker; use `routewave` on the command line."
    );
}
