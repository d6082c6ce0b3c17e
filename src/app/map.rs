//! The world map of the data plane on a canvas: Natural Earth coastlines in the
//! Equal Earth projection ([`crate::charts::map`]), edge locations as markers coloured *and*
//! shaped by stripe, resolvers as small dots coloured by how they fare (or by the
//! stripe of the location answering them fastest), a selected resolver's catchment
//! on each stripe with its RTT and its queries (one name server at a time, the next after
//! a silent one's timeout), at the
//! deployment player's playhead. Drag or arrow keys pan, the wheel or +/− zoom, click
//! or Enter selects; "reduced motion" turns the query animation into a still.
//!
//! The coastline is not in the WebAssembly: the first map shown fetches it from the
//! page's own origin ([`map::LAND_110M_URL`]) and keeps it for the page. Until it
//! arrives, or if it cannot, the map draws everything else and says so.

use std::cell::RefCell;
use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

use super::state::use_deployment;
use crate::charts::map::{self, View};
use crate::deploy::playback::{DeployNow, DeployPlayback, LocShow, SiteStatus};

/// Canvas size in CSS-independent pixels.
const W: f64 = 960.0;
const H: f64 = 480.0;
/// Animation time per millisecond of simulated round trip.
const SLOW_MOTION: f64 = 12.0;

/// Stripe colours (Okabe–Ito) and marker shapes, by stripe.
pub const STRIPE_RGB: [&str; 4] = ["#0072b2", "#e69f00", "#009e73", "#cc79a7"];
/// Marker shape names, by stripe (the legend says them in words too).
pub const STRIPE_SHAPE: [&str; 4] = ["circle", "square", "triangle", "diamond"];

/// What is selected on the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selected {
    /// An edge location.
    Location(usize),
    /// A resolver.
    Resolver(usize),
}

/// How resolver dots are coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DotMode {
    /// By how their resolutions fare now.
    Status,
    /// By the stripe of the location that answers them fastest now.
    Fastest,
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

fn shape(cx: &CanvasRenderingContext2d, stripe: usize, x: f64, y: f64, r: f64) {
    cx.begin_path();
    match stripe {
        0 => {
            let _ = cx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        }
        1 => cx.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8),
        2 => {
            cx.move_to(x, y - r * 1.15);
            cx.line_to(x + r * 1.1, y + r * 0.8);
            cx.line_to(x - r * 1.1, y + r * 0.8);
            cx.close_path();
        }
        _ => {
            cx.move_to(x, y - r * 1.25);
            cx.line_to(x + r * 1.1, y);
            cx.line_to(x, y + r * 1.25);
            cx.line_to(x - r * 1.1, y);
            cx.close_path();
        }
    }
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

/// The globe's outline, projected.
fn globe() -> Vec<(f64, f64)> {
    let mut globe: Vec<(f64, f64)> = (-90..=90).map(|lat| map::project(-180.0, f64::from(lat))).collect();
    globe.extend((-90..=90).rev().map(|lat| map::project(180.0, f64::from(lat))));
    globe
}

/// The locations and resolvers of a playback, projected once per playback.
struct Geometry {
    locations: Vec<(f64, f64)>,
    sites: Vec<(f64, f64)>,
}

fn geometry(pb: &DeployPlayback) -> Geometry {
    Geometry {
        locations: pb.spec().fleet.iter().map(|l| map::project_at(crate::spec::deploy::city_at(&l.city))).collect(),
        sites: (0..pb.sites().len()).map(|i| map::project_at(pb.site_at(i))).collect(),
    }
}

