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

/// A run that never switches still names its mechanism: the scenario's hints and the
/// assumptions it rests on follow the numbers, as in the page.
#[test]
fn simulate_names_the_mechanism_and_the_assumptions() {
    let s = routewave::design::presets::preset("latency-layer-pitfall-alb").unwrap();
    let (code, out, err) = routewave(&["simulate", "preset:latency-layer-pitfall-alb"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("watch for:"), "{out}");
    for w in &s.watch_for {
        assert!(out.contains(w.as_str()), "{w} missing:\n{out}");
    }
    assert!(out.contains("assumed (no public source; docs/model.md):"), "{out}");
    for a in routewave::design::assumptions::assumptions(&s) {
        assert!(out.contains(a.what), "{} missing:\n{out}", a.what);
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

fn fixture(path: &str) -> String {
    format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `routewave simulate` on a scenario printed by another command.
fn simulates(json: &str, name: &str) {
    let path = temp_file(name, json);
    let (code, out, err) = routewave(&["simulate", &path]);
    assert_eq!(code, 0, "{name}: {err}");
    assert!(out.contains("trace hash"), "{out}");
}

#[test]
fn imports_print_a_scenario_that_simulates_with_notes_on_stderr() {
    let (code, out, err) = routewave(&[
        "import-aws",
        &fixture("aws/zone-every-target.json"),
        "--health-checks",
        &fixture("aws/health-checks-every-type.json"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.lines().all(|l| l.starts_with("note: ")), "{err}");
    assert!(
        err.contains("CloudFront distribution d111111abcdef8.cloudfront.net modelled as an AWS-managed endpoint"),
        "{err}"
    );
    simulates(&out, "every.json");
    // A bare array from --query, saved by a Windows editor.
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("aws-record-sets.json")).unwrap()).unwrap();
    let bare =
        format!("\u{feff}{}", serde_json::to_string_pretty(&v["ResourceRecordSets"]).unwrap().replace('\n', "\r\n"));
    let (code, out, err) = routewave(&["import-aws", &temp_file("bare.json", &bare)]);
    assert_eq!(code, 0, "{err}");
    simulates(&out, "bare-out.json");
    // Terraform: a module directory (weighted, latency, failover, geolocation), a state, a plan.
    for source in [
        "terraform/module",
        "terraform/legacy-0.11",
        "terraform/state-v4.json",
        "terraform/state-v3.json",
        "terraform/plan.json",
        "terraform/module.tf.json",
    ] {
        let (code, out, err) = routewave(&["import-terraform", &fixture(source)]);
        assert_eq!(code, 0, "{source}: {err}");
        simulates(&out, &format!("{}.out.json", source.replace('/', "-")));
    }
    let (code, out, err) =
        routewave(&["import-terraform", &fixture("terraform/module"), "--var", "domain=\"example.org\""]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"name\": \"example.org\""));
}

#[test]
fn change_batches_create_a_scenario_or_apply_onto_one() {
    let (_, batch, _) = routewave(&["export-changes", "preset:latency-weighted-checks-alb", "--zone-id", "Z1"]);
    let path = temp_file("batch.json", &batch);
    let (code, out, err) = routewave(&["import-changes", &path]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("record sets created, 0 replaced, 0 deleted"), "{err}");
    simulates(&out, "from-batch.json");
    let wrapped = format!("{{\"HostedZoneId\": \"Z1\", \"ChangeBatch\": {batch}}}");
    let (code, out, err) = routewave(&[
        "import-changes",
        &temp_file("request.json", &wrapped),
        "--into",
        "preset:latency-weighted-checks-alb",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 record sets created"), "an UPSERT of what exists replaces it: {err}");
    simulates(&out, "applied.json");
    let delete = r#"{"Changes":[{"Action":"DELETE","ResourceRecordSet":{"Name":"nope.example.com.","Type":"A","TTL":60,"ResourceRecords":[{"Value":"192.0.2.1"}]}}]}"#;
    let del = temp_file("delete.json", delete);
    let (code, out, err) = routewave(&["import-changes", &del, "--into", "preset:latency-weighted-alb"]);
    assert_eq!((code, out.as_str(), err.lines().count()), (2, "", 1), "{err}");
    assert!(
        err.contains(&format!(
            "{del}: Changes[0] (nope.example.com A): DELETE of nope.example.com A, which does not exist"
        )),
        "{err}"
    );
}

#[test]
fn a_change_batch_is_scheduled_as_a_timed_change_with_at() {
    let batch = r#"{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"sso.example.com.","Type":"A",
        "SetIdentifier":"us-east-1","Region":"us-east-1","AliasTarget":{"HostedZoneId":"Z1",
        "DNSName":"euw1.sso.example.com.","EvaluateTargetHealth":true}}}]}"#;
    let path = temp_file("swap.json", batch);
    let base = "preset:latency-weighted-alb";
    let (code, out, err) = routewave(&["import-changes", &path, "--into", base, "--at", "10:00"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 changes scheduled at 10:00.000 as faults["), "{err}");
    let s = routewave::spec::scenario::Scenario::from_json(&out).unwrap();
    let last = s.faults.last().unwrap();
    assert_eq!(last.at_ms, 600_000);
    assert!(matches!(last.action, routewave::spec::scenario::FaultAction::ApplyChanges { .. }));
    simulates(&out, "scheduled.json");
    // Seconds work too; --at needs a scenario to schedule in, and a moment inside it.
    let (code, out, _) = routewave(&["import-changes", &path, "--into", base, "--at", "600"]);
    assert_eq!(code, 0);
    assert_eq!(routewave::spec::scenario::Scenario::from_json(&out).unwrap().faults.last().unwrap().at_ms, 600_000);
    let (code, _, err) = routewave(&["import-changes", &path, "--at", "600"]);
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
    assert!(err.contains("--at schedules the batch in a scenario"), "{err}");
    let (code, _, err) = routewave(&["import-changes", &path, "--into", base, "--at", "23:59:00"]);
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
    let (code, _, err) = routewave(&["import-changes", &path, "--into", base, "--at", "1000:00"]);
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
    assert!(err.contains("is after the end of preset:latency-weighted-alb"), "{err}");
}

#[test]
fn an_import_that_breaks_a_fault_of_the_base_names_the_base_file_and_fault() {
    use routewave::spec::scenario::{FaultAction, FaultSpec};
    let mut s = routewave::design::presets::preset("latency-weighted-alb").unwrap();
    s.faults.push(FaultSpec {
        at_ms: 30_000,
        action: FaultAction::SetWeight { name: "use1.sso.example.com".into(), set_id: "use1".into(), weight: 0 },
    });
    let i = s.faults.len() - 1;
    let base = temp_file("with-weight-fault.json", &s.to_json());
    let (code, out, err) = routewave(&["import-policy", &fixture("traffic-policy.json"), "--into", &base]);
    assert_eq!((code, out.as_str(), err.lines().count()), (2, "", 1), "{err}");
    assert!(
        err.contains(&format!("{base}: faults[{i}]: no weighted record use1.sso.example.com [use1] after this import")),
        "{err}"
    );
}

#[test]
fn a_var_file_is_named_as_given() {
    let module = fixture("terraform/module");
    for name in ["prod.tfvars", "prod.tfvars.json"] {
        let text = if name.ends_with(".json") { "{\"domain\": }" } else { "domain = \n" };
        let bad = temp_file(name, text);
        let (code, _, err) = routewave(&["import-terraform", &module, "--var-file", &bad]);
        assert_eq!((code, err.lines().count()), (2, 1), "{err}");
        assert!(err.contains(&format!(": {bad}: ")), "{name}: {err}");
    }
}

#[test]
fn exports_and_detection() {
    let (code, out, err) = routewave(&["export-terraform", "preset:geo-failover-nlb", "--zone-id", "Z1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("geolocation_routing_policy {") && out.contains("resource \"aws_lb\""), "{out}");
    let dir = std::env::temp_dir().join(format!("routewave-cli-{}/exported", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.tf"), &out).unwrap();
    let (code, back, err) = routewave(&["import-terraform", &dir.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    simulates(&back, "exported-back.json");
    for (file, want) in [
        ("aws/zone-every-target.json", "Route 53 record sets"),
        ("aws/health-checks-every-type.json", "Route 53 health checks"),
        ("terraform/plan.json", "Terraform plan"),
        ("terraform/state-v3.json", "Terraform state"),
        ("terraform/module/main.tf", "Terraform configuration (HCL)"),
        ("traffic-policy.json", "traffic-policy document"),
    ] {
        let (code, out, _) = routewave(&["detect", &fixture(file)]);
        assert_eq!(code, 0);
        assert!(out.contains(want), "{file}: {out}");
    }
}

#[test]
fn format_errors_are_one_line_naming_the_file_at_fault() {
    let good = fixture("aws-record-sets.json");
    let module = fixture("terraform/module");
    let bad_checks = temp_file("checks.json", "{\n  \"HealthChecks\": [\n    {\"Id\": 7}\n  ]\n}");
    let bad_tf = temp_file("bad.tf", "resource \"aws_route53_record\" \"x\" {\n  name = \"a\"\n  ttl = \n}\n");
    let weight = temp_file(
        "weights.json",
        r#"[{"Name":"w.example.com.","Type":"A","SetIdentifier":"eu","Weight":999,"TTL":60,"ResourceRecords":[{"Value":"192.0.2.1"}]}]"#,
    );
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["import-aws", &good, "--health-checks", &bad_checks],
            format!("{bad_checks}: not list-health-checks output: invalid type"),
        ),
        (vec!["import-aws", &weight], format!("{weight}: [0] (w.example.com A [eu]): 999: weights are 0 to 255")),
        (vec!["import-aws", &bad_checks], format!("{bad_checks}: this is health-check output, not record sets")),
        (vec!["import-terraform", &bad_tf], format!("{bad_tf}: line 3, column 9: invalid expression")),
        (vec!["import-terraform", "/nonexistent/dir.tf"], "/nonexistent/dir.tf:".to_string()),
        (
            vec!["import-changes", &good],
            format!("{good}: this is list-resource-record-sets output, not a change batch"),
        ),
        (vec!["import-terraform", &good], "not Terraform".to_string()),
        (vec!["import-terraform", &module, "--var", "nonsense"], "--var: 'nonsense' is not NAME=VALUE".to_string()),
    ];
    for (args, needle) in cases {
        let (code, out, err) = routewave(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(&needle), "{args:?}: {err}\nwanted: {needle}");
    }
}

#[test]
fn challenge_prints_one_line_per_check_and_exits_by_verdict() {
    let (code, out, err) = routewave(&["presets"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().filter(|l| l.starts_with("challenge-")).count() >= 8, "{out}");
    // As shipped: the goal fails, the constraints hold; exit 1.
    let (code, out, err) = routewave(&["challenge", "preset:challenge-fast-switch"]);
    assert_eq!(code, 1, "{err}");
    let checks: Vec<&str> = out.lines().filter(|l| l.starts_with("PASS ") || l.starts_with("FAIL ")).collect();
    assert_eq!(checks.len(), 3, "{out}");
    assert!(checks[0].starts_with("FAIL goal") && checks[0].contains("curl-dc switch < 60 s"), "{out}");
    assert!(checks[1].starts_with("PASS constraint") && checks[1].contains("3 health checks (budget 3)"), "{out}");
    // Fixed in a file: exit 0.
    let mut s = routewave::design::presets::preset("challenge-fast-switch").unwrap();
    for r in s.zone.records.iter_mut() {
        r.ttl_s = r.ttl_s.map(|_| 10);
    }
    for c in &mut s.zone.health_checks {
        if let routewave::spec::zone::HealthCheckKind::Endpoint { interval_s, failure_threshold, .. } = &mut c.kind {
            *interval_s = 10;
            *failure_threshold = 1;
        }
    }
    let path = temp_file("solved.json", &s.to_json());
    let (code, out, err) = routewave(&["challenge", &path, "--json"]);
    assert_eq!(code, 0, "{err}\n{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["passed"], true);
    assert!(v["checks"][0]["measured"].as_f64().unwrap() < 60.0, "{out}");
    // Bad input: one line naming the file and the place; exit 2.
    let plain = temp_file("plain.json", &routewave::design::presets::preset("geo-failover-nlb").unwrap().to_json());
    let text = s.to_json().replace("\"max_s\": 60.0", "\"max\": 60.0");
    let typo = temp_file("typo.json", &text);
    for (file, needle) in [(plain, "plain.json: challenge: the scenario has no challenge"), (typo, "typo.json: ")] {
        let (code, out, err) = routewave(&["challenge", &file]);
        assert_eq!(code, 2, "{err}");
        assert!(out.is_empty() && err.lines().count() == 1 && err.contains(needle), "{err}");
    }
    let (_, _, err) = routewave(&["challenge", &temp_file("typo2.json", &text)]);
    assert!(err.contains("unknown field `max`") && err.contains("line "), "{err}");
}

#[test]
fn sweep_prints_a_grid_of_percentiles_and_json() {
    let (code, out, err) = routewave(&[
        "sweep",
        "preset:all-defaults-nlb",
        "--knob",
        "ttl=1,300",
        "--knob",
        "lb=alb,nlb",
        "--trials",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("p50 s") && out.contains("p95 s") && out.contains("2 trials per cell"), "{out}");
    let rows: Vec<&str> =
        out.lines().filter(|l| l.trim_start().starts_with("1 ") || l.trim_start().starts_with("300 ")).collect();
    assert_eq!(rows.len(), 4, "{out}");
    let (code, out, err) = routewave(&[
        "sweep",
        "preset:all-defaults-nlb",
        "--knob",
        "failure_threshold=1,3",
        "--metric",
        "error_window",
        "--trials",
        "1",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["cells"].as_array().unwrap().len(), 2);
    assert_eq!(v["metric"], "error_window");
    let (code, _, err) = routewave(&["sweep", "preset:all-defaults-nlb", "--knob", "colour=red"]);
    assert_eq!(code, 2);
    assert!(err.contains("--knob: 'colour' is not a knob"), "{err}");
    let (code, _, err) = routewave(&["sweep", "preset:latency-weighted-nlb", "--knob", "ttl=5"]);
    assert_eq!(code, 2);
    assert!(err.contains("preset:latency-weighted-nlb: --knob: ttl: no record carries a TTL"), "{err}");
}

#[test]
fn the_pages_trials_assembled_from_worker_answers_are_the_clis() {
    use routewave::design::jobs::{Request, Response, TrialSlots, Work, answer, split};
    let n = 9;
    let (code, out, err) =
        routewave(&["simulate", "preset:latency-weighted-nlb", "--trials", &n.to_string(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let table: std::collections::BTreeMap<String, Vec<f64>> = serde_json::from_str(&out).unwrap();
    // The page's way: ranges of two trials answered as text, arriving last range first.
    let s = routewave::design::presets::preset("latency-weighted-nlb").unwrap();
    let mut slots = TrialSlots::new(s.seed, n);
    for r in split(n, 2).into_iter().rev() {
        let req = Request { run: 1, task: 0, scenario: s.clone(), work: Work::Trials, from: r.start, to: r.end };
        slots.take(&Response::from_json(&answer(&req.to_json())).unwrap());
    }
    assert_eq!(slots.done(), n as usize);
    let window: Vec<f64> = slots.results().filter_map(|r| r.error_window_max_s).collect();
    assert_eq!(window, table["error window max"]);
    // The panel's switch time is the first probe's (in id order, as the CLI lists them).
    let first_probe = table.keys().find(|k| k.ends_with(": switch")).expect("a probe switched");
    let switch: Vec<f64> = slots.results().filter_map(|r| r.switch_s).collect();
    assert_eq!(&switch, &table[first_probe]);
    assert_eq!(switch.len(), n as usize, "every trial switched");
}
