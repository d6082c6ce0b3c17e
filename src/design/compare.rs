//! Comparing like for like. A run pinned as "A" keeps its seed and fault script, so
//! a design loaded as "B" while A is pinned runs under the same ones (when it can:
//! the faults must name regions B has). A deployment plan is compared with another
//! field design under the same seed and bad build: a plan of neighbours with the
//! arrangement by stripe, anything else with the plan of neighbours.

use std::sync::Arc;

use crate::deploy;
use crate::design::presets;
use crate::failover::playback::Playback;
use crate::failover::sim::{Report, Sim};
use crate::spec::deploy::DeploySpec;
use crate::spec::scenario::{FaultSpec, Scenario};

/// Run A of a comparison: its report, and the seed and fault script it ran.
#[derive(Clone, Debug)]
pub struct Pinned {
    /// Its report (title, series, summary).
    pub report: Arc<Report>,
    /// The seed it ran with.
    pub seed: u64,
    /// Its fault script.
    pub faults: Vec<FaultSpec>,
}

impl Pinned {
    /// Pins the run of `p` as A.
    pub fn of(p: &Playback) -> Pinned {
        Pinned { report: Arc::new(p.report().clone()), seed: p.scenario().seed, faults: p.scenario().faults.clone() }
    }
}

/// How a design loaded as B relates to the pinned A.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LikeForLike {
    /// B runs under A's seed and fault script.
    KeepsA {
        /// A's seed.
        seed: u64,
    },
    /// A's faults name regions B does not have: B keeps its own seed and script.
    OwnScript,
}

impl LikeForLike {
    /// What the page tells the user.
    pub fn message(self) -> String {
        match self {
            LikeForLike::KeepsA { seed } => {
                format!("B keeps A's seed ({seed}) and fault script, so the two runs compare like for like.")
            }
            LikeForLike::OwnScript => {
                "This design cannot run A's fault script (its regions differ): B uses its own.".to_string()
            }
        }
    }
}

/// Design `b`, loaded while `a` is pinned: under A's seed and fault script when it
/// can run them, else as it is.
pub fn like_for_like(a: &Pinned, b: Scenario) -> (Scenario, LikeForLike) {
    let mut kept = b.clone();
    kept.seed = a.seed;
    kept.faults = a.faults.clone();
    if Sim::new(&kept).is_ok() { (kept, LikeForLike::KeepsA { seed: a.seed }) } else { (b, LikeForLike::OwnScript) }
}

/// The plan a deployment is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherPlan {
    /// The fleet arranged by stripe and geography (the good plan).
    ByStripe,
    /// Waves of neighbours (the bad plan of the field experiment).
    Neighbours,
    /// No comparison.
    Nothing,
}

impl OtherPlan {
    /// Every choice, in menu order.
    pub const ALL: [OtherPlan; 3] = [OtherPlan::Neighbours, OtherPlan::ByStripe, OtherPlan::Nothing];

    /// The choice's key in menus and tests.
    pub fn key(self) -> &'static str {
        match self {
            OtherPlan::ByStripe => "stripe",
            OtherPlan::Neighbours => "neighbours",
            OtherPlan::Nothing => "none",
        }
    }

    /// The choice with `key`.
    pub fn parse(key: &str) -> Option<OtherPlan> {
        OtherPlan::ALL.into_iter().find(|o| o.key() == key)
    }

    /// What `d` is compared with first: the other field design.
    pub fn default_for(d: &DeploySpec) -> OtherPlan {
        if d.plan.name == "neighbours" { OtherPlan::ByStripe } else { OtherPlan::Neighbours }
    }

    /// `d` with its plan replaced by this one (same fleet, seed and bad build);
    /// `None` for no comparison.
    pub fn apply(self, d: &DeploySpec) -> Option<DeploySpec> {
        let mut alt = d.clone();
        match self {
            OtherPlan::ByStripe => {
                alt.plan.waves = deploy::arrange_by_stripe(&d.fleet, 5);
                alt.plan.name = "by stripe and geography".into();
            }
            OtherPlan::Neighbours => {
                alt.plan = presets::preset("data-plane-bad-plan")?.deploy?.plan;
                alt.plan.name = "waves of neighbours".into();
            }
            OtherPlan::Nothing => return None,
        }
        Some(alt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::scenario::FaultAction;

    fn pinned(name: &str) -> Pinned {
        let mut s = presets::preset(name).unwrap();
        s.seed = 4242;
        Pinned::of(&Playback::build(&s).unwrap())
    }

    #[test]
    fn b_keeps_a_seed_and_fault_script_when_it_can_run_them() {
        let a = pinned("latency-weighted-alb");
        assert_eq!(a.seed, 4242);
        assert!(!a.faults.is_empty(), "the preset has a fault script");
        let mut b = presets::preset("latency-weighted-nlb").unwrap();
        b.faults.clear();
        let (kept, how) = like_for_like(&a, b.clone());
        assert_eq!(how, LikeForLike::KeepsA { seed: 4242 });
        assert_eq!((kept.seed, &kept.faults), (4242, &a.faults));
        assert_eq!(kept.zone, b.zone, "only the seed and the script change");
        assert!(how.message().contains("4242"));
    }

    #[test]
    fn b_keeps_its_own_script_when_a_names_regions_it_lacks() {
        let mut a = pinned("latency-weighted-alb");
        a.faults.push(FaultSpec { at_ms: 1_000, action: FaultAction::StopRegion { region: "mars-north-1".into() } });
        let b = presets::preset("latency-weighted-nlb").unwrap();
        let (same, how) = like_for_like(&a, b.clone());
        assert_eq!(how, LikeForLike::OwnScript);
        assert_eq!(same, b);
        assert!(how.message().contains("its own"));
    }

    #[test]
    fn a_plan_is_compared_with_the_other_field_design() {
        let bad = presets::preset("data-plane-bad-plan").unwrap().deploy.unwrap();
        let good = presets::preset("data-plane-by-stripe").unwrap().deploy.unwrap();
        assert_eq!(OtherPlan::default_for(&bad), OtherPlan::ByStripe);
        assert_eq!(OtherPlan::default_for(&good), OtherPlan::Neighbours);
        let alt = OtherPlan::ByStripe.apply(&bad).unwrap();
        assert_eq!(alt.plan.name, "by stripe and geography");
        assert_eq!(alt.plan.waves, deploy::arrange_by_stripe(&bad.fleet, 5));
        assert_eq!((alt.fleet, alt.bad_build), (bad.fleet.clone(), bad.bad_build));
        let alt = OtherPlan::Neighbours.apply(&good).unwrap();
        assert_eq!(alt.plan.waves, bad.plan.waves);
        assert_eq!(OtherPlan::Nothing.apply(&good), None);
        for o in OtherPlan::ALL {
            assert_eq!(OtherPlan::parse(o.key()), Some(o));
        }
    }
}
