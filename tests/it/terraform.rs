//! Terraform: modules (HCL, JSON, 0.11 syntax), states (v3, v4, `show -json`) and
//! plans import into scenarios that run; unresolvable parts are reported per
//! attribute; a design exports as `.tf` that imports back to the same records.

use routewave::base::time::SimTime;
use routewave::failover::sim::{RequestResult, Sim};
use routewave::formats::terraform::{TfFile, export_terraform, import_terraform};
use routewave::route53::zone::Zone;
use routewave::spec::scenario::{FaultAction, FaultSpec, Scenario};
use routewave::spec::zone::*;

fn fixture(name: &str) -> TfFile {
    let path = format!("{}/tests/fixtures/terraform/{name}", env!("CARGO_MANIFEST_DIR"));
    TfFile { name: name.rsplit('/').next().unwrap().to_string(), text: std::fs::read_to_string(path).unwrap() }
}

fn module() -> Vec<TfFile> {
    ["module/lb.tf", "module/main.tf", "module/providers.tf", "module/variables.tf", "module/terraform.tfvars"]
        .into_iter()
        .map(fixture)
        .collect()
}

fn runs(s: &Scenario, service: &str) -> Vec<routewave::failover::sim::ProbeObs> {
    let mut s = s.clone();
    s.service = service.into();
    let mut sim = Sim::new(&s).unwrap_or_else(|e| panic!("{service}: {e}"));
    sim.run_until(SimTime(600_000));
    let obs = sim.report().probes["curl-dc"].clone();
    assert!(obs.iter().any(|o| o.result == RequestResult::Ok), "{service}: never served");
    obs
}

fn record<'a>(s: &'a Scenario, name: &str, set: &str) -> &'a RecordSpec {
    s.zone
        .records
        .iter()
        .find(|r| r.name == name && r.set_id.as_deref() == Some(set))
        .unwrap_or_else(|| panic!("no {name} [{set}]"))
}

#[test]
fn a_module_with_every_routing_policy_imports_and_runs() {
    let imp = import_terraform(&module(), &[]).unwrap();
    let s = &imp.scenario;
    Zone::new(&s.zone).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(s.zone.name, "example.com");
    // Latency (for_each over a map variable), aliases through a local map of load balancers.
    let use1 = record(s, "api.example.com", "us-east-1");
    assert_eq!(use1.routing, Routing::Latency { region: "us-east-1".into() });
    assert_eq!(
        use1.value,
        RecordValue::Alias {
            target: AliasTarget::LoadBalancer { id: "api-use1".into() },
            evaluate_target_health: true
        }
    );
    assert_eq!(use1.health_check.as_deref(), Some("api-us-east-1"));
    let lb = |id: &str| s.zone.load_balancers.iter().find(|l| l.id == id).unwrap();
    assert_eq!(
        (lb("api-euw1").kind, lb("api-euw1").region.as_str()),
        (LbKind::Nlb, "eu-west-1"),
        "provider alias and a conditional"
    );
    assert_eq!((lb("api-use1").kind, lb("api-use1").region.as_str()), (LbKind::Alb, "us-east-1"));
    // Weighted through a dynamic block; the TTL from terraform.tfvars.
    let www = record(s, "www.example.com", "www-eu-west-1");
    assert_eq!(www.routing, Routing::Weighted { weight: 30 });
    assert_eq!(www.ttl_s, Some(60));
    assert_eq!(www.value, RecordValue::Values(vec!["api.example.com".into()]));
    // Failover: an alias to another record's fqdn, and an address known after apply.
    let primary = record(s, "app.example.com", "primary");
    assert_eq!(
        primary.value,
        RecordValue::Alias {
            target: AliasTarget::Record { name: "api.example.com".into() },
            evaluate_target_health: true
        }
    );
    // Geolocation with count and conditionals.
    assert_eq!(
        record(s, "geo.example.com", "europe").routing,
        Routing::Geolocation { location: GeoLocationSpec::Continent("EU".into()) }
    );
    assert_eq!(
        record(s, "geo.example.com", "japan").routing,
        Routing::Geolocation { location: GeoLocationSpec::Country("JP".into()) }
    );
    assert_eq!(
        record(s, "geo.example.com", "default").routing,
        Routing::Geolocation { location: GeoLocationSpec::Default }
    );
    assert!(s.zone.records.iter().any(|r| r.name == "static2.example.com"), "count from a variable default");
    let notes = imp.notes.join("\n");
    for needle in [
        "main.tf: aws_route53_record.app_secondary: records: refers to aws_eip.sorry.public_ip, known only after apply; 192.0.2.1 stands for it",
        "alias.name: aws_cloudfront_distribution.site.domain_name is known only after apply; recognised as a CloudFront endpoint",
        "module \"vpc\" (terraform-aws-modules/vpc/aws) is not read",
        "lb.tf: aws_lb.api_use1: its DNS name is known only after apply",
    ] {
        assert!(notes.contains(needle), "missing note: {needle}\n{notes}");
    }
    // Each policy runs; a regional fault moves the latency name to the other region.
    for service in ["api.example.com", "www.example.com", "app.example.com", "geo.example.com", "cdn.example.com"] {
        runs(s, service);
    }
    let mut f = s.clone();
    f.faults.push(FaultSpec { at_ms: 60_000, action: FaultAction::StopRegion { region: "us-east-1".into() } });
    let obs = runs(&f, "api.example.com");
    assert_eq!(obs.last().unwrap().region.as_deref(), Some("eu-west-1"), "{:?}", obs.last());
}

