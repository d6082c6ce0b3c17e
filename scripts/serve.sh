#!/usr/bin/env bash
# Builds the page and serves it at http://127.0.0.1:8080, installing missing tools first.
#   scripts/serve.sh          the release build: what users get (optimised for size,
#                             wasm-opt'd, precompressed); rebuilds on change, slowly
#   scripts/serve.sh --dev    a development build: quick rebuilds on every change, but a
#                             far larger and slower page (no wasm-opt, debug assertions)
# Any other arguments go to `trunk serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh

profile=(--release)
args=()
for arg in "$@"; do
  case "${arg}" in
    --dev) profile=() ;;
    *) args+=("${arg}") ;;
  esac
done
exec trunk serve "${profile[@]}" "${args[@]}"
