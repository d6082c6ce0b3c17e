# Sourced by the other scripts: puts the project's pinned node tools (binaryen's
# wasm-opt, which must win over any Debian binaryen) and cargo's bin first on PATH.
ROUTEWAVE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="${ROUTEWAVE_ROOT}/tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:${PATH}"
