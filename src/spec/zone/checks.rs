//! Route 53 health checks as written: endpoint, calculated and manual checks, read
//! in one pass over their fields, with their defaults (interval, failure threshold,
//! the 8 checker regions), targets and protocols.

use serde::{Deserialize, Serialize};

/// A Route 53 health check (model: health checks).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheckSpec {
    /// Id referenced by records.
    pub id: String,
    /// What is checked and how.
    pub kind: HealthCheckKind,
    /// Report the opposite of the computed status (model: health checks).
    #[serde(default)]
    pub inverted: bool,
    /// A disabled check always counts as healthy (model: health checks).
    #[serde(default)]
    pub disabled: bool,
}

/// The kinds of health check. Written as `{"type": "endpoint", "target": …}`; read by a
/// hand-written visitor (below) that accepts exactly what serde's derive would.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HealthCheckKind {
    /// Probes an endpoint from checkers in several regions.
    Endpoint {
        /// What is probed.
        target: CheckTarget,
        /// HTTP, HTTPS or TCP.
        protocol: CheckProtocol,
        /// 10 (fast) or 30 (standard) seconds (model: health checks).
        #[serde(default = "default_interval")]
        interval_s: u32,
        /// 1..=10 consecutive results to flip, both directions; default 3.
        #[serde(default = "default_threshold")]
        failure_threshold: u32,
        /// Checker regions; at least 3 of the 8; default all 8.
        #[serde(default = "all_checker_regions")]
        regions: Vec<String>,
        /// String that must appear in the first 5,120 bytes (HTTP/HTTPS only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        search_string: Option<String>,
    },
    /// Combines other checks (model: health checks).
    Calculated {
        /// Child check ids (not calculated themselves).
        children: Vec<String>,
        /// How many children must be healthy.
        rule: CalculatedRule,
    },
    /// Status set by hand (stands for CloudWatch-alarm and routing-control checks).
    Manual {
        /// Status at the start of a run.
        #[serde(default = "yes")]
        healthy: bool,
    },
}

/// Reads a health check's kind in one pass over its fields (see
/// `spec/tagged.rs`): the same checks, defaults and messages as serde's derive
/// for the internally tagged enum, in a fraction of the code.
impl<'de> Deserialize<'de> for HealthCheckKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Clone, Copy, Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            Endpoint,
            Calculated,
            Manual,
        }
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = HealthCheckKind;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("internally tagged enum HealthCheckKind")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<HealthCheckKind, A::Error> {
                use crate::spec::tagged::{need, only, put};
                let mut kind: Option<Kind> = None;
                let (mut target, mut protocol, mut interval_s, mut failure_threshold) = (None, None, None, None);
                let (mut regions, mut search_string, mut children, mut rule, mut healthy) =
                    (None, None, None, None, None);
                let mut unknown: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "type" => put(&mut kind, map.next_value()?, "type")?,
                        "target" => put(&mut target, map.next_value::<CheckTarget>()?, "target")?,
                        "protocol" => put(&mut protocol, map.next_value::<CheckProtocol>()?, "protocol")?,
                        "interval_s" => put(&mut interval_s, map.next_value::<u32>()?, "interval_s")?,
                        "failure_threshold" => {
                            put(&mut failure_threshold, map.next_value::<u32>()?, "failure_threshold")?
                        }
                        "regions" => put(&mut regions, map.next_value::<Vec<String>>()?, "regions")?,
                        "search_string" => {
                            put(&mut search_string, map.next_value::<Option<String>>()?, "search_string")?
                        }
                        "children" => put(&mut children, map.next_value::<Vec<String>>()?, "children")?,
                        "rule" => put(&mut rule, map.next_value::<CalculatedRule>()?, "rule")?,
                        "healthy" => put(&mut healthy, map.next_value::<bool>()?, "healthy")?,
                        _ => {
                            unknown.get_or_insert(key);
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let kind = need(kind, "type")?;
                let allowed: &'static [&'static str] = match kind {
                    Kind::Endpoint => {
                        &["target", "protocol", "interval_s", "failure_threshold", "regions", "search_string"]
                    }
                    Kind::Calculated => &["children", "rule"],
                    Kind::Manual => &["healthy"],
                };
                only(
                    allowed,
                    unknown.as_deref(),
                    &[
                        ("target", target.is_some()),
                        ("protocol", protocol.is_some()),
                        ("interval_s", interval_s.is_some()),
                        ("failure_threshold", failure_threshold.is_some()),
                        ("regions", regions.is_some()),
                        ("search_string", search_string.is_some()),
                        ("children", children.is_some()),
                        ("rule", rule.is_some()),
                        ("healthy", healthy.is_some()),
                    ],
                )?;
                Ok(match kind {
                    Kind::Endpoint => HealthCheckKind::Endpoint {
                        target: need(target, "target")?,
                        protocol: need(protocol, "protocol")?,
                        interval_s: interval_s.unwrap_or_else(default_interval),
                        failure_threshold: failure_threshold.unwrap_or_else(default_threshold),
                        regions: regions.unwrap_or_else(all_checker_regions),
                        search_string: search_string.flatten(),
                    },
                    Kind::Calculated => {
                        HealthCheckKind::Calculated { children: need(children, "children")?, rule: need(rule, "rule")? }
                    }
                    Kind::Manual => HealthCheckKind::Manual { healthy: healthy.unwrap_or_else(yes) },
                })
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

fn yes() -> bool {
    true
}
fn default_interval() -> u32 {
    30
}
fn default_threshold() -> u32 {
    3
}

/// The 8 Route 53 health-checker regions (model: health checks).
pub const CHECKER_REGIONS: [&str; 8] = [
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
];

/// All 8 checker regions, the default.
pub fn all_checker_regions() -> Vec<String> {
    CHECKER_REGIONS.iter().map(|s| s.to_string()).collect()
}

/// A calculated check's rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CalculatedRule {
    /// Every child healthy.
    And,
    /// At least one child healthy.
    Or,
    /// At least N children healthy (0 = always healthy; N > children = never).
    AtLeast(u32),
}

