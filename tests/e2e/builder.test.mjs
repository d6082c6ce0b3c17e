// Building a design with the UI only: from an empty design to a latency → failover
// tree, run it, fail a region and watch the failover; move records by dragging.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveDist, screenshot, seek, withPage } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

/** Adds `child` (a value of the builder's menu) under `group`, in `region` for endpoints. */
async function add(page, group, child, region = null) {
  await page.getByTestId("build-group").selectOption(group);
  await page.getByTestId("build-child").selectOption(child);
  if (region) await page.getByTestId("build-region").selectOption(region);
  await page.getByTestId("build-add").click();
  await page.getByTestId("build-message").filter({ hasText: "Added" }).waitFor();
}

test("build a latency → failover tree from an empty design, then fail us-east-1", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("empty");
    await page.getByTestId("scenario-title").filter({ hasText: "Empty design" }).waitFor();
    await page.getByTestId("tree-rule-sso.example.com").filter({ hasText: "no records yet" }).waitFor();
    // The top rule routes by latency; two nested failover rules under it.
    await page.getByTestId("build-group").selectOption("sso.example.com");
    await page.getByTestId("build-policy").selectOption("latency");
    await add(page, "sso.example.com", "rule:failover");
    await add(page, "sso.example.com", "rule:failover");
    // Until they hold records, the latency rule's aliases lead nowhere: a warning, and
    // the design still runs (Route 53 accepts such an alias and answers it empty).
    const pitfalls = page.getByTestId("pitfalls");
    await pitfalls.filter({ hasText: "aliases 'failover1.sso.example.com', which has no records" }).waitFor();
    // Primary here, secondary in the other region, for each.
    await add(page, "failover1.sso.example.com", "alb", "us-east-1");
    await add(page, "failover1.sso.example.com", "alb", "eu-west-1");
    await add(page, "failover2.sso.example.com", "alb", "eu-west-1");
    await add(page, "failover2.sso.example.com", "alb", "us-east-1");
    await pitfalls.filter({ hasText: "which has no records" }).waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("tree-problems").count(), 0);
    const tree = await page.getByTestId("tree").textContent();
    assert.match(tree, /latency us-east-1/);
    assert.match(tree, /latency eu-west-1/);
    assert.equal((tree.match(/primary/g) ?? []).length, 2);
    assert.equal((tree.match(/secondary/g) ?? []).length, 2);
    // A third record in a failover group is refused, with the reason.
    await page.getByTestId("build-group").selectOption("failover1.sso.example.com");
    await page.getByTestId("build-child").selectOption("host");
    await page.getByTestId("build-add").click();
    await page.getByTestId("build-message").filter({ hasText: "primary and its secondary" }).waitFor();
    // While the timeline plays, the tree's rows stay the same elements (only their
    // health changes), so a drag started during playback is not cut short.
    await page.getByTestId("tree-record-0").evaluate((el) => (window.__row = el));
    await page.getByTestId("play").click();
    await page.getByTestId("clock").filter({ hasNotText: "00:00.000 / 25:00.000" }).waitFor();
    await page.getByTestId("play").click();
    await page.getByTestId("play").filter({ hasText: "Play" }).waitFor();
    assert.ok(await page.evaluate(() => window.__row.isConnected), "the row survived playback");
    // It runs: the probe is served from us-east-1 until we stop it there.
    await seek(page, 100_000);
    await page.getByTestId("probe-log").filter({ hasText: "us-east-1" }).waitFor();
    await page.getByTestId("stop-us-east-1").click();
    await page.getByTestId("fault-script").filter({ hasText: "stop the web servers in us-east-1" }).waitFor();
    await seek(page, 400_000);
    await page.getByTestId("probe-log").filter({ hasText: "eu-west-1" }).waitFor();
    await page.getByTestId("tree").filter({ hasText: "✗ unhealthy" }).waitFor();
    await page.getByTestId("narration").filter({ hasText: "now reaches eu-west-1" }).waitFor();
    await screenshot(page, "builder-latency-failover");
  });
});

