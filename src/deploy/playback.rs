//! Playback of a data-plane deployment for the map and the wave player: at any
//! moment, what each edge location is doing, which location answers each resolver
//! and how fast, the latency histogram, and one resolver's queries stripe by stripe.
//!
//! It replays the same mechanisms as [`crate::deploy::run`] — the deployment
//! [`schedule`](mod@crate::deploy::schedule), the resolver sites of
//! [`crate::deploy::anycast`], and what each resolver learnt about the zone's name
//! servers in the healthy baseline ([`crate::deploy::resolvers::learn`]) — plus the
//! scripted [`Outage`](crate::spec::deploy::Outage)s. The picture at a moment is each resolver's settled
//! behaviour: it sends to the name server it used most in the baseline, and, when
//! that one is silent, waits its learnt timeout before the next in its order; once it
//! has learnt to avoid a silent server it is answered by the next one. After a
//! withdrawal each resolver keeps sending to the withdrawn location (and gets
//! nothing) until BGP has converged *for it*, a log-normal delay drawn per resolver
//! ([`anycast::convergence_ms`]), so catchments move one resolver at a time.

use crate::base::geo::LatLon;
use crate::base::rng::{SimRng, stream_id};
use crate::base::time::{SimDuration, SimTime};
use crate::deploy::anycast::{self, LocState, Site};
use crate::deploy::resolvers::{self, Learned, Walker};
use crate::deploy::{self, Schedule};
use crate::spec::deploy::{BadKind, DeploySpec, OutageKind, OutageTarget, STRIPES};

/// What a location is doing, as the map shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocShow {
    /// The old build, answering.
    Ok,
    /// Running the new build, doing no harm (yet, or ever: a slow build on new hardware).
    NewBuild,
    /// Announced but silent.
    BlackHole,
    /// Not announced.
    Withdrawn,
    /// Answering slowly.
    Slow,
    /// Answering wrongly.
    Wrong,
}

impl LocShow {
    /// In words.
    pub fn as_str(self) -> &'static str {
        match self {
            LocShow::Ok => "answering",
            LocShow::NewBuild => "new build, answering",
            LocShow::BlackHole => "black hole",
            LocShow::Withdrawn => "withdrawn",
            LocShow::Slow => "slow",
            LocShow::Wrong => "wrong answers",
        }
    }
}

/// How a resolver's cache-miss resolution fares at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteStatus {
    /// As fast as before (within 0.5 ms).
    Ok,
    /// Answered, slower than before.
    Slower,
    /// No answer.
    Failed,
    /// A wrong answer.
    Wrong,
}

/// One resolver at a moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SiteNow {
    /// The location whose answer it uses.
    pub served_by: Option<u16>,
    /// Resolution time, ms (infinite when none comes).
    pub latency_ms: f64,
    /// Added over its time with everything healthy, ms.
    pub added_ms: f64,
    /// How it fares.
    pub status: SiteStatus,
}

/// One leg of a resolver's query: to the location that is its catchment on a stripe.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Leg {
    /// Which of the four name servers' stripes the leg is on (0–3).
    pub stripe: usize,
    /// The location queried.
    pub location: u16,
    /// Round trip, ms.
    pub rtt_ms: f64,
    /// Sent at, ms after the resolution starts.
    pub sent_ms: f64,
    /// Answers (a silent location never does; a slow one after its extra delay).
    pub answers: bool,
    /// Extra answer delay, ms.
    pub extra_ms: f64,
    /// Its answer is the one used.
    pub winner: bool,
}

/// The whole picture at a moment.
#[derive(Clone, Debug, PartialEq)]
pub struct DeployNow {
    /// The moment.
    pub at: SimTime,
    /// Per location.
    pub locations: Vec<LocShow>,
    /// Per resolver.
    pub sites: Vec<SiteNow>,
    /// Resolvers by status: ok, slower, failed, wrong.
    pub counts: [usize; 4],
    /// Resolution-time histogram: resolvers per [`HIST_BIN_MS`] bin from 0 (the last
    /// bin holds everything slower), failures not counted.
    pub histogram: Vec<u32>,
    /// What has happened so far, newest last.
    pub events: Vec<(SimTime, String)>,
}

