//! Real Route 53 formats: import what `aws route53 list-resource-record-sets`,
//! `list-health-checks` / `get-health-check` print and what `change-resource-record-sets`
//! reads (a change batch, or the whole `--cli-input-json` request), and export a
//! change batch for the current design. Traffic-policy documents
//! (`AWSPolicyFormatVersion` 2015-10-01) are in `policy`.
//!
//! The documents are read into typed shapes ([`types`]), in every shape people
//! actually have: the CLI's wrapped output, a bare array from `--query`, a single
//! object, with or without a byte-order mark or CRLF line ends.
//!
//! An import either yields a scenario that validates and simulates, or fails with
//! one line naming the input, the record (`ResourceRecordSets[12] (www.example.com A
//! [eu])`) and the reason. Every alias target type Route 53 supports is modelled
//! ([`targets`]): load balancers with their targets, the other AWS services as an
//! AWS-managed endpoint in the target's region that is up unless a fault says
//! otherwise. Everything the simulator does not model (MX/TXT records, Local Zone
//! groups, CloudWatch-alarm checks…) is **reported** in a note, never dropped
//! silently; so is every assumption made to fill a gap.

mod changes;
pub(crate) mod checks;
mod policy;
pub(crate) mod records;
pub mod targets;
pub mod types;

pub use changes::{
    ChangesImported, apply_change_batch, change_batch, import_change_batch, parse_change_batch, schedule_change_batch,
};
pub use policy::{export_traffic_policy, import_traffic_policy};
pub use records::import_record_sets;

use crate::spec::scenario::Scenario;

/// The result of an import: the scenario and every note about what was skipped or
/// assumed.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The scenario built.
    pub scenario: Scenario,
    /// Skipped or assumed items, each naming its place in the input.
    pub notes: Vec<String>,
}

/// Which of an import's inputs a problem is in, so the message can name that file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// The main document (record sets, change batch, policy, Terraform).
    Main,
    /// The health-check document given beside it.
    HealthChecks,
    /// The scenario imported into (`--into`).
    Base,
}

/// Why an import was refused: one line, and the input it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The input at fault.
    pub input: Input,
    /// The reason, starting with the place in that input when there is one.
    pub message: String,
}

impl ImportError {
    /// A problem in the main document.
    pub fn main(message: impl Into<String>) -> ImportError {
        ImportError { input: Input::Main, message: message.into() }
    }

    /// A problem in the health-check document.
    pub fn checks(message: impl Into<String>) -> ImportError {
        ImportError { input: Input::HealthChecks, message: message.into() }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImportError {}

/// The text without a leading byte-order mark (editors on Windows write one).
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Parses JSON, naming the line and column of a syntax error.
pub(crate) fn parse_json(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(strip_bom(text)).map_err(|e| format!("not valid JSON: {e}"))
}

/// Deserialises a typed document; a shape error names its line and column.
pub(crate) fn parse_typed<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, String> {
    serde_json::from_str(strip_bom(text)).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => format!("not {what}: {e}"),
        _ => format!("not valid JSON: {e}"),
    })
}

/// A DNS name as the zone holds it: lower case, no trailing dot, octal escapes
/// (`\052` for `*`) decoded.
pub fn dns_name(s: &str) -> String {
    let s = s.trim().trim_end_matches('.');
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Route 53 writes characters outside letters, digits and `-` as `\` and three
        // octal digits (`\052` is `*`).
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1..i + 4].iter().all(|d| (b'0'..=b'7').contains(d)) {
            let code = (b[i + 1] - b'0') as u32 * 64 + (b[i + 2] - b'0') as u32 * 8 + (b[i + 3] - b'0') as u32;
            if let Some(c) = char::from_u32(code).filter(|c| c.is_ascii_graphic()) {
                out.push(c);
                i += 4;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out.to_ascii_lowercase()
}

/// The region and kind of an ELB DNS name: ALB/CLB `name-123.us-east-1.elb.amazonaws.com`,
/// NLB `name-123.elb.us-east-1.amazonaws.com` (`dualstack.` prefixes ignored), and the
/// load balancer's name.
pub fn elb_from_dns(dns: &str) -> Option<(String, crate::spec::zone::LbKind, String)> {
    let r = targets::recognise(&dns_name(dns), "")?;
    r.service.is_elb().then(|| (r.region.unwrap_or_default(), r.service.model_kind(), r.label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised() {
        assert_eq!(dns_name("\\052.Example.COM."), "*.example.com");
        assert_eq!(dns_name("a\\.b.example.com"), "a\\.b.example.com");
        assert_eq!(dns_name("\\05"), "\\05");
        assert_eq!(dns_name("a\\100b"), "a@b");
        assert_eq!(strip_bom("\u{feff}{}"), "{}");
    }
}
