//! A plan as a board of wave columns, for the page to draw: each wave (and the
//! things in no wave) with its chips, its warning and, at a playhead, where the
//! deployment is with it. Data-plane waves hold edge locations (marked by stripe);
//! control-plane waves hold fleets (marked customer-facing or not). Moving a chip a
//! column left or right with the keyboard is decided here too.

use std::collections::BTreeSet;

use super::editing::unplanned;
use super::schedule::Schedule;
use crate::base::time::SimTime;
use crate::spec::control::ControlPlaneSpec;
use crate::spec::deploy::{DeploySpec, STRIPES};

/// Where the deployment is with a wave that has started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaveStatus {
    /// Its locations are deploying, or it is baking.
    Deploying,
    /// The next wave has started.
    Done,
    /// The alarm fired: the plan halted and is rolling back.
    Halted,
    /// The rollback is complete.
    RolledBack,
}

impl WaveStatus {
    /// The status in words, with a glyph.
    pub fn label(self) -> &'static str {
        match self {
            WaveStatus::Deploying => "▶ deploying / baking",
            WaveStatus::Done => "✓ done",
            WaveStatus::Halted => "■ halted, rolling back",
            WaveStatus::RolledBack => "↺ rolled back",
        }
    }
}

/// Where the deployment is with wave `w` (0-based) at `t`; `None` before it starts.
pub fn wave_status(s: &Schedule, w: usize, t: SimTime) -> Option<WaveStatus> {
    let start = *s.wave_start.get(w)?;
    if t < start {
        return None;
    }
    Some(match (s.alarm_at, s.rollback_done) {
        (_, Some(done)) if t >= done => WaveStatus::RolledBack,
        (Some(a), _) if t >= a => WaveStatus::Halted,
        _ if s.wave_start.get(w + 1).is_some_and(|n| t >= *n) => WaveStatus::Done,
        _ => WaveStatus::Deploying,
    })
}

/// Every wave's status at `t`, for a plan of `waves` waves.
pub fn wave_statuses(s: &Schedule, waves: usize, t: SimTime) -> Vec<Option<WaveStatus>> {
    (0..waves).map(|w| wave_status(s, w, t)).collect()
}

/// How a chip is marked (the page picks the colour and shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// An edge location announcing this stripe (0..4).
    Stripe(usize),
    /// A control-plane fleet.
    Fleet {
        /// Serves customers directly.
        customer_facing: bool,
    },
}

/// A thing in a wave: a location or a fleet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chip {
    /// Its id (a location id or a fleet name).
    pub id: String,
    /// Shown text.
    pub label: String,
    /// What a screen reader says.
    pub aria: String,
    /// How it is marked.
    pub mark: Mark,
}

/// One column of the board: a wave, or the things in no wave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The wave, 0-based; `None` for "not in a wave".
    pub wave: Option<usize>,
    /// Its bake time, s.
    pub bake_s: u64,
    /// What deserves a warning about it, in words.
    pub warn: Option<String>,
    /// Where the deployment is with it at the playhead.
    pub status: Option<WaveStatus>,
    /// What it holds.
    pub chips: Vec<Chip>,
}

/// The data-plane plan of `d` as columns, with `statuses` per wave (missing ones
/// count as not started). A wave whose locations announce more than one stripe is
/// warned about: one bad build there reaches every zone through several stripes.
pub fn locations(d: &DeploySpec, statuses: &[Option<WaveStatus>]) -> Vec<Column> {
    let chip = |id: &String| {
        let (stripe, hw) =
            d.fleet.iter().find(|l| &l.id == id).map_or((0, 0), |l| (usize::from(l.stripe) % STRIPES, l.hardware_gen));
        Chip {
            id: id.clone(),
            label: format!("{id} · g{hw}"),
            aria: format!("{id}, stripe {stripe}, hardware generation {hw}"),
            mark: Mark::Stripe(stripe),
        }
    };
    let stripes = |ids: &[String]| {
        ids.iter()
            .filter_map(|id| d.fleet.iter().find(|l| &l.id == id).map(|l| l.stripe))
            .collect::<BTreeSet<u8>>()
            .len()
    };
    let mut cols: Vec<Column> = d
        .plan
        .waves
        .iter()
        .enumerate()
        .map(|(i, w)| Column {
            wave: Some(i),
            bake_s: w.bake_s,
            warn: (stripes(&w.locations) > 1).then(|| "mixes stripes".to_string()),
            status: statuses.get(i).copied().flatten(),
            chips: w.locations.iter().map(chip).collect(),
        })
        .collect();
    cols.push(Column {
        wave: None,
        bake_s: 0,
        warn: None,
        status: None,
        chips: unplanned(d).iter().map(chip).collect(),
    });
    cols
}

