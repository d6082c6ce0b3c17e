//! How each resolver kind picks which of a zone's four name servers to query, as its
//! source code (or, for public resolvers, its operator's documentation) does it. Every
//! constant and rule is listed with its source in `docs/model.md` ("Data plane:
//! name-server selection").
//!
//! | kind | rule |
//! |---|---|
//! | BIND 9 | lowest smoothed RTT; new addresses start at 1–31 µs; answer: 0.7·old + 0.3·sample; addresses not queried in a fetch age ×0.98 (at most once a second); a timeout replaces the SRTT by SRTT + a random penalty |
//! | Unbound | uniform among the servers whose RTT metric is within 400 ms of the best; unknown 376 ms; RTO doubles on a timeout; what it learnt expires 900 s after it was first stored |
//! | PowerDNS | fastest by a decaying average (decays ×e^(−Δt/60 s) when read; a new sample is averaged half-and-half); a timeout counts as its elapsed time; ties shuffled |
//! | Knot | ε-greedy, ε = 1/20; untried servers first; timeout SRTT + max(4·var, 20 ms), doubled per consecutive timeout |
//! | public anycast | fastest (RFC 6298 estimate) with a small exploration share ([`Greedy`] with the spec's share) |
//!
//! Each resolution tries every name server at most once, moving to the next after the
//! kind's timeout. Times are integer microseconds.

use crate::base::rng::SimRng;
use crate::spec::kinds::ResolverKind;

/// Name servers of a zone: one per stripe.
pub const SERVERS: usize = 4;

/// A query about to be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pick {
    /// Which of the four name servers.
    pub server: usize,
    /// How long the resolver waits for it before moving on, µs.
    pub timeout_us: u64,
    /// Knot's capped exploration timeout: a timeout does not count against the server.
    pub capped: bool,
}

/// One resolver's selection state for a zone's four name servers.
#[derive(Clone, Debug)]
pub enum Selector {
    /// BIND 9.
    Bind(Bind),
    /// Unbound.
    Unbound(Unbound),
    /// PowerDNS Recursor.
    PowerDns(PowerDns),
    /// ε-greedy: Knot Resolver, and public anycast resolvers.
    Greedy(Greedy),
}

impl Selector {
    /// A resolver of `kind` that has never queried the zone's name servers.
    /// `public_explore` is the public resolvers' exploration share (0 to 1).
    pub fn new(kind: ResolverKind, public_explore: f64, rng: &mut SimRng) -> Selector {
        match kind {
            ResolverKind::Bind => Selector::Bind(Bind::new(rng)),
            ResolverKind::Unbound => Selector::Unbound(Unbound::default()),
            ResolverKind::Powerdns => Selector::PowerDns(PowerDns::default()),
            ResolverKind::Knot => Selector::Greedy(Greedy::new(KNOT_EPSILON)),
            ResolverKind::PublicAnycast => Selector::Greedy(Greedy::new(public_explore)),
        }
    }

    /// A resolution starts at `now` (PowerDNS orders the servers here).
    pub fn begin(&mut self, now: u64, rng: &mut SimRng) {
        if let Selector::PowerDns(p) = self {
            p.begin(now, rng);
        }
    }

    /// The next server to query, among those not yet tried in this resolution
    /// (`tried`, a bit per server); `timeouts` is how many queries of this resolution
    /// timed out so far. `None` when every server has been tried.
    pub fn pick(&mut self, tried: u8, timeouts: u32, now: u64, rng: &mut SimRng) -> Option<Pick> {
        match self {
            Selector::Bind(b) => b.pick(tried),
            Selector::Unbound(u) => u.pick(tried, now, rng),
            Selector::PowerDns(p) => p.pick(tried),
            Selector::Greedy(g) => g.pick(tried, timeouts, now, rng),
        }
    }

    /// `server` answered after `rtt` µs, at `now`.
    pub fn answered(&mut self, server: usize, rtt: u64, now: u64) {
        match self {
            Selector::Bind(b) => b.answered(server, rtt),
            Selector::Unbound(u) => u.answered(server, rtt, now),
            Selector::PowerDns(p) => p.submit(server, rtt, now),
            Selector::Greedy(g) => g.answered(server, rtt),
        }
    }

