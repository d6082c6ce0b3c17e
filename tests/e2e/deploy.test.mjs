// The deployment half as a facilitator and a trainee use it: the map (pan, zoom,
// hover, select), a resolver's catchments, outages of a location and of a stripe at
// the playhead, the wave planner (drag, keyboard, suggestion), the bad build's blast
// radius and the comparison of plans.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveDist, screenshot, withPage, canvasPixels, canvasChanges, canvasPixelsBelow, frames } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

async function openPreset(page, name, title) {
  await page.getByTestId("preset-picker").selectOption(name);
  await page.getByTestId("scenario-title").filter({ hasText: title }).waitFor();
  await page.getByTestId("deploy-panel").waitFor();
}

async function seekDeploy(page, ms) {
  await page.getByTestId("deploy-scrubber").evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, ms);
}

const userMinutes = async (page, testid) => {
  const total = page.getByTestId(testid).locator("tr.rw-build__total td").last();
  return Number((await total.textContent()).replace(/[^0-9.]/g, ""));
};

/** A hash of the map canvas's pixels, to tell frames apart. */
const mapHash = (page) =>
  page.getByTestId("map").evaluate((c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 16) h = (h * 31 + d[i] + d[i + 1] * 7 + d[i + 2] * 13) >>> 0;
    return h;
  });

test("the map draws coastlines, locations and resolvers; pan, zoom, hover and select work", async () => {
  await withPage(server.origin, async (page) => {
    await openPreset(page, "data-plane-by-stripe", "waves by stripe");
    const map = page.getByTestId("map");
    // The coastline is fetched when the map is first shown.
    await page.locator("[data-testid=map][data-coast=ready]").waitFor();
    // Land is drawn (its grey), and every stripe's colour appears.
    assert.ok((await canvasPixels(map, [214, 218, 224])) > 20_000, "land");
    for (const rgb of [[0, 114, 178], [230, 159, 0], [0, 158, 115], [204, 121, 167]]) {
      assert.ok((await canvasPixels(map, rgb)) > 30, `stripe colour ${rgb}`);
    }
    const whole = await mapHash(page);
    await page.getByTestId("map-zoom-in").click();
    const zoomed = await mapHash(page);
    assert.notEqual(zoomed, whole, "zooming redraws");
    await map.focus();
    await page.keyboard.press("ArrowLeft");
    assert.notEqual(await mapHash(page), zoomed, "arrow keys pan");
    await page.keyboard.press("0");
    assert.equal(await mapHash(page), whole, "0 shows the whole globe again");
    // Pick a location from the list: the readout names it with its stripe.
    await page.getByTestId("deploy-location").selectOption({ index: 1 });
    await page.getByTestId("map-readout").filter({ hasText: /stripe \d \((circle|square|triangle|diamond)\)/ }).waitFor();
    // Hover over the map finds things under the cursor.
    const box = await map.boundingBox();
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      await page.mouse.move(box.x + box.width * (0.2 + 0.6 * ((i * 7) % 60) / 60), box.y + box.height * (0.3 + 0.3 * ((i * 11) % 60) / 60));
      found = /resolver \d+|stripe \d/.test(await page.getByTestId("map-readout").textContent());
    }
    assert.ok(found, "hovering shows a location or a resolver");
    await screenshot(page, "deploy-map");
  });
});

test("a resolver's catchments and its queries in flight; colouring by fastest location", async () => {
  await withPage(server.origin, async (page) => {
    await openPreset(page, "data-plane-by-stripe", "waves by stripe");
    // A resolver far from every location, so its query has a long way to fly.
    await page.getByTestId("deploy-resolver").selectOption({ label: "Nairobi" });
    await page.getByTestId("map-readout").filter({ hasText: /in Nairobi: answered by \w+ in \d+ ms/ }).waitFor();
    // The animation moves the query dots: a later frame differs.
    assert.ok(await canvasChanges(page.getByTestId("map")), "queries are animated");
    const status = await canvasPixels(page.getByTestId("map"), [138, 147, 156]);
    await page.getByTestId("dots-fastest").check();
    const grey = await canvasPixelsBelow(page.getByTestId("map"), [138, 147, 156], status / 4);
    assert.ok(grey < status / 4, `grey dots recoloured by stripe: ${grey} of ${status} left`);
    await page.locator("section.rw-panel--deploy .rw-deploy__grid").screenshot({ path: "target/e2e/deploy-catchments.png" });
  });
});

