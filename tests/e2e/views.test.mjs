// Every view of the page, at a desktop and a phone width, saved as screenshots under
// target/e2e/ (view-<panel>-<width>.png) to be looked at; the page never scrolls
// sideways and every panel has a heading.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { serveDist, seek, withPage, ROOT } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

for (const width of [1280, 420]) {
  test(`each view at ${width} px`, async () => {
    await withPage(
      server.origin,
      async (page) => {
        await page.getByTestId("preset-picker").selectOption("latency-weighted-checks-nlb");
        await page.getByTestId("scenario-title").filter({ hasText: "checks on both layers" }).waitFor();
        await seek(page, 420_000);
        await page.getByTestId("tree").filter({ hasText: "✗ unhealthy" }).waitFor();
        const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than ${width} px`);
        const panels = page.locator("section.rw-panel");
        const n = await panels.count();
        assert.ok(n >= 6, `${n} panels`);
        const dir = join(ROOT, "target", "e2e");
        mkdirSync(dir, { recursive: true });
        for (let i = 0; i < n; i++) {
          const heading = (await panels.nth(i).locator("h2").first().textContent()).trim();
          assert.ok(heading.length > 0);
          const slug = heading.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
          await panels.nth(i).screenshot({ path: join(dir, `view-${slug}-${width}.png`) });
        }
      },
      { width, height: 900 },
    );
  });
}

for (const width of [1280, 420]) {
  test(`the deployment views at ${width} px`, async () => {
    await withPage(
      server.origin,
      async (page) => {
        const dir = join(ROOT, "target", "e2e");
        mkdirSync(dir, { recursive: true });
        for (const [preset, testid] of [
          ["data-plane-bad-plan", "deploy-panel"],
          ["external-api-by-az", "control-panel"],
        ]) {
          await page.getByTestId("preset-picker").selectOption(preset);
          await page.getByTestId(testid).waitFor();
          await page.getByTestId("deploy-scrubber").evaluate((el) => {
            el.value = "1500000";
            el.dispatchEvent(new Event("input", { bubbles: true }));
          });
          // The player shows the scrubber's moment (the browser clamps it to the run).
          const ms = Number(await page.getByTestId("deploy-scrubber").inputValue());
          const at = `${String(Math.floor(ms / 60_000)).padStart(2, "0")}:${String(Math.floor(ms / 1000) % 60).padStart(2, "0")}.${String(ms % 1000).padStart(3, "0")}`;
          await page.getByTestId("deploy-clock").filter({ hasText: `${at} / ` }).waitFor();
          const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${preset}: the page is ${overflow} px wider than ${width} px`);
          await page.getByTestId(testid).screenshot({ path: join(dir, `view-${preset}-${width}.png`) });
        }
      },
      { width, height: 900 },
    );
  });
}
