//! Charts as functions of data, generic over the plotters drawing backend: the page
//! draws them on a canvas, the tests render them to SVG natively.

pub mod map;
pub mod readout;

use plotters::prelude::*;

use crate::failover::sim::Series;

/// Okabe–Ito colours (colour-blind safe), in series order.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
];

/// The palette entries of failure kinds, in order: vermillion, reddish purple, orange.
const FAILED_COLOURS: [usize; 3] = [5, 3, 1];

/// Seconds per plotted point: series are per second; 30 s buckets (the presets' request
/// interval) average out the phases of the representative clients.
pub const BUCKET_S: usize = 30;

/// A time-axis tick in the player's format: `mm:ss` of simulated time.
pub fn mmss(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// A value-axis tick: whole numbers without ".0", others with one decimal.
pub fn tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{}", v.round() as i64) } else { format!("{v:.1}") }
}

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
enum Swatch {
    /// A line of this colour and width.
    Line(RGBColor, u32),
    /// A dashed line of this colour and width.
    Dashed(RGBColor, u32),
    /// A filled block.
    Block(RGBColor),
    /// An outlined block.
    Outline(RGBColor),
}

/// Legend text size and row height, px.
const LEGEND_FONT_PX: u32 = 13;
const LEGEND_ROW_PX: i32 = 18;

/// Draws `entries` as a legend strip across the top of `area`, wrapped to its width,
/// and returns the area below it for the plot: a legend never covers the data.
fn legend_above<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    entries: &[(String, Swatch)],
) -> Result<DrawingArea<DB, plotters::coord::Shift>, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let font = ("sans-serif", LEGEND_FONT_PX).into_font().color(&BLACK);
    let width = area.dim_in_pixel().0 as i32;
    // Lay out first, to know the strip's height.
    let (mut x, mut row) = (8i32, 0i32);
    let mut placed = Vec::with_capacity(entries.len());
    for (text, swatch) in entries {
        let text_w = area.estimate_text_size(text, &font).map_err(err)?.0 as i32;
        let w = 22 + text_w + 18;
        if x > 8 && x + w > width - 8 {
            (x, row) = (8, row + 1);
        }
        placed.push((x, row, text, *swatch));
        x += w;
    }
    let (top, rest) = area.split_vertically((row + 1) * LEGEND_ROW_PX + 6);
    for (x, row, text, swatch) in placed {
        let y = 4 + row * LEGEND_ROW_PX + LEGEND_ROW_PX / 2;
        match swatch {
            Swatch::Line(c, w) => top.draw(&PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(w))),
            Swatch::Dashed(c, w) => {
                top.draw(&PathElement::new(vec![(x, y), (x + 6, y)], c.stroke_width(w))).map_err(err)?;
                top.draw(&PathElement::new(vec![(x + 10, y), (x + 16, y)], c.stroke_width(w)))
            }
            Swatch::Block(c) => top.draw(&Rectangle::new([(x + 2, y - 5), (x + 14, y + 5)], c.filled())),
            Swatch::Outline(c) => top.draw(&Rectangle::new([(x + 2, y - 5), (x + 14, y + 5)], c.stroke_width(1))),
        }
        .map_err(err)?;
        top.draw(&Text::new(text.as_str(), (x + 22, y - LEGEND_FONT_PX as i32 / 2 - 1), font.clone())).map_err(err)?;
    }
    Ok(rest)
}

/// Grid lines at the labelled ticks only, light grey: the data stays in front.
const GRID: RGBColor = RGBColor(225, 228, 232);

/// How many mm:ss labels a time axis across `area` has room for (one per 70 px,
/// 3 to 8).
fn time_labels<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>) -> usize {
    (area.dim_in_pixel().0 / 70).clamp(3, 8) as usize
}

/// The playhead's line on every time chart.
fn playhead_style() -> ShapeStyle {
    BLACK.stroke_width(2)
}

fn bucket(v: &[f64]) -> Vec<f64> {
    v.chunks(BUCKET_S).map(|c| c.iter().sum::<f64>() / c.len() as f64).collect()
}

