// What the page's WebAssembly holds: reads a .wasm that still has its name section
// (made by scripts/wasm-bytes.sh) and prints its code and data by family (the web
// framework, serde, the simulation core, sorting, formatting…), the largest functions
// and the largest data segments. No dependencies beyond Node.
//
//   node scripts/wasm-bytes.mjs target/wasm-bytes/routewave.wasm [--top 40] [--family serde]
//
// "≈ gzip" is each family's code and data gzipped on its own: a guide to what it adds to
// the download, not an exact share (the whole file compresses better than its parts).
import { readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
if (!file) {
  console.error("usage: node scripts/wasm-bytes.mjs <file.wasm> [--top N] [--family NAME]");
  process.exit(2);
}

const buf = readFileSync(file);
let pos = 8;
const u32 = () => {
  let result = 0;
  let shift = 0;
  let byte;
  do {
    byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
};
const str = () => {
  const n = u32();
  const s = buf.toString("utf8", pos, pos + n);
  pos += n;
  return s;
};
const limits = () => {
  const flags = buf[pos++];
  u32();
  if (flags & 1) u32();
};

let importedFunctions = 0;
const bodies = []; // [start, end] of each defined function's body
const segments = []; // [start, end] of each data segment's bytes
const funcNames = new Map();
const dataNames = new Map();
const sections = [];
const shipped = [buf.subarray(0, 8)]; // the module without its name section, as shipped
while (pos < buf.length) {
  const id = buf[pos++];
  const sectionStart = pos - 1;
  const size = u32();
  const start = pos;
  const end = start + size;
  if (id === 0) {
    const name = str();
    if (name !== "name") shipped.push(buf.subarray(sectionStart, end));
    sections.push([`custom "${name}"`, size]);
    if (name === "name") {
      while (pos < end) {
        const sub = buf[pos++];
        const subSize = u32();
        const subEnd = pos + subSize;
        if (sub === 1 || sub === 9) {
          const map = sub === 1 ? funcNames : dataNames;
          for (let n = u32(); n > 0; n--) {
            const idx = u32();
            map.set(idx, str());
          }
        }
        pos = subEnd;
      }
    }
  } else {
    shipped.push(buf.subarray(sectionStart, end));
    sections.push([["type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount", "tag"][id - 1] ?? `#${id}`, size]);
  }
  if (id === 2) {
    for (let n = u32(); n > 0; n--) {
      str();
      str();
      const kind = buf[pos++];
      if (kind === 0) {
        u32();
        importedFunctions++;
      } else if (kind === 1) {
        pos++;
        limits();
      } else if (kind === 2) limits();
      else if (kind === 3) pos += 2;
      else if (kind === 4) {
        pos++;
        u32();
      }
    }
  } else if (id === 10) {
    for (let n = u32(); n > 0; n--) {
      const len = u32();
      bodies.push([pos, pos + len]);
      pos += len;
    }
  } else if (id === 11) {
    for (let n = u32(); n > 0; n--) {
      const flags = u32();
      if (flags === 2) u32();
      if (flags !== 1) {
        while (buf[pos] !== 0x0b) pos++; // the offset expression
        pos++;
      }
      const len = u32();
      segments.push([pos, pos + len]);
      pos += len;
    }
  }
  pos = end;
}
if (funcNames.size === 0) {
  console.error(`${file} has no function names: build it with scripts/wasm-bytes.sh`);
  process.exit(1);
}

/** The family of a function, by its (demangled) name: first rule that matches wins. */
const FAMILIES = [
  ["serde / serde_json", /serde|zmij|itoa::|ryu::/],
  ["leptos (tachys, reactive_graph, …)", /tachys|leptos|reactive_graph|any_spawner|throw_error|send_wrapper|oco_ref|either_of|guardian|next_tuple|or_poisoned|slotmap|wasm_bindgen_futures/],
  ["plotters", /plotters/],
  ["sorting (one copy per element type and comparison)", /core::slice::sort|core\[[0-9a-f]+\]::slice::sort/],
  ["BTreeMap / BTreeSet", /alloc::collections::btree|alloc\[[0-9a-f]+\]::collections::btree/],
  ["miniz_oxide (share links)", /miniz_oxide/],
  ["base64", /base64/],
  ["xoshiro256++ (rand_xoshiro, rand_core)", /rand_xoshiro|rand_core|xoshiro|splitmix/i],
  ["libm", /libm::/],
  ["wasm-bindgen, js-sys, web-sys", /wasm_bindgen|js_sys|web_sys|__wbg|__wbindgen|externref|intounderlying/],
  ["routewave app (the page)", /routewave::app/],
  ["routewave core: failover", /routewave::failover/],
  ["routewave core: deploy", /routewave::deploy/],
  ["routewave core: route53", /routewave::route53/],
  ["routewave core: resolvers", /routewave::resolvers/],
  ["routewave core: spec", /routewave::spec/],
  ["routewave core: design (builder, presets)", /routewave::design/],
  ["routewave core: formats", /routewave::formats/],
  ["routewave core: charts", /routewave::charts/],
  ["routewave core: base", /routewave::base/],
  ["routewave: main", /routewave::main/],
  ["number parsing (str → f64)", /dec2flt|FromStr|num::bignum|from_str_radix/],
  ["formatting (core::fmt, float printing)", /fmt::|flt2dec|float_to_decimal|float_to_exponential|Display|Debug|pad_integral|write_str|write_char/],
  ["allocator, memcpy", /dlmalloc|__rust_alloc|__rust_dealloc|__rust_realloc|__rdl_|memcpy|memmove|memset|memcmp|raw_vec/],
  ["panics", /panic|unwrap_failed|expect_failed|abort|assert_failed/],
  ["drop glue (drop_in_place)", /drop_in_place/],
  ["other std / core / alloc", /core::|alloc::|std::|core\[|alloc\[|std\[|compiler_builtins/],
];
const familyOf = (name) => FAMILIES.find(([, re]) => re.test(name))?.[0] ?? "unnamed or other";

const families = new Map();
const add = (fam, bytes, parts) => {
  const f = families.get(fam) ?? { bytes: 0, count: 0, parts: [] };
  f.bytes += bytes;
  f.count++;
  f.parts.push(parts);
  families.set(fam, f);
};
const functions = bodies.map(([s, e], i) => {
  const name = funcNames.get(importedFunctions + i) ?? `code[${i}]`;
  add(familyOf(name), e - s, buf.subarray(s, e));
  return { name, bytes: e - s };
});
const data = segments.map(([s, e], i) => {
  const bytes = buf.subarray(s, e);
  const text = bytes.toString("latin1");
  const coast = text.includes('{"type":"Topology"');
  add(coast ? "data: the coastline (TopoJSON)" : "data: strings, tables, constants", e - s, bytes);
  return { name: dataNames.get(i) ?? `data[${i}]`, bytes: e - s, preview: text.replace(/[^\x20-\x7e]+/g, "·").slice(0, 100), coast };
});

const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);
const ship = Buffer.concat(shipped);
const shipGz = gzipSync(ship, { level: 9 }).length;
const shipBr = brotliCompressSync(ship, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(`${file}: ${kb(buf.length).trim()} with names, ${functions.length} functions`);
console.log(`as shipped (without names): ${kb(ship.length).trim()}, gzip -9 ${kb(shipGz).trim()}, brotli 11 ${kb(shipBr).trim()}\n`);
console.log("sections:");
for (const [name, size] of sections) console.log(`  ${name.padEnd(28)}${kb(size)}`);
const codeAndData = [...families.values()].reduce((a, f) => a + f.bytes, 0);
console.log(`\nby family (code and data, ${kb(codeAndData).trim()}):`);
console.log(`  ${"family".padEnd(54)}${"raw".padStart(10)}  share  ${"≈ gzip".padStart(10)}  items`);
for (const [name, f] of [...families].sort((a, b) => b[1].bytes - a[1].bytes)) {
  const gz = gzipSync(Buffer.concat(f.parts), { level: 9 }).length;
  console.log(`  ${name.padEnd(54)}${kb(f.bytes)}  ${((100 * f.bytes) / codeAndData).toFixed(1).padStart(4)}%  ${kb(gz)}  ${f.count}`);
}
const top = Number(opt("top", 30));
const only = opt("family");
const list = functions.filter((f) => !only || familyOf(f.name).startsWith(only)).sort((a, b) => b.bytes - a.bytes);
console.log(`\nlargest functions${only ? ` (${only})` : ""}:`);
for (const f of list.slice(0, top)) console.log(`  ${kb(f.bytes)}  ${f.name.length > 150 ? `${f.name.slice(0, 147)}…` : f.name}`);
if (!only) {
  console.log("\nlargest data segments:");
  for (const d of [...data].sort((a, b) => b.bytes - a.bytes).slice(0, 10)) console.log(`  ${kb(d.bytes)}  ${d.name}${d.coast ? " (coastline)" : ""}: ${d.preview}`);
}
