//! Format detection: given a document's bytes (and its file name, if any), which of
//! the formats Routewave reads it is — so one "Import" entry can take any of them.

use serde_json::Value;

/// The formats Routewave reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `list-resource-record-sets` output (wrapped, a bare array or one record set).
    RecordSets,
    /// `list-health-checks` / `get-health-check` output.
    HealthChecks,
    /// A `ChangeResourceRecordSets` change batch or request.
    ChangeBatch,
    /// A traffic-policy document.
    TrafficPolicy,
    /// Terraform configuration in HCL (`.tf`).
    TerraformHcl,
    /// Terraform configuration in JSON (`.tf.json`).
    TerraformJson,
    /// Terraform state: `terraform show -json`, or a raw state file (v3 or v4).
    TerraformState,
    /// Terraform plan: `terraform show -json plan.out`.
    TerraformPlan,
    /// A Routewave scenario file.
    Scenario,
    /// A Routewave share link (`#s=…`).
    ShareLink,
    /// None of these.
    Unknown,
}

impl Format {
    /// The format in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Format::RecordSets => "Route 53 record sets (list-resource-record-sets)",
            Format::HealthChecks => "Route 53 health checks (list-health-checks / get-health-check)",
            Format::ChangeBatch => "Route 53 change batch (change-resource-record-sets)",
            Format::TrafficPolicy => "Route 53 traffic-policy document",
            Format::TerraformHcl => "Terraform configuration (HCL)",
            Format::TerraformJson => "Terraform configuration (JSON)",
            Format::TerraformState => "Terraform state",
            Format::TerraformPlan => "Terraform plan (JSON)",
            Format::Scenario => "Routewave scenario",
            Format::ShareLink => "Routewave share link",
            Format::Unknown => "unknown format",
        }
    }
}

/// Which format `bytes` are in; `name` (a file name) breaks ties and names
/// documents that do not parse.
pub fn detect(bytes: &[u8], name: Option<&str>) -> Format {
    let name = name.unwrap_or("").to_ascii_lowercase();
    let Ok(text) = std::str::from_utf8(bytes) else { return Format::Unknown };
    let text = crate::formats::aws::strip_bom(text).trim();
    if text.starts_with("#s=") || text.starts_with("s=") || (text.contains("#s=") && !text.contains('\n')) {
        return Format::ShareLink;
    }
    if text.starts_with('{') || text.starts_with('[') {
        return match serde_json::from_str::<Value>(text) {
            Ok(v) => json_format(&v, &name),
            Err(_) if name.ends_with(".tf.json") => Format::TerraformJson,
            Err(_) => Format::Unknown,
        };
    }
    let hcl_words = ["resource \"", "variable \"", "provider \"", "module \"", "data \"", "locals {", "terraform {"];
    if name.ends_with(".tf") || hcl_words.iter().any(|w| text.contains(w)) {
        return Format::TerraformHcl;
    }
    Format::Unknown
}

fn json_format(v: &Value, name: &str) -> Format {
    let has = |k: &str| v.get(k).is_some();
    match v {
        Value::Object(_) => {
            if has("AWSPolicyFormatVersion") {
                Format::TrafficPolicy
            } else if has("ResourceRecordSets") || (has("Name") && has("Type")) {
                Format::RecordSets
            } else if has("HealthChecks") || has("HealthCheck") || has("HealthCheckConfig") {
                Format::HealthChecks
            } else if has("ChangeBatch") || has("Changes") {
                Format::ChangeBatch
            } else if has("planned_values") || has("resource_changes") {
                Format::TerraformPlan
            } else if (has("format_version") && has("values"))
                || (has("terraform_version") && (has("resources") || has("modules")))
            {
                Format::TerraformState
            } else if has("version") && has("zone") {
                Format::Scenario
            } else if ["resource", "variable", "provider", "locals", "module", "data", "terraform", "output"]
                .iter()
                .any(|k| has(k))
                || name.ends_with(".tf.json")
            {
                Format::TerraformJson
            } else {
                Format::Unknown
            }
        }
        Value::Array(items) => match items.first() {
            Some(first) if first.get("Action").is_some() && first.get("ResourceRecordSet").is_some() => {
                Format::ChangeBatch
            }
            Some(first) if first.get("HealthCheckConfig").is_some() => Format::HealthChecks,
            Some(first) if first.get("Name").is_some() && first.get("Type").is_some() => Format::RecordSets,
            _ => Format::Unknown,
        },
        _ => Format::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_is_told_apart() {
        let cases: &[(&str, Option<&str>, Format)] = &[
            (r#"{"ResourceRecordSets":[]}"#, None, Format::RecordSets),
            (r#"[{"Name":"a.","Type":"A"}]"#, None, Format::RecordSets),
            ("\u{feff}{\"HealthChecks\":[]}", None, Format::HealthChecks),
            (r#"{"HealthCheck":{}}"#, None, Format::HealthChecks),
            (r#"{"Changes":[]}"#, None, Format::ChangeBatch),
            (r#"{"HostedZoneId":"Z1","ChangeBatch":{"Changes":[]}}"#, None, Format::ChangeBatch),
            (r#"[{"Action":"CREATE","ResourceRecordSet":{}}]"#, None, Format::ChangeBatch),
            (r#"{"AWSPolicyFormatVersion":"2015-10-01"}"#, None, Format::TrafficPolicy),
            ("resource \"aws_route53_record\" \"www\" {}", None, Format::TerraformHcl),
            ("# nothing but a comment", Some("main.tf"), Format::TerraformHcl),
            (r#"{"resource":{}}"#, None, Format::TerraformJson),
            (r#"{"format_version":"1.0","values":{}}"#, None, Format::TerraformState),
            (r#"{"version":4,"terraform_version":"1.5.0","resources":[]}"#, None, Format::TerraformState),
            (r#"{"version":3,"terraform_version":"0.11.14","modules":[]}"#, None, Format::TerraformState),
            (r#"{"format_version":"1.2","planned_values":{}}"#, None, Format::TerraformPlan),
            (r#"{"version":1,"title":"x","zone":{}}"#, None, Format::Scenario),
            ("#s=1.abc", None, Format::ShareLink),
            ("https://example.org/#s=1.abc", None, Format::ShareLink),
            ("hello", None, Format::Unknown),
            ("{not json", None, Format::Unknown),
        ];
        for (text, name, want) in cases {
            assert_eq!(detect(text.as_bytes(), *name), *want, "{text}");
        }
        assert_eq!(detect(&[0xff, 0xfe], None), Format::Unknown);
    }
}
