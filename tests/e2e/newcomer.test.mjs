// The newcomer's path, step by step, as the "done when" states it: pick
// "latency → weighted (ALB)", fail us-east-1, watch the failover, switch to NLB with
// CNAME TTL 1 s, compare, and share the link — which opens to the same moment.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveDist, screenshot, seek, withPage, openApp } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

test("newcomer: ALB design, fail us-east-1, watch, switch to NLB + TTL 1 s, compare, share", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-alb");
    await page.getByTestId("scenario-title").filter({ hasText: "Latency → weighted (ALB)" }).waitFor();
    // Fail us-east-1 at 02:00.
    await seek(page, 120_000);
    await page.getByTestId("stop-us-east-1").click();
    await page.getByTestId("fault-script").filter({ hasText: "02:00.000 stop the web servers in us-east-1" }).waitFor();
    // Watch: play fast until the probe is served from eu-west-1, then pause.
    await page.getByTestId("speed").fill("3");
    await page.getByTestId("speed-label").filter({ hasText: "×1000" }).waitFor();
    await page.getByTestId("play").click();
    await page.getByTestId("narration").filter({ hasText: "curl-dc now reaches eu-west-1" }).waitFor({ timeout: 15_000 });
    await page.getByTestId("play").click();
    await page.getByTestId("tree").filter({ hasText: "✗ unhealthy" }).waitFor();
    assert.match(await page.getByTestId("narration-now").textContent(), /\d\d:\d\d\.\d{3} — /);
    // The summary names what moved the answer, and lists the assumptions the run rests on.
    await page.getByTestId("summary").filter({ hasText: /curl-dc: switch .* moved by / }).waitFor();
    const assumed = page.getByTestId("assumptions");
    await assumed.locator("summary").click();
    assert.match(await assumed.textContent(), /Route 53 re-measures its latency data every: 7 days/);
    assert.match(await assumed.textContent(), /a health verdict reaches each DNS location after: 1–10 s/);
    // Pin this run as A; switch the design; B keeps A's seed and fault script.
    await page.getByTestId("pin-a").click();
    await page.getByTestId("preset-picker").selectOption("latency-weighted-cname-ttl1-nlb");
    await page.getByTestId("scenario-title").filter({ hasText: "TTL 1 s (NLB)" }).waitFor();
    await page.getByTestId("notice").filter({ hasText: "keeps A's seed" }).waitFor();
    await page.getByTestId("fault-script").filter({ hasText: "02:00.000 stop the web servers in us-east-1" }).waitFor();
    // The new run is finished over a few frames; until then the comparison is the
    // run before the switch, dimmed.
    await page.locator('[data-testid="app-main"][data-run="made"]').waitFor();
    const row = page.getByTestId("compare").locator("tr").filter({ hasText: "curl-dc switch time" });
    await row.waitFor();
    assert.match(await row.textContent(), /better/);
    await screenshot(page, "newcomer-compare");
    // Share this moment and open the link in a new tab: the same design, faults and moment.
    await seek(page, 200_000);
    const clock = await page.getByTestId("clock").textContent();
    await page.getByTestId("share").click();
    const url = await page.getByTestId("share-url").inputValue();
    assert.match(url, /#s=2\./);
    const other = await page.context().newPage();
    await openApp(other, server.origin, url.slice(url.indexOf("#")));
    await other.getByTestId("scenario-title").filter({ hasText: "TTL 1 s (NLB)" }).waitFor();
    await other.getByTestId("fault-script").filter({ hasText: "02:00.000 stop the web servers in us-east-1" }).waitFor();
    // The run starts after the first paint: wait for its full length, then compare.
    await other.getByTestId("clock").filter({ hasText: clock }).waitFor();
    assert.equal(await other.getByTestId("clock").textContent(), clock);
    await other.close();
  });
});
