//! The control-plane deployments (external API by AZ, internal API by fleet) on the
//! same player as the data plane: every host of every fleet as a box whose state —
//! previous build, new build, failing, out of service, rolled back — is shown by
//! colour, glyph and text; each AZ's load balancer with the hosts it still sends to;
//! the fleets arranged into waves on the same board as locations; the bad build's
//! kind and split-world staging; failed requests per wave. The model is
//! [`crate::deploy::control`].

use leptos::prelude::*;

use super::playground::Player;
use super::shell::Ctx;
use super::waves::{BoardCol, Chip, WaveBoard};
use crate::base::time::SimTime;
use crate::deploy::control::{CpReport, HostNow};
use crate::spec::control::{ControlPlaneSpec, CpBadKind};

const KINDS: [(CpBadKind, &str, &str); 4] = [
    (CpBadKind::Crash, "crash", "crash on start (the host check fails)"),
    (CpBadKind::DeepCheckFails, "deep", "errors the deep health check catches"),
    (CpBadKind::ChecksMiss, "miss", "errors no health check sees"),
    (CpBadKind::VersionIncompat, "incompat", "version incompatibility"),
];

fn edit_cp(ctx: &Ctx, f: impl FnOnce(&mut ControlPlaneSpec)) {
    ctx.edit(|s| {
        if let Some(c) = s.control_plane.as_mut() {
            f(c);
        }
    });
}

fn report(ctx: &Ctx) -> Option<Result<CpReport, String>> {
    ctx.cplayback.with(|p| p.as_ref().map(|r| r.as_ref().clone()))
}

