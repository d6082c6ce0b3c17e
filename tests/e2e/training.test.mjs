// A trainer's session: open a field preset by link, walk its guide with Next / Back
// and the arrow keys, commit a prediction, play, reveal, read the phase the guess
// left out, share the link with the prediction and open it in a fresh browser;
// presenter mode toggles. Screenshots of the guide and the prediction at 1440×900
// and 420 px wide land in $ROUTEWAVE_SCREENS (default target/e2e/).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT, launch, openApp, serveDist, withPage } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

const SHOTS = process.env.ROUTEWAVE_SCREENS ?? join(ROOT, "target", "e2e");

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Sets the timeline's speed slider to 10^`log`× as a person dragging it would. */
async function speed(page, log) {
  await page.getByTestId("speed").evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, log);
}

/** The link to a preset, as the page's share button gives it. */
async function presetLink(name) {
  let url;
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption(name);
    await page.getByTestId("scenario-title").filter({ hasText: "Latency → weighted (ALB)" }).waitFor();
    await page.getByTestId("share").click();
    url = await page.getByTestId("share-url").inputValue();
  });
  return url;
}

/** Runs `fn(page)` in a fresh browser opened at `url`, failing on any page error. */
async function fresh(url, fn, { width = 1440, height = 900 } = {}) {
  const b = await launch({ width, height });
  try {
    await openApp(b.page, server.origin, url.slice(url.indexOf("#")));
    await fn(b.page);
    assert.deepEqual(b.log.errors, []);
    assert.deepEqual(b.log.requests.filter((u) => !u.startsWith(server.origin) && !u.startsWith("data:") && !u.startsWith("blob:")), []);
  } finally {
    await b.close();
  }
}

