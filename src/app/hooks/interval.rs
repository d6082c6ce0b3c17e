//! `use_interval`: calls a function every period while the calling component lives.

use std::time::Duration;

use leptos::prelude::*;

/// Calls `tick` every `period` until the calling component is cleaned up.
pub fn use_interval(period: Duration, tick: impl Fn() + 'static) {
    if let Ok(handle) = set_interval_with_handle(tick, period) {
        on_cleanup(move || handle.clear());
    }
}
