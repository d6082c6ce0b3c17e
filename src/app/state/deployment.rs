//! The deployment player: its clock, the scenario's data-plane deployment (spec,
//! seed and playback) and control-plane deployment (its run), and the whole
//! picture at the playhead, computed once for the map and the side panel. The
//! inputs are memos compared by value, so editing the routing tree or moving the
//! failover playhead rebuilds none of it.

use std::sync::Arc;

use leptos::prelude::*;

use super::clock::Clock;
use super::design::Design;
use crate::base::time::SimTime;
use crate::deploy::control::{self, CpReport};
use crate::deploy::playback::{DeployNow, DeployPlayback};
use crate::spec::deploy::DeploySpec;

/// The deployments of the working scenario and where their player is.
#[derive(Clone, Copy)]
pub struct Deployment {
    clock: Clock,
    spec: Memo<Option<(DeploySpec, u64)>>,
    playback: Memo<Option<Arc<Result<DeployPlayback, String>>>>,
    control: Memo<Option<Arc<Result<CpReport, String>>>>,
    now: Memo<Option<Arc<DeployNow>>>,
}

/// The page's deployments.
pub fn use_deployment() -> Deployment {
    expect_context::<Deployment>()
}

impl Deployment {
    /// The deployments of `design`'s scenario, played by `clock`.
    pub fn new(design: Design, clock: Clock) -> Deployment {
        let spec = Memo::new(move |_| design.with(|s| s.deploy.clone().map(|d| (d, s.seed))));
        let control_spec = Memo::new(move |_| design.with(|s| s.control_plane.clone()));
        let playback = Memo::new_with_compare(
            move |_| {
                spec.with(|d| {
                    d.as_ref().map(|(d, seed)| Arc::new(DeployPlayback::build(d, *seed).map_err(|p| p.join("; "))))
                })
            },
            |_, _| true,
        );
        let control = Memo::new_with_compare(
            move |_| control_spec.with(|c| c.as_ref().map(|c| Arc::new(control::run(c).map_err(|p| p.join("; "))))),
            |_, _| true,
        );
        let now = Memo::new_with_compare(
            move |_| {
                let t = SimTime(clock.playhead());
                playback.with(|p| p.as_ref().and_then(|r| r.as_ref().as_ref().ok().map(|p| Arc::new(p.at(t)))))
            },
            |_, _| true,
        );
        Deployment { clock, spec, playback, control, now }
    }

    /// The player's clock.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Reads the data-plane deployment and its seed (tracked); `None` without one.
    pub fn with_spec<T>(&self, f: impl FnOnce(&DeploySpec, u64) -> T) -> Option<T> {
        self.spec.with(|d| d.as_ref().map(|(d, seed)| f(d, *seed)))
    }

    /// A copy of the data-plane deployment (tracked).
    pub fn spec(&self) -> Option<DeploySpec> {
        self.with_spec(|d, _| d.clone())
    }

    /// The data-plane playback: `None` without a deployment, `Err` when it cannot
    /// run (tracked).
    pub fn playback(&self) -> Memo<Option<Arc<Result<DeployPlayback, String>>>> {
        self.playback
    }

    /// Reads the data-plane playback when it runs (tracked).
    pub fn with_playback<T>(&self, f: impl FnOnce(&DeployPlayback) -> T) -> Option<T> {
        self.playback.with(|p| p.as_ref().and_then(|r| r.as_ref().as_ref().ok().map(f)))
    }

    /// Does the scenario have a data-plane deployment? (tracked)
    pub fn has_playback(&self) -> bool {
        self.playback.with(Option::is_some)
    }

    /// Why the data-plane deployment cannot run (tracked).
    pub fn playback_error(&self) -> Option<String> {
        self.playback.with(|p| p.as_ref().and_then(|r| r.as_ref().as_ref().err().cloned()))
    }

    /// Reads the control-plane run: `None` without a control-plane deployment
    /// (tracked).
    pub fn with_control<T>(&self, f: impl FnOnce(&Result<CpReport, String>) -> T) -> Option<T> {
        self.control.with(|c| c.as_deref().map(f))
    }

    /// Does the scenario have a control-plane deployment? (tracked)
    pub fn has_control(&self) -> bool {
        self.control.with(Option::is_some)
    }

    /// The data-plane picture at the playhead (tracked).
    pub fn now(&self) -> Memo<Option<Arc<DeployNow>>> {
        self.now
    }

    /// Where the player stops: the end of the longer of the two deployments, ms.
    pub fn end_ms_untracked(&self) -> u64 {
        let data = self.playback.with_untracked(|p| {
            p.as_ref().and_then(|p| p.as_ref().as_ref().ok().map(|p| p.duration().as_ms())).unwrap_or(0)
        });
        let control = self.control.with_untracked(|c| {
            c.as_ref().and_then(|c| c.as_ref().as_ref().ok().map(|r| r.end().as_ms())).unwrap_or(0)
        });
        data.max(control)
    }
}
