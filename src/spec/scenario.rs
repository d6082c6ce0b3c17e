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
    /// How each client times its requests (see [`TrafficModel`]; absent: a
    /// constant rate, as documents gave it before `traffic` existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<TrafficModel>,
    /// Requests per client per minute at a constant rate: how documents gave the
    /// traffic before `traffic` existed, read as `{"constant": {...}}` (default 1
    /// when neither is given). Give one or the other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_min: Option<f64>,
}

impl PopulationSpec {
    /// The traffic model its clients follow (see [`TrafficModel::of`]).
    pub fn traffic_model(&self) -> Result<TrafficModel, String> {
        TrafficModel::of(self.traffic, self.requests_per_min)
    }
}

/// How a client times its requests.
///
/// JSON: `{"sessions": {"reading_mean_s": 30, "parsing_mean_s": 0.13}}` or
/// `{"constant": {"requests_per_min": 2}}`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TrafficModel {
    /// Web browsing as the 3GPP / 3GPP2 model has it (as implemented in ns-3's
    /// `ThreeGppHttpVariables`): load a page, parse it (then its embedded objects
    /// come over the same connection), read it, load the next. A page load is one
    /// request; the parsing and reading times are exponential.
    Sessions {
        /// Mean reading (think) time after a page, s. Default 30.
        #[serde(default = "default_reading_mean")]
        reading_mean_s: f64,
        /// Mean time to parse a page before its embedded objects are requested, s.
        /// Default 0.13.
        #[serde(default = "default_parsing_mean")]
        parsing_mean_s: f64,
    },
    /// A constant rate: every client requests every 60 / `requests_per_min` s.
    Constant {
        /// Requests per client per minute (0 or less: none).
        requests_per_min: f64,
    },
}

fn default_reading_mean() -> f64 {
    30.0
}
fn default_parsing_mean() -> f64 {
    0.13
}

/// Requests per client per minute of a document that gives neither `traffic` nor
/// `requests_per_min` (the default before `traffic` existed, kept so such documents
/// run as they did).
pub const DEFAULT_REQUESTS_PER_MIN: f64 = 1.0;

impl TrafficModel {
    /// Web browsing with the 3GPP model's means: reading 30 s, parsing 0.13 s.
    pub fn browsing() -> TrafficModel {
        TrafficModel::Sessions { reading_mean_s: default_reading_mean(), parsing_mean_s: default_parsing_mean() }
    }

    /// The model a document gives: its `traffic`, else a constant `requests_per_min`
    /// (default [`DEFAULT_REQUESTS_PER_MIN`], so a document written before `traffic`
    /// existed means what it meant); an error when it gives both.
    pub fn of(traffic: Option<TrafficModel>, requests_per_min: Option<f64>) -> Result<TrafficModel, String> {
        match (traffic, requests_per_min) {
            (Some(_), Some(_)) => Err("give either traffic or requests_per_min, not both".into()),
            (Some(t), None) => Ok(t),
            (None, r) => Ok(TrafficModel::Constant { requests_per_min: r.unwrap_or(DEFAULT_REQUESTS_PER_MIN) }),
        }
    }

    /// What is wrong with its numbers, as (field, message).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        match *self {
            TrafficModel::Sessions { reading_mean_s, parsing_mean_s } => {
                if !(reading_mean_s.is_finite() && reading_mean_s > 0.0) {
                    p.push(("sessions.reading_mean_s", format!("{reading_mean_s}: must be more than 0 s")));
                }
                if !(parsing_mean_s.is_finite() && parsing_mean_s >= 0.0) {
                    p.push(("sessions.parsing_mean_s", format!("{parsing_mean_s}: must be 0 s or more")));
                }
            }
            TrafficModel::Constant { requests_per_min } => {
                if !requests_per_min.is_finite() {
                    p.push(("constant.requests_per_min", format!("{requests_per_min}: must be a number")));
                }
            }
        }
        p
    }
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
    /// How each client times its requests (see [`TrafficModel`]; absent: a
    /// constant rate, as documents gave it before `traffic` existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<TrafficModel>,
    /// Requests per client per minute at a constant rate (older documents; default 1
    /// when neither is given); give this or `traffic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_min: Option<f64>,
    /// Where the clients are (default: the resolver's city); used for ECS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

impl ClientGroupSpec {
    /// The traffic model its clients follow (see [`TrafficModel::of`]).
    pub fn traffic_model(&self) -> Result<TrafficModel, String> {
        TrafficModel::of(self.traffic, self.requests_per_min)
    }
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

/// Things that can be done to the world or the configuration. Written as
/// `{"do": "stop_region", "region": "us-east-1"}`; read by a hand-written visitor
/// (below) that accepts exactly what serde's derive would, except a stray field beside
/// `restore_all`, which the derive ignores and this reader refuses.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "do", rename_all = "snake_case")]
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
                    format!("{:?}", one.action).to_ascii_uppercase(),
                    crate::spec::changes::record_label(&one.record)
                ),
                _ => format!("apply a change batch of {} changes", changes.len()),
            },
        }
    }
}

/// The actions' names, as `do` writes them.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FaultKind {
    StopRegion,
    StopAz,
    StopHost,
    BlackHoleRegion,
    BlackHoleHost,
    SlowHost,
    StartRegion,
    StartAz,
    StartHost,
    LbDown,
    LbUp,
    PartitionCheckers,
    HealCheckers,
    SetWeight,
    SetInverted,
    SetManual,
    RestoreAll,
    ApplyChanges,
}

