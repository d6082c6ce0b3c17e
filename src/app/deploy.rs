//! The deployment half of the page: the deployment player over the world map, what
//! is happening now in words, resolvers by how they fare, the resolution-time
//! histogram, the controls that withdraw or black-hole a location or fail a whole
//! stripe at the playhead, and (in [`crate::app::waves`]) the wave planner and the bad
//! build's blast radius. Everything shown comes from [`crate::deploy::playback`] and
//! [`crate::deploy`].

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

use crate::app::map::{DotMode, STRIPE_RGB, STRIPE_SHAPE, Selected, WorldMap};
use crate::app::state::{Clock, Design, use_deployment, use_design, use_notice};
use crate::app::waves::{BuildRun, WavePlanner};
use crate::app::widgets::player::Player;
use crate::base::geo;
use crate::base::playhead::{density, latest};
use crate::base::time::SimTime;
use crate::deploy::playback::{DeployNow, HIST_BIN_MS};
use crate::design::faults::{add_outage, remove_outage, restore};
use crate::spec::deploy::{OutageKind, OutageTarget};

/// The deployment section, shown for scenarios with a data-plane deployment.
#[component]
pub fn DeployPanel() -> impl IntoView {
    let deployment = use_deployment();
    let clock = deployment.clock();
    let selected = RwSignal::new(None::<Selected>);
    let mode = RwSignal::new(DotMode::Status);
    // The whole picture at the playhead, computed once for the map and the side panel.
    let now = deployment.now();
    view! {
        <Show when=move || deployment.has_playback()>
            <section class="rw-panel rw-panel--deploy" aria-labelledby="rw-deploy-h" data-testid="deploy-panel">
                <h2 id="rw-deploy-h">"Deployment over the anycast edge"</h2>
                {move || deployment.playback_error().map(|p| view! { <p class="rw-problems" role="alert" data-testid="deploy-problems">{p}</p> })}
                <Player
                    clock=clock
                    duration=Signal::derive(move || deployment.with_playback(|p| p.duration().as_ms()).unwrap_or(0))
                    density=Signal::derive(move || {
                        deployment
                            .with_playback(|p| density(p.events().iter().map(|e| e.0), p.duration().as_ms(), 120))
                            .unwrap_or_default()
                    })
                    prefix="deploy-"
                    step_ms=60_000
                    max_speed_log=4.0
                />
                <p class="rw-narration__now" aria-live="polite" data-testid="deploy-now">
                    {move || {
                        let t = SimTime(clock.playhead());
                        deployment
                            .with_playback(|p| match latest(p.events(), t) {
                                Some((at, text)) => format!("{at} — {text}"),
                                None => "Before the deployment: press Play to push the build through the plan.".into(),
                            })
                            .unwrap_or_default()
                    }}
                </p>
                <div class="rw-deploy__grid">
                    <WorldMap selected=selected mode=mode now=now />
                    <Side selected=selected mode=mode now=now />
                </div>
                <WavePlanner />
                <BuildRun />
            </section>
        </Show>
    }
}

/// Legend, counts, the selection's controls, scripted outages and the histogram.
#[component]
fn Side(
    selected: RwSignal<Option<Selected>>,
    mode: RwSignal<DotMode>,
    now: Memo<Option<Arc<DeployNow>>>,
) -> impl IntoView {
    let (design, deployment) = (use_design(), use_deployment());
    let clock = deployment.clock();
    let now = Memo::new(move |_| now.get().map(|n| (n.counts, n.histogram.clone())));
    view! {
        <div class="rw-deploy__side">
            <p data-testid="deploy-counts">
                {move || {
                    now.get()
                        .map(|(c, _)| {
                            format!(
                                "Resolvers now: {} as fast as before · {} slower · {} no answer · {} wrong answers",
                                c[0], c[1], c[2], c[3]
                            )
                        })
                        .unwrap_or_default()
                }}
            </p>
            <fieldset class="rw-fieldset">
                <legend>"Colour resolvers by"</legend>
                <label><input type="radio" name="rw-dot-mode" data-testid="dots-status" prop:checked=move || mode.get() == DotMode::Status on:change=move |_| mode.set(DotMode::Status) />" how they fare (grey ok, orange slower, red ✚ no answer, pink wrong)"</label>
                <label><input type="radio" name="rw-dot-mode" data-testid="dots-fastest" prop:checked=move || mode.get() == DotMode::Fastest on:change=move |_| mode.set(DotMode::Fastest) />" the stripe answering fastest now"</label>
            </fieldset>
            <ul class="rw-legend" aria-label="Stripes">
                {(0..4).map(|s| view! {
                    <li><span class="rw-swatch" style:background=STRIPE_RGB[s]></span>{format!("stripe {s}: {}", STRIPE_SHAPE[s])}</li>
                }).collect::<Vec<_>>()}
                <li>"filled black: black hole · hollow: withdrawn"</li>
            </ul>
            <LocationControls selected=selected />
            <div class="rw-inspector__actions" role="group" aria-label="Fail a whole stripe at the playhead">
                {(0..4u8).map(|s| view! {
                    <button class="rw-button" data-testid=format!("fail-stripe-{s}") on:click=move |_| add_at_playhead(design, clock, OutageTarget::Stripe(s), OutageKind::Withdraw)>{format!("Fail stripe {s}")}</button>
                }).collect::<Vec<_>>()}
            </div>
            <ResolverPicker selected=selected />
            <h3>"Scripted outages"</h3>
            <OutageScript />
            <LatencyHistogram now=now />
        </div>
    }
}

