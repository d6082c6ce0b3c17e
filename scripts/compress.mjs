// Precompressed copies for static hosts that serve them (nginx gzip_static / brotli_static,
// Caddy's precompressed, many CDNs): writes `<file>.gz` (gzip level 9) and `<file>.br`
// (brotli quality 11) beside every text and wasm file of the staged dist/. Node's own
// zlib, no dependency. Run by scripts/post-build.mjs after the CSP hash is in index.html;
// release builds only (a development build is rebuilt too often to be worth it).
import { gzip, brotliCompress, constants } from "node:zlib";
import { promisify } from "node:util";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, extname, relative } from "node:path";

const gz = promisify(gzip);
const br = promisify(brotliCompress);

/** Extensions worth compressing: text of every kind, and WebAssembly. */
export const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg", ".txt", ".xml", ".map"]);

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.has(extname(entry.name))) yield path;
  }
}

/** Writes the .gz and .br of every compressible file under `dir`; resolves to a summary per file. */
export async function compressDir(dir) {
  return Promise.all(
    [...files(dir)].map(async (path) => {
      const body = readFileSync(path);
      const [g, b] = await Promise.all([
        gz(body, { level: 9 }),
        br(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_MODE]: extname(path) === ".wasm" ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
      ]);
      writeFileSync(`${path}.gz`, g);
      writeFileSync(`${path}.br`, b);
      return { file: relative(dir, path), raw: body.length, gzip: g.length, brotli: b.length };
    }),
  );
}

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("compress: TRUNK_STAGING_DIR is not set (run as a Trunk hook)");
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== "release") {
  console.log("compress: development build, no precompressed files");
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  for (const r of (await compressDir(dir)).sort((a, b) => b.raw - a.raw)) {
    console.log(`compress: ${r.file}: ${kb(r.raw)} → gzip ${kb(r.gzip)}, brotli ${kb(r.brotli)}`);
  }
}
