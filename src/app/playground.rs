//! The playground: the routing tree coloured by health as the DNS servers see it,
//! the timeline player, the probe log, the narration, traffic shares, resolver
//! caches, the query tester, the fault controls and the run's summary. Everything
//! shown comes from [`crate::failover::playback`]; these components only render it.

use leptos::prelude::*;

use super::shell::{Clock, Ctx};
use crate::base::geo;
use crate::base::time::SimTime;
use crate::failover::playback::{LiveView, Tested};
use crate::route53::answer::Verdict;
use crate::spec::scenario::{FaultAction, FaultSpec};

/// The records on the query tester's answer path, highlighted in the tree.
#[derive(Clone, Copy)]
pub struct QueryPath(pub RwSignal<Vec<usize>>);

/// The main area.
#[component]
pub fn Playground() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    provide_context(QueryPath(RwSignal::new(Vec::new())));
    let live = Memo::new(move |_| {
        let pb = ctx.playback.get();
        pb.as_ref().as_ref().ok().map(|p| p.live(SimTime(ctx.playhead.get())))
    });
    let error = move || ctx.playback.get().as_ref().as_ref().err().cloned();
    view! {
        <main class="rw-main" data-testid="app-main">
            <Show when=move || error().is_some()>
                <section class="rw-panel rw-panel--error" role="alert" data-testid="scenario-problems">
                    <h2>"This scenario cannot run yet"</h2>
                    <pre>{move || error().unwrap_or_default()}</pre>
                </section>
            </Show>
            <super::deploy::DeployPanel />
            <super::control::ControlPanel />
            <section class="rw-panel rw-panel--timeline" aria-labelledby="rw-timeline-h">
                <h2 id="rw-timeline-h">"Timeline"</h2>
                <Player
                    clock=Clock { playhead: ctx.playhead, playing: ctx.playing, speed: ctx.speed }
                    duration=Signal::derive(move || {
                        ctx.playback.get().as_ref().as_ref().map(|p| p.duration().as_ms()).unwrap_or(0)
                    })
                    density=Signal::derive(move || {
                        ctx.playback.get().as_ref().as_ref().map(|p| p.density(120)).unwrap_or_default()
                    })
                    step_ms=1_000
                    max_speed_log=3.0
                />
                <super::chart::RequestsChart />
                <super::chart::ChecksChart />
                <Narration live=live />
            </section>
            <section class="rw-panel rw-panel--tree" aria-labelledby="rw-tree-h">
                <h2 id="rw-tree-h">"Routing tree"</h2>
                <super::tree::Tree live=live />
            </section>
            <section class="rw-panel rw-panel--map" aria-labelledby="rw-live-h">
                <h2 id="rw-live-h">"Traffic and faults"</h2>
                <Traffic live=live />
                <Faults />
                <Caches live=live />
            </section>
            <section class="rw-panel rw-panel--probe" aria-labelledby="rw-probe-h">
                <h2 id="rw-probe-h">"Probe log"</h2>
                <ProbeLog live=live />
                <Summary />
                <super::chart::PhasesChart />
            </section>
            <section class="rw-panel rw-panel--trials" aria-labelledby="rw-trials-h">
                <h2 id="rw-trials-h">"Trials: how much does it vary?"</h2>
                <super::trials::Trials />
            </section>
            <section class="rw-panel rw-panel--query" aria-labelledby="rw-query-h">
                <h2 id="rw-query-h">"What does this resolver get?"</h2>
                <QueryTester />
            </section>
        </main>
    }
}

fn fmt_time(ms: u64) -> String {
    SimTime(ms).to_string()
}

/// Moments per bucket over `0..end` ms, for a player's density strip.
pub fn density(moments: impl Iterator<Item = SimTime>, end: u64, buckets: usize) -> Vec<u32> {
    let mut d = vec![0u32; buckets.max(1)];
    let n = d.len() as u64;
    for t in moments {
        d[((t.as_ms().min(end) * n) / (end + 1)) as usize] += 1;
    }
    d
}