/// A settled resolution at a moment.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Resolution {
    latency_ms: f64,
    wrong: bool,
    served_by: Option<u16>,
}

fn secs(s: u64) -> SimTime {
    SimTime(s.saturating_mul(1000))
}

/// Width of a histogram bin, ms.
pub const HIST_BIN_MS: f64 = 20.0;
/// Histogram bins.
pub const HIST_BINS: usize = 25;

/// A deployment replayed through time.
#[derive(Clone, Debug)]
pub struct DeployPlayback {
    spec: DeploySpec,
    schedule: Schedule,
    sites: Vec<Site>,
    learned: Vec<Learned>,
    order: Vec<[usize; STRIPES]>,
    /// Per resolver, a draw in 0..1000: it gets a stale answer from a location whose
    /// crossing share (per mille) is above it.
    draw: Vec<u16>,
    base_ms: Vec<f64>,
    convergence: Vec<SimDuration>,
    duration: SimTime,
    events: Vec<(SimTime, String)>,
}

impl DeployPlayback {
    /// Prepares the playback of `spec` under `seed`.
    pub fn build(spec: &DeploySpec, seed: u64) -> Result<DeployPlayback, crate::spec::problems::Problems> {
        deploy::validate(spec)?;
        let schedule = deploy::schedule(spec);
        let (_, sites) = deploy::world(spec, seed);
        let baseline_us = spec.resolver_params.baseline_s * 1_000_000;
        let learned: Vec<Learned> = sites
            .iter()
            .enumerate()
            .map(|(i, site)| resolvers::learn(&mut Walker::new(spec, site, i, seed), site, baseline_us))
            .collect();
        let order: Vec<[usize; STRIPES]> = sites.iter().zip(&learned).map(|(s, l)| l.preference(s)).collect();
        let draw = (0..sites.len())
            .map(|i| SimRng::derive(seed, stream_id(&format!("stale/{i}"))).below(1_000) as u16)
            .collect();
        let convergence = (0..sites.len())
            .map(|i| {
                let mut rng = SimRng::derive(seed, stream_id(&format!("converge/{i}")));
                SimDuration::from_ms(anycast::convergence_ms(&spec.anycast, &mut rng))
            })
            .collect();
        let mut events = schedule.timeline.clone();
        for o in &spec.outages {
            events.push((secs(o.at_s), format!("outage: {}", o.describe())));
            if let Some(u) = o.until_s {
                events.push((secs(u), format!("outage over: {}", o.describe())));
            }
        }
        events.sort_by_key(|e| e.0);
        let last_outage = spec.outages.iter().map(|o| o.until_s.unwrap_or(o.at_s) + 1_800).max().unwrap_or(0);
        let duration = secs((schedule.end().as_ms() / 1000 + 1_800).max(last_outage).max(3_600));
        let mut p = DeployPlayback {
            spec: spec.clone(),
            schedule,
            sites,
            learned,
            order,
            draw,
            base_ms: Vec::new(),
            convergence,
            duration,
            events,
        };
        p.base_ms = (0..p.sites.len()).map(|i| p.resolve(i, &|_| LocState::Ok).latency_ms).collect();
        Ok(p)
    }

    /// The spec played.
    pub fn spec(&self) -> &DeploySpec {
        &self.spec
    }

    /// The deployment's schedule.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The resolver sites.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// End of the playback.
    pub fn duration(&self) -> SimTime {
        self.duration
    }

    /// The moments of the deployment and the outages, in time order.
    pub fn events(&self) -> &[(SimTime, String)] {
        &self.events
    }

    /// What resolver `i` learnt in the healthy baseline.
    pub fn learned(&self, i: usize) -> &Learned {
        &self.learned[i]
    }

