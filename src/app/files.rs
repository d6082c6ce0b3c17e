//! Scenario files and history: export and import JSON files, paste Route 53 output,
//! and undo / redo (Ctrl+Z / Ctrl+Shift+Z) across edits.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::shell::Ctx;
use crate::spec::scenario::Scenario;

/// Offers `text` as a download named `name` (a blob URL on this origin).
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let parts = js_sys_array(text);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|_| "could not create the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "could not create the file")?;
    let r = download_url(name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    r
}

/// Offers the resource at `url` (a blob: or data: URL) as a download named `name`.
pub fn download_url(name: &str, url: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| "no link")?.dyn_into().map_err(|_| "no link")?;
    a.set_href(url);
    a.set_download(name);
    a.click();
    Ok(())
}

fn js_sys_array(text: &str) -> wasm_bindgen::JsValue {
    let arr = js_array_new();
    js_array_push(&arr, &wasm_bindgen::JsValue::from_str(text));
    arr
}

fn js_array_new() -> wasm_bindgen::JsValue {
    wasm_bindgen::JsValue::from(web_sys::js_sys::Array::new())
}

fn js_array_push(arr: &wasm_bindgen::JsValue, v: &wasm_bindgen::JsValue) {
    if let Some(a) = arr.dyn_ref::<web_sys::js_sys::Array>() {
        a.push(v);
    }
}

/// The file menu: export, import, paste Route 53 output, undo, redo.
#[component]
pub fn FileMenu() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (paste_open, set_paste_open) = signal(false);
    let saved = RwSignal::new(super::storage::load_saved());
    let save = move |_| {
        let s = ctx.scenario.get_untracked();
        let mut list = saved.get_untracked();
        list.retain(|(k, _)| *k != s.title);
        list.push((s.title.clone(), s.to_json()));
        list.sort();
        if super::storage::store_saved(&list) {
            saved.set(list);
        } else {
            ctx.notice.set(Some(
                "Saving failed: the browser's storage is unavailable or full. Export the scenario instead.".into(),
            ));
        }
    };
    let open_saved = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        let Some((_, json)) = saved.get_untracked().into_iter().find(|(k, _)| *k == name) else { return };
        match Scenario::from_json(&json) {
            Ok(s) => {
                ctx.playing.set(false);
                ctx.playhead.set(s.view.playhead_ms);
                ctx.edit(|cur| *cur = s);
            }
            Err(e) => ctx.notice.set(Some(format!("The saved scenario '{name}' could not be opened: {e}"))),
        }
    };
    let delete_saved = move |_| {
        let title = ctx.scenario.get_untracked().title;
        let mut list = saved.get_untracked();
        list.retain(|(k, _)| *k != title);
        if super::storage::store_saved(&list) {
            saved.set(list);
        }
    };
    let records = RwSignal::new(String::new());
    let checks = RwSignal::new(String::new());
    let export = move |_| {
        let s = ctx.scenario.get_untracked();
        if let Err(e) = download("routewave-scenario.json", &s.to_json(), "application/json") {
            ctx.notice.set(Some(format!("Export failed: {e}.")));
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
                    ctx.playing.set(false);
                    ctx.playhead.set(s.view.playhead_ms);
                    ctx.edit(|cur| *cur = s);
                    ctx.notice.set(None);
                }
                Some(Err(e)) => {
                    ctx.notice.set(Some(format!("{name} could not be opened: {e}. Your work is unchanged.")))
                }
                None => ctx.notice.set(Some(format!("{name} could not be read. Your work is unchanged."))),
            }
        });
        input.set_value("");
    };
    let import_aws = move |_| {
        let hc = checks.get_untracked();
        match crate::formats::aws::import_record_sets(
            &records.get_untracked(),
            (!hc.trim().is_empty()).then_some(hc.as_str()),
        ) {
            Ok(imp) => {
                ctx.playing.set(false);
                ctx.playhead.set(0);
                ctx.edit(|cur| *cur = imp.scenario);
                let notes =
                    if imp.notes.is_empty() { "nothing was skipped".to_string() } else { imp.notes.join(" · ") };
                ctx.notice.set(Some(format!("Imported. {notes}")));
                set_paste_open.set(false);
            }
            Err(e) => ctx.notice.set(Some(format!("Route 53 import failed: {e}. Your work is unchanged."))),
        }
    };
    let export_changes = move |_| {
        let s = ctx.scenario.get_untracked();
        let (batch, notes) = crate::formats::aws::change_batch(&s.zone, "<your hosted zone id>");
        if let Err(e) = download("change-batch.json", &batch, "application/json") {
            ctx.notice.set(Some(format!("Export failed: {e}.")));
        } else if !notes.is_empty() {
            ctx.notice.set(Some(format!("Change batch exported; fill in: {}", notes.join(" · "))));
        }
    };
    view! {
        <div class="rw-files" role="group" aria-label="Scenario file and history">
            <button class="rw-button" data-testid="undo" on:click=move |_| ctx.undo() prop:disabled=move || !ctx.can_undo()>
                "Undo"
            </button>
            <button class="rw-button" data-testid="redo" on:click=move |_| ctx.redo() prop:disabled=move || !ctx.can_redo()>
                "Redo"
            </button>
            <button class="rw-button" data-testid="save" on:click=save>"Save"</button>
            <select data-testid="saved" aria-label="Open a saved scenario" on:change=open_saved>
                <option value="" selected=true>{move || format!("Saved scenarios ({})", saved.with(Vec::len))}</option>
                {move || saved.get().into_iter().map(|(k, _)| { let label = k.clone(); view! { <option value=k>{label}</option> } }).collect::<Vec<_>>()}
            </select>
            <button
                class="rw-button"
                data-testid="delete-saved"
                on:click=delete_saved
                prop:disabled=move || { let t = ctx.scenario.with(|s| s.title.clone()); !saved.with(|l| l.iter().any(|(k, _)| *k == t)) }
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
