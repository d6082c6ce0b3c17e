//! The world map of the data plane on a canvas: Natural Earth coastlines in the
//! Equal Earth projection ([`crate::charts::map`]), edge locations as markers coloured *and*
//! shaped by stripe, resolvers as small dots coloured by how they fare (or by the
//! stripe of the location answering them fastest), a selected resolver's catchment
//! on each stripe with its RTT and its queries (one name server at a time, the next after
//! a silent one's timeout), at the
//! deployment player's playhead. Drag or arrow keys pan, the wheel or +/− zoom, click
//! or Enter selects; "reduced motion" turns the query animation into a still.
//!
//! The drawing itself, layer by layer, is in [`draw`].
//!
//! The coastline is not in the WebAssembly: the first map shown fetches it from the
//! page's own origin ([`map::LAND_110M_URL`]) and keeps it for the page. Until it
//! arrives, or if it cannot, the map draws everything else and says so.

mod draw;

use std::cell::RefCell;
use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

pub use self::draw::{DotMode, STRIPE_RGB, STRIPE_SHAPE, Selected};
use self::draw::{Frame, Geometry, H, W, globe};
use super::state::use_deployment;
use crate::charts::map::{self, View};
use crate::deploy::playback::{DeployNow, DeployPlayback, SiteStatus};

/// Does the user prefer reduced motion (then a selected resolver's queries are a still)?
fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Projected land rings.
type Land = Arc<Vec<Vec<(f64, f64)>>>;

/// The coastline as a map sees it.
#[derive(Clone)]
enum Coast {
    /// Being fetched.
    Loading,
    /// Fetched, decoded and projected.
    Ready(Land),
    /// Could not be loaded: why, in words.
    Failed(String),
}

impl Coast {
    /// The value of the canvas's `data-coast` attribute.
    fn state(&self) -> &'static str {
        match self {
            Coast::Loading => "loading",
            Coast::Ready(_) => "ready",
            Coast::Failed(_) => "failed",
        }
    }
}

thread_local! {
    /// The coastline once loaded, for every map of the page (a failure is not kept:
    /// the next map shown tries again).
    static LAND: RefCell<Option<Land>> = const { RefCell::new(None) };
}

/// Fetches the coastline file from the page's origin, then decodes and projects it.
async fn fetch_land() -> Result<Land, String> {
    use wasm_bindgen_futures::JsFuture;
    let js = |e: wasm_bindgen::JsValue| {
        e.dyn_ref::<js_sys::Error>().map_or_else(|| "the request failed".to_string(), |e| String::from(e.message()))
    };
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(map::LAND_110M_URL)).await.map_err(js)?.unchecked_into();
    if !response.ok() {
        return Err(format!("the server answered {} {}", response.status(), response.status_text()));
    }
    let text = JsFuture::from(response.text().map_err(js)?).await.map_err(js)?;
    let text = text.as_string().ok_or("the coastline file is not text")?;
    map::land_projected_from(&text).map(Arc::new)
}

fn context(el: &web_sys::HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    el.get_context("2d").ok().flatten()?.dyn_into::<CanvasRenderingContext2d>().ok()
}

/// Frame times of the map, ms, most recent last (for the in-browser benchmark).
pub fn record_frame(ms: f64) {
    if let Some(w) = web_sys::window() {
        let key = wasm_bindgen::JsValue::from_str("__rwMapFrames");
        let arr = js_sys_array(&w, &key);
        arr.push(&wasm_bindgen::JsValue::from_f64(ms));
        if arr.length() > 4_000 {
            arr.shift();
        }
    }
}

fn js_sys_array(w: &web_sys::Window, key: &wasm_bindgen::JsValue) -> js_sys::Array {
    match js_sys::Reflect::get(w, key).ok().and_then(|v| v.dyn_into::<js_sys::Array>().ok()) {
        Some(a) => a,
        None => {
            let a = js_sys::Array::new();
            let _ = js_sys::Reflect::set(w, key, &a);
            a
        }
    }
}

/// A valid deployment playback, shared.
#[derive(Clone)]
struct Played(Arc<Result<DeployPlayback, String>>);

impl Played {
    fn get(&self) -> &DeployPlayback {
        self.0.as_ref().as_ref().expect("only valid playbacks are wrapped")
    }
}

