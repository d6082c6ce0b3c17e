//! The fault script's entries: a [`FaultSpec`] is a [`FaultAction`] at a time. An
//! action is written `{"do": "stop_region", "region": "us-east-1"}` and read by a
//! hand-written one-pass reader that accepts what serde's derive for an internally
//! tagged enum would.

use serde::{Deserialize, Serialize};

/// Sorts a fault script by time, keeping the order of faults at the same moment
/// (one shared sort for the page's every fault list).
pub fn sort_faults(faults: &mut [FaultSpec]) {
    faults.sort_by_key(|f| f.at_ms);
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
