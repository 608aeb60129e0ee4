#!/usr/bin/env bash
# Builds the page and serves it on http://127.0.0.1:${PORT:-8000}/ (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec node scripts/serve.mjs dist/www "${PORT:-8000}"
