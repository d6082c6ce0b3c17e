//! The guided session of a field design: its moments and words read from the
//! design's own mechanisms (fault script, checks, delivery to the DNS locations,
//! TTLs, the probe's cache), ending the way the design's outcome does.

use super::*;

/// What a design does for the probe once its region's check fails, as a guided
/// session tells it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The answer moves to the next region in line.
    Moves,
    /// Every record that applies to the probe points at the stopped region: Route 53
    /// answers with the most specific one anyway (design 3a).
    Stays,
    /// The next-best latency region's tree was never built: the answer is empty
    /// (design 1a).
    Empty,
}

fn step(at_ms: u64, panel: &str, text: String) -> GuideStep {
    GuideStep { at_ms, panel: panel.into(), text, select: String::new() }
}

/// The record a tree step about `region` selects: the service's record routed to
/// that region, else the first record aliasing a load balancer there (a
/// [`guide::record_ref`](crate::design::guide::record_ref); empty when neither exists).
fn record_for(s: &Scenario, region: &str) -> String {
    let routed = s.zone.records.iter().position(|r| {
        r.name == s.service
            && match &r.routing {
                Routing::Latency { region: r } => r == region,
                _ => false,
            }
    });
    let aliased = || {
        s.zone.records.iter().position(|r| match &r.value {
            RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, .. } => {
                s.zone.load_balancers.iter().any(|l| &l.id == id && l.region == region)
            }
            _ => false,
        })
    };
    routed.or_else(aliased).and_then(|i| crate::design::guide::record_ref(s, i)).unwrap_or_default()
}

/// `step` selecting `select` in the tree.
fn tree_step(at_ms: u64, select: &str, text: String) -> GuideStep {
    GuideStep { select: select.to_string(), ..step(at_ms, "tree", text) }
}

/// The guided session of a field design, its moments read from the design's own
/// mechanisms ([`Mechanisms`]): the fault script, the checks' interval and
/// threshold, the delivery delay to the DNS locations, the answer's TTL, the
/// probe's client cache.
pub(super) fn field_guide(s: &Scenario, kind: LbKind, outcome: Outcome) -> Vec<GuideStep> {
    let m = Mechanisms::of(s);
    let stops = [0, 1].map(|i| m.stops.get(i).cloned().unwrap_or_default());
    let mut guide = detection_steps(s, kind, &m, &stops[0]);
    guide.extend(match outcome {
        Outcome::Moves => moves_steps(&m, &stops),
        Outcome::Stays => stays_steps(&m, &stops),
        Outcome::Empty => empty_steps(&m, &stops),
    });
    guide
}

/// The first fault's steps every field design shares: the prediction, the stopped
/// web server, Route 53's checkers failing it, and the push to the DNS locations.
fn detection_steps(s: &Scenario, kind: LbKind, m: &Mechanisms, (first_at, first): &(u64, String)) -> Vec<GuideStep> {
    let first_at = *first_at;
    let detected = first_at + m.check_ms.unwrap_or(0);
    let pushed = detected + m.push_max_ms;
    let lb_error = match kind {
        LbKind::Alb => "the ALB answers HTTP 502 itself",
        LbKind::Nlb => "connections through the NLB are refused",
    };
    let (interval, threshold) = m.check.unwrap_or_default();
    // The load balancer's own check matters only where Evaluate Target Health reads it.
    let eth = s.zone.records.iter().any(|r| matches!(r.value, RecordValue::Alias { evaluate_target_health: true, .. }));
    let check_s = m.check_ms.unwrap_or(0) / 1000;
    let lb_check = match m.lb_check_s.filter(|_| eth) {
        Some(lb) if u64::from(lb) > check_s => {
            format!(
                " The load balancer's own target check, read by Evaluate Target Health, needs up to {lb} s: Route 53's check acts first."
            )
        }
        Some(lb) => {
            format!(" The load balancer's own target check, read by Evaluate Target Health, needs up to {lb} s too.")
        }
        None => String::new(),
    };
    let by_geo = s.zone.records.iter().any(|r| r.name == s.service && matches!(r.routing, Routing::Geolocation { .. }));
    let why_first = if by_geo { "North America's record" } else { "the nearest region" };
    let first_record = record_for(s, first);
    vec![
        step(
            first_at.saturating_sub(30_000),
            "timeline",
            format!(
                "Before the fault, Route 53 sends the probe in Washington, DC to {first} ({why_first}). \
                 Predict: how long after {} until the probe is served by another region? Commit your guess, then play.",
                clock(first_at)
            ),
        ),
        step(
            first_at,
            "probe",
            format!(
                "{first}'s web server stops. Its load balancer stays up, so {lb_error}. Nothing in DNS has \
                 changed yet.",
            ),
        ),
        tree_step(
            detected,
            &first_record,
            format!(
                "Every Route 53 checker has now failed its check of {first} (one check every {interval} s, \
                 failure threshold {threshold}), so the check is unhealthy.{lb_check}",
            ),
        ),
        tree_step(
            pushed,
            &first_record,
            format!(
                "Each DNS location hears every checker on its own, up to {} s later, and applies the 18 % \
                 rule: the tree turns unhealthy location by location.",
                m.push_max_ms / 1000
            ),
        ),
    ]
}

