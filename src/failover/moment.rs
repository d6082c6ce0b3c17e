//! One playhead of a run, computed once: the simulation state there (a checkpoint
//! run forward) and the live view read from it. Every panel that shows the playhead
//! — the narration, the tree's health, traffic, caches, the probe log, the query
//! tester — reads this one moment instead of running forward from the checkpoint
//! on its own.

use crate::base::time::SimTime;
use crate::failover::playback::{LiveView, Playback, Tested};
use crate::failover::sim::Sim;

/// A run at one playhead.
#[derive(Clone, Debug)]
pub struct Moment {
    at: SimTime,
    state: Sim,
    live: LiveView,
}

impl Moment {
    /// The run `p` at `t` (clamped to its end, as [`Playback::state_at`] does).
    pub fn new(p: &Playback, t: SimTime) -> Moment {
        let state = p.state_at(t);
        let live = p.live_in(&state, t);
        Moment { at: t, state, live }
    }

    /// The simulated time this moment shows.
    pub fn at(&self) -> SimTime {
        self.at
    }

    /// What the page shows here.
    pub fn live(&self) -> &LiveView {
        &self.live
    }

    /// Route 53's answer here for a resolver in `from` (with an ECS client in `ecs`),
    /// explained; `p` is the run this moment is of.
    pub fn query(&self, p: &Playback, from: &str, ecs: Option<&str>) -> Result<Tested, String> {
        p.query_in(&self.state, self.at, from, ecs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_shows_what_the_playback_shows_at_its_playhead() {
        let p = Playback::build(&crate::design::presets::preset("latency-weighted-alb").unwrap()).unwrap();
        for t in [0, 10_000, 333_333, 600_000, u64::MAX / 2] {
            let m = Moment::new(&p, SimTime(t));
            assert_eq!(m.at(), SimTime(t));
            assert_eq!(m.live(), &p.live(SimTime(t)));
            for (from, ecs) in [("washington-dc", None), ("washington-dc", Some("singapore")), ("atlantis", None)] {
                assert_eq!(m.query(&p, from, ecs), p.test_query(SimTime(t), from, ecs), "{t} {from} {ecs:?}");
            }
        }
        // Before and after the us-east-1 fault the answers differ: the moment is not
        // stuck on one state.
        let early = Moment::new(&p, SimTime(10_000)).query(&p, "washington-dc", None).unwrap();
        let late = Moment::new(&p, SimTime(600_000)).query(&p, "washington-dc", None).unwrap();
        assert_ne!(early.answer, late.answer);
    }
}
