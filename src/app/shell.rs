//! The application shell: header (product name, scenario title, preset picker,
//! share, "what is this"), notices, the playground, and the top-level error
//! boundary. State lives here and flows down as signals.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use super::playground::Playground;
use super::storage;
use crate::deploy::playback::DeployPlayback;
use crate::design::presets;
use crate::failover::playback::Playback;
use crate::formats::link::{self, LinkSize};
use crate::spec::scenario::Scenario;

/// The working state shared by the page's parts.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The working scenario.
    pub scenario: RwSignal<Scenario>,
    /// The run of it, with checkpoints (rebuilt when the scenario changes).
    pub playback: Memo<Arc<Result<Playback, String>>>,
    /// Playhead, ms.
    pub playhead: RwSignal<u64>,
    /// Playing?
    pub playing: RwSignal<bool>,
    /// Simulated seconds per real second.
    pub speed: RwSignal<f64>,
    /// A message for the user (bad link, storage full…), shown until dismissed.
    pub notice: RwSignal<Option<String>>,
    /// The user has edited since loading (autosave only then).
    pub dirty: RwSignal<bool>,
    /// Earlier scenarios (undo) and undone ones (redo).
    pub history: RwSignal<(Vec<Scenario>, Vec<Scenario>)>,
    /// A run pinned as "A" for comparison, with the seed and fault script it ran.
    pub pinned: RwSignal<Option<Pinned>>,
    /// The deployment player's clock.
    pub deploy: Clock,
    /// The scenario's data-plane deployment and seed, changing only when they do.
    pub deploy_spec: Memo<Option<(crate::spec::deploy::DeploySpec, u64)>>,
    /// The deployment's playback, when the scenario has one.
    pub dplayback: Memo<Option<Arc<Result<DeployPlayback, String>>>>,
    /// The control-plane deployment's run, when the scenario has one.
    pub cplayback: Memo<Option<Arc<Result<crate::deploy::control::CpReport, String>>>>,
}

/// A player's clock: playhead, playing, speed.
#[derive(Clone, Copy)]
pub struct Clock {
    /// Playhead, ms.
    pub playhead: RwSignal<u64>,
    /// Playing?
    pub playing: RwSignal<bool>,
    /// Simulated seconds per real second.
    pub speed: RwSignal<f64>,
}

impl Clock {
    /// Advances the playhead by `real_ms` of real time, stopping at `end`.
    pub fn advance(&self, real_ms: f64, end: u64) {
        if !self.playing.get_untracked() {
            return;
        }
        let next = self.playhead.get_untracked() + (self.speed.get_untracked() * real_ms) as u64;
        if next >= end {
            self.playhead.set(end);
            self.playing.set(false);
        } else {
            self.playhead.set(next);
        }
    }
}

/// Run A of a comparison.
#[derive(Clone)]
pub struct Pinned {
    /// Its report (title, series, summary).
    pub report: Arc<crate::failover::sim::Report>,
    /// The seed it ran with.
    pub seed: u64,
    /// Its fault script.
    pub faults: Vec<crate::spec::scenario::FaultSpec>,
}

/// Edits kept for undo.
const UNDO_DEPTH: usize = 100;

impl Ctx {
    /// Replaces the working scenario with an edited one; the run is rebuilt and the
    /// history before the playhead stays what it was (the run is deterministic).
    pub fn edit(&self, f: impl FnOnce(&mut Scenario)) {
        let before = self.scenario.get_untracked();
        self.scenario.update(f);
        self.history.update(|(undo, redo)| {
            undo.push(before);
            if undo.len() > UNDO_DEPTH {
                undo.remove(0);
            }
            redo.clear();
        });
        self.dirty.set(true);
    }

    /// Goes back one edit.
    pub fn undo(&self) {
        let Some(prev) = self.history.try_update(|(undo, _)| undo.pop()).flatten() else { return };
        let cur = self.scenario.get_untracked();
        self.history.update(|(_, redo)| redo.push(cur));
        self.scenario.set(prev);
        self.dirty.set(true);
    }

