//! The routing policies applied to one group's records (model: answers): the candidates each
//! policy orders (latency, geolocation, geoproximity, IP-based) and how a record is
//! taken from them (first healthy, or fail open), and the policies that choose by
//! drawing (weighted, multivalue) or by role (failover).

use super::engine::Engine;
use super::{ClientAddr, MULTIVALUE_MAX, Verdict};
use crate::base::geo::Place;
use crate::base::rng::SimRng;
use crate::route53::zone::{GroupIdx, Policy, RecordIdx, Zone};
use crate::spec::zone::GeoLocationSpec;

impl Engine<'_> {
    /// Latency candidates, lowest round trip from the client first (members of a
    /// group share its policy, as validated).
    pub(super) fn latency_candidates(&self, members: &[RecordIdx], client: &ClientAddr) -> Vec<(RecordIdx, String)> {
        let now = self.query.now;
        let explaining = self.explain.is_some();
        let mut ordered: Vec<(u64, RecordIdx, &str)> = members
            .iter()
            .filter_map(|&m| match &self.zone.records[m].policy {
                Policy::Latency { region } => {
                    Some((self.latency.rtt_us(&client.place, region, now), m, region.as_str()))
                }
                _ => None,
            })
            .collect();
        ordered.sort();
        ordered
            .into_iter()
            .map(|(rtt, m, region)| {
                let why = if explaining {
                    format!("{region} at {:.1} ms from {}", rtt as f64 / 1000.0, client.place.key)
                } else {
                    String::new()
                };
                (m, why)
            })
            .collect()
    }

    /// Takes the first healthy candidate of an ordered list; fails open to the first.
    pub(super) fn first_healthy(
        &mut self,
        g: GroupIdx,
        cands: &[(RecordIdx, String)],
        depth: usize,
        order: &str,
    ) -> RecordIdx {
        let z = self.zone;
        for (i, (m, why)) in cands.iter().enumerate() {
            let (ok, reason) = self.healthy(*m);
            if ok {
                self.note(depth, g, Some(*m), Verdict::Taken, || {
                    let label = z.records[*m].label();
                    format!(
                        "{label}: {why}; {reason} → taken ({order}{})",
                        if i > 0 { ", after skipping unhealthy ones" } else { "" }
                    )
                });
                return *m;
            }
            self.note(depth, g, Some(*m), Verdict::Skipped, || {
                format!("{}: {why}; {reason} → skipped", z.records[*m].label())
            });
        }
        let first = cands[0].0;
        self.note(depth, g, Some(first), Verdict::FailOpen, || {
            let label = z.records[first].label();
            format!("every candidate is unhealthy, so Route 53 fails open: all count as healthy → {label} ({order})")
        });
        first
    }

    /// Weighted choice (model: answers): among healthy records with weight > 0; then the
    /// healthy weight-0 ones, equally likely; fail open by weight among weight > 0.
    pub(super) fn weighted(&mut self, g: GroupIdx, members: &[RecordIdx], depth: usize, rng: &mut SimRng) -> RecordIdx {
        let z = self.zone;
        let weight = |m: RecordIdx| match z.records[m].policy {
            Policy::Weighted { weight } => u64::from(weight),
            _ => 0,
        };
        let nonzero: Vec<RecordIdx> = members.iter().copied().filter(|&m| weight(m) > 0).collect();
        let zero: Vec<RecordIdx> = members.iter().copied().filter(|&m| weight(m) == 0).collect();
        let healthy_of = |set: &[RecordIdx], this: &mut Self| -> Vec<RecordIdx> {
            set.iter()
                .copied()
                .filter(|&m| {
                    let (ok, reason) = this.healthy(m);
                    if !ok {
                        this.note(depth, g, Some(m), Verdict::Skipped, || {
                            format!("{} (weight {}): {reason} → skipped", z.records[m].label(), weight(m))
                        });
                    }
                    ok
                })
                .collect()
        };
        let (pool, how, verdict): (Vec<RecordIdx>, &str, Verdict) = if !nonzero.is_empty() {
            let h = healthy_of(&nonzero, self);
            if !h.is_empty() {
                (h, "weighted draw among healthy records with weight > 0", Verdict::Taken)
            } else {
                let hz = healthy_of(&zero, self);
                if !hz.is_empty() {
                    (
                        hz,
                        "every weight > 0 record is unhealthy, so the weight-0 records are used, equally likely",
                        Verdict::Taken,
                    )
                } else {
                    (
                        nonzero.clone(),
                        "everything is unhealthy: fail open, weighted draw among weight > 0",
                        Verdict::FailOpen,
                    )
                }
            }
        } else {
            let h = healthy_of(&zero, self);
            if !h.is_empty() {
                (h, "all weights are 0: every healthy record equally likely", Verdict::Taken)
            } else {
                (zero.clone(), "all weights are 0 and all unhealthy: fail open, equally likely", Verdict::FailOpen)
            }
        };
        let total: u64 = pool.iter().map(|&m| weight(m)).sum();
        let pick = if total == 0 {
            pool[rng.below(pool.len() as u64) as usize]
        } else {
            let mut x = rng.below(total);
            let mut chosen = pool[pool.len() - 1];
            for &m in &pool {
                let w = weight(m);
                if x < w {
                    chosen = m;
                    break;
                }
                x -= w;
            }
            chosen
        };
        let (w, n) = (weight(pick), pool.len());
        self.note(depth, g, Some(pick), verdict, || {
            let label = z.records[pick].label();
            if total == 0 {
                format!("{label}: {how} (1 in {n}) → taken")
            } else {
                format!("{label}: {how} ({w}/{total}) → taken")
            }
        });
        pick
    }

    /// Failover (model: answers): the primary while healthy, else a healthy secondary, else
    /// the primary (fail open).
    pub(super) fn failover(
        &mut self,
        g: GroupIdx,
        p: Option<RecordIdx>,
        s: Option<RecordIdx>,
        depth: usize,
    ) -> RecordIdx {
        let z = self.zone;
        if let Some(p) = p {
            let (ok, reason) = self.healthy(p);
            let label = || z.records[p].label();
            if ok {
                self.note(depth, g, Some(p), Verdict::Taken, || format!("{} (primary): {reason} → taken", label()));
                return p;
            }
            self.note(depth, g, Some(p), Verdict::Skipped, || format!("{} (primary): {reason} → skipped", label()));
        }
        if let Some(s) = s {
            let (ok, reason) = self.healthy(s);
            let label = || z.records[s].label();
            if ok {
                self.note(depth, g, Some(s), Verdict::Taken, || format!("{} (secondary): {reason} → taken", label()));
                return s;
            }
            self.note(depth, g, Some(s), Verdict::Skipped, || format!("{} (secondary): {reason} → skipped", label()));
        }
        // Both unhealthy: the primary is answered (fail open to primary) (model: answers).
        let pick = p.or(s).expect("a failover group has a member");
        self.note(depth, g, Some(pick), Verdict::FailOpen, || {
            let label = z.records[pick].label();
            format!("primary and secondary are both unhealthy, so Route 53 answers the primary → {label}")
        });
        pick
    }

    /// Multivalue (model: answers): up to eight healthy records at random; up to eight
    /// unhealthy ones when none is healthy.
    pub(super) fn multivalue(
        &mut self,
        g: GroupIdx,
        members: &[RecordIdx],
        depth: usize,
        rng: &mut SimRng,
    ) -> Vec<RecordIdx> {
        let z = self.zone;
        let mut healthy = Vec::new();
        for &m in members {
            let (ok, reason) = self.healthy(m);
            if ok {
                healthy.push(m);
            } else {
                self.note(depth, g, Some(m), Verdict::Skipped, || {
                    format!("{}: {reason} → skipped", z.records[m].label())
                });
            }
        }
        let (mut pool, verdict) =
            if healthy.is_empty() { (members.to_vec(), Verdict::FailOpen) } else { (healthy, Verdict::Taken) };
        rng.shuffle(&mut pool);
        pool.truncate(MULTIVALUE_MAX);
        for &m in &pool {
            self.note(depth, g, Some(m), verdict, || {
                let label = z.records[m].label();
                if verdict == Verdict::FailOpen {
                    format!("{label}: every record is unhealthy, so up to 8 unhealthy ones are returned")
                } else {
                    format!("{label}: healthy → returned (up to 8, random)")
                }
            });
        }
        pool
    }
}

