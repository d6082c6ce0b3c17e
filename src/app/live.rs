//! What the run shows at the playhead, read from the run's one live view: the
//! narration, the traffic shares per region, the resolvers' caches and the probe
//! log.

use leptos::prelude::*;

use crate::app::state::use_run;

/// The running narration: what just happened, as one sentence in an aria-live
/// region, above the moments before it.
#[component]
pub fn Narration() -> impl IntoView {
    let live = use_run().live();
    let moments = move || live.get().map(|l| l.narration).unwrap_or_default();
    view! {
        <div class="rw-narration" data-testid="narration">
            <p class="rw-narration__now" aria-live="polite" aria-atomic="true" data-testid="narration-now">
                {move || match moments().last() {
                    Some((t, text)) => format!("{t} — {text}"),
                    None => "Nothing has happened yet: press Play or drag the playhead.".to_string(),
                }}
            </p>
            <ol class="rw-narration__before" data-testid="narration-before" aria-label="Earlier moments">
                {move || {
                    let m = moments();
                    let n = m.len().saturating_sub(1);
                    m.into_iter()
                        .take(n)
                        .map(|(t, text)| view! { <li><time>{t.to_string()}</time>" "{text}</li> })
                        .collect::<Vec<_>>()
                }}
            </ol>
        </div>
    }
}

/// Share of requests served per region over the last 10 s, as labelled bars.
#[component]
pub fn Traffic() -> impl IntoView {
    let live = use_run().live();
    view! {
        <div class="rw-traffic" data-testid="traffic">
            {move || {
                live.get()
                    .map(|l| {
                        let down = l.region_down.clone();
                        l.traffic_share
                            .into_iter()
                            .map(|(region, share)| {
                                let is_down = down.iter().any(|(r, d)| *r == region && *d);
                                let w = format!("{:.0}%", share * 100.0);
                                view! {
                                    <div class="rw-bar">
                                        <span class="rw-bar__label">
                                            {region.clone()}
                                            {is_down.then_some(" (web servers down)")}
                                        </span>
                                        <span class="rw-bar__track">
                                            <span class="rw-bar__fill" style:width=w.clone()></span>
                                        </span>
                                        <span class="rw-bar__value">{w}</span>
                                    </div>
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            }}
        </div>
    }
}

/// Named resolvers' cached answers and their remaining TTL.
#[component]
pub fn Caches() -> impl IntoView {
    let live = use_run().live();
    view! {
        <h3>"Resolver caches"</h3>
        <table class="rw-table" data-testid="caches">
            <thead>
                <tr><th>"resolver"</th><th>"cached answer"</th><th>"TTL left"</th></tr>
            </thead>
            <tbody>
                {move || {
                    live.get()
                        .map(|l| {
                            l.caches
                                .into_iter()
                                .map(|(r, a, s)| view! { <tr><td>{r}</td><td>{a}</td><td>{format!("{s} s")}</td></tr> })
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default()
                }}
            </tbody>
        </table>
    }
}

/// A probe log line around its "→ region": a narrow screen wraps the line before the
/// arrow or after the region, never inside a region's hyphenated name.
fn split_destination(text: &str) -> (&str, &str, &str) {
    let Some(i) = text.find("→ ") else { return (text, "", "") };
    let start = i + "→ ".len();
    let end = text[start..].find(' ').map_or(text.len(), |j| start + j);
    (&text[..i], &text[i..end], &text[end..])
}

/// The probe's requests up to the playhead, one line each, like a terminal.
#[component]
pub fn ProbeLog() -> impl IntoView {
    let live = use_run().live();
    view! {
        <ol class="rw-log" data-testid="probe-log" aria-label="Probe requests up to the playhead">
            {move || {
                live.get()
                    .map(|l| {
                        l.probe_lines
                            .into_iter()
                            .map(|(_, text, ok)| {
                                let (before, to, after) = split_destination(&text);
                                let (before, to, after) = (before.to_string(), to.to_string(), after.to_string());
                                view! {
                                    <li class:rw-log--bad=!ok>
                                        <span class="rw-log__mark">{if ok { "✓ " } else { "✗ " }}</span>
                                        {before}
                                        <span class="rw-log__to">{to}</span>
                                        {after}
                                    </li>
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            }}
        </ol>
    }
}
