//! Deployment waves over the anycast data plane, and their blast radius.
//!
//! A plan is a list of production waves of edge locations, after staging. A **bad
//! build** pushed through it has a modelled effect on every location running it:
//!
//! | kind | effect on a location | caught by |
//! |---|---|---|
//! | black-hole | announced but silent: resolvers wait out their timeout, then try another name server | canaries (every answer fails) |
//! | crash on start | the first host fails its health check as it starts and is taken out of service; the location's other hosts keep answering | that host check → halt |
//! | slow on old hardware | +`slow_ms` per answer, only at hardware generation ≤ `old_gen` | canaries, when the slowdown passes the latency threshold |
//! | wrong answers | fast but wrong; resolvers and clients cache them, so harm outlives the rollback | canaries that verify answers (`detected`) |
//! | version incompatibility | an answer needing an exchange with a location on the other version is stale, old and new alike, while both serve | split-world staging; else production canaries that verify answers |
//!
//! The parts: [`schedule`](mod@schedule) (staging, waves, the alarm from its datapoints
//! ([`detector`]), halt and rollback), [`anycast`] (stripes, delegation sets,
//! announcements, catchments, BGP), [`selection`](crate::resolvers::selection) (each resolver kind's name-server
//! selection), [`caching`](crate::resolvers::caching) (TTL floors, caps, negative and failure caching, extenders,
//! client caches), [`resolvers`] (each resolver's queries through time), [`blast`]
//! (the per-wave table and the selection shares), [`analysis`] (plan warnings),
//! [`editing`] (moving locations between waves), [`playback`] (the deployment through
//! time for the map) and [`control`] (control-plane fleets). Every mechanism and
//! parameter, with its source: `docs/model.md`, "Data plane (deployment waves)" and
//! "Control plane (API deployments)".

pub mod analysis;
pub mod anycast;
pub mod blast;
pub mod board;
pub mod control;
pub mod detector;
pub mod editing;
pub mod playback;
pub mod resolvers;
pub mod schedule;

pub use analysis::{PlanWarning, analyze};
pub use blast::{DeployReport, SelectionReport, SelectionShares, WaveImpact, impact_csv, run};
pub use editing::{WaveLike, arrange_by_stripe, move_item, move_location, unplanned};
pub use schedule::{HOST_CHECK_S, Schedule, schedule};

use std::collections::BTreeSet;

use crate::base::geo;
use crate::base::rng::{SimRng, stream_id};
use crate::deploy::anycast::{DelegationSets, Resolver, Site};
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
    time("plan.staging_bake_s".into(), spec.plan.staging_bake_s);
    time("alarm.publish_delay_s".into(), spec.alarm.publish_delay_s);
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
    let a = &spec.anycast;
    if !(1..=16).contains(&a.groups_per_stripe) {
        p.push("anycast.groups_per_stripe", format!("{} (1 to 16)", a.groups_per_stripe));
    }
    if a.groups_per_location.is_some_and(|g| g == 0 || g > a.groups_per_stripe) {
        p.push("anycast.groups_per_location", format!("1 to groups_per_stripe ({})", a.groups_per_stripe));
    }
    let r = &spec.resolver_params;
    if r.kinds.iter().map(|k| u64::from(k.1)).sum::<u64>() == 0 {
        p.push("resolver_params.kinds", "the weights add up to 0");
    }
    for (path, v) in
        [("resolver_params.extender_pct", r.extender_pct), ("resolver_params.public_explore_pct", r.public_explore_pct)]
    {
        if !(0.0..=100.0).contains(&v) {
            p.push(path, format!("{v} (0 to 100)"));
        }
    }
    if r.baseline_s > 86_400 {
        p.push("resolver_params.baseline_s", format!("{} s; the limit is 86400 s (a day)", r.baseline_s));
    }
    if spec.plan.staging_waves > 100 {
        p.push("plan.staging_waves", format!("{}; the limit is 100", spec.plan.staging_waves));
    }
    if r.max_simulated == 0 {
        p.push("resolver_params.max_simulated", "0 (at least 1)");
    }
    p.0.extend(validate_alarm("alarm", &spec.alarm).0);
    if !(spec.user_requests_per_min.is_finite() && spec.user_requests_per_min >= 0.0) {
        p.push("user_requests_per_min", format!("{} (0 or more)", spec.user_requests_per_min));
    }
    p.into_result(())
}

/// The longest duration a deployment spec may name, s (30 days).
pub const MAX_SPAN_S: u64 = 2_592_000;

/// Problems with an alarm's parameters, under `path`.
pub fn validate_alarm(path: &str, a: &crate::spec::deploy::AlarmSpec) -> Problems {
    let mut p = Problems::none();
    if a.period_s == 0 || a.period_s > 86_400 {
        p.push(format!("{path}.period_s"), format!("{} (1 to 86400)", a.period_s));
    }
    if a.evaluation_periods == 0 || u64::from(a.evaluation_periods) * a.period_s.max(1) > 86_400 {
        p.push(
            format!("{path}.evaluation_periods"),
            format!("{} (at least 1, and at most a day of periods)", a.evaluation_periods),
        );
    }
    if a.datapoints_to_alarm == 0 || a.datapoints_to_alarm > a.evaluation_periods {
        p.push(format!("{path}.datapoints_to_alarm"), format!("{} (1 to evaluation_periods)", a.datapoints_to_alarm));
    }
    if !(a.threshold_pct > 0.0 && a.threshold_pct <= 100.0) {
        p.push(format!("{path}.threshold_pct"), format!("{} (above 0, at most 100)", a.threshold_pct));
    }
    if !(a.latency_threshold_ms.is_finite() && a.latency_threshold_ms >= 0.0) {
        p.push(format!("{path}.latency_threshold_ms"), format!("{} (0 or more)", a.latency_threshold_ms));
    }
    if a.publish_delay_s > MAX_SPAN_S {
        p.push(
            format!("{path}.publish_delay_s"),
            format!("{} s; the limit is {MAX_SPAN_S} s (30 days)", a.publish_delay_s),
        );
    }
    p
}

/// The resolver population of a spec, deterministic per seed: cities drawn from the
/// city table, kinds by the spec's weights, a share of TTL extenders.
pub fn population(spec: &DeploySpec, seed: u64) -> Vec<Resolver> {
    let mut rng = SimRng::derive(seed, stream_id("deploy/population"));
    let kinds: Vec<(ResolverKind, u64)> = spec.resolver_params.kinds.iter().map(|k| (k.0, u64::from(k.1))).collect();
    let total: u64 = kinds.iter().map(|k| k.1).sum();
    let extender = spec.resolver_params.extender_pct / 100.0;
    (0..spec.resolvers)
        .map(|_| {
            let city = geo::CITIES[rng.below(geo::CITIES.len() as u64) as usize].id.to_string();
            let mut x = rng.below(total.max(1));
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
            Resolver { city, kind, users: spec.users_per_resolver, extender: rng.chance(extender) }
        })
        .collect()
}

/// The world a spec describes: its delegation sets and its resolver sites.
pub fn world(spec: &DeploySpec, seed: u64) -> (DelegationSets, Vec<Site>) {
    let delegation = DelegationSets::assign(spec.zones, spec.pool_per_stripe, spec.max_shared, seed);
    let sites = anycast::sites(spec, &population(spec, seed), &delegation, seed);
    (delegation, sites)
}
