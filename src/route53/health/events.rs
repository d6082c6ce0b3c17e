//! What each of the engine's scheduled events does: a checker's probe starting and
//! its result, an opinion reaching a DNS location, the push of a calculated check,
//! a load balancer's target check and its result reaching Route 53.

use super::*;

impl HealthEngine {
    /// Handles one of its own events at `at`.
    pub(super) fn handle_ev(&mut self, at: SimTime, ev: Ev, zone: &Zone, world: &World, sched: Sched<'_>) {
        match ev {
            Ev::ProbeStart { check, checker } => {
                let HealthCheckKind::Endpoint { protocol, interval_s, .. } = zone.health_checks[check].spec.kind else {
                    return;
                };
                let endpoint = zone.health_checks[check].target.expect("endpoint check target");
                let targets = &self.targets;
                let lb_view = |h: HostIdx| targets[h].as_ref().is_none_or(|t| t.lb_healthy);
                let ch = &mut self.checks[check].checkers[checker];
                let a = probe(zone, world, endpoint, protocol, (&ch.region, ch.rtt_ms), &lb_view, &mut ch.rng);
                let ends = at + SimDuration(a.elapsed_ms);
                if a.outcome.is_ok() == ch.healthy && ch.streak == 0 {
                    // The result agrees with the checker and no streak is running: its
                    // end would change nothing but start the next probe one interval
                    // later, so that is scheduled now and the end is not.
                    sched(
                        ends + SimDuration::from_secs(u64::from(interval_s)),
                        HealthEv(Ev::ProbeStart { check, checker }),
                    );
                } else {
                    sched(ends, HealthEv(Ev::ProbeEnd { check, checker, outcome: a.outcome }));
                }
            }
            Ev::ProbeEnd { check, checker, outcome } => {
                let HealthCheckKind::Endpoint { interval_s, failure_threshold, .. } =
                    zone.health_checks[check].spec.kind
                else {
                    return;
                };
                let ok = outcome.is_ok();
                let ch = &mut self.checks[check].checkers[checker];
                if ok == ch.healthy {
                    ch.streak = 0;
                } else {
                    ch.streak += 1;
                    if ch.streak >= failure_threshold {
                        ch.healthy = ok;
                        ch.streak = 0;
                        let region = ch.region.clone();
                        self.emit(at, HealthEventKind::CheckerFlip { check, region, healthy: ok, outcome });
                        self.send_opinion(check, checker, ok, at, sched);
                        let (agg, n_ok) = aggregate(&self.checks[check].checkers, self.params.healthy_above_pct);
                        if agg != self.checks[check].status {
                            self.checks[check].status = agg;
                            let total = self.checks[check].checkers.len() as u32;
                            self.emit(
                                at,
                                HealthEventKind::Status {
                                    check,
                                    healthy: agg,
                                    healthy_checkers: n_ok,
                                    checkers: total,
                                },
                            );
                        }
                    }
                }
                sched(at + SimDuration::from_secs(u64::from(interval_s)), HealthEv(Ev::ProbeStart { check, checker }));
            }
            Ev::Deliver { check, checker, loc, healthy } => {
                self.locations[loc].heard[check][checker].0 = healthy;
                let heard = &self.locations[loc].heard[check];
                let ok = heard.iter().filter(|h| h.0).count() as u32;
                let status = u64::from(ok) * 100 > u64::from(self.params.healthy_above_pct) * heard.len() as u64;
                self.location_status(at, check, loc, status);
            }
            Ev::DeliverManual { check, loc, healthy } => self.location_status(at, check, loc, healthy),
            Ev::TargetProbeStart { host } => {
                let lb = zone.hosts[host].lb.expect("target has an LB");
                let h = zone.load_balancers[lb].health;
                let (ok, elapsed_ms) = target_probe(world, host, h.timeout_s);
                sched(at + SimDuration(elapsed_ms), HealthEv(Ev::TargetProbeEnd { host, ok }));
                // A fixed period: the next check starts one interval after this one
                // started, however long this one takes.
                sched(at + SimDuration::from_secs(u64::from(h.interval_s)), HealthEv(Ev::TargetProbeStart { host }));
            }
            Ev::TargetProbeEnd { host, ok } => {
                let lb = zone.hosts[host].lb.expect("target has an LB");
                let h = zone.load_balancers[lb].health;
                let t = self.targets[host].as_mut().expect("target");
                if ok == t.lb_healthy {
                    t.streak = 0;
                } else {
                    t.streak += 1;
                    let needed = if ok { h.healthy_threshold } else { h.unhealthy_threshold };
                    if t.streak >= needed {
                        t.lb_healthy = ok;
                        t.streak = 0;
                        t.passive_down = false;
                        self.emit(at, HealthEventKind::TargetHealth { host, healthy: ok, passive: false });
                        self.send_target(host, ok, at, sched);
                    }
                }
            }
            Ev::DeliverTarget { host, loc, healthy } => {
                if self.locations[loc].target[host].0 != healthy {
                    self.locations[loc].target[host].0 = healthy;
                    self.dns_changes += 1;
                    let seeing = self.locations.iter().filter(|l| l.target[host].0 == healthy).count() as u32;
                    let of = self.locations.len() as u32;
                    self.emit(at, HealthEventKind::DnsTargetHealth { host, healthy, location: loc, seeing, of });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route53::endpoints::HostState;
    use crate::route53::health::HealthRunner;

    /// The kinds of the runner's pending events: (probe starts, probe ends, others).
    fn pending(runner: &mut HealthRunner) -> (usize, usize, usize) {
        let mut n = (0, 0, 0);
        runner.queue.for_each_pending(|e| match e.0 {
            Ev::ProbeStart { .. } => n.0 += 1,
            Ev::ProbeEnd { .. } => n.1 += 1,
            _ => n.2 += 1,
        });
        n
    }

    /// A probe whose result agrees with its checker (and no streak running) changes
    /// nothing at its end, so it has no end event: the checker's next probe is queued
    /// when it starts. A probe that disagrees ends as an event, and enough of them in
    /// a row still turn the checker and the check.
    #[test]
    fn a_probe_that_changes_nothing_has_no_end_event() {
        let s = crate::design::presets::preset("latency-weighted-alb").unwrap();
        let zone = Zone::new(&s.zone).unwrap();
        let mut world = World::healthy(&zone);
        let mut runner = HealthRunner::new(&zone, &world, s.params.health, 7);
        let checkers: usize = runner.engine.checks.iter().map(|c| c.checkers.len()).sum();
        assert!(checkers > 0);
        runner.advance_to(SimTime(300_000), &zone, &world);
        let (starts, ends, _) = pending(&mut runner);
        assert_eq!((starts, ends), (checkers, 0), "every checker agrees: one next probe each, no end");

        for h in 0..zone.hosts.len() {
            world.set_host(h, HostState::Stopped);
        }
        let mut saw_end = false;
        for ms in (300_000..420_000).step_by(50) {
            runner.advance_to(SimTime(ms), &zone, &world);
            saw_end |= pending(&mut runner).1 > 0;
        }
        assert!(saw_end, "failing probes end as events");
        assert!(runner.engine.checks.iter().any(|c| !c.status), "enough failures turn a check unhealthy");
        let (starts, ends, _) = pending(&mut runner);
        assert_eq!(starts + ends, checkers, "each checker has exactly one probe on its way");
    }
}
