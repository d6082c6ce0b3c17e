//! Real Route 53 formats: pasted zones import in every shape people have, every
//! alias target type is modelled and runs, nothing is dropped silently, a refused
//! import names its input and record, and change batches read, apply and round-trip.

use proptest::prelude::*;
use routewave::base::time::SimTime;
use routewave::failover::sim::{RequestResult, Sim};
use routewave::formats::aws::{self, Input};
use routewave::route53::zone::Zone;
use routewave::spec::scenario::{FaultAction, FaultSpec, Scenario};
use routewave::spec::zone::*;

const RECORDS: &str = include_str!("../fixtures/aws-record-sets.json");
const CHECKS: &str = include_str!("../fixtures/aws-health-checks.json");
const EVERY: &str = include_str!("../fixtures/aws/zone-every-target.json");
const EVERY_CHECKS: &str = include_str!("../fixtures/aws/health-checks-every-type.json");

/// Runs `s` for `secs` seconds; the probe's observations.
fn probe(s: &Scenario, secs: u64) -> Vec<routewave::failover::sim::ProbeObs> {
    let mut sim = Sim::new(s).unwrap_or_else(|e| panic!("{e}"));
    sim.run_until(SimTime(secs * 1000));
    sim.report().probes["curl-dc"].clone()
}

fn lb<'a>(s: &'a Scenario, dns: &str) -> &'a LoadBalancerSpec {
    s.zone.load_balancers.iter().find(|l| l.dns_name == dns).unwrap_or_else(|| panic!("no endpoint {dns}"))
}

fn alias_of<'a>(s: &'a Scenario, name: &str, set: Option<&str>) -> (&'a AliasTarget, bool) {
    let r = s.zone.records.iter().find(|r| r.name == name && r.set_id.as_deref() == set && r.rtype == RecordType::A);
    match &r.unwrap_or_else(|| panic!("no record {name} {set:?}")).value {
        RecordValue::Alias { target, evaluate_target_health } => (target, *evaluate_target_health),
        other => panic!("{name}: not an alias: {other:?}"),
    }
}

#[test]
fn every_alias_target_type_is_modelled_and_every_name_runs() {
    let imp = aws::import_record_sets(EVERY, Some(EVERY_CHECKS)).unwrap();
    let s = &imp.scenario;
    Zone::new(&s.zone).unwrap_or_else(|p| panic!("{p}"));
    let notes = imp.notes.join("\n");
    // Each target type, by its documented name pattern, in its region, with its kind.
    for (dns, region, kind) in [
        ("d111111abcdef8.cloudfront.net", "us-east-1", LbKind::Alb),
        ("s3-website-us-east-1.amazonaws.com", "us-east-1", LbKind::Alb),
        ("s3-website-eu-west-1.amazonaws.com", "eu-west-1", LbKind::Alb),
        ("d-abc123def4.execute-api.us-east-1.amazonaws.com", "us-east-1", LbKind::Alb),
        ("d-ghi567jkl8.execute-api.eu-west-1.amazonaws.com", "eu-west-1", LbKind::Alb),
        ("a1234567890abcdef.awsglobalaccelerator.com", "us-east-1", LbKind::Nlb),
        (
            "vpce-0123456789abcdef0-abcdefgh.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com",
            "us-east-1",
            LbKind::Nlb,
        ),
        ("legacy-env.eu-west-1.elasticbeanstalk.com", "eu-west-1", LbKind::Alb),
        ("abcdefgh12.eu-west-1.awsapprunner.com", "eu-west-1", LbKind::Alb),
        ("internal-legacy-clb-123456789.us-west-2.elb.amazonaws.com", "us-west-2", LbKind::Alb),
        ("edge-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com", "us-east-1", LbKind::Nlb),
        ("app-ape1-1234567890.ap-east-1.elb.amazonaws.com", "ap-southeast-1", LbKind::Alb),
        ("legacy-origin.example.net", "us-east-1", LbKind::Alb),
    ] {
        let l = lb(s, dns);
        assert_eq!((l.region.as_str(), l.kind), (region, kind), "{dns}");
    }
    // Evaluate Target Health: refused for CloudFront (and said so), kept elsewhere.
    assert!(!alias_of(s, "static.example.com", Some("cdn")).1);
    assert!(alias_of(s, "static.example.com", Some("bucket")).1);
    assert!(alias_of(s, "internal.example.com", None).1);
    for needle in [
        "ResourceRecordSets[2] (example.com A): Evaluate Target Health is not supported for a CloudFront distribution",
        "answering with TTL 60 s (assumed: AWS documents no TTL for this target)",
        "AWS does not document Evaluate Target Health for a Global Accelerator",
        "region 'ap-east-1' is not in the simulator's latency data; modelled as ap-southeast-1",
        "subdivision 30 of UA is not in the simulator's location data",
        "Local Zone group us-west-2-lax-1 is not simulated; placed at its parent region us-west-2",
        "CIDR collection 0e1f2a3b-1111-2222-3333-444455556666 is not in the input",
        "(dev.example.com NS): record type NS is a delegation to another zone; skipped",
        "(example.com MX): record type MX is not simulated; skipped",
        "field TrafficPolicyInstanceId is not supported; ignored",
        "CLOUDWATCH_METRIC check (alarm shop-5xx-rate in us-east-1) modelled as a manual check",
        "RECOVERY_CONTROL check (arn:aws:route53-recovery-control::111122223333:controlpanel/abcd/routingcontrol/efgh) modelled as a manual check",
        "a wildcard record answers only the literal name '*.example.com'",
    ] {
        assert!(notes.contains(needle), "missing note: {needle}\n{notes}");
    }
    // The same-zone alias to the CloudFront alias is kept (it used to dangle).
    assert_eq!(alias_of(s, "www.example.com", None).0, &AliasTarget::Record { name: "example.com".into() });
    // Every health-check type is in, with its settings.
    let kind = |id: &str| &s.zone.health_checks.iter().find(|c| c.id == id).unwrap().kind;
    assert!(matches!(
        kind("aaaa0001-0000-0000-0000-000000000001"),
        HealthCheckKind::Endpoint { target: CheckTarget::LoadBalancer(_), protocol: CheckProtocol::Http, .. }
    ));
    assert!(
        matches!(kind("aaaa0002-0000-0000-0000-000000000002"), HealthCheckKind::Endpoint { protocol: CheckProtocol::Https, interval_s: 10, failure_threshold: 2, regions, .. } if regions.len() == 3)
    );
    assert!(
        matches!(kind("aaaa0003-0000-0000-0000-000000000003"), HealthCheckKind::Endpoint { search_string: Some(s), .. } if s == "OK")
    );
    assert!(matches!(
        kind("aaaa0004-0000-0000-0000-000000000004"),
        HealthCheckKind::Endpoint {
            protocol: CheckProtocol::Https,
            search_string: Some(_),
            target: CheckTarget::LoadBalancer(_),
            ..
        }
    ));
    assert!(matches!(
        kind("aaaa0005-0000-0000-0000-000000000005"),
        HealthCheckKind::Endpoint { protocol: CheckProtocol::Tcp, .. }
    ));
    assert!(
        matches!(kind("aaaa0006-0000-0000-0000-000000000006"), HealthCheckKind::Calculated { children, rule: CalculatedRule::AtLeast(1) } if children.len() == 2)
    );
    assert!(matches!(kind("aaaa0007-0000-0000-0000-000000000007"), HealthCheckKind::Manual { healthy: true }));
    assert!(matches!(kind("aaaa0008-0000-0000-0000-000000000008"), HealthCheckKind::Manual { healthy: true }));
    // Every name the zone answers runs: the probe is served.
    for service in [
        "example.com",
        "www.example.com",
        "static.example.com",
        "api.example.com",
        "edge.example.com",
        "internal.example.com",
        "legacy.example.com",
        "runner.example.com",
        "graphql.example.com",
        "classic.example.com",
        "shop.example.com",
        "mv.example.com",
        "near.example.com",
        "office.example.com",
        "origin.example.com",
        "alb.example.com",
        "tp.example.com",
    ] {
        let mut one = s.clone();
        one.service = service.into();
        let obs = probe(&one, 30);
        assert!(obs.iter().any(|o| o.result == RequestResult::Ok), "{service}: never served: {:?}", obs.first());
    }
}