/// Play / pause, step, log-scale speed, the scrubber and the event-density strip,
/// over any [`Clock`]: the failover timeline's, or the deployment's (`prefix` keeps
/// their test ids apart; `step_ms` is the step buttons' stride; speeds run from
/// 1/10 to 10^`max_speed_log`).
#[component]
pub fn Player(
    clock: Clock,
    #[prop(into)] duration: Signal<u64>,
    #[prop(into)] density: Signal<Vec<u32>>,
    #[prop(optional)] prefix: &'static str,
    step_ms: u64,
    max_speed_log: f64,
) -> impl IntoView {
    let id = move |name: &str| format!("{prefix}{name}");
    let step = move |delta: i64| {
        clock.playing.set(false);
        let t = (clock.playhead.get_untracked() as i64 + delta).clamp(0, duration.get_untracked() as i64) as u64;
        clock.playhead.set(t);
    };
    let step_label =
        if step_ms >= 60_000 { format!("{} min", step_ms / 60_000) } else { format!("{} s", step_ms / 1000) };
    let (back_label, fwd_label) = (format!("−{step_label}"), format!("+{step_label}"));
    view! {
        <div class="rw-player" role="group" aria-label="Player">
            <button
                class="rw-button rw-button--primary"
                data-testid=id("play")
                aria-pressed=move || clock.playing.get().to_string()
                on:click=move |_| clock.playing.update(|p| *p = !*p)
            >
                {move || if clock.playing.get() { "❚❚ Pause" } else { "▶ Play" }}
            </button>
            <button
                class="rw-button"
                data-testid=id("step-back")
                on:click=move |_| step(-(step_ms as i64))
                aria-label=format!("Back {step_label}")
            >
                {back_label}
            </button>
            <button
                class="rw-button"
                data-testid=id("step")
                on:click=move |_| step(step_ms as i64)
                aria-label=format!("Forward {step_label}")
            >
                {fwd_label}
            </button>
            <span class="rw-clock" data-testid=id("clock") aria-live="off">
                {move || format!("{} / {}", fmt_time(clock.playhead.get()), fmt_time(duration.get()))}
            </span>
            <label class="rw-field">
                "Speed "
                <input
                    type="range"
                    min="-1"
                    max=max_speed_log.to_string()
                    step="0.1"
                    data-testid=id("speed")
                    aria-label="Playback speed, logarithmic"
                    prop:value=move || libm::log10(clock.speed.get()).to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            clock.speed.set(libm::pow(10.0, v));
                        }
                    }
                />
                <span data-testid=id("speed-label")>
                    {move || {
                        let s = clock.speed.get();
                        if s < 1.0 { format!("1/{:.0}×", 1.0 / s) } else { format!("×{s:.0}") }
                    }}
                </span>
            </label>
        </div>
        <div class="rw-scrub">
            <input
                type="range"
                min="0"
                step="100"
                class="rw-scrub__range"
                data-testid=id("scrubber")
                aria-label="Playhead"
                prop:max=move || duration.get().to_string()
                prop:value=move || clock.playhead.get().to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<u64>() {
                        clock.playhead.set(v);
                    }
                }
            />
            <div class="rw-density" aria-hidden="true">
                {move || {
                    let d = density.get();
                    let max = d.iter().copied().max().unwrap_or(1).max(1);
                    d.into_iter()
                        .map(|n| {
                            let h = format!("{}%", (n * 100 / max).max(if n > 0 { 12 } else { 0 }));
                            view! { <span class="rw-density__bar" style:height=h></span> }
                        })
                        .collect::<Vec<_>>()
                }}
            </div>
        </div>
    }
}

