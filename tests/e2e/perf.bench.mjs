// Browser performance benchmark (not a test): `node tests/e2e/perf.bench.mjs` after
// `trunk build --release`. Prints, each beside its target, measured in headless Chromium:
//
//   - what the page downloads before it is interactive (wasm + JS, gzip and brotli);
//   - time to first render and to interactive, on localhost and with the network
//     throttled (NETWORK below);
//   - an edit at the playhead: how soon the playhead shows it, how soon the whole run is
//     re-simulated, and the longest frame meanwhile (p50 / p95 over the field presets);
//   - frame times while playing, the map's frame times while animating, 1,000 trials'
//     time in the page on the main thread, in one Web Worker and in one per core (the
//     profile's first run, and again with the browser's cached code).
//
// Options: --dist <dir> measures another build (e.g. an older checkout's dist/);
// --load-only stops after the load timings; --trials-only measures only the trials;
// --work-only measures only working with the page (no loads, no trials);
// --runs <n> load runs per network (default 5).
//
// Definitions (times from navigation start, performance.now() in the page, median of
// the runs, each run in a fresh browser profile so nothing is cached):
//   first contentful paint: the browser's own (the loading screen; in a build without
//     one, the app);
//   first render: the app's header (".rw-header__brand") is in the page, the loading
//     screen (#rw-boot) is gone, and a frame with them has been painted (the start of
//     the animation frame after the one that drew them);
//   interactive: another preset (geo-failover-alb), chosen in the preset picker as soon
//     as the app has rendered, shows its run: the header's title and the run's summary
//     have both changed, and a frame with them has been painted.
// The server answers as a static host with precompressed files does: the .br or .gz
// beside a file when the browser accepts it (compressed in memory when a build has none).
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, extname, normalize, resolve } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { ROOT, launch, openApp, seek } from "./harness.mjs";

const argv = process.argv.slice(2);
const arg = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const DIST = resolve(arg("dist", join(ROOT, "dist")));
const RUNS = Number(arg("runs", 5));
const LOAD_ONLY = argv.includes("--load-only");
const TRIALS_ONLY = argv.includes("--trials-only");
const WORK_ONLY = argv.includes("--work-only");

/** "Slow 4G"-like: 400 ms round trip, 1.6 Mbit/s down, 750 kbit/s up (no CPU throttling). */
const NETWORK = { offline: false, latency: 400, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 };
const NETWORK_NAME = "slow 4G-like (400 ms RTT, 1.6 Mbit/s down, 750 kbit/s up)";

const TARGETS = {
  bytes: 350 * 1024, // wasm + JS, gzip
  firstRender: 300, // ms, localhost
  interactive: 1000, // ms, localhost
  resim: 16, // ms, within a frame
  frame: 16.7, // ms, p95 while playing
  trials: 2, // s, 1,000 trials on all workers
};

// ---------------------------------------------------------------------------------------
// A static server with precompressed files.

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg"]);
const memo = new Map();

/** The bytes of `file` in `encoding` ("br", "gzip" or "identity"): the file beside it, or compressed now. */
function encoded(file, encoding) {
  if (encoding === "identity") return readFileSync(file);
  const beside = `${file}.${encoding === "br" ? "br" : "gz"}`;
  if (existsSync(beside)) return readFileSync(beside);
  const key = `${file}|${encoding}`;
  if (!memo.has(key)) {
    const body = readFileSync(file);
    memo.set(
      key,
      encoding === "br"
        ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
        : gzipSync(body, { level: 9 }),
    );
  }
  return memo.get(key);
}

function serve(dir) {
  const server = createServer((req, res) => {
    let file = normalize(join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname)));
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const accept = String(req.headers["accept-encoding"] ?? "");
      const encoding = !COMPRESSIBLE.has(extname(file)) ? "identity" : /\bbr\b/.test(accept) ? "br" : /\bgzip\b/.test(accept) ? "gzip" : "identity";
      const body = encoded(file, encoding);
      const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": body.length, vary: "accept-encoding" };
      if (encoding !== "identity") headers["content-encoding"] = encoding;
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((done) =>
    server.listen(0, "127.0.0.1", () => done({ origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) })),
  );
}

