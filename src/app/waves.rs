//! The wave planner and the bad build's blast radius. Waves are columns of location
//! chips (colour and shape by stripe, hardware generation in text); drag a chip to
//! another column — or focus it and press ← / → — to move it; set each wave's bake,
//! the halt rule and the rollback; the core's plan analysis updates as you go, and
//! "arrange by stripe and geography" is offered as a suggestion to accept or undo.
//! Below, the bad build (its kind chosen here) runs through the plan: the per-wave
//! blast radius as a table and a chart (PNG / CSV), and side by side with another plan
//! under the same seed and bad build.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

use super::map::STRIPE_RGB;
use super::shell::Ctx;
use crate::deploy::{self, DeployReport};
use crate::spec::deploy::{BadKind, DeploySpec, Plan};

const GLYPH: [&str; 4] = ["●", "■", "▲", "◆"];

const KINDS: [(BadKind, &str); 5] = [
    (BadKind::BlackHole, "black_hole"),
    (BadKind::Crash, "crash"),
    (BadKind::SlowOnOldHardware, "slow_on_old_hardware"),
    (BadKind::WrongAnswers, "wrong_answers"),
    (BadKind::VersionIncompat, "version_incompat"),
];

fn spec(ctx: &Ctx) -> Option<DeploySpec> {
    ctx.deploy_spec.with(|d| d.as_ref().map(|(d, _)| d.clone()))
}

fn edit_deploy(ctx: &Ctx, f: impl FnOnce(&mut DeploySpec)) {
    ctx.edit(|s| {
        if let Some(d) = s.deploy.as_mut() {
            f(d);
        }
    });
}