/// Requests per second served by each region, and failed requests by kind (dashed, labelled),
/// with the playhead as a vertical line; with `pinned`, run A's total served and
/// failed requests drawn in grey beneath for comparison. Returns the x range in s.
pub fn draw_requests<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    series: &Series,
    pinned: Option<&Series>,
    playhead_s: f64,
) -> Result<(f64, f64), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let n = series.ok.len();
    let served: Vec<(String, Vec<f64>)> = series.served_by_region.iter().map(|(r, v)| (r.clone(), bucket(v))).collect();
    let failed: Vec<(String, Vec<f64>)> =
        series.failed.iter().filter(|(_, v)| v.iter().any(|x| *x > 0.0)).map(|(k, v)| (k.clone(), bucket(v))).collect();
    let totals = |s: &Series| {
        let mut ok = vec![0.0; s.ok.len()];
        for v in s.served_by_region.values() {
            for (i, x) in v.iter().enumerate() {
                ok[i] += x;
            }
        }
        let mut f = vec![0.0; s.ok.len()];
        for v in s.failed.values() {
            for (i, x) in v.iter().enumerate() {
                f[i] += x;
            }
        }
        (bucket(&ok), bucket(&f))
    };
    let a = pinned.map(totals);
    let max_y = served
        .iter()
        .flat_map(|(_, v)| v.iter())
        .chain(failed.iter().flat_map(|(_, v)| v.iter()))
        .chain(a.iter().flat_map(|(o, f)| o.iter().chain(f.iter())))
        .fold(1.0f64, |a, &b| a.max(b))
        * 1.1;
    let x_max = n as f64;
    let mut entries = Vec::new();
    if a.is_some() {
        let grey = RGBColor(150, 150, 150);
        entries.push(("A: served (all regions)".to_string(), Swatch::Line(grey, 4)));
        entries.push(("A: failed".to_string(), Swatch::Dashed(grey, 3)));
    }
    for (k, (region, _)) in served.iter().enumerate() {
        entries.push((format!("served by {region}"), Swatch::Line(PALETTE[k % PALETTE.len()], 2)));
    }
    for (k, (kind, _)) in failed.iter().enumerate() {
        entries.push((format!("failed: {kind}"), Swatch::Dashed(PALETTE[FAILED_COLOURS[k % FAILED_COLOURS.len()]], 2)));
    }
    let plot = legend_above(area, &entries)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(8)
        .margin_top(2)
        .x_label_area_size(44)
        .y_label_area_size(48)
        .build_cartesian_2d(0f64..x_max, 0f64..max_y)
        .map_err(err)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .x_desc("simulated time (mm:ss)")
        .y_desc("requests / s")
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .x_labels(time_labels(area))
        .y_labels(5)
        .x_label_formatter(&|x| mmss(*x))
        .y_label_formatter(&|y| tick(*y))
        .draw()
        .map_err(err)?;
    let xs = |i: usize| (i * BUCKET_S) as f64;
    if let Some((ok_a, failed_a)) = &a {
        let grey = RGBColor(150, 150, 150);
        chart
            .draw_series(LineSeries::new(ok_a.iter().enumerate().map(|(i, y)| (xs(i), *y)), grey.stroke_width(4)))
            .map_err(err)?;
        chart
            .draw_series(DashedLineSeries::new(
                failed_a.iter().enumerate().map(|(i, y)| (xs(i), *y)),
                3,
                3,
                grey.stroke_width(3),
            ))
            .map_err(err)?;
    }
    for (k, (_, v)) in served.iter().enumerate() {
        let c = PALETTE[k % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(v.iter().enumerate().map(|(i, y)| (xs(i), *y)), c.stroke_width(2)))
            .map_err(err)?;
    }
    // Failures by kind: dashed, each kind its own colour and dash length.
    for (k, (_, v)) in failed.iter().enumerate() {
        let c = PALETTE[FAILED_COLOURS[k % FAILED_COLOURS.len()]];
        let dash = 6 + 4 * (k as u32 % 3);
        chart
            .draw_series(DashedLineSeries::new(
                v.iter().enumerate().map(|(i, y)| (xs(i), *y)),
                dash,
                4,
                c.stroke_width(2),
            ))
            .map_err(err)?;
    }
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(playhead_s, 0.0), (playhead_s, max_y)], playhead_style())))
        .map_err(err)?;
    area.present().map_err(err)?;
    Ok((0.0, x_max))
}