// ---------------------------------------------------------------------------------------
// Loading: first render and interactive.

/** Runs in the page before its own scripts: records the two moments defined above. */
function recordLoad() {
  const t = (window.__rwLoad = {});
  // Milestones on the way: the module compiled and instantiated, the app's main returned.
  const wasm = window.WebAssembly;
  if (wasm?.instantiateStreaming) {
    const instantiate = wasm.instantiateStreaming.bind(wasm);
    wasm.instantiateStreaming = async (...args) => {
      const result = await instantiate(...args);
      t.instantiated ??= performance.now();
      return result;
    };
  }
  addEventListener("TrunkApplicationStarted", () => (t.started ??= performance.now()));
  // The moment an animation frame's callbacks run, just before it is painted; and the
  // start of the frame after that one: the first moment the change is on screen.
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
  const painted = async () => (await frame(), frame());
  const rendered = () => document.querySelector(".rw-header__brand") && !document.getElementById("rw-boot");
  const summary = () => document.querySelector("[data-testid=summary]")?.textContent ?? "";
  const observer = new MutationObserver(async () => {
    if (t.mounted !== undefined || !rendered()) return;
    t.mounted = performance.now();
    t.firstRender = await painted();
    // Interactive: another preset, chosen at once, and its run on screen.
    const picker = document.querySelector("[data-testid=preset-picker]");
    const title = document.querySelector("[data-testid=scenario-title]");
    const before = [title.textContent, summary()];
    // A field preset other than the one shown (the picker itself shows no selection).
    const other = ["geo-failover-alb", "latency-failover-alb"]
      .map((v) => [...picker.options].find((o) => o.value === v))
      .find((o) => o && o.textContent.trim() !== title.textContent.trim());
    picker.value = other.value;
    picker.dispatchEvent(new Event("change", { bubbles: true }));
    for (;;) {
      await frame();
      if (title.textContent !== before[0] && summary() && summary() !== before[1]) {
        t.interactive = await painted();
        t.picked = other.value;
        break;
      }
      if (performance.now() - t.firstRender > 60_000) break;
    }
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
}

/** One cold load in a fresh profile; resolves to its moments and the URLs it fetched. */
async function loadOnce(origin, network) {
  const b = await launch({ width: 1440, height: 900 });
  try {
    await b.context.addInitScript(recordLoad);
    if (network) {
      const cdp = await b.context.newCDPSession(b.page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", network);
    }
    await b.page.goto(`${origin}/`);
    await b.page.waitForFunction(() => window.__rwLoad?.interactive !== undefined, null, { timeout: 120_000, polling: 100 });
    const t = await b.page.evaluate(() => window.__rwLoad);
    const [wasm, paint] = await b.page.evaluate(() => [
      performance.getEntriesByType("resource").find((e) => e.name.endsWith(".wasm"))?.responseEnd,
      performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
    ]);
    return { ...t, wasmArrived: wasm, firstPaint: paint, urls: b.log.requests.slice() };
  } finally {
    await b.close();
  }
}

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const quantile = (xs, q) => {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))];
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(0)} ms`;
const line = (what, value, target) => console.log(`${what.padEnd(58)} ${value.padStart(24)}${target ? `   (target ${target})` : ""}`);

const server = await serve(DIST);
console.log(`build: ${DIST}`);
const TRIALS = 1000;
if (TRIALS_ONLY) {
  const b = await launch();
  await openApp(b.page, server.origin);
  printTrials(await measureTrials(b.page));
  await b.close();
  await server.close();
  process.exit(0);
}

if (!WORK_ONLY) await measureLoads();
if (LOAD_ONLY) {
  await server.close();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------
// Working with the page.

/** The intervals between the next `n` animation frames, ms. */
const frameIntervals = (page, n) =>
  page.evaluate(
    (n) =>
      new Promise((resolve) => {
        const d = [];
        let last = performance.now();
        const step = (t) => {
          d.push(t - last);
          last = t;
          if (d.length < n) requestAnimationFrame(step);
          else resolve(d);
        };
        requestAnimationFrame(step);
      }),
    n,
  );

const b = await launch();
const { page } = b;
await openApp(page, server.origin);

// Re-simulation after an edit: add a fault at the playhead, wait for the fork, over
// every field preset (the regional-failover designs of the field report, as
// tests/it/presets.rs lists them: each design with both load balancers, and the two
// built with NLBs only).
const FIELD = [
  ...["latency-weighted", "latency-weighted-checks", "latency-weighted-cname-ttl1", "latency-failover", "latency-layer-pitfall", "geo-failover", "all-defaults"].flatMap((d) => [`${d}-alb`, `${d}-nlb`]),
  "latency-weighted-cname-ttl1-few-checkers-nlb",
  "geo-checks-only-nlb",
];
// The first edit after the page opens also waits for the browser to finish compiling
// the simulator's code (it compiles hot wasm functions again, optimised, as they run):
// one edit on another preset first, not counted.
const resim = [];
const resimMid = [];
for (const preset of ["latency-near-tie-nlb", ...FIELD]) {
  await page.getByTestId("preset-picker").selectOption(preset);
  await page.locator('[data-testid="app-main"][data-run="made"]').waitFor();
  await page.waitForTimeout(200);
  const t = await edit(page, "stop-ap-southeast-1");
  // The same further into the run: at 10:00, stop eu-west-1 (before the fault some
  // presets script at 15:00: then the run is simulated from the start to the playhead).
  await seek(page, 600_000);
  await page.waitForTimeout(200);
  const mid = await edit(page, "stop-eu-west-1");
  if (FIELD.includes(preset)) {
    resim.push([preset, t]);
    resimMid.push([preset, mid]);
  }
}

/** Clicks `button` (a fault at the playhead): how soon it is shown there, how soon the
 * whole run is made, and the longest frame meanwhile, ms. */
function edit(page, button) {
  return page.evaluate(async (button) => {
    const main = document.querySelector("[data-testid=app-main]");
    const faults = () => document.querySelectorAll("[data-testid=fault-script] li").length;
    const narration = () => document.querySelector("[data-testid=narration]")?.textContent;
    const before = [faults(), narration()];
    // Shown: the fault is in the script and the narration at the playhead tells it
    // (the time of the DOM change that completes both; the browser paints it in its
    // next frame). A timer polled instead would wait behind the frames that follow.
    let shownAt = null;
    const observer = new MutationObserver(() => {
      if (shownAt === null && faults() !== before[0] && narration() !== before[1]) shownAt = performance.now();
    });
    observer.observe(main, { subtree: true, childList: true, characterData: true });
    const t0 = performance.now();
    document.querySelector(`[data-testid=${button}]`).click();
    while (shownAt === null) {
      await new Promise((r) => requestAnimationFrame(r));
    }
    observer.disconnect();
    const shown = shownAt - t0;
    // Finished: the whole run is made (the summary and charts show it); the longest
    // gap between animation frames meanwhile.
    let last = performance.now();
    let longest = 0;
    while (main.dataset.run !== "made") {
      const now = await new Promise((r) => requestAnimationFrame(r));
      longest = Math.max(longest, now - last);
      last = now;
    }
    await new Promise((r) => requestAnimationFrame(r));
    return { shown, finished: performance.now() - t0, longest };
  }, button);
}

// Frame times while playing at ×100.
await page.getByTestId("preset-picker").selectOption("latency-weighted-alb");
await page.getByTestId("speed").evaluate((el) => {
  el.value = "2";
  el.dispatchEvent(new Event("input", { bubbles: true }));
});
await page.getByTestId("play").click();
const frames = await frameIntervals(page, 180);
await page.getByTestId("play").click();

// The map: 60 locations and 2,000 resolver dots, a resolver's queries animating,
// the deployment playing at ×1000. Frame-to-frame intervals and the map's own draw
// time (recorded by the page in window.__rwMapFrames).
await page.getByTestId("preset-picker").selectOption("data-plane-by-stripe");
await page.getByTestId("deploy-panel").waitFor();
// The coastline has arrived (builds from before it was fetched have no data-coast).
await page.waitForFunction(() => {
  const map = document.querySelector("[data-testid=map]");
  return map && map.dataset.coast !== "loading";
});
await page.getByTestId("deploy-resolver").selectOption({ label: "Auckland" });
await page.getByTestId("deploy-speed").fill("3");
await page.getByTestId("deploy-play").click();
await page.waitForTimeout(300);
await page.evaluate(() => (window.__rwMapFrames = []));
const mapFrames = await frameIntervals(page, 300);
const draws = await page.evaluate(() => window.__rwMapFrames.slice());
await page.getByTestId("deploy-play").click();
const dots = await page.evaluate(() => document.querySelectorAll("[data-testid=deploy-resolver] option").length);

const trialRuns = WORK_ONLY ? null : await measureTrials(page);
await b.close();
await server.close();

console.log("\nworking with the page (localhost)");
const p5095 = (v) => `${ms(quantile(v, 0.5))} / ${ms(quantile(v, 0.95))}`;
for (const [where, runs] of [["at 00:00", resim], ["at 10:00", resimMid]]) {
  const of = (k) => runs.map(([, t]) => t[k]);
  line(`an edit at the playhead ${where}, shown there, ${FIELD.length} field presets: p50 / p95`, p5095(of("shown")), `≤ ${TARGETS.resim} ms`);
  line("  the whole run re-simulated (summary, charts): p50 / p95", p5095(of("finished")));
  line("  longest frame while it finishes: p50 / p95", p5095(of("longest")), `p95 ≤ ${TARGETS.frame} ms`);
  for (const [preset, t] of runs) line(`  ${preset}`, `${ms(t.shown)} shown, ${ms(t.finished)} finished, longest frame ${ms(t.longest)}`);
}
line("frame time while playing ×100: p50 / p95 / max", `${quantile(frames, 0.5).toFixed(1)} / ${quantile(frames, 0.95).toFixed(1)} / ${Math.max(...frames).toFixed(1)} ms`, `p95 ≤ ${TARGETS.frame} ms`);
console.log(`map: 60 locations, 2,000 resolvers in ${dots - 1} cities, a resolver's queries animating, playing ×1000`);
line("  frame interval p50 / p95", `${quantile(mapFrames, 0.5).toFixed(1)} / ${quantile(mapFrames, 0.95).toFixed(1)} ms`);
line(`  map draw p50 / p95 (${draws.length} draws)`, `${quantile(draws, 0.5).toFixed(1)} / ${quantile(draws, 0.95).toFixed(1)} ms`);
if (trialRuns) printTrials(trialRuns);

