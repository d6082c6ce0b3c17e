//! Which scenario the page opens, and the moment a link records. The first scenario
//! comes from a valid share link, else the autosave, else the default preset; a
//! link that cannot be opened is told in words and never replaces the saved work.

use crate::design::presets;
use crate::formats::link;
use crate::spec::scenario::Scenario;

/// The speed of a player when a scenario does not name one, simulated s per real s.
pub const DEFAULT_SPEED: f64 = 10.0;

/// The scenario in a link's `fragment`, or what to tell the user when it cannot be
/// opened.
pub fn from_link(fragment: &str) -> Result<Scenario, String> {
    link::decode(fragment).map_err(|e| format!("This link could not be opened: {e}. Your saved work is unchanged."))
}

/// The first scenario, from the page's `fragment` (if any) and `autosave` (the JSON
/// kept in the browser), with a notice when a link could not be opened.
pub fn first(fragment: Option<&str>, autosave: Option<&str>) -> (Scenario, Option<String>) {
    let fallback =
        || autosave.and_then(|json| Scenario::from_json(json).ok()).unwrap_or_else(|| (presets::PRESETS[0].build)());
    match fragment.map(from_link) {
        Some(Ok(s)) => (s, None),
        Some(Err(notice)) => (fallback(), Some(notice)),
        None => (fallback(), None),
    }
}

/// The timeline's speed a scenario asks for, if it names one.
pub fn view_speed(s: &Scenario) -> Option<f64> {
    (s.view.speed > 0.0).then_some(s.view.speed)
}

/// `s` with the moment a link shares: both playheads (ms) and the timeline's speed.
pub fn at_moment(mut s: Scenario, playhead_ms: u64, speed: f64, deploy_ms: u64) -> Scenario {
    s.view.playhead_ms = playhead_ms;
    s.view.speed = speed;
    s.view.deploy_ms = deploy_ms;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_link_wins_then_the_autosave_then_the_default_preset() {
        let shared = at_moment(presets::preset("geo-failover-alb").unwrap(), 420_000, 30.0, 60_000);
        let saved = presets::preset("all-defaults-nlb").unwrap();
        let frag = link::encode(&shared);
        let (s, notice) = first(Some(&frag), Some(&saved.to_json()));
        assert_eq!((s.view.playhead_ms, s.view.deploy_ms, view_speed(&s)), (420_000, 60_000, Some(30.0)));
        assert_eq!((s.title, notice), (shared.title.clone(), None));
        assert_eq!(first(None, Some(&saved.to_json())).0.title, saved.title);
        assert_eq!(first(None, Some("not json")).0.title, (presets::PRESETS[0].build)().title);
        assert_eq!(first(None, None).1, None);
    }

    #[test]
    fn a_bad_link_opens_the_saved_work_and_says_why() {
        let saved = presets::preset("all-defaults-nlb").unwrap();
        let (s, notice) = first(Some("s=1.!!!"), Some(&saved.to_json()));
        assert_eq!(s.title, saved.title);
        let notice = notice.expect("a notice");
        assert!(notice.starts_with("This link could not be opened: ") && notice.contains("base64url"), "{notice}");
        assert!(notice.ends_with("Your saved work is unchanged."));
        assert_eq!(from_link("nonsense").unwrap_err(), notice_for("nonsense"));
        let mut no_speed = saved;
        no_speed.view.speed = 0.0;
        assert_eq!(view_speed(&no_speed), None);
    }

    fn notice_for(fragment: &str) -> String {
        format!("This link could not be opened: {}. Your saved work is unchanged.", link::decode(fragment).unwrap_err())
    }
}
