//! `use_debounced_effect`: an effect whose action runs once, a delay after the last
//! of a burst of changes (autosave after edits, not on every keystroke).

use std::time::Duration;

use leptos::prelude::*;

/// Runs `watch` as an effect (tracking what it reads); each run that returns `true`
/// (re)starts a `delay` timer, and `act` runs when a timer is left to expire — once
/// per burst of changes. A pending `act` is dropped when the component goes away.
pub fn use_debounced_effect(delay: Duration, watch: impl Fn() -> bool + 'static, act: impl Fn() + 'static) {
    let mut fire = debounce(delay, move |()| act());
    Effect::new(move |_| {
        if watch() {
            fire(());
        }
    });
}