// 1,000 trials of a field preset: in one Web Worker per core as the first trials this
// browser profile runs (the worker's wasm compiled, and optimised by the browser as
// the trials run), then on the page's main thread (chunked per frame), in one worker,
// and in all of them again, now with the optimised code the browser's code cache kept;
// the page reopened with ?workers=N each time. Timed in the page, from the click on
// "Run" to a painted frame showing "1000 / 1000" (the frame after the one that drew
// it), as first render is: Playwright's own click and wait, timed from Node, add up to
// half a second of their polling.
async function measureTrials(page) {
  const runs = [];
  for (const [how, query] of [
    ["all workers, the profile's first run", ""],
    ["main thread", "?workers=0"],
    ["1 worker, code cached", "?workers=1"],
    ["all workers, code cached", ""],
  ]) {
    await page.goto(`${server.origin}/${query}`);
    await page.getByTestId("app-main").waitFor({ state: "visible", timeout: 20_000 });
    await page.getByTestId("preset-picker").selectOption("latency-weighted-alb");
    await page.getByTestId("trials-count").fill(String(TRIALS));
    await page.getByTestId("trials-count").dispatchEvent("change");
    await page.evaluate((n) => {
      const done = document.querySelector("[data-testid=trials-done]");
      window.__rwTrials = {};
      const seen = new MutationObserver(() => {
        if (!done.textContent.includes(`${n} / ${n}`)) return;
        seen.disconnect();
        requestAnimationFrame(() => requestAnimationFrame((t) => (window.__rwTrials.shown = t)));
      });
      seen.observe(done, { subtree: true, childList: true, characterData: true });
      const run = document.querySelector("[data-testid=trials-run]");
      run.addEventListener("click", (e) => (window.__rwTrials.click = e.timeStamp), { once: true, capture: true });
    }, TRIALS);
    await page.getByTestId("trials-run").click();
    await page.waitForFunction(() => window.__rwTrials.shown !== undefined, null, { timeout: 900_000, polling: 100 });
    const t = await page.evaluate(() => window.__rwTrials.shown - window.__rwTrials.click);
    runs.push([how, t, await page.getByTestId("trials-where").textContent()]);
  }
  return { cores: await page.evaluate(() => navigator.hardwareConcurrency), runs };
}

