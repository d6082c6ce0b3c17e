//! The sweep panel: vary one or two knobs of the design (record TTL, health check
//! interval, failure threshold, load-balancer kind) over a few values, run seeded
//! trials per combination in the page's workers ([`crate::app::workers`]), and read
//! the p50 / p95 of one metric as a table (one knob) or a heatmap of the p95 (two
//! knobs), headed by which knob moves the p95 most; both fill in a few times a second
//! while the trials arrive. The numbers are
//! [`crate::design::sweep`]'s: the same as `routewave sweep` on the command line.

use leptos::prelude::*;

use crate::app::state::use_design;
use crate::app::workers::{self, PanelRun, Throttle, use_panel_run};
use crate::design::jobs::{self, CellSlots, Request, Work};
use crate::design::sweep::{Cell, Knob, Metric, influence};
use crate::spec::scenario::Scenario;

/// Trials per request to a worker.
const PER_REQUEST: u64 = 5;

/// While answers arrive, the progress and the table move at most this often, ms
/// ([`Throttle`]).
const REDRAW_MS: f64 = 250.0;

/// The values typed in a field: comma-separated, blanks dropped.
fn values(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|v| !v.is_empty()).map(String::from).collect()
}

/// A knob's name in a sentence: its label without the unit.
fn noun(k: Knob) -> &'static str {
    k.label().split(" (").next().unwrap_or(k.label())
}

/// Seconds as the panel writes them.
fn secs(v: Option<f64>) -> String {
    v.map_or_else(|| "never".to_string(), |v| format!("{v:.1} s"))
}

/// What a finished (or partly finished) sweep shows.
#[derive(Clone, Debug, Default, PartialEq)]
struct Shown {
    knobs: Vec<Knob>,
    /// What the numbers are: the metric and the trials behind each.
    what: String,
    axes: Vec<Vec<String>>,
    slots: Option<CellSlots>,
}

impl Shown {
    fn cells(&self) -> Vec<Option<Cell>> {
        let n = self.axes.iter().map(Vec::len).product::<usize>();
        let mut out = vec![None; if self.axes.is_empty() { 0 } else { n }];
        if let Some(slots) = &self.slots {
            for (i, c) in slots.complete() {
                if let Some(o) = out.get_mut(i) {
                    *o = Some(c);
                }
            }
        }
        out
    }
}

/// A knob picker with its values field.
#[component]
fn KnobField(
    label: &'static str,
    testid: &'static str,
    knob: RwSignal<String>,
    values: RwSignal<String>,
    optional: bool,
) -> impl IntoView {
    view! {
        <div class="rw-sweep__knob">
            <label class="rw-field">
                {label}
                <select
                    data-testid=format!("{testid}-knob")
                    prop:value=move || knob.get()
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        values.set(Knob::parse(&name).map(|k| k.default_values().join(", ")).unwrap_or_default());
                        knob.set(name);
                    }
                >
                    {optional.then(|| view! { <option value="">"none"</option> })}
                    {Knob::ALL
                        .iter()
                        .map(|k| view! { <option value=k.name()>{k.label()}</option> })
                        .collect::<Vec<_>>()}
                </select>
            </label>
            <label class="rw-field">
                "values"
                <input
                    type="text"
                    data-testid=format!("{testid}-values")
                    prop:disabled=move || knob.with(String::is_empty)
                    prop:value=move || values.get()
                    on:change=move |ev| values.set(event_target_value(&ev))
                />
            </label>
        </div>
    }
}

/// The axes the two knob fields ask for, each knob with its values, or why they
/// cannot run.
fn read_axes(fields: [(RwSignal<String>, RwSignal<String>); 2]) -> Result<Vec<(Knob, Vec<String>)>, String> {
    let mut axes: Vec<(Knob, Vec<String>)> = Vec::new();
    for (k, v) in fields {
        if let Some(k) = Knob::parse(&k.get_untracked()) {
            axes.push((k, values(&v.get_untracked())));
        }
    }
    if axes.len() == 2 && axes[0].0 == axes[1].0 {
        return Err("Pick two different knobs (or none for the second).".into());
    }
    if let Some((k, _)) = axes.iter().find(|(_, v)| v.is_empty()) {
        return Err(format!("Give {} at least one value.", k.label()));
    }
    Ok(axes)
}