    /// Re-applies an undone edit.
    pub fn redo(&self) {
        let Some(next) = self.history.try_update(|(_, redo)| redo.pop()).flatten() else { return };
        let cur = self.scenario.get_untracked();
        self.history.update(|(undo, _)| undo.push(cur));
        self.scenario.set(next);
        self.dirty.set(true);
    }

    /// Is there an edit to undo?
    pub fn can_undo(&self) -> bool {
        self.history.with(|h| !h.0.is_empty())
    }

    /// Is there an edit to redo?
    pub fn can_redo(&self) -> bool {
        self.history.with(|h| !h.1.is_empty())
    }
}

/// The first scenario: from the link if there is a valid one, else the autosave,
/// else the default preset; plus a notice if a link could not be opened.
fn initial() -> (Scenario, Option<String>) {
    let fallback = || {
        storage::load_autosave()
            .and_then(|json| Scenario::from_json(&json).ok())
            .unwrap_or_else(|| (presets::PRESETS[0].build)())
    };
    match storage::fragment() {
        Some(f) => match link::decode(&f) {
            Ok(s) => (s, None),
            Err(e) => (fallback(), Some(format!("This link could not be opened: {e}. Your saved work is unchanged."))),
        },
        None => (fallback(), None),
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let (first, first_notice) = initial();
    let playhead = RwSignal::new(first.view.playhead_ms);
    let speed = RwSignal::new(if first.view.speed > 0.0 { first.view.speed } else { 10.0 });
    let deploy_ms = first.view.deploy_ms;
    let scenario = RwSignal::new(first);
    // The deployment sections' inputs, compared by value: editing the routing tree or
    // moving a playhead does not rebuild the deployment or re-run its blast radius.
    let deploy_spec = Memo::new(move |_| scenario.with(|s| s.deploy.clone().map(|d| (d, s.seed))));
    let control_spec = Memo::new(move |_| scenario.with(|s| s.control_plane.clone()));
    let playback = Memo::new_with_compare(
        move |_| Arc::new(Playback::build(&scenario.get()).map_err(|p| p.to_string())),
        |_, _| true,
    );
    let ctx = Ctx {
        scenario,
        playback,
        playhead,
        playing: RwSignal::new(false),
        speed,
        notice: RwSignal::new(first_notice),
        dirty: RwSignal::new(false),
        history: RwSignal::new((Vec::new(), Vec::new())),
        pinned: RwSignal::new(None),
        deploy: Clock {
            playhead: RwSignal::new(deploy_ms),
            playing: RwSignal::new(false),
            speed: RwSignal::new(100.0),
        },
        deploy_spec,
        dplayback: Memo::new_with_compare(
            move |_| {
                deploy_spec.with(|d| {
                    d.as_ref().map(|(d, seed)| Arc::new(DeployPlayback::build(d, *seed).map_err(|p| p.join("; "))))
                })
            },
            |_, _| true,
        ),
        cplayback: Memo::new_with_compare(
            move |_| {
                control_spec
                    .with(|c| c.as_ref().map(|c| Arc::new(crate::deploy::control::run(c).map_err(|p| p.join("; ")))))
            },
            |_, _| true,
        ),
    };
    provide_context(ctx);

    // Autosave after edits (debounced: the last edit in a burst is saved 300 ms
    // later), and keep the fragment a link to the working scenario.
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        scenario.track();
        if !ctx.dirty.get_untracked() {
            return;
        }
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        set_timeout(
            move || {
                if generation.get_value() != mine {
                    return;
                }
                let s = scenario.get_untracked();
                if !storage::save_autosave(&s.to_json()) {
                    ctx.notice.set(Some(
                        "Autosave failed: the browser's storage is unavailable or full. Export the scenario to keep it."
                            .into(),
                    ));
                }
                storage::replace_fragment(&link::encode(&s));
            },
            Duration::from_millis(300),
        );
    });

    // The players' clocks: advance the playheads while playing.
    let tick = Duration::from_millis(100);
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let end = ctx.playback.with_untracked(|p| p.as_ref().as_ref().map(|p| p.duration().as_ms()).unwrap_or(0));
            Clock { playhead: ctx.playhead, playing: ctx.playing, speed: ctx.speed }.advance(100.0, end);
            let dend = ctx.dplayback.with_untracked(|p| {
                p.as_ref().and_then(|p| p.as_ref().as_ref().ok().map(|p| p.duration().as_ms())).unwrap_or(0)
            });
            let cend = ctx.cplayback.with_untracked(|p| {
                p.as_ref().and_then(|p| p.as_ref().as_ref().ok().map(|r| r.end().as_ms())).unwrap_or(0)
            });
            let dend = dend.max(cend);
            ctx.deploy.advance(100.0, dend);
        },
        tick,
    ) {
        on_cleanup(move || handle.clear());
    }

    // Space plays and pauses, unless a control has the focus.
    let keys = window_event_listener(leptos::ev::keydown, move |e: web_sys::KeyboardEvent| {
        let focus_tag = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|el| el.tag_name())
            .unwrap_or_default();
        let typing = matches!(focus_tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT");
        if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("z") && !typing {
            e.prevent_default();
            if e.shift_key() {
                ctx.redo()
            } else {
                ctx.undo()
            }
            return;
        }
        if e.code() == "Space" && !typing && focus_tag != "BUTTON" {
            e.prevent_default();
            ctx.playing.update(|p| *p = !*p);
        }
    });
    on_cleanup(move || keys.remove());

    // A link pasted into the address bar of an open page: load it (our own
    // replaceState never fires this).
    let hash = window_event_listener(leptos::ev::hashchange, move |_| {
        let Some(f) = storage::fragment() else { return };
        match link::decode(&f) {
            Ok(s) => {
                ctx.playing.set(false);
                ctx.playhead.set(s.view.playhead_ms);
                ctx.deploy.playhead.set(s.view.deploy_ms);
                if s.view.speed > 0.0 {
                    ctx.speed.set(s.view.speed);
                }
                ctx.scenario.set(s);
                ctx.notice.set(None);
            }
            Err(e) => {
                ctx.notice.set(Some(format!("This link could not be opened: {e}. Your saved work is unchanged.")))
            }
        }
    });
    on_cleanup(move || hash.remove());

    let (about_open, set_about_open) = signal(false);
    view! {
        <header class="rw-header">
            <h1 class="rw-header__brand">"Routewave"</h1>
            <p class="rw-header__title" data-testid="scenario-title" title="Current scenario">
                {move || scenario.with(|s| s.title.clone())}
            </p>
            <PresetPicker />
            <ShareButton />
            <button
                class="rw-button rw-button--link"
                data-testid="about-toggle"
                aria-expanded=move || about_open.get().to_string()
                aria-controls="rw-about"
                on:click=move |_| set_about_open.update(|open| *open = !*open)
            >
                "What is this?"
            </button>
        </header>
        <Show when=move || ctx.notice.get().is_some()>
            <div class="rw-notice" role="alert" data-testid="notice">
                <span>{move || ctx.notice.get().unwrap_or_default()}</span>
                <button class="rw-button" on:click=move |_| ctx.notice.set(None)>"Dismiss"</button>
            </div>
        </Show>
        <Show when=move || about_open.get()>
            <About on_close=move || set_about_open.set(false) />
        </Show>
        <super::files::FileMenu />
        <ErrorBoundary fallback=super::error_list>
            <Playground />
        </ErrorBoundary>
    }
}