    /// BGP convergence delay of resolver `i`.
    pub fn convergence(&self, i: usize) -> SimDuration {
        self.convergence[i]
    }

    /// Location `l` at `t` as resolver `site` sees it (`None`: once converged).
    fn state(&self, l: usize, t: SimTime, site: Option<usize>) -> LocState {
        let conv = |since: SimTime| site.is_none_or(|i| t >= since + self.convergence[i]);
        let mut st = self.schedule.state_of(l, t);
        if st == LocState::Withdrawn
            && let Some(a) = self.schedule.alarm_at
            && !conv(a)
        {
            st = LocState::BlackHole;
        }
        for o in &self.spec.outages {
            let hit = match &o.target {
                OutageTarget::Location(id) => self.spec.fleet[l].id == *id,
                OutageTarget::Stripe(s) => self.spec.fleet[l].stripe == *s,
            };
            let (from, until) = (secs(o.at_s), o.until_s.map(secs));
            if !hit || t < from || until.is_some_and(|u| t >= u) {
                continue;
            }
            st = match o.kind {
                OutageKind::Withdraw if conv(from) => LocState::Withdrawn,
                _ if st == LocState::Withdrawn => LocState::Withdrawn,
                _ => LocState::BlackHole,
            };
        }
        st
    }

    /// Location `l` at `t`, as the map shows it.
    pub fn location(&self, l: usize, t: SimTime) -> LocShow {
        match self.state(l, t, None) {
            LocState::BlackHole => LocShow::BlackHole,
            LocState::Withdrawn => LocShow::Withdrawn,
            LocState::Slow(_) => LocShow::Slow,
            LocState::Wrong | LocState::Crossing(_) => LocShow::Wrong,
            LocState::Ok => {
                let running = matches!((self.schedule.bad_since[l], self.schedule.bad_until[l]),
                    (Some(s), Some(u)) if s <= t && t < u);
                if running { LocShow::NewBuild } else { LocShow::Ok }
            }
        }
    }

    /// Resolver `i`'s settled resolution with locations in `state`: its name servers
    /// in its order, the first that answers (a stale answer from a crossing location
    /// when its share is above the resolver's draw).
    fn resolve(&self, i: usize, state: &dyn Fn(u16) -> LocState) -> Resolution {
        let site = &self.sites[i];
        for &s in &self.order[i] {
            let Some((us, l)) = site.catchment(s, state) else { continue };
            let rtt = f64::from(us) / 1000.0;
            match state(l) {
                LocState::Ok => return Resolution { latency_ms: rtt, wrong: false, served_by: Some(l) },
                LocState::Slow(x) => {
                    return Resolution { latency_ms: rtt + f64::from(x), wrong: false, served_by: Some(l) };
                }
                LocState::Wrong => return Resolution { latency_ms: rtt, wrong: true, served_by: Some(l) },
                LocState::Crossing(p) => {
                    return Resolution { latency_ms: rtt, wrong: self.draw[i] < p, served_by: Some(l) };
                }
                LocState::BlackHole | LocState::Withdrawn => {}
            }
        }
        Resolution { latency_ms: f64::INFINITY, wrong: false, served_by: None }
    }

    /// Resolver `i` at `t`.
    pub fn site(&self, i: usize, t: SimTime) -> SiteNow {
        let r = self.resolve(i, &|l| self.state(usize::from(l), t, Some(i)));
        let added = r.latency_ms - self.base_ms[i];
        let status = if !r.latency_ms.is_finite() {
            SiteStatus::Failed
        } else if r.wrong {
            SiteStatus::Wrong
        } else if added > 0.5 {
            SiteStatus::Slower
        } else {
            SiteStatus::Ok
        };
        SiteNow { served_by: r.served_by, latency_ms: r.latency_ms, added_ms: added, status }
    }

