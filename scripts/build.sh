#!/usr/bin/env bash
# Builds the core to WebAssembly: the npm package in pkg/ and the page in dist/www/.
# Prints the release .wasm size, raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cargo build --lib --release --target wasm32-unknown-unknown
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --remove-producers-section \
  target/wasm32-unknown-unknown/release/gitlab_aws_oidc.wasm
wasm=pkg/gitlab_aws_oidc_bg.wasm
# binaryen from npm (Debian's older binaryen corrupts wasm-bindgen output).
# --one-caller-inline-max-function-size: by default wasm-opt inlines every function that has
# one caller, merging whole call trees into giant functions whose many locals gzip badly;
# keeping them apart made the module 6 KB smaller gzipped (any limit from 10 to 30 gave the same).
node_modules/.bin/wasm-opt -Oz --one-caller-inline-max-function-size=20 \
  --strip-debug --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$wasm" -o "$wasm"
node scripts/package-json.mjs > pkg/package.json
cp README.md pkg/README.md

rm -rf dist/www
mkdir -p dist/www/pkg
cp -r www/. dist/www/
cp pkg/gitlab_aws_oidc.js "$wasm" dist/www/pkg/
# wasm-bindgen's inline JavaScript (the WebCrypto calls of verifyToken), imported by the glue.
cp -r pkg/snippets dist/www/pkg/
node scripts/single-file.mjs dist/www dist/gitlab-aws-oidc.html
node scripts/bundle-page.mjs dist/www  # after single-file.mjs: that one reads the unbundled modules

raw=$(wc -c < "$wasm")
gz=$(gzip -9c "$wasm" | wc -c)
awk -v f="$wasm" -v raw="$raw" -v gz="$gz" \
  'BEGIN { printf "build: %s is %d bytes (%.1f KiB), %d bytes gzipped (%.1f KiB)\n", f, raw, raw / 1024, gz, gz / 1024 }'
