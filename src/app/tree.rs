//! The routing tree as a left-to-right graph — rules (groups by policy) branching
//! to records and endpoint leaves, joined by connectors, coloured by health as the
//! DNS servers see it with a text badge — and the builder that grows it: add a
//! nested rule or an endpoint under the chosen rule, drag a record onto another rule
//! (or a record) to move it, or use the keyboard (Enter picks, Alt+↑/↓ reorders,
//! Delete removes; the inspector's "Move to" does what a drag does). The operations
//! themselves are [`crate::design::builder`]'s.

use leptos::prelude::*;

use crate::app::inspector::Inspector;
use crate::app::state::{Design, Notice, use_design, use_import_notes, use_notice, use_query, use_run, use_training};
use crate::design::builder::{self, Child, Policy, RowKind, TreeRow};
use crate::route53::lint::Pitfall;

/// Indent per level of the graph, in px; a connector runs down column `d` at
/// `d * INDENT_PX + COLUMN_PX`, just right of depth `d`'s left edge.
const INDENT_PX: usize = 28;
const COLUMN_PX: usize = 10;

/// The tree panel: the last import's notes, pitfalls, the builder, the graph and the
/// inspector.
#[component]
pub fn Tree() -> impl IntoView {
    let design = use_design();
    // Shared with the guide: a step can select a record, and records the selection.
    let selected = use_training().selected;
    let target = RwSignal::new(design.with_untracked(|s| s.service.clone()));
    let rows = Memo::new(move |_| design.with(|s| builder::tree(&s.zone, &s.service)));
    let checked = Memo::new(move |_| design.with(|s| builder::pitfalls(&s.zone)));
    view! {
        <ImportNotesPanel />
        <ul class="rw-pitfalls" data-testid="pitfalls" aria-label="Design warnings">
            {move || {
                checked
                    .get()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| view! { <li><span aria-hidden="true">"⚠ "</span>{p.message}</li> })
                    .collect::<Vec<_>>()
            }}
        </ul>
        <Builder target=target />
        <Graph rows=rows selected=selected target=target checked=checked />
        {move || {
            checked
                .get()
                .err()
                .map(|problems| {
                    view! {
                        <div class="rw-incomplete" data-testid="tree-problems" role="status">
                            <p><strong>"Not runnable yet:"</strong></p>
                            <ul class="rw-problems">
                                {problems.into_iter().map(|p| view! { <li>{p}</li> }).collect::<Vec<_>>()}
                            </ul>
                        </div>
                    }
                })
        }}
        <Inspector selected=selected />
    }
}

