//! The application shell: creates the page's state, keeps the autosave and the
//! link up to date, advances the players' clocks, answers the keyboard shortcuts and
//! links pasted into an open page, and lays out the header, the notice, the file
//! menu and the playground under the top-level error boundary.

use std::time::Duration;

use leptos::prelude::*;

use crate::app::files::FileMenu;
use crate::app::header::{About, Header, NoticeBanner};
use crate::app::hooks::debounce::use_debounced_effect;
use crate::app::hooks::interval::use_interval;
use crate::app::hooks::window_event::use_window_event;
use crate::app::playground::Playground;
use crate::app::state::{
    self, Deployment, Design, Notice, Run, use_deployment, use_design, use_notice, use_run, use_training,
};
use crate::app::storage;
use crate::design::opening;
use crate::formats::link;

/// Real time between two advances of the players' clocks.
const TICK: Duration = Duration::from_millis(100);

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let (first, notice) = opening::first(storage::fragment().as_deref(), storage::load_autosave().as_deref());
    state::provide(first, notice);
    let (design, run, deployment, notice) = (use_design(), use_run(), use_deployment(), use_notice());
    autosave(design, notice);
    use_interval(TICK, move || {
        run.clock().advance(TICK.as_millis() as f64, run.duration_ms_untracked());
        deployment.clock().advance(TICK.as_millis() as f64, deployment.end_ms_untracked());
    });
    shortcuts(design, run);
    follow_links(design, run, deployment, notice);
    let about_open = RwSignal::new(false);
    view! {
        <Header about_open=about_open />
        <NoticeBanner />
        <Show when=move || about_open.get()>
            <About on_close=move || about_open.set(false) />
        </Show>
        <FileMenu />
        <ErrorBoundary fallback=error_list>
            <Playground />
        </ErrorBoundary>
    }
}

/// Autosaves after edits (the last edit of a burst, 300 ms later) and keeps the
/// fragment a link to the working scenario.
fn autosave(design: Design, notice: Notice) {
    use_debounced_effect(
        Duration::from_millis(300),
        move || {
            design.track();
            design.is_dirty_untracked()
        },
        move || {
            let s = design.get_untracked();
            if !storage::save_autosave(&s.to_json()) {
                notice.say(
                    "Autosave failed: the browser's storage is unavailable or full. Export the scenario to keep it.",
                );
            }
            storage::replace_fragment(&link::encode(&s));
        },
    );
}

/// Space plays and pauses; Ctrl+Z / Ctrl+Shift+Z undo and redo — unless a control
/// has the focus.
fn shortcuts(design: Design, run: Run) {
    use_window_event(leptos::ev::keydown, move |e: web_sys::KeyboardEvent| {
        let focus_tag = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|el| el.tag_name())
            .unwrap_or_default();
        let typing = matches!(focus_tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT");
        if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("z") && !typing {
            e.prevent_default();
            if e.shift_key() {
                design.redo()
            } else {
                design.undo()
            }
            return;
        }
        if e.code() == "Space" && !typing && focus_tag != "BUTTON" {
            e.prevent_default();
            run.clock().toggle();
        }
    });
}

/// A link pasted into the address bar of an open page: load it at its moment, with
/// the prediction and presenter mode it carries (our own `replaceState` never fires
/// this).
fn follow_links(design: Design, run: Run, deployment: Deployment, notice: Notice) {
    let training = use_training();
    use_window_event(leptos::ev::hashchange, move |_| {
        let Some(f) = storage::fragment() else { return };
        match opening::from_link(&f) {
            Ok(s) => {
                run.clock().pause_at(s.view.playhead_ms);
                deployment.clock().seek(s.view.deploy_ms);
                if let Some(speed) = opening::view_speed(&s) {
                    run.clock().set_speed(speed);
                }
                training.open_link(&s);
                design.open_link(s);
                notice.clear();
            }
            Err(message) => notice.say(message),
        }
    });
}

/// Renders the message of every error caught by the top-level error boundary.
fn error_list(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="rw-fatal" role="alert" data-testid="error-boundary">
            <p>"Something went wrong while showing this view:"</p>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, e)| view! { <li>{e.to_string()}</li> })
                        .collect::<Vec<_>>()
                }}
            </ul>
        </div>
    }
}
