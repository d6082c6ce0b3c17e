//! The assumptions a run rests on: every parameter of the model that no public source
//! gives (`docs/model.md` marks them **assumed**) and that this scenario actually
//! uses, with the value in force — so the page can show them beside the numbers.

use crate::failover::resolver::PUBLIC_CACHE_NODES;
use crate::failover::sim::RESPONSE_PATIENCE_MS;
use crate::spec::kinds::{ClientKind, ResolverKind};
use crate::spec::scenario::{Scenario, TrafficModel};
use crate::spec::zone::{LbKind, Routing};

/// One assumption in force.
#[derive(Clone, Debug, PartialEq)]
pub struct Assumption {
    /// What is assumed, in a few words.
    pub what: &'static str,
    /// Its value in this scenario.
    pub value: String,
    /// Why this value, and where the model document discusses it.
    pub why: &'static str,
}

/// The assumptions `s` runs on, most consequential first.
pub fn assumptions(s: &Scenario) -> Vec<Assumption> {
    let mut out = Vec::new();
    let mut add = |what, value: String, why| out.push(Assumption { what, value, why });
    let p = &s.params;
    let (lo, hi) = p.health.push_delay_ms;
    add(
        "a health verdict reaches each DNS location after",
        format!("{}–{} s, uniform", lo / 1000, hi / 1000),
        "Route 53 documents no delay or period (docs/model.md, health checks)",
    );
    add(
        "a record change is live on every DNS server after",
        format!("{} s", p.config_delay_ms / 1000),
        "documented as \"within 60 s\"; the typical value is not (docs/model.md, health checks)",
    );
    let latency = s.zone.records.iter().any(|r| matches!(r.routing, Routing::Latency { .. }));
    if latency {
        let period = p.latency.remeasure_period_s;
        add(
            "Route 53 re-measures its latency data every",
            match period {
                0 => "never (a fixed table)".to_string(),
                p if p % 86_400 == 0 => format!("{} days", p / 86_400),
                p => format!("{p} s"),
            },
            "AWS says the data changes from week to week but publishes no period (docs/model.md, latency data)",
        );
        add(
            "latency data varies between measurements by",
            format!("σ {} (log-normal)", p.latency.noise_sigma),
            "no published spread (docs/model.md, latency data)",
        );
    }
    let alb = s.zone.load_balancers.iter().any(|lb| lb.kind == LbKind::Alb);
    if alb && reuses_connections(s) {
        add(
            "after its own HTTP 502 an ALB keeps the client's kept-alive connection open",
            "yes".to_string(),
            "AWS does not document it; public transcripts of ALB errors show \"Connection: keep-alive\" \
             (docs/model.md, endpoints and connections)",
        );
    }
    let Some(pop) = &s.population else { return out };
    add(
        "the population",
        format!("{} resolvers, {} clients", pop.resolvers, pop.clients),
        "the field report does not describe its users (docs/model.md, client population)",
    );
    let mix = |kinds: Vec<(&str, u32)>| {
        kinds.iter().filter(|k| k.1 > 0).map(|(k, w)| format!("{k} {w}")).collect::<Vec<_>>().join(", ")
    };
    add(
        "resolver kinds (weights)",
        mix(pop.kinds.iter().map(|(k, w)| (k.label(), *w)).collect()),
        "no public census by software and traffic (docs/model.md, resolvers)",
    );
    add(
        "client kinds (weights)",
        mix(pop.client_kinds.iter().map(|(k, w)| (k.label(), *w)).collect()),
        "no public census (docs/model.md, client population)",
    );
    if pop.extender_pct > 0.0 {
        add(
            "a TTL-extending resolver keeps an answer at least",
            format!("{} s", pop.extend_ttl_s),
            "their share is measured, by how much is not (docs/model.md, resolvers)",
        );
    }
    if pop.kinds.iter().any(|(k, w)| *k == ResolverKind::PublicAnycast && *w > 0) {
        add(
            "a public resolver's separate caches per site",
            PUBLIC_CACHE_NODES.to_string(),
            "public resolvers do not publish it (docs/model.md, resolvers)",
        );
    }
    if matches!(pop.traffic, Some(TrafficModel::Sessions { .. })) {
        add(
            "after a failed page a user waits a reading time, then loads again",
            "yes".to_string(),
            "the 3GPP browsing model has no failures (docs/model.md, client population)",
        );
    }
    add(
        "a client gives up on a response after",
        format!("{} s", RESPONSE_PATIENCE_MS / 1000),
        "a common HTTP read timeout (docs/model.md, clients)",
    );
    if pop.client_kinds.iter().any(|(k, w)| *k == ClientKind::Jvm && *w > 0) {
        add(
            "a JVM service tries only the first address",
            "yes".to_string(),
            "a common Java client connects to one address (docs/model.md, clients)",
        );
    }
    out
}

