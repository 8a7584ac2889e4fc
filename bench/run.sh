#!/usr/bin/env bash
# Caseport benchmark: builds the release binary and site (unless BENCH_SKIP_BUILD=1), then runs
# bench/bench.mjs, which starts its own server on 127.0.0.1:3200 with a temporary SQLite database,
# measures for a bounded time and stops it. See bench/bench.mjs for the three numbers and knobs.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO_ROOT"

if [[ "${BENCH_SKIP_BUILD:-0}" != "1" ]]; then
  banner "setup"
  bash scripts/setup.sh
  banner "cargo leptos build --release"
  cargo leptos build --release
fi

banner "bench"
exec node bench/bench.mjs "$@"
