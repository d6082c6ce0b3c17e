//! Editing a plan as the page does: moving locations (or fleets) between waves,
//! what is left unplanned, and the "by stripe and geography" arrangement.

use std::collections::BTreeSet;

use crate::base::geo;
use crate::spec::deploy::{DeploySpec, EdgeLocation, Plan, STRIPES, Wave};

/// A wave of a plan: a list of things deployed together and a bake time. Data-plane
/// waves hold locations; control-plane waves hold fleets.
pub trait WaveLike {
    /// What the wave deploys.
    fn items(&self) -> &Vec<String>;
    /// The same, to edit.
    fn items_mut(&mut self) -> &mut Vec<String>;
    /// An empty wave baking `bake_s` after it.
    fn empty(bake_s: u64) -> Self;
    /// Its bake time, s.
    fn bake(&self) -> u64;
}

/// Moves `id` into wave `to` (0-based; `waves.len()` opens a new last wave with the
/// last wave's bake; `None` takes it out of the plan), then drops waves left empty.
/// Returns the wave it ended in (after the drop).
pub fn move_item<W: WaveLike>(waves: &mut Vec<W>, id: &str, to: Option<usize>) -> Option<usize> {
    if let Some(f) = waves.iter().position(|w| w.items().iter().any(|l| l == id)) {
        waves[f].items_mut().retain(|l| l != id);
    }
    let mut at = to.map(|t| {
        if t >= waves.len() {
            let bake_s = waves.last().map_or(crate::spec::deploy::default_bake_s(), W::bake);
            waves.push(W::empty(bake_s));
            waves.len() - 1
        } else {
            t
        }
    });
    if let Some(t) = at {
        waves[t].items_mut().push(id.to_string());
    }
    // Drop emptied waves, keeping `at` pointing at the same wave.
    let mut i = 0;
    waves.retain(|w| {
        let keep = !w.items().is_empty();
        if !keep && at.is_some_and(|t| t > i) {
            at = at.map(|t| t - 1);
        }
        i += 1;
        keep
    });
    at
}

/// Moves location `id` into wave `to` of the plan (see [`move_item`]).
pub fn move_location(plan: &mut Plan, id: &str, to: Option<usize>) -> Option<usize> {
    move_item(&mut plan.waves, id, to)
}

/// Locations of the fleet in no wave of the plan.
pub fn unplanned(spec: &DeploySpec) -> Vec<String> {
    let planned: BTreeSet<&str> = spec.plan.waves.iter().flat_map(|w| w.locations.iter().map(String::as_str)).collect();
    spec.fleet.iter().filter(|l| !planned.contains(l.id.as_str())).map(|l| l.id.clone()).collect()
}

/// Arranges the fleet into waves by stripe and geography: a first wave of one
/// oldest-hardware location, then for each stripe in turn waves of that stripe's
/// locations spread over continents (at most `per_wave` per wave).
pub fn arrange_by_stripe(fleet: &[EdgeLocation], per_wave: usize) -> Vec<Wave> {
    let oldest = fleet.iter().map(|l| l.hardware_gen).min().unwrap_or(1);
    let first = fleet.iter().position(|l| l.hardware_gen == oldest).unwrap_or(0);
    let mut waves = vec![Wave { locations: vec![fleet[first].id.clone()], bake_s: 86_400 }];
    for s in 0..STRIPES as u8 {
        // Round-robin over continents so each wave is geographically diverse.
        let mut by_cont: std::collections::BTreeMap<geo::Continent, Vec<&EdgeLocation>> = Default::default();
        for (i, l) in fleet.iter().enumerate() {
            if l.stripe == s && i != first {
                by_cont.entry(geo::city(&l.city).map_or(geo::Continent::NA, |c| c.continent)).or_default().push(l);
            }
        }
        let mut order = Vec::new();
        let mut k = 0;
        while by_cont.values().any(|v| k < v.len()) {
            for v in by_cont.values() {
                if let Some(l) = v.get(k) {
                    order.push(l.id.clone());
                }
            }
            k += 1;
        }
        let n = order.len().div_ceil(per_wave.max(1)).max(1);
        let size = order.len().div_ceil(n);
        for chunk in order.chunks(size.max(1)) {
            waves.push(Wave { locations: chunk.to_vec(), bake_s: if waves.len() < 3 { 86_400 } else { 21_600 } });
        }
    }
    waves
}

impl WaveLike for Wave {
    fn items(&self) -> &Vec<String> {
        &self.locations
    }
    fn items_mut(&mut self) -> &mut Vec<String> {
        &mut self.locations
    }
    fn empty(bake_s: u64) -> Self {
        Wave { locations: Vec::new(), bake_s }
    }
    fn bake(&self) -> u64 {
        self.bake_s
    }
}