/// The control-plane section, shown for scenarios with a control-plane deployment.
#[component]
pub fn ControlPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let spec = move || ctx.scenario.with(|s| s.control_plane.clone());
    let has = move || ctx.cplayback.with(Option::is_some);
    let t = move || SimTime(ctx.deploy.playhead.get());
    view! {
        <Show when=has>
            <section class="rw-panel rw-panel--deploy" aria-labelledby="rw-cp-h" data-testid="control-panel">
                <h2 id="rw-cp-h">{move || spec().map(|s| format!("Control-plane deployment: {}", s.name))}</h2>
                <Player
                    clock=ctx.deploy
                    duration=Signal::derive(move || report(&ctx).and_then(Result::ok).map_or(0, |r| r.end().as_ms()))
                    density=Signal::derive(move || {
                        report(&ctx)
                            .and_then(Result::ok)
                            .map(|r| super::playground::density(r.timeline.iter().map(|e| e.0), r.end().as_ms(), 120))
                            .unwrap_or_default()
                    })
                    prefix="deploy-"
                    step_ms=60_000
                    max_speed_log=4.0
                />
                <p class="rw-narration__now" aria-live="polite" data-testid="cp-now">
                    {move || match report(&ctx) {
                        Some(Ok(r)) => {
                            let now = t();
                            r.timeline
                                .iter()
                                .rev()
                                .find(|e| e.0 <= now)
                                .map_or_else(|| "Before the deployment: press Play.".to_string(), |(at, text)| format!("{at} — {text}"))
                        }
                        Some(Err(e)) => e,
                        None => String::new(),
                    }}
                </p>
                <div class="rw-inspector__actions">
                    <label class="rw-field">"The build "
                        <select data-testid="cp-kind"
                            prop:value=move || spec().and_then(|s| KINDS.iter().find(|k| k.0 == s.bad.kind).map(|k| k.1)).unwrap_or_default()
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some((k, ..)) = KINDS.iter().find(|k| k.1 == v) {
                                    edit_cp(&ctx, |c| c.bad.kind = *k);
                                }
                            }>
                            {KINDS.iter().map(|(_, v, l)| view! { <option value=*v>{*l}</option> }).collect::<Vec<_>>()}
                        </select>
                    </label>
                    <label class="rw-field">
                        <input type="checkbox" data-testid="cp-split-world" prop:checked=move || spec().is_some_and(|s| s.split_world_staging)
                            on:change=move |ev| { let on = event_target_checked(&ev); edit_cp(&ctx, |c| c.split_world_staging = on) } />
                        " split-world staging (old and new side by side before production)"
                    </label>
                    <button class="rw-button rw-button--primary" data-testid="cp-run" on:click=move |_| {
                        ctx.deploy.playhead.set(0);
                        ctx.deploy.playing.set(true);
                    }>"▶ Run it and watch"</button>
                </div>
                <div class="rw-fleets" data-testid="fleets">
                    {move || {
                        let (Some(s), Some(Ok(r))) = (spec(), report(&ctx)) else { return Vec::new() };
                        let now = t();
                        s.fleets.iter().enumerate().map(|(f, fleet)| {
                            let states: Vec<HostNow> = (0..fleet.hosts as usize).map(|h| r.host(&s, f, h, now)).collect();
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
                        }).collect::<Vec<_>>()
                    }}
                </div>
                <p class="rw-muted">"○ previous build · ● new build · ✗ failing requests · ⊘ out of service · ↺ rolled back"</p>
                <h3>"Waves of fleets"</h3>
                <WaveBoard
                    cols=Signal::derive(move || {
                        let Some(s) = spec() else { return Vec::new() };
                        let chip = |name: &String| {
                            let f = s.fleets.iter().find(|f| &f.name == name);
                            let customer = f.is_some_and(|f| f.customer_facing);
                            Chip {
                                id: name.clone(),
                                label: format!("{name} · {} hosts", f.map_or(0, |f| f.hosts)),
                                aria: format!("{name}{}", if customer { ", customer-facing" } else { "" }),
                                colour: if customer { "#d55e00" } else { "#0072b2" },
                                glyph: if customer { "◆" } else { "●" },
                            }
                        };
                        let mut cols: Vec<BoardCol> = s.waves.iter().enumerate().map(|(i, w)| BoardCol {
                            wave: Some(i),
                            bake_s: w.bake_s,
                            warn: {
                                let customer = w.fleets.iter().filter(|n| s.fleets.iter().any(|f| &f.name == *n && f.customer_facing)).count();
                                if customer > 1 {
                                    Some(format!("{customer} customer-facing fleets at once"))
                                } else if i == 0 && customer > 0 && s.fleets.iter().any(|f| !f.customer_facing) {
                                    Some("customers first".to_string())
                                } else {
                                    None
                                }
                            },
                            status: None,
                            chips: w.fleets.iter().map(chip).collect(),
                        }).collect();
                        let planned: Vec<&String> = s.waves.iter().flat_map(|w| &w.fleets).collect();
                        cols.push(BoardCol {
                            wave: None,
                            bake_s: 0,
                            warn: None,
                            status: None,
                            chips: s.fleets.iter().map(|f| &f.name).filter(|n| !planned.contains(n)).map(chip).collect(),
                        });
                        cols
                    })
                    on_move=Callback::new(move |(id, to): (String, Option<usize>)| edit_cp(&ctx, |c| { crate::deploy::move_item(&mut c.waves, &id, to); }))
                    on_bake=Callback::new(move |(w, b): (usize, u64)| edit_cp(&ctx, |c| if let Some(x) = c.waves.get_mut(w) { x.bake_s = b }))
                />
                <div class="rw-build__scroll">
                <table class="rw-table rw-build__table" data-testid="cp-impact">
                    <caption>{move || match report(&ctx) {
                        Some(Ok(r)) if r.caught_in_staging => "Split-world staging caught it: production never saw the build.".to_string(),
                        Some(Ok(r)) => format!("{} wave(s) started; halted after {}", r.waves.len(), r.halted_at_s.map_or("—".into(), |s| SimTime(s * 1000).to_string())),
                        Some(Err(e)) => e,
                        None => String::new(),
                    }}</caption>
                    <thead><tr><th scope="col">"wave"</th><th scope="col">"fleets"</th><th scope="col">"hosts deployed"</th><th scope="col">"customer requests failed"</th><th scope="col">"other requests failed"</th></tr></thead>
                    <tbody>
                        {move || report(&ctx).and_then(Result::ok).map(|r| r.waves.iter().map(|w| view! {
                            <tr><th scope="row">{w.wave}</th><td>{w.fleets.join(", ")}</td><td>{w.hosts_deployed}</td><td>{format!("{:.0}", w.customer_failed)}</td><td>{format!("{:.0}", w.other_failed)}</td></tr>
                        }).collect::<Vec<_>>())}
                    </tbody>
                </table>
                </div>
            </section>
        </Show>
    }
}
