//! The scenario format: one versioned serde document holding a whole training
//! scenario — the zone and its world, resolvers, clients, probes, the fault script,
//! simulation parameters, seed, the story ("watch for" hints) and view state.
//!
//! JSON is the file format. `version` is required; [`Scenario::from_json`] migrates
//! older versions forward before validating, so old files and links keep loading.

use serde::{Deserialize, Serialize};

use crate::spec::kinds::ClientKind;
use crate::spec::kinds::ResolverKind;
use crate::spec::params::HealthParams;
use crate::spec::params::LatencyModel;
pub use crate::spec::training::{GuideStep, Prediction};
use crate::spec::zone::ZoneSpec;

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
    /// What the page showed when the scenario was saved or shared.
    #[serde(default)]
    pub view: ViewState,
    /// A guided session through the run: steps in time order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guide: Vec<GuideStep>,
}

/// A named resolver.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolverSpec {
    /// Id referenced by clients and probes.
    pub id: String,
    /// City id (see `geo::CITIES`).
    pub city: String,
    /// Implementation family.
    pub kind: ResolverKind,
    /// Send EDNS client subnet (default: the kind's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecs: Option<bool>,
    /// Extend every TTL to at least this many seconds (a TTL violator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extend_ttl_s: Option<u32>,
    /// IPv4 address (default: derived from the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
}

impl ResolverSpec {
    /// The field experiment's resolver: Unbound-like, in Washington, DC, honouring TTLs.
    pub fn field_experiment() -> ResolverSpec {
        ResolverSpec {
            id: "dc-unbound".into(),
            city: "washington-dc".into(),
            kind: ResolverKind::Unbound,
            ecs: None,
            extend_ttl_s: None,
            addr: None,
        }
    }
}

impl ProbeSpec {
    /// The field experiment's client: a `curl` loop every second from Washington, DC
    /// through [`ResolverSpec::field_experiment`].
    pub fn field_experiment() -> ProbeSpec {
        ProbeSpec {
            id: "curl-dc".into(),
            city: "washington-dc".into(),
            resolver: "dc-unbound".into(),
            kind: ClientKind::Curl,
            interval_ms: 1_000,
        }
    }
}

/// A generated population of resolvers with clients behind them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    /// Number of resolvers.
    pub resolvers: u32,
    /// Number of clients, spread evenly over the resolvers.
    pub clients: u64,
    /// Cities to place resolvers in, with weights (default: every city equally).
    #[serde(default)]
    pub cities: Vec<(String, u32)>,
    /// Mix of resolver kinds, with weights.
    #[serde(default = "default_kind_mix")]
    pub kinds: Vec<(ResolverKind, u32)>,
    /// Share of resolvers that extend TTLs, percent (8.74 measured \[S\]).
    #[serde(default = "default_extender_pct")]
    pub extender_pct: f64,
    /// TTL extenders cache for at least this long, s (\[U\]).
    #[serde(default = "default_extend_ttl")]
    pub extend_ttl_s: u32,
    /// Mix of client kinds, with weights.
    #[serde(default = "default_client_mix")]
    pub client_kinds: Vec<(ClientKind, u32)>,
    /// Requests per client per minute.
    #[serde(default = "default_rate")]
    pub requests_per_min: f64,
}

fn default_kind_mix() -> Vec<(ResolverKind, u32)> {
    vec![
        (ResolverKind::Bind, 30),
        (ResolverKind::Unbound, 25),
        (ResolverKind::Powerdns, 10),
        (ResolverKind::Knot, 5),
        (ResolverKind::PublicAnycast, 30),
    ]
}
fn default_extender_pct() -> f64 {
    8.74
}
fn default_extend_ttl() -> u32 {
    3_600
}
fn default_client_mix() -> Vec<(ClientKind, u32)> {
    vec![(ClientKind::Browser, 60), (ClientKind::Jvm, 15), (ClientKind::Firefox, 10), (ClientKind::SystemdResolved, 15)]
}
fn default_rate() -> f64 {
    1.0
}

/// Clients of one kind behind one resolver.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientGroupSpec {
    /// The resolver id.
    pub resolver: String,
    /// How many clients.
    pub count: u64,
    /// Their kind.
    pub kind: ClientKind,
    /// Requests per client per minute.
    #[serde(default = "default_rate")]
    pub requests_per_min: f64,
    /// Where the clients are (default: the resolver's city); used for ECS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

/// A probe: one client with a fixed request interval, every request recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeSpec {
    /// Name shown in the log.
    pub id: String,
    /// Where it is.
    pub city: String,
    /// The resolver it uses.
    pub resolver: String,
    /// Its client behaviour.
    pub kind: ClientKind,
    /// Pause between the end of one request and the start of the next, ms.
    pub interval_ms: u64,
}

/// One scripted fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// When, in ms since the start.
    pub at_ms: u64,
    /// What happens.
    pub action: FaultAction,
}

