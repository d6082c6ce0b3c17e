// Browser performance benchmark (not a test): `node tests/e2e/perf.bench.mjs` after
// `trunk build --release`. Prints re-simulation time after an edit, frame times while
// playing, the map's frame times while animating, and trials per second, measured in
// headless Chromium.
import { serveDist, launch, openApp } from "./harness.mjs";

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

const server = await serveDist();
const b = await launch();
const { page } = b;
await openApp(page, server.origin);

// Re-simulation after an edit: add a fault at the playhead, wait for the fork.
const resim = [];
for (const preset of ["latency-weighted-alb", "geo-failover-nlb", "all-defaults-alb"]) {
  await page.getByTestId("preset-picker").selectOption(preset);
  await page.waitForTimeout(200);
  const ms = await page.evaluate(async () => {
    const before = document.querySelectorAll("[data-testid=fault-script] li").length;
    const t0 = performance.now();
    document.querySelector("[data-testid=stop-ap-southeast-1]").click();
    while (document.querySelectorAll("[data-testid=fault-script] li").length === before) {
      await new Promise((r) => setTimeout(r, 0));
    }
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  });
  resim.push([preset, ms]);
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
frames.sort((a, b) => a - b);
const p = (q) => frames[Math.min(frames.length - 1, Math.ceil(q * frames.length) - 1)];

// Trials per second.
await page.getByTestId("trials-count").fill("40");
await page.getByTestId("trials-count").dispatchEvent("change");
const t0 = Date.now();
await page.getByTestId("trials-run").click();
await page.getByTestId("trials-done").filter({ hasText: "40 / 40" }).waitFor({ timeout: 120_000 });
const trialsPerS = 40 / ((Date.now() - t0) / 1000);

// The map: 60 locations and 2,000 resolver dots, a resolver's queries animating,
// the deployment playing at ×1000. Frame-to-frame intervals and the map's own draw
// time (recorded by the page in window.__rwMapFrames).
await page.getByTestId("preset-picker").selectOption("data-plane-by-stripe");
await page.getByTestId("deploy-panel").waitFor();
await page.getByTestId("deploy-resolver").selectOption({ label: "Auckland" });
await page.getByTestId("deploy-speed").fill("3");
await page.getByTestId("deploy-play").click();
await page.waitForTimeout(300);
await page.evaluate(() => (window.__rwMapFrames = []));
const mapFrames = await frameIntervals(page, 300);
const draws = await page.evaluate(() => window.__rwMapFrames.slice());
await page.getByTestId("deploy-play").click();
const dots = await page.evaluate(() => document.querySelectorAll("[data-testid=deploy-resolver] option").length);
const q = (arr, x) => {
  const v = [...arr].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.ceil(x * v.length) - 1)];
};

for (const [preset, ms] of resim) console.log(`re-simulation after an edit (${preset}): ${ms.toFixed(0)} ms`);
console.log(`frame time while playing ×100: p50 ${p(0.5).toFixed(1)} ms, p95 ${p(0.95).toFixed(1)} ms, max ${frames[frames.length - 1].toFixed(1)} ms`);
console.log(
  `map (60 locations, 2,000 resolvers in ${dots - 1} cities, queries animating, playing ×1000): frame interval p50 ${q(mapFrames, 0.5).toFixed(1)} ms, p95 ${q(mapFrames, 0.95).toFixed(1)} ms; map draw p50 ${q(draws, 0.5).toFixed(1)} ms, p95 ${q(draws, 0.95).toFixed(1)} ms over ${draws.length} draws`,
);
console.log(`trials: ${trialsPerS.toFixed(1)} per second (latency-weighted-alb, 6,000 clients, 25 min each)`);
await b.close();
await server.close();
