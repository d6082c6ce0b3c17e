//! The charts on canvases (plotters): requests by serving region and failures by
//! kind, health per check and target, and the switch-time phases; hover readouts and
//! PNG / CSV export. The drawing itself is in [`crate::charts`].

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

use super::shell::Ctx;
use crate::charts;

/// Left and right pixel margins of the plot area (margin + y label area).
const LEFT_PX: f64 = 56.0;
const RIGHT_PX: f64 = 8.0;

/// Downloads the canvas as a PNG named `name`, or says why it could not.
pub fn export_png(ctx: &Ctx, canvas: NodeRef<Canvas>, name: &str) {
    let Some(el) = canvas.get_untracked() else { return };
    match el.to_data_url() {
        Ok(url) => {
            if let Err(e) = super::files::download_url(name, &url) {
                ctx.notice.set(Some(format!("Export failed: {e}.")));
            }
        }
        Err(_) => ctx.notice.set(Some("Export failed: the canvas could not be read.".into())),
    }
}

/// Downloads the run's per-second series as CSV.
fn export_csv(ctx: &Ctx) {
    let csv = ctx.playback.with(|pb| pb.as_ref().as_ref().ok().map(|p| charts::series_csv(&p.report().series)));
    if let Some(csv) = csv
        && let Err(e) = super::files::download("routewave-series.csv", &csv, "text/csv")
    {
        ctx.notice.set(Some(format!("Export failed: {e}.")));
    }
}

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
        let a = pinned.as_ref().map(|p| &p.report.series);
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
            let mut parts = vec![format!("{}", crate::base::time::SimTime(lo as u64 * 1000))];
            for (r, v) in &series.served_by_region {
                parts.push(format!("{r} {:.1}/s", avg(v)));
            }
            let failed: f64 = series.failed.values().map(avg).sum();
            parts.push(format!("failed {failed:.1}/s"));
            readout.set(parts.join(" · "));
        });
    };
    let export_png = move |_| export_png(&ctx, canvas, "routewave-requests.png");
    let export_csv = move |_| export_csv(&ctx);
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
                            pb.as_ref().as_ref().ok().map(|p| super::shell::Pinned {
                                report: std::sync::Arc::new(p.report().clone()),
                                seed: p.scenario().seed,
                                faults: p.scenario().faults.clone(),
                            })
                        });
                        ctx.pinned.set(pinned);
                    }
                >
                    "Pin as A"
                </button>
                {move || {
                    ctx.pinned
                        .get()
                        .map(|a| {
                            view! {
                                <span data-testid="pinned" class="rw-muted">{format!("A (grey): {}", a.report.title)}</span>
                                <button class="rw-button rw-button--small" on:click=move |_| ctx.pinned.set(None)>"Unpin"</button>
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
    let ctx = expect_context::<Ctx>();
    let rows = move || {
        let a = ctx.pinned.get()?;
        ctx.playback.with(|pb| {
            pb.as_ref().as_ref().ok().map(|b| {
                (
                    a.report.title.clone(),
                    b.report().title.clone(),
                    crate::failover::playback::compare(&a.report, b.report()),
                )
            })
        })
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
    let ctx = expect_context::<Ctx>();
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let pb = ctx.playback.get();
        let (Some(el), Ok(p)) = (canvas.get(), pb.as_ref()) else { return };
        let phases: Vec<(String, crate::failover::sim::Phases)> =
            p.report().summary.phases.clone().into_iter().collect();
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

/// Each health check's and load-balancer target's status as the DNS servers see it,
/// one lane each, with the playhead; hover names the lane and its state.
#[component]
pub fn ChecksChart() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let canvas = NodeRef::<Canvas>::new();
    let readout = RwSignal::new(String::new());
    let lanes = move || {
        ctx.playback.with(|pb| {
            pb.as_ref().as_ref().ok().map_or(0, |p| {
                let s = &p.report().series;
                s.check_status.len() + s.target_status.len()
            })
        })
    };
    Effect::new(move |_| {
        let pb = ctx.playback.get();
        let playhead_s = ctx.playhead.get() as f64 / 1000.0;
        let (Some(el), Ok(p)) = (canvas.get(), pb.as_ref()) else { return };
        el.set_height((lanes() as u32 * 40 + 44).max(90));
        let Some(backend) = CanvasBackend::with_canvas_object(el) else { return };
        if let Err(e) = charts::draw_checks(&backend.into_drawing_area(), &p.report().series, playhead_s) {
            ctx.notice.set(Some(format!("The health chart could not be drawn: {e}")));
        }
    });
    let hover = move |ev: leptos::ev::MouseEvent| {
        let Some(el) = canvas.get() else { return };
        let (w, h) = (f64::from(el.client_width()).max(1.0), f64::from(el.client_height()).max(1.0));
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        ctx.playback.with(|pb| {
            let Ok(p) = pb.as_ref() else { return };
            let s = &p.report().series;
            let lanes = charts::health_lanes(s);
            // Plot area: 8 px margins, 16 px left (margin + label area), 36 px at the bottom.
            let frac_x = ((x - 16.0) / (w - 24.0)).clamp(0.0, 1.0);
            let frac_y = ((y - 8.0) / (h - 44.0)).clamp(0.0, 0.999);
            let Some((name, col)) =
                lanes.len().checked_sub(1 + (frac_y * lanes.len() as f64) as usize).map(|i| &lanes[i])
            else {
                return;
            };
            let sec = ((frac_x * col.len() as f64) as usize).min(col.len().saturating_sub(1));
            let state = if col.get(sec) == Some(&1) { "healthy" } else { "unhealthy" };
            readout.set(format!("{} · {name}: {state}", crate::base::time::SimTime(sec as u64 * 1000)));
        });
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
                    on:click=move |_| export_png(&ctx, canvas, "routewave-health.png")
                >
                    "PNG"
                </button>
                <button class="rw-button rw-button--small" on:click=move |_| export_csv(&ctx)>"CSV"</button>
            </figcaption>
        </figure>
    }
}
