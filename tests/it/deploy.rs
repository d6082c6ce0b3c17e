//! Deployment waves over the anycast data plane: the mechanisms that make waves by
//! stripe, geography and hardware age bound the damage.

use routewave::deploy;
use routewave::deploy::anycast::{self, LocState};
use routewave::design::presets;
use routewave::spec::deploy::{BadKind, DeploySpec, STRIPES};

fn spec(name: &str) -> DeploySpec {
    presets::preset(name).unwrap().deploy.unwrap()
}

fn with_kind(mut s: DeploySpec, kind: BadKind) -> DeploySpec {
    s.bad_build.kind = kind;
    s.plan.staging_waves = 1; // let everything reach production
    s
}

#[test]
fn waves_by_stripe_never_touch_more_than_one_name_server_per_zone() {
    for kind in [BadKind::BlackHole, BadKind::SlowOnOldHardware, BadKind::WrongAnswers, BadKind::VersionIncompat] {
        for detected in [true, false] {
            let mut s = with_kind(spec("data-plane-by-stripe"), kind);
            s.bad_build.detected = detected;
            // Undetected, a build keeps going; the next stripe only starts after the
            // previous one's waves, so look at the waves of the first stripe.
            let r = deploy::run(&s, 1).unwrap();
            let first_stripe_waves = r.waves.iter().take_while(|w| {
                w.stripes.len() <= 1
                    && w.stripes.first().is_none_or(|&st| st == r.waves[0].stripes.first().copied().unwrap_or(st))
            });
            for w in first_stripe_waves {
                assert!(
                    w.worst_ns_per_zone <= 1,
                    "{kind:?} detected={detected}: wave {} touched {}",
                    w.wave,
                    w.worst_ns_per_zone
                );
            }
            if detected {
                assert!(r.total.worst_ns_per_zone <= 1, "{kind:?}: {}", r.total.worst_ns_per_zone);
            }
        }
    }
}

#[test]
fn a_black_holed_location_hurts_only_its_fastest_catchment_by_the_gap_to_the_second() {
    let s = spec("data-plane-by-stripe");
    let fleet = &s.fleet;
    let sites = anycast::sites(fleet, &deploy::population(&s, 1), &s.anycast, 1);
    let bad = fleet.iter().position(|l| l.id == "fra").expect("Frankfurt is in the fleet") as u16;
    let state = |l: u16| if l == bad { LocState::BlackHole } else { LocState::Ok };
    let (mut hurt, mut checked) = (0, 0);
    for s in sites.iter().filter(|s| matches!(s.selection, anycast::Selection::Parallel { .. })) {
        let before = s.resolve(&|_| LocState::Ok, 0);
        let after = s.resolve(&state, 0);
        let mut rtts: Vec<(u32, u16)> = (0..STRIPES).filter_map(|st| s.catchment(st, &|_| LocState::Ok)).collect();
        rtts.sort_unstable();
        checked += 1;
        if rtts[0].1 == bad {
            hurt += 1;
            let gap = f64::from(rtts[1].0 - rtts[0].0) / 1000.0;
            assert!(
                (after.latency_ms - before.latency_ms - gap).abs() < 0.01,
                "added {} vs gap {gap}",
                after.latency_ms - before.latency_ms
            );
        } else {
            assert_eq!(after.latency_ms, before.latency_ms, "a resolver Frankfurt was not fastest for is untouched");
        }
    }
    assert!(checked > 100 && hurt > 0, "{hurt} of {checked}");
}

#[test]
fn wrong_answers_outlive_the_rollback_by_the_ttl() {
    let short = with_kind(spec("data-plane-by-stripe"), BadKind::WrongAnswers);
    let mut long = short.clone();
    long.record_ttl_s = 3_600;
    let (a, b) = (deploy::run(&short, 1).unwrap(), deploy::run(&long, 1).unwrap());
    assert_eq!(a.time_to_rollback_s, b.time_to_rollback_s, "same rollback");
    assert!(a.total.wrong_resolver_seconds > 0.0);
    // Each affected resolver keeps the wrong answer up to one TTL more: the extra is
    // about (3,600 − 300) s per affected resolver-interval.
    let extra = b.total.wrong_resolver_seconds - a.total.wrong_resolver_seconds;
    assert!(extra >= 3_300.0, "extra wrong resolver-seconds {extra}");
    assert!(b.total.wrong_client_requests > a.total.wrong_client_requests);
}

