//! How long a client's kept-alive connection lasts and what happens when it ends,
//! each mechanism pinned by its documented behaviour (docs/model.md, "Endpoints and
//! connections" and "Clients"): probes of one client kind each, whose every request
//! is observed.

use routewave::design::presets;
use routewave::failover::sim::{ProbeObs, Report, RequestResult, Sim};
use routewave::route53::endpoints::{Outcome, keepalive, server_keepalive};
use routewave::route53::zone::{Endpoint, Zone};
use routewave::spec::kinds::ClientKind;
use routewave::spec::scenario::*;
use routewave::spec::zone::{AwsEra, LbKind};

fn probe(id: &str, kind: ClientKind, interval_ms: u64) -> ProbeSpec {
    ProbeSpec { id: id.into(), city: "washington-dc".into(), resolver: "dc-unbound".into(), kind, interval_ms }
}

/// Preset `name` with only `probes` as clients, changed by `edit`, run to the end.
fn run(name: &str, probes: Vec<ProbeSpec>, edit: impl FnOnce(&mut Scenario)) -> Report {
    let mut s = presets::preset(name).unwrap();
    s.population = None;
    s.probes = probes;
    edit(&mut s);
    let mut sim = Sim::new(&s).expect("valid scenario");
    sim.run_until(sim.duration());
    sim.report()
}

fn no_faults(s: &mut Scenario) {
    s.faults.clear();
}

fn reused(obs: &[ProbeObs]) -> Vec<bool> {
    obs.iter().map(|o| o.reused_connection).collect()
}

/// An ALB closes a client connection idle for 60 s; the client's next request opens
/// a new one and, its own 60 s DNS cache expired as well, looks the name up again.
/// A connection idle a little less stays.
#[test]
fn an_alb_client_idle_past_the_alb_timeout_reconnects_and_looks_up_again() {
    let r = run(
        "latency-weighted-alb",
        vec![probe("idle-61s", ClientKind::Browser, 61_000), probe("idle-59s", ClientKind::Browser, 59_000)],
        no_faults,
    );
    let long = &r.probes["idle-61s"];
    assert!(long.len() > 10);
    for o in &long[1..] {
        assert!(!o.reused_connection && !o.client_cache_hit, "at {:?}: {o:?}", o.at);
        assert_eq!(o.result, RequestResult::Ok);
    }
    let short = &r.probes["idle-59s"];
    assert!(short.len() > 10);
    assert!(short[1..].iter().all(|o| o.reused_connection), "{:?}", reused(short));
}

/// A connection ends at the shorter of the client's and the server's idle limits:
/// behind an ALB (60 s) a Java client's own 30 s ends it first; behind an NLB the
/// connection reaches the web server, whose 5 s `KeepAliveTimeout` ends it.
#[test]
fn the_shorter_of_the_clients_and_the_servers_idle_limit_ends_a_connection() {
    let alb = run(
        "latency-weighted-alb",
        vec![probe("java-40s", ClientKind::Jvm, 40_000), probe("chrome-40s", ClientKind::Browser, 40_000)],
        no_faults,
    );
    assert!(alb.probes["java-40s"].iter().all(|o| !o.reused_connection));
    assert!(alb.probes["chrome-40s"][1..].iter().all(|o| o.reused_connection));
    let nlb = run(
        "latency-weighted-nlb",
        vec![probe("chrome-6s", ClientKind::Browser, 6_000), probe("chrome-4s", ClientKind::Browser, 4_000)],
        no_faults,
    );
    assert!(nlb.probes["chrome-6s"].iter().all(|o| !o.reused_connection));
    // Reused, except that Apache closes a connection with its 100th response.
    let four = &nlb.probes["chrome-4s"];
    assert!(four.len() > 300);
    for (i, o) in four.iter().enumerate() {
        assert_eq!(o.reused_connection, i % 100 != 0, "request {i}");
    }
}

