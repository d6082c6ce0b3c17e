//! Downloads from this origin: text as a file (a blob URL), a canvas as a PNG, any
//! blob: or data: URL — and the page's one way to say an export failed.

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::state::Notice;

/// Offers `text` as a download named `name` (a blob URL on this origin).
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let parts = web_sys::js_sys::Array::new();
    parts.push(&wasm_bindgen::JsValue::from_str(text));
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

/// Offers what `canvas` shows as a PNG named `name` (nothing while it is not
/// mounted).
pub fn download_png(canvas: NodeRef<Canvas>, name: &str) -> Result<(), String> {
    let Some(el) = canvas.get_untracked() else { return Ok(()) };
    let url = el.to_data_url().map_err(|_| "the canvas could not be read")?;
    download_url(name, &url)
}

/// Tells the user when an export failed.
pub fn report(notice: Notice, result: Result<(), String>) {
    if let Err(e) = result {
        notice.say(format!("Export failed: {e}."));
    }
}