/// Waves as columns, their settings, the live analysis and the suggestion.
#[component]
pub fn WavePlanner() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let before_suggestion = RwSignal::new(None::<Plan>);
    let analysis = Memo::new(move |_| {
        ctx.deploy_spec.with(|d| d.as_ref().map(|(d, seed)| deploy::analyze(d, *seed).map_err(|p| p.join("; "))))
    });
    let move_to = move |id: String, to: Option<usize>| {
        edit_deploy(&ctx, |d| {
            deploy::move_location(&mut d.plan, &id, to);
        });
    };
    // Each wave's progress at the deployment playhead.
    let status = move |w: usize| -> Option<String> {
        let t = crate::base::time::SimTime(ctx.deploy.playhead.get());
        ctx.dplayback.with(|p| {
            let p = p.as_ref()?.as_ref().as_ref().ok()?;
            let s = p.schedule();
            let start = *s.wave_start.get(w)?;
            if t < start {
                return None;
            }
            Some(match (s.alarm_at, s.rollback_done) {
                (_, Some(done)) if t >= done => "↺ rolled back".to_string(),
                (Some(a), _) if t >= a => "■ halted, rolling back".to_string(),
                _ if s.wave_start.get(w + 1).is_some_and(|n| t >= *n) => "✓ done".to_string(),
                _ => "▶ deploying / baking".to_string(),
            })
        })
    };
    // Statuses change only as waves start and end: a memo keeps the board (and a drag
    // in progress) untouched while the playhead moves.
    let statuses = Memo::new(move |_| {
        let n = ctx.deploy_spec.with(|d| d.as_ref().map_or(0, |(d, _)| d.plan.waves.len()));
        (0..n).map(status).collect::<Vec<_>>()
    });
    let columns = move || {
        let Some(d) = spec(&ctx) else { return Vec::new() };
        let statuses = statuses.get();
        let chip = |id: &String| {
            let (stripe, hw) =
                d.fleet.iter().find(|l| &l.id == id).map_or((0, 0), |l| (usize::from(l.stripe) % 4, l.hardware_gen));
            Chip {
                id: id.clone(),
                label: format!("{id} · g{hw}"),
                aria: format!("{id}, stripe {stripe}, hardware generation {hw}"),
                colour: STRIPE_RGB[stripe],
                glyph: GLYPH[stripe],
            }
        };
        let stripes = |ids: &[String]| {
            ids.iter()
                .filter_map(|id| d.fleet.iter().find(|l| &l.id == id).map(|l| l.stripe))
                .collect::<std::collections::BTreeSet<u8>>()
                .len()
        };
        let mut cols: Vec<BoardCol> = d
            .plan
            .waves
            .iter()
            .enumerate()
            .map(|(i, w)| BoardCol {
                wave: Some(i),
                bake_s: w.bake_s,
                warn: (stripes(&w.locations) > 1).then(|| "mixes stripes".to_string()),
                status: statuses.get(i).cloned().flatten(),
                chips: w.locations.iter().map(chip).collect(),
            })
            .collect();
        cols.push(BoardCol {
            wave: None,
            bake_s: 0,
            warn: None,
            status: None,
            chips: deploy::unplanned(&d).iter().map(chip).collect(),
        });
        cols
    };
    view! {
        <div class="rw-waves" data-testid="wave-planner">
            <h3>"Wave plan"</h3>
            <div class="rw-waves__settings" role="group" aria-label="Plan settings">
                {move || spec(&ctx).map(|d| {
                    let (stage, roll, points, detected) = (d.plan.staging_waves, d.plan.rollback_s, d.alarm.datapoints_to_alarm, d.bad_build.detected);
                    view! {
                        <label class="rw-field">"Staging waves "
                            <input type="number" min="0" max="5" data-testid="staging-waves" prop:value=stage.to_string()
                                on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u32>() { edit_deploy(&ctx, |d| d.plan.staging_waves = v.min(5)) } } />
                        </label>
                        <label class="rw-field">"Halt when the alarm fires: "
                            <input type="number" min="1" max="60" data-testid="alarm-datapoints" prop:value=points.to_string()
                                on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u32>() { edit_deploy(&ctx, |d| { d.alarm.datapoints_to_alarm = v.clamp(1, 60); d.alarm.evaluation_periods = d.alarm.datapoints_to_alarm; }) } } />
                            " one-minute datapoints in a row with failed canary answers"
                        </label>
                        <label class="rw-field">
                            <input type="checkbox" data-testid="alarm-detects" prop:checked=detected
                                on:change=move |ev| { let on = event_target_checked(&ev); edit_deploy(&ctx, |d| d.bad_build.detected = on) } />
                            " the alarm detects this kind"
                        </label>
                        <label class="rw-field">"Rollback takes "
                            <input type="number" min="0" data-testid="rollback" prop:value=(roll / 60).to_string()
                                on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u64>() { edit_deploy(&ctx, |d| d.plan.rollback_s = v * 60) } } />
                            " min"
                        </label>
                    }
                })}
            </div>
            <div class="rw-waves__suggest">
                <button class="rw-button" data-testid="arrange" on:click=move |_| {
                    let Some(d) = spec(&ctx) else { return };
                    before_suggestion.set(Some(d.plan.clone()));
                    edit_deploy(&ctx, |d| d.plan.waves = deploy::arrange_by_stripe(&d.fleet, 5));
                }>"Suggest: arrange by stripe and geography"</button>
                <Show when=move || before_suggestion.get().is_some()>
                    <span class="rw-muted">"Suggestion applied. "</span>
                    <button class="rw-button" data-testid="arrange-accept" on:click=move |_| before_suggestion.set(None)>"Keep it"</button>
                    <button class="rw-button" data-testid="arrange-undo" on:click=move |_| {
                        if let Some(p) = before_suggestion.get_untracked() {
                            edit_deploy(&ctx, |d| d.plan = p);
                        }
                        before_suggestion.set(None);
                    }>"Undo the suggestion"</button>
                </Show>
            </div>
            <ul class="rw-pitfalls" data-testid="plan-analysis" aria-label="Plan analysis" aria-live="polite">
                {move || match analysis.get() {
                    Some(Ok(ws)) if ws.is_empty() => vec![view! { <li class="rw-ok">"✓ No warnings: each wave stays within one stripe and keeps every resolver a nearby answer."</li> }.into_any()],
                    Some(Ok(ws)) => ws.into_iter().map(|w| {
                        let at = if w.wave == 0 { "plan".to_string() } else { format!("wave {}", w.wave) };
                        view! { <li><span aria-hidden="true">"⚠ "</span>{format!("{at}: {}", w.message)}</li> }.into_any()
                    }).collect(),
                    Some(Err(e)) => vec![view! { <li class="rw-problems">{e}</li> }.into_any()],
                    None => Vec::new(),
                }}
            </ul>
            <WaveBoard
                cols=Signal::derive(columns)
                on_move=Callback::new(move |(id, to): (String, Option<usize>)| move_to(id, to))
                on_bake=Callback::new(move |(w, bake_s): (usize, u64)| {
                    edit_deploy(&ctx, |d| if let Some(x) = d.plan.waves.get_mut(w) { x.bake_s = bake_s });
                })
            />
        </div>
    }
}