/// The switch time of each probe split into its phases (detection → push → resolver
/// TTL → client cache → connection) as stacked horizontal bars, in seconds.
pub fn draw_phases<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    phases: &[(String, crate::failover::sim::Phases)],
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let parts = |p: &crate::failover::sim::Phases| {
        [p.detection_ms, p.push_ms, p.resolver_ttl_ms, p.client_cache_ms, p.connection_ms]
            .map(|x| x.unwrap_or(0) as f64 / 1000.0)
    };
    let max_x = phases.iter().map(|(_, p)| parts(p).iter().sum::<f64>()).fold(1.0f64, f64::max) * 1.1;
    let n = phases.len().max(1) as f64;
    const LABELS: [&str; 5] = ["detection", "push", "resolver TTL", "client cache", "connection"];
    let entries: Vec<(String, Swatch)> =
        LABELS.iter().enumerate().map(|(k, l)| (l.to_string(), Swatch::Block(PALETTE[k % PALETTE.len()]))).collect();
    let plot = legend_above(area, &entries)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(8)
        .margin_top(2)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..max_x, 0f64..n)
        .map_err(err)?;
    let names: Vec<String> = phases.iter().map(|(p, _)| p.clone()).collect();
    chart
        .configure_mesh()
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .x_desc("seconds after the fault")
        .x_label_formatter(&|x| tick(*x))
        .y_labels(phases.len().max(1))
        .y_label_formatter(&|y| names.get(*y as usize).cloned().unwrap_or_default())
        .disable_y_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .draw()
        .map_err(err)?;
    for k in 0..LABELS.len() {
        let c = PALETTE[k % PALETTE.len()];
        let bars: Vec<Rectangle<(f64, f64)>> = phases
            .iter()
            .enumerate()
            .map(|(row, (_, p))| {
                let v = parts(p);
                let x0: f64 = v[..k].iter().sum();
                let y = row as f64;
                Rectangle::new([(x0, y + 0.2), (x0 + v[k], y + 0.8)], c.filled())
            })
            .collect();
        chart.draw_series(bars).map_err(err)?;
    }
    area.present().map_err(err)?;
    Ok(())
}

/// The health chart's lanes, bottom first: each check, then each load-balancer target.
pub fn health_lanes(series: &Series) -> Vec<(String, &Vec<u8>)> {
    series
        .check_status
        .iter()
        .map(|(k, v)| (format!("check {k}"), v))
        .chain(series.target_status.iter().map(|(k, v)| (format!("target {k}"), v)))
        .collect()
}

/// Every health check (and every load-balancer target Route 53 evaluates) as a lane
/// over the run: a thin bluish-green band while the DNS servers see it healthy, a
/// full-height vermillion block labelled "unhealthy" while they do not — so height
/// and text carry the status, not colour alone. The playhead is a vertical line.
pub fn draw_checks<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    series: &Series,
    playhead_s: f64,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let lanes = health_lanes(series);
    let n = lanes.len().max(1) as f64;
    let x_max = series.ok.len().max(1) as f64;
    let names: Vec<String> = lanes.iter().map(|(k, _)| k.clone()).collect();
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(8)
        .build_cartesian_2d(0f64..x_max, 0f64..n)
        .map_err(err)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .x_labels(time_labels(area))
        .x_label_formatter(&|x| mmss(*x))
        .y_labels(0)
        .disable_y_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(names.iter().enumerate().map(|(row, name)| {
            Text::new(name.clone(), (x_max / 300.0, row as f64 + 0.99), ("sans-serif", 12).into_font().color(&BLACK))
        }))
        .map_err(err)?;
    let (good, bad) = (PALETTE[2], PALETTE[5]);
    let mut blocks: Vec<(f64, f64, f64, bool)> = Vec::new();
    for (row, (_, col)) in lanes.iter().enumerate() {
        let mut start = 0;
        for i in 1..=col.len() {
            if i == col.len() || col[i] != col[start] {
                blocks.push((row as f64, start as f64, i as f64, col[start] == 1));
                start = i;
            }
        }
    }
    let rect = |&(y, x0, x1, ok): &(f64, f64, f64, bool)| {
        if ok {
            Rectangle::new([(x0, y + 0.22), (x1, y + 0.36)], good.filled())
        } else {
            Rectangle::new([(x0, y + 0.06), (x1, y + 0.58)], bad.filled())
        }
    };
    chart.draw_series(blocks.iter().filter(|b| b.3).map(rect)).map_err(err)?;
    chart.draw_series(blocks.iter().filter(|b| !b.3).map(rect)).map_err(err)?;
    let min_label = x_max / 12.0;
    chart
        .draw_series(blocks.iter().filter(|b| !b.3 && b.2 - b.1 >= min_label).map(|&(y, x0, _, _)| {
            Text::new("unhealthy", (x0 + x_max / 200.0, y + 0.5), ("sans-serif", 12).into_font().color(&WHITE))
        }))
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(playhead_s, 0.0), (playhead_s, n)], playhead_style())))
        .map_err(err)?;
    area.present().map_err(err)?;
    Ok(())
}

