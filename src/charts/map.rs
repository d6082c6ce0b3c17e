//! The world map's geometry: coastlines from Natural Earth's 1:110m land polygons
//! (public domain; shipped in `src/charts/data/land-110m.json` as the `world-atlas`
//! 2.0.2 TopoJSON, ISC licence in `src/charts/data/LICENSE-world-atlas`), the Equal
//! Earth projection (equal-area, the whole globe readable), and the view transform that
//! pans and zooms it on a canvas. No tiles and no other origin.
//!
//! The same file reaches both front ends in different ways: natively (the CLI, the
//! tests, the pinned fingerprint) it is compiled in and read by [`land`]; the page
//! fetches it from its own origin the first time a map is shown (Trunk copies it into
//! `dist/`) and decodes it with [`land_from`], which keeps its 55 KB out of the
//! WebAssembly everyone downloads (the linker drops [`LAND_110M`] when nothing calls
//! [`land`]). Both decode with the same code, so the pixels match.

use serde::Deserialize;

use crate::base::geo::LatLon;

/// The coastline file, compiled in (see the module doc for why the page fetches it).
pub const LAND_110M: &str = include_str!("data/land-110m.json");

/// Where the page fetches the coastline file, relative to the page.
pub const LAND_110M_URL: &str = "land-110m.json";

#[derive(Deserialize)]
struct Topology {
    transform: Transform,
    arcs: Vec<Vec<[i64; 2]>>,
    objects: Objects,
}

#[derive(Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct Objects {
    land: Collection,
}

#[derive(Deserialize)]
struct Collection {
    geometries: Vec<Geometry>,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    Polygon { arcs: Vec<Vec<i64>> },
    MultiPolygon { arcs: Vec<Vec<Vec<i64>>> },
}

/// Land as rings of (longitude, latitude) in degrees, from the compiled-in file.
pub fn land() -> Vec<Vec<(f64, f64)>> {
    land_from(LAND_110M).expect("the shipped land data is valid TopoJSON")
}

/// Land as rings of (longitude, latitude) in degrees: the outer boundary of each
/// polygon and its holes, decoded from a TopoJSON document (quantized, delta-encoded
/// arcs shared between rings; a negative index `~i` is arc `i` reversed) whose land is
/// in `objects.land`.
pub fn land_from(topojson: &str) -> Result<Vec<Vec<(f64, f64)>>, String> {
    let topo: Topology =
        serde_json::from_str(topojson).map_err(|e| format!("the coastline file is not the expected TopoJSON: {e}"))?;
    let [sx, sy] = topo.transform.scale;
    let [tx, ty] = topo.transform.translate;
    let arcs: Vec<Vec<(f64, f64)>> = topo
        .arcs
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0i64, 0i64);
            arc.iter()
                .map(|[dx, dy]| {
                    x += dx;
                    y += dy;
                    (x as f64 * sx + tx, y as f64 * sy + ty)
                })
                .collect()
        })
        .collect();
    let ring = |idx: &[i64]| {
        let mut out: Vec<(f64, f64)> = Vec::new();
        for &i in idx {
            let (k, rev) = if i < 0 { ((!i) as usize, true) } else { (i as usize, false) };
            let Some(arc) = arcs.get(k) else { continue };
            let pts: Vec<(f64, f64)> = if rev { arc.iter().rev().copied().collect() } else { arc.clone() };
            let skip = usize::from(!out.is_empty());
            out.extend(pts.into_iter().skip(skip));
        }
        out
    };
    let mut rings = Vec::new();
    for g in &topo.objects.land.geometries {
        let polygons: Vec<&Vec<Vec<i64>>> = match g {
            Geometry::Polygon { arcs } => vec![arcs],
            Geometry::MultiPolygon { arcs } => arcs.iter().collect(),
        };
        for p in polygons {
            for r in p {
                rings.extend(split_at_antimeridian(ring(r)));
            }
        }
    }
    Ok(rings)
}

/// A ring that crosses the ±180° meridian (Fiji, Chukotka, Antarctica's edge) jumps
/// from one side of a flat map to the other; it is cut at each jump into pieces that
/// each stay on one side and close along the meridian.
fn split_at_antimeridian(ring: Vec<(f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let jump = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() > 180.0;
    let n = ring.len();
    let Some(first) = (1..n).find(|&i| jump(ring[i - 1], ring[i])) else { return vec![ring] };
    // Start right after a jump, so every piece runs from one jump to the next.
    let open = &ring[..n - 1]; // the last point repeats the first
    let rotated: Vec<(f64, f64)> = open[first..].iter().chain(&open[..first]).copied().collect();
    let mut pieces: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, p) in rotated.iter().enumerate() {
        if i > 0 && jump(rotated[i - 1], *p) {
            pieces.push(Vec::new());
        }
        pieces.last_mut().expect("a piece").push(*p);
    }
    if pieces.len() == 1 {
        // One jump: the ring goes round a pole (Antarctica); close it along the pole.
        let p = &mut pieces[0];
        let (a, b) = (p[p.len() - 1], p[0]);
        let pole = if p.iter().map(|q| q.1).sum::<f64>() < 0.0 { -90.0 } else { 90.0 };
        p.extend([(180f64.copysign(a.0), a.1), (180f64.copysign(a.0), pole), (180f64.copysign(b.0), pole)]);
    }
    pieces
        .into_iter()
        .filter(|p| p.len() >= 3)
        .map(|mut p| {
            p.push(p[0]);
            p
        })
        .collect()
}

