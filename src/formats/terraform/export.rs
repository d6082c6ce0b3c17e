//! A design as Terraform: `aws_route53_record` resources (routing policy blocks,
//! aliases, values), `aws_route53_health_check` resources, and an `aws_lb` with a
//! provider per region for each load balancer an alias points at (AWS-managed
//! endpoints are written as literal alias targets with their documented zone ids).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::formats::aws::targets;
use crate::spec::scenario::Scenario;
use crate::spec::zone::*;

/// A Terraform identifier from any text.
fn ident(s: &str) -> String {
    let mut out: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// A provider alias for a region (`us_east_1`).
fn alias(region: &str) -> String {
    ident(region).replace('-', "_")
}

/// A quoted HCL string (with `${` and `%{` escaped).
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out.replace("${", "$${").replace("%{", "%%{")
}

/// The design of `s` as a `.tf` file, with notes about what must be filled in.
pub fn export_terraform(s: &Scenario, zone_id: Option<&str>) -> (String, Vec<String>) {
    let z = &s.zone;
    let mut tf = Tf {
        z,
        out: String::new(),
        notes: Vec::new(),
        lb_names: BTreeMap::new(),
        check_names: z.health_checks.iter().map(|c| (c.id.as_str(), ident(&c.id))).collect(),
    };
    tf.zone_variable(&s.title, zone_id);
    tf.load_balancers();
    for c in &z.health_checks {
        tf.health_check(c);
    }
    let mut used = BTreeMap::new();
    for (i, r) in z.records.iter().enumerate() {
        let base = ident(&format!(
            "{}_{}{}",
            r.name.strip_suffix(&format!(".{}", z.name)).unwrap_or(if r.name == z.name { "apex" } else { &r.name }),
            r.rtype.as_str(),
            r.set_id.as_deref().map(|s| format!("_{s}")).unwrap_or_default()
        ));
        let n = used.entry(base.clone()).or_insert(0);
        *n += 1;
        let name = if *n == 1 { base } else { format!("{base}_{n}") };
        tf.record(i, r, &name);
    }
    (tf.out.trim_end().to_string() + "\n", tf.notes)
}

/// A `.tf` file being written: the zone it comes from, the text so far, the notes
/// about what must be filled in, and the Terraform names given so far.
struct Tf<'z> {
    z: &'z ZoneSpec,
    out: String,
    notes: Vec<String>,
    /// The exported `aws_lb` resources' names, by load balancer id.
    lb_names: BTreeMap<&'z str, String>,
    /// The `aws_route53_health_check` resources' names, by check id.
    check_names: BTreeMap<&'z str, String>,
}

impl<'z> Tf<'z> {
    /// The file's header and the `zone_id` variable (its default when given).
    fn zone_variable(&mut self, title: &str, zone_id: Option<&str>) {
        let z = self.z;
        let _ = writeln!(self.out, "# {} — exported by Routewave.", title.replace('\n', " "));
        let _ = writeln!(
            self.out,
            "# Load-balancer targets and listeners are not exported: register your instances in target groups.\n"
        );
        let _ = writeln!(
            self.out,
            "variable \"zone_id\" {{\n  description = \"The hosted zone of {}\"\n  type        = string",
            z.name
        );
        match zone_id {
            Some(id) => {
                let _ = writeln!(self.out, "  default     = {}", q(id));
            }
            None => self
                .notes
                .push("set var.zone_id to your hosted zone's id (or point zone_id at your aws_route53_zone)".into()),
        }
        self.out.push_str("}\n\n");
    }