#[test]
fn a_failover_to_an_s3_sorry_page_happens_when_the_beanstalk_environment_stops() {
    let mut s = aws::import_record_sets(EVERY, Some(EVERY_CHECKS)).unwrap().scenario;
    s.service = "legacy.example.com".into();
    s.faults.push(FaultSpec { at_ms: 60_000, action: FaultAction::StopHost { host: "beanstalk-legacy-env-a".into() } });
    let obs = probe(&s, 600);
    let before: Vec<_> = obs.iter().filter(|o| o.at < SimTime(60_000)).map(|o| o.answer.clone()).collect();
    let after = obs.last().unwrap();
    assert!(before.iter().all(|a| a.starts_with("beanstalk-legacy-env")), "{before:?}");
    assert!(after.answer.starts_with("s3-website-eu-west-1") && after.result == RequestResult::Ok, "{after:?}");
}

#[test]
fn a_cloudfront_distribution_stays_in_the_answer_when_it_fails_because_route53_cannot_evaluate_it() {
    let mut s = aws::import_record_sets(EVERY, None).unwrap().scenario;
    s.service = "graphql.example.com".into();
    s.faults.push(FaultSpec { at_ms: 10_000, action: FaultAction::LbDown { lb: "cloudfront-d333333abcdef8".into() } });
    let obs = probe(&s, 300);
    let last = obs.last().unwrap();
    assert!(last.answer.starts_with("cloudfront-d333333abcdef8") && last.result != RequestResult::Ok, "{last:?}");
}

#[test]
fn the_shapes_people_have_import_alike() {
    let full = aws::import_record_sets(EVERY, None).unwrap();
    let v: serde_json::Value = serde_json::from_str(EVERY).unwrap();
    // A bare array from `--query 'ResourceRecordSets[...]'`.
    let bare = aws::import_record_sets(&v["ResourceRecordSets"].to_string(), None).unwrap();
    assert_eq!(bare.scenario, full.scenario);
    assert!(bare.notes.iter().any(|n| n.starts_with("[4] (example.com MX)")), "{:?}", bare.notes);
    // A byte-order mark and CRLF line ends.
    let windows = format!("\u{feff}{}", EVERY.replace('\n', "\r\n"));
    assert_eq!(aws::import_record_sets(&windows, None).unwrap().scenario, full.scenario);
    // One record set on its own.
    let one = aws::import_record_sets(&v["ResourceRecordSets"][25].to_string(), None).unwrap();
    assert_eq!(one.scenario.zone.records.len(), 1);
    assert_eq!(one.scenario.zone.name, "example.com");
    // Health checks: the list, a bare array, get-health-check's single object.
    let hv: serde_json::Value = serde_json::from_str(EVERY_CHECKS).unwrap();
    let listed = aws::import_record_sets(EVERY, Some(EVERY_CHECKS)).unwrap().scenario;
    let arrayed = aws::import_record_sets(EVERY, Some(&hv["HealthChecks"].to_string())).unwrap().scenario;
    assert_eq!(arrayed, listed);
    let single = serde_json::json!({ "HealthCheck": hv["HealthChecks"][4] }).to_string();
    let got = aws::import_record_sets(RECORDS, Some(&single)).unwrap().scenario;
    assert!(got.zone.health_checks.iter().any(|c| c.id == "aaaa0005-0000-0000-0000-000000000005"));
}

