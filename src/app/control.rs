//! The control-plane deployments (external API by AZ, internal API by fleet) on the
//! same player as the data plane: every host of every fleet as a box whose state —
//! previous build, new build, failing, out of service, rolled back — is shown by
//! colour, glyph and text; each AZ's load balancer with the hosts it still sends to;
//! the fleets arranged into waves on the same board as locations; the bad build's
//! kind and split-world staging; failed requests per wave. The model is
//! [`crate::deploy::control`].

use leptos::prelude::*;

use crate::app::state::{use_deployment, use_design};
use crate::app::widgets::player::Player;
use crate::app::widgets::wave_board::WaveBoard;
use crate::base::playhead::{density, latest};
use crate::base::time::SimTime;
use crate::deploy::board;
use crate::deploy::control::HostNow;
use crate::spec::control::{CpBadKind, Fleet};

const KINDS: [(CpBadKind, &str, &str); 4] = [
    (CpBadKind::Crash, "crash", "crash on start (the host check fails)"),
    (CpBadKind::DeepCheckFails, "deep", "errors the deep health check catches"),
    (CpBadKind::ChecksMiss, "miss", "errors no health check sees"),
    (CpBadKind::VersionIncompat, "incompat", "version incompatibility"),
];

/// The control-plane section, shown for scenarios with a control-plane deployment.
#[component]
pub fn ControlPanel() -> impl IntoView {
    let (design, deployment) = (use_design(), use_deployment());
    let spec = move || design.with(|s| s.control_plane.clone());
    view! {
        <Show when=move || deployment.has_control()>
            <section class="rw-panel rw-panel--deploy" aria-labelledby="rw-cp-h" data-testid="control-panel">
                <h2 id="rw-cp-h">{move || spec().map(|s| format!("Control-plane deployment: {}", s.name))}</h2>
                <ControlPlayer />
                <BuildControls />
                <Fleets />
                <p class="rw-muted">"○ previous build · ● new build · ✗ failing requests · ⊘ out of service · ↺ rolled back"</p>
                <h3>"Waves of fleets"</h3>
                <WaveBoard
                    cols=Signal::derive(move || design.with(|s| s.control_plane.as_ref().map(board::fleets).unwrap_or_default()))
                    on_move=Callback::new(move |(id, to): (String, Option<usize>)| design.edit_control(|c| { crate::deploy::move_item(&mut c.waves, &id, to); }))
                    on_bake=Callback::new(move |(w, b): (usize, u64)| design.edit_control(|c| if let Some(x) = c.waves.get_mut(w) { x.bake_s = b }))
                />
                <ImpactTable />
            </section>
        </Show>
    }
}

/// The deployment player (shared with the data plane) and what is happening now.
#[component]
fn ControlPlayer() -> impl IntoView {
    let deployment = use_deployment();
    let clock = deployment.clock();
    view! {
        <Player
            clock=clock
            duration=Signal::derive(move || {
                deployment.with_control(|r| r.as_ref().map_or(0, |r| r.end().as_ms())).unwrap_or(0)
            })
            density=Signal::derive(move || {
                deployment
                    .with_control(|r| {
                        r.as_ref()
                            .map(|r| density(r.timeline.iter().map(|e| e.0), r.end().as_ms(), 120))
                            .unwrap_or_default()
                    })
                    .unwrap_or_default()
            })
            prefix="deploy-"
            step_ms=60_000
            max_speed_log=4.0
        />
        <p class="rw-narration__now" aria-live="polite" data-testid="cp-now">
            {move || {
                let now = SimTime(clock.playhead());
                deployment
                    .with_control(|r| match r {
                        Ok(r) => latest(&r.timeline, now).map_or_else(
                            || "Before the deployment: press Play.".to_string(),
                            |(at, text)| format!("{at} — {text}"),
                        ),
                        Err(e) => e.clone(),
                    })
                    .unwrap_or_default()
            }}
        </p>
    }
}

