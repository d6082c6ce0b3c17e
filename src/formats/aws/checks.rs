//! Health checks: `list-health-checks` / `get-health-check` output (or a bare array
//! from `--query`) into health-check specs.
//!
//! Endpoint checks (HTTP, HTTPS, the `_STR_MATCH` variants, TCP) probe the modelled
//! load balancer with the checked name, else a stand-alone host (noted); calculated
//! checks keep their children and threshold; CloudWatch-metric and recovery-control
//! checks become manual checks (set healthy or unhealthy in the fault script),
//! because neither an alarm's metric nor a routing control is simulated.

use super::records::ZoneBuilder;
use super::types::{GetHealthCheck, HealthCheck, ListHealthChecks};
use super::{dns_name, parse_json, parse_typed};
use crate::spec::zone::*;

/// The checks of a document in any of its shapes, with the path prefix of each.
pub(crate) fn health_checks(text: &str) -> Result<(Vec<HealthCheck>, &'static str), String> {
    let v = parse_json(text)?;
    match &v {
        serde_json::Value::Array(_) => Ok((parse_typed(text, "an array of health checks")?, "")),
        serde_json::Value::Object(o) if o.contains_key("HealthChecks") => {
            Ok((parse_typed::<ListHealthChecks>(text, "list-health-checks output")?.health_checks, "HealthChecks"))
        }
        serde_json::Value::Object(o) if o.contains_key("HealthCheck") => {
            Ok((vec![parse_typed::<GetHealthCheck>(text, "get-health-check output")?.health_check], "HealthCheck"))
        }
        serde_json::Value::Object(o) if o.contains_key("HealthCheckConfig") => {
            Ok((vec![parse_typed::<HealthCheck>(text, "a health check")?], "HealthCheck"))
        }
        _ => Err("no \"HealthChecks\" array or \"HealthCheck\" object (is this list-health-checks output?)".into()),
    }
}

/// One check as a spec, or `None` (noted) for a type the simulator does not know.
pub(crate) fn convert(b: &mut ZoneBuilder, at: &str, hc: &HealthCheck) -> Option<HealthCheckSpec> {
    let cfg = &hc.health_check_config;
    for k in cfg.other.keys().chain(hc.other.keys().filter(|k| !KNOWN_TOP.contains(&k.as_str()))) {
        b.notes.push(format!("{at}: field {k} is not supported; ignored"));
    }
    let typ = cfg.ctype.as_str();
    let kind = match typ {
        "HTTP" | "HTTPS" | "TCP" | "HTTP_STR_MATCH" | "HTTPS_STR_MATCH" => {
            let protocol = match typ {
                "TCP" => CheckProtocol::Tcp,
                "HTTPS" | "HTTPS_STR_MATCH" => CheckProtocol::Https,
                _ => CheckProtocol::Http,
            };
            let fqdn = cfg.fully_qualified_domain_name.as_deref().map(dns_name).filter(|f| !f.is_empty());
            let ip = cfg.ip_address.as_deref();
            let target = endpoint_target(b, at, fqdn.as_deref(), ip);
            let search_string = if typ.ends_with("_STR_MATCH") {
                if cfg.search_string.is_none() {
                    b.notes.push(format!("{at}: a {typ} check without a SearchString matches any body"));
                }
                cfg.search_string.clone()
            } else {
                None
            };
            HealthCheckKind::Endpoint {
                target,
                protocol,
                interval_s: cfg.request_interval.map_or(30, |v| u32::try_from(v).unwrap_or(u32::MAX)),
                failure_threshold: cfg.failure_threshold.map_or(3, |v| u32::try_from(v).unwrap_or(u32::MAX)),
                regions: cfg.regions.clone().filter(|r| !r.is_empty()).unwrap_or_else(all_checker_regions),
                search_string,
            }
        }
        "CALCULATED" => HealthCheckKind::Calculated {
            children: cfg.child_health_checks.clone().unwrap_or_default(),
            rule: CalculatedRule::AtLeast(cfg.health_threshold.map_or(1, |v| u32::try_from(v).unwrap_or(u32::MAX))),
        },
        "CLOUDWATCH_METRIC" => {
            let alarm = cfg
                .alarm_identifier
                .as_ref()
                .map(|a| format!(" (alarm {} in {})", a.name, a.region))
                .unwrap_or_default();
            b.notes.push(format!(
                "{at}: CLOUDWATCH_METRIC check{alarm} modelled as a manual check (set it healthy or unhealthy by hand); starts healthy"
            ));
            HealthCheckKind::Manual { healthy: true }
        }
        "RECOVERY_CONTROL" => {
            let arn = cfg.routing_control_arn.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
            b.notes.push(format!(
                "{at}: RECOVERY_CONTROL check{arn} modelled as a manual check: the routing control's state is set by hand (set_manual); starts on"
            ));
            HealthCheckKind::Manual { healthy: true }
        }
        other => {
            b.notes.push(format!("{at}: check type {other} is not simulated; skipped"));
            return None;
        }
    };
    Some(HealthCheckSpec {
        id: hc.id.clone(),
        kind,
        inverted: cfg.inverted.unwrap_or(false),
        disabled: cfg.disabled.unwrap_or(false),
    })
}

const KNOWN_TOP: &[&str] = &["CallerReference", "HealthCheckVersion", "LinkedService"];

/// What an endpoint check probes: the load balancer answering its name (a name
/// recognised as an AWS endpoint adds one), else a stand-alone host.
pub(crate) fn endpoint_target(b: &mut ZoneBuilder, at: &str, fqdn: Option<&str>, ip: Option<&str>) -> CheckTarget {
    let bare = |d: &str| d.strip_prefix("dualstack.").unwrap_or(d).to_string();
    if let Some(f) = fqdn {
        if let Some(lb) = b.spec.load_balancers.iter().find(|l| bare(&l.dns_name) == bare(f)) {
            return CheckTarget::LoadBalancer(lb.id.clone());
        }
        if super::targets::recognise(f, "").is_some_and(|r| r.service != super::targets::Service::Unknown)
            && let Some((id, _)) = b.endpoint(at, f, "")
        {
            return CheckTarget::LoadBalancer(id);
        }
    }
    let shown = fqdn.map(str::to_string).or(ip.map(str::to_string)).unwrap_or_else(|| "(no address)".into());
    CheckTarget::Host(b.checked_host(at, &shown, ip))
}
