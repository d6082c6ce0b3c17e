//! Scenario files and history: export the scenario, import any format Routewave
//! reads (files chosen or dropped, several at once, or pasted text; the format is
//! detected and the files combined by [`crate::formats::import`]), and undo / redo
//! (Ctrl+Z / Ctrl+Shift+Z) across edits.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::importer;
use crate::app::state::{
    Clock, Design, ImportNotes, ImportReport, Notice, use_design, use_import_notes, use_notice, use_run,
};
use crate::app::storage;
use crate::app::widgets::download::download;
use crate::base::time::SimTime;
use crate::design::saved;
use crate::formats::aws;
use crate::formats::import::{self, Source};
use crate::spec::scenario::Scenario;

/// The files, read as text; the error names the first that could not be read.
async fn read_files(files: Vec<web_sys::File>) -> Result<Vec<Source>, String> {
    let mut out = Vec::new();
    for file in files {
        let name = file.name();
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string());
        out.push(Source::new(name.clone(), text.ok_or(name)?));
    }
    Ok(out)
}

/// The file menu: undo, redo, save, the saved list, export, the one Import (files
/// chosen or dropped, or pasted text) and the change-batch export.
#[component]
pub fn FileMenu() -> impl IntoView {
    let (design, notice) = (use_design(), use_notice());
    let incoming = Import {
        design,
        clock: use_run().clock(),
        notice,
        notes: use_import_notes(),
        open: RwSignal::new(false),
        dragging: RwSignal::new(false),
        pasted: RwSignal::new(String::new()),
        importing: RwSignal::new(false),
        at_playhead: RwSignal::new(false),
    };
    let export = move |_| {
        let s = design.get_untracked();
        if let Err(e) = download("routewave-scenario.json", &s.to_json(), "application/json") {
            notice.say(format!("Export failed: {e}."));
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
            <SavedScenarios />
            <button class="rw-button" data-testid="export-json" on:click=export>"Export JSON"</button>
            <button
                class="rw-button"
                class:rw-drop--over=move || incoming.dragging.get()
                data-testid="import"
                aria-expanded=move || incoming.open.get().to_string()
                title="Import a scenario, Route 53 output, a change batch, a traffic policy or Terraform (or drop files here)"
                on:click=move |_| incoming.open.update(|o| *o = !*o)
                on:dragover=move |ev| incoming.drag_over(&ev)
                on:dragleave=move |_| incoming.dragging.set(false)
                on:drop=move |ev| incoming.drop(&ev)
            >
                "Import…"
            </button>
            <button class="rw-button" data-testid="export-changes" on:click=export_changes>"Export change batch"</button>
        </div>
        <Show when=move || incoming.open.get()>
            <ImportPanel incoming=incoming />
        </Show>
    }
}

/// Save, the saved list (choosing one opens it) and deleting the current title's save.
#[component]
fn SavedScenarios() -> impl IntoView {
    let (design, clock, notice) = (use_design(), use_run().clock(), use_notice());
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
    view! {
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
    }
}

/// The Import's state and what it does: files chosen, dropped or pasted become one
/// undoable edit.
#[derive(Clone, Copy)]
struct Import {
    design: Design,
    clock: Clock,
    notice: Notice,
    notes: ImportNotes,
    /// Whether the import panel is open.
    open: RwSignal<bool>,
    /// Whether files are being dragged over a drop target.
    dragging: RwSignal<bool>,
    pasted: RwSignal<String>,
    /// Whether an import is running (another waits for it).
    importing: RwSignal<bool>,
    /// Whether a change batch is scheduled at the playhead rather than applied now.
    at_playhead: RwSignal<bool>,
}

impl Import {
    /// One undoable edit on success; on failure the design is untouched and one line
    /// names the file and the place.
    /// The import runs in a worker (`crate::app::importer`); the design changes only
    /// when it answers with an outcome.
    fn run(self, sources: Vec<Source>) {
        if self.importing.get_untracked() {
            return;
        }
        self.importing.set(true);
        let current = self.design.get_untracked();
        let at = self.at_playhead.get_untracked().then(|| self.clock.playhead_untracked());
        importer::import(sources, current, at, move |outcome| {
            self.importing.set(false);
            match outcome {
                Ok(out) => {
                    if !out.onto_current {
                        self.clock.pause_at(out.scenario.view.playhead_ms);
                    }
                    self.design.replace(out.scenario);
                    self.notes.show(ImportReport { summary: out.summary, notes: out.notes });
                    self.notice.clear();
                    self.open.set(false);
                    self.pasted.set(String::new());
                }
                Err(e) => self.notice.say(format!("Import failed: {e}. Your design is unchanged.")),
            }
        });
    }

    /// Reads and imports the files of `list`. The files are taken from the list at
    /// once: clearing the input empties it.
    fn files(self, list: Option<web_sys::FileList>) {
        let files: Vec<web_sys::File> =
            list.map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect()).unwrap_or_default();
        if files.is_empty() {
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            match read_files(files).await {
                Ok(sources) => self.run(sources),
                Err(name) => {
                    self.notice.say(format!("Import failed: {name} could not be read. Your design is unchanged."))
                }
            }
        });
    }

    /// Files chosen in the file input; the input is cleared so the same files can be chosen again.
    fn choose(self, ev: &leptos::ev::Event) {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        self.files(input.files());
        input.set_value("");
    }

    fn drag_over(self, ev: &leptos::ev::DragEvent) {
        ev.prevent_default();
        self.dragging.set(true);
    }

    fn drop(self, ev: &leptos::ev::DragEvent) {
        ev.prevent_default();
        self.dragging.set(false);
        self.files(ev.data_transfer().and_then(|d| d.files()));
    }
}