/// One column of a wave board: a wave (or the things in no wave).
#[derive(Clone, Debug, PartialEq)]
pub struct BoardCol {
    /// The wave, 0-based; `None` for "not in a wave".
    pub wave: Option<usize>,
    /// Its bake time, s.
    pub bake_s: u64,
    /// Mixes stripes (or otherwise deserves a warning), in words.
    pub warn: Option<String>,
    /// Where the deployment is with this wave at the playhead, in words.
    pub status: Option<String>,
    /// What it holds.
    pub chips: Vec<Chip>,
}

/// A draggable thing in a wave: a location, an AZ, a fleet.
#[derive(Clone, Debug, PartialEq)]
pub struct Chip {
    /// Its id.
    pub id: String,
    /// Shown text.
    pub label: String,
    /// What a screen reader says.
    pub aria: String,
    /// Border colour and glyph (shape), e.g. by stripe.
    pub colour: &'static str,
    /// A shape glyph.
    pub glyph: &'static str,
}

/// Waves as columns of chips: drag a chip to another column, or focus it and press
/// ← / → (→ past the last wave opens a new one; ← from the first takes it out).
#[component]
pub fn WaveBoard(
    #[prop(into)] cols: Signal<Vec<BoardCol>>,
    on_move: Callback<(String, Option<usize>)>,
    on_bake: Callback<(usize, u64)>,
) -> impl IntoView {
    let dragging = RwSignal::new(None::<String>);
    view! {
        <p class="rw-muted">"Drag to another wave, or focus and press ← or → (→ past the last wave opens a new one)."</p>
        <div class="rw-waves__cols">
            {move || {
                let cols = cols.get();
                let n = cols.iter().filter(|c| c.wave.is_some()).count();
                cols.into_iter().map(|col| {
                    let wave = col.wave;
                    let title = wave.map_or("Not in a wave".to_string(), |w| format!("Wave {}", w + 1));
                    let testid = wave.map_or("wave-none".to_string(), |w| format!("wave-{}", w + 1));
                    let mixed = col.warn.is_some();
                    view! {
                        <div
                            class="rw-waves__col"
                            class:rw-waves__col--mixed=mixed
                            data-testid=testid
                            on:dragover=move |e: leptos::ev::DragEvent| e.prevent_default()
                            on:drop=move |e: leptos::ev::DragEvent| {
                                e.prevent_default();
                                if let Some(id) = dragging.get_untracked() {
                                    dragging.set(None);
                                    on_move.run((id, wave));
                                }
                            }
                        >
                            <h4>{title}{col.warn.map(|w| format!(" ⚠ {w}"))}</h4>
                            {col.status.map(|st| view! { <p class="rw-waves__status" data-testid="wave-status">{st}</p> })}
                            {wave.map(|w| view! {
                                <label class="rw-field rw-waves__bake">"bake "
                                    <input type="number" min="0" aria-label=format!("Bake time of wave {}, hours", w + 1) prop:value=format!("{}", col.bake_s as f64 / 3600.0)
                                        on:change=move |ev| {
                                            if let Ok(h) = event_target_value(&ev).parse::<f64>() {
                                                on_bake.run((w, (h.max(0.0) * 3600.0) as u64));
                                            }
                                        } />
                                    " h"
                                </label>
                            })}
                            <ul class="rw-waves__chips">
                                {col.chips.into_iter().map(|c| {
                                    let (drag_id, key_id) = (c.id.clone(), c.id.clone());
                                    view! {
                                        <li
                                            class="rw-chip"
                                            tabindex="0"
                                            draggable="true"
                                            data-testid=format!("chip-{}", c.id)
                                            aria-label=c.aria
                                            style:border-color=c.colour
                                            on:dragstart=move |e: leptos::ev::DragEvent| {
                                                if let Some(dt) = e.data_transfer() {
                                                    let _ = dt.set_data("text/plain", &drag_id);
                                                }
                                                dragging.set(Some(drag_id.clone()));
                                            }
                                            on:keydown=move |e: leptos::ev::KeyboardEvent| {
                                                let to = match (e.key().as_str(), wave) {
                                                    ("ArrowLeft", Some(0)) => None,
                                                    ("ArrowLeft", Some(w)) => Some(w - 1),
                                                    ("ArrowLeft", None) => Some(n.saturating_sub(1)),
                                                    ("ArrowRight", Some(w)) => Some(w + 1),
                                                    _ => return,
                                                };
                                                e.prevent_default();
                                                on_move.run((key_id.clone(), to));
                                                let id = key_id.clone();
                                                request_animation_frame(move || focus_chip(&id));
                                            }
                                        >
                                            <span style:color=c.colour aria-hidden="true">{c.glyph}</span>
                                            {format!(" {}", c.label)}
                                        </li>
                                    }
                                }).collect::<Vec<_>>()}
                            </ul>
                        </div>
                    }
                }).collect::<Vec<_>>()
            }}
        </div>
    }
}

