//! The application shell: header (product name, scenario title, "what is this"),
//! the main work area and the top-level error boundary.

use leptos::prelude::*;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let (about_open, set_about_open) = signal(false);
    let scenario_title = RwSignal::new(String::from("Latency → nested failover (ALB)"));

    view! {
        <header class="rw-header">
            <h1 class="rw-header__brand">"Routewave"</h1>
            <p class="rw-header__title" data-testid="scenario-title" title="Current scenario">
                {move || scenario_title.get()}
            </p>
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
        <Show when=move || about_open.get()>
            <About on_close=move || set_about_open.set(false) />
        </Show>
        <ErrorBoundary fallback=super::error_list>
            <main class="rw-main" data-testid="app-main">
                <section class="rw-panel rw-panel--tree" aria-labelledby="rw-tree-h">
                    <h2 id="rw-tree-h">"Routing tree"</h2>
                    <p class="rw-muted">"The zone's records, policies and health checks."</p>
                </section>
                <section class="rw-panel rw-panel--map" aria-labelledby="rw-map-h">
                    <h2 id="rw-map-h">"Map"</h2>
                    <p class="rw-muted">"Regions, resolvers and edge locations."</p>
                </section>
                <section class="rw-panel rw-panel--timeline" aria-labelledby="rw-timeline-h">
                    <h2 id="rw-timeline-h">"Timeline"</h2>
                    <p class="rw-muted">"Play, pause and scrub the simulation."</p>
                </section>
            </main>
        </ErrorBoundary>
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
                 a shared link shows everyone exactly the same thing."
            </p>
            <button class="rw-button" data-testid="about-close" on:click=move |_| on_close()>
                "Close"
            </button>
        </aside>
    }
}
