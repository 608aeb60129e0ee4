#!/usr/bin/env bash
# Prints the performance report (issue 8) from one run on this machine: sizes,
# headless Chromium (cold load, keystrokes), Node (inspectToken vs jose, the
# policy pipeline) and native divan benchmarks, with a PASS/MISS line per budget.
# Figures, not tests: a missed budget is reported, never a failure. Exits non-zero
# only when a section could not run. Builds first (scripts/build.sh installs what
# is missing); takes about 3-5 minutes on 2 cores.
# Usage: scripts/bench.sh [--quick]   (--quick: fewer rounds and loads, for a smoke run)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=()
divan_args=()
if [ "${1:-}" = "--quick" ]; then
  quick=(--quick)
  divan_args=(--sample-count 20)
fi

# Budgets (issue 8), in bytes and milliseconds; the browser budgets live in scripts/bench/browser.mjs.
wasm_gz_budget=$((120 * 1024))
page_gz_budget=$((160 * 1024))

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
progress() { printf 'bench: %s\n' "$*" >&2; }
failed=()

# Runs one section, keeping its output for the report; a failure is reported, not fatal.
run() {
  local name=$1
  shift
  progress "$name"
  if ! "$@" >"$work/$name.out" 2>"$work/$name.err"; then
    failed+=("$name")
    {
      printf 'FAILED: %s\n' "$*"
      tail -n 40 "$work/$name.err"
    } >>"$work/$name.out"
  fi
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
progress "building (scripts/build.sh)"
scripts/build.sh >&2

wasm=pkg/gitlab_aws_oidc_bg.wasm
run browser node scripts/bench/browser.mjs --requests-out "$work/requests.json" "${quick[@]}"
run node node scripts/bench/node.mjs "${quick[@]}"
run native cargo bench --bench core -- "${divan_args[@]}"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

gz() { gzip -9c <"$1" | wc -c; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
verdict() { if [ "$1" -le "$2" ]; then echo PASS; else echo MISS; fi; }

# The files the page loads: what Chromium requested, else everything in dist/www/.
if [ -s "$work/requests.json" ]; then
  mapfile -t page_files < <(node -e 'for (const p of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))) console.log(p)' "$work/requests.json")
  page_source="the files Chromium requested on a cold load"
else
  mapfile -t page_files < <(cd dist/www && find . -type f | sed 's|^\./||' | sort)
  page_source="every file in dist/www/ (the browser run did not report its requests)"
fi

{
  echo "gitlab-aws-oidc performance report ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes'))"
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; load average $load_before at start, $load_after at end"
  echo "$(rustc --version); node $(node --version)"

  echo
  echo "== sizes (gzip -9 per file, as an HTTP server would send them)"
  wasm_raw=$(wc -c <"$wasm")
  wasm_gz=$(gz "$wasm")
  printf '%-44s %9d bytes (%s), %7d gzipped (%s)\n' "release .wasm ($wasm)" "$wasm_raw" "$(kib "$wasm_raw")" "$wasm_gz" "$(kib "$wasm_gz")"
  echo "page transfer, from $page_source:"
  page_raw=0
  page_gz=0
  for file in "${page_files[@]}"; do
    if [ ! -f "dist/www/$file" ]; then
      printf '  %-42s (not in dist/www/)\n' "$file"
      continue
    fi
    raw=$(wc -c <"dist/www/$file")
    zipped=$(gz "dist/www/$file")
    page_raw=$((page_raw + raw))
    page_gz=$((page_gz + zipped))
    printf '  %-42s %9d bytes %18d gzipped\n' "$file" "$raw" "$zipped"
  done
  printf '  %-42s %9d bytes (%s), %7d gzipped (%s)\n' "total (${#page_files[@]} files)" "$page_raw" "$(kib "$page_raw")" "$page_gz" "$(kib "$page_gz")"
  single=dist/gitlab-aws-oidc.html
  single_raw=$(wc -c <"$single")
  single_gz=$(gz "$single")
  printf '%-44s %9d bytes (%s), %7d gzipped (%s)\n' "single file ($single)" "$single_raw" "$(kib "$single_raw")" "$single_gz" "$(kib "$single_gz")"
  echo "$(verdict "$wasm_gz" "$wasm_gz_budget") .wasm gzipped $(kib "$wasm_gz") (budget ≤ 120 KiB = $wasm_gz_budget bytes)"
  echo "$(verdict "$page_gz" "$page_gz_budget") page transfer gzipped $(kib "$page_gz") (budget ≤ 160 KiB = $page_gz_budget bytes)"

  echo
  echo "== headless Chromium (scripts/bench/browser.mjs)"
  cat "$work/browser.out"

  echo
  echo "== Node (scripts/bench/node.mjs)"
  cat "$work/node.out"

  echo
  echo "== native, divan (cargo bench --bench core; the release profile: opt-level z, LTO)"
  grep -v '^\s*\(Compiling\|Finished\|Running\)' "$work/native.out" || true
  echo
  echo "wildcard worst cases against n characters, median per size (linear: time per character stays flat)"
  node scripts/bench/divan-summary.mjs <"$work/native.out"
} >"$work/report.txt"

cat "$work/report.txt"
echo
echo "== budgets"
grep -hE '^(PASS|MISS) ' "$work/report.txt" || echo "(no budget lines: see the failed sections above)"
if [ "${#failed[@]}" -gt 0 ]; then echo "sections that could not run: ${failed[*]}"; fi
[ "${#failed[@]}" -eq 0 ]