/// The coastline for a new map: the one kept from an earlier map, else fetched now
/// (the signal says which, and changes when the fetch ends).
fn use_coast() -> RwSignal<Coast> {
    let cached = LAND.with_borrow(|l| l.clone());
    let coast = RwSignal::new(cached.clone().map_or(Coast::Loading, Coast::Ready));
    if cached.is_none() {
        leptos::task::spawn_local(async move {
            let got = fetch_land().await;
            if let Ok(land) = &got {
                LAND.with_borrow_mut(|l| *l = Some(land.clone()));
            }
            // The map may be gone by now; then there is nothing to update.
            let _ = coast.try_set(match got {
                Ok(land) => Coast::Ready(land),
                Err(e) => Coast::Failed(e),
            });
        });
    }
    coast
}

/// Where a selected resolver's query animation is, in ms of its loop: `None` when no
/// resolver is selected or the user prefers reduced motion.
fn use_query_animation(selected: RwSignal<Option<Selected>>) -> RwSignal<Option<f64>> {
    let phase = RwSignal::new(None::<f64>);
    let reduced = prefers_reduced_motion();
    // Each selection starts a new generation; a frame of an older one stops its loop.
    let anim = StoredValue::new(0u64);
    Effect::new(move |_| {
        let on = matches!(selected.get(), Some(Selected::Resolver(_))) && !reduced;
        anim.update_value(|g| *g += 1);
        if !on {
            phase.set(None);
            return;
        }
        animation_frame(anim.get_value(), js_sys::Date::now(), anim, phase);
    });
    phase
}

/// One frame of animation generation `mine`, started at `start`: sets the phase and
/// asks for the next frame, until another generation starts or the map goes away.
fn animation_frame(mine: u64, start: f64, anim: StoredValue<u64>, phase: RwSignal<Option<f64>>) {
    if anim.try_get_value() != Some(mine) {
        return;
    }
    // Loop the race: out, back and a pause.
    let period = 8_000.0;
    phase.set(Some((js_sys::Date::now() - start) % period));
    request_animation_frame(move || animation_frame(mine, start, anim, phase));
}

/// Redraws the map whenever the playback, the picture at the playhead, the view, the
/// selection, the dot mode, the animation or the coastline changes.
fn use_redraw(c: Controls, mode: RwSignal<DotMode>, phase: RwSignal<Option<f64>>, coast: RwSignal<Coast>) {
    let Controls { canvas, pb, geo, now, view, selected, .. } = c;
    let outline = StoredValue::new(globe());
    Effect::new(move |_| {
        let (Some(el), Some(p), Some(g), Some(n)) = (canvas.get(), pb.get(), geo.get(), now.get()) else { return };
        let v = view.get();
        let sel = selected.get();
        let m = mode.get();
        let ph = phase.get();
        let land = match coast.get() {
            Coast::Ready(land) => land,
            _ => Land::default(),
        };
        let Some(cx) = context(&el) else { return };
        let t0 = js_sys::Date::now();
        let frame = Frame { cx: &cx, v: &v, g: &g, pb: p.get(), now: &n };
        outline.with_value(|globe| draw::draw(&frame, globe, &land, sel, m, ph));
        record_frame(js_sys::Date::now() - t0);
    });
}

/// What the map's pointer, wheel and keyboard handlers act on.
#[derive(Clone, Copy)]
struct Controls {
    canvas: NodeRef<Canvas>,
    view: RwSignal<View>,
    selected: RwSignal<Option<Selected>>,
    /// The readout for what is under the pointer.
    hover: RwSignal<Option<String>>,
    /// Where the button went down (canvas px) and whether the map has been dragged since.
    drag: StoredValue<Option<(f64, f64, bool)>>,
    pb: Memo<Option<Played>>,
    geo: Memo<Option<Arc<Geometry>>>,
    now: Memo<Option<Arc<DeployNow>>>,
}

impl Controls {
    /// The event's position in canvas pixels.
    fn to_canvas(self, ev: &leptos::ev::MouseEvent) -> Option<(f64, f64)> {
        let el = self.canvas.get()?;
        let k = W / f64::from(el.client_width()).max(1.0);
        Some((f64::from(ev.offset_x()) * k, f64::from(ev.offset_y()) * k))
    }

    /// The location, else the resolver, near (`x`, `y`).
    fn pick(self, x: f64, y: f64) -> Option<Selected> {
        let g = self.geo.get_untracked()?;
        let v = self.view.get_untracked();
        v.nearest(&g.locations, x, y, 9.0)
            .map(Selected::Location)
            .or_else(|| v.nearest(&g.sites, x, y, 6.0).map(Selected::Resolver))
    }