/// The bad build's kind, split-world staging, and running it from the start.
#[component]
fn BuildControls() -> impl IntoView {
    let (design, deployment) = (use_design(), use_deployment());
    let clock = deployment.clock();
    let spec = move || design.with(|s| s.control_plane.clone());
    view! {
        <div class="rw-inspector__actions">
            <label class="rw-field">"The build "
                <select data-testid="cp-kind"
                    prop:value=move || spec().and_then(|s| KINDS.iter().find(|k| k.0 == s.bad.kind).map(|k| k.1)).unwrap_or_default()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some((k, ..)) = KINDS.iter().find(|k| k.1 == v) {
                            design.edit_control(|c| c.bad.kind = *k);
                        }
                    }>
                    {KINDS.iter().map(|(_, v, l)| view! { <option value=*v>{*l}</option> }).collect::<Vec<_>>()}
                </select>
            </label>
            <label class="rw-field">
                <input type="checkbox" data-testid="cp-split-world" prop:checked=move || spec().is_some_and(|s| s.split_world_staging)
                    on:change=move |ev| { let on = event_target_checked(&ev); design.edit_control(|c| c.split_world_staging = on) } />
                " split-world staging (old and new side by side before production)"
            </label>
            <button class="rw-button rw-button--primary" data-testid="cp-run" on:click=move |_| clock.play_from(0)>"▶ Run it and watch"</button>
        </div>
    }
}

/// Every fleet at the playhead: what its load balancer sends to, and each host's state.
#[component]
fn Fleets() -> impl IntoView {
    let (design, deployment) = (use_design(), use_deployment());
    let clock = deployment.clock();
    view! {
        <div class="rw-fleets" data-testid="fleets">
            {move || {
                let Some(s) = design.with(|s| s.control_plane.clone()) else { return Vec::new() };
                let now = SimTime(clock.playhead());
                deployment.with_control(|r| {
                    let Ok(r) = r else { return Vec::new() };
                    s.fleets.iter().enumerate().map(|(f, fleet)| {
                        let states: Vec<HostNow> = (0..fleet.hosts as usize).map(|h| r.host(&s, f, h, now)).collect();
                        fleet_view(fleet, states)
                    }).collect::<Vec<_>>()
                }).unwrap_or_default()
            }}
        </div>
    }
}

/// One fleet: its name, its load balancer's count and each host as a glyph.
fn fleet_view(fleet: &Fleet, states: Vec<HostNow>) -> impl IntoView + use<> {
    let serving = states.iter().filter(|h| **h != HostNow::OutOfService).count();
    let failing = states.iter().filter(|h| **h == HostNow::Failing).count();
    view! {
        <div class="rw-fleet" data-testid=format!("fleet-{}", fleet.name)>
            <h4>
                {fleet.name.clone()}
                {if fleet.customer_facing { " · customer-facing" } else { "" }}
            </h4>
            <p class="rw-muted">{format!(
                "load balancer sends to {serving} of {} hosts · {failing} failing · {:.0} requests/s",
                fleet.hosts, fleet.requests_per_s
            )}</p>
            <ol class="rw-hosts">
                {states.into_iter().enumerate().map(|(h, st)| {
                    let (glyph, class) = match st {
                        HostNow::Old => ("○", "rw-host--old"),
                        HostNow::New => ("●", "rw-host--new"),
                        HostNow::Failing => ("✗", "rw-host--failing"),
                        HostNow::OutOfService => ("⊘", "rw-host--out"),
                        HostNow::RolledBack => ("↺", "rw-host--back"),
                    };
                    view! {
                        <li class=format!("rw-host {class}") title=format!("host {}: {}", h + 1, st.as_str())
                            aria-label=format!("host {}: {}", h + 1, st.as_str())>{glyph}</li>
                    }
                }).collect::<Vec<_>>()}
            </ol>
        </div>
    }
}

/// Failed requests per wave, and whether staging caught the build or where it halted.
#[component]
fn ImpactTable() -> impl IntoView {
    let deployment = use_deployment();
    view! {
        <div class="rw-build__scroll">
        <table class="rw-table rw-build__table" data-testid="cp-impact">
            <caption>{move || deployment.with_control(|r| match r {
                Ok(r) if r.caught_in_staging => "Split-world staging caught it: production never saw the build.".to_string(),
                Ok(r) => format!("{} wave(s) started; halted after {}", r.waves.len(), r.halted_at_s.map_or("—".into(), |s| SimTime(s * 1000).to_string())),
                Err(e) => e.clone(),
            }).unwrap_or_default()}</caption>
            <thead><tr><th scope="col">"wave"</th><th scope="col">"fleets"</th><th scope="col">"hosts deployed"</th><th scope="col">"customer requests failed"</th><th scope="col">"other requests failed"</th></tr></thead>
            <tbody>
                {move || deployment.with_control(|r| r.as_ref().ok().map(|r| r.waves.iter().map(|w| view! {
                    <tr><th scope="row">{w.wave}</th><td>{w.fleets.join(", ")}</td><td>{w.hosts_deployed}</td><td>{format!("{:.0}", w.customer_failed)}</td><td>{format!("{:.0}", w.other_failed)}</td></tr>
                }).collect::<Vec<_>>())).flatten()}
            </tbody>
        </table>
        </div>
    }
}
