#!/usr/bin/env bash
# Caseport benchmarks: builds the release binary and site (unless BENCH_SKIP_BUILD=1), installs
# bench/node_modules from bench/package-lock.json (npm ci, skipped while nothing changed), then runs
#
#   bench/bench.mjs       HTTP throughput, sign-ins, sign-ins under load, bytes (server on 127.0.0.1:3200)
#   bench/lighthouse.mjs  Lighthouse scores of /sign-in and /account (server on 127.0.0.1:3300)
#   bench/cases.mjs       at a million cases (seeded, timed): the public status lookup's and the
#                         API's requests/s and p99 against a constant JSON answer, and the officer
#                         queue's p99 per page with filters (server on 127.0.0.1:3400)
#
# Each starts its own server with a temporary SQLite database, measures for a bounded time and
# stops it. Usage: bench/run.sh [all|bench|lighthouse|cases]   (default: all = bench and
# lighthouse; `cases` runs alone, as seeding a million cases takes minutes and about 2 GB of disk).
# Exits non-zero when a script fails (a missed target is printed, not a failure). See the scripts
# for the numbers and knobs (cases.mjs: BENCH_CASES, BENCH_EVENTS_PER_CASE, BENCH_CASES_DB, ...).
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO_ROOT"

which="${1:-all}"
case "$which" in
  all | bench | lighthouse | cases) ;;
  *)
    echo "usage: bench/run.sh [all|bench|lighthouse|cases]" >&2
    exit 2
    ;;
esac

if [[ "${BENCH_SKIP_BUILD:-0}" != "1" ]]; then
  banner "setup"
  bash scripts/setup.sh
  banner "release build (scripts/build-site.sh)"
  bash scripts/build-site.sh
fi

# bench/node_modules: npm ci from the committed lockfile, again only when package.json,
# package-lock.json or node changed. No browser is downloaded: both scripts drive /usr/bin/chromium.
# cases.mjs uses Node's built-ins only, so `cases` skips this.
bench_dir="$REPO_ROOT/bench"
stamp="$bench_dir/node_modules/.caseport-install-stamp"
want="$(cat "$bench_dir/package.json" "$bench_dir/package-lock.json" | sha256sum | cut -d' ' -f1) node-$(node --version)"
if [[ "$which" == "cases" ]]; then
  echo "bench: cases.mjs needs no bench/node_modules"
elif [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "bench: bench/node_modules present"
else
  echo "bench: npm ci --prefix bench"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 \
    npm ci --prefix "$bench_dir" --no-audit --no-fund --loglevel=error
  printf '%s\n' "$want" >"$stamp"
fi

status=0
if [[ "$which" == "all" || "$which" == "bench" ]]; then
  banner "bench"
  node bench/bench.mjs || status=1
fi
if [[ "$which" == "all" || "$which" == "lighthouse" ]]; then
  banner "lighthouse"
  node bench/lighthouse.mjs || status=1
fi
if [[ "$which" == "cases" ]]; then
  banner "cases"
  node bench/cases.mjs || status=1
fi
exit "$status"