/// An ALB answers 502 itself when its target's web server is stopped and keeps the
/// client's connection open; Chrome reuses a kept-alive connection whatever the
/// status. A browser busy every second therefore keeps getting 502 from the same
/// ALB after Route 53 has moved the name (the `curl` loop, which looks up every
/// time, moves). In 2019 nothing else ends the connection; today the ALB closes it
/// with its first response 3600 s after it opened, and the browser's next request
/// looks the name up again and is served elsewhere.
#[test]
fn a_browser_keeps_using_its_alb_connection_after_a_502_while_it_stays_busy() {
    let probes = || vec![probe("chrome-1s", ClientKind::Browser, 1_000), ProbeSpec::field_experiment()];
    let longer = |era| {
        move |s: &mut Scenario| {
            s.duration_s = 3_700;
            s.zone.aws_era = era;
        }
    };
    let stop = 300_000;
    let then = run("latency-weighted-alb", probes(), longer(AwsEra::Y2019));
    let curl_moved = then.probes["curl-dc"]
        .iter()
        .any(|o| o.result == RequestResult::Ok && o.region.as_deref() == Some("eu-west-1"));
    assert!(curl_moved, "the curl loop follows Route 53");
    let chrome = &then.probes["chrome-1s"];
    let after: Vec<&ProbeObs> = chrome.iter().filter(|o| o.at.as_ms() > stop).collect();
    assert!(after.len() > 3_000);
    for o in &after {
        assert_eq!((o.result, o.reused_connection), (RequestResult::Failed(Outcome::Http502), true), "{o:?}");
        assert_eq!(o.region.as_deref(), Some("us-east-1"));
    }

    let now = run("latency-weighted-alb", probes(), longer(AwsEra::Current));
    let chrome = &now.probes["chrome-1s"];
    let opened = chrome[0].at.as_ms();
    let k = 1 + chrome[1..].iter().position(|o| !o.reused_connection).expect("the ALB closed the connection");
    let duration = keepalive::ALB_CLIENT_KEEPALIVE_MS;
    assert!(chrome[k - 2].at.as_ms() < opened + duration, "the connection stayed open before the duration");
    let last = &chrome[k - 1];
    assert!(last.at.as_ms() >= opened + duration && last.reused_connection, "one more request after it: {last:?}");
    let next = &chrome[k];
    assert!(!next.client_cache_hit, "looked up again: {next:?}");
    assert_eq!(next.result, RequestResult::Ok);
    assert_ne!(next.region.as_deref(), Some("us-east-1"));
}

/// Behind an NLB the client's connection reaches the web server itself: Apache
/// closes it after 100 requests, and stopping Apache closes every connection it
/// held, so the next request opens a new one at once (no time lost on the dead one)
/// and is refused. Chrome looks the name up again whenever its own cache entry is
/// 60 s old (the alias's TTL is 60 s), and so reaches the next region.
#[test]
fn behind_an_nlb_a_stopped_web_server_resets_the_flow_and_the_client_looks_up_again() {
    let r = run("latency-weighted-nlb", vec![probe("chrome-1s", ClientKind::Browser, 1_000)], |_| {});
    let obs = &r.probes["chrome-1s"];
    let stop = 300_000;
    let before = obs.iter().filter(|o| o.at.as_ms() < stop).count();
    let new_connections: Vec<usize> = (0..before).filter(|&i| !obs[i].reused_connection).collect();
    let every_100th: Vec<usize> = (0..before).step_by(keepalive::WEB_SERVER_MAX_KEEPALIVE_REQUESTS as usize).collect();
    assert_eq!(new_connections, every_100th);

    let first = &obs[before];
    assert!(!first.reused_connection);
    assert_eq!(first.result, RequestResult::Failed(Outcome::Refused));
    let refused_later = obs[before + 1..].iter().find(|o| o.result == RequestResult::Failed(Outcome::Refused)).unwrap();
    assert_eq!(first.elapsed_ms, refused_later.elapsed_ms, "no time spent on the reset connection");
    assert!(obs[before..].iter().all(|o| !o.reused_connection || o.result == RequestResult::Ok));

    // Chrome's own cache: an answer serves for 60 s from its lookup, then it asks again.
    let mut looked_up = None;
    for o in obs.iter().filter(|o| !o.reused_connection) {
        let fresh = looked_up.is_some_and(|t: u64| o.at.as_ms() < t + 60_000);
        assert_eq!(o.client_cache_hit, fresh, "{o:?}");
        if !o.client_cache_hit {
            looked_up = Some(o.at.as_ms());
        }
    }
    assert!(obs.iter().any(|o| o.result == RequestResult::Ok && o.region.as_deref() == Some("eu-west-1")));
}

