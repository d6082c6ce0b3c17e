#!/usr/bin/env bash
# Installs every tool the page and its checks need, each only if missing, at pinned
# versions. Idempotent: with everything installed it takes seconds.
#   wasm32 target, rustfmt, clippy        (rustup)
#   trunk 0.21.14, wasm-bindgen-cli = Cargo.lock's wasm-bindgen   (cargo install)
#   wasm-opt (binaryen 132), playwright-core  (npm, into tools/node_modules)
#   chromium + chromium-driver            (Debian packages)
# Tools are never downloaded by Trunk or Playwright themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
say() { printf 'setup: %s\n' "$*"; }

# Rust components and the wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^${component}"; then
    say "adding rustup component ${component}"
    rustup component add "${component}"
  fi
done

# Chromium and its driver (for wasm-bindgen-test and Playwright).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Debian chromium and chromium-driver"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver
fi

# Trunk.
if [ "$(trunk --version 2>/dev/null || true)" != "trunk ${TRUNK_VERSION}" ]; then
  say "installing trunk ${TRUNK_VERSION} (several minutes, once)"
  cargo install trunk --locked --version "${TRUNK_VERSION}"
fi

# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock.
WBG_VERSION="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')"
if [ -z "${WBG_VERSION}" ]; then
  echo "setup: cannot find wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen ${WBG_VERSION}" ]; then
  say "installing wasm-bindgen-cli ${WBG_VERSION}"
  # --locked first; its lock file can pin a patch release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "=${WBG_VERSION}" --locked \
    || cargo install wasm-bindgen-cli --version "=${WBG_VERSION}"
fi

# Node tools (wasm-opt, playwright-core) from tools/package-lock.json.
if [ ! -x tools/node_modules/.bin/wasm-opt ] || [ ! -d tools/node_modules/playwright-core ] \
  || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  say "installing node tools (binaryen, playwright-core)"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi

# Trunk builds offline (it passes --offline to cargo): fetch crates first.
cargo fetch --locked -q
cargo fetch --locked -q --target wasm32-unknown-unknown