/// Every combination of the axes' values, the first knob's outermost.
fn combinations(axes: &[(Knob, Vec<String>)]) -> Vec<Vec<String>> {
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    for (_, vs) in axes {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                vs.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push(v.clone());
                    c
                })
            })
            .collect();
    }
    combos
}

/// The worker requests for `n` trials of `metric` in each combination of `knobs`'
/// values, [`PER_REQUEST`] trials at a time; the task is the combination's index.
fn requests(s: &Scenario, knobs: &[Knob], combos: &[Vec<String>], metric: &Metric, n: u64) -> Vec<Request> {
    let mut requests = Vec::new();
    for (task, values) in combos.iter().enumerate() {
        let work = Work::Cell { knobs: knobs.to_vec(), values: values.clone(), metric: metric.clone() };
        for r in jobs::split(n, PER_REQUEST) {
            requests.push(Request {
                run: 0,
                task: task as u32,
                scenario: s.clone(),
                work: work.clone(),
                from: r.start,
                to: r.end,
            });
        }
    }
    requests
}

/// The sweep panel.
#[component]
pub fn SweepPanel() -> impl IntoView {
    let design = use_design();
    let knob1 = RwSignal::new(Knob::Ttl.name().to_string());
    let values1 = RwSignal::new(Knob::Ttl.default_values().join(", "));
    let knob2 = RwSignal::new(String::new());
    let values2 = RwSignal::new(String::new());
    let metric = RwSignal::new("switch".to_string());
    let trials = RwSignal::new(20u64);
    let shown = RwSignal::new(Shown::default());
    let run = use_panel_run(design, move || shown.set(Shown::default()));
    let PanelRun { running, place, error, .. } = run;
    // Answers go into `shown` at once; the progress and the table show them at most
    // every REDRAW_MS while the sweep runs, and all of them when it ends.
    let redraw = Throttle::new(REDRAW_MS);
    Effect::new(move |_| {
        if !running.get() && redraw.flush() {
            shown.notify();
        }
    });
    let start = move |_| {
        error.set(None);
        let axes = match read_axes([(knob1, values1), (knob2, values2)]) {
            Ok(axes) => axes,
            Err(e) => return error.set(Some(e)),
        };
        let metric = if metric.get_untracked() == "window" { Metric::ErrorWindow } else { Metric::Switch(None) };
        let n = trials.get_untracked();
        let knobs: Vec<Knob> = axes.iter().map(|(k, _)| *k).collect();
        let combos = combinations(&axes);
        let requests = design.with_untracked(|s| requests(s, &knobs, &combos, &metric, n));
        let measured = if metric == Metric::ErrorWindow {
            "of the clients' p95 error window"
        } else {
            "of the first probe's switch time"
        };
        shown.set(Shown {
            what: format!("{measured}, over {n} trials per combination"),
            knobs,
            axes: axes.into_iter().map(|(_, v)| v).collect(),
            slots: Some(CellSlots::new(combos, n)),
        });
        run.start(requests, move |resp| {
            shown.update_untracked(|s| {
                if let Some(slots) = &mut s.slots {
                    slots.take(&resp);
                }
            });
            if redraw.due(shown.with_untracked(|s| s.slots.as_ref().is_some_and(|c| c.done() == c.total()))) {
                shown.notify();
            }
        });
    };
    let progress = move || shown.with(|s| s.slots.as_ref().map_or((0, 0), |c| (c.done(), c.total())));
    view! {
        <div class="rw-sweep" on:pointerenter=move |_| workers::prepare() on:focusin=move |_| workers::prepare()>
            <p class="rw-muted">
                "Vary one or two settings of this design and see how much each moves the result: every combination runs "
                "the same seeded trials, so differences come from the setting, not from luck."
            </p>
            <div class="rw-sweep__form">
                <KnobField label="Knob" testid="sweep-1" knob=knob1 values=values1 optional=false />
                <KnobField label="Second knob" testid="sweep-2" knob=knob2 values=values2 optional=true />
                <MeasureFields metric=metric trials=trials />
            </div>
            <div class="rw-sweep__run">
                <button class="rw-button rw-button--primary" data-testid="sweep-run" on:click=start prop:disabled=move || running.get()>
                    "Run sweep"
                </button>
                <button class="rw-button" data-testid="sweep-cancel" on:click=move |_| run.stop() prop:disabled=move || !running.get()>
                    "Cancel"
                </button>
                <progress
                    data-testid="sweep-progress"
                    prop:max=move || progress().1.max(1) as f64
                    prop:value=move || progress().0 as f64
                    aria-label="Sweep trials done"
                ></progress>
                <span data-testid="sweep-done">{move || { let (d, t) = progress(); format!("{d} / {t} trials") }}</span>
            </div>
            <p class="rw-trials__where" data-testid="sweep-where" role="status">
                {move || place.get().map(|p| p.describe(running.get()))}
            </p>
            {move || error.get().map(|e| view! { <p class="rw-warn" data-testid="sweep-error">{e}</p> })}
            {move || shown.with(results)}
        </div>
    }
}