const A1: f64 = 1.340264;
const A2: f64 = -0.081106;
const A3: f64 = 0.000893;
const A4: f64 = 0.003796;

/// Half the width and height of the projected globe, in projection units.
pub const EXTENT: (f64, f64) = (2.706_629_983_7, 1.317_362_759_2);

/// The Equal Earth projection (Šavrič, Patterson & Jenny 2018): (lon, lat) in degrees
/// → (x, y) with y up, the globe within ±[`EXTENT`].
pub fn project(lon: f64, lat: f64) -> (f64, f64) {
    let m = libm::sqrt(3.0) / 2.0;
    let lambda = lon.to_radians();
    let theta = libm::asin(m * libm::sin(lat.to_radians()));
    let t2 = theta * theta;
    let t6 = t2 * t2 * t2;
    let x = lambda * libm::cos(theta) / (m * (A1 + 3.0 * A2 * t2 + t6 * (7.0 * A3 + 9.0 * A4 * t2)));
    let y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    (x, y)
}

/// Projects a point.
pub fn project_at(p: LatLon) -> (f64, f64) {
    project(p.lon, p.lat)
}

/// Land rings from the compiled-in file, projected.
pub fn land_projected() -> Vec<Vec<(f64, f64)>> {
    project_rings(land())
}

/// Land rings from a TopoJSON document (see [`land_from`]), projected.
pub fn land_projected_from(topojson: &str) -> Result<Vec<Vec<(f64, f64)>>, String> {
    land_from(topojson).map(project_rings)
}

fn project_rings(rings: Vec<Vec<(f64, f64)>>) -> Vec<Vec<(f64, f64)>> {
    rings.into_iter().map(|r| r.into_iter().map(|(lon, lat)| project(lon, lat)).collect()).collect()
}

/// Where the map looks: the projected point at the canvas centre and the zoom
/// (canvas pixels per projection unit).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// Canvas size, px.
    pub width: f64,
    /// Canvas height, px.
    pub height: f64,
    /// Projected x at the centre.
    pub cx: f64,
    /// Projected y at the centre.
    pub cy: f64,
    /// Pixels per projection unit.
    pub scale: f64,
}

impl View {
    /// The whole globe in a `width` × `height` canvas.
    pub fn fit(width: f64, height: f64) -> View {
        let scale = (width / (2.0 * EXTENT.0)).min(height / (2.0 * EXTENT.1)) * 0.98;
        View { width, height, cx: 0.0, cy: 0.0, scale }
    }

    /// Projected point → canvas pixel (y down).
    pub fn to_screen(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (self.width / 2.0 + (x - self.cx) * self.scale, self.height / 2.0 - (y - self.cy) * self.scale)
    }

    /// Canvas pixel → projected point.
    pub fn to_projected(&self, (px, py): (f64, f64)) -> (f64, f64) {
        (self.cx + (px - self.width / 2.0) / self.scale, self.cy - (py - self.height / 2.0) / self.scale)
    }

    /// Moves the map by a drag of (dx, dy) pixels, keeping some of the globe in view.
    pub fn pan(&mut self, dx: f64, dy: f64) {
        self.cx = (self.cx - dx / self.scale).clamp(-EXTENT.0, EXTENT.0);
        self.cy = (self.cy + dy / self.scale).clamp(-EXTENT.1, EXTENT.1);
    }

    /// Zooms by `factor` about the canvas pixel (px, py), which stays put; the zoom
    /// stays between the whole globe and 12 times that.
    pub fn zoom_at(&mut self, px: f64, py: f64, factor: f64) {
        let min = View::fit(self.width, self.height).scale;
        let before = self.to_projected((px, py));
        self.scale = (self.scale * factor).clamp(min, min * 12.0);
        let after = self.to_projected((px, py));
        self.cx += before.0 - after.0;
        self.cy += before.1 - after.1;
    }