#[test]
fn refusals_name_the_file_the_record_and_the_reason() {
    let e = aws::import_record_sets("{\n  \"ResourceRecordSets\": [\n    {,\n", None).unwrap_err();
    assert_eq!(e.input, Input::Main);
    assert!(e.message.starts_with("not valid JSON: ") && e.message.contains("line 3 column 6"), "{e}");
    let e = aws::import_record_sets(RECORDS, Some("{\"HealthChecks\": [ {\"Id\": 5} ]}")).unwrap_err();
    assert_eq!(e.input, Input::HealthChecks, "a health-check problem names the health-check file: {e}");
    assert!(e.message.contains("line 1 column"), "{e}");
    let e = aws::import_record_sets(RECORDS, Some("{}")).unwrap_err();
    assert_eq!(e.input, Input::HealthChecks);
    // A record Route 53 itself would refuse: named by its place, name, type and set.
    let bad = r#"{"ResourceRecordSets":[
        {"Name":"example.com.","Type":"SOA","TTL":900,"ResourceRecords":[{"Value":"x"}]},
        {"Name":"www.example.com.","Type":"A","SetIdentifier":"eu","Weight":300,"TTL":60,"ResourceRecords":[{"Value":"192.0.2.1"}]}]}"#;
    let e = aws::import_record_sets(bad, None).unwrap_err();
    assert_eq!(e.message, "ResourceRecordSets[1] (www.example.com A [eu]): 300: weights are 0 to 255");
    // A duplicate health-check id is blamed on the health-check file.
    let hv: serde_json::Value = serde_json::from_str(EVERY_CHECKS).unwrap();
    let twice = serde_json::json!({ "HealthChecks": [hv["HealthChecks"][1], hv["HealthChecks"][1]] }).to_string();
    let e = aws::import_record_sets(EVERY, Some(&twice)).unwrap_err();
    assert_eq!(e.input, Input::HealthChecks);
    assert!(e.message.starts_with("HealthChecks[1] (aaaa0002-0000-0000-0000-000000000002): "), "{e}");
    for (text, needle) in [
        ("{}", "no \"ResourceRecordSets\" array"),
        ("{\"Changes\": []}", "this is a change batch"),
        (
            r#"{"ResourceRecordSets":[{"Name":"a.example.com.","Type":"MX","TTL":1,"ResourceRecords":[]}]}"#,
            "no A, AAAA or CNAME",
        ),
        (
            r#"{"ResourceRecordSets":[{"Name":"a.example.com.","Type":"AAAA","TTL":1,"ResourceRecords":[{"Value":"2001:db8::1"}]}]}"#,
            "no A or CNAME record is left",
        ),
        (r#"{"ResourceRecordSets": {"Name": 1}}"#, "line 1 column"),
    ] {
        let e = aws::import_record_sets(text, None).unwrap_err();
        assert!(e.message.contains(needle), "{text}: {e}");
    }
}

#[test]
fn aliases_left_pointing_at_skipped_records_are_dropped_with_a_note() {
    let text = r#"[
        {"Name":"example.com.","Type":"TXT","TTL":60,"ResourceRecords":[{"Value":"\"x\""}]},
        {"Name":"a.example.com.","Type":"A","AliasTarget":{"HostedZoneId":"Z1","DNSName":"b.example.com.","EvaluateTargetHealth":false}},
        {"Name":"b.example.com.","Type":"A","AliasTarget":{"HostedZoneId":"Z1","DNSName":"c.example.com.","EvaluateTargetHealth":false}},
        {"Name":"c.example.com.","Type":"MX","TTL":60,"ResourceRecords":[{"Value":"10 mx.example.com"}]},
        {"Name":"d.example.com.","Type":"A","TTL":60,"ResourceRecords":[{"Value":"192.0.2.4"}]}]"#;
    let imp = aws::import_record_sets(text, None).unwrap();
    assert_eq!(imp.scenario.zone.records.len(), 1);
    assert_eq!(imp.scenario.service, "d.example.com");
    let notes = imp.notes.join("\n");
    assert!(
        notes.contains("[2] (b.example.com A): alias to c.example.com, which has no A record in the import"),
        "{notes}"
    );
    assert!(notes.contains("[1] (a.example.com A): alias to b.example.com, which has no A record"), "{notes}");
    Sim::new(&imp.scenario).unwrap();
}

