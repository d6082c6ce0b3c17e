//! The fault script and how each fault applies, as data (whether an action names
//! things the zone has is `route53::script`'s check); [`effect`] turns an action into its
//! [`Effect`] — which hosts, load balancers, checker regions or manual checks get
//! which state now, or which configuration edits reach the DNS servers after the
//! propagation delay — and [`Sim`] applies effects, telling the health engine.
//!
//! Record changes (a weight, a change batch) go through the zone as Route 53's
//! control plane holds it: the batch is applied there at once, all or nothing, and
//! the resulting zone goes live on the DNS servers after the propagation delay, so
//! resolvers keep serving the old answer from their caches until it expires.

use crate::base::time::{SimDuration, SimTime};
use crate::failover::recording::Cause;
use crate::failover::sim::{Event, Sim};
use crate::failover::trace::TraceDetail;
use crate::route53::endpoints::HostState;
use crate::route53::script::record_changes;
use crate::route53::zone::{CheckIdx, Host, HostIdx, LbIdx, Zone};
use crate::spec::scenario::{FaultAction, FaultSpec};
use crate::spec::zone::ZoneSpec;

/// The faults of a run and the configuration changes on their way.
#[derive(Clone, Debug)]
pub(super) struct FaultScript {
    /// Every fault: the scripted ones in time order, then each injected one.
    pub faults: Vec<FaultSpec>,
    /// Configuration changes waiting for the propagation delay: (the fault that
    /// asked for it, its edits).
    pending: Vec<(usize, Vec<ConfigEdit>)>,
    /// How long a configuration change takes to reach the DNS servers, ms.
    config_delay_ms: u64,
    /// The zone as Route 53's control plane holds it: every accepted record change
    /// applied, whether or not it is live on the DNS servers yet.
    pub control: ZoneSpec,
}

impl FaultScript {
    /// The scripted faults (sorted by time here) with a propagation delay, over
    /// `zone` as written.
    pub fn new(mut faults: Vec<FaultSpec>, config_delay_ms: u64, zone: ZoneSpec) -> FaultScript {
        crate::spec::scenario::sort_faults(&mut faults);
        FaultScript { faults, pending: Vec::new(), config_delay_ms, control: zone }
    }

    /// Adds a fault; returns its index.
    pub fn add(&mut self, f: FaultSpec) -> usize {
        self.faults.push(f);
        self.faults.len() - 1
    }
}

/// Where a run's faults go in a longer script, and the positions of the faults it
/// adds, if a run that has run its events up to `ran_to` (`None`: none yet, not even
/// those at time 0) can take the longer script exactly as if it had been built with
/// it: `run` (the run's faults, in time order) appears in `all` (in time order) in the
/// same order; the faults due by then keep their places (their index is in the
/// trace); every added fault is due later; and no fault of the run follows an added
/// one at the same time (a run built with `all` would run it first).
pub(crate) fn inserted(
    run: &[FaultSpec],
    all: &[FaultSpec],
    ran_to: Option<SimTime>,
) -> Option<(Vec<usize>, Vec<usize>)> {
    let (mut moved, mut added) = (Vec::with_capacity(run.len()), Vec::new());
    for (p, f) in all.iter().enumerate() {
        match run.get(moved.len()) {
            Some(r) if r == f => moved.push(p),
            _ => added.push(p),
        }
    }
    let due = |f: &FaultSpec| ran_to.is_some_and(|t| SimTime(f.at_ms) <= t);
    let kept = moved.len() == run.len() && moved.iter().enumerate().all(|(j, &p)| p == j || !due(&run[j]));
    let later = added.iter().all(|&p| !due(&all[p]) && moved.iter().all(|&q| q < p || all[q].at_ms != all[p].at_ms));
    (kept && later).then_some((moved, added))
}

/// What a fault does, worked out from the zone.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Effect {
    /// The world changes now (the health engine is told even when nothing changes).
    Now(Vec<Change>),
    /// Configuration edits that go live on the DNS servers after the propagation
    /// delay (weights, inverted checks: Route 53 control-plane changes).
    Config(Vec<ConfigEdit>),
}

/// One change to the world.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Change {
    /// A host's web server gets a new state.
    Host(HostIdx, HostState),
    /// A load balancer goes down (its nodes black-hole traffic) or comes back.
    LbDown(LbIdx, bool),
    /// A health-checker region is cut off from every endpoint, or reconnected.
    CheckersCutOff(String, bool),
    /// Every host up, every load balancer up, every checker region connected.
    RestoreAll,
    /// A manual check's status is set.
    Manual(CheckIdx, bool),
}

/// One configuration edit.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum ConfigEdit {
    /// The zone's records as the control plane now holds them (a weight changed, a
    /// change batch applied), validated.
    Records(Box<Zone>),
    /// A health check's inversion.
    Inverted(CheckIdx, bool),
}