/// The running narration: what just happened, as one sentence in an aria-live
/// region, above the moments before it.
#[component]
fn Narration(live: Memo<Option<LiveView>>) -> impl IntoView {
    let moments = move || live.get().map(|l| l.narration).unwrap_or_default();
    view! {
        <div class="rw-narration" data-testid="narration">
            <p class="rw-narration__now" aria-live="polite" aria-atomic="true" data-testid="narration-now">
                {move || match moments().last() {
                    Some((t, text)) => format!("{t} — {text}"),
                    None => "Nothing has happened yet: press Play or drag the playhead.".to_string(),
                }}
            </p>
            <ol class="rw-narration__before" data-testid="narration-before" aria-label="Earlier moments">
                {move || {
                    let m = moments();
                    let n = m.len().saturating_sub(1);
                    m.into_iter()
                        .take(n)
                        .map(|(t, text)| view! { <li><time>{t.to_string()}</time>" "{text}</li> })
                        .collect::<Vec<_>>()
                }}
            </ol>
        </div>
    }
}

/// Share of requests served per region over the last 10 s, as labelled bars.
#[component]
fn Traffic(live: Memo<Option<LiveView>>) -> impl IntoView {
    view! {
        <div class="rw-traffic" data-testid="traffic">
            {move || {
                live.get()
                    .map(|l| {
                        let down = l.region_down.clone();
                        l.traffic_share
                            .into_iter()
                            .map(|(region, share)| {
                                let is_down = down.iter().any(|(r, d)| *r == region && *d);
                                let w = format!("{:.0}%", share * 100.0);
                                view! {
                                    <div class="rw-bar">
                                        <span class="rw-bar__label">
                                            {region.clone()}
                                            {is_down.then_some(" (web servers down)")}
                                        </span>
                                        <span class="rw-bar__track">
                                            <span class="rw-bar__fill" style:width=w.clone()></span>
                                        </span>
                                        <span class="rw-bar__value">{w}</span>
                                    </div>
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            }}
        </div>
    }
}

/// Fault buttons acting at the playhead (the run forks there) and the fault script.
#[component]
fn Faults() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let regions = move || ctx.scenario.with(|s| s.zone.regions.iter().map(|r| r.name.clone()).collect::<Vec<_>>());
    let add = move |action: FaultAction| {
        let at_ms = ctx.playhead.get_untracked();
        ctx.edit(|s| {
            s.faults.push(FaultSpec { at_ms, action });
            s.faults.sort_by_key(|f| f.at_ms);
        });
    };
    view! {
        <div class="rw-faults" role="group" aria-label="Faults at the playhead">
            {move || {
                regions()
                    .into_iter()
                    .map(|r| {
                        let buttons: [RegionButton; 3] = [
                            ("Stop web servers here", "stop", |region| FaultAction::StopRegion { region }),
                            ("Black-hole", "blackhole", |region| FaultAction::BlackHoleRegion { region }),
                            ("Start", "start", |region| FaultAction::StartRegion { region }),
                        ];
                        view! {
                            <div class="rw-faults__row">
                                <span>{r.clone()}</span>
                                {buttons
                                    .into_iter()
                                    .map(|(text, id, action)| {
                                        let region = r.clone();
                                        view! {
                                            <button
                                                class="rw-button"
                                                data-testid=format!("{id}-{r}")
                                                on:click=move |_| add(action(region.clone()))
                                            >
                                                {text}
                                            </button>
                                        }
                                    })
                                    .collect::<Vec<_>>()}
                            </div>
                        }
                    })
                    .collect::<Vec<_>>()
            }}
            <PickAndAct
                label="Load balancer"
                testid="fault-lb"
                options=Signal::derive(move || ctx.scenario.with(|s| s.zone.load_balancers.iter().map(|l| l.id.clone()).collect::<Vec<_>>()))
                actions=vec![
                    ("Take it down", "lb-down", Callback::new(move |id: String| add(FaultAction::LbDown { lb: id }))),
                    ("Bring it back", "lb-up", Callback::new(move |id: String| add(FaultAction::LbUp { lb: id }))),
                ]
            />
            <PickAndAct
                label="Host"
                testid="fault-host"
                options=Signal::derive(move || {
                    ctx.scenario.with(|s| {
                        s.zone
                            .hosts
                            .iter()
                            .map(|h| h.id.clone())
                            .chain(s.zone.load_balancers.iter().flat_map(|l| l.target_groups.iter().flat_map(|g| g.targets.iter().map(|h| h.id.clone()))))
                            .collect::<Vec<_>>()
                    })
                })
                actions=vec![
                    ("Stop", "host-stop", Callback::new(move |id: String| add(FaultAction::StopHost { host: id }))),
                    ("Black-hole", "host-blackhole", Callback::new(move |id: String| add(FaultAction::BlackHoleHost { host: id }))),
                    ("Restore", "host-start", Callback::new(move |id: String| add(FaultAction::StartHost { host: id }))),
                ]
            />
            <h3>"Fault script"</h3>
            <ol class="rw-script" data-testid="fault-script">
                {move || {
                    ctx.scenario
                        .with(|s| s.faults.clone())
                        .into_iter()
                        .enumerate()
                        .map(|(i, f)| {
                            view! {
                                <li>
                                    <time>{fmt_time(f.at_ms)}</time>
                                    " "
                                    {f.action.describe()}
                                    " "
                                    <button
                                        class="rw-button rw-button--small"
                                        aria-label=format!("Remove fault {}", i + 1)
                                        on:click=move |_| ctx.edit(|s| {
                                            if i < s.faults.len() {
                                                s.faults.remove(i);
                                            }
                                        })
                                    >
                                        "Remove"
                                    </button>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()
                }}
            </ol>
        </div>
    }
}

/// A region fault button: its text, its test-id prefix and the fault it adds.
type RegionButton = (&'static str, &'static str, fn(String) -> FaultAction);

/// A picker of ids (load balancers, hosts) and buttons acting on the one picked.
#[component]
fn PickAndAct(
    label: &'static str,
    testid: &'static str,
    #[prop(into)] options: Signal<Vec<String>>,
    actions: Vec<(&'static str, &'static str, Callback<String>)>,
) -> impl IntoView {
    let picked = RwSignal::new(String::new());
    let current = move || {
        let p = picked.get();
        let opts = options.get();
        if opts.contains(&p) { p } else { opts.first().cloned().unwrap_or_default() }
    };
    view! {
        <Show when=move || !options.get().is_empty()>
            <div class="rw-faults__row">
                <label class="rw-field">
                    {label}" "
                    <select data-testid=testid prop:value=current on:change=move |ev| picked.set(event_target_value(&ev))>
                        {move || options.get().into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect::<Vec<_>>()}
                    </select>
                </label>
                {actions
                    .iter()
                    .map(|(text, id, cb)| {
                        let cb = *cb;
                        view! {
                            <button class="rw-button" data-testid=*id on:click=move |_| cb.run(current())>
                                {*text}
                            </button>
                        }
                    })
                    .collect::<Vec<_>>()}
            </div>
        </Show>
    }
}

/// Named resolvers' cached answers and their remaining TTL.
#[component]
fn Caches(live: Memo<Option<LiveView>>) -> impl IntoView {
    view! {
        <h3>"Resolver caches"</h3>
        <table class="rw-table" data-testid="caches">
            <thead>
                <tr><th>"resolver"</th><th>"cached answer"</th><th>"TTL left"</th></tr>
            </thead>
            <tbody>
                {move || {
                    live.get()
                        .map(|l| {
                            l.caches
                                .into_iter()
                                .map(|(r, a, s)| view! { <tr><td>{r}</td><td>{a}</td><td>{format!("{s} s")}</td></tr> })
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default()
                }}
            </tbody>
        </table>
    }
}

/// The probe's requests up to the playhead, one line each, like a terminal.
#[component]
fn ProbeLog(live: Memo<Option<LiveView>>) -> impl IntoView {
    view! {
        <ol class="rw-log" data-testid="probe-log" aria-label="Probe requests up to the playhead">
            {move || {
                live.get()
                    .map(|l| {
                        l.probe_lines
                            .into_iter()
                            .map(|(_, text, ok)| {
                                view! {
                                    <li class:rw-log--bad=!ok>
                                        <span class="rw-log__mark">{if ok { "✓ " } else { "✗ " }}</span>
                                        {text}
                                    </li>
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            }}
        </ol>
    }
}

fn secs(ms: Option<u64>) -> String {
    ms.map_or_else(|| "—".into(), |v| format!("{:.1} s", v as f64 / 1000.0))
}

/// The run's summary metrics and the switch-time phases.
#[component]
fn Summary() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <div class="rw-summary" data-testid="summary">
            {move || {
                ctx.playback
                    .get()
                    .as_ref()
                    .as_ref()
                    .ok()
                    .map(|p| {
                        let m = p.report().summary.clone();
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
        </div>
    }
}

/// Pick a resolver location (and an ECS client location) and see Route 53's answer
/// at the playhead, with the path and the reason for each step.
#[component]
fn QueryTester() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let from = RwSignal::new(String::from("washington-dc"));
    let ecs = RwSignal::new(None::<String>);
    let tested = Memo::new(move |_| {
        let pb = ctx.playback.get();
        let t = SimTime(ctx.playhead.get());
        let from = from.get();
        let ecs = ecs.get();
        pb.as_ref().as_ref().ok().map(|p| p.test_query(t, &from, ecs.as_deref()))
    });
    let path = expect_context::<QueryPath>().0;
    Effect::new(move |_| {
        let p = match tested.get() {
            Some(Ok(t)) => t.path,
            _ => Vec::new(),
        };
        if path.get_untracked() != p {
            path.set(p);
        }
    });
    let cities = || geo::CITIES.iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect::<Vec<_>>();
    view! {
        <div class="rw-query">
            <label class="rw-field">
                "Resolver in "
                <select
                    data-testid="query-from"
                    on:change=move |ev| from.set(event_target_value(&ev))
                    prop:value=move || from.get()
                >
                    {cities()}
                </select>
            </label>
            <label class="rw-field">
                <input
                    type="checkbox"
                    data-testid="query-ecs-on"
                    prop:checked=move || ecs.get().is_some()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ecs.set(on.then(|| "singapore".to_string()));
                    }
                />
                " sends ECS for a client in "
                <select
                    data-testid="query-ecs"
                    prop:disabled=move || ecs.get().is_none()
                    prop:value=move || ecs.get().unwrap_or_else(|| "singapore".into())
                    on:change=move |ev| ecs.set(Some(event_target_value(&ev)))
                >
                    {cities()}
                </select>
            </label>
            <p class="rw-muted">"The answer's path is marked ◀ in the routing tree."</p>
            {move || match tested.get() {
                None => view! { <p class="rw-muted">"Run the scenario to ask Route 53."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="rw-warn">{e}</p> }.into_any(),
                Some(Ok(Tested { answer, steps, .. })) => {
                    view! {
                        <p class="rw-answer" data-testid="query-answer">
                            <strong>"Answer: "</strong>
                            {answer}
                        </p>
                        <ol class="rw-explain" data-testid="query-explain">
                            {steps
                                .into_iter()
                                .map(|(depth, verdict, text)| {
                                    let (mark, class) = match verdict {
                                        Verdict::Info => ("•", "rw-explain--info"),
                                        Verdict::Taken => ("✓", "rw-explain--taken"),
                                        Verdict::Skipped => ("✗", "rw-explain--skipped"),
                                        Verdict::FailOpen => ("!", "rw-explain--failopen"),
                                    };
                                    let indent = format!("{}rem", depth as f64 * 1.1);
                                    view! {
                                        <li class=class style:padding-left=indent>
                                            <span aria-hidden="true">{mark}" "</span>
                                            {text}
                                        </li>
                                    }
                                })
                                .collect::<Vec<_>>()}
                        </ol>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}
