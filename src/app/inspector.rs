//! The inspector: edit the selected record — weight, latency region, TTL, health
//! check (or a new one on its endpoint), Evaluate Target Health, failover role —
//! move it to another rule, delete it, add a copy, or move it within its group
//! (buttons, or Alt+↑ / Alt+↓ on a focused tree row). Validation problems for the
//! record come from the core and show inline; the run forks at the playhead.

use leptos::prelude::*;

use super::shell::Ctx;
use crate::route53::zone::Zone;
use crate::spec::zone::{FailoverRole, RecordValue, Routing};

/// Moves record `i` up (`-1`) or down (`+1`) among the records of its name and type.
pub fn move_record(ctx: &Ctx, i: usize, dir: i32) -> Option<usize> {
    let s = ctx.scenario.get_untracked();
    let r = s.zone.records.get(i)?;
    let same: Vec<usize> = s
        .zone
        .records
        .iter()
        .enumerate()
        .filter(|(_, x)| x.name == r.name && x.rtype == r.rtype)
        .map(|(j, _)| j)
        .collect();
    let pos = same.iter().position(|&j| j == i)?;
    let target = if dir < 0 { pos.checked_sub(1)? } else { (pos + 1 < same.len()).then_some(pos + 1)? };
    let j = same[target];
    ctx.edit(|s| s.zone.records.swap(i, j));
    Some(j)
}

