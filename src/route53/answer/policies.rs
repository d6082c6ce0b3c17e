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
    pub(super) fn latency_candidates(&self, members: &[RecordIdx], client: &ClientAddr) -> Vec<Cand> {
        let now = self.query.now;
        let explaining = self.explain.is_some();
        let mut ordered: Vec<Cand> = members
            .iter()
            .filter_map(|&m| match &self.zone.records[m].policy {
                Policy::Latency { region } => {
                    let rtt = self.latency.rtt_us(&client.place, region, now);
                    let why = if explaining {
                        format!("{region} at {:.1} ms from {}", rtt as f64 / 1000.0, client.place.key)
                    } else {
                        String::new()
                    };
                    Some(Cand { key: rtt, record: m, why })
                }
                _ => None,
            })
            .collect();
        ordered.sort_unstable_by_key(|c| (c.key, c.record));
        ordered
    }

    /// Takes the first healthy candidate of an ordered list; fails open to the first.
    pub(super) fn first_healthy(&mut self, g: GroupIdx, cands: &[Cand], depth: usize, order: &str) -> RecordIdx {
        let z = self.zone;
        for (i, Cand { record: m, why, .. }) in cands.iter().enumerate() {
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
        let first = cands[0].record;
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
        // The members with weight > 0 (`nonzero`) or 0: how many are healthy, each judged
        // once and noted when skipped.
        let healthy_in = |nonzero: bool, this: &mut Self| -> usize {
            let mut n = 0;
            for &m in members.iter().filter(|&&m| (weight(m) > 0) == nonzero) {
                let (ok, reason) = this.healthy(m);
                if ok {
                    n += 1;
                } else {
                    this.note(depth, g, Some(m), Verdict::Skipped, || {
                        format!("{} (weight {}): {reason} → skipped", z.records[m].label(), weight(m))
                    });
                }
            }
            n
        };
        // The pool drawn from: the members of one weight class, only the healthy ones
        // unless failing open.
        let any_nonzero = members.iter().any(|&m| weight(m) > 0);
        let (nonzero, healthy_only, how, verdict) = if any_nonzero {
            if healthy_in(true, self) > 0 {
                (true, true, "weighted draw among healthy records with weight > 0", Verdict::Taken)
            } else if healthy_in(false, self) > 0 {
                (
                    false,
                    true,
                    "every weight > 0 record is unhealthy, so the weight-0 records are used, equally likely",
                    Verdict::Taken,
                )
            } else {
                (true, false, "everything is unhealthy: fail open, weighted draw among weight > 0", Verdict::FailOpen)
            }
        } else if healthy_in(false, self) > 0 {
            (false, true, "all weights are 0: every healthy record equally likely", Verdict::Taken)
        } else {
            (false, false, "all weights are 0 and all unhealthy: fail open, equally likely", Verdict::FailOpen)
        };
        let memo = &self.memo;
        let pool = || {
            members.iter().copied().filter(move |&m| (weight(m) > 0) == nonzero && (!healthy_only || memo.judged(m)))
        };
        let (n, total) = pool().fold((0usize, 0u64), |(n, t), m| (n + 1, t + weight(m)));
        let pick = if total == 0 {
            let k = self.draws.draw(rng, n as u64, n > 1);
            pool().nth(k as usize).expect("within the pool")
        } else {
            let mut x = self.draws.draw(rng, total, n > 1);
            let mut chosen = pool().next_back().expect("a non-empty pool");
            for m in pool() {
                let w = weight(m);
                if x < w {
                    chosen = m;
                    break;
                }
                x -= w;
            }
            chosen
        };
        let w = weight(pick);
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
        self.draws.shuffle(rng, &mut pool);
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

/// A candidate of a policy that orders its records: its sort key, the record, and why
/// it is a candidate (only when explaining, else empty).
pub(super) struct Cand {
    /// What the policy orders by (a round trip, a biased distance, a prefix length).
    pub(super) key: u64,
    /// The record.
    pub(super) record: RecordIdx,
    /// Why it is a candidate.
    pub(super) why: String,
}

/// Geolocation candidates for `place`, most specific first, default last (model: answers);
/// each with why it matches when `explaining` (else an empty string).
pub(super) fn geo_candidates(z: &Zone, members: &[RecordIdx], place: &Place, explaining: bool) -> Vec<Cand> {
    let find = |want: &dyn Fn(&GeoLocationSpec) -> bool| {
        members
            .iter()
            .copied()
            .find(|&m| matches!(&z.records[m].policy, Policy::Geolocation { location } if want(location)))
    };
    let cand = |record: RecordIdx, text: &dyn Fn() -> String| Cand {
        key: 0,
        record,
        why: if explaining { text() } else { String::new() },
    };
    let mut out = Vec::new();
    if let Some(country) = &place.country {
        if let Some(sub) = &place.subdivision
            && let Some(m) =
                find(&|l| matches!(l, GeoLocationSpec::Subdivision { country: c, code } if c == country && code == sub))
        {
            out.push(cand(m, &|| format!("matches state {country}-{sub}")));
        }
        if let Some(m) = find(&|l| matches!(l, GeoLocationSpec::Country(c) if c == country)) {
            out.push(cand(m, &|| format!("matches country {country}")));
        }
        let continent = place.continent.code();
        if let Some(m) = find(&|l| matches!(l, GeoLocationSpec::Continent(c) if c == continent)) {
            out.push(cand(m, &|| format!("matches continent {continent}")));
        }
    }
    if let Some(m) = find(&|l| matches!(l, GeoLocationSpec::Default)) {
        out.push(cand(m, &|| "the default location".to_string()));
    }
    out
}

/// Geoproximity candidates, closest first by biased distance (model: answers): a positive
/// bias shrinks the distance (grows the catchment), a negative one stretches it.
pub(super) fn geoproximity_candidates(z: &Zone, members: &[RecordIdx], place: &Place, explaining: bool) -> Vec<Cand> {
    let mut ordered: Vec<Cand> = members
        .iter()
        .filter_map(|&m| {
            let Policy::Geoproximity { at, bias } = z.records[m].policy else { return None };
            let km = place.at.distance_km(at);
            let b = f64::from(bias);
            let biased = if bias >= 0 { km * (1.0 - b / 100.0) } else { km / (1.0 + b / 100.0) };
            let why = if explaining { format!("{km:.0} km, bias {bias} → {biased:.0} km") } else { String::new() };
            Some(Cand { key: (biased * 1000.0) as u64, record: m, why })
        })
        .collect();
    ordered.sort_unstable_by_key(|c| (c.key, c.record));
    ordered
}

/// IP-based candidates: records whose blocks contain the client prefix, longest
/// match first, then the `*` default (model: answers).
pub(super) fn ip_candidates(z: &Zone, members: &[RecordIdx], client: &ClientAddr, explaining: bool) -> Vec<Cand> {
    let mut out: Vec<Cand> = members
        .iter()
        .filter_map(|&m| {
            let Policy::IpBased { blocks, .. } = &z.records[m].policy else { return None };
            blocks.iter().filter(|c| c.contains(client.addr, client.prefix_len)).map(|c| c.len).max().map(|len| Cand {
                key: u64::from(len),
                record: m,
                why: if explaining { format!("a /{len} block contains {}", fmt_prefix(client)) } else { String::new() },
            })
        })
        .collect();
    // Longest match first.
    out.sort_unstable_by(|a, b| b.key.cmp(&a.key).then(a.record.cmp(&b.record)));
    if let Some(&m) = members.iter().find(|&&m| matches!(&z.records[m].policy, Policy::IpBased { default: true, .. })) {
        let why = if explaining { "the default location '*'".to_string() } else { String::new() };
        out.push(Cand { key: 0, record: m, why });
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
