//! Change batches (`ChangeResourceRecordSets`): export the design as a batch of
//! UPSERTs, and read a batch — the `--change-batch` document, the whole
//! `--cli-input-json` request, or a bare array of changes — into a new scenario or
//! onto an existing one, refusing what Route 53 would refuse (a CREATE of a record
//! set that exists, a DELETE of one that does not or whose values differ), or
//! scheduled as a timed change in an existing scenario's fault script.

use super::records::{ZoneBuilder, apex_of, choose_service, label, scenario_for};
use super::targets;
use super::types::{
    AliasTarget as AwsAlias, Change, ChangeBatch, ChangeResourceRecordSetsRequest, Coordinates, GeoLocation,
    GeoProximityLocation, NumText, ResourceRecord, ResourceRecordSet,
};
use super::{ImportError, Imported, Input, dns_name, parse_json, parse_typed};
use crate::base::time::SimTime;
use crate::route53::script::check_faults;
use crate::route53::zone::Zone;
use crate::spec::changes::{ChangeAction, RecordChange, difference, record_label, same_record};
use crate::spec::problems::Problems;
use crate::spec::scenario::{FaultAction, FaultSpec, Scenario};
use crate::spec::zone::*;

/// A batch read: its changes, the hosted zone named by a `--cli-input-json` request,
/// and the path prefix of each change.
pub struct ParsedBatch {
    /// The batch.
    pub batch: ChangeBatch,
    /// `HostedZoneId` of the request, if the document was the whole request.
    pub hosted_zone_id: Option<String>,
    /// `ChangeBatch.Changes`, `Changes` or empty (a bare array).
    pub prefix: &'static str,
}

/// Reads a change batch in any of its shapes.
pub fn parse_change_batch(text: &str) -> Result<ParsedBatch, String> {
    let v = parse_json(text)?;
    match &v {
        serde_json::Value::Array(_) => Ok(ParsedBatch {
            batch: ChangeBatch {
                comment: None,
                changes: parse_typed(text, "an array of changes")?,
                other: Default::default(),
            },
            hosted_zone_id: None,
            prefix: "",
        }),
        serde_json::Value::Object(o) if o.contains_key("ChangeBatch") => {
            let r: ChangeResourceRecordSetsRequest = parse_typed(text, "a ChangeResourceRecordSets request")?;
            Ok(ParsedBatch { batch: r.change_batch, hosted_zone_id: r.hosted_zone_id, prefix: "ChangeBatch.Changes" })
        }
        serde_json::Value::Object(o) if o.contains_key("Changes") => {
            Ok(ParsedBatch { batch: parse_typed(text, "a change batch")?, hosted_zone_id: None, prefix: "Changes" })
        }
        serde_json::Value::Object(o) if o.contains_key("ResourceRecordSets") => {
            Err("this is list-resource-record-sets output, not a change batch: use import-aws".into())
        }
        _ => Err("no \"Changes\" array (is this a ChangeResourceRecordSets change batch?)".into()),
    }
}

/// What a batch did to a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangesImported {
    /// The scenario after the batch.
    pub imported: Imported,
    /// Changes applied: (created, replaced, deleted).
    pub counts: (usize, usize, usize),
}

fn apply(b: &mut ZoneBuilder, parsed: &ParsedBatch) -> Result<(usize, usize, usize), ImportError> {
    let mut counts = (0, 0, 0);
    if parsed.batch.changes.len() > crate::route53::zone::limits::RECORDS {
        return Err(ImportError::main(format!(
            "{} changes; the limit is {}",
            parsed.batch.changes.len(),
            crate::route53::zone::limits::RECORDS
        )));
    }
    for (i, Change { action, resource_record_set: s }) in parsed.batch.changes.iter().enumerate() {
        let at = if parsed.prefix.is_empty() { format!("[{i}]") } else { format!("{}[{i}]", parsed.prefix) };
        let origin = format!("{at} ({})", label(s));
        let Some(r) = b.record(&at, s) else { continue };
        let existing = b.spec.records.iter().position(|x| same_record(x, &r));
        match (action.to_ascii_uppercase().as_str(), existing) {
            ("CREATE", Some(_)) => {
                return Err(ImportError::main(format!(
                    "{origin}: CREATE of {}, which already exists; Route 53 refuses the whole batch (use UPSERT to replace it)",
                    record_label(&r)
                )));
            }
            ("CREATE", None) => {
                counts.0 += 1;
                b.push_record(Input::Main, origin, r);
            }
            ("UPSERT", None) => {
                counts.0 += 1;
                b.push_record(Input::Main, origin, r);
            }
            ("UPSERT", Some(k)) => {
                counts.1 += 1;
                b.replace_record(k, Input::Main, origin, r);
            }
            ("DELETE", None) => {
                return Err(ImportError::main(format!(
                    "{origin}: DELETE of {}, which does not exist; Route 53 refuses the whole batch",
                    record_label(&r)
                )));
            }
            ("DELETE", Some(k)) => {
                if b.spec.records[k] != r {
                    return Err(ImportError::main(format!(
                        "{origin}: DELETE of {} must give the record set exactly as it is; {}",
                        record_label(&r),
                        difference(&b.spec.records[k], &r)
                    )));
                }
                counts.2 += 1;
                b.remove_record(k);
            }
            (other, _) => {
                return Err(ImportError::main(format!("{origin}: action '{other}' is not CREATE, UPSERT or DELETE")));
            }
        }
    }
    Ok(counts)
}

