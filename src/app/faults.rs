//! Fault buttons acting at the playhead (the run forks there: the history before it
//! is unchanged, because the run is deterministic) and the fault script. The edits
//! are [`crate::design::faults`]'.

use leptos::prelude::*;

use crate::app::state::{use_design, use_run};
use crate::base::time::SimTime;
use crate::design::faults::{add_fault, fault_hosts, remove_fault};
use crate::spec::scenario::FaultAction;

/// A region fault button: its text, its test-id prefix and the fault it adds.
type RegionButton = (&'static str, &'static str, fn(String) -> FaultAction);

/// The fault controls and the script.
#[component]
pub fn Faults() -> impl IntoView {
    let (design, clock) = (use_design(), use_run().clock());
    let regions = move || design.with(|s| s.zone.regions.iter().map(|r| r.name.clone()).collect::<Vec<_>>());
    let add = move |action: FaultAction| {
        let at_ms = clock.playhead_untracked();
        design.edit(|s| add_fault(s, at_ms, action));
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
                options=Signal::derive(move || design.with(|s| s.zone.load_balancers.iter().map(|l| l.id.clone()).collect::<Vec<_>>()))
                actions=vec![
                    ("Take it down", "lb-down", Callback::new(move |id: String| add(FaultAction::LbDown { lb: id }))),
                    ("Bring it back", "lb-up", Callback::new(move |id: String| add(FaultAction::LbUp { lb: id }))),
                ]
            />
            <PickAndAct
                label="Host"
                testid="fault-host"
                options=Signal::derive(move || design.with(|s| fault_hosts(&s.zone)))
                actions=vec![
                    ("Stop", "host-stop", Callback::new(move |id: String| add(FaultAction::StopHost { host: id }))),
                    ("Black-hole", "host-blackhole", Callback::new(move |id: String| add(FaultAction::BlackHoleHost { host: id }))),
                    ("Restore", "host-start", Callback::new(move |id: String| add(FaultAction::StartHost { host: id }))),
                ]
            />
            <h3>"Fault script"</h3>
            <ol class="rw-script" data-testid="fault-script">
                {move || {
                    design
                        .with(|s| s.faults.clone())
                        .into_iter()
                        .enumerate()
                        .map(|(i, f)| {
                            view! {
                                <li>
                                    <time>{SimTime(f.at_ms).to_string()}</time>
                                    " "
                                    {f.action.describe()}
                                    " "
                                    <button
                                        class="rw-button rw-button--small"
                                        aria-label=format!("Remove fault {}", i + 1)
                                        on:click=move |_| design.edit(|s| remove_fault(s, i))
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
