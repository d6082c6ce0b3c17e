//! Typed tables of a run: the regions (with where every host and load balancer
//! is) and the names resolvers query. Each is interned once and then referred to
//! by a small id, [`RegionId`] or [`NameId`], instead of a string compared by
//! position.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::base::geo::{self, LatLon};
use crate::route53::answer::Dest;
use crate::route53::zone::{HostIdx, LbIdx, Zone};

/// A region, as an index into a run's [`RegionTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionId(pub u16);

impl RegionId {
    /// The id as an index into per-region vectors.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// The regions of a run: the zone's regions in order, then any other a host or
/// load balancer names; each region's coordinates (for client RTTs); and the region
/// of every host and load balancer.
#[derive(Clone, Debug)]
pub struct RegionTable {
    names: Vec<String>,
    index: BTreeMap<String, RegionId>,
    at: Vec<Option<LatLon>>,
    host: Vec<RegionId>,
    lb: Vec<RegionId>,
}

impl RegionTable {
    /// The table for `zone`.
    pub fn new(zone: &Zone) -> RegionTable {
        let mut t =
            RegionTable { names: Vec::new(), index: BTreeMap::new(), at: Vec::new(), host: Vec::new(), lb: Vec::new() };
        for r in &zone.regions {
            t.intern(&r.name);
        }
        t.host = zone.hosts.iter().map(|h| t.intern(&h.region)).collect();
        t.lb = zone.load_balancers.iter().map(|l| t.intern(&l.spec.region)).collect();
        t.at = t.names.iter().map(|r| geo::region_city(r).map(|c| c.place().at)).collect();
        t
    }

    fn intern(&mut self, name: &str) -> RegionId {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        // A valid zone names only known AWS regions, far fewer than 65,536.
        let id = RegionId(u16::try_from(self.names.len()).expect("fewer than 65,536 regions"));
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), id);
        id
    }

    /// Number of regions.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the table is empty (a zone with no regions and no endpoints).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Every region id, in table order.
    pub fn ids(&self) -> impl Iterator<Item = RegionId> + use<> {
        (0..self.names.len()).map(|i| RegionId(i as u16))
    }

    /// The region called `name`, if the table has it.
    pub fn find(&self, name: &str) -> Option<RegionId> {
        self.index.get(name).copied()
    }

    /// The region's name, e.g. `us-east-1`.
    pub fn name(&self, r: RegionId) -> &str {
        &self.names[r.index()]
    }

    /// Where the region's city is (`None` for a region the map does not know).
    pub fn at(&self, r: RegionId) -> Option<LatLon> {
        self.at[r.index()]
    }

    /// The region host `h` is in.
    pub fn of_host(&self, h: HostIdx) -> RegionId {
        self.host[h]
    }

    /// The region load balancer `l` is in.
    pub fn of_lb(&self, l: LbIdx) -> RegionId {
        self.lb[l]
    }

    /// The region an answered address leads to (`None` outside the modelled world).
    pub fn of_dest(&self, d: &Dest) -> Option<RegionId> {
        match d {
            Dest::LbNode { lb, .. } => Some(self.of_lb(*lb)),
            Dest::Host(h) => Some(self.of_host(*h)),
            Dest::Unknown => None,
        }
    }
}

/// A queried name, as an index into a run's [`NameTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NameId(pub u32);

/// The names resolvers query in a run: the service first, then every load
/// balancer's DNS name (load balancer `l` is name `1 + l`, answered by the LB
/// itself), then each in-zone CNAME target as a chain first reaches it.
#[derive(Clone, Debug)]
pub struct NameTable {
    names: Vec<String>,
    index: BTreeMap<String, NameId>,
    lbs: u32,
    /// CNAME targets met so far, by the answer's own shared text: a chain's target is
    /// the same `Arc` in every answer from the same records, so it is found by
    /// pointer instead of by comparing names. Holding the `Arc` keeps its address
    /// from being reused by another text.
    targets: Vec<(Arc<str>, NameId)>,
}

/// CNAME targets [`NameTable::target`] remembers by pointer, at most.
const TARGETS_KEPT: usize = 16;

impl NameTable {
    /// The service name: always the first name of the table.
    pub const SERVICE: NameId = NameId(0);

    /// The table for a run of `service` over `zone`.
    pub fn new(service: &str, zone: &Zone) -> NameTable {
        let mut t = NameTable { names: Vec::new(), index: BTreeMap::new(), lbs: 0, targets: Vec::new() };
        t.push(service);
        for l in &zone.load_balancers {
            // Pushed even if two load balancers share a DNS name, so that load
            // balancer `l` is always name `1 + l`; a lookup by name finds the first.
            t.push(&l.spec.dns_name);
        }
        t.lbs = zone.load_balancers.len() as u32;
        t
    }