    /// Everything at `t`.
    pub fn at(&self, t: SimTime) -> DeployNow {
        let locations = (0..self.spec.fleet.len()).map(|l| self.location(l, t)).collect();
        let sites: Vec<SiteNow> = (0..self.sites.len()).map(|i| self.site(i, t)).collect();
        let mut counts = [0usize; 4];
        let mut histogram = vec![0u32; HIST_BINS];
        for s in &sites {
            counts[s.status as usize] += 1;
            if s.latency_ms.is_finite() {
                histogram[((s.latency_ms / HIST_BIN_MS) as usize).min(HIST_BINS - 1)] += 1;
            }
        }
        let upto = self.events.partition_point(|e| e.0 <= t);
        DeployNow { at: t, locations, sites, counts, histogram, events: self.events[..upto].to_vec() }
    }

    /// Resolver `i`'s catchment on each stripe at `t`: (location, RTT ms), or `None`
    /// where the whole stripe is withdrawn for it.
    pub fn catchments(&self, i: usize, t: SimTime) -> [Option<(u16, f64)>; STRIPES] {
        let state = |l: u16| self.state(usize::from(l), t, Some(i));
        std::array::from_fn(|s| self.sites[i].catchment(s, &state).map(|(us, l)| (l, f64::from(us) / 1000.0)))
    }