    /// The index of the point nearest to pixel (px, py) within `radius` px.
    pub fn nearest(&self, points: &[(f64, f64)], px: f64, py: f64, radius: f64) -> Option<usize> {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (x, y) = self.to_screen(*p);
                (i, (x - px).powi(2) + (y - py).powi(2))
            })
            .filter(|(_, d)| *d <= radius * radius)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_land_decodes_into_closed_rings_on_the_globe() {
        let rings = land();
        assert!(rings.len() >= 120, "{} rings", rings.len());
        let points: usize = rings.iter().map(Vec::len).sum();
        assert!(points > 4_000, "{points} points");
        for r in &rings {
            assert!(r.len() >= 4);
            assert_eq!(r.first(), r.last(), "a ring closes");
            assert!(r.iter().all(|(lon, lat)| (-180.0..=180.0).contains(lon) && (-90.0..=90.0).contains(lat)));
        }
        // Known places fall inside the land's bounding boxes: some ring spans London.
        let spans = |lon: f64, lat: f64| {
            rings.iter().any(|r| {
                let (a, b) = r.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
                let (c, d) = r.iter().fold((f64::MAX, f64::MIN), |(c, d), p| (c.min(p.1), d.max(p.1)));
                a <= lon && lon <= b && c <= lat && lat <= d
            })
        };
        assert!(spans(-0.13, 51.5) && spans(151.2, -33.9) && spans(-77.0, 38.9));
        // No edge jumps across the map at the ±180° meridian.
        for r in land() {
            for w in r.windows(2) {
                let along_pole = w[0].1.abs() == 90.0 && w[1].1 == w[0].1;
                let (a, b) = (project(w[0].0, w[0].1), project(w[1].0, w[1].1));
                assert!(along_pole || (a.0 - b.0).abs() < EXTENT.0, "{:?} → {:?} jumps across the map", w[0], w[1]);
            }
        }
    }

    #[test]
    fn a_fetched_coastline_decodes_like_the_compiled_in_one_and_bad_files_are_refused() {
        assert_eq!(land_projected_from(LAND_110M).unwrap(), land_projected());
        for bad in ["", "<!doctype html><p>Not found</p>", r#"{"type":"Topology"}"#] {
            let err = land_from(bad).unwrap_err();
            assert!(err.starts_with("the coastline file is not the expected TopoJSON"), "{err}");
        }
    }

    #[test]
    fn equal_earth_keeps_the_globe_in_its_extent_and_is_symmetric() {
        assert_eq!(project(0.0, 0.0), (0.0, 0.0));
        let (x, _) = project(180.0, 0.0);
        assert!((x - EXTENT.0).abs() < 1e-6, "{x}");
        let (_, y) = project(0.0, 90.0);
        assert!((y - EXTENT.1).abs() < 1e-6, "{y}");
        let (a, b) = project(-70.0, -30.0);
        let (c, d) = project(70.0, 30.0);
        assert!((a + c).abs() < 1e-12 && (b + d).abs() < 1e-12);
        // Equal area: a 10°×10° cell has the same projected area at the equator and at 60°.
        let area = |lat: f64| {
            let p = [project(0.0, lat), project(10.0, lat), project(10.0, lat + 10.0), project(0.0, lat + 10.0)];
            0.5 * (0..4).map(|i| p[i].0 * p[(i + 1) % 4].1 - p[(i + 1) % 4].0 * p[i].1).sum::<f64>().abs()
        };
        let (eq, high) = (area(0.0), area(60.0));
        let expected = (libm::sin(70f64.to_radians()) - libm::sin(60f64.to_radians())) / libm::sin(10f64.to_radians());
        assert!((high / eq - expected).abs() < 0.02, "{} vs {expected}", high / eq);
    }

    #[test]
    fn the_view_pans_zooms_about_the_cursor_and_finds_the_nearest_marker() {
        let mut v = View::fit(800.0, 400.0);
        let p = project(-0.13, 51.5);
        let s = v.to_screen(p);
        let back = v.to_projected(s);
        assert!((back.0 - p.0).abs() < 1e-9 && (back.1 - p.1).abs() < 1e-9);
        v.zoom_at(s.0, s.1, 4.0);
        let s2 = v.to_screen(p);
        assert!((s2.0 - s.0).abs() < 1e-6 && (s2.1 - s.1).abs() < 1e-6, "the point under the cursor stays");
        v.zoom_at(0.0, 0.0, 1e6);
        assert!((v.scale / View::fit(800.0, 400.0).scale - 12.0).abs() < 1e-9, "zoom is capped");
        v.pan(100.0, 0.0);
        let pts = [project(-77.0, 38.9), p];
        let at = v.to_screen(p);
        assert_eq!(v.nearest(&pts, at.0 + 3.0, at.1 - 2.0, 8.0), Some(1));
        assert_eq!(v.nearest(&pts, at.0 + 30.0, at.1, 8.0), None);
    }
}
