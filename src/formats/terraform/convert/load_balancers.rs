//! Terraform load balancers into the zone's load balancers: which resources are
//! ALBs or NLBs, and each one's region, DNS name, zones and target checks — from
//! its arguments where set, else assumed and noted.

use super::{Ctx, Reader, first_block};
use crate::formats::aws::dns_name;
use crate::formats::aws::records::ZoneBuilder;
use crate::formats::terraform::Resource;
use crate::formats::terraform::value::V;
use crate::spec::zone::*;

/// The kind of load balancer `r` is, if it is one the simulator models.
fn lb_kind(r: &Resource) -> Option<LbKind> {
    match r.rtype.as_str() {
        "aws_elb" | "aws_alb" | "data.aws_elb" | "data.aws_alb" => Some(LbKind::Alb),
        "aws_lb" | "data.aws_lb" => match r.attrs.get("load_balancer_type").and_then(V::as_text).as_deref() {
            Some("network") => Some(LbKind::Nlb),
            Some("gateway") => None,
            _ => Some(LbKind::Alb),
        },
        _ => None,
    }
}

impl Ctx {
    /// `r` as a load balancer when it is one (an `aws_lb`, `aws_alb` or `aws_elb`,
    /// resource or data source): its region, DNS name, zones and target checks, with
    /// a note for each assumption.
    pub(super) fn load_balancer(&mut self, b: &mut ZoneBuilder, r: &Resource) {
        let Some(kind) = lb_kind(r) else {
            if matches!(r.rtype.as_str(), "aws_lb" | "data.aws_lb") {
                self.notes
                    .push(format!("{}: {}: a gateway load balancer is not simulated; skipped", r.file, r.address));
            }
            return;
        };
        let at = format!("{}: {}", r.file, r.address);
        let mut rd = Reader { at: at.clone(), attrs: &r.attrs, notes: &mut self.notes };
        let name = rd.text("name");
        let dns = match r.attrs.get("dns_name") {
            Some(V::Str(d)) if !d.is_empty() => Some(dns_name(d)),
            _ => None,
        };
        let from_dns = dns.as_deref().and_then(crate::formats::aws::elb_from_dns);
        let arn_region = r.attrs.get("arn").and_then(V::as_text).and_then(|a| a.split(':').nth(3).map(str::to_string));
        let region = from_dns.as_ref().map(|d| d.0.clone()).or(arn_region).or(r.region.clone()).unwrap_or_else(|| {
            rd.notes.push(format!("{at}: no region (no provider region, ARN or DNS name); us-east-1 assumed"));
            "us-east-1".into()
        });
        let region = b.region(&region, &at);
        let base = format!("{}{}", r.name, r.key.as_deref().map(|k| format!("-{k}")).unwrap_or_default());
        let id = b.unique_id(&base);
        let lb_name = name.clone().unwrap_or_else(|| id.clone());
        let dns = dns.unwrap_or_else(|| {
            let d = match kind {
                LbKind::Alb => format!("{lb_name}-1.{region}.elb.amazonaws.com"),
                LbKind::Nlb => format!("{lb_name}-1.elb.{region}.amazonaws.com"),
            }
            .to_ascii_lowercase();
            if r.rtype.starts_with("data.") {
                self.notes.push(format!(
                    "{at}: a data source (defined elsewhere): its DNS name is not in the import; {d} stands for it"
                ));
            } else {
                self.notes.push(format!("{at}: its DNS name is known only after apply; {d} stands for it"));
            }
            d
        });
        // A classic load balancer lists its zones; the others name subnets.
        let azs: Vec<String> = match r.attrs.get("availability_zones") {
            Some(V::List(l)) if !l.is_empty() => {
                l.iter().filter_map(V::as_text).filter(|z| z.starts_with(&region)).collect()
            }
            _ => vec![],
        };
        let azs = if azs.is_empty() {
            self.notes.push(format!(
                "{at}: targets modelled as one target group of two hosts in {region}a and {region}b (assumed)"
            ));
            vec![format!("{region}a"), format!("{region}b")]
        } else {
            azs
        };
        let health = first_block(&r.attrs, "health_check").and_then(|h| {
            let n = |k: &str| h.get(k).and_then(V::as_num).map(|x| x as u32);
            Some(LbHealthSettings {
                interval_s: n("interval")?,
                timeout_s: n("timeout")?,
                healthy_threshold: n("healthy_threshold")?,
                unhealthy_threshold: n("unhealthy_threshold")?,
            })
        });
        let targets = azs
            .iter()
            .map(|az| HostSpec { id: format!("{id}-{}", az.trim_start_matches(&region)), az: az.clone(), ip: None })
            .collect();
        self.lbs.insert(r.address.clone(), (id.clone(), dns.clone()));
        b.add_lb(
            &at,
            LoadBalancerSpec {
                id,
                kind,
                region,
                dns_name: dns,
                target_groups: vec![TargetGroupSpec { id: "tg".into(), targets }],
                health,
            },
        );
    }
}
