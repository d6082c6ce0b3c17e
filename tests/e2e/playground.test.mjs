// The playground as a person uses it: pick a preset, scrub past the fault, read the
// probe log and the tree, ask the query tester, share the moment and open the link
// in a fresh browser, survive bad links without losing autosaved work.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveDist, launch, screenshot, openApp, seek, canvasPixels, withPage, frames } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

const open = (page, hash = "") => openApp(page, server.origin, hash);


test("fail a region by preset, scrub past it, and see the probe, tree and answer change", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-nlb");
    await page.getByTestId("scenario-title").filter({ hasText: "(NLB)" }).waitFor();
    await seek(page, 200_000);
    assert.match(await page.getByTestId("query-answer").textContent(), /nlb-use1/);
    assert.doesNotMatch(await page.getByTestId("probe-log").textContent(), /refused/);
    // At the fault the narration says what happened (later lines push it out of view).
    await seek(page, 300_000);
    await page.getByTestId("narration").filter({ hasText: "stop the web servers in us-east-1" }).waitFor();
    await seek(page, 330_000);
    await page.getByTestId("probe-log").filter({ hasText: "connection refused" }).waitFor();
    await seek(page, 500_000);
    await page.getByTestId("tree").filter({ hasText: "✗ unhealthy" }).waitFor();
    assert.match(await page.getByTestId("query-answer").textContent(), /nlb-euw1/);
    assert.match(await page.getByTestId("query-explain").textContent(), /skipped/);
    // Scrub back: the state is what it was.
    await seek(page, 200_000);
    assert.doesNotMatch(await page.getByTestId("tree").textContent(), /unhealthy/);
    await page.getByTestId("query-ecs-on").check();
    await page.getByTestId("query-answer").filter({ hasText: "nlb-apse1" }).waitFor();
    await screenshot(page, "playground-nlb");
  });
});

test("a fault added at the playhead forks the run there", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-nlb");
    await seek(page, 100_000);
    await page.getByTestId("stop-ap-southeast-1").click();
    await page.getByTestId("fault-script").filter({ hasText: "01:40.000 stop the web servers in ap-southeast-1" }).waitFor();
    assert.equal(await page.getByTestId("fault-script").locator("li").count(), 3);
    await page.getByRole("button", { name: "Remove fault 1" }).click();
    assert.equal(await page.getByTestId("fault-script").locator("li").count(), 2);
  });
});