/// A zone of several hundred records of every policy, aliases among them.
fn big_zone(n: usize) -> String {
    let mut sets = vec![
        serde_json::json!({"Name":"big.example.","Type":"SOA","TTL":900,"ResourceRecords":[{"Value":"ns. host. 1 1 1 1 1"}]}),
    ];
    let regions = ["us-east-1", "eu-west-1", "ap-southeast-1"];
    let geos = [
        serde_json::json!({"ContinentCode":"EU"}),
        serde_json::json!({"ContinentCode":"NA"}),
        serde_json::json!({"CountryCode":"JP"}),
        serde_json::json!({"CountryCode":"*"}),
    ];
    for i in 0..n {
        let name = format!("svc{}.big.example.", i / 4);
        let lb = |r: &str| format!("svc{}-{r}-1234.{r}.elb.amazonaws.com.", i % 40);
        let set = match i % 8 {
            0..=3 => {
                let r = regions[i % 3];
                match (i / 4) % 4 {
                    0 => {
                        serde_json::json!({"Name":name,"Type":"A","SetIdentifier":format!("w{i}"),"Weight":(i % 3) * 10,"AliasTarget":{"HostedZoneId":"Z35SXDOTRQ7X7K","DNSName":lb(r),"EvaluateTargetHealth":true}})
                    }
                    1 => {
                        serde_json::json!({"Name":name,"Type":"A","SetIdentifier":format!("l{i}"),"Region":regions[i % 4 % 3],"AliasTarget":{"HostedZoneId":"Z1","DNSName":lb(r),"EvaluateTargetHealth":true}})
                    }
                    2 => {
                        serde_json::json!({"Name":name,"Type":"A","SetIdentifier":format!("g{i}"),"GeoLocation":geos[i % 4].clone(),"TTL":60,"ResourceRecords":[{"Value":format!("198.51.100.{}", i % 250)}]})
                    }
                    _ => serde_json::json!({"Name":name,"Type":"TXT","TTL":60,"ResourceRecords":[{"Value":"\"v\""}]}),
                }
            }
            4 | 5 => {
                serde_json::json!({"Name":format!("f{}.big.example.", i / 8),"Type":"A","SetIdentifier":format!("f{i}"),"Failover":if i % 8 == 4 {"PRIMARY"} else {"SECONDARY"},"AliasTarget":{"HostedZoneId":"Z2FDTNDATAQYW2","DNSName":format!("d{}.cloudfront.net.", i % 16),"EvaluateTargetHealth":false}})
            }
            6 => {
                serde_json::json!({"Name":format!("www{}.big.example.", i / 8),"Type":"CNAME","TTL":300,"ResourceRecords":[{"Value":format!("f{}.big.example", i / 8)}]})
            }
            _ => {
                serde_json::json!({"Name":format!("a{}.big.example.", i / 8),"Type":"A","AliasTarget":{"HostedZoneId":"Z1","DNSName":format!("f{}.big.example.", i / 8),"EvaluateTargetHealth":true}})
            }
        };
        sets.push(set);
    }
    serde_json::json!({ "ResourceRecordSets": sets }).to_string()
}

#[test]
fn a_zone_of_several_hundred_records_imports_and_runs() {
    let imp = aws::import_record_sets(&big_zone(640), None).unwrap();
    let s = imp.scenario;
    assert!(s.zone.records.len() > 500, "{}", s.zone.records.len());
    assert!(s.zone.load_balancers.len() > 40, "{}", s.zone.load_balancers.len());
    let obs = probe(&s, 20);
    assert!(obs.iter().any(|o| o.result == RequestResult::Ok), "{:?}", obs.first());
}

#[test]
fn change_batch_exports_and_imports_back() {
    let imp = aws::import_record_sets(RECORDS, Some(CHECKS)).unwrap();
    let (batch, notes) = aws::change_batch(&imp.scenario.zone, "Z0000000EXAMPLE");
    assert!(notes.is_empty(), "{notes:?}");
    let v: serde_json::Value = serde_json::from_str(&batch).unwrap();
    let changes = v["Changes"].as_array().unwrap();
    assert_eq!(changes.len(), imp.scenario.zone.records.len());
    assert!(changes.iter().all(|c| c["Action"] == "UPSERT"));
    assert!(batch.contains("\"HostedZoneId\": \"Z35SXDOTRQ7X7K\""));
    assert!(batch.contains("\"HostedZoneId\": \"Z2FDTNDATAQYW2\""), "CloudFront's zone id");
    // The batch's record sets, listed as list-resource-record-sets would, import back.
    let sets: Vec<serde_json::Value> = changes.iter().map(|c| c["ResourceRecordSet"].clone()).collect();
    let again =
        aws::import_record_sets(&serde_json::json!({ "ResourceRecordSets": sets }).to_string(), Some(CHECKS)).unwrap();
    assert_eq!(again.scenario.zone.records, imp.scenario.zone.records);
    // And the batch itself reads back as a new scenario with the same records.
    let back = aws::import_change_batch(&batch, Some(CHECKS), None).unwrap();
    assert_eq!(back.imported.scenario.zone.records, imp.scenario.zone.records);
    assert_eq!(back.counts, (imp.scenario.zone.records.len(), 0, 0));
    // Every target type of the big fixture exports a zone id or says which to fill in.
    let every = aws::import_record_sets(EVERY, None).unwrap().scenario;
    let (_, notes) = aws::change_batch(&every.zone, "Z0000000EXAMPLE");
    let notes = notes.join("\n");
    assert!(
        notes.contains("fill in the alias hosted zone id of d-abc123def4.execute-api.us-east-1.amazonaws.com"),
        "{notes}"
    );
    assert!(!notes.contains("cloudfront"), "{notes}");
}