#[test]
fn the_bad_plan_scores_worse_on_every_metric() {
    for kind in [BadKind::BlackHole, BadKind::WrongAnswers] {
        let good = deploy::run(&with_kind(spec("data-plane-by-stripe"), kind), 1).unwrap().total;
        let bad = deploy::run(&with_kind(spec("data-plane-bad-plan"), kind), 1).unwrap().total;
        assert!(bad.locations.len() > good.locations.len(), "{kind:?} locations");
        assert!(bad.stripes.len() > good.stripes.len(), "{kind:?} stripes");
        assert!(bad.worst_ns_per_zone > good.worst_ns_per_zone, "{kind:?} worst NS");
        assert!(bad.resolvers_affected_pct > good.resolvers_affected_pct, "{kind:?} resolvers");
        assert!(bad.user_minutes > good.user_minutes, "{kind:?} user-minutes");
        if kind == BadKind::BlackHole {
            assert!(bad.failed_resolutions > good.failed_resolutions, "failures");
            assert!(bad.added_latency_p99_ms > good.added_latency_p99_ms, "p99");
        } else {
            assert!(bad.wrong_resolver_seconds > good.wrong_resolver_seconds, "wrong answers");
        }
    }
}

#[test]
fn crashes_halt_at_the_first_host_and_old_hardware_first_catches_slowness() {
    let r = deploy::run(&with_kind(spec("data-plane-by-stripe"), BadKind::Crash), 1).unwrap();
    assert_eq!(r.time_to_detect_s, Some(deploy::HOST_CHECK_S));
    assert_eq!(r.total.resolvers_affected_pct, 0.0);
    assert_eq!(r.waves_started, 1);
    let r = deploy::run(&with_kind(spec("data-plane-by-stripe"), BadKind::SlowOnOldHardware), 1).unwrap();
    assert_eq!(r.waves_started, 1, "the first wave is the oldest hardware: the latency alarm fires there");
    assert!(r.total.added_latency_p50_ms >= 300.0);
}

#[test]
fn split_world_staging_catches_version_incompatibility() {
    let mut s = spec("data-plane-by-stripe");
    s.bad_build.kind = BadKind::VersionIncompat;
    assert!(deploy::run(&s, 1).unwrap().caught_in_staging);
    s.plan.staging_waves = 1;
    let r = deploy::run(&s, 1).unwrap();
    assert!(!r.caught_in_staging && r.total.wrong_resolver_seconds > 0.0);
}

#[test]
fn plan_analysis_flags_the_bad_plan_with_numbers_and_not_the_good_one() {
    assert_eq!(deploy::analyze(&spec("data-plane-by-stripe"), 1).unwrap(), vec![]);
    let w = deploy::analyze(&spec("data-plane-bad-plan"), 1).unwrap();
    let text: Vec<&str> = w.iter().map(|w| w.message.as_str()).collect();
    for needle in [
        "spans 4 stripes",
        "not geographically diverse",
        "the first wave has 10 locations",
        "not on the oldest hardware",
        "bakes only 3600 s",
    ] {
        assert!(text.iter().any(|t| t.contains(needle)), "{needle}: {text:#?}");
    }
}

#[test]
fn results_are_deterministic_per_seed() {
    let s = spec("data-plane-bad-plan");
    assert_eq!(deploy::run(&s, 3).unwrap(), deploy::run(&s, 3).unwrap());
    assert_ne!(deploy::run(&s, 3).unwrap().total, deploy::run(&s, 4).unwrap().total);
}

#[test]
fn slower_bgp_convergence_after_the_withdrawal_costs_more() {
    let base = spec("data-plane-bad-plan");
    let mut slow = base.clone();
    slow.anycast.convergence_median_s = 120.0;
    let (a, b) = (deploy::run(&base, 1).unwrap().total, deploy::run(&slow, 1).unwrap().total);
    assert!(b.user_minutes > a.user_minutes, "{} vs {}", b.user_minutes, a.user_minutes);
    assert_eq!(a.resolvers_affected_pct, b.resolvers_affected_pct, "the same resolvers, hurt for longer");
}

