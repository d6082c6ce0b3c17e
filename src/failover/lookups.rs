//! Looking the service up for a client: its own DNS cache first (with Firefox's
//! grace period), then its resolver — the resolver's cache, else Route 53, following
//! CNAME chains to in-zone names and load balancers' own names — and the
//! authoritative query itself: the resolver picks one of the zone's name servers as
//! its kind does, the query lands at that name server's nearest DNS location, and
//! the location answers (the answer engine, or a load balancer's name) from the
//! health it has heard.

use std::sync::Arc;

use crate::base::time::{SimDuration, SimTime};
use crate::failover::client::{CachedAnswer, ClientIdx, ClientRules, Resolved};
use crate::failover::recording::CacheLookup;
use crate::failover::requests::RequestResult;
use crate::failover::resolver::{CacheKey, ResolverIdx};
use crate::failover::sim::Sim;
use crate::failover::tables::{NameId, NameTable, RegionId};
use crate::failover::trace::{ResolverNow, TraceDetail};
use crate::route53::answer::{self, Answer, CnameTo, Dest, Item, NoDataReason, Query};
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
        let mut addrs = Vec::new();
        let (resolved, ttl_s) = self.resolve(c, NameTable::SERVICE, t, 0, &mut addrs);
        if let Err(r) = resolved {
            self.clients[c].cache = None;
            return Err(r);
        }
        // For a probe's log, the addresses joined by ", ", written straight into one
        // string.
        let summary = self.clients[c].probe.map(|_| {
            let mut summary = String::new();
            let texts = addrs.iter().filter_map(|i| match i {
                Item::Addr { text, .. } => Some(&**text),
                _ => None,
            });
            for (i, text) in texts.enumerate() {
                if i > 0 {
                    summary.push_str(", ");
                }
                summary.push_str(text);
            }
            Arc::from(summary)
        });
        let answer = Resolved { addrs: Arc::new(addrs), summary };
        if let Some(p) = self.clients[c].probe {
            let region = self.first_addr_region(&answer.addrs);
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
    /// its addresses appended to `out` in answer order, and (an empty-answer result
    /// if any, the smallest TTL on the chain).
    fn resolve(
        &mut self,
        c: ClientIdx,
        name: NameId,
        t: SimTime,
        depth: u32,
        out: &mut Vec<Item>,
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
                let a = Arc::new(self.authoritative(c, name, t));
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
                for item in items {
                    match item {
                        Item::Addr { .. } => out.push(item.clone()),
                        Item::Cname { target, to } => {
                            let id = match to {
                                CnameTo::Lb(l) => NameTable::lb(*l),
                                CnameTo::Zone => self.names.intern(target),
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
    fn authoritative(&mut self, c: ClientIdx, name: NameId, t: SimTime) -> Answer {
        let r = self.clients[c].resolver;
        // The resolver queries one of the zone's name servers, as its kind picks; the
        // query lands at a DNS location, which answers from what it has heard.
        let loc = self.resolvers[r].query_location(t);
        if let Some(lb) = self.names.as_lb(name) {
            let view = self.health.view_at(&self.zone, loc);
            let mut items = answer::lb_answer(&self.zone, lb, &view);
            self.r53_rng.shuffle(&mut items);
            return Answer::Records { items, ttl_s: answer::LB_TTL_S };
        }
        let ecs = if self.resolvers[r].ecs { self.clients[c].ecs.as_deref() } else { None };
        let q =
            Query { name: self.names.name(name), rtype: RecordType::A, resolver: &self.resolvers[r].addr, ecs, now: t };
        let view = self.health.view_at(&self.zone, loc);
        let mut a = answer::answer(&self.zone, &q, &view, &self.latency, &mut self.r53_rng);
        if let Answer::Records { items, .. } = &mut a
            && items.len() > 1
            && items.iter().all(|i| matches!(i, Item::Addr { dest: Dest::LbNode { .. }, .. }))
        {
            // An LB's node addresses come back in a different order per response.
            self.r53_rng.shuffle(items);
        }
        a
    }

    /// Resolver `r` fetched `a` for client `c`: a change of region for the service
    /// is traced, and a probe's phases noted.
    fn note_resolver_answer(&mut self, c: ClientIdx, r: ResolverIdx, key: CacheKey, a: &Answer, t: SimTime) {
        let region = self.answer_region(a);
        let prev = self.rec.resolver_answer(r, key, region);
        if key.name == NameTable::SERVICE && prev.is_some() && prev != Some(region) {
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