test("drag a record onto another rule to move it there; a loop is refused; undo", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("empty");
    await page.getByTestId("scenario-title").filter({ hasText: "Empty design" }).waitFor();
    await page.getByTestId("build-policy").selectOption("weighted");
    await add(page, "sso.example.com", "alb", "us-east-1");
    await add(page, "sso.example.com", "nlb", "eu-west-1");
    await add(page, "sso.example.com", "rule:latency");
    const tree = page.getByTestId("tree");
    const alb = tree.locator("[data-testid^=tree-record-]").filter({ hasText: "ALB alb-use1" });
    assert.match(await alb.textContent(), /weight 10/);
    await alb.dragTo(page.getByTestId("tree-rule-latency1.sso.example.com"));
    // Now under the latency rule, keyed by its load balancer's region; the design runs.
    await tree.locator("[data-testid^=tree-record-]").filter({ hasText: "ALB alb-use1" }).filter({ hasText: "latency us-east-1" }).waitFor();
    await page.getByTestId("tree-problems").waitFor({ state: "detached" });
    // Dragging the alias onto the rule it points to would make a loop: refused, said why.
    const alias = tree.locator("[data-testid^=tree-record-]").filter({ hasText: "alias → latency1" });
    await alias.dragTo(page.getByTestId("tree-rule-latency1.sso.example.com"));
    await page.getByTestId("notice").filter({ hasText: "alias loop" }).waitFor();
    // Undo puts the ALB back under the weighted rule.
    await page.getByTestId("notice").getByRole("button", { name: "Dismiss" }).click();
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Control+z");
    await tree.locator("[data-testid^=tree-record-]").filter({ hasText: "ALB alb-use1" }).filter({ hasText: "weight 10" }).waitFor();
    await screenshot(page, "builder-drag");
  });
});

/** The tree as laid out: how far it scrolls sideways, the health badges outside it, the rows that wrap, and each row's connector from its parent: its elbow's end beside the row, and the gaps along its column (points not covered by a line) from the parent's bottom to the elbow. */
async function treeLayout(page) {
  return page.getByTestId("tree").evaluate((tree) => {
    const box = tree.getBoundingClientRect();
    const rowEls = [...tree.querySelectorAll(".rw-tree__row")];
    const rows = rowEls.map((r) => ({ rect: r.getBoundingClientRect(), depth: Number(r.ariaLevel), elbow: r.querySelector(".rw-tree__elbow")?.getBoundingClientRect() }));
    // Rules have no health of their own: their badge is empty.
    const badges = [...tree.querySelectorAll(".rw-health")].filter((b) => b.textContent.trim()).map((b) => b.getBoundingClientRect());
    const lines = [...tree.querySelectorAll(".rw-tree__line, .rw-tree__elbow")].map((l) => l.getBoundingClientRect());
    const connectors = rows.map((row, i) => {
      const p = rows.slice(0, i).findLastIndex((q) => q.depth < row.depth);
      if (p < 0 || !row.elbow) return { i, parent: p, elbow: !!row.elbow };
      const x = row.elbow.left + 0.75;
      const gaps = [];
      for (let y = rows[p].rect.bottom + 0.5; y < row.elbow.bottom - 1; y += 2) {
        if (!lines.some((l) => l.left <= x && x <= l.left + 2 && l.top <= y && y <= l.bottom)) gaps.push(Math.round(y));
      }
      return { i, parent: p, elbow: true, end: [row.elbow.right, row.elbow.bottom], left: row.rect.left, top: row.rect.top, gaps };
    });
    return {
      sideways: tree.scrollWidth - tree.clientWidth,
      outside: badges.filter((b) => b.right > box.right + 0.5 || b.width === 0).length,
      badges: badges.length,
      wrapped: rows.filter((r) => r.rect.height > 40).length,
      connectors,
    };
  });
}

test("the routing tree fits its panel at 1440 and 420 px: rows wrap, every badge shows, connectors reach their rows", async () => {
  for (const width of [1440, 420]) {
    await withPage(
      server.origin,
      async (page) => {
        await page.getByTestId("preset-picker").selectOption("latency-failover-alb");
        await page.getByTestId("scenario-title").filter({ hasText: "(ALB)" }).waitFor();
        const t = await treeLayout(page);
        assert.equal(t.sideways, 0, `${width} px: the tree scrolls sideways by ${t.sideways} px`);
        assert.ok(t.badges >= 6, `${width} px: ${t.badges} health badges`);
        assert.equal(t.outside, 0, `${width} px: ${t.outside} health badges outside the panel`);
        assert.ok(t.wrapped >= 1, `${width} px: some rows wrap onto a second line`);
        // Every row but the root has a connector from its parent, unbroken, ending at the row's left edge within its first line.
        assert.equal(t.connectors[0].parent, -1);
        for (const c of t.connectors.slice(1)) {
          assert.ok(c.parent >= 0 && c.elbow, `${width} px: row ${c.i} has no connector`);
          assert.ok(Math.abs(c.end[0] - c.left) <= 1.5, `${width} px: row ${c.i}'s connector ends at x ${c.end[0]}, the row at ${c.left}`);
          assert.ok(c.end[1] > c.top + 8 && c.end[1] < c.top + 24, `${width} px: row ${c.i}'s connector ends at y ${c.end[1]}, the row's top at ${c.top}`);
          assert.deepEqual(c.gaps, [], `${width} px: row ${c.i}'s connector is broken`);
        }
        await screenshot(page, `tree-${width}`, page.getByTestId("tree"));
      },
      { width, height: 900 },
    );
  }
});