/// What an endpoint check probes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CheckTarget {
    /// A load balancer's public name.
    LoadBalancer(String),
    /// A stand-alone host.
    Host(String),
}

/// Endpoint check protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CheckProtocol {
    /// HTTP: connect within 4 s, 2xx/3xx within 2 s.
    Http,
    /// HTTPS: as HTTP (certificates not validated).
    Https,
    /// TCP: connect within 10 s.
    Tcp,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same enum with serde's derive, to compare the hand-written reader with.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    #[allow(dead_code)] // only read, to compare
    enum Derived {
        Endpoint {
            target: CheckTarget,
            protocol: CheckProtocol,
            #[serde(default = "default_interval")]
            interval_s: u32,
            #[serde(default = "default_threshold")]
            failure_threshold: u32,
            #[serde(default = "all_checker_regions")]
            regions: Vec<String>,
            #[serde(default)]
            search_string: Option<String>,
        },
        Calculated {
            children: Vec<String>,
            rule: CalculatedRule,
        },
        Manual {
            #[serde(default = "yes")]
            healthy: bool,
        },
    }

    #[test]
    fn health_check_kinds_read_as_serdes_tagged_enum_reads_them() {
        let read = |doc: &str| serde_json::from_str::<HealthCheckKind>(doc);
        assert_eq!(
            read(r#"{"target": {"host": "web1"}, "type": "endpoint", "protocol": "HTTP"}"#).unwrap(),
            HealthCheckKind::Endpoint {
                target: CheckTarget::Host("web1".into()),
                protocol: CheckProtocol::Http,
                interval_s: 30,
                failure_threshold: 3,
                regions: all_checker_regions(),
                search_string: None,
            }
        );
        assert_eq!(read(r#"{"type": "manual"}"#).unwrap(), HealthCheckKind::Manual { healthy: true });
        for kind in [
            HealthCheckKind::Endpoint {
                target: CheckTarget::LoadBalancer("use1".into()),
                protocol: CheckProtocol::Https,
                interval_s: 10,
                failure_threshold: 2,
                regions: vec!["us-east-1".into(), "eu-west-1".into(), "sa-east-1".into()],
                search_string: Some("ok".into()),
            },
            HealthCheckKind::Calculated { children: vec!["a".into(), "b".into()], rule: CalculatedRule::AtLeast(1) },
            HealthCheckKind::Manual { healthy: false },
        ] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(read(&json).unwrap(), kind, "{json}");
        }
        for doc in [
            r#"{"target": {"host": "h"}, "protocol": "TCP"}"#,
            r#"{"type": "endpoint", "protocol": "TCP"}"#,
            r#"{"type": "endpoint", "target": {"host": "h"}, "protocol": "UDP"}"#,
            r#"{"type": "endpoint", "target": {"host": "h"}, "protocol": "TCP", "rule": "and"}"#,
            r#"{"type": "endpoint", "target": {"host": "h"}, "protocol": "TCP", "colour": 1}"#,
            r#"{"type": "calculated", "children": ["a"]}"#,
            r#"{"type": "manual", "healthy": "yes"}"#,
            r#"{"type": "manual", "healthy": true, "healthy": false}"#,
            r#"{"type": "alarm"}"#,
            r#""manual""#,
        ] {
            let mine = read(doc).unwrap_err().to_string();
            let derived = serde_json::from_str::<Derived>(doc).unwrap_err().to_string();
            let strip = |m: &str| m.split(" at line ").next().unwrap().replace("Derived", "HealthCheckKind");
            assert_eq!(strip(&mine), strip(&derived), "{doc}");
        }
        // Objects only: serde's derive also reads an array with the tag first, a form no
        // scenario is written in.
        assert!(read(r#"["manual", true]"#).unwrap_err().to_string().starts_with("invalid type: sequence"));
    }
}