/// Picks a built-in scenario.
#[component]
fn PresetPicker() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <label class="rw-field">
            <span class="rw-visually-hidden">"Scenario preset"</span>
            <select
                data-testid="preset-picker"
                aria-label="Load a preset scenario"
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    let picked = if name == "empty" { Some(presets::empty()) } else { presets::preset(&name) };
                    if let Some(mut s) = picked {
                        // With a run pinned as A, B runs under A's seed and fault script
                        // (when the new design has the regions those faults name).
                        if let Some(a) = ctx.pinned.get_untracked() {
                            let mut b = s.clone();
                            b.seed = a.seed;
                            b.faults = a.faults.clone();
                            if crate::failover::sim::Sim::new(&b).is_ok() {
                                s = b;
                                ctx.notice.set(Some(format!(
                                    "B keeps A's seed ({}) and fault script, so the two runs compare like for like.",
                                    a.seed
                                )));
                            } else {
                                ctx.notice.set(Some(
                                    "This design cannot run A's fault script (its regions differ): B uses its own.".into(),
                                ));
                            }
                        }
                        ctx.playing.set(false);
                        ctx.playhead.set(0);
                        ctx.edit(|cur| *cur = s);
                    }
                }
            >
                <option value="" selected=true disabled=true>"Load a preset…"</option>
                <option value="empty">"Start from an empty design"</option>
                {presets::PRESETS
                    .iter()
                    .map(|p| {
                        let title = (p.build)().title;
                        view! { <option value=p.name>{title}</option> }
                    })
                    .collect::<Vec<_>>()}
            </select>
        </label>
    }
}

