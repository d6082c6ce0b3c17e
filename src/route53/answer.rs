//! The Route 53 answer engine: given a validated zone, a query, the health status
//! the DNS servers currently see, the latency table and an RNG, answer exactly as
//! Route 53 would — and, on request, explain every step.
//!
//! Implements `route53-reference.md` §2 (policies), §4 (Evaluate Target Health and
//! tree health) and the pseudo-code of §9:
//! - pick candidates by policy, skip unhealthy ones, **fail open per group** when
//!   none is healthy (weighted: by weight among weight > 0; failover: primary;
//!   geolocation / IP-based: the smallest matching region; multivalue: up to 8
//!   unhealthy; latency / geoproximity: the best one);
//! - weight-0 records are considered only when every weight > 0 record is
//!   unhealthy; all-zero weights are equally likely;
//! - an alias with ETH is healthy when its target group has a healthy member (a load
//!   balancer: every target group with targets has a healthy target), and a health
//!   check on the alias itself must pass too; simple records are never checked;
//! - an alias answers with its target's TTL; a load balancer's is 60 s;
//! - the only empty answers are NXDOMAIN (no such name), NODATA (name exists, type
//!   absent) and "no answer" (geolocation / IP-based with no match and no default).

use std::fmt::Write as _;

use crate::base::geo::Place;
use crate::base::rng::SimRng;
use crate::base::time::SimTime;
use crate::route53::latency::LatencyTable;
use crate::route53::zone::{CheckIdx, Endpoint, GroupIdx, HostIdx, LbIdx, Policy, RecordIdx, Target, Value, Zone};
use crate::spec::zone::{FailoverRole, GeoLocationSpec, RecordType};

/// TTL of a load balancer's own DNS name and of aliases to it [§1.3].
pub const LB_TTL_S: u32 = 60;
/// Most records a multivalue answer returns [§2.7].
pub const MULTIVALUE_MAX: usize = 8;

/// Health as the Route 53 DNS servers currently see it.
pub trait HealthView {
    /// Status of check `c` (inversion and disabling already applied).
    fn check_healthy(&self, c: CheckIdx) -> bool;
    /// The load balancer's view, as reported to Route 53, of target `host`.
    fn target_healthy(&self, host: HostIdx) -> bool;
}

/// Everything healthy: the view before any fault.
#[derive(Clone, Copy, Debug, Default)]
pub struct AllHealthy;

impl HealthView for AllHealthy {
    fn check_healthy(&self, _: CheckIdx) -> bool {
        true
    }
    fn target_healthy(&self, _: HostIdx) -> bool {
        true
    }
}

/// A client address as Route 53 sees it: the resolver's source address, or the
/// EDNS client subnet when the resolver sends one.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientAddr {
    /// IPv4 address as a number.
    pub addr: u32,
    /// Prefix length (32 for a resolver's own address, 24 for a typical ECS).
    pub prefix_len: u8,
    /// Where the geolocation database places it.
    pub place: Place,
}

/// One query to the authoritative servers.
#[derive(Clone, Debug)]
pub struct Query<'a> {
    /// Queried name.
    pub name: &'a str,
    /// Queried type.
    pub rtype: RecordType,
    /// The resolver's own address.
    pub resolver: &'a ClientAddr,
    /// The EDNS client subnet, if the resolver sent one.
    pub ecs: Option<&'a ClientAddr>,
    /// Query time (for the latency table).
    pub now: SimTime,
}

impl Query<'_> {
    /// The address Route 53 routes by: ECS when present, else the resolver [§2.9].
    pub fn client(&self) -> &ClientAddr {
        self.ecs.unwrap_or(self.resolver)
    }
}

/// Where an answered address leads in the modelled world.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dest {
    /// A load balancer's node in one availability zone.
    LbNode {
        /// The load balancer.
        lb: LbIdx,
        /// The node's availability zone.
        az: String,
    },
    /// A stand-alone host.
    Host(HostIdx),
    /// An address outside the modelled world.
    Unknown,
}

