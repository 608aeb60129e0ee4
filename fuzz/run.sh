#!/usr/bin/env bash
# Runs the fuzz targets for a while each: seeds the corpora from the fixtures,
# then `cargo +nightly fuzz run` every target (or the ones named). Exits non-zero
# if a target crashed; the input is in fuzz/artifacts/<target>/ (see README.md).
# Usage: fuzz/run.sh [seconds per target (default 30)] [target...]
#   CI (short):   fuzz/run.sh 30
#   longer:       fuzz/run.sh 3600
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-30}
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(token_decode verify_keys policy_lint_evaluate spec_generate)

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: installing the nightly toolchain" >&2
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz (a few minutes, once)" >&2
  cargo install cargo-fuzz
fi

./seed.sh
crashed=()
for target in "${targets[@]}"; do
  printf '\n== fuzz %s for %ss\n' "$target" "$seconds"
  # -print_final_stats: execs/s and coverage at the end of the run.
  if ! cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -dict=dict/gitlab.dict -print_final_stats=1; then
    crashed+=("$target")
  fi
done
if [ "${#crashed[@]}" -gt 0 ]; then
  echo "fuzz: crashed: ${crashed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
