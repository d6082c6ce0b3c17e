//! Route 53's latency data: the round-trip time it believes a client location has
//! to each AWS region, with an optional re-measurement model.
//!
//! The base table is a documented distance model, not measured data:
//! `rtt_ms = base_ms + ms_per_km × great-circle km`. Light in fibre covers about
//! 200 km per ms, i.e. 0.01 ms of round trip per km; real paths are longer than
//! great circles, hence the default 0.02 ms/km (path inflation ≈ 2; the formula
//! derived, the inflation assumed: `docs/model.md`, "Latency data").
//!
//! AWS bases the data on "network conditions of the past couple of weeks" (a user
//! routed to one region this week may go to another next week) and publishes no
//! refresh period. The re-measurement model makes that a parameter (docs/model.md,
//! "Latency data"): every `remeasure_period_s` (default a week) the table is re-drawn with
//! multiplicative log-normal noise per (client place, region) (σ 0.15, assumed), the
//! epoch boundaries offset by a seed-derived phase. Two regions at nearly the same
//! distance can then swap order from one epoch to the next, so a client near a tie
//! moves between them when the data changes; a client near one region never does.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::spec::params::LatencyModel;

use crate::base::geo::{self, Place};
use crate::base::rng::{SimRng, decimal, stream_id, stream_id_parts};
use crate::base::time::SimTime;

/// The latency table Route 53 routes by, at any simulated time.
#[derive(Clone, Debug)]
pub struct LatencyTable {
    model: LatencyModel,
    seed: u64,
    phase_ms: u64,
    /// Every round trip computed so far, by the place's coordinates (a pure function
    /// of the place, the region, the epoch, the model and the seed, none of which
    /// change): answers ask for the same few (place, region, epoch) triples over and
    /// over. Shared by clones, which have the same model and seed; a lock only so
    /// that a run stays `Sync`.
    memo: Arc<Mutex<BTreeMap<(u64, u64), PlaceRtts>>>,
}

/// The round trips remembered for one place.
#[derive(Debug)]
struct PlaceRtts {
    /// The place's key (another place at the same coordinates is not remembered).
    key: String,
    /// (region, epoch — 0 without noise —, round trip in µs).
    rtts: Vec<(String, u64, u64)>,
}

impl LatencyTable {
    /// A table for `model`, with noise and epoch phase derived from `seed`.
    pub fn new(model: LatencyModel, seed: u64) -> Self {
        let period_ms = model.remeasure_period_s * 1000;
        let phase_ms =
            if period_ms == 0 { 0 } else { SimRng::derive(seed, stream_id("latency/phase")).below(period_ms) };
        LatencyTable { model, seed, phase_ms, memo: Arc::default() }
    }

    /// The model's parameters.
    pub fn model(&self) -> &LatencyModel {
        &self.model
    }

    /// The measurement epoch in force at `now` (0 when the table never changes).
    pub fn epoch(&self, now: SimTime) -> u64 {
        let period_ms = self.model.remeasure_period_s * 1000;
        (now.as_ms() + self.phase_ms).checked_div(period_ms).unwrap_or(0)
    }

    /// The first moment after `now` at which the table is re-measured (`None` when
    /// it never changes).
    pub fn next_change_after(&self, now: SimTime) -> Option<SimTime> {
        let period_ms = self.model.remeasure_period_s * 1000;
        (period_ms > 0).then(|| SimTime((self.epoch(now) + 1) * period_ms - self.phase_ms))
    }

    /// Route 53's belief of the RTT from `from` to `region` at `now`, in whole
    /// microseconds (integers compare the same everywhere). Unknown regions are
    /// infinitely far.
    pub fn rtt_us(&self, from: &Place, region: &str, now: SimTime) -> u64 {
        let noisy = self.model.remeasure_period_s > 0 && self.model.noise_sigma > 0.0;
        let epoch = if noisy { self.epoch(now) } else { 0 };
        let at = (from.at.lat.to_bits(), from.at.lon.to_bits());
        let mut memo = self.memo.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(p) = memo.get(&at).filter(|p| p.key == from.key)
            && let Some(&(_, _, rtt)) = p.rtts.iter().find(|(r, e, _)| *e == epoch && r == region)
        {
            return rtt;
        }
        let rtt = self.compute_rtt_us(from, region, noisy.then_some(epoch));
        let p = memo.entry(at).or_insert_with(|| PlaceRtts { key: from.key.clone(), rtts: Vec::new() });
        if p.key == from.key {
            p.rtts.push((region.to_string(), epoch, rtt));
        }
        rtt
    }

    /// [`LatencyTable::rtt_us`] computed: the distance model, times the noise of
    /// `epoch` when there is noise.
    fn compute_rtt_us(&self, from: &Place, region: &str, epoch: Option<u64>) -> u64 {
        let Some(city) = geo::region_city(region) else { return u64::MAX };
        let km = from.at.distance_km(geo::LatLon { lat: city.lat, lon: city.lon });
        let mut ms = self.model.base_ms + self.model.ms_per_km * km;
        if let Some(epoch) = epoch {
            // The stream of "latency/<place>/<region>/<epoch>", hashed without building
            // the string.
            let mut epoch_digits = [0u8; 20];
            let stream = stream_id_parts(&[
                b"latency/",
                from.key.as_bytes(),
                b"/",
                region.as_bytes(),
                b"/",
                decimal(epoch, &mut epoch_digits),
            ]);
            ms *= SimRng::derive(self.seed, stream).lognormal(1.0, self.model.noise_sigma);
        }
        (ms * 1000.0) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: &str) -> Place {
        geo::city(id).unwrap().place()
    }

    #[test]
    fn static_table_orders_by_distance() {
        let t = LatencyTable::new(LatencyModel { remeasure_period_s: 0, ..LatencyModel::default() }, 1);
        let dc = place("washington-dc");
        let us = t.rtt_us(&dc, "us-east-1", SimTime::ZERO);
        let eu = t.rtt_us(&dc, "eu-west-1", SimTime::ZERO);
        let ap = t.rtt_us(&dc, "ap-southeast-1", SimTime::ZERO);
        assert!(us < eu && eu < ap, "{us} {eu} {ap}");
        // Washington → Ashburn is ~45 km: about base + 0.9 ms.
        assert!((5_000..7_000).contains(&us), "{us}");
        assert_eq!(t.rtt_us(&dc, "us-east-1", SimTime(10_000_000)), us, "a period of 0: the table never changes");
        assert_eq!(t.rtt_us(&dc, "mars-1", SimTime::ZERO), u64::MAX);
    }

    #[test]
    fn remeasurement_changes_between_epochs_but_not_within() {
        let model = LatencyModel { remeasure_period_s: 600, ..LatencyModel::default() };
        let t = LatencyTable::new(model, 9);
        let p = place("chicago");
        let mut values = std::collections::BTreeSet::new();
        for epoch in 0..20u64 {
            let now = SimTime(epoch * 600_000);
            values.insert(t.rtt_us(&p, "us-east-1", now));
        }
        assert!(values.len() > 10, "the noise re-draws per epoch: {values:?}");
        // Within one epoch the value is stable.
        let e0 = t.epoch(SimTime(0));
        let later = (0..600).map(|s| SimTime(s * 1000)).find(|&x| t.epoch(x) != e0);
        let a = t.rtt_us(&p, "us-east-1", SimTime(0));
        let b = t.rtt_us(&p, "us-east-1", SimTime(1));
        assert_eq!(a, b);
        assert!(later.is_some(), "an epoch boundary falls inside 10 minutes");
    }
}
