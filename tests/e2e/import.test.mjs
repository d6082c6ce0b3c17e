// The one Import: a Terraform module of several files chosen at once (its notes shown
// beside the tree, then simulated), Route 53 record sets and their health checks as
// two dropped files, and a broken file that leaves the design as it was.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { serveDist, screenshot, seek, withPage, ROOT } from "./harness.mjs";

const MODULE = ["main.tf", "lb.tf", "providers.tf", "variables.tf", "terraform.tfvars"].map((f) =>
  join(ROOT, "tests/fixtures/terraform/module", f),
);

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

/** Opens the import panel and chooses `files` (paths or { name, mimeType, buffer }). */
async function choose(page, files) {
  if (!(await page.getByTestId("import-panel").isVisible())) await page.getByTestId("import").click();
  await page.getByTestId("import-files").setInputFiles(files);
}

test("import a Terraform module, read its notes, and simulate it", async () => {
  await withPage(server.origin, async (page) => {
    const before = await page.getByTestId("scenario-title").textContent();
    await choose(page, MODULE);
    await page.getByTestId("scenario-title").filter({ hasText: "Imported: geo.example.com" }).waitFor();
    // What was read as what, and the importer's notes, beside the tree.
    const summary = page.getByTestId("import-summary");
    assert.match(await summary.textContent(), /lb\.tf, main\.tf, providers\.tf, variables\.tf, terraform\.tfvars as one Terraform module/);
    const notes = page.getByTestId("import-notes-list");
    assert.match(await notes.textContent(), /module "vpc" .* is not read/);
    assert.match(await notes.textContent(), /aws_lb\.api_use1: its DNS name is known only after apply/);
    // The followed name's geolocation tree, each region's load balancer under it.
    const tree = await page.getByTestId("tree").textContent();
    assert.match(tree, /geolocation/);
    assert.match(tree, /ALB api-use1 \(us-east-1\)/);
    assert.match(tree, /NLB api-euw1 \(eu-west-1\)/);
    await screenshot(page, "imported-terraform");
    // Simulate: stop a region, play, and the summary measures the switch.
    await page.getByTestId("stop-us-east-1").click();
    await page.getByTestId("play").click();
    await page.getByTestId("play").filter({ hasText: "Pause" }).waitFor();
    await page.getByTestId("summary").filter({ hasText: /Fault at \d/ }).waitFor();
    await page.getByTestId("play").click();
    // The notes stay until dismissed.
    await page.getByTestId("import-notes-dismiss").click();
    await page.getByTestId("import-notes").waitFor({ state: "detached" });
    // The import was one edit: undo the fault, then the import.
    await page.getByTestId("undo").click();
    await page.getByTestId("undo").click();
    await page.getByTestId("scenario-title").filter({ hasText: before.trim() }).waitFor();
  });
});

test("import record sets and health checks dropped as two files", async () => {
  await withPage(server.origin, async (page) => {
    const files = ["aws-record-sets.json", "aws-health-checks.json"].map((name) => ({
      name,
      text: readFileSync(join(ROOT, "tests/fixtures", name), "utf8"),
    }));
    const transfer = await page.evaluateHandle((files) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([f.text], f.name, { type: "application/json" }));
      return dt;
    }, files);
    await page.getByTestId("import").dispatchEvent("drop", { dataTransfer: transfer });
    await page.getByTestId("scenario-title").filter({ hasText: "Imported: app.example.com" }).waitFor();
    assert.match(
      await page.getByTestId("import-summary").textContent(),
      /aws-record-sets\.json as Route 53 record sets .* and aws-health-checks\.json as Route 53 health checks/,
    );
    assert.match(await page.getByTestId("import-notes-list").textContent(), /record type MX is not simulated/);
    assert.match(await page.getByTestId("tree").textContent(), /app-use1-1234567890/);
    // The health checks came in too: the second file's checks are read, not assumed.
    const notes = await page.getByTestId("import-notes-list").textContent();
    assert.match(notes, /HealthChecks\[3\] \(55555555-aaaa-bbbb-cccc-666666666666\): CLOUDWATCH_METRIC check/);
    assert.doesNotMatch(notes, /was not in the health-check input/);
  });
});

test("a broken file: one line naming the file and place; the design stays", async () => {
  await withPage(server.origin, async (page) => {
    await choose(page, MODULE);
    await page.getByTestId("scenario-title").filter({ hasText: "Imported: geo.example.com" }).waitFor();
    const tree = await page.getByTestId("tree").textContent();
    const broken = 'resource "aws_route53_record" "www" {\n  name = \n}\n';
    await choose(page, [
      { name: "broken.tf", mimeType: "text/plain", buffer: Buffer.from(broken) },
      { name: "variables.tf", mimeType: "text/plain", buffer: readFileSync(MODULE[3]) },
    ]);
    const notice = page.getByTestId("notice").filter({ hasText: "Import failed: broken.tf: line 2, column" });
    await notice.waitFor();
    assert.equal((await notice.textContent()).split("\n").length, 1);
    assert.match(await notice.textContent(), /Your design is unchanged/);
    assert.match(await page.getByTestId("scenario-title").textContent(), /Imported: geo\.example\.com/);
    assert.equal(await page.getByTestId("tree").textContent(), tree);
    // Broken JSON pasted: its line and column.
    await page.getByTestId("import-text").fill('{\n  "ResourceRecordSets": [ nope');
    await page.getByTestId("import-pasted").click();
    await page.getByTestId("notice").filter({ hasText: "Import failed: pasted text: not valid JSON" }).waitFor();
    assert.match(await page.getByTestId("notice").textContent(), /line 2 column \d+/);
    assert.match(await page.getByTestId("scenario-title").textContent(), /Imported: geo\.example\.com/);
    // Undo still takes back the one import.
    await page.getByTestId("undo").click();
    await page.getByTestId("scenario-title").filter({ hasNotText: "Imported: geo.example.com" }).waitFor();
  });
});

test("a change batch scheduled at the playhead joins the fault script; the tree waits for it", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("latency-weighted-alb");
    await page.getByTestId("scenario-title").filter({ hasText: "Latency → weighted (ALB)" }).waitFor();
    await seek(page, 600_000);
    const tree = await page.getByTestId("tree").textContent();
    await page.getByTestId("import").click();
    const at = page.getByTestId("import-at-playhead");
    await at.check();
    await page.getByTestId("import-panel").filter({ hasText: "schedule it at the playhead (10:00.000)" }).waitFor();
    const batch = {
      Changes: [
        { Action: "CREATE", ResourceRecordSet: { Name: "extra.example.com", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.10" }] } },
      ],
    };
    await page.getByTestId("import-text").fill(JSON.stringify(batch));
    await screenshot(page, "import-at-playhead");
    await page.getByTestId("import-pasted").click();
    await page.getByTestId("fault-script").filter({ hasText: "10:00.000 CREATE extra.example.com" }).waitFor();
    assert.match(await page.getByTestId("import-summary").textContent(), /Scheduled pasted text .* at 10:00\.000/);
    // Nothing in the tree changes before the moment: the batch is a timed change.
    assert.equal(await page.getByTestId("tree").textContent(), tree);
    // One edit: undo takes the scheduled batch back.
    await page.getByTestId("undo").click();
    await page.getByTestId("fault-script").filter({ hasText: "CREATE extra.example.com" }).waitFor({ state: "detached" });
  });
});