/// Which hosts a fault acts on.
#[derive(Clone, Copy)]
enum Hosts<'a> {
    /// Every host in a region.
    InRegion(&'a str),
    /// Every host in an availability zone.
    InAz(&'a str),
    /// One host, by id.
    Named(&'a str),
}

/// Every host of `which` gets `state`.
fn hosts(zone: &Zone, which: Hosts<'_>, state: HostState) -> Effect {
    let picked = |h: &&Host| match which {
        Hosts::InRegion(region) => h.region == region,
        Hosts::InAz(az) => h.spec.az == az,
        Hosts::Named(id) => h.spec.id == id,
    };
    Effect::Now(zone.hosts.iter().enumerate().filter(|(_, h)| picked(h)).map(|(i, _)| Change::Host(i, state)).collect())
}

/// What `action` does to the world of `zone`.
pub(super) fn effect(zone: &Zone, action: &FaultAction) -> Effect {
    use Hosts::{InAz, InRegion, Named};
    let lb =
        |id: &str, down: bool| Effect::Now(zone.lb_by_id(id).map(|l| Change::LbDown(l, down)).into_iter().collect());
    match action {
        FaultAction::StopRegion { region } => hosts(zone, InRegion(region), HostState::Stopped),
        FaultAction::StopAz { az } => hosts(zone, InAz(az), HostState::Stopped),
        FaultAction::StopHost { host } => hosts(zone, Named(host), HostState::Stopped),
        FaultAction::BlackHoleRegion { region } => hosts(zone, InRegion(region), HostState::BlackHole),
        FaultAction::BlackHoleHost { host } => hosts(zone, Named(host), HostState::BlackHole),
        FaultAction::SlowHost { host, delay_ms } => hosts(zone, Named(host), HostState::Slow(*delay_ms)),
        FaultAction::StartRegion { region } => hosts(zone, InRegion(region), HostState::Up),
        FaultAction::StartAz { az } => hosts(zone, InAz(az), HostState::Up),
        FaultAction::StartHost { host } => hosts(zone, Named(host), HostState::Up),
        FaultAction::LbDown { lb: id } => lb(id, true),
        FaultAction::LbUp { lb: id } => lb(id, false),
        FaultAction::PartitionCheckers { region } => Effect::Now(vec![Change::CheckersCutOff(region.clone(), true)]),
        FaultAction::HealCheckers { region } => Effect::Now(vec![Change::CheckersCutOff(region.clone(), false)]),
        FaultAction::RestoreAll => Effect::Now(vec![Change::RestoreAll]),
        FaultAction::SetManual { check, healthy } => {
            Effect::Now(zone.check_by_id(check).map(|c| Change::Manual(c, *healthy)).into_iter().collect())
        }
        // Record changes: see `record_changes`.
        FaultAction::SetWeight { .. } | FaultAction::ApplyChanges { .. } => Effect::Config(Vec::new()),
        FaultAction::SetInverted { check, inverted } => {
            Effect::Config(zone.check_by_id(check).map(|c| ConfigEdit::Inverted(c, *inverted)).into_iter().collect())
        }
    }
}

impl Sim {
    /// Fault `i` happens at `t`: traced, the phases started by the first breaking
    /// one, and its effect applied (or its configuration change sent on its way).
    pub(super) fn apply_fault(&mut self, i: usize, t: SimTime) {
        let action = &self.faults.faults[i].action;
        let (breaking, mut effect) = (action.is_breaking(), effect(&self.zone, action));
        match record_changes(&self.faults.control, action) {
            Some(Ok((spec, zone))) => {
                self.faults.control = spec;
                effect = Effect::Config(vec![ConfigEdit::Records(Box::new(zone))]);
            }
            Some(Err(why)) => {
                self.rec.note(t, TraceDetail::Refused { fault: i, why });
                return;
            }
            None => {}
        }
        self.rec.note(t, TraceDetail::Fault { fault: i });
        if breaking {
            self.rec.breaking_fault(t);
        }
        match effect {
            Effect::Now(changes) => {
                for change in changes {
                    self.apply_change(change, t);
                }
            }
            Effect::Config(edits) => {
                self.faults.pending.push((i, edits));
                let idx = self.faults.pending.len() - 1;
                self.queue.schedule(t + SimDuration(self.faults.config_delay_ms), Event::Config(idx));
            }
        }
    }

    fn apply_change(&mut self, change: Change, t: SimTime) {
        match change {
            Change::Host(h, state) => self.world.set_host(h, state),
            Change::LbDown(l, down) => self.world.lb_down[l] = down,
            Change::CheckersCutOff(region, true) => {
                self.world.partitioned.insert(region);
            }
            Change::CheckersCutOff(region, false) => {
                self.world.partitioned.remove(&region);
            }
            Change::RestoreAll => self.world.restore_all(),
            Change::Manual(c, healthy) => {
                let q = &mut self.queue;
                self.health.set_manual(c, healthy, t, &mut |at, e| q.schedule(at, Event::Health(e)));
            }
        }
    }

    /// Pending configuration change `i` reaches the DNS servers at `t`.
    pub(super) fn apply_config(&mut self, i: usize, t: SimTime) {
        let (fault, edits) = self.faults.pending[i].clone();
        for edit in edits {
            match edit {
                // Only records change: health checks, load balancers and hosts keep
                // their indices, so the health engine and the world carry on.
                ConfigEdit::Records(zone) => {
                    self.zone = *zone;
                    self.fixed_answers.clear();
                }
                ConfigEdit::Inverted(c, inverted) => self.health.set_inverted(c, inverted),
            }
        }
        self.rec.note(t, TraceDetail::ConfigLive { fault });
        self.note_dns_change(t, Some(t), None, Cause::Config(fault));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route53::script::check_action;
    use crate::route53::zone::Policy;

    #[test]
    fn a_run_takes_added_faults_only_where_a_fresh_build_would_run_them_the_same() {
        let f =
            |at_ms: u64, region: &str| FaultSpec { at_ms, action: FaultAction::StopRegion { region: region.into() } };
        let run = [f(100, "a"), f(500, "b")];
        let now = Some(SimTime(200));
        // Added between the run's faults, after its last, at the same moment as a
        // later one but after it in the script: the later one moves up a place.
        assert_eq!(inserted(&run, &[f(100, "a"), f(300, "x"), f(500, "b")], now), Some((vec![0, 2], vec![1])));
        assert_eq!(inserted(&run, &[f(100, "a"), f(500, "b"), f(600, "x")], now), Some((vec![0, 1], vec![2])));
        assert_eq!(inserted(&run, &[f(100, "a"), f(500, "b"), f(500, "x")], now), Some((vec![0, 1], vec![2])));
        // Not where a fresh build would put it: before a fault of the run at the same
        // moment, or due already; nor with a fault of the run gone or changed, or one
        // that has run moved.
        assert_eq!(inserted(&run, &[f(100, "a"), f(500, "x"), f(500, "b")], now), None);
        assert_eq!(inserted(&run, &[f(100, "a"), f(150, "x"), f(500, "b")], now), None);
        assert_eq!(inserted(&run, &[f(100, "a"), f(300, "x")], now), None);
        assert_eq!(inserted(&run, &[f(100, "a"), f(500, "c")], now), None);
        assert_eq!(
            inserted(&run, &[f(50, "x"), f(100, "a"), f(500, "b")], Some(SimTime(40))),
            Some((vec![1, 2], vec![0]))
        );
        // A run that has run nothing yet takes faults at time 0 as well.
        let zero = [f(0, "x"), f(100, "a"), f(500, "b")];
        assert_eq!(inserted(&run, &zero, Some(SimTime::ZERO)), None);
        assert_eq!(inserted(&run, &zero, None), Some((vec![1, 2], vec![0])));
        assert_eq!(
            inserted(&run, &[f(250, "x"), f(100, "a"), f(500, "b")], now),
            None,
            "the run's first fault has run"
        );
    }

    #[test]
    fn each_fault_is_an_effect_on_named_parts_of_the_world() {
        let s = crate::design::presets::preset("latency-weighted-checks-alb").unwrap();
        let zone = Zone::new(&s.zone).unwrap();
        let in_use1: Vec<HostIdx> = (0..zone.hosts.len()).filter(|&h| zone.hosts[h].region == "us-east-1").collect();
        assert!(!in_use1.is_empty());
        let stop = effect(&zone, &FaultAction::StopRegion { region: "us-east-1".into() });
        assert_eq!(stop, Effect::Now(in_use1.iter().map(|&h| Change::Host(h, HostState::Stopped)).collect()));
        let lb = zone.load_balancers[0].spec.id.clone();
        assert_eq!(effect(&zone, &FaultAction::LbDown { lb }), Effect::Now(vec![Change::LbDown(0, true)]));
        assert_eq!(
            effect(&zone, &FaultAction::PartitionCheckers { region: "sa-east-1".into() }),
            Effect::Now(vec![Change::CheckersCutOff("sa-east-1".into(), true)])
        );
        let weighted = (0..zone.records.len()).find(|&r| matches!(zone.records[r].policy, Policy::Weighted { .. }));
        let r = weighted.expect("a weighted record");
        let (name, set_id) = (zone.records[r].name.clone(), zone.records[r].set_id.clone().unwrap());
        // A record change goes through the zone the control plane holds: the new
        // weight, capped at 255, in a zone that goes live after the delay.
        let (_, changed) =
            record_changes(&s.zone, &FaultAction::SetWeight { name, set_id, weight: 300 }).unwrap().unwrap();
        assert_eq!(changed.records[r].policy, Policy::Weighted { weight: 255 });
        assert!(record_changes(&s.zone, &FaultAction::LbDown { lb: "x".into() }).is_none());
        assert!(check_action(&zone, &FaultAction::StopHost { host: "ghost".into() }).is_err());
    }
}
