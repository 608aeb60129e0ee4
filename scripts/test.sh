#!/usr/bin/env bash
# Runs every test: format and lints, the rule pages against the rules, native
# tests, the wasm exports in Node and headless Chromium, the npm package in Node,
# the documentation (links, and every sh and js block run), the generated
# pipelines checked by independent tools, the page end to end, and a short fuzz
# run of every target.
# Installs what is missing first (scripts/setup.sh --test); safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

step() { printf '\n== %s\n' "$*"; }

step "rustfmt"
cargo fmt --all --check
step "clippy (host and wasm32)"
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked --lib --tests --target wasm32-unknown-unknown -- -D warnings  # benches are native-only
# Each of the page's two modules alone (scripts/build.sh builds them with one feature each),
# and the files exports alone.
for features in inspector tools files; do
  cargo clippy --locked --lib --target wasm32-unknown-unknown --no-default-features --features "$features" -- -D warnings
done
# The build's wasm splitter: its own workspace, built by scripts/build.sh into target/split-wasm.
cargo clippy --locked --quiet --manifest-path scripts/split-wasm/Cargo.toml --target-dir target/split-wasm --all-targets -- -D warnings
cargo fmt --manifest-path scripts/split-wasm/Cargo.toml --check
cargo test --locked --quiet --manifest-path scripts/split-wasm/Cargo.toml --target-dir target/split-wasm
step "shellcheck"
shellcheck scripts/*.sh fuzz/*.sh .ci/run

# First of the tests: a stale page says at once how to regenerate it (UPDATE_DOCS=1 cargo test --test docs).
step "rule pages: docs/rules/ and www/rules/ match the rules in src/, every example raises its rule"
cargo test --locked --test docs

step "native tests"
cargo test --locked

step "build"
scripts/build.sh

step "wasm exports in Node and headless Chromium"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER="$(command -v chromedriver)" \
  cargo test --locked --target wasm32-unknown-unknown --test wasm_node --test wasm_browser

step "npm package, the command, documentation (links, sh and js blocks), generated pipelines and components (GitLab schema, shellcheck, run against moto and by gitlab-ci-local) and page end to end"
node --test tests/node/ tests/cli/ tests/tools/ tests/e2e/

# Last, so every other failure shows first. Its own workspace and target dir (fuzz/target/).
step "fuzz: every target for 15 s, seeded from the fixtures"
fuzz/run.sh 15
