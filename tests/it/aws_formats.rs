//! Real Route 53 formats: a pasted zone imports, reports what it skips, simulates,
//! and exports a change batch that imports back to the same records.

use routewave::failover::sim::{RequestResult, Sim};
use routewave::formats::aws;
use routewave::route53::zone::Zone;

const RECORDS: &str = include_str!("../fixtures/aws-record-sets.json");
const CHECKS: &str = include_str!("../fixtures/aws-health-checks.json");

#[test]
fn a_real_zone_imports_with_every_skip_reported() {
    let imp = aws::import_record_sets(RECORDS, Some(CHECKS)).unwrap();
    let s = &imp.scenario;
    assert_eq!(s.zone.name, "example.com");
    Zone::new(&s.zone).unwrap_or_else(|p| panic!("{p}"));
    let notes = imp.notes.join("\n");
    for needle in [
        "ResourceRecordSets[2] (example.com MX): record type MX is not simulated; skipped",
        "ResourceRecordSets[3] (example.com TXT): record type TXT is not simulated; skipped",
        "alias to d111111abcdef8.cloudfront.net (not a load balancer or a record in the zone) is not simulated",
        "field TrafficPolicyInstanceId is not supported; ignored",
        "modelled as an ALB",
        "modelled as an NLB",
        "CLOUDWATCH_METRIC check modelled as a manual check",
        "endpoint api.example.com is not a modelled load balancer; modelled as a host",
    ] {
        assert!(notes.contains(needle), "missing note: {needle}\n{notes}");
    }
    assert!(!notes.contains("NS"), "NS and SOA are the zone's own, not skipped records: {notes}");
    assert!(!notes.contains("endpoint app-use1"), "a check on the ALB's name targets the modelled ALB: {notes}");
    // ALB vs NLB from the DNS name's shape; regions from the records.
    let kinds: Vec<_> = s.zone.load_balancers.iter().map(|l| (l.region.clone(), l.kind)).collect();
    assert!(kinds.contains(&("us-east-1".into(), routewave::spec::zone::LbKind::Alb)));
    assert!(kinds.contains(&("eu-west-1".into(), routewave::spec::zone::LbKind::Nlb)));
    assert_eq!(s.service, "app.example.com");
}

#[test]
fn the_imported_zone_simulates() {
    let mut s = aws::import_record_sets(RECORDS, Some(CHECKS)).unwrap().scenario;
    s.faults.push(routewave::spec::scenario::FaultSpec {
        at_ms: 120_000,
        action: routewave::spec::scenario::FaultAction::StopRegion { region: "us-east-1".into() },
    });
    let mut sim = Sim::new(&s).unwrap();
    sim.run_until(sim.duration());
    let r = sim.report();
    let regions: std::collections::BTreeSet<_> =
        r.probes["curl-dc"].iter().filter(|o| o.result == RequestResult::Ok).filter_map(|o| o.region.clone()).collect();
    assert!(regions.contains("us-east-1") && regions.contains("eu-west-1"), "{regions:?}");
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
    // The batch's record sets, listed as list-resource-record-sets would, import back.
    let sets: Vec<serde_json::Value> = changes.iter().map(|c| c["ResourceRecordSet"].clone()).collect();
    let again =
        aws::import_record_sets(&serde_json::json!({ "ResourceRecordSets": sets }).to_string(), Some(CHECKS)).unwrap();
    assert_eq!(again.scenario.zone.records, imp.scenario.zone.records);
}

#[test]
fn bad_inputs_are_refused_with_a_reason() {
    assert!(aws::import_record_sets("nope", None).unwrap_err().contains("not valid JSON"));
    assert!(aws::import_record_sets("{}", None).unwrap_err().contains("no \"ResourceRecordSets\" array"));
    assert!(aws::import_record_sets(RECORDS, Some("{}")).unwrap_err().contains("no \"HealthChecks\""));
    let only_mx = r#"{"ResourceRecordSets":[{"Name":"a.example.com.","Type":"MX","TTL":1,"ResourceRecords":[]}]}"#;
    assert!(aws::import_record_sets(only_mx, None).unwrap_err().contains("no A, AAAA or CNAME"));
}

const POLICY: &str = include_str!("../fixtures/traffic-policy.json");

#[test]
fn a_traffic_policy_imports_reports_skips_and_simulates() {
    let mut base = routewave::design::presets::preset("latency-weighted-alb").unwrap();
    base.zone.load_balancers.clear();
    let imp = aws::import_traffic_policy(POLICY, &base).unwrap();
    let notes = imp.notes.join("\n");
    assert!(notes.contains("endpoint 'sorry_page' of type s3-website is not simulated; skipped"), "{notes}");
    assert!(notes.contains("health check hc-eu-deep modelled as a manual check"), "{notes}");
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
fn exported_policies_import_back_to_the_same_behaviour() {
    for name in ["latency-failover-nlb", "geo-failover-alb", "latency-weighted-checks-alb"] {
        let original = routewave::design::presets::preset(name).unwrap();
        let (doc, _notes) = aws::export_traffic_policy(&original).unwrap();
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(v["AWSPolicyFormatVersion"], "2015-10-01");
        let back = aws::import_traffic_policy(&doc, &original).unwrap().scenario;
        let probe = |s: &routewave::spec::scenario::Scenario| {
            let mut sim = Sim::new(s).unwrap();
            sim.run_until(sim.duration());
            let r = sim.report();
            let mut regions: Vec<String> = r.probes["curl-dc"]
                .iter()
                .filter(|o| o.result == RequestResult::Ok)
                .filter_map(|o| o.region.clone())
                .collect();
            regions.dedup();
            regions
        };
        assert_eq!(probe(&back), probe(&original), "{name}");
    }
    assert!(
        aws::import_traffic_policy("{}", &routewave::design::presets::preset("latency-weighted-alb").unwrap())
            .unwrap_err()
            .contains("AWSPolicyFormatVersion")
    );
}