test("an edit shows at the playhead at once; the whole run follows over the next frames", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-nlb");
    await page.locator('[data-testid="app-main"][data-run="made"]').waitFor();
    await seek(page, 400_000);
    const summaryBefore = await page.getByTestId("summary").textContent();
    const seen = await page.evaluate(async () => {
      const main = document.querySelector("[data-testid=app-main]");
      const text = (id) => document.querySelector(`[data-testid=${id}]`).textContent;
      let atShown = null;
      const observer = new MutationObserver(() => {
        if (atShown === null && text("narration").includes("ap-southeast-1")) {
          atShown = { run: main.dataset.run, summary: text("summary"), pinDisabled: document.querySelector("[data-testid=pin-a]").disabled };
        }
      });
      observer.observe(main, { subtree: true, childList: true, characterData: true });
      document.querySelector("[data-testid=stop-ap-southeast-1]").click();
      let framesToFinish = 0;
      while ((atShown === null || main.dataset.run !== "made") && framesToFinish < 600) {
        await new Promise((r) => requestAnimationFrame(r));
        framesToFinish++;
      }
      observer.disconnect();
      return { atShown, framesToFinish, summary: text("summary") };
    });
    // The playhead showed the fault while the rest of the run was still being
    // simulated; the summary was the run before the edit, and could not be pinned.
    assert.deepEqual(seen.atShown, { run: "finishing", summary: summaryBefore, pinDisabled: true });
    assert.ok(seen.framesToFinish > 1 && seen.framesToFinish < 600, `${seen.framesToFinish} frames`);
    // Then the whole run: the summary counts the requests the stopped region failed.
    assert.notEqual(seen.summary, summaryBefore);
    assert.equal(await page.getByTestId("pin-a").isDisabled(), false);
    assert.equal(await page.getByTestId("finishing").count(), 0);
    // On a slow machine finishing takes long enough to notice: the timeline says so,
    // with how far it has got, and the summary and charts fade. The page's animation
    // frames (where the run is finished, a slice per frame) are held, as a slow
    // machine would hold them, however fast this one is.
    await seek(page, 0);
    await page.evaluate(() => {
      window.__rwHeld = [];
      window.__rwRaf = window.requestAnimationFrame;
      window.requestAnimationFrame = (cb) => window.__rwHeld.push(cb);
    });
    try {
      await page.getByTestId("stop-eu-west-1").click();
      // The note has appeared and the summary of the run before the edit has faded
      // (both after a delay), while the run is still being finished.
      await page.waitForFunction(
        () => {
          const note = document.querySelector("[data-testid=finishing]");
          const summary = document.querySelector("[data-testid=summary]");
          return note && getComputedStyle(note).opacity === "1" && Number(getComputedStyle(summary).opacity) < 0.6;
        },
        null,
        { polling: 50 },
      );
      assert.equal(await page.getByTestId("app-main").getAttribute("data-run"), "finishing");
      assert.match(await page.getByTestId("finishing").textContent(), /Finishing the run/);
      assert.equal(await page.getByTestId("pin-a").isDisabled(), true);
      await screenshot(page, "finishing", page.locator("[data-panel=timeline]"));
    } finally {
      await page.evaluate(() => {
        if (!window.__rwRaf) return;
        window.requestAnimationFrame = window.__rwRaf;
        for (const cb of window.__rwHeld) window.requestAnimationFrame(cb);
      });
    }
    await page.locator('[data-testid="app-main"][data-run="made"]').waitFor();
    assert.equal(await page.getByTestId("finishing").count(), 0);
  });
});

test("space plays and pauses; the clock moves", async () => {
  await withPage(server.origin, async (page) => {
    const before = await page.getByTestId("clock").textContent();
    await page.locator("body").click({ position: { x: 5, y: 300 } });
    await page.keyboard.press("Space");
    await page.getByTestId("play").filter({ hasText: "Pause" }).waitFor();
    await page.getByTestId("clock").filter({ hasNotText: before }).waitFor();
    await page.keyboard.press("Space");
    await page.getByTestId("play").filter({ hasText: "Play" }).waitFor();
    assert.notEqual(await page.getByTestId("clock").textContent(), before);
  });
});

test("a shared moment opens identically in a fresh browser profile", async () => {
  const a = await launch();
  let url;
  let title;
  let clock;
  try {
    await open(a.page);
    await a.page.getByTestId("preset-picker").selectOption("geo-failover-alb");
    await seek(a.page, 420_000);
    await a.page.getByTestId("share").click();
    url = await a.page.getByTestId("share-url").inputValue();
    title = await a.page.getByTestId("scenario-title").textContent();
    clock = await a.page.getByTestId("clock").textContent();
    assert.ok(url.startsWith(`${server.origin}/#s=2.`), url);
    assert.deepEqual(a.log.errors, []);
  } finally {
    await a.close();
  }
  const b = await launch();
  try {
    await b.page.goto(url);
    await b.page.getByTestId("app-main").waitFor({ state: "visible", timeout: 20_000 });
    assert.equal(await b.page.getByTestId("scenario-title").textContent(), title);
    // The run starts after the first paint: wait for its full length, then compare.
    await b.page.getByTestId("clock").filter({ hasText: clock }).waitFor();
    assert.equal(await b.page.getByTestId("clock").textContent(), clock);
    await screenshot(b.page, "shared-link");
    assert.deepEqual(b.log.errors, []);
  } finally {
    await b.close();
  }
});

