//! The command-line tool, run as a process: output, exit codes, one-line errors.

use std::process::Command;

fn routewave(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_routewave")).args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("routewave-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn presets_are_listed() {
    let (code, out, _) = routewave(&["presets"]);
    assert_eq!(code, 0);
    for name in ["latency-weighted-alb", "latency-weighted-cname-ttl1-nlb", "all-defaults-nlb", "geo-failover-alb"] {
        assert!(out.contains(name), "{name} missing:\n{out}");
    }
}

#[test]
fn simulate_prints_timeline_probe_log_and_phases() {
    let (code, out, err) = routewave(&["simulate", "preset:latency-weighted-nlb"]);
    assert_eq!(code, 0, "{err}");
    for needle in
        ["stop the web servers in us-east-1", "probe curl-dc", "connection refused", "phases: detection", "trace hash"]
    {
        assert!(out.contains(needle), "{needle} missing:\n{out}");
    }
}

#[test]
fn trials_print_percentiles_and_json_round_trips() {
    let (code, out, err) = routewave(&["simulate", "preset:latency-weighted-alb", "--trials", "5"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("5 trials") && out.contains("curl-dc: switch") && out.contains("p95"), "{out}");
    let (code, out, _) = routewave(&["simulate", "preset:latency-weighted-alb", "--json", "--seed", "3"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["seed"], 3);
    assert!(v["series"]["ok"].as_array().unwrap().len() > 1000);
}

#[test]
fn a_scenario_file_runs_and_explain_shows_the_path() {
    let json = routewave::design::presets::preset("geo-failover-nlb").unwrap().to_json();
    let path = temp_file("geo.json", &json);
    let (code, out, err) = routewave(&["explain", &path, "--query", "sso.example.com", "--from", "paris", "--at", "0"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("geolocation routing") && out.contains("matches continent EU"), "{out}");
    assert!(out.contains("answer: nlb-euw1@eu-west-1a (TTL 60)"), "{out}");
}

#[test]
fn bad_input_gives_one_line_naming_file_position_and_problem() {
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["simulate".into(), "preset:nope".into()], "no preset 'nope'"),
        (vec!["simulate".into(), "/nonexistent/x.json".into()], "/nonexistent/x.json:"),
        (vec!["simulate".into(), temp_file("bad.json", "{\"version\": 1,\n  \"title\": 5 }")], "line 2 column"),
        (vec!["simulate".into(), temp_file("notjson.json", "hello")], "not valid JSON"),
        (vec!["simulate".into(), temp_file("future.json", "{\"version\": 99}")], "version 99 is newer"),
        (vec!["frobnicate".into()], "unknown command 'frobnicate'"),
        (
            vec!["simulate".into(), "preset:latency-weighted-alb".into(), "--trials".into(), "x".into()],
            "--trials: 'x' is not valid",
        ),
    ];
    for (args, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = routewave(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    // A zone problem names its path and says how many more there are.
    let mut s = routewave::design::presets::preset("latency-weighted-alb").unwrap();
    s.zone.records[0].routing = routewave::spec::zone::Routing::Weighted { weight: 300 };
    s.zone.records[1].health_check = Some("ghost".into());
    let path = temp_file("invalid.json", &s.to_json());
    let (code, _, err) = routewave(&["simulate", &path]);
    assert_eq!(code, 2);
    assert!(err.contains("zone.records[0].routing.weight: 300: weights are 0 to 255 (and 1 more)"), "{err}");
}

#[test]
fn deploy_and_plan_check_print_the_blast_radius_and_the_warnings() {
    let (code, out, err) = routewave(&["deploy", "preset:data-plane-bad-plan"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("worst NS") && out.contains("4/4") && out.contains("total"), "{out}");
    let (code, out, _) = routewave(&["deploy", "preset:data-plane-by-stripe", "--kind", "wrong-answers"]);
    assert_eq!(code, 0);
    assert!(out.contains("wrong answers") && out.contains("1/4"), "{out}");
    let (code, out, _) = routewave(&["plan-check", "preset:data-plane-bad-plan"]);
    assert_eq!(code, 0);
    assert!(out.contains("spans 4 stripes"), "{out}");
    let (code, out, _) = routewave(&["deploy", "preset:internal-api-by-fleet"]);
    assert_eq!(code, 0);
    assert!(out.contains("deep health check failed on batch host 1"), "{out}");
    let (code, _, err) = routewave(&["deploy", "preset:latency-weighted-alb"]);
    assert_eq!(code, 2);
    assert!(err.contains("no \"deploy\" or \"control_plane\" section"), "{err}");
    let (code, _, err) = routewave(&["deploy", "preset:data-plane-by-stripe", "--kind", "meteor"]);
    assert_eq!(code, 2);
    assert!(err.contains("--kind: 'meteor' is not a bad-build kind"), "{err}");
}