test("black-hole a location and fail a stripe at the playhead; scrub shows before and after", async () => {
  await withPage(server.origin, async (page) => {
    await openPreset(page, "data-plane-by-stripe", "waves by stripe");
    await page.getByTestId("dots-status").check();
    const counts = () => page.getByTestId("deploy-counts").textContent();
    const before = await counts();
    assert.match(before, /0 slower · 0 no answer/);
    await seekDeploy(page, 60_000);
    await page.getByTestId("deploy-location").selectOption({ index: 1 });
    await page.getByTestId("blackhole-location").click();
    await page.getByTestId("outages").filter({ hasText: "01:00.000 black-hole" }).waitFor();
    await page.getByTestId("deploy-counts").filter({ hasNotText: "0 slower · 0 no answer" }).waitFor();
    const hurt = await counts();
    // Scrub back before the outage: everyone is fine again; forward: hurt again.
    await seekDeploy(page, 30_000);
    assert.equal(await counts(), before);
    await seekDeploy(page, 60_000);
    assert.equal(await counts(), hurt);
    // Fail all of stripe 0 at 2 min: withdrawn, catchments move, nobody loses answers.
    await seekDeploy(page, 120_000);
    const blue = await canvasPixels(page.getByTestId("map"), [0, 114, 178]);
    await page.getByTestId("fail-stripe-0").click();
    await page.getByTestId("outages").filter({ hasText: "withdraw all of stripe 0" }).waitFor();
    await seekDeploy(page, 900_000);
    const hollow = await canvasPixels(page.getByTestId("map"), [0, 114, 178]);
    assert.ok(hollow < blue * 0.6, `stripe 0 markers hollow: ${hollow} blue pixels, ${blue} before`);
    assert.match(await page.getByTestId("deploy-counts").textContent(), / 0 wrong answers/);
    await page.getByRole("button", { name: "Remove outage 2" }).click();
    await page.getByRole("button", { name: "Remove outage 1" }).click();
    await seekDeploy(page, 60_000);
    assert.equal(await counts(), before);
  });
});

