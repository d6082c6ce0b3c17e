//! The run's summary metrics, the switch time split into its phases with what moved
//! the answer, and the assumptions the run rests on.

use leptos::prelude::*;

use crate::app::state::use_run;
use crate::design::assumptions::assumptions;

fn secs(ms: Option<u64>) -> String {
    ms.map_or_else(|| "—".into(), |v| format!("{:.1} s", v as f64 / 1000.0))
}

/// While an edit's run is being finished (see [`crate::app::state::run`]): how far,
/// and that the summary and charts still show the run before the edit. Shown only if
/// it takes long enough to notice (the style delays it).
#[component]
pub fn Finishing() -> impl IntoView {
    let run = use_run();
    move || {
        run.finishing_progress().map(|(reached, duration)| {
            view! {
                <p
                    class="rw-finishing"
                    role="status"
                    data-testid="finishing"
                    title="The summary and charts show the run before the edit until the new run is done."
                >
                    "Finishing the run…"
                    <progress max=duration.max(1) value=reached.min(duration) aria-label="Simulated so far"></progress>
                </p>
            }
        })
    }
}

/// The summary of the whole run.
#[component]
pub fn Summary() -> impl IntoView {
    let run = use_run();
    view! {
        <div class="rw-summary" data-testid="summary">
            {move || {
                run.with(|p| p.report().summary.clone()).map(|m| {
                    let rows = m
                        .switch_ms
                        .iter()
                        .map(|(probe, v)| {
                            let ph = m.phases.get(probe).cloned().unwrap_or_default();
                            view! {
                                <p>
                                    <strong>{format!("{probe}: switch {}", secs(*v))}</strong>
                                    {format!(
                                        " = detection {} + push {} + resolver TTL {} + client cache {} + connection {}",
                                        secs(ph.detection_ms),
                                        secs(ph.push_ms),
                                        secs(ph.resolver_ttl_ms),
                                        secs(ph.client_cache_ms),
                                        secs(ph.connection_ms)
                                    )}
                                    {ph.cause.map(|c| format!(" · moved by {c}"))}
                                </p>
                            }
                        })
                        .collect::<Vec<_>>();
                    view! {
                        <p>{format!("Fault at {} · detection {}", secs(m.fault_at_ms), secs(m.detection_ms))}</p>
                        {rows}
                        <p>
                            {format!(
                                "Client error windows: p50 {} · p95 {} · max {} ({:.0} of the clients saw errors)",
                                secs(m.error_window_p50_ms),
                                secs(m.error_window_p95_ms),
                                secs(m.error_window_max_ms),
                                m.clients_with_errors
                            )}
                        </p>
                    }
                })
            }}
            {move || {
                run.with(|p| assumptions(p.scenario())).map(|list| {
                    view! {
                        <details class="rw-assumptions" data-testid="assumptions">
                            <summary>{format!("Assumptions in this run ({})", list.len())}</summary>
                            <ul>
                                {list
                                    .into_iter()
                                    .map(|a| view! {
                                        <li>
                                            <strong>{format!("{}: {}", a.what, a.value)}</strong>
                                            {format!(" — {}", a.why)}
                                        </li>
                                    })
                                    .collect::<Vec<_>>()}
                            </ul>
                        </details>
                    }
                })
            }}
        </div>
    }
}