/// Writes a link to the scenario at the current moment into the address bar and
/// shows it, warning when it is long.
#[component]
fn ShareButton() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (shown, set_shown) = signal(None::<String>);
    let share = move |_| {
        let mut s = ctx.scenario.get_untracked();
        s.view.playhead_ms = ctx.playhead.get_untracked();
        s.view.speed = ctx.speed.get_untracked();
        s.view.deploy_ms = ctx.deploy.playhead.get_untracked();
        let frag = link::encode(&s);
        storage::replace_fragment(&frag);
        set_shown.set(Some(storage::url_with(&frag)));
    };
    view! {
        <button class="rw-button rw-button--primary" data-testid="share" on:click=share>"Share this moment"</button>
        <Show when=move || shown.get().is_some()>
            <div class="rw-share" data-testid="share-panel">
                <label>
                    "Link (the page's address now points here too): "
                    <input
                        readonly=true
                        data-testid="share-url"
                        prop:value=move || shown.get().unwrap_or_default()
                        aria-label="Share link"
                    />
                </label>
                {move || {
                    let n = shown.get().map_or(0, |u| u.len());
                    match link::size_class(n) {
                        LinkSize::Ok => view! { <span class="rw-muted">{format!("{n} characters")}</span> }.into_any(),
                        LinkSize::Long => {
                            view! {
                                <span class="rw-warn" data-testid="share-warning">
                                    {format!("⚠ {n} characters: some chat apps cut links past 2,000.")}
                                </span>
                            }
                                .into_any()
                        }
                        LinkSize::UseFile => {
                            view! {
                                <span class="rw-warn" data-testid="share-warning">
                                    {format!("⚠ {n} characters: too long for many tools; export the scenario as a file instead.")}
                                </span>
                            }
                                .into_any()
                        }
                    }
                }}
                <button class="rw-button" on:click=move |_| set_shown.set(None)>"Close"</button>
            </div>
        </Show>
    }
}

/// The "what is this" panel.
#[component]
fn About(on_close: impl Fn() + 'static) -> impl IntoView {
    view! {
        <aside id="rw-about" class="rw-about" data-testid="about" aria-label="About Routewave">
            <h2>"What is Routewave?"</h2>
            <p>
                "A playground for DNS failover and deployment blast radius. Build a Route 53 \
                 routing tree or a deployment-wave plan, break a region, a load balancer or an \
                 anycast stripe, and watch a deterministic simulation of health checks, \
                 resolvers and caches show when users move and how many requests fail."
            </p>
            <p>
                "Every number comes from a modelled mechanism with documented parameters. The \
                 same scenario and seed give the same run here and in the command-line tool, so \
                 a shared link shows everyone exactly the same thing. Space plays and pauses."
            </p>
            <button class="rw-button" data-testid="about-close" on:click=move |_| on_close()>
                "Close"
            </button>
        </aside>
    }
}