#[test]
fn variables_given_on_the_command_line_win_and_missing_ones_are_named() {
    let vars = [("domain".to_string(), "\"example.org\"".to_string()), ("static_sites".to_string(), "5".to_string())];
    let s = import_terraform(&module(), &vars).unwrap().scenario;
    assert_eq!(s.zone.name, "example.org");
    assert!(s.zone.records.iter().any(|r| r.name == "static5.example.org"));
    // Without terraform.tfvars the TTL has no value: reported on the attribute, 300 s assumed.
    let files: Vec<TfFile> = module().into_iter().filter(|f| f.name != "terraform.tfvars").collect();
    let imp = import_terraform(&files, &[]).unwrap();
    let notes = imp.notes.join("\n");
    assert!(
        notes.contains("aws_route53_record.www[\"eu-west-1\"]: ttl: variable 'ttl' has no default (pass --var ttl=…)"),
        "{notes}"
    );
}

#[test]
fn terraform_0_11_interpolation_syntax_reads() {
    let imp = import_terraform(&[fixture("legacy-0.11/main.tf")], &[]).unwrap();
    let s = &imp.scenario;
    assert_eq!(s.zone.name, "legacy.example.org");
    assert_eq!(record(s, "www.legacy.example.org", "blue").routing, Routing::Weighted { weight: 10 });
    assert_eq!(
        record(s, "www.legacy.example.org", "green").value,
        RecordValue::Alias { target: AliasTarget::LoadBalancer { id: "web-1".into() }, evaluate_target_health: true }
    );
    let web = s.zone.load_balancers.iter().find(|l| l.id == "web-0").unwrap();
    assert_eq!(web.target_groups[0].targets.len(), 3, "a classic load balancer's availability zones");
    assert_eq!(
        web.health,
        Some(LbHealthSettings { interval_s: 10, timeout_s: 3, healthy_threshold: 2, unhealthy_threshold: 2 })
    );
    runs(s, "www.legacy.example.org");
}

#[test]
fn the_json_syntax_reads_like_hcl() {
    let s = import_terraform(&[fixture("module.tf.json")], &[]).unwrap().scenario;
    assert_eq!(s.zone.name, "json.example.com");
    assert_eq!(record(&s, "svc.json.example.com", "one").routing, Routing::Weighted { weight: 60 });
    assert_eq!(
        record(&s, "svc.json.example.com", "two").value,
        RecordValue::Alias { target: AliasTarget::LoadBalancer { id: "two".into() }, evaluate_target_health: true }
    );
    assert_eq!(s.zone.load_balancers[0].region, "ap-southeast-1");
    runs(&s, "svc.json.example.com");
}

