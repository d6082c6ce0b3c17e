//! Deployment waves over the anycast data plane, and their blast radius.
//!
//! A plan is a list of production waves of edge locations (after staging). A wave's
//! locations deploy together, host by host inside each location, so each goes live
//! `unit_deploy_s` after the wave starts; then verification (`verify_s`) and the
//! wave's bake time; then the next wave. A **bad build** has a modelled effect on every location running it:
//!
//! | kind | effect on a location | caught by |
//! |---|---|---|
//! | black-hole | announced but silent: its catchment waits for other stripes | data-plane alarm |
//! | crash on start | the first host fails its health check as it starts and is taken out of service; the location's other hosts keep answering | host health check (60 s) → halt |
//! | slow on old hardware | +`slow_ms` per answer, only at hardware generation ≤ `old_gen` | latency alarm, only once an old location runs it |
//! | wrong answers | fast but wrong; resolvers cache them for the record TTL, so harm outlives the rollback | answer-verification alarm (or missed) |
//! | version incompatibility | only while old and new run side by side: new locations serve stale answers | caught in staging when staging runs two versions at once |
//!
//! An alarm fires `alarm_delay_s` after the first bad location starts serving in
//! production (if the kind is detected at all); the deployment halts, every deployed
//! location rolls back within `rollback_s`, and a black-holing location withdraws
//! its anycast announcement at once — its resolvers keep sending to it until BGP
//! converges (a per-resolver delay, [`crate::deploy::anycast::convergence_ms`]).
//!
//! Added resolution latency is the steady-state difference plus, for a sequential
//! (SRTT) resolver whose preferred server went silent, its per-kind timeout spread
//! over the cache misses of each [`RELEARN_S`] (it waits once, then avoids the server
//! until it probes it again).
//!
//! User-minutes impaired count what users see: a slow resolution (added latency
//! over `impaired_ms`) only on cache misses, a failed one once the cached answer has
//! expired, a wrong one on every request until it leaves the cache. Every number in the per-wave
//! table comes from these mechanisms and the anycast model in [`crate::deploy::anycast`].

pub mod analysis;
pub mod anycast;
pub mod blast;
pub mod board;
pub mod control;
pub mod editing;
pub mod playback;
pub mod schedule;

pub use analysis::{PlanWarning, analyze};
pub use blast::{DeployReport, RELEARN_S, WaveImpact, impact_csv, run};
pub use editing::{WaveLike, arrange_by_stripe, move_item, move_location, unplanned};
pub use schedule::{HOST_CHECK_S, Schedule, schedule};

use std::collections::BTreeSet;

use crate::base::geo;
use crate::base::rng::{SimRng, stream_id};
use crate::spec::deploy::{DeploySpec, OutageTarget, STRIPES};
use crate::spec::kinds::ResolverKind;
use crate::spec::problems::Problems;