test("a guided session with a prediction, shared and opened again", async () => {
  const link = await presetLink("latency-weighted-alb");
  let shared;
  await fresh(link, async (page) => {
    const position = page.getByTestId("guide-position");
    const clock = page.getByTestId("clock");
    await position.filter({ hasText: "7 steps" }).waitFor();
    // Step through: Start, Next, then the arrow keys both ways.
    await page.getByTestId("guide-next").click();
    await position.filter({ hasText: "Step 1 of 7" }).waitFor();
    await clock.filter({ hasText: /^04:30\.000/ }).waitFor();
    await page.getByTestId("guide-next").click();
    await position.filter({ hasText: "Step 2 of 7" }).waitFor();
    await clock.filter({ hasText: /^05:00\.000/ }).waitFor();
    assert.match(await page.getByTestId("guide-text").textContent(), /^05:00 us-east-1's web server stops/);
    await page.locator('[data-panel="probe"].rw-panel--focus').waitFor();
    await page.keyboard.press("ArrowRight");
    await position.filter({ hasText: "Step 3 of 7" }).waitFor();
    await clock.filter({ hasText: /^05:10\.000/ }).waitFor();
    await page.locator('[data-panel="tree"].rw-panel--focus').waitFor();
    // The detection step selects the stopped region's record, open in the inspector.
    await page.locator(".rw-tree__row--selected").waitFor();
    assert.match(await page.getByTestId("inspector-title").textContent(), /us-east-1/);
    await page.keyboard.press("ArrowLeft");
    await position.filter({ hasText: "Step 2 of 7" }).waitFor();
    await clock.filter({ hasText: /^05:00\.000/ }).waitFor();
    // Arrows typed into a field stay in the field.
    await page.getByTestId("predict-switch").fill("10");
    await page.keyboard.press("ArrowLeft");
    assert.match(await position.textContent(), /Step 2 of 7/);

    // Commit a guess of 10 s: nothing is revealed yet.
    await page.getByTestId("predict-commit").click();
    await page.getByTestId("predict-committed").filter({ hasText: "Your prediction: 10.0 s" }).waitFor();
    await page.getByTestId("predict-hidden").waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "training-1440-guide-prediction");
    // Play at 1× for a moment (the switch is tens of seconds away), pause: still hidden.
    await speed(page, 0);
    await page.getByTestId("play").click();
    await clock.filter({ hasNotText: /^05:00\.000/ }).waitFor();
    await page.getByTestId("play").click();
    await page.getByTestId("play").filter({ hasText: "Play" }).waitFor();
    assert.equal(await page.getByTestId("predict-result").count(), 0);
    // Reveal: the guess against the run, and the phase it left out.
    await page.getByTestId("predict-reveal").click();
    const missed = page.getByTestId("predict-missed");
    await missed.waitFor();
    assert.match(await missed.textContent(), /^You left out the resolver's TTL: \d+\.\d s in this run\.$/);
    assert.match(await page.getByTestId("predict-headline").textContent(), /^You predicted 10\.0 s; the run took \d+\.\d s/);
    assert.match(await page.locator(".rw-phases__missed").textContent(), /resolver TTL/);
    await shot(page, "training-1440-revealed");
    // A new guess hides the answer again, until the playhead passes the switch.
    await page.getByTestId("predict-change").click();
    await page.getByTestId("predict-switch").fill("10");
    await page.getByTestId("predict-commit").click();
    await page.getByTestId("predict-hidden").waitFor();
    await speed(page, 2);
    await page.getByTestId("play").click();
    await missed.waitFor({ timeout: 60_000 });
    await page.getByTestId("play").filter({ hasText: "Pause" }).click();

    // Presenter mode toggles the document's flag and enlarges the narration.
    const size = () => page.getByTestId("narration-now").evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const before = await size();
    await page.getByTestId("presenter").click();
    await page.locator("html[data-presenter]").waitFor({ state: "attached" });
    assert.equal(await page.getByTestId("presenter").getAttribute("aria-pressed"), "true");
    assert.ok((await size()) >= before * 1.5, `narration ${before}px → ${await size()}px`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "training-1440-presenter");
    await page.getByTestId("presenter").click();
    await page.waitForFunction(() => !document.documentElement.hasAttribute("data-presenter"));
    await page.getByTestId("presenter").click();

    // Share with the prediction (and presenter mode).
    await page.getByTestId("predict-in-link").check();
    await page.getByTestId("share").click();
    shared = await page.getByTestId("share-url").inputValue();
    assert.notEqual(shared, link);
  });

  // A fresh browser opens the link with the prediction, the moment and presenter mode.
  await fresh(shared, async (page) => {
    await page.getByTestId("predict-committed").filter({ hasText: "Your prediction: 10.0 s" }).waitFor();
    await page.getByTestId("predict-missed").filter({ hasText: "resolver's TTL" }).waitFor();
    await page.locator("html[data-presenter]").waitFor({ state: "attached" });
    assert.equal(await page.getByTestId("predict-in-link").isChecked(), true);
  });

  // Phone width: the guide and the prediction still fit, in presenter mode too.
  await fresh(
    shared,
    async (page) => {
      await page.getByTestId("guide-next").click();
      await page.getByTestId("guide-position").filter({ hasText: "Step 1 of 7" }).waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
      await shot(page, "training-420-presenter");
      await page.getByTestId("presenter").click();
      await page.waitForFunction(() => !document.documentElement.hasAttribute("data-presenter"));
      await shot(page, "training-420");
    },
    { width: 420, height: 860 },
  );
});

test("a trainer records a step and edits its text", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-near-tie-nlb");
    await page.getByTestId("guide-position").filter({ hasText: "0 steps" }).waitFor();
    await page.getByTestId("step").click();
    await page.getByTestId("clock").filter({ hasText: /^00:01\.000/ }).waitFor();
    // The step keeps the record selected in the tree.
    await page.getByTestId("tree-record-0").click();
    await page.getByTestId("guide-record").click();
    await page.getByTestId("guide-position").filter({ hasText: "Step 1 of 1" }).waitFor();
    const text = page.getByTestId("guide-step-text");
    await text.fill("Look at the <b>tree</b> now");
    await text.blur();
    await page.getByTestId("guide-text").filter({ hasText: "00:01 Look at the <b>tree</b> now" }).waitFor();
    // User text is text, never markup.
    assert.equal(await page.getByTestId("guide-text").locator("b").count(), 0);
    // The step is part of the scenario: autosaved with it.
    await page.waitForFunction(() => (localStorage.getItem("routewave.autosave.v1") || "").includes("Look at the"));
    assert.match(await page.evaluate(() => localStorage.getItem("routewave.autosave.v1")), /"select": ?"[^"]+"/);
    // Select another record, then go to the step again (→ on the last step shows
    // it again): the step selects its record.
    await page.getByTestId("tree-record-1").click();
    await page.locator('[data-testid="tree-record-1"].rw-tree__row--selected').waitFor();
    await page.getByTestId("guide-text").click();
    await page.keyboard.press("ArrowRight");
    await page.locator('[data-testid="tree-record-0"].rw-tree__row--selected').waitFor();
  });
});