/// What a sweep measures and how many trials each combination runs.
#[component]
fn MeasureFields(metric: RwSignal<String>, trials: RwSignal<u64>) -> impl IntoView {
    view! {
        <label class="rw-field">
            "Measure"
            <select data-testid="sweep-metric" prop:value=move || metric.get() on:change=move |ev| metric.set(event_target_value(&ev))>
                <option value="switch">"switch time of the first probe"</option>
                <option value="window">"clients' p95 error window"</option>
            </select>
        </label>
        <label class="rw-field">
            "Trials per combination"
            <input
                type="number"
                min="1"
                max="500"
                data-testid="sweep-trials"
                prop:value=move || trials.get().to_string()
                on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse::<u64>() {
                        trials.set(n.clamp(1, 500));
                    }
                }
            />
        </label>
    }
}

/// The headline and the table or heatmap of a sweep.
fn results(s: &Shown) -> Option<AnyView> {
    if s.axes.is_empty() {
        return None;
    }
    let cells = s.cells();
    let done: Vec<Cell> = cells.iter().flatten().cloned().collect();
    let max = done.iter().filter_map(|c| c.p95_s).fold(0.0f64, f64::max);
    let headline = (done.len() == cells.len()).then(|| headline(&s.knobs, &done));
    let table = if s.axes.len() == 1 {
        line_table(s.knobs[0], &s.axes[0], &cells, max, &s.what).into_any()
    } else {
        heatmap(&s.knobs, &s.axes, &cells, max, &s.what).into_any()
    };
    Some(
        view! {
            {headline.map(|h| view! { <p class="rw-sweep__headline" data-testid="sweep-headline">{h}</p> })}
            {table}
        }
        .into_any(),
    )
}

/// Which knob matters most, in a sentence or two.
fn headline(knobs: &[Knob], cells: &[Cell]) -> String {
    let inf = influence(knobs, cells);
    let Some(top) = inf.first() else { return "No combination measured anything (nothing switched).".into() };
    let range = format!(
        "p95 from {} (at {}) to {} (at {})",
        secs(Some(top.best.1)),
        top.best.0,
        secs(Some(top.worst.1)),
        top.worst.0
    );
    match inf.get(1) {
        None => format!("{}: {range}, a spread of {:.1} s.", capitalized(noun(top.knob)), top.spread_s()),
        Some(next) => format!(
            "Matters most: {}, a spread of {:.1} s ({range}, averaged over the other knob). {} spreads it {:.1} s.",
            noun(top.knob),
            top.spread_s(),
            capitalized(noun(next.knob)),
            next.spread_s()
        ),
    }
}