test("bad links show a message, the app stays usable, and autosave is untouched", async () => {
  await withPage(server.origin, async (page) => {
    // Make an edit so there is autosaved work.
    await page.getByTestId("preset-picker").selectOption("all-defaults-nlb");
    await page.getByTestId("scenario-title").filter({ hasText: "All defaults" }).waitFor();
    // Autosave is debounced: wait for it.
    await page.waitForFunction((t) => (localStorage.getItem("routewave.autosave.v1") || "").includes(t), "All defaults");
    const saved = await page.evaluate(() => localStorage.getItem("routewave.autosave.v1"));
    assert.ok(saved && saved.includes("All defaults"));
    const bad = ["#s=1.!!!", "#s=99.AAAA", "#s=1.AAAA", "#nonsense", "#s=abc.x"];
    const messages = [/not valid base64url/, /newer Routewave/, /does not decompress/, /does not contain a Routewave scenario/, /is not a number/];
    for (let i = 0; i < bad.length; i++) {
      await page.goto(`${server.origin}/${bad[i]}`);
      await page.getByTestId("notice").waitFor({ timeout: 20_000 });
      assert.match(await page.getByTestId("notice").textContent(), messages[i]);
      // Still usable: the autosaved scenario is loaded and unchanged.
      assert.match(await page.getByTestId("scenario-title").textContent(), /All defaults/);
      assert.equal(await page.evaluate(() => localStorage.getItem("routewave.autosave.v1")), saved);
    }
    await screenshot(page, "bad-link");
  });
});

test("small screens stack the panels", async () => {
  const b = await launch({ width: 420, height: 900 });
  try {
    await open(b.page);
    const overflow = await b.page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than a 420 px screen`);
    // A probe log line that wraps does so around "→ region", never inside the region's name.
    await b.page.getByTestId("probe-log").locator("li").first().waitFor();
    const destinations = await b.page.getByTestId("probe-log").locator(".rw-log__to").evaluateAll((spans) =>
      spans.map((s) => ({ text: s.textContent, lines: s.getClientRects().length })),
    );
    assert.ok(destinations.length > 0 && destinations.every((d) => /^→ \S+$/.test(d.text) && d.lines === 1), JSON.stringify(destinations.slice(0, 3)));
    await screenshot(b.page, "playground-small");
    // No preset makes the page wider than the screen (its problems, if it cannot run,
    // wrap too).
    const presets = await b.page.getByTestId("preset-picker").evaluate((s) => [...s.options].map((o) => o.value).filter(Boolean));
    for (const p of presets) {
      await b.page.getByTestId("preset-picker").selectOption(p);
      await b.page.getByTestId("app-main").and(b.page.locator("[data-run=made], [data-run=waiting]")).waitFor();
      const wider = await b.page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
      assert.ok(wider <= 0, `${p}: the page is ${wider} px wider than a 420 px screen`);
    }
    assert.deepEqual(b.log.errors, []);
  } finally {
    await b.close();
  }
});

test("a wide screen is a stage: player, main chart, narration and routing tree in one 1440×900 view", async () => {
  await withPage(
    server.origin,
    async (page) => {
      await page.getByTestId("preset-picker").selectOption("latency-weighted-alb");
      await page.getByTestId("guide-position").filter({ hasText: "7 steps" }).waitFor();
      const timeline = await page.locator("section.rw-panel--timeline").boundingBox();
      const tree = await page.locator("section.rw-panel--tree").boundingBox();
      assert.equal(Math.round(tree.y), Math.round(timeline.y), "side by side");
      assert.ok(tree.x >= timeline.x + timeline.width, `${JSON.stringify(timeline)} then ${JSON.stringify(tree)}`);
      // Without scrolling, everything a run is watched by is on screen.
      for (const id of ["guide-next", "play", "clock", "chart-requests", "narration-now", "tree-record-0"]) {
        const box = await page.getByTestId(id).first().boundingBox();
        assert.ok(box && box.y >= 0 && box.y + box.height <= 900, `${id} at ${JSON.stringify(box)}`);
      }
      const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than 1440 px`);
      // The probe log's lines wrap in their column: none runs out of sight.
      await page.getByTestId("probe-log").locator("li").first().waitFor();
      const hidden = await page.getByTestId("probe-log").evaluate((el) => el.scrollWidth - el.clientWidth);
      assert.ok(hidden <= 0, `the probe log hides ${hidden} px of its lines`);
      await screenshot(page, "playground-wide");
    },
    { width: 1440, height: 900 },
  );
});