/// Validates a spec's references.
pub fn validate(spec: &DeploySpec) -> Result<(), Problems> {
    let mut p = Problems::none();
    let ids: BTreeSet<&str> = spec.fleet.iter().map(|l| l.id.as_str()).collect();
    if ids.len() != spec.fleet.len() {
        p.push("fleet", "location ids must be unique");
    }
    for (i, l) in spec.fleet.iter().enumerate() {
        if geo::city(&l.city).is_none() {
            p.push(format!("fleet[{i}].city"), format!("unknown city '{}'", l.city));
        }
        if usize::from(l.stripe) >= STRIPES {
            p.push(format!("fleet[{i}].stripe"), format!("{} (stripes are 0 to 3)", l.stripe));
        }
    }
    let mut seen = BTreeSet::new();
    for (w, wave) in spec.plan.waves.iter().enumerate() {
        for (j, id) in wave.locations.iter().enumerate() {
            if !ids.contains(id.as_str()) {
                p.push(format!("plan.waves[{w}].locations[{j}]"), format!("no location '{id}'"));
            } else if !seen.insert(id.as_str()) {
                p.push(format!("plan.waves[{w}].locations[{j}]"), format!("'{id}' is already in an earlier wave"));
            }
        }
    }
    if spec.fleet.len() > 2_000 {
        p.push("fleet", format!("has {} locations; the limit is 2000", spec.fleet.len()));
    }
    if spec.plan.waves.len() > 500 {
        p.push("plan.waves", format!("has {} waves; the limit is 500", spec.plan.waves.len()));
    }
    if spec.zones > 1_000_000 {
        p.push("zones", format!("has {} zones; the limit is 1000000", spec.zones));
    }
    if spec.resolvers > 100_000 {
        p.push("resolvers", format!("has {} resolvers; the limit is 100000", spec.resolvers));
    }
    // Times stay within a month, so every moment fits the clock with room to spare.
    let mut time = |path: String, s: u64| {
        if s > MAX_SPAN_S {
            p.push(path, format!("{s} s; the limit is {MAX_SPAN_S} s (30 days)"));
        }
    };
    time("plan.unit_deploy_s".into(), spec.plan.unit_deploy_s);
    time("plan.verify_s".into(), spec.plan.verify_s);
    time("plan.rollback_s".into(), spec.plan.rollback_s);
    time("bad_build.alarm_delay_s".into(), spec.bad_build.alarm_delay_s);
    for (w, wave) in spec.plan.waves.iter().enumerate() {
        time(format!("plan.waves[{w}].bake_s"), wave.bake_s);
    }
    for (i, o) in spec.outages.iter().enumerate() {
        time(format!("outages[{i}].at_s"), o.at_s);
        if let Some(u) = o.until_s {
            time(format!("outages[{i}].until_s"), u);
        }
    }
    for (i, o) in spec.outages.iter().enumerate() {
        match &o.target {
            OutageTarget::Location(id) if !ids.contains(id.as_str()) => {
                p.push(format!("outages[{i}].target"), format!("no location '{id}'"));
            }
            OutageTarget::Stripe(s) if usize::from(*s) >= STRIPES => {
                p.push(format!("outages[{i}].target"), format!("stripe {s} (stripes are 0 to 3)"));
            }
            _ => {}
        }
        if o.until_s.is_some_and(|u| u <= o.at_s) {
            p.push(format!("outages[{i}].until_s"), "ends before it starts");
        }
    }
    if spec.outages.len() > 200 {
        p.push("outages", format!("has {} outages; the limit is 200", spec.outages.len()));
    }
    if spec.pool_per_stripe == 0 || spec.pool_per_stripe > 4_096 {
        p.push("pool_per_stripe", format!("{} (1 to 4096)", spec.pool_per_stripe));
    }
    p.into_result(())
}

/// The longest duration a deployment spec may name, s (30 days).
pub const MAX_SPAN_S: u64 = 2_592_000;

/// The resolver population of a spec: (city, kind, users), deterministic per seed.
pub fn population(spec: &DeploySpec, seed: u64) -> Vec<(String, ResolverKind, u32)> {
    let mut rng = SimRng::derive(seed, stream_id("deploy/population"));
    let kinds = [
        (ResolverKind::Bind, 30u64),
        (ResolverKind::Unbound, 25),
        (ResolverKind::Powerdns, 10),
        (ResolverKind::Knot, 5),
        (ResolverKind::PublicAnycast, 30),
    ];
    (0..spec.resolvers)
        .map(|_| {
            let city = geo::CITIES[rng.below(geo::CITIES.len() as u64) as usize].id.to_string();
            let mut x = rng.below(100);
            let kind = kinds
                .iter()
                .find(|(_, w)| {
                    if x < *w {
                        true
                    } else {
                        x -= w;
                        false
                    }
                })
                .map_or(ResolverKind::Bind, |k| k.0);
            (city, kind, spec.users_per_resolver)
        })
        .collect()
}