#[test]
fn states_v3_v4_and_show_json_import_the_same_way() {
    let v4 = import_terraform(&[fixture("state-v4.json")], &[]).unwrap().scenario;
    let show = import_terraform(&[fixture("show-state.json")], &[]).unwrap().scenario;
    assert_eq!(v4.zone, show.zone);
    assert_eq!(v4.zone.name, "example.net");
    assert_eq!(
        record(&v4, "web.example.net", "us-east-1").health_check.as_deref(),
        Some("8e6b1fd4-1111-2222-3333-444455556666")
    );
    assert_eq!(
        record(&v4, "geo.example.net", "default").routing,
        Routing::Geolocation { location: GeoLocationSpec::Default }
    );
    assert_eq!(record(&v4, "split.example.net", "blue").routing, Routing::Weighted { weight: 80 });
    let check = &v4.zone.health_checks[0];
    assert!(
        matches!(&check.kind, HealthCheckKind::Endpoint { target: CheckTarget::LoadBalancer(lb), protocol: CheckProtocol::Https, .. } if lb == "web-use1")
    );
    for service in ["web.example.net", "app.example.net", "geo.example.net", "split.example.net"] {
        runs(&v4, service);
    }
    let v3 = import_terraform(&[fixture("state-v3.json")], &[]).unwrap().scenario;
    assert_eq!(v3.zone.name, "old.example.org");
    assert_eq!(record(&v3, "www.old.example.org", "a").routing, Routing::Weighted { weight: 100 });
    assert!(
        matches!(&v3.zone.health_checks[0].kind, HealthCheckKind::Endpoint { search_string: Some(s), .. } if s == "OK")
    );
    runs(&v3, "www.old.example.org");
}

#[test]
fn a_plan_fills_what_is_known_after_apply_from_its_configuration() {
    let imp = import_terraform(&[fixture("plan.json")], &[]).unwrap();
    let s = &imp.scenario;
    assert_eq!(s.zone.name, "plan.example.com");
    assert_eq!(
        record(s, "api.plan.example.com", "primary").value,
        RecordValue::Alias { target: AliasTarget::LoadBalancer { id: "api".into() }, evaluate_target_health: true }
    );
    assert_eq!(s.zone.load_balancers[0].region, "eu-west-1", "the provider's region from the configuration");
    let mut f = s.clone();
    for host in ["api-a", "api-b"] {
        f.faults.push(FaultSpec { at_ms: 60_000, action: FaultAction::StopHost { host: host.into() } });
    }
    let obs = runs(&f, "api.plan.example.com");
    assert_eq!(obs.last().unwrap().answer, "192.0.2.99", "failed over to the secondary: {:?}", obs.last());
}

#[test]
fn designs_export_as_terraform_that_imports_back_to_the_same_records() {
    for name in ["latency-failover-alb", "latency-weighted-checks-nlb", "geo-failover-alb", "latency-layer-pitfall-nlb"]
    {
        let original = routewave::design::presets::preset(name).unwrap();
        let (tf, notes) = export_terraform(&original, Some("Z0000000EXAMPLE"));
        assert!(notes.iter().any(|n| n.contains("subnets")), "{notes:?}");
        for needle in ["resource \"aws_route53_record\"", "alias {", "variable \"zone_id\""] {
            assert!(tf.contains(needle), "{name}: {needle}");
        }
        let back = import_terraform(&[TfFile { name: "main.tf".into(), text: tf.clone() }], &[])
            .unwrap_or_else(|e| panic!("{name}: {e}\n{tf}"))
            .scenario;
        assert_eq!(back.zone.records, original.zone.records, "{name}");
        let ids = |s: &Scenario| s.zone.health_checks.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&back), ids(&original), "{name}");
        Sim::new(&back).unwrap();
    }
    // An imported zone with AWS-managed endpoints exports them as literal aliases with their zone ids.
    let every =
        routewave::formats::aws::import_record_sets(include_str!("../fixtures/aws/zone-every-target.json"), None)
            .unwrap()
            .scenario;
    let (tf, _) = export_terraform(&every, None);
    assert!(tf.contains("name                   = \"d111111abcdef8.cloudfront.net\"\n    zone_id                = \"Z2FDTNDATAQYW2\""), "{tf}");
    let back = import_terraform(&[TfFile { name: "main.tf".into(), text: tf }], &[]).unwrap().scenario;
    assert_eq!(back.zone.records.len(), every.zone.records.len());
    Sim::new(&back).unwrap();
}

