// Trunk's post_build hook. Trunk starts the hooks of one stage all at once, so the
// steps that depend on each other run here, in order:
//   1. csp-hash.mjs: the inline loader's hash into index.html's Content-Security-Policy;
//   2. compress.mjs: .gz and .br of every text and wasm file, index.html as it now is.
await import("./csp-hash.mjs");
await import("./compress.mjs");
