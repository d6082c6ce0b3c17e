// Shared end-to-end harness: serves dist/ on 127.0.0.1 (random port) with the right
// MIME types, and launches Debian's Chromium through playwright-core with a fresh
// profile. Records console errors, page errors and every request's URL.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, statSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, extname, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(ROOT, "tools", "package.json"));
const { chromium } = require("playwright-core");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
};

/** Serves `dir` on 127.0.0.1; resolves to { origin, close }. */
export function serveDist(dir = join(ROOT, "dist")) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** Launches Chromium with a fresh profile; resolves to { context, page, log, close }. */
export async function launch({ width = 1280, height = 800, reducedMotion = "no-preference" } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "routewave-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    viewport: { width, height },
    reducedMotion,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const log = { errors: [], requests: [] };
  page.on("console", (msg) => {
    if (msg.type() === "error") log.errors.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => log.errors.push(`pageerror: ${err.message}`));
  page.on("request", (req) => log.requests.push(req.url()));
  return { context, page, log, close: () => context.close() };
}

/** Saves a screenshot under target/e2e/: the full page, or only `locator`. */
export async function screenshot(page, name, locator = null) {
  const dir = join(ROOT, "target", "e2e");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  if (locator) await locator.screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
  return path;
}

/** Opens the page (with an optional fragment) and waits for the app to mount. */
export async function openApp(page, origin, hash = "") {
  await page.goto(`${origin}/${hash}`);
  await page.getByTestId("app-main").waitFor({ state: "visible", timeout: 20_000 });
  // The first run starts after the shell has painted; what a test reads next is its.
  await page.locator('[data-testid="app-main"][data-run="made"]').waitFor({ timeout: 20_000 });
}

/** Moves the scrubber to `ms` as a person dragging it would. */
export async function seek(page, ms) {
  await page.getByTestId("scrubber").evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, ms);
}

/** Waits until the page has drawn `n` more animation frames. */
export async function frames(page, n = 30) {
  await page.evaluate(
    (k) =>
      new Promise((done) => {
        const step = () => (--k <= 0 ? done() : requestAnimationFrame(step));
        requestAnimationFrame(step);
      }),
    n,
  );
}

/**
 * Waits, frame by frame (at most `limit` frames), until the canvas at `locator`
 * shows something else than it did when called; resolves to whether it did.
 */
export async function canvasChanges(locator, limit = 600) {
  return locator.evaluate(
    (c, limit) =>
      new Promise((done) => {
        const hash = () => {
          const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
          let h = 0;
          for (let i = 0; i < d.length; i += 16) h = (h * 31 + d[i] + d[i + 1] * 7 + d[i + 2] * 13) >>> 0;
          return h;
        };
        const before = hash();
        let left = limit;
        const step = () => (hash() !== before ? done(true) : --left <= 0 ? done(false) : requestAnimationFrame(step));
        requestAnimationFrame(step);
      }),
    limit,
  );
}

/**
 * Waits, frame by frame (at most `limit` frames), until fewer than `below` pixels of
 * the canvas at `locator` have exactly the colour `rgb`; resolves to the last count.
 */
export async function canvasPixelsBelow(locator, rgb, below, limit = 600) {
  return locator.evaluate(
    (c, [rgb, below, limit]) =>
      new Promise((done) => {
        const count = () => {
          const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i] === rgb[0] && d[i + 1] === rgb[1] && d[i + 2] === rgb[2]) n++;
          return n;
        };
        let left = limit;
        const step = () => {
          const n = count();
          if (n < below || --left <= 0) done(n);
          else requestAnimationFrame(step);
        };
        step();
      }),
    [rgb, below, limit],
  );
}

/**
 * Counts the pixels of a canvas that are drawn on (darker than near-white), or,
 * with `rgb`, exactly that colour.
 */
export async function canvasPixels(locator, rgb = null) {
  return locator.evaluate((c, want) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      const hit = want
        ? d[i] === want[0] && d[i + 1] === want[1] && d[i + 2] === want[2]
        : d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200;
      if (hit) n++;
    }
    return n;
  }, rgb);
}

/**
 * Runs `fn(page, log)` in a fresh browser at `origin` (the app opened and mounted),
 * then asserts nothing was logged as an error and no request left the page's origin;
 * the browser is closed whatever happens.
 */
export async function withPage(origin, fn, { width = 1280, height = 800, hash = "", reducedMotion } = {}) {
  const b = await launch({ width, height, reducedMotion });
  try {
    await openApp(b.page, origin, hash);
    await fn(b.page, b.log);
    if (b.log.errors.length) throw new Error(`errors in the page:\n${b.log.errors.join("\n")}`);
    const foreign = b.log.requests.filter((u) => !u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:"));
    if (foreign.length) throw new Error(`requests to other origins:\n${foreign.join("\n")}`);
  } finally {
    await b.close();
  }
}
