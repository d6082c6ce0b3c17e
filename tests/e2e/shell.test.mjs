// The app shell: mounts with no console error, a real interaction works, nothing is
// requested from any origin but the page's own, and screenshots are saved.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveDist, launch, screenshot } from "./harness.mjs";

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

test("app mounts, the about panel toggles, and only the page's origin is contacted", async () => {
  const browser = await launch();
  try {
    const { page, log } = browser;
    await page.goto(`${server.origin}/`);
    await page.getByTestId("app-main").waitFor({ state: "visible", timeout: 20_000 });
    assert.equal(await page.locator(".rw-header__brand").textContent(), "Routewave");
    assert.notEqual((await page.getByTestId("scenario-title").textContent()).trim(), "");

    const toggle = page.getByTestId("about-toggle");
    assert.equal(await page.getByTestId("about").count(), 0);
    await toggle.click();
    await page.getByTestId("about").waitFor({ state: "visible" });
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    await screenshot(page, "shell-about");
    await page.getByTestId("about-close").click();
    await page.getByTestId("about").waitFor({ state: "detached" });

    await screenshot(page, "shell");
    assert.deepEqual(log.errors, [], "no console or page errors");
    const foreign = log.requests.filter(
      (url) => !url.startsWith(server.origin + "/") && !url.startsWith("data:") && !url.startsWith("blob:"),
    );
    assert.deepEqual(foreign, [], "no request leaves the page's origin");
    assert.ok(log.requests.some((u) => u.endsWith(".wasm")), "the wasm module was fetched");
  } finally {
    await browser.close();
  }
});

test("dark colour scheme is honoured", async () => {
  const browser = await launch();
  try {
    const { page, log } = browser;
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${server.origin}/`);
    await page.getByTestId("app-main").waitFor({ state: "visible", timeout: 20_000 });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, "rgb(13, 17, 23)");
    await screenshot(page, "shell-dark");
    assert.deepEqual(log.errors, []);
  } finally {
    await browser.close();
  }
});
