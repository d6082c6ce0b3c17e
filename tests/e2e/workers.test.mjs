// Trials and sweeps in Web Workers: the panel says how many workers ran, the
// histograms are the same as on the page's main thread (?workers=0) and with another
// worker count, the worker's wasm is fetched and compiled once per page, a worker that
// cannot load falls back to the main thread with a note,
// the progress moves a few times a second rather than on every answer, and a two-knob
// sweep fills its heatmap with numbers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveDist, launch, openApp, screenshot, withPage } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

// Six requests of eight trials: enough for every worker of three to load and take one.
const TRIALS = 48;

/** Waits up to 10 s for `ok()` to hold. */
async function expectSoon(ok, what) {
  for (let t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() - t0 > 10_000) assert.fail(what);
  }
}

/** Runs TRIALS trials of a preset; resolves to where they ran and the histograms' captions. */
async function runTrials(page) {
  await page.getByTestId("preset-picker").selectOption("latency-weighted-nlb");
  await page.getByTestId("scenario-title").filter({ hasText: "(NLB)" }).waitFor();
  await page.getByTestId("trials-count").fill(String(TRIALS));
  await page.getByTestId("trials-count").dispatchEvent("change");
  await page.getByTestId("trials-run").click();
  await page.getByTestId("trials-done").filter({ hasText: `${TRIALS} / ${TRIALS}` }).waitFor({ timeout: 120_000 });
  await page.getByTestId("trials-where").filter({ hasText: /^Ran / }).waitFor();
  return {
    where: await page.getByTestId("trials-where").textContent(),
    switch: await page.locator("[data-testid=hist-switch] figcaption").textContent(),
    window: await page.locator("[data-testid=hist-window] figcaption").textContent(),
  };
}

