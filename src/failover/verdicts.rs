//! Health verdicts as the run sees them: a verdict (a check's status, a load
//! balancer's opinion of a target) is noted for the phases; and when a DNS location's
//! view changes, the statuses most locations hold are kept for the per-second series
//! and each probe whose resolver queries that location is asked again, on the side,
//! whether its answer there now leads to another region (the "push" milestone of its
//! switch). The first and the last location to change are traced.

use crate::base::rng::{SimRng, stream_id};
use crate::base::time::SimTime;
use crate::failover::recording::{Cause, VerdictOf};
use crate::failover::sim::Sim;
use crate::failover::tables::{NameTable, RegionId};
use crate::failover::trace::TraceDetail;
use crate::route53::answer::{self, Answer, CnameTo, HealthView, Item, Query};
use crate::route53::health::HealthEventKind;
use crate::route53::zone::{Target, Value};
use crate::spec::zone::RecordType;

impl Sim {
    /// Takes the health engine's new events into the record. A DNS location's new
    /// view is traced when it is the first location or the last to change (every
    /// location's change counts for the probes' phases).
    pub(super) fn absorb_health_events(&mut self) {
        for ev in self.health.drain_events() {
            let mut traced = true;
            match &ev.kind {
                HealthEventKind::CheckerFlip { .. } => {}
                HealthEventKind::Status { check, healthy, .. } => {
                    self.rec.verdict(ev.at, VerdictOf::Check(*check), *healthy);
                }
                HealthEventKind::TargetHealth { host, healthy, .. } => {
                    self.rec.verdict(ev.at, VerdictOf::Target(*host), *healthy);
                }
                HealthEventKind::DnsStatus { check, healthy, location, seeing, of } => {
                    self.rec.dns_sees(ev.at, *healthy);
                    self.snapshot_statuses(ev.at);
                    let of_check = VerdictOf::Check(*check);
                    let origin = self.rec.verdict_at(of_check);
                    self.note_dns_change(ev.at, origin, Some(*location), Cause::Verdict(of_check));
                    traced = *seeing == 1 || seeing == of;
                }
                HealthEventKind::DnsTargetHealth { host, healthy, location, seeing, of } => {
                    self.rec.dns_sees(ev.at, *healthy);
                    if 2 * seeing == of + (of % 2) {
                        // Most locations now see it: the per-second series follows.
                        self.rec.target_points.push((ev.at, *host, *healthy));
                    }
                    let of_target = VerdictOf::Target(*host);
                    let origin = self.rec.verdict_at(of_target);
                    self.note_dns_change(ev.at, origin, Some(*location), Cause::Verdict(of_target));
                    traced = *seeing == 1 || seeing == of;
                }
            }
            if traced {
                self.rec.note(ev.at, TraceDetail::Health(ev.kind));
            }
        }
    }

    /// Records every check's status as most DNS locations see it (inversion,
    /// disabling and calculated checks applied), for the per-second status series,
    /// when it changed.
    pub(super) fn snapshot_statuses(&mut self, at: SimTime) {
        let view = self.health.view(&self.zone);
        let row: Vec<bool> = (0..self.zone.health_checks.len()).map(|c| view.check_healthy(c)).collect();
        if self.rec.status_points.last().is_none_or(|(_, last)| *last != row) {
            self.rec.status_points.push((at, row));
        }
    }

    /// After DNS location `loc` (`None`: every location) sees a change that `cause`
    /// made (reached at `origin`): does any probe's resolver that queries that
    /// location now get an answer pointing away from the region it used before the
    /// fault? (A side computation with its own RNG, so the run's draws are
    /// untouched.)
    pub(super) fn note_dns_change(&mut self, at: SimTime, origin: Option<SimTime>, loc: Option<usize>, cause: Cause) {
        for (p, c) in self.rec.probes_awaiting_dns() {
            let r = self.clients[c].resolver;
            let ns = &self.resolvers[r].name_servers;
            let Some(loc) = loc.or(Some(ns[0].0)).filter(|l| ns.iter().any(|&(x, _)| x == *l)) else { continue };
            let q = Query {
                name: self.names.name(NameTable::SERVICE),
                rtype: RecordType::A,
                resolver: &self.resolvers[r].addr,
                ecs: self.resolvers[r].ecs_for(&self.clients[c]),
                now: at,
            };
            let view = self.health.view_at(&self.zone, loc);
            let mut rng = SimRng::derive(self.seed, stream_id("phases"));
            let a = answer::answer(&self.zone, &q, &view, &self.latency, &mut rng);
            let region = self.resolved_region(&a);
            self.rec.probe_dns_answer(p, at, origin, cause, region);
        }
    }

    /// The region an answer leads to, following a CNAME to a load balancer (one
    /// level of in-zone CNAME: the weighted sets of the CNAME design).
    fn resolved_region(&self, a: &Answer) -> Option<RegionId> {
        let Answer::Records { items, .. } = a else { return None };
        items.iter().find_map(|i| match i {
            Item::Addr { dest, .. } => self.regions.of_dest(dest),
            Item::Cname { to: CnameTo::Lb(l), .. } => Some(self.regions.of_lb(*l)),
            Item::Cname { target, to: CnameTo::Zone } => {
                let z = &self.zone;
                let g = z.group(target, RecordType::CNAME).or_else(|| z.group(target, RecordType::A))?;
                z.groups[g].members.iter().find_map(|&m| match &z.records[m].target {
                    Target::Values(vs) => vs.iter().find_map(|v| match v {
                        Value::CnameLb(l) => Some(self.regions.of_lb(*l)),
                        _ => None,
                    }),
                    Target::AliasLb(l) => Some(self.regions.of_lb(*l)),
                    _ => None,
                })
            }
            Item::Cname { to: CnameTo::External, .. } => None,
        })
    }
}
