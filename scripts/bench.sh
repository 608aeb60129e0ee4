#!/usr/bin/env bash
# Prints the performance report (issues 8 and 21) from one run on this machine: sizes,
# headless Chromium (cold load, keystrokes), Node (inspectToken vs jose, the
# policy pipeline), the command as a cold process (gitlab-aws-oidc inspect against
# node -e "") and native divan benchmarks, with a PASS/MISS line per budget.
# The browser budgets are ratios within the run (the machines here differ by 2×).
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

# Budgets (issue 21), in bytes; the browser budgets (ratios) live in scripts/bench/browser.mjs.
# The wasm the page fetches before its first decoded token is on screen:
first_wasm_gz_budget=$((120 * 1024))
# Everything the page can ever load (a session that opens every step):
page_gz_budget=$((220 * 1024))

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

run browser node scripts/bench/browser.mjs --requests-out "$work/requests.json" "${quick[@]}"
run node node scripts/bench/node.mjs "${quick[@]}"
run native cargo bench --bench core -- "${divan_args[@]}"
run command node scripts/bench/command.mjs "${quick[@]}"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

gz() { gzip -9c <"$1" | wc -c; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
verdict() { if [ "$1" -le "$2" ]; then echo PASS; else echo MISS; fi; }

# The files the page loads, as Chromium requested them: before the first decoded token was on
# screen ("first") and in a session that opens every step ("all"); else every file index.html can reach.
requested() { node -e 'for (const p of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]]) console.log(p)' "$work/requests.json" "$1"; }
if [ -s "$work/requests.json" ]; then
  mapfile -t first_files < <(requested first)
  mapfile -t page_files < <(requested all)
  page_source="the files Chromium requested in a session that opens every step"
else
  first_files=(index.html pkg/gitlab_aws_oidc_page_bg.wasm)
  mapfile -t page_files < <(cd dist/www && find . -type f ! -name 'embed.*' ! -name 'gitlab_aws_oidc.js' ! -name 'gitlab_aws_oidc_bg.wasm' | sed 's|^\./||' | sort)
  page_source="every file in dist/www/ but the playground's (the browser run did not report its requests)"
fi

{
  echo "gitlab-aws-oidc performance report ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes'))"
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; load average $load_before at start, $load_after at end"
  echo "$(rustc --version); node $(node --version)"

  echo
  echo "== sizes (gzip -9 per file, as an HTTP server would send them)"
  # The package's three modules; the page's module whole (the single file's) and split in two (the served page's).
  for module in pkg/gitlab_aws_oidc_bg.wasm pkg/gitlab_aws_oidc_inspector_bg.wasm pkg/gitlab_aws_oidc_tools_bg.wasm \
    target/page-module/gitlab_aws_oidc_page_bg.wasm dist/www/pkg/gitlab_aws_oidc_page_bg.wasm dist/www/pkg/gitlab_aws_oidc_page_tools_bg.wasm; do
    raw=$(wc -c <"$module")
    zipped=$(gz "$module")
    printf '%-62s %9d bytes (%s), %7d gzipped (%s)\n' "release .wasm ($module)" "$raw" "$(kib "$raw")" "$zipped" "$(kib "$zipped")"
  done
  echo "page transfer, from $page_source:"
  page_raw=0
  page_gz=0
  first_wasm_gz=0
  first_wasm=()
  for file in "${page_files[@]}"; do
    if [ ! -f "dist/www/$file" ]; then
      printf '  %-42s (not in dist/www/)\n' "$file"
      continue
    fi
    raw=$(wc -c <"dist/www/$file")
    zipped=$(gz "dist/www/$file")
    page_raw=$((page_raw + raw))
    page_gz=$((page_gz + zipped))
    when="later"
    for f in "${first_files[@]}"; do
      if [ "$f" = "$file" ]; then
        when="first"
        if [[ $file == *.wasm ]]; then
          first_wasm_gz=$((first_wasm_gz + zipped))
          first_wasm+=("$file")
        fi
      fi
    done
    printf '  %-42s %9d bytes %18d gzipped  %s\n' "$file" "$raw" "$zipped" "$when"
  done
  printf '  %-42s %9d bytes (%s), %7d gzipped (%s)\n' "total (${#page_files[@]} files)" "$page_raw" "$(kib "$page_raw")" "$page_gz" "$(kib "$page_gz")"
  echo "  (first: requested before the first decoded token was on screen; later: after it)"
  single=dist/gitlab-aws-oidc.html
  single_raw=$(wc -c <"$single")
  single_gz=$(gz "$single")
  printf '%-44s %9d bytes (%s), %7d gzipped (%s)\n' "single file ($single)" "$single_raw" "$(kib "$single_raw")" "$single_gz" "$(kib "$single_gz")"
  echo "$(verdict "$first_wasm_gz" "$first_wasm_gz_budget") wasm fetched before the first decoded token $(kib "$first_wasm_gz") gzipped (${first_wasm[*]:-none}; budget ≤ 120 KiB = $first_wasm_gz_budget bytes)"
  echo "$(verdict "$page_gz" "$page_gz_budget") everything the page can load $(kib "$page_gz") gzipped, ${#page_files[@]} files (budget ≤ 220 KiB = $page_gz_budget bytes)"
  echo "single file $(kib "$single_gz") gzipped, $(kib "$single_raw") raw (printed, no budget)"
  # A finding's rule page: its dialog's code and its text are fetched when its code is clicked, so neither a
  # cold load nor the session above (which clicks none) asks for them. The single file carries them inline.
  if [ -f dist/www/rule-docs.js ]; then
    rule_min=0 rule_max=0 rule_count=0
    for file in dist/www/rules/*.json; do
      zipped=$(gz "$file")
      rule_count=$((rule_count + 1))
      if [ "$rule_min" -eq 0 ] || [ "$zipped" -lt "$rule_min" ]; then rule_min=$zipped; fi
      if [ "$zipped" -gt "$rule_max" ]; then rule_max=$zipped; fi
    done
    echo "rule pages, fetched only when a finding's code is clicked: rule-docs.js $(gz dist/www/rule-docs.js) bytes gzipped, then one of $rule_count rules/<CODE>.json, $rule_min–$rule_max bytes gzipped"
  fi

  echo
  echo "== the command (scripts/bench/command.mjs: cold processes, interleaved)"
  cat "$work/command.out"
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