impl FaultKind {
    /// The action's fields.
    fn fields(self) -> &'static [&'static str] {
        use FaultKind::*;
        match self {
            StopRegion | BlackHoleRegion | StartRegion | PartitionCheckers | HealCheckers => &["region"],
            StopAz | StartAz => &["az"],
            StopHost | BlackHoleHost | StartHost => &["host"],
            SlowHost => &["host", "delay_ms"],
            LbDown | LbUp => &["lb"],
            SetWeight => &["name", "set_id", "weight"],
            SetInverted => &["check", "inverted"],
            SetManual => &["check", "healthy"],
            RestoreAll => &[],
            ApplyChanges => &["changes"],
        }
    }
}

/// Reads a fault action in one pass over its fields (see `spec/tagged.rs`):
/// the same actions and the same messages as serde's derive for the internally
/// tagged enum, in a fraction of the code.
impl<'de> Deserialize<'de> for FaultAction {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = FaultAction;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("internally tagged enum FaultAction")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<FaultAction, A::Error> {
                use crate::spec::tagged::{need, only, put};
                let mut kind: Option<FaultKind> = None;
                let (mut region, mut az, mut host, mut lb, mut name, mut set_id, mut check) =
                    (None, None, None, None, None, None, None);
                let (mut delay_ms, mut weight, mut inverted, mut healthy) = (None, None, None, None);
                let mut changes: Option<Vec<crate::spec::changes::RecordChange>> = None;
                let mut unknown: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "do" => put(&mut kind, map.next_value()?, "do")?,
                        "region" => put(&mut region, map.next_value::<String>()?, "region")?,
                        "az" => put(&mut az, map.next_value::<String>()?, "az")?,
                        "host" => put(&mut host, map.next_value::<String>()?, "host")?,
                        "lb" => put(&mut lb, map.next_value::<String>()?, "lb")?,
                        "name" => put(&mut name, map.next_value::<String>()?, "name")?,
                        "set_id" => put(&mut set_id, map.next_value::<String>()?, "set_id")?,
                        "check" => put(&mut check, map.next_value::<String>()?, "check")?,
                        "delay_ms" => put(&mut delay_ms, map.next_value::<u64>()?, "delay_ms")?,
                        "weight" => put(&mut weight, map.next_value::<u32>()?, "weight")?,
                        "inverted" => put(&mut inverted, map.next_value::<bool>()?, "inverted")?,
                        "healthy" => put(&mut healthy, map.next_value::<bool>()?, "healthy")?,
                        "changes" => put(&mut changes, map.next_value()?, "changes")?,
                        _ => {
                            unknown.get_or_insert(key);
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let kind = need(kind, "do")?;
                only(
                    kind.fields(),
                    unknown.as_deref(),
                    &[
                        ("region", region.is_some()),
                        ("az", az.is_some()),
                        ("host", host.is_some()),
                        ("lb", lb.is_some()),
                        ("name", name.is_some()),
                        ("set_id", set_id.is_some()),
                        ("check", check.is_some()),
                        ("delay_ms", delay_ms.is_some()),
                        ("weight", weight.is_some()),
                        ("inverted", inverted.is_some()),
                        ("healthy", healthy.is_some()),
                        ("changes", changes.is_some()),
                    ],
                )?;
                Ok(match kind {
                    FaultKind::StopRegion => FaultAction::StopRegion { region: need(region, "region")? },
                    FaultKind::StopAz => FaultAction::StopAz { az: need(az, "az")? },
                    FaultKind::StopHost => FaultAction::StopHost { host: need(host, "host")? },
                    FaultKind::BlackHoleRegion => FaultAction::BlackHoleRegion { region: need(region, "region")? },
                    FaultKind::BlackHoleHost => FaultAction::BlackHoleHost { host: need(host, "host")? },
                    FaultKind::SlowHost => {
                        FaultAction::SlowHost { host: need(host, "host")?, delay_ms: need(delay_ms, "delay_ms")? }
                    }
                    FaultKind::StartRegion => FaultAction::StartRegion { region: need(region, "region")? },
                    FaultKind::StartAz => FaultAction::StartAz { az: need(az, "az")? },
                    FaultKind::StartHost => FaultAction::StartHost { host: need(host, "host")? },
                    FaultKind::LbDown => FaultAction::LbDown { lb: need(lb, "lb")? },
                    FaultKind::LbUp => FaultAction::LbUp { lb: need(lb, "lb")? },
                    FaultKind::PartitionCheckers => FaultAction::PartitionCheckers { region: need(region, "region")? },
                    FaultKind::HealCheckers => FaultAction::HealCheckers { region: need(region, "region")? },
                    FaultKind::SetWeight => FaultAction::SetWeight {
                        name: need(name, "name")?,
                        set_id: need(set_id, "set_id")?,
                        weight: need(weight, "weight")?,
                    },
                    FaultKind::SetInverted => {
                        FaultAction::SetInverted { check: need(check, "check")?, inverted: need(inverted, "inverted")? }
                    }
                    FaultKind::SetManual => {
                        FaultAction::SetManual { check: need(check, "check")?, healthy: need(healthy, "healthy")? }
                    }
                    FaultKind::RestoreAll => FaultAction::RestoreAll,
                    FaultKind::ApplyChanges => FaultAction::ApplyChanges { changes: need(changes, "changes")? },
                })
            }
        }
        deserializer.deserialize_map(Fields)
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