test("pitfall warnings name the problem in the tree", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-layer-pitfall-alb");
    await page.getByTestId("pitfalls").filter({ hasText: "skips its whole branch" }).waitFor();
    assert.ok((await page.getByTestId("tree").textContent()).includes("⚠ pitfall"));
    await page.getByTestId("preset-picker").selectOption("latency-weighted-nlb");
    await page.getByTestId("scenario-title").filter({ hasText: "Latency → weighted (NLB)" }).waitFor();
    assert.equal((await page.getByTestId("pitfalls").textContent()).trim(), "");
  });
});

test("the requests chart draws, reads out on hover and exports PNG and CSV", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-alb");
    const canvas = page.getByTestId("chart-requests");
    await canvas.waitFor();
    // Something was drawn: the canvas is not blank.
    const inked = await canvasPixels(canvas);
    assert.ok(inked > 2000, `inked pixels: ${inked}`);
    const phaseInk = await canvasPixels(page.getByTestId("chart-phases"));
    assert.ok(phaseInk > 1000, `phase chart pixels: ${phaseInk}`);
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.getByTestId("chart-readout").filter({ hasText: "/s" }).waitFor();
    const [png] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-png").click()]);
    assert.equal(png.suggestedFilename(), "routewave-requests.png");
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    assert.equal(csv.suggestedFilename(), "routewave-series.csv");
    await screenshot(page, "chart");
  });
});

test("trials run in chunks with progress, can be cancelled, and draw histograms", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-nlb");
    await page.getByTestId("trials-count").fill("40");
    await page.getByTestId("trials-count").dispatchEvent("change");
    await page.getByTestId("trials-run").click();
    // The page stays responsive while trials run: the clock still reacts to a step.
    await page.getByTestId("step").click();
    await page.getByTestId("clock").filter({ hasText: "00:01.000" }).waitFor();
    await page.getByTestId("trials-done").filter({ hasText: "40 / 40" }).waitFor({ timeout: 60_000 });
    const text = await page.getByTestId("hist-switch").textContent();
    assert.match(text, /switch time over 40 runs: p50 [\d.]+ s · p95 [\d.]+ s · max [\d.]+ s/);
    assert.ok((await page.getByTestId("hist-switch").locator(".rw-hist__bar").count()) === 24);
    // Cancel stops a long run part-way.
    await page.getByTestId("trials-count").fill("2000");
    await page.getByTestId("trials-count").dispatchEvent("change");
    await page.getByTestId("trials-run").click();
    await page.getByTestId("trials-done").filter({ hasNotText: /^0 \// }).waitFor();
    await page.getByTestId("trials-cancel").click();
    await page.getByTestId("trials-cancel").and(page.locator(":disabled")).waitFor();
    const done = Number((await page.getByTestId("trials-done").textContent()).split(" / ")[0]);
    // Trials run a few per frame: after many more frames, none ran.
    await frames(page, 30);
    const after = Number((await page.getByTestId("trials-done").textContent()).split(" / ")[0]);
    assert.ok(done < 2000 && after === done, `${done} then ${after}`);
    await screenshot(page, "trials");
  });
});

