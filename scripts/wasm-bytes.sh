#!/usr/bin/env bash
# What the page's WebAssembly holds, by family and by function: builds the release wasm
# as Trunk does (cargo, wasm-bindgen, wasm-opt with index.html's flags) but keeps the
# name section, then runs scripts/wasm-bytes.mjs on it. Code and data sizes equal the
# shipped file's; only the names are extra. Arguments go to wasm-bytes.mjs
# (e.g. --top 60, --family serde). For more detail: `cargo install twiggy`, then
# `twiggy top|dominators|paths target/wasm-bytes/routewave.wasm`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

out=target/wasm-bytes
mkdir -p "${out}"
cargo build --profile wasm-release --locked --target wasm32-unknown-unknown --bin routewave
wasm-bindgen --target web --keep-debug --out-dir "${out}/bindgen" target/wasm32-unknown-unknown/wasm-release/routewave.wasm
# As Trunk calls it: index.html's first data-wasm-opt level and data-wasm-opt-params, plus -g
# (keep the names). wasm-opt reads the features to enable from the wasm itself.
# The page's link comes first; the worker's has the same flags.
level="$(sed -n 's/.*data-wasm-opt="\([^"]*\)".*/\1/p' index.html | head -n 1)"
params="$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html | head -n 1)"
# shellcheck disable=SC2086 # the params are separate words
wasm-opt "-O${level}" ${params} -g "${out}/bindgen/routewave_bg.wasm" -o "${out}/routewave.wasm"
node scripts/wasm-bytes.mjs "${out}/routewave.wasm" "$@"
