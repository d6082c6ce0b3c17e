//! Looking the service up for a client: its own DNS cache first (with Firefox's
//! grace period), then its resolver — the resolver's cache, else Route 53, following
//! CNAME chains to in-zone names and load balancers' own names — and the
//! authoritative query itself: the resolver picks one of the zone's name servers as
//! its kind does, the query lands at that name server's nearest DNS location, and
//! the location answers (the answer engine, or a load balancer's name) from the
//! health it has heard. An answer no draw could change is remembered
//! ([`FixedAnswers`]) and served again, with its draws replayed, while nothing it
//! depends on changes.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::base::time::{SimDuration, SimTime};
use crate::failover::client::{CachedAnswer, ClientIdx, ClientRules, Resolved};
use crate::failover::recording::CacheLookup;
use crate::failover::requests::RequestResult;
use crate::failover::resolver::{CacheKey, ResolverIdx};
use crate::failover::sim::Sim;
use crate::failover::tables::{NameId, NameTable, RegionId};
use crate::failover::trace::{ResolverNow, TraceDetail};
use crate::route53::answer::{self, Answer, ClientAddr, CnameTo, Dest, Item, NoDataReason, Query};
use crate::route53::endpoints::Outcome;
use crate::spec::zone::RecordType;

/// A resolver gives up on a CNAME chain this many links deep (and the request
/// times out). Every resolver kind bounds its restarts: Unbound's
/// `MAX_RESTART_COUNT` was 8 (`iterator/iterator.h`) before `max-query-restarts`
/// (default 11) replaced it, and BIND's `max-query-restarts` defaults to 11; one
/// bound for every kind is assumed. The modelled designs need at most three links,
/// so the bound only ends loops (`docs/model.md`, "Resolvers").
pub const CNAME_CHAIN_MAX: u32 = 8;

/// A lookup's result: the addresses to try, or the empty answer's result.
type Lookup = Result<Resolved, RequestResult>;

impl Sim {
    /// Client `c`'s lookup of the service at `t`, and whether its own cache answered.
    pub(super) fn client_lookup(&mut self, c: ClientIdx, t: SimTime) -> (Lookup, bool) {
        let rules = self.clients[c].rules;
        if let Some(e) = &self.clients[c].cache {
            if e.expires > t {
                return (Ok(e.answer.clone()), true);
            }
            if e.grace_until > t {
                // Firefox: the stale answer serves this request while a refresh runs;
                // the refresh only updates the cache.
                let stale = e.answer.clone();
                let _ = self.refresh_client_cache(c, t, rules);
                return (Ok(stale), true);
            }
        }
        (self.refresh_client_cache(c, t, rules), false)
    }

    /// Asks client `c`'s resolver and caches the answer as the client's kind does.
    fn refresh_client_cache(&mut self, c: ClientIdx, t: SimTime, rules: ClientRules) -> Lookup {
        let mut addrs = Addrs::None;
        let (resolved, ttl_s) = self.resolve(c, NameTable::SERVICE, t, 0, &mut addrs);
        if let Err(r) = resolved {
            self.clients[c].cache = None;
            return Err(r);
        }
        let addrs = match addrs {
            Addrs::None => Arc::new(Answer::Records { items: Vec::new(), ttl_s }),
            Addrs::One(a) => a,
            Addrs::Many(items) => Arc::new(Answer::Records { items, ttl_s }),
        };
        let mut answer = Resolved { addrs, summary: None };
        // For a probe's log (kept when tracing), the addresses joined by ", ", written
        // straight into one string.
        if let Some(p) = self.clients[c].probe {
            if self.rec.tracing() {
                let mut summary = String::new();
                let texts = answer.addrs().iter().filter_map(|i| match i {
                    Item::Addr { text, .. } => Some(&**text),
                    _ => None,
                });
                for (i, text) in texts.enumerate() {
                    if i > 0 {
                        summary.push_str(", ");
                    }
                    summary.push_str(text);
                }
                answer.summary = Some(Arc::from(summary));
            }
            let region = self.first_addr_region(answer.addrs());
            self.rec.probe_client_answer(p, t, region);
        }
        let (life_s, grace) = rules.cache.lifetime_s(ttl_s, &mut self.clients[c].rng);
        self.clients[c].cache = (life_s > 0).then(|| CachedAnswer {
            answer: answer.clone(),
            expires: t + SimDuration::from_secs(u64::from(life_s)),
            grace_until: t + SimDuration::from_secs(u64::from(life_s + grace)),
        });
        Ok(answer)
    }

