//! The scenario format: one versioned serde document holding a whole training
//! scenario — the zone and its world, resolvers, clients, probes, the fault script,
//! simulation parameters, seed, the story ("watch for" hints) and view state.
//!
//! JSON is the file format. `version` is required; [`Scenario::from_json`] migrates
//! older versions forward before validating, so old files and links keep loading.
//! Fields added within a version carry defaults that keep older documents meaning
//! what they meant: a client group's or the population's `traffic`
//! ([`TrafficModel`]) is optional, and a document without it means a constant rate
//! (its `requests_per_min`, default 1) as before `traffic` existed.
//!
//! Who sends the queries (resolvers, population, client groups, probes) is in
//! `scenario/clients.rs`; the fault script's actions are in `scenario/faults.rs`.

use serde::{Deserialize, Serialize};

use crate::spec::params::HealthParams;
use crate::spec::params::LatencyModel;
pub use crate::spec::training::{GuideStep, Prediction};
use crate::spec::zone::ZoneSpec;

mod clients;
pub(crate) use clients::{default_client_mix, default_extend_ttl, default_extender_pct, default_kind_mix};
mod faults;

pub use clients::{ClientGroupSpec, DEFAULT_REQUESTS_PER_MIN, PopulationSpec, ProbeSpec, ResolverSpec, TrafficModel};
pub use faults::{FaultAction, FaultSpec, sort_faults};

/// The scenario format version this build writes.
pub const CURRENT_VERSION: u32 = 2;

/// Hard limits that keep a hostile document from freezing a tab.
pub mod limits {
    /// Explicit resolvers.
    pub const RESOLVERS: usize = 20_000;
    /// Clients in all groups and the population together.
    pub const CLIENTS: u64 = 2_000_000;
    /// Client groups.
    pub const CLIENT_GROUPS: usize = 20_000;
    /// Probes.
    pub const PROBES: usize = 100;
    /// Scripted faults.
    pub const FAULTS: usize = 1_000;
    /// Simulated duration, s (one day).
    pub const DURATION_S: u64 = 86_400;
    /// Length of free text (title, description, hints, guide steps).
    pub const TEXT_LEN: usize = 4_000;
    /// Goals, and constraints, of a challenge (each).
    pub const CHALLENGE_CHECKS: usize = 100;
    /// Steps of a guided session.
    pub const GUIDE_STEPS: usize = 200;
    /// Bytes of a scenario document.
    pub const DOCUMENT_BYTES: usize = 4 * 1024 * 1024;
}

/// A whole scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version.
    pub version: u32,
    /// Title shown in the header.
    pub title: String,
    /// The story, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// What to watch for.
    #[serde(default)]
    pub watch_for: Vec<String>,
    /// Seed of every random draw.
    #[serde(default)]
    pub seed: u64,
    /// Simulated duration, s.
    pub duration_s: u64,
    /// The name clients request, e.g. `sso.example.com`.
    pub service: String,
    /// The hosted zone and the world behind it.
    pub zone: ZoneSpec,
    /// Named resolvers.
    #[serde(default)]
    pub resolvers: Vec<ResolverSpec>,
    /// A generated resolver-and-client population, added to the named ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<PopulationSpec>,
    /// Client groups behind named resolvers.
    #[serde(default)]
    pub clients: Vec<ClientGroupSpec>,
    /// Probes: single clients whose every request is recorded.
    #[serde(default)]
    pub probes: Vec<ProbeSpec>,
    /// The fault script.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    /// Simulation parameters.
    #[serde(default)]
    pub params: SimParams,
    /// The deployment side: an edge fleet, zones, a wave plan and a bad build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy: Option<crate::spec::deploy::DeploySpec>,
    /// A control-plane deployment: API fleets, waves, a bad build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_plane: Option<crate::spec::control::ControlPlaneSpec>,
    /// A challenge: goals over the simulations' metrics and constraints on the design.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<crate::spec::challenge::ChallengeSpec>,
    /// What the page showed when the scenario was saved or shared.
    #[serde(default)]
    pub view: ViewState,
    /// A guided session through the run: steps in time order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guide: Vec<GuideStep>,
}

