//! Benchmarks (run with `cargo bench --bench sim`; not part of the tests).
//!
//! - `standard_regional_fault`: 3 regions, 1,000 resolvers, 100,000 clients
//!   browsing about a page a minute each, 30 simulated minutes, one regional fault.
//!   Target ≤ 100 ms natively.
//! - `trials_smallest_preset`: 1,000 trials (seeds) of the smallest preset.
//! - `deploy_six_waves`: 60 locations, 10,000 resolvers (2,000 followed query by
//!   query), 100,000 zones, a 6-wave plan with a bad build. Target ≤ 200 ms natively.
//! - `trial_cname_ttl1_nlb`: one trial (`playback::trial`, no trace) of the preset
//!   `latency-weighted-cname-ttl1-nlb`. Targets ≤ 4 ms and ≥ 10 million events per
//!   second (divan's throughput column, in events).
//! - `trials_1000_cname_ttl1_nlb`: 1,000 such trials, seeds one after another, as the
//!   trials panel runs them. Target ≤ 4 s (1,000 × the one-trial target).
//! - `trial_latency_weighted_alb`: one trial of the preset the page's benchmark runs
//!   1,000 trials of.
//! - `playback_latency_weighted_alb`: the page's whole re-simulation of that preset
//!   after an edit at time 0 (`Playback::build`: the run with its trace, a checkpoint
//!   every 60 simulated seconds, the report). The page finishes it over several
//!   frames; what must fit in the frame of the edit is the next benchmark.
//! - `edit_shown_latency_weighted_alb`: what the page does before it shows an edit at
//!   the playhead, here at time 0 (the run simulated past the playhead, the run so
//!   far and the playhead's moment). Target ≤ 4 ms natively: the page's wasm runs
//!   three to four times slower, and the frame also lays out what changed.

use divan::counter::ItemsCount;
use routewave::base::time::SimTime;
use routewave::design::presets;
use routewave::failover::moment::Moment;
use routewave::failover::playback;
use routewave::failover::sim::Sim;
use routewave::spec::scenario::{FaultAction, FaultSpec, PopulationSpec, Scenario, TrafficModel};

/// Each benchmark's target, printed before divan's table so the two read side by side.
const TARGETS: &[(&str, &str)] = &[
    ("standard_regional_fault", "≤ 100 ms"),
    ("trial_cname_ttl1_nlb", "≤ 4 ms, ≥ 10 M events/s (items/s)"),
    ("trials_1000_cname_ttl1_nlb", "≤ 4 s"),
    ("deploy_six_waves", "≤ 200 ms"),
    ("edit_shown_latency_weighted_alb", "≤ 4 ms (an edit shown within a frame)"),
];

fn main() {
    println!("targets (native):");
    for (name, target) in TARGETS {
        println!("  {name:28} {target}");
    }
    divan::main();
}

/// The standard benchmark scenario.
fn standard() -> Scenario {
    let mut s = presets::preset("latency-weighted-alb").expect("preset");
    let pop = s.population.take().expect("the preset has a population");
    // About a page a minute per client: browsing sessions with a 60 s mean reading time.
    let traffic = TrafficModel::Sessions { reading_mean_s: 60.0, parsing_mean_s: 0.13 };
    s.population = Some(PopulationSpec { resolvers: 1_000, clients: 100_000, traffic: Some(traffic), ..pop });
    s.duration_s = 1_800;
    s.faults = vec![FaultSpec { at_ms: 600_000, action: FaultAction::StopRegion { region: "us-east-1".into() } }];
    s
}

fn events(s: &Scenario) -> u64 {
    let mut sim = Sim::new(s).expect("valid");
    sim.run_until(sim.duration());
    sim.events()
}

#[divan::bench(sample_count = 10)]
fn standard_regional_fault(bencher: divan::Bencher) {
    let s = standard();
    bencher.counter(ItemsCount::new(events(&s))).bench(|| {
        let mut sim = Sim::new(&s).expect("valid");
        sim.run_until(sim.duration());
        divan::black_box(sim.report().summary.requests)
    });
}

/// The smallest preset: the probe and its resolver, no population.
fn smallest() -> Scenario {
    let mut s = presets::preset("latency-weighted-nlb").expect("preset");
    s.population = None;
    s
}

