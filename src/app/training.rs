//! The training aids on the page: the guided session (Next / Back and the arrow
//! keys move the playhead, the record selected in the tree and the panel in view; "Record step" adds one from the
//! current view, its text editable), "Predict, then play" (commit a guess, then
//! see it against the run and the phase it left out) and the presenter-mode
//! toggle. What they show is computed by [`crate::design::guide`] and
//! [`crate::design::predict`].

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::hooks::window_event::use_window_event;
use crate::app::state::{Design, Run, Training, use_design, use_run, use_training};
use crate::design::guide;
use crate::design::predict::{self, Verdict};
use crate::spec::scenario::Prediction;
use crate::spec::training::{GuideStep, PANELS};

/// Moves the guide to step `i`: the playhead (paused), the record selected in the
/// tree and the panel in view.
fn go(design: Design, run: Run, training: Training, i: Option<usize>) {
    let Some(i) = i else { return };
    let Some(step) = design.with_untracked(|s| s.guide.get(i).cloned()) else { return };
    training.step.set(Some(i));
    run.clock().pause_at(step.at_ms);
    training.selected.set(design.with_untracked(|s| guide::find_record(s, &step.select)));
    training.focus.set(step.panel.clone());
    bring_into_view(&step.panel);
}

/// Scrolls the panel named `panel` into view (a name outside [`PANELS`] does nothing).
fn bring_into_view(panel: &str) {
    if !PANELS.iter().any(|(p, _)| *p == panel) {
        return;
    }
    let found = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&format!("[data-panel=\"{panel}\"]")).ok().flatten());
    if let Some(el) = found {
        el.scroll_into_view_with_bool(true);
    }
}

/// Is the key event meant for something else: typing in a control, or a widget
/// that moves with the arrow keys (a draggable chip or row, the map)?
fn meant_elsewhere(e: &web_sys::KeyboardEvent) -> bool {
    if e.default_prevented() || e.ctrl_key() || e.meta_key() || e.alt_key() || e.shift_key() {
        return true;
    }
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT" | "CANVAS")
        || el.closest("[draggable=\"true\"]").ok().flatten().is_some()
}

/// The guided session's state and what its buttons and keys do.
#[derive(Clone, Copy)]
struct Session {
    design: Design,
    run: Run,
    training: Training,
    /// How many steps the guide has.
    len: Memo<usize>,
    /// Whether the step's text editor is open.
    editing: RwSignal<bool>,
}

impl Session {
    fn next(self) {
        let Session { design, run, training, len, .. } = self;
        go(design, run, training, guide::next(training.step.get_untracked(), len.get_untracked()));
    }

    fn back(self) {
        let Session { design, run, training, len, .. } = self;
        go(design, run, training, guide::back(training.step.get_untracked(), len.get_untracked()));
    }

    /// The step shown (tracked).
    fn current(self) -> Option<GuideStep> {
        self.training.step.get().and_then(|i| self.design.with(|s| s.guide.get(i).cloned()))
    }

    /// Records a step from the current view (the playhead, the panel in view, the
    /// selected record) and opens its text for editing.
    fn record(self) {
        let Session { design, run, training, editing, .. } = self;
        let at = run.clock().playhead_untracked();
        let panel = Some(training.focus.get_untracked()).filter(|p| !p.is_empty()).unwrap_or("timeline".into());
        let mut index = 0;
        design.edit(|s| {
            let select = training.selected.get_untracked().and_then(|i| guide::record_ref(s, i)).unwrap_or_default();
            index = guide::record(&mut s.guide, at, &panel, &select);
        });
        training.step.set(Some(index));
        editing.set(true);
    }

    fn set_text(self, text: String) {
        let Some(i) = self.training.step.get_untracked() else { return };
        self.design.edit(|s| {
            if let Some(step) = s.guide.get_mut(i) {
                step.text = text;
            }
        });
    }

