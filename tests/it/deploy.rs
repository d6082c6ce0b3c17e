//! Deployment waves over the anycast data plane: the mechanisms that make waves by
//! stripe, geography and hardware age bound the damage.

use routewave::deploy;
use routewave::deploy::anycast;
use routewave::design::presets;
use routewave::spec::deploy::{BadKind, DeploySpec, STRIPES, WrongAnswer};
use routewave::spec::kinds::ResolverKind;

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
fn a_location_affects_zones_only_through_the_name_servers_it_announces() {
    // Every location announces all of its stripe's name servers (the documented
    // design): a single bad location touches every zone, through one name server.
    let mut s = with_kind(spec("data-plane-by-stripe"), BadKind::BlackHole);
    let r = deploy::run(&s, 1).unwrap();
    assert_eq!(r.waves[0].locations.len(), 1);
    assert_eq!(r.waves[0].zones_affected_pct, 100.0);
    assert_eq!(r.waves[0].worst_ns_per_zone, 1);
    // Only for the resolvers that reach it: a small share of (zone, resolver) pairs.
    assert!(r.waves[0].zone_resolver_pairs_pct > 0.0 && r.waves[0].zone_resolver_pairs_pct < 20.0, "{:?}", r.waves[0]);
    // Announcing two of its stripe's eight groups, it touches exactly the zones whose
    // name server on that stripe is in one of them.
    s.anycast.groups_per_location = Some(2);
    let r = deploy::run(&s, 1).unwrap();
    let bad = s.fleet.iter().position(|l| l.id == r.waves[0].locations[0]).unwrap();
    let stripe = usize::from(s.fleet[bad].stripe);
    let mask = anycast::announcements(&s.fleet, &s.anycast)[bad];
    let d = anycast::DelegationSets::assign(s.zones, s.pool_per_stripe, s.max_shared, 1);
    let hit = d.sets.iter().filter(|z| mask & (1 << anycast::group_of(z[stripe], d.pool_per_stripe, 8)) != 0).count();
    let expect = 100.0 * hit as f64 / d.sets.len() as f64;
    assert!((r.waves[0].zones_affected_pct - expect).abs() < 1e-9, "{} vs {expect}", r.waves[0].zones_affected_pct);
    assert!(expect > 15.0 && expect < 35.0, "about a quarter of the zones: {expect}");
}

#[test]
fn wrong_answers_outlive_the_rollback_by_at_most_the_cache_and_client_times() {
    for ttl in [300u32, 3_600] {
        let mut s = with_kind(spec("data-plane-by-stripe"), BadKind::WrongAnswers);
        s.record_ttl_s = ttl;
        s.resolver_params.extender_pct = 0.0;
        let r = deploy::run(&s, 1).unwrap();
        let rollback = r.time_to_rollback_s.expect("the canaries verify answers: the alarm fires");
        let last = r.last_wrong_answer_s.expect("someone cached a wrong answer");
        assert!(r.total.wrong_resolver_seconds > 0.0 && r.total.wrong_client_requests > 0.0);
        // Fetched before the rollback ended, kept for the TTL (no kind caps these),
        // then held by a browser's 60 s cache.
        assert!(last > rollback, "harm outlives the rollback: {last} vs {rollback}");
        assert!(last <= rollback + u64::from(ttl) + 60 + 1, "ttl {ttl}: {last} vs {rollback}");
    }
    // TTL extenders keep wrong answers for their extended time.
    let mut s = with_kind(spec("data-plane-by-stripe"), BadKind::WrongAnswers);
    s.resolver_params.extender_pct = 100.0;
    let r = deploy::run(&s, 1).unwrap();
    let last = r.last_wrong_answer_s.unwrap();
    assert!(last > r.time_to_rollback_s.unwrap() + 3_000, "{last}");
    // A wrong NXDOMAIN is negatively cached: the zone's 900 s, not the record's 300 s.
    let mut s = with_kind(spec("data-plane-by-stripe"), BadKind::WrongAnswers);
    s.resolver_params.extender_pct = 0.0;
    s.bad_build.wrong_answer = WrongAnswer::Nxdomain;
    let r = deploy::run(&s, 1).unwrap();
    assert!(r.last_wrong_answer_s.unwrap() > r.time_to_rollback_s.unwrap() + 400);
}