/// One item of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// An address record.
    Addr {
        /// The address as shown (`192.0.2.1`, or `lb-id@us-east-1a` for an LB node).
        text: String,
        /// What it reaches.
        dest: Dest,
    },
    /// A CNAME the resolver must follow.
    Cname {
        /// The target name.
        target: String,
        /// Where the name is answered.
        to: CnameTo,
    },
}

/// Who answers a CNAME's target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CnameTo {
    /// A load balancer's own DNS name.
    Lb(LbIdx),
    /// A name in this zone.
    Zone,
    /// A name outside the modelled world.
    External,
}

/// Route 53's response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Records, all with one TTL.
    Records {
        /// The items.
        items: Vec<Item>,
        /// TTL in seconds.
        ttl_s: u32,
        /// The records chosen on the way, outermost first (highlighted by the UI).
        path: Vec<RecordIdx>,
    },
    /// NOERROR with no records: the type is absent, or geolocation / IP-based routing
    /// matched nothing and has no default ("no answer"). Cached negatively.
    NoData {
        /// Negative-caching TTL.
        ttl_s: u32,
        /// Why.
        reason: NoDataReason,
    },
    /// The name does not exist. Cached negatively.
    NxDomain {
        /// Negative-caching TTL.
        ttl_s: u32,
    },
}

/// Why an answer is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoDataReason {
    /// The name exists but has no record of the queried type.
    TypeAbsent,
    /// Geolocation or IP-based routing with no matching record and no default.
    NoMatch,
}

impl Answer {
    /// The TTL a resolver caches this answer for.
    pub fn ttl_s(&self) -> u32 {
        match self {
            Answer::Records { ttl_s, .. } | Answer::NoData { ttl_s, .. } | Answer::NxDomain { ttl_s } => *ttl_s,
        }
    }

    /// The answer in one line, e.g. `alb-use1@us-east-1a, alb-use1@us-east-1b (TTL 60)`.
    pub fn summary(&self) -> String {
        match self {
            Answer::Records { items, ttl_s, .. } => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|i| match i {
                        Item::Addr { text, .. } => text.clone(),
                        Item::Cname { target, .. } => format!("CNAME {target}"),
                    })
                    .collect();
                format!("{} (TTL {ttl_s})", parts.join(", "))
            }
            Answer::NoData { reason: NoDataReason::NoMatch, ttl_s } => {
                format!("no answer: no matching location and no default (NOERROR, negative TTL {ttl_s})")
            }
            Answer::NoData { reason: NoDataReason::TypeAbsent, ttl_s } => {
                format!("NODATA: no record of this type (negative TTL {ttl_s})")
            }
            Answer::NxDomain { ttl_s } => format!("NXDOMAIN (negative TTL {ttl_s})"),
        }
    }
}

/// How an explain line judged what it describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Entering a group, or a note.
    Info,
    /// A candidate that was taken.
    Taken,
    /// A candidate skipped (unhealthy, or a better one was taken).
    Skipped,
    /// Fail-open: taken although unhealthy.
    FailOpen,
}

/// One step of an explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Nesting depth (0 = the queried group).
    pub depth: usize,
    /// The group visited.
    pub group: GroupIdx,
    /// The record judged, if the step is about one.
    pub record: Option<RecordIdx>,
    /// The judgement.
    pub verdict: Verdict,
    /// The explanation in plain words.
    pub text: String,
}

/// The path through the tree: every group visited, every candidate considered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Explain {
    /// Steps, in order.
    pub steps: Vec<Step>,
}

impl Explain {
    /// Renders the explanation as indented text (what the CLI prints).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for s in &self.steps {
            let mark = match s.verdict {
                Verdict::Info => "•",
                Verdict::Taken => "✓",
                Verdict::Skipped => "✗",
                Verdict::FailOpen => "!",
            };
            let _ = writeln!(out, "{}{} {}", "  ".repeat(s.depth), mark, s.text);
        }
        out
    }
}