/// Resolution times of every resolver now (coloured bars) over the same histogram
/// with everything healthy (grey outline), in `bin_ms` bins; resolvers getting no
/// answer at all are counted in the caption.
pub fn draw_latency<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    now: &[u32],
    before: &[u32],
    bin_ms: f64,
    failed: usize,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let n = now.len().max(1);
    let max_y = now.iter().chain(before).copied().max().unwrap_or(1).max(1) as f64 * 1.1;
    let x_max = n as f64 * bin_ms;
    let caption = format!("resolution time (ms; last bin and beyond) · no answer: {failed}");
    let (blue, grey) = (PALETTE[0], RGBColor(90, 90, 90));
    let plot = legend_above(
        area,
        &[("now".to_string(), Swatch::Block(blue)), ("all healthy".to_string(), Swatch::Outline(grey))],
    )?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(8)
        .margin_top(2)
        .x_label_area_size(44)
        .y_label_area_size(40)
        .build_cartesian_2d(0f64..x_max, 0f64..max_y)
        .map_err(err)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .x_desc(caption)
        .y_desc("resolvers")
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .x_labels(6)
        .y_labels(4)
        .x_label_formatter(&|x| tick(*x))
        .y_label_formatter(&|y| tick(*y))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(now.iter().enumerate().map(|(i, &c)| {
            let x = i as f64 * bin_ms;
            Rectangle::new([(x + bin_ms * 0.1, 0.0), (x + bin_ms * 0.9, f64::from(c))], blue.filled())
        }))
        .map_err(err)?;
    chart
        .draw_series(before.iter().enumerate().map(|(i, &c)| {
            let x = i as f64 * bin_ms;
            Rectangle::new([(x, 0.0), (x + bin_ms, f64::from(c))], grey.stroke_width(1))
        }))
        .map_err(err)?;
    area.present().map_err(err)?;
    Ok(())
}

/// User-minutes impaired per wave for one or more plans side by side (one colour
/// and one hatch offset per plan), each bar labelled with the share of resolvers
/// it affected; waves that never started have no bar.
pub fn draw_blast<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    plans: &[(&str, &[crate::deploy::WaveImpact])],
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let waves = plans.iter().map(|(_, w)| w.len()).max().unwrap_or(0).max(1);
    let max_y = plans.iter().flat_map(|(_, w)| w.iter().map(|x| x.user_minutes)).fold(1.0f64, f64::max) * 1.2;
    let colour = |k: usize| PALETTE[if k == 0 { 0 } else { 5 }];
    let entries: Vec<(String, Swatch)> =
        plans.iter().enumerate().map(|(k, (name, _))| (name.to_string(), Swatch::Block(colour(k)))).collect();
    let plot = legend_above(area, &entries)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(8)
        .margin_top(2)
        .x_label_area_size(44)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..waves as f64, 0f64..max_y)
        .map_err(err)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .x_desc("wave")
        .y_desc("user-minutes impaired")
        .x_labels(waves.min(24))
        .x_label_formatter(&|x| format!("{}", *x as usize + 1))
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .y_labels(5)
        .draw()
        .map_err(err)?;
    let n = plans.len().max(1) as f64;
    for (k, (_, ws)) in plans.iter().enumerate() {
        let c = colour(k);
        let slot = |i: usize| (i as f64 + 0.1 + 0.8 * k as f64 / n, i as f64 + 0.1 + 0.8 * (k as f64 + 1.0) / n);
        chart
            .draw_series(ws.iter().enumerate().map(|(i, w)| {
                let (x0, x1) = slot(i);
                Rectangle::new([(x0, 0.0), (x1, w.user_minutes)], c.filled())
            }))
            .map_err(err)?;
        chart
            .draw_series(ws.iter().enumerate().filter(|(_, w)| w.resolvers_affected_pct > 0.0).map(|(i, w)| {
                let (x0, _) = slot(i);
                Text::new(
                    format!("{:.0}%", w.resolvers_affected_pct),
                    (x0, w.user_minutes + max_y * 0.06),
                    ("sans-serif", 11).into_font().color(&BLACK),
                )
            }))
            .map_err(err)?;
    }
    area.present().map_err(err)?;
    Ok(())
}