#[test]
fn change_batches_create_upsert_and_delete_as_route53_does() {
    let base = routewave::design::presets::preset("latency-weighted-alb").unwrap();
    let lb = &base.zone.load_balancers[0];
    let batch = format!(
        r#"{{"HostedZoneId": "Z0000000EXAMPLE", "ChangeBatch": {{"Comment": "add a canary", "Changes": [
            {{"Action": "CREATE", "ResourceRecordSet": {{"Name": "canary.example.com.", "Type": "A", "TTL": 60,
              "ResourceRecords": [{{"Value": "192.0.2.77"}}]}}}},
            {{"Action": "UPSERT", "ResourceRecordSet": {{"Name": "static.example.com.", "Type": "A",
              "AliasTarget": {{"HostedZoneId": "Z3AQBSTGFYJSTF", "DNSName": "s3-website-us-east-1.amazonaws.com.", "EvaluateTargetHealth": false}}}}}},
            {{"Action": "UPSERT", "ResourceRecordSet": {{"Name": "lb.example.com.", "Type": "A",
              "AliasTarget": {{"HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": "{}.", "EvaluateTargetHealth": true}}}}}}]}}}}"#,
        lb.dns_name
    );
    let done = aws::apply_change_batch(&batch, &base).unwrap();
    let s = &done.imported.scenario;
    assert_eq!(done.counts, (3, 0, 0));
    assert_eq!(s.service, base.service);
    assert_eq!(
        alias_of(s, "lb.example.com", None).0,
        &AliasTarget::LoadBalancer { id: lb.id.clone() },
        "an existing load balancer is reused by name"
    );
    assert!(s.zone.load_balancers.iter().any(|l| l.dns_name == "s3-website-us-east-1.amazonaws.com"));
    Sim::new(s).unwrap();
    // CREATE of what exists, DELETE of what does not (or differs): refused, with the change named.
    let again = aws::apply_change_batch(&batch, s).unwrap_err();
    assert_eq!(again.input, Input::Main);
    assert!(
        again.message.starts_with(
            "ChangeBatch.Changes[0] (canary.example.com A): CREATE of canary.example.com A, which already exists"
        ),
        "{again}"
    );
    let del = |v: &str| {
        format!(
            r#"{{"Changes":[{{"Action":"DELETE","ResourceRecordSet":{{"Name":"canary.example.com","Type":"A","TTL":60,"ResourceRecords":[{{"Value":"{v}"}}]}}}}]}}"#
        )
    };
    let e = aws::apply_change_batch(&del("192.0.2.78"), s).unwrap_err();
    assert!(
        e.message
            .contains("DELETE of canary.example.com A must give the record set exactly as it is; its values differ"),
        "{e}"
    );
    let gone = aws::apply_change_batch(&del("192.0.2.77"), s).unwrap();
    assert_eq!(gone.counts, (0, 0, 1));
    let e = aws::apply_change_batch(&del("192.0.2.77"), &gone.imported.scenario).unwrap_err();
    assert!(
        e.message
            .starts_with("Changes[0] (canary.example.com A): DELETE of canary.example.com A, which does not exist"),
        "{e}"
    );
    // Deleting the whole service moves the scenario to another name, with a note.
    let mut sets = Vec::new();
    for r in base.zone.records.iter().filter(|r| r.name == base.service) {
        let mut n = Vec::new();
        let rs = serde_json::to_value(aws_set(&base, r, &mut n)).unwrap();
        sets.push(serde_json::json!({"Action": "DELETE", "ResourceRecordSet": rs}));
    }
    sets.push(serde_json::json!({"Action":"CREATE","ResourceRecordSet":{"Name":"other.example.com","Type":"A","TTL":60,"ResourceRecords":[{"Value":"192.0.2.9"}]}}));
    let moved = aws::apply_change_batch(&serde_json::Value::Array(sets).to_string(), &base).unwrap();
    assert_ne!(moved.imported.scenario.service, base.service);
    assert!(
        moved.imported.notes.iter().any(|n| n.contains("the batch removed every A and CNAME record")),
        "{:?}",
        moved.imported.notes
    );
}

/// The AWS record set of one record, through the exporter.
fn aws_set(s: &Scenario, r: &RecordSpec, notes: &mut Vec<String>) -> aws::types::ResourceRecordSet {
    let one = ZoneSpec { records: vec![r.clone()], ..s.zone.clone() };
    let (batch, n) = aws::change_batch(&one, "Z0000000EXAMPLE");
    notes.extend(n);
    aws::parse_change_batch(&batch).unwrap().batch.changes.remove(0).resource_record_set
}

#[test]
fn a_timed_change_batch_applies_to_a_zone_spec() {
    use routewave::spec::changes::{ChangeAction, RecordChange, apply_changes};
    let base = routewave::design::presets::preset("latency-weighted-alb").unwrap();
    let mut moved = base.zone.records[0].clone();
    moved.routing = Routing::Weighted { weight: 0 };
    let changes = vec![RecordChange { action: ChangeAction::Upsert, record: moved.clone() }];
    let zone = apply_changes(&base.zone, &changes).unwrap();
    assert_eq!(zone.records[0], moved);
    Zone::new(&zone).unwrap();
    // As a scripted fault: stored, read back, and run (it goes live on the DNS
    // servers after the propagation delay; tests/it/sim.rs follows the drain).
    let mut s = base.clone();
    s.faults.push(FaultSpec { at_ms: 60_000, action: FaultAction::ApplyChanges { changes } });
    let back = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(back, s);
    assert!(s.to_json().contains("\"do\": \"apply_changes\""));
    let mut sim = Sim::new(&s).unwrap();
    sim.run_until(SimTime(60_000 + s.params.config_delay_ms));
    assert!(sim.trace().iter().any(|e| e.kind() == "config"), "live after the propagation delay");
}

const POLICY: &str = include_str!("../fixtures/traffic-policy.json");

#[test]
fn a_traffic_policy_imports_models_every_endpoint_and_simulates() {
    let mut base = routewave::design::presets::preset("latency-weighted-alb").unwrap();
    base.zone.load_balancers.clear();
    base.zone.health_checks.clear();
    let imp = aws::import_traffic_policy(POLICY, &base).unwrap();
    let notes = imp.notes.join("\n");
    assert!(
        notes.contains("S3 website endpoint s3-website-us-east-1.amazonaws.com modelled as an AWS-managed endpoint"),
        "{notes}"
    );
    assert!(
        notes.contains("health check hc-eu-deep was not in the health-check input; modelled as a manual check"),
        "{notes}"
    );
    let s = imp.scenario;
    Zone::new(&s.zone).unwrap_or_else(|p| panic!("{p}"));
    assert!(s.zone.records.iter().any(|r| r.name == "us-failover.sso.example.com"));
    let mut sim = Sim::new(&s).unwrap();
    sim.run_until(sim.duration());
    let r = sim.report();
    let mut regions: Vec<String> =
        r.probes["curl-dc"].iter().filter(|o| o.result == RequestResult::Ok).filter_map(|o| o.region.clone()).collect();
    regions.dedup();
    assert_eq!(regions, ["us-east-1", "eu-west-1", "ap-southeast-1"], "the preset's faults walk the imported tree");
}