#[test]
fn the_bad_plan_scores_worse_on_the_designs_metrics() {
    for kind in [BadKind::BlackHole, BadKind::WrongAnswers] {
        let good = deploy::run(&with_kind(spec("data-plane-by-stripe"), kind), 1).unwrap().total;
        let bad = deploy::run(&with_kind(spec("data-plane-bad-plan"), kind), 1).unwrap().total;
        assert!(bad.locations.len() > good.locations.len(), "{kind:?} locations");
        assert!(bad.stripes.len() > good.stripes.len(), "{kind:?} stripes");
        assert!(bad.worst_ns_per_zone > good.worst_ns_per_zone, "{kind:?} worst NS");
        assert!(bad.zone_resolver_pairs_pct > good.zone_resolver_pairs_pct, "{kind:?} zone-resolver pairs");
        assert!(bad.resolvers_affected_pct > good.resolvers_affected_pct, "{kind:?} resolvers");
        assert!(bad.user_minutes > good.user_minutes, "{kind:?} user-minutes");
        if kind == BadKind::BlackHole {
            assert!(bad.failed_resolutions > good.failed_resolutions, "failures");
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
    assert_eq!(r.waves_started, 1, "the first wave is the oldest hardware: the canaries see it there");
    assert!(r.total.resolvers_affected_pct > 0.0 && r.total.added_latency_p99_ms > 0.0, "{:?}", r.total);
    // On the newest hardware only, the same build harms nobody and never alarms.
    let mut s = with_kind(spec("data-plane-by-stripe"), BadKind::SlowOnOldHardware);
    s.bad_build.old_gen = 0;
    let r = deploy::run(&s, 1).unwrap();
    assert_eq!((r.time_to_detect_s, r.total.resolvers_affected_pct), (None, 0.0));
}

#[test]
fn split_world_staging_catches_version_incompatibility() {
    let mut s = spec("data-plane-by-stripe");
    s.bad_build.kind = BadKind::VersionIncompat;
    assert_eq!(s.plan.staging_waves, 2);
    let r = deploy::run(&s, 1).unwrap();
    assert!(r.caught_in_staging && r.waves.is_empty());
    assert!(r.timeline[0].1.contains("50 % of the canaries' requests cross versions"), "{:?}", r.timeline);
    s.plan.staging_waves = 1;
    let r = deploy::run(&s, 1).unwrap();
    assert!(!r.caught_in_staging && r.total.wrong_resolver_seconds > 0.0);
    assert!(r.timeline[0].1.starts_with("staging switches in one wave"), "{:?}", r.timeline[0]);
    // Production's canaries see the stale answers at the first location: it halts there.
    assert_eq!(r.waves_started, 1);
}

#[test]
fn name_server_selection_shares_follow_each_kinds_algorithm() {
    // The published method: a resolver queries a fresh zone about every 2 minutes for
    // an hour. Each kind's documented behaviour shows in its shares.
    let mut s = spec("data-plane-by-stripe");
    s.record_ttl_s = 120;
    s.resolver_params.extender_pct = 0.0;
    let r = deploy::run(&s, 1).unwrap();
    let sel = &r.selection;
    assert_eq!(sel.window_s, 3_600);
    let k = |kind| &sel.by_kind[&kind];
    // BIND tries each new address once (1–31 µs), then the lowest SRTT; every SRTT
    // starts at 0.3 of its first sample and climbs, so close servers take turns while
    // they are learnt, and the fastest still gets most.
    let bind = k(ResolverKind::Bind);
    assert!(bind.majority_to_fastest_pct > 50.0 && bind.mean_share_pct > 50.0, "{bind:?}");
    // Unbound picks uniformly within its 400 ms band: a quarter each.
    let unbound = k(ResolverKind::Unbound);
    assert!((unbound.mean_share_pct - 25.0).abs() < 3.0, "{unbound:?}");
    assert!(unbound.majority_to_fastest_pct < 5.0, "{unbound:?}");
    // Knot: untried servers first, then ε-greedy at 1/20: ≈ 96 % of the rest to the
    // server with the smallest expected timeout (SRTT + 4·variance), which for
    // servers close in RTT is not always the fastest.
    let knot = k(ResolverKind::Knot);
    assert!(knot.mean_share_pct > 75.0 && knot.majority_to_fastest_pct > 85.0, "{knot:?}");
    // PowerDNS queried every 2 minutes: each read decays every average by e^(−2), so
    // the server just used sorts last and the four take turns.
    let pdns = k(ResolverKind::Powerdns);
    assert!((pdns.mean_share_pct - 25.0).abs() < 5.0, "{pdns:?}");
    // The overall share preferring the fastest is the kinds' mix, not a parameter.
    let n = |kind| f64::from(k(kind).resolvers) * k(kind).majority_to_fastest_pct;
    let mixed: f64 = ResolverKind::ALL.iter().map(|&kind| n(kind)).sum::<f64>() / f64::from(sel.overall.resolvers);
    assert!((sel.overall.majority_to_fastest_pct - mixed).abs() < 1e-9);
    assert_eq!(sel.overall.histogram.iter().sum::<u32>(), sel.overall.resolvers);
    assert_eq!(sel.overall.deciles_pct.len(), 9);
    // The JSON report carries the same.
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["selection"]["by_kind"]["unbound"]["majority_to_fastest_pct"].is_number(), "{}", json["selection"]);
}

#[test]
fn the_presets_encode_the_field_designs() {
    let good = spec("data-plane-by-stripe");
    let oldest = good.fleet.iter().map(|l| l.hardware_gen).min().unwrap();
    let hw = |id: &str| good.fleet.iter().find(|l| l.id == *id).unwrap().hardware_gen;
    let stripe = |d: &DeploySpec, id: &str| d.fleet.iter().find(|l| l.id == *id).unwrap().stripe;
    // A first wave of one location on the oldest hardware; then waves of one stripe
    // each, every stripe spread over several waves.
    assert_eq!(good.plan.waves[0].locations.len(), 1);
    assert_eq!(hw(&good.plan.waves[0].locations[0]), oldest);
    for w in &good.plan.waves[1..] {
        let st: std::collections::BTreeSet<u8> = w.locations.iter().map(|id| stripe(&good, id)).collect();
        assert_eq!(st.len(), 1, "{w:?}");
    }
    for s in 0..STRIPES as u8 {
        let waves = good.plan.waves[1..].iter().filter(|w| w.locations.iter().any(|id| stripe(&good, id) == s)).count();
        assert!(waves >= 2, "stripe {s} over {waves} waves");
    }
    assert!(good.plan.waves[0].bake_s >= 86_400, "early waves bake 24 h");
    // Staging split over two waves, canaries verifying answers, the documented alarm period.
    assert_eq!((good.plan.staging_waves, good.bad_build.detected, good.alarm.period_s), (2, true, 60));
    // The bad plan: waves of ten neighbours mixing stripes, one-hour bakes.
    let bad = spec("data-plane-bad-plan");
    assert_eq!(bad.plan.waves.len(), 6);
    for w in &bad.plan.waves {
        assert_eq!(w.locations.len(), 10);
        assert_eq!(w.bake_s, 3_600);
        let st: std::collections::BTreeSet<u8> = w.locations.iter().map(|id| stripe(&bad, id)).collect();
        assert!(st.len() >= 2, "{w:?}");
    }
    assert_eq!(good.fleet, bad.fleet);
    // Control plane: one AZ per wave; batch → operations → customer with split-world staging.
    let ext = presets::preset("external-api-by-az").unwrap().control_plane.unwrap();
    assert!(ext.waves.iter().all(|w| w.fleets.len() == 1) && !ext.split_world_staging);
    let int = presets::preset("internal-api-by-fleet").unwrap().control_plane.unwrap();
    let order: Vec<&str> = int.waves.iter().map(|w| w.fleets[0].as_str()).collect();
    assert_eq!(order, ["batch", "operations", "customer"]);
    assert!(int.split_world_staging);
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
    // Unbound keeps picking among all four name servers at random, so it keeps
    // reaching a withdrawn location until BGP has moved it.
    let mut base = spec("data-plane-bad-plan");
    base.resolver_params.kinds = vec![(ResolverKind::Unbound, 1)];
    let mut slow = base.clone();
    slow.anycast.convergence_median_s = 120.0;
    let (a, b) = (deploy::run(&base, 1).unwrap().total, deploy::run(&slow, 1).unwrap().total);
    assert!(b.failed_resolutions + b.user_minutes > a.failed_resolutions + a.user_minutes, "{b:?} vs {a:?}");
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

#[test]
fn impossible_alarms_announcements_and_bounds_are_refused_by_path() {
    let mut s = spec("data-plane-by-stripe");
    s.alarm.datapoints_to_alarm = 4;
    s.alarm.evaluation_periods = 3;
    s.alarm.threshold_pct = 0.0;
    s.anycast.groups_per_location = Some(9);
    s.resolver_params.baseline_s = 100_000;
    s.resolver_params.kinds = vec![(ResolverKind::Bind, 0)];
    s.plan.staging_waves = 1_000;
    let problems: Vec<String> = deploy::validate(&s).unwrap_err().0.iter().map(ToString::to_string).collect();
    for path in [
        "alarm.datapoints_to_alarm",
        "alarm.threshold_pct",
        "anycast.groups_per_location",
        "resolver_params.baseline_s",
        "resolver_params.kinds",
        "plan.staging_waves",
    ] {
        assert!(problems.iter().any(|p| p.starts_with(path)), "{path}: {problems:?}");
    }
}
