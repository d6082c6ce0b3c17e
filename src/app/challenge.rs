//! The challenge panel: when the scenario carries a challenge, its title, brief and
//! a live verdict on every goal and constraint, re-evaluated after each edit, each
//! failing check explained with its numbers. The verdicts come from
//! [`crate::design::challenge`], reusing the player's failover run.

use leptos::prelude::*;

use crate::app::state::{use_design, use_run};
use crate::design::challenge::{CheckKind, Evaluation, evaluate_with};

/// The panel; empty when the scenario has no challenge.
#[component]
pub fn ChallengePanel() -> impl IntoView {
    let (design, run) = (use_design(), use_run());
    // The title and brief, read apart from the verdicts so they don't wait on the runs.
    let head = Memo::new(move |_| design.with(|s| s.challenge.as_ref().map(|c| (c.title.clone(), c.brief.clone()))));
    let verdicts = Memo::new(move |prev: Option<&Option<Result<_, String>>>| {
        design.with(|s| {
            s.challenge.as_ref()?;
            let evaluated = match run.with_finished_of(s, |p| evaluate_with(s, Some(p.report()))) {
                Some(e) => e,
                // The failover run cannot run: the evaluation names why (and still
                // judges goals that need no failover run).
                None if run.error().is_some() => evaluate_with(s, None),
                // This scenario's run is not finished yet (nothing is simulated
                // twice): the last verdicts stay, dimmed, until it is.
                None => return prev.cloned().flatten(),
            };
            Some(evaluated.map_err(|p| p.to_string()))
        })
    });
    move || {
        let (title, brief) = head.get()?;
        Some(view! {
            <section class="rw-panel rw-panel--challenge" data-panel="challenge" data-testid="challenge" aria-labelledby="rw-challenge-h">
                <h2 id="rw-challenge-h">{format!("Challenge: {title}")}</h2>
                {(!brief.is_empty()).then(|| view! { <p class="rw-challenge__brief">{brief}</p> })}
                {move || match verdicts.get() {
                    None => ().into_any(),
                    Some(Err(problems)) => view! {
                        <p class="rw-warn" data-testid="challenge-problem">
                            {format!("The challenge cannot be judged yet: {problems}")}
                        </p>
                    }
                    .into_any(),
                    Some(Ok(e)) => verdict_list(e).into_any(),
                }}
            </section>
        })
    }
}

/// The overall status line and one row per check.
fn verdict_list(e: Evaluation) -> impl IntoView {
    let failing = e.checks.iter().filter(|c| !c.pass).count();
    let passed = e.passed();
    let status = if passed {
        format!("✓ Passed: all {} goals and rules hold", e.checks.len())
    } else {
        format!("✗ Not yet: {failing} of {} checks fail", e.checks.len())
    };
    view! {
        <p
            class="rw-challenge__status"
            class:rw-challenge__status--pass=passed
            data-testid="challenge-status"
            data-pass=passed.to_string()
            role="status"
        >
            {status}
        </p>
        <ul class="rw-challenge__checks">
            {e
                .checks
                .into_iter()
                .map(|c| {
                    let kind = match c.kind {
                        CheckKind::Goal => "Goal",
                        CheckKind::Constraint => "Rule",
                    };
                    view! {
                        <li
                            class="rw-check"
                            class:rw-check--pass=c.pass
                            data-testid="challenge-check"
                            data-pass=c.pass.to_string()
                        >
                            <span class="rw-check__mark" aria-label=if c.pass { "passes" } else { "fails" }>
                                {if c.pass { "✓" } else { "✗" }}
                            </span>
                            <span class="rw-check__kind">{kind}</span>
                            <strong class="rw-check__what">{c.what}</strong>
                            <span class="rw-check__why">{c.explanation}</span>
                        </li>
                    }
                })
                .collect::<Vec<_>>()}
        </ul>
    }
}