#[test]
fn broken_terraform_is_refused_with_file_line_and_reason() {
    let bad =
        TfFile { name: "broken.tf".into(), text: "resource \"aws_route53_record\" \"x\" {\n  name = \n}\n".into() };
    let e = import_terraform(&[bad], &[]).unwrap_err();
    assert!(
        e.message.starts_with("broken.tf: line 2, column") || e.message.starts_with("broken.tf: line 3, column"),
        "{e}"
    );
    let weight = TfFile {
        name: "main.tf".into(),
        text: r#"resource "aws_route53_record" "w" {
  zone_id = "Z1"
  name = "w.example.com"
  type = "A"
  ttl = 60
  records = ["192.0.2.1"]
  set_identifier = "one"
  weighted_routing_policy {
    weight = 300
  }
}"#
        .into(),
    };
    let e = import_terraform(&[weight], &[]).unwrap_err();
    assert_eq!(e.message, "main.tf: aws_route53_record.w (w.example.com A [one]): 300: weights are 0 to 255");
    let none = TfFile { name: "empty.tf".into(), text: "variable \"x\" {}\n".into() };
    assert!(import_terraform(&[none], &[]).unwrap_err().message.contains("no Terraform resources"));
    // Defined elsewhere: a data source's load balancer is modelled, a module's output is noted.
    let elsewhere = TfFile {
        name: "main.tf".into(),
        text: r#"data "aws_route53_zone" "main" { name = "data.example.com." }
data "aws_lb" "shared" { name = "shared-alb" }
resource "aws_route53_record" "a" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = "a"
  type    = "A"
  alias {
    name                   = data.aws_lb.shared.dns_name
    zone_id                = data.aws_lb.shared.zone_id
    evaluate_target_health = true
  }
}
resource "aws_route53_record" "b" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = "b"
  type    = "CNAME"
  ttl     = 300
  records = [module.cdn.domain_name]
}
module "cdn" { source = "./cdn" }
"#
        .into(),
    };
    let imp = import_terraform(&[elsewhere], &[]).unwrap();
    let notes = imp.notes.join("\n");
    assert_eq!(imp.scenario.zone.name, "data.example.com");
    assert_eq!(imp.scenario.zone.records.len(), 1, "{notes}");
    assert!(notes.contains("data.aws_lb.shared: a data source (defined elsewhere)"), "{notes}");
    assert!(
        notes.contains("aws_route53_record.b: records: the output of module cdn (modules are not read)"),
        "{notes}"
    );
    Sim::new(&imp.scenario).unwrap();
    // References fanning out between resources stop at a bound, with a message.
    let mut fan = String::from("resource \"aws_lb\" \"r0\" { name = \"x\" }\n");
    for i in 1..40 {
        fan.push_str(&format!(
            "resource \"aws_lb\" \"r{i}\" {{ name = \"${{aws_lb.r{p}.name}}${{aws_lb.r{p}.name}}\" }}\n",
            p = i - 1
        ));
    }
    let e = import_terraform(&[TfFile { name: "fan.tf".into(), text: fan }], &[]).unwrap_err();
    assert!(e.message.contains("too many steps to evaluate"), "{e}");
    let wrong = TfFile { name: "zone.json".into(), text: "{\"ResourceRecordSets\": []}".into() };
    assert!(import_terraform(&[wrong], &[]).unwrap_err().message.contains("not Terraform"));
}

#[test]
fn cut_and_damaged_inputs_are_refused_without_panicking() {
    let texts: Vec<(String, String)> =
        ["module/main.tf", "legacy-0.11/main.tf", "module.tf.json", "plan.json", "state-v3.json", "state-v4.json"]
            .iter()
            .map(|f| (f.rsplit('/').next().unwrap().to_string(), fixture(f).text))
            .collect();
    for (name, text) in &texts {
        let step = (text.len() / 60).max(1);
        for cut in (0..text.len()).step_by(step).filter(|&c| text.is_char_boundary(c)) {
            for damaged in [text[..cut].to_string(), format!("{}{}", &text[..cut], &text[(cut + 7).min(text.len())..])]
            {
                if !damaged.is_char_boundary(damaged.len()) {
                    continue;
                }
                if let Ok(imp) = import_terraform(&[TfFile { name: name.clone(), text: damaged }], &[]) {
                    Sim::new(&imp.scenario).unwrap_or_else(|e| panic!("{name} cut at {cut}: {e}"));
                }
            }
        }
    }
}

