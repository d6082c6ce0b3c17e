//! Property tests of the answer engine's invariants.

use proptest::prelude::*;
use routewave::base::rng::SimRng;
use routewave::base::time::SimTime;
use routewave::route53::answer::{self, Answer, Query};
use routewave::route53::zone::Zone;
use routewave::spec::zone::*;

use crate::support::*;

#[derive(Clone, Copy, Debug)]
enum Policy {
    Weighted,
    Failover,
    Latency,
    Geolocation,
    Multivalue,
}

const REGIONS: [&str; 5] = ["us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2", "sa-east-1"];

/// A one-group zone: `n` records of `policy`, each with a manual check, some of them
/// unhealthy, all of them candidates for a client in Ashburn, VA.
fn build(policy: Policy, weights: &[u32], down: &[bool]) -> (Zone, Down) {
    let mut spec = zone_spec();
    spec.regions = REGIONS.iter().map(|r| RegionSpec { name: r.to_string(), label: None }).collect();
    let n = match policy {
        Policy::Failover => 2,
        Policy::Geolocation => 4,
        Policy::Latency => REGIONS.len().min(weights.len()),
        _ => weights.len(),
    };
    for i in 0..n {
        let routing = match policy {
            Policy::Weighted => Routing::Weighted { weight: weights[i] },
            Policy::Failover => {
                Routing::Failover { role: if i == 0 { FailoverRole::Primary } else { FailoverRole::Secondary } }
            }
            Policy::Latency => Routing::Latency { region: REGIONS[i].into() },
            Policy::Geolocation => Routing::Geolocation {
                location: [
                    GeoLocationSpec::Subdivision { country: "US".into(), code: "VA".into() },
                    GeoLocationSpec::Country("US".into()),
                    GeoLocationSpec::Continent("NA".into()),
                    GeoLocationSpec::Default,
                ][i]
                    .clone(),
            },
            Policy::Multivalue => Routing::Multivalue,
        };
        spec.health_checks.push(manual(&format!("h{i}")));
        spec.records.push(a(
            "p.example.com",
            Some(&format!("r{i}")),
            routing,
            &format!("192.0.2.{i}"),
            Some(&format!("h{i}")),
        ));
    }
    let zone = Zone::new(&spec).unwrap();
    let ids: Vec<String> = (0..n).filter(|&i| down[i % down.len()]).map(|i| format!("h{i}")).collect();
    let health = Down::checks(&zone, &ids.iter().map(String::as_str).collect::<Vec<_>>());
    (zone, health)
}

fn policy() -> impl Strategy<Value = Policy> {
    prop_oneof![
        Just(Policy::Weighted),
        Just(Policy::Failover),
        Just(Policy::Latency),
        Just(Policy::Geolocation),
        Just(Policy::Multivalue),
    ]
}

/// A generated case: the policy, its records' weights, which checks are down, a seed.
fn case() -> impl Strategy<Value = (Policy, Vec<u32>, Vec<bool>, u64)> {
    (policy(), prop::collection::vec(0u32..=255, 2..10), prop::collection::vec(any::<bool>(), 1..10), any::<u64>())
}

/// The client every case asks for (its resolver's own address).
fn ashburn() -> routewave::route53::answer::ClientAddr {
    client_at("ashburn", [198, 51, 100, 7], 32)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn never_an_unhealthy_answer_while_a_healthy_alternative_exists(
        (policy, weights, down, seed) in case(),
    ) {
        let (zone, health) = build(policy, &weights, &down);
        let from = ashburn();
        let mut rng = SimRng::new(seed);
        let any_healthy = zone.records.iter().any(|r| !health.checks.contains(&r.check.unwrap()));
        let (a, explain) = ask_explained(&zone, "p.example.com", &from, &health, &mut rng);
        let Answer::Records { items, .. } = a else { panic!("unexpected empty answer") };
        let path = explain.path;
        prop_assert!(!path.is_empty());
        prop_assert!(!items.is_empty());
        if any_healthy {
            for r in path {
                prop_assert!(
                    !health.checks.contains(&zone.records[r].check.unwrap()),
                    "{policy:?}: answered unhealthy {} while a healthy record exists",
                    zone.records[r].label()
                );
            }
        }
    }

    #[test]
    fn same_seed_same_answers(
        (policy, weights, down, seed) in case(),
    ) {
        let (zone, health) = build(policy, &weights, &down);
        let from = ashburn();
        let run = || {
            let mut rng = SimRng::new(seed);
            (0..20).map(|_| addrs(&ask(&zone, "p.example.com", &from, &health, &mut rng))).collect::<Vec<_>>()
        };
        prop_assert_eq!(run(), run());
    }

    /// An answer whose draws could not change it is the same under any stream, and
    /// replaying its draws moves a stream exactly as answering did.
    #[test]
    fn a_fixed_answer_is_the_same_whatever_is_drawn(
        (policy, weights, down, seed) in case(),
    ) {
        let (zone, health) = build(policy, &weights, &down);
        let from = ashburn();
        let q = Query { name: "p.example.com", rtype: RecordType::A, resolver: &from, ecs: None, now: SimTime::ZERO };
        let mut answered = SimRng::new(seed);
        let (a, draws) = answer::answer_with_draws(&zone, &q, &health, &latency(), &mut answered);
        if draws.fixed() {
            for other in 0..8 {
                let again = answer::answer(&zone, &q, &health, &latency(), &mut SimRng::new(seed ^ (other + 1)));
                prop_assert_eq!(&again, &a);
            }
            let mut replayed = SimRng::new(seed);
            draws.replay(&mut replayed);
            prop_assert_eq!(replayed.next_u64(), answered.next_u64());
        } else {
            prop_assert!(matches!(policy, Policy::Weighted | Policy::Multivalue), "{policy:?} drew a choice");
        }
    }

    /// Explaining an answer writes text and the path only: the answer and the draws
    /// are the same as without (the simulation answers unexplained, the query tester
    /// explained).
    #[test]
    fn an_explained_answer_is_the_same_answer(
        (policy, weights, down, seed) in case(),
    ) {
        let (zone, health) = build(policy, &weights, &down);
        let from = ashburn();
        let (mut plain_rng, mut explained_rng) = (SimRng::new(seed), SimRng::new(seed));
        for _ in 0..5 {
            let plain = ask(&zone, "p.example.com", &from, &health, &mut plain_rng);
            let (explained, explain) = ask_explained(&zone, "p.example.com", &from, &health, &mut explained_rng);
            prop_assert_eq!(&plain, &explained);
            prop_assert!(!explain.steps.is_empty());
        }
        prop_assert_eq!(plain_rng.next_u64(), explained_rng.next_u64());
    }
}