/// Whether any client of `s` (a group, the population or a probe) keeps a connection
/// open between requests.
fn reuses_connections(s: &Scenario) -> bool {
    let reuses = |k: ClientKind| k.rules().keepalive_idle_ms > 0;
    let population = s.population.iter().filter(|p| p.clients > 0).flat_map(|p| &p.client_kinds);
    s.clients.iter().any(|g| g.count > 0 && reuses(g.kind))
        || population.into_iter().any(|(k, w)| *w > 0 && reuses(*k))
        || s.probes.iter().any(|p| reuses(p.kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::presets::preset;

    fn whats(s: &Scenario) -> Vec<&'static str> {
        assumptions(s).into_iter().map(|a| a.what).collect()
    }

    #[test]
    fn the_values_are_the_scenarios_own() {
        let mut s = preset("latency-weighted-nlb").unwrap();
        let period = |s: &Scenario| {
            assumptions(s).into_iter().find(|a| a.what.contains("re-measures")).map(|a| a.value).unwrap()
        };
        s.params.latency.remeasure_period_s = 900;
        assert_eq!(period(&s), "900 s");
        s.params.latency.remeasure_period_s = 7 * 86_400;
        assert_eq!(period(&s), "7 days");
        s.params.latency.remeasure_period_s = 0;
        assert_eq!(period(&s), "never (a fixed table)");
        s.params.health.push_delay_ms = (2_000, 4_000);
        assert!(assumptions(&s).iter().any(|a| a.value == "2–4 s, uniform"));
    }

    #[test]
    fn only_what_the_scenario_uses_is_listed() {
        let latency = preset("latency-weighted-nlb").unwrap();
        assert!(whats(&latency).iter().any(|w| w.contains("latency data")));
        let geo = preset("geo-failover-alb").unwrap();
        assert!(!whats(&geo).iter().any(|w| w.contains("latency data")), "no latency records");
        let mut bare = latency.clone();
        bare.population = None;
        let listed = whats(&bare);
        assert!(!listed.iter().any(|w| w.contains("population") || w.contains("kinds")), "{listed:?}");
        assert!(whats(&latency).iter().any(|w| w.contains("resolver kinds")));
    }

    #[test]
    fn the_alb_keeping_its_connection_after_a_502_is_listed_only_with_an_alb_and_reused_connections() {
        const WHAT: &str = "after its own HTTP 502 an ALB keeps the client's kept-alive connection open";
        let alb = preset("latency-weighted-alb").unwrap();
        assert!(whats(&alb).contains(&WHAT), "an ALB and browsers: {:?}", whats(&alb));
        let nlb = preset("latency-weighted-nlb").unwrap();
        assert!(!whats(&nlb).contains(&WHAT), "no ALB");
        let mut curl_only = alb.clone();
        curl_only.population = None;
        curl_only.clients.clear();
        assert!(curl_only.probes.iter().all(|p| p.kind == ClientKind::Curl), "the field probe is a curl loop");
        assert!(!whats(&curl_only).contains(&WHAT), "nothing reuses a connection");
        let mut jvm = curl_only.clone();
        jvm.clients.push(crate::spec::scenario::ClientGroupSpec {
            resolver: jvm.probes[0].resolver.clone(),
            count: 10,
            kind: ClientKind::Jvm,
            traffic: None,
            requests_per_min: None,
            city: None,
        });
        assert!(whats(&jvm).contains(&WHAT), "a JVM service keeps its connections");
    }
}
