//! The wave board: a plan's waves as columns of chips ([`crate::deploy::board`]);
//! drag a chip to another column, or focus it and press ← / → (→ past the last wave
//! opens a new one; ← from the first takes it out). Locations are marked by stripe
//! (the map's colours and shapes), fleets by whether they face customers.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::map::STRIPE_RGB;
use crate::deploy::board::{self, Column, Mark, Toward};

/// Stripe glyphs, by stripe (the same shapes as the map's markers).
const GLYPH: [&str; 4] = ["●", "■", "▲", "◆"];

/// A chip's border colour and glyph.
fn style(mark: Mark) -> (&'static str, &'static str) {
    match mark {
        Mark::Stripe(s) => (STRIPE_RGB[s % 4], GLYPH[s % 4]),
        Mark::Fleet { customer_facing: true } => ("#d55e00", "◆"),
        Mark::Fleet { customer_facing: false } => ("#0072b2", "●"),
    }
}

/// The board of `cols`; `on_move` gets (chip id, wave to move it to — `None`: out
/// of the plan), `on_bake` gets (wave, bake time s).
#[component]
pub fn WaveBoard(
    #[prop(into)] cols: Signal<Vec<Column>>,
    on_move: Callback<(String, Option<usize>)>,
    on_bake: Callback<(usize, u64)>,
) -> impl IntoView {
    let dragging = RwSignal::new(None::<String>);
    view! {
        <p class="rw-muted">"Drag to another wave, or focus and press ← or → (→ past the last wave opens a new one)."</p>
        <div class="rw-waves__cols">
            {move || {
                let cols = cols.get();
                let n = cols.iter().filter(|c| c.wave.is_some()).count();
                cols.into_iter().map(|col| {
                    let wave = col.wave;
                    let title = wave.map_or("Not in a wave".to_string(), |w| format!("Wave {}", w + 1));
                    let testid = wave.map_or("wave-none".to_string(), |w| format!("wave-{}", w + 1));
                    let mixed = col.warn.is_some();
                    view! {
                        <div
                            class="rw-waves__col"
                            class:rw-waves__col--mixed=mixed
                            data-testid=testid
                            on:dragover=move |e: leptos::ev::DragEvent| e.prevent_default()
                            on:drop=move |e: leptos::ev::DragEvent| {
                                e.prevent_default();
                                if let Some(id) = dragging.get_untracked() {
                                    dragging.set(None);
                                    on_move.run((id, wave));
                                }
                            }
                        >
                            <h4>{title}{col.warn.map(|w| format!(" ⚠ {w}"))}</h4>
                            {col.status.map(|st| view! { <p class="rw-waves__status" data-testid="wave-status">{st.label()}</p> })}
                            {wave.map(|w| view! {
                                <label class="rw-field rw-waves__bake">"bake "
                                    <input type="number" min="0" aria-label=format!("Bake time of wave {}, hours", w + 1) prop:value=format!("{}", col.bake_s as f64 / 3600.0)
                                        on:change=move |ev| {
                                            if let Ok(h) = event_target_value(&ev).parse::<f64>() {
                                                on_bake.run((w, (h.max(0.0) * 3600.0) as u64));
                                            }
                                        } />
                                    " h"
                                </label>
                            })}
                            <ul class="rw-waves__chips">
                                {col.chips.into_iter().map(|c| {
                                    let (drag_id, key_id) = (c.id.clone(), c.id.clone());
                                    let (colour, glyph) = style(c.mark);
                                    view! {
                                        <li
                                            class="rw-chip"
                                            tabindex="0"
                                            draggable="true"
                                            data-testid=format!("chip-{}", c.id)
                                            aria-label=c.aria
                                            style:border-color=colour
                                            on:dragstart=move |e: leptos::ev::DragEvent| {
                                                if let Some(dt) = e.data_transfer() {
                                                    let _ = dt.set_data("text/plain", &drag_id);
                                                }
                                                dragging.set(Some(drag_id.clone()));
                                            }
                                            on:keydown=move |e: leptos::ev::KeyboardEvent| {
                                                let toward = match e.key().as_str() {
                                                    "ArrowLeft" => Toward::Earlier,
                                                    "ArrowRight" => Toward::Later,
                                                    _ => return,
                                                };
                                                let Some(to) = board::step(wave, toward, n) else { return };
                                                e.prevent_default();
                                                on_move.run((key_id.clone(), to));
                                                let id = key_id.clone();
                                                request_animation_frame(move || focus_chip(&id));
                                            }
                                        >
                                            <span style:color=colour aria-hidden="true">{glyph}</span>
                                            {format!(" {}", c.label)}
                                        </li>
                                    }
                                }).collect::<Vec<_>>()}
                            </ul>
                        </div>
                    }
                }).collect::<Vec<_>>()
            }}
        </div>
    }
}

/// Gives the keyboard focus back to the chip `id` after the board redraws.
fn focus_chip(id: &str) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&format!("[data-testid=\"chip-{id}\"]")).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}
