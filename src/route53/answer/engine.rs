//! The walk through the routing tree for one query: find the queried group (or
//! NXDOMAIN / NODATA), judge each record's health (its check, and Evaluate Target
//! Health through aliases), choose by the group's policy (`policies.rs`), and follow
//! what was chosen — literal values, an alias to another group, or a load balancer.

use super::policies::{describe_place, fmt_prefix, geo_candidates, geoproximity_candidates, ip_candidates};
use super::{
    Answer, CnameTo, Dest, Explain, HealthView, Item, LB_TTL_S, NoDataReason, Query, Step, Verdict, lb_answer,
    lb_healthy,
};
use crate::base::rng::SimRng;
use crate::route53::latency::LatencyTable;
use crate::route53::zone::{GroupIdx, Policy, RecordIdx, Target, Value, Zone};
use crate::spec::zone::{FailoverRole, RecordType};

/// One query's walk through the tree.
pub(super) struct Engine<'a> {
    /// The validated zone.
    pub(super) zone: &'a Zone,
    /// The query being answered.
    pub(super) query: &'a Query<'a>,
    /// Health as the DNS servers see it.
    pub(super) health: &'a dyn HealthView,
    /// Route 53's latency table.
    pub(super) latency: &'a LatencyTable,
    /// The explanation being written, when one was asked for.
    pub(super) explain: Option<Explain>,
    /// Each record's health, once computed for this query.
    pub(super) memo: HealthMemo,
    /// Why each record is healthy or not, once computed (only when explaining).
    pub(super) reasons: Vec<Option<String>>,
    /// The draws made so far, and whether the answer is the same whatever they drew.
    pub(super) draws: Draws,
}

/// The random draws one answer made: each draw's bound, in order, and whether the
/// answer is the same whatever they drew (a weighted draw over one record draws, but
/// cannot choose another). Such an answer is fixed by the health, the zone and the
/// latency data; answering it again only needs the same draws from the stream
/// ([`Draws::replay`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Draws {
    bounds: [u64; Draws::MAX],
    len: u8,
    /// A draw chose between several outcomes (or there were more than [`Draws::MAX`]).
    chose: bool,
}

impl Draws {
    /// The most draws remembered; an answer with more is not fixed.
    const MAX: usize = 4;

    /// Is the answer the same whatever was drawn?
    pub fn fixed(&self) -> bool {
        !self.chose
    }

    /// Draws from `rng` exactly as the answer did (the same bounds, in order).
    pub fn replay(&self, rng: &mut SimRng) {
        for &b in &self.bounds[..usize::from(self.len)] {
            rng.below(b);
        }
    }

    /// A draw below `bound`; `chooses`: whether its outcome changes the answer.
    pub(super) fn draw(&mut self, rng: &mut SimRng, bound: u64, chooses: bool) -> u64 {
        if chooses || usize::from(self.len) == Self::MAX {
            self.chose = true;
        } else {
            self.bounds[usize::from(self.len)] = bound;
            self.len += 1;
        }
        rng.below(bound)
    }

    /// A shuffle of `items` (a draw per item after the first, each choosing).
    pub(super) fn shuffle<T>(&mut self, rng: &mut SimRng, items: &mut [T]) {
        if items.len() > 1 {
            self.chose = true;
        }
        rng.shuffle(items);
    }
}

/// Each record's health for one query: two bit sets for a zone of up to 128 records
/// (nothing to allocate per query), a list for a larger one.
pub(super) struct HealthMemo {
    known: u128,
    ok: u128,
    more: Vec<Option<bool>>,
}

impl HealthMemo {
    pub(super) fn new(records: usize) -> Self {
        let more = if records > 128 { vec![None; records] } else { Vec::new() };
        Self { known: 0, ok: 0, more }
    }

    /// Record `r`'s health, if judged for this query.
    fn get(&self, r: RecordIdx) -> Option<bool> {
        if self.more.is_empty() { (self.known >> r & 1 == 1).then_some(self.ok >> r & 1 == 1) } else { self.more[r] }
    }

    /// Record `r`'s health as judged for this query (it must have been).
    pub(super) fn judged(&self, r: RecordIdx) -> bool {
        self.get(r).expect("judged before")
    }

    fn set(&mut self, r: RecordIdx, ok: bool) {
        if self.more.is_empty() {
            self.known |= 1 << r;
            self.ok |= u128::from(ok) << r;
        } else {
            self.more[r] = Some(ok);
        }
    }
}