test("the bad plan, then the stripe-organized plan: the difference at a glance; rebuild it by dragging", async () => {
  await withPage(server.origin, async (page) => {
    await openPreset(page, "data-plane-bad-plan", "waves of neighbours");
    await page.getByTestId("plan-analysis").filter({ hasText: "spans 4 stripes" }).waitFor();
    const bad = await userMinutes(page, "blast-radius");
    const good = await userMinutes(page, "blast-radius-other");
    assert.ok(good < bad / 5, `good ${good} vs bad ${bad} user-minutes`);
    assert.match(await page.getByTestId("blast-radius").textContent(), /0 1 2 3/);
    assert.ok((await canvasPixels(page.getByTestId("chart-blast"), [0, 114, 178])) > 100);
    // Run it: the player goes, the alarm fires and the plan halts.
    await page.getByTestId("deploy-speed").fill("4");
    await page.getByTestId("run-build").click();
    await page.getByTestId("deploy-play").filter({ hasText: "Pause" }).waitFor();
    await page.getByTestId("deploy-now").filter({ hasText: "rollback complete" }).waitFor({ timeout: 20_000 });
    await page.getByTestId("wave-1").getByTestId("wave-status").filter({ hasText: "rolled back" }).waitFor();
    await page.getByTestId("deploy-play").filter({ hasText: "▶ Play" }).waitFor({ timeout: 20_000 }); // the run's end
    // Back to the alarm: halted, rolling back.
    await seekDeploy(page, 1_500_000);
    await page.getByTestId("deploy-now").filter({ hasText: "alarm: black-hole detected" }).waitFor();
    await page.getByTestId("wave-1").getByTestId("wave-status").filter({ hasText: "halted" }).waitFor();
    assert.equal(await page.getByTestId("wave-2").getByTestId("wave-status").count(), 0, "wave 2 never started");
    await screenshot(page, "deploy-bad-plan");
    // Drag the first wave's second location (another stripe) out of the plan. (A plain
    // click on the planner first: Chromium's automated drag does not start straight
    // after the player was driven.)
    await page.getByTestId("wave-planner").locator("h3").click();
    const w1 = page.getByTestId("wave-1");
    const chips = w1.locator(".rw-chip");
    const n = await chips.count();
    const moved = await chips.nth(1).getAttribute("data-testid");
    await chips.nth(1).dragTo(page.getByTestId("wave-none"));
    await page.getByTestId("wave-none").getByTestId(moved).waitFor();
    assert.equal(await page.getByTestId("wave-1").locator(".rw-chip").count(), n - 1);
    // Keyboard: ← from "not in a wave" puts it in the last wave; → from the last opens a new one.
    await page.getByTestId(moved).focus();
    await page.keyboard.press("ArrowLeft");
    const lastWave = await page.locator("[data-testid^=wave-]:not([data-testid=wave-none])").last().getAttribute("data-testid");
    await page.getByTestId(lastWave).getByTestId(moved).waitFor();
    // The suggestion: arrange by stripe; the analysis clears; undo restores.
    await page.getByTestId("arrange").click();
    await page.getByTestId("plan-analysis").filter({ hasNotText: "spans" }).waitFor();
    assert.ok((await userMinutes(page, "blast-radius")) < bad / 5);
    await page.getByTestId("arrange-undo").click();
    await page.getByTestId("plan-analysis").filter({ hasText: "spans 4 stripes" }).waitFor();
    await page.getByTestId("arrange").click();
    await page.getByTestId("arrange-accept").click();
    await page.getByTestId("arrange-accept").waitFor({ state: "detached" });
    await screenshot(page, "deploy-rebuilt");
  });
});

test("every bad-build kind runs through the plan and reports its blast radius", async () => {
  await withPage(server.origin, async (page) => {
    await openPreset(page, "data-plane-by-stripe", "waves by stripe");
    const seen = new Set();
    for (const kind of ["black_hole", "crash", "slow_on_old_hardware", "wrong_answers", "version_incompat"]) {
      await page.getByTestId("bad-kind").selectOption(kind);
      const caption = await page.getByTestId("blast-radius").locator("caption").textContent();
      seen.add(await page.getByTestId("blast-radius").textContent());
      if (kind === "version_incompat") assert.match(caption, /staging caught/);
      if (kind === "wrong_answers") {
        const wrong = page.getByTestId("blast-radius").locator("tr.rw-build__total td").nth(6);
        assert.ok(Number(await wrong.textContent()) > 0, "wrong-answer resolver-seconds");
      }
    }
    assert.ok(seen.size >= 4, [...seen].join("\n"));
  });
});

