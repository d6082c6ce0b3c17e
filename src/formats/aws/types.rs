//! Typed shapes of Route 53's JSON documents, as the AWS CLI prints and reads them
//! (field names from the Route 53 API reference): `ListResourceRecordSets` output,
//! `ListHealthChecks` / `GetHealthCheck` output, `ChangeResourceRecordSets` input
//! (`--change-batch` and `--cli-input-json`) and traffic-policy documents.
//!
//! Every struct keeps the fields it does not know in `other`, so the importers can
//! name them in a note instead of dropping them silently.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Fields a struct does not model, by name (kept for notes).
pub type Other = BTreeMap<String, Value>;

/// `aws route53 list-resource-record-sets` output.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceRecordSets {
    /// The record sets.
    pub resource_record_sets: Vec<ResourceRecordSet>,
    /// Set when the listing was cut short (`--max-items`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_truncated: Option<bool>,
    /// Everything else (`NextRecordName`, `MaxItems`, …).
    #[serde(flatten)]
    pub other: Other,
}

/// One record set (`ResourceRecordSet` in the API).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceRecordSet {
    /// Owner name, usually with a trailing dot; `*` may appear as `\052`.
    pub name: String,
    /// Record type (`A`, `AAAA`, `CNAME`, `MX`, …).
    #[serde(rename = "Type")]
    pub rtype: String,
    /// Set identifier of a non-simple record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_identifier: Option<String>,
    /// Weighted routing: 0–255.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    /// Latency routing: the AWS region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Geolocation routing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_location: Option<GeoLocation>,
    /// Failover routing: `PRIMARY` or `SECONDARY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover: Option<String>,
    /// Multivalue answer routing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_value_answer: Option<bool>,
    /// TTL of a non-alias record, s.
    #[serde(rename = "TTL", default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
    /// Values of a non-alias record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_records: Option<Vec<ResourceRecord>>,
    /// The alias target of an alias record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_target: Option<AliasTarget>,
    /// The health check guarding the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_id: Option<String>,
    /// IP-based routing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_routing_config: Option<CidrRoutingConfig>,
    /// Geoproximity routing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_proximity_location: Option<GeoProximityLocation>,
    /// Everything else (`TrafficPolicyInstanceId`, …).
    #[serde(flatten)]
    pub other: Other,
}

/// One value of a record.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceRecord {
    /// The value as text (an address, a name, …).
    pub value: String,
}

/// An alias record's target.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AliasTarget {
    /// The target's hosted zone (a service's fixed id, or this zone's for a record).
    #[serde(default)]
    pub hosted_zone_id: String,
    /// The target's DNS name.
    #[serde(rename = "DNSName")]
    pub dns_name: String,
    /// Evaluate Target Health.
    #[serde(default)]
    pub evaluate_target_health: bool,
}

/// A geolocation record's location.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GeoLocation {
    /// Continent code (`EU`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continent_code: Option<String>,
    /// Country code, or `*` for the default record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Subdivision (US state) code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdivision_code: Option<String>,
}

/// An IP-based record's CIDR location.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CidrRoutingConfig {
    /// The CIDR collection's id.
    pub collection_id: String,
    /// The location's name, or `*`.
    pub location_name: String,
}

/// A geoproximity record's location.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GeoProximityLocation {
    /// An AWS region.
    #[serde(rename = "AWSRegion", default, skip_serializing_if = "Option::is_none")]
    pub aws_region: Option<String>,
    /// A Local Zone group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_zone_group: Option<String>,
    /// Coordinates (decimal strings in the API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    /// Bias, −99..=99.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias: Option<i64>,
}

/// Coordinates of a geoproximity location.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Coordinates {
    /// Latitude in degrees.
    pub latitude: NumText,
    /// Longitude in degrees.
    pub longitude: NumText,
}

/// A number the API writes as a string but people also write as a number.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum NumText {
    /// `"12"`.
    Text(String),
    /// `12`.
    Num(f64),
}

impl Default for NumText {
    fn default() -> Self {
        NumText::Num(0.0)
    }
}

impl NumText {
    /// The value, if it is a number.
    pub fn value(&self) -> Option<f64> {
        match self {
            NumText::Text(s) => s.trim().parse().ok().filter(|v: &f64| v.is_finite()),
            NumText::Num(v) => Some(*v).filter(|v| v.is_finite()),
        }
    }
}

/// `aws route53 list-health-checks` output.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListHealthChecks {
    /// The checks.
    pub health_checks: Vec<HealthCheck>,
    /// Everything else (`Marker`, `IsTruncated`, `MaxItems`, …).
    #[serde(flatten)]
    pub other: Other,
}

/// `aws route53 get-health-check` (or `create-health-check`) output.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetHealthCheck {
    /// The check.
    pub health_check: HealthCheck,
    /// Everything else (`Location`, …).
    #[serde(flatten)]
    pub other: Other,
}

/// One health check.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthCheck {
    /// Its id, referenced by records' `HealthCheckId`.
    pub id: String,
    /// Its configuration.
    pub health_check_config: HealthCheckConfig,
    /// A CloudWatch-metric check's alarm, as Route 53 copied it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_alarm_configuration: Option<Value>,
    /// Everything else (`CallerReference`, `HealthCheckVersion`, `LinkedService`, …).
    #[serde(flatten)]
    pub other: Other,
}

