//! The playground: the page's panels in order — why a scenario cannot run, the
//! challenge and its live verdicts, the deployment and control-plane panels, the guided session and the prediction, the
//! timeline, the routing tree, traffic and
//! faults, the probe log and summary, trials, the sweep and the query tester. Each panel takes
//! the state it needs from the contexts in [`crate::app::state`].

use leptos::prelude::*;

use crate::app::challenge::ChallengePanel;
use crate::app::chart::{ChecksChart, PhasesChart, RequestsChart};
use crate::app::control::ControlPanel;
use crate::app::deploy::DeployPanel;
use crate::app::faults::Faults;
use crate::app::live::{Caches, Narration, ProbeLog, Traffic};
use crate::app::query::QueryTester;
use crate::app::state::{use_run, use_training};
use crate::app::summary::Summary;
use crate::app::sweep::SweepPanel;
use crate::app::training::{Guide, Predict};
use crate::app::tree::Tree;
use crate::app::trials::Trials;
use crate::app::widgets::player::Player;

/// The main area.
#[component]
pub fn Playground() -> impl IntoView {
    let (run, training) = (use_run(), use_training());
    let error = move || run.error();
    let focus = move |panel: &'static str| move || training.focus.get() == panel;
    view! {
        <main class="rw-main" data-testid="app-main">
            <Show when=move || error().is_some()>
                <section class="rw-panel rw-panel--error" role="alert" data-testid="scenario-problems">
                    <h2>"This scenario cannot run yet"</h2>
                    <pre>{move || error().unwrap_or_default()}</pre>
                </section>
            </Show>
            <ChallengePanel />
            <DeployPanel />
            <ControlPanel />
            <section class="rw-panel rw-panel--guide" aria-labelledby="rw-guide-h">
                <Guide />
            </section>
            <section class="rw-panel rw-panel--predict" aria-labelledby="rw-predict-h">
                <Predict />
            </section>
            <section
                class="rw-panel rw-panel--timeline"
                class:rw-panel--focus=focus("timeline")
                data-panel="timeline"
                aria-labelledby="rw-timeline-h"
            >
                <h2 id="rw-timeline-h">"Timeline"</h2>
                <Player
                    clock=run.clock()
                    duration=Signal::derive(move || run.duration_ms())
                    density=Signal::derive(move || run.with(|p| p.density(120)).unwrap_or_default())
                    step_ms=1_000
                    max_speed_log=3.0
                />
                <RequestsChart />
                <Narration />
                <ChecksChart />
            </section>
            <section
                class="rw-panel rw-panel--tree"
                class:rw-panel--focus=focus("tree")
                data-panel="tree"
                aria-labelledby="rw-tree-h">
                <h2 id="rw-tree-h">"Routing tree"</h2>
                <Tree />
            </section>
            <section
                class="rw-panel rw-panel--map"
                class:rw-panel--focus=focus("traffic")
                data-panel="traffic"
                aria-labelledby="rw-live-h">
                <h2 id="rw-live-h">"Traffic and faults"</h2>
                <Traffic />
                <Faults />
                <Caches />
            </section>
            <section
                class="rw-panel rw-panel--probe"
                class:rw-panel--focus=focus("probe")
                data-panel="probe"
                aria-labelledby="rw-probe-h">
                <h2 id="rw-probe-h">"Probe log"</h2>
                <ProbeLog />
                <Summary />
                <PhasesChart />
            </section>
            <section
                class="rw-panel rw-panel--trials"
                class:rw-panel--focus=focus("trials")
                data-panel="trials"
                aria-labelledby="rw-trials-h">
                <h2 id="rw-trials-h">"Trials: how much does it vary?"</h2>
                <Trials />
            </section>
            <section
                class="rw-panel rw-panel--sweep"
                class:rw-panel--focus=focus("sweep")
                data-panel="sweep"
                aria-labelledby="rw-sweep-h">
                <h2 id="rw-sweep-h">"Sweep: which setting matters most?"</h2>
                <SweepPanel />
            </section>
            <section
                class="rw-panel rw-panel--query"
                class:rw-panel--focus=focus("query")
                data-panel="query"
                aria-labelledby="rw-query-h">
                <h2 id="rw-query-h">"What does this resolver get?"</h2>
                <QueryTester />
            </section>
        </main>
    }
}