/// The field experiment's `curl` runs as a new process each time: it never reuses a
/// connection and never answers from a cache of its own (every failover preset's
/// `curl` probes, wherever they are).
#[test]
fn curl_never_reuses_a_connection_or_caches_an_answer() {
    let mut checked = 0;
    for p in presets::PRESETS.iter().filter(|p| !p.name.starts_with("data-plane") && !p.name.contains("-api-")) {
        let curl: Vec<ProbeSpec> =
            presets::preset(p.name).unwrap().probes.into_iter().filter(|q| q.kind == ClientKind::Curl).collect();
        if curl.is_empty() {
            continue;
        }
        let r = run(p.name, curl.clone(), |_| {});
        for q in &curl {
            let obs = &r.probes[&q.id];
            assert!(obs.len() > 1_000, "{} {}", p.name, q.id);
            assert!(obs.iter().all(|o| !o.reused_connection && !o.client_cache_hit), "{} {}", p.name, q.id);
        }
        checked += 1;
    }
    assert!(checked > 5, "{checked} presets with curl probes");
}

/// The era decides whether an ALB has a client keep-alive duration (March 2024 on);
/// an NLB's connections end at the web server's 5 s idle limit in both.
#[test]
fn the_era_gives_an_alb_its_client_keepalive_duration() {
    for era in AwsEra::ALL {
        let mut s = presets::preset("latency-weighted-alb").unwrap().zone;
        s.aws_era = era;
        let mut nlb = presets::preset("latency-weighted-nlb").unwrap().zone.load_balancers[0].clone();
        nlb.id = "nlb-extra".into();
        nlb.dns_name = "nlb-extra.us-east-1.elb.amazonaws.com".into();
        for tg in &mut nlb.target_groups {
            for h in &mut tg.targets {
                h.id = format!("{}-behind-nlb", h.id);
            }
        }
        s.load_balancers.push(nlb);
        let zone = Zone::new(&s).unwrap();
        let alb = server_keepalive(&zone, Endpoint::Lb(0));
        assert_eq!(zone.load_balancers[0].spec.kind, LbKind::Alb);
        assert_eq!(alb.idle_ms, keepalive::ALB_IDLE_TIMEOUT_MS);
        assert!(!alb.to_web_server, "a client's connection ends at the ALB");
        let expected = match era {
            AwsEra::Y2019 => None,
            AwsEra::Current => Some(3_600_000),
        };
        assert_eq!(alb.max_age_ms, expected, "{era:?}");
        let nlb = server_keepalive(&zone, Endpoint::Lb(zone.load_balancers.len() - 1));
        assert_eq!((nlb.idle_ms, nlb.max_age_ms, nlb.to_web_server), (5_000, None, true), "{era:?}");
    }
}

/// Whether each request answered from the client's own cache exactly while its last
/// lookup was younger than `life_ms` (requests on a kept-alive connection look
/// nothing up and are skipped).
fn assert_own_cache(obs: &[ProbeObs], life_ms: u64, what: &str) {
    let mut looked_up: Option<u64> = None;
    let (mut hits, mut misses) = (0, 0);
    for o in obs.iter().filter(|o| !o.reused_connection) {
        let fresh = looked_up.is_some_and(|t| o.at.as_ms() < t + life_ms);
        assert_eq!(o.client_cache_hit, fresh, "{what} at {} ms: {o:?}", o.at.as_ms());
        if o.client_cache_hit {
            hits += 1;
        } else {
            misses += 1;
            looked_up = Some(o.at.as_ms());
        }
    }
    assert!(misses > 1, "{what}: {misses} lookups");
    assert_eq!(hits > 0, life_ms > 6_000, "{what}: {hits} answers from its own cache");
}

