//! Following one sampled resolver through the deployment: the locations that can
//! be on its path, the stretches in which nothing on it changes, and driving its
//! walker through each stretch (the first few resolutions one by one, the rest
//! standing in for them).

use crate::base::time::SimTime;
use crate::deploy::anycast::{LocState, Site};
use crate::deploy::resolvers::{self, Outcome, Walker};
use crate::deploy::schedule::Schedule;
use crate::spec::deploy::{BadKind, DeploySpec};

use super::SETTLE;

/// A stretch of time, µs: from, until.
pub(super) type Span = (u64, u64);

/// Following one resolver through the deployment.
pub(super) struct Follow<'a> {
    pub(super) spec: &'a DeploySpec,
    pub(super) sched: &'a Schedule,
    pub(super) site: &'a Site,
    pub(super) baseline_us: u64,
    pub(super) conv_ms: u64,
}

impl resolvers::World for Follow<'_> {
    fn state(&self, l: u16, t: u64) -> LocState {
        if t < self.baseline_us {
            return LocState::Ok;
        }
        let t = SimTime((t - self.baseline_us) / 1_000);
        let st = self.sched.state_of(usize::from(l), t);
        // A withdrawal reaches this resolver only once BGP has converged for it.
        if st == LocState::Withdrawn && self.sched.alarm_at.is_some_and(|a| t.as_ms() < a.as_ms() + self.conv_ms) {
            LocState::BlackHole
        } else {
            st
        }
    }
}

impl Follow<'_> {
    /// The locations that can ever be on this resolver's path: per stripe, the
    /// closest announcing its zone's name server and, when it withdraws, the next.
    fn relevant(&self) -> Vec<u16> {
        let mut out = Vec::new();
        for list in &self.site.by_stripe {
            for &(_, l) in list {
                out.push(l);
                // The next one only matters once this one withdraws.
                if !self.sched.states[usize::from(l)].iter().any(|e| e.1 == LocState::Withdrawn) {
                    break;
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The stretches (µs) in which something on its path misbehaves, cut wherever a
    /// state on its path changes; and the span in which its fastest location runs
    /// the bad build.
    pub(super) fn segments(&self) -> (Vec<Span>, Option<Span>) {
        let relevant = self.relevant();
        let conv = self.sched.alarm_at.filter(|_| self.spec.bad_build.kind == BadKind::BlackHole);
        let mut cuts: Vec<u64> = Vec::new();
        for &l in &relevant {
            for &(t, st) in &self.sched.states[usize::from(l)] {
                cuts.push(t.as_ms());
                if st == LocState::Withdrawn
                    && let Some(a) = conv
                {
                    cuts.push(a.as_ms() + self.conv_ms);
                }
            }
        }
        let fastest = self.site.fastest_stripe().map(|s| usize::from(self.site.by_stripe[s][0].1));
        let span = fastest.and_then(|f| {
            let (s, u) = (self.sched.bad_since[f]?, self.sched.bad_until[f]?);
            (self.sched.states[f].len() > 1).then_some((s.as_ms(), u.as_ms()))
        });
        if let Some((s, u)) = span {
            cuts.push(s);
            cuts.push(u);
        }
        cuts.sort_unstable();
        cuts.dedup();
        let us = |ms: u64| self.baseline_us + ms * 1_000;
        let segments = cuts
            .windows(2)
            .map(|w| (us(w[0]), us(w[1])))
            .filter(|&(a, _)| relevant.iter().any(|&l| resolvers::World::state(self, l, a) != LocState::Ok))
            .collect();
        (segments, span.map(|(s, u)| (us(s), us(u))))
    }

    /// Follows `walker` through `[a, b)` in `world`, handing each resolution and its
    /// weight to `each`. Nothing changes on the resolver's path within a stretch, so
    /// after [`SETTLE`] resolutions the next [`SETTLE`] stand for the rest of it
    /// (weighted by the time left over the time they took).
    pub(super) fn drive(
        &self,
        walker: &mut Walker,
        a: u64,
        b: u64,
        world: &dyn resolvers::World,
        mut each: impl FnMut(&Outcome, f64),
    ) {
        walker.skip_to(a);
        let mut n = 0;
        while walker.next_miss < b && n < SETTLE {
            each(&walker.step(self.site, world), 1.0);
            n += 1;
        }
        if walker.next_miss >= b {
            return;
        }
        let from = walker.next_miss;
        let mut held = Vec::with_capacity(SETTLE);
        while walker.next_miss < b && held.len() < SETTLE {
            held.push(walker.step(self.site, world));
        }
        let took = walker.next_miss.min(b) - from;
        let w = if walker.next_miss < b && took > 0 { (b - from) as f64 / took as f64 } else { 1.0 };
        for o in &held {
            each(o, w);
        }
        walker.skip_to(b);
    }
}
