//! The requests chart on a canvas (plotters), with a hover readout and PNG / CSV
//! export. The drawing itself is [`crate::charts::draw_requests`].

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

use super::shell::Ctx;
use crate::charts;

/// Left and right pixel margins of the plot area (margin + y label area).
const LEFT_PX: f64 = 56.0;
const RIGHT_PX: f64 = 8.0;

/// The chart of requests per second by serving region and failures.
#[component]
pub fn RequestsChart() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let canvas = NodeRef::<Canvas>::new();
    let readout = RwSignal::new(String::new());
    Effect::new(move |_| {
        let pb = ctx.playback.get();
        let playhead_s = ctx.playhead.get() as f64 / 1000.0;
        let pinned = ctx.pinned.get();
        let (Some(el), Ok(p)) = (canvas.get(), pb.as_ref()) else { return };
        let Some(backend) = CanvasBackend::with_canvas_object(el) else { return };
        let area = backend.into_drawing_area();
        let a = pinned.as_ref().map(|(_, s)| s.as_ref());
        if let Err(e) = charts::draw_requests(&area, &p.report().series, a, playhead_s) {
            ctx.notice.set(Some(format!("The chart could not be drawn: {e}")));
        }
    });
    let hover = move |ev: leptos::ev::MouseEvent| {
        let Some(el) = canvas.get() else { return };
        let w = f64::from(el.client_width()).max(1.0);
        let x = f64::from(ev.offset_x());
        ctx.playback.with(|pb| {
            let Ok(p) = pb.as_ref() else { return };
            let series = &p.report().series;
            let n = series.ok.len();
            let frac = ((x - LEFT_PX) / (w - LEFT_PX - RIGHT_PX)).clamp(0.0, 1.0);
            let sec = ((frac * n as f64) as usize).min(n.saturating_sub(1));
            let lo = sec - sec % charts::BUCKET_S;
            let hi = (lo + charts::BUCKET_S).min(n);
            let avg = |v: &Vec<f64>| v[lo..hi].iter().sum::<f64>() / (hi - lo).max(1) as f64;
            let mut parts = vec![format!("{}", crate::time::SimTime(lo as u64 * 1000))];
            for (r, v) in &series.served_by_region {
                parts.push(format!("{r} {:.1}/s", avg(v)));
            }
            let failed: f64 = series.failed.values().map(avg).sum();
            parts.push(format!("failed {failed:.1}/s"));
            readout.set(parts.join(" · "));
        });
    };
    let export_png = move |_| {
        let Some(el) = canvas.get() else { return };
        match el.to_data_url() {
            Ok(url) => {
                if let Err(e) = super::files::download_url("routewave-requests.png", &url) {
                    ctx.notice.set(Some(format!("Export failed: {e}.")));
                }
            }
            Err(_) => ctx.notice.set(Some("Export failed: the canvas could not be read.".into())),
        }
    };
    let export_csv = move |_| {
        let csv = ctx.playback.with(|pb| pb.as_ref().as_ref().ok().map(|p| charts::series_csv(&p.report().series)));
        if let Some(csv) = csv
            && let Err(e) = super::files::download("routewave-series.csv", &csv, "text/csv")
        {
            ctx.notice.set(Some(format!("Export failed: {e}.")));
        }
    };
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
                    on:click=move |_| {
                        let pinned = ctx.playback.with(|pb| {
                            pb.as_ref().as_ref().ok().map(|p| (p.scenario().title.clone(), std::sync::Arc::new(p.report().series.clone())))
                        });
                        ctx.pinned.set(pinned);
                    }
                >
                    "Pin as A"
                </button>
                {move || {
                    ctx.pinned
                        .get()
                        .map(|(title, _)| {
                            view! {
                                <span data-testid="pinned" class="rw-muted">{format!("A (grey): {title}")}</span>
                                <button class="rw-button rw-button--small" on:click=move |_| ctx.pinned.set(None)>"Unpin"</button>
                            }
                        })
                }}
                <button class="rw-button rw-button--small" data-testid="export-png" on:click=export_png>"PNG"</button>
                <button class="rw-button rw-button--small" data-testid="export-csv" on:click=export_csv>"CSV"</button>
            </figcaption>
        </figure>
    }
}

/// The switch time of each probe, split into its phases, as stacked bars.
#[component]
pub fn PhasesChart() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let pb = ctx.playback.get();
        let (Some(el), Ok(p)) = (canvas.get(), pb.as_ref()) else { return };
        let phases: Vec<(String, crate::sim::Phases)> = p.report().summary.phases.clone().into_iter().collect();
        let Some(backend) = CanvasBackend::with_canvas_object(el) else { return };
        if let Err(e) = charts::draw_phases(&backend.into_drawing_area(), &phases) {
            ctx.notice.set(Some(format!("The phase chart could not be drawn: {e}")));
        }
    });
    view! {
        <canvas
            node_ref=canvas
            width="700"
            height="120"
            class="rw-chart__phases"
            data-testid="chart-phases"
            role="img"
            aria-label="Switch time split into detection, push, resolver TTL, client cache and connection"
        ></canvas>
    }
}