    /// The resolver's full resolution of `name` for client `c`, following CNAMEs:
    /// its addresses added to `out` in answer order, and (an empty-answer result
    /// if any, the smallest TTL on the chain).
    fn resolve(
        &mut self,
        c: ClientIdx,
        name: NameId,
        t: SimTime,
        depth: u32,
        out: &mut Addrs,
    ) -> (Result<(), RequestResult>, u32) {
        if depth > CNAME_CHAIN_MAX {
            return (Err(RequestResult::Failed(Outcome::Timeout)), 0);
        }
        let r = self.clients[c].resolver;
        let key = CacheKey::new(name, self.resolvers[r].ecs_scope(&self.clients[c]));
        let shard = self.resolvers[r].pick_shard();
        let cached = self.resolvers[r].caches[shard].get(&key, t).map(|e| e.answer.clone());
        let answer = match cached {
            Some(a) => {
                self.rec.resolver_lookup(c, t, CacheLookup::Hit);
                a
            }
            None => {
                let a = self.authoritative(c, name, t);
                self.rec.resolver_lookup(c, t, CacheLookup::Miss);
                let rr = &mut self.resolvers[r];
                let (rules, ext) = (rr.rules, rr.extend_ttl_s);
                rr.caches[shard].put(key, a.clone(), t, &rules, ext);
                self.note_resolver_answer(c, r, key, &a, t);
                a
            }
        };
        match &*answer {
            Answer::NxDomain { ttl_s } => (Err(RequestResult::NxDomain), *ttl_s),
            Answer::NoData { ttl_s, .. } => (Err(RequestResult::NoAnswer), *ttl_s),
            Answer::Records { items, ttl_s, .. } => {
                let mut ttl = *ttl_s;
                if items.iter().all(|i| matches!(i, Item::Addr { .. })) {
                    out.add(&answer);
                    return (Ok(()), ttl);
                }
                for item in items {
                    match item {
                        Item::Addr { .. } => out.push(item),
                        Item::Cname { target, to } => {
                            let id = match to {
                                CnameTo::Lb(l) => NameTable::lb(*l),
                                CnameTo::Zone => self.names.target(target),
                                CnameTo::External => return (Err(RequestResult::Failed(Outcome::Timeout)), ttl),
                            };
                            let (res, t2) = self.resolve(c, id, t, depth + 1, out);
                            ttl = ttl.min(t2);
                            if let Err(e) = res {
                                return (Err(e), ttl);
                            }
                        }
                    }
                }
                (Ok(()), ttl)
            }
        }
    }

    /// Route 53's answer to client `c`'s resolver for `name` at `t`: a load
    /// balancer's own name, or the answer engine over the zone.
    fn authoritative(&mut self, c: ClientIdx, name: NameId, t: SimTime) -> Arc<Answer> {
        let r = self.clients[c].resolver;
        // The resolver queries one of the zone's name servers, as its kind picks; the
        // query lands at a DNS location, which answers from what it has heard.
        let loc = self.resolvers[r].query_location(t);
        if let Some(lb) = self.names.as_lb(name) {
            let view = self.health.view_at(&self.zone, loc);
            let mut items = answer::lb_answer(&self.zone, lb, &view);
            self.r53_rng.shuffle(&mut items);
            return Arc::new(Answer::Records { items, ttl_s: answer::LB_TTL_S });
        }
        let ecs = if self.resolvers[r].ecs { self.clients[c].ecs.as_ref() } else { None };
        let stamp = (self.health.dns_changes(), self.latency.epoch(t));
        let key = asked_by(loc, name, r, ecs.map(|e| &**e));
        let mut a = match key.and_then(|key| self.fixed_answers.get(stamp, key, ecs)) {
            Some((a, draws)) => {
                draws.replay(&mut self.r53_rng);
                a
            }
            None => {
                let q = Query {
                    name: self.names.name(name),
                    rtype: RecordType::A,
                    resolver: &self.resolvers[r].addr,
                    ecs: ecs.map(|e| &**e),
                    now: t,
                };
                let view = self.health.view_at(&self.zone, loc);
                let (a, draws) = answer::answer_with_draws(&self.zone, &q, &view, &self.latency, &mut self.r53_rng);
                let a = Arc::new(a);
                if let Some(key) = key
                    && draws.fixed()
                {
                    self.fixed_answers.put(key, ecs.cloned(), &a, draws);
                }
                a
            }
        };
        if let Answer::Records { items, .. } = &*a
            && items.len() > 1
            && items.iter().all(|i| matches!(i, Item::Addr { dest: Dest::LbNode { .. }, .. }))
            && let Answer::Records { items, .. } = Arc::make_mut(&mut a)
        {
            // An LB's node addresses come back in a different order per response (a
            // remembered answer keeps its own order).
            self.r53_rng.shuffle(items);
        }
        a
    }