/// Reads a change batch into a new scenario (CREATE and UPSERT add records; a DELETE
/// of anything is refused, as the zone starts empty). `zone` names the apex; by
/// default it is the names' common suffix.
pub fn import_change_batch(
    text: &str,
    health_checks: Option<&str>,
    zone: Option<&str>,
) -> Result<ChangesImported, ImportError> {
    let parsed = parse_change_batch(text).map_err(ImportError::main)?;
    let names: Vec<String> =
        parsed.batch.changes.iter().map(|c| dns_name(&c.resource_record_set.name)).filter(|n| !n.is_empty()).collect();
    let apex = match zone {
        Some(z) => dns_name(z),
        None => apex_of(&names).ok_or_else(|| ImportError::main("no changes: nothing to import"))?,
    };
    let mut b = ZoneBuilder::new(&apex);
    let counts = apply(&mut b, &parsed)?;
    if b.spec.records.is_empty() {
        return Err(ImportError::main("no A, AAAA or CNAME records: nothing to simulate"));
    }
    if let Some(text) = health_checks {
        let (list, prefix) = super::checks::health_checks(text).map_err(ImportError::checks)?;
        b.add_checks(Input::HealthChecks, prefix, &list);
    }
    let (zone, notes) = b.finish()?;
    let service = choose_service(&zone).ok_or_else(|| {
        ImportError::main("no A or CNAME record is left to simulate (the simulator's clients ask for A)")
    })?;
    Ok(ChangesImported {
        imported: Imported { scenario: scenario_for(zone, service, "a change batch"), notes },
        counts,
    })
}

/// Applies a change batch to `base`'s zone (its load balancers and checks are kept;
/// aliases to AWS endpoints it lacks add them). The service stays unless the batch
/// removed it. A fault of `base` that names what the batch removed or re-routed
/// refuses the import, naming the fault: the drill it belongs to would no longer
/// mean what it did.
pub fn apply_change_batch(text: &str, base: &Scenario) -> Result<ChangesImported, ImportError> {
    let parsed = parse_change_batch(text).map_err(ImportError::main)?;
    let mut b = ZoneBuilder::from_zone(base.zone.clone());
    let counts = apply(&mut b, &parsed)?;
    let (zone, mut notes) = b.finish()?;
    let mut scenario = base.clone();
    let has = |name: &str| {
        zone.records.iter().any(|r| r.name == name && matches!(r.rtype, RecordType::A | RecordType::CNAME))
    };
    if !has(&scenario.service) {
        let service = choose_service(&zone).ok_or_else(|| {
            ImportError::main("the batch leaves no A or CNAME record to simulate (the simulator's clients ask for A)")
        })?;
        notes.push(format!(
            "the batch removed every A and CNAME record of {}; the scenario now follows {service}",
            scenario.service
        ));
        scenario.service = service;
    }
    scenario.zone = zone;
    check_script(&scenario, None)?;
    Ok(ChangesImported { imported: Imported { scenario, notes }, counts })
}