/// The series as CSV: one row per second, one column per measure.
pub fn series_csv(series: &Series) -> String {
    let mut cols: Vec<(String, Vec<f64>)> = vec![("ok".into(), series.ok.clone())];
    for (k, v) in &series.failed {
        cols.push((format!("failed {k}"), v.clone()));
    }
    for (k, v) in &series.served_by_region {
        cols.push((format!("served by {k}"), v.clone()));
    }
    for (k, v) in &series.check_status {
        cols.push((format!("check {k} healthy"), v.iter().map(|x| f64::from(*x)).collect()));
    }
    for (k, v) in &series.target_status {
        cols.push((format!("target {k} healthy"), v.iter().map(|x| f64::from(*x)).collect()));
    }
    let mut out = String::from("second");
    for (name, _) in &cols {
        out.push(',');
        out.push_str(&name.replace(',', ";"));
    }
    out.push('\n');
    for i in 0..series.ok.len() {
        out.push_str(&i.to_string());
        for (_, v) in &cols {
            out.push(',');
            out.push_str(&format!("{}", v.get(i).copied().unwrap_or(0.0)));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_read_like_the_player() {
        assert_eq!(mmss(0.0), "00:00");
        assert_eq!(mmss(300.0), "05:00");
        assert_eq!(mmss(1_499.6), "25:00");
        assert_eq!(tick(150.0), "150");
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(2.5), "2.5");
    }

    fn report() -> crate::failover::sim::Report {
        let s = crate::design::presets::preset("latency-weighted-nlb").unwrap();
        let mut sim = crate::failover::sim::Sim::new(&s).unwrap();
        sim.run_until(sim.duration());
        sim.report()
    }

    #[test]
    fn the_requests_chart_draws_every_region_and_the_failures() {
        let r = report();
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (800, 240)).into_drawing_area();
            draw_requests(&area, &r.series, None, 330.0).unwrap();
        }
        for label in
            ["served by us-east-1", "served by eu-west-1", "served by ap-southeast-1", "failed: connection refused"]
        {
            assert!(svg.contains(label), "{label}");
        }
        assert!(svg.matches("<polyline").count() >= 4, "a line per region plus failures");
        let mut with_a = String::new();
        {
            let area = SVGBackend::with_string(&mut with_a, (800, 240)).into_drawing_area();
            draw_requests(&area, &r.series, Some(&r.series), 330.0).unwrap();
        }
        assert!(with_a.contains("A: served (all regions)") && with_a.contains("A: failed"));
        assert!(with_a.matches("<polyline").count() >= svg.matches("<polyline").count() + 2);
    }

    #[test]
    fn legends_sit_above_the_plot_and_wrap_at_narrow_widths() {
        let entries: Vec<(String, Swatch)> =
            (0..6).map(|i| (format!("served by region-{i}"), Swatch::Line(PALETTE[i], 2))).collect();
        let plot_top = |w: u32| {
            let mut svg = String::new();
            let area = SVGBackend::with_string(&mut svg, (w, 240)).into_drawing_area();
            let rest = legend_above(&area, &entries).unwrap();
            rest.get_base_pixel().1
        };
        assert!(plot_top(1200) >= LEGEND_ROW_PX, "one row at least");
        assert!(plot_top(420) >= plot_top(1200) + 2 * LEGEND_ROW_PX, "{} vs {}", plot_top(420), plot_top(1200));
        let mut svg = String::new();
        let area = SVGBackend::with_string(&mut svg, (600, 240)).into_drawing_area();
        assert_eq!(legend_above(&area, &[]).unwrap().get_base_pixel(), (0, 0), "no legend, no strip");
    }

    #[test]
    fn the_phase_chart_stacks_every_phase() {
        let r = report();
        let phases: Vec<(String, crate::failover::sim::Phases)> = r.summary.phases.clone().into_iter().collect();
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (800, 160)).into_drawing_area();
            draw_phases(&area, &phases).unwrap();
        }
        for label in ["detection", "push", "resolver TTL", "client cache", "connection", "curl-dc"] {
            assert!(svg.contains(label), "{label}");
        }
        assert!(svg.matches("<rect").count() > 5, "a bar segment per phase, plus the background");
    }

    #[test]
    fn csv_has_a_row_per_second_and_a_column_per_measure() {
        let r = report();
        let csv = series_csv(&r.series);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), r.series.ok.len() + 1);
        assert!(lines[0].starts_with("second,ok,failed connection refused,served by ap-southeast-1"), "{}", lines[0]);
        let cols = lines[0].split(',').count();
        assert!(lines.iter().all(|l| l.split(',').count() == cols));
    }

    #[test]
    fn the_health_chart_has_a_lane_per_check_and_target_and_marks_the_outage() {
        let s = crate::design::presets::preset("latency-weighted-checks-alb").unwrap();
        let mut sim = crate::failover::sim::Sim::new(&s).unwrap();
        sim.run_until(sim.duration());
        let r = sim.report();
        assert!(!r.series.check_status.is_empty() && !r.series.target_status.is_empty());
        let down = |v: &Vec<u8>| v.iter().filter(|x| **x == 0).count();
        assert!(r.series.check_status.values().any(|v| down(v) > 60), "a check goes unhealthy after the fault");
        assert!(r.series.target_status.values().any(|v| down(v) > 60), "and so does a target");
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (800, 300)).into_drawing_area();
            draw_checks(&area, &r.series, 330.0).unwrap();
        }
        for k in r.series.check_status.keys() {
            assert!(svg.contains(&format!("check {k}")), "{k}");
        }
        assert!(svg.matches("unhealthy").count() >= 2, "unhealthy blocks are labelled in words");
        let healthy_only = crate::design::presets::preset("all-defaults-alb").unwrap();
        let mut sim = crate::failover::sim::Sim::new(&healthy_only).unwrap();
        sim.run_until(sim.duration());
        let mut svg2 = String::new();
        {
            let area = SVGBackend::with_string(&mut svg2, (800, 300)).into_drawing_area();
            draw_checks(&area, &sim.report().series, 0.0).unwrap();
        }
        assert!(svg2.contains("target "), "load-balancer targets get lanes too");
    }

    #[test]
    fn the_latency_histogram_draws_now_over_before() {
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (600, 200)).into_drawing_area();
            draw_latency(&area, &[0, 5, 9, 2], &[1, 8, 6, 0], 20.0, 7).unwrap();
        }
        assert!(svg.contains("no answer: 7") && svg.contains("all healthy") && svg.contains("now"));
        assert!(svg.matches("<rect").count() >= 8, "a bar per bin, now and before");
    }

    #[test]
    fn the_blast_chart_puts_two_plans_side_by_side() {
        let good =
            crate::deploy::run(&crate::design::presets::preset("data-plane-by-stripe").unwrap().deploy.unwrap(), 1)
                .unwrap();
        let bad =
            crate::deploy::run(&crate::design::presets::preset("data-plane-bad-plan").unwrap().deploy.unwrap(), 1)
                .unwrap();
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (700, 260)).into_drawing_area();
            draw_blast(&area, &[("by stripe", &good.waves), ("neighbours", &bad.waves)]).unwrap();
        }
        assert!(svg.contains("by stripe") && svg.contains("neighbours") && svg.contains("user-minutes"));
        assert!(svg.matches("<rect").count() >= good.waves.len() + bad.waves.len());
    }
}
