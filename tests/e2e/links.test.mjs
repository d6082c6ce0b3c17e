// Every bad link of the table (the same cases as tests/it/links.rs, built here with
// node's raw deflate) shows its message in the page, the app stays usable, and the
// autosaved work is untouched. Saved scenarios list.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { serveDist, withPage } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

const b64 = (buf) => Buffer.from(buf).toString("base64url");
const pack = (bytes) => `#s=1.${b64(deflateRawSync(Buffer.from(bytes)))}`;

test("every bad link in the table gives its message and leaves autosave intact", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("geo-failover-nlb");
    await page.getByTestId("scenario-title").filter({ hasText: "Geolocation" }).waitFor();
    // Autosave is debounced: wait for it.
    await page.waitForFunction((t) => (localStorage.getItem("routewave.autosave.v1") || "").includes(t), "Geolocation");
    const saved = await page.evaluate(() => localStorage.getItem("routewave.autosave.v1"));
    const preset = JSON.parse(saved);
    const valid = await page.evaluate(() => location.hash);
    const payload = valid.split(".")[1];
    const variant = (f) => {
      const s = structuredClone(preset);
      f(s);
      return pack(JSON.stringify(s));
    };
    const cases = [
      ["#x=1.abc", "does not contain a Routewave scenario"],
      ["#s=", "does not contain a Routewave scenario"],
      ["#s=1", "does not contain a Routewave scenario"],
      ["#scenario", "does not contain a Routewave scenario"],
      ["#s=abc.xyz", "version 'abc' is not a number"],
      ["#s=-1.xyz", "version '-1' is not a number"],
      ["#s=1x.abc", "version '1x' is not a number"],
      ["#s=4294967296.abc", "version '4294967296' is not a number"],
      ["#s=0.abc", "version '0' is not a number"],
      ["#s=99.xyz", "newer Routewave (scenario version 99)"],
      [variant((s) => (s.version += 1)), "newer Routewave (scenario version 3)"],
      ["#s=1.!!!", "not valid base64url"],
      ["#s=1.a%20b", "not valid base64url"],
      ["#s=1..", "not valid base64url"],
      ["#s=1.", "does not decompress"],
      ["#s=1.AAAA", "does not decompress"],
      // Cut at a multiple of four characters, so what is left is valid base64url.
      [`#s=1.${payload.slice(0, (payload.length / 2) & ~3)}`, "does not decompress"],
      [`#s=1.${b64(Buffer.from("\xff\xfe\xfd not deflate at all", "latin1"))}`, "does not decompress"],
      [pack(Buffer.alloc(6 * 1024 * 1024, 32)), "larger than 4194304 bytes once decompressed"],
      [`#s=1.${"A".repeat(200001)}`, "characters long; the limit is 200000"],
      [pack("hello"), "not valid JSON"],
      [pack("[]"), 'missing "version"'],
      [pack("{}"), 'missing "version"'],
      [pack('{"version": 1}'), "missing field `title`"],
      [pack('{"version": "one"}'), 'missing "version"'],
      [pack(Buffer.from([0xc3, 0x28, 0x20, 0x69])), "not UTF-8 text"],
      [variant((s) => (s.colour = "blue")), "unknown field `colour`"],
      [variant((s) => (s.resolvers = Array.from({ length: 20001 }, (_, i) => ({ id: `r${i}`, city: "paris", kind: "bind" })))), "the limit is 20000"],
      [variant((s) => (s.duration_s = 1e9)), "the limit is 86400"],
      [variant((s) => (s.title = "t".repeat(5000))), "title: has 5000 characters; the limit is 4000"],
    ];
    assert.ok(cases.length >= 30);
    for (const [hash, message] of cases) {
      await page.evaluate((h) => {
        location.hash = h;
      }, hash);
      const notice = page.getByTestId("notice");
      await notice.filter({ hasText: message }).waitFor({ timeout: 10_000 });
      assert.match(await page.getByTestId("scenario-title").textContent(), /Geolocation/, hash.slice(0, 40));
      assert.equal(await page.evaluate(() => localStorage.getItem("routewave.autosave.v1")), saved, hash.slice(0, 40));
      await page.getByRole("button", { name: "Dismiss" }).click();
    }
    // Still usable after all that: play a second and step.
    await page.getByTestId("step").click();
    await page.getByTestId("clock").filter({ hasText: "00:01.000" }).waitFor();
  });
});

test("save scenarios and open them again", async () => {
  await withPage(server.origin, async (page) => {
    await page.getByTestId("preset-picker").selectOption("all-defaults-nlb");
    await page.getByTestId("scenario-title").filter({ hasText: "All defaults" }).waitFor();
    await page.getByTestId("save").click();
    await page.getByTestId("preset-picker").selectOption("geo-failover-alb");
    await page.getByTestId("save").click();
    assert.match(await page.getByTestId("saved").locator("option").first().textContent(), /Saved scenarios \(2\)/);
    await page.getByTestId("saved").selectOption("All defaults (NLB)");
    await page.getByTestId("scenario-title").filter({ hasText: "All defaults (NLB)" }).waitFor();
    await page.getByTestId("delete-saved").click();
    assert.match(await page.getByTestId("saved").locator("option").first().textContent(), /Saved scenarios \(1\)/);
  });
});
