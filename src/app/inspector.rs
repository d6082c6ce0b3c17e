//! The inspector: edit the selected record — weight, latency region, TTL, health
//! check (or a new one on its endpoint), Evaluate Target Health, failover role —
//! move it to another rule, delete it, add a copy, or move it within its group
//! (buttons, or Alt+↑ / Alt+↓ on a focused tree row). Validation problems for the
//! record come from the core and show inline; the run forks at the playhead.

use leptos::prelude::*;

use crate::app::state::{Design, use_design, use_notice};
use crate::base::geo;
use crate::design::builder;
use crate::spec::zone::{FailoverRole, RecordSpec, RecordValue, Routing};

/// The inspector panel for `selected`.
#[component]
pub fn Inspector(selected: RwSignal<Option<usize>>) -> impl IntoView {
    let design = use_design();
    let record = move || selected.get().and_then(|i| design.with(|s| s.zone.records.get(i).cloned()));
    view! {
        <div class="rw-inspector" data-testid="inspector" aria-label="Inspector">
            {move || match record() {
                None => view! { <p class="rw-muted">"Select a record in the tree to edit it."</p> }.into_any(),
                Some(r) => view! { <RecordEditor r=r selected=selected /> }.into_any(),
            }}
        </div>
    }
}

/// Applies `f` to the selected record, as one edit.
fn edit_selected(design: Design, selected: RwSignal<Option<usize>>, f: impl FnOnce(&mut RecordSpec)) {
    if let Some(i) = selected.get_untracked() {
        design.edit(|s| {
            if let Some(r) = s.zone.records.get_mut(i) {
                f(r);
            }
        });
    }
}

/// The editor of record `r` (the selected one): its fields, its actions and its problems.
#[component]
fn RecordEditor(r: RecordSpec, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let design = use_design();
    let problems = move || {
        let Some(i) = selected.get() else { return Vec::new() };
        design.with(|s| builder::record_problems(&s.zone, i))
    };
    let label = format!("{} {} [{}]", r.name, r.rtype.as_str(), r.set_id.clone().unwrap_or_else(|| "-".into()));
    let can_check = builder::can_add_check(&r);
    let hc = r.health_check.clone().unwrap_or_default();
    view! {
        <h3 data-testid="inspector-title">{label}</h3>
        <RoutingFields routing=r.routing.clone() selected=selected />
        <MoveToRule here=r.name.clone() selected=selected />
        <ValueFields r=r selected=selected />
        <HealthCheckField hc=hc selected=selected />
        <RecordActions can_check=can_check selected=selected />
        <ul class="rw-problems" data-testid="inspector-problems">
            {problems().into_iter().map(|p| view! { <li>{p}</li> }).collect::<Vec<_>>()}
        </ul>
    }
}

/// The routing policy's own field: a weight, a failover role or a latency region.
#[component]
fn RoutingFields(routing: Routing, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let design = use_design();
    let set = move |routing: Routing| edit_selected(design, selected, move |r| r.routing = routing);
    let weight = match routing {
        Routing::Weighted { weight } => Some(weight),
        _ => None,
    };
    let role = match routing {
        Routing::Failover { role } => Some(role),
        _ => None,
    };
    let latency = match &routing {
        Routing::Latency { region } => Some(region.clone()),
        _ => None,
    };
    view! {
        {weight.map(|w| view! {
            <label class="rw-field">"Weight "
                <input type="number" min="0" max="255" data-testid="edit-weight" prop:value=w.to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                            set(Routing::Weighted { weight: v });
                        }
                    } />
            </label>
        })}
        {role.map(|role| view! {
            <label class="rw-field">"Failover role "
                <select data-testid="edit-role" on:change=move |ev| {
                    let primary = event_target_value(&ev) == "primary";
                    set(Routing::Failover { role: if primary { FailoverRole::Primary } else { FailoverRole::Secondary } });
                }>
                    <option value="primary" selected=role == FailoverRole::Primary>"primary"</option>
                    <option value="secondary" selected=role == FailoverRole::Secondary>"secondary"</option>
                </select>
            </label>
        })}
        {latency.map(|cur| view! {
            <label class="rw-field">"Latency region "
                <select data-testid="edit-region" on:change=move |ev| {
                    let region = event_target_value(&ev);
                    set(Routing::Latency { region });
                }>
                    {geo::AWS_REGIONS.iter().map(|(reg, _)| view! { <option value=*reg selected=*reg == cur>{*reg}</option> }).collect::<Vec<_>>()}
                </select>
            </label>
        })}
    }
}