    /// The location that would answer resolver `i` fastest at `t` (any stripe).
    pub fn fastest(&self, i: usize, t: SimTime) -> Option<u16> {
        self.catchments(i, t)
            .into_iter()
            .flatten()
            .filter(|&(l, _)| self.state(usize::from(l), t, Some(i)).answers())
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(l, _)| l)
    }

    /// Resolver `i`'s queries for one cache miss at `t`, leg by leg: to the name server
    /// it prefers, then, while one stays silent, to the next in its order after its
    /// learnt timeout for that server.
    pub fn queries(&self, i: usize, t: SimTime) -> Vec<Leg> {
        let catch = self.catchments(i, t);
        let mut legs = Vec::new();
        let mut sent = 0.0;
        for &stripe in &self.order[i] {
            let Some((l, rtt_ms)) = catch[stripe] else { continue };
            let (answers, extra_ms) = match self.state(usize::from(l), t, Some(i)) {
                LocState::Slow(x) => (true, f64::from(x)),
                st => (st.answers(), 0.0),
            };
            legs.push(Leg { stripe, location: l, rtt_ms, sent_ms: sent, answers, extra_ms, winner: answers });
            if answers {
                break;
            }
            sent += self.learned[i].timeout_us[stripe] as f64 / 1000.0;
        }
        legs
    }

    /// Where resolver `i` is drawn.
    pub fn site_at(&self, i: usize) -> LatLon {
        self.sites[i].at
    }

    /// Is the bad build of a kind that the map shows as harm at some location?
    pub fn visible_harm(&self) -> bool {
        self.spec.bad_build.kind != BadKind::Crash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::deploy::Outage;

    fn spec(by_stripe: bool) -> DeploySpec {
        let name = if by_stripe { "data-plane-by-stripe" } else { "data-plane-bad-plan" };
        crate::design::presets::preset(name).unwrap().deploy.unwrap()
    }

    #[test]
    fn the_black_hole_fails_only_until_each_resolver_converges_and_rollback_ends_it() {
        let p = DeployPlayback::build(&spec(true), 7).unwrap();
        let s = p.schedule().clone();
        let first = s.first_bad.expect("the bad build goes live");
        let alarm = s.alarm_at.expect("the alarm fires");
        let before = p.at(SimTime::ZERO);
        assert_eq!(before.counts[0], p.sites().len(), "everything fine before the deployment");
        // While black-holed, the resolvers it served as their fastest stripe are slower
        // or failing; nobody gets a wrong answer.
        let during = p.at(first + SimDuration::from_secs(60));
        assert!(during.counts[1] + during.counts[2] > 0, "{:?}", during.counts);
        assert_eq!(during.counts[3], 0);
        assert!(during.locations.contains(&LocShow::BlackHole));
        // After the alarm, withdrawal: each resolver moves when BGP converges for it.
        let i = (0..p.sites().len())
            .find(|&i| p.site(i, SimTime(alarm.0 - 1000)).status != SiteStatus::Ok)
            .expect("someone is hurt before the alarm");
        let conv = p.convergence(i);
        let just_before = p.catchments(i, SimTime((alarm + conv).0 - 1));
        let just_after = p.catchments(i, alarm + conv + SimDuration::from_ms(1));
        assert_ne!(just_before, just_after, "its catchment moves when BGP converges for it");
        assert!(p.at(alarm + SimDuration::from_secs(1)).locations.contains(&LocShow::Withdrawn));
        // After the rollback, everyone is back to normal.
        let end = p.at(s.rollback_done.unwrap() + SimDuration::from_secs(1));
        assert_eq!(end.counts[0], p.sites().len(), "{:?}", end.counts);
        assert!(end.events.iter().any(|e| e.1.contains("rollback complete")));
    }

    #[test]
    fn withdrawing_a_whole_stripe_moves_catchments() {
        let mut sp = spec(true);
        sp.bad_build.detected = true;
        sp.plan.waves.clear();
        sp.outages.push(Outage {
            at_s: 100,
            until_s: Some(2_000),
            target: OutageTarget::Stripe(0),
            kind: OutageKind::Withdraw,
        });
        let p = DeployPlayback::build(&sp, 3).unwrap();
        let late = secs(1_000);
        for i in 0..p.sites().len() {
            assert_eq!(p.catchments(i, late)[0], None, "stripe 0 is gone for every resolver");
        }
        assert!(
            p.at(late)
                .locations
                .iter()
                .enumerate()
                .all(|(l, s)| (sp.fleet[l].stripe == 0) == (*s == LocShow::Withdrawn))
        );
        // Nobody fails: three stripes still answer.
        assert_eq!(p.at(late).counts[2], 0);
        assert_eq!(p.at(secs(2_001)).counts[0], p.sites().len());
        // A resolver's query goes first to the name server it used most in the
        // baseline, and that one answers.
        let legs = p.queries(0, SimTime::ZERO);
        assert_eq!(legs.len(), 1);
        assert_eq!(legs[0].stripe, p.learned(0).preference(&p.sites()[0])[0]);
        assert!(legs[0].winner && legs[0].sent_ms == 0.0);
    }

    #[test]
    fn a_resolver_waits_out_a_silent_server_for_its_learnt_timeout() {
        let mut sp = spec(true);
        sp.plan.waves.clear();
        let p0 = DeployPlayback::build(&sp, 5).unwrap();
        let i = (0..p0.sites().len()).find(|&i| p0.sites()[i].kind == crate::spec::kinds::ResolverKind::Bind).unwrap();
        let first = p0.queries(i, SimTime::ZERO)[0];
        sp.outages.push(Outage {
            at_s: 10,
            until_s: None,
            target: OutageTarget::Location(sp.fleet[usize::from(first.location)].id.clone()),
            kind: OutageKind::BlackHole,
        });
        let p = DeployPlayback::build(&sp, 5).unwrap();
        let legs = p.queries(i, secs(20));
        assert!(!legs[0].answers && legs.len() >= 2);
        assert_eq!(legs[1].sent_ms, p.learned(i).timeout_us[first.stripe] as f64 / 1000.0);
        assert!(legs[0].sent_ms == 0.0 && legs[1].sent_ms >= 800.0, "BIND waits at least 800 ms");
        assert!(legs[1].winner);
        assert!(p.events().iter().any(|e| e.1.starts_with("outage: black-hole")));
    }

    #[test]
    fn the_same_seed_gives_the_same_picture() {
        let a = DeployPlayback::build(&spec(false), 11).unwrap();
        let b = DeployPlayback::build(&spec(false), 11).unwrap();
        let t = a.schedule().alarm_at.unwrap();
        assert_eq!(a.at(t), b.at(t));
    }
}
