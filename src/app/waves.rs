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

use crate::app::state::{use_deployment, use_design, use_notice};
use crate::app::widgets::download::{download, download_png, report};
use crate::app::widgets::wave_board::WaveBoard;
use crate::base::time::SimTime;
use crate::deploy::board;
use crate::deploy::{self, DeployReport};
use crate::design::compare::OtherPlan;
use crate::spec::deploy::{BadKind, Plan};

const KINDS: [(BadKind, &str); 5] = [
    (BadKind::BlackHole, "black_hole"),
    (BadKind::Crash, "crash"),
    (BadKind::SlowOnOldHardware, "slow_on_old_hardware"),
    (BadKind::WrongAnswers, "wrong_answers"),
    (BadKind::VersionIncompat, "version_incompat"),
];

/// Waves as columns, their settings, the live analysis and the suggestion.
#[component]
pub fn WavePlanner() -> impl IntoView {
    let (design, deployment) = (use_design(), use_deployment());
    let clock = deployment.clock();
    let before_suggestion = RwSignal::new(None::<Plan>);
    let analysis =
        Memo::new(move |_| deployment.with_spec(|d, seed| deploy::analyze(d, seed).map_err(|p| p.join("; "))));
    // Statuses change only as waves start and end: a memo keeps the board (and a drag
    // in progress) untouched while the playhead moves.
    let statuses = Memo::new(move |_| {
        let t = SimTime(clock.playhead());
        let waves = deployment.with_spec(|d, _| d.plan.waves.len()).unwrap_or(0);
        deployment.with_playback(|p| board::wave_statuses(p.schedule(), waves, t)).unwrap_or_default()
    });
    let columns = move || {
        let statuses = statuses.get();
        deployment.with_spec(|d, _| board::locations(d, &statuses)).unwrap_or_default()
    };
    view! {
        <div class="rw-waves" data-testid="wave-planner">
            <h3>"Wave plan"</h3>
            <div class="rw-waves__settings" role="group" aria-label="Plan settings">
                {move || deployment.spec().map(|d| {
                    let (stage, roll, points, detected) = (d.plan.staging_waves, d.plan.rollback_s, d.alarm.datapoints_to_alarm, d.bad_build.detected);
                    view! {
                        <label class="rw-field">"Staging waves "
                            <input type="number" min="0" max="5" data-testid="staging-waves" prop:value=stage.to_string()
                                on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u32>() { design.edit_deploy(|d| d.plan.staging_waves = v.min(5)) } } />
                        </label>
                        <label class="rw-field">"Halt when the alarm fires: "
                            <input type="number" min="1" max="60" data-testid="alarm-datapoints" prop:value=points.to_string()
                                on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u32>() { design.edit_deploy(|d| { d.alarm.datapoints_to_alarm = v.clamp(1, 60); d.alarm.evaluation_periods = d.alarm.datapoints_to_alarm; }) } } />
                            " one-minute datapoints in a row with failed canary answers"
                        </label>
                        <label class="rw-field">
                            <input type="checkbox" data-testid="alarm-detects" prop:checked=detected
                                on:change=move |ev| { let on = event_target_checked(&ev); design.edit_deploy(|d| d.bad_build.detected = on) } />
                            " the alarm detects this kind"
                        </label>
                        <label class="rw-field">"Rollback takes "
                            <input type="number" min="0" data-testid="rollback" prop:value=(roll / 60).to_string()
                                on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u64>() { design.edit_deploy(|d| d.plan.rollback_s = v * 60) } } />
                            " min"
                        </label>
                    }
                })}
            </div>
            <div class="rw-waves__suggest">
                <button class="rw-button" data-testid="arrange" on:click=move |_| {
                    let Some(d) = deployment.spec() else { return };
                    before_suggestion.set(Some(d.plan.clone()));
                    design.edit_deploy(|d| d.plan.waves = deploy::arrange_by_stripe(&d.fleet, 5));
                }>"Suggest: arrange by stripe and geography"</button>
                <Show when=move || before_suggestion.get().is_some()>
                    <span class="rw-muted">"Suggestion applied. "</span>
                    <button class="rw-button" data-testid="arrange-accept" on:click=move |_| before_suggestion.set(None)>"Keep it"</button>
                    <button class="rw-button" data-testid="arrange-undo" on:click=move |_| {
                        if let Some(p) = before_suggestion.get_untracked() {
                            design.edit_deploy(|d| d.plan = p);
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
                on_move=Callback::new(move |(id, to): (String, Option<usize>)| {
                    design.edit_deploy(|d| {
                        deploy::move_location(&mut d.plan, &id, to);
                    });
                })
                on_bake=Callback::new(move |(w, bake_s): (usize, u64)| {
                    design.edit_deploy(|d| if let Some(x) = d.plan.waves.get_mut(w) { x.bake_s = bake_s });
                })
            />
        </div>
    }
}

