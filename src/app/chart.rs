//! The charts on canvases (plotters): requests by serving region and failures by
//! kind, health per check and target, and the switch-time phases; hover readouts and
//! PNG / CSV export. The drawing itself is in [`crate::charts`].

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

use crate::app::state::{Notice, Run, use_notice, use_pinned, use_run};
use crate::app::widgets::download::{download, download_png, report};
use crate::charts::{self, readout};
use crate::design::compare::Pinned;
use crate::failover::playback::compare;
use crate::failover::sim::Phases;

/// Makes `el` as many pixels wide as it is shown, so a chart's text is drawn at its
/// real size: a canvas drawn 900 px wide and shown 390 px wide on a phone shrinks
/// every label below legibility, and the legend wraps to the width it really has.
pub(crate) fn fit_width(el: &web_sys::HtmlCanvasElement) {
    let shown = el.client_width();
    if shown > 0 && shown as u32 != el.width() {
        el.set_width(shown as u32);
    }
}

/// Downloads the run's per-second series as CSV.
fn export_csv(run: Run, notice: Notice) {
    if let Some(csv) = run.with_untracked(|p| charts::series_csv(&p.report().series)) {
        report(notice, download("routewave-series.csv", &csv, "text/csv"));
    }
}

/// The chart of requests per second by serving region and failures.
#[component]
pub fn RequestsChart() -> impl IntoView {
    let (run, pinned, notice) = (use_run(), use_pinned(), use_notice());
    let clock = run.clock();
    let canvas = NodeRef::<Canvas>::new();
    let readout = RwSignal::new(String::new());
    Effect::new(move |_| {
        let playhead_s = clock.playhead() as f64 / 1000.0;
        let pinned = pinned.get();
        let Some(el) = canvas.get() else { return };
        // Sized only when there is a run to draw: reading the width lays the page out.
        let drawn = run.with(|p| {
            fit_width(&el);
            let backend = CanvasBackend::with_canvas_object(el)?;
            let a = pinned.as_ref().map(|p| &p.report.series);
            Some(charts::draw_requests(&backend.into_drawing_area(), &p.report().series, a, playhead_s))
        });
        if let Some(Some(Err(e))) = drawn {
            notice.say(format!("The chart could not be drawn: {e}"));
        }
    });
    let hover = move |ev: leptos::ev::MouseEvent| {
        let Some(el) = canvas.get() else { return };
        let (x, w) = (f64::from(ev.offset_x()), f64::from(el.client_width()));
        if let Some(text) = run.with(|p| readout::requests_at(&p.report().series, x, w)) {
            readout.set(text);
        }
    };
    let export_png = move |_| report(notice, download_png(canvas, "routewave-requests.png"));
    let export_csv = move |_| export_csv(run, notice);
    view! {
        <figure class="rw-chart">
            <canvas
                node_ref=canvas
                width="900"
                height="240"
                data-testid="chart-requests"
                role="img"
                aria-label="Requests per second by serving region, and failed requests, over the run"
                on:mousemove=hover
            ></canvas>
            <figcaption>
                <span data-testid="chart-readout" class="rw-muted">
                    {move || {
                        let r = readout.get();
                        if r.is_empty() { "Hover the chart for values.".to_string() } else { r }
                    }}
                </span>
                " "
                <button
                    class="rw-button rw-button--small"
                    data-testid="pin-a"
                    // Until an edit's run is finished, the run shown is the one before it.
                    disabled=move || run.finishing()
                    on:click=move |_| pinned.set(run.with(Pinned::of))
                >
                    "Pin as A"
                </button>
                {move || {
                    pinned
                        .get()
                        .map(|a| {
                            view! {
                                <span data-testid="pinned" class="rw-muted">{format!("A (grey): {}", a.report.title)}</span>
                                <button class="rw-button rw-button--small" on:click=move |_| pinned.set(None)>"Unpin"</button>
                            }
                        })
                }}
                <button class="rw-button rw-button--small" data-testid="export-png" on:click=export_png>"PNG"</button>
                <button class="rw-button rw-button--small" data-testid="export-csv" on:click=export_csv>"CSV"</button>
            </figcaption>
        </figure>
        <Compare />
    }
}