#[test]
fn a_policy_that_leaves_the_service_without_a_record_is_refused_clearly() {
    let base = routewave::design::presets::preset("latency-weighted-alb").unwrap();
    let unsupported = r#"{"AWSPolicyFormatVersion":"2015-10-01","RecordType":"A","StartRule":"r",
        "Endpoints":{"e":{"Type":"value","Value":"192.0.2.1"}},
        "Rules":{"r":{"RuleType":"magic","Items":[{"EndpointReference":"e"}]}}}"#;
    let e = aws::import_traffic_policy(unsupported, &base).unwrap_err();
    assert!(e.message.contains("no record is left at the service name sso.example.com"), "{e}");
    let v6 = unsupported
        .replace("\"RecordType\":\"A\"", "\"RecordType\":\"AAAA\"")
        .replace("magic", "weighted")
        .replace("192.0.2.1", "2001:db8::1");
    let e = aws::import_traffic_policy(&v6, &base).unwrap_err();
    assert!(e.message.contains("answers AAAA only"), "{e}");
}

#[test]
fn exported_policies_import_back_to_the_same_behaviour() {
    for name in ["latency-failover-nlb", "geo-failover-alb", "latency-weighted-checks-alb"] {
        let original = routewave::design::presets::preset(name).unwrap();
        let (doc, _notes) = aws::export_traffic_policy(&original).unwrap();
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(v["AWSPolicyFormatVersion"], "2015-10-01");
        let back = aws::import_traffic_policy(&doc, &original).unwrap().scenario;
        let regions = |s: &Scenario| {
            let mut sim = Sim::new(s).unwrap();
            sim.run_until(sim.duration());
            let mut r: Vec<String> = sim.report().probes["curl-dc"]
                .iter()
                .filter(|o| o.result == RequestResult::Ok)
                .filter_map(|o| o.region.clone())
                .collect();
            r.dedup();
            r
        };
        assert_eq!(regions(&back), regions(&original), "{name}");
    }
    // AWS-managed endpoints export with their endpoint types and import back.
    let mut every = aws::import_record_sets(EVERY, Some(EVERY_CHECKS)).unwrap().scenario;
    every.service = "legacy.example.com".into();
    let (doc, _) = aws::export_traffic_policy(&every).unwrap();
    assert!(doc.contains("\"Type\": \"elastic-beanstalk\"") && doc.contains("\"Type\": \"s3-website\""), "{doc}");
    let back = aws::import_traffic_policy(&doc, &every).unwrap().scenario;
    let legacy = |s: &Scenario| {
        s.zone.records.iter().filter(|r| r.name == "legacy.example.com").map(|r| r.value.clone()).collect::<Vec<_>>()
    };
    assert_eq!(legacy(&back), legacy(&every));
    Sim::new(&back).unwrap();
    let e = aws::import_traffic_policy("{}", &routewave::design::presets::preset("latency-weighted-alb").unwrap())
        .unwrap_err();
    assert!(e.message.contains("AWSPolicyFormatVersion"), "{e}");
}

/// A scenario whose fault script names records: a weight change on
/// `use1.sso.example.com [use1]`, and a timed batch deleting `b.example.com CNAME`.
fn base_with_record_faults() -> Scenario {
    let base = routewave::design::presets::preset("latency-weighted-alb").unwrap();
    let add = r#"{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":"b.example.com.","Type":"CNAME","TTL":60,
        "ResourceRecords":[{"Value":"sso.example.com"}]}}]}"#;
    let mut base = aws::apply_change_batch(add, &base).unwrap().imported.scenario;
    let b = base.zone.records.iter().find(|r| r.name == "b.example.com").unwrap().clone();
    use routewave::spec::changes::{ChangeAction, RecordChange};
    base.faults.push(FaultSpec {
        at_ms: 30_000,
        action: FaultAction::SetWeight { name: "use1.sso.example.com".into(), set_id: "use1".into(), weight: 0 },
    });
    base.faults.push(FaultSpec {
        at_ms: 40_000,
        action: FaultAction::ApplyChanges { changes: vec![RecordChange { action: ChangeAction::Delete, record: b }] },
    });
    Sim::new(&base).unwrap_or_else(|e| panic!("{e}"));
    base
}