    /// Resolver `r` fetched `a` for client `c`: a change of region for the service
    /// is traced, and a probe's phases noted.
    fn note_resolver_answer(&mut self, c: ClientIdx, r: ResolverIdx, key: CacheKey, a: &Answer, t: SimTime) {
        let region = self.answer_region(a);
        // Only the service's answers are traced, so only theirs are remembered.
        let prev = if key.name == NameTable::SERVICE { self.rec.resolver_answer(r, key, region) } else { None };
        if prev.is_some() && prev != Some(region) {
            let now = match (region, a) {
                (Some(reg), _) => ResolverNow::Region(reg),
                (None, Answer::NoData { reason: NoDataReason::NoMatch, .. }) => ResolverNow::NoMatch,
                (None, _) => ResolverNow::Empty,
            };
            self.rec.note(t, TraceDetail::Resolver { resolver: r, now });
        }
        if let Some(p) = self.clients[c].probe {
            self.rec.probe_resolver_answer(p, t, region);
        }
    }

    /// The region of an answer's first address.
    pub(super) fn answer_region(&self, a: &Answer) -> Option<RegionId> {
        match a {
            Answer::Records { items, .. } => self.first_addr_region(items),
            _ => None,
        }
    }

    /// The region the first address among `items` leads to.
    fn first_addr_region(&self, items: &[Item]) -> Option<RegionId> {
        items.iter().find_map(|i| match i {
            Item::Addr { dest, .. } => self.regions.of_dest(dest),
            _ => None,
        })
    }
}

/// The addresses a resolution has gathered so far: none, one answer's own (shared,
/// not copied: most lookups end at one answer of addresses), or a list of them.
pub(super) enum Addrs {
    None,
    One(Arc<Answer>),
    Many(Vec<Item>),
}

impl Addrs {
    /// Adds the addresses of `a`, an answer of addresses only.
    fn add(&mut self, a: &Arc<Answer>) {
        match self {
            Addrs::None => *self = Addrs::One(a.clone()),
            _ => {
                if let Answer::Records { items, .. } = &**a {
                    items.iter().for_each(|i| self.push(i));
                }
            }
        }
    }

    /// Adds one address.
    fn push(&mut self, item: &Item) {
        match self {
            Addrs::None => *self = Addrs::Many(vec![item.clone()]),
            Addrs::One(a) => {
                let mut items = match &**a {
                    Answer::Records { items, .. } => items.clone(),
                    _ => Vec::new(),
                };
                items.push(item.clone());
                *self = Addrs::Many(items);
            }
            Addrs::Many(items) => items.push(item.clone()),
        }
    }
}

/// Who asked where, packed in one number: the DNS location (16 bits), the name (24),
/// the resolver (32) and the client subnet it sent, if any (1 + 8 + 32).
type AskedBy = u128;