/// Run A (pinned) against the current run B, metric by metric.
#[component]
fn Compare() -> impl IntoView {
    let (run, pinned) = (use_run(), use_pinned());
    let rows = move || {
        let a = pinned.get()?;
        run.with(|b| (a.report.title.clone(), b.report().title.clone(), compare(&a.report, b.report())))
    };
    move || {
        rows().map(|(ta, tb, rows)| {
            view! {
                <table class="rw-table rw-compare" data-testid="compare">
                    <caption>{format!("A: {ta} · B: {tb} (same seed and fault script)")}</caption>
                    <thead>
                        <tr><th scope="col">"metric"</th><th scope="col">"A"</th><th scope="col">"B"</th><th scope="col">"B vs A"</th></tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|(m, a, b, better)| {
                                let verdict = match better {
                                    Some(true) => "▼ better",
                                    Some(false) => "▲ worse",
                                    None => "= same",
                                };
                                view! {
                                    <tr class:rw-compare--better=better == Some(true) class:rw-compare--worse=better == Some(false)>
                                        <th scope="row">{m}</th>
                                        <td>{a}</td>
                                        <td>{b}</td>
                                        <td>{verdict}</td>
                                    </tr>
                                }
                            })
                            .collect::<Vec<_>>()}
                    </tbody>
                </table>
            }
        })
    }
}

/// The switch time of each probe, split into its phases, as stacked bars.
#[component]
pub fn PhasesChart() -> impl IntoView {
    let (run, notice) = (use_run(), use_notice());
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        let drawn = run.with(|p| {
            fit_width(&el);
            let phases: Vec<(String, Phases)> = p.report().summary.phases.clone().into_iter().collect();
            let backend = CanvasBackend::with_canvas_object(el)?;
            Some(charts::draw_phases(&backend.into_drawing_area(), &phases))
        });
        if let Some(Some(Err(e))) = drawn {
            notice.say(format!("The phase chart could not be drawn: {e}"));
        }
    });
    view! {
        <canvas
            node_ref=canvas
            width="700"
            height="150"
            class="rw-chart__phases"
            data-testid="chart-phases"
            role="img"
            aria-label="Switch time split into detection, push, resolver TTL, client cache and connection"
        ></canvas>
    }
}

/// Each health check's and load-balancer target's status as the DNS servers see it,
/// one lane each, with the playhead; hover names the lane and its state.
#[component]
pub fn ChecksChart() -> impl IntoView {
    let (run, notice) = (use_run(), use_notice());
    let clock = run.clock();
    let canvas = NodeRef::<Canvas>::new();
    let readout = RwSignal::new(String::new());
    Effect::new(move |_| {
        let playhead_s = clock.playhead() as f64 / 1000.0;
        let Some(el) = canvas.get() else { return };
        let drawn = run.with(|p| {
            let s = &p.report().series;
            let lanes = s.check_status.len() + s.target_status.len();
            fit_width(&el);
            el.set_height((lanes as u32 * 40 + 44).max(90));
            let backend = CanvasBackend::with_canvas_object(el)?;
            Some(charts::draw_checks(&backend.into_drawing_area(), s, playhead_s))
        });
        if let Some(Some(Err(e))) = drawn {
            notice.say(format!("The health chart could not be drawn: {e}"));
        }
    });
    let hover = move |ev: leptos::ev::MouseEvent| {
        let Some(el) = canvas.get() else { return };
        let (w, h) = (f64::from(el.client_width()), f64::from(el.client_height()));
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        if let Some(Some(text)) = run.with(|p| readout::checks_at(&p.report().series, x, y, w, h)) {
            readout.set(text);
        }
    };
    view! {
        <figure class="rw-chart">
            <canvas
                node_ref=canvas
                width="900"
                height="150"
                data-testid="chart-checks"
                role="img"
                aria-label="Health of each check and load-balancer target as Route 53's DNS servers see it, over the run"
                on:mousemove=hover
            ></canvas>
            <figcaption>
                <span class="rw-muted" data-testid="checks-readout">
                    {move || {
                        let r = readout.get();
                        if r.is_empty() {
                            "Thin band: healthy · full block: unhealthy, as the DNS servers see it.".to_string()
                        } else {
                            r
                        }
                    }}
                </span>
                " "
                <button
                    class="rw-button rw-button--small"
                    data-testid="export-checks-png"
                    on:click=move |_| report(notice, download_png(canvas, "routewave-health.png"))
                >
                    "PNG"
                </button>
                <button class="rw-button rw-button--small" on:click=move |_| export_csv(run, notice)>"CSV"</button>
            </figcaption>
        </figure>
    }
}
