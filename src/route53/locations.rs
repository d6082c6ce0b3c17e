//! Route 53's DNS locations as a failover run sees them: the edge locations that
//! answer a hosted zone's four name servers (one per stripe), and which location a
//! resolver's query for each name server lands at.
//!
//! Mechanisms (docs/model.md, "Route 53: health checks and how verdicts reach the DNS
//! servers"):
//! - a zone has four name servers, one in each of four stripes; each name server is
//!   announced by anycast from every location of its stripe, and a query lands at
//!   the network-closest one (documented: AWS Architecture Blog, "A case study in
//!   global fault isolation", 2014);
//! - where Route 53's locations are and which stripe each announces is not
//!   published: the locations are the default edge fleet of [`default_fleet`] (60
//!   cities, stripes balanced geographically; assumed), and "network-closest" is the
//!   nearest by great-circle distance (derived);
//! - the round trip to a location follows the latency model's distance rule.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::base::geo::{self, LatLon};
use crate::spec::deploy::{EdgeLocation, STRIPES, city_at, default_fleet};
use crate::spec::params::LatencyModel;

/// The DNS locations answering a zone.
#[derive(Clone, Debug)]
pub struct DnsLocations {
    /// Each location's name (its city), place and stripe.
    sites: Vec<(String, LatLon, u8)>,
}

impl DnsLocations {
    /// Route 53's locations, modelled by the default edge fleet (built once, then
    /// shared: every run starts from them).
    pub fn route53() -> &'static DnsLocations {
        static ROUTE53: OnceLock<DnsLocations> = OnceLock::new();
        ROUTE53.get_or_init(|| DnsLocations::from_fleet(&default_fleet()))
    }

    /// The locations of `fleet`.
    pub fn from_fleet(fleet: &[EdgeLocation]) -> DnsLocations {
        let name = |l: &EdgeLocation| geo::city(&l.city).map_or_else(|| l.id.clone(), |c| c.name.to_string());
        DnsLocations { sites: fleet.iter().map(|l| (name(l), city_at(&l.city), l.stripe)).collect() }
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.sites.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }

    /// Location `i`'s name (its city, e.g. `Frankfurt`).
    pub fn id(&self, i: usize) -> &str {
        &self.sites[i].0
    }

    /// For each of the zone's four name servers, the location a query from `from`
    /// lands at: the nearest location announcing that stripe (the first in fleet
    /// order on a tie). `None` for a stripe no location announces.
    pub fn catchments(&self, from: LatLon) -> [Option<usize>; STRIPES] {
        std::array::from_fn(|stripe| {
            let mut best: Option<(f64, usize)> = None;
            for (i, (_, at, s)) in self.sites.iter().enumerate() {
                if usize::from(*s) != stripe {
                    continue;
                }
                let d = from.distance_km(*at);
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, i));
                }
            }
            best.map(|(_, i)| i)
        })
    }

    /// [`DnsLocations::catchments`] of Route 53's locations, each with its distance
    /// from `from` in km. A pure function of the place over a fixed fleet, so each
    /// place's is found once and remembered: every trial of a scenario puts its
    /// resolvers in the same few cities.
    pub fn route53_catchments(from: LatLon) -> [Option<(usize, f64)>; STRIPES] {
        type Memo = Mutex<BTreeMap<(u64, u64), [Option<(usize, f64)>; STRIPES]>>;
        static MEMO: OnceLock<Memo> = OnceLock::new();
        let key = (from.lat.to_bits(), from.lon.to_bits());
        let memo = MEMO.get_or_init(Memo::default);
        if let Some(found) = memo.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return *found;
        }
        let all = DnsLocations::route53();
        let found = all.catchments(from).map(|c| c.map(|i| (i, from.distance_km(all.sites[i].1))));
        memo.lock().unwrap_or_else(PoisonError::into_inner).insert(key, found);
        found
    }
}

/// A round trip of `km` great-circle kilometres, µs, by the latency model's distance
/// rule.
pub fn rtt_us_at_km(km: f64, model: &LatencyModel) -> u64 {
    ((model.base_ms + model.ms_per_km * km) * 1000.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_lands_at_the_nearest_location_of_each_stripe() {
        let locs = DnsLocations::route53();
        let dc = geo::city("washington-dc").unwrap().place().at;
        let c = locs.catchments(dc);
        for (stripe, loc) in c.iter().enumerate() {
            let loc = loc.expect("every stripe is announced");
            let d = dc.distance_km(locs.sites[loc].1);
            assert_eq!(usize::from(locs.sites[loc].2), stripe);
            for (_, at, s) in &locs.sites {
                if usize::from(*s) == stripe {
                    assert!(dc.distance_km(*at) >= d);
                }
            }
            // Every stripe has a location on the US east coast or near it.
            assert!(d < 1_500.0, "stripe {stripe}: {d:.0} km");
        }
        assert!(rtt_us_at_km(dc.distance_km(locs.sites[c[0].unwrap()].1), &LatencyModel::default()) >= 5_000);
    }

    /// The remembered catchments are the computed ones, with the distances the round
    /// trips are computed from, asked for once or again.
    #[test]
    fn remembered_catchments_are_the_computed_ones() {
        let locs = DnsLocations::route53();
        for id in ["washington-dc", "sydney", "sao-paulo", "washington-dc"] {
            let at = geo::city(id).unwrap().place().at;
            let remembered = DnsLocations::route53_catchments(at);
            assert_eq!(remembered.map(|c| c.map(|(i, _)| i)), locs.catchments(at), "{id}");
            for (i, km) in remembered.into_iter().flatten() {
                assert_eq!(km.to_bits(), at.distance_km(locs.sites[i].1).to_bits(), "{id}");
            }
        }
    }
}