/// Simulation parameters beyond health checking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimParams {
    /// Health checking.
    #[serde(default)]
    pub health: HealthParams,
    /// Route 53's latency data.
    #[serde(default)]
    pub latency: LatencyModel,
    /// Representative clients simulated per client group (each stands for
    /// count / bins clients, at staggered phases). Default 4.
    #[serde(default = "default_bins")]
    pub cohort_bins: u32,
    /// Control-plane propagation of record and check changes, ms. Default 30,000
    /// (Route 53 documents "under 60 s", confirmed; the typical value is assumed: `docs/model.md`, health checks).
    #[serde(default = "default_config_delay")]
    pub config_delay_ms: u64,
}

fn default_bins() -> u32 {
    4
}
fn default_config_delay() -> u64 {
    30_000
}

impl Default for SimParams {
    fn default() -> Self {
        SimParams {
            health: HealthParams::default(),
            latency: LatencyModel::default(),
            cohort_bins: default_bins(),
            config_delay_ms: default_config_delay(),
        }
    }
}

/// View state carried in files and links.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewState {
    /// Selected panel.
    #[serde(default)]
    pub panel: String,
    /// Playhead, ms.
    #[serde(default)]
    pub playhead_ms: u64,
    /// Playback speed (simulated seconds per real second).
    #[serde(default)]
    pub speed: f64,
    /// The deployment player's playhead, ms.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub deploy_ms: u64,
    /// A trainee's committed prediction, when the sharer chose to include it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction: Option<Prediction>,
    /// Presenter mode: large type and high contrast, for a projector.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub presenter: bool,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Why a scenario document was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ScenarioError {
    /// Not valid JSON, or not the scenario shape.
    #[error("{0}")]
    Parse(String),
    /// Too big.
    #[error("the document is {0} bytes; the limit is {max}", max = limits::DOCUMENT_BYTES)]
    TooLarge(usize),
    /// From a newer build.
    #[error("scenario version {0} is newer than this build understands (up to {CURRENT_VERSION})")]
    FutureVersion(u32),
    /// Every validation problem, by path.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
}

