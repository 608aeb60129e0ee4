#!/usr/bin/env bash
# Builds the core to WebAssembly: the npm package in pkg/ and the page in dist/www/.
# Prints each release .wasm's size, raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

# One crate, four modules (Cargo features select the exports, src/wasm.rs): the npm package's
# main module with every export (`files` and `command` only there: the lint command's file
# formats and reports, and what only the command calls); the two the page loads, `inspector`
# (step 1, fetched on a cold load) and `tools` (steps 2-4 and Troubleshoot, fetched when one
# opens or once the page is idle), each also a subpath of the package (gitlab-aws-oidc/inspector,
# gitlab-aws-oidc/tools); and the single file's, which is both of the page's in one.
rm -rf pkg
# A panic's location names its source file, and the modules keep those names (a panic traps
# without printing them). The dependencies' and the standard library's are written relative to
# their crate's or the toolchain's source, so nothing that ships names a directory of the machine
# that built it. Sizes: the page's halves 0.2 KB smaller gzipped, the package's main module 0.1 KB larger.
cargo fetch --locked --quiet  # unpacks every dependency, so their directories exist below
remap_paths=""
for dir in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ "$(rustc --print sysroot)/lib/rustlib/src/rust/"; do
  remap_paths+=" --remap-path-prefix=$dir="
done
build_module() { # <features> <out name>: into pkg/
  RUSTFLAGS="$remap_paths" cargo build --lib --release --target wasm32-unknown-unknown --no-default-features --features "$1"
  bind_module target/wasm32-unknown-unknown/release/gitlab_aws_oidc.wasm "$2" pkg
}
bind_module() { # <linked .wasm> <out name> <out dir>: wasm-bindgen's glue and module, optimised
  wasm-bindgen --target web --out-dir "$3" --out-name "$2" --remove-producers-section "$1"
  optimize "$3/${2}_bg.wasm"
}
optimize() { # <module.wasm>, in place
  # binaryen from npm (Debian's older binaryen corrupts wasm-bindgen output).
  # --one-caller-inline-max-function-size: by default wasm-opt inlines every function that has
  # one caller, merging whole call trees into giant functions whose many locals gzip badly;
  # keeping them apart made the module 6 KB smaller gzipped (any limit from 10 to 30 gave the same).
  node_modules/.bin/wasm-opt -Oz --one-caller-inline-max-function-size=20 \
    --strip-debug --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$1" -o "$1"
}
build_module inspector,tools,files,command gitlab_aws_oidc
build_module inspector gitlab_aws_oidc_inspector
build_module tools gitlab_aws_oidc_tools
# The page's module: the inspector and the tools in one, without the package-only exports (`files`,
# `command`), which the page never calls. Not part of the package. The single file carries it whole; the
# served page gets it split in two at the function level (scripts/split-wasm): a first module with every
# function the inspector's exports can reach (fetched on a cold load) and a second with the rest of the
# tools (fetched later), which imports the first's memory, tables, globals and functions. One compiled
# core: what the two separate modules above repeat of each other is not fetched twice.
# It is linked with its relocations (--emit-relocs), which the splitter reads to move the read-only data
# only the tools read into the second module too (scripts/split-wasm/src/data.rs says why the code's
# constants cannot tell); wasm-bindgen gets it without them. Its own target directory, so that the
# flag does not make cargo rebuild the other modules' artefacts each time.
cargo build --release --locked --quiet --manifest-path scripts/split-wasm/Cargo.toml --target-dir target/split-wasm
split_wasm=target/split-wasm/release/split-wasm
rm -rf target/page-module
mkdir -p target/page-module
CARGO_TARGET_DIR=target/page-build RUSTFLAGS="-C link-arg=--emit-relocs$remap_paths" \
  cargo build --lib --release --target wasm32-unknown-unknown --no-default-features --features inspector,tools
cp target/page-build/wasm32-unknown-unknown/release/gitlab_aws_oidc.wasm target/page-module/linked.wasm
"$split_wasm" strip-linking target/page-module/linked.wasm target/page-module/unlinked.wasm
bind_module target/page-module/unlinked.wasm gitlab_aws_oidc_page target/page-module
node scripts/page-glue.mjs target/page-module/gitlab_aws_oidc_page.js
wasm=pkg/gitlab_aws_oidc_bg.wasm
node scripts/package-json.mjs > pkg/package.json
# The package's own README (for package users, not the repository's) and both licence texts.
cp npm/README.md pkg/README.md
cp LICENSE-MIT LICENSE-APACHE pkg/
# The gitlab-aws-oidc command (package.json's bin): plain ES modules over the main module.
cp -r bin pkg/bin
chmod +x pkg/bin/gitlab-aws-oidc.mjs

rm -rf dist/www
mkdir -p dist/www/pkg
cp -r www/. dist/www/
# The page's module, split; the package's main module for embed.html (a docs site's way to use the package).
cp target/page-module/gitlab_aws_oidc_page.js pkg/gitlab_aws_oidc.js pkg/gitlab_aws_oidc_bg.wasm dist/www/pkg/
"$split_wasm" target/page-module/gitlab_aws_oidc_page_bg.wasm pkg/gitlab_aws_oidc_inspector_bg.wasm \
  dist/www/pkg/gitlab_aws_oidc_page_bg.wasm dist/www/pkg/gitlab_aws_oidc_page_tools_bg.wasm --data target/page-module/linked.wasm
# Each half optimised again on its own (0.5 KB gzipped between them; their exports and imports stay as they are).
for half in dist/www/pkg/gitlab_aws_oidc_page_bg.wasm dist/www/pkg/gitlab_aws_oidc_page_tools_bg.wasm; do
  optimize "$half"
done
# wasm-bindgen's inline JavaScript (the WebCrypto calls of verifyToken), imported by the glue.
cp -r pkg/snippets target/page-module/snippets dist/www/pkg/
node scripts/single-file.mjs dist/www dist/gitlab-aws-oidc.html target/page-module/gitlab_aws_oidc_page.js
node scripts/bundle-page.mjs dist/www  # after single-file.mjs: that one reads the unbundled modules

for module in "$wasm" pkg/gitlab_aws_oidc_inspector_bg.wasm pkg/gitlab_aws_oidc_tools_bg.wasm \
  target/page-module/gitlab_aws_oidc_page_bg.wasm dist/www/pkg/gitlab_aws_oidc_page_bg.wasm dist/www/pkg/gitlab_aws_oidc_page_tools_bg.wasm; do
  raw=$(wc -c < "$module")
  gz=$(gzip -9c "$module" | wc -c)
  awk -v f="$module" -v raw="$raw" -v gz="$gz" \
    'BEGIN { printf "build: %s is %d bytes (%.1f KiB), %d bytes gzipped (%.1f KiB)\n", f, raw, raw / 1024, gz, gz / 1024 }'
done
