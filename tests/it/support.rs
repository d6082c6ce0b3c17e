//! Builders shared by the integration tests.

use std::collections::BTreeSet;

use routewave::base::geo;
use routewave::base::rng::SimRng;
use routewave::base::time::SimTime;
use routewave::route53::answer::{self, Answer, ClientAddr, HealthView, Item, Query};
use routewave::route53::latency::LatencyTable;
use routewave::route53::zone::{CheckIdx, HostIdx, Zone};
use routewave::spec::params::LatencyModel;
use routewave::spec::zone::*;

pub const APEX: &str = "example.com";

pub fn zone_spec() -> ZoneSpec {
    ZoneSpec {
        name: APEX.into(),
        negative_ttl_s: 900,
        records: vec![],
        health_checks: vec![],
        regions: ["us-east-1", "eu-west-1", "ap-southeast-1"]
            .iter()
            .map(|r| RegionSpec { name: r.to_string(), label: None })
            .collect(),
        load_balancers: vec![],
        hosts: vec![],
        cidr_collections: vec![],
        aws_era: AwsEra::default(),
    }
}

pub fn a(name: &str, set_id: Option<&str>, routing: Routing, ip: &str, hc: Option<&str>) -> RecordSpec {
    RecordSpec {
        name: name.into(),
        rtype: RecordType::A,
        set_id: set_id.map(str::to_string),
        routing,
        ttl_s: Some(60),
        value: RecordValue::Values(vec![ip.into()]),
        health_check: hc.map(str::to_string),
    }
}

pub fn alias(
    name: &str,
    set_id: &str,
    routing: Routing,
    target: AliasTarget,
    eth: bool,
    hc: Option<&str>,
) -> RecordSpec {
    RecordSpec {
        name: name.into(),
        rtype: RecordType::A,
        set_id: Some(set_id.into()),
        routing,
        ttl_s: None,
        value: RecordValue::Alias { target, evaluate_target_health: eth },
        health_check: hc.map(str::to_string),
    }
}

pub fn to_record(name: &str) -> AliasTarget {
    AliasTarget::Record { name: name.into() }
}

pub fn to_lb(id: &str) -> AliasTarget {
    AliasTarget::LoadBalancer { id: id.into() }
}

pub fn manual(id: &str) -> HealthCheckSpec {
    HealthCheckSpec { id: id.into(), kind: HealthCheckKind::Manual { healthy: true }, inverted: false, disabled: false }
}

pub fn lb(id: &str, kind: LbKind, region: &str, azs: &[&str]) -> LoadBalancerSpec {
    LoadBalancerSpec {
        id: id.into(),
        kind,
        region: region.into(),
        dns_name: format!("{id}.{region}.elb.amazonaws.com"),
        target_groups: vec![TargetGroupSpec {
            id: "tg".into(),
            targets: azs
                .iter()
                .enumerate()
                .map(|(i, az)| HostSpec { id: format!("{id}-web{i}"), az: format!("{region}{az}"), ip: None })
                .collect(),
        }],
        health: None,
    }
}

/// A health view with named checks and hosts down.
#[derive(Default, Clone)]
pub struct Down {
    pub checks: BTreeSet<CheckIdx>,
    pub hosts: BTreeSet<HostIdx>,
}

impl Down {
    pub fn checks(zone: &Zone, ids: &[&str]) -> Down {
        Down { checks: ids.iter().map(|id| zone.check_by_id(id).expect(id)).collect(), hosts: BTreeSet::new() }
    }
}

impl HealthView for Down {
    fn check_healthy(&self, c: CheckIdx) -> bool {
        !self.checks.contains(&c)
    }
    fn target_healthy(&self, h: HostIdx) -> bool {
        !self.hosts.contains(&h)
    }
}

pub fn client_at(city: &str, addr: [u8; 4], prefix_len: u8) -> ClientAddr {
    ClientAddr { addr: u32::from_be_bytes(addr), prefix_len, place: geo::city(city).expect(city).place() }
}

pub fn latency() -> LatencyTable {
    LatencyTable::new(LatencyModel::default(), 1)
}

pub fn ask(zone: &Zone, name: &str, from: &ClientAddr, health: &dyn HealthView, rng: &mut SimRng) -> Answer {
    let q = Query { name, rtype: RecordType::A, resolver: from, ecs: None, now: SimTime::ZERO };
    answer::answer(zone, &q, health, &latency(), rng)
}

/// [`ask`] with the explanation, which carries the records chosen on the way.
pub fn ask_explained(
    zone: &Zone,
    name: &str,
    from: &ClientAddr,
    health: &dyn HealthView,
    rng: &mut SimRng,
) -> (Answer, answer::Explain) {
    let q = Query { name, rtype: RecordType::A, resolver: from, ecs: None, now: SimTime::ZERO };
    answer::answer_explained(zone, &q, health, &latency(), rng)
}

/// The addresses of an answer, sorted.
pub fn addrs(a: &Answer) -> Vec<String> {
    match a {
        Answer::Records { items, .. } => {
            let mut v: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Item::Addr { text, .. } => text.to_string(),
                    Item::Cname { target, .. } => format!("CNAME {target}"),
                })
                .collect();
            v.sort();
            v
        }
        other => vec![format!("{other:?}")],
    }
}

/// Every distinct answer over `n` queries with one RNG.
pub fn answers_over(
    zone: &Zone,
    name: &str,
    from: &ClientAddr,
    health: &dyn HealthView,
    n: usize,
) -> BTreeSet<Vec<String>> {
    let mut rng = SimRng::new(11);
    (0..n).map(|_| addrs(&ask(zone, name, from, health, &mut rng))).collect()
}