impl Scenario {
    /// Parses a JSON document, migrating older versions, and checks the limits.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > limits::DOCUMENT_BYTES {
            return Err(ScenarioError::TooLarge(text.len()));
        }
        let mut value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ScenarioError::Parse(format!("not valid JSON: {e}")))?;
        let version = value
            .get("version")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| ScenarioError::Parse("missing \"version\": not a Routewave scenario".to_string()))?
            as u32;
        if version > CURRENT_VERSION {
            return Err(ScenarioError::FutureVersion(version));
        }
        let original = (version < CURRENT_VERSION).then(|| value.clone());
        if version < CURRENT_VERSION {
            migrate(&mut value, version);
        }
        // Straight from the text whenever migrating changed nothing but the version,
        // so errors carry their line and column.
        let unchanged = original.is_none_or(|mut o| {
            o["version"] = CURRENT_VERSION.into();
            o == value
        });
        let mut s: Scenario = if unchanged {
            serde_json::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string()))?
        } else {
            // Back through text rather than `from_value`: the scenario's types are then
            // deserialised by one reader only, which keeps a second copy of every
            // `Deserialize` impl out of the page. Positions refer to the migrated document.
            serde_json::from_str(&value.to_string())
                .map_err(|e| ScenarioError::Parse(format!("{e} (in the document migrated from version {version})")))?
        };
        s.version = CURRENT_VERSION;
        s.check_limits()?;
        Ok(s)
    }

    /// Serialises to pretty JSON (two-space indent, exactly as `serde_json`'s pretty
    /// printer writes it).
    pub fn to_json(&self) -> String {
        pretty(&self.to_json_compact())
    }

    /// Serialises to compact JSON (no whitespace), as share links carry it.
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).expect("a scenario always serialises")
    }

    /// Checks the size limits (every violation, by path).
    pub fn check_limits(&self) -> Result<(), ScenarioError> {
        let mut p = Vec::new();
        let mut lim = |path: &str, n: u64, max: u64, what: &str| {
            if n > max {
                p.push(format!("{path}: has {n} {what}; the limit is {max}"));
            }
        };
        lim("resolvers", self.resolvers.len() as u64, limits::RESOLVERS as u64, "resolvers");
        lim("clients", self.clients.len() as u64, limits::CLIENT_GROUPS as u64, "client groups");
        lim("probes", self.probes.len() as u64, limits::PROBES as u64, "probes");
        lim("faults", self.faults.len() as u64, limits::FAULTS as u64, "faults");
        lim("duration_s", self.duration_s, limits::DURATION_S, "seconds");
        let clients: u64 =
            self.clients.iter().map(|c| c.count).sum::<u64>() + self.population.as_ref().map_or(0, |p| p.clients);
        lim("clients", clients, limits::CLIENTS, "clients in all");
        if let Some(pop) = &self.population {
            lim("population.resolvers", u64::from(pop.resolvers), limits::RESOLVERS as u64, "resolvers");
        }
        for (path, text) in [("title", &self.title), ("description", &self.description)] {
            lim(path, text.len() as u64, limits::TEXT_LEN as u64, "characters");
        }
        for (i, w) in self.watch_for.iter().enumerate() {
            lim(&format!("watch_for[{i}]"), w.len() as u64, limits::TEXT_LEN as u64, "characters");
        }
        if let Some(ch) = &self.challenge {
            lim("challenge.title", ch.title.len() as u64, limits::TEXT_LEN as u64, "characters");
            lim("challenge.brief", ch.brief.len() as u64, limits::TEXT_LEN as u64, "characters");
            lim("challenge.goals", ch.goals.len() as u64, limits::CHALLENGE_CHECKS as u64, "goals");
            lim("challenge.constraints", ch.constraints.len() as u64, limits::CHALLENGE_CHECKS as u64, "constraints");
        }
        lim("guide", self.guide.len() as u64, limits::GUIDE_STEPS as u64, "steps");
        for (i, step) in self.guide.iter().enumerate() {
            lim(&format!("guide[{i}].text"), step.text.len() as u64, limits::TEXT_LEN as u64, "characters");
        }
        if p.is_empty() { Ok(()) } else { Err(ScenarioError::Invalid(p)) }
    }
}

/// Version 2 dropped `params.health.nlb_passive_ms`: an NLB's passive checks now act
/// on its own forwarding when it sees a connection fail, with no delay to set, and
/// Route 53 never sees them.
fn v1_to_v2(value: &mut serde_json::Value) {
    if let Some(health) = value.pointer_mut("/params/health").and_then(|h| h.as_object_mut()) {
        health.remove("nlb_passive_ms");
    }
}

/// Brings a document of `from` version up to [`CURRENT_VERSION`], step by step.
fn migrate(value: &mut serde_json::Value, from: u32) {
    // Each step is tested with a stored document of its version (tests/fixtures).
    if from < 2 {
        v1_to_v2(value);
    }
    if let Some(obj) = value.as_object_mut() {
        obj.insert("version".into(), serde_json::Value::from(CURRENT_VERSION));
    }
}