    /// The readout for `s` at the playhead.
    fn describe(self, s: Selected) -> String {
        let (Some(p), Some(n)) = (self.pb.get_untracked(), self.now.get_untracked()) else { return String::new() };
        match s {
            Selected::Location(l) => describe_location(p.get(), &n, l),
            Selected::Resolver(i) => describe_resolver(p.get(), &n, i),
        }
    }

    fn zoom(self, factor: f64) {
        self.view.update(|v| v.zoom_at(W / 2.0, H / 2.0, factor));
    }

    fn pan(self, dx: f64, dy: f64) {
        self.view.update(|v| v.pan(dx, dy));
    }

    fn reset(self) {
        self.view.set(View::fit(W, H));
    }

    fn mouse_down(self, ev: &leptos::ev::MouseEvent) {
        if let Some((x, y)) = self.to_canvas(ev) {
            self.drag.set_value(Some((x, y, false)));
        }
    }

    /// Drags the map while the button is down, else describes what is under the pointer.
    fn mouse_move(self, ev: &leptos::ev::MouseEvent) {
        let Some((x, y)) = self.to_canvas(ev) else { return };
        if ev.buttons() & 1 == 1
            && let Some((x0, y0, _)) = self.drag.get_value()
        {
            self.pan(x - x0, y - y0);
            self.drag.set_value(Some((x, y, true)));
            return;
        }
        self.hover.set(self.pick(x, y).map(|s| self.describe(s)));
    }

    /// A click that did not drag selects what is under the pointer (or nothing).
    fn mouse_up(self, ev: &leptos::ev::MouseEvent) {
        let moved = self.drag.get_value().is_some_and(|d| d.2);
        self.drag.set_value(None);
        if !moved && let Some((x, y)) = self.to_canvas(ev) {
            self.selected.set(self.pick(x, y));
        }
    }

    fn mouse_leave(self) {
        self.drag.set_value(None);
        self.hover.set(None);
    }

    /// Zooms about the pointer.
    fn wheel(self, ev: &leptos::ev::WheelEvent) {
        ev.prevent_default();
        let Some(el) = self.canvas.get() else { return };
        let k = W / f64::from(el.client_width()).max(1.0);
        let f = libm::exp(-ev.delta_y() * 0.0015);
        self.view.update(|v| v.zoom_at(f64::from(ev.offset_x()) * k, f64::from(ev.offset_y()) * k, f));
    }

    /// Arrow keys pan, + and − zoom, 0 shows the whole globe, Escape clears the selection.
    fn key(self, ev: &leptos::ev::KeyboardEvent) {
        match ev.key().as_str() {
            "ArrowLeft" => self.pan(40.0, 0.0),
            "ArrowRight" => self.pan(-40.0, 0.0),
            "ArrowUp" => self.pan(0.0, 40.0),
            "ArrowDown" => self.pan(0.0, -40.0),
            "+" | "=" => self.zoom(1.5),
            "-" | "_" => self.zoom(1.0 / 1.5),
            "0" => self.reset(),
            "Escape" => self.selected.set(None),
            _ => return,
        }
        ev.prevent_default();
    }
}

/// A location in words: its city, stripe and shape, hardware generation and state.
fn describe_location(p: &DeployPlayback, n: &DeployNow, l: usize) -> String {
    let loc = &p.spec().fleet[l];
    let city = crate::base::geo::city(&loc.city).map_or(loc.city.as_str(), |c| c.name);
    format!(
        "{} — {city}, stripe {} ({}), hardware generation {}: {}",
        loc.id,
        loc.stripe,
        STRIPE_SHAPE[usize::from(loc.stripe) % 4],
        loc.hardware_gen,
        n.locations[l].as_str()
    )
}

