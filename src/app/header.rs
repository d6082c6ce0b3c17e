//! The header — product name, scenario title, preset picker, share, presenter
//! mode, "what is this" — the notice banner and the "what is this" panel.

use leptos::prelude::*;

use crate::app::state::{use_deployment, use_design, use_notice, use_pinned, use_run, use_training};
use crate::app::storage;
use crate::app::training::PresenterToggle;
use crate::design::compare::like_for_like;
use crate::design::{opening, presets};
use crate::formats::link::{self, LinkSize};

/// The page's header; `about_open` shows the "what is this" panel.
#[component]
pub fn Header(about_open: RwSignal<bool>) -> impl IntoView {
    let design = use_design();
    view! {
        <header class="rw-header">
            <h1 class="rw-header__brand">"Routewave"</h1>
            <p class="rw-header__title" data-testid="scenario-title" title="Current scenario">
                {move || design.with(|s| s.title.clone())}
            </p>
            <PresetPicker />
            <ShareButton />
            <PresenterToggle />
            <button
                class="rw-button rw-button--link"
                data-testid="about-toggle"
                aria-expanded=move || about_open.get().to_string()
                aria-controls="rw-about"
                on:click=move |_| about_open.update(|open| *open = !*open)
            >
                "What is this?"
            </button>
        </header>
    }
}

/// The notice, until dismissed.
#[component]
pub fn NoticeBanner() -> impl IntoView {
    let notice = use_notice();
    view! {
        <Show when=move || notice.is_shown()>
            <div class="rw-notice" role="alert" data-testid="notice">
                <span>{move || notice.get().unwrap_or_default()}</span>
                <button class="rw-button" on:click=move |_| notice.clear()>"Dismiss"</button>
            </div>
        </Show>
    }
}

/// Picks a built-in scenario. With a run pinned as A, the new design runs as B
/// under A's seed and fault script when it can.
#[component]
fn PresetPicker() -> impl IntoView {
    let (design, clock, pinned, notice) = (use_design(), use_run().clock(), use_pinned(), use_notice());
    let pick = move |name: String| {
        let picked = if name == "empty" { Some(presets::empty()) } else { presets::preset(&name) };
        let Some(mut s) = picked else { return };
        if let Some(a) = pinned.get_untracked() {
            let (b, how) = like_for_like(&a, s);
            s = b;
            notice.say(how.message());
        }
        clock.pause_at(0);
        design.replace(s);
    };
    view! {
        <label class="rw-field">
            <span class="rw-visually-hidden">"Scenario preset"</span>
            <select
                data-testid="preset-picker"
                aria-label="Load a preset scenario"
                on:change=move |ev| pick(event_target_value(&ev))
            >
                <option value="" selected=true disabled=true>"Load a preset…"</option>
                <option value="empty">"Start from an empty design"</option>
                {presets::PRESETS
                    .iter()
                    .map(|p| view! { <option value=p.name>{p.title}</option> })
                    .collect::<Vec<_>>()}
            </select>
        </label>
    }
}

/// Writes a link to the scenario at the current moment into the address bar and
/// shows it, warning when it is long.
#[component]
fn ShareButton() -> impl IntoView {
    let (design, clock, deploy_clock) = (use_design(), use_run().clock(), use_deployment().clock());
    let training = use_training();
    let (shown, set_shown) = signal(None::<String>);
    let share = move |_| {
        let s = training.for_link(opening::at_moment(
            design.get_untracked(),
            clock.playhead_untracked(),
            clock.speed_untracked(),
            deploy_clock.playhead_untracked(),
        ));
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
pub fn About(on_close: impl Fn() + 'static) -> impl IntoView {
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