    /// The query `pick` got no answer within its timeout; `now` is when it gave up.
    pub fn timed_out(&mut self, pick: Pick, now: u64, rng: &mut SimRng) {
        match self {
            Selector::Bind(b) => b.timed_out(pick.server, rng),
            Selector::Unbound(u) => u.timed_out(pick.server, pick.timeout_us, now),
            Selector::PowerDns(p) => p.submit(pick.server, pick.timeout_us, now),
            Selector::Greedy(g) => g.timed_out(pick, now),
        }
    }

    /// The resolution is over; `queried` has a bit per server it sent to (BIND ages
    /// the others).
    pub fn end(&mut self, queried: u8, now: u64) {
        if let Selector::Bind(b) = self {
            b.age_untried(queried, now);
        }
    }

    /// Moves every remembered moment `dt` µs later (a healthy stretch skipped).
    pub fn shift(&mut self, dt: u64) {
        match self {
            Selector::Bind(b) => {
                for t in b.last_age_s.iter_mut().flatten() {
                    *t += dt / 1_000_000;
                }
            }
            Selector::Unbound(u) => {
                for h in u.hosts.iter_mut().flatten() {
                    h.expires += dt;
                }
            }
            Selector::PowerDns(p) => {
                for t in &mut p.last_get {
                    *t += dt;
                }
            }
            Selector::Greedy(g) => {
                for d in g.dead_since.iter_mut().flatten() {
                    *d += dt;
                }
            }
        }
    }

