// Files and history: undo / redo an edit with the keyboard, export the scenario as a
// file and import it back, paste real Route 53 output and simulate it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { serveDist, screenshot, withPage, ROOT } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

test("undo and redo an edit with Ctrl+Z / Ctrl+Shift+Z", async () => {
  await withPage(server.origin, async (page) => {
    const count = () => page.getByTestId("fault-script").locator("li").count();
    const before = await count();
    await page.getByTestId("stop-eu-west-1").click();
    assert.equal(await count(), before + 1);
    await page.locator("body").click({ position: { x: 5, y: 400 } });
    await page.keyboard.press("Control+z");
    assert.equal(await count(), before);
    await page.keyboard.press("Control+Shift+z");
    assert.equal(await count(), before + 1);
  });
});

test("export the scenario as JSON and import it back", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("geo-failover-nlb");
    await page.getByTestId("scenario-title").filter({ hasText: "Geolocation" }).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-json").click()]);
    const path = await download.path();
    const json = readFileSync(path, "utf8");
    assert.match(json, /"title": "Geolocation → nested failover \(NLB\)"/);
    await page.getByTestId("preset-picker").selectOption("all-defaults-alb");
    await page.getByTestId("scenario-title").filter({ hasText: "All defaults" }).waitFor();
    await page.getByTestId("import").click();
    await page.getByTestId("import-files").setInputFiles(path);
    await page.getByTestId("scenario-title").filter({ hasText: "Geolocation" }).waitFor();
    // A broken file: a message, and the work stays.
    await page.getByTestId("import").click();
    await page.getByTestId("import-files").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from("{ nope") });
    await page.getByTestId("notice").filter({ hasText: "Import failed: broken.json: not valid JSON" }).waitFor();
    assert.match(await page.getByTestId("scenario-title").textContent(), /Geolocation/);
  });
});

test("paste real Route 53 output and simulate it", async () => {
  await withPage(server.origin, async (page) => {
    // Both outputs pasted one after the other are read as two documents.
    const records = readFileSync(join(ROOT, "tests/fixtures/aws-record-sets.json"), "utf8");
    const checks = readFileSync(join(ROOT, "tests/fixtures/aws-health-checks.json"), "utf8");
    await page.getByTestId("import").click();
    await page.getByTestId("import-text").fill(`${records}\n${checks}`);
    await page.getByTestId("import-pasted").click();
    await page.getByTestId("scenario-title").filter({ hasText: "Imported: app.example.com" }).waitFor();
    assert.match(await page.getByTestId("import-summary").textContent(), /pasted text, document 2 as Route 53 health checks/);
    assert.match(await page.getByTestId("import-notes-list").textContent(), /record type MX is not simulated/);
    assert.match(await page.getByTestId("tree").textContent(), /app-use1-1234567890/);
    assert.match(await page.getByTestId("query-answer").textContent(), /app-use1-1234567890/);
    await screenshot(page, "imported-zone");
  });
});