/// `text` with its first letter in capitals.
fn capitalized(text: &str) -> String {
    let mut c = text.chars();
    c.next().map(|f| std::iter::once(f.to_ascii_uppercase()).chain(c).collect()).unwrap_or_default()
}

/// Width (or shade) of a bar for `v` out of `max`, in percent.
fn share(v: Option<f64>, max: f64) -> u32 {
    match v {
        Some(v) if max > 0.0 => ((v / max) * 100.0).round().clamp(0.0, 100.0) as u32,
        _ => 0,
    }
}

/// One knob: a row per value with its p50, p95 and a bar of the p95.
fn line_table(knob: Knob, values: &[String], cells: &[Option<Cell>], max: f64, what: &str) -> impl IntoView {
    view! {
        <div class="rw-sweep__scroll">
        <table class="rw-sweep__table" data-testid="sweep-table">
            <caption>{format!("p50 and p95 {what}")}</caption>
            <thead>
                <tr>
                    <th scope="col">{knob.label()}</th>
                    <th scope="col">"p50"</th>
                    <th scope="col">"p95"</th>
                    <th scope="col" class="rw-sweep__barcol">"p95, scaled"</th>
                </tr>
            </thead>
            <tbody>
                {values
                    .iter()
                    .zip(cells)
                    .map(|(v, c)| {
                        let (p50, p95) = c.as_ref().map_or((None, None), |c| (c.p50_s, c.p95_s));
                        let pending = c.is_none();
                        let width = format!("{}%", share(p95, max));
                        view! {
                            <tr>
                                <th scope="row">{v.clone()}</th>
                                <td data-testid="sweep-cell">{if pending { "…".to_string() } else { secs(p50) }}</td>
                                <td data-testid="sweep-cell">{if pending { "…".to_string() } else { secs(p95) }}</td>
                                <td class="rw-sweep__barcol"><span class="rw-sweep__bar" style:width=width></span></td>
                            </tr>
                        }
                    })
                    .collect::<Vec<_>>()}
            </tbody>
        </table>
        </div>
    }
}

/// Two knobs: the first down, the second across, the p95 written in each cell and
/// shaded by it.
fn heatmap(knobs: &[Knob], axes: &[Vec<String>], cells: &[Option<Cell>], max: f64, what: &str) -> impl IntoView {
    let across = axes[1].len();
    view! {
        <div class="rw-sweep__scroll">
            <table class="rw-sweep__table rw-sweep__heatmap" data-testid="sweep-heatmap">
                <caption>{format!("p95 {what}: darker is slower")}</caption>
                <thead>
                    <tr>
                        <td class="rw-sweep__corner"></td>
                        <th scope="colgroup" colspan=across.to_string()>{format!("{} →", knobs[1].label())}</th>
                    </tr>
                    <tr>
                        <th scope="col">{format!("{} ↓", knobs[0].label())}</th>
                        {axes[1].iter().map(|v| view! { <th scope="col">{v.clone()}</th> }).collect::<Vec<_>>()}
                    </tr>
                </thead>
                <tbody>
                    {axes[0]
                        .iter()
                        .enumerate()
                        .map(|(r, v)| {
                            view! {
                                <tr>
                                    <th scope="row">{v.clone()}</th>
                                    {(0..across)
                                        .map(|c| {
                                            let cell = cells.get(r * across + c).cloned().flatten();
                                            let p95 = cell.as_ref().and_then(|c| c.p95_s);
                                            let shade = format!("color-mix(in srgb, var(--rw-bad) {}%, var(--rw-surface))", share(p95, max) * 6 / 10);
                                            let text = if cell.is_some() { secs(p95) } else { "…".to_string() };
                                            view! { <td data-testid="sweep-cell" style:background-color=shade>{text}</td> }
                                        })
                                        .collect::<Vec<_>>()}
                                </tr>
                            }
                        })
                        .collect::<Vec<_>>()}
                </tbody>
            </table>
        </div>
    }
}