/// The control-plane plan of `c` as columns. A wave with more than one
/// customer-facing fleet is warned about, and so is a first wave that deploys to
/// customers while internal fleets could have gone first.
pub fn fleets(c: &ControlPlaneSpec) -> Vec<Column> {
    let chip = |name: &String| {
        let f = c.fleets.iter().find(|f| &f.name == name);
        let customer = f.is_some_and(|f| f.customer_facing);
        Chip {
            id: name.clone(),
            label: format!("{name} · {} hosts", f.map_or(0, |f| f.hosts)),
            aria: format!("{name}{}", if customer { ", customer-facing" } else { "" }),
            mark: Mark::Fleet { customer_facing: customer },
        }
    };
    let mut cols: Vec<Column> = c
        .waves
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let customer =
                w.fleets.iter().filter(|n| c.fleets.iter().any(|f| &f.name == *n && f.customer_facing)).count();
            let warn = if customer > 1 {
                Some(format!("{customer} customer-facing fleets at once"))
            } else if i == 0 && customer > 0 && c.fleets.iter().any(|f| !f.customer_facing) {
                Some("customers first".to_string())
            } else {
                None
            };
            Column { wave: Some(i), bake_s: w.bake_s, warn, status: None, chips: w.fleets.iter().map(chip).collect() }
        })
        .collect();
    let planned: Vec<&String> = c.waves.iter().flat_map(|w| &w.fleets).collect();
    cols.push(Column {
        wave: None,
        bake_s: 0,
        warn: None,
        status: None,
        chips: c.fleets.iter().map(|f| &f.name).filter(|n| !planned.contains(n)).map(chip).collect(),
    });
    cols
}

/// A keyboard move of a chip to the neighbouring column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toward {
    /// ←: the wave before (from the first wave: out of the plan).
    Earlier,
    /// →: the wave after (past the last wave: a new one).
    Later,
}