/// Moving the record to another rule (the record's own, named `here`, is chosen).
#[component]
fn MoveToRule(here: String, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let (design, notice) = (use_design(), use_notice());
    view! {
        <label class="rw-field">"Move to rule "
            <select data-testid="edit-move" on:change=move |ev| {
                let group = event_target_value(&ev);
                let Some(i) = selected.get_untracked() else { return };
                match design.try_edit(|s| builder::move_to(s, i, &group)) {
                    Ok(at) => selected.set(Some(at)),
                    Err(e) => notice.say(format!("Cannot move the record: {e}.")),
                }
            }>
                {design.with_untracked(|s| builder::groups(&s.zone, &s.service)).into_iter().map(|g| {
                    let sel = g.name == here;
                    let label = format!("{} ({})", g.name, g.policy.map_or("?", |p| p.name()));
                    view! { <option value=g.name selected=sel>{label}</option> }
                }).collect::<Vec<_>>()}
            </select>
        </label>
    }
}

/// The TTL of a plain record, or Evaluate Target Health of an alias.
#[component]
fn ValueFields(r: RecordSpec, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let design = use_design();
    let is_alias = matches!(r.value, RecordValue::Alias { .. });
    let eth = matches!(r.value, RecordValue::Alias { evaluate_target_health: true, .. });
    view! {
        {(!is_alias).then(|| view! {
            <label class="rw-field">"TTL (s) "
                <input type="number" min="0" data-testid="edit-ttl" prop:value=r.ttl_s.unwrap_or(60).to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                            edit_selected(design, selected, move |r| r.ttl_s = Some(v));
                        }
                    } />
            </label>
        })}
        {is_alias.then(|| view! {
            <label class="rw-field">
                <input type="checkbox" data-testid="edit-eth" prop:checked=eth
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        edit_selected(design, selected, move |r| if let RecordValue::Alias { evaluate_target_health, .. } = &mut r.value { *evaluate_target_health = on; });
                    } />
                " Evaluate target health"
            </label>
        })}
    }
}

/// The record's health check: none or one of the zone's (`hc` is the current one).
#[component]
fn HealthCheckField(hc: String, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let design = use_design();
    let checks = move || design.with(|s| s.zone.health_checks.iter().map(|c| c.id.clone()).collect::<Vec<_>>());
    view! {
        <label class="rw-field">"Health check "
            <select data-testid="edit-check" on:change=move |ev| {
                let v = event_target_value(&ev);
                edit_selected(design, selected, move |r| r.health_check = (!v.is_empty()).then_some(v));
            }>
                <option value="" selected=hc.is_empty()>"none"</option>
                {checks().into_iter().map(|c| { let sel = c == hc; let l = c.clone(); view! { <option value=c selected=sel>{l}</option> } }).collect::<Vec<_>>()}
            </select>
        </label>
    }
}

/// Moving the record within its group, copying it, a new health check on its
/// endpoint (when it can have one) and deleting it.
#[component]
fn RecordActions(can_check: bool, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let (design, notice) = (use_design(), use_notice());
    let move_record = move |dir: i32| {
        if let Some(i) = selected.get_untracked() {
            let moved = design.try_edit(|s| builder::move_within(s, i, dir).ok_or(())).ok();
            selected.set(moved.or(Some(i)));
        }
    };
    view! {
        <div class="rw-inspector__actions">
            <button class="rw-button" data-testid="move-up" on:click=move |_| move_record(-1)>"Move up"</button>
            <button class="rw-button" data-testid="move-down" on:click=move |_| move_record(1)>"Move down"</button>
            <button class="rw-button" data-testid="duplicate" on:click=move |_| {
                if let Some(i) = selected.get_untracked() {
                    design.edit(|s| {
                        builder::duplicate(s, i);
                    });
                    selected.set(Some(i + 1));
                }
            }>"Add a copy"</button>
            {can_check.then(|| view! {
                <button class="rw-button" data-testid="add-check" on:click=move |_| {
                    let Some(i) = selected.get_untracked() else { return };
                    if let Err(e) = design.try_edit(|s| builder::add_check(s, i)) {
                        notice.say(format!("Cannot add a health check: {e}."));
                    }
                }>"New health check on this endpoint"</button>
            })}
            <button class="rw-button" data-testid="delete-record" on:click=move |_| {
                if let Some(i) = selected.get_untracked() {
                    design.edit(|s| builder::remove(s, i));
                    selected.set(None);
                }
            }>"Delete"</button>
        </div>
    }
}