/// What the last import read, and what it modelled, skipped or assumed, until
/// dismissed (the notes stay when the import is undone: they describe the input).
#[component]
fn ImportNotesPanel() -> impl IntoView {
    let notes = use_import_notes();
    move || {
        notes.get().map(|report| {
            let list = if report.notes.is_empty() {
                view! { <p>"Nothing was skipped or assumed."</p> }.into_any()
            } else {
                view! {
                    <ul class="rw-import-notes__list" data-testid="import-notes-list">
                        {report.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect::<Vec<_>>()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <section class="rw-import-notes" data-testid="import-notes" aria-label="Import notes">
                    <p>
                        <strong data-testid="import-summary">{report.summary}</strong>
                        " "
                        <button class="rw-button" data-testid="import-notes-dismiss" on:click=move |_| notes.dismiss()>
                            "Dismiss"
                        </button>
                    </p>
                    {list}
                </section>
            }
        })
    }
}

/// What the builder's "add" menu offers.
const CHILDREN: [(&str, &str); 9] = [
    ("rule:latency", "a latency rule"),
    ("rule:failover", "a failover rule"),
    ("rule:weighted", "a weighted rule"),
    ("rule:geolocation", "a geolocation rule"),
    ("alb", "an ALB"),
    ("nlb", "an NLB"),
    ("host", "a host (A record)"),
    ("rule:multivalue", "a multivalue rule"),
    ("rule:simple", "a simple rule"),
];

/// Add a rule or an endpoint under the chosen rule.
#[component]
fn Builder(target: RwSignal<String>) -> impl IntoView {
    let design = use_design();
    let groups = Memo::new(move |_| design.with(|s| builder::groups(&s.zone, &s.service)));
    let current = move || {
        let t = target.get();
        groups.get().into_iter().find(|g| g.name == t).or_else(|| groups.get().into_iter().next())
    };
    let policy = RwSignal::new(Policy::Latency);
    let child = RwSignal::new(String::from("alb"));
    let region = RwSignal::new(String::from("us-east-1"));
    let message = RwSignal::new(None::<Result<String, String>>);
    let is_endpoint = move || Child::from_menu(&child.get(), "").is_some_and(|c| c.is_endpoint());
    Effect::new(move |_| {
        if let Some(p) = current().and_then(|g| g.policy) {
            policy.set(p);
        }
    });
    let add = move |_| {
        let Some(g) = current() else { return };
        let pol = policy.get_untracked();
        let Some(c) = Child::from_menu(&child.get_untracked(), &region.get_untracked()) else { return };
        let added = design.try_edit(|s| builder::add(s, &g.name, pol, &c)).map(|i| {
            let what = CHILDREN.iter().find(|c| c.0 == child.get_untracked()).map_or("a record", |c| c.1);
            format!("Added {what} under {} (record {}).", g.name, i + 1)
        });
        message.set(Some(added));
    };
    view! {
        <form
            class="rw-builder"
            data-testid="builder"
            aria-label="Add to the routing tree"
            on:submit=move |ev| {
                ev.prevent_default();
                add(());
            }
        >
            <label class="rw-field">
                "Under "
                <select
                    data-testid="build-group"
                    prop:value=move || current().map(|g| g.name).unwrap_or_default()
                    on:change=move |ev| target.set(event_target_value(&ev))
                >
                    {move || group_options(groups.get())}
                </select>
            </label>
            <Show when=move || current().is_some_and(|g| g.records == 0)>
                <label class="rw-field">
                    "which routes by "
                    <select
                        data-testid="build-policy"
                        prop:value=move || policy.get().name()
                        on:change=move |ev| {
                            if let Some(p) = Policy::parse(&event_target_value(&ev)) {
                                policy.set(p);
                            }
                        }
                    >
                        {Policy::ALL.iter().map(|p| view! { <option value=p.name()>{p.name()}</option> }).collect::<Vec<_>>()}
                    </select>
                </label>
            </Show>
            <label class="rw-field">
                "add "
                <select data-testid="build-child" prop:value=move || child.get() on:change=move |ev| child.set(event_target_value(&ev))>
                    {CHILDREN.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect::<Vec<_>>()}
                </select>
            </label>
            <Show when=is_endpoint>
                <label class="rw-field">
                    "in "
                    <select data-testid="build-region" prop:value=move || region.get() on:change=move |ev| region.set(event_target_value(&ev))>
                        {crate::base::geo::AWS_REGIONS.iter().map(|(r, _)| view! { <option value=*r>{*r}</option> }).collect::<Vec<_>>()}
                    </select>
                </label>
            </Show>
            <button type="submit" class="rw-button rw-button--primary" data-testid="build-add">"Add"</button>
            <p class="rw-builder__message" role="status" data-testid="build-message">
                {move || match message.get() {
                    Some(Ok(m)) => view! { <span class="rw-ok">{m}</span> }.into_any(),
                    Some(Err(e)) => view! { <span class="rw-warn">{format!("Cannot add: {e}.")}</span> }.into_any(),
                    None => view! { <span class="rw-muted">"Pick a rule in the tree (click or Enter) to add under it; drag records between rules to move them."</span> }.into_any(),
                }}
            </p>
        </form>
    }
}

/// The builder's "Under" choices: each rule with its policy and how many records it has.
fn group_options(groups: Vec<builder::GroupInfo>) -> impl IntoView {
    groups
        .into_iter()
        .map(|g| {
            let label = format!(
                "{} ({}, {} record{})",
                g.name,
                g.policy.map_or("?", |p| p.name()),
                g.records,
                if g.records == 1 { "" } else { "s" }
            );
            view! { <option value=g.name.clone()>{label}</option> }
        })
        .collect::<Vec<_>>()
}

/// The rows of the tree and their connectors.
#[component]
fn Graph(
    rows: Memo<Vec<TreeRow>>,
    selected: RwSignal<Option<usize>>,
    target: RwSignal<String>,
    checked: Memo<Result<Vec<Pitfall>, Vec<String>>>,
) -> impl IntoView {
    let live = use_run().live();
    let ctx = RowContext {
        design: use_design(),
        notice: use_notice(),
        selected,
        target,
        dragging: RwSignal::new(None),
        healthy: Memo::new(move |_| live.get().map(|l| l.record_healthy).unwrap_or_default()),
        on_path: use_query().path(),
    };
    view! {
        <div class="rw-tree" role="tree" aria-label="Routing tree" data-testid="tree">
            {move || {
                let warned: Vec<Option<usize>> =
                    checked.get().unwrap_or_default().into_iter().map(|p| p.record).collect();
                let rows = rows.get();
                let guides = builder::guides(&rows);
                rows.into_iter()
                    .zip(guides)
                    .map(|(r, lines)| {
                        let warn = r.record.is_some() && warned.contains(&r.record);
                        view! { <Row r=r lines=lines warn=warn ctx=ctx /> }
                    })
                    .collect::<Vec<_>>()
            }}
        </div>
    }
}

/// What every row of the graph reads and acts on.
#[derive(Clone, Copy)]
struct RowContext {
    design: Design,
    notice: Notice,
    selected: RwSignal<Option<usize>>,
    /// The rule the builder adds under.
    target: RwSignal<String>,
    /// The record being dragged.
    dragging: RwSignal<Option<usize>>,
    /// Each record's health as the DNS servers see it at the playhead.
    healthy: Memo<Vec<bool>>,
    /// The records on the query tester's answer path.
    on_path: Memo<Vec<usize>>,
}

impl RowContext {
    /// Picking a row: a rule becomes the builder's target, a record is selected.
    fn pick(self, group: Option<&String>, rec: Option<usize>) {
        match (group, rec) {
            (Some(g), _) => self.target.set(g.clone()),
            (None, Some(i)) => self.selected.set(Some(i)),
            _ => {}
        }
    }

    /// The dragged record dropped on `row`: moved there (and selected), or why not.
    fn drop_on(self, row: &TreeRow) {
        let Some(from) = self.dragging.get_untracked() else { return };
        self.dragging.set(None);
        let mut s = self.design.get_untracked();
        match builder::drop_on(&mut s, from, row) {
            None => {}
            Some(Ok(at)) => {
                self.design.replace(s);
                self.selected.set(Some(at));
            }
            Some(Err(e)) => self.notice.say(format!("Cannot move the record: {e}.")),
        }
    }

    /// A key on a row: Enter or Space picks it, Alt+↑ / Alt+↓ move a record within its
    /// group, Delete removes it.
    fn key(self, e: &leptos::ev::KeyboardEvent, group: Option<&String>, rec: Option<usize>) {
        match e.key().as_str() {
            "Enter" | " " => {
                e.prevent_default();
                self.pick(group, rec);
            }
            "ArrowUp" | "ArrowDown" if e.alt_key() => {
                let Some(i) = rec else { return };
                e.prevent_default();
                let dir = if e.key() == "ArrowUp" { -1 } else { 1 };
                let moved = self.design.try_edit(|s| builder::move_within(s, i, dir).ok_or(())).ok();
                self.selected.set(moved.or(Some(i)));
            }
            "Delete" => {
                let Some(i) = rec else { return };
                e.prevent_default();
                self.design.edit(|s| builder::remove(s, i));
                self.selected.set(None);
            }
            _ => {}
        }
    }
}

/// One row of the graph: a rule, a record or an endpoint leaf, with its tags and
/// health badge, and its share of the connectors (`lines`); `warn` when a pitfall
/// names its record. Health and the answer path
/// follow the playhead row by row, so the rows themselves (and a drag in progress)
/// stay put while playing.
#[component]
fn Row(r: TreeRow, lines: builder::Guides, warn: bool, ctx: RowContext) -> impl IntoView {
    let RowContext { selected, target, dragging, healthy, on_path, .. } = ctx;
    let rec = r.record;
    let ok = move || rec.is_none_or(|i| healthy.with(|h| h.get(i).copied().unwrap_or(true)));
    let badge = move || match (rec, ok()) {
        (None, _) => "",
        (Some(_), true) => "✓ healthy",
        (Some(_), false) => "✗ unhealthy",
    };
    let group = match &r.kind {
        RowKind::Rule { group } => Some(group.clone()),
        _ => None,
    };
    let is_target = {
        let g = group.clone();
        move || g.as_ref().is_some_and(|g| *g == target.get())
    };
    let (g_click, g_key) = (group.clone(), group.clone());
    let row_drop = r.clone();
    let leaf = match r.kind {
        RowKind::Leaf(k) => Some(k),
        _ => None,
    };
    let indent = format!("{}px", r.depth * INDENT_PX);
    // Each connector line, placed from the row's own left edge (its indent).
    let at =
        move |column: usize| format!("{}px", (column * INDENT_PX + COLUMN_PX) as i64 - (r.depth * INDENT_PX) as i64);
    let through = lines
        .through
        .iter()
        .map(|&c| view! { <span class="rw-tree__line" style:left=at(c)></span> })
        .collect::<Vec<_>>();
    let elbow = lines.elbow.map(|c| {
        // Across to the row's left edge, from the left edge of a line centred on its column.
        let across = format!("calc({}px + 0.75px)", (r.depth * INDENT_PX).saturating_sub(c * INDENT_PX + COLUMN_PX));
        view! { <span class="rw-tree__elbow" style:left=at(c) style:width=across></span> }
    });
    // As wide as its content, from 16rem up to the panel's edge.
    let room = format!("calc(100% - {indent})");
    let least = format!("min(16rem, {room})");
    let answer = move || rec.is_some_and(|i| on_path.with(|p| p.contains(&i)));
    view! {
        <div
            class="rw-tree__row"
            class:rw-tree__row--group=group.is_some()
            class:rw-tree__row--leaf=leaf.is_some()
            class:rw-tree__row--bad=move || !ok()
            class:rw-tree__row--selected=move || rec.is_some() && selected.get() == rec
            class:rw-tree__row--target=is_target.clone()
            class:rw-tree__row--drop=move || dragging.get().is_some()
            class:rw-tree__row--path=answer
            role="treeitem"
            tabindex="0"
            prop:ariaLevel=(r.depth + 1).to_string()
            aria-selected=move || (rec.is_some() && selected.get() == rec || is_target()).to_string()
            data-testid=rec.map_or_else(|| format!("tree-rule-{}", group.clone().unwrap_or_default()), |i| format!("tree-record-{i}"))
            draggable=rec.map(|_| "true")
            style:margin-left=indent
            style:max-width=room
            style:min-width=least
            on:click=move |_| ctx.pick(g_click.as_ref(), rec)
            on:dragstart=move |e: leptos::ev::DragEvent| {
                if let Some(dt) = e.data_transfer() {
                    let _ = dt.set_data("text/plain", &rec.map(|i| i.to_string()).unwrap_or_default());
                }
                dragging.set(rec);
            }
            on:dragend=move |_| dragging.set(None)
            on:dragover=move |e: leptos::ev::DragEvent| e.prevent_default()
            on:drop=move |e: leptos::ev::DragEvent| {
                e.prevent_default();
                ctx.drop_on(&row_drop);
            }
            on:keydown=move |e| ctx.key(&e, g_key.as_ref(), rec)
        >
            {through}
            {elbow}
            {leaf.map(|k| view! { <span class="rw-tag rw-tag--endpoint">{k}</span> })}
            <span class="rw-tree__text">{r.text}</span>
            <span class="rw-tag" class:rw-tag--policy=group.is_some()>{r.policy}</span>
            {(!r.ttl.is_empty()).then(|| view! { <span class="rw-tag rw-tag--ttl">{r.ttl}</span> })}
            {r.check.map(|c| view! { <span class="rw-tag rw-tag--check">{format!("check {c}")}</span> })}
            {r.eth.then(|| view! { <span class="rw-tag">"ETH"</span> })}
            {warn.then(|| view! { <span class="rw-tag rw-tag--warn">"⚠ pitfall"</span> })}
            {move || answer().then(|| view! { <span class="rw-tag rw-tag--path" data-testid="on-path">"◀ answer path"</span> })}
            <span class="rw-health" class:rw-health--bad=move || !ok()>{badge}</span>
        </div>
    }
}
