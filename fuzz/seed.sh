#!/usr/bin/env bash
# Seeds each target's corpus (fuzz/corpus/<target>/, git-ignored) from the test
# fixtures, so a run starts from real tokens, keys, policies and specs rather
# than from nothing. Idempotent: files are named after their fixture.
# Usage: fuzz/seed.sh
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../tests/fixtures

# seed <target> <file>...: copies each file to corpus/<target>/<dir>-<name>.
seed() {
  local target=$1
  shift
  mkdir -p "corpus/$target"
  local file
  for file in "$@"; do
    [ -f "$file" ] || continue
    cp "$file" "corpus/$target/$(basename "$(dirname "$file")")-$(basename "$file")"
  done
}

# Not too-large.txt: it only trips the 64 KiB check, and a 70 KB seed would make
# libFuzzer try inputs that long, slowing every run for nothing.
malformed=()
for file in "$fixtures"/malformed/*.txt; do
  [ "$(basename "$file")" = too-large.txt ] || malformed+=("$file")
done
seed token_decode "$fixtures"/tokens/*.jwt "$fixtures"/tokens/*.claims.json "${malformed[@]}"
seed verify_keys "$fixtures"/keys/*.json "$fixtures"/keys/*.pem "$fixtures"/tokens/*.jwt
# A single JWK too (the first key of the JWKS), not only whole key sets.
node -e 'const fs = require("fs"); process.stdout.write(JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1], "utf8")).keys[0]))' \
  "$fixtures/keys/jwks.json" >corpus/verify_keys/keys-single.jwk.json
seed policy_lint_evaluate "$fixtures"/lint/*.json "$fixtures"/tokens/*.claims.json
seed spec_generate "$fixtures"/policy/*.spec.json "$fixtures"/ci/*.spec.json
seed diagnose_compare "$fixtures"/diagnose/*.txt "$fixtures"/lint/*.json
seed lint_files "$fixtures"/sources/*.json "$fixtures"/sources/*.yaml
# Inputs that once crashed a target (tests/fixtures/fuzz/<target>/), so every run retries them.
for target in token_decode verify_keys policy_lint_evaluate spec_generate diagnose_compare lint_files; do
  saved=()
  for file in "$fixtures/fuzz/$target"/*; do
    [ "$(basename "$file")" = README.md ] || saved+=("$file")
  done
  [ "${#saved[@]}" -eq 0 ] || seed "$target" "${saved[@]}"
done

for target in token_decode verify_keys policy_lint_evaluate spec_generate diagnose_compare lint_files; do
  printf 'seed: corpus/%s: %s files\n' "$target" "$(find "corpus/$target" -type f | wc -l)"
done
