//! Trials: run the scenario under many seeds in the page's workers (or a few per
//! animation frame on the main thread when workers cannot run), with progress,
//! cancel, where they ran, and histograms of the switch time and the longest error
//! window with p50 / p95 / max; the progress and histograms move a few times a
//! second while trials arrive. Trial `i` runs with seed `scenario.seed + i` and lands
//! in slot `i`, so the histograms do not depend on how many workers ran.

use leptos::prelude::*;

use crate::app::state::use_design;
use crate::app::workers::{self, PanelRun, Throttle, use_panel_run};
use crate::design::jobs::{self, Request, TrialSlots, Work};
use crate::failover::playback::{self, TrialResult};

/// Trials per request to a worker: small, so progress moves and the workers share
/// the run evenly.
const PER_REQUEST: u64 = 8;

/// While trials arrive, the progress moves at most this often, ms ([`Throttle`]).
const PROGRESS_MS: f64 = 100.0;
/// … and the histograms are redrawn at most this often (a redraw sorts every result
/// and replaces the bars).
const REDRAW_MS: f64 = 250.0;

/// The trials panel.
#[component]
pub fn Trials() -> impl IntoView {
    let design = use_design();
    let total = RwSignal::new(500u64);
    // Every answer is put in `results` at once, which tells the progress at most
    // every PROGRESS_MS; the histograms show `drawn`, a copy taken at most every
    // REDRAW_MS while the run goes. Both catch up when the run ends.
    let results = RwSignal::new(TrialSlots::new(0, 0));
    let drawn = RwSignal::new(TrialSlots::new(0, 0));
    let progress = Throttle::new(PROGRESS_MS);
    let redraw = Throttle::new(REDRAW_MS);
    let run = use_panel_run(design, move || {
        results.set(TrialSlots::new(0, 0));
        drawn.set(TrialSlots::new(0, 0));
    });
    let PanelRun { running, place, error, .. } = run;
    // A run that ended early (cancelled, or a failed request) shows what arrived.
    Effect::new(move |_| {
        if !running.get() {
            if progress.flush() {
                results.notify();
            }
            if redraw.flush() {
                drawn.set(results.get_untracked());
            }
        }
    });
    let start = move |_| {
        let s = design.get_untracked();
        let n = total.get_untracked();
        results.set(TrialSlots::new(s.seed, n));
        drawn.set(TrialSlots::new(s.seed, n));
        let requests = jobs::split(n, PER_REQUEST)
            .into_iter()
            .map(|r| Request { run: 0, task: 0, scenario: s.clone(), work: Work::Trials, from: r.start, to: r.end })
            .collect();
        run.start(requests, move |resp| {
            results.update_untracked(|r| r.take(&resp));
            let complete = results.with_untracked(|r| r.done() as u64 == n);
            if progress.due(complete) {
                results.notify();
            }
            if redraw.due(complete) {
                drawn.set(results.get_untracked());
            }
        });
    };
    let hist = move |pick: fn(&TrialResult) -> Option<f64>, label: &'static str, testid: &'static str| {
        move || {
            let values: Vec<f64> = drawn.with(|r| r.results().filter_map(pick).collect());
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
        <div class="rw-trials" on:pointerenter=move |_| workers::prepare() on:focusin=move |_| workers::prepare()>
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
            <button class="rw-button rw-button--primary" data-testid="trials-run" on:click=start prop:disabled=move || running.get()>
                {move || format!("Run {} trials", total.get())}
            </button>
            <button class="rw-button" data-testid="trials-cancel" on:click=move |_| run.stop() prop:disabled=move || !running.get()>
                "Cancel"
            </button>
            <progress
                data-testid="trials-progress"
                prop:max=move || total.get() as f64
                prop:value=move || results.with(|r| r.done()) as f64
                aria-label="Trials done"
            ></progress>
            <span data-testid="trials-done">{move || format!("{} / {}", results.with(|r| r.done()), total.get())}</span>
            <p class="rw-trials__where" data-testid="trials-where" role="status">
                {move || place.get().map(|p| p.describe(running.get()))}
            </p>
            {move || error.get().map(|e| view! { <p class="rw-warn">{e}</p> })}
            {hist(|r| r.switch_s, "switch time", "hist-switch")}
            {hist(|r| r.error_window_max_s, "longest client error window", "hist-window")}
        </div>
    }
}