/// One web server answered by a simple A record with TTL `ttl_s`, probes every 6 s
/// (longer than the web server's 5 s keep-alive, so every request looks up).
fn one_host(ttl_s: u32, routing: &str, kinds: &[(&str, &str)]) -> Scenario {
    let probes: Vec<String> = kinds
        .iter()
        .map(|(id, kind)| {
            format!(r#"{{"id":"{id}","city":"washington-dc","resolver":"dc","kind":"{kind}","interval_ms":6000}}"#)
        })
        .collect();
    Scenario::from_json(&format!(
        r#"{{
        "version": 1, "title": "one host", "duration_s": 900, "service": "www.example.com",
        "zone": {{
            "name": "example.com",
            "regions": [{{ "name": "us-east-1" }}],
            "hosts": [{{ "id": "web", "az": "us-east-1a", "ip": "192.0.2.10" }}],
            "records": [{{ "name": "www.example.com", "type": "A", {routing}
                "ttl_s": {ttl_s}, "value": {{ "values": ["host:web"] }} }}]
        }},
        "resolvers": [{{ "id": "dc", "city": "washington-dc", "kind": "unbound" }}],
        "probes": [{}]
    }}"#,
        probes.join(",")
    ))
    .expect("a valid scenario")
}

fn run_scenario(s: &Scenario) -> Report {
    let mut sim = Sim::new(s).expect("valid scenario");
    sim.run_until(sim.duration());
    sim.report()
}

/// Chrome's built-in resolver (the default) keeps an answer for its TTL but at least
/// 60 s; through the system resolver Chrome keeps every answer 60 s whatever its TTL.
#[test]
fn chrome_keeps_an_answer_for_its_ttl_but_at_least_60_s_and_60_s_through_the_system_resolver() {
    let kinds = [("builtin", "browser"), ("system", "chrome_system_resolver")];
    let r = run_scenario(&one_host(300, "", &kinds));
    assert_own_cache(&r.probes["builtin"], 300_000, "built-in resolver, TTL 300 s");
    assert_own_cache(&r.probes["system"], 60_000, "system resolver, TTL 300 s");
    let r = run_scenario(&one_host(1, "", &kinds));
    assert_own_cache(&r.probes["builtin"], 60_000, "built-in resolver, TTL 1 s");
    assert_own_cache(&r.probes["system"], 60_000, "system resolver, TTL 1 s");
    assert!(r.probes["builtin"].iter().all(|o| o.result == RequestResult::Ok));
}

/// A failed lookup is remembered by the kinds that cache failures: Java 10 s,
/// Firefox 60 s; Chrome asks again every time. Here geolocation has no record for
/// North America and no default, so Route 53 has no answer for Washington.
#[test]
fn failed_lookups_are_cached_10_s_by_java_60_s_by_firefox_and_not_by_chrome() {
    let europe_only = r#""set_id": "eu", "routing": { "policy": "geolocation", "location": { "continent": "EU" } },"#;
    let kinds = [("java", "jvm"), ("firefox", "firefox"), ("chrome", "browser"), ("curl", "curl")];
    let r = run_scenario(&one_host(60, europe_only, &kinds));
    for (id, life_ms) in [("java", 10_000), ("firefox", 60_000), ("chrome", 0), ("curl", 0)] {
        let obs = &r.probes[id];
        assert!(obs.iter().all(|o| o.result == RequestResult::NoAnswer), "{id}");
        assert_own_cache(obs, life_ms, id);
    }
}