/// The bad build's kind, the per-wave blast radius, and a side-by-side comparison.
#[component]
pub fn BuildRun() -> impl IntoView {
    let (design, deployment, notice) = (use_design(), use_deployment(), use_notice());
    // Compare with the other field design: a plan of neighbours against the stripe
    // arrangement, anything else against the plan of neighbours.
    let first = deployment.with_spec(|d, _| OtherPlan::default_for(d)).unwrap_or(OtherPlan::Neighbours);
    let other = RwSignal::new(first);
    let reports = Memo::new(move |_| {
        let other = other.get();
        deployment.with_spec(|d, seed| {
            let a = deploy::run(d, seed).map_err(|p| p.join("; "));
            let b = other.apply(d).map(|alt| deploy::run(&alt, seed).map_err(|p| p.join("; ")));
            (d.plan.name.clone(), a, b)
        })
    });
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let (Some(el), Some((name, Ok(a), b))) = (canvas.get(), reports.get()) else { return };
        crate::app::chart::fit_width(&el);
        let Some(backend) = CanvasBackend::with_canvas_object(el) else { return };
        let mut plans: Vec<(String, Vec<deploy::WaveImpact>)> = vec![(format!("this plan ({name})"), a.waves.clone())];
        if let Some(Ok(b)) = &b {
            plans.push((b.plan.clone(), b.waves.clone()));
        }
        let refs: Vec<(&str, &[deploy::WaveImpact])> = plans.iter().map(|(n, w)| (n.as_str(), w.as_slice())).collect();
        if let Err(e) = crate::charts::draw_blast(&backend.into_drawing_area(), &refs) {
            notice.say(format!("The blast-radius chart could not be drawn: {e}"));
        }
    });
    let run = move |_| deployment.clock().play_from(0);
    let export_csv = move |_| {
        if let Some((_, Ok(a), _)) = reports.get_untracked() {
            report(notice, download("routewave-blast-radius.csv", &deploy::impact_csv(&a), "text/csv"));
        }
    };
    view! {
        <div class="rw-build" data-testid="build-run">
            <h3>"Run a bad build through the plan"</h3>
            <div class="rw-inspector__actions">
                <label class="rw-field">"The build "
                    <select data-testid="bad-kind" prop:value=move || deployment.with_spec(|d, _| KINDS.iter().find(|k| k.0 == d.bad_build.kind).map_or("", |k| k.1)).unwrap_or_default()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some((k, _)) = KINDS.iter().find(|k| k.1 == v) {
                                design.edit_deploy(|d| d.bad_build.kind = *k);
                            }
                        }>
                        {KINDS.iter().map(|(k, v)| view! { <option value=*v>{k.as_str()}</option> }).collect::<Vec<_>>()}
                    </select>
                </label>
                <button class="rw-button rw-button--primary" data-testid="run-build" on:click=run>"▶ Run it and watch"</button>
                <label class="rw-field">"Compare with "
                    <select data-testid="compare-plan" prop:value=move || other.get().key() on:change=move |ev| {
                        if let Some(o) = OtherPlan::parse(&event_target_value(&ev)) {
                            other.set(o);
                        }
                    }>
                        <option value="neighbours">"waves of neighbours (the bad plan)"</option>
                        <option value="stripe">"waves by stripe and geography (the good plan)"</option>
                        <option value="none">"nothing"</option>
                    </select>
                </label>
            </div>
            {move || reports.get().map(|(_, a, b)| {
                let planned = deployment.with_spec(|d, _| d.plan.waves.len()).unwrap_or(0);
                let planned_b = deployment.with_spec(|d, _| other.get().apply(d).map_or(0, |d| d.plan.waves.len())).unwrap_or(0);
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
                    <button class="rw-button rw-button--small" data-testid="export-blast-png" on:click=move |_| report(notice, download_png(canvas, "routewave-blast-radius.png"))>"PNG"</button>
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
            let secs = |v: Option<u64>| v.map_or("—".to_string(), |s| SimTime(s * 1000).to_string());
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