/// A change batch scheduled onto `base` as a timed change: its changes, converted
/// to the scenario's own form, become one `apply_changes` fault at `at_ms` appended
/// to the fault script, so the batch reaches Route 53 at that moment and the old
/// answers drain from the caches afterwards. AWS endpoints its aliases name are
/// added to the zone now (a fault cannot add them); records are changed only when
/// the fault fires. The whole script is checked as the simulator checks it: a batch
/// that Route 53 would refuse at that moment is refused here, naming the batch.
pub fn schedule_change_batch(text: &str, base: &Scenario, at_ms: u64) -> Result<Imported, ImportError> {
    let parsed = parse_change_batch(text).map_err(ImportError::main)?;
    if parsed.batch.changes.len() > crate::route53::zone::limits::RECORDS {
        return Err(ImportError::main(format!(
            "{} changes; the limit is {}",
            parsed.batch.changes.len(),
            crate::route53::zone::limits::RECORDS
        )));
    }
    let mut b = ZoneBuilder::from_zone(base.zone.clone());
    let mut changes = Vec::new();
    let mut origins = Vec::new();
    for (i, Change { action, resource_record_set: s }) in parsed.batch.changes.iter().enumerate() {
        let at = if parsed.prefix.is_empty() { format!("[{i}]") } else { format!("{}[{i}]", parsed.prefix) };
        let action = match action.to_ascii_uppercase().as_str() {
            "CREATE" => ChangeAction::Create,
            "UPSERT" => ChangeAction::Upsert,
            "DELETE" => ChangeAction::Delete,
            other => {
                return Err(ImportError::main(format!(
                    "{at} ({}): action '{other}' is not CREATE, UPSERT or DELETE",
                    label(s)
                )));
            }
        };
        let Some(record) = b.record(&at, s) else { continue };
        origins.push(format!("{at} ({})", label(s)));
        changes.push(RecordChange { action, record });
    }
    if changes.is_empty() {
        return Err(ImportError::main("no change the simulator can apply: nothing to schedule"));
    }
    let (zone, mut notes) = b.finish()?;
    let mut scenario = base.clone();
    scenario.zone = zone;
    let n = changes.len();
    scenario.faults.push(FaultSpec { at_ms, action: FaultAction::ApplyChanges { changes } });
    let index = scenario.faults.len() - 1;
    check_script(&scenario, Some(index)).map_err(|mut e| {
        // Name the batch's own changes, not their places in the fault.
        if e.input == Input::Main {
            for (k, origin) in origins.iter().enumerate() {
                e.message = e.message.replace(&format!("changes[{k}]"), origin);
            }
        }
        e
    })?;
    notes.push(format!(
        "{n} changes scheduled at {} as faults[{index}]; Route 53 applies them then, all or nothing",
        SimTime(at_ms)
    ));
    Ok(Imported { scenario, notes })
}