/// A batch or policy that removes or re-routes a record the base scenario's faults
/// name is refused, naming the fault, instead of yielding a scenario the simulator
/// refuses.
#[test]
fn an_import_that_breaks_a_fault_of_the_base_is_refused_naming_it() {
    let base = base_with_record_faults();
    let set_weight = base.faults.len() - 2;
    let use1 = base.zone.records.iter().find(|r| r.set_id.as_deref() == Some("use1")).unwrap().clone();
    let mut notes = Vec::new();
    let rs = serde_json::to_value(aws_set(&base, &use1, &mut notes)).unwrap();
    let delete = serde_json::json!({"Changes": [{"Action": "DELETE", "ResourceRecordSet": rs}]}).to_string();
    let e = aws::apply_change_batch(&delete, &base).unwrap_err();
    assert_eq!(e.input, Input::Base);
    assert_eq!(
        e.message,
        format!(
            "faults[{set_weight}]: no weighted record use1.sso.example.com [use1] after this import; change or remove that fault"
        )
    );
    // Re-policied (no longer weighted): the same.
    let mut simple = rs.clone();
    simple.as_object_mut().unwrap().remove("Weight");
    simple["Region"] = "us-east-1".into();
    let upsert = serde_json::json!({"Changes": [{"Action": "UPSERT", "ResourceRecordSet": simple}]}).to_string();
    let e = aws::apply_change_batch(&upsert, &base).unwrap_err();
    assert!(e.message.starts_with(&format!("faults[{set_weight}]: no weighted record")), "{e}");
    // A batch that changes what a timed batch of the base deletes: that batch no longer applies.
    let swap = r#"{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"b.example.com.","Type":"CNAME","TTL":60,
        "ResourceRecords":[{"Value":"other.example.com"}]}}]}"#;
    let e = aws::apply_change_batch(swap, &base).unwrap_err();
    assert_eq!(e.input, Input::Base);
    assert!(e.message.starts_with(&format!("faults[{}]: ", set_weight + 1)), "{e}");
    assert!(e.message.contains("DELETE of b.example.com CNAME must give the record set exactly as it is"), "{e}");
    // What leaves the faults' records alone still applies.
    let other = r#"{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":"c.example.com.","Type":"CNAME","TTL":60,
        "ResourceRecords":[{"Value":"sso.example.com"}]}}]}"#;
    Sim::new(&aws::apply_change_batch(other, &base).unwrap().imported.scenario).unwrap();
    // A traffic policy replaces every record under the service, use1.sso's too.
    let e = aws::import_traffic_policy(POLICY, &base).unwrap_err();
    assert_eq!(e.input, Input::Base);
    assert!(e.message.starts_with(&format!("faults[{set_weight}]: no weighted record use1.sso")), "{e}");
}

