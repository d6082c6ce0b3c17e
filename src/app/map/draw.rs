//! Drawing the world map, layer by layer, back to front: the globe and its
//! coastline, the resolvers as dots, a selected resolver's catchments and queries
//! in flight, and the edge locations as markers coloured and shaped by stripe.
//! Also what the drawing is made of: the canvas size, the stripes' colours and
//! shapes, what can be selected and how dots are coloured.

use web_sys::CanvasRenderingContext2d;

use crate::charts::map::{self, View};
use crate::deploy::playback::{DeployNow, DeployPlayback, Leg, LocShow, SiteStatus};

/// Canvas size in CSS-independent pixels.
pub const W: f64 = 960.0;
pub const H: f64 = 480.0;
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

/// The locations and resolvers of a playback, projected once per playback.
pub struct Geometry {
    pub locations: Vec<(f64, f64)>,
    pub sites: Vec<(f64, f64)>,
}

impl Geometry {
    /// Projects every location and resolver site of `pb`.
    pub fn of(pb: &DeployPlayback) -> Geometry {
        Geometry {
            locations: pb.spec().fleet.iter().map(|l| map::project_at(crate::spec::deploy::city_at(&l.city))).collect(),
            sites: (0..pb.sites().len()).map(|i| map::project_at(pb.site_at(i))).collect(),
        }
    }
}

/// The globe's outline, projected.
pub fn globe() -> Vec<(f64, f64)> {
    let mut globe: Vec<(f64, f64)> = (-90..=90).map(|lat| map::project(-180.0, f64::from(lat))).collect();
    globe.extend((-90..=90).rev().map(|lat| map::project(180.0, f64::from(lat))));
    globe
}

/// One frame's inputs shared by every layer: the canvas, the view, the playback at
/// the playhead and its projected geometry.
pub struct Frame<'a> {
    pub cx: &'a CanvasRenderingContext2d,
    pub v: &'a View,
    pub g: &'a Geometry,
    pub pb: &'a DeployPlayback,
    pub now: &'a DeployNow,
}

/// Draws the whole map: the globe with `land`, the resolvers (coloured by `mode`),
/// the `selected` resolver's catchments (its queries at `phase_ms` of their loop,
/// if animated) and the locations.
pub fn draw(
    f: &Frame,
    globe: &[(f64, f64)],
    land: &[Vec<(f64, f64)>],
    selected: Option<Selected>,
    mode: DotMode,
    phase_ms: Option<f64>,
) {
    coastline(f, globe, land);
    resolvers(f, mode);
    if let Some(Selected::Resolver(i)) = selected {
        selected_resolver(f, i, phase_ms);
    }
    locations(f, selected);
}

/// Traces `pts` (projected) as a closed path on screen.
fn path(f: &Frame, pts: &[(f64, f64)]) {
    let cx = f.cx;
    cx.begin_path();
    for (k, p) in pts.iter().enumerate() {
        let (x, y) = f.v.to_screen(*p);
        if k == 0 {
            cx.move_to(x, y);
        } else {
            cx.line_to(x, y);
        }
    }
    cx.close_path();
}

/// The background, the globe's sea and the land.
fn coastline(f: &Frame, globe: &[(f64, f64)], land: &[Vec<(f64, f64)>]) {
    let cx = f.cx;
    cx.set_fill_style_str("#ffffff");
    cx.fill_rect(0.0, 0.0, W, H);
    path(f, globe);
    cx.set_fill_style_str("#e8f1f8");
    cx.fill();
    cx.set_fill_style_str("#d6dae0");
    cx.set_stroke_style_str("#aab2bc");
    cx.set_line_width(0.6);
    for ring in land {
        path(f, ring);
        cx.fill();
        cx.stroke();
    }
}

/// Resolvers as small dots (a cross for one that gets no answer), coloured by `mode`.
fn resolvers(f: &Frame, mode: DotMode) {
    let (cx, pb, t) = (f.cx, f.pb, f.now.at);
    for (i, p) in f.g.sites.iter().enumerate() {
        let (x, y) = f.v.to_screen(*p);
        if !(0.0..=W).contains(&x) || !(0.0..=H).contains(&y) {
            continue;
        }
        let s = f.now.sites[i];
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
}

/// A selected resolver: its catchment per stripe with RTTs, its queries in flight
/// (when animated) and its own mark.
fn selected_resolver(f: &Frame, i: usize, phase_ms: Option<f64>) {
    let (cx, pb, t) = (f.cx, f.pb, f.now.at);
    let from = f.v.to_screen(f.g.sites[i]);
    let legs = pb.queries(i, t);
    let catch = pb.catchments(i, t);
    cx.set_font("12px sans-serif");
    for (stripe, c) in catch.iter().enumerate() {
        let Some((l, rtt)) = c else { continue };
        let to = f.v.to_screen(f.g.locations[usize::from(*l)]);
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
        queries_in_flight(f, from, &legs, &catch, now_ms);
    }
    cx.set_fill_style_str("#1b1f24");
    cx.fill_rect(from.0 - 4.0, from.1 - 4.0, 8.0, 8.0);
}

/// The selected resolver's queries as dots travelling out to each stripe's location
/// and back, looped and slowed enough to be seen even when the answer comes from the
/// same city in a few milliseconds.
fn queries_in_flight(f: &Frame, from: (f64, f64), legs: &[Leg], catch: &[Option<(u16, f64)>], now_ms: f64) {
    let cx = f.cx;
    let race = legs.iter().map(|l| l.sent_ms + l.rtt_ms + l.extra_ms).fold(0.0, f64::max);
    let slow = SLOW_MOTION.max(1_200.0 / race.max(0.1));
    let now_ms = now_ms % (race * slow + 300.0);
    for leg in legs {
        let Some((l, _)) = catch[leg.stripe] else { continue };
        let to = f.v.to_screen(f.g.locations[usize::from(l)]);
        let start = leg.sent_ms * slow;
        let out = leg.rtt_ms / 2.0 * slow;
        let back = (leg.rtt_ms / 2.0 + leg.extra_ms) * slow;
        let k = now_ms - start;
        let at = if k < 0.0 {
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
        let (x, y) = (from.0 + (to.0 - from.0) * at, from.1 + (to.1 - from.1) * at);
        cx.set_fill_style_str(STRIPE_RGB[leg.stripe]);
        cx.begin_path();
        let _ = cx.arc(x, y, 4.5, 0.0, std::f64::consts::TAU);
        cx.fill();
    }
}

/// A marker of `stripe`'s shape centred on (`x`, `y`), as the current path.
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

/// Edge locations: colour and shape by stripe, their state drawn over it, a label
/// when something is happening there or it is selected, and a ring when selected.
fn locations(f: &Frame, selected: Option<Selected>) {
    let cx = f.cx;
    let fleet = &f.pb.spec().fleet;
    for (l, p) in f.g.locations.iter().enumerate() {
        let (x, y) = f.v.to_screen(*p);
        let stripe = usize::from(fleet[l].stripe) % 4;
        let st = f.now.locations[l];
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
            let text = if tag.is_empty() { fleet[l].id.clone() } else { format!("{} {tag}", fleet[l].id) };
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