/// Geolocation candidates for `place`, most specific first, default last (model: answers);
/// each with why it matches when `explaining` (else an empty string).
pub(super) fn geo_candidates(
    z: &Zone,
    members: &[RecordIdx],
    place: &Place,
    explaining: bool,
) -> Vec<(RecordIdx, String)> {
    let find = |want: &dyn Fn(&GeoLocationSpec) -> bool| {
        members
            .iter()
            .copied()
            .find(|&m| matches!(&z.records[m].policy, Policy::Geolocation { location } if want(location)))
    };
    let why = |text: &dyn Fn() -> String| if explaining { text() } else { String::new() };
    let mut out = Vec::new();
    if let Some(country) = &place.country {
        if let Some(sub) = &place.subdivision
            && let Some(m) =
                find(&|l| matches!(l, GeoLocationSpec::Subdivision { country: c, code } if c == country && code == sub))
        {
            out.push((m, why(&|| format!("matches state {country}-{sub}"))));
        }
        if let Some(m) = find(&|l| matches!(l, GeoLocationSpec::Country(c) if c == country)) {
            out.push((m, why(&|| format!("matches country {country}"))));
        }
        let continent = place.continent.code();
        if let Some(m) = find(&|l| matches!(l, GeoLocationSpec::Continent(c) if c == continent)) {
            out.push((m, why(&|| format!("matches continent {continent}"))));
        }
    }
    if let Some(m) = find(&|l| matches!(l, GeoLocationSpec::Default)) {
        out.push((m, why(&|| "the default location".to_string())));
    }
    out
}