/// One arbitrary record set, from pools that mix valid, odd and invalid values.
fn arb_record_set() -> impl Strategy<Value = serde_json::Value> {
    let names = prop::sample::select(vec![
        "example.com.",
        "a.example.com.",
        "b.example.com.",
        "\\052.example.com.",
        "c.example.org.",
        "A.Example.com",
    ]);
    let types = prop::sample::select(vec!["A", "A", "A", "AAAA", "CNAME", "TXT", "NS", "MX", "SOA"]);
    let targets = prop::sample::select(vec![
        "a.example.com.",
        "b.example.com.",
        "example.com.",
        "missing.example.com.",
        "x-1.us-east-1.elb.amazonaws.com.",
        "n-1.elb.eu-west-1.amazonaws.com.",
        "d1.cloudfront.net.",
        "s3-website-ap-east-1.amazonaws.com.",
        "g.awsglobalaccelerator.com.",
        "foo.bar.",
        "",
    ]);
    let values = prop::sample::select(vec!["192.0.2.1", "192.0.2.2", "2001:db8::1", "b.example.com", "not an ip", ""]);
    let regions = prop::sample::select(vec!["us-east-1", "eu-west-1", "ap-east-1", "xx-nowhere-9", ""]);
    let checks = prop::sample::select(vec!["", "hc-1", "hc-2"]);
    (names, types, 0u8..9, targets, values, regions, -3i64..300, checks, any::<bool>(), any::<bool>()).prop_map(
        |(name, typ, policy, target, value, region, num, check, alias, with_set)| {
            let mut o = serde_json::json!({"Name": name, "Type": typ});
            if with_set {
                o["SetIdentifier"] = format!("s{}", num.rem_euclid(4)).into();
            }
            match policy {
                0 => o["Weight"] = num.into(),
                1 => o["Region"] = region.into(),
                2 => o["Failover"] = if num % 2 == 0 { "PRIMARY" } else { "SECONDARY" }.into(),
                3 => {
                    o["GeoLocation"] = [
                        serde_json::json!({"ContinentCode":"EU"}),
                        serde_json::json!({"CountryCode":"*"}),
                        serde_json::json!({"CountryCode":"ZZZ"}),
                        serde_json::json!({"CountryCode":"US","SubdivisionCode":"WA"}),
                    ][num.rem_euclid(4) as usize]
                        .clone()
                }
                4 => o["MultiValueAnswer"] = true.into(),
                5 => {
                    o["CidrRoutingConfig"] =
                        serde_json::json!({"CollectionId":"c1","LocationName": if num % 2 == 0 {"*"} else {"office"}})
                }
                6 => o["GeoProximityLocation"] = serde_json::json!({"AWSRegion": region, "Bias": num - 150}),
                _ => {}
            }
            if alias {
                o["AliasTarget"] =
                    serde_json::json!({"HostedZoneId":"Z1","DNSName":target,"EvaluateTargetHealth":num % 2 == 0});
            } else {
                o["TTL"] = num.into();
                o["ResourceRecords"] = serde_json::json!([{"Value": value}]);
            }
            if !check.is_empty() {
                o["HealthCheckId"] = check.into();
            }
            o
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Whatever the importer accepts, the validator and the simulator accept.
    #[test]
    fn whatever_imports_validates_and_builds(sets in prop::collection::vec(arb_record_set(), 1..14), checks in any::<bool>()) {
        let text = serde_json::Value::Array(sets).to_string();
        let hc = r#"{"HealthChecks":[{"Id":"hc-1","HealthCheckConfig":{"Type":"HTTP","FullyQualifiedDomainName":"x-1.us-east-1.elb.amazonaws.com","RequestInterval":10}},
            {"Id":"hc-2","HealthCheckConfig":{"Type":"CALCULATED","ChildHealthChecks":["hc-1","hc-9"],"HealthThreshold":1}}]}"#;
        if let Ok(imp) = aws::import_record_sets(&text, checks.then_some(hc)) {
            prop_assert!(Zone::new(&imp.scenario.zone).is_ok());
            prop_assert!(Sim::new(&imp.scenario).is_ok(), "{:?}", Sim::new(&imp.scenario).err());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever batch applies to a preset, the result validates and builds.
    #[test]
    fn whatever_batch_applies_validates_and_builds(
        sets in prop::collection::vec((arb_record_set(), 0u8..4), 1..10),
        faulted in 0u8..3,
    ) {
        let mut changes: Vec<serde_json::Value> = sets
            .into_iter()
            .map(|(rs, a)| {
                let action = ["CREATE", "UPSERT", "DELETE", "UPSERT"][a as usize];
                serde_json::json!({"Action": action, "ResourceRecordSet": rs})
            })
            .collect();
        // A base whose faults name records, and changes that touch them.
        if faulted == 2 {
            changes.push(serde_json::json!({"Action": "UPSERT", "ResourceRecordSet": {"Name": "b.example.com", "Type": "CNAME",
                "TTL": 30, "ResourceRecords": [{"Value": "sso.example.com"}]}}));
        }
        let base = if faulted > 0 {
            base_with_record_faults()
        } else {
            routewave::design::presets::preset("latency-weighted-alb").unwrap()
        };
        let text = serde_json::json!({ "Changes": changes }).to_string();
        if let Ok(done) = aws::apply_change_batch(&text, &base) {
            prop_assert!(Sim::new(&done.imported.scenario).is_ok(), "{:?}", Sim::new(&done.imported.scenario).err());
        }
        if let Ok(done) = aws::import_change_batch(&text, None, None) {
            prop_assert!(Sim::new(&done.imported.scenario).is_ok(), "{:?}", Sim::new(&done.imported.scenario).err());
        }
    }
}

/// A real AWS change batch scheduled at a moment (`import-changes --into --at`): a
/// weight of 0 on one of two weighted sets drains it, but only once Route 53 has the
/// batch — until then both sets keep answering; after the batch is live and the
/// cached answers have expired, only the other one does.
#[test]
fn an_aws_change_batch_scheduled_at_a_moment_drains_only_after_it() {
    let mut base = routewave::design::presets::preset("latency-weighted-alb").unwrap();
    base.faults.clear();
    let use1 = base.zone.records.iter().find(|r| r.set_id.as_deref() == Some("use1")).unwrap().clone();
    let euw1_lb = lb(&base, "alb-euw1.eu-west-1.elb.amazonaws.com").id.clone();
    // Two weighted sets under use1.sso: us-east-1's ALB and eu-west-1's.
    let mut share = use1.clone();
    share.set_id = Some("use1-euw1".into());
    share.health_check = None;
    share.value =
        RecordValue::Alias { target: AliasTarget::LoadBalancer { id: euw1_lb }, evaluate_target_health: false };
    base.zone.records.push(share);
    Sim::new(&base).unwrap();
    let mut notes = Vec::new();
    let mut drained = aws_set(&base, &use1, &mut notes);
    drained.weight = Some(0);
    let batch = serde_json::json!({"Changes": [{"Action": "UPSERT", "ResourceRecordSet": drained}]}).to_string();
    let at_ms = 900_000;
    let imp = aws::schedule_change_batch(&batch, &base, at_ms).unwrap();
    let s = &imp.scenario;
    assert_eq!(s.zone, base.zone, "nothing changes until the fault fires");
    assert_eq!(s.faults.len(), 1);
    assert_eq!(s.faults[0].at_ms, at_ms);
    let FaultAction::ApplyChanges { changes } = &s.faults[0].action else { panic!("{:?}", s.faults[0]) };
    assert_eq!(changes[0].record.routing, Routing::Weighted { weight: 0 });
    assert!(imp.notes.iter().any(|n| n.contains("scheduled at 15:00.000 as faults[0]")), "{:?}", imp.notes);
    let back = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(&back, s);

    let mut sim = Sim::new(s).unwrap();
    sim.run_until(sim.duration());
    let live = sim.trace().iter().find(|e| e.kind() == "config").expect("the batch goes live").at.as_ms();
    assert_eq!(live, at_ms + s.params.config_delay_ms);
    let obs = &sim.report().probes["curl-dc"];
    let served = |from: u64, to: u64, region: &str| {
        obs.iter()
            .filter(|o| (from..to).contains(&o.at.as_ms()) && o.result == RequestResult::Ok)
            .filter(|o| o.region.as_deref() == Some(region))
            .count()
    };
    assert!(served(0, at_ms, "us-east-1") > 0, "before the batch us-east-1 still answers");
    assert!(served(0, at_ms, "eu-west-1") > 0, "and so does the other set");
    let ttl_ms = 60_000;
    let end = sim.duration().as_ms();
    assert!(served(live + ttl_ms + 1_000, end, "eu-west-1") > 0);
    assert_eq!(served(live + ttl_ms + 1_000, end, "us-east-1"), 0, "drained once the cached answers expired");
    // Without the batch, us-east-1 keeps its share in that same window.
    let mut unchanged = Sim::new(&base).unwrap();
    unchanged.run_until(unchanged.duration());
    let kept = unchanged.report().probes["curl-dc"]
        .iter()
        .filter(|o| o.at.as_ms() > live + ttl_ms + 1_000 && o.region.as_deref() == Some("us-east-1"))
        .count();
    assert!(kept > 0, "the drain is the batch's doing");

    // A batch Route 53 would refuse at that moment is refused now, naming the batch.
    let create = batch.replace("UPSERT", "CREATE");
    let e = aws::schedule_change_batch(&create, &base, at_ms).unwrap_err();
    assert_eq!(e.input, Input::Main);
    assert!(e.message.starts_with(
            "at 15:00.000, Changes[0] (use1.sso.example.com A [use1]): CREATE of use1.sso.example.com A [use1], which already exists"
        ), "{e}");
}