    /// How long a query to `server` would wait now before moving on, µs.
    pub fn timeout_us(&self, server: usize, now: u64) -> u64 {
        match self {
            Selector::Bind(b) => bind_retry_us(b.srtt[server]),
            Selector::Unbound(u) => u64::from(u.rto_ms(server, now).unsigned_abs()) * 1_000,
            Selector::PowerDns(_) => PDNS_NETWORK_TIMEOUT_US,
            Selector::Greedy(g) => {
                if g.no_info(server) {
                    u64::from(KNOT_UNKNOWN_MS) * 1_000
                } else {
                    u64::from(g.calc_timeout(server)) * 1_000
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// BIND 9 (lib/dns/adb.c, lib/dns/resolver.c)

/// BIND: smoothed RTT per address, µs.
#[derive(Clone, Debug)]
pub struct Bind {
    /// SRTT per server, µs.
    pub srtt: [u32; SERVERS],
    /// Second in which each was last aged (BIND ages an address at most once a second).
    last_age_s: [Option<u64>; SERVERS],
}

/// BIND's minimum retry interval, µs (800 ms).
pub const BIND_RETRY_US: u64 = 800_000;
/// BIND's cap on one query's wait, µs (9 s).
const BIND_MAX_QUERY_US: u64 = 9_000_000;

impl Bind {
    /// New addresses get a random SRTT of 1–31 µs, so untried servers go first.
    pub fn new(rng: &mut SimRng) -> Bind {
        Bind { srtt: std::array::from_fn(|_| 1 + rng.below(31) as u32), last_age_s: [None; SERVERS] }
    }

    fn pick(&self, tried: u8) -> Option<Pick> {
        let server = (0..SERVERS).filter(|&i| tried & (1 << i) == 0).min_by_key(|&i| (self.srtt[i], i))?;
        Some(Pick { server, timeout_us: bind_retry_us(self.srtt[server]), capped: false })
    }

    fn answered(&mut self, i: usize, rtt: u64) {
        // new = old/10·7 + rtt/10·3 (DNS_ADB_RTTADJDEFAULT = 7), in integers as BIND does.
        let rtt = rtt.min(u64::from(u32::MAX));
        self.srtt[i] = (u64::from(self.srtt[i]) / 10 * 7 + rtt / 10 * 3) as u32;
    }

    fn timed_out(&mut self, i: usize, rng: &mut SimRng) {
        let s = self.srtt[i];
        let mask: u32 = match s {
            s if s > 800_000 => 0x3fff,
            s if s > 400_000 => 0x7fff,
            s if s > 200_000 => 0xffff,
            s if s > 100_000 => 0x1ffff,
            s if s > 50_000 => 0x3ffff,
            s if s > 25_000 => 0x7ffff,
            _ => 0xfffff,
        };
        let penalty = (rng.next_u64() as u32) & mask;
        self.srtt[i] = (u64::from(s) + u64::from(penalty)).min(BIND_MAX_QUERY_US) as u32;
    }

    fn age_untried(&mut self, queried: u8, now: u64) {
        let sec = now / 1_000_000;
        for i in 0..SERVERS {
            if queried & (1 << i) == 0 && self.last_age_s[i] != Some(sec) {
                self.srtt[i] = (u64::from(self.srtt[i]) * 98 / 100) as u32;
                self.last_age_s[i] = Some(sec);
            }
        }
    }
}

/// BIND's wait for one query: at least 800 ms, at least the SRTT plus a fudge
/// (+50 ms under 50 ms, +100 ms under 100 ms, else +200 ms), at most 9 s.
pub fn bind_retry_us(srtt: u32) -> u64 {
    let srtt = u64::from(srtt);
    let fudge = if srtt < 50_000 {
        50_000
    } else if srtt < 100_000 {
        100_000
    } else {
        200_000
    };
    (srtt + fudge).clamp(BIND_RETRY_US, BIND_MAX_QUERY_US)
}

// ---------------------------------------------------------------------------------
// Unbound (util/rtt.c, services/cache/infra.c, iterator/iter_utils.c)

/// Unbound's RTT band, ms: servers within it of the best are picked at random.
pub const UNBOUND_RTT_BAND_MS: i32 = 400;
/// Unbound's metric and first timeout for a server it knows nothing about, ms.
pub const UNBOUND_UNKNOWN_MS: i32 = 376;
/// How long Unbound keeps what it learnt about a server, µs (`infra-host-ttl` 900 s).
pub const UNBOUND_HOST_TTL_US: u64 = 900_000_000;
const UNBOUND_MIN_RTO_MS: i32 = 50;
const UNBOUND_MAX_RTO_MS: i32 = 120_000;

/// Unbound's infra-cache entry for one server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Host {
    /// Smoothed RTT, ms.
    pub srtt: i32,
    /// RTT variance, ms.
    pub rttvar: i32,
    /// Retransmission timeout, ms.
    pub rto: i32,
    /// When the entry expires, µs (900 s after it was created; answers do not extend it).
    pub expires: u64,
}

impl Host {
    fn fresh(now: u64) -> Host {
        let mut h = Host { srtt: 0, rttvar: UNBOUND_UNKNOWN_MS / 4, rto: 0, expires: now + UNBOUND_HOST_TTL_US };
        h.rto = h.calc_rto();
        h
    }

    fn calc_rto(&self) -> i32 {
        (self.srtt + 4 * self.rttvar).clamp(UNBOUND_MIN_RTO_MS, UNBOUND_MAX_RTO_MS)
    }

    /// The selection metric: SRTT + 4·RTTVAR, or the backed-off RTO after a timeout.
    fn unclamped(&self) -> i32 {
        if self.calc_rto() != self.rto { self.rto } else { self.srtt + 4 * self.rttvar }
    }
}

/// Unbound: an infra-cache entry per server.
#[derive(Clone, Debug, Default)]
pub struct Unbound {
    /// Per server, its entry (none: never queried).
    pub hosts: [Option<Host>; SERVERS],
}

impl Unbound {
    fn live(&self, i: usize, now: u64) -> Option<Host> {
        self.hosts[i].filter(|h| now <= h.expires)
    }

    fn metric(&self, i: usize, now: u64) -> i32 {
        self.live(i, now).map_or(UNBOUND_UNKNOWN_MS, |h| h.unclamped())
    }

    fn rto_ms(&self, i: usize, now: u64) -> i32 {
        self.live(i, now).map_or(UNBOUND_UNKNOWN_MS, |h| h.rto)
    }

    fn entry(&mut self, i: usize, now: u64) -> &mut Host {
        if self.live(i, now).is_none() {
            self.hosts[i] = Some(Host::fresh(now));
        }
        self.hosts[i].as_mut().expect("just stored")
    }

    fn pick(&mut self, tried: u8, now: u64, rng: &mut SimRng) -> Option<Pick> {
        let mut metric = [i32::MAX; SERVERS];
        for (i, m) in metric.iter_mut().enumerate() {
            if tried & (1 << i) == 0 {
                *m = self.metric(i, now);
            }
        }
        let best = metric.iter().copied().filter(|&m| m < UNBOUND_MAX_RTO_MS).min()?;
        let mut band = [0usize; SERVERS];
        let mut n = 0;
        for (i, &m) in metric.iter().enumerate() {
            if m < UNBOUND_MAX_RTO_MS && m <= best + UNBOUND_RTT_BAND_MS {
                band[n] = i;
                n += 1;
            }
        }
        let server = band[rng.below(n as u64) as usize];
        // Sending creates (or renews an expired) entry: its timeout is the entry's RTO.
        let rto = self.entry(server, now).rto;
        Some(Pick { server, timeout_us: u64::from(rto.unsigned_abs()) * 1_000, capped: false })
    }

    fn answered(&mut self, i: usize, rtt: u64, now: u64) {
        // Unbound's RTTs live under its 120 s ceiling; longer samples change nothing.
        let ms = (rtt / 1_000).min(10 * UNBOUND_MAX_RTO_MS as u64) as i32;
        let h = self.entry(i, now);
        if h.unclamped() >= UNBOUND_MAX_RTO_MS {
            *h = Host { expires: h.expires, ..Host::fresh(now) };
        }
        let mut delta = ms - h.srtt;
        h.srtt += delta / 8;
        if delta < 0 {
            delta = -delta;
        }
        h.rttvar += (delta - h.rttvar) / 4;
        h.rto = h.calc_rto();
    }

    fn timed_out(&mut self, i: usize, timeout_us: u64, now: u64) {
        let orig = (timeout_us / 1_000) as i32;
        let h = self.entry(i, now);
        // Exponential back-off of the RTO the query was sent with.
        if h.rto >= orig {
            let doubled = orig.saturating_mul(2);
            if h.rto <= doubled {
                h.rto = doubled.min(UNBOUND_MAX_RTO_MS);
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// PowerDNS Recursor (pdns/recursordist/rec-nsspeeds.hh, syncres.cc)

/// PowerDNS's `network-timeout`, µs (1,500 ms).
pub const PDNS_NETWORK_TIMEOUT_US: u64 = 1_500_000;
/// PowerDNS's decay time constant, µs (60 s).
const PDNS_DECAY_US: f64 = 60_000_000.0;

/// PowerDNS: a decaying average of the response time per name server.
#[derive(Clone, Debug, Default)]
pub struct PowerDns {
    /// Speed per server, µs (0: nothing measured, which sorts first).
    pub speed: [f64; SERVERS],
    /// When each was last read, µs.
    last_get: [u64; SERVERS],
    /// This resolution's order.
    order: [usize; SERVERS],
}

impl PowerDns {
    fn begin(&mut self, now: u64, rng: &mut SimRng) {
        // Reading a speed decays it by e^(−Δt/60 s) since the last read.
        for i in 0..SERVERS {
            if self.speed[i] != 0.0 {
                let dt = now.saturating_sub(self.last_get[i]) as f64;
                self.speed[i] *= libm::exp(-dt / PDNS_DECAY_US);
            }
            self.last_get[i] = now;
        }
        // Shuffle, then a stable sort by speed: the fastest first, ties at random.
        let mut order: [usize; SERVERS] = std::array::from_fn(|i| i);
        rng.shuffle(&mut order);
        order.sort_by(|&a, &b| self.speed[a].total_cmp(&self.speed[b]));
        self.order = order;
    }

    fn pick(&self, tried: u8) -> Option<Pick> {
        let server = self.order.iter().copied().find(|&i| tried & (1 << i) == 0)?;
        Some(Pick { server, timeout_us: PDNS_NETWORK_TIMEOUT_US, capped: false })
    }

    fn submit(&mut self, i: usize, usecs: u64, now: u64) {
        let val = usecs as f64;
        if self.speed[i] == 0.0 {
            self.speed[i] = val;
        } else {
            let diff_s = -(now.saturating_sub(self.last_get[i]) as f64) / 1e6;
            let factor = libm::exp(diff_s) / 2.0;
            self.speed[i] = (1.0 - factor) * val + factor * self.speed[i];
        }
    }
}

// ---------------------------------------------------------------------------------
// Knot Resolver (lib/selection.c), also used for public anycast resolvers

/// Knot's ε: 1 in 20 choices explores.
pub const KNOT_EPSILON: f64 = 1.0 / 20.0;
/// Knot's timeout for a server with no RTT information, ms.
pub const KNOT_UNKNOWN_MS: u32 = 400;
const KNOT_MAX_TIMEOUT_MS: u32 = 10_000;
const KNOT_MAX_BACKOFF: u8 = 8;
const KNOT_MIN_VARIANCE_MS: u32 = 20;
const KNOT_DEAD_ROW: u8 = 4;
const KNOT_MIN_DEAD_TIMEOUT_MS: u32 = 800;
const KNOT_DEAD_RETRY_US: u64 = 1_000_000;

/// ε-greedy selection over RFC 6298 estimates.
#[derive(Clone, Debug)]
pub struct Greedy {
    /// Exploration probability.
    pub epsilon: f64,
    /// Smoothed RTT per server, ms (0 with no timeouts: no information).
    pub srtt: [u32; SERVERS],
    /// RTT variance, ms.
    pub variance: [u32; SERVERS],
    /// Consecutive timeouts.
    pub timeouts: [u8; SERVERS],
    dead_since: [Option<u64>; SERVERS],
}

impl Greedy {
    /// Nothing known yet.
    pub fn new(epsilon: f64) -> Greedy {
        Greedy {
            epsilon,
            srtt: [0; SERVERS],
            variance: [0; SERVERS],
            timeouts: [0; SERVERS],
            dead_since: [None; SERVERS],
        }
    }

    fn no_info(&self, i: usize) -> bool {
        self.srtt[i] == 0 && self.timeouts[i] == 0
    }

    fn back_off(to: u32, pow: u32) -> u32 {
        let pow = pow.min(u32::from(KNOT_MAX_BACKOFF));
        (u64::from(to) << pow).min(u64::from(KNOT_MAX_TIMEOUT_MS)) as u32
    }

    fn calc_timeout(&self, i: usize) -> u32 {
        let to = self.srtt[i] + (4 * self.variance[i]).max(KNOT_MIN_VARIANCE_MS);
        Self::back_off(to, u32::from(self.timeouts[i]))
    }

    fn pick(&mut self, tried: u8, timeouts: u32, now: u64, rng: &mut SimRng) -> Option<Pick> {
        let mut usable = [0usize; SERVERS];
        let mut n = 0;
        for i in 0..SERVERS {
            if tried & (1 << i) == 0 && self.dead_since[i].is_none_or(|d| now >= d + KNOT_DEAD_RETRY_US) {
                usable[n] = i;
                n += 1;
            }
        }
        if n == 0 {
            return None;
        }
        let usable = &usable[..n];
        // Best: no RTT information first, then the smaller expected timeout; ties at random.
        let key = |i: usize| (!self.no_info(i), self.calc_timeout(i));
        let best_key = usable.iter().map(|&i| key(i)).min().expect("non-empty");
        let mut ties = [0usize; SERVERS];
        let mut k = 0;
        for &i in usable {
            if key(i) == best_key {
                ties[k] = i;
                k += 1;
            }
        }
        let best = if k == 1 { ties[0] } else { ties[rng.below(k as u64) as usize] };
        let explore = rng.chance(self.epsilon);
        let chosen = if explore { usable[rng.below(n as u64) as usize] } else { best };
        let (timeout_ms, capped) = if self.no_info(chosen) {
            (Self::back_off(KNOT_UNKNOWN_MS, timeouts), false)
        } else {
            let t = self.calc_timeout(chosen);
            let best_t = self.calc_timeout(best);
            if explore && t > 2 * best_t { (2 * best_t, true) } else { (t, false) }
        };
        Some(Pick { server: chosen, timeout_us: u64::from(timeout_ms) * 1_000, capped })
    }

    fn answered(&mut self, i: usize, rtt: u64) {
        let ms = (rtt / 1_000).min(u64::from(u32::MAX / 8)) as u32;
        if self.no_info(i) {
            self.srtt[i] = ms;
            self.variance[i] = ms / 2;
        } else {
            self.variance[i] = (3 * self.variance[i] + self.srtt[i].abs_diff(ms) + 2) / 4;
            self.srtt[i] = (7 * self.srtt[i] + ms + 4) / 8;
        }
        self.timeouts[i] = 0;
        self.dead_since[i] = None;
    }

    fn timed_out(&mut self, pick: Pick, now: u64) {
        if pick.capped {
            return;
        }
        let i = pick.server;
        self.timeouts[i] = (self.timeouts[i] + 1).min(64);
        if self.timeouts[i] >= KNOT_DEAD_ROW && pick.timeout_us >= u64::from(KNOT_MIN_DEAD_TIMEOUT_MS) * 1_000 {
            self.dead_since[i] = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `n` resolutions one `gap` apart against fixed RTTs (µs), all answering;
    /// returns the queries each server got.
    fn run(sel: &mut Selector, rtts: [u64; SERVERS], n: u32, gap: u64, seed: u64) -> [u32; SERVERS] {
        let mut rng = SimRng::new(seed);
        let mut counts = [0; SERVERS];
        let mut now = 1_000_000;
        for _ in 0..n {
            sel.begin(now, &mut rng);
            let p = sel.pick(0, 0, now, &mut rng).expect("a server");
            counts[p.server] += 1;
            sel.answered(p.server, rtts[p.server], now + rtts[p.server]);
            sel.end(1 << p.server, now + rtts[p.server]);
            now += gap;
        }
        counts
    }

    #[test]
    fn knot_sends_about_96_percent_to_the_best_once_it_knows_them_all() {
        let mut s = Selector::new(ResolverKind::Knot, 0.0, &mut SimRng::new(1));
        let c = run(&mut s, [20_000, 60_000, 90_000, 120_000], 20_000, 2_000_000, 3);
        let share = f64::from(c[0]) / 20_000.0;
        // 1 − ε + ε/4 = 0.9625, and every other server ε/4 = 1.25 %.
        assert!((share - 0.9625).abs() < 0.006, "{c:?}");
        for &o in &c[1..] {
            assert!((f64::from(o) / 20_000.0 - 0.0125).abs() < 0.004, "{c:?}");
        }
    }

    #[test]
    fn unbound_spreads_evenly_within_its_band_and_skips_what_lies_beyond() {
        let mut s = Selector::new(ResolverKind::Unbound, 0.0, &mut SimRng::new(1));
        let c = run(&mut s, [10_000, 30_000, 50_000, 80_000], 40_000, 2_000_000, 4);
        for &n in &c {
            assert!((f64::from(n) / 40_000.0 - 0.25).abs() < 0.01, "uniform within 400 ms: {c:?}");
        }
        // A server 600 ms away is outside the band once measured: it gets only the
        // exploration its expired entry allows (every 900 s it is unknown again).
        let mut s = Selector::new(ResolverKind::Unbound, 0.0, &mut SimRng::new(1));
        let c = run(&mut s, [10_000, 20_000, 30_000, 600_000], 40_000, 2_000_000, 5);
        assert!(c[3] < 40_000 / 100, "{c:?}");
    }

    #[test]
    fn unbound_backs_off_a_silent_server_and_forgets_after_900_s() {
        let mut u = Unbound::default();
        let mut rng = SimRng::new(1);
        let p = Pick { server: 2, timeout_us: 376_000, capped: false };
        u.entry(2, 0);
        u.timed_out(2, p.timeout_us, 376_000);
        assert_eq!(u.metric(2, 400_000), 752, "RTO doubled: outside the band of a fast server");
        u.answered(0, 20_000, 400_000);
        for _ in 0..200 {
            let p = u.pick(0, 500_000, &mut rng).unwrap();
            assert_ne!(p.server, 2);
        }
        assert_eq!(u.metric(2, UNBOUND_HOST_TTL_US + 1), UNBOUND_UNKNOWN_MS, "forgotten: unknown again");
    }

    #[test]
    fn bind_re_probes_a_slower_server_after_ln_ratio_over_ln_098_seconds() {
        // Two known servers, 10 ms and 50 ms; one fetch a second. The slow one's SRTT
        // ages ×0.98 per fetch until it drops below the fast one's.
        let mut b = Bind::new(&mut SimRng::new(1));
        b.srtt = [10_000, 50_000, u32::MAX, u32::MAX];
        let mut s = Selector::Bind(b);
        let mut rng = SimRng::new(2);
        let mut first_probe = None;
        for k in 1..400u64 {
            let now = k * 1_000_000;
            let p = s.pick(0b1100, 0, now, &mut rng).unwrap();
            let rtt = if p.server == 0 { 10_000 } else { 50_000 };
            if p.server == 1 && first_probe.is_none() {
                first_probe = Some(k);
            }
            s.answered(p.server, rtt, now);
            s.end((1 << p.server) | 0b1100, now);
        }
        let expect = (libm::log(10.0 / 50.0) / libm::log(0.98)).ceil() as u64; // 80
        let got = first_probe.expect("re-probed");
        assert!(got.abs_diff(expect) <= 1, "first re-probe after {got} s, expected ≈ {expect}");
        // Ageing is at most once a second: ten fetches in one second age once.
        let mut b = Bind::new(&mut SimRng::new(1));
        b.srtt = [10_000, 50_000, 50_000, 50_000];
        for _ in 0..10 {
            b.age_untried(0b0001, 5_500_000);
        }
        assert_eq!(b.srtt[1], 49_000);
    }

    #[test]
    fn bind_tries_every_new_server_first_then_keeps_the_fastest() {
        let mut s = Selector::new(ResolverKind::Bind, 0.0, &mut SimRng::new(9));
        let c = run(&mut s, [30_000, 20_000, 80_000, 120_000], 4, 1_000_000, 1);
        assert_eq!(c, [1, 1, 1, 1], "each untried address (1–31 µs) goes first");
        // Every SRTT starts at 0.3 of its first sample and climbs, so servers close in
        // RTT take turns while they are learnt; then the lowest SRTT takes most.
        run(&mut s, [30_000, 20_000, 80_000, 120_000], 200, 1_000_000, 1);
        let c = run(&mut s, [30_000, 20_000, 80_000, 120_000], 200, 1_000_000, 1);
        assert!(c[1] > 150 && c[1] == *c.iter().max().unwrap(), "then mostly the lowest SRTT: {c:?}");
    }

    #[test]
    fn bind_timeout_penalty_depends_on_the_srtt_band() {
        let mut rng = SimRng::new(4);
        for (srtt, max_penalty) in [(20_000u32, 0xfffffu32), (30_000, 0x7ffff), (900_000, 0x3fff)] {
            let mut b = Bind::new(&mut rng);
            b.srtt[0] = srtt;
            b.timed_out(0, &mut rng);
            assert!(b.srtt[0] >= srtt && b.srtt[0] - srtt <= max_penalty, "{srtt}: {}", b.srtt[0]);
        }
        assert_eq!(bind_retry_us(20_000), 800_000, "at least 800 ms");
        assert_eq!(bind_retry_us(900_000), 1_100_000, "SRTT + 200 ms above 100 ms");
    }

    #[test]
    fn powerdns_prefers_the_fastest_when_busy_and_rotates_when_idle() {
        // Queries every second: the slow server's average decays toward 0 between its
        // samples and it wins again after about 60·ln(50/10) ≈ 97 s.
        let mut s = Selector::new(ResolverKind::Powerdns, 0.0, &mut SimRng::new(1));
        let c = run(&mut s, [10_000, 50_000, 50_000, 50_000], 3_000, 1_000_000, 2);
        assert!(f64::from(c[0]) / 3_000.0 > 0.9, "{c:?}");
        // Queries every 5 minutes: e^(−300/60) shrinks every average between reads, so
        // each answer makes its server the slowest: the four take turns.
        let mut s = Selector::new(ResolverKind::Powerdns, 0.0, &mut SimRng::new(1));
        let c = run(&mut s, [10_000, 50_000, 80_000, 120_000], 400, 300_000_000, 2);
        for &n in &c {
            assert!((f64::from(n) / 400.0 - 0.25).abs() < 0.03, "{c:?}");
        }
    }

    #[test]
    fn powerdns_counts_a_timeout_as_its_elapsed_time() {
        let mut p = PowerDns::default();
        let mut rng = SimRng::new(1);
        p.begin(0, &mut rng);
        p.submit(0, 20_000, 0);
        p.submit(1, 20_000, 0);
        p.begin(1_000, &mut rng);
        p.submit(0, PDNS_NETWORK_TIMEOUT_US, 1_000);
        assert!(p.speed[0] > 700_000.0, "half of 1.5 s: {}", p.speed[0]);
        p.begin(2_000, &mut rng);
        assert_eq!(p.pick(0).unwrap().server / 2, 1, "servers never measured (speed 0) sort first");
        assert_eq!(p.pick(0b1100).unwrap().server, 1, "then the one that did not time out");
    }

    #[test]
    fn knot_marks_a_server_dead_after_four_long_timeouts_for_a_second() {
        let mut g = Greedy::new(0.0);
        g.answered(0, 20_000);
        let mut rng = SimRng::new(1);
        for k in 0..4 {
            let p = Pick { server: 0, timeout_us: 1_000_000, capped: false };
            g.timed_out(p, k * 1_000_000);
        }
        assert!(g.pick(0b1110, 0, 3_500_000, &mut rng).is_none(), "dead for 1 s");
        assert!(g.pick(0b1110, 0, 4_000_000, &mut rng).is_some(), "then retried");
        assert_eq!(g.calc_timeout(0), 60 << 4, "(20 ms + 4 × 10 ms) doubled per timeout");
    }
}
