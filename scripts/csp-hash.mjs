// Trunk post_build hook: put the SHA-256 of every inline <script> of the staged
// index.html into the Content-Security-Policy meta tag (placeholder CSP_SCRIPT_HASHES).
// A static page has no server to issue nonces, so hashes are how the inline module
// loader stays allowed while everything else inline stays blocked.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("csp-hash: TRUNK_STAGING_DIR is not set (run as a Trunk hook)");
  process.exit(1);
}
const file = join(dir, "index.html");
const html = readFileSync(file, "utf8");
const hashes = [];
const inline = /<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;
for (const m of html.matchAll(inline)) {
  hashes.push(`'sha256-${createHash("sha256").update(m[1], "utf8").digest("base64")}'`);
}
const placeholders = html.split("CSP_SCRIPT_HASHES").length - 1;
if (placeholders !== 1) {
  console.error(`csp-hash: expected the placeholder once in index.html, found it ${placeholders} times`);
  process.exit(1);
}
writeFileSync(file, html.replace("CSP_SCRIPT_HASHES", hashes.join(" ")));
console.log(`csp-hash: ${hashes.length} inline script(s) hashed`);