fn focus_chip(id: &str) {
    use wasm_bindgen::JsCast;
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&format!("[data-testid=\"chip-{id}\"]")).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

/// The plans a run can be compared with: the stripe arrangement and neighbours.
fn alternative(d: &DeploySpec, which: &str) -> Option<DeploySpec> {
    let mut alt = d.clone();
    match which {
        "stripe" => {
            alt.plan.waves = deploy::arrange_by_stripe(&d.fleet, 5);
            alt.plan.name = "by stripe and geography".into();
        }
        "neighbours" => {
            alt.plan = crate::design::presets::preset("data-plane-bad-plan")?.deploy?.plan;
            alt.plan.name = "waves of neighbours".into();
        }
        _ => return None,
    }
    Some(alt)
}

/// The bad build's kind, the per-wave blast radius, and a side-by-side comparison.
#[component]
pub fn BuildRun() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Compare with the other field design: a plan of neighbours against the stripe
    // arrangement, anything else against the plan of neighbours.
    let first = if spec(&ctx).is_some_and(|d| d.plan.name == "neighbours") { "stripe" } else { "neighbours" };
    let other = RwSignal::new(String::from(first));
    let reports = Memo::new(move |_| {
        let (d, seed) = ctx.deploy_spec.get()?;
        let a = deploy::run(&d, seed).map_err(|p| p.join("; "));
        let b = alternative(&d, &other.get()).map(|alt| deploy::run(&alt, seed).map_err(|p| p.join("; ")));
        Some((d.plan.name.clone(), a, b))
    });
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let (Some(el), Some((name, Ok(a), b))) = (canvas.get(), reports.get()) else { return };
        let Some(backend) = CanvasBackend::with_canvas_object(el) else { return };
        let mut plans: Vec<(String, Vec<deploy::WaveImpact>)> = vec![(format!("this plan ({name})"), a.waves.clone())];
        if let Some(Ok(b)) = &b {
            plans.push((b.plan.clone(), b.waves.clone()));
        }
        let refs: Vec<(&str, &[deploy::WaveImpact])> = plans.iter().map(|(n, w)| (n.as_str(), w.as_slice())).collect();
        if let Err(e) = crate::charts::draw_blast(&backend.into_drawing_area(), &refs) {
            ctx.notice.set(Some(format!("The blast-radius chart could not be drawn: {e}")));
        }
    });
    let run = move |_| {
        ctx.deploy.playhead.set(0);
        ctx.deploy.playing.set(true);
    };
    let export_csv = move |_| {
        if let Some((_, Ok(a), _)) = reports.get_untracked()
            && let Err(e) = super::files::download("routewave-blast-radius.csv", &deploy::impact_csv(&a), "text/csv")
        {
            ctx.notice.set(Some(format!("Export failed: {e}.")));
        }
    };
    view! {
        <div class="rw-build" data-testid="build-run">
            <h3>"Run a bad build through the plan"</h3>
            <div class="rw-inspector__actions">
                <label class="rw-field">"The build "
                    <select data-testid="bad-kind" prop:value=move || spec(&ctx).map(|d| KINDS.iter().find(|k| k.0 == d.bad_build.kind).map_or("", |k| k.1)).unwrap_or_default()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some((k, _)) = KINDS.iter().find(|k| k.1 == v) {
                                edit_deploy(&ctx, |d| d.bad_build.kind = *k);
                            }
                        }>
                        {KINDS.iter().map(|(k, v)| view! { <option value=*v>{k.as_str()}</option> }).collect::<Vec<_>>()}
                    </select>
                </label>
                <button class="rw-button rw-button--primary" data-testid="run-build" on:click=run>"▶ Run it and watch"</button>
                <label class="rw-field">"Compare with "
                    <select data-testid="compare-plan" prop:value=move || other.get() on:change=move |ev| other.set(event_target_value(&ev))>
                        <option value="neighbours">"waves of neighbours (the bad plan)"</option>
                        <option value="stripe">"waves by stripe and geography (the good plan)"</option>
                        <option value="none">"nothing"</option>
                    </select>
                </label>
            </div>
            {move || reports.get().map(|(_, a, b)| {
                let planned = spec(&ctx).map_or(0, |d| d.plan.waves.len());
                let planned_b = spec(&ctx).and_then(|d| alternative(&d, &other.get())).map_or(0, |d| d.plan.waves.len());
                view! {
                <div class="rw-build__tables">
                    <div class="rw-build__scroll">{blast_table(a, planned, "blast-radius")}</div>
                    {b.map(|b| view! { <div class="rw-build__scroll">{blast_table(b, planned_b, "blast-radius-other")}</div> })}
                </div>
            }})}
            <figure class="rw-chart">
                <canvas node_ref=canvas width="900" height="260" data-testid="chart-blast" role="img" aria-label="User-minutes impaired per wave, this plan and the compared one"></canvas>
                <figcaption>
                    <span class="rw-muted">"Bars: user-minutes impaired per wave; labels: share of resolvers affected."</span>
                    " "
                    <button class="rw-button rw-button--small" data-testid="export-blast-png" on:click=move |_| super::chart::export_png(&ctx, canvas, "routewave-blast-radius.png")>"PNG"</button>
                    <button class="rw-button rw-button--small" data-testid="export-blast-csv" on:click=export_csv>"CSV"</button>
                </figcaption>
            </figure>
        </div>
    }
}