#[divan::bench(sample_count = 3)]
fn trials_smallest_preset(bencher: divan::Bencher) {
    let base = smallest();
    bencher.counter(ItemsCount::new(1_000u32)).bench(|| {
        let mut total = 0u64;
        for seed in 0..1_000 {
            let mut s = base.clone();
            s.seed = seed;
            let mut sim = Sim::new(&s).expect("valid");
            sim.run_until(sim.duration());
            total += sim.report().summary.switch_ms["curl-dc"].unwrap_or(0);
        }
        divan::black_box(total)
    });
}

/// 60 locations, 10,000 resolvers, 100,000 zones, a 6-wave plan with an undetected
/// black-holing build (every wave runs). Target ≤ 200 ms natively.
#[divan::bench(sample_count = 10)]
fn deploy_six_waves(bencher: divan::Bencher) {
    let mut s = presets::preset("data-plane-bad-plan").expect("preset").deploy.expect("deploy side");
    s.resolvers = 10_000;
    s.zones = 100_000;
    s.bad_build.detected = false;
    assert_eq!(s.plan.waves.len(), 6);
    bencher.bench(|| divan::black_box(routewave::deploy::run(&s, 1).expect("valid").total.user_minutes));
}

/// The preset the trial benchmarks run.
const TRIAL_PRESET: &str = "latency-weighted-cname-ttl1-nlb";

/// One trial as the trials panel runs it; the counter is the run's events, so divan's
/// throughput column reads in events per second.
#[divan::bench(sample_count = 20)]
fn trial_cname_ttl1_nlb(bencher: divan::Bencher) {
    let s = presets::preset(TRIAL_PRESET).expect("preset");
    let mut sim = Sim::new(&s).expect("valid").without_trace();
    sim.run_until(sim.duration());
    bencher
        .counter(ItemsCount::new(sim.events()))
        .bench(|| divan::black_box(playback::trial(&s, s.seed).expect("valid")));
}

/// 1,000 trials, seeds one after another from the preset's.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn trials_1000_cname_ttl1_nlb(bencher: divan::Bencher) {
    let s = presets::preset(TRIAL_PRESET).expect("preset");
    bencher.counter(ItemsCount::new(1_000u32)).bench(|| {
        let switched = (0..1_000u64)
            .filter(|i| playback::trial(&s, s.seed.wrapping_add(*i)).expect("valid").switch_s.is_some())
            .count();
        divan::black_box(switched)
    });
}

/// The trials panel's preset in the page's benchmark (`tests/e2e/perf.bench.mjs`).
const PAGE_PRESET: &str = "latency-weighted-alb";

/// One trial of the page benchmark's preset, counted in events.
#[divan::bench(sample_count = 20)]
fn trial_latency_weighted_alb(bencher: divan::Bencher) {
    let s = presets::preset(PAGE_PRESET).expect("preset");
    let mut sim = Sim::new(&s).expect("valid").without_trace();
    sim.run_until(sim.duration());
    bencher
        .counter(ItemsCount::new(sim.events()))
        .bench(|| divan::black_box(playback::trial(&s, s.seed).expect("valid")));
}

/// What the page does when a scenario changes: the whole run with its trace, a
/// checkpoint every 60 simulated seconds, the report and its moments.
#[divan::bench(sample_count = 20)]
fn playback_latency_weighted_alb(bencher: divan::Bencher) {
    let s = presets::preset(PAGE_PRESET).expect("preset");
    bencher.bench(|| divan::black_box(playback::Playback::build(&s).expect("valid").duration()));
}

/// What the page does before it shows an edit at the playhead (here at time 0, the
/// worst case for a fault: the run starts from the beginning): the run simulated past
/// the playhead, the run so far, and the playhead's moment.
#[divan::bench(sample_count = 50)]
fn edit_shown_latency_weighted_alb(bencher: divan::Bencher) {
    let s = presets::preset(PAGE_PRESET).expect("preset");
    bencher.bench(|| {
        let mut progress = playback::Progress::start(None, &s).expect("valid");
        progress.run_past(SimTime::ZERO);
        let so_far = progress.so_far();
        divan::black_box(Moment::new(&so_far, SimTime::ZERO).live().at)
    });
}