test("a trainer's session: a guided preset by link, then a challenge fixed until it passes, shared and opened fresh", async () => {
  const link = await presetLink("latency-weighted-alb");
  let shared;
  await fresh(link, async (page) => {
    // The guided part: two steps, a prediction, a moment of play, the reveal.
    await page.getByTestId("guide-next").click();
    await page.getByTestId("guide-next").click();
    await page.getByTestId("guide-position").filter({ hasText: "Step 2 of 7" }).waitFor();
    await page.getByTestId("predict-switch").fill("30");
    await page.getByTestId("predict-commit").click();
    await page.getByTestId("predict-hidden").waitFor();
    await page.getByTestId("play").click();
    await page.getByTestId("clock").filter({ hasNotText: /^05:00\.000/ }).waitFor();
    await page.getByTestId("play").click();
    await page.getByTestId("predict-reveal").click();
    await page.getByTestId("predict-headline").filter({ hasText: /^You predicted 30\.0 s; the run took/ }).waitFor();
    // Then the room gets a challenge.
    await page.getByTestId("preset-picker").selectOption("challenge-no-checks");
    const panel = page.getByTestId("challenge");
    await panel.getByRole("heading", { name: "Challenge: Fail over for free" }).waitFor();
    const status = page.getByTestId("challenge-status");
    // As shipped: nothing tells Route 53 a region is down, so curl-dc never moves.
    await status.filter({ hasText: /^✗ Not yet: \d of 3 checks fail$/ }).waitFor();
    const failing = panel.locator('[data-testid="challenge-check"][data-pass="false"]');
    assert.match(await failing.first().textContent(), /curl-dc switch < 150 s.*never served from another region/);
    // The budget of zero health checks holds.
    assert.match(
      await panel.locator('[data-testid="challenge-check"][data-pass="true"]').last().textContent(),
      /at most 0 health checks.*0 health checks \(budget 0\)/,
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "challenge-1440-failing");
    // The fix: Evaluate Target Health on every latency alias, one record at a time.
    const records = page.locator('[data-testid^="tree-record-"]');
    const n = await records.count();
    assert.ok(n >= 2, `${n} records`);
    for (let i = 0; i < n; i += 1) {
      await page.getByTestId(`tree-record-${i}`).click();
      await page.getByTestId("edit-eth").check();
    }
    await status.filter({ hasText: /^✓ Passed: all 3 goals and rules hold$/ }).waitFor();
    assert.equal(await status.getAttribute("data-pass"), "true");
    assert.match(await panel.locator('[data-testid="challenge-check"]').first().textContent(), /switched \d+\.\d s after the fault/);
    await shot(page, "challenge-1440-passing");
    // Undo every fix: the verdict follows back to failing; redo them all.
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < n; i += 1) await page.keyboard.press("Control+z");
    await status.filter({ hasText: /^✗ Not yet/ }).waitFor();
    for (let i = 0; i < n; i += 1) await page.keyboard.press("Control+Shift+z");
    await status.filter({ hasText: /^✓ Passed/ }).waitFor();
    await page.getByTestId("share").click();
    shared = await page.getByTestId("share-url").inputValue();
  });
  // The fixed design, opened in a fresh browser, passes there too.
  await fresh(shared, async (page) => {
    await page.getByTestId("challenge-status").filter({ hasText: /^✓ Passed/ }).waitFor();
  });
  // At phone width the panel wraps inside the screen.
  await fresh(
    shared,
    async (page) => {
      await page.getByTestId("challenge-status").waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
      await shot(page, "challenge-420");
    },
    { width: 420, height: 860 },
  );
});