test("pin ALB as A, switch to NLB, and compare on the same chart", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-alb");
    await page.getByTestId("scenario-title").filter({ hasText: "(ALB)" }).waitFor();
    await page.getByTestId("pin-a").click();
    await page.getByTestId("pinned").filter({ hasText: "A (grey): Latency → weighted (ALB)" }).waitFor();
    await page.getByTestId("preset-picker").selectOption("latency-weighted-nlb");
    await page.getByTestId("scenario-title").filter({ hasText: "(NLB)" }).waitFor();
    // A stays pinned across the change; the chart now has grey A lines.
    assert.match(await page.getByTestId("pinned").textContent(), /ALB/);
    const grey = await canvasPixels(page.getByTestId("chart-requests"), [150, 150, 150]);
    assert.ok(grey > 200, `grey pixels ${grey}`);
    await screenshot(page, "compare");
  });
});

test("edit a record in the inspector: weight, validation, keyboard reorder, delete, undo", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-alb");
    await page.getByTestId("scenario-title").filter({ hasText: "(ALB)" }).waitFor();
    // Record 0 is use1's weighted alias.
    await page.getByTestId("tree-record-0").click();
    await page.getByTestId("inspector-title").filter({ hasText: "use1.sso.example.com A [use1]" }).waitFor();
    await page.getByTestId("edit-weight").fill("300");
    await page.getByTestId("edit-weight").dispatchEvent("change");
    await page.getByTestId("inspector-problems").filter({ hasText: "300: weights are 0 to 255" }).waitFor();
    await page.getByTestId("scenario-problems").waitFor();
    await page.getByTestId("edit-weight").fill("40");
    await page.getByTestId("edit-weight").dispatchEvent("change");
    await page.getByTestId("scenario-problems").waitFor({ state: "detached" });
    assert.match(await page.getByTestId("tree").textContent(), /weight 40/);
    // Keyboard: focus the latency record for us-east-1 and move it down with Alt+↓.
    await page.getByTestId("tree-record-1").focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Alt+ArrowDown");
    await page.getByTestId("inspector-title").filter({ hasText: "[us-east-1]" }).waitFor();
    // Delete with the keyboard, then undo.
    const rows = await page.locator("[data-testid^=tree-record-]").count();
    await page.getByTestId("delete-record").click();
    assert.equal(await page.locator("[data-testid^=tree-record-]").count() < rows, true);
    await page.getByTestId("undo").click();
    assert.equal(await page.locator("[data-testid^=tree-record-]").count(), rows);
    await screenshot(page, "inspector");
  });
});

test("the answer's path is marked in the tree; a load balancer or a host can be failed at the playhead", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-nlb");
    await page.getByTestId("scenario-title").filter({ hasText: "(NLB)" }).waitFor();
    await seek(page, 100_000);
    // Washington's answer goes through the us-east-1 latency record and its weighted leaf.
    const marked = page.getByTestId("tree").locator(".rw-tree__row--path");
    await marked.first().waitFor();
    assert.equal(await marked.count(), 2);
    assert.match(await marked.first().textContent(), /latency us-east-1/);
    // Ask with ECS for Singapore: the marks move to ap-southeast-1.
    await page.getByTestId("query-ecs-on").check();
    await page.getByTestId("tree").locator(".rw-tree__row--path").filter({ hasText: "ap-southeast-1" }).first().waitFor();
    // Take us-east-1's NLB down at the playhead; black-hole a host.
    await page.getByTestId("fault-lb").selectOption("nlb-use1");
    await page.getByTestId("lb-down").click();
    await page.getByTestId("fault-script").filter({ hasText: "01:40.000 take load balancer nlb-use1 down" }).waitFor();
    await page.getByTestId("fault-host").selectOption("web-euw1");
    await page.getByTestId("host-blackhole").click();
    await page.getByTestId("fault-script").filter({ hasText: "black-hole web-euw1" }).waitFor();
    await seek(page, 400_000);
    await page.getByTestId("probe-log").filter({ hasText: "ap-southeast-1" }).waitFor();
  });
});
