//! `use_window_event`: a listener on `window` for as long as the calling component
//! lives.

use leptos::ev::EventDescriptor;
use leptos::prelude::*;

/// Calls `handler` on every `event` at the window until the component goes away.
pub fn use_window_event<E: EventDescriptor + 'static>(event: E, handler: impl Fn(E::EventType) + 'static)
where
    E::EventType: wasm_bindgen::JsCast,
{
    let listener = window_event_listener(event, handler);
    on_cleanup(move || listener.remove());
}
