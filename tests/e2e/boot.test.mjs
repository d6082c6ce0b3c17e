// The first seconds of a visit: the loading screen painted from the HTML before any
// WebAssembly, its progress and its messages when something is missing or fails, the
// coastline fetched only when a map is shown, and the precompressed files beside every
// text and wasm asset of dist/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, extname } from "node:path";
import { gunzipSync, brotliDecompressSync } from "node:zlib";
import { ROOT, serveDist, launch, openApp, screenshot, withPage, canvasPixels } from "./harness.mjs";

const DIST = join(ROOT, "dist");
let server;
before(async () => (server = await serveDist()));
after(() => server.close());

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

test("every text and wasm file of dist/ has a .gz and a .br beside it that decompress to it", () => {
  const text = [...files(DIST)].filter((f) => [".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg"].includes(extname(f)));
  assert.ok(text.some((f) => f.endsWith(".wasm")) && text.some((f) => f.endsWith("land-110m.json")), "the wasm and the coastline are there");
  for (const f of text) {
    const body = readFileSync(f);
    assert.deepEqual(gunzipSync(readFileSync(`${f}.gz`)), body, `${f}.gz`);
    assert.deepEqual(brotliDecompressSync(readFileSync(`${f}.br`)), body, `${f}.br`);
  }
  const wasm = text.find((f) => f.endsWith(".wasm") && !f.includes("routewave-worker"));
  assert.ok(text.some((f) => f.endsWith("routewave-worker_bg.wasm")) && text.some((f) => f.endsWith("routewave-worker_loader.js")), "the trials' worker is there");
  assert.ok(readFileSync(`${wasm}.br`).length < readFileSync(`${wasm}.gz`).length, "brotli beats gzip on the wasm");
  // The compressed page is the final one: its policy holds the loader's hash.
  const html = gunzipSync(readFileSync(join(DIST, "index.html.gz"))).toString();
  assert.match(html, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
  assert.doesNotMatch(html, /CSP_SCRIPT_HASHES/);
});

test("the page's HTML paints a loading screen, which leaves when the app mounts", async () => {
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  assert.match(html, /id="rw-boot"/);
  assert.match(html, /<h1 class="rw-boot__title">Routewave<\/h1>/);
  assert.match(html, /deterministic simulation/);
  assert.doesNotMatch(html, /fonts\.googleapis|https?:\/\/(?!127\.0\.0\.1)[^"' ]+\.(css|js|woff2?)/, "no outside fonts or scripts");
  await withPage(server.origin, async (page) => {
    assert.equal(await page.locator("#rw-boot").count(), 0, "the loading screen is gone");
    assert.equal(await page.locator(".rw-header__brand").textContent(), "Routewave");
  });
});

test("the loading screen shows the download's progress (throttled), in light and dark, wide and narrow", async () => {
  for (const [width, height] of [[1440, 900], [420, 860]]) {
    for (const scheme of ["light", "dark"]) {
      const b = await launch({ width, height });
      try {
        await b.page.emulateMedia({ colorScheme: scheme });
        const cdp = await b.context.newCDPSession(b.page);
        await cdp.send("Network.enable");
        // Slow enough that the download takes seconds: 400 ms round trip, 1.6 Mbit/s.
        await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 400, downloadThroughput: 200_000, uploadThroughput: 93_750 });
        await b.page.goto(`${server.origin}/`);
        const status = b.page.getByTestId("boot-status");
        await status.filter({ hasText: /Loading the simulator… [1-9]\d? %/ }).waitFor({ timeout: 60_000 });
        assert.ok(await b.page.locator("#rw-boot-bar:not(.rw-boot__bar--waiting)").isVisible(), "the bar shows real progress");
        const fill = await b.page.locator("#rw-boot-fill").evaluate((el) => el.getBoundingClientRect().width);
        assert.ok(fill > 0, "the bar has filled a little");
        await screenshot(b.page, `boot-${width}-${scheme}`);
        await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
        await b.page.getByTestId("app-main").waitFor({ timeout: 60_000 });
        assert.equal(await b.page.locator("#rw-boot").count(), 0);
        assert.deepEqual(b.log.errors, []);
      } finally {
        await b.close();
      }
    }
  }
});

test("without WebAssembly the loading screen says what is missing", async () => {
  const b = await launch();
  try {
    await b.context.addInitScript(() => delete globalThis.WebAssembly);
    await b.page.goto(`${server.origin}/`);
    const status = b.page.getByTestId("boot-status");
    await status.filter({ hasText: "needs WebAssembly" }).waitFor();
    assert.equal(await status.getAttribute("role"), "alert");
    assert.ok(!(await b.page.locator("#rw-boot-bar").isVisible()), "no progress bar left spinning");
    await screenshot(b.page, "boot-no-webassembly");
  } finally {
    await b.close();
  }
});

test("without JavaScript the loading screen says to turn it on, with no progress bar left waiting", async () => {
  const b = await launch();
  try {
    const cdp = await b.context.newCDPSession(b.page);
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
    await b.page.goto(`${server.origin}/`);
    await b.page.locator(".rw-boot__error").filter({ hasText: "enable JavaScript" }).waitFor();
    assert.ok(!(await b.page.locator("#rw-boot-bar").isVisible()), "no bar");
    assert.ok(!(await b.page.getByTestId("boot-status").isVisible()), "no status");
    await screenshot(b.page, "boot-no-javascript");
  } finally {
    await b.close();
  }
});

test("if the wasm or the app's script cannot be fetched, the loading screen says so", async () => {
  for (const pattern of ["**/*.wasm", "**/routewave-*.js"]) {
    const b = await launch();
    try {
      await b.page.route(pattern, (route) => route.abort());
      await b.page.goto(`${server.origin}/`);
      const status = b.page.getByTestId("boot-status");
      await status.filter({ hasText: /Routewave could not (be loaded|start)/ }).waitFor({ timeout: 20_000 });
      assert.match(await status.textContent(), /reload the page/);
      assert.equal(await status.getAttribute("role"), "alert", pattern);
    } finally {
      await b.close();
    }
  }
});

test("the coastline is not in the wasm: the map fetches it from the page's origin when first shown", async () => {
  for (const wasm of [...files(DIST)].filter((f) => f.endsWith(".wasm"))) {
    assert.ok(!readFileSync(wasm).includes('{"type":"Topology"'), `no TopoJSON in ${wasm}`);
  }
  await withPage(server.origin, async (page, log) => {
    assert.ok(!log.requests.some((u) => u.endsWith("/land-110m.json")), "not fetched before a map is shown");
    await page.getByTestId("preset-picker").selectOption("data-plane-by-stripe");
    const map = page.locator("[data-testid=map][data-coast=ready]");
    await map.waitFor();
    assert.ok(log.requests.includes(`${server.origin}/land-110m.json`), "fetched from this origin");
    assert.ok((await canvasPixels(map, [214, 218, 224])) > 20_000, "land is drawn");
    assert.equal(await page.getByTestId("map-coast").textContent(), "", "no message once loaded");
  });
});

test("if the coastline cannot be fetched, the map says so and draws everything else", async () => {
  const b = await launch();
  try {
    await b.page.route("**/land-110m.json", (route) => route.fulfill({ status: 404, body: "not found" }));
    await openApp(b.page, server.origin);
    await b.page.getByTestId("preset-picker").selectOption("data-plane-by-stripe");
    const map = b.page.locator("[data-testid=map][data-coast=failed]");
    await map.waitFor();
    assert.match(await b.page.getByTestId("map-coast").textContent(), /coastline could not be loaded \(the server answered 404/);
    assert.equal(await canvasPixels(map, [214, 218, 224]), 0, "no land");
    assert.ok((await canvasPixels(map, [0, 114, 178])) > 30, "locations are drawn");
    await screenshot(b.page, "map-without-coastline");
  } finally {
    await b.close();
  }
});
