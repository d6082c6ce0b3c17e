//! The edge fleet: an edge location, the default fleet of 60 cities with its
//! stripes balanced geographically, and a city's coordinates.

use serde::{Deserialize, Serialize};

use crate::base::geo::{self, LatLon};
use crate::base::rng::{SimRng, stream_id};
use crate::spec::deploy::STRIPES;

/// An edge location.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeLocation {
    /// Short id, e.g. `fra`.
    pub id: String,
    /// City id.
    pub city: String,
    /// Stripe announced, 0..=3.
    pub stripe: u8,
    /// Hardware generation: 1 is the oldest.
    pub hardware_gen: u8,
    /// Relative capacity (queries per second it can serve, arbitrary units).
    pub capacity: u32,
}

/// The 60 cities of the default fleet (places a global DNS/CDN network is publicly
/// known to serve from).
pub const DEFAULT_FLEET_CITIES: [&str; 60] = [
    "ashburn",
    "new-york",
    "newark",
    "boston",
    "atlanta",
    "miami",
    "chicago",
    "dallas",
    "houston",
    "denver",
    "phoenix",
    "los-angeles",
    "san-jose",
    "seattle",
    "minneapolis",
    "kansas-city",
    "toronto",
    "montreal",
    "vancouver",
    "queretaro",
    "sao-paulo",
    "rio-de-janeiro",
    "buenos-aires",
    "santiago",
    "bogota",
    "lima",
    "dublin",
    "london",
    "manchester",
    "paris",
    "marseille",
    "amsterdam",
    "frankfurt",
    "berlin",
    "munich",
    "zurich",
    "milan",
    "madrid",
    "lisbon",
    "vienna",
    "warsaw",
    "stockholm",
    "copenhagen",
    "helsinki",
    "mumbai",
    "chennai",
    "new-delhi",
    "singapore",
    "jakarta",
    "hong-kong",
    "taipei",
    "seoul",
    "tokyo",
    "osaka",
    "sydney",
    "melbourne",
    "perth",
    "auckland",
    "johannesburg",
    "tel-aviv",
];

/// The default fleet: 60 locations, stripes balanced geographically, hardware
/// generations 1–4 (a few of the oldest), capacity 100.
pub fn default_fleet() -> Vec<EdgeLocation> {
    let mut fleet: Vec<EdgeLocation> = DEFAULT_FLEET_CITIES
        .iter()
        .map(|c| {
            let mut rng = SimRng::derive(0, stream_id(&format!("fleet/{c}")));
            // About 1 in 8 locations still runs the oldest generation.
            let hardware_gen = if rng.chance(0.125) { 1 } else { 2 + rng.below(3) as u8 };
            EdgeLocation { id: short_id(c), city: c.to_string(), stripe: 0, hardware_gen, capacity: 100 }
        })
        .collect();
    assign_stripes_balanced(&mut fleet);
    fleet
}

fn short_id(city: &str) -> String {
    city.split('-').map(|w| &w[..w.len().min(3)]).collect::<Vec<_>>().join("")
}

/// Assigns stripes so each stripe has a quarter of the locations (±1) and
/// neighbours get different stripes: each location, in a fixed order, takes the
/// stripe (among those not yet full) whose nearest already-assigned location is
/// farthest away.
pub fn assign_stripes_balanced(fleet: &mut [EdgeLocation]) {
    let at: Vec<LatLon> = fleet.iter().map(|l| city_at(&l.city)).collect();
    let cap = fleet.len().div_ceil(STRIPES);
    let mut counts = [0usize; STRIPES];
    let mut assigned: Vec<Option<u8>> = vec![None; fleet.len()];
    for i in 0..fleet.len() {
        let mut best = (f64::MIN, 0u8);
        for s in 0..STRIPES as u8 {
            if counts[s as usize] >= cap {
                continue;
            }
            let nearest = (0..i)
                .filter(|&j| assigned[j] == Some(s))
                .map(|j| at[i].distance_km(at[j]))
                .fold(f64::INFINITY, f64::min);
            if nearest > best.0 {
                best = (nearest, s);
            }
        }
        assigned[i] = Some(best.1);
        counts[best.1 as usize] += 1;
        fleet[i].stripe = best.1;
    }
}

/// Coordinates of a city id (the origin for an unknown one; validation rejects those).
pub fn city_at(id: &str) -> LatLon {
    geo::city(id).map_or(LatLon { lat: 0.0, lon: 0.0 }, |c| LatLon { lat: c.lat, lon: c.lon })
}
