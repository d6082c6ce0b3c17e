//! Terraform records into AWS record sets, for the zone builder: the name and type,
//! the TTL, each routing policy block, the health check, and the alias target or
//! the values — a value known only after apply stands in as a documentation
//! address (noted) or is skipped.

use std::collections::BTreeMap;

use super::{Ctx, Reader, check_ref, first_block, split_ref};
use crate::formats::aws::types::{
    AliasTarget, CidrRoutingConfig, Coordinates, GeoLocation, GeoProximityLocation, NumText, ResourceRecord,
    ResourceRecordSet,
};
use crate::formats::terraform::Resource;
use crate::formats::terraform::value::V;

impl Ctx {
    /// The record set an `aws_route53_record` at `at` describes, or `None` (noted)
    /// when its name, alias target or every value is unknown; `placeholder` counts
    /// the stand-in addresses handed out so far.
    pub(super) fn record_set(&mut self, at: &str, r: &Resource, placeholder: &mut u32) -> Option<ResourceRecordSet> {
        let Some(name) = Reader { at: at.to_string(), attrs: &r.attrs, notes: &mut self.notes }.text("name") else {
            self.notes.push(format!("{at}: the record's name is not known; skipped"));
            return None;
        };
        let name = self.qualify(&name);
        let mut rd = Reader { at: at.to_string(), attrs: &r.attrs, notes: &mut self.notes };
        let rtype = rd.text("type").unwrap_or_else(|| "A".into()).to_ascii_uppercase();
        let mut s = ResourceRecordSet {
            name: name.clone(),
            rtype: rtype.clone(),
            set_identifier: rd.text("set_identifier").filter(|s| !s.is_empty()),
            ..Default::default()
        };
        let alias = first_block(&r.attrs, "alias");
        if alias.is_none() {
            s.ttl = Reader { at: at.to_string(), attrs: &r.attrs, notes: &mut self.notes }.num("ttl").map(|t| t as i64);
        }
        routing_policy(&r.attrs, &mut s);
        if let Some(h) =
            r.attrs.get("health_check_id").filter(|v| !matches!(v, V::Null) && *v != &V::Str(String::new()))
        {
            s.health_check_id = check_ref(&self.checks, h);
            if s.health_check_id.is_none() {
                self.notes.push(format!(
                    "{at}: health_check_id: {}; the record is modelled without it",
                    if h.why().is_empty() { "not a check in the import".into() } else { h.why() }
                ));
            }
        }
        if let Some(a) = alias {
            let name_v = a.get("name").cloned().unwrap_or(V::Null);
            let target = self.resolve_name(at, "alias.name", &name_v);
            let Some(target) = target else {
                self.notes.push(format!("{at}: the alias target is not known; the record is skipped"));
                return None;
            };
            // A same-zone alias written as a relative name.
            let target = if target.contains('.') { target } else { self.qualify(&target) };
            s.alias_target = Some(AliasTarget {
                hosted_zone_id: a.get("zone_id").and_then(V::as_text).unwrap_or_default(),
                dns_name: target,
                evaluate_target_health: a.get("evaluate_target_health").and_then(V::as_bool).unwrap_or(false),
            });
        } else {
            s.resource_records = Some(self.record_values(at, r, &rtype, placeholder)?);
        }
        Some(s)
    }

    /// A plain record's values: literals, CNAME targets resolved through their
    /// references, stand-in addresses for A / AAAA values known only after apply;
    /// `None` (noted) when none is left.
    fn record_values(
        &mut self,
        at: &str,
        r: &Resource,
        rtype: &str,
        placeholder: &mut u32,
    ) -> Option<Vec<ResourceRecord>> {
        let values = match r.attrs.get("records") {
            Some(V::List(l)) => l.clone(),
            Some(v @ (V::Unknown(_) | V::Ref(_))) => vec![v.clone()],
            _ => vec![],
        };
        let mut out = Vec::new();
        for v in values {
            let value = match (&v, rtype) {
                (V::Str(x), _) => Some(x.clone()),
                (V::Ref(_), "CNAME") => self.resolve_name(at, "records", &v),
                (p, "A" | "AAAA") => {
                    *placeholder += 1;
                    let stand_in = if rtype == "A" {
                        format!("192.0.2.{}", 1 + (*placeholder - 1) % 254)
                    } else {
                        format!("2001:db8::{:x}", *placeholder)
                    };
                    self.notes.push(format!("{at}: records: {}; {stand_in} stands for it", p.why()));
                    Some(stand_in)
                }
                (p, _) => {
                    self.notes.push(format!("{at}: records: {}; that value is skipped", p.why()));
                    None
                }
            };
            out.extend(value.map(|value| ResourceRecord { value }));
        }
        if out.is_empty() {
            self.notes.push(format!("{at}: no value of the record could be resolved; the record is skipped"));
            return None;
        }
        Some(out)
    }
}

/// The routing policy blocks of a record (weighted, latency, failover,
/// geolocation, geoproximity, CIDR, multivalue) onto its record set.
fn routing_policy(attrs: &BTreeMap<String, V>, s: &mut ResourceRecordSet) {
    if let Some(w) = first_block(attrs, "weighted_routing_policy") {
        s.weight = Some(w.get("weight").and_then(V::as_num).unwrap_or(0.0) as i64);
    }
    if let Some(l) = first_block(attrs, "latency_routing_policy") {
        s.region = l.get("region").and_then(V::as_text);
    }
    if let Some(f) = first_block(attrs, "failover_routing_policy") {
        s.failover = f.get("type").and_then(V::as_text);
    }
    if let Some(g) = first_block(attrs, "geolocation_routing_policy") {
        let t = |k: &str| g.get(k).and_then(V::as_text).filter(|x| !x.is_empty());
        s.geo_location = Some(GeoLocation {
            continent_code: t("continent"),
            country_code: t("country"),
            subdivision_code: t("subdivision"),
        });
    }
    if let Some(g) = first_block(attrs, "geoproximity_routing_policy") {
        let t = |k: &str| g.get(k).and_then(V::as_text).filter(|x| !x.is_empty());
        let coords = first_block(&g, "coordinates").map(|c| Coordinates {
            latitude: NumText::Text(c.get("latitude").and_then(V::as_text).unwrap_or_default()),
            longitude: NumText::Text(c.get("longitude").and_then(V::as_text).unwrap_or_default()),
        });
        s.geo_proximity_location = Some(GeoProximityLocation {
            aws_region: t("aws_region"),
            local_zone_group: t("local_zone_group"),
            coordinates: coords,
            bias: g.get("bias").and_then(V::as_num).map(|b| b as i64),
        });
    }
    if let Some(c) = first_block(attrs, "cidr_routing_policy") {
        let collection = match c.get("collection_id") {
            Some(V::Ref(x)) => split_ref(x, |_| false).0.rsplit('.').next().unwrap_or("").to_string(),
            Some(v) => v.as_text().unwrap_or_default(),
            None => String::new(),
        };
        s.cidr_routing_config = Some(CidrRoutingConfig {
            collection_id: collection,
            location_name: c.get("location_name").and_then(V::as_text).unwrap_or_else(|| "*".into()),
        });
    }
    if attrs.get("multivalue_answer_routing_policy").and_then(V::as_bool) == Some(true) {
        s.multi_value_answer = Some(true);
    }
}