    /// Deletes the step shown; the one before it is shown instead.
    fn delete(self) {
        let Some(i) = self.training.step.get_untracked() else { return };
        self.design.edit(|s| {
            if i < s.guide.len() {
                s.guide.remove(i);
            }
        });
        self.editing.set(false);
        self.training.step.set(i.checked_sub(1));
    }
}

/// The guided session: the step's moment and text, Back / Next (and ← / →), and
/// recording a step from the current view.
#[component]
pub fn Guide() -> impl IntoView {
    let (design, run, training) = (use_design(), use_run(), use_training());
    let len = Memo::new(move |_| design.with(|s| s.guide.len()));
    let session = Session { design, run, training, len, editing: RwSignal::new(false) };
    // A new scenario (another title) starts its guide from the top; an edit of the
    // same scenario, recording a step included, keeps the step shown.
    let title = Memo::new(move |_| design.with(|s| s.title.clone()));
    Effect::watch(
        move || title.get(),
        move |_, _, _| {
            training.step.set(None);
            training.focus.set(String::new());
        },
        false,
    );
    use_window_event(leptos::ev::keydown, move |e: web_sys::KeyboardEvent| {
        if len.get_untracked() == 0 || meant_elsewhere(&e) {
            return;
        }
        match e.key().as_str() {
            "ArrowRight" => session.next(),
            "ArrowLeft" => session.back(),
            _ => return,
        }
        e.prevent_default();
    });
    view! {
        <div class="rw-guide" data-testid="guide">
            <GuideBar session=session />
            <p class="rw-guide__text" aria-live="polite" data-testid="guide-text">
                {move || match session.current() {
                    Some(step) => view! {
                        <time class="rw-guide__at">{guide::clock(step.at_ms)}</time>
                        " "
                        {step.text}
                    }
                        .into_any(),
                    None if len.get() == 0 => {
                        "No guided session yet: move to a moment and press Record step to add one.".into_any()
                    }
                    None => "Press Start (or →) to walk through this scenario step by step.".into_any(),
                }}
            </p>
            <Show when=move || session.current().is_some()>
                <StepEditor session=session />
            </Show>
        </div>
    }
}

/// The guide's title, position, Back / Next and Record step.
#[component]
fn GuideBar(session: Session) -> impl IntoView {
    let Session { training, len, .. } = session;
    view! {
        <div class="rw-guide__bar">
            <h2 id="rw-guide-h" class="rw-guide__title">"Guided session"</h2>
            <span class="rw-guide__pos" data-testid="guide-position">
                {move || guide::position(training.step.get(), len.get())}
            </span>
            <button
                class="rw-button"
                data-testid="guide-back"
                disabled=move || len.get() == 0 || training.step.get() == Some(0)
                aria-keyshortcuts="ArrowLeft"
                on:click=move |_| session.back()
            >
                "← Back"
            </button>
            <button
                class="rw-button rw-button--primary"
                data-testid="guide-next"
                disabled=move || len.get() == 0 || training.step.get().is_some_and(|i| i + 1 >= len.get())
                aria-keyshortcuts="ArrowRight"
                on:click=move |_| session.next()
            >
                {move || if training.step.get().is_none() { "Start →" } else { "Next →" }}
            </button>
            <button class="rw-button" data-testid="guide-record" on:click=move |_| session.record()>
                "Record step"
            </button>
        </div>
    }
}

/// Editing the shown step's text, and deleting the step.
#[component]
fn StepEditor(session: Session) -> impl IntoView {
    let editing = session.editing;
    view! {
        <div class="rw-guide__edit">
            <button
                class="rw-button rw-button--link"
                data-testid="guide-edit"
                aria-expanded=move || editing.get().to_string()
                on:click=move |_| editing.update(|e| *e = !*e)
            >
                "Edit step text"
            </button>
            <Show when=move || editing.get()>
                <label class="rw-guide__editor">
                    <span class="rw-visually-hidden">"Step text"</span>
                    <textarea
                        data-testid="guide-step-text"
                        rows="3"
                        prop:value=move || session.current().map(|s| s.text).unwrap_or_default()
                        on:change=move |ev| session.set_text(event_target_value(&ev))
                    ></textarea>
                </label>
                <button class="rw-button" data-testid="guide-delete" on:click=move |_| session.delete()>"Delete step"</button>
            </Show>
        </div>
    }
}

