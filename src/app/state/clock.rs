//! A player's clock: playhead, playing, speed. The failover timeline and the
//! deployment each have one; the [`crate::app::widgets::player::Player`] drives
//! either. The arithmetic is [`crate::base::playhead`]'s.

use leptos::prelude::*;

use crate::base::playhead;

/// Playhead (ms), playing, and speed (simulated s per real s).
#[derive(Clone, Copy)]
pub struct Clock {
    playhead: RwSignal<u64>,
    playing: RwSignal<bool>,
    speed: RwSignal<f64>,
}

impl Clock {
    /// A paused clock at `playhead_ms`, running at `speed` when played.
    pub fn new(playhead_ms: u64, speed: f64) -> Clock {
        Clock { playhead: RwSignal::new(playhead_ms), playing: RwSignal::new(false), speed: RwSignal::new(speed) }
    }

    /// The playhead, ms (tracked).
    pub fn playhead(&self) -> u64 {
        self.playhead.get()
    }

    /// The playhead, ms, without tracking it.
    pub fn playhead_untracked(&self) -> u64 {
        self.playhead.get_untracked()
    }

    /// Moves the playhead to `ms`.
    pub fn seek(&self, ms: u64) {
        self.playhead.set(ms);
    }

    /// Is it playing? (tracked)
    pub fn playing(&self) -> bool {
        self.playing.get()
    }

    /// Plays if paused, pauses if playing.
    pub fn toggle(&self) {
        self.playing.update(|p| *p = !*p);
    }

    /// Pauses at `ms`.
    pub fn pause_at(&self, ms: u64) {
        self.playing.set(false);
        self.playhead.set(ms);
    }

    /// Plays from `ms`.
    pub fn play_from(&self, ms: u64) {
        self.playhead.set(ms);
        self.playing.set(true);
    }

    /// Pauses and moves the playhead by `delta_ms`, within `0..=end_ms`.
    pub fn step(&self, delta_ms: i64, end_ms: u64) {
        self.playing.set(false);
        self.playhead.set(playhead::step(self.playhead.get_untracked(), delta_ms, end_ms));
    }

    /// The speed, simulated s per real s (tracked).
    pub fn speed(&self) -> f64 {
        self.speed.get()
    }

    /// The speed, without tracking it.
    pub fn speed_untracked(&self) -> f64 {
        self.speed.get_untracked()
    }

    /// Sets the speed.
    pub fn set_speed(&self, speed: f64) {
        self.speed.set(speed);
    }

    /// While playing, advances the playhead by `real_ms` of real time, stopping at
    /// `end_ms`.
    pub fn advance(&self, real_ms: f64, end_ms: u64) {
        if !self.playing.get_untracked() {
            return;
        }
        let (next, ended) =
            playhead::advance(self.playhead.get_untracked(), self.speed.get_untracked(), real_ms, end_ms);
        self.playhead.set(next);
        if ended {
            self.playing.set(false);
        }
    }
}