/// A reference through a nested attribute (`aws_vpc_endpoint.x.dns_entry[0].dns_name`,
/// the documented way to alias a VPC interface endpoint) resolves to the resource
/// it starts with — the longest address prefix that names one — in `.tf` files,
/// states and plans alike.
#[test]
fn references_through_nested_attributes_resolve_to_their_resource() {
    let tf = r#"
resource "aws_route53_zone" "main" { name = "example.com" }
resource "aws_vpc_endpoint" "api" {
  vpc_id            = "vpc-1"
  service_name      = "com.amazonaws.vpce.eu-west-1.vpce-svc-0abc"
  vpc_endpoint_type = "Interface"
}
resource "aws_route53_record" "api" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "api"
  type    = "A"
  alias {
    name                   = aws_vpc_endpoint.api.dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.api.dns_entry[0].hosted_zone_id
    evaluate_target_health = true
  }
}
"#;
    let endpoint = |s: &Scenario| -> LoadBalancerSpec {
        let r = s.zone.records.iter().find(|r| r.name == "api.example.com").expect("the alias record is kept");
        let RecordValue::Alias { target: AliasTarget::LoadBalancer { id }, .. } = &r.value else { panic!("{r:?}") };
        s.zone.load_balancers.iter().find(|l| l.id == *id).unwrap().clone()
    };
    let imp = import_terraform(&[TfFile { name: "main.tf".into(), text: tf.into() }], &[]).unwrap();
    let notes = imp.notes.join("\n");
    assert!(!notes.contains("defined elsewhere"), "{notes}");
    assert!(endpoint(&imp.scenario).dns_name.ends_with(".vpce.amazonaws.com"), "{notes}");
    runs(&imp.scenario, "api.example.com");
    // A plan's configuration names the reference through the nested attribute.
    let plan = serde_json::json!({"format_version": "1.2", "terraform_version": "1.5.7",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_route53_zone.main", "mode": "managed", "type": "aws_route53_zone", "name": "main",
             "values": {"name": "example.com"}},
            {"address": "aws_vpc_endpoint.api", "mode": "managed", "type": "aws_vpc_endpoint", "name": "api",
             "values": {"vpc_id": "vpc-1", "vpc_endpoint_type": "Interface"}},
            {"address": "aws_route53_record.api", "mode": "managed", "type": "aws_route53_record", "name": "api",
             "values": {"name": "api.example.com", "type": "A", "alias": [{"evaluate_target_health": true}]}}]}},
        "configuration": {"root_module": {"resources": [
            {"address": "aws_route53_record.api", "mode": "managed", "type": "aws_route53_record", "name": "api",
             "expressions": {"alias": [{"name": {"references": [
                "aws_vpc_endpoint.api.dns_entry[0].dns_name", "aws_vpc_endpoint.api.dns_entry[0]",
                "aws_vpc_endpoint.api.dns_entry", "aws_vpc_endpoint.api"]}}]}}]}}});
    let imp = import_terraform(&[TfFile { name: "plan.json".into(), text: plan.to_string() }], &[]).unwrap();
    let notes = imp.notes.join("\n");
    assert!(!notes.contains("defined elsewhere"), "{notes}");
    assert!(endpoint(&imp.scenario).dns_name.ends_with(".vpce.amazonaws.com"), "{notes}");
    runs(&imp.scenario, "api.example.com");
    // An endpoint that already exists has its DNS entries in the plan: the first
    // one's name is the target.
    let vpce = "vpce-0a1b2c3d-4e5f6a7b.vpce-svc-0abc.eu-west-1.vpce.amazonaws.com";
    let mut known = plan.clone();
    known["planned_values"]["root_module"]["resources"][1]["values"]["dns_entry"] =
        serde_json::json!([{"dns_name": vpce, "hosted_zone_id": "Z7HUB22UULQXV"}]);
    let imp = import_terraform(&[TfFile { name: "plan.json".into(), text: known.to_string() }], &[]).unwrap();
    assert_eq!(endpoint(&imp.scenario).dns_name, vpce);
    runs(&imp.scenario, "api.example.com");
}
