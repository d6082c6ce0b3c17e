#!/usr/bin/env bash
# Every check, fast first; exits non-zero on the first failure. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

step "rustfmt"
cargo fmt --all --check

step "clippy (native)"
cargo clippy --locked --all-targets -- -D warnings

step "clippy (wasm32)"
cargo clippy --locked --target wasm32-unknown-unknown --lib --bins --test web -- -D warnings

step "rustdoc (every link resolves, no private links)"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps

step "native tests"
cargo test --locked

step "browser tests (wasm-bindgen-test, headless Chromium)"
cargo test --locked --target wasm32-unknown-unknown --test web

step "release build (trunk)"
trunk build --release

step "end-to-end tests (Playwright, Chromium)"
node --test tests/e2e/

step "all checks passed"
