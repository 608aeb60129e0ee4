#!/usr/bin/env bash
# Runs the fuzz targets for a while each: seeds the corpora from the fixtures,
# builds every target, then `cargo fuzz run`s them one after the other (or the
# ones named) with the dictionary. Exits non-zero if a target crashed, printing
# the saved input's path (fuzz/artifacts/<target>/; see README.md).
# Usage: fuzz/run.sh [seconds per target (default 30)] [target...]
#   CI (scripts/test.sh):  fuzz/run.sh 15
#   longer:                FUZZ_JOBS=2 fuzz/run.sh 1800
# Environment:
#   FUZZ_JOBS       parallel fuzzing processes per target (default 1; one per core at most)
#   FUZZ_SANITIZER  none (default: the core has no unsafe code, and it runs on stable)
#                   or address (AddressSanitizer: needs nightly, or stable with RUSTC_BOOTSTRAP=1)
#   FUZZ_TOOLCHAIN  the rustup toolchain to build with (default: nightly if installed, else stable)
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-30}
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(token_decode verify_keys policy_lint_evaluate spec_generate diagnose_compare lint_files)
jobs=${FUZZ_JOBS:-1}
sanitizer=${FUZZ_SANITIZER:-none}

# Says loudly that nothing was fuzzed, and why; never a silent pass.
skip() {
  {
    echo
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!! FUZZING SKIPPED: $*"
    echo "!! Nothing was fuzzed. See fuzz/README.md."
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  } >&2
  exit 0
}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing: scripts/setup.sh --test installs the pinned version" >&2
  exit 1
fi

# The toolchain: nightly when installed; otherwise stable, which builds libFuzzer
# targets too (cargo-fuzz only needs nightly for -Z flags: the sanitizers, build-std).
# RUSTC_BOOTSTRAP=1 lets stable accept those flags, for FUZZ_SANITIZER=address.
toolchain=${FUZZ_TOOLCHAIN:-}
if [ -z "$toolchain" ]; then
  if rustup toolchain list | grep -q '^nightly'; then
    toolchain=nightly
  else
    toolchain=stable
  fi
fi
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  echo "fuzz: the $toolchain toolchain is not installed (rustup toolchain list)" >&2
  exit 1
fi
if [ "$toolchain" != nightly ] && [ "$sanitizer" != none ]; then
  export RUSTC_BOOTSTRAP=1
fi
# Can this rustc instrument code for libFuzzer at all? (A probe that does not
# touch the project: a build failure of the targets themselves is a failure.)
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'pub fn f(x: u8) -> bool { x == 7 }' >"$probe/probe.rs"
if ! rustc "+$toolchain" --crate-type lib --out-dir "$probe" "$probe/probe.rs" \
  -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-trace-compares \
  >"$probe/log" 2>&1; then
  skip "the $toolchain toolchain cannot build libFuzzer instrumentation: $(head -n 3 "$probe/log")"
fi
echo "fuzz: $(rustc "+$toolchain" --version), sanitizer $sanitizer${RUSTC_BOOTSTRAP:+, RUSTC_BOOTSTRAP=1}, $(cargo fuzz --version)"

./seed.sh
fuzz() { cargo "+$toolchain" fuzz "$@"; }
# --sanitizer on build and run alike, or run rebuilds everything with the default.
printf '\n== fuzz: build %s\n' "${targets[*]}"
for target in "${targets[@]}"; do
  fuzz build --sanitizer "$sanitizer" "$target"
done

crashed=()
for target in "${targets[@]}"; do
  printf '\n== fuzz %s for %ss (%s job(s))\n' "$target" "$seconds" "$jobs"
  mkdir -p "artifacts/$target"
  before=$(mktemp)
  find "artifacts/$target" -type f | sort >"$before"
  # -timeout: an input that takes 10 s is a bug (a hang), reported like a crash.
  # -print_final_stats: executions, executions per second and coverage at the end.
  status=0
  fuzz run --sanitizer "$sanitizer" --jobs "$jobs" "$target" -- \
    -max_total_time="$seconds" -timeout=10 -dict=dict/gitlab.dict -print_final_stats=1 || status=$?
  new=$(find "artifacts/$target" -type f | sort | comm -13 "$before" -)
  rm -f "$before"
  if [ "$status" -ne 0 ] || [ -n "$new" ]; then
    crashed+=("$target")
    echo "fuzz: $target FAILED (exit $status); input(s) saved:" >&2
    if [ -n "$new" ]; then
      while IFS= read -r file; do echo "  fuzz/$file" >&2; done <<<"$new"
    else
      echo "  (none written: see the output above)" >&2
    fi
  fi
done

if [ "${#crashed[@]}" -gt 0 ]; then
  {
    echo
    echo "fuzz: crashed: ${crashed[*]}. Reproduce and minimize (fuzz/README.md, \"When a target crashes\"):"
    echo "  cd fuzz && cargo +$toolchain fuzz run --sanitizer $sanitizer <target> artifacts/<target>/<file>"
    echo "  cd fuzz && cargo +$toolchain fuzz tmin --sanitizer $sanitizer <target> artifacts/<target>/<file>"
    echo "then save the minimized input as tests/fixtures/fuzz/<target>/<name> (replayed by cargo test)."
  } >&2
  exit 1
fi
printf '\nfuzz: no crash in %s (%ss each)\n' "${targets[*]}" "$seconds"