/// The inspector panel for `selected`.
#[component]
pub fn Inspector(selected: RwSignal<Option<usize>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let record = move || selected.get().and_then(|i| ctx.scenario.with(|s| s.zone.records.get(i).cloned()));
    let problems = move || {
        let Some(i) = selected.get() else { return Vec::new() };
        let prefix = format!("records[{i}]");
        ctx.scenario.with(|s| match Zone::new(&s.zone) {
            Ok(_) => Vec::new(),
            Err(p) => p.0.iter().filter(|p| p.path.starts_with(&prefix)).map(|p| p.to_string()).collect(),
        })
    };
    let set = move |f: Box<dyn FnOnce(&mut crate::spec::zone::RecordSpec)>| {
        if let Some(i) = selected.get_untracked() {
            ctx.edit(|s| {
                if let Some(r) = s.zone.records.get_mut(i) {
                    f(r);
                }
            });
        }
    };
    let checks = move || ctx.scenario.with(|s| s.zone.health_checks.iter().map(|c| c.id.clone()).collect::<Vec<_>>());
    view! {
        <div class="rw-inspector" data-testid="inspector" aria-label="Inspector">
            {move || match record() {
                None => view! { <p class="rw-muted">"Select a record in the tree to edit it."</p> }.into_any(),
                Some(r) => {
                    let label = format!("{} {} [{}]", r.name, r.rtype.as_str(), r.set_id.clone().unwrap_or_else(|| "-".into()));
                    let is_alias = matches!(r.value, RecordValue::Alias { .. });
                    let eth = matches!(r.value, RecordValue::Alias { evaluate_target_health: true, .. });
                    let weight = match r.routing { Routing::Weighted { weight } => Some(weight), _ => None };
                    let role = match r.routing { Routing::Failover { role } => Some(role), _ => None };
                    let latency = match &r.routing { Routing::Latency { region } => Some(region.clone()), _ => None };
                    let here = r.name.clone();
                    let can_check = match &r.value {
                        RecordValue::Alias { target: crate::spec::zone::AliasTarget::LoadBalancer { .. }, .. } => true,
                        RecordValue::Values(v) => v.len() == 1 && v[0].starts_with("host:"),
                        _ => false,
                    };
                    let hc = r.health_check.clone().unwrap_or_default();
                    view! {
                        <h3 data-testid="inspector-title">{label}</h3>
                        {weight.map(|w| view! {
                            <label class="rw-field">"Weight "
                                <input type="number" min="0" max="255" data-testid="edit-weight" prop:value=w.to_string()
                                    on:change=move |ev| {
                                        if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                                            set(Box::new(move |r| r.routing = Routing::Weighted { weight: v }));
                                        }
                                    } />
                            </label>
                        })}
                        {role.map(|role| view! {
                            <label class="rw-field">"Failover role "
                                <select data-testid="edit-role" on:change=move |ev| {
                                    let primary = event_target_value(&ev) == "primary";
                                    set(Box::new(move |r| r.routing = Routing::Failover { role: if primary { FailoverRole::Primary } else { FailoverRole::Secondary } }));
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
                                    set(Box::new(move |r| r.routing = Routing::Latency { region }));
                                }>
                                    {crate::base::geo::AWS_REGIONS.iter().map(|(reg, _)| view! { <option value=*reg selected=*reg == cur>{*reg}</option> }).collect::<Vec<_>>()}
                                </select>
                            </label>
                        })}
                        <label class="rw-field">"Move to rule "
                            <select data-testid="edit-move" on:change=move |ev| {
                                let group = event_target_value(&ev);
                                let Some(i) = selected.get_untracked() else { return };
                                let mut s = ctx.scenario.get_untracked();
                                match crate::design::builder::move_to(&mut s, i, &group) {
                                    Ok(at) => {
                                        ctx.edit(|cur| *cur = s);
                                        selected.set(Some(at));
                                    }
                                    Err(e) => ctx.notice.set(Some(format!("Cannot move the record: {e}."))),
                                }
                            }>
                                {ctx.scenario.with_untracked(|s| crate::design::builder::groups(&s.zone, &s.service)).into_iter().map(|g| {
                                    let sel = g.name == here;
                                    let label = format!("{} ({})", g.name, g.policy.map_or("?", |p| p.name()));
                                    view! { <option value=g.name selected=sel>{label}</option> }
                                }).collect::<Vec<_>>()}
                            </select>
                        </label>
                        {(!is_alias).then(|| view! {
                            <label class="rw-field">"TTL (s) "
                                <input type="number" min="0" data-testid="edit-ttl" prop:value=r.ttl_s.unwrap_or(60).to_string()
                                    on:change=move |ev| {
                                        if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                                            set(Box::new(move |r| r.ttl_s = Some(v)));
                                        }
                                    } />
                            </label>
                        })}
                        {is_alias.then(|| view! {
                            <label class="rw-field">
                                <input type="checkbox" data-testid="edit-eth" prop:checked=eth
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        set(Box::new(move |r| if let RecordValue::Alias { evaluate_target_health, .. } = &mut r.value { *evaluate_target_health = on; }));
                                    } />
                                " Evaluate target health"
                            </label>
                        })}
                        <label class="rw-field">"Health check "
                            <select data-testid="edit-check" on:change=move |ev| {
                                let v = event_target_value(&ev);
                                set(Box::new(move |r| r.health_check = (!v.is_empty()).then_some(v)));
                            }>
                                <option value="" selected=hc.is_empty()>"none"</option>
                                {checks().into_iter().map(|c| { let sel = c == hc; let l = c.clone(); view! { <option value=c selected=sel>{l}</option> } }).collect::<Vec<_>>()}
                            </select>
                        </label>
                        <div class="rw-inspector__actions">
                            <button class="rw-button" data-testid="move-up" on:click=move |_| { if let Some(i) = selected.get_untracked() { selected.set(move_record(&ctx, i, -1).or(Some(i))); } }>"Move up"</button>
                            <button class="rw-button" data-testid="move-down" on:click=move |_| { if let Some(i) = selected.get_untracked() { selected.set(move_record(&ctx, i, 1).or(Some(i))); } }>"Move down"</button>
                            <button class="rw-button" data-testid="duplicate" on:click=move |_| {
                                if let Some(i) = selected.get_untracked() {
                                    ctx.edit(|s| if let Some(mut r) = s.zone.records.get(i).cloned() {
                                        r.set_id = Some(format!("{}-copy", r.set_id.unwrap_or_else(|| "record".into())));
                                        s.zone.records.insert(i + 1, r);
                                    });
                                    selected.set(Some(i + 1));
                                }
                            }>"Add a copy"</button>
                            {can_check.then(|| view! {
                                <button class="rw-button" data-testid="add-check" on:click=move |_| {
                                    let Some(i) = selected.get_untracked() else { return };
                                    let mut s = ctx.scenario.get_untracked();
                                    match crate::design::builder::add_check(&mut s, i) {
                                        Ok(_) => ctx.edit(|cur| *cur = s),
                                        Err(e) => ctx.notice.set(Some(format!("Cannot add a health check: {e}."))),
                                    }
                                }>"New health check on this endpoint"</button>
                            })}
                            <button class="rw-button" data-testid="delete-record" on:click=move |_| {
                                if let Some(i) = selected.get_untracked() {
                                    ctx.edit(|s| { if i < s.zone.records.len() { s.zone.records.remove(i); } });
                                    selected.set(None);
                                }
                            }>"Delete"</button>
                        </div>
                        <ul class="rw-problems" data-testid="inspector-problems">
                            {problems().into_iter().map(|p| view! { <li>{p}</li> }).collect::<Vec<_>>()}
                        </ul>
                    }.into_any()
                }
            }}
        </div>
    }
}