test("trials on workers give the main thread's histograms, whatever the worker count", async () => {
  const runs = {};
  for (const [name, hash] of [["default", ""], ["three", "?workers=3"], ["main", "?workers=0"]]) {
    await withPage(
      server.origin,
      async (page, log) => {
        runs[name] = await runTrials(page);
        if (name === "three") await screenshot(page, "trials-workers");
        if (name === "main") assert.ok(!log.requests.some((u) => u.endsWith("/routewave-worker_bg.wasm")), "?workers=0 fetches no worker");
      },
      { hash },
    );
  }
  assert.match(runs.default.where, /^Ran on [1-8] workers? \(/);
  assert.match(runs.three.where, /^Ran on 3 workers \(/);
  assert.match(runs.main.where, /^Ran on the page's main thread: workers are turned off \(\?workers=0/);
  assert.match(runs.main.switch, new RegExp(`switch time over ${TRIALS} runs: p50 [\\d.]+ s · p95 [\\d.]+ s · max [\\d.]+ s`));
  for (const name of ["default", "three"]) {
    assert.equal(runs[name].switch, runs.main.switch, `${name}: switch time`);
    assert.equal(runs[name].window, runs.main.window, `${name}: error window`);
  }
});

test("while trials arrive, the progress moves a few times a second, not on every answer, and ends at every trial", async () => {
  await withPage(server.origin, async (page) => {
    const n = 200;
    await page.getByTestId("preset-picker").selectOption("latency-weighted-nlb");
    await page.getByTestId("scenario-title").filter({ hasText: "(NLB)" }).waitFor();
    await page.getByTestId("trials-count").fill(String(n));
    await page.getByTestId("trials-count").dispatchEvent("change");
    // Every text the progress shows, and when it showed it.
    await page.evaluate(() => {
      const done = document.querySelector("[data-testid=trials-done]");
      window.__rwShown = [];
      new MutationObserver(() => {
        const last = window.__rwShown.at(-1);
        if (last?.text !== done.textContent) window.__rwShown.push({ text: done.textContent, at: performance.now() });
      }).observe(done, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId("trials-run").click();
    await page.getByTestId("trials-done").filter({ hasText: `${n} / ${n}` }).waitFor({ timeout: 120_000 });
    const shown = await page.evaluate(() => window.__rwShown);
    // Answers (eight trials each) arrive: the first is shown at once, each next one
    // at least 100 ms after the one before, and the last whenever it comes. So any
    // four texts before the last span at least 300 ms (less a little for when the
    // page got round to showing them).
    assert.equal(shown.at(-1).text, `${n} / ${n}`);
    const before = shown.slice(0, -1);
    for (let i = 3; i < before.length; i++) {
      const span = before[i].at - before[i - 3].at;
      assert.ok(span >= 250, `${before[i - 3].text} → ${before[i].text} within ${span.toFixed(0)} ms`);
    }
    assert.ok(shown.length < n / 8 + 1, `${shown.length} texts shown for ${n / 8} answers`);
    assert.match(await page.locator("[data-testid=hist-switch] figcaption").textContent(), new RegExp(`over ${n} runs`));
  });
});

test("the page fetches and compiles the worker's wasm once, when the pointer first comes to the trials, whatever the workers and runs", async () => {
  const b = await launch();
  try {
    const fetched = [];
    b.context.on("request", (r) => {
      if (r.url().endsWith("/routewave-worker_bg.wasm")) fetched.push(r.url());
    });
    await openApp(b.page, server.origin, "?workers=3");
    await b.page.getByTestId("preset-picker").hover();
    await b.page.waitForTimeout(300);
    assert.equal(fetched.length, 0, "not fetched with the page, nor with the pointer elsewhere");
    await b.page.getByTestId("trials-count").hover();
    await expectSoon(() => fetched.length === 1, "fetched when the pointer comes to the trials");
    const first = await runTrials(b.page);
    assert.match(first.where, /^Ran on 3 workers \(/);
    await b.page.getByTestId("trials-run").click();
    await b.page.getByTestId("trials-where").filter({ hasText: /^Running / }).waitFor();
    await b.page.getByTestId("trials-where").filter({ hasText: /^Ran on 3 workers/ }).waitFor({ timeout: 120_000 });
    assert.equal(await b.page.locator("[data-testid=hist-switch] figcaption").textContent(), first.switch);
    assert.equal(fetched.length, 1, `fetched ${fetched.length} times for two runs of three workers`);
  } finally {
    await b.close();
  }
});

/** Trials with the files matching `pattern` failing to load: they run on the main thread and the panel says why; resolves to how long the run took, ms. */
async function fallsBack(pattern) {
  const b = await launch();
  try {
    await b.context.route(pattern, (route) => route.abort());
    await openApp(b.page, server.origin);
    const t0 = Date.now();
    const run = await runTrials(b.page);
    assert.match(run.where, /^Ran on the page's main thread: workers could not start \(/);
    assert.match(run.switch, new RegExp(`over ${TRIALS} runs`));
    return Date.now() - t0;
  } finally {
    await b.close();
  }
}

test("when the worker's wasm cannot load, trials run on the main thread and the panel says why at once", async () => {
  const took = await fallsBack("**/routewave-worker_bg.wasm");
  // Told by the worker's error, not by the 20 s start timeout.
  assert.ok(took < 15_000, `fell back after ${took} ms`);
});

test("when the worker cannot load, trials run on the main thread and the panel says why", async () => {
  await fallsBack("**/routewave-worker_loader.js");
});

test("a two-knob sweep fills a heatmap with a number in every cell and names the knob that matters most", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-cname-ttl1-nlb");
    await page.getByTestId("sweep-1-knob").selectOption("ttl");
    await page.getByTestId("sweep-1-values").fill("1, 120");
    await page.getByTestId("sweep-1-values").dispatchEvent("change");
    await page.getByTestId("sweep-2-knob").selectOption("check_interval");
    assert.equal(await page.getByTestId("sweep-2-values").inputValue(), "10, 30", "a knob comes with values to try");
    await page.getByTestId("sweep-trials").fill("3");
    await page.getByTestId("sweep-trials").dispatchEvent("change");
    await page.getByTestId("sweep-run").click();
    await page.getByTestId("sweep-done").filter({ hasText: "12 / 12 trials" }).waitFor({ timeout: 120_000 });
    await page.getByTestId("sweep-headline").waitFor();
    const cells = await page.locator("[data-testid=sweep-heatmap] [data-testid=sweep-cell]").allTextContents();
    assert.equal(cells.length, 4);
    for (const c of cells) assert.match(c, /^(\d+\.\d s|never)$/);
    assert.match(await page.getByTestId("sweep-headline").textContent(), /^Matters most: (record TTL|health check interval)/);
    assert.match(await page.getByTestId("sweep-where").textContent(), /^Ran on /);
    // One knob: a table of p50 and p95 per value.
    await page.getByTestId("sweep-2-knob").selectOption("");
    await page.getByTestId("sweep-run").click();
    await page.getByTestId("sweep-done").filter({ hasText: "6 / 6 trials" }).waitFor({ timeout: 120_000 });
    await page.getByTestId("sweep-headline").filter({ hasText: /^Record TTL: p95 from .* a spread of/ }).waitFor();
    const rows = await page.locator("[data-testid=sweep-table] [data-testid=sweep-cell]").allTextContents();
    assert.equal(rows.length, 4, "p50 and p95 for two values");
    for (const c of rows) assert.match(c, /^(\d+\.\d s|never)$/);
    await screenshot(page, "sweep");
  });
});
