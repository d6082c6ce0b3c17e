//! The zones' side of the blast radius: zones grouped by their four name servers,
//! which location each sampled resolver reaches each name server at, and from that
//! the name servers per zone a set of bad locations takes down and the zones and
//! zone–resolver pairs it touches.

use std::collections::BTreeMap;

use crate::deploy::anycast::{self, Site, announcements, group_of};
use crate::spec::deploy::{DeploySpec, STRIPES};

/// Zones by the groups of their four name servers, and which location each sampled
/// resolver reaches each (stripe, group) at.
pub(super) struct ZoneView {
    groups: usize,
    /// Zones per class (the group on each stripe, as a base-`groups` number), for the
    /// classes that have zones: (its group on each stripe, zones).
    classes: Vec<([u8; STRIPES], u32)>,
    zones: f64,
    /// Per sampled resolver, per stripe × group: the location it reaches it at.
    nearest: Vec<Vec<Option<u16>>>,
    /// Per stripe × group, per location: some sampled resolver reaches it there.
    reach_any: Vec<Vec<bool>>,
}

impl ZoneView {
    pub(super) fn new(spec: &DeploySpec, d: &anycast::DelegationSets, sites: &[Site]) -> ZoneView {
        let g = usize::from(spec.anycast.groups_per_stripe.clamp(1, 16));
        let mut counts = vec![0u32; g.pow(STRIPES as u32)];
        for set in &d.sets {
            let c =
                (0..STRIPES).rev().fold(0, |c, s| c * g + usize::from(group_of(set[s], d.pool_per_stripe, g as u16)));
            counts[c] += 1;
        }
        let classes = counts
            .iter()
            .enumerate()
            .filter(|c| *c.1 > 0)
            .map(|(c, &n)| {
                let mut c = c;
                let groups = std::array::from_fn(|_| {
                    let x = (c % g) as u8;
                    c /= g;
                    x
                });
                (groups, n)
            })
            .collect();
        let ann = announcements(&spec.fleet, &spec.anycast);
        let mut reach_any = vec![vec![false; spec.fleet.len()]; STRIPES * g];
        let nearest: Vec<Vec<Option<u16>>> = sites
            .iter()
            .map(|site| {
                let mut v = Vec::with_capacity(STRIPES * g);
                for s in 0..STRIPES {
                    for grp in 0..g {
                        let l =
                            site.all_by_stripe[s].iter().map(|c| c.1).find(|&l| ann[usize::from(l)] & (1 << grp) != 0);
                        if let Some(l) = l {
                            reach_any[s * g + grp][usize::from(l)] = true;
                        }
                        v.push(l);
                    }
                }
                v
            })
            .collect();
        ZoneView { groups: g, classes, zones: d.sets.len().max(1) as f64, nearest, reach_any }
    }

    pub(super) fn mask(&self, bad: &[usize]) -> Vec<bool> {
        let mut m = vec![false; self.reach_any.first().map_or(0, Vec::len)];
        for &l in bad {
            m[l] = true;
        }
        m
    }

    /// Per stripe, the groups some resolver reaches at one of `bad`.
    pub(super) fn reached(&self, bad: &[usize]) -> [u16; STRIPES] {
        let g = self.groups;
        std::array::from_fn(|s| {
            (0..g).fold(
                0u16,
                |m, grp| {
                    if bad.iter().any(|&l| self.reach_any[s * g + grp][l]) { m | 1 << grp } else { m }
                },
            )
        })
    }

    /// Zones (by count) with a name server in a reached group.
    pub(super) fn covered(&self, m: &[u16; STRIPES]) -> f64 {
        self.classes
            .iter()
            .filter(|(g, _)| (0..STRIPES).any(|s| m[s] & (1 << g[s]) != 0))
            .map(|&(_, n)| f64::from(n))
            .sum()
    }

    /// The most of a zone's name servers reached at `bad` locations, and the share of
    /// zones at that count, percent.
    pub(super) fn worst(&self, bad: &[usize]) -> (usize, f64) {
        let m = self.reached(bad);
        let mut worst = 0;
        let mut at = 0u64;
        for &(g, count) in &self.classes {
            let k = (0..STRIPES).filter(|&s| m[s] & (1 << g[s]) != 0).count();
            if k > worst {
                worst = k;
                at = 0;
            }
            if k == worst {
                at += u64::from(count);
            }
        }
        (worst, if worst == 0 { 0.0 } else { 100.0 * at as f64 / self.zones })
    }

    /// Zones affected through `bad` locations (percent), and (zone, resolver) pairs.
    pub(super) fn affected(&self, bad: &[usize]) -> (f64, f64) {
        if bad.is_empty() || self.nearest.is_empty() {
            return (0.0, 0.0);
        }
        let zones = self.covered(&self.reached(bad));
        let is_bad = self.mask(bad);
        let g = self.groups;
        // Resolvers with the same reach pattern affect the same zones.
        let mut patterns: BTreeMap<[u16; STRIPES], u32> = BTreeMap::new();
        for r in &self.nearest {
            let m: [u16; STRIPES] =
                std::array::from_fn(|s| {
                    (0..g).fold(0u16, |m, grp| {
                        if r[s * g + grp].is_some_and(|l| is_bad[usize::from(l)]) { m | 1 << grp } else { m }
                    })
                });
            if m.iter().any(|&x| x != 0) {
                *patterns.entry(m).or_default() += 1;
            }
        }
        let pairs: f64 = patterns.iter().map(|(m, &k)| self.covered(m) * f64::from(k)).sum();
        (100.0 * zones / self.zones, 100.0 * pairs / (self.zones * self.nearest.len() as f64))
    }
}