test("control plane: the external API fails one host in one AZ; the internal API's staging catches incompatibility", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("external-api-by-az");
    await page.getByTestId("control-panel").waitFor();
    const az = page.getByTestId("fleet-us-east-1a");
    assert.equal(await az.locator("li[aria-label$='previous build']").count(), 6);
    await page.getByTestId("cp-kind").selectOption("crash");
    // Step to just after the first host's deploy: it fails; later the LB takes it out.
    await seekDeploy(page, 330_000);
    await az.locator("li[aria-label='host 1: new build, failing']").waitFor();
    await seekDeploy(page, 400_000);
    await az.locator("li[aria-label='host 1: out of service']").waitFor();
    assert.match(await az.textContent(), /sends to 5 of 6 hosts/);
    assert.equal(await page.getByTestId("fleet-us-east-1b").locator("li[aria-label$='previous build']").count(), 6);
    await page.getByTestId("cp-now").filter({ hasText: "host health check failed" }).waitFor();
    assert.match(await page.getByTestId("cp-impact").textContent(), /1 wave\(s\) started/);
    // Move us-east-1c into the first wave with the keyboard, one wave per key: the
    // chip moves and takes the focus back (in the next frame), then the next key.
    const chip = page.getByTestId("chip-us-east-1c");
    const wave = async () => chip.evaluate((el) => el.closest("[data-testid^=wave-]").dataset.testid);
    const focused = () => page.waitForFunction(() => document.activeElement?.dataset.testid === "chip-us-east-1c");
    await chip.focus();
    for (let k = 0; k < 4 && (await wave()) !== "wave-1"; k++) {
      const from = await wave();
      await page.keyboard.press("ArrowLeft");
      await page.waitForFunction((w) => document.querySelector("[data-testid=chip-us-east-1c]").closest("[data-testid^=wave-]").dataset.testid !== w, from);
      await focused();
    }
    await page.getByTestId("wave-1").getByTestId("chip-us-east-1c").waitFor();
    await page.getByTestId("wave-1").filter({ hasText: "2 customer-facing fleets at once" }).waitFor();
    await screenshot(page, "control-external");

    await page.getByTestId("preset-picker").selectOption("internal-api-by-fleet");
    await page.getByTestId("control-panel").locator("h2").filter({ hasText: "internal API" }).waitFor();
    await page.getByTestId("cp-kind").selectOption("incompat");
    await page.getByTestId("cp-impact").filter({ hasText: "Split-world staging caught it" }).waitFor();
    await page.getByTestId("cp-split-world").uncheck();
    await page.getByTestId("cp-impact").filter({ hasText: "wave(s) started" }).waitFor();
    assert.ok(Number((await page.getByTestId("cp-impact").locator("tbody td").nth(3).textContent())) > 0);
  });
});

test("a shared link opens the deployment at the same moment with the same outages", async () => {
  await withPage(server.origin, async (page) => {
    await openPreset(page, "data-plane-by-stripe", "waves by stripe");
    await seekDeploy(page, 1_200_000);
    await page.getByTestId("fail-stripe-2").click();
    await page.getByTestId("outages").filter({ hasText: "withdraw all of stripe 2" }).waitFor();
    const clock = await page.getByTestId("deploy-clock").textContent();
    const counts = await page.getByTestId("deploy-counts").textContent();
    await page.getByTestId("share").click();
    const url = await page.getByTestId("share-url").inputValue();
    const other = await page.context().newPage();
    await other.goto(url);
    await other.getByTestId("deploy-panel").waitFor();
    await other.getByTestId("deploy-clock").filter({ hasText: clock }).waitFor();
    assert.equal(await other.getByTestId("deploy-clock").textContent(), clock);
    await other.getByTestId("outages").filter({ hasText: "20:00.000 withdraw all of stripe 2" }).waitFor();
    assert.equal(await other.getByTestId("deploy-counts").textContent(), counts);
    await other.close();
  });
});

test("with reduced motion the queries are drawn still, not animated", async () => {
  await withPage(
    server.origin,
    async (page) => {
      await openPreset(page, "data-plane-by-stripe", "waves by stripe");
      await page.getByTestId("deploy-resolver").selectOption({ label: "Auckland" });
      await page.getByTestId("map-readout").filter({ hasText: "in Auckland" }).waitFor();
      const a = await mapHash(page);
      await frames(page, 30);
      assert.equal(await mapHash(page), a, "nothing moves");
      assert.match(await page.getByTestId("map-readout").textContent(), /first answer/);
    },
    { reducedMotion: "reduce" },
  );
});