fn blast_table(r: Result<DeployReport, String>, planned: usize, testid: &'static str) -> impl IntoView {
    match r {
        Err(e) => view! { <p class="rw-problems" data-testid=testid>{e}</p> }.into_any(),
        Ok(r) => {
            let secs =
                |v: Option<u64>| v.map_or("—".to_string(), |s| crate::base::time::SimTime(s * 1000).to_string());
            let head = if r.caught_in_staging {
                format!("{}: staging caught the {} build; production never saw it.", r.plan, r.kind.as_str())
            } else {
                format!(
                    "{}: {} of {} waves started · alarm after {} · rolled back after {}",
                    r.plan,
                    r.waves_started,
                    planned.max(r.waves_started),
                    secs(r.time_to_detect_s),
                    secs(r.time_to_rollback_s)
                )
            };
            let row = |w: &deploy::WaveImpact| {
                let name = if w.wave == 0 { "total".to_string() } else { w.wave.to_string() };
                view! {
                    <tr class:rw-build__total=w.wave == 0>
                        <th scope="row">{name}</th>
                        <td>{w.locations.len()}</td>
                        <td>{w.stripes.iter().map(u8::to_string).collect::<Vec<_>>().join(" ")}</td>
                        <td>{w.worst_ns_per_zone}</td>
                        <td>{format!("{:.1} %", w.resolvers_affected_pct)}</td>
                        <td>{format!("{:.0} / {:.0}", w.added_latency_p50_ms, w.added_latency_p99_ms)}</td>
                        <td>{format!("{:.0}", w.wrong_resolver_seconds)}</td>
                        <td>{format!("{:.0}", w.user_minutes)}</td>
                    </tr>
                }
            };
            view! {
                <table class="rw-table rw-build__table" data-testid=testid>
                    <caption>{head}</caption>
                    <thead><tr>
                        <th scope="col">"wave"</th><th scope="col">"locations"</th><th scope="col">"stripes"</th>
                        <th scope="col">"worst NS / zone"</th><th scope="col">"resolvers affected"</th>
                        <th scope="col">"added p50 / p99 ms"</th><th scope="col">"wrong-answer resolver-s"</th><th scope="col">"user-minutes"</th>
                    </tr></thead>
                    <tbody>
                        {r.waves.iter().map(row).collect::<Vec<_>>()}
                        {row(&r.total)}
                    </tbody>
                </table>
            }
            .into_any()
        }
    }
}