/// Answers `query`. See the module doc for the rules.
pub fn answer(
    zone: &Zone,
    query: &Query<'_>,
    health: &dyn HealthView,
    latency: &LatencyTable,
    rng: &mut SimRng,
) -> Answer {
    Engine { zone, query, health, latency, explain: None, memo: vec![None; zone.records.len()] }.run(rng)
}

/// Answers `query` and returns the path taken with an explanation of each step.
pub fn answer_explained(
    zone: &Zone,
    query: &Query<'_>,
    health: &dyn HealthView,
    latency: &LatencyTable,
    rng: &mut SimRng,
) -> (Answer, Explain) {
    let mut e = Engine {
        zone,
        query,
        health,
        latency,
        explain: Some(Explain::default()),
        memo: vec![None; zone.records.len()],
    };
    let a = e.run(rng);
    (a, e.explain.unwrap_or_default())
}

/// What a load balancer's own DNS name answers: one node per availability zone with
/// a target the LB considers healthy; every node when none is (fail open) [§5.2].
pub fn lb_answer(zone: &Zone, lb: LbIdx, health: &dyn HealthView) -> Vec<Item> {
    let l = &zone.load_balancers[lb];
    let healthy_azs: Vec<&String> = l
        .azs
        .iter()
        .filter(|az| {
            l.target_groups.iter().flatten().any(|&h| zone.hosts[h].spec.az == **az && health.target_healthy(h))
        })
        .collect();
    let azs: Vec<&String> = if healthy_azs.is_empty() { l.azs.iter().collect() } else { healthy_azs };
    azs.into_iter()
        .map(|az| Item::Addr { text: format!("{}@{az}", l.spec.id), dest: Dest::LbNode { lb, az: az.clone() } })
        .collect()
}

/// Is load balancer `lb` healthy for Evaluate Target Health: every target group
/// that has targets contains a healthy one [§4.1].
pub fn lb_healthy(zone: &Zone, lb: LbIdx, health: &dyn HealthView) -> bool {
    zone.load_balancers[lb]
        .target_groups
        .iter()
        .filter(|tg| !tg.is_empty())
        .all(|tg| tg.iter().any(|&h| health.target_healthy(h)))
}

struct Engine<'a> {
    zone: &'a Zone,
    query: &'a Query<'a>,
    health: &'a dyn HealthView,
    latency: &'a LatencyTable,
    explain: Option<Explain>,
    memo: Vec<Option<(bool, String)>>,
}

/// The result of selecting inside a group.
enum Selected {
    Records { items: Vec<Item>, ttl_s: u32, path: Vec<RecordIdx> },
    NoMatch,
}