function printTrials({ cores, runs }) {
  console.log(`1,000 trials of latency-weighted-alb (6,000 clients, 25 simulated minutes each); ${cores} cores`);
  for (const [how, t, where] of runs) {
    line(`  ${how}`, `${(t / 1000).toFixed(2)} s (${((1000 * TRIALS) / t).toFixed(1)} / s)`, how.startsWith("all") ? `≤ ${TARGETS.trials} s` : undefined);
    console.log(`    the panel: ${where}`);
  }
}

// The bytes of the first load, and cold loads on localhost and on a slow network.
async function measureLoads() {
  // What the first load fetches, sized as a host with precompressed files sends it.
  const first = await loadOnce(server.origin, null);
  const files = [...new Set(first.urls)]
    .filter((u) => u.startsWith(server.origin))
    .map((u) => new URL(u).pathname)
    .map((p) => join(DIST, p === "/" ? "index.html" : decodeURIComponent(p)))
    .filter((f) => existsSync(f) && statSync(f).isFile());
  const size = (pick) =>
    files.filter(pick).reduce(
      (s, f) => ({
        raw: s.raw + statSync(f).size,
        gzip: s.gzip + (COMPRESSIBLE.has(extname(f)) ? encoded(f, "gzip") : readFileSync(f)).length,
        br: s.br + (COMPRESSIBLE.has(extname(f)) ? encoded(f, "br") : readFileSync(f)).length,
      }),
      { raw: 0, gzip: 0, br: 0 },
    );
  const code = size((f) => [".wasm", ".js", ".mjs"].includes(extname(f)));
  const wasm = size((f) => extname(f) === ".wasm");
  const all = size(() => true);
  console.log("\nbytes (downloaded before the page is interactive)");
  line("wasm + JS, gzip", kb(code.gzip), `≤ ${kb(TARGETS.bytes)}`);
  line("wasm + JS, brotli", kb(code.br));
  line("wasm alone: raw / gzip / brotli", `${kb(wasm.raw)} / ${kb(wasm.gzip)} / ${kb(wasm.br)}`);
  line(`everything (${files.length} files: HTML, CSS, JS, wasm, icon): gzip / brotli`, `${kb(all.gzip)} / ${kb(all.br)}`);

  for (const [name, network] of [["localhost", null], [NETWORK_NAME, NETWORK]]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(i === 0 && !network ? first : await loadOnce(server.origin, network));
    console.log(`\nloading, ${name} (median of ${RUNS} cold loads)`);
    line("first contentful paint (the loading screen, if any)", ms(median(runs.map((r) => r.firstPaint ?? NaN))));
    line("first render", ms(median(runs.map((r) => r.firstRender))), network ? "" : `≤ ${TARGETS.firstRender} ms`);
    line("interactive", ms(median(runs.map((r) => r.interactive))), network ? "" : `≤ ${TARGETS.interactive} ms`);
    line("  on the way: the wasm has arrived", ms(median(runs.map((r) => r.wasmArrived ?? NaN))));
    line("  on the way: compiled and instantiated", ms(median(runs.map((r) => r.instantiated ?? NaN))));
    line("  on the way: main returned (the page mounted; the first run follows its first frames)", ms(median(runs.map((r) => r.started ?? NaN))));
  }
}
