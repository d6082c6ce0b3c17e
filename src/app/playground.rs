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
use crate::app::summary::{Finishing, Summary};
use crate::app::sweep::SweepPanel;
use crate::app::training::{Guide, Predict};
use crate::app::tree::Tree;
use crate::app::trials::Trials;
use crate::app::widgets::player::Player;

/// The main area.
#[component]
pub fn Playground() -> impl IntoView {
    let run = use_run();
    let error = move || run.error();
    view! {
        // `data-run` tells a test (or a script) whether the first run has been made,
        // and whether an edit's run is still being finished (the panels that need the
        // whole run then show the run before the edit, dimmed).
        <main
            class="rw-main"
            data-testid="app-main"
            data-run=move || match (run.started(), run.finishing()) {
                (false, _) => "waiting",
                (true, true) => "finishing",
                (true, false) => "made",
            }
        >
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
            <Panel area="timeline" name="timeline" title="Timeline">
                <Player
                    clock=run.clock()
                    duration=Signal::derive(move || run.duration_ms())
                    density=Signal::derive(move || run.with(|p| p.density(120)).unwrap_or_default())
                    step_ms=1_000
                    max_speed_log=3.0
                />
                <Finishing />
                <RequestsChart />
                <Narration />
                <ChecksChart />
            </Panel>
            <Panel area="tree" name="tree" title="Routing tree">
                <Tree />
            </Panel>
            // The panels below the stage fill in with the first run, so the page's first
            // frame lays out and paints the stage alone.
            <Panel area="map" name="traffic" title="Traffic and faults">
                <Later>
                    <Traffic />
                    <Faults />
                    <Caches />
                </Later>
            </Panel>
            <Panel area="probe" name="probe" title="Probe log">
                <Later>
                    <ProbeLog />
                    <Summary />
                    <PhasesChart />
                </Later>
            </Panel>
            <Panel area="trials" name="trials" title="Trials: how much does it vary?">
                <Later>
                    <Trials />
                </Later>
            </Panel>
            <Panel area="sweep" name="sweep" title="Sweep: which setting matters most?">
                <Later>
                    <SweepPanel />
                </Later>
            </Panel>
            <Panel area="query" name="query" title="What does this resolver get?">
                <Later>
                    <QueryTester />
                </Later>
            </Panel>
        </main>
    }
}

/// `children` from the first run on (the page's first frames show only the stage);
/// a run once made is never unmade, so once shown they stay.
#[component]
fn Later(children: ChildrenFn) -> impl IntoView {
    let run = use_run();
    view! { <Show when=move || run.started()>{children()}</Show> }
}

/// One of the panels a guide step can bring into view: a section in the grid's
/// `area`, named `name` (its `data-panel`), headed `title`, outlined while the
/// current step shows it.
#[component]
fn Panel(area: &'static str, name: &'static str, title: &'static str, children: Children) -> impl IntoView {
    let training = use_training();
    let heading = format!("rw-{name}-h");
    view! {
        <section
            class=format!("rw-panel rw-panel--{area}")
            class:rw-panel--focus=move || training.focus.get() == name
            data-panel=name
            aria-labelledby=heading.clone()
        >
            <h2 id=heading.clone()>{title}</h2>
            {children()}
        </section>
    }
}
