//! Trials: run the scenario under many seeds, a few per animation frame so the page
//! stays responsive, with progress, cancel, and histograms of the switch time and
//! the longest error window with p50 / p95 / max.

use leptos::prelude::*;

use crate::app::hooks::raf_loop::use_raf_loop;
use crate::app::state::use_design;
use crate::failover::playback::{self, TrialResult};

/// Trials run per animation frame.
const PER_FRAME: u64 = 2;

/// The trials panel.
#[component]
pub fn Trials() -> impl IntoView {
    let design = use_design();
    let total = RwSignal::new(500u64);
    let results = RwSignal::new(Vec::<TrialResult>::new());
    let error = RwSignal::new(None::<String>);
    // One frame's batch; `false` once every trial ran or one failed.
    let batch = use_raf_loop(move || {
        let s = design.get_untracked();
        let done = results.with_untracked(|r| r.len() as u64);
        let n = total.get_untracked();
        let mut batch = Vec::new();
        for seed in done..(done + PER_FRAME).min(n) {
            match playback::trial(&s, s.seed.wrapping_add(seed)) {
                Ok(r) => batch.push(r),
                Err(e) => {
                    error.set(Some(e.to_string()));
                    return false;
                }
            }
        }
        results.update(|r| r.extend(batch));
        results.with_untracked(|r| r.len() as u64) < n
    });
    // Editing the scenario invalidates the results.
    Effect::new(move |_| {
        design.track();
        batch.stop();
        results.set(Vec::new());
    });
    let start = move |_| {
        results.set(Vec::new());
        error.set(None);
        batch.start();
    };
    let hist = move |pick: fn(&TrialResult) -> Option<f64>, label: &'static str, testid: &'static str| {
        move || {
            let values: Vec<f64> = results.with(|r| r.iter().filter_map(pick).collect());
            let Some((p50, p95, max)) = playback::percentiles(&values) else {
                return view! { <p class="rw-muted">{format!("{label}: no runs yet")}</p> }.into_any();
            };
            let (counts, width) = playback::histogram(&values, 24);
            let top = counts.iter().copied().max().unwrap_or(1).max(1);
            view! {
                <figure class="rw-hist" data-testid=testid>
                    <figcaption>
                        {format!("{label} over {} runs: p50 {p50:.1} s · p95 {p95:.1} s · max {max:.1} s (bins of {width:.1} s)", values.len())}
                    </figcaption>
                    <div class="rw-hist__bars" role="img" aria-label=format!("Histogram of {label}")>
                        {counts
                            .into_iter()
                            .map(|c| {
                                let h = format!("{}%", c * 100 / top);
                                view! { <span class="rw-hist__bar" style:height=h title=c.to_string()></span> }
                            })
                            .collect::<Vec<_>>()}
                    </div>
                </figure>
            }
                .into_any()
        }
    };
    view! {
        <div class="rw-trials">
            <label class="rw-field">
                "Trials "
                <input
                    type="number"
                    min="1"
                    max="5000"
                    data-testid="trials-count"
                    prop:value=move || total.get().to_string()
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<u64>() {
                            total.set(n.clamp(1, 5_000));
                        }
                    }
                />
            </label>
            <button class="rw-button rw-button--primary" data-testid="trials-run" on:click=start prop:disabled=move || batch.is_running()>
                {move || format!("Run {} trials", total.get())}
            </button>
            <button class="rw-button" data-testid="trials-cancel" on:click=move |_| batch.stop() prop:disabled=move || !batch.is_running()>
                "Cancel"
            </button>
            <progress
                data-testid="trials-progress"
                prop:max=move || total.get() as f64
                prop:value=move || results.with(|r| r.len()) as f64
                aria-label="Trials done"
            ></progress>
            <span data-testid="trials-done">{move || format!("{} / {}", results.with(|r| r.len()), total.get())}</span>
            {move || error.get().map(|e| view! { <p class="rw-warn">{e}</p> })}
            {hist(|r| r.switch_s, "switch time", "hist-switch")}
            {hist(|r| r.error_window_max_s, "longest client error window", "hist-window")}
        </div>
    }
}