/// A resolver in words: who answers it and how fast, how that compares with before,
/// and its catchment on each stripe with the queries it sends there.
fn describe_resolver(p: &DeployPlayback, n: &DeployNow, i: usize) -> String {
    let site = &p.sites()[i];
    let city = crate::base::geo::city(&site.city).map_or(site.city.as_str(), |c| c.name);
    let s = n.sites[i];
    let served = s.served_by.map_or("nobody".to_string(), |l| p.spec().fleet[usize::from(l)].id.clone());
    let how = match s.status {
        SiteStatus::Ok => "as fast as before".to_string(),
        SiteStatus::Slower => format!("{:.0} ms slower", s.added_ms),
        SiteStatus::Failed => "no answer".to_string(),
        SiteStatus::Wrong => "a wrong answer".to_string(),
    };
    let t = n.at;
    let legs = p.queries(i, t);
    let catch = p
        .catchments(i, t)
        .iter()
        .enumerate()
        .map(|(stripe, c)| match c {
            None => format!("stripe {stripe}: none"),
            Some((l, rtt)) => {
                let leg = legs.iter().find(|x| x.stripe == stripe);
                let mark = match leg {
                    Some(x) if x.winner => " (queried, first answer)",
                    Some(x) if !x.answers => " (queried, silent)",
                    Some(_) => " (queried)",
                    None => "",
                };
                format!("stripe {stripe}: {} {rtt:.0} ms{mark}", p.spec().fleet[usize::from(*l)].id)
            }
        })
        .collect::<Vec<_>>()
        .join(" · ");
    format!(
        "resolver {i} ({:?}) in {city}: answered by {served} in {} — {how}. Catchments: {catch}",
        site.kind,
        if s.latency_ms.is_finite() { format!("{:.0} ms", s.latency_ms) } else { "—".into() }
    )
}

/// The map, its controls and the readout of what is hovered or selected.
#[component]
pub fn WorldMap(
    selected: RwSignal<Option<Selected>>,
    mode: RwSignal<DotMode>,
    now: Memo<Option<Arc<DeployNow>>>,
) -> impl IntoView {
    let deploy = use_deployment();
    let canvas = NodeRef::<Canvas>::new();
    let view = RwSignal::new(View::fit(W, H));
    let coast = use_coast();
    // The playback, when there is one and it is valid.
    let pb = Memo::new_with_compare(move |_| deploy.playback().get().filter(|r| r.is_ok()).map(Played), |_, _| true);
    let geo = Memo::new_with_compare(move |_| pb.get().map(|p| Arc::new(Geometry::of(p.get()))), |_, _| true);
    // Animate a selected resolver's queries (unless the user prefers reduced motion).
    let phase = use_query_animation(selected);
    let hover = RwSignal::new(None::<String>);
    let c = Controls { canvas, view, selected, hover, drag: StoredValue::new(None), pb, geo, now };
    use_redraw(c, mode, phase, coast);
    view! {
        <div class="rw-map">
            <canvas
                node_ref=canvas
                width=W.to_string()
                height=H.to_string()
                class="rw-map__canvas"
                data-testid="map"
                data-coast=move || coast.with(Coast::state)
                tabindex="0"
                role="img"
                aria-label="World map: edge locations by stripe, resolvers as dots. Arrow keys pan, + and − zoom, 0 resets."
                on:mousedown=move |ev| c.mouse_down(&ev)
                on:mousemove=move |ev| c.mouse_move(&ev)
                on:mouseup=move |ev| c.mouse_up(&ev)
                on:mouseleave=move |_| c.mouse_leave()
                on:wheel=move |ev| c.wheel(&ev)
                on:keydown=move |ev| c.key(&ev)
            ></canvas>
            <CoastStatus coast=coast />
            <div class="rw-map__zoom" role="group" aria-label="Zoom">
                <button class="rw-button rw-button--small" data-testid="map-zoom-in" aria-label="Zoom in" on:click=move |_| c.zoom(1.5)>"+"</button>
                <button class="rw-button rw-button--small" data-testid="map-zoom-out" aria-label="Zoom out" on:click=move |_| c.zoom(1.0 / 1.5)>"−"</button>
                <button class="rw-button rw-button--small" data-testid="map-reset" on:click=move |_| c.reset()>"Whole globe"</button>
            </div>
            <p class="rw-map__readout rw-muted" data-testid="map-readout" aria-live="polite">
                {move || {
                    hover
                        .get()
                        .or_else(|| selected.get().map(|s| c.describe(s)))
                        .unwrap_or_else(|| "Hover or click a location or a resolver for details.".into())
                }}
            </p>
        </div>
    }
}

/// Whether the coastline is loading or could not be loaded (empty once it is drawn).
#[component]
fn CoastStatus(coast: RwSignal<Coast>) -> impl IntoView {
    view! {
        <p class="rw-map__coast" data-testid="map-coast" role="status">
            {move || match coast.get() {
                Coast::Loading => "Loading the coastline…".to_string(),
                Coast::Ready(_) => String::new(),
                Coast::Failed(why) => format!(
                    "The coastline could not be loaded ({why}). Everything else on the map works; reload the page to try again."
                ),
            }}
        </p>
    }
}
