//! `use_raf_loop`: work done a little per animation frame, so the page stays
//! responsive — start it, and it calls its step once per frame until the step says
//! it is finished or it is stopped.

use leptos::prelude::*;

/// A loop of animation frames, started and stopped by the caller.
#[derive(Clone, Copy)]
pub struct RafLoop {
    running: RwSignal<bool>,
    /// Bumped on every start and stop, so a frame of an older run does nothing.
    generation: StoredValue<u64>,
    step: StoredValue<Box<dyn Fn() -> bool>, LocalStorage>,
}

/// A loop calling `step` once per animation frame while it runs; `step` returns
/// whether to go on. Nothing runs until [`RafLoop::start`]; the loop stops when the
/// component goes away.
pub fn use_raf_loop(step: impl Fn() -> bool + 'static) -> RafLoop {
    let l = RafLoop {
        running: RwSignal::new(false),
        generation: StoredValue::new(0),
        step: StoredValue::new_local(Box::new(step)),
    };
    on_cleanup(move || {
        l.generation.try_update_value(|g| *g += 1);
    });
    l
}

impl RafLoop {
    /// Starts (or restarts) the loop at the next frame.
    pub fn start(&self) {
        self.generation.update_value(|g| *g += 1);
        self.running.set(true);
        let (l, mine) = (*self, self.generation.get_value());
        request_animation_frame(move || l.frame(mine));
    }

    /// Stops the loop before its next frame.
    pub fn stop(&self) {
        self.generation.update_value(|g| *g += 1);
        self.running.set(false);
    }

    /// Is it running? (tracked)
    pub fn is_running(&self) -> bool {
        self.running.get()
    }

    fn frame(self, mine: u64) {
        if self.generation.try_get_value() != Some(mine) {
            return;
        }
        if self.step.try_with_value(|step| step()).unwrap_or(false) {
            request_animation_frame(move || self.frame(mine));
        } else {
            self.running.try_set(false);
        }
    }
}
