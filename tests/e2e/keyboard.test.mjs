// The newcomer's path with the keyboard alone: every step reached by Tab, operated
// by Enter / Space / arrows, with a visible focus ring at each stop.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveDist, screenshot, withPage } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

/** Presses Tab until the element matching `selector` has focus; checks the focus ring. */
async function tabTo(page, selector, limit = 250) {
  for (let i = 0; i < limit; i++) {
    const hit = await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector);
    if (hit) {
      const ring = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
      });
      assert.ok(ring, `${selector} shows a focus ring`);
      return;
    }
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${selector}`);
}

const testid = (id) => `[data-testid="${id}"]`;

test("keyboard only: load a preset, fail a region, play, edit the tree, share", async () => {
  await withPage(server.origin, async (page) => {
    // Pick the latency → weighted (ALB) preset with the arrow keys.
    await tabTo(page, testid("preset-picker"));
    for (let i = 0; i < 20; i++) {
      if ((await page.getByTestId("preset-picker").inputValue()) === "latency-weighted-alb") break;
      await page.keyboard.press("ArrowDown");
    }
    await page.getByTestId("scenario-title").filter({ hasText: "Latency → weighted (ALB)" }).waitFor();
    // Move the playhead with the keyboard: End goes to the end of the run, Home back.
    await tabTo(page, testid("scrubber"));
    await page.keyboard.press("End");
    await page.getByTestId("clock").filter({ hasText: /^25:00\.000/ }).waitFor();
    await page.keyboard.press("Home");
    await page.getByTestId("clock").filter({ hasText: /^00:00\.000/ }).waitFor();
    // Stop us-east-1's web servers at the playhead (a fault at 00:00).
    await tabTo(page, testid("stop-us-east-1"));
    await page.keyboard.press("Enter");
    await page.getByTestId("fault-script").filter({ hasText: "00:00.000 stop the web servers in us-east-1" }).waitFor();
    // Play with the Play button (Enter), pause with Space on the page.
    await tabTo(page, testid("play"));
    await page.keyboard.press("Enter");
    await page.getByTestId("play").filter({ hasText: "Pause" }).waitFor();
    await page.getByTestId("clock").filter({ hasNotText: /^00:00\.000/ }).waitFor();
    await page.keyboard.press("Enter");
    await page.getByTestId("play").filter({ hasText: "Play" }).waitFor();
    assert.doesNotMatch(await page.getByTestId("clock").textContent(), /^00:00\.000/);
    // Select a record in the tree with Enter and change its weight in the inspector.
    await tabTo(page, '[data-testid^="tree-record-"]');
    await page.keyboard.press("Tab"); // the first record is the latency alias; the next is a weighted leaf
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement.dataset.testid);
    await page.keyboard.press("Enter");
    await page.getByTestId("inspector-title").waitFor();
    await tabTo(page, testid("edit-weight"));
    await page.keyboard.press("Control+a");
    await page.keyboard.type("37");
    await page.keyboard.press("Tab");
    await page.getByTestId(focused).filter({ hasText: "weight 37" }).waitFor();
    // Undo with the keyboard: the Undo button.
    await tabTo(page, testid("undo"));
    await page.keyboard.press("Enter");
    await page.getByTestId(focused).filter({ hasText: "weight 37" }).waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.querySelector('[role=treeitem]').ariaLevel), "1");
    // Share the moment.
    await tabTo(page, testid("share"));
    await page.keyboard.press("Enter");
    await page.getByTestId("share-url").waitFor();
    assert.match(await page.getByTestId("share-url").inputValue(), /#s=2\./);
    await screenshot(page, "keyboard-walkthrough");
  });
});