/// Why the resolver held the old answer as long as it did: the answer's TTL and
/// where it comes from.
fn ttl_why(m: &Mechanisms) -> String {
    let ttl = m.answer_ttl_s.unwrap_or(0);
    if m.answer_is_alias {
        format!("an alias answers with its load balancer's TTL, {ttl} s")
    } else {
        format!("the CNAMEs carry a TTL of {ttl} s")
    }
}

/// The ending of a design whose answer moves on ([`Outcome::Moves`]): to the next
/// region after the first fault, to the last after the second.
fn moves_steps(m: &Mechanisms, [(first_at, first), (second_at, second)]: &[(u64, String); 2]) -> Vec<GuideStep> {
    let (next, last) = (REGIONS[1].0, REGIONS[2].0);
    let ttl_why = ttl_why(m);
    let client = if m.client_hold_s == 0 {
        "curl keeps no DNS cache of its own".to_string()
    } else {
        format!("the client keeps the answer {} s more", m.client_hold_s)
    };
    vec![
        step(
            m.answer_moved_by_ms(*first_at),
            "traffic",
            format!(
                "At the latest, the resolver's cached answer has run out ({ttl_why}); until then it kept \
                 handing out {first}. {client}, so its next request goes to {next}.",
            ),
        ),
        step(
            *second_at,
            "traffic",
            format!("{second}'s web server stops too. The same chain runs again: detection, push, TTL.",),
        ),
        step(
            m.answer_moved_by_ms(*second_at),
            "probe",
            format!(
                "By now the probe is served by {last}. Reveal your prediction and read the phase \
                 breakdown: which phase took longest?",
            ),
        ),
    ]
}

/// The ending of a design whose answer stays on the stopped region
/// ([`Outcome::Stays`], design 3a).
fn stays_steps(m: &Mechanisms, [(first_at, first), (second_at, second)]: &[(u64, String); 2]) -> Vec<GuideStep> {
    vec![
        step(
            m.answer_moved_by_ms(*first_at),
            "tree",
            format!(
                "Washington's record (North America) and the default both point at {first}, and both are \
                 unhealthy. With every record that applies unhealthy, Route 53 answers with the most specific \
                 one anyway: the probe stays on {first} and keeps failing.",
            ),
        ),
        step(
            *second_at,
            "probe",
            format!(
                "{second}'s web server stops too; nothing changes for Washington. Reveal your prediction: \
                 which record would have had to exist for the probe to move?",
            ),
        ),
    ]
}

/// The ending of a design whose answer turns empty ([`Outcome::Empty`], design 1a):
/// the next-best region's tree was never built, and the resolver caches the empty
/// answer for the zone's negative TTL.
fn empty_steps(m: &Mechanisms, [(first_at, _), (second_at, second)]: &[(u64, String); 2]) -> Vec<GuideStep> {
    let moved = m.answer_moved_by_ms(*first_at);
    let empty_until = moved + u64::from(m.negative_cache_s) * 1000;
    let ttl_why = ttl_why(m);
    vec![
        step(
            moved,
            "probe",
            format!(
                "The resolver's cached answer has run out ({ttl_why}). Route 53 skipped the whole \
                 AMERS branch and took the next-best latency region, whose tree was never built: the answer \
                 is empty and the name no longer resolves.",
            ),
        ),
        step(
            *second_at,
            "traffic",
            format!(
                "{second}'s web server stops too. The probe still holds the empty answer: the \
                 resolver keeps it for the zone's negative TTL, {} s.",
                m.negative_cache_s
            ),
        ),
        step(
            empty_until,
            "query",
            "The empty answer has expired and the resolver asks again. Reveal your prediction: did the \
             failover pair under AMERS ever get to act?"
                .to_string(),
        ),
    ]
}