/// Geoproximity candidates, closest first by biased distance (model: answers): a positive
/// bias shrinks the distance (grows the catchment), a negative one stretches it.
pub(super) fn geoproximity_candidates(
    z: &Zone,
    members: &[RecordIdx],
    place: &Place,
    explaining: bool,
) -> Vec<(RecordIdx, String)> {
    let mut ordered: Vec<(u64, RecordIdx, String)> = members
        .iter()
        .filter_map(|&m| {
            let Policy::Geoproximity { at, bias } = z.records[m].policy else { return None };
            let km = place.at.distance_km(at);
            let b = f64::from(bias);
            let biased = if bias >= 0 { km * (1.0 - b / 100.0) } else { km / (1.0 + b / 100.0) };
            let why = if explaining { format!("{km:.0} km, bias {bias} → {biased:.0} km") } else { String::new() };
            Some(((biased * 1000.0) as u64, m, why))
        })
        .collect();
    ordered.sort_by_key(|a| (a.0, a.1));
    ordered.into_iter().map(|(_, m, t)| (m, t)).collect()
}

/// IP-based candidates: records whose blocks contain the client prefix, longest
/// match first, then the `*` default (model: answers).
pub(super) fn ip_candidates(
    z: &Zone,
    members: &[RecordIdx],
    client: &ClientAddr,
    explaining: bool,
) -> Vec<(RecordIdx, String)> {
    let mut matched: Vec<(u8, RecordIdx)> = members
        .iter()
        .filter_map(|&m| {
            let Policy::IpBased { blocks, .. } = &z.records[m].policy else { return None };
            blocks
                .iter()
                .filter(|c| c.contains(client.addr, client.prefix_len))
                .map(|c| c.len)
                .max()
                .map(|len| (len, m))
        })
        .collect();
    matched.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<(RecordIdx, String)> = matched
        .into_iter()
        .map(|(len, m)| {
            (m, if explaining { format!("a /{len} block contains {}", fmt_prefix(client)) } else { String::new() })
        })
        .collect();
    if let Some(&m) = members.iter().find(|&&m| matches!(&z.records[m].policy, Policy::IpBased { default: true, .. })) {
        out.push((m, "the default location '*'".to_string()));
    }
    out
}

/// A client prefix as text, e.g. `203.0.113.0/24`.
pub(super) fn fmt_prefix(c: &ClientAddr) -> String {
    format!("{}/{}", std::net::Ipv4Addr::from(c.addr), c.prefix_len)
}

/// Where a client is, for an explanation, e.g. `london (GB, EU)`.
pub(super) fn describe_place(p: &Place) -> String {
    match (&p.country, &p.subdivision) {
        (Some(c), Some(s)) => format!("{} ({c}-{s}, {})", p.key, p.continent.code()),
        (Some(c), None) => format!("{} ({c}, {})", p.key, p.continent.code()),
        (None, _) => format!("{} (unmapped address)", p.key),
    }
}