/// Checks `s`'s fault script against its zone as the simulator does. A problem with
/// the fault at `added` (the one this import adds) is the main input's; any other
/// is the base scenario's, named by `faults[i]`: the import changed what that fault
/// names.
pub(crate) fn check_script(s: &Scenario, added: Option<usize>) -> Result<(), ImportError> {
    let zone = Zone::new(&s.zone).map_err(|p| ImportError::main(p.join("; ")))?;
    let mut problems = Problems::none();
    check_faults(&zone, &s.zone, &s.faults, &mut problems);
    let Some(first) = problems.0.first() else { return Ok(()) };
    let more = match problems.0.len() - 1 {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    let index: Option<usize> =
        first.path.strip_prefix("faults[").and_then(|p| p.split(']').next()).and_then(|i| i.parse().ok());
    let Some(i) = index else { return Err(ImportError::main(format!("{}: {}{more}", first.path, first.message))) };
    if Some(i) == added {
        return Err(ImportError::main(format!("at {}, {}{more}", SimTime(s.faults[i].at_ms), first.message)));
    }
    Err(ImportError {
        input: Input::Base,
        message: format!("faults[{i}]: {} after this import; change or remove that fault{more}", first.message),
    })
}

/// The AWS record set for a record of `zone`, with notes about anything that must be
/// filled in by hand. `at` names the record in messages.
pub(crate) fn record_set(
    zone: &ZoneSpec,
    r: &RecordSpec,
    hosted_zone_id: &str,
    at: &str,
    notes: &mut Vec<String>,
) -> ResourceRecordSet {
    let mut s = ResourceRecordSet {
        name: format!("{}.", r.name),
        rtype: r.rtype.as_str().into(),
        set_identifier: r.set_id.clone(),
        health_check_id: r.health_check.clone(),
        ..Default::default()
    };
    match &r.routing {
        Routing::Simple => {}
        Routing::Weighted { weight } => s.weight = Some(i64::from(*weight)),
        Routing::Latency { region } => s.region = Some(region.clone()),
        Routing::Failover { role } => {
            s.failover = Some(if *role == FailoverRole::Primary { "PRIMARY" } else { "SECONDARY" }.into())
        }
        Routing::Geolocation { location } => {
            let mut g = GeoLocation::default();
            match location {
                GeoLocationSpec::Default => g.country_code = Some("*".into()),
                GeoLocationSpec::Continent(c) => g.continent_code = Some(c.clone()),
                GeoLocationSpec::Country(c) => g.country_code = Some(c.clone()),
                GeoLocationSpec::Subdivision { country, code } => {
                    g.country_code = Some(country.clone());
                    g.subdivision_code = Some(code.clone());
                }
            }
            s.geo_location = Some(g);
        }
        Routing::Geoproximity { location, bias } => {
            let mut g = GeoProximityLocation { bias: Some(i64::from(*bias)), ..Default::default() };
            match location {
                GeoproximityLocation::Region(r) => g.aws_region = Some(r.clone()),
                GeoproximityLocation::Coordinates { lat, lon } => {
                    g.coordinates = Some(Coordinates {
                        latitude: NumText::Text(format!("{lat:.2}")),
                        longitude: NumText::Text(format!("{lon:.2}")),
                    })
                }
            }
            s.geo_proximity_location = Some(g);
        }
        Routing::Multivalue => s.multi_value_answer = Some(true),
        Routing::IpBased { collection, location } => {
            s.cidr_routing_config = Some(super::types::CidrRoutingConfig {
                collection_id: collection.clone(),
                location_name: location.clone(),
            })
        }
    }
    match &r.value {
        RecordValue::Values(v) => {
            s.ttl = Some(i64::from(r.ttl_s.unwrap_or(300)));
            s.resource_records = Some(
                v.iter()
                    .map(|x| {
                        let value = if let Some(h) = x.strip_prefix("host:") {
                            let ip = zone.hosts.iter().find(|s| s.id == h).and_then(|s| s.ip.clone());
                            if ip.is_none() {
                                notes.push(format!("{at}: host {h} has no address; fill it in"));
                            }
                            ip.unwrap_or_else(|| format!("<address of {h}>"))
                        } else if r.rtype == RecordType::CNAME {
                            format!("{x}.")
                        } else {
                            x.clone()
                        };
                        ResourceRecord { value }
                    })
                    .collect(),
            );
        }
        RecordValue::Alias { target, evaluate_target_health } => {
            let (dns, zid) = match target {
                AliasTarget::Record { name } => (format!("{name}."), hosted_zone_id.to_string()),
                AliasTarget::LoadBalancer { id } => match zone.load_balancers.iter().find(|l| l.id == *id) {
                    Some(l) => (format!("{}.", l.dns_name), lb_zone_id(l, at, notes)),
                    None => (format!("<{id}>"), String::new()),
                },
            };
            s.alias_target =
                Some(AwsAlias { hosted_zone_id: zid, dns_name: dns, evaluate_target_health: *evaluate_target_health });
        }
    }
    s
}

/// The alias hosted-zone id of a load balancer (or AWS endpoint) by its DNS name.
fn lb_zone_id(l: &LoadBalancerSpec, at: &str, notes: &mut Vec<String>) -> String {
    let recognised = targets::recognise(&l.dns_name, "");
    let (service, region) = match &recognised {
        Some(r) if r.service != targets::Service::Unknown => (r.service, r.region.clone().unwrap_or(l.region.clone())),
        _ => (
            if l.kind == LbKind::Alb { targets::Service::ElbApplication } else { targets::Service::ElbNetwork },
            l.region.clone(),
        ),
    };
    match targets::hosted_zone_id(service, &region) {
        Some(id) => id.to_string(),
        None => {
            notes.push(format!(
                "{at}: fill in the alias hosted zone id of {} ({} in {region})",
                l.dns_name,
                service.name()
            ));
            format!("<alias hosted zone id of {}>", l.dns_name)
        }
    }
}

/// A `ChangeResourceRecordSets` change batch (UPSERT of every record) for `zone`,
/// with notes about anything that must be filled in by hand.
pub fn change_batch(zone: &ZoneSpec, hosted_zone_id: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let changes = zone
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| Change {
            action: "UPSERT".into(),
            resource_record_set: record_set(zone, r, hosted_zone_id, &format!("records[{i}]"), &mut notes),
        })
        .collect();
    let batch = ChangeBatch { comment: Some("Exported by Routewave".into()), changes, other: Default::default() };
    (serde_json::to_string_pretty(&batch).expect("serialisable"), notes)
}
