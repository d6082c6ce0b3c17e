//! Who sends the queries in a scenario: named resolvers, a generated population of
//! resolvers and clients, client groups behind one resolver, probes, and how a
//! client times its requests ([`TrafficModel`]).

use serde::{Deserialize, Serialize};

use crate::spec::kinds::{ClientKind, ResolverKind};

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
    /// Share of resolvers that extend TTLs, percent (8.74: documented, measured in
    /// PAM 2023; `docs/model.md`, "Client population and traffic").
    #[serde(default = "default_extender_pct")]
    pub extender_pct: f64,
    /// TTL extenders cache for at least this long, s (3600: assumed; `docs/model.md`,
    /// "Client population and traffic").
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

/// The resolver kinds' default mix, by weight, shared by the failover population and the
/// data plane's resolvers: BIND 30, Unbound 25, PowerDNS 10, Knot 5, public anycast 30
/// (an assumption: deployed shares are not published).
pub(crate) fn default_kind_mix() -> Vec<(ResolverKind, u32)> {
    vec![
        (ResolverKind::Bind, 30),
        (ResolverKind::Unbound, 25),
        (ResolverKind::Powerdns, 10),
        (ResolverKind::Knot, 5),
        (ResolverKind::PublicAnycast, 30),
    ]
}

/// The default share of resolvers that extend TTLs, percent (measured, PAM 2023).
pub(crate) fn default_extender_pct() -> f64 {
    8.74
}

/// The default time an extending resolver keeps every answer at least, s (assumed).
pub(crate) fn default_extend_ttl() -> u32 {
    3_600
}

/// The client kinds' default mix behind the resolvers, by weight.
pub(crate) fn default_client_mix() -> Vec<(ClientKind, u32)> {
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
