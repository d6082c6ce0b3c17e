//! The query tester: pick a resolver's city (and an ECS client's) and see Route 53's
//! answer at the playhead, with the path and the reason for each step. The answer
//! comes from the [`crate::app::state::Query`] context, which the tree reads too to
//! mark the path.

use leptos::prelude::*;

use crate::app::state::use_query;
use crate::base::geo;
use crate::failover::playback::Tested;
use crate::route53::answer::Verdict;

/// The query tester panel.
#[component]
pub fn QueryTester() -> impl IntoView {
    let query = use_query();
    let cities = || geo::CITIES.iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect::<Vec<_>>();
    view! {
        <div class="rw-query">
            <label class="rw-field">
                "Resolver in "
                <select
                    data-testid="query-from"
                    on:change=move |ev| query.set_from(event_target_value(&ev))
                    prop:value=move || query.from()
                >
                    {cities()}
                </select>
            </label>
            <label class="rw-field">
                <input
                    type="checkbox"
                    data-testid="query-ecs-on"
                    prop:checked=move || query.ecs().is_some()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        query.set_ecs(on.then(|| "singapore".to_string()));
                    }
                />
                " sends ECS for a client in "
                <select
                    data-testid="query-ecs"
                    prop:disabled=move || query.ecs().is_none()
                    prop:value=move || query.ecs().unwrap_or_else(|| "singapore".into())
                    on:change=move |ev| query.set_ecs(Some(event_target_value(&ev)))
                >
                    {cities()}
                </select>
            </label>
            <p class="rw-muted">"The answer's path is marked ◀ in the routing tree."</p>
            {move || match query.tested() {
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