/// Things that can be done to the world or the configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultAction {
    /// Stop the web servers of every host in a region (connections refused).
    StopRegion {
        /// Region.
        region: String,
    },
    /// Stop the web servers in one availability zone.
    StopAz {
        /// Availability zone.
        az: String,
    },
    /// Stop one host's web server.
    StopHost {
        /// Host id.
        host: String,
    },
    /// Black-hole every host of a region (packets vanish).
    BlackHoleRegion {
        /// Region.
        region: String,
    },
    /// Black-hole one host.
    BlackHoleHost {
        /// Host id.
        host: String,
    },
    /// Make one host answer slowly.
    SlowHost {
        /// Host id.
        host: String,
        /// Extra delay per response, ms.
        delay_ms: u64,
    },
    /// Start the web servers of a region again.
    StartRegion {
        /// Region.
        region: String,
    },
    /// Start the web servers in an availability zone again.
    StartAz {
        /// Availability zone.
        az: String,
    },
    /// Restore one host.
    StartHost {
        /// Host id.
        host: String,
    },
    /// Take a load balancer down (its nodes black-hole traffic).
    LbDown {
        /// Load balancer id.
        lb: String,
    },
    /// Bring a load balancer back.
    LbUp {
        /// Load balancer id.
        lb: String,
    },
    /// Cut a health-checker region off from every endpoint.
    PartitionCheckers {
        /// Checker region.
        region: String,
    },
    /// Heal a checker-region partition.
    HealCheckers {
        /// Checker region.
        region: String,
    },
    /// Change a weighted record's weight (a control-plane change: it takes effect
    /// after the configuration-propagation delay).
    SetWeight {
        /// Record name.
        name: String,
        /// Set identifier.
        set_id: String,
        /// New weight, 0..=255.
        weight: u32,
    },
    /// Invert (or un-invert) a health check, e.g. to drain a region (a control-plane
    /// change).
    SetInverted {
        /// Check id.
        check: String,
        /// Inverted?
        inverted: bool,
    },
    /// Set a manual check (alarm / routing control) healthy or unhealthy.
    SetManual {
        /// Check id.
        check: String,
        /// Healthy?
        healthy: bool,
    },
    /// Undo every world fault: all hosts up, all LBs up, no partitions.
    RestoreAll,
    /// Apply a change batch to the zone's records (a control-plane change, like a
    /// `ChangeResourceRecordSets` call at this moment); see
    /// [`crate::spec::changes::apply_changes`].
    ApplyChanges {
        /// The changes, applied in order, all or nothing.
        changes: Vec<crate::spec::changes::RecordChange>,
    },
}

impl FaultAction {
    /// Does this action break something (as opposed to repairing or reconfiguring)?
    pub fn is_breaking(&self) -> bool {
        matches!(
            self,
            FaultAction::StopRegion { .. }
                | FaultAction::StopAz { .. }
                | FaultAction::StopHost { .. }
                | FaultAction::BlackHoleRegion { .. }
                | FaultAction::BlackHoleHost { .. }
                | FaultAction::SlowHost { .. }
                | FaultAction::LbDown { .. }
        )
    }

    /// The action in a few words.
    pub fn describe(&self) -> String {
        match self {
            FaultAction::StopRegion { region } => format!("stop the web servers in {region}"),
            FaultAction::StopAz { az } => format!("stop the web servers in {az}"),
            FaultAction::StopHost { host } => format!("stop {host}"),
            FaultAction::BlackHoleRegion { region } => format!("black-hole {region}"),
            FaultAction::BlackHoleHost { host } => format!("black-hole {host}"),
            FaultAction::SlowHost { host, delay_ms } => format!("slow {host} by {delay_ms} ms"),
            FaultAction::StartRegion { region } => format!("start the web servers in {region}"),
            FaultAction::StartAz { az } => format!("start the web servers in {az}"),
            FaultAction::StartHost { host } => format!("restore {host}"),
            FaultAction::LbDown { lb } => format!("take load balancer {lb} down"),
            FaultAction::LbUp { lb } => format!("bring load balancer {lb} back"),
            FaultAction::PartitionCheckers { region } => format!("cut checker region {region} off"),
            FaultAction::HealCheckers { region } => format!("reconnect checker region {region}"),
            FaultAction::SetWeight { name, set_id, weight } => format!("set weight of {name} [{set_id}] to {weight}"),
            FaultAction::SetInverted { check, inverted } => {
                format!("{} health check {check}", if *inverted { "invert" } else { "un-invert" })
            }
            FaultAction::SetManual { check, healthy } => {
                format!("set {check} {}", if *healthy { "healthy" } else { "unhealthy" })
            }
            FaultAction::RestoreAll => "restore everything".to_string(),
            FaultAction::ApplyChanges { changes } => match changes.as_slice() {
                [one] => format!(
                    "{} {}",
                    format!("{:?}", one.action).to_uppercase(),
                    crate::spec::changes::record_label(&one.record)
                ),
                _ => format!("apply a change batch of {} changes", changes.len()),
            },
        }
    }
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
            serde_json::from_value(value).map_err(|e| ScenarioError::Parse(e.to_string()))?
        };
        s.version = CURRENT_VERSION;
        s.check_limits()?;
        Ok(s)
    }

    /// Serialises to pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises")
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