/// Scripts an outage of `kind` on `target` at the playhead.
fn add_at_playhead(design: Design, clock: Clock, target: OutageTarget, kind: OutageKind) {
    let at_s = clock.playhead_untracked() / 1000;
    design.edit(|s| add_outage(s, at_s, target, kind));
}

/// Picking a location (here or on the map), and withdrawing, black-holing or
/// restoring the selected one at the playhead.
#[component]
fn LocationControls(selected: RwSignal<Option<Selected>>) -> impl IntoView {
    let design = use_design();
    let clock = use_deployment().clock();
    let fleet = move || design.with(|s| s.deploy.as_ref().map(|d| d.fleet.clone()).unwrap_or_default());
    let add = move |target: OutageTarget, kind: OutageKind| add_at_playhead(design, clock, target, kind);
    let restore_at_playhead = move |target: OutageTarget| {
        let at_s = clock.playhead_untracked() / 1000;
        design.edit(|s| restore(s, at_s, &target));
    };
    let sel_loc = move || match selected.get() {
        Some(Selected::Location(l)) => fleet().get(l).map(|loc| loc.id.clone()),
        _ => None,
    };
    view! {
        <label class="rw-field">
            "Location "
            <select data-testid="deploy-location" prop:value=move || sel_loc().unwrap_or_default() on:change=move |ev| {
                let id = event_target_value(&ev);
                selected.set(fleet().iter().position(|l| l.id == id).map(Selected::Location));
            }>
                <option value="">"(pick on the map or here)"</option>
                {move || fleet().into_iter().map(|l| {
                    let label = format!("{} — stripe {}, gen {}", l.id, l.stripe, l.hardware_gen);
                    view! { <option value=l.id.clone()>{label}</option> }
                }).collect::<Vec<_>>()}
            </select>
        </label>
        <Show when=move || sel_loc().is_some()>
            <div class="rw-inspector__actions" role="group" aria-label="Fail the selected location at the playhead">
                <button class="rw-button" data-testid="withdraw-location" on:click=move |_| if let Some(id) = sel_loc() { add(OutageTarget::Location(id), OutageKind::Withdraw) }>"Withdraw it"</button>
                <button class="rw-button" data-testid="blackhole-location" on:click=move |_| if let Some(id) = sel_loc() { add(OutageTarget::Location(id), OutageKind::BlackHole) }>"Black-hole it"</button>
                <button class="rw-button" data-testid="restore-location" on:click=move |_| if let Some(id) = sel_loc() { restore_at_playhead(OutageTarget::Location(id)) }>"Restore it"</button>
            </div>
        </Show>
    }
}

/// Following a resolver: one per city, by the city's name.
#[component]
fn ResolverPicker(selected: RwSignal<Option<Selected>>) -> impl IntoView {
    let deployment = use_deployment();
    let cities = move || {
        deployment
            .with_playback(|p| {
                let mut seen: Vec<(String, usize)> = Vec::new();
                for (i, s) in p.sites().iter().enumerate() {
                    if !seen.iter().any(|c| c.0 == s.city) {
                        seen.push((s.city.clone(), i));
                    }
                }
                seen.sort();
                seen
            })
            .unwrap_or_default()
    };
    view! {
        <label class="rw-field">
            "Follow a resolver in "
            <select data-testid="deploy-resolver" on:change=move |ev| {
                selected.set(event_target_value(&ev).parse::<usize>().ok().map(Selected::Resolver));
            }>
                <option value="">"(pick on the map or here)"</option>
                {move || cities().into_iter().map(|(c, i)| {
                    let name = geo::city(&c).map_or(c.clone(), |x| x.name.to_string());
                    view! { <option value=i.to_string()>{name}</option> }
                }).collect::<Vec<_>>()}
            </select>
        </label>
    }
}

/// The deployment's scripted outages, each with its Remove button.
#[component]
fn OutageScript() -> impl IntoView {
    let design = use_design();
    view! {
        <ol class="rw-script" data-testid="outages">
            {move || {
                design.with(|s| s.deploy.as_ref().map(|d| d.outages.clone()).unwrap_or_default())
                    .into_iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let until = o.until_s.map_or(String::new(), |u| format!(" until {}", SimTime(u * 1000)));
                        view! {
                            <li>
                                <time>{SimTime(o.at_s * 1000).to_string()}</time>
                                {format!(" {}{until} ", o.describe())}
                                <button class="rw-button rw-button--small" aria-label=format!("Remove outage {}", i + 1) on:click=move |_| design.edit(|s| remove_outage(s, i))>"Remove"</button>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()
            }}
        </ol>
    }
}

/// The histogram of resolution times now (`now`: the counts and the histogram at the
/// playhead), over the same with everything healthy.
#[component]
fn LatencyHistogram(now: Memo<Option<([usize; 4], Vec<u32>)>>) -> impl IntoView {
    let (deployment, notice) = (use_deployment(), use_notice());
    let hist = NodeRef::<Canvas>::new();
    let base = Memo::new(move |_| deployment.with_playback(|p| p.at(SimTime::ZERO).histogram));
    Effect::new(move |_| {
        let (Some(el), Some((counts, h)), Some(b)) = (hist.get(), now.get(), base.get()) else { return };
        crate::app::chart::fit_width(&el);
        let Some(backend) = CanvasBackend::with_canvas_object(el) else { return };
        if let Err(e) = crate::charts::draw_latency(&backend.into_drawing_area(), &h, &b, HIST_BIN_MS, counts[2]) {
            notice.say(format!("The histogram could not be drawn: {e}"));
        }
    });
    view! {
        <canvas node_ref=hist width="480" height="200" class="rw-chart__hist" data-testid="latency-histogram" role="img" aria-label="Histogram of resolution times now, over the same with everything healthy"></canvas>
    }
}
