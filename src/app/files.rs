//! Scenario files and history: export and import JSON files, paste Route 53 output,
//! and undo / redo (Ctrl+Z / Ctrl+Shift+Z) across edits.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::state::{use_design, use_notice, use_run};
use crate::app::storage;
use crate::app::widgets::download::download;
use crate::design::saved;
use crate::formats::aws;
use crate::spec::scenario::Scenario;

/// The file menu: export, import, paste Route 53 output, undo, redo.
#[component]
pub fn FileMenu() -> impl IntoView {
    let (design, clock, notice) = (use_design(), use_run().clock(), use_notice());
    let (paste_open, set_paste_open) = signal(false);
    let saves = RwSignal::new(storage::load_saved());
    let save = move |_| {
        let s = design.get_untracked();
        let mut list = saves.get_untracked();
        saved::save(&mut list, &s.title, s.to_json());
        if storage::store_saved(&list) {
            saves.set(list);
        } else {
            notice.say("Saving failed: the browser's storage is unavailable or full. Export the scenario instead.");
        }
    };
    let open_saved = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        let Some(json) = saves.with_untracked(|list| saved::find(list, &name).map(String::from)) else { return };
        match Scenario::from_json(&json) {
            Ok(s) => {
                clock.pause_at(s.view.playhead_ms);
                design.replace(s);
            }
            Err(e) => notice.say(format!("The saved scenario '{name}' could not be opened: {e}")),
        }
    };
    let delete_saved = move |_| {
        let title = design.with_untracked(|s| s.title.clone());
        let mut list = saves.get_untracked();
        saved::remove(&mut list, &title);
        if storage::store_saved(&list) {
            saves.set(list);
        }
    };
    let records = RwSignal::new(String::new());
    let checks = RwSignal::new(String::new());
    let export = move |_| {
        let s = design.get_untracked();
        if let Err(e) = download("routewave-scenario.json", &s.to_json(), "application/json") {
            notice.say(format!("Export failed: {e}."));
        }
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string());
            match text.map(|t| Scenario::from_json(&t)) {
                Some(Ok(s)) => {
                    clock.pause_at(s.view.playhead_ms);
                    design.replace(s);
                    notice.clear();
                }
                Some(Err(e)) => notice.say(format!("{name} could not be opened: {e}. Your work is unchanged.")),
                None => notice.say(format!("{name} could not be read. Your work is unchanged.")),
            }
        });
        input.set_value("");
    };
    let import_aws = move |_| {
        let hc = checks.get_untracked();
        match aws::import_record_sets(&records.get_untracked(), (!hc.trim().is_empty()).then_some(hc.as_str())) {
            Ok(imp) => {
                clock.pause_at(0);
                design.replace(imp.scenario);
                let notes =
                    if imp.notes.is_empty() { "nothing was skipped".to_string() } else { imp.notes.join(" · ") };
                notice.say(format!("Imported. {notes}"));
                set_paste_open.set(false);
            }
            Err(e) => notice.say(format!("Route 53 import failed: {e}. Your work is unchanged.")),
        }
    };
    let export_changes = move |_| {
        let (batch, notes) = design.with_untracked(|s| aws::change_batch(&s.zone, "<your hosted zone id>"));
        if let Err(e) = download("change-batch.json", &batch, "application/json") {
            notice.say(format!("Export failed: {e}."));
        } else if !notes.is_empty() {
            notice.say(format!("Change batch exported; fill in: {}", notes.join(" · ")));
        }
    };
    view! {
        <div class="rw-files" role="group" aria-label="Scenario file and history">
            <button class="rw-button" data-testid="undo" on:click=move |_| design.undo() prop:disabled=move || !design.can_undo()>
                "Undo"
            </button>
            <button class="rw-button" data-testid="redo" on:click=move |_| design.redo() prop:disabled=move || !design.can_redo()>
                "Redo"
            </button>
            <button class="rw-button" data-testid="save" on:click=save>"Save"</button>
            <select data-testid="saved" aria-label="Open a saved scenario" on:change=open_saved>
                <option value="" selected=true>{move || format!("Saved scenarios ({})", saves.with(Vec::len))}</option>
                {move || saves.get().into_iter().map(|(k, _)| { let label = k.clone(); view! { <option value=k>{label}</option> } }).collect::<Vec<_>>()}
            </select>
            <button
                class="rw-button"
                data-testid="delete-saved"
                on:click=delete_saved
                prop:disabled=move || { let t = design.with(|s| s.title.clone()); saves.with(|l| saved::find(l, &t).is_none()) }
            >
                "Delete saved"
            </button>
            <button class="rw-button" data-testid="export-json" on:click=export>"Export JSON"</button>
            <label class="rw-button" data-testid="import-json-label">
                "Import JSON"
                <input type="file" accept=".json,application/json" class="rw-visually-hidden" data-testid="import-json" on:change=import />
            </label>
            <button class="rw-button" data-testid="paste-aws" on:click=move |_| set_paste_open.update(|o| *o = !*o)>
                "Paste Route 53 output"
            </button>
            <button class="rw-button" data-testid="export-changes" on:click=export_changes>"Export change batch"</button>
        </div>
        <Show when=move || paste_open.get()>
            <div class="rw-paste" data-testid="paste-panel">
                <label>
                    "aws route53 list-resource-record-sets output"
                    <textarea
                        rows="6"
                        data-testid="paste-records"
                        prop:value=move || records.get()
                        on:input=move |ev| records.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <label>
                    "aws route53 list-health-checks output (optional)"
                    <textarea
                        rows="4"
                        data-testid="paste-checks"
                        prop:value=move || checks.get()
                        on:input=move |ev| checks.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <button class="rw-button rw-button--primary" data-testid="paste-import" on:click=import_aws>
                    "Import and simulate"
                </button>
            </div>
        </Show>
    }
}
