//! Share links: round trips, and a table of bad links each with its message.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use routewave::design::presets;
use routewave::formats::link::{self, LinkError, LinkSize};
use routewave::spec::scenario::CURRENT_VERSION;

fn pack(bytes: &[u8]) -> String {
    format!("#s=1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(bytes, 6)))
}

fn preset_json() -> String {
    presets::preset("latency-weighted-alb").unwrap().to_json()
}

#[test]
fn every_preset_round_trips_and_fits_a_link() {
    for p in presets::PRESETS {
        let s = (p.build)();
        let frag = link::encode(&s);
        assert_eq!(link::decode(&frag).unwrap(), s, "{}", p.name);
        assert_eq!(link::decode(&format!("#{frag}")).unwrap(), s, "{}", p.name);
        assert_ne!(link::size_class(frag.len() + 40), LinkSize::UseFile, "{}: {} chars", p.name, frag.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn scenario_link_scenario_is_identity(
        preset in 0usize..presets::PRESETS.len(),
        seed in any::<u64>(),
        playhead in 0u64..1_500_000,
        speed in 0.01f64..1000.0,
        title in "\\PC{0,80}",
        hints in prop::collection::vec("\\PC{0,40}", 0..4),
    ) {
        let mut s = (presets::PRESETS[preset].build)();
        s.seed = seed;
        s.view.playhead_ms = playhead;
        s.view.speed = speed;
        s.title = title;
        s.watch_for = hints;
        prop_assert_eq!(link::decode(&link::encode(&s)).unwrap(), s);
    }
}

#[test]
fn bad_links_each_give_their_message() {
    let valid = link::encode(&presets::preset("latency-weighted-alb").unwrap());
    let payload = valid.split_once('.').unwrap().1.to_string();
    let mut json_with_unknown: serde_json::Value = serde_json::from_str(&preset_json()).unwrap();
    json_with_unknown["colour"] = "blue".into();
    let mut too_many: serde_json::Value = serde_json::from_str(&preset_json()).unwrap();
    too_many["resolvers"] = serde_json::Value::Array(
        (0..20_001).map(|i| serde_json::json!({"id": format!("r{i}"), "city": "paris", "kind": "bind"})).collect(),
    );
    let mut long_dur: serde_json::Value = serde_json::from_str(&preset_json()).unwrap();
    long_dur["duration_s"] = 1_000_000_000u64.into();
    let mut v2: serde_json::Value = serde_json::from_str(&preset_json()).unwrap();
    v2["version"] = (CURRENT_VERSION + 1).into();
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "does not contain a Routewave scenario"),
        ("#".into(), "does not contain a Routewave scenario"),
        ("#x=1.abc".into(), "does not contain a Routewave scenario"),
        ("#s=".into(), "does not contain a Routewave scenario"),
        ("#s=1".into(), "does not contain a Routewave scenario"),
        ("#scenario".into(), "does not contain a Routewave scenario"),
        ("#s=abc.xyz".into(), "version 'abc' is not a number"),
        ("#s=-1.xyz".into(), "version '-1' is not a number"),
        ("#s=1x.abc".into(), "version '1x' is not a number"),
        ("#s=4294967296.abc".into(), "version '4294967296' is not a number"),
        ("#s=0.abc".into(), "version '0' is not a number"),
        ("#s=99.xyz".into(), "newer Routewave (scenario version 99)"),
        (pack(&serde_json::to_vec(&v2).unwrap()), "newer Routewave (scenario version 3)"),
        ("#s=1.!!!".into(), "not valid base64url"),
        ("#s=1.a b".into(), "not valid base64url"),
        ("#s=1.%20".into(), "not valid base64url"),
        ("#s=1..".into(), "not valid base64url"),
        ("#s=1.".into(), "does not decompress"),
        ("#s=1.AAAA".into(), "does not decompress"),
        // Cut at a multiple of four characters, so what is left is valid base64url.
        (format!("#s=1.{}", &payload[..(payload.len() / 2) & !3]), "does not decompress"),
        (format!("#s=1.{}", URL_SAFE_NO_PAD.encode(b"\xff\xfe\xfd not deflate at all")), "does not decompress"),
        (pack(&vec![b' '; 6 * 1024 * 1024]), "larger than 4194304 bytes once decompressed"),
        (format!("#s=1.{}", "A".repeat(200_001)), "characters long; the limit is 200000"),
        (pack(b"hello"), "not valid: not valid JSON"),
        (pack(b"[]"), "not valid: missing \"version\""),
        (pack(b"{}"), "not valid: missing \"version\""),
        (pack(br#"{"version": 1}"#), "not valid: missing field `title`"),
        (pack(br#"{"version": "one"}"#), "not valid: missing \"version\""),
        (pack(b"\xc3\x28 invalid utf-8"), "not valid: not UTF-8 text"),
        (pack(&serde_json::to_vec(&json_with_unknown).unwrap()), "unknown field `colour`"),
        (pack(&serde_json::to_vec(&too_many).unwrap()), "resolvers: has 20001 resolvers; the limit is 20000"),
        (pack(&serde_json::to_vec(&long_dur).unwrap()), "duration_s: has 1000000000 seconds; the limit is 86400"),
    ];
    assert!(cases.len() >= 30);
    for (i, (frag, needle)) in cases.iter().enumerate() {
        let err = link::decode(frag).expect_err(&format!("case {} should fail", i + 1)).to_string();
        assert!(err.contains(needle), "case {} ({}…): {err}", i + 1, frag.chars().take(30).collect::<String>());
    }
}

#[test]
fn a_tampered_link_never_panics_and_never_loads_silently_changed() {
    let s = presets::preset("geo-failover-nlb").unwrap();
    let frag = link::encode(&s);
    let bytes = frag.as_bytes();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let start = frag.find('.').unwrap() + 1;
    let mut outcomes = std::collections::BTreeMap::new();
    for i in (start..bytes.len()).step_by(7) {
        let mut b = bytes.to_vec();
        b[i] = alphabet[(alphabet.iter().position(|&c| c == b[i]).unwrap() + 17) % 64];
        let out = link::decode(std::str::from_utf8(&b).unwrap());
        let key = match &out {
            Ok(back) if *back == s => "same",
            Ok(_) => "changed",
            Err(LinkError::Truncated) => "damaged",
            Err(LinkError::Invalid(_)) => "invalid",
            Err(_) => "other",
        };
        *outcomes.entry(key).or_insert(0) += 1;
    }
    // Deflate has no checksum, so a flipped bit can yield other valid text; what
    // matters is that nothing panics and most tampering is refused.
    let refused = outcomes.get("damaged").unwrap_or(&0) + outcomes.get("invalid").unwrap_or(&0);
    assert!(refused * 2 > outcomes.values().sum::<i32>(), "{outcomes:?}");
}

#[test]
fn link_sizes_are_classified() {
    assert_eq!(link::size_class(1_999), LinkSize::Ok);
    assert_eq!(link::size_class(2_001), LinkSize::Long);
    assert_eq!(link::size_class(8_001), LinkSize::UseFile);
}

/// A link can carry a trainee's prediction and presenter mode; a link or file made
/// before they existed opens without them.
#[test]
fn a_prediction_and_presenter_mode_travel_in_a_link_and_old_links_still_open() {
    use routewave::spec::scenario::{Prediction, Scenario};
    let mut s = presets::preset("latency-weighted-alb").unwrap();
    s.view.prediction = Some(Prediction { switch_ms: 45_000, error_window_p95_ms: Some(60_000) });
    s.view.presenter = true;
    let back = link::decode(&link::encode(&s)).unwrap();
    assert_eq!(back.view.prediction, s.view.prediction);
    assert!(back.view.presenter && !back.guide.is_empty());
    assert_eq!(back, s);
    // Without them, nothing is written: the link is what it was before they existed.
    let plain = presets::preset("latency-weighted-alb").unwrap();
    let json = serde_json::to_string(&plain.view).unwrap();
    assert!(!json.contains("prediction") && !json.contains("presenter"), "{json}");
    let old = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/scenario-v1.json")).unwrap();
    let opened = link::decode(&pack(old.as_bytes())).unwrap();
    assert_eq!((opened.view.prediction, opened.view.presenter, opened.guide.len()), (None, false, 0));
    assert_eq!(Scenario::from_json(&old).unwrap().guide, []);
}