    /// Load balancers that are real ELBs (not AWS-managed endpoint stand-ins), with a
    /// provider per region.
    fn load_balancers(&mut self) {
        let z = self.z;
        let elb = |l: &LoadBalancerSpec| {
            targets::recognise(&l.dns_name, "")
                .is_none_or(|r| r.service.is_elb() || r.service == targets::Service::Unknown)
                && !targets::recognise(&l.dns_name, "")
                    .is_some_and(|r| r.service == targets::Service::Unknown && l.id.starts_with("aws-"))
        };
        let mut regions: Vec<&str> = z.load_balancers.iter().filter(|l| elb(l)).map(|l| l.region.as_str()).collect();
        regions.sort_unstable();
        regions.dedup();
        for r in &regions {
            let _ = writeln!(self.out, "provider \"aws\" {{\n  alias  = {}\n  region = {}\n}}\n", q(&alias(r)), q(r));
        }
        for l in z.load_balancers.iter().filter(|l| elb(l)) {
            let name = ident(&l.id);
            let _ = writeln!(self.out, "resource \"aws_lb\" {} {{", q(&name));
            let _ = writeln!(self.out, "  provider           = aws.{}", alias(&l.region));
            let _ = writeln!(self.out, "  name               = {}", q(&l.id.chars().take(32).collect::<String>()));
            let _ = writeln!(
                self.out,
                "  load_balancer_type = {}",
                q(if l.kind == LbKind::Nlb { "network" } else { "application" })
            );
            let _ = writeln!(
                self.out,
                "  subnets            = [] # fill in: subnets in {}",
                l.target_groups
                    .iter()
                    .flat_map(|t| &t.targets)
                    .map(|h| h.az.as_str())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            self.out.push_str("}\n\n");
            self.lb_names.insert(l.id.as_str(), name);
        }
        if !self.lb_names.is_empty() {
            self.notes.push("fill in each aws_lb's subnets (and its listeners and target groups)".into());
        }
    }

    /// One `aws_route53_health_check`.
    fn health_check(&mut self, c: &HealthCheckSpec) {
        let _ = writeln!(self.out, "resource \"aws_route53_health_check\" {} {{", q(&self.check_names[c.id.as_str()]));
        match &c.kind {
            HealthCheckKind::Endpoint { .. } => self.endpoint_check(c),
            HealthCheckKind::Calculated { children, rule } => {
                let _ = writeln!(self.out, "  type                   = \"CALCULATED\"");
                let kids: Vec<String> = children
                    .iter()
                    .map(|k| {
                        self.check_names
                            .get(k.as_str())
                            .map_or_else(|| q(k), |n| format!("aws_route53_health_check.{n}.id"))
                    })
                    .collect();
                let _ = writeln!(self.out, "  child_healthchecks     = [{}]", kids.join(", "));
                let threshold = match rule {
                    CalculatedRule::And => children.len() as u32,
                    CalculatedRule::Or => 1,
                    CalculatedRule::AtLeast(n) => *n,
                };
                let _ = writeln!(self.out, "  child_health_threshold = {threshold}");
            }
            HealthCheckKind::Manual { .. } => {
                self.notes.push(format!(
                    "health check {}: a manual check stands for a CloudWatch alarm or a routing control; fill in the alarm (or change it to RECOVERY_CONTROL)",
                    c.id
                ));
                let _ = writeln!(self.out, "  type                            = \"CLOUDWATCH_METRIC\"");
                let _ = writeln!(self.out, "  cloudwatch_alarm_name           = \"\" # fill in");
                let _ = writeln!(self.out, "  cloudwatch_alarm_region         = \"us-east-1\"");
                let _ = writeln!(self.out, "  insufficient_data_health_status = \"LastKnownStatus\"");
            }
        }
        if c.inverted {
            let _ = writeln!(self.out, "  invert_healthcheck = true");
        }
        if c.disabled {
            let _ = writeln!(self.out, "  disabled = true");
        }
        self.out.push_str("}\n\n");
    }

    /// The arguments of an endpoint check: type, target, port, path, search string,
    /// interval, threshold and regions.
    fn endpoint_check(&mut self, c: &HealthCheckSpec) {
        let z = self.z;
        let HealthCheckKind::Endpoint { target, protocol, interval_s, failure_threshold, regions, search_string } =
            &c.kind
        else {
            return;
        };
        let typ = match (protocol, search_string.is_some()) {
            (CheckProtocol::Http, false) => "HTTP",
            (CheckProtocol::Http, true) => "HTTP_STR_MATCH",
            (CheckProtocol::Https, false) => "HTTPS",
            (CheckProtocol::Https, true) => "HTTPS_STR_MATCH",
            (CheckProtocol::Tcp, _) => "TCP",
        };
        let _ = writeln!(self.out, "  type              = {}", q(typ));
        match target {
            CheckTarget::LoadBalancer(id) => {
                match (self.lb_names.get(id.as_str()), z.load_balancers.iter().find(|l| l.id == *id)) {
                    (Some(n), _) => {
                        let _ = writeln!(self.out, "  fqdn              = aws_lb.{n}.dns_name");
                    }
                    (None, Some(l)) => {
                        let _ = writeln!(self.out, "  fqdn              = {}", q(&l.dns_name));
                    }
                    _ => {}
                }
            }
            CheckTarget::Host(h) => match z.hosts.iter().find(|x| x.id == *h).and_then(|x| x.ip.clone()) {
                Some(ip) => {
                    let _ = writeln!(self.out, "  ip_address        = {}", q(&ip));
                }
                None => {
                    self.notes
                        .push(format!("health check {}: host {h} has no address; fill in ip_address or fqdn", c.id));
                    let _ = writeln!(self.out, "  ip_address        = \"\" # fill in: the address of {h}");
                }
            },
        }
        let port = match protocol {
            CheckProtocol::Https => 443,
            _ => 80,
        };
        let _ = writeln!(self.out, "  port              = {port}");
        if *protocol != CheckProtocol::Tcp {
            let _ = writeln!(self.out, "  resource_path     = \"/\"");
        }
        if let Some(ss) = search_string {
            let _ = writeln!(self.out, "  search_string     = {}", q(ss));
        }
        let _ = writeln!(self.out, "  request_interval  = {interval_s}");
        let _ = writeln!(self.out, "  failure_threshold = {failure_threshold}");
        if regions.len() < CHECKER_REGIONS.len() {
            let list: Vec<String> = regions.iter().map(|r| q(r)).collect();
            let _ = writeln!(self.out, "  regions           = [{}]", list.join(", "));
        }
    }

    /// One `aws_route53_record` named `name`: its routing policy block, values or
    /// alias, and health check.
    fn record(&mut self, i: usize, r: &RecordSpec, name: &str) {
        let _ = writeln!(self.out, "resource \"aws_route53_record\" {} {{", q(name));
        let _ = writeln!(self.out, "  zone_id = var.zone_id");
        let _ = writeln!(self.out, "  name    = {}", q(&r.name));
        let _ = writeln!(self.out, "  type    = {}", q(r.rtype.as_str()));
        if let Some(id) = &r.set_id {
            let _ = writeln!(self.out, "  set_identifier = {}", q(id));
        }
        self.routing_policy(&r.routing);
        self.record_value(i, r);
        if let Some(h) = &r.health_check {
            let _ = writeln!(
                self.out,
                "  health_check_id = aws_route53_health_check.{}.id",
                self.check_names.get(h.as_str()).cloned().unwrap_or_else(|| ident(h))
            );
        }
        self.out.push_str("}\n\n");
    }

    /// A record's routing policy block (none for simple routing).
    fn routing_policy(&mut self, routing: &Routing) {
        match routing {
            Routing::Simple => {}
            Routing::Weighted { weight } => {
                let _ = writeln!(self.out, "\n  weighted_routing_policy {{\n    weight = {weight}\n  }}");
            }
            Routing::Latency { region } => {
                let _ = writeln!(self.out, "\n  latency_routing_policy {{\n    region = {}\n  }}", q(region));
            }
            Routing::Failover { role } => {
                let t = if *role == FailoverRole::Primary { "PRIMARY" } else { "SECONDARY" };
                let _ = writeln!(self.out, "\n  failover_routing_policy {{\n    type = \"{t}\"\n  }}");
            }
            Routing::Geolocation { location } => {
                let body = match location {
                    GeoLocationSpec::Default => "country = \"*\"".to_string(),
                    GeoLocationSpec::Continent(c) => format!("continent = {}", q(c)),
                    GeoLocationSpec::Country(c) => format!("country = {}", q(c)),
                    GeoLocationSpec::Subdivision { country, code } => {
                        format!("country     = {}\n    subdivision = {}", q(country), q(code))
                    }
                };
                let _ = writeln!(self.out, "\n  geolocation_routing_policy {{\n    {body}\n  }}");
            }
            Routing::Geoproximity { location, bias } => {
                let at = match location {
                    GeoproximityLocation::Region(r) => format!("aws_region = {}", q(r)),
                    GeoproximityLocation::Coordinates { lat, lon } => {
                        format!(
                            "coordinates {{\n      latitude  = \"{lat:.2}\"\n      longitude = \"{lon:.2}\"\n    }}"
                        )
                    }
                };
                let _ = writeln!(self.out, "\n  geoproximity_routing_policy {{\n    {at}\n    bias = {bias}\n  }}");
            }
            Routing::Multivalue => {
                let _ = writeln!(self.out, "  multivalue_answer_routing_policy = true");
            }
            Routing::IpBased { collection, location } => {
                let _ = writeln!(
                    self.out,
                    "\n  cidr_routing_policy {{\n    collection_id = {}\n    location_name = {}\n  }}",
                    q(collection),
                    q(location)
                );
            }
        }
    }

    /// A record's TTL and values, or its alias block.
    fn record_value(&mut self, i: usize, r: &RecordSpec) {
        let z = self.z;
        match &r.value {
            RecordValue::Values(values) => {
                let _ = writeln!(self.out, "  ttl     = {}", r.ttl_s.unwrap_or(300));
                let list: Vec<String> = values
                    .iter()
                    .map(|v| match v.strip_prefix("host:") {
                        Some(h) => match z.hosts.iter().find(|x| x.id == h).and_then(|x| x.ip.clone()) {
                            Some(ip) => q(&ip),
                            None => {
                                self.notes.push(format!("records[{i}]: host {h} has no address; fill it in"));
                                q(&format!("<address of {h}>"))
                            }
                        },
                        None => q(v),
                    })
                    .collect();
                let _ = writeln!(self.out, "  records = [{}]", list.join(", "));
            }
            RecordValue::Alias { target, evaluate_target_health } => {
                let (name, zone) = match target {
                    AliasTarget::Record { name } => (q(name), "var.zone_id".to_string()),
                    AliasTarget::LoadBalancer { id } => {
                        match (self.lb_names.get(id.as_str()), z.load_balancers.iter().find(|l| l.id == *id)) {
                            (Some(n), _) => (format!("aws_lb.{n}.dns_name"), format!("aws_lb.{n}.zone_id")),
                            (None, Some(l)) => {
                                let r = targets::recognise(&l.dns_name, "");
                                let zid = r.and_then(|r| {
                                    targets::hosted_zone_id(r.service, r.region.as_deref().unwrap_or(&l.region))
                                });
                                let zid = zid.map(q).unwrap_or_else(|| {
                                    self.notes.push(format!(
                                        "records[{i}]: fill in the alias hosted zone id of {}",
                                        l.dns_name
                                    ));
                                    "\"\" # fill in".to_string()
                                });
                                (q(&l.dns_name), zid)
                            }
                            _ => (q(id), "\"\"".into()),
                        }
                    }
                };
                let _ = writeln!(
                    self.out,
                    "\n  alias {{\n    name                   = {name}\n    zone_id                = {zone}\n    evaluate_target_health = {evaluate_target_health}\n  }}"
                );
            }
        }
    }
}