/// The result of selecting inside a group (the records chosen are on the explanation's
/// path, when explaining).
pub(super) enum Selected {
    Records {
        items: Vec<Item>,
        ttl_s: u32,
    },
    NoMatch,
    /// An alias chosen on the way points at a name with no records.
    Missing,
}

impl<'a> Engine<'a> {
    /// A walk for `query`, writing an explanation when `explaining`.
    pub(super) fn new(
        zone: &'a Zone,
        query: &'a Query<'a>,
        health: &'a dyn HealthView,
        latency: &'a LatencyTable,
        explaining: bool,
    ) -> Self {
        let records = zone.records.len();
        Engine {
            zone,
            query,
            health,
            latency,
            explain: explaining.then(Explain::default),
            memo: HealthMemo::new(records),
            reasons: if explaining { vec![None; records] } else { Vec::new() },
            draws: Draws::default(),
        }
    }
}

impl Engine<'_> {
    /// Adds an explanation step (the text is only built when explaining).
    pub(super) fn note(
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

    /// Answers the query.
    pub(super) fn run(&mut self, rng: &mut SimRng) -> Answer {
        let z = self.zone;
        let q = self.query;
        let neg = z.negative_ttl_s;
        // A CNAME at the name answers every type (model: answers).
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
        let (answer, has_path) = match self.select(g, 0, rng) {
            Selected::Records { items, ttl_s } => (Answer::Records { items, ttl_s }, true),
            Selected::NoMatch => (Answer::NoData { ttl_s: neg, reason: NoDataReason::NoMatch }, false),
            Selected::Missing => (Answer::NoData { ttl_s: neg, reason: NoDataReason::AliasTargetMissing }, false),
        };
        if let Some(ex) = &mut self.explain
            && !has_path
        {
            ex.path.clear();
        }
        answer
    }

    /// Health of record `r` and, when explaining, why (memoised per query).
    pub(super) fn healthy(&mut self, r: RecordIdx) -> (bool, String) {
        if let Some(ok) = self.memo.get(r) {
            return (ok, self.reasons.get(r).cloned().flatten().unwrap_or_default());
        }
        let z = self.zone;
        let rec = &z.records[r];
        let explaining = self.explain.is_some();
        let mut reasons: Vec<String> = Vec::new();
        let mut ok = true;
        if matches!(rec.policy, Policy::Simple) {
            return self.remember(r, true, || "simple records are never health checked".to_string());
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
            match &rec.target {
                &Target::AliasGroup(t) => {
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
                &Target::AliasLb(l) => {
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
                Target::AliasMissing(name) => {
                    ok = false;
                    if explaining {
                        reasons.push(format!("'{name}' has no records (evaluate target health)"));
                    }
                }
                Target::Values(_) => {}
            }
        }
        if explaining && reasons.is_empty() {
            reasons.push("no health check and no target evaluation: always healthy".to_string());
        }
        self.remember(r, ok, || reasons.join("; "))
    }

    /// Remembers record `r`'s health for this query, with why when explaining.
    fn remember(&mut self, r: RecordIdx, ok: bool, reason: impl FnOnce() -> String) -> (bool, String) {
        self.memo.set(r, ok);
        if self.explain.is_none() {
            return (ok, String::new());
        }
        let reason = reason();
        self.reasons[r] = Some(reason.clone());
        (ok, reason)
    }

    /// Chooses inside group `g` by its policy, then resolves the chosen records.
    fn select(&mut self, g: GroupIdx, depth: usize, rng: &mut SimRng) -> Selected {
        let z = self.zone;
        let group = &z.groups[g];
        let members = &group.members[..];
        let policy = &z.records[members[0]].policy;
        let client = self.query.client();
        self.note(depth, g, None, Verdict::Info, || {
            format!(
                "'{} {}': {} routing over {} record(s)",
                group.name,
                group.rtype.as_str(),
                policy.name(),
                members.len()
            )
        });
        // Every policy but multivalue chooses one record.
        let one: RecordIdx = match policy {
            Policy::Simple => {
                self.note(depth, g, Some(members[0]), Verdict::Taken, || {
                    "simple: the one record, never health checked".into()
                });
                members[0]
            }
            Policy::Weighted { .. } => self.weighted(g, members, depth, rng),
            Policy::Latency { .. } => {
                let cands = self.latency_candidates(members, client);
                self.first_healthy(g, &cands, depth, "best latency")
            }
            Policy::Failover { .. } => {
                let find = |role| {
                    members
                        .iter()
                        .copied()
                        .find(|&m| matches!(z.records[m].policy, Policy::Failover { role: r } if r == role))
                };
                let (p, s) = (find(FailoverRole::Primary), find(FailoverRole::Secondary));
                self.failover(g, p, s, depth)
            }
            Policy::Geolocation { .. } => {
                let cands = geo_candidates(z, members, &client.place, self.explain.is_some());
                if cands.is_empty() {
                    self.note(depth, g, None, Verdict::Info, || {
                        format!(
                            "no record matches {} and there is no default: no answer",
                            describe_place(&client.place)
                        )
                    });
                    return Selected::NoMatch;
                }
                self.first_healthy(g, &cands, depth, "most specific location")
            }
            Policy::Geoproximity { .. } => {
                let cands = geoproximity_candidates(z, members, &client.place, self.explain.is_some());
                self.first_healthy(g, &cands, depth, "closest (biased)")
            }
            Policy::Multivalue => {
                let chosen = self.multivalue(g, members, depth, rng);
                return self.resolve_chosen(&chosen, depth, rng);
            }
            Policy::IpBased { .. } => {
                let cands = ip_candidates(z, members, client, self.explain.is_some());
                if cands.is_empty() {
                    self.note(depth, g, None, Verdict::Info, || {
                        format!("no CIDR block contains {} and there is no default: no answer", fmt_prefix(client))
                    });
                    return Selected::NoMatch;
                }
                self.first_healthy(g, &cands, depth, "most specific CIDR")
            }
        };
        self.resolve_one(one, depth, rng)
    }

    /// Record `r`'s answer as it is, with the record on the path before those its
    /// alias leads to.
    fn resolve_one(&mut self, r: RecordIdx, depth: usize, rng: &mut SimRng) -> Selected {
        if let Some(ex) = &mut self.explain {
            ex.path.push(r);
        }
        self.resolve(r, depth, rng)
    }

    /// Every chosen record resolved (several for multivalue; one as [`Engine::resolve_one`]).
    fn resolve_chosen(&mut self, chosen: &[RecordIdx], depth: usize, rng: &mut SimRng) -> Selected {
        if let [r] = *chosen {
            return self.resolve_one(r, depth, rng);
        }
        let mut items = Vec::new();
        let mut ttl = u32::MAX;
        for &r in chosen {
            match self.resolve_one(r, depth, rng) {
                Selected::Records { items: i, ttl_s } => {
                    items.extend(i);
                    ttl = ttl.min(ttl_s);
                }
                empty @ (Selected::NoMatch | Selected::Missing) => return empty,
            }
        }
        Selected::Records { items, ttl_s: ttl }
    }

    /// What record `r` answers: its values, or its alias target followed.
    fn resolve(&mut self, r: RecordIdx, depth: usize, rng: &mut SimRng) -> Selected {
        let z = self.zone;
        let rec = &z.records[r];
        match &rec.target {
            Target::Values(values) => {
                let mut items: Vec<Item> = values.iter().map(|v| value_item(z, v)).collect();
                if matches!(rec.policy, Policy::Simple) && items.len() > 1 {
                    // Simple records return every value, shuffled (model: answers).
                    self.draws.shuffle(rng, &mut items);
                }
                Selected::Records { items, ttl_s: rec.ttl_s.unwrap_or(0) }
            }
            Target::AliasGroup(t) => {
                let t = *t;
                self.note(depth + 1, t, None, Verdict::Info, || {
                    format!("alias → '{}' (the answer takes the target's TTL)", z.groups[t].name)
                });
                self.select(t, depth + 1, rng)
            }
            Target::AliasMissing(name) => {
                self.note(depth + 1, rec.group, None, Verdict::Info, || {
                    format!("alias → '{name}', which has no records: no address to answer")
                });
                Selected::Missing
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
                Selected::Records { items, ttl_s: LB_TTL_S }
            }
        }
    }
}

fn value_item(z: &Zone, v: &Value) -> Item {
    match v {
        Value::Ip(ip) => Item::Addr { text: ip.clone(), dest: Dest::Unknown },
        Value::Host(h) => Item::Addr { text: z.hosts[*h].text.clone(), dest: Dest::Host(*h) },
        Value::CnameLb(l) => Item::Cname { target: z.load_balancers[*l].name_text.clone(), to: CnameTo::Lb(*l) },
        Value::CnameZone(n) => Item::Cname { target: n.clone(), to: CnameTo::Zone },
        Value::CnameExternal(n) => Item::Cname { target: n.clone(), to: CnameTo::External },
    }
}