#[test]
fn a_trainee_rebuilds_the_good_plan_by_moving_locations() {
    // Start from the bad plan; move every location, one at a time, into the wave the
    // stripe arrangement gives it (as dragging chips between columns does).
    let good = spec("data-plane-by-stripe");
    let mut s = spec("data-plane-bad-plan");
    assert!(!deploy::analyze(&s, 1).unwrap().is_empty(), "the bad plan is flagged");
    for wave in &good.plan.waves {
        let mut target: Option<usize> = None;
        for id in &wave.locations {
            let to = target.unwrap_or(s.plan.waves.len());
            let at = deploy::move_location(&mut s.plan, id, Some(to)).unwrap();
            assert!(s.plan.waves[at].locations.contains(id));
            target = Some(at);
        }
    }
    // The old waves emptied out and were dropped; what is left is the good plan's waves.
    let ids = |p: &routewave::spec::deploy::Plan| p.waves.iter().map(|w| w.locations.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&s.plan), ids(&good.plan));
    assert!(deploy::unplanned(&s).is_empty());
    let warnings = deploy::analyze(&s, 1).unwrap();
    assert!(warnings.iter().all(|w| !w.message.contains("stripes (")), "{warnings:?}");
    let (a, b) = (deploy::run(&spec("data-plane-bad-plan"), 1).unwrap(), deploy::run(&s, 1).unwrap());
    assert!(b.total.user_minutes < a.total.user_minutes);
    // Taking a location out of the plan leaves it unplanned and says so.
    let id = s.plan.waves[0].locations[0].clone();
    assert_eq!(deploy::move_location(&mut s.plan, &id, None), None);
    assert_eq!(deploy::unplanned(&s), vec![id]);
    let csv = deploy::impact_csv(&b);
    assert_eq!(csv.lines().count(), b.waves.len() + 2);
    assert!(csv.lines().last().unwrap().starts_with("total,"));
}

use crate::pins;

#[test]
fn the_deployment_fingerprint_is_pinned() {
    // The browser test (tests/web.rs) asserts the wasm build gives the same fingerprint.
    assert_eq!(
        pins::deploy_fingerprint(),
        pins::DEPLOY_FINGERPRINT_BAD_PLAN,
        "the deployment changed: if intended, update tests/common/pins.rs"
    );
}

#[test]
fn the_projected_coastline_is_pinned() {
    // The browser test (tests/web.rs) asserts the same projected coastline.
    assert_eq!(pins::map_fingerprint(), pins::MAP_FINGERPRINT);
}

#[test]
fn bad_outages_are_refused_by_path() {
    use routewave::spec::deploy::{Outage, OutageKind, OutageTarget};
    let mut s = spec("data-plane-by-stripe");
    s.outages = vec![
        Outage {
            at_s: 10,
            until_s: None,
            target: OutageTarget::Location("atlantis".into()),
            kind: OutageKind::Withdraw,
        },
        Outage { at_s: 10, until_s: Some(5), target: OutageTarget::Stripe(7), kind: OutageKind::BlackHole },
    ];
    let problems: Vec<String> = deploy::validate(&s).unwrap_err().0.iter().map(ToString::to_string).collect();
    assert!(problems.iter().any(|p| p == "outages[0].target: no location 'atlantis'"), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("outages[1].target: stripe 7")), "{problems:?}");
    assert!(problems.iter().any(|p| p == "outages[1].until_s: ends before it starts"), "{problems:?}");
    assert!(routewave::deploy::playback::DeployPlayback::build(&s, 1).is_err());
}

#[test]
fn times_beyond_a_month_are_refused_with_the_limit() {
    use routewave::spec::deploy::{Outage, OutageKind, OutageTarget};
    let mut s = spec("data-plane-by-stripe");
    s.plan.waves[0].bake_s = u64::MAX;
    s.outages.push(Outage {
        at_s: u64::MAX / 2,
        until_s: None,
        target: OutageTarget::Stripe(1),
        kind: OutageKind::Withdraw,
    });
    let problems: Vec<String> = deploy::validate(&s).unwrap_err().0.iter().map(ToString::to_string).collect();
    assert!(problems.iter().any(|p| p.starts_with("plan.waves[0].bake_s") && p.contains("30 days")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("outages[0].at_s")), "{problems:?}");
}