/// The open Import: a drop target with a file input, and a text area for pasted documents.
#[component]
fn ImportPanel(incoming: Import) -> impl IntoView {
    let pasted = incoming.pasted;
    view! {
        <div class="rw-paste" data-testid="import-panel" role="group" aria-label="Import">
            <label
                class="rw-drop"
                class:rw-drop--over=move || incoming.dragging.get()
                data-testid="import-drop"
                on:dragover=move |ev| incoming.drag_over(&ev)
                on:dragleave=move |_| incoming.dragging.set(false)
                on:drop=move |ev| incoming.drop(&ev)
            >
                <span>
                    "Choose files or drop them here — a Routewave scenario; Route 53 record sets "
                    "with their health checks; a change batch (applied onto this design); a traffic "
                    "policy; a Terraform module's .tf / .tf.json files with their .tfvars, or a state "
                    "or plan from terraform show -json. The format is detected."
                </span>
                <input type="file" multiple=true class="rw-visually-hidden" data-testid="import-files" on:change=move |ev| incoming.choose(&ev) />
            </label>
            <label>
                "…or paste it (several JSON documents one after another are read as several files)"
                <textarea
                    rows="6"
                    data-testid="import-text"
                    prop:value=move || pasted.get()
                    on:input=move |ev| pasted.set(event_target_value(&ev))
                ></textarea>
            </label>
            <label class="rw-field">
                <input
                    type="checkbox"
                    data-testid="import-at-playhead"
                    prop:checked=move || incoming.at_playhead.get()
                    on:change=move |ev| incoming.at_playhead.set(event_target_checked(&ev))
                />
                {move || format!(
                    "A change batch: schedule it at the playhead ({}) as a timed change, so caches drain from then on, instead of applying it now",
                    SimTime(incoming.clock.playhead()),
                )}
            </label>
            <button
                class="rw-button rw-button--primary"
                data-testid="import-pasted"
                on:click=move |_| incoming.run(import::pasted(&pasted.get_untracked()))
                prop:disabled=move || incoming.importing.get()
            >
                "Import pasted text"
            </button>
            <span role="status" class="rw-muted" data-testid="import-busy">
                {move || incoming.importing.get().then_some("Importing…")}
            </span>
        </div>
    }
}