/// Indents compact JSON the way `serde_json::to_string_pretty` does: two spaces per
/// level, `": "` between a key and its value, `[]` and `{}` when empty. Serialising
/// once (compactly) and indenting the text keeps a second, pretty-printing copy of
/// every `Serialize` impl of the scenario out of the page.
fn pretty(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    let (mut in_string, mut escaped) = (false, false);
    let mut start = 0; // start of the pending run of bytes copied as they are
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if !matches!(b, b'{' | b'[' | b'}' | b']' | b',' | b':') {
            in_string = b == b'"';
            i += 1;
            continue;
        }
        out.push_str(&compact[start..i]);
        match b {
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                if bytes.get(i + 1) == Some(&close) {
                    out.push(b as char);
                    out.push(close as char);
                    i += 1;
                } else {
                    out.push(b as char);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(b as char);
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            _ => out.push_str(": "),
        }
        i += 1;
        start = i;
    }
    out.push_str(&compact[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_is_serde_jsons_pretty_printer_byte_for_byte() {
        let tricky = serde_json::json!({
            "empty_list": [], "empty_map": {}, "nested": [[], {}, [1, [2, {"a": []}]]],
            "text": "quotes \" and backslash \\ and brackets [{,:}] and \\\" end",
            "unicode": "café ✓ \u{1}", "n": -1.5e-7, "t": true, "z": null,
        });
        let compact = serde_json::to_string(&tricky).unwrap();
        assert_eq!(pretty(&compact), serde_json::to_string_pretty(&tricky).unwrap());
        assert_eq!(pretty("[]"), "[]");
        assert_eq!(pretty("{}"), "{}");
        assert_eq!(pretty("7"), "7");
    }

    #[test]
    fn a_scenario_reads_back_from_its_pretty_and_its_compact_json() {
        let s: Scenario = serde_json::from_str(
            r#"{"version":2,"title":"t","seed":3,"duration_s":60,"service":"www.example.com",
                "zone":{"name":"example.com","regions":[{"name":"us-east-1"}],"load_balancers":[],"records":[]}}"#,
        )
        .unwrap();
        assert_eq!(s.to_json(), serde_json::to_string_pretty(&s).unwrap());
        assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
        assert_eq!(Scenario::from_json(&s.to_json_compact()).unwrap(), s);
    }

    /// The same enum with serde's derive, to compare the hand-written reader with.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
    #[allow(dead_code)] // only read, to compare messages
    enum Derived {
        StopRegion { region: String },
        StopAz { az: String },
        StopHost { host: String },
        BlackHoleRegion { region: String },
        BlackHoleHost { host: String },
        SlowHost { host: String, delay_ms: u64 },
        StartRegion { region: String },
        StartAz { az: String },
        StartHost { host: String },
        LbDown { lb: String },
        LbUp { lb: String },
        PartitionCheckers { region: String },
        HealCheckers { region: String },
        SetWeight { name: String, set_id: String, weight: u32 },
        SetInverted { check: String, inverted: bool },
        SetManual { check: String, healthy: bool },
        RestoreAll,
        ApplyChanges { changes: Vec<crate::spec::changes::RecordChange> },
    }

    #[test]
    fn fault_actions_read_as_serdes_tagged_enum_reads_them() {
        for action in [
            FaultAction::StopRegion { region: "us-east-1".into() },
            FaultAction::StopAz { az: "us-east-1a".into() },
            FaultAction::StopHost { host: "h".into() },
            FaultAction::BlackHoleRegion { region: "r".into() },
            FaultAction::BlackHoleHost { host: "h".into() },
            FaultAction::SlowHost { host: "h".into(), delay_ms: 250 },
            FaultAction::StartRegion { region: "r".into() },
            FaultAction::StartAz { az: "a".into() },
            FaultAction::StartHost { host: "h".into() },
            FaultAction::LbDown { lb: "lb".into() },
            FaultAction::LbUp { lb: "lb".into() },
            FaultAction::PartitionCheckers { region: "r".into() },
            FaultAction::HealCheckers { region: "r".into() },
            FaultAction::SetWeight { name: "www".into(), set_id: "a".into(), weight: 7 },
            FaultAction::SetInverted { check: "c".into(), inverted: true },
            FaultAction::SetManual { check: "c".into(), healthy: false },
            FaultAction::RestoreAll,
            FaultAction::ApplyChanges { changes: vec![] },
            FaultAction::ApplyChanges {
                changes: serde_json::from_str(
                    r#"[{"action": "upsert", "record": {"name": "www.example.com", "type": "A", "ttl_s": 60,
                        "value": {"values": ["192.0.2.1"]}}}]"#,
                )
                .unwrap(),
            },
        ] {
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(serde_json::from_str::<FaultAction>(&json).unwrap(), action, "{json}");
        }
        // The tag may come last; the messages are serde's, error for error.
        let ok = r#"{"region": "eu-west-1", "do": "stop_region"}"#;
        assert_eq!(
            serde_json::from_str::<FaultAction>(ok).unwrap(),
            FaultAction::StopRegion { region: "eu-west-1".into() }
        );
        for doc in [
            r#"{"region": "r"}"#,
            r#"{"do": "stop_regions", "region": "r"}"#,
            r#"{"do": "stop_region"}"#,
            r#"{"do": "stop_region", "region": "r", "colour": "red"}"#,
            r#"{"do": "stop_region", "region": "r", "delay_ms": 3}"#,
            r#"{"do": "slow_host", "host": "h", "delay_ms": "3"}"#,
            r#"{"do": "slow_host", "host": "h"}"#,
            r#"{"do": "set_weight", "name": "n", "set_id": "s", "weight": 1, "healthy": true}"#,
            r#"{"do": "set_manual", "check": "c", "healthy": 1}"#,
            r#"{"do": "stop_region", "region": "r", "region": "s"}"#,
            r#"{"do": "apply_changes"}"#,
            r#"{"do": "apply_changes", "changes": {}}"#,
            r#"{"do": "apply_changes", "changes": [], "region": "r"}"#,
            r#""stop_region""#,
        ] {
            let mine = serde_json::from_str::<FaultAction>(doc).unwrap_err().to_string();
            let derived = serde_json::from_str::<Derived>(doc).unwrap_err().to_string();
            let strip = |m: &str| m.split(" at line ").next().unwrap().replace("Derived", "FaultAction");
            assert_eq!(strip(&mine), strip(&derived), "{doc}");
        }
        // The derive lets a field through beside a variant without fields; this reader
        // refuses it like any other field the variant does not have.
        let stray = r#"{"do": "restore_all", "changes": []}"#;
        assert!(serde_json::from_str::<Derived>(stray).is_ok());
        let err = serde_json::from_str::<FaultAction>(stray).unwrap_err().to_string();
        assert!(err.starts_with("unknown field `changes`, there are no fields"), "{err}");
    }

    #[test]
    fn an_older_version_is_migrated_and_its_errors_say_where() {
        let old = r#"{"version":1,"title":"t","seed":3,"duration_s":60,"service":"www.example.com",
                "zone":{"name":"example.com","regions":[],"load_balancers":[],"records":[]}}"#;
        assert_eq!(Scenario::from_json(old).unwrap().version, CURRENT_VERSION);
        // Migrating changed nothing but the version: the error points into the text as written.
        let bad = old.replace(r#""seed":3"#, r#""seed":"three""#);
        let err = Scenario::from_json(&bad).unwrap_err().to_string();
        assert!(err.contains("line 1 column") && !err.contains("migrated"), "{err}");
        // Migrating dropped a field: the error says the position is in the migrated document.
        let dropped = bad.replace(r#""title":"t","#, r#""title":"t","params":{"health":{"nlb_passive_ms":3000}},"#);
        let err = Scenario::from_json(&dropped).unwrap_err().to_string();
        assert!(err.contains("migrated from version 1"), "{err}");
        assert!(Scenario::from_json(&dropped.replace(r#""seed":"three""#, r#""seed":3"#)).is_ok());
    }
}
