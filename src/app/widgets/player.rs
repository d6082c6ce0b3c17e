//! The player: play / pause, step, log-scale speed, the scrubber and the
//! event-density strip, over any [`Clock`] — the failover timeline's or the
//! deployment's.

use leptos::prelude::*;

use crate::app::state::Clock;
use crate::base::playhead::{speed_label, step_label};
use crate::base::time::SimTime;

fn fmt_time(ms: u64) -> String {
    SimTime(ms).to_string()
}

/// A player over `clock` for a run of `duration` ms with `density` moments per
/// stretch (`prefix` keeps two players' test ids apart; `step_ms` is the step
/// buttons' stride; speeds run from 1/10 to 10^`max_speed_log`).
#[component]
pub fn Player(
    clock: Clock,
    #[prop(into)] duration: Signal<u64>,
    #[prop(into)] density: Signal<Vec<u32>>,
    #[prop(optional)] prefix: &'static str,
    step_ms: u64,
    max_speed_log: f64,
) -> impl IntoView {
    let id = move |name: &str| format!("{prefix}{name}");
    let step = move |delta: i64| clock.step(delta, duration.get_untracked());
    let label = step_label(step_ms);
    let (back_label, fwd_label) = (format!("−{label}"), format!("+{label}"));
    view! {
        <div class="rw-player" role="group" aria-label="Player">
            <button
                class="rw-button rw-button--primary"
                data-testid=id("play")
                aria-pressed=move || clock.playing().to_string()
                on:click=move |_| clock.toggle()
            >
                {move || if clock.playing() { "❚❚ Pause" } else { "▶ Play" }}
            </button>
            <button
                class="rw-button"
                data-testid=id("step-back")
                on:click=move |_| step(-(step_ms as i64))
                aria-label=format!("Back {label}")
            >
                {back_label}
            </button>
            <button
                class="rw-button"
                data-testid=id("step")
                on:click=move |_| step(step_ms as i64)
                aria-label=format!("Forward {label}")
            >
                {fwd_label}
            </button>
            <span class="rw-clock" data-testid=id("clock") aria-live="off">
                {move || format!("{} / {}", fmt_time(clock.playhead()), fmt_time(duration.get()))}
            </span>
            <label class="rw-field">
                "Speed "
                <input
                    type="range"
                    min="-1"
                    max=max_speed_log.to_string()
                    step="0.1"
                    data-testid=id("speed")
                    aria-label="Playback speed, logarithmic"
                    prop:value=move || libm::log10(clock.speed()).to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            clock.set_speed(libm::pow(10.0, v));
                        }
                    }
                />
                <span data-testid=id("speed-label")>{move || speed_label(clock.speed())}</span>
            </label>
        </div>
        <div class="rw-scrub">
            <input
                type="range"
                min="0"
                step="100"
                class="rw-scrub__range"
                data-testid=id("scrubber")
                aria-label="Playhead"
                prop:max=move || duration.get().to_string()
                prop:value=move || clock.playhead().to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<u64>() {
                        clock.seek(v);
                    }
                }
            />
            <div class="rw-density" aria-hidden="true">
                {move || {
                    let d = density.get();
                    let max = d.iter().copied().max().unwrap_or(1).max(1);
                    d.into_iter()
                        .map(|n| {
                            let h = format!("{}%", (n * 100 / max).max(if n > 0 { 12 } else { 0 }));
                            view! { <span class="rw-density__bar" style:height=h></span> }
                        })
                        .collect::<Vec<_>>()
                }}
            </div>
        </div>
    }
}