/// Predict, then play: the guess, committed before the answer shows; then the
/// guess against the run, the phases and the one it left out.
#[component]
pub fn Predict() -> impl IntoView {
    let (design, run, training) = (use_design(), use_run(), use_training());
    // The form's text outlives the form: Change prediction shows the last guess again.
    let form = GuessForm {
        switch_text: RwSignal::new(String::new()),
        p95_text: RwSignal::new(String::new()),
        problem: RwSignal::new(None),
    };
    // An edit makes a new run: its answer is hidden again until reached.
    Effect::watch(move || design.track(), move |_, _, _| training.revealed.set(false), false);
    // Only this scenario's run, once finished (until then the finished run is the one
    // before the edit).
    let reveal_at = Memo::new(move |_| {
        design.with(|s| run.with_finished_of(s, |p| predict::reveal_at_ms(&p.report().summary, p.duration().as_ms())))
    });
    let shown = Signal::derive(move || {
        training.prediction.get().is_some()
            && (training.revealed.get() || reveal_at.get().is_some_and(|at| run.clock().playhead() >= at))
    });
    let comparison = Memo::new(move |_| {
        let guess = training.prediction.get()?;
        design.with(|s| run.with_finished_of(s, |p| predict::compare(&guess, &p.report().summary))).flatten()
    });
    view! {
        <div class="rw-predict" data-testid="prediction">
            <h2 id="rw-predict-h">"Predict, then play"</h2>
            {move || match training.prediction.get() {
                None => view! { <PredictForm form=form /> }.into_any(),
                Some(guess) => view! { <Committed guess=guess shown=shown /> }.into_any(),
            }}
            <Show
                when=move || shown.get()
                fallback=move || {
                    view! {
                        <p class="rw-muted" data-testid="predict-hidden">
                            {move || {
                                if training.prediction.get().is_some() {
                                    "The answer shows when the playhead passes the switch, or when you press Reveal."
                                } else {
                                    "Commit a guess before you play; the run's answer stays hidden until then."
                                }
                            }}
                        </p>
                    }
                }
            >
                {move || comparison.get().map(|c| view! { <Comparison c=c /> })}
            </Show>
        </div>
    }
}

/// The prediction form's fields and the problem with the last attempt to commit.
#[derive(Clone, Copy)]
struct GuessForm {
    switch_text: RwSignal<String>,
    p95_text: RwSignal<String>,
    problem: RwSignal<Option<String>>,
}

impl GuessForm {
    /// Commits the guess typed, or says what is wrong with it.
    fn commit(self, training: Training, ev: &leptos::ev::SubmitEvent) {
        ev.prevent_default();
        let switch = predict::parse_duration(&self.switch_text.get_untracked());
        let p95 = Some(self.p95_text.get_untracked())
            .filter(|t| !t.trim().is_empty())
            .map(|t| predict::parse_duration(&t))
            .transpose();
        match (switch, p95) {
            (Ok(switch_ms), Ok(error_window_p95_ms)) => {
                self.problem.set(None);
                training.revealed.set(false);
                training.prediction.set(Some(Prediction { switch_ms, error_window_p95_ms }));
            }
            (Err(e), _) | (_, Err(e)) => self.problem.set(Some(e)),
        }
    }
}