/// [`AskedBy`] for a query, if its parts fit.
fn asked_by(loc: usize, name: NameId, r: ResolverIdx, ecs: Option<&ClientAddr>) -> Option<AskedBy> {
    let (loc, name, r) = (u16::try_from(loc).ok()?, name.0, u32::try_from(r).ok()?);
    if name >= 1 << 24 {
        return None;
    }
    let ecs = ecs.map_or(0, |e| 1 << 40 | u128::from(e.prefix_len) << 32 | u128::from(e.addr));
    Some(u128::from(loc) << 112 | u128::from(name) << 88 | u128::from(r) << 56 | ecs)
}

/// Route 53's answers that no draw could change ([`answer::Draws::fixed`]), by who
/// asked where. Such an answer depends only on the query, the zone, the health the
/// location's DNS servers see and the latency data: while the health engine's count
/// of DNS changes and the latency epoch stay as they were (and the zone, which
/// [`FixedAnswers::clear`] is told of), the same query gets the same answer and makes
/// the same draws, which [`answer::Draws::replay`] makes again. A copy starts empty,
/// so checkpoints neither carry nor share it; a run answers the same with or without.
#[derive(Debug, Default)]
pub struct FixedAnswers {
    /// (DNS changes, latency epoch) the answers hold for.
    stamp: (u64, u64),
    answers: BTreeMap<AskedBy, FixedAnswer>,
    /// Tests: answer every query afresh, and count the answers served again.
    #[cfg(test)]
    off: bool,
    #[cfg(test)]
    served: u64,
}

#[derive(Debug)]
struct FixedAnswer {
    /// The client subnet sent, compared in full (the key has only its address).
    ecs: Option<Arc<ClientAddr>>,
    answer: Arc<Answer>,
    draws: answer::Draws,
}

impl Clone for FixedAnswers {
    fn clone(&self) -> Self {
        FixedAnswers::default()
    }
}

impl FixedAnswers {
    /// Forgets every answer (the zone changed).
    pub fn clear(&mut self) {
        self.answers.clear();
    }

    /// The answer fixed for `key` under `stamp`, with its draws.
    fn get(
        &mut self,
        stamp: (u64, u64),
        key: AskedBy,
        ecs: Option<&Arc<ClientAddr>>,
    ) -> Option<(Arc<Answer>, answer::Draws)> {
        #[cfg(test)]
        if self.off {
            return None;
        }
        if stamp != self.stamp {
            self.stamp = stamp;
            self.answers.clear();
            return None;
        }
        let e = self.answers.get(&key)?;
        let same_ecs = match (ecs, &e.ecs) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
            _ => false,
        };
        #[cfg(test)]
        {
            self.served += u64::from(same_ecs);
        }
        same_ecs.then(|| (e.answer.clone(), e.draws))
    }

    /// Remembers a fixed answer for `key` (under the stamp of the last [`Self::get`]).
    fn put(&mut self, key: AskedBy, ecs: Option<Arc<ClientAddr>>, answer: &Arc<Answer>, draws: answer::Draws) {
        self.answers.insert(key, FixedAnswer { ecs, answer: answer.clone(), draws });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answering again from [`FixedAnswers`] changes nothing: presets of every
    /// routing shape run to the same trace, the same numbers and the same Route 53
    /// draws with and without it — and it does serve answers again.
    #[test]
    fn fixed_answers_change_no_run() {
        for name in [
            "latency-weighted-cname-ttl1-nlb",
            "latency-weighted-cname-ttl1-alb",
            "latency-weighted-checks-alb",
            "latency-failover-nlb",
            "latency-near-tie-nlb",
            "geo-failover-alb",
            "geo-checks-only-nlb",
            "all-defaults-nlb",
        ] {
            let s = crate::design::presets::preset(name).unwrap();
            let run = |fixed: bool| {
                let mut sim = Sim::new(&s).unwrap();
                sim.fixed_answers.off = !fixed;
                sim.run_until(sim.duration());
                let r = sim.report();
                let served = sim.fixed_answers.served;
                ((sim.trace_hash(), format!("{:?}", r.summary), sim.r53_rng.next_u64()), served)
            };
            let (with, served) = run(true);
            let (without, none) = run(false);
            assert_eq!(with, without, "{name}");
            assert_eq!(none, 0);
            if name.contains("ttl1") {
                assert!(served > 1_000, "{name}: {served} answers served again");
            }
        }
    }
}