    fn push(&mut self, name: &str) -> NameId {
        let id = NameId(self.names.len() as u32);
        self.names.push(name.to_string());
        self.index.entry(name.to_string()).or_insert(id);
        id
    }

    /// The id of a CNAME's `target`, adding it if it is new: [`NameTable::intern`],
    /// found by the text's pointer when this same text was met before.
    pub fn target(&mut self, target: &Arc<str>) -> NameId {
        if let Some((_, id)) = self.targets.iter().find(|(t, _)| Arc::ptr_eq(t, target)) {
            return *id;
        }
        let id = self.intern(target);
        if self.targets.len() < TARGETS_KEPT {
            self.targets.push((target.clone(), id));
        }
        id
    }

    /// The id of `name`, adding it if it is new.
    pub fn intern(&mut self, name: &str) -> NameId {
        match self.index.get(name) {
            Some(&id) => id,
            None => self.push(name),
        }
    }

    /// The DNS name of load balancer `l`.
    pub fn lb(l: LbIdx) -> NameId {
        NameId(1 + l as u32)
    }

    /// The load balancer whose own DNS name `n` is, if it is one.
    pub fn as_lb(&self, n: NameId) -> Option<LbIdx> {
        (1..=self.lbs).contains(&n.0).then(|| (n.0 - 1) as usize)
    }

    /// The name's text.
    pub fn name(&self, n: NameId) -> &str {
        &self.names[n.0 as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CNAME target found by pointer gets the id its name has: two copies of one
    /// name share an id, other names get their own, also past the targets kept.
    #[test]
    fn a_target_found_by_pointer_has_its_name_s_id() {
        let s = crate::design::presets::preset("latency-weighted-cname-ttl1-alb").unwrap();
        let mut t = NameTable::new(&s.service, &Zone::new(&s.zone).unwrap());
        let a: Arc<str> = Arc::from("a.example.com");
        let a2: Arc<str> = Arc::from("a.example.com");
        let id = t.target(&a);
        assert_eq!(t.target(&a), id);
        assert_eq!(t.target(&a2), id);
        assert_eq!(t.intern("a.example.com"), id);
        let others: Vec<Arc<str>> = (0..2 * TARGETS_KEPT).map(|i| Arc::from(format!("n{i}.example.com"))).collect();
        for (i, n) in others.iter().enumerate() {
            let got = t.target(n);
            assert_ne!(got, id);
            assert_eq!(t.target(n), got, "{i}: found again");
            assert_eq!(t.name(got), &**n);
        }
        assert_eq!(t.target(&a), id);
        assert_eq!(t.intern(&s.service), NameTable::SERVICE);
    }

    #[test]
    fn names_put_the_service_first_then_each_load_balancer() {
        let s = crate::design::presets::preset("latency-weighted-cname-ttl1-alb").unwrap();
        let zone = Zone::new(&s.zone).unwrap();
        let mut names = NameTable::new(&s.service, &zone);
        assert_eq!(names.name(NameTable::SERVICE), s.service);
        assert_eq!(names.intern(&s.service), NameTable::SERVICE);
        for l in 0..zone.load_balancers.len() {
            assert_eq!(names.as_lb(NameTable::lb(l)), Some(l));
            assert_eq!(names.name(NameTable::lb(l)), zone.load_balancers[l].spec.dns_name);
        }
        let other = names.intern("use1.sso.example.com");
        assert_eq!(names.as_lb(other), None);
        assert_eq!(names.intern("use1.sso.example.com"), other, "interned once");
        assert_eq!(names.as_lb(NameTable::SERVICE), None);
    }

    #[test]
    fn regions_list_the_zone_first_and_place_every_endpoint() {
        let s = crate::design::presets::preset("latency-weighted-alb").unwrap();
        let zone = Zone::new(&s.zone).unwrap();
        let t = RegionTable::new(&zone);
        assert_eq!(t.len(), zone.regions.len());
        for (i, r) in zone.regions.iter().enumerate() {
            assert_eq!(t.find(&r.name), Some(RegionId(i as u16)));
            assert!(t.at(RegionId(i as u16)).is_some(), "{} has coordinates", r.name);
        }
        for (h, host) in zone.hosts.iter().enumerate() {
            assert_eq!(t.name(t.of_host(h)), host.region);
        }
        assert_eq!(t.of_dest(&Dest::Unknown), None);
        assert_eq!(t.find("mars-1"), None);
    }
}