/// Where a chip in column `from` (`None`: not in a wave) goes when moved `toward`,
/// on a board of `waves` waves: `Some(to)` to move it (`to` as for
/// [`crate::deploy::move_item`]), `None` when the key does nothing there. From "not
/// in a wave", ← puts it in the last wave.
pub fn step(from: Option<usize>, toward: Toward, waves: usize) -> Option<Option<usize>> {
    match (toward, from) {
        (Toward::Earlier, Some(0)) => Some(None),
        (Toward::Earlier, Some(w)) => Some(Some(w - 1)),
        (Toward::Earlier, None) => Some(Some(waves.saturating_sub(1))),
        (Toward::Later, Some(w)) => Some(Some(w + 1)),
        (Toward::Later, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::schedule;
    use crate::design::presets;

    #[test]
    fn a_wave_goes_from_deploying_to_done_or_halted_and_rolled_back() {
        let d = presets::preset("data-plane-bad-plan").unwrap().deploy.unwrap();
        let s = schedule(&d);
        let (w0, a, done) = (s.wave_start[0], s.alarm_at.unwrap(), s.rollback_done.unwrap());
        assert!(w0 < a && a < done, "{w0} {a} {done}");
        assert_eq!(wave_status(&s, 0, w0), Some(WaveStatus::Deploying));
        assert_eq!(wave_status(&s, 0, a), Some(WaveStatus::Halted));
        assert_eq!(wave_status(&s, 0, done), Some(WaveStatus::RolledBack));
        assert_eq!(wave_status(&s, s.wave_start.len(), done), None, "a wave that never started");
        let all = wave_statuses(&s, d.plan.waves.len(), a);
        assert_eq!(all.len(), d.plan.waves.len());
        assert_eq!(all[0], Some(WaveStatus::Halted));
        assert_eq!(all.last().copied().flatten(), None);
        assert_eq!(WaveStatus::Halted.label(), "■ halted, rolling back");
    }

    #[test]
    fn a_wave_is_done_once_the_next_one_starts() {
        let mut d = presets::preset("data-plane-by-stripe").unwrap().deploy.unwrap();
        d.bad_build.detected = false;
        let s = schedule(&d);
        assert!(s.alarm_at.is_none() && s.wave_start.len() >= 2, "{:?}", s.wave_start);
        let before = SimTime(s.wave_start[1].as_ms() - 1);
        assert_eq!(wave_status(&s, 1, before), None, "before it starts");
        assert_eq!(wave_status(&s, 0, before), Some(WaveStatus::Deploying));
        assert_eq!(wave_status(&s, 0, s.wave_start[1]), Some(WaveStatus::Done));
        assert_eq!(wave_status(&s, 1, s.wave_start[1]), Some(WaveStatus::Deploying));
    }

    #[test]
    fn the_board_warns_about_mixed_stripes_and_lists_the_unplanned() {
        let mut d = presets::preset("data-plane-bad-plan").unwrap().deploy.unwrap();
        let out = d.plan.waves[0].locations.pop().unwrap();
        let cols = locations(&d, &[Some(WaveStatus::Deploying)]);
        assert_eq!(cols.len(), d.plan.waves.len() + 1);
        assert_eq!(cols[0].warn.as_deref(), Some("mixes stripes"));
        assert_eq!(cols[0].status, Some(WaveStatus::Deploying));
        assert_eq!(cols[1].status, None);
        let none = cols.last().unwrap();
        assert_eq!(none.wave, None);
        assert!(none.chips.iter().any(|c| c.id == out), "{none:?}");
        let loc = d.fleet.iter().find(|l| l.id == out).unwrap();
        let chip = none.chips.iter().find(|c| c.id == out).unwrap();
        assert_eq!(chip.mark, Mark::Stripe(usize::from(loc.stripe)));
        assert_eq!(chip.label, format!("{out} · g{}", loc.hardware_gen));
        let good = presets::preset("data-plane-by-stripe").unwrap().deploy.unwrap();
        assert!(locations(&good, &[]).iter().all(|c| c.warn.is_none()));
    }

    #[test]
    fn fleets_warn_about_customers_at_once_and_customers_first() {
        let mut c = presets::preset("external-api-by-az").unwrap().control_plane.unwrap();
        let cols = fleets(&c);
        assert_eq!(cols.len(), c.waves.len() + 1);
        assert!(cols.iter().all(|col| !col.warn.as_deref().unwrap_or("").contains("at once")), "{cols:?}");
        // Two customer-facing fleets in the first wave.
        let second = c.waves[1].fleets.remove(0);
        c.waves[0].fleets.push(second);
        let cols = fleets(&c);
        assert_eq!(cols[0].warn.as_deref(), Some("2 customer-facing fleets at once"));
        assert!(matches!(cols[0].chips[0].mark, Mark::Fleet { customer_facing: true }));
        // The internal API deploys batch, operations, then customer: no warning; the
        // customer fleet first is warned about.
        let mut internal = presets::preset("internal-api-by-fleet").unwrap().control_plane.unwrap();
        assert!(fleets(&internal).iter().all(|col| col.warn.is_none()));
        internal.waves.rotate_right(1);
        assert_eq!(internal.waves[0].fleets, ["customer"]);
        assert_eq!(fleets(&internal)[0].warn.as_deref(), Some("customers first"));
    }

    #[test]
    fn arrow_keys_step_between_columns() {
        assert_eq!(step(Some(0), Toward::Earlier, 3), Some(None), "out of the plan");
        assert_eq!(step(Some(2), Toward::Earlier, 3), Some(Some(1)));
        assert_eq!(step(None, Toward::Earlier, 3), Some(Some(2)), "into the last wave");
        assert_eq!(step(None, Toward::Earlier, 0), Some(Some(0)), "opens a first wave");
        assert_eq!(step(Some(2), Toward::Later, 3), Some(Some(3)), "past the last: a new wave");
        assert_eq!(step(None, Toward::Later, 3), None);
    }
}