/// A health check's configuration.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthCheckConfig {
    /// `HTTP`, `HTTPS`, `HTTP_STR_MATCH`, `HTTPS_STR_MATCH`, `TCP`, `CALCULATED`,
    /// `CLOUDWATCH_METRIC` or `RECOVERY_CONTROL`.
    #[serde(rename = "Type")]
    pub ctype: String,
    /// Endpoint address.
    #[serde(rename = "IPAddress", default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Endpoint port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// HTTP path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_path: Option<String>,
    /// Endpoint name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fully_qualified_domain_name: Option<String>,
    /// String to match (the `_STR_MATCH` types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_string: Option<String>,
    /// 10 or 30 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_interval: Option<i64>,
    /// 1..=10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i64>,
    /// Latency graphs (not simulated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_latency: Option<bool>,
    /// Report the opposite status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inverted: Option<bool>,
    /// Always healthy while disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Calculated: how many children must be healthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_threshold: Option<i64>,
    /// Calculated: the children's ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_health_checks: Option<Vec<String>>,
    /// Send the host name in the TLS handshake (not simulated).
    #[serde(rename = "EnableSNI", default, skip_serializing_if = "Option::is_none")]
    pub enable_sni: Option<bool>,
    /// Checker regions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    /// CloudWatch-metric: the alarm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarm_identifier: Option<AlarmIdentifier>,
    /// CloudWatch-metric: status while the alarm has too little data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insufficient_data_health_status: Option<String>,
    /// Recovery-control: the routing control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_control_arn: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub other: Other,
}

/// A CloudWatch alarm, by region and name.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlarmIdentifier {
    /// The alarm's region.
    pub region: String,
    /// The alarm's name.
    pub name: String,
}

/// A `ChangeResourceRecordSets` change batch (`--change-batch file://batch.json`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeBatch {
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The changes, applied together.
    pub changes: Vec<Change>,
    /// Everything else.
    #[serde(flatten)]
    pub other: Other,
}

/// The whole request (`--cli-input-json file://request.json`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeResourceRecordSetsRequest {
    /// The zone changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_zone_id: Option<String>,
    /// The batch.
    pub change_batch: ChangeBatch,
    /// Everything else.
    #[serde(flatten)]
    pub other: Other,
}

/// One change.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Change {
    /// `CREATE`, `UPSERT` or `DELETE`.
    pub action: String,
    /// The record set created, replaced or deleted.
    pub resource_record_set: ResourceRecordSet,
}

/// A traffic-policy document (`AWSPolicyFormatVersion` 2015-10-01).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct PolicyDocument {
    /// `2015-10-01` (or `2023-05-09`).
    #[serde(rename = "AWSPolicyFormatVersion")]
    pub format_version: String,
    /// The record type every rule answers.
    #[serde(rename = "RecordType", default = "default_a")]
    pub record_type: String,
    /// The first rule.
    #[serde(rename = "StartRule", default, skip_serializing_if = "Option::is_none")]
    pub start_rule: Option<String>,
    /// Or a single endpoint.
    #[serde(rename = "StartEndpoint", default, skip_serializing_if = "Option::is_none")]
    pub start_endpoint: Option<String>,
    /// Endpoints by id.
    #[serde(rename = "Endpoints", default)]
    pub endpoints: BTreeMap<String, PolicyEndpoint>,
    /// Rules by id.
    #[serde(rename = "Rules", default)]
    pub rules: BTreeMap<String, PolicyRule>,
    /// Everything else.
    #[serde(flatten)]
    pub other: Other,
}

fn default_a() -> String {
    "A".into()
}

/// A traffic-policy endpoint.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyEndpoint {
    /// `value`, `cloudfront`, `elastic-load-balancer`, `application-load-balancer`,
    /// `network-load-balancer`, `elastic-beanstalk`, `s3-website`.
    #[serde(rename = "Type")]
    pub etype: String,
    /// An address or a DNS name.
    #[serde(default)]
    pub value: String,
    /// The region of an S3 website endpoint, where given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub other: Other,
}

/// A traffic-policy rule.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyRule {
    /// `failover`, `latency`, `weighted`, `multivalue`, `geo`, `geoproximity`.
    #[serde(default)]
    pub rule_type: String,
    /// Failover: the primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<PolicyItem>,
    /// Failover: the secondary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<PolicyItem>,
    /// Latency items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<PolicyItem>,
    /// Weighted and multivalue items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<PolicyItem>,
    /// Geolocation items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<PolicyItem>,
    /// Geoproximity items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub geoproximity_locations: Vec<PolicyItem>,
    /// Everything else.
    #[serde(flatten)]
    pub other: Other,
}

/// One item of a rule: where it leads and how it is chosen.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyItem {
    /// An endpoint's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_reference: Option<String>,
    /// Another rule's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_reference: Option<String>,
    /// A health check's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<String>,
    /// Evaluate Target Health (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluate_target_health: Option<bool>,
    /// Weighted: the weight (a string in the documented format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<NumText>,
    /// Latency: the region; geoproximity: `aws:route53:<region>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Geolocation: a continent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continent: Option<String>,
    /// Geolocation: a country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Geolocation: a US state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdivision: Option<String>,
    /// Geolocation: the default item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// Geoproximity: latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<NumText>,
    /// Geoproximity: longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<NumText>,
    /// Geoproximity: bias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias: Option<NumText>,
    /// Everything else.
    #[serde(flatten)]
    pub other: Other,
}
