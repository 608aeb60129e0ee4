#!/usr/bin/env bash
# Installs what building (and, with --test, testing) needs; skips what is already there.
# Usage: scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly.
# `wasm-bindgen = "=X"` or `wasm-bindgen = { version = "=X", … }`.
wasm_bindgen_version=$(sed -n 's/^wasm-bindgen = \(.*version = \)\{0,1\}"=\([0-9.]*\)".*$/\2/p' Cargo.toml)
if [ -z "$wasm_bindgen_version" ]; then
  echo "setup: cannot find the pinned wasm-bindgen version in Cargo.toml" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (takes a few minutes, once)"
  # Not --locked: the registry index can lag behind the lock file's pins.
  cargo install wasm-bindgen-cli --version "=$wasm_bindgen_version"
fi

# npm dev dependencies: binaryen's wasm-opt, playwright-core, typescript.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dev dependencies"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--test" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v shellcheck >/dev/null; then
    say "installing Debian chromium, chromium-driver and shellcheck"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver shellcheck >/dev/null
  fi
  # check-jsonschema, moto and the AWS CLI in .venv-tools; shellcheck and zip from Debian.
  scripts/setup-tools.sh

  # cargo-fuzz for the short fuzz run (fuzz/run.sh); libFuzzer itself is C++ (g++).
  cargo_fuzz_version=0.13.2
  if ! command -v c++ >/dev/null; then
    say "installing Debian g++ (libFuzzer is built from C++)"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ >/dev/null
  fi
  if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $cargo_fuzz_version" ]; then
    say "installing cargo-fuzz $cargo_fuzz_version (takes a few minutes, once)"
    # Not --locked, as for wasm-bindgen-cli above.
    cargo install cargo-fuzz --version "=$cargo_fuzz_version"
  fi
fi
