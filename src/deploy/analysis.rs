//! Plan analysis without running the bad build: warnings with their numbers for a
//! wave spanning two stripes, a wave of neighbours, a big first wave, a short bake.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::deploy::anycast::{LocState, Site};
use crate::deploy::{validate, world};
use crate::spec::deploy::{DeploySpec, STRIPES};

/// A problem found by [`analyze`], with its numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanWarning {
    /// Wave (1-based), or 0 for the plan.
    pub wave: usize,
    /// The warning in words, with numbers.
    pub message: String,
}

/// Analyses a plan without running it: warnings with their numbers.
pub fn analyze(spec: &DeploySpec, seed: u64) -> Result<Vec<PlanWarning>, crate::spec::problems::Problems> {
    validate(spec)?;
    let fleet = &spec.fleet;
    let idx = |id: &str| fleet.iter().position(|l| l.id == id).expect("validated");
    let (_, sites): (_, Vec<Site>) = world(spec, seed);
    let mut out = Vec::new();
    let oldest = fleet.iter().map(|l| l.hardware_gen).min().unwrap_or(1);
    for (w, wave) in spec.plan.waves.iter().enumerate() {
        let locs: Vec<usize> = wave.locations.iter().map(|id| idx(id)).collect();
        let stripes: BTreeSet<u8> = locs.iter().map(|&l| fleet[l].stripe).collect();
        if stripes.len() >= 2 {
            out.push(PlanWarning {
                wave: w + 1,
                message: format!(
                    "spans {} stripes ({}): a zone can lose up to {} of its 4 name servers at once",
                    stripes.len(),
                    stripes.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
                    stripes.len()
                ),
            });
        }
        // Resolvers whose nearest location of every stripe still announced is in the wave.
        let in_wave: BTreeSet<u16> = locs.iter().map(|&l| l as u16).collect();
        let cornered = sites
            .iter()
            .filter(|s| {
                (0..STRIPES).all(|st| s.catchment(st, &|_| LocState::Ok).is_none_or(|(_, l)| in_wave.contains(&l)))
            })
            .count();
        let fastest_in = sites
            .iter()
            .filter(|s| {
                let order: Vec<(u32, u16)> = (0..STRIPES).filter_map(|st| s.catchment(st, &|_| LocState::Ok)).collect();
                order.iter().min().is_some_and(|(_, l)| in_wave.contains(l))
            })
            .count();
        if cornered > 0 {
            out.push(PlanWarning {
                wave: w + 1,
                message: format!(
                    "not geographically diverse: {cornered} resolvers ({:.1} %) have the nearest location of every stripe in this wave",
                    100.0 * cornered as f64 / sites.len().max(1) as f64
                ),
            });
        }
        if w == 0 {
            if locs.len() != 1 {
                out.push(PlanWarning {
                    wave: 1,
                    message: format!(
                        "the first wave has {} locations, the fastest location of {:.1} % of resolvers; a single location would bound a bad build's reach",
                        locs.len(),
                        100.0 * fastest_in as f64 / sites.len().max(1) as f64
                    ),
                });
            }
            if locs.iter().any(|&l| fleet[l].hardware_gen != oldest) {
                out.push(PlanWarning {
                    wave: 1,
                    message: format!("the first wave is not on the oldest hardware (generation {oldest}): performance regressions show up later"),
                });
            }
        }
        if w + 1 < spec.plan.waves.len() {
            if wave.bake_s == 0 {
                out.push(PlanWarning { wave: w + 1, message: "no bake before the next wave".into() });
            } else if w < 2 && wave.bake_s < 86_400 {
                out.push(PlanWarning {
                    wave: w + 1,
                    message: format!(
                        "bakes only {} s before the next wave (early production waves bake 24 h)",
                        wave.bake_s
                    ),
                });
            }
        }
    }
    for s in 0..STRIPES as u8 {
        let waves_with: BTreeSet<usize> = spec
            .plan
            .waves
            .iter()
            .enumerate()
            .filter(|(_, wv)| wv.locations.iter().any(|id| fleet[idx(id)].stripe == s))
            .map(|(w, _)| w)
            .collect();
        if waves_with.len() == 1 && fleet.iter().filter(|l| l.stripe == s).count() > 1 {
            let w = *waves_with.iter().next().expect("one");
            let all = spec.plan.waves[w].locations.iter().filter(|id| fleet[idx(id)].stripe == s).count();
            if all == fleet.iter().filter(|l| l.stripe == s).count() {
                out.push(PlanWarning {
                    wave: w + 1,
                    message: format!("holds every location of stripe {s}: a bad build there takes one name server from every zone for every resolver"),
                });
            }
        }
    }
    let planned: BTreeSet<&str> = spec.plan.waves.iter().flat_map(|w| w.locations.iter().map(String::as_str)).collect();
    let missing = fleet.iter().filter(|l| !planned.contains(l.id.as_str())).count();
    if missing > 0 {
        out.push(PlanWarning {
            wave: 0,
            message: format!("{missing} locations are in no wave and never get the build"),
        });
    }
    Ok(out)
}