#[allow(clippy::too_many_arguments)]
fn draw(
    cx: &CanvasRenderingContext2d,
    globe: &[(f64, f64)],
    land: &[Vec<(f64, f64)>],
    g: &Geometry,
    v: &View,
    pb: &DeployPlayback,
    now: &DeployNow,
    selected: Option<Selected>,
    mode: DotMode,
    phase_ms: Option<f64>,
) {
    cx.set_fill_style_str("#ffffff");
    cx.fill_rect(0.0, 0.0, W, H);
    let path = |pts: &[(f64, f64)]| {
        cx.begin_path();
        for (k, p) in pts.iter().enumerate() {
            let (x, y) = v.to_screen(*p);
            if k == 0 {
                cx.move_to(x, y);
            } else {
                cx.line_to(x, y);
            }
        }
        cx.close_path();
    };
    path(globe);
    cx.set_fill_style_str("#e8f1f8");
    cx.fill();
    cx.set_fill_style_str("#d6dae0");
    cx.set_stroke_style_str("#aab2bc");
    cx.set_line_width(0.6);
    for ring in land {
        path(ring);
        cx.fill();
        cx.stroke();
    }
    // Resolvers.
    let t = now.at;
    for (i, p) in g.sites.iter().enumerate() {
        let (x, y) = v.to_screen(*p);
        if !(0.0..=W).contains(&x) || !(0.0..=H).contains(&y) {
            continue;
        }
        let s = now.sites[i];
        let colour = match mode {
            DotMode::Status => match s.status {
                SiteStatus::Ok => "#8a939c",
                SiteStatus::Slower => "#e69f00",
                SiteStatus::Failed => "#d55e00",
                SiteStatus::Wrong => "#cc79a7",
            },
            DotMode::Fastest => pb
                .fastest(i, t)
                .map_or("#000000", |l| STRIPE_RGB[usize::from(pb.spec().fleet[usize::from(l)].stripe) % 4]),
        };
        cx.set_fill_style_str(colour);
        if s.status == SiteStatus::Failed && mode == DotMode::Status {
            cx.fill_rect(x - 2.5, y - 0.6, 5.0, 1.2);
            cx.fill_rect(x - 0.6, y - 2.5, 1.2, 5.0);
        } else {
            cx.fill_rect(x - 1.2, y - 1.2, 2.4, 2.4);
        }
    }
    // A selected resolver: its catchment per stripe, RTTs, and its queries in flight.
    if let Some(Selected::Resolver(i)) = selected {
        let from = v.to_screen(g.sites[i]);
        let legs = pb.queries(i, t);
        let catch = pb.catchments(i, t);
        cx.set_font("12px sans-serif");
        for (stripe, c) in catch.iter().enumerate() {
            let Some((l, rtt)) = c else { continue };
            let to = v.to_screen(g.locations[usize::from(*l)]);
            let leg = legs.iter().find(|x| x.stripe == stripe);
            let winner = leg.is_some_and(|x| x.winner);
            cx.set_stroke_style_str(STRIPE_RGB[stripe]);
            cx.set_line_width(if winner { 3.5 } else { 1.5 });
            cx.set_global_alpha(if leg.is_some() { 1.0 } else { 0.45 });
            cx.begin_path();
            cx.move_to(from.0, from.1);
            cx.line_to(to.0, to.1);
            cx.stroke();
            cx.set_global_alpha(1.0);
            let label = format!(
                "s{stripe} {} {rtt:.0} ms{}{}",
                pb.spec().fleet[usize::from(*l)].id,
                if winner { " ✓ first answer" } else { "" },
                if leg.is_some_and(|x| !x.answers) { " ✗ silent" } else { "" }
            );
            cx.set_fill_style_str("#1b1f24");
            let _ = cx.fill_text(&label, to.0 + 8.0, to.1 - 6.0 - 12.0 * stripe as f64);
        }
        if let Some(now_ms) = phase_ms {
            // Loop the queries themselves, slowed enough to be seen even when the
            // answer comes from the same city in a few milliseconds.
            let race = legs.iter().map(|l| l.sent_ms + l.rtt_ms + l.extra_ms).fold(0.0, f64::max);
            let slow = SLOW_MOTION.max(1_200.0 / race.max(0.1));
            let now_ms = now_ms % (race * slow + 300.0);
            for leg in &legs {
                let Some((l, _)) = catch[leg.stripe] else { continue };
                let to = v.to_screen(g.locations[usize::from(l)]);
                let start = leg.sent_ms * slow;
                let out = leg.rtt_ms / 2.0 * slow;
                let back = (leg.rtt_ms / 2.0 + leg.extra_ms) * slow;
                let k = now_ms - start;
                let f = if k < 0.0 {
                    continue;
                } else if k < out {
                    k / out
                } else if leg.answers && k < out + back {
                    1.0 - (k - out) / back
                } else if leg.answers {
                    continue;
                } else {
                    1.0
                };
                let (x, y) = (from.0 + (to.0 - from.0) * f, from.1 + (to.1 - from.1) * f);
                cx.set_fill_style_str(STRIPE_RGB[leg.stripe]);
                cx.begin_path();
                let _ = cx.arc(x, y, 4.5, 0.0, std::f64::consts::TAU);
                cx.fill();
            }
        }
        cx.set_fill_style_str("#1b1f24");
        cx.fill_rect(from.0 - 4.0, from.1 - 4.0, 8.0, 8.0);
    }
    // Edge locations: colour and shape by stripe; state drawn over it.
    for (l, p) in g.locations.iter().enumerate() {
        let (x, y) = v.to_screen(*p);
        let stripe = usize::from(pb.spec().fleet[l].stripe) % 4;
        let st = now.locations[l];
        shape(cx, stripe, x, y, 6.0);
        match st {
            LocShow::Withdrawn => {
                cx.set_fill_style_str("#ffffff");
                cx.fill();
                cx.set_stroke_style_str(STRIPE_RGB[stripe]);
                cx.set_line_width(2.0);
                cx.stroke();
            }
            LocShow::BlackHole => {
                cx.set_fill_style_str("#000000");
                cx.fill();
            }
            _ => {
                cx.set_fill_style_str(STRIPE_RGB[stripe]);
                cx.fill();
                cx.set_stroke_style_str("#ffffff");
                cx.set_line_width(1.0);
                cx.stroke();
            }
        }
        let tag = match st {
            LocShow::Ok => "",
            LocShow::NewBuild => "new",
            LocShow::BlackHole => "black hole",
            LocShow::Withdrawn => "withdrawn",
            LocShow::Slow => "slow",
            LocShow::Wrong => "wrong",
        };
        if !tag.is_empty() || selected == Some(Selected::Location(l)) {
            cx.set_font("bold 11px sans-serif");
            cx.set_fill_style_str("#1b1f24");
            let text =
                if tag.is_empty() { pb.spec().fleet[l].id.clone() } else { format!("{} {tag}", pb.spec().fleet[l].id) };
            let _ = cx.fill_text(&text, x + 8.0, y + 4.0);
        }
        if selected == Some(Selected::Location(l)) {
            cx.begin_path();
            let _ = cx.arc(x, y, 11.0, 0.0, std::f64::consts::TAU);
            cx.set_stroke_style_str("#1b1f24");
            cx.set_line_width(2.0);
            cx.stroke();
        }
    }
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
    let hover = RwSignal::new(None::<String>);
    let phase = RwSignal::new(None::<f64>);
    let outline = StoredValue::new(globe());
    // The coastline: kept from an earlier map, else fetched now.
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
    // The playback, when there is one and it is valid.
    let pb = Memo::new_with_compare(move |_| deploy.playback().get().filter(|r| r.is_ok()).map(Played), |_, _| true);
    let geo = Memo::new_with_compare(move |_| pb.get().map(|p| Arc::new(geometry(p.get()))), |_, _| true);
    // Animate a selected resolver's queries (unless the user prefers reduced motion).
    let reduced = prefers_reduced_motion();
    let anim = StoredValue::new(0u64);
    Effect::new(move |_| {
        let on = matches!(selected.get(), Some(Selected::Resolver(_))) && !reduced;
        anim.update_value(|g| *g += 1);
        if !on {
            phase.set(None);
            return;
        }
        let mine = anim.get_value();
        let start = js_sys::Date::now();
        fn frame(mine: u64, start: f64, anim: StoredValue<u64>, phase: RwSignal<Option<f64>>) {
            if anim.try_get_value() != Some(mine) {
                return;
            }
            // Loop the race: out, back and a pause.
            let period = 8_000.0;
            phase.set(Some((js_sys::Date::now() - start) % period));
            request_animation_frame(move || frame(mine, start, anim, phase));
        }
        frame(mine, start, anim, phase);
    });
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
        outline.with_value(|globe| draw(&cx, globe, &land, &g, &v, p.get(), &n, sel, m, ph));
        record_frame(js_sys::Date::now() - t0);
    });
    let to_canvas = move |ev: &leptos::ev::MouseEvent| {
        let el = canvas.get()?;
        let k = W / f64::from(el.client_width()).max(1.0);
        Some((f64::from(ev.offset_x()) * k, f64::from(ev.offset_y()) * k))
    };
    let drag = StoredValue::new(None::<(f64, f64, bool)>);
    let pick = move |x: f64, y: f64| -> Option<Selected> {
        let g = geo.get_untracked()?;
        let v = view.get_untracked();
        v.nearest(&g.locations, x, y, 9.0)
            .map(Selected::Location)
            .or_else(|| v.nearest(&g.sites, x, y, 6.0).map(Selected::Resolver))
    };
    let describe = move |s: Selected| -> String {
        let (Some(p), Some(n)) = (pb.get_untracked(), now.get_untracked()) else { return String::new() };
        let p = p.get();
        match s {
            Selected::Location(l) => {
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
            Selected::Resolver(i) => {
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
        }
    };
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
                on:mousedown=move |ev| {
                    if let Some((x, y)) = to_canvas(&ev) {
                        drag.set_value(Some((x, y, false)));
                    }
                }
                on:mousemove=move |ev| {
                    let Some((x, y)) = to_canvas(&ev) else { return };
                    if ev.buttons() & 1 == 1 && let Some((x0, y0, _)) = drag.get_value() {
                        view.update(|v| v.pan(x - x0, y - y0));
                        drag.set_value(Some((x, y, true)));
                        return;
                    }
                    hover.set(pick(x, y).map(describe));
                }
                on:mouseup=move |ev| {
                    let moved = drag.get_value().is_some_and(|d| d.2);
                    drag.set_value(None);
                    if !moved && let Some((x, y)) = to_canvas(&ev) {
                        selected.set(pick(x, y));
                    }
                }
                on:mouseleave=move |_| {
                    drag.set_value(None);
                    hover.set(None);
                }
                on:wheel=move |ev: leptos::ev::WheelEvent| {
                    ev.prevent_default();
                    let Some(el) = canvas.get() else { return };
                    let k = W / f64::from(el.client_width()).max(1.0);
                    let f = libm::exp(-ev.delta_y() * 0.0015);
                    view.update(|v| v.zoom_at(f64::from(ev.offset_x()) * k, f64::from(ev.offset_y()) * k, f));
                }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    let handled = match ev.key().as_str() {
                        "ArrowLeft" => { view.update(|v| v.pan(40.0, 0.0)); true }
                        "ArrowRight" => { view.update(|v| v.pan(-40.0, 0.0)); true }
                        "ArrowUp" => { view.update(|v| v.pan(0.0, 40.0)); true }
                        "ArrowDown" => { view.update(|v| v.pan(0.0, -40.0)); true }
                        "+" | "=" => { view.update(|v| v.zoom_at(W / 2.0, H / 2.0, 1.5)); true }
                        "-" | "_" => { view.update(|v| v.zoom_at(W / 2.0, H / 2.0, 1.0 / 1.5)); true }
                        "0" => { view.set(View::fit(W, H)); true }
                        "Escape" => { selected.set(None); true }
                        _ => false,
                    };
                    if handled {
                        ev.prevent_default();
                    }
                }
            ></canvas>
            <p class="rw-map__coast" data-testid="map-coast" role="status">
                {move || match coast.get() {
                    Coast::Loading => "Loading the coastline…".to_string(),
                    Coast::Ready(_) => String::new(),
                    Coast::Failed(why) => format!(
                        "The coastline could not be loaded ({why}). Everything else on the map works; reload the page to try again."
                    ),
                }}
            </p>
            <div class="rw-map__zoom" role="group" aria-label="Zoom">
                <button class="rw-button rw-button--small" data-testid="map-zoom-in" aria-label="Zoom in" on:click=move |_| view.update(|v| v.zoom_at(W / 2.0, H / 2.0, 1.5))>"+"</button>
                <button class="rw-button rw-button--small" data-testid="map-zoom-out" aria-label="Zoom out" on:click=move |_| view.update(|v| v.zoom_at(W / 2.0, H / 2.0, 1.0 / 1.5))>"−"</button>
                <button class="rw-button rw-button--small" data-testid="map-reset" on:click=move |_| view.set(View::fit(W, H))>"Whole globe"</button>
            </div>
            <p class="rw-map__readout rw-muted" data-testid="map-readout" aria-live="polite">
                {move || {
                    hover
                        .get()
                        .or_else(|| selected.get().map(describe))
                        .unwrap_or_else(|| "Hover or click a location or a resolver for details.".into())
                }}
            </p>
        </div>
    }
}