/// The guess before it is committed: the switch time and, optionally, the error window.
#[component]
fn PredictForm(form: GuessForm) -> impl IntoView {
    let training = use_training();
    let GuessForm { switch_text, p95_text, problem } = form;
    view! {
        <form class="rw-predict__form" on:submit=move |ev| form.commit(training, &ev)>
            <label class="rw-predict__field">
                "How long after the fault until the probe is served by another region?"
                <span class="rw-predict__input">
                    <input
                        data-testid="predict-switch"
                        inputmode="decimal"
                        placeholder="e.g. 45 or 1:20"
                        prop:value=move || switch_text.get()
                        on:input=move |ev| switch_text.set(event_target_value(&ev))
                    />
                    " s"
                </span>
            </label>
            <label class="rw-predict__field">
                "Clients' error window, p95 (optional)"
                <span class="rw-predict__input">
                    <input
                        data-testid="predict-p95"
                        inputmode="decimal"
                        prop:value=move || p95_text.get()
                        on:input=move |ev| p95_text.set(event_target_value(&ev))
                    />
                    " s"
                </span>
            </label>
            <button class="rw-button rw-button--primary" type="submit" data-testid="predict-commit">
                "Commit prediction"
            </button>
            {move || problem.get().map(|p| view! { <p class="rw-warn" role="alert">{p}</p> })}
        </form>
    }
}

/// The committed guess, Reveal (until the answer is `shown`), Change prediction and
/// whether the share link carries it.
#[component]
fn Committed(guess: Prediction, shown: Signal<bool>) -> impl IntoView {
    let training = use_training();
    view! {
        <p class="rw-predict__mine" data-testid="predict-committed">
            <strong>{format!("Your prediction: {}", predict::secs(guess.switch_ms))}</strong>
            {guess.error_window_p95_ms.map(|p| format!(" · error window p95 {}", predict::secs(p)))}
        </p>
        <div class="rw-predict__actions">
            <Show when=move || !shown.get()>
                <button
                    class="rw-button rw-button--primary"
                    data-testid="predict-reveal"
                    on:click=move |_| training.revealed.set(true)
                >
                    "Reveal"
                </button>
            </Show>
            <button
                class="rw-button"
                data-testid="predict-change"
                on:click=move |_| {
                    training.prediction.set(None);
                    training.revealed.set(false);
                }
            >
                "Change prediction"
            </button>
            <label class="rw-field">
                <input
                    type="checkbox"
                    data-testid="predict-in-link"
                    prop:checked=move || training.in_link.get()
                    on:change=move |ev| training.in_link.set(event_target_checked(&ev))
                />
                "Put it in the share link"
            </label>
        </div>
    }
}

/// The guess against the run.
#[component]
fn Comparison(c: predict::Comparison) -> impl IntoView {
    let verdict_class = match c.verdict {
        Verdict::Close => "rw-predict__verdict rw-predict__verdict--close",
        _ => "rw-predict__verdict",
    };
    view! {
        <div class="rw-predict__result" data-testid="predict-result" role="status">
            <p class=verdict_class data-testid="predict-headline">{c.headline}</p>
            {c.missed_text.map(|t| view! { <p class="rw-predict__missed" data-testid="predict-missed">{t}</p> })}
            <ol class="rw-phases" aria-label=format!("Phases of {}'s switch", c.probe)>
                {c
                    .phases
                    .into_iter()
                    .map(|row| {
                        view! {
                            <li class:rw-phases__missed=row.missed>
                                <span class="rw-phases__name">{row.phase.label()}</span>
                                <span class="rw-phases__ms">{predict::secs(row.ms)}</span>
                                {row.missed.then_some(view! { <span class="rw-phases__mark">"← you left this out"</span> })}
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()}
            </ol>
            {c.cause.map(|cause| view! { <p class="rw-muted">{format!("What moved the answer: {cause}.")}</p> })}
            {c.error_window.map(|t| view! { <p>{t}</p> })}
        </div>
    }
}

/// Presenter mode's toggle; the mode itself is a flag on the document root, which
/// the style sheet reads.
#[component]
pub fn PresenterToggle() -> impl IntoView {
    let training = use_training();
    Effect::new(move |_| {
        let on = training.presenter.get();
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = if on { root.set_attribute("data-presenter", "") } else { root.remove_attribute("data-presenter") };
        }
    });
    view! {
        <button
            class="rw-button"
            data-testid="presenter"
            aria-pressed=move || training.presenter.get().to_string()
            on:click=move |_| training.presenter.update(|p| *p = !*p)
        >
            "Presenter mode"
        </button>
    }
}
