//! Record changes in the spec's own terms — what a Route 53 change batch does to a
//! zone (CREATE, UPSERT, DELETE) — and [`apply_changes`], which applies a list of
//! them to a [`ZoneSpec`] the way Route 53 applies a batch: all or nothing, in order,
//! refusing a CREATE of a record set that exists and a DELETE of one that does not
//! (or whose values differ).
//!
//! A scripted fault can carry a list (`{"do": "apply_changes", "changes": [...]}`):
//! a timed configuration change. The result still has to pass zone validation.

use serde::{Deserialize, Serialize};

use crate::spec::problems::Problems;
use crate::spec::zone::{RecordSpec, ZoneSpec};

/// What a change does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    /// Add a record set that must not exist yet.
    Create,
    /// Add the record set, or replace the one with its name, type and set identifier.
    Upsert,
    /// Remove a record set, given exactly as it is.
    Delete,
}

/// One change to a zone's records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordChange {
    /// Create, upsert or delete.
    pub action: ChangeAction,
    /// The record set created, replaced or deleted.
    pub record: RecordSpec,
}

/// A record set's identity in its zone: name, type and set identifier.
pub fn same_record(a: &RecordSpec, b: &RecordSpec) -> bool {
    a.name == b.name && a.rtype == b.rtype && a.set_id == b.set_id
}

/// `name TYPE [set]`, as messages name a record set.
pub fn record_label(r: &RecordSpec) -> String {
    match &r.set_id {
        Some(id) => format!("{} {} [{id}]", r.name, r.rtype.as_str()),
        None => format!("{} {}", r.name, r.rtype.as_str()),
    }
}

/// Applies `changes` to `zone`, in order, as one batch: the new zone, or every
/// change Route 53 would refuse (paths `changes[i]`). The result is not validated
/// here: validate it like any zone.
pub fn apply_changes(zone: &ZoneSpec, changes: &[RecordChange]) -> Result<ZoneSpec, Problems> {
    let mut out = zone.clone();
    let mut problems = Problems::none();
    for (i, c) in changes.iter().enumerate() {
        let path = format!("changes[{i}]");
        let existing = out.records.iter().position(|r| same_record(r, &c.record));
        let label = record_label(&c.record);
        match (c.action, existing) {
            (ChangeAction::Create, Some(_)) => {
                problems.push(path, format!("CREATE of {label}, which already exists (use UPSERT to replace it)"))
            }
            (ChangeAction::Create | ChangeAction::Upsert, None) => out.records.push(c.record.clone()),
            (ChangeAction::Upsert, Some(k)) => out.records[k] = c.record.clone(),
            (ChangeAction::Delete, None) => {
                problems.push(path, format!("DELETE of {label}, which does not exist"));
            }
            (ChangeAction::Delete, Some(k)) => {
                if out.records[k] == c.record {
                    out.records.remove(k);
                } else {
                    problems.push(
                        path,
                        format!(
                            "DELETE of {label} must give the record set exactly as it is; {}",
                            difference(&out.records[k], &c.record)
                        ),
                    );
                }
            }
        }
    }
    problems.into_result(out)
}

/// Which part of two record sets with one identity differs, in words.
pub fn difference(current: &RecordSpec, given: &RecordSpec) -> String {
    let part = if current.value != given.value {
        "its values"
    } else if current.ttl_s != given.ttl_s {
        "its TTL"
    } else if current.routing != given.routing {
        "its routing"
    } else {
        "its health check"
    };
    format!("{part} differ from the current ones")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::zone::{RecordType, RecordValue, Routing};

    fn rec(name: &str, ip: &str) -> RecordSpec {
        RecordSpec {
            name: name.into(),
            rtype: RecordType::A,
            set_id: None,
            routing: Routing::Simple,
            ttl_s: Some(60),
            value: RecordValue::Values(vec![ip.into()]),
            health_check: None,
        }
    }

    fn zone() -> ZoneSpec {
        serde_json::from_str(r#"{"name":"example.com","records":[]}"#).unwrap()
    }

    #[test]
    fn create_upsert_delete_as_route53_does() {
        let z = zone();
        let c = |action, r| RecordChange { action, record: r };
        let z = apply_changes(&z, &[c(ChangeAction::Create, rec("a.example.com", "192.0.2.1"))]).unwrap();
        assert_eq!(z.records.len(), 1);
        let z = apply_changes(&z, &[c(ChangeAction::Upsert, rec("a.example.com", "192.0.2.2"))]).unwrap();
        assert_eq!(z.records[0].value, RecordValue::Values(vec!["192.0.2.2".into()]));
        let e = apply_changes(&z, &[c(ChangeAction::Create, rec("a.example.com", "192.0.2.3"))]).unwrap_err();
        assert!(e.to_string().contains("changes[0]: CREATE of a.example.com A, which already exists"), "{e}");
        let e = apply_changes(&z, &[c(ChangeAction::Delete, rec("a.example.com", "192.0.2.9"))]).unwrap_err();
        assert!(e.to_string().contains("its values differ"), "{e}");
        let e = apply_changes(&z, &[c(ChangeAction::Delete, rec("b.example.com", "192.0.2.9"))]).unwrap_err();
        assert!(e.to_string().contains("DELETE of b.example.com A, which does not exist"), "{e}");
        // A batch is applied in order: delete then re-create is fine.
        let z = apply_changes(
            &z,
            &[
                c(ChangeAction::Delete, rec("a.example.com", "192.0.2.2")),
                c(ChangeAction::Create, rec("a.example.com", "192.0.2.5")),
            ],
        )
        .unwrap();
        assert_eq!(z.records.len(), 1);
        // All or nothing: one refused change refuses the batch.
        let e = apply_changes(
            &z,
            &[
                c(ChangeAction::Create, rec("c.example.com", "192.0.2.7")),
                c(ChangeAction::Delete, rec("x.example.com", "192.0.2.1")),
            ],
        );
        assert!(e.is_err());
        assert_eq!(z.records.len(), 1);
    }
}