impl Engine<'_> {
    fn note(
        &mut self,
        depth: usize,
        group: GroupIdx,
        record: Option<RecordIdx>,
        verdict: Verdict,
        text: impl FnOnce() -> String,
    ) {
        if let Some(ex) = &mut self.explain {
            ex.steps.push(Step { depth, group, record, verdict, text: text() });
        }
    }

    fn run(&mut self, rng: &mut SimRng) -> Answer {
        let z = self.zone;
        let q = self.query;
        let neg = z.negative_ttl_s;
        // A CNAME at the name answers every type [§1.2].
        let group = z.group(q.name, q.rtype).or_else(|| z.group(q.name, RecordType::CNAME));
        let Some(g) = group else {
            if z.name_exists(q.name) {
                if let Some(ex) = &mut self.explain {
                    ex.steps.push(Step {
                        depth: 0,
                        group: usize::MAX,
                        record: None,
                        verdict: Verdict::Info,
                        text: format!("'{}' exists but has no {} record: NODATA", q.name, q.rtype.as_str()),
                    });
                }
                return Answer::NoData { ttl_s: neg, reason: NoDataReason::TypeAbsent };
            }
            if let Some(ex) = &mut self.explain {
                ex.steps.push(Step {
                    depth: 0,
                    group: usize::MAX,
                    record: None,
                    verdict: Verdict::Info,
                    text: format!("no record exists at or below '{}': NXDOMAIN", q.name),
                });
            }
            return Answer::NxDomain { ttl_s: neg };
        };
        match self.select(g, 0, rng) {
            Selected::Records { items, ttl_s, path } => Answer::Records { items, ttl_s, path },
            Selected::NoMatch => Answer::NoData { ttl_s: neg, reason: NoDataReason::NoMatch },
        }
    }

    /// Health of record `r` and, when explaining, why (memoised per query).
    fn healthy(&mut self, r: RecordIdx) -> (bool, String) {
        if let Some(v) = &self.memo[r] {
            return v.clone();
        }
        let z = self.zone;
        let rec = &z.records[r];
        let explaining = self.explain.is_some();
        let mut reasons: Vec<String> = Vec::new();
        let mut ok = true;
        if matches!(rec.policy, Policy::Simple) {
            let v =
                (true, if explaining { "simple records are never health checked".to_string() } else { String::new() });
            self.memo[r] = Some(v.clone());
            return v;
        }
        if let Some(c) = rec.check {
            let h = self.health.check_healthy(c);
            ok &= h;
            if explaining {
                let state = if h { "healthy" } else { "unhealthy" };
                reasons.push(format!("health check '{}' is {state}", z.health_checks[c].spec.id));
            }
        }
        if rec.eth {
            match rec.target {
                Target::AliasGroup(t) => {
                    let mut any = false;
                    for i in 0..z.groups[t].members.len() {
                        if self.healthy(z.groups[t].members[i]).0 {
                            any = true;
                            break;
                        }
                    }
                    ok &= any;
                    if explaining {
                        reasons.push(if any {
                            format!("target '{}' has a healthy record", z.groups[t].name)
                        } else {
                            format!("nothing healthy under '{}' (evaluate target health)", z.groups[t].name)
                        });
                    }
                }
                Target::AliasLb(l) => {
                    let h = lb_healthy(z, l, self.health);
                    ok &= h;
                    if explaining {
                        let id = &z.load_balancers[l].spec.id;
                        reasons.push(if h {
                            format!("load balancer '{id}' has healthy targets")
                        } else {
                            format!("load balancer '{id}' has a target group with no healthy target")
                        });
                    }
                }
                Target::Values(_) => {}
            }
        }
        if explaining && reasons.is_empty() {
            reasons.push("no health check and no target evaluation: always healthy".to_string());
        }
        let v = (ok, reasons.join("; "));
        self.memo[r] = Some(v.clone());
        v
    }

    fn select(&mut self, g: GroupIdx, depth: usize, rng: &mut SimRng) -> Selected {
        let z = self.zone;
        let group = &z.groups[g];
        let members = group.members.clone();
        let policy = &z.records[members[0]].policy;
        let client = self.query.client().clone();
        self.note(depth, g, None, Verdict::Info, || {
            format!(
                "'{} {}': {} routing over {} record(s)",
                group.name,
                group.rtype.as_str(),
                policy.name(),
                members.len()
            )
        });
        let chosen: Vec<RecordIdx> = match policy {
            Policy::Simple => {
                self.note(depth, g, Some(members[0]), Verdict::Taken, || {
                    "simple: the one record, never health checked".into()
                });
                vec![members[0]]
            }
            Policy::Weighted { .. } => vec![self.weighted(g, &members, depth, rng)],
            Policy::Latency { .. } => {
                let cands = self.latency_candidates(&members, &client);
                vec![self.first_healthy(g, &cands, depth, "best latency")]
            }
            Policy::Failover { .. } => {
                let find = |role| {
                    members
                        .iter()
                        .copied()
                        .find(|&m| matches!(z.records[m].policy, Policy::Failover { role: r } if r == role))
                };
                let (p, s) = (find(FailoverRole::Primary), find(FailoverRole::Secondary));
                vec![self.failover(g, p, s, depth)]
            }
            Policy::Geolocation { .. } => {
                let cands = geo_candidates(z, &members, &client.place);
                if cands.is_empty() {
                    self.note(depth, g, None, Verdict::Info, || {
                        format!(
                            "no record matches {} and there is no default: no answer",
                            describe_place(&client.place)
                        )
                    });
                    return Selected::NoMatch;
                }
                vec![self.first_healthy(g, &cands, depth, "most specific location")]
            }
            Policy::Geoproximity { .. } => {
                let cands = geoproximity_candidates(z, &members, &client.place);
                vec![self.first_healthy(g, &cands, depth, "closest (biased)")]
            }
            Policy::Multivalue => self.multivalue(g, &members, depth, rng),
            Policy::IpBased { .. } => {
                let cands = ip_candidates(z, &members, &client);
                if cands.is_empty() {
                    self.note(depth, g, None, Verdict::Info, || {
                        format!("no CIDR block contains {} and there is no default: no answer", fmt_prefix(&client))
                    });
                    return Selected::NoMatch;
                }
                vec![self.first_healthy(g, &cands, depth, "most specific CIDR")]
            }
        };
        // Resolve every chosen record (one, or several for multivalue).
        let mut items = Vec::new();
        let mut ttl = u32::MAX;
        let mut path = Vec::new();
        for r in chosen {
            path.push(r);
            match self.resolve(r, depth, rng) {
                Selected::Records { items: i, ttl_s, path: p } => {
                    items.extend(i);
                    ttl = ttl.min(ttl_s);
                    path.extend(p);
                }
                Selected::NoMatch => return Selected::NoMatch,
            }
        }
        Selected::Records { items, ttl_s: ttl, path }
    }

    /// Latency candidates, lowest round trip from the client first (members of a
    /// group share its policy, as validated).
    fn latency_candidates(&self, members: &[RecordIdx], client: &ClientAddr) -> Vec<(RecordIdx, String)> {
        let now = self.query.now;
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
            .map(|(rtt, m, region)| (m, format!("{region} at {:.1} ms from {}", rtt as f64 / 1000.0, client.place.key)))
            .collect()
    }

    fn resolve(&mut self, r: RecordIdx, depth: usize, rng: &mut SimRng) -> Selected {
        let z = self.zone;
        let rec = &z.records[r];
        match &rec.target {
            Target::Values(values) => {
                let mut items: Vec<Item> = values.iter().map(|v| value_item(z, v)).collect();
                if matches!(rec.policy, Policy::Simple) && items.len() > 1 {
                    // Simple records return every value, shuffled [§2.1].
                    rng.shuffle(&mut items);
                }
                Selected::Records { items, ttl_s: rec.ttl_s.unwrap_or(0), path: Vec::new() }
            }
            Target::AliasGroup(t) => {
                let t = *t;
                self.note(depth + 1, t, None, Verdict::Info, || {
                    format!("alias → '{}' (the answer takes the target's TTL)", z.groups[t].name)
                });
                self.select(t, depth + 1, rng)
            }
            Target::AliasLb(l) => {
                let items = lb_answer(z, *l, self.health);
                let lb = &z.load_balancers[*l];
                let n = items.len();
                self.note(depth + 1, rec.group, None, Verdict::Info, || {
                    format!(
                        "alias → load balancer '{}' ({}): {n} node(s), TTL {LB_TTL_S} s",
                        lb.spec.id, lb.spec.dns_name
                    )
                });
                Selected::Records { items, ttl_s: LB_TTL_S, path: Vec::new() }
            }
        }
    }

    /// Takes the first healthy candidate of an ordered list; fails open to the first.
    fn first_healthy(&mut self, g: GroupIdx, cands: &[(RecordIdx, String)], depth: usize, order: &str) -> RecordIdx {
        let z = self.zone;
        for (i, (m, why)) in cands.iter().enumerate() {
            let (ok, reason) = self.healthy(*m);
            if ok {
                let label = z.records[*m].label();
                self.note(depth, g, Some(*m), Verdict::Taken, || {
                    format!(
                        "{label}: {why}; {reason} → taken ({order}{})",
                        if i > 0 { ", after skipping unhealthy ones" } else { "" }
                    )
                });
                return *m;
            }
            let label = z.records[*m].label();
            self.note(depth, g, Some(*m), Verdict::Skipped, || format!("{label}: {why}; {reason} → skipped"));
        }
        let first = cands[0].0;
        let label = z.records[first].label();
        self.note(depth, g, Some(first), Verdict::FailOpen, || {
            format!("every candidate is unhealthy, so Route 53 fails open: all count as healthy → {label} ({order})")
        });
        first
    }

    fn weighted(&mut self, g: GroupIdx, members: &[RecordIdx], depth: usize, rng: &mut SimRng) -> RecordIdx {
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
                    let label = z.records[m].label();
                    if !ok {
                        this.note(depth, g, Some(m), Verdict::Skipped, || {
                            format!("{label} (weight {}): {reason} → skipped", weight(m))
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
        let label = z.records[pick].label();
        let (w, n) = (weight(pick), pool.len());
        self.note(depth, g, Some(pick), verdict, || {
            if total == 0 {
                format!("{label}: {how} (1 in {n}) → taken")
            } else {
                format!("{label}: {how} ({w}/{total}) → taken")
            }
        });
        pick
    }

    fn failover(&mut self, g: GroupIdx, p: Option<RecordIdx>, s: Option<RecordIdx>, depth: usize) -> RecordIdx {
        let z = self.zone;
        if let Some(p) = p {
            let (ok, reason) = self.healthy(p);
            let label = z.records[p].label();
            if ok {
                self.note(depth, g, Some(p), Verdict::Taken, || format!("{label} (primary): {reason} → taken"));
                return p;
            }
            self.note(depth, g, Some(p), Verdict::Skipped, || format!("{label} (primary): {reason} → skipped"));
        }
        if let Some(s) = s {
            let (ok, reason) = self.healthy(s);
            let label = z.records[s].label();
            if ok {
                self.note(depth, g, Some(s), Verdict::Taken, || format!("{label} (secondary): {reason} → taken"));
                return s;
            }
            self.note(depth, g, Some(s), Verdict::Skipped, || format!("{label} (secondary): {reason} → skipped"));
        }
        // Both unhealthy: the primary is answered (fail open to primary) [§2.4].
        let pick = p.or(s).expect("a failover group has a member");
        let label = z.records[pick].label();
        self.note(depth, g, Some(pick), Verdict::FailOpen, || {
            format!("primary and secondary are both unhealthy, so Route 53 answers the primary → {label}")
        });
        pick
    }

    fn multivalue(&mut self, g: GroupIdx, members: &[RecordIdx], depth: usize, rng: &mut SimRng) -> Vec<RecordIdx> {
        let z = self.zone;
        let mut healthy = Vec::new();
        for &m in members {
            let (ok, reason) = self.healthy(m);
            if ok {
                healthy.push(m);
            } else {
                let label = z.records[m].label();
                self.note(depth, g, Some(m), Verdict::Skipped, || format!("{label}: {reason} → skipped"));
            }
        }
        let (mut pool, verdict) =
            if healthy.is_empty() { (members.to_vec(), Verdict::FailOpen) } else { (healthy, Verdict::Taken) };
        rng.shuffle(&mut pool);
        pool.truncate(MULTIVALUE_MAX);
        for &m in &pool {
            let label = z.records[m].label();
            self.note(depth, g, Some(m), verdict, || {
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

fn value_item(z: &Zone, v: &Value) -> Item {
    match v {
        Value::Ip(ip) => Item::Addr { text: ip.clone(), dest: Dest::Unknown },
        Value::Host(h) => Item::Addr {
            text: z.hosts[*h].spec.ip.clone().unwrap_or_else(|| format!("host:{}", z.hosts[*h].spec.id)),
            dest: Dest::Host(*h),
        },
        Value::CnameLb(l) => Item::Cname { target: z.load_balancers[*l].spec.dns_name.clone(), to: CnameTo::Lb(*l) },
        Value::CnameZone(n) => Item::Cname { target: n.clone(), to: CnameTo::Zone },
        Value::CnameExternal(n) => Item::Cname { target: n.clone(), to: CnameTo::External },
    }
}

/// Geolocation candidates for `place`, most specific first, default last [§2.5].
fn geo_candidates(z: &Zone, members: &[RecordIdx], place: &Place) -> Vec<(RecordIdx, String)> {
    let find = |want: &GeoLocationSpec| {
        members
            .iter()
            .copied()
            .find(|&m| matches!(&z.records[m].policy, Policy::Geolocation { location } if location == want))
    };
    let mut out = Vec::new();
    if let Some(country) = &place.country {
        if let Some(sub) = &place.subdivision
            && let Some(m) = find(&GeoLocationSpec::Subdivision { country: country.clone(), code: sub.clone() })
        {
            out.push((m, format!("matches state {country}-{sub}")));
        }
        if let Some(m) = find(&GeoLocationSpec::Country(country.clone())) {
            out.push((m, format!("matches country {country}")));
        }
        if let Some(m) = find(&GeoLocationSpec::Continent(place.continent.code().to_string())) {
            out.push((m, format!("matches continent {}", place.continent.code())));
        }
    }
    if let Some(m) = find(&GeoLocationSpec::Default) {
        out.push((m, "the default location".to_string()));
    }
    out
}

/// Geoproximity candidates, closest first by biased distance [§2.6]: a positive
/// bias shrinks the distance (grows the catchment), a negative one stretches it.
fn geoproximity_candidates(z: &Zone, members: &[RecordIdx], place: &Place) -> Vec<(RecordIdx, String)> {
    let mut ordered: Vec<(u64, RecordIdx, String)> = members
        .iter()
        .filter_map(|&m| {
            let Policy::Geoproximity { at, bias } = z.records[m].policy else { return None };
            let km = place.at.distance_km(at);
            let b = f64::from(bias);
            let biased = if bias >= 0 { km * (1.0 - b / 100.0) } else { km / (1.0 + b / 100.0) };
            Some(((biased * 1000.0) as u64, m, format!("{km:.0} km, bias {bias} → {biased:.0} km")))
        })
        .collect();
    ordered.sort_by_key(|a| (a.0, a.1));
    ordered.into_iter().map(|(_, m, t)| (m, t)).collect()
}

/// IP-based candidates: records whose blocks contain the client prefix, longest
/// match first, then the `*` default [§2.8].
fn ip_candidates(z: &Zone, members: &[RecordIdx], client: &ClientAddr) -> Vec<(RecordIdx, String)> {
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
    let mut out: Vec<(RecordIdx, String)> =
        matched.into_iter().map(|(len, m)| (m, format!("a /{len} block contains {}", fmt_prefix(client)))).collect();
    if let Some(&m) = members.iter().find(|&&m| matches!(&z.records[m].policy, Policy::IpBased { default: true, .. })) {
        out.push((m, "the default location '*'".to_string()));
    }
    out
}

fn fmt_prefix(c: &ClientAddr) -> String {
    format!("{}/{}", std::net::Ipv4Addr::from(c.addr), c.prefix_len)
}

fn describe_place(p: &Place) -> String {
    match (&p.country, &p.subdivision) {
        (Some(c), Some(s)) => format!("{} ({c}-{s}, {})", p.key, p.continent.code()),
        (Some(c), None) => format!("{} ({c}, {})", p.key, p.continent.code()),
        (None, _) => format!("{} (unmapped address)", p.key),
    }
}

/// The endpoint an answer item reaches, if it is a modelled one.
pub fn item_endpoint(item: &Item) -> Option<Endpoint> {
    match item {
        Item::Addr { dest: Dest::LbNode { lb, .. }, .. } => Some(Endpoint::Lb(*lb)),
        Item::Addr { dest: Dest::Host(h), .. } => Some(Endpoint::Host(*h)),
        _ => None,
    }
}
